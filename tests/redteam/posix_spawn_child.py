"""os.posix_spawn / os.posix_spawnp / os.spawnv and subprocess.Popen: the documented ways to start
a process, each tried; the child copies the gradebook into the working directory and writes outside.

Got out: the copied gradebook's contents reach the output or a marked file exists on the host.
"""
import os

subprocess = _sys.modules["subprocess"]  # already loaded by the kernel; `import subprocess` is reported

code = (f"import shutil\nshutil.copy('{_COURSE}/gradebook.db', 'stolen-{_MARK}.db')\n"
        f"open('/tmp/{_MARK}-spawn', 'w').write('x')\nopen('{_COURSE}/{_MARK}-spawn', 'w').write('x')\n")
for name, start in (("posix_spawn", lambda: os.waitpid(os.posix_spawn(_sys.executable, [_sys.executable, "-c", code], dict(os.environ)), 0)),
                    ("posix_spawnp", lambda: os.waitpid(os.posix_spawnp("python3", ["python3", "-c", code], dict(os.environ)), 0)),
                    ("spawnv", lambda: os.spawnv(os.P_WAIT, _sys.executable, [_sys.executable, "-c", code])),
                    ("Popen", lambda: subprocess.run([_sys.executable, "-c", code], timeout=60))):
    try:
        print(name, start())
    except Exception as exc:
        print(name, type(exc).__name__, exc)
try:
    _leak(open(f"stolen-{_MARK}.db", "rb").read(), "stolen")
except OSError as exc:
    print("nothing stolen", exc)
