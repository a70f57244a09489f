"""Part 6: gradients over several examples, and online, batch and mini-batch training."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib.errors import CourseInputError, TrainingDiverged, require_int, require_positive
from course_lib.network import (
    DATASET,
    Backprop,
    Weights,
    backprop,
    require_data,
    require_weights,
    total_squared_error,
    update,
)


@dataclass(frozen=True)
class BatchGradients:
    rows: tuple[Backprop, ...]
    total: Weights


def batch_gradients(weights, data=DATASET) -> BatchGradients:
    """One backprop row per example and their SUM (the script sums; it does not average)."""
    require_weights(weights)
    rows = tuple(backprop(weights, e) for e in require_data(data))
    total = Weights.from_array(np.sum([r.gradient.as_array() for r in rows], axis=0))
    return BatchGradients(rows, total)


def batch_update(weights, data, lr) -> Weights:
    """One update with the summed gradient of every example in data."""
    lr = require_positive("lr", lr)
    return update(weights, batch_gradients(weights, data).total, lr)


@dataclass(frozen=True)
class History:
    """weights[i] and losses[i] after update i; index 0 is before training."""

    weights: tuple[Weights, ...]
    losses: tuple[float, ...]

    @property
    def final(self) -> Weights:
        return self.weights[-1]


def _train(weights, data, lr, epochs, batches_of_epoch) -> History:
    weights = require_weights(weights)
    data = require_data(data)
    lr = require_positive("lr", lr)
    epochs = require_int("epochs", epochs, 1)
    history_w, history_l = [weights], [total_squared_error(weights, data)]
    for epoch in range(1, epochs + 1):
        for batch in batches_of_epoch(data):
            try:  # the inputs were checked above: an error here means the numbers ran away
                weights = batch_update(weights, batch, lr)
                loss = total_squared_error(weights, data)
            except (CourseInputError, OverflowError):  # where the *_many runs turn NaN
                raise TrainingDiverged(
                    f"training diverged: update {len(history_w)} (epoch {epoch}) made the weights or the loss "
                    f"too large for a float (the loss had grown from {history_l[0]:.4g} to {history_l[-1]:.4g}). "
                    f"lr = {lr:g} is too large for this data: try a smaller one.") from None
            history_w.append(weights)
            history_l.append(loss)
    return History(tuple(history_w), tuple(history_l))


def train_online(weights, data, lr, epochs) -> History:
    """One update per example, in order."""
    return _train(weights, data, lr, epochs, lambda d: [(e,) for e in d])


def train_batch(weights, data, lr, epochs) -> History:
    """One update per epoch with the summed gradient of the whole data set."""
    return _train(weights, data, lr, epochs, lambda d: [d])


def train_minibatch(weights, data, lr, epochs, batch_size, rng) -> History:
    """Shuffle with rng every epoch, then one update per batch of batch_size (the last may be smaller)."""
    batch_size = require_int("batch_size", batch_size, 1)
    if not isinstance(rng, np.random.Generator):
        raise CourseInputError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")

    def batches(d):
        order = rng.permutation(len(d))
        return [tuple(d[i] for i in order[start:start + batch_size]) for start in range(0, len(d), batch_size)]

    return _train(weights, data, lr, epochs, batches)


# --- many learning rates at once (the batch-comparison widget shows every rate its slider reaches) ---

@dataclass(frozen=True)
class Runs:
    """One training run per learning rate: weights[r, i] and losses[r, i] after update i of run r.

    The numbers of run r are those of the scalar function at lrs[r], bit for bit: the same
    operations in the same order, on numpy arrays whose entries never mix. Where the scalar
    function stops with an error (a weight no longer finite, or Python's x ** 2 overflowing),
    the run holds NaN from there on.
    """

    lrs: np.ndarray
    weights: np.ndarray     # (runs, updates + 1, 5)
    losses: np.ndarray      # (runs, updates + 1)


def _pow2(x):
    # Python's x ** 2 (what forward() computes) is libm's pow(x, 2.0), which differs from x·x in the
    # last bit for about 0.1 % of inputs; np.float_power calls that pow (np.power and x**2 do not).
    return np.float_power(x, 2.0)


class _Lanes:
    """forward() and backprop() of every example (rows) for every run (columns) at weights w (5, runs)."""

    def __init__(self, w, x1, x2, y_true):
        base = x1 + w[0] * x2
        self.base, self.h1 = base, _pow2(base)
        h2 = w[1] * x1 * x2
        y_pred = w[2] * self.h1 + w[3] * h2 + w[4]
        difference = y_true - y_pred
        self.errors = difference * difference
        d = 2 * (y_pred - y_true)               # the w5 row is d · 1.0, which is d
        self.gradients = np.stack([d * w[2] * (2 * base * x2), d * w[3] * (x1 * x2), d * self.h1, d * h2, d])

    def overflowed(self):
        """Python raises OverflowError where pow of a finite number overflows (x * x just gives inf)."""
        return (np.isfinite(self.base) & ~np.isfinite(self.h1)).any(axis=0)

    def total_error(self):
        """total_squared_error(): Python's sum, from 0, left to right (as Python 3.11's sum adds)."""
        total = self.errors[0]
        for row in self.errors[1:]:
            total = total + row
        return total

    def summed_gradient(self, batch):
        """batch_gradients(...).total: the batch's rows summed in batch order (np.sum over axis 0 does)."""
        total = self.gradients[:, batch[0]]
        for i in batch[1:]:
            total = total + self.gradients[:, i]
        return total


