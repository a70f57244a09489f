import numpy as np
import pytest

from course_lib import network as n

RANDOM_WEIGHTS = [n.Weights.from_array(w) for w in np.random.default_rng(7).uniform(-1.5, 1.5, (4, 5))]


def _error(weights_array, example):
    return n.forward(n.Weights.from_array(weights_array), example.x1, example.x2, example.y_true).error


def test_dataset_targets_are_computed():
    assert [(e.x1, e.x2) for e in n.DATASET] == [(3, 2), (1, 4), (2, 1)]
    for e in n.DATASET:
        assert e.y_true == 2 * e.x1**2 + 3 * e.x2


def test_forward_and_total_error():
    for w in [n.INITIAL_WEIGHTS, *RANDOM_WEIGHTS]:
        rows = n.forward_dataset(w)
        for r, e in zip(rows, n.DATASET):
            h1, h2 = (e.x1 + w.w1 * e.x2) ** 2, w.w2 * e.x1 * e.x2
            assert (r.h1, r.h2) == pytest.approx((h1, h2))
            assert r.y_pred == pytest.approx(w.w3 * h1 + w.w4 * h2 + w.w5)
            assert r.difference == pytest.approx(e.y_true - r.y_pred) and r.error == pytest.approx(r.difference**2)
        assert n.total_squared_error(w) == pytest.approx(sum(r.error for r in rows))
    bare = n.forward(n.INITIAL_WEIGHTS, 3, 2)
    assert bare.y_true is None and bare.error is None


@pytest.mark.parametrize("weights", [n.INITIAL_WEIGHTS, *RANDOM_WEIGHTS])
@pytest.mark.parametrize("example", n.DATASET)
def test_backprop_matches_central_differences(weights, example):
    result = n.backprop(weights, example)
    w0 = weights.as_array()
    for i, name in enumerate(n.NAMES):
        h = 1e-6
        plus, minus = w0.copy(), w0.copy()
        plus[i] += h
        minus[i] -= h
        numeric = (_error(plus, example) - _error(minus, example)) / (2 * h)
        assert getattr(result.gradient, name) == pytest.approx(numeric, rel=1e-6, abs=1e-6)
        blame = result.blames[name]
        assert blame.weight == name and blame.factors[0] == ("∂Error/∂y_pred", result.dE_dy)
        assert np.prod([v for _, v in blame.factors]) == pytest.approx(blame.gradient)
        assert blame.gradient == getattr(result.gradient, name)


def test_blame_anchor_by_hand():
    # (3, 2): h1 = (3 + 1·2)² = 25, h2 = 2·3·2 = 12, y_pred = 37; ∂E/∂y = 2(37 − 24) = 26,
    # ∂y/∂h1 = w3 = 1, ∂h1/∂w1 = 2(3 + 1·2)·2 = 20, so 26 × 1 × 20 = 520.
    blame = n.backprop(n.INITIAL_WEIGHTS, n.DATASET[0]).blames["w1"]
    assert blame.factors == (("∂Error/∂y_pred", 26.0), ("∂y_pred/∂h1", 1.0), ("∂h1/∂w1", 20.0))
    assert blame.gradient == 520.0


def test_update_is_simultaneous_and_online_step_reduces_the_error():
    g = n.Weights(1, 2, 3, 4, 5)
    assert n.update(n.INITIAL_WEIGHTS, g, 0.5).as_array().tolist() == [0.5, 1.0, -0.5, -1.0, -2.5]
    for w in [n.INITIAL_WEIGHTS, *RANDOM_WEIGHTS]:
        for e in n.DATASET:
            stepped = n.online_step(w, e, 1e-5)
            expected = w.as_array() - 1e-5 * n.backprop(w, e).gradient.as_array()
            np.testing.assert_allclose(stepped.as_array(), expected)
            before = n.forward(w, e.x1, e.x2, e.y_true).error
            assert n.forward(stepped, e.x1, e.x2, e.y_true).error < before or before == 0


def test_weights_round_trip():
    w = n.Weights.from_array([1, 2, 3, 4, 5])
    assert w.as_array().tolist() == [1, 2, 3, 4, 5] and n.Weights.from_array(w.as_array()) == w
