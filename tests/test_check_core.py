import builtins
import math

import numpy as np
import pytest

from course_lib import check
from course_lib.check import core
from course_lib.check.core import CheckFailed


class AlwaysEqual(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class Liar:
    def __eq__(self, other):
        return True

    def __float__(self):
        return 1.92


@pytest.mark.parametrize("good", [1.92, np.float64(1.92), np.float32(1.92), np.array(1.92)])
def test_expect_number_accepts_python_and_numpy_numbers(good):
    assert core.expect_number("x", good, 1.92, tol=1e-6) == pytest.approx(1.92, rel=1e-6)


@pytest.mark.parametrize("good", [3, np.int64(3), np.int32(3)])
def test_expect_number_accepts_integers(good):
    assert core.expect_number("n", good, 3) == 3.0


@pytest.mark.parametrize(
    "bad, words",
    [
        (True, "should be a number"),
        ("1.92", "should be a number"),
        ([1.92], "should be a number"),
        (np.array([1.92]), "should be a number"),
        (None, "should be a number"),
        (1.92 + 0j, "should be a number"),
        (AlwaysEqual(1.0), "should be a number"),
        (Liar(), "should be a number"),
        (float("nan"), "finite"),
        (np.float64("inf"), "finite"),
    ],
)
def test_expect_number_checks_type_before_value(bad, words):
    with pytest.raises(CheckFailed, match=words):
        core.expect_number("x", bad, 1.92)


def test_wrong_value_names_expected_got_and_the_matching_mistake():
    mistakes = [("did you forget the factor 2?", 3.0), ("is the step added instead of subtracted?", 3.48)]
    with pytest.raises(CheckFailed) as info:
        core.expect_number("iteration 1: x", 3.48, 1.92, mistakes=mistakes)
    assert str(info.value) == "iteration 1: x should be 1.92, you got 3.48 — is the step added instead of subtracted?"


def test_unrecognised_wrong_value_gets_the_generic_hint_or_none():
    with pytest.raises(CheckFailed) as info:
        core.expect_number("x", 7.0, 1.92, mistakes=[("m", 3.48)], hint="look at the update rule")
    assert str(info.value).endswith("you got 7 — look at the update rule")
    with pytest.raises(CheckFailed) as info:
        core.expect_number("x", 7.0, 1.92)
    assert "—" not in str(info.value)


def test_check_failed_is_an_assertion_error():
    assert issubclass(CheckFailed, AssertionError)


def test_tolerance_is_absolute_near_zero_and_relative_for_large_values():
    assert core.close(1e-9, 0.0, 1e-6)
    assert not core.close(1e-5, 0.0, 1e-6)
    assert core.close(1e6 + 0.5, 1e6, 1e-6)
    assert not core.close(1e6 + 5, 1e6, 1e-6)


def test_comparison_survives_monkeypatched_builtins_and_numpy(monkeypatch):
    monkeypatch.setattr(builtins, "abs", lambda x: 0)
    monkeypatch.setattr(math, "isfinite", lambda x: True)
    monkeypatch.setattr(np, "isclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    with pytest.raises(CheckFailed):
        core.expect_number("x", 5.0, 1.92)
    with pytest.raises(CheckFailed):
        core.expect_number("x", float("inf"), 1.92)
    with pytest.raises(CheckFailed):
        core.expect_array("v", [5.0, 1.0], [1.0, 1.0])


def test_expect_array_accepts_lists_tuples_and_arrays_and_returns_floats():
    expected = np.array([[3.0, 2.0], [2.4, 1.2]])
    for got in ([[3, 2], [2.4, 1.2]], ((3.0, 2.0), (2.4, 1.2)), np.array([[3.0, 2.0], [2.4, 1.2]]),
                [np.array([3.0, 2.0]), (2.4, np.float64(1.2))]):
        assert core.expect_array("trace", got, expected) == [[3.0, 2.0], [2.4, 1.2]]


@pytest.mark.parametrize(
    "got, words",
    [
        ({3.0, 2.0}, "list, tuple or numpy array"),
        ([3.0], "should have 2 entries, you got 1 — one x per coordinate"),
        ([3.0, "2"], r"v\[1\] should be a number"),
        (np.array(["a", "b"]), "dtype"),
        ([[3.0], [2.0]], r"v\[0\] should be a number"),
        ([3.0, float("nan")], "finite"),
    ],
)
def test_expect_array_checks_container_shape_and_entries_first(got, words):
    with pytest.raises(CheckFailed, match=words):
        core.expect_array("v", got, [3.0, 2.0], shape_hint="one x per coordinate")


def test_expect_array_names_a_wrong_array_mistake():
    with pytest.raises(CheckFailed, match="x1 and x2 swapped"):
        core.expect_vector("gradient", [8.0, 6.0], [6.0, 8.0], mistakes=[("x1 and x2 swapped?", [8.0, 6.0])])


def test_expect_sequence_and_choice_and_callable():
    assert core.expect_sequence("trace", (1, 2, 3), length=3) == [1, 2, 3]
    with pytest.raises(CheckFailed, match="should have 4 entries, you got 3"):
        core.expect_sequence("trace", [1, 2, 3], length=4)
    with pytest.raises(CheckFailed, match="list, tuple"):
        core.expect_sequence("trace", 5)
    assert core.expect_choice("valley", " Left", "left", ("left", "right")) == "left"
    with pytest.raises(CheckFailed, match="'left', you got 'right' — the script says so"):
        core.expect_choice("valley", "right", "left", ("left", "right"), mistakes={"right": "the script says so"})
    with pytest.raises(CheckFailed, match="one of 'left', 'right'"):
        core.expect_choice("valley", "middle", "left", ("left", "right"))
    with pytest.raises(CheckFailed, match="should be a function"):
        core.expect_callable("update", 2.4)


def test_call_reports_unfinished_and_crashing_functions():
    def unfinished(x):
        raise NotImplementedError()

    def crashing(x):
        return x / 0

    with pytest.raises(CheckFailed, match="update is not written yet"):
        core.call("update", unfinished, 3.0)
    with pytest.raises(CheckFailed, match=r"update\(3\) raised ZeroDivisionError"):
        core.call("update", crashing, 3.0)
    assert core.call("update", lambda x, lr: x - lr, 3.0, lr=1.0) == 2.0


def test_passed_prints_one_check_line(capsys):
    core.passed("the update rule is right")
    assert capsys.readouterr().out == "✓ the update rule is right\n"


def test_registry_records_status_and_progress_renders_text_and_html():
    @core.exercise("test_nb", "ex_a", "first exercise")
    def check_a(x):
        core.expect_number("x", x, 1.0)
        core.passed("a")

    @core.exercise("test_nb", "ex_b", "second exercise")
    def check_b(x):
        core.expect_number("x", x, 2.0)

    assert [r.exercise_id for r in core.exercises("test_nb")] == ["ex_a", "ex_b"]
    assert core.progress("test_nb").counts == {"passed": 0, "failed": 0, "not run": 2}
    check_a(1.0)
    with pytest.raises(CheckFailed):
        check_b(5.0)
    shown = core.progress("test_nb")
    assert shown.counts == {"passed": 1, "failed": 1, "not run": 0}
    assert "✓ ex_a" in str(shown) and "✗ ex_b" in str(shown) and "x should be 2, you got 5" in str(shown)
    assert "<table>" in shown._repr_html_() and "failed" in shown._repr_html_()
    check_a(1.0)
    with pytest.raises(CheckFailed):
        check_a(3.0)
    assert core.progress("test_nb").counts["failed"] == 2
    core.reset("test_nb")
    assert core.progress("test_nb").counts["not run"] == 2


def test_progress_rejects_unknown_notebooks():
    with pytest.raises(ValueError, match="notebook_id"):
        check.progress("99_nothing")
    with pytest.raises(ValueError, match="no registered exercises"):
        core.progress("never_registered")
