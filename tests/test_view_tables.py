import pytest

from course_lib import descent, gradient
from course_lib.view.tables import errata_box, show_table, trace_table


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
