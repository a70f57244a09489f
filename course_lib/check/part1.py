"""Checks for notebook 01 (gradient descent in one dimension and the two-valley trap).

Each check calls the learner's function with course_lib's reference for the earlier
exercise (``reference_update``, ``reference_descent``), so a wrong update rule does
not also fail the loop and the valley exercise.
"""

from __future__ import annotations

import functools

from course_lib.check.core import (
    CheckFailed,
    after_iterations,
    as_number,
    call,
    close,
    expect_number,
    expect_trace,
    exercise,
    fmt,
    passed,
)
from course_lib.descent import gradient_descent_1d

NOTEBOOK = "01_gradient_descent"


def reference_update(x, grad, lr):
    """One gradient-descent step: x − lr·grad."""
    return x - lr * grad


def _trace(df, x0, lr, n_iter, rule):
    xs = [x0]
    for _ in range(n_iter):
        xs.append(rule(xs[-1], df(xs[-1]), lr))
    return xs


@functools.lru_cache(maxsize=256)
def _cached_trace(df, x0, lr, n_iter):
    # a check asks for the same descents twice (inside the learner's call and for the expected value)
    trace = gradient_descent_1d(lambda x: 0.0, df, x0, lr, n_iter)
    return (float(x0),) + tuple(step.new_x for step in trace)


def reference_descent(df, x0, lr, n_iter, update=None):
    """[x0, x1, …, x_n]: the start, then x after each iteration (course_lib's trace)."""
    try:
        return list(_cached_trace(df, x0, lr, n_iter))
    except TypeError:  # an unhashable argument (e.g. a 0-d array) cannot be cached
        return list(_cached_trace.__wrapped__(df, x0, lr, n_iter))


@exercise(NOTEBOOK, "update", "the update rule x − η·f'(x)")
def check_update(update, x, grad, lr):
    """update(x, grad, lr) must return x − lr·grad."""
    got = call("update", update, x, grad, lr)
    expected = reference_update(x, grad, lr)
    expect_number(
        f"update(x={fmt(x)}, grad={fmt(grad)}, lr={fmt(lr)})", got, expected, tol=1e-9,
        mistakes=[
            ("is the step added instead of subtracted? Downhill means x − η·gradient", x + lr * grad),
            ("the step is missing the learning rate: multiply the gradient by lr", x - grad),
            ("you returned the step η·gradient, not the new x", lr * grad),
            ("you returned minus the step: start from x", -lr * grad),
            ("the step uses x instead of the gradient", x - lr * x),
        ],
        hint="the new x is the old x minus the learning rate times the gradient",
    )
    passed(f"update({fmt(x)}, {fmt(grad)}, {fmt(lr)}) = {fmt(expected)}")


@exercise(NOTEBOOK, "descent", "the descent loop returning its trace")
def check_descent(descent, df, x0, lr, n_iter):
    """descent(df, x0, lr, n_iter, update=...) must return [x0, x1, …, x_n_iter]."""
    got = call("gradient_descent", descent, df, x0, lr, n_iter, update=reference_update)
    expected = reference_descent(df, x0, lr, n_iter)
    frozen_gradient = df(x0)
    expect_trace(
        "gradient_descent's trace", got, expected,
        entry=after_iterations("x"),
        tol=1e-9,
        mistakes=[
            ("the gradient is computed once at x0: recompute f'(x) at the current x in every iteration",
             _trace(lambda x: frozen_gradient, x0, lr, n_iter, reference_update)),
            ("is the step added instead of subtracted?", _trace(df, x0, lr, n_iter, lambda x, g, r: x + r * g)),
        ],
        shape_hint=f"the trace holds the start x0 and then the x after each of the {n_iter} iterations",
    )
    passed(f"descent from x0 = {fmt(x0)} with η = {fmt(lr)}: {n_iter} iterations end at x = {fmt(expected[-1])}")


def _end_value(f, df, x0, lr, n_iter):
    return f(reference_descent(df, x0, lr, n_iter)[-1])


@exercise(NOTEBOOK, "better_start", "which start reaches the deeper valley")
def check_better_start(better_start, f, df, starts, lr=0.01, n_iter=1000):
    """better_start(f, df, starts, lr, n_iter, descent=...) returns the start whose descent ends lowest."""
    got = call("better_start", better_start, f, df, list(starts), lr, n_iter, descent=reference_descent)
    ends = {start: reference_descent(df, start, lr, n_iter)[-1] for start in starts}
    heights = {start: f(end) for start, end in ends.items()}
    best = min(starts, key=heights.get)
    worst = max(starts, key=heights.get)
    value = as_number("better_start(...)", got)
    if any(close(value, end, 1e-6) and not close(value, start, 1e-6) for start, end in ends.items()):
        raise CheckFailed(
            f"better_start should return one of the starts {fmt(list(starts))}, you got {fmt(value)}, "
            "which is where a descent ends — return the start, not the end point"
        )
    # starts in the same valley can end at exactly the same f: any of them is a right answer
    tied = [start for start in starts if close(heights[start], heights[best], 1e-12)]
    if any(close(value, start, 1e-12) for start in tied):
        best = next(start for start in tied if close(value, start, 1e-12))
    expect_number(
        f"better_start(starts={fmt(list(starts))})", value, best, tol=1e-12,
        mistakes=[(f"that start ends in the shallower valley (f = {fmt(heights[worst])} there, "
                   f"against {fmt(heights[best])}): the deeper valley is the one with the LOWER f at the end",
                   worst)],
        hint="run descent from every start and keep the one whose end point has the lowest f",
    )
    passed(f"starting at x = {fmt(best)} ends lowest: x = {fmt(ends[best])}, f = {fmt(heights[best])}")
