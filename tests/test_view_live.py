"""LiveFigure: the frames the browser draws are the math layer's numbers, sent as the protocol says."""
import io
import threading

import numpy as np
import pytest
from PIL import Image

from course_lib import descent, gradient, mlp
from course_lib.errors import CourseInputError
from course_lib.view import style
from course_lib.view.live import grid_index, grid_size, grid_value, project_3d, snap, to_pixels
from course_lib.view.part2 import N_STEPS as N_BOWL, bowl_explorer
from course_lib.view.part3 import EDGE_STYLES, chain_graph_explorer
from course_lib.view.style import short_number as number
from course_lib.view.part7 import activation_explorer
from matplotlib.colors import to_hex
from course_lib.view.part1 import N_STEPS, descent_explorer, reach_of, two_valley_explorer


class Wire:
    """Stands in for the comm: records what the kernel sends to the browser."""

    def __init__(self, live):
        self.live, self.messages = live, []
        live.send = lambda content, buffers=None: self.messages.append((content, buffers))

    def of(self, kind):
        assert self.live.wait_idle(), "the top-up worker did not finish"
        assert self.live.error is None, self.live.error
        return [(c, b) for c, b in self.messages if c["type"] == kind]

    def clear(self):
        assert self.live.wait_idle()
        self.messages.clear()

    def keys(self):
        return [tuple(k) for c, _ in self.of("frames") for k in c["keys"]]


def frames_by_key(wire):
    """Rebuild {key: {name: array}} from the binary buffers, as live_figure.js does."""
    out = {}
    for content, buffers in wire.of("frames"):
        arrays = {spec["name"]: np.frombuffer(buf, dtype=spec["dtype"]).reshape(spec["shape"])
                  for spec, buf in zip(content["arrays"], buffers)}
        for n, key in enumerate(content["keys"]):
            out[tuple(key)] = {name: array[n] for name, array in arrays.items()}
    return out


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


@pytest.mark.parametrize("x0, lr", [(3.0, 0.1), (-2.7, 0.45), (4.0, 1.1), (0.3, 1.2), (-4.0, 0.01)])
def test_descent_paths_equal_the_scalar_traces_exactly(x0, lr):
    trace = descent.gradient_descent_1d(descent.square, descent.square_prime, x0, lr, n_iter=N_STEPS)
    expected = [s.x for s in trace] + [trace[-1].new_x]
    got = descent.descent_paths(descent.square_prime, [x0], [lr], N_STEPS)[0]
    np.testing.assert_array_equal(got, expected)      # bit for bit: same operations, same order


def test_descent_paths_refuse_bad_rates():
    with pytest.raises(CourseInputError, match="positive"):
        descent.descent_paths(descent.square_prime, [1.0], [0.0], 3)


def test_grid_helpers_match_the_slider_steps():
    scene = descent_explorer()
    assert grid_size(scene.start) == 81 and grid_size(scene.lr) == 120
    assert grid_value(scene.lr, 29) == 0.3                     # not 0.30000000000000004
    scene.start.value = 3.1000000000000005                     # what a browser slider may send
    assert grid_index(scene.start) == 71 and snap(scene.start, scene.start.value) == 3.1


def test_nothing_is_sent_before_a_browser_view_says_hello():
    scene = descent_explorer()
    wire = Wire(scene.live)
    scene.start.value = 2.0
    assert wire.of("frames") == wire.of("background") == [] and scene.live.views == 0


def test_hello_sends_the_current_background_first_then_every_setting_one_slider_away():
    scene = descent_explorer()
    wire = Wire(scene.live)
    scene.live._on_message(scene.live, {"type": "hello"}, [])
    wire.live.wait_idle()
    first = wire.messages[0][0]
    assert first["type"] == "background" and first["level"] == 0        # the view shown now
    keys = wire.keys()
    row = {(i, 9) for i in range(81)}                                   # every start at η = 0.10
    column = {(70, j) for j in range(120)}                              # every η at x₀ = 3.0
    assert set(keys) == row | column and len(keys) == len(set(keys)) == 200
    sent_levels = {c["level"] for c, _ in wire.of("background")}
    used = {int(v) for f in frames_by_key(wire).values() for v in f["zoom"]}
    assert sent_levels == used and max(used) > 10                       # η up to 1.2 diverges far

    wire.clear()
    scene.start.value = -1.5                                            # the learner moves x₀
    new = set(wire.keys())
    assert new == {(25, j) for j in range(120)} - {(25, 9)}             # only the new column
    wire.clear()
    scene.start.value = 3.0
    assert wire.keys() == []                                            # all there already


