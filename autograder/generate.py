"""Generate the learner notebooks: solutions/NN_name.ipynb → notebooks/NN_name.ipynb.

The solutions are synced into a throw-away nbgrader course, nbgrader's
generate_assignment removes solutions and hidden tests, and the released notebooks
are written to notebooks/ without outputs. ``--check`` only reports which learner
notebooks are stale (exit status 1), for tests and CI.

    python -m autograder.generate [--check] [--solutions DIR] [--out DIR] [ASSIGNMENT ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import nbformat

from autograder import course_dir
from autograder.course_dir import CourseError

NOTEBOOKS_DIR = course_dir.REPO_ROOT / "notebooks"


def _clean(nb) -> str:
    """The learner notebook as text: no outputs, no execution counts, stable formatting."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nbformat.writes(nb) + "\n"


def render(solutions_dir=course_dir.SOLUTIONS_DIR, assignments=None) -> dict[str, str]:
    """Assignment id → the learner notebook's text, produced by nbgrader generate_assignment."""
    with tempfile.TemporaryDirectory(prefix="hnnl-generate-") as tmp:
        course = course_dir.new_course(Path(tmp) / "course")
        aids = course_dir.sync_source(course, solutions_dir, assignments)
        api = course_dir.nbgrader_api(course)
        rendered = {}
        for aid in aids:
            result = api.generate_assignment(aid)
            if not result.get("success"):
                raise CourseError(f"nbgrader generate_assignment {aid} failed:\n{result.get('log', '')}"
                                  f"{result.get('error', '')}")
            released = course / "release" / aid / f"{aid}.ipynb"
            rendered[aid] = _clean(nbformat.read(released, as_version=4))
        return rendered


def stale(rendered: dict[str, str], out_dir=NOTEBOOKS_DIR) -> list[str]:
    """Ids whose notebooks/<id>.ipynb is missing or differs from the freshly rendered text."""
    out_dir = Path(out_dir)
    return [aid for aid, text in rendered.items()
            if not (out_dir / f"{aid}.ipynb").is_file()
            or (out_dir / f"{aid}.ipynb").read_text(encoding="utf-8") != text]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder generate", description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="assignment ids (default: every solutions notebook)")
    parser.add_argument("--solutions", type=Path, default=course_dir.SOLUTIONS_DIR, help="source notebooks")
    parser.add_argument("--out", type=Path, default=NOTEBOOKS_DIR, help="where the learner notebooks go")
    parser.add_argument("--check", action="store_true", help="only report stale notebooks (exit 1 if any)")
    args = parser.parse_args(argv)
    try:
        rendered = render(args.solutions, args.assignments or None)
    except CourseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    outdated = stale(rendered, args.out)
    if args.check:
        for aid in outdated:
            print(f"stale: {args.out / aid}.ipynb (run: python -m autograder generate)")
        print(f"{len(rendered) - len(outdated)} of {len(rendered)} learner notebooks up to date")
        return 1 if outdated else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for aid in outdated:
        (args.out / f"{aid}.ipynb").write_text(rendered[aid], encoding="utf-8")
        print(f"wrote {args.out / aid}.ipynb")
    print(f"{len(rendered)} learner notebooks, {len(outdated)} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
