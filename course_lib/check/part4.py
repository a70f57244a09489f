"""Checks for notebook 04 (the forward pass of the five-weight network and its total error).

Each check runs the learner's function on its cases: the visible ones (the script's examples with
its starting weights, then ``OTHER_EXAMPLE`` with ``OTHER_WEIGHTS``) unless the cell passes others
(the hidden tests). The starting weights w1 = w3 = w4 = 1, w5 = 0 hide several mistakes (w1 next
to the wrong input, a forgotten w5, w3 and w4 swapped or left out); the other case shows them.
Each layer is checked on course_lib's inputs (the output layer gets course_lib's h1 and h2, the
total error course_lib's predictions), so a wrong hidden layer fails one check only.
"""

from __future__ import annotations

from course_lib.check.cases import check_cases
from course_lib.check.core import Hint, as_number, call, expect_number, expect_sequence, exercise, fmt, passed
from course_lib.network import DATASET, INITIAL_WEIGHTS, Example, Weights, forward, target_function

NOTEBOOK = "04_forward_pass"

# Chosen so that every typical mistake of parts 4–6 gives its own value: no weight is 1, w3 ≠ w4,
# the bias is not 0, x1 ≠ x2, x2 ≠ 2, w3 ∉ {2, x2}, x1 + w1·x2 < 0 (so √h1 ≠ x1 + w1·x2) and the
# prediction is below the target (so |y_pred − y_true| ≠ y_pred − y_true).
OTHER_WEIGHTS = Weights(0.5, -1.5, 2.5, -0.75, 1.5)
OTHER_EXAMPLE = Example(-2.0, 1.5, target_function(-2.0, 1.5))


def _args(*values) -> str:
    return ", ".join(fmt(float(v)) for v in values)


def _floats(case) -> tuple[float, ...]:
    return tuple(float(v) for v in case)


# ---------------------------------------------------------------- exercise 1: hidden_layer

_W, _O, _E = INITIAL_WEIGHTS, OTHER_WEIGHTS, OTHER_EXAMPLE
HIDDEN_LAYER_CASES = tuple((d.x1, d.x2, _W.w1, _W.w2) for d in DATASET) + ((_E.x1, _E.x2, _O.w1, _O.w2),)


def _layer1(x1, x2, w1, w2):
    h = forward(Weights(w1, w2, 0, 0, 0), x1, x2)
    return h.h1, h.h2


def _h1_is(f):
    return lambda c: (f(*c), _layer1(*c)[1])


def _h2_is(f):
    return lambda c: (_layer1(*c)[0], f(*c))


_SUM_FIRST = "compute the sum s = x1 + w1·x2 first (in parentheses), then square it: h1 = s²"
HIDDEN_LAYER_MISTAKES = [
    (Hint("h1 is squared: (x1 + w1·x2)², not x1 + w1·x2", more=_SUM_FIRST),
     _h1_is(lambda x1, x2, w1, w2: x1 + w1 * x2)),
    (Hint("w1 multiplies x2, not x1: h1 = (x1 + w1·x2)²",
          more=f"the starting weights have w1 = {fmt(INITIAL_WEIGHTS.w1)}, which hides this; read the formula "
               "term by term: x1 plus (w1 times x2)"),
     _h1_is(lambda x1, x2, w1, w2: (w1 * x1 + x2) ** 2)),
    (Hint("(a + b)² is not a² + b²: the cross term 2ab is missing; square the sum itself", more=_SUM_FIRST),
     _h1_is(lambda x1, x2, w1, w2: x1 ** 2 + (w1 * x2) ** 2)),
    (Hint("only x2 was squared: ** binds tighter than * and +, so put the sum in parentheses, (x1 + w1*x2)**2",
          more=_SUM_FIRST),
     _h1_is(lambda x1, x2, w1, w2: x1 + w1 * x2 ** 2)),
    (Hint("that is 2·(x1 + w1·x2), not its square", more="squaring is ** 2 (or s * s); * 2 doubles"),
     _h1_is(lambda x1, x2, w1, w2: 2 * (x1 + w1 * x2))),
    (Hint("w1 belongs to h1 (w2 is h2's weight): h1 = (x1 + w1·x2)²"),
     _h1_is(lambda x1, x2, w1, w2: (x1 + w2 * x2) ** 2)),
    (Hint("h2 = w2·x1·x2: the weight w2 is missing", more="every neuron's formula has its own weight: h2's is w2"),
     _h2_is(lambda x1, x2, w1, w2: x1 * x2)),
    (Hint("h2 multiplies: w2·x1·x2, not w2·(x1 + x2)"), _h2_is(lambda x1, x2, w1, w2: w2 * (x1 + x2))),
    (Hint("w2 belongs to h2 (w1 is h1's weight): h2 = w2·x1·x2"), _h2_is(lambda x1, x2, w1, w2: w1 * x1 * x2)),
    (Hint("you swapped the two neurons: return (h1, h2) in that order",
          more="h1 = (x1 + w1·x2)² comes first, h2 = w2·x1·x2 second"),
     lambda c: _layer1(*c)[::-1]),
]


