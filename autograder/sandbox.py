"""The operating-system boundary around learner kernels: bubblewrap, an unprivileged uid, rlimits, a cgroup.

A grading zygote (engine_kernel.Zygote) runs inside `bwrap_argv(...)`; every kernel it forks is
confined by `confine_kernel(...)` before it imports the learner's first line. What is contained,
and the test in tests/test_sandbox.py that shows it from inside a running kernel:

* Identity: the kernel runs as uid/gid `kernel_uid(slot)` (60000 + slot), no supplementary groups,
  no capabilities (CapEff, CapPrm and the bounding set are 0; bwrap sets no_new_privs, so setuid
  binaries in /usr give nothing back) -- test_identity_and_capabilities.
* Files: a new mount namespace holding only /usr (and the /lib, /bin symlinks), a few /etc files
  (ld.so.cache, localtime, a passwd/group naming the kernel uid), the interpreter, the venv,
  course_lib's folder and the autograder package's *.py files, all read-only at their real paths;
  tmpfs /tmp, /dev/shm and /job (the job's files only, wiped for each new job; code that lives
  under /tmp, e.g. a venv made there, is bound read-only on top of the tmpfs); its own /proc;
  bwrap's minimal /dev; /conn (a private host directory for the kernel's ipc sockets). Not in
  view: the repository root, solutions/, autograder/course (the gradebook), other learners, the
  grader's temp dirs, /root beyond the bound interpreter -- test_cannot_read_the_course.
* Network: a new network namespace with only a loopback of its own: a port listening on the
  host's 127.0.0.1 is unreachable -- test_no_network.
* Processes: a new PID namespace whose pid 1 is the zygote; when a kernel exits, or the grader's
  control connection for it closes, the zygote kills every other process in the namespace
  (kill(-1, SIGKILL)), so a child that setsid()s and double-forks dies with its kernel
  -- test_setsid_double_fork_dies_with_the_kernel, test_only_own_processes_visible.
  Kernels are signalled (interrupt, kill) by requests to the zygote, never by a host kill() of a
  pid -- test_interrupt_reaches_the_kernel.
* Limits the kernel cannot lift (hard rlimits, set as root before the uid drop): address space
  = Limits.memory_mb, CPU seconds = Limits.cpu_seconds, processes = Limits.processes (per uid),
  file size = Limits.file_mb, no core dumps -- test_rlimits_cannot_be_raised. A memory cgroup
  per zygote (own usage after preloading + memory_mb; tmpfs pages are charged to it) and a pids
  cgroup; when the cgroup hierarchy is not writable only the rlimits apply, which
  `Cgroup.enforced` and a log line say -- test_memory_hog_is_killed_and_reported.
* Environment: --clearenv, then an allow-list (`kernel_env`) -- test_environment_is_an_allow_list.
* Descriptors: a kernel's stdout/stderr is a pipe of its own that the zygote copies into its log
  (at most Limits.output_bytes per kernel); no other descriptor of the zygote (the log file, the
  grader's connection) is inherited, so nothing of an earlier kernel can be re-opened through
  /proc/self/fd -- test_a_kernel_cannot_read_earlier_kernels_output.
* Connection: the grader only connects to sockets the zygote has moved, as root, out of the
  kernel-writable /conn/k into the root-only /conn/ready and checked (lstat) to be sockets. A
  symlink the kernel plants in /conn is never followed by the grader (note: an absolute symlink
  read through /proc/<pid>/root/... resolves on the HOST, so that path alone protects nothing)
  -- test_planted_symlinks_are_not_followed.

Not contained (no seccomp filter): the kernel can still make any system call the Linux kernel
allows an unprivileged process -- e.g. create user namespaces (and inside them mount and network
namespaces of its own, which do not widen its view of the host), read /proc/cpuinfo, /proc/meminfo
and /sys (bwrap does not mount /sys, but /proc/sys is readable), and use the CPU up to its limits.
A kernel exploit is out of scope. The whole boundary is attacked as a learner would in
tests/test_redteam.py (hostile submissions in tests/redteam/, graded by one `autograde` run among
honest learners, whose scores must not move). Kernels of two grading runs on the same slot share a uid, so
share RLIMIT_NPROC's count.
"""

