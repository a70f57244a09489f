"""Checks for notebook 02 (partial derivatives of the bowl and simultaneous 2-D descent).

The 2-D loop takes the gradient as an argument, so it is checked with course_lib's
gradient whatever the learner's partial derivatives are; hidden tests use a coupled
function, on which updating one coordinate at a time gives a different path.
"""

from __future__ import annotations

from course_lib.check.core import after_iterations, call, expect_number, expect_trace, exercise, fmt, passed
from course_lib.gradient import bowl, bowl_gradient, gradient_descent_nd

NOTEBOOK = "02_partial_derivatives"


def _check_partial(name, answer, x1, x2, index, mistakes, hint):
    got = call(name, answer, x1, x2)
    expected = bowl_gradient([x1, x2])[index]
    expect_number(f"∂f/∂x{index + 1} at (x1, x2) = ({fmt(x1)}, {fmt(x2)})", got, expected,
                  tol=1e-9, mistakes=mistakes, hint=hint)
    passed(f"∂f/∂x{index + 1} at ({fmt(x1)}, {fmt(x2)}) = {fmt(expected)}")


@exercise(NOTEBOOK, "partial_x1", "∂f/∂x1 of x1² + 2x2²")
def check_partial_x1(partial_x1, x1, x2):
    """partial_x1(x1, x2) must return 2·x1."""
    _check_partial("partial_x1", partial_x1, x1, x2, 0, [
        ("that is ∂f/∂x2 (4·x2): differentiate with respect to x1", 4 * x2),
        ("x2 is a constant here, so the 2x2² term has derivative 0", 2 * x1 + 4 * x2),
        ("that is f's x1 term x1², not its derivative 2x1", x1 * x1),
        ("the power rule brings the exponent 2 down: d(x1²)/dx1 = 2·x1", x1),
    ], hint="treat x2 as a constant and differentiate x1² + 2x2² with respect to x1")


@exercise(NOTEBOOK, "partial_x2", "∂f/∂x2 of x1² + 2x2²")
def check_partial_x2(partial_x2, x1, x2):
    """partial_x2(x1, x2) must return 4·x2."""
    _check_partial("partial_x2", partial_x2, x1, x2, 1, [
        ("that is ∂f/∂x1 (2·x1): differentiate with respect to x2", 2 * x1),
        ("the coefficient 2 of 2x2² stays: d(2x2²)/dx2 = 2·2x2 = 4x2", 2 * x2),
        ("x1 is a constant here, so the x1² term has derivative 0", 2 * x1 + 4 * x2),
        ("that is f's x2 term 2x2², not its derivative 4x2", 2 * x2 * x2),
    ], hint="treat x1 as a constant and differentiate x1² + 2x2² with respect to x2")


def _one_at_a_time(grad_f, x0, lr, n_iter):
    """The classic mistake: x1 moves first, then ∂f/∂x2 is taken at the half-updated point."""
    point = [float(v) for v in x0]
    points = [list(point)]
    for _ in range(n_iter):
        for i in range(len(point)):
            point[i] -= lr * float(grad_f(list(point))[i])
        points.append(list(point))
    return points


def _gradient_once(grad_f, x0, lr, n_iter):
    frozen = [float(g) for g in grad_f(list(x0))]
    points = [[float(v) for v in x0]]
    for _ in range(n_iter):
        points.append([x - lr * g for x, g in zip(points[-1], frozen)])
    return points


def _added(grad_f, x0, lr, n_iter):
    points = [[float(v) for v in x0]]
    for _ in range(n_iter):
        points.append([x + lr * float(g) for x, g in zip(points[-1], grad_f(points[-1]))])
    return points


def reference_descent_2d(f, grad_f, x0, lr, n_iter):
    """[(x1, x2) start, then the point after each iteration] from course_lib's simultaneous loop."""
    trace = gradient_descent_nd(f, grad_f, x0, lr, n_iter)
    return [[float(v) for v in x0]] + [step.new_x.tolist() for step in trace]


@exercise(NOTEBOOK, "descent_2d", "2-D gradient descent with a simultaneous update")
def check_descent_2d(descent_2d, grad_f, x0, lr, n_iter, f=bowl):
    """descent_2d(grad_f, x0, lr, n_iter) must return the start and every point after it."""
    got = call("descent_2d", descent_2d, grad_f, tuple(x0), lr, n_iter)
    expected = reference_descent_2d(f, grad_f, x0, lr, n_iter)
    expect_trace(
        "descent_2d's trace", got, expected, entry=after_iterations("(x1, x2)", start="point"), tol=1e-9,
        mistakes=[
            ("x1 was updated before ∂f/∂x2 was computed: take both partial derivatives at the same "
             "old point, then update both coordinates (simultaneous update)",
             _one_at_a_time(grad_f, x0, lr, n_iter)),
            ("the gradient is computed once at the start: recompute it at the current point every iteration",
             _gradient_once(grad_f, x0, lr, n_iter)),
            ("is the step added instead of subtracted?", _added(grad_f, x0, lr, n_iter)),
        ],
        shape_hint=f"the trace holds the start point and then the point after each of the {n_iter} iterations",
    )
    passed(f"descent from {fmt(list(x0))} with η = {fmt(lr)}: {n_iter} iterations end at {fmt(expected[-1])}")
