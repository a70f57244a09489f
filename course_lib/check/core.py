"""The check core: how a learner's answer is compared and what they are told.

Every exercise's check function is built from these pieces:

- ``CheckFailed(AssertionError)``: raised with a message saying what was expected,
  what was got and (when recognised) the likely mistake.
- ``expect_number(label, got, expected, *, tol=1e-6, mistakes=(), hint=None) -> float``:
  type first (int, float, a numpy integer/float scalar or a 0-d numpy array; never
  bool), then finite, then value. ``mistakes`` is a sequence of ``(hint, wrong_value)``:
  when ``got`` is close to a wrong value, the message names that hint.
  Message: "iteration 1: x should be 1.92, you got 3.48 — is the step added instead of
  subtracted?".
- ``expect_array(label, got, expected, *, tol=1e-6, mistakes=(), hint=None,
  shape_hint=None) -> list``: a list/tuple/numpy array whose shape matches
  ``expected`` (any nesting: a vector, a trace of points), every entry a number as
  above, then values; ``mistakes`` hold wrong arrays. Returns nested lists of floats.
  ``expect_vector`` is the same function under the name used for 1-D answers.
- ``expect_trace(label, got, expected, *, entry=None, tol, mistakes, hint, shape_hint)``:
  a list of numbers or vectors checked entry by entry; ``entry(i)`` names entry i in the
  message ("x after iteration 3 should be …"); ``mistakes`` hold whole wrong traces.
- ``expect_sequence(label, got, *, length=None, shape_hint=None) -> list``: a list,
  tuple or numpy array of the given length; returns a plain list of its items.
- ``expect_choice(label, got, expected, choices, *, mistakes=()) -> str``: a str
  among ``choices``; ``mistakes`` maps a wrong choice to its hint.
- ``expect_callable(label, got)`` and ``call(label, func, *args, **kwargs)``: calls a
  learner's function and turns "not implemented yet" or a crash into a CheckFailed
  naming the function and the exception.
- ``close(a, b, tol)``: plain-Python tolerance test (absolute for |b| ≤ 1, relative above).
- ``passed(message)``: prints ``✓ message``.
- ``exercise(notebook_id, exercise_id, title)``: decorator for a check function. It
  registers the exercise when the module is imported (status "not run") and records
  "passed"/"failed" (with the failure message) each time the check runs.
- ``progress(notebook_id) -> Progress``: the notebook's exercises in definition order
  with their status; displays as an HTML table in a notebook, text otherwise.

Floats are compared in plain Python with builtins captured when this module is
imported, so a submission that monkeypatches numpy or builtins cannot make a wrong
answer pass; exact types are checked, so an object whose ``__eq__`` always returns
True earns nothing.
"""

from __future__ import annotations

import builtins
import functools
import html
import math
from dataclasses import dataclass

import numpy as np

# Captured once: later reassignment of builtins or math by a submission has no effect here.
_abs, _float, _len, _type, _print = builtins.abs, builtins.float, builtins.len, builtins.type, builtins.print
_isfinite = math.isfinite
_ndarray = np.ndarray
_NUMPY_SCALARS = frozenset(
    {np.float16, np.float32, np.float64, np.longdouble,
     np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64}
)
_REAL_KINDS = frozenset("iuf")


class CheckFailed(AssertionError):
    """A learner's answer is not right yet; the message says why and what to look at."""


def fmt(x) -> str:
    """Short, readable form of a number or nested list of numbers for messages."""
    if _type(x) in (list, tuple):
        return "[" + ", ".join(fmt(v) for v in x) + "]"
    if _type(x) in _NUMPY_SCALARS:
        x = _float(x) if x.dtype.kind == "f" else int(x)
    if _type(x) is float:
        if x == 0:
            return "0"
        return format(x, ".6g")
    return repr(x)


def _describe(got) -> str:
    text = repr(got)
    if _len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (type {_type(got).__name__})"


def _fail(label, expected_text, got_text, hint=None):
    message = f"{label} should be {expected_text}, you got {got_text}"
    if hint:
        message += f" — {hint}"
    raise CheckFailed(message)


def as_number(label, got) -> float:
    """The answer as a float, or CheckFailed when it is not a finite real number."""
    t = _type(got)
    if t is int or t is float or t in _NUMPY_SCALARS:
        value = _float(got)
    elif t is _ndarray and got.ndim == 0 and got.dtype.kind in _REAL_KINDS:
        value = _float(got.item())
    else:
        raise CheckFailed(f"{label} should be a number (int or float), you got {_describe(got)}")
    if not _isfinite(value):
        raise CheckFailed(
            f"{label} should be a finite number, you got {fmt(value)} — "
            "did the values blow up (learning rate too large, or the step added instead of subtracted)?"
        )
    return value


def close(a: float, b: float, tol: float = 1e-6) -> bool:
    """Plain-Python closeness: |a − b| ≤ tol·max(1, |b|); never close to a non-finite b."""
    if not (_isfinite(a) and _isfinite(b)):
        return False
    scale = _abs(b)
    if scale < 1.0:
        scale = 1.0
    return _abs(a - b) <= tol * scale


