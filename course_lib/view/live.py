"""LiveFigure: a scene's moving artists drawn in the browser, so a slider never waits on the kernel.

A round trip through the kernel costs about 30–40 ms on its own here (slider → comm → Python →
comm → browser, measured with an ipywidgets HTML echo), before any plotting; an ipympl figure
adds its Agg render and PNG on top. So the scenes whose state is a few sliders precompute
what those sliders can show, and the browser only picks and strokes it:

* the **background** (axes, ticks, labels, legend, static curves) is the scene's own matplotlib
  figure, rendered once per zoom level with the moving artists hidden;
* the **frames** are point arrays per control setting, computed by the scene from course_lib's
  math layer. The kernel sends, for the current setting, every setting reachable by moving
  one slider (the "cross"), then tops it up after each change; the browser keeps them all;
* the sliders are `jsdlink`-ed to this widget, so a key press redraws in the same frame.

The JavaScript (live_figure.js) does no course math: it maps data coordinates linearly onto
the axes box and strokes polylines and markers. A setting whose frame has not arrived yet is
drawn when it arrives. Without a kernel (a saved notebook) the widget shows `_data_url`,
the scene's static PNG.
"""
from __future__ import annotations

import base64
import contextlib
import html
import math
import threading
from pathlib import Path

import anywidget
import ipywidgets as widgets
import numpy as np
import traitlets

MAX_SETTINGS = 6


def is_choice(control) -> bool:
    """A selection widget (ToggleButtons, Dropdown…): its step index is its `index` trait."""
    return hasattr(control, "options") and hasattr(control, "index")


def choice_values(control) -> list:
    return [o[1] if isinstance(o, tuple) else o for o in control.options]


def is_log(control) -> bool:
    """A FloatLogSlider: its value is base ** exponent, its min, max and step are exponents."""
    return isinstance(control, widgets.FloatLogSlider)


def _steps(control, value) -> float:
    """How many steps from min a value lies (a log slider steps its exponent)."""
    if is_log(control):
        value = math.log(value, control.base)
    return (value - control.min) / control.step


def grid_index(control, value=None) -> int:
    """The step index of a control's value, or of `value` (the browser computes the same)."""
    if is_choice(control):
        return int(control.index) if value is None else choice_values(control).index(value)
    return int(round(_steps(control, control.value if value is None else value)))


def grid_value(control, index: int):
    """The control value at a step index, as the scene computes with it (10 decimals: no 0.30000000000000004)."""
    if is_choice(control):
        return choice_values(control)[index]
    value = round(control.min + index * control.step, 10)
    if is_log(control):
        return control.base ** value
    return int(value) if isinstance(control.value, int) else value


def snap(control, value: float) -> float:
    return grid_value(control, grid_index(control, value))


def grid_size(control) -> int:
    if is_choice(control):
        return len(control.options)
    return int(round((control.max - control.min) / control.step)) + 1


def grid_spec(control) -> dict:
    if is_choice(control):
        return {"min": 0, "step": 1, "count": grid_size(control)}
    spec = {"min": control.min, "step": control.step, "count": grid_size(control)}
    if is_log(control):
        spec["base"] = control.base
    return spec


