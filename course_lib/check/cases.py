"""One answer checked on several cases, with the hint of the mistake it agrees with on all of them.

Two mistakes can give the same value on one input (at x2 = 2, "2·x2²" and "4·x2" agree). A check
that looks at each case alone names whichever mistake is listed first. `check_cases` reports the
first case the answer gets wrong, and names the mistakes whose values agree with the answer on
every case: right where the answer was right, and equal to what it returned on the others. When
two listed mistakes still agree everywhere, core's message names both.
"""

from __future__ import annotations

from course_lib.check.core import CheckFailed, as_number, expect_sequence


def _value(wrong, case):
    try:
        return wrong(case)
    except Exception:  # a mistake that cannot be computed on this case (e.g. 1/0) says nothing here
        return None


def _same(verify, case, got, value) -> bool:
    if value is None:
        return False
    try:
        verify(case, got, value, ())
    except CheckFailed:
        return False
    return True


def _answer_or_none(answer, case):
    try:
        return answer(case), True
    except CheckFailed:
        return None, False


def fitting(cases, k, got, expected, answer, verify, mistakes) -> list:
    """[(hint, wrong value at case k)]: the mistakes that explain what the answer did (see module doc).
    When several fit, core names them all ("more than one mistake gives this value")."""
    later = {j: _answer_or_none(answer, cases[j]) for j in range(k + 1, len(cases))}
    at_k, everywhere = [], []
    for hint, wrong in mistakes:
        values = [_value(wrong, case) for case in cases]
        if not _same(verify, cases[k], got, values[k]):
            continue
        if any(values[j] is not None and not _same(verify, cases[j], values[j], expected[j]) for j in range(k)):
            continue  # this mistake would already have failed a case the answer got right
        at_k.append((hint, values[k]))
        if all(not known or values[j] is None or _same(verify, cases[j], out, values[j])
               for j, (out, known) in later.items()):
            everywhere.append((hint, values[k]))
    return everywhere or at_k


def check_cases(cases, answer, expected, verify, mistakes=()) -> list:
    """Check `answer` on every case in order; return [(case, result, expected value)].

    answer(case) calls the learner's code (through core.call); expected(case) is the right value;
    verify(case, got, value, mistakes) raises CheckFailed unless `got` equals `value` (mistakes:
    [(hint, wrong value)] for the message); mistakes are [(hint, wrong)] with wrong(case) the value
    that mistake gives; hint is a str or a hints.Hint (with its progressive `more` and `next_steps`).
    """
    cases = list(cases)
    wanted = [expected(case) for case in cases]
    results = []
    for k, case in enumerate(cases):
        got = answer(case)
        try:
            verify(case, got, wanted[k], ())
        except CheckFailed:
            found = fitting(cases, k, got, wanted, answer, verify, mistakes)
            got = answer(case)  # called last again, so the message names this call
            verify(case, got, wanted[k], found)
            raise
        results.append((case, got, wanted[k]))
    return results


def _number(x):
    try:
        return as_number("", x)
    except CheckFailed:
        return None


def trace_length(function, got, n_iter, *, is_start, point=None) -> None:
    """A trace [start, after 1 iteration, …] must have n_iter + 1 entries: else say what its length suggests.

    is_start(entry) tells whether an entry is the start; point (e.g. 2 for (x1, x2)) is the length
    of one entry when entries are points.
    """
    what = f"the start and then the {'point' if point else 'x'} after each of the {n_iter} iterations"
    if point is None and _number(got) is not None:
        raise CheckFailed(f"{function} should return the whole trace ({n_iter + 1} numbers: {what}), "
                          f"you returned one number — keep every x in a list, not only the last")
    items = expect_sequence(f"{function}'s trace", got)
    n = len(items)
    if n == n_iter + 1:
        return
    numbers = all(_number(item) is not None for item in items)
    if point and n == point and numbers:
        why = "that is one point, not the trace: keep every point in a list, not only the last"
    elif point and n == point and all(_len_or(item) == n_iter + 1 for item in items):
        why = "you returned the list of x1s and the list of x2s: return one point (x1, x2) per entry"
    elif point and n == point * (n_iter + 1) and numbers:
        why = ("the coordinates are in one flat list: each entry is a point (x1, x2) — append the pair, "
               "do not extend the list with its coordinates")
    elif n == n_iter and _safe(is_start, items[0]):
        why = "the trace ends one iteration early: loop n_iter times after the start"
    elif n == n_iter:
        why = "the start is missing: the trace begins with the start, then one entry per iteration"
    elif n == n_iter + 2:
        why = "one iteration too many: loop exactly n_iter times"
    elif n == 0:
        why = "the trace is empty: begin it with the start"
    else:
        why = f"run exactly n_iter = {n_iter} iterations (the script's pseudocode says 100: the loop must use n_iter)"
    raise CheckFailed(label=f"{function}'s trace", expected=f"{n_iter + 1} entries ({what})", got=str(n),
                      verb="have", hint=why, kind="shape")


def _len_or(x):
    try:
        return len(expect_sequence("", x))
    except CheckFailed:
        return None


def _safe(test, item) -> bool:
    try:
        return bool(test(item))
    except Exception:  # an entry of the wrong kind is not the start
        return False
