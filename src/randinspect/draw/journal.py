"""The draw journal (全程留痕): an append-only, hash-chained log of commitments, draws, matchings and plans.

Every step a host system takes that decides who is inspected, by whom and when is appended to the journal as
one :class:`JournalEntry`. Each entry carries the SHA-256 hash of the entry before it, so editing, removing or
reordering any entry breaks the chain, and :meth:`Journal.verify` names the first broken link. The hash of the
last entry, :attr:`Journal.head`, is short enough to publish (on the platform, in a notice, in a newspaper):
anyone holding a published head can later prove that nothing up to that point was changed.

A second draw for the same key (item, year, round) is refused unless a reason is given; with a reason, both
draws stay in the journal, so no redraw can hide the first one. This answers the "全程留痕" (leave a trace of
the whole process) requirement of §四(八)1 of the Guiyang implementing opinions.

Entry hash (the specification; see the journal documentation page for a worked example)::

    body = {"seq": int, "kind": str, "key": [str, ...], "payload": {...},
            "reason": str | null, "recorded_at": str, "prev_hash": str}
    hash = lowercase hex SHA-256 of canonical JSON of body
    canonical JSON = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False), UTF-8

The first entry has ``seq`` 1 and ``prev_hash`` :data:`GENESIS_HASH` (64 zeros); entry ``n + 1`` has
``prev_hash`` equal to the ``hash`` of entry ``n``.

Concurrency: one writer at a time is assumed. :class:`SqliteStore` takes SQLite's write lock
(``BEGIN IMMEDIATE``) for each append and refuses an entry that does not extend the current last entry, so two
writers cannot interleave silently; :class:`JsonLinesStore` performs the same check, under an exclusive
``flock`` on POSIX systems.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import numbers
import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

import attrs

from randinspect import _json as json  # the strict reader: duplicate keys, NaN, deep nesting refused
from randinspect.draw._canonical import canonical_json
from randinspect.errors import (
    CommitmentMismatchError,
    ConfigurationError,
    DuplicateDrawError,
    DuplicateEntryError,
    InputError,
    JournalError,
    JournalIntegrityError,
    ReasonRequiredError,
)

try:  # POSIX only; on other systems the single-writer rule is documented instead of enforced.
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - Windows
    _fcntl = None  # type: ignore[assignment]

__all__ = [
    "GENESIS_HASH",
    "EntryKind",
    "Journal",
    "JournalCheck",
    "JournalEntry",
    "JournalKey",
    "JournalStore",
    "JsonLinesStore",
    "MemoryStore",
    "SqliteStore",
    "entry_hash",
    "open_store",
]

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first entry, and the :attr:`Journal.head` of an empty journal."""

JournalKey = tuple[str, ...]
"""What an entry is about, for example ``("SAMR-2027-001", "2027", "1")`` (item, year, round) for a draw."""

_HEX64 = re.compile(r"[0-9a-f]{64}")
_ENTRY_FIELDS = frozenset({"seq", "kind", "key", "payload", "reason", "recorded_at", "prev_hash", "hash"})


class EntryKind(enum.StrEnum):
    """What a journal entry records (条目类型).

    ``COMMITMENT`` (承诺, digests published before the seed exists), ``DRAW`` (抽取结果),
    ``MATCH`` (人员匹配), ``REPLACEMENT`` (人员替换, needs a reason), ``PLAN`` (检查计划),
    ``PLAN_ADJUSTMENT`` (计划调整, needs a reason).
    """

    COMMITMENT = "commitment"
    DRAW = "draw"
    MATCH = "match"
    REPLACEMENT = "replacement"
    PLAN = "plan"
    PLAN_ADJUSTMENT = "plan-adjustment"


# Kinds of which a key may hold only one entry unless a reason is given for each later one.
_ONCE_PER_KEY = frozenset({EntryKind.COMMITMENT, EntryKind.DRAW, EntryKind.MATCH, EntryKind.PLAN})
# Kinds that change something decided earlier: a reason is always required.
_REASON_ALWAYS = frozenset({EntryKind.REPLACEMENT, EntryKind.PLAN_ADJUSTMENT})


# ----------------------------------------------------------------------------------------------------
# Entries
# ----------------------------------------------------------------------------------------------------


