"""Check a submitted notebook and put it back into the shape of its source before nbgrader sees it.

`load_submission` refuses what cannot be graded (missing, empty, corrupt, wrong name, another
assignment's notebook). `repair` aligns the submission's cells with the source notebook:
cells are matched by nbgrader grade_id, else by content (locked cells) or by position between
matched neighbours (answer cells whose metadata was stripped). The result is in source order,
learner-added cells kept after the cell they followed; graded/locked cells that were deleted are
re-inserted from the gradebook's copy (the released text: never the solution). Edited locked
cells are left to nbgrader's OverwriteCells, which restores them from the gradebook by checksum.
"""

from __future__ import annotations

import copy
import difflib
import json
import os
import re
from dataclasses import dataclass, field

import nbformat
from nbgrader import utils

MATCH_RATIO = 0.9
MIN_MATCHED_FRACTION = 0.5


class Rejected(Exception):
    """The submission cannot be graded; the message says why (it goes into the report)."""


@dataclass
class Repaired:
    nb: nbformat.NotebookNode
    reasons: list[str] = field(default_factory=list)
    learner_cells: list[int] = field(default_factory=list)  # indices (in nb) the learner may have written


def load_submission(folder: str, notebook_id: str) -> nbformat.NotebookNode:
    path = os.path.join(folder, f"{notebook_id}.ipynb")
    if not os.path.exists(path):
        others = sorted(f for f in os.listdir(folder) if f.endswith(".ipynb")) if os.path.isdir(folder) else []
        found = f"found {', '.join(others)}" if others else "no notebook was found"
        raise Rejected(f"wrong or missing file name: expected {notebook_id}.ipynb, {found}")
    with open(path, "rb") as f:
        raw = f.read()
    if not raw.strip():
        raise Rejected(f"{notebook_id}.ipynb is empty (0 cells, {len(raw)} bytes)")
    try:
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise Rejected(f"{notebook_id}.ipynb is not a valid notebook (corrupt JSON): {str(exc)[:200]}") from None
    if not isinstance(nb.get("cells"), list) or not all(isinstance(c, dict) and "cell_type" in c for c in nb.cells):
        raise Rejected(f"{notebook_id}.ipynb is not a valid notebook: its cells are malformed")
    for cell in nb.cells:
        if not isinstance(cell.get("source", ""), str):
            raise Rejected(f"{notebook_id}.ipynb is not a valid notebook: a cell's source is not text")
        cell.setdefault("metadata", nbformat.NotebookNode())
    return nb


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _without_hidden(text: str) -> str:
    """The cell as learners see it (the gradebook keeps locked cells with their hidden tests)."""
    return re.sub(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[^\n]*\n?", "", text, flags=re.S | re.M)


def _grade_id(cell) -> str | None:
    nbg = cell.get("metadata", {}).get("nbgrader")
    return nbg.get("grade_id") if isinstance(nbg, dict) else None


def _similar(a: str, b: str) -> bool:
    a, b = _norm(_without_hidden(a)), _norm(_without_hidden(b))
    return a == b or (len(a) > 20 and difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= MATCH_RATIO)


def _is_fixed(cell) -> bool:
    """A source cell the learner is not meant to change (so its content identifies it)."""
    nbg = cell.metadata.get("nbgrader", {})
    return not nbg.get("solution", False)


def align(source_cells, sub_cells) -> dict[int, int]:
    """Map submission index -> source index."""
    match: dict[int, int] = {}
    used: set[int] = set()
    ids = {_grade_id(c): i for i, c in enumerate(source_cells) if _grade_id(c)}
    for j, cell in enumerate(sub_cells):
        gid = _grade_id(cell)
        if gid in ids and ids[gid] not in used and cell.cell_type == source_cells[ids[gid]].cell_type:
            match[j] = ids[gid]
            used.add(ids[gid])
    for j, cell in enumerate(sub_cells):  # content: cells the learner should not have changed
        if j in match:
            continue
        for i, src in enumerate(source_cells):
            if i not in used and _is_fixed(src) and src.cell_type == cell.cell_type and _similar(src.source, cell.source):
                match[j] = i
                used.add(i)
                break
    by_src = {i: j for j, i in match.items()}
    for i, src in enumerate(source_cells):  # answer cells: the unmatched cell between matched neighbours
        if i in used or _is_fixed(src):
            continue
        before = [k for k in range(i) if k in by_src]
        j = by_src[before[-1]] + 1 if before else 0  # right after the cell that precedes it in the source
        while j < len(sub_cells) and j not in match:
            if sub_cells[j].cell_type == src.cell_type:
                match[j] = i
                used.add(i)
                by_src[i] = j
                break
            j += 1
    return match


def repair(sub, source, released: dict[str, str], notebook_id: str) -> Repaired:
    """Return the submission in source order with nbgrader metadata restored; `released` maps
    grade_id -> the released text of that cell (used when a graded or locked cell was deleted)."""
    src_cells, sub_cells = source.cells, sub.cells
    match = align(src_cells, sub_cells)
    graded = [i for i, c in enumerate(src_cells) if _grade_id(c)]
    matched_graded = sum(1 for i in graded if i in match.values())
    if graded and matched_graded < MIN_MATCHED_FRACTION * len(graded):
        raise Rejected(f"this is not the notebook of {notebook_id}: only {matched_graded} of its {len(graded)} "
                       f"graded and answer cells were found (another assignment's notebook?)")
    locked = [i for i, c in enumerate(src_cells) if c.metadata.get("nbgrader", {}).get("locked")]
    by_src = {i: j for j, i in match.items()}
    confirmed = sum(1 for i in locked if i in by_src
                    and _similar(sub_cells[by_src[i]].source, src_cells[i].source))
    if locked and confirmed < MIN_MATCHED_FRACTION * len(locked):
        raise Rejected(f"this is not the notebook of {notebook_id}: only {confirmed} of its {len(locked)} locked "
                       f"cells have the source's text (another assignment's notebook?)")
    reasons = []
    order = [match[j] for j in sorted(match)]
    if order != sorted(order):
        reasons.append("cells were reordered; put back in the source order")
    stripped = [src_cells[i] for j, i in match.items() if _grade_id(src_cells[i]) and _grade_id(sub_cells[j]) != _grade_id(src_cells[i])]
    if stripped:
        reasons.append(f"nbgrader metadata of {len(stripped)} cell(s) was missing or changed "
                       f"({', '.join(_grade_id(c) for c in stripped)}); restored from the source")

    edited = [_grade_id(src_cells[i]) for j, i in match.items()
              if src_cells[i].metadata.get("nbgrader", {}).get("locked") and _grade_id(src_cells[i]) in released
              and _norm(_without_hidden(sub_cells[j].source)) != _norm(_without_hidden(released[_grade_id(src_cells[i])]))]
    if edited:
        reasons.append(f"locked cell(s) {', '.join(edited)} were edited; nbgrader restores them from the source")
    followers: dict[int | None, list[int]] = {}
    anchor = None
    for j in range(len(sub_cells)):
        if j in match:
            anchor = match[j]
        else:
            followers.setdefault(anchor, []).append(j)
    out, learner = [], []

    def add_learner_cells(key):
        for j in followers.get(key, []):
            cell = copy.deepcopy(sub_cells[j])
            cell.metadata.pop("nbgrader", None)
            learner.append(len(out))
            out.append(cell)

    add_learner_cells(None)
    by_src = {i: j for j, i in match.items()}
    for i, src in enumerate(src_cells):
        if i in by_src:
            cell = copy.deepcopy(sub_cells[by_src[i]])
            if "nbgrader" in src.metadata:
                cell.metadata["nbgrader"] = copy.deepcopy(src.metadata["nbgrader"])
            if src.metadata.get("nbgrader", {}).get("solution"):
                learner.append(len(out))
            out.append(cell)
        else:
            restored = _restore(src, released)
            if restored is not None:
                gid = _grade_id(src)
                if gid:
                    kind = "answer" if src.metadata["nbgrader"].get("solution") else "test" if utils.is_grade(src) else "locked"
                    reasons.append(f"{kind} cell {gid} was deleted; restored from the source")
                out.append(restored)
        add_learner_cells(i)
    nb = copy.deepcopy(source)
    nb.cells = out
    return Repaired(nb, reasons, learner)


def _restore(src, released: dict[str, str]):
    cell = copy.deepcopy(src)
    gid = _grade_id(src)
    if gid:
        if gid not in released:
            return None
        cell.source = released[gid]
    elif "BEGIN SOLUTION" in src.source or "BEGIN HIDDEN TESTS" in src.source:
        return None
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    return cell


def read_notebook(path: str) -> nbformat.NotebookNode:
    with open(path, encoding="utf-8") as f:
        return nbformat.read(f, as_version=4)


def write_notebook(nb, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(nb, indent=1, ensure_ascii=False))
