"""Every scene, at several settings: no two texts, legends, bars or node boxes overlap, no text
is half inside a node box, nothing leaves the figure. Checked twice per setting: on the static
figure (the PNG a notebook without a kernel shows, and what ipympl scenes draw) and, for the
browser-drawn scenes, on what the browser shows: the background with the frame's layers over it."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from course_lib import network
from course_lib.view import live as live_module
from course_lib.view.live import grid_index, grid_size, grid_value
from course_lib.view.network_view import WEIGHT_RANGES
from course_lib.view.part3 import blame_view, graph_at
from course_lib.view.widgets import (activation_explorer, backprop_stepper, batch_comparison, bowl_explorer,
                                     chain_graph_explorer, digit_predictions, mlp_trainer, network_explorer,
                                     descent_explorer, two_valley_explorer)
from figure_layout import Item, layer_items, problems, static_items


def figure_size(fig):
    return fig.bbox.width, fig.bbox.height


def assert_reads_well(items, size, where):
    found = problems(items, size)
    assert not found, f"{where}:\n  " + "\n  ".join(found)


def browser_view_items(scene) -> list[Item]:
    """What the browser shows at the scene's current setting: the background the kernel renders
    for it (measured while it renders, with the moving artists hidden) and the frame's layers."""
    live = scene.live
    with scene.lock:
        live.measure()          # as on a browser's hello: the axes box after the layout was frozen
    values = tuple(grid_value(c, grid_index(c)) for c in live.settings)
    arrays = scene.live_frames([values])
    k = live.k
    zoom = arrays.get("zoom")
    level = int(zoom[0][min(k, len(zoom[0]) - 1)]) if zoom is not None else 0
    captured = []
    module = __import__(type(scene).__module__, fromlist=["background_png"])
    original = module.background_png
    assert original is live_module.background_png

    def measuring(fig, hidden):       # measured in the state it is rendered in; no pixels needed
        captured.extend(static_items(fig, hidden))
        return b""

    module.background_png = measuring
    try:
        _, xlim, ylim = scene.live_background(level)
    finally:
        module.background_png = original
    frame = {name: (array[0] if not isinstance(array, list) else array[0]) for name, array in arrays.items()}
    frame["_limits"] = (xlim, ylim)
    return captured + layer_items(live, frame, k)


def check(scene, where):
    assert_reads_well(static_items(scene.fig), figure_size(scene.fig), f"{where}, static figure")
    if scene.live is not None:
        assert_reads_well(browser_view_items(scene), (scene.live.width, scene.live.height),
                          f"{where}, in the browser")


@pytest.fixture(scope="module")
def scenes():
    return {}


def scene(scenes, build):
    if build not in scenes:
        scenes[build] = build()
    return scenes[build]


@pytest.mark.parametrize("x0, lr, step", [(3.0, 0.1, 0), (3.0, 0.1, 40), (-4.0, 1.2, 40), (0.3, 0.01, 3),
                                           (4.0, 1.05, 25), (-1.0, 0.5, 1)])
def test_descent_explorer(scenes, x0, lr, step):
    check(scene(scenes, descent_explorer).update(x0=x0, lr=lr, iteration=step), f"descent x0={x0} η={lr} step {step}")


@pytest.mark.parametrize("x0", [-2.2, -0.5, 0.1, 0.15, 1.35, 2.2])
def test_two_valley_explorer(scenes, x0):
    check(scene(scenes, two_valley_explorer).update(x0=x0), f"two valleys x0={x0}")


@pytest.mark.parametrize("x0, lr, step", [((3.0, 2.0), 0.1, 0), ((3.0, 2.0), 0.1, 30), ((-4.0, 4.0), 0.6, 30),
                                           ((4.0, -4.0), 0.45, 2), ((0.1, -0.1), 0.01, 5)])
def test_bowl_explorer(scenes, x0, lr, step):
    check(scene(scenes, bowl_explorer).update(x0=x0, lr=lr, iteration=step), f"bowl x0={x0} η={lr} step {step}")


CHAIN_POINTS = [(1.0, 0.5), (-1.0, -1.0), (1.0, 1.0), (0.0, 0.0), (-1.0, 1.0), (0.35, -0.85), (-0.05, 0.95)]


@pytest.mark.parametrize("x1, x2", CHAIN_POINTS)
def test_chain_graph_every_blame_step(scenes, x1, x2):
    explorer = scene(scenes, chain_graph_explorer)
    for step in range(explorer.play.max + 1):
        check(explorer.update(x1=x1, x2=x2, blame_step=step), f"chain graph ({x1}, {x2}) step {step}")


