"""Huge outputs: 200 MB printed in 4 MB writes, 50 MB of image/png display data, 20 000 updates
of one display id, and a widget comm whose state carries 4 x 20 MB (widget state is saved in the
notebook's metadata, where no per-cell output cap applies).

Got out: the graded notebook (or its report/feedback) is larger than 20 MB, or the grader stops.
"""
import base64

from IPython.display import display, update_display

chunk = "x" * (4 << 20)
for _ in range(50):
    print(chunk)
display({"image/png": base64.b64encode(b"\0" * (50 << 20)).decode()}, raw=True)
h = display("start", display_id=True)
for i in range(20000):
    update_display(str(i) * 50, display_id=h.display_id)
try:
    from ipykernel.comm import Comm

    big = "y" * (20 << 20)
    Comm(target_name="jupyter.widget", data={"state": {"_model_name": "DOMWidgetModel", "_model_module":
         "@jupyter-widgets/base", "_model_module_version": "2.0.0", "a": big, "b": big, "c": big, "d": big},
         "buffer_paths": []}, metadata={"version": "2.1.0"})
except Exception as exc:
    print("comm", exc)
