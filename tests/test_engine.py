"""Fast unit tests of the engine's parts: static scan, notebook repair, sandbox hook, input checks."""

import os

import nbformat
import pytest

from adversarial import fixture
from autograder import repair, scan
from autograder.engine import Limits, grade_submissions
from autograder.sandbox import make_audit_hook


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


def test_audit_hook_refuses_outside_writes_and_reads(tmp_path):
    hook = make_audit_hook([str(tmp_path)], ["/usr/lib"])
    hook("open", (str(tmp_path / "ok.txt"), "w", os.O_WRONLY | os.O_CREAT))
    hook("open", ("/usr/lib/os-release", "r", os.O_RDONLY))
    with pytest.raises(PermissionError, match="writing outside"):
        hook("open", ("/tmp/elsewhere.txt", "w", os.O_WRONLY | os.O_CREAT))
    with pytest.raises(PermissionError, match="reading"):
        hook("open", (str(tmp_path / ".." / "secret"), "r", os.O_RDONLY))
    with pytest.raises(PermissionError, match="subprocess"):
        hook("subprocess.Popen", ("ls", ["ls"], None, None))


def test_audit_hook_lets_a_kernel_import_the_autograder_but_not_read_its_course(tmp_path):
    """The notebooks' last cell imports autograder.selfgrade; the gradebook next to it stays closed."""
    import autograder

    package = os.path.dirname(os.path.realpath(autograder.__file__))
    hook = make_audit_hook([str(tmp_path)], ["/usr/lib"])
    hook("open", (os.path.join(package, "selfgrade.py"), "r", os.O_RDONLY))
    hook("os.listdir", (package,))
    for secret in ("course/gradebook.db", "course/source/01_gradient_descent/01_gradient_descent.ipynb"):
        with pytest.raises(PermissionError, match="reading"):
            hook("open", (os.path.join(package, secret), "r", os.O_RDONLY))
    with pytest.raises(PermissionError, match="listing"):
        hook("os.listdir", (os.path.join(package, "course"),))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return fixture.build_course(str(tmp_path_factory.mktemp("course")))


def _repair(course, nb):
    source = repair.read_notebook(os.path.join(course, "source", fixture.ASSIGNMENT, f"{fixture.ASSIGNMENT}.ipynb"))
    from autograder.engine_worker import released_cells
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
def test_real_notebook_right_untouched_and_tampered(tmp_path):
    from adversarial import real_class
    a = "01_gradient_descent"
    root = real_class.build_course(tmp_path / "course", [a])
    real_class.submit(root, "right", a, real_class.learner_notebook(root, a, lambda gid: "right"))
    real_class.submit(root, "untouched", a, real_class.learner_notebook(root, a, lambda gid: "untouched"))
    cheat = real_class.learner_notebook(root, a, lambda gid: "right")
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
    assert cheat.score == 0 and any("modifies library code" in r for r in cheat.reasons)
