"""Part 7 scenes: activations and vanishing gradients, and an MLP learning the digits live."""
from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from course_lib import data, mlp

from . import style
from .live import LiveFigure, background_png, clip_box, snap, to_pixels
from .scene import Scene, autograding, make_figure, require_in_range, slider, slider_layout

ACTIVATION_LABELS = {"relu": "ReLU", "sigmoid": "sigmoid", "square": "x²"}


class ActivationExplorer(Scene):
    title = "activations, their derivatives, and vanishing gradients"

    def __init__(self, factor: float, depth: int):
        self.activation = widgets.ToggleButtons(options=[(ACTIVATION_LABELS[k], k) for k in mlp.ACTIVATIONS],
                                                value="relu", description="activation")
        self.factor = slider("gradient passed per layer", require_in_range("factor", factor, 0.05, 1.0),
                             0.05, 1.0, 0.05)
        self.depth = widgets.IntSlider(value=int(require_in_range("depth", depth, 1, 100)), min=1, max=100,
                                       description="depth (layers)", style={"description_width": "initial"},
                                       layout=slider_layout("depth (layers)"))
        fig = make_figure(860, 340, margins=(80, 50, 16, 34), browser_drawn=True)
        with style.figure_style():
            self.ax, self.ax_depth = fig.subplots(1, 2, gridspec_kw={"wspace": 0.3})
        self.grid = np.linspace(-3, 3, 241)
        (self.f_line,) = self.ax.plot([], [], color=style.OKABE_ITO["blue"], lw=2.5, label="f(x)")
        (self.df_line,) = self.ax.plot([], [], "--", color=style.OKABE_ITO["vermillion"], lw=2.5,
                                       label="f'(x)")
        self.ax.legend(loc="upper left", frameon=False, fontsize=style.FONT_SIZE)
        style.style_axes(self.ax, "x", "value")
        depths = np.arange(1, 101)
        self.ax_depth.semilogy(depths, [mlp.vanishing_product(1.0, int(d)) for d in depths], ":",
                               color=style.OKABE_ITO["green"], label="ReLU (active): 1^depth")
        (self.product_line,) = self.ax_depth.semilogy([], [], color=style.OKABE_ITO["purple"],
                                                      label="factor^depth")
        (self.product_dot,) = self.ax_depth.plot([], [], "o", color=style.DOT, ms=9)
        self.ax_depth.legend(loc="lower left", frameon=False, fontsize=style.FONT_SIZE)
        style.style_axes(self.ax_depth, "depth (layers the blame passes through)", "blame left")
        box = clip_box(self.ax_depth)
        self.caption = widgets.HTML(layout=widgets.Layout(min_height="24px"))
        self.live = LiveFigure(self, fig, self.ax, settings=[self.activation, self.factor, self.depth],
                               description=self.title, layers=[
            {"name": "f", "mode": "all", "color": style.OKABE_ITO["blue"], "lw": 2.5},
            {"name": "df", "mode": "all", "color": style.OKABE_ITO["vermillion"], "lw": 2.5, "dash": [3.7, 1.6]},
            {"name": "product", "mode": "all", "space": "pixels", "clip": box,
             "color": style.OKABE_ITO["purple"], "lw": 2},
            {"name": "product_dot", "mode": "all", "space": "pixels", "clip": box, "color": style.DOT,
             "lw": 0, "marker": "o", "ms": 9},
        ])
        super().__init__(fig, controls=[self.activation, self.factor, self.depth],
                         view=widgets.VBox([self.caption, self.live]))
        # No activation passes back more than its largest slope: the sigmoid at most σ'(0) = 0.25.
        self.caps = {name: min(self.factor.max, float(np.max(np.abs(self._curves(name)[1]))))
                     for name in mlp.ACTIVATIONS}
        for control in (self.activation, self.factor):
            control.observe(self._clamp, "value")       # first: the slider never shows more than the cap
        self._clamp()
        for control in (self.activation, self.factor, self.depth):
            control.observe(self._on_change, "value")
        self._draw()
        self._finish([self.f_line, self.df_line, self.product_line, self.product_dot, self.ax.title,
                      self.ax_depth.title])

    def _clamp(self, change=None) -> None:
        cap = self.caps[self.activation.value]
        if self.factor.value > cap:
            self.factor.value = snap(self.factor, cap)

    def effective_factor(self, activation: str, factor: float) -> float:
        """The factor a layer of this activation can pass back at most (the slider is held there)."""
        return min(factor, self.caps[activation])

    def update(self, activation=None, factor=None, depth=None):
        with self.depth.hold_trait_notifications():
            if activation is not None:
                if activation not in mlp.ACTIVATIONS:
                    raise ValueError(f"activation must be one of {list(mlp.ACTIVATIONS)}, got {activation!r}")
                self.activation.value = activation
            if factor is not None:
                self.factor.value = snap(self.factor, require_in_range("factor", factor, 0.05, 1.0))
            if depth is not None:
                self.depth.value = int(require_in_range("depth", depth, 1, 100))
        return self

    def _curves(self, activation):
        f, df = mlp.ACTIVATIONS[activation]
        return np.asarray(f(self.grid), float), np.asarray(df(self.grid), float)

    def _set_activation_view(self, activation):
        values, slopes = self._curves(activation)
        both = np.concatenate([values, slopes])
        self.ax.set_ylim(both.min() - 0.3, min(both.max(), 9.0) + 0.3)
        self.ax.set_xlim(-3, 3)
        self.ax.set_title(f"{ACTIVATION_LABELS[activation]} and its derivative", fontsize=style.TITLE_SIZE)

    def _products(self, factor):
        depths = np.arange(1, self.depth.max + 1)
        return depths, np.array([mlp.vanishing_product(factor, int(d)) for d in depths])

    def _draw(self):
        values, slopes = self._curves(self.activation.value)
        self.f_line.set_data(self.grid, values)
        self.df_line.set_data(self.grid, slopes)
        self._set_activation_view(self.activation.value)
        activation = self.activation.value
        factor = self.effective_factor(activation, snap(self.factor, self.factor.value))
        self.product_line.set_data(*self._products(factor))
        self.product = mlp.vanishing_product(factor, self.depth.value)
        self.product_dot.set_data([self.depth.value], [self.product])
        self.ax_depth.set_ylim(1e-60, 10)  # fixed: a factor change then only moves the curve
        headline = f"{factor:g} ** {self.depth.value} = {self.product:.3g}"
        self.ax_depth.set_title(headline, fontsize=style.TITLE_SIZE)
        cap = self.caps[activation]
        limit = (f" ({ACTIVATION_LABELS[activation]} passes back at most {cap:g} per layer: its largest slope)"
                 if cap < self.factor.max else "")
        self.caption.value = (f'<div style="font-size:13px">blame left after {self.depth.value} layers: '
                              f"<b>{html.escape(headline)}</b>{html.escape(limit)}</div>")
        self.redraw()

    # --- what the browser draws (LiveFigure): each activation's curves, every factor^depth ---
    def live_frames(self, values):
        names = [value[0] for value in values]
        order = list(mlp.ACTIVATIONS)
        curves = [self._curves(name) for name in names]
        factors = [self.effective_factor(name, factor) for name, factor, _ in values]
        with self.lock:
            products = [to_pixels(self.ax_depth, *self._products(factor)) for factor in factors]
            dots = [to_pixels(self.ax_depth, [depth], [mlp.vanishing_product(factor, int(depth))])
                    for factor, (_, _, depth) in zip(factors, values)]
        return {"f": np.array([np.column_stack([self.grid, v]) for v, _ in curves]),
                "df": np.array([np.column_stack([self.grid, d]) for _, d in curves]),
                "product": np.array(products), "product_dot": np.array(dots),
                "zoom": np.array([[order.index(name)] for name in names])}

    def live_background(self, level):
        """One background per activation (its own y range and title)."""
        activation = list(mlp.ACTIVATIONS)[level]
        moving = [self.f_line, self.df_line, self.product_line, self.product_dot, self.ax_depth.title]
        with self.lock:
            self._set_activation_view(activation)
            try:
                png = background_png(self.fig, moving)
                limits = self.ax.get_xlim(), self.ax.get_ylim()
            finally:
                self._set_activation_view(self.activation.value)
        return png, *limits


