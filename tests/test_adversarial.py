"""A class of good submissions plus every broken and hostile one, graded in ONE run."""

import os

import pytest
from nbgrader.api import Gradebook

from adversarial import cases, fixture
from autograder.engine import Limits, grade_submissions

pytestmark = pytest.mark.slow
LIMITS = Limits(cell_timeout=3, notebook_timeout=60, memory_mb=1536, output_bytes=1_000_000)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = fixture.build_course(str(tmp_path_factory.mktemp("course")))
    db_url = f"sqlite:///{root}/gradebook.db"
    fixture.submit(root, "earlier", fixture.solved(root, assignment=fixture.OTHER))
    fixture.submit(root, "good_a", fixture.solved(root))
    grade_submissions(root, progress=False, limits=LIMITS)
    with Gradebook(db_url) as gb:  # a grader's manual work, which re-grading must keep
        grade = gb.find_grade("check2", fixture.ASSIGNMENT, fixture.ASSIGNMENT, "good_a")
        grade.manual_score = 1.5
        comment = gb.find_comment("answer2", fixture.ASSIGNMENT, fixture.ASSIGNMENT, "good_a")
        comment.manual_comment = "see me"
        gb.db.commit()
    before = cases.gradebook_snapshot(db_url)
    if os.path.exists(cases.OUTSIDE_FILE):
        os.remove(cases.OUTSIDE_FILE)
    expected = cases.submit_all(root)
    tasks = [(s, fixture.ASSIGNMENT) for s in expected]
    results = {r.student: r for r in grade_submissions(root, tasks=tasks, progress=False, limits=LIMITS)}
    return root, db_url, before, expected, results


@pytest.mark.parametrize("student", list(cases.CASES))
def test_each_case_gets_what_it_earned_and_a_reason(graded, student):
    root, _, _, expected, results = graded
    want, got = expected[student], results[student]
    score = got.score if student != "good_a" else got.score - 1.5 + 2  # good_a's check2 is manually 1.5
    assert (score, got.status) == (want.score, want.status), got.reasons
    if want.reason is None:
        assert got.reasons == []
    else:
        assert any(want.reason in r for r in got.reasons), got.reasons
    if want.reason == "modifies library code":
        assert got.needs_manual  # the scan's report: a person looks at it
    report = os.path.join(root, "reports", student, f"{fixture.ASSIGNMENT}.json")
    assert os.path.exists(report)


def test_no_grade_outside_this_run_changes_and_manual_work_survives(graded):
    _, db_url, before, _, results = graded
    after = cases.gradebook_snapshot(db_url)
    for key, value in before.items():
        assert after[key] == value, key
    assert results["good_a"].score == 1 + 1.5 + 3
    assert results["good_a"].needs_manual  # auto score re-computed under a manual one: review it


def test_sandbox_blocked_the_write_outside(graded):
    assert not os.path.exists(cases.OUTSIDE_FILE)


def test_failed_submissions_score_zero_in_the_gradebook(graded):
    _, db_url, _, _, _ = graded
    with Gradebook(db_url) as gb:
        for student in ("corrupt_json", "empty_file", "wrong_name", "other_assignment"):
            sub = gb.find_submission(fixture.ASSIGNMENT, student)
            assert sub.score == 0 and not sub.needs_manual_grade
