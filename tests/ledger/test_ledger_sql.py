"""Tests of randinspect.ledger.sql: the SQLAlchemy ledger store on a real PostgreSQL server and on SQLite.

The PostgreSQL server comes from the ``pg_url`` fixture (tests/ledger/conftest.py): ``RANDINSPECT_TEST_PG``
or a throwaway server; these tests fail rather than skip when neither is available.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.synchronize
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.ledger.conftest import TABLES

from randinspect.errors import (
    DuplicateEntryError,
    JournalError,
    JournalIntegrityError,
    JournalLockTimeoutError,
    JournalSchemaError,
    JournalUnavailableError,
)
from randinspect.ledger import GENESIS_HASH, Journal, LockingJournalStore
from randinspect.ledger.sql import SCHEMA_VERSION, SqlAlchemyStore, migrate, schema_version
from randinspect.testing import check_journal_store
from randinspect.testing.strategies import journal_keys, journal_payloads

CTX = multiprocessing.get_context("spawn")
pytestmark = pytest.mark.postgres


def clock() -> Callable[[], datetime]:
    """A clock advancing one second per call."""
    ticks = iter(range(10**6))
    return lambda: datetime(2027, 6, 1, tzinfo=UTC) + timedelta(seconds=next(ticks))


@pytest.fixture(params=["postgresql", "sqlite"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL without ledger tables: the PostgreSQL server, or a new SQLite file."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield request.getfixturevalue("pg_url")


def _append_many(url: str, writer: int, n: int, start: multiprocessing.synchronize.Event) -> None:
    """Child: wait for the start signal, then append n results through the worker's own pooled engine (as a
    host would); exit 3 if any append is refused."""
    engine = sa.create_engine(url, connect_args={"timeout": 120} if url.startswith("sqlite") else {})
    journal = Journal(SqlAlchemyStore(engine, timeout=120))
    start.wait()
    try:
        for i in range(n):
            journal.append("result", {"writer": writer, "i": i}, key=(f"W{writer}", i))
    except JournalError:
        os._exit(3)
    finally:
        engine.dispose()


def _append_forever(url: str, conn: multiprocessing.connection.Connection) -> None:
    """Child: append until killed, sending each entry's hash once its append has returned."""
    engine = sa.create_engine(url)
    journal = Journal(SqlAlchemyStore(engine))
    i = 0
    while True:
        conn.send(journal.append("inspection-record", {"i": i, "text": "记录" * 500}, key=("T", i)).hash)
        i += 1


def _head_row(url: str) -> tuple[object, ...]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            cols = "seq, hash" + (", xmin::text" if engine.dialect.name == "postgresql" else "")
            return tuple(conn.execute(sa.text(f"SELECT {cols} FROM randinspect_ledger_head")).one())
    finally:
        engine.dispose()


def _drop(url: str) -> None:
    """Drop the ledger tables (hypothesis examples share the session's server)."""
    for table in TABLES:
        _sql(url, f"DROP TABLE IF EXISTS {table}")


def _sql(url: str, statement: str, **params: object) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(statement), params)
    finally:
        engine.dispose()


