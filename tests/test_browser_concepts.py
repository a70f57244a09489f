"""Concept checks in a real JupyterLab: every answer of every question gives the feedback Python's
judge gives, the kernel records the last answer, the progress table counts it; and a notebook
rendered without a kernel (nbconvert HTML, in Chromium) shows each question readably."""
from __future__ import annotations

import os
from unittest import mock

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from course_lib.check import PARTS, concepts, progress
from jupyter_browser import (browser_page, error_outputs, lab_server, open_notebook, run_all_cells,
                             screenshot, wait_widgets_rendered)
from test_browser_layout import run_cell_below

pytestmark = pytest.mark.browser

QUESTIONS = [q for nb in PARTS for q in concepts.questions(nb)]


def feedback_of(page, n: int) -> str:
    return page.locator(".course-quiz").nth(n).locator(".course-quiz-feedback").inner_text()


def expected(q, answer) -> str:
    verdict = q.judge(answer)
    return ("✓ Right. " if verdict.correct else "✗ Not quite. ") + verdict.text


def answers(q):
    """Every answer worth trying: each choice, or the right number, each typical mistake, any other."""
    if q.kind == "choice":
        return list(range(len(q.choices)))
    return [repr(b.value) for b in q.mistakes] + [repr(q.answer.value * 7 + 1), concepts.show(q.answer.value, 6)]


def give(page, n: int, q, answer) -> None:
    quiz = page.locator(".course-quiz").nth(n)
    if q.kind == "choice":
        quiz.locator(".course-quiz-choice").nth(answer).click()
    else:
        quiz.locator(".course-quiz-input").fill(answer)
        quiz.locator(".course-quiz-input").press("Enter")


def test_every_answer_is_explained_and_the_last_one_counts(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from course_lib.view.quiz import concept_checks")]
    nb.cells += [nbformat.v4.new_code_cell(f"concept_checks({notebook!r})") for notebook in PARTS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "concepts.ipynb")
    with lab_server(tmp_path) as server, browser_page(server) as page:
        open_notebook(page, server, "concepts.ipynb")
        run_all_cells(page)
        wait_widgets_rendered(page)
        page.wait_for_function(f"() => document.querySelectorAll('.course-quiz').length === {len(QUESTIONS)}",
                               timeout=60_000)
        assert error_outputs(page) == []
        hidden = page.evaluate("""() => [...document.querySelectorAll('.course-quiz-static')]
                                  .map((e) => getComputedStyle(e).display)""")
        assert hidden == ["none"] * len(QUESTIONS), "the static copy shows next to the live quiz"
        finals = {}
        for n, q in enumerate(QUESTIONS):
            assert page.locator(".course-quiz").nth(n).locator(".course-quiz-prompt").inner_text() == q.prompt
            for answer in answers(q):
                give(page, n, q, answer)
                assert feedback_of(page, n).startswith(expected(q, answer)), (q.name, answer)
            if q.kind == "number":                       # refused before it reaches the kernel
                give(page, n, q, "1,5")
                assert "Type a number" in feedback_of(page, n)
            right = next(i for i, c in enumerate(q.choices) if c.correct) if q.kind == "choice" else repr(q.answer.value)
            final = right if n % 2 == 0 else answers(q)[0] if answers(q)[0] != right else answers(q)[1]
            give(page, n, q, final)
            finals[(q.notebook_id, q.exercise_id)] = q.judge(final).correct
            note = "✓ counted in your progress table" if finals[(q.notebook_id, q.exercise_id)] else "not yet right"
            page.locator(".course-quiz").nth(n).locator(".course-quiz-recorded", has_text=note).wait_for(timeout=30_000)
        screenshot(page, "concept-checks", full_page=False)
        run_cell_below(page, "from course_lib import check\n"
                             "for nb in check.PARTS:\n"
                             "    for row in check.progress(nb).rows:\n"
                             "        print('row', nb, row[0], row[2], sep='|')")
        printed = page.locator(".jp-OutputArea-output").last.inner_text().splitlines()
        rows = [line.split("|")[1:] for line in printed if line.startswith("row|")]
        statuses = {(nb, ex): status for nb, ex, status in rows}
        assert len(rows) == sum(len(progress(nb).rows) for nb in PARTS), printed[:5]
        for key, correct in finals.items():
            assert statuses[key] == ("passed" if correct else "failed"), key
        assert all(statuses[key] == "not run" for key in statuses if not key[1].startswith("concept_"))


def test_without_a_kernel_each_question_reads_in_nbconvert_html(tmp_path):
    """A live-run notebook saved and converted (no widget state): the static copy is what shows."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from course_lib.view.quiz import concept_checks\n"
                                          "concept_checks('06_batch_learning')")]
    with mock.patch.dict(os.environ):
        os.environ.pop("NBGRADER_EXECUTION", None)
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert len(nb.cells[0].outputs) == 2           # the widget view, then the static copy
    body, _ = HTMLExporter().from_notebook_node(nb)
    page_file = tmp_path / "converted.html"
    page_file.write_text(body)
    questions = concepts.questions("06_batch_learning")
    with browser_page() as page:
        page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
                   else route.continue_())          # offline, as a saved page would be
        page.goto(page_file.as_uri(), wait_until="domcontentloaded")
        static = page.locator(".course-quiz-static")
        assert static.count() == len(questions)
        for n, q in enumerate(questions):
            box = static.nth(n)
            assert box.is_visible() and q.prompt in box.inner_text()
            why = (q.choices[0].why if q.kind == "choice" else q.answer.why)
            assert not box.get_by_text(why, exact=False).is_visible()      # folded until asked for
            box.locator("summary").click()
            assert box.get_by_text(why, exact=False).is_visible()
        screenshot(page, "concept-checks-nbconvert")
