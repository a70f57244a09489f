"""Checks for notebook 06 (gradients over several examples; batch and online learning).

Each check runs the learner's function on its cases: the visible ones (the script's data with its
starting weights and learning rate, then part4's ``OTHER_WEIGHTS`` on the script's data and
``OTHER_EXAMPLE``, where a bias that is not 0 shows a forward pass that forgot it) unless the cell
passes others (the hidden tests). The visible checks use the TRUE gradients: the script's table
slips twice (example 2's ∂h1/∂w1 and example 3's ∂h2/∂w2), and a learner who makes the same slip
is told so. ``total_gradient``, ``batch_step`` and ``online_epoch`` receive course_lib's
per-example gradient function, so they are graded independently of ``example_gradients``.
"""

from __future__ import annotations

from course_lib.batch import batch_gradients, batch_update, train_online
from course_lib.check.cases import check_cases
from course_lib.check.core import (PASSED, CheckFailed, Hint, as_number, call, exercise, exercises, expect_array,
                                   expect_sequence, fmt, passed, short)
from course_lib.check.part4 import OTHER_EXAMPLE, OTHER_WEIGHTS
from course_lib.check.part5 import (BLAME_MISTAKES, EXAMPLE_CASES, H2_FOR_X1X2, X1_FOR_X2, OTHER_LR, as_case, as_weights, backprop_of,
                                    example_label, expect_gradients, gradients_of)
from course_lib.network import DATASET, INITIAL_WEIGHTS, Example, Weights, backprop, total_squared_error
from course_lib.script_tables import P5_LR

NOTEBOOK = "06_batch_learning"

SCRIPT_SLIP = " (the script's gradient table makes this very slip)"


def as_data(data) -> tuple[Example, ...]:
    return tuple(Example(float(x1), float(x2), float(y)) for x1, x2, y in data)


def _rows(data) -> tuple[tuple[float, float, float], ...]:
    return tuple((float(x1), float(x2), float(y)) for x1, x2, y in data)


def script_data() -> list[tuple[float, float, float]]:
    """The script's three examples as (x1, x2, y_true) tuples."""
    return [(e.x1, e.x2, e.y_true) for e in DATASET]


def _weights(w) -> tuple[float, ...]:
    return tuple(float(v) for v in (w.as_array() if isinstance(w, Weights) else w))


def reference_gradient(weights, example):
    """course_lib's ∂Error/∂(w1…w5) for one (x1, x2, y_true) example at the given five weights."""
    return tuple(float(g) for g in backprop(as_weights(weights), as_data([example])[0]).gradient.as_array())


def _vector(weights) -> list[float]:
    return [float(v) for v in weights.as_array()]


# ---------------------------------------------------------------- exercise 1: example_gradients

def _with_forward(case, h1, h2, y_pred, dh1_dw1=None):
    """The five gradients a learner gets from the right backward formulas on a wrong forward pass."""
    x1, x2, y_true, (w1, w2, w3, w4, _) = case
    d = 2 * (y_pred - y_true)
    dh1 = 2 * (x1 + w1 * x2) * x2 if dh1_dw1 is None else dh1_dw1
    return [d * w3 * dh1, d * w4 * x1 * x2, d * h1, d * h2, d]


def _forward_off(text, more=None):
    return Hint("the forward pass is off, and every gradient starts from its y_pred: " + text,
                more=more or "check y_pred first: h1 = (x1 + w1·x2)², h2 = w2·x1·x2, y_pred = w3·h1 + w4·h2 + w5")


def _no_bias(c):
    fw = backprop_of(c).forward
    return _with_forward(c, fw.h1, fw.h2, c[3][2] * fw.h1 + c[3][3] * fw.h2)


def _unsquared(c):
    x1, x2, _, w = c
    s, h2 = x1 + w[0] * x2, backprop_of(c).forward.h2
    return _with_forward(c, s, h2, w[2] * s + w[3] * h2 + w[4])


def _w1_next_to_x1(backward_too):
    def wrong(c):
        x1, x2, _, w = c
        h1, h2 = (w[0] * x1 + x2) ** 2, backprop_of(c).forward.h2
        return _with_forward(c, h1, h2, w[2] * h1 + w[3] * h2 + w[4],
                             2 * (w[0] * x1 + x2) * x1 if backward_too else None)
    return wrong


