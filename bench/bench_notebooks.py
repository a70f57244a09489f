"""Time to execute every solutions notebook top to bottom (goal: < 30 s for all seven).

    .venv/bin/python bench/bench_notebooks.py   → prints the figures, writes bench/results/notebooks.json
Runs as the autograder does (NBGRADER_EXECUTION set), one fresh kernel per notebook. Besides each
notebook's total (kernel start to shutdown) it records the kernel start, the setup cell and the
slowest cells, so what dominates is measured rather than guessed, and the load average: the machine
is shared, and the figures mean little without it.
"""
import json
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from _meta import finish_meta, run_meta
from autograder import course_dir

GOAL_SECONDS = 30.0
SLOWEST = 3
RESULTS = Path(__file__).resolve().parent / "results" / "notebooks.json"


def time_notebook(aid: str) -> dict:
    nb = nbformat.read(course_dir.SOLUTIONS_DIR / f"{aid}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(course_dir.SOLUTIONS_DIR)}})
    start = time.perf_counter()
    with client.setup_kernel():
        kernel = time.perf_counter() - start
        cells = []
        for index, cell in enumerate(nb.cells):
            began = time.perf_counter()
            client.execute_cell(cell, index)
            cells.append((index, time.perf_counter() - began))
    total = time.perf_counter() - start
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    slowest = sorted(cells, key=lambda c: -c[1])[:SLOWEST]
    return {"seconds": round(total, 2), "kernel_start": round(kernel, 2),
            "setup_cell": round(dict(cells)[first_code], 2),
            "slowest_cells": {f"cell {i}": round(s, 2) for i, s in slowest}}


def main() -> dict:
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    meta = run_meta()
    load_before = os.getloadavg()
    per_notebook = {aid: time_notebook(aid) for aid in course_dir.available_assignments()}
    load_after = os.getloadavg()
    total = round(sum(r["seconds"] for r in per_notebook.values()), 2)
    result = {"meta": finish_meta(meta), "per_notebook_seconds": {aid: r["seconds"] for aid, r in per_notebook.items()},
              "total_seconds": total, "goal_seconds": GOAL_SECONDS, "notebooks": len(per_notebook),
              "within_goal": total < GOAL_SECONDS, "cpu_count": os.cpu_count(),
              "load_average_1_5_15_before": [round(x, 2) for x in load_before],
              "load_average_1_5_15_after": [round(x, 2) for x in load_after],
              "breakdown": per_notebook}
    for aid, r in per_notebook.items():
        slow = "  ".join(f"{k} {s:.2f}" for k, s in r["slowest_cells"].items())
        print(f"{aid:28s} {r['seconds']:7.2f} s   kernel {r['kernel_start']:.2f}  setup {r['setup_cell']:.2f}  "
              f"slowest: {slow}")
    print(f"{'total':28s} {total:7.2f} s  (goal < {GOAL_SECONDS:.0f} s for all seven; {len(per_notebook)} present)")
    print(f"load average (1/5/15 min) before {result['load_average_1_5_15_before']}, "
          f"after {result['load_average_1_5_15_after']} on {os.cpu_count()} cores")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
