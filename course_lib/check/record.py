"""The seam between a check and the learner code it calls (core.call and core.exercise go through it).

A learner's code runs in the same process as the checks, so nothing inside the kernel can be
trusted when an instructor grades. The kernel therefore only supplies data: every call of a
learner's function from a check goes through ``invoke``, every run of a check function through
``invocation``, and under nbgrader (``NBGRADER_EXECUTION`` set) each check run emits one
``display_data`` output of mimetype ``MIME``: the check's arguments, what the learner's functions
returned for which inputs, and the verdict. The grading worker (``course_lib.check.replay``,
``autograder.verify``) re-runs the locked check cell on those records with course_lib untouched.

In every mode a learner function gets deep copies of its arguments, and the check sees its result
frozen and thawed (``freeze``/``thaw``: plain data only) and its exception rebuilt from type name and
message, so the kernel's check and the grader's re-check look at exactly the same values.

Record format (JSON): ``{"v": 1, "notebook", "exercise", "args": [node], "kwargs": {name: node},
"calls": [{"label", "target", "fp", "result": node} | {…, "raised": error} | {…, "unreadable": why}],
"status", "message"}``. A node is a tagged tree (see ``freeze``); ``target`` is the position (or
keyword) of the check argument that was called; ``fp`` is the digest of the call's arguments.
"""

from __future__ import annotations

import builtins
import contextvars
import copy
import dataclasses
import decimal
import fractions
import functools
import hashlib
import json
import keyword
import math
import os
import re
import sys
import types
from collections import namedtuple

import numpy as np

MIME = "application/vnd.course-check-record+json"
VERSION = 1

MAX_DEPTH = 32
MAX_NODES = 20_000  # numbers, strings and containers in one frozen value (a record stays ~1 MB at most)
MAX_CHARS = 100_000  # characters of text in one frozen value
MAX_NAME = 200
MAX_MESSAGE = 2_000
FINGERPRINT_NODES = 2_000_000

_float_repr, _isfinite = float.__repr__, math.isfinite
_NUMPY_SCALARS = {np.dtype(c).type for c in "?bhilqBHILQefdFD"}  # not longdouble: .item() keeps it
_KINDS = frozenset("biufc")
_DTYPE = re.compile(r"^[<>|=]?[biufc][1-9][0-9]?$")
_FLOAT = re.compile(r"^-?(?:inf|nan|[0-9]+(?:\.[0-9]*)?(?:e[-+]?[0-9]+)?)$")


class Unreadable(Exception):
    """A value the checker cannot read: too deep, too large, or hostile."""


class MalformedRecord(Exception):
    """A record that is not what ``freeze``/``invocation`` write (tampered with or cut off)."""


# ---------------------------------------------------------------- freeze / thaw

def _name_of(obj) -> tuple[str, str]:
    """(module, qualname) of a function or class without running its code."""
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)):
        module = getattr(obj, "__module__", None)
        qualname = getattr(obj, "__qualname__", None)
    else:
        module, qualname = type(obj).__module__, type(obj).__qualname__
    return (module if type(module) is str else "?")[:MAX_NAME], (qualname if type(qualname) is str else "?")[:MAX_NAME]


def _type_name(value) -> tuple[str, str]:
    t = type(value)
    return str(t.__module__)[:MAX_NAME], str(t.__qualname__)[:MAX_NAME]


def _trusted_dataclass(value) -> bool:
    return str(type(value).__module__).startswith("course_lib.") and dataclasses.is_dataclass(type(value))


def _numeric(dtype) -> bool:
    return dtype.kind in _KINDS and dtype.fields is None and dtype.itemsize <= (16 if dtype.kind == "c" else 8)


def _tuple_fields(cls):
    for klass in cls.__mro__:
        fields = klass.__dict__.get("_fields")
        if fields is not None:
            ok = type(fields) is tuple and all(type(f) is str and f.isidentifier() for f in fields)
            return list(fields) if ok else None
    return None


