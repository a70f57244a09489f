"""The grader's re-check of a locked check cell, outside the learner's kernel.

``replay_cell(source, records) -> Verdict`` runs the check cell's source (trusted: the
instructor's, restored by nbgrader) with course_lib's check functions for real; the names the
cell does not define are the learner's answers, and they stand for what the kernel recorded
(``course_lib.check.record``): a learner's function answers each call from its record, after the
call's label and arguments are matched. A forged record therefore has to hold the right results
for the hidden inputs, i.e. be a correct answer; a missing, extra, reordered or foreign record fails.

A check cell can be re-checked when it follows the rule ``lint_check_cell`` enforces: it imports
what it uses from course_lib (numpy and math too), and holds only imports, assignments, for loops
and calls of check functions; a learner's name appears only as a direct argument of such a call.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import functools
import hashlib
import io
import json
import linecache
import warnings
from collections.abc import MutableMapping
from dataclasses import dataclass

from course_lib.check import record as _record
from course_lib.check.record import Divergence, MalformedRecord, NotReplayable

ALLOWED_MODULES = ("course_lib", "numpy", "math")
CHECK_MODULE = "course_lib.check"
_BUILTINS = frozenset(dir(builtins))
_PASSED, _FAILED = "passed", "failed"


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str
    verified: bool  # False: the cell runs no course check (or breaks the rule); keep the kernel's verdict


class _Stop(BaseException):
    """A check failed during the re-check: the cell stops there, as it did in the kernel."""


def _check_name(exercise) -> str:
    return f"check_{exercise.exercise_id}"


def _tampered(exercise, what: str) -> Divergence:
    return Divergence(f"the grader's re-check of {_check_name(exercise)} {what}: "
                      "the cell's output was tampered with or cut off")


# ---------------------------------------------------------------- the rule for check cells

@dataclass(frozen=True)
class _Analysis:
    code: object
    filename: str
    learner_names: frozenset
    problems: tuple


def _module_allowed(name: str | None) -> bool:
    return bool(name) and name.split(".")[0] in ALLOWED_MODULES


class _Lint:
    def __init__(self, tree):
        self.tree, self.problems = tree, []
        self.defined, self.checks, self.direct = set(), set(), set()
        self.learner, self.check_calls = set(), 0

    def problem(self, node, text: str) -> None:
        self.problems.append(f"line {getattr(node, 'lineno', '?')}: {text}")

    def collect(self) -> None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if not _module_allowed(alias.name):
                        self.problem(node, f"imports {alias.name}: a check cell imports only from "
                                           f"{', '.join(ALLOWED_MODULES)}")
                    self.defined.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom):
                if node.level or not _module_allowed(node.module):
                    self.problem(node, f"imports from {node.module or '.'}: a check cell imports only from "
                                       f"{', '.join(ALLOWED_MODULES)}")
                for alias in node.names:
                    if alias.name == "*":
                        self.problem(node, "imports *: name what the cell uses")
                        continue
                    bound = alias.asname or alias.name
                    self.defined.add(bound)
                    if node.module and (node.module + ".").startswith(CHECK_MODULE + "."):
                        self.checks.add(bound)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                self.defined.add(node.id)
            elif isinstance(node, ast.arg):
                self.defined.add(node.arg)

    def statements(self, body) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                continue
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                continue
            if isinstance(stmt, ast.Expr) and self._is_check_call(stmt.value):
                self.check_calls += 1
                call = stmt.value
                for arg in call.args + [k.value for k in call.keywords if k.arg is not None]:
                    if isinstance(arg, ast.Name):
                        self.direct.add(id(arg))
                continue
            if isinstance(stmt, ast.Assign) and all(self._names_only(t) for t in stmt.targets):
                continue
            if isinstance(stmt, ast.For) and self._names_only(stmt.target) and not stmt.orelse:
                self.statements(stmt.body)
                continue
            self.problem(stmt, f"a {type(stmt).__name__} statement: a check cell holds only imports, "
                               "assignments, for loops and calls of check functions")

    def _is_check_call(self, node) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.checks

    @staticmethod
    def _names_only(target) -> bool:
        if isinstance(target, ast.Name):
            return True
        return isinstance(target, (ast.Tuple, ast.List)) and all(_Lint._names_only(e) for e in target.elts)

    def names(self) -> None:
        undefined = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in self.defined:
                undefined.setdefault(node.id, []).append(node)
        for name, uses in undefined.items():
            direct = [n for n in uses if id(n) in self.direct]
            if direct and len(direct) == len(uses):
                self.learner.add(name)
            elif direct:
                self.problem(uses[0], f"`{name}` is the learner's and is used other than as an argument of a check")
            elif name not in _BUILTINS:
                self.problem(uses[0], f"`{name}` is not defined in the check cell: import it there "
                                      "(from course_lib, numpy or math; a learner's cell could rebind it)")


@functools.lru_cache(maxsize=256)
def _analyse(source: str) -> _Analysis:
    # a file name of its own: core reads the calling cell's lines (is the failing call a hidden test?)
    filename = f"<check cell {hashlib.sha1(source.encode()).hexdigest()[:12]}>"
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return _Analysis(None, filename, frozenset(), (f"line {error.lineno}: does not parse ({error.msg})",))
    lint = _Lint(tree)
    lint.collect()
    lint.statements(tree.body)
    lint.names()
    if not lint.check_calls:
        lint.problems.append("calls no check function imported from course_lib.check")
    code = compile(tree, filename, "exec") if not lint.problems else None
    return _Analysis(code, filename, frozenset(lint.learner), tuple(lint.problems))


def lint_check_cell(source: str) -> list[str]:
    """What keeps ``source`` from being re-checked outside the kernel (empty: it follows the rule)."""
    return list(_analyse(source).problems)


def learner_names(source: str) -> frozenset:
    """The names a check cell takes from the learner's notebook (its answers)."""
    return _analyse(source).learner_names


