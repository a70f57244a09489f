"""Part 3 scene: the computation graph of f = ((2x1 + x2)² + 3x2²)³, values forward, blame backward."""
from __future__ import annotations

from dataclasses import replace

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import FancyBboxPatch

from course_lib import autodiff

from . import style
from .live import LiveFigure, background_png, caption_html, snap
from .scene import Scene, make_figure, make_stepper, require_in_range, slider
from .style import short_number as number

# ±1 keeps every number in a node short enough to read (at ±2, f reaches 110,592 and its
# gradient 165,888; the picture would only show bigger numbers, not more chain rule).
LIMIT = 1.0
EDGE_STYLES = [(style.MUTED, 1.5), (style.OKABE_ITO["blue"], 2.5), (style.HIGHLIGHT, 4.0)]  # hidden, revealed, current
NODE_FACES = ["white", style.OKABE_ITO["yellow"]]                                            # blame pending, complete
BOX = (66, 44)          # node box in pixels: name and value (tests check every setting fits)
BLAME_GAP = 13          # pixels from a box's edge to the centre of its "∂f = …" label
SIZE = (880, 400)
MARGINS = (10, 40, 10, 34)   # left, bottom, right, top (px): the title above, the legend below
DEFINITIONS = "u = 2·x1 + x2    v = u² + 3·x2²    f = v³     ×: an edge's local derivative     ∂f: blame"


def is_constant(node) -> bool:
    """A number written into f (the 2 of 2·x1): its blame teaches nothing, so it is not drawn."""
    return not node.op and node.label not in ("x1", "x2")


def drawn_graph(graph) -> autodiff.Graph:
    """The graph without its constant leaves, each node labelled with what it is (x1, 2·x1, u, u²…);
    nodes keep their topological order."""
    names = node_names(graph)
    constants = {n.id for n in graph.nodes if is_constant(n)}
    return autodiff.Graph(tuple(replace(n, label=names[n.id]) for n in graph.nodes if n.id not in constants),
                          tuple(e for e in graph.edges if e.source_id not in constants))


def node_names(graph) -> dict[str, str]:
    """Its label (x1, u, v, f, a constant's value) or the operation on its inputs (2·x1, x2², u²)."""
    names: dict[str, str] = {}
    for node in graph.nodes:
        shown = [names[e.source_id] for e in graph.edges if e.target_id == node.id]
        if node.label:
            names[node.id] = node.label
        elif node.op in ("**2", "**3"):
            names[node.id] = wrapped(shown[0]) + {"**2": "²", "**3": "³"}[node.op]
        elif node.op == "*":   # a constant factor first: 2·x1, not x1·2
            factors = sorted(shown, key=lambda name: not name.replace(".", "").isdigit())
            names[node.id] = "·".join(wrapped(name) for name in factors)
        else:
            names[node.id] = f" {node.op} ".join(shown)
    return names


def wrapped(name: str) -> str:
    return f"({name})" if any(c in name for c in " ·+") else name


