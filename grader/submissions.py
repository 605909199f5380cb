"""Finding student notebooks in a folder of submissions, and checking they can be read.

Two layouts are accepted, per student:

- ``<student_id>/<assignment>/<notebook>.ipynb`` (nbgrader's submitted layout, other files and a
  ``timestamp.txt`` in the assignment folder come along);
- ``<student_id>/<notebook>.ipynb`` when the notebook's name names the assignment.

A notebook renamed by a download (``01_backquery (1).ipynb``, ``01_backquery-Copy1.ipynb``) is
still found when it is the only one whose name starts with the expected one.
"""
import pathlib

import nbformat

SKIP_NAMES = ("__MACOSX",)
BAD_ID_CHARS = set("*?[],")  # nbgrader globs student ids and joins exclusions with commas


def student_folders(root):
    """Student folders under ``root``, sorted, without hidden or archive-tool folders."""
    root = pathlib.Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no submissions folder: {root}")
    return [p for p in sorted(root.iterdir())
            if p.is_dir() and not p.name.startswith(".") and p.name not in SKIP_NAMES]


def find_notebook(folder, stem):
    """The notebook for ``stem`` in ``folder``: exact name first, else the one renamed copy."""
    exact = folder / f"{stem}.ipynb"
    if exact.is_file():
        return exact
    renamed = [p for p in sorted(folder.glob("*.ipynb")) if p.stem.startswith(stem)]
    return renamed[0] if len(renamed) == 1 else None


def find_submission(student_dir, assignment, notebook_stems):
    """Locate one student's submission of ``assignment``.

    Returns ``(folder, notebooks)``: the nested assignment folder (or None for the flat layout)
    and a dict from expected notebook name to the file found (names not found are left out).
    """
    nested = student_dir / assignment
    if nested.is_dir():
        found = {s: find_notebook(nested, s) for s in notebook_stems}
        if len(notebook_stems) == 1 and found[notebook_stems[0]] is None:
            only = sorted(nested.glob("*.ipynb"))
            if len(only) == 1:
                found[notebook_stems[0]] = only[0]
        return nested, {s: p for s, p in found.items() if p is not None}
    found = {s: find_notebook(student_dir, s) for s in notebook_stems}
    return None, {s: p for s, p in found.items() if p is not None}


def check_notebook(path, max_mb):
    """None when ``path`` reads as a notebook, else a short reason it cannot be graded."""
    size_mb = path.stat().st_size / 2**20
    if size_mb > max_mb:
        return f"invalid notebook: {path.name} is {size_mb:.0f} MB, over the {max_mb} MB limit"
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # broken JSON, wrong encoding, not a notebook at all
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"invalid notebook: {path.name} cannot be read ({first[:200]})"
    if not isinstance(nb.get("cells"), list):
        return f"invalid notebook: {path.name} has no cells"
    return None
