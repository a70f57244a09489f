"""Part 2 scene: descent on the bowl x1² + 2x2², contours and surface, with both partial arrows."""
from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from course_lib import gradient

from . import style
from .live import LiveFigure, background_png, clip_box, project_3d, snap, swapped_title
from .scene import TraceScene, make_figure, make_stepper, require_in_range, slider
from .tables import trace_table

N_STEPS = 30
LIMIT = 4.0
ARROW_SCALE = 0.25
NEXT_ALPHA = 0.45    # the next step's landing point: a paler dot


class BowlExplorer(TraceScene):
    title = "gradient descent on the bowl f(x1, x2) = x1² + 2·x2²"

    def __init__(self, x0, lr: float):
        if not hasattr(x0, "__len__") or len(x0) != 2:
            raise ValueError(f"x0 must be a pair (x1, x2), got {x0!r}")
        x1 = require_in_range("x0[0]", x0[0], -LIMIT, LIMIT)
        x2 = require_in_range("x0[1]", x0[1], -LIMIT, LIMIT)
        lr = require_in_range("lr", lr, 0.01, 0.6)
        self.start_x1 = slider("start x1", x1, -LIMIT, LIMIT, 0.1)
        self.start_x2 = slider("start x2", x2, -LIMIT, LIMIT, 0.1)
        self.lr = slider("learning rate η", lr, 0.01, 0.6, 0.01)
        self.play, self.step_button, self.reset_button = make_stepper(N_STEPS)
        self.table = widgets.HTML(layout=widgets.Layout(max_height="200px", overflow="auto"))

        fig = make_figure(780, 380, margins=(60, 48, 10, 62), browser_drawn=True)
        grid = np.linspace(-LIMIT, LIMIT, 61)
        g1, g2 = np.meshgrid(grid, grid)
        # bowl takes one point: evaluate it on the grid point by point (61² calls, once per build)
        heights = np.array([[gradient.bowl((a, b)) for a, b in zip(r1, r2)] for r1, r2 in zip(g1, g2)])
        with style.figure_style():
            self.ax = ax = fig.add_axes([60 / 780, 48 / 380, 0.44, 1 - 110 / 380])
            self.ax3d = ax3d = fig.add_axes([0.56, 0.06, 0.38, 0.8], projection="3d")
        ax.contour(g1, g2, heights, levels=[0.5, 2, 5, 10, 17, 26, 40], colors=style.MUTED, linewidths=1)
        ax.set_aspect("equal")
        ax.set_xlim(-LIMIT, LIMIT)
        ax.set_ylim(-LIMIT, LIMIT)
        style.style_axes(ax, "x1", "x2")
        (self.path,) = ax.plot([], [], "o-", color=style.PATH, ms=4, lw=1.4)
        (self.dot,) = ax.plot([], [], "o", color=style.DOT, ms=10, zorder=5)
        # Where the next step lands (−η·∇f from the dot), so η shows before the first step too.
        self.step_arrow = ax.annotate("", xy=(0, 0), xytext=(0, 0), zorder=6, arrowprops=dict(
            arrowstyle="-|>", linestyle="--", color=style.CURVE, lw=1.5, shrinkA=0, shrinkB=0, mutation_scale=14))
        (self.next_dot,) = ax.plot([], [], "o", color=style.DOT, ms=8, alpha=NEXT_ALPHA, zorder=5)
        # Two arrows from the dot along −∂f/∂x1 and −∂f/∂x2 (downhill), ARROW_SCALE units per unit of slope.
        self.arrows = ax.quiver([0, 0], [0, 0], [0, 0], [0, 0], angles="xy", scale_units="xy", scale=1,
                                color=[style.OKABE_ITO["blue"], style.OKABE_ITO["green"]], width=0.012,
                                zorder=6)
        self.arrow_labels = [
            ax.text(0, 0, "", color=style.OKABE_ITO["blue"], fontsize=style.FONT_SIZE, zorder=7,
                    ha="center", va="top"),
            ax.text(0, 0, "", color=style.OKABE_ITO["green"], fontsize=style.FONT_SIZE, zorder=7,
                    ha="left", va="center")]
        ax3d.plot_surface(g1[::3, ::3], g2[::3, ::3], heights[::3, ::3], cmap="cividis", alpha=0.55,
                          linewidth=0)
        (self.path3d,) = ax3d.plot([], [], [], "o-", color=style.PATH, ms=3, lw=1.4)
        (self.dot3d,) = ax3d.plot([], [], [], "o", color=style.DOT, ms=8)
        ax3d.set_xlabel("x1", fontsize=style.FONT_SIZE)
        ax3d.set_ylabel("x2", fontsize=style.FONT_SIZE)
        ax3d.set_zlabel("f", fontsize=style.FONT_SIZE)
        ax3d.tick_params(labelsize=style.FONT_SIZE)
        ax3d.view_init(elev=28, azim=-60)
        blue, green = style.OKABE_ITO["blue"], style.OKABE_ITO["green"]
        box3d = clip_box(ax3d)
        self.caption = widgets.HTML(layout=widgets.Layout(min_height="86px"))
        self.live = LiveFigure(self, fig, ax, settings=[self.start_x1, self.start_x2, self.lr],
                               iteration=self.play, description=self.title, layers=[
            {"name": "path", "mode": "prefix", "color": style.PATH, "lw": 1.4, "marker": "o", "ms": 4},
            {"name": "step", "mode": "at", "color": style.CURVE, "lw": 1.5, "arrow": True, "dash": [3.7, 1.6],
             "head": 9},
            {"name": "next", "mode": "at", "color": style.DOT, "lw": 0, "marker": "o", "ms": 8, "alpha": NEXT_ALPHA},
            {"name": "dot", "data": "path", "mode": "point", "color": style.DOT, "lw": 0, "marker": "o", "ms": 10},
            {"name": "arrow_x1", "mode": "at", "color": blue, "lw": 2.5, "arrow": True},
            {"name": "arrow_x2", "mode": "at", "color": green, "lw": 2.5, "arrow": True},
            {"name": "path3d", "mode": "prefix", "space": "pixels", "clip": box3d, "color": style.PATH,
             "lw": 1.4, "marker": "o", "ms": 3},
            {"name": "dot3d", "data": "path3d", "mode": "point", "space": "pixels", "clip": box3d,
             "color": style.DOT, "lw": 0, "marker": "o", "ms": 8},
        ])
        super().__init__(fig, controls=[self.start_x1, self.start_x2, self.lr, self.play,
                                        self.step_button, self.reset_button], below=[self.table],
                         view=widgets.VBox([self.caption, self.live]))
        self.moving = [self.path, self.dot, self.step_arrow, self.next_dot, self.arrows, *self.arrow_labels,
                       self.path3d, self.dot3d]
        self._start([self.start_x1, self.start_x2, self.lr], moving=[*self.moving, ax.title])

    def _recompute(self):
        start = (snap(self.start_x1, self.start_x1.value), snap(self.start_x2, self.start_x2.value))
        self.trace = gradient.gradient_descent_nd(gradient.bowl, gradient.bowl_gradient, start,
                                                  snap(self.lr, self.lr.value), n_iter=N_STEPS)
        self.points = np.array([s.x for s in self.trace] + [self.trace[-1].new_x])

    def update(self, x0=None, lr=None, iteration=None):
        with self.play.hold_trait_notifications():
            if x0 is not None:
                self.start_x1.value = snap(self.start_x1, require_in_range("x0[0]", x0[0], -LIMIT, LIMIT))
                self.start_x2.value = snap(self.start_x2, require_in_range("x0[1]", x0[1], -LIMIT, LIMIT))
            if lr is not None:
                self.lr.value = snap(self.lr, require_in_range("lr", lr, self.lr.min, self.lr.max))
            if iteration is not None:
                self.play.value = int(require_in_range("iteration", iteration, 0, N_STEPS))
        return self

    def current(self):
        """(point, f, gradient) at the dot, from the math layer."""
        k = self.iteration
        if k < len(self.trace):
            s = self.trace[k]
            return np.asarray(s.x), float(s.fx), np.asarray(s.grad)
        point = self.points[-1]
        return point, gradient.bowl(point), gradient.bowl_gradient(point)

    def _draw(self):
        k = self.iteration
        point, fx, grad = self.current()
        shown = self.points[:k + 1]
        heights = np.array([gradient.bowl(p) for p in shown])
        self.path.set_data(shown[:, 0], shown[:, 1])
        self.dot.set_data([point[0]], [point[1]])
        arrows = -ARROW_SCALE * grad
        self.arrows.set_offsets([point, point])
        self.arrows.set_UVC([arrows[0], 0.0], [0.0, arrows[1]])
        ends = (point + [arrows[0], 0.0], point + [0.0, arrows[1]])
        spots = ((ends[0][0], ends[0][1] - 0.25), (ends[1][0] + 0.15, ends[1][1]))
        for label, spot, name, value in zip(self.arrow_labels, spots, ("x1", "x2"), grad):
            label.set_position(spot)
            label.set_text(f"∂f/∂{name} = {value:.2f}")
            label.set_visible(bool(np.all(np.abs(spot) < LIMIT)))   # a diverging dot leaves the view
        self.path3d.set_data_3d(shown[:, 0], shown[:, 1], heights)
        self.dot3d.set_data_3d([point[0]], [point[1]], [fx])
        last = k >= len(self.points) - 1
        after = point if last else self.points[k + 1]
        self.step_arrow.xy, self.step_arrow.xyann = tuple(after), tuple(point)
        self.step_arrow.set_visible(not last and bool(np.all(np.abs(after) < LIMIT)))
        self.next_dot.set_data([] if last else [after[0]], [] if last else [after[1]])
        lr = snap(self.lr, self.lr.value)
        ahead = (f"the last of {N_STEPS} steps" if last else
                 f"dashed: the next step −η·∇f = ({-lr * grad[0]:.2f}, {-lr * grad[1]:.2f}) with η = {lr:g}, "
                 f"to ({after[0]:.2f}, {after[1]:.2f})")
        headline = f"step {k}: (x1, x2) = ({point[0]:.2f}, {point[1]:.2f}), f = {fx:.3f}"
        legend = f"arrows: −∂f/∂x1 = −2·x1 and −∂f/∂x2 = −4·x2 (× {ARROW_SCALE})"
        self.ax.set_title(f"{headline}\n{legend}", fontsize=style.TITLE_SIZE, loc="left")
        blue, green = style.OKABE_ITO["blue"], style.OKABE_ITO["green"]
        self.caption.value = (
            f'<div style="font-size:13px;line-height:1.45"><b>{html.escape(headline)}</b><br>'
            f'<span style="color:{blue}">■ ∂f/∂x1 = {grad[0]:.2f}</span> &nbsp; '
            f'<span style="color:{green}">■ ∂f/∂x2 = {grad[1]:.2f}</span><br>{html.escape(legend)}<br>'
            f'{html.escape(ahead)}</div>')
        self.redraw()
        self.table.value = trace_table(self.trace[:max(k, 1)], ["iteration", "x", "fx", "grad", "new_x"],
                                       decimals=2, headers=["Iter", "(x1, x2)", "f", "(∂f/∂x1, ∂f/∂x2)",
                                                            "new (x1, x2)"]).html


    # --- what the browser draws (LiveFigure): every (x1, x2, η) one slider away, 31 steps each ---
    def live_frames(self, values):
        settings = np.array(values, dtype=float)
        points = gradient.descent_paths_nd(gradient.bowl_gradient, settings[:, :2], settings[:, 2], N_STEPS)
        grads = np.array([[gradient.bowl_gradient(p) for p in run] for run in points])
        heights = np.array([[gradient.bowl(p) for p in run] for run in points])
        downhill = -ARROW_SCALE * grads
        zero = np.zeros_like(downhill[..., 0])
        arrow_x1 = np.stack([points, points + np.stack([downhill[..., 0], zero], axis=-1)], axis=-2)
        arrow_x2 = np.stack([points, points + np.stack([zero, downhill[..., 1]], axis=-1)], axis=-2)
        with self.lock:
            path3d = project_3d(self.ax3d, points[..., 0], points[..., 1], heights)
        after = np.concatenate([points[:, 1:], np.full_like(points[:, :1], np.nan)], axis=1)
        step = np.stack([points, np.where(np.isnan(after), points, after)], axis=-2)   # dot → next point
        return {"path": points, "arrow_x1": arrow_x1, "arrow_x2": arrow_x2, "path3d": path3d,
                "step": step, "next": after[:, :, None, :]}

    def live_background(self, level):
        with self.lock, swapped_title(self.ax, "", loc="left"):
            png = background_png(self.fig, self.moving)
        return png, self.ax.get_xlim(), self.ax.get_ylim()


def bowl_explorer(x0=(3.0, 2.0), lr: float = 0.1) -> BowlExplorer:
    return BowlExplorer(x0, lr)
