"""Drive a real JupyterLab in Debian's headless Chromium (shared by every browser test).

    with lab_server(root_dir) as server, browser_page(server) as page:
        open_notebook(page, server, "demo.ipynb")
        run_all_cells(page)
        assert error_outputs(page) == []

or, for a whole notebook, `run_notebook_in_lab(path)`. The server runs with isolated
config/settings/runtime/home directories so a developer's JupyterLab settings never leak
into a test, and it is always stopped (its whole process group) afterwards.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
ERROR_OUTPUT_SELECTOR = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
    ".jp-OutputArea-output .jp-RenderedText[data-mime-type=\"application/vnd.jupyter.error\"], "
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
)
# Server log lines that are noise, not failures (missing favicon, a closed websocket at shutdown).
BENIGN_LOG = re.compile(r"favicon|WebSocket(Closed|ClosedError)|Stream is closed|kernel_info_request")
# jupyter_client interrupts (SIGINT) every kernel it shuts down, so a kernel that is still busy
# then (a widget message, a worker thread's top-up: likelier on a loaded machine) logs this.
# It is noise while the harness shuts kernels down, and a failure at any other time.
SHUTDOWN_INTERRUPT = re.compile(r"KeyboardInterrupt caught in kernel")
# A kernel's interpreter tearing down after that interrupt reports what it could not finish
# ("Exception ignored in: <coroutine ...>", then a traceback ending in "Event loop is closed").
# Python prints such a report when it is already past raising: noise during shutdown as well.
TEARDOWN_REPORT = re.compile(r"^Exception ignored in: ")

# Settings that keep the UI quiet and deterministic: no news pop-up, no update check.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}


def require_chromium() -> Path:
    """Debian's chromium, or skip (fail instead when CI is set: CI must run browser tests)."""
    if CHROMIUM.exists():
        return CHROMIUM
    reason = f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it"
    if os.environ.get("CI"):
        pytest.fail(reason + " and CI is set, so this is a failure")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    root_dir: Path
    port: int
    token: str
    log_path: Path
    process: subprocess.Popen
    home: Path
    # Byte ranges of the log written while the harness shut kernels down (end None: to the end).
    shutdown_windows: list = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def api(self, path: str) -> dict:
        return self.get_json(f"api/{path.lstrip('/')}")

    def get_json(self, path: str, *, timeout: float = 30) -> dict:
        """GET any server path (e.g. lab/api/settings/...) with the token; the parsed JSON."""
        request = urllib.request.Request(
            f"{self.base_url}/{path.lstrip('/')}", headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def shutdown_kernels(self) -> None:
        """Delete every session (and its kernel) through the REST API, e.g. between notebooks."""
        start = self.log_size()
        for session in self.api("sessions"):
            request = urllib.request.Request(
                f"{self.base_url}/api/sessions/{session['id']}", method="DELETE",
                headers={"Authorization": f"token {self.token}"})
            urllib.request.urlopen(request, timeout=120).close()  # returns once the kernel is gone
        self.shutdown_windows.append((start, self.log_size()))

    def _during_shutdown(self, offset: int) -> bool:
        return any(start <= offset and (end is None or offset < end) for start, end in self.shutdown_windows)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def error_lines(self, ignore: re.Pattern | None = None) -> list[str]:
        """Log lines at ERROR level (the server's `[E ...]` prefix or a Traceback), minus noise."""
        lines, offset, previous = [], 0, ""
        for raw in self.log_path.read_bytes().splitlines(keepends=True):
            line, start = raw.decode(errors="replace").rstrip("\r\n"), offset
            offset, before, previous = offset + len(raw), previous, line
            if not (line.startswith("[E ") or "ERROR" in line or line.startswith("Traceback")):
                continue
            if BENIGN_LOG.search(line) or (ignore is not None and ignore.search(line)):
                continue
            if SHUTDOWN_INTERRUPT.search(line) and self._during_shutdown(start):
                continue
            if line.startswith("Traceback") and TEARDOWN_REPORT.search(before) and self._during_shutdown(start):
                continue
            lines.append(line)
        return lines


def isolated_env(base: Path, *, quiet: bool = True) -> dict[str, str]:
    """Private config/settings/home dirs; `quiet` adds the harness's own no-news settings."""
    env = dict(os.environ)
    dirs = {
        "HOME": base / "home", "JUPYTER_CONFIG_DIR": base / "config",
        "JUPYTERLAB_SETTINGS_DIR": base / "lab-settings", "JUPYTER_RUNTIME_DIR": base / "runtime",
        "JUPYTER_DATA_DIR": base / "data", "IPYTHONDIR": base / "ipython",
        "JUPYTERLAB_WORKSPACES_DIR": base / "workspaces", "MPLCONFIGDIR": base / "mpl",
    }
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    for relative, values in (LAB_SETTINGS.items() if quiet else ()):
        target = dirs["JUPYTERLAB_SETTINGS_DIR"] / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    env.pop("JUPYTER_TOKEN", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _wait_until_ready(server: LabServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {server.process.returncode}:\n{server.log_text()}")
        try:
            server.api("status")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.25)
    raise TimeoutError(f"JupyterLab did not answer /api/status in {timeout}s:\n{server.log_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:  # the server shuts its kernels down first: give a loaded machine time for that
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def mode_config_dir(python: Path | str, mode: str) -> Path:
    """The per-launch configuration of a course mode ("learner", "instructor") in `python`'s
    environment, as `course.py start` / `course.py instructor` use it."""
    from autograder.environment import mode_dir

    directory = mode_dir(Path(python).absolute().parent.parent, mode)
    if not directory.is_dir():
        raise RuntimeError(f"{directory} is missing: run {python} -m autograder.environment")
    return directory


@contextlib.contextmanager
def lab_server(root_dir: Path | str, *, startup_timeout: float = 300.0, extra_args: tuple = (),
               python: Path | str = sys.executable, quiet: bool = True, mode: str | None = None,
               port: int | None = None):
    """Start JupyterLab on `root_dir` (new process group), yield a LabServer, always stop it.

    `python` is the environment whose JupyterLab runs; `quiet=False` leaves out the harness's
    own news/update settings, so a test sees only what that environment configures; `mode`
    ("learner" or "instructor") launches it the way course.py does (None: the bare environment);
    `port` fixes the port (the browser keeps storage per origin, so a test of it reuses one)."""
    root_dir = Path(root_dir).resolve()
    if not root_dir.is_dir():
        raise ValueError(f"root_dir must be an existing directory, got {root_dir}")
    base = Path(tempfile.mkdtemp(prefix="lab-test-"))
    env = isolated_env(base, quiet=quiet)
    env["PATH"] = f"{Path(python).parent}{os.pathsep}{env['PATH']}"
    if mode is not None:
        env["JUPYTER_CONFIG_PATH"] = str(mode_config_dir(python, mode))
    port, token = port or free_port(), secrets.token_hex(16)
    log_path = base / "jupyter-lab.log"
    command = [
        str(python), "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
        "--LabApp.expose_app_in_browser=True",
        # Kernels talk over unix sockets in the test's runtime dir, not TCP: jupyter_client picks
        # free TCP ports and the kernel binds them later, so on a machine busy with other kernels
        # (CI, parallel work) another process can take one in between ("Address already in use"
        # in the heartbeat thread, seen once in a loaded run). Learners keep TCP: Windows has no ipc.
        *(("--KernelManager.transport=ipc",) if os.name == "posix" else ()),
        *(("--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
          if quiet else ()),
        *extra_args,
    ]
    if os.geteuid() == 0:  # containers often run as root; Lab refuses without this
        command.append("--allow-root")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=root_dir, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = LabServer(root_dir, port, token, log_path, process, Path(env["HOME"]))
    try:
        _wait_until_ready(server, startup_timeout)
        yield server
    finally:
        server.shutdown_windows.append((server.log_size(), None))
        _stop(process)
        kept = ARTIFACTS / "logs"
        kept.mkdir(parents=True, exist_ok=True)
        shutil.copy(log_path, kept / f"jupyter-lab-{port}.log")
        server.log_path = kept / f"jupyter-lab-{port}.log"
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def browser_page(server: LabServer | None = None, *, viewport=(1400, 1000)):
    """A Playwright page in Debian's headless chromium (skips/fails per require_chromium)."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            page = context.new_page()
            page.console_messages = []
            page.on("console", lambda msg: page.console_messages.append(f"{msg.type}: {msg.text}"))
            yield page
        finally:
            browser.close()


def open_notebook(page, server: LabServer, path: str, *, timeout: float = 180.0) -> None:
    """Open /lab/tree/<path>, wait for the notebook and its kernel, dismiss any news toast."""
    page.goto(server.url(f"lab/tree/{path}?reset"), timeout=timeout * 1000)  # reset: no restored tabs
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout * 1000)
    wait_kernel_idle(page, timeout=timeout)
    dismiss_news(page)


def dismiss_news(page) -> bool:
    """Close the "Would you like to receive official Jupyter news?" toast if it shows up."""
    toast = page.locator(".jp-Notification-Toast, .Toastify__toast").filter(has_text="news")
    if toast.count() == 0:
        return False
    buttons = toast.first.locator("button").filter(has_text=re.compile("No|Dismiss|Close", re.I))
    if buttons.count():
        buttons.first.click()
    else:
        toast.first.locator("button").last.click()
    return True


def kernel_status(page) -> str:
    return page.evaluate("""() => {
        const panel = window.jupyterapp?.shell?.currentWidget;
        const kernel = panel?.sessionContext?.session?.kernel;
        return kernel ? kernel.status : 'none';
    }""")


def wait_kernel_idle(page, *, timeout: float = 120.0, settle: float = 0.5) -> None:
    """Kernel idle and no cell queued/running ([*]) for `settle` seconds in a row."""
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        busy = page.evaluate("""() => [...document.querySelectorAll('.jp-InputPrompt')]
                                 .some(p => p.textContent.includes('[*]'))""")
        if kernel_status(page) == "idle" and not busy:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle:
                return
        else:
            idle_since = None
        time.sleep(0.1)
    raise TimeoutError(f"kernel not idle after {timeout}s (status {kernel_status(page)!r})")


def run_all_cells(page, *, timeout: float = 300.0) -> None:
    """Run → Run All Cells through the menu bar (what a learner does), then wait for idle."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_function("""() => [...document.querySelectorAll('.jp-InputPrompt')]
                              .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))""",
                           timeout=120_000)
    wait_kernel_idle(page, timeout=timeout)


WIDGET_VIEWS = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]'


def wait_widgets_rendered(page, *, timeout: float = 120.0) -> None:
    """Every widget output of the notebook has drawn its view (they render after the kernel idles)."""
    page.wait_for_function(f"""() => [...document.querySelectorAll({WIDGET_VIEWS!r})]
                               .every((e) => e.childElementCount > 0)""", timeout=timeout * 1000)


SAVE_JS = """async () => {
    const context = window.jupyterapp.shell.currentWidget.context;
    await window.jupyterapp.commands.execute('docmanager:save');
    return {dirty: context.model.dirty, path: context.path};
}"""


def save_notebook(page) -> None:
    """Save the open notebook as File → Save does, and return once the server has it."""
    state = page.evaluate(SAVE_JS)
    assert state["dirty"] is False, f"{state['path']} still has unsaved changes after saving"


def error_outputs(page) -> list[str]:
    """Text of every stderr stream and error traceback in the open notebook."""
    return page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
                             .map(e => e.innerText.trim())""", ERROR_OUTPUT_SELECTOR)


def unexecuted_code_cells(page) -> int:
    """Non-empty code cells with no execution count (a run that stopped early leaves some)."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-CodeCell')]
        .filter(c => (c.querySelector('.jp-InputArea-editor')?.innerText || '').trim() !== '')
        .filter(c => !/\\[\\d+\\]/.test(c.querySelector('.jp-InputPrompt')?.textContent || ''))
        .length""")


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    path = SCREENSHOTS / f"{safe}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def screenshot_outputs(page, name: str) -> list[Path]:
    """One screenshot per output area that holds a widget (full-page shots of Lab clip at the viewport)."""
    paths = []
    areas = page.locator(".jp-OutputArea-output:has(.jupyter-widgets)")
    for index in range(areas.count()):
        area = areas.nth(index)
        area.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}-{index:02d}.png"
        area.screenshot(path=str(path))
        paths.append(path)
    return paths


