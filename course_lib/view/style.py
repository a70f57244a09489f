"""Okabe–Ito colours, readable fonts and labelled axes, applied per figure (never globally).

Figures are rendered at DPI = 96 so one figure pixel is one CSS pixel at 100 % zoom:
a font of FONT_SIZE points is then really FONT_SIZE points on screen.
"""
from __future__ import annotations

import contextlib

import matplotlib
from cycler import cycler

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}
# Roles used across scenes, so "the red dot" and "the blue tangent" of the script stay consistent.
DOT = OKABE_ITO["vermillion"]
TANGENT = OKABE_ITO["blue"]
CURVE = OKABE_ITO["black"]
PATH = OKABE_ITO["orange"]
ACCENT = OKABE_ITO["green"]
MUTED = "#7F7F7F"
HIGHLIGHT = OKABE_ITO["vermillion"]
SERIES = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky_blue", "black")]

DPI = 96
FONT_SIZE = 11
TITLE_SIZE = 12

RC = {
    "font.size": FONT_SIZE, "axes.titlesize": TITLE_SIZE, "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": FONT_SIZE, "ytick.labelsize": FONT_SIZE, "legend.fontsize": FONT_SIZE,
    "figure.titlesize": TITLE_SIZE, "axes.prop_cycle": cycler(color=SERIES),
    "axes.spines.top": False, "axes.spines.right": False, "lines.linewidth": 2.0,
    "figure.dpi": DPI, "savefig.dpi": DPI, "figure.facecolor": "white",
}


@contextlib.contextmanager
def figure_style():
    """The course style for artists created inside the block (rcParams restored afterwards)."""
    with matplotlib.rc_context(RC):
        yield


def style_axes(ax, xlabel: str, ylabel: str, title: str | None = None, *, grid: bool = True):
    """Label both axes and fix the tick font on the axes itself (ticks made later keep it)."""
    ax.set_xlabel(xlabel, fontsize=FONT_SIZE)
    ax.set_ylabel(ylabel, fontsize=FONT_SIZE)
    ax.tick_params(labelsize=FONT_SIZE)
    if title is not None:
        ax.set_title(title, fontsize=TITLE_SIZE)
    if grid:
        ax.grid(True, alpha=0.3)
    return ax


def blank_axes(ax, title: str | None = None):
    """For diagrams (network, computation graph): no ticks or spines, only a title."""
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title, fontsize=TITLE_SIZE)
    return ax


def short_number(value: float) -> str:
    """A number short enough for a diagram's node: 4 significant digits, thousands with a
    separator (1,470, not 1.47e+03), tiny ones ≈0, and a real minus sign."""
    size = abs(value)
    if size >= 1000:
        text = f"{value:,.0f}"
    elif size >= 1:
        text = f"{value:.4g}"
    elif size >= 0.001:
        text = f"{value:.3f}".rstrip("0")
    else:
        text = "0" if value == 0 else "≈0"
    return text.replace("-", "−")