class _Freezer:
    def __init__(self, nodes: int, fingerprint: bool):
        self.nodes, self.chars, self.fingerprint = nodes, MAX_CHARS, fingerprint

    def count(self, n: int = 1) -> None:
        self.nodes -= n
        if self.nodes < 0:
            raise Unreadable(f"more than {MAX_NODES} values")

    def __call__(self, x, depth: int = 0):
        if depth > MAX_DEPTH:
            raise Unreadable(f"a value nested more than {MAX_DEPTH} levels deep")
        self.count()
        t = type(x)
        if x is None or t is bool:
            return x
        if t is int:
            if -(2 ** 53) < x < 2 ** 53:
                return x
            if x.bit_length() > 4096:
                raise Unreadable("an integer with more than 4096 bits")
            return ["i", str(x)]
        if t is float:
            return ["f", _float_repr(x)]
        if t is str:
            self.chars -= len(x)
            if self.chars < 0:
                raise Unreadable(f"more than {MAX_CHARS} characters of text")
            return x
        if t is complex:
            return ["c", _float_repr(x.real), _float_repr(x.imag)]
        if t in _NUMPY_SCALARS:
            return ["n", x.dtype.str, self(x.item(), depth + 1)]
        if t is np.ndarray:
            return self._array(x)
        if t is list or t is tuple:
            items = [self(v, depth + 1) for v in x]
            return ["l" if t is list else "t", items]
        if issubclass(t, tuple):  # the real type: a faked __class__ does not count
            items = [self(tuple.__getitem__(x, i), depth + 1) for i in range(tuple.__len__(x))]
            return ["T", str(t.__name__)[:MAX_NAME], _tuple_fields(t), items]
        if issubclass(t, list):
            items = [self(list.__getitem__(x, i), depth + 1) for i in range(list.__len__(x))]
            return ["L", str(t.__name__)[:MAX_NAME], items]
        if t is dict:
            return ["d", [[self(k, depth + 1), self(v, depth + 1)] for k, v in dict.items(x)]]
        if t is fractions.Fraction:
            return ["q", self(x.numerator, depth + 1), self(x.denominator, depth + 1)]
        if t is decimal.Decimal:
            return ["D", str(x)[:100]]
        if t is Stub:
            return ["fn", x.__module__, x.__qualname__]
        if _trusted_dataclass(x):
            module, qualname = _type_name(x)
            return ["dc", module, qualname,
                    [[f.name, self(getattr(x, f.name), depth + 1)] for f in dataclasses.fields(x)]]
        if callable(x):
            return ["fn", *_name_of(x)]
        return ["o", *_type_name(x)]

    def _array(self, x):
        if not _numeric(x.dtype):
            return ["o", "numpy", f"ndarray[{x.dtype.str}]"[:MAX_NAME]]
        shape = [int(n) for n in x.shape]
        if self.fingerprint:
            return ["A", x.dtype.str, shape, hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest()]
        self.count(int(x.size))
        flat = x.ravel().tolist()
        if x.dtype.kind == "f":
            flat = [v if _isfinite(v) else _float_repr(v) for v in flat]
        elif x.dtype.kind == "c":
            flat = [[_float_repr(v.real), _float_repr(v.imag)] for v in flat]
        return ["a", x.dtype.str, shape, flat]


def freeze(value):
    """A JSON-able tagged tree of ``value`` that keeps what checks look at; ``Unreadable`` when
    it cannot be read safely. Exact types only: a float or list subclass, an object that equals
    everything, a function … become an opaque tag (type name only)."""
    try:
        return _Freezer(MAX_NODES, fingerprint=False)(value)
    except Unreadable:
        raise
    except RecursionError:
        raise Unreadable("a value nested too deeply") from None
    except Exception as error:  # a hostile __len__/__iter__ and the like
        raise Unreadable(f"a value whose contents could not be read ({type(error).__name__})") from None


