"""Every table and block of computed numbers in the script, rebuilt by course_lib.

A cell keeps the true, unrounded values in the order the script writes its numbers, and a
text in the script's style. Only the scenario's givens (start points, learning rates) come from
the script; every result is computed. `differences()` compares a table with the script itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from importlib import resources

from course_lib import batch, chain, descent, gradient, network
from course_lib.errors import CourseInputError

# The scenario's givens: what the script chooses, not what it computes.
P1_X0, P1_LR, P1_ROWS = 3.0, 0.1, (0, 1, 2, 3, 4, 10)
P1_STARTS = (-0.5, 0.5)
P2_X0, P2_LR, P2_ROWS = (3.0, 2.0), 0.1, (0, 1, 2, 3, 10)
P5_LR = 0.0001
DEFAULT_ITERATIONS = 100  # the script's "FOR 100 iterations"
FLOAT32_EPS = 1.1920929e-07

# ---------------------------------------------------------------- numbers as the script writes them

_NUMBER = re.compile(
    r"(?<![\w.^²³⁴])"  # not the digit of a name such as x1, w5, Layer2
    r"(?P<sign>(?<![\w)²³⁴])-)?"  # a minus right before a digit and after no operand is a sign
    r"(?P<body>\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\.\d+)?)"
)
# "^" only names an exponent: 0.3^100 keeps its 100.
_EXPONENT = re.compile(r"\^(\d+)")


@dataclass(frozen=True)
class ScriptNumber:
    value: float
    decimals: int
    approx: bool  # written after "≈"
    text: str


def numbers_in(text: str) -> list[ScriptNumber]:
    """The numbers of a cell in reading order (x1, w5, ∂h1 are names, not numbers)."""
    text = text.replace("**", "")
    found = []
    for m in _NUMBER.finditer(_EXPONENT.sub(lambda e: "^ " + e.group(1), text)):
        body = m.group("body")
        decimals = len(body.split(".")[1]) if "." in body else 0
        value = float(body.replace(",", "")) * (-1 if m.group("sign") else 1)
        before = text[: m.start()].rstrip(" (")
        found.append(ScriptNumber(value, decimals, before.endswith("≈"), m.group(0)))
    return found


def matches(number: ScriptNumber, true_value: float) -> bool:
    """A number written with d decimals is right when the true value rounds to it.

    Ties and float noise count as a match (half a unit, inclusive). "≈ 0" claims a negligible
    value: below float32's epsilon, so that adding it to a weight of order 1 changes nothing.
    """
    if number.approx and number.value == 0:
        return abs(true_value) < FLOAT32_EPS
    return abs(true_value - number.value) <= 0.5 * 10.0**-number.decimals * (1 + 1e-9) + 1e-12


# ---------------------------------------------------------------- the registry's types


@dataclass(frozen=True)
class Cell:
    """values: the true numbers in the order the script writes them; None for a claim cell
    (a statement, not a computation, whose text is quoted from the script)."""

    values: tuple[float, ...] | None
    text: str
    bold: bool = False
    claim: str = ""  # why it is not computed


@dataclass(frozen=True)
class Source:
    """Where the script holds the table: the index-th markdown table after a heading of a part,
    or one line per row (a regex per row whose group 1, if any, is the cell)."""

    part: int
    after: str
    kind: str = "table"
    index: int = 0
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScriptTable:
    id: str
    part: int
    title: str
    columns: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    source: Source
    row_labels: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Difference:
    table_id: str
    row: int  # -1 for the header
    column: int
    script_cell: str
    true_cell: str
    script_numbers: tuple[str, ...]
    true_values: tuple[float, ...]


def c(template: str, *values, bold: bool = False) -> Cell:
    """A computed cell: template.format(*values), every number of the text being a placeholder."""
    floats = tuple(float(v) for v in values)
    return Cell(floats, template.format(*floats), bold)


def label(text: str) -> Cell:
    """A cell with no number in it."""
    return Cell((), text)


def claim(reason: str) -> Cell:
    """A statement, not a computation; its text is quoted from the script when the table is built."""
    return Cell(None, "", claim=reason)


ELLIPSIS = label("...")


# ---------------------------------------------------------------- reading the script


@lru_cache(maxsize=1)
def script_text() -> str:
    return (resources.files("course_lib") / "data" / "script.md").read_text(encoding="utf-8")


class ScriptLayoutError(LookupError):
    """The script no longer has a table where the registry expects it."""


def _part_lines(part: int) -> list[str]:
    lines = script_text().splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("## Part ")]
    for k, i in enumerate(starts):
        if lines[i].startswith(f"## Part {part}:"):
            end = starts[k + 1] if k + 1 < len(starts) else len(lines)
            return lines[i:end]
    raise ScriptLayoutError(f"the script has no '## Part {part}:' heading")


def _split_row(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def script_rows(source: Source) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the script's cells for a table's source."""
    lines = _part_lines(source.part)
    after = [i for i, line in enumerate(lines) if source.after in line]
    if len(after) != 1:
        raise ScriptLayoutError(f"Part {source.part}: {len(after)} lines contain {source.after!r}, expected 1")
    region = lines[after[0] :]
    if source.kind == "lines":
        rows = []
        for pattern in source.patterns:
            hits = [m for m in map(re.compile(pattern).search, region) if m]
            if len(hits) != 1:
                raise ScriptLayoutError(f"Part {source.part}: {len(hits)} lines match {pattern!r}, expected 1")
            rows.append([hits[0].group(1) if hits[0].re.groups else hits[0].group(0)])
        return [], rows
    tables, current = [], []
    for line in region + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if len(tables) <= source.index:
        raise ScriptLayoutError(f"Part {source.part}: no table #{source.index} after {source.after!r}")
    table = tables[source.index]
    return _split_row(table[0]), [_split_row(line) for line in table[2:]]


