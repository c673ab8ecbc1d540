"""Commitments, draw records and their verification (全程留痕, 一公开).

A draw has two public moments. Before the seed exists, the :class:`Commitment` fixes the frame, the π
table, the policy, the item and the algorithm version by their digests. After the seed is announced, the
:class:`DrawRecord` holds the commitment, the seed and the selection; :func:`verify` re-runs the draw from
the directory and names the first difference.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from randinspect._canonical import canonical_digest, canonical_json
from randinspect._io import atomic_write_text
from randinspect._json import loads_record, read_json_file, read_record
from randinspect.draw._frame import TIERS, DrawFrame
from randinspect.draw._inclusion import ALGORITHM_VERSION, DENOMINATOR, InclusionTable, decimal_string
from randinspect.draw._policy import policy_from_dict
from randinspect.draw._privacy import open_reasons, public_policy
from randinspect.draw._random import TICKET_VERSION, NumpySource, PublicSeedSource, normalise_seed
from randinspect.draw._select import (
    _systematic_unchecked,
    selection_order,
    stratum_groups,
    systematic_select,
)
from randinspect.errors import (
    CommitmentMismatchError,
    EmptyFrameError,
    FrameChangedError,
    InputError,
    OpeningRequiredError,
    ProbabilitiesChangedError,
    RandInspectError,
    RecordError,
    SeedChangedError,
    SelectionChangedError,
    UnsupportedVersionError,
)

if TYPE_CHECKING:
    from randinspect.directory import ObjectDirectory
    from randinspect.items import CheckItem
    from randinspect.typing import RandomSource, SamplingPolicy

__all__ = [
    "ALGORITHM_VERSION",
    "RECORD_FORMAT",
    "Commitment",
    "DrawRecord",
    "SelectedObject",
    "commit",
    "draw",
    "draw_context",
    "select",
    "source_from_description",
    "unit_starts",
    "verify",
]

RECORD_FORMAT: Final = "randinspect-draw-record"
COMMITMENT_FORMAT: Final = "randinspect-draw-commitment"
OPENING_FORMAT: Final = "randinspect-draw-opening"


def draw_context(item_id: str, year: int, round: int = 1) -> str:
    """The context of a draw round: ``"<item id>|<year>|round=<round>"``.

    Examples
    --------
    >>> draw_context("SAMR-2027-003", 2027, 2)
    'SAMR-2027-003|2027|round=2'
    """
    return f"{item_id}|{year}|round={round}"


_TICKET_SLICE: Final = 1 << 18
"""Ids handed to ``RandomSource.tickets`` per call by :func:`select` (bounds the copies held at once)."""


def _start_context(context: str) -> str:
    return context + "|start"


def _unit_start_context(context: str, stratum: str) -> str:
    return f"{context}|start|{stratum}"


def unit_starts(table: InclusionTable, source: RandomSource, context: str) -> dict[str, int]:
    """The start of every stratum of a draw with independent units: ``integer_below(context + "|start|" +
    stratum, D)`` (spec §4). Empty when the table's policy shares one start (``units = "shared"``)."""
    if table.policy.get("units") != "independent":
        return {}
    return {
        label: int(source.integer_below(_unit_start_context(context, label), table.denominator))
        for label in table.frame.stratum_labels
    }


def select(table: InclusionTable, source: RandomSource, context: str) -> tuple[npt.NDArray[np.bool_], int]:
    """Run systematic selection over a π table: the selected mask (frame order) and the start used.

    Tickets come from ``source.tickets(context, ids)``, the start from
    ``source.integer_below(context + "|start", D)``. With independent units (the policy's ``units`` is
    ``"independent"``) every stratum is a systematic sample of its own, with the start
    ``source.integer_below(context + "|start|" + stratum, D)`` (:func:`unit_starts`), and the start
    returned is 0. This is the whole random step of a draw. A source that
    is not verifiable and has a ``shuffle_groups(context, values, bounds)`` method (:class:`NumpySource`)
    orders each stratum by shuffling its positions instead of by tickets (one with only a
    ``permutation(context, n)`` method, by that permutation): the fast path of simulations, with the same
    distribution, a uniformly random order within each stratum.
    """
    nums = table.numerators
    denominator = table.denominator
    # Objects with π = 0 or 1 need no ticket: one with a = D covers exactly one lattice point and shifts
    # the later cumulative sums by D, one with a = 0 covers none, so leaving them out of the ordering
    # changes nothing for the others (spec §4). This saves hashing in rounds where whole cells sit out.
    lowest, highest = table._numerator_range()
    inner: npt.NDArray[np.int64] | None = None
    if lowest == 0 or highest == denominator:  # else every object needs a ticket: no mask to build
        inner = np.flatnonzero((nums > 0) & (nums < denominator))
    size = len(table) if inner is None else int(inner.size)
    codes = table.frame._sort_codes()
    strata = codes if inner is None else codes[inner]
    groups = None
    if codes.dtype == np.int16:  # positions by stratum: the frame's own, or those of the inner objects
        groups = table.frame._stratum_groups() if inner is None else stratum_groups(strata)
    shuffle = getattr(source, "shuffle_groups", None)
    permutation = getattr(source, "permutation", None)
    if not source.verifiable and callable(shuffle) and groups is not None:
        order = shuffle(context, groups[0], groups[1])
    elif not source.verifiable and callable(permutation):
        perm = np.asarray(permutation(context, size), dtype=np.int64)
        if size < 2**31:
            perm = perm.astype(np.int32)  # half the bytes to gather at random
        order = perm[np.argsort(strata[perm], kind="stable")]
    else:
        # A ticket depends only on the context and its id (the RandomSource contract), so the ids can go
        # to the source in slices: no copy of the whole id column is held at once.
        tickets = np.empty(size, dtype=np.uint64)
        for lo in range(0, size, _TICKET_SLICE):
            at = slice(lo, lo + _TICKET_SLICE) if inner is None else inner[lo : lo + _TICKET_SLICE]
            tickets[lo : lo + _TICKET_SLICE] = source.tickets(context, table.frame._ids_at(at))
        order = selection_order(strata, tickets, groups)
    if inner is not None:
        order = inner[order]
    mask = nums == denominator if highest == denominator else np.zeros(nums.shape[0], dtype=bool)
    if table.policy.get("units") == "independent":
        # One systematic sample per stratum, each with its own start (spec §4, independent units).
        codes = table.frame.stratum_codes[order]
        bounds = np.searchsorted(codes, np.arange(len(table.frame.stratum_labels) + 1))
        for h, label in enumerate(table.frame.stratum_labels):
            lo, hi = int(bounds[h]), int(bounds[h + 1])
            start_h = int(source.integer_below(_unit_start_context(context, label), denominator))
            if hi > lo:
                mask[order[lo:hi][systematic_select(nums[order[lo:hi]], start_h, denominator)]] = True
        return mask, 0
    start = int(source.integer_below(_start_context(context), denominator))
    if denominator <= 2**32:
        # Only positions with 0 < a < D are in the order, so their numerators fit 32 bits: gathering
        # them at random from an array half the size is about three times faster on a large frame.
        nums = nums.astype(np.uint32)
    chosen = _systematic_unchecked(nums[order], start, denominator)
    mask[order[chosen]] = True
    return mask, start


