"""Monkeypatch course_lib's checking machinery in the kernel: every check_* of part1 prints a pass,
core.CheckFailed becomes a class nothing raises, core.close/expect_* accept anything, and record's
invoke answers with the reference solution (so the kernel records "correct" results).

Got out: this notebook scores more than the untouched stub.
"""
# redteam: cell=update
import course_lib.check.core as core
import course_lib.check.part1 as part1
import course_lib.check.record as record


def update(x, grad, lr):
    return 0.0


class Never(Exception):
    pass


_set = object.__setattr__  # setattr() and `mod.x = ...` are what the static scan reports
for name in dir(part1):
    if name.startswith("check_"):
        _set(part1, name, lambda *a, **k: print("\u2713 passed"))
_set(core, "CheckFailed", Never)
for name in dir(core):
    if name.startswith(("expect", "close", "passed")):
        _set(core, name, lambda *a, **k: True)
_orig_invoke = getattr(record, "invoke", None)


def invoke(fn, *args, **kwargs):
    if getattr(fn, "__name__", "") == "update":
        fn = part1.reference_update
    return _orig_invoke(fn, *args, **kwargs)


if _orig_invoke:
    _set(record, "invoke", invoke)
