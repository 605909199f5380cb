"""The grading pipeline (``python -m grader``) on nbgrader.

Two kinds of assignment are graded here:

- a toy assignment made in a temp folder (two tiny exercises, no torch), for release, the bad
  submissions (endless loop, broken JSON, deleted or edited test cells, huge output, a dying kernel,
  a missing notebook), the CSV and feedback; one ``python -m grader grade`` run covers it all;
- every real assignment under ``solutions/``: nbgrader gives the solution full marks and the
  released notebook 0; each wrong answer in ``tests/wrong_answers/NN_slug.py`` gets exactly its
  score from the notebook runner (tests/notebook_runner.py: nbgrader's scoring without a kernel
  per notebook), which must agree cell by cell with nbgrader on the notebooks both grade.
"""
import copy
import csv
import json
import os
import pathlib
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.api import Gradebook

import notebook_runner
import wrong_answers
from grader.config import WARNING_PATTERN, db_url
from grader.pipeline import CSV_COLUMNS, Course, GraderError

ROOT = pathlib.Path(__file__).resolve().parent.parent
ASSIGNMENTS = sorted(p.parent.name for p in ROOT.glob("solutions/*/*.ipynb") if p.stem == p.parent.name)
TOY = "00_toy"
# The wrong answers are most of this file's time (one kernel each); GRADER_SKIP_WRONG_ANSWERS=1
# leaves them out for a quick run.
SKIP_WRONG = os.environ.get("GRADER_SKIP_WRONG_ANSWERS", "") not in ("", "0")
# GRADER_ASSIGNMENTS=03_mnist_gan,04_mode_collapse_and_seeds autogrades only those (while writing one)
ONLY = [a for a in os.environ.get("GRADER_ASSIGNMENTS", "").split(",") if a.strip()]
GRADED = [a for a in ASSIGNMENTS if not ONLY or a in ONLY]
# the first wrong answers of each assignment that nbgrader grades too, to check the notebook runner
CROSS_CHECKED = 1
RUNNER_TIMEOUT = 120  # seconds one notebook may take in the notebook runner
WARN = "00_warn"  # the toy plus a test cell that writes warnings to stderr (imports torch)


# --------------------------------------------------------------------------- helpers
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


# --------------------------------------------------------------------------- the toy class
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


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """Solutions and released notebooks of the toy assignment."""
    root = tmp_path_factory.mktemp("toy")
    write_toy(root / "solutions")
    course = Course(work=root / "scratch", solutions=root / "solutions", course=root / "course")
    course.release()
    return root, course


