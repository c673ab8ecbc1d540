"""Ledger stores: the store Protocols, and the in-memory, JSON-lines and SQLite stores.

Concurrent writers (several processes sharing one ledger): a store that implements
:class:`LockingJournalStore` holds its write lock while :class:`~randinspect.ledger.Journal` reads the last
entry, checks the rules and builds the next entry, so appends from several processes queue behind the lock
instead of being refused. Waiting is bounded by the store's ``timeout``; past it the append raises
:class:`~randinspect.errors.JournalLockTimeoutError` and writes nothing.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

from randinspect import _json as strict_json  # the strict reader: duplicate keys, NaN, deep nesting refused
from randinspect.errors import (
    ConfigurationError,
    JournalError,
    JournalIntegrityError,
    JournalLockTimeoutError,
)
from randinspect.ledger._entry import GENESIS_HASH, JournalEntry, JournalKey, _encode

try:  # POSIX only; on other systems the single-writer rule is documented instead of enforced.
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - Windows
    _fcntl = None  # type: ignore[assignment]

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "JournalStore",
    "JournalView",
    "JsonLinesStore",
    "LockingJournalStore",
    "MemoryStore",
    "SqliteStore",
    "open_store",
]

DEFAULT_LOCK_TIMEOUT = 30.0
"""Seconds an append waits for another writer's lock, then raises ``JournalLockTimeoutError``."""


@runtime_checkable
class JournalStore(Protocol):
    """**Protocol:** where a :class:`~randinspect.ledger.Journal` keeps its entries.

    An implementation must:

    - ``append(entry)``: store ``entry`` durably after the current last entry, all or nothing; it should
      refuse (raise :class:`~randinspect.errors.JournalError`) an entry whose ``seq`` is not one more than
      the last stored ``seq`` or whose ``prev_hash`` is not the last stored ``hash``, so two writers cannot
      interleave silently. It must not change the entry.
    - ``entries()``: yield the stored entries in storage order, exactly as stored (an edited entry is yielded
      as edited, so that :meth:`~randinspect.ledger.Journal.verify` can see it); raise
      :class:`~randinspect.errors.JournalIntegrityError` for data that cannot be read as an entry.
    - ``last()``: return the last stored entry, or ``None`` when empty.
    - ``__len__()``: the number of stored entries.

    Nothing else is required: no update, no delete. A store shared by several writers should also implement
    :class:`LockingJournalStore`, otherwise concurrent appends may be refused (never lost or interleaved).

    .. versionadded:: 0.1.0
    """

    def append(self, entry: JournalEntry) -> None:
        """Store ``entry`` after the current last entry."""
        ...

    def entries(self) -> Iterator[JournalEntry]:
        """Yield the stored entries in storage order."""
        ...

    def last(self) -> JournalEntry | None:
        """Return the last stored entry, or ``None``."""
        ...

    def __len__(self) -> int:
        """Return the number of stored entries."""
        ...


class JournalView(Protocol):
    """**Protocol:** the entries of a store as seen by a writer holding its lock.

    ``last()`` and ``history(key)`` must reflect every entry committed before the lock was taken.

    .. versionadded:: 0.1.0
    """

    def last(self) -> JournalEntry | None:
        """Return the last stored entry, or ``None``."""
        ...

    def history(self, key: JournalKey) -> Iterator[JournalEntry]:
        """Yield the stored entries whose key is ``key``, in order."""
        ...


@runtime_checkable
class LockingJournalStore(JournalStore, Protocol):
    """**Protocol:** a :class:`JournalStore` that several writers (threads, processes, machines) can share.

    ``append_locked(build)`` must: take the store's exclusive write lock, waiting at most the store's timeout
    and then raising :class:`~randinspect.errors.JournalLockTimeoutError`; call ``build(view)`` with a
    :class:`JournalView` of the entries as they are under the lock; refuse (``JournalError``) an entry that
    does not extend the last one; store it durably; release the lock; return the entry. If ``build`` or the
    write raises, nothing is stored, the lock is released and the exception propagates.

    :class:`~randinspect.ledger.Journal` uses it when present, so its duplicate and commitment checks and the
    choice of ``seq`` and ``prev_hash`` happen under the lock: concurrent appends wait, none is refused.

    .. versionadded:: 0.1.0
    """

    def append_locked(self, build: Callable[[JournalView], JournalEntry]) -> JournalEntry:
        """Build and store one entry under the store's write lock."""
        ...


