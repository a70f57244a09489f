"""The network explorer drawn in the browser: its frames are the math layer's forward pass."""
import itertools

import numpy as np
import pytest

from course_lib import network
from course_lib.view import style
from course_lib.view.style import short_number
from course_lib.view.live import grid_index, grid_size
from course_lib.view.network_view import (BAR_BOTTOMS, BAR_TOPS, NODES, WEIGHT_RANGES, bar_level, bar_limits,
                                          network_explorer)
from test_view_live import Wire, decode, frames_by_key


@pytest.fixture(scope="module")
def sent():
    scene = network_explorer()
    wire = Wire(scene.live)
    scene.live._on_message(scene.live, {"type": "hello"}, [])
    return scene, wire


def texts_by_key(wire):
    out = {}
    for content, _ in wire.of("frames"):
        for n, key in enumerate(content["keys"]):
            out[tuple(key)] = {name: per_key[n] for name, per_key in content["texts"].items()}
    return out


def bar_tops_in_data(scene, pixels, level):
    """Undo the projection: the bar tops' pixel rows back to y values at that level's y range."""
    low, high = bar_limits(level)
    _, top, _, height = scene.live.layers[2]["clip"]
    rows = pixels[1::3, 1]
    return low + (top + height - rows) / height * (high - low)


def test_the_cross_is_every_setting_one_control_away(sent):
    scene, wire = sent
    sizes = [grid_size(c) for c in scene.settings]
    assert sizes == [501, 601, 501, 501, 4001, 3]
    key = scene.live.key()
    assert key == (300, 400, 300, 300, 2000, 0)                  # w = (1, 2, 1, 1, 0), example 1
    keys = wire.keys()
    assert len(keys) == len(set(keys)) == sum(sizes) - len(sizes) + 1
    for axis, size in enumerate(sizes):
        line = {key[:axis] + (i,) + key[axis + 1:] for i in range(size)}
        assert line <= set(keys)


@pytest.mark.parametrize("example, weights", [
    (0, (1, 2, 1, 1, 0)), (1, (1, 2, 1, 1, -5.0)), (2, (1, 2, 1, 1, 0)), (0, (-2, 2, 1, 1, 0)),
    (0, (1, 2, 1, 1, 20.0)), (0, (1, 2, 1, -2, 0)), (0, (1, -2, 1, 1, 0)), (0, (1, 2, 3, 1, 0))])
def test_frames_hold_the_forward_pass_the_static_figure_shows(sent, example, weights):
    scene, wire = sent
    scene.update(example=example, **dict(zip(network.NAMES, weights)))   # sends the new cross
    frames, texts = frames_by_key(wire), texts_by_key(wire)
    key = scene.live.key()
    results = network.forward_dataset(network.Weights(*weights))
    shown = [scene.diagram.node_labels[name].get_text() for name in NODES]
    assert texts[key]["nodes"] == shown
    assert shown[list(NODES).index("y_pred")] == f"y_pred\n{short_number(results[example].y_pred)}"
    assert shown[list(NODES).index("Error")] == f"Error\n{short_number(results[example].error)}"
    assert texts[key]["weights"] == [label.get_text() for label in scene.diagram.weight_labels.values()]
    assert texts[key]["weights"][4] == f"w5 = {weights[4]:.4g}".replace("-", "−")
    assert f"= {network.total_squared_error(network.Weights(*weights)):.4g}<" in scene.caption.value
    level = int(frames[key]["zoom"][0])
    assert scene.ax_pred.get_ylim() == bar_limits(level)
    predictions = [fw.y_pred for fw in results]
    assert [b.get_height() for b in scene.pred_bars] == pytest.approx(predictions)
    tops = bar_tops_in_data(scene, frames[key]["pred"], level)
    np.testing.assert_allclose(tops, predictions, atol=(bar_limits(level)[1] - bar_limits(level)[0]) * 1e-4)
    assert np.isnan(frames[key]["pred"][2::3]).all()              # the pen lifts between bars


def test_bars_at_the_slider_box_corners_fit_their_y_range():
    corners = itertools.product(*(WEIGHT_RANGES[n] for n in network.NAMES))
    levels = set()
    for weights in corners:
        predictions = [fw.y_pred for fw in network.forward_dataset(network.Weights(*weights))]
        low, high = bar_limits(bar_level(predictions))
        assert low < min(predictions + [0.0]) or min(predictions) >= 0 and low == 0
        assert max(predictions) < high
        levels.add(bar_level(predictions))
    assert max(levels) < len(BAR_TOPS) * len(BAR_BOTTOMS)
    with pytest.raises(ValueError, match="y range"):
        bar_level([900.0, 0.0, 0.0])


def test_background_has_nothing_that_moves(sent):
    scene, wire = sent
    scene.update(example=0, w1=1, w2=2, w3=1, w4=1, w5=0)
    level = bar_level([fw.y_pred for fw in network.forward_dataset(scene.weights)])
    png, xlim, ylim = scene.live_background(level)
    assert (xlim, ylim) == (scene.ax.get_xlim(), scene.ax.get_ylim())
    background, full = decode(png), decode(scene.png())
    vermillion = np.array([int(style.OKABE_ITO["vermillion"][i:i + 2], 16) for i in (1, 3, 5)])
    near = lambda image: (np.abs(image - vermillion).sum(axis=2) < 40).sum()  # noqa: E731
    assert near(full) > 2000 and near(background) < 400           # the bars go, the legend swatch stays
    ink = lambda image: (image.sum(axis=2) < 200).sum()           # noqa: E731
    assert ink(background) < ink(full) - 500                     # the labels and the title go too
    assert scene.ax.get_title().startswith("total squared error")  # restored afterwards