@dataclass
class NotebookRun:
    notebook: str
    errors: list[str]
    unexecuted: int
    widget_views: int
    screenshots: list[Path] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def run_notebook_in_lab(notebook: Path | str, *, timeout: float = 600.0,
                        log_ignore: re.Pattern | None = None) -> NotebookRun:
    """Copy the notebook's folder to a temp dir (Lab autosaves), run all cells in Lab, report."""
    notebook = Path(notebook).resolve()
    with tempfile.TemporaryDirectory(prefix="lab-nb-") as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(notebook.parent, root,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        with lab_server(root) as server, browser_page(server) as page:
            open_notebook(page, server, notebook.name)
            run_all_cells(page, timeout=timeout)
            wait_widgets_rendered(page)
            run = NotebookRun(
                notebook=notebook.name, errors=error_outputs(page),
                unexecuted=unexecuted_code_cells(page),
                widget_views=page.locator(".jp-OutputArea-output:has(.jupyter-widgets)").count(),
                screenshots=[screenshot(page, f"notebook-{notebook.stem}", full_page=False),
                             *screenshot_outputs(page, f"notebook-{notebook.stem}")],
                console_errors=[m for m in page.console_messages if m.startswith("error")],
            )
        run.server_errors = server.error_lines(log_ignore)
    return run


# --- latency probes: "control changed → new pixels on screen" (widget bench and browser test) ---
# Every canvas drawImage (ipympl's and LiveFigure's), every decoded <img> and every text change
# inside a .bench-echo element is time-stamped with the next animation frame
# (the frame that shows it), and every keydown too. Output-area heights are sampled by a
# ResizeObserver so a cleared-then-refilled output (flicker) shows as a height drop.


PROBE_JS = r"""
(() => {
  if (window.__probe) return;
  const probe = window.__probe = {draws: [], imgs: [], key: null, heights: []};
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const result = draw.apply(this, args);
    const t = performance.now(), canvas = this.canvas;
    requestAnimationFrame(() => probe.draws.push({t, painted: performance.now(), canvas}));
    return result;
  };
  document.addEventListener('keydown', () => { probe.key = performance.now(); }, true);
  const watchImg = (img) => {  // Lab appends the <img> first and sets src after: wait for load
    const added = performance.now();
    const shown = () => requestAnimationFrame(() => probe.imgs.push({added, painted: performance.now(), img}));
    if (img.complete && img.naturalWidth) shown(); else img.addEventListener('load', shown, {once: true});
  };
  const sizes = new ResizeObserver((entries) => {
    for (const e of entries) probe.heights.push({t: performance.now(), el: e.target, h: e.contentRect.height});
  });
  new MutationObserver((mutations) => {
    for (const m of mutations) {  // text of a .bench-echo element (the no-plot round-trip baseline)
      const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      const echo = el && el.closest && el.closest('.bench-echo');
      if (echo) {
        const t = performance.now();
        requestAnimationFrame(() => probe.draws.push({t, painted: performance.now(), canvas: echo}));
      }
    }
    for (const m of mutations) for (const n of m.addedNodes) {
      if (n.nodeType !== 1) continue;
      if (n.tagName === 'IMG') watchImg(n); else n.querySelectorAll('img').forEach(watchImg);
      if (n.classList.contains('jp-OutputArea')) sizes.observe(n);
      n.querySelectorAll('.jp-OutputArea').forEach((a) => sizes.observe(a));
    }
  }).observe(document, {childList: true, subtree: true, characterData: true});  // documentElement may not exist yet
})();
"""

LATEST_PAINT_JS = r"""
([index, since]) => {
  const area = document.querySelectorAll(AREAS)[index];
  const probe = window.__probe;
  const draws = probe.draws.filter((d) => d.t > since && area.contains(d.canvas)).map((d) => d.painted);
  const imgs = probe.imgs.filter((d) => d.added > since && area.contains(d.img)).map((d) => d.painted);
  const all = draws.concat(imgs);
  const heights = probe.heights.filter((h) => h.t > since && area.contains(h.el)).map((h) => h.h);
  return {last: all.length ? Math.max(...all) : null, count: all.length,
          minHeight: heights.length ? Math.min(...heights) : null};
}
"""
AREAS = ".jp-OutputArea-output:has(.widget-slider)"


def install_probe(page) -> None:
    """Call before page.goto: the probe must wrap drawImage before ipympl loads."""
    page.add_init_script(PROBE_JS)


def slider_handles(page):
    return page.locator(f"{AREAS} .widget-slider .noUi-handle")


def area_height(page, index: int) -> float:
    return page.evaluate(f"(i) => document.querySelectorAll('{AREAS}')[i].getBoundingClientRect().height",
                         index)


def measure_key_latency(page, index: int, presses: int = 12, settle_ms: float = 350.0,
                        timeout_s: float = 10.0) -> dict:
    """Press ArrowRight/ArrowLeft on the first slider of output area `index`, one press at a time.

    Each sample: keydown → the animation frame that shows the last redraw of that output area.
    """
    area = page.locator(AREAS).nth(index)
    area.scroll_into_view_if_needed()
    handle = area.locator(".widget-slider .noUi-handle").first
    handle.focus()
    js = LATEST_PAINT_JS.replace("AREAS", repr(AREAS))
    # a slider that starts at its maximum (noUiSlider's aria values) moves left first: a press must change it
    at_max = handle.evaluate("(h) => Number(h.getAttribute('aria-valuenow')) >= Number(h.getAttribute('aria-valuemax'))")
    keys = ("ArrowLeft", "ArrowRight") if at_max else ("ArrowRight", "ArrowLeft")
    samples, flicker = [], 0
    for i in range(presses):
        before_height = area_height(page, index)
        handle.press(keys[i % 2])
        key = page.evaluate("window.__probe.key")
        deadline = time.monotonic() + timeout_s
        last, quiet_since = None, None
        while time.monotonic() < deadline:
            state = page.evaluate(js, [index, key])
            if state["last"] is not None and state["last"] == last:
                if quiet_since and time.monotonic() - quiet_since > settle_ms / 1000:
                    break
            else:
                last, quiet_since = state["last"], time.monotonic()
            time.sleep(0.03)
        if last is None:
            raise TimeoutError(f"output {index}: no redraw within {timeout_s}s of a key press")
        samples.append(last - key)
        if state["minHeight"] is not None and state["minHeight"] < 0.9 * before_height:
            flicker += 1
    return {"median_ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples),
            "samples_ms": [round(s, 2) for s in samples], "flicker_presses": flicker}
