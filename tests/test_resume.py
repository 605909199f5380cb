"""Incremental and resumable grading runs on the toy class (tests/grading_helpers.py).

A re-run grades only the submissions that are new or changed (by content hash) or that were not
finished; ``--regrade`` grades all of them again; a run killed part-way resumes where it stopped.
Each way, the CSV is byte for byte the one a single uninterrupted run writes.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from grader import cli, grading
from grader.course import Course
from grader.grading import graded_against
from grading_helpers import RIGHT_SQUARE, ROOT, TOY, read, replace_cell, submit, toy_course

STUDENTS = ["a_good", "b_slow", "c_released", "d_flat"]


def rel_source(nb, grade_id):
    return next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def grade(args, capsys):
    """``python -m grader grade`` in this process; returns its stdout and stderr."""
    path = os.environ.get("PATH", "")
    try:
        assert cli.main(["grade", *map(str, args)]) == 0
    finally:
        os.environ["PATH"] = path  # main() puts this Python's bin/ first
    out = capsys.readouterr()
    return out.out, out.err


def graded_times(work):
    """The modification time of each student's graded notebook and feedback."""
    return {s: ((work / "autograded" / s / TOY / f"{TOY}.ipynb").stat().st_mtime_ns,
                (work / "feedback" / s / TOY / f"{TOY}.html").stat().st_mtime_ns) for s in STUDENTS}


def status(work):
    return json.loads((work / "status.json").read_text())[TOY]


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """The toy assignment and four submissions; the second and third take a second longer (time to
    interrupt a run while one of them is graded)."""
    root = tmp_path_factory.mktemp("resume")
    toy_course(root)
    sol, rel = read(root / "solutions" / TOY / f"{TOY}.ipynb"), read(root / "course" / TOY / f"{TOY}.ipynb")
    subs = root / "subs"
    submit(subs, "a_good", TOY, sol)
    submit(subs, "b_slow", TOY, replace_cell(rel, "square", "import time\ntime.sleep(1)\n" + RIGHT_SQUARE))
    submit(subs, "c_released", TOY, replace_cell(rel, "square", "import time\ntime.sleep(1)\n"
                                                 + rel_source(rel, "square")))
    submit(subs, "d_flat", TOY, sol, flat=True)
    (subs / "a_good" / TOY / "notes.txt").write_text("handed in with the notebook\n")
    return root, ["--solutions", root / "solutions", "--course", root / "course"]


@pytest.fixture(scope="module")
def first_run(toy, tmp_path_factory):
    """One uninterrupted ``grade`` run: its CSV is the reference."""
    root, options = toy
    work, grades = root / "work", root / "grades.csv"
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", root / "subs", "--csv", grades, "--work", work,
                           *options], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {"work": work, "csv": grades.read_bytes(), "stdout": proc.stdout, "stderr": proc.stderr}


def test_every_record_has_the_hash_of_what_was_handed_in(first_run):
    records = status(first_run["work"])
    assert sorted(records) == STUDENTS
    for record in records.values():
        assert {"status", "message", "seconds", "hash", "graded_with"} <= set(record)
        assert len(record["hash"]) == 64 and record["status"] == "ok"
    # the same notebook alone, nested or flat, is the same content; with another file it is not
    assert records["a_good"]["hash"] != records["d_flat"]["hash"]
    assert "4 to autograde, 0 unchanged" in first_run["stdout"]


def test_progress_bar_on_stderr(first_run):
    """Not a terminal here: the bar writes whole lines (no carriage returns), ending at 4/4."""
    err = first_run["stderr"]
    assert f"{TOY}: 100%" in err and "4/4 [" in err and "\r" not in err, err
    assert "[4/4] d_flat: ok 3/3" in first_run["stdout"]  # a short class: a line per submission


