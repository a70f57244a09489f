import numpy as np
import pytest
import sympy as sp

from course_lib import chain as c
from course_lib.gradient import numeric_gradient

X1, X2 = sp.symbols("x1 x2")
EXPR = ((2 * X1 + X2) ** 2 + 3 * X2**2) ** 3
POINTS = [(0.5, 0.5), (-0.3, 0.8), (1.0, -1.0), (0.0, 0.0), *np.random.default_rng(3).uniform(-1.5, 1.5, (5, 2))]


def test_gradient_matches_sympy_and_central_differences():
    grad = [sp.lambdify((X1, X2), sp.diff(EXPR, v)) for v in (X1, X2)]
    f = sp.lambdify((X1, X2), EXPR)
    for p in POINTS:
        assert c.chain_function(*p) == pytest.approx(f(*p), rel=1e-12, abs=1e-12)
        expected = [gi(*p) for gi in grad]
        np.testing.assert_allclose(c.chain_gradient(*p), expected, rtol=1e-12, atol=1e-12)
        numeric = numeric_gradient(lambda x: c.chain_function(*x), p, h=1e-6)
        np.testing.assert_allclose(numeric, expected, rtol=1e-6, atol=1e-6)


def test_decompose_local_derivatives_and_closed_forms():
    for x1, x2 in POINTS:
        p = c.decompose(x1, x2)
        assert p.u == 2 * x1 + x2 and p.v == pytest.approx(p.u**2 + 3 * x2**2) and p.f == pytest.approx(p.v**3)
        assert (p.du_dx1, p.du_dx2, p.dv_du, p.dv_dx2_direct, p.df_dv) == pytest.approx(
            (2, 1, 2 * p.u, 6 * x2, 3 * p.v**2))
        assert p.df_dx1 == pytest.approx(12 * p.u * p.v**2)
        assert p.df_dx2 == pytest.approx(3 * p.v**2 * (2 * p.u + 6 * x2))


def test_descent_with_the_course_constants_converges():
    trace = c.chain_descent()
    assert len(trace) == c.CHAIN_ITERATIONS
    values = [row.fx for row in trace] + [c.chain_function(*trace[-1].new_x)]
    assert all(b < a for a, b in zip(values, values[1:])), "f must decrease at every step"
    assert values[-1] < 1e-3 * values[0] and values[-1] < 1e-3
    assert np.linalg.norm(trace[-1].new_x) < 0.15


def test_descent_from_the_scripts_start_overshoots():
    trace = c.chain_descent(x0=(3.0, 2.0), lr=c.CHAIN_LR, n_iter=100)
    assert len(trace) < 100  # stopped once values left the finite range
