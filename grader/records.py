"""What the grader keeps per submission, and the grades CSV.

``work/status.json`` holds the status and message of every submission (nbgrader's gradebook
holds the scores); ``rows`` joins the two, one row per student and assignment, and ``export``
writes them as CSV.
"""
import csv
import json
import pathlib

from nbgrader.api import Gradebook, MissingEntry

from . import gradebook
from .config import db_url
from .session import GraderError

CSV_COLUMNS = ["student_id", "assignment", "score", "max_score", "percent", "status", "message"]
NO_SCORE = ("missing", "invalid", "invalid notebook")  # statuses that score 0 whatever the gradebook says


def status_file(work):
    return pathlib.Path(work) / "status.json"


def load_status(work):
    path = status_file(work)
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {}


def save_status(work, status):
    pathlib.Path(work).mkdir(parents=True, exist_ok=True)
    text = json.dumps(status, indent=1, sort_keys=True)
    status_file(work).write_text(text + "\n", encoding="utf-8")


def score(work, assignment, student):
    """``(score, max_score)`` of one submission from the gradebook (0 when there is none)."""
    with Gradebook(db_url(work)) as gb:
        top = gb.find_assignment(assignment).max_score
        try:
            return gb.find_submission(assignment, student).score, top
        except MissingEntry:
            return 0.0, top


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
