"""The grading run: find the submissions, stage them, autograde them, feedback.

``autograde`` copies a folder of submissions into nbgrader's layout in the work folder
(``stage``), runs one nbgrader pass per assignment for the whole class (or, with ``jobs``, one
per student in that many processes), and records what happened to each submission
(grader/records.py) with its status (grader/outcome.py). Every kernel runs in the sandbox
(grader/sandbox.py) unless grading without it was asked for (``require_sandbox``).

Runs are incremental and resumable: a submission whose content hash and whose assignment's
solution and limits (``graded_against``) are those it was last graded with keeps its results and
is not staged again (unless ``regrade``); ``status.json`` is saved after each graded submission,
so a run that was stopped grades, the next time, only what it had not finished.
"""
import ctypes
import multiprocessing
import os
import pathlib
import re
import shutil
import signal
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed

import nbformat
from nbgrader.api import MissingEntry
from tqdm import tqdm

from . import gradebook
from . import records as store
from .config import DEFAULTS
from .integrity import rebound_helpers, suspicious_code, tampering
from .outcome import outcome
from .sandbox import problem as sandbox_problem
from .session import GraderError, Tracker
from .submissions import BAD_ID_CHARS, check_notebook, find_submission, student_folders

IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
MAX_NOTEBOOK_MB = 100
UNSANDBOXED_NOTE = "graded without the sandbox"
EVERY_LINE = 50  # with at most this many submissions to grade, a line for each; with more, for the problems only


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


def handed_in(folder, notebooks):
    """What ``stage`` copies of one submission, as ``(name, path)`` pairs in a stable order: every
    file of the assignment folder (``folder``, but IGNORE) or, for the flat layout, the notebooks.
    Names are relative to the folder, as handed in (a renamed notebook keeps its name)."""
    if folder is None:
        return sorted((path.name, path) for path in notebooks.values())
    files = []
    for parent, dirs, names in os.walk(folder, followlinks=True):  # copytree follows links too
        ignored = IGNORE(parent, dirs + names)
        dirs[:] = [d for d in dirs if d not in ignored]
        files += [pathlib.Path(parent, n) for n in names if n not in ignored]
    return sorted((path.relative_to(folder).as_posix(), path) for path in files)


def graded_against(course, a):
    """Hash of what a submission of ``a`` is graded against: every file of ``solutions/<a>`` (the
    notebook, with its hidden tests, from which the release is made) and the settings that can
    change a result (the limits, the sandbox, the integrity guard). A change to any of them
    regrades the assignment's submissions; a change to the grader's own code does not (``regrade``)."""
    settings = {k: course.limits.get(k, v) for k, v in DEFAULTS.items()}
    settings.update(sandboxed=course.sandboxed, guard=course.guard)
    return store.content_hash(handed_in(course.solutions / a, {}), extra=settings)


def graded_students(course, a):
    """Students with a submission of ``a`` in the gradebook (``prepare`` made it)."""
    try:
        return set(store.scores(course.work, a)[0])
    except MissingEntry:  # never graded here
        return set()


def stage(course, a, students, found, status, regrade=False):
    """Copy each student's new or changed submission of ``a`` into ``work/submitted``; returns
    ``{student: record}`` and puts the records in ``status[a]``.

    A record is ``{"status", "message", "hash"}`` (and ``flags``, the static integrity checks'
    notes, until it is graded). A submission already graded with the same content (``hash``)
    against the same solution and limits (``graded_with``) keeps its record, its files in the work
    folder and its gradebook entry, unless ``regrade`` (or nbgrader failed on it). The others get
    status ``"queued"`` and are copied; missing and unreadable ones are recorded and left out of
    the nbgrader run. The queued records are saved before any old output is removed: a run stopped
    at any point leaves no submission that looks graded but is not.
    """
    work = course.work
    stems = course.notebook_stems(a)
    against = graded_against(course, a)
    in_gradebook = graded_students(course, a)
    old = status.get(a, {})
    records, kept = {}, set()
    for student in students:
        folder, notebooks = found.get(student, (None, {}))
        digest = store.content_hash(handed_in(folder, notebooks)) if notebooks else None
        before = old.get(student, {})
        # kept: graded with this content against this solution; nbgrader made a graded notebook (it
        # removes it when it fails outside the notebook: such a submission is tried again)
        if (not regrade and digest and before.get("hash") == digest and before.get("graded_with") == against
                and student in in_gradebook and (work / "autograded" / student / a).is_dir()):
            records[student] = before
            kept.add(student)
            continue
        record = records[student] = {"status": "queued", "message": ""}
        if digest:
            record["hash"] = digest
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
    status.setdefault(a, {}).update(records)
    store.save_status(work, status)
    for student, record in records.items():
        if student in kept:
            continue
        for sub in ("autograded", "feedback", "submitted"):
            if (work / sub / student / a).exists():
                shutil.rmtree(work / sub / student / a)
        if record["status"] != "queued":
            continue
        folder, notebooks = found[student]
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


