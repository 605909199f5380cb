"""The grading run: find the submissions, stage them, autograde them, feedback.

``autograde`` copies a folder of submissions into nbgrader's layout in the work folder
(``stage``), runs one nbgrader pass per assignment for the whole class (or, with ``jobs``, one
per student in that many processes), and records what happened to each submission
(grader/records.py) with its status (grader/outcome.py). Every kernel runs in the sandbox
(grader/sandbox.py) unless grading without it was asked for (``require_sandbox``).
"""
import multiprocessing
import os
import pathlib
import re
import shutil
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed

import nbformat

from . import gradebook
from . import records as store
from .integrity import rebound_helpers, suspicious_code, tampering
from .outcome import outcome
from .sandbox import problem as sandbox_problem
from .session import GraderError, Tracker
from .submissions import BAD_ID_CHARS, check_notebook, find_submission, student_folders

IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
MAX_NOTEBOOK_MB = 100
UNSANDBOXED_NOTE = "graded without the sandbox"


def locate(course, submissions, assignment=None):
    """Find submissions: returns ``(students, {assignment: {student: (folder, notebooks)}})``.

    Only assignments that at least one student submitted are listed (or just ``assignment``).
    """
    known = course.assignments()
    if assignment and assignment not in known:
        raise GraderError(f"no solution notebook for assignment {assignment!r} in {course.solutions}")
    students = student_folders(submissions)
    found = {}
    for student_dir in students:
        for a in ([assignment] if assignment else known):
            folder, notebooks = find_submission(student_dir, a, course.notebook_stems(a))
            if folder is not None or notebooks:
                found.setdefault(a, {})[student_dir.name] = (folder, notebooks)
    return [p.name for p in students], found


def stage(course, a, students, found):
    """Copy each student's submission of ``a`` into ``work/submitted``; returns ``{student: record}``.

    A record is ``{"status", "message"}`` (and ``flags``, the static integrity checks' notes, until
    it is graded). Gradable submissions get status ``"queued"`` and are copied; missing and
    unreadable ones are recorded and left out of the nbgrader run.
    """
    work = course.work
    stems = course.notebook_stems(a)
    records = {}
    for student in students:
        folder, notebooks = found.get(student, (None, {}))
        record = records[student] = {"status": "queued", "message": ""}
        for sub in ("submitted", "autograded", "feedback"):
            old = work / sub / student / a
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
            released = nbformat.read(str(work / "release" / a / f"{s}.ipynb"), as_version=4)
            notes += tampering(submitted, released)
            record.setdefault("flags", []).extend(rebound_helpers(submitted, released)
                                                  + suspicious_code(submitted, released))
        if not course.sandboxed:
            notes.append(UNSANDBOXED_NOTE)
        record["message"] = "; ".join(notes)
        dest = work / "submitted" / student / a
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


def require_sandbox(course):
    """Check that kernels can be sandboxed, or that grading without is allowed; else GraderError.

    Sets and returns ``course.sandboxed``.
    """
    reason = sandbox_problem()
    if course.sandbox is False:
        course.sandboxed = False
    elif reason is None:
        course.sandboxed = True
    elif course.sandbox is None and os.environ.get("GRADER_UNSANDBOXED", "") not in ("", "0"):
        course.sandboxed = False
    else:
        raise GraderError(f"cannot sandbox the kernels: {reason}. To grade without the sandbox (student code "
                          "then runs with your permissions), pass --unsandboxed")
    return course.sandboxed


def autograde(course, submissions, assignment=None, say=print, jobs=1):
    """Autograde every submission under ``submissions``; returns ``{assignment: {student: record}}``.

    One nbgrader pass per assignment covers all students; each notebook runs in its own
    kernel, in the sandbox (see ``require_sandbox``). With ``jobs`` > 1, that many processes
    grade one student at a time each, sharing the gradebook. Records get ``status``,
    ``message``, ``seconds``, ``score`` and ``max_score``.
    """
    if jobs < 1:
        raise GraderError(f"jobs must be at least 1, not {jobs}")
    submissions = pathlib.Path(submissions).resolve()
    # work/intake holds unpacked LMS downloads (grader/intake.py): grading does not rewrite it
    if (submissions == course.work or course.work in submissions.parents) and \
            course.work / "intake" not in submissions.parents:
        raise GraderError(f"{submissions} is inside the work folder {course.work}, which grading rewrites: "
                          "keep the collected submissions elsewhere")
    if not any(course.assignments()):
        raise GraderError(f"no assignments in {course.solutions}")
    if not require_sandbox(course):
        say(f"grading WITHOUT the sandbox: student code runs with your permissions "
            f"({sandbox_problem() or 'as asked'})")
    students, found = locate(course, submissions, assignment)
    if not found:
        raise GraderError(f"no submission in {submissions} matches an assignment in {course.solutions}")
    course.prepare(sorted(found))
    staged = {a: stage(course, a, students, found[a]) for a in sorted(found)}
    status = store.load_status(course.work)
    for a, records in staged.items():
        queued = [s for s, r in records.items() if r["status"] == "queued"]
        say(f"{a}: {len(records)} students, {len(queued)} to autograde "
            f"({len(records) - len(queued)} missing or invalid)")
        for s, r in records.items():
            if r["status"] != "queued":
                say(f"  {s}: {r['message']}")
        if queued:
            autograde_assignment(course, a, records, len(queued), say, jobs)
        status.setdefault(a, {}).update(records)
    store.save_status(course.work, status)
    for a, records in staged.items():
        for s, r in records.items():
            r["score"], r["max_score"] = store.score(course.work, a, s)
    return staged


