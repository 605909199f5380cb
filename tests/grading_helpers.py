"""Helpers shared by the grading tests: toy notebooks with nbgrader metadata, submissions, scores."""
import copy
import os
import pathlib

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.api import Gradebook

from grader import sandbox
from grader.config import db_url
from grader.course import Course

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOY = "00_toy"
WARN = "00_warn"  # the toy plus a test cell that writes warnings to stderr (imports torch)
RIGHT_SQUARE = "def square(x):\n    return x * x"
BAD_SQUARE = "def square(x):\n    return 0"
WARN_TEST = """import os, warnings
import torch
shown = []
_show = warnings.showwarning
warnings.showwarning = lambda *args, **kwargs: (shown.append(args[0]), _show(*args, **kwargs))
torch.tensor(torch.ones(2))  # torch's UserWarning: copy construct from a tensor
warnings.warn("a plain Python warning")
warnings.showwarning = _show
os.write(2, b"[W1123 08:00:00.000000000 Loss.cpp:1] Warning: a C++-level torch warning\\n")
assert len(shown) == 2, shown
assert square(3) == 9"""

# Where bubblewrap cannot start, the grading tests grade without the sandbox (as
# ``python -m grader ... --unsandboxed`` would) and the tests of the sandbox itself skip.
NO_SANDBOX = sandbox.problem()
if NO_SANDBOX:
    os.environ["GRADER_UNSANDBOXED"] = "1"


def nbgrader_meta(grade_id, kind, points=0):
    meta = {"grade": False, "solution": False, "locked": False, "task": False,
            "grade_id": grade_id, "schema_version": 3}
    if kind == "locked":
        meta["locked"] = True
    elif kind == "solution":
        meta["solution"] = True
    elif kind == "test":
        meta.update(grade=True, locked=True, points=points)
    return {"nbgrader": meta}


def toy_course(root, work="scratch"):
    """The toy assignment's solution in ``root/solutions``, released into ``root/course``; its Course
    (work folder ``root/<work>``)."""
    write_toy(root / "solutions")
    course = Course(work=root / work, solutions=root / "solutions", course=root / "course")
    course.release()
    return course


def write_toy(solutions, name=TOY, extra_cells=()):
    """A source notebook: square (tested for 2 points, one hidden check) and cube (1 point)."""
    cells = [
        new_markdown_cell("# Toy assignment (3 points)", metadata=nbgrader_meta("intro", "locked")),
        new_code_cell("import math\nfrom operator import eq", metadata=nbgrader_meta("setup", "locked")),
        new_code_cell("def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
                      metadata=nbgrader_meta("square", "solution")),
        # the value's exact type first: an object whose == always says True fails here
        new_code_cell("assert type(square(3)) is int, 'square(3) should be an int'\n"
                      "assert eq(square(3), 9), 'square(3) should be 9'\n"
                      "### BEGIN HIDDEN TESTS\nassert eq(square(-2), 4), 'hidden: square(-2)'\n### END HIDDEN TESTS",
                      metadata=nbgrader_meta("test_square", "test", 2)),
        new_code_cell("def cube(x):\n    ### BEGIN SOLUTION\n    return x ** 3\n    ### END SOLUTION",
                      metadata=nbgrader_meta("cube", "solution")),
        # ends with a value: nbgrader would read it as partial credit (0.5 of 1 point)
        new_code_cell("assert type(cube(2)) is int and cube(2) == 8, 'cube(2) should be 8'\ncube(1) / 2",
                      metadata=nbgrader_meta("test_cube", "test", 1)),
        *extra_cells,
    ]
    path = pathlib.Path(solutions) / name / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells), str(path))
    return path


def replace_cell(nb, grade_id, source):
    """A copy of ``nb`` with the source of cell ``grade_id`` replaced."""
    nb = copy.deepcopy(nb)
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    assert cells, f"no cell {grade_id}"
    cells[0].source = source
    return nb


def up_to_last_test(nb):
    """``nb`` without the cells after its last test cell: they cannot change any score."""
    nb = copy.deepcopy(nb)
    last = max(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade"))
    nb.cells = nb.cells[:last + 1]
    return nb


def without_cell(nb, grade_id):
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return nb


def submit(subs, student, assignment, nb, flat=False, filename=None):
    folder = subs / student if flat else subs / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / (filename or f"{assignment}.ipynb")))


def read(path):
    return nbformat.read(str(path), as_version=4)


def cell_scores(work, assignment, student):
    """``{grade_id: auto_score}`` that nbgrader stored in the gradebook for one submission."""
    with Gradebook(db_url(work)) as gb:
        notebook = gb.find_submission_notebook(assignment, assignment, student)
        return {grade.name: grade.auto_score for grade in notebook.grades}


