"""The CMP facades as prepared for pix2pix: fetch, check, pack into HDF5, load as image pairs.

The JPEGs live in ``<data_dir>/facades/{train,val,test}/<n>.jpg`` (512x256: the photo on the
left, the colour label map on the right), each checked against its SHA-256 from
:mod:`data_tools.registry`. The first load at a given size reads every JPEG once, cuts it into
its two halves, shrinks them and stores them as uint8 arrays in one HDF5 file,
``<data_dir>/facades/facades_<size>px.h5``; every later load reads that file only. The file
records the checksums it was made from and the way it was made, and is made again when either
no longer matches (a stale pack) or when it cannot be read.

Sources for ``fetch``: ``$GAN_COURSE_FACADES_MIRROR`` (base URLs, comma or space separated;
``file://`` URLs and plain folder paths work too) or the pix2pix datasets archive. A mirror
holds ``facades.tar.gz`` or, for a local folder, the JPEGs in ``train/``, ``val/``, ``test/``.
"""
import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.request
from pathlib import Path, PurePosixPath

from . import registry
from .cache import (
    NETWORK_TIMEOUT,
    DataError,
    check_file,
    fix_hint,
    install_file,
    install_stream,
    mirror_urls,
    offline,
    one_line,
    read_checked,
    resolve_dir,
    say,
)

MIRROR_ENV = "GAN_COURSE_FACADES_MIRROR"
#: Where the pix2pix authors publish their datasets (Isola et al., 2017).
SOURCE_URLS = ("http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/",)
ARCHIVE = "facades.tar.gz"
#: Bumped whenever the packing changes (the cut, the resampling), so older packs are made again.
PACK_VERSION = 1
#: Every photo and label map is shrunk with PIL's box filter: each output pixel is the mean of
#: the input pixels it covers, which keeps the label colours and adds no ringing.
RESAMPLE = "box"


class NotCached(DataError):
    """The facades are not in the cache and could not be fetched (offline, or the download failed)."""

    __module__ = "data_tools"


def folder(data_dir=None):
    """Where the facades live: ``<data_dir>/facades``."""
    return resolve_dir(data_dir) / registry.FACADES_FOLDER


def pack_path(size, data_dir=None):
    """The HDF5 pack of the facades at ``size`` x ``size``."""
    return folder(data_dir) / f"facades_{size}px.h5"


def split_names(split):
    """The registry's file names of one split, in the order 1.jpg, 2.jpg, ..."""
    if split not in registry.FACADES_SPLITS:
        raise ValueError(f"split must be one of {', '.join(registry.FACADES_SPLITS)}, not {split!r}")
    names = [n for n in registry.FACADES if n.split("/")[0] == split]
    return sorted(names, key=lambda n: int(PurePosixPath(n).stem))


def fingerprint():
    """SHA-256 over the registry's names, sizes and checksums, plus the packing's version."""
    h = hashlib.sha256(f"pack {PACK_VERSION} {RESAMPLE}\n".encode())
    for name in sorted(registry.FACADES):
        size, digest = registry.FACADES[name]
        h.update(f"{name} {size} {digest}\n".encode())
    return h.hexdigest()


# --- fetching ---------------------------------------------------------------------------------

def wanted_files(target, force=False):
    """The registry names that are not cached and valid in ``target`` (all of them with ``force``)."""
    return [n for n, exp in registry.FACADES.items()
            if force or check_file(target / n, exp).status != "ok"]


def fetch_from_folder(source, target, force=False, report=say):
    """Copy the facades from a local ``source`` into ``target``, checking every file.

    ``source`` may be a folder with ``train/``, ``val/`` and ``test/`` (or with a ``facades/``
    folder that has them), a folder with ``facades.tar.gz``, or that archive itself. Files
    already cached and valid are kept unless ``force``. ``report`` (or None) gets one line.
    Raises DataError on a missing source, a missing file or one whose checksum is wrong.
    """
    source = Path(source).expanduser().absolute()
    wanted = wanted_files(target, force)
    kept = len(registry.FACADES) - len(wanted)
    if source.is_file():
        archive = source
    elif source.is_dir():
        base = next((d for d in (source, source / "facades") if (d / "train").is_dir()), None)
        archive = source / ARCHIVE if base is None and (source / ARCHIVE).is_file() else None
        if base is None and archive is None:
            raise DataError(f"{source} holds neither train/, val/, test/ folders of facades JPEGs "
                            f"nor {ARCHIVE}")
    else:
        raise DataError(f"{source} is not a folder")
    if wanted:
        if archive is not None:
            install_from_archive(archive, target, wanted, label=str(archive))
        else:
            for name in wanted:
                path = base / name
                if not path.is_file():
                    raise DataError(f"{base} has no {name} ({len(wanted)} file(s) to copy, "
                                    f"{len(registry.FACADES)} in the set)")
                install_file(path, target / name, registry.FACADES[name])
    if report:
        report(f"facades: {len(wanted)} file(s) copied from {archive or base} (checked)"
               + (f", {kept} already in {target} (checked)" if kept else ""))
    return len(wanted)


