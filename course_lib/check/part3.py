"""Checks for notebook 03 (the chain rule on f = ((2x1 + x2)² + 3x2²)³).

Each check runs the learner's function on its cases: the visible ones (the task's worked point,
then points with x2 ≠ 2 and a negative inner sum u, so mistakes that agree at x2 = 2 part)
unless the cell passes others (the hidden tests). The partial derivatives are written in terms of
u and v, and their checks pass course_lib's u and v (from ``decompose``), so a mistake in u or v
is reported once.
"""

from __future__ import annotations

from course_lib.chain import decompose
from course_lib.check.cases import check_cases
from course_lib.check.core import CheckFailed, call, expect_array, expect_number, exercise, fmt, passed
from course_lib.check.hints import Hint

NOTEBOOK = "03_chain_rule"

POINTS = ((1.0, 2.0), (0.3, -1.2), (-1.5, 0.5))


def _at(x1, x2):
    return f"(x1, x2) = ({fmt(x1)}, {fmt(x2)})"


def _uv(c):
    p = decompose(*c)
    return p.u, p.v


# ---------------------------------------------------------------- u_v

def _u_v_mistake(u=None, v=None):
    """[u, v] with u and/or v computed the wrong way (v from the wrong u when only u is wrong)."""
    def wrong(c):
        x1, x2 = c
        uu = u(x1, x2) if u else 2 * x1 + x2
        return [uu, v(uu, x1, x2) if v else uu ** 2 + 3 * x2 ** 2]
    return wrong


U_V_MISTAKES = [
    (Hint("v is missing its 3x2² term", more="v = u² + 3·x2²: x2 enters v twice, through u and directly"),
     _u_v_mistake(v=lambda u, x1, x2: u ** 2)),
    (Hint("u is 2x1 + x2: the factor 2 on x1 is missing"), _u_v_mistake(u=lambda x1, x2: x1 + x2)),
    (Hint("the factor 2 belongs to x1: u = 2·x1 + x2"), _u_v_mistake(u=lambda x1, x2: x1 + 2 * x2)),
    (Hint("u = 2·x1 + x2: only x1 is doubled, not the sum"), _u_v_mistake(u=lambda x1, x2: 2 * (x1 + x2))),
    (Hint("v uses u, not x1: v = u² + 3x2²"), _u_v_mistake(v=lambda u, x1, x2: x1 ** 2 + 3 * x2 ** 2)),
    (Hint("x2 is squared in v: v = u² + 3·x2²"), _u_v_mistake(v=lambda u, x1, x2: u ** 2 + 3 * x2)),
    (Hint("only x2 is squared: 3·x2² = 3 * x2 ** 2, not (3·x2)²"), _u_v_mistake(v=lambda u, x1, x2: u ** 2 + (3 * x2) ** 2)),
    (Hint("u is squared in v: u² = u ** 2, not u · 2"), _u_v_mistake(v=lambda u, x1, x2: 2 * u + 3 * x2 ** 2)),
    ("you returned f = v³ instead of v: v is u² + 3x2², before the cube",
     _u_v_mistake(v=lambda u, x1, x2: (u ** 2 + 3 * x2 ** 2) ** 3)),
    ("you returned (v, u): return u first", lambda c: list(reversed(_uv(c)))),
]


@exercise(NOTEBOOK, "u_v", "the inner functions u and v", steps=(
    "first the innermost link: u = 2·x1 + x2 (one number)",
    "then v from that u: v = u² + 3·x2²; return both, as the pair (u, v)"))
def check_u_v(u_v, cases=None):
    """u_v(x1, x2) must return (u, v) with u = 2x1 + x2 and v = u² + 3x2², at every point."""
    def verify(case, got, expected, mistakes):
        if isinstance(got, dict):
            raise CheckFailed(f"u_v should return a pair (u, v), you returned a dict — return u, v "
                              "(a tuple), not a dictionary")
        expect_array(f"u_v at {_at(*case)}", got, expected, tol=1e-9, mistakes=mistakes,
                     hint="u = 2·x1 + x2, then v = u² + 3·x2²",
                     shape_hint="return a pair (u, v): two numbers, u first")

    results = check_cases(POINTS if cases is None else cases, lambda c: call("u_v", u_v, *c),
                          lambda c: list(_uv(c)), verify, U_V_MISTAKES)
    for case, _, (u, v) in results:
        passed(f"at {_at(*case)}: u = {fmt(u)}, v = {fmt(v)}")


