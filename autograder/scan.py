"""Static scan of the code a learner wrote, for attempts to change the code that grades them.

Flags: assigning to (or deleting) attributes of imported modules or of names imported from them
(`np.allclose = ...`, `check.check_x.__code__ = ...`), setattr/delattr on them, edits of
builtins, sys.modules, __code__/__globals__/__dict__/__class__, exec/eval/compile/__import__,
importlib, ctypes/cffi/gc/mock, frame tricks (f_globals), answer classes that define
__eq__ and other comparison methods, IPython shell escapes and magics other than
%matplotlib, %time and %timeit (the code %time/%timeit and %%time/%%timeit run is scanned
like the cell's own).

It is a REPORT for the instructor, not a security boundary and not a grading rule: a flagged
cell adds a reason and sets the submission's needs-review flag; scores are left as nbgrader and
VerifyChecks (which re-decides every check cell outside the kernel, autograder/verify.py) gave
them. Containment is the sandbox's job (autograder/sandbox.py).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

DANGEROUS_CALLS = {"exec", "eval", "compile", "__import__", "globals", "vars", "breakpoint"}
DANGEROUS_MODULES = {"importlib", "ctypes", "cffi", "gc", "builtins", "__builtin__", "unittest", "mock",
                     "subprocess", "marshal"}
DUNDER_TARGETS = {"__code__", "__globals__", "__dict__", "__class__", "__builtins__", "__defaults__",
                  "__kwdefaults__", "__eq__", "__closure__", "__func__", "__self__", "__getattribute__"}
ALLOWED_MAGICS = {"matplotlib", "time", "timeit"}
CODE_MAGICS = {"time", "timeit"}  # they run the code they are given: it is scanned like the cell
_TIMEIT_OPTIONS = re.compile(r"^\s*(?:-(?:[nrp]\s*[\d.]+|[tcqo])(?:\s+|$))*")


@dataclass(frozen=True)
class Finding:
    cell: int
    line: int
    what: str


def _root(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else None


def _to_python(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(source)


def imported_names(sources: list[str]) -> set[str]:
    names = {"np", "numpy", "plt", "math", "course_lib", "builtins", "sys", "os", "__builtins__"}
    for source in sources:
        try:
            tree = ast.parse(_to_python(source))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


class _Visitor(ast.NodeVisitor):
    def __init__(self, imported: set[str]):
        self.imported = imported
        self.found: list[tuple[int, str]] = []

    def flag(self, node, what):
        self.found.append((getattr(node, "lineno", 0), what))

    def _target(self, target, verb):
        if isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                self._target(t, verb)
        elif isinstance(target, ast.Attribute):
            text = ast.unparse(target)
            if target.attr in DUNDER_TARGETS:
                self.flag(target, f"{verb} {text}")
            elif _root(target) in self.imported:
                self.flag(target, f"{verb} {text}, an attribute of imported code")
        elif isinstance(target, ast.Subscript):
            text = ast.unparse(target)
            if any(k in text for k in ("sys.modules", "__builtins__", "builtins", "__dict__", "globals()")):
                self.flag(target, f"{verb} {text}")
        elif isinstance(target, ast.Name) and target.id in ("__builtins__", "__import__"):
            self.flag(target, f"{verb} {target.id}")

    def visit_Assign(self, node):
        for t in node.targets:
            self._target(t, "assigns")
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._target(node.target, "assigns")
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._target(node.target, "assigns")
        self.generic_visit(node)

    def visit_Delete(self, node):
        for t in node.targets:
            self._target(t, "deletes")
        self.generic_visit(node)

    def visit_Import(self, node):
        for a in node.names:
            if a.name in DANGEROUS_MODULES or a.name.split(".")[0] in DANGEROUS_MODULES:
                self.flag(node, f"imports {a.name}")

    def visit_ImportFrom(self, node):
        if node.module and (node.module in DANGEROUS_MODULES or node.module.split(".")[0] in DANGEROUS_MODULES):
            self.flag(node, f"imports from {node.module}")

    def visit_Call(self, node):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else None
        if name in DANGEROUS_CALLS:
            self.flag(node, f"calls {name}()")
        if name in ("setattr", "delattr", "object.__setattr__") and node.args:
            if _root(node.args[0]) in self.imported or isinstance(node.args[0], ast.Call):
                self.flag(node, f"calls {name}() on {ast.unparse(node.args[0])}")
        if isinstance(func, ast.Attribute) and func.attr in ("__setattr__", "__delattr__"):
            self.flag(node, f"calls {ast.unparse(func)}()")
        if isinstance(func, ast.Attribute) and _root(func) == "get_ipython":
            magic = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            allowed = magic in ALLOWED_MAGICS if func.attr == "run_line_magic" else (
                func.attr == "run_cell_magic" and magic in CODE_MAGICS)
            if not allowed:
                self.flag(node, f"runs IPython {func.attr}({magic or ''}) (shell or magic)")
            elif magic in CODE_MAGICS:
                for code in node.args[1:]:
                    self._scan_magic_code(node, magic, code)
        self.generic_visit(node)

    def _scan_magic_code(self, node, magic, code):
        text = code.value if isinstance(code, ast.Constant) and isinstance(code.value, str) else None
        try:
            tree = ast.parse(_TIMEIT_OPTIONS.sub("", text, count=1)) if text is not None else None
        except (SyntaxError, ValueError):
            tree = None
        if tree is None:
            self.flag(node, f"runs IPython magic {magic} on code the scan cannot read")
            return
        inner = _Visitor(self.imported)
        inner.visit(tree)
        self.found += [(getattr(node, "lineno", 0), what) for _, what in inner.found]

    def visit_FunctionDef(self, node):
        if node.name in ("__eq__", "__ne__", "__bool__", "__float__", "__abs__", "__sub__", "__rsub__",
                         "__lt__", "__le__", "__gt__", "__ge__", "__instancecheck__"):
            self.flag(node, f"defines {node.name} (an answer object that can fool a comparison)")
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if node.attr in ("__code__", "__globals__", "__builtins__", "__subclasses__", "f_globals", "f_locals", "f_back"):
            self.flag(node, f"uses {ast.unparse(node)}")
        self.generic_visit(node)


def scan_cell(source: str, imported: set[str]) -> list[tuple[int, str]]:
    try:
        tree = ast.parse(_to_python(source))
    except (SyntaxError, ValueError):
        return []  # it will fail when run; nothing it could patch
    visitor = _Visitor(imported)
    visitor.visit(tree)
    return sorted(set(visitor.found))


def scan_notebook(nb, learner_cells: list[int]) -> list[Finding]:
    """Scan the cells at `learner_cells` (indices into nb.cells); names imported anywhere count."""
    imported = imported_names([c.source for c in nb.cells if c.cell_type == "code"])
    found = []
    for index in learner_cells:
        cell = nb.cells[index]
        if cell.cell_type == "code":
            found += [Finding(index, line, what) for line, what in scan_cell(cell.source, imported)]
    return found
