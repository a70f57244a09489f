"""Prepended to every attack cell (tests/test_redteam.py fills the __PLACEHOLDERS__).

What an attacker who has read the course's code could know: where the instructor's course and
repository usually live, a port and sockets the test listens on (standing in for any service on
the grading machine), and the name of an environment variable the grader holds. It never knows
the canary values. Helpers below are the attacker's own tools: no Python-level audit event is
raised by `_run` (it forks with _posixsubprocess) and the child interpreter has no audit hook.

`_got_out(what)` prints the self-report marker the test looks for in the graded outputs.
`_host_pidns()` (and `_host_netns()`) is a SAFETY guard for attacks that would harm the machine (kill -1, ptrace, cgroup
writes): when the kernel shares the test's PID namespace they do not run the harmful step and
report that they could have (the defence is missing, so the attack counts as out).
"""
import os as _os
import sys as _sys

_MARK = "__MARK__"
_COURSE = "__COURSE__"
_REPO = "__REPO__"
_HOME = "__HOME__"
_PORT = int("__PORT__")
_UDPPORT = int("__UDPPORT__")
_UNIXSOCK = "__UNIXSOCK__"
_ABSTRACT = "__ABSTRACT__"
_HOSTPIDNS = "__HOSTPIDNS__"
_HOSTNETNS = "__HOSTNETNS__"
_ENVNAME = "__ENVNAME__"
_os.environ["REDTEAM_MARK"] = _MARK  # lets the test find processes this attack left behind
try:  # every attack also announces itself on the C-level stderr: a later kernel must never read it
    _os.write(2, f"{_MARK} was here\n".encode())
except OSError:
    pass


def _got_out(what):
    # joined at call time: a literal (even "A" + "B", which the compiler folds) would sit in this
    # kernel's memory as a code constant, and zygote_memory_scan would print it as a false report
    print("-".join(("REDTEAM", "GOT", "OUT: ")) + str(what), flush=True)


def _host_pidns():
    try:
        return _os.readlink("/proc/self/ns/pid") == _HOSTPIDNS
    except OSError:
        return True  # cannot tell: assume the worst and do no harm


def _host_netns():
    """SAFETY guard for probes of the network around us (broadcast, DNS, every unix socket)."""
    try:
        return _os.readlink("/proc/self/ns/net") == _HOSTNETNS
    except OSError:
        return True


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ")
    except OSError:
        return b""


def _uid_of(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Uid:"))
    except (OSError, StopIteration, ValueError):
        return None


def _stat_field(pid, i):
    """Field i after the command name of /proc/<pid>/stat (1: ppid, 2: pgrp, 3: session); 0 if unreadable."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[i])
    except (OSError, ValueError, IndexError):
        return 0


def _ancestors():
    """The parent chain above this kernel (pid 1 left out)."""
    chain, pid = [], _os.getppid()
    while pid > 1 and pid not in chain:
        chain.append(pid)
        pid = _stat_field(pid, 1)
    return chain


def _leak(data, label=""):
    """Print the printable runs of data (what `strings` shows), so stolen text lands in the output."""
    import re
    if isinstance(data, str):
        data = data.encode("utf-8", "replace")
    runs = re.findall(rb"[ -~]{5,}", data or b"")
    text = "\n".join(r.decode() for r in runs)[:200_000]
    print(f"--- {label} ({len(data or b'')} bytes) ---\n{text}", flush=True)


def _libc():
    from numpy.ctypeslib import ctypes  # the same module; `import ctypes` is what the static scan reports
    return ctypes.CDLL(None, use_errno=True)


def _run(argv, timeout=60, cwd=None):
    """Run argv below the audit hooks; return (exit status or None, stdout+stderr bytes)."""
    import _posixsubprocess
    import select
    import time
    r, w = _os.pipe()
    er, ew = _os.pipe()
    try:
        pid = _posixsubprocess.fork_exec([_os.fsencode(a) for a in argv], [_os.fsencode(argv[0])], True,
                                         (w, ew), cwd, None, -1, -1, -1, w, -1, w, er, ew, True, False, -1,
                                         None, None, None, -1, None, False)
    except Exception as exc:
        for fd in (r, w, er, ew):
            _os.close(fd)
        return None, f"spawn failed: {type(exc).__name__}: {exc}".encode()
    _os.close(w)
    _os.close(ew)
    err = _os.read(er, 4096)
    _os.close(er)
    if err:
        _os.close(r)
        return None, b"exec failed: " + err
    out, end, eof = b"", time.monotonic() + timeout, False
    while time.monotonic() < end:
        ready, _, _ = select.select([r], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            break
        chunk = _os.read(r, 65536)
        if not chunk:
            eof = True
            break
        out += chunk
    _os.close(r)
    try:
        if not eof:
            _libc().kill(pid, 9)
        _, status = _os.waitpid(pid, 0)
    except (ChildProcessError, OSError):
        status = None
    return status, out


def _py(code, timeout=60):
    """Python code in a fresh child interpreter (no audit hook there): (status, output)."""
    return _run([_sys.executable, "-c", code], timeout=timeout)

