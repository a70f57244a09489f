"""Parts 4–5 scenes: the five-weight network with live values, and backprop step by step."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection

from course_lib import network

from . import style
from .style import DPI
from .live import LiveFigure, background_png, caption_html, clip_box, snap, to_pixels
from .scene import Scene, make_figure, make_stepper, require_in_range, slider
from .tables import show_table

NODES = {"x1": (0.0, 1.0), "x2": (0.0, -1.0), "h1": (1.9, 1.0), "h2": (1.9, -1.0),
         "1": (1.9, -2.4), "y_pred": (3.6, 0.0), "Error": (5.0, 0.0)}
EDGES = {  # key: (source, target, weight that rides on it or None)
    "x1-h1": ("x1", "h1", None), "x2-h1": ("x2", "h1", "w1"), "x1-h2": ("x1", "h2", "w2"),
    "x2-h2": ("x2", "h2", "w2"), "h1-y": ("h1", "y_pred", "w3"), "h2-y": ("h2", "y_pred", "w4"),
    "1-y": ("1", "y_pred", "w5"), "y-E": ("y_pred", "Error", None),
}
# The edges each weight's blame travels along, from the weight to the error.
PATHS = {"w1": ("x2-h1", "h1-y", "y-E"), "w2": ("x1-h2", "x2-h2", "h2-y", "y-E"),
         "w3": ("h1-y", "y-E"), "w4": ("h2-y", "y-E"), "w5": ("1-y", "y-E"), "shared": ("y-E",)}
LABEL_AT = {"w1": (1.15, 0.2), "w2": (0.95, -0.85), "w3": (2.8, 0.72), "w4": (2.75, -0.3),
            "w5": (2.9, -1.1)}
WEIGHT_RANGES = {"w1": (-2.0, 3.0), "w2": (-2.0, 4.0), "w3": (-2.0, 3.0), "w4": (-2.0, 3.0),
                 "w5": (-20.0, 20.0)}


def example_choices():
    return [(f"example {i + 1}: (x1, x2) = ({e.x1:g}, {e.x2:g}), y_true = {e.y_true:g}", i)
            for i, e in enumerate(network.DATASET)]


def example_dropdown(description: str) -> widgets.Dropdown:
    """The example picker, as wide as its longest choice (the default 300 px cut it off)."""
    return widgets.Dropdown(options=example_choices(), value=0, description=description,
                            style={"description_width": "initial"}, layout=widgets.Layout(width="max-content"))


def weight_label(name: str, value: float) -> str:
    return f"{name} = {value:.4g}".replace("-", "−")


def node_label(name: str, fw) -> str:
    values = {"x1": fw.x1, "x2": fw.x2, "h1": fw.h1, "h2": fw.h2, "y_pred": fw.y_pred, "Error": fw.error}
    return "bias\n1" if name == "1" else f"{name}\n{style.short_number(values[name])}"


class NetworkDiagram:
    """Artists of the diagram, made once; `show` moves texts and colours only."""

    def __init__(self, ax):
        self.ax = ax
        style.blank_axes(ax)
        ax.set_xlim(-0.6, 5.6)
        ax.set_ylim(-3.0, 1.9)
        self.keys = list(EDGES)
        segments = [(NODES[s], NODES[t]) for s, t, _ in EDGES.values()]
        self.edges = LineCollection(segments, colors=style.MUTED, linewidths=1.8, zorder=1)
        ax.add_collection(self.edges)
        self.weight_labels = {}
        for weight, (x, y) in LABEL_AT.items():
            self.weight_labels[weight] = ax.text(
                    x, y, "", ha="center", fontsize=style.FONT_SIZE,
                    color=style.OKABE_ITO["blue"], zorder=3,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))
        centres = np.array(list(NODES.values()))
        self.nodes = ax.scatter(centres[:, 0], centres[:, 1], s=3000, c="white",
                                edgecolors=style.CURVE, linewidths=1.5, zorder=2)
        self.node_labels = {name: ax.text(x, y, "", ha="center", va="center", fontsize=style.FONT_SIZE,
                                          zorder=4) for name, (x, y) in NODES.items()}

    def artists(self):
        return [self.edges, self.nodes, *self.weight_labels.values(), *self.node_labels.values()]

    def show(self, weights, fw, highlight: str | None = None):
        for name, label in self.weight_labels.items():
            label.set_text(weight_label(name, getattr(weights, name)))
        for name, text in self.node_labels.items():
            text.set_text(node_label(name, fw))
        lit = set(PATHS.get(highlight, ()))
        self.edges.set_colors([style.HIGHLIGHT if k in lit else style.MUTED for k in self.keys])
        self.edges.set_linewidths([4.0 if k in lit else 1.8 for k in self.keys])
        for name, label in self.weight_labels.items():
            label.set_color(style.HIGHLIGHT if name == highlight else style.OKABE_ITO["blue"])


# The prediction bars' y range, picked from the setting alone so the browser's frames and the
# static figure agree: the smallest top and bottom on these ladders that hold every bar with
# 10% to spare. They reach the slider box's extremes (y_pred from about −410 to 600).
BAR_TOPS = (30, 40, 60, 80, 120, 160, 250, 350, 500, 700)
BAR_BOTTOMS = (0, 10, 30, 60, 120, 250, 500)


def bar_level(predictions) -> int:
    top = 1.1 * max([*predictions, *(e.y_true for e in network.DATASET)])
    bottom = 1.1 * max(0.0, -min(predictions))
    if top > BAR_TOPS[-1] or bottom > BAR_BOTTOMS[-1]:
        raise ValueError(f"predictions {predictions} are beyond the bar chart's y range")
    i = next(n for n, t in enumerate(BAR_TOPS) if t >= top)
    j = next(n for n, b in enumerate(BAR_BOTTOMS) if b >= bottom)
    return i * len(BAR_BOTTOMS) + j


def bar_limits(level: int) -> tuple[float, float]:
    i, j = divmod(level, len(BAR_BOTTOMS))
    return -BAR_BOTTOMS[j], BAR_TOPS[i]


class NetworkExplorer(Scene):
    title = "the network: forward pass with live weights"

    def __init__(self, weights):
        weights = network.require_weights(weights)
        self.weight_sliders = {}
        for name in network.NAMES:
            low, high = WEIGHT_RANGES[name]
            value = require_in_range(name, getattr(weights, name), low, high)
            self.weight_sliders[name] = slider(name, value, low, high, 0.01, ".3f")
        self.example = example_dropdown("diagram shows")
        fig = make_figure(860, 380, margins=None, browser_drawn=True)
        with style.figure_style():
            grid = fig.add_gridspec(1, 2, width_ratios=[2.0, 1.0])
            self.ax = fig.add_subplot(grid[0])
            self.ax_pred = fig.add_subplot(grid[1])
        self.diagram = NetworkDiagram(self.ax)
        labels = [f"({e.x1:g}, {e.x2:g})" for e in network.DATASET]
        self.bar_x = np.arange(len(network.DATASET)) + 0.2
        self.target_bars = self.ax_pred.bar(self.bar_x - 0.4, [e.y_true for e in network.DATASET], 0.4,
                                            color=style.OKABE_ITO["sky_blue"], label="y_true", hatch="//",
                                            edgecolor="white")
        self.pred_bars = self.ax_pred.bar(self.bar_x, [0.0] * len(self.bar_x), 0.4,
                                          color=style.OKABE_ITO["vermillion"], label="y_pred")
        self.ax_pred.set_xticks(self.bar_x - 0.2, labels)
        style.style_axes(self.ax_pred, "input (x1, x2)", "output")
        # above the axes: inside, a prediction bar grown to the top of its range would cover it
        self.ax_pred.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False,
                            fontsize=style.FONT_SIZE)
        self.caption = widgets.HTML(layout=widgets.Layout(min_height="24px"))
        self.settings = [*self.weight_sliders.values(), self.example]
        for control in self.settings:   # before LiveFigure's: the caption first, then the frames
            control.observe(self._on_change, "value")
        self.live = LiveFigure(self, fig, self.ax, settings=self.settings, description=self.title, layers=[])
        super().__init__(fig, controls=self.settings, view=widgets.VBox([self.caption, self.live]))
        self._draw()
        self.moving = [*self.diagram.weight_labels.values(), *self.diagram.node_labels.values(),
                       *self.pred_bars, self.ax.title]
        self._finish(self.moving)
        self.live.layers = self._live_layers()     # positions as laid out for good by _finish

    @property
    def weights(self):
        return network.Weights(*(snap(self.weight_sliders[n], self.weight_sliders[n].value)
                                 for n in network.NAMES))

    def update(self, example=None, **weights):
        unknown = set(weights) - set(network.NAMES)
        if unknown:
            raise ValueError(f"weights must be among {network.NAMES}, got {sorted(unknown)}")
        with self.example.hold_trait_notifications():
            for name, value in weights.items():
                low, high = WEIGHT_RANGES[name]
                control = self.weight_sliders[name]
                control.value = snap(control, require_in_range(name, value, low, high))
            if example is not None:
                self.example.value = int(require_in_range("example", example, 0, len(network.DATASET) - 1))
        return self

    def _draw(self):
        weights = self.weights
        results = network.forward_dataset(weights)
        self.diagram.show(weights, results[self.example.value])
        for bar, fw in zip(self.pred_bars, results):
            bar.set_height(fw.y_pred)
        self.ax_pred.set_ylim(*bar_limits(bar_level([fw.y_pred for fw in results])))
        self.total_error = network.total_squared_error(weights)
        headline = f"total squared error over the 3 examples = {self.total_error:.4g}"
        self.ax.set_title(headline, fontsize=style.TITLE_SIZE)
        self.caption.value = caption_html(headline)
        self.redraw()

    # --- what the browser draws (LiveFigure): labels and bars for every setting one move away ---
    def _live_layers(self):
        renderer = self.fig.canvas.get_renderer()
        to_data = self.ax.transData.inverted()
        # matplotlib places the weight labels by their baseline; the browser centres its texts
        centres = [to_data.transform(label.get_window_extent(renderer).get_points().mean(axis=0)).tolist()
                   for label in self.diagram.weight_labels.values()]
        (left, _), (right, _) = to_pixels(self.ax_pred, [0.0, 0.4], [0.0, 0.0])
        node_colour = next(iter(self.diagram.node_labels.values())).get_color()
        return [
            {"name": "nodes", "kind": "text", "positions": [list(p) for p in NODES.values()],
             "size": style.FONT_SIZE, "color": node_colour},
            {"name": "weights", "kind": "text", "positions": centres, "size": style.FONT_SIZE,
             "color": style.OKABE_ITO["blue"], "box": "white"},
            {"name": "pred", "mode": "all", "space": "pixels", "clip": [float(v) for v in clip_box(self.ax_pred)],
             "color": style.OKABE_ITO["vermillion"], "lw": float(right - left) * 72 / DPI, "cap": "butt"},
        ]

    def live_frames(self, values):
        """values: (w1, …, w5, example) per key. Labels as the static figure writes them; bars
        as pixel polylines (base, top, gap per bar), projected at each key's bar y range."""
        nodes, labels, predictions = [], [], []
        for *ws, example in values:
            weights = network.Weights(*ws)
            results = network.forward_dataset(weights)
            nodes.append([node_label(name, results[example]) for name in NODES])
            labels.append([weight_label(name, getattr(weights, name)) for name in LABEL_AT])
            predictions.append([fw.y_pred for fw in results])
        levels = np.array([bar_level(p) for p in predictions])
        tops = np.array(predictions)
        xs = np.tile(np.repeat(self.bar_x, 3), (len(values), 1))
        ys = np.stack([np.zeros_like(tops), tops, np.full_like(tops, np.nan)], axis=2).reshape(len(values), -1)
        bars = np.empty((len(values), xs.shape[1], 2))
        with self.lock:
            shown = self.ax_pred.get_ylim()
            try:
                for level in np.unique(levels):
                    self.ax_pred.set_ylim(*bar_limits(level))
                    rows = levels == level
                    bars[rows] = to_pixels(self.ax_pred, xs[rows], ys[rows])
            finally:
                self.ax_pred.set_ylim(*shown)
        return {"nodes": nodes, "weights": labels, "pred": bars, "zoom": levels[:, None]}

    def live_background(self, level):
        """The diagram's nodes and edges, the targets and axes, at one bar y range."""
        with self.lock:
            shown = self.ax_pred.get_ylim()
            self.ax_pred.set_ylim(*bar_limits(level))
            try:
                png = background_png(self.fig, self.moving)
            finally:
                self.ax_pred.set_ylim(*shown)
            return png, self.ax.get_xlim(), self.ax.get_ylim()