@pytest.fixture(scope="module")
def toy_class(toy):
    """One ``python -m grader grade`` run over a class of good and bad toy submissions.

    Run as an instructor would, in a subprocess whose PATH lacks this Python's ``bin/`` (nbgrader
    needs ``alembic`` from there), with a 3 s cell timeout and a 4 s notebook budget, and with
    ``--jobs 2``: every case below is graded by the parallel path (the real assignments further
    down go through the one-pass path), so it must give what one nbgrader pass gives.
    """
    root, course = toy
    sol = read(course.solutions / TOY / f"{TOY}.ipynb")
    rel = read(course.course / TOY / f"{TOY}.ipynb")
    half = replace_cell(rel, "square", RIGHT_SQUARE)  # square right, cube left undone: 2 of 3
    subs = root / "submissions"
    submit(subs, "good", TOY, sol)
    submit(subs, "flat", TOY, sol, flat=True)
    submit(subs, "renamed", TOY, sol, filename=f"{TOY} (1).ipynb")
    submit(subs, "released", TOY, rel)
    submit(subs, "half", TOY, half)
    submit(subs, "loop", TOY, replace_cell(rel, "square", RIGHT_SQUARE + "\nwhile True:\n    pass"))
    submit(subs, "stubborn", TOY, replace_cell(rel, "square", "import time\n" + RIGHT_SQUARE +
                                               "\nwhile True:\n    try:\n        time.sleep(0.05)\n"
                                               "    except KeyboardInterrupt:\n        pass"))
    submit(subs, "slow", TOY, replace_cell(replace_cell(sol, "square", "import time\ntime.sleep(2.5)\n" + RIGHT_SQUARE),
                                           "cube", "import time\ntime.sleep(2.5)\ndef cube(x):\n    return x ** 3"))
    submit(subs, "huge", TOY, replace_cell(sol, "square", RIGHT_SQUARE + "\nprint('spam\\n' * 100000)\n"
                                           "print('x' * 2_500_000)"))
    submit(subs, "dies", TOY, replace_cell(sol, "square", "import os\nos._exit(1)"))
    submit(subs, "deleted", TOY, without_cell(half, "test_square"))
    submit(subs, "deleted_pair", TOY, without_cell(without_cell(sol, "square"), "test_square"))
    submit(subs, "deleted_bad", TOY, without_cell(replace_cell(rel, "square", BAD_SQUARE), "test_square"))
    submit(subs, "edited_bad", TOY, replace_cell(replace_cell(rel, "square", BAD_SQUARE), "test_square", "pass"))
    submit(subs, "rebinds", TOY, replace_cell(rel, "square", BAD_SQUARE + "\neq = lambda a, b: True"))
    (subs / "broken" / TOY).mkdir(parents=True)
    (subs / "broken" / TOY / f"{TOY}.ipynb").write_text('{"cells": [', encoding="utf-8")
    (subs / "empty" / TOY).mkdir(parents=True)
    (subs / "nothing").mkdir()

    work, grades = root / "work", root / "grades.csv"
    bindir = os.path.dirname(sys.executable)
    env = dict(os.environ, PATH=os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                                                if p and os.path.abspath(p) != bindir) or "/usr/bin:/bin")
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(subs), "--csv", str(grades), "--work", str(work),
         "--solutions", str(course.solutions), "--course", str(course.course),
         "--timeout", "3", "--notebook-timeout", "4", "--jobs", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(grades, newline="", encoding="utf-8") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    status = json.loads((work / "status.json").read_text())[TOY]
    return {"rows": rows, "status": status, "work": work, "stdout": proc.stdout, "csv": grades}


def test_release_is_canonical_and_deterministic(toy, tmp_path):
    root, course = toy
    again = tmp_path / "again"
    course.release([TOY], out=again)
    assert all_files(again) == all_files(course.course)
    text = (again / TOY / f"{TOY}.ipynb").read_text()
    nb = nbformat.reads(text, as_version=4)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "square(-2)" not in text
    assert "raise NotImplementedError()" in text
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    test_cell = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "test_square")
    assert test_cell.metadata["editable"] is False and test_cell.metadata["deletable"] is False


def test_grade_prints_progress_and_speed(toy_class):
    out = toy_class["stdout"]
    assert "[1/15]" in out and "[15/15]" in out and "s per submission" in out
    assert f"wrote {toy_class['csv']}" in out


@pytest.mark.parametrize("student", ["good", "flat", "renamed"])
def test_correct_submissions_get_full_marks(toy_class, student):
    row = toy_class["rows"][student]
    assert (row["score"], row["max_score"], row["percent"]) == ("3.0", "3.0", "100.0")
    assert row["status"] == "ok"


