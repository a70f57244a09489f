"""Broken and hostile submissions of the fixture assignment, each with its expected outcome.

Fixture points: check1 = 1, check2 = 2, check3 = 3 (max 6). A case's answers default to right.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from . import fixture

OUTSIDE_FILE = "/tmp/autograder-adversarial-written-outside.txt"


@dataclass
class Expected:
    score: float
    status: str
    reason: str | None  # a substring the report's reasons must contain


def _answers(**answers):
    return lambda root: fixture.solved(root, {k: v for k, v in answers.items()})


def _edited_test(root):
    nb = fixture.solved(root, {"answer2": "answer2 = 1.4"})
    fixture.answer_cell(nb, "check2").source = "pass"
    return nb


def _deleted_test(root):
    nb = fixture.solved(root, {"answer2": "answer2 = 1.4"})
    nb.cells.remove(fixture.answer_cell(nb, "check2"))
    return nb


def _stripped(root):
    nb = fixture.solved(root)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    return nb


def _reordered(root):
    nb = fixture.solved(root)
    head, ex1, ex2, ex3 = nb.cells[:2], nb.cells[2:5], nb.cells[5:8], nb.cells[8:]
    nb.cells = head + ex3 + ex1 + ex2
    return nb


def _other_assignment(root):
    return fixture.solved(root, assignment=fixture.OTHER)


CASES: dict[str, tuple[Callable, Expected]] = {
    "good_a": (_answers(), Expected(6, "graded", None)),
    "good_b": (_answers(), Expected(6, "graded", None)),
    "partly_wrong": (_answers(answer2="answer2 = 1.4"), Expected(4, "graded", None)),
    "infinite_loop": (_answers(answer2="while True:\n    pass"), Expected(4, "graded-with-issues", "timed out")),
    "ignores_sigint": (_answers(answer2="import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"),
                       Expected(4, "graded-with-issues", "restarted")),
    "exception": (_answers(answer2="answer2 = 1 / 0"), Expected(4, "graded-with-issues", "ZeroDivisionError")),
    "test_edited": (_edited_test, Expected(4, "graded-with-issues", "check2 were edited")),
    "test_deleted": (_deleted_test, Expected(4, "graded-with-issues", "test cell check2 was deleted")),
    "metadata_stripped": (_stripped, Expected(6, "graded-with-issues", "metadata")),
    "reordered": (_reordered, Expected(6, "graded-with-issues", "reordered")),
    # The fixture's checks are course_check's, which VerifyChecks does not re-decide (it re-decides
    # course_lib's): in the kernel these tricks work, and the scan only REPORTS them (reason +
    # needs review), it no longer zeroes scores. The real course's checks: tests/test_verify.py.
    "eq_always_true": (_answers(answer1="class Anything(float):\n    def __eq__(self, other):\n        return True\n"
                                        "answer1 = Anything(0.0)"),
                       Expected(5, "graded-with-issues", "modifies library code")),
    "patches_numpy": (_answers(answer1="import numpy as np\nnp.isclose = lambda *a, **k: True\nanswer1 = 6.0"),
                      Expected(6, "graded-with-issues", "modifies library code")),
    "patches_check": (_answers(answer2="import course_check\ncourse_check.check_exact = lambda *a: None\nanswer2 = 0.0"),
                      Expected(6, "graded-with-issues", "modifies library code")),
    "os_exit": (_answers(answer2="import os\nos._exit(1)"), Expected(4, "graded-with-issues", "kernel died")),
    "sys_exit": (_answers(answer2="import sys\nsys.exit(3)"), Expected(4, "graded-with-issues", "SystemExit")),
    "huge_output": (_answers(answer2="for _ in range(40):\n    print('x' * 100_000)\nanswer2 = 2 ** 0.5"),
                    Expected(6, "graded-with-issues", "output truncated")),
    "memory_bomb": (_answers(answer2="hog = bytearray(6 * 1024 ** 3)\nanswer2 = 2 ** 0.5"),
                    Expected(4, "graded-with-issues", "MemoryError")),
    # the sandbox's /tmp is its own tmpfs: the write succeeds there and never reaches the host's /tmp
    "writes_outside": (_answers(answer2=f"open({OUTSIDE_FILE!r}, 'w').write('x')\nanswer2 = 2 ** 0.5"),
                       Expected(6, "graded", None)),
    # the course is not in the sandbox's view at all
    "reads_gradebook": (None, Expected(4, "graded-with-issues", "FileNotFoundError")),  # built with the root's path
    "corrupt_json": (b'{"cells": [{"cell_type": ', Expected(0, "failed", "corrupt JSON")),
    "empty_file": (b"", Expected(0, "failed", "empty")),
    "wrong_name": ("homework.ipynb", Expected(0, "failed", "expected 01_fixture.ipynb, found homework.ipynb")),
    "other_assignment": (_other_assignment, Expected(0, "failed", "not the notebook of 01_fixture")),
}


def submit_all(root: str) -> dict[str, Expected]:
    """Write every case's submission under root/submitted; return student -> expected outcome."""
    expected = {}
    for student, (build, outcome) in CASES.items():
        if student == "reads_gradebook":
            code = f"data = open({root + '/gradebook.db'!r}, 'rb').read()\nanswer2 = 2 ** 0.5"
            fixture.submit(root, student, fixture.solved(root, {"answer2": code}))
        elif isinstance(build, bytes):
            fixture.submit(root, student, raw=build)
        elif isinstance(build, str):
            fixture.submit(root, student, fixture.solved(root), filename=build)
        else:
            fixture.submit(root, student, build(root))
        expected[student] = outcome
    return expected


def gradebook_snapshot(db_url: str) -> dict:
    """Every grade and comment of the gradebook, as plain values."""
    from nbgrader.api import Gradebook
    snap = {}
    with Gradebook(db_url) as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        snap[(sub.student.id, assignment.name, "grade", g.name)] = (g.auto_score, g.manual_score, g.extra_credit)
                    for c in nb.comments:
                        snap[(sub.student.id, assignment.name, "comment", c.name)] = (c.auto_comment, c.manual_comment)
    return json.loads(json.dumps({"|".join(k): v for k, v in snap.items()}))
