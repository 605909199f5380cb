"""The grading pipeline (``python -m grader``) on a toy assignment made in a temp folder.

Two tiny exercises, no torch: release, the bad submissions (endless loops, broken JSON, an empty
file, deleted or edited test cells, a cell made markdown, 2 million printed lines, a dying kernel,
the sandbox's limits, dishonest answers, a missing notebook), the CSV and feedback (one
``python -m grader grade`` run covers them all), warnings on stderr, validate and clean, and the
notebook runner of tests/notebook_runner.py against nbgrader on the same submissions.
tests/test_grader.py grades the course's real assignments.
"""
import copy
import csv
import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell

import notebook_runner
from grader import sandbox
from grader.config import WARNING_PATTERN
from grader.course import Course
from grader.records import CSV_COLUMNS
from grader.session import GraderError
from grading_helpers import (
    ALWAYS_EQUAL,
    BAD_SQUARE,
    FIND_ON_DISK,
    RIGHT_SQUARE,
    ROOT,
    SILENCE,
    TOY,
    WARN,
    WARN_TEST,
    all_files,
    cell_scores,
    exec_found,
    leak_caller,
    nbgrader_meta,
    patch_at_call_time,
    read,
    replace_cell,
    submit,
    toy_course,
    without_cell,
    write_toy,
)

# --------------------------------------------------------------------------- the toy class
RIGHT_CUBE = "def cube(x):\n    return x ** 3"
BIG_FILE = """with open("big.bin", "wb") as f:  # 5 GB, 1 MB at a time
    for _ in range(5 * 1024):
        f.write(bytes(2**20))
"""
# a fork bomb is only tried where the sandbox can stop it (a pids cgroup, or not root)
PROCESSES_LIMITED = sandbox.problem() is None and sandbox.processes_limited()



def dishonest(rel):
    """Submissions that try to pass the tests without the work (square is wrong or missing, cube
    missing), each with the integrity guard's note it must get."""
    return {
        # an exception handler, an AST transformer and an input transformer that silence the tests
        "silencer": replace_cell(rel, "square", rel_source(rel, "square") + SILENCE),
        # eq = lambda a, b: True in the answer cell
        "rebinds": replace_cell(rel, "square", BAD_SQUARE + "\neq = lambda a, b: True"),
        # square, called by the test, rebinds the test's helper
        "calltime": replace_cell(rel, "square", BAD_SQUARE + patch_at_call_time(
            "square", {"eq": "lambda *args, **kwargs: True"}, torch=False)),
        # an object whose == always says True, and type() shadowed so that it looks like an int
        "always_equal": replace_cell(rel, "square", ALWAYS_EQUAL.format(name="square")
                                     + "\ntype = lambda value: int\n"),
        # looks for the solution and the hidden tests on disk and runs what it finds; prints the
        # code of the test cell that calls square
        "snooper": replace_cell(replace_cell(rel, "square", FIND_ON_DISK + exec_found("square", BAD_SQUARE)
                                             + leak_caller("square")),
                                "cube", exec_found("cube", rel_source(rel, "cube"))),
    }


def as_markdown(nb, grade_id):
    """A copy of ``nb`` with cell ``grade_id`` changed to a markdown cell (same source and metadata)."""
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            nb.cells[i] = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata, id=cell.get("id"))
    return nb


def rel_source(nb, grade_id):
    return next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """Solutions and released notebooks of the toy assignment."""
    root = tmp_path_factory.mktemp("toy")
    course = toy_course(root)
    return root, course


