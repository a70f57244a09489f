"""The grading sandbox, shown from inside a real kernel: real bwrap, a real zygote, jupyter_client/nbclient.

Each test runs learner-style code in a kernel forked by a sandboxed Zygote and checks what it
could (not) do; sandbox.py's docstring names the test for each claim.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid

import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from autograder import sandbox
from autograder.engine_execute import SandboxedExecute
from autograder.engine_kernel import SandboxKernelManager, Zygote
from autograder.limits import Limits

pytestmark = pytest.mark.skipif(sandbox.unavailable_reason() is not None,
                                reason=f"no sandbox here: {sandbox.unavailable_reason()}")
REPO = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
LIMITS = Limits(cell_timeout=20, notebook_timeout=120, memory_mb=1536, processes=64, file_mb=64)
SLOT = 3
SECRET = "AUTOGRADER_TEST_SECRET"


@pytest.fixture(scope="module")
def zygote(tmp_path_factory):
    os.environ[SECRET] = "hunter2-" + uuid.uuid4().hex  # the grader's environment: must not reach a kernel
    try:
        with Zygote(str(tmp_path_factory.mktemp("zygote")), LIMITS, sandbox=True, slot=SLOT) as z:
            yield z
    finally:
        os.environ.pop(SECRET, None)


def _manager(z: Zygote, files=None) -> SandboxKernelManager:
    return SandboxKernelManager(zygote_address=z.address, job_id=uuid.uuid4().hex,
                                job_files=files or {"submission.ipynb": b"{}"})


def _texts(nb) -> list[str]:
    out = []
    for cell in nb.cells:
        text = ""
        for o in cell.outputs:
            if o.output_type == "stream":
                text += o.text
            elif o.output_type == "error":
                text += f"!{o.ename}: {o.evalue}\n"
        out.append(text)
    return out


def run(z: Zygote, *sources: str, timeout: float = 60, km=None, keep=False):
    """Run cells in a fresh sandboxed kernel; the text each printed (errors as '!Name: value')."""
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    km = km or _manager(z)
    client = NotebookClient(nb, km=km, timeout=int(timeout), allow_errors=True, interrupt_on_timeout=True)
    try:
        client.execute()
    finally:
        if client.kc is not None:
            client.kc.stop_channels()  # the kernel may stay (keep), this client goes
        if not keep:
            run_sync(km.shutdown_kernel)(now=True)
    return _texts(nb)


def _json(text: str):
    return json.loads(text.strip().splitlines()[-1])


def _namespace_pids(z: Zygote) -> list[int]:
    """Host pids of every process in the zygote's PID namespace."""
    ns = os.readlink(f"/proc/{z.pid}/ns/pid")
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.readlink(f"/proc/{name}/ns/pid") == ns:
                    pids.append(int(name))
            except OSError:
                pass
    return pids


def test_the_zygote_is_sandboxed_with_a_cgroup(zygote):
    assert zygote.sandboxed and zygote.pid
    assert zygote.limits_enforced.startswith("cgroup"), zygote.limits_enforced
    assert os.readlink(f"/proc/{zygote.pid}/ns/net") != os.readlink("/proc/self/ns/net")


def test_identity_and_capabilities(zygote):
    [text] = run(zygote, "import os, json\n"
                         "status = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines())\n"
                         "print(json.dumps({'uid': os.getuid(), 'euid': os.geteuid(), 'gid': os.getgid(),\n"
                         "  'groups': os.getgroups(), **{k: status[k].strip() for k in\n"
                         "  ('CapEff', 'CapPrm', 'CapInh', 'CapAmb', 'CapBnd', 'NoNewPrivs')}}))")
    got = _json(text)
    assert got["uid"] == got["euid"] == got["gid"] == sandbox.kernel_uid(SLOT) != 0
    assert got["groups"] == []
    for cap in ("CapEff", "CapPrm", "CapInh", "CapAmb", "CapBnd"):
        assert int(got[cap], 16) == 0, (cap, got)
    assert got["NoNewPrivs"] == "1"


