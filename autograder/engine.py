"""Grade a class with nbgrader: in parallel, sandboxed, robust to broken and hostile submissions.

This process (the instructor's) builds one `GradingTask` per submission (engine_task.py: data
only, with a gradebook holding that one assignment and no student), runs each in a forked child
process with a hard wall limit (`Limits.hard_limit`), at most `jobs` at a time, each slot with
its own kernel zygote (engine_kernel.Zygote), and gets a `TaskResult` back as data. It is the
only writer of gradebook.db: `Merger` writes each result's auto scores with nbgrader's Gradebook
API, leaving manual scores, comments and every grade this run did not re-grade untouched (so a
re-run writes the same values again: idempotent), installs autograded/ and writes reports/,
each atomically. The cluster (cluster.py) runs the same tasks on dask workers and merges them
with the same `Merger`.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import tempfile
import time
import traceback
import uuid
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field

from nbgrader.api import Gradebook, MissingEntry

from . import course_dir
from .engine_task import AssignmentData, GradingTask, TaskResult, course_config_text, open_zygote, run_task
from .limits import Limits


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
    sandboxed: bool = False  # the learner's code ran in the grading sandbox


def _validate(course_root, tasks, jobs, limits: Limits) -> None:
    if not os.path.isdir(course_root):
        raise ValueError(f"course_root must be an existing directory, got {course_root!r}")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs must be a positive integer or None, got {jobs!r}")
    limits.validate()
    for task in tasks:
        if not (isinstance(task, tuple) and len(task) == 2 and all(isinstance(x, str) and x and "/" not in x for x in task)):
            raise ValueError(f"tasks must be (student, assignment) pairs of names, got {task!r}")


class Plan:
    """The submissions to grade and how to make their tasks (the assignment's data read once)."""

    def __init__(self, course_root, tasks: list[tuple[str, str]] | None, jobs, limits: Limits):
        self.course_root = os.path.realpath(os.fspath(course_root))
        self.tasks = course_dir.submitted_in(self.course_root) if tasks is None else list(tasks)
        _validate(self.course_root, self.tasks, jobs, limits)
        self.limits = limits
        self.db_path = os.path.join(self.course_root, "gradebook.db")
        if not os.path.exists(self.db_path):
            raise ValueError(f"course_root has no gradebook.db: run generate_assignment first ({self.course_root})")
        self.config_text = course_config_text(self.course_root)
        self.course_id = (course_dir.load_config(self.course_root).CourseDirectory.get("course_id", "")
                          if self.config_text else "")
        with Gradebook(f"sqlite:///{self.db_path}", self.course_id) as gb:
            known = {a.name for a in gb.assignments}
        unknown = sorted({a for _, a in self.tasks} - known)
        if unknown:
            raise ValueError(f"assignments not in the gradebook (run generate_assignment): {', '.join(unknown)}")
        self.run_id = uuid.uuid4().hex[:12]
        self._data: dict[str, AssignmentData] = {}

    def task(self, student: str, assignment: str) -> GradingTask:
        if assignment not in self._data:  # built once per assignment per run
            self._data[assignment] = AssignmentData(self.course_root, assignment, self.course_id, self.config_text)
        return self._data[assignment].task(self.course_root, student, self.limits,
                                           key=f"grade-{student}-{assignment}-{self.run_id}")


# ---- the parent's side: merge a result into the course --------------------------------------

class Merger:
    """The gradebook's only writer; also installs autograded/ and writes reports/."""

    def __init__(self, plan: Plan):
        self.root = plan.course_root
        self.gb = Gradebook(f"sqlite:///{plan.db_path}", plan.course_id)
        self.staging = os.path.join(self.root, ".autograde-staging")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.gb.close()
        shutil.rmtree(self.staging, ignore_errors=True)
        return False

    def merge(self, result: TaskResult) -> GradeResult:
        if result.status != "failed":
            _merge(self.gb, result)
            self._install_autograded(result)
        outcome = _outcome(self.gb, result)
        self._write_report(outcome, {"findings": result.findings, "needs_review": result.needs_review})
        return outcome

    def _install_autograded(self, result: TaskResult) -> None:
        if not result.autograded:
            return
        from .engine_task import write_tree
        os.makedirs(self.staging, exist_ok=True)
        new = tempfile.mkdtemp(prefix="new-", dir=self.staging)
        write_tree(new, result.autograded)
        dest = os.path.join(self.root, "autograded", result.student, result.assignment)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        old = None
        if os.path.exists(dest):
            old = tempfile.mkdtemp(prefix="old-", dir=self.staging)
            os.rename(dest, os.path.join(old, "x"))
        os.rename(new, dest)
        if old:
            shutil.rmtree(old)

    def _write_report(self, result: GradeResult, extra: dict) -> None:
        path = os.path.join(self.root, "reports", result.student, f"{result.assignment}.json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.tmp-{os.getpid()}"
        with open(tmp, "w") as f:
            json.dump({**asdict(result), **extra}, f, indent=1)
        os.replace(tmp, path)


def _merge(gb: Gradebook, result: TaskResult) -> None:
    """Write this run's auto scores; manual scores and comments stay as the graders left them."""
    student, assignment = result.student, result.assignment
    gb.update_or_create_student(student)
    ts = result.timestamp
    submission = gb.update_or_create_submission(assignment, student, **({"timestamp": ts} if ts else {}))
    auto = {g["id"]: g["auto"] for g in result.grades}
    rejected = result.status == "rejected"
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
            if comment.name in result.comments:
                comment.auto_comment = result.comments[comment.name]
    gb.db.commit()


def _outcome(gb: Gradebook, result: TaskResult) -> GradeResult:
    student, assignment = result.student, result.assignment
    reasons = list(result.reasons)
    if result.status in ("rejected", "failed"):
        status = "failed"
    else:
        status = "graded-with-issues" if reasons else "graded"
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        max_score = gb.find_assignment(assignment).max_score
        return GradeResult(student, assignment, 0.0, float(max_score), status, reasons, False, {}, result.sandboxed)
    per_cell = {g.name: (float(g.score), float(g.max_score))
                for nb in submission.notebooks for g in nb.grades if g.auto_score is not None}
    needs = bool(submission.needs_manual_grade) or result.needs_review
    return GradeResult(student, assignment, float(submission.score), float(submission.max_score), status,
                       reasons, needs, per_cell, result.sandboxed)


# ---- the child's side: one task in a forked process with a hard wall limit ------------------

class ForkedTask:
    """run_task(task, ...) in a forked child (its own session); the result comes back as a pickle file."""

    def __init__(self, task: GradingTask, zygote_address: str, sandboxed: bool, workdir: str):
        self.task, self.workdir = task, workdir
        self.deadline = time.monotonic() + task.limits.hard_limit
        os.makedirs(workdir, exist_ok=True)
        self.result_path = os.path.join(workdir, "result.pickle")
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: grade, write the result, leave without running the parent's cleanup
            code = 1
            try:
                os.setsid()
                _die_with(parent)
                result = run_task(task, zygote_address, sandboxed=sandboxed)
                with open(self.result_path + ".tmp", "wb") as f:
                    pickle.dump(result, f)
                os.replace(self.result_path + ".tmp", self.result_path)
                code = 0
            except BaseException:
                try:
                    with open(os.path.join(workdir, "crash.txt"), "w") as f:
                        f.write(traceback.format_exc())
                except BaseException:
                    pass
            finally:
                os._exit(code)
        self.pid = pid
        self.pidfd = os.pidfd_open(pid)  # signals go through it: never to a recycled pid

    def poll(self) -> TaskResult | None:
        """The result once the child has ended (or was stopped at the hard limit), else None."""
        done, _ = os.waitpid(self.pid, os.WNOHANG)
        if not done and time.monotonic() <= self.deadline:
            return None
        killed = not done
        if killed:
            self.kill()
        return self._finish(killed)

    def wait(self) -> TaskResult:
        import select
        while True:
            select.select([self.pidfd], [], [], max(0.0, min(1.0, self.deadline - time.monotonic())))
            result = self.poll()
            if result is not None:
                return result

    def kill(self) -> None:
        if self.pidfd is None:
            return
        try:
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass

    def _finish(self, killed: bool) -> TaskResult:
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None
        task = self.task
        if killed:
            return TaskResult(task.student, task.assignment, "failed",
                              [f"grading took longer than the hard limit ({task.limits.hard_limit:g} s); stopped"])
        try:
            with open(self.result_path, "rb") as f:
                return pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError):
            try:
                with open(os.path.join(self.workdir, "crash.txt")) as f:
                    last = f.read().strip().splitlines()[-1:]
            except OSError:
                last = []
            return TaskResult(task.student, task.assignment, "failed", ["the grading worker crashed"] + last)


def _die_with(parent: int) -> None:
    """SIGKILL this child when the thread that forked it ends (a worker process killed mid-task)."""
    import ctypes
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def run_forked(task: GradingTask, zygote_address: str, *, sandboxed: bool) -> TaskResult:
    """One task in a forked child with the hard wall limit; blocks until its result (the cluster's worker)."""
    with tempfile.TemporaryDirectory(prefix="task-") as tmp:
        child = ForkedTask(task, zygote_address, sandboxed, tmp)
        try:
            return child.wait()
        except BaseException:
            child.kill()
            child._finish(True)
            raise


def default_jobs() -> int:
    # one more worker than cores: a worker alternates between nbgrader (this side) and its kernel
    return (os.cpu_count() or 1) + 1


def grade_submissions(course_root, tasks: list[tuple[str, str]] | None = None, jobs: int | None = None,
                      limits: Limits = Limits(), progress: bool = True, *, sandbox: bool = True) -> list[GradeResult]:
    """Autograde submitted/<student>/<assignment> (all, or `tasks`) and merge into gradebook.db.

    Needs source/<assignment>/<assignment>.ipynb and the assignment in the gradebook (nbgrader
    generate_assignment). Results come back in the order of `tasks` (sorted when discovered).
    `sandbox=False` runs the kernels unconfined (the instructor's rights): see cli.py.
    """
    plan = Plan(course_root, tasks, jobs, limits)
    jobs = min(jobs or default_jobs(), max(1, len(plan.tasks)))
    results: dict[tuple[str, str], GradeResult] = {}
    with tempfile.TemporaryDirectory(prefix="autograde-") as tmp, ExitStack() as stack:
        zygotes = []
        for slot in range(jobs):
            directory = os.path.join(tmp, f"slot{slot}")
            os.makedirs(directory)
            zygotes.append(stack.enter_context(open_zygote(directory, limits, sandbox=sandbox, slot=slot)))
        merger = stack.enter_context(Merger(plan))
        bar = stack.enter_context(_progress(len(plan.tasks), progress))
        free = list(range(jobs))
        running: dict[int, ForkedTask] = {}
        pending = list(enumerate(plan.tasks))
        try:
            while pending or running:
                while pending and free:
                    i, (student, assignment) = pending.pop(0)
                    slot = free.pop(0)
                    zygote = zygotes[slot]
                    running[slot] = ForkedTask(plan.task(student, assignment), zygote.address,
                                               zygote.sandboxed, os.path.join(tmp, f"job{i}"))
                for slot, child in list(running.items()):
                    result = child.poll()
                    if result is None:
                        continue
                    del running[slot]
                    free.append(slot)
                    outcome = merger.merge(result)
                    results[(outcome.student, outcome.assignment)] = outcome
                    bar.update(1)
                time.sleep(0.02)
        finally:
            for child in running.values():  # interrupted: nothing of theirs is merged
                child.kill()
                child._finish(True)
    return [results[t] for t in plan.tasks]


def _progress(total: int, enabled: bool):
    from tqdm import tqdm
    tqdm.monitor_interval = 0  # no monitor thread: this process forks workers
    return tqdm(total=total, disable=not enabled, unit="notebook", desc="grading")
