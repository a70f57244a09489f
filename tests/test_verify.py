"""The grader's re-check (course_lib.check.replay, autograder.verify): every check cell's verdict
is re-decided outside the learner's kernel, from data the kernel recorded.

In-process, a "kernel" is a namespace where the setup cell and the answers ran and the check cell
runs with records captured (under NBGRADER_EXECUTION, as nbgrader runs it); the re-check runs the
solutions' cell (hidden tests included) on those records. End to end, nbgrader's autograde with the
course config grades an honest, a wrong and a tampering submission.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import linecache
import random
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader import utils
from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute

import catalogue
from autograder import course_dir
from autograder.engine_execute import SandboxedExecute
from autograder.verify import VerifyChecks, with_verify_checks
from course_lib.check import cases, core, part1, record, replay
from course_lib.check.record import MIME

SOLUTIONS = course_dir.SOLUTIONS_DIR
AIDS = course_dir.ASSIGNMENTS


@pytest.fixture(autouse=True)
def grading(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # as nbgrader runs kernels and the re-check


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def check_cells(aid: str) -> dict[str, str]:
    """grade_id → source (with hidden tests) of every graded test cell of solutions/<aid>.ipynb."""
    nb = catalogue._read(SOLUTIONS / f"{aid}.ipynb")
    return {_meta(c)["grade_id"]: c.source for c in nb.cells
            if c.cell_type == "code" and _meta(c).get("grade") and not _meta(c).get("solution")}


ALL_CELLS = [(aid, gid) for aid in AIDS for gid in check_cells(aid)]


def answered(aid: str, answers: dict[str, str]) -> dict:
    """A kernel's namespace after the setup cell and the answer cells ran."""
    ns = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(catalogue.setup_code(aid), f"<{aid} setup>", "exec"), ns)
        for gid, source in answers.items():
            try:
                exec(compile(source, f"<{aid} {gid}>", "exec"), ns)
            except Exception:  # a broken answer cell: the kernel goes on, as nbgrader's does
                pass
    return ns


def solved(aid: str) -> dict:
    return answered(aid, {gid: catalogue.solution(aid, gid) for gid in catalogue.exercises(aid)})


_RUNS = iter(range(10 ** 9))


def kernel_run(ns: dict, source: str):
    """Run a check cell as the kernel does; (the exception it raised or None, its records)."""
    filename = f"<kernel cell {next(_RUNS)}>"  # the kernel keeps cell sources in linecache too
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    raised = None
    with record.capture() as records, contextlib.redirect_stdout(io.StringIO()):
        try:
            exec(compile(source, filename, "exec"), ns)
        except BaseException as error:  # noqa: BLE001 — whatever the cell raised
            raised = error
    return raised, json.loads(json.dumps(records, allow_nan=False))  # as a notebook stores them


# ---------------------------------------------------------------- the rule for check cells

@pytest.mark.parametrize("aid, gid", ALL_CELLS)
def test_every_check_cell_follows_the_rule_for_a_recheck(aid, gid):
    assert replay.lint_check_cell(check_cells(aid)[gid]) == []


@pytest.mark.parametrize("source, problem", [
    ("from course_lib.check.part1 import check_update\nfor row in descent.trace():\n    check_update(update, row)",
     "`descent` is not defined"),
    ("from course_lib.check.part1 import check_update\ncheck_update(lambda x, g, lr: update(x, g, lr))",
     "`update` is not defined"),
    ("from course_lib.check.part1 import check_update\ncheck_update(update)\nprint(update)",
     "used other than as an argument"),
    ("import os\nfrom course_lib.check.part1 import check_update\ncheck_update(update)", "imports os"),
    ("from course_lib.check.part1 import *\ncheck_update(update)", "imports *"),
    ("from course_lib.check.part1 import check_update\nwhile True:\n    check_update(update)", "While statement"),
    ("from course_lib.check.part1 import check_update\nx = [check_update(update) for _ in range(2)]",
     "`update` is not defined"),
    ("from course_lib.descent import square\nassert square(2) == 4", "calls no check function"),
    ("from course_lib.check.part1 import check_update\ncheck_update(update", "does not parse"),
])
def test_cells_that_break_the_rule_are_named_with_the_problem(source, problem):
    problems = replay.lint_check_cell(source)
    assert any(problem in p for p in problems), problems


