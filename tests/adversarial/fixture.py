"""A small nbgrader course built the way the real notebooks are: locked task cell, answer cell,
locked graded check cell (visible checks + hidden tests). Used until, and beside, the real ones."""

from __future__ import annotations

import os
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

ASSIGNMENT = "01_fixture"
OTHER = "02_other"


def _nbg(grade_id, *, grade=False, solution=False, locked=False, points=0):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _exercise(n: int, expected: str, answer: str):
    return [
        new_markdown_cell(f"**Exercise {n}.** Set `answer{n}` to {expected}.", metadata=_nbg(f"task{n}", locked=True)),
        new_code_cell(f"### BEGIN SOLUTION\nanswer{n} = {answer}\n### END SOLUTION",
                      metadata=_nbg(f"answer{n}", solution=True)),
        new_code_cell(f"from course_check import check_exact\ncheck_exact(answer{n}, {answer})\n"
                      f"### BEGIN HIDDEN TESTS\nassert type(answer{n}) is float\n### END HIDDEN TESTS",
                      metadata=_nbg(f"check{n}", grade=True, locked=True, points=n)),
    ]


def source_notebook(title: str = "Fixture", exercises=((1, "2.0 times 3", "6.0"), (2, "the square root of 2", "2 ** 0.5"),
                                                       (3, "ten", "10.0"))):
    cells = [new_markdown_cell(f"# {title}", metadata=_nbg("intro", locked=True)),
             new_code_cell("import math", metadata=_nbg("imports", locked=True))]
    for n, expected, answer in exercises:
        cells += _exercise(n, expected, answer)
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


CHECK_MODULE = '''"""What the fixture's check cells call: types first, then plain Python comparison."""
def check_exact(answer, expected):
    if type(answer) is not float:
        raise AssertionError(f"expected a float, got {type(answer).__name__}")
    if not abs(answer - float(expected)) <= 1e-9:
        raise AssertionError(f"expected {expected}, got {answer}")
    print("\\u2713 correct")
'''


def build_course(root: str, assignments=(ASSIGNMENT, OTHER)) -> str:
    """Create source/, the gradebook and release/ for the fixture assignments under root."""
    os.makedirs(root, exist_ok=True)
    bindir = os.path.dirname(sys.executable)  # nbgrader runs `alembic` from PATH for a new gradebook
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    for assignment in assignments:
        folder = os.path.join(root, "source", assignment)
        os.makedirs(folder, exist_ok=True)
        title = "Other" if assignment == OTHER else "Fixture"
        exercises = ((1, "one", "1.0"), (2, "two", "2.0")) if assignment == OTHER else None
        nb = source_notebook(title, exercises) if exercises else source_notebook(title)
        nbformat.write(nb, os.path.join(folder, f"{assignment}.ipynb"))
        with open(os.path.join(folder, "course_check.py"), "w") as f:
            f.write(CHECK_MODULE)
    c = Config()
    c.CourseDirectory.root = root
    api = NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)
    for assignment in assignments:
        result = api.generate_assignment(assignment)
        if not result["success"]:
            raise RuntimeError(result.get("error") or result.get("log"))
    return root


def released(root: str, assignment: str = ASSIGNMENT):
    return nbformat.read(os.path.join(root, "release", assignment, f"{assignment}.ipynb"), as_version=4)


def answer_cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def solved(root: str, answers: dict[str, str] | None = None, assignment: str = ASSIGNMENT):
    """The released notebook with answer cells replaced (grade_id -> source)."""
    nb = released(root, assignment)
    defaults = {"answer1": "answer1 = 6.0", "answer2": "answer2 = 2 ** 0.5", "answer3": "answer3 = 10.0"}
    if assignment == OTHER:
        defaults = {"answer1": "answer1 = 1.0", "answer2": "answer2 = 2.0"}
    for gid, src in {**defaults, **(answers or {})}.items():
        answer_cell(nb, gid).source = src
    return nb


def submit(root: str, student: str, nb=None, *, assignment: str = ASSIGNMENT, filename: str | None = None,
           raw: bytes | None = None) -> str:
    folder = os.path.join(root, "submitted", student, assignment)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, filename or f"{assignment}.ipynb")
    if raw is not None:
        with open(path, "wb") as f:
            f.write(raw)
    else:
        nbformat.write(nb, path)
    return path
