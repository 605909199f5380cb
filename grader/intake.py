"""Submissions from an LMS: the zip of Canvas's or Moodle's "Download all submissions".

``take_in`` unpacks such a zip into the layout ``autograde`` reads, under the work folder:

    work/intake/<zip stem>/submissions/<student>/<assignment>/<notebook>.ipynb
    work/intake/<zip stem>/unmatched.txt    every file of the zip not graded, and why
    work/intake/<zip stem>/students.csv     who each graded notebook came from (LMS id, name, entry)

and returns the notes that concern a student (a second notebook, a file that is not one, a late
mark) for ``Intake.annotate`` to add to their CSV messages. A folder is passed through as it is.

The names, as the LMSs' code writes them:

- Canvas: ``<sortable name>[_LATE]_<user id>_<file id>_<file name>``, the sortable name lowercased
  and stripped of all but letters and digits (``smithjane``), ``LATE`` (``late`` in older
  versions) when the submission was late, ``anon_<id>`` in place of name and user id under
  anonymous grading. A file uploaded again under the same name is renamed ``name-1.ipynb``, ...
- Moodle: ``<full name>_<participant id>_assignsubmission_file_<file name>``, or, with "Download
  submissions in folders", a folder ``<full name>_<participant id>_assignsubmission_file`` (with a
  trailing ``_`` before Moodle 4.1) that holds the files; ``assignsubmission_onlinetext`` holds
  online text. The participant id is Moodle's per-assignment number, so without a roster the
  student id is the name (``jane-smith``).
"""
import csv
import datetime
import os
import pathlib
import re
import shutil
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field

from . import records as store
from .grading import MAX_NOTEBOOK_MB
from .session import GraderError

MAX_FILE_MB = MAX_NOTEBOOK_MB  # a bigger entry is skipped as a possible zip bomb
MAX_TOTAL_MB = 20_000  # all notebooks of one zip, unpacked
MAX_ENTRIES = 200_000
SHOWN = 100  # lines of the listing printed; all are in unmatched.txt

CANVAS_ANON = re.compile(r"(?:(?P<late>late)_)?(?P<uid>anon_[a-z0-9]+)_(?P<fid>\d+)_(?P<file>.+)", re.I)
CANVAS = re.compile(r"(?P<name>\w*?[^\W\d_]\w*?)(?:_(?P<late>late))?_(?P<uid>\d+)_(?P<fid>\d+)_(?P<file>.+)", re.I)
CANVAS_ONLINE = re.compile(r"(?:(?P<name>\w*?[^\W\d_]\w*?)_)?(?:(?P<late>late)_)?(?P<uid>\d+|anon_[a-z0-9]+)"
                           r"_(?P<file>text\.html|link\.html)", re.I)  # a text entry, a URL
MOODLE = r"(?P<name>[^_]+?)(?:_(?P<uid>\d+))?_assignsubmission_(?P<plugin>[a-z]+)"
MOODLE_FILE = re.compile(MOODLE + r"_(?P<file>.+)")
MOODLE_FOLDER = re.compile(MOODLE + r"_?")
COPY = re.compile(r"(?:-(\d+)| \((\d+)\))$")  # Canvas's re-upload (name-1), a browser's second copy (name (1))
ROSTER_COLUMNS = {"student_id": ("student_id", "student id", "sis user id", "id number"),
                  "lms_id": ("lms_id", "lms id", "id", "user_id", "user id", "participant id"),
                  "name": ("name", "student", "full name")}


@dataclass
class Entry:
    """One file of the zip, as the LMS named it."""
    path: str
    lms: str
    lms_id: str
    name: str
    file: str  # the name the student gave the file
    late: bool = False
    fid: int = 0  # Canvas's file id: later uploads have higher ones
    when: tuple = ()


