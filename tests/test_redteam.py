"""Red team: hostile submissions graded with honest learners in ONE `python -m autograder autograde`
run (real bubblewrap when the engine has it), then, for each attack: nothing got out.

Each tests/redteam/<name>.py is the code of one answer cell (default: `update`) of an otherwise
untouched submission of 01_gradient_descent, with tests/redteam/_prelude.py in front of it (the
attacker's helpers; placeholders filled below). Directives in the file (`# redteam: key=value`):
cell=<answer grade_id>, student=<id> (where it sorts decides when it is graded), mutate=<notebook JSON mutation below>, canary=hidden (hidden tests count as
secret in the feedback), xfail=<why the attack is inherent> (strict xfail).

What "got out" means, checked for every attack:
- a canary (the instructor's gradebook comment, a solution only the source holds, another learner's
  submission, files in host /tmp and HOME, the grader's environment, the course config), another
  attack's mark (every attack writes its mark on its stderr: another learner's output) or the
  attack's own GOT-OUT report is in its autograded notebook, report or feedback;
- a file whose name carries its mark exists outside its own graded folder, a course file changed;
- the TCP/UDP/unix listeners of this test got its mark; a process carrying its mark is alive after
  grading (the test is a child subreaper: escaped descendants come back to it);
- it scored more than the untouched stub; its feedback or graded notebook holds live script, or is
  larger than 20 MB.
And for the class: every submission has a result, the grader finished, honest learners' gradebook
rows and the manual grades are byte-identical to a run without attackers, no process is left.

Subset: REDTEAM_ONLY=name1,name2. Jobs: REDTEAM_JOBS (default: the CLI's).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from adversarial import real_class
from autograder import course_dir

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]

HERE = Path(__file__).resolve().parent
ATTACKS_DIR = HERE / "redteam"
REPO = course_dir.REPO_ROOT
A = "01_gradient_descent"
HOME = os.path.expanduser("~")
HONEST = {"zz_honest_full": "full", "zz_honest_partial": "partial", "zz_honest_manual": "full", "zz_stub": "stub"}
STUB = "zz_stub"
TIMESTAMP = "2026-12-01 10:00:00.000000 UTC"
HEARTBEAT_WAIT = 20  # seconds the listeners keep listening after grading (for escaped daemons)
MAX_BYTES = 20 << 20
HIDDEN_SNIPPET = "(0.7, -1.3, 0.3)"  # from check_update's hidden tests
SOLUTION_TEXT = "is the watershed"  # from why_start's solution: only solutions/, source/ and the gradebook hold it


def _directives(text: str) -> dict[str, str]:
    return dict(re.findall(r"^# redteam: (\w+)=(.*)$", text, re.M))


def _all_attacks() -> list[str]:
    names = sorted(p.stem for p in ATTACKS_DIR.glob("*.py") if not p.name.startswith("_"))
    only = [n.strip() for n in os.environ.get("REDTEAM_ONLY", "").split(",") if n.strip()]
    unknown = set(only) - set(names)
    if unknown:
        raise ValueError(f"REDTEAM_ONLY names unknown attacks: {sorted(unknown)}")
    return [n for n in names if not only or n in only]


ATTACKS = _all_attacks()


def student_of(name: str) -> str:
    return _directives((ATTACKS_DIR / f"{name}.py").read_text()).get("student", f"rt_{name}")


def _params():
    out = []
    for name in ATTACKS:
        reason = _directives((ATTACKS_DIR / f"{name}.py").read_text()).get("xfail")
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(name, marks=marks, id=name))
    return out


# ---------------------------------------------------------------- hostile notebook JSON

def _cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def _mutate_points(nb):
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta["points"] = 100
    bonus = nbformat.v4.new_code_cell("print('\u2713 passed')")
    bonus.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "locked": True, "points": 1000,
                                  "schema_version": 3, "solution": False}
    copy = nbformat.from_dict(json.loads(json.dumps(_cell(nb, "check_update"))))
    copy.source = "pass"
    copy.metadata["nbgrader"]["locked"] = False
    copy.id = "copy-of-check"
    nb.cells.insert(nb.cells.index(_cell(nb, "check_update")), copy)
    nb.cells.append(bonus)


def _mutate_ids(nb):
    answer, check = _cell(nb, "update"), _cell(nb, "check_update")
    answer.metadata["nbgrader"].update({"grade_id": "check_update", "grade": True, "points": 50})
    check.metadata["nbgrader"]["grade_id"] = "renamed_check"
    why = _cell(nb, "why_start")
    why.cell_type, why.source = "code", "print('\u2713 passed')"
    why.outputs, why.execution_count = [], None
    for cell in nb.cells:
        cell.id = "same-id"
        meta = cell.metadata.get("nbgrader")
        if meta:
            meta["checksum"] = "0" * 32
            meta["schema_version"] = 99
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="\u2713 passed\n")]


def _mutate_bloat(nb):
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {f"w{i}": {"model_name": "x", "state": {"value": "z" * (3 << 20)}} for i in range(10)},
        "version_major": 2, "version_minor": 0}}
    nb.cells += [nbformat.v4.new_markdown_cell("") for _ in range(20000)]
    md = nbformat.v4.new_markdown_cell("![a](attachment:a.png)")
    md.attachments = {"a.png": {"image/png": "A" * (5 << 20)}}
    nb.cells.append(md)


MUTATIONS = {"points": _mutate_points, "ids": _mutate_ids, "bloat": _mutate_bloat}


# ---------------------------------------------------------------- listeners standing in for host services

class Listeners:
    """TCP and UDP on 127.0.0.1, a unix socket in host /tmp and an abstract one: what reaches them."""

    def __init__(self, run_id: str):
        self.got: list[tuple[str, bytes]] = []
        self.stop = threading.Event()
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.unix_path = f"/tmp/redteam-{run_id}.sock"
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.unix.bind(self.unix_path)
        self.unix.listen(64)
        self.abstract_name = f"redteam-{run_id}"
        self.abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.abstract.bind("\0" + self.abstract_name)
        self.abstract.listen(64)
        self.threads = [threading.Thread(target=self._accept, args=(s, k), daemon=True)
                        for s, k in ((self.tcp, "tcp"), (self.unix, "unix"), (self.abstract, "abstract"))]
        self.threads.append(threading.Thread(target=self._udp, daemon=True))
        for t in self.threads:
            t.start()

    @property
    def port(self):
        return self.tcp.getsockname()[1]

    @property
    def udp_port(self):
        return self.udp.getsockname()[1]

    def _accept(self, server, kind):
        server.settimeout(0.5)
        while not self.stop.is_set():
            try:
                conn, _ = server.accept()
            except (socket.timeout, OSError):
                continue
            conn.settimeout(3)
            data = b""
            try:
                while len(data) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
            conn.close()
            self.got.append((kind, data))

    def _udp(self):
        self.udp.settimeout(0.5)
        while not self.stop.is_set():
            try:
                data, _ = self.udp.recvfrom(65536)
            except (socket.timeout, OSError):
                continue
            self.got.append(("udp", data))

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join(5)
        for s in (self.tcp, self.udp, self.unix, self.abstract):
            s.close()
        if os.path.exists(self.unix_path):
            os.remove(self.unix_path)


# ---------------------------------------------------------------- processes

def _become_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def _proc(pid: str, what: str) -> bytes:
    try:
        with open(f"/proc/{pid}/{what}", "rb") as f:
            return f.read()
    except OSError:
        return b""


def _live_children() -> list[int]:
    """Our children that are alive (escaped descendants are re-parented to us); zombies reaped."""
    me, alive = os.getpid(), []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        stat = _proc(pid, "stat").decode(errors="replace")
        try:
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        except (IndexError, ValueError):
            continue
        if int(ppid) != me:
            continue
        if state == "Z":
            try:
                os.waitpid(int(pid), os.WNOHANG)
            except ChildProcessError:
                pass
        else:
            alive.append(int(pid))
    return alive


def _marked_processes(prefix: str) -> dict[int, str]:
    """pid -> mark, for every process on the machine whose environment carries one of this run's marks."""
    found = {}
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        for item in _proc(pid, "environ").split(b"\0"):
            if item.startswith(b"REDTEAM_MARK=" + prefix.encode()):
                found[int(pid)] = item.split(b"=", 1)[1].decode()
    return found