def activation_explorer(factor: float = 0.3, depth: int = 10) -> ActivationExplorer:
    return ActivationExplorer(factor, depth)


@dataclass(frozen=True)
class Run:
    """One call of train() (a cell, or a click on the button): the epochs it added and where it ended."""

    number: int
    first_epoch: int
    last_epoch: int
    loss: float
    accuracy: float

    def describe(self, setup: str) -> str:
        epochs = (f"epoch {self.last_epoch}" if self.first_epoch == self.last_epoch
                  else f"epochs {self.first_epoch}–{self.last_epoch}")
        return (f"run {self.number} ({setup}), {epochs}: "
                f"test accuracy {self.accuracy:.1%} after epoch {self.last_epoch}, loss {self.loss:.3f}")


class MLPTrainer(Scene):
    """Train an MLP on the digits; loss and test accuracy are plotted after every epoch.

    Every train() is a numbered run; a printed result names its run (`result()`), so a line
    printed after one run still says what it describes once the button has trained further.
    """

    title = "an MLP learning handwritten digits"

    def __init__(self, hidden, epochs, batch_size, lr, activation, seed):
        self.X_train, self.X_test, self.y_train, self.y_test = data.load_digits_split(seed=seed)
        self.rng = np.random.default_rng(seed)
        sizes = (self.X_train.shape[1], *hidden, 10)
        self.model = mlp.MLP(sizes, self.rng, activation=activation)
        self.epochs = int(require_in_range("epochs", epochs, 1, 1000))
        self.batch_size, self.lr = batch_size, lr
        self.setup = f"hidden {tuple(hidden)}, batch {batch_size}, η = {lr:g}, seed {seed}"
        self.runs: list[Run] = []
        self.progress = widgets.IntProgress(value=0, min=0, max=self.epochs, description="epochs",
                                            style={"description_width": "initial"})
        self.train_button = widgets.Button(description="train", icon="play")
        self.status = widgets.Label("not trained yet")
        self.history = widgets.HTML()
        fig = make_figure(760, 300, margins=None)
        with style.figure_style():
            self.ax_loss, self.ax_acc = fig.subplots(1, 2)
        (self.loss_line,) = self.ax_loss.plot([], [], "o-", color=style.OKABE_ITO["blue"], ms=3)
        (self.acc_line,) = self.ax_acc.plot([], [], "o-", color=style.OKABE_ITO["green"], ms=3)
        style.style_axes(self.ax_loss, "epoch", "mean cross-entropy (train)", "loss")
        style.style_axes(self.ax_acc, "epoch", "accuracy (test set)", "test accuracy")
        self.ax_acc.set_ylim(0, 1)
        for ax in (self.ax_loss, self.ax_acc):
            ax.set_xlim(0, self.epochs + 1)
        self.ax_loss.set_ylim(0, 2.5)
        self.losses: list[float] = []
        self.accuracies: list[float] = []
        self.log = None
        super().__init__(fig, controls=[self.train_button, self.progress, self.status], below=[self.history])
        self.train_button.on_click(lambda _: self.train())
        self._finish([self.loss_line, self.acc_line])

    def _after_epoch(self, epoch, log):
        # mlp.train starts a fresh log per call; self.losses keeps the curve going across calls.
        self.losses.append(log.epoch_losses[-1])
        self.accuracies.append(self.model.accuracy(self.X_test, self.y_test))
        epochs = np.arange(1, len(self.losses) + 1)
        self.loss_line.set_data(epochs, self.losses)
        self.acc_line.set_data(epochs, self.accuracies)
        self.ax_loss.set_ylim(0, max(2.5, max(self.losses) * 1.1))
        for ax in (self.ax_loss, self.ax_acc):
            ax.set_xlim(0, max(self.epochs, len(self.losses)) + 1)
        self.progress.value = len(self.losses)
        self.status.value = (f"run {len(self.runs) + 1}, epoch {len(self.losses)}: loss {self.losses[-1]:.3f}, "
                             f"test accuracy {self.accuracies[-1]:.1%}")
        self.redraw()

    def train(self, epochs=None):
        epochs = self.epochs if epochs is None else int(require_in_range("epochs", epochs, 1, 1000))
        first = len(self.losses) + 1
        self.progress.max = len(self.losses) + epochs
        self.log = mlp.train(self.model, self.X_train, self.y_train, epochs, self.batch_size, self.lr,
                             self.rng, callback=self._after_epoch)
        self.runs.append(Run(len(self.runs) + 1, first, len(self.losses), self.losses[-1], self.accuracies[-1]))
        self.status.value = self.result()
        self.history.value = ("<div style='font-size:13px'>" + "<br>".join(
            html.escape(run.describe(self.setup)) for run in self.runs) + "</div>")
        return self

    def result(self, run: int | None = None) -> str:
        """What a run (the latest by default) ended with, naming the run, its epochs and setup."""
        if not self.runs:
            return f"not trained yet ({self.setup})"
        return self.runs[-1 if run is None else run - 1].describe(self.setup)

    def update(self, epochs=1):
        return self.train(epochs)


