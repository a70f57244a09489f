"""Connect to unix sockets of the grading machine: the test's socket in host /tmp, its abstract
socket (abstract names are shared per network namespace), and every path and abstract name listed
in /proc/net/unix (the dask scheduler's, the zygote's control socket, dbus ...), sending the mark.

SAFETY: the sockets listed in /proc/net/unix are only tried when the kernel has a network
namespace of its own (else they are the machine's sockets).
Got out: the test's unix listeners receive the mark.
"""
import socket

names = [_UNIXSOCK, "\0" + _ABSTRACT]
if not _host_netns():
    try:
        for line in open("/proc/net/unix").read().splitlines()[1:]:
            parts = line.split()
            if len(parts) >= 8:
                names.append(parts[7].replace("@", "\0", 1) if parts[7].startswith("@") else parts[7])
    except OSError as exc:
        print("/proc/net/unix", exc)
accepted = []
for name in dict.fromkeys(names):
    for kind in (socket.SOCK_STREAM, socket.SOCK_SEQPACKET, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_UNIX, kind)
        s.settimeout(3)
        try:
            s.connect(name)
            s.sendall(f"{_MARK} unix\n".encode())
            accepted.append(name)
            print("connected", repr(name))
            break
        except Exception:
            pass
        finally:
            s.close()
print("accepted", accepted)
if any(n in (_UNIXSOCK, "\0" + _ABSTRACT) for n in accepted):
    _got_out(f"connected to a unix socket outside the sandbox: {accepted}")
