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

from autograder import cli, course_dir, selfgrade
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
