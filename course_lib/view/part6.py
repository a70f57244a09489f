"""Part 6 scene: online, batch and mini-batch training of the five-weight network, side by side."""
from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from course_lib import batch, network

from . import style
from .scene import Scene, make_figure, require_in_range

MODES = ("online", "batch", "mini-batch")


class BatchComparison(Scene):
    title = "online vs batch vs mini-batch"

    def __init__(self, lr: float, epochs: int, batch_size: int, seed: int):
        n = len(network.DATASET)
        self.lr = widgets.FloatLogSlider(value=require_in_range("lr", lr, 1e-6, 1e-3), base=10, min=-6,
                                         max=-3, step=0.1, description="learning rate η",
                                         readout_format=".1e", continuous_update=False, style={"description_width": "initial"})
        self.epochs = widgets.IntSlider(value=int(require_in_range("epochs", epochs, 1, 500)), min=1,
                                        max=500, description="epochs", continuous_update=False, style={"description_width": "initial"})
        self.batch_size = widgets.IntSlider(value=int(require_in_range("batch_size", batch_size, 1, n)),
                                            min=1, max=n, description="mini-batch size", continuous_update=False,
                                            style={"description_width": "initial"})
        self.seed = widgets.IntText(value=int(seed), description="shuffle seed",
                                    style={"description_width": "initial"}, layout=widgets.Layout(width="160px"))
        fig = make_figure(900, 330, margins=None)
        with style.figure_style():
            self.axes = fig.subplots(1, 3, sharey=True)
        colours = (style.OKABE_ITO["blue"], style.OKABE_ITO["orange"], style.OKABE_ITO["green"])
        self.lines = {}
        for ax, mode, colour in zip(self.axes, MODES, colours):
            (self.lines[mode],) = ax.plot([], [], "-", color=colour, lw=2)
            ax.set_yscale("log")
            style.style_axes(ax, "epoch", "total squared error" if mode == "online" else "", mode)
        super().__init__(fig, controls=[self.lr, self.epochs, self.batch_size, self.seed])
        for control in (self.lr, self.epochs, self.batch_size, self.seed):
            control.observe(self._on_change, "value")
        self._draw()
        self._finish([*self.lines.values(), *(ax.title for ax in self.axes)])

    def update(self, lr=None, epochs=None, batch_size=None, seed=None):
        with self.lr.hold_trait_notifications():
            if lr is not None:
                self.lr.value = require_in_range("lr", lr, 1e-6, 1e-3)
            if epochs is not None:
                self.epochs.value = int(require_in_range("epochs", epochs, 1, self.epochs.max))
            if batch_size is not None:
                self.batch_size.value = int(require_in_range("batch_size", batch_size, 1, self.batch_size.max))
            if seed is not None:
                self.seed.value = int(seed)
        return self

    def histories(self) -> dict:
        args = (network.INITIAL_WEIGHTS, network.DATASET, self.lr.value, self.epochs.value)
        return {
            "online": batch.train_online(*args),
            "batch": batch.train_batch(*args),
            "mini-batch": batch.train_minibatch(*args, self.batch_size.value,
                                                np.random.default_rng(self.seed.value)),
        }

    def _draw(self):
        n = len(network.DATASET)
        self.history = self.histories()
        updates_per_epoch = {"online": n, "batch": 1, "mini-batch": math.ceil(n / self.batch_size.value)}
        finite_losses = []
        for ax, mode in zip(self.axes, MODES):
            losses = np.array(self.history[mode].losses, dtype=float)
            epochs = np.arange(len(losses)) / updates_per_epoch[mode]
            keep = np.isfinite(losses) & (losses > 0)
            self.lines[mode].set_data(epochs[keep], losses[keep])
            finite_losses.extend(losses[keep])
            blown = "  (diverged)" if not keep.all() or losses[-1] > losses[0] else ""
            ax.set_title(f"{mode}: {updates_per_epoch[mode]} update(s)/epoch\n"
                         f"final error {losses[-1]:.4g}{blown}", fontsize=style.TITLE_SIZE)
            ax.set_xlim(0, self.epochs.value)
        low, high = min(finite_losses), max(finite_losses)
        self.axes[0].set_ylim(low / 1.5, high * 1.5)
        self.redraw()


def batch_comparison(lr: float = 1e-4, epochs: int = 100, batch_size: int = 2, seed: int = 0) -> BatchComparison:
    return BatchComparison(lr, epochs, batch_size, seed)
