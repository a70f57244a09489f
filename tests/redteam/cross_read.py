"""Look for what earlier learners left behind (the cross_plant attack runs before this one in the
class): any file whose name or text carries another attack's mark in /tmp, /dev/shm, /var/tmp,
HOME, IPYTHONDIR, MPLCONFIGDIR, the working directory's parents and the connection directory.

Got out: a file or process left by an earlier learner's kernel is visible to this one.
"""
import os

prefix = _MARK.rsplit("-", 1)[0]  # the run's mark prefix, shared by every attack of this class
own = _MARK
import time

found, budget = [], time.monotonic() + 15
for top in {"/tmp", "/dev/shm", "/var/tmp", os.path.expanduser("~"), os.environ.get("IPYTHONDIR", "/nonexistent"),
            os.environ.get("MPLCONFIGDIR", "/nonexistent"), "/conn", "/job"}:
    for root, dirs, files in os.walk(top):
        if root.count("/") > 8 or time.monotonic() > budget:
            dirs[:] = []
        for f in files:
            path = os.path.join(root, f)
            if prefix in f and own not in f:
                found.append(path)
                continue
            try:
                if os.path.getsize(path) < 100_000 and prefix.encode() in open(path, "rb").read() and own.encode() not in open(path, "rb").read():
                    found.append(path)
            except OSError:
                pass
for pid in (p for p in os.listdir("/proc") if p.isdigit()):
    try:
        env = open(f"/proc/{pid}/environ", "rb").read()
    except OSError:
        continue
    if prefix.encode() in env and own.encode() not in env:
        found.append(f"process {pid}")
print("found", found)
if found:
    _got_out(f"another learner's leftovers are visible: {found[:10]}")
