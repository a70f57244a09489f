"""Confine the process that runs a learner's notebook (the kernel).

`enter(spec)` is called inside the freshly forked kernel process, before any learner code runs.

What it guarantees (for code that stays in Python):
* memory: RLIMIT_AS caps the address space, so a memory bomb gets MemoryError (or the kernel dies);
* CPU: RLIMIT_CPU kills a kernel that burns more CPU seconds than the notebook may take;
* files: RLIMIT_FSIZE caps any single file written; a Python audit hook (sys.addaudithook, which
  cannot be removed once added) refuses opening files for writing outside the working directory,
  reading outside the working directory and the interpreter's library and system paths, deleting,
  renaming or chmod-ing outside the working directory, starting processes (subprocess, os.system,
  exec, fork), opening network connections and loading native code with ctypes;
* identity: when the grader runs as root and the interpreter is readable by `nobody`, the kernel
  drops to uid/gid nobody (so the OS also refuses writes to the course files); RLIMIT_NPROC then
  bounds fork bombs.

What it does not guarantee:
* native code already loaded (numpy, C extensions) is not audited: a C-level file write bypasses
  the hook. The static scan (scan.py) refuses ctypes and friends for that reason;
* when the interpreter lives where `nobody` cannot read it (e.g. under /root), the uid is kept and
  only the audit hook and the rlimits confine the kernel; `drop_privileges_possible` tells which;
* no network namespace: sockets are refused by the hook, not by the kernel of the OS.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from dataclasses import asdict, dataclass, field

ENV_VAR = "AUTOGRADER_SANDBOX"
NOBODY = 65534

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_BLOCKED_EVENTS = (
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
    "os.forkpty", "pty.spawn", "socket.connect", "socket.bind", "socket.sendto",
    "ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata", "ctypes.call_function", "os.kill", "os.killpg",
    "os.setuid", "os.chroot",
)
_WRITE_EVENTS = {  # event -> indices of the path arguments that are written
    "os.remove": (0,), "os.rmdir": (0,), "os.rename": (0, 1), "os.replace": (0, 1), "os.mkdir": (0,),
    "os.chmod": (0,), "os.chown": (0,), "os.symlink": (0, 1), "os.link": (0, 1), "os.truncate": (0,),
    "os.utime": (0,), "shutil.rmtree": (0,), "shutil.copyfile": (1,), "shutil.move": (0, 1),
}


@dataclass
class SandboxSpec:
    workdir: str
    memory_mb: int = 2048
    cpu_seconds: int = 300
    file_mb: int = 64
    read_roots: list[str] = field(default_factory=list)
    uid: int | None = None

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls, environ=os.environ) -> "SandboxSpec":
        if ENV_VAR not in environ:
            raise RuntimeError(f"{ENV_VAR} is not set: refusing to start an unconfined kernel")
        return cls(**json.loads(environ[ENV_VAR]))


def default_read_roots() -> list[str]:
    """Where a kernel may read: the interpreter, installed packages, system data, course_lib only."""
    import sysconfig
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sysconfig.get_paths()["stdlib"],
             sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
             "/usr/lib", "/usr/share", "/usr/local/lib", "/lib", "/etc/localtime", "/etc/mime.types",
             "/etc/matplotlibrc", "/dev/null", "/dev/urandom",
             "/proc/self", "/proc/cpuinfo", "/proc/meminfo", "/sys/devices/system/cpu"}
    try:
        import course_lib  # editable install: allow the package, not the repository (solutions/)
        roots.add(os.path.dirname(os.path.realpath(course_lib.__file__)))
    except ImportError:
        pass
    return sorted(os.path.realpath(r) for r in roots)


def package_code_dirs() -> list[str]:
    """The autograder package's own code folders (not course/, which holds the gradebook and every
    learner's submission): a notebook's last cell imports autograder.selfgrade for its button."""
    here = os.path.dirname(os.path.realpath(__file__))
    return [here, os.path.join(here, "__pycache__")]


def drop_privileges_possible() -> bool:
    """True when running as root and `nobody` could read the interpreter's library and packages."""
    if os.geteuid() != 0:
        return False
    import stat
    import sysconfig
    for top in (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"]):
        path = os.path.realpath(top)
        if (os.stat(path).st_mode & (stat.S_IROTH | stat.S_IXOTH)) != (stat.S_IROTH | stat.S_IXOTH):
            return False
        while path != os.path.dirname(path):
            path = os.path.dirname(path)
            if not os.stat(path).st_mode & stat.S_IXOTH:
                return False
    return True


def _inside(path: str, roots) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _resolve(path) -> str | None:
    if isinstance(path, int):
        return None  # an already open descriptor was checked when it was opened
    return os.path.realpath(os.path.abspath(os.fsdecode(path)))


def make_audit_hook(write_roots: list[str], read_roots: list[str]):
    write_roots = [os.path.realpath(r) for r in write_roots]
    readable = write_roots + [os.path.realpath(r) for r in read_roots]
    code_dirs = set(package_code_dirs())

    def _readable(path: str) -> bool:  # files directly inside a code dir only, never below it
        return _inside(path, readable) or os.path.dirname(path) in code_dirs

    def _listable(path: str) -> bool:
        return _inside(path, readable) or path in code_dirs

    def hook(event, args):
        if event == "open":
            path = _resolve(args[0])
            if path is None:
                return
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
            writing = bool(flags & _WRITE_FLAGS) or any(c in mode for c in "wax+")
            if writing and not _inside(path, write_roots):
                raise PermissionError(f"sandbox: writing outside the working directory is not allowed: {path}")
            if not writing and not _readable(path):
                raise PermissionError(f"sandbox: reading this path is not allowed: {path}")
        elif event in _WRITE_EVENTS:
            for i in _WRITE_EVENTS[event]:
                path = _resolve(args[i]) if i < len(args) else None
                if path is not None and not _inside(path, write_roots):
                    raise PermissionError(f"sandbox: {event} outside the working directory is not allowed: {path}")
        elif event in ("os.listdir", "os.scandir"):
            path = _resolve(args[0] if args[0] is not None else ".")
            if path is not None and path != "/proc" and not _listable(path):  # ipykernel lists /proc at exit
                raise PermissionError(f"sandbox: listing this directory is not allowed: {path}")
        elif event in _BLOCKED_EVENTS:
            raise PermissionError(f"sandbox: {event} is not allowed while grading")

    return hook


def _limit(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value if hard == resource.RLIM_INFINITY else hard))


