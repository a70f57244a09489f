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
    assert "✓ ex_a" in str(shown) and "✗ ex_b" in str(shown)
    assert "<table>" in shown._repr_html_() and "not yet" in shown._repr_html_()
    for text in (str(shown), shown._repr_html_()):  # which exercises pass, never an answer
        assert "should be" not in text and "you got" not in text
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


# ---------------------------------------------------------------- types as the task text allows

from collections import namedtuple  # noqa: E402
from decimal import Decimal  # noqa: E402
from fractions import Fraction  # noqa: E402

from course_lib.check import display, hints  # noqa: E402
from course_lib.check.hints import Hint, Mistake  # noqa: E402

Pair = namedtuple("Pair", "h1 h2")


class LyingTuple(tuple):
    """A tuple subclass whose own methods lie: the check reads the real items."""

    def __iter__(self):
        return iter((1.92, 1.92))

    def __getitem__(self, i):
        return 1.92

    def __len__(self):
        return 2


class FakeFloat:
    def __float__(self):
        return 1.92

    def __index__(self):
        return 2


class IntSub(int):
    pass


@pytest.mark.parametrize("good", [Fraction(48, 25), Decimal("1.92"), np.longdouble(1.92), np.float16(1.92)])
def test_any_real_number_type_is_a_number(good):
    assert core.as_number("x", good) == pytest.approx(1.92, abs=1e-3)


@pytest.mark.parametrize("bad", [np.bool_(True), False, FakeFloat(), IntSub(2), np.complex128(1.92), "1.92",
                                 np.array([[1.92]]), {1.92}, Decimal("NaN"), Decimal("sNaN"), 10 ** 400,
                                 Fraction(10 ** 400, 3)])
def test_bools_strings_fakes_and_subclasses_earn_nothing(bad):
    with pytest.raises(CheckFailed):
        core.expect_number("x", bad, 1.92 if not isinstance(bad, IntSub) else 2)


def test_a_namedtuple_is_a_tuple_and_a_lying_subclass_shows_its_real_items():
    assert core.expect_sequence("hidden_layer(...)", Pair(25.0, 12.0), length=2) == [25.0, 12.0]
    assert core.expect_array("pair", Pair(25, 12), [25.0, 12.0]) == [25.0, 12.0]
    assert core.expect_array("pair", [Pair(1, 2), Pair(3, 4)], [[1, 2], [3, 4]]) == [[1.0, 2.0], [3.0, 4.0]]
    lying = LyingTuple((5.0, 7.0, 9.0))
    with pytest.raises(CheckFailed, match="should have 2 entries, you got 3"):
        core.expect_sequence("pair", lying, length=2)
    with pytest.raises(CheckFailed):
        core.expect_array("pair", LyingTuple((5.0, 7.0)), [1.92, 1.92])


def test_an_array_subclass_is_read_as_a_plain_array():
    class Sneaky(np.ndarray):
        def tolist(self):
            return [1.0, 2.0]

    sneaky = np.array([5.0, 6.0]).view(Sneaky)
    with pytest.raises(CheckFailed, match="should be"):
        core.expect_array("v", sneaky, [1.0, 2.0])
    assert core.expect_array("v", np.array([1.0, 2.0]).view(Sneaky), [1.0, 2.0]) == [1.0, 2.0]


@pytest.mark.parametrize("got, words", [
    (None, "return"),
    ((x for x in [1.0]), "list"),
    ([1.92], "not a list holding it"),
    (np.array([1.92]), "1-entry array"),
    (True, "comparison"),
])
def test_a_wrong_type_says_what_to_do(got, words):
    with pytest.raises(CheckFailed) as info:
        core.expect_number("x", got, 1.92)
    assert words in str(info.value)
    assert "0x" not in str(info.value)


# ---------------------------------------------------------------- every matching mistake, progressive hints

def test_two_mistakes_with_the_same_value_are_both_named():
    mistakes = [("the factor 2 is missing", 6.0), ("x2 is used where x1 belongs", 6.0), ("other", 9.0)]
    with pytest.raises(CheckFailed) as info:
        core.expect_number("∂f/∂x1", 6.0, 12.0, mistakes=mistakes)
    text = str(info.value)
    assert "the factor 2 is missing" in text and "x2 is used where x1 belongs" in text and "other" not in text
    assert "more than one mistake" in text


def test_the_same_hint_twice_is_named_once():
    with pytest.raises(CheckFailed) as info:
        core.expect_number("e", 3.0, 5.0, mistakes=[("square each one", 3.0), ("square each one", 3.0)])
    assert str(info.value).count("square each one") == 1 and "more than one" not in str(info.value)


