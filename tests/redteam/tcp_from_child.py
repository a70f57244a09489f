"""Open TCP connections to a service on the grading machine (the test listens on 127.0.0.1) from a
child process started below the audit hooks, and from the kernel itself; also try the host's
other addresses and the default gateway.

Got out: the listener receives a connection carrying this attack's mark.
"""
code = f"""
import socket
for host in ('127.0.0.1', 'localhost', '::1', socket.gethostname()):
    try:
        s = socket.create_connection((host, {_PORT}), timeout=5)
        s.sendall(b'{_MARK} child ' + host.encode())
        s.close()
        print('connected', host)
    except Exception as e:
        print(host, type(e).__name__, e)
"""
print(_py(code))
import socket

try:
    s = socket.create_connection(("127.0.0.1", _PORT), timeout=5)
    s.sendall(f"{_MARK} kernel".encode())
    s.close()
    print("kernel connected")
except Exception as exc:
    print("kernel", type(exc).__name__, exc)
