"""Checks for notebook 01 (gradient descent in one dimension and the two-valley trap).

Each check runs the learner's function on its cases: the visible ones (the script's rows, then
cases chosen so that the typical mistakes show) unless the cell passes others (the hidden tests).
The loop and the valley exercise are called with course_lib's reference for the earlier exercise
(`reference_update`, `reference_descent`), so a wrong update rule does not also fail them.
"""

from __future__ import annotations

import functools

from course_lib.check.cases import check_cases, trace_length
from course_lib.check.core import (
    CheckFailed,
    after_iterations,
    as_number,
    call,
    close,
    expect_number,
    expect_trace,
    exercise,
    fmt,
    passed,
)
from course_lib.check.hints import Hint
from course_lib.descent import gradient_descent_1d, square, square_prime, two_valley, two_valley_prime

NOTEBOOK = "01_gradient_descent"
SCRIPT_LR = 0.1


def mirrored_two_valley(x):
    """x⁴ − 4x² − x + 1: the two-valley function mirrored, so its deeper valley is on the RIGHT."""
    return two_valley(-x)


def mirrored_two_valley_prime(x):
    return -two_valley_prime(-x)


def reference_update(x, grad, lr):
    """One gradient-descent step: x − lr·grad."""
    return x - lr * grad


@functools.lru_cache(maxsize=256)
def _cached_trace(df, x0, lr, n_iter):
    # a check asks for the same descents several times (inside the learner's call and for the expected value)
    trace = gradient_descent_1d(lambda x: 0.0, df, x0, lr, n_iter)
    return (float(x0),) + tuple(step.new_x for step in trace)


def reference_descent(df, x0, lr, n_iter, update=None):
    """[x0, x1, …, x_n]: the start, then x after each iteration (course_lib's trace)."""
    try:
        return list(_cached_trace(df, x0, lr, n_iter))
    except TypeError:  # an unhashable argument (e.g. a 0-d array) cannot be cached
        return list(_cached_trace.__wrapped__(df, x0, lr, n_iter))


def _name(df) -> str:
    return {square_prime: "the derivative of x²", two_valley_prime: "the derivative of x⁴ − 4x² + x + 1",
            mirrored_two_valley_prime: "the derivative of x⁴ − 4x² − x + 1"}.get(df, "df")


# ---------------------------------------------------------------- exercise 1: update

def _script_rows():
    return [(row.x, row.grad, SCRIPT_LR) for row in gradient_descent_1d(square, square_prime, 3.0, SCRIPT_LR, 5)]


# the script's rows all have grad = 2x and η = 0.1: the last case has neither
UPDATE_CASES = tuple(_script_rows()) + ((-2.0, 5.0, 0.25),)

UPDATE_MISTAKES = [
    (Hint("is the step added instead of subtracted? Downhill means x − η·gradient",
          more="a positive slope means the curve rises to the right, so downhill is to the left: x must get "
               "smaller, so the step is subtracted"), lambda c: c[0] + c[2] * c[1]),
    (Hint("the step is missing the learning rate: multiply the gradient by lr",
          more="without η the step is the whole gradient, far too large: η scales it down"), lambda c: c[0] - c[1]),
    (Hint("you returned the step η·gradient, not the new x", more="the step is how far x moves; the answer is "
          "where x lands: the old x minus the step"), lambda c: c[2] * c[1]),
    ("you returned minus the step: start from x", lambda c: -c[2] * c[1]),
    ("you returned η·gradient − x: the new x is x − η·gradient", lambda c: c[2] * c[1] - c[0]),
    ("the step uses x instead of the gradient", lambda c: c[0] - c[2] * c[0]),
    ("the gradient is divided by the learning rate: multiply it", lambda c: c[0] - c[1] / c[2]),
    ("the step uses 2x, the derivative of x² (or the factor 1 − 2η, which holds only for x²): "
     "use the grad you are given, update works for any function", lambda c: c[0] - c[2] * 2 * c[0]),
    ("the learning rate is subtracted: the step is lr times the gradient", lambda c: c[0] - c[2] - c[1]),
]


def _update_steps():
    x, grad, lr = UPDATE_CASES[0]
    return (f"take the step first: η·gradient = {fmt(lr)} × {fmt(grad)} = {fmt(lr * grad)}",
            f"then move against the slope: the new x is x − step = {fmt(x)} − {fmt(lr * grad)}")