def test_course_lib_and_the_autograder_import_inside(zygote):
    [text] = run(zygote, "import course_lib, course_lib.check, autograder.selfgrade, numpy, matplotlib\n"
                         "print(course_lib.__file__)")
    assert text.strip() == os.path.join(REPO, "course_lib", "__init__.py")


def test_cannot_read_the_course(zygote, tmp_path):
    canaries = [os.path.join(REPO, f".canary-{uuid.uuid4().hex}"),
                os.path.join(REPO, "autograder", "course", f"canary-{uuid.uuid4().hex}.db"),
                str(tmp_path / "other-learner.ipynb")]  # a sibling of the zygote's own temp dir
    for path in canaries:
        with open(path, "w") as f:
            f.write("secret")
    try:
        paths = canaries + [os.path.join(REPO, "solutions"), os.path.join(REPO, "README.md"),
                            os.path.join(REPO, "autograder", "course", "nbgrader_config.py"),
                            os.path.dirname(zygote.base), "/root/.bash_history", "/etc/shadow"]
        [text] = run(zygote, "import os, json\nresult = {}\n"
                             f"for p in {paths!r}:\n"
                             "    try:\n"
                             "        open(p).read() if not os.path.isdir(p) else os.listdir(p)\n"
                             "        result[p] = 'read'\n"
                             "    except Exception as e:\n"
                             "        result[p] = type(e).__name__\n"
                             "print(json.dumps({'result': result, 'root': sorted(os.listdir('/root')),\n"
                             f"  'repo': sorted(os.listdir({REPO!r})), 'autograder': sorted(os.listdir({REPO + '/autograder'!r}))}}))")
        got = _json(text)
        assert all(v != "read" for v in got["result"].values()), got["result"]
        assert got["root"] == [".pyenv"]
        assert set(got["repo"]) <= {".venv", "course_lib", "autograder"}, got["repo"]
        assert "course" not in got["autograder"] and all(n.endswith(".py") or n == "__pycache__" for n in got["autograder"])
    finally:
        for path in canaries:
            os.remove(path)


def test_no_network(zygote):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        [text] = run(zygote, "import socket, subprocess, sys\n"
                             "def attempt():\n"
                             "    try:\n"
                             f"        socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
                             "        return 'connected'\n"
                             "    except OSError as e:\n"
                             "        return type(e).__name__\n"
                             "print(attempt())\n"
                             "child = subprocess.run([sys.executable, '-c', 'import socket; socket.create_connection(("
                             f"\"127.0.0.1\", {port}), timeout=3)'], capture_output=True)\n"
                             "print(child.returncode)")
        first, code = text.split()
        assert first != "connected" and code != "0", text
        listener.settimeout(0.5)
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()


def test_only_own_processes_visible(zygote):
    [text] = run(zygote, "import os, json, signal\n"
                         "pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"
                         "try:\n"
                         "    os.kill(1, signal.SIGKILL)\n"
                         "    killed = 'sent'\n"
                         "except OSError as e:\n"
                         "    killed = type(e).__name__\n"
                         "environ = 'read'\n"
                         "try:\n"
                         "    open('/proc/1/environ').read()\n"
                         "except OSError as e:\n"
                         "    environ = type(e).__name__\n"
                         "print(json.dumps({'pids': pids, 'me': os.getpid(), 'killed': killed, 'environ': environ}))")
    got = _json(text)
    assert got["pids"] == [1, got["me"]], got
    assert got["killed"] == "PermissionError" and got["environ"] == "PermissionError"
    assert zygote.process.poll() is None  # the zygote is still there