def _swapped(c):
    fw, w = backprop_of(c).forward, c[3]
    return _with_forward(c, fw.h1, fw.h2, w[2] * fw.h2 + w[3] * fw.h1 + w[4])


def _slip(hint):
    return Hint(hint.text + SCRIPT_SLIP, more=hint.more, next_steps=hint.next_steps)


_W1_NEXT_TO_X1 = _forward_off("w1 multiplies x2 in h1 = (x1 + w1·x2)², not x1",
                              more=f"the starting weights have w1 = {fmt(INITIAL_WEIGHTS.w1)}, which hides this")
EXAMPLE_GRADIENTS_MISTAKES = [
    (Hint("the sign is flipped: ∂Error/∂y_pred = 2·(y_pred − y_true)",
          more="all five gradients share the first factor ∂Error/∂y_pred: its sign flips them all"),
     lambda c: [-g for g in gradients_of(c)]),
    (Hint("∂Error/∂y_pred = 2·(y_pred − y_true): the factor 2 is missing",
          more="all five gradients share the first factor ∂Error/∂y_pred: they are all half as large"),
     lambda c: [g / 2 for g in gradients_of(c)]),
    (_forward_off("the bias w5 is missing, y_pred = w3·h1 + w4·h2 + w5",
                  more=f"the starting weights have w5 = {fmt(INITIAL_WEIGHTS.w5)}, which hides a missing bias"),
     _no_bias),
    (_forward_off("h1 = (x1 + w1·x2)² is squared"), _unsquared),
    (_W1_NEXT_TO_X1, _w1_next_to_x1(False)),
    (_W1_NEXT_TO_X1, _w1_next_to_x1(True)),
    (_forward_off("w3 weights h1 and w4 weights h2 (you swapped them)"), _swapped),
    *[(_slip(h) if h in (X1_FOR_X2, H2_FOR_X1X2) else h, wrong) for h, wrong in BLAME_MISTAKES],
]


def _example_gradients_steps():
    case = EXAMPLE_CASES[0]
    bp = backprop_of(case)
    fw = bp.forward
    return (f"the script's first example with the starting weights: h1 = {fmt(fw.h1)}, h2 = {fmt(fw.h2)}, "
            f"y_pred = {fmt(fw.y_pred)}, so ∂Error/∂y_pred = 2·(y_pred − y_true) = {fmt(bp.dE_dy)}",
            "then the local derivatives " + ", ".join(f"{k} = {fmt(v)}" for k, v in bp.local.items())
            + f", multiplied along each weight's path: {fmt(gradients_of(case))}")


def _example_component_mistakes(case, index):
    right = gradients_of(case)
    return [(h, wrong(case)[index]) for h, wrong in EXAMPLE_GRADIENTS_MISTAKES if wrong(case)[index] != right[index]]


def _verify_example_gradients(case, got, expected, mistakes):
    expect_gradients("", got, expected, mistakes, case, _example_component_mistakes)


@exercise(NOTEBOOK, "example_gradients", "forward and backward pass on one example", steps=_example_gradients_steps())
def check_example_gradients(example_gradients, cases=None):
    """example_gradients(x1, x2, y_true, weights) must return the five ∂Error/∂w on every case
    (x1, x2, y_true, weights)."""
    results = check_cases([as_case(*c) for c in (EXAMPLE_CASES if cases is None else cases)],
                          lambda c: call("example_gradients", example_gradients, *c), gradients_of,
                          _verify_example_gradients, EXAMPLE_GRADIENTS_MISTAKES)
    if cases is None:
        for case, _, g in results:
            passed(f"{example_label('example_gradients', case)} (true values): {fmt(g)}")
    else:
        passed(f"example_gradients is right on {len(results)} more cases")


# ---------------------------------------------------------------- exercise 2: total_gradient

def _data_case(w, data):
    return _weights(w), _rows(data)