# ---------------------------------------------------------------- Part 1


def _p1_trace() -> ScriptTable:
    trace = descent.gradient_descent_1d(descent.square, descent.square_prime, P1_X0, P1_LR, n_iter=max(P1_ROWS) + 1)
    two = descent.square_prime(1.0)
    columns = (
        label("Iteration"), label("Current x"), label("f(x) = x²"),
        c("Gradient f'(x) = {:.0f}x", two), c("Update: x - {:.1f}×f'(x)", P1_LR), label("New x"),
    )
    rows = []
    for i in P1_ROWS:
        s = trace[i]
        step_decimals = 1 if i == 0 else min(3, 2 + i)  # the script writes 0.6, 0.48, then 3 decimals
        rows.append((
            c("{:.0f}", s.iteration), c("{:.3f}", s.x), c("{:.3f}", s.fx, bold=True), c("{:.3f}", s.grad),
            c("{:.3f} - {:.%df}" % step_decimals, s.x, s.step), c("{:.3f}", s.new_x, bold=True),
        ))
        if i == 4:
            rows.append((ELLIPSIS,) * 6)
    return ScriptTable("p1_trace", 1, f"Gradient descent on f(x) = x², from x₀ = {P1_X0:g} with η = {P1_LR:g}", columns,
                       tuple(rows), Source(1, "#### **Step-by-Step Example**"))


def _p1_slopes() -> ScriptTable:
    xs = (3.0, -2.0, 0.0)
    rows = tuple((c("At x={:.0f}: slope = {:.0f}", x, descent.square_prime(x)),) for x in xs)
    patterns = tuple(rf"^- (At x={x:.0f}: slope = \S+)" for x in xs)
    return ScriptTable("p1_slopes", 1, "Slope of f(x) = x² at three points", (label("Slope"),), rows,
                       Source(1, "#### **The Math Behind It**", "lines", patterns=patterns))


def _p1_graph() -> ScriptTable:
    trace = descent.gradient_descent_1d(descent.square, descent.square_prime, P1_X0, P1_LR, DEFAULT_ITERATIONS)
    end = trace[-1].new_x
    rows = (
        (c("starts at ({:.0f}, {:.0f})", P1_X0, descent.square(P1_X0)),),
        (c("settles at ({:.0f}, {:.0f})", end, descent.square(end)),),
    )
    patterns = (r"(starts at \([^)]*\))", r"(settles at \([^)]*\))")
    return ScriptTable("p1_graph", 1, f"The dot on the parabola: start, and after {DEFAULT_ITERATIONS} steps",
                       (label("Dot"),), rows, Source(1, "**What you'd see on the graph:**", "lines", patterns=patterns))


def valley_points() -> dict[str, descent.CriticalPoint]:
    return {p.kind: p for p in descent.two_valley_critical_points()}


def _p1_two_valley() -> ScriptTable:
    points = valley_points()
    local, best = points["local minimum"], points["global minimum"]
    side = {True: "left", False: "right"}
    ends = [descent.which_valley(x0) for x0 in P1_STARTS]
    depth = {"local minimum": "shallow", "global minimum": "deep"}
    rows = (
        (c(f"a shallow one on the {side[local.x < best.x]} at x≈{{:.0f}}, and a deeper one on the "
           f"{side[best.x < local.x]} at x≈{{:.1f}}", local.x, best.x),),
        (c("Local minimum at x ≈ {:.0f} (shallow valley, f(x) ≈ {:.0f})", local.x, local.fx),),
        (c("Global minimum at x ≈ {:.1f} (deep valley, f(x) ≈ {:.1f})", best.x, best.fx),),
    ) + tuple(
        (c(f"Start at x = {{:.1f}} → ends in the {depth[end.kind]} valley at x ≈ {{:.{0 if x0 < 0 else 1}f}}",
           x0, end.x),)
        for x0, end in zip(P1_STARTS, ends)
    )
    patterns = (
        r"(a shallow one on the .* at x≈\S+, and a deeper one on the .* at x≈[\d.-]+)",
        r"^- \*\*Local minimum\*\* (at x ≈ .*\))",
        r"^- \*\*Global minimum\*\* (at x ≈ .*\))",
        r"^- (Start at x = -.*)$",
        r"^- (Start at x = \d.*)$",
    )
    return ScriptTable("p1_two_valley", 1, "The two valleys of f(x) = x⁴ − 4x² + x + 1", (label("Claim"),), rows,
                       Source(1, "**Example: A Function with a Trap**", "lines", patterns=patterns))


# ---------------------------------------------------------------- Part 2


