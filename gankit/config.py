"""Device, seeding and the fast/full switch.

The switch is read here and nowhere else: ``GAN_COURSE_FAST=1`` turns fast mode on, and so does
nbgrader, which sets ``NBGRADER_EXECUTION`` while it autogrades. Notebooks ask ``sized(full, fast)``
for every number that differs between the two modes, so the same cells run in both.
"""
import os
import platform
import random
import sys

import numpy as np
import torch


def fast_mode(environ=None):
    """True when fast mode is on (``GAN_COURSE_FAST`` set to a true value, or under nbgrader)."""
    env = os.environ if environ is None else environ
    flag = env.get("GAN_COURSE_FAST", "").strip().lower()
    return flag in ("1", "true", "yes", "on") or bool(env.get("NBGRADER_EXECUTION"))


FAST = fast_mode()


def set_threads(environ=None):
    """Set torch's CPU thread count from ``GAN_COURSE_THREADS``; fast mode defaults to 1 thread.

    Small models gain little from a second thread, and on a busy machine (tests, nbgrader grading
    several notebooks) threads that wait for each other make training many times slower.
    Returns the thread count in use.
    """
    env = os.environ if environ is None else environ
    wanted = env.get("GAN_COURSE_THREADS", "").strip()
    if wanted:
        try:
            n = int(wanted)
        except ValueError:
            raise ValueError(f"GAN_COURSE_THREADS must be a whole number, not {wanted!r}") from None
        if n < 1:
            raise ValueError(f"GAN_COURSE_THREADS must be at least 1, not {n}")
        torch.set_num_threads(n)
    elif fast_mode(env):
        torch.set_num_threads(1)
    return torch.get_num_threads()


set_threads()


def sized(full, fast):
    """Return ``fast`` in fast mode and ``full`` otherwise, e.g. ``num_epochs = sized(20, 1)``."""
    return fast if FAST else full


def get_device(prefer=None):
    """The best available ``torch.device``: cuda, then Apple's mps, then cpu.

    ``prefer`` (or the environment variable ``GAN_COURSE_DEVICE``) forces one, e.g. ``"cpu"``.
    """
    prefer = prefer or os.environ.get("GAN_COURSE_DEVICE")
    if prefer:
        return torch.device(prefer)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed=0):
    """Seed Python's ``random``, NumPy and torch (CPU and all GPUs) with one call; returns ``seed``."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    return seed


def versions():
    """The versions that matter for this course, as a dict."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name):
        # read from the package metadata: importing torchvision just to print it costs seconds
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torchvision": installed("torchvision"),
        "numpy": np.__version__,
        "matplotlib": installed("matplotlib"),
    }


def show_versions(device=None):
    """Print versions, the device and the mode; the first code cell of every notebook calls it."""
    device = device or get_device()
    parts = [f"{k} {v}" for k, v in versions().items()]
    print(" | ".join(parts))
    mode = "FAST (small data, few steps)" if FAST else "full"
    print(f"device: {device} | mode: {mode} | threads: {torch.get_num_threads()}", file=sys.stdout)
