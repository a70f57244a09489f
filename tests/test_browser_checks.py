"""Checks as a learner meets them in JupyterLab (headless Chromium):

- Run All on every UNANSWERED learner notebook goes to the end: no error output, every cell
  executed, each exercise shows its "not written yet" box, and every figure, table and widget
  (down to the last section: progress table and self-grade button) renders.
- A wrong answer shows the compact box (called / expected / got / hint), no traceback, no
  course_lib path; running the check again with the same mistake adds the more specific hint.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from jupyter_browser import (REPO, SCREENSHOTS, browser_page, lab_server, open_notebook, run_all_cells, screenshot,
                             wait_kernel_idle)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))
# A cell that shows a figure, a table or a widget (the view layer's builders, and the last section's).
FIGURE_CALL = re.compile(r"\b(script_table|show_table|\w+_explorer|backprop_stepper|batch_comparison|"
                         r"mlp_trainer|digit_predictions|check\.progress|selfgrade_button)\(")
RENDERED = "img, canvas, table, .jupyter-widgets, .course-live-figure"
WRONG_UPDATE = "    return x + lr * grad  # a typical mistake: the step added"

CELLS_JS = """(rendered) => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.map((cell, index) => {
    const node = cell.node, out = node.querySelector('.jp-OutputArea');
    const all = (sel) => out ? [...out.querySelectorAll(sel)] : [];
    return {
      index, type: cell.model.type,
      prompt: (node.querySelector('.jp-InputPrompt') || {}).textContent || '',
      outputs: all('.jp-OutputArea-output').length,
      rendered: all(rendered).filter((e) => e.tagName !== 'IMG' || e.naturalWidth > 0)
                             .filter((e) => e.tagName !== 'CANVAS' || e.width > 0).length,
      errors: all('[data-mime-type="application/vnd.jupyter.error"], [data-mime-type="application/vnd.jupyter.stderr"]')
                .map((e) => e.innerText.trim()).filter((t) => t),
      todo: all('.course-check-todo').length, wrong: all('.course-check-wrong').length,
      rows: all('.course-check-row').map((e) => e.textContent),
      text: out ? out.textContent : '',  // not innerText: empty for a cell the browser has not painted
    };
  });
}"""


def graded_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]


def figure_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and FIGURE_CALL.search(c.source)
            and not c.metadata.get("nbgrader", {}).get("grade")]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("checks-lab")
    for path in NOTEBOOKS:
        shutil.copy(path, root / path.name)
    wrong = nbformat.read(REPO / "notebooks" / "01_gradient_descent.ipynb", as_version=4)
    answer = next(c for c in wrong.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "update")
    answer.source = answer.source.replace("    raise NotImplementedError()", WRONG_UPDATE)
    assert WRONG_UPDATE in answer.source
    nbformat.write(wrong, root / "wrong_update.ipynb")
    with lab_server(root) as server, browser_page(server) as page:
        yield server, page


def cells_after_run_all(page) -> list[dict]:
    run_all_cells(page, timeout=900)
    page.evaluate("""() => window.jupyterapp.shell.currentWidget.content.widgets.forEach(
                      (cell) => cell.node.scrollIntoView())""")  # as a learner scrolls down: off-screen cells paint
    wait_kernel_idle(page, timeout=120)
    page.wait_for_timeout(1500)
    return page.evaluate(CELLS_JS, RENDERED)


def wait_rendered(page, index: int, timeout_s: float = 60.0) -> dict:
    """Scroll cell `index` into view and wait until its output holds a rendered figure/table/widget."""
    page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].node.scrollIntoView()", index)
    try:
        page.wait_for_function(
            """([i, sel]) => {
                 const out = window.jupyterapp.shell.currentWidget.content.widgets[i].node.querySelector('.jp-OutputArea');
                 return out && [...out.querySelectorAll(sel)].some((e) =>
                   (e.tagName !== 'IMG' || e.naturalWidth > 0) && (e.tagName !== 'CANVAS' || e.width > 0));
               }""", arg=[index, RENDERED], timeout=timeout_s * 1000)
    except Exception:
        pass  # reported by the caller with the cell's state
    return page.evaluate(CELLS_JS, RENDERED)[index]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_run_all_of_an_unanswered_notebook_goes_to_the_end(lab, notebook):
    server, page = lab
    nb = nbformat.read(notebook, as_version=4)
    open_notebook(page, server, notebook.name)
    try:
        cells = cells_after_run_all(page)
        screenshot(page, f"run-all-unanswered-{notebook.stem}", full_page=False)
        errors = [(c["index"], e) for c in cells for e in c["errors"]]
        assert errors == [], errors
        unrun = [c["index"] for c in cells if c["type"] == "code" and nb.cells[c["index"]].source.strip()
                 and not re.search(r"\[\d+\]", c["prompt"])]
        assert unrun == [], f"cells never ran: {unrun}"
        graded = graded_cells(nb)
        assert [cells[i]["todo"] for i in graded] == [1] * len(graded), "one 'not written yet' box per check cell"
        assert all("course_lib" not in cells[i]["text"] and "Traceback" not in cells[i]["text"] for i in graded)
        missing = []
        for i in figure_cells(nb):
            cell = cells[i] if cells[i]["rendered"] else wait_rendered(page, i)
            if not cell["rendered"] or "Error displaying widget" in cell["text"]:
                missing.append((i, nb.cells[i].source.splitlines()[0], cell["text"][:200]))
        assert missing == [], missing
        last = figure_cells(nb)[-3:]  # the last section: its figures, the progress table, the self-grade button
        assert all(cells[i]["rendered"] for i in last)
        progress = cells[next(i for i in last if "check.progress(" in nb.cells[i].source)]["text"]
        assert f"0 of {len(graded)} exercises pass" in progress and "should be" not in progress
        (REPO / "test-artifacts").mkdir(exist_ok=True)
        (REPO / "test-artifacts" / f"run-all-{notebook.stem}.json").write_text(json.dumps(
            {"figure_cells": len(figure_cells(nb)), "rendered_elements": sum(c["rendered"] for c in cells),
             "boxes": sum(c["todo"] for c in cells)}, indent=1))
    finally:
        server.shutdown_kernels()


def run_cell(page, index: int) -> None:
    page.evaluate("""(i) => {
        const panel = window.jupyterapp.shell.currentWidget;
        panel.content.activeCellIndex = i;
        return window.jupyterapp.commands.execute('notebook:run-cell');
    }""", index)
    page.wait_for_function("""(i) => /\\[\\d+\\]/.test(window.jupyterapp.shell.currentWidget.content
                               .widgets[i].node.querySelector('.jp-InputPrompt').textContent)""", arg=index)
    wait_kernel_idle(page, timeout=120)


def test_a_wrong_answer_shows_the_compact_box_and_run_all_goes_on(lab):
    server, page = lab
    nb = nbformat.read(Path(server.root_dir) / "wrong_update.ipynb", as_version=4)
    open_notebook(page, server, "wrong_update.ipynb")
    try:
        cells = cells_after_run_all(page)
        check = next(i for i in graded_cells(nb) if "check_update" in nb.cells[i].source)
        cell = cells[check]
        assert cell["wrong"] == 1 and cell["errors"] == [], cell
        text = cell["text"]
        for word in ("called", "update(", "expected", "got", "hint"):
            assert word in text, (word, text)
        for leak in ("Traceback", "course_lib", 'File "', "site-packages", "0x", "NotImplementedError"):
            assert leak not in text, (leak, text)
        assert all(c["errors"] == [] for c in cells), "the rest of the notebook ran"
        assert cells[-1]["rendered"], "the self-grade button at the very end rendered"
        box = page.locator(".course-check-wrong").first
        box.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        box.screenshot(path=str(SCREENSHOTS / "wrong-answer-box.png"))
        run_cell(page, check)  # the same mistake again: the box grows by a more specific hint or a step
        again = page.evaluate(CELLS_JS, RENDERED)[check]
        assert again["wrong"] == 1 and len(again["rows"]) > len(cell["rows"]), (cell["rows"], again["rows"])
        assert any(row.startswith(("more", "next step")) for row in again["rows"]), again["rows"]
    finally:
        server.shutdown_kernels()
