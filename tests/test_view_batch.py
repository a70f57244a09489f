"""The batch comparison drawn in the browser: its frames are the math layer's training runs."""
import os
import signal

import nbformat
import numpy as np
import pytest

from course_lib import batch, network
from course_lib.view import style
from course_lib.view.live import grid_index, grid_value
from course_lib.view.part6 import (FRAME_NAMES, MODES, X_LIMITS, batch_comparison, curve_points, diverged,
                                   final_errors, shown, updates_per_epoch)
from test_view_live import Wire, decode, frames_by_key

W, DATA = network.INITIAL_WEIGHTS, network.DATASET
SCALAR = {"online": batch.train_online, "batch": batch.train_batch}


def scalar_losses(mode, lr, epochs, batch_size, seed):
    if mode == "mini-batch":
        return batch.train_minibatch(W, DATA, lr, epochs, batch_size, np.random.default_rng(seed)).losses
    return SCALAR[mode](W, DATA, lr, epochs).losses


@pytest.fixture(scope="module")
def sent():
    """A scene whose browser view said hello, with everything its first top-up sent."""
    scene = batch_comparison()
    wire = Wire(scene.live)
    scene.live._on_message(scene.live, {"type": "hello"}, [])
    assert scene.live.wait_idle(600)
    return scene, wire


def texts_by_key(wire):
    return {tuple(key): {name: per_key[n] for name, per_key in content["texts"].items()}
            for content, _ in wire.of("frames") for n, key in enumerate(content["keys"])}


def background_of(wire, level):
    (content, buffers), = [(c, b) for c, b in wire.of("background") if c["level"] == level]
    return content, decode(buffers[0])


def test_the_cross_is_every_rate_and_every_batch_size(sent):
    scene, wire = sent
    assert [c.get("base") for c in scene.live.controls] == [10, None]         # η steps its exponent
    assert scene.live.key() == (20, 1)                                          # η = 1e-4, size 2
    assert set(wire.keys()) == {(i, 1) for i in range(31)} | {(20, j) for j in range(3)}


@pytest.mark.parametrize("lr_index, size_index", [(20, 1), (0, 1), (30, 1), (20, 0), (20, 2), (27, 1)])
def test_frames_hold_the_scalar_runs_losses(sent, lr_index, size_index):
    scene, wire = sent
    frame = frames_by_key(wire)[(lr_index, size_index)]
    lr, size = grid_value(scene.lr, lr_index), size_index + 1
    for mode in MODES:
        per_epoch = updates_per_epoch(mode, size)
        expected = scalar_losses(mode, lr, 40, size, 0)          # the first 40 epochs of the 500 sent
        points = frame[FRAME_NAMES[mode]]
        assert points.shape == (1501, 2)
        np.testing.assert_array_equal(points[:len(expected), 1], np.float32(np.log10(expected)))
        np.testing.assert_array_equal(points[:len(expected), 0], np.float32(np.arange(len(expected)) / per_epoch))
        assert np.isnan(points[500 * per_epoch + 1:]).all()                    # padding
        ends = frame[f"{FRAME_NAMES[mode]}_ends"]
        assert ends[1] == per_epoch + 1 and ends[40] == len(expected) and ends[500] == 500 * per_epoch + 1


def test_the_browsers_linear_map_lands_where_matplotlib_draws(sent):
    """log10 losses mapped linearly through a background's log10 limits onto a panel's box are
    matplotlib's log-axis pixels (what live_figure.js computes, in Python)."""
    scene, wire = sent
    frame = frames_by_key(wire)[scene.live.key()]
    for k in (1, 7, 100, 333, 500):
        content, _ = background_of(wire, int(frame["zoom"][k]))
        (x0, x1), (y0, y1) = content["xlim"], content["ylim"]
        assert x1 == X_LIMITS[np.searchsorted(X_LIMITS, k)] and x1 >= k
        for ax, mode, layer in zip(scene.axes, MODES, scene.live.layers):
            points = frame[FRAME_NAMES[mode]][:int(frame[layer["ends"]][k])].astype(float)
            assert y0 < np.nanmin(points[:, 1]) and np.nanmax(points[:, 1]) < y1      # the curve fits
            left, top, width, height = layer["box"]
            browser = np.column_stack([left + (points[:, 0] - x0) / (x1 - x0) * width,
                                       top + height - (points[:, 1] - y0) / (y1 - y0) * height])
            xlim, ylim = ax.get_xlim(), ax.get_ylim()
            ax.set_xlim(x0, x1)
            ax.set_ylim(10 ** y0, 10 ** y1)
            try:
                shown_px = ax.transData.transform(np.column_stack([points[:, 0], 10 ** points[:, 1]]))
            finally:
                ax.set_xlim(xlim)
                ax.set_ylim(ylim)
            shown_px[:, 1] = scene.fig.bbox.height - shown_px[:, 1]
            np.testing.assert_allclose(browser, shown_px, atol=0.05)