@dataclass
class Intake:
    folder: pathlib.Path
    notes: dict = field(default_factory=dict)  # {(student, assignment or None): [note]}

    def annotate(self, work, staged):
        """Add the notes to the records of ``staged`` ({assignment: {student: record}}) and to status.json."""
        if not self.notes:
            return
        status = store.load_status(work)
        for a, records in staged.items():
            for s, record in records.items():
                extra = self.notes.get((s, a), []) + self.notes.get((s, None), [])
                for target in (record, status.get(a, {}).get(s)):
                    if target is not None:
                        message = target.get("message", "")
                        target["message"] = "; ".join(filter(None, [message] + [n for n in extra if n not in message]))
        store.save_status(work, status)


def name_key(text):
    """A name reduced to its letters and digits, as Canvas writes it: ``Smith, Jane`` -> ``smithjane``."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def slug(text):
    """``Jane Smith`` -> ``jane-smith``."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "-".join("".join(c if c.isalnum() else " " for c in text).split())


def parse(path, info=None):
    """The ``Entry`` for a file named ``path`` in the zip, or None when no LMS names files that way."""
    parts = [p for p in re.split(r"[/\\]", path) if p]
    base, when = parts[-1], (info.date_time if info else ())
    for folder in reversed(parts[:-1]):  # Moodle's folders
        m = MOODLE_FOLDER.fullmatch(folder)
        if m:
            return Entry(path, "Moodle", m["uid"] or "", m["name"], base, when=when)
    m = MOODLE_FILE.fullmatch(base)
    if m:
        return Entry(path, "Moodle", m["uid"] or "", m["name"], m["file"], when=when)
    for pattern in (CANVAS_ANON, CANVAS, CANVAS_ONLINE):
        m = pattern.fullmatch(base)
        if m:
            return Entry(path, "Canvas", m["uid"], m.groupdict().get("name") or "", m["file"],
                         bool(m["late"]), int(m.groupdict().get("fid") or 0), when)
    return None


def unsafe(info):
    """Why the zip entry ``info`` must not be unpacked, or None."""
    name = info.filename
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        return "UNSAFE: an absolute path"
    if ".." in re.split(r"[/\\]", name) or "\0" in name:
        return "UNSAFE: a path that leaves the folder ('..')"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "UNSAFE: a symbolic link"
    if info.file_size > MAX_FILE_MB * 2**20:
        return (f"UNSAFE: unpacks to {info.file_size / 2**20:.0f} MB, over the {MAX_FILE_MB} MB limit "
                "(a zip bomb?)")
    return None


def read_roster(path):
    """``(by LMS id, by name key)`` from a roster CSV; names shared by two students are left out."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    headers = {h.strip().casefold(): h for h in (rows[0].keys() if rows else []) if h}
    column = {role: next((headers[h] for h in names if h in headers), None) for role, names in ROSTER_COLUMNS.items()}
    first, last = headers.get("first name"), headers.get("last name")
    if not column["student_id"] or not (column["lms_id"] or column["name"] or (first and last)):
        raise GraderError(f"roster {path}: needs a student_id column and an lms_id or name column "
                          f"(found: {', '.join(headers) or 'no header'})")
    by_id, by_name = {}, {}
    for row in rows:
        student = (row.get(column["student_id"]) or "").strip()
        if not student:
            continue
        if column["lms_id"] and (row.get(column["lms_id"]) or "").strip():
            by_id[row[column["lms_id"]].strip()] = student
        names = [row.get(column["name"]) or ""] if column["name"] else []
        if first and last:
            names += [f"{row[first]} {row[last]}", f"{row[last]}, {row[first]}"]
        names += [" ".join(reversed(n.split(",", 1))) for n in names if "," in n]  # Smith, Jane -> Jane Smith
        for key in {name_key(n) for n in names} - {""}:
            by_name[key] = student if by_name.get(key, student) == student else None
    return by_id, by_name


def assignment_of(filename, stems, fallback):
    """``(assignment, notebook stem)`` a notebook's file name names (the longest match), else ``fallback``."""
    own = filename[:-len(".ipynb")].casefold()
    matches = [(a, s) for a, s in stems if own.startswith(s.casefold())]
    return max(matches, key=lambda m: len(m[1])) if matches else fallback


def copy_number(filename, stem):
    m = COPY.search(filename[len(stem):-len(".ipynb")])
    return int(m.group(1) or m.group(2)) if m else 0


