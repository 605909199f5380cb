"""Score many variants of a notebook fast, the way nbgrader scores them (for tests/test_grader.py).

Autograding one notebook with nbgrader costs seconds of overhead (a kernel, the setup cell's
imports of torch and torchvision, the data cell), while its test cells take well under a second.
The wrong answers of an assignment are the reference notebook with one answer cell changed, so
this runner pays the overhead once per assignment:

- one warm process imports what the notebooks import (for the course's notebooks also torch,
  torchvision, matplotlib, IPython, ipywidgets, gankit and data_tools with their lazy parts);
- per assignment it forks a process that runs the reference notebook's code cells in order in an
  IPython shell (so magics, ``display`` and results work as in a kernel), and just before the cell
  where a variant first differs from the reference it forks a child that runs the variant's
  cells from there on. The child starts from the state the identical earlier cells left, which
  is what a fresh kernel running those cells would reach;
- each cell's stdout, stderr (Python and file-descriptor level), displays, result and error become
  nbformat outputs, which :func:`score` grades with nbgrader's own code: the grader's
  autograde preprocessors that do not need a kernel or a gradebook (IgnorePattern with the
  grader's warning pattern, NoPartialCredit, LimitOutput ...), then ``nbgrader.utils.determine_grade``
  per graded cell.

tests/test_grader.py checks this runner against real nbgrader runs (per-cell scores of the
solution, the released notebook and the first wrong answer of each assignment must agree), and
tests/test_grader_pipeline.py on toy submissions and stderr warnings, so it cannot drift from the
grader unnoticed. It runs in its own process (``python tests/notebook_runner.py JOB RESULT``, see
:func:`run`), at most ``workers`` assignments at a time, one torch thread each; a variant
that runs longer than ``timeout`` seconds is stopped and reported as such.
"""
import ast
import copy
import io
import json
import multiprocessing
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MAX_OUTPUT_CHARS = 2_000_000  # per cell, as grader.config's max_output_chars
WARM_MODULES = ["torch", "torchvision", "matplotlib", "matplotlib.pyplot", "numpy", "pandas", "IPython",
                "IPython.display", "ipywidgets", "tqdm.auto", "nbformat", "gankit", "gankit.checks",
                "gankit.data", "gankit.explorer", "gankit.judge", "gankit.metrics", "data_tools"]


# --------------------------------------------------------------------------- the pytest side
def graded_cells(submission, source):
    """The cells nbgrader executes for ``submission``: its own cells, except that every locked cell
    of the ``source`` notebook is put back as the source has it (nbgrader's OverwriteCells), which
    brings back the hidden tests that the released notebook lacks."""
    locked = {c.metadata["nbgrader"]["grade_id"]: c for c in source.cells
              if c.metadata.get("nbgrader", {}).get("locked")}
    cells = []
    for cell in submission.cells:
        cell = copy.deepcopy(cell)
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in locked:
            cell.source = locked[grade_id].source
            cell.cell_type = locked[grade_id].cell_type
        cells.append(cell)
    return cells


def code_sources(cells):
    return [c.source for c in cells if c.cell_type == "code"]


