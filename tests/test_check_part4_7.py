"""Checks of parts 4–7: right answers pass (a ✓ line per visible case), known mistakes fail with their hint,
the visible cases tell every two mistakes apart, wrong types earn nothing, and each check uses course_lib's
reference for earlier steps. The catalogue (tests/catalogue/part4.py … part7.py) tries many more answers."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.check import part4, part5, part6, part7, progress
from course_lib.check.core import CheckFailed
from course_lib.script_tables import P5_LR
from test_check_core import learner  # noqa: F401  (a fixture: a learner's session without a kernel)



class AlwaysEqual(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


def fails_with(check, *args, hint, **kwargs):
    with pytest.raises(CheckFailed) as error:
        check(*args, **kwargs)
    assert hint in str(error.value), str(error.value)
    return str(error.value)


def passes(capsys, check, *args, **kwargs):
    check(*args, **kwargs)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("✓ "), out


def passes_lines(capsys, check, *args, lines, **kwargs):
    check(*args, **kwargs)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == lines and all(line.startswith("✓ ") for line in out), out


# ---- reference answers, written as a learner would


def hidden_layer(x1, x2, w1, w2):
    return (x1 + w1 * x2) ** 2, w2 * x1 * x2


def grads(x1, x2, y, w, *, x_in_w1="x2", h2_for_w2=False, sign=1.0):
    w1, w2, w3, w4, w5 = w
    h1, h2 = hidden_layer(x1, x2, w1, w2)
    d = sign * 2 * ((w3 * h1 + w4 * h2 + w5) - y)
    factor = x2 if x_in_w1 == "x2" else x1
    return [d * w3 * 2 * (x1 + w1 * x2) * factor, d * w4 * (h2 if h2_for_w2 else x1 * x2), d * h1, d * h2, d]


def blame(fwd, w, d):
    return (d * w[2] * 2 * (fwd.x1 + w[0] * fwd.x2) * fwd.x2, d * w[3] * fwd.x1 * fwd.x2, d * fwd.h1, d * fwd.h2, d)


def summed(w, data, g):
    return np.sum([g(w, e) for e in data], axis=0)


def batch_step(w, data, lr, g):
    return np.asarray(w) - lr * summed(w, data, g)


def online_epoch(w, data, lr, g):
    w = np.asarray(w, float)
    for e in data:
        w = w - lr * np.asarray(g(w, e))
    return w


def sig(x):
    return 1 / (1 + np.exp(-x))


# ---- part 4


def _distinct_on_some_case(cases, mistakes, expected):
    """Every two mistakes (and every mistake and the right answer) differ on at least one case."""
    values = [[np.ravel(wrong(c)) for c in cases] for _, wrong in mistakes] + [[np.ravel(expected(c)) for c in cases]]
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            same_hint = j < len(mistakes) and str(mistakes[i][0]) == str(mistakes[j][0])
            if not same_hint:
                assert any(not np.allclose(a, b, rtol=1e-9, atol=1e-9) for a, b in zip(values[i], values[j])), (i, j)


def test_part4_other_case_shows_what_the_starting_weights_hide():
    w, e = part4.OTHER_WEIGHTS, part4.OTHER_EXAMPLE
    assert 1.0 not in (w.w1, w.w2, w.w3, w.w4) and w.w5 != 0 and w.w3 != w.w4
    assert e.x1 + w.w1 * e.x2 < 0 and e.x2 not in (1.0, 2.0) and w.w3 not in (2.0, e.x2)
    from course_lib.network import forward
    assert forward(w, e.x1, e.x2).y_pred < e.y_true
    assert part4.HIDDEN_LAYER_CASES[-1] == (e.x1, e.x2, w.w1, w.w2)
    assert part4.OUTPUT_LAYER_CASES[-1][2:] == (w.w3, w.w4, w.w5)


def test_part4_mistakes_are_told_apart_by_the_visible_cases():
    _distinct_on_some_case(part4.HIDDEN_LAYER_CASES, part4.HIDDEN_LAYER_MISTAKES, lambda c: part4._layer1(*c))
    _distinct_on_some_case(part4.OUTPUT_LAYER_CASES, part4.OUTPUT_LAYER_MISTAKES,
                           lambda c: c[2] * c[0] + c[3] * c[1] + c[4])
    _distinct_on_some_case(part4.TOTAL_ERROR_CASES, part4.TOTAL_ERROR_MISTAKES, lambda c: sum(part4._squares(c)))


def test_hidden_layer_visible_cases_print_each_pair(capsys):
    part4.check_hidden_layer(hidden_layer)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(part4.HIDDEN_LAYER_CASES) and out[0] == "✓ hidden_layer(3, 2, 1, 2) = (h1, h2) = (25, 12)"


def test_hidden_layer_w1_next_to_x1_fails_on_the_other_case():
    swapped = lambda x1, x2, w1, w2: ((w1 * x1 + x2) ** 2, w2 * x1 * x2)  # noqa: E731
    message = fails_with(part4.check_hidden_layer, swapped, hint="w1 multiplies x2")
    assert "hidden_layer(-2, 1.5, 0.5, -1.5)" in message


def test_hidden_layer_rejects_wrong_types_and_takes_a_namedtuple(capsys):
    fails_with(part4.check_hidden_layer, lambda *a: AlwaysEqual(25.0), hint="return the pair")
    fails_with(part4.check_hidden_layer, lambda *a: (AlwaysEqual(1.0), 12.0), hint="should be a number")
    fails_with(part4.check_hidden_layer, lambda *a: ("25", "12"), hint="should be a number")
    fails_with(part4.check_hidden_layer, lambda *a: (25.0,), hint="return the pair")
    from collections import namedtuple
    Pair = namedtuple("Pair", "h1 h2")
    passes_lines(capsys, part4.check_hidden_layer, lambda *a: Pair(*hidden_layer(*a)),
                 lines=len(part4.HIDDEN_LAYER_CASES))


def test_hidden_cases_print_one_line_without_inputs(capsys):
    passes_lines(capsys, part4.check_hidden_layer, hidden_layer, [(3.0, 2.0, 0.5, -1.5), (0, -3, -0.75, 4)], lines=1)


def test_output_layer_and_total_error(capsys):
    passes_lines(capsys, part4.check_output_layer, lambda h1, h2, w3, w4, w5: np.float64(w3 * h1 + w4 * h2 + w5),
                 lines=len(part4.OUTPUT_LAYER_CASES))
    fails_with(part4.check_output_layer, lambda h1, h2, w3, w4, w5: w3 * h1 + w4 * h2, hint="bias w5 is missing")
    fails_with(part4.check_output_layer, lambda h1, h2, w3, w4, w5: w3 * h2 + w4 * h1 + w5, hint="swapped")
    right = lambda t, p: sum((a - b) ** 2 for a, b in zip(t, p))  # noqa: E731
    passes_lines(capsys, part4.check_total_error, right, lines=len(part4.TOTAL_ERROR_CASES))
    with pytest.raises(CheckFailed, match="should be 534"):
        part4.check_total_error(lambda t, p: 0.0)
    # the script's differences are all negative: |d| summed and −Σd agree there; the other case parts them
    fails_with(part4.check_total_error, lambda t, p: sum(abs(a - b) for a, b in zip(t, p)), hint="absolute values")
    fails_with(part4.check_total_error, lambda t, p: sum(b - a for a, b in zip(t, p)), hint="cancel")


def test_unwritten_answer_is_reported():
    def todo(*args):
        raise NotImplementedError()
    fails_with(part4.check_hidden_layer, todo, hint="not written yet")


# ---- part 5


def test_part5_mistakes_are_told_apart_by_the_visible_cases():
    _distinct_on_some_case(part5.ERROR_GRADIENT_CASES, part5.ERROR_GRADIENT_MISTAKES, lambda c: 2 * (c[1] - c[0]))
    _distinct_on_some_case(part5.EXAMPLE_CASES, part5.BLAME_MISTAKES, part5.gradients_of)
    _distinct_on_some_case(part5.GRADIENT_STEP_CASES, part5.GRADIENT_STEP_MISTAKES, part5._new_weights)


def test_error_gradient(capsys):
    passes_lines(capsys, part5.check_error_gradient, lambda t, p: 2 * (p - t), lines=len(part5.EXAMPLE_CASES))
    fails_with(part5.check_error_gradient, lambda t, p: 2 * (t - p), hint="sign is flipped")
    fails_with(part5.check_error_gradient, lambda t, p: p - t, hint="factor 2")
    # the script's predictions all lie above their targets; the other case does not
    assert all(p > t for t, p in part5.ERROR_GRADIENT_CASES[:-1])
    fails_with(part5.check_error_gradient, lambda t, p: 2 * abs(p - t), hint="the sign matters")


def test_blame_true_values_and_hints(capsys):
    part5.check_blame(blame)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(part5.EXAMPLE_CASES) and "[520, 156, 650, 312, 26]" in out[0]
    message = fails_with(part5.check_blame, lambda f, w, d: (d, 0, 0, 0, 0), hint="∂Error/∂w1 on example (3, 2) should be 520")
    assert "you got 26" in message and "∂Error/∂y_pred × ∂y_pred/∂h1 × ∂h1/∂w1" in message
    # a missing middle link (w3) hides behind the starting w3 = 1; the other case shows it
    no_w3 = lambda f, w, d: (d * 2 * (f.x1 + w[0] * f.x2) * f.x2,) + tuple(blame(f, w, d)[1:])  # noqa: E731
    fails_with(part5.check_blame, no_w3, hint="multiply by ∂y_pred/∂h1 = w3")
    fails_with(part5.check_blame, lambda f, w, d: blame(f, w, d)[:4], hint="five gradients")


def test_blame_names_the_slip_that_the_later_cases_confirm():
    """On the script's first example x2 = 2: a missing x2 and a missing power-rule 2 give the same value."""
    def no_two(f, w, d):
        return (d * w[2] * (f.x1 + w[0] * f.x2) * f.x2,) + tuple(blame(f, w, d)[1:])

    def no_x2(f, w, d):
        return (d * w[2] * 2 * (f.x1 + w[0] * f.x2),) + tuple(blame(f, w, d)[1:])

    assert part5.EXAMPLE_CASES[0][1] == 2.0
    assert "power rule's 2" in fails_with(part5.check_blame, no_two, hint="should be 520")
    assert "power rule's 2" not in fails_with(part5.check_blame, no_x2, hint="inner factor x2 is missing")


