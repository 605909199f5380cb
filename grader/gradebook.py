"""Where a work folder keeps nbgrader's gradebook: SQLite by default, or a database given by URL.

By default the gradebook is ``work/gradebook.db`` (SQLite). ``--db URL`` (for example
``postgresql://grader@dbhost/gan_2027``) puts it in a database server instead, which takes
writers from many machines at once, as grading on a Dask cluster needs (nbgrader's FAQ advises
against SQLite on a network file system). The URL is kept in the work folder
(``work/gradebook_url``, readable by its owner only: it may hold a password), so that later
commands on the folder (``feedback``, ``export``, plain nbgrader) use the same gradebook.
"""
import importlib.util
import pathlib

from .session import GraderError

URL_FILE = "gradebook_url"
SQLITE_FILE = "gradebook.db"
CLUSTER_EXTRA = "pip install -e '.[cluster]'"


def sqlite_url(work):
    """SQLite's gradebook in the work folder; with parallel grading a writer waits up to 60 s for the lock."""
    return f"sqlite:///{work}/{SQLITE_FILE}?timeout=60"


def with_driver(url):
    """``url`` with PostgreSQL's driver named when the default one is missing.

    SQLAlchemy 2.1 reads ``postgresql://`` as the ``psycopg`` (3) driver; the cluster extra installs
    ``psycopg2``. A URL that names no driver gets ``+psycopg2`` when only that one is installed;
    ``postgres://`` is read as ``postgresql://``.
    """
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgresql", "postgres"):
        if importlib.util.find_spec("psycopg") is None and importlib.util.find_spec("psycopg2") is not None:
            return f"postgresql+psycopg2://{rest}"
        return f"postgresql://{rest}"
    return url


def stored_url(work):
    """The URL that ``--db`` stored in the work folder, or None."""
    path = pathlib.Path(work) / URL_FILE
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def is_sqlite(url):
    return url.split(":", 1)[0].split("+", 1)[0] == "sqlite"


def shown(url):
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: say it as given, up to a password
        return url.split("@")[-1] if "@" in url else url


def exists(work):
    """Whether the work folder has a gradebook (SQLite's file, or a stored URL)."""
    return stored_url(work) is not None or (pathlib.Path(work) / SQLITE_FILE).exists()


def engine(url):
    """A SQLAlchemy engine for ``url``; GraderError naming what is missing when it cannot make one."""
    import sqlalchemy
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        made = sqlalchemy.make_url(url)
        args = {"connect_timeout": 10} if made.get_backend_name() == "postgresql" else {}
        return sqlalchemy.create_engine(made, connect_args=args)
    except ModuleNotFoundError as exc:
        raise GraderError(f"the gradebook {shown(url)} needs the Python package {exc.name!r}, which is not "
                          f"installed: {CLUSTER_EXTRA} (the cluster extra has PostgreSQL's driver)") from None
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise GraderError(f"--db {shown(url)} is not a database URL SQLAlchemy can use "
                          f"(e.g. postgresql://user@host/database): {exc}") from None


def check(url):
    """Connect to the gradebook's database once; GraderError with the reason when it cannot.
    Returns the number of nbgrader submissions it holds (0 for a new database)."""
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import SQLAlchemyError

    db = engine(url)
    try:
        with db.connect() as conn:
            if "submitted_assignment" not in inspect(conn).get_table_names():
                return 0
            return conn.execute(text("SELECT count(*) FROM submitted_assignment")).scalar()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise GraderError(f"cannot reach the gradebook {shown(url)}: {reason[0] if reason else type(exc).__name__}"
                          ) from None
    finally:
        db.dispose()


def remember(work, url):
    """Make ``url`` the gradebook of the work folder ``work`` (after checking that it is reachable).

    A work folder keeps one gradebook: a different URL than the one stored, or a database URL
    for a folder that has graded into SQLite already, is refused (its grades would be split).
    A database that already holds another class's submissions is refused too.
    """
    work = pathlib.Path(work)
    url = url.strip()
    old = stored_url(work)
    if old is None and url == sqlite_url(work):  # the default, said aloud
        return
    if old == url:
        check(url)
        return
    if old is not None:
        raise GraderError(f"the work folder {work} keeps its grades in {shown(old)}, not {shown(url)}: "
                          "grade into another --work folder to use another gradebook")
    if (work / SQLITE_FILE).exists():
        raise GraderError(f"the work folder {work} keeps its grades in {work / SQLITE_FILE}: grade into "
                          f"another --work folder to use the gradebook {shown(url)}")
    held = check(url)
    if held:
        raise GraderError(f"the database {shown(url)} already holds an nbgrader gradebook with {held} "
                          "submissions: give each work folder a database of its own (createdb ...)")
    work.mkdir(parents=True, exist_ok=True)
    path = work / URL_FILE
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(url + "\n", encoding="utf-8")