def test_learner_names_are_the_direct_arguments_the_cell_does_not_define():
    source = ("import numpy as np\nfrom course_lib.check.part7 import check_relu\n"
              "xs = np.linspace(-1, 1, 5)\ncheck_relu(relu, relu_prime, xs)\ncheck_relu(max, relu_prime, x=xs)")
    assert replay.lint_check_cell(source) == []
    assert replay.learner_names(source) == {"relu", "relu_prime", "max"}


# ---------------------------------------------------------------- honest and catalogued answers

@pytest.fixture(scope="module")
def solved_kernels():
    return {aid: solved(aid) for aid in AIDS}


@pytest.mark.parametrize("aid, gid", ALL_CELLS)
def test_solution_answers_pass_the_kernel_and_the_recheck(aid, gid, solved_kernels):
    source = check_cells(aid)[gid]
    raised, records = kernel_run(solved_kernels[aid], source)
    assert raised is None, f"{type(raised).__name__}: {raised}"
    assert records and all(r["status"] == "passed" for r in records)
    assert replay.replay_cell(source, records) == replay.Verdict(True, "", True)


def _entries():
    for part in catalogue.parts():
        for entry in part.ENTRIES:
            yield pytest.param(part.NOTEBOOK, entry, id=f"{part.NOTEBOOK[:2]}-{entry.exercise}-{entry.name}")


@pytest.mark.parametrize("aid, entry", list(_entries()))
def test_the_recheck_agrees_with_the_kernel_on_every_catalogued_answer(aid, entry):
    """Mistakes fail both ways with the same message, correct answers in other styles pass both."""
    ns = answered(aid, catalogue.answers_for(aid, entry))
    gids = [gid for gid, _ in catalogue.exercises(aid)[entry.exercise].checks]
    sources = check_cells(aid)
    outcomes = []
    for gid in gids:
        raised, records = kernel_run(ns, sources[gid])
        verdict = replay.replay_cell(sources[gid], records)
        assert verdict.verified
        assert verdict.passed == (raised is None), (gid, raised, verdict)
        if raised is not None and records and records[-1]["status"] == "failed":
            assert verdict.message == records[-1]["message"]
        outcomes.append(verdict.passed)
    if isinstance(entry, catalogue.Correct):
        assert all(outcomes)
    else:
        assert not all(outcomes)


# ---------------------------------------------------------------- records that lie

UPDATE = check_cells("01_gradient_descent")["check_update"]
WRONG_UPDATE = "def update(x, grad, lr):\n    return x + lr * grad\n"


def _kernel(answer: str) -> dict:
    return answered("01_gradient_descent", {"update": answer})


@pytest.fixture(scope="module")
def honest_records():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NBGRADER_EXECUTION", "autograde")
        raised, records = kernel_run(_kernel(catalogue.solution("01_gradient_descent", "update")), UPDATE)
    assert raised is None and len(records) == 2
    return records


@pytest.fixture(scope="module")
def wrong_records():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NBGRADER_EXECUTION", "autograde")
        raised, records = kernel_run(_kernel(WRONG_UPDATE), UPDATE)
    assert isinstance(raised, core.CheckFailed)
    return records


def test_the_recheck_of_a_wrong_answer_gives_the_kernels_message(wrong_records):
    verdict = replay.replay_cell(UPDATE, wrong_records)
    assert verdict == replay.Verdict(False, wrong_records[-1]["message"], True)
    assert "added instead of subtracted" in verdict.message


def _tampered(verdict, *words):
    assert verdict.verified and not verdict.passed, verdict
    assert "grader's re-check" in verdict.message and all(w in verdict.message for w in words), verdict.message


