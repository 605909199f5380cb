"""The sandbox every graded kernel runs in (grader/sandbox.py), tried from inside a kernel.

Each test starts sandboxed kernels the way nbgrader does (nbclient with the grader's kernel
manager) and runs cells that look around or misbehave. They skip where bubblewrap cannot start.
The whole grading command in the sandbox is tried in tests/test_grader_pipeline.py (the toy
class) and tests/test_grader_attacks.py (the course's notebooks).
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from grader import sandbox
from grader.session import grading_env
from grading_helpers import ROOT, TOY, read, replace_cell, submit, write_toy

pytestmark = pytest.mark.skipif(sandbox.problem() is not None, reason=f"no sandbox here: {sandbox.problem()}")


def run_cells(sources, cwd, timeout=60, manager=sandbox.SandboxedKernelManager, **limits):
    """Execute ``sources`` as code cells in one sandboxed kernel started in ``cwd``; returns the
    cells (with outputs)."""
    config = Config()
    config.SandboxedKernelManager.hidden = [str(ROOT), str(cwd.parent)]
    for key, value in limits.items():
        setattr(config.SandboxedKernelManager, key, value)
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, kernel_manager_class=manager,
                            config=config, resources={"metadata": {"path": str(cwd)}})
    with grading_env():
        client.execute()
    return nb.cells


def text(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def errors(cell):
    return [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]


LOOK = """
import json, os, socket

def attempt(fn):
    try:
        return fn()
    except Exception as exc:
        return type(exc).__name__

def connect(address):
    with socket.create_connection(address, timeout=2):
        return "connected"

def write(path):
    with open(path, "w") as f:
        f.write("x")
    return "written"

