"""A hostile notebook file (mutation `bloat`): 30 MB of widget state in the notebook's metadata,
20 000 empty markdown cells and a 5 MB attachment, aimed at the grader's memory and time and at
the size of what goes back to the instructor and the learner.

Got out: the graded notebook, the report or the feedback is larger than 20 MB, or the class is
not graded.
"""
# redteam: mutate=bloat


def update(x, grad, lr):
    return 0.0
