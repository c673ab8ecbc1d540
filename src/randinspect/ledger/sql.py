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
    JournalError,
    JournalIntegrityError,
    JournalLockTimeoutError,
    JournalSchemaError,
    JournalUnavailableError,
)
from randinspect.ledger._entry import GENESIS_HASH, JournalEntry, JournalKey
from randinspect.ledger._stores import (
    _COLUMN_NAMES,
    DEFAULT_LOCK_TIMEOUT,
    JournalView,
    _check_extends,
    _check_timeout,
    _key_text,
    _row_entry,
)

__all__ = ["SCHEMA_VERSION", "SqlAlchemyStore", "metadata", "migrate", "schema_version"]

SCHEMA_VERSION = 1
"""The version of the ledger tables that this release creates and reads."""

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
    ``(1, 0, GENESIS_HASH)``) and ``randinspect_ledger_schema`` (with the version) if absent, in one
    transaction (on PostgreSQL also under an advisory lock, so two deployments migrating at once do not race).
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
        The database already holds ledger tables of another version (nothing is changed).
    JournalUnavailableError
        The database cannot be reached.
    """
    engine, owned = _engine(bind, DEFAULT_LOCK_TIMEOUT)
    try:
        with _connect(engine, "migrating the ledger tables") as conn:
            if _is_postgres(engine):
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('randinspect_ledger_migrate'))"))
            inspector = sa.inspect(conn)
            if inspector.has_table(_SCHEMA.name):
                found = [int(v) for (v,) in conn.execute(sa.select(_SCHEMA.c.version))]
                if found != [SCHEMA_VERSION]:
                    conn.rollback()
                    raise JournalSchemaError(
                        f"{_where(engine)}: the ledger tables are at schema version {found}, this release "
                        f"knows version {SCHEMA_VERSION}; nothing was changed"
                    )
            metadata.create_all(conn, checkfirst=True)
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
            raise JournalSchemaError(
                f"{_where(self._engine)}: the ledger tables are at schema version {version}, this release "
                f"knows version {SCHEMA_VERSION}; upgrade randinspect (or migrate the database)"
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
        if self._read_only:
            raise JournalError(
                f"{_where(self._engine)}: the store was opened read-only; open it without read_only to append"
            )
        postgres = _is_postgres(self._engine)
        sqlite = self._engine.dialect.name == "sqlite"
        millis = max(1, round(self._timeout * 1000))
        with _connect(self._engine, "appending to the ledger") as conn:
            if postgres:
                conn = conn.execution_options(isolation_level="READ COMMITTED")
            host_busy_timeout = None
            if sqlite:  # the store's timeout, on the host's connection for this append only
                host_busy_timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {millis}")
            try:
                if postgres:
                    conn.execute(sa.text(f"SET LOCAL lock_timeout = '{millis}ms'"))
                # The lock: the first statement writes the head row (row lock on PostgreSQL, write lock on
                # SQLite), so the head read next is the newest and no other writer moves it until commit.
                locked = conn.execute(_HEAD.update().where(_HEAD.c.id == 1).values(seq=_HEAD.c.seq)).rowcount
                if locked != 1:
                    raise JournalSchemaError(
                        f"{_where(self._engine)}: the head row of {_HEAD.name} is missing; the tables "
                        "were not made by migrate() or were changed by hand"
                    )
                head_seq, head_hash = conn.execute(
                    sa.select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)
                ).one()
                last = self._last(conn)
                current = (0, GENESIS_HASH) if last is None else (last.seq, last.hash)
                if current != (head_seq, head_hash):
                    raise JournalIntegrityError(
                        f"{_where(self._engine)}: the head row (seq {head_seq}) does not match the last "
                        f"entry (seq {None if last is None else last.seq}); the ledger tables were changed "
                        "outside randinspect. Verify the ledger"
                    )
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
            except BaseException:
                conn.rollback()
                _restore_busy_timeout(conn, host_busy_timeout)
                raise
            conn.commit()
            _restore_busy_timeout(conn, host_busy_timeout)
            return entry

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
