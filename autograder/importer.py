"""Import learners' notebooks downloaded from an LMS into submitted/<student>/<assignment>/.

Names understood (the part after the LMS prefix must contain an assignment id, unless
--assignment says which assignment the whole download is):

* Canvas: ``doe_jane_12345_67890_01_gradient_descent.ipynb`` (name, user id, submission id,
  the learner's file name; ``late`` may follow the name) → student ``doe_jane_12345``;
* Moodle: ``Jane Doe_12345_assignsubmission_file_01_gradient_descent.ipynb``, or that prefix
  as a folder → student ``jane_doe_12345``;
* a folder per student: ``jane/01_gradient_descent.ipynb`` → student ``jane``.

Naming is decided here, where every refusal can carry its reason; the files are then
moved into place by nbgrader's ZipCollectApp (downloaded/<assignment>/archive → extracted
→ submitted, with its own checks against the released notebook names).
"""
from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat

from autograder import course_dir
from autograder.course_dir import CourseError

CANVAS = re.compile(r"^(?P<name>[A-Za-z][\w-]*?)_(?:late_)?(?P<uid>\d+)_(?P<order>\d+)_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>[^/_]+)_(?P<uid>\d+)_assignsubmission_(?:file|onlinetext)_?/?(?P<file>.+)$")
MAX_MEMBER_BYTES = 50_000_000


@dataclass
class Placed:
    source: str
    student: str
    assignment: str
    order: int = 0
    note: str = ""


@dataclass
class Rejected:
    source: str
    reason: str


@dataclass
class ImportResult:
    placed: list[Placed] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_.-]+", "_", text.strip().lower()).strip("_.")


def find_assignment(file_part: str, assignments) -> list[str]:
    stem = PurePosixPath(file_part).stem.lower()
    return [a for a in assignments if a in stem]


def classify(relpath: str, assignments, assignment: str | None = None) -> Placed | Rejected:
    """Whose notebook, for which assignment, from its path in the download."""
    path = PurePosixPath(relpath)
    if ".ipynb_checkpoints" in path.parts:
        return Rejected(relpath, "a Jupyter checkpoint copy, not a submission")
    if path.suffix.lower() != ".ipynb":
        return Rejected(relpath, f"not a notebook ({path.suffix or 'no extension'})")
    order, student, file_part = 0, None, path.name
    if m := MOODLE.match(relpath) or MOODLE.match(path.name):
        student, file_part = f"{slug(m['name'])}_{m['uid']}", m["file"]
    elif m := CANVAS.match(path.name):
        student, file_part, order = f"{slug(m['name'])}_{m['uid']}", m["file"], int(m["order"])
    else:
        folders = [p for p in path.parts[:-1] if p not in assignments and slug(p)]
        if folders:
            student = slug(folders[-1])
    found = find_assignment(file_part, assignments)
    if student is None:
        return Rejected(relpath, "cannot tell whose notebook it is: not an LMS (Canvas/Moodle) "
                                 "name and not in a folder per student")
    note = ""
    if assignment is not None:
        if found and assignment not in found:
            return Rejected(relpath, f"named for {found[0]}, but importing {assignment}")
        if not found:
            note = f"file name has no assignment id; placed as {assignment} (--assignment)"
        aid = assignment
    elif len(found) == 1:
        aid = found[0]
    else:
        return Rejected(relpath, "the name contains no assignment id (one of "
                                 f"{', '.join(assignments)}); pass --assignment" if not found
                        else f"the name matches several assignments: {', '.join(found)}")
    return Placed(relpath, student, aid, order, note)