def _check_extends(last: JournalEntry | None, entry: JournalEntry, where: str) -> None:
    expected_seq = 1 if last is None else last.seq + 1
    expected_prev = GENESIS_HASH if last is None else last.hash
    if entry.seq != expected_seq or entry.prev_hash != expected_prev:
        raise JournalError(
            f"{where}: refused entry seq {entry.seq}: it does not extend the last stored entry (expected seq "
            f"{expected_seq} with prev_hash {expected_prev[:12]}…); another writer may have appended "
            "meanwhile. Reload the journal and append again"
        )


def _check_timeout(timeout: float) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout >= 0:
        raise ConfigurationError(f"lock timeout must be a non-negative number of seconds, got {timeout!r}")
    return float(timeout)


class _FilteredView:
    """A :class:`JournalView` over a plain store (no lock: used when a store is not a locking one)."""

    __slots__ = ("_store",)

    def __init__(self, store: JournalStore) -> None:
        self._store = store

    def last(self) -> JournalEntry | None:
        return self._store.last()

    def history(self, key: JournalKey) -> Iterator[JournalEntry]:
        return (e for e in self._store.entries() if e.key == key)


class MemoryStore:
    """A journal store in memory, for tests and short-lived sessions (one process; not thread-safe).

    Parameters
    ----------
    entries:
        Entries to start with, stored as given (not verified).
    """

    __slots__ = ("_entries",)

    def __init__(self, entries: Iterable[JournalEntry] = ()) -> None:
        self._entries: list[JournalEntry] = list(entries)

    def append(self, entry: JournalEntry) -> None:
        """Store ``entry`` after the last entry, refusing one that does not extend it."""
        _check_extends(self.last(), entry, "memory store")
        self._entries.append(entry)

    def entries(self) -> Iterator[JournalEntry]:
        """Yield the stored entries in order (a snapshot)."""
        yield from tuple(self._entries)

    def last(self) -> JournalEntry | None:
        """Return the last entry, or ``None``."""
        return self._entries[-1] if self._entries else None

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"MemoryStore(<{len(self._entries)} entries>)"


def _tail(handle: IO[bytes]) -> tuple[bytes | None, int]:
    """Return the last complete line (without its newline) and the offset just after it.

    Bytes after the last newline (a torn write) are not part of any line; the offset tells where they start.
    """
    handle.seek(0, os.SEEK_END)
    end = handle.tell()
    block = 4096
    data = b""
    pos = end
    while pos > 0:
        step = min(block, pos)
        pos -= step
        handle.seek(pos)
        data = handle.read(step) + data
        last_nl = data.rfind(b"\n")
        if last_nl < 0:
            continue
        complete_end = pos + last_nl + 1
        body = data[:last_nl]
        prev_nl = body.rfind(b"\n")
        if prev_nl >= 0 or pos == 0:
            return body[prev_nl + 1 :], complete_end
    return None, 0


class _KeyIndex:
    """Where the lines of each key are in a JSON-lines journal: (line number, offset, length) per key.

    Covers the complete lines up to byte ``end``; ``last_line`` (offset and bytes of the last of them) is
    re-read before each use, so a file rewritten in place drops the index instead of misleading it.
    """

    __slots__ = ("by_key", "end", "ident", "last_line", "lineno")

    def __init__(self, ident: tuple[int, int]) -> None:
        self.ident = ident
        self.end = 0
        self.lineno = 0
        self.last_line: tuple[int, bytes] | None = None
        self.by_key: dict[tuple[Any, ...], list[tuple[int, int, int]]] = {}

    def tail_holds(self, handle: IO[bytes]) -> bool:
        if self.last_line is None:
            return True
        offset, line = self.last_line
        handle.seek(offset)
        return handle.read(len(line) + 1) == line + b"\n"