def layered_positions(graph) -> dict[str, tuple[float, float]]:
    """x = longest path from an input (so every edge points right); in a layer of one, y is the
    mean of its inputs' (so a chain stays straight), else the layer is spread evenly."""
    depth = {node.id: 0 for node in graph.nodes}
    for node in graph.nodes:  # topological order: sources are final before their targets
        for edge in graph.edges:
            if edge.target_id == node.id:
                depth[node.id] = max(depth[node.id], depth[edge.source_id] + 1)
    layers: dict[int, list[str]] = {}
    for node in graph.nodes:
        layers.setdefault(depth[node.id], []).append(node.id)
    positions: dict[str, tuple[float, float]] = {}
    for d in sorted(layers):
        ids = layers[d]
        for i, node_id in enumerate(ids):
            sources = [positions[e.source_id][1] for e in graph.edges if e.target_id == node_id]
            y = float(np.mean(sources)) if len(ids) == 1 and sources else 1.3 * ((len(ids) - 1) / 2 - i)
            positions[node_id] = (float(d), y)
    return positions


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

        fig = make_figure(*SIZE, margins=MARGINS, browser_drawn=True)
        with style.figure_style():
            self.ax = ax = fig.add_subplot()
        style.blank_axes(ax, " ")
        self.positions = layered_positions(self.graph)
        xs = [p[0] for p in self.positions.values()]
        ys = [p[1] for p in self.positions.values()]
        ax.set_xlim(min(xs) - 0.45, max(xs) + 0.45)
        ax.set_ylim(min(ys) - 0.75, max(ys) + 0.75)
        fig.text(0.5, 10 / SIZE[1], DEFINITIONS, ha="center", va="bottom", fontsize=style.FONT_SIZE,
                 color=style.MUTED)
        centres = np.array([self.positions[n.id] for n in self.graph.nodes])
        to_data = self._pixels_to_data()
        segments = [self._visible(self.positions[e.source_id], self.positions[e.target_id], to_data)
                    for e in self.graph.edges]
        self.edges = LineCollection(segments, colors=style.MUTED, linewidths=1.5, zorder=1, capstyle="round")
        ax.add_collection(self.edges)
        self.label_spots = [tuple(np.mean(seg, axis=0)) for seg in segments]
        self.edge_labels = [
            ax.text(x, y, "", ha="center", va="center", fontsize=style.FONT_SIZE, color=style.OKABE_ITO["blue"],
                    zorder=3, bbox=dict(boxstyle="square,pad=0.15", fc="white", ec="none", alpha=0.85))
            for x, y in self.label_spots]
        w, h = BOX[0] * to_data[0], BOX[1] * to_data[1]
        self.boxes = [FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.06",
                                     fc="white", ec=style.CURVE, lw=1.5, zorder=2, mutation_aspect=to_data[1] / to_data[0])
                      for x, y in centres]
        for box in self.boxes:
            ax.add_patch(box)
        self.node_labels = [ax.text(x, y, "", ha="center", va="center", fontsize=style.FONT_SIZE, zorder=4)
                            for x, y in centres]
        # Each "∂f = …" label sits on the side of its box that faces away from the middle of the
        # graph: edges arrive from the middle, so the label never lies across one.
        offset = (BOX[1] / 2 + BLAME_GAP) * to_data[1]
        self.blame_spots = [(x, y + offset if y > 0 else y - offset) for x, y in centres]
        self.blame_labels = [
            ax.text(x, y, "", ha="center", va="center", fontsize=style.FONT_SIZE, zorder=4, color=style.CURVE,
                    bbox=dict(boxstyle="square,pad=0.15", fc=NODE_FACES[1], ec="none", alpha=0.85))
            for x, y in self.blame_spots]
        self.caption = widgets.HTML(layout=widgets.Layout(min_height="24px"))
        self.live = LiveFigure(self, fig, ax, settings=[self.x1, self.x2], iteration=self.play,
                               description=self.title, layers=[
            {"kind": "segments", "name": "edges", "mode": "at", "segments": [list(map(list, seg)) for seg in segments],
             "styles": [{"color": c, "lw": w} for c, w in EDGE_STYLES]},
            {"kind": "boxes", "name": "nodes", "mode": "at", "centers": centres.tolist(), "size": list(BOX),
             "round": 6, "edge": style.CURVE, "lw": 1.5, "styles": [{"fill": f} for f in NODE_FACES]},
            {"kind": "text", "name": "edge_labels", "mode": "at", "positions": [list(p) for p in self.label_spots],
             "color": style.OKABE_ITO["blue"], "size": style.FONT_SIZE, "box": "white"},
            {"kind": "text", "name": "node_labels", "mode": "at", "positions": centres.tolist(),
             "color": "black", "size": style.FONT_SIZE},
            {"kind": "text", "name": "blame_labels", "mode": "at", "positions": [list(p) for p in self.blame_spots],
             "color": "black", "size": style.FONT_SIZE, "box": NODE_FACES[1]},
        ])
        super().__init__(fig, controls=[self.x1, self.x2, self.play, self.step_button, self.reset_button],
                         view=widgets.VBox([self.caption, self.live]))
        for control in (self.x1, self.x2):
            control.observe(self._on_values, "value")
        self.play.observe(self._on_change, "value")
        self._draw()
        self.moving = [self.edges, *self.edge_labels, *self.boxes, *self.node_labels, *self.blame_labels, ax.title]
        self._finish(self.moving)

    def _pixels_to_data(self) -> tuple[float, float]:
        """Data units per pixel along x and y (the margins fix the axes box at construction)."""
        (x0, y0), (x1, y1) = self.ax.transData.inverted().transform([(0, 0), (1, 1)])
        return abs(x1 - x0), abs(y1 - y0)

    @staticmethod
    def _visible(a, b, to_data):
        """The part of edge a→b outside both node boxes (its label sits in the middle of it)."""
        a, b = np.asarray(a), np.asarray(b)
        d = (b - a) / np.asarray(to_data)                      # direction in pixels
        half = np.array(BOX) / 2
        t = min(half[0] / abs(d[0]) if d[0] else np.inf, half[1] / abs(d[1]) if d[1] else np.inf)
        return [list(a + (b - a) * t), list(b - (b - a) * t)]

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
        for labels, key in ((self.edge_labels, "edge_texts"), (self.node_labels, "node_texts"),
                            (self.blame_labels, "blame_texts")):
            for label, text in zip(labels, view[key]):
                label.set_text(text)
                label.set_visible(bool(text))   # an empty text with a bbox would still draw its box
        for box, face in zip(self.boxes, view["node_styles"]):
            box.set_facecolor(NODE_FACES[face])
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
                "node_labels": [[v["node_texts"] for v in run] for run in views],
                "blame_labels": [[v["blame_texts"] for v in run] for run in views]}

    def live_background(self, level):
        with self.lock:
            png = background_png(self.fig, self.moving)
        return png, self.ax.get_xlim(), self.ax.get_ylim()


