"""What the grading sandbox costs: kernel start and a small class graded, sandbox on vs off.

    .venv/bin/python bench/bench_sandbox.py [--kernels 10] [--learners 4] [--assignments 01_gradient_descent]
    → prints the figures, writes bench/results/sandbox.json (or --output)

1. Kernel start (start_kernel + wait_for_ready + the notebooks' imports), median of N: through the sandboxed
   zygote, through the unconfined zygote, and a fresh `python -m ipykernel_launcher`. CPU-s = the
   kernel's own CPU up to ready + the zygote's CPU for it + this process's CPU.
2. `grade_submissions` on a class built from autograder/course's notebooks, sandbox on vs off.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from jupyter_client.manager import AsyncKernelManager  # noqa: E402

from autograder.engine_kernel import SandboxKernelManager, Zygote  # noqa: E402
from autograder.limits import Limits  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from _meta import finish_meta, run_meta  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
IMPORTS = "import numpy, matplotlib.pyplot, course_lib.check, course_lib.view"  # what a notebook's first cell needs


def _cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    except OSError:
        return 0.0


def _kernel_pids(zygote: Zygote) -> list[int]:
    """Host pids of the zygote's children (its kernels)."""
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == zygote.pid:
                        pids.append(int(name))
            except OSError:
                pass
    return pids


async def _one(km, zygote: Zygote | None, cwd: str) -> tuple[float, float]:
    own, zyg = time.process_time(), _cpu(zygote.pid) if zygote else 0.0
    t = time.perf_counter()
    await km.start_kernel(cwd=cwd)
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    await kc.execute_interactive(IMPORTS, timeout=60)  # preloaded in a zygote, not in a fresh kernel
    wall = time.perf_counter() - t
    if zygote:
        kernel_cpu = sum(_cpu(p) for p in _kernel_pids(zygote)) + _cpu(zygote.pid) - zyg
    else:
        kernel_cpu = _cpu(km.provisioner.process.pid)
    cpu = kernel_cpu + time.process_time() - own
    kc.stop_channels()
    await km.shutdown_kernel(now=True)
    return wall, cpu


def kernel_starts(n: int, tmp: str) -> dict[str, tuple[float, float]]:
    results = {}
    for label, sandboxed in (("sandboxed zygote", True), ("unconfined zygote", False)):
        with Zygote(os.path.join(tmp, label.split()[0]), Limits(), sandbox=sandboxed) as z:
            runs = [asyncio.run(_one(SandboxKernelManager(zygote_address=z.address, job_files={"a.txt": b""}), z, tmp))
                    for _ in range(n)]
        results[label] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
    env_kernel = [asyncio.run(_one(AsyncKernelManager(kernel_name="python3"), None, tmp)) for _ in range(n)]
    results["fresh python -m ipykernel"] = (statistics.median(r[0] for r in env_kernel),
                                            statistics.median(r[1] for r in env_kernel))
    return results


def class_grading(learners: int, assignments: list[str], tmp: str) -> dict[str, tuple[float, float, int]]:
    from adversarial import real_class

    from autograder.engine import grade_submissions
    results = {}
    for label, sandboxed in (("sandbox on", True), ("sandbox off", False)):
        root = real_class.build_course(Path(tmp) / f"class-{sandboxed}", assignments)
        real_class.make_class(root, assignments, learners)
        before, t = os.times(), time.perf_counter()
        graded = grade_submissions(str(root), progress=False, sandbox=sandboxed)
        wall, after = time.perf_counter() - t, os.times()
        cpu = sum(after[i] - before[i] for i in range(4))  # this process + its reaped children (workers)
        results[label] = (wall, cpu, len(graded))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernels", type=int, default=10)
    parser.add_argument("--learners", type=int, default=4)
    parser.add_argument("--assignments", nargs="+", default=["01_gradient_descent"])
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "sandbox.json")
    args = parser.parse_args()
    meta = run_meta()
    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as tmp:
        print(f"kernel start, median of {args.kernels} (wall ms, CPU-s):")
        starts = kernel_starts(args.kernels, tmp)
        for label, (wall, cpu) in starts.items():
            print(f"  {label:<28} {wall * 1000:7.0f} ms  {cpu:6.2f} CPU-s")
        print(f"grading {args.learners} learners x {len(args.assignments)} notebook(s):")
        graded = class_grading(args.learners, args.assignments, tmp)
        for label, (wall, cpu, n) in graded.items():
            print(f"  {label:<12} {wall:7.1f} s wall  {wall / n:6.2f} s/notebook  {cpu:7.1f} CPU-s (grader, workers, zygotes, kernels)")
        on, off = graded["sandbox on"], graded["sandbox off"]
        per_notebook = (on[0] - off[0]) / on[2]
        print(f"  sandbox cost per notebook: {per_notebook:+.2f} s wall")
    result = {"meta": finish_meta(meta), "kernels": args.kernels, "learners": args.learners,
              "assignments": args.assignments,
              "kernel_start": {k: {"median_ms": round(w * 1000, 1), "median_cpu_s": round(c, 3)}
                               for k, (w, c) in starts.items()},
              "grading": {k: {"seconds": round(w, 2), "cpu_seconds": round(c, 2), "notebooks": n}
                          for k, (w, c, n) in graded.items()},
              "sandbox_cost_per_notebook_s": round(per_notebook, 3)}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
