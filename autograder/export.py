"""Grades as CSV, one row per student × assignment, saying what still needs a human.

Scores come from the gradebook (so manual grades and extra credit count); the
review column joins the gradebook's ungraded manual cells with the reasons the
grading engine wrote to reports/<student>/<assignment>.json.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from nbgrader.api import MissingEntry

from autograder import course_dir

COLUMNS = ("student_id", "last_name", "first_name", "assignment", "status", "score",
           "max_score", "needs_review", "review_reasons")


def read_report(course_root: Path, student: str, assignment: str) -> dict | None:
    path = course_root / "reports" / student / f"{assignment}.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {"status": "failed", "reasons": [f"grading report {path.name} unreadable: {exc}"]}


def _submission_row(submission, report: dict | None) -> tuple[str, list[str]]:
    # nbgrader flags a manual score again after a re-autograde (the answer may have changed).
    reasons = [(f"manual grade to confirm after re-autograde: {g.notebook.name}/{g.name}"
                if g.manual_score is not None else f"manual grading: {g.notebook.name}/{g.name}")
               for nb in submission.notebooks for g in nb.grades if g.needs_manual_grade]
    status = "graded"
    if report is not None:
        status = report.get("status", status)
        reasons += [r for r in report.get("reasons", []) if r not in reasons]
        if status == "failed" and not report.get("reasons"):
            reasons.append("autograde failed")
    return status, reasons


def _unsubmitted_row(row: dict, root: Path, max_score) -> dict:
    """No graded submission in the gradebook: missing, not graded yet, or grading failed."""
    sid, aid = row["student_id"], row["assignment"]
    report = read_report(root, sid, aid)
    submitted = (root / "submitted" / sid / aid).is_dir()
    if report is not None:
        status, reasons = report.get("status", "failed"), report.get("reasons") or ["autograde failed"]
    elif submitted:
        status, reasons = "not graded", ["submitted but not autograded yet"]
    else:
        status, reasons = "missing", []
    row.update(status=status, score=0.0, max_score=max_score,
               needs_review="yes" if reasons else "", review_reasons="; ".join(reasons))
    return row


def collect_rows(course_root) -> list[dict]:
    root = course_dir.require_course(course_root)
    rows = []
    with course_dir.nbgrader_api(root).gradebook as gb:
        assignments = sorted(a.name for a in gb.assignments)
        for student in sorted(gb.students, key=lambda s: s.id):
            for aid in assignments:
                row = {"student_id": student.id, "last_name": student.last_name or "",
                       "first_name": student.first_name or "", "assignment": aid}
                try:
                    sub = gb.find_submission(aid, student.id)
                except MissingEntry:
                    rows.append(_unsubmitted_row(row, root, gb.find_assignment(aid).max_score))
                    continue
                status, reasons = _submission_row(sub, read_report(root, student.id, aid))
                row.update(status=status, score=round(sub.score, 6), max_score=sub.max_score,
                           needs_review="yes" if reasons else "", review_reasons="; ".join(reasons))
                rows.append(row)
        seen = {(r["student_id"], r["assignment"]) for r in rows}
        for sid, aid in course_dir.submissions(root):
            if (sid, aid) not in seen:
                row = {"student_id": sid, "last_name": "", "first_name": "", "assignment": aid}
                rows.append(_unsubmitted_row(row, root, ""))
    return rows


def export_csv(course_root, output: Path) -> list[dict]:
    rows = collect_rows(course_root)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return rows
