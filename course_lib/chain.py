"""Part 3: the chain rule on f(x1, x2) = ((2x1 + x2)² + 3x2²)³ and descent on it.

Why these descent constants: f = v³ with v a positive-definite quadratic, so the
gradient grows like |x|⁵ far from the origin (at the script's usual start (3, 2) it is
(554496, 485184): any rate small enough there is useless elsewhere) and vanishes like
|x|⁵ near it (the bottom is very flat). So the start must be close to the bowl,
CHAIN_START = (0.5, 0.5) where f = 27 and the gradient is (162, 162), and the rate small
enough that the first, steepest steps do not overshoot: with CHAIN_LR = 0.002 the first
step is 0.324 per coordinate, f falls at every step, and after CHAIN_ITERATIONS = 1000
steps f ≈ 2·10⁻⁴ at x ≈ (0.07, 0.07). Near the flat bottom |x| only shrinks like
k^(−1/4), which is why it takes so many iterations (tests/test_chain.py checks all this).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib.errors import require_finite, require_vector
from course_lib.gradient import StepND, gradient_descent_nd

CHAIN_START = (0.5, 0.5)
CHAIN_LR = 0.002
CHAIN_ITERATIONS = 1000


def chain_function(x1, x2) -> float:
    """f(x1, x2) = ((2x1 + x2)² + 3x2²)³."""
    x1, x2 = require_finite("x1", x1), require_finite("x2", x2)
    return ((2 * x1 + x2) ** 2 + 3 * x2**2) ** 3


@dataclass(frozen=True)
class ChainParts:
    x1: float
    x2: float
    u: float
    v: float
    f: float
    du_dx1: float
    du_dx2: float
    dv_du: float
    dv_dx2_direct: float
    df_dv: float
    df_dx1: float
    df_dx2: float


def decompose(x1, x2) -> ChainParts:
    """u = 2x1 + x2, v = u² + 3x2², f = v³, with every local derivative and both chain products.

    ∂f/∂x2 has two paths (through u, and directly into v): 3v²·(2u·1 + 6x2).
    """
    x1, x2 = require_finite("x1", x1), require_finite("x2", x2)
    u = 2 * x1 + x2
    v = u * u + 3 * x2 * x2
    du_dx1, du_dx2 = 2.0, 1.0
    dv_du, dv_dx2_direct = 2 * u, 6 * x2
    df_dv = 3 * v * v
    return ChainParts(
        x1=x1, x2=x2, u=u, v=v, f=v**3,
        du_dx1=du_dx1, du_dx2=du_dx2, dv_du=dv_du, dv_dx2_direct=dv_dx2_direct, df_dv=df_dv,
        df_dx1=df_dv * dv_du * du_dx1,
        df_dx2=df_dv * (dv_du * du_dx2 + dv_dx2_direct),
    )


def chain_gradient(x1, x2) -> np.ndarray:
    """[12uv², 3v²(2u + 6x2)]."""
    parts = decompose(x1, x2)
    return np.array([parts.df_dx1, parts.df_dx2])


def _f_of_vector(x) -> float:
    x1, x2 = require_vector("x", x, length=2)
    return chain_function(x1, x2)


def _gradient_of_vector(x) -> np.ndarray:
    x1, x2 = require_vector("x", x, length=2)
    return chain_gradient(x1, x2)


def chain_descent(x0=CHAIN_START, lr=CHAIN_LR, n_iter=CHAIN_ITERATIONS) -> list[StepND]:
    """The script's Part 3 loop, with constants for which it converges (see the module docstring)."""
    return gradient_descent_nd(_f_of_vector, _gradient_of_vector, require_vector("x0", x0, length=2), lr, n_iter)
