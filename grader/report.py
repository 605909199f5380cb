"""The class report: one self-contained HTML page beside the grades CSV.

Per assignment: the totals (students, graded, missing, invalid), the distribution of the total
score, and per exercise (each graded test cell) the distribution of its score and the most
common failure messages; the submissions that hit a limit or were flagged, with their message;
the seconds each submission took. Scores come from nbgrader's gradebook (its ``Gradebook`` API),
statuses, messages and seconds from ``work/status.json`` (grader/records.py), failure messages
from the error outputs of the test cells in ``work/autograded/<student>/<assignment>/*.ipynb``.

Everything a student wrote (ids, messages) is escaped; lists are capped so that a class of
thousands still gives a short page. Plots are PNGs embedded as base64.
"""
import base64
import datetime
import html
import io
import json
import pathlib
import re

import pandas as pd
from matplotlib.figure import Figure
from nbgrader.api import Gradebook

from . import gradebook, records
from .config import db_url
from .outcome import STATUSES
from .session import GraderError

TOP_MESSAGES = 10  # failure messages shown per exercise
SHOWN_IDS = 5  # student ids shown per message
SHOWN_PROBLEMS = 20  # kinds of problem (status and message) listed per assignment
MESSAGE_CHARS = 300  # a message is cut after this many characters
# flagged, memory, processes, disk, cpu, timeout, output; queued: not graded yet (an interrupted run)
PROBLEMS = ["error", *STATUSES, "queued"]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", re.IGNORECASE)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
BLUE, GREY = "#3b6ea8", "#9aa5b1"

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; color: #222; max-width: 1150px; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 2px solid #ccd; padding-bottom: .2em; }
h3 { margin: 1.4em 0 .4em; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: .4em 0 1em; }
th, td { border: 1px solid #dde; padding: .3em .5em; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #f1f3f7; }
td.num, th.num { text-align: right; }
ol { margin: 0; padding-left: 1.4em; } li { margin-bottom: .25em; }
code, .msg { font-family: ui-monospace, monospace; font-size: .92em; }
.ids, .note { color: #666; font-size: .9em; }
.plots img { margin-right: 1.5em; vertical-align: top; }
img { max-width: 100%; }
"""


# --------------------------------------------------------------------------- data
def cell_scores(work):
    """The score of every graded test cell of every submission in the gradebook, as a DataFrame
    with columns assignment, notebook, cell, points, order, student, score."""
    work = pathlib.Path(work)
    if not gradebook.exists(work):
        raise GraderError(f"no gradebook in {work}: autograde first")
    found = []
    with Gradebook(db_url(work)) as gb:
        # A few queries per assignment and test cell, not per submission: the students are loaded
        # (and kept: the session holds them weakly) before their submissions, which then find them.
        students = gb.students
        for assignment in gb.assignments:
            owner = {sub.id: sub.student.id for sub in gb.assignment_submissions(assignment.name)}
            for notebook in assignment.notebooks:
                order = cell_order(work / "source" / assignment.name / f"{notebook.name}.ipynb")
                student = {sub.id: owner[sub.assignment_id]
                           for sub in gb.notebook_submissions(notebook.name, assignment.name)}
                for cell in notebook.grade_cells:
                    for grade in cell.grades:
                        found.append((assignment.name, notebook.name, cell.name, float(cell.max_score or 0),
                                      order.get(cell.name, len(order)), student[grade.notebook_id],
                                      float(grade.score or 0)))
        del students
    return pd.DataFrame(found, columns=["assignment", "notebook", "cell", "points", "order", "student", "score"])


def cell_order(path):
    """``{grade_id: position}`` of the cells of a source notebook (empty if it is gone)."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return {}
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells]
    return {name: i for i, name in enumerate(ids) if name}


def failure_messages(work, assignment, students):
    """``[(notebook, cell, student, message)]``: the first line of each error a test cell of
    ``assignment`` printed, for the given students, read from their autograded notebooks."""
    found = []
    for student in sorted(students):
        for path in sorted((pathlib.Path(work) / "autograded" / student / assignment).glob("*.ipynb")):
            raw = path.read_bytes()
            if b'"error"' not in raw:  # most notebooks: nothing failed, no need to parse them
                continue
            try:
                cells = json.loads(raw)["cells"]
            except (ValueError, KeyError):
                continue
            for cell in cells:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if cell.get("cell_type") != "code" or not meta.get("grade"):
                    continue
                for output in cell.get("outputs", []):
                    if output.get("output_type") == "error":
                        found.append((path.stem, meta.get("grade_id"), student, first_line(output)))
                        break
    return found


def first_line(error):
    """``ename: first line of evalue`` of an error output, without terminal colours."""
    text = ANSI.sub("", str(error.get("evalue") or "")).strip()
    text = text.splitlines()[0].strip() if text else ""
    name = ANSI.sub("", str(error.get("ename") or "Error"))
    return f"{name}: {text}" if text else name


def load(work, rows=None):
    """Everything the report shows: ``(rows, status, scores)``, the CSV's rows as a DataFrame
    (``rows``: those of records.rows, if the caller has them), status.json and the per-cell scores."""
    rows = pd.DataFrame(records.rows(work) if rows is None else rows, columns=records.CSV_COLUMNS)
    return rows, records.load_status(work), cell_scores(work)


# --------------------------------------------------------------------------- plots
def png(fig):
    """A matplotlib figure as an ``<img>`` tag with the PNG inline (drawn at 1.5 times the size
    it is shown at, for screens of high resolution)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    width, height = (fig.get_size_inches() * 100).astype(int)
    return f'<img width="{width}" height="{height}" alt="" src="data:image/png;base64,{data}">'


def score_plot(scores, top, size=(2.6, 1.35), xlabel=None, axis=False):
    """Bars of how many submissions got each score: one bar per score present (on the score axis
    with ``axis``, for totals; side by side otherwise), a histogram when there are too many."""
    fig = Figure(figsize=size)
    ax = fig.add_subplot()
    counts = scores.round(2).value_counts().sort_index()
    values = sorted(set(counts.index) | {0.0, float(top)})
    if axis and top <= 40 and all(float(v).is_integer() for v in values):
        values = [float(v) for v in range(int(top) + 1)]
    if len(values) <= 41:
        heights = [int(counts.get(v, 0)) for v in values]
        positions = values if axis else range(len(values))
        bars = ax.bar(positions, heights, color=[BLUE if v >= top else GREY for v in values], width=0.7)
        ax.bar_label(bars, labels=[str(h) if h else "" for h in heights], fontsize=6 if len(values) > 16 else 7,
                     padding=1)
        ticks = [v for v in values if counts.get(v, 0) or v in (0, top)] if axis else values
        ax.set_xticks(list(ticks) if axis else list(positions), [f"{v:g}" for v in ticks], fontsize=7)
    else:
        ax.hist(scores, bins=20, range=(0, top or None), color=BLUE)
        ax.tick_params(labelsize=7)
    ax.set_ylim(0, max(1, ax.get_ylim()[1] * 1.18))
    ax.tick_params(axis="y", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=8)
    fig.tight_layout(pad=0.3)
    return png(fig)


def time_plot(seconds):
    """A histogram of the seconds per submission."""
    fig = Figure(figsize=(4.2, 2.1))
    ax = fig.add_subplot()
    ax.hist(seconds, bins=min(40, max(10, len(seconds) // 5)), color=BLUE)
    ax.set_xlabel("seconds per submission", fontsize=8)
    ax.set_ylabel("submissions", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout(pad=0.3)
    return png(fig)


# --------------------------------------------------------------------------- HTML
def esc(value):
    return html.escape(str(value), quote=True)


def cut(text, limit=MESSAGE_CHARS):
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def id_list(students, shown=SHOWN_IDS):
    """The first ``shown`` ids, escaped, and how many more."""
    students = sorted(set(students))
    text = ", ".join(f"<code>{esc(s)}</code>" for s in students[:shown])
    return text + (f" and {len(students) - shown} more" if len(students) > shown else "")


def table(header, body, widths=None, numeric=()):
    """An HTML table; ``body`` cells are already HTML, ``numeric`` the right-aligned columns."""
    cols = "".join(f'<col style="width:{w}">' for w in widths) if widths else ""
    head = "".join(f'<th{" class=num" if i in numeric else ""}>{h}</th>' for i, h in enumerate(header))
    rows = "".join("<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{c}</td>' for i, c in enumerate(r))
                   + "</tr>" for r in body)
    return f"<table><colgroup>{cols}</colgroup><tr>{head}</tr>{rows}</table>"


def message_list(failures, failed):
    """The most common failure messages of one exercise as an ordered list, numbers aside:
    messages that differ only in their numbers count as one (the most common wording shown)."""
    if not failures and not len(failed):
        return '<span class="note">no failures</span>'
    frame = pd.DataFrame(failures, columns=["student", "message"])
    frame["key"] = frame["message"].map(lambda m: NUMBER.sub("#", m))
    groups = sorted(frame.groupby("key"), key=lambda kv: (-kv[1]["student"].nunique(), kv[0]))
    items = []
    for _, group in groups[:TOP_MESSAGES]:
        wording = group["message"].value_counts()
        variants = f' <span class="note">({len(wording)} variants, numbers differ)</span>' if len(wording) > 1 else ""
        items.append(f'<li><b>{group["student"].nunique()}</b> × <span class="msg">{esc(cut(wording.index[0]))}'
                     f'</span>{variants}<br><span class="ids">{id_list(group["student"])}</span></li>')
    more = ""
    if len(groups) > TOP_MESSAGES:
        rest = sum(g["student"].nunique() for _, g in groups[TOP_MESSAGES:])
        more += f'<p class="note">and {len(groups) - TOP_MESSAGES} other messages ({rest} submissions)</p>'
    silent = len(set(failed) - set(frame["student"]))
    if silent:
        more += (f'<p class="note">{silent} without an error message (the cell did not run, or wrote to '
                 'stderr)</p>')
    return (f"<ol>{''.join(items)}</ol>" if items else "") + more


def problem_table(problems):
    """The submissions that hit a limit, failed or were flagged: one row per status and message
    (numbers aside), worst status first, with the students and their scores."""
    if not len(problems):
        return '<p class="note">none</p>'
    problems = problems.assign(rank=problems["status"].map(PROBLEMS.index),
                               key=problems["message"].map(lambda m: NUMBER.sub("#", str(m))))
    groups = sorted(problems.groupby(["rank", "key"]), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1]))
    body = []
    for _, group in groups[:SHOWN_PROBLEMS]:
        wording = group["message"].value_counts()
        variants = f' <span class="note">({len(wording)} variants, numbers differ)</span>' if len(wording) > 1 else ""
        low, high = group["score"].min(), group["score"].max()
        body.append((esc(group["status"].iloc[0]), str(len(group)), f"{low:g}" if low == high else f"{low:g}–{high:g}",
                     f'<span class="msg">{esc(cut(wording.index[0]))}</span>{variants}',
                     f'<span class="ids">{id_list(group["student_id"], SHOWN_IDS * 2)}</span>'))
    more = ""
    if len(groups) > SHOWN_PROBLEMS:
        rest = sum(len(g) for _, g in groups[SHOWN_PROBLEMS:])
        more = (f'<p class="note">and {len(groups) - SHOWN_PROBLEMS} other messages ({rest} submissions; '
                'see the CSV)</p>')
    return table(["status", "submissions", "score", "message", "students"], body,
                 ["9%", "11%", "7%", "43%", "30%"], numeric=(1, 2)) + more


def seconds_of(status, graded):
    """The seconds each graded submission took, from its status record."""
    return pd.Series([float(r["seconds"]) for s, r in status.items()
                      if s in graded and isinstance(r.get("seconds"), (int, float))], dtype=float)


def assignment_section(name, rows, status, scores, work):
    """The HTML of one assignment."""
    counts = rows["status"].value_counts()
    graded_rows = rows[~rows["status"].isin(records.NO_SCORE)]
    graded = set(graded_rows["student_id"])
    missing = int(counts.get("missing", 0))
    invalid = int(sum(counts.get(s, 0) for s in records.NO_SCORE if s != "missing"))
    top = float(rows["max_score"].max() or 0)
    parts = [f'<h2 id="{esc(name)}">{esc(name)}</h2>',
             f"<p><b>{len(rows)}</b> students: <b>{len(graded)}</b> graded, <b>{missing}</b> missing, "
             f"<b>{invalid}</b> invalid. Statuses: "
             + ", ".join(f"{esc(s)} {n}" for s, n in counts.sort_index().items()) + "</p>"]
    seconds = seconds_of(status, graded)
    plots = []
    if len(graded_rows):
        mean = graded_rows["score"].mean()
        plots.append(f'<figure style="display:inline-block;margin:0 1.5em 0 0">'
                     f'{score_plot(graded_rows["score"], top, size=(4.2, 2.1), xlabel="total score", axis=True)}'
                     f"<figcaption class=note>total score of {len(graded_rows)} graded submissions "
                     f"(out of {top:g}; mean {mean:.2f}, {100 * mean / top if top else 0:.0f}%)</figcaption></figure>")
    if len(seconds):
        plots.append(f'<figure style="display:inline-block;margin:0">{time_plot(seconds)}'
                     f"<figcaption class=note>seconds per submission: median {seconds.median():.1f}, "
                     f"p90 {seconds.quantile(0.9):.1f}, max {seconds.max():.1f} "
                     f"(total {seconds.sum() / 60:.1f} min)</figcaption></figure>")
    if plots:
        parts.append(f'<div class="plots">{"".join(plots)}</div>')

    mine = scores[(scores["assignment"] == name) & scores["student"].isin(graded)]
    if len(mine):
        failures = {}
        for notebook, cell, student, message in failure_messages(work, name, graded):
            failures.setdefault((notebook, cell), []).append((student, message))
        several = mine["notebook"].nunique() > 1
        body = []
        for (notebook, cell), group in mine.groupby(["notebook", "cell"], sort=False):
            points = float(group["points"].iloc[0])
            full = int((group["score"] >= points).sum())
            failed = group.loc[group["score"] < points, "student"]
            label = f"<code>{esc(cell)}</code>" + (f'<br><span class="note">{esc(notebook)}</span>' if several else "")
            body.append((group["order"].iloc[0], notebook, [
                label, f"{points:g}", f"{full} / {len(group)}<br>({100 * full / len(group):.0f}%)",
                score_plot(group["score"], points), message_list(failures.get((notebook, cell), []), failed)]))
        body.sort(key=lambda item: (item[1], item[0]))
        parts += ["<h3>Exercises</h3>",
                  table(["test cell", "points", "full marks", "scores (how many got each)", "most common failures"],
                        [cells for _, _, cells in body], ["16%", "6%", "9%", "21%", "48%"], numeric=(1, 2))]

    parts.append("<h3>Limits reached, errors and flags</h3>")
    parts.append(problem_table(rows[rows["status"].isin(PROBLEMS)]))
    return "\n".join(parts)


def render(work, rows=None):
    """The class report of the work folder ``work`` as an HTML string (``rows``: see ``load``)."""
    work = pathlib.Path(work)
    rows, status, scores = load(work, rows)
    assignments = sorted(rows["assignment"].unique())
    overview = []
    for a in assignments:
        mine = rows[rows["assignment"] == a]
        graded = mine[~mine["status"].isin(records.NO_SCORE)]
        seconds = seconds_of(status.get(a, {}), set(graded["student_id"]))
        overview.append((f'<a href="#{esc(a)}">{esc(a)}</a>', len(mine), len(graded),
                         int((mine["status"] == "missing").sum()),
                         int(mine["status"].isin(records.NO_SCORE).sum() - (mine["status"] == "missing").sum()),
                         int(mine["status"].isin(PROBLEMS).sum()),
                         f"{graded['percent'].mean():.0f}%" if len(graded) else "",
                         f"{seconds.median():.1f}" if len(seconds) else ""))
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    body = [f"<h1>Class report</h1><p class=note>{esc(work)}, {now}. Scores from the gradebook, statuses and "
            "seconds from status.json; failure messages are the first line of the error each test cell printed "
            "(messages that differ only in their numbers count as one).</p>",
            f"<p><b>{rows['student_id'].nunique()}</b> students, <b>{len(assignments)}</b> assignments.</p>",
            table(["assignment", "students", "graded", "missing", "invalid", "limits, errors, flags", "mean score",
                   "median s"], overview, numeric=range(1, 8)),
            *(assignment_section(a, rows[rows["assignment"] == a], status.get(a, {}), scores, work)
              for a in assignments)]
    return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>Class report</title>"
            f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def write(work, path, rows=None):
    """Write the class report of ``work`` to ``path``; returns the path. ``rows``: those the grades
    CSV was written from (records.rows), if the caller has them."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(work, rows), encoding="utf-8")
    return path
