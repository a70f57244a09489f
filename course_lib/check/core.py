"""The check core: how a learner's answer is compared and what they are told.

Every exercise's check function is built from these pieces (see docs/ARCHITECTURE.md, "Check"):

- ``@exercise(notebook_id, exercise_id, title, *, steps=())`` on each check function. It
  registers the exercise (status "not run") and, on each run, records "passed"/"failed".
  A failure is shown ONE way per context:

  * learner session (an IPython kernel, ``NBGRADER_EXECUTION`` unset): the check displays a
    styled box (called / expected / got / hint) and returns None, so Run All goes on; later
    calls of the same exercise in the same cell are skipped (one box per cell);
  * grading (``NBGRADER_EXECUTION`` set by nbgrader autograde/validate, also when it was set at
    import) and plain Python: it raises ``CheckFailed``, whose ``_render_traceback_`` makes
    IPython's error output the same compact block (no frame, no source line of course_lib).

  Progressive hints: in a learner session, a check that fails again the same way (same
  mistake, same error) shows the mistake's ``more`` the second time, then the exercise's
  worked-example ``steps`` (or the mistake's own ``next_steps``) one per further failure.
  Grading always shows the first level. A failure inside a ``### BEGIN HIDDEN TESTS`` region
  of the calling cell names no input, expected or got value (only the function and the hint).
- ``call(label, func, *args, **kwargs)``: every call of learner code goes through it (and
  through ``record.invoke``). ``NotImplementedError`` → "… is not written yet"; any other
  exception → a CheckFailed naming the call and a plain-language cause (``hints.explain_error``:
  ``^`` used as a power, Python's max on an array, math.exp on an array, a matmul mismatch…).
- ``expect_number(label, got, expected, *, tol=1e-6, mistakes=(), hint=None) -> float``:
  type first (int, float, numpy integer/float scalars, 0-d real arrays, Fraction, Decimal;
  never bool, str, complex or a float/int subclass), then finite, then value.
  ``mistakes``: ``(hint, wrong_value)`` tuples, ``(hint, value, more, next_steps)`` or
  ``hints.Mistake``; EVERY mistake whose value matches is named (two mistakes that give the
  same value → "more than one mistake gives this value: …; or …"). ``hint``: str or
  ``hints.Hint`` for an unrecognised wrong value.
  Message: "update(x=3, grad=6, lr=0.1) should be 2.4, you got 3.6 — is the step added…?".
- ``expect_array(label, got, expected, *, tol, mistakes, hint, shape_hint) -> nested lists``
  (alias ``expect_vector``): list/tuple (subclasses such as namedtuples too) or numpy array of
  ``expected``'s shape; entries as numbers above; more than 8 numbers → the first wrong entry
  is shown, never the whole array.
- ``expect_trace(label, got, expected, *, entry=None, tol, mistakes, hint, shape_hint)``: a
  list of numbers or vectors checked entry by entry (``entry(i)`` names entry i; see
  ``after_iterations``); a trace holding one array several times (an in-place update) says so.
- ``expect_sequence(label, got, *, length=None, shape_hint=None) -> list``;
  ``expect_choice(label, got, expected, choices, *, mistakes={choice: hint})``;
  ``expect_callable(label, got)``; ``fail(label, expected, got, hint=None)`` for a custom
  comparison (raises the same structured CheckFailed).
- ``close(a, b, tol)``: ``|a − b| ≤ tol·max(1, |b|)`` in plain Python; ``fmt(x)`` (display);
  ``passed(message)`` prints ``✓ message``.
- ``progress(notebook_id) -> Progress``: which exercises pass (✓/✗/·), never a message.

Floats are compared in plain Python with builtins captured when this module is imported, so
a submission that monkeypatches numpy or builtins cannot make a wrong answer pass; exact
types are checked, so an object whose ``__eq__`` always returns True earns nothing.
"""

from __future__ import annotations

import builtins
import decimal
import fractions
import functools
import html
import linecache
import math
import os
import sys
from dataclasses import dataclass

import numpy as np

from course_lib.check import record as _record
from course_lib.check.display import (NUMPY_REALS, call_text, clean, fmt, fmt_pair, html_box, short,
                                      text_block)
