#!/usr/bin/env python3
"""The course's two commands, on Linux, macOS and Windows.

    python3 course.py start   # install the course into .venv (first time, or when the pins change)
                              # and open it in JupyterLab, as a learner finds it
    python3 course.py instructor  # the same JupyterLab with nbgrader's instructor tools
                              # (Create Assignment, formgrader) and every file shown
    python3 course.py test    # install what the tests need (the same .venv, plus Debian's chromium
                              # for the browser tests and bubblewrap for the grading
                              # sandbox, when it can), then run every test

Extra arguments go to JupyterLab (start, instructor) or to pytest (test), e.g.
``python3 course.py test -k descent`` or ``python3 course.py start --port 8899``.
The mode is per launch (a configuration directory put first on JUPYTER_CONFIG_PATH), so an
instructor launch never changes what the next learner launch shows.
Only the standard library is used here, so any Python 3.10+ can run it.
"""

from __future__ import annotations

import hashlib
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("COURSE_VENV", ROOT / ".venv"))
STAMP = VENV / ".course-installed"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def say(message: str) -> None:
    print(f"[course] {message}", flush=True)


def venv_python() -> Path:
    if platform.system() == "Windows":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def run(cmd: list[str], **kwargs) -> None:
    say(" ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml", "autograder/environment.py",
                 *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "autograder" / "labextension").rglob("*")
                         if p.is_file())):
        digest.update((ROOT / name).read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_environment() -> Path:
    """Create .venv and install the pinned requirements and the course into it, once per change."""
    if sys.version_info < (3, 10):
        sys.exit(f"Python 3.10 or newer is needed, this is {platform.python_version()}.")
    python = venv_python()
    if not python.exists():
        say(f"creating the virtual environment {VENV}")
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    fingerprint = install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return python
    run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", ROOT / "requirements.txt"])
    run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps", "-e", ROOT])
    run([python, "-m", "autograder.environment"])
    STAMP.write_text(fingerprint)
    return python


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def apt_install(packages: list[str]) -> bool:
    """Install Debian packages when this is Debian/Ubuntu and we are root; False when we can't."""
    apt = shutil.which("apt-get")
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not (apt and is_root):
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run([apt, "-qq", "update"], env=env)
    run([apt, "install", "-y", "-qq", "--no-install-recommends", *packages], env=env)
    return True


def ensure_system_tools() -> dict[str, str]:
    """Debian's chromium drives the browser tests (Playwright's own browser download is not used);
    bubblewrap confines the kernels that grade learners' code. Returns what was found."""
    missing = []
    if not find_chromium():
        missing += ["chromium", "fonts-dejavu-core"]
    if not shutil.which("bwrap"):
        missing.append("bubblewrap")
    if missing and not apt_install(missing):
        say(f"missing {', '.join(missing)} and it can't be installed here (needs Debian's apt-get as root). "
            "Without chromium the browser tests are skipped (set CHROMIUM_PATH to a Chromium binary); "
            "without bubblewrap the grading-sandbox tests are skipped.")
    found = {}
    if find_chromium():
        found["CHROMIUM_PATH"] = find_chromium()
    if shutil.which("bwrap"):
        found["BWRAP_PATH"] = shutil.which("bwrap")
    return found


# What each mode opens, and where JupyterLab runs for it. The instructor's server starts in the
# nbgrader course (formgrader reads nbgrader_config.py from there) with the whole repository shown.
LANDING = {"learner": "notebooks/01_gradient_descent.ipynb", "instructor": "docs/INSTRUCTOR_GUIDE.md"}
SERVER_CWD = {"learner": ROOT, "instructor": ROOT / "autograder" / "course"}
DEFAULT_PORT = 8888


def mode_dir(mode: str) -> Path:
    """The mode's Jupyter configuration, written by `python -m autograder.environment`."""
    return VENV / "etc" / "course" / mode


def option(extra: list[str], *names: str) -> str | None:
    """The value of a JupyterLab option the user passed (--port 9000, --ServerApp.port=9000)."""
    for i, arg in enumerate(extra):
        for name in names:
            if arg.startswith(f"--{name}="):
                return arg.split("=", 1)[1]
            if arg == f"--{name}" and i + 1 < len(extra):
                return extra[i + 1]
    return None


def free_port(start: int) -> int:
    for port in range(start, start + 100):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    sys.exit(f"no free port between {start} and {start + 99}: pass one with --port")


def root_flags() -> list[str]:
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return []
    say("you are root (uid 0), as in most containers and cloud VMs: JupyterLab refuses to run as "
        "root unless told, so --allow-root is passed. On a shared machine, start the course as an "
        "ordinary user instead.")
    return ["--allow-root"]


def wait_until_ready(process: subprocess.Popen, port: int, token: str) -> bool:
    """True once JupyterLab answers (however long a loaded machine takes), False if it exits."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/status",
                                     headers={"Authorization": f"token {token}"})
    while process.poll() is None:
        try:
            with urllib.request.urlopen(request, timeout=5):
                return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False


def launch(mode: str, extra: list[str]) -> int:
    """JupyterLab in `mode`; prints the one URL (token included) that opens the course."""
    python = ensure_environment()
    if not mode_dir(mode).is_dir():
        sys.exit(f"{mode_dir(mode)} is missing: run {python} -m autograder.environment")
    port = option(extra, "port", "ServerApp.port")
    port = int(port) if port else free_port(DEFAULT_PORT)
    token = os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    env = dict(os.environ, JUPYTER_TOKEN=token)  # the environment, not argv: `ps` would show it
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        p for p in (str(mode_dir(mode)), os.environ.get("JUPYTER_CONFIG_PATH", "")) if p)
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"  # nbgrader's gradebook runs alembic
    defaults = {("ServerApp.root_dir", "notebook-dir"): str(ROOT), ("ServerApp.ip", "ip"): "127.0.0.1",
                ("ServerApp.port", "port"): str(port), ("ServerApp.port_retries", "port-retries"): "0",
                ("log-level", "Application.log_level"): "WARN"}  # only course.py's lines: one URL
    ours = [f"--{names[0]}={value}" for names, value in defaults.items() if option(extra, *names) is None]
    cmd = [str(python), "-m", "autograder.lab", *ours,  # `jupyter lab` that ends when stopped
           *([] if "--allow-root" in extra else root_flags()),
           *extra, str(ROOT / LANDING[mode])]
    say(f"starting JupyterLab ({mode} mode); Ctrl+C here stops it")
    process = subprocess.Popen(cmd, cwd=SERVER_CWD[mode], env=env)
    for name in ("SIGTERM", "SIGHUP"):  # stopping course.py stops JupyterLab (and its kernels)
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: process.terminate())
    try:
        if wait_until_ready(process, port, token):
            say(f"open the course in your browser:\n\n    http://127.0.0.1:{port}/lab/tree/{LANDING[mode]}"
                f"?token={token}\n")
    except KeyboardInterrupt:
        pass
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:  # JupyterLab gets the Ctrl+C too, asks, and shuts itself down
            continue


def start(extra: list[str]) -> int:
    return launch("learner", extra)


def instructor(extra: list[str]) -> int:
    return launch("instructor", extra)


def test(extra: list[str]) -> int:
    python = ensure_environment()
    env = dict(os.environ)
    env.update(ensure_system_tools())
    cmd = [str(python), "-m", "pytest", "-ra", *extra]
    say(" ".join(cmd))
    return subprocess.call(cmd, cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    commands = {"start": start, "instructor": instructor, "test": test}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
