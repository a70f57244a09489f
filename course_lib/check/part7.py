"""Checks for notebook 07 (activations, cross-entropy, and one backward step of a dense layer).

Each check runs the learner's functions on its cases: the visible ones unless the cell passes
others (the hidden tests; ``draws=[(seed, scale, n)]`` adds n normal inputs drawn inside the check).
Expected values come from course_lib.mlp; the dense layer's gradients are those of a real MLP's
backward pass, with the upstream gradient taken from course_lib's softmax cross-entropy.
"""

from __future__ import annotations

import math

import numpy as np

from course_lib.check.cases import check_cases
from course_lib.check.core import (CheckFailed, Hint, as_number, call, expect_array, expect_number, expect_sequence, exercise,
                                   fmt, passed)
from course_lib.mlp import MLP, cross_entropy, relu, relu_prime, sigmoid, sigmoid_prime, softmax_cross_entropy

NOTEBOOK = "07_scaling_up"

# around ReLU's kink (x = 0 included), negative and positive on both sides
ACTIVATION_INPUTS = ((-2.0, -0.5, 0.0, 0.5, 3.0),)


def _inputs(cases, draws):
    out = [tuple(float(v) for v in np.ravel(c)) for c in (ACTIVATION_INPUTS if cases is None and not draws else
                                                        cases or ())]
    for seed, scale, n in draws or ():
        out.append(tuple(float(v) for v in np.random.default_rng(seed).normal(0.0, scale, n)))
    return out


def _floats(values) -> list[float]:
    return [float(v) for v in np.ravel(values)]


def _elementwise(name, fn):
    return lambda case: call(name, fn, np.array(case, dtype=float))


def _verify_elementwise(name, hint):
    def verify(case, got, expected, mistakes):
        try:
            number = as_number(name, got)
        except CheckFailed:
            number = None  # not one number: checked as an array below
        if number is not None:
            raise CheckFailed(label=f"{name}(x) for x = {fmt(list(case))}", expected=f"an array of {len(case)} values",
                              got=f"one number, {fmt(number)}", kind="type",
                              hint=f"{name} works element by element: np.max / max reduce an array to one number; "
                                   "np.maximum(x, 0) and np.exp(x) keep one value per entry")
        expect_array(f"{name}(x) for x = {fmt(list(case))}", got, expected, tol=1e-9, mistakes=mistakes, hint=hint,
                     shape_hint=f"{name} works element by element: one value per entry of x")
    return verify


def _of(f):
    return lambda case: _floats(f(np.array(case)))


def _report(cases, given, lines):
    if given:
        passed(f"right on {len(cases)} more inputs")
    else:
        for line in lines:
            passed(line)


# ---------------------------------------------------------------- exercise 1: relu

RELU_MISTAKES = [
    (Hint("negative inputs must become 0: max(0, x)"), _of(lambda x: x)),
    (Hint("max(0, x), not |x|: negative inputs become 0"), _of(np.abs)),
    (Hint("that is the derivative (0 or 1), not max(0, x)"), _of(relu_prime)),
]
RELU_PRIME_MISTAKES = [
    (Hint("at x = 0 the course uses 0 (the subgradient the script chooses): test x > 0, not x ≥ 0",
          more="the slope is 1 only where x is strictly positive"), _of(lambda x: (x >= 0).astype(float))),
    (Hint("that is relu(x) itself; its slope is 1 where x > 0 and 0 elsewhere"), _of(relu)),
    (Hint("the slope is 0 for negative inputs: ReLU is flat there"), _of(np.ones_like)),
    (Hint("the slope is 0 (not −1) for negative inputs: ReLU is flat there, np.sign gives −1"), _of(np.sign)),
]


def _relu_steps():
    x = ACTIVATION_INPUTS[0]
    return (f"the check's inputs x = {fmt(list(x))}: max(0, x) keeps the positive entries and puts 0 elsewhere, "
            f"{fmt(_floats(relu(np.array(x))))}",
            f"the slope: 1 where x > 0, else 0 (also at x = 0), {fmt(_floats(relu_prime(np.array(x))))}")