def _plain(value: Any, path: str) -> Any:
    """Return a detached copy of ``value`` with mappings as dicts, sequences as lists and integers as int."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise InputError(
                    f"journal payload key {k!r} at {path} is a {type(k).__name__}; JSON object keys must be "
                    "strings"
                )
            out[k] = _plain(v, f"{path}.{k}")
        return out
    if isinstance(value, list | tuple):
        return [_plain(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):  # numpy integers become int
        return int(value)
    return value


def _encode(value: Any, what: str) -> bytes:
    try:
        return canonical_json(value)
    except InputError as exc:
        raise InputError(f"{what}: {exc}") from None
    except UnicodeEncodeError as exc:
        raise InputError(f"{what}: text that is not valid Unicode ({exc.reason}); fix the string") from None


def _normalise_key(key: Iterable[str | int]) -> JournalKey:
    if isinstance(key, str | bytes):
        raise InputError(
            f"journal key {key!r} must be a tuple such as (item, year, round), not a single string"
        )
    parts: list[str] = []
    for i, part in enumerate(key):
        if isinstance(part, bool) or not isinstance(part, str | numbers.Integral):
            raise InputError(
                f"journal key part {i} is a {type(part).__name__}; use strings or integers, e.g. "
                "(item_id, year, round)"
            )
        text = unicodedata.normalize("NFC", str(int(part)) if not isinstance(part, str) else part).strip()
        if not text:
            raise InputError(f"journal key part {i} is empty; every part of a key must be non-empty")
        parts.append(text)
    if not parts:
        raise InputError("journal key is empty; give what the entry is about, e.g. (item_id, year, round)")
    return tuple(parts)


def _normalise_reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    if not isinstance(reason, str):
        raise InputError(f"reason must be a string, got {type(reason).__name__}")
    text = unicodedata.normalize("NFC", reason).strip()
    if not text:
        raise ReasonRequiredError(
            "reason is empty; state why this entry is made (e.g. the approval document)"
        )
    return text


def _timestamp(value: datetime | str) -> str:
    """Return ``value`` as ISO 8601 UTC with microseconds and a ``Z`` suffix."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InputError(
                f"recorded_at {value!r} is not an ISO 8601 date-time; write e.g. '2027-03-01T09:00:00Z'"
            ) from None
    elif isinstance(value, datetime):
        parsed = value
    else:
        raise InputError(f"recorded_at must be a datetime or an ISO 8601 string, got {type(value).__name__}")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise InputError(
            f"recorded_at {value!s} has no time zone; give an aware datetime or a string ending in "
            "'Z' or '+08:00'"
        )
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(body: Mapping[str, Any]) -> str:
    """Return the hash of an entry body: lowercase hex SHA-256 of its canonical JSON.

    Parameters
    ----------
    body:
        The entry's fields except ``hash``: ``seq``, ``kind``, ``key``, ``payload``, ``reason``,
        ``recorded_at`` and ``prev_hash``.

    Returns
    -------
    str
        64 lowercase hexadecimal digits.

    Raises
    ------
    InputError
        If ``body`` holds something canonical JSON cannot encode (a float, a non-string key ...).
    """
    return hashlib.sha256(_encode(dict(body), "journal entry")).hexdigest()