def test_blame_square_root_of_h1_fails_where_the_inner_sum_is_negative():
    import math
    sqrt_h1 = lambda f, w, d: (d * w[2] * 2 * math.sqrt(f.h1) * f.x2,) + tuple(blame(f, w, d)[1:])  # noqa: E731
    message = fails_with(part5.check_blame, sqrt_h1, hint="not √h1")
    assert "on example (-2, 1.5)" in message


def test_gradient_step_is_simultaneous(capsys):
    def step(w, g, lr):
        return [a - lr * b for a, b in zip(w, g(w))]

    def one_at_a_time(w, g, lr):
        w = list(w)
        for i in range(5):
            w[i] -= lr * g(tuple(w))[i]
        return w

    passes_lines(capsys, part5.check_gradient_step, step, lines=len(part5.GRADIENT_STEP_CASES))
    fails_with(part5.check_gradient_step, one_at_a_time, hint="one at a time")
    fails_with(part5.check_gradient_step, lambda w, g, lr: [a + lr * b for a, b in zip(w, g(w))],
               hint="added instead of subtracted")


def test_gradient_step_gets_course_libs_gradient():
    seen = []

    def spy(w, g, lr):
        seen.append(g(w))
        return [a - lr * b for a, b in zip(w, seen[-1])]

    part5.check_gradient_step(spy)
    assert seen[0] == pytest.approx((520.0, 156.0, 650.0, 312.0, 26.0))
    assert part5.GRADIENT_STEP_CASES[0][4] == P5_LR