def newest_first(entries, stem):
    """The entries, newest first (the highest copy number, then the latest time in the zip, the
    highest Canvas file id), and why the first is the newest."""
    def key(e):
        return (copy_number(e.file, stem), e.when, e.fid, e.file)
    entries = sorted(entries, key=key, reverse=True)
    top, second = key(entries[0]), key(entries[1])
    if top[0] != second[0]:
        why = f"the highest re-upload number, -{top[0]}"
    elif top[1] != second[1]:
        why = "the latest time in the zip, {}-{:02}-{:02} {:02}:{:02}".format(*top[1][:5])
    elif top[2] != second[2]:
        why = "the highest Canvas file id: uploaded last"
    else:
        why = "the last by name: nothing tells which is newer"
    return entries, why


def take_in(course, submissions, roster=None, assignment=None, say=print):
    """An ``Intake`` whose folder holds the submissions in the per-student layout (see the module)."""
    path = pathlib.Path(submissions)
    if not path.is_file():
        if roster:
            raise GraderError("--roster maps the names of an LMS download: give the zip, not a folder")
        return Intake(path)
    if not zipfile.is_zipfile(path):
        raise GraderError(f"{path} is neither a folder of submissions nor a zip file")
    root = course.work / "intake" / (re.sub(r"[^\w.-]", "_", path.stem).strip(".") or "zip")
    if root in path.resolve().parents:
        raise GraderError(f"{path} is inside {root}, which the intake rewrites: move it elsewhere")
    by_id, by_name = read_roster(roster) if roster else ({}, {})
    stems = [(a, s) for a in ([assignment] if assignment else course.assignments()) for s in course.notebook_stems(a)]
    only = stems[0] if assignment and len(stems) == 1 else None
    listed, notes, duplicates, rows = [], {}, [], []

    def note(student, a, text):
        notes.setdefault((student, a), []).append(text)

    with zipfile.ZipFile(path) as zf:
        infos = sorted((i for i in zf.infolist() if not i.is_dir()), key=lambda i: i.filename)
        if len(infos) > MAX_ENTRIES:
            raise GraderError(f"{path} holds {len(infos)} files, more than the {MAX_ENTRIES} an intake takes")
        entries, moodle_ids = [], {}
        for info in infos:
            problem, entry = unsafe(info), None
            parts = re.split(r"[/\\]", info.filename)
            if not problem and ("__MACOSX" in parts or parts[-1].startswith(".")):
                problem = "ignored: an archive tool's or a system's file"
            if not problem:
                entry = parse(info.filename, info)
                problem = None if entry else "the name is not in Canvas's or Moodle's form"
            if problem:
                listed.append((info.filename, problem))
                continue
            entries.append((entry, info))
            if entry.lms == "Moodle":
                moodle_ids.setdefault(slug(entry.name) or "moodle", set()).add(entry.lms_id)

        def student_of(e):
            if roster:
                return by_id.get(e.lms_id) or by_name.get(name_key(e.name))
            if e.lms == "Canvas":
                return e.lms_id
            name = slug(e.name) or "moodle"  # two students of one name: name-<participant id>
            return f"{name}-{e.lms_id}" if len(moodle_ids[name]) > 1 and e.lms_id else name

        found = {}
        for entry, info in entries:
            student = student_of(entry)
            if not student:
                listed.append((entry.path, f"not in the roster ({entry.lms} id {entry.lms_id or '-'}, "
                                           f"name {entry.name!r})"))
                continue
            notes.setdefault((student, None), [])
            notebook = entry.file.casefold().endswith(".ipynb")
            target = assignment_of(entry.file, stems, only) if notebook else None
            if not notebook:
                listed.append((entry.path, f"not a notebook (student {student})"))
                note(student, None, f"handed in {entry.file}: not a notebook, not graded")
            elif target is None:
                listed.append((entry.path, f"names no assignment of the course (student {student}; "
                                           "--assignment grades it as that one)"))
                note(student, None, f"handed in {entry.file}: names no assignment, not graded")
            else:
                found.setdefault((student, *target), []).append((entry, info))

        graded = []
        for (student, a, stem), pairs in sorted(found.items()):
            info_of = {id(e): i for e, i in pairs}
            ordered, why = newest_first([e for e, _ in pairs], stem) if len(pairs) > 1 else ([pairs[0][0]], "")
            entry = ordered[0]
            if why:
                text = (f"{len(ordered)} notebooks for {a}: graded {entry.file}, the newest ({why}); "
                        f"not graded: {', '.join(e.file for e in ordered[1:])}")
                note(student, a, text)
                duplicates.append(f"  {student}: {text}")
                listed += [(e.path, f"an older notebook of student {student} for {a} (graded: {entry.file})")
                           for e in ordered[1:]]
            if entry.late:
                note(student, a, "marked late by Canvas")
            name = entry.file if entry.file.startswith(stem) else f"{stem}.ipynb"
            if name != entry.file:
                note(student, a, f"graded {entry.file} as {name}")
            graded.append((student, a, name, entry, info_of[id(entry)]))
        total = sum(info.file_size for *_, info in graded)
        if total > MAX_TOTAL_MB * 2**20:
            raise GraderError(f"{path}: its notebooks unpack to {total / 2**20:.0f} MB, over the "
                              f"{MAX_TOTAL_MB} MB an intake takes (a zip bomb?)")
        if root.exists():
            shutil.rmtree(root)
        folder = root / "submissions"
        folder.mkdir(parents=True)
        for student in sorted({s for s, _ in notes}):
            (folder / student).mkdir()  # a student without a notebook is listed as missing
        for student, a, name, entry, info in graded:
            try:
                unpack(zf, info, folder, folder / student / a / name)
            except (zipfile.BadZipFile, OSError, EOFError, GraderError) as exc:
                shutil.rmtree(folder / student / a, ignore_errors=True)
                listed.append((entry.path, f"cannot be unpacked ({exc})"))
                note(student, a, f"{entry.file} could not be unpacked from the zip")
                continue
            rows.append({"student_id": student, "assignment": a, "file": entry.file, "lms": entry.lms,
                         "lms_id": entry.lms_id, "name": entry.name, "late": entry.late, "zip_entry": entry.path})

    listed.sort()
    with open(root / "unmatched.txt", "w", encoding="utf-8") as f:
        f.write(f"# files of {path.name} not graded: the entry in the zip, a tab, why\n")
        f.writelines(f"{entry}\t{why}\n" for entry, why in listed)
    with open(root / "students.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["student_id"])
        writer.writeheader()
        writer.writerows(rows)
    lms = " and ".join(sorted({e.lms for e, _ in entries})) or "no LMS"
    say(f"{path.name} ({lms}): {len(rows)} notebooks of {len({s for s, _ in notes})} students, unpacked to {folder}")
    if listed:
        say(f"{len(listed)} files not graded (all in {root / 'unmatched.txt'}):")
        say("\n".join(f"  {entry}: {why}" for entry, why in listed[:SHOWN]))
        if len(listed) > SHOWN:
            say(f"  ... and {len(listed) - SHOWN} more")
    if duplicates:
        say(f"more than one notebook for an assignment ({len(duplicates)} of them):")
        say("\n".join(duplicates))
    return Intake(folder, {k: v for k, v in notes.items() if v})


def unpack(zf, info, root, target):
    """Copy one entry to ``target`` (inside ``root``), at most its declared size and MAX_FILE_MB."""
    if root.resolve() not in target.resolve().parents:
        raise GraderError(f"refusing to write {target} outside {root}")
    target.parent.mkdir(parents=True, exist_ok=True)
    left = min(info.file_size, MAX_FILE_MB * 2**20)
    with zf.open(info) as src, open(target, "wb") as out:
        while chunk := src.read(min(2**20, left + 1)):
            left -= len(chunk)
            if left < 0:
                raise GraderError("it unpacks to more than it declares")
            out.write(chunk)
    try:
        stamp = datetime.datetime(*info.date_time).timestamp()
        os.utime(target, (stamp, stamp))
    except (ValueError, OverflowError, OSError):
        pass
