"""The cache folder and the checks every cached file goes through.

Nothing here knows about a particular dataset: the dataset modules pass in a file name and its
expected ``(size, digest)`` from :mod:`data_tools.registry`. The digest is an MD5 (32 hex digits,
MNIST's published checksums) or a SHA-256 (64 hex digits); its length says which.
"""
import contextlib
import gzip
import hashlib
import io
import os
import socket
import sys
import warnings
import zlib
from pathlib import Path
from typing import NamedTuple

APP_NAME = "gan-course"
#: Seconds a download may wait on the network before it gives up.
NETWORK_TIMEOUT = 10.0
_CHUNK = 1 << 20


class DataError(Exception):
    """A data file is missing, truncated or corrupt, or could not be fetched."""

    __module__ = "data_tools"  # tracebacks show data_tools.DataError, where users import it


class FileCheck(NamedTuple):
    """The state of one cached file, as returned by :func:`data_tools.verify`."""

    name: str
    status: str  # "ok", "missing" or "corrupt"
    size: int  # bytes on disk, 0 when missing
    path: Path
    detail: str = ""


def data_dir():
    """The cache folder: ``$GAN_COURSE_DATA_DIR`` if set, else the user's cache folder.

    The default is ``$XDG_CACHE_HOME/gan-course`` (``~/.cache/gan-course``), or
    ``%LOCALAPPDATA%\\gan-course`` on Windows. The folder is not created here.
    """
    env = os.environ.get("GAN_COURSE_DATA_DIR", "").strip()
    if env:
        return Path(env).expanduser().absolute()
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / APP_NAME
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base).expanduser().absolute() / APP_NAME


def resolve_dir(folder=None):
    """``folder`` as an absolute Path, or :func:`data_dir` when it is None."""
    return data_dir() if folder is None else Path(folder).expanduser().absolute()


