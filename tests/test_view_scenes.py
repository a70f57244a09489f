"""Parts 2–7 scenes: a control changes, the same artists move to the math layer's values."""
import numpy as np
import pytest
from matplotlib.text import Text

from course_lib import autodiff, batch, chain, gradient, mlp, network
from course_lib.view import style
from course_lib.view.part3 import graph_at
from course_lib.view.style import short_number as number
from course_lib.view.widgets import (activation_explorer, backprop_stepper, batch_comparison, bowl_explorer,
                                     chain_graph_explorer, digit_predictions, mlp_trainer, network_explorer)


def test_bowl_explorer_dot_arrows_and_surface_follow_the_trace():
    scene = bowl_explorer()
    dot, arrows, path3d = scene.dot, scene.arrows, scene.path3d
    scene.update(iteration=2)
    trace = gradient.gradient_descent_nd(gradient.bowl, gradient.bowl_gradient, (3, 2), 0.1, n_iter=30)
    assert dot.get_data()[0][0] == pytest.approx(trace[2].x[0])
    assert dot.get_data()[1][0] == pytest.approx(trace[2].x[1])
    assert tuple(trace[2].x) == pytest.approx((1.92, 0.72))
    np.testing.assert_allclose(arrows.U, [-0.25 * trace[2].grad[0], 0])
    np.testing.assert_allclose(arrows.V, [0, -0.25 * trace[2].grad[1]])
    np.testing.assert_allclose(arrows.get_offsets()[0], trace[2].x)
    assert path3d.get_data_3d()[2][-1] == pytest.approx(trace[2].fx)
    scene.lr.value = 0.2
    trace = gradient.gradient_descent_nd(gradient.bowl, gradient.bowl_gradient, (3, 2), 0.2, n_iter=30)
    assert scene.dot is dot and dot.get_data()[0][0] == pytest.approx(trace[2].x[0])
    with pytest.raises(ValueError, match="x0"):
        bowl_explorer(x0=(1,))


def test_chain_graph_values_forward_and_blame_backward():
    scene = chain_graph_explorer(1.0, 0.5)
    texts = list(scene.node_labels)
    g = graph_at(1.0, 0.5)
    assert [n.label for n in g.nodes] == ["x1", "2·x1", "x2", "u", "u²", "x2²", "3·x2²", "v", "f"]
    assert scene.node_labels[-1].get_text() == f"f\n{g.nodes[-1].data:.4g}"
    assert [t.get_text() for t in scene.blame_labels] == [""] * 8 + ["∂f = 1"]   # only f's, before stepping
    scene.update(blame_step=len(g.edges))
    assert scene.blame_labels[0].get_text() == "∂f = 1,470" == f"∂f = {chain.chain_gradient(1.0, 0.5)[0]:,.0f}"
    scene.x2.value = 1.0
    g2 = graph_at(1.0, 1.0)
    x2_blame = scene.blame_labels[[n.label for n in g2.nodes].index("x2")].get_text()
    assert x2_blame == f"∂f = {chain.chain_gradient(1.0, 1.0)[1]:,.0f}"
    assert list(scene.node_labels) == texts
    scene.update(blame_step=1)
    last = g2.edges[-1]
    assert f"= {g2.nodes[-1].grad * last.local_derivative:,.0f}" in scene.ax.get_title()


def test_chain_graph_numbers_are_short():
    assert [number(v) for v in (1470.0, -998.2, 36.75, 0.25, 0.0095, -0.00004, 0.0)] == [
        "1,470", "−998.2", "36.75", "0.25", "0.009", "≈0", "0"]


def test_network_explorer_shows_forward_values_and_total_error():
    scene = network_explorer()
    bars = list(scene.pred_bars)
    assert [b.get_height() for b in bars] == pytest.approx([37, 33, 13])
    assert "534" in scene.ax.get_title()
    scene.weight_sliders["w5"].value = -5.0
    weights = network.Weights(1, 2, 1, 1, -5.0)
    expected = [fw.y_pred for fw in network.forward_dataset(weights)]
    assert [b.get_height() for b in scene.pred_bars] == pytest.approx(expected)
    assert list(scene.pred_bars) == bars
    assert f"{network.total_squared_error(weights):.4g}" in scene.ax.get_title()
    scene.update(example=1)
    assert scene.diagram.node_labels["y_pred"].get_text() == f"y_pred\n{expected[1]:.4g}"
    with pytest.raises(ValueError, match="w9"):
        scene.update(w9=1)


def test_backprop_stepper_lights_each_chain_and_updates():
    scene = backprop_stepper()
    scene.update(step=6)   # w1, the last chain
    assert scene.chain_text.get_text() == "26 × 1 × 20 = 520"
    lit = [c for c in scene.diagram.edges.get_colors()]
    assert sum(np.allclose(c[:3], [0xD5 / 255, 0x5E / 255, 0]) for c in lit) == 3   # x2→h1→y_pred→Error
    scene.update(step=scene.N_STEPS)
    expected = network.update(network.INITIAL_WEIGHTS, network.backprop(
        network.INITIAL_WEIGHTS, network.DATASET[0]).gradient, 0.0001)
    assert f"{expected.w3:.6g}" in scene.table.value and "0.935" in scene.table.value
    scene.update(example=1, step=2)
    blame = network.backprop(network.INITIAL_WEIGHTS, network.DATASET[1]).blames["w5"]
    assert scene.chain_text.get_text() == f"{blame.factors[0][1]:.4g} × 1 = {blame.gradient:.6g}"