class TestMigration:
    """The tables come from one documented, idempotent migration with a schema version."""

    def test_migrate_creates_and_is_idempotent(self, url: str) -> None:
        """migrate() creates the tables at SCHEMA_VERSION with the genesis head; running it again changes
        nothing."""
        assert schema_version(url) is None
        assert migrate(url) == SCHEMA_VERSION
        assert schema_version(url) == SCHEMA_VERSION
        assert _head_row(url)[:2] == (0, GENESIS_HASH)
        store = SqlAlchemyStore(url)
        Journal(store, clock=clock()).append("item-list", {"items": 3}, key=("SAMR", 2027))
        assert migrate(url) == SCHEMA_VERSION
        assert len(store) == 1
        store.close()

    def test_missing_tables_refused(self, url: str) -> None:
        """A store on a database without the ledger tables raises JournalSchemaError naming migrate()."""
        with pytest.raises(JournalSchemaError, match=r"migrate\(engine\)"):
            SqlAlchemyStore(url)
        assert schema_version(url) is None  # nothing was created

    @pytest.mark.parametrize("version", [0, 3, 99])
    def test_unknown_schema_version_refused(self, url: str, version: int) -> None:
        """Tables at another schema version are refused by the store and by migrate(), and left as they
        were."""
        migrate(url)
        Journal(SqlAlchemyStore(url), clock=clock()).append("result", {}, key=("T",))
        _sql(url, f"UPDATE randinspect_ledger_schema SET version = {version}")
        with pytest.raises(JournalSchemaError, match=f"version {version}"):
            SqlAlchemyStore(url)
        with pytest.raises(JournalSchemaError, match=rf"\[{version}\]"):
            migrate(url)
        assert schema_version(url) == version
        _sql(url, f"UPDATE randinspect_ledger_schema SET version = {SCHEMA_VERSION}")
        assert len(SqlAlchemyStore(url, read_only=True)) == 1


class TestStore:
    """The store honours the store Protocols on both databases."""

    def test_conformance(self, url: str) -> None:
        """SqlAlchemyStore passes randinspect.testing.check_journal_store, including the locking checks."""
        migrate(url)
        store = SqlAlchemyStore(url)
        assert isinstance(store, LockingJournalStore)
        check_journal_store(lambda: store)
        store.close()

    def test_refused_entry_writes_nothing(self, url: str) -> None:
        """A refused append (a second result without a reason) leaves the rows and the head row as they
        were."""
        migrate(url)
        journal = Journal(SqlAlchemyStore(url), clock=clock())
        journal.append("result", {"category": "未发现问题"}, key=("T-1",))
        before = (len(journal), _head_row(url))
        with pytest.raises(DuplicateEntryError):
            journal.append("result", {"category": "发现问题已责令改正"}, key=("T-1",))
        assert (len(journal), _head_row(url)) == before

    def test_same_entries_same_head_as_file_stores(self, url: str, tmp_path: Path) -> None:
        """The same appends give the same head in the SQL store as in a JSON-lines file."""
        from randinspect.ledger import JsonLinesStore

        migrate(url)
        heads = []
        for store in (SqlAlchemyStore(url), JsonLinesStore(tmp_path / "j.jsonl")):
            journal = Journal(store, clock=clock())
            journal.append("commitment", {"digest": "a" * 64}, key=("I", 2027, 1))
            journal.append("draw", {"commitment": {"digest": "a" * 64}, "名单": ["甲"]}, key=("I", 2027, 1))
            journal.append("grade-change", {"from": "B", "to": "C"}, key=("X",), reason="违法 violation")
            heads.append(journal.verify().head)
        assert heads[0] == heads[1]

    def test_edited_row_detected(self, url: str) -> None:
        """A payload changed in the database breaks the chain at that seq."""
        migrate(url)
        journal = Journal(SqlAlchemyStore(url), clock=clock())
        for i in range(3):
            journal.append("result", {"i": i}, key=("T", i))
        _sql(url, "UPDATE randinspect_ledger SET payload = :p WHERE seq = 2", p='{"i":9}')
        with pytest.raises(JournalIntegrityError, match="seq 2"):
            Journal(SqlAlchemyStore(url, read_only=True)).verify()

    def test_head_row_out_of_step_refuses_append(self, url: str) -> None:
        """If the last row was deleted by hand, the head row no longer matches and appends are refused."""
        migrate(url)
        journal = Journal(SqlAlchemyStore(url), clock=clock())
        for i in range(2):
            journal.append("result", {"i": i}, key=("T", i))
        _sql(url, "DELETE FROM randinspect_ledger WHERE seq = 2")
        with pytest.raises(JournalIntegrityError, match="head row"):
            journal.append("result", {"i": 2}, key=("T", 2))
        assert len(journal) == 1

    def test_database_refuses_second_successor(self, url: str) -> None:
        """The database itself refuses a second row with the same predecessor (unique prev_hash)."""
        migrate(url)
        journal = Journal(SqlAlchemyStore(url), clock=clock())
        first = journal.append("result", {}, key=("A",))
        engine = sa.create_engine(url)
        try:
            with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
                conn.execute(
                    sa.text(
                        "INSERT INTO randinspect_ledger (seq, kind, key, payload, reason, recorded_at, "
                        "prev_hash, hash) VALUES (2, 'result', '[\"B\"]', '{}', NULL, 'x', :p, :h)"
                    ),
                    {"p": GENESIS_HASH, "h": first.hash[::-1]},
                )
        finally:
            engine.dispose()


