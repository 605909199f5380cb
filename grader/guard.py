"""The grader's side of the integrity guard (the kernel's side is grader/kernel_guard.py).

``Guard`` is used by ``GradedExecute`` for one notebook: from the gradebook's copy of the source
notebook it knows which cells the course wrote (locked cells and test cells, whose source
nbgrader has put back) and which names and modules the tests depend on. It installs the kernel
guard before the first cell, asks it after every code cell what changed, and turns the answers
into notes for the CSV and, for a test cell during which the code under test changed what the
tests depend on, into a failed test.

It also checks each cell's output for lines of the hidden tests (a student's function can read
the code that calls it), and ``hidden_lines`` serves the feedback step, which removes them.
"""
import ast
import builtins
import json
import pathlib
import queue
import re
import secrets
import time

from jupyter_core.utils import run_sync
from nbgrader.api import Gradebook, MissingEntry

from . import kernel_guard
from .integrity import parse

KERNEL_SOURCE = pathlib.Path(kernel_guard.__file__).read_text(encoding="utf-8")
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
# modules whose state the tests depend on, besides the ones helpers come from (kernel_guard.WATCHED)
WATCHED_ROOTS = {name.split(".")[0] for name in kernel_guard.WATCHED}


def stored_names(tree):
    """Names a cell binds at its top level (assignments, imports, definitions, loops, with, del)."""
    names = set()
    if tree is None:
        return names
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {a.asname or a.name.split(".")[0] for a in node.names}
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        if not isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            todo += ast.iter_child_nodes(node)
    return names


def loaded_names(tree):
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} if tree else set()


def imported_modules(tree):
    """Modules a cell imports: ``import a.b`` gives a.b, ``from a.b import c`` gives a.b and a.b.c."""
    found = []
    for node in ast.walk(tree) if tree else []:
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
            found += [f"{node.module}.{a.name}" for a in node.names]
    return found


def hidden_lines(sources):
    """Distinctive lines of the hidden tests in ``sources`` (the code of a notebook's cells): at
    least 16 characters long, and not also in the visible code (``with torch.no_grad():``)."""
    lines, visible = [], set()
    for source in sources:
        for block in HIDDEN.findall(source):
            lines += [line.strip() for line in block.splitlines() if len(line.strip()) >= 16]
        visible |= {line.strip() for line in HIDDEN.sub("", source).splitlines()}
    return [line for line in dict.fromkeys(lines) if line not in visible]


def condensed(notes, shown=3):
    """``notes`` with the ones that differ only in what is in brackets (the paths a cell looked
    for) made one: ``looked for files outside its folders (/a, /b, /c and 5 more)``."""
    groups = {}
    for note in notes:
        head, _, detail = note.partition(" (")
        groups.setdefault(head, []).append(detail[:-1] if detail else None)
    found = []
    for head, details in groups.items():
        details = [d for d in dict.fromkeys(details) if d]
        more = f" and {len(details) - shown} more" if len(details) > shown else ""
        found.append(f"{head} ({', '.join(details[:shown])}{more})" if details else head)
    return found


