"""Rewrite the instructor's course from a child process (no audit hook there): append to
nbgrader_config.py (a config line would run as the instructor at the next nbgrader command),
replace the source notebook's hidden tests, drop a notebook into another learner's submission,
and create a marked file in release/ and in the repository's autograder/course.

Got out: any course file (config, source, release, submitted/) differs after the run, or a
marked file exists there.
"""
code = f"""
import glob, json
def tryit(what, fn):
    try:
        fn(); print('did', what)
    except Exception as e:
        print(what, type(e).__name__, e)
tryit('config', lambda: open('{_COURSE}/nbgrader_config.py', 'a').write('\\nopen("/tmp/{_MARK}-config", "w")\\n'))
def src():
    p = '{_COURSE}/source/01_gradient_descent/01_gradient_descent.ipynb'
    nb = json.load(open(p))
    for c in nb['cells']:
        c['source'] = 'pass'
    json.dump(nb, open(p, 'w'))
tryit('source', src)
for p in glob.glob('{_COURSE}/submitted/*/01_gradient_descent'):
    tryit(p, lambda: open(p + '/{_MARK}.txt', 'w').write('planted'))
for p in ('{_COURSE}/release/01_gradient_descent/{_MARK}.txt', '{_REPO}/autograder/course/{_MARK}.txt'):
    tryit(p, lambda: open(p, 'w').write('planted'))
"""
print(_py(code)[1].decode(errors="replace"))