def graph_at(x1: float, x2: float) -> autodiff.Graph:
    return drawn_graph(autodiff.graph(autodiff.chain_function_graph(x1, x2)["f"]))


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
    names = {node.id: node.label for node in graph.nodes}
    edge_styles = [2 if i == current else 1 if i in revealed else 0 for i in range(len(graph.edges))]
    edge_texts = [f"×{number(edge.local_derivative)}" if i in revealed else "" for i, edge in enumerate(graph.edges)]
    node_texts = [f"{names[node.id]}\n{number(node.data)}" for node in graph.nodes]
    blame_texts = [f"∂f = {number(node.grad)}" if node.id in known else "" for node in graph.nodes]
    node_styles = [1 if node.id in known else 0 for node in graph.nodes]
    if current is None:
        title = (f"forward: x1 = {x1:.2f}, x2 = {x2:.2f} → f = {number(graph.nodes[-1].data)}.  "
                 f"Step to pass the blame back, one edge at a time.")
    else:
        edge = graph.edges[current]
        source = wrapped(names[edge.source_id])
        target_node = next(n for n in graph.nodes if n.id == edge.target_id)
        target = wrapped(names[edge.target_id])
        title = (f"blame step {step}/{len(graph.edges)}: ∂f/∂{source} += ∂f/∂{target} × local = "
                 f"{number(target_node.grad)} × {number(edge.local_derivative)} = "
                 f"{number(target_node.grad * edge.local_derivative)}")
    return {"edge_styles": edge_styles, "edge_texts": edge_texts, "node_texts": node_texts,
            "blame_texts": blame_texts, "node_styles": node_styles, "title": title}


def chain_graph_explorer(x1: float = 1.0, x2: float = 0.5) -> ChainGraphExplorer:
    return ChainGraphExplorer(x1, x2)
