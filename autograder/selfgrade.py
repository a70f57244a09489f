"""Learners grade their own notebook exactly as the instructor's autograde would.

The notebook is graded in a temporary copy of the course: the assignment is generated
from solutions/ (so hidden tests are in the gradebook), the learner's file is the one
submission, and the same grading engine as `python -m autograder autograde` runs it.
Only scores and the messages of failed checks (the hints) come back, never test code.
"""
from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


from autograder import course_dir

STUDENT = "me"
# Failed checks whose message is the hint itself (course_lib's CheckFailed is an AssertionError).
MESSAGE_ONLY = {"AssertionError", "CheckFailed"}
MANUAL_HINT = "a written answer: your instructor grades it"


@dataclass
class Exercise:
    grade_id: str
    score: float
    max_score: float
    hints: list[str] = field(default_factory=list)
    manual: bool = False


@dataclass
class SelfGradeReport:
    assignment: str
    notebook: str
    score: float
    max_score: float
    status: str
    reasons: list[str]
    exercises: list[Exercise]
    sandboxed: bool = False  # the code ran in the grading sandbox (else unconfined, as the learner)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "SelfGradeReport":
        data = json.loads(text)
        data["exercises"] = [Exercise(**e) for e in data["exercises"]]
        return cls(**data)


def assignment_of(notebook: Path, solutions_dir=course_dir.SOLUTIONS_DIR) -> str:
    """The assignment a notebook belongs to: its file stem, or the id its name starts with
    (a copy named 01_gradient_descent-Copy1.ipynb is still 01_gradient_descent)."""
    known = course_dir.available_assignments(solutions_dir)
    stem = notebook.stem
    for aid in sorted(known, key=len, reverse=True):
        if stem == aid or stem.startswith(aid):
            return aid
    raise course_dir.CourseError(
        f"cannot tell which assignment {notebook.name} is: its name must start with one of "
        f"{', '.join(known) or '(no source notebooks found in ' + str(solutions_dir) + ')'}; "
        "pass the assignment explicitly")


def failure_hints(cell) -> list[str]:
    """What the learner is told about a failed check: the error's message, no traceback."""
    hints = []
    for out in cell.get("outputs", []):
        if out.get("output_type") != "error":
            continue
        ename, evalue = out.get("ename", "Error"), out.get("evalue", "")
        if ename in MESSAGE_ONLY:
            hints.append(evalue or "a check failed (it gave no message)")
        else:
            hints.append(f"{ename}: {evalue}" if evalue else ename)
    return hints