def test_frames_hold_the_trace_the_table_shows():
    scene = descent_explorer()
    wire = Wire(scene.live)
    scene.live._on_message(scene.live, {"type": "hello"}, [])
    frames = frames_by_key(wire)
    for x0, lr in [(3.0, 0.1), (3.0, 1.1), (-4.0, 0.1), (3.0, 0.01)]:
        scene.update(x0=x0, lr=lr)
        frame = frames[(grid_index(scene.start), grid_index(scene.lr))]
        trace = scene.trace
        xs = [s.x for s in trace] + [trace[-1].new_x]
        np.testing.assert_allclose(frame["path"][:, 0], xs, rtol=1e-6)           # float32 on the wire
        np.testing.assert_allclose(frame["path"][:, 1], np.square(xs), rtol=1e-6)
        for k in (0, 3, N_STEPS):
            (tx0, ty0), (tx1, ty1) = frame["tangent"][k]
            x, fx, grad = scene.update(iteration=k).current()
            assert (ty1 - ty0) / (tx1 - tx0) == pytest.approx(grad, rel=1e-4)
            assert tx0 < x < tx1 and ty0 + (x - tx0) * (ty1 - ty0) / (tx1 - tx0) == pytest.approx(fx, rel=1e-4, abs=1e-4)
            reach = float(reach_of(frame["zoom"][k]))
            assert np.all(np.abs(xs[:k + 1]) <= reach)                           # the path so far fits
            assert scene.ax.get_xlim() == (-reach, reach)                        # static figure agrees


def test_backgrounds_show_the_axes_but_not_what_moves():
    scene = descent_explorer()
    png, xlim, ylim = scene.live_background(0)
    pixels = decode(png)
    full = decode(scene.png())
    assert pixels.shape == full.shape and (pixels.sum(axis=2) < 200).sum() > 2000   # curve, ticks, text
    vermillion = np.array([int(style.DOT[i:i + 2], 16) for i in (1, 3, 5)])
    x_px, y_px = scene.ax.transData.transform((3.0, 9.0))                 # where the dot sits
    row, col = int(round(full.shape[0] - y_px)), int(round(x_px))
    assert np.abs(full[row, col] - vermillion).sum() < 40                # in the static figure
    assert np.abs(pixels[row, col] - vermillion).sum() > 200             # not in the background
    assert xlim == (-4.5, 4.5) and scene.ax.get_title().startswith("step 0")   # title restored


def test_concurrent_renders_from_two_threads_stay_whole():
    """Widget callbacks run on a kernel subshell thread while a cell renders the same figure."""
    scene = descent_explorer()
    sizes, errors = [], []

    def render(job):
        try:
            for _ in range(6):
                sizes.append(len(job()))
        except Exception as error:   # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=render, args=(lambda: scene.live_background(2)[0],)),
               threading.Thread(target=render, args=(scene.png,)),
               threading.Thread(target=render, args=(lambda: scene.update(x0=-2.0).png(),))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(sizes) == 18 and min(sizes) > 10_000     # a blank 620×340 PNG is ~1.7 kB


def test_two_valley_frames_cover_every_start_and_end_where_which_valley_says():
    scene = two_valley_explorer()
    wire = Wire(scene.live)
    scene.live._on_message(scene.live, {"type": "hello"}, [])
    frames = frames_by_key(wire)
    assert set(frames) == {(i,) for i in range(89)} and len(wire.of("background")) == 1
    for x0 in (-2.2, -0.5, 0.5, 1.35, 2.2):
        scene.update(x0=x0)
        frame = frames[(grid_index(scene.start),)]
        np.testing.assert_allclose(frame["path"], np.column_stack(scene.path.get_data()), rtol=1e-6)
        end = descent.which_valley(x0)
        np.testing.assert_allclose(frame["end"][0], [end.x, end.fx], rtol=1e-6)
        assert end.kind in scene.caption.value
    scene.start.value = 0.0
    assert wire.keys() == list(frames)          # nothing new to send: every start is there


