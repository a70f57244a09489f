"""Checks for notebook 02 (partial derivatives of the bowl and simultaneous 2-D descent).

Each check runs the learner's function on its cases: the visible ones (the points of the
script's trace, then a point where x2 ≠ 2 and signs differ, so "2·x2²" and "4·x2" part) unless
the cell passes others (the hidden tests). The 2-D loop takes the gradient as an argument, so it
is checked with course_lib's gradients whatever the learner's partial derivatives are; its
second case is a coupled function, on which updating one coordinate at a time takes another path.
"""

from __future__ import annotations

import numpy as np

from course_lib.check.cases import check_cases, trace_length
from course_lib.check.core import (CheckFailed, after_iterations, as_number, call, close, expect_number,
                                   expect_trace, exercise, fmt, passed)
from course_lib.check.hints import Hint
from course_lib.gradient import bowl, bowl_gradient, gradient_descent_nd

NOTEBOOK = "02_partial_derivatives"
SCRIPT_START, SCRIPT_LR = (3.0, 2.0), 0.1


def coupled(x):
    """x1² + x1·x2 + 2x2²: its ∂f/∂x2 = x1 + 4x2 changes as soon as x1 moves."""
    return x[0] ** 2 + x[0] * x[1] + 2 * x[1] ** 2


def coupled_gradient(x):
    return np.array([2 * x[0] + x[1], x[0] + 4 * x[1]], dtype=float)


def _script_points():
    return [tuple(float(v) for v in row.x) for row in gradient_descent_nd(bowl, bowl_gradient, SCRIPT_START, SCRIPT_LR, 4)]


POINTS = tuple(_script_points()) + ((-1.5, 0.5),)


def _whole_gradient(got, index):
    if isinstance(got, (list, tuple, np.ndarray)) and np.ndim(got) == 1 and len(got) == 2:
        raise CheckFailed(f"partial_x{index + 1} should return one number, ∂f/∂x{index + 1}, you got two — "
                          "return only this partial derivative, not the whole gradient")


def _check_partial(name, answer, cases, index, mistakes, hint):
    def verify(case, got, expected, fitting):
        _whole_gradient(got, index)
        expect_number(f"∂f/∂x{index + 1} at (x1, x2) = ({fmt(case[0])}, {fmt(case[1])})", got, expected,
                      tol=1e-9, mistakes=fitting, hint=hint)

    results = check_cases(POINTS if cases is None else cases, lambda c: call(name, answer, *c),
                          lambda c: float(bowl_gradient(list(c))[index]), verify, mistakes)
    for (x1, x2), _, expected in results:
        passed(f"∂f/∂x{index + 1} at ({fmt(x1)}, {fmt(x2)}) = {fmt(expected)}")


PARTIAL_X1_MISTAKES = [
    (Hint("that is ∂f/∂x2 (4·x2): differentiate with respect to x1",
          more="∂f/∂x1 asks how f changes when only x1 moves; the term 2x2² does not move then"), lambda c: 4 * c[1]),
    (Hint("you differentiated with respect to x2", more="∂f/∂x1 is the slope along x1: keep x2 fixed"),
     lambda c: 2 * c[1]),
    (Hint("x2 is a constant here, so the 2x2² term has derivative 0",
          more="treat x2 as a fixed number, say 5: then 2x2² = 50, a constant, and its derivative is 0"),
     lambda c: 2 * c[0] + 4 * c[1]),
    (Hint("the term 2x2² is a constant here: its derivative is 0, drop it", more="only x1² changes with x1"),
     lambda c: 2 * c[0] + 2 * c[1] ** 2),
    (Hint("that is f's x1 term x1², not its derivative 2x1", more="the power rule: d(x^n)/dx = n·x^(n−1)"),
     lambda c: c[0] ** 2),
    ("that is f itself, x1² + 2x2², not its slope", lambda c: c[0] ** 2 + 2 * c[1] ** 2),
    (Hint("the power rule brings the exponent 2 down: d(x1²)/dx1 = 2·x1", more="x1² = x1·x1, and each factor "
          "contributes one x1 to the slope"), lambda c: c[0]),
    (Hint("x2 does not multiply ∂f/∂x1: the 2 in 2·x1 is the power rule's exponent (at x2 = 2 the two look alike)",
          more="x1² + 2x2² has no product of x1 and x2, so x2 cannot appear in ∂f/∂x1"), lambda c: c[0] * c[1]),
]

