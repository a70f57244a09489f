"""Grade a class on a dask.distributed cluster: `python -m autograder autograde --scheduler tcp://HOST:PORT`.

The instructor's process builds the same `GradingTask`s as the one-machine engine (engine.Plan),
submits each as one dask task (key unique per student, assignment and run; pure=False), and
merges every `TaskResult` with the same `engine.Merger` as it arrives: only this process writes
gradebook.db; workers get data and return data, with no shared filesystem.

On each worker `ZygotePlugin` starts one kernel zygote per worker thread at setup and closes
them at teardown; `grade_task` takes a free zygote and runs the task in a forked child with the
hard wall limit, exactly as the local engine does (engine.run_forked).

Faults: a worker that dies mid-task → the scheduler runs the task again on another worker; a
task whose workers die more than `distributed.scheduler.allowed-failures` times comes back as
KilledWorker → that submission is reported as having killed its worker and the rest of the class
is graded. Each future is merged once (as_completed yields it once; the merge is idempotent
anyway). An interrupted run leaves every merged grade committed and nothing half-written
(one transaction per submission; autograded/ and reports/ renamed into place); re-run it.
"""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import tempfile
from contextlib import ExitStack

from distributed import WorkerPlugin

from .engine import GradeResult, Merger, Plan, _progress, run_forked
from .engine_task import GradingTask, TaskResult, open_zygote, sandbox_unavailable_reason
from .limits import Limits

PLUGIN_NAME = "autograder-zygotes"
KILLED_WORKER = "it killed its grading worker each time it ran (worker process died); not graded"


class ZygotePlugin(WorkerPlugin):
    """One kernel zygote per worker thread, for the worker's whole life."""

    name = PLUGIN_NAME

    def __init__(self, limits: Limits, sandbox: bool = True):
        self.limits, self.sandbox = limits, sandbox

    async def setup(self, worker):
        await asyncio.to_thread(self._start, worker.state.nthreads)

    def _start(self, nthreads: int) -> None:
        self.directory = tempfile.mkdtemp(prefix="autograder-worker-")
        self.stack = ExitStack()
        self.free: queue.Queue = queue.Queue()
        self.error = None if not self.sandbox else sandbox_unavailable_reason()
        if self.error:  # every task on this worker says so instead of grading unconfined
            return
        for slot in range(nthreads):
            directory = os.path.join(self.directory, f"slot{slot}")
            os.makedirs(directory)
            self.free.put(self.stack.enter_context(open_zygote(directory, self.limits, sandbox=self.sandbox,
                                                               slot=slot)))

    def teardown(self, worker):
        self.stack.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def grade_task(task: GradingTask) -> TaskResult:
    """The dask task: one submission, on a zygote of this worker, in a forked child."""
    from distributed import get_worker

    plugin = get_worker().plugins[PLUGIN_NAME]
    if plugin.error:
        return TaskResult(task.student, task.assignment, "failed",
                          [f"the grading sandbox cannot run on worker {get_worker().address}: {plugin.error}"])
    zygote = plugin.free.get()
    try:
        return run_forked(task, zygote.address, sandboxed=zygote.sandboxed)
    finally:
        plugin.free.put(zygote)


def grade_on_cluster(course_root, scheduler: str, tasks: list[tuple[str, str]] | None = None,
                     limits: Limits = Limits(), progress: bool = True, *, sandbox: bool = True,
                     connect_timeout: float = 30) -> list[GradeResult]:
    """Like engine.grade_submissions, with the tasks run by the cluster at `scheduler`."""
    from distributed import Client, as_completed
    from distributed.scheduler import KilledWorker

    plan = Plan(course_root, tasks, None, limits)
    results: dict[tuple[str, str], GradeResult] = {}
    with Client(scheduler, timeout=connect_timeout) as client:
        client.register_plugin(ZygotePlugin(limits, sandbox), name=PLUGIN_NAME)
        futures = {}
        for student, assignment in plan.tasks:
            task = plan.task(student, assignment)
            futures[client.submit(grade_task, task, key=task.key, pure=False)] = (student, assignment)
        with Merger(plan) as merger, _progress(len(plan.tasks), progress) as bar:
            for future in as_completed(futures):
                student, assignment = futures[future]
                try:
                    result = future.result()
                except KilledWorker:
                    result = TaskResult(student, assignment, "failed", [KILLED_WORKER])
                except Exception as exc:  # the task function itself failed on the worker
                    result = TaskResult(student, assignment, "failed", [f"grading failed on the worker: {exc!r}"[:300]])
                if (result.student, result.assignment) != (student, assignment):
                    raise RuntimeError(f"task {future.key} returned the result of {result.student}/{result.assignment}")
                results[(student, assignment)] = merger.merge(result)
                future.release()
                bar.update(1)
    return [results[t] for t in plan.tasks]


class LocalCluster:
    """`dask scheduler` + `dask worker --nthreads N` processes on 127.0.0.1 (for tests and bench/).

    Each process runs in a session of its own; close() SIGKILLs those sessions (nanny, worker and
    the zygotes they started) by the ids of the processes started here, nothing else."""

    def __init__(self, workers: int = 2, nthreads: int = 1, *, env: dict | None = None,
                 worker_args: tuple = (), log_dir: str | None = None, cwd: str | None = None):
        import socket
        import subprocess
        import sys

        dask = os.path.join(os.path.dirname(sys.executable), "dask")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{port}"
        self.log_dir = log_dir or tempfile.mkdtemp(prefix="dask-logs-")
        env = {**os.environ, **(env or {})}
        self.procs = []

        def start(name, argv):
            log = open(os.path.join(self.log_dir, f"{name}.log"), "w")
            self.procs.append(subprocess.Popen(argv, env=env, cwd=cwd, start_new_session=True,
                                               stdout=log, stderr=subprocess.STDOUT))
            log.close()

        try:
            start("scheduler", [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"])
            for i in range(workers):
                start(f"worker{i}", [dask, "worker", self.address, "--nthreads", str(nthreads), "--host",
                                     "127.0.0.1", "--no-dashboard", *worker_args])
            from distributed import Client
            with Client(self.address, timeout=120) as client:
                client.wait_for_workers(workers, timeout=300)
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        import signal
        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        self.procs = []
