"""Plain nbgrader grades as ``python -m grader`` does, with the nbgrader_config.py the grader ships.

One class of the toy assignment with a test cell that writes torch and Python warnings to stderr
is graded twice: by ``python -m grader grade`` and by nbgrader's own commands
(``generate_assignment``, ``autograde``, ``generate_feedback``) run in a work folder that holds only
the solutions, the submissions and the nbgrader_config.py ``python -m grader`` writes. Every cell
must get the same score both ways (the warnings included: nbgrader alone scores that cell 0).
"""
import os
import shutil
import subprocess
import sys

import pytest
from nbformat.v4 import new_code_cell

from grader.config import config_file_text
from grading_helpers import (
    BAD_SQUARE,
    RIGHT_SQUARE,
    ROOT,
    WARN,
    WARN_TEST,
    cell_scores,
    nbgrader_meta,
    read,
    replace_cell,
    submit,
    without_cell,
    write_toy,
)

# the kernels' environment: the course's packages import, data is offline
ENV_TEST = """import os
import gankit
import data_tools
assert os.environ["GAN_COURSE_OFFLINE"] == "1", os.environ["GAN_COURSE_OFFLINE"]"""
STUDENTS = ["good", "released", "half", "deleted", "edited_bad", "rebinds", "dies"]


def nbgrader(*args, cwd):
    """A plain nbgrader command, run as an instructor would in the work folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("GAN_COURSE_OFFLINE", "PYTHONPATH")}  # from the config
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory):
    root = tmp_path_factory.mktemp("plain")
    solutions, course = root / "solutions", root / "course"
    write_toy(solutions, WARN, extra_cells=[new_code_cell(WARN_TEST, metadata=nbgrader_meta("test_warn", "test", 1)),
                                            new_code_cell(ENV_TEST, metadata=nbgrader_meta("test_env", "test", 1))])
    subprocess.run([sys.executable, "-m", "grader", "release", "--solutions", str(solutions), "--out", str(course)],
                   cwd=ROOT, check=True, capture_output=True)
    sol = read(solutions / WARN / f"{WARN}.ipynb")
    rel = read(course / WARN / f"{WARN}.ipynb")
    half = replace_cell(rel, "square", RIGHT_SQUARE)
    notebooks = {"good": sol, "released": rel, "half": half, "deleted": without_cell(half, "test_square"),
                 "edited_bad": replace_cell(replace_cell(rel, "square", BAD_SQUARE), "test_square", "pass"),
                 "rebinds": replace_cell(rel, "square", BAD_SQUARE + "\neq = lambda a, b: True"),
                 "dies": replace_cell(sol, "cube", "import os\nos._exit(1)")}
    subs = root / "submissions"
    for student, nb in notebooks.items():
        submit(subs, student, WARN, nb)

    graded = root / "graded"
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(subs), "--csv", str(root / "grades.csv"),
                           "--work", str(graded), "--solutions", str(solutions), "--course", str(course)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    plain = root / "plain"
    shutil.copytree(solutions, plain / "source")
    shutil.copytree(subs, plain / "submitted")
    (plain / "nbgrader_config.py").write_text(config_file_text(hidden=[solutions, course]), encoding="utf-8")
    log = nbgrader("generate_assignment", WARN, "--force", cwd=plain)
    log += nbgrader("autograde", WARN, cwd=plain)
    log += nbgrader("generate_feedback", WARN, cwd=plain)
    return {"graded": graded, "plain": plain, "log": log, "written": graded / "nbgrader_config.py"}


def test_the_work_folder_gets_the_config_file(both_ways):
    assert both_ways["written"].read_text() == config_file_text(hidden=[both_ways["graded"].parent / "solutions",
                                                                        both_ways["graded"].parent / "course"])


@pytest.mark.parametrize("student", STUDENTS)
def test_plain_nbgrader_gives_every_cell_the_same_score(both_ways, student):
    by_grader = cell_scores(both_ways["graded"], WARN, student)
    by_nbgrader = cell_scores(both_ways["plain"], WARN, student)
    assert by_nbgrader == by_grader, both_ways["log"]


def test_the_warnings_cost_no_points_either_way(both_ways):
    assert cell_scores(both_ways["plain"], WARN, "good") == {"test_square": 2.0, "test_cube": 1.0, "test_warn": 1.0,
                                                             "test_env": 1.0}


def test_reading_the_config_leaves_this_process_alone(tmp_path, monkeypatch):
    """A Jupyter server that reads nbgrader_config.py (the formgrader, a student's JupyterLab
    started in the checkout) keeps its environment: only the kernels nbgrader grades get theirs."""
    from grader.config import plain_nbgrader_config

    monkeypatch.setenv("GAN_COURSE_OFFLINE", "0")
    monkeypatch.delenv("PYTHONPATH", raising=False)
    c = plain_nbgrader_config(tmp_path / "work")
    assert os.environ["GAN_COURSE_OFFLINE"] == "0" and "PYTHONPATH" not in os.environ
    assert c.GradedExecute.kernel_env["GAN_COURSE_OFFLINE"] == "1"
    assert str(ROOT) in c.GradedExecute.kernel_env["PYTHONPATH"]


def test_plain_feedback_hides_the_hidden_tests(both_ways):
    html = (both_ways["plain"] / "feedback" / "half" / WARN / f"{WARN}.html").read_text()
    assert "square(3) should be 9" in html and "square(-2)" not in html


def test_plain_nbgrader_uses_the_sandbox(both_ways):
    if os.environ.get("GRADER_UNSANDBOXED"):
        pytest.skip("no sandbox here")
    assert "sandbox: memory" in both_ways["log"]
