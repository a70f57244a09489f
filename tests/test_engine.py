"""Fast unit tests of the engine's parts: static scan, notebook repair, input checks (the sandbox: test_sandbox.py)."""

import os

import nbformat
import pytest

from adversarial import fixture
from autograder import repair, scan
from autograder.engine import Limits, grade_submissions


@pytest.mark.parametrize("code, flagged", [
    ("import numpy as np\nnp.isclose = lambda *a: True", True),
    ("from course_lib import check\ncheck.check_x.__code__ = (lambda: 0).__code__", True),
    ("import numpy as np\nsetattr(np, 'allclose', print)", True),
    ("import ctypes", True),
    ("eval('1+1')", True),
    ("import sys\nsys.modules['numpy'] = None", True),
    ("class A(float):\n    def __eq__(self, o):\n        return True", True),
    ("!rm -rf /", True),
    ("import numpy as np\n%time np.allclose = lambda *a, **k: True", True),
    ("import numpy as np\n%timeit -n1 -r1 np.allclose = print", True),
    ("%%time\nimport numpy as np\nnp.isclose = lambda *a: True", True),
    ("%%bash\nls", True),
    ("%%time\nanswer = sum(x * x for x in range(10))", False),
    ("%timeit -n 10 -r 3 sum(range(100))", False),
    ("%matplotlib inline\nimport numpy as np\nx = np.array([1.0, 2.0])\nx[0] = 3.0", False),
    ("import matplotlib.pyplot as plt\nplt.rcParams['figure.dpi'] = 80\nanswer = 2 * 3.0", False),
    ("def f(x):\n    return x ** 2\nanswer = f(3.0)", False),
])
def test_scan_flags_tampering_and_only_tampering(code, flagged):
    assert bool(scan.scan_cell(code, scan.imported_names([code]))) is flagged


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return fixture.build_course(str(tmp_path_factory.mktemp("course")))


def _repair(course, nb):
    source = repair.read_notebook(os.path.join(course, "source", fixture.ASSIGNMENT, f"{fixture.ASSIGNMENT}.ipynb"))
    from autograder.engine_task import released_cells
    return repair.repair(nb, source, released_cells(os.path.join(course, "gradebook.db"), fixture.ASSIGNMENT),
                         fixture.ASSIGNMENT)


def test_repair_restores_stripped_metadata_and_order_keeping_learner_cells(course):
    nb = fixture.solved(course)
    extra = nbformat.v4.new_code_cell("scratch = 1")
    nb.cells.insert(4, extra)  # after answer1
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    nb.cells = nb.cells[:2] + nb.cells[9:] + nb.cells[2:9]
    fixed = _repair(course, nb)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in fixed.nb.cells]
    assert ids == ["intro", "imports", "task1", "answer1", None, "check1", "task2", "answer2", "check2",
                   "task3", "answer3", "check3"]
    assert fixed.nb.cells[4].source == "scratch = 1"
    assert fixed.nb.cells[3].source == "answer1 = 6.0"
    assert any("reordered" in r for r in fixed.reasons) and any("metadata" in r for r in fixed.reasons)


def test_a_deleted_answer_cell_comes_back_as_the_released_stub_not_the_solution(course):
    nb = fixture.solved(course)
    nb.cells.remove(fixture.answer_cell(nb, "answer2"))
    fixed = _repair(course, nb)
    restored = fixture.answer_cell(fixed.nb, "answer2").source
    assert "2 ** 0.5" not in restored and "NotImplementedError" in restored


@pytest.mark.parametrize("raw, message", [(b"", "empty"), (b"{nope", "corrupt JSON"), (b'{"cells": 3}', "not a valid")])
def test_unreadable_submissions_are_rejected_with_the_cause(tmp_path, raw, message):
    (tmp_path / "a.ipynb").write_bytes(raw)
    with pytest.raises(repair.Rejected, match=message):
        repair.load_submission(str(tmp_path), "a")


@pytest.mark.parametrize("kwargs, message", [
    ({"jobs": 0}, "jobs must be"), ({"limits": Limits(cell_timeout=-1)}, "limits.cell_timeout"),
    ({"tasks": [("a/b", "x")]}, "tasks must be"),
])
def test_bad_arguments_are_named(course, kwargs, message):
    with pytest.raises(ValueError, match=message):
        grade_submissions(course, progress=False, **kwargs)


def test_unknown_assignment_is_refused(course):
    with pytest.raises(ValueError, match="not in the gradebook"):
        grade_submissions(course, tasks=[("s", "99_missing")], progress=False)


