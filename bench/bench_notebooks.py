"""Time to execute every solutions notebook top to bottom (goal: < 30 s for all seven).

    .venv/bin/python bench/bench_notebooks.py   → prints the figures, writes bench/results/notebooks.json
Runs as the autograder does (NBGRADER_EXECUTION set), one fresh kernel per notebook.
"""
import json
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder import course_dir

GOAL_SECONDS = 30.0
RESULTS = Path(__file__).resolve().parent / "results" / "notebooks.json"


def time_notebook(aid: str) -> float:
    nb = nbformat.read(course_dir.SOLUTIONS_DIR / f"{aid}.ipynb", as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(course_dir.SOLUTIONS_DIR)}}).execute()
    return time.perf_counter() - start


def main() -> dict:
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    per_notebook = {aid: round(time_notebook(aid), 2) for aid in course_dir.available_assignments()}
    total = round(sum(per_notebook.values()), 2)
    result = {"per_notebook_seconds": per_notebook, "total_seconds": total, "goal_seconds": GOAL_SECONDS,
              "notebooks": len(per_notebook), "within_goal": total < GOAL_SECONDS, "cpu_count": os.cpu_count()}
    for aid, seconds in per_notebook.items():
        print(f"{aid:28s} {seconds:7.2f} s")
    print(f"{'total':28s} {total:7.2f} s  (goal < {GOAL_SECONDS:.0f} s for all seven; {len(per_notebook)} present)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
