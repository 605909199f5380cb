"""An nbgrader session: ``NbGraderAPI`` on a course root, in the environment grading needs.

``session`` opens nbgrader's API with a Config (grader/config.py), logging to a file and to a
``Tracker``, which follows one nbgrader pass over many students and hands each student's
warnings and errors on as that student finishes.
"""
import contextlib
import logging
import os
import pathlib
import re
import sys
import time
import warnings

from nbgrader.apps.api import NbGraderAPI
from sqlalchemy.exc import SAWarning

REPO = pathlib.Path(__file__).resolve().parent.parent


class GraderError(Exception):
    """A problem with the course itself (not with one submission): the command stops."""


def put_env_on_path():
    """Put this Python's ``bin/`` first on PATH: nbgrader runs ``alembic`` from PATH."""
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def kernel_env():
    """The variables the kernels need, besides the grader's own: offline data, the repository importable."""
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return {"GAN_COURSE_OFFLINE": "1",  # data_tools: offline fallback, no network attempts
            "PYTHONPATH": os.pathsep.join([str(REPO)] + [p for p in paths if p != str(REPO)])}


@contextlib.contextmanager
def grading_env():
    """While nbgrader runs: the kernels' environment (``kernel_env``, ``alembic`` on PATH) and a
    quiet console. Everything is put back afterwards."""
    saved = {k: os.environ.get(k) for k in ("GAN_COURSE_OFFLINE", "PYTHONPATH", "PATH")}
    os.environ.update(kernel_env())
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


@contextlib.contextmanager
def session(config, logfile=None, tracker=None):
    """An ``NbGraderAPI`` with ``config``, logging to ``logfile`` and to ``tracker``; the grading
    environment is set while it is open."""
    log = logging.getLogger(f"grader.nbgrader.{id(config)}.{time.monotonic_ns()}")
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