@attrs.frozen(kw_only=True)
class JournalEntry:
    """One entry of the draw journal (留痕记录).

    Entries are made by :class:`Journal` (never by hand) and read back from a :class:`JournalStore`. They are
    immutable; :attr:`payload` returns a fresh copy each time.

    Attributes
    ----------
    seq:
        Position in the journal, 1 for the first entry, with no gaps.
    kind:
        What is recorded, an :class:`EntryKind` value (stored as its string).
    key:
        What the entry is about, e.g. ``("SAMR-2027-001", "2027", "1")`` (item, year, round).
    payload_json:
        The payload as canonical JSON text (see :attr:`payload`).
    reason:
        Why the entry was made, required for redraws, replacements and plan adjustments; ``None`` otherwise.
    recorded_at:
        When it was recorded, ISO 8601 in UTC (``2027-03-01T01:00:00.000000Z``).
    prev_hash:
        The ``hash`` of the entry before, or :data:`GENESIS_HASH` for the first entry.
    hash:
        SHA-256 of the canonical JSON of every other field (see :func:`entry_hash`).
    """

    seq: int
    kind: str
    key: JournalKey
    payload_json: str = attrs.field(repr=False)
    reason: str | None
    recorded_at: str
    prev_hash: str
    hash: str

    @property
    def payload(self) -> dict[str, Any]:
        """The recorded payload (a new dict on every access)."""
        value: dict[str, Any] = json.loads(self.payload_json)
        return value

    def body(self) -> dict[str, Any]:
        """Return every field but ``hash``, JSON-ready: the value that is hashed."""
        return {
            "seq": self.seq,
            "kind": self.kind,
            "key": list(self.key),
            "payload": self.payload,
            "reason": self.reason,
            "recorded_at": self.recorded_at,
            "prev_hash": self.prev_hash,
        }

    def computed_hash(self) -> str:
        """Recompute the hash from the entry's content (equal to :attr:`hash` unless the entry was edited)."""
        return entry_hash(self.body())

    def to_json_dict(self) -> dict[str, Any]:
        """Return the entry as a JSON-ready dict, as written to a JSON-lines journal file."""
        out = self.body()
        out["hash"] = self.hash
        return out

    @classmethod
    def from_json_dict(cls, data: Any, *, where: str = "journal entry") -> JournalEntry:
        """Read an entry from its JSON form, checking its shape but not its hash.

        Parameters
        ----------
        data:
            A dict as produced by :meth:`to_json_dict`.
        where:
            Where the entry was read (file and line, table and row), used in error messages.

        Raises
        ------
        JournalIntegrityError
            If a field is missing, unexpected or of the wrong type.
        """
        if not isinstance(data, dict):
            raise JournalIntegrityError(
                f"{where}: an entry must be a JSON object, found {type(data).__name__}"
            )
        fields = set(data)
        if fields != _ENTRY_FIELDS:
            missing = sorted(_ENTRY_FIELDS - fields)
            extra = sorted(fields - _ENTRY_FIELDS)
            raise JournalIntegrityError(
                f"{where}: entry fields do not match the journal format (missing {missing}, "
                f"unexpected {extra})"
            )
        seq, kind, key, payload = data["seq"], data["kind"], data["key"], data["payload"]
        reason, recorded_at = data["reason"], data["recorded_at"]
        prev_hash, hash_ = data["prev_hash"], data["hash"]
        problems: list[str] = []
        if isinstance(seq, bool) or not isinstance(seq, int):
            problems.append(f"seq {seq!r} is not an integer")
        if not isinstance(kind, str) or not kind:
            problems.append(f"kind {kind!r} is not a non-empty string")
        if not isinstance(key, list) or not all(isinstance(p, str) for p in key):
            problems.append(f"key {key!r} is not a list of strings")
        if not isinstance(payload, dict):
            problems.append("payload is not a JSON object")
        if reason is not None and not isinstance(reason, str):
            problems.append(f"reason {reason!r} is neither a string nor null")
        if not isinstance(recorded_at, str):
            problems.append(f"recorded_at {recorded_at!r} is not a string")
        for name, value in (("prev_hash", prev_hash), ("hash", hash_)):
            if not isinstance(value, str) or not _HEX64.fullmatch(value):
                problems.append(f"{name} {value!r} is not 64 lowercase hexadecimal digits")
        if problems:
            label = f"seq {seq}" if isinstance(seq, int) else "entry"
            raise JournalIntegrityError(f"{where} ({label}): " + "; ".join(problems))
        try:
            payload_json = canonical_json(payload).decode("utf-8")
        except (InputError, UnicodeEncodeError) as exc:
            raise JournalIntegrityError(
                f"{where} (seq {seq}): payload cannot be canonically encoded: {exc}"
            ) from None
        return cls(
            seq=seq,
            kind=kind,
            key=tuple(key),
            payload_json=payload_json,
            reason=reason,
            recorded_at=recorded_at,
            prev_hash=prev_hash,
            hash=hash_,
        )


# ----------------------------------------------------------------------------------------------------
# Stores
# ----------------------------------------------------------------------------------------------------


@runtime_checkable
class JournalStore(Protocol):
    """**Protocol:** where a :class:`Journal` keeps its entries.

    An implementation must:

    - ``append(entry)``: store ``entry`` durably after the current last entry, all or nothing; it should
      refuse (raise :class:`~randinspect.errors.JournalError`) an entry whose ``seq`` is not one more than
      the last stored ``seq`` or whose ``prev_hash`` is not the last stored ``hash``, so two writers cannot
      interleave silently. It must not change the entry.
    - ``entries()``: yield the stored entries in storage order, exactly as stored (an edited entry is yielded
      as edited, so that :meth:`Journal.verify` can see it); raise
      :class:`~randinspect.errors.JournalIntegrityError` for data that cannot be read as an entry.
    - ``last()``: return the last stored entry, or ``None`` when empty.
    - ``__len__()``: the number of stored entries.

    Nothing else is required: no update, no delete.

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


def _check_extends(last: JournalEntry | None, entry: JournalEntry, where: str) -> None:
    expected_seq = 1 if last is None else last.seq + 1
    expected_prev = GENESIS_HASH if last is None else last.hash
    if entry.seq != expected_seq or entry.prev_hash != expected_prev:
        raise JournalError(
            f"{where}: refused entry seq {entry.seq}: it does not extend the last stored entry (expected seq "
            f"{expected_seq} with prev_hash {expected_prev[:12]}…); another writer may have appended "
            "meanwhile. Reload the journal and append again"
        )


class MemoryStore:
    """A journal store in memory, for tests and short-lived sessions.

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


