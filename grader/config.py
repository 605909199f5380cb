"""nbgrader configuration for the course, built in Python.

The work folder is nbgrader's course root: ``source/`` (a copy of ``solutions/``), ``release/``
(scratch), ``submitted/``, ``autograded/``, ``feedback/`` and ``gradebook.db`` all live in it, with
nbgrader's default names, so plain ``nbgrader`` commands run inside it also work. (The gradebook may
be in a database server instead, see grader/gradebook.py.)

Additions to nbgrader, all subclasses of its own classes:

- ``GradedExecute`` (grader/execute.py) is nbgrader's ``Execute`` with every kernel in a sandbox
  (grader/sandbox.py), a time budget for the whole notebook besides the per-cell timeout, and a
  cap on the output a single cell may collect while it runs.
- ``RestoreCells`` is nbgrader's ``OverwriteCells``, which puts back deleted test cells, made to
  cope with a test cell whose neighbour above was deleted too (nbgrader fails with a KeyError).
- ``NoPartialCredit`` turns a value shown as the result of a test cell into a plain display, so
  nbgrader does not read it as partial credit (the course's tests pass or fail as a whole).
- ``ShortTestTracebacks`` cuts error tracebacks in test cells to their last line in the feedback,
  because IPython's traceback quotes the lines around the failing check, hidden tests included.
- ``ScrubHiddenTests`` removes lines of the hidden tests from every output in the feedback (student
  code can print the code of the test that calls it).

``plain_nbgrader_config`` is the same Config for plain ``nbgrader`` commands and the formgrader:
the repository's ``nbgrader_config.py`` and the one ``python -m grader`` writes into each work
folder (``config_file_text``) are made from it, so ``nbgrader autograde`` grades as the grader does.
"""
import os
import pathlib

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader import utils as nbgrader_utils
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from traitlets.config import Config

from . import gradebook
from .execute import DEFAULTS as EXECUTE_DEFAULTS
from .execute import GradedExecute
from .sandbox import LIMITS
from .session import REPO, kernel_env, put_env_on_path

# Anything a warning writes to stderr: Python's "<file>:<line>: SomeWarning: ..." and torch's
# C++ "[W1123 08:00:00.000000000 file.cpp:12] Warning: ..." lines.
WARNING_PATTERN = r"(?m)Warning\b|^\[W\d"

DEFAULTS = {**EXECUTE_DEFAULTS, **LIMITS}


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


class ScrubHiddenTests(NbGraderPreprocessor):
    """Remove the hidden tests' lines from every output in the feedback.

    Student code can read the code that calls it (IPython keeps each cell's code for its
    tracebacks) and print it, hidden tests included; nbgrader's ClearHiddenTests removes them
    from the source only. The lines are replaced by ``[hidden test]``.
    """

    def preprocess(self, nb, resources):
        from .guard import hidden_lines

        sources = [c.source for c in nb.cells if c.cell_type == "code"]
        self.lines = sorted(hidden_lines(sources), key=len, reverse=True)
        return super().preprocess(nb, resources)

    def scrub(self, text):
        for line in self.lines:
            text = text.replace(line, "[hidden test]")
        return text

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and self.lines:
            for output in cell.get("outputs", []):
                if "text" in output:
                    output.text = self.scrub(output.text)
                for key, value in output.get("data", {}).items():
                    if isinstance(value, str):
                        output.data[key] = self.scrub(value)
                if output.get("output_type") == "error":
                    output.evalue = self.scrub(output.evalue)
                    output.traceback = [self.scrub(line) for line in output.traceback]
        return cell, resources


class ClearHiddenTestsOfTests(ClearHiddenTests):
    """nbgrader's ClearHiddenTests for the test cells only.

    nbgrader looks for the hidden-test markers in every cell and fails the student's whole
    feedback when an answer cell holds one without the other (a string that mentions them is
    enough); answers hold no hidden tests, so they are left alone.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if nbgrader_utils.is_grade(cell) and not nbgrader_utils.is_solution(cell):
            return super().preprocess_cell(cell, resources, cell_index)
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
    """The work folder's gradebook: the database URL ``--db`` stored in it (grader/gradebook.py), else
    SQLite's ``gradebook.db``, whose writers wait up to 60 s for its lock with parallel grading."""
    return gradebook.stored_url(work) or gradebook.sqlite_url(work)


