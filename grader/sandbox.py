"""Every graded kernel in a bubblewrap sandbox, with limits the operating system enforces.

``SandboxedKernelManager`` is jupyter_client's ``AsyncKernelManager`` with one change: the kernel
command is wrapped in ``bwrap`` (Debian's ``bubblewrap``), so the kernel sees

- the Python environment read-only: the interpreter's prefixes and the folders on its
  ``sys.path``, plus the folders of the packages the notebooks import from the checkout (gankit,
  data_tools), never the checkout itself, the solutions, the work folder or other students;
- the data folder (``GAN_COURSE_DATA_DIR``) read-only, when it exists;
- a private ``/sandbox`` of limited size (a tmpfs) holding its home and its working folder, into
  which copies of the files handed in with the notebook are put (not notebooks: the work
  folder's copy of the notebook already holds the hidden tests), and a private ``/tmp``;
- a folder with the connection file and the kernel's sockets: the kernel talks to nbgrader over
  ZMQ's ``ipc`` transport (Unix sockets), because it has no network, loopback included.

It runs in new user, pid, network, ipc, uts and cgroup namespaces, as a user without
capabilities, in its own session; it dies with the grader. The limits (see ``Limits``) are a
cgroup per kernel for memory and processes where the grader may create one (cgroups v1 or v2
below its own cgroup), else resource limits, and resource limits for memory per process
(``RLIMIT_DATA``: an allocation past it fails with ``MemoryError`` and the kernel lives on), file
size, CPU time and core dumps; ``/sandbox``, ``/tmp`` and ``/dev/shm`` are tmpfs mounts of fixed size.

``python -m grader`` uses it for every kernel it starts; the generated ``nbgrader_config.py``
makes plain ``nbgrader autograde`` and the formgrader use it too. Another way to start kernels
(a container, a remote worker) plugs in as another kernel manager class: see
``grader.execute.GradedExecute.kernel_manager_class``.
"""
import json
import os
import pathlib
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Integer, List, Unicode

# Defaults of the limits; python -m grader's options and nbgrader_config.py can change each one.
LIMITS = {
    "memory": 4096,      # MB: per process (RLIMIT_DATA) and, with cgroups, for the whole sandbox
    "processes": 512,    # processes and threads in one sandbox (pids cgroup, else RLIMIT_NPROC)
    "disk": 1024,        # MB: /sandbox (home, working folder) and /tmp, each; also the largest file
    "cpu": 1800,         # CPU seconds per process (RLIMIT_CPU)
}
SHM_MB = 64  # /dev/shm, as Docker gives a container
SANDBOX = "/sandbox"
HOME = f"{SANDBOX}/home"
PACKAGES = ["gankit", "data_tools"]  # imported by the notebooks from the checkout
# /etc files a Python kernel with torch and matplotlib reads; the rest of /etc stays out
ETC = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "fonts", "localtime", "timezone",
       "mime.types", "ssl/certs"]