def _p2_trace() -> ScriptTable:
    trace = gradient.gradient_descent_nd(gradient.bowl, gradient.bowl_gradient, P2_X0, P2_LR,
                                         n_iter=max(P2_ROWS) + 1)
    k1, k2 = gradient.bowl_gradient((1.0, 1.0))
    coef = gradient.bowl((0.0, 1.0))
    columns = (
        label("Iter"), label("x1"), label("x2"), c("f(x1,x2)=x1²+{:.0f}x2²", coef),
        c("∂f/∂x1={:.0f}x1", k1), c("∂f/∂x2={:.0f}x2", k2), label("x1-η×∂f/∂x1"), label("x2-η×∂f/∂x2"),
        label("New (x1,x2)"),
    )
    rows = []
    for i in P2_ROWS:
        s = trace[i]
        f_decimals = 3 if i >= 10 else 2
        step_decimals = (1, 2, 3, 3)[min(i, 3)]
        x2_new_decimals = 3 if i >= 10 else 2
        rows.append((
            c("{:.0f}", s.iteration), c("{:.2f}", s.x[0]), c("{:.2f}", s.x[1]),
            c("{:.%df}" % f_decimals, s.fx, bold=True), c("{:.2f}", s.grad[0]), c("{:.2f}", s.grad[1]),
            c("{:.2f}-{:.%df}" % step_decimals, s.x[0], s.step[0]),
            c("{:.2f}-{:.%df}" % step_decimals, s.x[1], s.step[1]),
            c("({:.2f}, {:.%df})" % x2_new_decimals, s.new_x[0], s.new_x[1], bold=True),
        ))
        if i == 3:
            rows.append((ELLIPSIS,) * 9)
    return ScriptTable("p2_trace", 2, f"Gradient descent on the bowl f(x1,x2), from {P2_X0} with η = {P2_LR:g}",
                       columns, tuple(rows), Source(2, "#### **Step-by-Step Example: 2D Gradient Descent**"))


def _p2_points() -> ScriptTable:
    x1, x2 = P2_X0
    trace = gradient.gradient_descent_nd(gradient.bowl, gradient.bowl_gradient, P2_X0, P2_LR, DEFAULT_ITERATIONS)
    end = trace[-1].new_x
    f_end = gradient.bowl(end)
    rows = (
        (c("The minimum is at ({:.0f},{:.0f}) where f({:.0f},{:.0f}) = {:.0f}", *end, *end, f_end),),
        (c("starts at ({:.0f},{:.0f},{:.0f}) on the bowl surface [since f({:.0f},{:.0f}) = {:.0f}+{:.0f} = {:.0f}]",
           x1, x2, gradient.bowl(P2_X0), x1, x2, gradient.bowl((x1, 0.0)), gradient.bowl((0.0, x2)),
           gradient.bowl(P2_X0)),),
        (c("toward center ({:.0f},{:.0f},{:.0f})", *end, f_end),),
        (c("to the bottom at ({:.0f},{:.0f},{:.0f})", *end, f_end),),
    )
    patterns = (
        r"(The minimum is at \(.*= \d+)", r"(starts at \(.*\])", r"(toward center \([\d,]+\))",
        r"(to the bottom at \([\d,]+\))",
    )
    return ScriptTable("p2_points", 2, f"The bowl's minimum, and the dot's start and end ({DEFAULT_ITERATIONS} steps)",
                       (label("Point"),), rows, Source(2, "#### **What Are Partial Derivatives?**", "lines",
                                                       patterns=patterns))


# ---------------------------------------------------------------- Part 3

# A generic point where no factor vanishes, to read the coefficients of the symbolic derivatives.
_PROBE = (0.7, -0.3)


def _p3_chain() -> ScriptTable:
    p = chain.decompose(*_PROBE)
    du_dx1, k_dv_du = p.du_dx1, p.dv_du / p.u
    k_df_dv = p.df_dv / p.v**2
    k_3x2 = (p.v - p.u**2) / p.x2**2  # the 3 of 3x2²
    k_direct = p.dv_dx2_direct / p.x2
    rows = (
        (c("∂u/∂x1 = {:.0f}", du_dx1),),
        (c("∂v/∂u = {:.0f}u", k_dv_du),),
        (c("∂f/∂v = {:.0f}v² (derivative of v³)", k_df_dv),),
        (c("∂f/∂x1 = {:.0f}v² × {:.0f}u × {:.0f} = {:.0f}uv²", k_df_dv, k_dv_du, du_dx1,
           p.df_dx1 / (p.u * p.v**2)),),
        (c("∂v/∂x2 = ∂v/∂u × ∂u/∂x2 + ∂({:.0f}x2²)/∂x2 = {:.0f}u × {:.0f} + {:.0f}x2 = {:.0f}u + {:.0f}x2",
           k_3x2, k_dv_du, p.du_dx2, k_direct, k_dv_du * p.du_dx2, k_direct),),
        (c("∂f/∂v = {:.0f}v² (same as before)", k_df_dv),),
        (c("∂f/∂x2 = {:.0f}v² × ({:.0f}u + {:.0f}x2)", k_df_dv, k_dv_du * p.du_dx2, k_direct),),
    )
    patterns = (
        r"^- (∂u/∂x1 = \d+)", r"^- (∂v/∂u = \d+u)", r"^- (∂f/∂v = .*of v³\))", r"\*\*(∂f/∂x1 = .*)\*\*",
        r"^- (∂v/∂x2 = .*)$", r"^- (∂f/∂v = .*before\))", r"\*\*(∂f/∂x2 = .*)\*\*",
    )
    return ScriptTable("p3_chain", 3, "Chain rule for f = ((2x1 + x2)² + 3x2²)³", (label("Derivative"),), rows,
                       Source(3, "#### **A Complex Function with Multiple Variables**", "lines", patterns=patterns))


# ---------------------------------------------------------------- Part 4


def _coefficients() -> tuple[float, float]:
    """a, b of the target a·x1² + b·x2, read off the target function itself."""
    return network.target_function(1.0, 0.0), network.target_function(0.0, 1.0)


