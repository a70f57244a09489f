"""Part 7: activations, losses, vanishing gradients, and a vectorized multilayer perceptron.

The MLP is the five-weight network's recipe at scale: forward pass, softmax
cross-entropy, backpropagation layer by layer (matrix products instead of scalar
chains), and plain mini-batch gradient descent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np

from course_lib.descent import square, square_prime
from course_lib.errors import (
    CourseInputError,
    require_callable,
    require_finite,
    require_int,
    require_positive,
    require_real,
)

__all__ = [
    "ACTIVATIONS", "MLP", "TrainingLog", "cross_entropy", "mse", "relu", "relu_prime", "sigmoid",
    "sigmoid_prime", "softmax", "softmax_cross_entropy", "square", "square_prime", "train", "vanishing_product",
]


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_prime(z):
    return (z > 0).astype(float)  # 0 at z = 0: the subgradient the course uses


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # equals 1/(1 + e^−z) without overflow for large −z


def _sigmoid_prime(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


def _square(z):
    return z * z


def _square_prime(z):
    return 2.0 * z


def relu(x):
    """max(0, x)."""
    return _relu(require_real("x", x))


def relu_prime(x):
    """1 if x > 0 else 0 (including at x = 0)."""
    x = require_real("x", x)
    return _relu_prime(x) if isinstance(x, np.ndarray) else float(x > 0)


def sigmoid(x):
    """1 / (1 + e^−x)."""
    return _sigmoid(require_real("x", x))


def sigmoid_prime(x):
    """sigmoid(x)·(1 − sigmoid(x))."""
    return _sigmoid_prime(require_real("x", x))


ACTIVATIONS = {"relu": (relu, relu_prime), "sigmoid": (sigmoid, sigmoid_prime), "square": (square, square_prime)}
_KERNELS = {"relu": (_relu, _relu_prime), "sigmoid": (_sigmoid, _sigmoid_prime), "square": (_square, _square_prime)}


def _array(name, value, ndim=None) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CourseInputError(f"{name} must be numbers, got {type(value).__name__}") from None
    if ndim is not None and array.ndim != ndim:
        raise CourseInputError(f"{name} must be {ndim}-D, got an array of shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise CourseInputError(f"{name} must contain only finite numbers")
    return array


def _labels(name, labels, n, n_classes) -> np.ndarray:
    array = np.asarray(labels)
    if array.ndim != 1 or array.shape[0] != n:
        raise CourseInputError(f"{name} must be 1-D with one label per row ({n}), got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise CourseInputError(f"{name} must hold integer class indices, got dtype {array.dtype}")
    if array.size and (array.min() < 0 or array.max() >= n_classes):
        raise CourseInputError(f"{name} must be class indices in 0..{n_classes - 1}, got {array.min()}..{array.max()}")
    return array


def mse(y_true, y_pred) -> float:
    """Mean of (y_true − y_pred)² (for one prediction: the script's squared error)."""
    y_true, y_pred = _array("y_true", y_true), _array("y_pred", y_pred)
    if y_true.shape != y_pred.shape:
        raise CourseInputError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}")
    return float(np.mean((y_true - y_pred) ** 2))


def cross_entropy(probabilities, label) -> float:
    """−ln(probability of the true class), natural log: [0.8, 0.2] with label 0 gives −ln 0.8 ≈ 0.223."""
    p = _array("probabilities", probabilities, ndim=1)
    if p.size == 0 or np.any(p < 0) or abs(p.sum() - 1.0) > 1e-6:
        raise CourseInputError(f"probabilities must be non-negative and sum to 1, got {p.tolist()}")
    if isinstance(label, bool) or not isinstance(label, Integral) or not 0 <= label < p.size:
        raise CourseInputError(f"label must be an integer index in 0..{p.size - 1}, got {label!r}")
    return -math.log(p[label]) if p[label] > 0 else math.inf


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))  # shifting by the max keeps exp from overflowing
    return e / e.sum(axis=-1, keepdims=True)


