"""What a failed check suggests: mistakes with progressive hints, and Python errors explained.

- ``Hint(text, more=None, next_steps=())``: ``text`` is what grading shows (always); in a
  learner's session a check that keeps failing the same way shows ``more`` on the second
  failure, then the ``next_steps`` of the worked example one by one (never solution code).
- ``Mistake(hint, value)``: a wrong value a typical mistake gives on the check's input.
  ``as_mistake`` also takes the tuple forms ``(hint, value)``, ``(hint, value, more)`` and
  ``(hint, value, more, next_steps)``; ``hint`` may be a str or a ``Hint``.
- ``explain_error(type_name, message, args, kwargs)``: one plain-language line naming the
  likely cause of a Python error raised inside learner code, or None. It reads only the
  error's type name and message and the *types and shapes* of the call's arguments
  (``describe_args``), never the learner's source, so a grader outside the kernel that
  recorded those gets the same line.
- ``tidy(message)``: the error's message as shown (numpy's gufunc wording cut).
- ``hint_rows(hints, level, steps)``: the (heading, text) rows shown at a hint level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_type, _len, _str, _tuple, _isinstance = type, len, str, tuple, isinstance


@dataclass(frozen=True)
class Hint:
    text: str
    more: str | None = None
    next_steps: tuple[str, ...] = ()

    def __post_init__(self):
        steps = self.next_steps
        object.__setattr__(self, "next_steps", (steps,) if _type(steps) is _str else _tuple(steps or ()))


@dataclass(frozen=True)
class Mistake:
    hint: Hint
    value: object


def as_hint(hint) -> Hint | None:
    if hint is None or _isinstance(hint, Hint):
        return hint
    if _type(hint) is _str:
        return Hint(hint)
    raise TypeError(f"a hint is a str or a Hint, got {_type(hint).__name__}")


def as_mistake(entry) -> Mistake:
    """A Mistake from a Mistake or a tuple (hint, value[, more[, next_steps]])."""
    if _isinstance(entry, Mistake):
        return entry
    hint, value, *rest = entry
    if _len(rest) > 2:
        raise ValueError("a mistake is (hint, value[, more[, next_steps]])")
    if rest:
        base = as_hint(hint)
        hint = Hint(base.text, rest[0] if rest[0] is not None else base.more,
                    rest[1] if _len(rest) > 1 else base.next_steps)
    return Mistake(as_hint(hint), value)


def join_hints(hints) -> str:
    """One sentence from one or several hints (several: two mistakes give the same value)."""
    texts = list(dict.fromkeys(h.text for h in hints))
    if _len(texts) == 1:
        return texts[0]
    return "more than one mistake gives this value: " + "; or ".join(texts)


def hint_rows(hints, level: int, steps=()) -> list[tuple[str, str]]:
    """Rows to show at ``level`` (1 = first failure): the hint, then ``more``, then worked steps."""
    if not hints:
        return []
    rows = [("hint", join_hints(hints))]
    if level < 2:
        return rows
    more = list(dict.fromkeys(h.more for h in hints if h.more))
    if more:
        rows.append(("more", "; ".join(more)))
    own = next((h.next_steps for h in hints if h.next_steps), ())
    shown = level - 1 - (1 if more else 0)
    for step in (own or _tuple(steps))[:shown]:
        rows.append(("next step", step))
    return rows


# ---------------------------------------------------------------- Python errors in learner code

def describe_arg(value) -> str:
    """What kind of value an argument is, e.g. "array (4, 3)", "number", "function"; never its repr."""
    shape = getattr(value, "shape", None) if _type(value).__module__.startswith("numpy") else None
    if shape is not None and _type(shape) is _tuple:
        return f"array {shape}" if shape else "number"
    if _type(value) in (int, float) or _type(value).__module__ == "numpy":
        return "number"
    if _type(value) in (list, tuple) or _isinstance(value, (list, tuple)):
        return f"{'list' if _isinstance(value, list) else 'tuple'} of {_len(value)}"
    if callable(value):
        return "function"
    return _type(value).__name__


def describe_args(args, kwargs) -> tuple[str, ...]:
    """The summaries ``explain_error`` reads: positional ones first, then "name=summary"."""
    return _tuple([describe_arg(a) for a in args] + [f"{k}={describe_arg(v)}" for k, v in kwargs.items()])


def _shapes(arg_kinds) -> list[tuple[int, ...]]:
    shapes = []
    for kind in arg_kinds:
        m = re.search(r"array \(([\d, ]+)\)", kind)
        if m:
            shapes.append(_tuple(int(s) for s in m.group(1).replace(" ", "").split(",") if s))
    return shapes


def _shape_text(shape) -> str:
    return "(" + ", ".join(map(_str, shape)) + ")"


def _matmul(match, arg_kinds):
    message = match.string
    sizes = re.search(r"size (\d+) is different from (\d+)", message)
    dot = re.search(r"shapes \(([\d,]+)\) and \(([\d,]+)\) not aligned", message)
    shapes = [s for s in _shapes(arg_kinds) if _len(s) == 2]
    if dot:
        left = _tuple(int(s) for s in dot.group(1).split(",") if s)
        right = _tuple(int(s) for s in dot.group(2).split(",") if s)
        pairs = {(left, right)}
    elif sizes:
        right_rows, left_cols = int(sizes.group(1)), int(sizes.group(2))
        # the operands are the learner's own intermediates: name a pair only when the arguments'
        # shapes allow exactly one (two equal shapes or several fits would be a guess)
        pairs = {(a, b) for i, a in enumerate(shapes) for j, b in enumerate(shapes)
                 if i != j and a != b and a[-1] == left_cols and b[0] == right_rows}
    else:
        pairs = set()
    base = "a matrix product A @ B needs A's number of columns to equal B's number of rows"
    if _len(pairs) == 1:
        [(left, right)] = pairs
        fixes = [text for fits, text in ((left[-1] == right[-1], "A @ B.T"), (left[0] == right[0], "A.T @ B"),
                                         (left[0] == right[-1], "B @ A")) if fits]
        if fixes:
            return (f"{base}: here an array of shape {_shape_text(left)} meets one of shape "
                    f"{_shape_text(right)}; they fit as {' or as '.join(fixes)}: is a transpose (.T) missing "
                    "or the order swapped? Follow the formula's shapes")
    if sizes:
        return (f"{base} (here {sizes.group(2)} columns meet {sizes.group(1)} rows): is a transpose (.T) "
                "missing or are the two operands in the wrong order? Compare the shapes of what you multiply")
    return base + ": compare the shapes of what you multiply"


_SEQ = r"'(tuple|list)'"
_NUM = r"'(float|int|numpy\.float64|numpy\.int64|numpy\.float32)'"
_RULES: list[tuple[tuple[str, ...], str, object]] = [
    (("TypeError",), r"for \^|bitwise_xor",
     "`^` is XOR (bitwise exclusive or) in Python, not a power: write x ** 2 for x squared"),
    (("TypeError", "AttributeError", "ValueError"), r"NoneType",
     "a value is None: a function ended without `return` (print shows a value, it does not return it). "
     "Does every function you wrote end with return …?"),
    (("ValueError",), r"truth value of an array .* is ambiguous",
     "an `if`, `and`/`or`, or Python's max/min looked at a whole array at once: use np.maximum(0, x) "
     "or np.minimum for element-by-element max/min, and np.where(condition, a, b) instead of if"),
    (("TypeError",), r"only (0-dimensional|length-1|size-1) arrays can be converted to Python scalars",
     "a math function (math.exp, math.log, math.sqrt) or float() got a whole array: math works on one "
     "number at a time; use np.exp, np.log, np.sqrt, which work element by element"),
    (("TypeError",), r"unsupported operand type\(s\) for \+: 'int' and '(\w+)'",
     lambda m, kinds: f"Python's sum() starts at 0 and adds your items with +, and 0 + a {m.group(1)} fails: "
     "add the numbers inside (e.g. sum(g[0] for g in grads)), or stack the items with np.array(...) "
     "and use .sum(axis=0)"),
    (("TypeError",), r"unsupported operand type\(s\) for .*'function'",
     "a function was used as a number: did you forget to call it, e.g. df(x) instead of df?"),
    (("TypeError",), r"can only concatenate (tuple|list) \(not",
     lambda m, kinds: f"+ on a {m.group(1)} joins sequences, it does not add numbers: to add entry by entry "
     "use numpy arrays (np.array(v) + w) or a loop over the entries"),
    (("TypeError",), r"can't multiply sequence by non-int",
     "a list or tuple times a number repeats it (or fails for a float): for arithmetic on every entry "
     "use a numpy array (np.array(v) * lr) or a list comprehension"),
    (("TypeError",), r"unsupported operand type\(s\) for [-*/@]+: " + _SEQ + "|" +
     r"unsupported operand type\(s\) for [-*/@]+: '\w+' and " + _SEQ + r"|bad operand type for unary -: " + _SEQ,
     "Python lists and tuples have no arithmetic: -, * and / work on numpy arrays (np.array(v)) "
     "or entry by entry in a loop"),
    (("TypeError",), r"cannot unpack non-iterable (\S+) object",
     "you unpacked a single value into several names (a, b = value): that value is one number here, "
     "not a pair. Check what that function returns"),
    (("ValueError",), r"(too many|not enough) values to unpack \(expected (\d+)",
     lambda m, kinds: f"unpacking a, b, … = value needs exactly as many names as the value has entries "
     f"(here {m.group(2)} names): check what you unpack and how many entries it has"),
    (("TypeError",), _NUM + r" object is not subscriptable",
     "you indexed a single number (x[0]): here that value is a number, not a list or array"),
    (("TypeError",), _NUM + r" object is not iterable",
     "you looped over, unpacked or summed a single number: for … in needs a list, tuple or array"),
    (("TypeError",), r"'(\w|\.)+' object is not callable",
     "a value was called as if it were a function: a missing * (2(x + 1) means calling 2; write "
     "2 * (x + 1)), or a name that holds a number where a function was meant"),
    (("TypeError",), r"got an unexpected keyword argument '(\w+)'",
     lambda m, kinds: f"the check passes {m.group(1)}=… by name: keep the parameter {m.group(1)} in your "
     "def line, as the task's signature has it"),
    (("TypeError",), r"missing \d+ required positional argument|takes \d+ positional arguments? but \d+ (were|was) given",
     "your function's parameters differ from the task's: keep the def line the task gives (same "
     "parameters, same order)"),
    (("IndexError",), r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)",
     lambda m, kinds: f"index {m.group(1)} is past the end of an axis of size {m.group(3)}: Python counts "
     f"from 0, so the indices are 0 … {int(m.group(3)) - 1} (x1 is x[0], x2 is x[1])"),
    (("IndexError",), r"index out of range",
     "an index is past the end: Python counts from 0, so n entries have indices 0 … n − 1 "
     "(x1 is x[0], x2 is x[1])"),
    (("UnboundLocalError",), r"local variable '(\w+)'",
     lambda m, kinds: f"{m.group(1)} is assigned inside your function, so Python treats it as local "
     f"there, and it was read before that assignment: use the parameter's value or another name"),
    (("NameError",), r"name 'np' is not defined",
     "np is not defined: add import numpy as np (in your cell or at the top of the notebook)"),
    (("NameError",), r"name 'math' is not defined", "math is not defined: add import math"),
    (("NameError",), r"name '(\w+)' is not defined",
     lambda m, kinds: f"{m.group(1)} is not defined where your function runs: a typo, a name from "
     "another function, or a cell that has not been run yet? Use the function's parameters"),
    (("ZeroDivisionError",), r"",
     "a division by zero on these inputs: something you divide by is 0 here (the checks try inputs "
     "such as 0 on purpose): check what you divide by"),
    (("ValueError",), r"math domain error",
     "math.sqrt or math.log got a number it cannot take (a negative number, or log of 0): check the "
     "sign of what you pass"),
    (("OverflowError", "FloatingPointError"), r"",
     "a number grew too large: is the step added instead of subtracted, or the learning rate too "
     "large? Numbers blow up when descent diverges"),
    (("ValueError",), r"operands could not be broadcast together with shapes (\S+) (\S+)",
     lambda m, kinds: f"an element-wise operation (+, −, *, /) got arrays of shapes {m.group(1)} and "
     f"{m.group(2)}, which do not fit together: is a transpose (.T) missing, or was * used where the "
     "matrix product @ was meant?"),
    (("ValueError",), r"^matmul: |not aligned", _matmul),
    (("ValueError",), r"setting an array element with a sequence|inhomogeneous",
     "np.array got entries of different shapes (e.g. a list inside a list of numbers): every entry "
     "must have the same shape"),
    (("ValueError",), r"cannot reshape array of size (\d+) into shape (\S+)",
     lambda m, kinds: f"reshape keeps the number of entries: {m.group(1)} entries do not fill shape {m.group(2)}"),
    (("AttributeError",), r"'(list|tuple)' object has no attribute '(T|shape|sum|dot|mean|reshape|copy|ndim|size)'",
     lambda m, kinds: f"that is a Python {m.group(1)}: .{m.group(2)} belongs to numpy arrays; convert "
     "it first with np.array(...)"),
    (("AttributeError",), r"'numpy\.ndarray' object has no attribute 'append'",
     "numpy arrays have no .append: collect the values in a list (xs = [], xs.append(…)), or use "
     "np.append / np.concatenate"),
    (("AttributeError",), r"'tuple' object has no attribute 'append'",
     "a tuple cannot change: start from a list, xs = [x0], to append to it"),
    (("AttributeError",), _NUM + r" object has no attribute '(\w+)'",
     lambda m, kinds: f"a single number has no .{m.group(2)}: that value is a number here, not an array"),
    (("AttributeError",), r"module '(numpy|math)' has no attribute '(\w+)'",
     lambda m, kinds: f"{m.group(1)} has no {m.group(2)}: check the spelling (np.maximum, np.exp, "
     "np.log, np.sum, math.exp, math.log)"),
    (("RecursionError",), r"",
     "your function calls itself again and again: is the function's own name used inside it where "
     "a formula or another function was meant?"),
    (("TypeError",), r"'(<|>|<=|>=)' not supported between instances of '(\w+)' and '(\w+)'",
     lambda m, kinds: f"{m.group(2)} and {m.group(3)} cannot be compared with {m.group(1)}: compare the "
     "numbers themselves (e.g. min over values, not over pairs; min(xs, key=…))"),
    (("TypeError",), r"'tuple' object does not support item assignment",
     "a tuple cannot be changed in place (t[i] = … fails): build the new values in a new list, "
     "or make a list first with list(t)"),
    (("TypeError",), r"must be real number, not (list|tuple)",
     lambda m, kinds: f"a math function (math.log, math.exp, math.sqrt) got a whole {m.group(1)}: math works "
     "on one number at a time; apply it to each entry, or use np.log / np.exp on a numpy array"),
    (("TypeError",), r"unhashable type",
     "a list or array cannot be a dict key or a set member: use a tuple or an index instead"),
    (("TypeError", "IndexError"), r"indices must be integers|only integers, slices",
     "an index must be a whole number: x[n / 2] indexes with a float; use // or int(...)"),
    (("TypeError",), r"concatenate str|must be str, not|'str' and",
     "text was mixed with numbers: is a number written as a str (\"3\" instead of 3)?"),
    (("TypeError",), r"ufunc '\w+' not supported for the input types|loop of ufunc does not support",
     "a numpy function got a value it cannot compute with (an object, None or a function): check "
     "the types of what you pass"),
    (("MemoryError",), r"",
     "your code needed too much memory: does a list keep growing inside a loop that never ends?"),
    (("KeyError",), r"", "a dictionary lookup found no such key: check the key's spelling and type"),
]


_NOISE = [  # numpy's wording a learner need not read (the hint says it plainly)
    (re.compile(r"^matmul: Input operand \d has a mismatch in its core dimension \d, with gufunc signature "
                r"\S+ \((size \d+ is different from \d+)\)"), r"matmul: the shapes do not fit (\1)"),
    (re.compile(r"^(ufunc '\w+' not supported for the input types), and the inputs could not be safely coerced.*"),
     r"\1"),
]


def tidy(message: str) -> str:
    """An error message as shown: numpy's gufunc and casting jargon cut."""
    for pattern, replacement in _NOISE:
        message = pattern.sub(replacement, message)
    return message


def explain_error(type_name: str, message: str, arg_kinds=()) -> str | None:
    """The likely cause, in this course, of ``type_name: message`` raised inside learner code."""
    for types, pattern, explain in _RULES:
        if type_name not in types:
            continue
        match = re.search(pattern, message)
        if match is None:
            continue
        return explain if _type(explain) is _str else explain(match, _tuple(arg_kinds))
    return None
