"""What every scene shares: an ipympl figure, its controls, a fast redraw and a static fallback."""
from __future__ import annotations

import base64
import io
import itertools
import os
import threading

import ipywidgets as widgets
import numpy as np
from ipympl.backend_nbagg import Canvas, FigureManager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .blit import Blitter
from .style import DPI, figure_style

_numbers = itertools.count(1)


# A buffer above jupyter_client's Session.copy_threshold (64 KiB) goes out zero-copy, tracked by
# pyzmq's garbage collector; a kernel shut down while a top-up was in flight then logged "zmq gc
# socket requested during shutdown" (seen in the browser tests). LiveFigure frames, backgrounds
# and ipympl images are a few MB at most, and copying them costs well under a millisecond, so
# the kernel copies every message.
COPY_THRESHOLD = 64 * 2**20


def copy_large_messages() -> None:
    """Raise the running kernel's Session.copy_threshold (a config trait) to COPY_THRESHOLD."""
    from IPython import get_ipython

    session = getattr(getattr(get_ipython(), "kernel", None), "session", None)
    if session is not None and session.copy_threshold < COPY_THRESHOLD:
        session.copy_threshold = COPY_THRESHOLD


def autograding() -> bool:
    """nbgrader sets NBGRADER_EXECUTION while it runs notebooks: skip animations and training."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def make_figure(width_px: int, height_px: int, margins=None, *, browser_drawn: bool = False) -> Figure:
    """A figure on an ipympl canvas (not pyplot: no global figure registry, no backend switch).

    Small canvases at DPI 96 keep each redraw's PNG diff cheap; the header and footer are
    hidden and the canvas is not resizable so the layout never jumps. Add axes inside
    `with figure_style():` so they get the course fonts. margins (left, bottom, right, top)
    in pixels fix the axes box for scenes whose tick labels grow (constrained layout otherwise).
    browser_drawn: the scene shows a LiveFigure instead, so the figure gets a plain Agg canvas
    (no ipympl widget whose front end would resize or re-scale the figure under it).
    """
    with figure_style():
        fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor="white",
                     layout=None if margins else "constrained")
    if margins:
        left, bottom, right, top = margins
        fig.subplots_adjust(left=left / width_px, bottom=bottom / height_px,
                            right=1 - right / width_px, top=1 - top / height_px)
    if browser_drawn:
        FigureCanvasAgg(fig)
        return fig
    canvas = FastCanvas(fig)
    FigureManager(canvas, next(_numbers))
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.resizable = False
    canvas.toolbar_visible = False
    canvas.capture_scroll = False
    return fig


class FastCanvas(Canvas):
    """ipympl's canvas with a cheaper diff image: zlib level 1 instead of PIL's default 6.

    The diff is mostly transparent zeros, so level 1 is nearly as small and several times
    faster to encode. Mirrors FigureCanvasWebAggCore.get_diff_image (matplotlib 3.11).
    """

    def get_diff_image(self):
        if not self._png_is_old:
            return None
        pixels = np.asarray(self.get_renderer().buffer_rgba())
        buff = pixels.view(np.uint32).squeeze(2)
        if self._force_full or buff.shape != self._last_buff.shape or (pixels[:, :, 3] != 255).any():
            self.set_image_mode("full")
            output = buff
        else:
            self.set_image_mode("diff")
            output = np.where(buff != self._last_buff, buff, 0)
        self._last_buff = buff.copy()
        self._force_full = False
        self._png_is_old = False
        with io.BytesIO() as png:
            Image.fromarray(output.view(np.uint8).reshape((*output.shape, 4))).save(
                png, format="png", compress_level=1)
            return png.getvalue()


def is_live(fig) -> bool:
    """ipympl stops syncing the data URL once a browser view reports it is initialized."""
    return not getattr(fig.canvas, "syncing_data_url", True)


def freeze_layout(fig) -> None:
    """Run constrained layout once, then switch it off: every redraw would otherwise redo it."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
        fig.set_layout_engine("none")


def figure_png(fig) -> bytes:
    with io.BytesIO() as buffer:
        fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
        return buffer.getvalue()


