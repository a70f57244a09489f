"""Grade ONE submission, inside a worker process of its own (forked by engine.grade_submissions).

The worker never touches the course's real gradebook or autograded/ folder: it builds a private
course directory (a copy of the gradebook, the source linked, the repaired submission), runs
nbgrader's Autograde converter in-process with the sandboxed Execute, and writes what the parent
needs to merge (scores, comments, reasons) to result.json. A worker that crashes leaves nothing.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass

from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets.config import Config

from . import course_dir, repair, scan
from .engine_execute import SandboxedExecute
from .engine_kernel import SandboxKernelManager
from .sandbox import SandboxSpec


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


_speed_up_nbgrader()


@dataclass
class Job:
    course_root: str
    template_db: str
    student: str
    assignment: str
    workdir: str
    cell_timeout: float
    notebook_timeout: float
    memory_mb: int
    output_bytes: int
    read_roots: list
    uid: int | None


def released_cells(db_path: str, assignment: str, course_id: str = "") -> dict[str, str]:
    with Gradebook(f"sqlite:///{db_path}", course_id) as gb:
        notebook = gb.find_notebook(assignment, assignment)
        return {cell.name: cell.source for cell in notebook.source_cells}


def course_config(course_root: str) -> Config:
    """The course's nbgrader_config.py (if any): its course id, timeouts and preprocessors apply."""
    if not os.path.exists(os.path.join(course_root, course_dir.CONFIG_NAME)):
        return Config()
    return course_dir.load_config(course_root)


def _config(job: Job, root: str) -> Config:
    c = course_config(job.course_root)
    c.CourseDirectory.root = root
    c.CourseDirectory.db_url = f"sqlite:///{os.path.join(root, 'gradebook.db')}"
    c.CourseDirectory.assignment_id = job.assignment
    c.CourseDirectory.student_id = job.student
    c.CourseDirectory.notebook_id = job.assignment
    c.OverwriteCells.add_missing_cells = False  # repair.py re-inserts deleted cells at their place
    c.Execute.timeout = int(job.cell_timeout)
    c.SandboxedExecute.timeout = int(job.cell_timeout)
    c.SandboxedExecute.notebook_timeout = float(job.notebook_timeout)
    c.SandboxedExecute.max_output_bytes = int(job.output_bytes)
    return c


def _private_course(job: Job, repaired) -> str:
    root = os.path.join(job.workdir, "course")
    os.makedirs(os.path.join(root, "source"))
    os.symlink(os.path.realpath(os.path.join(job.course_root, "source", job.assignment)),
               os.path.join(root, "source", job.assignment))
    shutil.copyfile(job.template_db, os.path.join(root, "gradebook.db"))
    folder = os.path.join(job.course_root, "submitted", job.student, job.assignment)
    dest = os.path.join(root, "submitted", job.student, job.assignment)
    shutil.copytree(folder, dest, ignore=shutil.ignore_patterns("*.ipynb"), symlinks=False)
    repair.write_notebook(repaired.nb, os.path.join(dest, f"{job.assignment}.ipynb"))
    if job.uid is not None:
        os.chmod(job.workdir, 0o711)  # the kernel (uid nobody) may pass through, not list or read
    return root


def _logger(job: Job) -> logging.Logger:
    log = logging.getLogger(f"autograder.worker.{os.getpid()}")
    log.propagate = False
    log.setLevel(logging.INFO)
    handler = logging.FileHandler(os.path.join(job.workdir, "nbgrader.log"))
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    log.addHandler(handler)
    return log


# reported elsewhere (engine_execute) or simply "not answered yet" (the released stub raises it)
QUIET_ERRORS = ("CellTimeoutError", "KernelDied", "NotebookTimeLimit", "NotImplementedError")