def test_rlimits_cannot_be_raised(zygote):
    [text] = run(zygote, "import resource, json\n"
                         "names = ['RLIMIT_AS', 'RLIMIT_CPU', 'RLIMIT_NPROC', 'RLIMIT_FSIZE', 'RLIMIT_CORE']\n"
                         "limits = {n: resource.getrlimit(getattr(resource, n)) for n in names}\n"
                         "raised = {}\n"
                         "for n in names:\n"
                         "    soft, hard = limits[n]\n"
                         "    try:\n"
                         "        resource.setrlimit(getattr(resource, n), (hard + 1, hard + 1))\n"
                         "        raised[n] = 'raised'\n"
                         "    except (ValueError, OSError) as e:\n"
                         "        raised[n] = type(e).__name__\n"
                         "print(json.dumps({'limits': limits, 'raised': raised}))")
    got = _json(text)
    mb = 1024 * 1024
    assert got["limits"] == {"RLIMIT_AS": [LIMITS.memory_mb * mb] * 2, "RLIMIT_CPU": [LIMITS.cpu_seconds] * 2,
                             "RLIMIT_NPROC": [LIMITS.processes] * 2, "RLIMIT_FSIZE": [LIMITS.file_mb * mb] * 2,
                             "RLIMIT_CORE": [0, 0]}
    assert "raised" not in got["raised"].values(), got["raised"]


def test_setsid_double_fork_dies_with_the_kernel(zygote):
    km = _manager(zygote)
    [text] = run(zygote, "import os, time\n"
                         "r, w = os.pipe()\n"
                         "if os.fork() == 0:\n"
                         "    os.setsid()\n"
                         "    if os.fork() == 0:\n"
                         "        os.write(w, str(os.getpid()).encode())\n"
                         "        while True:\n"
                         "            time.sleep(1)\n"
                         "    os._exit(0)\n"
                         "print('survivor', os.read(r, 32).decode())", km=km, keep=True)
    assert text.startswith("survivor"), text
    assert len(_namespace_pids(zygote)) >= 3  # zygote, kernel, the setsid grandchild
    run_sync(km.shutdown_kernel)(now=True)
    deadline = time.monotonic() + 30  # a hang guard only
    while _namespace_pids(zygote) != [zygote.pid] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _namespace_pids(zygote) == [zygote.pid]


def test_memory_hog_is_killed_and_reported(zygote, tmp_path):
    """tmpfs pages count against the zygote's memory cgroup, not against RLIMIT_AS: the OOM killer
    takes the kernel; SandboxedExecute reports it, restarts it and goes on."""
    before = zygote.cgroup.oom_kills()
    hog = ("chunk = b'x' * (32 * 1024 * 1024)\n"
           f"for i in range({2 * (LIMITS.memory_mb + 1024) // 32}):\n"
           "    with open(f'/tmp/hog{i}', 'wb') as f:\n"
           "        f.write(chunk)\n"
           "print('not killed')")
    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell(hog), new_code_cell("print('after', x)")])
    (tmp_path / "n.ipynb").write_text(nbformat.writes(nb))
    c = Config()
    c.SandboxKernelManager.zygote_address = zygote.address
    c.SandboxedExecute.timeout = 60
    execute = SandboxedExecute(config=c)
    nb, _ = execute.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    texts = _texts(nb)
    assert "not killed" not in texts[1] and "!KernelDied" in texts[1], texts
    assert texts[2].strip() == "after 1"  # restarted, earlier cells replayed
    assert any("kernel died" in issue for issue in execute.issues), execute.issues
    assert zygote.cgroup.oom_kills() > before
    assert zygote.process.poll() is None


