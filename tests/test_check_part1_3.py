"""Checks of notebooks 01–03: their visible cases, how a hint is chosen, and what the check cells may hold.

The typical mistakes and correct answers themselves live in tests/catalogue/ (test_catalogue.py).
"""
import ast
import re

import nbformat
import numpy as np
import pytest

from autograder import course_dir
from course_lib import descent, script_tables
from course_lib.check import CheckFailed, cases, part1, part2, part3, progress
from course_lib.check.hints import as_hint
from course_lib.gradient import bowl_gradient

NOTEBOOKS = {"01_gradient_descent": part1, "02_partial_derivatives": part2, "03_chain_rule": part3}


def good_update(x, grad, lr):
    return x - lr * grad


def good_descent(df, x0, lr, n_iter, update=good_update):
    xs = [x0]
    for _ in range(n_iter):
        xs.append(update(xs[-1], df(xs[-1]), lr))
    return xs


def good_better_start(f, df, starts, lr=0.01, n_iter=1000, descent=good_descent):
    return min(starts, key=lambda s: f(descent(df, s, lr, n_iter)[-1]))


def good_descent_2d(grad_f, x0, lr, n_iter):
    points = [np.array(x0, dtype=float)]
    for _ in range(n_iter):
        points.append(points[-1] - lr * np.asarray(grad_f(points[-1])))
    return points


def good_u_v(x1, x2):
    u = 2 * x1 + x2
    return u, u**2 + 3 * x2**2


# ---------------------------------------------------------------- right answers, and what they print

def test_right_answers_print_one_line_per_visible_case(capsys):
    part1.check_update(good_update)
    part1.check_descent(good_descent)
    part1.check_better_start(good_better_start)
    part2.check_partial_x1(lambda x1, x2: 2 * x1)
    part2.check_partial_x2(lambda x1, x2: 4 * x2)
    part2.check_descent_2d(good_descent_2d)
    part3.check_u_v(good_u_v)
    part3.check_df_dx1(lambda u, v: 12 * u * v**2)
    part3.check_df_dx2(lambda u, v, x2: 3 * v**2 * (2 * u + 6 * x2))
    lines = capsys.readouterr().out.splitlines()
    visible = (part1.UPDATE_CASES, part1.DESCENT_CASES, part1.BETTER_START_CASES, part2.POINTS, part2.POINTS,
               part2.DESCENT_CASES, part3.POINTS, part3.POINTS, part3.POINTS)
    assert len(lines) == sum(map(len, visible)) and all(line.startswith("✓ ") for line in lines)
    text = "\n".join(lines)
    assert "update(3, 6, 0.1) = 2.4" in text and "10 iterations end at x = 0.322123" in text
    assert "[0.322123, 0.0120932]" in text and "u = 4, v = 28" in text and "= 37632" in text and "= 47040" in text


def test_the_hidden_cases_are_checked_when_given():
    with pytest.raises(CheckFailed, match=r"update\(x=10, grad=3, lr=1\)"):
        part1.check_update(lambda x, g, lr: x - lr * g if lr != 1 else 0.0, cases=[(10, 3, 1)])
    part2.check_descent_2d(good_descent_2d, cases=[(part2.coupled_gradient, (-3.0, 0.5), 0.2, 12)])


# ---------------------------------------------------------------- the visible cases

def test_update_cases_start_with_the_script_table_rows():
    table = script_tables.get("p1_trace")
    rows = [row for row in table.rows if row[1].values][:5]
    script = [(row[1].values[0], row[3].values[0], 0.1) for row in rows]
    assert [tuple(round(v, 9) for v in c) for c in part1.UPDATE_CASES[:5]] == \
           [tuple(round(v, 9) for v in c) for c in script]
    x, grad, lr = part1.UPDATE_CASES[-1]
    assert grad != 2 * x and lr != part1.SCRIPT_LR, "one case where grad ≠ 2x and η ≠ the script's"


def test_descent_and_bowl_cases_reproduce_the_script_traces():
    assert part1.reference_descent(*part1.DESCENT_CASES[0])[-1] == pytest.approx(
        script_tables.get("p1_trace").rows[-1][1].values[0])
    assert part2.reference_descent_2d(*part2.DESCENT_CASES[0])[1] == pytest.approx([2.4, 1.2])
    script_points = [(row[1].values[0], row[2].values[0]) for row in script_tables.get("p2_trace").rows if row[1].values]
    assert np.allclose(part2.POINTS[:4], script_points[:4])
    assert any(x2 != 2 for _, x2 in part2.POINTS) and any(x2 != 2 for _, x2 in part3.POINTS)
    assert any(part3.decompose(*p).u < 0 for p in part3.POINTS), "a point with a negative inner sum u"


