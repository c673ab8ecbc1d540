"""Deprecated alias of :mod:`randinspect.ledger`, where the journal now lives.

The hash-chained journal became the ledger of every step of the cycle, not of draws alone, and moved below
``draw``. Every name that was importable from here still is, as the very same object; new code imports from
:mod:`randinspect.ledger`. This module will warn on import in a later release and then be removed.

.. deprecated:: 0.1.0
   Use :mod:`randinspect.ledger`.
"""

from __future__ import annotations

from randinspect.ledger import (
    GENESIS_HASH,
    EntryKind,
    Journal,
    JournalCheck,
    JournalEntry,
    JournalKey,
    JournalStore,
    JsonLinesStore,
    MemoryStore,
    SqliteStore,
    entry_hash,
    open_store,
)

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
