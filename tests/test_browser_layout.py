"""Every scene's controls in a real JupyterLab: no slider track narrower than 150 px, no control
narrower than its content (labels, readouts, dropdowns, buttons, quiz choices), measured with
Playwright at the default settings and again with every scene at an extreme one. Also: the
browser's text widths agree with the ones tests/figure_layout.py lays the browser layers out with."""
from __future__ import annotations

import nbformat
import pytest

from figure_layout import text_width
from jupyter_browser import (browser_page, error_outputs, lab_server, open_notebook, run_all_cells, screenshot,
                             wait_kernel_idle, wait_widgets_rendered)

pytestmark = pytest.mark.browser

MIN_TRACK_PX = 150
SCENES = {
    "descent": "descent_explorer()", "valleys": "two_valley_explorer()", "bowl": "bowl_explorer()",
    "chain": "chain_graph_explorer()", "network": "network_explorer()", "backprop": "backprop_stepper()",
    "batch": "batch_comparison(epochs=20)", "activations": "activation_explorer()",
    "trainer": "mlp_trainer(hidden=(8,), epochs=1)",
}
EXTREMES = """
scenes["descent"].update(x0=-4.0, lr=1.2, iteration=40)
scenes["valleys"].update(x0=-2.2)
scenes["bowl"].update(x0=(-4.0, -4.0), lr=0.6, iteration=30)
scenes["chain"].update(x1=-1.0, x2=-1.0, blame_step=9)
scenes["network"].update(w1=-2.0, w2=-2.0, w3=-2.0, w4=-2.0, w5=-20.0, example=2)
scenes["backprop"].update(step=7, example=1)
scenes["batch"].update(lr=1e-3, epochs=500, batch_size=1, seed=12345)
scenes["activations"].update(activation="sigmoid", factor=0.05, depth=100)
scenes["trainer"].train(1)
"""

# Per output area: what each control needs against what it got (CSS pixels).
MEASURE_JS = r"""() => {
  const out = [];
  const canvas = document.createElement('canvas').getContext('2d');
  const textWidth = (el, text) => { canvas.font = getComputedStyle(el).font; return canvas.measureText(text).width; };
  const px = (el, prop) => parseFloat(getComputedStyle(el)[prop]) || 0;
  const name = (el) => (el.closest('.widget-inline-hbox, .widget-dropdown, .course-quiz')
                        ?.querySelector('.widget-label, .course-quiz-title')?.textContent || el.textContent || '').trim();
  document.querySelectorAll('.jp-OutputArea-output').forEach((area, index) => {
    const push = (kind, el, need, got) => out.push({index, kind, what: name(el).slice(0, 60),
                                                    need: Math.round(need), got: Math.round(got)});
    area.querySelectorAll('.widget-slider .slider-container').forEach((el) =>
      push('slider track', el, MIN_TRACK, el.getBoundingClientRect().width));
    area.querySelectorAll('.widget-label, .widget-readout, .widget-button, .widget-toggle-button, '
                          + '.course-quiz-choice, .course-quiz-check, .widget-html-content').forEach((el) => {
      if (el.offsetParent === null || !el.textContent.trim()) return;
      push('content', el, el.scrollWidth, el.clientWidth + 1);
    });
    area.querySelectorAll('.widget-dropdown select').forEach((el) => {
      const shown = el.options[el.selectedIndex]?.text || '';
      const chrome = px(el, 'paddingLeft') + px(el, 'paddingRight');   // the arrow sits in the right padding
      push('dropdown text', el, textWidth(el, shown) + chrome, el.clientWidth);
    });
  });
  return out;
}""".replace("MIN_TRACK", str(MIN_TRACK_PX))

WIDTHS_JS = """(samples) => {
  const ctx = document.createElement('canvas').getContext('2d');
  return samples.map(([text, px]) => { ctx.font = `${px}px DejaVu Sans, sans-serif`; return ctx.measureText(text).width; });
}"""


def notebook(folder):
    nb = nbformat.v4.new_notebook()
    cells = ["from course_lib.view.widgets import *\nfrom course_lib.view.quiz import concept_checks\nscenes = {}"]
    cells += [f"scenes[{key!r}] = {code}\nscenes[{key!r}]" for key, code in SCENES.items()]
    cells += ['concept_checks("04_forward_pass")', 'concept_checks("07_scaling_up")']
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "layout.ipynb")


def assert_nothing_too_narrow(page, when: str) -> None:
    narrow = [m for m in page.evaluate(MEASURE_JS) if m["got"] < m["need"]]
    assert not narrow, f"{when}: " + "; ".join(
        f"output {m['index']} {m['kind']} of {m['what']!r}: needs {m['need']} px, has {m['got']}" for m in narrow)


def run_cell_below(page, code: str) -> None:
    """Append a code cell at the end, type `code` and run it (what a learner would do)."""
    page.evaluate("""(code) => {
        const panel = window.jupyterapp.shell.currentWidget;
        const model = panel.content.model;
        model.sharedModel.insertCell(model.cells.length, {cell_type: 'code', source: code});
        panel.content.activeCellIndex = model.cells.length - 1;
        return window.jupyterapp.commands.execute('notebook:run-cell');
    }""", code)
    wait_kernel_idle(page)


def test_no_control_is_narrower_than_its_content(tmp_path):
    notebook(tmp_path)
    with lab_server(tmp_path) as server, browser_page(server) as page:
        open_notebook(page, server, "layout.ipynb")
        run_all_cells(page)
        wait_widgets_rendered(page)
        page.wait_for_selector(".course-quiz-choice", timeout=60_000)
        assert error_outputs(page) == []
        measured = page.evaluate(MEASURE_JS)
        tracks = [m for m in measured if m["kind"] == "slider track"]
        assert len(tracks) >= 16, f"found only {len(tracks)} sliders"
        assert len([m for m in measured if m["kind"] == "dropdown text"]) >= 2
        screenshot(page, "layout-defaults", full_page=False)
        assert_nothing_too_narrow(page, "at the default settings")
        run_cell_below(page, EXTREMES)
        assert error_outputs(page) == []
        page.wait_for_timeout(300)        # readouts and captions follow their traits in the next frame
        assert_nothing_too_narrow(page, "at extreme settings")


def test_the_browser_measures_text_as_the_layout_test_does(tmp_path):
    """figure_layout.js_text_box takes DejaVu Sans widths from matplotlib; Chromium's canvas agrees."""
    samples = [("∂f = −998.2", 11), ("×0.25", 11), ("v\n12", 11), ("w5 = −20", 11), ("y_pred", 11),
               ("Error", 11), ("3·x2²", 11), ("1,728", 11)]
    lines = [(line, size) for text, size in samples for line in text.split("\n")]
    with browser_page() as page:
        page.set_content("<html><body></body></html>")
        got = page.evaluate(WIDTHS_JS, [[line, size * 96 / 72] for line, size in lines])
    for (line, size), browser in zip(lines, got):
        ours = text_width(line, size)
        assert abs(browser - ours) <= max(2.0, 0.03 * ours), f"{line!r}: browser {browser:.1f} px, test {ours:.1f} px"