def autograde(course, submissions, assignment=None, say=None, jobs=1, regrade=False):
    """Autograde the new and changed submissions under ``submissions`` (all of them with
    ``regrade``); returns ``{assignment: {student: record}}`` for every student found.

    One nbgrader pass per assignment covers all students to grade; each notebook runs in its own
    kernel, in the sandbox (see ``require_sandbox``). With ``jobs`` > 1, that many processes
    grade one student at a time each, sharing the gradebook. Records get ``status``,
    ``message``, ``seconds``, ``hash``, ``score`` and ``max_score``. ``say`` prints a line
    (default: ``tqdm.write``, which keeps the progress bars whole).
    """
    say = say or tqdm.write
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
    status = store.load_status(course.work)
    before = {a: dict(status.get(a, {})) for a in found}
    staged = {a: stage(course, a, students, found[a], status, regrade) for a in sorted(found)}
    for a, records in staged.items():
        queued = [s for s, r in records.items() if r["status"] == "queued"]
        kept = {s for s, r in records.items() if r is before[a].get(s)}
        say(f"{a}: {len(records)} students, {len(queued)} to autograde, {len(kept)} unchanged since they were "
            f"graded (skipped), {len(records) - len(queued) - len(kept)} missing or invalid")
        for s, r in records.items():
            if r["status"] != "queued" and s not in kept:
                say(f"  {s}: {r['message']}")
        if queued:
            autograde_assignment(course, a, records, len(queued), say, jobs, status)
    store.save_status(course.work, status)
    results = {}
    for a, records in staged.items():
        points, top = store.scores(course.work, a)
        results[a] = {s: {**r, "score": points.get(s, 0.0), "max_score": top} for s, r in records.items()}
    return results


