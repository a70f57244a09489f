"""Part 1: derivatives and gradient descent in one dimension, and the two-valley trap.

The two-valley function x⁴ − 4x² + x + 1 is solved, not read off the script: its left
valley (x ≈ −1.47, f ≈ −4.44) is the global minimum and the right one (x ≈ 1.35,
f ≈ −1.62) the local one, the opposite of what the video claims.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from course_lib.errors import (
    CourseInputError,
    require_callable,
    require_finite,
    require_int,
    require_positive,
    require_real,
)


def square(x):
    """f(x) = x²."""
    x = require_real("x", x)
    return x * x


def square_prime(x):
    """f'(x) = 2x."""
    return 2 * require_real("x", x)


def numeric_derivative(f: Callable[[float], float], x, h=1e-5) -> float:
    """Central difference (f(x + h) − f(x − h)) / 2h: error O(h²) instead of O(h) one-sided."""
    require_callable("f", f)
    x = require_finite("x", x)
    h = require_positive("h", h)
    return float((f(x + h) - f(x - h)) / (2 * h))


@dataclass(frozen=True)
class Step1D:
    iteration: int
    x: float
    fx: float
    grad: float
    step: float
    new_x: float


class Trace(list):
    """A list of steps that also remembers whether descent was cut short by non-finite values."""

    stopped_nonfinite: bool = False


def _all_finite(*values) -> bool:
    return all(bool(np.all(np.isfinite(v))) for v in values)


def run_descent(f, grad_f, x0, lr, n_iter, make_step, as_state) -> Trace:
    """Shared loop of the 1-D and n-D traces: evaluate, step against the gradient, record.

    Stops before the first row that would hold a non-finite number (divergence), so every
    row of the trace can be shown in a table.
    """
    require_callable("f", f)
    require_callable("grad_f", grad_f)
    lr = require_positive("lr", lr)
    n_iter = require_int("n_iter", n_iter, 1)
    trace = Trace()
    x = x0
    with np.errstate(over="ignore", invalid="ignore"):
        for iteration in range(n_iter):
            try:
                fx = float(f(as_state(x)))
                grad = as_state(grad_f(as_state(x)))
            except OverflowError:
                trace.stopped_nonfinite = True
                break
            step = lr * grad
            new_x = x - step
            if not _all_finite(fx, grad, step, new_x):
                trace.stopped_nonfinite = True
                break
            trace.append(make_step(iteration, x, fx, grad, step, new_x))
            x = new_x
    return trace


def gradient_descent_1d(f, df, x0, lr, n_iter=100) -> list[Step1D]:
    """x ← x − lr·f'(x), n_iter times; one Step1D per iteration (0-based)."""
    x0 = require_finite("x0", x0)
    require_callable("df", df)
    return run_descent(f, df, x0, lr, n_iter, Step1D, float)


def descent_paths(df, x0s, lrs, n_iter: int) -> np.ndarray:
    """Many 1-D descents at once: row r is x₀, x₁, …, x_n for start x0s[r] and rate lrs[r].

    The same update as gradient_descent_1d (step = lr·f'(x), then x − step), on numpy arrays,
    so every value equals the scalar trace's. A row that turns non-finite holds NaN from there on.
    Used by the live figures, which show every setting a slider can reach.
    """
    require_callable("df", df)
    n_iter = require_int("n_iter", n_iter, 1)
    x = np.array(x0s, dtype=float).reshape(-1)
    lr = np.broadcast_to(np.array(lrs, dtype=float).reshape(-1), x.shape)
    if not (np.all(np.isfinite(x)) and np.all(lr > 0)):
        raise CourseInputError("descent_paths needs finite starts and positive learning rates")
    out = np.empty((x.size, n_iter + 1))
    out[:, 0] = x
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(1, n_iter + 1):
            step = lr * df(x)
            x = x - step
            x[~np.isfinite(x)] = np.nan
            out[:, i] = x
    return out


def diverged(trace) -> bool:
    """True if descent blew up (non-finite values) or ended higher and steeper than it started."""
    if getattr(trace, "stopped_nonfinite", False):
        return True
    if len(trace) == 0:
        raise CourseInputError("trace must contain at least one step, got an empty trace")
    first, last = trace[0], trace[-1]
    first_slope, last_slope = (float(np.linalg.norm(np.atleast_1d(row.grad))) for row in (first, last))
    return last.fx > first.fx and last_slope > first_slope


def two_valley(x):
    """f(x) = x⁴ − 4x² + x + 1."""
    x = require_real("x", x)
    return x**4 - 4 * x**2 + x + 1


def two_valley_prime(x):
    """f'(x) = 4x³ − 8x + 1."""
    x = require_real("x", x)
    return 4 * x**3 - 8 * x + 1


def two_valley_second(x):
    """f''(x) = 12x² − 8."""
    x = require_real("x", x)
    return 12 * x**2 - 8


@dataclass(frozen=True)
class CriticalPoint:
    x: float
    fx: float
    kind: str


def _polish(x: float, steps: int = 50) -> float:
    """Newton's method on f' from numpy's root: brings it to machine precision."""
    for _ in range(steps):
        delta = two_valley_prime(x) / two_valley_second(x)
        x -= delta
        if abs(delta) < 1e-15 * max(1.0, abs(x)):
            break
    return x


def two_valley_critical_points() -> list[CriticalPoint]:
    """Roots of f'(x) = 4x³ − 8x + 1, polished, classified by f'' and by comparing the minima."""
    roots = np.roots([4.0, 0.0, -8.0, 1.0])
    xs = sorted(_polish(float(r.real)) for r in roots if abs(r.imag) < 1e-9)
    minima = [x for x in xs if two_valley_second(x) > 0]
    lowest = min(minima, key=two_valley)
    points = []
    for x in xs:
        if two_valley_second(x) < 0:
            kind = "local maximum"
        else:
            kind = "global minimum" if x == lowest else "local minimum"
        points.append(CriticalPoint(x=x, fx=two_valley(x), kind=kind))
    return points


def descend(df, x0, lr=0.01, tol=1e-10, max_iter=100_000) -> float:
    """Run x ← x − lr·f'(x) until a step is shorter than tol; return where it stopped."""
    require_callable("df", df)
    x = require_finite("x0", x0)
    lr = require_positive("lr", lr)
    tol = require_positive("tol", tol)
    max_iter = require_int("max_iter", max_iter, 1)
    for _ in range(max_iter):
        try:
            step = lr * float(df(x))
        except OverflowError:
            step = math.inf
        if not math.isfinite(step) or not math.isfinite(x - step):
            raise CourseInputError(f"lr={lr} is too large: descent from x0={x0} diverged")
        x -= step
        if abs(step) < tol:
            return x
    raise CourseInputError(f"descent from x0={x0} with lr={lr} did not settle within max_iter={max_iter} steps")


def which_valley(x0, lr=0.01) -> CriticalPoint:
    """The critical point (a minimum, unless x0 sits exactly on the peak) descent from x0 ends in."""
    end = descend(two_valley_prime, x0, lr=lr)
    return min(two_valley_critical_points(), key=lambda p: abs(p.x - end))
