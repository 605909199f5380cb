"""nbgrader's configuration for this course, for plain `nbgrader` commands run from this folder.

Made from the same settings as `python -m grader` (grader/config.py): the course root is `work/`,
every kernel runs in the sandbox with the default limits, and the tests' stderr warnings,
partial credit, deleted cells and hidden tests in the feedback are handled as the grader does,
so `nbgrader autograde 01_backquery` here gives the scores `python -m grader grade` gives.
`python -m grader` also writes an nbgrader_config.py into the work folder, with the limits it ran
with, for `cd work && nbgrader formgrader`. See grader/README.md.
"""
import os
import sys
import traceback

c = get_config()  # noqa: F821 - given by nbgrader when it reads this file
HERE = os.path.dirname(os.path.abspath(__file__))
try:
    sys.path.insert(0, HERE)
    from grader.config import plain_nbgrader_config

    c.merge(plain_nbgrader_config(os.path.join(HERE, "work")))
except Exception:  # nbgrader would go on with its defaults, unsandboxed: no kernel starts instead
    traceback.print_exc()
    c.Execute.kernel_name = "grader-configuration-failed-see-above"