def _to_floats(x):
    if _type(x) is _ndarray:
        x = _ndarray.tolist(x)
    if _type(x) in (list, tuple):
        return [_to_floats(v) for v in x]
    return _float(x)


def _flat(x):
    if _type(x) is list:
        out = []
        for v in x:
            out.extend(_flat(v))
        return out
    return [x]


def _shape(expected):
    if _type(expected) is list:
        return (_len(expected),) + (_shape(expected[0]) if expected else ())
    return ()


def _all_close(a, b, tol):
    fa, fb = _flat(a), _flat(b)
    return _len(fa) == _len(fb) and all(close(x, y, tol) for x, y in zip(fa, fb))


def _matching_hint(got, mistakes, tol, equal):
    for hint, wrong in mistakes:
        if wrong is not None and equal(got, wrong, tol):
            return hint
    return None


def expect_number(label, got, expected, *, tol=1e-6, mistakes=(), hint=None) -> float:
    """Check a number: type, finite, then value (see the module docstring)."""
    value = as_number(label, got)
    expected = _float(expected)
    if not close(value, expected, tol):
        wrong = [(h, None if w is None else _float(w)) for h, w in mistakes]
        _fail(label, fmt(expected), fmt(value), _matching_hint(value, wrong, tol, close) or hint)
    return value


def _as_nested(label, got, shape, shape_hint):
    if not shape:
        return as_number(label, got)
    t = _type(got)
    if t is _ndarray:
        if got.dtype.kind not in _REAL_KINDS:
            raise CheckFailed(f"{label} should hold numbers, you got an array of dtype {got.dtype}")
        got = _ndarray.tolist(got)
    elif t is not list and t is not tuple:
        raise CheckFailed(f"{label} should be a list, tuple or numpy array, you got {_describe(got)}")
    if _len(got) != shape[0]:
        message = f"{label} should have {shape[0]} entries, you got {_len(got)}"
        if shape_hint:
            message += f" — {shape_hint}"
        raise CheckFailed(message)
    return [_as_nested(f"{label}[{i}]", v, shape[1:], shape_hint) for i, v in enumerate(got)]


def expect_array(label, got, expected, *, tol=1e-6, mistakes=(), hint=None, shape_hint=None) -> list:
    """Check a vector or nested array: type, shape, every entry a finite number, then values."""
    expected = _to_floats(expected)
    values = _as_nested(label, got, _shape(expected), shape_hint)
    if not _all_close(values, expected, tol):
        wrong = [(h, None if w is None else _to_floats(w)) for h, w in mistakes]
        _fail(label, fmt(expected), fmt(values), _matching_hint(values, wrong, tol, _all_close) or hint)
    return values


expect_vector = expect_array


def expect_sequence(label, got, *, length=None, shape_hint=None) -> list:
    """Check a list/tuple/array (and its length when given); return its items as a list."""
    t = _type(got)
    if t is _ndarray:
        items = [got[i] for i in range(_len(got))] if got.ndim else None
    elif t is list or t is tuple:
        items = list(got)
    else:
        items = None
    if items is None:
        raise CheckFailed(f"{label} should be a list, tuple or numpy array, you got {_describe(got)}")
    if length is not None and _len(items) != length:
        message = f"{label} should have {length} entries, you got {_len(items)}"
        if shape_hint:
            message += f" — {shape_hint}"
        raise CheckFailed(message)
    return items


def after_iterations(what: str, start: str | None = None):
    """Entry labels for a trace that begins with its start: "the first entry (the start x0)",
    "x after 2 iterations"."""
    start = start or f"{what}0"

    def label(i: int) -> str:
        if i == 0:
            return f"the first entry (the start {start})"
        return f"{what} after {i} iteration{'s' if i > 1 else ''}"
    return label


def expect_trace(label, got, expected, *, entry=None, tol=1e-6, mistakes=(), hint=None, shape_hint=None) -> list:
    """Check a trace entry by entry, so the message names the first entry that is wrong.

    ``expected`` is a list of numbers or of vectors; ``entry(i)`` labels entry i
    (e.g. "x after iteration 3"); ``mistakes`` hold whole wrong traces.
    """
    expected = _to_floats(expected)
    items = expect_sequence(label, got, length=_len(expected), shape_hint=shape_hint)
    name = entry or (lambda i: f"{label}[{i}]")
    wrong_traces = [(h, _to_floats(w)) for h, w in mistakes if w is not None]
    values = []
    for i, (item, want) in enumerate(zip(items, expected)):
        at_i = [(h, w[i]) for h, w in wrong_traces if i < _len(w)]
        if _type(want) is list:
            values.append(expect_array(name(i), item, want, tol=tol, mistakes=at_i, hint=hint))
        else:
            values.append(expect_number(name(i), item, want, tol=tol, mistakes=at_i, hint=hint))
    return values