@exercise(NOTEBOOK, "update", "the update rule x − η·f'(x)", steps=_update_steps())
def check_update(update, cases=None):
    """update(x, grad, lr) must return x − lr·grad, on every case (x, grad, lr)."""
    def verify(case, got, expected, mistakes):
        x, grad, lr = case
        expect_number(f"update(x={fmt(x)}, grad={fmt(grad)}, lr={fmt(lr)})", got, expected, tol=1e-9,
                      mistakes=mistakes,
                      hint="the new x is the old x minus the learning rate times the gradient")

    results = check_cases(UPDATE_CASES if cases is None else cases,
                          lambda c: call("update", update, *c), lambda c: reference_update(*c), verify,
                          UPDATE_MISTAKES)
    for (x, grad, lr), _, expected in results:
        passed(f"update({fmt(x)}, {fmt(grad)}, {fmt(lr)}) = {fmt(expected)}")


# ---------------------------------------------------------------- exercise 2: gradient_descent

# the script's trace, then a bumpy function with another learning rate (hard-coded 2x or η show)
DESCENT_CASES = ((square_prime, 3.0, SCRIPT_LR, 10), (two_valley_prime, -0.5, 0.05, 8))


def _loop(df, x0, lr, n_iter, step=reference_update, grad=None):
    xs = [float(x0)]
    for _ in range(n_iter):
        x = xs[-1]
        xs.append(step(x, (grad or df)(x), lr))
    return xs


def _descent_mistakes():
    def frozen(c):
        df, x0, lr, n = c
        g0 = df(x0)
        return _loop(df, x0, lr, n, grad=lambda x: g0)

    def before_update(c):  # x appended before it moves
        xs = _loop(*c)
        return [xs[0]] + xs[:-1]

    return [
        ("the gradient is computed once at x0: recompute f'(x) at the current x in every iteration", frozen),
        ("is the step added instead of subtracted?", lambda c: _loop(*c, step=lambda x, g, r: x + r * g)),
        ("the learning rate is applied twice: update(x, grad, lr) already multiplies the gradient by lr, "
         "so pass it df(x)", lambda c: _loop(*c, step=lambda x, g, r: x - r * r * g)),
        ("update's arguments are in the wrong order: call update(x, df(x), lr)",
         lambda c: _loop(*c, step=lambda x, g, r: g - r * x)),
        ("the gradient 2x of x² is hard-coded: call df(x), the derivative you are given",
         lambda c: _loop(*c, grad=lambda x: 2 * x)),
        (f"the learning rate is fixed at {fmt(SCRIPT_LR)}: use the lr argument",
         lambda c: _loop(c[0], c[1], SCRIPT_LR, c[3])),
        ("each x is appended before it is updated: append the new x after the step", before_update),
        ("the trace must begin with the start x0, then the x after each iteration",
         lambda c: _loop(*c[:3], c[3] + 1)[1:]),
        ("the trace holds x values; you stored the gradients", lambda c: [c[1]] + [c[0](x) for x in _loop(*c)[:-1]]),
    ]


DESCENT_MISTAKES = _descent_mistakes()


def _descent_steps():
    df, x0, lr, _ = DESCENT_CASES[0]
    x1 = reference_update(x0, df(x0), lr)
    return (f"the trace starts with the start itself: [{fmt(x0)}]",
            f"each iteration takes the LAST x of the trace: df({fmt(x0)}) = {fmt(df(x0))}, and "
            f"update({fmt(x0)}, {fmt(df(x0))}, {fmt(lr)}) = {fmt(x1)} is appended; n_iter iterations in all")


@exercise(NOTEBOOK, "descent", "the descent loop returning its trace", steps=_descent_steps())
def check_descent(descent, cases=None):
    """descent(df, x0, lr, n_iter, update=...) must return [x0, x1, …, x_n_iter] on every case."""
    def verify(case, got, expected, mistakes):
        df, x0, lr, n_iter = case
        trace_length("gradient_descent", got, n_iter, is_start=lambda v: close(as_number("", v), x0, 1e-12))
        expect_trace(f"gradient_descent({_name(df)}, x0={fmt(x0)}, lr={fmt(lr)}, n_iter={n_iter})",
                     got, expected, entry=after_iterations("x"), tol=1e-9,
                     mistakes=[(h, w) for h, w in mistakes if w is not None and len(w) == len(expected)])

    results = check_cases(
        DESCENT_CASES if cases is None else cases,
        lambda c: call("gradient_descent", descent, *c, update=reference_update),
        lambda c: reference_descent(*c), verify, DESCENT_MISTAKES)
    for (df, x0, lr, n_iter), _, expected in results:
        passed(f"descent on {_name(df)} from x0 = {fmt(x0)} with η = {fmt(lr)}: "
               f"{n_iter} iterations end at x = {fmt(expected[-1])}")


# ---------------------------------------------------------------- exercise 3: better_start