def _last_line(handle: IO[bytes]) -> bytes | None:
    """Return the last non-empty line of a binary file (without its newline), reading from the end."""
    handle.seek(0, os.SEEK_END)
    end = handle.tell()
    if end == 0:
        return None
    block = 4096
    data = b""
    pos = end
    while pos > 0:
        step = min(block, pos)
        pos -= step
        handle.seek(pos)
        data = handle.read(step) + data
        stripped = data.rstrip(b"\n")
        if b"\n" in stripped:
            return stripped.rsplit(b"\n", 1)[1]
    stripped = data.rstrip(b"\n")
    return stripped or None


class JsonLinesStore:
    """A journal kept in a UTF-8 text file, one canonical JSON entry per line (JSON Lines).

    The file can be read with any text editor, published as is, and checked with a few lines of any language
    (see the journal documentation page). Each append writes one line, flushes and ``fsync``-s it.

    Parameters
    ----------
    path:
        The journal file; it is created (empty) if it does not exist, its directory must exist.
    """

    __slots__ = ("_path",)

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)
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
            data = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise JournalIntegrityError(f"{where}: not a JSON entry ({exc}); the line was damaged") from None
        return JournalEntry.from_json_dict(data, where=where)

    def append(self, entry: JournalEntry) -> None:
        """Append ``entry`` as one line, then flush and ``fsync`` the file."""
        line = _encode(entry.to_json_dict(), "journal entry") + b"\n"
        with open(self._path, "r+b") as handle:
            if _fcntl is not None:
                _fcntl.flock(handle.fileno(), _fcntl.LOCK_EX)
            try:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                if size:
                    handle.seek(size - 1)
                    if handle.read(1) != b"\n":
                        raise JournalIntegrityError(
                            f"{self._path.name}: the last line is incomplete (a write was interrupted); "
                            "repair or verify the file before appending"
                        )
                last_line = _last_line(handle)
                last = None if last_line is None else self._parse(last_line, f"{self._path.name} last line")
                _check_extends(last, entry, self._path.name)
                handle.seek(0, os.SEEK_END)
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                if _fcntl is not None:
                    _fcntl.flock(handle.fileno(), _fcntl.LOCK_UN)

    def entries(self) -> Iterator[JournalEntry]:
        """Yield the entries line by line, as stored; a damaged line raises :class:`JournalIntegrityError`."""
        with open(self._path, "rb") as handle:
            for lineno, raw in enumerate(handle, start=1):
                line = raw.rstrip(b"\n")
                if not line.strip():
                    raise JournalIntegrityError(
                        f"{self._path.name} line {lineno}: empty line; journal files hold one entry per line"
                    )
                yield self._parse(line, f"{self._path.name} line {lineno}")

    def last(self) -> JournalEntry | None:
        """Return the entry on the last line, or ``None`` for an empty file."""
        with open(self._path, "rb") as handle:
            line = _last_line(handle)
        if line is None:
            return None
        return self._parse(line, f"{self._path.name} last line")

    def __len__(self) -> int:
        with open(self._path, "rb") as handle:
            return sum(1 for _ in handle)

    def __repr__(self) -> str:
        return f"JsonLinesStore({str(self._path)!r})"


_TABLE = "randinspect_journal"
_COLUMNS = "seq, kind, key, payload, reason, recorded_at, prev_hash, hash"


