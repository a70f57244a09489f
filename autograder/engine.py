"""Grade a class with nbgrader: in parallel, sandboxed, robust to broken and hostile submissions.

`grade_submissions` forks one worker process per submission (at most `jobs` at a time); each runs
nbgrader's Autograde converter against a private copy of the gradebook (engine_worker.py), with
kernels forked from a pre-warmed zygote (engine_kernel.py). This process is the gradebook's only
writer: it merges each worker's auto scores with nbgrader's Gradebook API, leaving manual scores,
comments and every grade this run did not re-grade untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field

from nbgrader.api import Gradebook, MissingEntry

from . import course_dir, engine_worker
from .engine_kernel import KERNEL_LOG_ENV, PIDFILE_ENV, Zygote
from .sandbox import NOBODY, default_read_roots, drop_privileges_possible

HARD_LIMIT_MARGIN = 60  # seconds a worker may take beyond notebook_timeout (start-up, replays)


@dataclass
class Limits:
    cell_timeout: float = 30
    notebook_timeout: float = 300
    memory_mb: int = 2048
    output_bytes: int = 1_000_000


@dataclass
class GradeResult:
    student: str
    assignment: str
    score: float
    max_score: float
    status: str  # "graded" | "graded-with-issues" | "failed"
    reasons: list[str] = field(default_factory=list)
    needs_manual: bool = False
    per_cell: dict[str, tuple[float, float]] = field(default_factory=dict)


def _validate(course_root, tasks, jobs, limits) -> None:
    if not os.path.isdir(course_root):
        raise ValueError(f"course_root must be an existing directory, got {course_root!r}")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs must be a positive integer or None, got {jobs!r}")
    for name in ("cell_timeout", "notebook_timeout", "memory_mb", "output_bytes"):
        value = getattr(limits, name)
        if not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"limits.{name} must be a number > 0, got {value!r}")
    for task in tasks:
        if not (isinstance(task, tuple) and len(task) == 2 and all(isinstance(x, str) and x and "/" not in x for x in task)):
            raise ValueError(f"tasks must be (student, assignment) pairs of names, got {task!r}")


def _known_assignments(db_url: str, course_id: str) -> set[str]:
    with Gradebook(db_url, course_id) as gb:
        return {a.name for a in gb.assignments}


def _snapshot(db_path: str, dest: str) -> None:
    """A consistent copy of the gradebook (sqlite's backup API) for the workers to start from."""
    src, dst = sqlite3.connect(db_path), sqlite3.connect(dest)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


class _Runner:
    """Forks workers, enforces the hard wall limit, collects their result.json."""

    def __init__(self, jobs: int, hard_limit: float):
        self.jobs, self.hard_limit = jobs, hard_limit
        self.running: dict[int, tuple[tuple, str, float]] = {}

    def start(self, task, job: engine_worker.Job) -> None:
        os.makedirs(job.workdir)
        os.environ[PIDFILE_ENV] = os.path.join(job.workdir, "kernels.pid")
        os.environ[KERNEL_LOG_ENV] = os.path.join(job.workdir, "kernel.log")
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.setsid()
                engine_worker.run(job)
                code = 0
            except BaseException:
                with open(os.path.join(job.workdir, "crash.txt"), "w") as f:
                    f.write(traceback.format_exc())
            finally:
                os._exit(code)
        self.running[pid] = (task, job.workdir, time.monotonic() + self.hard_limit)

    def _kill(self, pid: int, workdir: str) -> None:
        for target in [pid] + _kernel_pids(workdir):
            try:
                os.killpg(target, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def wait_one(self):
        """Block until a worker ends; return (task, result dict)."""
        while True:
            for pid, (task, workdir, deadline) in list(self.running.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                killed = False
                if not done and time.monotonic() > deadline:
                    self._kill(pid, workdir)
                    os.waitpid(pid, 0)
                    done, killed = pid, True
                if done:
                    del self.running[pid]
                    self._kill(pid, workdir)  # leftover kernels of a crashed worker
                    return task, _read_result(workdir, killed, self.hard_limit)
            time.sleep(0.02)


def _kernel_pids(workdir: str) -> list[int]:
    try:
        with open(os.path.join(workdir, "kernels.pid")) as f:
            return [int(line) for line in f if line.strip()]
    except (OSError, ValueError):
        return []


def _read_result(workdir: str, killed: bool, hard_limit: float) -> dict:
    if killed:
        return {"status": "failed", "reasons": [f"grading took longer than the hard limit ({hard_limit:g} s); stopped"]}
    try:
        with open(os.path.join(workdir, "result.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        try:
            with open(os.path.join(workdir, "crash.txt")) as f:
                last = f.read().strip().splitlines()[-1:]
        except OSError:
            last = []
        return {"status": "failed", "reasons": ["the grading worker crashed"] + last}


def _merge(gb: Gradebook, student: str, assignment: str, result: dict) -> None:
    """Write this run's auto scores; manual scores and comments stay as the graders left them."""
    gb.update_or_create_student(student)
    ts = result.get("timestamp")
    submission = gb.update_or_create_submission(assignment, student, **({"timestamp": ts} if ts else {}))
    auto = {g["id"]: g["auto"] for g in result.get("grades", [])}
    rejected = result["status"] == "rejected"
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            if rejected:
                grade.auto_score = 0.0
            elif grade.name in auto:
                grade.auto_score = auto[grade.name]
            else:
                continue
            grade.needs_manual_grade = grade.manual_score is not None or (grade.auto_score is None and not rejected)
        for comment in notebook.comments:
            if comment.name in result.get("comments", {}):
                comment.auto_comment = result["comments"][comment.name]
    gb.db.commit()


def _outcome(gb: Gradebook, student, assignment, result: dict) -> GradeResult:
    reasons = list(result.get("reasons", []))
    if result["status"] in ("rejected", "failed"):
        status = "failed"
    else:
        status = "graded-with-issues" if reasons else "graded"
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        max_score = gb.find_assignment(assignment).max_score
        return GradeResult(student, assignment, 0.0, float(max_score), status, reasons, False, {})
    per_cell = {g.name: (float(g.score), float(g.max_score))
                for nb in submission.notebooks for g in nb.grades if g.auto_score is not None}
    needs = bool(submission.needs_manual_grade) or bool(result.get("tampered"))
    return GradeResult(student, assignment, float(submission.score), float(submission.max_score), status,
                       reasons, needs, per_cell)


def _write_report(course_root: str, result: GradeResult, extra: dict) -> None:
    path = os.path.join(course_root, "reports", result.student, f"{result.assignment}.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump({**asdict(result), **extra}, f, indent=1)


def _install_autograded(course_root: str, student: str, assignment: str, src: str | None) -> None:
    if not src or not os.path.isdir(src):
        return
    dest = os.path.join(course_root, "autograded", student, assignment)
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.move(src, dest)


def grade_submissions(course_root, tasks: list[tuple[str, str]] | None = None, jobs: int | None = None,
                      limits: Limits = Limits(), progress: bool = True, *, zygote: bool = True) -> list[GradeResult]:
    """Autograde submitted/<student>/<assignment> (all, or `tasks`) and merge into gradebook.db.

    Needs source/<assignment>/<assignment>.ipynb and the assignment in the gradebook (nbgrader
    generate_assignment). Results come back in the order of `tasks` (sorted when discovered).
    """
    course_root = os.path.realpath(os.fspath(course_root))
    tasks = course_dir.submitted_in(course_root) if tasks is None else list(tasks)
    _validate(course_root, tasks, jobs, limits)
    db_path = os.path.join(course_root, "gradebook.db")
    db_url = f"sqlite:///{db_path}"
    if not os.path.exists(db_path):
        raise ValueError(f"course_root has no gradebook.db: run generate_assignment first ({course_root})")
    course_id = engine_worker.course_config(course_root).CourseDirectory.get("course_id", "")
    known = _known_assignments(db_url, course_id)
    unknown = sorted({a for _, a in tasks} - known)
    if unknown:
        raise ValueError(f"assignments not in the gradebook (run generate_assignment): {', '.join(unknown)}")
    # one more worker than cores: a worker alternates between nbgrader (this side) and its kernel
    jobs = jobs or (os.cpu_count() or 1) + 1
    uid = NOBODY if drop_privileges_possible() else None
    read_roots = default_read_roots()
    results: dict[tuple[str, str], GradeResult] = {}
    with tempfile.TemporaryDirectory(prefix="autograde-") as tmp:
        template = os.path.join(tmp, "template.db")
        _snapshot(db_path, template)
        runner = _Runner(jobs, limits.notebook_timeout + HARD_LIMIT_MARGIN)
        bar = _progress(len(tasks), progress)
        with (Zygote(tmp) if zygote else _nothing()), Gradebook(db_url, course_id) as gb:
            pending = list(enumerate(tasks))
            while pending or runner.running:
                while pending and len(runner.running) < jobs:
                    i, (student, assignment) = pending.pop(0)
                    runner.start((student, assignment), engine_worker.Job(
                        course_root, template, student, assignment, os.path.join(tmp, f"job{i}"),
                        limits.cell_timeout, limits.notebook_timeout, limits.memory_mb, limits.output_bytes,
                        read_roots, uid))
                (student, assignment), result = runner.wait_one()
                if result["status"] != "failed":
                    _merge(gb, student, assignment, result)
                    _install_autograded(course_root, student, assignment, result.get("autograded"))
                outcome = _outcome(gb, student, assignment, result)
                _write_report(course_root, outcome, {"findings": result.get("findings", [])})
                results[(student, assignment)] = outcome
                bar.update(1)
        bar.close()
    return [results[t] for t in tasks]


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _progress(total: int, enabled: bool):
    from tqdm import tqdm
    tqdm.monitor_interval = 0  # no monitor thread: this process forks workers
    return tqdm(total=total, disable=not enabled, unit="notebook", desc="grading")
