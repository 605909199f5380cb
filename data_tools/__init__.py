"""Every byte of data for the GAN course: cache folder, checksums, downloads, offline fallback.

Notebooks call these functions and never build URLs or paths themselves::

    from data_tools import load_mnist, load_pairs
    images, labels = load_mnist("train", limit=1000)   # uint8 (N, 28, 28), int64 (N,)
    pairs = load_pairs("facades", "train", size=64)    # label maps -> photos, uint8 (N, 3, 64, 64)

Command line: ``python -m data_tools fetch {mnist,facades} [--from FOLDER]``,
``python -m data_tools verify``, ``python -m data_tools info``.

Environment: ``GAN_COURSE_DATA_DIR`` (cache folder), ``GAN_COURSE_OFFLINE=1`` (no downloads),
``GAN_COURSE_MNIST_MIRROR`` and ``GAN_COURSE_FACADES_MIRROR`` (base URLs to download from,
e.g. ``file:///srv/mnist/``).
"""
import os

from . import registry
from .cache import DataError, FileCheck, check_file, data_dir, offline, resolve_dir
from .facades import NotCached, load_facades
from .mnist import load_mnist
from .pairs import Pairs, load_pairs, mnist_outlines

__all__ = ["DataError", "FileCheck", "NotCached", "Pairs", "data_dir", "info", "load_facades", "load_mnist",
           "load_pairs", "mnist_outlines", "verify"]


def verify(data_dir=None, datasets=None):
    """Check every known file in the cache folder against its size and checksum.

    Returns a list of FileCheck ``(name, status, size, path, detail)`` with status
    "ok", "missing" or "corrupt", one per file of every dataset in the registry (or of the
    ``datasets`` named). A facades file is named by its path in the set, e.g. ``train/1.jpg``.
    """
    root = resolve_dir(data_dir)
    return [check_file(root / folder / name, expected, name=name)
            for dataset, (folder, files) in registry.DATASETS.items() if datasets is None or dataset in datasets
            for name, expected in files.items()]


def info(data_dir=None):
    """What is cached, where, and how big, from file sizes only (fast; see :func:`verify`).

    Returns a dict: ``data_dir``, ``source`` (where that folder came from), ``exists``,
    ``writable``, ``offline``, ``total_bytes`` and ``datasets``, which maps each dataset to
    ``folder``, ``files`` (name -> size on disk or None), ``complete`` (all present with the
    right sizes), ``bytes`` and ``packs`` (the HDF5 files made from it, name -> size).
    """
    root = resolve_dir(data_dir)
    if data_dir is not None:
        source = "argument"
    elif os.environ.get("GAN_COURSE_DATA_DIR", "").strip():
        source = "GAN_COURSE_DATA_DIR"
    else:
        source = "default user cache"
    datasets, total = {}, 0
    for dataset, (folder, files) in registry.DATASETS.items():
        sizes = {}
        for name in files:
            p = root / folder / name
            sizes[name] = p.stat().st_size if p.is_file() else None
        packs = {p.name: p.stat().st_size for p in sorted((root / folder).glob("*.h5"))}
        nbytes = sum(s or 0 for s in sizes.values()) + sum(packs.values())
        total += nbytes
        datasets[dataset] = {
            "folder": str(root / folder),
            "files": sizes,
            "complete": all(sizes[n] == files[n][0] for n in files),
            "bytes": nbytes,
            "packs": packs,
        }
    return {
        "data_dir": str(root),
        "source": source,
        "exists": root.is_dir(),
        "writable": _writable(root),
        "offline": offline(),
        "total_bytes": total,
        "datasets": datasets,
    }


def _writable(path):
    """True if files could be created in ``path`` (or in its nearest existing parent)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return os.access(path, os.W_OK | os.X_OK)
