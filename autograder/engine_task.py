"""Grading one submission is one task: everything it needs goes in, everything the instructor needs comes out.

`GradingTask` holds the data only (no path into the instructor's course): the course's nbgrader
configuration text, the assignment's source files, the cells as released, a minimal gradebook
holding that one assignment and no student (`minimal_gradebook`), the submission's files and the
`Limits`. `run_task` builds a private nbgrader course from it in a temporary directory, repairs
and scans the notebook, runs nbgrader's Autograde in this process with `SandboxedExecute` in
place of Execute (the course configuration's VerifyChecks stays in the pipeline) and kernels from
the zygote at `zygote_address`, and returns a `TaskResult`: scores, comments, the autograded
files, reasons, the scan's findings and whether the code ran sandboxed. Both are plain data,
picklable and JSON-able, so the one-machine engine (engine.py), self-grade (selfgrade.py) and the
cluster (cluster.py) call the same function in a process of their choice.

Per-job state is configuration (traits) of that one Autograde run, never a class attribute.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import sqlite3
import tempfile
from dataclasses import asdict, dataclass, field

from .limits import Limits

CONFIG_NAME = "nbgrader_config.py"
# reported elsewhere (engine_execute) or simply "not answered yet" (the released stub raises it)
QUIET_ERRORS = ("CellTimeoutError", "KernelDied", "NotebookTimeLimit", "NotImplementedError")


def _b64(files: dict[str, bytes]) -> dict[str, str]:
    return {k: base64.b64encode(v).decode("ascii") for k, v in files.items()}


def _unb64(files: dict[str, str]) -> dict[str, bytes]:
    return {k: base64.b64decode(v) for k, v in files.items()}


@dataclass
class GradingTask:
    student: str
    assignment: str
    course_id: str
    config_text: str  # the course's nbgrader_config.py ("" when the course has none)
    source_files: dict[str, bytes]  # source/<assignment>/ as {relpath: bytes}
    released: dict[str, str]  # grade cell name -> source as released (repair re-inserts these)
    gradebook: bytes  # sqlite file: this assignment only, no student (minimal_gradebook)
    files: dict[str, bytes]  # submitted/<student>/<assignment>/ as {relpath: bytes}
    limits: Limits = field(default_factory=Limits)
    key: str = ""  # a name unique per (student, assignment, run): the cluster's task key

    def to_json(self) -> str:
        data = asdict(self)
        data.update(source_files=_b64(self.source_files), files=_b64(self.files),
                    gradebook=base64.b64encode(self.gradebook).decode("ascii"), limits=self.limits.to_dict())
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> "GradingTask":
        data = json.loads(text)
        data.update(source_files=_unb64(data["source_files"]), files=_unb64(data["files"]),
                    gradebook=base64.b64decode(data["gradebook"]), limits=Limits.from_dict(data["limits"]))
        return cls(**data)


@dataclass
class TaskResult:
    student: str
    assignment: str
    status: str  # "graded" | "rejected" (cannot be graded: scores 0) | "failed" (grading broke: nothing merged)
    reasons: list[str] = field(default_factory=list)
    grades: list[dict] = field(default_factory=list)  # [{"id", "auto", "max"}]
    comments: dict[str, str | None] = field(default_factory=dict)
    timestamp: str | None = None
    autograded: dict[str, bytes] = field(default_factory=dict)  # autograded/<student>/<assignment>/ files
    findings: list[dict] = field(default_factory=list)  # the static scan's report (scan.Finding as dicts)
    needs_review: bool = False  # the scan flagged a cell: a person should look (scores are not changed)
    sandboxed: bool = False  # the learner's code ran in the grading sandbox

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "autograded": _b64(self.autograded)})

    @classmethod
    def from_json(cls, text: str) -> "TaskResult":
        data = json.loads(text)
        data["autograded"] = _unb64(data["autograded"])
        return cls(**data)


# ---- built by the parent (the instructor's side) --------------------------------------------

def minimal_gradebook(db_path: str, assignment: str, course_id: str = "") -> bytes:
    """gradebook.db reduced to `assignment` with no student at all: what a worker may see.

    A consistent copy (sqlite's backup API) from which every student (with their submissions,
    grades and comments) and every other assignment are removed through nbgrader's Gradebook API,
    then VACUUMed so that no deleted row survives in a free page of the file."""
    from nbgrader.api import Gradebook

    with tempfile.TemporaryDirectory(prefix="gradebook-") as tmp:
        copy = os.path.join(tmp, "gradebook.db")
        src, dst = sqlite3.connect(db_path), sqlite3.connect(copy)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        with Gradebook(f"sqlite:///{copy}", course_id) as gb:
            for student in list(gb.students):
                gb.remove_student(student.id)
            for other in [a.name for a in gb.assignments if a.name != assignment]:
                gb.remove_assignment(other)
            if assignment not in {a.name for a in gb.assignments}:
                raise ValueError(f"assignment {assignment} is not in the gradebook (run generate_assignment)")
        con = sqlite3.connect(copy)
        con.execute("VACUUM")
        con.close()
        with open(copy, "rb") as f:
            return f.read()


def released_cells(db_path: str, assignment: str, course_id: str = "") -> dict[str, str]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db_path}", course_id) as gb:
        notebook = gb.find_notebook(assignment, assignment)
        return {cell.name: cell.source for cell in notebook.source_cells}


def read_tree(folder: str) -> dict[str, bytes]:
    """Every regular file below folder as {relpath: bytes}; symlinks are not followed."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
        for name in filenames:
            path = os.path.join(dirpath, name)
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as f:
                    files[os.path.relpath(path, folder)] = f.read()
    return files


