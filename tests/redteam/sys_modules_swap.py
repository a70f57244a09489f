"""Swap modules in sys.modules: course_lib.check.part1 (and .core, .record) replaced by modules
whose check functions print a pass and record nothing, so the locked check cell's
`from course_lib.check.part1 import check_update` imports the fake.

Got out: this notebook scores more than the untouched stub.
"""
# redteam: cell=update
import sys
import types


def update(x, grad, lr):
    return 0.0


class Fake(types.ModuleType):
    def __getattr__(self, name):
        return lambda *a, **k: print("\u2713 passed")


names = ("course_lib.check.part1", "course_lib.check.core", "course_lib.check.record", "course_lib.check",
         "course_lib.check.cases")
sys.modules.update({name: Fake(name) for name in names})  # `sys.modules[x] = ...` is what the scan reports
import course_lib

_set = object.__setattr__
_set(course_lib, "check", sys.modules["course_lib.check"])
