"""A failing check in a real kernel: a box and Run All goes on for a learner; one compact error
(no frame, no source line of course_lib) under nbgrader's autograde and validate."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from course_lib.check import display

ANSI = re.compile(r"\x1b\[[0-9;]*m")
SETUP = '''
from course_lib.check import core

@core.exercise("kernel_nb", "update", "the update rule", steps=("compute the step lr·grad", "subtract it from x"))
def check_update(update, x, grad, lr):
    got = core.call("update", update, x, grad, lr)
    core.expect_number(f"update(x={core.fmt(x)}, grad={core.fmt(grad)}, lr={core.fmt(lr)})", got, x - lr * grad,
                       mistakes=[("is the step added instead of subtracted?", x + lr * grad, "downhill means x minus the step")])
    core.passed(f"update({core.fmt(x)}, {core.fmt(grad)}, {core.fmt(lr)}) = {core.fmt(x - lr * grad)}")
'''
CELLS = {
    "setup": SETUP,
    "wrong": "def update(x, grad, lr):\n    return x + lr * grad",
    "loop": "for x in (3.0, 2.4, 1.92):\n    check_update(update, x, 2 * x, 0.1)\nprint('the cell went on')",
    "again": "check_update(update, 3.0, 6.0, 0.1)",
    "third": "check_update(update, 3.0, 6.0, 0.1)",
    "hidden": ("### BEGIN HIDDEN TESTS\ncheck_update(update, -7.25, 4.5, 0.25)\n### END HIDDEN TESTS"),
    "error": "check_update(lambda x, grad, lr: x ^ 2, 3.0, 6.0, 0.1)",
    "after": "print('the last cell ran')",
}


def run(env: dict[str, str]):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS.values()])
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=120, startup_timeout=120, kernel_name="python3", allow_errors=True).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return dict(zip(CELLS, nb.cells))


@pytest.fixture(scope="module")
def learner():
    saved = os.environ.pop("NBGRADER_EXECUTION", None)
    try:
        return run({})
    finally:
        if saved is not None:
            os.environ["NBGRADER_EXECUTION"] = saved


@pytest.fixture(scope="module")
def graded():
    return run({"NBGRADER_EXECUTION": "autograde"})


def outputs(cell, kind):
    return [o for o in cell.outputs if o.output_type == kind]


def boxes(cell):
    return [o.data for o in outputs(cell, "display_data") if "course-check-failed" in o.data.get("text/html", "")]


def stdout(cell):
    return "".join(o.text for o in outputs(cell, "stream") if o.name == "stdout")


def test_learner_sees_one_box_per_failing_cell_and_run_all_goes_on(learner):
    assert all(outputs(cell, "error") == [] for cell in learner.values())
    loop = boxes(learner["loop"])
    assert len(loop) == 1, "a loop over three rows shows one box"
    assert "the cell went on" in stdout(learner["loop"]) and "the last cell ran" in stdout(learner["after"])
    html, text = loop[0]["text/html"], loop[0]["text/plain"]
    assert "expected" in html and "got" in html and "is the step added instead of subtracted?" in html
    assert "update(3, 6, 0.1)" in text and "2.4" in text and "3.6" in text
    for data in loop:
        for leak in ("Traceback", "course_lib", 'File "', "0x"):
            assert leak not in data["text/plain"] and leak not in data["text/html"]


def test_learner_gets_more_specific_hints_when_the_same_mistake_repeats(learner):
    headings = [[line.split()[0] for line in box["text/plain"].splitlines()[1:] if line.startswith("  ")
                 and not line.startswith("   ")] for cell in ("loop", "again", "third") for box in boxes(learner[cell])]
    assert headings == [["called", "expected", "got", "hint"],
                        ["called", "expected", "got", "hint", "more"],
                        ["called", "expected", "got", "hint", "more", "next"]]
    assert "compute the step lr·grad" in boxes(learner["third"])[0]["text/plain"]


def test_learner_sees_errors_in_their_code_explained(learner):
    [box] = boxes(learner["error"])
    assert "XOR" in box["text/plain"] and "TypeError" in box["text/plain"] and "a function" not in box["text/plain"]


def test_grading_fails_the_cell_with_one_compact_message(graded):
    for name in ("loop", "again", "third", "hidden", "error"):
        [error] = outputs(graded[name], "error")
        assert error.ename == "CheckFailed" and boxes(graded[name]) == []
        lines = [ANSI.sub("", line) for line in error.traceback]
        text = "\n".join(lines)
        for leak in ("Traceback", "course_lib", 'File "', "0x", "check_update(", "core.py"):
            assert leak not in text, (name, leak, text)
        assert all(len(line) <= display.TEXT_WIDTH for line in lines), lines
        assert "more" not in [line.split()[0] for line in lines[1:]], "grading shows the first hint level only"
    [error] = outputs(graded["loop"], "error")
    assert error.evalue == "update(x=3, grad=6, lr=0.1) should be 2.4, you got 3.6 — is the step added instead of subtracted?"
    assert "the cell went on" not in stdout(graded["loop"])


def test_a_failing_hidden_test_shows_neither_its_input_nor_its_values(graded):
    [error] = outputs(graded["hidden"], "error")
    text = error.evalue + "\n".join(error.traceback)
    assert "hidden test of update" in text and "is the step added instead of subtracted?" in text
    for secret in ("-7.25", "4.5", "0.25", "-8.375", "-6.125"):
        assert secret not in text, secret


def _validate_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(CELLS["wrong"]),
                nbformat.v4.new_code_cell('"""Check update."""\ncheck_update(update, 3.0, 6.0, 0.1)')]
    nb.cells[1].metadata["nbgrader"] = {"grade": False, "grade_id": "answer", "locked": False,
                                        "schema_version": 3, "solution": True}
    nb.cells[2].metadata["nbgrader"] = {"grade": True, "grade_id": "check", "locked": True, "points": 1,
                                        "schema_version": 3, "solution": False}
    nbformat.write(nb, path)


@pytest.mark.slow
def test_nbgrader_validate_prints_the_compact_message(tmp_path):
    _validate_notebook(tmp_path / "answer.ipynb")
    env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", "answer.ipynb"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=env)
    out = done.stdout
    assert "VALIDATION FAILED ON 1 CELL" in out, out + done.stderr
    error = out.split("The error was:", 1)[1]
    assert "✗ not right yet: the update rule" in error and "is the step added instead of subtracted?" in error
    assert "expected  2.4" in error and "got       3.6" in error
    for leak in ("Traceback", "course_lib", 'File "', "core.py", "..."):
        assert leak not in error, (leak, error)


def _feedback(graded):
    """The graded cells as nbgrader's feedback shows them: after the re-check (which strips the
    kernel's records) and the feedback's HideHiddenTests."""
    from autograder.feedback import HideHiddenTests
    from autograder.verify import VerifyChecks

    cells = [nbformat.from_dict(graded[name]) for name in ("loop", "hidden")]
    for i, cell in enumerate(cells):
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": f"check{i}", "locked": True, "points": 1,
                                     "schema_version": 3, "solution": False}
    cells[1].source = '"""Check update."""\ncheck_update(update, 3.0, 6.0, 0.1)\n' + cells[1].source
    nb, _ = VerifyChecks().preprocess(nbformat.v4.new_notebook(cells=cells), {})
    nb, _ = HideHiddenTests().preprocess(nb, {})
    return nb


def test_generated_feedback_shows_the_compact_message_of_a_failed_check(graded):
    nb = _feedback(graded)
    visible, hidden = ([o for o in c.outputs if o.output_type == "error"][0] for c in nb.cells)
    assert visible.traceback[0].startswith("\x1b[1m\x1b[31m✗ not right yet: the update rule")
    assert hidden.traceback == [f"CheckFailed: {hidden.evalue}"] and "hidden test of update" in hidden.evalue
    shown = json.dumps([visible, hidden])
    for leak in ("-7.25", "course_lib", "Traceback", 'File \\"'):
        assert leak not in shown, leak


def test_generated_feedback_holds_no_input_of_a_hidden_test_anywhere(graded):
    """Every output, not only the error (the kernel's records carry the check's arguments)."""
    shown = json.dumps(_feedback(graded))
    for secret in ("-7.25", "-6.125"):
        assert secret not in shown, secret