def mlp_trainer(hidden=(32,), epochs: int = 15, batch_size: int = 32, lr: float = 0.1, activation: str = "relu",
                seed: int = 0, autostart: bool = False) -> MLPTrainer:
    """Build the trainer; call `.train()` after displaying it (or click train) to watch it learn.

    autostart trains right away, except under nbgrader, where training is skipped.
    """
    trainer = MLPTrainer(hidden, epochs, batch_size, lr, activation, seed)
    if autostart and not autograding():
        trainer.train()
    return trainer


class DigitPredictions(Scene):
    title = "sample digits with the network's predictions"

    def __init__(self, model, X, y, n: int, seed: int):
        X, y = np.asarray(X, float), np.asarray(y)
        n = int(require_in_range("n", n, 1, min(24, len(X))))
        picks = np.random.default_rng(seed).choice(len(X), size=n, replace=False)
        self.predictions = model.predict(X[picks])
        self.labels = y[picks]
        cols = min(n, 8)
        rows = int(np.ceil(n / cols))
        fig = make_figure(96 * cols, 140 * rows, margins=None)
        with style.figure_style():
            axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
        for ax in axes[n:]:
            ax.set_axis_off()
        for ax, image, predicted, label in zip(axes, X[picks], self.predictions, self.labels):
            ax.imshow(image.reshape(8, 8), cmap="gray_r")
            ax.set_xticks([]), ax.set_yticks([])
            right = predicted == label
            colour = style.OKABE_ITO["blue"] if right else style.OKABE_ITO["vermillion"]
            ax.set_title(f"{'✓' if right else '✗'} says {predicted}\ntrue {label}", fontsize=style.FONT_SIZE,
                         color=colour)
        super().__init__(fig)
        self._finish()

    def update(self):
        return self


def digit_predictions(model, X, y, n: int = 16, seed: int = 0) -> DigitPredictions:
    return DigitPredictions(model, X, y, n, seed)