def offline():
    """True when ``$GAN_COURSE_OFFLINE`` asks for no downloads at all."""
    return os.environ.get("GAN_COURSE_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def fix_hint(dataset):
    """What to tell the user to do about a bad file of ``dataset``."""
    return (f"Delete it and run `python -m data_tools fetch {dataset}` "
            f"(add `--from FOLDER` to copy from a local folder of the files).")


def hasher(digest):
    """A new hash object of the kind of ``digest``: MD5 for 32 hex digits, SHA-256 for 64."""
    if len(digest) == 32:
        return hashlib.md5(usedforsecurity=False)
    if len(digest) == 64:
        return hashlib.sha256()
    raise ValueError(f"a checksum has 32 (MD5) or 64 (SHA-256) hex digits, not {len(digest)}: {digest!r}")


def hash_name(digest):
    """The kind of ``digest``: "md5" or "sha256"."""
    return "md5" if len(digest) == 32 else "sha256"


def check_file(path, expected, name=None):
    """Compare the file at ``path`` with ``expected = (size, digest)``; return a FileCheck.

    ``name`` is what the FileCheck calls the file (default: the file name).
    """
    path = Path(path)
    name = name or path.name
    size_want, digest_want = expected
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return FileCheck(name, "missing", 0, path)
    if size != size_want:
        return FileCheck(name, "corrupt", size, path,
                         f"{size:,} bytes, expected {size_want:,} (truncated or damaged)")
    digest = digest_file(path, digest_want)
    if digest != digest_want:
        return FileCheck(name, "corrupt", size, path,
                         f"{hash_name(digest_want)} {digest}, expected {digest_want}")
    return FileCheck(name, "ok", size, path)


def corrupt_error(check, dataset="mnist"):
    """A DataError for a corrupt FileCheck, naming the file and the fix."""
    return DataError(f"{check.path} is corrupt: {check.detail}. {fix_hint(dataset)}")


def md5_file(path):
    """MD5 of a file's bytes, read in chunks."""
    return digest_file(path, "0" * 32)


def digest_file(path, like):
    """The checksum of a file's bytes, of the kind of the digest ``like`` (MD5 or SHA-256)."""
    h = hasher(like)
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def read_checked(path, expected, dataset="mnist"):
    """Read a cached file whole into a bytearray after checking its size and checksum.

    Returns None when the file is missing. Raises DataError when it is corrupt, so a bad
    file is never used and never silently replaced.
    """
    path = Path(path)
    size_want, digest_want = expected
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size != size_want:
        raise corrupt_error(FileCheck(path.name, "corrupt", size, path,
                                      f"{size:,} bytes, expected {size_want:,} (truncated or damaged)"),
                            dataset)
    buf = bytearray(size)
    with open(path, "rb") as f:
        got = f.readinto(buf)
    h = hasher(digest_want)
    h.update(buf)
    digest = h.hexdigest()
    if got != size or digest != digest_want:
        raise corrupt_error(FileCheck(path.name, "corrupt", size, path,
                                      f"{hash_name(digest_want)} {digest}, expected {digest_want}"), dataset)
    return buf


def install_file(source, target, expected, label=None):
    """Copy ``source`` (plain or gzip) to ``target``, decompressing and checking on the way.

    The content is written to a temporary file next to ``target`` and moved into place only
    when its size and checksum match ``expected``; otherwise DataError and nothing changes.
    ``label`` names the source in messages (defaults to its path).
    """
    source = Path(source)
    label = label or str(source)
    try:
        with open(source, "rb") as raw:
            gz = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            install_stream(gzip.GzipFile(fileobj=raw) if gz else raw, target, expected, label)
    except OSError as e:
        raise DataError(f"could not read {label}: {one_line(e)}") from None


def install_stream(src, target, expected, label):
    """Write the bytes read from the file object ``src`` to ``target`` if they match ``expected``.

    As :func:`install_file`: through a temporary file, moved into place only when the size and
    checksum are right; DataError (naming ``label``) otherwise, and ``target`` is left as it was.
    """
    target = Path(target)
    size_want, digest_want = expected
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    h, size = hasher(digest_want), 0
    try:
        with open(tmp, "wb") as out:
            while chunk := src.read(_CHUNK):
                h.update(chunk)
                size += len(chunk)
                out.write(chunk)
        if size != size_want or h.hexdigest() != digest_want:
            kind = hash_name(digest_want)
            raise DataError(f"{label} does not hold the expected {target.name}: {size:,} bytes with "
                            f"{kind} {h.hexdigest()}, expected {size_want:,} bytes with {kind} {digest_want}")
        os.replace(tmp, target)
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(f"could not read {label}: {one_line(e)}") from None
    finally:
        tmp.unlink(missing_ok=True)


def one_line(err, limit=200):
    """An exception as one short line: its type and its message with whitespace collapsed."""
    text = " ".join(str(err).split())
    text = f"{type(err).__name__}: {text}" if text else type(err).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def mirror_urls(env_var, defaults=()):
    """Base URLs to download from: ``$env_var`` (comma or space separated) or ``defaults``.

    A plain folder path is turned into a ``file://`` URL. Every URL ends with ``/``.
    """
    value = os.environ.get(env_var, "").replace(",", " ").split()
    urls = []
    for item in value or defaults:
        if "://" not in item:
            item = Path(item).expanduser().absolute().as_uri()
        urls.append(item if item.endswith("/") else item + "/")
    return urls


@contextlib.contextmanager
def quiet_network(timeout=None):
    """Run a download with a socket timeout and with its prints, progress bars and warnings kept.

    Nothing reaches stdout or stderr (notebooks graded by nbgrader must not write to stderr);
    what was written is available as the yielded StringIO.
    """
    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(NETWORK_TIMEOUT if timeout is None else timeout)
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield buf
    finally:
        socket.setdefaulttimeout(old)


def say(message):
    """Print one line to stdout (never stderr) and flush it."""
    print(message, file=sys.stdout, flush=True)
