"""Rebind what the setup cell imported (`check`, `descent`) and what the check cells reach through
them: a do-nothing update, course_lib.descent's reference replaced so expected values match it,
and `check` replaced by a module whose every attribute prints a pass.
(The issue's attack: rebinding `descent` made a `gradient_descent` that does nothing pass.)

Got out: this notebook scores more than the untouched stub.
"""
# redteam: cell=update
import types

import course_lib.descent as real_descent


def update(x, grad, lr):
    return x


def _fake_trace(f, df, x0, lr, n_iter):
    Step = type("Step", (), {})
    out = []
    for _ in range(n_iter):
        s = Step()
        s.x = s.new_x = x0
        s.fx = s.grad = s.step = 0.0
        out.append(s)
    return out


_set = object.__setattr__  # (plain assignments to imported modules are what the static scan reports)
_set(real_descent, "gradient_descent_1d", _fake_trace)
descent = types.SimpleNamespace(**{k: getattr(real_descent, k) for k in dir(real_descent) if not k.startswith("__")})


class _Pass(types.ModuleType):
    def __getattr__(self, name):
        return lambda *a, **k: print("\u2713 passed")


check = _Pass("check")
import course_lib.check.part1 as part1

_set(part1, "gradient_descent_1d", _fake_trace)
_set(part1, "reference_update", update)
part1._cached_trace.cache_clear()