def test_moving_eta_or_the_size_keeps_the_axes_and_every_level_was_sent(sent):
    scene, wire = sent
    frames = frames_by_key(wire)
    zooms = {tuple(f["zoom"]) for f in frames.values()}
    assert len(zooms) == 1                                   # the axes depend on the epochs alone
    sent_levels = {c["level"] for c, _ in wire.of("background")}
    assert sent_levels == {int(v) for v in next(iter(zooms))}


def test_backgrounds_lack_the_curves_and_titles_the_static_figure_has(sent):
    scene, wire = sent
    colours = [np.array([int(style.OKABE_ITO[c][i:i + 2], 16) for i in (1, 3, 5)]) for c in ("blue", "orange", "green")]
    left, top, width, _ = scene.live.layers[0]["box"]
    right = scene.live.layers[2]["box"][0] + width

    def curve_pixels(image):
        return [int((np.abs(image - c).sum(axis=-1) < 40).sum()) for c in colours]

    def title_ink(image):            # the band above the panels (the top tick label reaches into it)
        return int((image[:int(top) - 10, int(left) + 20:int(right)].sum(axis=-1) < 200).sum())

    level = int(frames_by_key(wire)[scene.live.key()]["zoom"][scene.epochs.value])
    content, image = background_of(wire, level)
    assert content["xlim"] == [0.0, 100.0]
    assert curve_pixels(image) == [0, 0, 0] and title_ink(image) == 0
    static = decode(scene.png())
    assert min(curve_pixels(static)) > 300 and title_ink(static) > 300
    assert "final error" in scene.axes[0].get_title()         # the static figure's title is back


def test_the_title_layers_say_what_the_static_titles_say(sent):
    scene, wire = sent
    try:
        for lr_index, size_index, epochs in [(20, 1, 100), (30, 0, 1), (30, 1, 1), (3, 2, 500), (27, 1, 37)]:
            scene.update(lr=grid_value(scene.lr, lr_index), batch_size=size_index + 1, epochs=epochs)
            got = texts_by_key(wire)[(lr_index, size_index)]
            assert [f"{head}\n{final}" for head, final in zip(got["heads"], got["finals"][epochs])] == \
                [ax.get_title() for ax in scene.axes]
    finally:
        scene.update(lr=1e-4, batch_size=2, epochs=100)


def test_controls_snap_to_the_grid_the_browser_keys():
    scene = batch_comparison(lr=2.2e-4)
    assert scene.lr.value == grid_value(scene.lr, 23) == 10 ** -3.7
    for i in range(31):       # what the browser's slider may send: its own pow, a last bit off
        for value in (grid_value(scene.lr, i) * (1 + 1e-15), grid_value(scene.lr, i) * (1 - 1e-15)):
            assert round((np.log(value) / np.log(10) - scene.lr.min) / scene.lr.step) == i
            scene.lr.value = value
            assert grid_index(scene.lr) == i
    with pytest.raises(ValueError, match="lr"):
        scene.update(lr=5e-3)


def test_the_titles_say_diverged_where_the_error_grew():
    scene = batch_comparison(lr=1e-3, epochs=1)
    titles = [ax.get_title() for ax in scene.axes]
    assert titles[1] == "batch: 1 update(s)/epoch\nfinal error 877.9  (diverged)"     # 534 → 878
    assert sum("(diverged)" in t for t in titles) == 1
    scene.update(epochs=20)
    assert not any("diverged" in ax.get_title() for ax in scene.axes)


def test_a_run_that_blows_up_is_drawn_until_it_does_and_called_diverged():
    losses = batch.train_batch_many(W, DATA, [1e-2], 20).losses[0]
    points = curve_points(losses, 1, 31)
    keep = shown(losses)
    assert not keep.all() and keep[:3].all()
    np.testing.assert_array_equal(points[:21][keep, 1], np.log10(losses[keep]))
    assert np.isnan(points[:21][~keep, 1]).all() and np.isnan(points[21:]).all()      # the browser lifts the pen
    assert diverged(losses, 1, [1, 20]).tolist() == [True, True]           # it grew, then was lost
    assert final_errors(losses, 1, [20]) == ["final error nan  (diverged)"]
    assert not diverged(batch.train_batch_many(W, DATA, [1e-4], 20).losses[0], 1, [1, 20]).any()