def _uid(pid: int):
    for line in _proc(str(pid), "status").decode(errors="replace").splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    return None


# ---------------------------------------------------------------- the class

def _attack_cell(name: str, fill: dict[str, str]) -> tuple[str, dict]:
    text = (ATTACKS_DIR / f"{name}.py").read_text()
    code = (ATTACKS_DIR / "_prelude.py").read_text() + "\n\n" + text
    for key, value in fill.items():
        code = code.replace(f"__{key}__", value)
    return code, _directives(text)


def _write_submission(root: Path, student: str, nb, files: dict[str, str] | None = None) -> None:
    real_class.submit(root, student, A, nb)
    folder = root / "submitted" / student / A
    (folder / "timestamp.txt").write_text(TIMESTAMP)
    for rel, text in (files or {}).items():
        (folder / rel).write_text(text)


def _build_course(root: Path, canaries: dict[str, str]) -> None:
    course_dir.new_course(root)
    with open(root / course_dir.CONFIG_NAME, "a") as f:
        f.write(f"\n# {canaries['config']}\n")
    source = nbformat.read(course_dir.SOLUTIONS_DIR / f"{A}.ipynb", as_version=4)
    why = _cell(source, "why_start")
    assert "### END SOLUTION" in why.source
    why.source = why.source.replace("### END SOLUTION", f"Secret: {canaries['source']}.\n### END SOLUTION")
    (root / "source" / A).mkdir(parents=True)
    nbformat.write(source, root / "source" / A / f"{A}.ipynb")
    result = course_dir.nbgrader_api(root).generate_assignment(A)
    if not result["success"]:
        raise RuntimeError(result.get("log", "") + (result.get("error") or ""))


