"""Notebook 03 (the chain rule): typical mistakes and correct answers in other styles."""

from catalogue import Correct, Mistake, code

NOTEBOOK = "03_chain_rule"


def _uv(u="2 * x1 + x2", v="u**2 + 3 * x2**2", ret="u, v"):
    return code(f"def u_v(x1, x2):\n    u = {u}\n    v = {v}\n    return {ret}\n")


def _dx1(expr):
    return code(f"def df_dx1(u, v):\n    return {expr}\n")


def _dx2(expr):
    return code(f"def df_dx2(u, v, x2):\n    return {expr}\n")


ENTRIES = [
    # ---- u_v(x1, x2) -> (u, v)
    Mistake("u_v", "3x2² missing", _uv(v="u**2"), "missing its 3x2² term"),
    Mistake("u_v", "factor 2 missing", _uv(u="x1 + x2"), "factor 2 on x1 is missing"),
    Mistake("u_v", "factor 2 on x2", _uv(u="x1 + 2 * x2"), "belongs to x1"),
    Mistake("u_v", "sum doubled", _uv(u="2 * (x1 + x2)"), "not the sum"),
    Mistake("u_v", "v from x1", _uv(v="x1**2 + 3 * x2**2"), "v uses u, not x1"),
    Mistake("u_v", "x2 not squared", _uv(v="u**2 + 3 * x2"), "x2 is squared in v"),
    Mistake("u_v", "3x2 squared", _uv(v="u**2 + (3 * x2)**2"), "only x2 is squared"),
    Mistake("u_v", "u times 2", _uv(v="u * 2 + 3 * x2**2"), "u is squared"),
    Mistake("u_v", "f returned", _uv(v="(u**2 + 3 * x2**2) ** 3"), "f = v³ instead of v"),
    Mistake("u_v", "order swapped", _uv(ret="v, u"), "return u first"),
    Mistake("u_v", "xor as power", _uv(v="u ^ 2 + 3 * x2 ^ 2"), "xor"),
    Mistake("u_v", "v only", _uv(ret="v"), "should be a list, tuple"),
    Mistake("u_v", "with f", _uv(ret="u, v, v**3"), "return a pair"),
    Mistake("u_v", "dict", _uv(ret='{"u": u, "v": v}'), "not a dictionary"),
    Correct("u_v", "list", _uv(ret="[u, v]")),
    Correct("u_v", "numpy array", code("""
        import numpy as np

        def u_v(x1, x2):
            u = 2 * x1 + x2
            return np.array([u, u**2 + 3 * x2**2])
        """)),
    Correct("u_v", "namedtuple", code("""
        from collections import namedtuple

        Links = namedtuple("Links", "u v")

        def u_v(x1, x2):
            u = 2 * x1 + x2
            return Links(u, u * u + 3 * x2 * x2)
        """)),
    Correct("u_v", "one line with numpy numbers", code("""
        import numpy as np

        def u_v(x1, x2):
            return (np.float64(2 * x1 + x2), np.float64((2 * x1 + x2) ** 2 + 3 * x2 ** 2))
        """)),
    Correct("u_v", "math.pow", code("""
        import math

        def u_v(x1, x2):
            u = 2 * x1 + x2
            return u, math.pow(u, 2) + 3 * math.pow(x2, 2)
        """)),

    # ---- df_dx1(u, v) = 3v² · 2u · 2
    Mistake("df_dx1", "∂u/∂x1 missing", _dx1("3 * v**2 * 2 * u"), "∂u/∂x1 = 2 is missing"),
    Mistake("df_dx1", "∂u/∂x2 used", _dx1("3 * v**2 * 2 * u * 1"), "∂u/∂x1 = 2 is missing"),
    Mistake("df_dx1", "only ∂f/∂v", _dx1("3 * v**2"), "only ∂f/∂v"),
    Mistake("df_dx1", "∂v/∂u missing", _dx1("3 * v**2 * 2"), "∂v/∂u = 2u is missing"),
    Mistake("df_dx1", "3v", _dx1("3 * v * 2 * u * 2"), "not 3v"),
    Mistake("df_dx1", "3 not brought down", _dx1("v**2 * 2 * u * 2"), "brings the 3 of v³ down"),
    Mistake("df_dx1", "f instead of ∂f/∂v", _dx1("v**3 * 2 * u * 2"), "not f = v³"),
    Mistake("df_dx1", "∂f/∂v missing", _dx1("2 * u * 2"), "∂f/∂v = 3v² is missing"),
    Mistake("df_dx1", "links added", _dx1("3 * v**2 + 2 * u + 2"), "you added them"),
    Mistake("df_dx1", "u and v swapped", _dx1("3 * u**2 * 2 * v * 2"), "u and v are swapped"),
    Mistake("df_dx1", "xor as power", _dx1("3 * v^2 * 2 * u * 2"), "xor"),
    Correct("df_dx1", "simplified", _dx1("12 * u * v**2")),
    Correct("df_dx1", "named links", code("""
        def df_dx1(u, v):
            df_dv = 3 * v ** 2
            dv_du = 2 * u
            du_dx1 = 2
            return df_dv * dv_du * du_dx1
        """)),
    Correct("df_dx1", "numpy", code("""
        import numpy as np

        def df_dx1(u, v):
            return np.prod([3 * np.square(v), 2 * u, 2.0])
        """)),
    Correct("df_dx1", "loop over the links", code("""
        def df_dx1(u, v):
            blame = 1.0
            for link in (3 * v * v, 2 * u, 2):
                blame *= link
            return blame
        """)),

    # ---- df_dx2(u, v, x2) = 3v² · (2u · 1 + 6x2)
    Mistake("df_dx2", "path through u missing", _dx2("3 * v**2 * 6 * x2"), "path through u is missing"),
    Mistake("df_dx2", "direct path missing", _dx2("3 * v**2 * 2 * u"), "direct path is missing"),
    Mistake("df_dx2", "∂u/∂x2 = 2", _dx2("3 * v**2 * (2 * u * 2 + 6 * x2)"), "∂u/∂x2 is 1, not 2"),
    Mistake("df_dx2", "∂u/∂x2 = x2", _dx2("3 * v**2 * (2 * u * x2 + 6 * x2)"), "not x2"),
    Mistake("df_dx2", "3x2", _dx2("3 * v**2 * (2 * u + 3 * x2)"), "6x2, not 3x2"),
    Mistake("df_dx2", "term instead of derivative", _dx2("3 * v**2 * (2 * u + 3 * x2**2)"), "not the term 3x2²"),
    Mistake("df_dx2", "∂f/∂v missing", _dx2("2 * u + 6 * x2"), "∂f/∂v = 3v² is missing"),
    Mistake("df_dx2", "paths multiplied", _dx2("3 * v**2 * (2 * u * 6 * x2)"), "do not multiply"),
    Mistake("df_dx2", "3v", _dx2("3 * v * (2 * u + 6 * x2)"), "not 3v"),
    Mistake("df_dx2", "brackets missing", _dx2("3 * v**2 * 2 * u + 6 * x2"), "brackets"),
    Mistake("df_dx2", "∂f/∂x1 again", _dx2("12 * u * v**2"), "that is ∂f/∂x1"),
    Mistake("df_dx2", "xor as power", _dx2("3 * v^2 * (2 * u + 6 * x2)"), "xor"),
    Correct("df_dx2", "expanded", _dx2("6 * u * v**2 + 18 * x2 * v**2")),
    Correct("df_dx2", "named paths", code("""
        def df_dx2(u, v, x2):
            through_u = 2 * u * 1
            direct = 6 * x2
            return 3 * v ** 2 * (through_u + direct)
        """)),
    Correct("df_dx2", "numpy", code("""
        import numpy as np

        def df_dx2(u, v, x2):
            paths = np.array([2 * u * 1, 6 * x2])
            return 3 * np.power(v, 2) * paths.sum()
        """)),
    Correct("df_dx2", "sum over paths", code("""
        def df_dx2(u, v, x2):
            return sum(3 * v * v * path for path in (2 * u, 6 * x2))
        """)),
]
