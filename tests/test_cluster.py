"""Grading on a Dask cluster with the gradebook in PostgreSQL (``--scheduler``, ``--db``).

A small class of odd toy submissions (right, wrong, a cell past its time limit, a dying kernel,
broken JSON, nothing handed in) is graded twice: one after another into SQLite, and on a
``LocalCluster`` of two worker processes into a PostgreSQL server that the test starts on
loopback in a temp folder (Debian's ``postgresql``; the tests that need it skip where it is not
installed). The two CSVs must be the same bytes. Also: a worker that dies is reported, the
checks on the worker's side, and the errors for a missing package, an SQLite gradebook with
``--scheduler`` and a database that cannot be reached.
"""
import csv
import os
import subprocess
import sys

import pytest

import postgres_server
from grader import cli, gradebook, grading
from grader.course import Course
from grader.session import GraderError
from grading_helpers import BAD_SQUARE, RIGHT_SQUARE, ROOT, TOY, read, replace_cell, submit, toy_course

NO_EXTRA = "the cluster extra is not installed: pip install -e '.[cluster]'"
distributed = pytest.importorskip("distributed", reason=NO_EXTRA)
pytest.importorskip("psycopg2", reason=NO_EXTRA)


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL server on loopback for this module (tests/postgres_server.py); yields a database URL."""
    try:
        with postgres_server.running(["gradebook"]) as urls:
            yield urls["gradebook"]
    except postgres_server.Unavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def cluster(postgres):
    """Two worker processes of one thread each; a worker that dies takes its task down after one
    retry (``allowed-failures`` 1 instead of Dask's 3, to keep the test short)."""
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address="127.0.0.1:0") as made:
            yield made


@pytest.fixture(scope="module")
def toy_class(tmp_path_factory):
    """The toy assignment and six students: right, wrong, past the time limit, a dying kernel,
    broken JSON, nothing handed in."""
    root = tmp_path_factory.mktemp("cluster")
    course = toy_course(root)
    sol = read(course.solutions / TOY / f"{TOY}.ipynb")
    subs = root / "submissions"
    submit(subs, "right", TOY, sol)
    submit(subs, "wrong", TOY, replace_cell(sol, "square", BAD_SQUARE))
    submit(subs, "sleeper", TOY, replace_cell(sol, "square", "import time\n" + RIGHT_SQUARE +
                                               "\nwhile True:\n    time.sleep(0.1)"))
    submit(subs, "crash", TOY, replace_cell(sol, "cube", "import os\nos._exit(1)"))
    (subs / "broken" / TOY).mkdir(parents=True)
    (subs / "broken" / TOY / f"{TOY}.ipynb").write_text('{"cells": [', encoding="utf-8")
    (subs / "nothing").mkdir()
    return root, course


def grade(root, course, name, *options):
    """``python -m grader grade`` on the toy class into ``root/name``; returns the CSV's path."""
    grades = root / f"{name}.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(root / "submissions"), "--csv", str(grades),
         "--work", str(root / name), "--solutions", str(course.solutions), "--course", str(course.course),
         "--timeout", "2", "--notebook-timeout", "20", *options],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return grades


def test_cluster_with_postgres_gives_the_sequential_csv(toy_class, postgres, cluster):
    root, course = toy_class
    sequential = grade(root, course, "sequential")
    on_cluster = grade(root, course, "cluster", "--db", postgres, "--scheduler", cluster.scheduler_address)
    with open(sequential, newline="", encoding="utf-8") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert {s: (r["status"], r["score"]) for s, r in rows.items()} == {
        "right": ("ok", "3.0"), "wrong": ("ok", "1.0"), "sleeper": ("timeout", "3.0"), "crash": ("error", "2.0"),
        "broken": ("invalid notebook", "0.0"), "nothing": ("missing", "0.0")}
    assert on_cluster.read_bytes() == sequential.read_bytes()
    # the work folder keeps the database's URL (and no SQLite gradebook): export reads the same grades
    work = root / "cluster"
    assert (work / "gradebook_url").read_text().strip() == gradebook.with_driver(postgres)
    assert not (work / "gradebook.db").exists()
    assert (work / "gradebook_url").stat().st_mode & 0o077 == 0
    again = root / "again.csv"
    assert cli.main(["export", "--work", str(work), "--csv", str(again)]) == 0
    assert again.read_bytes() == sequential.read_bytes()
    assert (work / "feedback" / "right" / TOY / f"{TOY}.html").exists()


def test_a_worker_that_dies_is_reported(toy_class, postgres, cluster):
    """A task whose worker process dies is run again on another worker, then reported as an error."""
    root, course = toy_class
    course = Course(work=root / "cluster", solutions=course.solutions, course=course.course, db=postgres,
                    scheduler=cluster.scheduler_address)
    done = []
    grading.autograde_on_cluster(course, TOY, ["right"], lambda *result: done.append(result),
                                 task=lambda settings, a, student: os._exit(1))
    [(student, messages, seconds)] = done
    assert student == "right" and seconds == 0.0
    assert messages[0][0] == "ERROR" and "WorkerDiedError: every Dask worker" in messages[0][1]


def test_worker_checks_the_sandbox_and_the_shared_work_folder(tmp_path, monkeypatch):
    settings = {"work": tmp_path, "sandbox": True}
    with pytest.raises(GraderError, match="does not see .*file system every worker mounts"):
        grading.autograde_on_worker(settings, TOY, "alice")
    (tmp_path / "submitted" / "alice" / TOY).mkdir(parents=True)
    monkeypatch.setattr(grading, "sandbox_problem", lambda: "bubblewrap (bwrap) is not installed")
    with pytest.raises(GraderError, match="cannot sandbox the kernels: bubblewrap .bwrap. is not installed"):
        grading.autograde_on_worker(settings, TOY, "alice")


def test_scheduler_refuses_an_sqlite_gradebook(tmp_path, capsys):
    (tmp_path / "subs").mkdir()
    code = cli.main(["autograde", str(tmp_path / "subs"), "--work", str(tmp_path / "work"),
                     "--scheduler", "tcp://127.0.0.1:1", "--unsandboxed"])
    assert code == 2 and "--scheduler needs a gradebook in a database server" in capsys.readouterr().err


def test_missing_distributed_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(GraderError, match=r"'distributed'.*pip install -e '\.\[cluster\]'"):
        grading.import_distributed()


def test_unreachable_or_changed_gradebook(tmp_path):
    url = f"postgresql://nobody:secret@127.0.0.1:{postgres_server.free_port()}/gradebook"
    with pytest.raises(GraderError, match=r"cannot reach the gradebook postgresql[+\w]*://nobody:\*\*\*@127") as err:
        Course(work=tmp_path / "work", db=url).check_gradebook()
    assert "secret" not in str(err.value)
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "gradebook_url").write_text("postgresql://grader@dbhost/gan_2027\n")
    with pytest.raises(GraderError, match="keeps its grades in postgresql://grader@dbhost/gan_2027"):
        Course(work=tmp_path / "work", db=url).check_gradebook()