def _honest(root: Path, kind: str, canary: str):
    if kind == "stub":
        return real_class.learner_notebook(root, A, lambda gid: "untouched")
    choose = (lambda gid: "right") if kind == "full" else (lambda gid: "untouched" if gid == "better_start" else "right")
    nb = real_class.learner_notebook(root, A, choose)
    _cell(nb, "why_start").source = f"The slope decides the direction; the peak separates them. ({canary})"
    nb.cells.insert(2, nbformat.v4.new_markdown_cell(f"My notes: {canary}"))
    return nb


def _cli(root: Path, *args, env=None, cwd=None, timeout=3600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "--course", str(root), *args],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)


def _autograde(root: Path, env=None, cwd=None) -> subprocess.CompletedProcess:
    jobs = os.environ.get("REDTEAM_JOBS")
    return _cli(root, "autograde", "--quiet", *(["--jobs", jobs] if jobs else []), env=env, cwd=cwd)


def _honest_rows(db: Path, honest: set[str]) -> dict:
    """Every row of the assignment's definition and of the honest learners' submissions, as text;
    plus the set of students (an attacker must not add one)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
    out = {}
    sub_ids = {r[0] for r in con.execute("select id, student_id from submitted_assignment") if r[1] in honest}
    nb_ids = {r[0] for r in con.execute("select id, assignment_id from submitted_notebook") if r[1] in sub_ids}
    for table in tables:
        cols = [r[1] for r in con.execute(f"pragma table_info({table})")]
        rows = con.execute(f"select * from {table}").fetchall()
        if "student_id" in cols:
            rows = [r for r in rows if r[cols.index("student_id")] in honest]
        elif table == "submitted_notebook":
            rows = [r for r in rows if r[cols.index("assignment_id")] in sub_ids]
        elif "notebook_id" in cols and table in ("grade", "comment"):
            rows = [r for r in rows if r[cols.index("notebook_id")] in nb_ids]
        elif table == "student":
            out["student ids"] = sorted(r[0] for r in rows)
            rows = [r for r in rows if r[0] in honest]
        out[table] = sorted(repr(r) for r in rows)
    con.close()
    return out


def _tree_hashes(root: Path, skip=("autograded", "feedback", "reports", "gradebook.db", "gradebook.db-journal")) -> dict:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in skip or path.is_dir() and not path.is_symlink():
            continue
        out[str(rel)] = os.readlink(path) if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _git_state() -> str:
    """The repository's changed and new files, tests/ left out (this suite's own edits; no attack aims there)."""
    r = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO, capture_output=True, text=True)
    return "\n".join(line for line in r.stdout.splitlines() if not line[3:].startswith("tests/"))


def _find_marked(prefix: str, roots: list[tuple[str, int]], exclude: list[Path]) -> list[str]:
    """Paths whose name carries this run's mark under each root (to the given depth)."""
    found, excluded = [], [str(e) for e in exclude]
    for top, depth in roots:
        if not os.path.isdir(top):
            continue
        base = top.rstrip("/").count("/")
        for dirpath, dirs, files in os.walk(top):
            if any(dirpath == e or dirpath.startswith(e + "/") for e in excluded):
                dirs[:] = []
                continue
            if dirpath.count("/") - base >= depth:
                dirs[:] = []
            dirs[:] = [d for d in dirs if d not in (".git", "proc")]
            for name in files + dirs:
                if prefix in name:
                    found.append(os.path.join(dirpath, name))
    return sorted(set(found))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("the red team needs root (the grader runs as root: that is what must be contained)")
    run_id = secrets.token_hex(4)
    prefix = f"rtmark-{run_id}"
    tmp = tmp_path_factory.mktemp("redteam")
    root = tmp / "course"
    canaries = {k: f"CANARY{k.upper()}{secrets.token_hex(6)}" for k in ("config", "source", "gradebook", "submission",
                                                                        "host", "env")}
    _build_course(root, canaries)
    for student, kind in HONEST.items():
        files = {"notes.txt": f"private notes {canaries['submission']}"} if kind != "stub" else None
        _write_submission(root, student, _honest(root, kind, canaries["submission"]), files)
    first = _autograde(root)
    assert first.returncode == 0, first.stdout + first.stderr
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root}/gradebook.db", "how-neural-networks-learn") as gb:  # the instructor's manual work
        why = gb.find_grade("why_start", A, A, "zz_honest_manual")
        why.manual_score = 1.5
        gb.find_comment("why_start", A, A, "zz_honest_manual").manual_comment = f"see me {canaries['gradebook']}"
        gb.find_grade("check_descent", A, A, "zz_honest_manual").extra_credit = 0.5
        gb.db.commit()
    second = _autograde(root)  # the honest class regraded without attackers: the reference state
    assert second.returncode == 0, second.stdout + second.stderr
    stub_score = _score(root, STUB)  # what an untouched notebook earns, before any attacker ran

    host_canaries = [Path(f"/tmp/redteam-canary-{run_id}.txt"), Path(HOME) / f"redteam-canary-{run_id}.txt"]
    for p in host_canaries:
        p.write_text(f"host secret {canaries['host']}\n")
        p.chmod(0o644)
    listeners = Listeners(run_id)
    cwd = tmp / "grader-cwd"
    cwd.mkdir()
    fill = {"COURSE": str(root), "REPO": str(REPO), "HOME": HOME, "PORT": str(listeners.port),
            "UDPPORT": str(listeners.udp_port), "UNIXSOCK": listeners.unix_path, "ABSTRACT": listeners.abstract_name,
            "HOSTPIDNS": os.readlink("/proc/self/ns/pid"), "HOSTNETNS": os.readlink("/proc/self/ns/net"), "ENVNAME": "REDTEAM_CANARY_ENV"}
    meta = {}
    for name in ATTACKS:
        code, directives = _attack_cell(name, {**fill, "MARK": f"{prefix}-{name}"})
        nb = real_class.learner_notebook(root, A, lambda gid: "untouched")
        _cell(nb, directives.get("cell", "update")).source = code
        if "mutate" in directives:
            MUTATIONS[directives["mutate"]](nb)
        _write_submission(root, student_of(name), nb)
        meta[name] = directives
    honest_before = _honest_rows(root / "gradebook.db", set(HONEST))
    course_before, git_before = _tree_hashes(root), _git_state()

    _become_subreaper()
    env = {**os.environ, "REDTEAM_CANARY_ENV": canaries["env"]}
    run = _autograde(root, env=env, cwd=cwd)
    feedback = _cli(root, "feedback", env=env, cwd=cwd, timeout=1800)
    time.sleep(HEARTBEAT_WAIT)  # not an assertion: lets an escaped daemon show itself
    leftovers, marked = _live_children(), _marked_processes(prefix)
    sandbox_uid_procs = {pid: _uid(pid) for pid in set(leftovers) | set(marked)}
    listeners.close()
    state = {
        "root": root, "run": run, "feedback": feedback, "canaries": canaries, "prefix": prefix, "meta": meta,
        "honest_before": honest_before, "honest_after": _honest_rows(root / "gradebook.db", set(HONEST)),
        "course_before": course_before, "course_after": _tree_hashes(root), "git_before": git_before,
        "git_after": _git_state(), "listened": list(listeners.got), "leftovers": leftovers, "marked": marked,
        "uids": sandbox_uid_procs, "stub_score": stub_score,
        "outside": _find_marked(prefix, [("/", 1), ("/tmp", 4), ("/var/tmp", 2), ("/dev/shm", 2), (HOME, 2), (str(REPO), 6),
                                         (str(tmp), 12)],
                                exclude=[root / "autograded", root / "feedback", root / "reports", root / "submitted"]),
        "graded_dirs": {s: [root / d / s for d in ("autograded", "feedback", "reports")]
                        for s in list(HONEST) + [student_of(n) for n in ATTACKS]},
    }
    state["inside_others"] = _find_marked(prefix, [(str(root / d), 6) for d in ("autograded", "feedback", "reports", "submitted")], [])
    yield state
    for pid in set(leftovers) | set(marked):  # processes this run started and the sandbox did not end
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _live_children()
    for path in state["outside"] + [str(p) for p in host_canaries]:
        if not path.startswith(str(tmp)):
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.lexists(path):
                os.remove(path)