def test_descent_paths_nd_equal_the_scalar_traces_exactly():
    for start, lr in [((3.0, 2.0), 0.1), ((-4.0, 0.7), 0.49), ((1.1, -3.3), 0.6)]:
        trace = gradient.gradient_descent_nd(gradient.bowl, gradient.bowl_gradient, start, lr, n_iter=12)
        expected = np.array([s.x for s in trace] + [trace[-1].new_x])
        np.testing.assert_array_equal(gradient.descent_paths_nd(gradient.bowl_gradient, [start], [lr], 12)[0],
                                      expected)


def test_bowl_frames_hold_path_arrows_and_the_3d_projection():
    scene = bowl_explorer()
    wire = Wire(scene.live)
    scene.live._on_message(scene.live, {"type": "hello"}, [])
    frames = frames_by_key(wire)
    assert len(frames) == 81 + 81 + 60 - 2
    scene.update(x0=(-1.5, 3.2), lr=0.1)
    assert (25, 72, 9) not in frames                        # two sliders away: sent after the move
    frames.update(frames_by_key(wire))
    frame = frames[(25, 72, 9)]
    for k in (0, 4, N_BOWL):
        point, fx, grad = scene.update(iteration=k).current()
        np.testing.assert_allclose(frame["path"][k], point, rtol=1e-6)
        np.testing.assert_allclose(frame["arrow_x1"][k][1] - frame["arrow_x1"][k][0], [-0.25 * grad[0], 0], atol=1e-5)
        np.testing.assert_allclose(frame["arrow_x2"][k][1] - frame["arrow_x2"][k][0], [0, -0.25 * grad[1]], atol=1e-5)
        # the 3-D dot lands where matplotlib draws the static figure's 3-D dot
        scene.fig.canvas.draw()
        x, y = scene.dot3d.get_data_3d()[0][0], scene.dot3d.get_data_3d()[1][0]
        expected = project_3d(scene.ax3d, [x], [y], [fx])[0]
        np.testing.assert_allclose(frame["path3d"][k], expected, atol=0.05)
        assert f"∂f/∂x1 = {grad[0]:.2f}" in scene.caption.value


