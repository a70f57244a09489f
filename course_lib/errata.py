"""Every error of the script: where, what it says (quoted), the true value and why.

Arithmetic errata name the registry cells they account for; tests check that the cells which
differ from the script are exactly those. Factual errata carry a `check` that recomputes the
refutation. `python -m course_lib.errata` writes ERRATA.md.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from course_lib import batch, chain, descent, gradient, network
from course_lib import script_tables as st
from course_lib.errors import CourseInputError

TEST_TABLES = "tests/test_script_tables.py::test_every_mismatch_is_an_erratum"


@dataclass(frozen=True)
class Erratum:
    id: str
    part: int
    where: str
    script_says: str
    true_value: str
    explanation: str
    found_by: str
    cells: tuple[tuple[str, int, int], ...] = ()  # (table_id, row, column) of the registry
    check: Callable[[], bool] | None = None  # recomputes that the script is wrong (factual errata)

    @property
    def table_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for t, _, _ in self.cells))


def _cells(table_id: str, spots) -> tuple[tuple[str, int, int], ...]:
    return tuple((table_id, r, k) for r, k in spots)


def _texts(cells, of_script: bool) -> str:
    out = []
    for table_id, r, k in cells:
        header, rows = st.script_rows(st.get(table_id).source)
        out.append(rows[r][k].replace("**", "") if of_script else st.get(table_id).rows[r][k].text.replace("**", ""))
    return " · ".join(out)


def _arith(id_, part, where, cells, explanation) -> Erratum:
    return Erratum(id_, part, where, _texts(cells, True), _texts(cells, False), explanation, TEST_TABLES, cells)


def _said(table_id: str, row: int, column: int, index: int) -> str:
    """The index-th number the script wrote in a cell, as written."""
    _, rows = st.script_rows(st.get(table_id).source)
    return st.numbers_in(rows[row][column])[index].text


def _g(x: float, d: int = 2) -> str:
    return f"{x:.{d}f}"


# ---------------------------------------------------------------- Part 1


def _part1() -> list[Erratum]:
    pts = st.valley_points()
    local, best = pts["local minimum"], pts["global minimum"]
    lo, hi = st.P1_STARTS
    end_lo, end_hi = descent.which_valley(lo), descent.which_valley(hi)
    return [
        _arith("P1-1", 1, "two-valley function: the scene and the two minima",
               _cells("p1_two_valley", [(0, 0), (1, 0), (2, 0)]),
               f"f'(x) = 4x³ − 8x + 1 = 0 has minima at x = {_g(best.x)} (f = {_g(best.fx)}) and "
               f"x = {_g(local.x)} (f = {_g(local.fx)}). The LEFT valley is the deep, global one; the right one is "
               f"the shallow, local one. The script swaps them and its f values fit neither."),
        _arith("P1-2", 1, "two-valley function: where descent from each start ends",
               _cells("p1_two_valley", [(4, 0)]),
               f"Descent (η = 0.01) from x = {lo:g} ends at x = {_g(end_lo.x)} ({end_lo.kind}, f = {_g(end_lo.fx)}); "
               f"from x = {hi:g} it ends at x = {_g(end_hi.x)} ({end_hi.kind}, f = {_g(end_hi.fx)}). The story "
               f"is the other way round: {lo:g} finds the deep valley, {hi:g} is trapped in the shallow one."),
        Erratum("P1-3", 1, "two-valley function: start −0.5",
                "Start at x = -0.5 → Gradient descent gets trapped in the shallow valley at x ≈ -1",
                f"ends in the {end_lo.kind} at x ≈ {_g(end_lo.x)} (f = {_g(end_lo.fx)})",
                f"x ≈ -1 is within the script's rounding of {_g(end_lo.x)}, but that valley is the deep, global "
                f"one (f = {_g(end_lo.fx)} < {_g(local.fx)}), not a trap.",
                "tests/test_errata.py::test_factual_errata_are_true", check=lambda: end_lo.kind == "global minimum"),
    ]


# ---------------------------------------------------------------- Part 2


def _bowl_trace(n: int):
    return gradient.gradient_descent_nd(gradient.bowl, gradient.bowl_gradient, st.P2_X0, st.P2_LR, n_iter=n)


def _never_spirals() -> bool:
    """Each coordinate keeps its sign and shrinks by a constant factor: a straight-in path, no turning."""
    xs = [s.x for s in _bowl_trace(st.DEFAULT_ITERATIONS)]
    return all(0 < b[i] < a[i] for a, b in zip(xs, xs[1:]) for i in range(2))


def _part2() -> list[Erratum]:
    t = _bowl_trace(11)
    s3 = t[3]
    k1, k2 = 1 - st.P2_LR * gradient.bowl_gradient((1.0, 0.0))[0], 1 - st.P2_LR * gradient.bowl_gradient((0.0, 1.0))[1]
    return [
        _arith("P2-1", 2, "2-D descent table, iteration 3", _cells("p2_trace", [(3, k) for k in range(3, 8)]),
               f"Iteration 3 starts at ({s3.x[0]:.4g}, {s3.x[1]:.4g}), not at the rounded "
               f"({_said('p2_trace', 3, 1, 0)}, {_said('p2_trace', 3, 2, 0)}): "
               f"f = {s3.fx:.6g}, ∂f/∂x1 = {s3.grad[0]:.4g}, ∂f/∂x2 = {s3.grad[1]:.4g}, steps {s3.step[0]:.5g} and "
               f"{s3.step[1]:.5g}. The script computed from rounded values."),
        _arith("P2-2", 2, "2-D descent table, iteration 10", _cells("p2_trace", [(5, k) for k in range(1, 9)]),
               f"Iteration 10 starts at ({t[10].x[0]:.4f}, {t[10].x[1]:.4f}) with f = {t[10].fx:.4f}; the "
               f"script's row is near iteration 9 (x1 = {t[9].x[0]:.4f}, f = {t[9].fx:.4f}) and its x2 and "
               f"gradients fit neither."),
        Erratum("P2-3", 2, "What you'd see on the graph", "Dot spirals down to the bottom at (0,0,0)",
                f"a straight-in path: x1 shrinks by ×{k1:g} and x2 by ×{k2:g} each step",
                f"With η = {st.P2_LR:g} the update is x1 ← {k1:g}·x1, x2 ← {k2:g}·x2: both coordinates stay "
                f"positive and shrink monotonically, so the dot slides in (curving, as x2 dies faster) without "
                f"ever circling the minimum.",
                "tests/test_errata.py::test_factual_errata_are_true", check=_never_spirals),
    ]


# ---------------------------------------------------------------- Part 3


def _part3() -> list[Erratum]:
    p = chain.decompose(*st._PROBE)
    wrong, right = p.du_dx1 * p.du_dx2, p.dv_du * p.du_dx2
    return [Erratum(
        "P3-1", 3, "∂v/∂x2, first factor", "∂v/∂x2 = ∂u/∂x1 × ∂u/∂x2 + ∂(3x2²)/∂x2",
        "∂v/∂x2 = ∂v/∂u × ∂u/∂x2 + ∂(3x2²)/∂x2",
        f"The path through u is ∂v/∂u × ∂u/∂x2 = 2u × 1. ∂u/∂x1 × ∂u/∂x2 is 2 × 1 = 2 everywhere; at "
        f"(x1, x2) = {st._PROBE} it gives {wrong:g} where the path is worth {right:g}. The script's next "
        f"expression, 2u × 1 + 6x2, is right.",
        "tests/test_errata.py::test_factual_errata_are_true", check=lambda: abs(wrong - right) > 1e-9)]


# ---------------------------------------------------------------- Part 5


def _part5() -> list[Erratum]:
    w = st.p5_new_weights()
    f = network.forward(w, st._FIRST.x1, st._FIRST.x2, st._FIRST.y_true)
    return [_arith("P5-1", 5, "forward pass with the new weights, Layer 2", _cells("p5_after", [(4, 0)]),
                   f"w4 × h2 = {w.w4:g} × {f.h2:.6g} = {w.w4 * f.h2:.5f}, which rounds to {w.w4 * f.h2:.2f}; the "
                   f"script multiplied the rounded h2. The prediction {f.y_pred:.5f} still rounds to {f.y_pred:.2f}.")]


# ---------------------------------------------------------------- Part 6


def _script_weights_line() -> network.Weights:
    """The script's own "NEW weights", read from its text (to test its arithmetic on its own terms)."""
    _, rows = st.script_rows(st.get("p6_new_predictions").source)
    return network.Weights(*(n.value for n in st.numbers_in(rows[0][0])))


