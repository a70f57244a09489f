"""Input validation shared by the math modules: one error type, messages that name the argument."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np


class CourseInputError(ValueError):
    """Bad input to a public course_lib function (a ValueError, so generic handlers still catch it)."""


class TrainingDiverged(CourseInputError):
    """Training whose weights or loss stopped being finite numbers: the learning rate is too large."""


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def require_finite(name: str, value) -> float:
    """Return value as a float, or raise if it is not a finite real number (bools are rejected)."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.number)) or isinstance(value, np.complexfloating):
        raise CourseInputError(f"{name} must be a finite number, got {_describe(value)} ({type(value).__name__})")
    result = float(value)
    if not math.isfinite(result):
        raise CourseInputError(f"{name} must be a finite number, got {result}")
    return result


def require_positive(name: str, value) -> float:
    """Return value as a float, or raise if it is not finite and > 0."""
    try:
        result = require_finite(name, value)
    except CourseInputError:
        raise CourseInputError(f"{name} must be a finite number > 0, got {_describe(value)}") from None
    if result <= 0:
        raise CourseInputError(f"{name} must be a finite number > 0, got {_describe(value)}")
    return result


def require_int(name: str, value, minimum: int) -> int:
    """Return value as an int, or raise if it is not an integer >= minimum (floats like 3.0 are rejected)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise CourseInputError(f"{name} must be an integer >= {minimum}, got {_describe(value)} ({type(value).__name__})")
    if value < minimum:
        raise CourseInputError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def require_vector(name: str, value, length: int | None = None) -> np.ndarray:
    """Return value as a new 1-D float64 array of finite numbers (of the given length, if any)."""
    if isinstance(value, (str, bytes)):
        raise CourseInputError(f"{name} must be a sequence of numbers, got {_describe(value)}")
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise CourseInputError(f"{name} must be a sequence of numbers, got {_describe(value)}") from None
    if array.ndim != 1:
        raise CourseInputError(f"{name} must be 1-D, got an array of shape {array.shape}")
    if length is not None and array.shape[0] != length:
        raise CourseInputError(f"{name} must have length {length}, got length {array.shape[0]}")
    if not np.all(np.isfinite(array)):
        raise CourseInputError(f"{name} must contain only finite numbers, got {_describe(value)}")
    return array


def require_real(name: str, value):
    """A finite scalar (returned as float) or a sequence/array of finite numbers (returned as an array, for plots)."""
    if isinstance(value, (np.ndarray, list, tuple)):
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise CourseInputError(f"{name} must be numbers, got {_describe(value)}") from None
        if not np.all(np.isfinite(array)):
            raise CourseInputError(f"{name} must contain only finite numbers, got {_describe(value)}")
        return array
    return require_finite(name, value)


def require_callable(name: str, value) -> None:
    if not callable(value):
        raise CourseInputError(f"{name} must be a function, got {_describe(value)} ({type(value).__name__})")