class JsonLinesStore:
    """A journal kept in a UTF-8 text file, one canonical JSON entry per line (JSON Lines).

    The file can be read with any text editor, published as is, and checked with a few lines of any language
    (see the journal documentation page). Each append writes one line with one ``write`` call, then
    ``fsync``-s the file; only then does it return.

    Several processes may append at once: each append holds an exclusive ``flock`` on the file (POSIX) while
    it reads the last line, builds the entry and writes it; others wait up to ``timeout`` seconds.

    A process killed in the middle of a write can leave a *torn tail*: bytes after the last newline that are
    not a whole entry. That append never returned, so nothing acknowledged is lost: :meth:`entries` ignores a
    torn tail, and the next append removes it before writing (under the lock). A last line without its
    newline that *is* a whole entry (a file saved by an editor) is kept and completed, never removed.

    Parameters
    ----------
    path:
        The journal file; it is created (empty) if it does not exist, its directory must exist.
    timeout:
        Seconds an append waits for another writer's lock (default :data:`DEFAULT_LOCK_TIMEOUT`).
    read_only:
        Open for reading only (verification): the file must exist and is never created, locked or changed;
        :meth:`append` is refused.
    """

    __slots__ = ("_index", "_path", "_read_only", "_timeout")

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = DEFAULT_LOCK_TIMEOUT,
        read_only: bool = False,
    ) -> None:
        self._path = Path(path)
        self._index: _KeyIndex | None = None
        self._timeout = _check_timeout(timeout)
        self._read_only = bool(read_only)
        if read_only:
            if not self._path.is_file():
                raise ConfigurationError(f"journal file {str(self._path)!r} does not exist")
            return
        if not self._path.parent.is_dir():
            raise ConfigurationError(
                f"journal directory {str(self._path.parent)!r} does not exist; create it first"
            )
        self._path.touch(exist_ok=True)

    @property
    def path(self) -> Path:
        """The journal file."""
        return self._path

    def _parse(self, line: bytes, where: str) -> JournalEntry:
        try:
            data = strict_json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise JournalIntegrityError(f"{where}: not a JSON entry ({exc}); the line was damaged") from None
        return JournalEntry.from_json_dict(data, where=where)

    def _lock(self, handle: IO[bytes]) -> None:
        if _fcntl is None:  # pragma: no cover - Windows
            return  # type: ignore[unreachable]
        deadline = time.monotonic() + self._timeout
        pause = 0.001
        while True:
            try:
                _fcntl.flock(handle.fileno(), _fcntl.LOCK_EX | _fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise JournalLockTimeoutError(
                        f"{self._path.name}: another writer held the journal lock for more than "
                        f"{self._timeout:g} s; nothing was written. Append again later, or raise timeout="
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.005)

    def append(self, entry: JournalEntry) -> None:
        """Append ``entry`` as one line, refusing one that does not extend the last line."""
        self.append_locked(lambda view: entry)

    def append_locked(self, build: Callable[[JournalView], JournalEntry]) -> JournalEntry:
        """Under the file lock: call ``build`` with the current entries, check, write, ``fsync``, return."""
        if self._read_only:
            raise JournalError(f"{self._path.name} was opened read-only; open it without read_only to append")
        with open(self._path, "r+b") as handle:
            self._lock(handle)
            try:
                last_line, complete_end = _tail(handle)
                handle.seek(complete_end)
                fragment = handle.read()
                write_at, prefix = complete_end, b""
                if fragment and self._whole_entry(fragment):
                    # A last line saved without its newline (an editor): keep it and complete it.
                    last_line, write_at, prefix = fragment, complete_end + len(fragment), b"\n"
                last = None if last_line is None else self._parse(last_line, f"{self._path.name} last line")
                entry = build(_FileView(self, last))
                _check_extends(last, entry, self._path.name)
                line = prefix + _encode(entry.to_json_dict(), "journal entry") + b"\n"
                if fragment and not prefix:
                    handle.truncate(complete_end)  # a torn tail: an append that never returned
                fd = handle.fileno()
                os.lseek(fd, write_at, os.SEEK_SET)
                pending = memoryview(line)
                while pending:
                    pending = pending[os.write(fd, pending) :]
                os.fsync(fd)
                return entry
            finally:
                if _fcntl is not None:
                    _fcntl.flock(handle.fileno(), _fcntl.LOCK_UN)

    def _whole_entry(self, fragment: bytes) -> bool:
        try:
            data = strict_json.loads(fragment.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return False
        return isinstance(data, dict)

    def _lines(self) -> Iterator[tuple[int, bytes]]:
        with open(self._path, "rb") as handle:
            for lineno, raw in enumerate(handle, start=1):
                if not raw.endswith(b"\n"):
                    if self._whole_entry(raw):
                        yield lineno, raw
                    return  # a torn tail: an append that never returned
                line = raw[:-1]
                if not line.strip():
                    raise JournalIntegrityError(
                        f"{self._path.name} line {lineno}: empty line; journal files hold one entry per line"
                    )
                yield lineno, line

    def entries(self) -> Iterator[JournalEntry]:
        """Yield the entries line by line, as stored; a damaged line raises :class:`JournalIntegrityError`.

        A torn tail (bytes after the last newline that are not a whole entry) is not an entry and is skipped.
        """
        for lineno, line in self._lines():
            yield self._parse(line, f"{self._path.name} line {lineno}")

    def history(self, key: JournalKey) -> Iterator[JournalEntry]:
        """Yield the entries whose key is ``key``, in order.

        The store keeps an index of the lines of each key (:class:`_KeyIndex`), so a call reads only the
        lines appended since the last call (by any process) and then the lines of ``key``: the check an
        append makes for a once-per-key entry no longer re-reads the whole journal. The index is dropped
        and rebuilt when the file is replaced, shrinks, or its last indexed line changed. A damaged line
        raises :class:`JournalIntegrityError`, as :meth:`entries` does.
        """
        wanted = tuple(key)
        with open(self._path, "rb") as handle:
            index, tail = self._fresh_index(handle)
            found: list[tuple[int, bytes]] = []
            for lineno, offset, length in index.by_key.get(wanted, ()):
                handle.seek(offset)
                found.append((lineno, handle.read(length)))
        if tail is not None and tail[2] == wanted:
            found.append((tail[0], tail[1]))
        for lineno, line in found:
            yield self._parse(line, f"{self._path.name} line {lineno}")

    def _fresh_index(self, handle: IO[bytes]) -> tuple[_KeyIndex, tuple[int, bytes, tuple[Any, ...]] | None]:
        """The key index brought up to the file's end; also a last line saved without its newline."""
        st = os.fstat(handle.fileno())
        index = self._index
        if index is not None and (
            index.ident != (st.st_dev, st.st_ino) or st.st_size < index.end or not index.tail_holds(handle)
        ):
            index = None
        if index is None:
            index = _KeyIndex((st.st_dev, st.st_ino))
        handle.seek(index.end)
        offset, lineno = index.end, index.lineno
        tail: tuple[int, bytes, tuple[Any, ...]] | None = None
        for raw in handle:
            if not raw.endswith(b"\n"):
                if self._whole_entry(raw):  # an editor's last line: read, never indexed
                    tail = (lineno + 1, raw, self._key_of(raw, lineno + 1))
                break  # else a torn tail: an append that never returned
            lineno += 1
            line = raw[:-1]
            if not line.strip():
                raise JournalIntegrityError(
                    f"{self._path.name} line {lineno}: empty line; journal files hold one entry per line"
                )
            index.by_key.setdefault(self._key_of(line, lineno), []).append((lineno, offset, len(line)))
            index.last_line = (offset, line)
            offset += len(raw)
        index.end, index.lineno = offset, lineno
        self._index = index
        return index, tail

    def _key_of(self, line: bytes, lineno: int) -> tuple[Any, ...]:
        try:
            data = strict_json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        key = data.get("key") if isinstance(data, dict) else None
        if not isinstance(key, list) or not all(isinstance(k, str) for k in key):
            self._parse(line, f"{self._path.name} line {lineno}")  # raises, naming the line
            raise JournalIntegrityError(f"{self._path.name} line {lineno}: the key is not a list of strings")
        return tuple(key)

    def last(self) -> JournalEntry | None:
        """Return the entry on the last line, or ``None`` for an empty file."""
        last: JournalEntry | None = None
        with open(self._path, "rb") as handle:
            line, end = _tail(handle)
            handle.seek(end)
            fragment = handle.read()
        if fragment and self._whole_entry(fragment):
            line = fragment
        if line is not None:
            last = self._parse(line, f"{self._path.name} last line")
        return last

    def __len__(self) -> int:
        return sum(1 for _ in self._lines())

    def __repr__(self) -> str:
        return f"JsonLinesStore({str(self._path)!r})"


class _FileView:
    __slots__ = ("_last", "_store")

    def __init__(self, store: JsonLinesStore, last: JournalEntry | None) -> None:
        self._store = store
        self._last = last

    def last(self) -> JournalEntry | None:
        return self._last

    def history(self, key: JournalKey) -> Iterator[JournalEntry]:
        return self._store.history(key)


_TABLE = "randinspect_journal"
_COLUMN_NAMES = ("seq", "kind", "key", "payload", "reason", "recorded_at", "prev_hash", "hash")
_COLUMNS = ", ".join(_COLUMN_NAMES)


def _row_entry(row: Any, where: str) -> JournalEntry:
    """Read a ledger row (the eight columns, ``key`` and ``payload`` as JSON text) as an entry; shared by the
    SQLite and the SQLAlchemy stores."""
    data: dict[str, Any] = dict(zip(_COLUMN_NAMES, tuple(row), strict=True))
    for column in ("key", "payload"):
        text = data[column]
        if not isinstance(text, str):
            raise JournalIntegrityError(f"{where}: column {column!r} is not JSON text")
        try:
            data[column] = strict_json.loads(text)
        except ValueError as exc:
            raise JournalIntegrityError(f"{where}: column {column!r} is not valid JSON ({exc})") from None
    return JournalEntry.from_json_dict(data, where=where)


def _key_text(key: JournalKey) -> str:
    return _encode(list(key), "journal key").decode("utf-8")


class SqliteStore:
    """A journal kept in one table of an SQLite database (standard library ``sqlite3``).

    The table ``randinspect_journal`` has the columns ``seq`` (integer primary key), ``kind``, ``key`` and
    ``payload`` (canonical JSON text), ``reason``, ``recorded_at``, ``prev_hash`` and ``hash``; it can live in
    the host system's own database. Each append runs in one transaction started with ``BEGIN IMMEDIATE``
    (SQLite's write lock, waited for up to ``timeout`` seconds), in which the entry is built from the current
    last row; a connection is opened per operation, so the store holds no open handle.

    Parameters
    ----------
    path:
        The database file; it and the table are created if absent (not with ``read_only``).
    timeout:
        Seconds to wait for another writer's lock before
        :class:`~randinspect.errors.JournalLockTimeoutError` (default :data:`DEFAULT_LOCK_TIMEOUT`).
    read_only:
        Open the database read-only (SQLite ``mode=ro``), for verification: nothing is created or changed
        (a missing table is reported, not re-created) and :meth:`append` is refused.

    Raises
    ------
    ConfigurationError
        The directory (or, read-only, the file) does not exist.
    JournalIntegrityError
        The file is not an SQLite database, or (read-only) holds no journal table.
    """

    __slots__ = ("_index", "_path", "_read_only", "_timeout")

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = DEFAULT_LOCK_TIMEOUT,
        read_only: bool = False,
    ) -> None:
        self._path = Path(path)
        self._index: _KeyIndex | None = None
        self._timeout = _check_timeout(timeout)
        self._read_only = bool(read_only)
        if read_only:
            if not self._path.is_file():
                raise ConfigurationError(f"journal database {str(self._path)!r} does not exist")
            with self._connect() as conn:
                found = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (_TABLE,)
                ).fetchone()
            if found is None:
                raise JournalIntegrityError(
                    f"{self._path.name}: no table {_TABLE!r}; this database holds no journal (or the table "
                    "was dropped)"
                )
            return
        if not self._path.parent.is_dir():
            raise ConfigurationError(
                f"journal directory {str(self._path.parent)!r} does not exist; create it first"
            )
        with self._connect() as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {_TABLE} ("
                "seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, payload TEXT NOT NULL, "
                "reason TEXT, recorded_at TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"
            )
            conn.execute(f"CREATE INDEX IF NOT EXISTS {_TABLE}_key ON {_TABLE} (key)")

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection, with every ``sqlite3`` error turned into a typed journal error."""
        conn: sqlite3.Connection | None = None
        try:
            if self._read_only:
                uri = self._path.resolve().as_uri() + "?mode=ro"
                conn = sqlite3.connect(uri, uri=True, timeout=self._timeout, isolation_level=None)
            else:
                conn = sqlite3.connect(self._path, timeout=self._timeout, isolation_level=None)
            yield conn
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if "locked" in message or "busy" in message:
                raise JournalLockTimeoutError(
                    f"{self._path.name}: another writer held the database lock for more than "
                    f"{self._timeout:g} s; nothing was written. Append again later, or raise timeout="
                ) from None
            raise JournalIntegrityError(
                f"{self._path.name}: the journal database cannot be read ({message})"
            ) from None
        except sqlite3.DatabaseError as exc:
            raise JournalIntegrityError(
                f"{self._path.name}: not a readable SQLite journal ({exc}); the file is damaged or is not a "
                "database"
            ) from None
        finally:
            if conn is not None:
                conn.close()

    def _where(self, seq: Any) -> str:
        return f"{self._path.name} table {_TABLE} row seq={seq}"

    def _last_row(self, conn: sqlite3.Connection) -> JournalEntry | None:
        row = conn.execute(f"SELECT {_COLUMNS} FROM {_TABLE} ORDER BY seq DESC LIMIT 1").fetchone()
        return None if row is None else _row_entry(row, self._where(row[0]))

    def append(self, entry: JournalEntry) -> None:
        """Insert ``entry`` in one ``BEGIN IMMEDIATE`` transaction; refuse one not extending the table."""
        self.append_locked(lambda view: entry)

    def append_locked(self, build: Callable[[JournalView], JournalEntry]) -> JournalEntry:
        """In one ``BEGIN IMMEDIATE`` transaction: build the entry from the current rows, check, insert."""
        if self._read_only:
            raise JournalError(f"{self._path.name} was opened read-only; open it without read_only to append")
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                last = self._last_row(conn)
                entry = build(_SqliteView(self, conn, last))
                _check_extends(last, entry, self._path.name)
                conn.execute(
                    f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        entry.seq,
                        entry.kind,
                        _key_text(entry.key),
                        entry.payload_json,
                        entry.reason,
                        entry.recorded_at,
                        entry.prev_hash,
                        entry.hash,
                    ),
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return entry

    def _history(self, conn: sqlite3.Connection, key: JournalKey) -> list[JournalEntry]:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM {_TABLE} WHERE key = ? ORDER BY seq", (_key_text(key),)
        ).fetchall()
        return [_row_entry(row, self._where(row[0])) for row in rows]

    def history(self, key: JournalKey) -> Iterator[JournalEntry]:
        """Yield the rows whose key is ``key``, in ``seq`` order (through the key index)."""
        with self._connect() as conn:
            found = self._history(conn, key)
        yield from found

    def entries(self) -> Iterator[JournalEntry]:
        """Yield the rows in ``seq`` order, as stored; an unreadable row raises JournalIntegrityError."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM {_TABLE} ORDER BY seq").fetchall()
        for row in rows:
            yield _row_entry(row, self._where(row[0]))

    def last(self) -> JournalEntry | None:
        """Return the row with the highest ``seq``, or ``None``."""
        with self._connect() as conn:
            return self._last_row(conn)

    def __len__(self) -> int:
        with self._connect() as conn:
            (count,) = conn.execute(f"SELECT COUNT(*) FROM {_TABLE}").fetchone()
        return int(count)

    def __repr__(self) -> str:
        return f"SqliteStore({str(self._path)!r})"