from course_lib.check.hints import (Hint, Mistake, as_hint, as_mistake, describe_args, explain_error, hint_rows,
                                    join_hints, tidy)

# Captured once: later reassignment of builtins or math by a submission has no effect here.
_abs, _float, _len, _type, _print = builtins.abs, builtins.float, builtins.len, builtins.type, builtins.print
_issubclass, _callable, _id, _str = builtins.issubclass, builtins.callable, builtins.id, builtins.str
_isfinite = math.isfinite
_ndarray = np.ndarray
_Fraction, _Decimal = fractions.Fraction, decimal.Decimal
_REAL_KINDS = frozenset("iuf")
_COURSE_LIB = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_GRADING_AT_IMPORT = bool(os.environ.get("NBGRADER_EXECUTION"))
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"

__all__ = [
    "CheckFailed", "Hint", "Mistake", "after_iterations", "as_number", "call", "close", "describe_error",
    "exercise", "exercises", "expect_array", "expect_callable", "expect_choice", "expect_number",
    "expect_sequence", "expect_trace", "expect_vector", "fail", "fmt", "learner_session", "passed",
    "progress", "reset", "short",
]


# ---------------------------------------------------------------- the failure

class CheckFailed(AssertionError):
    """A learner's answer is not right yet: what was called, expected and got, and the hint.

    ``CheckFailed("free text")`` still works; the structured form is
    ``CheckFailed(label=…, expected=…, got=…, hints=(Hint, …), kind="value"|"type"|"shape"|"error"|"todo")``.
    ``str()`` is the one-line message (nbgrader's evalue, self-grade's hint); IPython renders
    ``_render_traceback_`` (the compact block) instead of a traceback.
    """

    def __init__(self, message: str | None = None, *, label=None, expected=None, got=None, verb="be",
                 hints=(), hint=None, kind="other", error=None):
        hints = tuple(h for h in (as_hint(h) for h in hints) if h is not None)
        if hint is not None:
            hints += (as_hint(hint),)
        self.message, self.label, self.expected, self.got, self.verb = message, label, expected, got, verb
        self.hints, self.kind, self.error = hints, kind, error
        # filled in by the exercise that ran the check
        self.title = self.called = self.function = None
        self.hidden, self.level, self.steps = False, 1, ()
        super().__init__(message or "")

    def key(self):
        """What makes two failures "the same mistake" for progressive hints."""
        return (self.kind, tuple(h.text for h in self.hints) or (self.expected, self.error))

    def _base(self) -> str:
        if self.message:
            return self.message
        if self.kind == "error":
            return f"{self.called or self.function or self.label} raised {self.error}"
        return f"{self.label} should {self.verb} {self.expected}, you got {self.got}"

    def __str__(self) -> str:
        hint = join_hints(self.hints) if self.hints else ""
        if self.hidden:
            where = f"a hidden test of {self.function or self.title or 'this exercise'} fails (its inputs are not shown)"
            if self.kind == "todo":
                text = self._base()
            elif self.kind == "error":
                text = f"{where}: it raised {(self.error or 'an error').split(':')[0]}"
            elif self.kind in ("type", "shape"):
                text = f"{where}: the answer should {self.verb} {self.expected}, you got {self.got}"
            else:
                text = where
            return f"{text} — {hint}" if hint else text
        text = self._base()
        if self.called and self.kind in ("value", "type", "shape") and not text.startswith(self.function or "\0"):
            text = f"{self.called}: {text}"
        return f"{text} — {hint}" if hint else text

    def __repr__(self) -> str:
        return f"CheckFailed({_str(self)!r})"

    def headline(self) -> str:
        name = self.function or self.title or "this check"
        if self.kind == "todo":
            return self._base()
        if self.kind == "error":
            return f"{name} raised an error"
        return f"not right yet: {self.title}" if self.title else "not right yet"

    def rows(self) -> list[tuple[str, str]]:
        rows = []
        if self.hidden:
            if self.function:
                rows.append(("called", f"{self.function} on a hidden test (its inputs are not shown)"))
            if self.kind == "error":
                rows.append(("error", (self.error or "").split(":")[0]))
            elif self.kind in ("type", "shape"):
                rows += [("expected", _str(self.expected)), ("got", _str(self.got))]
            return rows + hint_rows(self.hints, 1)
        if self.kind == "todo":
            return []
        if self.called:
            rows.append(("called", self.called))
        if self.kind == "error":
            rows.append(("error", _str(self.error)))
        elif self.label is not None:
            if not (self.function and _str(self.label).startswith(self.function + "(")):
                rows.append(("checked", _str(self.label)))  # what part of the result was compared
            rows += [("expected", _str(self.expected)), ("got", _str(self.got))]
        elif self.message:
            rows.append(("problem", self.message))
        return rows + hint_rows(self.hints, self.level, self.steps)

    def text(self, *, ansi: bool = False) -> str:
        return "\n".join(text_block(self.headline(), self.rows(), ansi=ansi))

    def _render_traceback_(self) -> list[str]:
        # IPython (showtraceback) uses this list as the error output's traceback: no frames.
        return text_block(self.headline(), self.rows(), ansi=True)

    def _repr_html_(self) -> str:
        return html_box(self.headline(), self.rows(), unanswered=self.kind == "todo")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.text(), "text/html": self._repr_html_()}


