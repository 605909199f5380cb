"""Plumbing for the GAN course notebooks: device, seeding, the fast/full switch, plots, progress.

The lessons live in the notebooks; this package only saves them from repeating set-up code.
"""
from .config import FAST, fast_mode, get_device, seed_everything, show_versions, sized, versions
from .plots import image_grid, plot_history, show_grid
from .progress import History, progress

__all__ = [
    "FAST", "fast_mode", "get_device", "seed_everything", "show_versions", "sized", "versions",
    "image_grid", "plot_history", "show_grid", "History", "progress",
]
