"""A ledger store on SQLAlchemy Core: PostgreSQL (and SQLite) through the same code (extra ``postgres``).

A city platform keeps its records in its own database; :class:`SqlAlchemyStore` keeps the ledger there, in
three tables created by :func:`migrate`:

``randinspect_ledger``
    one row per entry: ``seq`` (primary key), ``kind``, ``key`` and ``payload`` (canonical JSON as text,
    never ``jsonb``, so the stored bytes are the hashed bytes), ``reason``, ``recorded_at``, ``prev_hash``
    (unique: no two entries can have the same predecessor) and ``hash`` (unique); an index on ``key``.
``randinspect_ledger_head``
    one row (``id`` 1) holding the ``seq`` and ``hash`` of the last entry: the lock that orders writers.
``randinspect_ledger_schema``
    one row with the schema version (:data:`SCHEMA_VERSION`); an unknown version is refused with
    :class:`~randinspect.errors.JournalSchemaError`.
``randinspect_records``
    the record store (:class:`SqlAlchemyRecordStore`, schema version 2): one row per record, primary key
    ``(kind, id)`` (binary collation ``"C"`` on PostgreSQL, so both databases order ids by code point),
    ``year`` (indexed with ``kind``), ``document`` (canonical JSON as text), ``digest``, ``schema_version``,
    ``created_at`` and ``journal_seq`` (unique, referencing ``randinspect_ledger.seq``: the entry written
    with the record in one transaction).

Schema versions: 1 (the ledger tables), 2 (adds ``randinspect_records``). :func:`migrate` creates version 2
on an empty database and upgrades a version-1 database in place (it only adds the record table).

Concurrent writers (several processes or machines): every append is one transaction whose first statement
updates the head row (``UPDATE randinspect_ledger_head SET seq = seq WHERE id = 1``). On PostgreSQL that
takes the row lock (as ``SELECT ... FOR UPDATE`` would) at isolation level READ COMMITTED, so the next writer
waits at that statement until this one commits, and then reads the new head; on SQLite the same statement
takes the database write lock. Under that lock the entry is built from the current head (duplicate and
commitment checks included), inserted, and the head row moved. The lock wait is bounded by ``timeout``
(PostgreSQL ``SET LOCAL lock_timeout``, SQLite ``PRAGMA busy_timeout`` for the append), past which
the append raises :class:`~randinspect.errors.JournalLockTimeoutError`, rolled back. The unique
``prev_hash`` constraint is a second guard in the database itself.

Reading (:meth:`SqlAlchemyStore.entries`, and so :meth:`~randinspect.ledger.Journal.verify`) never writes:
with ``read_only=True`` every transaction is ``READ ONLY`` on PostgreSQL (``PRAGMA query_only`` on SQLite)
and the store never runs DDL.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from randinspect.errors import (
    ConfigurationError,
    InputError,
    JournalError,
    JournalIntegrityError,
    JournalLockTimeoutError,
    JournalSchemaError,
    JournalUnavailableError,
    RecordConflictError,
    RecordIntegrityError,
    RecordNotFoundError,
    RecordStoreError,
)
from randinspect.ledger._entry import GENESIS_HASH, EntryKind, JournalEntry, JournalKey, _timestamp
from randinspect.ledger._journal import Journal
from randinspect.ledger._records import (
    RECORD_SCHEMA_VERSION,
    StoredRecord,
    _check_id,
    _check_kind,
    _check_year,
    _conflict,
    encode_record,
    read_stored,
)
from randinspect.ledger._stores import (
    _COLUMN_NAMES,
    DEFAULT_LOCK_TIMEOUT,
    JournalView,
    _check_extends,
    _check_timeout,
    _key_text,
    _row_entry,
)

__all__ = [
    "SCHEMA_VERSION",
    "SqlAlchemyRecordStore",
    "SqlAlchemyStore",
    "metadata",
    "migrate",
    "schema_version",
]

SCHEMA_VERSION = 2
"""The version of the ledger tables that this release creates and reads (2: the ledger and the record
store; 1: the ledger alone, upgraded by :func:`migrate`)."""

_UPGRADABLE = (1,)

_PAGE = 1000

metadata = sa.MetaData()
"""The ledger tables as SQLAlchemy metadata (for a host's Alembic setup: include or exclude them)."""
_LEDGER = sa.Table(
    "randinspect_ledger",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
    sa.Index("randinspect_ledger_key", "key"),
)
_HEAD = sa.Table(
    "randinspect_ledger_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.CheckConstraint("id = 1", name="randinspect_ledger_head_one_row"),
)
_SCHEMA = sa.Table(
    "randinspect_ledger_schema",
    metadata,
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("migrated_at", sa.String(40), nullable=False),
)
_COLUMNS = _COLUMN_NAMES


def _binary(length: int) -> sa.types.TypeEngine[str]:
    """Text compared and ordered by code point on both databases (SQLite's default; ``"C"`` on PostgreSQL)."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


_RECORDS = sa.Table(
    "randinspect_records",
    metadata,
    sa.Column("kind", _binary(64), primary_key=True),
    sa.Column("id", _binary(256), primary_key=True),
    sa.Column("year", sa.Integer, nullable=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("journal_seq", sa.BigInteger, sa.ForeignKey(_LEDGER.c.seq), nullable=True, unique=True),
    sa.Index("randinspect_records_year", "year", "kind"),
)


def _engine(bind: sa.Engine | str, timeout: float) -> tuple[sa.Engine, bool]:
    """Return an engine and whether this module created it (and so disposes of it)."""
    if isinstance(bind, sa.Engine):
        return bind, False
    if not isinstance(bind, str):
        raise ConfigurationError(
            f"a ledger database is given as an SQLAlchemy Engine or a URL string, not {type(bind).__name__}"
        )
    try:
        url = sa.make_url(bind)
    except sa_exc.ArgumentError as exc:
        raise ConfigurationError(f"{bind!r} is not a database URL ({exc})") from None
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        connect_args["timeout"] = timeout
    try:
        # No pool: a connection per operation, closed after it (like SqliteStore), so a store made from a
        # URL holds nothing open between calls. A host that wants pooling passes its own Engine.
        return sa.create_engine(url, connect_args=connect_args, poolclass=sa.pool.NullPool), True
    except (sa_exc.ArgumentError, ImportError) as exc:
        raise ConfigurationError(
            f"cannot use {url.render_as_string(hide_password=True)!r}: {exc}; for PostgreSQL install the "
            "extra randinspect[postgres] and use postgresql+psycopg://user@host/db"
        ) from None


def _where(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _translate(exc: sa_exc.DBAPIError, engine: sa.Engine, doing: str) -> JournalError:
    """A typed error for a database error raised while ``doing`` something."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    message = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    where = _where(engine)
    if sqlstate == "55P03" or "database is locked" in message:
        return JournalLockTimeoutError(
            f"{where}: another writer held the ledger lock too long while {doing}; nothing was written. "
            "Append again later, or raise timeout="
        )
    if sqlstate == "42P01" or "no such table" in message:
        return JournalSchemaError(
            f"{where}: the ledger tables are missing ({message}); run randinspect.ledger.sql.migrate(engine)"
        )
    if (
        exc.connection_invalidated
        or isinstance(exc, sa_exc.InterfaceError)
        or (sqlstate or "").startswith("08")
    ):
        return JournalUnavailableError(f"{where}: the database connection failed while {doing} ({message})")
    return JournalError(f"{where}: the database refused {doing} ({message}); nothing was written")


@contextlib.contextmanager
def _connect(engine: sa.Engine, doing: str) -> Iterator[sa.Connection]:
    """A connection; failing to connect is JournalUnavailableError, other database errors are typed too."""
    try:
        conn = engine.connect()
    except sa_exc.DBAPIError as exc:
        orig = exc.orig
        message = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        raise JournalUnavailableError(
            f"cannot connect to the ledger database {_where(engine)} ({message}); check that the server "
            "runs, the URL, the user and the password"
        ) from None
    try:
        with conn:
            yield conn
    except sa_exc.DBAPIError as exc:
        raise _translate(exc, engine, doing) from None


def _is_postgres(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"


def schema_version(bind: sa.Engine | str) -> int | None:
    """Return the ledger schema version stored in the database, or ``None`` if it has no ledger tables.

    Raises
    ------
    JournalUnavailableError
        The database cannot be reached.
    JournalSchemaError
        The schema table holds no row or several rows.
    """
    engine, owned = _engine(bind, DEFAULT_LOCK_TIMEOUT)
    try:
        with _connect(engine, "reading the schema version") as conn:
            if not sa.inspect(conn).has_table(_SCHEMA.name):
                return None
            rows = conn.execute(sa.select(_SCHEMA.c.version)).fetchall()
            conn.rollback()
    finally:
        if owned:
            engine.dispose()
    if len(rows) != 1:
        raise JournalSchemaError(
            f"{_where(engine)}: table {_SCHEMA.name} holds {len(rows)} rows, expected exactly one version"
        )
    return int(rows[0][0])


def migrate(bind: sa.Engine | str) -> int:
    """Create the ledger tables at :data:`SCHEMA_VERSION` (idempotent); return the version.

    The documented migration: creates ``randinspect_ledger``, ``randinspect_ledger_head`` (with its one row
    ``(1, 0, GENESIS_HASH)``), ``randinspect_records`` and ``randinspect_ledger_schema`` (with the version)
    if absent, in one transaction (on PostgreSQL also under an advisory lock, so two deployments migrating
    at once do not race). A database at version 1 (the ledger alone) is upgraded to version 2 by creating
    ``randinspect_records`` and setting the version, in the same transaction; its entries are untouched.
    Running it again on a migrated database changes nothing. Run it once when deploying, with a user that may
    create tables; the writers then need only ``SELECT``, ``INSERT`` and ``UPDATE``.

    Parameters
    ----------
    bind:
        An SQLAlchemy ``Engine`` or a database URL such as ``postgresql+psycopg://user@host/db`` or
        ``sqlite:///ledger.db``.

    Raises
    ------
    JournalSchemaError
        The database already holds ledger tables of a version other than 1 or :data:`SCHEMA_VERSION`
        (nothing is changed).
    JournalUnavailableError
        The database cannot be reached.
    """
    engine, owned = _engine(bind, DEFAULT_LOCK_TIMEOUT)
    try:
        with _connect(engine, "migrating the ledger tables") as conn:
            if _is_postgres(engine):
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('randinspect_ledger_migrate'))"))
            inspector = sa.inspect(conn)
            upgrade = False
            if inspector.has_table(_SCHEMA.name):
                found = [int(v) for (v,) in conn.execute(sa.select(_SCHEMA.c.version))]
                upgrade = len(found) == 1 and found[0] in _UPGRADABLE
                if found != [SCHEMA_VERSION] and not upgrade:
                    conn.rollback()
                    raise JournalSchemaError(
                        f"{_where(engine)}: the ledger tables are at schema version {found}, this release "
                        f"knows version {SCHEMA_VERSION} (and upgrades {list(_UPGRADABLE)}); nothing was "
                        "changed"
                    )
            metadata.create_all(conn, checkfirst=True)
            if upgrade:
                conn.execute(_SCHEMA.update().values(version=SCHEMA_VERSION))
            if conn.execute(sa.select(sa.func.count()).select_from(_HEAD)).scalar_one() == 0:
                conn.execute(_HEAD.insert().values(id=1, seq=0, hash=GENESIS_HASH))
            if conn.execute(sa.select(sa.func.count()).select_from(_SCHEMA)).scalar_one() == 0:
                stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                conn.execute(_SCHEMA.insert().values(version=SCHEMA_VERSION, migrated_at=stamp))
            conn.commit()
    finally:
        if owned:
            engine.dispose()
    return SCHEMA_VERSION


class SqlAlchemyStore:
    """A ledger store in an SQL database through SQLAlchemy Core: PostgreSQL, or SQLite, by the same code.

    It follows :class:`~randinspect.ledger.LockingJournalStore`: writers in several processes and on several
    machines may share one ledger; appends queue on the head row's lock (see the module documentation).

    Parameters
    ----------
    bind:
        An SQLAlchemy ``Engine`` owned by the host (its pool, its settings), or a URL such as
        ``postgresql+psycopg://ledger@db.example/platform``, for which the store makes an engine of its own
        (without a connection pool: each operation connects and disconnects; :meth:`close` disposes of it).
    timeout:
        Seconds an append waits for another writer's lock (PostgreSQL ``lock_timeout``, SQLite
        ``busy_timeout``, both set for the append's transaction only).
    read_only:
        Verification only: :meth:`append` is refused and every transaction is read-only.

    Raises
    ------
    JournalUnavailableError
        The database refuses the connection.
    JournalSchemaError
        The ledger tables are missing (run :func:`migrate`) or at another schema version.
    """

    __slots__ = ("_engine", "_owned", "_read_only", "_timeout")

    def __init__(
        self,
        bind: sa.Engine | str,
        *,
        timeout: float = DEFAULT_LOCK_TIMEOUT,
        read_only: bool = False,
    ) -> None:
        self._timeout = _check_timeout(timeout)
        self._read_only = bool(read_only)
        self._engine, self._owned = _engine(bind, self._timeout)
        try:
            version = schema_version(self._engine)
        except BaseException:
            self.close()
            raise
        if version != SCHEMA_VERSION:
            self.close()
            if version is None:
                raise JournalSchemaError(
                    f"{_where(self._engine)}: no ledger tables; create them once with "
                    "randinspect.ledger.sql.migrate(engine)"
                )
            how = (
                "run randinspect.ledger.sql.migrate(engine) to upgrade it"
                if version in _UPGRADABLE
                else "upgrade randinspect (or migrate the database)"
            )
            raise JournalSchemaError(
                f"{_where(self._engine)}: the ledger tables are at schema version {version}, this release "
                f"knows version {SCHEMA_VERSION}; {how}"
            )

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine."""
        return self._engine

    def close(self) -> None:
        """Release the engine if the store made it from a URL (a host's engine is left alone)."""
        if self._owned:
            self._engine.dispose()

    def _where(self, seq: Any) -> str:
        return f"{_where(self._engine)} table {_LEDGER.name} row seq={seq}"

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        with _connect(self._engine, "reading the ledger") as conn:
            sqlite = self._engine.dialect.name == "sqlite"
            if self._read_only and _is_postgres(self._engine):
                conn.execute(sa.text("SET TRANSACTION READ ONLY"))
            elif self._read_only and sqlite:
                conn.exec_driver_sql("PRAGMA query_only = ON")
            try:
                yield conn
            finally:
                conn.rollback()
                if self._read_only and sqlite:
                    conn.exec_driver_sql("PRAGMA query_only = OFF")

    def _select(self) -> sa.Select[Any]:
        return sa.select(*(_LEDGER.c[name] for name in _COLUMNS))

    def entries(self) -> Iterator[JournalEntry]:
        """Yield the rows in ``seq`` order, as stored, a page of rows per read-only transaction."""
        after: int | None = None
        while True:
            query = self._select().order_by(_LEDGER.c.seq).limit(_PAGE)
            if after is not None:
                query = query.where(_LEDGER.c.seq > after)
            with self._reading() as conn:
                rows = conn.execute(query).fetchall()
            for row in rows:
                yield _row_entry(row, self._where(row[0]))
            if len(rows) < _PAGE:
                return
            after = int(rows[-1][0])

    def _history(self, conn: sa.Connection, key: JournalKey) -> list[JournalEntry]:
        query = self._select().where(_LEDGER.c.key == _key_text(key)).order_by(_LEDGER.c.seq)
        return [_row_entry(row, self._where(row[0])) for row in conn.execute(query)]

    def history(self, key: JournalKey) -> Iterator[JournalEntry]:
        """Yield the rows whose key is ``key``, in ``seq`` order (through the key index)."""
        with self._reading() as conn:
            found = self._history(conn, key)
        yield from found

    def _last(self, conn: sa.Connection) -> JournalEntry | None:
        row = conn.execute(self._select().order_by(_LEDGER.c.seq.desc()).limit(1)).first()
        return None if row is None else _row_entry(row, self._where(row[0]))

    def last(self) -> JournalEntry | None:
        """Return the row with the highest ``seq``, or ``None``."""
        with self._reading() as conn:
            return self._last(conn)

    def __len__(self) -> int:
        with self._reading() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(_LEDGER)).scalar_one())

    def append(self, entry: JournalEntry) -> None:
        """Insert ``entry`` after the last row, refusing one that does not extend it."""
        self.append_locked(lambda view: entry)

    def append_locked(self, build: Callable[[JournalView], JournalEntry]) -> JournalEntry:
        """In one transaction holding the head row's lock: build the entry from the head, insert it."""
        with self._transaction("appending to the ledger") as conn:
            return self._insert(conn, self._lock_head(conn), build)

    @contextlib.contextmanager
    def _transaction(self, doing: str) -> Iterator[sa.Connection]:
        """One writing transaction with the store's lock timeout: committed when the block returns, rolled
        back (nothing written) when it raises. The record store writes a record in the same transaction."""
        if self._read_only:
            raise JournalError(
                f"{_where(self._engine)}: the store was opened read-only; open it without read_only to write"
            )
        postgres = _is_postgres(self._engine)
        sqlite = self._engine.dialect.name == "sqlite"
        millis = max(1, round(self._timeout * 1000))
        with _connect(self._engine, doing) as conn:
            if postgres:
                conn = conn.execution_options(isolation_level="READ COMMITTED")
            host_busy_timeout = None
            if sqlite:  # the store's timeout, on the host's connection for this append only
                host_busy_timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {millis}")
            try:
                if postgres:
                    conn.execute(sa.text(f"SET LOCAL lock_timeout = '{millis}ms'"))
                yield conn
            except BaseException:
                conn.rollback()
                _restore_busy_timeout(conn, host_busy_timeout)
                raise
            conn.commit()
            _restore_busy_timeout(conn, host_busy_timeout)

    def _lock_head(self, conn: sa.Connection) -> JournalEntry | None:
        """Take the head row's lock (the transaction's first write) and return the last entry, checked
        against the head row."""
        # The lock: the first statement writes the head row (row lock on PostgreSQL, write lock on
        # SQLite), so the head read next is the newest and no other writer moves it until commit.
        locked = conn.execute(_HEAD.update().where(_HEAD.c.id == 1).values(seq=_HEAD.c.seq)).rowcount
        if locked != 1:
            raise JournalSchemaError(
                f"{_where(self._engine)}: the head row of {_HEAD.name} is missing; the tables "
                "were not made by migrate() or were changed by hand"
            )
        head_seq, head_hash = conn.execute(sa.select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)).one()
        last = self._last(conn)
        current = (0, GENESIS_HASH) if last is None else (last.seq, last.hash)
        if current != (head_seq, head_hash):
            raise JournalIntegrityError(
                f"{_where(self._engine)}: the head row (seq {head_seq}) does not match the last "
                f"entry (seq {None if last is None else last.seq}); the ledger tables were changed "
                "outside randinspect. Verify the ledger"
            )
        return last

    def _insert(
        self, conn: sa.Connection, last: JournalEntry | None, build: Callable[[JournalView], JournalEntry]
    ) -> JournalEntry:
        """Under the head lock: build the entry, check it extends ``last``, insert it, move the head."""
        entry = build(_SqlView(self, conn, last))
        _check_extends(last, entry, _where(self._engine))
        conn.execute(
            _LEDGER.insert().values(
                seq=entry.seq,
                kind=entry.kind,
                key=_key_text(entry.key),
                payload=entry.payload_json,
                reason=entry.reason,
                recorded_at=entry.recorded_at,
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
        )
        conn.execute(_HEAD.update().where(_HEAD.c.id == 1).values(seq=entry.seq, hash=entry.hash))
        return entry

    def _entry_at(self, conn: sa.Connection, seq: int) -> JournalEntry | None:
        row = conn.execute(self._select().where(_LEDGER.c.seq == seq)).first()
        return None if row is None else _row_entry(row, self._where(row[0]))

    def __repr__(self) -> str:
        return f"SqlAlchemyStore({_where(self._engine)!r})"


def _restore_busy_timeout(conn: sa.Connection, value: Any) -> None:
    """Give an SQLite connection of the host its own busy timeout back (outside any transaction)."""
    if value is not None:
        with contextlib.suppress(sa_exc.DBAPIError):
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(value)}")