def test_batch_comparison_curves_are_the_histories():
    scene = batch_comparison(epochs=20)
    line = scene.lines["batch"]
    history = batch.train_batch(network.INITIAL_WEIGHTS, network.DATASET, 1e-4, 20)
    np.testing.assert_allclose(line.get_data()[1], history.losses)
    scene.update(batch_size=1, seed=3)
    mini = batch.train_minibatch(network.INITIAL_WEIGHTS, network.DATASET, 1e-4, 20, 1,
                                 np.random.default_rng(3))
    xs, ys = scene.lines["mini-batch"].get_data()
    np.testing.assert_allclose(ys, mini.losses)
    assert xs[3] == pytest.approx(1.0)   # 3 updates per epoch with batch size 1
    assert scene.lines["batch"] is line


def test_activation_explorer_functions_and_vanishing_product():
    scene = activation_explorer()
    f_line = scene.f_line
    scene.update(activation="sigmoid", depth=100)
    xs, ys = f_line.get_data()
    np.testing.assert_allclose(ys, mlp.sigmoid(xs))
    np.testing.assert_allclose(scene.df_line.get_data()[1], mlp.sigmoid_prime(xs))
    best = float(mlp.sigmoid_prime(0.0))            # 0.3 is more than a sigmoid layer can pass back
    assert scene.factor.value == best and scene.product_dot.get_data()[1][0] == pytest.approx(best ** 100)
    assert f"{best:g} ** 100" in scene.ax_depth.get_title() and "at most 0.25" in scene.caption.value
    scene.update(factor=0.55)                       # a drag past the cap is held at the cap
    assert scene.factor.value == best
    scene.update(activation="relu", factor=0.55)
    assert scene.factor.value == 0.55 and "0.55 ** 100" in scene.ax_depth.get_title()
    scene.update(activation="sigmoid")
    assert scene.factor.value == best
    assert scene.f_line is f_line


def test_mlp_trainer_plots_every_epoch_and_digit_predictions():
    trainer = mlp_trainer(hidden=(16,), epochs=2)
    assert trainer.loss_line.get_data()[0].size == 0
    trainer.train()
    assert trainer.progress.value == 2 and trainer.progress.max == 2
    np.testing.assert_allclose(trainer.loss_line.get_data()[1], trainer.log.epoch_losses)
    assert trainer.acc_line.get_data()[1][-1] == pytest.approx(trainer.model.accuracy(trainer.X_test, trainer.y_test))
    trainer.train(1)
    assert len(trainer.loss_line.get_data()[0]) == 3


def test_each_printed_training_result_names_its_run():
    """A line printed after one run must still be true once the button trained further (07 printed
    "after 15 epochs: 94.4 %" next to a chart at 30 epochs and 96.4 %)."""
    trainer = mlp_trainer(hidden=(8,), epochs=2, seed=1)
    assert trainer.result() == "not trained yet (hidden (8,), batch 32, η = 0.1, seed 1)"
    first = trainer.train().result()
    assert first.startswith("run 1 (hidden (8,), batch 32, η = 0.1, seed 1), epochs 1–2: ")
    assert f"test accuracy {trainer.accuracies[1]:.1%} after epoch 2" in first
    trainer.train(3)                                   # what the train button does
    assert trainer.result(1) == first
    assert trainer.result().startswith("run 2 (hidden (8,), batch 32, η = 0.1, seed 1), epochs 3–5: ")
    assert f"{trainer.accuracies[-1]:.1%} after epoch 5" in trainer.result()
    assert trainer.status.value == trainer.result()
    assert trainer.history.value.count("run ") == 2
    shown = digit_predictions(trainer.model, trainer.X_test, trainer.y_test, n=8)
    assert list(shown.predictions) == list(trainer.model.predict(trainer.X_test[
        np.random.default_rng(0).choice(len(trainer.X_test), 8, replace=False)]))


def test_mlp_trainer_skips_training_under_nbgrader(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    trainer = mlp_trainer(hidden=(8,), epochs=1, autostart=True)
    assert trainer.losses == [] and trainer.png().startswith(b"\x89PNG")


@pytest.mark.parametrize("build", [bowl_explorer, chain_graph_explorer, network_explorer, backprop_stepper,
                                   lambda: batch_comparison(epochs=5), activation_explorer])
def test_readable_fonts_and_static_png(build):
    scene = build()
    assert scene.png().startswith(b"\x89PNG")
    sizes = [t.get_fontsize() for t in scene.fig.findobj(Text) if t.get_text().strip()]
    assert sizes and min(sizes) >= style.FONT_SIZE
    for ax in scene.fig.axes:
        if ax.axison and ax.name != "3d":
            assert ax.get_xlabel() and (ax.get_ylabel() or ax.get_shared_y_axes().get_siblings(ax) != [ax])
