"""Checks for notebook 05 (backpropagation on one example and the simultaneous update).

``blame`` receives course_lib's forward pass and ∂Error/∂y_pred, and ``gradient_step``
receives course_lib's gradient function, so each exercise is graded on its own.
Hidden tests use weights where w3, w4 ≠ 1 (the script's w3 = w4 = 1 hides a missing
middle link of the chain) and examples where x1 ≠ x2.
"""

from __future__ import annotations

from course_lib.check.core import (
    call,
    expect_array,
    expect_number,
    expect_sequence,
    exercise,
    fmt,
    passed,
)
from course_lib.network import NAMES, Example, Weights, backprop, forward, update

NOTEBOOK = "05_backpropagation"


def as_weights(w) -> Weights:
    return Weights(*[float(v) for v in w])


def gradient_function(x1, x2, y_true):
    """course_lib's ∂Error/∂(w1…w5) on one example, as a function of the five weights (a tuple)."""
    example = Example(float(x1), float(x2), float(y_true))

    def grad(weights):
        return tuple(float(g) for g in backprop(as_weights(weights), example).gradient.as_array())

    return grad


@exercise(NOTEBOOK, "error_gradient", "∂Error/∂y_pred = 2·(y_pred − y_true)")
def check_error_gradient(error_gradient, y_true, y_pred):
    """error_gradient(y_true, y_pred) must return ∂/∂y_pred (y_true − y_pred)²."""
    got = call("error_gradient", error_gradient, y_true, y_pred)
    d = y_pred - y_true
    expect_number(f"error_gradient(y_true={fmt(y_true)}, y_pred={fmt(y_pred)})", got, 2 * d, tol=1e-9, mistakes=[
        ("the sign is flipped: the inner derivative of (y_true − y_pred) with respect to y_pred is −1, "
         "so the result is 2·(y_pred − y_true)", -2 * d),
        ("the power rule brings down a factor 2: 2·(y_pred − y_true)", d),
        ("that is the error itself, (y_true − y_pred)², not its derivative", d * d),
    ], hint="differentiate (y_true − y_pred)² with respect to y_pred: chain rule, outer 2·(…), inner −1")
    passed(f"∂Error/∂y_pred for y_true = {fmt(y_true)}, y_pred = {fmt(y_pred)} is {fmt(2 * d)}")


def blame_mistakes(x1, x2, w, h1, h2, dE_dy):
    """Wrong ∂Error/∂w values by weight: (hint, value) lists, computed on the same input."""
    w1, w2, w3, w4, _ = w
    inner = x1 + w1 * x2
    return {
        "w1": [
            ("∂h1/∂w1 = 2·(x1 + w1·x2)·x2: the inner derivative is x2 (w1 multiplies x2), not x1",
             dE_dy * w3 * 2 * inner * x1),
            ("∂h1/∂w1 = 2·(x1 + w1·x2)·x2: the inner factor x2 is missing", dE_dy * w3 * 2 * inner),
            ("∂h1/∂w1 = 2·(x1 + w1·x2)·x2: the power rule's 2 is missing", dE_dy * w3 * inner * x2),
            ("the chain passes through h1: multiply by ∂y_pred/∂h1 = w3", dE_dy * 2 * inner * x2),
            ("that is ∂Error/∂w3 (the blame of h1's weight in layer 2)", dE_dy * h1),
        ],
        "w2": [
            ("∂h2/∂w2 = x1·x2 (w2 is the variable, so it disappears); you kept w2 and used h2", dE_dy * w4 * h2),
            ("the chain passes through h2: multiply by ∂y_pred/∂h2 = w4", dE_dy * x1 * x2),
            ("that is ∂Error/∂w4 (the blame of h2's weight in layer 2)", dE_dy * h2),
        ],
        "w3": [
            ("∂y_pred/∂w3 = h1, not h2: w3 multiplies h1", dE_dy * h2),
            ("∂y_pred/∂w3 = h1, not w3", dE_dy * w3),
        ],
        "w4": [
            ("∂y_pred/∂w4 = h2, not h1: w4 multiplies h2", dE_dy * h1),
            ("∂y_pred/∂w4 = h2, not w4", dE_dy * w4),
        ],
        "w5": [
            ("∂y_pred/∂w5 = 1 (w5 is added), so ∂Error/∂w5 = ∂Error/∂y_pred", 1.0),
        ],
    }