def test_mistake_forms_and_hint_rows_by_level():
    m = hints.as_mistake(("added?", 3.6, "downhill is minus", ("compute lr·grad", "subtract it from x")))
    assert m == Mistake(Hint("added?", "downhill is minus", ("compute lr·grad", "subtract it from x")), 3.6)
    assert hints.as_mistake(("added?", 3.6)).hint == Hint("added?")
    assert hints.as_mistake(Mistake(Hint("h", next_steps="one step"), 1)).hint.next_steps == ("one step",)
    assert hints.hint_rows([m.hint], 1) == [("hint", "added?")]
    assert hints.hint_rows([m.hint], 2) == [("hint", "added?"), ("more", "downhill is minus")]
    assert hints.hint_rows([m.hint], 3)[-1] == ("next step", "compute lr·grad")
    assert hints.hint_rows([m.hint], 9)[-1] == ("next step", "subtract it from x")
    bare = Hint("look again")
    assert hints.hint_rows([bare], 2, steps=("the worked example's first step",)) == [
        ("hint", "look again"), ("next step", "the worked example's first step")]


@pytest.fixture
def learner(monkeypatch):
    """A learner's session without a kernel: every check run counts as a new cell run."""
    shown = []
    cells = iter(range(10**6))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(core, "_GRADING_AT_IMPORT", False)
    monkeypatch.setattr(core, "_shell", lambda: object())
    monkeypatch.setattr(core._CELLS, "current", lambda: next(cells))
    monkeypatch.setattr(core, "_show", shown.append)
    return shown


def _ladder_exercise(name):
    @core.exercise("test_ladder", name, "the update rule", steps=("write x − lr·grad", "return it"))
    def check(update):
        got = core.call("update", update, 3.0, 6.0, 0.1)
        core.expect_number("update(x=3, grad=6, lr=0.1)", got, 2.4, mistakes=[
            ("is the step added?", 3.6, "downhill means minus the step"),
        ], hint="x minus lr times grad")
        core.passed("ok")
    return check


def test_learner_session_shows_instead_of_raising_and_hints_grow(learner):
    check = _ladder_exercise("grows")
    wrong = lambda x, g, lr: x + lr * g  # noqa: E731
    for _ in range(5):
        assert check(wrong) is None
    levels = [[h for h, _ in f.rows() if h in ("hint", "more", "next step")] for f in learner]
    assert levels == [["hint"], ["hint", "more"], ["hint", "more", "next step"],
                      ["hint", "more", "next step", "next step"], ["hint", "more", "next step", "next step"]]
    assert check.exercise.status == core.FAILED
    other = lambda x, g, lr: 7.0  # noqa: E731  another mistake: back to the first level
    check(other)
    assert [h for h, _ in learner[-1].rows() if h in ("hint", "more", "next step")] == ["hint", "next step"][:1]
    check(lambda x, g, lr: x - lr * g)
    assert check.exercise.status == core.PASSED
    check(wrong)
    assert [h for h, _ in learner[-1].rows()][-1] == "hint", "a pass starts the hints over"


def test_grading_always_raises_the_first_level(learner, monkeypatch):
    check = _ladder_exercise("grading")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    for _ in range(3):
        with pytest.raises(CheckFailed) as info:
            check(lambda x, g, lr: x + lr * g)
        assert [h for h, _ in info.value.rows()][-1] == "hint"
    assert learner == []


def test_grading_set_at_import_survives_a_deleted_environment_variable(learner, monkeypatch):
    monkeypatch.setattr(core, "_GRADING_AT_IMPORT", True)
    assert core.grading() and not core.learner_session()
    with pytest.raises(CheckFailed):
        _ladder_exercise("import")(lambda x, g, lr: 0.0)


def test_one_message_per_exercise_and_cell(monkeypatch):
    shown = []
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(core, "_GRADING_AT_IMPORT", False)
    monkeypatch.setattr(core, "_shell", lambda: object())
    monkeypatch.setattr(core._CELLS, "current", lambda: "one cell")
    monkeypatch.setattr(core, "_show", shown.append)
    calls = []
    check = _ladder_exercise("per_cell")
    for _ in range(3):  # a check cell's loop over the script's rows
        check(lambda x, g, lr: calls.append(1) or x + lr * g)
    assert len(shown) == 1 and len(calls) == 1
    assert check.exercise.status == core.FAILED


def test_todo_never_climbs_the_ladder(learner):
    check = _ladder_exercise("todo")

    def update(x, g, lr):
        raise NotImplementedError()

    for _ in range(3):
        check(update)
    assert all(f.kind == "todo" and f.rows() == [] for f in learner)
    assert "update is not written yet" in learner[-1].headline()


