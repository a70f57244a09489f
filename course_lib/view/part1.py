"""Part 1 scenes: the dot sliding down x² with its tangent, and the two-valley trap."""
from __future__ import annotations

import numpy as np
import ipywidgets as widgets

from course_lib import descent

from . import style
from .live import LiveFigure, background_png, caption_html, snap, swapped_title
from .scene import Scene, TraceScene, make_figure, make_stepper, require_in_range, slider
from .tables import trace_table

N_STEPS = 40
TRACE_COLUMNS = ("iteration", "x", "fx", "grad", "step", "new_x")
TRACE_HEADERS = ("Iteration", "Current x", "f(x) = x²", "f'(x) = 2x", "η × f'(x)", "New x")
TANGENT_HALF_WIDTH = 1.5
BASE_REACH = 4.5     # the view is ±reach; it doubles while a diverging path outgrows it
NEXT_ALPHA = 0.45    # the next step's landing point: a paler dot


def zoom_levels(xs) -> np.ndarray:
    """Per step, the zoom level whose view ±4.5·2^level holds the path so far with 15 % room."""
    running = np.fmax.accumulate(np.abs(np.asarray(xs, dtype=float)), axis=-1)
    need = np.maximum(BASE_REACH, 1.15 * np.nan_to_num(running, nan=BASE_REACH))
    return np.maximum(0, np.ceil(np.log2(need / BASE_REACH) - 1e-12)).astype(int)


def reach_of(level):
    return BASE_REACH * 2.0 ** np.asarray(level)


def view_ylim(reach: float) -> tuple[float, float]:
    return -0.08 * reach**2, 1.1 * reach**2


