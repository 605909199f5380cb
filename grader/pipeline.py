"""The grading steps: release, autograde, feedback, export, validate and clean.

Every step drives nbgrader's own converters through ``NbGraderAPI``; this module only moves files
into nbgrader's layout, runs one nbgrader pass per assignment for the whole class (or, with
``jobs``, one per student in that many processes), and records
what happened to each submission (``work/status.json``) so that the CSV can say it.
"""
import contextlib
import csv
import json
import logging
import multiprocessing
import os
import pathlib
import re
import shutil
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.api import NbGraderAPI
from sqlalchemy.exc import SAWarning

from . import nbformat_tools
from .config import DEFAULTS, db_url, nbgrader_config
from .execute import DEATH_LOG, INTEGRITY_LOG, LIMIT_LOG
from .integrity import rebound_helpers, suspicious_code, tampering
from .sandbox import problem as sandbox_problem
from .submissions import BAD_ID_CHARS, check_notebook, find_submission, student_folders

REPO = pathlib.Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
MAX_NOTEBOOK_MB = 100
# the statuses of a graded submission after ok, worst first, as GradedExecute logs them
STATUSES = ["flagged", "memory", "processes", "disk", "cpu", "timeout", "output"]
DEATH_PATTERN = re.escape(DEATH_LOG).replace("%s", "(.+?)", 2).replace("%s", "(.*)")
LIMIT_PATTERN = re.escape(LIMIT_LOG).replace("%s", "(.+?)", 2).replace("%s", "(.*)")
INTEGRITY_PATTERN = re.escape(INTEGRITY_LOG).replace("%s", "(.+?)", 1).replace("%s", "(.*)")
CSV_COLUMNS = ["student_id", "assignment", "score", "max_score", "percent", "status", "message"]


class GraderError(Exception):
    """A problem with the course itself (not with one submission): the command stops."""


def put_env_on_path():
    """Put this Python's ``bin/`` first on PATH: nbgrader runs ``alembic`` from PATH."""
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


@contextlib.contextmanager
def grading_env():
    """While nbgrader runs: the kernels' environment (offline data, the repository importable,
    ``alembic`` on PATH) and a quiet console. Everything is put back afterwards."""
    saved = {k: os.environ.get(k) for k in ("GAN_COURSE_OFFLINE", "PYTHONPATH", "PATH")}
    os.environ["GAN_COURSE_OFFLINE"] = "1"  # data_tools: offline fallback, no network attempts
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join([str(REPO)] + [p for p in paths if p != str(REPO)])
    put_env_on_path()
    try:
        with warnings.catch_warnings():
            # notices from nbgrader's gradebook and about old notebooks without cell ids say
            # nothing about a submission; they would bury the progress lines
            warnings.filterwarnings("ignore", category=SAWarning)
            warnings.filterwarnings("ignore", message="Cell is missing an id field")
            yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Tracker(logging.Handler):
    """Follows one nbgrader pass over many students through its hooks and log.

    nbgrader calls the pre-convert hook before each student; the warnings and errors it logs in
    between belong to that student. ``on_done(student, messages, seconds)`` is called as each
    student finishes.
    """

    FINAL = re.compile(r"There was an error processing assignment '.*' for student '.*'|Please see the")

    def __init__(self, on_done):
        super().__init__(logging.WARNING)
        self.on_done = on_done
        self.current = None
        self.started = 0.0
        self.messages = []

    def pre_hook(self, assignment=None, student=None, notebooks=()):
        self.finish()
        path = pathlib.Path(sorted(notebooks)[0]) if notebooks else None
        self.current = path.parent.parent.name if path else None
        self.started = time.monotonic()
        self.messages = []

    def emit(self, record):
        text = record.getMessage()
        if self.current is not None and not self.FINAL.search(text):
            self.messages.append((record.levelname, text))

    def finish(self):
        if self.current is not None:
            self.on_done(self.current, self.messages, time.monotonic() - self.started)
        self.current = None


