"""Part 1 scenes: controls move the same artists to the values the math layer computes."""
import numpy as np
import pytest
from matplotlib.text import Text

from course_lib import descent
from course_lib.view import style
from course_lib.view.part1 import descent_explorer, two_valley_explorer


def artists(scene):
    return [scene.curve, scene.path, scene.dot, scene.tangent]


def test_descent_explorer_moves_dot_and_tangent_to_the_trace():
    scene = descent_explorer()
    before = [id(a) for a in artists(scene)] + [id(scene.fig), id(scene.ax)]
    assert scene.dot.get_data()[0][0] == pytest.approx(3.0)
    scene.update(iteration=3)
    trace = descent.gradient_descent_1d(descent.square, descent.square_prime, 3.0, 0.1, n_iter=40)
    x, y = scene.dot.get_data()
    assert x[0] == pytest.approx(trace[3].x) and y[0] == pytest.approx(trace[3].fx)
    assert x[0] == pytest.approx(1.536)          # the script's table, iteration 3
    tx, ty = scene.tangent.get_data()
    slope = (ty[1] - ty[0]) / (tx[1] - tx[0])
    assert slope == pytest.approx(trace[3].grad)
    np.testing.assert_allclose(scene.path.get_data()[0], [t.x for t in trace[:4]])
    assert [id(a) for a in artists(scene)] + [id(scene.fig), id(scene.ax)] == before
    assert "Iteration" in scene.table.value and "1.536" in scene.table.value


def test_descent_explorer_controls_are_the_update_path():
    scene = descent_explorer()
    scene.play.value = 2
    scene.lr.value = 0.3
    trace = descent.gradient_descent_1d(descent.square, descent.square_prime, 3.0, 0.3, n_iter=40)
    assert scene.dot.get_data()[0][0] == pytest.approx(trace[2].x)
    scene.step_button.click()
    assert scene.play.value == 3
    assert scene.dot.get_data()[0][0] == pytest.approx(trace[3].x)
    scene.start.value = -2.0
    trace = descent.gradient_descent_1d(descent.square, descent.square_prime, -2.0, 0.3, n_iter=40)
    assert scene.dot.get_data()[0][0] == pytest.approx(trace[3].x)


def test_large_learning_rate_zigzags_outward_and_says_diverging():
    scene = descent_explorer(lr=1.1).update(iteration=6)
    xs = scene.path.get_data()[0]
    assert np.all(np.sign(xs[1:]) != np.sign(xs[:-1]))          # zig-zag across the minimum
    assert np.all(np.abs(xs[1:]) > np.abs(xs[:-1]))             # ... outward
    assert "diverging" in scene.ax.get_title()
    scene.update(lr=0.1)
    assert "diverging" not in scene.ax.get_title()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="lr"):
        descent_explorer(lr=-1)
    with pytest.raises(ValueError, match="x0"):
        descent_explorer(x0="three")


def test_two_valley_explorer_ends_where_which_valley_says():
    scene = two_valley_explorer()
    end = descent.which_valley(-0.5)
    assert tuple(scene.end_dot.get_data()[0]) == pytest.approx((end.x,))
    path_artist = scene.path
    scene.update(x0=0.5)
    end = descent.which_valley(0.5)
    assert scene.end_dot.get_data()[0][0] == pytest.approx(end.x)
    assert end.kind in scene.ax.get_title()
    assert scene.path is path_artist and scene.path.get_data()[0][0] == pytest.approx(0.5)
    labels = " ".join(t.get_text() for t in scene.ax.texts)
    for point in descent.two_valley_critical_points():
        assert f"{point.kind}\nx = {point.x:.3f}, f = {point.fx:.3f}" in labels


@pytest.mark.parametrize("build", [descent_explorer, two_valley_explorer])
def test_readable_fonts_labelled_axes_and_static_png(build):
    scene = build()
    png = scene.png()
    assert png.startswith(b"\x89PNG")
    for ax in scene.fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel()
    sizes = [t.get_fontsize() for t in scene.fig.findobj(Text) if t.get_text().strip()]
    assert sizes and min(sizes) >= style.FONT_SIZE
    bundle = scene._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == scene.widget.model_id
    assert "image/png" in bundle