# ---------------------------------------------------------------- the compact message

def _failure(func, *args, label="update", **kwargs):
    with pytest.raises(CheckFailed) as info:
        core.call(label, func, *args, **kwargs)
    return info.value


def _no_checker_inside(failure):
    text = "\n".join([str(failure), failure.text(), failure._repr_html_(), *failure._render_traceback_()])
    for leak in ("Traceback", "course_lib", 'File "', "0x", "site-packages", "line "):
        assert leak not in text, (leak, text)
    return text


def test_compact_block_has_short_lines_and_no_checker(learner):
    check = _ladder_exercise("block")
    with pytest.MonkeyPatch.context() as m:
        m.setenv("NBGRADER_EXECUTION", "validate")
        with pytest.raises(CheckFailed) as info:
            check(lambda x, g, lr: x + lr * g)
    failure = info.value
    text = _no_checker_inside(failure)
    lines = [display._ADDRESS.sub("", line) for line in failure._render_traceback_()]
    plain = [line.replace("\x1b[1m", "").replace("\x1b[31m", "").replace("\x1b[0m", "") for line in lines]
    assert all(len(line) <= display.TEXT_WIDTH for line in plain), plain
    assert plain[0] == "✗ not right yet: the update rule"
    assert any(line.split() == ["called", "update(3,", "6,", "0.1)"] for line in plain)
    assert "expected  2.4" in text and "got       3.6" in text and "is the step added?" in text
    assert str(failure) == "update(x=3, grad=6, lr=0.1) should be 2.4, you got 3.6 — is the step added?"


def test_html_box_escapes_what_it_shows():
    failure = CheckFailed(label="<b>x</b>", expected="1", got="<script>", hint="a & b", kind="value")
    box = failure._repr_html_()
    assert "course-check-failed" in box and "<script>" not in box and "&lt;script&gt;" in box and "a &amp; b" in box


def test_arguments_and_values_are_shown_short():
    big = np.arange(600.0).reshape(20, 30)
    failure = _failure(lambda a, f, s: a @ a, big, lambda x: x, "left", label="layer")
    assert failure.called == "layer(a 20×30 array, a function, 'left')"
    _no_checker_inside(failure)
    assert display.short(Pair(1, 2)) == "(1, 2)" and display.short(print) == "a function"
    from course_lib.descent import square_prime
    assert display.short(square_prime) == "square_prime" and display.short(lambda x: x) == "a function"
    assert display.short(object()) == "an object" and display.short(list(range(20))) == "a list of 20 items"
    assert display.fmt(list(range(20))) == "a list of 20 numbers"
    assert display.fmt_pair(1.92, 1.9200001) == ("1.92", "1.9200001")


def test_a_big_array_shows_its_first_wrong_entry_only():
    expected = np.ones((5, 4))
    got = expected.copy()
    got[2, 1] = 7.0
    got[4, 3] = 9.0
    with pytest.raises(CheckFailed) as info:
        core.expect_array("dW", got, expected)
    text = str(info.value)
    assert text.startswith("entry [2][1] of dW should be 1, you got 7 (2 of the 20 entries")
    assert text.count("1") < 6


EXPECTED_TRACE = [[3.0, 2.0], [2.7, 1.8], [2.43, 1.62], [2.187, 1.458]]


def test_an_in_place_update_is_named_from_the_values_alone():
    x = np.array([3.0, 2.0])
    trace = [x.copy()]
    for _ in range(3):
        x -= 0.1 * x
        trace.append(x)
    copies = [np.array(point) for point in trace]  # what a re-check outside the kernel sees
    for got in (trace, copies):
        with pytest.raises(CheckFailed, match="updated in place"):
            core.expect_trace("trace", got, EXPECTED_TRACE)
    with pytest.raises(CheckFailed, match="never reassigned"):
        core.expect_trace("trace", [[3.0, 2.0]] * 4, EXPECTED_TRACE)
    with pytest.raises(CheckFailed) as info:  # a different mistake keeps its own hint
        core.expect_trace("trace", [[3.0, 2.0], [3.3, 2.2], [3.63, 2.42], [3.993, 2.662]], EXPECTED_TRACE,
                          mistakes=[("added?", [[3.0, 2.0], [3.3, 2.2], [3.63, 2.42], [3.993, 2.662]])])
    assert str(info.value).endswith("— added?")


