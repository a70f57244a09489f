"""The errata list: generated file fresh, quotes exact, refutations recomputed, lookups."""

import re
from pathlib import Path

import pytest

from course_lib import errata
from course_lib import script_tables as st
from course_lib.errors import CourseInputError

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = st.script_text()


def test_errata_md_is_fresh():
    assert (ROOT / "ERRATA.md").read_text(encoding="utf-8") == errata.render_markdown(), (
        "ERRATA.md is stale: run .venv/bin/python -m course_lib.errata")


def test_every_quote_is_in_the_script():
    for e in errata.ERRATA:
        for quote in e.script_says.split(" · "):
            assert quote in SCRIPT.replace("**", ""), (e.id, quote)


def test_factual_errata_are_true():
    factual = [e for e in errata.ERRATA if not e.cells]
    assert {e.id for e in factual} == {"P1-3", "P2-3", "P3-1", "P6-5", "P6-6", "P7-1"}
    for e in factual:
        if e.id != "P7-1":  # a sourcing fact, not a computation
            assert e.check is not None and e.check(), e.id


def test_every_erratum_is_complete_and_named_once():
    ids = [e.id for e in errata.ERRATA]
    assert len(ids) == len(set(ids))
    tests = {path.name: path.read_text(encoding="utf-8") for path in (ROOT / "tests").glob("test_*.py")}
    for e in errata.ERRATA:
        assert e.where and e.script_says and e.true_value and e.explanation, e.id
        assert e.true_value != e.script_says, e.id
        file, name = e.found_by.split("::")
        assert re.search(rf"^def {name}\(", tests[Path(file).name], re.M), e.found_by


def test_lookups():
    assert [e.id for e in errata.for_table("p6_gradients")] == ["P6-1", "P6-2", "P6-3"]
    assert errata.for_table("p1_trace") == []
    assert {e.part for e in errata.by_part(6)} == {6}
    assert sum(len(errata.by_part(n)) for n in range(1, 8)) == len(errata.ERRATA)
    with pytest.raises(CourseInputError, match="table_id"):
        errata.for_table("nope")
    with pytest.raises(CourseInputError, match="n must be a part number"):
        errata.by_part(9)
