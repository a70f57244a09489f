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


# --- many learning rates at once: the same numbers as the scalar functions, bit for bit ---
from course_lib.errors import CourseInputError, TrainingDiverged  # noqa: E402
from course_lib.network import Example  # noqa: E402

RATES = [10 ** round(-6 + 0.1 * i, 10) for i in range(0, 31, 3)] + [3.7e-4]
OTHER_DATA = (*DATASET[::-1], Example(-1.0, 2.0, 4.0), Example(0.5, -0.25, 1.0))


def scalar_runs(train, weights, data, lrs, epochs, *extra):
    return [train(weights, data, lr, epochs, *extra) for lr in lrs]


def assert_runs_equal(runs, histories):
    assert runs.losses.shape == (len(histories), len(histories[0].losses))
    for r, history in enumerate(histories):
        np.testing.assert_array_equal(runs.losses[r], history.losses)            # bit for bit
        np.testing.assert_array_equal(runs.weights[r], [w.as_array() for w in history.weights])


@pytest.mark.parametrize("weights, data", [(INITIAL_WEIGHTS, DATASET), (WEIGHTS[1], OTHER_DATA)])
def test_online_and_batch_at_many_rates_equal_the_scalar_runs_bit_for_bit(weights, data):
    assert_runs_equal(b.train_online_many(weights, data, RATES, 40),
                      scalar_runs(b.train_online, weights, data, RATES, 40))
    assert_runs_equal(b.train_batch_many(weights, data, RATES, 40),
                      scalar_runs(b.train_batch, weights, data, RATES, 40))


@pytest.mark.parametrize("batch_size", [1, 2, 3, 4])
@pytest.mark.parametrize("seed", [0, 7])
def test_minibatch_at_many_rates_equals_the_scalar_runs_bit_for_bit(batch_size, seed):
    data = OTHER_DATA if batch_size == 4 else DATASET
    runs = b.train_minibatch_many(INITIAL_WEIGHTS, data, RATES, 30, batch_size, np.random.default_rng(seed))
    # each scalar run gets its own generator seeded alike: every run shuffles the same way
    assert_runs_equal(runs, [b.train_minibatch(INITIAL_WEIGHTS, data, lr, 30, batch_size, np.random.default_rng(seed))
                             for lr in RATES])


def test_a_longer_run_starts_with_the_shorter_one():
    """What lets the widget train once for the epochs slider's maximum and show any prefix."""
    long = b.train_minibatch_many(INITIAL_WEIGHTS, DATASET, [1e-4], 50, 2, np.random.default_rng(1))
    short = b.train_minibatch(INITIAL_WEIGHTS, DATASET, 1e-4, 13, 2, np.random.default_rng(1))
    np.testing.assert_array_equal(long.losses[0, :len(short.losses)], short.losses)


def test_a_run_that_blows_up_holds_nan_where_the_scalar_run_refuses():
    runs = b.train_batch_many(INITIAL_WEIGHTS, DATASET, [1e-4, 1e-2], 20)
    assert np.isfinite(runs.losses[0]).all()
    blown = runs.losses[1]
    first_nan = int(np.argmax(np.isnan(blown)))
    assert 1 < first_nan and np.isnan(blown[first_nan:]).all() and np.isnan(runs.weights[1, first_nan:]).all()
    assert (np.diff(blown[:first_nan]) > 0).all()                    # it grew until then
    with pytest.raises(TrainingDiverged, match=r"training diverged: update \d+ \(epoch \d+\).*lr = 0.01 is too large"):
        b.train_batch(INITIAL_WEIGHTS, DATASET, 1e-2, 20)      # a weight not finite, or x ** 2 too large
    finite = b.train_batch(INITIAL_WEIGHTS, DATASET, 1e-2, first_nan - 1)
    np.testing.assert_array_equal(blown[:first_nan], finite.losses)


def test_many_rates_refuse_what_the_scalar_functions_refuse():
    with pytest.raises(CourseInputError, match="lr"):
        b.train_online_many(INITIAL_WEIGHTS, DATASET, [1e-4, 0.0], 3)
    with pytest.raises(CourseInputError, match="epochs"):
        b.train_batch_many(INITIAL_WEIGHTS, DATASET, [1e-4], 0)
    with pytest.raises(CourseInputError, match="rng"):
        b.train_minibatch_many(INITIAL_WEIGHTS, DATASET, [1e-4], 3, 2, 0)
    with pytest.raises(CourseInputError, match="weights"):
        b.train_batch_many((1, 2, 1, 1, 0), DATASET, [1e-4], 3)


def longest_scalar_run(train, lr, epochs):
    """The scalar run with the most epochs (≤ epochs) that does not stop with an error."""
    for e in range(epochs, 0, -1):
        try:
            return train(INITIAL_WEIGHTS, DATASET, lr, e)
        except TrainingDiverged:
            continue
    return None


@pytest.mark.parametrize("many, train", [(b.train_online_many, b.train_online), (b.train_batch_many, b.train_batch)])
def test_blowing_up_runs_match_the_scalar_runs_until_those_stop(many, train):
    rates = [1e-3, 2e-3, 4e-3, 1e-2, 0.1]
    runs = many(INITIAL_WEIGHTS, DATASET, rates, 12)
    for r, lr in enumerate(rates):
        history = longest_scalar_run(train, lr, 12)
        done = 0 if history is None else len(history.losses)
        if history is not None:
            np.testing.assert_array_equal(runs.losses[r, :done], history.losses)
        if done < runs.losses.shape[1]:       # the scalar run stops within the next epoch: NaN there
            per_epoch = (runs.losses.shape[1] - 1) // 12
            assert np.isnan(runs.losses[r, done:done + per_epoch]).any() and np.isnan(runs.losses[r, -1])
