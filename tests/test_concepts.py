"""Concept checks: computed numbers, one right answer, every answer explained, counted in progress."""
import math
import os
import re
from unittest import mock

import nbformat
import pytest
from nbclient import NotebookClient
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from course_lib import chain, descent, gradient, mlp, network
from course_lib.check import CheckFailed, PARTS, concepts, core, progress
from course_lib.view.quiz import ConceptChecks, concept_checks

NOTEBOOKS = list(PARTS)
ALL = [(nb, q) for nb in NOTEBOOKS for q in concepts.questions(nb)]
CHOICE = [q for _, q in ALL if q.kind == "choice"]
NUMERIC = [q for _, q in ALL if q.kind == "number"]


def name(q):
    return f"{q.notebook_id}:{q.name}"


def test_every_notebook_has_two_to_four_questions_with_unique_names():
    assert set(concepts.BUILDERS) == set(NOTEBOOKS)
    for nb in NOTEBOOKS:
        names = [q.name for q in concepts.questions(nb)]
        assert 2 <= len(names) <= 4 and len(set(names)) == len(names)


@pytest.mark.parametrize("q", CHOICE, ids=name)
def test_a_choice_question_has_one_right_answer_and_every_choice_says_why(q):
    assert 3 <= len(q.choices) <= 5
    assert sum(c.correct for c in q.choices) == 1
    texts = [c.text for c in q.choices]
    assert len(set(texts)) == len(texts)
    for i, choice in enumerate(q.choices):
        assert len(choice.why) > 30, f"choice {choice.text!r} has no real explanation"
        assert not choice.why.lower().startswith(("right", "wrong")), "the verdict is the quiz's to say"
        assert q.judge(i) == concepts.Feedback(choice.correct, choice.why)


def test_choices_are_not_always_in_the_written_order():
    right = [[c.correct for c in q.choices].index(True) for q in CHOICE]
    assert len(set(right)) >= 3, f"the right answer sits at positions {right}"


@pytest.mark.parametrize("q", NUMERIC, ids=name)
def test_a_numeric_question_tells_right_from_each_typical_mistake(q):
    bands = [q.answer, *q.mistakes]
    for a in bands:
        assert a.low < a.value < a.high
        for b in bands:
            assert a is b or a.high < b.low or b.high < a.low, f"{a} overlaps {b}"
    right = q.judge(repr(q.answer.value))
    assert right.correct and right.text == q.answer.why
    assert q.judge(concepts.show(q.answer.value, 6)).correct        # as the feedback prints it
    assert q.judge(q.answer.value).correct
    for band in q.mistakes:
        got = q.judge(repr(band.value))
        assert not got.correct and got.text == band.why
    far = q.judge(repr(q.answer.value * 7 + 1))
    assert not far.correct and far.text == q.hint and q.hint


@pytest.mark.parametrize("typed", ["abc", "1,92", "1_0", "nan", "inf", "", "1.2.3", "--1", "0x10"])
def test_numeric_answers_that_are_not_numbers_are_refused(typed):
    q = concepts.question("01_gradient_descent", "two_steps")
    with pytest.raises(CheckFailed, match="type a number"):
        q.judge(typed)
    assert concepts.parse_number(typed) is None


def test_a_unicode_minus_and_scientific_notation_are_numbers():
    assert concepts.parse_number("\u22121.5e\u22122") == -0.015
    assert concepts.question("07_scaling_up", "vanishing").judge("5.9e-6").correct


@pytest.mark.parametrize("bad", [True, -1, 4, 1.0, "1", None])
def test_a_choice_answer_must_be_an_index(bad):
    q = concepts.question("04_forward_pass", "variables")
    with pytest.raises(CheckFailed, match="pick one of the choices A, B, C, D"):
        q.judge(bad)


def right_choice(q):
    return next(c for c in q.choices if c.correct)


