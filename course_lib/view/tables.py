"""HTML tables for traces and script tables, and the errata box (no plotting, no printing)."""
from __future__ import annotations

import dataclasses
import html
import numbers
import re

import numpy as np

from course_lib import errata, script_tables

_TABLE_CSS = ("border-collapse:collapse;font-size:13px;font-family:system-ui,sans-serif;"
              "margin:4px 0")
_CELL_CSS = "border:1px solid #bbb;padding:2px 8px;text-align:right"
_HEAD_CSS = _CELL_CSS + ";background:#f0f0f0;text-align:center"


def format_number(value, decimals: int = 3) -> str:
    """Fixed decimals as the script writes them; vectors as (a, b); ints and text unchanged."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.{decimals}f}"
    if isinstance(value, (np.ndarray, list, tuple)):
        return "(" + ", ".join(format_number(v, decimals) for v in np.asarray(value).ravel().tolist()) + ")"
    return str(value)


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _cell_html(text: str, markup: bool) -> str:
    escaped = html.escape(text)
    return _BOLD.sub(r"<b>\1</b>", escaped) if markup else escaped


class HTMLTable:
    """Displayable in a notebook (`_repr_html_`); `.headers` and `.rows` keep the strings shown.

    markup=True renders the script's `**bold**` as bold (`.rows` then hold the text without the
    asterisks); note is a line of small print under the table.
    """

    def __init__(self, headers, rows, caption: str | None = None, markup: bool = False, note: str = ""):
        self._raw_headers = [str(h) for h in headers]
        self._raw_rows = [[str(c) for c in row] for row in rows]
        self.markup, self.note = markup, note
        plain = (lambda text: text.replace("**", "")) if markup else (lambda text: text)
        self.headers = [plain(h) for h in self._raw_headers]
        self.rows = [[plain(c) for c in row] for row in self._raw_rows]
        self.caption = caption
        for number, row in enumerate(self.rows):
            if len(row) != len(self.headers):
                raise ValueError(f"rows[{number}] has {len(row)} cells but there are "
                                 f"{len(self.headers)} headers")

    @property
    def html(self) -> str:
        head = "".join(f'<th style="{_HEAD_CSS}">{_cell_html(h, self.markup)}</th>' for h in self._raw_headers)
        body = "".join(
            "<tr>" + "".join(f'<td style="{_CELL_CSS}">{_cell_html(c, self.markup)}</td>' for c in row) + "</tr>"
            for row in self._raw_rows)
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        note = (f'<div style="font-size:11px;color:#555;font-family:system-ui,sans-serif">{html.escape(self.note)}'
                "</div>") if self.note else ""
        return (f'<table style="{_TABLE_CSS}">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
                + note)

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"HTMLTable({len(self.rows)} rows × {len(self.headers)} columns)"


def show_table(headers, rows, caption: str | None = None) -> HTMLTable:
    """A generic table: headers and rows of already formatted cells (anything is str()-ed)."""
    if isinstance(headers, str) or not hasattr(headers, "__iter__"):
        raise ValueError(f"headers must be a sequence of column titles, got {headers!r}")
    if isinstance(rows, str) or not hasattr(rows, "__iter__"):
        raise ValueError(f"rows must be a sequence of rows (each a sequence of cells), got {rows!r}")
    rows = list(rows)
    for number, row in enumerate(rows):
        if isinstance(row, str) or not hasattr(row, "__iter__"):
            raise ValueError(f"rows[{number}] must be a sequence of cells, got {row!r}")
    return HTMLTable(list(headers), rows, caption)


def trace_table(trace, columns=None, decimals: int = 3, caption: str | None = None,
                headers=None) -> HTMLTable:
    """One row per step of a descent trace (Step1D / StepND or any dataclass rows).

    columns: field names to show, in order (default: every field of the row class);
    headers: the titles shown for them (default: the field names).
    """
    trace = list(trace)
    if not trace:
        raise ValueError("trace must contain at least one step, got an empty trace")
    if not dataclasses.is_dataclass(trace[0]):
        raise ValueError(f"trace must hold dataclass steps (Step1D, StepND), got {type(trace[0]).__name__}")
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or decimals < 0:
        raise ValueError(f"decimals must be an integer >= 0, got {decimals!r}")
    fields = [f.name for f in dataclasses.fields(trace[0])]
    columns = fields if columns is None else list(columns)
    unknown = [c for c in columns if c not in fields]
    if unknown:
        raise ValueError(f"columns must be fields of {type(trace[0]).__name__} {fields}, got {unknown}")
    if headers is not None and len(list(headers)) != len(columns):
        raise ValueError(f"headers must name the {len(columns)} columns {columns}, got {list(headers)}")
    rows = [[format_number(getattr(step, c), decimals) for c in columns] for step in trace]
    return HTMLTable(columns if headers is None else list(headers), rows, caption)


def _field(entry, *names):
    for name in names:
        value = entry.get(name) if isinstance(entry, dict) else getattr(entry, name, None)
        if value is not None:
            return value
    return None


class ErrataBox:
    def __init__(self, title: str, script: str, true: str, why: str):
        self.title, self.script, self.true, self.why = title, script, true, why

    @property
    def html(self) -> str:
        e = html.escape
        return (
            '<div style="border-left:5px solid #D55E00;background:#FFF4E5;padding:6px 10px;'
            'margin:6px 0;font-family:system-ui,sans-serif;font-size:13px">'
            f"<b>Erratum — {e(self.title)}</b><br>"
            f"The script says: <code>{e(self.script)}</code><br>"
            f"The true value: <code>{e(self.true)}</code><br>"
            f"<span>{e(self.why)}</span></div>")

    def _repr_html_(self) -> str:
        return self.html


def errata_box(entry) -> ErrataBox:
    """Render an erratum (a course_lib.errata entry, its id such as "P2-3", or a dict): the script's value,
    the true one, why."""
    if isinstance(entry, str):
        entry = erratum(entry)
    script = _field(entry, "script_value", "script_says", "script", "says")
    true = _field(entry, "true_value", "computed", "true", "value")
    if script is None or true is None:
        raise ValueError(f"entry must carry the script's value and the true value, got {entry!r}")
    part = _field(entry, "part")
    if isinstance(part, numbers.Integral):
        part = f"Part {part}"
    title = " · ".join(str(p) for p in (part, _field(entry, "where")) if p is not None)
    why = _field(entry, "why", "explanation", "found_by", "how_found", "test") or ""
    return ErrataBox(title or "script", str(script), str(true), str(why))


# ---------------------------------------------------------------- the script's tables with their errata

CLAIM_MARK = "†"
_shown_under: dict[str, str] = {}  # erratum id → the table it was first shown under (in this kernel)


def erratum(erratum_id: str):
    """The course_lib.errata entry with this id (e.g. "P2-3")."""
    for entry in errata.ERRATA:
        if entry.id == erratum_id:
            return entry
    raise ValueError(f"erratum_id must be one of {[e.id for e in errata.ERRATA]}, got {erratum_id!r}")


class ScriptTableView:
    """A script table rebuilt by course_lib with the errata boxes that belong under it."""

    def __init__(self, table: HTMLTable, boxes: list[ErrataBox], erratum_ids: list[str]):
        self.table, self.boxes, self.erratum_ids = table, boxes, erratum_ids

    @property
    def html(self) -> str:
        return self.table.html + "".join(box.html for box in self.boxes)

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"ScriptTableView({self.table!r}, errata {self.erratum_ids})"


def script_table(table_id: str, also=()) -> ScriptTableView:
    """The script's table `table_id` (script_tables.get) as course_lib computes it, then one errata box
    per erratum of errata.for_table(table_id) and per id in `also` (errata about the table that name
    no cell of it, such as a wrong claim next to it).

    Each erratum is boxed under one table only: the first that shows it in this kernel, so a
    notebook lists it once, and showing that table again (re-running its cell) shows it again.
    Claim cells (quoted from the script, not computed) carry a † and a note saying so.
    """
    if isinstance(also, str):
        raise ValueError(f"also must be a sequence of erratum ids such as ('P1-3',), got {also!r}")
    table = script_tables.get(table_id)
    claims = []

    def text(cell):
        if cell.values is None:
            claims.append(cell.claim)
            return f"{cell.text} {CLAIM_MARK}"
        return cell.text

    rows = [[text(cell) for cell in row] for row in table.rows]
    note = (f"{CLAIM_MARK} quoted from the script, not computed: " + "; ".join(dict.fromkeys(claims))) if claims else ""
    shown = HTMLTable([c.text for c in table.columns], rows, caption=table.title, markup=True, note=note)
    boxes, ids = [], []
    for entry in [*errata.for_table(table_id), *(erratum(i) for i in also)]:
        if entry.id not in ids and _shown_under.setdefault(entry.id, table_id) == table_id:
            ids.append(entry.id)
            boxes.append(errata_box(entry))
    return ScriptTableView(shown, boxes, ids)
