#!/usr/bin/env python3
"""The course's two commands, on Linux, macOS and Windows.

    python3 course.py start   # install the course into .venv (first time, or when the pins change)
                              # and open it in JupyterLab
    python3 course.py test    # install what the tests need (the same .venv, plus Debian's chromium
                              # for the browser tests when it can), then run every test

Extra arguments go to JupyterLab (start) or to pytest (test), e.g.
``python3 course.py test -k descent`` or ``python3 course.py start --port 8899``.
Only the standard library is used here, so any Python 3.10+ can run it.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
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
    for name in ("requirements.txt", "pyproject.toml", "autograder/environment.py"):
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


def ensure_chromium() -> str | None:
    """Debian's chromium drives the browser tests (Playwright's own browser download is not used)."""
    found = find_chromium()
    if found:
        return found
    apt = shutil.which("apt-get")
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if apt and is_root:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run([apt, "-qq", "update"], env=env)
        run([apt, "install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-dejavu-core"], env=env)
        return find_chromium()
    say("no chromium found and it can't be installed here (needs Debian's apt-get as root): "
        "the browser tests will be skipped. Set CHROMIUM_PATH to a Chromium binary to run them.")
    return None


def start(extra: list[str]) -> int:
    python = ensure_environment()
    say("opening JupyterLab on the course (Ctrl+C here stops it)")
    cmd = [str(python), "-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT}", *extra, "README.md"]
    return subprocess.call(cmd, cwd=ROOT)


def test(extra: list[str]) -> int:
    python = ensure_environment()
    env = dict(os.environ)
    chromium = ensure_chromium()
    if chromium:
        env["CHROMIUM_PATH"] = chromium
    cmd = [str(python), "-m", "pytest", "-ra", *extra]
    say(" ".join(cmd))
    return subprocess.call(cmd, cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    commands = {"start": start, "test": test}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
