"""Devices: open (never read or write) /dev/mem, /dev/kmem, /dev/port, the disks
(/dev/vd*, /dev/sd*, /dev/nvme*), /dev/kmsg, /dev/console, /dev/loop-control, /dev/fuse,
/dev/net/tun, /dev/kvm, /dev/vsock; mknod a disk device; list /dev and /dev/shm (shared with the host?).

Got out: any of these devices opens, or mknod succeeds.
"""
import glob
import os

allowed = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/ptmx"}
print("dev:", sorted(os.listdir("/dev")))
cands = ["/dev/mem", "/dev/kmem", "/dev/port", "/dev/kmsg", "/dev/console", "/dev/loop-control", "/dev/fuse",
         "/dev/net/tun", "/dev/kvm", "/dev/vsock", "/dev/vhost-vsock", "/dev/vport0p1", "/dev/hwrng"]
cands += glob.glob("/dev/vd*") + glob.glob("/dev/sd*") + glob.glob("/dev/nvme*") + glob.glob("/dev/xvd*") + glob.glob("/dev/loop*")
for dev in dict.fromkeys(cands):
    if dev in allowed:
        continue
    try:
        fd = os.open(dev, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        print(dev, exc.strerror)
        continue
    os.close(fd)  # opening is the escape; nothing is read (reading ports or memory has effects)
    _got_out(f"opened {dev}")
for name, major, minor in (("sda", 8, 0), ("vda", 254, 0), ("mem", 1, 1)):
    try:
        os.mknod(f"./{name}-{_MARK}", 0o600 | 0o060000 if name != "mem" else 0o600 | 0o020000, os.makedev(major, minor))
        _got_out(f"mknod {name} succeeded")
        os.remove(f"./{name}-{_MARK}")
    except OSError as exc:
        print("mknod", name, exc.strerror)
