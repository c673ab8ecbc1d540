"""Tests of the record stores: FileRecordStore, and SqlAlchemyRecordStore on a real PostgreSQL server and
on SQLite.

The PostgreSQL server comes from the ``pg_url`` fixture (tests/ledger/conftest.py): ``RANDINSPECT_TEST_PG``
or a throwaway server; these tests fail rather than skip when neither is available.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import multiprocessing
import multiprocessing.synchronize
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.ledger.conftest import TABLES

from randinspect.errors import (
    DuplicateDrawError,
    InputError,
    JournalError,
    JournalIntegrityError,
    JournalSchemaError,
    JournalUnavailableError,
    RecordConflictError,
    RecordError,
    RecordIntegrityError,
    RecordStoreError,
)
from randinspect.ledger import FileRecordStore, Journal, StoredRecord, encode_record
from randinspect.ledger.sql import (
    SCHEMA_VERSION,
    SqlAlchemyRecordStore,
    SqlAlchemyStore,
    migrate,
    schema_version,
)
from randinspect.testing import check_record_store
from randinspect.testing.strategies import journal_payloads
from randinspect.typing import RecordStore

CTX = multiprocessing.get_context("spawn")
pytestmark = pytest.mark.postgres


def clock() -> Callable[[], datetime]:
    """A clock advancing one second per call."""
    ticks = iter(range(10**6))
    return lambda: datetime(2027, 6, 1, tzinfo=UTC) + timedelta(seconds=next(ticks))


def _sql(url: str, statement: str, **params: object) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(statement), params)
    finally:
        engine.dispose()


def _scalar(url: str, statement: str) -> Any:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(statement)).scalar()
    finally:
        engine.dispose()


def _drop(url: str) -> None:
    for table in TABLES:
        _sql(url, f"DROP TABLE IF EXISTS {table}")


@pytest.fixture(params=["postgresql", "sqlite"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL without ledger tables: the PostgreSQL server, or a new SQLite file."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.db'}"
    else:
        yield request.getfixturevalue("pg_url")


@pytest.fixture
def sql_store(url: str) -> Iterator[SqlAlchemyRecordStore]:
    """A migrated SQL record store with a ticking clock."""
    migrate(url)
    store = SqlAlchemyRecordStore(url, clock=clock())
    yield store
    store.close()


@functools.cache
def _draw_text() -> str:
    from fractions import Fraction

    from randinspect.datasets import demo_city
    from randinspect.directory import Scope
    from randinspect.draw import draw
    from randinspect.items import CheckItem

    city = demo_city(n_objects=300, seed=7)
    item = CheckItem(
        id="SAMR-2027-01",
        name="食品经营者检查",
        department="SAMR",
        year=2027,
        scope=Scope(),
        ratio=Fraction(1, 10),
        legal_basis=["《中华人民共和国食品安全法》"],
    )
    return json.dumps(draw(city.objects, item, "2027-03-01 公开摇号").to_json_dict(), ensure_ascii=False)


def draw_record() -> dict[str, Any]:
    """A real draw record of 300 demo objects, as parsed JSON (a new copy each call)."""
    data: dict[str, Any] = json.loads(_draw_text())
    return data


class TestProtocol:
    """Both stores follow the RecordStore Protocol."""

    def test_file_store_conforms(self, tmp_path: Path) -> None:
        """FileRecordStore passes randinspect.testing.check_record_store."""
        count = itertools.count()
        check_record_store(lambda: FileRecordStore(tmp_path / str(next(count))))

    def test_sql_store_conforms(self, url: str) -> None:
        """SqlAlchemyRecordStore passes check_record_store on PostgreSQL and on SQLite (the same code)."""
        migrate(url)
        store = SqlAlchemyRecordStore(url)
        assert isinstance(store, RecordStore)
        check_record_store(lambda: store)
        store.close()

    def test_same_records_same_bytes_in_both_stores(
        self, sql_store: SqlAlchemyRecordStore, tmp_path: Path
    ) -> None:
        """The same put gives the same text and digest in the folder and in the database, and a draw record's
        text is the canonical JSON the ledger hashes."""
        files = FileRecordStore(tmp_path / "files")
        record = draw_record()
        a = sql_store.put("draw", "SAMR-2027-01-round1", record, year=2027)
        b = files.put("draw", "SAMR-2027-01-round1", record, year=2027)
        assert (a.text, a.digest) == (b.text, b.digest)
        assert a.document == b.document == record
        assert (
            files.get("draw", "SAMR-2027-01-round1").text == sql_store.get("draw", "SAMR-2027-01-round1").text
        )


class TestRoundTrip:
    """Whatever a store accepts comes back byte for byte."""

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        docs=st.lists(
            st.tuples(st.text(min_size=1, max_size=20), journal_payloads()), min_size=1, max_size=4
        ),
        year=st.one_of(st.none(), st.integers(1900, 9999)),
    )
    def test_any_document_round_trips(
        self,
        tmp_path_factory: pytest.TempPathFactory,
        docs: list[tuple[str, dict[str, Any]]],
        year: int | None,
    ) -> None:
        """Any JSON-ready document under any valid id comes back equal from the folder and from SQLite, with
        the digest the SHA-256 of the canonical text; a repeat is idempotent."""
        root = tmp_path_factory.mktemp("rt")
        migrate(f"sqlite:///{root / 'r.db'}")
        stores: list[RecordStore] = [
            FileRecordStore(root / "f"),
            SqlAlchemyRecordStore(f"sqlite:///{root / 'r.db'}"),
        ]
        for store in stores:
            kept: dict[str, StoredRecord] = {}
            for raw_id, doc in docs:
                try:
                    text, digest = encode_record("x-doc", raw_id, doc)
                except InputError:
                    continue  # ids with control characters, non-NFC text, blanks: refused before storing
                stored = kept.get(raw_id) or store.put("x-doc", raw_id, doc, year=year)
                kept.setdefault(raw_id, stored)
                assert stored.digest == hashlib.sha256(stored.text.encode("utf-8")).hexdigest()
                if stored.text == text:
                    assert store.put("x-doc", raw_id, doc, year=year) == stored
                    assert store.get("x-doc", raw_id).document == doc
                else:
                    with pytest.raises(RecordConflictError):
                        store.put("x-doc", raw_id, doc, year=year)
                assert digest == hashlib.sha256(text.encode("utf-8")).hexdigest()
            assert [r.id for r in store.records()] == sorted(kept)

    def test_unicode_round_trip_on_postgres(self, pg_url: str) -> None:
        """Chinese text, emoji, 64-bit integers and deep nesting come back from PostgreSQL unchanged."""
        migrate(pg_url)
        store = SqlAlchemyRecordStore(pg_url)
        doc = {"名称": "贵阳市 🏪", "n": 2**63 - 1, "neg": -(2**63), "deep": [[[{"a": [None, True]}]]]}
        assert store.put("summary", "贵阳-2027", doc, year=2027).document == doc
        assert store.get("summary", "贵阳-2027").document == doc


class TestValidation:
    """Records are validated by the strict reader on put and on get."""

    @pytest.mark.parametrize(
        ("kind", "document", "error"),
        [
            ("summary", {"timing": 0.5}, InputError),
            ("summary", "text", InputError),
            ("draw", {"format": "randinspect-draw-record"}, RecordError),
            ("match", {"format": "nope"}, RecordError),
            ("Summary", {}, InputError),
        ],
    )
    def test_invalid_put_writes_nothing(
        self,
        sql_store: SqlAlchemyRecordStore,
        tmp_path: Path,
        kind: str,
        document: Any,
        error: type[Exception],
    ) -> None:
        """A float, a non-object, a draw or match record breaking its schema, a bad kind: refused with a typed
        error, nothing stored in either store."""
        files = FileRecordStore(tmp_path / "f")
        for store in (sql_store, files):
            with pytest.raises(error):
                store.put(kind, "R1", document)
            assert len(store) == 0

    @pytest.mark.parametrize("bad", ["", " lead", "a\x00b", "e\u0301", "x" * 257, 5])
    def test_bad_ids_refused(self, tmp_path: Path, bad: Any) -> None:
        """Empty, padded, control-character, non-NFC, over-long and non-text ids are refused."""
        with pytest.raises(InputError):
            FileRecordStore(tmp_path).put("summary", bad, {})

    def test_draw_record_schema_error_names_the_field(self, sql_store: SqlAlchemyRecordStore) -> None:
        """A draw record with a fraction where an integer belongs names the field."""
        record = draw_record()
        record["commitment"]["year"] = "2027"
        with pytest.raises(RecordError) as info:
            sql_store.put("draw", "D", record)
        assert info.value.field == "commitment.year"

    @pytest.mark.parametrize(
        ("column", "value", "match"),
        [
            ("document", '{"year":2028}', "hashes to"),
            ("document", '{"year": 2027}', "not canonical"),
            ("document", '{"year":2027,"year":2028}', "twice"),
            ("digest", "0" * 64, "hashes to"),
            ("schema_version", 9, "version 9"),
        ],
    )
    def test_tampered_row_refused_on_get(
        self, sql_store: SqlAlchemyRecordStore, url: str, column: str, value: Any, match: str
    ) -> None:
        """A row changed in the database (text, digest, schema version) is refused on get and on records()
        with a typed error."""
        sql_store.put("summary", "2027", {"year": 2027}, year=2027)
        _sql(url, f"UPDATE randinspect_records SET {column} = :v", v=value)
        with pytest.raises(RecordStoreError, match=match):
            sql_store.get("summary", "2027")
        with pytest.raises(RecordStoreError, match=match):
            list(sql_store.records())

    def test_tampered_file_refused(self, tmp_path: Path) -> None:
        """A record file edited by hand (its document changed, or re-indented) is a RecordIntegrityError."""
        store = FileRecordStore(tmp_path)
        store.put("summary", "2027", {"year": 2027}, year=2027)
        path = tmp_path / "summary" / "2027.json"
        data = json.loads(path.read_text("utf-8"))
        path.write_text(json.dumps(data, indent=1), "utf-8")
        with pytest.raises(RecordIntegrityError, match="canonical"):
            store.get("summary", "2027")
        data["document"]["year"] = 2028
        path.write_text(json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False), "utf-8")
        with pytest.raises(RecordIntegrityError, match="hashes to"):
            store.get("summary", "2027")

    def test_read_only_stores_refuse_puts(
        self, sql_store: SqlAlchemyRecordStore, url: str, tmp_path: Path
    ) -> None:
        """Read-only stores read but refuse puts, and a read-only folder must exist."""
        sql_store.put("summary", "2027", {"year": 2027})
        reader = SqlAlchemyRecordStore(url, read_only=True)
        assert reader.get("summary", "2027").document == {"year": 2027}
        with pytest.raises(RecordStoreError, match="read-only"):
            reader.put("summary", "2028", {})
        from randinspect.errors import ConfigurationError

        with pytest.raises(ConfigurationError):
            FileRecordStore(tmp_path / "missing", read_only=True)
        FileRecordStore(tmp_path / "f").put("summary", "1", {})
        with pytest.raises(RecordStoreError, match="read-only"):
            FileRecordStore(tmp_path / "f", read_only=True).put("summary", "2", {})


class TestJournalled:
    """A record and its ledger entry are written in one transaction."""

    def test_record_and_entry_together(self, sql_store: SqlAlchemyRecordStore) -> None:
        """put_journalled stores the record tied to a new entry whose payload is the record's bytes; the
        chain verifies and a repeat writes nothing."""
        record = draw_record()
        stored, entry = sql_store.put_journalled("draw", "SAMR-2027-01-round1", record, year=2027)
        assert stored.journal_seq == entry.seq == 1
        assert entry.kind == "draw"
        assert entry.key == ("SAMR-2027-01", "2027", "1")
        assert hashlib.sha256(entry.payload_json.encode("utf-8")).hexdigest() == stored.digest
        assert sql_store.get("draw", "SAMR-2027-01-round1") == stored
        again = sql_store.put_journalled("draw", "SAMR-2027-01-round1", record, year=2027)
        assert again == (stored, entry)
        journal = sql_store.journal()
        assert journal.verify().length == 1

    def test_ledger_refusal_stores_no_record(self, sql_store: SqlAlchemyRecordStore, url: str) -> None:
        """A second draw for the same key under a new id without a reason is refused by the ledger rules, and
        no record row is written; with a reason both are written."""
        record = draw_record()
        sql_store.put_journalled("draw", "first", record, year=2027)
        with pytest.raises(DuplicateDrawError):
            sql_store.put_journalled("draw", "second", record, year=2027)
        assert len(sql_store) == 1
        assert len(sql_store.journal()) == 1
        _, entry = sql_store.put_journalled("draw", "second", record, year=2027, reason="重新抽取 approval 7")
        assert entry.reason == "重新抽取 approval 7"
        assert len(sql_store) == 2

    def test_conflict_writes_no_entry(self, sql_store: SqlAlchemyRecordStore, url: str) -> None:
        """A journalled put that conflicts with a stored record (other bytes, or the same bytes stored
        without an entry) appends no ledger entry and leaves the head row as it was."""
        sql_store.put("publication", "P1", {"n": 1}, year=2027)
        head = _scalar(url, "SELECT hash FROM randinspect_ledger_head")
        for doc in ({"n": 2}, {"n": 1}):
            with pytest.raises(RecordConflictError):
                sql_store.put_journalled("publication", "P1", doc, year=2027, key=("P1",))
        assert len(sql_store.journal()) == 0
        assert _scalar(url, "SELECT hash FROM randinspect_ledger_head") == head

    def test_database_failure_rolls_back_the_entry(self, sql_store: SqlAlchemyRecordStore, url: str) -> None:
        """When the database refuses the record row (a trigger here), the ledger entry written before it in
        the transaction is rolled back: no entry, head row unchanged, nothing half-written."""
        sql_store.put_journalled("assessment", "A0", {"ok": True}, key=("A0",))
        head = _scalar(url, "SELECT hash FROM randinspect_ledger_head")
        if url.startswith("sqlite"):
            _sql(
                url,
                "CREATE TRIGGER refuse BEFORE INSERT ON randinspect_records "
                "BEGIN SELECT RAISE(ABORT, 'refused by policy'); END",
            )
        else:
            _sql(
                url,
                "CREATE OR REPLACE FUNCTION randinspect_refuse() RETURNS trigger AS "
                "$$ BEGIN RAISE EXCEPTION 'refused by policy'; END $$ LANGUAGE plpgsql",
            )
            _sql(
                url,
                "CREATE TRIGGER refuse BEFORE INSERT ON randinspect_records "
                "FOR EACH ROW EXECUTE FUNCTION randinspect_refuse()",
            )
        try:
            with pytest.raises(JournalError, match="refused by policy"):
                sql_store.put_journalled("assessment", "A1", {"ok": False}, key=("A1",))
            assert len(sql_store.journal()) == 1
            assert _scalar(url, "SELECT hash FROM randinspect_ledger_head") == head
            assert _scalar(url, "SELECT count(*) FROM randinspect_records") == 1
        finally:
            _sql(url, "DROP TRIGGER refuse" + ("" if url.startswith("sqlite") else " ON randinspect_records"))
        assert sql_store.put_journalled("assessment", "A1", {"ok": False}, key=("A1",))[1].seq == 2

    def test_entry_edited_breaks_the_tie(self, sql_store: SqlAlchemyRecordStore, url: str) -> None:
        """A ledger payload changed in the database no longer matches its record: get raises
        RecordIntegrityError (and the journal's verify a JournalIntegrityError)."""
        sql_store.put_journalled("assessment", "A", {"score": 90}, key=("A",))
        _sql(url, "UPDATE randinspect_ledger SET payload = :p WHERE seq = 1", p='{"score":99}')
        with pytest.raises(RecordIntegrityError, match="seq 1"):
            sql_store.get("assessment", "A")
        with pytest.raises(JournalIntegrityError):
            sql_store.journal().verify()

    def test_other_kinds_need_an_entry_kind(self, sql_store: SqlAlchemyRecordStore) -> None:
        """Record kinds without a default ledger kind need entry_kind=; list documents cannot be payloads."""
        with pytest.raises(InputError, match="entry_kind"):
            sql_store.put_journalled("summary", "2027", {"year": 2027})
        with pytest.raises(InputError):
            sql_store.put_journalled("department-plans", "2027", [1], entry_kind="plan", key=("P",))
        assert len(sql_store) == 0
        stored, entry = sql_store.put_journalled(
            "result-book", "B", {"n": 0}, entry_kind="result", key=("B",)
        )
        assert (stored.journal_seq, entry.kind) == (1, "result")


class TestSchema:
    """The record table comes from the ledger's migration, with its schema version."""

    def test_version_1_upgraded_in_place(self, url: str) -> None:
        """A version-1 database (the ledger alone) is refused by the stores with JournalSchemaError naming
        migrate(); migrate() upgrades it to version 2, keeping its entries."""
        migrate(url)
        Journal(SqlAlchemyStore(url), clock=clock()).append("result", {"i": 1}, key=("T",))
        _sql(url, "DROP TABLE randinspect_records")
        _sql(url, "UPDATE randinspect_ledger_schema SET version = 1")
        for store in (SqlAlchemyRecordStore, SqlAlchemyStore):
            with pytest.raises(JournalSchemaError, match=r"version 1.*migrate"):
                store(url)
        assert migrate(url) == SCHEMA_VERSION == schema_version(url) == 2
        store = SqlAlchemyRecordStore(url)
        assert store.journal().verify().length == 1
        assert store.put("summary", "2027", {"year": 2027}).kind == "summary"

    @pytest.mark.parametrize("version", [0, 3, 99])
    def test_wrong_version_refused(self, url: str, version: int) -> None:
        """A database at an unknown schema version is refused by the record store and by migrate(), with a
        typed error, and left as it was."""
        migrate(url)
        SqlAlchemyRecordStore(url).put("summary", "2027", {"year": 2027})
        _sql(url, f"UPDATE randinspect_ledger_schema SET version = {version}")
        with pytest.raises(JournalSchemaError, match=f"version {version}"):
            SqlAlchemyRecordStore(url)
        with pytest.raises(JournalSchemaError):
            migrate(url)
        assert schema_version(url) == version
        assert _scalar(url, "SELECT count(*) FROM randinspect_records") == 1

    def test_missing_tables(self, url: str) -> None:
        """A database without the tables is refused with JournalSchemaError naming migrate(); nothing is
        created."""
        with pytest.raises(JournalSchemaError, match=r"migrate\(engine\)"):
            SqlAlchemyRecordStore(url)
        assert schema_version(url) is None

    def test_refused_connection(self) -> None:
        """A server that refuses the connection raises JournalUnavailableError without the password."""
        url = "postgresql+psycopg://ledger:s3cret@127.0.0.1:1/platform?connect_timeout=5"
        with pytest.raises(JournalUnavailableError, match="cannot connect") as info:
            SqlAlchemyRecordStore(url)
        assert "s3cret" not in str(info.value)

    def test_server_gone_after_opening(self, pg_url: str) -> None:
        """A store whose database disappears after opening raises JournalUnavailableError on put and get."""
        migrate(pg_url)
        gone = sa.make_url(pg_url).set(port=1, query={"connect_timeout": "5"})
        engine = sa.create_engine(pg_url)
        store = SqlAlchemyRecordStore(engine)
        store._ledger._engine = sa.create_engine(gone)  # the same store, now pointing at a closed port
        with pytest.raises(JournalUnavailableError):
            store.put("summary", "2027", {})
        with pytest.raises(JournalUnavailableError):
            store.get("summary", "2027")
        engine.dispose()
        assert _scalar(pg_url, "SELECT count(*) FROM randinspect_records") == 0


def _put_many(target: str, writer: int, n: int, start: multiprocessing.synchronize.Event) -> None:
    """Child: wait for the start signal, then put n shared records (same bytes in every writer), one record
    of its own, and one contested record with writer-specific bytes; journalled ones on a database.
    Exit 3 on an unexpected refusal, 0 when the contested put won and 4 when it lost with a conflict."""
    if target.startswith(("sqlite", "postgresql")):
        engine = sa.create_engine(
            target, connect_args={"timeout": 120} if target.startswith("sqlite") else {}
        )
        store: Any = SqlAlchemyRecordStore(engine, timeout=120)
    else:
        store = FileRecordStore(target)
    start.wait()
    try:
        for i in range(n):
            store.put("publication", f"shared-{i:03d}", {"i": i, "text": "公示" * 50}, year=2027)
            if isinstance(store, SqlAlchemyRecordStore):
                store.put_journalled(
                    "assessment", f"w{writer}-{i:03d}", {"w": writer, "i": i}, key=(writer, i)
                )
            else:
                store.put("assessment", f"w{writer}-{i:03d}", {"w": writer, "i": i})
    except JournalError:
        os._exit(3)
    try:
        store.put("summary", "contested", {"writer": writer})
    except RecordConflictError:
        os._exit(4)
    os._exit(0)


class TestConcurrentPuts:
    """Several processes put records into one store at once."""

    @pytest.mark.parametrize("backend", ["postgresql", "sqlite", "files"])
    def test_processes(self, backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
        """4 processes put the same 40 records (same bytes), 40 journalled records each and one contested
        record with their own bytes: no shared put is refused, every record is stored once, exactly one
        contested put wins and the others get RecordConflictError; the ledger holds all 160 entries,
        chained and each tied to its record."""
        if backend == "postgresql":
            target = request.getfixturevalue("pg_url")
            migrate(target)
        elif backend == "sqlite":
            target = f"sqlite:///{tmp_path / 'r.db'}"
            migrate(target)
        else:
            target = str(tmp_path / "store")
        writers, n = 4, 40
        start = CTX.Event()
        procs = [CTX.Process(target=_put_many, args=(target, w, n, start)) for w in range(writers)]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(timeout=900)
        codes = sorted(p.exitcode for p in procs)
        assert codes == [0, 4, 4, 4], codes
        store: Any = (
            FileRecordStore(target, read_only=True) if backend == "files" else SqlAlchemyRecordStore(target)
        )
        assert len(store) == n + writers * n + 1
        shared = list(store.records(kind="publication", year=2027))
        assert [r.document["i"] for r in shared] == list(range(n))
        winner = store.get("summary", "contested").document["writer"]
        assert winner in range(writers)
        if backend != "files":
            journal = store.journal()
            assert journal.verify().length == writers * n
            tied = list(store.records(kind="assessment"))
            assert sorted(r.journal_seq for r in tied) == list(range(1, writers * n + 1))
            for w in range(writers):
                mine = [r.journal_seq for r in tied if r.document["w"] == w]
                assert mine == sorted(mine)  # each writer's records in its own order
