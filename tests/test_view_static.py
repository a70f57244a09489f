"""Without a kernel (nbconvert, nbviewer, GitHub) each scene cell still carries its figure as a PNG:
in the output bundle next to the widget view, and in the saved widget state of its canvas
(ipympl's canvas, or the LiveFigure a browser-drawn scene shows instead)."""
import base64
import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from course_lib.view.widgets import *"),
                nbformat.v4.new_code_cell("descent_explorer()"),
                nbformat.v4.new_code_cell("s = network_explorer()\ndisplay(s)"),
                nbformat.v4.new_code_cell("s.update(w5=-5.0)")]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return nb


def pngs_in_outputs(cell):
    bundles = [o["data"] for o in cell.outputs if "data" in o]
    assert any("application/vnd.jupyter.widget-view+json" in b for b in bundles)
    return [base64.b64decode(b["image/png"]) for b in bundles if "image/png" in b]


def canvas_images(nb):
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return [m["state"]["_data_url"] for m in state.values()
            if m["model_name"] in ("MPLCanvasModel", "AnyModel") and m["state"].get("_data_url")]


def test_each_scene_output_carries_a_png_next_to_the_widget_view(executed):
    for cell in executed.cells[1:3]:
        pngs = pngs_in_outputs(cell)
        assert len(pngs) == 1 and pngs[0].startswith(b"\x89PNG")


def test_saved_widget_state_holds_the_current_figures(executed):
    images = canvas_images(executed)
    assert len(images) == 2 and all(i.startswith("data:image/png;base64,iVBOR") for i in images)
    # the network figure was updated after display: the saved image is the updated one
    displayed = base64.b64encode(pngs_in_outputs(executed.cells[2])[0]).decode()
    assert not any(i.endswith(displayed) for i in images[1:])


def test_html_export_embeds_state_with_the_images(executed):
    body, _ = HTMLExporter().from_notebook_node(executed)
    assert body.count("application/vnd.jupyter.widget-view+json") >= 2
    chunk = canvas_images(executed)[0][300:360]
    assert chunk in body or chunk.replace("/", "\\/") in body
