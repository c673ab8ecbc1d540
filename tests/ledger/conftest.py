"""The PostgreSQL server of the ledger tests.

Policy (documented in docs/postgres.md): the PostgreSQL tests never skip.

- ``RANDINSPECT_TEST_PG`` set (CI sets it in ``.ci/run``): that server is used; if it cannot be reached the
  tests fail, naming the URL.
- not set: a throwaway server is started in a temporary directory with ``initdb`` and ``pg_ctl`` (found on
  ``PATH`` or under ``/usr/lib/postgresql/*/bin``; as root they run as the ``postgres`` user), reached over a
  Unix socket only, and stopped at the end of the session.
- neither possible: the tests fail with a message saying how to set ``RANDINSPECT_TEST_PG``.

Deselect them on a machine without PostgreSQL with ``-m "not postgres"``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ENV = "RANDINSPECT_TEST_PG"
#: The tables migrate() creates, in an order they can be dropped in (records refer to ledger rows).
TABLES = ("randinspect_records", "randinspect_ledger", "randinspect_ledger_head", "randinspect_ledger_schema")
HOW = (
    f"set {ENV} to a PostgreSQL URL the tests may create tables in, e.g. "
    f"{ENV}=postgresql+psycopg://user:password@localhost:5432/randinspect_test, or install PostgreSQL's "
    "server binaries (initdb, pg_ctl) so the tests can start a throwaway server; or deselect these tests "
    'with -m "not postgres"'
)


def _find(tool: str) -> str | None:
    found = shutil.which(tool)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    return candidates[-1] if candidates else None


def _throwaway_server() -> Iterator[str]:
    """Start a private PostgreSQL server over a Unix socket in a temporary directory; yield its URL."""
    initdb, pg_ctl = _find("initdb"), _find("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.fail(f"{ENV} is not set and no initdb/pg_ctl was found to start a throwaway server: {HOW}")
    user: str | None = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail(f"{ENV} is not set and, as root, there is no 'postgres' user to run initdb as: {HOW}")
        user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="randinspect-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if user is not None:
        entry = pwd.getpwnam(user)
        for path in (root, sock):
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def run(*command: str) -> None:
        subprocess.run(command, user=user, check=True, capture_output=True, text=True)

    try:
        run(initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = f"-c listen_addresses='' -c unix_socket_directories='{sock}' -c fsync=off -p 5432"
        run(pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"could not start a throwaway PostgreSQL server ({exc.stderr.strip()[-500:]}): {HOW}")
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={sock}&port=5432"
    finally:
        subprocess.run([pg_ctl, "-D", str(data), "-m", "immediate", "stop"], user=user, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of the PostgreSQL server for the tests (see the module docstring for the policy)."""
    import sqlalchemy as sa

    url = os.environ.get(ENV, "").strip()
    if url:
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except Exception as exc:  # any failure to reach the named server fails the tests
            pytest.fail(
                f"{ENV}={sa.make_url(url).render_as_string(hide_password=True)} is unreachable: {exc}"
            )
        finally:
            engine.dispose()
        yield url
        return
    yield from _throwaway_server()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """The server's URL with no ledger or record tables (dropped before and after the test)."""
    import sqlalchemy as sa

    def drop() -> None:
        engine = sa.create_engine(pg_server)
        try:
            with engine.begin() as conn:
                for table in TABLES:
                    conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
        finally:
            engine.dispose()

    drop()
    yield pg_server
    drop()
