"""Binder as close as this machine allows (no container engine here).

A fresh virtual environment is built only from binder/'s files, as repo2docker does
(`pip install -r binder/requirements.txt` from the repository root, then `binder/postBuild`),
JupyterLab is started from it on 127.0.0.1, and headless Chromium opens the Binder badge's
URL path. A learner must find: notebook 01 open and not marked changed, no "Jupyter news" pop-up,
learner mode (Validate but no Create Assignment, Nbgrader menu or formgrader; only the learner's
files in the file browser), Run All going to the end with a "not written yet" box per check, and, once the
exercises are answered, every cell running without errors, the widgets rendered, Validate and the
self-grade button reporting success, and no error in the server log.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_browser import (browser_page, lab_server, require_chromium, run_all_cells, save_notebook,
                             screenshot, wait_kernel_idle)

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BADGE_PATH = re.search(r"\?urlpath=(lab/tree/[^\s)\"]+)", README).group(1)
COPY_IGNORE = shutil.ignore_patterns(".venv", ".git", "test-artifacts", "__pycache__", "*.egg-info",
                                     ".pytest_cache", ".ipynb_checkpoints", "gradebook.db")

# The module fixture builds a fresh environment (minutes; many on a loaded machine), and
# pytest-timeout charges it to the first test: give the module room beyond the suite's default.
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(3600)]


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory):
    """(repository copy, venv python) after repo2docker's two steps."""
    require_chromium()
    base = tmp_path_factory.mktemp("binder")
    repo = base / "repo"
    shutil.copytree(ROOT, repo, ignore=COPY_IGNORE)
    venv_dir = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv_dir], check=True)
    python = venv_dir / "bin" / "python"
    env = dict(os.environ, PATH=f"{venv_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
               VIRTUAL_ENV=str(venv_dir), PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    install = subprocess.run([python, "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"],
                             cwd=repo, env=env, capture_output=True, text=True)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    post_build = subprocess.run(["bash", "binder/postBuild"], cwd=repo, env=env, capture_output=True, text=True)
    assert post_build.returncode == 0, post_build.stdout[-3000:] + post_build.stderr[-3000:]
    return repo, python


def test_binder_environment_has_exactly_the_pins(binder_env):
    repo, python = binder_env
    frozen = subprocess.run([python, "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    installed = {line.split("==")[0].lower().replace("_", "-"): line.split("==")[1]
                 for line in frozen.splitlines() if "==" in line}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            assert installed.get(name.lower().replace("_", "-")) == version, f"{name}: wanted {version}"
    check = subprocess.run([python, "-c", "import course_lib, autograder, ipympl; print(course_lib.__file__)"],
                           capture_output=True, text=True, check=True, cwd=python.parent)  # not the checkout
    assert str(repo) in check.stdout, "course_lib must be the repository's, installed by postBuild"


CELL_REPORT = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .filter(c => c.model.type === 'code')
    .map(c => ({id: (c.model.getMetadata('nbgrader') || {}).grade_id || null,
                count: c.model.executionCount,
                source: c.model.sharedModel.getSource(),
                errors: c.model.outputs.toJSON()
                    .filter(o => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'))
                    .map(o => o.ename ? `${o.ename}: ${o.evalue}` : o.text),
                boxes: c.model.outputs.toJSON()
                    .filter(o => (o.data || {})['text/html'] && String(o.data['text/html']).includes('course-check-failed'))
                    .map(o => o.data['text/plain'] || '')}))"""

LEARNER_STATE = """async () => {
    const panel = window.jupyterapp.shell.currentWidget;
    await panel.sessionContext.ready;
    await panel.sessionContext.session.kernel.info;  // JupyterLab writes language_info then
    await panel.sessionContext.session.kernel.spec;
    return {dirty: panel.context.model.dirty,
            menus: [...document.querySelectorAll('.lm-MenuBar-itemLabel')].map(e => e.textContent),
            createAssignment: window.jupyterapp.commands.hasCommand('nbgrader:open-create-assignment'),
            formgrader: window.jupyterapp.commands.hasCommand('nbgrader:open-formgrader')};
}"""

FILL_ANSWERS = """(answers) => {
    let filled = 0;
    for (const cell of window.jupyterapp.shell.currentWidget.content.widgets) {
        const id = (cell.model.getMetadata('nbgrader') || {}).grade_id;
        if (id in answers) { cell.model.sharedModel.setSource(answers[id]); filled++; }
    }
    return filled;
}"""


def solution_answers(stem: str) -> dict[str, str]:
    """What a learner who solved every exercise would have typed: the source's answer cells."""
    import nbformat

    answers = {}
    for cell in nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):  # code answers and the written (markdown) answer
            answers[meta["grade_id"]] = "\n".join(
                line for line in cell.source.splitlines() if "### BEGIN SOLUTION" not in line
                and "### END SOLUTION" not in line)
    return answers


def test_badge_opens_notebook_01_as_a_learner_finds_it(binder_env):
    """Badge URL → notebook 01, no news pop-up; Run All goes to the end, each check showing its box;
    with the exercises answered it runs without errors, its widgets render, and both Validate and the
    self-grade button report success."""
    repo, python = binder_env
    assert BADGE_PATH == "lab/tree/notebooks/01_gradient_descent.ipynb"
    # Only the environment's own settings (written by postBuild) may silence the news pop-up.
    with lab_server(repo, python=python, quiet=False, startup_timeout=600) as server, \
            browser_page(server) as page:
        page.goto(server.url(BADGE_PATH), timeout=90_000)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
        wait_kernel_idle(page, timeout=120)
        # The news question is asked only when this setting is unset: postBuild's overrides set it.
        notification = server.get_json("lab/api/settings/@jupyterlab/apputils-extension:notification")
        effective = {key: notification["settings"].get(key, spec.get("default"))  # overrides set defaults
                     for key, spec in notification["schema"]["properties"].items()}
        assert effective["fetchNews"] == "false" and effective["checkForUpdates"] is False, effective
        opened = page.evaluate("() => window.jupyterapp.shell.currentWidget?.context?.path")
        assert opened == "notebooks/01_gradient_descent.ipynb"
        state = page.evaluate(LEARNER_STATE)
        assert state["dirty"] is False, "only opened, notebook 01 is marked changed"
        assert "Nbgrader" not in state["menus"], state
        assert not state["createAssignment"] and not state["formgrader"], state
        listing = {item["name"] for item in server.api("contents")["content"]}
        assert listing == {"README.md", "ERRATA.md", "notebooks"}, listing

        # A fresh notebook: Run All goes to the end; each check shows its "not written yet" box.
        run_all_cells(page, timeout=600)
        cells = page.evaluate(CELL_REPORT)
        assert [c["id"] for c in cells if c["errors"]] == [], [c for c in cells if c["errors"]]
        assert all(c["count"] for c in cells), "Run All stopped before the end"
        boxed = [c["id"] for c in cells if c["boxes"]]
        assert boxed == ["check_update", "check_descent", "check_better_start"], boxed
        assert all("is not written yet" in " ".join(c["boxes"]) for c in cells if c["boxes"])

        # The learner answers every exercise, saves, and runs all again.
        answers = solution_answers("01_gradient_descent")
        assert page.evaluate(FILL_ANSWERS, answers) == len(answers)
        save_notebook(page)
        run_all_cells(page, timeout=600)
        cells = page.evaluate(CELL_REPORT)
        shot = screenshot(page, "binder-notebook-01", full_page=False)
        errors = [(c["id"], c["errors"]) for c in cells if c["errors"]]
        assert errors == [], f"error output in notebook 01 (see {shot}): {errors}"
        assert [c["source"][:40] for c in cells if c["source"].strip() and c["count"] is None] == []
        # Notebook 01's scenes are LiveFigures (anywidget): each canvas draws a frame the
        # kernel computed (data-frame is set only then), so the widget front end works here.
        live = ".course-live-figure canvas"
        assert page.locator(live).count() > 0, "no live figure rendered: is anywidget's lab extension there?"
        page.wait_for_function(f"() => [...document.querySelectorAll({live!r})].every((c) => c.dataset.frame)",
                               timeout=60_000)

        # nbgrader's Validate button (server side: nbgrader validate on the saved file).
        save_notebook(page)
        page.locator(".jp-Toolbar-item", has_text=re.compile(r"^\s*Validate\s*$")).first.click()
        dialog = page.locator(".jp-Dialog", has_text="Validation Results")
        dialog.wait_for(timeout=300_000)
        assert "Success! Your notebook passes all the tests." in dialog.inner_text(), dialog.inner_text()
        screenshot(page, "binder-validate", full_page=False)
        dialog.locator("button").last.click()

        # The self-grade button in the last cell grades the saved notebook, hidden tests included.
        button = page.locator(".jupyter-widgets button", has_text="Grade my notebook")
        button.scroll_into_view_if_needed()
        button.click()
        result = page.locator(".jp-OutputArea-output", has_text=re.compile("Total: |Self-grade failed"))
        result.first.wait_for(timeout=600_000)
        text = result.first.inner_text()
        screenshot(page, "binder-selfgrade", full_page=False)
        assert "Self-grade failed" not in text, text
        assert "were edited" not in text, "opening, answering and saving must not look like editing a locked cell"
        assert "graded by your instructor" in text, "the written answer's points must be explained"
        assert "✗" not in text.split("Total:")[0].replace("written", ""), text
    log = server.log_text()
    exchange = [line for line in log.splitlines()
                if re.search("exchange", line, re.I) and re.search("error|warn|no such", line, re.I)]
    assert exchange == [], "nbgrader complains about its exchange:\n" + "\n".join(exchange)
    errors = [line for line in server.error_lines() if line.startswith("[E ")]
    assert errors == [], "JupyterLab logged errors:\n" + "\n".join(errors)