def enter(spec: SandboxSpec) -> None:
    """Confine this process; irreversible. Call in the kernel process before it runs any cell."""
    workdir = os.path.realpath(spec.workdir)
    tmp = os.path.join(workdir, ".tmp")
    os.makedirs(tmp, exist_ok=True)
    if spec.uid is not None and os.geteuid() == 0:
        for path in (workdir, tmp):
            os.chown(path, spec.uid, spec.uid)
    os.environ.update({"TMPDIR": tmp, "HOME": workdir, "MPLCONFIGDIR": tmp, "IPYTHONDIR": os.path.join(tmp, "ipython")})
    os.chdir(workdir)
    _limit(resource.RLIMIT_AS, spec.memory_mb * 1024 * 1024)
    _limit(resource.RLIMIT_CPU, max(1, int(spec.cpu_seconds)))
    _limit(resource.RLIMIT_FSIZE, spec.file_mb * 1024 * 1024)
    _limit(resource.RLIMIT_CORE, 0)
    if spec.uid is not None and os.geteuid() == 0:
        _limit(resource.RLIMIT_NPROC, 512)
        os.setgroups([])
        os.setgid(spec.uid)
        os.setuid(spec.uid)
    import tempfile
    tempfile.tempdir = tmp
    sys.addaudithook(make_audit_hook([workdir, tmp], spec.read_roots))