def _check_pair(functions, references, hints, mistakes, cases, draws, line):
    """A function and its derivative, each on every input case; one ✓ line per visible case."""
    inputs = _inputs(cases, draws)
    for (name, fn), ref, hint, wrong in zip(functions, references, hints, mistakes):
        check_cases(inputs, _elementwise(name, fn), _of(ref), _verify_elementwise(name, hint), wrong)
    _report(inputs, cases is not None or draws, [line(x) for x in inputs])


@exercise(NOTEBOOK, "relu", "ReLU and its derivative", steps=_relu_steps())
def check_relu(relu_fn, relu_prime_fn, cases=None, draws=None):
    """relu(x) = max(0, x) and relu_prime(x) = 1 where x > 0, else 0, element by element on arrays."""
    _check_pair((("relu", relu_fn), ("relu_prime", relu_prime_fn)), (relu, relu_prime),
                ("max(0, x) element by element (np.maximum)", "1.0 where x > 0, else 0.0 (as floats)"),
                (RELU_MISTAKES, RELU_PRIME_MISTAKES), cases, draws,
                lambda x: f"relu and relu_prime on x = {fmt(list(x))}: {fmt(_floats(relu(np.array(x))))} and "
                          f"{fmt(_floats(relu_prime(np.array(x))))}")


# ---------------------------------------------------------------- exercise 2: sigmoid

def _s(x):
    return sigmoid(x)


_S_PRIME = "compute s = sigmoid(x) first, then s * (1 - s): both factors use s, not x"
SIGMOID_MISTAKES = [
    (Hint("the exponent is −x: 1/(1 + e^(−x))"), _of(lambda x: sigmoid(-x))),
    (Hint("that is e^(−x), not 1/(1 + e^(−x))"), _of(lambda x: np.exp(-x))),
    (Hint("the parentheses are missing: 1 / 1 + np.exp(-x) is 1 + e^(−x); write 1 / (1 + np.exp(-x))"),
     _of(lambda x: 1 + np.exp(-x))),
]
SIGMOID_PRIME_MISTAKES = [
    (Hint("that is sigmoid(x) itself; its derivative is sigmoid(x)·(1 − sigmoid(x))", more=_S_PRIME), _of(_s)),
    (Hint("apply s·(1 − s) to s = sigmoid(x), not to x itself", more=_S_PRIME), _of(lambda x: x * (1 - x))),
    (Hint("the derivative is s·(1 − s), not 1 − s", more=_S_PRIME), _of(lambda x: 1 - _s(x))),
    (Hint("the derivative is s·(1 − s), not s·(1 + s)", more=_S_PRIME), _of(lambda x: _s(x) * (1 + _s(x)))),
    (Hint("the sigmoid rises everywhere, so its slope is positive: s·(1 − s), no minus sign"),
     _of(lambda x: -sigmoid_prime(x))),
]


def _sigmoid_steps():
    x = ACTIVATION_INPUTS[0]
    s = _floats(sigmoid(np.array(x)))
    return (f"the check's inputs x = {fmt(list(x))}: e^(−x) = {fmt(_floats(np.exp(-np.array(x))))}, so "
            f"s = 1/(1 + e^(−x)) = {fmt(s)}",
            f"the slope s·(1 − s) on those s: {fmt([v * (1 - v) for v in s])}")


@exercise(NOTEBOOK, "sigmoid", "sigmoid and its derivative", steps=_sigmoid_steps())
def check_sigmoid(sigmoid_fn, sigmoid_prime_fn, cases=None, draws=None):
    """sigmoid(x) = 1/(1 + e^−x) and sigmoid_prime(x) = sigmoid(x)·(1 − sigmoid(x)), element by element."""
    _check_pair((("sigmoid", sigmoid_fn), ("sigmoid_prime", sigmoid_prime_fn)), (sigmoid, sigmoid_prime),
                ("1/(1 + np.exp(-x))", "s = sigmoid(x), then s·(1 − s)"), (SIGMOID_MISTAKES, SIGMOID_PRIME_MISTAKES),
                cases, draws, lambda x: f"sigmoid and sigmoid_prime on {len(x)} inputs; the slope is largest at "
                                        f"x = 0: {fmt(float(sigmoid_prime(0.0)))}")


# ---------------------------------------------------------------- exercise 3: cross_entropy

