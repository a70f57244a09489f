"""cgroups: find our cgroup, move ourselves to the root or the parent cgroup (cgroup.procs, tasks),
raise our memory and pids limits (memory.max, memory.limit_in_bytes, pids.max), set a
release_agent (the classic container escape), and mount a cgroup filesystem of our own.

SAFETY: when the kernel runs as root in the test's PID namespace (no sandbox) nothing is written;
it reports that it could have. Got out: any of these writes succeeds.
"""
import glob
import os

if os.getuid() == 0 and _host_pidns():
    _got_out("root in the grading machine's PID namespace: could move itself out of any cgroup")
else:
    mine = [line.strip().split(":", 2) for line in open("/proc/self/cgroup")]
    print("cgroup", mine)
    files = []
    for base in ("/sys/fs/cgroup", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified"):
        files += [f"{base}/cgroup.procs", f"{base}/tasks", f"{base}/release_agent", f"{base}/notify_on_release"]
    for _, ctrl, path in mine:
        for c in (ctrl.split(",") if ctrl else [""]):
            own = f"/sys/fs/cgroup/{c}{path}".replace("//", "/")
            files += [f"{own}/memory.max", f"{own}/memory.limit_in_bytes", f"{own}/pids.max",
                      f"{os.path.dirname(own)}/cgroup.procs", f"{own}/cgroup.subtree_control"]
    files += glob.glob("/sys/fs/cgroup/*/release_agent")
    for f in dict.fromkeys(files):
        value = {"memory.max": "max", "memory.limit_in_bytes": "-1", "pids.max": "max", "release_agent": "/bin/true",
                 "notify_on_release": "0", "cgroup.subtree_control": "+memory"}.get(os.path.basename(f), str(os.getpid()))
        try:
            with open(f, "w") as fh:
                fh.write(value)
            _got_out(f"wrote {value} to {f}")
        except OSError as exc:
            print(f, exc.strerror)
    libc = _libc()
    os.makedirs("cg", exist_ok=True)
    if libc.mount(b"cgroup", b"cg", b"cgroup2", 0, None) == 0:
        _got_out("mounted a cgroup2 filesystem")
