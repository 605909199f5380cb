"""The course definition: its solutions, its released notebooks and a work folder for grading.

``Course`` holds the folders and the grading settings and does what concerns the course's own
notebooks: ``release`` (course/ from solutions/), ``validate`` (solutions get full marks,
released notebooks 0) and ``clean`` (canonical format). Grading a class is grader/grading.py,
the CSV grader/records.py; ``Course.autograde``, ``feedback``, ``rows`` and ``export`` call them.
"""
import pathlib
import shutil
import tempfile

import nbformat

from . import gradebook, grading, nbformat_tools, records
from .config import DEFAULTS, config_file_text, db_url, nbgrader_config
from .sandbox import problem as sandbox_problem
from .session import REPO, GraderError, session


class Course:
    """One course: its solutions, its released notebooks and a work folder for grading."""

    def __init__(self, work=None, solutions=None, course=None, sandbox=None, guard=True, db=None, scheduler=None,
                 **limits):
        """``sandbox``: True to require the sandbox, False to grade without it, None (the default)
        to require it for ``autograde`` unless ``GRADER_UNSANDBOXED=1`` is set, and to use it in
        ``validate`` where it works. ``limits``: timeout, notebook_timeout, max_lines, memory,
        processes, disk, cpu (see grader/README.md). ``guard=False`` turns the integrity guard off
        (only to show what it stops). ``db``: the gradebook's database URL (default: the one the
        work folder keeps, else SQLite, see grader/gradebook.py). ``scheduler``: the address of a
        Dask scheduler to grade on (grader.grading.autograde_on_cluster); None grades on this machine."""
        self.solutions = pathlib.Path(solutions or REPO / "solutions").resolve()
        self.course = pathlib.Path(course or REPO / "course").resolve()
        self.work = pathlib.Path(work or REPO / "work").resolve()
        self.sandbox = sandbox
        self.guard = guard
        self.db = gradebook.with_driver(db) if db else None
        self.scheduler = scheduler
        self.sandboxed = sandbox is not False and sandbox_problem() is None
        self.limits = {k: v for k, v in limits.items() if v is not None}
        self.timeout = self.limits.get("timeout", DEFAULTS["timeout"])
        self.notebook_timeout = self.limits.get("notebook_timeout", DEFAULTS["notebook_timeout"])
        self.max_lines = self.limits.get("max_lines", DEFAULTS["max_lines"])

    def settings(self):
        """The keyword arguments that make the same Course in another process."""
        return {"work": self.work, "solutions": self.solutions, "course": self.course,
                "sandbox": self.sandboxed, "guard": self.guard, "db": self.gradebook, **self.limits}

    @property
    def gradebook(self):
        """The gradebook's URL: ``db``, else the one the work folder keeps, else SQLite's file in it."""
        return self.db or db_url(self.work)

    def assignments(self):
        """Assignment names: folders of ``solutions/`` holding at least one notebook."""
        if not self.solutions.is_dir():
            return []
        return sorted(p.name for p in self.solutions.iterdir()
                      if p.is_dir() and any(p.glob("*.ipynb")))

    def notebook_stems(self, assignment):
        return sorted(p.stem for p in (self.solutions / assignment).glob("*.ipynb"))

    def config(self):
        """nbgrader's Config for this course (grader/config.py)."""
        return nbgrader_config(self.work, **self.limits, sandbox=self.sandboxed, guard=self.guard,
                               hidden=[REPO, self.solutions, self.course], db=self.gradebook)

    def nbgrader(self, logfile=None, tracker=None, database=True, exclude=()):
        """An ``NbGraderAPI`` on the work folder (a context manager), logging to ``logfile`` and
        ``tracker``. ``database=False`` leaves the gradebook alone (for releasing only); nbgrader
        skips the students in ``exclude``."""
        (self.work / "exchange").mkdir(parents=True, exist_ok=True)
        config = self.config()
        config.CourseDirectory.student_id_exclude = ",".join(exclude)
        if not database:
            config.SaveCells.enabled = False
            config.GenerateAssignment.no_database = True
        return session(config, logfile, tracker)

    def prepare(self, assignments, database=True):
        """Copy ``solutions/<a>`` into the work folder and run generate_assignment on it.

        This writes the student version to ``work/release/<a>`` and (unless ``database`` is
        False) fills the gradebook with the assignment's cells, which autograding needs, and
        writes ``work/nbgrader_config.py``, with which plain nbgrader grades as the grader does.
        """
        known = self.assignments()
        for a in assignments:
            if a not in known:
                raise GraderError(f"no solution notebook for assignment {a!r} in {self.solutions}")
            dest = self.work / "source" / a
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(self.solutions / a, dest, ignore=grading.IGNORE)
        with self.nbgrader(self.work / "logs" / "generate_assignment.log", database=database) as api:
            for a in assignments:
                result = api.generate_assignment(a)
                if not result.get("success"):
                    raise GraderError(f"nbgrader generate_assignment {a} failed:\n{result.get('log', '')}\n"
                                      f"{result.get('error', '')}")
        if database:
            text = config_file_text(hidden=[self.solutions, self.course], **self.limits)
            (self.work / "nbgrader_config.py").write_text(text, encoding="utf-8")

    # ----------------------------------------------------------------- the course's notebooks
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
                shutil.copytree(self.solutions / a, subs / "solution" / a, ignore=grading.IGNORE)
                released = self.course / a
                if not released.is_dir():
                    self.release([a], out=tmp / "released")
                    released = tmp / "released" / a
                shutil.copytree(released, subs / "released" / a, ignore=grading.IGNORE)
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

    def clean(self):
        """Rewrite every notebook under solutions/ and course/ in canonical form; returns the changed ones."""
        changed = []
        for root in (self.solutions, self.course):
            if root.is_dir():
                for path in sorted(root.rglob("*.ipynb")):
                    if ".ipynb_checkpoints" not in path.parts and nbformat_tools.clean_file(path):
                        changed.append(path)
        return changed

    # ----------------------------------------------------------------- grading a class
    def autograde(self, submissions, assignment=None, say=None, jobs=1, regrade=False):
        """See grader.grading.autograde (and autograde_on_cluster with ``scheduler``)."""
        self.check_gradebook()
        if self.scheduler:
            grading.check_cluster(self, say or print)
        return grading.autograde(self, submissions, assignment, say, jobs, regrade)

    def check_gradebook(self):
        """Check that a database gradebook can be reached, and make ``db`` the work folder's gradebook."""
        if self.db:
            gradebook.remember(self.work, self.db)
        elif not gradebook.is_sqlite(self.gradebook):
            gradebook.check(self.gradebook)

    def feedback(self, assignment=None, say=print, force=True):
        """See grader.grading.feedback."""
        self.check_gradebook()
        return grading.feedback(self, assignment, say, force)

    def rows(self):
        """One row per student and assignment (grader.records.rows)."""
        return records.rows(self.work)

    def export(self, path):
        """Write the grades CSV to ``path``; returns the rows (grader.records.export)."""
        return records.export(self.work, path)