def _targets(table_id: str, part: int, after: str) -> ScriptTable:
    a, b = _coefficients()
    rows = tuple(
        (c("({:.0f}, {:.0f})", e.x1, e.x2),
         c("{:.0f}({:.0f}²) + {:.0f}({:.0f}) = {:.0f} + {:.0f} = **{:.0f}**", a, e.x1, b, e.x2,
           a * e.x1**2, b * e.x2, e.y_true),
         c("Network should output {:.0f}", e.y_true))
        for e in network.DATASET
    )
    columns = (label("Input (x1,x2)"), label("y_true"), label("What We Want"))
    return ScriptTable(table_id, part, "The training examples of the target function", columns, rows,
                       Source(part, after))


def _p4_results() -> ScriptTable:
    rows = tuple(
        (c("({:.0f}, {:.0f})", f.x1, f.x2), c("{:.0f}", f.y_true), c("{:.0f}", f.y_pred), c("{:.0f}", f.difference))
        for f in network.forward_dataset(network.INITIAL_WEIGHTS)
    )
    columns = (label("Input (x1,x2)"), label("y_true"), label("Network Predicts"), label("Difference"))
    return ScriptTable("p4_results", 4, "The network's predictions with the initial weights", columns, rows,
                       Source(4, "#### **Network Results**"))


def _p4_error() -> ScriptTable:
    fw = network.forward_dataset(network.INITIAL_WEIGHTS)
    d = [f.difference for f in fw]
    small, big = min(fw, key=lambda f: f.error), max(fw, key=lambda f: f.error)
    total = network.total_squared_error(network.INITIAL_WEIGHTS)
    rows = (
        (c("({:.0f}) + ({:.0f}) + ({:.0f}) = {:.0f}", *d, sum(d)),),
        (c("Small mistake: ({:.0f})² = {:.0f}", small.difference, small.error),),
        (c("Big mistake: ({:.0f})² = {:.0f}", big.difference, big.error),),
        (c("Error = ({:.0f})² + ({:.0f})² + ({:.0f})² = {:.0f} + {:.0f} + {:.0f} = **{:.0f}**",
           *d, *(f.error for f in fw), total),),
    )
    patterns = (r"\*\* (\(-.* = -?\d+)\.", r"^- (Small mistake: .*\d)", r"^- (Big mistake: .*\d)", r"^(Error = .*)$")
    return ScriptTable("p4_error", 4, "Summing the differences, and the total squared error", (label("Sum"),), rows,
                       Source(4, "#### **Let's quantify the error!**", "lines", patterns=patterns))


# ---------------------------------------------------------------- Part 5

_FIRST = network.DATASET[0]
_TWO = descent.square_prime(1.0)  # the power rule's 2 in d(a²) = 2a·da


def _p5_forward() -> ScriptTable:
    w, e = network.INITIAL_WEIGHTS, _FIRST
    f = network.forward(w, e.x1, e.x2, e.y_true)
    rows = (
        (c("x1={:.0f}, x2={:.0f}, y_true={:.0f}, prediction={:.0f}", e.x1, e.x2, e.y_true, f.y_pred),),
        (c("h1 = (x1 + w1×x2)² = ({:.0f} + {:.0f}×{:.0f})² = {:.0f}", e.x1, w.w1, e.x2, f.h1),),
        (c("h2 = w2×x1×x2 = {:.0f}×{:.0f}×{:.0f} = {:.0f}", w.w2, e.x1, e.x2, f.h2),),
        (c("y_pred = w3×h1 + w4×h2 + w5 = {:.0f}×{:.0f} + {:.0f}×{:.0f} + {:.0f} = {:.0f}",
           w.w3, f.h1, w.w4, f.h2, w.w5, f.y_pred),),
        (c("y_true = {:.0f}", f.y_true),),
        (c("y_pred = {:.0f}", f.y_pred),),
        (c("Error = (y_true - y_pred)² = ({:.0f} - {:.0f})² = {:.0f}", f.y_true, f.y_pred, f.error),),
        (c("Error = {:.0f}", f.error),),
    )
    patterns = (
        r"(x1=\d.*prediction=\d+)", r"neuron 1: (h1 = .*)$", r"neuron 2: (h2 = .*)$", r"neuron 1: (y_pred = .*)$",
        r"constant: (y_true = \d+)", r"variable: (y_pred = \d+)", r"^\s+(Error = .*)$", r"\((Error = \d+)\)",
    )
    return ScriptTable("p5_forward", 5, "The forward pass on the first example with the initial weights",
                       (label("Step"),), rows, Source(5, "#### **The Network Architecture**", "lines",
                                                      patterns=patterns))


def _blame_text(bp, name: str) -> Cell:
    blame = bp.blames[name]
    values = [v for _, v in blame.factors] + [blame.gradient]
    return c(" × ".join(["{:.0f}"] * len(blame.factors)) + " = {:.0f}", *values)


def _named(prefix: str, bp, name: str) -> Cell:
    cell = _blame_text(bp, name)
    return replace(cell, text=prefix + cell.text)


