"""Plumbing for the GAN course notebooks: device, seeding, the fast/full switch, plots, progress,
and the judge that measures generated digits.

The lessons live in the notebooks; this package only saves them from repeating set-up code.
"""
from .config import FAST, fast_mode, get_device, seed_everything, show_versions, sized, versions
from .plots import image_grid, plot_history, show_grid
from .progress import History, progress

__all__ = [
    "FAST", "fast_mode", "get_device", "seed_everything", "show_versions", "sized", "versions",
    "image_grid", "plot_history", "show_grid", "History", "progress",
    "load_judge", "judge_report", "show_report", "plot_histogram",
]


def __getattr__(name):
    # The judge and its metrics are imported on first use: most notebooks before 03 never need them.
    if name == "load_judge":
        from .judge import load_judge
        return load_judge
    if name in ("judge_report", "show_report", "plot_histogram"):
        from . import metrics
        return getattr(metrics, name)
    raise AttributeError(f"module 'gankit' has no attribute {name!r}")