def expect_gradients(label, got, bp, w, mistakes_by_weight=None):
    """Check five gradients weight by weight against a course_lib Backprop; return them as floats."""
    items = expect_sequence(label, got, length=5, shape_hint="return the five gradients in the order w1, w2, w3, w4, w5")
    fw = bp.forward
    mistakes = mistakes_by_weight or blame_mistakes(fw.x1, fw.x2, w, fw.h1, fw.h2, bp.dE_dy)
    values = []
    for name, item in zip(NAMES, items):
        blame = bp.blames[name]
        chain = " × ".join(f"{key} = {fmt(v)}" for key, v in blame.factors)
        values.append(expect_number(f"{label}: ∂Error/∂{name}", item, blame.gradient, tol=1e-9,
                                    mistakes=mistakes[name], hint=f"multiply along {name}'s path: {chain}"))
    return values


@exercise(NOTEBOOK, "blame", "∂Error/∂w for all five weights (the blame chain)")
def check_blame(blame, x1, x2, y_true, weights):
    """blame(fwd, weights, dE_dy) must return (∂Error/∂w1, …, ∂Error/∂w5) on one example."""
    w = tuple(float(v) for v in weights)
    bp = backprop(as_weights(w), Example(float(x1), float(x2), float(y_true)))
    fwd = forward(as_weights(w), x1, x2, y_true)
    got = call("blame", blame, fwd, w, bp.dE_dy)
    expect_gradients(f"blame on example ({fmt(x1)}, {fmt(x2)}) with weights {fmt(list(w))}", got, bp, w)
    passed(f"blame on ({fmt(x1)}, {fmt(x2)}): gradients {fmt([float(g) for g in bp.gradient.as_array()])}")


def step_variants(w, grad_fn, lr):
    """Wrong updates computed on the same input: (hint, new weights)."""
    g = grad_fn(w)
    one_at_a_time = list(w)
    for i in range(len(w)):
        one_at_a_time[i] -= lr * grad_fn(tuple(one_at_a_time))[i]
    return [
        ("is the step added instead of subtracted? Downhill means w − η·gradient", [a + lr * b for a, b in zip(w, g)]),
        ("the step is missing the learning rate: w − η·gradient", [a - b for a, b in zip(w, g)]),
        ("you returned the steps η·gradient, not the new weights", [lr * b for b in g]),
        ("the weights were updated one at a time, each with gradients recomputed after the previous one "
         "moved: compute all five gradients at the old weights first, then update them together", one_at_a_time),
    ]


@exercise(NOTEBOOK, "gradient_step", "one simultaneous gradient-descent update of all five weights")
def check_gradient_step(gradient_step, x1, x2, y_true, weights, lr):
    """gradient_step(weights, grad_fn, lr) must return the five weights after one update."""
    w = tuple(float(v) for v in weights)
    grad_fn = gradient_function(x1, x2, y_true)
    expected = [float(v) for v in update(as_weights(w), as_weights(grad_fn(w)), lr).as_array()]
    got = call("gradient_step", gradient_step, w, grad_fn, lr)
    expect_array(f"gradient_step on example ({fmt(x1)}, {fmt(x2)}) with η = {fmt(lr)}", got, expected, tol=1e-9,
                 mistakes=step_variants(w, grad_fn, lr),
                 hint="new w = old w − η·∂Error/∂w, for each of the five weights, all from the same gradients",
                 shape_hint="return the five new weights in the order w1, w2, w3, w4, w5")
    passed(f"one step with η = {fmt(lr)}: new weights {fmt(expected)}")