def softmax(z) -> np.ndarray:
    """exp(z) / Σ exp(z) along the last axis."""
    z = _array("z", z)
    if z.ndim not in (1, 2) or z.shape[-1] == 0:
        raise CourseInputError(f"z must be a non-empty 1-D or 2-D array, got shape {z.shape}")
    return _softmax(z)


def _softmax_ce(logits, labels):
    p = _softmax(logits)
    n = logits.shape[0]
    rows = np.arange(n)
    loss = -np.mean(np.log(np.maximum(p[rows, labels], np.finfo(float).tiny)))
    p[rows, labels] -= 1.0
    return float(loss), p / n


def softmax_cross_entropy(logits, labels):
    """(mean cross-entropy of softmax(logits), its gradient (softmax − one-hot)/n w.r.t. the logits)."""
    logits = _array("logits", logits, ndim=2)
    if logits.shape[0] == 0:
        raise CourseInputError("logits must have at least one row, got 0 rows")
    return _softmax_ce(logits, _labels("labels", labels, logits.shape[0], logits.shape[1]))


def vanishing_product(factor, depth) -> float:
    """factor ** depth: what is left of a gradient after depth layers that each pass on `factor` of it."""
    return require_finite("factor", factor) ** require_int("depth", depth, 0)


class MLP:
    """Fully connected network: hidden layers with `activation`, softmax output, He-initialised."""

    def __init__(self, layer_sizes, rng, activation="relu", dtype=np.float64):
        sizes = list(layer_sizes) if not isinstance(layer_sizes, (str, bytes)) else []
        if len(sizes) < 2:
            raise CourseInputError(f"layer_sizes must list at least 2 layer widths, got {layer_sizes!r}")
        self.layer_sizes = tuple(require_int(f"layer_sizes[{i}]", s, 1) for i, s in enumerate(sizes))
        if not isinstance(rng, np.random.Generator):
            raise CourseInputError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        if activation not in _KERNELS:
            raise CourseInputError(f"activation must be one of {sorted(_KERNELS)}, got {activation!r}")
        self.activation = activation
        self._f, self._f_prime = _KERNELS[activation]
        self.dtype = np.dtype(dtype)
        self.params = []
        for fan_in, fan_out in zip(self.layer_sizes, self.layer_sizes[1:]):
            self.params.append((rng.standard_normal((fan_in, fan_out)) * math.sqrt(2.0 / fan_in)).astype(self.dtype))
            self.params.append(np.zeros(fan_out, dtype=self.dtype))

    def _check_X(self, X) -> np.ndarray:
        X = _array("X", X, ndim=2)
        if X.shape[1] != self.layer_sizes[0]:
            raise CourseInputError(f"X must have {self.layer_sizes[0]} columns (the input width), got {X.shape[1]}")
        if X.shape[0] == 0:
            raise CourseInputError("X must have at least one row, got 0 rows")
        return X.astype(self.dtype, copy=False)

    def _check_y(self, y, n) -> np.ndarray:
        return _labels("y", y, n, self.layer_sizes[-1])

    def _forward(self, X):
        a, cache = X, []
        last = len(self.params) // 2 - 1
        for layer in range(last + 1):
            W, b = self.params[2 * layer], self.params[2 * layer + 1]
            z = a @ W
            z += b
            cache.append((a, z))
            a = z if layer == last else self._f(z)
        return a, cache

    def forward(self, X):
        """(class probabilities, cache of each layer's input and pre-activation for backward)."""
        logits, cache = self._forward(self._check_X(X))
        return _softmax(logits), cache

    def _backward(self, cache, y):
        logits = cache[-1][1]
        loss, delta = _softmax_ce(logits, y)
        grads = [None] * len(self.params)
        for layer in range(len(cache) - 1, -1, -1):
            a, _ = cache[layer]
            grads[2 * layer] = a.T @ delta
            grads[2 * layer + 1] = delta.sum(axis=0)
            if layer:
                delta = (delta @ self.params[2 * layer].T) * self._f_prime(cache[layer - 1][1])
        return loss, grads

    def backward(self, cache, y):
        """Gradients of the mean cross-entropy w.r.t. every array in params (same order)."""
        if not isinstance(cache, list) or len(cache) != len(self.params) // 2:
            raise CourseInputError("cache must be the second value returned by this model's forward(X)")
        return self._backward(cache, self._check_y(y, cache[0][0].shape[0]))[1]

    def step(self, grads, lr):
        """Plain gradient descent, in place: p ← p − lr·g."""
        lr = require_positive("lr", lr)
        if len(grads) != len(self.params) or any(np.shape(g) != p.shape for g, p in zip(grads, self.params)):
            raise CourseInputError("grads must match params: one array of the same shape per parameter")
        for p, g in zip(self.params, grads):
            p -= lr * g

    def loss(self, X, y) -> float:
        X = self._check_X(X)
        logits, _ = self._forward(X)
        return _softmax_ce(logits, self._check_y(y, X.shape[0]))[0]

    def predict(self, X) -> np.ndarray:
        return np.argmax(self._forward(self._check_X(X))[0], axis=1)

    def accuracy(self, X, y) -> float:
        X = self._check_X(X)
        return float(np.mean(self.predict(X) == self._check_y(y, X.shape[0])))

    def gradient_check(self, X, y, eps=1e-6) -> float:
        """Largest relative error between backward() and central differences over every parameter.

        Relative error |a − n| / max(|a| + |n|, 1e-8): the floor keeps exactly-zero gradients
        (dead ReLUs) from dividing 0 by 0. Meant for small models: it costs 2 forwards per parameter.
        """
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        eps = require_positive("eps", eps)
        _, analytic = self._backward(self._forward(X)[1], y)
        worst = 0.0
        for p, g in zip(self.params, analytic):
            flat, gflat = p.reshape(-1), g.reshape(-1)
            for i in range(flat.size):
                saved = flat[i]
                flat[i] = saved + eps
                plus = self.loss(X, y)
                flat[i] = saved - eps
                minus = self.loss(X, y)
                flat[i] = saved
                numeric = (plus - minus) / (2 * eps)
                worst = max(worst, abs(gflat[i] - numeric) / max(abs(gflat[i]) + abs(numeric), 1e-8))
        return worst


