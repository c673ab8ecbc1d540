"""The ledger (全程留痕): an append-only, hash-chained log of every step of the yearly cycle.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

from randinspect.errors import (
    CommitmentMismatchError,
    ConfigurationError,
    DuplicateDrawError,
    DuplicateEntryError,
    InputError,
    JournalIntegrityError,
    ReasonRequiredError,
)
from randinspect.ledger._entry import (
    _HEX64,
    GENESIS_HASH,
    EntryKind,
    JournalEntry,
    JournalKey,
    _encode,
    _normalise_key,
    _normalise_reason,
    _plain,
    _timestamp,
    entry_hash,
)
from randinspect.ledger._stores import JournalStore, JournalView, LockingJournalStore, _FilteredView

__all__ = ["Journal", "JournalCheck"]

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


def _check_commitment(history: Iterable[JournalEntry], key: JournalKey, draw: Mapping[str, Any]) -> None:
    """Refuse a draw whose commitment digest differs from the last commitment journalled for its key."""
    commitment = draw.get("commitment")
    claimed = commitment.get("digest") if isinstance(commitment, Mapping) else None
    if not isinstance(claimed, str):
        return
    latest: JournalEntry | None = None
    for entry in history:
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


_CHECK_TIME = datetime(2000, 1, 1, tzinfo=UTC)


class _StoreView:
    """A view of a store outside its lock: its own ``history`` (an index) when it has one."""

    __slots__ = ("_store",)

    def __init__(self, store: JournalStore) -> None:
        self._store = store

    def last(self) -> JournalEntry | None:
        return self._store.last()

    def history(self, key: JournalKey) -> Iterator[JournalEntry]:
        own = getattr(self._store, "history", None)
        if callable(own):
            found: Iterator[JournalEntry] = own(key)
            return found
        return _FilteredView(self._store).history(key)


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
    """The ledger (全程留痕): an append-only, hash-chained log of every step, over a :class:`JournalStore`.

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
      a second entry of another once-per-key kind (see :class:`EntryKind`: ``match``, ``plan``, ``result``
      ...) raises :class:`~randinspect.errors.DuplicateEntryError`, unless a reason is given; with a reason
      it is appended and the earlier entry stays;
    - ``replacement``, ``plan-adjustment`` and ``grade-change`` entries always need a reason
      (:class:`~randinspect.errors.ReasonRequiredError`);
    - a draw whose ``commitment.digest`` differs from the last commitment journalled for its key raises
      :class:`~randinspect.errors.CommitmentMismatchError`;
    - the payload must be JSON-ready without floats (see :func:`randinspect.draw.canonical_json`).

    With a :class:`LockingJournalStore` (:class:`JsonLinesStore`, :class:`SqliteStore`,
    :class:`randinspect.ledger.sql.SqlAlchemyStore`) these checks, the choice of ``seq`` and ``prev_hash``
    and the write happen under the store's write lock, so writers in several processes can share one ledger:
    appends wait for each other (up to the store's timeout) instead of being refused.

    The duplicate check reads the entries of the key: through an index in the SQL stores, by one pass over
    the file in :class:`JsonLinesStore` (linear in its length, which suits ledgers of some ten thousand
    entries per year; use a database store beyond that).
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
        return tuple(_StoreView(self.store).history(wanted))

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
        JournalLockTimeoutError
            Another writer held the store's lock longer than the store's timeout; nothing was written.
        JournalError
            The store refused the entry (a store without a lock, and another writer appended meanwhile).
        """
        build = self._builder(kind, payload, key=key, reason=reason, recorded_at=recorded_at)
        if isinstance(self.store, LockingJournalStore):
            return self.store.append_locked(build)
        entry = build(_StoreView(self.store))
        self.store.append(entry)
        return entry

    def _builder(
        self,
        kind: EntryKind | str,
        payload: Any,
        *,
        key: Iterable[str | int] | None,
        reason: str | None,
        recorded_at: datetime | str | None,
    ) -> Callable[[JournalView], JournalEntry]:
        """Validate what can be checked alone; return the function that builds the entry from a view."""
        try:
            kind = EntryKind(kind)
        except ValueError:
            known = ", ".join(k.value for k in EntryKind)
            raise InputError(f"unknown journal entry kind {kind!r}; use one of: {known}") from None
        norm_key = _normalise_key(_derive_key(kind, payload) if key is None else key)
        plain = _payload_of(payload, f"{kind.value} entry for key {norm_key}")
        if reason is None and kind.reason_required and isinstance(plain.get("reason"), str):
            reason = plain["reason"]
        norm_reason = _normalise_reason(reason)
        payload_json = _encode(plain, f"{kind.value} entry payload for key {norm_key}").decode("utf-8")
        given_stamp = None if recorded_at is None else _timestamp(recorded_at)
        if kind.reason_required and norm_reason is None:
            raise ReasonRequiredError(
                f"a {kind.value} entry for key {norm_key} needs a reason (who approved it and why)"
            )

        def build(view: JournalView) -> JournalEntry:
            # Runs under the store's write lock when the store has one: the checks below and the choice
            # of seq and prev_hash see every entry committed before, so concurrent writers queue.
            if kind.once_per_key and norm_reason is None:
                earlier = [e for e in view.history(norm_key) if e.kind == kind.value]
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
                _check_commitment(view.history(norm_key), norm_key, plain)
            stamp = _timestamp(self.clock()) if given_stamp is None else given_stamp
            last = view.last()
            body: dict[str, Any] = {
                "seq": 1 if last is None else last.seq + 1,
                "kind": kind.value,
                "key": list(norm_key),
                "payload": plain,
                "reason": norm_reason,
                "recorded_at": stamp,
                "prev_hash": GENESIS_HASH if last is None else last.hash,
            }
            return JournalEntry(
                seq=body["seq"],
                kind=kind.value,
                key=norm_key,
                payload_json=payload_json,
                reason=norm_reason,
                recorded_at=stamp,
                prev_hash=body["prev_hash"],
                hash=entry_hash(body),
            )

        return build

    def check_append(
        self,
        kind: EntryKind | str,
        payload: Any,
        *,
        key: Iterable[str | int] | None = None,
        reason: str | None = None,
    ) -> None:
        """Raise what :meth:`append` would raise for this entry now, and write nothing.

        A step that appends several entries (the cycle's draws and plans, a batch of results) checks them
        all first, so that a refusal of the last one does not leave the others appended. Another writer may
        still append in between; :meth:`append` checks again under the lock.

        Raises
        ------
        InputError, DuplicateDrawError, DuplicateEntryError, ReasonRequiredError, CommitmentMismatchError
            As :meth:`append`.
        """
        # A fixed time: checking must not consume the clock (tests use ticking clocks).
        build = self._builder(kind, payload, key=key, reason=reason, recorded_at=_CHECK_TIME)
        build(_StoreView(self.store))

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
