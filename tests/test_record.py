"""course_lib.check.record: what the kernel records of a check run, and what a check sees.

freeze/thaw round trips keep exact types and values (through strict JSON, as a notebook stores
them); hostile objects become opaque or unreadable without running their code or hanging; forged
records thaw to plain data or fail as malformed; learner calls get copies, their results and
exceptions reach the check the way the grader's re-check will see them.
"""

from __future__ import annotations

import collections
import dataclasses
import decimal
import fractions
import json
import math

import numpy as np
import pytest

from course_lib.check import core, record
from course_lib.check.record import MalformedRecord, Opaque, Unreadable, freeze, thaw
from course_lib.network import Weights

P = collections.namedtuple("P", "u v")


def through_json(value):
    return thaw(json.loads(json.dumps(freeze(value), allow_nan=False)))


def same(a, b) -> bool:
    """Equal with exact types all the way down (nan equals nan, -0.0 differs from 0.0)."""
    if type(a) is not type(b) and not (isinstance(a, tuple) and type(a).__name__ == type(b).__name__):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, complex):
        return same(a.real, b.real) and same(a.imag, b.imag)
    if isinstance(a, (float, np.floating)) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b


ROUND_TRIPS = [
    0, -7, 2 ** 60, -(2 ** 100), True, False, None, "", "é ∂f/∂x", 0.1, -0.0, 1e-300, 1.7976931348623157e308,
    math.nan, math.inf, -math.inf, 1 + 2j, complex(math.nan, -0.0),
    np.float64(0.1), np.float32(0.1), np.float16(2.5), np.int8(-3), np.uint64(2 ** 63 + 1), np.bool_(True),
    np.complex128(1 - 1j),
    np.array([[1.5, np.nan], [np.inf, -0.0]]), np.array(3.0), np.zeros((0, 3)), np.array([1 + 1j, -2j]),
    np.array([True, False]), np.arange(4, dtype=np.uint64).reshape(2, 2), np.float32([0.1, 1e-30]),
    [1, (2.0, [3, []])], (), [()], P(1.0, np.float64(2.0)), {"a": (1, 2.5), 3: None, (1, 2): [0.5]},
    fractions.Fraction(-1, 3), decimal.Decimal("1.10"), decimal.Decimal("-Infinity"),
    [np.array([1.0, 2.0])] * 3,
]


@pytest.mark.parametrize("value", ROUND_TRIPS, ids=lambda v: type(v).__name__)
def test_plain_data_survives_freeze_json_and_thaw_exactly(value):
    assert same(value, through_json(value)), (value, through_json(value))


def test_namedtuples_and_other_sequence_subclasses_keep_name_fields_and_values():
    got = through_json(P(3.0, 4.0))
    assert isinstance(got, tuple) and type(got).__name__ == "P" and got._fields == ("u", "v")
    assert got.u == 3.0 and got == (3.0, 4.0)

    class Pair(tuple):
        pass

    class Trace(list):
        pass

    pair, trace = through_json(Pair((1, 2))), through_json(Trace([1.0, 2.0]))
    assert isinstance(pair, tuple) and type(pair).__name__ == "Pair" and tuple(pair) == (1, 2)
    assert isinstance(trace, list) and type(trace).__name__ == "Trace" and list(trace) == [1.0, 2.0]


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


class FakeFloat(float):
    def __float__(self):
        return 2.4

    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class FakeArray(np.ndarray):
    pass


class Sneaky:
    """Claims to be a tuple."""

    @property
    def __class__(self):
        return tuple


@dataclasses.dataclass
class Mine:
    x: float = 1.0


@pytest.mark.parametrize("value", [
    AlwaysEqual(), FakeFloat(9.0), np.zeros(2).view(FakeArray), Sneaky(), Mine(), object(), lambda x: x,
    b"bytes", {1, 2}, range(3), iter([1]), np.array([object()]), np.array([(1, 2.0)], dtype="i4,f8"),
    np.longdouble(1.5), type("S", (str,), {})("text"),
], ids=lambda v: type(v).__name__)
def test_objects_that_are_not_plain_data_become_opaque_and_earn_nothing(value):
    got = through_json(value)
    assert isinstance(got, Opaque)
    assert not (got == 2.4) and not (got == got.__class__()) and got is not value
    assert not callable(got) and not hasattr(got, "__float__") and not hasattr(got, "__iter__")
    assert "object" in repr(got) and "0x" not in repr(got)


def test_a_float_subclass_gets_no_number_check_passed():
    got = through_json(FakeFloat(9.0))
    with pytest.raises(core.CheckFailed):
        core.expect_number("x", got, 2.4)


