#!/usr/bin/env python3
"""Set up the course in a virtual environment, then open it, test it or run it.

    python3 bootstrap.py lab     # install, then open the student notebooks in JupyterLab
    python3 bootstrap.py test    # install with the test extras, then run the whole test suite
    python3 bootstrap.py run     # install, then execute every notebook headless (add --fast)

The environment lives in .venv next to this file (or $GAN_COURSE_VENV). Installing is skipped
when pyproject.toml has not changed since the last successful install from this checkout. Only the standard
library is used here, so this runs on a bare Python 3.10+.
"""
import argparse
import hashlib
import os
import pathlib
import subprocess
import sys
import venv

ROOT = pathlib.Path(__file__).resolve().parent
VENV = pathlib.Path(os.environ.get("GAN_COURSE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def say(msg):
    print(f"[bootstrap] {msg}", flush=True)


def run(cmd, env=None):
    say(" ".join(str(c) for c in cmd))
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)


def install(extras, torch_index=None):
    """Create the venv and pip-install the project (editable) with ``extras``, once per change."""
    if sys.version_info < (3, 10):  # noqa: UP036 (this file runs on whatever python3 is)
        sys.exit(f"Python 3.10 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        say(f"creating the virtual environment {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = f".[{extras}]" if extras else "."
    # the checkout's path is part of the stamp: an editable install points at one checkout, so a
    # venv shared through GAN_COURSE_VENV is re-pointed when another checkout uses it
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode() + str(ROOT).encode()).hexdigest()
    stamp = VENV / f".gan-course-installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        say("environment up to date")
        return
    if torch_index:
        # e.g. the CPU-only wheels: https://download.pytorch.org/whl/cpu
        if run([PYTHON, "-m", "pip", "install", "torch", "torchvision", "--index-url", torch_index]):
            sys.exit("installing PyTorch from the given index failed (see pip's message above)")
    if run([PYTHON, "-m", "pip", "install", "-e", spec]):
        sys.exit("pip install failed (see pip's message above); nothing else was changed")
    stamp.write_text(digest)


def venv_env(**extra):
    """The environment of a process run inside the venv (its bin/ first: nbgrader calls alembic)."""
    env = dict(os.environ)
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env["VIRTUAL_ENV"] = str(VENV)
    env.update(extra)
    return env


def parallel(pytest_args):
    """pytest-xdist's options for two workers (see conftest.py), when xdist is installed (the test
    extras have it) and ``pytest_args`` do not choose already (``-n 0`` runs in one process)."""
    chosen = any(a.startswith(("-n", "--numprocesses", "--dist", "-pno:xdist")) for a in pytest_args) \
        or "no:xdist" in pytest_args
    if chosen or subprocess.call([PYTHON, "-c", "import xdist"], stderr=subprocess.DEVNULL):
        return []
    return ["-n", "2", "--dist", "loadfile", "--no-loadscope-reorder"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["lab", "test", "run", "install"])
    parser.add_argument("--torch-index", help="pip index for torch/torchvision, e.g. PyTorch's CPU-only wheels")
    parser.add_argument("--fast", action="store_true", help="run: fast mode (small data, few steps)")
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="passed on to jupyter lab / pytest / the runner")
    args = parser.parse_args(argv)

    install("test" if args.action == "test" else "", args.torch_index)
    if args.action == "install":
        return 0
    if args.action == "lab":
        # Jupyter refuses to start as root (e.g. in a container) unless told to
        root = ["--allow-root"] if getattr(os, "geteuid", lambda: 1)() == 0 else []
        return run([BIN / "jupyter", "lab", "course", *root, *args.rest], env=venv_env())
    if args.action == "test":
        return run([PYTHON, "-m", "pytest", *parallel(args.rest), *args.rest], env=venv_env(MPLBACKEND="Agg"))
    fast = {"GAN_COURSE_FAST": "1"} if args.fast else {}
    return run([PYTHON, "-m", "tools.run_notebooks", *args.rest], env=venv_env(**fast))


if __name__ == "__main__":
    sys.exit(main())