def _hidden_layer_steps():
    x1, x2, w1, w2 = HIDDEN_LAYER_CASES[0]
    h1, h2 = _layer1(x1, x2, w1, w2)
    s = x1 + w1 * x2
    return (f"the script's first example: x1 = {fmt(x1)}, x2 = {fmt(x2)}, w1 = {fmt(w1)}, w2 = {fmt(w2)}; "
            f"the sum inside h1 is x1 + w1·x2 = {fmt(x1)} + {fmt(w1)}·{fmt(x2)} = {fmt(s)}",
            f"h1 = {fmt(s)}² = {fmt(h1)}; h2 = w2·x1·x2 = {fmt(w2)}·{fmt(x1)}·{fmt(x2)} = {fmt(h2)}; "
            "your function returns the pair (h1, h2)")


def _verify_hidden_layer(case, got, expected, mistakes):
    x1, x2, w1, w2 = case
    h1, h2 = expect_sequence(f"hidden_layer({_args(*case)})", got, length=2, shape_hint="return the pair (h1, h2)")
    expect_number(f"h1 for x1 = {fmt(x1)}, x2 = {fmt(x2)}, w1 = {fmt(w1)}", h1, expected[0], tol=1e-9,
                  mistakes=[(h, w[0]) for h, w in mistakes], hint="compute the sum x1 + w1·x2 first, then square it")
    expect_number(f"h2 for x1 = {fmt(x1)}, x2 = {fmt(x2)}, w2 = {fmt(w2)}", h2, expected[1], tol=1e-9,
                  mistakes=[(h, w[1]) for h, w in mistakes], hint="h2 is the product of w2, x1 and x2")


@exercise(NOTEBOOK, "hidden_layer", "layer 1: h1 = (x1 + w1·x2)², h2 = w2·x1·x2", steps=_hidden_layer_steps())
def check_hidden_layer(hidden_layer, cases=None):
    """hidden_layer(x1, x2, w1, w2) must return (h1, h2) on every case (x1, x2, w1, w2)."""
    results = check_cases([_floats(c) for c in (HIDDEN_LAYER_CASES if cases is None else cases)],
                          lambda c: call("hidden_layer", hidden_layer, *c), lambda c: _layer1(*c),
                          _verify_hidden_layer, HIDDEN_LAYER_MISTAKES)
    if cases is None:
        for case, _, (h1, h2) in results:
            passed(f"hidden_layer({_args(*case)}) = (h1, h2) = ({fmt(h1)}, {fmt(h2)})")
    else:
        passed(f"hidden_layer is right on {len(results)} more cases")


# ---------------------------------------------------------------- exercise 2: output_layer

