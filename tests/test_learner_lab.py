"""`python3 course.py start` / `instructor`, run as a learner would, checked in a real browser.

The launcher runs on a copy of the repository (JupyterLab may save what it opens) with this
worktree's .venv (COURSE_VENV), in private Jupyter config/home directories. Each launch must
print one URL, with its token, that opens the course; the learner's JupyterLab has nbgrader's
Validate but none of its instructor tools, shows only the learner's files, and marks no
notebook as changed when it is only opened; the instructor launch has the tools, and the
learner launch after it is a learner's again (the mode is per launch).
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from jupyter_browser import (REPO, browser_page, free_port, isolated_env, require_chromium,
                             screenshot, wait_kernel_idle)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(2400)]  # generous: a loaded machine

COPY_IGNORE = shutil.ignore_patterns(".venv", ".git", "test-artifacts", "__pycache__", "*.egg-info",
                                     ".pytest_cache", ".ipynb_checkpoints", "gradebook.db")
URL = re.compile(r"https?://\S+")
LEARNER_FILES = {"README.md", "ERRATA.md", "notebooks"}
NOTEBOOKS = sorted(p.name for p in (REPO / "notebooks").glob("[0-9]*.ipynb"))
ROOT_NOTE = "--allow-root is passed"
STOP_TIMEOUT = 300  # a hang detector, not a speed goal: stopping takes seconds even when loaded


class Launch:
    """A running `course.py <command>`: its printed output, URL and token."""

    def __init__(self, process: subprocess.Popen, log: Path):
        self.process, self.log = process, log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_url(self, timeout: float = 900) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.output()
            if "open the course in your browser" in text:
                return URL.findall(text.split("open the course in your browser", 1)[1])[0]
            if self.process.poll() is not None:
                raise AssertionError(f"course.py exited with {self.process.returncode}:\n{text}")
            time.sleep(0.2)
        raise TimeoutError(f"course.py printed no URL in {timeout}s:\n{self.output()}")

    @property
    def base(self) -> str:
        return self.wait_for_url().split("/lab/")[0]

    @property
    def token(self) -> str:
        return self.wait_for_url().rsplit("token=", 1)[1]

    def status(self, path: str) -> int:
        request = urllib.request.Request(f"{self.base}/{path}",
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory):
    """A copy of the repository whose course.py finds this worktree's installed .venv."""
    require_chromium()
    sys.path.insert(0, str(REPO))
    import course  # the worktree's launcher: brings .venv's install stamp up to date, in place

    course.ensure_environment()
    copy = tmp_path_factory.mktemp("learner") / "course"
    shutil.copytree(REPO, copy, ignore=COPY_IGNORE)
    return copy


@contextlib.contextmanager
def launch(copy: Path, command: str, *, as_user: str = "current", config_path: Path | None = None):
    """`course.py <command>` (as root or, with as_user="nobody", an unprivileged uid).

    config_path: one more Jupyter configuration directory, after the mode's own."""
    base = Path(tempfile.mkdtemp(prefix="course-launch-"))
    env = isolated_env(base, quiet=False)  # only what course.py and the environment configure
    env["COURSE_VENV"] = str(REPO / ".venv")
    if config_path is not None:
        env["JUPYTER_CONFIG_PATH"] = str(config_path)
    log = base / "course.log"
    cmd = [sys.executable, "course.py", command, "--no-browser", f"--port={free_port()}",
           "--LabApp.expose_app_in_browser=True"]
    if as_user == "nobody":  # a user namespace: uid 65534 inside, the files stay readable
        cmd = ["unshare", "--user", *cmd]
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, cwd=copy, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    running = Launch(process, log)
    try:
        yield running
    finally:
        process.send_signal(signal.SIGTERM)  # course.py passes it on to JupyterLab
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"course.py {command} did not end {STOP_TIMEOUT}s after SIGTERM; "
                                 f"its output:\n{running.output()[-3000:]}") from None
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            kept = REPO / "test-artifacts" / "logs"
            kept.mkdir(parents=True, exist_ok=True)
            shutil.copy(log, kept / f"course-{command}-{as_user}.log")
            running.log = kept / f"course-{command}-{as_user}.log"  # output() after the launch
            shutil.rmtree(base, ignore_errors=True)


def root_listing(page) -> list[str]:
    """What the file browser shows at the top of the course."""
    page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:go-to-path', {path: '/'})")
    page.wait_for_function("""() => document.querySelector('.jp-FileBrowser-crumbs')
                              ?.querySelectorAll('.jp-BreadCrumbs-item').length <= 1""", timeout=60_000)
    page.wait_for_selector(".jp-DirListing-itemName", timeout=60_000)
    return [e.strip() for e in page.locator(".jp-DirListing-itemName").all_inner_texts()]


def lab_state(page) -> dict:
    return page.evaluate("""() => ({
        path: window.jupyterapp.shell.currentWidget?.context?.path,
        menus: [...document.querySelectorAll('.lm-MenuBar-itemLabel')].map(e => e.textContent),
        createAssignment: window.jupyterapp.commands.hasCommand('nbgrader:open-create-assignment'),
        formgrader: window.jupyterapp.commands.hasCommand('nbgrader:open-formgrader'),
    })""")


def open_url(page, url: str) -> None:
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".jp-DirListing-item", timeout=120_000)
    page.wait_for_function("() => window.jupyterapp?.shell?.currentWidget?.context?.ready !== undefined",
                           timeout=120_000)


