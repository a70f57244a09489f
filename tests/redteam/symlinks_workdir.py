"""Symlinks in the working directory that make the grader touch host files when it reads back or
cleans up: links to the course's gradebook, source, submitted/, the repository's solutions and
host /etc, named like the files a grader copies back (the notebook itself, extra files,
timestamp.txt); then the kernel dies, so the grader restarts it and looks at the directory again.

Got out: a canary in this learner's autograded files or feedback, a host file changed or removed,
or a marked file created on the host.
"""
import os

links = {
    "stolen_gradebook.db": f"{_COURSE}/gradebook.db",
    "stolen_source.ipynb": f"{_COURSE}/source/01_gradient_descent/01_gradient_descent.ipynb",
    "stolen_solutions.ipynb": f"{_REPO}/solutions/01_gradient_descent.ipynb",
    "stolen_submitted": f"{_COURSE}/submitted",
    "stolen_config.py": f"{_COURSE}/nbgrader_config.py",
    "timestamp.txt": f"{_COURSE}/gradebook.db",
    f"{_MARK}-dangling": f"/tmp/{_MARK}-created-through-link",
    f"{_MARK}-dangling-course": f"{_COURSE}/{_MARK}-created-through-link",
}
for name, target in links.items():
    try:
        if os.path.lexists(name):
            os.remove(name)
        os.symlink(target, name)
        print("linked", name, "->", target)
    except OSError as exc:
        print(name, exc)
try:
    me = "01_gradient_descent.ipynb"
    if os.path.exists(me):
        os.rename(me, "moved.ipynb")
    os.symlink(f"{_COURSE}/gradebook.db", me)
    print("the notebook is now a link")
except OSError as exc:
    print("notebook", exc)
os._exit(1)
