"""The HTML class report (grader/report.py) of a tiny toy class, graded once for the module.

The class: a right answer, a wrong one, a flagged one (rebinds the test's helper), a student whose
id and error message hold HTML, a broken notebook and a missing one. ``python -m grader grade``
writes grades.html beside grades.csv; ``python -m grader report --html`` writes it again from the
work folder. The report must name the exercises, count right, group the failure messages, escape
what students wrote, cap its lists, and be well-formed HTML.
"""
import html.parser
import subprocess
import sys

import pytest

from grader import report
from grading_helpers import BAD_SQUARE, ROOT, TOY, read, replace_cell, submit, toy_course

HOSTILE_ID = 'eve<b>&"x'
SCRIPT = "<script>alert('owned')</script>"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    course = toy_course(root)
    sol = read(course.solutions / TOY / f"{TOY}.ipynb")
    rel = read(course.course / TOY / f"{TOY}.ipynb")
    subs = root / "submissions"
    submit(subs, "right", TOY, sol)
    submit(subs, "wrong", TOY, replace_cell(rel, "square", BAD_SQUARE))  # square wrong, cube not done
    submit(subs, "flagged", TOY, replace_cell(rel, "square", BAD_SQUARE + "\neq = lambda a, b: True"))
    submit(subs, HOSTILE_ID, TOY, replace_cell(replace_cell(sol, "square", f"def square(x):\n    raise ValueError("
                                                                           f"{SCRIPT + ' at 3'!r})"),
                                               "cube", "def cube(x):\n    return x ** 3"))
    (subs / "broken" / TOY).mkdir(parents=True)
    (subs / "broken" / TOY / f"{TOY}.ipynb").write_text('{"cells": [', encoding="utf-8")
    (subs / "missing").mkdir()
    work, grades = root / "work", root / "grades.csv"
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(subs), "--csv", str(grades), "--work",
                           str(work), "--solutions", str(course.solutions), "--course", str(course.course)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = root / "grades.html"
    assert f"wrote {page}: the class report" in proc.stdout
    return {"work": work, "html": page.read_text(encoding="utf-8"), "root": root, "course": course}


class Checker(html.parser.HTMLParser):
    """Collects the start tags and checks that every element that must be closed is, in order."""
    VOID = {"meta", "img", "br", "col", "hr", "link", "input"}
    OPTIONAL = {"li", "p"}  # closed by the next one or by the parent; none is left open here anyway

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.tags, self.problems, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:]}")
        else:
            self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(page):
    checker = Checker()
    checker.feed(page)
    checker.close()
    return checker


def test_report_is_well_formed_and_self_contained(graded):
    checker = parse(graded["html"])
    assert not checker.problems and checker.open == [], (checker.problems, checker.open)
    assert "script" not in checker.tags  # no script at all: the hostile one is text
    assert checker.tags.count("img") >= 4  # total, seconds, one distribution per exercise
    assert 'src="http' not in graded["html"] and "data:image/png;base64," in graded["html"]


def test_report_shows_totals_and_exercises(graded):
    text = " ".join(" ".join(parse(graded["html"]).text).split())
    assert "6 students: 4 graded, 1 missing, 1 invalid." in text
    for cell in ("test_square", "test_cube"):
        assert cell in text
    # full marks: test_square only for "right"; test_cube for "right" and the hostile student
    assert "1 / 4 (25%)" in text and "2 / 4 (50%)" in text
    assert "seconds per submission: median" in text


def test_report_groups_failure_messages(graded):
    text = " ".join(" ".join(parse(graded["html"]).text).split())
    assert "2 × AssertionError: square(3) should be 9" in text  # wrong and flagged
    assert "2 × NotImplementedError" in text
    # the flagged submission, its message and who; the class's other limits and errors: none
    problems = text[text.index("Limits reached, errors and flags"):]
    assert problems.startswith("Limits reached, errors and flags status submissions score message students flagged 1 0")
    assert "rebinds eq, which the tests use" in problems and problems.rstrip().endswith("flagged")


def test_report_escapes_what_students_wrote(graded):
    page = graded["html"]
    assert SCRIPT not in page and HOSTILE_ID not in page
    assert "ValueError: &lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt; at 3" in page
    assert "eve&lt;b&gt;&amp;&quot;x" in page
    text = " ".join(parse(page).text)
    assert HOSTILE_ID in text and SCRIPT in text  # shown to the reader as they are


def test_report_command_writes_it_from_the_work_folder(graded, tmp_path):
    out = tmp_path / "again.html"
    proc = subprocess.run([sys.executable, "-m", "grader", "report", "--html", str(out), "--work", str(graded["work"])],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    strip = report.re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")  # the time it was written
    assert strip.sub("", out.read_text(encoding="utf-8")) == strip.sub("", graded["html"])
    proc = subprocess.run([sys.executable, "-m", "grader", "report", "--html", str(out), "--work",
                           str(tmp_path / "nowhere")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "no gradebook" in proc.stderr


def test_long_lists_are_capped():
    """3,000 failures of one exercise: the ten most common messages, five ids each, numbers aside."""
    failures = [(f"s{i:04d}", f"AssertionError: loss is {i % 40}.5, expected 0.69") for i in range(2000)]
    failures += [(f"t{i:04d}", f"CheckFailed: case {'abcdefghijklmnopqrstuvwxyz'[i % 26]} <b>") for i in range(1000)]
    listed = report.message_list(failures, [s for s, _ in failures] + ["silent"])
    assert listed.count("<li>") == report.TOP_MESSAGES
    assert "<b>2000</b> × " in listed and "(40 variants, numbers differ)" in listed
    assert "and 1995 more" in listed and "and 17 other messages (649 submissions)" in listed
    assert "1 without an error message" in listed and "<b>)" not in listed and "&lt;b&gt;" in listed
    assert len(listed) < 6000
