"""Parts 4–5: the script's five-weight network, its forward pass, error and backpropagation.

h1 = (x1 + w1·x2)², h2 = w2·x1·x2, y_pred = w3·h1 + w4·h2 + w5, Error = (y_true − y_pred)².
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from math import prod

import numpy as np

from course_lib.errors import CourseInputError, require_finite, require_positive, require_vector

NAMES = ("w1", "w2", "w3", "w4", "w5")


@dataclass(frozen=True)
class Weights:
    w1: float
    w2: float
    w3: float
    w4: float
    w5: float

    def __post_init__(self):
        for name in NAMES:
            object.__setattr__(self, name, require_finite(name, getattr(self, name)))

    def as_array(self) -> np.ndarray:
        return np.array(astuple(self), dtype=float)

    @classmethod
    def from_array(cls, a) -> "Weights":
        return cls(*require_vector("a", a, length=len(NAMES)))


INITIAL_WEIGHTS = Weights(1, 2, 1, 1, 0)


def target_function(x1, x2) -> float:
    """What the network should learn: 2x1² + 3x2."""
    x1, x2 = require_finite("x1", x1), require_finite("x2", x2)
    return 2 * x1 * x1 + 3 * x2


@dataclass(frozen=True)
class Example:
    x1: float
    x2: float
    y_true: float


DATASET = tuple(Example(x1, x2, target_function(x1, x2)) for x1, x2 in ((3.0, 2.0), (1.0, 4.0), (2.0, 1.0)))


@dataclass(frozen=True)
class Forward:
    x1: float
    x2: float
    h1: float
    h2: float
    y_pred: float
    y_true: float | None
    difference: float | None
    error: float | None


def require_weights(weights) -> Weights:
    if not isinstance(weights, Weights):
        raise CourseInputError(f"weights must be a Weights, got {type(weights).__name__}")
    return weights


def require_example(name: str, example) -> Example:
    if not isinstance(example, Example):
        raise CourseInputError(f"{name} must be an Example(x1, x2, y_true), got {type(example).__name__}")
    for field in ("x1", "x2", "y_true"):
        require_finite(f"{name}.{field}", getattr(example, field))
    return example


def require_data(data) -> tuple[Example, ...]:
    """A non-empty sequence of Examples."""
    try:
        items = tuple(data)
    except TypeError:
        raise CourseInputError(f"data must be a sequence of Examples, got {type(data).__name__}") from None
    if not items:
        raise CourseInputError("data must contain at least one Example, got an empty sequence")
    return tuple(require_example(f"data[{i}]", e) for i, e in enumerate(items))


def forward(weights, x1, x2, y_true=None) -> Forward:
    """Layer 1 then layer 2; the error fields are None when no y_true is given."""
    w = require_weights(weights)
    x1, x2 = require_finite("x1", x1), require_finite("x2", x2)
    h1 = (x1 + w.w1 * x2) ** 2
    h2 = w.w2 * x1 * x2
    y_pred = w.w3 * h1 + w.w4 * h2 + w.w5
    if y_true is None:
        return Forward(x1, x2, h1, h2, y_pred, None, None, None)
    y_true = require_finite("y_true", y_true)
    difference = y_true - y_pred
    return Forward(x1, x2, h1, h2, y_pred, y_true, difference, difference * difference)


def forward_dataset(weights, data=DATASET) -> list[Forward]:
    return [forward(weights, e.x1, e.x2, e.y_true) for e in require_data(data)]


def total_squared_error(weights, data=DATASET) -> float:
    """Σ (y_true − y_pred)² over the data set (a sum, as the script does, not a mean)."""
    return float(sum(f.error for f in forward_dataset(weights, data)))


@dataclass(frozen=True)
class Blame:
    weight: str
    factors: tuple[tuple[str, float], ...]
    gradient: float


@dataclass(frozen=True)
class Backprop:
    forward: Forward
    dE_dy: float
    local: dict
    blames: dict
    gradient: Weights


def backprop(weights, example) -> Backprop:
    """∂Error/∂w for every weight as a product of local derivatives along its path.

    ∂Error/∂y_pred = 2(y_pred − y_true) is computed once and shared by all five paths.
    """
    w = require_weights(weights)
    e = require_example("example", example)
    fw = forward(w, e.x1, e.x2, e.y_true)
    dE_dy = 2 * (fw.y_pred - fw.y_true)
    local = {
        "∂y_pred/∂w5": 1.0,
        "∂y_pred/∂w4": fw.h2,
        "∂y_pred/∂w3": fw.h1,
        "∂y_pred/∂h1": w.w3,
        "∂y_pred/∂h2": w.w4,
        "∂h1/∂w1": 2 * (e.x1 + w.w1 * e.x2) * e.x2,
        "∂h2/∂w2": e.x1 * e.x2,
    }
    paths = {
        "w1": ("∂y_pred/∂h1", "∂h1/∂w1"),
        "w2": ("∂y_pred/∂h2", "∂h2/∂w2"),
        "w3": ("∂y_pred/∂w3",),
        "w4": ("∂y_pred/∂w4",),
        "w5": ("∂y_pred/∂w5",),
    }
    blames = {}
    for name in NAMES:
        factors = (("∂Error/∂y_pred", dE_dy),) + tuple((key, local[key]) for key in paths[name])
        blames[name] = Blame(name, factors, prod(value for _, value in factors))
    gradient = Weights(*(blames[name].gradient for name in NAMES))
    return Backprop(fw, dE_dy, local, blames, gradient)


def update(weights, gradient, lr) -> Weights:
    """w ← w − lr·g for all five weights at once (each uses the gradient of the old weights)."""
    w = require_weights(weights)
    if not isinstance(gradient, Weights):
        raise CourseInputError(f"gradient must be a Weights, got {type(gradient).__name__}")
    lr = require_positive("lr", lr)
    return Weights.from_array(w.as_array() - lr * gradient.as_array())


def online_step(weights, example, lr) -> Weights:
    """One forward pass, one backward pass, one update on a single example."""
    return update(weights, backprop(weights, example).gradient, lr)
