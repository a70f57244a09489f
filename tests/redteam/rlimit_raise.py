"""Lift the kernel's limits: resource.setrlimit to infinity for address space, CPU, processes,
file size and core; prlimit(2) through ctypes on ourselves and on the parent (the zygote) and
pid 1; then show the limits a fresh child gets.

Got out: any hard limit ends above what Limits allows, or another process's limits change.
"""
from numpy.ctypeslib import ctypes
import os
import resource

INF = resource.RLIM_INFINITY
names = {"AS": resource.RLIMIT_AS, "CPU": resource.RLIMIT_CPU, "NPROC": resource.RLIMIT_NPROC,
         "FSIZE": resource.RLIMIT_FSIZE, "CORE": resource.RLIMIT_CORE, "NOFILE": resource.RLIMIT_NOFILE}
before = {n: resource.getrlimit(r) for n, r in names.items()}
print("before", before)
for n, r in names.items():
    try:
        resource.setrlimit(r, (INF, INF))
    except (ValueError, OSError) as exc:
        print("setrlimit", n, exc)
libc = _libc()


class RL(ctypes.Structure):
    _fields_ = [("cur", ctypes.c_ulong), ("max", ctypes.c_ulong)]


for pid in (0, os.getppid(), 1):
    for n, r in names.items():
        new, old = RL(2 ** 64 - 1, 2 ** 64 - 1), RL()
        if pid and libc.prlimit(pid, r, None, ctypes.byref(old)) != 0:
            continue
        if libc.prlimit(pid, r, ctypes.byref(new), None) == 0 and pid:
            print("prlimit raised", pid, n)
            if pid != os.getpid():
                _got_out(f"prlimit raised {n} of pid {pid}")
                libc.prlimit(pid, r, ctypes.byref(old), None)  # put it back
after = {n: resource.getrlimit(r) for n, r in names.items()}
print("after", after)
for n in ("AS", "CPU", "NPROC", "FSIZE"):
    if before[n][1] == INF:
        _got_out(f"RLIMIT_{n} had no hard limit to begin with")
    elif after[n][1] > before[n][1]:
        _got_out(f"raised the hard RLIMIT_{n}: {before[n]} -> {after[n]}")
