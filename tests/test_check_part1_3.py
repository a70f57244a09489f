import numpy as np
import pytest

from course_lib.check import CheckFailed, part1, part2, part3, progress
from course_lib.chain import CHAIN_START
from course_lib.descent import square_prime, two_valley, two_valley_prime
from course_lib.gradient import bowl_gradient


class AlwaysEqual:
    def __eq__(self, other):
        return True


# ---------------------------------------------------------------- part 1

def good_update(x, grad, lr):
    return x - lr * grad


def good_descent(df, x0, lr, n_iter, update=good_update):
    xs = [x0]
    for _ in range(n_iter):
        xs.append(update(xs[-1], df(xs[-1]), lr))
    return xs


def numpy_descent(df, x0, lr, n_iter, update=good_update):
    xs = np.empty(n_iter + 1)
    xs[0] = x0
    for i in range(n_iter):
        xs[i + 1] = update(xs[i], df(xs[i]), lr)
    return xs


def good_better_start(f, df, starts, lr=0.01, n_iter=1000, descent=good_descent):
    return min(starts, key=lambda s: f(descent(df, s, lr, n_iter)[-1]))


def test_part1_right_answers_pass_and_print_one_line(capsys):
    part1.check_update(good_update, 3, 6, 0.1)
    part1.check_update(lambda x, g, lr: np.float64(x) - lr * g, -2.0, -4.0, 0.25)
    part1.check_descent(good_descent, square_prime, 3, 0.1, 10)
    part1.check_descent(numpy_descent, two_valley_prime, 0.5, 0.01, 50)
    part1.check_better_start(good_better_start, two_valley, two_valley_prime, [-0.5, 0.5])
    part1.check_better_start(good_better_start, two_valley, two_valley_prime, (0.5, 2.0, -0.5))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and all(line.startswith("✓ ") for line in lines)
    assert "x = 0.322123" in lines[2]
    assert "starting at x = -0.5 ends lowest" in lines[4]


@pytest.mark.parametrize(
    "wrong, words",
    [
        (lambda x, g, lr: x + lr * g, "should be 1.92, you got 2.88 — is the step added instead of subtracted"),
        (lambda x, g, lr: x - g, "missing the learning rate"),
        (lambda x, g, lr: lr * g, "returned the step"),
        (lambda x, g, lr: AlwaysEqual(), "should be a number"),
        (lambda x, g, lr: [x - lr * g], "should be a number"),
        (lambda x, g, lr: True, "should be a number"),
    ],
)
def test_part1_update_mistakes_are_named(wrong, words):
    with pytest.raises(CheckFailed, match=words):
        part1.check_update(wrong, 2.4, 4.8, 0.1)


def test_part1_descent_mistakes_are_named():
    def frozen(df, x0, lr, n_iter, update):
        g, xs = df(x0), [x0]
        for _ in range(n_iter):
            xs.append(update(xs[-1], g, lr))
        return xs

    def self_made_plus(df, x0, lr, n_iter, update):
        return good_descent(df, x0, lr, n_iter, update=lambda x, g, r: x + r * g)

    with pytest.raises(CheckFailed, match="x after 2 iterations should be 1.92, you got 1.8 — the gradient is computed once"):
        part1.check_descent(frozen, square_prime, 3, 0.1, 10)
    with pytest.raises(CheckFailed, match="x after 1 iteration should be 2.4, you got 3.6 — is the step added"):
        part1.check_descent(self_made_plus, square_prime, 3, 0.1, 10)
    with pytest.raises(CheckFailed, match="11 entries, you got 10 — the trace holds the start x0"):
        part1.check_descent(lambda df, x0, lr, n, update: good_descent(df, x0, lr, n, update)[1:], square_prime, 3, 0.1, 10)
    with pytest.raises(CheckFailed, match="should be a list"):
        part1.check_descent(lambda df, x0, lr, n, update: good_descent(df, x0, lr, n, update)[-1], square_prime, 3, 0.1, 10)