# (weights, data): the script's data with its weights, then the other weights on one more example
DATA_CASES = (_data_case(INITIAL_WEIGHTS, script_data()),
              _data_case(OTHER_WEIGHTS, script_data() + [(OTHER_EXAMPLE.x1, OTHER_EXAMPLE.x2, OTHER_EXAMPLE.y_true)]))


def _per_example(case):
    w, data = case[0], case[1]
    return [list(reference_gradient(w, e)) for e in data]


def _total(case) -> list[float]:
    return _vector(batch_gradients(as_weights(case[0]), as_data(case[1])).total)


TOTAL_GRADIENT_MISTAKES = [
    (Hint("that is the mean; the script SUMS the gradients of the examples",
          more="do not divide by the number of examples: the total error is a sum, so is its gradient"),
     lambda c: [t / len(c[1]) for t in _total(c)]),
    (Hint("only the first example counts: is the return inside the loop? Add the gradients of every example",
          more="return after the loop has visited every example (dedent the return)"),
     lambda c: _per_example(c)[0]),
    (Hint("only the last example counts: add the gradients of every example",
          more="is the total overwritten with = instead of added to (total = total + g, component by component)?"),
     lambda c: _per_example(c)[-1]),
]


def _total_gradient_steps():
    rows = _per_example(DATA_CASES[0])
    return ("the script's data with the starting weights: grad_fn gives one row of five per example, "
            + "; ".join(fmt(r) for r in rows),
            f"add the rows column by column (w1 with w1, …): {fmt(_total(DATA_CASES[0]))}")


def _summed_vector(label, got, n_examples):
    """Five summed gradients, with the shape slips of summing named."""
    try:
        as_number(label, got)
    except CheckFailed:
        pass  # not one number: a sequence, checked below
    else:
        raise CheckFailed(label=label, expected="five summed gradients (w1…w5)", got=f"one number, {short(got)}",
                          kind="type", hint="you summed everything into one number: sum over the examples only, one "
                                            "total per weight (np.sum(rows, axis=0))")
    items = expect_sequence(label, got, shape_hint="return the five summed gradients (w1…w5)")
    n = len(items)
    if n == 5:
        return items
    if n == 5 * n_examples:
        hint = ("+ on lists or tuples joins them, it does not add them: add component by component, or turn "
                "each gradient into a numpy array first")
    elif n == n_examples:
        hint = ("that is one entry per example: sum over the examples, one total per weight — np.sum(rows, axis=0) "
                "(axis=1 would add each example's five gradients together); not one row per example")
    else:
        hint = "return ONE list of five summed gradients (w1…w5)"
    raise CheckFailed(label=label, expected="5 entries (one per weight)", got=str(n), verb="have", hint=hint,
                      kind="shape")


def _verify_total_gradient(case, got, expected, mistakes):
    w, data = case
    label = f"total_gradient over {len(data)} examples at weights {fmt(list(w))}"
    expect_array(label, _summed_vector(label, got, len(data)), expected, tol=1e-9, mistakes=mistakes,
                 hint="call grad_fn(weights, example) for every example and add the five components")


def _cases(given, default, with_lr=False):
    rows = default if given is None else given
    if with_lr:
        return [_data_case(w, d) + (float(lr),) for w, d, lr in rows]
    return [_data_case(w, d) for w, d in rows]


@exercise(NOTEBOOK, "total_gradient", "the summed gradient over all examples", steps=_total_gradient_steps())
def check_total_gradient(total_gradient, cases=None):
    """total_gradient(weights, data, grad_fn) must return Σ over the examples of grad_fn(weights, example),
    on every case (weights, data)."""
    results = check_cases(_cases(cases, DATA_CASES),
                          lambda c: call("total_gradient", total_gradient, c[0], list(c[1]), reference_gradient),
                          _total, _verify_total_gradient, TOTAL_GRADIENT_MISTAKES)
    if cases is None:
        for (w, data), _, total in results:
            passed(f"summed gradient over {len(data)} examples at weights {fmt(list(w))}: {fmt(total)}")
    else:
        passed(f"total_gradient is right on {len(results)} more cases")


# ---------------------------------------------------------------- exercises 3 and 4: batch_step, online_epoch

