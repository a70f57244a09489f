"""Read the instructor's source notebooks (solutions and hidden tests of every assignment):
solutions/, autograder/course/source, the course's source/ and release/, the gradebook's
source_cells table through a child process, and site-packages' copies (an editable install's
.pth points at the repository).

Got out: solution text or the source canary (a solution that only the source holds) in the output.
"""
import glob
import site

paths = [f"{_REPO}/solutions/01_gradient_descent.ipynb"]
paths += glob.glob(f"{_REPO}/autograder/course/source/*/*.ipynb") + glob.glob(f"{_COURSE}/source/*/*")
for sp in site.getsitepackages():
    for pth in glob.glob(sp + "/*.pth"):
        try:
            for line in open(pth):
                line = line.strip()
                if line.startswith("/"):
                    paths += glob.glob(line + "/solutions/*.ipynb") + glob.glob(line + "/../solutions/*.ipynb")
        except OSError:
            pass
for path in dict.fromkeys(paths):
    status, out = _run(["/bin/cat", path]) if _os.path.exists("/bin/cat") else _py(f"print(open({path!r}).read())")
    _leak(out, path)
