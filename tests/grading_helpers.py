"""Helpers shared by the grading tests: toy notebooks with nbgrader metadata, submissions, scores."""
import copy
import pathlib

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.api import Gradebook

from grader.config import db_url

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOY = "00_toy"


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


def write_toy(solutions, name=TOY, extra_cells=()):
    """A source notebook: square (tested for 2 points, one hidden check) and cube (1 point)."""
    cells = [
        new_markdown_cell("# Toy assignment (3 points)", metadata=nbgrader_meta("intro", "locked")),
        new_code_cell("import math\nfrom operator import eq", metadata=nbgrader_meta("setup", "locked")),
        new_code_cell("def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
                      metadata=nbgrader_meta("square", "solution")),
        new_code_cell("assert eq(square(3), 9), 'square(3) should be 9'\n"
                      "### BEGIN HIDDEN TESTS\nassert square(-2) == 4, 'hidden: square(-2)'\n### END HIDDEN TESTS",
                      metadata=nbgrader_meta("test_square", "test", 2)),
        new_code_cell("def cube(x):\n    ### BEGIN SOLUTION\n    return x ** 3\n    ### END SOLUTION",
                      metadata=nbgrader_meta("cube", "solution")),
        # ends with a value: nbgrader would read it as partial credit (0.5 of 1 point)
        new_code_cell("assert cube(2) == 8, 'cube(2) should be 8'\ncube(1) / 2",
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
