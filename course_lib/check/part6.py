"""Checks for notebook 06 (gradients over several examples; batch and online learning).

The visible checks use the TRUE gradients: the script's table slips twice (example 2's
∂h1/∂w1 and example 3's ∂h2/∂w2), and a learner who makes the same slip is told so.
``total_gradient``, ``batch_step`` and ``online_epoch`` receive course_lib's per-example
gradient function, so they are graded independently of ``example_gradients``.
"""

from __future__ import annotations

from course_lib.batch import batch_gradients, batch_update, train_online
from course_lib.check.core import call, expect_array, exercise, fmt, passed
from course_lib.check.part5 import as_weights, blame_mistakes, expect_gradients
from course_lib.network import NAMES, Example, backprop

NOTEBOOK = "06_batch_learning"

SCRIPT_SLIP = " (the script's gradient table makes this very slip)"


def as_data(data) -> tuple[Example, ...]:
    return tuple(Example(float(x1), float(x2), float(y)) for x1, x2, y in data)


def reference_gradient(weights, example):
    """course_lib's ∂Error/∂(w1…w5) for one (x1, x2, y_true) example at the given five weights."""
    return tuple(float(g) for g in backprop(as_weights(weights), as_data([example])[0]).gradient.as_array())


def _vector(weights) -> list[float]:
    return [float(v) for v in weights.as_array()]


@exercise(NOTEBOOK, "example_gradients", "forward and backward pass on one example")
def check_example_gradients(example_gradients, x1, x2, y_true, weights):
    """example_gradients(x1, x2, y_true, weights) must return the five ∂Error/∂w of that example."""
    w = tuple(float(v) for v in weights)
    bp = backprop(as_weights(w), Example(float(x1), float(x2), float(y_true)))
    fw = bp.forward
    mistakes = blame_mistakes(fw.x1, fw.x2, w, fw.h1, fw.h2, bp.dE_dy)
    mistakes["w1"][0] = (mistakes["w1"][0][0] + SCRIPT_SLIP, mistakes["w1"][0][1])
    mistakes["w2"][0] = (mistakes["w2"][0][0] + SCRIPT_SLIP, mistakes["w2"][0][1])
    for name in NAMES:
        g = bp.blames[name].gradient
        mistakes[name] += [
            ("the sign is flipped: ∂Error/∂y_pred = 2·(y_pred − y_true)", -g),
            ("∂Error/∂y_pred = 2·(y_pred − y_true): the factor 2 is missing", g / 2),
        ]
    got = call("example_gradients", example_gradients, float(x1), float(x2), float(y_true), w)
    expect_gradients(f"example_gradients({fmt(float(x1))}, {fmt(float(x2))}, {fmt(float(y_true))})",
                     got, bp, w, mistakes)
    passed(f"example ({fmt(float(x1))}, {fmt(float(x2))}): gradients {_vector(bp.gradient)}")


def _sum_variants(w, data):
    rows = [reference_gradient(w, e) for e in data]
    total = [sum(col) for col in zip(*rows)]
    return [
        ("that is the mean; the script SUMS the gradients of the examples", [t / len(rows) for t in total]),
        ("only the first example counts: add the gradients of every example", list(rows[0])),
        ("only the last example counts: add the gradients of every example", list(rows[-1])),
    ]


@exercise(NOTEBOOK, "total_gradient", "the summed gradient over all examples")
def check_total_gradient(total_gradient, weights, data):
    """total_gradient(weights, data, grad_fn) must return Σ over the examples of grad_fn(weights, example)."""
    w = tuple(float(v) for v in weights)
    data = [tuple(float(v) for v in e) for e in data]
    expected = _vector(batch_gradients(as_weights(w), as_data(data)).total)
    got = call("total_gradient", total_gradient, w, list(data), reference_gradient)
    expect_array(f"total_gradient over {len(data)} examples", got, expected, tol=1e-9,
                 mistakes=_sum_variants(w, data),
                 hint="call grad_fn(weights, example) for every example and add the five components",
                 shape_hint="return ONE list of five summed gradients (w1…w5), not one row per example")
    passed(f"summed gradient over {len(data)} examples: {fmt(expected)}")


def _online(w, data, lr):
    return _vector(train_online(as_weights(w), as_data(data), lr, 1).final)


def _batch(w, data, lr):
    return _vector(batch_update(as_weights(w), as_data(data), lr))


def _mean_step(w, data, lr):
    total = _vector(batch_gradients(as_weights(w), as_data(data)).total)
    return [a - lr * g / len(data) for a, g in zip(w, total)]


@exercise(NOTEBOOK, "batch_step", "one batch update with the summed gradient")
def check_batch_step(batch_step, weights, data, lr):
    """batch_step(weights, data, lr, grad_fn) must return the weights after ONE update with the summed gradient."""
    w = tuple(float(v) for v in weights)
    data = [tuple(float(v) for v in e) for e in data]
    expected = _batch(w, data, lr)
    total = _vector(batch_gradients(as_weights(w), as_data(data)).total)
    got = call("batch_step", batch_step, w, list(data), lr, reference_gradient)
    expect_array(f"batch_step with η = {fmt(lr)}", got, expected, tol=1e-9, mistakes=[
        ("the weights moved after every example: that is online learning; batch learning stores the "
         "gradients, sums them, and updates once", _online(w, data, lr)),
        ("the gradients were averaged; the script sums them before the single update", _mean_step(w, data, lr)),
        ("is the step added instead of subtracted?", [a + lr * g for a, g in zip(w, total)]),
    ], hint="sum grad_fn(weights, example) over the examples (all at the OLD weights), then w − η·sum",
        shape_hint="return the five new weights in the order w1, w2, w3, w4, w5")
    passed(f"batch step with η = {fmt(lr)}: new weights {fmt(expected)}")


@exercise(NOTEBOOK, "online_epoch", "one epoch of online learning (update after every example)")
def check_online_epoch(online_epoch, weights, data, lr):
    """online_epoch(weights, data, lr, grad_fn) must return the weights after one update per example, in order."""
    w = tuple(float(v) for v in weights)
    data = [tuple(float(v) for v in e) for e in data]
    expected = _online(w, data, lr)
    got = call("online_epoch", online_epoch, w, list(data), lr, reference_gradient)
    expect_array(f"online_epoch with η = {fmt(lr)}", got, expected, tol=1e-9, mistakes=[
        ("one update with the summed gradient is batch learning; online learning updates after EACH example",
         _batch(w, data, lr)),
        ("the examples were visited last to first: go through them in order", _online(w, data[::-1], lr)),
        ("only the last example's update survived: each update must start from the weights the previous one "
         "produced", _online(w, data[-1:], lr)),
    ], hint="for each example in order: g = grad_fn(current weights, example), then current = current − η·g",
        shape_hint="return the five weights after the epoch in the order w1, w2, w3, w4, w5")
    passed(f"online epoch over {len(data)} examples with η = {fmt(lr)}: weights {fmt(expected)}")
