"""nbgrader's Execute preprocessor, hardened: sandboxed kernel, output cap, recovery from hung or dead kernels.

nbclient alone interrupts a cell that times out; when the kernel ignores SIGINT (or died, e.g.
os._exit) the rest of the notebook fails. Here such a kernel is restarted, the cell is marked
errored with a clear message, the cells that ran before it are replayed silently, and grading
continues, so later exercises still earn their points.
"""

from __future__ import annotations

import json
from time import monotonic

from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Float, Integer

from .engine_kernel import SandboxKernelManager

RESPONSIVE_SECONDS = 5


def error_output(ename: str, message: str):
    return new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


class SandboxedExecute(Execute):
    max_output_bytes = Integer(1_000_000, help="output a cell may keep; the rest is dropped").tag(config=True)
    notebook_timeout = Float(300, help="seconds for the whole notebook").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = SandboxKernelManager  # kernels only from a zygote
        super().__init__(*args, **kwargs)
        self.issues: list[str] = []  # what went wrong while running this notebook, for the report
        # a kernel's widget state would go into the notebook's metadata, past the output cap
        self.store_widget_state = False

    def preprocess(self, nb, resources=None, km=None):
        self.issues = []
        self._replay: list[str] = []
        self._deadline = monotonic() + self.notebook_timeout
        return super().preprocess(nb, resources, km)

    def _get_timeout(self, cell):
        left = self._deadline - monotonic()
        return max(1, int(min(self.timeout or left, left)))

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, self.resources
        label = _label(cell, index)
        if monotonic() >= self._deadline:
            cell.outputs = [error_output("NotebookTimeLimit", f"not run: the notebook used its {self.notebook_timeout:g} s")]
            self.issues.append(f"{label} not run: the notebook's time limit ({self.notebook_timeout:g} s) was used up")
            return cell, self.resources
        self._cell_bytes, self._truncated = 0, False
        try:
            cell, _ = super().preprocess_cell(cell, resources, index)
        except (DeadKernelError, CellTimeoutError) as exc:
            died = isinstance(exc, DeadKernelError)
            what = "the kernel died (os._exit, a memory or CPU limit)" if died else "the kernel stopped responding"
            cell.outputs.append(error_output("KernelDied" if died else "CellTimeoutError",
                                             f"{what} while running this cell; it was restarted"))
            self.issues.append(f"{label}: {what}; kernel restarted and earlier cells replayed")
            run_sync(self._restart)()
            return cell, self.resources
        if any(o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError" for o in cell.outputs):
            self.issues.append(f"{label} timed out after {self._get_timeout(cell)} s and was interrupted")
            if not run_sync(self._responsive)():
                self.issues.append(f"{label}: the kernel ignored the interrupt; kernel restarted and earlier cells replayed")
                run_sync(self._restart)()
            return cell, self.resources
        if self._truncated:
            self.issues.append(f"{label} printed more than {self.max_output_bytes} bytes; output truncated")
        self._replay.append(cell.source)
        return cell, self.resources

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {}), default=str))
        self._cell_bytes = getattr(self, "_cell_bytes", 0) + size
        if self._cell_bytes > self.max_output_bytes:
            if not getattr(self, "_truncated", False):
                self._truncated = True
                outs.append(new_output("stream", name="stderr",
                                       text=f"\n... output truncated: more than {self.max_output_bytes} bytes ...\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)

    async def _responsive(self) -> bool:
        msg_id = await ensure_async(self.kc.kernel_info())
        deadline = monotonic() + RESPONSIVE_SECONDS
        while monotonic() < deadline:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=max(0.1, deadline - monotonic())))
            except Exception:
                return False
            if msg["parent_header"].get("msg_id") == msg_id:
                return True
        return False

    async def _restart(self) -> None:
        if self.kc is not None:
            await ensure_async(self.kc.stop_channels())
        await ensure_async(self.km.restart_kernel(now=True))
        await self.async_start_new_kernel_client()
        for source in self._replay:
            if monotonic() >= self._deadline:
                break
            msg_id = await ensure_async(self.kc.execute(source, silent=True, store_history=False))
            await self.async_wait_for_reply(msg_id)


def _label(cell, index: int) -> str:
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"cell {grade_id}" if grade_id else f"cell {index + 1}"