def test_activation_frames_follow_each_control():
    scene = activation_explorer()
    wire = Wire(scene.live)
    scene.live._on_message(scene.live, {"type": "hello"}, [])
    frames = frames_by_key(wire)
    assert len(frames) == 3 + 20 + 100 - 2 and len(wire.of("background")) == 3   # one per activation
    for activation, factor, depth in [("sigmoid", 0.3, 10), ("square", 0.3, 10), ("relu", 0.3, 57)]:
        scene.update(activation=activation, factor=factor, depth=depth)
        frames.update(frames_by_key(wire))
        frame = frames[tuple(grid_index(c) for c in scene.live.settings)]
        np.testing.assert_allclose(frame["f"], np.column_stack(scene.f_line.get_data()), rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(frame["df"], np.column_stack(scene.df_line.get_data()), rtol=1e-6, atol=1e-6)
        assert frame["zoom"][0] == list(mlp.ACTIVATIONS).index(activation)
        expected = to_pixels(scene.ax_depth, *scene.product_dot.get_data())
        np.testing.assert_allclose(frame["product_dot"], expected, atol=0.01)        # log axis, in pixels
        shown = scene.effective_factor(activation, factor)
        assert f"{shown:g} ** {depth} = {scene.product:.3g}" in scene.caption.value
    png, xlim, ylim = scene.live_background(1)
    assert ylim == pytest.approx((-0.2548, 1.2526), abs=1e-3) and scene.activation.value == "relu"
    # before the kernel holds a dragged factor at the sigmoid's cap, the browser already draws the cap
    dragged = scene.live_frames([("sigmoid", 0.55, 10)])["product_dot"][0]
    capped = scene.live_frames([("sigmoid", 0.25, 10)])["product_dot"][0]
    np.testing.assert_array_equal(dragged, capped)


def test_chain_graph_frames_carry_the_labels_and_colours_of_every_blame_step():
    scene = chain_graph_explorer()
    wire = Wire(scene.live)
    scene.live._on_message(scene.live, {"type": "hello"}, [])
    content = wire.of("frames")[0][0]
    keys = [tuple(k) for k in content["keys"]]
    assert len(keys) == 41 + 41 - 1
    arrays = frames_by_key(wire)
    for x1, x2, step in [(1.0, 0.5, 0), (1.0, 0.5, 4), (-0.35, 0.5, 9), (1.0, 0.95, 7)]:
        scene.update(x1=x1, x2=x2, blame_step=step)
        key = (grid_index(scene.x1), grid_index(scene.x2))
        n = keys.index(key)
        for name in ("node_labels", "edge_labels", "blame_labels"):
            assert content["texts"][name][n][step] == [t.get_text() for t in getattr(scene, name)]
        colours = [to_hex(EDGE_STYLES[int(i)][0]) for i in arrays[key]["edges"][step]]
        assert colours == [to_hex(c) for c in scene.edges.get_colors()]
        assert sum(arrays[key]["nodes"][step]) == len(scene.known_grads())
        assert content["texts"]["node_labels"][n][step][-1] == f"f\n{number(scene.graph.nodes[-1].data)}"


def test_a_failing_top_up_is_reported_to_the_view_not_swallowed(monkeypatch):
    scene = two_valley_explorer()
    wire = Wire(scene.live)
    monkeypatch.setattr(scene, "live_frames", lambda values: 1 / 0)
    scene.live._on_message(scene.live, {"type": "hello"}, [])
    assert scene.live.wait_idle()
    errors = [c for c, _ in wire.messages if c["type"] == "error"]
    assert len(errors) == 1 and "ZeroDivisionError" in errors[0]["text"]
    assert "ZeroDivisionError" in scene.live.error


@pytest.mark.parametrize("build, start", [(descent_explorer, (3.0,)), (bowl_explorer, (3.0, 2.0))])
def test_at_step_0_the_learning_rate_shows_where_the_first_step_lands(build, start):
    """Moving η before any step moves the dashed step and the pale "next" dot, browser and static."""
    scene = build()
    drawn = {}
    for lr in (0.1, 0.3):
        frame = {name: array[0] for name, array in scene.live_frames([(*start, lr)]).items()}
        x = np.asarray(start)
        grad = 2 * x if len(start) == 1 else gradient.bowl_gradient(x)
        landing = x - lr * grad
        got = frame["next"][0, 0]
        np.testing.assert_allclose(got[0] if len(start) == 1 else got, landing[0] if len(start) == 1 else landing,
                                   rtol=1e-6)
        np.testing.assert_allclose(frame["step"][0][0], frame["path"][0], rtol=1e-6)    # from the dot
        np.testing.assert_allclose(frame["step"][0][1], frame["next"][0, 0], rtol=1e-6)  # to where it lands
        drawn[lr] = frame["next"][0, 0]
        scene.update(lr=lr, iteration=0)
        assert f"{lr:g}" in scene.caption.value
        assert scene.next_dot.get_data()[0][0] == pytest.approx(landing[0])
    assert not np.allclose(drawn[0.1], drawn[0.3])
    last = {name: array[0] for name, array in scene.live_frames([(*start, 0.1)]).items()}
    assert np.isnan(last["next"][-1]).all()           # after the last step nothing is ahead


class Stream:
    """Stands in for a zmq stream: records how Session.send asks it to send."""

    def __init__(self):
        self.copies = []

    def send_multipart(self, parts, copy=True, track=False):
        self.copies.append(copy)


def test_guard_a_raised_copy_threshold_makes_session_copy_large_buffers():
    """scene.copy_large_messages relies on jupyter_client's Session.send copying every part that
    is shorter than copy_threshold (zero-copy parts are what failed at kernel shutdown)."""
    from jupyter_client.session import Session

    from course_lib.view.scene import COPY_THRESHOLD

    session, stream, big = Session(key=b""), Stream(), b"x" * (2**16 + 1)
    session.send(stream, "comm_msg", {}, buffers=[big])
    session.copy_threshold = COPY_THRESHOLD
    session.send(stream, "comm_msg", {}, buffers=[big])
    assert stream.copies == [False, True]


def test_a_live_figure_in_a_kernel_raises_its_copy_threshold():
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from course_lib.view.part1 import two_valley_explorer\nscene = two_valley_explorer()\n"
        "print(get_ipython().kernel.session.copy_threshold)")]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    from course_lib.view.scene import COPY_THRESHOLD

    assert nb.cells[0].outputs[0]["text"].strip() == str(COPY_THRESHOLD)