from __future__ import annotations

import functools
import glob
import os
import resource
import shutil
import subprocess
import sys
import sysconfig

from .limits import Limits

KERNEL_UID_BASE = 60000
CONN = "/conn"  # inside the sandbox: kernel sockets (k/, kernel-writable) and ready/ (root only)
JOB = "/job"  # inside the sandbox: the job's files, the kernel's cwd and HOME
TMP = "/tmp"
MPL_CACHE = "/etc/autograder-mpl"  # inside: the host's matplotlib font list, copied at start
KEPT_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_KILL", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER")
ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf", "/etc/mime.types")
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap); "
                "on macOS or Windows grade on a Linux machine, or pass --no-sandbox to run learners' code "
                "with your own rights")


def kernel_uid(slot: int) -> int:
    return KERNEL_UID_BASE + slot


PASSED_ENV = ("NBGRADER_EXECUTION", "NBGRADER_VALIDATING")  # the only variables a grader passes on


def kernel_env(extra: dict | None = None, job: str = JOB, tmp: str = TMP) -> dict:
    """The whole environment of a kernel: nothing of the grader's, NBGRADER_EXECUTION when given."""
    env = {"PATH": os.path.dirname(sys.executable) + ":/usr/local/bin:/usr/bin:/bin", "HOME": job,
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TMPDIR": tmp, "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "MPLCONFIGDIR": tmp + "/matplotlib", "IPYTHONDIR": tmp + "/ipython", "PYTHONNOUSERSITE": "1",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for key in PASSED_ENV:
        if extra and key in extra:
            env[key] = str(extra[key])
    return env


@functools.lru_cache(maxsize=1)
def unavailable_reason() -> str | None:
    """None when bwrap can build the sandbox here; else why not and what to install."""
    if not sys.platform.startswith("linux"):
        return f"the grading sandbox needs Linux (this is {sys.platform}): {INSTALL_HINT}"
    binary = shutil.which("bwrap")
    if not binary:
        return f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}"
    if os.geteuid() != 0:  # the zygote sets each kernel's uid to one of its own (60000 + slot): only root can
        return ("the grading sandbox needs root: each learner's kernel runs as a uid of its own, which only root "
                "can give; run autograde as root (sudo), or pass --no-sandbox to run learners' code with your rights")
    try:
        probe = subprocess.run([binary, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
                               capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap could not run ({exc}): {INSTALL_HINT}"
    if probe.returncode != 0:
        why = probe.stderr.decode(errors="replace").strip() or f"exit status {probe.returncode}"
        return (f"bwrap cannot create namespaces here ({why}); run as root or enable unprivileged user "
                f"namespaces (sysctl kernel.unprivileged_userns_clone=1), or pass --no-sandbox")
    return None


def _real(path: str) -> str:
    return os.path.realpath(path)


def code_binds() -> list[str]:
    """Host paths bound read-only at their real path: interpreter, venv, course_lib, autograder's *.py."""
    import course_lib
    here = os.path.dirname(_real(__file__))
    paths = {_real(sys.base_prefix), _real(sys.prefix), _real(sysconfig.get_paths()["purelib"]),
             os.path.dirname(_real(course_lib.__file__))}
    files = sorted(glob.glob(os.path.join(here, "*.py")) + glob.glob(os.path.join(here, "__pycache__", "*.pyc")))
    return sorted(paths) + files


def write_etc(directory: str, uid: int) -> dict[str, str]:
    """passwd/group naming only root and the kernel uid (getpass, IPython ask for a user name)."""
    os.makedirs(directory, exist_ok=True)
    content = {"passwd": f"root:x:0:0:root:/root:/bin/false\nlearner:x:{uid}:{uid}:learner:{JOB}:/bin/false\n",
               "group": f"root:x:0:\nlearner:x:{uid}:\n"}
    paths = {}
    for name, text in content.items():
        paths[name] = os.path.join(directory, name)
        with open(paths[name], "w") as f:
            f.write(text)
    return paths


def bwrap_argv(command: list[str], conn_dir: str, etc_dir: str, uid: int, info_fd: int,
               mpl_cache: str | None = None) -> list[str]:
    """The one place the sandbox's view, namespaces and capabilities are decided."""
    argv = [shutil.which("bwrap") or "bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--as-pid-1", "--hostname", "sandbox",
            "--clearenv", "--cap-drop", "ALL"]
    for cap in KEPT_CAPS:
        argv += ["--cap-add", cap]
    for key, value in kernel_env().items():
        argv += ["--setenv", key, value]
    argv += ["--ro-bind", "/usr", "/usr"]
    for link in ("lib", "lib64", "bin", "sbin", "lib32", "libx32"):
        target = os.path.join("/", link)
        if os.path.islink(target):
            argv += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            argv += ["--ro-bind", target, target]
    for path in ETC_FILES:
        if os.path.exists(path):
            argv += ["--ro-bind", path, path]
    for name, path in write_etc(etc_dir, uid).items():
        argv += ["--ro-bind", path, f"/etc/{name}"]
    binds = code_binds()
    parents = {os.path.dirname(p) for p in binds} | {"/etc"}
    for d in list(parents):
        while d != "/":
            parents.add(d)
            d = os.path.dirname(d)
    # the tmpfs mounts first: code that lives under /tmp (a venv made there) is bound on top of them
    argv += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm", "--tmpfs", TMP, "--tmpfs", JOB]
    for d in sorted(parents - {"/"}, key=lambda p: p.count("/")):
        argv += ["--perms", "0755", "--dir", d]  # bwrap would make them 0700: the kernel uid must pass
    for path in binds:
        argv += ["--ro-bind", path, path]
    if mpl_cache and os.path.isdir(mpl_cache):
        argv += ["--ro-bind", mpl_cache, MPL_CACHE]
    argv += ["--bind", conn_dir, CONN, "--chdir", JOB, "--info-fd", str(info_fd), "--"]
    return argv + command


def tmp_entries_of_code() -> list[str]:
    """Names in the sandbox's /tmp that lead to bound code (a venv or checkout under /tmp): the zygote's
    wipe of /tmp between kernels leaves them (they are root's, read-only below)."""
    names = set()
    for path in code_binds():
        rel = os.path.relpath(path, TMP)
        if not rel.startswith(".."):
            names.add(rel.split(os.sep, 1)[0])
    return sorted(names)


# ---- inside the sandbox: the per-kernel child, as root, just before it runs IPKernelApp ----

def _libc():
    import ctypes
    return ctypes.CDLL(None, use_errno=True)


PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38


def set_rlimits(limits: Limits) -> None:
    """Hard limits (soft = hard): an unprivileged process can lower them, never raise them."""
    mb = 1024 * 1024
    for which, value in ((resource.RLIMIT_AS, limits.memory_mb * mb), (resource.RLIMIT_CPU, limits.cpu_seconds),
                         (resource.RLIMIT_NPROC, limits.processes), (resource.RLIMIT_FSIZE, limits.file_mb * mb),
                         (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(which, (value, value))


def confine_kernel(limits: Limits, uid: int | None) -> None:
    """In the forked kernel: rlimits, then (when uid is given) no caps and the kernel uid. Irreversible."""
    libc = _libc()
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")  # the kernel, not the zygote, is what the cgroup's OOM killer takes
    except OSError:
        pass
    set_rlimits(limits)
    if uid is None:
        return
    last_cap = int(open("/proc/sys/kernel/cap_last_cap").read())
    for cap in range(last_cap + 1):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        import ctypes
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # from uid 0 to non-zero: permitted, effective and ambient caps are cleared
    if os.getuid() != uid or os.geteuid() != uid:
        raise RuntimeError("could not drop to the kernel uid")
    _clear_inheritable_caps(libc)


def _clear_inheritable_caps(libc) -> None:
    """capset(all zero): setuid cleared the other sets, this clears the inheritable one."""
    import ctypes

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    data = (Data * 2)()
    if libc.capset(ctypes.byref(Header(0x20080522, 0)), data) != 0:  # _LINUX_CAPABILITY_VERSION_3
        raise OSError(ctypes.get_errno(), "capset failed")


# ---- the cgroup of one zygote (host side, as root) ----

def _own_cgroup(controller: str | None) -> str | None:
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, names, path = line.rstrip("\n").split(":", 2)
            if (controller is None and names == "") or (controller and controller in names.split(",")):
                return path
    return None


class Cgroup:
    """memory + pids limits for one zygote and everything in it; `enforced` says which apply."""

    def __init__(self, name: str, limits: Limits):
        self.limits, self.dirs, self.memory_dir, self.version = limits, [], None, None
        self.enforced = "rlimits only"
        try:
            if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
                self._make_v2(name)
            else:
                self._make_v1(name)
        except OSError as exc:
            self.close()
            self.dirs, self.memory_dir = [], None
            self.enforced = f"rlimits only (cgroup not writable: {exc})"

    def _mkdir(self, path: str) -> str:
        os.mkdir(path)
        self.dirs.append(path)
        return path

    def _make_v1(self, name: str) -> None:
        mem = self._mkdir(os.path.join("/sys/fs/cgroup/memory" + (_own_cgroup("memory") or "/"), name))
        pids = self._mkdir(os.path.join("/sys/fs/cgroup/pids" + (_own_cgroup("pids") or "/"), name))
        self.memory_dir, self.version = mem, 1
        self._write(mem, "memory.limit_in_bytes", self._start_limit())
        if os.path.exists(os.path.join(mem, "memory.memsw.limit_in_bytes")):
            self._write(mem, "memory.memsw.limit_in_bytes", self._start_limit())
        self._write(pids, "pids.max", self.limits.processes + 16)
        self.enforced = "cgroup v1 memory + pids, rlimits"

    def _make_v2(self, name: str) -> None:
        base = "/sys/fs/cgroup" + (_own_cgroup(None) or "/")
        path = self._mkdir(os.path.join(base, name))
        self.memory_dir, self.version = path, 2
        self._write(path, "memory.max", self._start_limit())
        if os.path.exists(os.path.join(path, "memory.swap.max")):
            self._write(path, "memory.swap.max", 0)
        self._write(path, "pids.max", self.limits.processes + 16)
        self.enforced = "cgroup v2 memory + pids, rlimits"

    def _start_limit(self) -> int:  # while the zygote preloads; tightened by `fit`
        return (self.limits.memory_mb + 1024) * 1024 * 1024

    @staticmethod
    def _write(directory: str, name: str, value) -> None:
        with open(os.path.join(directory, name), "w") as f:
            f.write(str(value))

    def join(self) -> None:
        """Move the calling process in (used in the zygote's preexec_fn, before bwrap runs)."""
        for d in self.dirs:
            self._write(d, "cgroup.procs", os.getpid())

    def fit(self) -> None:
        """Limit = the zygote's own usage now (after its preload) + memory_mb."""
        if self.memory_dir is None:
            return
        usage_file = "memory.usage_in_bytes" if self.version == 1 else "memory.current"
        with open(os.path.join(self.memory_dir, usage_file)) as f:
            limit = int(f.read()) + self.limits.memory_mb * 1024 * 1024
        if self.version == 1:
            self._write(self.memory_dir, "memory.limit_in_bytes", limit)
            if os.path.exists(os.path.join(self.memory_dir, "memory.memsw.limit_in_bytes")):
                self._write(self.memory_dir, "memory.memsw.limit_in_bytes", limit)
        else:
            self._write(self.memory_dir, "memory.max", limit)

    def oom_kills(self) -> int:
        if self.memory_dir is None:
            return 0
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        try:
            with open(os.path.join(self.memory_dir, name)) as f:
                for line in f:
                    if line.startswith("oom_kill "):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def close(self) -> None:
        """Kill whatever is left inside and remove the cgroups."""
        import signal
        import time
        for d in reversed(self.dirs):
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    with open(os.path.join(d, "cgroup.procs")) as f:
                        pids = [int(p) for p in f.read().split()]
                except OSError:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                try:
                    os.rmdir(d)
                    break
                except OSError:
                    time.sleep(0.02)
        self.dirs = []
