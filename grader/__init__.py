"""The course's grading command, built on nbgrader: release, validate, autograde, feedback, export.

``python -m grader --help`` lists the commands; grader/README.md is the instructor's guide.
This package import stays light so that ``grader.nbformat_tools`` can be used without loading
nbgrader. The modules, each doing one thing:

- ``course``: the course definition (``Course``: folders, settings, release, validate, clean);
- ``grading``: the grading run (find and stage submissions, autograde, feedback);
- ``outcome``: a submission's status and message from nbgrader's log; ``records``: status.json and the CSV;
- ``session``: nbgrader's API in the grading environment; ``config``: nbgrader's Config, also
  behind the course's nbgrader_config.py;
- ``execute``: nbgrader's Execute step with time budgets, output caps and dying kernels handled;
- ``sandbox``: the bubblewrap sandbox and the OS limits each kernel runs under;
- ``integrity``, ``guard``, ``kernel_guard``: the integrity checks (before the run, and in the kernel);
- ``submissions``: finding a student's notebook; ``nbformat_tools``: canonical notebooks; ``report``: the HTML
  class report; ``cli``.
"""
