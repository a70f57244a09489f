"""Plant files where they would run or linger on the grading machine: a .pth in the repository's
virtual environment (runs in every later Python there), files in host /tmp, /var/tmp, /dev/shm,
HOME, the repository and the grader's working directory (/proc/<ppid>/cwd), via Python and a child.

Got out: a marked file exists anywhere on the host after the run.
"""
import glob

targets = ["/tmp", "/var/tmp", "/dev/shm", _HOME, _REPO, f"/proc/{_os.getppid()}/cwd", "/proc/1/cwd"]
targets += glob.glob(f"{_REPO}/.venv/lib/python3*/site-packages")
code = "import sys\nfor d in sys.argv[1:]:\n    try:\n        open(d + '/" + _MARK + "-plant.pth', 'w').write('import os\\n'); print('planted', d)\n    except Exception as e:\n        print(d, e)\n"
print(_run([_sys.executable, "-c", code] + targets)[1].decode(errors="replace"))
for d in targets:
    try:
        open(f"{d}/{_MARK}-plant-kernel", "w").write("x")
        print("kernel planted", d)
    except Exception as exc:
        print(d, type(exc).__name__)