def _output_cases():
    out = []
    for weights, examples in ((INITIAL_WEIGHTS, DATASET), (OTHER_WEIGHTS, (OTHER_EXAMPLE,))):
        for e in examples:
            fw = forward(weights, e.x1, e.x2)
            out.append((fw.h1, fw.h2, weights.w3, weights.w4, weights.w5))
    return tuple(out)


OUTPUT_LAYER_CASES = _output_cases()
_OWN_WEIGHT = Hint("each neuron has its own weight: w3 weights h1 and w4 weights h2, not one weight for both")
OUTPUT_LAYER_MISTAKES = [
    (Hint("the bias w5 is missing: y_pred = w3·h1 + w4·h2 + w5",
          more=f"the starting weights have w5 = {fmt(INITIAL_WEIGHTS.w5)}, which hides a missing bias; add w5 at "
               "the end"),
     lambda c: c[2] * c[0] + c[3] * c[1]),
    (Hint("w3 belongs to h1 and w4 to h2: you swapped them",
          more=f"the starting weights have w3 = w4 = {fmt(INITIAL_WEIGHTS.w3)}, which hides a swap: pair each "
               "weight with its neuron"),
     lambda c: c[2] * c[1] + c[3] * c[0] + c[4]),
    (Hint("the weights multiply the neurons' outputs: w3·h1 + w4·h2, not h1 + h2"), lambda c: c[0] + c[1] + c[4]),
    (Hint("w3 multiplies h1: y_pred = w3·h1 + w4·h2 + w5"), lambda c: c[0] + c[3] * c[1] + c[4]),
    (Hint("w4 multiplies h2: y_pred = w3·h1 + w4·h2 + w5"), lambda c: c[2] * c[0] + c[1] + c[4]),
    (Hint("w5 is added, not multiplied"), lambda c: (c[2] * c[0] + c[3] * c[1]) * c[4]),
    (Hint("w5 is added, not subtracted"), lambda c: c[2] * c[0] + c[3] * c[1] - c[4]),
    (_OWN_WEIGHT, lambda c: c[2] * (c[0] + c[1]) + c[4]),
    (_OWN_WEIGHT, lambda c: c[3] * (c[0] + c[1]) + c[4]),
]


def _output_layer_steps():
    h1, h2, w3, w4, w5 = OUTPUT_LAYER_CASES[-1]
    return (f"the last case: h1 = {fmt(h1)}, h2 = {fmt(h2)}, w3 = {fmt(w3)}, w4 = {fmt(w4)}, w5 = {fmt(w5)}; "
            f"the weighted outputs are w3·h1 = {fmt(w3 * h1)} and w4·h2 = {fmt(w4 * h2)}",
            f"add them and the bias: {_term(w3 * h1)} + {_term(w4 * h2)} + {_term(w5)} = {fmt(w3 * h1 + w4 * h2 + w5)}")


def _term(x) -> str:
    return f"({fmt(x)})" if x < 0 else fmt(x)


def _verify_output_layer(case, got, expected, mistakes):
    expect_number(f"output_layer({_args(*case)})", got, expected, tol=1e-9, mistakes=mistakes,
                  hint="weight each hidden neuron's output, add them, then add w5")


@exercise(NOTEBOOK, "output_layer", "layer 2: y_pred = w3·h1 + w4·h2 + w5", steps=_output_layer_steps())
def check_output_layer(output_layer, cases=None):
    """output_layer(h1, h2, w3, w4, w5) must return w3·h1 + w4·h2 + w5 on every case (h1, h2, w3, w4, w5)."""
    results = check_cases([_floats(c) for c in (OUTPUT_LAYER_CASES if cases is None else cases)],
                          lambda c: call("output_layer", output_layer, *c),
                          lambda c: c[2] * c[0] + c[3] * c[1] + c[4], _verify_output_layer, OUTPUT_LAYER_MISTAKES)
    if cases is None:
        for case, _, y in results:
            passed(f"output_layer({_args(*case)}) = {fmt(y)}")
    else:
        passed(f"output_layer is right on {len(results)} more cases")


# ---------------------------------------------------------------- exercise 3: total_squared_error

