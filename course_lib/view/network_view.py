"""Parts 4–5 scenes: the five-weight network with live values, and backprop step by step."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection

from course_lib import network

from . import style
from .scene import Scene, make_figure, make_stepper, require_in_range, slider
from .tables import show_table

NODES = {"x1": (0.0, 1.0), "x2": (0.0, -1.0), "h1": (1.6, 1.0), "h2": (1.6, -1.0),
         "1": (1.6, -2.4), "y_pred": (3.2, 0.0), "Error": (4.6, 0.0)}
EDGES = {  # key: (source, target, weight that rides on it or None)
    "x1-h1": ("x1", "h1", None), "x2-h1": ("x2", "h1", "w1"), "x1-h2": ("x1", "h2", "w2"),
    "x2-h2": ("x2", "h2", "w2"), "h1-y": ("h1", "y_pred", "w3"), "h2-y": ("h2", "y_pred", "w4"),
    "1-y": ("1", "y_pred", "w5"), "y-E": ("y_pred", "Error", None),
}
# The edges each weight's blame travels along, from the weight to the error.
PATHS = {"w1": ("x2-h1", "h1-y", "y-E"), "w2": ("x1-h2", "x2-h2", "h2-y", "y-E"),
         "w3": ("h1-y", "y-E"), "w4": ("h2-y", "y-E"), "w5": ("1-y", "y-E"), "shared": ("y-E",)}
LABEL_AT = {"w1": (1.1, 0.62), "w2": (0.8, -0.8), "w3": (2.45, 0.78), "w4": (2.45, -0.25),
            "w5": (2.45, -1.05)}
WEIGHT_RANGES = {"w1": (-2.0, 3.0), "w2": (-2.0, 4.0), "w3": (-2.0, 3.0), "w4": (-2.0, 3.0),
                 "w5": (-20.0, 20.0)}


def example_choices():
    return [(f"example {i + 1}: (x1, x2) = ({e.x1:g}, {e.x2:g}), y_true = {e.y_true:g}", i)
            for i, e in enumerate(network.DATASET)]


class NetworkDiagram:
    """Artists of the diagram, made once; `show` moves texts and colours only."""

    def __init__(self, ax):
        self.ax = ax
        style.blank_axes(ax)
        ax.set_xlim(-0.6, 5.2)
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
            label.set_text(f"{name} = {getattr(weights, name):.4g}")
        values = {"x1": fw.x1, "x2": fw.x2, "h1": fw.h1, "h2": fw.h2, "1": 1.0, "y_pred": fw.y_pred,
                  "Error": fw.error}
        for name, text in self.node_labels.items():
            text.set_text(f"{name}\n{values[name]:.4g}" if name != "1" else "bias\n1")
        lit = set(PATHS.get(highlight, ()))
        self.edges.set_colors([style.HIGHLIGHT if k in lit else style.MUTED for k in self.keys])
        self.edges.set_linewidths([4.0 if k in lit else 1.8 for k in self.keys])
        for name, label in self.weight_labels.items():
            label.set_color(style.HIGHLIGHT if name == highlight else style.OKABE_ITO["blue"])


class NetworkExplorer(Scene):
    title = "the network: forward pass with live weights"

    def __init__(self, weights):
        weights = network.require_weights(weights)
        self.weight_sliders = {}
        for name in network.NAMES:
            low, high = WEIGHT_RANGES[name]
            value = require_in_range(name, getattr(weights, name), low, high)
            self.weight_sliders[name] = slider(name, value, low, high, 0.01, ".3f")
        self.example = widgets.Dropdown(options=example_choices(), value=0, description="diagram shows",
                                        style={"description_width": "initial"})
        fig = make_figure(860, 380, margins=None)
        with style.figure_style():
            grid = fig.add_gridspec(1, 2, width_ratios=[2.0, 1.0])
            self.ax = fig.add_subplot(grid[0])
            self.ax_pred = fig.add_subplot(grid[1])
        self.diagram = NetworkDiagram(self.ax)
        labels = [f"({e.x1:g}, {e.x2:g})" for e in network.DATASET]
        positions = np.arange(len(network.DATASET))
        self.target_bars = self.ax_pred.bar(positions - 0.2, [e.y_true for e in network.DATASET], 0.4,
                                            color=style.OKABE_ITO["sky_blue"], label="y_true", hatch="//",
                                            edgecolor="white")
        self.pred_bars = self.ax_pred.bar(positions + 0.2, [0.0] * len(positions), 0.4,
                                          color=style.OKABE_ITO["vermillion"], label="y_pred")
        self.ax_pred.set_xticks(positions, labels)
        style.style_axes(self.ax_pred, "input (x1, x2)", "output")
        self.ax_pred.legend(loc="upper left", frameon=False, fontsize=style.FONT_SIZE)
        super().__init__(fig, controls=[*self.weight_sliders.values(), self.example])
        for control in (*self.weight_sliders.values(), self.example):
            control.observe(lambda change: self._draw(), "value")
        self._draw()
        self._finish([*self.diagram.artists(), *self.pred_bars, self.ax.title])

    @property
    def weights(self):
        return network.Weights(*(self.weight_sliders[n].value for n in network.NAMES))

    def update(self, example=None, **weights):
        unknown = set(weights) - set(network.NAMES)
        if unknown:
            raise ValueError(f"weights must be among {network.NAMES}, got {sorted(unknown)}")
        with self.example.hold_trait_notifications():
            for name, value in weights.items():
                low, high = WEIGHT_RANGES[name]
                self.weight_sliders[name].value = require_in_range(name, value, low, high)
            if example is not None:
                self.example.value = int(require_in_range("example", example, 0, len(network.DATASET) - 1))
        return self

    def _draw(self):
        weights = self.weights
        results = network.forward_dataset(weights)
        self.diagram.show(weights, results[self.example.value])
        for bar, fw in zip(self.pred_bars, results):
            bar.set_height(fw.y_pred)
        top = max([fw.y_pred for fw in results] + [e.y_true for e in network.DATASET])
        bottom = min([fw.y_pred for fw in results] + [0.0])
        low, high = self.ax_pred.get_ylim()
        if top > high or bottom < low or top < 0.4 * high:  # rescale rarely: a rescale is a full redraw
            self.ax_pred.set_ylim(bottom * 1.25, top * 1.25)
        self.total_error = network.total_squared_error(weights)
        self.ax.set_title(f"total squared error over the 3 examples = {self.total_error:.4g}",
                          fontsize=style.TITLE_SIZE)
        self.redraw()


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
        self.example = widgets.Dropdown(options=example_choices(), value=0, description="example",
                                        style={"description_width": "initial"})
        self.play, self.step_button, self.reset_button = make_stepper(self.N_STEPS, 1200)
        self.table = widgets.HTML()
        fig = make_figure(760, 400)
        with style.figure_style():
            self.ax = fig.add_subplot()
        self.diagram = NetworkDiagram(self.ax)
        self.chain_text = self.ax.text(5.15, -2.5, "", ha="right", va="center", fontsize=style.TITLE_SIZE,
                                       color=style.HIGHLIGHT)
        super().__init__(fig, controls=[self.example, self.play, self.step_button, self.reset_button],
                         below=[self.table])
        self.example.observe(lambda change: self._draw(), "value")
        self.play.observe(lambda change: self._draw(), "value")
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