class _SqlView:
    __slots__ = ("_conn", "_last", "_store")

    def __init__(self, store: SqlAlchemyStore, conn: sa.Connection, last: JournalEntry | None) -> None:
        self._store = store
        self._conn = conn
        self._last = last

    def last(self) -> JournalEntry | None:
        return self._last

    def history(self, key: JournalKey) -> Iterator[JournalEntry]:
        return iter(self._store._history(self._conn, key))


# -- the record store -------------------------------------------------------------------------------------

_RECORD_PAGE = 100

#: The ledger entry kind a record kind is journalled as by default (others need ``entry_kind=``).
_ENTRY_KINDS = {
    "draw": EntryKind.DRAW,
    "commitment": EntryKind.COMMITMENT,
    "match": EntryKind.MATCH,
    "publication": EntryKind.PUBLICATION,
    "assessment": EntryKind.ASSESSMENT,
}


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _document_key(kind: str, document: Any) -> tuple[str | int, ...] | None:
    """(item id, year, round) of a draw record or commitment given as parsed JSON (``None``: not one)."""
    commitment = document.get("commitment") if kind == "draw" and isinstance(document, dict) else document
    if kind not in ("draw", "commitment") or not isinstance(commitment, dict):
        return None
    item = commitment.get("item")
    item_id = item.get("id") if isinstance(item, dict) else None
    parts = (item_id, commitment.get("year"), commitment.get("round"))
    return parts if all(isinstance(p, str | int) for p in parts) else None  # type: ignore[return-value]


