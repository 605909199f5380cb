"""Notebook structure: canonical format, valid nbgrader metadata, the course's cell layout."""
import pathlib
import re

import nbformat
import pytest

import wrong_answers
from grader.nbformat_tools import canonical_text

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = sorted(ROOT.glob("solutions/*/*.ipynb"))
RELEASED = sorted(ROOT.glob("course/*/*.ipynb"))
ALL = SOLUTIONS + RELEASED


def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_there_are_notebooks():
    assert SOLUTIONS, "no reference notebooks in solutions/"
    assert [p.relative_to(ROOT / "solutions") for p in SOLUTIONS] == \
        [p.relative_to(ROOT / "course") for p in RELEASED], "course/ and solutions/ hold different notebooks"


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_assignment_layout(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+", path.parent.name), "assignments are named NN_slug"
    assert path.stem == path.parent.name, "the notebook is named after its assignment folder"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_committed_in_canonical_form_without_outputs(path):
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    assert not [c for c in nb.cells if c.cell_type == "code" and (c.outputs or c.execution_count)], \
        "outputs are committed: run python -m grader clean"
    assert text == canonical_text(nb), "not in canonical form: run python -m grader clean"


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_nbgrader_metadata(path):
    nb = nbformat.read(path, as_version=4)
    grade_ids, points, n_tests, n_solutions = set(), 0, 0, 0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        assert meta.get("schema_version") == 3
        gid = meta["grade_id"]
        assert gid not in grade_ids, f"grade_id {gid} is used twice"
        grade_ids.add(gid)
        if meta.get("grade") and cell.cell_type == "code":
            n_tests += 1
            assert meta.get("locked") and not meta.get("solution"), f"test cell {gid} must be locked"
            assert meta.get("points", 0) > 0, f"test cell {gid} has no points"
            points += meta["points"]
        if meta.get("solution") and cell.cell_type == "code":
            n_solutions += 1
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, gid
    assert n_tests >= 2 and n_solutions >= 2, "a notebook has at least two graded exercises"
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    meta = first_code.metadata.get("nbgrader", {})
    assert meta.get("grade_id") == "setup" and meta.get("locked"), "the first code cell is the locked setup cell"
    assert "show_versions" in first_code.source and "gankit.checks" in first_code.source
    text = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.search(rf"\b{points:g}\b", text), f"the notebook should state its total of {points} points"


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_notebooks_get_data_only_through_data_tools(path):
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert not re.search(r"https?://|/work/|shared/data|download=True", source)


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_wrong_answers_are_listed(path):
    spec = ROOT / "tests" / "wrong_answers" / f"{path.stem}.py"
    assert spec.exists(), f"{spec.relative_to(ROOT)} lists the wrong answers the grader must catch"
    wrong = wrong_answers.load(path.stem)  # raises if an edit no longer fits the reference cell
    assert len(wrong) >= 2
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nbformat.read(path, as_version=4).cells}
    for case in wrong:
        assert cells[case["cell"]].metadata["nbgrader"].get("solution"), case["name"]
        assert case["source"].strip() != cells[case["cell"]].source.strip(), case["name"]


def test_a_wrong_answer_that_no_longer_fits_the_reference_is_reported(tmp_path):
    (tmp_path / "01_backquery.py").write_text(
        "WRONG = [dict(name='stale', cell='logit', score=13, edits=[('return y / 0', 'return y')])]\n")
    with pytest.raises(ValueError, match=r"'stale', cell 'logit': the lines to replace are in the cell 0 times"):
        wrong_answers.load("01_backquery", folder=tmp_path)