def test_missing_cut_reordered_repeated_and_foreign_records_fail(honest_records):
    first, hidden = honest_records
    _tampered(replay.replay_cell(UPDATE, []), "no record of check_update", "tampered with or cut off")
    _tampered(replay.replay_cell(UPDATE, [first]), "no record of check_update")
    _tampered(replay.replay_cell(UPDATE, [hidden, first]))
    _tampered(replay.replay_cell(UPDATE, [first, hidden, hidden]), "more checks than the cell runs")
    _, descent_records = kernel_run(solved("01_gradient_descent"), check_cells("01_gradient_descent")["check_descent"])
    _tampered(replay.replay_cell(UPDATE, descent_records[:1] + [hidden]), "another check")


def test_a_forged_verdict_earns_nothing_and_only_right_results_pass(wrong_records, honest_records):
    forged = json.loads(json.dumps(wrong_records))
    for r in forged:
        r["status"], r["message"] = "passed", ""
    assert not replay.replay_cell(UPDATE, forged).passed
    assert not replay.replay_cell(UPDATE, forged + honest_records[1:]).passed
    # the verdict written in a record counts for nothing; what passes is the right result for every input
    relabelled = json.loads(json.dumps(honest_records))
    for r in relabelled:
        r["status"], r["message"] = "failed", "whatever"
    assert replay.replay_cell(UPDATE, relabelled).passed


def test_a_call_recorded_for_other_inputs_or_out_of_order_fails(honest_records):
    first, hidden = json.loads(json.dumps(honest_records))
    hidden["calls"][0]["fp"] = first["calls"][0]["fp"]
    _tampered(replay.replay_cell(UPDATE, [first, hidden]), "for other inputs")
    first, hidden = json.loads(json.dumps(honest_records))
    hidden["calls"] = hidden["calls"][::-1]
    _tampered(replay.replay_cell(UPDATE, [first, hidden]))
    first, hidden = json.loads(json.dumps(honest_records))
    hidden["calls"].append(hidden["calls"][0])
    _tampered(replay.replay_cell(UPDATE, [first, hidden]), "calls in its record that the check does not make")
    first, hidden = json.loads(json.dumps(honest_records))
    hidden["args"] = [["f", "1.0"]] + hidden["args"][1:]
    assert not replay.replay_cell(UPDATE, [first, hidden]).passed


def _mutations(node, rng):
    """Every way of changing one leaf or dropping one key/item of a record (a sample of them)."""
    if isinstance(node, dict):
        for key in list(node):
            yield lambda n=node, k=key: n.pop(k)
            for m in _mutations(node[key], rng):
                yield m
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield lambda n=node, i=i: n.pop(i)
            if isinstance(item, (dict, list)):
                yield from _mutations(item, rng)
            else:
                yield lambda n=node, i=i: n.__setitem__(i, rng.choice([None, 0, -1, 2 ** 70, "x", "nan", ["f", "1e9"],
                                                                       [], {}, True, 1.5, ["o", "m", "Q"]]))


def test_randomly_damaged_records_never_crash_the_recheck_and_pass_only_if_still_right(honest_records):
    rng = random.Random(11)
    count = len(list(_mutations(json.loads(json.dumps(honest_records)), rng)))
    for k in rng.sample(range(count), min(count, 400)):
        damaged = json.loads(json.dumps(honest_records))
        list(_mutations(damaged, rng))[k]()
        verdict = replay.replay_cell(UPDATE, damaged)
        assert verdict.verified
        if verdict.passed:  # e.g. a dropped message: then every result the check reads is still right
            assert [c.get("result") for r in damaged for c in r["calls"]] == \
                   [c["result"] for r in honest_records for c in r["calls"]]


# ---------------------------------------------------------------- a kernel whose course_lib was tampered with

