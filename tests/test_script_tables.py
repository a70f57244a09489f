"""The script's tables against course_lib, cell by cell, at the script's own rounding."""

import re

import pytest

from course_lib import errata
from course_lib import script_tables as st
from course_lib.errors import CourseInputError

SCRIPT = st.script_text()
LINES = SCRIPT.splitlines()

# Lines with numbers that hold no computation, and why. Anything else with a number must be a row.
NOT_COMPUTED = {
    r"^#": "a heading or title",
    r"^\s*\d\. |Approach \d": "list numbering",
    r"FOR \d+ iterations": "pseudo-code (the default iteration count of course_lib's loops)",
    r"Layer \d|neuron \d|\d+ (inputs|neurons?|weights to learn)|\d training examples": "describes the architecture",
    r"Part \d|Parts \d": "a cross-reference",
    r"\*\*Initial weights:\*\*|Using our \*\*original\*\* weights": "the scenario's givens (network.INITIAL_WEIGHTS)",
    r"starting at x₀ = |starting at \(x1₀,x2₀\) = |learning rate η = ": "the scenario's givens",
    r"f\(x\) = x⁴ - 4x² \+ x \+ 1|f\(x1,x2\) = |x1² \+ 2x2²|Let [uv] = |2x1 \+ x2\)|∂f/∂x[12] = [24]x|"
    r"\(2x1 \+ x2\)|f'\(x\) = 2x\*\*$|∂f/∂x[12] = 12uv²|∂f/∂x2 = 3v²\(": "the definition of a function (the spec course_lib implements)",
    r"f\(x,y\) = \(x \+ 2y\)²": "an illustration of a neuron, never computed",
    r"number 5\)|20 layers away|\+17 and": "a hypothetical in the prose",
    r"only trained on one example: \(x1=3": "restates the first example (network.DATASET[0])",
    r"1M training examples": "factual erratum P6-6",
    r"converge toward 0 simultaneously": "restates the bowl's minimum, a row of p2_points",
    r"batch size = |\d+-\d+ examples per batch": "practice ranges of batch sizes, not computations",
    r"x=0 \(sharp corner|\"30% chance": "prose about activation functions",
    r"1 hour|thick fog": "prose",
}


def _line_rows():
    """(table, pattern) for every row located by a line pattern."""
    for t in st.TABLES.values():
        for p in t.source.patterns:
            yield t, re.compile(p)


def test_numbers_are_read_as_the_script_writes_them():
    got = [(n.value, n.decimals, n.approx) for n in st.numbers_in("x1 + w1×x2 = (3 + -0.0026)² ≈ -1.50, 10-100+")]
    assert got == [(3.0, 0, False), (-0.0026, 4, False), (-1.5, 2, True), (10.0, 0, False), (100.0, 0, False)]
    assert [n.value for n in st.numbers_in("3.000 - 0.6, 1,760,000,000,000, (2.40, 1.20), 0.3^100, ∂h1/∂w1")] == [
        3.0, 0.6, 1.76e12, 2.4, 1.2, 0.3, 100.0]
    assert [n.value for n in st.numbers_in("y=0.8×24.52-0.0068 (-13)² 2x1²")] == [0.8, 24.52, 0.0068, -13.0, 2.0]


def test_a_number_matches_only_its_rounding():
    (n,) = st.numbers_in("2.74")
    assert st.matches(n, 2.735) and st.matches(n, 2.744)
    assert not st.matches(n, 2.732544) and not st.matches(n, 2.7451)
    (zero,) = st.numbers_in("≈ 0")
    assert st.matches(zero, 0.3**100) and not st.matches(zero, 1e-3)


def _part_of(index: int) -> int:
    heads = [int(m.group(1)) for line in LINES[: index + 1] if (m := re.match(r"## Part (\d):", line))]
    return heads[-1] if heads else 0