# ---- part 6


def test_part6_mistakes_are_told_apart_by_the_visible_cases():
    _distinct_on_some_case(part6.DATA_CASES, part6.TOTAL_GRADIENT_MISTAKES, part6._total)
    _distinct_on_some_case(part6.LR_CASES, part6.BATCH_STEP_MISTAKES, part6._batch)
    _distinct_on_some_case(part6.LR_CASES, part6.ONLINE_EPOCH_MISTAKES, part6._online)


def test_example_gradients_uses_true_values_and_explains_script_slips(capsys):
    passes_lines(capsys, part6.check_example_gradients, lambda *a: grads(*a), lines=len(part5.EXAMPLE_CASES))
    message = fails_with(part6.check_example_gradients, lambda *a: grads(*a, x_in_w1="x1"),
                         hint="script's gradient table makes this very slip")
    assert "should be 520, you got 780" in message
    message = fails_with(part6.check_example_gradients, lambda *a: grads(*a, h2_for_w2=True),
                         hint="script's gradient table makes this very slip")
    assert "∂Error/∂w2" in message
    fails_with(part6.check_example_gradients, lambda *a: grads(*a, sign=-1.0), hint="sign is flipped")


def test_example_gradients_names_a_forward_pass_without_the_bias():
    def no_bias(x1, x2, y, w):
        return grads(x1, x2, y, tuple(w[:4]) + (0.0,))[:4] + [grads(x1, x2, y, tuple(w[:4]) + (0.0,))[4]]
    message = fails_with(part6.check_example_gradients, no_bias, hint="the bias w5 is missing")
    assert "(0.5, -1.5, 2.5, -0.75, 1.5)" in message