def test_part1_descent_is_checked_with_the_reference_update():
    seen = []

    def descent_recording_update(df, x0, lr, n_iter, update=None):
        seen.append(update)
        return good_descent(df, x0, lr, n_iter, update=update)

    part1.check_descent(descent_recording_update, square_prime, 3, 0.1, 3)
    assert seen == [part1.reference_update]


def test_part1_better_start_accepts_any_start_tied_for_lowest():
    def last_of_ties(f, df, starts, lr, n_iter, descent):
        ends = [f(descent(df, s, lr, n_iter)[-1]) for s in starts]
        return [s for s, e in zip(starts, ends) if e <= min(ends)][-1]

    # all three end in the right valley at the very same f
    part1.check_better_start(last_of_ties, two_valley, two_valley_prime, [2.0, 0.3, 1.0])
    with pytest.raises(CheckFailed, match="should be -0.1, you got 0.9"):
        part1.check_better_start(lambda *a, **k: 0.9, two_valley, two_valley_prime, [1.9, -0.1, 0.9],
                                 lr=0.02, n_iter=500)


def test_part1_better_start_mistakes_are_named():
    def shallower(f, df, starts, lr, n_iter, descent):
        return max(starts, key=lambda s: f(descent(df, s, lr, n_iter)[-1]))

    def end_point(f, df, starts, lr, n_iter, descent):
        return descent(df, good_better_start(f, df, starts, lr, n_iter, descent), lr, n_iter)[-1]

    with pytest.raises(CheckFailed, match="should be -0.5, you got 0.5 — that start ends in the shallower valley"):
        part1.check_better_start(shallower, two_valley, two_valley_prime, [-0.5, 0.5])
    with pytest.raises(CheckFailed, match="return the start, not the end point"):
        part1.check_better_start(end_point, two_valley, two_valley_prime, [-0.5, 0.5])


def test_unfinished_answers_say_not_written_yet():
    def unfinished(*args, **kwargs):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="update is not written yet"):
        part1.check_update(unfinished, 3, 6, 0.1)
    with pytest.raises(CheckFailed, match="df_dx2 is not written yet"):
        part3.check_df_dx2(unfinished, 1, 2)


# ---------------------------------------------------------------- part 2

def coupled_gradient(x):
    """∇ of x1² + x1·x2 + 2x2²: ∂f/∂x2 depends on x1, so update order matters."""
    return np.array([2 * x[0] + x[1], x[0] + 4 * x[1]])


def coupled(x):
    return x[0] ** 2 + x[0] * x[1] + 2 * x[1] ** 2


def good_descent_2d(grad_f, x0, lr, n_iter):
    points = [np.array(x0, dtype=float)]
    for _ in range(n_iter):
        points.append(points[-1] - lr * np.asarray(grad_f(points[-1])))
    return points


def one_at_a_time(grad_f, x0, lr, n_iter):
    x = list(map(float, x0))
    points = [tuple(x)]
    for _ in range(n_iter):
        x[0] -= lr * grad_f(x)[0]
        x[1] -= lr * grad_f(x)[1]
        points.append(tuple(x))
    return points


def test_part2_right_answers_pass(capsys):
    part2.check_partial_x1(lambda x1, x2: 2 * x1, 3, 2)
    part2.check_partial_x2(lambda x1, x2: np.float64(4 * x2), 3, 2)
    part2.check_descent_2d(good_descent_2d, bowl_gradient, (3, 2), 0.1, 10)
    part2.check_descent_2d(good_descent_2d, coupled_gradient, (1.0, -2.0), 0.1, 20, f=coupled)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(line.startswith("✓ ") for line in lines)
    assert "[0.322123, 0.0120932]" in lines[2]