LR_CASES = (DATA_CASES[0] + (P5_LR,), DATA_CASES[1] + (OTHER_LR,))


def _online(case):
    w, data, lr = case
    return _vector(train_online(as_weights(w), as_data(data), lr, 1).final)


def _batch(case):
    w, data, lr = case
    return _vector(batch_update(as_weights(w), as_data(data), lr))


def _with_sum(rule):
    """A wrong update from the summed gradient: rule(w, g, lr, n) for each weight."""
    def wrong(case):
        w, data, lr = case
        return [rule(a, g, lr, len(data)) for a, g in zip(w, _total(case[:2]))]
    return wrong


def _with_row(index):
    def wrong(case):
        w, _, lr = case
        return [a - lr * g for a, g in zip(w, _per_example(case[:2])[index])]
    return wrong


_BATCH = ("batch learning: g = grad_fn(weights, example) for every example, all at the SAME (old) weights; "
          "sum them; then one update w − η·sum")
BATCH_STEP_MISTAKES = [
    (Hint("the weights moved after every example: that is online learning; batch learning stores the "
          "gradients, sums them, and updates once", more=_BATCH), _online),
    (Hint("the gradients were averaged; the script sums them before the single update"),
     _with_sum(lambda w, g, lr, n: w - lr * g / n)),
    (Hint("is the step added instead of subtracted?"), _with_sum(lambda w, g, lr, n: w + lr * g)),
    (Hint("the step is missing the learning rate: w − η·sum"), _with_sum(lambda w, g, lr, n: w - g)),
    (Hint("you returned the summed gradient itself, not the new weights w − η·sum"),
     _with_sum(lambda w, g, lr, n: g)),
    (Hint("you returned the steps η·sum, not the new weights w − η·sum"), _with_sum(lambda w, g, lr, n: lr * g)),
    (Hint("only the last example's gradient was used: sum the gradients of every example",
          more="is the gradient overwritten in the loop (g = …) instead of added to a total?"), _with_row(-1)),
    (Hint("only the first example's gradient was used (a return inside the loop?): sum the gradients of "
          "every example"), _with_row(0)),
    (Hint("the weights came back unchanged: return the updated weights w − η·sum"), lambda c: list(c[0])),
]


def _batch_step_steps():
    case = LR_CASES[0]
    total = _total(case[:2])
    return (f"the script's data at the starting weights: the summed gradient is {fmt(total)}",
            f"one update with η = {fmt(case[2])}: w − η·sum = {fmt(_batch(case))}")


def _lr_label(name, case):
    w, data, lr = case
    return f"{name} from weights {fmt(list(w))} on {len(data)} examples with η = {fmt(lr)}"


def _verify_batch_step(case, got, expected, mistakes):
    expect_array(_lr_label("batch_step", case), got, expected, tol=1e-9, mistakes=mistakes,
                 hint="sum grad_fn(weights, example) over the examples (all at the OLD weights), then w − η·sum",
                 shape_hint="return the five new weights in the order w1, w2, w3, w4, w5")


def _call_step(name, step, case):
    w, data, lr = case
    return call(name, step, w, list(data), lr, reference_gradient)


@exercise(NOTEBOOK, "batch_step", "one batch update with the summed gradient", steps=_batch_step_steps())
def check_batch_step(batch_step, cases=None):
    """batch_step(weights, data, lr, grad_fn) must return the weights after ONE update with the summed
    gradient, on every case (weights, data, lr)."""
    results = check_cases(_cases(cases, LR_CASES, with_lr=True), lambda c: _call_step("batch_step", batch_step, c),
                          _batch, _verify_batch_step, BATCH_STEP_MISTAKES)
    if cases is None:
        for case, _, new in results:
            passed(f"{_lr_label('batch_step', case)}: new weights {fmt(new)}")
    else:
        passed(f"batch_step is right on {len(results)} more cases")


def _online_by(rule, order=lambda data: data):
    """The online epoch with another update rule or example order (None when it blows up)."""
    def wrong(case):
        w, data, lr = case
        current = list(w)
        try:
            for e in order(data):
                current = [rule(a, g, lr) for a, g in zip(current, reference_gradient(current, e))]
        except ValueError:  # the weights stopped being finite: no value to compare with
            return None
        return current
    return wrong


