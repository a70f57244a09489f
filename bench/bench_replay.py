"""What the grader's re-check costs: recording in the kernel, and re-running each check cell.

    .venv/bin/python bench/bench_replay.py   → prints the figures, writes bench/results/replay.json
For every check cell of solutions/ (solution answers, hidden tests included, in-process): the cell
run as in a learner's session (no records), the same run recording (as under nbgrader), and
course_lib.check.replay.replay_cell on those records (median of REPEATS, course_lib already
imported, as in a grading worker); and the size of the records the cell's output carries.
"""
import contextlib
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import catalogue  # noqa: E402  (the tests' helpers: setup cell and solution of each exercise)

from autograder import course_dir  # noqa: E402
from course_lib.check import record, replay  # noqa: E402

REPEATS = 7
RESULTS = REPO / "bench" / "results" / "replay.json"


def _run(ns, source, *, capture: bool):
    with contextlib.redirect_stdout(io.StringIO()), (record.capture() if capture else contextlib.nullcontext([])) as out:
        start = time.perf_counter()
        exec(compile(source, "<check cell>", "exec"), ns)
        return time.perf_counter() - start, out


def bench_notebook(aid: str) -> dict:
    ns = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(catalogue.setup_code(aid), "<setup>", "exec"), ns)
        for gid in catalogue.exercises(aid):
            exec(compile(catalogue.solution(aid, gid), "<answer>", "exec"), ns)
    nb = nbformat.read(course_dir.SOLUTIONS_DIR / f"{aid}.ipynb", as_version=4)
    cells = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        os.environ.pop("NBGRADER_EXECUTION", None)
        plain = min(_run(ns, cell.source, capture=False)[0] for _ in range(3))
        os.environ["NBGRADER_EXECUTION"] = "autograde"
        recorded, records = min((_run(ns, cell.source, capture=True) for _ in range(3)), key=lambda r: r[0])
        replays = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            verdict = replay.replay_cell(cell.source, records)
            replays.append(time.perf_counter() - start)
        cells[meta["grade_id"]] = {"learner_session_ms": round(plain * 1000, 2),
                                   "recording_ms": round(recorded * 1000, 2),
                                   "replay_ms": round(statistics.median(replays) * 1000, 2),
                                   "record_bytes": len(json.dumps(records)), "replay_passed": verdict.passed}
    return cells


def main() -> None:
    load = os.getloadavg()
    results = {aid: bench_notebook(aid) for aid in course_dir.ASSIGNMENTS}
    flat = [c for cells in results.values() for c in cells.values()]
    summary = {"cells": len(flat), "replay_ms_total": round(sum(c["replay_ms"] for c in flat), 1),
               "replay_ms_max": max(c["replay_ms"] for c in flat),
               "record_bytes_max": max(c["record_bytes"] for c in flat),
               "all_passed": all(c["replay_passed"] for c in flat),
               "cpu_count": os.cpu_count(), "load_average_1_5_15_before": [round(x, 2) for x in load]}
    for aid, cells in results.items():
        for gid, c in cells.items():
            print(f"{aid} {gid:24} session {c['learner_session_ms']:8.2f} ms  recording {c['recording_ms']:8.2f} ms  "
                  f"replay {c['replay_ms']:7.2f} ms  records {c['record_bytes']:6d} B")
    print(json.dumps(summary))
    RESULTS.write_text(json.dumps({"summary": summary, "cells": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
