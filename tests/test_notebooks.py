"""The notebooks: sources well formed, learner versions fresh and clean, solutions run, nbgrader round trip."""
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import course_dir, generate

SOLUTIONS = course_dir.SOLUTIONS_DIR
NOTEBOOKS = generate.NOTEBOOKS_DIR
AIDS = course_dir.available_assignments()
HIDDEN_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def source(aid):
    return nbformat.read(SOLUTIONS / f"{aid}.ipynb", as_version=4)


def test_there_are_notebooks_to_test():
    assert AIDS, "no solutions/*.ipynb found"
    assert set(AIDS) <= set(course_dir.ASSIGNMENTS)


@pytest.mark.parametrize("aid", AIDS)
def test_source_has_graded_exercises_and_a_written_answer(aid):
    cells = source(aid).cells
    graded_code = [c for c in cells if c.cell_type == "code" and nbgrader_meta(c).get("grade")]
    written = [c for c in cells if c.cell_type == "markdown" and nbgrader_meta(c).get("grade")
               and nbgrader_meta(c).get("solution")]
    answers = [c for c in cells if c.cell_type == "code" and nbgrader_meta(c).get("solution")]
    assert len(graded_code) >= 3 and len(answers) >= 3 and written
    for cell in graded_code:
        meta = nbgrader_meta(cell)
        assert meta["locked"] and meta["points"] >= 1 and meta["schema_version"] == 3
        assert cell.source.startswith('"""'), f"{meta['grade_id']}: a check cell starts with a one-line docstring"
        assert "### BEGIN HIDDEN TESTS" in cell.source, f"{meta['grade_id']} has no hidden tests"
    for cell in answers:
        assert "### BEGIN SOLUTION" in cell.source
        assert cell.source.lstrip().startswith("def "), "the signature stays outside the solution block"
    ids = [nbgrader_meta(c)["grade_id"] for c in cells if nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), "grade_ids must be unique"
    for cell in written:
        before = cells[cells.index(cell) - 1]
        assert before.cell_type == "markdown" and nbgrader_meta(before).get("locked"), \
            "a written answer's question sits in its own locked markdown cell before it"
    assert cells[-1].source.strip() == f'from autograder.selfgrade import selfgrade_button\nselfgrade_button("{aid}")'
    assert f'check.progress("{aid}")' in cells[-2].source


@pytest.mark.parametrize("aid", AIDS)
def test_learner_notebook_has_no_solution_hidden_test_or_output(aid):
    path = NOTEBOOKS / f"{aid}.ipynb"
    assert path.is_file(), f"{path} is missing: run python -m autograder generate"
    nb = nbformat.read(path, as_version=4)
    solutions = {nbgrader_meta(c)["grade_id"]: c.source for c in source(aid).cells if nbgrader_meta(c).get("solution")}
    for cell in nb.cells:
        for marker in HIDDEN_MARKERS:
            assert marker not in cell.source, f"{aid}: {marker} left in a learner cell"
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
        gid = nbgrader_meta(cell).get("grade_id")
        if gid in solutions:
            body = solutions[gid].split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0].strip()
            assert body not in cell.source, f"{aid}: the solution of {gid} leaked"


@pytest.mark.slow
def test_learner_notebooks_are_not_stale():
    rendered = generate.render(SOLUTIONS, AIDS)
    assert generate.stale(rendered, NOTEBOOKS) == [], "run: python -m autograder generate"


@pytest.mark.slow
@pytest.mark.parametrize("aid", AIDS)
def test_solution_notebook_executes_top_to_bottom(aid):
    nb = source(aid)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(SOLUTIONS)}}).execute()
    graded = [c for c in nb.cells if nbgrader_meta(c).get("grade") and c.cell_type == "code"]
    for cell in graded:
        printed = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
        assert printed.startswith("✓ "), f"{nbgrader_meta(cell)['grade_id']} printed no ✓ line"


def _autograded(api, aid, student):
    result = api.autograde(aid, student)
    assert result["success"], result.get("log", "") + str(result.get("error", ""))
    with api.gradebook as gb:
        notebook = gb.find_submission(aid, student).notebooks[0]
        code = [g for g in notebook.grades if g.cell.cell_type == "code"]
        return sum(g.auto_score or 0 for g in code), sum(g.max_score for g in code)


@pytest.mark.slow
def test_nbgrader_round_trip_solutions_earn_everything_untouched_nothing(tmp_path):
    course = course_dir.new_course(tmp_path / "course")
    course_dir.sync_source(course, SOLUTIONS, AIDS)
    api = course_dir.nbgrader_api(course)
    for aid in AIDS:
        assert api.generate_assignment(aid)["success"]
        for student, notebook in (("solver", SOLUTIONS / f"{aid}.ipynb"),
                                  ("untouched", course / "release" / aid / f"{aid}.ipynb")):
            dest = course / "submitted" / student / aid / f"{aid}.ipynb"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(notebook, dest)
    for aid in AIDS:
        score, max_score = _autograded(api, aid, "solver")
        assert max_score >= 3 and score == max_score, f"{aid}: solutions earned {score} of {max_score}"
        score, max_score = _autograded(api, aid, "untouched")
        assert score == 0, f"{aid}: the untouched notebook earned {score} of {max_score}"
