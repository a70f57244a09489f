"""Feedback for learners that shows neither solutions nor hidden tests.

nbgrader's GenerateFeedback renders the autograded notebook, whose check cells were
restored from the gradebook *with* their hidden tests. `HideHiddenTests` (configured in
nbgrader_config.py, so formgrader's "generate feedback" button uses it too) removes the
hidden regions, cuts the error outputs of those cells to "Error: message" (a traceback
quotes the failing line; the message is the hint) and blanks any hidden-test line that
reaches an output some other way (a submission that prints the calling frame's source).
"""
from __future__ import annotations

from pathlib import Path

from nbgrader.preprocessors import ClearHiddenTests

from autograder import course_dir
from autograder.course_dir import CourseError

REDACTED = "[hidden test]"
MIN_REDACT_CHARS = 4  # shorter lines (")", "pass") give nothing away and are everywhere


class HideHiddenTests(ClearHiddenTests):
    def _hidden_lines(self, source: str) -> list[str]:
        lines, inside = [], False
        for line in source.split("\n"):
            if self.begin_test_delimeter in line:
                inside = True
            elif self.end_test_delimeter in line:
                inside = False
            elif inside and len(line.strip()) >= MIN_REDACT_CHARS:
                lines.append(line.strip())
        return lines

    @staticmethod
    def _is_test_cell(cell) -> bool:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        return bool(meta.get("grade")) and not meta.get("solution")

    def preprocess_cell(self, cell, resources, index):
        # Only test cells come from the source; a learner's cell is left as they wrote it
        # (an unmatched marker typed there would otherwise abort the whole feedback).
        if not self._is_test_cell(cell):
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def preprocess(self, nb, resources):
        hidden = []
        for cell in nb.cells:
            found = self._hidden_lines(cell.source) if self._is_test_cell(cell) else []
            hidden += found
            if found and cell.cell_type == "code":
                for out in cell.get("outputs", []):
                    if out.output_type == "error":
                        out.traceback = [f"{out.ename}: {out.evalue}" if out.evalue else out.ename]
        nb, resources = super().preprocess(nb, resources)
        hidden.sort(key=len, reverse=True)  # a line containing another is blanked whole
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                _redact(out, hidden)
        return nb, resources


def _redact(node, hidden):
    """Blank every hidden line inside the strings of an output (in place)."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        if isinstance(value, str):
            for line in hidden:
                if line in value:
                    value = value.replace(line, REDACTED)
            node[key] = value
        elif isinstance(value, (dict, list)):
            _redact(value, hidden)


def generate_feedback(course_root, assignment: str | None = None,
                      student: str | None = None) -> list[Path]:
    """feedback/<student>/<assignment>/<notebook>.html for every autograded submission."""
    root = course_dir.require_course(course_root)
    autograded = root / "autograded"
    tasks = sorted({(p.parent.name, p.name) for p in autograded.glob("*/*") if p.is_dir()})
    tasks = [(s, a) for s, a in tasks
             if (assignment is None or a == assignment) and (student is None or s == student)]
    api = course_dir.nbgrader_api(root)
    written = []
    for aid in sorted({a for _, a in tasks}):
        for sid in sorted(s for s, a in tasks if a == aid):
            result = api.generate_feedback(aid, sid)
            if not result["success"]:
                raise CourseError(f"feedback for {sid}/{aid} failed:\n"
                                  f"{result.get('log', '')}{result.get('error', '')}".strip())
            written += sorted((root / "feedback" / sid / aid).glob("*.html"))
    return written
