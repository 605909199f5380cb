"""Canonical notebook format: no outputs, no execution counts, fixed metadata, nbformat's own JSON.

``python -m grader clean`` rewrites every notebook under solutions/ and course/ this way;
tests/test_notebook_format.py checks that each committed notebook already is.
"""
import pathlib

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
# "deletable"/"editable" are what nbgrader's LockCells writes on locked cells of a released
# notebook, so JupyterLab keeps students from editing or deleting the tests.
KEEP_CELL_METADATA = ("nbgrader", "tags", "deletable", "editable")


def canonical(nb):
    """Return a cleaned copy of ``nb`` (a NotebookNode), upgraded to nbformat 4.5 with cell ids."""
    nb = nbformat.from_dict(nb)
    nb = nbformat.convert(nb, 4)
    nb.nbformat_minor = max(nb.get("nbformat_minor", 0), 5)
    nb.metadata = nbformat.from_dict({
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python"},
    })
    for i, cell in enumerate(nb.cells):
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.get("metadata", {}).items() if k in KEEP_CELL_METADATA})
        cell.pop("attachments", None) if not cell.get("attachments") else None
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if not cell.get("id"):
            meta = cell.metadata.get("nbgrader", {})
            cell.id = meta.get("grade_id") or f"cell-{i}"
    nbformat.validate(nb)
    return nb


def canonical_text(nb):
    """The canonical file text of ``nb``: nbformat's JSON with a final newline."""
    return nbformat.writes(canonical(nb)) + "\n"


def clean_file(path):
    """Rewrite ``path`` in canonical form; returns True when the file changed."""
    path = pathlib.Path(path)
    old = path.read_text(encoding="utf-8")
    new = canonical_text(nbformat.reads(old, as_version=4))
    if new != old:
        path.write_text(new, encoding="utf-8")
        return True
    return False
