"""nbgrader configuration of the course "How Neural Networks Learn".

Every path is relative to this file, so a copy of the course directory (a
temporary self-grade course, a test's course) is a complete course by itself.
"""
import os

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

_here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = _here
c.CourseDirectory.course_id = "how-neural-networks-learn"

# JupyterLab's nbgrader extensions log an error when the exchange is missing,
# and release/collect fail: it lives inside the course and always exists.
c.Exchange.root = os.path.join(_here, "exchange")
os.makedirs(c.Exchange.root, exist_ok=True)

# A cell of this course runs in well under a second; 30 s leaves room for a busy
# machine and stops endless loops. (This is plain nbgrader's limit, e.g. for
# `nbgrader validate`; `python -m autograder autograde` applies its engine's Limits.)
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
c.Execute.startup_timeout = 120

# Feedback goes to learners: hidden tests are removed from the cells and the
# tracebacks of hidden-test cells are cut to the error's message (the hint).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# A submission can make every check pass inside its own kernel (it shares the process with them),
# so each check cell is re-decided in the grading process from what the kernel recorded, right
# after the notebook ran (autograder/verify.py). nbgrader's own pipeline, with VerifyChecks inserted.
from nbgrader.converters import Autograde  # noqa: E402

from autograder.verify import with_verify_checks  # noqa: E402

from autograder.sanitize import SanitizeOutputs  # noqa: E402

# Last: the graded notebook opens in the instructor's formgrader, so nothing a learner's code printed
# may run there (scripts, event handlers, widget state; autograder/sanitize.py).
c.Autograde.autograde_preprocessors = with_verify_checks(
    Autograde.class_traits()["autograde_preprocessors"].default()) + [SanitizeOutputs]