def _p5_blame() -> ScriptTable:
    w, e = network.INITIAL_WEIGHTS, _FIRST
    bp = network.backprop(w, e)
    f = bp.forward
    rows = (
        (c("{:.0f}×(y_pred - y_true) = {:.0f}×({:.0f} - {:.0f}) = **{:.0f}**", _TWO, _TWO, f.y_pred, f.y_true,
           bp.dE_dy),),
        (c("∂y_pred/∂w5 = ∂/∂w5 [w3×h1 + w4×h2 + w5] = **{:.0f}**", bp.local["∂y_pred/∂w5"]),),
        (_named("∂Error/∂w5 = ", bp, "w5"),),
        (c("We already know ∂Error/∂y_pred = {:.0f}", bp.dE_dy),),
        (c("w3 = **{:.0f}**", bp.local["∂y_pred/∂h1"]),),
        (c("{:.0f}×(x1 + w1×x2)×x2 = {:.0f}×({:.0f} + {:.0f}×{:.0f})×{:.0f} = **{:.0f}**",
           _TWO, _TWO, e.x1, w.w1, e.x2, e.x2, bp.local["∂h1/∂w1"]),),
        (_named("∂Error/∂w1 = ", bp, "w1"),),
    )
    patterns = (
        r"= (2×\(y_pred - y_true\) = .*)$", r"^- (∂y_pred/∂w5 = .*)$", r"Therefore: \*\*(∂Error/∂w5 = .*)\*\*",
        r"(We already know ∂Error/∂y_pred = \d+)", r"^- ∂y_pred/∂h1 = .* = (w3 = .*)$",
        r"^- ∂h1/∂w1 = .*\)²\] = (.*)$", r"Therefore: \*\*(∂Error/∂w1 = .*)\*\*",
    )
    return ScriptTable("p5_blame", 5, "Blame for w5 and w1 on the first example", (label("Step"),), rows,
                       Source(5, "#### **Starting Simple: w5**", "lines", patterns=patterns))


def _path(name: str) -> str:
    return " × ".join(key for key, _ in network.backprop(network.INITIAL_WEIGHTS, _FIRST).blames[name].factors)


def _p5_locals() -> ScriptTable:
    bp = network.backprop(network.INITIAL_WEIGHTS, _FIRST)
    loc = bp.local
    shared = c("∂Error/∂y_pred = {:.0f}", bp.dE_dy)
    rows = (
        (_named(f"∂Error/∂w5 = {_path('w5')} = ", bp, "w5"),),
        (_named(f"∂Error/∂w1 = {_path('w1')} = ", bp, "w1"),),
        (replace(shared, text="**" + shared.text + "** appears in both"),),
        (shared,),
        (shared,),
        (c("∂y_pred/∂w5 = {:.0f}", loc["∂y_pred/∂w5"]),),
        (c("∂y_pred/∂w4 = h2 = {:.0f}", loc["∂y_pred/∂w4"]),),
        (c("∂y_pred/∂w3 = h1 = {:.0f}", loc["∂y_pred/∂w3"]),),
        (c("∂y_pred/∂h1 = w3 = {:.0f}", loc["∂y_pred/∂h1"]),),
        (c("∂y_pred/∂h2 = w4 = {:.0f}", loc["∂y_pred/∂h2"]),),
        (c("∂h1/∂w1 = {:.0f}×(x1 + w1×x2)×x2 = {:.0f}", _TWO, loc["∂h1/∂w1"]),),
        (c("∂h2/∂w2 = x1×x2 = {:.0f}", loc["∂h2/∂w2"]),),
    ) + tuple((_named(f"{name}: ∂Error/∂{name} = {_path(name)} = ", bp, name),) for name in reversed(network.NAMES))
    patterns = (
        r"^(∂Error/∂w5 = .*)$", r"^(∂Error/∂w1 = .*)$", r"Wait! Notice that (.*appears in both)",
        r"Calculate (∂Error/∂y_pred = \d+)", r"^  (∂Error/∂y_pred = \d+)",
        r"^  (∂y_pred/∂w5 = .*?)\s*$", r"^  (∂y_pred/∂w4 = .*?)\s*$", r"^  (∂y_pred/∂w3 = .*?)\s*$",
        r"^  (∂y_pred/∂h1 = .*?)\s*$", r"^  (∂y_pred/∂h2 = .*?)\s*$", r"^  (∂h1/∂w1 = .*?)\s*$",
        r"^  (∂h2/∂w2 = .*?)\s*$",
    ) + tuple(rf"^({name}: .*?)\s*$" for name in reversed(network.NAMES))
    return ScriptTable("p5_locals", 5, "Shared and local derivatives, and every weight's blame on the first example",
                       (label("Derivative"),), rows, Source(5, "#### **The Pattern: Look at the Overlap!**", "lines",
                                                            patterns=patterns))


def _update_rows(old: network.Weights, grad: network.Weights, lr: float, order):
    new = network.update(old, grad, lr)
    rows = []
    for name in order:
        o, g, n = getattr(old, name), getattr(grad, name), getattr(new, name)
        rows.append((
            label(name), c("{:.0f}", o), c("{:.0f}", g), c("{:.0f} - {:.4f}×{:.0f}", o, lr, g),
            c("{:.%df}" % _decimals(n), n, bold=True),
        ))
    return tuple(rows), new


def _decimals(x: float) -> int:
    """The fewest decimals (up to 4) that show x exactly at the 4-decimal grid of an η = 0.0001 update."""
    text = f"{x:.4f}".rstrip("0")
    return max(1, len(text.split(".")[1])) if "." in text else 0


def _p5_update() -> ScriptTable:
    bp = network.backprop(network.INITIAL_WEIGHTS, _FIRST)
    rows, _ = _update_rows(network.INITIAL_WEIGHTS, bp.gradient, P5_LR, reversed(network.NAMES))
    columns = (label("Weight"), label("Old Value"), label("Gradient"), label("Update"), label("New Value"))
    return ScriptTable("p5_update", 5, f"One update with η = {P5_LR:g} on the first example", columns, rows,
                       Source(5, "#### **Gradient Descent Update**"))


