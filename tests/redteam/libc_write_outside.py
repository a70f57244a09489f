"""Create files outside the working directory with libc open(O_CREAT)/write() through ctypes:
host /tmp, /var/tmp, /dev/shm, HOME, the repository, the course directory and its source/.

Got out: a file named after this attack's mark exists on the grading machine after the run.
"""
from numpy.ctypeslib import ctypes

libc = _libc()
for folder in ("/tmp", "/var/tmp", "/dev/shm", _HOME, _REPO, _COURSE, f"{_COURSE}/source/01_gradient_descent",
               f"{_COURSE}/submitted"):
    path = f"{folder}/{_MARK}-libc".encode()
    fd = libc.open(path, 0o1 | 0o100 | 0o1000, 0o644)  # O_WRONLY|O_CREAT|O_TRUNC
    if fd >= 0:
        libc.write(fd, _MARK.encode(), len(_MARK))
        libc.close(fd)
        print("wrote", path)
    else:
        print("refused", path, ctypes.get_errno())
