"""A hostile notebook file (mutation `points`, applied by the test to the JSON): the check cells'
metadata claim 100 points each, a new graded cell `bonus` worth 1000 points that only prints,
a second copy of check_update with the same grade_id but unlocked, edited to `pass`.

Got out: this notebook scores more than the untouched stub, or the assignment's points (the
gradebook's grade cells) change for anyone.
"""
# redteam: mutate=points


def update(x, grad, lr):
    return 0.0
