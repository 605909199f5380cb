"""nbgrader configuration for the course, built in Python.

The work folder is nbgrader's course root: ``source/`` (a copy of ``solutions/``), ``release/``
(scratch), ``submitted/``, ``autograded/``, ``feedback/`` and ``gradebook.db`` all live in it, with
nbgrader's default names, so plain ``nbgrader`` commands run inside it also work.

Four small additions to nbgrader, all subclasses of its own classes:

- ``RestoreCells`` is nbgrader's ``OverwriteCells``, which puts back deleted test cells, made to
  cope with a test cell whose neighbour above was deleted too (nbgrader fails with a KeyError).
- ``BudgetedExecute`` is nbgrader's ``Execute`` with a time budget for the whole notebook besides
  the per-cell timeout, and a cap on the output a single cell may collect while it runs.
- ``NoPartialCredit`` turns a value shown as the result of a test cell into a plain display, so
  nbgrader does not read it as partial credit (the course's tests pass or fail as a whole).
- ``ShortTestTracebacks`` cuts error tracebacks in test cells to their last line in the feedback,
  because IPython's traceback quotes the lines around the failing check, hidden tests included.
"""
import time

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader import utils as nbgrader_utils
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    ClearOutput,
    DeduplicateIds,
    Execute,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from traitlets import Integer
from traitlets.config import Config

# Anything a warning writes to stderr: Python's "<file>:<line>: SomeWarning: ..." and torch's
# C++ "[W1123 08:00:00.000000000 file.cpp:12] Warning: ..." lines.
WARNING_PATTERN = r"(?m)Warning\b|^\[W\d"

DEFAULTS = {
    "timeout": 60,            # seconds one cell may run before it is interrupted
    "notebook_timeout": 900,  # seconds all cells of one notebook may run together
    "max_lines": 1000,        # lines of stdout/stderr kept per cell (nbgrader LimitOutput)
    "max_output_chars": 2_000_000,  # characters one cell may collect while it runs
}


class RestoreCells(OverwriteCells):
    """nbgrader's OverwriteCells; a deleted test cell also comes back when the cell above it went too.

    nbgrader inserts a missing test cell after the cell that precedes it in the source notebook,
    and raises a KeyError when that cell is missing as well or is a locked cell that is not graded.
    Then each missing test cell goes after the nearest earlier source cell still present.
    """

    def add_missing_grade_cells(self, nb, resources):
        try:
            return super().add_missing_grade_cells(nb, resources)
        except KeyError:
            pass
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        sources = {c.name: c for c in source_nb.source_cells}
        order = [c.name for c in source_nb.source_cells]
        grade_cells = {c.name: c for c in source_nb.grade_cells}
        solutions = {c.name for c in source_nb.solution_cells}
        for name in [n for n in order if n in grade_cells]:
            present = {c.metadata.get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(nb.cells)}
            if name in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", name)
            before = [present[n] for n in order[:order.index(name)] if n in present]
            cell = self.missing_cell_transform(sources[name], grade_cells[name].max_score,
                                               is_solution=name in solutions)
            nb.cells.insert(max(before) + 1 if before else 0, cell)
        return nb, resources


class BudgetedExecute(Execute):
    """nbgrader's Execute, plus a whole-notebook time budget and an output cap per cell.

    A cell that ignores the interrupt sent at its timeout keeps the kernel busy, so every later
    cell would wait a full timeout too; the budget makes them give up after a second each once the
    notebook has used ``notebook_timeout`` seconds. Output past ``max_output_chars`` in one cell is
    dropped as it arrives (nbgrader's LimitOutput trims the rest after the run).
    """

    notebook_timeout = Integer(DEFAULTS["notebook_timeout"],
                               help="Seconds all cells of one notebook may run together").tag(config=True)
    max_output_chars = Integer(DEFAULTS["max_output_chars"],
                               help="Characters of output one cell may collect").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        deadline = []  # set when the first cell asks, so kernel start-up is not counted
        self._output_chars = {}

        def cell_timeout(cell):
            if not deadline:
                deadline.append(time.monotonic() + self.notebook_timeout)
            left = int(deadline[0] - time.monotonic())
            if left <= 0:
                self.log.warning("Notebook time budget of %d s used up", self.notebook_timeout)
            return max(1, min(self.timeout, left))

        self.timeout_func = cell_timeout
        return super().preprocess(nb, resources, km=km)

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


class NoPartialCredit(NbGraderPreprocessor):
    """Show a test cell's result as a display, not an ``execute_result``.

    nbgrader takes a number shown as a test cell's result as its score (and fails the whole
    submission when it is above the cell's points), so a test ending in ``expect_scalar(...)``
    would score the checked value. The value stays visible in the feedback.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and nbgrader_utils.is_grade(cell) and not nbgrader_utils.is_solution(cell):
            for output in cell.get("outputs", []):
                if output.output_type == "execute_result":
                    output.output_type = "display_data"
                    output.pop("execution_count", None)
        return cell, resources


class ShortTestTracebacks(NbGraderPreprocessor):
    """Keep only the last traceback line (the error and its message) in locked test cells."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and nbgrader_utils.is_grade(cell) and not nbgrader_utils.is_solution(cell):
            for output in cell.get("outputs", []):
                if output.output_type == "error" and output.traceback:
                    output.traceback = output.traceback[-1:]
        return cell, resources


def db_url(work):
    """The gradebook's URL; with parallel grading, a writer waits up to 60 s for SQLite's lock."""
    return f"sqlite:///{work}/gradebook.db?timeout=60"


def nbgrader_config(work, timeout=None, notebook_timeout=None, max_lines=None, max_output_chars=None):
    """The traitlets Config for a course rooted at the work folder ``work``."""
    pick = lambda value, key: DEFAULTS[key] if value is None else value  # noqa: E731
    c = Config()
    c.CourseDirectory.root = str(work)
    c.CourseDirectory.db_url = db_url(work)
    c.CourseDirectory.source_directory = "source"
    c.CourseDirectory.release_directory = "release"
    # Exchange folder inside the work folder: the API lists it at start-up; nothing is exchanged.
    c.Exchange.root = str(work / "exchange")

    c.Execute.timeout = pick(timeout, "timeout")
    c.Execute.interrupt_on_timeout = True
    c.Execute.startup_timeout = 120
    # The kernel's own start-up notices go to the grader's console, not into the notebook.
    c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]
    c.BudgetedExecute.notebook_timeout = pick(notebook_timeout, "notebook_timeout")
    c.BudgetedExecute.max_output_chars = pick(max_output_chars, "max_output_chars")
    c.LimitOutput.max_lines = pick(max_lines, "max_lines")
    c.LimitOutput.max_traceback = 100
    c.IgnorePattern.enabled = True
    c.IgnorePattern.pattern = WARNING_PATTERN
    c.OverwriteCells.add_missing_cells = True
    c.Autograde.sanitize_preprocessors = [
        ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreCells, CheckCellMetadata,
    ]
    c.Autograde.autograde_preprocessors = [
        BudgetedExecute, IgnorePattern, NoPartialCredit, ClearMetadataPreprocessor, LimitOutput,
        SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
    ]
    c.GenerateFeedback.preprocessors = [
        GetGrades, ClearHiddenTests, ShortTestTracebacks, CSSHTMLHeaderPreprocessor,
    ]
    return c