# ---------------------------------------------------------------- the re-check

class LearnerProxy:
    """A learner's name in the check cell; a check receives what the record says it was."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        object.__setattr__(self, "name", name)

    def _misuse(self, *args, **kwargs):
        raise NotReplayable(f"the check cell uses `{object.__getattribute__(self, 'name')}` other than "
                            "as an argument of a check")

    __getattr__ = __call__ = __iter__ = __len__ = __bool__ = __getitem__ = _misuse
    __str__ = __format__ = __index__ = __float__ = __int__ = _misuse


class _Namespace(MutableMapping):
    """The cell's module namespace: names it binds go to ``globals`` (its lambdas see them);
    its learner names resolve to proxies, even where a builtin has that name."""

    def __init__(self, learner: frozenset):
        self.globals = {"__name__": "__main__", "__builtins__": builtins}
        self._learner, self._proxies = learner, {}

    def __getitem__(self, name):
        if name in self.globals:
            return self.globals[name]
        if name in self._learner:
            return self._proxies.setdefault(name, LearnerProxy(name))
        raise KeyError(name)

    def __setitem__(self, name, value):
        self.globals[name] = value

    def __delitem__(self, name):
        del self.globals[name]

    def __iter__(self):
        return iter(self.globals)

    def __len__(self):
        return len(self.globals)


class _Session:
    """Hands each check run of the cell its record, and each learner call its recorded answer."""

    replaying = True

    def __init__(self, records):
        self.records = records if type(records) is list else []
        self.next = 0
        self.ran = 0
        self.pending: dict[int, list] = {}
        self.claimed: dict[int, object] = {}  # the verdict each record says the kernel reached

    # called by record.invocation.__enter__
    def begin(self, inv):
        self.ran += 1
        exercise = inv.exercise
        if self.next >= len(self.records):
            raise Divergence(f"the grader's re-check found no record of {_check_name(exercise)}: "
                             "the cell's output was tampered with or cut off")
        rec = self.records[self.next]
        self.next += 1
        if type(rec) is not dict or rec.get("v") != _record.VERSION:
            raise _tampered(exercise, "found a record it cannot read")
        if rec.get("notebook") != exercise.notebook_id or rec.get("exercise") != exercise.exercise_id:
            raise _tampered(exercise, f"found a record of another check ({str(rec.get('exercise'))[:60]}) in its place")
        rec_args, rec_kwargs, calls = rec.get("args"), rec.get("kwargs"), rec.get("calls")
        if type(rec_args) is not list or type(rec_kwargs) is not dict or type(calls) is not list \
                or len(rec_args) != len(inv.args) or list(rec_kwargs) != list(inv.kwargs):
            raise _tampered(exercise, "found a record of a call with other arguments")
        positions = list(range(len(inv.args))) + list(inv.kwargs)
        given = dict(zip(positions, list(inv.args) + list(inv.kwargs.values())))
        recorded = dict(zip(positions, rec_args + list(rec_kwargs.values())))
        seen = {p: self._substitute(inv, p, given, recorded) for p in positions}
        args = tuple(seen[p] for p in positions[:len(inv.args)])
        kwargs = {k: seen[k] for k in inv.kwargs}
        mine_args, mine_kwargs = _record.frozen_args(args, kwargs)
        mine = dict(zip(positions, mine_args + list(mine_kwargs.values())))
        for p in positions:
            if type(given[p]) is not LearnerProxy and mine[p] != recorded[p]:
                raise _tampered(exercise, "found a record made for other inputs")
        self.pending[id(inv)] = list(calls)
        self.claimed[id(inv)] = rec.get("status")
        return args, kwargs

    def _substitute(self, inv, position, given, recorded):
        value = given[position]
        if type(value) is not LearnerProxy:
            return value
        node = recorded[position]
        if type(node) is list and node and node[0] == "fn":
            if len(node) != 4 or not all(type(s) is str for s in node[1:3]):
                raise _tampered(inv.exercise, "found a malformed record of a function")
            first = node[3]
            if first != position:
                if first not in given or type(given[first]) is not LearnerProxy or first == position:
                    raise _tampered(inv.exercise, "found a malformed record of a function")
                return self._substitute(inv, first, given, recorded)
            return _record.Stub(inv, position, node[1], node[2])
        try:
            return _record.thaw(node)
        except MalformedRecord as error:
            raise _tampered(inv.exercise, f"found a malformed record of an answer ({error})") from None

    # called by record.invoke
    def invoke(self, inv, label, func, args, kwargs):
        if type(func) is _record.Stub:
            owner = func.invocation
            target = func.position
        else:
            owner, target = inv, inv.target_of(func)
            if target is None:  # trusted code the kernel did not record either
                return self._call_trusted(label, func, args, kwargs)
        queue = self.pending.get(id(owner))
        if not queue:
            if self.claimed.get(id(owner)) == _PASSED:  # the check failed here, so it asks for more calls
                raise Divergence(f"the grader's re-check of {_check_name(owner.exercise)} fails where the "
                                 "notebook's check passed: the notebook changed course_lib or its output")
            raise _tampered(owner.exercise, f"found no record of the call of {label}")
        call = queue.pop(0)
        if type(call) is not dict or call.get("label") != label or call.get("target") != target:
            raise _tampered(owner.exercise, f"found a record of another call in place of {label}")
        if call.get("fp") != _record.digest((label, args, kwargs)):
            raise _tampered(owner.exercise, f"found a record of {label} for other inputs")
        if type(func) is not _record.Stub:
            return self._call_trusted(label, func, args, kwargs)
        try:
            if "result" in call:
                return _record.thaw(call["result"])
            if "raised" in call:
                error = _record.rebuild_error(call["raised"])
            elif "unreadable" in call and type(call["unreadable"]) is str:
                error = _record.unreadable_failure(label, call["unreadable"][:200])
            else:
                raise MalformedRecord("a call with neither result nor exception")
        except MalformedRecord as why:
            raise _tampered(owner.exercise, f"found a malformed record of {label} ({why})") from None
        raise error

    @staticmethod
    def _call_trusted(label, func, args, kwargs):
        return _record.call_through(None, label, func, args, kwargs)

    # called by record.invocation.__exit__
    def end(self, inv, exc) -> None:
        left = self.pending.pop(id(inv), [])
        self.claimed.pop(id(inv), None)
        if isinstance(exc, (Divergence, NotReplayable, _Stop)):
            return
        if inv.status == _PASSED and exc is None and left:
            raise _tampered(inv.exercise, "found calls in its record that the check does not make")
        if inv.status == _FAILED or exc is not None:
            message = inv.message if inv.status == _FAILED and inv.message else f"{type(exc).__name__}: {exc}"
            raise _Stop(message)


def preload() -> None:
    """Import every part's checks (once per grading worker, before the first re-check)."""
    import importlib

    from course_lib.check import PARTS
    for module in PARTS.values():
        importlib.import_module(f"course_lib.check.{module}")