def install_from_archive(archive, target, names, label):
    """Install the files ``names`` from the tar archive ``archive`` into ``target``, each checked.

    Members are matched by their last two path parts (``facades/train/1.jpg`` gives
    ``train/1.jpg``); nothing else is read, and nothing is extracted by the archive's own paths.
    """
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = {}
            for m in tar:
                parts = PurePosixPath(m.name).parts
                if m.isfile() and len(parts) >= 2:
                    members.setdefault("/".join(parts[-2:]), m)
            for name in names:
                member = members.get(name)
                if member is None:
                    raise DataError(f"{label} has no {name}")
                install_stream(tar.extractfile(member), target / name, registry.FACADES[name],
                               label=f"{name} in {label}")
    except (tarfile.TarError, EOFError, OSError) as e:
        raise DataError(f"could not read {label}: {one_line(e)}") from None


def download_facades(target, force=False, report=say):
    """Fetch the facades missing from ``target`` (all, ``force``) from the first mirror that works.

    Mirrors: ``$GAN_COURSE_FACADES_MIRROR`` or the pix2pix datasets archive. Returns the mirror
    used. Raises DataError, one line per mirror tried, when none works.
    """
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    urls = mirror_urls(MIRROR_ENV, SOURCE_URLS)
    if not wanted_files(target, force):
        return urls[0]
    errors = []
    for url in urls:
        try:
            if url.startswith("file:"):
                fetch_from_folder(url2pathname(urlparse(url).path), target, force=force, report=None)
            else:
                _download_archive(url + ARCHIVE, target, force, report)
            return url
        except DataError as e:
            errors.append(str(e))
        except Exception as e:  # the network's errors: one line each
            errors.append(f"{url}{ARCHIVE}: {one_line(e)}")
    raise DataError("; ".join(errors))