def test_a_new_seed_resets_the_frames_and_sends_that_seeds_mini_batches():
    scene = batch_comparison(epochs=10, batch_size=1)
    wire = Wire(scene.live)
    scene.live._on_message(scene.live, {"type": "hello"}, [])
    before = frames_by_key(wire)
    wire.clear()
    scene.update(seed=4)
    assert wire.live.wait_idle(600)
    assert wire.messages[0][0]["type"] == "reset"
    after = frames_by_key(wire)
    assert set(after) == set(before)
    key = scene.live.key()
    expected = scalar_losses("mini-batch", 1e-4, 10, 1, 4)
    np.testing.assert_array_equal(after[key]["minibatch"][:len(expected), 1], np.float32(np.log10(expected)))
    assert not np.array_equal(after[key]["minibatch"], before[key]["minibatch"], equal_nan=True)
    np.testing.assert_array_equal(after[key]["online"], before[key]["online"])
    ys = scene.lines["mini-batch"].get_data()[1]
    np.testing.assert_array_equal(ys, expected)


def test_without_a_browser_only_the_current_runs_are_trained(monkeypatch):
    """Under nbgrader (no browser says hello) the scene trains its three runs for the epochs shown."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    scene = batch_comparison(epochs=30)
    assert scene.png().startswith(b"\x89PNG") and scene._runs == {} and scene.live.frames_sent == 0
    np.testing.assert_array_equal(scene.lines["online"].get_data()[1], scalar_losses("online", 1e-4, 30, 2, 0))


# --- in JupyterLab: keys on the sliders redraw the canvas with the kernel stopped ---
CANVAS_JS = "document.querySelector('.course-live-figure canvas')"
FRAME_JS = f"() => {CANVAS_JS}?.dataset.frame"
DIGEST_JS = f"() => {CANVAS_JS}.toDataURL()"


@pytest.mark.browser
def test_keys_on_the_sliders_redraw_in_the_browser_without_the_kernel(tmp_path):
    from jupyter_browser import (browser_page, error_outputs, lab_server, open_notebook, run_all_cells, screenshot,
                                 wait_kernel_idle)

    here = batch_comparison()
    here.live.views = 1                          # what the kernel there computes for its browser
    backgrounds = len(set(zip(*(v[1:].tolist() for v in here.grid_views()))))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os\nfrom course_lib.view.part6 import batch_comparison\n"
                                          "print(os.getpid())"),
                nbformat.v4.new_code_cell("batch_comparison()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "batch.ipynb")
    with lab_server(tmp_path) as server, browser_page(server) as page:
        open_notebook(page, server, "batch.ipynb")
        run_all_cells(page)
        assert error_outputs(page) == []
        kernel_pid = int(page.locator(".jp-OutputArea-output pre").first.inner_text().strip())
        page.wait_for_function(f"() => ({FRAME_JS})() === '20,1|100' && "
                               f"{CANVAS_JS}.dataset.backgrounds === '{backgrounds}'", timeout=300_000)
        handles = page.locator(".widget-slider .noUi-handle")           # η, epochs, mini-batch size
        os.kill(kernel_pid, signal.SIGSTOP)                             # no kernel from here on
        try:
            for slider, key, shown_after in [(2, "ArrowRight", "20,2|100"), (2, "ArrowLeft", "20,1|100"),
                                             (0, "ArrowRight", "21,1|100"), (1, "ArrowRight", "21,1|101")]:
                before = page.evaluate(DIGEST_JS)
                handles.nth(slider).focus()
                handles.nth(slider).press(key)
                page.wait_for_function(f"() => ({FRAME_JS})() === '{shown_after}'", timeout=20_000)
                assert page.evaluate(DIGEST_JS) != before, shown_after
            screenshot(page, "batch-comparison-after-keys", full_page=False)
        finally:
            os.kill(kernel_pid, signal.SIGCONT)
        wait_kernel_idle(page)          # it catches up (the new setting's cross) before Lab stops
        assert error_outputs(page) == []
    assert server.error_lines() == []
