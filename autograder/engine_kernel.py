"""Grading kernels forked from a pre-warmed zygote that lives inside the sandbox (sandbox.py).

The zygote has imported ipykernel, numpy, matplotlib and course_lib once (single-threaded: no zmq
context, no BLAS threads yet). It runs as pid 1 of its bwrap sandbox, as root with a few caps,
and serves one kernel at a time over its control socket (`Zygote.address`, host side):

  grader -> zygote  {"op": "start", "kernel_id", "connection", "args", "env", "job_id", "files"?}
  zygote -> grader  {"ok": true, "pid": N}   once the kernel's five sockets are bound and moved
                                             into /conn/ready (or {"error": ...})
  grader -> zygote  {"op": "signal", "signum": N} | {"op": "kill"}
  zygote -> grader  {"exit": code}           after the kernel ended and everything else it
                                             started was killed; then the connection closes

Closing the control connection kills the kernel (and, inside the sandbox, every process of the
namespace). A new connection while a kernel runs ends that kernel first. jupyter_client drives it
all through `SandboxKernelManager` (config traits zygote_address, job_id, job_files) and
`SandboxProvisioner`; the grader never signals a host pid of a kernel.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import select
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
import uuid

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Dict, Unicode

from . import sandbox
from .limits import Limits

KERNEL_ARGV = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]  # never exec'd: see launch_kernel
PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline", "ipympl",
           "ipympl.backend_nbagg", "ipywidgets", "IPython.display", "autograder.selfgrade")
PRELOAD_PACKAGES = ("course_lib",)  # and every module in them (what the notebooks import)
START_TIMEOUT = 120  # seconds: a zygote's preload, or a kernel binding its sockets (hang guards only)
MAX_JOB_BYTES = 256 * 1024 * 1024  # a job's files, read from the kernel's cwd when not given
PORTS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")


def run_kernel(argv: list[str]) -> None:
    """Run an IPython kernel in this process with ipykernel_launcher's arguments (-f FILE ...)."""
    if sys.path and sys.path[0] in ("", os.getcwd()):
        sys.path.pop(0)
    from ipykernel.kernelapp import IPKernelApp
    app = IPKernelApp.instance()
    app.initialize(argv)
    app.start()


# ---- messages: one JSON object per line ----------------------------------------------------

class _Lines:
    def __init__(self, sock: socket.socket):
        self.sock, self.buffer, self.closed = sock, b"", False

    def send(self, message: dict) -> None:
        self.sock.sendall(json.dumps(message).encode() + b"\n")

    def read(self, timeout: float | None) -> dict | None:
        """The next message; None on timeout; {} once the peer closed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buffer:
            if self.closed:
                return {}
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self.sock], [], [], left)[0]:
                return None
            try:
                chunk = self.sock.recv(1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                self.closed = True
                self.buffer = b""
                return {}
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return {}


# ---- the zygote process (inside the sandbox) ------------------------------------------------

def _wipe(directory: str, keep: frozenset = frozenset()) -> None:
    """Empty a directory (never following a symlink in it) but for the names in keep; it stays."""
    for name in os.listdir(directory):
        if name in keep:
            continue
        path = os.path.join(directory, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


def _own(path: str, uid: int | None, mode: int) -> None:
    if uid is not None:
        os.chown(path, uid, uid)
    os.chmod(path, mode)


def _safe_parts(relpath: str) -> list[str]:
    parts = [p for p in relpath.split("/") if p not in ("", ".")]
    return [] if ".." in parts else parts


def _receive_job(lines: "_Lines", job: str, files: list, uid: int | None) -> None:
    """Wipe the job dir and write the job's files, streamed raw after the request line.

    The bytes pass through one buffer that is zeroed afterwards: a later kernel forked from this
    zygote finds no earlier learner's files in the memory it inherits."""
    _wipe(job)
    lines.send({"send": True})
    buf = bytearray(1 << 16)
    view = memoryview(buf)
    try:
        for relpath, size in files:
            parts = _safe_parts(str(relpath))
            fd = None
            if parts:
                path = job
                for part in parts[:-1]:
                    path = os.path.join(path, part)
                    if not os.path.isdir(path):
                        os.mkdir(path)
                        _own(path, uid, 0o700)
                path = os.path.join(path, parts[-1])
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            left = int(size)
            while left:
                n = lines.sock.recv_into(view[:min(left, len(buf))])
                if not n:
                    raise OSError("the grader closed the connection while sending the job's files")
                if fd is not None:
                    os.write(fd, view[:n])
                left -= n
            if fd is not None:
                os.close(fd)
                _own(path, uid, 0o600)
    finally:
        buf[:] = bytes(len(buf))