def test_course_lib_dataclasses_are_walked_for_fingerprints_but_thaw_opaque():
    node = freeze(Weights(1, 2, 1, 1, 0))
    assert node[0] == "dc" and node[2] == "Weights" and [f for f, _ in node[3]] == ["w1", "w2", "w3", "w4", "w5"]
    assert type(thaw(node)).__name__ == "Weights" and isinstance(thaw(node), Opaque)
    assert record.digest(Weights(1, 2, 1, 1, 0)) != record.digest(Weights(1, 2, 1, 1, 0.5))


def self_containing():
    x = []
    x.append(x)
    return x


def exploding():
    x = [1.0]
    for _ in range(60):  # 2**60 paths, 61 objects
        x = [x, x]
    return x


class BadTuple(tuple):
    def __len__(self):
        raise RuntimeError("no")

    def __iter__(self):
        while True:
            yield 1

    def __getitem__(self, i):
        raise RuntimeError("no")


class EndlessList(list):
    def __iter__(self):
        while True:
            yield 1


@pytest.mark.parametrize("build, why", [
    (self_containing, "levels deep"),
    (exploding, "more than"),
    (lambda: [0.0] * 1_000_000, "more than"),
    (lambda: np.zeros(10 ** 7), "more than"),
    (lambda: "x" * 10 ** 6, "characters"),
    (lambda: 1 << 100_000, "bits"),
    (lambda: {i: [i] for i in range(50_000)}, "more than"),
], ids=["cycle", "shared-explosion", "long-list", "big-array", "long-text", "huge-int", "big-dict"])
def test_hostile_structures_are_unreadable_quickly(build, why):
    with pytest.raises(Unreadable, match=why):
        freeze(build())


def test_sequence_subclasses_are_read_from_their_storage_not_their_methods():
    assert through_json(BadTuple((1.0, 2.0))) == (1.0, 2.0)
    assert list(through_json(EndlessList([1, 2]))) == [1, 2]


@pytest.mark.parametrize("node", [
    {"a": 1}, ["zz", 1], ["f", "1e"], ["f", "__import__('os')"], ["f", 1.0], ["i", "12a"],
    ["a", "|O8", [1], [None]], ["a", "<f8", [2, 2], [1.0, 2.0]], ["a", "<f8", [10 ** 9], []],
    ["a", "<i8", [1], [1.5]], ["a", "<f16", [1], [1.0]], ["n", "<O8", 1], ["l", "notalist"],
    ["d", [[[1], 2]]], ["q", 1, 0], ["T", 5, None, []], ["T", "x" * 1000, None, []],
    2 ** 60, ["l", [["l", [["l", []]] * 3]] * 10_000],
], ids=str)
def test_forged_nodes_are_malformed_not_executed(node):
    with pytest.raises(MalformedRecord):
        thaw(node)


def test_deeply_nested_forgery_is_malformed():
    node = ["l", []]
    for _ in range(5000):
        node = ["l", [node]]
    with pytest.raises(MalformedRecord):
        thaw(node)


def test_namedtuple_fields_that_are_not_identifiers_give_a_plain_tuple_subclass():
    got = thaw(["T", "P", ["__class__", "import os"], [1, 2]])
    assert tuple(got) == (1, 2) and not hasattr(got, "_fields")
    got = thaw(["T", "class", ["a", "b"], [1, 2]])  # a keyword cannot name a namedtuple
    assert tuple(got) == (1, 2)


# ---------------------------------------------------------------- exceptions

class LearnerError(TypeError):
    def __str__(self):
        raise RuntimeError("hostile __str__")


@pytest.mark.parametrize("error", [
    ValueError("math domain error"), KeyError("x"), NotImplementedError(), ZeroDivisionError("division by zero"),
    np.exceptions.AxisError(3, 1), UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"), core.CheckFailed("no"),
    OSError(2, "No such file"),
], ids=lambda e: type(e).__name__)
def test_rebuilt_exceptions_keep_type_name_message_and_kinds(error):
    raised = json.loads(json.dumps(record.error_record(error)))
    rebuilt = record.rebuild_error(raised)
    assert type(rebuilt).__name__ == type(error).__name__
    assert str(rebuilt) == str(error) == BaseException.__str__(rebuilt)
    for kind in type(error).__mro__:
        if kind.__module__ == "builtins" or kind is core.CheckFailed or kind is np.exceptions.AxisError:
            assert isinstance(rebuilt, kind), kind
    assert type(rebuilt) is not type(error)


def test_a_learner_exception_class_is_rebuilt_by_name_and_its_str_never_runs():
    raised = record.error_record(LearnerError("boom"))
    rebuilt = record.rebuild_error(raised)
    assert type(rebuilt).__name__ == "LearnerError" and isinstance(rebuilt, TypeError)
    assert str(rebuilt) == "boom"


