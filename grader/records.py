"""What the grader keeps per submission, and the grades CSV.

``work/status.json`` holds the status and message of every submission (nbgrader's gradebook
holds the scores), with the content hash of what was handed in (``hash``, see ``content_hash``)
and, once it is graded, the hash of what it was graded against (``graded_with``: the solution and
the limits); ``rows`` joins the two, one row per student and assignment, and ``export`` writes
them as CSV. The grading run rewrites the file after every graded submission, so that a stopped
run can resume.
"""
import csv
import hashlib
import json
import os
import pathlib

from nbgrader.api import Gradebook, MissingEntry

from . import gradebook
from .config import db_url
from .session import GraderError

CSV_COLUMNS = ["student_id", "assignment", "score", "max_score", "percent", "status", "message"]
# statuses that score 0 whatever the gradebook says ("queued": staged, but the run stopped before
# grading it; the gradebook may still hold the score of an earlier version)
NO_SCORE = ("missing", "invalid", "invalid notebook", "queued")


def status_file(work):
    return pathlib.Path(work) / "status.json"


def load_status(work):
    path = status_file(work)
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {}


def save_status(work, status):
    """Write ``status.json`` whole or not at all: a temporary file, then renamed over the old one
    (a rename is atomic, so a run killed while saving leaves the previous file)."""
    pathlib.Path(work).mkdir(parents=True, exist_ok=True)
    text = json.dumps(status, indent=1, sort_keys=True)
    path = status_file(work)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text + "\n", encoding="utf-8")
    os.replace(temporary, path)


def content_hash(files, extra=None):
    """SHA-256 of ``files``, ``(name, path)`` pairs, in the order given: each name, size and bytes
    (not the times), then ``extra`` (a JSON-able value) if given. Hex digits."""
    digest = hashlib.sha256()
    for name, path in files:
        data = pathlib.Path(path).read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    if extra is not None:
        digest.update(json.dumps(extra, sort_keys=True).encode())
    return digest.hexdigest()


def score(work, assignment, student):
    """``(score, max_score)`` of one submission from the gradebook (0 when there is none)."""
    with Gradebook(db_url(work)) as gb:
        top = gb.find_assignment(assignment).max_score
        try:
            return gb.find_submission(assignment, student).score, top
        except MissingEntry:
            return 0.0, top


def scores(work, assignment):
    """``({student: score}, max_score)`` of every submission of ``assignment`` in the gradebook,
    in one query (``score`` opens the gradebook each time)."""
    with Gradebook(db_url(work)) as gb:
        found = gb.find_assignment(assignment)
        return {sub.student.id: sub.score for sub in found.submissions}, found.max_score


def rows(work):
    """One row per student and assignment from the gradebook and the status records."""
    status = load_status(work)
    if not gradebook.exists(work):
        raise GraderError(f"no gradebook in {work}: autograde first")
    url = db_url(work)
    if not gradebook.is_sqlite(url):
        gradebook.check(url)  # a clear error when the database server cannot be reached
    found = []
    with Gradebook(url) as gb:
        scores, maxima = {}, {}
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                scores[assignment.name, sub.student.id] = sub.score
        assignments = sorted({a for a, _ in scores} | set(status))
        for a in assignments:
            maxima[a] = gb.find_assignment(a).max_score
        students = sorted({s for _, s in scores} | {s for recs in status.values() for s in recs})
    for s in students:
        for a in assignments:
            record = status.get(a, {}).get(s)
            if record is None:
                record = {"status": "ok", "message": ""} if (a, s) in scores else \
                    {"status": "missing", "message": "no submission"}
            points = 0.0 if record["status"] in NO_SCORE else float(scores.get((a, s)) or 0.0)
            top = float(maxima[a] or 0.0)
            found.append({
                "student_id": s, "assignment": a, "score": round(points, 3), "max_score": round(top, 3),
                "percent": round(100.0 * points / top, 1) if top else 0.0,
                "status": record["status"], "message": record.get("message", ""),
            })
    return found


def export(work, path):
    """Write the grades CSV to ``path``; returns the rows."""
    found = rows(work)
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(found)
    return found