def p5_new_weights() -> network.Weights:
    return network.online_step(network.INITIAL_WEIGHTS, _FIRST, P5_LR)


def _p5_after() -> ScriptTable:
    w, e = p5_new_weights(), _FIRST
    f = network.forward(w, e.x1, e.x2, e.y_true)
    inner = e.x1 + w.w1 * e.x2
    rows = (
        (c("w1={:.3f}, w2={:.4f}, w3={:.3f}, w4={:.4f}, w5={:.4f}", *w.as_array()),),
        (c("({:.0f} + {:.3f}×{:.0f})² = ({:.0f} + {:.3f})² = ({:.3f})² = **{:.2f}**",
           e.x1, w.w1, e.x2, e.x1, w.w1 * e.x2, inner, f.h1),),
        (c("{:.4f}×{:.0f}×{:.0f} = **{:.2f}**", w.w2, e.x1, e.x2, f.h2),),
        (c("{:.3f}×{:.2f} + {:.4f}×{:.2f} + ({:.4f})", w.w3, f.h1, w.w4, f.h2, w.w5),),
        (c("y_pred = {:.2f} + {:.2f} - {:.4f} = **{:.2f}**", w.w3 * f.h1, w.w4 * f.h2, -w.w5, f.y_pred),),
    )
    patterns = (
        r"Using our updated weights: (.*)$", r"^- h1 = \(x1 \+ w1×x2\)² = (.*)$", r"^- h2 = w2×x1×x2 = (.*)$",
        r"^- y_pred = w3×h1 \+ w4×h2 \+ w5 = (.*)$", r"^- (y_pred = \d.*)$",
    )
    return ScriptTable("p5_after", 5, "The forward pass on the first example with the updated weights", (label("Step"),), rows,
                       Source(5, "#### **Forward Pass with New Weights**", "lines", patterns=patterns))


def _p5_before_after() -> ScriptTable:
    e = _FIRST
    before = network.forward(network.INITIAL_WEIGHTS, e.x1, e.x2, e.y_true).y_pred
    after = network.forward(p5_new_weights(), e.x1, e.x2, e.y_true).y_pred
    rows = (
        (label("Prediction"), c("{:.0f}", before), c("{:.2f}", after), c("{:.0f}", e.y_true)),
        (label("How far off"), c("{:.0f} units too high", before - e.y_true), c("{:.0f} units too high", after - e.y_true),
         c("Perfect = {:.0f}", 0.0)),
    )
    columns = (label(""), label("Before Learning"), label("After Learning"), label("Target"))
    return ScriptTable("p5_before_after", 5, "The first example before and after one update", columns, rows,
                       Source(5, "#### **Before vs After**"))


def _p5_progress() -> ScriptTable:
    e = _FIRST
    before = network.forward(network.INITIAL_WEIGHTS, e.x1, e.x2, e.y_true).y_pred
    after = network.forward(p5_new_weights(), e.x1, e.x2, e.y_true).y_pred
    rows = ((c("It went from {:.0f} to {:.2f}, getting closer to the target of {:.0f}. The error decreased from "
               "{:.0f} units to about {:.0f} units", before, after, e.y_true, before - e.y_true, after - e.y_true),),)
    return ScriptTable("p5_progress", 5, "What one update achieved", (label("Progress"),), rows,
                       Source(5, "#### **Before vs After**", "lines", patterns=(r"(It went from .* to about \d+ units)",)))


# ---------------------------------------------------------------- Part 6


def _p6_forward() -> ScriptTable:
    w = network.INITIAL_WEIGHTS
    rows = []
    for i, f in enumerate(network.forward_dataset(w), start=1):
        rows.append((
            c("{:.0f}", i), c("({:.0f}, {:.0f})", f.x1, f.x2), c("{:.0f}", f.y_true),
            c("({:.0f}+{:.0f}×{:.0f})² = {:.0f}", f.x1, w.w1, f.x2, f.h1),
            c("{:.0f}×{:.0f}×{:.0f} = {:.0f}", w.w2, f.x1, f.x2, f.h2),
            c("{:.0f}×{:.0f} + {:.0f}×{:.0f} + {:.0f} = **{:.0f}**", w.w3, f.h1, w.w4, f.h2, w.w5, f.y_pred),
            c("({:.0f}-{:.0f})² = **{:.0f}**", f.y_true, f.y_pred, f.error),
        ))
    columns = tuple(label(t) for t in ("Example", "(x1,x2)", "y_true", "h1", "h2", "y_pred", "Error"))
    return ScriptTable("p6_forward", 6, "Forward pass for all three examples", columns, tuple(rows),
                       Source(6, "#### **Step 1: Forward Pass for All Examples**"))


def _p6_gradients() -> ScriptTable:
    g = batch.batch_gradients(network.INITIAL_WEIGHTS)
    rows = []
    for i, bp in enumerate(g.rows, start=1):
        cells = [c("{:.0f}", i)]
        for name in network.NAMES:
            blame = bp.blames[name]
            values = [v for _, v in blame.factors] + [blame.gradient]
            cells.append(c(" × ".join(["{:.0f}"] * len(blame.factors)) + " = **{:.0f}**", *values))
        rows.append(tuple(cells))
    rows.append((label("**TOTAL**"),) + tuple(c("**{:.0f}**", v) for v in g.total.as_array()))
    columns = (label("Example"),) + tuple(label(f"∂Error/∂{n}") for n in network.NAMES)
    return ScriptTable("p6_gradients", 6, "Gradients of every example, and their sum", columns, tuple(rows),
                       Source(6, "#### **Step 2: Calculate Gradients for All Examples**"))