def fail(label, expected, got, hint=None, *, kind="value", verb="be"):
    """Raise the structured CheckFailed: "<label> should be <expected>, you got <got> — <hint>"."""
    raise CheckFailed(label=label, expected=expected, got=got, hint=hint, kind=kind, verb=verb)


# ---------------------------------------------------------------- numbers and containers

def _describe(got) -> str:
    t = _type(got)
    if t is complex or t is np.complex128:
        return f"{fmt(complex(got))} (a complex number)"
    if t is bool or t is np.bool_:
        return f"{got!r} (a bool, the result of a comparison)"
    text = short(got)
    if t.__module__ == "builtins" and t is not type(None) and not text.startswith("a"):
        text += f" (a {t.__name__})"
    return text


def _type_hint(got) -> str | None:
    t = _type(got)
    if got is None:
        return "does your function end with return …? (print shows a value, it does not return it)"
    if t.__name__ in ("generator", "map", "zip", "filter", "range"):
        return "that is a lazy sequence: wrap it in list(…)"
    if t is bool or t is np.bool_:
        return "return the number itself, not a comparison"
    if _issubclass(t, (list, tuple)) and _len(_items(got)) == 1:
        return "return the number itself, not a list holding it"
    if t is _ndarray and got.size == 1 and got.ndim:
        return "that is a 1-entry array: return the number (e.g. float(x[0]) or x.item())"
    if t is str:
        return "return the number itself, not text"
    return None


def _real(got):
    """The float value of a real number of an accepted type, else None."""
    t = _type(got)
    if t is int or t is float or t in NUMPY_REALS:
        return _float(got)
    if t is _ndarray:
        if got.ndim == 0 and got.dtype.kind in _REAL_KINDS:
            return _float(_ndarray.item(got))
        return None
    if t is _Fraction:
        return got.numerator / got.denominator
    if t is _Decimal:
        return _Decimal.__float__(got)
    return None


def as_number(label, got) -> float:
    """The answer as a float, or CheckFailed when it is not a finite real number."""
    try:
        value = _real(got)
    except (OverflowError, ValueError):  # a huge int or Fraction; Decimal("sNaN")
        value = math.inf
    if value is None:
        raise CheckFailed(label=label, expected="a number (int or float)", got=_describe(got),
                          hint=_type_hint(got), kind="type")
    if not _isfinite(value):
        raise CheckFailed(label=label, expected="a finite number", got=fmt(value), kind="type", hint=(
            "did the values blow up (learning rate too large, or the step added instead of subtracted)?"))
    return value


def close(a: float, b: float, tol: float = 1e-6) -> bool:
    """Plain-Python closeness: |a − b| ≤ tol·max(1, |b|); never close to a non-finite b."""
    if not (_isfinite(a) and _isfinite(b)):
        return False
    scale = _abs(b)
    if scale < 1.0:
        scale = 1.0
    return _abs(a - b) <= tol * scale


