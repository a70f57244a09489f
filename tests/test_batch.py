import numpy as np
import pytest

from course_lib import batch as b
from course_lib.network import DATASET, INITIAL_WEIGHTS, Weights, backprop, total_squared_error, update

WEIGHTS = [INITIAL_WEIGHTS, *(Weights.from_array(w) for w in np.random.default_rng(11).uniform(-1, 1, (3, 5)))]


@pytest.mark.parametrize("weights", WEIGHTS)
def test_total_is_the_sum_of_rows(weights):
    grads = b.batch_gradients(weights)
    assert len(grads.rows) == len(DATASET)
    for row, e in zip(grads.rows, DATASET):
        assert row.gradient == backprop(weights, e).gradient
    np.testing.assert_allclose(grads.total.as_array(), np.sum([r.gradient.as_array() for r in grads.rows], axis=0))
    # summed, not averaged: the total is the gradient of the total squared error
    h, w0 = 1e-6, weights.as_array()
    for i in range(5):
        plus, minus = w0.copy(), w0.copy()
        plus[i] += h
        minus[i] -= h
        numeric = (total_squared_error(Weights.from_array(plus)) - total_squared_error(Weights.from_array(minus))) / 2 / h
        assert grads.total.as_array()[i] == pytest.approx(numeric, rel=1e-6)


def test_batch_update_uses_the_summed_gradient():
    for w in WEIGHTS:
        assert b.batch_update(w, DATASET, 1e-4) == update(w, b.batch_gradients(w).total, 1e-4)


def test_histories_decrease_for_a_small_rate():
    online = b.train_online(INITIAL_WEIGHTS, DATASET, 1e-4, 20)
    batch = b.train_batch(INITIAL_WEIGHTS, DATASET, 1e-4, 20)
    mini = b.train_minibatch(INITIAL_WEIGHTS, DATASET, 1e-4, 20, 2, np.random.default_rng(0))
    assert len(online.losses) == 1 + 20 * 3 and len(batch.losses) == 21 and len(mini.losses) == 1 + 20 * 2
    for history in (online, batch, mini):
        assert history.losses[0] == total_squared_error(INITIAL_WEIGHTS)
        assert history.losses[-1] == total_squared_error(history.final)
        assert history.losses[-1] < 0.05 * history.losses[0]
    assert all(y < x for x, y in zip(batch.losses, batch.losses[1:]))
    # one online update can hurt the other examples; after each full pass the total error is lower
    per_epoch = online.losses[::3]
    assert all(y < x for x, y in zip(per_epoch, per_epoch[1:]))
    per_epoch = mini.losses[::2]
    assert all(y < x for x, y in zip(per_epoch, per_epoch[1:]))


def test_minibatch_is_reproducible_and_full_size_equals_batch():
    run = lambda seed: b.train_minibatch(INITIAL_WEIGHTS, DATASET, 1e-4, 5, 2, np.random.default_rng(seed))  # noqa: E731
    assert run(3).losses == run(3).losses
    full = b.train_minibatch(INITIAL_WEIGHTS, DATASET, 1e-4, 5, 10, np.random.default_rng(0))
    np.testing.assert_allclose(full.losses, b.train_batch(INITIAL_WEIGHTS, DATASET, 1e-4, 5).losses, rtol=1e-12)