PARTIAL_X2_MISTAKES = [
    (Hint("that is ∂f/∂x1 (2·x1): differentiate with respect to x2",
          more="∂f/∂x2 asks how f changes when only x2 moves; x1² does not move then"), lambda c: 2 * c[0]),
    (Hint("the coefficient 2 of 2x2² stays: d(2x2²)/dx2 = 2·2x2 = 4x2",
          more="a constant factor stays when you differentiate: d(2·g)/dx = 2·dg/dx"), lambda c: 2 * c[1]),
    (Hint("x1 is a constant here, so the x1² term has derivative 0",
          more="treat x1 as a fixed number, say 5: then x1² = 25, a constant, and its derivative is 0"),
     lambda c: 2 * c[0] + 4 * c[1]),
    (Hint("the term x1² is a constant here: its derivative is 0, drop it", more="only 2x2² changes with x2"),
     lambda c: c[0] ** 2 + 4 * c[1]),
    (Hint("that is f's x2 term 2x2², not its derivative 4x2 (at x2 = 2 the two are equal)",
          more="the power rule: d(x2²)/dx2 = 2·x2, times the coefficient 2"), lambda c: 2 * c[1] ** 2),
    (Hint("the power rule lowers the exponent: d(2x2²)/dx2 = 4·x2, not 4·x2²",
          more="d(x^n)/dx = n·x^(n−1): the exponent 2 becomes the factor 2 and the power becomes 1"),
     lambda c: 4 * c[1] ** 2),
    (Hint("∂f/∂x2 changes with x2: it is 4·x2, not the constant 4", more="the slope of 2x2² is steeper the "
          "further x2 is from 0"), lambda c: 4),
]


@exercise(NOTEBOOK, "partial_x1", "∂f/∂x1 of x1² + 2x2²", steps=(
    "hold x2 fixed: the term 2x2² is then a constant, with derivative 0",
    "what remains is the slope of x1²: the power rule d(x^n)/dx = n·x^(n−1) with n = 2"))
def check_partial_x1(partial_x1, cases=None):
    """partial_x1(x1, x2) must return 2·x1 at every point (x1, x2)."""
    _check_partial("partial_x1", partial_x1, cases, 0, PARTIAL_X1_MISTAKES,
                   "treat x2 as a constant and differentiate x1² + 2x2² with respect to x1")


@exercise(NOTEBOOK, "partial_x2", "∂f/∂x2 of x1² + 2x2²", steps=(
    "hold x1 fixed: the term x1² is then a constant, with derivative 0",
    "what remains is the slope of 2·x2²: the factor 2 stays, and x2² gives 2·x2 by the power rule"))
def check_partial_x2(partial_x2, cases=None):
    """partial_x2(x1, x2) must return 4·x2 at every point (x1, x2)."""
    _check_partial("partial_x2", partial_x2, cases, 1, PARTIAL_X2_MISTAKES,
                   "treat x1 as a constant and differentiate x1² + 2x2² with respect to x2")


# ---------------------------------------------------------------- the 2-D loop

# the script's bowl trace; then a coupled function (the sequential update shows) with another η
DESCENT_CASES = ((bowl_gradient, SCRIPT_START, SCRIPT_LR, 10), (coupled_gradient, (1.0, -2.0), 0.15, 12))


def _floats(v):
    return [float(x) for x in v]


def _walk(grad_f, x0, lr, n_iter, move):
    points = [_floats(x0)]
    for _ in range(n_iter):
        points.append(move(list(points[-1]), grad_f, lr))
    return points


def _simultaneous(x, grad_f, lr, sign=1.0, gradient=None):
    g = _floats(gradient(x) if gradient else grad_f(x))
    return [xi - sign * lr * gi for xi, gi in zip(x, g)]


def _one_at_a_time(x, grad_f, lr):
    for i in range(len(x)):
        x[i] -= lr * float(grad_f(list(x))[i])
    return x


