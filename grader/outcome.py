"""The status and message of one autograded submission, read from nbgrader's log and its output.

``GradedExecute`` (grader/execute.py) logs what happened in a form read back here: the kernel
stopped (``DEATH_LOG``), a limit a cell ran into (``LIMIT_LOG``), the integrity guard's notes
(``INTEGRITY_LOG``). The status names the worst of them (``STATUSES``); the message says which cells.
"""
import re

import nbformat

from .execute import DEATH_LOG, INTEGRITY_LOG, LIMIT_LOG

# the statuses of a graded submission after ok, worst first, as GradedExecute logs them
STATUSES = ["flagged", "memory", "processes", "disk", "cpu", "timeout", "output"]
DEATH_PATTERN = re.escape(DEATH_LOG).replace("%s", "(.+?)", 2).replace("%s", "(.*)")
LIMIT_PATTERN = re.escape(LIMIT_LOG).replace("%s", "(.+?)", 2).replace("%s", "(.*)")
MAX_NOTES = 20  # notes of one kind in a message
INTEGRITY_PATTERN = re.escape(INTEGRITY_LOG).replace("%s", "(.+?)", 1).replace("%s", "(.*)")


def outcome(folder, messages, flags=(), timeout=None, notebook_timeout=None, max_lines=None):
    """``(status, message)`` of the submission autograded into ``folder``, from nbgrader's log
    ``messages`` (``[(level, text)]``) and the executed notebooks.

    The status names the worst thing that happened: the kernel stopped (``error``, or the limit
    that stopped it), code that tampered with the tests (``flagged``: the integrity guard's notes
    and ``flags``, the static checks' notes), a limit a cell ran into, a cell interrupted at its
    time limit, output cut; ``ok`` otherwise. ``timeout``, ``notebook_timeout`` and ``max_lines``
    are the limits, for the message.
    """
    errors = "\n".join(text for level, text in messages if level in ("ERROR", "CRITICAL"))
    found = {"flagged": list(flags)} if flags else {}  # status -> message parts
    for _, text in messages:
        integrity = re.match(INTEGRITY_PATTERN, text)
        if integrity:
            found.setdefault("flagged", []).append(f"cell {integrity.group(1)} {integrity.group(2)}")
        stopped = re.match(DEATH_PATTERN, text)
        if stopped:
            cell, status, why = stopped.groups()
            found.setdefault("stopped", (status, f"{why} (in cell {cell}); the cells before it are scored, "
                                                 "the cells after it were not run"))
        limit = re.match(LIMIT_PATTERN, text)
        if limit:
            cell, status, detail = limit.groups()
            found.setdefault(status, []).append(f"{status} limit reached in cell {cell}: {detail}")
        if "time budget" in text or "Output of cell" in text:
            found.setdefault("output" if "Output" in text else "timeout", []).append(text.lower())
    if "There was an error processing assignment" in errors or not folder.is_dir():
        lines = re.findall(r"^[\w.]*(?:Error|Exception)\b.*$", errors, flags=re.M)
        reason = lines[-1] if lines else "nbgrader could not grade it (see the log)"
        return "error", "; ".join([reason[:300]] + found.get("flagged", []))
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        for i, cell in enumerate(nb.cells):
            name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{i}"
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and output.get("ename") == "CellTimeoutError":
                    found.setdefault("timeout", []).insert(0, (
                        f"interrupted at the time limit ({timeout} s a cell, {notebook_timeout} s "
                        f"a notebook): cell {name}"))
                if output.get("output_type") == "stream" and "... Output truncated ..." in output.get("text", ""):
                    found.setdefault("output", []).append(f"output of cell {name} cut at {max_lines} lines")
    stopped = found.pop("stopped", None)
    parts = [stopped[1]] if stopped else []
    for kind in STATUSES:
        notes = list(dict.fromkeys(found.get(kind, [])))
        if len(notes) > MAX_NOTES:  # the integrity guard's are all in the log
            notes = notes[:MAX_NOTES] + [f"and {len(notes) - MAX_NOTES} more notes ({kind})"]
        parts += notes
    status = stopped[0] if stopped else next((kind for kind in STATUSES if kind in found), "ok")
    return status, "; ".join(parts)