class Guard:
    """The integrity guard of one notebook being graded (see the module's docstring)."""

    def __init__(self, resources, log):
        self.log = log
        self.token = "_grader_guard_" + secrets.token_hex(8)
        self.cells = self.source_cells(resources)
        self.broken = None  # the cell after which the kernel's guard stopped answering
        self.installed = False
        self.hidden = hidden_lines([source for source, _ in self.cells.values()])

    @staticmethod
    def source_cells(resources):
        """``{grade_id: (source, kind)}`` of the code cells of the source notebook that nbgrader knows
        (kind "test", "locked" or "solution"), from the gradebook; {} when there is none."""
        info = (resources or {}).get("nbgrader", {})
        if not info.get("db_url"):
            return {}
        try:
            with Gradebook(info["db_url"]) as gb:
                notebook = gb.find_notebook(info["notebook"], info["assignment"])
                graded = {c.name for c in notebook.grade_cells}
                solutions = {c.name for c in notebook.solution_cells}
                cells = {}
                for c in notebook.source_cells:
                    if c.cell_type != "code":
                        continue
                    if c.name in solutions:
                        cells[c.name] = (c.source, "solution")
                    elif c.locked:
                        cells[c.name] = (c.source, "test" if c.name in graded else "locked")
                return cells
        except (MissingEntry, KeyError):
            return {}

    def kind(self, cell):
        """"test", "locked" (cells the course wrote, as nbgrader put them back) or "student"."""
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        source, kind = self.cells.get(grade_id, (None, "student"))
        if kind == "solution" or kernel_guard.normalized(source or "") != kernel_guard.normalized(cell.source):
            return "student"
        return kind

    def spec(self, allowed):
        trees = {name: parse(source) for name, (source, _) in self.cells.items()}
        tests = [trees[n] for n, (_, kind) in self.cells.items() if kind == "test"]
        locked = [trees[n] for n, (_, kind) in self.cells.items() if kind == "locked"]
        answers = [trees[n] for n, (_, kind) in self.cells.items() if kind == "solution"]
        read = set().union(*map(loaded_names, tests)) if tests else set()
        in_answers = set().union(*map(stored_names, answers)) if answers else set()
        bound = (set().union(*map(stored_names, locked)) if locked else set()) - in_answers
        in_tests = set().union(*map(stored_names, tests)) if tests else set()
        modules = []
        for tree in locked:
            modules += [m for m in imported_modules(tree) if m.split(".")[0] in WATCHED_ROOTS]
        return {
            "helpers": sorted(read & bound),
            "builtins": sorted((read & set(dir(builtins))) - bound - in_tests - in_answers),
            "modules": list(dict.fromkeys(modules)),
            "trusted": sorted(kernel_guard.digest(src) for src, kind in self.cells.values() if kind != "solution"),
            "allowed": list(allowed),
        }

    def printed_hidden(self, cell):
        """Whether the cell's output (not its error tracebacks) shows a line of the hidden tests."""
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else \
                " ".join(str(v) for v in output.get("data", {}).values())
            if any(line in text for line in self.hidden):
                return True
        return False

    # ------------------------------------------------------------------ talking to the kernel
    def call(self, kc, expression, timeout):
        """Evaluate ``expression`` in the kernel, silently; returns its value's repr, or raises."""
        msg_id = kc.execute("", silent=True, store_history=False, user_expressions={"r": expression})
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer within {timeout} s")
            try:
                msg = run_sync(kc.shell_channel.get_msg)(timeout=left)
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            result = msg["content"].get("user_expressions", {}).get("r", {})
            if result.get("status") != "ok":
                raise RuntimeError(f"{result.get('ename', 'no answer')}: {result.get('evalue', '')}")
            return ast.literal_eval(result["data"]["text/plain"])

    def install(self, kc, allowed, timeout=180):
        spec = json.dumps(self.spec(allowed))
        # the guard's own globals, with a copy of the builtins as they are now: student code that
        # replaces a builtin later does not reach the guard
        expression = (f"(lambda g: (exec(compile({KERNEL_SOURCE!r}, '<grader guard>', 'exec'), g), "
                      f"g['install']({self.token!r}, g['json'].loads({spec!r})))[1])"
                      "({'__builtins__': dict(vars(__import__('builtins'))), '__name__': 'grader_guard'})")
        try:
            self.call(kc, expression, timeout)
            self.installed = True
        except Exception as exc:  # noqa: BLE001 - grading goes on without the guard, and says so
            self.log.warning("Integrity: the grader's checks could not start in the kernel (%s)", exc)

    def after(self, kc, cell, name, timeout=30):
        """Ask the kernel's guard about the cell that just ran; returns the notes on it and, for a
        test cell that does not count, why not (else None). Raises TimeoutError when the kernel
        does not answer at all."""
        kind = self.kind(cell)
        if self.broken:
            return [], (f"the grader's checks in the kernel stopped working after cell {self.broken}"
                        if kind == "test" else None)
        if not self.installed:
            return [], None
        stores = sorted(stored_names(parse(cell.source))) if kind != "student" else []
        expression = f"__import__('sys').modules[{self.token!r}].after({kind!r}, {stores!r})"
        try:
            report = json.loads(self.call(kc, expression, timeout))
        except TimeoutError:
            raise
        except Exception as exc:  # noqa: BLE001 - the guard was removed or broken by student code
            self.broken = name
            self.log.warning("Integrity: the grader's checks in the kernel stopped working after cell %s (%s); "
                             "the tests after it do not count", name, str(exc)[:200])
            return [], "the grader's checks in the kernel stopped working" if kind == "test" else None
        notes = [f"{what}, put back" for what in report["changed"]] + condensed(report["noted"])
        void = None
        if kind == "test" and notes:
            void = "while it ran, the code it tests " + "; ".join(notes[:3])
        return notes, void
