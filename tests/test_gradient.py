import numpy as np
import pytest
import sympy as sp

from course_lib import gradient as g
from course_lib.descent import diverged

X1, X2 = sp.symbols("x1 x2")
POINTS = [(3.0, 2.0), (-1.5, 0.25), (0.0, 0.0), *np.random.default_rng(2).uniform(-4, 4, (5, 2))]


def test_bowl_gradient_matches_sympy_and_central_differences():
    expr = X1**2 + 2 * X2**2
    f = sp.lambdify((X1, X2), expr)
    grad = [sp.lambdify((X1, X2), sp.diff(expr, v)) for v in (X1, X2)]
    for p in POINTS:
        assert g.bowl(p) == pytest.approx(f(*p), abs=1e-12)
        expected = [gi(*p) for gi in grad]
        np.testing.assert_allclose(g.bowl_gradient(p), expected, atol=1e-12)
        np.testing.assert_allclose(g.numeric_gradient(g.bowl, p), expected, atol=1e-7)


def test_partial_derivative_moves_one_coordinate_only():
    seen = []

    def spy(x):
        seen.append(np.array(x))
        return float(x[0] * x[1] ** 2 + x[2])

    # ∂/∂x1 of x0·x1² + x2 at (2, 3, 5) is 2·x0·x1 = 12
    assert g.partial_derivative(spy, [2.0, 3.0, 5.0], 1) == pytest.approx(12.0, rel=1e-9)
    for x in seen:
        assert x[0] == 2.0 and x[2] == 5.0 and x[1] != 3.0


def test_descent_is_simultaneous_and_converges_on_the_bowl():
    trace = g.gradient_descent_nd(g.bowl, g.bowl_gradient, [3.0, 2.0], 0.1, n_iter=100)
    for row in trace:
        np.testing.assert_allclose(row.grad, [2 * row.x[0], 4 * row.x[1]])
        np.testing.assert_allclose(row.new_x, row.x - 0.1 * row.grad)
    # by hand: x1 ← 0.8·x1 and x2 ← 0.6·x2
    np.testing.assert_allclose(trace[-1].new_x, [3 * 0.8**100, 2 * 0.6**100])
    assert not diverged(trace)
    with pytest.raises(ValueError):
        trace[0].x[0] = 1.0  # rows are immutable


def test_sequential_update_would_differ():
    """A wrong 'one coordinate at a time' update uses the new x1 for x2's gradient; ours must not."""
    f = lambda x: float(x[0] ** 2 + x[0] * x[1] + x[1] ** 2)  # noqa: E731
    grad = lambda x: np.array([2 * x[0] + x[1], x[0] + 2 * x[1]])  # noqa: E731
    row = g.gradient_descent_nd(f, grad, [1.0, 1.0], 0.25, n_iter=1)[0]
    np.testing.assert_allclose(row.new_x, [0.25, 0.25])  # both from grad (3, 3) at (1, 1)


def test_bowl_diverges_for_rate_above_half():
    trace = g.gradient_descent_nd(g.bowl, g.bowl_gradient, [3.0, 2.0], 0.55, n_iter=40)
    sizes = [abs(s.x[1]) for s in trace]
    assert all(b > a for a, b in zip(sizes, sizes[1:])) and diverged(trace)
