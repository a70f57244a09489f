"""The "Grade my notebook" button in JupyterLab, clicked as an impatient learner clicks it.

Notebook 01 in a learner's JupyterLab: the button is clicked again and again (twice in a row,
and again after answering more and saving), and every click ends in a report of the notebook
as it was saved, never an empty output; while a grade runs the button says "Grading…".
"""
from __future__ import annotations

import re
import shutil

import pytest

from jupyter_browser import REPO, browser_page, lab_server, open_notebook, save_notebook, screenshot
from test_binder import FILL_ANSWERS, solution_answers

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(2400)]  # generous: a loaded machine
NOTEBOOK = "01_gradient_descent"
BUTTON_STATE = """() => {
    const button = [...document.querySelectorAll('.jupyter-widgets button')]
        .find((b) => /Grade my notebook|Grading/.test(b.textContent));
    const box = button.closest('.widget-vbox');
    const report = box.querySelector(':scope > .widget-html');
    return {label: button.textContent.trim(), disabled: button.disabled,
            report: report ? report.innerText : ''};
}"""


def report_number(text: str) -> int:
    found = re.search(r"Self-grade (\d+), finished", text)
    return int(found.group(1)) if found else 0


def scores(text: str) -> dict[str, str]:
    """Exercise → 'score / max' from the report's table."""
    return dict(re.findall(r"(check_\w+)\s+([\d.–-]+ / [\d.]+)", text))


def wait_for_report(page, after: int, timeout: float = 600) -> dict:
    """Until a finished report newer than number `after` shows and the button is free again."""
    page.wait_for_function(f"""() => {{ const s = ({BUTTON_STATE})();
        const n = /Self-grade (\\d+), finished/.exec(s.report);
        return !s.disabled && n && Number(n[1]) > {after}; }}""", timeout=timeout * 1000, polling=250)
    return page.evaluate(BUTTON_STATE)


def click_and_see_it_work(page) -> dict:
    """Click; the click shows at once (Grading… or a new report), then a finished report."""
    before = page.evaluate(BUTTON_STATE)
    page.locator(".jupyter-widgets button", has_text=re.compile("Grade my notebook")).click()
    page.wait_for_function(f"""() => {{ const s = ({BUTTON_STATE})();
        return s.label.includes('Grading') || s.report !== {before['report']!r}; }}""", timeout=60_000)
    return wait_for_report(page, after=report_number(before["report"]))


def test_every_click_gives_a_report_of_the_saved_notebook(tmp_path):
    shutil.copytree(REPO / "notebooks", tmp_path / "notebooks")
    answers = solution_answers(NOTEBOOK)
    with lab_server(tmp_path, mode="learner") as server, browser_page(server) as page:
        open_notebook(page, server, f"notebooks/{NOTEBOOK}.ipynb")
        page.evaluate("""() => { const nb = window.jupyterapp.shell.currentWidget.content;
                                 nb.activeCellIndex = nb.widgets.length - 1; }""")
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-cell')")
        page.locator(".jupyter-widgets button", has_text="Grade my notebook").wait_for(timeout=120_000)

        first = click_and_see_it_work(page)  # nothing answered yet
        assert scores(first["report"]) == {"check_update": "0 / 1", "check_descent": "0 / 2",
                                           "check_better_start": "0 / 2"}, first["report"]

        # Clicked twice in a row: the second click lands while the first grade runs.
        button = page.locator(".jupyter-widgets button", has_text=re.compile("Grad"))
        button.click()
        button.click(force=True)  # a disabled button ignores it; one the kernel saw grades again
        assert page.evaluate(BUTTON_STATE)["label"] == "Grading…" or report_number(
            page.evaluate(BUTTON_STATE)["report"]) > report_number(first["report"])
        again = wait_for_report(page, after=report_number(first["report"]))
        assert scores(again["report"]) == scores(first["report"]), again["report"]

        # Answer one exercise, save: the next report grades that version.
        page.evaluate(FILL_ANSWERS, {"update": answers["update"]})
        save_notebook(page)
        one = click_and_see_it_work(page)
        assert scores(one["report"])["check_update"] == "1 / 1", one["report"]
        assert scores(one["report"])["check_descent"] == "0 / 2", one["report"]

        # Answer the rest, save, click: full marks for every autograded exercise.
        page.evaluate(FILL_ANSWERS, answers)
        save_notebook(page)
        done = click_and_see_it_work(page)
        screenshot(page, "selfgrade-repeated-clicks", full_page=False)
        assert scores(done["report"]) == {"check_update": "1 / 1", "check_descent": "2 / 2",
                                          "check_better_start": "2 / 2"}, done["report"]
        assert "Self-grade failed" not in done["report"]
    assert server.error_lines() == []