def _script_h1_wrong() -> bool:
    own = network.forward_dataset(_script_weights_line())
    _, rows = st.script_rows(st.get("p6_new_predictions").source)
    h1_written = [st.numbers_in(r[0])[3] for r in rows[1:]]
    return any(not st.matches(n, fw.h1) for n, fw in zip(h1_written, own))


def _part6() -> list[Erratum]:
    w0 = network.INITIAL_WEIGHTS
    g = batch.batch_gradients(w0)
    e2, e3 = network.DATASET[1], network.DATASET[2]
    b2, b3 = g.rows[1], g.rows[2]
    new = st.p6_new_weights()
    own = network.forward_dataset(_script_weights_line())
    sw = _script_weights_line()
    mb = (32, 512)
    n = 1_000_000
    return [
        _arith("P6-1", 6, "gradient table, example 2, ∂Error/∂w1", _cells("p6_gradients", [(1, 1)]),
               f"∂h1/∂w1 = 2(x1 + w1·x2)·x2 = 2·({e2.x1:g} + {w0.w1:g}·{e2.x2:g})·{e2.x2:g} = {b2.local['∂h1/∂w1']:g} "
               f"for example ({e2.x1:g}, {e2.x2:g}); the script wrote {_said('p6_gradients', 1, 1, 2)}. "
               f"So ∂Error/∂w1 = {b2.dE_dy:g} × {w0.w3:g} × "
               f"{b2.local['∂h1/∂w1']:g} = {b2.gradient.w1:g}."),
        _arith("P6-2", 6, "gradient table, example 3, ∂Error/∂w2", _cells("p6_gradients", [(2, 2)]),
               f"∂h2/∂w2 = x1·x2 = {e3.x1:g}·{e3.x2:g} = {b3.local['∂h2/∂w2']:g} for example ({e3.x1:g}, {e3.x2:g}); "
               f"the script wrote {_said('p6_gradients', 2, 2, 2)}. So ∂Error/∂w2 = {b3.dE_dy:g} × {w0.w4:g} × "
               f"{b3.local['∂h2/∂w2']:g} = {b3.gradient.w2:g}."),
        _arith("P6-3", 6, "total gradients and the batch update of w1, w2",
               _cells("p6_gradients", [(3, 1), (3, 2)])
               + _cells("p6_update", [(r, k) for r in (0, 1) for k in (2, 3, 4)]),
               f"With the two corrected gradients the sums are ∂/∂w1 = {g.total.w1:g} and ∂/∂w2 = {g.total.w2:g}, so "
               f"w1 = {w0.w1:g} − {st.P5_LR:g}×{g.total.w1:g} = {new.w1:.4f} and w2 = {w0.w2:g} − {st.P5_LR:g}×{g.total.w2:g} = "
               f"{new.w2:.4f}. w3, w4, w5 are right."),
        _arith("P6-4", 6, "new weights, the calculations for new predictions, and Before vs After",
               _cells("p6_new_predictions", [(r, 0) for r in range(4)])
               + _cells("p6_before_after", [(0, 3), (0, 4), (1, 3), (1, 4), (2, 3)]),
               "Every prediction after the batch update follows from the corrected w1, w2: "
               + "; ".join(f"({fw.x1:g}, {fw.x2:g}) → {fw.y_pred:.2f} (target {fw.y_true:g})"
                           for fw in network.forward_dataset(new))
               + ". The conclusion (all three improve) still holds."),
        Erratum("P6-5", 6, "Calculations for new predictions, h1 with the script's own weights",
                "h1=(3+0.9076×2)²=24.52",
                "with the script's own w1: " + ", ".join(f"h1 = {fw.h1:.2f}" for fw in own),
                f"Even taking the script's w1 = {sw.w1:g}, (3 + {sw.w1:g}×2)² = {own[0].h1:.4f} and "
                f"({own[1].x1:g} + {sw.w1:g}×{own[1].x2:g})² = {own[1].h1:.4f}, not {_said('p6_new_predictions', 1, 0, 3)} and "
                f"{_said('p6_new_predictions', 2, 0, 3)}; ({own[2].x1:g} + {sw.w1:g}×{own[2].x2:g})² = {own[2].h1:.4f}, not "
                f"{_said('p6_new_predictions', 3, 0, 3)}.",
                "tests/test_errata.py::test_factual_errata_are_true", check=_script_h1_wrong),
        Erratum("P6-6", 6, "Full batch learning, memory",
                "For 1M training examples: need 1M times more memory than mini-batch!",
                f"{n // mb[1]:,}–{n // mb[0]:,} times (1M/B for a mini-batch of B = {mb[0]}–{mb[1]})",
                f"Activation memory grows with the number of examples processed together. A full batch of "
                f"{n:,} needs {n:,}/B times a mini-batch of B examples: {n / mb[0]:,.0f}× for B = {mb[0]}, "
                f"{n / mb[1]:,.0f}× for B = {mb[1]}. \"1M times\" compares with a batch of one.",
                "tests/test_errata.py::test_factual_errata_are_true", check=lambda: all(n / b != n for b in mb)),
    ]


