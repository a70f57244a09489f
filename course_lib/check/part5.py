"""Checks for notebook 05 (backpropagation on one example and the simultaneous update).

Each check runs the learner's function on its cases: the visible ones (the script's examples with
its starting weights, then part4's ``OTHER_EXAMPLE`` with ``OTHER_WEIGHTS``) unless the cell passes
others (the hidden tests). The other case has w3, w4 ≠ 1 (the script's w3 = w4 = 1 hides a missing
middle link of a chain), x2 ≠ 2 (the script's first example has x2 = 2, the power rule's factor),
x1 + w1·x2 < 0 (so √h1 ≠ x1 + w1·x2) and a prediction below its target.
``blame`` receives course_lib's forward pass and ∂Error/∂y_pred, and ``gradient_step`` receives
course_lib's gradient function, so each exercise is graded on its own.
"""

from __future__ import annotations

from course_lib.check.cases import check_cases
from course_lib.check.core import (Hint, as_number, call, close, expect_array, expect_number, expect_sequence, exercise,
                                   fmt, passed)
from course_lib.check.part4 import OTHER_EXAMPLE, OTHER_WEIGHTS
from course_lib.network import DATASET, INITIAL_WEIGHTS, NAMES, Example, Weights, backprop, forward, update
from course_lib.script_tables import P5_LR

NOTEBOOK = "05_backpropagation"
OTHER_LR = 0.001


def as_weights(w) -> Weights:
    return Weights(*[float(v) for v in w])


def weights_tuple(w) -> tuple[float, ...]:
    return tuple(float(v) for v in (w.as_array() if isinstance(w, Weights) else w))


def as_case(x1, x2, y_true, weights):
    return float(x1), float(x2), float(y_true), weights_tuple(weights)


# (x1, x2, y_true, weights): the script's examples with its weights, then the other case
EXAMPLE_CASES = tuple(as_case(d.x1, d.x2, d.y_true, INITIAL_WEIGHTS) for d in DATASET) + (
    as_case(OTHER_EXAMPLE.x1, OTHER_EXAMPLE.x2, OTHER_EXAMPLE.y_true, OTHER_WEIGHTS),)


def backprop_of(case):
    x1, x2, y_true, w = case
    return backprop(as_weights(w), Example(x1, x2, y_true))


def gradients_of(case) -> list[float]:
    return [float(g) for g in backprop_of(case).gradient.as_array()]


def gradient_function(x1, x2, y_true):
    """course_lib's ∂Error/∂(w1…w5) on one example, as a function of the five weights (a tuple)."""
    example = Example(float(x1), float(x2), float(y_true))

    def grad(weights):
        return tuple(float(g) for g in backprop(as_weights(weights), example).gradient.as_array())

    return grad


# ---------------------------------------------------------------- exercise 1: error_gradient

ERROR_GRADIENT_CASES = tuple((fw.y_true, fw.y_pred) for fw in (backprop_of(c).forward for c in EXAMPLE_CASES))
_PARENTHESES = Hint("the parentheses are missing: 2 * y_pred - y_true is 2·y_pred − y_true; write "
                    "2 * (y_pred - y_true)")
_CHAIN = ("chain rule: the outer derivative of u² is 2u with u = y_true − y_pred; the inner derivative "
          "∂u/∂y_pred is −1; multiply them")
ERROR_GRADIENT_MISTAKES = [
    (Hint("the sign is flipped: the inner derivative of (y_true − y_pred) with respect to y_pred is −1, "
          "so the result is 2·(y_pred − y_true)", more=_CHAIN), lambda c: -2 * (c[1] - c[0])),
    (Hint("the power rule brings down a factor 2: 2·(y_pred − y_true)", more=_CHAIN), lambda c: c[1] - c[0]),
    (Hint("two slips: the factor 2 of the power rule is missing and the sign is flipped (the inner "
          "derivative is −1): 2·(y_pred − y_true)", more=_CHAIN), lambda c: c[0] - c[1]),
    (Hint("that is the error itself, (y_true − y_pred)², not its derivative", more=_CHAIN),
     lambda c: (c[0] - c[1]) ** 2),
    (Hint("the power rule lowers the exponent: the derivative of u² is 2u, not 2u²"),
     lambda c: 2 * (c[1] - c[0]) ** 2),
    (_PARENTHESES, lambda c: 2 * c[1] - c[0]),
    (_PARENTHESES, lambda c: 2 * c[0] - c[1]),
    (Hint("the sign matters: abs() makes every gradient push the same way; when y_pred is below y_true the "
          "gradient is negative", more="the script's predictions are all above their targets, so abs() hides "
                                       "there; the check's last case is below its target"),
     lambda c: 2 * abs(c[1] - c[0])),
]