@pytest.mark.slow
def test_real_notebook_right_untouched_wrong_and_tampered(tmp_path):
    from adversarial import real_class
    a = "01_gradient_descent"
    root = real_class.build_course(tmp_path / "course", [a])
    real_class.submit(root, "right", a, real_class.learner_notebook(root, a, lambda gid: "right"))
    real_class.submit(root, "untouched", a, real_class.learner_notebook(root, a, lambda gid: "untouched"))
    real_class.submit(root, "wrong", a, real_class.learner_notebook(root, a, lambda gid: "wrong"))
    cheat = real_class.learner_notebook(root, a, lambda gid: "wrong")
    first_answer = next(c for c in cheat.cells if c.metadata.get("nbgrader", {}).get("solution"))
    first_answer.source = "import course_lib.check.core as core\ncore.CheckFailed = Exception\n" + first_answer.source
    real_class.submit(root, "cheat", a, cheat)
    results = {r.student: r for r in grade_submissions(str(root), progress=False)}
    right, untouched, cheat = results["right"], results["untouched"], results["cheat"]
    source = repair.read_notebook(os.path.join(root, "source", a, f"{a}.ipynb"))
    written = sum(c.metadata["nbgrader"]["points"] for c in source.cells  # answers a person grades
                  if c.metadata.get("nbgrader", {}).get("grade") and c.metadata["nbgrader"].get("solution"))
    assert right.max_score > written and right.score == right.max_score - written, right.per_cell
    assert right.status == "graded", right.reasons
    graded = repair.read_notebook(os.path.join(root, "autograded", "right", a, f"{a}.ipynb"))
    errors = [(c.metadata.get("nbgrader", {}).get("grade_id"), o.get("ename"), o.get("evalue"))
              for c in graded.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors == [], f"a right answer's notebook errors under the sandbox (the feedback shows it): {errors}"
    assert untouched.score == 0 and untouched.status == "graded", untouched.reasons
    # the scan only reports (VerifyChecks re-decides the checks outside the kernel): no zeroing, a review flag
    assert cheat.score <= results["wrong"].score, (cheat.per_cell, results["wrong"].per_cell)
    assert any("modifies library code" in r for r in cheat.reasons) and cheat.needs_manual


def test_the_gradebook_a_task_carries_holds_one_assignment_and_nobody(tmp_path):
    """minimal_gradebook: no other student's id, name, e-mail or comment, no other assignment, in any page."""
    from nbgrader.api import Gradebook

    from autograder.engine_task import minimal_gradebook

    root = fixture.build_course(str(tmp_path / "course"))
    fixture.submit(root, "zz_other_learner", fixture.solved(root))
    fixture.submit(root, "yy_earlier", fixture.solved(root, assignment=fixture.OTHER))
    grade_submissions(root, progress=False, limits=Limits(cell_timeout=10, notebook_timeout=60))
    db = os.path.join(root, "gradebook.db")
    with Gradebook(f"sqlite:///{db}") as gb:
        gb.update_or_create_student("zz_other_learner", first_name="Zebulonia", last_name="Quixotely",
                                    email="zq@example.invalid")
        gb.find_comment("answer2", fixture.ASSIGNMENT, fixture.ASSIGNMENT, "zz_other_learner").manual_comment = \
            "Secretcommentaboutzebulonia"
        gb.db.commit()
    with open(db, "rb") as f:
        assert b"Secretcommentaboutzebulonia" in f.read()  # the words are in the real one
    data = minimal_gradebook(db, fixture.ASSIGNMENT)
    for secret in (b"zz_other_learner", b"yy_earlier", b"Zebulonia", b"Quixotely", b"zq@example",
                   b"Secretcommentaboutzebulonia", fixture.OTHER.encode()):
        assert secret not in data, secret
    copy = tmp_path / "copy.db"
    copy.write_bytes(data)
    with Gradebook(f"sqlite:///{copy}") as gb:
        assert [a.name for a in gb.assignments] == [fixture.ASSIGNMENT] and gb.students == []
        assert {c.name for c in gb.find_notebook(fixture.ASSIGNMENT, fixture.ASSIGNMENT).grade_cells} == \
            {"check1", "check2", "check3"}


def test_a_task_and_its_result_are_data(course):
    """GradingTask/TaskResult survive JSON and pickle unchanged (what the cluster and self-grade rely on)."""
    import pickle

    from autograder.engine import Plan
    from autograder.engine_task import GradingTask, TaskResult

    fixture.submit(course, "data_learner", fixture.solved(course))
    task = Plan(course, [("data_learner", fixture.ASSIGNMENT)], None, Limits()).task("data_learner", fixture.ASSIGNMENT)
    assert f"{fixture.ASSIGNMENT}.ipynb" in task.files and f"{fixture.ASSIGNMENT}.ipynb" in task.source_files
    assert GradingTask.from_json(task.to_json()) == task == pickle.loads(pickle.dumps(task))
    result = TaskResult("s", "a", "graded", ["r"], [{"id": "x", "auto": 1.0, "max": 2.0}], {"c": None},
                        None, {"a.ipynb": b"\x00\xff"}, [], True, True)
    assert TaskResult.from_json(result.to_json()) == result


def test_autograde_refuses_where_the_sandbox_cannot_run_unless_told_no_sandbox(tmp_path, monkeypatch, capsys):
    from autograder import cli, engine_task

    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    monkeypatch.setattr(engine_task, "sandbox_unavailable_reason", lambda: "bwrap is not installed (apt-get install bubblewrap)")
    assert cli.main(["--course", str(tmp_path), "autograde"]) == 2
    err = capsys.readouterr().err
    assert "sandbox cannot run here: bwrap is not installed" in err and "--no-sandbox" in err
    assert cli.main(["--course", str(tmp_path), "autograde", "--no-sandbox"]) == 2  # then: nothing to grade
    err = capsys.readouterr().err
    assert cli.NO_SANDBOX_WARNING in err and "no submissions to grade" in err
