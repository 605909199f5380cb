"""Running a notebook for grading: nbgrader's ``Execute`` with the grader's additions.

``GradedExecute`` is nbgrader's Execute preprocessor (which is nbconvert's, which is nbclient's
``NotebookClient``) with

- its kernels started by a configurable kernel manager class, by default
  ``grader.sandbox.SandboxedKernelManager`` (bubblewrap and OS limits); ``sandbox = False`` uses
  jupyter_client's plain ``AsyncKernelManager``;
- a time budget for the whole notebook besides nbgrader's per-cell timeout: a cell that ignores
  the interrupt sent at its timeout keeps the kernel busy, so every later cell would wait a full
  timeout too; once ``notebook_timeout`` seconds are used up each remaining cell gets one second;
- a cap on the output one cell may collect while it runs (``max_output_chars``); nbgrader's
  LimitOutput trims the rest after the run.
"""
import time

from jupyter_client.manager import AsyncKernelManager, KernelManager
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, Type

from .sandbox import SandboxedKernelManager

DEFAULTS = {
    "timeout": 60,            # seconds one cell may run before it is interrupted
    "notebook_timeout": 900,  # seconds all cells of one notebook may run together
    "max_lines": 1000,        # lines of stdout/stderr kept per cell (nbgrader LimitOutput)
    "max_output_chars": 2_000_000,  # characters one cell may collect while it runs
}


class GradedExecute(Execute):
    """nbgrader's Execute in a sandbox, with a whole-notebook time budget and an output cap per cell."""

    notebook_timeout = Integer(DEFAULTS["notebook_timeout"],
                               help="Seconds all cells of one notebook may run together").tag(config=True)
    max_output_chars = Integer(DEFAULTS["max_output_chars"],
                               help="Characters of output one cell may collect").tag(config=True)
    sandbox = Bool(True, help="Start every kernel with sandbox_manager (False: unsandboxed)").tag(config=True)
    sandbox_manager = Type(SandboxedKernelManager, klass=KernelManager,
                           help="The kernel manager class that starts sandboxed kernels").tag(config=True)

    def create_kernel_manager(self):
        self.kernel_manager_class = self.sandbox_manager if self.sandbox else AsyncKernelManager
        return super().create_kernel_manager()

    def preprocess(self, nb, resources=None, km=None):
        deadline = []  # set when the first cell asks, so kernel start-up is not counted
        self._output_chars = {}
        self._started = False

        def cell_timeout(cell):
            if not deadline:
                deadline.append(time.monotonic() + self.notebook_timeout)
            left = int(deadline[0] - time.monotonic())
            if left <= 0:
                self.log.warning("Notebook time budget of %d s used up", self.notebook_timeout)
            return max(1, min(self.timeout, left))

        self.timeout_func = cell_timeout
        return super().preprocess(nb, resources, km=km)

    def preprocess_cell(self, cell, resources, index):
        if not self._started:
            self._started = True
            if hasattr(self.km, "seal"):
                self.km.seal()
                self.log.info("%s", self.km.limits_text())
        return super().preprocess_cell(cell, resources, index)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + len(str(content.get("data", "")))
        used = self._output_chars.get(cell_index, 0)
        self._output_chars[cell_index] = used + size
        left = self.max_output_chars - used
        if size <= left:
            return super().output(outs, msg, display_id, cell_index)
        if left > 0:
            cell = self.nb.cells[cell_index]
            name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{cell_index}"
            self.log.warning("Output of cell %s cut at %d characters", name, self.max_output_chars)
            if msg.get("msg_type") == "stream":
                text = content["text"][:left] + "\n... output cut by the grader ...\n"
                msg = {**msg, "content": {**content, "text": text}}
                return super().output(outs, msg, display_id, cell_index)
        return None
