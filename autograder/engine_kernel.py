"""Sandboxed kernels for grading, started either from a pre-warmed zygote or as a fresh process.

The zygote is a process that has already imported ipykernel, numpy, matplotlib and course_lib
(single-threaded: no zmq context, no BLAS threads yet). For each kernel it forks a child that
enters the sandbox and runs IPKernelApp, so every notebook still gets a fresh process, but the
imports (most of a kernel's start-up) are paid once per class instead of once per notebook.
jupyter_client manages that child through `SandboxProvisioner`, which knows it only by pid
(a pidfd: the zygote, not the grader, is its parent).
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import uuid

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from .sandbox import ENV_VAR, SandboxSpec

ZYGOTE_ENV = "AUTOGRADER_ZYGOTE"
PIDFILE_ENV = "AUTOGRADER_KERNEL_PIDFILE"
KERNEL_LOG_ENV = "AUTOGRADER_KERNEL_LOG"  # where a kernel's own stderr goes (opened before the sandbox)
KERNEL_ARGV = [sys.executable, "-m", "autograder.sandbox_kernel", "-f", "{connection_file}"]
PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline", "ipympl",
           "ipympl.backend_nbagg", "ipywidgets", "IPython.display", "autograder.selfgrade")
PRELOAD_PACKAGES = ("course_lib",)  # and every module in them (what the notebooks import)
SINGLE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run_kernel(argv: list[str]) -> None:
    """Run an IPython kernel in this process with ipykernel_launcher's arguments (-f FILE ...)."""
    if sys.path and sys.path[0] in ("", os.getcwd()):
        sys.path.pop(0)
    from ipykernel.kernelapp import IPKernelApp
    app = IPKernelApp.instance()
    app.initialize(argv)
    app.start()


def _kernel_args(cmd: list[str]) -> list[str]:
    if "autograder.sandbox_kernel" not in cmd:
        raise ValueError(f"not a sandbox kernel command: {cmd}")
    return cmd[cmd.index("autograder.sandbox_kernel") + 1:]


class ZygoteProcess:
    """The Popen-like handle jupyter_client needs, for a kernel whose parent is the zygote."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None
        try:
            self._fd = os.pidfd_open(pid)
        except ProcessLookupError:
            self._fd, self.returncode = None, -signal.SIGKILL

    def poll(self):
        if self.returncode is None and select.select([self._fd], [], [], 0)[0]:
            self._finish()
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None:
            if not select.select([self._fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            self._finish()
        return self.returncode

    def _finish(self):
        os.close(self._fd)
        self._fd, self.returncode = None, 1  # the exit status belongs to the zygote, which reaped it

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            signal.pidfd_send_signal(self._fd, signum)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


def _record_pid(pid: int) -> None:
    path = os.environ.get(PIDFILE_ENV)
    if path:
        with open(path, "a") as f:
            f.write(f"{pid}\n")


class SandboxProvisioner(LocalProvisioner):
    """Launches the sandboxed kernel through the zygote when one runs, else as a new process."""

    async def launch_kernel(self, cmd, **kwargs):
        address = os.environ.get(ZYGOTE_ENV)
        if not address:
            info = await super().launch_kernel(cmd, **kwargs)
            _record_pid(self.pid)
            return info
        request = {"args": _kernel_args(cmd), "cwd": str(kwargs.get("cwd") or os.getcwd()),
                   "env": dict(kwargs.get("env") or os.environ)}
        pid = zygote_request(address, request)
        self.process = ZygoteProcess(pid)
        self.pid = self.pgid = pid
        self.cwd = request["cwd"]
        _record_pid(pid)
        return self.connection_info


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels always run inside `sandbox.enter(spec)`."""

    sandbox_spec: SandboxSpec | None = None  # set by the grading worker (one submission per process)

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
        if self.sandbox_spec is None:
            raise RuntimeError("SandboxKernelManager.sandbox_spec is not set")
        self.kernel_id = self.kernel_id or str(uuid.uuid4())
        if self.provisioner is None:
            self.provisioner = SandboxProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                  parent=self)
        if not self.connection_file:
            self.connection_file = os.path.join(tempfile.gettempdir(), f"autograde-kernel-{self.kernel_id}.json")
        env = dict(kw.get("env") or os.environ)
        spec = SandboxSpec(**{**self.sandbox_spec.__dict__, "workdir": str(kw.get("cwd") or os.getcwd()),
                              "read_roots": self.sandbox_spec.read_roots + [self.connection_file]})
        env[ENV_VAR] = spec.to_env()
        env.update(SINGLE_THREAD_ENV)
        kw["env"] = env
        return await super()._async_pre_start_kernel(**kw)


# ---- the zygote process -------------------------------------------------------------------

def zygote_request(address: str, request: dict) -> int:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(address)
        s.sendall(json.dumps(request).encode() + b"\n")
        reply = s.makefile("rb").readline()
    if not reply:
        raise RuntimeError("the kernel zygote closed the connection without starting a kernel")
    return int(json.loads(reply)["pid"])


def _child(request: dict) -> None:
    from . import sandbox
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    log = request["env"].get(KERNEL_LOG_ENV)
    log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600) if log else devnull
    os.dup2(devnull, 0)
    for fd in (1, 2):
        os.dup2(log_fd, fd)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sandbox.enter(SandboxSpec.from_env())
    run_kernel(request["args"])


def serve(address: str) -> None:
    """Zygote main loop: preload, then fork one sandboxed kernel per request."""
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
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the OS
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    os.chmod(address, 0o600)
    server.listen(64)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        conn, _ = server.accept()
        with conn:
            try:
                request = json.loads(conn.makefile("rb").readline())
            except ValueError:
                continue
            pid = os.fork()
            if pid == 0:
                try:
                    server.close()
                    conn.close()
                    _child(request)
                finally:
                    os._exit(0)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")


class Zygote:
    """Start (context manager) a zygote process and export its address to kernels started here."""

    def __init__(self, directory: str):
        self.address = os.path.join(directory, "zygote.sock")
        self.process = None

    def __enter__(self):
        env = {**os.environ, **SINGLE_THREAD_ENV, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
        self.process = subprocess.Popen([sys.executable, "-m", "autograder.engine_kernel", self.address],
                                        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
        if self.process.stdout.readline().strip() != b"ready":
            self.process.kill()
            raise RuntimeError("the kernel zygote did not start")
        os.environ[ZYGOTE_ENV] = self.address
        return self

    def __exit__(self, *exc):
        os.environ.pop(ZYGOTE_ENV, None)
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()


if __name__ == "__main__":
    serve(sys.argv[1])
