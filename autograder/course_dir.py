"""The nbgrader course directory: where it is, its assignments, its nbgrader API."""
from __future__ import annotations

import filecmp
import os
import shutil
import sys
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

REPO_ROOT = Path(__file__).resolve().parent.parent
COURSE_ROOT = REPO_ROOT / "autograder" / "course"
SOLUTIONS_DIR = REPO_ROOT / "solutions"
CONFIG_NAME = "nbgrader_config.py"

ASSIGNMENTS = (
    "01_gradient_descent",
    "02_partial_derivatives",
    "03_chain_rule",
    "04_forward_pass",
    "05_backpropagation",
    "06_batch_learning",
    "07_scaling_up",
)


class CourseError(RuntimeError):
    """A course-level problem the instructor must fix (missing directory, file…)."""


def require_course(course_root) -> Path:
    root = Path(course_root).resolve()
    if not (root / CONFIG_NAME).is_file():
        raise CourseError(f"course {root} is not an nbgrader course: {CONFIG_NAME} is missing")
    return root


def load_config(course_root) -> Config:
    root = require_course(course_root)
    return PyFileConfigLoader(CONFIG_NAME, path=str(root)).load_config()


def available_assignments(solutions_dir=SOLUTIONS_DIR) -> list[str]:
    """Assignment ids whose source notebook exists, course order first, then any extra."""
    present = {p.stem for p in Path(solutions_dir).glob("*.ipynb")}
    return [a for a in ASSIGNMENTS if a in present] + sorted(present - set(ASSIGNMENTS))


def sync_source(course_root, solutions_dir=SOLUTIONS_DIR, assignments=None) -> list[str]:
    """Copy solutions/<id>.ipynb to source/<id>/<id>.ipynb (nbgrader's layout).

    Unchanged files are not rewritten, so nbgrader's timestamps stay meaningful.
    Returns the assignment ids synced; a requested id without a notebook is an error.
    """
    root = require_course(course_root)
    solutions_dir = Path(solutions_dir)
    wanted = list(assignments) if assignments else available_assignments(solutions_dir)
    missing = [a for a in wanted if not (solutions_dir / f"{a}.ipynb").is_file()]
    if missing:
        raise CourseError(f"no source notebook for {', '.join(missing)} in {solutions_dir}")
    for aid in wanted:
        src = solutions_dir / f"{aid}.ipynb"
        dest = root / "source" / aid / f"{aid}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists() or not filecmp.cmp(src, dest, shallow=False):
            shutil.copy2(src, dest)
    return wanted


def ensure_tools_on_path() -> None:
    """nbgrader's Gradebook runs the `alembic` command: find it next to this interpreter
    even when the virtual environment is not activated (python run by its full path)."""
    if shutil.which("alembic") is None:
        os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")


def nbgrader_api(course_root):
    """An NbGraderAPI on this course, configured by its nbgrader_config.py."""
    ensure_tools_on_path()
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = load_config(course_root)
    config.CourseDirectory.root = str(require_course(course_root))
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def new_course(dest, course_root=COURSE_ROOT) -> Path:
    """A fresh, empty course at dest with the same configuration as course_root."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(require_course(course_root) / CONFIG_NAME, dest / CONFIG_NAME)
    return dest


def submissions(course_root) -> list[tuple[str, str]]:
    """(student, assignment) for every submitted/<student>/<assignment> directory."""
    return submitted_in(require_course(course_root))


def submitted_in(root) -> list[tuple[str, str]]:
    """submissions() of any directory, nbgrader_config.py or not (the engine grades bare courses)."""
    base = Path(root) / "submitted"
    if not base.is_dir():
        return []
    return sorted(
        (s.name, a.name) for s in base.iterdir() if s.is_dir() for a in s.iterdir() if a.is_dir()
    )
