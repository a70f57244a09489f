"""Checks for notebook 07 (activations, cross-entropy, and one backward step of a dense layer).

Expected values come from course_lib.mlp; the dense layer's gradients are those of a real
MLP's backward pass, with the upstream gradient taken from course_lib's softmax cross-entropy.
Inputs are passed as copies, so an answer that modifies its argument cannot change the expectation.
"""

from __future__ import annotations

import math

import numpy as np

from course_lib.check.core import CheckFailed, call, expect_array, expect_number, expect_sequence, exercise, fmt, passed
from course_lib.mlp import MLP, cross_entropy, relu, relu_prime, sigmoid, sigmoid_prime, softmax_cross_entropy

NOTEBOOK = "07_scaling_up"


def _floats(x) -> list[float]:
    return [float(v) for v in np.asarray(x, dtype=float).ravel()]


def _check_pair(names, functions, x, references, mistakes, hints):
    x = np.array(x, dtype=float)
    for name, fn, ref, wrong, hint in zip(names, functions, references, mistakes, hints):
        got = call(name, fn, x.copy())
        if isinstance(got, np.ndarray) and got.dtype == bool:
            raise CheckFailed(f"{name}(x) should hold numbers, you got an array of True/False — "
                              "convert it with .astype(float)")
        expect_array(f"{name}(x) for x = {fmt(_floats(x))}", got, _floats(ref(x)), tol=1e-9,
                     mistakes=[(h, _floats(v)) for h, v in wrong], hint=hint,
                     shape_hint=f"{name} works element by element: one value per entry of x")


@exercise(NOTEBOOK, "relu", "ReLU and its derivative")
def check_relu(relu_fn, relu_prime_fn, x):
    """relu(x) = max(0, x) and relu_prime(x) = 1 where x > 0, else 0, element by element on an array."""
    x = np.array(x, dtype=float)
    _check_pair(
        ("relu", "relu_prime"), (relu_fn, relu_prime_fn), x, (relu, relu_prime),
        mistakes=(
            [("negative inputs must become 0: max(0, x)", x), ("max(0, x), not |x|", np.abs(x)),
             ("that is the derivative (0 or 1), not max(0, x)", relu_prime(x))],
            [("at x = 0 the course uses 0 (the subgradient the script chooses): test x > 0, not x ≥ 0",
              (x >= 0).astype(float)),
             ("that is relu(x) itself; its slope is 1 where x > 0 and 0 elsewhere", relu(x)),
             ("the slope is 0 for negative inputs: ReLU is flat there", np.ones_like(x))],
        ),
        hints=("max(0, x) element by element (np.maximum)", "1.0 where x > 0, else 0.0 (as floats)"),
    )
    passed(f"relu and relu_prime on {x.size} inputs, including x = 0 → slope 0")


@exercise(NOTEBOOK, "sigmoid", "sigmoid and its derivative")
def check_sigmoid(sigmoid_fn, sigmoid_prime_fn, x):
    """sigmoid(x) = 1/(1 + e^−x) and sigmoid_prime(x) = sigmoid(x)·(1 − sigmoid(x))."""
    x = np.array(x, dtype=float)
    s = sigmoid(x)
    _check_pair(
        ("sigmoid", "sigmoid_prime"), (sigmoid_fn, sigmoid_prime_fn), x, (sigmoid, sigmoid_prime),
        mistakes=(
            [("the exponent is −x: 1/(1 + e^(−x))", sigmoid(-x)), ("that is e^(−x), not 1/(1 + e^(−x))", np.exp(-x))],
            [("that is sigmoid(x) itself; its derivative is sigmoid(x)·(1 − sigmoid(x))", s),
             ("apply s·(1 − s) to s = sigmoid(x), not to x itself", x * (1 - x)),
             ("the derivative is s·(1 − s), not 1 − s", 1 - s),
             ("the derivative is s·(1 − s), not s·(1 + s)", s * (1 + s))],
        ),
        hints=("1/(1 + np.exp(-x))", "s = sigmoid(x), then s·(1 − s)"),
    )
    passed(f"sigmoid and sigmoid_prime on {x.size} inputs; the slope is at most {fmt(float(sigmoid_prime(0.0)))}")