def test_hidden_test_failures_show_no_input_expected_or_got():
    import linecache

    @core.exercise("test_hidden", "upd", "the update rule")
    def check(update, x):
        got = core.call("update", update, x, 6.0, 0.1)
        core.expect_number(f"update(x={x}, grad=6, lr=0.1)", got, x - 0.6, hint="x minus lr times grad")

    source = ("check(update, 3.0)\n### BEGIN HIDDEN TESTS\n"
              "check(update, 123.456)\n### END HIDDEN TESTS\n")
    filename = "/tmp/ipykernel_0/hidden-test-cell.py"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        namespace = {"check": check, "update": lambda x, g, lr: x - 0.6 if x == 3.0 else 0.0}
        with pytest.raises(CheckFailed) as info:
            exec(compile(source, filename, "exec"), namespace)
    finally:
        del linecache.cache[filename]
    failure = info.value
    text = "\n".join([str(failure), failure.text(), failure._repr_html_()])
    assert failure.hidden and "123" not in text and "122" not in text and "you got 0" not in text
    assert "a hidden test of update fails" in str(failure) and "x minus lr times grad" in text
    namespace["update"] = lambda x, g, lr: 0.0
    with pytest.raises(CheckFailed) as info:  # the visible line above the markers is not hidden
        exec(compile("check(update, 3.0)\n", filename, "exec"), namespace)
    assert not info.value.hidden and "should be 2.4, you got 0" in str(info.value)


# ---------------------------------------------------------------- Python errors inside learner code

def _raise(code):
    def learner(*args):
        exec(code, {"np": np, "math": math}, {"args": args, "x": args[0] if args else None})
    return learner


@pytest.mark.parametrize("code, args, words", [
    ("x ^ 2", (3.0,), ["XOR", "**"]),
    ("np.float64(x) ^ 2", (3.0,), ["XOR", "**"]),
    ("max(0, x)", (np.array([1.0, -1.0]),), ["np.maximum"]),
    ("1 if x > 0 else 0", (np.array([1.0, -1.0]),), ["np.where"]),
    ("math.exp(x)", (np.array([1.0, 2.0]),), ["np.exp"]),
    ("sum([(1, 2), (3, 4)])", (1.0,), ["sum()", "tuple"]),
    ("(1.0, 2.0) + x", (1.0,), ["joins"]),
    ("[1.0, 2.0] * x", (0.5,), ["numpy array"]),
    ("[1.0, 2.0] - [1.0, 2.0]", (1.0,), ["no arithmetic"]),
    ("None - x", (1.0,), ["return"]),
    ("a, b = x", (1.0,), ["single value"]),
    ("a, b = (1, 2, 3)", (1.0,), ["as many names"]),
    ("x[0]", (3.0,), ["single number"]),
    ("[1, 2][2]", (1.0,), ["counts from 0"]),
    ("np.ones(2)[2]", (1.0,), ["size 2", "0 … 1"]),
    ("np.maximum(x)", (1.0,), None),
    ("undefined_name + 1", (1.0,), ["undefined_name is not defined"]),
    ("x / 0", (1.0,), ["division by zero"]),
    ("math.sqrt(-x)", (1.0,), ["negative"]),
    ("math.exp(1000 * x)", (1.0,), ["too large"]),
    ("args[0] @ args[1]", (np.ones((6, 3)), np.ones((5, 3))), ["(6, 3)", "(5, 3)", "A @ B.T", "transpose"]),
    ("np.dot(args[0], args[1])", (np.ones((6, 3)), np.ones((5, 3))), ["(6, 3)", "(5, 3)", ".T"]),
    # two arguments of one shape: which operand is which is not known, so no pair is named
    ("args[0] @ args[2]", (np.ones((5, 3)), np.ones((5, 3)), np.ones((6, 5))), ["transpose", "order"]),
    # (4, 6) @ (4, 5) fits both as A.T @ B and as B.T @ A: the transposes are offered, not one guess
    ("args[0] @ args[1]", (np.ones((4, 6)), np.ones((4, 5))), ["A.T @ B", "(4, 6)", "(4, 5)"]),
    ("t = (1.0, 2.0)\nt[0] = x", (1.0,), ["tuple cannot be changed", "new list"]),
    ("math.log([x, x])", (1.0,), ["whole list", "np.log"]),
    ("args[0] * args[1]", (np.ones((6, 3)), np.ones((5, 3))), ["(6,3)", "(5,3)", "@"]),
    ("[1.0].T", (1.0,), ["np.array"]),
    ("np.ones(2).append(1)", (1.0,), [".append"]),
    ("np.mximum(x, 0)", (1.0,), ["spelling"]),
    ("(lambda f: f * 2)(lambda y: y)", (1.0,), ["forget to call"]),
    ("three = 3\nthree(x + 1)", (1.0,), ["2 * (x + 1)"]),
])
def test_python_errors_get_one_plain_line_on_their_cause(code, args, words):
    failure = _failure(_raise(code), *args)
    text = _no_checker_inside(failure)
    assert failure.kind == "error" and failure.called.startswith("update(")
    if words is None:
        return
    hint = failure.hints[0].text if failure.hints else ""
    for word in words:
        assert word in hint, (word, failure.error, hint)
    assert "array([" not in text and "[[" not in text