def test_the_mirrored_landscape_has_its_deep_valley_on_the_right():
    ends = {x0: descent.descend(part1.mirrored_two_valley_prime, x0) for x0 in (-1.0, 1.0)}
    assert ends[1.0] > 0 > ends[-1.0]
    assert part1.mirrored_two_valley(ends[1.0]) < part1.mirrored_two_valley(ends[-1.0])
    f, df, starts, lr, n = part1.BETTER_START_CASES[-1]
    assert f is part1.mirrored_two_valley and part1._best(part1.BETTER_START_CASES[-1]) > 0


def _outputs(mistakes, cases_, reference):
    def value(fn, c):
        try:
            return np.asarray(fn(c), dtype=float).ravel()
        except Exception:
            return None

    def same(a, b):
        return a is not None and b is not None and a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-9)

    right = [value(reference, c) for c in cases_]
    rows = [(as_hint(h).text, [value(fn, c) for c in cases_]) for h, fn in mistakes]
    return right, rows, same


VISIBLE = {
    "update": (part1.UPDATE_MISTAKES, part1.UPDATE_CASES, lambda c: part1.reference_update(*c)),
    "descent": (part1.DESCENT_MISTAKES, part1.DESCENT_CASES, lambda c: part1.reference_descent(*c)),
    "better_start": (part1.BETTER_START_MISTAKES, part1.BETTER_START_CASES, part1._best),
    "partial_x1": (part2.PARTIAL_X1_MISTAKES, part2.POINTS, lambda c: bowl_gradient(list(c))[0]),
    "partial_x2": (part2.PARTIAL_X2_MISTAKES, part2.POINTS, lambda c: bowl_gradient(list(c))[1]),
    "descent_2d": (part2.DESCENT_MISTAKES, part2.DESCENT_CASES, lambda c: part2.reference_descent_2d(*c)),
    "u_v": (part3.U_V_MISTAKES, part3.POINTS, lambda c: list(part3._uv(c))),
    "df_dx1": (part3.DF_DX1_MISTAKES, part3.POINTS, lambda c: part3.decompose(*c).df_dx1),
    "df_dx2": (part3.DF_DX2_MISTAKES, part3.POINTS, lambda c: part3.decompose(*c).df_dx2),
}


@pytest.mark.parametrize("exercise", VISIBLE)
def test_visible_cases_catch_and_tell_apart_every_listed_mistake(exercise):
    right, rows, same = _outputs(*VISIBLE[exercise])
    for hint, values in rows:
        assert not all(same(v, r) for v, r in zip(values, right)), f"the visible cases miss: {hint}"
    for i, (hint_a, a) in enumerate(rows):
        for hint_b, b in rows[i + 1:]:
            assert not all(same(x, y) or (x is None and y is None) for x, y in zip(a, b)), \
                f"no visible case tells apart: {hint_a} | {hint_b}"


# ---------------------------------------------------------------- how the hint is chosen

def _tiny_check(answer, mistakes):
    def verify(case, got, expected, fitting):
        part1.expect_number(f"at {case}", got, expected, mistakes=fitting, hint="generic")
    return cases.check_cases([1.0, 2.0, 3.0], lambda c: answer(c), lambda c: 2 * c, verify, mistakes)


def test_a_hint_is_the_mistake_that_agrees_on_every_case():
    mistakes = [("A: adds one", lambda c: 2 * c + 1), ("B: squares", lambda c: c * c + 2),
                ("C: triples", lambda c: 3 * c)]
    # at c = 1, A (3) and C (3) agree; at c = 2 only C (6) fits what the answer does
    with pytest.raises(CheckFailed) as failed:
        _tiny_check(lambda c: 3 * c, mistakes)
    assert "C: triples" in str(failed.value) and "A: adds one" not in str(failed.value)
    # a mistake that would have failed an earlier case the answer got right is not named
    with pytest.raises(CheckFailed) as failed:
        _tiny_check(lambda c: c * c if c > 1 else 2.0, mistakes)
    assert "generic" in str(failed.value)


def test_two_mistakes_that_agree_on_every_case_are_both_named():
    same = [("A: one way", lambda c: 3 * c), ("B: another way", lambda c: c + c + c)]
    with pytest.raises(CheckFailed) as failed:
        _tiny_check(lambda c: 3 * c, same)
    assert "A: one way" in str(failed.value) and "B: another way" in str(failed.value)


def test_a_crash_on_a_later_case_does_not_hide_the_hint():
    def answer(c):
        if c == 3.0:
            raise ValueError("boom")
        return 3 * c

    from course_lib.check.core import call
    with pytest.raises(CheckFailed, match="C: triples"):
        _tiny_check(lambda c: call("answer", answer, c), [("C: triples", lambda c: 3 * c)])