@dataclass
class TrainingLog:
    """epoch_losses[e]: mean mini-batch loss during epoch e; batch_losses: every batch's loss."""

    epoch_losses: list = field(default_factory=list)
    batch_losses: list = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.epoch_losses)


def train(model, X, y, epochs, batch_size, lr, rng, callback=None) -> TrainingLog:
    """Mini-batch gradient descent, reshuffled with rng every epoch; callback(epoch, log) after each epoch."""
    if not isinstance(model, MLP):
        raise CourseInputError(f"model must be an MLP, got {type(model).__name__}")
    X = model._check_X(X)
    y = model._check_y(y, X.shape[0])
    epochs = require_int("epochs", epochs, 1)
    batch_size = require_int("batch_size", batch_size, 1)
    lr = require_positive("lr", lr)
    if not isinstance(rng, np.random.Generator):
        raise CourseInputError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if callback is not None:
        require_callable("callback", callback)
    log = TrainingLog()
    n = X.shape[0]
    for epoch in range(epochs):
        order = rng.permutation(n)
        Xs, ys = X[order], y[order]
        total = 0.0
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            loss, grads = model._backward(model._forward(Xs[start:stop])[1], ys[start:stop])
            for p, g in zip(model.params, grads):
                p -= lr * g
            log.batch_losses.append(loss)
            total += loss * (stop - start)
        log.epoch_losses.append(total / n)
        if callback is not None:
            callback(epoch, log)
    return log
