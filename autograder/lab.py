"""JupyterLab as `course.py start` and `course.py instructor` run it.

    python -m autograder.lab ARGS      # is `jupyter lab ARGS`, and it ends when stopped

One difference from `jupyter lab`: when the server stops (SIGTERM from course.py, or the
second Ctrl+C), the process ends. Plain `jupyter lab` sometimes does not: the server runs file
and kernel-manager calls in anyio worker threads, and anyio ends such a thread only when the
asyncio task that first used it (its "root task") is done. When the server stops its event
loop with a request still in flight, that task is never done, its idle worker is never told
to stop, and the interpreter waits for the thread at exit for ever (anyio's threads are not
daemons; agronholm/anyio#321, jupyterlab/jupyterlab#10442). Seen here: one stop in about ten
on a loaded machine, right after the browser opened a notebook.

So, once the server's own shutdown is over (kernels shut down, its files removed), this does
what `asyncio.run` does at its end: it cancels the tasks left on the loop, lets them finish
(which ends their worker threads the way anyio means them to end) and shuts the loop's default
executor down. Then the interpreter exits as usual. Should some thread still hold it THREAD_GRACE
seconds later, a watchdog names the thread on stderr and ends the process (`os._exit`): nothing
of the server is left to clean up by then. No library patch; asyncio's public API only.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import time

THREAD_GRACE = 10.0  # seconds for threads to end once the server has stopped (not a test timeout)


def finish_pending_tasks(loop: asyncio.AbstractEventLoop) -> int:
    """Cancel the tasks left on the stopped server's loop and run them to their end; how many."""
    if loop.is_closed() or loop.is_running():
        return 0
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    loop.run_until_complete(asyncio.sleep(0))  # the tasks' done-callbacks (anyio's worker.stop) run
    loop.run_until_complete(loop.shutdown_default_executor())
    return len(tasks)


def exit_if_stuck(code: int, grace: float = THREAD_GRACE) -> None:
    """On a daemon thread: if the interpreter is still waiting for threads after `grace`
    seconds, name them and end the process (the server's own shutdown is over by then)."""
    time.sleep(grace)
    stuck = [t.name for t in threading.enumerate()
             if t is not threading.main_thread() and not t.daemon and t.is_alive()]
    print(f"[course] JupyterLab has stopped; ending the thread(s) it left behind: {', '.join(stuck)}",
          file=sys.stderr, flush=True)
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    from jupyter_server.serverapp import ServerApp
    from jupyterlab.labapp import LabApp

    code = 0
    try:
        LabApp.launch_instance(argv)
    except SystemExit as stop:  # --help, a bad option, a port in use
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if not isinstance(stop.code, (int, type(None))):
            print(stop.code, file=sys.stderr)
    if ServerApp.initialized():
        loop = getattr(ServerApp.instance(), "io_loop", None)
        if loop is not None:
            with contextlib.suppress(Exception):  # the server has stopped; this only tidies up
                finish_pending_tasks(loop.asyncio_loop)
    # The interpreter now joins the remaining threads (its own executors end at exit); the
    # watchdog ends the process if one of them never does.
    threading.Thread(target=exit_if_stuck, args=(code,), name="course-exit-watchdog", daemon=True).start()
    return code


if __name__ == "__main__":
    sys.exit(main())