# the script's cat/dog example, then three classes where the true class is neither the first nor the likeliest
CROSS_ENTROPY_CASES = (((0.8, 0.2), 0), ((0.1, 0.6, 0.3), 2))


def _q(case):
    p, label = case
    return p[label]


def _other_class(k):
    def wrong(case):
        p, label = case
        return -math.log(p[k]) if k < len(p) and k != label and p[k] > 0 else None
    return wrong


_TRUE_CLASS = Hint("that is −ln of another class's probability; use the TRUE class, probabilities[label]",
                   more="label is the index of the true class: probabilities[label] is the probability the "
                        "network gave it")
_LN = "cross-entropy uses the natural log, ln: np.log or math.log (log10 and log2 are other bases)"
CROSS_ENTROPY_MISTAKES = [
    (Hint("that is −log10: cross-entropy uses the natural log, ln (np.log)", more=_LN),
     lambda c: -math.log10(_q(c))),
    (Hint("that is −log2: cross-entropy uses the natural log, ln (np.log)", more=_LN), lambda c: -math.log2(_q(c))),
    (Hint("the minus sign is missing: ln p < 0 for p < 1, and a loss must be ≥ 0"), lambda c: math.log(_q(c))),
    (Hint("that is the sum of −ln p over every class; only the true class counts"),
     lambda c: -sum(math.log(v) for v in c[0])),
    (Hint("that is the entropy of the whole distribution, −Σ p·ln p; cross-entropy with the true class is "
          "−ln(probabilities[label]) alone"), lambda c: -sum(v * math.log(v) for v in c[0])),
    (Hint("the loss is −ln p, not 1 − p: it grows without bound as p goes to 0"), lambda c: 1 - _q(c)),
    (Hint("that is −ln of the LARGEST probability; use the TRUE class's, probabilities[label]",
          more=_TRUE_CLASS.more), lambda c: -math.log(max(c[0]))),
    *[(_TRUE_CLASS, _other_class(k)) for k in range(16)],
]


def _cross_entropy_steps():
    p, label = CROSS_ENTROPY_CASES[-1]
    return (f"the check's second case: probabilities {fmt(list(p))}, label {label}: the true class's probability "
            f"is probabilities[{label}] = {fmt(p[label])}",
            f"ln {fmt(p[label])} = {fmt(math.log(p[label]))}; the loss is its negative, {fmt(-math.log(p[label]))}")


def _ce_case(case):
    p, label = case
    return tuple(float(v) for v in p), int(label)


def _verify_cross_entropy(case, got, expected, mistakes):
    p, label = case
    expect_number(f"cross_entropy({fmt(list(p))}, label={label})", got, expected, tol=1e-9, mistakes=mistakes,
                  hint="−ln(probabilities[label]): math.log or np.log is the natural log")


@exercise(NOTEBOOK, "cross_entropy", "cross-entropy −ln(probability of the true class)",
          steps=_cross_entropy_steps())
def check_cross_entropy(cross_entropy_fn, cases=None):
    """cross_entropy(probabilities, label) must return −ln(probabilities[label]) on every case (probabilities, label)."""
    cases_ = [_ce_case(c) for c in (CROSS_ENTROPY_CASES if cases is None else cases)]
    results = check_cases(cases_, lambda c: call("cross_entropy", cross_entropy_fn, list(c[0]), c[1]),
                          lambda c: cross_entropy(np.array(c[0]), c[1]), _verify_cross_entropy,
                          CROSS_ENTROPY_MISTAKES)
    _report(cases_, cases is not None,
            [f"cross_entropy({fmt(list(p))}, label={label}) = {fmt(loss)}" for (p, label), _, loss in results])


# ---------------------------------------------------------------- exercise 4: dense_backward

# a real MLP's last layer: sizes, batch, seed (n_in ≠ n_out, so a missing transpose shows as a shape)
DENSE_CASES = (((4, 5, 3), 6, 0),)


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


def _dense(case):
    _, _, _, dW, db, da, _ = dense_case(*case)
    return [dW, db, da]


def _dense_with(which, f):
    def wrong(case):
        out = _dense(case)
        a, W, delta, dW, db, da, below = dense_case(*case)
        out[which] = f(a, W, delta, dW, db, da, below)
        return out
    return wrong