def test_chain_graph_at_slider_settings_fits_its_boxes(scenes):
    """Every other slider setting (21 × 21, both ends: the longest numbers sit at |x| = 1), fully
    blamed (the most labels): the texts the browser draws."""
    explorer = scene(scenes, chain_graph_explorer)
    explorer.update(x1=1.0, x2=0.5, blame_step=explorer.play.max)
    explorer.live.measure()
    limits = (explorer.ax.get_xlim(), explorer.ax.get_ylim())
    size = (explorer.live.width, explorer.live.height)
    grid = [grid_value(explorer.x1, i) for i in range(0, grid_size(explorer.x1), 2)]
    assert grid[0] == -grid[-1] == -1.0
    for x1, x2 in itertools.product(grid, grid):
        view = blame_view(graph_at(x1, x2), explorer.backward_order, explorer.play.max, x1, x2)
        frame = {"edge_labels": [view["edge_texts"]], "node_labels": [view["node_texts"]],
                 "blame_labels": [view["blame_texts"]], "nodes": [view["node_styles"]], "_limits": limits}
        assert_reads_well(layer_items(explorer.live, frame, 0), size, f"chain graph ({x1}, {x2})")


NETWORK_SETTINGS = [dict(), dict(w3=3.0), dict(w3=2.2), dict(w3=-2.0), dict(w5=-20.0), dict(w5=20.0, example=2),
                    dict(w1=-2.0, w2=4.0, example=1), dict(w1=3.0, w3=3.0, w4=3.0, w5=20.0),
                    dict(w1=-2.0, w2=-2.0, w3=-2.0, w4=-2.0, w5=-20.0)]


@pytest.mark.parametrize("setting", NETWORK_SETTINGS, ids=str)
def test_network_explorer(scenes, setting):
    explorer = scene(scenes, network_explorer)
    start = dict(zip(network.NAMES, network.INITIAL_WEIGHTS.as_array()), example=0)
    check(explorer.update(**{**start, **setting}), f"network {setting}")


def test_network_explorer_at_every_bar_range(scenes):
    """Each weight over its whole slider range, one at a time (the bars' y range changes with them)."""
    explorer = scene(scenes, network_explorer)
    start = dict(zip(network.NAMES, network.INITIAL_WEIGHTS.as_array()))
    for name in network.NAMES:
        low, high = WEIGHT_RANGES[name]
        for value in np.linspace(low, high, 6):
            explorer.update(example=0, **{**start, name: round(float(value), 2)})
            assert_reads_well(browser_view_items(explorer), (explorer.live.width, explorer.live.height),
                              f"network {name}={value:.2f}, in the browser")


@pytest.mark.parametrize("example", [0, 1, 2])
def test_backprop_stepper_every_step(scenes, example):
    stepper = scene(scenes, backprop_stepper)
    for step in range(stepper.N_STEPS + 1):
        check(stepper.update(step=step, example=example), f"backprop example {example} step {step}")


@pytest.mark.parametrize("setting", [dict(), dict(lr=1e-3, epochs=50), dict(lr=1e-6, epochs=1, batch_size=3),
                                     dict(epochs=200, batch_size=1, seed=3)], ids=str)
def test_batch_comparison(scenes, setting):
    check(scene(scenes, lambda: batch_comparison(epochs=20)).update(**setting), f"batch comparison {setting}")


@pytest.mark.parametrize("activation, factor, depth", [("relu", 0.3, 10), ("sigmoid", 0.25, 100), ("square", 1.0, 1),
                                                       ("relu", 0.05, 100), ("sigmoid", 0.05, 1)])
def test_activation_explorer(scenes, activation, factor, depth):
    explorer = scene(scenes, activation_explorer)
    check(explorer.update(activation=activation, factor=factor, depth=depth), f"activations {activation} {factor} {depth}")


def test_mlp_trainer_and_digit_predictions():
    trainer = mlp_trainer(hidden=(8,), epochs=3)
    check(trainer, "mlp trainer before training")
    trainer.train(epochs=3)
    check(trainer, "mlp trainer after 3 epochs")
    for n in (8, 24):
        check(digit_predictions(trainer.model, trainer.X_test, trainer.y_test, n=n), f"digits n={n}")


def test_the_checker_sees_an_overlap_and_a_spill():
    """The check itself can fail: two texts on one spot, a text half out of its box, a text off the figure."""
    text = Item("text", "a", (10, 10, 50, 30))
    assert problems([text, Item("text", "b", (40, 20, 80, 40))], (100, 100))
    assert problems([text, Item("box", "node box", (0, 0, 30, 40))], (100, 100))
    assert not problems([text, Item("box", "node box", (0, 0, 60, 40))], (100, 100))
    assert problems([Item("text", "c", (90, 10, 120, 20))], (100, 100))
    assert not problems([text, Item("legend", "legend", (50, 10, 90, 30))], (100, 100))   # touching is fine