@pytest.fixture(scope="module")
def toy_class(toy):
    """One ``python -m grader grade`` run over a class of good and bad toy submissions.

    Run as an instructor would, in a subprocess whose PATH lacks this Python's ``bin/`` (nbgrader
    needs ``alembic`` from there), with a 3 s cell timeout and a 4 s notebook budget, and with
    ``--jobs 2``: every case below is graded by the parallel path (the real assignments in
    tests/test_grader.py go through the one-pass path), so it must give what one nbgrader pass gives.
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
    submit(subs, "huge", TOY, replace_cell(sol, "square", RIGHT_SQUARE + "\nprint('spam\\n' * 2_000_000)"))
    submit(subs, "dies", TOY, replace_cell(sol, "square", "import os\nos._exit(1)"))
    submit(subs, "dies_late", TOY, replace_cell(sol, "cube", "import os\nos._exit(1)"))
    # the limits of the sandbox, each hit in the cube cell after square was answered right
    submit(subs, "hog", TOY, replace_cell(sol, "cube", "hog = bytearray(12 * 2**30)  # 12 GB\n" + RIGHT_CUBE))
    submit(subs, "bigfile", TOY, replace_cell(sol, "cube", BIG_FILE + RIGHT_CUBE))
    if PROCESSES_LIMITED:
        submit(subs, "bomb", TOY, replace_cell(sol, "cube", "import os\nwhile True:\n    os.fork()\n" + RIGHT_CUBE))
    submit(subs, "deleted", TOY, without_cell(half, "test_square"))
    submit(subs, "deleted_pair", TOY, without_cell(without_cell(sol, "square"), "test_square"))
    submit(subs, "deleted_bad", TOY, without_cell(replace_cell(rel, "square", BAD_SQUARE), "test_square"))
    submit(subs, "markdown_test", TOY, as_markdown(half, "test_square"))  # nbgrader makes it code again
    submit(subs, "markdown_answer", TOY, as_markdown(sol, "square"))  # nbgrader runs it as code again
    submit(subs, "edited_bad", TOY, replace_cell(replace_cell(rel, "square", BAD_SQUARE), "test_square", "pass"))
    for student, nb in dishonest(rel).items():
        submit(subs, student, TOY, nb)
    (subs / "broken" / TOY).mkdir(parents=True)
    (subs / "broken" / TOY / f"{TOY}.ipynb").write_text('{"cells": [', encoding="utf-8")
    (subs / "empty" / TOY).mkdir(parents=True)
    (subs / "empty_file" / TOY).mkdir(parents=True)
    (subs / "empty_file" / TOY / f"{TOY}.ipynb").write_bytes(b"")
    (subs / "nothing").mkdir()

    work, grades = root / "work", root / "grades.csv"
    bindir = os.path.dirname(sys.executable)
    env = dict(os.environ, PATH=os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                                                if p and os.path.abspath(p) != bindir) or "/usr/bin:/bin")
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(subs), "--csv", str(grades), "--work", str(work),
         "--solutions", str(course.solutions), "--course", str(course.course),
         "--timeout", "3", "--notebook-timeout", "4", "--jobs", "2",
         # small disk and process limits: the 5 GB file and the fork bomb reach them well within the 3 s
         # a cell may run, even on a busy machine
         "--disk", "64", "--processes", "128"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(grades, newline="", encoding="utf-8") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    status = json.loads((work / "status.json").read_text())[TOY]
    return {"rows": rows, "status": status, "work": work, "stdout": proc.stdout, "stderr": proc.stderr, "csv": grades}


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
    out, graded = toy_class["stdout"], len(toy_class["rows"]) - 4  # broken, empty, empty_file, nothing: not graded
    assert "[1/" in out and f"[{graded}/{graded}]" in out and "s per submission" in out
    assert f"{TOY}: 100%" in toy_class["stderr"] and f"{graded}/{graded} [" in toy_class["stderr"]  # tqdm's bar
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
    assert row["status"] == "output" and float(row["score"]) == 3.0
    graded = toy_class["work"] / "autograded" / "huge" / TOY / f"{TOY}.ipynb"
    assert graded.stat().st_size < 300_000
    assert "Output truncated" in graded.read_text()  # nbgrader's LimitOutput: 1000 lines
    assert "output of cell square cut at" in row["message"]  # the grader's cap while it runs


@pytest.mark.parametrize("student, score", [("dies", 0.0), ("dies_late", 2.0)])
def test_dying_kernel_loses_only_the_cells_from_there_on(toy_class, student, score):
    row = toy_class["rows"][student]
    assert row["status"] == "error" and float(row["score"]) == score, row
    cell = "square" if student == "dies" else "cube"
    assert f"the kernel died: exit code 1 (os._exit(), a crash or out of memory) (in cell {cell}); " \
           "the cells before it are scored, the cells after it were not run" in row["message"]
    graded = read(toy_class["work"] / "autograded" / student / TOY / f"{TOY}.ipynb")
    last = next(c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_cube")
    assert last.outputs[-1].ename == "NotRun" and f"stopped in cell {cell}" in last.outputs[-1].evalue


@pytest.mark.parametrize("student, status, detail", [
    ("hog", "memory", "memory limit reached in cell cube: MemoryError"),
    ("bigfile", "disk", "disk limit reached in cell cube: OSError: [Errno"),
    pytest.param("bomb", "processes", "processes limit reached in cell cube: ",
                 marks=pytest.mark.skipif(not PROCESSES_LIMITED, reason="the sandbox cannot limit processes here")),
])
def test_limits_of_the_sandbox(toy_class, student, status, detail):
    """Each limit hit in the cube cell: square keeps its 2 points, the CSV names the limit and the cell."""
    row = toy_class["rows"][student]
    assert row["status"] == status and float(row["score"]) == 2.0, row
    assert detail in row["message"], row


@pytest.mark.parametrize("student, score, note", [
    ("deleted", 2.0, "deleted test cell test_square restored"),
    ("deleted_bad", 0.0, "deleted test cell test_square restored"),
    ("deleted_pair", 1.0, "deleted test cell test_square restored"),  # and the cell above it
    ("edited_bad", 0.0, "edited test cell test_square restored"),
    ("markdown_test", 2.0, "test cell test_square made markdown, restored"),
    ("markdown_answer", 3.0, "answer cell square made markdown, graded as code"),
])
def test_deleted_or_edited_test_cells_are_restored(toy_class, student, score, note):
    row = toy_class["rows"][student]
    assert row["status"] == "ok" and float(row["score"]) == score and note in row["message"]


@pytest.mark.parametrize("student, notes", [
    ("rebinds", ["cell square rebinds eq, which the tests use: check by hand",
                 "cell square rebound eq, which the tests use, put back"]),
    ("silencer", ["cell square replaced CustomTB of the shell, put back", "cell square changed ast_transformers",
                  "cell square changed input_transformers_post"]),
    ("calltime", ["cell test_square (a test) does not count: while it ran, the code it tests rebound eq"]),
    ("always_equal", ["cell square defined type, which hides the builtin the tests use, put back"]),
    ("snooper", ["cell square looked for files outside its folders", "cell square ran code with exec() or eval()",
                 "cell test_square printed code of the hidden tests"]),
])
def test_dishonest_submissions_earn_nothing_and_are_flagged(toy_class, student, notes):
    row = toy_class["rows"][student]
    assert row["status"] == "flagged" and float(row["score"]) == 0.0, row
    for note in notes:
        assert note in row["message"], row["message"]


def test_the_sandbox_hides_the_solution_and_the_hidden_tests(toy_class):
    graded = read(toy_class["work"] / "autograded" / "snooper" / TOY / f"{TOY}.ipynb")
    square = next(c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "square")
    assert "found 0 solution cells and 0 hidden tests on disk" in square.outputs[0].text
    html = (toy_class["work"] / "feedback" / "snooper" / TOY / f"{TOY}.html").read_text()
    assert "square(-2)" not in html and "hidden test" in html  # printed by the student's code, removed


def test_the_dishonest_submissions_would_pass_without_the_sandbox_and_the_guard(toy, tmp_path):
    """The same submissions graded with neither: each attack works (what the tests above stop)."""
    root, course = toy
    rel = read(course.course / TOY / f"{TOY}.ipynb")
    subs = tmp_path / "subs"
    for student, nb in dishonest(rel).items():
        submit(subs, student, TOY, nb)
    open_course = Course(work=tmp_path / "work", solutions=course.solutions, course=course.course, sandbox=False,
                         guard=False)
    records = open_course.autograde(subs, say=lambda *a: None)[TOY]
    scores = {student: record["score"] for student, record in records.items()}
    assert scores == {"silencer": 3.0, "rebinds": 2.0, "calltime": 2.0, "always_equal": 2.0, "snooper": 3.0}, records


def test_runner_scores_the_toy_class_as_nbgrader_does(toy, toy_class):
    """tests/notebook_runner.py against nbgrader on the toy: partial work, a value shown by a test
    cell, an edited test cell (put back). (The runner has no integrity guard: a rebound helper
    would pass there, see test_the_dishonest_submissions_would_pass_without_the_sandbox_and_the_guard.)"""
    root, course = toy
    source = read(course.solutions / TOY / f"{TOY}.ipynb")
    students = ["good", "released", "half", "edited_bad"]
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
    assert rows["empty_file"]["status"] == "invalid notebook" and float(rows["empty_file"]["score"]) == 0.0


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
