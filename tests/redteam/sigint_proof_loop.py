"""Hang the grader: SIGINT, SIGTERM and SIGHUP ignored, four threads spinning, and the main thread
waiting forever and swallowing every exception (KeyboardInterrupt included): the cell never
finishes by itself and an interrupt does not stop it.

Got out: this notebook (or the class) is not graded, or the grader hangs (the test's guard).
"""
# redteam: cell=update
import signal
import threading

for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(s, signal.SIG_IGN)


def spin():
    while True:
        pass


for _ in range(4):
    threading.Thread(target=spin, daemon=True).start()
while True:
    try:
        threading.Event().wait()
    except BaseException:
        pass
