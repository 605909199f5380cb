"""The course's grading command, built on nbgrader: release, validate, autograde, feedback, export.

``python -m grader --help`` lists the commands; grader/README.md is the instructor's guide.
The pipeline lives in ``grader.pipeline`` (``Course``); this package import stays light so that
``grader.nbformat_tools`` can be used without loading nbgrader.
"""