def _download_archive(url, target, force, report):
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".download-", dir=target.parent)
    try:
        archive = Path(staging) / ARCHIVE
        if report:
            report(f"facades: downloading {url} ...")
        with urllib.request.urlopen(url, timeout=NETWORK_TIMEOUT) as response, open(archive, "wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
        install_from_archive(archive, target, wanted_files(target, force), label=url)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# --- packing and loading ----------------------------------------------------------------------

def _cut_and_shrink(data, size):
    """One 512x256 JPEG (bytes) as (photo, label map), each uint8 (3, size, size)."""
    import io

    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        im = im.convert("RGB")
        w, h = im.size
        halves = (im.crop((0, 0, w // 2, h)), im.crop((w // 2, 0, w, h)))
        return [np.asarray(half.resize((size, size), Image.Resampling.BOX)).transpose(2, 0, 1)
                for half in halves]


def _read_pack(path, size):
    """The arrays of a valid pack, or (None, why it cannot be used)."""
    import h5py

    if not path.is_file():
        return None, "not packed yet"
    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("fingerprint") != fingerprint() or int(f.attrs.get("size", -1)) != size:
                return None, "made from other files or by another version of data_tools"
            arrays = {}
            for split in registry.FACADES_SPLITS:
                n = len(split_names(split))
                for kind in ("photos", "labels"):
                    arr = f[f"{split}/{kind}"][()]
                    if arr.shape != (n, 3, size, size) or str(arr.dtype) != "uint8":
                        return None, f"{split}/{kind} has shape {arr.shape}, expected {(n, 3, size, size)}"
                    arrays[split, kind] = arr
            return arrays, None
    except Exception as e:  # a truncated or damaged HDF5 file: make it again
        return None, f"unreadable ({one_line(e, 120)})"


def _build_pack(root, size):
    """Read and check every JPEG, cut and shrink them; returns the arrays."""
    import numpy as np

    arrays = {}
    for split in registry.FACADES_SPLITS:
        photos, labels = [], []
        for name in split_names(split):
            data = read_checked(root / name, registry.FACADES[name], dataset="facades")
            if data is None:
                raise NotCached(f"{root / name} is missing. {fix_hint('facades')}")
            try:
                photo, label = _cut_and_shrink(bytes(data), size)
            except Exception as e:
                raise DataError(f"{root / name} cannot be decoded ({one_line(e, 120)}). "
                                f"{fix_hint('facades')}") from None
            photos.append(photo)
            labels.append(label)
        arrays[split, "photos"] = np.stack(photos)
        arrays[split, "labels"] = np.stack(labels)
    return arrays


def _write_pack(path, arrays, size):
    """Write the pack through a temporary file; False (and nothing written) when the folder is read-only."""
    import h5py

    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["fingerprint"] = fingerprint()
            f.attrs["size"] = size
            f.attrs["layout"] = "<split>/photos and <split>/labels: uint8 (N, 3, size, size), RGB"
            for (split, kind), arr in arrays.items():
                f.create_dataset(f"{split}/{kind}", data=arr)
        os.replace(tmp, path)
        return True
    except OSError:
        return False
    finally:
        if tmp.exists():
            tmp.unlink()


def _ensure_files(root, download, verbose):
    """Make sure every JPEG is cached (fetching them if allowed); NotCached when they cannot be had."""
    missing = [n for n in registry.FACADES if not (root / n).is_file()]
    if not missing:
        return
    where = f"{len(missing)} of the {len(registry.FACADES)} facades JPEGs are not in {root}"
    if not download or offline():
        why = "download=False" if not download else "GAN_COURSE_OFFLINE=1"
        raise NotCached(f"{where} and {why} (`python -m data_tools fetch facades` gets them)")
    if verbose:
        say(f"facades: {where}; fetching them ...")
    try:
        url = download_facades(root, report=say if verbose else None)
    except Exception as e:
        raise NotCached(f"{where} and the download failed ({one_line(e)})") from None
    if verbose:
        say(f"facades: fetched from {url} into {root} (checked)")


def load_facades(split="train", size=64, limit=None, data_dir=None, download=True, verbose=True):
    """The facades as image pairs: the label map (input) and the photo (target).

    Args:
        split: "train" (400 pairs), "val" (100) or "test" (106).
        size: the side of the square images, e.g. 64 (each half of the 512x256 JPEG is shrunk
            from 256x256 with a box filter).
        limit: keep only the first ``limit`` pairs (None keeps all).
        data_dir: the cache folder; default :func:`data_tools.data_dir`.
        download: allow fetching the JPEGs when they are not cached.
        verbose: print one line saying where the pairs came from.

    Returns:
        ``(labels, photos)``: uint8 tensors (N, 3, size, size), RGB, values 0-255.

    Raises:
        NotCached: the JPEGs are not cached and cannot be fetched (offline, download failed).
        DataError: a cached JPEG is truncated or corrupt (the message names it and the fix).
    """
    import torch

    names = split_names(split)
    if not isinstance(size, int) or isinstance(size, bool) or not 8 <= size <= 256:
        raise ValueError(f"size must be an integer from 8 to 256, not {size!r}")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        raise ValueError(f"limit must be None or an integer >= 0, not {limit!r}")
    root = folder(data_dir)
    path = pack_path(size, data_dir)
    arrays, why = _read_pack(path, size)
    how = f"from {path}"
    if arrays is None:
        _ensure_files(root, download, verbose)
        if verbose:
            say(f"facades: packing the {len(registry.FACADES)} JPEGs at {size}x{size} into {path} "
                f"({why}) ...")
        arrays = _build_pack(root, size)
        if _write_pack(path, arrays, size):
            how = f"packed once from the checked JPEGs into {path}"
        else:
            how = f"packed in memory from the checked JPEGs ({root} is read-only, nothing saved)"
    photos = torch.from_numpy(arrays[split, "photos"][:limit])
    labels = torch.from_numpy(arrays[split, "labels"][:limit])
    if verbose:
        n = len(names)
        count = f"{n}" if limit is None or limit >= n else f"{limit} of {n}"
        say(f"facades {split}: {count} pairs of {size}x{size} {how}")
    return labels, photos
