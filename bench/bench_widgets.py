"""Control → pixels latency of every scene, against two baselines, in headless Chromium.

    .venv/bin/python bench/bench_widgets.py [--presses N] [--scene NAME ...]

--scene measures only the named scenes (and the no-plot round trip) and writes nothing: for
iterating on one scene; the README's row needs the full run.

End to end: a key press on a slider handle → the animation frame showing the redrawn figure
(JupyterLab + kernel + ipympl / inline image, or the browser alone for a LiveFigure scene;
measured in the page). Kernel side: the Python time for a slider's new value, measured
in-process: for an ipympl scene, up to the PNG diff handed to the comm (it gates the pixels);
for a LiveFigure scene, the caption, table and frame top-up (the pixels do not wait for it).
Also measured: a kernel round trip with no plotting at all (slider → Python → HTML widget).
Prints a table and writes bench/results/widgets.json.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
import jupyter_browser as lab  # noqa: E402
from _meta import finish_meta, run_meta  # noqa: E402

PARABOLA = '''
import numpy as np
from course_lib import descent
GRID = np.linspace(-4.5, 4.5, 241)

def parabola_path(ax, x0):
    trace = descent.gradient_descent_1d(descent.square, descent.square_prime, x0, 0.1, n_iter=10)
    xs = np.array([s.x for s in trace])
    return xs, descent.square(xs)
'''
NAIVE = PARABOLA + '''
import matplotlib.pyplot as plt
from ipywidgets import interact, FloatSlider

def show(x0=3.0):
    fig, ax = plt.subplots()
    xs, ys = parabola_path(ax, x0)
    ax.plot(GRID, GRID**2)
    ax.plot(xs, ys, "o-")
    ax.plot(xs[-1:], ys[-1:], "o", ms=10)
    ax.set_xlabel("x"); ax.set_ylabel("f(x)"); ax.set_title(f"x0 = {x0:.2f}")
    plt.show()

interact(show, x0=FloatSlider(value=3.0, min=-4, max=4, step=0.1));
'''
IPYMPL = PARABOLA + '''
import matplotlib.pyplot as plt
from ipywidgets import FloatSlider, VBox
plt.ioff()
fig, ax = plt.subplots()
ax.plot(GRID, GRID**2)
path, = ax.plot([], [], "o-")
dot, = ax.plot([], [], "o", ms=10)
ax.set_xlabel("x"); ax.set_ylabel("f(x)")
slider = FloatSlider(value=3.0, min=-4, max=4, step=0.1)

def on_change(change=None):
    xs, ys = parabola_path(ax, slider.value)
    path.set_data(xs, ys); dot.set_data(xs[-1:], ys[-1:]); ax.set_title(f"x0 = {slider.value:.2f}")
    fig.canvas.draw_idle()

slider.observe(on_change, "value"); on_change()
VBox([slider, fig.canvas])
'''
ECHO = '''
import ipywidgets as w
slider = w.FloatSlider(value=3.0, min=-4, max=4, step=0.1)
echo = w.HTML("3.00")
echo.add_class("bench-echo")
slider.observe(lambda change: setattr(echo, "value", f"{change.new:.2f}"), "value")
w.VBox([slider, echo])
'''
SCENES = {  # scene name → (cell code, the control the bench moves); in notebook order
    "descent_explorer": ("descent_explorer()", "start"),
    "two_valley_explorer": ("two_valley_explorer()", "start"),
    "bowl_explorer": ("bowl_explorer()", "start_x1"),
    "chain_graph_explorer": ("chain_graph_explorer()", "x1"),
    "network_explorer": ("network_explorer()", "weight_sliders['w1']"),
    "batch_comparison": ("batch_comparison()", "lr"),
    "activation_explorer": ("activation_explorer()", "factor"),
}


def notebook(first: str, *sources) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(first), *(nbformat.v4.new_code_cell(s) for s in sources)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


LIVE_READY_JS = """(index) => {
  const area = document.querySelectorAll(AREAS)[index];
  const live = [...area.querySelectorAll('.course-live-figure canvas')];
  return live.every((c) => c.dataset.frame) ? live.map((c) => c.dataset.backgrounds || '0').join(',') : null;
}""".replace("AREAS", repr(lab.AREAS))


def wait_live_ready(page, index: int, quiet_s: float = 3.0, timeout_s: float = 600.0) -> None:
    """A browser-drawn scene is measured once it drew a kernel frame and no background arrived
    for quiet_s: the kernel's first top-up is over (it would compete for the 2 cores)."""
    deadline, last, since = time.monotonic() + timeout_s, None, time.monotonic()
    while time.monotonic() < deadline:
        state = page.evaluate(LIVE_READY_JS, index)
        if state != last:
            last, since = state, time.monotonic()
        elif state is not None and time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.2)
    raise TimeoutError(f"output {index}: the live figure was not ready within {timeout_s:.0f} s")


