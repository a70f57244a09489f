"""Every scene rendered by JupyterLab in headless Chromium; a slider moved by keyboard changes the pixels."""
from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

from jupyter_browser import (AREAS, REPO, browser_page, error_outputs, lab_server, open_notebook,
                             run_all_cells, run_notebook_in_lab, screenshot, screenshot_outputs,
                             wait_widgets_rendered)

pytestmark = pytest.mark.browser

SCENE_CELLS = [
    "descent_explorer()", "two_valley_explorer()", "bowl_explorer()", "chain_graph_explorer()",
    "network_explorer()", "backprop_stepper()", "batch_comparison(epochs=20)", "activation_explorer()",
    "trainer = mlp_trainer(hidden=(16,), epochs=2)\ndisplay(trainer)\ntrainer.train()",
    "digit_predictions(trainer.model, trainer.X_test, trainer.y_test, n=8)",
]
CANVAS = ".jp-OutputArea-output canvas"
CANVAS_DIGEST_JS = """(index) => {
  const area = document.querySelectorAll(%r)[index];
  const canvas = [...area.querySelectorAll('canvas')].find((c) => c.width > 100);
  return canvas.toDataURL();
}""" % AREAS


LIVE_PIXEL_JS = """([x, y]) => {
  const canvas = document.querySelector('.course-live-figure canvas');
  const scale = canvas.width / canvas.getBoundingClientRect().width;
  const rgb = canvas.getContext('2d').getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data;
  return {frame: canvas.dataset.frame, rgb: Array.from(rgb).slice(0, 3)};
}"""


def assert_live_dot_drawn(page, x0: float) -> None:
    """The browser-drawn descent figure shows frame (x₀, η = 0.10, step 0), with the red dot
    exactly where matplotlib would put it (same figure, computed here in Python)."""
    from course_lib.view import style
    from course_lib.view.live import grid_index
    from course_lib.view.part1 import descent_explorer

    scene = descent_explorer(x0=x0)
    x_px, y_px = scene.ax.transData.transform((x0, x0 * x0))
    height = scene.fig.bbox.height
    expected_key = f"{grid_index(scene.start)},{grid_index(scene.lr)}|0"
    page.wait_for_function(f"() => document.querySelector('.course-live-figure canvas').dataset.frame === {expected_key!r}",
                           timeout=60_000)
    seen = page.evaluate(LIVE_PIXEL_JS, [x_px, height - y_px])
    dot = [int(style.DOT[i:i + 2], 16) for i in (1, 3, 5)]
    assert sum(abs(a - b) for a, b in zip(seen["rgb"], dot)) < 60, (seen, dot)


def scenes_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from course_lib.view.widgets import *")]
    nb.cells += [nbformat.v4.new_code_cell(code) for code in SCENE_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "scenes.ipynb"
    nbformat.write(nb, path)
    return path


def test_every_scene_renders_and_a_slider_redraws(tmp_path):
    scenes_notebook(tmp_path)
    with lab_server(tmp_path) as server, browser_page(server) as page:
        open_notebook(page, server, "scenes.ipynb")
        run_all_cells(page)
        page.wait_for_function(f"() => document.querySelectorAll({CANVAS!r}).length >= {len(SCENE_CELLS)}",
                               timeout=60_000)
        assert error_outputs(page) == []
        widget_outputs = page.locator(".jp-OutputArea-output:has(.jupyter-widgets)").count()
        assert widget_outputs >= len(SCENE_CELLS)          # every scene's widget view is there
        wait_widgets_rendered(page)
        screenshot(page, "scenes-notebook", full_page=False)
        deadline = time.monotonic() + 120  # canvases paint after their data arrives: later when loaded
        while True:
            shots = screenshot_outputs(page, "scene")
            blank = [p.name for p in shots if p.stat().st_size <= 5000]
            if len(shots) >= len(SCENE_CELLS) and not blank:
                break
            assert time.monotonic() < deadline, f"{len(shots)} scenes shown, blank: {blank}"
            time.sleep(0.5)

        area = page.locator(AREAS).first                    # descent_explorer: its start slider
        area.scroll_into_view_if_needed()
        readout = area.locator(".widget-readout").first
        before_pixels = page.evaluate(CANVAS_DIGEST_JS, 0)
        before_value = readout.inner_text()
        handle = area.locator(".widget-slider .noUi-handle").first
        handle.focus()
        for _ in range(5):
            handle.press("ArrowLeft")
        page.wait_for_function(f"(before) => ({CANVAS_DIGEST_JS})(0) !== before", arg=before_pixels,
                               timeout=60_000)
        assert readout.inner_text() != before_value
        assert_live_dot_drawn(page, x0=float(readout.inner_text().replace("−", "-")))
        assert page.locator(".jp-OutputArea-output table").first.inner_text().count("\n") >= 1
        assert error_outputs(page) == []
        area.screenshot(path=str(REPO / "test-artifacts" / "screenshots" / "descent-after-slider.png"))
    assert server.error_lines() == []


def course_notebooks(folder: str):
    found = sorted((REPO / folder).glob("[0-9]*.ipynb"))
    return found or [pytest.param(None, marks=pytest.mark.skip(reason=f"{folder}/*.ipynb not written yet"))]




@pytest.mark.slow
@pytest.mark.parametrize("notebook", course_notebooks("solutions"), ids=lambda p: getattr(p, "stem", "none"))
def test_solution_notebook_runs_clean_in_lab(notebook):
    """The instructor's version answers every exercise: every cell runs, nothing errs."""
    run = run_notebook_in_lab(notebook)
    errors = [e for e in run.errors if e.strip()]   # tqdm leaves empty stderr boxes
    assert errors == [] and run.unexecuted == 0, errors
    assert run.server_errors == [], run.server_errors
