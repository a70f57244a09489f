"""The catalogue: typical mistakes and correct answers in other styles, per exercise, as data.

Each `tests/catalogue/partN.py` defines

    NOTEBOOK = "0N_name"            # the assignment id
    ENTRIES = [Mistake(...), Correct(...), ...]

`exercise` is the grade_id of the answer (solution) cell; `code` replaces that cell's whole
source, written as a learner would write it (the `def` line included). A Mistake's `hint` is a
case-insensitive substring the failure message must contain (None: no specific hint expected;
at most 10% of a part's mistakes). tests/test_catalogue.py runs every entry against the visible
check cells of the learner notebook (in-process) and grades every entry with the engine.

Helpers for writing entries: `code(text)` (dedented), `answer(signature)(body)`, `solution(notebook, exercise)` (the
reference answer), `variant(notebook, exercise, old, new)` (the reference with one edit).
Helpers for running them: `exercises(notebook)`, `run_visible(notebook, entry, grading=...)`,
`submission(release_nb, notebook, entry)`.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat

from course_lib.check import core  # imported before any test sets NBGRADER_EXECUTION

REPO = Path(__file__).resolve().parents[2]
SOLUTIONS = REPO / "solutions"
NOTEBOOKS = REPO / "notebooks"
PARTS = ("part1", "part2", "part3", "part4", "part5", "part6", "part7")
_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[^\n]*\n?", re.M)
_MAGIC = re.compile(r"^[ \t]*[%!].*$", re.M)


@dataclass(frozen=True)
class Mistake:
    exercise: str
    name: str
    code: str
    hint: str | None


@dataclass(frozen=True)
class Correct:
    exercise: str
    name: str
    code: str


def code(text: str) -> str:
    """An answer cell's source from an indented triple-quoted string."""
    return textwrap.dedent(text).strip("\n") + "\n"


def answer(signature: str):
    """A writer of answer cells for one function: answer("update(x, grad, lr)")("    return x\n")."""
    return lambda body: code(f"def {signature}:\n" + body)


def parts() -> list:
    """The catalogue modules that exist (parts 4–7 may be written later)."""
    found = []
    for name in PARTS:
        try:
            found.append(importlib.import_module(f"catalogue.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"catalogue.{name}":
                raise
    return found


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


@lru_cache(maxsize=None)
def _read(path: Path):
    return nbformat.read(path, as_version=4)


def solution(notebook: str, exercise: str) -> str:
    """The reference answer of an exercise (solution markers removed)."""
    for cell in _read(SOLUTIONS / f"{notebook}.ipynb").cells:
        if _meta(cell).get("grade_id") == exercise and _meta(cell).get("solution"):
            return _MARKER.sub("", cell.source)
    raise KeyError(f"{notebook} has no answer cell {exercise!r}")


def variant(notebook: str, exercise: str, old: str, new: str) -> str:
    """The reference answer with `old` (which must occur exactly once) replaced by `new`."""
    reference = solution(notebook, exercise)
    if reference.count(old) != 1:
        raise ValueError(f"{notebook}/{exercise}: {old!r} occurs {reference.count(old)} times in the solution")
    return reference.replace(old, new)


@dataclass(frozen=True)
class Exercise:
    """An answer cell of the learner notebook and the graded check cells that follow it."""

    notebook: str
    grade_id: str
    index: int  # position of the answer cell among the notebook's answer cells
    checks: tuple[tuple[str, str], ...]  # (grade_id, learner source) of each check cell
    points: float


@lru_cache(maxsize=None)
def exercises(notebook: str) -> dict[str, Exercise]:
    """The learner notebook's code exercises, in order, keyed by the answer cell's grade_id."""
    cells = _read(NOTEBOOKS / f"{notebook}.ipynb").cells
    found, current, checks = {}, None, []

    def close():
        if current is not None:
            found[current] = Exercise(notebook, current, len(found), tuple(c for c, _ in checks),
                                      sum(p for _, p in checks))

    for cell in cells:
        meta = _meta(cell)
        if cell.cell_type != "code":
            continue
        if meta.get("solution") and not meta.get("grade"):
            close()
            current, checks = meta["grade_id"], []
        elif meta.get("grade") and current is not None:
            checks.append(((meta["grade_id"], cell.source), float(meta.get("points", 0))))
    close()
    return found


@lru_cache(maxsize=None)
def setup_code(notebook: str) -> str:
    """The notebook's first code cell (its imports), IPython magics removed."""
    first = next(c for c in _read(NOTEBOOKS / f"{notebook}.ipynb").cells if c.cell_type == "code")
    return _MAGIC.sub("", first.source)


@dataclass(frozen=True)
class Outcome:
    raised: str | None  # "ExceptionType: message" if a check cell raised, else None
    status: str  # the exercise's progress status after its check cells ran
    message: str  # the progress record's last message
    output: str  # what the check cells printed and displayed (text/plain)

    @property
    def text(self) -> str:
        """Everything the learner is shown about this run."""
        return "\n".join(t for t in (self.raised, self.message, self.output) if t)


@contextlib.contextmanager
def _environment(grading: bool):
    saved = os.environ.get("NBGRADER_EXECUTION")
    if grading:
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    else:
        os.environ.pop("NBGRADER_EXECUTION", None)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = saved


def answers_for(notebook: str, entry) -> dict[str, str]:
    """Answer cell source per grade_id: the entry's code for its exercise, the solution for the others."""
    return {gid: entry.code if gid == entry.exercise else solution(notebook, gid) for gid in exercises(notebook)}


@contextlib.contextmanager
def _shell():
    """A fresh in-process IPython shell, removed afterwards (so other tests see plain Python)."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    try:
        yield InteractiveShell.instance(config=config)
    finally:
        InteractiveShell.clear_instance()


def run_visible(notebook: str, entry, *, grading: bool) -> Outcome:
    """Run the setup cell, the answers up to the entry's exercise, then that exercise's visible checks,
    each as a cell of an in-process IPython shell.

    grading=True sets NBGRADER_EXECUTION (a failing check raises); grading=False is a learner's
    kernel (a failing check displays its message and the notebook runs on).
    """
    ex = exercises(notebook)[entry.exercise]
    out = io.StringIO()
    raised = None
    with _environment(grading), contextlib.redirect_stdout(out), _shell() as shell:
        for name, source in [("setup", setup_code(notebook))] + list(answers_for(notebook, entry).items()):
            result = shell.run_cell(source, store_history=False, silent=True)
            if not result.success:
                raise RuntimeError(f"{notebook} {name} cell failed: {result.error_before_exec or result.error_in_exec!r}")
            if name == entry.exercise:
                break
        core.reset(notebook)
        for gid, source in ex.checks:
            result = shell.run_cell(source, store_history=False)
            error = result.error_before_exec or result.error_in_exec
            if error is not None:  # what stops a learner's Run All
                raised = f"{type(error).__name__}: {error}"
                break
    records = {r.exercise_id: r for r in core.exercises(notebook)}
    record = records.get(entry.exercise)
    status = record.status if record else "unregistered"
    return Outcome(raised, status, record.message if record else "", out.getvalue())


def submission(release_nb, notebook: str, entry):
    """The released notebook with every answer cell answered: the entry's code for its exercise."""
    nb = nbformat.from_dict(release_nb)
    chosen = answers_for(notebook, entry)
    for cell in nb.cells:
        gid = _meta(cell).get("grade_id")
        if gid in chosen and _meta(cell).get("solution"):
            cell.source = chosen[gid]
    return nb
