"""Testing help for the ledger (journal): Hypothesis strategies and a conformance check for journal stores.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from randinspect.errors import JournalError
from randinspect.ledger import (
    GENESIS_HASH,
    Journal,
    JournalEntry,
    JournalStore,
    JournalView,
    LockingJournalStore,
)

__all__ = ["check_journal_store", "journal_keys", "journal_payloads"]

_TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "S")), max_size=12)


def journal_payloads() -> st.SearchStrategy[dict[str, Any]]:
    """JSON-ready payloads a journal accepts: nested dicts and lists of text, integers, booleans and null."""
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63), _TEXT)
    values = st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
        max_leaves=12,
    )
    return st.dictionaries(_TEXT, values, max_size=5)


def journal_keys() -> st.SearchStrategy[tuple[str | int, ...]]:
    """Keys such as (item, year, round): one to three non-blank text or non-negative integer parts."""
    part = st.one_of(_TEXT.filter(lambda s: s.strip() != ""), st.integers(0, 10**6))
    return st.lists(part, min_size=1, max_size=3).map(tuple)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def check_journal_store(make_store: Callable[[], JournalStore], *, strict_extend: bool = True) -> None:
    """Check that a store honours the :class:`~randinspect.ledger.JournalStore` Protocol.

    Runs, on fresh stores from ``make_store``: an empty store is empty; entries appended through a
    :class:`~randinspect.ledger.Journal` come back equal, in order, with ``last()`` and ``len``
    consistent; the chain verifies; and (with ``strict_extend``) an entry that does not extend the last one
    is refused with a ``JournalError`` and leaves the store unchanged. A store that is a
    :class:`~randinspect.ledger.LockingJournalStore` is also checked to show ``build`` the current last entry
    and the key's history, to write nothing when ``build`` raises, and to release its lock afterwards.

    Parameters
    ----------
    make_store:
        Returns a new, empty store each time it is called.
    strict_extend:
        Also require the recommended refusal of non-extending entries.

    Raises
    ------
    AssertionError
        Naming the first guarantee that does not hold.
    """
    store = make_store()
    name = type(store).__name__
    _require(len(store) == 0, f"{name}: a new store has {len(store)} entries, expected 0")
    _require(store.last() is None, f"{name}: last() of an empty store is not None")
    _require(list(store.entries()) == [], f"{name}: entries() of an empty store is not empty")

    ticks = iter(range(1000))
    journal = Journal(store, clock=lambda: datetime(2027, 1, 1, tzinfo=UTC) + timedelta(seconds=next(ticks)))
    written = [
        journal.append_commitment({"digest": "0" * 64, "名称": "抽查"}, key=("ITEM-1", 2027, 1)),
        journal.append_draw({"selected": ["A", "B"], "n": 2}, key=("ITEM-1", 2027, 1)),
        journal.append_draw({"selected": ["C"]}, key=("ITEM-1", 2027, 1), reason="重新抽取 approval 1"),
    ]
    read = list(store.entries())
    _require(len(read) == len(written), f"{name}: {len(read)} entries read back after {len(written)} appends")
    for mine, theirs in zip(written, read, strict=True):
        _require(mine == theirs, f"{name}: entry seq {mine.seq} read back differs from the entry appended")
    _require(len(store) == 3, f"{name}: len() is {len(store)} after 3 appends")
    _require(store.last() == written[-1], f"{name}: last() is not the last entry appended")
    check = journal.verify()
    _require(check.head == written[-1].hash, f"{name}: the chain of the stored entries does not verify")
    _require(journal.head != GENESIS_HASH, f"{name}: head still genesis after appends")

    if strict_extend:
        stale = attrs.evolve(written[0], key=("OTHER",))
        try:
            store.append(stale)
        except JournalError:
            pass
        else:
            raise AssertionError(f"{name}: accepted an entry with seq 1 after seq 3 (it must refuse it)")
        _require(len(store) == 3, f"{name}: a refused append changed the store")

    if isinstance(store, LockingJournalStore):
        seen: list[tuple[str | None, list[int]]] = []

        class _RefusedError(Exception):
            pass

        def refuse(view: JournalView) -> JournalEntry:
            last = view.last()
            seen.append(
                (None if last is None else last.hash, [e.seq for e in view.history(("ITEM-1", "2027", "1"))])
            )
            raise _RefusedError

        try:
            store.append_locked(refuse)
        except _RefusedError:
            pass
        else:
            raise AssertionError(f"{name}: append_locked swallowed the exception raised by build")
        _require(
            seen == [(written[-1].hash, [1, 2, 3])],
            f"{name}: append_locked showed build {seen!r}, expected the last hash and the key's seqs 1..3",
        )
        _require(len(store) == 3, f"{name}: append_locked wrote something although build raised")
        fourth = journal.append("result", {"category": "未发现问题"}, key=("TASK-1",))
        _require(
            fourth.seq == 4 and store.last() == fourth,
            f"{name}: after a refused build the next append did not go through (lock not released?)",
        )
