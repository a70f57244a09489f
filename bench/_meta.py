"""What every benchmark result records about the run: when, on what machine, under what load.

    meta = run_meta()          # before measuring: date, machine, load average now
    ...measure...
    meta = finish_meta(meta)   # after: load average at the end, seconds the bench took
    json.dump({"meta": meta, ...})

bench/report.py prints these conditions next to each figure in the README, so a figure is never
read without them (a 2-core machine's numbers mean little without the load).
"""
from __future__ import annotations

import datetime
import os
import platform
import time


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 ** 2, 1)
    except OSError:
        pass
    return None


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # not on Windows
        return None


def run_meta() -> dict:
    """The conditions at the start of a benchmark run."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpu": _cpu_model(), "cores": os.cpu_count(), "memory_gib": _memory_gib(),
                    "os": f"{platform.system()} {platform.release()}", "arch": platform.machine(),
                    "python": platform.python_version()},
        "load_1_5_15_before": _load(),
        "_started": time.monotonic(),
    }


def finish_meta(meta: dict) -> dict:
    """The same record, completed at the end of the run (the load after, the bench's own time)."""
    done = {k: v for k, v in meta.items() if k != "_started"}
    done["load_1_5_15_after"] = _load()
    done["bench_seconds"] = round(time.monotonic() - meta["_started"], 1)
    return done