def _train_many(weights, data, lrs, epochs, batches_of_epoch) -> Runs:
    """_train for every rate at once; batches_of_epoch(n) lists each batch's example indices."""
    weights = require_weights(weights)
    data = require_data(data)
    lrs = np.array([require_positive("lr", lr) for lr in np.ravel(lrs)], dtype=float)
    epochs = require_int("epochs", epochs, 1)
    x1, x2, y_true = (np.array([[getattr(e, f)] for e in data]) for f in ("x1", "x2", "y_true"))
    w = np.repeat(weights.as_array()[:, None], lrs.size, axis=1)          # (5, runs)
    history_w, history_l = [], []

    def record(w):
        lanes = _Lanes(w, x1, x2, y_true)
        total = lanes.total_error()
        if not (np.isfinite(total).all() and np.isfinite(w).all()):     # a run blows up (an overflow
            w[:, lanes.overflowed() | ~np.isfinite(w).all(axis=0)] = np.nan    # makes its total not finite)
        history_w.append(w)
        history_l.append(total)
        return lanes

    with np.errstate(over="ignore", invalid="ignore"):
        lanes = record(w)
        for _ in range(epochs):
            for batch in batches_of_epoch(len(data)):
                lanes = record(w := w - lrs * lanes.summed_gradient(batch))
    weights_ = np.transpose(history_w, (2, 0, 1))
    losses = np.array(history_l).T
    losses[np.isnan(weights_).any(axis=2)] = np.nan
    return Runs(lrs, weights_, losses)


def train_online_many(weights, data, lrs, epochs) -> Runs:
    """train_online at every rate of lrs at once."""
    return _train_many(weights, data, lrs, epochs, lambda n: [(i,) for i in range(n)])


def train_batch_many(weights, data, lrs, epochs) -> Runs:
    """train_batch at every rate of lrs at once."""
    return _train_many(weights, data, lrs, epochs, lambda n: [tuple(range(n))])


def train_minibatch_many(weights, data, lrs, epochs, batch_size, rng) -> Runs:
    """train_minibatch at every rate of lrs at once: rng shuffles once per epoch, as there, and every
    run takes the same batches (each scalar run, given a generator seeded alike, draws the same)."""
    batch_size = require_int("batch_size", batch_size, 1)
    if not isinstance(rng, np.random.Generator):
        raise CourseInputError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")

    def batches(n):
        order = rng.permutation(n)
        return [tuple(order[start:start + batch_size]) for start in range(0, n, batch_size)]

    return _train_many(weights, data, lrs, epochs, batches)
