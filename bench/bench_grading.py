"""Grade one synthetic class three ways, side by side in one run: plain serial `nbgrader autograde`,
the one-machine engine (sandbox on) and a local two-worker dask cluster.

    .venv/bin/python bench/bench_grading.py [--learners 10] [--assignments 01_gradient_descent ...] [--jobs N]
                                            [--skip-plain] [--skip-cluster] [--output PATH]

Each learner's notebook: every exercise solved with the solution, answered wrongly (the solution's
numbers doubled afterwards) or left untouched, chosen at random (seeded). All graders start from
identical copies of the course; the per student per assignment scores must be identical (exit 1
when they differ). The cluster is `dask scheduler` + 2 × `dask worker --nthreads 1` on 127.0.0.1,
started before its clock starts; its time includes each worker's zygote start, as the engine's
does. Prints learners per minute and writes bench/results/grading.json (or --output).
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
from autograder.cluster import LocalCluster, grade_on_cluster  # noqa: E402
from autograder.engine import grade_submissions  # noqa: E402
from _meta import finish_meta, run_meta  # noqa: E402


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


def _timed(fn):
    start = time.perf_counter()
    results = fn()
    return time.perf_counter() - start, results


def _per_minute(learners: int, seconds: float) -> float:
    return round(learners * 60 / seconds, 2)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10)
    parser.add_argument("--assignments", nargs="*", default=None)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--skip-plain", action="store_true", help="no plain nbgrader run")
    parser.add_argument("--skip-cluster", action="store_true", help="no dask cluster run")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "grading.json")
    args = parser.parse_args(argv)
    meta = run_meta()
    if args.learners < 1:
        parser.error(f"--learners must be >= 1, got {args.learners}")
    course_dir.ensure_tools_on_path()
    assignments = args.assignments or course_dir.available_assignments()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        base = build_course(Path(tmp) / "base", assignments)
        make_class(base, assignments, args.learners)
        roots = {name: Path(shutil.copytree(base, Path(tmp) / name, symlinks=True))
                 for name in ("engine", "plain", "cluster")}
        engine_s, results = _timed(lambda: grade_submissions(str(roots["engine"]), jobs=args.jobs, progress=True))
        figures = {"learners": args.learners, "assignments": assignments, "notebooks": len(results),
                   "cores": os.cpu_count(), "engine_seconds": round(engine_s, 2),
                   "engine_learners_per_minute": _per_minute(args.learners, engine_s),
                   "engine_sandboxed": all(r.sandboxed for r in results),
                   "engine_statuses": {s: sum(r.status == s for r in results) for s in {r.status for r in results}}}
        mine = scores(roots["engine"])
        differ: dict[str, dict] = {}
        if not args.skip_cluster:
            with LocalCluster(workers=2, nthreads=1, log_dir=tmp) as cluster:
                cluster_s, on_cluster = _timed(lambda: grade_on_cluster(str(roots["cluster"]), cluster.address))
            theirs = scores(roots["cluster"])
            differ["cluster"] = {k: (theirs.get(k), mine.get(k)) for k in sorted(theirs.keys() | mine.keys())
                                 if theirs.get(k) != mine.get(k)}
            figures.update({"cluster_workers": 2, "cluster_threads_per_worker": 1,
                            "cluster_seconds": round(cluster_s, 2),
                            "cluster_learners_per_minute": _per_minute(args.learners, cluster_s),
                            "cluster_sandboxed": all(r.sandboxed for r in on_cluster)})
        if not args.skip_plain:
            plain_s = plain_nbgrader(roots["plain"], assignments)
            plain = scores(roots["plain"])
            differ["plain"] = {k: (plain.get(k), mine.get(k)) for k in sorted(plain.keys() | mine.keys())
                               if plain.get(k) != mine.get(k)}
            figures.update({"plain_seconds": round(plain_s, 2),
                            "plain_learners_per_minute": _per_minute(args.learners, plain_s),
                            "speedup": round(plain_s / engine_s, 2)})
            if not args.skip_cluster:
                figures["cluster_speedup"] = round(plain_s / cluster_s, 2)
        figures["scores_identical"] = not any(differ.values())
        figures["score_differences"] = {name: dict(list(d.items())[:20]) for name, d in differ.items() if d}
    figures = {"meta": finish_meta(meta), **figures}
    print(json.dumps(figures, indent=1))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=1) + "\n")
    return 0 if figures["scores_identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