def autograde_assignment(course, a, records, total, say, jobs=1):
    """One nbgrader autograde pass over every staged student of assignment ``a`` (or ``jobs`` at once)."""
    done = []
    started = time.monotonic()

    def on_done(student, messages, seconds):
        record = records.setdefault(student, {})
        record["status"], message = outcome(course.work / "autograded" / student / a, messages,
                                            record.pop("flags", []), timeout=course.timeout,
                                            notebook_timeout=course.notebook_timeout, max_lines=course.max_lines)
        record["message"] = "; ".join(filter(None, [message, record.get("message", "")]))
        record["seconds"] = round(seconds, 2)
        done.append(student)
        score = store.score(course.work, a, student)
        left = (time.monotonic() - started) / len(done) * (total - len(done))
        say(f"  [{len(done)}/{total}] {student}: {record['status']} {score[0]:g}/{score[1]:g} "
            f"({seconds:.1f} s, about {left / 60:.0f} min left)"
            + (f" {record['message']}" if record["message"] else ""))

    queued = [s for s, r in records.items() if r["status"] == "queued"]
    if course.scheduler:
        autograde_on_cluster(course, a, queued, on_done)
    elif jobs > 1 and len(queued) > 1:
        autograde_in_parallel(course, a, queued, min(jobs, len(queued)), on_done)
    else:
        tracker = Tracker(on_done)
        # Earlier submissions that are not in this batch stay as they are, failed ones included.
        others = sorted(p.parent.name for p in (course.work / "submitted").glob(f"*/{a}")
                        if p.parent.name not in records)
        with course.nbgrader(course.work / "logs" / f"autograde_{a}.log", tracker, exclude=others) as api:
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
        f"({elapsed / max(1, len(done)):.1f} s per submission); log: {course.work / 'logs'}")


def autograde_in_parallel(course, a, students, jobs, on_done):
    """Autograde ``students`` of ``a`` in ``jobs`` processes, one student per task.

    Each task is an nbgrader pass over one student (log: ``logs/autograde_<a>/<student>.log``);
    the processes share the gradebook, whose SQLite lock waits up to a minute (``db_url``).
    """
    # spawn: a fresh interpreter per process, not a fork of one that may hold threads and kernels
    context = multiprocessing.get_context("spawn")
    settings = course.settings()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(autograde_one, settings, a, s): s for s in students}
        for future in as_completed(futures):
            try:
                student, messages, seconds = future.result()
            except Exception as exc:  # nbgrader failed outside a notebook, or the process died
                student, messages, seconds = futures[future], [("ERROR", f"{type(exc).__name__}: {exc}")], 0.0
            on_done(student, messages, seconds)


def import_distributed():
    """Dask's ``distributed``, or a GraderError saying how to install it."""
    try:
        import distributed
    except ImportError as exc:
        raise GraderError(f"grading on a Dask cluster (--scheduler) needs the Python package 'distributed' "
                          f"({exc}): {gradebook.CLUSTER_EXTRA}") from None
    return distributed


def check_cluster(course, say=print):
    """Before grading on ``course.scheduler``: distributed is installed, the gradebook takes writers
    from several machines (not SQLite), the scheduler answers and its workers run one thread each;
    else GraderError. Says how many workers there are."""
    import_distributed()
    if gradebook.is_sqlite(course.gradebook):
        raise GraderError(
            "--scheduler needs a gradebook in a database server, which takes writers from many machines: "
            "pass --db postgresql://user@host/database (an SQLite file shared over a network file system "
            "is what nbgrader's FAQ warns against; on one machine, use --jobs N instead)")
    with cluster_client(course.scheduler) as client:
        threads = client.nthreads()
    many = sorted(w for w, n in threads.items() if n > 1)
    if many:
        raise GraderError(f"{len(many)} Dask workers run more than one thread ({', '.join(many[:3])}): grading sets "
                          "its process's environment while a notebook runs; restart them with --nthreads 1")
    say(f"Dask scheduler at {course.scheduler}: {len(threads)} workers"
        + ("" if threads else " (none yet: the tasks wait until one joins)"))