def digest(value) -> str:
    """A short fingerprint of trusted data (a call's arguments): equal values, equal digests."""
    try:
        tree = _Freezer(FINGERPRINT_NODES, fingerprint=True)(value)
    except (Unreadable, RecursionError):
        return "unreadable"
    except Exception as error:
        return f"unreadable:{type(error).__name__}"
    text = json.dumps(tree, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class Opaque:
    """What thaw makes of an object that is not plain data: it has a type name and nothing else."""

    __slots__ = ()

    def __repr__(self):
        return f"<{type(self).__name__} object>"


@functools.lru_cache(maxsize=512)
def _opaque_class(module: str, qualname: str) -> type:
    name = qualname.rsplit(".", 1)[-1] or "object"
    return type(name, (Opaque,), {"__slots__": (), "__module__": module, "__qualname__": qualname})


@functools.lru_cache(maxsize=512)
def _tuple_class(name: str, fields: tuple | None) -> type:
    if fields is not None and name.isidentifier() and not keyword.iskeyword(name):
        try:
            return namedtuple(name, fields)
        except (ValueError, TypeError):
            pass
    return type(name, (tuple,), {"__slots__": ()})


@functools.lru_cache(maxsize=512)
def _list_class(name: str) -> type:
    return type(name, (list,), {})


class _Thawer:
    def __init__(self, nodes: int = MAX_NODES):
        self.nodes, self.chars = nodes, MAX_CHARS

    def count(self, n: int = 1) -> None:
        self.nodes -= n
        if self.nodes < 0:
            raise MalformedRecord(f"more than {MAX_NODES} values")

    def text(self, s, limit: int = MAX_NAME) -> str:
        if type(s) is not str or len(s) > limit:
            raise MalformedRecord("a name that is not short text")
        return s

    def real(self, s) -> float:
        if type(s) is not str or len(s) > 40 or not _FLOAT.match(s):
            raise MalformedRecord("a float that is not a float")
        return float(s)

    def integer(self, node) -> int:
        value = self(node, 1)
        if type(value) is not int:
            raise MalformedRecord("an integer that is not an integer")
        return value

    def items(self, node, depth):
        if type(node) is not list:
            raise MalformedRecord("items that are not a list")
        return [self(v, depth + 1) for v in node]

    def __call__(self, node, depth: int = 0):
        if depth > MAX_DEPTH + 1:
            raise MalformedRecord("a value nested too deeply")
        self.count()
        t = type(node)
        if node is None or t is bool:
            return node
        if t is int:
            if not -(2 ** 53) < node < 2 ** 53:
                raise MalformedRecord("an integer out of range")
            return node
        if t is str:
            self.chars -= len(node)
            if self.chars < 0:
                raise MalformedRecord("too much text")
            return node
        if t is not list or not node or type(node[0]) is not str:
            raise MalformedRecord(f"an untagged value ({t.__name__})")
        tag, rest = node[0], node[1:]
        try:
            return self._tagged(tag, rest, depth)
        except (ValueError, TypeError, IndexError, KeyError, ArithmeticError) as error:
            raise MalformedRecord(f"a {tag!r} node that does not parse ({type(error).__name__})") from None

    def _tagged(self, tag, rest, depth):
        if tag == "i":
            digits = self.text(rest[0], 1300)
            if not re.fullmatch(r"-?[0-9]+", digits):
                raise MalformedRecord("an integer that is not an integer")
            return int(digits)
        if tag == "f":
            return self.real(rest[0])
        if tag == "c":
            return complex(self.real(rest[0]), self.real(rest[1]))
        if tag == "n":
            dtype = self.dtype(rest[0])
            return dtype.type(self(rest[1], depth + 1))
        if tag == "a":
            return self.array(*rest)
        if tag in ("l", "t"):
            (items,) = rest
            items = self.items(items, depth)
            return items if tag == "l" else tuple(items)
        if tag == "T":
            name, fields, items = rest
            items = self.items(items, depth)
            if fields is not None:
                fields = tuple(self.text(f) for f in self.items(fields, depth))
                if len(fields) != len(items) or not all(f.isidentifier() for f in fields):
                    fields = None
            cls = _tuple_class(self.text(name), fields)
            return cls(*items) if hasattr(cls, "_fields") else cls(items)
        if tag == "L":
            name, items = rest
            return _list_class(self.text(name))(self.items(items, depth))
        if tag == "d":
            (pairs,) = rest
            if type(pairs) is not list:
                raise MalformedRecord("a dict that is not a list of pairs")
            out = {}
            for pair in pairs:
                k, v = pair
                out[self(k, depth + 1)] = self(v, depth + 1)
            return out
        if tag == "q":
            return fractions.Fraction(self.integer(rest[0]), self.integer(rest[1]))
        if tag == "D":
            return decimal.Decimal(self.text(rest[0], 100))
        if tag in ("o", "fn", "dc", "#", "A"):
            module, qualname = (self.text(rest[0]), self.text(rest[1])) if tag != "#" else ("?", "value")
            return _opaque_class(module, qualname)()
        raise MalformedRecord(f"an unknown tag {tag!r}")

    def dtype(self, text) -> np.dtype:
        if type(text) is not str or not _DTYPE.match(text):
            raise MalformedRecord("a dtype that is not a numeric dtype")
        dtype = np.dtype(text)
        if not _numeric(dtype):
            raise MalformedRecord("a dtype that is not a numeric dtype")
        return dtype

    def array(self, dtype, shape, flat):
        dtype = self.dtype(dtype)
        if type(shape) is not list or len(shape) > MAX_DEPTH or not all(type(n) is int and 0 <= n for n in shape):
            raise MalformedRecord("an array shape that is not a shape")
        if type(flat) is not list or math.prod(shape) != len(flat):
            raise MalformedRecord("an array whose values do not fill its shape")
        self.count(len(flat))
        kind = dtype.kind
        if kind == "f":
            values = [v if type(v) in (int, float) else self.real(v) for v in flat]
        elif kind == "c":
            values = [complex(self.real(re_), self.real(im)) for re_, im in flat]
        elif kind == "b":
            if not all(type(v) is bool for v in flat):
                raise MalformedRecord("a bool array with other values")
            values = flat
        else:
            if not all(type(v) is int for v in flat):
                raise MalformedRecord("an integer array with other values")
            values = flat
        return np.array(values, dtype=dtype).reshape(shape)


def thaw(node):
    """Plain data from a frozen tree: numbers, arrays, lists, tuples (namedtuples rebuilt from
    valid identifiers), dicts, and ``Opaque`` stand-ins. No eval, no pickle, no imports."""
    try:
        return _Thawer()(node)
    except RecursionError:
        raise MalformedRecord("a value nested too deeply") from None


# ---------------------------------------------------------------- exceptions

_BUILTIN_EXCEPTIONS = {name: cls for name, cls in vars(builtins).items()
                       if isinstance(cls, type) and issubclass(cls, BaseException)}
_TRUSTED_MODULES = ("course_lib.", "numpy")


def _message(error: BaseException) -> str:
    """str(error) when a builtin (or course_lib/numpy) class defines its __str__, else the base
    class's text of its args: a learner's own __str__ never runs."""
    owner = next(c for c in type(error).__mro__ if "__str__" in c.__dict__)
    trusted = owner.__module__ == "builtins" or str(owner.__module__).startswith(_TRUSTED_MODULES)
    try:
        text = str(error) if trusted else BaseException.__str__(error)
    except Exception:  # an argument with a hostile __str__
        return "<unprintable>"
    return str.__str__(text)[:MAX_MESSAGE] if isinstance(text, str) else "<unprintable>"


def _raised_in(error, func):
    try:
        from course_lib.check.core import _raised_in as where
        name = where(error, func)
    except Exception:
        return None
    return name[:MAX_NAME] if type(name) is str and name.isidentifier() else None


def error_record(error: BaseException, func=None) -> dict:
    """What a check may know of an exception raised in learner code: type name, kinds, message,
    and the learner function it was raised in when that is not ``func`` (``raised_in``)."""
    module, qualname = _type_name(error)
    mro = type(error).__mro__
    bases = [c.__name__ for c in mro if _BUILTIN_EXCEPTIONS.get(c.__name__) is c]
    trusted = None
    for cls in mro:
        cls_module = str(cls.__module__)
        module_ = sys.modules.get(cls_module) if cls_module.startswith(_TRUSTED_MODULES) else None
        if module_ is not None and vars(module_).get(cls.__name__) is cls:
            trusted = [cls_module, cls.__name__]
            break
    return {"type": qualname.rsplit(".", 1)[-1], "module": module, "bases": bases,
            "trusted": trusted, "message": _message(error), "raised_in": _raised_in(error, func)}


def _recorded_str(self):
    return self._recorded_message


@functools.lru_cache(maxsize=256)
def _error_class(name: str, module: str, bases: tuple, trusted: tuple | None) -> type:
    chosen = []
    if trusted is not None:
        module_ = sys.modules.get(trusted[0])
        cls = vars(module_).get(trusted[1]) if module_ is not None else None
        if isinstance(cls, type) and issubclass(cls, Exception):
            chosen.append(cls)
    for base in bases:  # never KeyboardInterrupt or SystemExit: a rebuilt error is always an Exception
        cls = _BUILTIN_EXCEPTIONS.get(base)
        if cls is not None and issubclass(cls, Exception) and not any(issubclass(c, cls) for c in chosen):
            chosen.append(cls)
    chosen = chosen or [Exception]
    namespace = {"__module__": module, "__str__": _recorded_str}
    for count in range(len(chosen), 0, -1):  # a layout conflict between builtin bases: keep the first ones
        try:
            return type(name, tuple(chosen[:count]), namespace)
        except TypeError:
            continue
    return type(name, (Exception,), namespace)


def rebuild_error(raised: dict) -> BaseException:
    """An exception with the recorded type name, message and builtin kinds (isinstance works)."""
    if type(raised) is not dict:
        raise MalformedRecord("an exception record that is not a dict")
    t = _Thawer()
    name, module, message = t.text(raised.get("type")), t.text(raised.get("module")), t.text(raised.get("message"), MAX_MESSAGE)
    bases = raised.get("bases") or []
    trusted = raised.get("trusted")
    if type(bases) is not list or not all(type(b) is str for b in bases) or len(bases) > 20:
        raise MalformedRecord("exception kinds that are not names")
    if trusted is not None:
        if type(trusted) is not list or len(trusted) != 2 or not all(type(s) is str for s in trusted) \
                or not trusted[0].startswith(_TRUSTED_MODULES):
            raise MalformedRecord("an exception class that is not course_lib's or numpy's")
        trusted = tuple(trusted)
    raised_in = raised.get("raised_in")
    if raised_in is not None and (type(raised_in) is not str or not raised_in.isidentifier()):
        raise MalformedRecord("a function name that is not a name")
    cls = _error_class(name, module, tuple(bases), trusted)
    error = cls.__new__(cls)
    error.args = (message,)
    error._recorded_message, error.raised_in = message, raised_in
    return error


# ---------------------------------------------------------------- modes

class Divergence(BaseException):
    """The records do not fit the check cell (a BaseException: no check may swallow it)."""


class NotReplayable(BaseException):
    """The check cell uses a learner's name other than as a check's argument (its source breaks
    the rule for check cells): it cannot be re-checked, whatever the records say."""


_ACTIVE: contextvars.ContextVar = contextvars.ContextVar("course_check_invocation", default=None)
_MODE: contextvars.ContextVar = contextvars.ContextVar("course_check_mode", default=None)


class _Capture:
    """Recording into a list instead of the notebook (tests, and the trusted side's own runs)."""

    replaying = False

    def __init__(self):
        self.records: list[dict] = []

    def publish(self, record: dict) -> None:
        self.records.append(record)


class _Kernel:
    replaying = False

    @staticmethod
    def publish(record: dict) -> None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
        if shell is None or getattr(shell, "kernel", None) is None:
            return
        from IPython.display import publish_display_data
        publish_display_data({MIME: record}, metadata={})


_KERNEL = _Kernel()


def _mode():
    mode = _MODE.get()
    if mode is not None:
        return mode
    return _KERNEL if os.environ.get("NBGRADER_EXECUTION") else None


def grading() -> bool:
    """True under nbgrader (autograde, validate) and while the grader re-checks: a failing check
    must fail its cell, and nothing depends on earlier runs in the session (no progressive hints)."""
    return _mode() is not None


class capture:
    """``with capture() as records:`` records every check run into ``records`` (a list of dicts)."""

    def __enter__(self):
        self._sink = _Capture()
        self._token = _MODE.set(self._sink)
        return self._sink.records

    def __exit__(self, *exc):
        _MODE.reset(self._token)
        return False


def replaying(session):
    """Run check functions against ``session`` (see course_lib.check.replay) until reset."""
    return _MODE.set(session)


def end_replay(token) -> None:
    _MODE.reset(token)


# ---------------------------------------------------------------- the seam

def _copy_args(args, kwargs):
    """Deep copies of the arguments, so a learner's in-place change cannot reach the check."""
    def one(value):
        try:
            return copy.deepcopy(value)
        except Exception:  # a generator, a lock …: passed as it is
            return value
    return tuple(one(a) for a in args), {k: one(v) for k, v in kwargs.items()}


def unreadable_failure(label: str, why: str):
    from course_lib.check.core import CheckFailed
    return CheckFailed(f"{label} returned something the checker cannot read: {why}")


def invoke(label, func, args, kwargs):
    """Call the learner's function with copies of the check's arguments; return what a check may
    look at of the result (normalised), or raise its exception rebuilt from type name and message."""
    inv = _ACTIVE.get()
    if inv is not None and inv.replay is not None:
        return inv.replay.invoke(inv, label, func, args, kwargs)
    return call_through(inv, label, func, args, kwargs)


def call_through(inv, label, func, args, kwargs):
    """``invoke`` in the kernel: the call, recorded into ``inv`` when ``func`` is one of its arguments."""
    target = inv.target_of(func) if inv is not None else None
    fp = digest((label, args, kwargs)) if target is not None else None
    call_args, call_kwargs = _copy_args(args, kwargs)
    try:
        result = func(*call_args, **call_kwargs)
    except BaseException as error:
        if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit: the kernel's to handle
            raise
        raised = error_record(error, func)
        if target is not None:
            inv.calls.append({"label": label, "target": target, "fp": fp, "raised": raised})
        raise rebuild_error(raised) from None
    try:
        frozen = freeze(result)
    except Unreadable as why:
        if target is not None:
            inv.calls.append({"label": label, "target": target, "fp": fp, "unreadable": str(why)})
        raise unreadable_failure(label, str(why)) from None
    if target is not None:
        inv.calls.append({"label": label, "target": target, "fp": fp, "result": frozen})
    return thaw(frozen)


def frozen_args(args, kwargs):
    """The check's arguments as recorded: data frozen (or its digest when too large), callables
    tagged ["fn", module, qualname, first position holding the same object]."""
    positions = list(range(len(args))) + list(kwargs)
    values = list(args) + list(kwargs.values())

    def one(value):
        if callable(value) and not isinstance(value, (np.ndarray, np.generic)):
            first = next(p for p, v in zip(positions, values) if v is value)
            return ["fn", *_name_of(value), first] if type(value) is not Stub else \
                ["fn", value.__module__, value.__qualname__, first]
        try:
            return freeze(value)
        except Unreadable:
            return ["#", digest(value)]

    frozen = [one(v) for v in values]
    return frozen[:len(args)], dict(zip(kwargs, frozen[len(args):]))


_PLAIN_TAGS = frozenset("ifcna")


def _plain(node) -> bool:
    """A frozen tree of numbers, text, arrays, lists, tuples and dicts only (no opaque, no callable)."""
    if type(node) is not list:
        return True
    tag = node[0]
    if tag in _PLAIN_TAGS:
        return True
    if tag in ("l", "t"):
        return all(_plain(v) for v in node[1])
    if tag == "d":
        return all(_plain(k) and _plain(v) for k, v in node[1])
    return False


def _as_seen(value, node):
    return thaw(node) if _plain(node) else value


class invocation:
    """One run of a check function: ``args``/``kwargs`` are what the check receives; ``finish``
    ends it (and, under nbgrader, emits its record). A check run inside another is transparent.

    Arguments that are plain data reach the check as ``thaw(freeze(value))`` in every mode, so a
    check sees what its re-check will see."""

    def __init__(self, exercise_record, args, kwargs):
        self.exercise, self.args, self.kwargs = exercise_record, args, kwargs
        self.calls: list[dict] = []
        self.replay = None
        self._nested = _ACTIVE.get() is not None
        self._mode = None if self._nested else _mode()
        self._token = None
        self.status = self.message = None

    def __enter__(self):
        if self._nested:
            return self
        if self._mode is not None and self._mode.replaying:
            self.replay = self._mode
            self._token = _ACTIVE.set(self)
            try:
                self.args, self.kwargs = self.replay.begin(self)
            except BaseException:
                _ACTIVE.reset(self._token)
                raise
            return self
        self.frozen = frozen_args(self.args, self.kwargs)
        self.args = tuple(_as_seen(v, n) for v, n in zip(self.args, self.frozen[0]))
        self.kwargs = {k: _as_seen(v, self.frozen[1][k]) for k, v in self.kwargs.items()}
        if self._mode is not None:
            self._token = _ACTIVE.set(self)
        return self

    def target_of(self, func):
        """The position (or keyword) of the check argument ``func`` is, or None."""
        for i, value in enumerate(self.args):
            if value is func:
                return i
        for name, value in self.kwargs.items():
            if value is func:
                return name
        return None

    def finish(self, status: str, message: str) -> None:
        self.status, self.message = status, message
        if self._mode is None or self.replay is not None:
            return
        args, kwargs = self.frozen
        self._mode.publish({
            "v": VERSION, "notebook": self.exercise.notebook_id, "exercise": self.exercise.exercise_id,
            "args": args, "kwargs": kwargs, "calls": self.calls, "status": status,
            "message": str(message)[:MAX_MESSAGE],
        })

    def __exit__(self, exc_type, exc, tb):
        if self._token is not None:
            _ACTIVE.reset(self._token)
            self._token = None
        if self.replay is not None:
            self.replay.end(self, exc)
        return False


class Stub:
    """A learner function during a re-check: calls through ``invoke`` are answered from the record."""

    def __init__(self, invocation_, position, module: str, qualname: str):
        self.invocation, self.position = invocation_, position
        self.__module__, self.__qualname__ = module, qualname
        self.__name__ = qualname.rsplit(".", 1)[-1]

    def __repr__(self):
        return f"<function {self.__name__}>"

    def __call__(self, *args, **kwargs):
        # a check that calls learner code around core.call: fail (on a wrong answer's path this is
        # reached only in the re-check, so keeping the kernel's verdict would keep a forged pass)
        raise Divergence(f"the grader's re-check of check_{self.invocation.exercise.exercise_id} cannot follow "
                         f"a call of {self.__name__} made without core.call")