def test_the_numbers_come_from_course_lib():
    """Each question's key number is what the math layer computes, at the question's own inputs."""
    left = descent.two_valley_critical_points()[0]
    assert f"x = {concepts.show(left.x)}" in right_choice(concepts.question("01_gradient_descent", "global_valley")).text
    steps = descent.gradient_descent_1d(descent.square, descent.square_prime, 3.0, 0.1, n_iter=2)
    assert concepts.question("01_gradient_descent", "two_steps").answer.value == steps[-1].new_x
    assert concepts.question("02_partial_derivatives", "partial_x2").answer.value == gradient.bowl_gradient((3.0, 2.0))[1]
    assert concepts.question("03_chain_rule", "df_dx1").answer.value == chain.decompose(1.0, 0.5).df_dx1
    five = network.Weights(*network.INITIAL_WEIGHTS.as_array()[:4], 5.0)
    assert concepts.question("04_forward_pass", "bias").answer.value == network.forward(five, 3.0, 2.0).y_pred
    bp = network.backprop(network.INITIAL_WEIGHTS, network.DATASET[0])
    assert concepts.question("05_backpropagation", "blame_w3").answer.value == bp.gradient.w3
    assert concepts.question("06_batch_learning", "minibatch_updates").answer.value == math.ceil(len(network.DATASET) / 2)
    assert concepts.question("07_scaling_up", "vanishing").answer.value == mlp.vanishing_product(0.3, 10)
    squared = concepts.question("04_forward_pass", "squared")
    shown = [float(s.replace("\u2212", "-")) for s in re.findall(r"\u2212?\d+\.\d+", squared.prompt.split("are ")[1])]
    assert abs(sum(shown)) < 0.02 and len(shown) == 3          # the raw differences really cancel
    sigmoid = right_choice(concepts.question("07_scaling_up", "sigmoid_depth")).text
    assert concepts.show(float(mlp.sigmoid_prime(0.0)) ** 20) in sigmoid


def test_answers_count_in_the_progress_table_after_the_exercises():
    nb = "03_chain_rule"
    core.reset(nb)
    rows = progress(nb).rows
    ids = [r[0] for r in rows]
    concept_ids = [q.exercise_id for q in concepts.questions(nb)]
    assert ids[-len(concept_ids):] == concept_ids and ids[:3] == ["u_v", "df_dx1", "df_dx2"]
    assert {r[2] for r in rows} == {core.NOT_RUN}
    q = concepts.question(nb, "df_dx1")
    wrong = concepts.answer(nb, "df_dx1", repr(q.mistakes[0].value))
    assert not wrong.correct
    assert {r[0]: r[2] for r in progress(nb).rows}["concept_df_dx1"] == core.FAILED
    assert q.mistakes[0].why not in str(progress(nb)) + progress(nb)._repr_html_()  # never an answer
    assert concepts.answer(nb, "df_dx1", repr(q.answer.value)).correct
    assert {r[0]: r[2] for r in progress(nb).rows}["concept_df_dx1"] == core.PASSED
    assert "concept check: " in str(progress(nb))


def test_the_widget_records_what_the_browser_sends():
    shown = concept_checks("02_partial_derivatives")
    quiz = shown.quizzes[0]
    q = quiz.question
    assert quiz.spec == q.spec() and quiz.number == 1
    feedback = quiz.pick(repr(q.answer.value))
    assert feedback.correct and quiz.recorded == {"n": 1, "text": "✓ counted in your progress table"}
    quiz.pick(repr(q.mistakes[0].value))
    assert quiz.recorded["n"] == 2 and "not yet right" in quiz.recorded["text"]
    live, static = shown.bundles()
    assert set(live) == {"application/vnd.jupyter.widget-view+json", "text/plain"}
    assert live["application/vnd.jupyter.widget-view+json"]["model_id"] == shown.widget.model_id
    assert static["text/html"].startswith("<style>") and q.title in static["text/html"]


def test_under_nbgrader_only_the_static_version_shows(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    shown = ConceptChecks("07_scaling_up")
    assert shown.widget is None and shown.quizzes == []
    [bundle] = shown.bundles()
    assert set(bundle) == {"text/html", "text/plain"}
    for q in shown.questions:
        assert q.title in bundle["text/html"]


@pytest.fixture(scope="module")
def autograded():
    """Cells run as nbgrader runs them: the kernel inherits NBGRADER_EXECUTION."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in [
        "from course_lib.view.quiz import concept_checks\nconcept_checks('04_forward_pass')",
        "from course_lib import check\nprint(check.progress('04_forward_pass'))"]]
    with mock.patch.dict(os.environ, {"NBGRADER_EXECUTION": "autograde"}):
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return nb


def test_an_autograded_notebook_shows_every_question_and_explanation_in_html(autograded):
    outputs = autograded.cells[0].outputs
    assert len(outputs) == 1 and "application/vnd.jupyter.widget-view+json" not in outputs[0]["data"]
    body, _ = HTMLExporter().from_notebook_node(autograded)
    page = BeautifulSoup(body, "html.parser")
    text = " ".join(page.get_text(" ").split())
    for q in concepts.questions("04_forward_pass"):
        for shown in (q.title, q.prompt, *(c.text for c in q.choices), *(c.why for c in q.choices)):
            assert " ".join(shown.split()) in text
        if q.kind == "number":
            assert q.answer.why in text
    details = page.find_all("details")
    assert len(details) == len(concepts.questions("04_forward_pass"))
    assert all(d.find("summary").get_text() == "Answers explained" for d in details)
    printed = autograded.cells[1].outputs[0]["text"]
    assert "(0 not yet" in printed.split("\n")[0] and "concept_bias" in printed