def browser_figures(presses: int, scenes=SCENES, baselines: bool = True) -> dict:
    notebooks = {
        "kernel_round_trip_no_plot": notebook("pass", ECHO),
        **({"naive_interact_inline": notebook("%matplotlib inline", NAIVE),
            "ipympl_set_data_default": notebook("%matplotlib widget", IPYMPL)} if baselines else {}),
        "course_scenes": notebook("from course_lib.view.widgets import *",
                                  *(code for code, _ in scenes.values())),
    }
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-widgets-") as tmp:
        for name, nb in notebooks.items():
            nbformat.write(nb, Path(tmp) / f"{name}.ipynb")
        with lab.lab_server(tmp) as server, lab.browser_page(server) as page:
            lab.install_probe(page)
            for name in notebooks:
                lab.open_notebook(page, server, f"{name}.ipynb")
                lab.run_all_cells(page)
                page.wait_for_timeout(1500)
                errors = lab.error_outputs(page)
                if errors:
                    raise RuntimeError(f"{name}: error output in the bench notebook: {errors}")
                lab.screenshot(page, f"bench-{name}", full_page=False)
                labels = list(scenes) if name == "course_scenes" else [name]
                for index, label in enumerate(labels):
                    wait_live_ready(page, index)
                    results[label] = lab.measure_key_latency(page, index, presses=presses)
                    print(f"  {label:28s} end to end median {results[label]['median_ms']:6.1f} ms", flush=True)
                server.shutdown_kernels()  # one kernel at a time on this 2-core machine
    return results


def kernel_figures(repeats: int, scenes=SCENES) -> dict:
    """Python time per control change, with the live-front-end path switched on."""
    from course_lib.view import widgets as builders

    out = {}
    for label, (code, control) in scenes.items():
        start = time.perf_counter()
        scene = eval(code, vars(builders))  # noqa: S307 - our own table of builder calls
        build_ms = (time.perf_counter() - start) * 1000
        if scene.live is not None:                      # a browser view said hello
            sent = {}
            scene.live.send = lambda content, buffers=None: sent.setdefault(content["type"], time.perf_counter())
            start = time.perf_counter()
            scene.live._on_message(scene.live, {"type": "hello"}, [])
            scene.live.wait_idle(600)
            first_ms = (time.perf_counter() - start) * 1000
            interactive_ms = (sent["frames"] - start) * 1000     # the sliders move without the kernel
        else:
            scene.fig.canvas.syncing_data_url = False  # what ipympl does once a view is live
        scene.fig.canvas.draw()
        slider = eval(f"scene.{control}", {"scene": scene})  # noqa: S307
        values = [slider.value, slider.value + slider.step] if hasattr(slider, "step") else []
        if control == "lr":  # FloatLogSlider: step is in exponent units
            values = [slider.value, slider.value * 10 ** slider.step]
        times, top_ups = [], []
        for i in range(repeats):
            start = time.perf_counter()
            slider.value = values[(i + 1) % 2] if values else slider.value
            times.append((time.perf_counter() - start) * 1000)
            if scene.live is not None:      # the frames for the next move, on the worker thread
                start = time.perf_counter()
                scene.live.wait_idle()
                top_ups.append((time.perf_counter() - start) * 1000)
        out[label] = {"median_ms": statistics.median(times), "min_ms": min(times),
                      "path": "browser (LiveFigure)" if scene.live is not None else "kernel (ipympl)"}
        if top_ups:     # after the first move both settings' crosses are there: time a far jump
            start = time.perf_counter()
            slider.value = slider.min
            scene.live.wait_idle()
            out[label].update(build_ms=build_ms, interactive_ms=interactive_ms, first_frames_ms=first_ms,
                              new_cross_ms=(time.perf_counter() - start) * 1000, frames_sent=scene.live.frames_sent)
        extra = (f"; built {build_ms:.0f} ms, frames out {interactive_ms:.0f} ms, all first frames and backgrounds "
                 f"{first_ms:.0f} ms, a new cross {out[label]['new_cross_ms']:.0f} ms" if top_ups else "")
        print(f"  {label:28s} kernel side median {out[label]['median_ms']:6.1f} ms{extra}", flush=True)
    return out


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=15, help="key presses per widget (default 15)")
    parser.add_argument("--repeats", type=int, default=15, help="kernel-side updates per widget")
    parser.add_argument("--scene", action="append", choices=list(SCENES),
                        help="measure only this scene (repeatable); writes no results file")
    args = parser.parse_args(argv)
    scenes = {name: SCENES[name] for name in args.scene} if args.scene else SCENES
    meta = run_meta()
    print("kernel side (in-process, ipympl live path):")
    kernel = kernel_figures(args.repeats, scenes)
    print("end to end (headless Chromium, key press on the slider → frame with the new figure):")
    browser = browser_figures(args.presses, scenes, baselines=not args.scene)
    report = {"meta": finish_meta(meta), "goal_ms": 40, "end_to_end": browser, "kernel_side": kernel}
    out = REPO / "bench" / "results" / "widgets.json"
    if args.scene:
        print(f"load average before {meta['load_1_5_15_before']}, after {report['meta']['load_1_5_15_after']}")
    else:
        out.write_text(json.dumps(report, indent=2))
    print(f"\n{'widget':28s} {'end-to-end median':>18s} {'kernel median':>14s} {'flicker':>8s}")
    for label, figures in browser.items():
        k = kernel.get(label, {}).get("median_ms")
        print(f"{label:28s} {figures['median_ms']:15.1f} ms {'' if k is None else f'{k:11.1f} ms':>14s} "
              f"{figures['flicker_presses']:>5d}/{len(figures['samples_ms'])}")
    if not args.scene:
        print(f"written to {out.relative_to(REPO)}")
    return report


if __name__ == "__main__":
    main()