def test_every_markdown_table_of_the_script_is_registered():
    norm = lambda cells: "|".join(c.strip() for c in cells)
    starts = [i for i, line in enumerate(LINES) if line.startswith("|") and not LINES[i - 1].startswith("|")]
    cells = lambda line: line.strip().strip("|").split("|")
    in_script = {(_part_of(i), norm(cells(LINES[i])), norm(cells(LINES[i + 2]))) for i in starts}
    tables = [t for t in st.TABLES.values() if t.source.kind == "table"]
    registered = {(t.part, norm(st.script_rows(t.source)[0]), norm(st.script_rows(t.source)[1][0])) for t in tables}
    assert len(in_script) == len(starts) and len(registered) == len(tables), "two tables share a place"
    # Only the Part 5 side-by-side comparisons stay out: words, names and section references, no numbers.
    left_out = in_script - registered
    assert {part for part, _, _ in left_out} == {5} and len(left_out) == 2
    for _, header, _ in left_out:
        assert "Part" in header
    assert registered <= in_script


def test_every_line_with_a_number_is_a_row_or_explained():
    located = [p for _, p in _line_rows()]
    ignore = [re.compile(p) for p in NOT_COMPUTED]
    unexplained = [
        line for line in LINES
        if not line.startswith("|") and st.numbers_in(line)
        and not any(p.search(line) for p in located) and not any(p.search(line) for p in ignore)
    ]
    assert unexplained == []


def test_every_row_and_cell_is_compared():
    rows = cells = 0
    for t in st.TABLES.values():
        header, script = st.script_rows(t.source)
        assert len(script) == len(t.rows), t.id
        if header:
            assert len(header) == len(t.columns), t.id
        for script_row, row in zip(script, t.rows):
            assert len(script_row) == len(row), (t.id, script_row)
            rows += 1
            cells += len(row)
    assert len(st.TABLES) == 29
    assert rows == sum(len(t.rows) for t in st.TABLES.values()) == 128
    assert cells > rows


def test_computed_cells_show_their_own_values():
    for t in st.TABLES.values():
        for row in (t.columns,) + t.rows:
            for cell in row:
                if cell.values is None:
                    assert cell.claim and cell.text, t.id
                    continue
                written = st.numbers_in(cell.text)
                assert len(written) == len(cell.values), (t.id, cell.text)
                assert all(st.matches(n, v) for n, v in zip(written, cell.values)), (t.id, cell.text)


def test_every_mismatch_is_an_erratum():
    differing = {(d.table_id, d.row, d.column) for d in st.all_differences()}
    listed = {cell for e in errata.ERRATA for cell in e.cells}
    assert differing - listed == set(), "errors of the script missing from the errata"
    assert listed - differing == set(), "errata that are not mismatches"


def test_a_wrong_value_is_caught():
    cell = st.get("p6_gradients").rows[1][1]
    assert not st.compare_cell("38 × 1 × 10 = **380**", cell)
    assert st.compare_cell(cell.text, cell)
    assert not st.compare_cell("38 × 1 × 40", cell), "a missing number is a mismatch"


def test_claims_are_only_statements():
    claims = {(t.id, cell.text) for t in st.TABLES.values() for row in t.rows for cell in row if cell.values is None}
    assert {tid for tid, _ in claims} == {"p7_revelation", "p7_scale", "p7_activations", "p7_losses"}


def test_unknown_table_is_a_clear_error():
    with pytest.raises(CourseInputError, match="table_id must be one of"):
        st.get("p9_nothing")


def test_activation_table_formulas_are_what_mlp_computes():
    """p7_activations quotes the script's formulas; course_lib.mlp must compute exactly them."""
    import math

    from course_lib import mlp

    header, rows = st.script_rows(st.get("p7_activations").source)
    formulas = {r[0].replace("**", ""): (r[1], r[2]) for r in rows}
    assert formulas == {"ReLU": ("max(0, x)", "1 if x>0, else 0*"),
                        "Sigmoid": ("1/(1+e^(-x))", "sigmoid(x)×(1-sigmoid(x))"), "Our x²": ("x²", "2x")}
    for x in (-3.0, -0.5, 0.0, 0.25, 2.0):
        s = 1 / (1 + math.exp(-x))
        assert float(mlp.relu(x)) == max(0.0, x) and float(mlp.relu_prime(x)) == (1.0 if x > 0 else 0.0)
        assert float(mlp.sigmoid(x)) == pytest.approx(s, abs=1e-15)
        assert float(mlp.sigmoid_prime(x)) == pytest.approx(s * (1 - s), abs=1e-15)
        assert float(mlp.ACTIVATIONS["square"][0](x)) == x * x and float(mlp.ACTIVATIONS["square"][1](x)) == 2 * x