class TestRoundTrip:
    """Whatever the ledger accepts comes back from PostgreSQL exactly."""

    @settings(max_examples=25, deadline=None)
    @given(items=st.lists(st.tuples(journal_keys(), journal_payloads()), min_size=1, max_size=4))
    def test_any_payload_round_trips_on_postgres(
        self, pg_server: str, items: list[tuple[Any, dict[str, Any]]]
    ) -> None:
        """Any JSON-ready payload and key (any Unicode text, 64-bit integers, nesting) come back from
        PostgreSQL equal to what was appended, entry for entry, and the chain verifies."""
        _drop(pg_server)
        migrate(pg_server)
        store = SqlAlchemyStore(pg_server)
        journal = Journal(store, clock=clock())
        written = [journal.append("plan", p, key=k, reason=f"revision {n}") for n, (k, p) in enumerate(items)]
        assert list(journal.entries()) == written
        assert journal.verify().length == len(items)
        store.close()
        _drop(pg_server)


class TestReadOnly:
    """Verification never writes."""

    def test_read_only_verify_changes_nothing(self, url: str) -> None:
        """Verifying through a read-only store leaves the head row untouched (on PostgreSQL, its xmin: no
        transaction wrote it) and refuses to append."""
        migrate(url)
        journal = Journal(SqlAlchemyStore(url), clock=clock())
        for i in range(3):
            journal.append("result", {"i": i}, key=("T", i))
        before = _head_row(url)
        reader = Journal(SqlAlchemyStore(url, read_only=True))
        assert reader.verify(expected_head=journal.head).length == 3
        assert reader.history(("T", 1))[0].payload == {"i": 1}
        with pytest.raises(JournalError, match="read-only"):
            reader.append("result", {}, key=("X",))
        assert _head_row(url) == before

    def test_read_only_sqlite_file_unchanged(self, tmp_path: Path) -> None:
        """On SQLite, a read-only verification leaves the database file's bytes as they were."""
        path = tmp_path / "ledger.db"
        migrate(f"sqlite:///{path}")
        Journal(SqlAlchemyStore(f"sqlite:///{path}"), clock=clock()).append("result", {}, key=("A",))
        before = path.read_bytes()
        Journal(SqlAlchemyStore(f"sqlite:///{path}", read_only=True)).verify()
        assert path.read_bytes() == before


class TestBadConnections:
    """A database that cannot be reached gives a typed error and nothing is written anywhere."""

    def test_refused_connection(self) -> None:
        """A server that refuses the connection raises JournalUnavailableError, without the password."""
        url = "postgresql+psycopg://ledger:s3cret@127.0.0.1:1/platform?connect_timeout=5"
        with pytest.raises(JournalUnavailableError, match="cannot connect") as info:
            SqlAlchemyStore(url)
        assert "s3cret" not in str(info.value)
        with pytest.raises(JournalUnavailableError):
            migrate(url)

    def test_unknown_database(self, pg_url: str) -> None:
        """A database that does not exist on a running server raises JournalUnavailableError."""
        missing = sa.make_url(pg_url).set(database="randinspect_no_such_db")
        with pytest.raises(JournalUnavailableError, match="randinspect_no_such_db"):
            SqlAlchemyStore(missing.render_as_string(hide_password=False))

    @pytest.mark.parametrize("bind", ["not a url", 42])
    def test_bad_bind(self, bind: object) -> None:
        """Something that is neither an Engine nor a database URL is a configuration error."""
        from randinspect.errors import ConfigurationError

        with pytest.raises(ConfigurationError):
            SqlAlchemyStore(bind)  # type: ignore[arg-type]


