"""A newcomer's first `python3 course.py start`: from a fresh copy with no .venv to the address answering.

    python3 bench/bench_first_start.py   → prints the figures, writes bench/results/first_start.json

Copies the repository (no .venv, .git, caches) to a temporary directory, runs its course.py start
with the Python that runs this script, and times each step from course.py's own lines: creating the
venv, `pip install -r requirements.txt`, the editable install, `autograder.environment`, and
JupyterLab until the printed URL answers. Then stops it. The load average is recorded: the machine
is shared and the figure means little without it. pip uses whatever index and cache this machine
has configured (a cold cache over a slow line adds download time).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from _meta import finish_meta, run_meta  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "first_start.json"
COPY_IGNORE = shutil.ignore_patterns(".venv", ".git", "test-artifacts", "__pycache__", "*.egg-info",
                                     ".pytest_cache", ".ipynb_checkpoints", "gradebook.db")
STEPS = (("venv created", "creating the virtual environment"), ("pip install -r", "-r "),
         ("editable install", "--no-deps -e"), ("environment", "autograder.environment"),
         ("JupyterLab starting", "starting JupyterLab"))


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="first-start-") as tmp:
        copy = Path(tmp) / "course"
        shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
        env = {k: v for k, v in os.environ.items() if k not in ("COURSE_VENV", "JUPYTER_TOKEN")}
        meta = run_meta()
        start = time.monotonic()
        process = subprocess.Popen([sys.executable, "course.py", "start", "--no-browser"], cwd=copy, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        marks, url = {}, None
        for line in process.stdout:
            elapsed = round(time.monotonic() - start, 1)
            print(f"{elapsed:7.1f}  {line}", end="", flush=True)
            for name, needle in STEPS:
                if line.startswith("[course]") and needle in line:
                    marks.setdefault(name, elapsed)
            found = re.search(r"http://127\.0\.0\.1:\d+/\S+token=\w+", line)
            if found:
                url = found.group(0)
                break
        if url is None:
            print("course.py printed no URL", file=sys.stderr)
            return 1
        urllib.request.urlopen(url, timeout=60).read()
        total = round(time.monotonic() - start, 1)
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=120)
    result = {"meta": finish_meta(meta), "seconds_until_url_answers": total, "step_started_at": marks}
    print(json.dumps(result, indent=2))
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
