"""Checks of parts 4–7: right answers pass (one ✓ line), known mistakes fail with their hint,
wrong types earn nothing, and each check uses course_lib's reference for earlier steps."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.check import part4, part5, part6, part7, progress
from course_lib.check.core import CheckFailed

START = (1.0, 2.0, 1.0, 1.0, 0.0)
DATA = [(3.0, 2.0, 24.0), (1.0, 4.0, 14.0), (2.0, 1.0, 11.0)]
OTHER = (0.5, -1.0, 1.5, 0.75, 1.5)  # w3 ≠ x2, so "w3 missing" and "x2 missing" differ


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


def test_hidden_layer_passes_and_names_mistakes(capsys):
    passes(capsys, part4.check_hidden_layer, hidden_layer, 3.0, 2.0, 1.0, 2.0)
    fails_with(part4.check_hidden_layer, lambda x1, x2, w1, w2: (x1 + w1 * x2, w2 * x1 * x2), 3, 2, 1, 2,
               hint="h1 is squared")
    # w1 next to x1 is invisible at w1 = 1: only another weight reveals it.
    swapped = lambda x1, x2, w1, w2: ((w1 * x1 + x2) ** 2, w2 * x1 * x2)  # noqa: E731
    part4.check_hidden_layer(swapped, 3.0, 2.0, 1.0, 2.0)
    fails_with(part4.check_hidden_layer, swapped, 3.0, 2.0, 0.5, 2.0, hint="w1 multiplies x2")
    fails_with(part4.check_hidden_layer, lambda *a: (hidden_layer(*a)[0], a[0] * a[1]), 3, 2, 1, 2,
               hint="the weight w2 is missing")


def test_hidden_layer_rejects_wrong_types():
    fails_with(part4.check_hidden_layer, lambda *a: AlwaysEqual(25.0), 3, 2, 1, 2, hint="should be a list")
    fails_with(part4.check_hidden_layer, lambda *a: (AlwaysEqual(1.0), 12.0), 3, 2, 1, 2, hint="should be a number")
    fails_with(part4.check_hidden_layer, lambda *a: ("25", "12"), 3, 2, 1, 2, hint="should be a number")
    fails_with(part4.check_hidden_layer, lambda *a: (25.0,), 3, 2, 1, 2, hint="return the pair")


def test_output_layer_and_total_error(capsys):
    passes(capsys, part4.check_output_layer, lambda h1, h2, w3, w4, w5: np.float64(w3 * h1 + w4 * h2 + w5),
           25, 12, 1, 1, 0)
    fails_with(part4.check_output_layer, lambda h1, h2, w3, w4, w5: w3 * h1 + w4 * h2, 25, 12, 1, 1, 0.5,
               hint="bias w5 is missing")
    fails_with(part4.check_output_layer, lambda h1, h2, w3, w4, w5: w3 * h2 + w4 * h1 + w5, 25, 12, 0.5, 2, 0,
               hint="swapped")
    right = lambda t, p: sum((a - b) ** 2 for a, b in zip(t, p))  # noqa: E731
    passes(capsys, part4.check_total_error, right, [24, 14, 11], [37, 33, 13])
    fails_with(part4.check_total_error, lambda t, p: sum(a - b for a, b in zip(t, p)), [24, 14, 11], [37, 33, 13],
               hint="cancel")
    fails_with(part4.check_total_error, lambda t, p: right(t, p) / len(t), [24, 14, 11], [37, 33, 13],
               hint="mean")


def test_total_error_expected_value_is_534(capsys):
    with pytest.raises(CheckFailed, match="should be 534"):
        part4.check_total_error(lambda t, p: 0.0, [24, 14, 11], [37, 33, 13])


def test_unwritten_answer_is_reported():
    def todo(*args):
        raise NotImplementedError()
    fails_with(part4.check_hidden_layer, todo, 3, 2, 1, 2, hint="not written yet")


# ---- part 5


def test_error_gradient(capsys):
    passes(capsys, part5.check_error_gradient, lambda t, p: 2 * (p - t), 24.0, 37.0)
    fails_with(part5.check_error_gradient, lambda t, p: 2 * (t - p), 24.0, 37.0, hint="sign is flipped")
    fails_with(part5.check_error_gradient, lambda t, p: p - t, 24.0, 37.0, hint="factor 2")


def test_blame_true_values_and_hints(capsys):
    passes(capsys, part5.check_blame, blame, 3.0, 2.0, 24.0, START)
    message = fails_with(part5.check_blame, lambda f, w, d: (d, 0, 0, 0, 0), 3.0, 2.0, 24.0, START,
                         hint="∂Error/∂w1 should be 520")
    assert "26" in message
    # A missing middle link (w3) hides behind w3 = 1; other weights reveal it.
    no_w3 = lambda f, w, d: (d * 2 * (f.x1 + w[0] * f.x2) * f.x2,) + tuple(blame(f, w, d)[1:])  # noqa: E731
    part5.check_blame(no_w3, 3.0, 2.0, 24.0, START)
    fails_with(part5.check_blame, no_w3, 3.0, 2.0, 24.0, OTHER, hint="multiply by ∂y_pred/∂h1 = w3")
    fails_with(part5.check_blame, lambda f, w, d: blame(f, w, d)[:4], 3.0, 2.0, 24.0, START, hint="five gradients")


def test_gradient_step_is_simultaneous(capsys):
    def step(w, g, lr):
        return [a - lr * b for a, b in zip(w, g(w))]

    def one_at_a_time(w, g, lr):
        w = list(w)
        for i in range(5):
            w[i] -= lr * g(tuple(w))[i]
        return w

    passes(capsys, part5.check_gradient_step, step, 3.0, 2.0, 24.0, START, 0.0001)
    fails_with(part5.check_gradient_step, one_at_a_time, 3.0, 2.0, 24.0, START, 0.0001, hint="one at a time")
    fails_with(part5.check_gradient_step, lambda w, g, lr: [a + lr * b for a, b in zip(w, g(w))],
               3.0, 2.0, 24.0, START, 0.0001, hint="added instead of subtracted")


def test_gradient_step_gets_course_libs_gradient():
    seen = []

    def spy(w, g, lr):
        seen.append(g(w))
        return [a - lr * b for a, b in zip(w, seen[-1])]

    part5.check_gradient_step(spy, 3.0, 2.0, 24.0, START, 0.0001)
    assert seen[0] == pytest.approx((520.0, 156.0, 650.0, 312.0, 26.0))


# ---- part 6


def test_example_gradients_uses_true_values_and_explains_script_slips(capsys):
    for x1, x2, y in DATA:
        passes(capsys, part6.check_example_gradients, lambda *a: grads(*a), x1, x2, y, START)
    message = fails_with(part6.check_example_gradients, lambda *a: grads(*a, x_in_w1="x1"), 1.0, 4.0, 14.0, START,
                         hint="script's gradient table makes this very slip")
    assert "should be 1520" in message and "you got 380" in message
    message = fails_with(part6.check_example_gradients, lambda *a: grads(*a, h2_for_w2=True), 2.0, 1.0, 11.0, START,
                         hint="script's gradient table makes this very slip")
    assert "should be 8" in message and "you got 16" in message
    fails_with(part6.check_example_gradients, lambda *a: grads(*a, sign=-1.0), 3.0, 2.0, 24.0, START,
               hint="sign is flipped")


def test_total_gradient_sums(capsys):
    passes(capsys, part6.check_total_gradient, summed, START, DATA)
    with pytest.raises(CheckFailed, match=r"should be \[2064, 316, 1636, 632, 68\]"):
        part6.check_total_gradient(lambda w, d, g: [0.0] * 5, START, DATA)
    fails_with(part6.check_total_gradient, lambda w, d, g: np.mean([g(w, e) for e in d], axis=0), START, DATA,
               hint="SUMS")
    fails_with(part6.check_total_gradient, lambda w, d, g: [g(w, e) for e in d], START, DATA,
               hint="not one row per example")


def test_batch_and_online_are_told_apart(capsys):
    passes(capsys, part6.check_batch_step, batch_step, START, DATA, 0.0001)
    passes(capsys, part6.check_online_epoch, online_epoch, START, DATA, 0.0001)
    fails_with(part6.check_batch_step, online_epoch, START, DATA, 0.0001, hint="online learning")
    fails_with(part6.check_online_epoch, batch_step, START, DATA, 0.0001, hint="batch learning")
    fails_with(part6.check_online_epoch, lambda w, d, lr, g: online_epoch(w, d[::-1], lr, g), START, DATA, 0.0001,
               hint="last to first")


# ---- part 7


def test_relu(capsys):
    x = [-2.0, -0.5, 0.0, 0.5, 3.0]
    passes(capsys, part7.check_relu, lambda v: np.maximum(v, 0), lambda v: (v > 0).astype(float), x)
    fails_with(part7.check_relu, lambda v: np.maximum(v, 0), lambda v: (v >= 0).astype(float), x,
               hint="at x = 0 the course uses 0")
    fails_with(part7.check_relu, lambda v: np.maximum(v, 0), lambda v: v > 0, x, hint=".astype(float)")
    fails_with(part7.check_relu, lambda v: v, lambda v: (v > 0).astype(float), x, hint="negative inputs")


def test_sigmoid(capsys):
    x = [-2.0, 0.0, 3.0]
    passes(capsys, part7.check_sigmoid, sig, lambda v: sig(v) * (1 - sig(v)), x)
    fails_with(part7.check_sigmoid, sig, sig, x, hint="that is sigmoid(x) itself")
    fails_with(part7.check_sigmoid, sig, lambda v: v * (1 - v), x, hint="not to x itself")
    fails_with(part7.check_sigmoid, lambda v: 1 / (1 + np.exp(v)), lambda v: sig(v) * (1 - sig(v)), x,
               hint="the exponent is −x")


def test_cross_entropy(capsys):
    passes(capsys, part7.check_cross_entropy, lambda p, k: -np.log(p[k]), [0.8, 0.2], 0)
    message = fails_with(part7.check_cross_entropy, lambda p, k: -np.log10(p[k]), [0.8, 0.2], 0, hint="log10")
    assert "0.223144" in message
    fails_with(part7.check_cross_entropy, lambda p, k: np.log(p[k]), [0.8, 0.2], 0, hint="minus sign")
    fails_with(part7.check_cross_entropy, lambda p, k: -np.log(p[1 - k]), [0.8, 0.2], 0, hint="wrong class")


def test_dense_backward_against_mlp(capsys):
    right = lambda a, W, d: (a.T @ d, d.sum(axis=0), d @ W.T)  # noqa: E731
    passes(capsys, part7.check_dense_backward, right)
    passes(capsys, part7.check_dense_backward, right, sizes=(6, 4, 8, 5), batch=9, seed=2)
    fails_with(part7.check_dense_backward, lambda a, W, d: (d.T @ a, d.sum(0), d @ W.T), hint="a.T @ delta")
    fails_with(part7.check_dense_backward, lambda a, W, d: (a.T @ d / len(a), d.sum(0), d @ W.T),
               hint="don't divide by the batch size")
    fails_with(part7.check_dense_backward, lambda a, W, d: (a.T @ d, d.mean(0), d @ W.T), hint="don't average")


def test_dense_reference_is_the_mlps_gradient():
    a, W, delta, dW, db, da, _ = part7.dense_case((4, 5, 3), 6, 0)
    assert np.allclose(dW, a.T @ delta) and np.allclose(db, delta.sum(0)) and da.shape == a.shape


def test_progress_lists_every_exercise():
    for notebook, count in (("04_forward_pass", 3), ("05_backpropagation", 3), ("06_batch_learning", 4),
                            ("07_scaling_up", 4)):
        assert len(progress(notebook).rows) == count
    with pytest.raises(CheckFailed):
        part7.check_cross_entropy(lambda p, k: 0.0, [0.8, 0.2], 0)
    statuses = {r[0]: r[2] for r in progress("07_scaling_up").rows}
    assert statuses["cross_entropy"] == "failed"