def test_numpy_jargon_is_cut_from_the_error_shown():
    failure = _failure(lambda d, w: d @ w, np.ones((6, 3)), np.ones((5, 3)))
    assert failure.error == "ValueError: matmul: the shapes do not fit (size 5 is different from 3)"
    failure = _failure(lambda x: np.float64(x) ^ 2, 3.0)
    assert failure.error == "TypeError: ufunc 'bitwise_xor' not supported for the input types"


def test_signature_mismatches_name_the_parameter():
    failure = _failure(lambda x: x, 3.0, update=None)
    assert "update=" in failure.hints[0].text
    failure = _failure(lambda x: x, 3.0, 2.0)
    assert "def line" in failure.hints[0].text


def test_an_endless_recursion_is_named():
    def update(x):
        return update(x)

    failure = _failure(update, 1.0)
    assert "calls itself" in failure.hints[0].text


def test_error_hint_is_reproducible_from_recorded_data():
    W, delta = np.ones((5, 3)), np.ones((6, 3))
    live = _failure(lambda d, w: d @ w, delta, W, label="dense_backward")
    recorded = core.describe_error("dense_backward", (delta, W), {}, "ValueError", live.error.split(": ", 1)[1])
    assert str(recorded) == str(live) and recorded.text() == live.text()
    assert hints.describe_args((delta, W), {"lr": 0.1}) == ("array (6, 3)", "array (5, 3)", "lr=number")


def test_not_written_yet_names_the_unwritten_helper():  # through record.invoke, which rebuilds the error
    def gradient_descent(x):
        raise NotImplementedError()

    def better_start(x):
        return gradient_descent(x)

    failure = _failure(better_start, 1.0, label="better_start")
    assert failure.kind == "todo"
    assert str(failure).startswith("better_start calls gradient_descent, which is not written yet")


def test_the_checker_failing_on_a_returned_object_is_one_message_and_its_own_bugs_propagate():
    class Hostile:
        def __len__(self):
            raise RuntimeError("boom")

    @core.exercise("test_hostile", "len", "length")
    def check(f):
        got = core.call("f", f)
        if len(got) != 2:  # a part module's own test on the returned object
            core.fail("len(f())", "2", str(len(got)))

    with pytest.raises(CheckFailed, match="the check could not use what f returned"):
        check(lambda: Hostile())

    @core.exercise("test_hostile", "bug", "a check with a bug")
    def buggy(f):
        return 1 / 0

    with pytest.raises(ZeroDivisionError):
        buggy(lambda: 1)


def test_an_interrupt_is_not_swallowed():
    @core.exercise("test_interrupt", "stop", "stop")
    def check(f):
        core.call("f", f)

    def f():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check(f)
    assert check.exercise.status == core.FAILED


def test_every_learner_call_and_check_run_goes_through_the_record_seam(monkeypatch):
    seen, finished = [], []
    real_invocation = core._record.invocation

    class Spy(real_invocation):
        def finish(self, status, message):
            finished.append((status, message))

    monkeypatch.setattr(core._record, "invoke", lambda label, f, a, k: seen.append(label) or f(*a, **k))
    monkeypatch.setattr(core._record, "invocation", Spy)
    check = _ladder_exercise("seam")
    check(lambda x, g, lr: x - lr * g)
    with pytest.raises(CheckFailed):
        check(lambda x, g, lr: x + lr * g)
    assert seen == ["update", "update"]
    assert finished == [("passed", ""), ("failed", "update(x=3, grad=6, lr=0.1) should be 2.4, you got 3.6 — is the step added?")]


def test_answers_reach_the_check_through_the_seam_with_their_types():
    assert core.expect_sequence("pair", core.call("u_v", lambda: Pair(1.0, 2.0)), length=2) == [1.0, 2.0]
    assert core.as_number("x", core.call("f", lambda: Fraction(1, 4))) == 0.25
    assert core.as_number("x", core.call("f", lambda: np.array(0.25))) == 0.25
    for fake in (FakeFloat(), np.bool_(True), 1 + 0j):
        with pytest.raises(CheckFailed):
            core.as_number("x", core.call("f", lambda: fake))