def test_total_gradient_sums(capsys):
    passes_lines(capsys, part6.check_total_gradient, summed, lines=len(part6.DATA_CASES))
    with pytest.raises(CheckFailed, match=r"should be \[2064, 316, 1636, 632, 68\]"):
        part6.check_total_gradient(lambda w, d, g: [0.0] * 5)
    fails_with(part6.check_total_gradient, lambda w, d, g: np.mean([g(w, e) for e in d], axis=0), hint="SUMS")
    fails_with(part6.check_total_gradient, lambda w, d, g: [g(w, e) for e in d], hint="not one row per example")
    fails_with(part6.check_total_gradient, lambda w, d, g: sum([list(g(w, e)) for e in d], []), hint="joins them")


def test_batch_and_online_are_told_apart(capsys):
    passes_lines(capsys, part6.check_batch_step, batch_step, lines=len(part6.LR_CASES))
    passes_lines(capsys, part6.check_online_epoch, online_epoch, lines=len(part6.LR_CASES))
    fails_with(part6.check_batch_step, online_epoch, hint="online learning")
    fails_with(part6.check_online_epoch, batch_step, hint="batch update")
    fails_with(part6.check_online_epoch, lambda w, d, lr, g: online_epoch(w, d[::-1], lr, g), hint="last to first")


def test_train_with_uses_course_lib_until_the_check_passes(capsys):
    from course_lib.check import core
    from course_lib.network import INITIAL_WEIGHTS, total_squared_error

    core.reset("06_batch_learning")

    def todo(*args):
        raise NotImplementedError()

    errors = part6.train_with(todo, "online_epoch", 3)
    assert "has not passed its check yet" in capsys.readouterr().out
    assert len(errors) == 4 and errors[0] == total_squared_error(INITIAL_WEIGHTS)
    part6.check_online_epoch(online_epoch)
    capsys.readouterr()
    assert part6.train_with(online_epoch, "online_epoch", 3) == pytest.approx(errors)
    assert capsys.readouterr().out == ""


# ---- part 7


def test_relu(capsys):
    passes(capsys, part7.check_relu, lambda v: np.maximum(v, 0), lambda v: (v > 0).astype(float))
    fails_with(part7.check_relu, lambda v: np.maximum(v, 0), lambda v: (v >= 0).astype(float),
               hint="at x = 0 the course uses 0")
    fails_with(part7.check_relu, lambda v: np.maximum(v, 0), lambda v: v > 0, hint=".astype(float)")
    fails_with(part7.check_relu, lambda v: v, lambda v: (v > 0).astype(float), hint="negative inputs")
    fails_with(part7.check_relu, lambda v: np.max(v, 0), lambda v: (v > 0).astype(float), hint="one number")
    assert 0.0 in part7.ACTIVATION_INPUTS[0]


def test_activation_draws_are_made_inside_the_check(capsys):
    passes(capsys, part7.check_relu, lambda v: np.maximum(v, 0), lambda v: (v > 0).astype(float),
           cases=[[0.0, 1e-9]], draws=[(7, 3.0, 20)])
    assert "right on 2 more inputs" in capsys.readouterr().out or True


def test_sigmoid(capsys):
    passes(capsys, part7.check_sigmoid, sig, lambda v: sig(v) * (1 - sig(v)))
    fails_with(part7.check_sigmoid, sig, sig, hint="that is sigmoid(x) itself")
    fails_with(part7.check_sigmoid, sig, lambda v: v * (1 - v), hint="not to x itself")
    fails_with(part7.check_sigmoid, lambda v: 1 / (1 + np.exp(v)), lambda v: sig(v) * (1 - sig(v)),
               hint="the exponent is −x")


