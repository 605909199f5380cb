"""Plumbing for the GAN course notebooks: device, seeding, the fast/full switch, plots, progress,
MNIST in [-1, 1], the judge that measures generated digits, and the widgets.

The lessons live in the notebooks; this package only saves them from repeating set-up code.
Notebooks ``import gankit`` and call everything as ``gankit.<name>``; only the test helpers are
imported by name (``from gankit.checks import expect, ...``).
"""
import importlib

from .config import FAST, fast_mode, get_device, seed_everything, show_versions, sized, versions
from .plots import image_grid, plot_history, show_grid, show_numbers
from .progress import History, progress

# imported on first use: the judge, its metrics and the widgets cost time that early notebooks
# do not need to spend
_LAZY = {
    "mnist_tensors": "data", "scale_images": "data",
    "load_judge": "judge",
    "judge_report": "metrics", "show_report": "metrics", "plot_histogram": "metrics",
    "class_fractions": "metrics", "class_coverage": "metrics", "frechet_distance": "metrics",
    "explore": "explorer", "choose_digit": "explorer",
    "predict": "semi", "classifier_accuracy": "semi", "confusion_matrix": "semi", "plot_confusion": "semi",
    "train_steps": "semi", "two_rings": "semi", "kmeans": "semi", "cluster_accuracy": "semi",
    "plot_regions": "semi",
}

__all__ = [
    "FAST", "fast_mode", "get_device", "seed_everything", "show_versions", "sized", "versions",
    "image_grid", "plot_history", "show_grid", "show_numbers", "History", "progress", *_LAZY,
]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'gankit' has no attribute {name!r}")
