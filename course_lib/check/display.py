"""How checks show values and failures: short forms, the HTML box and the plain-text block.

Nothing here prints a whole array or an object's repr (no ``<function … at 0x…>``):
``short`` gives "a function" (a course_lib function by its name), "a 4×3 array", "[1, 2.5]", "'left'".
"""

from __future__ import annotations

import html
import re
import textwrap
import types

import numpy as np

_type, _len, _float, _repr, _str = type, len, float, repr, str
_ndarray = np.ndarray
_FunctionType = types.FunctionType
NUMPY_REALS = frozenset(
    {np.float16, np.float32, np.float64, np.longdouble,
     np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64}
)
MAX_SHOWN = 8          # numbers shown in full; a longer list or array is summarised
TEXT_WIDTH = 80        # `nbgrader validate` cuts longer lines of a traceback with "..."
_ADDRESS = re.compile(r"<([^<>]*?) at 0x[0-9a-fA-F]+>")


def fmt(x, digits: int = 6) -> str:
    """A number (6 significant digits) or a short list of numbers; longer lists are summarised."""
    t = _type(x)
    if t is _ndarray:
        return fmt(_ndarray.tolist(x), digits) if x.size <= MAX_SHOWN else _array_text(x.shape)
    if t is list or t is tuple:
        flat = _flatten(x)
        if _len(flat) > MAX_SHOWN:
            return f"a list of {_len(flat)} numbers" if all(_is_real(v) for v in flat) else f"a list of {_len(x)} items"
        return "[" + ", ".join(fmt(v, digits) for v in x) + "]"
    if t in NUMPY_REALS:
        x = _float(x) if x.dtype.kind == "f" else int(x)
        t = _type(x)
    if t is float:
        return "0" if x == 0 else format(x, f".{digits}g")
    if t is int:
        return _str(x)
    return short(x)


def fmt_pair(expected, got) -> tuple[str, str]:
    """Both numbers (or lists) with enough digits to tell them apart."""
    for digits in (6, 9, 12, 15, 17):
        a, b = fmt(expected, digits), fmt(got, digits)
        if a != b:
            return a, b
    return a, b


def _is_real(v) -> bool:
    return _type(v) in (int, float) or _type(v) in NUMPY_REALS


def _flatten(x):
    if _type(x) in (list, tuple):
        return [w for v in x for w in _flatten(v)]
    return [x]


def _array_text(shape) -> str:
    if not shape:
        return "a 0-d array"
    return f"a {'×'.join(map(_str, shape))} array" if _len(shape) > 1 else f"an array of {shape[0]} numbers"


def short(value) -> str:
    """A value as a learner should see it in a message: never a long repr or a memory address."""
    t = _type(value)
    if value is None or t is bool:
        return _repr(value)
    if t in (int, float) or t in NUMPY_REALS:
        return fmt(value)
    if t is str:
        return _repr(value) if _len(value) <= 40 else _repr(value[:37] + "...")
    if isinstance(value, _ndarray):
        if value.ndim == 0:
            return f"a 0-d array ({fmt(value.item()) if value.dtype.kind in 'iuf' else value.dtype})"
        if value.dtype.kind not in "iuf":
            return f"{_array_text(value.shape)} of dtype {value.dtype}"
        return f"array {fmt(_ndarray.tolist(value))}" if value.size <= MAX_SHOWN else _array_text(value.shape)
    if isinstance(value, (list, tuple)):
        items = list.__iter__(value) if isinstance(value, list) else tuple.__iter__(value)
        items = list(items)
        kind = "list" if isinstance(value, list) else "tuple"
        if _len(items) <= MAX_SHOWN and all(_is_real(v) for v in items):
            inner = ", ".join(fmt(v) for v in items)
            return f"[{inner}]" if kind == "list" else f"({inner}{',' if _len(items) == 1 else ''})"
        return f"a {kind} of {_len(items)} items"
    if isinstance(value, dict):
        return f"a dict with {_len(value)} keys"
    if t is _FunctionType and _str(value.__module__).startswith("course_lib."):
        return value.__name__  # one of the course's own functions (square_prime, reference_update)
    if callable(value):
        return "a function"
    name = t.__name__
    return f"a{'n' if name[:1].lower() in 'aeiou' else ''} {name}"


def call_text(name: str, args, kwargs) -> str:
    """``name(arg, …, key=arg)`` with every argument in its short form."""
    shown = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(shown)})"


def clean(text: str, limit: int = 200) -> str:
    """A message from outside (an exception's text) without memory addresses, cut to ``limit``."""
    text = _ADDRESS.sub(lambda m: f"<{m.group(1).split()[0]}>", _str(text)).strip()
    text = " ".join(text.split())
    return text if _len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------- rendering a failure

RED, AMBER = "#D55E00", "#B07A00"
_ANSI_RED, _ANSI_BOLD, _ANSI_RESET = "\x1b[31m", "\x1b[1m", "\x1b[0m"


def text_block(title: str, rows, *, ansi: bool = False) -> list[str]:
    """The failure as lines of at most TEXT_WIDTH characters: a title, then "heading  text" rows."""
    head = f"✗ {title}"
    lines = textwrap.wrap(head, TEXT_WIDTH, subsequent_indent="  ") or [head]
    if ansi:
        lines = [f"{_ANSI_BOLD}{_ANSI_RED}{line}{_ANSI_RESET}" for line in lines]
    width = max((_len(h) for h, _ in rows), default=0)
    for heading, text in rows:
        lead = f"  {heading.ljust(width)}  "
        lines += textwrap.wrap(text, TEXT_WIDTH, initial_indent=lead, subsequent_indent=" " * _len(lead),
                               break_on_hyphens=False) or [lead.rstrip()]
    return lines


def html_box(title: str, rows, *, unanswered: bool = False) -> str:
    """The failure as a styled box for JupyterLab (class ``course-check-failed``)."""
    colour = AMBER if unanswered else RED
    kind = "course-check-todo" if unanswered else "course-check-wrong"
    body = "".join(
        f"<div class='course-check-row course-check-{html.escape(h.replace(' ', '-'))}' style='display:contents'>"
        f"<span style='opacity:0.75'>{html.escape(h)}</span>"
        f"<span style='white-space:pre-wrap{';font-weight:600' if h == 'hint' else ''}'>{html.escape(t)}</span></div>"
        for h, t in rows
    )
    grid = ("<div style='display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin-top:4px'>"
            f"{body}</div>") if rows else ""
    return (
        f"<div class='course-check-failed {kind}' role='status' style='border-left:4px solid {colour};"
        f"background:rgba(213,94,0,0.07);padding:6px 12px;margin:4px 0;max-width:62em;"
        "font-family:var(--jp-ui-font-family,sans-serif);font-size:var(--jp-ui-font-size1,13px);line-height:1.45'>"
        f"<div style='font-weight:bold;color:{colour}'>{'○' if unanswered else '✗'} {html.escape(title)}</div>{grid}</div>"
    )
