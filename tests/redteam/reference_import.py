"""Take the reference solution that course_lib ships into the kernel for its live checks:
`update` is course_lib.check.part1.reference_update, `gradient_descent` its reference_descent.

Got out: this notebook scores more than the untouched stub (it scores the full points of both
exercises without the learner writing either).
"""
# redteam: cell=update
# redteam: xfail=inherent: course_lib must hold the references for the learner's live checks, so a learner can import them; the sandbox cannot tell a copied correct answer from a written one
from course_lib.check.part1 import reference_descent, reference_update

update = reference_update


def gradient_descent(df, x0, lr, n_iter, update=update):
    return reference_descent(df, x0, lr, n_iter)
