"""The catalogue of typical mistakes and correct answers (tests/catalogue/): a ✓ means full marks.

In-process: every Mistake fails the visible check of the learner notebook, under nbgrader (it
raises) and in a learner's kernel (it shows its message, the notebook runs on, progress says
"failed"), and the message names the mistake; every Correct passes both ways.
Graded: one batched engine run per notebook, every entry a student: a Mistake scores 0 on its
exercise's check cells, a Correct full marks.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from catalogue import Correct, Mistake, exercises, parts, run_visible, submission

PARTS = parts()
ENTRIES = [(p.NOTEBOOK, e) for p in PARTS for e in p.ENTRIES]
IDS = [f"{nb[:2]}-{e.exercise}-{e.name}" for nb, e in ENTRIES]
LEAKS = re.compile(r"<function [^>]*at 0x|at 0x[0-9a-f]{6,}|array\(\[|Traceback|course_lib/check")
MIN_MISTAKES, MIN_CORRECT = 5, 3


def _hint_ok(entry, text):
    return entry.hint is None or entry.hint.lower() in text.lower()


@pytest.mark.parametrize("part", PARTS, ids=[p.NOTEBOOK for p in PARTS])
def test_catalogue_covers_every_exercise(part):
    names = [(e.exercise, e.name) for e in part.ENTRIES]
    assert len(names) == len(set(names)), "entry names repeat within an exercise"
    known = exercises(part.NOTEBOOK)
    assert {e.exercise for e in part.ENTRIES} <= set(known), "an entry names no answer cell"
    for gid in known:
        mistakes = [e for e in part.ENTRIES if e.exercise == gid and isinstance(e, Mistake)]
        correct = [e for e in part.ENTRIES if e.exercise == gid and isinstance(e, Correct)]
        assert len(mistakes) >= MIN_MISTAKES, f"{gid}: {len(mistakes)} mistakes"
        assert len(correct) >= MIN_CORRECT, f"{gid}: {len(correct)} correct answers in other styles"
    mistakes = [e for e in part.ENTRIES if isinstance(e, Mistake)]
    hinted = [e for e in mistakes if e.hint]
    assert len(hinted) >= 0.9 * len(mistakes), f"only {len(hinted)} of {len(mistakes)} mistakes expect a hint"


@pytest.mark.parametrize("notebook, entry", ENTRIES, ids=IDS)
def test_visible_check_under_nbgrader(notebook, entry):
    outcome = run_visible(notebook, entry, grading=True)
    if isinstance(entry, Mistake):
        assert outcome.raised, f"the visible check passed a mistake:\n{outcome.output}"
        assert outcome.raised.startswith("CheckFailed"), outcome.raised
        assert _hint_ok(entry, outcome.raised), f"hint {entry.hint!r} not in: {outcome.raised}"
        assert not LEAKS.search(outcome.raised), outcome.raised
        assert outcome.status == "failed"
    else:
        assert outcome.raised is None, outcome.raised
        assert outcome.status == "passed"


@pytest.mark.parametrize("notebook, entry", ENTRIES, ids=IDS)
def test_visible_check_in_a_learners_kernel(notebook, entry):
    outcome = run_visible(notebook, entry, grading=False)
    assert outcome.raised is None, f"the check cell stopped Run All: {outcome.raised}"
    if isinstance(entry, Mistake):
        assert outcome.status == "failed", f"progress says {outcome.status} for a mistake:\n{outcome.output}"
        assert _hint_ok(entry, outcome.text), f"hint {entry.hint!r} not shown:\n{outcome.text}"
        assert not LEAKS.search(outcome.text), outcome.text
    else:
        assert outcome.status == "passed", outcome.text


# ---------------------------------------------------------------- graded: one engine run per notebook

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """notebook -> {student: GradeResult}, graded once per notebook on first use."""
    from adversarial import real_class
    from autograder.engine import grade_submissions

    cache = {}

    def grade(notebook):
        if notebook not in cache:
            root = real_class.build_course(tmp_path_factory.mktemp(f"catalogue{notebook[:2]}"), [notebook])
            released = nbformat.read(Path(root) / "release" / notebook / f"{notebook}.ipynb", as_version=4)
            tasks = []
            for i, (nb, entry) in enumerate(ENTRIES):
                if nb == notebook:
                    student = f"entry{i:03d}"
                    real_class.submit(root, student, notebook, submission(released, notebook, entry))
                    tasks.append((student, notebook))
            cache[notebook] = {r.student: r for r in grade_submissions(str(root), tasks=tasks, progress=False)}
        return cache[notebook]

    return grade


@pytest.mark.slow
@pytest.mark.parametrize("notebook, entry", ENTRIES, ids=IDS)
def test_graded(graded, notebook, entry):
    result = graded(notebook)[f"entry{ENTRIES.index((notebook, entry)):03d}"]
    assert result.status != "failed", result.reasons
    checks = [gid for gid, _ in exercises(notebook)[entry.exercise].checks]
    scores = {gid: result.per_cell[gid] for gid in checks}
    if isinstance(entry, Mistake):
        assert all(score == 0 for score, _ in scores.values()), f"a mistake earned points: {scores}"
    else:
        assert all(score == top for score, top in scores.values()), f"a correct answer lost points: {scores}"