class _RowRefusedError(Exception):
    """The database refused a record row (the transaction is rolled back; the caller finds out why)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _message(exc: sa_exc.DBAPIError) -> str:
    text = str(exc.orig).strip()
    return text.splitlines()[0] if text else type(exc.orig).__name__


class SqlAlchemyRecordStore:
    """A record store (记录存储) in the ledger's database through SQLAlchemy Core: PostgreSQL or SQLite.

    It follows :class:`randinspect.typing.RecordStore` and keeps its records in ``randinspect_records``,
    created by :func:`migrate` with the ledger tables (schema version 2). Stored records are immutable: a
    put inserts a row or, when ``(kind, id)`` is taken, compares with it (same bytes and year: the stored
    record is returned; otherwise :class:`~randinspect.errors.RecordConflictError`); the store never
    updates or deletes a row. Concurrent puts of one ``(kind, id)`` from several processes are decided by
    the primary key: one insert wins, the others find its row.

    :meth:`put_journalled` writes a record **and its ledger entry in one transaction** under the ledger's
    head lock (see :class:`SqlAlchemyStore`): the entry's payload is the record's document, so
    ``sha256(entry.payload_json) == record.digest``, and the row keeps the entry's ``seq``. Either both are
    written or, on any refusal or failure, neither. Reading checks each record with the strict reader and,
    for a journalled record, that the ledger row it names holds the same bytes.

    Parameters
    ----------
    bind:
        An SQLAlchemy ``Engine`` (the host's) or a database URL, as for :class:`SqlAlchemyStore`.
    timeout:
        Seconds a journalled put waits for another writer's lock on the ledger head.
    read_only:
        Reading only: every transaction is read-only and puts are refused.
    clock:
        Returns the current time as an aware ``datetime`` (``created_at``, journal ``recorded_at``).

    Raises
    ------
    JournalUnavailableError
        The database refuses the connection.
    JournalSchemaError
        The tables are missing or at another schema version (run :func:`migrate`).

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_clock", "_ledger")

    def __init__(
        self,
        bind: sa.Engine | str,
        *,
        timeout: float = DEFAULT_LOCK_TIMEOUT,
        read_only: bool = False,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._ledger = SqlAlchemyStore(bind, timeout=timeout, read_only=read_only)
        self._clock = clock

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine."""
        return self._ledger.engine

    @property
    def ledger(self) -> SqlAlchemyStore:
        """The journal store on the same database (and engine)."""
        return self._ledger

    def journal(self) -> Journal:
        """The ledger of the same database as a :class:`~randinspect.ledger.Journal` (with this clock)."""
        return Journal(self._ledger, clock=self._clock)

    def close(self) -> None:
        """Release the engine if the store made it from a URL."""
        self._ledger.close()

    def _where(self, kind: str, record_id: str) -> str:
        return f"{_where(self.engine)} table {_RECORDS.name} ({kind}, {record_id!r})"

    def _select(self) -> sa.Select[Any]:
        tied = sa.case((_LEDGER.c.payload == _RECORDS.c.document, 1), else_=0)
        return sa.select(
            _RECORDS.c.kind,
            _RECORDS.c.id,
            _RECORDS.c.year,
            _RECORDS.c.document,
            _RECORDS.c.digest,
            _RECORDS.c.schema_version,
            _RECORDS.c.created_at,
            _RECORDS.c.journal_seq,
            tied.label("tied"),
        ).select_from(_RECORDS.outerjoin(_LEDGER, _LEDGER.c.seq == _RECORDS.c.journal_seq))

    def _record(self, row: Any) -> StoredRecord:
        kind, record_id, year, text, digest, version, created, seq, tied = tuple(row)
        where = self._where(kind, record_id)
        record = read_stored(
            kind=kind,
            record_id=record_id,
            year=year,
            text=text,
            digest=digest,
            schema_version=version,
            created_at=created,
            journal_seq=seq,
            where=where,
        )
        if seq is not None and not tied:
            raise RecordIntegrityError(
                f"{where}: the ledger entry seq {seq} it is tied to is missing or holds other bytes than the "
                "record; the tables were changed outside randinspect. Verify the ledger"
            )
        return record

    def _one(self, conn: sa.Connection, kind: str, record_id: str) -> StoredRecord | None:
        row = conn.execute(self._select().where(_RECORDS.c.kind == kind, _RECORDS.c.id == record_id)).first()
        return None if row is None else self._record(row)

    def _new(self, kind: str, record_id: str, document: Any, year: int | None) -> StoredRecord:
        if self._ledger._read_only:
            raise RecordStoreError(
                f"{_where(self.engine)}: the record store was opened read-only; open it without read_only "
                "to store records"
            )
        text, digest = encode_record(kind, record_id, document)
        return StoredRecord(
            kind=kind,
            id=record_id,
            year=_check_year(year),
            text=text,
            digest=digest,
            schema_version=RECORD_SCHEMA_VERSION,
            created_at=_timestamp(self._clock()),
        )

    def _row(self, record: StoredRecord) -> dict[str, Any]:
        return {
            "kind": record.kind,
            "id": record.id,
            "year": record.year,
            "document": record.text,
            "digest": record.digest,
            "schema_version": record.schema_version,
            "created_at": record.created_at,
            "journal_seq": record.journal_seq,
        }

    def put(self, kind: str, record_id: str, document: Any, *, year: int | None = None) -> StoredRecord:
        """Store a record once (one ``INSERT``); return it, or the stored one for the same bytes and year.

        Raises
        ------
        RecordConflictError
            ``(kind, id)`` is stored with other bytes or another year; nothing is written.
        InputError, RecordError
            The kind, id, year or document is not valid (:func:`randinspect.ledger.encode_record`).
        RecordStoreError
            The store was opened read-only.
        JournalUnavailableError, JournalError
            The database cannot be reached or refused the statement (nothing is written).
        """
        record = self._new(kind, record_id, document, year)
        with _connect(self.engine, "storing a record") as conn:
            try:
                conn.execute(_RECORDS.insert().values(**self._row(record)))
                conn.commit()
                return record
            except sa_exc.IntegrityError as exc:
                conn.rollback()  # the key is taken (perhaps by a writer that committed meanwhile)
                refused = _message(exc)
            stored = self._one(conn, record.kind, record.id)
            conn.rollback()
        if stored is None:
            raise JournalError(
                f"{self._where(record.kind, record.id)}: the database refused the record row ({refused}); "
                "nothing was written"
            )
        if not stored.same_content(record.year, record.text):
            raise RecordConflictError(_conflict(stored, record))
        return stored

    def put_journalled(
        self,
        kind: str,
        record_id: str,
        document: Any,
        *,
        year: int | None = None,
        entry_kind: EntryKind | str | None = None,
        key: Any = None,
        reason: str | None = None,
        recorded_at: datetime | str | None = None,
    ) -> tuple[StoredRecord, JournalEntry]:
        """Store a record and append its ledger entry in **one transaction**; return both.

        Under the ledger's head lock: the record's key is checked (a repeat of a journalled record with the
        same bytes returns the stored record and its entry, writing nothing), the entry is built with every
        rule of :meth:`randinspect.ledger.Journal.append` (duplicates, reasons, the draw's commitment), its
        payload being the document, then the entry and the record row (with the entry's ``seq``) are
        inserted and committed together. Any refusal or failure rolls both back.

        Parameters
        ----------
        kind, record_id, document, year:
            As :meth:`put`; the document must be a JSON object (a ledger payload).
        entry_kind:
            The ledger entry kind; by default the record kind's (``draw``, ``commitment``, ``match``,
            ``publication``, ``assessment``); required for other kinds.
        key, reason, recorded_at:
            As :meth:`randinspect.ledger.Journal.append`. ``key`` is taken from the record when omitted
            (``(item id, year, round)`` of a draw record or commitment, also given as parsed JSON).

        Raises
        ------
        RecordConflictError
            ``(kind, id)`` is stored with other bytes, another year, or without a journal entry.
        DuplicateDrawError, DuplicateEntryError, ReasonRequiredError, CommitmentMismatchError, InputError
            As :meth:`randinspect.ledger.Journal.append`; nothing is written.
        JournalLockTimeoutError
            Another writer held the ledger lock longer than ``timeout``; nothing is written.
        """
        record = self._new(kind, record_id, document, year)
        if entry_kind is None:
            if record.kind not in _ENTRY_KINDS:
                raise InputError(
                    f"{record.kind} records have no default ledger entry kind; pass entry_kind= (one of "
                    f"{', '.join(k.value for k in EntryKind)})"
                )
            entry_kind = _ENTRY_KINDS[record.kind]
        source = document if callable(getattr(document, "to_json_dict", None)) else record.document
        if key is None and not callable(getattr(document, "to_json_dict", None)):
            key = _document_key(record.kind, source)
        build = self.journal()._builder(entry_kind, source, key=key, reason=reason, recorded_at=recorded_at)
        try:
            return self._journalled(record, build)
        except _RowRefusedError as refused:
            with self._ledger._reading() as conn:
                taken = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(_RECORDS)
                    .where(_RECORDS.c.kind == record.kind, _RECORDS.c.id == record.id)
                ).scalar_one()
            if taken:
                raise RecordConflictError(
                    f"{record.kind} record {record.id!r} was stored by another writer meanwhile; nothing was "
                    "written (neither the record nor its ledger entry)"
                ) from None
            raise JournalError(
                f"{self._where(record.kind, record.id)}: the database refused the record row "
                f"({refused.message}); nothing was written (neither the record nor its ledger entry)"
            ) from None

    def _journalled(
        self, record: StoredRecord, build: Callable[[JournalView], JournalEntry]
    ) -> tuple[StoredRecord, JournalEntry]:
        with self._ledger._transaction("storing a journalled record") as conn:
            last = self._ledger._lock_head(conn)
            stored = self._one(conn, record.kind, record.id)
            if stored is not None:
                if stored.same_content(record.year, record.text) and stored.journal_seq is not None:
                    entry = self._ledger._entry_at(conn, stored.journal_seq)
                    if entry is not None:
                        return stored, entry
                if stored.same_content(record.year, record.text):
                    raise RecordConflictError(
                        f"{record.kind} record {record.id!r} is already stored without a ledger entry "
                        f"(stored {stored.created_at}); it cannot be tied afterwards. Journal it with "
                        "Journal.append, or store it under a new id"
                    )
                raise RecordConflictError(_conflict(stored, record))
            entry = self._ledger._insert(conn, last, build)
            record = StoredRecord(
                kind=record.kind,
                id=record.id,
                year=record.year,
                text=record.text,
                digest=record.digest,
                schema_version=record.schema_version,
                created_at=record.created_at,
                journal_seq=entry.seq,
            )
            if entry.payload_json != record.text:  # pragma: no cover - both are the canonical encoding
                raise RecordIntegrityError(f"{record.kind} record {record.id!r}: entry payload differs")
            try:
                conn.execute(_RECORDS.insert().values(**self._row(record)))
            except sa_exc.IntegrityError as exc:  # the key taken meanwhile, or a host's constraint
                raise _RowRefusedError(_message(exc)) from None
            return record, entry

    def get(self, kind: str, record_id: str) -> StoredRecord:
        """Return the record ``(kind, id)``, checked by the strict reader and against its ledger entry.

        Raises
        ------
        RecordNotFoundError
            No such record.
        RecordIntegrityError
            The row does not read back as written, or differs from the ledger entry it is tied to.
        """
        kind, record_id = _check_kind(kind), _check_id(record_id)
        with self._ledger._reading() as conn:
            stored = self._one(conn, kind, record_id)
        if stored is None:
            raise RecordNotFoundError(f"{_where(self.engine)}: no {kind} record {record_id!r}")
        return stored

    def records(self, *, kind: str | None = None, year: int | None = None) -> Iterator[StoredRecord]:
        """Yield the records (of ``kind``, of ``year``, when given) ordered by kind, then id, in pages of
        100 rows, each page in one read-only transaction."""
        year = _check_year(year)
        conditions: list[Any] = []
        if kind is not None:
            conditions.append(_RECORDS.c.kind == _check_kind(kind))
        if year is not None:
            conditions.append(_RECORDS.c.year == year)
        after: tuple[str, str] | None = None
        while True:
            query = self._select().where(*conditions)
            if after is not None:
                query = query.where(
                    sa.or_(
                        _RECORDS.c.kind > after[0],
                        sa.and_(_RECORDS.c.kind == after[0], _RECORDS.c.id > after[1]),
                    )
                )
            query = query.order_by(_RECORDS.c.kind, _RECORDS.c.id).limit(_RECORD_PAGE)
            with self._ledger._reading() as conn:
                rows = conn.execute(query).fetchall()
            for row in rows:
                yield self._record(row)
            if len(rows) < _RECORD_PAGE:
                return
            after = (str(rows[-1][0]), str(rows[-1][1]))

    def __len__(self) -> int:
        with self._ledger._reading() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(_RECORDS)).scalar_one())

    def __repr__(self) -> str:
        return f"SqlAlchemyRecordStore({_where(self.engine)!r})"
