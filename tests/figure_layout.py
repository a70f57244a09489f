"""Where a figure's texts, legends, bars and node boxes land, in figure pixels (top-left origin).

Static figures (and the backgrounds of browser-drawn scenes) are measured with matplotlib's
renderer. The layers live_figure.js draws are laid out here the way that file lays them out:
a text layer's font is `size` points (× 96/72 px), lines 1.2 × that apart and centred on the
point, a `box` 0.3 × the font size wider than the widest line; widths come from matplotlib's
metrics of the same font (DejaVu Sans, unhinted), which the browser test checks against
Chromium's measureText. Then: no two items may overlap, a text touching a node box must sit inside it,
and nothing may leave the figure.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib import ft2font
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.legend import Legend
from matplotlib.patches import FancyBboxPatch
from matplotlib.text import Text

PT = 96 / 72
SLACK = 0.5   # pixels two items may share (anti-aliased edges touching)


@dataclass(frozen=True)
class Item:
    kind: str      # text | legend | bar | box | circle (a node; its box bounds the circle)
    name: str      # what it shows, for the failure message
    box: tuple[float, float, float, float]   # left, top, right, bottom (px)

    def overlaps(self, other: "Item") -> bool:
        a, b = self.box, other.box
        if (min(a[2], b[2]) - max(a[0], b[0]) <= SLACK) or (min(a[3], b[3]) - max(a[1], b[1]) <= SLACK):
            return False
        if "circle" in (self.kind, other.kind):       # the circle inscribed in its box
            circle, rect = (self, other) if self.kind == "circle" else (other, self)
            cx, cy, r = circle.centre_radius()
            nx = min(max(cx, rect.box[0]), rect.box[2])
            ny = min(max(cy, rect.box[1]), rect.box[3])
            return (nx - cx) ** 2 + (ny - cy) ** 2 < (r - SLACK) ** 2
        return True

    def inside(self, other: "Item") -> bool:
        a, b = self.box, other.box
        if other.kind == "circle":
            cx, cy, r = other.centre_radius()
            return all((x - cx) ** 2 + (y - cy) ** 2 <= (r + SLACK) ** 2 for x in (a[0], a[2]) for y in (a[1], a[3]))
        return a[0] >= b[0] - SLACK and a[1] >= b[1] - SLACK and a[2] <= b[2] + SLACK and a[3] <= b[3] + SLACK

    def centre_radius(self) -> tuple[float, float, float]:
        l, t, r, b = self.box
        return (l + r) / 2, (t + b) / 2, (r - l) / 2


def _top_left(fig, bbox) -> tuple[float, float, float, float]:
    height = fig.bbox.height
    return (bbox.x0, height - bbox.y1, bbox.x1, height - bbox.y0)


def static_items(fig, hidden=()) -> list[Item]:
    """Every visible text (a text's bbox patch included), legend, bar and node box of a matplotlib figure."""
    hidden = {id(a) for a in hidden}
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    items = []
    hidden |= _undrawn_texts(fig)
    legends = [a for a in fig.findobj(Legend) if a.get_visible() and id(a) not in hidden]
    in_legend = {id(t) for legend in legends for t in legend.findobj(Text)}
    for legend in legends:
        items.append(Item("legend", "legend", _top_left(fig, legend.get_window_extent(renderer))))
    for text in fig.findobj(Text):
        if id(text) in hidden or id(text) in in_legend or not text.get_visible() or not text.get_text().strip():
            continue
        if text.axes is not None and not text.axes.get_visible():
            continue
        extent = text.get_window_extent(renderer)
        patch = text.get_bbox_patch()
        if patch is not None:
            extent = type(extent).union([extent, patch.get_window_extent(renderer)])
        items.append(Item("text", text.get_text(), _top_left(fig, extent)))
    for ax in fig.axes:
        for container in ax.containers:
            if isinstance(container, BarContainer):
                for bar in container:
                    if id(bar) in hidden or id(container) in hidden or not bar.get_visible():
                        continue
                    shown = bar.get_window_extent(renderer)
                    clipped = type(shown).intersection(shown, ax.bbox)
                    if clipped is not None and clipped.width > 0 and clipped.height > 0:
                        items.append(Item("bar", f"bar of {container.get_label()}", _top_left(fig, clipped)))
        for markers in ax.collections:      # scatter plots drawn as node circles (diagrams)
            if isinstance(markers, PathCollection) and markers.get_visible() and id(markers) not in hidden \
                    and not ax.axison and len(markers.get_sizes()):
                radii = np.broadcast_to(np.sqrt(markers.get_sizes()) / 2 * PT, (len(markers.get_offsets()),))
                for (x, y), r in zip(ax.transData.transform(markers.get_offsets()), radii):
                    top = fig.bbox.height - y
                    items.append(Item("circle", "node circle", (x - r, top - r, x + r, top + r)))
        for patch in ax.patches:
            if isinstance(patch, FancyBboxPatch) and patch.get_visible() and id(patch) not in hidden:
                items.append(Item("box", "node box", _top_left(fig, patch.get_window_extent(renderer))))
    return items


def _undrawn_texts(fig) -> set[int]:
    """Axis texts matplotlib keeps but does not draw: all of an axes drawn without axis (a
    diagram), and tick labels whose tick lies outside the view."""
    out = set()
    for ax in fig.axes:
        for axis in ax._axis_map.values():
            ticks = axis.get_major_ticks() + axis.get_minor_ticks()
            if not ax.axison or not axis.get_visible():
                out.update(id(t) for t in (axis.label, axis.offsetText))
                out.update(id(label) for tick in ticks for label in (tick.label1, tick.label2))
                continue
            low, high = sorted(axis.get_view_interval())
            span = (high - low) or 1.0
            for tick in ticks:
                loc = tick.get_loc()
                if loc is None or not (low - 1e-10 * span <= loc <= high + 1e-10 * span):
                    out.update({id(tick.label1), id(tick.label2)})
    return out


@lru_cache(maxsize=None)
def _face() -> ft2font.FT2Font:
    return ft2font.FT2Font(findfont(FontProperties(family="DejaVu Sans")))


@lru_cache(maxsize=100_000)
def text_width(line: str, size_pt: float) -> float:
    """The width DejaVu Sans gives `line` at size_pt points, in 96-DPI pixels, unhinted as a
    browser's canvas measures it (matplotlib's own Agg metrics are hinted: a few % wider)."""
    face = _face()
    face.set_size(size_pt, 96)
    face.set_text(line, 0.0, flags=ft2font.LoadFlags.NO_HINTING)
    return face.get_width_height()[0] / 64


def js_text_box(text: str, x: float, y: float, size_pt: float, ha: str = "center", box: bool = False):
    """The pixels live_figure.js fills for one text item (its drawItems, kind "text")."""
    size = size_pt * PT
    line_height = size * 1.2
    lines = str(text).split("\n")
    width = max(text_width(line, size_pt) for line in lines) + (0.3 * size if box else 0.0)
    left = {"center": x - width / 2, "left": x - (0.15 * size if box else 0.0),
            "right": x - width + (0.15 * size if box else 0.0)}[ha]
    top = y - (len(lines) - 1) * line_height / 2 - line_height / 2
    return (left, top, left + width, top + len(lines) * line_height)


def layer_items(live, frame: dict, k: int = 0) -> list[Item]:
    """Texts, boxes and bar strokes the browser draws for one frame (one key's arrays) at step k."""
    left, top, box_w, box_h = live.box
    items = []

    def mapper(layer, xlim, ylim):
        if layer.get("space") == "pixels":
            return lambda p: (float(p[0]), float(p[1]))
        return lambda p: (left + (p[0] - xlim[0]) / (xlim[1] - xlim[0]) * box_w,
                          top + box_h - (p[1] - ylim[0]) / (ylim[1] - ylim[0]) * box_h)

    xlim, ylim = frame["_limits"]
    for layer in live.layers:
        data = frame.get(layer.get("data", layer["name"]))
        if data is None:
            continue
        at = mapper(layer, xlim, ylim)
        if layer.get("kind") == "text":
            strings = data[min(k, len(data) - 1)] if layer.get("mode") == "at" else data
            for p, text in zip(layer["positions"], strings):
                if text:
                    x, y = at(p)
                    items.append(Item("text", text, js_text_box(text, x, y, layer["size"], layer.get("ha", "center"),
                                                                bool(layer.get("box")))))
        elif layer.get("kind") == "boxes":
            w, h = layer["size"]
            for c in layer["centers"]:
                x, y = at(c)
                items.append(Item("box", "node box", (x - w / 2, y - h / 2, x + w / 2, y + h / 2)))
        elif layer.get("cap") == "butt" and not layer.get("kind"):
            half = layer["lw"] * PT / 2
            points = np.asarray(data, dtype=float).reshape(-1, 2)
            for a, b in zip(points[::3], points[1::3]):    # base, top, gap: one bar per three points
                if np.isfinite(a).all() and np.isfinite(b).all():
                    l0, t0, w0, h0 = layer.get("clip", (-np.inf, -np.inf, np.inf, np.inf))
                    y0, y1 = sorted((max(min(a[1], b[1]), t0), min(max(a[1], b[1]), t0 + h0)))
                    if y1 - y0 > 0:
                        items.append(Item("bar", f"{layer['name']} bar", (a[0] - half, y0, a[0] + half, y1)))
    return items


def problems(items: list[Item], size: tuple[float, float]) -> list[str]:
    """Every overlap, every text half in a box, every item outside the figure (empty: it reads well)."""
    found = []
    width, height = size
    for item in items:
        l, t, r, b = item.box
        if l < -SLACK or t < -SLACK or r > width + SLACK or b > height + SLACK:
            found.append(f"{item.kind} {item.name!r} leaves the figure: {_fmt(item.box)} in {width:.0f}×{height:.0f}")
    for a, b in itertools.combinations(items, 2):
        if not a.overlaps(b):
            continue
        kinds = {a.kind, b.kind}
        if "text" in kinds and kinds & {"box", "circle"}:
            text, box = (a, b) if a.kind == "text" else (b, a)
            if text.inside(box):
                continue
            found.append(f"text {text.name!r} {_fmt(text.box)} is half in a node {box.kind} {_fmt(box.box)}")
            continue
        found.append(f"{a.kind} {a.name!r} {_fmt(a.box)} overlaps {b.kind} {b.name!r} {_fmt(b.box)}")
    return found


def _fmt(box) -> str:
    return "(" + ", ".join(f"{v:.0f}" for v in box) + ")"