def _items(got):
    """The items of a list, tuple (or a subclass: namedtuple) or array, read without its own methods."""
    t = _type(got)
    if _issubclass(t, list):
        return list(list.__iter__(got))
    if _issubclass(t, tuple):
        return list(tuple.__iter__(got))
    if _issubclass(t, _ndarray):
        plain = _ndarray.view(got, _ndarray)
        return None if plain.ndim == 0 else [plain[i] for i in range(plain.shape[0])]
    return None


def _to_floats(x):
    if _issubclass(_type(x), _ndarray):
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


def _matching(got, mistakes, tol, equal, convert) -> list[Hint]:
    """The hints of EVERY mistake whose value ``got`` matches (several mistakes can give one value)."""
    found = []
    for entry in mistakes:
        m = as_mistake(entry)
        if m.value is None:
            continue
        try:
            wrong = convert(m.value)
        except (TypeError, ValueError, OverflowError):
            continue
        if equal(got, wrong, tol) and m.hint.text not in [h.text for h in found]:
            found.append(m.hint)
    return found


def _fallback(hint):
    hint = as_hint(hint)
    return [hint] if hint is not None else []


def expect_number(label, got, expected, *, tol=1e-6, mistakes=(), hint=None) -> float:
    """Check a number: type, finite, then value (see the module docstring)."""
    value = as_number(label, got)
    expected = _float(expected)
    if not close(value, expected, tol):
        found = _matching(value, mistakes, tol, close, _float)
        shown_expected, shown_got = fmt_pair(expected, value)
        raise CheckFailed(label=label, expected=shown_expected, got=shown_got, hints=found or _fallback(hint),
                          kind="value")
    return value


def _not_a_container(label, got, shape_hint):
    raise CheckFailed(label=label, expected="a list, tuple or numpy array", got=_describe(got),
                      hint=_type_hint(got) or shape_hint, kind="type")


def _as_nested(label, got, shape, shape_hint):
    if not shape:
        return as_number(label, got)
    t = _type(got)
    if _issubclass(t, _ndarray):
        got = _ndarray.view(got, _ndarray)
        if got.dtype.kind == "b":
            raise CheckFailed(label=label, expected="numbers", got="an array of True/False", kind="type",
                              hint="convert it with .astype(float)")
        if got.dtype.kind not in _REAL_KINDS and got.dtype.kind != "O":
            raise CheckFailed(label=label, expected="numbers", got=f"an array of dtype {got.dtype}", kind="type")
        if got.ndim == 0:
            _not_a_container(label, got, shape_hint)
    items = _items(got)
    if items is None:
        _not_a_container(label, got, shape_hint)
    if _len(items) != shape[0]:
        raise CheckFailed(label=label, expected=f"{shape[0]} entries", got=_str(_len(items)), verb="have",
                          hint=shape_hint, kind="shape")
    return [_as_nested(f"{label}[{i}]", v, shape[1:], shape_hint) for i, v in enumerate(items)]


def _first_difference(values, expected, tol, index=()):
    if _type(expected) is list:
        for i, (v, e) in enumerate(zip(values, expected)):
            found = _first_difference(v, e, tol, index + (i,))
            if found:
                return found
        return None
    return None if close(values, expected, tol) else (index, values, expected)


def expect_array(label, got, expected, *, tol=1e-6, mistakes=(), hint=None, shape_hint=None) -> list:
    """Check a vector or nested array: type, shape, every entry a finite number, then values."""
    expected = _to_floats(expected)
    values = _as_nested(label, got, _shape(expected), shape_hint)
    if not _all_close(values, expected, tol):
        found = _matching(values, mistakes, tol, _all_close, _to_floats) or _fallback(hint)
        flat_e, flat_v = _flat(expected), _flat(values)
        if _len(flat_e) <= 8:
            shown_expected, shown_got = fmt_pair(expected, values)
            raise CheckFailed(label=label, expected=shown_expected, got=shown_got, hints=found, kind="value")
        index, v, e = _first_difference(values, expected, tol)
        wrong = sum(1 for a, b in zip(flat_v, flat_e) if not close(a, b, tol))
        where = "".join(f"[{i}]" for i in index)
        shown_expected, shown_got = fmt_pair(e, v)
        shape = "×".join(map(_str, _shape(expected)))
        raise CheckFailed(label=f"entry {where} of {label}", expected=shown_expected,
                          got=f"{shown_got} ({wrong} of the {_len(flat_e)} entries of this {shape} array are wrong)",
                          hints=found, kind="value")
    return values


