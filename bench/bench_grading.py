"""Grade a synthetic class built from the real notebooks: plain serial `nbgrader autograde` vs grade_submissions.

    .venv/bin/python bench/bench_grading.py [--learners 50] [--assignments 01_gradient_descent ...] [--jobs N]

Each learner's notebook: every exercise solved with the solution, answered wrongly (the solution's
numbers doubled afterwards) or left untouched, chosen at random (seeded). Both graders start from
identical copies of the course; the per student per assignment scores must be identical.
Prints learners per minute for both and writes bench/results/grading.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests"))
from adversarial.real_class import build_course, make_class  # noqa: E402
from autograder import course_dir  # noqa: E402
from autograder.engine import grade_submissions  # noqa: E402

def scores(root: Path) -> dict[str, float]:
    config = course_dir.load_config(root)
    with Gradebook(f"sqlite:///{root}/gradebook.db", config.CourseDirectory.get("course_id", "")) as gb:
        return {f"{s.student.id}/{a.name}": round(float(s.score), 6)
                for a in gb.assignments for s in a.submissions}


def plain_nbgrader(root: Path, assignments: list[str]) -> float:
    start = time.perf_counter()
    for a in assignments:
        subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "autograde", a, "--force"],
                       cwd=root, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--assignments", nargs="*", default=None)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--skip-plain", action="store_true", help="only time grade_submissions")
    args = parser.parse_args(argv)
    if args.learners < 1:
        parser.error(f"--learners must be >= 1, got {args.learners}")
    course_dir.ensure_tools_on_path()
    assignments = args.assignments or course_dir.available_assignments()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        base = build_course(Path(tmp) / "base", assignments)
        make_class(base, assignments, args.learners)
        engine_root = Path(shutil.copytree(base, Path(tmp) / "engine", symlinks=True))
        plain_root = Path(shutil.copytree(base, Path(tmp) / "plain", symlinks=True))
        start = time.perf_counter()
        results = grade_submissions(str(engine_root), jobs=args.jobs, progress=True)
        engine_s = time.perf_counter() - start
        figures = {"learners": args.learners, "assignments": assignments, "notebooks": len(results),
                   "cores": os.cpu_count(), "engine_seconds": round(engine_s, 2),
                   "engine_learners_per_minute": round(args.learners * 60 / engine_s, 2),
                   "engine_statuses": {s: sum(r.status == s for r in results) for s in {r.status for r in results}}}
        if not args.skip_plain:
            plain_s = plain_nbgrader(plain_root, assignments)
            plain, mine = scores(plain_root), scores(engine_root)
            differ = sorted(k for k in plain.keys() | mine.keys() if plain.get(k) != mine.get(k))
            figures.update({"plain_seconds": round(plain_s, 2),
                            "plain_learners_per_minute": round(args.learners * 60 / plain_s, 2),
                            "speedup": round(plain_s / engine_s, 2), "scores_identical": not differ,
                            "score_differences": {k: (plain.get(k), mine.get(k)) for k in differ[:20]}})
    print(json.dumps(figures, indent=1))
    out = ROOT / "bench" / "results" / "grading.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=1) + "\n")
    return 0 if figures.get("scores_identical", True) else 1


if __name__ == "__main__":
    sys.exit(main())