def expect_choice(label, got, expected, choices, *, mistakes=None) -> str:
    """Check a string answer among ``choices``; ``mistakes`` maps a wrong choice to a hint."""
    if _type(got) is not str:
        raise CheckFailed(f"{label} should be one of {', '.join(map(repr, choices))}, you got {_describe(got)}")
    answer = got.strip().lower()
    if answer not in choices:
        raise CheckFailed(f"{label} should be one of {', '.join(map(repr, choices))}, you got {got!r}")
    if answer != expected:
        _fail(label, repr(expected), repr(got), (mistakes or {}).get(answer))
    return answer


def expect_callable(label, got):
    """Check that an answer is a function (not a value computed once)."""
    if not callable(got):
        raise CheckFailed(f"{label} should be a function, you got {_describe(got)}")
    return got


def call(label, func, *args, **kwargs):
    """Call a learner's function; unfinished or crashing code becomes a clear CheckFailed."""
    expect_callable(label, func)
    try:
        return func(*args, **kwargs)
    except CheckFailed:
        raise
    except NotImplementedError:
        raise CheckFailed(
            f"{label} is not written yet: replace `raise NotImplementedError()` with your code"
        ) from None
    except Exception as error:  # the learner's bug, reported with the call that triggered it
        shown = ", ".join([fmt(a) if _type(a) in (int, float) else repr(a) for a in args]
                          + [f"{k}={v!r}" for k, v in kwargs.items()])
        raise CheckFailed(
            f"{label}({shown}) raised {_type(error).__name__}: {error}"
        ) from error


def passed(message: str) -> None:
    """Report a passed check in one line."""
    _print(f"✓ {message}")


# ---------------------------------------------------------------- progress registry

NOT_RUN, PASSED, FAILED = "not run", "passed", "failed"


@dataclass
class ExerciseRecord:
    notebook_id: str
    exercise_id: str
    title: str
    status: str = NOT_RUN
    message: str = ""


_REGISTRY: dict[str, dict[str, ExerciseRecord]] = {}


def exercise(notebook_id: str, exercise_id: str, title: str):
    """Decorator: register a check function and record each run's outcome."""
    record = ExerciseRecord(notebook_id, exercise_id, title)
    _REGISTRY.setdefault(notebook_id, {})[exercise_id] = record

    def decorate(check):
        @functools.wraps(check)
        def run(*args, **kwargs):
            try:
                result = check(*args, **kwargs)
            except BaseException as error:
                record.status, record.message = FAILED, f"{_type(error).__name__}: {error}"
                raise
            record.status, record.message = PASSED, ""
            return result

        run.exercise = record
        return run

    return decorate


def exercises(notebook_id: str) -> list[ExerciseRecord]:
    """The registered exercises of a notebook, in the order their checks were defined."""
    return list(_REGISTRY.get(notebook_id, {}).values())


def reset(notebook_id: str | None = None) -> None:
    """Mark every exercise (of one notebook, or all) as not run."""
    for nb, records in _REGISTRY.items():
        if notebook_id is None or nb == notebook_id:
            for record in records.values():
                record.status, record.message = NOT_RUN, ""


_MARK = {PASSED: "✓", FAILED: "✗", NOT_RUN: "·"}


@dataclass(frozen=True)
class Progress:
    """A notebook's exercise statuses; HTML in a notebook, text elsewhere."""

    notebook_id: str
    rows: tuple[tuple[str, str, str, str], ...]  # (exercise_id, title, status, message)

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for r in self.rows if r[2] == s) for s in (PASSED, FAILED, NOT_RUN)}

    def _summary(self) -> str:
        c = self.counts
        return f"{c[PASSED]} of {_len(self.rows)} exercises pass ({c[FAILED]} failed, {c[NOT_RUN]} not run yet)"

    def __str__(self) -> str:
        lines = [f"Progress in {self.notebook_id}: {self._summary()}"]
        for ex_id, title, status, message in self.rows:
            line = f"  {_MARK[status]} {ex_id}: {title} — {status}"
            lines.append(line + (f" ({message})" if message else ""))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = {PASSED: "#009E73", FAILED: "#D55E00", NOT_RUN: "#999999"}
        body = "".join(
            f"<tr><td>{html.escape(ex_id)}</td><td>{html.escape(title)}</td>"
            f"<td style='color:{colour[status]};font-weight:bold'>{_MARK[status]} {status}</td>"
            f"<td style='text-align:left'>{html.escape(message)}</td></tr>"
            for ex_id, title, status, message in self.rows
        )
        return (
            f"<p><b>Progress in {html.escape(self.notebook_id)}</b>: {html.escape(self._summary())}</p>"
            "<table><thead><tr><th>exercise</th><th>what</th><th>status</th><th>last message</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )


def progress(notebook_id: str) -> Progress:
    """The status of every registered exercise of ``notebook_id``."""
    if notebook_id not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise ValueError(f"notebook_id {notebook_id!r} has no registered exercises (known: {known})")
    return Progress(
        notebook_id,
        tuple((r.exercise_id, r.title, r.status, r.message) for r in exercises(notebook_id)),
    )
