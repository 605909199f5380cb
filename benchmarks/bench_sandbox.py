"""What does the sandbox cost per submission? The same class graded with and without it.

    python -m benchmarks.bench_sandbox                        # 8 submissions of 01_backquery
    python -m benchmarks.bench_sandbox --assignment 03_mnist_gan --students 6 --rounds 1

Makes the class of benchmarks/bench_grading.py (three in four students hand in the solution,
the rest the released notebook) and grades it with ``python -m grader autograde --jobs 1``,
unsandboxed and sandboxed in turn, ``--rounds`` times in the order unsandboxed, sandboxed,
sandboxed, unsandboxed ... (so a drift in the machine's load falls on both alike), each time
in a fresh work folder; the scores must agree. Reports the whole command's seconds and the
mean seconds per submission that the grader measures (from the kernel's start to its
scores), and the ratio sandboxed / unsandboxed. Writes benchmarks/out/sandbox.md.
"""
import argparse
import csv
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import tempfile
import time

from benchmarks import ROOT, write_table
from benchmarks.bench_grading import make_class


def grade(subs, work, assignment, sandboxed):
    """Autograde the class; ``(seconds of the command, mean seconds per submission, {student: score})``."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grader", "autograde", str(subs), "--assignment", assignment,
                           "--work", str(work), "--jobs", "1", *([] if sandboxed else ["--unsandboxed"])],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"grading failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    records = json.loads((work / "status.json").read_text())[assignment]
    subprocess.run([sys.executable, "-m", "grader", "export", "--work", str(work), "--csv", str(work / "grades.csv")],
                   cwd=ROOT, check=True, capture_output=True)
    with open(work / "grades.csv", newline="", encoding="utf-8") as f:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(f)}
    bad = {s: r["status"] for s, r in records.items() if r["status"] != "ok"}
    if bad:
        sys.exit(f"submissions not graded ok: {bad}")
    return seconds, statistics.mean(r["seconds"] for r in records.values()), scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", default="01_backquery")
    parser.add_argument("--students", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="pairs of runs (default 2)")
    args = parser.parse_args(argv)

    runs = {False: [], True: []}
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as tmp:
        tmp = pathlib.Path(tmp)
        make_class(tmp / "subs", args.assignment, args.students)
        for i in range(args.rounds):
            for sandboxed in ((False, True) if i % 2 == 0 else (True, False)):
                result = grade(tmp / "subs", tmp / f"work{i}{sandboxed}", args.assignment, sandboxed)
                runs[sandboxed].append(result)
                print(f"{'sandboxed' if sandboxed else 'unsandboxed'}: {result[0]:.1f} s, "
                      f"{result[1]:.2f} s per submission", flush=True)
                load.append(os.getloadavg()[0])
    scores = [r[2] for rs in runs.values() for r in rs]
    if any(s != scores[0] for s in scores):
        sys.exit(f"the scores differ: {scores}")

    mean = {k: (statistics.mean(r[0] for r in rs), statistics.mean(r[1] for r in rs)) for k, rs in runs.items()}
    lines = [f"# The sandbox's overhead: {args.students} submissions of {args.assignment} "
             f"({time.strftime('%Y-%m-%d %H:%M')})", "",
             f"`python -m benchmarks.bench_sandbox --assignment {args.assignment} --students {args.students} "
             f"--rounds {args.rounds}`", "",
             f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores; 1-minute load "
             f"{min(load):.2f} to {max(load):.2f} during the run; `--jobs 1`; {args.rounds} run(s) each, means; "
             "the same scores every time.", "",
             "| grading | whole command, s | per submission, s (kernel start to scores) |",
             "|---|---:|---:|"]
    for sandboxed, name in ((False, "unsandboxed (`--unsandboxed`)"), (True, "in the sandbox")):
        lines.append(f"| {name} | {mean[sandboxed][0]:.1f} | {mean[sandboxed][1]:.2f} |")
    lines.append(f"| sandboxed / unsandboxed | {mean[True][0] / mean[False][0]:.3f} | "
                 f"{mean[True][1] / mean[False][1]:.3f} |")
    lines += ["", f"Per submission the sandbox adds {mean[True][1] - mean[False][1]:+.2f} s."]
    write_table("sandbox.md", "\n".join(lines))


if __name__ == "__main__":
    main()