@pytest.mark.parametrize(
    "check, wrong, words",
    [
        (part2.check_partial_x1, lambda x1, x2: 4 * x2, "that is ∂f/∂x2"),
        (part2.check_partial_x1, lambda x1, x2: 2 * x1 + 4 * x2, "x2 is a constant"),
        (part2.check_partial_x2, lambda x1, x2: 2 * x2, "the coefficient 2 of 2x2² stays"),
        (part2.check_partial_x2, lambda x1, x2: 2 * x1, "that is ∂f/∂x1"),
        (part2.check_partial_x2, lambda x1, x2: AlwaysEqual(), "should be a number"),
    ],
)
def test_part2_partial_mistakes_are_named(check, wrong, words):
    with pytest.raises(CheckFailed, match=words):
        check(wrong, 3, 2)


def test_part2_sequential_update_passes_on_the_bowl_but_is_caught_on_a_coupled_function():
    part2.check_descent_2d(one_at_a_time, bowl_gradient, (3, 2), 0.1, 10)
    with pytest.raises(CheckFailed, match="x1 was updated before ∂f/∂x2 was computed"):
        part2.check_descent_2d(one_at_a_time, coupled_gradient, (1.0, -2.0), 0.1, 20, f=coupled)


def test_part2_descent_shape_is_checked():
    with pytest.raises(CheckFailed, match="should have 11 entries, you got 10"):
        part2.check_descent_2d(lambda g, x0, lr, n: good_descent_2d(g, x0, lr, n)[1:], bowl_gradient, (3, 2), 0.1, 10)
    with pytest.raises(CheckFailed, match=r"the first entry \(the start point\) should have 2 entries"):
        part2.check_descent_2d(lambda g, x0, lr, n: [[p[0]] for p in good_descent_2d(g, x0, lr, n)],
                               bowl_gradient, (3, 2), 0.1, 10)


# ---------------------------------------------------------------- part 3

def test_part3_right_answers_pass(capsys):
    def u_v(x1, x2):
        u = 2 * x1 + x2
        return u, u**2 + 3 * x2**2

    part3.check_u_v(u_v, 1, 2)
    part3.check_u_v(lambda x1, x2: np.array(u_v(x1, x2)), *CHAIN_START)
    part3.check_df_dx1(lambda u, v: 3 * v**2 * 2 * u * 2, 1, 2)
    part3.check_df_dx2(lambda u, v, x2: 3 * v**2 * (2 * u + 6 * x2), 1, 2)
    out = capsys.readouterr().out
    assert "u = 4, v = 28" in out and "∂f/∂x1 at (x1, x2) = (1, 2) = 37632" in out and "= 47040" in out


@pytest.mark.parametrize(
    "check, wrong, words",
    [
        (part3.check_u_v, lambda x1, x2: ((2 * x1 + x2), (2 * x1 + x2) ** 2), "missing its 3x2² term"),
        (part3.check_u_v, lambda x1, x2: ((2 * x1 + x2) ** 2 + 3 * x2**2, 2 * x1 + x2), "you returned \\(v, u\\)"),
        (part3.check_u_v, lambda x1, x2: 2 * x1 + x2, "list, tuple or numpy array"),
        (part3.check_df_dx1, lambda u, v: 6 * u * v**2, "∂u/∂x1 = 2 is missing"),
        (part3.check_df_dx1, lambda u, v: 12 * u * v, "not 3v"),
        (part3.check_df_dx2, lambda u, v, x2: 3 * v**2 * 6 * x2, "path through u is missing"),
        (part3.check_df_dx2, lambda u, v, x2: 3 * v**2 * 2 * u, "direct path is missing"),
        (part3.check_df_dx2, lambda u, v, x2: 3 * v**2 * (4 * u + 6 * x2), "∂u/∂x2 is 1, not 2"),
    ],
)
def test_part3_mistakes_are_named(check, wrong, words):
    with pytest.raises(CheckFailed, match=words):
        check(wrong, 1, 2)


def test_progress_lists_each_notebooks_exercises_in_order():
    assert [row[0] for row in progress("01_gradient_descent").rows] == ["update", "descent", "better_start"]
    assert [row[0] for row in progress("02_partial_derivatives").rows] == ["partial_x1", "partial_x2", "descent_2d"]
    assert [row[0] for row in progress("03_chain_rule").rows] == ["u_v", "df_dx1", "df_dx2"]
