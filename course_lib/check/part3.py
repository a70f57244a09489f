"""Checks for notebook 03 (the chain rule on f = ((2x1 + x2)² + 3x2²)³).

The partial derivatives are written in terms of u and v, and their checks pass
course_lib's u and v (from ``decompose``), so a mistake in u or v is reported once.
"""

from __future__ import annotations

from course_lib.chain import decompose
from course_lib.check.core import call, expect_array, expect_number, exercise, fmt, passed

NOTEBOOK = "03_chain_rule"


def _at(x1, x2):
    return f"(x1, x2) = ({fmt(x1)}, {fmt(x2)})"


@exercise(NOTEBOOK, "u_v", "the inner functions u and v")
def check_u_v(u_v, x1, x2):
    """u_v(x1, x2) must return (u, v) with u = 2x1 + x2 and v = u² + 3x2²."""
    got = call("u_v", u_v, x1, x2)
    p = decompose(x1, x2)
    expect_array(
        f"u_v at {_at(x1, x2)}", got, [p.u, p.v], tol=1e-9,
        mistakes=[
            ("v is missing its 3x2² term", [p.u, p.u**2]),
            ("u is 2x1 + x2: the factor 2 on x1 is missing", [x1 + x2, (x1 + x2) ** 2 + 3 * x2**2]),
            ("v uses u, not x1: v = u² + 3x2²", [p.u, x1**2 + 3 * x2**2]),
            ("you returned (v, u): return u first", [p.v, p.u]),
        ],
        hint="u = 2·x1 + x2, then v = u² + 3·x2²",
        shape_hint="return a pair (u, v)",
    )
    passed(f"at {_at(x1, x2)}: u = {fmt(p.u)}, v = {fmt(p.v)}")


@exercise(NOTEBOOK, "df_dx1", "∂f/∂x1 = ∂f/∂v · ∂v/∂u · ∂u/∂x1")
def check_df_dx1(df_dx1, x1, x2):
    """df_dx1(u, v) must return 3v² · 2u · 2 = 12uv² (called with course_lib's u and v)."""
    p = decompose(x1, x2)
    got = call("df_dx1", df_dx1, p.u, p.v)
    u, v = p.u, p.v
    expect_number(
        f"df_dx1(u={fmt(u)}, v={fmt(v)}) (at {_at(x1, x2)})", got, p.df_dx1, tol=1e-9,
        mistakes=[
            ("the factor ∂u/∂x1 = 2 is missing (u = 2x1 + x2)", 6 * u * v**2),
            ("only ∂f/∂v = 3v² is there: multiply by ∂v/∂u = 2u and ∂u/∂x1 = 2 too", 3 * v**2),
            ("∂v/∂u = 2u is missing", 6 * v**2),
            ("∂f/∂v is 3v² (the power rule lowers v³ to v²), not 3v", 12 * u * v),
            ("the links of a chain multiply; you added them", 3 * v**2 + 2 * u + 2),
        ],
        hint="multiply the three local derivatives: ∂f/∂v = 3v², ∂v/∂u = 2u, ∂u/∂x1 = 2",
    )
    passed(f"∂f/∂x1 at {_at(x1, x2)} = {fmt(p.df_dx1)}")


@exercise(NOTEBOOK, "df_dx2", "∂f/∂x2 along both paths: through u and directly")
def check_df_dx2(df_dx2, x1, x2):
    """df_dx2(u, v, x2) must return 3v² · (2u · 1 + 6x2) (called with course_lib's u and v)."""
    p = decompose(x1, x2)
    got = call("df_dx2", df_dx2, p.u, p.v, x2)
    u, v = p.u, p.v
    expect_number(
        f"df_dx2(u={fmt(u)}, v={fmt(v)}, x2={fmt(x2)}) (at {_at(x1, x2)})", got, p.df_dx2, tol=1e-9,
        mistakes=[
            ("the path through u is missing: x2 also changes v through u (∂v/∂u · ∂u/∂x2 = 2u · 1)",
             3 * v**2 * 6 * x2),
            ("the direct path is missing: v = u² + 3x2² also depends on x2 directly (6x2)", 3 * v**2 * 2 * u),
            ("∂u/∂x2 is 1, not 2 (u = 2x1 + x2); the script's line writes ∂u/∂x1 there by mistake",
             3 * v**2 * (4 * u + 6 * x2)),
            ("the derivative of 3x2² is 6x2, not 3x2", 3 * v**2 * (2 * u + 3 * x2)),
            ("∂f/∂v = 3v² is missing: multiply the sum of both paths by it", 2 * u + 6 * x2),
        ],
        hint="∂f/∂x2 = ∂f/∂v · (∂v/∂u · ∂u/∂x2 + ∂v/∂x2 direct) = 3v² · (2u · 1 + 6x2)",
    )
    passed(f"∂f/∂x2 at {_at(x1, x2)} = {fmt(p.df_dx2)}")