def _errors(nb, learner_cells) -> list[str]:
    reasons = []
    for index in learner_cells:
        cell = nb.cells[index]
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") not in QUIET_ERRORS:
                where = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
                reasons.append(f"{where} raised {out.get('ename')}: {str(out.get('evalue'))[:120]}")
    return reasons


def grade(job: Job) -> dict:
    """Grade one submission; return the result dict (also written to workdir/result.json)."""
    folder = os.path.join(job.course_root, "submitted", job.student, job.assignment)
    try:
        submission = repair.load_submission(folder, job.assignment)
        source = repair.read_notebook(os.path.join(job.course_root, "source", job.assignment, f"{job.assignment}.ipynb"))
        course_id = course_config(job.course_root).CourseDirectory.get("course_id", "")
        fixed = repair.repair(submission, source, released_cells(job.template_db, job.assignment, course_id),
                              job.assignment)
    except repair.Rejected as exc:
        return {"status": "rejected", "reasons": [str(exc)]}
    findings = scan.scan_notebook(fixed.nb, fixed.learner_cells)
    root = _private_course(job, fixed)
    SandboxKernelManager.sandbox_spec = SandboxSpec(workdir=root, memory_mb=job.memory_mb,
                                                    cpu_seconds=int(job.notebook_timeout) + 5,
                                                    read_roots=job.read_roots, uid=job.uid)
    SandboxedExecute.issues = []
    config = _config(job, root)
    log = _logger(job)
    coursedir = CourseDirectory(config=config, log=log)
    converter = Autograde(coursedir=coursedir, config=config, log=log)
    converter.autograde_preprocessors = [SandboxedExecute if p is Execute else p
                                         for p in converter.autograde_preprocessors]
    try:
        converter.start()
    except Exception as exc:  # nbgrader reports the cause in its log
        with open(os.path.join(job.workdir, "nbgrader.log")) as f:
            tail = [line.strip() for line in f if "ERROR" in line][-3:]
        return {"status": "failed", "reasons": [f"nbgrader could not grade it: {exc}"] + tail}
    out_dir = os.path.join(root, "autograded", job.student, job.assignment)
    graded_nb = repair.read_notebook(os.path.join(out_dir, f"{job.assignment}.ipynb"))
    position = {c.metadata.get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(graded_nb.cells)}
    first_tamper = min((f.cell for f in findings), default=None)
    with Gradebook(config.CourseDirectory.db_url, config.CourseDirectory.get("course_id", "")) as gb:
        notebook = gb.find_submission_notebook(job.assignment, job.assignment, job.student)
        grades = [{"id": g.name, "auto": g.auto_score, "max": g.max_score} for g in notebook.grades]
        comments = {c.name: c.auto_comment for c in notebook.comments}
        timestamp = gb.find_submission(job.assignment, job.student).timestamp
    zeroed = []
    for g in grades:
        if first_tamper is not None and position.get(g["id"], 0) > first_tamper and g["auto"]:
            g["auto"] = 0.0
            zeroed.append(g["id"])
    reasons = list(fixed.reasons)
    if findings:
        detail = "; ".join(f"cell {f.cell + 1} line {f.line}: {f.what}" for f in findings[:8])
        reasons.append(f"answer cell modifies library code ({detail}); checks after it score 0"
                       + (f" ({', '.join(zeroed)})" if zeroed else ""))
    reasons += SandboxedExecute.issues + _errors(graded_nb, fixed.learner_cells)
    return {"status": "graded", "reasons": reasons, "grades": grades, "comments": comments,
            "timestamp": timestamp.isoformat() if timestamp else None, "autograded": out_dir,
            "tampered": bool(findings), "findings": [f.__dict__ for f in findings]}


def run(job: Job) -> None:
    """Entry point in the forked worker: grade and write result.json (atomically)."""
    result = grade(job)
    tmp = os.path.join(job.workdir, "result.json.tmp")
    with open(tmp, "w") as f:
        json.dump(result, f)
    os.replace(tmp, os.path.join(job.workdir, "result.json"))
