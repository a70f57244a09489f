"""Part 2: partial derivatives, the gradient, and simultaneous n-D gradient descent."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib.descent import run_descent
from course_lib.errors import CourseInputError, require_callable, require_int, require_positive, require_vector


def bowl(x) -> float:
    """f(x1, x2) = x1² + 2·x2²."""
    x1, x2 = require_vector("x", x, length=2)
    return float(x1 * x1 + 2 * x2 * x2)


def bowl_gradient(x) -> np.ndarray:
    """[∂f/∂x1, ∂f/∂x2] = [2x1, 4x2]."""
    x1, x2 = require_vector("x", x, length=2)
    return np.array([2 * x1, 4 * x2])


def partial_derivative(f, x, i, h=1e-5) -> float:
    """Central difference along axis i only: the other coordinates are held fixed."""
    require_callable("f", f)
    x = require_vector("x", x)
    i = require_int("i", i, 0)
    if i >= x.shape[0]:
        raise CourseInputError(f"i must be an index < {x.shape[0]} (the length of x), got {i}")
    h = require_positive("h", h)
    plus, minus = x.copy(), x.copy()
    plus[i] += h
    minus[i] -= h
    return float((f(plus) - f(minus)) / (2 * h))


def numeric_gradient(f, x, h=1e-5) -> np.ndarray:
    """Every partial derivative of f at x, by central differences."""
    x = require_vector("x", x)
    return np.array([partial_derivative(f, x, i, h) for i in range(x.shape[0])])


@dataclass(frozen=True)
class StepND:
    iteration: int
    x: np.ndarray
    fx: float
    grad: np.ndarray
    step: np.ndarray
    new_x: np.ndarray


def _frozen(array) -> np.ndarray:
    array = np.array(array, dtype=float)
    array.setflags(write=False)
    return array


def _step_nd(iteration, x, fx, grad, step, new_x) -> StepND:
    return StepND(iteration, _frozen(x), fx, _frozen(grad), _frozen(step), _frozen(new_x))


def descent_paths_nd(grad_f, x0s, lrs, n_iter: int) -> np.ndarray:
    """Many n-D descents: out[r, i] is point i of the run from x0s[r] with rate lrs[r].

    The same update as gradient_descent_nd (step = lr·∇f(x), then x − step), calling grad_f
    on each point, so every value equals the scalar trace's. Used by the live figures.
    """
    require_callable("grad_f", grad_f)
    n_iter = require_int("n_iter", n_iter, 1)
    starts = np.array(x0s, dtype=float)
    if starts.ndim != 2 or not np.all(np.isfinite(starts)):
        raise CourseInputError(f"x0s must be finite points, one per row, got shape {starts.shape}")
    rates = np.broadcast_to(np.array(lrs, dtype=float).reshape(-1), (starts.shape[0],))
    if not np.all(rates > 0):
        raise CourseInputError("descent_paths_nd needs positive learning rates")
    out = np.empty((starts.shape[0], n_iter + 1, starts.shape[1]))
    for row, (x, lr) in enumerate(zip(starts, rates)):
        out[row, 0] = x
        for i in range(1, n_iter + 1):
            x = x - lr * np.asarray(grad_f(x), dtype=float)
            out[row, i] = x
    return out


def gradient_descent_nd(f, grad_f, x0, lr, n_iter=100) -> list[StepND]:
    """x ← x − lr·∇f(x) with every coordinate updated from the same old point (simultaneous)."""
    x0 = require_vector("x0", x0)
    size = x0.shape[0]

    def as_state(value):
        array = np.asarray(value, dtype=float)
        if array.shape != (size,):
            raise CourseInputError(f"grad_f must return an array of shape ({size},), got shape {array.shape}")
        return array

    return run_descent(f, grad_f, x0, lr, n_iter, _step_nd, as_state)