def _graded_cells(nb) -> list:
    return [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")]


def _is_manual(cell) -> bool:
    return bool(cell.metadata.nbgrader.get("solution")) or cell.cell_type != "code"


def selfgrade(notebook, assignment: str | None = None, solutions_dir=course_dir.SOLUTIONS_DIR,
              course_root=course_dir.COURSE_ROOT) -> SelfGradeReport:
    from autograder.engine import Merger, Plan, run_forked
    from autograder.engine_task import open_zygote, sandbox_unavailable_reason
    from autograder.limits import Limits

    notebook = Path(notebook)
    if not notebook.is_file():
        raise course_dir.CourseError(f"notebook {notebook} does not exist")
    aid = assignment or assignment_of(notebook, solutions_dir)
    with tempfile.TemporaryDirectory(prefix="selfgrade-") as tmp:
        course = course_dir.new_course(Path(tmp) / "course", course_root)
        course_dir.sync_source(course, solutions_dir, [aid])
        result = course_dir.nbgrader_api(course).generate_assignment(aid)
        if not result["success"]:
            raise course_dir.CourseError(f"could not generate {aid}: {result.get('error', '')}")
        dest = course / "submitted" / STUDENT / aid / f"{aid}.ipynb"
        dest.parent.mkdir(parents=True)
        dest.write_bytes(notebook.read_bytes())
        limits = Limits()
        plan = Plan(course, [(STUDENT, aid)], 1, limits)
        task = plan.task(STUDENT, aid)
        zygote_dir = Path(tmp) / "zygote"
        zygote_dir.mkdir()
        with open_zygote(str(zygote_dir), limits, sandbox=sandbox_unavailable_reason() is None) as zygote:
            outcome = run_forked(task, zygote.address, sandboxed=zygote.sandboxed)
        with Merger(plan) as merger:
            graded = merger.merge(outcome)
    hints, manual = {}, set()
    autograded = outcome.autograded.get(f"{aid}.ipynb")
    if autograded:
        import nbformat  # here, not at the top: the notebook's button cell must import fast

        for cell in _graded_cells(nbformat.reads(autograded.decode("utf-8"), as_version=4)):
            gid = cell.metadata.nbgrader["grade_id"]
            hints[gid] = [MANUAL_HINT] if _is_manual(cell) else failure_hints(cell)
            if _is_manual(cell):
                manual.add(gid)
    exercises = [Exercise(gid, s, m, hints.get(gid, []) if s < m else [], gid in manual)
                 for gid, (s, m) in graded.per_cell.items()]
    return SelfGradeReport(aid, str(notebook), graded.score, graded.max_score, graded.status,
                           list(graded.reasons), exercises, outcome.sandboxed)


SANDBOXED_NOTE = "Your code ran in the grading sandbox."
UNCONFINED_NOTE = "Your code ran unconfined: this is your own machine (no grading sandbox here)."


def sandbox_note(report: SelfGradeReport) -> str:
    return SANDBOXED_NOTE if report.sandboxed else UNCONFINED_NOTE


def written_points(report: SelfGradeReport) -> float:
    """Points of the written answers: only the instructor can give them."""
    return report.max_score - sum(e.max_score for e in report.exercises if not e.manual)


def _mark(e: Exercise) -> str:
    return "✎" if e.manual else ("✓" if e.score >= e.max_score else "✗")


def _score(e: Exercise) -> str:
    return f"– / {e.max_score:g}" if e.manual else f"{e.score:g} / {e.max_score:g}"


def format_report(report: SelfGradeReport) -> str:
    width = max([len(e.grade_id) for e in report.exercises] + [8])
    lines = [f"Self-grade of {report.notebook} ({report.assignment})", ""]
    for e in report.exercises:
        lines.append(f"  {_mark(e)} {e.grade_id:<{width}}  {_score(e)}")
        lines.extend(f"      hint: {h}" for h in e.hints if not e.manual)
    lines += ["", f"Total: {report.score:g} / {report.max_score:g}"]
    if written_points(report):
        lines.append(f"Written answers ({written_points(report):g} points) are graded by your instructor.")
    lines.extend(f"Note: {r}" for r in report.reasons)
    lines.append(sandbox_note(report))
    return "\n".join(lines)


def report_html(report: SelfGradeReport) -> str:
    esc = html.escape
    rows = []
    for e in report.exercises:
        hints = "<br>".join(esc(h) for h in (["graded by your instructor"] if e.manual else e.hints))
        rows.append(f"<tr><td>{_mark(e)}</td><td>{esc(e.grade_id)}</td>"
                    f"<td>{_score(e)}</td><td>{hints}</td></tr>")
    written = (f"<p>Written answers ({written_points(report):g} points) are graded by your instructor.</p>"
               if written_points(report) else "")
    notes = "".join(f"<p><b>Note:</b> {esc(r)}</p>" for r in report.reasons)
    notes += f"<p>{esc(sandbox_note(report))}</p>"
    return ("<table><thead><tr><th></th><th>Exercise</th><th>Score</th><th>Hint</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<p><b>Total: {report.score:g} / {report.max_score:g}</b></p>{written}{notes}")


def default_notebook(assignment_id: str, cwd=None, environ=os.environ) -> Path:
    """The notebook the button sits in: Jupyter tells its kernel the file (JPY_SESSION_NAME), so a
    learner working in a copy gets the copy graded; else notebooks/<id>.ipynb seen from the kernel."""
    cwd = Path(cwd or os.getcwd())
    session = environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb") and (cwd / session).is_file():
        return cwd / session  # an absolute session path stays absolute
    for candidate in (cwd / f"{assignment_id}.ipynb", cwd / "notebooks" / f"{assignment_id}.ipynb"):
        if candidate.is_file():
            return candidate
    return cwd / f"{assignment_id}.ipynb"


def run_in_subprocess(notebook: Path, assignment_id: str) -> SelfGradeReport:
    """Grade in a fresh process, so the learner's kernel state can't change the result; the
    report comes back as a JSON file the process writes (data, not its last line of output)."""
    with tempfile.TemporaryDirectory(prefix="selfgrade-report-") as tmp:
        report_file = Path(tmp) / "report.json"
        proc = subprocess.run(
            [sys.executable, "-m", "autograder", "selfgrade", str(notebook),
             "--assignment", assignment_id, "--report-file", str(report_file)],
            capture_output=True, text=True, timeout=900)
        if not report_file.is_file():
            raise course_dir.CourseError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip()
                                         else f"self-grade exited with code {proc.returncode}")
        return SelfGradeReport.from_json(report_file.read_text())