# the script's starts; a start low on the slope of the shallow valley (f at the start misleads);
# the landscape mirrored, its deep valley on the right (the end point furthest left misleads)
BETTER_START_CASES = (
    (two_valley, two_valley_prime, (-0.5, 0.5), 0.01, 1000),
    (two_valley, two_valley_prime, (1.3, -0.1), 0.01, 1000),
    (mirrored_two_valley, mirrored_two_valley_prime, (-0.5, 1.0), 0.01, 1000),
)


def _ends(case):
    f, df, starts, lr, n_iter = case
    return [reference_descent(df, s, lr, n_iter)[-1] for s in starts]


def _best(case):
    f, _, starts, _, _ = case
    heights = [f(end) for end in _ends(case)]
    return starts[heights.index(min(heights))]


def _landscape(f) -> str:
    return {two_valley: "x⁴ − 4x² + x + 1", mirrored_two_valley: "x⁴ − 4x² − x + 1 (the mirror image)"}.get(f, "f")


BETTER_START_MISTAKES = [
    ("that start ends in the shallower valley: the deeper valley is the one with the LOWER f at the end",
     lambda c: c[2][max(range(len(c[2])), key=lambda i: c[0](_ends(c)[i]))]),
    ("you compared f at the starts: compare f where each descent ENDS (its last x)",
     lambda c: min(c[2], key=c[0])),
    ("you compared where the descents end in x (the end point furthest left); compare f at the end points — "
     "here the deeper valley is on the right", lambda c: c[2][min(range(len(c[2])), key=lambda i: _ends(c)[i])]),
    ("you returned the position of the best start in the list: return the start itself",
     lambda c: c[2].index(_best(c))),
    ("you returned the lowest f reached: return the start that reaches it", lambda c: min(map(c[0], _ends(c)))),
    ("you returned where the best descent ends: return the start, not the end point",
     lambda c: _ends(c)[c[2].index(_best(c))]),
    ("you always return the first start: compare the descents from every start", lambda c: c[2][0]),
]


def _better_start_steps():
    case = BETTER_START_CASES[0]
    f, starts = case[0], case[2]
    ends = ", ".join(f"from {fmt(s)} the descent ends at x = {fmt(e)}, where f = {fmt(f(e))}"
                     for s, e in zip(starts, _ends(case)))
    return (f"run descent from every start and look at the last x of each trace: {ends}",
            "compare f at those end points, and return the START whose end point has the lowest f")


# f of a whole trace is an array (f works element by element), and min/sorted cannot compare arrays
WHOLE_TRACE_HINT = Hint("is f given the whole trace? f of a list is one f per x, an array: compare f at the LAST x "
                        "of each trace, descent(df, start, lr, n_iter)[-1]")


@exercise(NOTEBOOK, "better_start", "which start reaches the deeper valley", steps=_better_start_steps())
def check_better_start(better_start, cases=None):
    """better_start(f, df, starts, lr, n_iter, descent=...) returns the start whose descent ends lowest."""
    def verify(case, got, expected, mistakes):
        f, df, starts, lr, n_iter = case
        label = f"better_start({_landscape(f)}, starts={fmt(list(starts))}, lr={fmt(lr)}, n_iter={n_iter})"
        if type(got).__name__ in ("list", "tuple", "ndarray") and getattr(got, "ndim", 1):
            raise CheckFailed(f"{label} should be one start (a number), you got a {_type_name(got)} — "
                              "return only the best start")
        value = as_number(label, got)
        heights = dict(zip(starts, map(f, _ends(case))))
        if expected in heights:  # starts in the same valley end at the same f: any of them is right
            if any(close(value, s, 1e-12) and close(h, heights[expected], 1e-12) for s, h in heights.items()):
                return
        expect_number(label, value, expected, tol=1e-12, mistakes=mistakes,
                      hint="run descent from every start and keep the one whose end point has the lowest f")

    def answer(c):
        try:
            return call("better_start", better_start, c[0], c[1], list(c[2]), c[3], c[4], descent=reference_descent)
        except CheckFailed as failure:
            if failure.kind == "error" and "truth value of an array" in (failure.error or ""):
                failure.hints = (WHOLE_TRACE_HINT,)
            raise

    results = check_cases(BETTER_START_CASES if cases is None else cases, answer, _best, verify,
                          BETTER_START_MISTAKES)
    for case, _, best in results:
        f = case[0]
        end = _ends(case)[list(case[2]).index(best)]
        passed(f"on {_landscape(f)}, of the starts {fmt(list(case[2]))} x = {fmt(best)} ends lowest: "
               f"x = {fmt(end)}, f = {fmt(f(end))}")


def _type_name(x) -> str:
    return type(x).__name__
