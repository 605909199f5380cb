"""Submissions from an LMS download (grader/intake.py): the zips Canvas and Moodle make, on the toy assignment.

The intake tests unpack zips built here, with names as each LMS writes them (late and re-uploaded
files, a second notebook, online text, a stray file, unsafe entries), and check the per-student
layout and the listing of what is not graded. Two ``grade`` runs (a Canvas zip, and a Moodle zip
with a roster) check the CSV rows end to end.
"""
import csv
import stat
import zipfile

import nbformat
import pytest

from grader import cli, intake
from grader.course import Course
from grader.grading import UNSANDBOXED_NOTE
from grader.session import GraderError
from grading_helpers import RIGHT_SQUARE, TOY, all_files, read, replace_cell, toy_course

WHEN = (2026, 11, 30, 12, 0, 0)


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    root = tmp_path_factory.mktemp("intake")
    course = toy_course(root, "work")
    rel = read(course.course / TOY / f"{TOY}.ipynb")
    half = replace_cell(rel, "square", RIGHT_SQUARE)  # 2 of 3 points
    right = replace_cell(half, "cube", "def cube(x):\n    return x ** 3")
    return course, {name: nbformat.writes(n).encode() for name, n in (("sol", right), ("rel", rel), ("half", half))}


def make_zip(path, files):
    """``files``: (name, bytes) or (name, bytes, date_time) or (name, target, "symlink")."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data, *extra in files:
            info = zipfile.ZipInfo(name, date_time=extra[0] if extra and extra[0] != "symlink" else WHEN)
            info.compress_type = zipfile.ZIP_DEFLATED
            if extra == ["symlink"]:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, data)
    return path


def canvas_files(nb):
    return [
        ("smithjane_12345_6789012_00_toy.ipynb", nb["sol"]),
        # late, and handed in twice: 00_toy-1.ipynb is Canvas's name for the second upload of 00_toy.ipynb
        ("doejohn_late_23456_6789013_00_toy.ipynb", nb["rel"]),
        ("doejohn_late_23456_6789020_00_toy-1.ipynb", nb["half"]),
        ("doejohn_late_23456_6789021_notes.pdf", b"%PDF-1.4"),
        ("leeanna_34567_text.html", b"<p>my answer</p>"),  # an online text entry, no notebook
    ]


def unmatched(root):
    lines = (root / "unmatched.txt").read_text(encoding="utf-8").splitlines()[1:]
    return dict(line.split("\t") for line in lines)


def test_canvas_zip_unpacks_to_the_student_layout_and_lists_the_rest(toy, tmp_path, monkeypatch):
    course, nb = toy
    course = Course(work=tmp_path / "work", solutions=course.solutions)
    monkeypatch.setattr(intake, "MAX_FILE_MB", 1)
    files = canvas_files(nb) + [
        ("stray.txt", b"hello"),
        ("__MACOSX/._smithjane_12345_6789012_00_toy.ipynb", b"\0"),
        ("../evil_12345_1_00_toy.ipynb", nb["sol"]),
        ("/tmp/evil_12345_2_00_toy.ipynb", nb["sol"]),
        ("smithjane_12345_6789030_00_toy.ipynb.lnk", "/etc/passwd", "symlink"),
        ("bomb_45678_6789040_00_toy.ipynb", bytes(2 * 2**20)),  # 2 MB of zeros, over the 1 MB limit set here
    ]
    zpath = make_zip(tmp_path / "course-toy submissions.zip", files)
    lines = []
    taken = intake.take_in(course, zpath, say=lines.append)
    root = course.work / "intake" / "course-toy_submissions"
    assert taken.folder == root / "submissions"
    assert all_files(taken.folder) == {f"12345/{TOY}/{TOY}.ipynb": nb["sol"],
                                       f"23456/{TOY}/{TOY}-1.ipynb": nb["half"]}
    assert sorted(p.name for p in taken.folder.iterdir()) == ["12345", "23456", "34567"]  # 34567: missing
    listed = unmatched(root)
    graded = {"smithjane_12345_6789012_00_toy.ipynb", "doejohn_late_23456_6789020_00_toy-1.ipynb"}
    assert set(listed) == {name for name, *_ in files} - graded  # every other file, once
    assert listed["stray.txt"] == "the name is not in Canvas's or Moodle's form"
    assert listed["doejohn_late_23456_6789013_00_toy.ipynb"].startswith("an older notebook of student 23456")
    assert listed["doejohn_late_23456_6789021_notes.pdf"] == "not a notebook (student 23456)"
    assert listed["../evil_12345_1_00_toy.ipynb"].startswith("UNSAFE: a path that leaves")
    assert listed["/tmp/evil_12345_2_00_toy.ipynb"] == "UNSAFE: an absolute path"
    assert listed["smithjane_12345_6789030_00_toy.ipynb.lnk"] == "UNSAFE: a symbolic link"
    assert "zip bomb" in listed["bomb_45678_6789040_00_toy.ipynb"]
    assert not [p for p in tmp_path.rglob("*evil*")] and not (tmp_path / "tmp").exists()
    assert not [p for p in course.work.rglob("*") if p.is_symlink()]
    out = "\n".join(lines)
    assert "2 notebooks of 3 students" in out and "stray.txt: the name is not" in out
    assert taken.notes[("23456", TOY)] == [
        f"2 notebooks for {TOY}: graded {TOY}-1.ipynb, the newest (the highest re-upload number, -1); "
        f"not graded: {TOY}.ipynb", "marked late by Canvas"]
    assert taken.notes[("23456", None)] == ["handed in notes.pdf: not a notebook, not graded"]
    assert taken.notes[("34567", None)] == ["handed in text.html: not a notebook, not graded"]
    with open(root / "students.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["student_id"], r["lms_id"], r["name"], r["late"]) for r in rows] == [
        ("12345", "12345", "smithjane", "False"), ("23456", "23456", "doejohn", "True")]

    # the same zip again: the same folder and listing, nothing left over from before
    before = all_files(root)
    (taken.folder / "12345" / "leftover.ipynb").write_text("{}")
    again = intake.take_in(course, zpath, say=lambda *_: None)
    assert all_files(root) == before and again.notes == taken.notes


def test_moodle_zip_in_folders_and_flat(toy, tmp_path):
    course, nb = toy
    course = Course(work=tmp_path / "work", solutions=course.solutions)
    files = [
        ("Ana Lima_103_assignsubmission_file/00_toy.ipynb", nb["rel"], (2026, 11, 1, 9, 0, 0)),
        ("Ana Lima_103_assignsubmission_file/00_toy_v2.ipynb", nb["half"], (2026, 11, 2, 9, 0, 0)),  # later
        ("Ana Lima_103_assignsubmission_onlinetext/onlinetext.html", b"<p>see the notebook</p>"),
        ("Bo Chen_104_assignsubmission_file_/00_toy.ipynb", nb["sol"]),  # Moodle 3.1 to 4.0: a trailing _
        ("Jane Smith_101_assignsubmission_file_00_toy.ipynb", nb["sol"]),  # flat
        ("Jane Smith_102_assignsubmission_file_homework.ipynb", nb["half"]),  # another Jane Smith
    ]
    zpath = make_zip(tmp_path / "moodle.zip", files)
    taken = intake.take_in(course, zpath, say=lambda *_: None)
    assert all_files(taken.folder) == {f"ana-lima/{TOY}/00_toy_v2.ipynb": nb["half"],
                                       f"bo-chen/{TOY}/{TOY}.ipynb": nb["sol"],
                                       f"jane-smith-101/{TOY}/{TOY}.ipynb": nb["sol"]}
    listed = unmatched(taken.folder.parent)
    assert listed["Ana Lima_103_assignsubmission_onlinetext/onlinetext.html"] == "not a notebook (student ana-lima)"
    assert listed["Jane Smith_102_assignsubmission_file_homework.ipynb"].startswith(
        "names no assignment of the course (student jane-smith-102")
    assert "the latest time in the zip, 2026-11-02 09:00" in taken.notes[("ana-lima", TOY)][0]
    # --assignment: a notebook named otherwise is that assignment's
    taken = intake.take_in(course, zpath, assignment=TOY, say=lambda *_: None)
    assert (taken.folder / "jane-smith-102" / TOY / f"{TOY}.ipynb").read_bytes() == nb["half"]
    assert taken.notes[("jane-smith-102", TOY)] == [f"graded homework.ipynb as {TOY}.ipynb"]


def test_roster_maps_lms_ids_and_names(toy, tmp_path):
    course, nb = toy
    course = Course(work=tmp_path / "work", solutions=course.solutions)
    zpath = make_zip(tmp_path / "canvas.zip", canvas_files(nb))
    roster = tmp_path / "roster.csv"  # as Canvas's gradebook export names its columns
    roster.write_text("Student,ID,SIS User ID\n\"Smith, Jane\",12345,s001\n\"Doe, John\",99999,s002\n"
                      "Doe John,88888,s003\n", encoding="utf-8")
    taken = intake.take_in(course, zpath, roster=roster, say=lambda *_: None)
    # 12345 by its Canvas id; John Doe's id is not in the roster and his name is twice: not matched
    assert sorted(p.name for p in taken.folder.iterdir()) == ["s001"]
    listed = unmatched(taken.folder.parent)
    assert listed["doejohn_late_23456_6789020_00_toy-1.ipynb"] == \
        "not in the roster (Canvas id 23456, name 'doejohn')"
    assert listed["leeanna_34567_text.html"].startswith("not in the roster")
    roster.write_text("First name,Last name,ID number\nJohn,Doe,s002\n", encoding="utf-8")  # Moodle's columns
    taken = intake.take_in(course, zpath, roster=roster, say=lambda *_: None)
    assert sorted(p.name for p in taken.folder.iterdir()) == ["s002"]  # doejohn: by name, last name first
    roster.write_text("email,name\na@b.c,Jane\n", encoding="utf-8")
    with pytest.raises(GraderError, match="needs a student_id column"):
        intake.take_in(course, zpath, roster=roster)


def test_refusals(toy, tmp_path, monkeypatch):
    course, nb = toy
    course = Course(work=tmp_path / "work", solutions=course.solutions)
    with pytest.raises(GraderError, match="give the zip, not a folder"):
        intake.take_in(course, tmp_path, roster=tmp_path / "roster.csv")
    (tmp_path / "notes.txt").write_text("not a zip")
    with pytest.raises(GraderError, match="neither a folder of submissions nor a zip"):
        intake.take_in(course, tmp_path / "notes.txt")
    monkeypatch.setattr(intake, "MAX_TOTAL_MB", 0)
    with pytest.raises(GraderError, match="over the 0 MB an intake takes"):
        intake.take_in(course, make_zip(tmp_path / "canvas.zip", canvas_files(nb)))
    assert not (course.work / "intake").exists()


def test_annotate_adds_notes_once(tmp_path):
    from grader import records

    records.save_status(tmp_path, {TOY: {"s1": {"status": "ok", "message": "a"}}})
    taken = intake.Intake(tmp_path, {("s1", TOY): ["b"], ("s1", None): ["c"]})
    staged = {TOY: {"s1": {"status": "ok", "message": "a"}}}
    taken.annotate(tmp_path, staged)
    taken.annotate(tmp_path, staged)
    assert staged[TOY]["s1"]["message"] == records.load_status(tmp_path)[TOY]["s1"]["message"] == "a; b; c"


def grade(args, capsys):
    """``python -m grader grade ARGS``: ``({student: row}, output)``, the messages without the note
    that the sandbox was not used (where bubblewrap cannot start)."""
    assert cli.main(["grade", *map(str, args)]) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    with open(args[args.index("--csv") + 1], newline="", encoding="utf-8") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    for row in rows.values():
        row["message"] = "; ".join(m for m in row["message"].split("; ") if m != UNSANDBOXED_NOTE)
    return rows, out


def test_grade_a_canvas_zip(toy, tmp_path, capsys):
    course, nb = toy
    zpath = make_zip(tmp_path / "canvas.zip", canvas_files(nb) + [("stray.txt", b"hello")])
    rows, out = grade([zpath, "--csv", tmp_path / "grades.csv", "--work", tmp_path / "work",
                       "--solutions", course.solutions, "--course", course.course], capsys)
    assert "stray.txt: the name is not in Canvas's or Moodle's form" in out
    assert "23456: 2 notebooks for 00_toy" in out
    assert {s: (r["score"], r["status"]) for s, r in rows.items()} == {
        "12345": ("3.0", "ok"), "23456": ("2.0", "ok"), "34567": ("0.0", "missing")}
    assert rows["23456"]["message"] == (
        f"graded {TOY}-1.ipynb as {TOY}.ipynb; 2 notebooks for {TOY}: graded {TOY}-1.ipynb, the newest "
        f"(the highest re-upload number, -1); not graded: {TOY}.ipynb; marked late by Canvas; "
        "handed in notes.pdf: not a notebook, not graded")
    assert rows["34567"]["message"] == f"no {TOY}.ipynb submitted; handed in text.html: not a notebook, not graded"


def test_grade_a_moodle_zip_with_a_roster(toy, tmp_path, capsys):
    course, nb = toy
    zpath = make_zip(tmp_path / "moodle.zip", [
        ("Jane Smith_501_assignsubmission_file/00_toy.ipynb", nb["sol"]),
        ("Ana Lima_502_assignsubmission_file/homework.ipynb", nb["half"]),
        ("Bo Chen_503_assignsubmission_file/00_toy.ipynb", nb["sol"]),  # not in the roster
    ])
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\ns1,Jane Smith\ns2,\"Lima, Ana\"\n", encoding="utf-8")
    rows, out = grade([zpath, "--roster", roster, "--assignment", TOY, "--csv", tmp_path / "grades.csv",
                       "--work", tmp_path / "work", "--solutions", course.solutions, "--course", course.course],
                      capsys)
    assert "Bo Chen_503_assignsubmission_file/00_toy.ipynb: not in the roster (Moodle id 503, name 'Bo Chen')" in out
    assert {s: (r["score"], r["status"], r["message"]) for s, r in rows.items()} == {
        "s1": ("3.0", "ok", ""), "s2": ("2.0", "ok", f"graded homework.ipynb as {TOY}.ipynb")}
