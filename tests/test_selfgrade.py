"""Self-grade: same score as the instructor's autograde, hints without hidden test code.

The helpers at the top build courses for all grading tests (test_instructor_workflow and
test_formgrader_browser import them): the real solutions/ notebooks once they exist,
else a two-exercise fixture written the way the course's notebooks are.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder import course_dir, selfgrade

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FIXTURE_ID = "01_gradient_descent"


def _meta(grade_id, *, grade=False, solution=False, locked=False, points=0):
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id,
            "schema_version": 3}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def fixture_notebook():
    """Task → answer → graded check (visible assert, then hidden tests), twice."""
    cells = [
        new_markdown_cell("## Exercise 1\nWrite `step(x, lr)`: one gradient-descent step on x².",
                          metadata=_meta("ex1_task", locked=True)),
        new_code_cell("def step(x, lr):\n    ### BEGIN SOLUTION\n    return x - lr * 2 * x\n"
                      "    ### END SOLUTION", metadata=_meta("ex1_answer", solution=True)),
        new_code_cell('assert step(1.0, 0.1) == 0.8, "step(1, 0.1) should be 0.8: subtract lr × 2x"\n'
                      "### BEGIN HIDDEN TESTS\n"
                      "assert abs(step(3.0, 0.25) - 1.5) < 1e-12, "
                      '"step(3, 0.25) should be 1.5: the derivative of x² is 2x"\n'
                      "### END HIDDEN TESTS",
                      metadata=_meta("ex1_check", grade=True, locked=True, points=2)),
        new_markdown_cell("## Exercise 2\nSet `slope` to the derivative of x² at x = 3.",
                          metadata=_meta("ex2_task", locked=True)),
        new_code_cell("### BEGIN SOLUTION\nslope_at_three = 2 * 3.0\nslope = slope_at_three\n"
                      "### END SOLUTION", metadata=_meta("ex2_answer", solution=True)),
        new_code_cell('assert isinstance(slope, float), "slope should be a float"\n'
                      "### BEGIN HIDDEN TESTS\n"
                      'assert slope == 6.0, "slope should be 6: the derivative of x² at 3 is 2 × 3"\n'
                      "### END HIDDEN TESTS",
                      metadata=_meta("ex2_check", grade=True, locked=True, points=3)),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def course_sources(tmp: Path) -> tuple[Path, list[str]]:
    """(solutions dir, assignment ids to test): the real 01 notebook when it exists."""
    real = course_dir.SOLUTIONS_DIR / f"{FIXTURE_ID}.ipynb"
    if real.is_file():
        return course_dir.SOLUTIONS_DIR, [FIXTURE_ID]
    solutions = tmp / "solutions"
    solutions.mkdir(parents=True, exist_ok=True)
    nbformat.write(fixture_notebook(), solutions / f"{FIXTURE_ID}.ipynb")
    return solutions, [FIXTURE_ID]


def run_cli(*args, cwd=REPO, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run([PYTHON, "-m", "autograder", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=900)
    if check and proc.returncode != 0:
        raise AssertionError(f"autograder {args} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def solution_code(source_cell) -> str:
    return "\n".join(line for line in source_cell.source.split("\n")
                     if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def answer_ids(nb) -> list[str]:
    return [c.metadata.nbgrader["grade_id"] for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def learner_notebook(release_nb: Path, source_nb: Path, solved: set[str]):
    """The released notebook with the answer cells in `solved` filled in from the source."""
    nb = nbformat.read(release_nb, as_version=4)
    source = {c.metadata.nbgrader["grade_id"]: c for c in nbformat.read(source_nb, as_version=4).cells
              if c.metadata.get("nbgrader", {}).get("grade_id")}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in solved:
            cell.source = solution_code(source[gid])
    return nb


def partly_correct(release_nb: Path, source_nb: Path):
    ids = answer_ids(nbformat.read(source_nb, as_version=4))
    return learner_notebook(release_nb, source_nb, set(ids[: max(1, len(ids) // 2)]))


def marked_lines(source_nb: Path, marker: str, min_chars=10) -> list[str]:
    """Stripped lines between `### BEGIN <marker>` and `### END <marker>` in any cell."""
    lines = []
    for cell in nbformat.read(source_nb, as_version=4).cells:
        inside = False
        for line in cell.source.split("\n"):
            if f"BEGIN {marker}" in line:
                inside = True
            elif f"END {marker}" in line:
                inside = False
            elif inside and len(line.strip()) >= min_chars:
                lines.append(line.strip())
    return lines


def hidden_test_lines(source_nb: Path) -> list[str]:
    return marked_lines(source_nb, "HIDDEN TESTS")


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("selfgrade")
    solutions, aids = course_sources(tmp)
    course = course_dir.new_course(tmp / "course")
    run_cli("--course", course, "--solutions", solutions, "release", *aids, "--no-exchange")
    return tmp, course, solutions, aids[0]


# ---------------------------------------------------------------- fast, no nbgrader run

def test_assignment_of_accepts_renamed_copies(tmp_path):
    solutions, _ = course_sources(tmp_path)
    assert selfgrade.assignment_of(Path(f"{FIXTURE_ID}-Copy1.ipynb"), solutions) == FIXTURE_ID
    with pytest.raises(course_dir.CourseError, match="cannot tell which assignment"):
        selfgrade.assignment_of(Path("homework.ipynb"), solutions)


def test_failure_hints_are_messages_never_tracebacks():
    cell = nbformat.from_dict({"cell_type": "code", "source": "", "metadata": {}, "outputs": [
        {"output_type": "stream", "name": "stdout", "text": "✓ fine\n"},
        {"output_type": "error", "ename": "AssertionError", "evalue": "expected 0.8, got 1.2",
         "traceback": ["Traceback", "assert secret_line == 1"]},
        {"output_type": "error", "ename": "NameError", "evalue": "name 'step' is not defined",
         "traceback": ["x"]},
        {"output_type": "error", "ename": "AssertionError", "evalue": "", "traceback": ["y"]},
        {"output_type": "error", "ename": "CheckFailed", "evalue": "use 2x", "traceback": ["z"]},
    ]})
    assert selfgrade.failure_hints(cell) == [
        "expected 0.8, got 1.2", "NameError: name 'step' is not defined",
        "a check failed (it gave no message)", "use 2x"]


def test_report_round_trips_and_formats():
    report = selfgrade.SelfGradeReport(
        "01_gradient_descent", "x.ipynb", 2.0, 5.0, "graded", [],
        [selfgrade.Exercise("ex1_check", 2.0, 2.0), selfgrade.Exercise("ex2_check", 0.0, 3.0, ["use 2x"])])
    again = selfgrade.SelfGradeReport.from_json(report.to_json())
    assert again == report
    text = selfgrade.format_report(report)
    assert "✓ ex1_check" in text and "✗ ex2_check" in text and "hint: use 2x" in text
    assert "Total: 2 / 5" in text
    assert selfgrade.UNCONFINED_NOTE in text  # sandboxed defaults to False: never claimed without proof
    html = selfgrade.report_html(again)
    assert "<td>0 / 3</td>" in html and "use 2x" in html
    boxed = selfgrade.SelfGradeReport(**{**report.__dict__, "sandboxed": True})
    assert selfgrade.SANDBOXED_NOTE in selfgrade.format_report(boxed)


def test_default_notebook_looks_next_to_the_kernel(tmp_path):
    (tmp_path / "notebooks").mkdir()
    target = tmp_path / "notebooks" / f"{FIXTURE_ID}.ipynb"
    target.write_text("{}")
    assert selfgrade.default_notebook(FIXTURE_ID, tmp_path) == target
    assert selfgrade.default_notebook(FIXTURE_ID, tmp_path / "notebooks") == target


def test_button_reports_a_missing_notebook_instead_of_failing_silently(tmp_path):
    box = selfgrade.selfgrade_button(FIXTURE_ID, notebook=tmp_path / "absent.ipynb")
    assert "Save first" in box.children[0].children[1].value
    box.button.click()
    assert box.wait_idle(60)
    assert "Self-grade failed" in box.report.value and "absent.ipynb" in box.report.value
    assert not box.button.disabled


def test_selfgrade_cli_rejects_a_missing_notebook(tmp_path):
    proc = run_cli("selfgrade", tmp_path / "nope.ipynb", check=False)
    assert proc.returncode == 2 and "does not exist" in proc.stderr


# ---------------------------------------------------------------- slow: real nbgrader runs

@pytest.mark.slow
def test_selfgrade_score_equals_instructor_autograde(released):
    tmp, course, solutions, aid = released
    source = solutions / f"{aid}.ipynb"
    nb = partly_correct(course / "release" / aid / f"{aid}.ipynb", source)
    mine = tmp / f"{aid}.ipynb"
    nbformat.write(nb, mine)

    run_cli("--solutions", solutions, "selfgrade", mine, "--report-file", tmp / "report.json")
    report = selfgrade.SelfGradeReport.from_json((tmp / "report.json").read_text())  # data, not stdout
    assert 0 < report.score < report.max_score
    assert report.sandboxed  # this machine runs the grading sandbox

    submitted = course / "submitted" / "learner" / aid
    submitted.mkdir(parents=True)
    shutil.copy(mine, submitted / f"{aid}.ipynb")
    run_cli("--course", course, "--solutions", solutions, "autograde", "--quiet")
    from nbgrader.api import Gradebook
    course_dir.ensure_tools_on_path()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(aid, "learner")
        assert (sub.score, sub.max_score) == (report.score, report.max_score)
        instructor = {g.name: g.score for nb_ in sub.notebooks for g in nb_.grades}
    assert {e.grade_id: e.score for e in report.exercises} == {
        k: v for k, v in instructor.items() if k in {e.grade_id for e in report.exercises}}

    failed = [e for e in report.exercises if e.score < e.max_score]
    assert failed and all(e.hints for e in failed)
    assert all(e.hints == [selfgrade.MANUAL_HINT] for e in failed if e.manual)
    text = run_cli("--solutions", solutions, "selfgrade", mine).stdout
    assert "hint:" in text and selfgrade.SANDBOXED_NOTE in text
    for line in hidden_test_lines(source):
        assert line not in text, f"self-grade output shows hidden test code: {line}"


def test_button_grades_the_notebook_it_sits_in(tmp_path):
    """A learner working in a copy gets the copy graded, not the original next to it."""
    for name in ("01_gradient_descent.ipynb", "01_gradient_descent-Copy1.ipynb"):
        (tmp_path / name).write_text("{}")
    copy = tmp_path / "01_gradient_descent-Copy1.ipynb"
    found = selfgrade.default_notebook("01_gradient_descent", tmp_path, {"JPY_SESSION_NAME": str(copy)})
    assert found == copy
    assert selfgrade.default_notebook("01_gradient_descent", tmp_path, {}) == tmp_path / "01_gradient_descent.ipynb"
    gone = {"JPY_SESSION_NAME": str(tmp_path / "renamed.ipynb")}  # renamed since the kernel started
    assert selfgrade.default_notebook("01_gradient_descent", tmp_path, gone) == tmp_path / "01_gradient_descent.ipynb"