def test_rerun_grades_only_what_changed(toy, first_run, tmp_path, capsys, monkeypatch):
    root, options = toy
    subs, work, grades = tmp_path / "subs", tmp_path / "work", tmp_path / "grades.csv"
    shutil.copytree(root / "subs", subs)
    shutil.copytree(first_run["work"], work)
    args = [subs, "--csv", grades, "--work", work, *options]
    times, before = graded_times(work), status(work)

    # nothing changed (a file touched, not changed): nothing graded, nothing rewritten
    os.utime(subs / "a_good" / TOY / f"{TOY}.ipynb", (time.time() + 60,) * 2)
    out, _ = grade(args, capsys)
    assert "0 to autograde, 4 unchanged since they were graded (skipped)" in out, out
    assert grades.read_bytes() == first_run["csv"]
    assert graded_times(work) == times and status(work) == before

    # one submission changed: only it is graded again. As in a large class (more than EVERY_LINE
    # to grade), only the submissions with a problem get a line: this one rebinds a test's helper.
    monkeypatch.setattr(grading, "EVERY_LINE", 0)
    sol = read(root / "solutions" / TOY / f"{TOY}.ipynb")
    submit(subs, "c_released", TOY, replace_cell(sol, "square", RIGHT_SQUARE + "\neq = lambda a, b: True"))
    out, _ = grade(args, capsys)
    assert "1 to autograde, 3 unchanged" in out and "[1/1] c_released: flagged" in out, out
    now = graded_times(work)
    assert [s for s in STUDENTS if now[s] != times[s]] == ["c_released"]
    assert status(work)["c_released"]["hash"] != before["c_released"]["hash"]
    assert {s: r for s, r in status(work).items() if s != "c_released"} == \
        {s: r for s, r in before.items() if s != "c_released"}
    assert [line.split(",")[5] for line in grades.read_text().splitlines()[1:]] == ["ok", "ok", "flagged", "ok"]

    # --regrade grades every one again
    out, _ = grade([*args, "--regrade"], capsys)
    assert "4 to autograde, 0 unchanged" in out and "c_released: flagged" in out and "a_good" not in out, out
    regraded = graded_times(work)
    assert all(regraded[s][0] > now[s][0] and regraded[s][1] > now[s][1] for s in STUDENTS)


def test_what_a_submission_is_graded_against(toy, tmp_path):
    """The solution's files and the limits are part of it: changing either regrades."""
    root, _ = toy
    shutil.copytree(root / "solutions", tmp_path / "solutions")
    course = Course(work=tmp_path / "work", solutions=tmp_path / "solutions")
    same = Course(work=tmp_path / "other", solutions=tmp_path / "solutions", timeout=60)  # the default
    assert graded_against(course, TOY) == graded_against(same, TOY)
    assert graded_against(course, TOY) != graded_against(Course(solutions=tmp_path / "solutions", timeout=30), TOY)
    first = graded_against(course, TOY)
    (tmp_path / "solutions" / TOY / "data.txt").write_text("a file the notebook reads\n")
    assert graded_against(course, TOY) != first


def wait_for_graded(work, proc, count, timeout=120):
    """Wait until ``count`` submissions are recorded as graded in status.json."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before it could be interrupted"
        try:
            records = status(work)
        except (FileNotFoundError, KeyError):
            records = {}
        graded = sorted(s for s, r in records.items() if "graded_with" in r)
        if len(graded) >= count:
            return graded
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} submissions graded in {timeout} s")


def test_an_interrupted_run_resumes(toy, first_run, tmp_path, capsys):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) of a run with --jobs 2
    after a first submission is recorded, then SIGKILL of the grading process of a run with
    --jobs 1 after the next one, each while others are being graded, then a run to the end: what
    was recorded is not graded again and the CSV is the reference's."""
    root, options = toy
    work, grades = tmp_path / "work", tmp_path / "grades.csv"
    args = [root / "subs", "--csv", grades, "--work", work, *options]
    graded = set()
    for sig, jobs in ((signal.SIGINT, 2), (signal.SIGKILL, 1)):
        log_path = tmp_path / f"out{jobs}.txt"
        with open(log_path, "w") as out:
            # Ctrl-C as in a terminal: a test run started in the background (CI, nohup) passes
            # on an ignored SIGINT, which Python would keep
            proc = subprocess.Popen([sys.executable, "-m", "grader", "grade", *map(str, args), "--jobs", str(jobs)],
                                    cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                    preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
            try:
                seen = wait_for_graded(work, proc, len(graded) + 1)
                if sig == signal.SIGINT:
                    os.killpg(proc.pid, sig)
                else:
                    proc.send_signal(sig)
                code = proc.wait(timeout=60)
            finally:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        log = log_path.read_text()
        assert code == (130 if sig == signal.SIGINT else -signal.SIGKILL), log
        records = status(work)
        now = {s for s, r in records.items() if "graded_with" in r}
        # what was recorded stays; the ones being graded when the run stopped are not recorded as graded
        assert graded < set(seen) <= now < set(STUDENTS), (graded, seen, records, log)
        assert all(records[s]["status"] == "queued" for s in STUDENTS if s not in now), records
        if sig == signal.SIGINT:
            assert "interrupted: the submissions graded so far are recorded" in log
        graded = now
    times = {s: (work / "autograded" / s / TOY / f"{TOY}.ipynb").stat().st_mtime_ns for s in graded}
    out, _ = grade([*args, "--jobs", "1"], capsys)
    assert f"{4 - len(graded)} to autograde, {len(graded)} unchanged" in out, out
    assert times == {s: (work / "autograded" / s / TOY / f"{TOY}.ipynb").stat().st_mtime_ns for s in graded}
    assert grades.read_bytes() == first_run["csv"]
