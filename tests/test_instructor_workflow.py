"""The instructor's workflow end to end on a temporary copy of the course:
release → import an LMS zip → autograde → feedback → export → manual grade → re-autograde."""
from __future__ import annotations

import csv
import re
import shlex
import zipfile
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from autograder import cli, course_dir, feedback, importer, selfgrade
from test_selfgrade import (course_sources, hidden_test_lines, learner_notebook, marked_lines,
                            partly_correct, run_cli)

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "INSTRUCTOR_GUIDE.md"
ALICE, BOB = "doe_jane_12345", "ann_lee_444"


def guide_commands() -> list[list[str]]:
    """Every `python -m autograder ...` line of the instructor guide's code blocks."""
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [shlex.split(line)[3:] for line in lines if line.startswith("python -m autograder")]


def test_every_guide_command_is_a_valid_command():
    commands = guide_commands()
    used = {argv[0] for argv in commands}
    assert {"release", "import", "autograde", "feedback", "export", "collect", "selfgrade"} <= used
    parser = cli.build_parser()
    for argv in commands:
        parser.parse_args(argv)  # exits (fails the test) on an unknown option


def page_text(path: Path) -> str:
    """What a reader of the feedback page sees: its text without tags, entities decoded."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text()


def _written_answer(nb, text):
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade") and cell.cell_type == "markdown":
            cell.source = text
            return meta["grade_id"]
    return None


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workflow")
    solutions, [aid] = course_sources(tmp)
    root = course_dir.new_course(tmp / "course")
    run_cli("--course", root, "--solutions", solutions, "release", aid)
    assert (root / "exchange").is_dir() and (root / "release" / aid / f"{aid}.ipynb").is_file()
    return tmp, root, solutions, aid


@pytest.mark.slow
def test_import_autograde_feedback_export_manual_grade(course):
    tmp, root, solutions, aid = course
    source = solutions / f"{aid}.ipynb"
    release = root / "release" / aid / f"{aid}.ipynb"
    alice_nb = partly_correct(release, source)
    bob_nb = learner_notebook(release, source, set())
    manual_id = _written_answer(bob_nb, "Descent follows the local slope, so the start picks the valley.")

    download = tmp / "canvas_download.zip"
    with zipfile.ZipFile(download, "w") as zf:
        zf.writestr(f"doe_jane_12345_67890_{aid}.ipynb", nbformat.writes(alice_nb))
        zf.writestr(f"Ann Lee_444_assignsubmission_file/{aid}.ipynb", nbformat.writes(bob_nb))
        zf.writestr("roe_rick_555_666_homework.ipynb", nbformat.writes(bob_nb))
        zf.writestr("roe_rick_555_667_report.pdf", b"%PDF-1.4")
    proc = run_cli("--course", root, "import", download, check=False)
    assert proc.returncode == 1, proc.stderr  # some files could not be placed: say so
    assert "roe_rick_555_666_homework.ipynb: the name contains no assignment id" in proc.stdout
    assert "roe_rick_555_667_report.pdf: not a notebook (.pdf)" in proc.stdout
    assert course_dir.submissions(root) == sorted([(ALICE, aid), (BOB, aid)])

    proc = run_cli("--course", root, "--solutions", solutions, "autograde", "--jobs", "2", "--quiet")
    assert ALICE in proc.stdout and BOB in proc.stdout

    proc = run_cli("--course", root, "feedback")
    pages = {p.parts[-3]: page_text(p) for p in root.glob("feedback/*/*/*.html")}
    assert set(pages) == {ALICE, BOB}
    solution = set(marked_lines(source, "SOLUTION"))
    hidden = hidden_test_lines(source)
    assert hidden and solution, "the source notebook has no solutions or hidden tests to look for"
    for student, page in pages.items():
        submitted = "\n".join(c.source for c in nbformat.read(
            root / "submitted" / student / aid / f"{aid}.ipynb", as_version=4).cells)
        for line in hidden:
            assert line not in page, f"feedback of {student} shows a hidden test: {line}"
        for line in solution:
            if line not in submitted:  # a learner's own correct code may match the solution
                assert line not in page, f"feedback of {student} shows a solution line: {line}"
        autograded = nbformat.read(root / "autograded" / student / aid / f"{aid}.ipynb", as_version=4)
        hints = [h for c in autograded.cells if c.metadata.get("nbgrader", {}).get("grade")
                 for h in selfgrade.failure_hints(c)]
        assert hints and all(h.split(": ", 1)[-1] in page for h in hints), "a hint is missing"

    grades = tmp / "grades.csv"
    run_cli("--course", root, "export", "--output", grades)
    rows = {r["student_id"]: r for r in csv.DictReader(grades.open(encoding="utf-8"))}
    assert 0 < float(rows[ALICE]["score"]) < float(rows[ALICE]["max_score"])
    if manual_id:
        assert rows[BOB]["needs_review"] == "yes"
        assert f"manual grading: {aid}/{manual_id}" in rows[BOB]["review_reasons"]

        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            grade = gb.find_grade(manual_id, aid, aid, BOB)
            grade.manual_score = 1.5
            grade.needs_manual_grade = False  # what formgrader's save does (apihandlers.py)
            gb.find_comment(manual_id, aid, aid, BOB).manual_comment = "Right idea."
            gb.db.commit()
        run_cli("--course", root, "export", "--output", grades)
        rows = {r["student_id"]: r for r in csv.DictReader(grades.open(encoding="utf-8"))}
        assert "manual" not in rows[BOB]["review_reasons"]
        run_cli("--course", root, "--solutions", solutions, "autograde", "--quiet")
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            assert gb.find_grade(manual_id, aid, aid, BOB).manual_score == 1.5
            assert gb.find_comment(manual_id, aid, aid, BOB).manual_comment == "Right idea."
        run_cli("--course", root, "export", "--output", grades)
        rows = {r["student_id"]: r for r in csv.DictReader(grades.open(encoding="utf-8"))}
        assert float(rows[BOB]["score"]) >= 1.5
        assert f"manual grading: {aid}/{manual_id}" not in rows[BOB]["review_reasons"]
        assert f"manual grade to confirm after re-autograde: {aid}/{manual_id}" in rows[BOB]["review_reasons"]


# ---------------------------------------------------------------- fast: naming and feedback filters

AIDS = list(course_dir.ASSIGNMENTS)


@pytest.mark.parametrize("path, student, aid", [
    ("doe_jane_12345_67890_01_gradient_descent.ipynb", "doe_jane_12345", "01_gradient_descent"),
    ("doejane_late_12345_67890_03_chain_rule-1.ipynb", "doejane_12345", "03_chain_rule"),
    ("Jane Doe_12345_assignsubmission_file_/02_partial_derivatives.ipynb", "jane_doe_12345",
     "02_partial_derivatives"),
    ("Jane Doe_12345_assignsubmission_file_07_scaling_up.ipynb", "jane_doe_12345", "07_scaling_up"),
    ("class/Jane/05_backpropagation.ipynb", "jane", "05_backpropagation"),
    ("jane/04_forward_pass/04_forward_pass.ipynb", "jane", "04_forward_pass"),
])
def test_lms_names_are_placed(path, student, aid):
    placed = importer.classify(path, AIDS)
    assert isinstance(placed, importer.Placed), placed
    assert (placed.student, placed.assignment) == (student, aid)


@pytest.mark.parametrize("path, assignment, reason", [
    ("doe_jane_1_2_notes.pdf", None, "not a notebook (.pdf)"),
    ("doe_jane_1_2_homework.ipynb", None, "contains no assignment id"),
    ("01_gradient_descent.ipynb", None, "cannot tell whose notebook"),
    ("doe_jane_1_2_03_chain_rule.ipynb", "01_gradient_descent", "named for 03_chain_rule"),
    ("jane/.ipynb_checkpoints/01_gradient_descent-checkpoint.ipynb", None, "checkpoint"),
])
def test_unplaceable_files_get_a_reason(path, assignment, reason):
    rejected = importer.classify(path, AIDS, assignment)
    assert isinstance(rejected, importer.Rejected) and reason in rejected.reason


def test_assignment_option_places_a_renamed_file():
    placed = importer.classify("doe_jane_1_2_homework.ipynb", AIDS, "01_gradient_descent")
    assert placed.assignment == "01_gradient_descent" and "--assignment" in placed.note


def test_feedback_filter_hides_hidden_tests_even_from_hostile_outputs():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    secret = 'check_descent(gradient_descent, descent.square_prime, -2.0, 0.3, 15)'
    check = new_code_cell(f"check(x)\n### BEGIN HIDDEN TESTS\n{secret}\n### END HIDDEN TESTS",
                          metadata={"nbgrader": {"grade": True, "grade_id": "c", "points": 1,
                                                 "locked": True, "solution": False}})
    check.outputs = [
        new_output("stream", name="stdout", text=f"leaked: {secret}\n"),
        new_output("error", ename="CheckFailed", evalue="expected 2.4, got 3.6: subtract, don't add",
                   traceback=["Traceback", f"----> 3 {secret}"]),
    ]
    answer = new_code_cell("x = 1  # ### BEGIN HIDDEN TESTS typed by a learner",
                           metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "a"}})
    nb, _ = feedback.HideHiddenTests().preprocess(new_notebook(cells=[answer, check]), {})
    text = nbformat.writes(nb)
    assert secret not in text and "HIDDEN TESTS" not in nb.cells[1].source
    assert nb.cells[1].outputs[1].traceback == ["CheckFailed: expected 2.4, got 3.6: subtract, don't add"]
    assert feedback.REDACTED in nb.cells[1].outputs[0].text
