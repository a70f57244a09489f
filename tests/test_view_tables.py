import html

import pytest

from course_lib import descent, errata, gradient, script_tables
from course_lib.view import tables
from course_lib.view.tables import errata_box, erratum, script_table, show_table, trace_table


def test_trace_table_rounds_like_the_script_part1():
    trace = descent.gradient_descent_1d(descent.square, descent.square_prime, 3.0, 0.1, n_iter=5)
    table = trace_table(trace, ["iteration", "x", "fx", "grad", "new_x"])
    assert table.headers == ["iteration", "x", "fx", "grad", "new_x"]
    assert table.rows[0] == ["0", "3.000", "9.000", "6.000", "2.400"]
    assert table.rows[2] == ["2", "1.920", "3.686", "3.840", "1.536"]
    assert "<td" in table._repr_html_() and table.html.count("<tr>") == 6


def test_trace_table_vectors_and_headers():
    trace = gradient.gradient_descent_nd(gradient.bowl, gradient.bowl_gradient, [3, 2], 0.1, n_iter=2)
    table = trace_table(trace, ["x", "new_x"], decimals=2, headers=["(x1, x2)", "new"])
    assert table.rows[0] == ["(3.00, 2.00)", "(2.40, 1.20)"]
    assert table.headers == ["(x1, x2)", "new"]


def test_trace_table_rejects_bad_input():
    trace = descent.gradient_descent_1d(descent.square, descent.square_prime, 3.0, 0.1, n_iter=2)
    with pytest.raises(ValueError, match="columns"):
        trace_table(trace, ["nope"])
    with pytest.raises(ValueError, match="trace"):
        trace_table([])
    with pytest.raises(ValueError, match="decimals"):
        trace_table(trace, decimals=-1)
    with pytest.raises(ValueError, match="headers"):
        trace_table(trace, ["x"], headers=["a", "b"])


def test_show_table_is_generic_and_escapes():
    table = show_table(["a", "b<"], [["1", "<x>"], [2, 3.5]])
    assert table.rows == [["1", "<x>"], ["2", "3.5"]]
    assert "&lt;x&gt;" in table.html and "b&lt;" in table.html
    with pytest.raises(ValueError, match=r"rows\[0\] has 1 cells"):
        show_table(["a", "b"], [["1"]])
    with pytest.raises(ValueError, match="headers"):
        show_table("ab", [])


def test_errata_box_shows_script_true_and_why():
    box = errata_box({"part": "Part 1", "where": "two valleys", "script_value": "global minimum at x ≈ 1.5",
                      "true_value": "global minimum at x = -1.473", "why": "f(-1.473) < f(1.347)"})
    assert "Part 1 · two valleys" in box.html and "x = -1.473" in box.html
    assert "f(-1.473) &lt; f(1.347)" in box._repr_html_()
    with pytest.raises(ValueError, match="script's value"):
        errata_box({"part": "Part 1"})


@pytest.fixture
def fresh_kernel(monkeypatch):
    """script_table remembers under which table each erratum was shown; start each test afresh."""
    monkeypatch.setattr(tables, "_shown_under", {})


def test_script_table_shows_the_computed_table_and_its_errata_with_their_why(fresh_kernel):
    view = script_table("p6_gradients")
    table = script_tables.get("p6_gradients")
    assert view.table.headers == [c.text for c in table.columns]
    assert view.table.rows == [[c.text.replace("**", "") for c in row] for row in table.rows]
    assert view.table.caption == table.title
    assert view.erratum_ids == [e.id for e in errata.for_table("p6_gradients")] and len(view.erratum_ids) >= 2
    for entry in errata.for_table("p6_gradients"):
        assert html.escape(entry.explanation) in view.html
        assert html.escape(entry.script_says) in view.html and html.escape(entry.true_value) in view.html
    assert "<b>" in view.html and "**" not in view.html, "the script's bold is rendered, not shown as asterisks"
    assert f"Part {table.part}" in view.html


def test_script_table_without_errata_shows_no_box(fresh_kernel):
    view = script_table("p4_results")
    assert errata.for_table("p4_results") == [] and view.boxes == [] and "Erratum" not in view.html


def test_each_erratum_is_boxed_under_one_table_and_again_when_that_table_is_reshown(fresh_kernel):
    shared = [e.id for e in errata.ERRATA if len(e.table_ids) > 1]
    assert shared, "the registry has errata spanning two tables"
    entry = erratum(shared[0])
    first, second = entry.table_ids[:2]
    assert entry.id in script_table(first).erratum_ids
    assert entry.id not in script_table(second).erratum_ids
    assert entry.id in script_table(first).erratum_ids


def test_script_table_also_boxes_errata_that_name_no_cell(fresh_kernel):
    view = script_table("p1_two_valley", also=("P1-3",))
    assert view.erratum_ids[-1] == "P1-3" and html.escape(erratum("P1-3").explanation) in view.html
    assert view.erratum_ids.count("P1-3") == 1
    with pytest.raises(ValueError, match="erratum_id must be one of"):
        script_table("p1_two_valley", also=("P9-9",))
    with pytest.raises(ValueError, match="also must be a sequence"):
        script_table("p1_two_valley", also="P1-3")
    with pytest.raises(ValueError, match="table_id must be one of"):
        script_table("no_such_table")


def test_claim_cells_are_marked_as_quoted_not_computed(fresh_kernel):
    view = script_table("p7_scale")
    claimed = [cell for row in view.table.rows for cell in row if cell.endswith(tables.CLAIM_MARK)]
    assert len(claimed) == 3 and "quoted from the script, not computed" in view.html
    assert not any(c.endswith(tables.CLAIM_MARK) for c in view.table.rows[0][:1])


def test_errata_box_takes_an_erratum_id():
    entry = erratum("P2-3")
    box = errata_box("P2-3")
    assert box.html == errata_box(entry).html
    assert html.escape(entry.explanation) in box.html and "Part 2 · " in box.html
    with pytest.raises(ValueError, match="erratum_id must be one of"):
        errata_box("P2-99")