expect_vector = expect_array


def expect_sequence(label, got, *, length=None, shape_hint=None) -> list:
    """Check a list/tuple (or subclass)/array (and its length when given); return its items."""
    items = _items(got)
    if items is None:
        _not_a_container(label, got, shape_hint)
    if length is not None and _len(items) != length:
        raise CheckFailed(label=label, expected=f"{length} entries", got=_str(_len(items)), verb="have",
                          hint=shape_hint, kind="shape")
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


REPEATED_HINT = Hint(
    "the last entries of your trace are all the same point: x was updated in place (x -= …, x[0] = …), "
    "which changes the one array that every entry refers to; append a copy (x.copy()) or build a new "
    "array (x = x - lr * g)")
FROZEN_HINT = Hint("every entry of your trace is the start: x is never reassigned (x = …) inside the loop")


def _repeated(values, expected) -> Hint | None:
    """A trace whose last entries are one point where the expected trace moves: decided from the
    values alone (a re-check outside the kernel sees copies, not which entries were one object)."""
    n = 1
    while n < _len(values) and _all_close(values[-1 - n], values[-1], 1e-12):
        n += 1
    if n < 2 or _all_close(expected[-n], expected[-1], 1e-12):
        return None
    if n == _len(values) and _all_close(values[0], expected[0], 1e-9):
        return FROZEN_HINT
    return REPEATED_HINT


def expect_trace(label, got, expected, *, entry=None, tol=1e-6, mistakes=(), hint=None, shape_hint=None) -> list:
    """Check a trace entry by entry, so the message names the first entry that is wrong.

    ``expected`` is a list of numbers or of vectors; ``entry(i)`` labels entry i
    (e.g. "x after iteration 3"); ``mistakes`` hold whole wrong traces.
    """
    expected = _to_floats(expected)
    items = expect_sequence(label, got, length=_len(expected), shape_hint=shape_hint)
    name = entry or (lambda i: f"{label}[{i}]")
    wrong_traces = []
    for m in map(as_mistake, mistakes):
        if m.value is not None:
            wrong_traces.append(Mistake(m.hint, _to_floats(m.value)))
    values = []
    try:
        for i, (item, want) in enumerate(zip(items, expected)):
            at_i = [Mistake(m.hint, m.value[i]) for m in wrong_traces if i < _len(m.value)]
            check = expect_array if _type(want) is list else expect_number
            values.append(check(name(i), item, want, tol=tol, mistakes=at_i, hint=hint))
    except CheckFailed as failure:
        if failure.kind == "value":
            try:
                seen = [_as_nested("", v, _shape(e), None) if _type(e) is list else as_number("", v)
                        for v, e in zip(items, expected)]
            except CheckFailed:  # a later entry is not even a number: the first message stands
                seen = None
            repeated = _repeated(seen, expected) if seen else None
            if repeated is not None:
                failure.hints = (repeated,)
        raise
    return values


def expect_choice(label, got, expected, choices, *, mistakes=None) -> str:
    """Check a string answer among ``choices``; ``mistakes`` maps a wrong choice to a hint."""
    allowed = ", ".join(map(repr, choices))
    if _type(got) is not str:
        raise CheckFailed(label=label, expected=f"one of {allowed}", got=_describe(got), kind="type",
                          hint=_type_hint(got) if got is None else None)
    answer = got.strip().lower()
    if answer not in choices:
        raise CheckFailed(label=label, expected=f"one of {allowed}", got=short(got), kind="type")
    if answer != expected:
        raise CheckFailed(label=label, expected=repr(expected), got=short(got), kind="value",
                          hints=_fallback((mistakes or {}).get(answer)))
    return answer


