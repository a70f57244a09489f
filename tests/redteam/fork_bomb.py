"""A fork bomb below the audit hooks: libc fork() in a loop (every child forks too, and sleeps),
counting how many processes it holds at once through a pipe.

SAFETY: stops at 4096 processes whatever happens (enough to exceed any sane per-kernel limit).
Got out: more processes at once than Limits.processes (256), the grader stops grading, or any of
them outlives the kernel.
"""
import os
import time

libc = _libc()
r, w = os.pipe()
CAP = 4096
start = time.monotonic()
count = 0
for i in range(CAP // 4):  # each child adds up to 3 grandchildren
    pid = libc.fork()
    if pid == 0:
        os.close(r)
        os.write(w, b"x")
        for _ in range(3):  # each child tries to fork grandchildren, adding to the pile
            if libc.fork() == 0:
                os.write(w, b"x")
                break
        libc.sleep(120)
        libc._exit(0)
    if pid < 0:
        break
os.close(w)
os.set_blocking(r, False)
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    try:
        chunk = os.read(r, 65536)
    except BlockingIOError:
        time.sleep(0.2)
        continue
    if not chunk:
        break
    count += len(chunk)
    if count >= CAP:
        break
print("processes created:", count, "in", round(time.monotonic() - start, 1), "s")
if count > 256:
    _got_out(f"fork bomb held {count} processes (limit 256)")
