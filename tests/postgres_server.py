"""A throwaway PostgreSQL server on loopback, for tests/test_cluster.py and benchmarks/bench_class.py.

``running(databases)`` starts Debian's PostgreSQL (``initdb`` and ``pg_ctl`` from
/usr/lib/postgresql/*/bin, or from PATH) in a temp folder on 127.0.0.1 and a free port, makes
the databases and yields ``{name: URL}``; the server is stopped and its folder removed
afterwards, also on an error. PostgreSQL refuses to run as root: as root, the server runs as the
``postgres`` user, which then owns the temp folder. ``Unavailable`` says why no server can start.
"""
import contextlib
import glob
import os
import pathlib
import pwd
import shutil
import socket
import subprocess
import tempfile

USER = "grader"


class Unavailable(Exception):
    """PostgreSQL is not installed, or there is no unprivileged user to run it as."""


def bindir():
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), the newest version's, or None."""
    def version(path):
        return [int(x) if x.isdigit() else 0 for x in pathlib.Path(path).parts[-3].split(".")]

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return pathlib.Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return pathlib.Path(initdb).parent if initdb and shutil.which("pg_ctl", path=os.path.dirname(initdb)) else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(databases=("gradebook",), fsync=False):
    """A server with ``databases``; yields ``{name: "postgresql://grader@127.0.0.1:PORT/name"}``.
    ``fsync=False`` (for tests) skips flushing to disk, as a server that may lose its data can."""
    bins = bindir()
    if bins is None:
        raise Unavailable("PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH; "
                          "Debian: apt-get install postgresql)")
    run_as = {}
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            raise Unavailable("running as root, and there is no 'postgres' user to run PostgreSQL as") from None
        run_as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="grader-postgres-"))
    if run_as:
        os.chown(tmp, run_as["user"], run_as["group"])
    data, port = tmp / "data", free_port()
    env = {"PATH": f"{bins}{os.pathsep}/usr/bin:/bin", "LC_ALL": "C", "HOME": str(tmp)}

    def pg(*args, check=True):
        proc = subprocess.run([str(bins / args[0]), *args[1:]], cwd=tmp, env=env, capture_output=True,
                              text=True, timeout=120, **run_as)
        if check and proc.returncode:
            log = (tmp / "server.log").read_text() if (tmp / "server.log").exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed:\n{proc.stdout}\n{proc.stderr}\n{log}")
        return proc

    try:
        pg("initdb", "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8", *([] if fsync else ["--no-sync"]))
        pg("pg_ctl", "-D", str(data), "-l", str(tmp / "server.log"), "-w", "-t", "60",
           "-o", f"-h 127.0.0.1 -p {port} -k {tmp}" + ("" if fsync else " -F"), "start")
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=port, user=USER, dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            for name in databases:
                cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()
        yield {name: f"postgresql://{USER}@127.0.0.1:{port}/{name}" for name in databases}
    finally:
        if (data / "postmaster.pid").exists():
            pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(tmp, ignore_errors=True)
