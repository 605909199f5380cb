"""Grading the course's real assignments (every assignment under ``solutions/``).

nbgrader gives each solution full marks and each released notebook 0; each wrong answer in
``tests/wrong_answers/NN_slug.py`` gets exactly its score from the notebook runner
(tests/notebook_runner.py: nbgrader's scoring without a kernel per notebook), which must agree
cell by cell with nbgrader on the notebooks both grade. tests/test_grader_pipeline.py tests the
grading pipeline itself on a toy assignment.
"""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

import notebook_runner
import wrong_answers
from grader.course import Course
from grading_helpers import ROOT, all_files, cell_scores, read, replace_cell, submit, up_to_last_test

ASSIGNMENTS = sorted(p.parent.name for p in ROOT.glob("solutions/*/*.ipynb") if p.stem == p.parent.name)
# GRADER_SKIP_WRONG_ANSWERS=1 leaves the wrong answers out for a quick run.
SKIP_WRONG = os.environ.get("GRADER_SKIP_WRONG_ANSWERS", "") not in ("", "0")
# GRADER_ASSIGNMENTS=03_mnist_gan,04_mode_collapse_and_seeds grades only those (while writing one)
ONLY = [a for a in os.environ.get("GRADER_ASSIGNMENTS", "").split(",") if a.strip()]
GRADED = [a for a in ASSIGNMENTS if not ONLY or a in ONLY]
# the first wrong answers of each assignment that nbgrader grades too, to check the notebook runner
CROSS_CHECKED = 1
RUNNER_TIMEOUT = 120  # seconds one notebook may take in the notebook runner


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