def _files(paths) -> dict[str, bytes]:
    out = {}
    for top in paths:
        for p in Path(top).rglob("*") if Path(top).is_dir() else []:
            if p.is_file() and not p.is_symlink():
                out[str(p)] = p.read_bytes()
    return out


def _score(root: Path, student: str) -> float | None:
    con = sqlite3.connect(f"file:{root}/gradebook.db?mode=ro", uri=True)
    rows = con.execute("select coalesce(g.manual_score, g.auto_score, 0) + coalesce(g.extra_credit, 0) from grade g "
                       "join submitted_notebook n on g.notebook_id = n.id join submitted_assignment s on n.assignment_id = s.id "
                       "where s.student_id = ?", (student,)).fetchall()
    con.close()
    return sum(r[0] for r in rows) if rows else None


LIVE_MARKUP = r"<script[^>]*>[^<]*{m}|<(?:img|svg|iframe)[^>]*(?:on\w+|srcdoc)\s*=\s*[\"'][^\"']*{m}|javascript:[^\"')]*{m}"


def _got_out(state, name: str) -> list[str]:
    student, mark = student_of(name), f"{state['prefix']}-{name}"
    root, canaries = state["root"], dict(state["canaries"])
    canaries["solution"] = SOLUTION_TEXT
    problems = []
    files = _files(state["graded_dirs"][student])
    if not files:
        problems.append("no autograded notebook, report or feedback at all")
    for path, data in files.items():
        text = data.decode("utf-8", "replace")
        for what, value in canaries.items():
            if value in text:
                problems.append(f"{what} canary in {Path(path).relative_to(root)}")
        # a truncated copy of its own mark (memory read mid-buffer) is its own, unless it names another attack
        foreign = sorted({m for m in re.findall(re.escape(state["prefix"]) + r"-(\w+)", text)
                          if m != name and not (name.startswith(m) and m not in ATTACKS)})
        if foreign:
            problems.append(f"other learners' marks in {Path(path).relative_to(root)}: {foreign[:5]}")
        if "REDTEAM-GOT-OUT" in text:
            said = sorted(set(re.findall(r"REDTEAM-GOT-OUT: ([^\\\n\"<]{0,160})", text)))
            problems.append(f"self-report in {Path(path).relative_to(root)}: {said[:4]}")
        if state["meta"][name].get("canary") == "hidden" and "feedback" in Path(path).parts and (HIDDEN_SNIPPET in text or HIDDEN_SNIPPET[::-1] in text):
            problems.append(f"hidden tests in the feedback {Path(path).relative_to(root)}")
        if len(data) > MAX_BYTES:
            problems.append(f"{Path(path).relative_to(root)} is {len(data) >> 20} MB")
        live = re.compile(LIVE_MARKUP.replace("{m}", re.escape(mark)))
        if path.endswith(".html") and live.search(text):
            problems.append(f"live script in the feedback {Path(path).relative_to(root)}: {live.search(text).group(0)[:120]}")
        if path.endswith(".ipynb"):
            try:
                nb = json.loads(text)
            except ValueError:
                continue
            for cell in nb.get("cells", []):
                for out in cell.get("outputs", []):
                    data_ = out.get("data", {})
                    if "application/javascript" in data_ or live.search(json.dumps(data_.get("text/html", ""))
                                                                            .replace('\\"', '"')):
                        problems.append(f"executable output kept in the graded notebook ({sorted(data_)})")
    problems += [f"file outside: {p}" for p in state["outside"] if mark in p]
    problems += [f"file in another learner's folder: {p}" for p in state["inside_others"]
                 if mark in p and f"/{student}/" not in p]
    problems += [f"{kind} listener received {data[:80]!r}" for kind, data in state["listened"] if mark.encode() in data]
    problems += [f"process {pid} (uid {state['uids'].get(pid)}) alive after grading" for pid, m in state["marked"].items()
                 if m == mark]
    stub, score = state["stub_score"], _score(root, student)
    if score is not None and stub is not None and score > stub:
        problems.append(f"scored {score} > the untouched stub's {stub}")
    return problems