def _error_cases():
    """(y_true, y_pred) lists: the script's table, then the other weights' predictions on the script's
    examples and the other example (differences of both signs)."""
    out = []
    for weights, examples in ((INITIAL_WEIGHTS, DATASET), (OTHER_WEIGHTS, DATASET + (OTHER_EXAMPLE,))):
        forwards = [forward(weights, e.x1, e.x2, e.y_true) for e in examples]
        out.append((tuple(f.y_true for f in forwards), tuple(f.y_pred for f in forwards)))
    return tuple(out)


TOTAL_ERROR_CASES = _error_cases()


def _differences(c):
    return [t - p for t, p in zip(*c)]


def _squares(c):
    return [d * d for d in _differences(c)]


_CANCEL = Hint("you added the differences themselves: positive and negative mistakes cancel — square each one",
               more="for each example compute d = y_true − y_pred, then add d² (never d)")
_DIFF_OF_SQUARES = Hint("square the difference, (y_true − y_pred)², not each value: y_true² − y_pred² is "
                        "something else")
TOTAL_ERROR_MISTAKES = [
    (_CANCEL, lambda c: sum(_differences(c))),
    (_CANCEL, lambda c: -sum(_differences(c))),
    (Hint("absolute values avoid the cancelling, but the script squares each difference"),
     lambda c: sum(abs(d) for d in _differences(c))),
    (Hint("that is the mean; the script's error is the SUM of the squared differences",
          more="do not divide by the number of examples"), lambda c: sum(_squares(c)) / len(c[0])),
    (Hint("square each difference, then add: you squared the sum of the differences"),
     lambda c: sum(_differences(c)) ** 2),
    (Hint("that is the square root of the total; the error is the sum of squares itself"),
     lambda c: sum(_squares(c)) ** 0.5),
    (Hint("only the last example counts: add the squared difference of every example",
          more="is the total overwritten with = instead of added to with +=?"), lambda c: _squares(c)[-1]),
    (Hint("only the first example counts: is the return inside the loop?",
          more="return after the loop has visited every example (dedent the return)"), lambda c: _squares(c)[0]),
    (_DIFF_OF_SQUARES, lambda c: sum(t * t - p * p for t, p in zip(*c))),
    (_DIFF_OF_SQUARES, lambda c: sum(p * p - t * t for t, p in zip(*c))),
]


def _total_error_steps():
    t, p = TOTAL_ERROR_CASES[0]
    d = [a - b for a, b in zip(t, p)]
    return ("the script's table: the differences y_true − y_pred are " + ", ".join(fmt(v) for v in d),
            "their squares are " + ", ".join(fmt(v * v) for v in d) + f"; their sum is {fmt(sum(v * v for v in d))}")


def _verify_total_error(case, got, expected, mistakes):
    t, p = case
    expect_number(f"total_squared_error(y_true={fmt(list(t))}, y_pred={fmt(list(p))})", got, expected, tol=1e-9,
                  mistakes=mistakes, hint="for every example square (y_true − y_pred), then add the squares")


def _error_case(case):
    t, p = case
    return (tuple(as_number("y_true entry", v) for v in t), tuple(as_number("y_pred entry", v) for v in p))


@exercise(NOTEBOOK, "total_error", "the total squared error over the examples", steps=_total_error_steps())
def check_total_error(total_squared_error, cases=None):
    """total_squared_error(y_true, y_pred) must return Σ (y_true − y_pred)² on every case (y_true, y_pred)."""
    results = check_cases([_error_case(c) for c in (TOTAL_ERROR_CASES if cases is None else cases)],
                          lambda c: call("total_squared_error", total_squared_error, list(c[0]), list(c[1])),
                          lambda c: sum(_squares(c)), _verify_total_error, TOTAL_ERROR_MISTAKES)
    if cases is None:
        for (t, _), _, total in results:
            passed(f"total squared error over {len(t)} examples = {fmt(total)}")
    else:
        passed(f"total_squared_error is right on {len(results)} more cases")