class _KernelOutput:
    """One kernel's stdout/stderr pipe, copied into the zygote's log (at most `budget` bytes of it)."""

    def __init__(self, fd: int, pid: int, job, budget: int):
        self.fd, self.budget, self.open = fd, budget, True
        os.set_blocking(fd, False)
        self._write(f"--- kernel {pid} (job {job}) ---\n".encode())

    def fds(self) -> list[int]:
        return [self.fd] if self.open else []

    @staticmethod
    def _write(data: bytes) -> None:
        try:
            os.write(2, data)
        except OSError:
            pass

    def drain(self, chunks: int = 16) -> None:
        """Copy what is in the pipe now (a bounded amount: a kernel that writes forever cannot hold the zygote)."""
        for _ in range(chunks):
            if not self.open:
                return
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return
            if not data:
                self._shut()
                return
            if self.budget > 0:
                self._write(data[:self.budget])
                if len(data) >= self.budget:
                    self._write(b"\n[the rest of this kernel's output is not logged]\n")
            self.budget -= len(data)

    def _shut(self) -> None:
        self.open = False
        os.close(self.fd)

    def close(self) -> None:
        self.drain(chunks=64)
        if self.open:
            self._shut()


class _Server:
    def __init__(self, config: dict):
        self.conn_dir, self.job, self.tmp = config["conn"], config["job"], config["tmp"]
        self.tmp_keep = frozenset(config.get("tmp_keep", ()))  # bound code under /tmp, never wiped
        self.uid, self.limits, self.sandboxed = config["uid"], Limits.from_dict(config["limits"]), config["sandboxed"]
        self.kdir, self.ready = os.path.join(self.conn_dir, "k"), os.path.join(self.conn_dir, "ready")
        self.current_job = None
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(wake_w, False)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(os.path.join(self.conn_dir, "zygote.sock"))
        os.chmod(os.path.join(self.conn_dir, "zygote.sock"), 0o600)
        self.server.listen(16)

    def loop(self) -> None:
        pending = None
        while True:
            conn = pending or self.server.accept()[0]
            with conn:
                try:
                    pending = self._serve(_Lines(conn))
                except OSError:  # the grader went away mid-request; the kernel is already gone
                    pending = None

    def _prepare(self, lines: _Lines, request: dict) -> str:
        """Fresh /conn/k, /conn/ready, /tmp (and the job's files for a new job); the connection file."""
        if "files" in request:
            _receive_job(lines, self.job, request["files"], self.uid)
            self.current_job = request.get("job_id")
        _own(self.job, self.uid, 0o700)
        for d in (self.kdir, self.ready):
            if os.path.lexists(d):
                shutil.rmtree(d, ignore_errors=True)
            os.mkdir(d, 0o700)
        _own(self.kdir, self.uid, 0o700)
        _wipe(self.tmp, self.tmp_keep)
        if self.tmp_keep:  # root's, sticky: the kernel may add files, never move the code bound under it
            _own(self.tmp, 0, 0o1777)
        else:
            _own(self.tmp, self.uid, 0o700)
        if self.sandboxed:
            _wipe("/dev/shm")
            os.chmod("/dev/shm", 0o1777)
        for name in ("matplotlib", "ipython"):
            os.mkdir(os.path.join(self.tmp, name))
            _own(os.path.join(self.tmp, name), self.uid, 0o700)
        info = dict(request["connection"], ip=os.path.join(self.kdir, "kernel"), transport="ipc")
        path = os.path.join(self.kdir, "kernel.json")
        with open(path, "w") as f:
            json.dump(info, f)
        _own(path, self.uid, 0o600)
        return path

    def _child(self, request: dict, connection_file: str, lines: "_Lines", out_w: int) -> None:
        os.close(signal.set_wakeup_fd(-1))
        os.close(self.wake_r)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        self.server.close()
        lines.sock.close()
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        # stdout/stderr: this kernel's own pipe, drained by the zygote into its log. Never the log file itself:
        # re-opened through /proc/self/fd, that would show every earlier kernel's output of this slot.
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        os.closerange(3, 1 << 16)  # nothing else of the zygote's (the grader's connection, the wake-up pipe)
        os.environ.clear()
        os.environ.update(sandbox.kernel_env(request.get("env"), job=self.job, tmp=self.tmp))
        os.chdir(self.job)
        sandbox.confine_kernel(self.limits, self.uid)
        run_kernel(list(request.get("args", [])) + ["-f", connection_file])

    def _sockets_moved(self, ports: list[int]) -> bool:
        """Move each bound socket out of the kernel's reach; True once all five are in ready/."""
        done = True
        for port in ports:
            name = f"kernel-{port}"
            target = os.path.join(self.ready, name)
            if os.path.lexists(target):
                continue
            try:
                os.rename(os.path.join(self.kdir, name), target)
            except FileNotFoundError:
                done = False
                continue
            st = os.lstat(target)  # ready/ is root's: what is here now cannot change any more
            if not stat.S_ISSOCK(st.st_mode) or (self.uid is not None and st.st_uid != self.uid):
                os.unlink(target)
                raise RuntimeError(f"{name} is not a socket of the kernel")
        return done

    def _reap(self, kernel: int) -> int | None:
        """Reap every exited child (pid 1 inherits orphans); the kernel's exit code once it ended."""
        code = None
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return code
            if pid == 0:
                return code
            if pid == kernel:
                code = os.waitstatus_to_exitcode(status)

    def _kill_all(self, kernel: int, code: int | None) -> int:
        """SIGKILL the kernel and everything it started; reap them all."""
        while True:
            try:
                if self.sandboxed:
                    os.kill(-1, signal.SIGKILL)  # pid 1: every other process of the namespace
                else:
                    os.killpg(kernel, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                pid, status = os.waitpid(-1 if self.sandboxed else kernel, 0)
            except ChildProcessError:
                break
            if pid == kernel:
                code = os.waitstatus_to_exitcode(status)
                if not self.sandboxed:
                    break
        for d in (self.kdir, self.ready):
            _wipe(d)
        _wipe(self.tmp, self.tmp_keep)
        return -signal.SIGKILL if code is None else code

    @staticmethod
    def _obey(lines: _Lines, kernel: int) -> bool:
        """Handle every request that arrived (one recv may hold several); True: end the kernel."""
        while True:
            message = lines.read(0)
            if message is None:
                return False
            if not message or message.get("op") == "kill":
                return True
            if message.get("op") == "signal":
                try:
                    os.killpg(kernel, int(message["signum"]))
                except (ProcessLookupError, PermissionError):
                    pass

    def _serve(self, lines: _Lines) -> socket.socket | None:
        """One kernel's life. Returns a connection that arrived meanwhile (it is served next)."""
        lines.send({"conn": self.conn_dir, "job": self.current_job, "sandboxed": self.sandboxed})
        request = lines.read(START_TIMEOUT)
        if not request or request.get("op") != "start":
            return None
        try:
            connection_file = self._prepare(lines, request)
        except (OSError, KeyError, ValueError) as exc:
            lines.send({"error": f"could not prepare the kernel: {exc}"})
            return None
        ports = [int(request["connection"][p]) for p in PORTS]
        out_r, out_w = os.pipe()
        kernel = os.fork()
        if kernel == 0:
            try:
                self._child(request, connection_file, lines, out_w)
            except BaseException:
                import traceback
                traceback.print_exc()
            finally:
                os._exit(1)
        os.close(out_w)
        output = _KernelOutput(out_r, kernel, self.current_job, self.limits.output_bytes)
        pending, code = None, None
        deadline = time.monotonic() + START_TIMEOUT
        try:
            while not self._sockets_moved(ports):
                output.drain()
                code = self._reap(kernel)
                if code is not None or time.monotonic() > deadline:
                    lines.send({"error": f"the kernel ended (exit code {code}) before it listened" if code is not None
                                else "the kernel did not listen in time"})
                    return None
                if select.select([lines.sock], [], [], 0.003)[0]:
                    return None  # the grader gave up
            lines.send({"ok": True, "pid": kernel})
            while code is None:
                ready = select.select([lines.sock, self.wake_r, self.server] + output.fds(), [], [])[0]
                if out_r in ready:
                    output.drain()
                if self.wake_r in ready:
                    try:
                        os.read(self.wake_r, 4096)
                    except BlockingIOError:
                        pass
                    code = self._reap(kernel)
                if self.server in ready:
                    pending = self.server.accept()[0]
                    break
                if lines.sock in ready and self._obey(lines, kernel):
                    break
        except RuntimeError as exc:
            lines.send({"error": str(exc)})
        finally:
            code = self._kill_all(kernel, code)
            output.close()
        try:
            lines.send({"exit": code})
        except OSError:
            pass
        return pending


def _preload() -> None:
    import importlib
    import pkgutil
    names = list(PRELOAD)
    for package in PRELOAD_PACKAGES:
        module = importlib.import_module(package)
        names += [m.name for m in pkgutil.walk_packages(module.__path__, package + ".")]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # a module that cannot load here will fail the same way in the kernel
            pass
    import ipykernel.kernelapp  # noqa: F401  (the bulk of a kernel's start-up)


def serve(config: dict) -> None:
    """Zygote main: fresh dirs, preload, then serve kernels forever (until killed)."""
    os.umask(0o077)
    for d in (config["job"], config["tmp"]):
        os.makedirs(d, exist_ok=True)
    mpl = os.path.join(config["tmp"], "matplotlib")
    os.makedirs(mpl, exist_ok=True)
    if os.path.isdir(sandbox.MPL_CACHE):
        for name in os.listdir(sandbox.MPL_CACHE):
            if name.startswith("fontlist"):
                shutil.copyfile(os.path.join(sandbox.MPL_CACHE, name), os.path.join(mpl, name))
    _preload()
    server = _Server(config)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    os.dup2(2, 1)  # from now on stdout (the kernels' too) goes to the log, not the grader's pipe
    server.loop()


def _mpl_cache() -> str | None:
    path = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    return path if os.path.isdir(path) else None


class Zygote:
    """Start (context manager) one zygote: inside bwrap when `sandbox`, else unconfined.

    `address` is the host path of its control socket (give it to SandboxKernelManager.zygote_address),
    `sandboxed` whether kernels run in bwrap, `pid` its host pid, `limits_enforced` which
    limits apply (cgroup or rlimits only).
    """

    def __init__(self, directory: str, limits: Limits = Limits(), *, sandbox: bool = True, slot: int = 0):
        self.directory, self.limits, self.sandboxed, self.slot = directory, limits, bool(sandbox), slot
        self.base = os.path.join(directory, f"zygote-{slot}")
        self.address = os.path.join(self.base, "conn", "zygote.sock")
        self.process = self.pid = self.cgroup = self._pidfd = None
        self.limits_enforced = "rlimits only (no sandbox)"

    def __enter__(self):
        reason = sandbox.unavailable_reason() if self.sandboxed else None
        if reason:
            raise RuntimeError(reason)
        os.makedirs(os.path.join(self.base, "conn"))
        os.chmod(self.base, 0o700)  # nobody else on the host gets in
        os.chmod(os.path.join(self.base, "conn"), 0o711)  # the kernel uid may pass to conn/k, not list
        uid = sandbox.kernel_uid(self.slot) if self.sandboxed else None
        config = {"uid": uid, "limits": self.limits.to_dict(), "sandboxed": self.sandboxed,
                  "conn": sandbox.CONN if self.sandboxed else os.path.join(self.base, "conn"),
                  "job": sandbox.JOB if self.sandboxed else os.path.join(self.base, "job"),
                  "tmp": sandbox.TMP if self.sandboxed else os.path.join(self.base, "tmp"),
                  "tmp_keep": sandbox.tmp_entries_of_code() if self.sandboxed else []}
        command = [sys.executable, "-m", "autograder.engine_kernel", json.dumps(config)]
        log = open(os.path.join(self.base, "zygote.log"), "ab")
        try:
            if self.sandboxed:
                self._start_sandboxed(command, log, uid)
            else:
                env = {**sandbox.kernel_env(job=config["job"], tmp=config["tmp"]), "MPLCONFIGDIR": _mpl_cache() or ""}
                self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                                stderr=log, env={k: v for k, v in env.items() if v})
                self.pid = self.process.pid
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        finally:
            log.close()
        if self.cgroup is not None:
            self.cgroup.fit()
        print(f"autograder: kernel zygote {self.slot} {'in bwrap' if self.sandboxed else 'UNCONFINED'}; "
              f"limits: {self.limits_enforced}", file=sys.stderr)
        return self

    def _start_sandboxed(self, command, log, uid) -> None:
        self.cgroup = sandbox.Cgroup(f"autograde-{os.getpid()}-{self.slot}-{uuid.uuid4().hex[:8]}", self.limits)
        self.limits_enforced = self.cgroup.enforced
        info_r, info_w = os.pipe()
        argv = sandbox.bwrap_argv(command, os.path.join(self.base, "conn"), os.path.join(self.base, "etc"),
                                  uid, info_w, _mpl_cache())
        cgroup = self.cgroup

        def enter_cgroup():
            cgroup.join()
            try:
                with open("/proc/self/oom_score_adj", "w") as f:
                    f.write("-500")  # the OOM killer takes a kernel (1000) before the zygote
            except OSError:
                pass  # not allowed here (a container): kernels still rank first, at 1000

        try:
            self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, stderr=log,
                                            pass_fds=(info_w,), preexec_fn=enter_cgroup, env={"PATH": "/usr/bin:/bin"})
        finally:
            os.close(info_w)
        with os.fdopen(info_r, "rb") as f:
            text = f.read()
        try:
            self.pid = int(json.loads(text)["child-pid"])
            self._pidfd = os.pidfd_open(self.pid)  # bwrap has not reaped it: this is our zygote
        except (ValueError, KeyError, ProcessLookupError) as exc:
            raise RuntimeError(f"bwrap did not start the zygote: {self._log_tail()}") from exc

    def _log_tail(self) -> str:
        try:
            with open(os.path.join(self.base, "zygote.log"), "rb") as f:
                return f.read()[-2000:].decode(errors="replace").strip()
        except OSError:
            return ""

    def _wait_ready(self) -> None:
        if not select.select([self.process.stdout], [], [], START_TIMEOUT)[0] \
                or self.process.stdout.readline().strip() != b"ready":
            raise RuntimeError(f"the kernel zygote did not start: {self._log_tail()}")

    def __exit__(self, *exc):
        if self._pidfd is not None:  # the zygote first: its namespace ends, bwrap reaps it and exits
            try:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it has ended already (the error that ended it is what the caller reports)
            os.close(self._pidfd)
            self._pidfd = None
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process.stdout.close()
            self.process = None
        if self.cgroup is not None:
            self.cgroup.close()
        return False


