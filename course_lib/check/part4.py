"""Checks for notebook 04 (the forward pass of the five-weight network and its total error).

Each layer is checked on its own inputs: the output layer gets course_lib's h1 and h2,
the total error gets course_lib's predictions, so a wrong hidden layer fails one check only.
Hidden tests use weights other than the script's (w1 = w3 = w4 = 1, w5 = 0 hide several
mistakes: w1 next to the wrong input, a forgotten w5, w3 and w4 swapped).
"""

from __future__ import annotations

from course_lib.check.core import as_number, call, expect_number, expect_sequence, exercise, fmt, passed
from course_lib.network import Weights, forward

NOTEBOOK = "04_forward_pass"


def _args(*values) -> str:
    return ", ".join(fmt(float(v)) for v in values)


@exercise(NOTEBOOK, "hidden_layer", "layer 1: h1 = (x1 + w1·x2)², h2 = w2·x1·x2")
def check_hidden_layer(hidden_layer, x1, x2, w1, w2):
    """hidden_layer(x1, x2, w1, w2) must return (h1, h2)."""
    got = call("hidden_layer", hidden_layer, x1, x2, w1, w2)
    h1_got, h2_got = expect_sequence(f"hidden_layer({_args(x1, x2, w1, w2)})", got, length=2,
                                     shape_hint="return the pair (h1, h2)")
    ref = forward(Weights(w1, w2, 0, 0, 0), x1, x2)
    inner = x1 + w1 * x2
    expect_number(f"h1 for x1 = {fmt(x1)}, x2 = {fmt(x2)}, w1 = {fmt(w1)}", h1_got, ref.h1, tol=1e-9, mistakes=[
        ("h1 is squared: (x1 + w1·x2)², not x1 + w1·x2", inner),
        ("w1 multiplies x2, not x1: h1 = (x1 + w1·x2)²", (w1 * x1 + x2) ** 2),
        ("(a + b)² is not a² + b²: the cross term 2ab is missing; square the sum itself",
         x1 ** 2 + (w1 * x2) ** 2),
        ("that is 2·(x1 + w1·x2), not its square", 2 * inner),
        ("that is h2 (w2·x1·x2): you swapped the two neurons", ref.h2),
    ], hint="compute the sum x1 + w1·x2 first, then square it")
    expect_number(f"h2 for x1 = {fmt(x1)}, x2 = {fmt(x2)}, w2 = {fmt(w2)}", h2_got, ref.h2, tol=1e-9, mistakes=[
        ("h2 = w2·x1·x2: the weight w2 is missing", x1 * x2),
        ("h2 multiplies: w2·x1·x2, not w2·(x1 + x2)", w2 * (x1 + x2)),
        ("that is h1 ((x1 + w1·x2)²): you swapped the two neurons", ref.h1),
    ], hint="h2 is the product of w2, x1 and x2")
    passed(f"hidden_layer({_args(x1, x2, w1, w2)}) = (h1, h2) = ({fmt(ref.h1)}, {fmt(ref.h2)})")


@exercise(NOTEBOOK, "output_layer", "layer 2: y_pred = w3·h1 + w4·h2 + w5")
def check_output_layer(output_layer, h1, h2, w3, w4, w5):
    """output_layer(h1, h2, w3, w4, w5) must return w3·h1 + w4·h2 + w5."""
    got = call("output_layer", output_layer, h1, h2, w3, w4, w5)
    expected = w3 * h1 + w4 * h2 + w5
    expect_number(f"output_layer({_args(h1, h2, w3, w4, w5)})", got, expected, tol=1e-9, mistakes=[
        ("the bias w5 is missing: y_pred = w3·h1 + w4·h2 + w5", w3 * h1 + w4 * h2),
        ("w3 belongs to h1 and w4 to h2: you swapped them", w3 * h2 + w4 * h1),
        ("the weights multiply the neurons' outputs: w3·h1 + w4·h2, not h1 + h2", h1 + h2 + w5),
        ("w5 is added, not multiplied", (w3 * h1 + w4 * h2) * w5),
    ], hint="weight each hidden neuron's output, add them, then add w5")
    passed(f"output_layer({_args(h1, h2, w3, w4, w5)}) = {fmt(expected)}")


@exercise(NOTEBOOK, "total_error", "the total squared error over the examples")
def check_total_error(total_squared_error, y_true, y_pred):
    """total_squared_error(y_true, y_pred) must return Σ (y_true − y_pred)²."""
    t = [as_number("y_true entry", v) for v in y_true]
    p = [as_number("y_pred entry", v) for v in y_pred]
    got = call("total_squared_error", total_squared_error, list(t), list(p))
    differences = [a - b for a, b in zip(t, p)]
    squares = [d * d for d in differences]
    expected = sum(squares)
    expect_number(f"total_squared_error(y_true={fmt(t)}, y_pred={fmt(p)})", got, expected, tol=1e-9, mistakes=[
        ("you added the differences themselves: positive and negative mistakes cancel — square each one",
         sum(differences)),
        ("you added the differences themselves: positive and negative mistakes cancel — square each one",
         -sum(differences)),
        ("absolute values avoid the cancelling, but the script squares each difference", sum(abs(d) for d in differences)),
        ("that is the mean; the script's error is the SUM of the squared differences", expected / len(squares)),
        ("square each difference, then add: you squared the sum of the differences", sum(differences) ** 2),
        ("that is the square root of the total; the error is the sum of squares itself", expected ** 0.5),
        ("only the last example counts: add the squared difference of every example", squares[-1]),
    ], hint="for every example square (y_true − y_pred), then add the squares")
    passed(f"total squared error over {len(squares)} examples = {fmt(expected)}")