class DescentExplorer(TraceScene):
    """Gradient descent on f(x) = x²: dot, tangent, path so far and the trace table."""

    title = "gradient descent on f(x) = x²"

    def __init__(self, x0: float, lr: float):
        x0 = require_in_range("x0", x0, -4.0, 4.0)
        lr = require_in_range("lr", lr, 0.01, 1.2)
        self.start = slider("start x₀", x0, -4.0, 4.0, 0.1)
        self.lr = slider("learning rate η", lr, 0.01, 1.2, 0.01)
        self.play, self.step_button, self.reset_button = make_stepper(N_STEPS)
        self.table = widgets.HTML(layout=widgets.Layout(max_height="220px", overflow="auto"))

        fig = make_figure(620, 340, margins=(72, 46, 24, 58), browser_drawn=True)
        with style.figure_style():
            self.ax = ax = fig.add_subplot()
        style.style_axes(ax, "x (what we control)", "f(x)")
        ax.ticklabel_format(style="sci", scilimits=(-4, 4))
        (self.curve,) = ax.plot([], [], color=style.CURVE, lw=1.8, label="f(x) = x²")
        (self.path,) = ax.plot([], [], "o-", color=style.PATH, ms=4, lw=1.2, label="path so far")
        (self.tangent,) = ax.plot([], [], color=style.TANGENT, lw=2, label="tangent (slope f'(x))")
        (self.dot,) = ax.plot([], [], "o", color=style.DOT, ms=10, zorder=5, label="current x")
        # Where the next step lands, so η shows before the first step too: x − η·f'(x).
        self.step_line = ax.annotate("", xy=(0, 0), xytext=(0, 0), zorder=4, arrowprops=dict(
            arrowstyle="-|>", linestyle="--", color=style.CURVE, lw=1.5, shrinkA=0, shrinkB=0, mutation_scale=14))
        (self.next_dot,) = ax.plot([], [], "o", color=style.DOT, ms=8, alpha=NEXT_ALPHA, zorder=4,
                                   label="next x = x − η·f'(x)")
        ax.legend(loc="upper center", ncols=2, fontsize=style.FONT_SIZE, frameon=False)
        self.caption = widgets.HTML(layout=widgets.Layout(min_height="44px"))
        self.live = LiveFigure(self, fig, ax, settings=[self.start, self.lr], iteration=self.play,
                               description="the dot, its tangent and the path on f(x) = x²", layers=[
            {"name": "path", "mode": "prefix", "color": style.PATH, "lw": 1.2, "marker": "o", "ms": 4},
            {"name": "tangent", "mode": "at", "color": style.TANGENT, "lw": 2},
            {"name": "step", "mode": "at", "color": style.CURVE, "lw": 1.5, "arrow": True, "dash": [3.7, 1.6],
             "head": 9},
            {"name": "next", "mode": "at", "color": style.DOT, "lw": 0, "marker": "o", "ms": 8, "alpha": NEXT_ALPHA},
            {"name": "dot", "data": "path", "mode": "point", "color": style.DOT, "lw": 0, "marker": "o", "ms": 10},
        ])
        super().__init__(fig, controls=[self.start, self.lr, self.play, self.step_button,
                                        self.reset_button], below=[self.table],
                         view=widgets.VBox([self.caption, self.live]))

        self.moving = [self.path, self.tangent, self.step_line, self.next_dot, self.dot]
        self._start([self.start, self.lr], moving=[*self.moving, ax.title])

    # --- what the browser draws (LiveFigure): every (start, η) a slider reaches, all 41 steps ---
    def live_frames(self, values):
        x0s, lrs = np.array(values, dtype=float).T
        xs = descent.descent_paths(descent.square_prime, x0s, lrs, N_STEPS)
        fx, grad = descent.square(xs), descent.square_prime(xs)
        levels = zoom_levels(xs)
        half = TANGENT_HALF_WIDTH * reach_of(levels) / BASE_REACH
        t = np.stack([xs - half, xs + half], axis=-1)                       # (n, 41, 2)
        tangent = np.stack([t, fx[..., None] + grad[..., None] * (t - xs[..., None])], axis=-1)
        path = np.stack([xs, fx], axis=-1)                                  # (n, 41, 2)
        after = np.concatenate([path[:, 1:], np.full_like(path[:, :1], np.nan)], axis=1)
        step = np.stack([path, np.where(np.isnan(after), path, after)], axis=-2)   # (n, 41, 2, 2): dot → next
        return {"path": path, "tangent": tangent, "step": step, "next": after[:, :, None, :], "zoom": levels}

    def live_background(self, level):
        reach = float(reach_of(level))
        with self.lock, swapped_title(self.ax, self.title):
            self._set_view(reach)
            try:
                png = background_png(self.fig, self.moving)
            finally:
                self._set_view(self.reach)
        return png, (-reach, reach), view_ylim(reach)

    def _set_view(self, reach):
        grid = np.linspace(-reach, reach, 241)
        self.curve.set_data(grid, descent.square(grid))
        self.ax.set_xlim(-reach, reach)
        self.ax.set_ylim(*view_ylim(reach))

    def _recompute(self):
        self.trace = descent.gradient_descent_1d(descent.square, descent.square_prime,
                                                 snap(self.start, self.start.value),
                                                 snap(self.lr, self.lr.value), n_iter=N_STEPS)
        self.xs = np.array([s.x for s in self.trace] + [self.trace[-1].new_x])
        self.levels = zoom_levels(self.xs[None, :])[0]
        self.diverging = descent.diverged(self.trace)

    def update(self, x0=None, lr=None, iteration=None):
        """Move the controls (exactly what the learner does); the figure follows."""
        with self.play.hold_trait_notifications():
            if x0 is not None:
                self.start.value = snap(self.start, require_in_range("x0", x0, self.start.min, self.start.max))
            if lr is not None:
                self.lr.value = snap(self.lr, require_in_range("lr", lr, self.lr.min, self.lr.max))
            if iteration is not None:
                self.play.value = int(require_in_range("iteration", iteration, 0, N_STEPS))
        return self

    def step(self):
        if self.play.value < self.play.max:
            self.play.value += 1
        return self

    def current(self):
        """(x, f(x), f'(x)) at the dot, all from the math layer."""
        k = self.iteration
        if k < len(self.trace):
            s = self.trace[k]
            return s.x, s.fx, s.grad
        x = self.trace[-1].new_x
        return x, descent.square(x), descent.square_prime(x)

    def _draw(self):
        k = self.iteration
        x, fx, grad = self.current()
        shown = self.xs[:k + 1]
        self.reach = float(reach_of(self.levels[min(k, len(self.levels) - 1)]))
        self._set_view(self.reach)
        self.path.set_data(shown, descent.square(shown))
        self.dot.set_data([x], [fx])
        half = TANGENT_HALF_WIDTH * self.reach / BASE_REACH
        t = np.array([x - half, x + half])
        self.tangent.set_data(t, fx + grad * (t - x))
        lr = snap(self.lr, self.lr.value)
        last = k >= len(self.xs) - 1
        after = x if last else self.xs[k + 1]
        self.step_line.xy, self.step_line.xyann = (after, descent.square(after)), (x, fx)
        self.step_line.set_visible(not last)
        self.next_dot.set_data([] if last else [after], [] if last else [descent.square(after)])
        ahead = (f"the last of {N_STEPS} steps" if last else
                 f"next: x − η·f'(x) = {short(x)} − {lr:g} × {short(grad)} = {short(after)}")
        state = ("diverging: η is too large, every step overshoots" if self.diverging
                 else "the dot moves against the slope")
        headline = f"step {k}: x = {short(x)}, f(x) = {short(fx)}, slope f'(x) = {short(grad)}"
        colour = style.DOT if self.diverging else "black"
        self.ax.set_title(f"{headline}\n{state if self.diverging else ahead}", fontsize=style.TITLE_SIZE,
                          color=colour)
        self.caption.value = caption_html(headline, f"{ahead}; {state}", centred=True, colour=colour)
        self.redraw()  # pixels first, then the table: the figure is what the eye follows
        rows = self.trace[:max(k, 1)]
        self.table.value = trace_table(rows, TRACE_COLUMNS, decimals=3, headers=TRACE_HEADERS).html


def short(value: float) -> str:
    """3 decimals as the script writes them, scientific once a diverging run gets huge."""
    return f"{value:.3f}" if abs(value) < 1e4 else f"{value:.3e}"


