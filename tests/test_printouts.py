"""A printed result names the run it describes, so it stays true when a widget trains further.

Notebook 07 printed "test accuracy after 15 epochs: 94.4 %" under a trainer whose button had
since trained it to 30 epochs and 96.4 %. Here the notebook's own training cell runs, the button's
work follows, and the printed line must still describe a run the trainer can name."""
import os
import re
from unittest import mock

import nbformat
from nbclient import NotebookClient

from autograder import course_dir


def test_the_training_cell_of_07_prints_a_line_that_stays_true():
    source = nbformat.read(course_dir.SOLUTIONS_DIR / "07_scaling_up.ipynb", as_version=4)
    setup = source.cells[1].source
    [training] = [c.source for c in source.cells if c.cell_type == "code" and "mlp_trainer(" in c.source]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(setup.replace("%matplotlib widget", "")),
                nbformat.v4.new_code_cell(training),
                nbformat.v4.new_code_cell("trainer.train(1)  # what the train button does\n"
                                          "print(trainer.result(1))\nprint(trainer.result())")]
    with mock.patch.dict(os.environ, {"NBGRADER_EXECUTION": "autograde"}):   # two epochs, not fifteen
        NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    printed = [o["text"].strip() for o in nb.cells[1].outputs if o.get("name") == "stdout"]
    assert len(printed) == 1
    first, again, latest = printed[0], *nb.cells[2].outputs[0]["text"].strip().splitlines()
    assert re.match(r"run 1 \(hidden \(32,\), batch 32, η = 0\.1, seed 0\), epochs 1–2: test accuracy "
                    r"\d+\.\d% after epoch 2", first), first
    assert again == first                                # the line printed before still names its run
    assert latest.startswith("run 2 (") and "), epoch 3: test accuracy" in latest