def _optional_digest(value: object, what: str) -> str | None:
    return None if value is None else _digest_hex(value, what)


def _digest_hex(value: object, what: str) -> str:
    text = str(value)
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise InputError(f"{what} must be 64 lower-case hex digits, not {text!r}")
    return text


@attrs.frozen(kw_only=True)
class Commitment:
    """What a draw is committed to before its seed exists (抽查前公示的承诺).

    Publish :attr:`digest` (or the whole JSON) before the seed is rolled: it binds the frame, the π table,
    the policy parameters, the item, the context and the algorithm version, so nobody can change them
    after seeing the seed.

    Attributes
    ----------
    version:
        Draw algorithm version (:data:`ALGORITHM_VERSION`).
    context:
        ``"<item>|<year>|round=<r>"``.
    year, round, rounds:
        Plan year, this round and the item's rounds per year.
    item:
        The item as ``CheckItem.to_dict()``.
    policy:
        The policy parameters as the π table stores them.
    stratum:
        Directory column of the strata.
    directory_digest:
        ``ObjectDirectory.digest`` of the directory (``None`` for a frame built from arrays).
    frame_digest, table_digest:
        Digests of the frame and of the π table (spec §3); ``None`` in the record of a simulation (a
        source that is not verifiable and no ``commitment=`` given to :func:`draw`), which publishes
        nothing and so does not pay for hashing the whole frame twice.
    frame_size:
        ``N``.
    denominator:
        ``D``.
    expected:
        Σπ as an exact decimal string.
    cap_report:
        :meth:`CapReport.to_dict`.
    """

    version: int = ALGORITHM_VERSION
    context: str
    year: int
    round: int
    rounds: int
    item: Mapping[str, Any]
    policy: Mapping[str, Any]
    stratum: str
    directory_digest: str | None
    frame_digest: str | None
    table_digest: str | None
    frame_size: int
    denominator: int = DENOMINATOR
    expected: str
    cap_report: Mapping[str, Any]

    def _body(self) -> dict[str, Any]:
        return {
            "format": COMMITMENT_FORMAT,
            "version": self.version,
            "context": self.context,
            "year": self.year,
            "round": self.round,
            "rounds": self.rounds,
            "item": dict(self.item),
            "policy": dict(self.policy),
            "stratum": self.stratum,
            "directory_digest": self.directory_digest,
            "frame_digest": self.frame_digest,
            "table_digest": self.table_digest,
            "frame_size": self.frame_size,
            "denominator": self.denominator,
            "expected": self.expected,
            "cap_report": dict(self.cap_report),
        }

    @property
    def digest(self) -> str:
        """Hex SHA-256 of the canonical JSON of the commitment without its ``digest`` field."""
        return canonical_digest(self._body())

    def to_json_dict(self) -> dict[str, Any]:
        """Canonical JSON-ready form, including ``digest``."""
        body = self._body()
        body["digest"] = self.digest
        return json.loads(canonical_json(body))  # type: ignore[no-any-return]

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> Commitment:
        """Read a commitment; the stored ``digest`` must match its contents.

        Raises
        ------
        UnsupportedVersionError
            If the version is newer than (or unknown to) this library.
        CommitmentMismatchError
            If the stored digest does not match the contents.
        RecordError
            If the mapping is not a commitment (its ``format``), or a field is unknown, missing or of the
            wrong type (``draw-commitment.schema.json``).
        """
        if not isinstance(data, Mapping) or data.get("format") != COMMITMENT_FORMAT:
            raise RecordError(
                f"not a draw commitment (expected format {COMMITMENT_FORMAT!r})", field="format"
            )
        _check_version(data.get("version"), "commitment")
        read_record(data, "draw-commitment", source="commitment")
        try:
            out = cls(
                version=int(data["version"]),
                context=str(data["context"]),
                year=int(data["year"]),
                round=int(data["round"]),
                rounds=int(data["rounds"]),
                item=dict(data["item"]),
                policy=dict(data["policy"]),
                stratum=str(data["stratum"]),
                directory_digest=None if data["directory_digest"] is None else str(data["directory_digest"]),
                frame_digest=_optional_digest(data["frame_digest"], "frame_digest"),
                table_digest=_optional_digest(data["table_digest"], "table_digest"),
                frame_size=int(data["frame_size"]),
                denominator=int(data["denominator"]),
                expected=str(data["expected"]),
                cap_report=dict(data["cap_report"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RecordError(f"malformed commitment: missing or bad field {exc}") from None
        stored = data.get("digest")
        if stored is not None and stored != out.digest:
            raise CommitmentMismatchError(
                f"the commitment's digest {str(stored)[:16]}… does not match its contents "
                f"({out.digest[:16]}…): a committed field was changed"
            )
        return out

    @classmethod
    def from_table(
        cls, table: InclusionTable, item: CheckItem, *, year: int | None = None, digests: bool = True
    ) -> Commitment:
        """The commitment of a π table for ``item`` (``digests=False``: without frame and table digests)."""
        y = item.year if year is None else year
        return cls(
            version=table.algorithm_version,
            context=draw_context(item.id, y, table.round),
            year=y,
            round=table.round,
            rounds=table.rounds,
            item=item.to_dict(),
            policy=public_policy(table.policy),
            stratum=table.frame.stratum_column,
            directory_digest=table.frame.directory_digest,
            frame_digest=table.frame.digest if digests else None,
            table_digest=table.digest if digests else None,
            frame_size=len(table),
            denominator=table.denominator,
            expected=decimal_string(int(table.numerators.sum()), table.denominator),
            cap_report=table.cap_report.to_dict(),
        )


def _check_version(version: object, what: str) -> None:
    if isinstance(version, bool) or not isinstance(version, int):
        raise UnsupportedVersionError(f"the {what} has no integer algorithm version ({version!r})")
    if version > ALGORITHM_VERSION:
        raise UnsupportedVersionError(
            f"the {what} was made by draw algorithm version {version}; this randinspect implements version "
            f"{ALGORITHM_VERSION}: upgrade randinspect to verify it"
        )
    if version < 1:
        raise UnsupportedVersionError(f"unknown draw algorithm version {version} in the {what}")


@attrs.frozen
class SelectedObject:
    """One drawn object (被抽中的检查对象): id, tier, stratum and exact π (numerator over D, and as an exact
    decimal string). Under ``disclosure="auditors"`` the public record leaves out tier and π (``None``)."""

    id: str
    tier: str | None
    stratum: str
    pi_numerator: int | None
    pi: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (tier and π left out when withheld)."""
        out: dict[str, Any] = {"id": self.id, "stratum": self.stratum}
        if self.tier is not None:
            out["tier"] = self.tier
        if self.pi_numerator is not None:
            out["pi_numerator"] = self.pi_numerator
        if self.pi is not None:
            out["pi"] = self.pi
        return out


class _Selection:
    """The drawn objects of a fresh draw as columns, made into :class:`SelectedObject` values on first use.

    A draw selects tens of thousands of objects; a simulation that only counts them, or a journal that
    only hashes the record, need not pay for a Python object per drawn object up front.
    """

    __slots__ = ("_denominator", "_ids", "_numerators", "_objects", "_strata", "_tiers")

    def __init__(self, table: InclusionTable, positions: npt.NDArray[np.int64], *, disclose: bool) -> None:
        # Only the drawn rows are kept (a record must not hold its frame, which may be a whole directory).
        labels = np.asarray(table.frame.stratum_labels, dtype=object)
        self._ids = table.frame._ids_at(positions)
        self._strata = labels[table.frame.stratum_codes[positions]]
        self._tiers = table.tier_codes[positions] if disclose else None
        self._numerators = table.numerators[positions] if disclose else None
        self._denominator = table.denominator
        self._objects: tuple[SelectedObject, ...] | None = None

    def __len__(self) -> int:
        return int(self._ids.shape[0])

    def ids(self) -> tuple[str, ...]:
        """The drawn ids, canonical order."""
        if self._objects is not None:
            return tuple(s.id for s in self._objects)
        return tuple(self._ids.tolist())

    def columns(self) -> tuple[list[Any], ...]:
        """The drawn objects as five lists (ids, tiers, strata, π numerators, π decimals), the fields of
        :class:`SelectedObject` in order, without making an object per drawn object."""
        if self._objects is not None:
            objs = self._objects
            return (
                [o.id for o in objs],
                [o.tier for o in objs],
                [o.stratum for o in objs],
                [o.pi_numerator for o in objs],
                [o.pi for o in objs],
            )
        ids = self._ids.tolist()
        strata = self._strata.tolist()
        if self._tiers is None or self._numerators is None:
            hidden = [None] * len(ids)
            return ids, hidden, strata, hidden, hidden
        tier_names = np.asarray([t.value for t in TIERS], dtype=object)
        # π takes few distinct values (one or two per cell): format each once.
        values, which = np.unique(self._numerators, return_inverse=True)
        decimals = np.asarray([decimal_string(a, self._denominator) for a in values.tolist()], dtype=object)
        which = which.reshape(-1)
        return (
            ids,
            tier_names[self._tiers].tolist(),
            strata,
            values[which].tolist(),
            decimals[which].tolist(),
        )

    def objects(self) -> tuple[SelectedObject, ...]:
        """The drawn objects (made once)."""
        if self._objects is None:
            self._objects = tuple(map(SelectedObject, *self.columns()))
        return self._objects

    def same_as(self, other: tuple[SelectedObject, ...] | _Selection) -> bool:
        """Whether ``other`` lists the same drawn objects with the same fields, in the same order (what
        comparing the objects' dicts would say, compared column by column)."""
        if isinstance(other, _Selection):
            return len(other) == len(self) and self.columns() == other.columns()
        if len(other) != len(self):
            return False
        mine = self.columns()
        return all(
            column == [getattr(o, name) for o in other]
            for column, name in zip(mine, ("id", "tier", "stratum", "pi_numerator", "pi"), strict=True)
        )

    def __getstate__(self) -> tuple[SelectedObject, ...]:
        return self.objects()

    def __setstate__(self, state: tuple[SelectedObject, ...]) -> None:
        self._objects = state
        self._ids = np.asarray([s.id for s in state], dtype=str)


def _selected_tuple(value: tuple[SelectedObject, ...] | _Selection) -> tuple[SelectedObject, ...]:
    """The selected objects of a record as a tuple, whichever form the record holds them in."""
    return value if isinstance(value, tuple) else value.objects()


def _selected_repr(value: tuple[SelectedObject, ...] | _Selection) -> str:
    return repr(_selected_tuple(value))


@attrs.frozen(kw_only=True)
class DrawRecord:
    """The public record of one draw round (抽查结果记录): everything needed to re-run and check it.

    Attributes
    ----------
    commitment:
        The :class:`Commitment` (frame, π table, policy, item, version).
    source:
        ``RandomSource.describe()`` of the source (for public draws: the seed and its digest).
    start:
        The systematic start ``u`` in ``[0, D)`` (0 with independent units).
    starts:
        With independent units, the start of every stratum (``None`` otherwise).
    counts:
        ``{"total": n, "by_tier": {...}, "by_stratum": {...}}``: drawn objects per tier and stratum.
    version:
        Draw algorithm version.
    """

    commitment: Commitment
    source: Mapping[str, Any]
    start: int
    # The drawn objects: a tuple, or (fresh from a draw) columns made into the tuple on first use; the
    # constructor's keyword is ``selected``, and :attr:`selected` always gives the tuple.
    _selected: tuple[SelectedObject, ...] | _Selection = attrs.field(eq=_selected_tuple, repr=_selected_repr)
    counts: Mapping[str, Any]
    version: int = ALGORITHM_VERSION
    opening: Mapping[str, Any] | None = attrs.field(default=None, eq=False, repr=False)
    starts: Mapping[str, int] | None = None
    _cache: dict[str, str] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    # -- the part kept for auditors ---------------------------------------------------------------------

    def opening_json_dict(self) -> dict[str, Any]:
        """The opening for auditors: the full policy parameters (reason lists and their salt).

        Keep it out of the public record; give it to designated auditors, who pass it to :func:`verify`
        (``opening=``) or ``randinspect verify --opening``.

        Raises
        ------
        InputError
            If the record has no opening (read from public JSON, or a version 1 record).
        """
        if self.opening is None:
            raise InputError("this record holds no opening (it was read from its public JSON)")
        return {
            "format": OPENING_FORMAT,
            "commitment_digest": self.commitment.digest,
            "policy": dict(self.opening),
        }

    def open_reasons(self, object_id: str) -> list[dict[str, str]]:
        """The reasons of one mandatory object with the salt that opens their digests in the commitment."""
        if self.opening is None:
            raise InputError("this record holds no opening (it was read from its public JSON)")
        return open_reasons(self.opening, object_id)

    # -- convenient views -------------------------------------------------------------------------------

    @property
    def context(self) -> str:
        """The draw context."""
        return self.commitment.context

    @property
    def item_id(self) -> str:
        """Id of the check item."""
        return str(self.commitment.item.get("id", ""))

    @property
    def year(self) -> int:
        """Plan year."""
        return self.commitment.year

    @property
    def round(self) -> int:
        """Round (1-based)."""
        return self.commitment.round

    @property
    def seed(self) -> str | None:
        """The public seed, or ``None`` when the source was not a public seed."""
        seed = self.source.get("seed")
        return None if seed is None else str(seed)

    @property
    def selected(self) -> tuple[SelectedObject, ...]:
        """The drawn objects (被抽中的检查对象) in canonical id order."""
        return _selected_tuple(self._selected)

    @property
    def selected_ids(self) -> tuple[str, ...]:
        """Ids of the drawn objects, canonical order."""
        if isinstance(self._selected, _Selection):
            return self._selected.ids()
        return tuple(s.id for s in self._selected)

    @property
    def verifiable(self) -> bool:
        """True when the source was a public seed (anyone can re-run the draw)."""
        return self.source.get("kind") == "public-seed-sha256"

    # -- JSON ---------------------------------------------------------------------------------------------

    def to_json_dict(self) -> dict[str, Any]:
        """Canonical JSON-ready form (the published record)."""
        return self._json_dict(with_selected=True)

    def _json_dict(self, *, with_selected: bool) -> dict[str, Any]:
        """:meth:`to_json_dict`, optionally without the (long) list of selected objects."""
        body = {
            "format": RECORD_FORMAT,
            "version": self.version,
            "commitment": self.commitment.to_json_dict(),
            "source": dict(self.source),
            "start": self.start,
            "counts": dict(self.counts),
        }
        if self.starts is not None:
            body["starts"] = dict(self.starts)
        if with_selected:
            body["selected"] = [s.to_dict() for s in self.selected]
        return json.loads(canonical_json(body))  # type: ignore[no-any-return]

    @property
    def record_digest(self) -> str:
        """Hex SHA-256 of the canonical JSON of :meth:`to_json_dict` (journal chains it); cached."""
        found = self._cache.get("record_digest")
        if found is None:
            found = canonical_digest(self.to_json_dict())
            self._cache["record_digest"] = found
        return found

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> DrawRecord:
        """Read a record from its JSON form.

        Raises
        ------
        UnsupportedVersionError
            If the record comes from a newer algorithm version.
        CommitmentMismatchError
            If the embedded commitment's digest does not match its contents.
        RecordError
            If the JSON is not a draw record (its ``format``), or a field is unknown, missing or of the wrong
            type (checked against the shipped schema ``draw-record.schema.json``).
        """
        if not isinstance(data, Mapping) or data.get("format") != RECORD_FORMAT:
            raise RecordError(
                f"not a draw record (expected format {RECORD_FORMAT!r}, or 'randinspect.match' for a match "
                "record)",
                field="format",
            )
        _check_version(data.get("version"), "record")
        if isinstance(data.get("commitment"), Mapping):
            _check_version(data["commitment"].get("version"), "commitment")
        read_record(data, "draw-record", source="draw record")
        try:
            selected = tuple(
                SelectedObject(
                    id=str(s["id"]),
                    tier=None if s.get("tier") is None else str(s["tier"]),
                    stratum=str(s["stratum"]),
                    pi_numerator=None if s.get("pi_numerator") is None else _int(s["pi_numerator"]),
                    pi=None if s.get("pi") is None else str(s["pi"]),
                )
                for s in data["selected"]
            )
            return cls(
                commitment=Commitment.from_json_dict(data["commitment"]),
                source=dict(data["source"]),
                start=_int(data["start"]),
                selected=selected,
                counts=dict(data["counts"]),
                version=int(data["version"]),
                starts=None
                if data.get("starts") is None
                else {str(k): _int(v) for k, v in data["starts"].items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RecordError(f"malformed draw record: missing or bad field {exc}") from None

    def to_json(self, path: str | os.PathLike[str] | None = None, *, indent: int | None = 2) -> str:
        """The record as JSON text (keys sorted, UTF-8); written to ``path`` when given.

        The digest is over the canonical form, so indentation does not change it.
        """
        text = json.dumps(self.to_json_dict(), sort_keys=True, ensure_ascii=False, indent=indent) + "\n"
        if path is not None:
            atomic_write_text(path, text, what="draw record")
        return text

    @classmethod
    def from_json(cls, path_or_text: str | os.PathLike[str]) -> DrawRecord:
        """Read a record from a JSON file, or from JSON text (a string starting with ``{``).

        Raises
        ------
        LoadError
            If the file cannot be read or is not JSON.
        RecordError
            If the JSON is not a valid draw record: a key given twice, an unknown field, a missing field or
            a value of the wrong type (see ``docs/records.md``).
        """
        if isinstance(path_or_text, str) and path_or_text.lstrip().startswith("{"):
            data = loads_record(path_or_text, source="<text>")
        else:
            data = read_json_file(path_or_text, record=True)
        return cls.from_json_dict(data)


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def source_from_description(description: Mapping[str, Any]) -> RandomSource:
    """Rebuild a built-in random source from ``describe()`` output.

    Raises
    ------
    UnsupportedVersionError
        For an unknown source kind or a newer ticket version.
    SeedChangedError
        If the stored seed digest does not match the seed.
    InputError
        If a numpy source's entropy, spawn key or pool size is malformed.
    """
    kind = description.get("kind")
    if kind == "public-seed-sha256":
        version = description.get("version")
        if version != TICKET_VERSION:
            raise UnsupportedVersionError(
                f"ticket layout version {version!r} is not supported (this is {TICKET_VERSION})"
            )
        source = PublicSeedSource(str(description.get("seed", "")))
        if description.get("seed_digest") != source.seed_digest:
            raise SeedChangedError(
                f"the record's seed digest {str(description.get('seed_digest'))[:16]}… "
                "does not match its seed "
                f"{source.seed!r} ({source.seed_digest[:16]}…)"
            )
        return source
    if kind == "numpy-philox":
        return NumpySource.from_description(description)
    raise UnsupportedVersionError(f"unknown random source kind {kind!r}")


def _coerce_source(seed: str | RandomSource) -> RandomSource:
    if isinstance(seed, str):
        return PublicSeedSource(seed)
    if not callable(getattr(seed, "tickets", None)) or not callable(getattr(seed, "integer_below", None)):
        from randinspect.errors import SeedError

        raise SeedError(
            f"the seed must be the public seed as text (for example {str(seed)!r}) or a RandomSource "
            f"(NumpySource({seed!r}) for simulations), not {type(seed).__name__}"
        )
    return seed


def _which_differs(made: Commitment, published: Commitment) -> str:
    """Name the committed parts that differ between two commitments."""
    parts = [
        ("directory", made.directory_digest, published.directory_digest),
        ("frame", made.frame_digest, published.frame_digest),
        ("π table", made.table_digest, published.table_digest),
        ("item", dict(made.item), dict(published.item)),
        ("policy parameters", dict(made.policy), dict(published.policy)),
        ("cap report", dict(made.cap_report), dict(published.cap_report)),
        ("context", made.context, published.context),
        ("stratum column", made.stratum, published.stratum),
        ("algorithm version", made.version, published.version),
    ]
    changed = [name for name, a, b in parts if a != b]
    return ", ".join(changed) if changed else "a committed field"


def _counts(table: InclusionTable, positions: npt.NDArray[np.int64]) -> dict[str, Any]:
    by_tier = np.bincount(table.tier_codes[positions].astype(np.int64), minlength=len(TIERS))
    by_stratum = np.bincount(table.frame.stratum_codes[positions], minlength=len(table.frame.stratum_labels))
    return {
        "total": int(positions.size),
        "by_tier": {t.value: int(by_tier[t.code]) for t in TIERS},
        "by_stratum": {
            s: int(k) for s, k in zip(table.frame.stratum_labels, by_stratum.tolist(), strict=True)
        },
    }


#: Frames of at least this many objects have their digests computed in a second thread during selection.
_OVERLAP_MIN = 100_000


def _select_beside_digests(
    table: InclusionTable, source: RandomSource, context: str
) -> tuple[npt.NDArray[np.bool_], int]:
    """:func:`select`, while a second thread computes the frame and π-table digests (cached on them).

    The ticket loop holds the interpreter lock; the digests spend most of their time in hashlib and numpy
    over large buffers, which release it. So on a machine with a free core the digests cost little wall
    time beside the tickets (at 10,000,000 objects about 1.5 s of 2 s). Nothing else changes: each digest
    is a pure function of its object, computed once and cached. No thread is started for small frames.
    """
    if len(table) < _OVERLAP_MIN:
        return select(table, source, context)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="randinspect-digests") as pool:
        pending = pool.submit(lambda: (table.frame.digest, table.digest))
        out = select(table, source, context)
        pending.result()
    return out


def _record_from(
    table: InclusionTable,
    commitment: Commitment,
    source: RandomSource,
    selection: tuple[npt.NDArray[np.bool_], int] | None = None,
) -> DrawRecord:
    mask, start = select(table, source, commitment.context) if selection is None else selection
    positions = np.flatnonzero(mask)
    selected = _Selection(table, positions, disclose=table.policy.get("disclosure") != "auditors")
    full = dict(table.policy)
    starts = unit_starts(table, source, commitment.context)
    return DrawRecord(
        commitment=commitment,
        source=source.describe(),
        start=start,
        selected=selected,
        counts=_counts(table, positions),
        version=commitment.version,
        opening=full if full != dict(commitment.policy) else None,
        starts=starts or None,
    )


def _table(
    directory: ObjectDirectory | DrawFrame,
    item: CheckItem,
    policy: SamplingPolicy | None,
    round: int,
    stratum: str,
    committed_on: dt.date | None = None,
) -> InclusionTable:
    from randinspect.draw._policy import inclusion_probabilities

    return inclusion_probabilities(
        directory, item, policy, round=round, stratum=stratum, committed_on=committed_on
    )


def _committed_date(
    policy: SamplingPolicy | None, commitment: Commitment | str | None, committed_on: dt.date | None
) -> dt.date | None:
    """The commitment date of a draw: ``committed_on``, else, for a tiered policy without a reference
    date drawn against a :class:`Commitment`, the reference date that commitment stored."""
    if committed_on is not None or not isinstance(commitment, Commitment):
        return committed_on
    if policy is not None and getattr(policy, "reference_date", "absent") is not None:
        return None
    stored = commitment.policy.get("reference_date")
    try:
        return dt.date.fromisoformat(stored) if isinstance(stored, str) else None
    except ValueError:
        return None


def commit(
    directory: ObjectDirectory | DrawFrame,
    item: CheckItem,
    *,
    policy: SamplingPolicy | None = None,
    year: int | None = None,
    round: int = 1,
    stratum: str = "unit",
    committed_on: dt.date | None = None,
) -> Commitment:
    """Compute the commitment of a draw before its seed exists.

    Parameters
    ----------
    directory:
        The object directory (or a ready frame).
    item:
        The check item.
    policy:
        Sampling policy, default ``TieredPolicy()``.
    year:
        Plan year for the context (default ``item.year``).
    round:
        Round (1-based).
    stratum:
        Directory column of the strata (default the supervising unit).
    committed_on:
        The date the commitment is made (published). A tiered policy without ``reference_date`` ends its
        complaint window on it; without it, on the cycle's draw deadline
        (:func:`randinspect.draw.default_commitment_date`, 10 November of the year before). The
        commitment states the window (``policy.reference_date``, ``policy.complaint_window``).

    Returns
    -------
    Commitment
        Publish its ``digest`` (or JSON) before the seed ceremony.

    Raises
    ------
    ComplaintWindowError
        If the policy's ``reference_date`` is after ``committed_on``.
    """
    table = _table(directory, item, policy, round, stratum, committed_on)
    return Commitment.from_table(table, item, year=year)


def draw(
    directory: ObjectDirectory | DrawFrame,
    item: CheckItem,
    seed: str | RandomSource,
    *,
    policy: SamplingPolicy | None = None,
    year: int | None = None,
    round: int = 1,
    stratum: str = "unit",
    commitment: Commitment | str | None = None,
    committed_on: dt.date | None = None,
) -> DrawRecord:
    """Draw the objects of one round of ``item`` (抽取检查对象) and return the public record.

    Parameters
    ----------
    directory:
        The object directory (or a ready frame).
    item:
        The check item.
    seed:
        The public seed string (turned into :class:`PublicSeedSource`) or any
        :class:`randinspect.typing.RandomSource`. Published draws need a verifiable source.
    policy:
        Sampling policy, default ``TieredPolicy()``.
    year, round, stratum:
        As for :func:`commit`.
    commitment:
        The commitment (or its digest) published before the seed; the draw refuses to run if the inputs
        no longer match it.
    committed_on:
        The commitment date, as for :func:`commit`. Drawing against a :class:`Commitment` object, a tiered
        policy without ``reference_date`` takes the reference date that commitment stored; against a
        digest, pass the date the commitment was made with.

    Returns
    -------
    DrawRecord
        Commitment, seed, start, the drawn objects with tier and π, counts per tier and stratum. With a
        source that is not verifiable and no ``commitment``, the commitment carries no frame and table
        digests (``None``): a simulation does not pay for hashing what it never publishes.

    Raises
    ------
    CommitmentMismatchError
        If ``commitment`` is given and the inputs no longer match it.
    ComplaintWindowError
        If the policy's ``reference_date`` is after ``committed_on``.
    SeedError
        If the seed is malformed.
    """
    source = _coerce_source(seed)
    table = _table(directory, item, policy, round, stratum, _committed_date(policy, commitment, committed_on))
    selection = None
    if source.verifiable:
        # The tickets are hashed while a second thread makes the digests the commitment needs.
        context = draw_context(item.id, item.year if year is None else year, table.round)
        selection = _select_beside_digests(table, source, context)
    # A simulation (a source that is not verifiable) publishes nothing: it skips the SHA-256 digests.
    made = Commitment.from_table(table, item, year=year, digests=source.verifiable or commitment is not None)
    if commitment is not None:
        expected = commitment.digest if isinstance(commitment, Commitment) else str(commitment)
        if made.digest != expected:
            what = (
                _which_differs(made, commitment)
                if isinstance(commitment, Commitment)
                else "the directory, item, policy or commitment date (pass the Commitment itself to be "
                "told which)"
            )
            raise CommitmentMismatchError(
                f"item {item.id!r}: the inputs give commitment {made.digest[:16]}…, not the published "
                f"{expected[:16]}…; changed since the commitment: {what}"
            )
    return _record_from(table, made, source, selection)


def _first_difference(mine: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> str:
    mine_by_id = {d["id"]: d for d in mine}
    theirs_by_id = {d["id"]: d for d in theirs}
    if len(theirs_by_id) != len(theirs):
        seen: set[str] = set()
        for d in theirs:
            if d["id"] in seen:
                return f"the record lists {d['id']!r} more than once; a draw selects each object at most once"
            seen.add(d["id"])
    for d in theirs:
        if d["id"] not in mine_by_id:
            return f"the record lists {d['id']!r}, which the re-run does not draw"
        if mine_by_id[d["id"]] != d:
            return f"the record lists {d['id']!r} as {d}, the re-run gives {mine_by_id[d['id']]}"
    for d in mine:
        if d["id"] not in theirs_by_id:
            return f"the re-run draws {d['id']!r}, which the record does not list"
    return "the order of the selected objects differs"


def _first_failure(*checks: Any) -> RandInspectError | None:
    """The error of the first of ``checks`` that fails, or ``None`` when they all pass."""
    for check in checks:
        try:
            check()
        except RandInspectError as exc:
            return exc
    return None


def _check_without_opening(record: DrawRecord, frame: DrawFrame, expected_seed: str | None) -> str:
    """The checks of a draw with reason digests that need no opening; returns what was checked.

    The frame digest was checked by the caller. Checks the directory digest, the seed, the start(s), that
    every drawn object is in the frame in its stratum, that every object of the item's key scope is drawn
    (π = 1 whatever the reasons) and that the counts add up.

    Raises
    ------
    CommitmentMismatchError, SeedChangedError, SelectionChangedError
        On the first difference.
    """
    c = record.commitment
    if c.directory_digest is not None and frame.directory_digest not in (None, c.directory_digest):
        raise CommitmentMismatchError(
            f"the directory (digest {str(frame.directory_digest)[:16]}…) is not the committed snapshot "
            f"({c.directory_digest[:16]}…)"
        )
    source = source_from_description(record.source)
    if expected_seed is not None and (record.seed is None or normalise_seed(expected_seed) != record.seed):
        raise SeedChangedError(
            f"the record was drawn with seed {record.seed!r}, "
            f"not the announced {normalise_seed(expected_seed)!r}"
        )
    if record.starts is not None:
        starts = {
            label: int(source.integer_below(_unit_start_context(c.context, label), c.denominator))
            for label in frame.stratum_labels
        }
        if record.start != 0 or dict(record.starts) != starts:
            raise SelectionChangedError("the record's unit starts are not those of its seed and context")
    elif record.start != int(source.integer_below(_start_context(c.context), c.denominator)):
        raise SelectionChangedError(
            f"the start {record.start} is not the one of the record's seed and context"
        )
    position = {x: k for k, x in enumerate(frame.ids.tolist())}
    labels = frame.stratum_labels
    ids = [s.id for s in record.selected]
    if ids != sorted(set(ids)):
        raise SelectionChangedError("the selected objects are repeated or not in canonical id order")
    for s in record.selected:
        k = position.get(s.id)
        if k is None:
            raise SelectionChangedError(f"the record lists {s.id!r}, which is not in the frame")
        if labels[int(frame.stratum_codes[k])] != s.stratum:
            raise SelectionChangedError(f"the record lists {s.id!r} in stratum {s.stratum!r}, not its own")
    missing = sorted(set(frame.ids[frame.key].tolist()) - set(ids))
    if missing:
        raise SelectionChangedError(
            f"the record does not list {missing[0]!r}, an object of the item's key scope (always drawn)"
        )
    by_stratum = dict.fromkeys(labels, 0)
    for s in record.selected:
        by_stratum[s.stratum] += 1
    counts = record.counts
    if (
        counts.get("total") != len(ids)
        or dict(counts.get("by_stratum", {})) != by_stratum
        or sum(dict(counts.get("by_tier", {})).values()) != len(ids)
    ):
        raise SelectionChangedError(f"the counts {dict(counts)} do not add up to the selected objects")
    return (
        "the commitment's digest, the frame and the directory snapshot, the seed, the start, the drawn "
        "objects' strata and the key scope's objects, the counts"
    )


def verify(
    record: DrawRecord,
    directory: ObjectDirectory | DrawFrame,
    *,
    policy: SamplingPolicy | None = None,
    expected_seed: str | None = None,
    commitment: Commitment | str | None = None,
    opening: Mapping[str, Any] | None = None,
) -> DrawRecord:
    """Re-run a published draw and check that it reproduces (复核).

    Checks, in order: algorithm version; the published ``commitment`` (if given); the frame rebuilt from
    ``directory``; the π table and policy parameters; the seed (against ``expected_seed`` if given); the
    start, the selection and the counts. The record of a simulation (no frame and table digests) is
    checked by re-running it: frame size, π table summary, start, selection and counts.

    Parameters
    ----------
    record:
        The published record.
    directory:
        The object directory the draw was made from, or a ready frame. A frame built with
        :meth:`DrawFrame.from_arrays` (no directory behind it) is checked against the frame and table
        digests; the directory snapshot digest is then not checked.
    policy:
        The policy object, needed only for policies that are not built in; built-ins are rebuilt from
        the record's parameters.
    expected_seed:
        The seed announced in the seed ceremony.
    commitment:
        The commitment (or its digest) published before the seed.
    opening:
        The auditors' opening (:meth:`DrawRecord.opening_json_dict`, or its ``policy`` part): needed when
        the commitment holds reason digests (a tiered draw with key or problem id lists); checked against
        them.

    Returns
    -------
    DrawRecord
        The re-run record, equal to ``record``.

    Raises
    ------
    UnsupportedVersionError, CommitmentMismatchError, FrameChangedError, ProbabilitiesChangedError,
    SeedChangedError, SelectionChangedError
        Naming the first difference found.
    OpeningRequiredError
        The commitment holds reason digests and no ``opening`` (nor ``policy``) was given: everything that
        can be checked without the opening was checked and found as recorded (the message lists it), but
        the π table and the selection cannot be re-run. Not a :class:`VerificationError`: nothing was
        found wrong, and nothing was fully verified either (``randinspect verify`` exits 2).
    """
    from randinspect.items import CheckItem

    _check_version(record.version, "record")
    c = record.commitment
    _check_version(c.version, "commitment")
    if commitment is not None:
        expected = commitment.digest if isinstance(commitment, Commitment) else str(commitment)
        if c.digest != expected:
            raise CommitmentMismatchError(
                f"the record's commitment {c.digest[:16]}… is not the published commitment {expected[:16]}…"
            )
    if c.context != draw_context(str(c.item.get("id")), c.year, c.round):
        raise CommitmentMismatchError(
            f"the record's context {c.context!r} does not match its item, year and round"
        )
    try:
        item = CheckItem.from_dict(c.item)
    except RandInspectError as exc:
        raise CommitmentMismatchError(f"the record's item cannot be read: {exc}") from None
    if isinstance(directory, DrawFrame):
        frame = directory
    else:
        try:
            frame = DrawFrame.from_directory(directory, item, stratum=c.stratum)
        except EmptyFrameError as exc:
            raise FrameChangedError(f"the frame is now empty: {exc}") from None
        except InputError as exc:
            raise FrameChangedError(f"the record's frame cannot be rebuilt: {exc}") from None
    digested = c.frame_digest is not None and c.table_digest is not None
    if not digested and record.verifiable:
        raise CommitmentMismatchError(
            "the record of a public-seed draw has no frame or table digest; its commitment was changed"
        )

    def check_frame() -> None:
        if (digested and frame.digest != c.frame_digest) or len(frame) != c.frame_size:
            note = ""
            if c.directory_digest is not None and frame.directory_digest not in (None, c.directory_digest):
                note = (
                    f"; the directory digest is {frame.directory_digest[:16]}…, the record's "
                    f"{c.directory_digest[:16]}…"
                )
            raise FrameChangedError(
                f"the frame of item {item.id!r} changed: {len(frame)} objects now, {c.frame_size} in the "
                f"record (frame digest {frame.digest[:16]}… vs {str(c.frame_digest)[:16]}…){note}"
            )

    def check_table(table: InclusionTable) -> None:
        if digested and table.digest != c.table_digest:
            raise ProbabilitiesChangedError(
                f"the π table recomputed for item {item.id!r} differs from the committed one "
                f"({table.digest[:16]}… vs {str(c.table_digest)[:16]}…)"
            )
        remade = Commitment.from_table(table, item, year=c.year, digests=digested)
        if digested and frame.directory_digest is None and isinstance(directory, DrawFrame):
            # A frame built from arrays (no directory behind it) was checked against the frame and table
            # digests; the directory snapshot cannot be, and is taken as recorded.
            remade = attrs.evolve(remade, directory_digest=c.directory_digest)
        if remade.directory_digest != c.directory_digest:
            raise CommitmentMismatchError(
                f"the directory (digest {str(remade.directory_digest)[:16]}…) is not the committed snapshot "
                f"({str(c.directory_digest)[:16]}…), although the item's frame and π table are unchanged; "
                "verify against the directory snapshot the draw was committed to"
            )
        if remade.digest != c.digest:
            raise CommitmentMismatchError(
                "the commitment recomputed from the directory differs from the record's outside the frame "
                "and the π table (cap report, expected total or rounds)"
            )

    # On a large frame the SHA-256 digests of the frame and the π table are computed in a second thread
    # while this one re-runs the tickets (as a draw does); the checks still report the first difference
    # in the documented order: a failure found early waits for the digests, whose checks come first.
    overlap = digested and len(frame) >= _OVERLAP_MIN
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="randinspect-digests") if overlap else None
    pending = [] if pool is None else [pool.submit(lambda: frame.digest)]
    if pool is None:
        check_frame()
    table: InclusionTable | None = None
    selection: tuple[npt.NDArray[np.bool_], int] | None = None
    try:
        params: Mapping[str, Any] = c.policy
        if opening is not None:
            params = opening.get("policy", opening) if opening.get("format") == OPENING_FORMAT else opening
            if not isinstance(params, Mapping):
                raise CommitmentMismatchError("the opening holds no policy parameters")
        elif policy is None and c.policy.get("reasons"):
            for future in pending:
                future.result()
            check_frame()
            checked = _check_without_opening(record, frame, expected_seed)
            raise OpeningRequiredError(
                f"the draw of item {item.id!r} commits {len(c.policy['reasons'])} reason(s) for mandatory "
                "objects by salted digests, so its π table and selection can be re-run only with the "
                "auditors' opening (pass opening=, or randinspect verify --opening OPENING.json); checked "
                f"without it and found as recorded: {checked}"
            )
        try:
            chosen = policy if policy is not None else policy_from_dict(params, version=c.version)
            table = chosen.inclusion(frame, item, round=c.round)
        except RandInspectError as exc:
            raise ProbabilitiesChangedError(f"the π table cannot be recomputed: {exc}") from None
        if public_policy(table.policy) != dict(c.policy):
            raise ProbabilitiesChangedError(
                "the policy parameters recomputed for the frame differ from the record's (for a draw with "
                "reason digests: the opening does not open the committed reasons)"
            )
        if pool is None:
            check_table(table)
        else:
            ready = table
            pending.append(pool.submit(lambda: ready.digest))
        try:
            source = source_from_description(record.source)
        except (SeedChangedError, UnsupportedVersionError):
            raise
        except RandInspectError as exc:
            raise SeedChangedError(f"the record's random source cannot be rebuilt: {exc}") from None
        if expected_seed is not None and (
            record.seed is None or normalise_seed(expected_seed) != record.seed
        ):
            raise SeedChangedError(
                f"the record was drawn with seed {record.seed!r}, "
                f"not the announced {normalise_seed(expected_seed)!r}"
            )
        if pool is not None:
            selection = select(table, source, c.context)
    except RandInspectError as exc:
        if pool is None or isinstance(exc, FrameChangedError):
            raise
        for future in pending:
            future.result()
        earlier = _first_failure(check_frame, *(() if table is None else (lambda: check_table(table),)))
        if earlier is not None:
            raise earlier from None
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    if pool is not None:
        for future in pending:
            future.result()
        check_frame()
        check_table(table)
    again = _record_from(table, c, source, selection)
    if again.start != record.start:
        raise SelectionChangedError(f"the start is {again.start} on re-run, {record.start} in the record")
    fresh = again._selected
    if not (isinstance(fresh, _Selection) and fresh.same_as(record._selected)):
        mine = [s.to_dict() for s in again.selected]
        theirs = [s.to_dict() for s in record.selected]
        if mine != theirs:
            raise SelectionChangedError(_first_difference(mine, theirs))
    if dict(again.counts) != dict(record.counts):
        raise SelectionChangedError(
            f"the counts differ: re-run {dict(again.counts)}, record {dict(record.counts)}"
        )
    # The selected objects were compared above; compare everything else in its published JSON form.
    if again._json_dict(with_selected=False) != record._json_dict(with_selected=False):
        raise CommitmentMismatchError("the record differs from the re-run in a field outside the selection")
    return again