def all_files(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- dishonest submissions
def defined_name(source):
    """The first function or class a cell defines."""
    import ast

    return next(n.name for n in ast.parse(source).body if isinstance(n, (ast.FunctionDef, ast.ClassDef)))


# Looks for the grader's copy of the reference notebook and for other students' graded copies (the
# hidden tests) a few folders up from the kernel's working folder, as a dishonest student would;
# keeps the solution cells in SOLUTION_CELLS by grade_id and counts what it found.
FIND_ON_DISK = """
import glob, json, os
SOLUTION_CELLS, HIDDEN_FOUND = {}, []
for _up in range(7):
    _base = os.path.abspath(os.path.join(os.getcwd(), *[".."] * _up))
    for _pattern in ("source/*/*.ipynb", "solutions/*/*.ipynb", "*/source/*/*.ipynb", "autograded/*/*/*.ipynb"):
        for _path in glob.glob(os.path.join(_base, _pattern)):
            try:
                with open(_path) as _f:
                    _cells = json.load(_f)["cells"]
            except (OSError, ValueError, KeyError):
                continue
            for _cell in _cells:
                _meta = _cell.get("metadata", {}).get("nbgrader", {})
                _text = "".join(_cell["source"])
                if _meta.get("solution") and "BEGIN SOLUTION" in _text:
                    SOLUTION_CELLS.setdefault(_meta["grade_id"], _text)
                if "BEGIN HIDDEN TESTS" in _text:
                    HIDDEN_FOUND.append(_text)
    if os.path.exists(os.path.join(_base, "gradebook.db")):
        HIDDEN_FOUND.append(os.path.join(_base, "gradebook.db"))
print(f"found {len(SOLUTION_CELLS)} solution cells and {len(HIDDEN_FOUND)} hidden tests on disk")
"""


def exec_found(grade_id, fallback):
    """An answer cell that runs the solution cell found on disk, else ``fallback``."""
    return f"exec(SOLUTION_CELLS.get({grade_id!r}, {fallback!r}))"


def leak_caller(name):
    """Wraps function ``name`` so that it prints the code of the cell that calls it (a test cell,
    hidden tests included): the feedback must not show it."""
    return (f"\nimport linecache, sys\n_leaked = {name}\n\n\ndef {name}(*args, **kwargs):\n"
            "    print(''.join(linecache.getlines(sys._getframe(1).f_code.co_filename)))\n"
            "    return _leaked(*args, **kwargs)\n")


# Code that silences failing tests altogether: an exception handler that swallows every error,
# an AST transformer that drops every statement and an input transformer that turns every later
# cell into ``pass``. Without the integrity guard, any one of them gives full marks.
SILENCE = """
import ast
get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)


class _DropEverything(ast.NodeTransformer):
    def visit_Module(self, node):
        node.body = [ast.Pass()]
        return node


get_ipython().ast_transformers.append(_DropEverything())
get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
"""

ALWAYS_EQUAL = """


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __bool__(self):
        return True


def {name}(*args, **kwargs):
    return AlwaysEqual()
"""


def patch_at_call_time(name, helpers, torch=True):
    """Wraps function ``name`` so that each call, made by a test, rebinds the test's ``helpers``
    (``{name: replacement source}``) and, with ``torch``, replaces torch.equal."""
    lines = "".join(f"    globals()[{h!r}] = {new}\n" for h, new in helpers.items())
    if torch:
        lines += "    torch.equal = lambda *args, **kwargs: True\n"
    return f"\n_unpatched = {name}\n\n\ndef {name}(*args, **kwargs):\n{lines}    return _unpatched(*args, **kwargs)\n"


NO_CHECKS = {"expect": "lambda *args, **kwargs: None",
             "expect_close": "lambda value, *args, **kwargs: value",
             "expect_tensor": "lambda value, *args, **kwargs: value",
             "expect_scalar": "lambda value, *args, **kwargs: value"}


# The attacks on the test helpers the issue lists, as lines appended to an answer cell
REBIND_EXPECT = """
expect = lambda *args, **kwargs: None
expect_close = lambda value, *args, **kwargs: value
expect_tensor = lambda value, *args, **kwargs: value
expect_scalar = lambda value, *args, **kwargs: value
"""
PATCH_CHECKS = """
import gankit.checks
gankit.checks._abs = lambda t: torch.zeros_like(t)
gankit.checks._type = lambda value: torch.Tensor
gankit.checks.expect.__code__ = (lambda condition, message: None).__code__
"""
REPLACE_TORCH = """
torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
"""
SHADOW_BUILTINS = """
bool = lambda value: True
abs = lambda value: 0.0
type = lambda value: torch.Tensor
"""