# ---------------------------------------------------------------- Part 7


def _part7() -> list[Erratum]:
    return [Erratum(
        "P7-1", 7, "THE REVELATION, GPT-4's size", "GPT-4:           1,760,000,000,000 weights",
        "unknown: OpenAI has not published GPT-4's parameter count",
        "1.76 trillion is a rumoured estimate (press reports, 2023), never confirmed by OpenAI; the GPT-4 "
        "technical report withholds the model's size. It should be presented as an unconfirmed estimate.",
        "tests/test_errata.py::test_every_quote_is_in_the_script")]


def _build() -> list[Erratum]:
    return _part1() + _part2() + _part3() + _part5() + _part6() + _part7()


ERRATA: list[Erratum] = _build()


def by_part(n: int) -> list[Erratum]:
    if n not in range(1, 8):
        raise CourseInputError(f"n must be a part number 1–7, got {n!r}")
    return [e for e in ERRATA if e.part == n]


def for_table(table_id: str) -> list[Erratum]:
    """The errata to show next to a table of script_tables (an unknown id is an error)."""
    st.get(table_id)
    return [e for e in ERRATA if table_id in e.table_ids]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown() -> str:
    lines = ["# Errata of the video script", "",
             "Generated by `python -m course_lib.errata` from `course_lib/errata.py`: every true value is computed "
             "by course_lib. Do not edit by hand.", ""]
    for part in range(1, 8):
        entries = by_part(part)
        if not entries:
            continue
        lines += [f"## Part {part}", "", "| Id | Where | The script says | True value | Why | Found by |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {e.id} | {_md(e.where)} | {_md(e.script_says)} | {_md(e.true_value)} | {_md(e.explanation)} "
                  f"| `{e.found_by}` |" for e in entries]
        lines.append("")
    return "\n".join(lines)


ERRATA_PATH = Path(__file__).resolve().parent.parent / "ERRATA.md"


def main(argv=None) -> int:
    ERRATA_PATH.write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {ERRATA_PATH} ({len(ERRATA)} errata)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