def _descent_mistakes():
    def frozen(c):
        grad_f, x0, lr, n = c
        g0 = _floats(grad_f(list(x0)))
        return _walk(grad_f, x0, lr, n, lambda x, g, r: [a - r * b for a, b in zip(x, g0)])

    def aliased(c):
        final = reference_descent_2d(*c)[-1]
        return [final] * (c[3] + 1)

    def same(mapping):
        return lambda c: _walk(*c, lambda x, g, r: mapping(x, _floats(g(x)), r))

    return [
        (Hint("x1 was updated before ∂f/∂x2 was computed: take both partial derivatives at the same old point, "
              "then update both coordinates (simultaneous update)",
              more="compute grad = grad_f(point) once per iteration, before changing either coordinate; on the "
                   "bowl this makes no difference, on x1² + x1·x2 + 2x2² it does"),
         lambda c: _walk(*c, _one_at_a_time)),
        ("the gradient is computed once at the start: recompute it at the current point every iteration", frozen),
        ("is the step added instead of subtracted?", lambda c: _walk(*c, lambda x, g, r: _simultaneous(x, g, r, -1.0))),
        ("the two partial derivatives are swapped: grad_f returns [∂f/∂x1, ∂f/∂x2], in that order",
         same(lambda x, g, r: [x[0] - r * g[1], x[1] - r * g[0]])),
        ("x2 never moves: update both coordinates, each by its own partial derivative",
         same(lambda x, g, r: [x[0] - r * g[0], x[1]])),
        ("both coordinates move by ∂f/∂x1: x2 moves by its own ∂f/∂x2",
         same(lambda x, g, r: [x[0] - r * g[0], x[1] - r * g[0]])),
        ("the bowl's gradient [2·x1, 4·x2] is hard-coded: call grad_f(point), the gradient you are given",
         lambda c: _walk(*c, lambda x, g, r: _simultaneous(x, g, r, gradient=bowl_gradient))),
        (f"the learning rate is fixed at {fmt(SCRIPT_LR)}: use the lr argument",
         lambda c: _walk(c[0], c[1], SCRIPT_LR, c[3], lambda x, g, r: _simultaneous(x, g, r))),
        ("every entry is the final point: the same array (or list) was appended each time and then changed in "
         "place — append a copy, or build a new point each iteration", aliased),
        ("the trace must begin with the start point, then the point after each iteration",
         lambda c: reference_descent_2d(c[0], c[1], c[2], c[3] + 1)[1:]),
    ]


def reference_descent_2d(grad_f, x0, lr, n_iter):
    """[start, then the point after each iteration] from course_lib's simultaneous loop."""
    trace = gradient_descent_nd(lambda x: 0.0, grad_f, x0, lr, n_iter)
    return [_floats(x0)] + [step.new_x.tolist() for step in trace]


DESCENT_MISTAKES = _descent_mistakes()


def _function(grad_f) -> str:
    return {bowl_gradient: "the bowl x1² + 2x2²", coupled_gradient: "x1² + x1·x2 + 2x2²"}.get(grad_f, "f")


@exercise(NOTEBOOK, "descent_2d", "2-D gradient descent with a simultaneous update", steps=(
    "each iteration: grad = grad_f(point) at the current point, before anything moves",
    "then the new point is (x1 − η·grad[0], x2 − η·grad[1]); append it to the trace and continue from it"))
def check_descent_2d(descent_2d, cases=None):
    """descent_2d(grad_f, x0, lr, n_iter) must return the start and every point after it, on every case."""
    def verify(case, got, expected, mistakes):
        grad_f, x0, lr, n_iter = case
        trace_length("descent_2d", got, n_iter, point=2, is_start=lambda p: _is_point(p, x0))
        expect_trace(f"descent_2d on {_function(grad_f)} from {fmt(list(x0))} with η = {fmt(lr)}", got, expected,
                     entry=after_iterations("(x1, x2)", start="point"), tol=1e-9,
                     mistakes=[(h, w) for h, w in mistakes if len(w) == len(expected)],
                     shape_hint="each entry is one point (x1, x2)")

    results = check_cases(DESCENT_CASES if cases is None else cases,
                          lambda c: call("descent_2d", descent_2d, c[0], tuple(c[1]), c[2], c[3]),
                          lambda c: reference_descent_2d(*c), verify, DESCENT_MISTAKES)
    for (grad_f, x0, lr, n_iter), _, expected in results:
        passed(f"descent on {_function(grad_f)} from {fmt(list(x0))} with η = {fmt(lr)}: "
               f"{n_iter} iterations end at {fmt(expected[-1])}")


def _is_point(p, x0) -> bool:
    values = [as_number("", v) for v in p]
    return len(values) == 2 and all(close(a, float(b), 1e-12) for a, b in zip(values, x0))