def _p6_dE_dy() -> ScriptTable:
    rows = tuple(
        (c("∂Error/∂y_pred = {:.0f}×({:.0f}-{:.0f}) = {:.0f}", _TWO, bp.forward.y_pred, bp.forward.y_true, bp.dE_dy),)
        for bp in batch.batch_gradients(network.INITIAL_WEIGHTS).rows
    )
    patterns = tuple(rf"^- Example {i}: (∂Error.*?)\s*$" for i in range(1, len(rows) + 1))
    return ScriptTable("p6_dE_dy", 6, "∂Error/∂y_pred of every example", (label("Example"),), rows,
                       Source(6, "#### **Step 2: Calculate Gradients for All Examples**", "lines", patterns=patterns))


def p6_new_weights() -> network.Weights:
    return batch.batch_update(network.INITIAL_WEIGHTS, network.DATASET, P5_LR)


def _p6_update() -> ScriptTable:
    total = batch.batch_gradients(network.INITIAL_WEIGHTS).total
    rows, _ = _update_rows(network.INITIAL_WEIGHTS, total, P5_LR, network.NAMES)
    columns = (label("Weight"), label("Old Value"), label("Total Gradient"), label("Update"), label("New Value"))
    return ScriptTable("p6_update", 6, f"One batch update with the summed gradients, η = {P5_LR:g}", columns, rows,
                       Source(6, "#### **Step 3: Update Weights Using Total Gradients**"))


def _p6_check() -> ScriptTable:
    """The "NEW weights" line and the "Calculations for new predictions" lines."""
    w = p6_new_weights()
    rows = [(c("w1={:.4f}, w2={:.4f}, w3={:.4f}, w4={:.4f}, w5={:.4f}", *w.as_array()),)]
    for f in network.forward_dataset(w):
        rows.append((c("h1=({:.0f}+{:.4f}×{:.0f})²={:.2f}, h2={:.4f}×{:.0f}×{:.0f}={:.2f} → "
                       "y_pred={:.4f}×{:.2f}+{:.4f}×{:.2f}-{:.4f}=**{:.2f}**",
                       f.x1, w.w1, f.x2, f.h1, w.w2, f.x1, f.x2, f.h2, w.w3, f.h1, w.w4, f.h2, -w.w5, f.y_pred),))
    patterns = (r"\*\*Using NEW weights:\*\* (.*)$",) + tuple(
        rf"^- Example {i}: (h1=.*?)\s*$" for i in range(1, len(network.DATASET) + 1))
    return ScriptTable("p6_new_predictions", 6, "The new weights and the new predictions", (label("Calculation"),),
                       tuple(rows), Source(6, "#### **Verification: Before vs After Batch Learning**", "lines",
                                           patterns=patterns))


def _off(d: float) -> str:
    return "too high" if d > 0 else "too low"


def _improvement(better: float, left: float) -> Cell:
    if better <= 0:
        return label("✗ Worse")
    return label("✓ Much closer!") if left < 1 else c("✓ Better by {:.0f} units", better)


def _p6_before_after() -> ScriptTable:
    before = network.forward_dataset(network.INITIAL_WEIGHTS)
    after = network.forward_dataset(p6_new_weights())
    rows = []
    for b, a in zip(before, after):
        d_b, d_a = b.y_pred - b.y_true, a.y_pred - a.y_true
        better = abs(d_b) - abs(d_a)
        rows.append((
            c("({:.0f}, {:.0f})", b.x1, b.x2), c("{:.0f}", b.y_true),
            c(f"{{:.0f}} ({{:.0f}} {_off(d_b)})", b.y_pred, abs(d_b)),
            c(f"**{{:.2f}}** ({{:.{0 if abs(d_a) >= 1 else 1}f}} {_off(d_a)})", a.y_pred, abs(d_a)),
            _improvement(better, abs(d_a)),
        ))
    columns = tuple(label(t) for t in ("Example", "Target", "BEFORE (old weights)", "AFTER (batch weights)",
                                       "Improvement"))
    return ScriptTable("p6_before_after", 6, "All examples before and after one batch update", columns, tuple(rows),
                       Source(6, "#### **Verification: Before vs After Batch Learning**"))


# ---------------------------------------------------------------- Part 7


def _p7_revelation() -> ScriptTable:
    rows = ((c("Our Tiny Network: {:.0f} weights", len(network.NAMES)),),
            (claim("a model size OpenAI has not published"),))
    patterns = (r"^(Our Tiny Network:\s+\d+ weights)", r"^(GPT-4:\s+.*weights)")
    return ScriptTable("p7_revelation", 7, "Our network and GPT-4", (label("Model"),), rows,
                       Source(7, "**THE REVELATION:**", "lines", patterns=patterns))


def _hidden_neurons() -> int:
    return sum(1 for f in fields(network.Forward) if re.fullmatch(r"h\d+", f.name))


def _p7_scale() -> ScriptTable:
    hidden = _hidden_neurons()
    layers = 2 if hidden else 1  # a hidden layer and the output neuron
    rows = (
        (c("{:.0f} layers", layers), claim("the size of real networks, not a computation")),
        (c("{:.0f} hidden neurons", hidden), claim("the size of real networks, not a computation")),
        (c("{:.0f} weights total", len(network.NAMES)), claim("the size of real networks, not a computation")),
    )
    return ScriptTable("p7_scale", 7, "Our network and real networks", (label("Our Network"), label("Real Networks")),
                       rows, Source(7, "#### **1. More Layers and More Neurons**"))


