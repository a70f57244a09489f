"""No work lost when the server goes away (a Binder session ends): the notebook is kept in the
browser, and a fresh server on a clean copy gets it back with jupyter-offlinenotebook's Restore.

One browser (its storage is per origin: the same address and port) and two JupyterLab servers
in learner mode, one after the other on the same port: a learner edits notebook 01 on the
first, the first stops and its files are gone, and on the second, started on a fresh copy of
the course, the learner restores the notebook from the browser and finds the edit. Kept by
the extension's own button, and kept with no click at all (course-keep, as the learner types);
opening and running the clean copy in the new session must not overwrite what was kept.
"""
from __future__ import annotations

import shutil

import nbformat
import pytest

from jupyter_browser import (REPO, browser_page, free_port, lab_server, open_notebook, save_notebook,
                             screenshot, wait_kernel_idle)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(2400)]  # generous: a loaded machine
NOTEBOOK = "notebooks/01_gradient_descent.ipynb"
EDIT = "# my answer, typed before the session ended\nlr_i_chose = 0.25"
ANSWER_CELL = "update"

SET_ANSWER = """(text) => {
    const cell = window.jupyterapp.shell.currentWidget.content.widgets
        .find((c) => (c.model.getMetadata('nbgrader') || {}).grade_id === %r);
    cell.model.sharedModel.setSource(text);
}""" % ANSWER_CELL
ANSWER = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .find((c) => (c.model.getMetadata('nbgrader') || {}).grade_id === %r).model.sharedModel.getSource()""" % ANSWER_CELL


def fresh_course(path):
    shutil.copytree(REPO / "notebooks", path / "notebooks")
    return path


def press(page, tooltip: str) -> None:
    """Click one of jupyter-offlinenotebook's notebook toolbar buttons (icons; named by tooltip)."""
    page.locator(f'.jp-NotebookPanel-toolbar [title="{tooltip}"]').first.click()


KEPT = """async (path) => {  // the record jupyter-offlinenotebook's Restore reads, or null
    const db = await new Promise((ok, fail) => {
        const r = indexedDB.open('jupyter-offlinenotebook'); r.onsuccess = () => ok(r.result); r.onerror = fail; });
    if (!db.objectStoreNames.contains('offlinenotebook')) { db.close(); return null; }
    const all = await new Promise((ok, fail) => {
        const r = db.transaction('offlinenotebook').objectStore('offlinenotebook').getAll();
        r.onsuccess = () => ok(r.result); r.onerror = fail; });
    db.close();
    const record = all.find((r) => r.path === path);
    return record ? record.content.cells.map((c) => c.source).join('\\n') : null;
}"""


@pytest.mark.parametrize("kept_by", ["button", "typing"])
def test_edit_survives_the_server_and_is_restored_into_a_fresh_session(tmp_path, kept_by):
    port = free_port()
    first, second = fresh_course(tmp_path / "first"), fresh_course(tmp_path / "second")
    with browser_page() as page:
        with lab_server(first, mode="learner", port=port) as server:
            open_notebook(page, server, NOTEBOOK)
            page.evaluate(SET_ANSWER, EDIT)
            if kept_by == "button":
                save_notebook(page)  # saved on this server too, which is about to disappear
                press(page, "Save to browser storage")
                saved = page.locator(".jp-Dialog", has_text="saved to browser storage")
                saved.wait_for(timeout=60_000)
                saved.locator("button").last.click()
            else:  # no click, no save: kept as it was typed
                page.wait_for_function(f"async () => ((await ({KEPT})({NOTEBOOK!r})) || '').includes({EDIT!r})",
                                       timeout=60_000, polling=500)
        shutil.rmtree(first)  # the session's files are gone with it

        with lab_server(second, mode="learner", port=port) as server:
            open_notebook(page, server, NOTEBOOK)
            assert EDIT not in page.evaluate(ANSWER), "a clean copy must not have the edit yet"
            page.evaluate("""() => { const nb = window.jupyterapp.shell.currentWidget.content;  // a code cell:
                nb.activeCellIndex = nb.widgets.findIndex((c) => c.model.type === 'code');  // its count changes
                return window.jupyterapp.commands.execute('notebook:run-cell'); }""")
            wait_kernel_idle(page)
            assert EDIT in (page.evaluate(KEPT, NOTEBOOK) or ""), "opening the clean copy overwrote the kept one"
            press(page, "Restore from browser storage")
            confirm = page.locator(".jp-Dialog", has_text="replace your current notebook")
            confirm.wait_for(timeout=60_000)
            confirm.get_by_role("button", name="OK").click()
            page.wait_for_function(f"() => ({ANSWER})().includes({EDIT!r})", timeout=60_000)
            screenshot(page, "offline-restored", full_page=False)
            save_notebook(page)
        saved_cells = nbformat.read(second / NOTEBOOK, as_version=4).cells
        assert any(EDIT in c.source for c in saved_cells), "the restored notebook was saved to the new session"
        assert server.error_lines() == []
