"""A daemon that outlives its kernel: double fork + setsid() from a child interpreter, closes its
descriptors, ignores SIGHUP/SIGTERM/SIGINT, renames itself, waits until the kernel is gone, then
every 2 s for 3 minutes writes a heartbeat to host /tmp, the course and its own working directory
and connects to the test's TCP port.

Got out: a heartbeat reaches the host (file or TCP), or the process is still alive after grading.
"""
code = f"""
import os, signal, socket, time
if os.fork(): os._exit(0)
os.setsid()
if os.fork(): os._exit(0)
for s in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
    signal.signal(s, signal.SIG_IGN)
for fd in range(0, 256):
    try: os.close(fd)
    except OSError: pass
try:
    import ctypes; ctypes.CDLL(None).prctl(15, b'kworker/0:1', 0, 0, 0)
except Exception: pass
kernel = {_os.getpid()}
while True:
    try: os.kill(kernel, 0); time.sleep(1)
    except OSError: break
end = time.monotonic() + 180
while time.monotonic() < end:
    for d in ('/tmp', '{_COURSE}', '.', '/job', '{_HOME}'):
        try: open(d + '/{_MARK}-heartbeat', 'a').write(str(time.time()) + chr(10))
        except Exception: pass
    try:
        s = socket.create_connection(('127.0.0.1', {_PORT}), timeout=2); s.sendall(b'{_MARK} heartbeat'); s.close()
    except Exception: pass
    time.sleep(2)
"""
print(_run([_sys.executable, "-c", code], timeout=30))
