"""The ledger (全程留痕): the append-only, hash-chained trace of every step of the yearly cycle.

Every step a host system takes that decides who is inspected, by whom, when, with what result and with what
consequence is appended as one :class:`JournalEntry`: item lists, commitments, draws, plans and their
adjustments, joint-plan answers, matchings and replacements, inspection records, results, publications,
referrals, grade changes and assessments (:class:`EntryKind`). Each entry carries the SHA-256 hash of the
entry before it, so editing, removing or reordering any entry breaks the chain, and :meth:`Journal.verify`
names the first broken link. The hash of the last entry, :attr:`Journal.head`, is short enough to publish:
anyone holding a published head can later prove that nothing up to that point was changed.

A second entry of a once-per-key kind (a redraw, a corrected result) is refused unless a reason is given;
with a reason both entries stay, so no redo can hide the first. This answers the "全程留痕" (leave a trace of
the whole process) requirement of §四(八)1 of the Guiyang implementing opinions.

The ledger sits below every other step: it imports nothing from ``draw``, ``matching``, ``planning`` or
``results``; they append to it. Record stores (:class:`FileRecordStore`,
:class:`randinspect.ledger.sql.SqlAlchemyRecordStore`, Protocol :class:`randinspect.typing.RecordStore`) keep
the record documents themselves by kind and id, immutable once stored. Journal stores: :class:`MemoryStore`,
:class:`JsonLinesStore`, :class:`SqliteStore` (standard library) and
:class:`randinspect.ledger.sql.SqlAlchemyStore` (PostgreSQL or SQLite through SQLAlchemy, extra ``postgres``).
Several processes may share one store: appends wait for its lock.

Entry hash (the specification; see the journal documentation page for a worked example)::

    body = {"seq": int, "kind": str, "key": [str, ...], "payload": {...},
            "reason": str | null, "recorded_at": str, "prev_hash": str}
    hash = lowercase hex SHA-256 of canonical JSON of body
    canonical JSON = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False), UTF-8

The first entry has ``seq`` 1 and ``prev_hash`` :data:`GENESIS_HASH` (64 zeros); entry ``n + 1`` has
``prev_hash`` equal to the ``hash`` of entry ``n``.

.. versionadded:: 0.1.0
   Moved here from ``randinspect.draw.journal``, which stays as a deprecated alias.
"""

from __future__ import annotations

from randinspect.ledger._entry import GENESIS_HASH, EntryKind, JournalEntry, JournalKey, entry_hash
from randinspect.ledger._journal import Journal, JournalCheck
from randinspect.ledger._records import (
    RECORD_KINDS,
    RECORD_SCHEMA_VERSION,
    FileRecordStore,
    StoredRecord,
    encode_record,
)
from randinspect.ledger._stores import (
    DEFAULT_LOCK_TIMEOUT,
    JournalStore,
    JournalView,
    JsonLinesStore,
    LockingJournalStore,
    MemoryStore,
    SqliteStore,
    open_store,
)

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "GENESIS_HASH",
    "RECORD_KINDS",
    "RECORD_SCHEMA_VERSION",
    "EntryKind",
    "FileRecordStore",
    "Journal",
    "JournalCheck",
    "JournalEntry",
    "JournalKey",
    "JournalStore",
    "JournalView",
    "JsonLinesStore",
    "LockingJournalStore",
    "MemoryStore",
    "SqliteStore",
    "StoredRecord",
    "encode_record",
    "entry_hash",
    "open_store",
]
