"""Part 6: gradients over several examples, and online, batch and mini-batch training."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib.errors import CourseInputError, require_int, require_positive
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
    for _ in range(epochs):
        for batch in batches_of_epoch(data):
            weights = batch_update(weights, batch, lr)
            history_w.append(weights)
            history_l.append(total_squared_error(weights, data))
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
