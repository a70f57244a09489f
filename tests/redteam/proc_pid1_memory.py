"""The zygote's (pid 1 inside the sandbox) and the parent's private state through /proc: mem (read
a few bytes at the stack), environ, maps, fd/, root/ and cwd/ listings, /proc/1/task/*/; nothing is
printed except sizes and the names of what opened.

Got out: /proc/<pid>/mem or environ of a process of another uid opens, or root/cwd of it shows a
directory the kernel cannot see itself.
"""
import os


uid_of = _uid_of
me = os.getuid()
for pid in dict.fromkeys([1, os.getppid()]):
    other = uid_of(pid) != me
    try:
        maps = open(f"/proc/{pid}/maps").read().splitlines()
        start = int(next(line for line in maps if "[stack]" in line).split("-")[0], 16)
        print(pid, "maps readable", len(maps))
    except (OSError, StopIteration, ValueError) as exc:
        start = None
        print(pid, "maps", type(exc).__name__)
    try:
        with open(f"/proc/{pid}/mem", "rb") as f:
            if start:
                f.seek(start)
            n = len(f.read(64))
        print(pid, "mem read", n)
        if other:
            _got_out(f"read /proc/{pid}/mem of uid {uid_of(pid)}")
    except OSError as exc:
        print(pid, "mem", type(exc).__name__)
    try:
        n = len(open(f"/proc/{pid}/environ", "rb").read())
        print(pid, "environ bytes", n)
        if other and n:
            _got_out(f"read /proc/{pid}/environ of uid {uid_of(pid)} ({n} bytes)")
    except OSError as exc:
        print(pid, "environ", type(exc).__name__)
    for link in ("root", "cwd"):
        try:
            names = sorted(os.listdir(f"/proc/{pid}/{link}"))
            target = os.readlink(f"/proc/{pid}/{link}")
            mine = set(os.listdir(target)) if os.path.isdir(target) else set()
            extra = [n for n in names if n not in mine]
            print(pid, link, "extra entries", extra[:20])
            if other and extra:
                _got_out(f"/proc/{pid}/{link} shows what this kernel cannot see: {extra[:10]}")
        except OSError as exc:
            print(pid, link, type(exc).__name__)
