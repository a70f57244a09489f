import math

import numpy as np
import pytest
import sympy as sp

from course_lib import descent as d

X = sp.symbols("x")
POINTS = [-2.5, -1.0, -0.3, 0.0, 0.7, 1.9, *np.random.default_rng(1).uniform(-3, 3, 5)]


@pytest.mark.parametrize(
    "f, df, expr",
    [(d.square, d.square_prime, X**2), (d.two_valley, d.two_valley_prime, X**4 - 4 * X**2 + X + 1),
     (d.two_valley_prime, d.two_valley_second, 4 * X**3 - 8 * X + 1)],
)
def test_derivatives_match_sympy_and_central_differences(f, df, expr):
    symbolic_f, symbolic_df = sp.lambdify(X, expr), sp.lambdify(X, sp.diff(expr, X))
    for x in POINTS:
        assert f(x) == pytest.approx(symbolic_f(x), rel=1e-12, abs=1e-12)
        assert df(x) == pytest.approx(symbolic_df(x), rel=1e-12, abs=1e-12)
        assert d.numeric_derivative(f, x) == pytest.approx(symbolic_df(x), rel=1e-7, abs=1e-7)


def test_numeric_derivative_is_central_not_one_sided():
    # For x³ at 1 with h = 0.1: central gives 3 + h² = 3.01, forward would give 3.31.
    assert d.numeric_derivative(lambda x: x**3, 1.0, h=0.1) == pytest.approx(3.01, abs=1e-12)


def test_functions_accept_arrays_for_plots():
    xs = np.linspace(-2, 2, 5)
    np.testing.assert_allclose(d.square(xs), xs**2)
    np.testing.assert_allclose(d.two_valley_prime(xs), 4 * xs**3 - 8 * xs + 1)


def test_trace_rows_follow_the_update_rule():
    trace = d.gradient_descent_1d(d.square, d.square_prime, 3.0, 0.1, n_iter=12)
    assert [s.iteration for s in trace] == list(range(12))
    for row, following in zip(trace, trace[1:]):
        assert row.fx == row.x**2 and row.grad == 2 * row.x
        assert row.step == pytest.approx(0.1 * row.grad) and row.new_x == pytest.approx(row.x - row.step)
        assert following.x == row.new_x
    # by hand: x ← x − 0.1·2x = 0.8x, so x_k = 3·0.8^k
    assert trace[-1].new_x == pytest.approx(3 * 0.8**12)


def test_square_converges_and_too_large_rate_diverges():
    good = d.gradient_descent_1d(d.square, d.square_prime, 3.0, 0.1, n_iter=200)
    assert abs(good[-1].new_x) < 1e-15 and not d.diverged(good)
    for lr in (1.05, 1.5):
        bad = d.gradient_descent_1d(d.square, d.square_prime, 3.0, lr, n_iter=30)
        sizes = [abs(s.x) for s in bad] + [abs(bad[-1].new_x)]
        assert all(b > a for a, b in zip(sizes, sizes[1:]))
        assert d.diverged(bad)


def test_divergence_to_infinity_ends_at_last_finite_row():
    trace = d.gradient_descent_1d(d.square, d.square_prime, 3.0, 10.0, n_iter=1000)
    assert 0 < len(trace) < 1000 and d.diverged(trace)
    assert all(math.isfinite(v) for s in trace for v in (s.x, s.fx, s.grad, s.step, s.new_x))


def test_critical_points_solve_the_cubic_and_are_classified_by_value():
    points = d.two_valley_critical_points()
    assert [p.x for p in points] == sorted(p.x for p in points) and len(points) == 3
    for p in points:
        assert abs(d.two_valley_prime(p.x)) < 1e-12 and p.fx == d.two_valley(p.x)
    exact = sorted(float(r) for r in sp.Poly(4 * X**3 - 8 * X + 1).real_roots())
    np.testing.assert_allclose([p.x for p in points], exact, atol=1e-13)
    minima = [p for p in points if "minimum" in p.kind]
    assert [p.kind for p in points].count("local maximum") == 1 and d.two_valley_second(points[1].x) < 0
    deepest = min(minima, key=lambda p: p.fx)
    assert deepest.kind == "global minimum"
    assert [p for p in minima if p is not deepest][0].kind == "local minimum"
    # a dense grid agrees on where the lowest point is
    grid = np.linspace(-3, 3, 200_001)
    assert grid[np.argmin(d.two_valley(grid))] == pytest.approx(deepest.x, abs=1e-4)


def test_two_valley_starts_end_in_their_own_valley():
    left, right = d.which_valley(-0.5), d.which_valley(0.5)
    assert left.x < 0 < right.x
    assert d.descend(d.two_valley_prime, -0.5) == pytest.approx(left.x, abs=1e-7)
    assert d.descend(d.two_valley_prime, 0.5) == pytest.approx(right.x, abs=1e-7)
    # the truly global valley is the lower one, whichever side it is
    assert (left.kind == "global minimum") == (left.fx < right.fx)
    assert {left.kind, right.kind} == {"global minimum", "local minimum"}


def test_descend_reports_divergence():
    with pytest.raises(d.CourseInputError, match="lr=.*too large"):
        d.descend(d.two_valley_prime, 10.0, lr=0.5)
