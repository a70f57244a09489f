"""Read other learners' submissions and their graded notebooks: the course's submitted/,
autograded/ and feedback/ at the usual paths, the nbgrader exchange, and any notebook found by
walking from / (depth-limited) — with plain Python and, in case Python is watched, a child.

Got out: another learner's answer text or files (the submission canary) in this output.
"""
import glob

code = f"""
import glob, os, time
paths, budget = [], time.monotonic() + 8
for pat in ('{_COURSE}/submitted/*/*/*', '{_COURSE}/autograded/*/*/*', '{_COURSE}/feedback/*/*/*',
            '{_COURSE}/exchange/**/*', '/srv/nbgrader/exchange/**/*', '/job/../*/*', '/tmp/**/*.ipynb'):
    paths += glob.glob(pat, recursive=True)
for top in ('/', '/home', '/srv', '/tmp', '/var'):
    for root, dirs, files in os.walk(top):
        if root.count('/') > 5 or root.startswith(('/proc', '/sys', '/usr', '/dev', '/root/.pyenv')) or time.monotonic() > budget:
            dirs[:] = []
            continue
        paths += [os.path.join(root, f) for f in files if f.endswith(('.ipynb', '.txt')) and 'submitted' in root]
for p in sorted(set(paths)):
    if os.path.isfile(p):
        try:
            print('==', p, open(p, 'rb').read()[:200000])
        except Exception as e:
            print('==', p, e)
"""
status, out = _py(code, timeout=20)  # under the cell's time limit
_leak(out, "other learners")