_ONLINE = ("online learning: current = weights; for each example in order, g = grad_fn(current, example), then "
           "current = current − η·g; return current")
ONLINE_EPOCH_MISTAKES = [
    (Hint("that is the batch update: every example's gradient was taken at the starting weights (or summed "
          "for one update); online learning computes each gradient at the weights the previous update "
          "produced", more=_ONLINE), _with_sum(lambda w, g, lr, n: w - lr * g)),
    (Hint("the examples were visited last to first: go through them in order"),
     lambda c: _online((c[0], c[1][::-1], c[2]))),
    (Hint("only the last example's update survived: each update must start from the weights the previous one "
          "produced", more=_ONLINE), lambda c: _online((c[0], c[1][-1:], c[2]))),
    (Hint("only the first example's update was made (a return inside the loop?): update after every example"),
     lambda c: _online((c[0], c[1][:1], c[2]))),
    (Hint("is the step added instead of subtracted? Each update is w − η·gradient"),
     _online_by(lambda a, g, lr: a + lr * g)),
    (Hint("the step is missing the learning rate: each update is w − η·gradient"), _online_by(lambda a, g, lr: a - g)),
]


def _online_epoch_steps():
    w, data, lr = LR_CASES[0]
    first = [a - lr * g for a, g in zip(w, reference_gradient(w, data[0]))]
    return (f"the script's data from the starting weights with η = {fmt(lr)}: after the first example the "
            f"weights are {fmt(first)}",
            "the second example's gradient is taken at those new weights, and so on; after the last example: "
            f"{fmt(_online(LR_CASES[0]))}")


def _verify_online_epoch(case, got, expected, mistakes):
    expect_array(_lr_label("online_epoch", case), got, expected, tol=1e-9, mistakes=mistakes,
                 hint="for each example in order: g = grad_fn(current weights, example), then current = current − η·g",
                 shape_hint="return only the weights after the last example (five numbers, w1 … w5), not every step")


@exercise(NOTEBOOK, "online_epoch", "one epoch of online learning (update after every example)",
          steps=_online_epoch_steps())
def check_online_epoch(online_epoch, cases=None):
    """online_epoch(weights, data, lr, grad_fn) must return the weights after one update per example, in
    order, on every case (weights, data, lr)."""
    results = check_cases(_cases(cases, LR_CASES, with_lr=True),
                          lambda c: _call_step("online_epoch", online_epoch, c), _online, _verify_online_epoch,
                          ONLINE_EPOCH_MISTAKES)
    if cases is None:
        for case, _, new in results:
            passed(f"{_lr_label('online_epoch', case)}: weights {fmt(new)}")
    else:
        passed(f"online_epoch is right on {len(results)} more cases")


# ---------------------------------------------------------------- after the exercises

def train_with(step, name, epochs, lr=P5_LR):
    """Total squared errors after each of ``epochs`` epochs of ``step`` (the learner's batch_step or
    online_epoch) from the starting weights on the script's data.

    A step whose check has not passed is replaced by course_lib's (saying so), so the comparison
    below the exercises runs for every learner, answered or not.
    """
    reference = {"batch_step": _batch, "online_epoch": _online}[name]
    record = {r.exercise_id: r for r in exercises(NOTEBOOK)}[name]
    if record.status != PASSED:
        print(f"{name} has not passed its check yet: this uses course_lib's {name} instead")
        step = None
    weights, data = _weights(INITIAL_WEIGHTS), _rows(script_data())
    errors = [total_squared_error(INITIAL_WEIGHTS)]
    for _ in range(epochs):
        if step is not None:
            try:
                new = _weights(expect_sequence(name, _call_step(name, step, (weights, data, lr)), length=5))
                errors.append(total_squared_error(Weights(*new)))
                weights = new
                continue
            except (CheckFailed, TypeError, ValueError) as failed:
                print(f"{failed}: from here on this uses course_lib's {name}")
                step = None
        weights = tuple(reference((weights, data, lr)))
        errors.append(total_squared_error(Weights(*weights)))
    return errors