# environment variables passed into the sandbox (all others are dropped); prefixes end in _
PASS_ENV = ["GAN_COURSE_", "NBGRADER_", "MPLBACKEND", "PYTHONPATH", "PYTHONHASHSEED", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TZ", "LANG", "LC_"]

# Run inside the sandbox before the kernel: resource limits, the student's files copied into the
# working folder, then the kernel. Standard library only (python -I -S).
INNER = r"""
import json, os, resource, shutil, sys
spec = json.loads(sys.argv[1])
for name, (soft, hard) in spec["rlimits"].items():
    resource.setrlimit(getattr(resource, name), (soft, hard))
os.makedirs(spec["cwd"], exist_ok=True)
if os.path.isdir(spec["files"]):
    shutil.copytree(spec["files"], spec["cwd"], dirs_exist_ok=True)
os.chdir(spec["cwd"])
os.execv(sys.argv[2], sys.argv[2:])
"""
# Run on the host before bwrap when cgroups are used: join them, then become bwrap.
OUTER = r"""
import os, sys
for procs in sys.argv[1].split(os.pathsep):
    with open(procs, "w") as f:
        f.write(str(os.getpid()))
os.execv(sys.argv[2], sys.argv[2:])
"""


class SandboxError(RuntimeError):
    """The sandbox cannot start here (no bwrap, no user namespaces ...)."""


# --------------------------------------------------------------------------- can it run here?
_checked = {}


def problem():
    """None when bwrap can start a sandbox on this machine, else one line saying why not."""
    if "problem" not in _checked:
        _checked["problem"] = _find_problem()
    return _checked["problem"]


def _find_problem():
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return "bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    cmd = [bwrap, *base_args(), *system_args(), "--", "true"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap cannot start: {exc}"
    if proc.returncode:
        said = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
        return f"bwrap cannot start a sandbox here ({said}); user namespaces may be disabled"
    return None


def base_args():
    """The namespaces and process options of every sandbox."""
    return ["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
            "--hostname", "sandbox"]


def system_args():
    """Read-only /usr (and the /bin, /lib ... links into it), a few /etc files, /proc and /dev."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = pathlib.Path("/", name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args + ["--proc", "/proc", "--dev", "/dev", "--size", str(SHM_MB << 20), "--tmpfs", "/dev/shm"]


def processes_limited():
    """Whether the sandbox can limit the number of processes here: with a pids cgroup, or with
    RLIMIT_NPROC, which does not hold for root."""
    return "pids" in own_cgroups() or os.geteuid() != 0


# --------------------------------------------------------------------------- what the kernel may see
_probes = {}


def probe(python, env):
    """Where ``python`` finds its modules: prefixes, ``sys.path`` and the folders of PACKAGES.

    Asked once per interpreter and PYTHONPATH, by running it (a kernel is the same interpreter).
    """
    key = (python, env.get("PYTHONPATH", ""))
    if key not in _probes:
        code = ("import importlib.util, json, sys\n"
                "def where(name):\n"
                "    spec = importlib.util.find_spec(name)\n"
                "    return list(spec.submodule_search_locations or []) if spec else []\n"
                "print(json.dumps({'prefixes': [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix],"
                " 'path': sys.path, 'packages': {n: where(n) for n in sys.argv[1:]}}))")
        out = subprocess.run([python, "-c", code, *PACKAGES], env=env, capture_output=True, text=True, timeout=120)
        if out.returncode:
            raise SandboxError(f"{python} could not be asked where its modules are: {out.stderr.strip()[-500:]}")
        _probes[key] = json.loads(out.stdout)
    return _probes[key]


def inside(path, folder):
    """Whether ``path`` is ``folder`` or inside it."""
    return path == folder or folder in path.parents


def environment_binds(python, env, hidden):
    """Read-only binds for the kernel's Python: no folder that is, or holds, one of ``hidden``."""
    info = probe(python, env)
    wanted = [pathlib.Path(p) for p in info["prefixes"] + info["path"] if p and os.path.isabs(p)]
    wanted += [pathlib.Path(p) for where in info["packages"].values() for p in where]
    real = pathlib.Path(os.path.realpath(python))
    wanted += [real.parent]
    binds = []
    for path in sorted({pathlib.Path(os.path.realpath(p)) for p in wanted if os.path.exists(p)},
                       key=lambda p: len(p.parts)):
        if any(inside(h, path) for h in hidden):
            continue  # e.g. the checkout on sys.path: its packages are bound one by one
        if any(inside(path, b) for b in binds):
            continue
        binds.append(path)
    # the paths as the kernel names them, when they differ from the real ones (symlinked venvs)
    # (one per symlink: a path below another's, e.g. a venv's site-packages reached through a
    # symlinked checkout, is covered by it and cannot be made inside its read-only target)
    links = {}
    for p in sorted(info["prefixes"] + info["path"], key=lambda p: len(p)):
        if p and os.path.isabs(p) and os.path.exists(p) and os.path.realpath(p) != p \
                and not any(inside(pathlib.Path(p), pathlib.Path(q)) for q in links):
            links[p] = os.path.realpath(p)
    return binds, links


# --------------------------------------------------------------------------- cgroups
def own_cgroups():
    """``{controller: folder}`` of the cgroups this process is in, for the memory and pids
    controllers, where it may create child cgroups; {} when it may not."""
    found = {}
    try:
        lines = pathlib.Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return {}
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # cgroup v2
            folder = pathlib.Path("/sys/fs/cgroup") / path.lstrip("/")
            try:
                enabled = (folder / "cgroup.subtree_control").read_text().split()
            except OSError:
                continue
            for c in ("memory", "pids"):
                if c in enabled and c not in found and os.access(folder, os.W_OK):
                    found[c] = folder
            continue
        for c in controllers.split(","):
            if c in ("memory", "pids"):
                folder = pathlib.Path("/sys/fs/cgroup", c) / path.lstrip("/")
                if (folder / "cgroup.procs").exists() and os.access(folder, os.W_OK):
                    found[c] = folder
    return found


class Cgroups:
    """A memory and a pids cgroup for one kernel (v1 or v2), or as many of them as may be made."""

    def __init__(self, name, memory_mb, processes):
        self.folders = {}
        for controller, parent in own_cgroups().items():
            folder = parent / name
            try:
                folder.mkdir()
                if controller == "memory":
                    limit = str(memory_mb << 20)
                    target = "memory.max" if (folder / "memory.max").exists() else "memory.limit_in_bytes"
                    (folder / target).write_text(limit)
                    if (folder / "memory.swap.max").exists():
                        (folder / "memory.swap.max").write_text("0")
                else:
                    (folder / "pids.max").write_text(str(processes))
            except OSError:
                _remove(folder)
                continue
            self.folders[controller] = folder

    def set_pids_max(self, value):
        if "pids" in self.folders:
            (self.folders["pids"] / "pids.max").write_text(str(value))

    def procs_files(self):
        return [str(f / "cgroup.procs") for f in self.folders.values()]

    def events(self):
        """``{"oom_kill": n, "pids_max": n}``: how often the limits were hit so far."""
        counts = {"oom_kill": 0, "pids_max": 0}
        for controller, folder in self.folders.items():
            name = "memory.oom_control" if controller == "memory" and (folder / "memory.oom_control").exists() \
                else f"{controller}.events"
            try:
                lines = (folder / name).read_text().splitlines()
            except OSError:
                continue
            for line in lines:
                key, _, value = line.partition(" ")
                if controller == "memory" and key == "oom_kill":
                    counts["oom_kill"] = int(value)
                elif controller == "pids" and key == "max":
                    counts["pids_max"] = int(value)
        return counts

    def pids(self):
        folder = self.folders.get("pids") or self.folders.get("memory")
        try:
            return [int(p) for p in (folder / "cgroup.procs").read_text().split()] if folder else []
        except OSError:
            return []

    def remove(self):
        """Kill what is left in the cgroups, then remove them."""
        for pid in self.pids():
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        for folder in self.folders.values():
            _remove(folder)
        self.folders = {}


def _remove(folder, seconds=10):
    """rmdir a cgroup once its processes are gone (killed ones take a moment to leave)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.02)


def namespace_pid(pid):
    """The pid of host process ``pid`` in the sandbox's pid namespace, None for a process outside it."""
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("NSpid:"):
                levels = line.split()[1:]
                return int(levels[-1]) if len(levels) > 1 else None
    except (OSError, ValueError):
        pass
    return None


# --------------------------------------------------------------------------- the kernel manager
class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager that starts each kernel inside bubblewrap, with OS limits (see the module)."""

    memory = Integer(LIMITS["memory"], help="MB of memory per process and for the whole sandbox").tag(config=True)
    processes = Integer(LIMITS["processes"], help="processes and threads in one sandbox").tag(config=True)
    disk = Integer(LIMITS["disk"], help="MB the sandbox may write (home, /tmp, working folder)").tag(config=True)
    cpu = Integer(LIMITS["cpu"], help="CPU seconds per process").tag(config=True)
    hidden = List(Unicode(), help="folders the kernel must not see, nor any folder holding them "
                                  "(the checkout, solutions, the work folder, the submissions)").tag(config=True)
    packages = List(Unicode(), PACKAGES, help="packages whose folders are bound read-only").tag(config=True)
    use_cgroups = Bool(True, help="a memory and pids cgroup per kernel where they can be made").tag(config=True)

    _rundir = None
    _cgroups = None
    _files = None
    _watcher = None
    _launch_env = None

    async def _async_pre_start_kernel(self, **kw):
        reason = problem()
        if reason:
            raise SandboxError(reason)
        self._launch_env = dict(kw.get("env") or os.environ)  # the kernel's environment, as asked
        host_cwd = pathlib.Path(kw.get("cwd") or os.getcwd()).resolve()
        self._rundir = pathlib.Path(tempfile.mkdtemp(prefix="gank-"))  # short: a socket path has < 108 bytes
        os.chmod(self._rundir, 0o700)
        self._files = self._rundir / "files"
        stage_files(host_cwd, self._files)
        self._host_cwd = host_cwd
        self._workdir = f"{HOME}/{host_cwd.name}"
        self.transport = "ipc"
        self.connection_file = str(self._rundir / "kernel.json")
        self.ip = str(self._rundir / "k")
        if self.use_cgroups:
            self._cgroups = Cgroups(self._rundir.name, self.memory + 2 * self.disk + SHM_MB, self.processes)
        if self.kernel_spec is not None:
            # bwrap leads its own session: a SIGINT to its process group would not reach the kernel,
            # an interrupt_request message does (ipykernel then signals itself)
            self.kernel_spec.interrupt_mode = "message"
        kw["cwd"] = str(self._rundir)
        return await super()._async_pre_start_kernel(**kw)

    pre_start_kernel = _async_pre_start_kernel

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        return self.wrap(cmd, self._launch_env or dict(os.environ))

    def wrap(self, cmd, env):
        """``cmd`` (a kernel command) as the command that starts it in the sandbox."""
        python = cmd[0]
        hidden = [pathlib.Path(os.path.realpath(h)) for h in [*self.hidden, self._host_cwd]]
        binds, links = environment_binds(python, env, hidden)
        args = ["bwrap", *base_args(), *system_args()]
        # two tmpfs of the same size, first: folders below /tmp on the host are bound onto them
        args += ["--size", str(self.disk << 20), "--tmpfs", SANDBOX, "--dir", HOME,
                 "--size", str(self.disk << 20), "--tmpfs", "/tmp"]
        for path in binds:
            args += ["--ro-bind", str(path), str(path)]
        for link, real in links.items():
            if not any(inside(pathlib.Path(link), b) for b in binds):
                args += ["--symlink", real, link]
        data = env.get("GAN_COURSE_DATA_DIR")
        if data and os.path.isdir(data) and not any(inside(h, pathlib.Path(os.path.realpath(data))) for h in hidden):
            args += ["--ro-bind", os.path.realpath(data), data]
        args += ["--bind", str(self._rundir), str(self._rundir)]
        args += ["--clearenv", *self.env_args(env, python), "--chdir", HOME]
        # (soft, hard); CPU: SIGXCPU at the soft limit says why the kernel stopped (at the hard one
        # the kernel sends SIGKILL, which could be anything)
        limits = {"RLIMIT_DATA": [self.memory << 20] * 2, "RLIMIT_FSIZE": [self.disk << 20] * 2,
                  "RLIMIT_CPU": [self.cpu, self.cpu + 5], "RLIMIT_CORE": [0, 0]}
        if not (self._cgroups and "pids" in self._cgroups.folders) and os.geteuid() != 0:
            # counted per user namespace: the sandbox's own processes only (root is not limited by it)
            limits["RLIMIT_NPROC"] = [self.processes] * 2
        spec = {"rlimits": limits, "cwd": self._workdir, "files": str(self._files)}
        args += ["--", python, "-I", "-S", "-c", INNER, json.dumps(spec), *cmd]
        args[0] = shutil.which("bwrap")
        if self._cgroups and self._cgroups.folders:
            args = [sys.executable, "-I", "-S", "-c", OUTER, os.pathsep.join(self._cgroups.procs_files()), *args]
        return args

    def env_args(self, env, python):
        keep = {k: v for k, v in env.items() if any(k == p or (p.endswith("_") and k.startswith(p)) for p in PASS_ENV)}
        # JPY_PARENT_PID=1: the kernel's parent is the sandbox's init, pid 1, which ipykernel does
        # not poll (a dying grader takes the sandbox with it: bwrap --die-with-parent)
        keep.update(HOME=HOME, TMPDIR="/tmp", USER="student", LOGNAME="student", JPY_PARENT_PID="1",
                    PATH=os.pathsep.join([os.path.dirname(python), "/usr/local/bin", "/usr/bin", "/bin"]))
        keep.setdefault("LANG", "C.UTF-8")
        args = []
        for key, value in sorted(keep.items()):
            args += ["--setenv", key, value]
        return args

    def readable(self):
        """Folders inside the sandbox where student code may look for files without a note."""
        data = os.environ.get("GAN_COURSE_DATA_DIR")
        return [HOME, "/tmp", "/dev", "/proc/self"] + ([data] if data else [])

    def seal(self):
        """Once the kernel listens on its sockets: its folder on the host becomes read-only for it,
        so nothing it writes lands outside the size-limited /sandbox."""
        if self._rundir is None:
            return
        for folder, _, files in os.walk(self._rundir):
            for name in files:
                path = os.path.join(folder, name)
                if not os.path.islink(path) and stat.S_ISREG(os.lstat(path).st_mode):
                    os.chmod(path, 0o400)
            os.chmod(folder, 0o500)

    async def _async_post_start_kernel(self, **kw):
        await super()._async_post_start_kernel(**kw)
        if self._cgroups and "pids" in self._cgroups.folders:
            self._bombed = False
            self._watcher = threading.Event()
            threading.Thread(target=self._watch_processes, args=(self._cgroups, self._watcher), daemon=True).start()

    post_start_kernel = _async_post_start_kernel

    def _watch_processes(self, cgroups, stop):
        """Stop a fork bomb as it goes off: once the pids limit is hit, no new process may start
        and the ones the kernel made are killed (``release_processes`` lifts it after the cell)."""
        seen = cgroups.events()["pids_max"]
        while not stop.wait(0.2):
            count = cgroups.events()["pids_max"]
            if count > seen:
                seen = count
                try:
                    cgroups.set_pids_max(1)
                except OSError:
                    return
                self._bombed = True
                self.kill_strays()

    def release_processes(self):
        """After a cell that hit the process limit: kill what is left of its processes and lift
        the limit back to ``processes``; returns how many were killed."""
        if not (self._cgroups and getattr(self, "_bombed", False)):
            return self.kill_strays()
        killed = self.kill_strays()
        for _ in range(50):  # killed processes take a moment to leave the cgroup
            if len(self._cgroups.pids()) <= 3:
                break
            time.sleep(0.02)
        self._cgroups.set_pids_max(self.processes)
        self._bombed = False
        return killed

    def limit_events(self):
        """How often the memory and process limits were hit (cgroups only) and the exit code."""
        events = self._cgroups.events() if self._cgroups else {"oom_kill": 0, "pids_max": 0}
        process = getattr(self.provisioner, "process", None)
        events["exit_code"] = process.poll() if process is not None else None
        return events

    def kill_strays(self):
        """Kill every process of the sandbox but its init and the kernel (after a fork bomb)."""
        if not self._cgroups:
            return 0
        killed = 0
        for pid in self._cgroups.pids():
            if namespace_pid(pid) not in (None, 1, 2):  # None: bwrap itself, outside the namespace
                try:
                    os.kill(pid, 9)
                    killed += 1
                except OSError:
                    pass
        return killed

    def limits_text(self):
        """One line on the limits in force, for logs."""
        kinds = sorted(self._cgroups.folders) if self._cgroups else []
        return (f"sandbox: memory {self.memory} MB a process{' and cgroup' if 'memory' in kinds else ''}, "
                f"{self.processes} processes ({'pids cgroup' if 'pids' in kinds else 'RLIMIT_NPROC'}), "
                f"disk {self.disk} MB, CPU {self.cpu} s")

    async def _async_cleanup_resources(self, restart=False):
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            if not restart:
                self.teardown()

    cleanup_resources = _async_cleanup_resources

    def teardown(self):
        if self._watcher is not None:
            self._watcher.set()
            self._watcher = None
        if self._cgroups is not None:
            self._cgroups.remove()
            self._cgroups = None
        if self._rundir is not None:
            for folder, _, _ in os.walk(self._rundir):
                os.chmod(folder, 0o700)
            shutil.rmtree(self._rundir, ignore_errors=True)
            self._rundir = None


def stage_files(src, dest):
    """Copy the files of the folder ``src`` into ``dest``, except notebooks and checkpoints."""
    dest.mkdir(parents=True, exist_ok=True)
    if not src.is_dir():
        return
    ignore = shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "__pycache__")
    for path in src.iterdir():
        if path.is_symlink() or ignore(str(src), [path.name]):
            continue
        if path.is_dir():
            shutil.copytree(path, dest / path.name, ignore=ignore, symlinks=False)
        elif path.is_file():
            shutil.copy2(path, dest / path.name)