def nbgrader_config(work, timeout=None, notebook_timeout=None, max_lines=None, max_output_chars=None,
                    sandbox=True, memory=None, processes=None, disk=None, cpu=None, hidden=(), guard=True, db=None):
    """The traitlets Config for a course rooted at the work folder ``work``.

    ``sandbox``: run every kernel in the sandbox (grader/sandbox.py) with the limits ``memory``
    (MB), ``processes``, ``disk`` (MB) and ``cpu`` (seconds); ``hidden``: folders the kernel
    must not see besides the work folder (the checkout, the solutions); ``guard``: the integrity
    guard (grader/guard.py), off only to show what it stops; ``db``: the gradebook's URL (default
    ``db_url(work)``).
    """
    pick = lambda value, key: DEFAULTS[key] if value is None else value  # noqa: E731
    work = pathlib.Path(work)
    c = Config()
    c.CourseDirectory.root = str(work)
    c.CourseDirectory.db_url = db or db_url(work)
    if not gradebook.is_sqlite(c.CourseDirectory.db_url):
        # nbgrader's course_id is empty by default, and its assignments then name a course that is not
        # in the gradebook: SQLite does not check that, PostgreSQL refuses them. "default_course" is
        # the course nbgrader's Gradebook creates when it opens.
        c.CourseDirectory.course_id = "default_course"
    c.CourseDirectory.source_directory = "source"
    c.CourseDirectory.release_directory = "release"
    # Exchange folder inside the work folder: the API lists it at start-up; nothing is exchanged.
    c.Exchange.root = str(work / "exchange")

    c.Execute.timeout = pick(timeout, "timeout")
    c.Execute.interrupt_on_timeout = True
    c.Execute.startup_timeout = 120
    # The kernel's own start-up notices go to the grader's console, not into the notebook.
    c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]
    c.GradedExecute.notebook_timeout = pick(notebook_timeout, "notebook_timeout")
    c.GradedExecute.max_output_chars = pick(max_output_chars, "max_output_chars")
    c.GradedExecute.sandbox = bool(sandbox)
    c.GradedExecute.guard = bool(guard)
    c.SandboxedKernelManager.hidden = sorted({str(work), *map(str, hidden)})
    chosen = {"memory": memory, "processes": processes, "disk": disk, "cpu": cpu}
    for key, value in chosen.items():
        setattr(c.SandboxedKernelManager, key, pick(value, key))
    c.LimitOutput.max_lines = pick(max_lines, "max_lines")
    c.LimitOutput.max_traceback = 100
    c.IgnorePattern.enabled = True
    c.IgnorePattern.pattern = WARNING_PATTERN
    c.OverwriteCells.add_missing_cells = True
    c.Autograde.sanitize_preprocessors = [
        ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreCells, CheckCellMetadata,
    ]
    c.Autograde.autograde_preprocessors = [
        GradedExecute, IgnorePattern, NoPartialCredit, ClearMetadataPreprocessor, LimitOutput,
        SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
    ]
    c.GenerateFeedback.preprocessors = [
        GetGrades, ScrubHiddenTests, ClearHiddenTestsOfTests, ShortTestTracebacks, CSSHTMLHeaderPreprocessor,
    ]
    return c


def plain_nbgrader_config(work, hidden=(), **settings):
    """``nbgrader_config`` for plain ``nbgrader`` commands run on the work folder ``work``.

    The kernels get the environment ``python -m grader`` gives them (offline data, the checkout
    importable) through ``GradedExecute.kernel_env``: this process's own environment is left
    alone (a Jupyter server that reads this file, for the formgrader or a student's JupyterLab
    started in the checkout, must not start its other kernels offline), except that ``alembic``
    is put on PATH. The kernels run in the sandbox unless ``GRADER_UNSANDBOXED=1`` is
    set: where bwrap cannot start, every submission then fails with the reason (as the grader
    refuses to grade without ``--unsandboxed``). ``hidden``: folders the kernels must not see
    besides the work folder and this checkout; ``settings``: the limits (see ``nbgrader_config``).
    """
    put_env_on_path()
    settings["sandbox"] = os.environ.get("GRADER_UNSANDBOXED", "") in ("", "0")
    folders = [REPO, REPO / "solutions", REPO / "course", *hidden]
    c = nbgrader_config(os.path.abspath(work), hidden=folders, **settings)
    c.GradedExecute.kernel_env = kernel_env()
    return c


CONFIG_FILE = """\
# nbgrader's configuration for this work folder, written by `python -m grader` with the limits it
# graded with: plain `nbgrader autograde`, `nbgrader generate_feedback` and the formgrader, run in
# this folder, grade as `python -m grader` does (same preprocessors, sandbox, limits and integrity
# checks). Rewritten by every grading run; see grader/README.md.
import os
import sys
import traceback

try:
    sys.path.insert(0, {repo!r})
    from grader.config import plain_nbgrader_config

    c.merge(plain_nbgrader_config(os.path.dirname(os.path.abspath(__file__)), hidden={hidden!r}, **{settings!r}))
except Exception:  # nbgrader would go on with its defaults, unsandboxed: no kernel starts instead
    traceback.print_exc()
    c.Execute.kernel_name = "grader-configuration-failed-see-above"
"""


def config_file_text(hidden=(), **settings):
    """The text of a work folder's nbgrader_config.py, for these ``hidden`` folders and limits."""
    return CONFIG_FILE.format(repo=str(REPO), hidden=[str(h) for h in hidden], settings=settings)