# ---- the grader's side ----------------------------------------------------------------------

class ZygoteConnection:
    """The control connection for one kernel; `prefix` is where its sockets are, seen from the host."""

    def __init__(self, address: str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(address)
        except OSError as exc:
            sock.close()
            raise RuntimeError(f"no kernel zygote at {address}: {exc}") from exc
        pid, _, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
        self.lines = _Lines(sock)
        hello = self.lines.read(START_TIMEOUT)
        if not hello or "conn" not in hello:
            self.close()
            raise RuntimeError("the kernel zygote did not answer")
        self.job, self.sandboxed, self.returncode = hello.get("job"), bool(hello.get("sandboxed")), None
        # a sandboxed zygote's /conn through its own root (its pid as seen here: SO_PEERCRED translates it)
        root = f"/proc/{pid}/root" if self.sandboxed else ""
        self.prefix = f"{root}{hello['conn']}/ready/kernel"
        if len(self.prefix) > 100:  # a unix socket path has 108 bytes, with "-N" after the prefix
            self.close()
            raise RuntimeError(f"the kernel sockets' path is too long for a unix socket: {self.prefix}")

    def start(self, request: dict, files: dict[str, bytes] | None) -> int:
        """Start a kernel; `files` (for a new job) are streamed raw after the request line."""
        if files is not None:
            request = {**request, "files": [[name, len(data)] for name, data in files.items()]}
        self.lines.send({"op": "start", **request})
        reply = self.lines.read(START_TIMEOUT)
        if files is not None and reply and reply.get("send"):
            for data in files.values():
                self.lines.sock.sendall(data)
            reply = self.lines.read(START_TIMEOUT)
        if not reply or "ok" not in reply:
            self.close()
            raise RuntimeError(f"the kernel zygote could not start a kernel: {(reply or {}).get('error', 'no answer')}")
        return int(reply["pid"])

    def poll(self) -> int | None:
        while self.returncode is None:
            message = self.lines.read(0)
            if message is None:
                return None
            if not message or "exit" in message:
                self.returncode = int(message.get("exit", -signal.SIGKILL)) if message else -signal.SIGKILL
        return self.returncode

    def send(self, message: dict) -> None:
        if self.returncode is None:
            try:
                self.lines.send(message)
            except OSError:
                self.poll()

    def close(self) -> None:
        self.lines.sock.close()
        if self.returncode is None:
            self.returncode = -signal.SIGKILL


def job_files_of(directory: str) -> dict[str, bytes]:
    """The regular files under a directory (no symlinks followed), for a job given no files."""
    files, total = {}, 0
    for top, dirs, names in os.walk(directory):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(top, d))]
        for name in names:
            path = os.path.join(top, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            total += os.path.getsize(path)
            if total > MAX_JOB_BYTES:
                raise RuntimeError(f"the job's files in {directory} are larger than {MAX_JOB_BYTES} bytes")
            with open(path, "rb") as f:
                files[os.path.relpath(path, directory)] = f.read()
    return files


class _Handle:
    """What jupyter_client's code may look at as `provisioner.process`."""

    def __init__(self, control: ZygoteConnection, pid: int):
        self.control, self.pid = control, pid

    def poll(self):
        return self.control.poll()


class SandboxProvisioner(LocalProvisioner):
    """Starts, signals and kills a kernel only through requests to its zygote."""

    control: ZygoteConnection | None = None

    async def pre_launch(self, **kwargs):
        km = self.parent
        if self.control is None or self.control.returncode is not None:
            self.control = ZygoteConnection(km.zygote_address)
        km.transport, km.ip = "ipc", self.control.prefix
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd, **kwargs):
        km = self.parent
        args = cmd[cmd.index("-f") + 2:] if "-f" in cmd else []
        cwd = str(kwargs.get("cwd") or os.getcwd())
        job_id = km.job_id or cwd
        env = kwargs.get("env") or {}
        request = {"kernel_id": km.kernel_id, "args": args, "job_id": job_id,
                   "env": {k: env[k] for k in sandbox.PASSED_ENV if k in env},  # nothing else leaves the grader
                   "connection": {k: v for k, v in self.connection_info.items() if k not in ("ip", "transport")}}
        request["connection"] = json.loads(json.dumps(request["connection"], default=lambda b: b.decode()))
        files = None
        if self.control.job != job_id:
            files = dict(km.job_files) if km.job_files else job_files_of(cwd)
        pid = self.control.start(request, files)
        self.process = _Handle(self.control, pid)
        self.pid, self.pgid, self.cwd = pid, None, cwd
        return self.connection_info

    @property
    def has_process(self) -> bool:
        return self.control is not None and self.process is not None

    async def poll(self):
        return self.control.poll() if self.control is not None else 0

    async def wait(self):
        while self.control is not None and self.control.poll() is None:
            await asyncio.sleep(0.02)
        return await self.poll()

    async def send_signal(self, signum: int) -> None:
        if self.control is not None:
            self.control.send({"op": "signal", "signum": int(signum)})

    async def kill(self, restart: bool = False) -> None:
        if self.control is not None:
            self.control.send({"op": "kill"})

    async def terminate(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGTERM)

    async def cleanup(self, restart: bool = False) -> None:
        if self.control is not None:
            self.control.close()
        self.process = None
        await super().cleanup(restart)


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels are forked by the zygote at `zygote_address`, nothing else."""

    zygote_address = Unicode("", help="host path of the control socket of a running Zygote").tag(config=True)
    job_id = Unicode("", help="a new id wipes the kernel's /job; default: the kernel's cwd").tag(config=True)
    job_files = Dict(help="{relative path: bytes} written into /job for a new job; "
                          "default: the files of the kernel's cwd").tag(config=True)

    @property
    def kernel_spec(self):
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(argv=list(KERNEL_ARGV), display_name="Python 3 (sandbox)",
                                           language="python", env={})
        return self._kernel_spec

    @property
    def ipykernel(self) -> bool:
        return True

    async def _async_pre_start_kernel(self, **kw):
        if not self.zygote_address:
            raise RuntimeError("SandboxKernelManager.zygote_address is not set: start an engine_kernel.Zygote")
        self.kernel_id = self.kernel_id or str(uuid.uuid4())
        self.transport, self.cache_ports = "ipc", False
        if self.provisioner is None:
            self.provisioner = SandboxProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        if not self.connection_file:  # a host path the sandbox does not see
            self.connection_file = os.path.join(tempfile.gettempdir(), f"autograde-kernel-{self.kernel_id}.json")
        return await super()._async_pre_start_kernel(**kw)


if __name__ == "__main__":
    try:
        serve(json.loads(sys.argv[1]))
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
