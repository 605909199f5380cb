"""Plausible wrong answers to each notebook and the score each must get (tests/test_grader.py).

``tests/wrong_answers/<assignment>.py`` defines ``WRONG``, a list of dicts, one per mistake:

- ``name``: the mistake, in words;
- ``cell``: the grade_id of the one student cell that holds it (all other cells are the reference);
- ``score``: the total the grader must give;
- either ``edits``, a list of ``(old, new)`` replacements made in the reference cell as a student
  who solved it would have it (the solution without its BEGIN/END SOLUTION lines), each ``old``
  found exactly once, or ``source``, the whole cell, for answers written differently throughout.

:func:`load` returns the cases with ``source`` filled in either way.
"""
import pathlib
import re

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[2]
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def solved_cells(assignment):
    """{grade_id: source} of the reference notebook's cells, without the solution markers."""
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    return {c.metadata.get("nbgrader", {}).get("grade_id"):
            "".join(line for line in c.source.splitlines(keepends=True) if not MARKER.match(line))
            for c in nb.cells}


def load(assignment, folder=None):
    """The cases of ``<assignment>.py`` in ``folder`` (default: this one; ``[]`` if there is
    none), each with its ``source``."""
    spec = pathlib.Path(folder or pathlib.Path(__file__).parent) / f"{assignment}.py"
    if not spec.exists():
        return []
    namespace = {}
    exec(compile(spec.read_text(encoding="utf-8"), str(spec), "exec"), namespace)
    cells, cases = solved_cells(assignment), []
    for case in namespace["WRONG"]:
        case = dict(case)
        if "edits" in case:
            if case["cell"] not in cells:
                raise ValueError(f"{spec.name}: {case['name']!r}: no cell {case['cell']!r} in the reference")
            source = cells[case["cell"]]
            for old, new in case.pop("edits"):
                found = source.count(old)
                if found != 1:
                    raise ValueError(f"{spec.name}: {case['name']!r}: the text to replace is in cell "
                                     f"{case['cell']!r} {found} times, not once (did the reference change?):\n{old}")
                source = source.replace(old, new)
            case["source"] = source
        cases.append(case)
    return cases