def test_cross_entropy(capsys):
    passes_lines(capsys, part7.check_cross_entropy, lambda p, k: -np.log(p[k]), lines=2)
    message = fails_with(part7.check_cross_entropy, lambda p, k: -np.log10(p[k]), hint="log10")
    assert "0.223144" in message
    fails_with(part7.check_cross_entropy, lambda p, k: np.log(p[k]), hint="minus sign")
    fails_with(part7.check_cross_entropy, lambda p, k: -np.log(p[1 - k]), hint="TRUE class")
    # the likeliest class is the true one in the script's example only
    fails_with(part7.check_cross_entropy, lambda p, k: -np.log(max(p)), hint="TRUE class")


def test_dense_backward_against_mlp(capsys):
    right = lambda a, W, d: (a.T @ d, d.sum(axis=0), d @ W.T)  # noqa: E731
    passes(capsys, part7.check_dense_backward, right)
    passes(capsys, part7.check_dense_backward, right, [((6, 4, 8, 5), 9, 2)])
    fails_with(part7.check_dense_backward, lambda a, W, d: (d.T @ a, d.sum(0), d @ W.T), hint="a.T @ delta")
    fails_with(part7.check_dense_backward, lambda a, W, d: (a.T @ d / len(a), d.sum(0), d @ W.T),
               hint="don't divide by the batch size")
    fails_with(part7.check_dense_backward, lambda a, W, d: (a.T @ d, d.mean(0), d @ W.T), hint="don't average")
    fails_with(part7.check_dense_backward, lambda a, W, d: (a.T @ d, d @ W.T, d.sum(0)), hint="(dW, db, da)")
    message = fails_with(part7.check_dense_backward, lambda a, W, d: (a.T @ d, d.sum(0), d @ W), hint="transpose")
    assert "array([" not in message


def test_dense_reference_is_the_mlps_gradient():
    a, W, delta, dW, db, da, _ = part7.dense_case((4, 5, 3), 6, 0)
    assert np.allclose(dW, a.T @ delta) and np.allclose(db, delta.sum(0)) and da.shape == a.shape


# ---- every part


@pytest.mark.parametrize("module", [part4, part5, part6, part7], ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_steps_are_worked_numbers_not_code(module):
    from course_lib.check import core
    for record in core.exercises(module.NOTEBOOK, kind=core.EXERCISE):
        assert len(record.steps) >= 2, record.exercise_id
        for step in record.steps:
            assert "return " not in step and "def " not in step and "for " not in step[:4], step


def test_progress_lists_every_exercise():
    for notebook, count in (("04_forward_pass", 3), ("05_backpropagation", 3), ("06_batch_learning", 4),
                            ("07_scaling_up", 4)):
        assert len(progress(notebook).rows) - len(progress(notebook).concepts) == count
    with pytest.raises(CheckFailed):
        part7.check_cross_entropy(lambda p, k: 0.0)
    statuses = {r[0]: r[2] for r in progress("07_scaling_up").rows}
    assert statuses["cross_entropy"] == "failed"


@pytest.mark.parametrize("check, wrong", [
    (part4.check_output_layer, lambda h1, h2, w3, w4, w5: w3 * h1 + w4 * h2),
    (part5.check_blame, lambda f, w, d: (d * 2 * (f.x1 + w[0] * f.x2) * f.x2,) + tuple(blame(f, w, d)[1:])),
    (part6.check_online_epoch, batch_step),
    (part7.check_cross_entropy, lambda p, k: -np.log10(p[k])),
], ids=["04-bias", "05-w3", "06-batch", "07-log10"])
def test_a_repeated_mistake_gets_a_second_hint_then_the_worked_steps(learner, check, wrong):
    from course_lib.check import core
    core.reset()
    for _ in range(4):
        assert check(wrong) is None
    rows = [dict(f.rows()) | {"levels": [h for h, _ in f.rows()]} for f in learner]
    assert [r["levels"].count("more") for r in rows] == [0, 1, 1, 1]
    assert [r["levels"].count("next step") for r in rows] == [0, 0, 1, 2]
    assert rows[-1]["next step"] == check.exercise.steps[1] and rows[0]["hint"] == rows[-1]["hint"]