NOT_DIRTY_AFTER_KERNEL_INFO = """async () => {
    const panel = window.jupyterapp.shell.currentWidget;
    await panel.context.ready;
    await panel.sessionContext.ready;
    const kernel = panel.sessionContext.session.kernel;
    await kernel.info;   // JupyterLab writes the kernel's language_info when this resolves
    await kernel.spec;   // ... and its kernelspec when this does
    return {dirty: panel.context.model.dirty, language: panel.context.model.getMetadata('language_info')};
}"""


def test_start_opens_notebook_01_in_a_learners_lab(course_copy):
    with launch(course_copy, "start") as running, browser_page() as page:
        url = running.wait_for_url()
        output = running.output()
        assert URL.findall(output) == [url], f"course.py must print one URL:\n{output}"
        assert "/lab/tree/notebooks/01_gradient_descent.ipynb?token=" in url
        assert (ROOT_NOTE in output) == (os.geteuid() == 0), output

        open_url(page, url)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
        state = lab_state(page)
        screenshot(page, "learner-lab-start", full_page=False)
        assert state["path"] == "notebooks/01_gradient_descent.ipynb", state
        assert "Nbgrader" not in state["menus"], state
        assert not state["createAssignment"] and not state["formgrader"], state
        assert set(root_listing(page)) == LEARNER_FILES
        validate = page.locator(".jp-NotebookPanel-toolbar .jp-Toolbar-item", has_text="Validate")
        validate.first.wait_for(timeout=60_000)
        assert running.status("formgrader") == 404  # the server extension is off too
        assert running.status("api/contents/notebooks") == 200
        errors = [line for line in running.output().splitlines() if line.startswith("[E ")]
        assert errors == [], errors


def test_no_notebook_is_marked_changed_when_only_opened(course_copy):
    with launch(course_copy, "start") as running, browser_page() as page:
        open_url(page, running.wait_for_url())
        changed = {}
        for name in NOTEBOOKS:
            page.goto(f"{running.base}/lab/tree/notebooks/{name}?reset&token={running.token}",
                      timeout=120_000)
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
            wait_kernel_idle(page, timeout=180)
            state = page.evaluate(NOT_DIRTY_AFTER_KERNEL_INFO)
            assert "version" in state["language"], state  # the kernel's, as the server filled it in
            dot = page.locator(".jp-mod-current .jp-mod-dirty, .lm-TabBar-tab.lm-mod-current.jp-mod-dirty")
            if state["dirty"] or dot.count():
                changed[name] = state
                screenshot(page, f"dirty-{name}", full_page=False)
            page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        assert changed == {}, f"opened only, yet marked changed: {changed}"
    for name in NOTEBOOKS:  # and nothing was written back
        assert (course_copy / "notebooks" / name).read_bytes() == (REPO / "notebooks" / name).read_bytes()


def test_start_as_an_ordinary_user(course_copy):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("runs as root here, or without unshare: the plain test covers this user")
    with launch(course_copy, "start", as_user="nobody") as running, browser_page() as page:
        url = running.wait_for_url()
        output = running.output()
        assert ROOT_NOTE not in output and "allow-root" not in output, output
        assert URL.findall(output) == [url], output
        open_url(page, url)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
        assert lab_state(page)["path"] == "notebooks/01_gradient_descent.ipynb"


# A request still in flight when the server stops: its anyio worker thread is never told to end
# (see autograder/lab.py). Plain `jupyter lab` then waits for it for ever after "stopping".
IN_FLIGHT_CONFIG = """
import asyncio, sys
import anyio
from tornado.ioloop import IOLoop

async def in_flight():
    await anyio.to_thread.run_sync(lambda: None)
    print("IN FLIGHT: a worker thread is in use", file=sys.stderr, flush=True)
    await asyncio.Event().wait()

IOLoop.current().add_callback(in_flight)
"""


def test_stopping_the_course_ends_jupyterlab_with_a_request_in_flight(course_copy, tmp_path):
    (tmp_path / "jupyter_server_config.py").write_text(IN_FLIGHT_CONFIG)
    with launch(course_copy, "start", config_path=tmp_path) as running:
        running.wait_for_url()
        deadline = time.monotonic() + STOP_TIMEOUT
        while "IN FLIGHT" not in running.output() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "IN FLIGHT" in running.output(), running.output()
    # launch() sent SIGTERM and waited: course.py, JupyterLab and its thread have ended
    output = running.output()
    assert "received signal 15, stopping" in output, output
    assert running.process.returncode == 0, output
    assert "left behind" not in output, output  # ended by finishing its tasks, not by os._exit


def test_instructor_launch_has_the_tools_and_the_next_start_does_not(course_copy):
    with launch(course_copy, "instructor") as running, browser_page() as page:
        url = running.wait_for_url()
        assert "/lab/tree/docs/INSTRUCTOR_GUIDE.md?token=" in url
        open_url(page, url)
        page.wait_for_function("() => window.jupyterapp.commands.hasCommand('nbgrader:open-formgrader')",
                               timeout=120_000)
        state = lab_state(page)
        screenshot(page, "instructor-lab", full_page=False)
        assert state["path"] == "docs/INSTRUCTOR_GUIDE.md", state
        assert "Nbgrader" in state["menus"] and state["createAssignment"], state
        assert {"solutions", "autograder", "course_lib"} <= set(root_listing(page))
        assert running.status("formgrader") == 200
    with launch(course_copy, "start") as running:
        running.wait_for_url()
        assert running.status("formgrader") == 404
