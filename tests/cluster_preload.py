"""Loaded only by tests/test_cluster.py's dask workers (`dask worker --preload tests/cluster_preload.py`).

It simulates a submission that kills the worker grading it: a task whose submission carries a file
named KILL_MY_WORKER makes this worker process SIGKILL itself before grading. (With the sandbox a
learner's kernel cannot see, let alone signal, the worker; a worker can still die under a
submission, e.g. the machine's OOM killer. This hook stands in for that, and for nothing else.)
"""

import os
import signal

from autograder import cluster, engine

MARKER = "KILL_MY_WORKER"
_run_forked = engine.run_forked  # the original, even when this module is loaded twice


def run_forked(task, *args, **kwargs):
    if MARKER in task.files:
        os.kill(os.getpid(), signal.SIGKILL)
    return _run_forked(task, *args, **kwargs)


cluster.run_forked = run_forked
