"""A hostile notebook file (mutation `ids`): every cell shares one cell id, the answer cell claims
the grade_id of its own check cell (grade: true, 50 points) and the check cell is renamed; the
written answer's markdown cell is turned into a code cell that prints a pass; nbgrader checksums
and schema_version are forged; the notebook carries outputs pretending the checks passed.

Got out: this notebook scores more than the untouched stub, or the assignment's definition in
the gradebook changes.
"""
# redteam: mutate=ids


def update(x, grad, lr):
    return 0.0
