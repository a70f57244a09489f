import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from course_lib import mlp
from course_lib.data import load_digits_split

Z = sp.symbols("z")
POINTS = [-3.0, -0.5, 0.25, 2.0, *np.random.default_rng(4).uniform(-5, 5, 5)]


def _bench_settings():
    path = Path(__file__).resolve().parents[1] / "bench" / "bench_mlp.py"
    sys.path.insert(0, str(path.parent))  # the bench scripts import their sibling _meta.py
    spec = importlib.util.spec_from_file_location("bench_mlp", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SETTINGS


@pytest.mark.parametrize("name, expr", [("relu", sp.Max(0, Z)), ("sigmoid", 1 / (1 + sp.exp(-Z))), ("square", Z**2)])
def test_activations_match_sympy_and_central_differences(name, expr):
    f, df = mlp.ACTIVATIONS[name]
    sym_f, sym_df = sp.lambdify(Z, expr), sp.lambdify(Z, sp.diff(expr, Z))
    for z in POINTS:
        assert float(f(z)) == pytest.approx(float(sym_f(z)), rel=1e-12, abs=1e-15)
        assert float(df(z)) == pytest.approx(float(sym_df(z)), rel=1e-12, abs=1e-15)
        h = 1e-6
        assert float(df(z)) == pytest.approx((float(f(z + h)) - float(f(z - h))) / (2 * h), rel=1e-6, abs=1e-8)
    np.testing.assert_allclose(f(np.array(POINTS)), [float(sym_f(z)) for z in POINTS], rtol=1e-12)


def test_relu_derivative_is_zero_at_zero_and_sigmoid_does_not_overflow():
    assert mlp.relu_prime(0.0) == 0.0 and mlp.relu_prime(np.array([0.0, 1e-12]))[0] == 0.0
    with np.errstate(all="raise"):
        assert mlp.sigmoid(-1000.0) == 0.0 and mlp.sigmoid(1000.0) == 1.0


def test_losses():
    # natural log: −ln 0.8 = 0.2231…
    assert mlp.cross_entropy([0.8, 0.2], 0) == pytest.approx(-math.log(0.8)) and round(-math.log(0.8), 3) == 0.223
    assert mlp.mse([1.0, 2.0], [1.0, 4.0]) == 2.0  # (0² + 2²) / 2
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]])
    p = mlp.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    loss, dlogits = mlp.softmax_cross_entropy(z, [2, 0])
    assert loss == pytest.approx((-math.log(p[0, 2]) - math.log(p[1, 0])) / 2)
    h = 1e-6
    for i, j in [(0, 0), (0, 2), (1, 1)]:
        zp, zm = z.copy(), z.copy()
        zp[i, j] += h
        zm[i, j] -= h
        numeric = (mlp.softmax_cross_entropy(zp, [2, 0])[0] - mlp.softmax_cross_entropy(zm, [2, 0])[0]) / (2 * h)
        assert dlogits[i, j] == pytest.approx(numeric, abs=1e-8)


def test_vanishing_product():
    assert mlp.vanishing_product(0.3, 3) == pytest.approx(0.027)
    assert mlp.vanishing_product(0.3, 100) < 1e-50 and mlp.vanishing_product(1.0, 100) == 1.0


@pytest.mark.parametrize("activation", sorted(mlp.ACTIVATIONS))
def test_gradient_check(activation):
    model = mlp.MLP([4, 5, 3, 3], np.random.default_rng(0), activation=activation)
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(7, 4)), rng.integers(0, 3, 7)
    assert model.gradient_check(X, y) <= 1e-6
    assert model.params[0].dtype == np.float64


def test_gradient_check_catches_a_wrong_backward():
    model = mlp.MLP([3, 4, 2], np.random.default_rng(2))
    X, y = np.random.default_rng(3).normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    right = model._backward
    model._backward = lambda cache, labels: (lambda r: (r[0], [g * 1.01 for g in r[1]]))(right(cache, labels))
    assert model.gradient_check(X, y) > 1e-3


def test_backward_and_step_reduce_the_loss():
    model = mlp.MLP([6, 8, 4], np.random.default_rng(5))
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(20, 6)), rng.integers(0, 4, 20)
    before = model.loss(X, y)
    probs, cache = model.forward(X)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    model.step(model.backward(cache, y), 0.05)
    assert model.loss(X, y) < before


def test_he_init_scale():
    model = mlp.MLP([400, 300, 10], np.random.default_rng(0))
    assert model.params[0].std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)
    assert not model.params[1].any()


def test_digits_loader():
    X_train, X_test, y_train, y_test = load_digits_split()
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64) and len(y_train) == 1347
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    assert set(np.unique(y_test)) == set(range(10))


def test_training_on_digits_reaches_97_percent_with_the_benchmark_settings():
    s = _bench_settings()
    X_train, X_test, y_train, y_test = load_digits_split(test_size=0.25, seed=s["split_seed"])
    model = mlp.MLP([64, s["hidden"], 10], np.random.default_rng(0))
    calls = []
    log = mlp.train(model, X_train, y_train, s["epochs"], s["batch_size"], s["lr"], np.random.default_rng(1000),
                    callback=lambda epoch, lg: calls.append((epoch, lg.epochs)))
    assert calls == [(e, e + 1) for e in range(s["epochs"])]
    assert log.epoch_losses[-1] < 0.1 * log.epoch_losses[0]
    assert len(log.batch_losses) == s["epochs"] * math.ceil(len(y_train) / s["batch_size"])
    assert model.accuracy(X_test, y_test) >= s["target_accuracy"] >= 0.97
