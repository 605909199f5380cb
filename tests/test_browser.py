"""The latent explorer and the digit chooser in a real JupyterLab, driven in headless chromium.

tools/check_explorer.py does the work (see its docstring for what it checks). It needs the
playwright Python package (in the test extras) and a chromium; CI installs chromium (.ci/run).
Where either is missing the test skips and says how to get it.
"""
import importlib.util
import os
import pathlib
import shutil
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def find_chromium():
    """A chromium (or chrome) executable: $GAN_COURSE_CHROMIUM, else chromium on PATH."""
    for candidate in (os.environ.get("GAN_COURSE_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), "/usr/bin/chromium"):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def test_explorer_and_digit_chooser_work_in_jupyterlab(tmp_path, capsys):
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("the playwright Python package is missing: `python3 bootstrap.py test` installs it with "
                    "the test extras (or pip install playwright in the venv); no browser download is needed")
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no chromium: install it (Debian or Ubuntu: apt-get install chromium) or set "
                    "GAN_COURSE_CHROMIUM to a chromium or chrome executable")
    sys.path.insert(0, str(ROOT))
    from tools import check_explorer

    shots = tmp_path / "shots"
    code = check_explorer.main(["--venv", sys.prefix, "--chromium", chromium, "--shots", str(shots),
                                "--timeout", "120"])
    out = capsys.readouterr().out
    failed = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert code == 0, "\n".join(failed) + f"\nscreenshots in {shots}\n\n{out[-4000:]}"