def write_tree(folder: str, files: dict[str, bytes]) -> None:
    """Write {relpath: bytes} below folder; a path that would leave the folder is refused."""
    base = os.path.realpath(folder)
    os.makedirs(base, exist_ok=True)
    for rel, data in files.items():
        path = os.path.realpath(os.path.join(base, rel))
        if os.path.isabs(rel) or not path.startswith(base + os.sep):
            raise ValueError(f"file path leaves its folder: {rel!r}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


class AssignmentData:
    """What every task of one assignment shares, read from the course once per run."""

    def __init__(self, course_root: str, assignment: str, course_id: str, config_text: str):
        db_path = os.path.join(course_root, "gradebook.db")
        self.assignment, self.course_id, self.config_text = assignment, course_id, config_text
        self.gradebook = minimal_gradebook(db_path, assignment, course_id)
        self.released = released_cells(db_path, assignment, course_id)
        self.source_files = read_tree(os.path.join(course_root, "source", assignment))

    def task(self, course_root: str, student: str, limits: Limits, key: str = "") -> GradingTask:
        files = read_tree(os.path.join(course_root, "submitted", student, self.assignment))
        return GradingTask(student, self.assignment, self.course_id, self.config_text, self.source_files,
                           self.released, self.gradebook, files, limits, key)


def course_config_text(course_root: str) -> str:
    path = os.path.join(course_root, CONFIG_NAME)
    if not os.path.exists(path):
        return ""
    with open(path) as f:
        return f.read()


# ---- run by the worker ----

def open_zygote(directory: str, limits: Limits, *, sandbox: bool = True, slot: int = 0):
    """engine_kernel.Zygote for one grading slot (a context manager with .address, .sandboxed)."""
    from .engine_kernel import Zygote

    return Zygote(directory, limits, sandbox=sandbox, slot=slot)


def sandbox_unavailable_reason() -> str | None:
    """Why the grading sandbox cannot run here (None: it can)."""
    from .sandbox import unavailable_reason

    return unavailable_reason()


class _CachedJsonschema:
    """nbgrader validates each cell's metadata with jsonschema.validate, which re-checks the schema
    itself on every call (~0.2 s per notebook). Same verdicts and errors, validator built once."""

    def __init__(self, module):
        self._module, self._validators = module, {}

    def __getattr__(self, name):
        return getattr(self._module, name)

    def validate(self, instance, schema):
        key = id(schema)
        if key not in self._validators:
            cls = self._module.validators.validator_for(schema)
            cls.check_schema(schema)
            self._validators[key] = (schema, cls(schema))  # keep schema alive so id() stays unique
        error = self._module.exceptions.best_match(self._validators[key][1].iter_errors(instance))
        if error is not None:
            raise error


def _speed_up_nbgrader() -> None:
    from nbgrader.nbgraderformat import common
    if not isinstance(common.jsonschema, _CachedJsonschema):
        common.jsonschema = _CachedJsonschema(common.jsonschema)


def _kernel_config(c, zygote_address: str) -> None:
    """Point the run's kernels at the zygote, through configuration only."""
    import uuid
    c.SandboxKernelManager.zygote_address = zygote_address
    c.SandboxKernelManager.job_id = uuid.uuid4().hex  # a fresh /job for this task, even on a reused zygote


def _config(task: GradingTask, root: str, zygote_address: str):
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    c = PyFileConfigLoader(CONFIG_NAME, path=root).load_config() if task.config_text else Config()
    c.CourseDirectory.root = root
    c.CourseDirectory.course_id = task.course_id
    c.CourseDirectory.db_url = f"sqlite:///{os.path.join(root, 'gradebook.db')}"
    c.CourseDirectory.assignment_id = task.assignment
    c.CourseDirectory.student_id = task.student
    c.CourseDirectory.notebook_id = task.assignment
    c.OverwriteCells.add_missing_cells = False  # repair.py re-inserts deleted cells at their place
    c.Autograde.create_student = True  # the gradebook the task carries has no roster
    limits = task.limits
    c.Execute.timeout = int(limits.cell_timeout)
    c.SandboxedExecute.timeout = int(limits.cell_timeout)
    c.SandboxedExecute.notebook_timeout = float(limits.notebook_timeout)
    c.SandboxedExecute.max_output_bytes = int(limits.output_bytes)
    _kernel_config(c, zygote_address)
    return c


def _logger(path: str) -> logging.Logger:
    log = logging.getLogger(f"autograder.task.{os.getpid()}.{id(path)}")
    log.propagate = False
    log.setLevel(logging.INFO)
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    log.addHandler(handler)
    return log


def _errors(nb, learner_cells) -> list[str]:
    reasons = []
    for index in learner_cells:
        cell = nb.cells[index]
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") not in QUIET_ERRORS:
                where = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
                reasons.append(f"{where} raised {out.get('ename')}: {str(out.get('evalue'))[:120]}")
    return reasons


def scan_reason(findings) -> str:
    detail = "; ".join(f"cell {f.cell + 1} line {f.line}: {f.what}" for f in findings[:8])
    return f"answer cell modifies library code ({detail}); needs review"


def run_task(task: GradingTask, zygote_address: str, *, sandboxed: bool) -> TaskResult:
    """Grade one submission in this process (kernels come from the zygote at zygote_address).

    `sandboxed` is what the zygote is (Zygote.sandboxed); it is reported, not decided here."""
    import nbformat
    from nbgrader.api import Gradebook
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import Execute

    from .engine_execute import SandboxedExecute

    from . import repair, scan

    _speed_up_nbgrader()
    done = dict(student=task.student, assignment=task.assignment, sandboxed=sandboxed)
    with tempfile.TemporaryDirectory(prefix="grading-task-") as tmp:
        incoming = os.path.join(tmp, "incoming")
        try:
            write_tree(incoming, task.files)
        except ValueError as exc:
            return TaskResult(status="rejected", reasons=[str(exc)], **done)
        try:
            submission = repair.load_submission(incoming, task.assignment)
            source = nbformat.reads(task.source_files[f"{task.assignment}.ipynb"].decode("utf-8"), as_version=4)
            fixed = repair.repair(submission, source, task.released, task.assignment)
        except repair.Rejected as exc:
            return TaskResult(status="rejected", reasons=[str(exc)], **done)
        findings = scan.scan_notebook(fixed.nb, fixed.learner_cells)
        root = os.path.join(tmp, "course")
        write_tree(os.path.join(root, "source", task.assignment), task.source_files)
        with open(os.path.join(root, "gradebook.db"), "wb") as f:
            f.write(task.gradebook)
        if task.config_text:
            with open(os.path.join(root, CONFIG_NAME), "w") as f:
                f.write(task.config_text)
        dest = os.path.join(root, "submitted", task.student, task.assignment)
        write_tree(dest, {k: v for k, v in task.files.items() if not k.endswith(".ipynb")})
        repair.write_notebook(fixed.nb, os.path.join(dest, f"{task.assignment}.ipynb"))
        config = _config(task, root, zygote_address)
        log_path = os.path.join(tmp, "nbgrader.log")
        log = _logger(log_path)
        coursedir = CourseDirectory(config=config, log=log)
        converter = Autograde(coursedir=coursedir, config=config, log=log)
        converter.autograde_preprocessors = [SandboxedExecute if p is Execute else p
                                             for p in converter.autograde_preprocessors]
        try:
            converter.start()
        except Exception as exc:  # nbgrader reports the cause in its log
            with open(log_path) as f:
                tail = [line.strip() for line in f if "ERROR" in line][-3:]
            return TaskResult(status="failed", reasons=[f"nbgrader could not grade it: {exc}"] + tail, **done)
        finally:
            for handler in list(log.handlers):
                handler.close()
                log.removeHandler(handler)
        issues = next((list(p.issues) for p in converter.exporter._preprocessors if isinstance(p, SandboxedExecute)), [])
        out_dir = os.path.join(root, "autograded", task.student, task.assignment)
        graded_nb = repair.read_notebook(os.path.join(out_dir, f"{task.assignment}.ipynb"))
        with Gradebook(config.CourseDirectory.db_url, task.course_id) as gb:
            notebook = gb.find_submission_notebook(task.assignment, task.assignment, task.student)
            grades = [{"id": g.name, "auto": g.auto_score, "max": g.max_score} for g in notebook.grades]
            comments = {c.name: c.auto_comment for c in notebook.comments}
            timestamp = gb.find_submission(task.assignment, task.student).timestamp
        reasons = list(fixed.reasons) + ([scan_reason(findings)] if findings else [])
        reasons += issues + _errors(graded_nb, fixed.learner_cells)
        return TaskResult(status="graded", reasons=reasons, grades=grades, comments=comments,
                          timestamp=timestamp.isoformat() if timestamp else None,
                          autograded=read_tree(out_dir), findings=[asdict(f) for f in findings],
                          needs_review=bool(findings), **done)