def expect_callable(label, got):
    """Check that an answer is a function (not a value computed once)."""
    if not _callable(got):
        raise CheckFailed(label=label, expected="a function", got=_describe(got), kind="type",
                          hint="define it with def and pass the function itself (no parentheses)")
    return got


# ---------------------------------------------------------------- calling learner code

def _raised_in(error, func) -> str | None:
    """The learner function that raised, when it is not ``func`` itself (a helper not written yet)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return None
    code = tb.tb_frame.f_code
    if code.co_filename.startswith(_COURSE_LIB) or code.co_name.startswith("<"):
        return None
    return None if code.co_name == getattr(func, "__name__", None) else code.co_name


def _recorded_raised_in(error) -> str | None:
    """An exception rebuilt by record.invoke carries no learner frames: it may say where it was raised."""
    try:
        value = object.__getattribute__(error, "raised_in")
    except Exception:
        return None
    return value if _type(value) is str and value.isidentifier() else None


def describe_error(label, args, kwargs, type_name: str, message: str, raised_in: str | None = None) -> CheckFailed:
    """The CheckFailed for an exception raised inside learner code, from recordable data only:
    the call, the exception's type name and message, and (for "not written yet") the function
    that raised it."""
    if type_name == "NotImplementedError":
        if raised_in:
            text = (f"{label} calls {raised_in}, which is not written yet: "
                    f"replace `raise NotImplementedError()` in {raised_in} with your code")
        else:
            text = f"{label} is not written yet: replace `raise NotImplementedError()` with your code"
        failure = CheckFailed(text, kind="todo")
    else:
        message = clean(message)
        failure = CheckFailed(kind="error", error=f"{type_name}: {tidy(message)}" if message else type_name,
                              hint=explain_error(type_name, message, describe_args(args, kwargs)), label=label)
    failure.called, failure.function = call_text(label, args, kwargs), label
    return failure


class _Run:
    """One running check: what learner code it called last (for the message)."""

    def __init__(self):
        self.called = self.function = None


_RUNS: list[_Run] = []


def call(label, func, *args, **kwargs):
    """Call a learner's function; unfinished or crashing code becomes a clear CheckFailed."""
    expect_callable(label, func)
    if _RUNS:
        _RUNS[-1].called, _RUNS[-1].function = call_text(label, args, kwargs), label
    try:
        return _record.invoke(label, func, args, kwargs)
    except CheckFailed:
        raise
    except Exception as error:  # the learner's bug, reported with the call that triggered it
        try:
            message = BaseException.__str__(error)
        except Exception:
            message = ""
        raised_in = _raised_in(error, func) or _recorded_raised_in(error)
        raise describe_error(label, args, kwargs, _type(error).__name__, message, raised_in) from None


def passed(message: str) -> None:
    """Report a passed check in one line."""
    _print(f"✓ {message}")


# ---------------------------------------------------------------- where the check runs

_RECORD_GRADING = getattr(_record, "grading", lambda: False)  # the re-check's own modes (capture, replay)


def grading() -> bool:
    """nbgrader is executing the notebook (autograde or validate), or the grader re-checks it:
    a failing check must raise, and hints stay at their first level."""
    return _GRADING_AT_IMPORT or bool(os.environ.get("NBGRADER_EXECUTION")) or bool(_RECORD_GRADING())


def _shell():
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


def learner_session() -> bool:
    """A learner's kernel (IPython, not nbgrader): failures are shown, not raised."""
    return not grading() and _shell() is not None


class _Cells:
    """Counts cell executions (IPython's pre_run_cell event), so a check knows its cell run."""

    def __init__(self):
        self.count, self.shell = 0, None

    def _next(self, *_):
        self.count += 1

    def current(self):
        shell = _shell()
        if shell is None:
            return None
        if shell is not self.shell:
            self.shell = shell
            shell.events.register("pre_run_cell", self._next)
            self.count += 1
        return (_id(shell), self.count)


_CELLS = _Cells()


def _inside_hidden(lines, lineno) -> bool:
    inside = False
    for line in lines[: lineno - 1]:
        if HIDDEN_BEGIN in line:
            inside = True
        elif HIDDEN_END in line:
            inside = False
    return inside


