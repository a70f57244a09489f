"""Part 3 scene: the computation graph of f = ((2x1 + x2)² + 3x2²)³, values forward, blame backward."""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from course_lib import autodiff

from . import style
from .scene import Scene, make_figure, make_stepper, require_in_range, slider

LIMIT = 2.0


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

        fig = make_figure(820, 400)
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
        self.edge_labels = [
            ax.text(0.45 * a[0] + 0.55 * b[0], 0.45 * a[1] + 0.55 * b[1], "", ha="center", va="center",
                    fontsize=style.FONT_SIZE, color=style.OKABE_ITO["blue"], zorder=3,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
            for a, b in segments]
        centres = np.array([self.positions[n.id] for n in self.graph.nodes])
        self.nodes = ax.scatter(centres[:, 0], centres[:, 1], s=4200, c="white",
                                edgecolors=style.CURVE, linewidths=1.5, zorder=2)
        self.node_labels = [ax.text(x, y, "", ha="center", va="center", fontsize=style.FONT_SIZE, zorder=4)
                            for x, y in centres]
        super().__init__(fig, controls=[self.x1, self.x2, self.play, self.step_button, self.reset_button])
        for control in (self.x1, self.x2):
            control.observe(self._on_values, "value")
        self.play.observe(lambda change: self._draw(), "value")
        self._draw()
        self._finish([self.edges, *self.edge_labels, self.nodes, *self.node_labels, ax.title])

    def _compute(self):
        values = autodiff.chain_function_graph(self.x1.value, self.x2.value)
        self.graph = autodiff.graph(values["f"])

    def _on_values(self, change):
        self._compute()
        self._draw()

    def update(self, x1=None, x2=None, blame_step=None):
        with self.play.hold_trait_notifications():
            if x1 is not None:
                self.x1.value = require_in_range("x1", x1, -LIMIT, LIMIT)
            if x2 is not None:
                self.x2.value = require_in_range("x2", x2, -LIMIT, LIMIT)
            if blame_step is not None:
                self.play.value = int(require_in_range("blame_step", blame_step, 0, self.play.max))
        return self

    def revealed_edges(self) -> list[int]:
        return self.backward_order[:self.play.value]

    def known_grads(self) -> set[str]:
        """Nodes whose blame is complete: the output, and any node all of whose out-edges are revealed."""
        revealed = set(self.revealed_edges())
        done = {self.graph.nodes[-1].id}
        for node in self.graph.nodes:
            outs = [i for i, e in enumerate(self.graph.edges) if e.source_id == node.id]
            if outs and all(i in revealed for i in outs):
                done.add(node.id)
        return done

    def _draw(self):
        graph = self.graph
        revealed = self.revealed_edges()
        current = revealed[-1] if revealed else None
        known = self.known_grads()
        colours, widths = [], []
        for i, edge in enumerate(graph.edges):
            label = self.edge_labels[i]
            if i == current:
                colours.append(style.HIGHLIGHT), widths.append(4.0)
            elif i in revealed:
                colours.append(style.OKABE_ITO["blue"]), widths.append(2.5)
            else:
                colours.append(style.MUTED), widths.append(1.5)
            label.set_text(f"×{edge.local_derivative:.4g}" if i in revealed else "")
        self.edges.set_colors(colours)
        self.edges.set_linewidths(widths)
        for node, text in zip(graph.nodes, self.node_labels):
            grad = f"\n∂f = {node.grad:.4g}" if node.id in known else ""
            text.set_text(f"{node_name(node)}\n{node.data:.4g}{grad}")
        faces = [style.OKABE_ITO["yellow"] if n.id in known else "white" for n in graph.nodes]
        self.nodes.set_facecolors(faces)
        if current is None:
            title = (f"forward: x1 = {self.x1.value:.2f}, x2 = {self.x2.value:.2f} → "
                     f"f = {graph.nodes[-1].data:.4g}.  Step to pass the blame back, one edge at a time.")
        else:
            edge = graph.edges[current]
            source = next(n for n in graph.nodes if n.id == edge.source_id)
            target = next(n for n in graph.nodes if n.id == edge.target_id)
            title = (f"blame step {self.play.value}/{len(graph.edges)}: ∂f/∂{node_name(source)} += "
                     f"∂f/∂{node_name(target)} × local = {target.grad:.4g} × {edge.local_derivative:.4g} "
                     f"= {target.grad * edge.local_derivative:.4g}")
        self.ax.set_title(title, fontsize=style.TITLE_SIZE)
        self.redraw()


def chain_graph_explorer(x1: float = 1.0, x2: float = 0.5) -> ChainGraphExplorer:
    return ChainGraphExplorer(x1, x2)