@exercise(NOTEBOOK, "cross_entropy", "cross-entropy −ln(probability of the true class)")
def check_cross_entropy(cross_entropy_fn, probabilities, label):
    """cross_entropy(probabilities, label) must return −ln(probabilities[label]) (natural log)."""
    p = [float(v) for v in probabilities]
    expected = cross_entropy(np.array(p), label)
    q = p[label]
    others = [(f"that is −ln of class {k}'s probability; use the TRUE class, probabilities[label]", -math.log(v))
              for k, v in enumerate(p) if k != label and v > 0]
    got = call("cross_entropy", cross_entropy_fn, list(p), label)
    expect_number(f"cross_entropy({fmt(p)}, label={label})", got, expected, tol=1e-9, mistakes=[
        ("that is −log10: cross-entropy uses the natural log, ln (np.log)", -math.log10(q)),
        ("that is −log2: cross-entropy uses the natural log, ln (np.log)", -math.log2(q)),
        ("the minus sign is missing: ln p < 0 for p < 1, and a loss must be ≥ 0", math.log(q)),
        ("−ln(1 − p) belongs to the wrong class: take −ln p of the true class", -math.log(1 - q) if q < 1 else None),
        ("that is the sum of −ln p over every class; only the true class counts",
         -sum(math.log(v) for v in p) if all(v > 0 for v in p) else None),
        *others,
    ], hint="−ln(probabilities[label]): math.log or np.log is the natural log")
    passed(f"cross_entropy({fmt(p)}, label={label}) = {fmt(expected)}")


def dense_case(sizes, batch, seed):
    """A real MLP's last dense layer: its input a, weights W, upstream ∂loss/∂z, and the
    reference (dW, db) from MLP.backward with da = ∂loss/∂a = delta·Wᵀ."""
    rng = np.random.default_rng(seed)
    model = MLP(sizes, rng)
    X = rng.standard_normal((batch, sizes[0]))
    y = rng.integers(0, sizes[-1], batch)
    _, cache = model.forward(X)
    grads = model.backward(cache, y)
    a, z = cache[-1]
    W = model.params[-2]
    delta = softmax_cross_entropy(z, y)[1]
    below = cache[-2][1]
    return a, W, delta, grads[-2], grads[-1], delta @ W.T, below


@exercise(NOTEBOOK, "dense_backward", "the backward step of a dense layer z = a·W + b")
def check_dense_backward(dense_backward, sizes=(4, 5, 3), batch=6, seed=0):
    """dense_backward(a, W, delta) must return (dW, db, da) for z = a @ W + b given delta = ∂loss/∂z."""
    a, W, delta, dW, db, da, z_below = dense_case(sizes, batch, seed)
    n, n_in, n_out = a.shape[0], W.shape[0], W.shape[1]
    got = call("dense_backward", dense_backward, a.copy(), W.copy(), delta.copy())
    items = expect_sequence("dense_backward(a, W, delta)", got, length=3, shape_hint="return the triple (dW, db, da)")
    where = f"(a: {n}×{n_in}, W: {n_in}×{n_out}, delta: {n}×{n_out})"
    expect_array(f"dW {where}", items[0], dW, tol=1e-9, mistakes=[
        ("delta already carries the 1/n of the mean loss: don't divide by the batch size again", dW / n),
        ("each example contributes aᵀ·delta: sum over the batch, don't multiply by n", dW * n),
    ], hint="dW = aᵀ @ delta: input times upstream gradient, summed over the batch",
        shape_hint=f"dW has W's shape ({n_in}, {n_out}): a.T @ delta")
    expect_array(f"db {where}", items[1], db, tol=1e-9, mistakes=[
        ("delta already carries the 1/n of the mean loss: sum over the batch, don't average", db / n),
    ], hint="∂z/∂b = 1, so db is delta summed over the batch (axis 0)",
        shape_hint=f"db has b's shape ({n_out},): delta.sum(axis=0)")
    expect_array(f"da {where}", items[2], da, tol=1e-9, mistakes=[
        ("you also multiplied by the activation's derivative: that belongs to the layer below, "
         "da is ∂loss/∂a = delta @ Wᵀ", da * relu_prime(z_below)),
    ], hint="da = delta @ W.T: each input's blame is the upstream blame weighted by its outgoing weights",
        shape_hint=f"da has a's shape ({n}, {n_in}): delta @ W.T")
    passed(f"dense_backward matches course_lib's MLP backward pass for a {n}×{n_in} input and a "
           f"{n_in}×{n_out} weight matrix")
