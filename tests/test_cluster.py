"""Grading on a real dask.distributed cluster: `dask scheduler` + two `dask worker --nthreads 1` on 127.0.0.1.

What is real here: the scheduler and worker processes, the CLI (`python -m autograder autograde
--scheduler ...`) as a subprocess, a worker SIGKILLed while a task runs on it (seen through
client.processing()), the autograde client SIGKILLed mid-run and run again.

What is simulated: a submission that kills its worker. With the sandbox the learner's kernel can
neither see nor signal the worker, so the test's workers load tests/cluster_preload.py, which makes
a worker SIGKILL itself when the task's submission carries a file named KILL_MY_WORKER. The
scheduler runs with allowed-failures=1, so that submission is given up after its second worker died.
"""

import ctypes
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adversarial import fixture
from autograder.engine import Limits, grade_submissions

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
PRELOAD = str(ROOT / "tests" / "cluster_preload.py")
HANG_GUARD = int(os.environ.get("CLUSTER_TEST_HANG_GUARD", "600"))  # seconds: against a hang only, never a timing assertion
LIMITS = Limits(cell_timeout=10, notebook_timeout=60)
KILLER = "killer"
SUBMISSIONS = {
    "good_1": {}, "good_2": {}, "good_3": {}, "good_4": {},
    "wrong_2": {"answer2": "answer2 = 1.4"},
    "wrong_3": {"answer3": "answer3 = 11.0"},
    "error_1": {"answer1": "answer1 = 1 / 0"},
    "slow_1": {"answer2": "import time\ntime.sleep(3)\nanswer2 = 2 ** 0.5"},
    "slow_2": {"answer3": "import time\ntime.sleep(3)\nanswer3 = 10.0"},
}


def _descendants() -> set[int]:
    import psutil
    return {p.pid for p in psutil.Process().children(recursive=True)}


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """A scheduler and two single-thread workers (restarted by their nannies when killed)."""
    import psutil

    from autograder.cluster import LocalCluster

    libc = ctypes.CDLL(None, use_errno=True)
    before = _descendants()
    libc.prctl(36, 1)  # PR_SET_CHILD_SUBREAPER: orphans of killed workers come back to us, to be ended
    try:
        with LocalCluster(2, 1, env={"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1", "PYTHONPATH": str(ROOT)},
                          worker_args=("--preload", PRELOAD), log_dir=str(tmp_path_factory.mktemp("dask-logs")),
                          cwd=str(ROOT)) as cluster:
            yield cluster.address
    finally:
        leftovers = [psutil.Process(p) for p in _descendants() - before if psutil.pid_exists(p)]
        for proc in leftovers:  # reparented to us: zygotes and kernels of the killed workers
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(leftovers, timeout=10)
        libc.prctl(36, 0)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """A course of 10 submissions (one of them kills its worker) and the one-machine engine's scores."""
    root = fixture.build_course(str(tmp_path_factory.mktemp("class") / "course"))
    shutil.copy(ROOT / "autograder" / "course" / "nbgrader_config.py", os.path.join(root, "nbgrader_config.py"))
    for student, answers in SUBMISSIONS.items():
        fixture.submit(root, student, fixture.solved(root, answers))
    fixture.submit(root, KILLER, fixture.solved(root))
    Path(root, "submitted", KILLER, fixture.ASSIGNMENT, "KILL_MY_WORKER").write_text("see cluster_preload.py")
    reference = shutil.copytree(root, str(tmp_path_factory.mktemp("reference") / "course"))
    expected = {r.student: r.score for r in grade_submissions(reference, limits=LIMITS, progress=False)}
    assert expected["good_1"] == 6 and expected["wrong_2"] == 4 and expected["error_1"] == 5
    return root, expected


