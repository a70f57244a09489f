"""Signals by group and session: killpg of our own group (0), of the parent's group and session,
kill(-pgid) of every group visible in /proc, and tcsetpgrp/TIOCSTI games on any tty in view.

SAFETY: in the test's PID namespace only groups led by this grading run's autograder processes
are signalled. Got out: the grader or another learner's grading dies.
"""
import os

libc = _libc()


field, cmdline = _stat_field, _cmdline
ppid = os.getppid()
groups = {field(ppid, 2), field(ppid, 3)}  # parent's pgrp and session
if not _host_pidns():
    groups |= {field(p, 2) for p in os.listdir("/proc") if p.isdigit()}
groups -= {0, 1, os.getpgrp()}
if _host_pidns():
    groups = {g for g in groups if b"autograder" in cmdline(g) and b"pytest" not in cmdline(g)}
print("groups", groups)
for g in groups:
    print(g, libc.kill(-g, 1), libc.kill(-g, 9))
for tty in ("/dev/tty", "/dev/console", "/dev/tty0", "/dev/pts/0"):
    try:
        fd = os.open(tty, os.O_RDWR | os.O_NOCTTY)
        _got_out(f"opened {tty}")
        os.close(fd)
    except OSError as exc:
        print(tty, exc)
libc.kill(0, 9)  # and our own group: the kernel dies here
