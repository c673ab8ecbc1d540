"""Ledger entries: kinds, keys, the canonical entry hash.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
import hashlib
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

from randinspect import _json as strict_json  # the strict reader: duplicate keys, NaN, deep nesting refused
from randinspect._canonical import canonical_json
from randinspect.errors import InputError, JournalIntegrityError, ReasonRequiredError

__all__ = ["GENESIS_HASH", "EntryKind", "JournalEntry", "JournalKey", "entry_hash"]

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first entry, and the :attr:`Journal.head` of an empty journal."""

JournalKey = tuple[str, ...]
"""What an entry is about, for example ``("SAMR-2027-001", "2027", "1")`` (item, year, round) for a draw."""

_HEX64 = re.compile(r"[0-9a-f]{64}")
_ENTRY_FIELDS = frozenset({"seq", "kind", "key", "payload", "reason", "recorded_at", "prev_hash", "hash"})


class EntryKind(enum.StrEnum):
    """What a ledger entry records (条目类型): one kind for every step of the yearly cycle.

    Once per key (a second entry for the same key needs a reason, and then both stay):

    - ``item-list``: a spot-check item list (抽查事项清单);
    - ``commitment``: digests published before the seed exists (承诺);
    - ``draw``: a draw result (抽取结果);
    - ``plan``: an inspection plan (检查计划);
    - ``joint-answer``: an answer to a joint-plan proposal (联合抽查答复);
    - ``credit-commitment``: the signed credit commitments standing in for an item's visits (信用承诺);
    - ``match``: an inspector matching (人员匹配);
    - ``inspection-record``: an inspection record (抽查记录表);
    - ``result``: an inspection result (检查结果); a correction is a second entry with a reason;
    - ``publication``: the publication of results (结果公示);
    - ``referral``: a referral to the competent body (移送);
    - ``referral-receipt``: the receipt of a referral (移送回执);
    - ``assessment``: an assessment of a department or district (考核).

    A reason on every entry (they change something decided earlier):

    - ``plan-adjustment``: a change to a published plan (计划调整);
    - ``replacement``: an inspector replacement (人员替换);
    - ``grade-change``: a credit grade or risk class change (信用等级调整).

    The payload of every kind is a JSON-ready object chosen by the step that writes it; the ledger checks
    only its encoding, the key and the rules above (and, for draws, the journalled commitment).

    .. versionchanged:: 0.1.0
       ``item-list``, ``joint-answer``, ``inspection-record``, ``result``, ``publication``, ``referral``,
       ``referral-receipt``, ``grade-change`` and ``assessment`` added when the journal became the ledger;
       ``credit-commitment`` added for the commitments a cycle relies on.
    """

    ITEM_LIST = "item-list"
    COMMITMENT = "commitment"
    DRAW = "draw"
    PLAN = "plan"
    PLAN_ADJUSTMENT = "plan-adjustment"
    JOINT_ANSWER = "joint-answer"
    CREDIT_COMMITMENT = "credit-commitment"
    MATCH = "match"
    REPLACEMENT = "replacement"
    INSPECTION_RECORD = "inspection-record"
    RESULT = "result"
    PUBLICATION = "publication"
    REFERRAL = "referral"
    REFERRAL_RECEIPT = "referral-receipt"
    GRADE_CHANGE = "grade-change"
    ASSESSMENT = "assessment"

    @property
    def once_per_key(self) -> bool:
        """Whether a second entry of this kind for one key needs a reason."""
        return self not in _REASON_ALWAYS

    @property
    def reason_required(self) -> bool:
        """Whether every entry of this kind needs a reason (it changes something decided earlier)."""
        return self in _REASON_ALWAYS


# Kinds that change something decided earlier: a reason is always required. Every other kind holds one entry
# per key unless a reason is given for each later one.
_REASON_ALWAYS: frozenset[str] = frozenset({"replacement", "plan-adjustment", "grade-change"})


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
    """One entry of the ledger (留痕记录).

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
        value: dict[str, Any] = strict_json.loads(self.payload_json)
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