def _autograde(root, address, *extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "autograder", "--course", str(root), "autograde",
                             "--scheduler", address, "--quiet", *extra], cwd=str(ROOT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _scores(root) -> dict[str, float]:
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root}/gradebook.db", "how-neural-networks-learn") as gb:
        return {s.student.id: float(s.score) for s in gb.find_assignment(fixture.ASSIGNMENT).submissions}


def _kill_a_worker_while_it_grades(address, proc) -> str:
    """SIGKILL the first worker seen running an honest learner's task; return that task's key."""
    from distributed import Client

    with Client(address, timeout=60) as client:
        deadline = time.monotonic() + HANG_GUARD
        while proc.poll() is None and time.monotonic() < deadline:
            for worker, keys in client.processing().items():
                honest = [k for k in keys if f"-{KILLER}-" not in str(k)]
                if honest:
                    pid = client.run(os.getpid, workers=[worker])[worker]
                    if client.processing().get(worker) == keys:  # still grading it
                        os.kill(pid, signal.SIGKILL)
                        return str(honest[0])
            time.sleep(0.05)
    raise AssertionError("never saw a worker grading a task")


def test_a_class_graded_on_the_cluster_survives_a_killed_worker_and_a_worker_killer(scheduler, classroom, tmp_path):
    root, expected = classroom
    course = shutil.copytree(root, tmp_path / "course")
    proc = _autograde(course, scheduler)
    killed_key = _kill_a_worker_while_it_grades(scheduler, proc)
    out, err = proc.communicate(timeout=HANG_GUARD)
    assert proc.returncode == 1, err  # 1: a submission failed (the worker killer)
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert set(lines) == set(SUBMISSIONS) | {KILLER}, out
    assert "killed its grading worker" in lines[KILLER] and "failed" in lines[KILLER]
    scores = _scores(course)
    assert KILLER not in scores  # never merged
    assert scores == {s: expected[s] for s in SUBMISSIONS}, (scores, expected)
    killed_student = killed_key.split("-")[1]
    assert killed_student in SUBMISSIONS and f"{expected[killed_student]:g}/6" in lines[killed_student]
    for student in SUBMISSIONS:
        assert (course / "autograded" / student / fixture.ASSIGNMENT / f"{fixture.ASSIGNMENT}.ipynb").exists()
        assert (course / "reports" / student / f"{fixture.ASSIGNMENT}.json").exists()


def _rows(db) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        counts = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("student", "submitted_assignment", "submitted_notebook", "grade", "comment")}
        counts["duplicate submissions"] = con.execute(
            "SELECT COUNT(*) FROM (SELECT student_id, assignment_id, COUNT(*) n FROM submitted_assignment "
            "GROUP BY student_id, assignment_id HAVING n > 1)").fetchone()[0]
    finally:
        con.close()
    return counts


def test_killing_the_autograde_client_mid_run_then_running_it_again_is_safe(scheduler, classroom, tmp_path):
    root, expected = classroom
    course = Path(shutil.copytree(root, tmp_path / "course"))
    shutil.rmtree(course / "submitted" / KILLER)
    honest = {s: expected[s] for s in SUBMISSIONS}
    proc = _autograde(course, scheduler)
    deadline = time.monotonic() + HANG_GUARD
    while proc.poll() is None and time.monotonic() < deadline:
        if len(list((course / "reports").glob("*/*.json"))) >= 2:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    proc.communicate(timeout=HANG_GUARD)
    partial = _scores(course)
    assert all(partial[s] == honest[s] for s in partial), partial  # what was merged is right
    assert len(partial) < len(honest), "the client finished before it could be interrupted"
    again = _autograde(course, scheduler)
    out, err = again.communicate(timeout=HANG_GUARD)
    assert again.returncode == 0, err
    assert _scores(course) == honest
    rows = _rows(course / "gradebook.db")
    assert rows["duplicate submissions"] == 0 and rows["submitted_assignment"] == len(honest)
    assert rows["grade"] == 3 * len(honest) and rows["student"] == len(honest), rows
    assert not (course / ".autograde-staging").exists()