class Scene:
    """A displayable scene: `.widget` (controls + live canvas), `.fig`, `.update(...)`.

    Displayed, it publishes both the widget view and a PNG of the figure, so a notebook
    rendered without a kernel (nbconvert, GitHub) still shows the picture.
    """

    title = "scene"

    live = None  # a LiveFigure when the browser draws the moving artists (see live.py)

    def __init__(self, fig, controls=(), below=(), above=(), view=None):
        """view: what shows the figure live (default: its ipympl canvas)."""
        # JupyterLab 4.6 + ipykernel 7 deliver widget messages on a kernel subshell: control
        # callbacks run in another thread than the cell that displays or updates the scene.
        # Matplotlib is not thread-safe (two concurrent savefigs of one figure came out blank),
        # so every change and render of the figure holds this lock.
        self.lock = threading.RLock()
        copy_large_messages()
        self.fig = fig
        self.blitter = Blitter(fig, ())
        rows = [*above]
        if controls:
            rows.append(widgets.HBox(list(controls), layout=widgets.Layout(flex_flow="row wrap")))
        if view is not None:    # captions centre over the figure, not over the whole output
            view.layout.width = f"{fig.bbox.width:.0f}px"
        rows.append(fig.canvas if view is None else view)
        rows.extend(below)
        self.widget = widgets.VBox(rows)

    def redraw(self) -> None:
        """Render now when a browser view is live (no ipympl draw-request round trip), blitting
        only the moving artists; headless, only mark the figure stale, unless the scene was
        displayed without a browser (nbconvert): then keep its embedded image current.
        A scene with a LiveFigure is drawn by the browser; the figure is its static picture."""
        with self.lock:
            self._redraw()

    def _redraw(self) -> None:
        if self.live is not None:
            if not self.live.views and getattr(self, "_displayed", False):
                self._embed_png(self.png())
            return
        live = is_live(self.fig)
        self.blitter.redraw(live)
        if not live and getattr(self, "_displayed", False):
            self._embed_png(self.png())

    def _embed_png(self, png: bytes) -> str:
        """ipympl's `_data_url` is what a saved widget state shows (nbconvert HTML, nbviewer)."""
        encoded = base64.b64encode(png).decode("ascii")
        if self.live is not None:
            self.live.set_static(png)
        else:
            self.fig.canvas._data_url = f"data:image/png;base64,{encoded}"
        return encoded

    def _finish(self, moving=()) -> None:
        """Call once the first state is drawn (titles set): lays the figure out for good and
        declares the artists the controls move (redrawn alone over a cached background)."""
        freeze_layout(self.fig)
        self.blitter = Blitter(self.fig, moving)
        self.redraw()

    def _on_change(self, change=None) -> None:
        """Observer of a control that only changes what is drawn (under the scene lock)."""
        with self.lock:
            self._draw()

    def png(self) -> bytes:
        with self.lock:
            return figure_png(self.fig)

    def save_png(self, path) -> None:
        with open(path, "wb") as out:
            out.write(self.png())

    def _repr_mimebundle_(self, include=None, exclude=None):
        encoded = self._embed_png(self.png())
        self._displayed = True
        return {
            "application/vnd.jupyter.widget-view+json": {
                "version_major": 2, "version_minor": 0, "model_id": self.widget.model_id,
            },
            "image/png": encoded,
            "text/plain": f"<{type(self).__name__}: {self.title}>",
        }

    def _ipython_display_(self, **kwargs):
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)


TRACK_PX = 200      # a slider's track: long enough to aim at one step (the browser test wants ≥ 150)
READOUT_PX = 72     # room for the value shown right of the track
LABEL_FONT_PX = 13  # JupyterLab's widget font size (--jp-widgets-font-size)


def slider_layout(description: str) -> widgets.Layout:
    """A width that fits the description, a TRACK_PX track and the readout. ipywidgets gives a
    slider 300 px in all, so a long description squeezed its track to a few dozen pixels."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    # DejaVu Sans (what Lab's system-ui is on Debian) is among the widest UI fonts: a safe estimate.
    label, _, _ = RendererAgg(1, 1, 72).get_text_width_height_descent(
        description, FontProperties(family="DejaVu Sans", size=LABEL_FONT_PX), ismath=False)
    return widgets.Layout(width=f"{int(label) + 16 + TRACK_PX + READOUT_PX}px")


def slider(description: str, value: float, low: float, high: float, step: float,
           readout_format: str = ".2f") -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               readout_format=readout_format, continuous_update=True,
                               style={"description_width": "initial"}, layout=slider_layout(description))


def require_in_range(name: str, value, low: float, high: float) -> float:
    """Scene arguments land on sliders: refuse what a slider cannot show, naming the argument."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in [{low}, {high}], got {value!r}") from None
    if not low <= number <= high:
        raise ValueError(f"{name} must be a number in [{low}, {high}], got {value!r}")
    return number


def make_stepper(n_steps: int, interval_ms: int = 400):
    """Play, step and reset controls over an iteration index 0..n_steps (Play's value is the index)."""
    play = widgets.Play(value=0, min=0, max=n_steps, step=1, interval=interval_ms,
                        description="play", show_repeat=False)
    step = widgets.Button(description="step", icon="step-forward", layout=widgets.Layout(width="90px"))
    reset = widgets.Button(description="reset", icon="undo", layout=widgets.Layout(width="90px"))
    step.on_click(lambda _: setattr(play, "value", min(play.value + 1, play.max)))
    reset.on_click(lambda _: setattr(play, "value", 0))
    return play, step, reset


class TraceScene(Scene):
    """A scene that replays a descent trace: settings recompute it, `play` picks the iteration."""

    def _start(self, settings, moving=()):
        for control in settings:
            control.observe(self._on_setting, "value")
        self.play.observe(self._on_change, "value")
        self._recompute()
        self._draw()
        self._finish(moving)

    @property
    def iteration(self) -> int:
        return min(self.play.value, len(self.trace))

    def _on_setting(self, change):
        with self.lock:
            self._recompute()
            self._draw()