class TestConcurrency:
    """Writers in several processes share one ledger."""

    def test_lock_timeout(self, pg_url: str) -> None:
        """While another transaction holds the head row, an append with a short timeout raises
        JournalLockTimeoutError and writes nothing."""
        migrate(pg_url)
        journal = Journal(SqlAlchemyStore(pg_url, timeout=0.3), clock=clock())
        journal.append("result", {}, key=("A",))
        engine = sa.create_engine(pg_url)
        try:
            with engine.begin() as holder:
                holder.execute(sa.text("SELECT * FROM randinspect_ledger_head WHERE id = 1 FOR UPDATE"))
                with pytest.raises(JournalLockTimeoutError, match="nothing was written"):
                    journal.append("result", {}, key=("B",))
        finally:
            engine.dispose()
        assert len(journal) == 1
        journal.append("result", {}, key=("B",))
        assert journal.verify().length == 2

    @pytest.mark.parametrize(("writers", "per_writer"), [(4, 250)])
    def test_processes_on_postgres(self, pg_url: str, writers: int, per_writer: int) -> None:
        """4 processes × 250 appends to one PostgreSQL ledger: none refused, none lost, the chain intact
        and verified afterwards, each writer's entries in its own order."""
        migrate(pg_url)
        start = CTX.Event()
        procs = [
            CTX.Process(target=_append_many, args=(pg_url, w, per_writer, start)) for w in range(writers)
        ]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(timeout=900)
        assert [p.exitcode for p in procs] == [0] * writers
        store = SqlAlchemyStore(pg_url, read_only=True)
        journal = Journal(store)
        assert journal.verify().length == writers * per_writer
        entries = list(journal.entries())
        assert {e.key for e in entries} == {
            (f"W{w}", str(i)) for w in range(writers) for i in range(per_writer)
        }
        for w in range(writers):
            assert [e.payload["i"] for e in entries if e.payload["writer"] == w] == list(range(per_writer))
        assert _head_row(pg_url)[:2] == (writers * per_writer, journal.head)
        store.close()

    def test_sigkill_mid_append(self, pg_url: str) -> None:
        """A writer killed with SIGKILL loses no acknowledged entry; the one in flight is rolled back or
        committed whole; the chain and the head row agree and the next writer continues."""
        import signal

        migrate(pg_url)
        ours, theirs = CTX.Pipe(duplex=False)
        proc = CTX.Process(target=_append_forever, args=(pg_url, theirs))
        proc.start()
        theirs.close()
        acked = [ours.recv() for _ in range(25)]
        os.kill(proc.pid, signal.SIGKILL)  # type: ignore[arg-type]
        proc.join()
        while ours.poll():
            try:
                acked.append(ours.recv())
            except EOFError:
                break
        journal = Journal(SqlAlchemyStore(pg_url), clock=clock())
        stored = [e.hash for e in journal.entries()]
        assert stored[: len(acked)] == acked
        assert len(stored) - len(acked) in (0, 1)
        assert journal.verify().head == stored[-1]
        assert _head_row(pg_url)[:2] == (len(stored), stored[-1])
        assert journal.append("result", {}, key=("after",)).prev_hash == stored[-1]

    def test_processes_on_sqlite_same_code(self, tmp_path: Path) -> None:
        """The same store code on SQLite: 2 processes × 60 appends, none refused or lost, chain intact."""
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
        migrate(url)
        start = CTX.Event()
        procs = [CTX.Process(target=_append_many, args=(url, w, 60, start)) for w in range(2)]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(timeout=600)
        assert [p.exitcode for p in procs] == [0, 0]
        assert Journal(SqlAlchemyStore(url, read_only=True)).verify().length == 120
