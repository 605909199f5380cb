"""Command line: ``python -m grader COMMAND`` (see grader/README.md)."""
import argparse
import pathlib
import sys
import time

from . import intake
from .course import Course
from .sandbox import LIMITS
from .session import GraderError, put_env_on_path


def build_parser():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--work", help="work folder for submissions, gradebook and feedback (default: work/)")
    common.add_argument("--solutions", help="folder of reference notebooks (default: solutions/)")
    common.add_argument("--course", help="folder of released notebooks (default: course/)")
    limits = argparse.ArgumentParser(add_help=False)
    limits.add_argument("--timeout", type=int, help="seconds one cell may run (default 60)")
    limits.add_argument("--notebook-timeout", type=int, help="seconds one notebook may run (default 900)")
    limits.add_argument("--max-lines", type=int, help="output lines kept per cell (default 1000)")
    limits.add_argument("--memory", type=int, metavar="MB",
                        help=f"memory of one kernel's process and of its whole sandbox (default {LIMITS['memory']})")
    limits.add_argument("--processes", type=int, metavar="N",
                        help=f"processes and threads in one sandbox (default {LIMITS['processes']})")
    limits.add_argument("--disk", type=int, metavar="MB",
                        help=f"what a kernel may write to its home and to /tmp, each (default {LIMITS['disk']})")
    limits.add_argument("--cpu", type=int, metavar="S", help=f"CPU seconds per process (default {LIMITS['cpu']})")
    limits.add_argument("--unsandboxed", action="store_true",
                        help="grade without the sandbox: student code runs with your permissions and can read "
                             "the solutions (only for a class you trust); noted in the CSV")

    parser = argparse.ArgumentParser(
        prog="python -m grader",
        description="Release and grade the course's notebooks with nbgrader (see grader/README.md).")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("release", parents=[common], help="regenerate course/ from solutions/")
    p.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    p.add_argument("--out", help="write released notebooks here instead of course/")
    p = sub.add_parser("validate", parents=[common, limits],
                       help="solutions get full marks, released notebooks get 0")
    p.add_argument("assignments", nargs="*")
    for name, text in (("autograde", "autograde a folder of submissions"),
                       ("grade", "autograde, feedback and CSV in one go")):
        p = sub.add_parser(name, parents=[common, limits], help=text)
        p.add_argument("submissions", help="folder of <student_id>/<assignment>/<notebook>.ipynb, or the zip of "
                                            "Canvas's or Moodle's \"Download all submissions\"")
        p.add_argument("--assignment", help="grade only this assignment")
        p.add_argument("--roster", metavar="CSV", help="with an LMS zip: maps the LMS's user ids or names to student "
                                                      "ids (columns student_id, and lms_id or name)")
        p.add_argument("--jobs", type=int, default=1,
                       help="submissions graded at once, in as many processes (default 1; at most one per CPU core)")
        p.add_argument("--db", metavar="URL",
                       help="the gradebook's database, e.g. postgresql://user@host/database (default: SQLite's "
                            "gradebook.db in the work folder); kept in the work folder for later commands")
        p.add_argument("--scheduler", metavar="ADDRESS",
                       help="grade on the Dask cluster of this scheduler (e.g. tcp://host:8786), one task per "
                            "submission; needs --db with a database server and a work folder shared by the workers")
        p.add_argument("--regrade", action="store_true",
                       help="grade every submission again, also those unchanged since they were graded")
        if name == "grade":
            p.add_argument("--csv", required=True, help="where to write the grades")
    p = sub.add_parser("feedback", parents=[common], help="HTML feedback for autograded submissions")
    p.add_argument("--assignment")
    p = sub.add_parser("export", parents=[common], help="write the grades CSV")
    p.add_argument("--csv", required=True)
    p = sub.add_parser("report", parents=[common], help="write the HTML class report of the work folder")
    p.add_argument("--html", required=True, help="where to write it (grade writes it beside the CSV)")
    sub.add_parser("clean", parents=[common], help="rewrite notebooks in canonical form")
    return parser


def course_from(args):
    limits = {k: getattr(args, k, None) for k in ("timeout", "notebook_timeout", "max_lines", *LIMITS)}
    sandbox = False if getattr(args, "unsandboxed", False) else None
    return Course(work=args.work, solutions=args.solutions, course=args.course, sandbox=sandbox,
                  db=getattr(args, "db", None), scheduler=getattr(args, "scheduler", None), **limits)


def summary(rows):
    counts = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))


def write_report(course, path, rows=None):
    from . import report  # pandas and matplotlib: loaded only for the report

    print(f"wrote {report.write(course.work, path, rows)}: the class report")


def run(args):
    course = course_from(args)
    if args.command == "release":
        if not course.assignments():
            raise GraderError(f"no assignments in {course.solutions}")
        written = course.release(args.assignments, out=args.out)
        for path in written:
            print(f"wrote {path}")
        return 0
    if args.command == "validate":
        ok, _ = course.validate(args.assignments)
        return 0 if ok else 1
    if args.command in ("autograde", "grade"):
        if args.scheduler and args.jobs != 1:
            raise GraderError("--jobs and --scheduler: choose one (on a cluster, the workers' --nworkers set "
                              "how many submissions run at once)")
        started = time.monotonic()
        taken = intake.take_in(course, args.submissions, roster=args.roster, assignment=args.assignment)
        taken.annotate(course.work, course.autograde(taken.folder, assignment=args.assignment, jobs=args.jobs,
                                                     regrade=args.regrade))
        if args.command == "grade":
            course.feedback(args.assignment, force=False)
            rows = course.export(args.csv)
            print(f"wrote {args.csv}: {len(rows)} rows ({summary(rows)})")
            write_report(course, pathlib.Path(args.csv).with_suffix(".html"), rows)
        print(f"done in {time.monotonic() - started:.1f} s; work folder: {course.work}")
        return 0
    if args.command == "feedback":
        files = course.feedback(args.assignment)
        print(f"{len(files)} feedback files under {course.work / 'feedback'}")
        return 0
    if args.command == "export":
        rows = course.export(args.csv)
        print(f"wrote {args.csv}: {len(rows)} rows ({summary(rows)})")
        return 0
    if args.command == "report":
        write_report(course, args.html)
        return 0
    if args.command == "clean":
        changed = course.clean()
        for path in changed:
            print(f"cleaned {path}")
        print(f"{len(changed)} notebooks rewritten")
        return 0
    raise AssertionError(args.command)


def main(argv=None):
    put_env_on_path()
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except (GraderError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: the submissions graded so far are recorded; the same command grades the rest",
              file=sys.stderr)
        return 130
