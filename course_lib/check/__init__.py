"""Checks for the course's exercises: one module per part, built on ``core``.

``progress(notebook_id)`` imports that notebook's check module first, so the table
lists every exercise of the notebook even before any check has run, then its concept
checks (``concepts.py``: not graded, but a learner's answers show in the table).
"""

import importlib

from course_lib.check.core import CheckFailed, Progress
from course_lib.check.core import progress as _progress
from course_lib.check.hints import Hint, Mistake

PARTS = {
    "01_gradient_descent": "part1",
    "02_partial_derivatives": "part2",
    "03_chain_rule": "part3",
    "04_forward_pass": "part4",
    "05_backpropagation": "part5",
    "06_batch_learning": "part6",
    "07_scaling_up": "part7",
}


def progress(notebook_id: str) -> Progress:
    """Which exercises of ``notebook_id`` pass, fail or have not run yet (never an answer)."""
    if notebook_id not in PARTS:
        raise ValueError(f"notebook_id must be one of {', '.join(PARTS)}, got {notebook_id!r}")
    importlib.import_module(f"course_lib.check.{PARTS[notebook_id]}")
    importlib.import_module("course_lib.check.concepts").questions(notebook_id)
    return _progress(notebook_id)


__all__ = ["CheckFailed", "Hint", "Mistake", "PARTS", "Progress", "progress"]