def test_the_message_names_the_failing_call_not_the_last_one_tried():
    with pytest.raises(CheckFailed) as failed:
        part2.check_partial_x1(lambda x1, x2: x1 * x2)
    assert failed.value.called == "partial_x1(2.4, 1.2)"


# ---------------------------------------------------------------- special answers

def test_better_start_accepts_any_start_tied_for_lowest():
    def last_of_ties(f, df, starts, lr, n_iter, descent):
        ends = [f(descent(df, s, lr, n_iter)[-1]) for s in starts]
        return [s for s, e in zip(starts, ends) if e <= min(ends)][-1]

    # all three end in the right valley at the very same f
    part1.check_better_start(last_of_ties, cases=[(descent.two_valley, descent.two_valley_prime,
                                                   [2.0, 0.3, 1.0], 0.01, 1000)])


class AlwaysEqual:
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("check, answer", [
    (part1.check_update, lambda x, g, lr: AlwaysEqual()),
    (part1.check_update, lambda x, g, lr: True),
    (part2.check_partial_x2, lambda x1, x2: AlwaysEqual()),
    (part3.check_u_v, lambda x1, x2: (AlwaysEqual(), AlwaysEqual())),
])
def test_an_object_equal_to_everything_earns_nothing(check, answer):
    with pytest.raises(CheckFailed, match="should be a number"):
        check(answer)


def test_unfinished_answers_say_not_written_yet():
    def unfinished(*args, **kwargs):
        raise NotImplementedError()

    for check in (part1.check_update, part1.check_descent, part1.check_better_start, part2.check_partial_x1,
                  part2.check_descent_2d, part3.check_u_v, part3.check_df_dx2):
        with pytest.raises(CheckFailed, match="is not written yet"):
            check(unfinished)


def exercise_ids(notebook):
    """The graded exercises' rows (the concept checks follow them: tests/test_concepts.py)."""
    table = progress(notebook)
    return [row[0] for row in table.rows if row[0] not in table.concepts]


def test_progress_lists_each_notebooks_exercises_in_order():
    assert exercise_ids("01_gradient_descent") == ["update", "descent", "better_start"]
    assert exercise_ids("02_partial_derivatives") == ["partial_x1", "partial_x2", "descent_2d"]
    assert exercise_ids("03_chain_rule") == ["u_v", "df_dx1", "df_dx2"]


# ---------------------------------------------------------------- the notebooks' exercise cells

def _cells(aid):
    return nbformat.read(course_dir.SOLUTIONS_DIR / f"{aid}.ipynb", as_version=4).cells


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("aid", NOTEBOOKS)
def test_check_cells_can_be_rechecked_outside_the_kernel(aid):
    replay = pytest.importorskip("course_lib.check.replay")
    for cell in _cells(aid):
        if cell.cell_type == "code" and _meta(cell).get("grade"):
            assert replay.lint_check_cell(cell.source) == [], _meta(cell)["grade_id"]


@pytest.mark.parametrize("aid", NOTEBOOKS)
def test_check_cells_take_what_they_compare_with_from_course_lib(aid):
    """Nothing a learner's cell could rebind: a check cell's names are imported in it from course_lib,
    except the answer, which it only hands to a check function."""
    for cell in _cells(aid):
        if cell.cell_type != "code" or not _meta(cell).get("grade"):
            continue
        tree = ast.parse(cell.source)
        imported = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                    and node.module.startswith("course_lib") for alias in node.names}
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import)]
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        assert calls and all(isinstance(c.func, ast.Name) and c.func.id in imported and c.func.id.startswith("check_")
                             for c in calls), "only check functions are called"
        answers = {c.args[0].id for c in calls if c.args and isinstance(c.args[0], ast.Name)}
        assert len(answers) == 1 and not answers & imported
        loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        assert loaded <= imported | answers, f"{_meta(cell)['grade_id']} uses {loaded - imported - answers}"


@pytest.mark.parametrize("aid", NOTEBOOKS)
def test_task_titles_state_the_points_the_check_cell_gives(aid):
    cells = _cells(aid)
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and _meta(cell).get("grade_id", "").endswith("_task"):
            title = re.search(r"\((\d+) points?\)", cell.source)
            check = next(c for c in cells[i:] if c.cell_type == "code" and _meta(c).get("grade"))
            assert title and int(title.group(1)) == _meta(check)["points"], _meta(cell)["grade_id"]


def test_every_exercise_has_worked_steps_for_repeated_failures():
    for module in NOTEBOOKS.values():
        for name in dir(module):
            check = getattr(module, name)
            if name.startswith("check_") and hasattr(check, "exercise"):
                assert len(check.exercise.steps) >= 2, name
