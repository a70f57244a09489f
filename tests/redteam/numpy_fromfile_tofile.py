"""File I/O inside numpy's C code: numpy.fromfile on the gradebook and the source notebook,
numpy.tofile and numpy.save to paths outside the working directory, numpy.memmap of the gradebook.

Got out: the gradebook's or source's bytes in the output, or a marked file on the host.
"""
import numpy as np

for path in (f"{_COURSE}/gradebook.db", f"{_COURSE}/source/01_gradient_descent/01_gradient_descent.ipynb"):
    try:
        _leak(np.fromfile(path, dtype=np.uint8).tobytes(), "fromfile " + path)
    except Exception as exc:
        print("fromfile", path, type(exc).__name__, exc)
    try:
        _leak(np.memmap(path, dtype=np.uint8, mode="r").tobytes(), "memmap " + path)
    except Exception as exc:
        print("memmap", path, type(exc).__name__, exc)
for folder in ("/tmp", _HOME, _COURSE, _REPO):
    try:
        np.frombuffer(_MARK.encode(), dtype=np.uint8).tofile(f"{folder}/{_MARK}-tofile")
        np.save(f"{folder}/{_MARK}-save.npy", np.zeros(3))
        print("wrote into", folder)
    except Exception as exc:
        print("tofile", folder, type(exc).__name__, exc)