def cluster_client(address):
    """A ``distributed.Client`` of the scheduler at ``address``; GraderError when it does not answer."""
    distributed = import_distributed()
    try:
        return distributed.Client(address, timeout="30s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise GraderError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def autograde_on_cluster(course, a, students, on_done, task=None):
    """Autograde ``students`` of ``a`` on the Dask cluster at ``course.scheduler``, one task per student.

    Each task runs ``autograde_one`` on a worker (through ``autograde_on_worker``, which checks the
    worker first); ``on_done`` gets each student's result as it comes in, as with
    ``autograde_in_parallel``. The work folder must be at the same path on every worker (a shared
    file system) and the gradebook in a database server (``check_cluster``). When a worker dies
    during a task, Dask's scheduler runs the task again on another worker (``allowed-failures``
    times, 3 by default) and then gives up: that submission, like one whose task failed or was
    lost, is recorded as an ``error`` with the reason. ``task``: the function run on the workers
    (default ``autograde_on_worker``).
    """
    distributed = import_distributed()
    settings = course.settings()
    run = uuid.uuid4().hex[:8]
    with cluster_client(course.scheduler) as client:
        futures = {client.submit(task or autograde_on_worker, settings, a, s, key=f"autograde-{a}-{s}-{run}",
                                 pure=False): s for s in students}
        for future in distributed.as_completed(futures, loop=client.loop):
            student = futures[future]
            try:
                student, messages, seconds = future.result()
            except Exception as exc:  # the task failed, its workers died, or it was lost with the scheduler
                messages, seconds = [("ERROR", task_failure(exc))], 0.0
            on_done(student, messages, seconds)


def task_failure(exc):
    """The line the CSV's message shows for a task that did not come back (see grader/outcome.py)."""
    name, text = type(exc).__name__, " ".join(str(exc).split())  # one line: the CSV's message reads the first
    if name == "KilledWorker":
        return ("WorkerDiedError: every Dask worker that graded this submission died (out of memory, killed, "
                f"or lost); see the workers' logs. Dask said: {text}")
    return f"{name}: {text}" if re.search(r"(Error|Exception)$", name) else f"TaskError: {name}: {text}"


def autograde_on_worker(settings, assignment, student):
    """``autograde_one`` as a task on a Dask worker, after checking that this worker can grade.

    The task fails, saying why, when the worker cannot sandbox the kernels (grading was asked for
    in the sandbox), runs more than one thread (grading sets its process's environment while a
    notebook runs), or does not see the staged submission (the work folder must be on a shared
    file system at the same path). A task run again after its worker died starts from a clean
    output folder: nbgrader would skip a submission whose autograded folder exists.
    """
    import socket

    where = f"Dask worker on {socket.gethostname()}"
    work = pathlib.Path(settings["work"])
    if not (work / "submitted" / student / assignment).is_dir():
        raise GraderError(f"{where} does not see {work / 'submitted' / student / assignment}: the work folder "
                          "must be on a file system every worker mounts at the same path")
    if settings.get("sandbox"):
        reason = sandbox_problem()
        if reason:
            raise GraderError(f"{where} cannot sandbox the kernels: {reason}")
    try:
        from distributed import get_worker

        threads = get_worker().state.nthreads
    except (ImportError, ValueError):  # not in a worker (called directly)
        threads = 1
    if threads > 1:
        raise GraderError(f"{where} runs {threads} threads: start the workers with --nthreads 1")
    for sub in ("autograded", "feedback"):
        shutil.rmtree(work / sub / student / assignment, ignore_errors=True)
    return autograde_one(settings, assignment, student)


def autograde_one(settings, assignment, student):
    """One student's nbgrader pass, in a worker process: ``(student, messages, seconds)``.
    ``settings``: the keyword arguments of the grading process's ``Course``."""
    from .course import Course

    result = []
    tracker = Tracker(lambda s, messages, seconds: result.append((s, messages, seconds)))
    started = time.monotonic()
    course = Course(**settings)
    with course.nbgrader(course.work / "logs" / f"autograde_{assignment}" / f"{student}.log", tracker) as api:
        api.autograde(assignment, student, force=False, create=True)
        tracker.finish()
    return result[0] if result else (student, [], time.monotonic() - started)


def feedback(course, assignment=None, say=print, force=True):
    """HTML feedback for autograded submissions, in ``work/feedback``; returns the files.

    ``force=False`` only writes the feedback that is missing (regraded submissions lose
    theirs while staging).
    """
    root = course.work / "autograded"
    graded = sorted({p.name for p in root.glob("*/*") if p.is_dir()}) if root.is_dir() else []
    graded = [a for a in graded if assignment in (None, a)]
    if not graded:
        raise GraderError(f"nothing autograded in {root}{' for ' + assignment if assignment else ''}")
    for a in graded:
        count = []
        tracker = Tracker(lambda s, m, t, count=count: count.append(s))
        with course.nbgrader(course.work / "logs" / f"feedback_{a}.log", tracker) as api:
            result = api.generate_feedback(a, None, force=force)
            tracker.finish()
        if not result.get("success"):
            say(f"{a}: nbgrader reported errors while writing feedback, see {course.work / 'logs'}")
        say(f"{a}: feedback for {len(count)} submissions in {course.work / 'feedback'}")
    return sorted((course.work / "feedback").glob("*/*/*.html"))