def _error_gradient_steps():
    t, p = ERROR_GRADIENT_CASES[0]
    return (f"the script's first example: y_true = {fmt(t)}, y_pred = {fmt(p)}; the outer derivative of "
            f"(y_true − y_pred)² is 2·(y_true − y_pred) = {fmt(2 * (t - p))}",
            f"times the inner derivative −1: ∂Error/∂y_pred = {fmt(2 * (p - t))}")


def _verify_error_gradient(case, got, expected, mistakes):
    t, p = case
    expect_number(f"error_gradient(y_true={fmt(t)}, y_pred={fmt(p)})", got, expected, tol=1e-9, mistakes=mistakes,
                  hint="differentiate (y_true − y_pred)² with respect to y_pred: chain rule, outer 2·(…), inner −1")


@exercise(NOTEBOOK, "error_gradient", "∂Error/∂y_pred = 2·(y_pred − y_true)", steps=_error_gradient_steps())
def check_error_gradient(error_gradient, cases=None):
    """error_gradient(y_true, y_pred) must return ∂/∂y_pred (y_true − y_pred)² on every case (y_true, y_pred)."""
    results = check_cases([(float(t), float(p)) for t, p in (ERROR_GRADIENT_CASES if cases is None else cases)],
                          lambda c: call("error_gradient", error_gradient, *c), lambda c: 2 * (c[1] - c[0]),
                          _verify_error_gradient, ERROR_GRADIENT_MISTAKES)
    if cases is None:
        for (t, p), _, g in results:
            passed(f"∂Error/∂y_pred for y_true = {fmt(t)}, y_pred = {fmt(p)} is {fmt(g)}")
    else:
        passed(f"error_gradient is right on {len(results)} more cases")


# ---------------------------------------------------------------- exercise 2: blame

def _replace(index, value):
    """A mistake that changes one weight's gradient: the right five with entry ``index`` = value(case)."""
    def wrong(case):
        out = gradients_of(case)
        out[index] = value(case)
        return out
    return wrong


def _parts(case):
    """x1, x2, the five weights, h1, h2, ∂Error/∂y_pred and the inner sum x1 + w1·x2 of a case."""
    x1, x2, _, w = case
    bp = backprop_of(case)
    return x1, x2, w, bp.forward.h1, bp.forward.h2, bp.dE_dy, x1 + w[0] * x2


def _w1(f):
    return _replace(0, lambda c: f(*_parts(c)))


def _w(index, f):
    return _replace(index, lambda c: f(*_parts(c)))


_DH1 = ("∂h1/∂w1 by the chain rule: h1 = s² with s = x1 + w1·x2, so ∂h1/∂w1 = 2s · ∂s/∂w1, and "
        "∂s/∂w1 = x2")
