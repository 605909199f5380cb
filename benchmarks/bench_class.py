"""One class graded three ways in one run: one after another, with ``--jobs 2``, and on a Dask cluster.

    python -m benchmarks.bench_class                        # 40 submissions of 01_backquery
    python -m benchmarks.bench_class --assignment 02_gan_1010 --students 60 --workers 2

Makes a class of ``--students`` submissions of one real assignment: every wrong answer of
tests/wrong_answers/<assignment>.py (the whole notebook with the one wrong cell), a few released
notebooks (0 points), the rest the reference solution, in a fixed shuffled order. Then
``python -m grader grade`` grades it three times, each in a fresh work folder:

1. one submission after another, SQLite gradebook (the default);
2. ``--jobs 2``, SQLite gradebook;
3. ``--scheduler`` on a ``distributed.LocalCluster`` of ``--workers`` processes of one thread,
   with ``--db`` on a PostgreSQL server started on loopback for the run (tests/postgres_server.py,
   with fsync on, as a real server).

The cluster and the server are started before the third run and not counted in its time (a
course's cluster is up before grading starts); their start-up time is printed. The three CSVs
must be the same bytes. Prints a markdown table (the whole ``grade`` command, autograding alone
as the grader reports it, the ratio of each to the first run) and writes benchmarks/out/class.md.
"""
import argparse
import csv
import io
import os
import pathlib
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

from benchmarks import ROOT, write_table

sys.path.insert(0, str(ROOT / "tests"))
import postgres_server  # noqa: E402
import wrong_answers  # noqa: E402
from grading_helpers import read, replace_cell, submit  # noqa: E402

RELEASED = 4  # released notebooks in the class


def make_class(subs, assignment, students):
    """Write the class; returns ``{student: kind}`` (solution, released or the wrong answer's name)."""
    solution = read(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    released = read(ROOT / "course" / assignment / f"{assignment}.ipynb")
    cases = wrong_answers.load(assignment)
    kinds = [("wrong", c) for c in cases] + [("released", None)] * RELEASED
    if len(kinds) > students:
        sys.exit(f"--students must be at least {len(kinds)} for {assignment}")
    kinds += [("solution", None)] * (students - len(kinds))
    random.Random(0).shuffle(kinds)
    made = {}
    for i, (kind, case) in enumerate(kinds):
        student = f"student{i:03d}"
        if kind == "wrong":
            nb = replace_cell(solution, case["cell"], case["source"])
            made[student] = case["name"]
        else:
            nb = solution if kind == "solution" else released
            made[student] = kind
        submit(subs, student, assignment, nb)
    return made


def grade(subs, tmp, name, assignment, *options):
    """``python -m grader grade`` into ``tmp/name``; ``(seconds, autograde seconds, CSV bytes, stdout)``."""
    grades = tmp / f"{name}.csv"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(subs), "--assignment", assignment,
                           "--work", str(tmp / name), "--csv", str(grades), *options],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"grading ({name}) failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    found = re.search(r"autograded (\d+) submissions in ([\d.]+) s", proc.stdout)
    return seconds, float(found.group(2)), grades.read_bytes(), proc.stdout


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", default="01_backquery")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the LocalCluster (default 2)")
    parser.add_argument("--keep", help="keep the class, work folders and CSVs in this folder")
    args = parser.parse_args(argv)
    import distributed

    if args.keep:
        tmp = pathlib.Path(args.keep).resolve()
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    else:
        tmp = pathlib.Path(tempfile.mkdtemp(prefix="bench-class-"))
    load = [os.getloadavg()[0]]
    results = {}
    try:
        kinds = make_class(tmp / "subs", args.assignment, args.students)
        for name, options in (("sequential", []), ("jobs2", ["--jobs", "2"])):
            results[name] = grade(tmp / "subs", tmp, name, args.assignment, *options)
            load.append(os.getloadavg()[0])
            print(f"{name}: {results[name][0]:.1f} s", flush=True)
        started = time.perf_counter()
        with postgres_server.running(["gradebook"], fsync=True) as urls, \
                distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                         dashboard_address="127.0.0.1:0") as cluster:
            setup = time.perf_counter() - started
            print(f"PostgreSQL and a {args.workers}-worker LocalCluster up in {setup:.1f} s", flush=True)
            results["cluster"] = grade(tmp / "subs", tmp, "cluster", args.assignment,
                                       "--db", urls["gradebook"], "--scheduler", cluster.scheduler_address)
        load.append(os.getloadavg()[0])
        print(f"cluster: {results['cluster'][0]:.1f} s", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    csvs = {name: r[2] for name, r in results.items()}
    same = all(text == csvs["sequential"] for text in csvs.values())
    rows = list(csv.DictReader(io.StringIO(csvs["sequential"].decode())))
    scores = {row["student_id"]: float(row["score"]) for row in rows}
    statuses = sorted({row["status"] for row in rows})
    base, base_auto = results["sequential"][0], results["sequential"][1]
    labels = {"sequential": "one after another, SQLite", "jobs2": "`--jobs 2`, SQLite",
              "cluster": f"`--scheduler`: LocalCluster of {args.workers} workers x 1 thread, PostgreSQL"}
    lines = [f"# One class graded three ways: {args.students} submissions of {args.assignment} "
             f"({time.strftime('%Y-%m-%d %H:%M')})", "",
             f"`python -m benchmarks.bench_class --assignment {args.assignment} --students {args.students} "
             f"--workers {args.workers}`", "",
             f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores; 1-minute load "
             f"{', '.join(f'{x:.2f}' for x in load)} (start, after each run). The class: "
             f"{sum(1 for k in kinds.values() if k == 'solution')} reference solutions, "
             f"{sum(1 for k in kinds.values() if k == 'released')} released notebooks, "
             f"{sum(1 for k in kinds.values() if k not in ('solution', 'released'))} wrong answers "
             f"(scores {min(scores.values()):g} to {max(scores.values()):g}; statuses: {', '.join(statuses)}). "
             f"Whole `grade` command (set-up, every kernel, feedback, CSV) and its autograding part (the "
             f"grader's own figure); PostgreSQL and the cluster started beforehand in {setup:.1f} s, not counted.",
             "", "| run | whole command, s | autograding, s | autograding per submission, s "
             "| whole command against sequential | autograding against sequential | CSV |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for name, (seconds, auto, text, _) in results.items():
        lines.append(f"| {labels[name]} | {seconds:.1f} | {auto:.1f} | {auto / args.students:.2f} | "
                     f"{seconds / base:.2f} ({base / seconds:.2f}x) | "
                     f"{auto / base_auto:.2f} ({base_auto / auto:.2f}x) | "
                     f"{'identical' if text == csvs['sequential'] else 'DIFFERENT'} |")
    lines += ["", "The three CSVs are " + ("the same bytes." if same else "NOT the same.")]
    write_table("class.md", "\n".join(lines))
    if not same:
        sys.exit("the CSVs differ")


if __name__ == "__main__":
    main()
