"""Fill the sandbox's memory-backed and host-backed writable places: files of just under the
file-size limit written to /tmp, /job, /dev/shm (tmpfs: RAM of the grading machine, kept after
the kernel dies until someone wipes it) and the connection directory /conn (a directory of the
host: its disk), until refused.

SAFETY: stops at 4 GB in all.
Got out: more than memory_mb + 1 GB (3 GB) written in RAM-backed places, or more than 1 GB into
the host's disk through /conn, without the kernel being stopped.
"""
import os

CAP, chunk = 4 << 30, b"\1" * (8 << 20)
written = {}
for top in ("/tmp", "/job", "/dev/shm", "/conn/k", "/conn", os.environ.get("TMPDIR", "/tmp")):
    if not os.path.isdir(top) or sum(written.values()) >= CAP:
        continue
    n, i = 0, 0
    try:
        while sum(written.values()) + n < CAP:
            i += 1
            path = os.path.join(top, f"{_MARK}-fill-{i}")
            with open(path, "ab") as f:
                for _ in range(7):  # 56 MB per file, under a 64 MB file-size limit
                    f.write(chunk)
                    n += len(chunk)
    except OSError as exc:
        print(top, "stopped:", exc)
    written[top] = n
    print(top, n >> 20, "MB")
ram = sum(v for k, v in written.items() if not k.startswith("/conn"))
disk = sum(v for k, v in written.items() if k.startswith("/conn"))
if ram > 3 << 30:
    _got_out(f"{ram >> 20} MB written to RAM-backed tmpfs")
if disk > 1 << 30:
    _got_out(f"{disk >> 20} MB written to the host's disk through /conn")
