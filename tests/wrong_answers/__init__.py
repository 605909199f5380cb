'''Plausible wrong answers to each notebook and the score each must get (tests/test_grader.py).

``tests/wrong_answers/<assignment>.py`` defines ``WRONG``, a list of dicts, one per mistake:

- ``name``: the mistake, in words;
- ``cell``: the grade_id of the one student cell that holds it (all other cells are the reference);
- ``score``: the total the grader must give;
- ``edits``: a list of ``(old, new)`` pairs that turn the reference cell (the solution without
  its BEGIN/END SOLUTION lines, as a student who solved it would have it) into the wrong one.
  Each is a block of whole lines in a triple-quoted string, indented as suits the file (the
  common indentation is removed)::

      edits=[
          ("""
          fake = G(z).detach()  # D's loss must not reach G
          """,
           """
          fake = G(z)
          """),
      ]

  The old lines are found at whatever indentation they have in the cell (exactly once, or the
  case is refused with a message), and the new lines are put in at that indentation. An empty
  ``new`` (``""``) deletes the old lines.

:func:`load` returns the cases with ``source``, the whole wrong cell, filled in.
'''
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


def _blocks(*texts):
    """The lines of triple-quoted edit blocks, without a blank first and last line, with the
    indentation common to all of them removed (so the new lines keep their place against the old)."""
    blocks = []
    for text in texts:
        lines = text.split("\n")
        if lines and not lines[0].strip():
            lines = lines[1:]
        if lines and not lines[-1].strip():
            lines = lines[:-1]
        blocks.append(lines)
    margin = min((len(line) - len(line.lstrip()) for lines in blocks for line in lines if line.strip()), default=0)
    return [[line[margin:] if line.strip() else "" for line in lines] for lines in blocks]


def apply_edit(source, old, new):
    """``source`` with the whole lines of ``old`` (at any one indentation) replaced by ``new``.

    Raises ValueError unless ``old`` is found exactly once.
    """
    lines = source.splitlines()
    old, new = _blocks(old, new)
    if not old:
        raise ValueError("an edit needs at least one line to replace")
    found = []
    for i in range(len(lines) - len(old) + 1):
        # the cell's indentation of the block: what comes before the block's own first line
        base = lines[i][:len(lines[i]) - len(old[0])] if lines[i].endswith(old[0]) else None
        if base is not None and not base.strip() and all(
                line == base + want if want else not line.strip() for line, want in zip(lines[i:i + len(old)], old)):
            found.append((i, base))
    if len(found) != 1:
        raise ValueError(f"the lines to replace are in the cell {len(found)} times, not once "
                         "(did the reference change?):\n" + "\n".join(old))
    i, base = found[0]
    lines[i:i + len(old)] = [base + line if line else "" for line in new]
    return "\n".join(lines) + ("\n" if source.endswith("\n") else "")


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
        if case["cell"] not in cells:
            raise ValueError(f"{spec.name}: {case['name']!r}: no cell {case['cell']!r} in the reference")
        source = cells[case["cell"]]
        for old, new in case.pop("edits"):
            try:
                source = apply_edit(source, old, new)
            except ValueError as e:
                raise ValueError(f"{spec.name}: {case['name']!r}, cell {case['cell']!r}: {e}") from None
        case["source"] = source
        cases.append(case)
    return cases