def in_hidden_test() -> bool:
    """Is a frame of the calling cell inside a ``### BEGIN HIDDEN TESTS`` region?

    nbgrader's autograde restores the check cells with their hidden tests and markers; the
    kernel keeps each cell's source in linecache, so the calling line tells."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_COURSE_LIB):
            lines = linecache.getlines(filename)
            if lines and _inside_hidden(lines, frame.f_lineno):
                return True
        frame = frame.f_back
    return False


def _show(failure: CheckFailed) -> None:
    from IPython.display import display

    display(failure._repr_mimebundle_(), raw=True)  # raw: IPython's own text form of exceptions is a repr


# ---------------------------------------------------------------- progress registry

EXERCISE, CONCEPT = "exercise", "concept"
NOT_RUN, PASSED, FAILED = "not run", "passed", "failed"


@dataclass
class ExerciseRecord:
    notebook_id: str
    exercise_id: str
    title: str
    status: str = NOT_RUN
    message: str = ""                   # the last failure's one-line message (never shown in progress)
    steps: tuple[str, ...] = ()         # the worked example's steps, shown one per repeated failure
    failed_in: object = None            # the cell run in which it last failed (learner session)
    streak: tuple = (None, 0)           # (failure key, how many runs in a row failed that way)
    kind: str = EXERCISE                # EXERCISE (graded by its check cell) or CONCEPT (a concept check)


_REGISTRY: dict[str, dict[str, ExerciseRecord]] = {}


def _hint_level(record: ExerciseRecord, failure: CheckFailed) -> int:
    if failure.kind == "todo":
        record.streak = (None, 0)
        return 1
    key = failure.key()
    count = record.streak[1] + 1 if record.streak[0] == key else 1
    record.streak = (key, count)
    return count


def _unusable(error, function) -> CheckFailed:
    """The checker itself failed on what the learner's code gave back (e.g. a hostile object)."""
    try:
        said = clean(BaseException.__str__(error), 120)
    except Exception:
        said = ""
    return CheckFailed(f"the check could not use what {function} returned ({_type(error).__name__}: {said})")


def exercise(notebook_id: str, exercise_id: str, title: str, *, steps=(), kind=EXERCISE):
    """Decorator: register a check function; record, show or raise each run's outcome.

    kind=CONCEPT registers a concept check (course_lib.check.concepts): its outcome is recorded
    for the progress table only; it raises its CheckFailed to its caller (the quiz widget shows
    the feedback), in a learner's session too, and is never recorded for grading."""
    if kind not in (EXERCISE, CONCEPT):
        raise ValueError(f"kind must be {EXERCISE!r} or {CONCEPT!r}, got {kind!r}")
    record = ExerciseRecord(notebook_id, exercise_id, title, steps=tuple(steps), kind=kind)
    _REGISTRY.setdefault(notebook_id, {})[exercise_id] = record

    def decorate(check):
        if kind == CONCEPT:
            @functools.wraps(check)
            def judge(*args, **kwargs):
                try:
                    result = check(*args, **kwargs)
                except CheckFailed as failure:
                    record.status, record.message = FAILED, _str(failure)
                    raise
                record.status, record.message = PASSED, ""
                return result

            judge.exercise = record
            return judge

        @functools.wraps(check)
        def run(*args, **kwargs):
            learner = learner_session()
            cell = _CELLS.current() if learner else None
            if learner and cell is not None and record.failed_in == cell:
                return None  # already failed in this cell run: one message per exercise and cell
            state = _Run()
            with _record.invocation(record, args, kwargs) as inv:
                _RUNS.append(state)
                try:
                    result = check(*inv.args, **inv.kwargs)
                except CheckFailed as failure:
                    problem, cause = failure, None
                except BaseException as error:
                    if state.function is None or not isinstance(error, Exception):
                        # no learner code ran (a bug of the check or its cell), or an interrupt: as is
                        record.status, record.message = FAILED, _type(error).__name__
                        inv.finish(FAILED, record.message)
                        raise
                    problem, cause = _unusable(error, state.function), error
                else:
                    record.status, record.message, record.streak = PASSED, "", (None, 0)
                    inv.finish(PASSED, "")
                    return result
                finally:
                    _RUNS.pop()
                problem.title, problem.steps = title, record.steps
                problem.called, problem.function = state.called, state.function
                problem.hidden = in_hidden_test()
                problem.level = _hint_level(record, problem) if learner else 1
                record.status, record.message, record.failed_in = FAILED, _str(problem), cell
                inv.finish(FAILED, record.message)
                if learner:
                    _show(problem)
                    return None
                raise problem from cause

        run.exercise = record
        return run

    return decorate