# the two slips of the script's gradient table (notebook 06 says so)
X1_FOR_X2 = Hint("∂h1/∂w1 = 2·(x1 + w1·x2)·x2: the inner derivative is x2 (w1 multiplies x2), not x1", more=_DH1)
H2_FOR_X1X2 = Hint("∂h2/∂w2 = x1·x2 (w2 is the variable, so it disappears); you kept w2 and used h2")
BLAME_MISTAKES = [
    (X1_FOR_X2, _w1(lambda x1, x2, w, h1, h2, d, s: d * w[2] * 2 * s * x1)),
    (Hint("∂h1/∂w1 = 2·(x1 + w1·x2)·x2: the inner factor x2 is missing", more=_DH1),
     _w1(lambda x1, x2, w, h1, h2, d, s: d * w[2] * 2 * s)),
    (Hint("∂h1/∂w1 = 2·(x1 + w1·x2)·x2: the power rule's 2 is missing", more=_DH1),
     _w1(lambda x1, x2, w, h1, h2, d, s: d * w[2] * s * x2)),
    (Hint("the chain passes through h1: multiply by ∂y_pred/∂h1 = w3",
          more=f"w1's path is Error ← y_pred ← h1 ← w1: three factors; the starting weights have "
               f"w3 = {fmt(INITIAL_WEIGHTS.w3)}, which hides a missing middle link"),
     _w1(lambda x1, x2, w, h1, h2, d, s: d * 2 * s * x2)),
    (Hint("∂h1/∂w1 uses the sum x1 + w1·x2 itself, not √h1: √h1 = |x1 + w1·x2| loses its sign when the sum "
          "is negative", more=_DH1),
     _w1(lambda x1, x2, w, h1, h2, d, s: d * w[2] * 2 * abs(s) * x2)),
    (Hint("differentiate the whole sum: ∂h1/∂w1 = 2·(x1 + w1·x2)·x2, the x1 stays inside the bracket", more=_DH1),
     _w1(lambda x1, x2, w, h1, h2, d, s: d * w[2] * 2 * w[0] * x2 * x2)),
    (Hint("that is ∂Error/∂w3 (the blame of h1's weight in layer 2), not w1's"),
     _w1(lambda x1, x2, w, h1, h2, d, s: d * h1)),
    (H2_FOR_X1X2, _w(1, lambda x1, x2, w, h1, h2, d, s: d * w[3] * h2)),
    (Hint("the chain passes through h2: multiply by ∂y_pred/∂h2 = w4",
          more="w2's path is Error ← y_pred ← h2 ← w2: three factors"),
     _w(1, lambda x1, x2, w, h1, h2, d, s: d * x1 * x2)),
    (Hint("that is ∂Error/∂w4 (the blame of h2's weight in layer 2), not w2's"),
     _w(1, lambda x1, x2, w, h1, h2, d, s: d * h2)),
    (Hint("∂y_pred/∂w3 = h1 and ∂y_pred/∂w4 = h2: you swapped them (w3 multiplies h1)"),
     lambda c: gradients_of(c)[:2] + gradients_of(c)[2:4][::-1] + gradients_of(c)[4:]),
    (Hint("∂y_pred/∂w3 = h1, not h2: w3 multiplies h1"), _w(2, lambda x1, x2, w, h1, h2, d, s: d * h2)),
    (Hint("∂y_pred/∂w3 = h1, not w3"), _w(2, lambda x1, x2, w, h1, h2, d, s: d * w[2])),
    (Hint("∂y_pred/∂w4 = h2, not h1: w4 multiplies h2"), _w(3, lambda x1, x2, w, h1, h2, d, s: d * h1)),
    (Hint("∂y_pred/∂w4 = h2, not w4"), _w(3, lambda x1, x2, w, h1, h2, d, s: d * w[3])),
    (Hint("∂y_pred/∂w5 = 1 (w5 is added), so ∂Error/∂w5 = ∂Error/∂y_pred"), _w(4, lambda *p: 1.0)),
    (Hint("∂y_pred/∂w5 = 1 (w5 is added), so ∂Error/∂w5 = ∂Error/∂y_pred, not 0: the bias gets blamed too"),
     _w(4, lambda *p: 0.0)),
]


def _blame_steps():
    bp = backprop_of(EXAMPLE_CASES[0])
    chains = "; ".join(f"{name}: " + " × ".join(f"{fmt(v)}" for _, v in bp.blames[name].factors)
                       for name in NAMES)
    local = ", ".join(f"{key} = {fmt(v)}" for key, v in bp.local.items())
    return (f"the script's first example: ∂Error/∂y_pred = {fmt(bp.dE_dy)}, and the local derivatives are {local}",
            f"each weight's gradient is the product along its path — {chains}")


def _component_mistakes(case, index):
    """Every mistake's value for one weight (when no whole answer fits, a weight alone may)."""
    right = gradients_of(case)
    return [(h, wrong(case)[index]) for h, wrong in BLAME_MISTAKES if wrong(case)[index] != right[index]]


def expect_gradients(where, got, expected, mistakes, case, component_mistakes=_component_mistakes):
    """Five gradients, weight by weight: the message names the first wrong one, its chain as the hint.
    ``where`` ("on example (3, 2)" or "") follows each label."""
    items = expect_sequence(f"the gradients {where}".strip(), got, length=5,
                            shape_hint="return the five gradients in the order w1, w2, w3, w4, w5")
    bp = backprop_of(case)
    for i, (name, item) in enumerate(zip(NAMES, items)):
        what = f"∂Error/∂{name} {where}".strip()
        if close(as_number(what, item), expected[i], 1e-9):
            continue
        chain = " × ".join(key for key, _ in bp.blames[name].factors)  # names only: no value of a hidden case
        here = [(h, w[i]) for h, w in mistakes] if mistakes else component_mistakes(case, i)
        expect_number(what, item, expected[i], tol=1e-9, mistakes=here, hint=f"multiply along {name}'s path: {chain}")


def example_label(name, case):
    x1, x2, _, w = case
    return f"{name} on example ({fmt(x1)}, {fmt(x2)}) with weights {fmt(list(w))}"


def _verify_blame(case, got, expected, mistakes):
    x1, x2, _, _ = case
    expect_gradients(f"on example ({fmt(x1)}, {fmt(x2)})", got, expected, mistakes, case)


def _call_blame(blame, case):
    x1, x2, y_true, w = case
    fwd = forward(as_weights(w), x1, x2, y_true)
    return call("blame", blame, fwd, w, backprop_of(case).dE_dy)


