"""Part 6 scene: online, batch and mini-batch training of the five-weight network, side by side.

Drawn in the browser (a LiveFigure, see live.py): every learning rate of the slider is trained at
once, for the epochs slider's maximum (course_lib.batch's *_many functions), per mode and
mini-batch size; a setting (η, mini-batch size) is one frame, and the epochs slider is the
LiveFigure's iteration: at k epochs a curve shows its first k·(updates per epoch) + 1 losses.
The y axis is logarithmic: frames hold log10 of the losses and the backgrounds report log10
limits, so the browser's linear map puts each point where matplotlib's log axis does. The axes
depend on the epochs alone (x: the first of X_LIMITS that holds them; y: the whole decades that
hold every curve the sliders reach), so moving η or the size never waits for a background.
The panel titles are text layers (per setting, and per epochs count for the final error).
The shuffle seed is typed, not slid: a new seed retrains the mini-batches and resends the frames.
"""
from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FuncFormatter, NullLocator

from course_lib import batch, network

from . import style
from .live import LiveFigure, background_png, clip_box, grid_index, grid_size, grid_value, snap
from .scene import Scene, make_figure, require_in_range, slider_layout

MODES = ("online", "batch", "mini-batch")
FRAME_NAMES = {"online": "online", "batch": "batch", "mini-batch": "minibatch"}
COLOURS = {"online": style.OKABE_ITO["blue"], "batch": style.OKABE_ITO["orange"], "mini-batch": style.OKABE_ITO["green"]}
MAX_EPOCHS = 500
# The x axis ends at the first of these ≥ the epochs shown (the curve fills ≥ 60 % of it): one
# background each, rendered while the learner looks at the first (about 0.1–0.5 s apiece).
X_LIMITS = (1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 400, 500)
SEED_MAX = 2**32 - 1
ROOM = 1.1      # batch at η = 1e-3 peaks at 878: the axis still ends at 1000


def updates_per_epoch(mode: str, batch_size: int, n: int = len(network.DATASET)) -> int:
    return {"online": n, "batch": 1, "mini-batch": math.ceil(n / batch_size)}[mode]


