"""How fast does the grader get through a class, one submission at a time and with ``--jobs``?

    python -m benchmarks.bench_grading                      # 16 submissions of 01_backquery, jobs 1 and 2
    python -m benchmarks.bench_grading --students 40 --jobs 1 2 4 --assignment 02_gan_1010

Makes a class in a scratch folder: three in four students hand in the reference solution, the
rest the released notebook (0 points), so the class has full and empty marks and every notebook
runs to its end. Then ``python -m grader autograde`` grades the whole class once per ``--jobs``
value, each time in a fresh work folder, and the scores must agree. Prints a markdown table
(seconds per submission, speed against the first ``--jobs`` value measured in the same run) and
writes it to benchmarks/out/grading.md.
"""
import argparse
import csv
import os
import pathlib
import platform
import shutil
import subprocess
import sys
import tempfile
import time

from benchmarks import ROOT, write_table


def make_class(subs, assignment, students):
    solution = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    released = ROOT / "course" / assignment / f"{assignment}.ipynb"
    for i in range(students):
        folder = subs / f"student{i:03d}" / assignment
        folder.mkdir(parents=True)
        shutil.copyfile(released if i % 4 == 3 else solution, folder / f"{assignment}.ipynb")


def grade(subs, work, assignment, jobs):
    """Autograde the class with ``jobs``; (seconds, {student: score})."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grader", "autograde", str(subs), "--assignment", assignment,
                           "--work", str(work), "--jobs", str(jobs)], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"grading with --jobs {jobs} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    csv_path = work / "grades.csv"
    subprocess.run([sys.executable, "-m", "grader", "export", "--work", str(work), "--csv", str(csv_path)],
                   cwd=ROOT, check=True, capture_output=True)
    with open(csv_path, newline="", encoding="utf-8") as f:
        return seconds, {row["student_id"]: float(row["score"]) for row in csv.DictReader(f)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", default="01_backquery")
    parser.add_argument("--students", type=int, default=16)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2],
                        help="values to compare; the first is the baseline (default 1 2)")
    args = parser.parse_args(argv)

    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = pathlib.Path(tmp)
        make_class(tmp / "subs", args.assignment, args.students)
        for jobs in args.jobs:
            results[jobs] = grade(tmp / "subs", tmp / f"work{jobs}", args.assignment, jobs)
            print(f"--jobs {jobs}: {results[jobs][0]:.1f} s", flush=True)
    scores = [r[1] for r in results.values()]
    if any(s != scores[0] for s in scores):
        sys.exit(f"the scores differ between --jobs values: {scores}")

    base = results[args.jobs[0]][0]
    lines = [f"# Grading a class of {args.students} ({time.strftime('%Y-%m-%d %H:%M')})", "",
             f"`python -m benchmarks.bench_grading --assignment {args.assignment} --students {args.students} "
             f"--jobs {' '.join(map(str, args.jobs))}`", "",
             f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores; "
             f"{sum(1 for v in scores[0].values() if v > 0)} full and {sum(1 for v in scores[0].values() if v == 0)} "
             "empty submissions; whole command (set-up, all kernels, gradebook); the same scores every time.", "",
             "| --jobs | seconds | seconds per submission | speed against --jobs " + f"{args.jobs[0]} |",
             "|---:|---:|---:|---:|"]
    for jobs, (seconds, _) in results.items():
        lines.append(f"| {jobs} | {seconds:.1f} | {seconds / args.students:.2f} | {base / seconds:.2f}x |")
    write_table("grading.md", "\n".join(lines))


if __name__ == "__main__":
    main()