def replay_cell(source: str, records: list) -> Verdict:
    """Re-run the check cell ``source`` on the kernel's ``records``: the trusted verdict."""
    analysis = _analyse(source)
    if analysis.problems:
        return Verdict(False, "not re-checked: " + "; ".join(analysis.problems), verified=False)
    linecache.cache[analysis.filename] = (len(source), None, source.splitlines(True), analysis.filename)
    try:  # plain JSON types only (a notebook's outputs are dict subclasses)
        records = json.loads(json.dumps(records))
    except (TypeError, ValueError, RecursionError):
        records = [None]
    session = _Session(records)
    namespace = _Namespace(analysis.learner_names)
    failure = None
    token = _record.replaying(session)
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(analysis.code, namespace.globals, namespace)
    except NotReplayable as error:
        return Verdict(False, f"not re-checked: {error}", verified=False)
    except (_Stop, Divergence) as error:
        failure = str(error)
    except Exception as error:  # the cell's own code failed on what the record says
        failure = f"{type(error).__name__}: {error}"
    finally:
        _record.end_replay(token)
    if not session.ran:
        return Verdict(False, "not re-checked: the cell ran no course check", verified=False)
    if failure is None and session.next < len(session.records):
        failure = ("the grader's re-check found records of more checks than the cell runs: "
                   "the cell's output was tampered with")
    return Verdict(failure is None, failure or "", verified=True)