def exercises(notebook_id: str, kind: str | None = None) -> list[ExerciseRecord]:
    """The registered exercises of a notebook (of one kind, or all), in the order their checks were defined."""
    return [r for r in _REGISTRY.get(notebook_id, {}).values() if kind is None or r.kind == kind]


def reset(notebook_id: str | None = None) -> None:
    """Mark every exercise (of one notebook, or all) as not run, and forget hint levels."""
    for nb, records in _REGISTRY.items():
        if notebook_id is None or nb == notebook_id:
            for record in records.values():
                record.status, record.message, record.failed_in, record.streak = NOT_RUN, "", None, (None, 0)


_MARK = {PASSED: "✓", FAILED: "✗", NOT_RUN: "·"}
_SHOWN = {PASSED: "passes", FAILED: "not yet", NOT_RUN: "not run yet"}


@dataclass(frozen=True)
class Progress:
    """A notebook's exercise statuses (never a message or a value); HTML in a notebook, text elsewhere."""

    notebook_id: str
    rows: tuple[tuple[str, str, str], ...]  # (exercise_id, title, status): exercises, then concept checks
    concepts: frozenset = frozenset()       # the exercise_ids of rows that are concept checks

    @property
    def counts(self) -> dict[str, int]:
        """Statuses of the graded exercises (concept checks: `concept_counts`)."""
        return {s: sum(1 for r in self.rows if r[2] == s and r[0] not in self.concepts) for s in (PASSED, FAILED, NOT_RUN)}

    @property
    def concept_counts(self) -> dict[str, int]:
        return {s: sum(1 for r in self.rows if r[2] == s and r[0] in self.concepts) for s in (PASSED, FAILED, NOT_RUN)}

    def _summary(self) -> str:
        c, graded = self.counts, _len(self.rows) - _len(self.concepts)
        text = f"{c[PASSED]} of {graded} exercises pass ({c[FAILED]} not yet, {c[NOT_RUN]} not run yet)"
        if self.concepts:
            text += f"; {self.concept_counts[PASSED]} of {_len(self.concepts)} concept checks answered right"
        return text

    def __str__(self) -> str:
        lines = [f"Progress in {self.notebook_id}: {self._summary()}"]
        lines += [f"  {_MARK[status]} {ex_id}: {title} — {_SHOWN[status]}" for ex_id, title, status in self.rows]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = {PASSED: "#009E73", FAILED: "#D55E00", NOT_RUN: "#999999"}
        body = "".join(
            f"<tr><td style='text-align:left'>{html.escape(ex_id)}</td><td style='text-align:left'>{html.escape(title)}</td>"
            f"<td style='color:{colour[status]};font-weight:bold;text-align:left'>{_MARK[status]} {_SHOWN[status]}</td></tr>"
            for ex_id, title, status in self.rows
        )
        return (
            f"<div class='course-progress'><p><b>Progress in {html.escape(self.notebook_id)}</b>: "
            f"{html.escape(self._summary())}</p>"
            "<table><thead><tr><th>exercise</th><th>what</th><th>status</th></tr></thead>"
            f"<tbody>{body}</tbody></table></div>"
        )


def progress(notebook_id: str) -> Progress:
    """The status of every registered exercise of ``notebook_id``."""
    if notebook_id not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise ValueError(f"notebook_id {notebook_id!r} has no registered exercises (known: {known})")
    records = exercises(notebook_id)
    return Progress(notebook_id, tuple((r.exercise_id, r.title, r.status) for r in records),
                    frozenset(r.exercise_id for r in records if r.kind == CONCEPT))