print(json.dumps({
    "cwd": os.getcwd(),
    "cwd_files": sorted(os.listdir(".")),
    "checkout": attempt(lambda: sorted(os.listdir(REPO))),
    "solutions": attempt(lambda: os.listdir(REPO + "/solutions")),
    "readme": attempt(lambda: open(REPO + "/README.md").read()[:10]),
    "notebook_folder": attempt(lambda: os.listdir(NOTEBOOK_FOLDER)),
    "next_door": attempt(lambda: os.listdir(NEXT_DOOR)),
    "root": sorted(os.listdir("/")),
    "etc": sorted(os.listdir("/etc")),
    "home": os.path.expanduser("~"),
    "write_home": attempt(lambda: write(os.path.expanduser("~/x.txt"))),
    "write_tmp": attempt(lambda: write("/tmp/x.txt")),
    "write_data": attempt(lambda: write(DATA + "/x.txt")),
    "read_data": attempt(lambda: open(DATA + "/marker.txt").read()),
    "write_env": attempt(lambda: write(os.__file__ + ".x")),
    "internet": attempt(lambda: connect(("1.1.1.1", 53))),
    "loopback": attempt(lambda: connect(("127.0.0.1", 22))),
    "secret": os.environ.get("GRADER_TEST_SECRET"),
    "uid": os.getuid(),
    "pid": os.getpid(),
}))
"""


@pytest.fixture(scope="module")
def looked(tmp_path_factory):
    """One sandboxed kernel that looks around: what it can read, write and reach."""
    root = tmp_path_factory.mktemp("look")
    folder = root / "autograded" / "alice" / TOY
    folder.mkdir(parents=True)
    (folder / f"{TOY}.ipynb").write_text("hidden tests live here")  # the work folder's copy
    (folder / "data.csv").write_text("1,2\n")  # handed in with the notebook
    (root / "autograded" / "bob").mkdir()
    data = pathlib.Path(os.environ["GAN_COURSE_DATA_DIR"])
    (data / "marker.txt").write_text("mnist cache")
    header = (f"REPO = {str(ROOT)!r}\nNOTEBOOK_FOLDER = {str(folder)!r}\n"
              f"NEXT_DOOR = {str(root / 'autograded' / 'bob')!r}\nDATA = {str(data)!r}\n")
    os.environ["GRADER_TEST_SECRET"] = "hunter2"
    try:
        cells = run_cells([header + LOOK, "import torch, gankit, data_tools\nprint(torch.ones(2).sum().item())",
                           "print(data_tools.load_mnist('train', limit=10)[0].shape)"], folder)
    finally:
        del os.environ["GRADER_TEST_SECRET"]
    assert not errors(cells[0]), errors(cells[0])
    return json.loads(text(cells[0]).strip().splitlines()[-1]), cells


def test_the_kernel_imports_the_environment_and_reads_data(looked):
    seen, cells = looked
    assert text(cells[1]).strip() == "2.0" and not errors(cells[1]), cells[1].outputs
    assert "torch.Size([10, 28, 28])" in text(cells[2]), cells[2].outputs
    assert seen["read_data"] == "mnist cache"


def test_the_kernel_sees_only_the_packages_of_the_checkout(looked):
    seen, _ = looked
    assert set(seen["checkout"]) <= {"gankit", "data_tools", ".venv"}, seen["checkout"]
    assert {"gankit", "data_tools"} <= set(seen["checkout"])
    assert seen["solutions"] == "FileNotFoundError" and seen["readme"] == "FileNotFoundError"


def test_the_kernel_does_not_see_the_work_folder(looked):
    seen, _ = looked
    # its own notebook's folder holds the notebook with the hidden tests, the next one another student
    assert seen["notebook_folder"] == "FileNotFoundError" and seen["next_door"] == "FileNotFoundError"
    assert seen["cwd"] == f"{sandbox.HOME}/{TOY}" and seen["cwd_files"] == ["data.csv"]
    assert "passwd" not in seen["etc"] and "shadow" not in seen["etc"]
    # the system folders, plus the first folder of each path bound in: the checkout, its Python, the data
    bound = {pathlib.Path(p).resolve().parts[1] for p in (ROOT, sys.prefix, sys.base_prefix,
                                                            os.environ["GAN_COURSE_DATA_DIR"], tempfile.gettempdir())}
    assert set(seen["root"]) <= {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "proc", "dev",
                                 "tmp", "sandbox"} | bound, seen["root"]


def test_the_kernel_writes_only_its_own_folders(looked):
    seen, _ = looked
    assert seen["home"] == sandbox.HOME and seen["write_home"] == "written" and seen["write_tmp"] == "written"
    assert seen["write_data"] in ("OSError", "PermissionError")  # read-only file system
    assert seen["write_env"] in ("OSError", "PermissionError")


def test_the_kernel_has_no_network_and_no_secrets(looked):
    seen, _ = looked
    assert seen["internet"] == "OSError" and seen["loopback"] == "ConnectionRefusedError"
    assert seen["secret"] is None
    assert seen["pid"] == 2  # its own pid namespace, under bwrap's init


def test_an_interrupt_reaches_the_sandboxed_kernel(tmp_path):
    cells = run_cells(["import time\nwhile True:\n    time.sleep(0.01)", "print('next')"], tmp_path, timeout=2)
    assert errors(cells[0]) == ["KeyboardInterrupt: "] and text(cells[1]) == "next\n"


def test_nothing_is_left_behind(tmp_path):
    # this kernel's own folder in /tmp and cgroups (other tests may be starting kernels meanwhile)
    made = []

    class Recording(sandbox.SandboxedKernelManager):
        async def _async_pre_start_kernel(self, **kw):
            started = await super()._async_pre_start_kernel(**kw)
            made.append((self._rundir, dict(self._cgroups.folders) if self._cgroups else {}))
            return started

    with pytest.raises(DeadKernelError):
        run_cells(["import os\nos._exit(3)"], tmp_path, manager=Recording)
    (rundir, cgroups), = made
    assert rundir.name.startswith("gank-") and not rundir.exists()
    assert not [f for f in cgroups.values() if f.exists()], cgroups


# --------------------------------------------------------------------------- without bwrap
def test_grading_refuses_without_the_sandbox_unless_asked(tmp_path):
    """No bwrap on PATH: the command says so in one line and grades nothing; with --unsandboxed
    it grades and the CSV says the submission was graded without the sandbox."""
    write_toy(tmp_path / "solutions")
    submit(tmp_path / "subs", "alice", TOY, read(tmp_path / "solutions" / TOY / f"{TOY}.ipynb"))
    bindir = os.path.dirname(sys.executable)
    env = {k: v for k, v in os.environ.items() if k != "GRADER_UNSANDBOXED"}
    env["PATH"] = bindir  # the environment's programs (alembic), no bwrap
    cmd = [sys.executable, "-m", "grader", "grade", str(tmp_path / "subs"), "--csv", str(tmp_path / "grades.csv"),
           "--work", str(tmp_path / "work"), "--solutions", str(tmp_path / "solutions")]
    refused = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert refused.stderr.strip().count("\n") == 0
    assert "cannot sandbox the kernels: bubblewrap (bwrap) is not installed" in refused.stderr
    assert "--unsandboxed" in refused.stderr and not (tmp_path / "grades.csv").exists()
    graded = subprocess.run(cmd + ["--unsandboxed"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "WITHOUT the sandbox" in graded.stdout
    rows = (tmp_path / "grades.csv").read_text().splitlines()
    assert rows[1].startswith("alice,00_toy,3.0,3.0,100.0,ok,") and "graded without the sandbox" in rows[1]
    assert nbformat.read(str(tmp_path / "work" / "autograded" / "alice" / TOY / f"{TOY}.ipynb"), 4).cells


# --------------------------------------------------------------------------- limits, graded
FORKED_HOG = """import os, time
pids = []
for _ in range(4):  # four processes of 100 MB each: more than the sandbox's memory
    pid = os.fork()
    if pid == 0:
        try:
            block = bytearray(100 * 2**20)
            for i in range(0, len(block), 4096):
                block[i] = 1
            time.sleep(1)
        finally:
            os._exit(0)
    pids.append(pid)