def _stage(path: Path, dest: Path, result: ImportResult) -> list[str]:
    """Copy a folder or unpack a .zip into dest (refusing unsafe members); relative paths."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
        for p in files:
            target = dest / p.relative_to(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, target)
        return [p.relative_to(path).as_posix() for p in files]
    if not zipfile.is_zipfile(path):
        raise CourseError(f"path {path} is neither a folder nor a .zip archive")
    names = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = info.filename
            if info.is_dir():
                continue
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts:
                result.rejected.append(Rejected(name, "unsafe path inside the archive"))
            elif info.file_size > MAX_MEMBER_BYTES:
                result.rejected.append(Rejected(name, f"larger than {MAX_MEMBER_BYTES} bytes"))
            else:
                target = dest.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(info))
                names.append(name)
    return names


def _valid_notebook(path: Path) -> str | None:
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as exc:  # any unreadable file is reported, never dropped
        return f"not a valid notebook ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})"
    return None


def plan(staged: Path, names: list[str], assignments, assignment, result: ImportResult) -> None:
    """Fill result with a decision for every staged file; one kept file per student × assignment."""
    kept: dict[tuple[str, str], Placed] = {}
    for name in names:
        decision = classify(name, assignments, assignment)
        if isinstance(decision, Placed) and (reason := _valid_notebook(staged / name)):
            decision = Rejected(name, reason)
        if isinstance(decision, Rejected):
            result.rejected.append(decision)
            continue
        key = (decision.student, decision.assignment)
        old = kept.get(key)
        if old is not None:
            newer, older = (decision, old) if decision.order >= old.order else (old, decision)
            result.rejected.append(Rejected(older.source, f"an older duplicate: kept {newer.source}"))
            decision = newer
        kept[key] = decision
    result.placed.extend(sorted(kept.values(), key=lambda p: (p.assignment, p.student)))


def _zip_collect(root: Path, aid: str, staged: Path, placed: list[Placed]) -> None:
    from nbgrader.apps.zipcollectapp import ZipCollectApp
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    archive = root / "downloaded" / aid / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    for p in placed:
        target = archive / p.student / f"{aid}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(staged / p.source, target)
    config = course_dir.load_config(root)
    config.ZipCollectApp.update(force=True, strict=True, log_level="ERROR")
    config.ExtractorPlugin.force = True
    config.FileNameCollectorPlugin.named_regexp = (
        r".*/extracted/(?P<student_id>[^/]+)/(?P<file_id>[^/]+\.ipynb)$")
    app = ZipCollectApp(config=config)
    app.coursedir = CourseDirectory(config=config, root=str(root), assignment_id=aid)
    result = capture_log(app)
    if not result["success"]:
        raise CourseError(f"nbgrader zip_collect {aid} failed:\n"
                          f"{result.get('log', '')}{result.get('error', '')}".strip())


def import_submissions(course_root, path: Path, assignment: str | None = None) -> ImportResult:
    root = course_dir.require_course(course_root)
    path = Path(path)
    if not path.exists():
        raise CourseError(f"path {path} does not exist")
    assignments = sorted(p.name for p in (root / "release").glob("*") if p.is_dir())
    if not assignments:
        raise CourseError("no assignment is released yet: run `python -m autograder release` first")
    if assignment is not None and assignment not in assignments:
        raise CourseError(f"--assignment {assignment} is not a released assignment of this course "
                          f"({', '.join(assignments)})")
    result = ImportResult()
    with tempfile.TemporaryDirectory(prefix="import-") as tmp:
        staged = Path(tmp)
        names = _stage(path, staged, result)
        plan(staged, names, assignments, assignment, result)
        for aid in sorted({p.assignment for p in result.placed}):
            _zip_collect(root, aid, staged, [p for p in result.placed if p.assignment == aid])
    lost = [p.source for p in result.placed
            if not (root / "submitted" / p.student / p.assignment / f"{p.assignment}.ipynb").is_file()]
    if lost:
        raise CourseError(f"nbgrader zip_collect did not place: {', '.join(lost)}")
    return result


def format_result(result: ImportResult) -> str:
    lines = [f"imported {len(result.placed)} notebook(s):"]
    lines += [f"  {p.source} -> submitted/{p.student}/{p.assignment}/{p.assignment}.ipynb"
              + (f"  ({p.note})" if p.note else "") for p in result.placed]
    if result.rejected:
        lines.append(f"NOT imported ({len(result.rejected)}), fix and import again:")
        lines += [f"  {r.source}: {r.reason}" for r in result.rejected]
    return "\n".join(lines)