def descent_explorer(x0: float = 3.0, lr: float = 0.1) -> DescentExplorer:
    return DescentExplorer(x0, lr)


class TwoValleyExplorer(Scene):
    """f(x) = x⁴ − 4x² + x + 1: which valley descent from the start ends in."""

    title = "two valleys: where descent ends depends on the start"
    LR = 0.01
    PATH_STEPS = 400

    def __init__(self, x0: float):
        x0 = require_in_range("x0", x0, -2.2, 2.2)
        self.start = slider("start x₀", x0, -2.2, 2.2, 0.05)
        fig = make_figure(640, 380, margins=(84, 46, 16, 58), browser_drawn=True)
        with style.figure_style():
            self.ax = ax = fig.add_subplot()
        style.style_axes(ax, "x", "f(x) = x⁴ − 4x² + x + 1")
        grid = np.linspace(-2.3, 2.3, 400)
        ax.plot(grid, descent.two_valley(grid), color=style.CURVE, lw=1.8)
        self.critical_points = descent.two_valley_critical_points()
        for point in self.critical_points:
            colour = {"global minimum": style.OKABE_ITO["blue"], "local minimum": style.OKABE_ITO["purple"],
                      "local maximum": style.MUTED}[point.kind]
            ax.plot([point.x], [point.fx], "D", color=colour, ms=8, zorder=4)
            ax.annotate(f"{point.kind}\nx = {point.x:.3f}, f = {point.fx:.3f}", (point.x, point.fx),
                        xytext=(0, -16 if point.kind != "local maximum" else 10),
                        textcoords="offset points", ha="center",
                        va="top" if point.kind != "local maximum" else "bottom",
                        fontsize=style.FONT_SIZE, color=colour)
        (self.path,) = ax.plot([], [], "-", color=style.PATH, lw=3, alpha=0.9, label="descent path")
        (self.start_dot,) = ax.plot([], [], "o", color=style.DOT, ms=10, zorder=5, label="start")
        (self.end_dot,) = ax.plot([], [], "*", color=style.ACCENT, ms=16, zorder=6, label="where it ends")
        ax.set_xlim(-2.4, 2.4)
        ax.set_ylim(-8, 9)
        ax.legend(loc="upper center", ncols=3, frameon=False, fontsize=style.FONT_SIZE)
        self.caption = widgets.HTML(layout=widgets.Layout(min_height="44px"))
        self.live = LiveFigure(self, fig, ax, settings=[self.start], description=self.title, layers=[
            {"name": "path", "mode": "all", "color": style.PATH, "lw": 3, "alpha": 0.9},
            {"name": "start", "data": "path", "mode": "point", "color": style.DOT, "lw": 0, "marker": "o", "ms": 10},
            {"name": "end", "mode": "all", "color": style.ACCENT, "lw": 0, "marker": "*", "ms": 16},
        ])
        super().__init__(fig, controls=[self.start], view=widgets.VBox([self.caption, self.live]))
        self.start.observe(self._on_change, "value")
        self._draw()
        self._finish([self.path, self.start_dot, self.end_dot, ax.title])

    def update(self, x0=None):
        if x0 is not None:
            self.start.value = snap(self.start, require_in_range("x0", x0, self.start.min, self.start.max))
        return self

    def _draw(self):
        x0 = snap(self.start, self.start.value)
        trace = descent.gradient_descent_1d(descent.two_valley, descent.two_valley_prime, x0,
                                            self.LR, n_iter=self.PATH_STEPS)
        xs = np.array([x0] + [s.new_x for s in trace])
        self.path.set_data(xs, descent.two_valley(xs))
        self.start_dot.set_data([x0], [descent.two_valley(x0)])
        self.end = descent.which_valley(x0, lr=self.LR)
        self.end_dot.set_data([self.end.x], [self.end.fx])
        headline = f"start x₀ = {x0:.2f} → descent ends in the {self.end.kind}"
        where = f"at x = {self.end.x:.3f}, f(x) = {self.end.fx:.3f}"
        self.ax.set_title(f"{headline}\n{where}", fontsize=style.TITLE_SIZE)
        self.caption.value = caption_html(headline, where, centred=True)
        self.redraw()

    # --- what the browser draws (LiveFigure): the path and its end for every start ---
    def live_frames(self, values):
        x0s = np.array(values, dtype=float)[:, 0]
        xs = descent.descent_paths(descent.two_valley_prime, x0s, self.LR, self.PATH_STEPS)
        ends = [descent.which_valley(x0, lr=self.LR) for x0 in x0s]
        return {"path": np.stack([xs, descent.two_valley(xs)], axis=-1),
                "end": np.array([[[end.x, end.fx]] for end in ends])}

    def live_background(self, level):
        with self.lock, swapped_title(self.ax, "two valleys: move the start, see which valley descent ends in"):
            png = background_png(self.fig, [self.path, self.start_dot, self.end_dot])
        return png, self.ax.get_xlim(), self.ax.get_ylim()


def two_valley_explorer(x0: float = -0.5) -> TwoValleyExplorer:
    return TwoValleyExplorer(x0)