def autograde_assignment(course, a, records, total, say, jobs=1, status=None):
    """One nbgrader autograde pass over every staged student of assignment ``a`` (or ``jobs`` at once).

    ``records`` holds the record objects of ``status[a]``: each graded one is saved to
    ``status.json`` (all of ``status``) at once. A progress bar (``progress_bar``) counts the
    submissions; a line per graded submission goes to ``say`` when there are at most EVERY_LINE,
    else only for those whose status is not ``ok``.
    """
    done = []
    started = time.monotonic()
    status = {a: records} if status is None else status
    against = graded_against(course, a)
    bar = progress_bar(a, total)

    def on_done(student, messages, seconds):
        record = records.setdefault(student, {})
        record["status"], message = outcome(course.work / "autograded" / student / a, messages,
                                            record.pop("flags", []), timeout=course.timeout,
                                            notebook_timeout=course.notebook_timeout, max_lines=course.max_lines)
        record["message"] = "; ".join(filter(None, [message, record.get("message", "")]))
        record["seconds"] = round(seconds, 2)
        record["graded_with"] = against
        store.save_status(course.work, status)
        done.append(student)
        if total <= EVERY_LINE or record["status"] != "ok":
            score = store.score(course.work, a, student)
            say(f"  [{len(done)}/{total}] {student}: {record['status']} {score[0]:g}/{score[1]:g} ({seconds:.1f} s)"
                + (f" {record['message']}" if record["message"] else ""))
        bar.update(1)

    queued = [s for s, r in records.items() if r["status"] == "queued"]
    if course.scheduler:
        autograde_on_cluster(course, a, queued, on_done)
    elif jobs > 1 and len(queued) > 1:
        autograde_in_parallel(course, a, queued, min(jobs, len(queued)), on_done)
    else:
        tracker = Tracker(on_done)
        # Only the queued students: the others keep their output (graded before and unchanged,
        # failed ones included).
        waiting = set(queued)
        others = sorted(p.parent.name for p in (course.work / "submitted").glob(f"*/{a}")
                        if p.parent.name not in waiting)
        with course.nbgrader(course.work / "logs" / f"autograde_{a}.log", tracker, exclude=others) as api:
            # force=False: nbgrader grades every staged student (their old output was removed
            # while staging).
            result = api.autograde(a, "*", force=False, create=True)
            if result.get("error", "").rstrip().endswith("KeyboardInterrupt"):
                raise KeyboardInterrupt  # Ctrl-C, which nbgrader's API returns as a failure: not recorded
            tracker.finish()
        if not done and not result.get("success"):
            raise GraderError(f"nbgrader autograde {a} failed:\n{result.get('error', '')}")
    bar.close()
    for r in records.values():
        r.pop("flags", None)
        if r["status"] == "queued":
            r.update(status="error", message="nbgrader did not process this submission")
    elapsed = time.monotonic() - started
    say(f"{a}: autograded {len(done)} submissions in {elapsed:.1f} s "
        f"({elapsed / max(1, len(done)):.1f} s per submission); log: {course.work / 'logs'}")


class LineWriter:
    """A stream for tqdm where the output is not a terminal (a CI log, a file): each redraw of the
    bar becomes a line of its own instead of carriage returns on one line."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        text = text.replace("\r", "").strip()
        if text:
            self.stream.write(text + "\n")

    def flush(self):
        self.stream.flush()


def progress_bar(a, total):
    """A tqdm bar on stderr: the count and the time left, from the average time per submission so
    far. On a terminal it redraws in place; elsewhere (or on a terminal of no width, as some
    CI runners' are) it writes a line at most once a minute."""
    try:
        terminal = sys.stderr.isatty() and os.get_terminal_size(sys.stderr.fileno()).columns > 0
    except (OSError, ValueError):  # no file descriptor (a replaced sys.stderr)
        terminal = False
    return tqdm(total=total, desc=a, unit="submission", file=sys.stderr if terminal else LineWriter(sys.stderr),
                mininterval=0.5 if terminal else 60, smoothing=0, dynamic_ncols=terminal, ascii=not terminal)


def autograde_in_parallel(course, a, students, jobs, on_done):
    """Autograde ``students`` of ``a`` in ``jobs`` processes, one student per task.

    Each task is an nbgrader pass over one student (log: ``logs/autograde_<a>/<student>.log``);
    the processes share the gradebook, whose SQLite lock waits up to a minute (``db_url``).
    """
    # spawn: a fresh interpreter per process, not a fork of one that may hold threads and kernels
    context = multiprocessing.get_context("spawn")
    settings = course.settings()
    others = set(multiprocessing.active_children())
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=worker_setup) as pool:
        futures = {pool.submit(autograde_one, settings, a, s): s for s in students}
        try:
            for future in as_completed(futures):
                try:
                    student, messages, seconds = future.result()
                except Exception as exc:  # nbgrader failed outside a notebook, or the process died
                    student, messages, seconds = futures[future], [("ERROR", f"{type(exc).__name__}: {exc}")], 0.0
                on_done(student, messages, seconds)
        except BaseException:  # Ctrl-C: stop now; the students being graded stay queued
            pool.shutdown(wait=False, cancel_futures=True)
            for process in set(multiprocessing.active_children()) - others:
                process.kill()
            raise


def worker_setup():
    """In a worker process: leave Ctrl-C to the grading process (which stops the workers), and be
    killed when it dies (Linux's PR_SET_PDEATHSIG), so that no orphan goes on grading into the
    work folder while the next run resumes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux
        pass


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
