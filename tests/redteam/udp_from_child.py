"""Send UDP datagrams to the test's listener on 127.0.0.1 (and broadcast) from a forked child, and a
DNS query to the resolver of /etc/resolv.conf: no connect() at all, so socket.connect hooks miss it.

SAFETY: broadcast and DNS only when the kernel has a network namespace of its own.
Got out: the UDP listener receives a datagram with this attack's mark.
"""
probe = not _host_netns()  # broadcast and DNS only where they cannot bother the machine's network
code = f"""
import socket
probe = {probe}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for addr in [('127.0.0.1', {_UDPPORT})] + ([('255.255.255.255', {_UDPPORT})] if probe else []):
    try:
        s.sendto(b'{_MARK} udp', addr); print('sent', addr)
    except Exception as e:
        print(addr, e)
try:
    ns = [l.split()[1] for l in open('/etc/resolv.conf') if l.startswith('nameserver')] if probe else []
    for n in ns:
        s.sendto(b'\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x07example\\x03com\\x00\\x00\\x01\\x00\\x01', (n, 53))
        s.settimeout(3); print('dns answer', s.recvfrom(512))
except Exception as e:
    print('dns', e)
"""
status, out = _run([_sys.executable, "-c", code])
print(status, out.decode(errors="replace"))