DENSE_MISTAKES = [
    (Hint("delta already carries the 1/n of the mean loss: don't divide by the batch size again"),
     _dense_with(0, lambda a, W, d, dW, db, da, below: dW / len(a))),
    (Hint("each example contributes aᵀ·delta: sum over the batch, don't multiply by n"),
     _dense_with(0, lambda a, W, d, dW, db, da, below: dW * len(a))),
    (Hint("delta already carries the 1/n of the mean loss: sum over the batch, don't average"),
     _dense_with(1, lambda a, W, d, dW, db, da, below: db / len(a))),
    (Hint("you also multiplied by the activation's derivative: that belongs to the layer below, "
          "da is ∂loss/∂a = delta @ Wᵀ"), _dense_with(2, lambda a, W, d, dW, db, da, below: da * relu_prime(below))),
]


def _dense_steps():
    a, W, delta, *_ = dense_case(*DENSE_CASES[0])
    n, n_in, n_out = a.shape[0], W.shape[0], W.shape[1]
    return (f"shapes first: a is {n}×{n_in}, W is {n_in}×{n_out}, delta is {n}×{n_out}; dW must be {n_in}×{n_out}, "
            f"db must have {n_out} entries, da must be {n}×{n_in}",
            f"dW pairs each input column of a with each column of delta, summed over the {n} examples: "
            f"({n_in}×{n}) @ ({n}×{n_out}); db sums delta's {n} rows; da spreads each row of delta back "
            f"through W: ({n}×{n_out}) @ ({n_out}×{n_in})")


def _shape(x):
    return tuple(np.shape(x)) if isinstance(x, (np.ndarray, list, tuple)) else None


def _verify_dense(case, got, expected, mistakes):
    a, W, delta, *_ = dense_case(*case)
    n, n_in, n_out = a.shape[0], W.shape[0], W.shape[1]
    items = expect_sequence("dense_backward(a, W, delta)", got, length=3, shape_hint="return the triple (dW, db, da)")
    if _shape(items[1]) == (n, n_in) and _shape(items[2]) in ((n_out,), (1, n_out)):
        raise CheckFailed(label="dense_backward(a, W, delta)", expected=f"(dW, db, da): db of shape ({n_out},) second",
                          got=f"an array of da's shape ({n}, {n_in}) second and one of db's third", kind="shape",
                          hint="the order is (dW, db, da)")
    where = f"(a: {n}×{n_in}, W: {n_in}×{n_out}, delta: {n}×{n_out})"
    for i, (name, hint, shape_hint) in enumerate((
        ("dW", "dW = aᵀ @ delta: input times upstream gradient, summed over the batch",
         f"dW has W's shape ({n_in}, {n_out}): a.T @ delta"),
        ("db", "∂z/∂b = 1, so db is delta summed over the batch (axis 0)",
         f"db has b's shape ({n_out},): delta.sum(axis=0), summed over the examples (axis=0)"),
        ("da", "da = delta @ W.T: each input's blame is the upstream blame weighted by its outgoing weights",
         f"da has a's shape ({n}, {n_in}): delta @ W.T"),
    )):
        expect_array(f"{name} {where}", items[i], expected[i], tol=1e-9, mistakes=[(h, w[i]) for h, w in mistakes],
                     hint=hint, shape_hint=shape_hint)


def _dense_case(case):
    sizes, batch, seed = case
    return tuple(int(s) for s in sizes), int(batch), int(seed)


@exercise(NOTEBOOK, "dense_backward", "the backward step of a dense layer z = a·W + b", steps=_dense_steps())
def check_dense_backward(dense_backward, cases=None):
    """dense_backward(a, W, delta) must return (dW, db, da) for z = a @ W + b given delta = ∂loss/∂z, on every
    case (layer sizes, batch size, seed) of a course_lib MLP."""
    cases_ = [_dense_case(c) for c in (DENSE_CASES if cases is None else cases)]
    check_cases(cases_, lambda c: call("dense_backward", dense_backward, *dense_case(*c)[:3]), _dense, _verify_dense,
                DENSE_MISTAKES)
    _report(cases_, cases is not None,
            [f"dense_backward matches course_lib's MLP backward pass for a {batch}×{sizes[-2]} input and a "
             f"{sizes[-2]}×{sizes[-1]} weight matrix" for sizes, batch, _ in cases_])