# ---------------------------------------------------------------- ∂f/∂x1

def _in_uv(expr):
    return lambda c: expr(*_uv(c))


DF_DX1_MISTAKES = [
    (Hint("the factor ∂u/∂x1 = 2 is missing (u = 2x1 + x2), or you used ∂u/∂x2 = 1 in its place",
          more="x1 enters u as 2·x1, so u moves twice as fast as x1"), _in_uv(lambda u, v: 6 * u * v ** 2)),
    ("only ∂f/∂v = 3v² is there: multiply by ∂v/∂u = 2u and ∂u/∂x1 = 2 too", _in_uv(lambda u, v: 3 * v ** 2)),
    (Hint("∂v/∂u = 2u is missing", more="v = u² + 3x2², so v changes by 2u per unit of u"),
     _in_uv(lambda u, v: 6 * v ** 2)),
    (Hint("∂f/∂v is 3v² (the power rule lowers v³ to v²), not 3v", more="d(v³)/dv = 3·v²"),
     _in_uv(lambda u, v: 12 * u * v)),
    (Hint("the power rule brings the 3 of v³ down: ∂f/∂v = 3·v²", more="d(v^n)/dv = n·v^(n−1) with n = 3"),
     _in_uv(lambda u, v: 4 * u * v ** 2)),
    ("∂f/∂v is the derivative 3v², not f = v³ itself", _in_uv(lambda u, v: 4 * u * v ** 3)),
    ("∂f/∂v = 3v² is missing: multiply ∂v/∂u · ∂u/∂x1 by it", _in_uv(lambda u, v: 4 * u)),
    (Hint("the links of a chain multiply; you added them", more="blame multiplies along a chain: "
          "∂f/∂x1 = ∂f/∂v × ∂v/∂u × ∂u/∂x1"), _in_uv(lambda u, v: 3 * v ** 2 + 2 * u + 2)),
    ("u and v are swapped: ∂f/∂v = 3v² and ∂v/∂u = 2u", _in_uv(lambda u, v: 12 * u ** 2 * v)),
]


@exercise(NOTEBOOK, "df_dx1", "∂f/∂x1 = ∂f/∂v · ∂v/∂u · ∂u/∂x1", steps=(
    "write the three local derivatives down first: ∂f/∂v (from f = v³), ∂v/∂u (from v = u² + 3x2²) "
    "and ∂u/∂x1 (from u = 2x1 + x2)",
    "x1 reaches f along one path only, so ∂f/∂x1 is the product of those three"))
def check_df_dx1(df_dx1, cases=None):
    """df_dx1(u, v) must return 3v² · 2u · 2 = 12uv² (called with course_lib's u and v), at every point."""
    def verify(case, got, expected, mistakes):
        u, v = _uv(case)
        expect_number(f"df_dx1(u={fmt(u)}, v={fmt(v)}) (at {_at(*case)})", got, expected, tol=1e-9,
                      mistakes=mistakes,
                      hint="multiply the three local derivatives: ∂f/∂v = 3v², ∂v/∂u = 2u, ∂u/∂x1 = 2")

    results = check_cases(POINTS if cases is None else cases, lambda c: call("df_dx1", df_dx1, *_uv(c)),
                          lambda c: decompose(*c).df_dx1, verify, DF_DX1_MISTAKES)
    for case, _, expected in results:
        passed(f"∂f/∂x1 at {_at(*case)} = {fmt(expected)}")


# ---------------------------------------------------------------- ∂f/∂x2

def _in_uvx(expr):
    return lambda c: expr(*_uv(c), c[1])