def run(assignments, workers=2, timeout=120, total_timeout=1800):
    """Execute notebooks: ``assignments`` is ``{assignment: {"trunk": name, "cases": {name: cells}}}``
    where ``cells`` are nbformat cells (e.g. from :func:`graded_cells`) and ``trunk`` names the
    case the others branch from (the reference solution).

    Returns ``({assignment: {name: {"cells": cells with outputs, "error": None or why it stopped,
    "seconds": s}}}, the runner's log)``. Runs ``python tests/notebook_runner.py`` in a new process
    group, which is killed if it takes more than ``total_timeout`` seconds.
    """
    job = {"workers": workers, "timeout": timeout, "assignments": {}}
    for a, spec in assignments.items():
        job["assignments"][a] = {"trunk": spec["trunk"],
                                 "cases": {n: code_sources(cells) for n, cells in spec["cases"].items()}}
    with tempfile.TemporaryDirectory(prefix="notebook-runner-") as tmp:
        job_file, result_file = pathlib.Path(tmp, "job.json"), pathlib.Path(tmp, "result.json")
        job_file.write_text(json.dumps(job), encoding="utf-8")
        paths = [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        # what a kernel sees under the grader (grader.session.grading_env and nbgrader's Execute)
        env = dict(os.environ, GAN_COURSE_OFFLINE="1", NBGRADER_EXECUTION="autograde",
                   OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONPATH=os.pathsep.join(paths))
        proc = subprocess.Popen([sys.executable, str(pathlib.Path(__file__)), str(job_file), str(result_file)],
                                cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        try:
            log, _ = proc.communicate(timeout=total_timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            log, _ = proc.communicate()
            raise RuntimeError(f"the notebook runner took more than {total_timeout} s:\n{log[-5000:]}") from None
        if proc.returncode != 0 or not result_file.exists():
            raise RuntimeError(f"the notebook runner failed (exit code {proc.returncode}):\n{log[-5000:]}")
        raw = json.loads(result_file.read_text(encoding="utf-8"))
    import nbformat

    results = {}
    for a, spec in assignments.items():
        results[a] = {}
        for name, cells in spec["cases"].items():
            got = raw[a][name]
            cells = copy.deepcopy(cells)
            code = [c for c in cells if c.cell_type == "code"]
            for cell, outputs in zip(code, got["outputs"]):
                cell.outputs = [nbformat.from_dict(o) for o in (outputs or [])]
                cell.execution_count = None
            results[a][name] = {"cells": cells, "error": got["error"], "seconds": got["seconds"]}
    return results, log


def score(cells, config=None):
    """``(total, {grade_id: auto_score}, failures(...))`` of executed ``cells``, as nbgrader's
    autograde step scores them.

    Runs the grader's autograde preprocessors except the ones that execute the notebook or use the
    gradebook (nbgrader's Execute and its subclasses, SaveAutoGrades, AssignLatePenalties), with
    the grader's configuration, then ``determine_grade`` on each graded cell (None counts as 0).
    """
    import nbformat
    from nbgrader.preprocessors import AssignLatePenalties, Execute, SaveAutoGrades
    from nbgrader.utils import determine_grade, is_grade

    from grader.config import nbgrader_config

    config = config or nbgrader_config(pathlib.Path(tempfile.gettempdir()))
    nb = nbformat.v4.new_notebook(cells=copy.deepcopy(cells))
    resources = {}
    for cls in config.Autograde.autograde_preprocessors:
        if issubclass(cls, (Execute, SaveAutoGrades, AssignLatePenalties)):
            continue
        nb, resources = cls(config=config)(nb, resources)
    per_cell = {}
    for cell in nb.cells:
        if is_grade(cell):
            per_cell[cell.metadata["nbgrader"]["grade_id"]] = determine_grade(cell)[0]
    return float(sum(s or 0.0 for s in per_cell.values())), per_cell, failures(nb.cells)


def failures(cells):
    """``{grade_id: last line of the error}`` of the graded cells that failed or wrote to stderr."""
    found = {}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade"):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found[meta["grade_id"]] = f"{output.get('ename')}: {output.get('evalue')}".strip()[:300]
                break
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                lines = output.get("text", "").strip().splitlines() or [""]
                found[meta["grade_id"]] = f"wrote to stderr: {lines[-1][:300]}"
                break
    return found


# --------------------------------------------------------------------------- the runner process
class Collector:
    """The outputs of the cell that is running, in the order they come.

    Consecutive writes to one stream make one output (a kernel sends them in batches, so where
    nbgrader sees a boundary between two writes depends on timing).
    """

    def __init__(self):
        self.outputs, self.chars, self.clear_on_next = [], 0, False

    def add(self, output):
        if self.clear_on_next:
            self.outputs, self.clear_on_next = [], False
        self.outputs.append(output)

    def stream(self, name, text):
        if not text:
            return
        left = MAX_OUTPUT_CHARS - self.chars
        if left <= 0:
            return
        text = text[:left]
        self.chars += len(text)
        if self.outputs and self.outputs[-1]["output_type"] == "stream" and self.outputs[-1]["name"] == name \
                and not self.clear_on_next:
            self.outputs[-1]["text"] += text
        else:
            self.add({"output_type": "stream", "name": name, "text": text})

    def clear(self, wait=False):
        if wait:
            self.clear_on_next = True
        else:
            self.outputs, self.clear_on_next = [], False


class Stream(io.TextIOBase):
    """sys.stdout / sys.stderr while a cell runs."""

    def __init__(self, collector, name):
        self.collector, self.name = collector, name

    def writable(self):
        return True

    def write(self, text):
        self.collector.stream(self.name, str(text))
        return len(text)

    def isatty(self):
        return False


def make_shell(collector):
    """An IPython shell whose displays, results and tracebacks go into ``collector``."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            collector.add({"output_type": "display_data", "data": data, "metadata": metadata or {}})

        def clear_output(self, wait=False):
            collector.clear(wait)

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            collector.add({"output_type": "execute_result", "data": format_dict, "metadata": md_dict or {},
                           "execution_count": self.prompt_count})

        def finish_displayhook(self):
            self._is_active = False

    class Shell(InteractiveShell):
        displayhook_class = Hook
        display_pub_class = Publisher

        def _showtraceback(self, etype, evalue, stb):
            collector.add({"output_type": "error", "ename": etype.__name__, "evalue": str(evalue),
                           "traceback": list(stb)})

    config = Config()
    config.HistoryManager.enabled = False  # no SQLite file and no saving thread: the process forks
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.autocall = 0
    return Shell.instance(config=config)


def run_cell(shell, collector, source):
    """Run one cell; returns its outputs (nbformat dicts)."""
    collector.outputs, collector.chars, collector.clear_on_next = [], 0, False
    for stream in (sys.__stdout__, sys.__stderr__):
        stream.flush()
    saved_fds = {fd: os.dup(fd) for fd in (1, 2)}
    files = {fd: tempfile.TemporaryFile(mode="w+b") for fd in (1, 2)}
    saved = sys.stdout, sys.stderr
    for fd, f in files.items():
        os.dup2(f.fileno(), fd)
    sys.stdout, sys.stderr = Stream(collector, "stdout"), Stream(collector, "stderr")
    try:
        shell.run_cell(source, store_history=True)
    except Exception as error:  # raised outside the cell's code, e.g. by the trunk's timer
        collector.add({"output_type": "error", "ename": type(error).__name__, "evalue": str(error),
                       "traceback": []})
    finally:
        sys.stdout, sys.stderr = saved
        for stream in (sys.__stdout__, sys.__stderr__):
            stream.flush()
        for fd, f in files.items():
            os.dup2(saved_fds[fd], fd)
            os.close(saved_fds[fd])
            f.seek(0)
            collector.stream("stdout" if fd == 1 else "stderr", f.read().decode("utf-8", "replace"))
            f.close()
    return collector.outputs


def die_with_parent():
    """Linux: this process gets SIGKILL when the one that forked it dies (no stray children)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def branch(case_sources, start, prefix_outputs, out_file):
    """In a forked child: run ``case_sources[start:]`` in the inherited shell, write the outputs."""
    die_with_parent()
    os.chdir(tempfile.mkdtemp(prefix="variant-", dir=STATE["work"]))  # a folder of its own, as in nbgrader
    shell, collector = STATE["shell"], STATE["collector"]
    outputs = list(prefix_outputs)
    for source in case_sources[start:]:
        outputs.append(run_cell(shell, collector, source))
    pathlib.Path(out_file).write_text(json.dumps(outputs, default=str), encoding="utf-8")


STATE = {}


def wait(proc, timeout):
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return False
    return True


def run_assignment(spec, timeout, out_file):
    """In a forked process: run the trunk, forking a child for each case where it leaves the trunk."""
    die_with_parent()
    work = tempfile.mkdtemp(prefix="trunk-", dir=os.path.dirname(out_file))
    os.chdir(work)
    context = multiprocessing.get_context("fork")
    collector = Collector()
    shell = make_shell(collector)
    STATE.update(shell=shell, collector=collector, work=work)
    trunk = spec["cases"][spec["trunk"]]
    starts = {}
    for name, sources in spec["cases"].items():
        k = 0
        while k < min(len(sources), len(trunk)) and sources[k] == trunk[k]:
            k += 1
        starts[name] = k
    results, trunk_outputs = {}, []
    # the trunk's own cells share one time limit; the clock stops while a child runs (children
    # do not inherit the timer)
    budget = {"left": float(timeout), "over": False}

    def over_time(signum, frame):
        budget["over"] = True
        raise TimeoutError(f"the reference notebook ran over {timeout} s")

    signal.signal(signal.SIGALRM, over_time)
    for i in range(len(trunk) + 1):
        for name in [n for n, k in starts.items() if k == i and n != spec["trunk"]]:
            sources = spec["cases"][name]
            if i >= len(sources):  # the case is a prefix of the trunk
                results[name] = {"outputs": trunk_outputs[:len(sources)], "error": None, "seconds": 0.0}
                continue
            child_file = os.path.join(work, f"case-{len(results)}.json")
            started = time.monotonic()
            child = context.Process(target=branch, args=(sources, i, trunk_outputs, child_file))
            child.start()
            finished = wait(child, timeout)
            seconds = round(time.monotonic() - started, 2)
            if finished and child.exitcode == 0 and os.path.exists(child_file):
                outputs = json.loads(pathlib.Path(child_file).read_text(encoding="utf-8"))
                results[name] = {"outputs": outputs, "error": None, "seconds": seconds}
            else:
                why = (f"stopped after {timeout} s (the time limit of one notebook)" if not finished
                       else f"the process died (exit code {child.exitcode})")
                results[name] = {"outputs": [], "error": why, "seconds": seconds}
        if i < len(trunk) and budget["over"]:  # no time left: the cell fails without running
            trunk_outputs.append([{"output_type": "error", "ename": "TimeoutError", "traceback": [],
                                   "evalue": f"the reference notebook ran over {timeout} s"}])
        elif i < len(trunk):
            started = time.monotonic()
            signal.setitimer(signal.ITIMER_REAL, budget["left"])
            try:
                trunk_outputs.append(run_cell(shell, collector, trunk[i]))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            budget["left"] -= time.monotonic() - started
            budget["over"] = budget["over"] or budget["left"] <= 0
    error = f"the reference notebook ran over {timeout} s" if budget["over"] else None
    results[spec["trunk"]] = {"outputs": trunk_outputs, "error": error, "seconds": round(timeout - budget["left"], 2)}
    pathlib.Path(out_file).write_text(json.dumps(results, default=str), encoding="utf-8")


def imported_modules(sources):
    """Top-level module names imported by the cells (to import them once, before forking)."""
    from IPython.core.inputtransformer2 import TransformerManager

    names = set()
    for source in sources:
        try:
            tree = ast.parse(TransformerManager().transform_cell(source))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    return names


def warm_up(job):
    """Import what the notebooks need once, so forked processes start warm."""
    import importlib

    sources = [s for spec in job["assignments"].values() for s in spec["cases"][spec["trunk"]]]
    names = sorted(imported_modules(sources))
    course = any(name.split(".")[0] in ("gankit", "data_tools") for name in names)
    for name in (WARM_MODULES if course else []) + names:
        try:
            importlib.import_module(name)
        except Exception as error:  # the notebook's own run will show the problem
            print(f"warm-up: import {name} failed: {error}", flush=True)
    if "torch" in sys.modules:
        import torch

        torch.set_num_threads(1)
        # the first optimizer imports torch's compiler (about 2 s): once here, not in every notebook
        torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.1).step()


def main(job_file, result_file):
    job = json.loads(pathlib.Path(job_file).read_text(encoding="utf-8"))
    started = time.monotonic()
    warm_up(job)
    print(f"warm-up took {time.monotonic() - started:.1f} s", flush=True)
    context = multiprocessing.get_context("fork")
    work = pathlib.Path(tempfile.mkdtemp(prefix="runner-"))
    todo = list(job["assignments"].items())
    running, results = {}, {}
    while todo or running:
        while todo and len(running) < job["workers"]:
            a, spec = todo.pop(0)
            out = work / f"{a}.json"
            proc = context.Process(target=run_assignment, args=(spec, job["timeout"], str(out)))
            proc.start()
            # the trunk and every case get the time limit, one after the other
            running[a] = (proc, out, time.monotonic() + job["timeout"] * (1 + len(spec["cases"])))
        time.sleep(0.05)
        for a, (proc, out, deadline) in list(running.items()):
            if proc.is_alive() and time.monotonic() < deadline:
                continue
            if proc.is_alive():
                proc.kill()
            proc.join()
            del running[a]
            cases = job["assignments"][a]["cases"]
            if proc.exitcode == 0 and out.exists():
                results[a] = json.loads(out.read_text(encoding="utf-8"))
                print(f"{a}: {len(cases)} notebooks in {time.monotonic() - started:.1f} s since the start",
                      flush=True)
            else:
                why = f"the reference run of {a} did not finish (exit code {proc.exitcode})"
                results[a] = {name: {"outputs": [], "error": why, "seconds": 0.0} for name in cases}
                print(why, flush=True)
    pathlib.Path(result_file).write_text(json.dumps(results, default=str), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(*sys.argv[1:3])