def test_a_value_shown_by_a_test_cell_is_not_partial_credit(toy_class):
    graded = read(toy_class["work"] / "autograded" / "good" / TOY / f"{TOY}.ipynb")
    cell = next(c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_cube")
    assert [o.output_type for o in cell.outputs] == ["display_data"]
    assert cell.outputs[0].data["text/plain"] == "0.5"


def test_renamed_notebook_is_noted(toy_class):
    assert f"graded {TOY} (1).ipynb as {TOY}.ipynb" in toy_class["rows"]["renamed"]["message"]


@pytest.mark.parametrize("student, score", [("released", 0.0), ("half", 2.0)])
def test_partial_and_empty_submissions(toy_class, student, score):
    row = toy_class["rows"][student]
    assert float(row["score"]) == score and row["status"] == "ok"


def test_endless_loop_is_interrupted_and_later_cells_still_count(toy_class):
    row = toy_class["rows"]["loop"]
    assert row["status"] == "timeout" and "cell square" in row["message"]
    assert float(row["score"]) == 2.0  # square was defined before the loop; cube was not done


def test_loop_that_ignores_the_interrupt(toy_class):
    row = toy_class["rows"]["stubborn"]
    assert row["status"] == "timeout" and "ignored the interrupt" in row["message"]
    assert float(row["score"]) == 0.0


def test_notebook_time_budget(toy_class):
    row = toy_class["rows"]["slow"]  # two 2.5 s cells: the second runs past the 4 s notebook budget
    assert row["status"] == "timeout" and "cell cube" in row["message"]
    assert float(row["score"]) == 2.0


def test_huge_output_is_cut(toy_class):
    row = toy_class["rows"]["huge"]
    assert row["status"] == "ok" and float(row["score"]) == 3.0
    graded = toy_class["work"] / "autograded" / "huge" / TOY / f"{TOY}.ipynb"
    assert graded.stat().st_size < 300_000
    assert "Output truncated" in graded.read_text()  # nbgrader's LimitOutput: 1000 lines
    assert "output of cell square cut at" in row["message"]  # the grader's cap while it runs


def test_dying_kernel(toy_class):
    row = toy_class["rows"]["dies"]
    assert row["status"] == "error" and "kernel died" in row["message"] and float(row["score"]) == 0.0


@pytest.mark.parametrize("student, score, note", [
    ("deleted", 2.0, "deleted test cell test_square restored"),
    ("deleted_bad", 0.0, "deleted test cell test_square restored"),
    ("deleted_pair", 1.0, "deleted test cell test_square restored"),  # and the cell above it
    ("edited_bad", 0.0, "edited test cell test_square restored"),
])
def test_deleted_or_edited_test_cells_are_restored(toy_class, student, score, note):
    row = toy_class["rows"][student]
    assert row["status"] == "ok" and float(row["score"]) == score and note in row["message"]


def test_an_answer_that_rebinds_a_helper_of_the_tests_is_flagged(toy_class):
    row = toy_class["rows"]["rebinds"]  # eq = lambda a, b: True: the visible test passes, the hidden one not
    assert row["status"] == "ok" and float(row["score"]) == 0.0
    assert "cell square rebinds eq, which the tests use: check by hand" in row["message"]
    assert "rebinds" not in toy_class["rows"]["good"]["message"]


def test_runner_scores_the_toy_class_as_nbgrader_does(toy, toy_class):
    """tests/notebook_runner.py against nbgrader on the toy: partial work, a value shown by a test
    cell, an edited test cell (put back), a rebound helper."""
    root, course = toy
    source = read(course.solutions / TOY / f"{TOY}.ipynb")
    students = ["good", "released", "half", "edited_bad", "rebinds"]
    cases = {s: notebook_runner.graded_cells(read(root / "submissions" / s / TOY / f"{TOY}.ipynb"), source)
             for s in students}
    cases["source"] = notebook_runner.graded_cells(source, source)
    executed, log = notebook_runner.run({TOY: {"trunk": "source", "cases": cases}})
    got = {s: notebook_runner.score(executed[TOY][s]["cells"])[1] for s in students}
    assert got == {s: cell_scores(toy_class["work"], TOY, s) for s in students}, log


def test_runner_stops_a_stuck_notebook_and_reports_a_dead_one(tmp_path):
    source = read(write_toy(tmp_path / "solutions"))
    loop = replace_cell(source, "square", RIGHT_SQUARE + "\nwhile True:\n    pass")
    dies = replace_cell(source, "square", "import os\nos._exit(1)")
    cases = {name: notebook_runner.graded_cells(nb, source)
             for name, nb in {"source": source, "loop": loop, "dies": dies}.items()}
    executed, log = notebook_runner.run({TOY: {"trunk": "source", "cases": cases},
                                         "00_stuck": {"trunk": "loop", "cases": {"loop": cases["loop"]}}},
                                        timeout=2)
    assert executed[TOY]["source"]["error"] is None
    assert notebook_runner.score(executed[TOY]["source"]["cells"])[0] == 3.0
    assert executed[TOY]["loop"]["error"] == "stopped after 2 s (the time limit of one notebook)", log
    assert executed[TOY]["dies"]["error"] == "the process died (exit code 1)", log
    # a stuck reference notebook: its own cells share the limit, later cells fail at once
    assert executed["00_stuck"]["loop"]["error"] == "the reference notebook ran over 2 s", log


def test_broken_json_and_missing_notebooks(toy_class):
    rows = toy_class["rows"]
    assert rows["broken"]["status"] == "invalid notebook" and "cannot be read" in rows["broken"]["message"]
    for student in ("empty", "nothing"):
        assert rows[student]["status"] == "missing" and float(rows[student]["score"]) == 0.0
    assert "0.0" == rows["broken"]["score"]


def test_csv_columns_and_rows(toy_class):
    with open(toy_class["csv"], newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == CSV_COLUMNS
        rows = list(reader)
    assert sorted(r["student_id"] for r in rows) == sorted(toy_class["rows"])
    assert all(r["assignment"] == TOY and r["max_score"] == "3.0" for r in rows)
    half = toy_class["rows"]["half"]
    assert (half["score"], half["percent"]) == ("2.0", "66.7")
    assert toy_class["status"]["half"]["seconds"] > 0


def test_feedback_hides_hidden_tests(toy_class):
    feedback = toy_class["work"] / "feedback"
    html = (feedback / "half" / TOY / f"{TOY}.html").read_text()
    assert "square(3) should be 9" in html and "square(-2)" not in html and "HIDDEN" not in html
    assert (feedback / "released" / TOY / f"{TOY}.html").exists()
    assert not (feedback / "broken").exists()


def test_warnings_on_stderr_do_not_cost_points(tmp_path):
    """A test cell whose torch and Python warnings reach stderr keeps its points (IgnorePattern)."""
    write_toy(tmp_path / "solutions", WARN, extra_cells=[
        new_code_cell(WARN_TEST, metadata=nbgrader_meta("test_warn", "test", 1)),
        new_code_cell("import sys\nprint('not a warning', file=sys.stderr)",
                      metadata=nbgrader_meta("test_plain_stderr", "test", 1)),
    ])
    subs = tmp_path / "subs"
    submit(subs, "student", WARN, read(tmp_path / "solutions" / WARN / f"{WARN}.ipynb"))
    course = Course(work=tmp_path / "work", solutions=tmp_path / "solutions")
    record = course.autograde(subs, say=lambda *a: None)[WARN]["student"]
    graded = read(tmp_path / "work" / "autograded" / "student" / WARN / f"{WARN}.ipynb")
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in graded.cells if "nbgrader" in c.metadata}
    assert not [o for o in cells["test_warn"].outputs if o.output_type == "error"], cells["test_warn"].outputs
    # full marks for square, cube and the warning cell; only the plain stderr write costs its point
    assert (record["status"], record["score"], record["max_score"]) == ("ok", 4.0, 5.0)
    # the notebook runner sees the same stderr (Python's and the file descriptor's) and scores it alike
    source = read(tmp_path / "solutions" / WARN / f"{WARN}.ipynb")
    executed, log = notebook_runner.run({WARN: {"trunk": "student",
                                                "cases": {"student": notebook_runner.graded_cells(source, source)}}})
    _, by_runner, _ = notebook_runner.score(executed[WARN]["student"]["cells"])
    assert by_runner == cell_scores(tmp_path / "work", WARN, "student"), log


@pytest.mark.parametrize("text, hidden", [
    ("/x/y.py:3: UserWarning: careful\n  warnings.warn('careful')\n", True),
    ("<ipython-input-1>:1: FutureWarning: soon\n", True),
    ("[W1123 08:00:00.000000000 Loss.cpp:1] something odd\n", True),
    ("Traceback (most recent call last):\nValueError: no\n", False),
    ("progress 10%\n", False),
])
def test_warning_pattern(text, hidden):
    import re
    assert bool(re.search(WARNING_PATTERN, text)) is hidden


def test_submissions_inside_the_work_folder_are_refused(tmp_path):
    write_toy(tmp_path / "solutions")
    course = Course(work=tmp_path / "work", solutions=tmp_path / "solutions")
    (tmp_path / "work" / "submitted" / "alice").mkdir(parents=True)
    with pytest.raises(GraderError, match="inside the work folder"):
        course.autograde(tmp_path / "work" / "submitted")


def test_jobs_must_be_positive(tmp_path):
    write_toy(tmp_path / "solutions")
    course = Course(work=tmp_path / "work", solutions=tmp_path / "solutions")
    with pytest.raises(GraderError, match="jobs must be at least 1"):
        course.autograde(tmp_path, jobs=0)


def test_clean_rewrites_notebooks_in_canonical_form(tmp_path):
    path = write_toy(tmp_path / "solutions")
    nb = read(path)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    nb.cells[1].execution_count = 3
    nb.metadata["widgets"] = {"state": {}}
    nbformat.write(nb, str(path))
    course = Course(solutions=tmp_path / "solutions", course=tmp_path / "course")
    assert course.clean() == [path]
    assert course.clean() == []
    text = path.read_text()
    assert '"outputs": []' in text and "widgets" not in text and "execution_count\": 3" not in text


# --------------------------------------------------------------------------- validate
def test_validate_flags_a_released_notebook_that_scores(tmp_path):
    write_toy(tmp_path / "solutions", "00_toy")
    write_toy(tmp_path / "solutions", "01_toy")
    course = Course(work=tmp_path / "scratch", solutions=tmp_path / "solutions", course=tmp_path / "course")
    course.release(["00_toy"])
    shutil.copytree(tmp_path / "solutions" / "01_toy", tmp_path / "course" / "01_toy")  # answers given away
    lines = []
    ok, rows = course.validate(say=lines.append)
    assert not ok
    assert [r["ok"] for r in rows] == [True, False]
    assert any("00_toy" in line and line.rstrip().endswith("ok") for line in lines)


# --------------------------------------------------------------------------- the real assignments
def up_to_last_test(nb):
    """``nb`` without the cells after its last test cell: they cannot change any score."""
    nb = copy.deepcopy(nb)
    last = max(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade"))
    nb.cells = nb.cells[:last + 1]
    return nb


def grade_in_subprocess(subs, work, assignment):
    """``python -m grader autograde`` for one assignment; returns its output."""
    proc = subprocess.run([sys.executable, "-m", "grader", "autograde", str(subs), "--assignment", assignment,
                           "--work", str(work)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def real_runs(tmp_path_factory):
    """Grade every real assignment: its solution, released notebook and wrong answers.

    nbgrader (``python -m grader autograde``, one process per assignment, two at a time) grades
    the solution, the released notebook and the first CROSS_CHECKED wrong answers. The notebook
    runner (tests/notebook_runner.py, one warm process that forks) runs all of them plus every
    other wrong answer, and scores them with nbgrader's code; the tests below require both to
    give the same per-cell scores where both graded. Both run at once. Wrong answers stop at the
    last test cell: the cells after it (training, plots) cannot change a score.

    Returns ``{assignment: {"records", "cells", "cases", "runner", "runner_log"}}``: nbgrader's
    records and per-cell scores by student, the wrong answers, and the runner's executed cells.
    """
    root = tmp_path_factory.mktemp("real")
    course, cases, jobs, graded = Course(), {}, {}, {}
    for assignment in GRADED:
        subs = root / "subs" / assignment
        solution = read(course.solutions / assignment / f"{assignment}.ipynb")
        released = course.course / assignment / f"{assignment}.ipynb"
        if not released.exists():
            course.release([assignment], out=root / "released")
            released = root / "released" / assignment / f"{assignment}.ipynb"
        notebooks = {"solution": solution, "released": read(released)}
        cases[assignment] = [] if SKIP_WRONG else wrong_answers.load(assignment)
        for i, case in enumerate(cases[assignment]):
            notebooks[f"wrong{i:02d}"] = replace_cell(up_to_last_test(solution), case["cell"], case["source"])
        graded[assignment] = ["solution", "released"] + [f"wrong{i:02d}" for i in
                                                         range(min(CROSS_CHECKED, len(cases[assignment])))]
        for student in graded[assignment]:
            submit(subs, student, assignment, notebooks[student])
        jobs[assignment] = {"trunk": "solution", "cases": {name: notebook_runner.graded_cells(nb, solution)
                                                           for name, nb in notebooks.items()}}
    with ThreadPoolExecutor(max_workers=3) as pool:
        runner = pool.submit(notebook_runner.run, jobs, workers=2, timeout=RUNNER_TIMEOUT)
        outputs = list(pool.map(lambda a: grade_in_subprocess(root / "subs" / a, root / a, a), GRADED))
        executed, log = runner.result()
    print("\n".join(outputs) + "\nnotebook runner:\n" + log)
    results = {}
    for assignment in GRADED:
        rows = Course(work=root / assignment).rows()
        records = {r["student_id"]: r for r in rows if r["assignment"] == assignment}
        cells = {s: cell_scores(root / assignment, assignment, s) for s in graded[assignment]}
        results[assignment] = {"records": records, "cells": cells, "cases": cases[assignment],
                               "runner": executed[assignment], "runner_log": log}
    return results


def test_course_folder_is_what_release_generates(tmp_path):
    if not ASSIGNMENTS:
        pytest.skip("no assignments in solutions/ yet")
    Course().release(out=tmp_path)
    made = all_files(tmp_path)
    have = {k: v for k, v in all_files(ROOT / "course").items() if k.split(os.sep)[0] in ASSIGNMENTS}
    assert sorted(made) == sorted(have), "course/ and solutions/ hold different files: run python -m grader release"
    stale = [name for name in made if made[name] != have[name]]
    assert not stale, f"course/ is older than solutions/ for {stale}: run python -m grader release"


@pytest.mark.parametrize("assignment", GRADED)
def test_solution_gets_full_marks(real_runs, assignment):
    sol = real_runs[assignment]["records"]["solution"]
    assert sol["status"] == "ok" and sol["score"] == sol["max_score"] > 0, sol


@pytest.mark.parametrize("assignment", GRADED)
def test_released_notebook_gets_zero(real_runs, assignment):
    released = real_runs[assignment]["records"]["released"]
    assert released["score"] == 0 and released["status"] == "ok", released


@pytest.mark.parametrize("assignment", GRADED)
def test_runner_scores_as_nbgrader_does(real_runs, assignment):
    """The notebook runner gives every graded cell the score nbgrader gave it, for each notebook
    that both graded (the solution, the released notebook, the first wrong answers)."""
    run = real_runs[assignment]
    differ = {}
    for student, by_nbgrader in run["cells"].items():
        got = run["runner"][student]
        assert got["error"] is None, f"{student}: {got['error']}\n{run['runner_log']}"
        total, by_runner, failed = notebook_runner.score(got["cells"])
        if by_runner != by_nbgrader or total != run["records"][student]["score"]:
            differ[student] = {"nbgrader": {k: v for k, v in by_nbgrader.items() if by_runner.get(k) != v},
                               "runner": {k: v for k, v in by_runner.items() if by_nbgrader.get(k) != v},
                               "runner's failed cells": failed}
    assert not differ, f"the notebook runner and nbgrader disagree: {differ}"


@pytest.mark.parametrize("assignment", GRADED)
def test_wrong_answers_get_their_score(real_runs, assignment):
    if SKIP_WRONG:
        pytest.skip("GRADER_SKIP_WRONG_ANSWERS is set")
    run = real_runs[assignment]
    if not run["cases"]:
        pytest.skip(f"no tests/wrong_answers/{assignment}.py")
    wrong = {}
    for i, case in enumerate(run["cases"]):
        got = run["runner"][f"wrong{i:02d}"]
        total, _, failed = notebook_runner.score(got["cells"])
        if got["error"] or total != float(case["score"]):
            wrong[case["name"]] = {"want": float(case["score"]), "got": total, "failed cells": failed,
                                   **({"error": got["error"]} if got["error"] else {})}
    assert not wrong, "wrong answers with another score than theirs:\n" + "\n".join(
        f"- {name}: {info}" for name, info in wrong.items())