def _p7_activations() -> ScriptTable:
    """The formulas are the definitions mlp implements; tests check mlp against them."""
    formula = "a definition (tests check course_lib.mlp against it)"
    reason = "a qualitative reason"
    rows = tuple((label(f"**{name}**"), claim(formula), claim(formula), claim(reason))
                 for name in ("ReLU", "Sigmoid", "Our x²"))
    columns = tuple(label(t) for t in ("Function", "Formula", "Gradient", "Why Popular"))
    return ScriptTable("p7_activations", 7, "Activation functions and their gradients", columns, rows,
                       Source(7, "#### **2. More Practical Activation Functions**"))


def _p7_vanishing() -> ScriptTable:
    from course_lib import mlp  # Part 7's module: imported here so Parts 1–6 do not need it

    factor, depth = 0.3, 100
    rows = (
        (c("{:.0f}% of the blame (gradient = {:.1f})", 100 * factor, factor),),
        (c("{:.1f}^{:.0f} ≈ {:.0f}", factor, depth, mlp.vanishing_product(factor, depth)),),
        (c("{:.0f}% of the blame (gradient = {:.0f})", 100 * mlp.relu_prime(1.0), mlp.relu_prime(1.0)),),
        (c("x={:.0f} gives gradient={:.0f}", 1000, mlp.square_prime(1000.0)),),
    )
    patterns = (r"passes only (\d+% of the blame \(gradient = [\d.]+\))", r"(\d\.\d\^\d+ ≈ \d+)",
                r"passes (\d+% of the blame \(gradient = \d+\))", r"(x=\d+ gives gradient=\d+)")
    return ScriptTable("p7_vanishing", 7, "Vanishing blame, and the gradient of x²", (label("Claim"),), rows,
                       Source(7, "**Why these choices?**", "lines", patterns=patterns))


def _p7_losses() -> ScriptTable:
    from course_lib import mlp

    probs, label_index = (0.8, 0.2), 0
    loss = mlp.cross_entropy(list(probs), label_index)
    rows = (
        (label("**Regression** (predict numbers)"), label("Mean Squared Error: (y_true - y_pred)²"),
         claim("examples of regression tasks")),
        (label("**Classification** (cat vs dog)"), label("Cross-Entropy Loss: -log(predicted_probability)"),
         c("Network outputs: [{:.1f}, {:.1f}] for [cat, dog], true label: cat → Loss = -log({:.1f}) = {:.2f}",
           *probs, probs[label_index], loss)),
    )
    columns = tuple(label(t) for t in ("Task", "Loss Function", "Example"))
    return ScriptTable("p7_losses", 7, "Loss functions for different jobs", columns, rows,
                       Source(7, "#### **3. Better Loss Functions for Different Jobs**"))


# ---------------------------------------------------------------- the registry


def _with_claims(table: ScriptTable) -> ScriptTable:
    """Fill claim cells with the script's own words (a claim is shown, never computed)."""
    if not any(cell.values is None for row in table.rows for cell in row):
        return table
    _, script = script_rows(table.source)
    rows = tuple(
        tuple(replace(cell, text=script[r][k].replace("**", "")) if cell.values is None else cell
              for k, cell in enumerate(row))
        for r, row in enumerate(table.rows)
    )
    return replace(table, rows=rows)


_BUILDERS = (
    _p1_slopes, _p1_trace, _p1_graph, _p1_two_valley,
    _p2_points, _p2_trace,
    _p3_chain,
    lambda: _targets("p4_targets", 4, "Here are our 3 training examples:"), _p4_results, _p4_error,
    _p5_forward, _p5_blame, _p5_locals, _p5_update, _p5_after, _p5_before_after, _p5_progress,
    lambda: _targets("p6_targets", 6, "Remember our target function:"), _p6_forward, _p6_gradients, _p6_dE_dy,
    _p6_update, _p6_check, _p6_before_after,
    _p7_revelation, _p7_scale, _p7_activations, _p7_vanishing, _p7_losses,
)


def _build() -> dict[str, ScriptTable]:
    tables = {}
    for builder in _BUILDERS:
        table = _with_claims(builder())
        tables[table.id] = table
    return tables


TABLES: dict[str, ScriptTable] = _build()


def get(table_id: str) -> ScriptTable:
    if table_id not in TABLES:
        raise CourseInputError(f"table_id must be one of {sorted(TABLES)}, got {table_id!r}")
    return TABLES[table_id]


def by_part(part: int) -> list[ScriptTable]:
    return [t for t in TABLES.values() if t.part == part]


def compare_cell(script_cell: str, cell: Cell) -> bool:
    """True when every number of the script's cell is the true value at the script's rounding."""
    if cell.values is None:
        return True
    written = numbers_in(script_cell)
    return len(written) == len(cell.values) and all(matches(n, v) for n, v in zip(written, cell.values))


def differences(table_id: str) -> list[Difference]:
    """The cells (header row = -1) where the script's numbers are not the true values."""
    table = get(table_id)
    header, script = script_rows(table.source)
    found = []
    pairs = [(-1, header, table.columns)] if header else []
    pairs += [(r, script[r], row) for r, row in enumerate(table.rows)]
    for r, script_row, row in pairs:
        for k, cell in enumerate(row):
            if not compare_cell(script_row[k], cell):
                found.append(Difference(table_id, r, k, script_row[k], cell.text,
                                        tuple(n.text for n in numbers_in(script_row[k])), cell.values))
    return found


def all_differences() -> list[Difference]:
    return [d for table_id in TABLES for d in differences(table_id)]
