"""Record stores (记录存储): the record documents of a year kept by kind and id, immutable once stored.

The ledger (:class:`~randinspect.ledger.Journal`) proves *that* and *when* a step happened; a record store
keeps the documents themselves so that a host can find them again by what they are: the draw record of an
item and round, a match record, the published results, the assessment. Every implementation follows
:class:`randinspect.typing.RecordStore`:

- a record is addressed by ``(kind, id)`` and stored as its **canonical JSON text** (the encoding every
  digest of randinspect is taken over: keys sorted, no spaces, UTF-8, no floats), with its SHA-256
  ``digest``, the ``year`` it belongs to, the ``schema_version`` it was checked against and the time it
  was stored;
- it is **append-only and immutable**: storing the same bytes again returns the stored record (a retried
  request is harmless), other bytes under the same ``(kind, id)`` raise
  :class:`~randinspect.errors.RecordConflictError` and change nothing;
- it is **validated by the strict reader** (:mod:`randinspect._json`) when stored and again when read: a
  draw, commitment or match record against its shipped JSON Schema, every other kind as strict JSON; a
  stored record that no longer reads back as written raises
  :class:`~randinspect.errors.RecordIntegrityError`.

Two implementations: :class:`FileRecordStore` here (a folder of files, one per record, standard library
only) and :class:`randinspect.ledger.sql.SqlAlchemyRecordStore` (PostgreSQL or SQLite through SQLAlchemy,
in the ledger's database, where a record and its journal entry can be written in one transaction).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import attrs

from randinspect import _json as strict_json
from randinspect.errors import (
    ConfigurationError,
    InputError,
    LoadError,
    RecordConflictError,
    RecordError,
    RecordIntegrityError,
    RecordNotFoundError,
    RecordStoreError,
)
from randinspect.ledger._entry import _encode, _plain, _timestamp

__all__ = [
    "RECORD_KINDS",
    "RECORD_SCHEMA_VERSION",
    "FileRecordStore",
    "StoredRecord",
    "encode_record",
]

RECORD_SCHEMA_VERSION: Final = 1
"""The version of the stored-record format (canonical text, digest, schema check) this release writes and
reads; a record stored by a later version is refused on reading, never misread."""

RECORD_KINDS: Final[Mapping[str, str | None]] = {
    "draw": "draw-record",
    "commitment": "draw-commitment",
    "match": "match-record",
    "opening": None,
    "ceremony": None,
    "summary": None,
    "department-plans": None,
    "joint-plan": None,
    "result-book": None,
    "publication": None,
    "assessment": None,
}
"""The record kinds of a year's records (what ``randinspect publish`` reads), each with the name of the
shipped JSON Schema it is checked against (``None``: strict JSON only). Other kinds (a host's own,
named like ``inspection-form``) are stored as strict JSON."""

_KIND: Final = re.compile(r"[a-z][a-z0-9-]{0,63}")
_MAX_ID: Final = 256
_FORMAT: Final = "randinspect-stored-record"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _check_kind(kind: Any) -> str:
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise InputError(
            f"record kind {kind!r} is not a kind name: lowercase letters, digits and '-', starting with a "
            f"letter, at most 64 characters (e.g. {', '.join(list(RECORD_KINDS)[:3])})"
        )
    return kind


def _check_id(record_id: Any) -> str:
    if not isinstance(record_id, str) or not record_id:
        raise InputError(f"record id {record_id!r} must be a non-empty string")
    problem = None
    if len(record_id) > _MAX_ID:
        problem = f"is longer than {_MAX_ID} characters"
    elif record_id != record_id.strip():
        problem = "has leading or trailing white space"
    elif any(unicodedata.category(c) in ("Cc", "Cs") for c in record_id):
        problem = "holds a control character or a lone surrogate"
    elif unicodedata.normalize("NFC", record_id) != record_id:
        problem = "is not in Unicode NFC form (normalise it with unicodedata.normalize('NFC', id))"
    if problem:
        raise InputError(f"record id {record_id[:80]!r} {problem}")
    return record_id


def _check_year(year: Any) -> int | None:
    if year is None:
        return None
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        raise InputError(f"record year must be an integer from 1900 to 9999 or None, not {year!r}")
    return int(year)


def _document_value(document: Any, what: str) -> Any:
    """A JSON-ready copy of a document: a mapping or list, or an object with ``to_json_dict()``."""
    if callable(getattr(document, "to_json_dict", None)):
        document = document.to_json_dict()
    if not isinstance(document, Mapping | list | tuple):
        raise InputError(
            f"{what}: a {type(document).__name__} is not a record document; pass a JSON object (dict), a "
            "list, or a record with to_json_dict()"
        )
    return _plain(document, "document")


def _schema_of(kind: str) -> str | None:
    return RECORD_KINDS.get(kind)


def _check_schema(value: Any, kind: str, source: str) -> None:
    schema = _schema_of(kind)
    if schema is not None:
        strict_json.read_record(value, schema, source=source)


def encode_record(kind: str, record_id: str, document: Any) -> tuple[str, str]:
    """Validate a document for ``(kind, id)`` and return its canonical JSON text and SHA-256 digest.

    The text is read back with the strict reader and, for kinds with a shipped schema, checked against it,
    so what is stored is exactly what a reader will accept.

    Raises
    ------
    InputError
        The kind, id or document is malformed (a float, a non-string key, an unknown type).
    RecordError
        The document breaks the schema of its kind (the field is named).
    """
    kind, record_id = _check_kind(kind), _check_id(record_id)
    where = f"{kind} record {record_id!r}"
    value = _document_value(document, where)
    text = _encode(value, where).decode("utf-8")
    parsed = strict_json.loads_record(text, source=where)
    _check_schema(parsed, kind, where)
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


@attrs.frozen(kw_only=True)
class StoredRecord:
    """One record as a store holds it (plain data; build it with a store's ``put``, not by hand).

    Attributes
    ----------
    kind:
        What the record is (see :data:`RECORD_KINDS`): ``"draw"``, ``"match"``, ``"publication"`` ...
    id:
        Its id, unique within its kind (e.g. ``"2027-SAMR-01-round1"``).
    year:
        The plan year it belongs to (``None`` for records of no year).
    text:
        The document as canonical JSON text: the stored bytes.
    digest:
        Lowercase hex SHA-256 of ``text`` in UTF-8.
    schema_version:
        The stored-record format version it was written and checked under (:data:`RECORD_SCHEMA_VERSION`).
    created_at:
        When it was first stored (ISO 8601, UTC).
    journal_seq:
        The ``seq`` of the ledger entry written with it in the same transaction
        (:meth:`randinspect.ledger.sql.SqlAlchemyRecordStore.put_journalled`), else ``None``.
    """

    kind: str
    id: str
    year: int | None
    text: str = attrs.field(repr=False)
    digest: str
    schema_version: int
    created_at: str
    journal_seq: int | None = None

    @property
    def document(self) -> Any:
        """The document, parsed from :attr:`text` by the strict reader (a new value on each access)."""
        return strict_json.loads(self.text)

    def same_content(self, year: int | None, text: str) -> bool:
        """Whether a put of ``text`` for ``year`` repeats this record (and so is idempotent)."""
        return self.text == text and self.year == year


def read_stored(
    *,
    kind: Any,
    record_id: Any,
    year: Any,
    text: Any,
    digest: Any,
    schema_version: Any,
    created_at: Any,
    journal_seq: Any,
    where: str,
) -> StoredRecord:
    """Check stored fields as the strict reader does and return the record; shared by every store.

    Raises
    ------
    RecordIntegrityError
        A field has the wrong type, the text is not valid for its kind, not canonical, or does not hash to
        the digest.
    RecordStoreError
        The record was stored under a later :data:`RECORD_SCHEMA_VERSION`.
    """
    if isinstance(schema_version, bool) or not isinstance(schema_version, int):
        raise RecordIntegrityError(f"{where}: schema_version {schema_version!r} is not an integer")
    if schema_version > RECORD_SCHEMA_VERSION or schema_version < 1:
        raise RecordStoreError(
            f"{where}: stored under record schema version {schema_version}; this release reads version "
            f"{RECORD_SCHEMA_VERSION}. Upgrade randinspect to read it"
        )
    try:
        kind, record_id, year = _check_kind(kind), _check_id(record_id), _check_year(year)
    except InputError as exc:
        raise RecordIntegrityError(f"{where}: {exc}") from None
    if not isinstance(text, str) or not isinstance(digest, str) or not isinstance(created_at, str):
        raise RecordIntegrityError(f"{where}: text, digest and created_at must be text")
    if journal_seq is not None and (isinstance(journal_seq, bool) or not isinstance(journal_seq, int)):
        raise RecordIntegrityError(f"{where}: journal_seq {journal_seq!r} is not an integer")
    try:
        parsed = strict_json.loads_record(text, source=where)
        _check_schema(parsed, kind, where)
    except (LoadError, RecordError) as exc:
        raise RecordIntegrityError(
            f"{where}: the stored text does not read as a {kind} record ({exc})"
        ) from None
    if _encode(parsed, where).decode("utf-8") != text:
        raise RecordIntegrityError(
            f"{where}: the stored text is not canonical JSON; it was changed outside randinspect"
        )
    actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if actual != digest:
        raise RecordIntegrityError(
            f"{where}: the text hashes to {actual[:12]}…, the stored digest is {digest[:12]}…; the record "
            "was changed outside randinspect"
        )
    return StoredRecord(
        kind=kind,
        id=record_id,
        year=year,
        text=text,
        digest=digest,
        schema_version=schema_version,
        created_at=created_at,
        journal_seq=journal_seq,
    )


# -- the folder store -------------------------------------------------------------------------------------

_SAFE: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def _file_name(record_id: str) -> str:
    """The file name of an id: safe characters kept, others percent-encoded (UTF-8); long ids by digest."""
    name = "".join(c if c in _SAFE else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in record_id)
    if name.startswith("."):
        name = "%2E" + name[1:]
    if len(name) > 200:
        name = "~" + hashlib.sha256(record_id.encode("utf-8")).hexdigest()
    return name + ".json"


class FileRecordStore:
    """A record store in a folder: one file per record, ``<folder>/<kind>/<id>.json`` (standard library).

    Each file holds the canonical JSON of ``{"format": "randinspect-stored-record", "kind", "id", "year",
    "digest", "schema_version", "created_at", "document"}``. A record is written to a temporary file,
    ``fsync``-ed, and linked into place with ``os.link``, which fails if the name exists: so a put is all or
    nothing, and of several processes putting the same ``(kind, id)`` at once exactly one writes, the others
    find its file (same bytes: they return it; other bytes: :class:`~randinspect.errors.RecordConflictError`).
    Characters outside ``A-Z a-z 0-9 - _ .`` of an id are percent-encoded in its file name; ids whose name
    would exceed 200 characters are named by their SHA-256. Use a case-sensitive file system.

    It cannot share a transaction with a journal; a host that needs a record and its journal entry written
    together uses :class:`randinspect.ledger.sql.SqlAlchemyRecordStore`.

    Parameters
    ----------
    folder:
        The store's folder; created (with its parents) unless ``read_only``.
    read_only:
        Read only: the folder must exist and is never changed; :meth:`put` is refused.
    clock:
        Returns the current time as an aware ``datetime``, for ``created_at`` (default: the system clock).

    Raises
    ------
    ConfigurationError
        ``read_only`` and the folder does not exist, or the path is a file.

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_clock", "_read_only", "_root")

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        read_only: bool = False,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._root = Path(folder)
        self._read_only = bool(read_only)
        self._clock = clock
        if self._root.exists() and not self._root.is_dir():
            raise ConfigurationError(f"record store folder {str(self._root)!r} is a file; give a folder")
        if read_only:
            if not self._root.is_dir():
                raise ConfigurationError(f"record store folder {str(self._root)!r} does not exist")
            return
        self._root.mkdir(parents=True, exist_ok=True)

    @property
    def folder(self) -> Path:
        """The store's folder."""
        return self._root

    def _path(self, kind: str, record_id: str) -> Path:
        return self._root / kind / _file_name(record_id)

    def _read(self, path: Path) -> StoredRecord:
        where = str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise RecordStoreError(f"{where}: cannot read the record ({exc.strerror or exc})") from None
        try:
            data = strict_json.loads_record(raw, source=where)
        except (LoadError, RecordError) as exc:
            raise RecordIntegrityError(f"{where}: not a stored record ({exc})") from None
        fields = {"format", "kind", "id", "year", "digest", "schema_version", "created_at", "document"}
        if not isinstance(data, dict) or set(data) != fields or data["format"] != _FORMAT:
            raise RecordIntegrityError(
                f"{where}: not a stored record (a {_FORMAT} object with the fields "
                f"{', '.join(sorted(fields))})"
            )
        try:
            text = _encode(data["document"], where).decode("utf-8")
        except InputError as exc:
            raise RecordIntegrityError(f"{where}: the document cannot be encoded ({exc})") from None
        if _encode(data, where) != raw:
            raise RecordIntegrityError(f"{where}: the file is not canonical JSON; it was changed by hand")
        return read_stored(
            kind=data["kind"],
            record_id=data["id"],
            year=data["year"],
            text=text,
            digest=data["digest"],
            schema_version=data["schema_version"],
            created_at=data["created_at"],
            journal_seq=None,
            where=where,
        )

    def put(self, kind: str, record_id: str, document: Any, *, year: int | None = None) -> StoredRecord:
        """Store a record once; return it (or the stored one, when the same bytes were stored before).

        Raises
        ------
        RecordConflictError
            ``(kind, id)`` is stored with other bytes or another year; nothing is written.
        InputError, RecordError
            The kind, id, year or document is not valid (see :func:`encode_record`).
        RecordStoreError
            The store was opened read-only, or the file cannot be written.
        """
        if self._read_only:
            raise RecordStoreError(f"{self._root}: the record store was opened read-only")
        text, digest = encode_record(kind, record_id, document)
        year = _check_year(year)
        record = StoredRecord(
            kind=kind,
            id=record_id,
            year=year,
            text=text,
            digest=digest,
            schema_version=RECORD_SCHEMA_VERSION,
            created_at=_timestamp(self._clock()),
        )
        target = self._path(kind, record_id)
        if target.exists():
            return self._existing(target, record)
        envelope = {
            "format": _FORMAT,
            "kind": kind,
            "id": record_id,
            "year": year,
            "digest": digest,
            "schema_version": RECORD_SCHEMA_VERSION,
            "created_at": record.created_at,
            "document": strict_json.loads(text),
        }
        data = _encode(envelope, f"{kind} record {record_id!r}")
        try:
            target.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".put-", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise RecordStoreError(
                f"{target.parent}: cannot write a record ({exc.strerror or exc})"
            ) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, target)  # atomic, and fails if another writer linked first
            except FileExistsError:
                return self._existing(target, record)
            _fsync_dir(target.parent)
        except OSError as exc:
            raise RecordStoreError(f"{target}: cannot write the record ({exc.strerror or exc})") from None
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return record

    def _existing(self, path: Path, record: StoredRecord) -> StoredRecord:
        stored = self._read(path)
        if (stored.kind, stored.id) != (record.kind, record.id):
            raise RecordStoreError(
                f"{path}: holds {stored.kind} record {stored.id!r}, not {record.id!r} (two ids share a file "
                "name: is the file system case-insensitive?)"
            )
        if not stored.same_content(record.year, record.text):
            raise RecordConflictError(_conflict(stored, record))
        return stored

    def get(self, kind: str, record_id: str) -> StoredRecord:
        """Return the record ``(kind, id)``, checked by the strict reader.

        Raises
        ------
        RecordNotFoundError
            No such record.
        RecordIntegrityError
            The file does not read back as written.
        """
        path = self._path(_check_kind(kind), _check_id(record_id))
        if not path.is_file():
            raise RecordNotFoundError(f"{self._root}: no {kind} record {record_id!r}")
        stored = self._read(path)
        if (stored.kind, stored.id) != (kind, record_id):
            raise RecordIntegrityError(f"{path}: holds {stored.kind} record {stored.id!r}, not {record_id!r}")
        return stored

    def _kinds(self, kind: str | None) -> list[str]:
        if kind is not None:
            return [_check_kind(kind)]
        return sorted(p.name for p in self._root.iterdir() if p.is_dir() and _KIND.fullmatch(p.name))

    def records(self, *, kind: str | None = None, year: int | None = None) -> Iterator[StoredRecord]:
        """Yield the records (of ``kind``, of ``year``, when given) ordered by kind, then id (code points)."""
        year = _check_year(year)
        for k in self._kinds(kind):
            folder = self._root / k
            if not folder.is_dir():
                continue
            found = [self._read(p) for p in folder.glob("*.json") if not p.name.startswith(".")]
            for record in sorted(found, key=lambda r: r.id):
                if record.kind != k:
                    raise RecordIntegrityError(f"{folder}: holds a {record.kind} record {record.id!r}")
                if year is None or record.year == year:
                    yield record

    def __len__(self) -> int:
        return sum(
            1
            for k in self._kinds(None)
            for p in (self._root / k).glob("*.json")
            if not p.name.startswith(".")
        )

    def __repr__(self) -> str:
        return f"FileRecordStore({str(self._root)!r})"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _conflict(stored: StoredRecord, record: StoredRecord) -> str:
    what = (
        f"year {stored.year}, not {record.year}"
        if stored.text == record.text
        else f"digest {stored.digest[:12]}…, not {record.digest[:12]}…"
    )
    return (
        f"{stored.kind} record {stored.id!r} is already stored ({what}, stored {stored.created_at}); stored "
        "records never change and nothing was written. Store the new version under a new id and journal why"
    )