DF_DX2_MISTAKES = [
    (Hint("the path through u is missing: x2 also changes v through u (∂v/∂u · ∂u/∂x2 = 2u · 1)",
          more="x2 reaches v along two arrows of the graph: add both paths"), _in_uvx(lambda u, v, x2: 3 * v ** 2 * 6 * x2)),
    (Hint("the direct path is missing: v = u² + 3x2² also depends on x2 directly (6x2)",
          more="x2 reaches v along two arrows of the graph: add both paths"), _in_uvx(lambda u, v, x2: 3 * v ** 2 * 2 * u)),
    ("∂u/∂x2 is 1, not 2 (u = 2x1 + x2); the script's line writes ∂u/∂x1 there by mistake",
     _in_uvx(lambda u, v, x2: 3 * v ** 2 * (4 * u + 6 * x2))),
    ("∂u/∂x2 is the number 1 (u = 2x1 + x2), not x2", _in_uvx(lambda u, v, x2: 3 * v ** 2 * (2 * u * x2 + 6 * x2))),
    ("the derivative of 3x2² is 6x2, not 3x2", _in_uvx(lambda u, v, x2: 3 * v ** 2 * (2 * u + 3 * x2))),
    ("the direct path needs the derivative of 3x2² (6x2), not the term 3x2² itself (at x2 = 2 the two are equal)",
     _in_uvx(lambda u, v, x2: 3 * v ** 2 * (2 * u + 3 * x2 ** 2))),
    ("∂f/∂v = 3v² is missing: multiply the sum of both paths by it", _in_uvx(lambda u, v, x2: 2 * u + 6 * x2)),
    (Hint("the two paths add, they do not multiply", more="each path is a product of its links; the paths "
          "into v are then added: 2u·1 + 6x2"), _in_uvx(lambda u, v, x2: 3 * v ** 2 * 2 * u * 6 * x2)),
    ("∂f/∂v is 3v² (the power rule lowers v³ to v²), not 3v", _in_uvx(lambda u, v, x2: 3 * v * (2 * u + 6 * x2))),
    (Hint("3v² multiplies BOTH paths: put the sum of the paths in brackets, 3v² · (2u + 6x2)",
          more="without brackets, * binds first: 3 * v**2 * 2 * u + 6 * x2 multiplies only the first path"),
     _in_uvx(lambda u, v, x2: 3 * v ** 2 * 2 * u + 6 * x2)),
    ("that is ∂f/∂x1 (12uv²): x2's paths go through ∂u/∂x2 = 1 and the direct 6x2",
     _in_uvx(lambda u, v, x2: 12 * u * v ** 2)),
]


@exercise(NOTEBOOK, "df_dx2", "∂f/∂x2 along both paths: through u and directly", steps=(
    "list x2's two paths into v: through u (∂v/∂u · ∂u/∂x2) and the direct one (the derivative of 3x2²)",
    "add the two paths, then multiply the sum by ∂f/∂v = 3v²"))
def check_df_dx2(df_dx2, cases=None):
    """df_dx2(u, v, x2) must return 3v² · (2u · 1 + 6x2) (called with course_lib's u and v), at every point."""
    def verify(case, got, expected, mistakes):
        u, v = _uv(case)
        expect_number(f"df_dx2(u={fmt(u)}, v={fmt(v)}, x2={fmt(case[1])}) (at {_at(*case)})", got, expected,
                      tol=1e-9, mistakes=mistakes,
                      hint="∂f/∂x2 = ∂f/∂v · (∂v/∂u · ∂u/∂x2 + ∂v/∂x2 direct) = 3v² · (2u · 1 + 6x2)")

    results = check_cases(POINTS if cases is None else cases,
                          lambda c: call("df_dx2", df_dx2, *_uv(c), c[1]),
                          lambda c: decompose(*c).df_dx2, verify, DF_DX2_MISTAKES)
    for case, _, expected in results:
        passed(f"∂f/∂x2 at {_at(*case)} = {fmt(expected)}")