def test_interrupts_are_never_rebuilt_as_interrupts():
    rebuilt = record.rebuild_error({"type": "KeyboardInterrupt", "module": "builtins",
                                    "bases": ["KeyboardInterrupt", "BaseException"], "message": "", "trusted": None})
    assert isinstance(rebuilt, Exception) and not isinstance(rebuilt, KeyboardInterrupt)


@pytest.mark.parametrize("raised", [
    {"type": "X", "module": "m", "bases": "ValueError", "message": ""},
    {"type": "X", "module": "m", "bases": [], "message": "", "trusted": ["os", "system"]},
    {"type": 5, "module": "m", "bases": [], "message": ""},
    {"type": "X", "module": "m", "bases": [], "message": "", "raised_in": "not a name"},
    ["ValueError"],
])
def test_forged_exception_records_are_malformed(raised):
    with pytest.raises(MalformedRecord):
        record.rebuild_error(raised)


# ---------------------------------------------------------------- invoke and invocation

def test_a_learner_function_gets_copies_and_the_check_a_snapshot_of_its_result():
    data = [np.array([1.0, 2.0]), [3.0]]
    kept = []

    def learner(xs):
        xs[0][0] = 99.0
        xs[1].append(4.0)
        out = np.zeros(2)
        kept.append(out)
        return [out, out]

    got = record.invoke("learner", learner, (data,), {})
    assert data[0][0] == 1.0 and data[1] == [3.0]
    kept[0][:] = 5.0  # changing the returned array afterwards reaches nothing the check holds
    assert type(got) is list and all(type(a) is np.ndarray and a.tolist() == [0.0, 0.0] for a in got)
    assert got[0] is not got[1]


def test_a_result_the_checker_cannot_read_is_a_clear_failure_in_every_mode():
    with pytest.raises(core.CheckFailed, match="cannot read"):
        record.invoke("deep", self_containing, (), {})


def test_exceptions_reach_the_check_rebuilt_and_interrupts_as_they_are():
    def broken(x):
        return x ^ 2.0

    with pytest.raises(TypeError) as info:
        record.invoke("broken", broken, (1.5,), {})
    assert type(info.value) is not TypeError and "^" in str(info.value)

    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as info:
        record.invoke("interrupted", interrupted, (), {})
    assert type(info.value) is KeyboardInterrupt


@core.exercise("test_record", "double", "double a number")
def check_double(double, x):
    got = core.call("double", double, x)
    core.expect_number(f"double({x})", got, 2 * x)
    core.passed("double")


def test_outside_grading_nothing_is_recorded(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert not record.grading()
    published = []
    monkeypatch.setattr(record._Kernel, "publish", staticmethod(published.append))
    check_double(lambda x: 2 * x, 3.0)
    assert published == []


def test_under_nbgrader_each_check_run_publishes_one_record(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert record.grading()
    published = []
    monkeypatch.setattr(record._Kernel, "publish", staticmethod(published.append))
    check_double(lambda x: 2 * x, 3.0)
    with pytest.raises(core.CheckFailed):
        check_double(lambda x: 3 * x, 1.5)
    assert [r["status"] for r in published] == ["passed", "failed"]


def test_a_record_holds_the_check_arguments_the_calls_and_the_verdict():
    def double(x):
        return 2 * x

    with record.capture() as records:
        check_double(double, 3.0)
        with pytest.raises(core.CheckFailed):
            check_double(lambda x: "six", 3.0)
    first, second = json.loads(json.dumps(records, allow_nan=False))
    assert first["v"] == record.VERSION and (first["notebook"], first["exercise"]) == ("test_record", "double")
    assert first["args"] == [["fn", __name__, "test_a_record_holds_the_check_arguments_the_calls_and_the_verdict"
                                               ".<locals>.double", 0], ["f", "3.0"]]
    assert first["kwargs"] == {} and first["status"] == "passed" and first["message"] == ""
    (call,) = first["calls"]
    assert call["label"] == "double" and call["target"] == 0 and call["result"] == ["f", "6.0"]
    assert call["fp"] == record.digest(("double", (3.0,), {}))
    assert second["status"] == "failed" and second["calls"][0]["result"] == "six" and second["message"]


def test_check_arguments_that_are_plain_data_reach_the_check_normalised():
    seen = []

    @core.exercise("test_record", "seen", "what the check sees")
    def check_seen(value):
        seen.append(value)

    check_seen(FakeFloat(2.0))
    check_seen(P(1, 2))
    check_seen(Weights(1, 2, 1, 1, 0))
    check_seen([1.5, (2, np.float64(3.0))])
    # not plain data: left as they are (a learner's FakeFloat is opaque to the re-check)
    assert type(seen[0]) is FakeFloat and type(seen[1]) is P and type(seen[2]) is Weights
    assert same(seen[3], [1.5, (2, np.float64(3.0))])
