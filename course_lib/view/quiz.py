"""Concept checks in the notebook: the questions of ``course_lib.check.concepts`` as widgets.

Why a widget of our own and not jupyterquiz (pinned, and fine for pure self-tests): jupyterquiz
runs only in the browser, so an answer would never reach the kernel and could not count in the
notebook's progress table. Here the browser shows the feedback at once from the question's
data (no kernel round trip, and it works in a notebook whose widget state was saved), and sends
the answer to the kernel, which runs the registered check: the progress table records it.

Displayed, a set of questions publishes two outputs: the widget view, then a static HTML
version (question, choices, and every answer's explanation inside a <details>). Whatever shows
a notebook without its kernel shows the static one: nbconvert's HTML (it would pick the widget
view of an output that also carried HTML, and without saved widget state draw nothing), GitHub,
JupyterLab reopening a saved notebook. While the live quiz is on screen, a style rule in the
static output hides it (`:has`, an output area that holds a live quiz). Under nbgrader
(NBGRADER_EXECUTION) only the static version is published and nothing is recorded: feedback and
formgrader HTML show the questions, and no concept check counts as failed.
"""
from __future__ import annotations

import html
from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

from course_lib.check import concepts

from .scene import autograding


class Quiz(anywidget.AnyWidget):
    """One question. `picked` comes from the browser ({answer, n}); `recorded` is the kernel's reply."""

    _esm = Path(__file__).with_name("quiz.js")
    _css = """
.course-quiz { border: 1px solid var(--jp-border-color1, #bbb); border-radius: 6px; padding: 8px 12px;
  margin: 6px 0; max-width: 760px; font-size: var(--jp-content-font-size1, 14px); line-height: 1.4;
  color: var(--jp-content-font-color1, #111); }
.course-quiz-title { font-weight: bold; margin-bottom: 4px; }
.course-quiz-prompt { margin-bottom: 6px; }
.course-quiz-choices { display: flex; flex-direction: column; gap: 4px; }
.course-quiz-choice { display: flex; gap: 8px; align-items: baseline; text-align: left; white-space: normal;
  width: 100%; padding: 4px 8px; border: 1px solid var(--jp-border-color1, #bbb); border-radius: 4px;
  background: var(--jp-layout-color1, #fff); color: inherit; font: inherit; cursor: pointer; }
.course-quiz-choice:hover { background: var(--jp-layout-color2, #eee); }
.course-quiz-picked { border-color: #0072B2; box-shadow: inset 0 0 0 1px #0072B2; }
.course-quiz-letter { font-weight: bold; min-width: 1.2em; }
.course-quiz-number { display: flex; gap: 6px; }
.course-quiz-input { width: 12em; font: inherit; padding: 2px 6px; }
.course-quiz-check { font: inherit; padding: 2px 12px; cursor: pointer; }
.course-quiz-feedback { margin-top: 6px; }
.course-quiz-feedback:empty { display: none; }
.course-quiz-right { color: #00694d; }
.course-quiz-wrong { color: #a64500; }
.course-quiz-invalid { color: inherit; font-style: italic; }
.course-quiz-reveal { margin-top: 4px; color: var(--jp-content-font-color1, #111); }
.course-quiz-recorded { margin-top: 4px; font-size: 0.85em; color: var(--jp-content-font-color2, #555); }
"""

    spec = traitlets.Dict().tag(sync=True)
    number = traitlets.Int(1).tag(sync=True)
    picked = traitlets.Dict().tag(sync=True)
    recorded = traitlets.Dict().tag(sync=True)

    def __init__(self, question: concepts.Question, number: int):
        super().__init__(spec=question.spec(), number=number)
        self.question = question
        self.feedback: concepts.Feedback | None = None
        self.observe(self._record, "picked")

    def _record(self, change) -> None:
        if "answer" not in change["new"]:
            return
        self.feedback = concepts.answer(self.question.notebook_id, self.question.name, change["new"]["answer"])
        text = ("✓ counted in your progress table" if self.feedback.correct
                else "counted in your progress table as not yet right: try again")
        self.recorded = {"n": change["new"].get("n", 0), "text": text}

    def pick(self, answer) -> concepts.Feedback:
        """Answer as the browser does (a choice index, or the typed text of a number)."""
        self.picked = {"answer": answer, "n": self.picked.get("n", 0) + 1}
        return self.feedback


HIDE_WHEN_LIVE = "<style>.jp-OutputArea:has(.course-quiz) .course-quiz-static { display: none; }</style>"


def static_html(question: concepts.Question, number: int) -> str:
    """The question as plain HTML, every answer's explanation folded in a <details>."""
    e = html.escape
    head = (f'<p style="margin:0 0 6px"><b>Concept check {number}: {e(question.title)}</b></p>'
            f'<p style="margin:0 0 6px">{e(question.prompt)}</p>')
    if question.kind == "choice":
        body = '<ul style="margin:0 0 6px;padding-left:0;list-style:none">' + "".join(
            f"<li><b>{concepts.LETTERS[i]}</b>&nbsp; {e(c.text)}</li>" for i, c in enumerate(question.choices)) + "</ul>"
        why = "".join(f"<li><b>{concepts.LETTERS[i]}</b> {'✓ right' if c.correct else '✗ wrong'}: {e(c.why)}</li>"
                      for i, c in enumerate(question.choices))
    else:
        body = '<p style="margin:0 0 6px"><i>Answer with a number.</i></p>'
        why = (f"<li><b>{e(concepts.show(question.answer.value, 6))}</b> ✓ right: {e(question.answer.why)}</li>"
               + "".join(f"<li>{e(concepts.show(b.value, 6))} ✗ wrong: {e(b.why)}</li>"
                         for b in question.mistakes))
    return (f'<div class="course-quiz-static" style="border:1px solid #bbb;border-radius:6px;'
            f'padding:8px 12px;margin:8px 0;max-width:760px">{head}{body}'
            f"<details><summary>Answers explained</summary><ul>{why}</ul></details></div>")


class ConceptChecks:
    """A notebook's concept questions, displayed as one output."""

    def __init__(self, notebook_id: str):
        self.notebook_id = notebook_id
        self.questions = concepts.questions(notebook_id)
        self.quizzes: list[Quiz] = []
        self.widget = None
        if not autograding():
            self.quizzes = [Quiz(q, i + 1) for i, q in enumerate(self.questions)]
            self.widget = widgets.VBox(self.quizzes)

    def html(self) -> str:
        return "".join(static_html(q, i + 1) for i, q in enumerate(self.questions))

    def bundles(self) -> list[dict]:
        """The outputs a display publishes: the live widget (unless autograding), then the static HTML."""
        plain = f"<{len(self.questions)} concept checks of {self.notebook_id}>"
        shown = [{"text/html": HIDE_WHEN_LIVE + self.html(), "text/plain": plain}]
        if self.widget is not None:
            shown.insert(0, {"application/vnd.jupyter.widget-view+json": {
                "version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}, "text/plain": plain})
        return shown

    def _ipython_display_(self, **kwargs):
        from IPython.display import display

        for bundle in self.bundles():
            display(bundle, raw=True)


def concept_checks(notebook_id: str) -> ConceptChecks:
    """The notebook's concept checks: display them (the last line of a cell)."""
    return ConceptChecks(notebook_id)
