"""Descriptors and memory of the grader: for every visible process whose command line mentions the
autograder or nbgrader, open its /proc/<pid>/fd/* (a magic link re-opens the file) when they point
at a gradebook, a notebook or the grader's temp files, and read its cmdline and status.

Got out: a canary in the output, or any process of the grader (its command line) is visible.
"""
import os

for pid in sorted(p for p in os.listdir("/proc") if p.isdigit()):
    try:
        cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ")
    except OSError:
        continue
    if not any(w in cmd for w in (b"autograder", b"nbgrader", b"pytest")):
        continue
    if b"autograde " in cmd + b" " or b"autograder autograde" in cmd:
        _got_out(f"the grader's process is visible: pid {pid}: {cmd[:200]!r}")
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError as exc:
        print(pid, "fd", exc)
        continue
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if any(w in target for w in ("gradebook", ".ipynb", "autograde", ".db")):
            try:
                _leak(open(f"/proc/{pid}/fd/{fd}", "rb").read(3 << 20), f"{pid} fd {fd} -> {target}")
            except OSError as exc:
                print(pid, fd, target, exc)