class Course:
    """One course: its solutions, its released notebooks and a work folder for grading."""

    def __init__(self, work=None, solutions=None, course=None, sandbox=None, guard=True, **limits):
        """``sandbox``: True to require the sandbox, False to grade without it, None (the default)
        to require it for ``autograde`` unless ``GRADER_UNSANDBOXED=1`` is set, and to use it in
        ``validate`` where it works. ``limits``: timeout, notebook_timeout, max_lines, memory,
        processes, disk, cpu (see grader/README.md). ``guard=False`` turns the integrity guard off
        (only to show what it stops)."""
        self.solutions = pathlib.Path(solutions or REPO / "solutions").resolve()
        self.course = pathlib.Path(course or REPO / "course").resolve()
        self.work = pathlib.Path(work or REPO / "work").resolve()
        self.sandbox = sandbox
        self.guard = guard
        self.sandboxed = sandbox is not False and sandbox_problem() is None
        self.limits = {k: v for k, v in limits.items() if v is not None}
        self.timeout = self.limits.get("timeout", DEFAULTS["timeout"])
        self.notebook_timeout = self.limits.get("notebook_timeout", DEFAULTS["notebook_timeout"])
        self.max_lines = self.limits.get("max_lines", DEFAULTS["max_lines"])

    # ----------------------------------------------------------------- nbgrader plumbing
    def assignments(self):
        """Assignment names: folders of ``solutions/`` holding at least one notebook."""
        if not self.solutions.is_dir():
            return []
        return sorted(p.name for p in self.solutions.iterdir()
                      if p.is_dir() and any(p.glob("*.ipynb")))

    def notebook_stems(self, assignment):
        return sorted(p.stem for p in (self.solutions / assignment).glob("*.ipynb"))

    @contextlib.contextmanager
    def nbgrader(self, logfile=None, tracker=None, database=True, exclude=()):
        """An ``NbGraderAPI`` on the work folder, logging to ``logfile`` and to ``tracker``.

        The grading environment is set while it is open. ``database=False`` leaves the gradebook
        alone (for releasing only); nbgrader skips the students in ``exclude``.
        """
        (self.work / "exchange").mkdir(parents=True, exist_ok=True)
        config = nbgrader_config(self.work, **self.limits, sandbox=self.sandboxed, guard=self.guard,
                                 hidden=[REPO, self.solutions, self.course])
        config.CourseDirectory.student_id_exclude = ",".join(exclude)
        if not database:
            config.SaveCells.enabled = False
            config.GenerateAssignment.no_database = True
        log = logging.getLogger(f"grader.nbgrader.{id(self)}.{time.monotonic_ns()}")
        log.propagate = False
        log.setLevel(logging.INFO)
        if logfile:
            logfile.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(logfile, mode="w", encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s [%(levelname)s] %(message)s"))
            log.addHandler(handler)
        if tracker:
            log.addHandler(tracker)

            def hook(**kwargs):  # a plain function: traitlets deep-copies config values
                tracker.pre_hook(**kwargs)
            config.Autograde.pre_convert_hook = hook
            config.GenerateFeedback.pre_convert_hook = hook
        try:
            with grading_env():
                yield NbGraderAPI(config=config, log=log)
        finally:
            for handler in list(log.handlers):
                log.removeHandler(handler)
                handler.close()

    def check(self, result, what):
        if not result.get("success"):
            raise GraderError(f"nbgrader {what} failed:\n{result.get('log', '')}\n{result.get('error', '')}")

    def prepare(self, assignments, database=True):
        """Copy ``solutions/<a>`` into the work folder and run generate_assignment on it.

        This writes the student version to ``work/release/<a>`` and (unless ``database`` is
        False) fills the gradebook with the assignment's cells, which autograding needs.
        """
        known = self.assignments()
        for a in assignments:
            if a not in known:
                raise GraderError(f"no solution notebook for assignment {a!r} in {self.solutions}")
            dest = self.work / "source" / a
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(self.solutions / a, dest, ignore=IGNORE)
        with self.nbgrader(self.work / "logs" / "generate_assignment.log", database=database) as api:
            for a in assignments:
                self.check(api.generate_assignment(a), f"generate_assignment {a}")

    # ----------------------------------------------------------------- release
    def release(self, assignments=None, out=None):
        """Regenerate ``course/<a>`` from ``solutions/<a>`` in canonical form; returns the paths."""
        assignments = list(assignments or self.assignments())
        out = pathlib.Path(out or self.course)
        written = []
        with tempfile.TemporaryDirectory(prefix="grader-release-") as tmp:
            scratch = Course(work=tmp, solutions=self.solutions, sandbox=False)
            scratch.prepare(assignments, database=False)
            for a in assignments:
                src, dest = scratch.work / "release" / a, out / a
                if dest.exists():
                    shutil.rmtree(dest)
                for path in sorted(src.rglob("*")):
                    target = dest / path.relative_to(src)
                    if path.is_dir():
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    if path.suffix == ".ipynb":
                        nb = nbformat.read(str(path), as_version=4)
                        target.write_text(nbformat_tools.canonical_text(nb), encoding="utf-8")
                    else:
                        shutil.copyfile(path, target)
                    written.append(target)
        return written

    # ----------------------------------------------------------------- status records
    @property
    def status_file(self):
        return self.work / "status.json"

    def load_status(self):
        if self.status_file.exists():
            return json.loads(self.status_file.read_text(encoding="utf-8"))
        return {}

    def save_status(self, status):
        self.work.mkdir(parents=True, exist_ok=True)
        text = json.dumps(status, indent=1, sort_keys=True)
        self.status_file.write_text(text + "\n", encoding="utf-8")

    # ----------------------------------------------------------------- autograde
    def locate(self, submissions, assignment=None):
        """Find submissions: returns ``(students, {assignment: {student: (folder, notebooks)}})``.

        Only assignments that at least one student submitted are listed (or just ``assignment``).
        """
        known = self.assignments()
        if assignment and assignment not in known:
            raise GraderError(f"no solution notebook for assignment {assignment!r} in {self.solutions}")
        students = student_folders(submissions)
        found = {}
        for student_dir in students:
            for a in ([assignment] if assignment else known):
                folder, notebooks = find_submission(student_dir, a, self.notebook_stems(a))
                if folder is not None or notebooks:
                    found.setdefault(a, {})[student_dir.name] = (folder, notebooks)
        return [p.name for p in students], found

    def stage(self, a, students, found):
        """Copy each student's submission of ``a`` into ``work/submitted``; returns ``{student: record}``.

        A record is ``{"status", "message"}``. Gradable submissions get status ``"queued"`` and are
        copied; missing and unreadable ones are recorded and left out of the nbgrader run.
        """
        stems = self.notebook_stems(a)
        records = {}
        for student in students:
            folder, notebooks = found.get(student, (None, {}))
            record = records[student] = {"status": "queued", "message": ""}
            for sub in ("submitted", "autograded", "feedback"):
                old = self.work / sub / student / a
                if old.exists():
                    shutil.rmtree(old)
            problems = [p for p in (check_notebook(path, MAX_NOTEBOOK_MB) for path in notebooks.values()) if p]
            if BAD_ID_CHARS & set(student):
                record.update(status="invalid", message="student id contains one of * ? [ ] ,")
            elif not notebooks:
                record.update(status="missing", message=f"no {stems[0]}.ipynb submitted")
            elif problems:
                record.update(status="invalid notebook", message="; ".join(problems))
            if record["status"] != "queued":
                continue
            notes = [f"graded {path.name} as {s}.ipynb" for s, path in notebooks.items() if path.name != f"{s}.ipynb"]
            notes += [f"no {s}.ipynb submitted (scored 0)" for s in stems if s not in notebooks]
            for s, path in notebooks.items():
                submitted = nbformat.read(str(path), as_version=4)
                released = nbformat.read(str(self.work / "release" / a / f"{s}.ipynb"), as_version=4)
                notes += tampering(submitted, released)
                record.setdefault("flags", []).extend(rebound_helpers(submitted, released)
                                                      + suspicious_code(submitted, released))
            if not self.sandboxed:
                notes.append("graded without the sandbox")
            record["message"] = "; ".join(notes)
            dest = self.work / "submitted" / student / a
            if folder is not None:
                shutil.copytree(folder, dest, ignore=IGNORE)
                for s, path in notebooks.items():
                    if path.name != f"{s}.ipynb":
                        (dest / path.name).rename(dest / f"{s}.ipynb")
            else:
                dest.mkdir(parents=True)
                for s, path in notebooks.items():
                    shutil.copyfile(path, dest / f"{s}.ipynb")
        return records

    def outcome(self, assignment, student, messages, flags=()):
        """Status and message of one autograded submission, from nbgrader's log and its output.

        The status names the worst thing that happened (``STATUSES``): the kernel stopped
        (``error``, or the limit that stopped it), code that tampered with the tests (``flagged``:
        the integrity guard's notes and ``flags``, the static checks' notes), a limit a cell ran
        into, a cell interrupted at its time limit, output cut; ``ok`` otherwise. The message says
        which cells.
        """
        texts = [text for _, text in messages]
        errors = "\n".join(text for level, text in messages if level in ("ERROR", "CRITICAL"))
        folder = self.work / "autograded" / student / assignment
        found = {"flagged": list(flags)} if flags else {}  # status -> message parts
        for text in texts:
            integrity = re.match(INTEGRITY_PATTERN, text)
            if integrity:
                found.setdefault("flagged", []).append(f"cell {integrity.group(1)} {integrity.group(2)}")
            stopped = re.match(DEATH_PATTERN, text)
            if stopped:
                cell, status, why = stopped.groups()
                found.setdefault("stopped", (status, f"{why} (in cell {cell}); the cells before it are scored, "
                                                     "the cells after it were not run"))
            limit = re.match(LIMIT_PATTERN, text)
            if limit:
                cell, status, detail = limit.groups()
                found.setdefault(status, []).append(f"{status} limit reached in cell {cell}: {detail}")
            if "time budget" in text or "Output of cell" in text:
                found.setdefault("output" if "Output" in text else "timeout", []).append(text.lower())
        if "There was an error processing assignment" in errors or not folder.is_dir():
            lines = re.findall(r"^[\w.]*(?:Error|Exception)\b.*$", errors, flags=re.M)
            reason = lines[-1] if lines else "nbgrader could not grade it (see the log)"
            return "error", "; ".join([reason[:300]] + found.get("flagged", []))
        for path in sorted(folder.glob("*.ipynb")):
            nb = nbformat.read(str(path), as_version=4)
            for i, cell in enumerate(nb.cells):
                name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{i}"
                for output in cell.get("outputs", []):
                    if output.get("output_type") == "error" and output.get("ename") == "CellTimeoutError":
                        found.setdefault("timeout", []).insert(0, (
                            f"interrupted at the time limit ({self.timeout} s a cell, {self.notebook_timeout} s "
                            f"a notebook): cell {name}"))
                    if output.get("output_type") == "stream" and "... Output truncated ..." in output.get("text", ""):
                        found.setdefault("output", []).append(f"output of cell {name} cut at {self.max_lines} lines")
        stopped = found.pop("stopped", None)
        parts = [stopped[1]] if stopped else []
        for kind in STATUSES:
            parts += list(dict.fromkeys(found.get(kind, [])))
        status = stopped[0] if stopped else next((kind for kind in STATUSES if kind in found), "ok")
        return status, "; ".join(parts)

    def require_sandbox(self):
        """Check that kernels can be sandboxed, or that grading without is allowed; else GraderError."""
        reason = sandbox_problem()
        if self.sandbox is False:
            self.sandboxed = False
        elif reason is None:
            self.sandboxed = True
        elif self.sandbox is None and os.environ.get("GRADER_UNSANDBOXED", "") not in ("", "0"):
            self.sandboxed = False
        else:
            raise GraderError(f"cannot sandbox the kernels: {reason}. To grade without the sandbox (student code "
                              "then runs with your permissions), pass --unsandboxed")
        return self.sandboxed

    def autograde(self, submissions, assignment=None, say=print, jobs=1):
        """Autograde every submission under ``submissions``; returns ``{assignment: {student: record}}``.

        One nbgrader pass per assignment covers all students; each notebook runs in its own
        kernel, in the sandbox (see ``require_sandbox``). With ``jobs`` > 1, that many processes
        grade one student at a time each, sharing the gradebook. Records get ``status``,
        ``message``, ``seconds``, ``score`` and ``max_score``.
        """
        if jobs < 1:
            raise GraderError(f"jobs must be at least 1, not {jobs}")
        submissions = pathlib.Path(submissions).resolve()
        if submissions == self.work or self.work in submissions.parents:
            raise GraderError(f"{submissions} is inside the work folder {self.work}, which grading rewrites: "
                              "keep the collected submissions elsewhere")
        if not any(self.assignments()):
            raise GraderError(f"no assignments in {self.solutions}")
        if not self.require_sandbox():
            say(f"grading WITHOUT the sandbox: student code runs with your permissions "
                f"({sandbox_problem() or 'as asked'})")
        students, found = self.locate(submissions, assignment)
        if not found:
            raise GraderError(f"no submission in {submissions} matches an assignment in {self.solutions}")
        self.prepare(sorted(found))
        staged = {a: self.stage(a, students, found[a]) for a in sorted(found)}
        status = self.load_status()
        for a, records in staged.items():
            queued = [s for s, r in records.items() if r["status"] == "queued"]
            say(f"{a}: {len(records)} students, {len(queued)} to autograde "
                f"({len(records) - len(queued)} missing or invalid)")
            for s, r in records.items():
                if r["status"] != "queued":
                    say(f"  {s}: {r['message']}")
            if queued:
                self.autograde_assignment(a, records, len(queued), say, jobs)
            status.setdefault(a, {}).update(records)
        self.save_status(status)
        self.add_scores(staged)
        return staged

    def autograde_assignment(self, a, records, total, say, jobs=1):
        """One nbgrader autograde pass over every staged student of assignment ``a`` (or ``jobs`` at once)."""
        done = []
        started = time.monotonic()

        def on_done(student, messages, seconds):
            record = records.setdefault(student, {})
            record["status"], message = self.outcome(a, student, messages, record.pop("flags", []))
            record["message"] = "; ".join(filter(None, [message, record.get("message", "")]))
            record["seconds"] = round(seconds, 2)
            done.append(student)
            score = self.score(a, student)
            left = (time.monotonic() - started) / len(done) * (total - len(done))
            say(f"  [{len(done)}/{total}] {student}: {record['status']} {score[0]:g}/{score[1]:g} "
                f"({seconds:.1f} s, about {left / 60:.0f} min left)"
                + (f" {record['message']}" if record["message"] else ""))

        queued = [s for s, r in records.items() if r["status"] == "queued"]
        if jobs > 1 and len(queued) > 1:
            self.autograde_in_parallel(a, queued, min(jobs, len(queued)), on_done)
        else:
            tracker = Tracker(on_done)
            # Earlier submissions that are not in this batch stay as they are, failed ones included.
            others = sorted(p.parent.name for p in (self.work / "submitted").glob(f"*/{a}")
                            if p.parent.name not in records)
            with self.nbgrader(self.work / "logs" / f"autograde_{a}.log", tracker, exclude=others) as api:
                # force=False: nbgrader grades every staged student (their old output was removed
                # while staging) and skips the ones graded before and not resubmitted.
                result = api.autograde(a, "*", force=False, create=True)
                tracker.finish()
            if not done and not result.get("success"):
                raise GraderError(f"nbgrader autograde {a} failed:\n{result.get('error', '')}")
        for r in records.values():
            r.pop("flags", None)
            if r["status"] == "queued":
                r.update(status="error", message="nbgrader did not process this submission")
        elapsed = time.monotonic() - started
        say(f"{a}: autograded {len(done)} submissions in {elapsed:.1f} s "
            f"({elapsed / max(1, len(done)):.1f} s per submission); log: {self.work / 'logs'}")

    def autograde_in_parallel(self, a, students, jobs, on_done):
        """Autograde ``students`` of ``a`` in ``jobs`` processes, one student per task.

        Each task is an nbgrader pass over one student (log: ``logs/autograde_<a>/<student>.log``);
        the processes share the gradebook, whose SQLite lock waits up to a minute (``db_url``).
        """
        # spawn: a fresh interpreter per process, not a fork of one that may hold threads and kernels
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {pool.submit(autograde_one, self.work, self.solutions, self.course, self.sandboxed,
                                   self.guard, self.limits, a, s): s
                       for s in students}
            for future in as_completed(futures):
                try:
                    student, messages, seconds = future.result()
                except Exception as exc:  # nbgrader failed outside a notebook, or the process died
                    student, messages, seconds = futures[future], [("ERROR", f"{type(exc).__name__}: {exc}")], 0.0
                on_done(student, messages, seconds)

    def score(self, a, student):
        """``(score, max_score)`` of one submission from the gradebook (0 when there is none)."""
        with Gradebook(db_url(self.work)) as gb:
            top = gb.find_assignment(a).max_score
            try:
                return gb.find_submission(a, student).score, top
            except MissingEntry:
                return 0.0, top

    def add_scores(self, staged):
        """Add ``score`` and ``max_score`` from the gradebook to each record."""
        for a, records in staged.items():
            for s, r in records.items():
                r["score"], r["max_score"] = self.score(a, s)

    # ----------------------------------------------------------------- feedback
    def feedback(self, assignment=None, say=print, force=True):
        """HTML feedback for autograded submissions, in ``work/feedback``; returns the files.

        ``force=False`` only writes the feedback that is missing (regraded submissions lose
        theirs while staging).
        """
        root = self.work / "autograded"
        graded = sorted({p.name for p in root.glob("*/*") if p.is_dir()}) if root.is_dir() else []
        graded = [a for a in graded if assignment in (None, a)]
        if not graded:
            raise GraderError(f"nothing autograded in {root}{' for ' + assignment if assignment else ''}")
        for a in graded:
            count = []
            tracker = Tracker(lambda s, m, t, count=count: count.append(s))
            with self.nbgrader(self.work / "logs" / f"feedback_{a}.log", tracker) as api:
                result = api.generate_feedback(a, None, force=force)
                tracker.finish()
            if not result.get("success"):
                say(f"{a}: nbgrader reported errors while writing feedback, see {self.work / 'logs'}")
            say(f"{a}: feedback for {len(count)} submissions in {self.work / 'feedback'}")
        return sorted((self.work / "feedback").glob("*/*/*.html"))

    # ----------------------------------------------------------------- export
    def rows(self):
        """One row per student and assignment from the gradebook and the status records."""
        status = self.load_status()
        db = self.work / "gradebook.db"
        if not db.exists():
            raise GraderError(f"no gradebook in {self.work}: autograde first")
        rows = []
        with Gradebook(db_url(self.work)) as gb:
            scores, maxima = {}, {}
            for assignment in gb.assignments:
                for sub in assignment.submissions:
                    scores[assignment.name, sub.student.id] = sub.score
            assignments = sorted({a for a, _ in scores} | set(status))
            for a in assignments:
                maxima[a] = gb.find_assignment(a).max_score
            students = sorted({s for _, s in scores} | {s for recs in status.values() for s in recs})
        for s in students:
            for a in assignments:
                record = status.get(a, {}).get(s)
                if record is None:
                    record = {"status": "ok", "message": ""} if (a, s) in scores else \
                        {"status": "missing", "message": "no submission"}
                score = float(scores.get((a, s)) or 0.0)
                if record["status"] in ("missing", "invalid", "invalid notebook"):
                    score = 0.0
                top = float(maxima[a] or 0.0)
                rows.append({
                    "student_id": s, "assignment": a, "score": round(score, 3),
                    "max_score": round(top, 3),
                    "percent": round(100.0 * score / top, 1) if top else 0.0,
                    "status": record["status"], "message": record.get("message", ""),
                })
        return rows

    def export(self, path):
        """Write the grades CSV to ``path``; returns the rows."""
        rows = self.rows()
        path = pathlib.Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        return rows

    # ----------------------------------------------------------------- validate
    def validate(self, assignments=None, say=print):
        """Autograde each solution (must get full marks) and each released notebook (must get 0).

        Runs in a scratch work folder; returns ``(ok, rows)``.
        """
        assignments = list(assignments or self.assignments())
        if not assignments:
            raise GraderError(f"no assignments in {self.solutions}")
        rows, ok = [], True
        with tempfile.TemporaryDirectory(prefix="grader-validate-") as tmp:
            tmp = pathlib.Path(tmp)
            subs = tmp / "submissions"
            for a in assignments:
                shutil.copytree(self.solutions / a, subs / "solution" / a, ignore=IGNORE)
                released = self.course / a
                if not released.is_dir():
                    self.release([a], out=tmp / "released")
                    released = tmp / "released" / a
                shutil.copytree(released, subs / "released" / a, ignore=IGNORE)
            # the instructor's own notebooks: in the sandbox where it works, else without it
            scratch = Course(work=tmp / "work", solutions=self.solutions, course=self.course,
                             sandbox=self.sandbox if self.sandbox is not None else self.sandboxed, **self.limits)
            results = {}
            for a in assignments:
                say(f"validating {a} ...")
                results.update(scratch.autograde(subs, assignment=a, say=lambda *_: None))
        say(f"{'assignment':<28} {'solution':>12} {'released':>12}  result")
        for a in assignments:
            sol, rel = results[a]["solution"], results[a]["released"]
            good = sol["status"] == "ok" and sol["score"] == sol["max_score"] > 0 and rel["score"] == 0
            ok = ok and good
            rows.append({"assignment": a, "solution": sol, "released": rel, "ok": good})
            say(f"{a:<28} {sol['score']:>5g} / {sol['max_score']:<4g} {rel['score']:>5g} / {rel['max_score']:<4g}"
                f"  {'ok' if good else 'FAIL'}"
                + ("" if good else f" (solution: {sol['status']} {sol['message']}; released: {rel['status']})"))
        return ok, rows

    # ----------------------------------------------------------------- clean
    def clean(self):
        """Rewrite every notebook under solutions/ and course/ in canonical form; returns the changed ones."""
        changed = []
        for root in (self.solutions, self.course):
            if root.is_dir():
                for path in sorted(root.rglob("*.ipynb")):
                    if ".ipynb_checkpoints" not in path.parts and nbformat_tools.clean_file(path):
                        changed.append(path)
        return changed


def autograde_one(work, solutions, course, sandboxed, guard, limits, assignment, student):
    """One student's nbgrader pass, in a worker process: ``(student, messages, seconds)``."""
    result = []
    tracker = Tracker(lambda s, messages, seconds: result.append((s, messages, seconds)))
    started = time.monotonic()
    grader = Course(work=work, solutions=solutions, course=course, sandbox=sandboxed, guard=guard, **limits)
    with grader.nbgrader(grader.work / "logs" / f"autograde_{assignment}" / f"{student}.log", tracker) as api:
        api.autograde(assignment, student, force=False, create=True)
        tracker.finish()
    return result[0] if result else (student, [], time.monotonic() - started)