def selfgrade_button(assignment_id: str, notebook=None):
    """A "Grade my notebook" button and the report it shows.

    Grading runs on a thread of its own, so the kernel stays free and every click is answered:
    while a grade runs the button says so (disabled, "Grading…"), and a click that arrives
    meanwhile grades the saved notebook once more when it ends. The report is an HTML widget
    set in one piece: clearing and refilling an Output widget from a widget callback raced the
    front end's capture of the clear message, and every second report came back empty.
    """
    import threading

    import ipywidgets as widgets

    button = widgets.Button(description="Grade my notebook", icon="check",
                            button_style="primary", layout=widgets.Layout(width="auto"))
    note = widgets.HTML("Save first (Ctrl+S / ⌘S): the grader reads the saved file, "
                        "not what is on screen.")
    report = widgets.HTML()
    lock, idle = threading.Lock(), threading.Event()
    idle.set()
    runs = {"count": 0, "running": False, "again": False}

    def grade_saved(number: int) -> str:
        path = Path(notebook) if notebook else default_notebook(assignment_id)
        clock = time.strftime("%H:%M:%S")
        try:
            if not path.is_file():
                raise course_dir.CourseError(f"{path} not found: save the notebook, or pass its path")
            saved = time.strftime("%H:%M:%S", time.localtime(path.stat().st_mtime))
            report.value = (f"<p><b>Grading…</b> self-grade {number}, started {clock}, of "
                            f"{html.escape(path.name)} as saved at {saved}.</p>")
            result = run_in_subprocess(path, assignment_id)
            return (f"<p>Self-grade {number}, finished {time.strftime('%H:%M:%S')}: "
                    f"{html.escape(path.name)} as saved at {saved}.</p>{report_html(result)}")
        except Exception as exc:  # the learner sees why grading failed instead of a silent button
            return f"<p><b>Self-grade failed</b> (self-grade {number}, {clock}): {html.escape(str(exc))}</p>"

    def work() -> None:
        while True:
            with lock:
                runs["count"] += 1
                number, runs["again"] = runs["count"], False
            content = grade_saved(number)
            with lock:
                report.value = content
                if not runs["again"]:
                    runs["running"] = False
                    button.disabled, button.description = False, "Grade my notebook"
                    idle.set()
                    return

    def on_click(_):
        with lock:
            if runs["running"]:  # clicked before the front end showed the button disabled
                runs["again"] = True
                return
            runs["running"] = True
            idle.clear()
            button.disabled, button.description = True, "Grading…"
        threading.Thread(target=work, name="selfgrade", daemon=True).start()

    button.on_click(on_click)
    box = widgets.VBox([widgets.HBox([button, note]), report])
    box.button, box.report = button, report
    box.wait_idle = idle.wait  # (timeout) → True once no grade is running: for scripts and tests
    return box
