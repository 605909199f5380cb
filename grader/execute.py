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
  LimitOutput trims the rest after the run;
- a kernel that dies (a crash, ``os._exit()``, the memory or CPU limit) or that ignores the
  interrupt at its timeout costs only the cells from there on: the cell gets an error saying
  what happened, every later code cell an error saying it did not run, and nbgrader scores the
  notebook as usual, so the cells that ran before keep their points;
- the limits a cell ran into (memory, processes, disk, CPU, time, output) logged as warnings,
  one per cell and limit, in a form ``grader.grading.outcome`` reads back
  (``LIMIT_LOG`` and ``DEATH_LOG``);
- the integrity guard (grader/guard.py): after every code cell it asks the kernel what changed
  of what the tests depend on (it is put back), logs it (``INTEGRITY_LOG``), and fails a test
  cell during which the code under test changed it.
"""
import os
import re
import signal
import time

from jupyter_client.manager import AsyncKernelManager, KernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Dict, Integer, Type, Unicode

from .guard import Guard
from .sandbox import SandboxedKernelManager

DEFAULTS = {
    "timeout": 60,            # seconds one cell may run before it is interrupted
    "notebook_timeout": 900,  # seconds all cells of one notebook may run together
    "max_lines": 1000,        # lines of stdout/stderr kept per cell (nbgrader LimitOutput)
    "max_output_chars": 2_000_000,  # characters one cell may collect while it runs
}
# How the limits show in nbgrader's log (the grader reads them back for the CSV)
LIMIT_LOG = "Limit reached in cell %s (%s): %s"
DEATH_LOG = "Kernel stopped in cell %s (%s): %s"
INTEGRITY_LOG = "Integrity: cell %s %s"
# errors a limit raises inside the kernel: (limit, pattern on "ename: evalue")
LIMIT_ERRORS = [
    ("memory", re.compile(r"^(MemoryError|_ArrayMemoryError|OutOfMemoryError)\b|can't allocate memory|"
                          r"Cannot allocate memory|\[Errno 12\]", re.I)),
    ("disk", re.compile(r"\[Errno (27|28|122)\]|No space left on device|File too large|Disk quota", re.I)),
    ("processes", re.compile(r"^BlockingIOError: \[Errno 11\]|can't start new thread|Resource temporarily "
                             r"unavailable", re.I)),
]


def cell_name(cell, index):
    return cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{index}"


def error_output(ename, evalue):
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class GradedExecute(Execute):
    """nbgrader's Execute in a sandbox, with a whole-notebook time budget and an output cap per cell."""

    notebook_timeout = Integer(DEFAULTS["notebook_timeout"],
                               help="Seconds all cells of one notebook may run together").tag(config=True)
    max_output_chars = Integer(DEFAULTS["max_output_chars"],
                               help="Characters of output one cell may collect").tag(config=True)
    sandbox = Bool(True, help="Start every kernel with sandbox_manager (False: unsandboxed)").tag(config=True)
    sandbox_manager = Type(SandboxedKernelManager, klass=KernelManager,
                           help="The kernel manager class that starts sandboxed kernels").tag(config=True)
    guard = Bool(True, help="Check after every cell that the tests' helpers are intact (grader/guard.py)"
                 ).tag(config=True)
    kernel_env = Dict(value_trait=Unicode(), help="Variables every kernel gets on top of this process's "
                      "environment (which is left alone)").tag(config=True)

    async def async_start_new_kernel(self, **kwargs):
        if self.kernel_env:
            kwargs["env"] = {**os.environ, **kwargs.get("env", {}), **self.kernel_env}
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    def create_kernel_manager(self):
        self.kernel_manager_class = self.sandbox_manager if self.sandbox else AsyncKernelManager
        return super().create_kernel_manager()

    def preprocess(self, nb, resources=None, km=None):
        deadline = []  # set when the first cell asks, so kernel start-up is not counted
        self._output_chars = {}
        self._started = False
        self._stopped = None  # (cell name, why) once the kernel died or was stopped
        self._events = {"oom_kill": 0, "pids_max": 0}
        self._guard = Guard(resources, self.log) if self.guard else None

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
                self._events = self.km.limit_events()
            if self._guard:
                allowed = self.km.readable() if hasattr(self.km, "readable") else \
                    [self.resources.get("metadata", {}).get("path") or ".", "/tmp"]
                self._guard.install(self.kc, allowed, timeout=max(self.startup_timeout, 60))
        if cell.cell_type != "code" or not cell.source.strip():
            return super().preprocess_cell(cell, resources, index)
        name = cell_name(cell, index)
        if self._stopped:
            cell.outputs = [error_output("NotRun", f"not run: the kernel stopped in cell {self._stopped}")]
            return cell, self.resources
        try:
            result = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            status, why = self.why_it_died()
            self.stop(cell, name, status, f"the kernel died: {why}")
            return cell, self.resources
        except CellTimeoutError:
            # the cell ignored the interrupt sent at its timeout: the kernel is busy for good
            run_sync(self.km._async_kill_kernel)()
            self.stop(cell, name, "timeout", "the cell ran over its time limit and ignored the interrupt, "
                                             "so the kernel was stopped")
            return cell, self.resources
        self.check_limits(cell, name)
        if self._guard:
            self.check_integrity(cell, name)
        return result

    def check_integrity(self, cell, name):
        try:
            notes, void = self._guard.after(self.kc, cell, name, timeout=max(10, min(30, self.timeout or 30)))
        except TimeoutError:
            run_sync(self.km._async_kill_kernel)()
            self.stop(cell, name, "error", "the kernel stopped answering after this cell, so it was stopped")
            return
        if self._guard.printed_hidden(cell):
            notes.append("printed code of the hidden tests")
        for note in notes:
            self.log.warning(INTEGRITY_LOG, name, note)
        if void:
            cell.outputs.append(error_output("IntegrityError", f"this test does not count: {void}"))
            self.log.warning(INTEGRITY_LOG, name, f"(a test) does not count: {void}")

    def stop(self, cell, name, status, why):
        self._stopped = name
        cell.outputs.append(error_output("KernelStopped", why))
        self.log.warning(DEATH_LOG, name, status, why)

    def events(self):
        """The sandbox's counts of limits hit since the last call: ``{"oom_kill": n, "pids_max": n}``."""
        if not hasattr(self.km, "limit_events"):
            return {"oom_kill": 0, "pids_max": 0}
        now = self.km.limit_events()
        new = {k: now.get(k, 0) - self._events.get(k, 0) for k in ("oom_kill", "pids_max")}
        self._events = now
        return new

    def why_it_died(self):
        """``(status, reason)`` for a kernel that died, from the sandbox's cgroups and its exit code."""
        new = self.events()
        if new["oom_kill"]:
            return "memory", f"out of memory (the sandbox's limit is {self.limit('memory')} MB)"
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        code = process.poll() if process is not None else None
        # bwrap exits with 128 + the signal that killed the kernel; Popen gives -signal
        sig = -code if code is not None and code < 0 else code - 128 if code is not None and code > 128 else None
        if sig == signal.SIGXCPU:
            return "cpu", f"it used up its CPU time ({self.limit('cpu')} s)"
        if sig == signal.SIGKILL:
            return "error", "it was killed (SIGKILL; out of memory?)"
        if sig:
            return "error", f"{signal.Signals(sig).name}, a crash" if sig in (signal.SIGSEGV, signal.SIGBUS,
                                                                                signal.SIGABRT, signal.SIGILL) \
                else f"killed by {signal.Signals(sig).name}"
        return "error", f"exit code {code} (os._exit(), a crash or out of memory)" if code is not None \
            else "it stopped answering"

    def limit(self, name):
        return getattr(self.km, name, "?")

    def check_limits(self, cell, name):
        """Log the limits the cell ran into; after a fork bomb, kill the processes it left."""
        hit = {}
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                text = f"{output.get('ename')}: {output.get('evalue')}"
                for limit, pattern in LIMIT_ERRORS:
                    if pattern.search(text):
                        hit.setdefault(limit, text[:200])
                        break
        new = self.events()
        if new["oom_kill"]:
            hit.setdefault("memory", f"{new['oom_kill']} process(es) of the sandbox killed out of memory")
        if new["pids_max"]:
            if hasattr(self.km, "release_processes"):
                self.km.release_processes()
            hit["processes"] = (f"the limit of {self.limit('processes')} processes and threads was reached; "
                                "the processes the cell started were killed")
        for limit, detail in hit.items():
            self.log.warning(LIMIT_LOG, name, limit, detail)

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