@exercise(NOTEBOOK, "blame", "∂Error/∂w for all five weights (the blame chain)", steps=_blame_steps())
def check_blame(blame, cases=None):
    """blame(fwd, weights, dE_dy) must return (∂Error/∂w1, …, ∂Error/∂w5) on every case (x1, x2, y_true, weights)."""
    results = check_cases([as_case(*c) for c in (EXAMPLE_CASES if cases is None else cases)],
                          lambda c: _call_blame(blame, c), gradients_of, _verify_blame, BLAME_MISTAKES)
    if cases is None:
        for case, _, g in results:
            passed(f"{example_label('blame', case)}: gradients {fmt(g)}")
    else:
        passed(f"blame is right on {len(results)} more cases")


# ---------------------------------------------------------------- exercise 3: gradient_step

def _step_case(x1, x2, y_true, w, lr):
    return as_case(x1, x2, y_true, w) + (float(lr),)


_FIRST = DATASET[0]
GRADIENT_STEP_CASES = (_step_case(_FIRST.x1, _FIRST.x2, _FIRST.y_true, INITIAL_WEIGHTS, P5_LR),
                       _step_case(OTHER_EXAMPLE.x1, OTHER_EXAMPLE.x2, OTHER_EXAMPLE.y_true, OTHER_WEIGHTS, OTHER_LR))


def _grad_fn(case):
    return gradient_function(*case[:3])


def _new_weights(case):
    w, lr = case[3], case[4]
    return [float(v) for v in update(as_weights(w), as_weights(_grad_fn(case)(w)), lr).as_array()]


def _step_with(rule):
    def wrong(case):
        w, lr = case[3], case[4]
        return [rule(a, g, lr) for a, g in zip(w, _grad_fn(case)(w))]
    return wrong


def _one_at_a_time(case):
    w, lr = list(case[3]), case[4]
    grad = _grad_fn(case)
    for i in range(len(w)):
        w[i] -= lr * grad(tuple(w))[i]
    return w


_SIMULTANEOUS = "first g = grad_fn(weights) (once, at the old weights); then each new w is w − lr·g of its own index"
GRADIENT_STEP_MISTAKES = [
    (Hint("is the step added instead of subtracted? Downhill means w − η·gradient"),
     _step_with(lambda w, g, lr: w + lr * g)),
    (Hint("the step is missing the learning rate: w − η·gradient"), _step_with(lambda w, g, lr: w - g)),
    (Hint("you returned the steps η·gradient, not the new weights", more=_SIMULTANEOUS),
     _step_with(lambda w, g, lr: lr * g)),
    (Hint("you returned the gradients themselves, not the new weights w − η·gradient", more=_SIMULTANEOUS),
     _step_with(lambda w, g, lr: g)),
    (Hint("the learning rate multiplies the gradient: w − η·gradient, not w − gradient/η"),
     _step_with(lambda w, g, lr: w - g / lr)),
    (Hint("the weights were updated one at a time, each with gradients recomputed after the previous one "
          "moved: compute all five gradients at the old weights first, then update them together",
          more=_SIMULTANEOUS), _one_at_a_time),
]


def _gradient_step_steps():
    case = GRADIENT_STEP_CASES[0]
    w, lr = case[3], case[4]
    g = _grad_fn(case)(w)
    new = _new_weights(case)
    return (f"the script's first example: the five gradients at the old weights are {fmt(list(g))}",
            f"η·gradient = {fmt([lr * v for v in g])}; subtracted from {fmt(list(w))} that gives {fmt(new)}")


def _verify_gradient_step(case, got, expected, mistakes):
    x1, x2, _, w, lr = case
    expect_array(f"gradient_step on example ({fmt(x1)}, {fmt(x2)}) from weights {fmt(list(w))} with η = {fmt(lr)}",
                 got, expected, tol=1e-9, mistakes=mistakes,
                 hint="new w = old w − η·∂Error/∂w, for each of the five weights, all from the same gradients",
                 shape_hint="return the five new weights in the order w1, w2, w3, w4, w5")


@exercise(NOTEBOOK, "gradient_step", "one simultaneous gradient-descent update of all five weights",
          steps=_gradient_step_steps())
def check_gradient_step(gradient_step, cases=None):
    """gradient_step(weights, grad_fn, lr) must return the five weights after one update, on every case
    (x1, x2, y_true, weights, lr); grad_fn is course_lib's gradient on that example."""
    results = check_cases([_step_case(*c) for c in (GRADIENT_STEP_CASES if cases is None else cases)],
                          lambda c: call("gradient_step", gradient_step, c[3], _grad_fn(c), c[4]), _new_weights,
                          _verify_gradient_step, GRADIENT_STEP_MISTAKES)
    if cases is None:
        for case, _, new in results:
            passed(f"one step with η = {fmt(case[4])} on example ({fmt(case[0])}, {fmt(case[1])}): "
                   f"new weights {fmt(new)}")
    else:
        passed(f"gradient_step is right on {len(results)} more cases")