@pytest.mark.parametrize("name", _params())
def test_attack_did_not_get_out(graded, name):
    problems = _got_out(graded, name)
    report = os.environ.get("REDTEAM_REPORT")
    if report:  # a line per attack for the red team's result table
        with open(report, "a") as f:
            f.write(json.dumps({"attack": name, "problems": problems}) + "\n")
    assert not problems, f"{name} got out:\n  " + "\n  ".join(problems[:25])


def test_the_grader_finished_and_every_submission_has_a_result(graded):
    run = graded["run"]
    assert run.returncode in (0, 1), f"autograde ended with {run.returncode}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    graded_lines = {line.split()[0] for line in run.stdout.splitlines() if line.split()}
    missing = [s for s in graded["graded_dirs"] if s not in graded_lines]
    assert not missing, f"no result line for {missing}\n{run.stdout[-3000:]}"
    no_report = [s for s in graded["graded_dirs"] if not (graded["root"] / "reports" / s / f"{A}.json").exists()]
    assert not no_report, no_report
    assert graded["feedback"].returncode == 0, graded["feedback"].stderr[-3000:]


def test_honest_learners_were_graded(graded):
    root = graded["root"]
    scores = {s: _score(root, s) for s in HONEST}
    assert scores == {"zz_honest_full": 5.0, "zz_honest_partial": 3.0, "zz_honest_manual": 7.0, "zz_stub": 0.0}, scores


