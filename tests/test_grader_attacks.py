"""Dishonest submissions of the course's notebooks 01, 03 and 06, graded as an instructor would.

Each answer of these submissions is an object that is equal to everything (and callable, true,
its own attribute), with one attack on top: the tests' helpers rebound and gankit.checks patched,
torch.allclose and friends replaced and builtins shadowed, the helpers rebound by the answer when
a test calls it, or the solutions and hidden tests looked for on disk and the solution cells found
there executed. Without the sandbox and the integrity guard such answers passed; now each earns
at most 10% of the points and, where the grader sees the attempt, is flagged in the CSV, and no
feedback shows a hidden test. The notebooks stop at their last test cell (the training cells
after it cannot change a score), and the toy class of tests/test_grader_pipeline.py covers the
bad cases that need no real notebook (endless loops, dying kernels, limits, broken files).
"""
import ast

import pytest

from grader.course import Course
from grader.guard import hidden_lines
from grading_helpers import (
    FIND_ON_DISK,
    NO_CHECKS,
    PATCH_CHECKS,
    REBIND_EXPECT,
    REPLACE_TORCH,
    SHADOW_BUILTINS,
    exec_found,
    patch_at_call_time,
    read,
    submit,
    up_to_last_test,
)

ASSIGNMENTS = ["01_backquery", "03_mnist_gan", "06_cgan"]
ATTACKS = ["always_equal", "rebinds", "torch", "calltime", "snooper"]
FLAGGED = {"rebinds", "torch", "calltime", "snooper"}  # the grader must see these attempts
ANYTHING = '''

class _Anything:
    """Equal to everything, true, callable, and its own attribute."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __bool__(self):
        return True

    def __call__(self, *args, **kwargs):
        return self

    def __getattr__(self, name):
        return self

    def __iter__(self):
        return iter(())
'''


def defined(source):
    """Functions and classes a cell defines at its top level."""
    return [n.name for n in ast.parse(source).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]


def attack(released, solution, kind):
    """A submission of ``kind`` made from the released notebook (see the module's docstring)."""
    nb = up_to_last_test(released)
    sources = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    first = True
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution") or cell.cell_type != "code":
            continue
        names = defined(sources[meta["grade_id"]])
        if kind == "snooper":
            cell.source = (FIND_ON_DISK if first else "") + exec_found(meta["grade_id"], cell.source)
        else:
            cell.source += (ANYTHING if first else "") + "".join(f"\n{name} = _Anything()\n" for name in names)
            if first and kind == "rebinds":
                cell.source += REBIND_EXPECT + PATCH_CHECKS
            if first and kind == "torch":
                cell.source += REPLACE_TORCH + SHADOW_BUILTINS
            if kind == "calltime":
                for name in names:
                    cell.source += patch_at_call_time(name, NO_CHECKS)
        first = False
    return nb


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """``{assignment: {"records", "work", "hidden"}}``: every attack on every assignment, graded
    by ``Course.autograde`` and feedback, two at a time."""
    root = tmp_path_factory.mktemp("attacks")
    course = Course(work=root / "work")
    subs = root / "subs"
    hidden = {}
    for a in ASSIGNMENTS:
        solution = read(course.solutions / a / f"{a}.ipynb")
        released = read(course.course / a / f"{a}.ipynb")
        for kind in ATTACKS:
            submit(subs, kind, a, attack(released, solution, kind))
        hidden[a] = hidden_lines([c.source for c in solution.cells if c.cell_type == "code"])
    records = course.autograde(subs, say=print, jobs=2)
    course.feedback(say=print, force=False)
    return {a: {"records": records[a], "work": course.work, "hidden": hidden[a]} for a in ASSIGNMENTS}


@pytest.mark.parametrize("kind", ATTACKS)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_an_attack_earns_at_most_a_tenth(attacked, assignment, kind):
    record = attacked[assignment]["records"][kind]
    assert record["score"] <= 0.1 * record["max_score"], record
    if kind in FLAGGED:
        assert record["status"] == "flagged", record
    else:
        assert record["status"] in ("ok", "flagged"), record


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_snooper_finds_nothing_and_earns_nothing(attacked, assignment):
    record = attacked[assignment]["records"]["snooper"]
    assert record["score"] == 0, record
    assert "looked for files outside its folders" in record["message"]
    assert "ran code with exec() or eval()" in record["message"]
    graded = read(attacked[assignment]["work"] / "autograded" / "snooper" / assignment / f"{assignment}.ipynb")
    printed = "".join(o.get("text", "") for c in graded.cells for o in c.get("outputs", []))
    assert "found 0 solution cells and 0 hidden tests on disk" in printed


@pytest.mark.parametrize("kind", ATTACKS)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_shows_no_hidden_test(attacked, assignment, kind):
    html = (attacked[assignment]["work"] / "feedback" / kind / assignment / f"{assignment}.html").read_text()
    shown = [line for line in attacked[assignment]["hidden"] if line in html]
    assert attacked[assignment]["hidden"] and not shown, shown
