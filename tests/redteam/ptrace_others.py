"""ptrace(PTRACE_ATTACH) and process_vm_readv/process_vm_writev on every other visible process:
the zygote (root inside the sandbox), the parent chain, pid 1. A process that can be traced can
be made to run anything with its rights. Writes put back the bytes just read (no change).

SAFETY: in the test's PID namespace only this grading run's autograder ancestors are touched.
Got out: any attach or memory access succeeds on a process of another uid.
"""
from numpy.ctypeslib import ctypes
import os

libc = _libc()


class IOV(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


uid_of, cmdline = _uid_of, _cmdline
me = os.getuid()
pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
if _host_pidns():
    pids = [p for p in _ancestors() if b"autograder" in cmdline(p) and b"pytest" not in cmdline(p)]
for pid in pids:
    other = uid_of(pid) != me
    if libc.ptrace(16, pid, None, None) == 0:  # PTRACE_ATTACH
        libc.waitpid(pid, None, 0x40000000)  # __WALL
        libc.ptrace(17, pid, None, None)  # PTRACE_DETACH
        print("attached", pid)
        if other:
            _got_out(f"ptrace attached to pid {pid} (uid {uid_of(pid)}) {cmdline(pid)[:60]!r}")
    try:
        maps = open(f"/proc/{pid}/maps").read().splitlines()
        start = int(next(line for line in maps if "[stack]" in line).split("-")[0], 16)
    except (OSError, StopIteration, ValueError):
        start = 0x400000
    buf = ctypes.create_string_buffer(64)
    local, remote = IOV(ctypes.addressof(buf), 64), IOV(start, 64)
    n = libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
    if n > 0:
        m = libc.process_vm_writev(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
        print("vm read", pid, n, "write back", m)
        if other:
            _got_out(f"process_vm_readv read {n} bytes of pid {pid} (uid {uid_of(pid)}), writev {m}")