def test_environment_is_an_allow_list(zygote, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # as nbgrader's autograde sets it
    [text] = run(zygote, "import os, json\nprint(json.dumps(dict(os.environ)))")
    env = _json(text)
    assert env["NBGRADER_EXECUTION"] == "autograde"
    assert SECRET not in env and not any(os.environ[SECRET] in v for v in env.values())
    ipykernel_own = {"CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "GIT_PAGER", "PAGER", "TERM", "PYDEVD_USE_FRAME_EVAL"}
    assert set(env) <= set(sandbox.kernel_env({"NBGRADER_EXECUTION": "x"})) | ipykernel_own, set(env)
    assert env["HOME"] == sandbox.JOB


def test_planted_symlinks_are_not_followed(zygote, tmp_path):
    canary = tmp_path / "host-file.txt"
    canary.write_text("untouched")
    km = _manager(zygote)
    [text] = run(zygote, "import os, json, socket\nresult = {}\n"
                         "for name in os.listdir('/conn/k'):\n"
                         "    os.unlink(os.path.join('/conn/k', name))\n"
                         "for n in range(1, 12):\n"
                         f"    os.symlink({str(canary)!r}, f'/conn/k/kernel-{{n}}')\n"
                         f"os.symlink({str(canary)!r}, '/conn/k/kernel.json')\n"
                         "for what, act in [('ready', lambda: os.symlink('/etc', '/conn/ready/kernel-1')),\n"
                         "                  ('ready-unlink', lambda: os.unlink(sorted(os.listdir('/conn/ready'))[0])),\n"
                         "                  ('conn', lambda: os.symlink('/etc', '/conn/evil')),\n"
                         "                  ('control', lambda: os.unlink('/conn/zygote.sock')),\n"
                         "                  ('request', lambda: socket.socket(socket.AF_UNIX).connect('/conn/zygote.sock'))]:\n"
                         "    try:\n"
                         "        act()\n"
                         "        result[what] = 'done'\n"
                         "    except OSError as e:\n"
                         "        result[what] = type(e).__name__\n"
                         "print(json.dumps(result))", km=km, keep=True)
    assert set(_json(text).values()) == {"PermissionError"}, text
    run_sync(km.restart_kernel)(now=True)  # jupyter_client cleans the ipc paths up, the zygote starts a new kernel
    [again] = run(zygote, "print('alive')", km=km)
    assert again.strip() == "alive"
    assert canary.read_text() == "untouched"


def test_interrupt_reaches_the_kernel(zygote):
    spin, after = run(zygote, "while True:\n    pass", "print('next cell ran')", timeout=3)
    assert "!KeyboardInterrupt" in spin, spin
    assert after.strip() == "next cell ran"


def test_kernels_never_get_a_host_signal(zygote, monkeypatch):
    """Interrupt and kill travel as zygote requests: os.kill/os.killpg are never called here."""
    def refuse(*args):
        raise AssertionError(f"host signal sent: {args}")
    km = _manager(zygote)
    monkeypatch.setattr(os, "kill", refuse)
    monkeypatch.setattr(os, "killpg", refuse)
    spin, after = run(zygote, "while True:\n    pass", "print(1)", timeout=3, km=km)
    assert "KeyboardInterrupt" in spin and after.strip() == "1"


def _reason_when(monkeypatch, patch) -> str:
    """unavailable_reason() on a machine changed by patch(monkeypatch); the cache is left clean."""
    patch(monkeypatch)
    sandbox.unavailable_reason.cache_clear()
    try:
        return sandbox.unavailable_reason()
    finally:
        monkeypatch.undo()
        sandbox.unavailable_reason.cache_clear()


def test_unavailable_reason_names_what_to_install(monkeypatch, tmp_path):
    assert sandbox.unavailable_reason() is None
    reason = _reason_when(monkeypatch, lambda m: m.setenv("PATH", str(tmp_path)))  # no bwrap on this PATH
    assert "apt-get install bubblewrap" in reason and "--no-sandbox" in reason


def test_unavailable_reason_says_the_sandbox_needs_root(monkeypatch):
    reason = _reason_when(monkeypatch, lambda m: m.setattr(sandbox.os, "geteuid", lambda: 1000))
    assert "needs root" in reason and "--no-sandbox" in reason


def test_unconfined_zygote_still_grades(tmp_path):
    with Zygote(str(tmp_path), LIMITS, sandbox=False, slot=0) as z:
        assert not z.sandboxed and z.limits_enforced.startswith("rlimits only")
        [text] = run(z, "import os, course_lib\nprint(os.getcwd() == os.environ['HOME'], sorted(os.listdir('.')))")
    assert text.strip() == "True ['submission.ipynb']"


def test_a_new_job_gets_a_fresh_job_dir(zygote):
    first = run(zygote, "open('scratch.txt', 'w').write('left behind')\nimport os\nprint(sorted(os.listdir('.')))",
                km=SandboxKernelManager(zygote_address=zygote.address, job_id="job-a", job_files={"a.py": b"A = 1"}))
    second = run(zygote, "import os\nprint(sorted(os.listdir('.')))",
                 km=SandboxKernelManager(zygote_address=zygote.address, job_id="job-b",
                                         job_files={"sub/b.txt": b"b", "../escape": b"x"}))
    assert first == ["['a.py', 'scratch.txt']\n"] and second == ["['sub']\n"], (first, second)


def test_a_kernel_cannot_read_earlier_kernels_output(zygote):
    """A kernel's stdout/stderr is its own pipe (the zygote copies it into its log): re-opened through
    /proc/self/fd it shows nothing of an earlier kernel, and no other descriptor of the zygote is inherited."""
    mark = "earlier-learner-" + uuid.uuid4().hex
    run(zygote, f"import os\nos.write(2, b'{mark}\\n')")
    probe = ("import os, stat, json, select\n"
             "seen = {}\n"
             "for fd in sorted(os.listdir('/proc/self/fd'), key=int):\n"
             "    try:\n"
             "        mode = os.stat(f'/proc/self/fd/{fd}').st_mode\n"
             "    except OSError:\n"
             "        continue\n"
             "    kind = 'reg' if stat.S_ISREG(mode) else 'fifo' if stat.S_ISFIFO(mode) else 'sock' if stat.S_ISSOCK(mode) else 'other'\n"
             "    text = ''\n"
             "    if kind in ('reg', 'fifo'):\n"
             "        try:\n"
             "            r = os.open(f'/proc/self/fd/{fd}', os.O_RDONLY | os.O_NONBLOCK)\n"
             "            try:\n"
             "                text = os.read(r, 1 << 20).decode(errors='replace')\n"
             "            except BlockingIOError:\n"
             "                pass\n"
             "            os.close(r)\n"
             "        except OSError as exc:\n"
             "            text = 'refused'\n"
             "    seen[fd] = [kind, text]\n"
             "print(json.dumps(seen))")
    seen = _json(run(zygote, probe)[0])
    assert seen["1"][0] == "fifo" and seen["2"][0] == "fifo", seen
    assert not any(mark in text for _, text in seen.values()), seen
    assert not any(kind == "reg" for kind, _ in seen.values()), seen  # no log file, no file of the zygote
    with open(os.path.join(zygote.base, "zygote.log"), encoding="utf-8", errors="replace") as f:
        assert mark in f.read()  # what the kernel wrote is still in the instructor's log


def test_code_under_tmp_is_bound_over_the_sandbox_tmp(tmp_path, monkeypatch):
    """A venv or checkout made under /tmp (Binder's test, a CI runner) stays in view over the kernel's
    tmpfs /tmp; between kernels it is not wiped, and a kernel can neither move nor change it."""
    code = tmp_path / "code"
    code.mkdir()
    (code / "marker.txt").write_text("bound")
    assert str(code).startswith("/tmp/"), code
    top = "/tmp/" + os.path.relpath(code, "/tmp").split(os.sep)[0]
    real = sandbox.code_binds
    monkeypatch.setattr(sandbox, "code_binds", lambda: real() + [str(code)])
    marker = str(code / "marker.txt")
    attack = (f"import os\nprint(open({marker!r}).read())\n"
              "for op in (lambda: os.rename(" + repr(top) + ", '/tmp/moved'), lambda: open(" + repr(marker) + ", 'w')):\n"
              "    try:\n        op()\n        print('done')\n    except OSError:\n        print('refused')\n"
              "open('/tmp/mine', 'w').write('x')")
    with Zygote(str(tmp_path / "z"), LIMITS, sandbox=True, slot=SLOT + 1) as z:
        first = run(z, attack)
        second = run(z, f"import os\nprint(open({marker!r}).read(), os.path.exists('/tmp/mine'))")
    assert first == ["bound\nrefused\nrefused\n"], first
    assert second == ["bound False\n"], second


def test_widget_state_never_reaches_the_notebook_metadata():
    c = Config()
    c.SandboxedExecute.store_widget_state = True  # even when a course config asks for it
    assert SandboxedExecute(config=c).store_widget_state is False
