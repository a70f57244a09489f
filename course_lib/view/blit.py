"""Redraw only what a control moved: the rest of the figure is a cached background.

A full draw happens when something static changed (axes limits or 3-D view) or nothing is
cached yet; on every full draw (including savefig) the moving artists are drawn on top
by the draw_event handler, since matplotlib skips animated artists in a normal draw.
"""
from __future__ import annotations


def _static_key(fig):
    key = []
    for ax in fig.axes:
        key.append((ax.get_xlim(), ax.get_ylim(), ax.get_position().bounds))
        if ax.name == "3d":
            key.append((ax.elev, ax.azim, ax.get_zlim()))
    return tuple(key)


class Blitter:
    def __init__(self, fig, artists):
        self.fig = fig
        self.artists = sorted(artists, key=lambda a: a.get_zorder())
        for artist in self.artists:
            artist.set_animated(True)
        self.background = None
        self.key = None
        self.full_draws = 0
        self.blits = 0
        fig.canvas.mpl_connect("draw_event", self._on_draw)

    def _on_draw(self, event):
        canvas = self.fig.canvas
        if event.renderer is canvas.get_renderer():
            self.background = canvas.copy_from_bbox(self.fig.bbox)
            self.key = _static_key(self.fig)
        self._draw_artists(event.renderer)

    def _draw_artists(self, renderer):
        for artist in self.artists:
            if artist.get_visible():
                artist.draw(renderer)

    def redraw(self, live: bool) -> None:
        """live: a browser view is attached, so render now (else only mark the figure stale)."""
        canvas = self.fig.canvas
        if not live:
            canvas.draw_idle()
        elif self.background is None or _static_key(self.fig) != self.key:
            self.full_draws += 1
            canvas.draw()
        else:
            self.blits += 1
            canvas.restore_region(self.background)
            self._draw_artists(canvas.get_renderer())
            canvas.blit(self.fig.bbox)