class _SqliteView:
    __slots__ = ("_conn", "_last", "_store")

    def __init__(self, store: SqliteStore, conn: sqlite3.Connection, last: JournalEntry | None) -> None:
        self._store = store
        self._conn = conn
        self._last = last

    def last(self) -> JournalEntry | None:
        return self._last

    def history(self, key: JournalKey) -> Iterator[JournalEntry]:
        return iter(self._store._history(self._conn, key))


def open_store(
    path: str | os.PathLike[str],
    *,
    read_only: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> JsonLinesStore | SqliteStore:
    """Open the journal store at ``path``, choosing the kind by its suffix.

    ``.jsonl`` and ``.ndjson`` open a :class:`JsonLinesStore`; ``.sqlite``, ``.sqlite3`` and ``.db`` open a
    :class:`SqliteStore`.

    Parameters
    ----------
    path:
        The journal file.
    read_only:
        Open for verification: the file must exist and is never created or changed.
    timeout:
        Seconds an append waits for another writer's lock.

    Raises
    ------
    ConfigurationError
        For any other suffix, or a missing file with ``read_only``.
    """
    suffix = Path(path).suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return JsonLinesStore(path, read_only=read_only, timeout=timeout)
    if suffix in {".sqlite", ".sqlite3", ".db"}:
        return SqliteStore(path, read_only=read_only, timeout=timeout)
    raise ConfigurationError(
        f"cannot tell the journal store kind of {os.fspath(path)!r} from its suffix {suffix!r}; use .jsonl "
        "(JSON lines) or .sqlite (SQLite), or construct JsonLinesStore / SqliteStore directly"
    )