def network_explorer(weights=network.INITIAL_WEIGHTS) -> NetworkExplorer:
    return NetworkExplorer(weights)


BACKPROP_ORDER = ("w5", "w4", "w3", "w2", "w1")  # the script's order: simplest path first


class BackpropStepper(Scene):
    """Step 0 forward, 1 the shared ∂Error/∂y_pred, 2–6 one weight's chain each, 7 the update."""

    title = "backpropagation step by step"
    N_STEPS = 2 + len(BACKPROP_ORDER)

    def __init__(self, weights, lr: float):
        self.start_weights = network.require_weights(weights)
        self.lr = require_in_range("lr", lr, 1e-8, 1.0)
        self.example = example_dropdown("example")
        self.play, self.step_button, self.reset_button = make_stepper(self.N_STEPS, 1200)
        self.table = widgets.HTML()
        fig = make_figure(760, 400)
        with style.figure_style():
            self.ax = fig.add_subplot()
        self.diagram = NetworkDiagram(self.ax)
        self.chain_text = self.ax.text(5.55, -2.5, "", ha="right", va="center", fontsize=style.TITLE_SIZE,
                                       color=style.HIGHLIGHT)
        super().__init__(fig, controls=[self.example, self.play, self.step_button, self.reset_button],
                         below=[self.table])
        self.example.observe(self._on_change, "value")
        self.play.observe(self._on_change, "value")
        self._draw()
        self._finish([*self.diagram.artists(), self.chain_text, self.ax.title])

    def update(self, step=None, example=None):
        with self.play.hold_trait_notifications():
            if example is not None:
                self.example.value = int(require_in_range("example", example, 0, len(network.DATASET) - 1))
            if step is not None:
                self.play.value = int(require_in_range("step", step, 0, self.N_STEPS))
        return self

    def _draw(self):
        k = self.play.value
        example = network.DATASET[self.example.value]
        self.result = bp = network.backprop(self.start_weights, example)
        self.new_weights = network.update(self.start_weights, bp.gradient, self.lr)
        done = BACKPROP_ORDER[:max(0, k - 1)]
        current = done[-1] if 2 <= k <= 1 + len(BACKPROP_ORDER) else None
        self.diagram.show(self.start_weights, bp.forward, highlight="shared" if k == 1 else current)
        if k == 0:
            title, chain = (f"forward pass: y_pred = {bp.forward.y_pred:.4g}, y_true = {bp.forward.y_true:.4g}",
                            f"Error = (y_true − y_pred)² = {bp.forward.error:.4g}")
        elif k == 1:
            title, chain = ("the shared factor, computed once",
                            f"∂Error/∂y_pred = 2 × (y_pred − y_true) = {bp.dE_dy:.4g}")
        elif current is not None:
            blame = bp.blames[current]
            names = " × ".join(name for name, _ in blame.factors)
            values = " × ".join(f"{value:.4g}" for _, value in blame.factors)
            title, chain = f"∂Error/∂{current} = {names}", f"{values} = {blame.gradient:.6g}"
        else:
            title, chain = (f"update all five at once: w ← w − η × ∂Error/∂w (η = {self.lr:g})",
                            "new weights in the table below")
        self.ax.set_title(title, fontsize=style.TITLE_SIZE)
        self.chain_text.set_text(chain)
        rows = []
        for name in network.NAMES:
            known = name in done or k > len(BACKPROP_ORDER) + 1
            gradient = f"{bp.blames[name].gradient:.6g}" if known else "?"
            after = f"{getattr(self.new_weights, name):.6g}" if k == self.N_STEPS else ""
            rows.append([name, f"{getattr(self.start_weights, name):.6g}", gradient, after])
        self.table.value = show_table(["weight", "before", "∂Error/∂w", "after update"], rows).html
        self.redraw()


def backprop_stepper(weights=network.INITIAL_WEIGHTS, lr: float = 0.0001) -> BackpropStepper:
    return BackpropStepper(weights, lr)