print([os.waitpid(pid, 0)[1] for pid in pids])
def cube(x):
    return x ** 3"""


@pytest.fixture(scope="module")
def strict_class(tmp_path_factory):
    """A toy class graded in the sandbox with small limits: 256 MB, 4 CPU seconds, 16 MB of disk."""
    from grader.course import Course

    root = tmp_path_factory.mktemp("strict")
    write_toy(root / "solutions")
    sol = read(root / "solutions" / TOY / f"{TOY}.ipynb")
    subs = root / "subs"
    submit(subs, "good", TOY, sol)
    submit(subs, "spinner", TOY, replace_cell(sol, "cube", "x = 0\nwhile True:\n    x += 1"))
    submit(subs, "forked_hog", TOY, replace_cell(sol, "cube", FORKED_HOG))
    course = Course(work=root / "work", solutions=root / "solutions", sandbox=True, timeout=30,
                    notebook_timeout=60, memory=256, disk=16, cpu=4)
    return course.autograde(subs, say=lambda *a: None)[TOY]


def test_small_limits_leave_room_for_a_normal_notebook(strict_class):
    assert (strict_class["good"]["status"], strict_class["good"]["score"]) == ("ok", 3.0), strict_class["good"]


def test_cpu_time_limit_stops_the_kernel(strict_class):
    record = strict_class["spinner"]
    assert (record["status"], record["score"]) == ("cpu", 2.0), record
    assert "the kernel died: it used up its CPU time (4 s) (in cell cube)" in record["message"]


@pytest.mark.skipif("memory" not in sandbox.own_cgroups(), reason="no memory cgroup can be made here")
def test_memory_of_all_processes_together_is_limited(strict_class):
    record = strict_class["forked_hog"]
    assert record["status"] == "memory" and "killed out of memory" in record["message"], record
    assert record["score"] == 3.0  # the kernel lived on: only a child was killed


def test_a_checkout_reached_through_a_symlink(tmp_path):
    """The course environment's Python named through a symlink to the checkout (``~/gan-course ->
    /data/gan-course``): the kernel still starts in the sandbox."""
    if not pathlib.Path(sys.executable).is_relative_to(ROOT):
        pytest.skip(f"the tests' Python ({sys.executable}) is not in the checkout's environment")
    link = tmp_path / "checkout"
    link.symlink_to(ROOT)
    python = link / pathlib.Path(sys.executable).relative_to(ROOT)
    folder = tmp_path / "class" / TOY
    folder.mkdir(parents=True)
    code = (f"import pathlib, sys; sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
            "from test_sandbox import errors, run_cells, text\n"
            f"cell = run_cells(['import gankit; print(6 * 7)'], pathlib.Path({str(folder)!r}))[0]\n"
            "print(errors(cell), text(cell))")
    proc = subprocess.run([str(python), "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.stdout.strip().endswith("[] 42"), proc.stdout + proc.stderr