def shown(losses) -> np.ndarray:
    """The losses a log axis can show (finite and > 0); the others are left out of the curve."""
    losses = np.asarray(losses, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(losses) & (losses > 0)


def x_limit(epochs):
    return np.asarray(X_LIMITS)[np.searchsorted(X_LIMITS, epochs)]


def y_decades(low, high):
    """The whole decades (exponents) that hold [low, high] with a factor ROOM to spare each way."""
    lo = np.floor(np.log10(np.asarray(low) / ROOM)).astype(int)
    return lo, np.maximum(np.ceil(np.log10(np.asarray(high) * ROOM)).astype(int), lo + 1)


def views(curves, epochs):
    """Per epochs count (an array): the x limit and the y decades that show every curve's losses
    of those epochs. curves: [(losses (..., updates + 1), NaN where not shown; updates per epoch)],
    every leading axis (runs) included."""
    low = high = None
    for losses, per_epoch in curves:
        last = np.asarray(epochs) * per_epoch
        lows = np.fmin.accumulate(losses, axis=-1)[..., last].reshape(-1, len(last))
        highs = np.fmax.accumulate(losses, axis=-1)[..., last].reshape(-1, len(last))
        for row_low, row_high in zip(lows, highs):
            low = row_low if low is None else np.fmin(low, row_low)
            high = row_high if high is None else np.fmax(high, row_high)
    return (x_limit(epochs), *y_decades(low, high))


def curve_points(losses, per_epoch: int, length: int) -> np.ndarray:
    """(length, 2): (epoch, log10 loss) after each update, NaN where not shown and past the run."""
    losses = np.asarray(losses, dtype=float)
    points = np.full((length, 2), np.nan)
    points[:len(losses), 0] = np.arange(len(losses)) / per_epoch
    points[:len(losses), 1] = np.log10(np.where(shown(losses), losses, np.nan))
    return points


def heading(mode: str, batch_size: int) -> str:
    return f"{mode}: {updates_per_epoch(mode, batch_size)} update(s)/epoch"


def diverged(losses, per_epoch: int, epochs) -> np.ndarray:
    """Per epochs count: a loss so far could not be shown (not finite), or the last is above the first."""
    losses = np.asarray(losses, dtype=float)
    last = np.asarray(epochs) * per_epoch
    lost = np.logical_or.accumulate(~shown(losses))[last]
    with np.errstate(invalid="ignore"):
        return lost | (losses[last] > losses[0])


def final_errors(losses, per_epoch: int, epochs) -> list[str]:
    """A panel's second title line per epochs count: the error after them, and "(diverged)"."""
    last = np.asarray(epochs) * per_epoch
    return [f"final error {losses[i]:.4g}{'  (diverged)' if blown else ''}"
            for i, blown in zip(last.tolist(), diverged(losses, per_epoch, epochs).tolist())]


class BatchComparison(Scene):
    title = "online vs batch vs mini-batch"

    def __init__(self, lr: float, epochs: int, batch_size: int, seed: int):
        n = len(network.DATASET)
        wide = {"description_width": "initial"}
        self.lr = widgets.FloatLogSlider(value=1e-4, base=10, min=-6, max=-3, step=0.1, description="learning rate η",
                                         readout_format=".1e", continuous_update=True, style=wide,
                                         layout=slider_layout("learning rate η"))
        self.lr.value = snap(self.lr, require_in_range("lr", lr, 1e-6, 1e-3))
        self.epochs = widgets.IntSlider(value=int(require_in_range("epochs", epochs, 1, MAX_EPOCHS)), min=1,
                                        max=MAX_EPOCHS, description="epochs", continuous_update=True, style=wide,
                                        layout=slider_layout("epochs"))
        self.batch_size = widgets.IntSlider(value=int(require_in_range("batch_size", batch_size, 1, n)),
                                            min=1, max=n, description="mini-batch size", continuous_update=True,
                                            style=wide, layout=slider_layout("mini-batch size"))
        self.seed = widgets.BoundedIntText(value=int(require_in_range("seed", seed, 0, SEED_MAX)), min=0,
                                           max=SEED_MAX, description="shuffle seed", style=wide,
                                           layout=widgets.Layout(width="180px"))
        self.lrs = [grid_value(self.lr, i) for i in range(grid_size(self.lr))]
        self._runs, self._levels, self._holding = {}, {}, False
        fig = make_figure(900, 330, margins=(84, 46, 24, 54), browser_drawn=True)
        with style.figure_style():
            self.axes = fig.subplots(1, 3, sharey=True, gridspec_kw={"wspace": 0.1})
        self.lines = {}
        for ax, mode in zip(self.axes, MODES):
            (self.lines[mode],) = ax.plot([], [], "-", color=COLOURS[mode], lw=2)
            ax.set_yscale("log")
            # no minor ticks and plain decade labels: a background renders in a third of the time
            ax.yaxis.set_minor_locator(NullLocator())
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            style.style_axes(ax, "epoch", "total squared error" if mode == "online" else "", mode)
        self.live = LiveFigure(self, fig, self.axes[0], settings=[self.lr, self.batch_size], iteration=self.epochs,
                               description=self.title, layers=[])
        super().__init__(fig, controls=[self.lr, self.epochs, self.batch_size, self.seed], view=self.live)
        for control in (self.lr, self.epochs, self.batch_size):
            control.observe(self._on_change, "value")
        self.seed.observe(self._on_seed, "value")
        self._draw()
        self._finish([*self.lines.values(), *(ax.title for ax in self.axes)])
        self.live.layers = self._layers()

    def _layers(self) -> list[dict]:
        """Each panel's curve on its own axes box, then its two title lines where matplotlib puts them."""
        renderer = self.fig.canvas.get_renderer()
        height, heads, finals = self.fig.bbox.height, [], []
        for ax in self.axes:
            x0, y0, x1, y1 = map(float, ax.title.get_window_extent(renderer).extents)   # two lines
            heads.append([(x0 + x1) / 2, height - (y1 - (y1 - y0) / 4)])
            finals.append([(x0 + x1) / 2, height - (y0 + (y1 - y0) / 4)])
        text = {"kind": "text", "space": "pixels", "size": style.TITLE_SIZE, "color": "black"}
        return [*({"name": FRAME_NAMES[mode], "mode": "prefix", "ends": f"{FRAME_NAMES[mode]}_ends",
                   "box": clip_box(ax), "color": COLOURS[mode], "lw": 2} for ax, mode in zip(self.axes, MODES)),
                {**text, "name": "heads", "positions": heads},
                {**text, "name": "finals", "mode": "at", "positions": finals}]

    def update(self, lr=None, epochs=None, batch_size=None, seed=None):
        """Move the controls (what the learner does); the figure follows once, after all of them."""
        with self.lock:
            self._holding = True
            try:
                if lr is not None:
                    self.lr.value = snap(self.lr, require_in_range("lr", lr, 1e-6, 1e-3))
                if epochs is not None:
                    self.epochs.value = int(require_in_range("epochs", epochs, 1, self.epochs.max))
                if batch_size is not None:
                    self.batch_size.value = int(require_in_range("batch_size", batch_size, 1, self.batch_size.max))
                if seed is not None:
                    self.seed.value = int(require_in_range("seed", seed, 0, SEED_MAX))
            finally:
                self._holding = False
            self._draw()
        return self

    # --- the numbers: every run the sliders reach, trained at once, or the current one alone ---
    def runs(self, mode: str, batch_size: int, lrs, epochs: int) -> batch.Runs:
        args = (network.INITIAL_WEIGHTS, network.DATASET, lrs, epochs)
        if mode == "online":
            return batch.train_online_many(*args)
        if mode == "batch":
            return batch.train_batch_many(*args)
        return batch.train_minibatch_many(*args, batch_size, np.random.default_rng(self.seed.value))

    def grid_runs(self, mode: str, batch_size: int) -> batch.Runs:
        """Every learning rate of the slider for the epochs slider's maximum (kept for this seed)."""
        key = (mode, batch_size, self.seed.value) if mode == "mini-batch" else (mode,)
        if key not in self._runs:
            self._runs[key] = self.runs(mode, batch_size, self.lrs, self.epochs.max)
        return self._runs[key]

    def grid_views(self):
        """Per epochs count 0..max: the x limit and the y decades of every curve the sliders reach
        (every η and mini-batch size): moving η or the size never changes the axes."""
        key = ("views", self.seed.value)
        if key not in self._runs:
            curves = [(np.where(shown(self.grid_runs(mode, bs).losses), self.grid_runs(mode, bs).losses, np.nan),
                       updates_per_epoch(mode, bs))
                      for bs in range(1, self.batch_size.max + 1) for mode in (MODES if bs == 1 else MODES[2:])]
            self._runs[key] = views(curves, np.maximum(np.arange(self.epochs.max + 1), 1))
        return self._runs[key]

    def histories(self) -> dict:
        """Mode → the losses of the current setting, after 0..epochs·(updates per epoch) updates.
        With a browser view the grid is there anyway; without one (nbgrader, nbconvert) only the
        current run is trained, for the epochs shown."""
        lr, bs, epochs = grid_value(self.lr, grid_index(self.lr)), self.batch_size.value, self.epochs.value
        out = {}
        for mode in MODES:
            if self.live.views:
                out[mode] = self.grid_runs(mode, bs).losses[grid_index(self.lr), :epochs * updates_per_epoch(mode, bs) + 1]
            else:
                out[mode] = self.runs(mode, bs, [lr], epochs).losses[0]
        return out

    def _on_change(self, change=None):
        if not self._holding:
            super()._on_change(change)

    def _on_seed(self, change):
        with self.lock:
            self._runs = {k: v for k, v in self._runs.items() if k[0] not in ("mini-batch", "views")}
            if not self._holding:
                self._draw()
        self.live.reset()          # the mini-batch frames the browser holds are another seed's

    def _draw(self):
        bs, epochs = self.batch_size.value, self.epochs.value
        self.history = self.histories()
        for ax, mode in zip(self.axes, MODES):
            losses, per_epoch = self.history[mode], updates_per_epoch(mode, bs)
            keep = shown(losses)
            self.lines[mode].set_data((np.arange(len(losses)) / per_epoch)[keep], losses[keep])
            ax.set_title(f"{heading(mode, bs)}\n{final_errors(losses, per_epoch, [epochs])[0]}",
                         fontsize=style.TITLE_SIZE)
        if self.live.views:
            self._set_view(*(v[epochs] for v in self.grid_views()))
        else:
            curves = [(np.where(shown(h), h, np.nan), updates_per_epoch(m, bs)) for m, h in self.history.items()]
            self._set_view(*(v[0] for v in views(curves, [epochs])))
        self.redraw()

    def _set_view(self, xmax, lo, hi):
        for ax in self.axes:
            ax.set_xlim(0, int(xmax))
        self.axes[0].set_ylim(10.0 ** int(lo), 10.0 ** int(hi))

    # --- what the browser draws (LiveFigure): per (η, mini-batch size), every epochs count ---
    def live_frames(self, values):
        """Per key: each mode's curve (epoch, log10 loss), NaN-padded to the longest; how many of
        its points each epochs count k shows (`*_ends`, index k); the background and the final
        errors per k; the panel headings."""
        length = self.epochs.max * len(network.DATASET) + 1
        epochs = np.maximum(np.arange(self.epochs.max + 1), 1)      # k = 0 cannot be chosen
        levels = self._level_ids(*self.grid_views())
        arrays: dict[str, list] = {"zoom": [levels] * len(values), "heads": [], "finals": []}
        for lr, bs in values:
            finals = []
            for mode in MODES:
                losses = self.grid_runs(mode, bs).losses[grid_index(self.lr, lr)]
                per_epoch = updates_per_epoch(mode, bs)
                arrays.setdefault(FRAME_NAMES[mode], []).append(curve_points(losses, per_epoch, length))
                arrays.setdefault(f"{FRAME_NAMES[mode]}_ends", []).append(epochs * per_epoch + 1)
                finals.append(final_errors(losses, per_epoch, epochs))
            arrays["heads"].append([heading(mode, bs) for mode in MODES])
            arrays["finals"].append([list(at_k) for at_k in zip(*finals)])
        return {name: items if name in ("heads", "finals") else np.array(items) for name, items in arrays.items()}

    def _level_ids(self, xmax, lo, hi) -> np.ndarray:
        """A background per (x limit, y decades) reached, numbered as first met."""
        return np.array([self._levels.setdefault(view, len(self._levels))
                         for view in zip(xmax.tolist(), lo.tolist(), hi.tolist())])

    def live_background(self, level):
        xmax, lo, hi = next(view for view, n in self._levels.items() if n == level)
        with self.lock:
            xlim, ylim = self.axes[0].get_xlim(), self.axes[0].get_ylim()
            self._set_view(xmax, lo, hi)
            try:
                png = background_png(self.fig, [*self.lines.values(), *(ax.title for ax in self.axes)])
            finally:
                for ax in self.axes:
                    ax.set_xlim(xlim)
                self.axes[0].set_ylim(ylim)
        return png, (0.0, float(xmax)), (float(lo), float(hi))


def batch_comparison(lr: float = 1e-4, epochs: int = 100, batch_size: int = 2, seed: int = 0) -> BatchComparison:
    return BatchComparison(lr, epochs, batch_size, seed)