class SqliteStore:
    """A journal kept in one table of an SQLite database (standard library ``sqlite3``).

    The table ``randinspect_journal`` has the columns ``seq`` (integer primary key), ``kind``, ``key`` and
    ``payload`` (canonical JSON text), ``reason``, ``recorded_at``, ``prev_hash`` and ``hash``; it can live in
    the host system's own database. Each append runs in one transaction started with ``BEGIN IMMEDIATE``
    (SQLite's write lock) and refuses an entry that does not extend the current last row; a connection is
    opened per operation, so the store holds no open handle.

    Parameters
    ----------
    path:
        The database file; it and the table are created if absent.
    timeout:
        Seconds to wait for another writer's lock before failing.
    """

    __slots__ = ("_path", "_timeout")

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 10.0) -> None:
        self._path = Path(path)
        self._timeout = timeout
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
        conn = sqlite3.connect(self._path, timeout=self._timeout, isolation_level=None)
        try:
            yield conn
        finally:
            conn.close()

    def _row(self, row: tuple[Any, ...]) -> JournalEntry:
        seq = row[0]
        where = f"{self._path.name} table {_TABLE} row seq={seq}"
        data: dict[str, Any] = dict(zip(_COLUMNS.split(", "), row, strict=True))
        for column in ("key", "payload"):
            text = data[column]
            if not isinstance(text, str):
                raise JournalIntegrityError(f"{where}: column {column!r} is not JSON text")
            try:
                data[column] = json.loads(text)
            except ValueError as exc:
                raise JournalIntegrityError(f"{where}: column {column!r} is not valid JSON ({exc})") from None
        return JournalEntry.from_json_dict(data, where=where)

    def append(self, entry: JournalEntry) -> None:
        """Insert ``entry`` in one ``BEGIN IMMEDIATE`` transaction; refuse one not extending the table."""
        key = _encode(list(entry.key), "journal key").decode("utf-8")
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(f"SELECT {_COLUMNS} FROM {_TABLE} ORDER BY seq DESC LIMIT 1").fetchone()
                _check_extends(None if row is None else self._row(row), entry, self._path.name)
                conn.execute(
                    f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        entry.seq,
                        entry.kind,
                        key,
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

    def entries(self) -> Iterator[JournalEntry]:
        """Yield the rows in ``seq`` order, as stored; an unreadable row raises JournalIntegrityError."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM {_TABLE} ORDER BY seq").fetchall()
        for row in rows:
            yield self._row(row)

    def last(self) -> JournalEntry | None:
        """Return the row with the highest ``seq``, or ``None``."""
        with self._connect() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM {_TABLE} ORDER BY seq DESC LIMIT 1").fetchone()
        return None if row is None else self._row(row)

    def __len__(self) -> int:
        with self._connect() as conn:
            (count,) = conn.execute(f"SELECT COUNT(*) FROM {_TABLE}").fetchone()
        return int(count)

    def __repr__(self) -> str:
        return f"SqliteStore({str(self._path)!r})"


def open_store(path: str | os.PathLike[str]) -> JsonLinesStore | SqliteStore:
    """Open the journal store at ``path``, choosing the kind by its suffix.

    ``.jsonl`` and ``.ndjson`` open a :class:`JsonLinesStore`; ``.sqlite``, ``.sqlite3`` and ``.db`` open a
    :class:`SqliteStore`.

    Raises
    ------
    ConfigurationError
        For any other suffix.
    """
    suffix = Path(path).suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return JsonLinesStore(path)
    if suffix in {".sqlite", ".sqlite3", ".db"}:
        return SqliteStore(path)
    raise ConfigurationError(
        f"cannot tell the journal store kind of {os.fspath(path)!r} from its suffix {suffix!r}; use .jsonl "
        "(JSON lines) or .sqlite (SQLite), or construct JsonLinesStore / SqliteStore directly"
    )


# ----------------------------------------------------------------------------------------------------
# Journal
# ----------------------------------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _payload_of(obj: Any, what: str) -> dict[str, Any]:
    if isinstance(obj, Mapping):
        raw: Any = obj
    elif callable(getattr(obj, "to_json_dict", None)):
        raw = obj.to_json_dict()
        if not isinstance(raw, Mapping):
            raise InputError(f"{what}: to_json_dict() returned a {type(raw).__name__}, not a dict")
    else:
        raise InputError(
            f"{what}: a {type(obj).__name__} cannot be journalled; pass a JSON-ready dict or an object with "
            "to_json_dict()"
        )
    plain: dict[str, Any] = _plain(raw, "payload")
    return plain


def _derive_key(kind: EntryKind, obj: Any) -> JournalKey:
    """The key a record names itself: ``journal_key``, or (item, year, round) of a draw or commitment."""
    own = getattr(obj, "journal_key", None)
    if own is not None and not callable(own):
        return _normalise_key(own)
    item_id = getattr(obj, "item_id", None)
    if item_id is None:
        item = getattr(obj, "item", None)
        item_id = item.get("id") if isinstance(item, Mapping) else None
    year, round_ = getattr(obj, "year", None), getattr(obj, "round", None)
    if item_id is not None and year is not None and round_ is not None:
        return _normalise_key((item_id, year, round_))
    raise InputError(
        f"cannot tell the key of this {kind.value} entry from a {type(obj).__name__}; pass key=..., e.g. "
        "(item_id, year, round)"
    )


def _check_commitment(entries: Iterable[JournalEntry], key: JournalKey, draw: Mapping[str, Any]) -> None:
    """Refuse a draw whose commitment digest differs from the last commitment journalled for its key."""
    commitment = draw.get("commitment")
    claimed = commitment.get("digest") if isinstance(commitment, Mapping) else None
    if not isinstance(claimed, str):
        return
    latest: JournalEntry | None = None
    for entry in entries:
        if entry.key == key and entry.kind == EntryKind.COMMITMENT.value:
            latest = entry
    if latest is None:
        return
    journalled = latest.payload.get("digest")
    if isinstance(journalled, str) and journalled != claimed:
        raise CommitmentMismatchError(
            f"the draw for key {key} was made under commitment {claimed[:12]}…, but the commitment "
            f"journalled for this key (seq {latest.seq}) is {journalled[:12]}…; journal the new commitment "
            "(with a reason) before its draw, or draw under the journalled one"
        )


@attrs.frozen(kw_only=True)
class JournalCheck:
    """The result of a successful :meth:`Journal.verify`.

    Attributes
    ----------
    length:
        Number of entries checked.
    head:
        Hash of the last entry (:data:`GENESIS_HASH` when empty): the value to publish.
    """

    length: int
    head: str


@attrs.frozen
class Journal:
    """The draw journal (全程留痕): an append-only, hash-chained log over a :class:`JournalStore`.

    Parameters
    ----------
    store:
        Where entries are kept: :class:`MemoryStore`, :class:`JsonLinesStore`, :class:`SqliteStore` or any
        object following the :class:`JournalStore` Protocol.
    clock:
        Returns the current time as an aware ``datetime``; used for ``recorded_at`` when a call does not give
        one. Defaults to the system clock in UTC; tests pass a fixed clock.

    Notes
    -----
    Rules enforced before anything is written (a refused append leaves the store untouched):

    - every entry has a non-empty key; parts are strings (integers are written in decimal, text is NFC
      normalised and stripped), so ``("I1", 2027, 1)`` and ``("I1", "2027", "1")`` are the same key;
    - a second ``commitment`` or ``draw`` for a key raises :class:`~randinspect.errors.DuplicateDrawError`,
      a second ``match`` or ``plan`` raises :class:`~randinspect.errors.DuplicateEntryError`, unless a reason
      is given; with a reason it is appended and the earlier entry stays;
    - ``replacement`` and ``plan-adjustment`` entries always need a reason
      (:class:`~randinspect.errors.ReasonRequiredError`);
    - a draw whose ``commitment.digest`` differs from the last commitment journalled for its key raises
      :class:`~randinspect.errors.CommitmentMismatchError`;
    - the payload must be JSON-ready without floats (see :func:`randinspect.draw.canonical_json`).

    The duplicate check reads the whole journal (linear in its length), which suits journals of thousands of
    entries per year.
    """

    store: JournalStore = attrs.field()
    clock: Callable[[], datetime] = attrs.field(default=_utc_now, repr=False)

    @store.validator
    def _check_store(self, attribute: attrs.Attribute[JournalStore], value: Any) -> None:
        if not isinstance(value, JournalStore):
            raise ConfigurationError(
                f"a {type(value).__name__} is not a journal store: it needs append(entry), entries(), last() "
                "and __len__(); use MemoryStore, JsonLinesStore, SqliteStore or open_store(path)"
            )

    # -- reading ---------------------------------------------------------------------------------------------

    @property
    def head(self) -> str:
        """Hash of the last entry (:data:`GENESIS_HASH` when empty): publish it to fix the journal so far."""
        last = self.store.last()
        return GENESIS_HASH if last is None else last.hash

    def __len__(self) -> int:
        return len(self.store)

    def entries(self) -> Iterator[JournalEntry]:
        """Yield every entry in order (unverified; call :meth:`verify` to check the chain)."""
        return self.store.entries()

    def last(self) -> JournalEntry | None:
        """Return the last entry, or ``None`` when empty."""
        return self.store.last()

    def history(self, key: Iterable[str | int]) -> tuple[JournalEntry, ...]:
        """Return every entry for ``key``, of every kind, in journal order (redraws included)."""
        wanted = _normalise_key(key)
        return tuple(e for e in self.store.entries() if e.key == wanted)

    # -- writing ---------------------------------------------------------------------------------------------

    def append(
        self,
        kind: EntryKind | str,
        payload: Any,
        *,
        key: Iterable[str | int] | None = None,
        reason: str | None = None,
        recorded_at: datetime | str | None = None,
    ) -> JournalEntry:
        """Validate and append one entry; return it.

        Parameters
        ----------
        kind:
            An :class:`EntryKind` or its string value.
        payload:
            A JSON-ready dict, or an object with ``to_json_dict()`` (records of the draw, matching and
            planning steps). Integers, strings, booleans, ``None``, lists and dicts only; no floats.
        key:
            What the entry is about, e.g. ``(item_id, year, round)``. When omitted it is taken from the
            record: its ``journal_key`` (matching records), else its item id, year and round (a
            ``DrawRecord`` or ``Commitment``).
        reason:
            Why the entry is made; required for a second entry of a once-per-key kind and for replacements
            and plan adjustments (for those, a ``reason`` field of the record is used when none is given).
        recorded_at:
            When, as an aware ``datetime`` or ISO 8601 string; defaults to ``clock()``.

        Returns
        -------
        JournalEntry
            The stored entry, with its ``seq`` and ``hash``.

        Raises
        ------
        InputError
            Unknown kind, empty or malformed key, payload that is not JSON-ready, time without a zone.
        DuplicateDrawError, DuplicateEntryError
            A second entry of a once-per-key kind for the key without a reason.
        ReasonRequiredError
            A replacement or plan adjustment without a reason, or an empty reason.
        CommitmentMismatchError
            A draw whose ``commitment.digest`` differs from the ``digest`` of the last commitment journalled
            for its key.
        JournalError
            The store refused the entry (another writer appended meanwhile).
        """
        try:
            kind = EntryKind(kind)
        except ValueError:
            known = ", ".join(k.value for k in EntryKind)
            raise InputError(f"unknown journal entry kind {kind!r}; use one of: {known}") from None
        norm_key = _normalise_key(_derive_key(kind, payload) if key is None else key)
        plain = _payload_of(payload, f"{kind.value} entry for key {norm_key}")
        if reason is None and kind in _REASON_ALWAYS and isinstance(plain.get("reason"), str):
            reason = plain["reason"]
        norm_reason = _normalise_reason(reason)
        payload_json = _encode(plain, f"{kind.value} entry payload for key {norm_key}").decode("utf-8")
        stamp = _timestamp(self.clock() if recorded_at is None else recorded_at)

        if kind in _REASON_ALWAYS and norm_reason is None:
            raise ReasonRequiredError(
                f"a {kind.value} entry for key {norm_key} needs a reason (who approved it and why)"
            )
        if kind in _ONCE_PER_KEY and norm_reason is None:
            earlier = [e for e in self.store.entries() if e.key == norm_key and e.kind == kind.value]
            if earlier:
                error = (
                    DuplicateDrawError
                    if kind in {EntryKind.DRAW, EntryKind.COMMITMENT}
                    else DuplicateEntryError
                )
                raise error(
                    f"key {norm_key} already has a {kind.value} entry (seq {earlier[0].seq}, recorded "
                    f"{earlier[0].recorded_at}); a second one is refused without a reason. Pass "
                    "reason=... to record it: both entries then stay in the journal"
                )
        if kind is EntryKind.DRAW:
            _check_commitment(self.store.entries(), norm_key, plain)

        last = self.store.last()
        body: dict[str, Any] = {
            "seq": 1 if last is None else last.seq + 1,
            "kind": kind.value,
            "key": list(norm_key),
            "payload": plain,
            "reason": norm_reason,
            "recorded_at": stamp,
            "prev_hash": GENESIS_HASH if last is None else last.hash,
        }
        entry = JournalEntry(
            seq=body["seq"],
            kind=kind.value,
            key=norm_key,
            payload_json=payload_json,
            reason=norm_reason,
            recorded_at=stamp,
            prev_hash=body["prev_hash"],
            hash=entry_hash(body),
        )
        self.store.append(entry)
        return entry

    def append_commitment(
        self,
        commitment: Any,
        *,
        key: Iterable[str | int] | None = None,
        reason: str | None = None,
        recorded_at: datetime | str | None = None,
    ) -> JournalEntry:
        """Record a commitment (digests of frame, π table and policy) published before the seed exists.

        A second commitment for the same key is refused without a reason: changing the inputs after the seed
        is known would let someone choose the result.
        """
        return self.append(EntryKind.COMMITMENT, commitment, key=key, reason=reason, recorded_at=recorded_at)

    def append_draw(
        self,
        record: Any,
        *,
        key: Iterable[str | int] | None = None,
        reason: str | None = None,
        recorded_at: datetime | str | None = None,
    ) -> JournalEntry:
        """Record a draw (a ``DrawRecord`` or its JSON dict) under ``key = (item, year, round)``.

        If a commitment was journalled for the key, the draw's ``commitment.digest`` must equal the last one's
        ``digest``: a draw cannot silently use other inputs than those committed to before the seed.

        Raises
        ------
        CommitmentMismatchError
            The draw was made under another commitment than the one journalled.
        DuplicateDrawError
            The key already has a draw and no reason is given. With a reason the redraw is appended and the
            first draw stays visible in :meth:`history`.
        """
        return self.append(EntryKind.DRAW, record, key=key, reason=reason, recorded_at=recorded_at)

    def append_match(
        self,
        record: Any,
        *,
        key: Iterable[str | int] | None = None,
        reason: str | None = None,
        recorded_at: datetime | str | None = None,
    ) -> JournalEntry:
        """Record an inspector matching; a second one for the key needs a reason."""
        return self.append(EntryKind.MATCH, record, key=key, reason=reason, recorded_at=recorded_at)

    def append_replacement(
        self,
        record: Any,
        *,
        key: Iterable[str | int] | None = None,
        reason: str | None = None,
        recorded_at: datetime | str | None = None,
    ) -> JournalEntry:
        """Record the replacement of an inspector who cannot attend; a reason (approval) is required.

        Without ``reason=`` the record's own ``reason`` field is used (matching's ``ReplacementRecord``).
        """
        return self.append(EntryKind.REPLACEMENT, record, key=key, reason=reason, recorded_at=recorded_at)

    def append_plan(
        self,
        plan: Any,
        *,
        key: Iterable[str | int] | None = None,
        reason: str | None = None,
        recorded_at: datetime | str | None = None,
    ) -> JournalEntry:
        """Record a plan (department or joint plan); a second one for the key needs a reason."""
        return self.append(EntryKind.PLAN, plan, key=key, reason=reason, recorded_at=recorded_at)

    def append_plan_adjustment(
        self,
        adjustment: Any,
        *,
        key: Iterable[str | int] | None = None,
        reason: str | None = None,
        recorded_at: datetime | str | None = None,
    ) -> JournalEntry:
        """Record a change to a published plan (计划调整, §四(六)2); a reason is always required."""
        return self.append(
            EntryKind.PLAN_ADJUSTMENT, adjustment, key=key, reason=reason, recorded_at=recorded_at
        )

    # -- checking --------------------------------------------------------------------------------------------

    def verify(self, *, expected_head: str | None = None) -> JournalCheck:
        """Walk the chain and check every link; raise at the first broken one.

        For the entry at position ``i`` (1-based) the check is, in this order: its ``seq`` is ``i`` (a
        larger ``seq`` means entries were removed, a smaller one that entries were reordered or repeated);
        its ``hash`` equals the recomputed hash (otherwise its content was edited); its ``prev_hash`` equals
        the ``hash`` of the entry before (otherwise an entry before it was removed, replaced or moved).

        Parameters
        ----------
        expected_head:
            A head published earlier. It must be the hash of some entry of the chain (entries appended after
            publication are fine); this detects a journal rewritten wholesale or truncated, which the chain
            alone cannot. :data:`GENESIS_HASH` matches any journal.

        Returns
        -------
        JournalCheck
            Length and current head.

        Raises
        ------
        JournalIntegrityError
            Naming the first bad ``seq`` (or position) and what is wrong.
        InputError
            If ``expected_head`` is not 64 hexadecimal digits.
        """
        wanted: str | None = None
        if expected_head is not None:
            if not isinstance(expected_head, str):
                raise InputError(
                    f"expected_head must be the published head as text (64 hexadecimal digits), not "
                    f"{type(expected_head).__name__}"
                )
            wanted = expected_head.strip().lower()
            if not _HEX64.fullmatch(wanted):
                raise InputError(f"expected_head {expected_head!r} is not 64 hexadecimal digits (a SHA-256)")
        found = wanted == GENESIS_HASH
        prev = GENESIS_HASH
        position = 0
        for position, entry in enumerate(self.store.entries(), start=1):
            if entry.seq != position:
                raise JournalIntegrityError(self._seq_problem(position, entry.seq))
            try:
                recomputed = entry.computed_hash()
            except InputError as exc:
                raise JournalIntegrityError(f"seq {entry.seq}: entry cannot be hashed ({exc})") from None
            if recomputed != entry.hash:
                raise JournalIntegrityError(
                    f"hash mismatch at seq {entry.seq}: the entry was edited (stored hash "
                    f"{entry.hash[:12]}…, content hashes to {recomputed[:12]}…)"
                )
            if entry.prev_hash != prev:
                raise JournalIntegrityError(
                    f"prev_hash mismatch at seq {entry.seq}: it does not link to the entry before "
                    f"(expected {prev[:12]}…, found {entry.prev_hash[:12]}…); an entry before it was "
                    "removed, replaced or reordered"
                )
            prev = entry.hash
            if entry.hash == wanted:
                found = True
        if wanted is not None and not found:
            raise JournalIntegrityError(
                f"published head {wanted[:12]}… is not in the journal (length {position}, head "
                f"{prev[:12]}…); the journal was truncated or rewritten after that head was published"
            )
        return JournalCheck(length=position, head=prev)

    def _seq_problem(self, position: int, seq: int) -> str:
        """Describe a wrong ``seq`` at ``position``; re-read the journal to tell removal from reordering."""
        later = [e.seq for i, e in enumerate(self.store.entries(), start=1) if i > position]
        if position in later:
            where = position + 1 + later.index(position)
            return (
                f"seq out of order at position {position}: expected seq {position}, found seq {seq}; seq "
                f"{position} is stored later, at position {where}: entries were reordered"
            )
        if seq < position:
            return (
                f"seq out of order at position {position}: found seq {seq} again after seq {position - 1}; "
                "entries were reordered or repeated"
            )
        return (
            f"seq gap at position {position}: expected seq {position}, found seq {seq}; entries "
            f"{position}..{seq - 1} were removed"
        )