def test_honest_rows_and_manual_grades_are_byte_identical(graded):
    before, after = graded["honest_before"], graded["honest_after"]
    expected_students = sorted(set(before["student ids"]) | {student_of(n) for n in ATTACKS})
    assert after["student ids"] == expected_students, "students added or removed by the run"
    changed = {t: (sorted(set(before[t]) - set(after.get(t, []))), sorted(set(after.get(t, [])) - set(before[t])))
               for t in before if t != "student ids" and before[t] != after.get(t)}
    assert not changed, changed


def test_no_course_or_repository_file_changed(graded):
    before, after = graded["course_before"], graded["course_after"]
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert not changed, changed
    assert graded["git_after"] == graded["git_before"], graded["git_after"]


def test_nothing_reached_the_host_services(graded):
    assert not graded["listened"], [(k, d[:100]) for k, d in graded["listened"]]


def test_no_learner_process_survives_grading(graded):
    assert not graded["leftovers"] and not graded["marked"], (
        f"children of the test alive after grading: {graded['leftovers']}; marked: {graded['marked']}; "
        f"uids: {graded['uids']}")


def test_no_other_learner_got_another_learners_plant(graded):
    root = graded["root"]
    for student in HONEST:
        for path, data in _files(graded["graded_dirs"][student]).items():
            assert graded["prefix"].encode() not in data, f"{student}: an attacker's mark in {path}"