def _passes_in_a_tampered_kernel(patch) -> list:
    """Records of the wrong answer from a kernel where `patch` made every check pass."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NBGRADER_EXECUTION", "autograde")
        patch(mp)
        raised, records = kernel_run(_kernel(WRONG_UPDATE), UPDATE)
    assert raised is None, f"the patch did not make the kernel pass: {raised}"
    return records


def _swap_code(mp, function, replacement):
    mp.setattr(function, "__code__", replacement.__code__)


@pytest.mark.parametrize("patch", [
    lambda mp: mp.setitem(vars(part1), "reference_update", lambda x, grad, lr: x + lr * grad),
    lambda mp: mp.setitem(vars(part1), "check_cases",
                          lambda cases, answer, expected, verify, mistakes=(): [(c, answer(c), expected(c)) for c in cases]),
    lambda mp: _swap_code(mp, core.expect_number, lambda label, got, expected, **kw: got),
    lambda mp: _swap_code(mp, cases.check_cases,
                          lambda cases, answer, expected, verify, mistakes=(): [(c, answer(c), expected(c)) for c in cases]),
    lambda mp: mp.setitem(vars(part1), "check_update", lambda *a, **k: None),
    lambda mp: mp.setattr(record, "invoke", lambda label, func, args, kwargs: args[0] - args[2] * args[1]),
], ids=["reference rebound", "check_cases rebound", "expect_number __code__", "check_cases __code__",
        "check replaced", "seam replaced"])
def test_a_check_that_passes_in_a_tampered_kernel_fails_the_recheck(patch):
    records = _passes_in_a_tampered_kernel(patch)
    verdict = replay.replay_cell(UPDATE, records)
    assert verdict.verified and not verdict.passed, verdict


def test_hostile_values_from_learner_code_fail_the_same_way_in_both():
    answers = {
        "always equal": "class E:\n    def __eq__(self, o):\n        return True\n"
                        "def update(x, grad, lr):\n    return E()\n",
        "float subclass": "class F(float):\n    def __eq__(self, o):\n        return True\n"
                          "def update(x, grad, lr):\n    return F(0.0)\n",
        "hostile error": "class Boom(Exception):\n    def __str__(self):\n        raise SystemExit\n"
                         "def update(x, grad, lr):\n    raise Boom('no')\n",
        "self-containing": "def update(x, grad, lr):\n    a = []\n    a.append(a)\n    return a\n",
    }
    for name, answer in answers.items():
        raised, records = kernel_run(_kernel(answer), UPDATE)
        verdict = replay.replay_cell(UPDATE, records)
        assert isinstance(raised, core.CheckFailed), name
        assert verdict == replay.Verdict(False, records[-1]["message"], True), name


def test_an_unfinished_helper_is_named_by_the_kernel_and_the_recheck():
    answer = ("def step(x, grad, lr):\n    raise NotImplementedError()\n"
              "def update(x, grad, lr):\n    return step(x, grad, lr)\n")
    raised, records = kernel_run(_kernel(answer), UPDATE)
    assert "calls step, which is not written yet" in str(raised)
    assert replay.replay_cell(UPDATE, records) == replay.Verdict(False, records[-1]["message"], True)


def test_a_cell_without_course_checks_keeps_the_kernels_verdict():
    verdict = replay.replay_cell("from course_lib.descent import square\nassert square(2) == 4", [])
    assert not verdict.verified and "calls no check function" in verdict.message


# ---------------------------------------------------------------- VerifyChecks, the preprocessor

def _test_cell(source, outputs, gid="check_update"):
    cell = new_code_cell(source, metadata={"nbgrader": {"grade": True, "solution": False, "locked": True,
                                                        "grade_id": gid, "points": 1, "schema_version": 3}})
    cell.outputs = outputs
    return cell


def _records_out(records):
    return [new_output("display_data", data={MIME: r}) for r in records]


def _verified(cells):
    nb = new_notebook(cells=cells)
    nb, resources = VerifyChecks().preprocess(nb, {})
    return nb, resources["verify_checks"]


def test_verify_checks_strips_records_and_keeps_an_honest_cell(honest_records):
    ticks = new_output("stream", name="stdout", text="✓ update(3, 6, 0.1) = 2.4\n")
    answer = new_code_cell("def update(x, grad, lr):\n    return x - lr * grad",
                           metadata={"nbgrader": {"grade": False, "solution": True, "grade_id": "update",
                                                  "schema_version": 3}})
    answer.outputs = _records_out(honest_records)  # a learner's cell may print records too
    nb, results = _verified([answer, _test_cell(UPDATE, [ticks] + _records_out(honest_records))])
    assert nb.cells[0].outputs == [] and nb.cells[1].outputs == [ticks]
    assert utils.determine_grade(nb.cells[1]) == (1, 1)
    assert results == [{"cell": "check_update", "verified": True, "passed": True, "kernel_passed": True,
                        "overruled": False, "message": ""}]


def test_verify_checks_scores_zero_a_cell_that_passed_only_in_the_kernel(wrong_records):
    records = _passes_in_a_tampered_kernel(lambda mp: mp.setitem(vars(part1), "reference_update",
                                                                  lambda x, grad, lr: x + lr * grad))
    ticks = new_output("stream", name="stdout", text="✓ update(3, 6, 0.1) = 3.6\n")
    nb, results = _verified([_test_cell(UPDATE, [ticks] + _records_out(records))])
    (out,) = nb.cells[0].outputs
    assert out.output_type == "error" and out.ename == "CheckFailed" and len(out.traceback) == 1
    assert "fails where the notebook's check passed" in out.evalue and MIME not in json.dumps(nb)
    assert utils.determine_grade(nb.cells[0]) == (0, 1)
    assert results[0]["overruled"] and not results[0]["passed"] and results[0]["kernel_passed"]


def test_verify_checks_leaves_a_failed_cell_failed_and_a_foreign_cell_alone(wrong_records):
    error = new_output("error", ename="CheckFailed", evalue="update(…) should be 2.4", traceback=["CheckFailed: …"])
    foreign = new_output("stream", name="stdout", text="ok\n")
    nb, results = _verified([_test_cell(UPDATE, [error] + _records_out(wrong_records)),
                             _test_cell("assert 1 + 1 == 2", [foreign], gid="plain")])
    assert nb.cells[0].outputs == [error] and nb.cells[1].outputs == [foreign]
    assert [r["overruled"] for r in results] == [False, False] and not results[1]["verified"]


def test_verify_checks_fails_a_cell_whose_records_were_removed():
    ticks = new_output("stream", name="stdout", text="✓ all good\n")
    nb, results = _verified([_test_cell(UPDATE, [ticks])])
    assert nb.cells[0].outputs[0].ename == "CheckFailed" and "no record of check_update" in nb.cells[0].outputs[0].evalue


# ---------------------------------------------------------------- wiring into nbgrader's Autograde

def _default_pipeline():
    return Autograde.class_traits()["autograde_preprocessors"].default()


def test_nbgrader_lets_the_autograde_pipeline_be_configured_and_runs_execute_first():
    """The insertion relies on this (no patch of nbgrader): a configurable list starting with Execute."""
    trait = Autograde.class_traits()["autograde_preprocessors"]
    assert trait.metadata.get("config") is True
    assert _default_pipeline()[0] is Execute


def test_the_course_config_runs_verify_checks_right_after_execute_and_sanitizes_last():
    from autograder.sanitize import SanitizeOutputs
    configured = course_dir.load_config(course_dir.COURSE_ROOT).Autograde.autograde_preprocessors
    expected = _default_pipeline()
    expected.insert(1, VerifyChecks)
    assert configured == expected + [SanitizeOutputs]


def test_with_verify_checks_is_idempotent_and_follows_the_engines_execute():
    pipeline = with_verify_checks(_default_pipeline())
    assert with_verify_checks(pipeline) == pipeline
    engine = [SandboxedExecute if p is Execute else p for p in pipeline]
    assert engine[:2] == [SandboxedExecute, VerifyChecks] and with_verify_checks(engine) == engine
    fresh = with_verify_checks([SandboxedExecute, "nbgrader.preprocessors.SaveAutoGrades"])
    assert fresh == [SandboxedExecute, VerifyChecks, "nbgrader.preprocessors.SaveAutoGrades"]
    assert with_verify_checks(["nbgrader.preprocessors.Execute", "autograder.verify.VerifyChecks"]) == \
        ["nbgrader.preprocessors.Execute", "autograder.verify.VerifyChecks"]
    with pytest.raises(ValueError):
        with_verify_checks([SandboxedExecute.__mro__[-1]])


# ---------------------------------------------------------------- end to end: nbgrader autograde

AID = "01_gradient_descent"
# a submission that makes every visible and hidden check of the notebook pass in its own kernel
HACK = '''import course_lib.check.part1 as _p1
_p1.check_cases = lambda cases, answer, expected, verify, mistakes=(): [(c, answer(c), expected(c)) for c in cases]
vars(_p1)["check_better_start"] = lambda *args, **kwargs: None
'''


def _first_mistakes() -> dict[str, str]:
    found = {}
    for entry in importlib.import_module("catalogue.part1").ENTRIES:
        if isinstance(entry, catalogue.Mistake):
            found.setdefault(entry.exercise, entry.code)
    return found


def _submit(course: Path, student: str, answers: dict[str, str]) -> None:
    nb = nbformat.read(course / "release" / AID / f"{AID}.ipynb", as_version=4)
    for cell in nb.cells:
        if _meta(cell).get("solution") and _meta(cell).get("grade_id") in answers:
            cell.source = answers[_meta(cell)["grade_id"]]
    dest = course / "submitted" / student / AID / f"{AID}.ipynb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)


def _score(api, student) -> tuple[float, float]:
    result = api.autograde(AID, student, force=True)
    assert result["success"], result.get("log", "") + str(result.get("error", ""))
    with api.gradebook as gb:
        notebook = gb.find_submission(AID, student).notebooks[0]
        code = [g for g in notebook.grades if g.cell.cell_type == "code"]
        return sum(g.auto_score or 0 for g in code), sum(g.max_score for g in code)


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    course = course_dir.new_course(tmp_path_factory.mktemp("verify") / "course")
    course_dir.sync_source(course, SOLUTIONS, [AID])
    api = course_dir.nbgrader_api(course)
    assert api.generate_assignment(AID)["success"]
    solutions = {gid: catalogue.solution(AID, gid) for gid in catalogue.exercises(AID)}
    wrong = _first_mistakes()
    hacked = dict(wrong, update=HACK + wrong["update"])
    for student, answers in (("honest", solutions), ("wrong", wrong), ("hacker", hacked)):
        _submit(course, student, answers)
    scores = {student: _score(api, student) for student in ("honest", "wrong", "hacker")}
    feedback = api.generate_feedback(AID, "hacker")
    assert feedback["success"], feedback.get("log")
    autograded = {s: (course / "autograded" / s / AID / f"{AID}.ipynb").read_text() for s in scores}
    html = (course / "feedback" / "hacker" / AID / f"{AID}.html").read_text()
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.VerifyChecks.enabled = False\n")
    without = _score(course_dir.nbgrader_api(course), "hacker")
    return {"scores": scores, "without": without, "autograded": autograded, "html": html}


@pytest.mark.slow
def test_autograde_gives_honest_full_marks_and_the_tampering_learner_what_the_wrong_one_gets(graded_course):
    scores = graded_course["scores"]
    honest, top = scores["honest"]
    assert top >= 3 and honest == top
    assert scores["wrong"][0] < top
    assert scores["hacker"] == scores["wrong"]


@pytest.mark.slow
def test_without_the_recheck_the_tampering_learner_would_get_full_marks(graded_course):
    """The control: the hack works in the kernel, so the test above can fail."""
    score, top = graded_course["without"]
    assert score == top


@pytest.mark.slow
def test_no_record_reaches_the_autograded_notebook_or_the_feedback(graded_course):
    for text in list(graded_course["autograded"].values()) + [graded_course["html"]]:
        assert MIME not in text and "course-check-record" not in text
    assert "grader's re-check" in graded_course["autograded"]["hacker"]


def test_a_check_that_calls_learner_code_around_core_call_fails_the_recheck():
    @core.exercise("test_verify", "direct", "a check that breaks the seam")
    def check_direct(f, x):
        core.expect_number("f(x)", core.call("f", f, x) if x > 0 else f(x), 2 * x)

    vars(part1)["check_direct"] = check_direct  # importable by a cell, for the length of this test
    try:
        source = "from course_lib.check.part1 import check_direct\ncheck_direct(f, 1.0)\ncheck_direct(f, -1.0)"
        raised, records = kernel_run({"f": lambda x: 2 * x}, source)
        assert raised is None
        verdict = replay.replay_cell(source, records)
    finally:
        del vars(part1)["check_direct"]
    assert verdict.verified and not verdict.passed and "made without core.call" in verdict.message