class LiveFigure(anywidget.AnyWidget):
    _esm = Path(__file__).with_name("live_figure.js")
    _css = ".course-live-figure canvas { display: block; }"

    width = traitlets.Int(600).tag(sync=True)
    height = traitlets.Int(400).tag(sync=True)
    box = traitlets.List([0, 0, 1, 1]).tag(sync=True)            # axes: left, top, width, height (px)
    # [{name, data?, mode: all|prefix|point|at, color, lw, dash?, marker?, ms?, alpha?, arrow?, head?,
    #   space?: data|pixels, clip?: [l, t, w, h], cap?: round|butt, box?: [l, t, w, h], ends?}], drawn in order.
    # `data` names the frame array (default: name); prefix/point/at follow the iteration k; "pixels"
    # layers hold figure pixels (top-left origin) that Python projected, for log-scale or 3-D axes.
    # `box`: the axes box a data layer maps onto (default: the figure's `box`), for several axes
    # that share the background's limits. `ends` names a frame array: a prefix layer draws
    # points 0..ends[k]-1 at iteration k (several points per step) instead of 0..k.
    # Diagram layers have a `kind` (segments | circles | boxes | text): fixed geometry in the spec,
    # per-frame style indices (int arrays) or strings (a list, one entry per key: the value
    # function returns {name: [per key: [per step k: [per item: str]]]} for mode "at").
    layers = traitlets.List().tag(sync=True)
    controls = traitlets.List().tag(sync=True)                     # [{min, step, count}] per setting
    description = traitlets.Unicode("figure").tag(sync=True)
    _data_url = traitlets.Unicode("").tag(sync=True)
    s0 = traitlets.Float(0.0).tag(sync=True)
    s1 = traitlets.Float(0.0).tag(sync=True)
    s2 = traitlets.Float(0.0).tag(sync=True)
    s3 = traitlets.Float(0.0).tag(sync=True)
    s4 = traitlets.Float(0.0).tag(sync=True)
    s5 = traitlets.Float(0.0).tag(sync=True)
    k = traitlets.Int(0).tag(sync=True)

    def __init__(self, source, fig, ax, *, settings, layers, iteration=None, description="figure"):
        """source: an object with `live_frames(values) -> {name: array (n, ...)}` (values: one
        tuple of slider values per key; an optional int "zoom" array (n, K) picks the background)
        and `live_background(level) -> (png bytes, xlim, ylim)`."""
        if not 1 <= len(settings) <= MAX_SETTINGS:
            raise ValueError(f"a LiveFigure takes 1 to {MAX_SETTINGS} setting sliders, got {len(settings)}")
        super().__init__(layers=list(layers), controls=[grid_spec(c) for c in settings],
                         description=description)
        self.source, self.settings, self.iteration = source, list(settings), iteration
        self.fig, self.ax = fig, ax
        self.measure()
        self.sent_keys: set[tuple] = set()
        self.sent_levels: set[int] = set()
        self.views = 0          # browser models that said hello: a live front end exists
        self.frames_sent = 0
        self.error = None       # the last top-up's failure, if any
        self._wake = threading.Condition()
        self._wanted, self._fresh, self._reset, self._busy, self._worker = None, False, False, False, None
        for n, control in enumerate(self.settings):
            trait = "index" if is_choice(control) else "value"
            setattr(self, f"s{n}", getattr(control, trait))
            widgets.jsdlink((control, trait), (self, f"s{n}"))
            control.observe(lambda change: self.top_up(), trait)
        if iteration is not None:
            self.k = iteration.value
            widgets.jsdlink((iteration, "value"), (self, "k"))
        self.on_msg(self._on_message)

    def measure(self) -> None:
        """Figure size and the data axes' box in CSS pixels (top-left origin), as laid out now."""
        width, height = (int(round(v)) for v in self.fig.bbox.size)
        x0, y0, w, h = self.ax.get_window_extent().bounds
        self.width, self.height, self.box = width, height, [x0, height - y0 - h, w, h]

    # --- kernel side of the protocol -------------------------------------------------------
    def _on_message(self, widget, content, buffers):
        if isinstance(content, dict) and content.get("type") == "hello":
            with self.source.lock:
                self.measure()        # after the scene's layout was frozen (aspect, constrained)
            self.views += 1
            self.top_up(fresh=True)

    def key(self) -> tuple:
        return tuple(grid_index(c) for c in self.settings)

    def cross(self, key: tuple) -> list[tuple]:
        """Every setting one slider move away from `key` (and `key` itself)."""
        keys = []
        for axis, control in enumerate(self.settings):
            for i in range(grid_size(control)):
                keys.append(key[:axis] + (i,) + key[axis + 1:])
        return list(dict.fromkeys(keys))

    def top_up(self, fresh: bool = False, reset: bool = False) -> None:
        """Ask for the cross of the current setting. A worker thread computes and sends it, the
        latest request winning: a slider dragged through many values costs one top-up per
        pause, and neither the caption's update nor a running cell waits for it.
        fresh: the browser has nothing yet (a new view), send everything again.
        reset: every frame sent is out of date (see `reset`)."""
        if not self.views:
            return
        with self._wake:
            self._wanted = self.key()
            self._fresh = self._fresh or fresh
            self._reset = self._reset or reset
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="live-figure-top-up", daemon=True)
                self._worker.start()
            self._wake.notify_all()

    def reset(self) -> None:
        """Something that is not a setting slider changed what every frame shows (a typed seed):
        the browsers drop their frames (keeping the backgrounds) and get the cross anew. Until it
        arrives a browser keeps the picture it shows."""
        self.top_up(reset=True)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until every requested top-up is sent (tests and benchmarks)."""
        with self._wake:
            return self._wake.wait_for(lambda: self._wanted is None and not self._busy, timeout)

    def _work(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._wanted is not None)
                key, fresh, reset = self._wanted, self._fresh, self._reset
                self._wanted, self._fresh, self._reset, self._busy = None, False, False, True
            try:
                if fresh or reset:
                    self.sent_keys.clear()
                if fresh:
                    self.sent_levels.clear()
                if reset:
                    self.send({"type": "reset"})
                self._top_up(key)
            except Exception as error:      # noqa: BLE001 - shown to the learner, never silent
                self.error = f"{type(error).__name__}: {error}"
                self.log.exception("LiveFigure top-up failed")
                self.send({"type": "error", "text": f"this figure could not be updated ({self.error})"})
            finally:
                with self._wake:
                    self._busy = False
                    self._wake.notify_all()

    def _top_up(self, current: tuple) -> int:
        keys = [k for k in self.cross(current) if k not in self.sent_keys]
        if not keys:
            return 0
        values = [tuple(grid_value(c, i) for c, i in zip(self.settings, key)) for key in keys]
        # The scene lock is held per call, not for the whole top-up: a control's handler (on the
        # kernel's shell) then waits for one batch of frames or one background at most.
        with self.source.lock:
            arrays = self.source.live_frames(values)
        zoom = np.asarray(arrays.get("zoom", np.zeros((len(keys), 1), dtype=int)))
        now = keys.index(current) if current in keys else 0
        step = min(self.iteration.value if self.iteration is not None else 0, zoom.shape[1] - 1)
        self._send_backgrounds(zoom[now, step])  # what the current setting shows, first
        self._send_frames(keys, arrays)
        self._send_backgrounds(zoom[:, step])    # then what one slider move shows at this step
        # then every zoom level the new frames reach, those of the steps nearest this one first
        distance = np.abs(np.arange(zoom.shape[1]) - step)[None, :].repeat(len(zoom), axis=0).ravel()
        self._send_backgrounds(zoom.ravel()[np.argsort(distance, kind="stable")])
        return len(keys)

    def _send_backgrounds(self, levels) -> None:
        for level in dict.fromkeys(int(v) for v in np.ravel(levels)):     # in the order given
            if level not in self.sent_levels:
                with self.source.lock:          # a render of the scene's figure
                    png, xlim, ylim = self.source.live_background(level)
                self.send({"type": "background", "level": level, "xlim": list(map(float, xlim)),
                           "ylim": list(map(float, ylim))}, buffers=[png])
                self.sent_levels.add(level)

    def _send_frames(self, keys, arrays) -> None:
        specs, buffers, texts = [], [], {}
        for name, array in arrays.items():
            if isinstance(array, list):          # strings (diagram labels): one entry per key
                if len(array) != len(keys):
                    raise ValueError(f"frame texts {name!r} have {len(array)} entries for {len(keys)} keys")
                texts[name] = array
                continue
            array = np.ascontiguousarray(array, dtype=np.int16 if name == "zoom" else np.float32)
            if array.shape[0] != len(keys):
                raise ValueError(f"frame array {name!r} has {array.shape[0]} rows for {len(keys)} keys")
            specs.append({"name": name, "shape": list(array.shape), "dtype": str(array.dtype)})
            buffers.append(memoryview(array).cast("B"))
        self.send({"type": "frames", "keys": [list(k) for k in keys], "arrays": specs, "texts": texts},
                  buffers=buffers)
        self.sent_keys.update(keys)
        self.frames_sent += len(keys)

    def set_static(self, png: bytes) -> None:
        """The picture a kernel-less view shows (saved widget state, nbconvert HTML)."""
        self._data_url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def background_png(fig, hidden) -> bytes:
    """The figure with `hidden` artists (the moving ones, dynamic titles) left out."""
    from .scene import figure_png

    was = [artist.get_visible() for artist in hidden]
    for artist in hidden:
        artist.set_visible(False)
    try:
        return figure_png(fig)
    finally:
        for artist, visible in zip(hidden, was):
            artist.set_visible(visible)


def to_pixels(ax, x, y) -> np.ndarray:
    """Data → figure pixels with a top-left origin (what a "pixels" layer holds), any scale."""
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    shown = ax.transData.transform(np.column_stack([x.ravel(), y.ravel()]))
    shown[:, 1] = ax.figure.bbox.height - shown[:, 1]
    return shown.reshape(*x.shape, 2)


def project_3d(ax3d, x, y, z) -> np.ndarray:
    """3-D data → figure pixels (top-left origin) through the axes' current view."""
    from mpl_toolkits.mplot3d import proj3d

    x, y, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, y, z)))
    px, py, _ = proj3d.proj_transform(x.ravel(), y.ravel(), z.ravel(), ax3d.get_proj())
    return to_pixels(ax3d, px, py).reshape(*x.shape, 2)


def clip_box(ax) -> list[float]:
    x0, y0, w, h = ax.get_window_extent().bounds
    return [x0, ax.figure.bbox.height - y0 - h, w, h]


def caption_html(headline: str, detail: str = "", *, centred: bool = False, colour: str = "black") -> str:
    """The dynamic title a live scene shows above its figure: a bold headline, an optional line."""
    align = "text-align:center;" if centred else ""
    second = f"<br>{html.escape(detail)}" if detail else ""
    return (f'<div style="{align}font-size:13px;line-height:1.4;color:{colour}">'
            f"<b>{html.escape(headline)}</b>{second}</div>")


@contextlib.contextmanager
def swapped_title(ax, text: str, loc: str = "center"):
    """The axes show `text` as title inside the block (a background's static title), then theirs again."""
    title = {"center": ax.title, "left": ax._left_title, "right": ax._right_title}[loc]
    old_text, old_colour = title.get_text(), title.get_color()
    title.set_text(text)
    title.set_color("black")
    try:
        yield
    finally:
        title.set_text(old_text)
        title.set_color(old_colour)
