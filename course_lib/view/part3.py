"""Part 3 scene: the computation graph of f = ((2x1 + x2)² + 3x2²)³, values forward, blame backward."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection

from course_lib import autodiff

from . import style
from .live import LiveFigure, background_png, caption_html, snap
from .scene import Scene, make_figure, make_stepper, require_in_range, slider

LIMIT = 2.0
EDGE_STYLES = [(style.MUTED, 1.5), (style.OKABE_ITO["blue"], 2.5), (style.HIGHLIGHT, 4.0)]  # hidden, revealed, current
NODE_FACES = ["white", style.OKABE_ITO["yellow"]]                                            # blame pending, complete
NODE_AREA = 4200    # scatter size in pt²


def layered_positions(graph) -> dict[str, tuple[float, float]]:
    """x = longest path from an input (so every edge points right), y spread within a layer."""
    depth = {node.id: 0 for node in graph.nodes}
    for node in graph.nodes:  # topological order: sources are final before their targets
        for edge in graph.edges:
            if edge.target_id == node.id:
                depth[node.id] = max(depth[node.id], depth[edge.source_id] + 1)
    layers: dict[int, list[str]] = {}
    for node in graph.nodes:
        layers.setdefault(depth[node.id], []).append(node.id)
    positions = {}
    for d, ids in layers.items():
        for i, node_id in enumerate(ids):
            positions[node_id] = (float(d), 1.3 * ((len(ids) - 1) / 2 - i))
    return positions


OP_NAMES = {"*": "×", "+": "+", "**2": "( )²", "**3": "( )³"}


def node_name(node) -> str:
    return node.label or f"[{OP_NAMES.get(node.op, node.op)}]"


class ChainGraphExplorer(Scene):
    title = "the chain rule as a computation graph"

    def __init__(self, x1: float, x2: float):
        x1 = require_in_range("x1", x1, -LIMIT, LIMIT)
        x2 = require_in_range("x2", x2, -LIMIT, LIMIT)
        self.x1 = slider("x1", x1, -LIMIT, LIMIT, 0.05)
        self.x2 = slider("x2", x2, -LIMIT, LIMIT, 0.05)
        self._compute()
        # Backward order: the edges into the output first (reverse topological order of targets).
        self.backward_order = list(reversed(range(len(self.graph.edges))))
        self.play, self.step_button, self.reset_button = make_stepper(len(self.graph.edges), 900)

        fig = make_figure(820, 400, browser_drawn=True)
        with style.figure_style():
            self.ax = ax = fig.add_subplot()
        style.blank_axes(ax, " ")
        self.positions = layered_positions(self.graph)
        xs = [p[0] for p in self.positions.values()]
        ys = [p[1] for p in self.positions.values()]
        ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
        ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
        segments = [(self.positions[e.source_id], self.positions[e.target_id]) for e in self.graph.edges]
        self.edges = LineCollection(segments, colors=style.MUTED, linewidths=1.5, zorder=1)
        ax.add_collection(self.edges)
        self.label_spots = [(0.45 * a[0] + 0.55 * b[0], 0.45 * a[1] + 0.55 * b[1]) for a, b in segments]
        self.edge_labels = [
            ax.text(x, y, "", ha="center", va="center", fontsize=style.FONT_SIZE, color=style.OKABE_ITO["blue"],
                    zorder=3, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
            for x, y in self.label_spots]
        centres = np.array([self.positions[n.id] for n in self.graph.nodes])
        self.nodes = ax.scatter(centres[:, 0], centres[:, 1], s=NODE_AREA, c="white",
                                edgecolors=style.CURVE, linewidths=1.5, zorder=2)
        self.node_labels = [ax.text(x, y, "", ha="center", va="center", fontsize=style.FONT_SIZE, zorder=4)
                            for x, y in centres]
        self.caption = widgets.HTML(layout=widgets.Layout(min_height="24px"))
        self.live = LiveFigure(self, fig, ax, settings=[self.x1, self.x2], iteration=self.play,
                               description=self.title, layers=[
            {"kind": "segments", "name": "edges", "mode": "at", "segments": [list(map(list, seg)) for seg in segments],
             "styles": [{"color": c, "lw": w} for c, w in EDGE_STYLES]},
            {"kind": "circles", "name": "nodes", "mode": "at", "centers": centres.tolist(),
             "radius": float(np.sqrt(NODE_AREA)) / 2, "edge": style.CURVE, "lw": 1.5,
             "styles": [{"fill": f} for f in NODE_FACES]},
            {"kind": "text", "name": "edge_labels", "mode": "at", "positions": [list(p) for p in self.label_spots],
             "color": style.OKABE_ITO["blue"], "size": style.FONT_SIZE, "box": "white"},
            {"kind": "text", "name": "node_labels", "mode": "at", "positions": centres.tolist(),
             "color": "black", "size": style.FONT_SIZE},
        ])
        super().__init__(fig, controls=[self.x1, self.x2, self.play, self.step_button, self.reset_button],
                         view=widgets.VBox([self.caption, self.live]))
        for control in (self.x1, self.x2):
            control.observe(self._on_values, "value")
        self.play.observe(self._on_change, "value")
        self._draw()
        self._finish([self.edges, *self.edge_labels, self.nodes, *self.node_labels, ax.title])

    def _compute(self):
        self.graph = graph_at(snap(self.x1, self.x1.value), snap(self.x2, self.x2.value))

    def _on_values(self, change):
        with self.lock:
            self._compute()
            self._draw()

    def update(self, x1=None, x2=None, blame_step=None):
        with self.play.hold_trait_notifications():
            if x1 is not None:
                self.x1.value = snap(self.x1, require_in_range("x1", x1, -LIMIT, LIMIT))
            if x2 is not None:
                self.x2.value = snap(self.x2, require_in_range("x2", x2, -LIMIT, LIMIT))
            if blame_step is not None:
                self.play.value = int(require_in_range("blame_step", blame_step, 0, self.play.max))
        return self

    def revealed_edges(self) -> list[int]:
        return self.backward_order[:self.play.value]

    def known_grads(self) -> set[str]:
        return known_grads(self.graph, self.revealed_edges())

    def _draw(self):
        view = blame_view(self.graph, self.backward_order, self.play.value,
                          snap(self.x1, self.x1.value), snap(self.x2, self.x2.value))
        self.edges.set_colors([EDGE_STYLES[i][0] for i in view["edge_styles"]])
        self.edges.set_linewidths([EDGE_STYLES[i][1] for i in view["edge_styles"]])
        for label, text in zip(self.edge_labels, view["edge_texts"]):
            label.set_text(text)
        for label, text in zip(self.node_labels, view["node_texts"]):
            label.set_text(text)
        self.nodes.set_facecolors([NODE_FACES[i] for i in view["node_styles"]])
        self.ax.set_title(view["title"], fontsize=style.TITLE_SIZE)
        self.caption.value = caption_html(view["title"])
        self.redraw()

    # --- what the browser draws (LiveFigure): every (x1, x2) one slider away, every blame step ---
    def live_frames(self, values):
        steps = range(self.play.max + 1)
        views = [[blame_view(graph_at(x1, x2), self.backward_order, k, x1, x2) for k in steps]
                 for x1, x2 in values]
        return {"edges": np.array([[v["edge_styles"] for v in run] for run in views]),
                "nodes": np.array([[v["node_styles"] for v in run] for run in views]),
                "edge_labels": [[v["edge_texts"] for v in run] for run in views],
                "node_labels": [[v["node_texts"] for v in run] for run in views]}

    def live_background(self, level):
        moving = [self.edges, *self.edge_labels, self.nodes, *self.node_labels, self.ax.title]
        with self.lock:
            png = background_png(self.fig, moving)
        return png, self.ax.get_xlim(), self.ax.get_ylim()


def graph_at(x1: float, x2: float):
    return autodiff.graph(autodiff.chain_function_graph(x1, x2)["f"])


def known_grads(graph, revealed) -> set[str]:
    """Nodes whose blame is complete: the output, and any node all of whose out-edges are revealed."""
    revealed = set(revealed)
    done = {graph.nodes[-1].id}
    for node in graph.nodes:
        outs = [i for i, e in enumerate(graph.edges) if e.source_id == node.id]
        if outs and all(i in revealed for i in outs):
            done.add(node.id)
    return done


def blame_view(graph, backward_order, step: int, x1: float, x2: float) -> dict:
    """What the scene shows after `step` blame steps: style indices, labels and the title."""
    revealed = backward_order[:step]
    current = revealed[-1] if revealed else None
    known = known_grads(graph, revealed)
    edge_styles = [2 if i == current else 1 if i in revealed else 0 for i in range(len(graph.edges))]
    edge_texts = [f"×{edge.local_derivative:.4g}" if i in revealed else "" for i, edge in enumerate(graph.edges)]
    node_texts = [f"{node_name(node)}\n{node.data:.4g}" + (f"\n∂f = {node.grad:.4g}" if node.id in known else "")
                  for node in graph.nodes]
    node_styles = [1 if node.id in known else 0 for node in graph.nodes]
    if current is None:
        title = (f"forward: x1 = {x1:.2f}, x2 = {x2:.2f} → f = {graph.nodes[-1].data:.4g}.  "
                 f"Step to pass the blame back, one edge at a time.")
    else:
        edge = graph.edges[current]
        source = next(n for n in graph.nodes if n.id == edge.source_id)
        target = next(n for n in graph.nodes if n.id == edge.target_id)
        title = (f"blame step {step}/{len(graph.edges)}: ∂f/∂{node_name(source)} += "
                 f"∂f/∂{node_name(target)} × local = {target.grad:.4g} × {edge.local_derivative:.4g} "
                 f"= {target.grad * edge.local_derivative:.4g}")
    return {"edge_styles": edge_styles, "edge_texts": edge_texts, "node_texts": node_texts,
            "node_styles": node_styles, "title": title}


def chain_graph_explorer(x1: float = 1.0, x2: float = 0.5) -> ChainGraphExplorer:
    return ChainGraphExplorer(x1, x2)
