"""Sampling policies: which objects an item draws and with which exact inclusion probabilities.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.draw._frame import DrawFrame, Tier
from randinspect.draw._inclusion import (
    ALGORITHM_VERSION,
    DENOMINATOR,
    CapReport,
    InclusionTable,
    group_numerators,
    largest_remainder,
)
from randinspect.draw._matrix import SamrMatrix, matrix_from_dict
from randinspect.errors import (
    CapExceededError,
    CeilingError,
    ComplaintWindowError,
    ConfigurationError,
    EmptyFrameError,
    InputError,
    RandInspectError,
    RoundShareError,
    ScaleError,
)
from randinspect.model import ComplaintChannel, ComplaintRecord

if TYPE_CHECKING:
    from randinspect.directory import ObjectDirectory
    from randinspect.items import CheckItem
    from randinspect.typing import CreditRiskMatrix, SamplingPolicy

__all__ = [
    "MAX_ROUNDS",
    "RATIO_MODES",
    "UNIT_MODES",
    "ComplaintRule",
    "StratifiedPolicy",
    "TieredPolicy",
    "active_rounds",
    "apportion",
    "default_commitment_date",
    "inclusion_probabilities",
    "item_rounds",
    "policy_from_dict",
]

IntArray = npt.NDArray[np.int64]

DEFAULT_RISK_THRESHOLD: Final = "high"
"""Risk class at or above which an object is a risk object (风险对象) by default."""


def _ids_tuple(value: Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        raise ConfigurationError("id lists must be lists of ids, not one string")
    return tuple(sorted({str(v) for v in value}))


def _check_share(value: object, what: str, item_id: str) -> Fraction:
    if not isinstance(value, Fraction | int) or isinstance(value, bool):
        raise ConfigurationError(f"item {item_id!r}: {what} {value!r} must be an exact Fraction")
    value = Fraction(value)
    if not 0 <= value <= 1:
        raise ConfigurationError(f"item {item_id!r}: {what} {value} is outside [0, 1]")
    return value


def _check_ceiling(item: CheckItem) -> None:
    """Version 2: an item may not ask for more than its ceiling allows (a ratio above the cap)."""
    if item.cap is not None and item.ratio > item.cap:
        from randinspect.items import format_ratio

        raise CeilingError(
            f"item {item.id!r}: ratio {format_ratio(item.ratio)} asks for more than its ceiling "
            f"{format_ratio(item.cap)} allows (抽查总量不高于国家、省规定比例, §四(五)); lower the ratio, or "
            "correct the cap if the national or provincial rule allows more"
        )


def _check_round(item: CheckItem, round_no: int, rounds: int | None = None) -> None:
    limit = item.frequency if rounds is None else rounds
    if isinstance(round_no, bool) or not isinstance(round_no, int) or not 1 <= round_no <= limit:
        why = "its frequency" if limit == item.frequency else f"frequency {item.frequency}, raised"
        raise ConfigurationError(
            f"item {item.id!r}: round {round_no!r} must be an integer in 1..{limit} ({why})"
        )


MAX_ROUNDS: Final = 366
"""The most rounds a year an item may have once a raised round share multiplies its frequency."""


def _cell_round_count(share: Fraction, frequency: int) -> int | None:
    """Rounds a year of a cell with round share ``share`` in an item of ``frequency`` (None: not whole)."""
    if share <= 1:
        return max(1, math.floor(frequency * share))
    k = frequency * share
    return int(k) if k.denominator == 1 else None


def active_rounds(share: Fraction, rounds: int, *, frequency: int | None = None) -> tuple[int, ...]:
    """The rounds (1-based) in which a cell with round share ``share`` takes part, spread evenly.

    With ``F = frequency`` (default ``rounds``) the cell takes part in ``k`` of the ``rounds`` rounds of
    the year: ``k = max(1, floor(F × share))`` for a share up to 1 (a reduced frequency: with 3 rounds a
    share of 1/2 is *one* round of three), ``k = F × share`` for a share above 1 (a raised frequency,
    which must be a whole number of rounds). Round ``r`` iff ``floor(r*k/rounds) > floor((r-1)*k/rounds)``,
    so every object is in at least one round a year and ``k = rounds`` is every round. ``rounds`` is the
    item's rounds a year, :func:`item_rounds`.

    Raises
    ------
    ConfigurationError
        If ``F × share`` is above 1 and not a whole number, or more than ``rounds``.

    Examples
    --------
    >>> active_rounds(Fraction(1, 2), 4)
    (2, 4)
    >>> active_rounds(Fraction(1, 2), 1)
    (1,)
    >>> active_rounds(Fraction(1), 2, frequency=1), active_rounds(Fraction(2), 2, frequency=1)
    ((2,), (1, 2))
    """
    f = rounds if frequency is None else frequency
    k = _cell_round_count(Fraction(share), f)
    if k is None or k > rounds:
        raise ConfigurationError(
            f"round share {share} of an item of frequency {f} asks for {f * Fraction(share)} rounds of "
            f"{rounds}; a share above 1 must give a whole number of rounds"
        )
    return tuple(r for r in range(1, rounds + 1) if (r * k) // rounds > ((r - 1) * k) // rounds)


def default_commitment_date(year: int) -> dt.date:
    """The commitment date assumed when none is given: the cycle's draw deadline, 10 November of the year
    before the plan year (§五(四), ``randinspect.planning.DEFAULT_DEADLINES``).

    Examples
    --------
    >>> default_commitment_date(2027)
    datetime.date(2026, 11, 10)
    """
    return dt.date(year - 1, 11, 10)


def item_rounds(item: CheckItem, matrix: CreditRiskMatrix | None = None) -> int:
    """How many rounds a year ``item`` is drawn under a credit-risk matrix (抽查频次, §四(八)4).

    ``R = item.frequency × max(1, s)`` with ``s`` the largest round share of any cell of ``matrix``: a
    share up to 1 lowers a cell's frequency within the item's rounds, a share above 1 raises it and adds
    rounds (an item of frequency 1 whose D-grade cells have share 2 is drawn twice a year, the other
    cells taking part in one of the two rounds, :func:`active_rounds`). Without a matrix, or when no
    share exceeds 1, ``R`` is the item's frequency. Every caller that loops over an item's rounds (draws,
    :func:`randinspect.planning.run_cycle`, department plans, adjustments, simulations) uses this.

    Raises
    ------
    RoundShareError
        Naming the item and the cell, if a share above 1 gives no whole number of rounds
        (``frequency × share``; 3/2 of an item of frequency 1 would be one and a half rounds), or the
        rounds would exceed :data:`MAX_ROUNDS`.

    Examples
    --------
    >>> from randinspect.draw import SamrMatrix
    >>> from randinspect.items import CheckItem
    >>> item = CheckItem(id="X", name="x", department="SAMR", year=2027, scope={}, ratio=Fraction(1, 20),
    ...                  legal_basis=["《食品安全法》"])
    >>> item_rounds(item, SamrMatrix())
    1
    >>> item_rounds(item, SamrMatrix(credit_round_shares={"A": "1/2", "B": 1, "C": 1, "D": 2}))
    2
    """
    if matrix is None:
        return item.frequency
    top = Fraction(1)
    for credit in matrix.credit_levels:
        for risk in matrix.risk_levels:
            share = Fraction(matrix.frequency(credit, risk))
            if share <= 1:
                continue
            k = _cell_round_count(share, item.frequency)
            if k is None or k > MAX_ROUNDS:
                nearest = Fraction(math.ceil(item.frequency * share), item.frequency)
                raise RoundShareError(
                    f"item {item.id!r}: round share {share} of cell ({credit}, {risk}) cannot be met: "
                    f"frequency {item.frequency} × {share} = {item.frequency * share} rounds a year"
                    + ("" if k is None else f", more than {MAX_ROUNDS}")
                    + "; a share above 1 (提高抽查频次) must give a whole number of rounds: use a share q "
                    f"with {item.frequency} × q whole (for example {nearest})"
                )
            top = max(top, share)
    return int(item.frequency * top)


def _months_before(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@attrs.frozen(kw_only=True)
class ComplaintRule:
    """Which complaint histories make an object a problem object (问题对象, §四(五)2).

    An object is flagged when it has at least ``min_count`` complaints received in the ``months`` months
    up to and including the reference date (the window starts the day after the same calendar day
    ``months`` months earlier), counting only the given channels and, if asked, only substantiated ones.

    Parameters
    ----------
    min_count:
        Complaints needed, at least 1 (default 3).
    months:
        Length of the window in months, at least 1 (default 12).
    channels:
        Hotlines counted (12315 and 12345 by default).
    substantiated_only:
        Count only complaints found substantiated.
    count:
        ``"all"`` (default): every complaint in the window counts; ``"same_matter"``: repeated complaints
        about the same matter (重复投诉, the complaint's ``category``) — the object is flagged when one
        category reaches ``min_count``. A rate (complaints per month) is ``min_count / months``.
    """

    min_count: int = 3
    months: int = 12
    channels: tuple[ComplaintChannel, ...] = (ComplaintChannel.HOTLINE_12315, ComplaintChannel.HOTLINE_12345)
    substantiated_only: bool = False
    count: Literal["all", "same_matter"] = "all"

    def __attrs_post_init__(self) -> None:
        if self.count not in ("all", "same_matter"):
            raise ConfigurationError(f"complaint rule count {self.count!r} must be 'all' or 'same_matter'")
        if isinstance(self.min_count, bool) or not isinstance(self.min_count, int) or self.min_count < 1:
            raise ConfigurationError(f"complaint rule min_count {self.min_count!r} must be an integer ≥ 1")
        if isinstance(self.months, bool) or not isinstance(self.months, int) or self.months < 1:
            raise ConfigurationError(f"complaint rule months {self.months!r} must be an integer ≥ 1")

    def window(self, reference: dt.date) -> tuple[dt.date, dt.date]:
        """First and last day (inclusive) of the counting window."""
        return _months_before(reference, self.months) + dt.timedelta(days=1), reference

    def flagged(self, complaints: Iterable[ComplaintRecord], reference: dt.date) -> tuple[str, ...]:
        """Ids of the objects the rule flags, sorted."""
        first, last = self.window(reference)
        counts: dict[str, int] = {}
        for c in complaints:
            if c.channel not in self.channels or not first <= c.received <= last:
                continue
            if self.substantiated_only and c.substantiated is not True:
                continue
            key = c.object_id if self.count == "all" else f"{c.object_id}\x1f{c.category}"
            counts[key] = counts.get(key, 0) + 1
        return tuple(sorted({k.split("\x1f")[0] for k, v in counts.items() if v >= self.min_count}))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "min_count": self.min_count,
            "months": self.months,
            "channels": [c.value for c in self.channels],
            "substantiated_only": self.substantiated_only,
            **({} if self.count == "all" else {"count": self.count}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ComplaintRule:
        """Inverse of :meth:`to_dict`."""
        if data.get("count", "all") not in ("all", "same_matter"):
            count = data.get("count")
            raise ConfigurationError(f"complaint rule count {count!r} must be 'all' or 'same_matter'")
        return cls(
            min_count=int(data.get("min_count", 3)),
            months=int(data.get("months", 12)),
            channels=tuple(ComplaintChannel.parse(str(c)) for c in data.get("channels", ("12315", "12345"))),
            substantiated_only=bool(data.get("substantiated_only", False)),
            count="same_matter" if data.get("count") == "same_matter" else "all",
        )


def _complaints_tuple(value: Iterable[ComplaintRecord] | None) -> tuple[ComplaintRecord, ...]:
    return () if value is None else tuple(value)


def _cell_codes(frame: DrawFrame) -> tuple[IntArray, int]:
    n_risk = len(frame.risk_levels)
    return frame.credit_codes * n_risk + frame.risk_codes, n_risk


def _positions_by_group(group_of: IntArray, n_groups: int) -> list[IntArray]:
    keys = group_of.astype(np.int16) if n_groups <= 2**15 else group_of  # stable int16 sort is a radix sort
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(group_of[order], np.arange(n_groups + 1))
    return [order[bounds[g] : bounds[g + 1]].astype(np.int64) for g in range(n_groups)]


def _rescale_capped(
    raw: list[Fraction], counts: list[int], budget: Fraction
) -> tuple[list[Fraction], Fraction]:
    """Scale raw per-group values so Σ count·π = budget, capping π at 1 and rescaling the rest.

    The iteration of R ``sampling::inclusionprobabilities``: set every value that reaches 1 to 1 and
    rescale the others to the remaining budget, until none exceeds 1. Returns the values and the factor
    applied to the uncapped groups; when every positive value ends at 1 (no uncapped group is left), the
    factor of the last round, which took them there (1 if there was nothing to scale).
    """
    capped = [False] * len(raw)
    scale = Fraction(1)
    while True:
        rest_budget = budget - sum(c for c, k in zip(counts, capped, strict=True) if k)
        rest_raw = sum((r * c for r, c, k in zip(raw, counts, capped, strict=True) if not k), Fraction(0))
        if rest_raw > 0:
            scale = rest_budget / rest_raw
        elif any(capped):
            # Nothing uncapped is left to scale: keep the factor that capped the last values (their
            # values are 1 and every other value is 0 whatever the factor).
            return [Fraction(1) if k else Fraction(0) for k in capped], scale
        else:
            scale = Fraction(0)
        newly = [
            i
            for i, (r, k) in enumerate(zip(raw, capped, strict=True))
            if not k and counts[i] and r * scale >= 1
        ]
        if not newly:
            return [Fraction(1) if k else r * scale for r, k in zip(raw, capped, strict=True)], scale
        for i in newly:
            capped[i] = True


DISCLOSURES: Final = ("public", "auditors")
"""Who may see the π and tier of single objects: anyone, or designated auditors only."""

RATIO_MODES: Final = ("volume", "absolute")
"""How the built-in policies read an item's ratio (version 2): as the yearly volume or as absolute values."""


UNIT_MODES: Final = ("shared", "independent")
"""How the strata (supervising units) of a draw are sampled: one shared start, or one start each."""


def _check_units(units: object) -> None:
    if units not in UNIT_MODES:
        raise ConfigurationError(
            f"units must be 'shared' (one systematic start for the whole frame: the total is within one of "
            f"Σπ) or 'independent' (one start per stratum: strata drawn independently), not {units!r}"
        )


def _check_mode(mode: object) -> None:
    if mode not in RATIO_MODES:
        raise ConfigurationError(
            f"ratio_mode must be 'volume' (the ratio fixes the year's expected risk and general visits) or "
            f"'absolute' (each cell's value is ratio × multiplier), not {mode!r}"
        )


def _check_version_field(version: object) -> None:
    if isinstance(version, bool) or version not in (1, ALGORITHM_VERSION):
        raise ConfigurationError(
            f"algorithm_version {version!r} is not implemented (1 to verify old records, {ALGORITHM_VERSION})"
        )


def apportion(total: int, weights: list[Fraction]) -> list[int]:
    """Split the whole number ``total`` in proportion to ``weights`` (Hamilton's largest remainders).

    Each part is the floor or the ceiling of its exact quota ``total × w / Σw``; equal remainders go to the
    lower index first. All parts are 0 when every weight is 0.

    Examples
    --------
    >>> apportion(5, [Fraction(1), Fraction(1)])
    [3, 2]
    """
    whole = sum(weights, Fraction(0))
    if whole == 0:
        return [0] * len(weights)
    quotas = [total * w / whole for w in weights]
    parts = [math.floor(q) for q in quotas]
    left = total - sum(parts)
    for i in sorted(range(len(weights)), key=lambda i: (-(quotas[i] - parts[i]), i))[:left]:
        parts[i] += 1
    return parts


def _round_budgets(
    wanted: list[Fraction], cap: Fraction | None, period: str, n: int, n_mandatory: int
) -> list[Fraction]:
    """Per-round Σπ of the risk and general objects under the ceiling (spec §3, version 2, step 3).

    ``wanted[r]`` is round ``r + 1``'s request. Without a cap the requests stand. With a per-round ceiling
    each round gets ``min(request, floor(cap·N) − M)``. With a yearly ceiling ``A = floor(cap·N) − F·M``
    visits are left for the risk and general objects of the year: if the rounds' requests, each rounded
    up, fit in ``A``, they stand (so the number drawn, which is the floor or the ceiling of each round's
    Σπ, stays within the ceiling); otherwise the year gets the whole number ``min(A, floor(Σ requests))``,
    apportioned to the rounds in proportion to their requests (:func:`apportion`).
    """
    if cap is None:
        return list(wanted)
    limit = math.floor(cap * n)
    if period == "round":
        return [min(w, Fraction(max(0, limit - n_mandatory))) for w in wanted]
    allowance = max(0, limit - len(wanted) * n_mandatory)
    if sum(math.ceil(w) for w in wanted) <= allowance:
        return list(wanted)
    year = min(allowance, math.floor(sum(wanted, Fraction(0))))
    return [Fraction(b) for b in apportion(year, wanted)]


@attrs.frozen(kw_only=True)
class TieredPolicy:
    """The tiered draw of §四(五) (分级分类抽查): key → problem → risk → general, each object in one tier.

    - **Key objects** (重点对象): in the item's ``key_scope`` or listed in ``key_ids``; π = 1.
    - **Problem objects** (问题对象): flagged by ``complaint_rule`` over ``complaints`` (12315/12345) at
      ``reference_date``, or listed in ``filed_case_ids`` (立案) or ``referral_ids`` (移送), or in
      ``complaint_ids`` (already flagged, as stored in records); π = 1.
    - **Risk objects** (风险对象): risk class (as the item's department rates it) at or above
      ``risk_threshold``.
    - **General objects** (一般对象): everyone else.

    Risk and general objects share the item's volume (version 2, spec §3): in each round, π is
    proportional to ``matrix.multiplier(credit, risk)`` among the cells taking part in it
    (``matrix.frequency``, spread evenly by :func:`active_rounds`), 0 in the others, with one factor for
    the year so that the year's expected risk and general visits are ``item.ratio × N``
    (``ratio_mode="volume"``, the default); with ``ratio_mode="absolute"`` the values are
    ``item.ratio × multiplier`` in every round the cell takes part in. A round share above 1 raises a
    cell's frequency (提高抽查频次, §四(八)4): the item then has :meth:`rounds` = :func:`item_rounds` rounds a
    year, more than its frequency, all sharing the one volume; key and problem objects are drawn in every
    one of them. The ceiling ``floor(item.cap × N)``
    (不超过 counts whole objects) bounds the visits of the whole year by default (``item.cap_period``):
    key and problem visits of every round count, and when the rounds' requests, each rounded up, would
    not fit, the year's risk and general visits become a whole number apportioned to the rounds, so the
    number drawn in the year never exceeds the ceiling. Values reaching 1 are set to 1 and the rest
    rescaled (R ``sampling::inclusionprobabilities``). Mandatory objects are never trimmed: if they alone
    exceed the ceiling, the :class:`CapReport` says so and the others get π = 0 (or
    :class:`CapExceededError` is raised with ``on_cap_exceeded="raise"``). Key items (``cap=None``) have
    no ceiling; values clipped at 1 then pass their excess to the other objects, so a π can exceed
    ``ratio × multiplier`` in absolute mode.

    Parameters
    ----------
    matrix:
        Credit-risk matrix (default :class:`SamrMatrix`).
    key_ids, filed_case_ids, referral_ids, complaint_ids:
        Explicit id lists. Key ids must be in the frame; the others are ignored outside it. From version 2
        they are not published: the commitment holds a salted digest per (object, reason) pair
        (:func:`randinspect.draw.public_policy`) and the lists go to auditors in the record's opening.
    complaints:
        Complaint records (投诉举报) for ``complaint_rule``.
    complaint_rule:
        Default: 3 or more complaints in 12 months.
    reference_date:
        Date the complaint window ends (the draw's reference date). Unset, it is the commitment date:
        :func:`randinspect.draw.commit` and :func:`randinspect.draw.draw` set it to their
        ``committed_on`` (:meth:`committed_on`), or, without one, to the cycle's draw deadline
        (:func:`default_commitment_date`, 10 November of the year before the plan year). It may not be
        after the commitment date (:class:`randinspect.errors.ComplaintWindowError`). The record states
        the window (``policy.complaint_window``).
    risk_threshold:
        Lowest risk class of risk objects (default ``"high"``).
    on_cap_exceeded:
        ``"report"`` (default) or ``"raise"``.
    ratio_mode:
        ``"volume"`` (default) or ``"absolute"`` (see above).
    disclosure:
        ``"public"`` (default): the public record lists each drawn object's tier and π; ``"auditors"``:
        the public record lists drawn objects by id and stratum only, since π and tier of single objects
        reveal credit-risk classes that many cities do not publish (auditors re-run the draw with the
        opening and the directory and see everything).
    units:
        ``"shared"`` (default): one systematic sample with one start runs through the frame ordered by
        stratum, so the total drawn is within one of Σπ but the strata's samples are dependent (some pairs
        of objects in different strata are never drawn together). ``"independent"``: every stratum
        (supervising unit) is a systematic sample of its own, with its own start from its own context;
        π is unchanged and each stratum still gets the floor or the ceiling of its Σπ, but the total is
        only within one *per stratum* of Σπ.
    reason_salt:
        The secret salting the reason digests (default: 32 fresh random bytes in hex). Use the same policy
        object (or the same salt) for :func:`randinspect.draw.commit` and :func:`randinspect.draw.draw`.
    algorithm_version:
        ``1`` only to verify records of version 1.
    """

    matrix: CreditRiskMatrix = attrs.field(factory=SamrMatrix)
    key_ids: tuple[str, ...] = attrs.field(default=(), converter=_ids_tuple)
    filed_case_ids: tuple[str, ...] = attrs.field(default=(), converter=_ids_tuple)
    referral_ids: tuple[str, ...] = attrs.field(default=(), converter=_ids_tuple)
    complaint_ids: tuple[str, ...] = attrs.field(default=(), converter=_ids_tuple)
    complaints: tuple[ComplaintRecord, ...] = attrs.field(
        default=(), converter=_complaints_tuple, repr=False, eq=False
    )
    complaint_rule: ComplaintRule = attrs.field(factory=ComplaintRule)
    reference_date: dt.date | None = None
    risk_threshold: str = DEFAULT_RISK_THRESHOLD
    on_cap_exceeded: Literal["report", "raise"] = "report"
    ratio_mode: Literal["volume", "absolute"] = "volume"
    disclosure: Literal["public", "auditors"] = "public"
    units: Literal["shared", "independent"] = "shared"
    reason_salt: str = attrs.field(factory=lambda: secrets.token_hex(32), eq=False, repr=False)
    algorithm_version: int = ALGORITHM_VERSION

    def __attrs_post_init__(self) -> None:
        _check_units(self.units)
        if self.disclosure not in DISCLOSURES:
            raise ConfigurationError(
                f"disclosure must be 'public' (the π table may be published) or 'auditors' (π and tiers of "
                f"single objects go to designated auditors only), not {self.disclosure!r}"
            )
        if not isinstance(self.reason_salt, str) or len(self.reason_salt) < 32:
            raise ConfigurationError(
                "reason_salt must be a secret text of at least 32 characters (secrets.token_hex(32))"
            )
        if self.on_cap_exceeded not in ("report", "raise"):
            raise ConfigurationError(
                f"on_cap_exceeded must be 'report' or 'raise', not {self.on_cap_exceeded!r}"
            )
        _check_mode(self.ratio_mode)
        _check_version_field(self.algorithm_version)

    def _reference(self, item: CheckItem) -> dt.date:
        if self.reference_date is not None:
            return self.reference_date
        if self.algorithm_version == 1:
            return dt.date(item.year, 1, 1)  # version 1's default (its records store the date they used)
        return default_commitment_date(item.year)

    def committed_on(self, day: dt.date, item: CheckItem) -> TieredPolicy:
        """This policy for a commitment made on ``day``: the complaint window ends on ``day`` unless
        ``reference_date`` is set, which may not be later (:func:`randinspect.draw.commit` calls it).

        Raises
        ------
        ComplaintWindowError
            If ``reference_date`` is after ``day``: complaints received after the draw would count.
        """
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise ConfigurationError(f"item {item.id!r}: the commitment date {day!r} must be a datetime.date")
        if self.reference_date is None:
            return attrs.evolve(self, reference_date=day)
        if self.reference_date > day:
            first, last = self.complaint_rule.window(self.reference_date)
            raise ComplaintWindowError(
                f"item {item.id!r}: the complaint window {first.isoformat()}..{last.isoformat()} "
                f"(reference_date) ends after the commitment date {day.isoformat()}; complaints received "
                "after the draw cannot make an object a problem object (rule: the window ends on the "
                "draw's reference date, at the latest the commitment date, §四(五)2) — set reference_date "
                "on or before the commitment date, or leave it unset to end the window on it"
            )
        return self

    def tiers(self, frame: DrawFrame, item: CheckItem) -> tuple[npt.NDArray[np.int8], dict[str, list[str]]]:
        """Tier code per frame object and the resolved id lists (key, problem sources) within the frame.

        Raises
        ------
        ConfigurationError
            If a key id is not in the frame (outside the scope, dormant or unknown).
        ScaleError
            If ``risk_threshold`` is not a risk class of the frame.
        """
        n = len(frame)
        key_pos, missing = frame.positions(self.key_ids)
        if missing:
            shown = ", ".join(repr(m) for m in missing[:5])
            raise ConfigurationError(
                f"item {item.id!r}: {len(missing)} key id(s) not in the frame ({shown}); key objects must be "
                "in the item's scope and alive — fix the list or the scope"
            )
        key = frame.key.copy()
        key[key_pos] = True
        flagged = (
            self.complaint_rule.flagged(self.complaints, self._reference(item)) if self.complaints else ()
        )
        sources = {
            "filed_case_ids": self.filed_case_ids,
            "referral_ids": self.referral_ids,
            "complaint_ids": tuple(sorted(set(self.complaint_ids) | set(flagged))),
        }
        problem = np.zeros(n, dtype=bool)
        resolved: dict[str, list[str]] = {"key_ids": frame._ids_at(key_pos).tolist()}
        for name, ids in sources.items():
            pos, _ = frame.positions(ids)
            problem[pos] = True
            resolved[name] = frame._ids_at(pos).tolist()
        if self.risk_threshold not in frame.risk_levels:
            raise ScaleError(
                f"risk threshold {self.risk_threshold!r} is not a risk class of the frame "
                f"({', '.join(frame.risk_levels)})"
            )
        risky = frame.risk_codes >= frame.risk_levels.index(self.risk_threshold)
        codes = np.full(n, Tier.GENERAL.code, dtype=np.int8)
        codes[risky] = Tier.RISK.code
        codes[problem] = Tier.PROBLEM.code
        codes[key] = Tier.KEY.code
        return codes, resolved

    def inclusion(self, frame: DrawFrame, item: CheckItem, *, round: int = 1) -> InclusionTable:
        """The π table of ``item`` over ``frame`` for ``round`` (see the class docstring).

        Raises
        ------
        ConfigurationError
            On a ratio or cap outside [0, 1], a round outside the item's frequency, or a key id outside
            the frame.
        ScaleError
            If the matrix does not cover a credit grade or risk class present in the frame.
        CapExceededError
            With ``on_cap_exceeded="raise"``, if mandatory objects alone exceed the cap.
        """
        if self.algorithm_version == 1:
            return self._inclusion_v1(frame, item, round)
        return self._inclusion_v2(frame, item, round)

    def rounds(self, item: CheckItem) -> int:
        """The item's rounds a year under the policy's matrix (:func:`item_rounds`; version 1: its frequency).

        Raises
        ------
        RoundShareError
            If a raised round share of the matrix gives no whole number of rounds.
        """
        return item.frequency if self.algorithm_version == 1 else item_rounds(item, self.matrix)

    def _inclusion_v2(self, frame: DrawFrame, item: CheckItem, round: int) -> InclusionTable:
        rounds = self.rounds(item)
        _check_round(item, round, rounds)
        _check_share(item.ratio, "ratio", item.id)
        if item.cap is not None:
            _check_share(item.cap, "cap", item.id)
        _check_ceiling(item)
        n = len(frame)
        if n == 0:
            raise EmptyFrameError(f"item {item.id!r}: the frame is empty")
        tier_codes, resolved = self.tiers(frame, item)
        mandatory = tier_codes <= Tier.PROBLEM.code
        n_mandatory = int(mandatory.sum())
        cell, n_risk = _cell_codes(frame)
        n_cells = len(frame.credit_levels) * n_risk
        group = np.where(mandatory, n_cells, cell)
        members = _positions_by_group(group, n_cells + 1)
        counts = [int(members[c].size) for c in range(n_cells)]
        values, total, report = self.plan(
            item, round, counts, n_mandatory, frame.credit_levels, frame.risk_levels
        )
        numerators = largest_remainder(values, members, total, n)
        return InclusionTable(
            frame=frame,
            tier_codes=tier_codes,
            numerators=numerators,
            round=round,
            rounds=rounds,
            policy=self.table_params(item, resolved),
            cap_report=report,
        )

    def plan(
        self,
        item: CheckItem,
        round: int,
        counts: Sequence[int],
        n_mandatory: int,
        credit_levels: Sequence[str],
        risk_levels: Sequence[str],
    ) -> tuple[list[Fraction], int, CapReport]:
        """The π arithmetic of a version 2 round from group sizes alone (no frame needed).

        ``counts[c]`` is the number of risk and general objects of credit-risk cell ``c`` (credit major,
        ``c = credit_index × len(risk_levels) + risk_index``) and ``n_mandatory`` the number of key and
        problem objects. Returns the exact value of every group (the cells, then the mandatory group at 1),
        the sum of numerators that :func:`~randinspect.draw._inclusion.largest_remainder` must reach, and
        the :class:`CapReport`. :meth:`inclusion` is this plus the tiers and the rounding over the frame's
        members; a distributed draw (``randinspect.scale``) calls it with sizes summed over partitions.

        Raises
        ------
        ConfigurationError, CeilingError, EmptyFrameError, ScaleError, CapExceededError
            As :meth:`inclusion`.
        """
        if self.algorithm_version == 1:
            raise ConfigurationError("TieredPolicy.plan implements draw algorithm version 2 only")
        rounds = self.rounds(item)
        _check_round(item, round, rounds)
        ratio = _check_share(item.ratio, "ratio", item.id)
        cap = None if item.cap is None else _check_share(item.cap, "cap", item.id)
        _check_ceiling(item)
        n_risk = len(risk_levels)
        n_cells = len(credit_levels) * n_risk
        if len(counts) != n_cells:
            raise InputError(f"counts has {len(counts)} cells, the levels make {n_cells}")
        counts = [int(k) for k in counts]
        n = sum(counts) + n_mandatory
        if n == 0:
            raise EmptyFrameError(f"item {item.id!r}: the frame is empty")
        mults: list[Fraction] = []
        active: list[tuple[int, ...]] = []
        for c in range(n_cells):
            if counts[c] == 0:
                mults.append(Fraction(0))
                active.append(())
                continue
            credit, risk = credit_levels[c // n_risk], risk_levels[c % n_risk]
            mults.append(Fraction(self.matrix.multiplier(credit, risk)))
            share = Fraction(self.matrix.frequency(credit, risk))
            active.append(active_rounds(share, rounds, frequency=item.frequency))
        per_value = [m if self.ratio_mode == "volume" else ratio * m for m in mults]

        def raw_of(r: int) -> list[Fraction]:
            return [v if r in active[c] else Fraction(0) for c, v in enumerate(per_value)]

        def room(r: int) -> int:
            return sum(k for c, k in enumerate(counts) if r in active[c] and per_value[c] > 0)

        weights = [
            sum((v * k for v, k in zip(raw_of(r), counts, strict=True)), Fraction(0))
            for r in range(1, rounds + 1)
        ]
        if self.ratio_mode == "volume":
            volume = ratio * n
            whole = sum(weights, Fraction(0))
            wanted = [Fraction(0) if whole == 0 else volume * w / whole for w in weights]
        else:
            volume = sum(weights, Fraction(0))
            wanted = list(weights)
        wanted = [min(w, Fraction(room(r))) for r, w in zip(range(1, rounds + 1), wanted, strict=True)]
        ceiling = None if cap is None else cap * n
        period = item.cap_period
        counted = n_mandatory if period == "round" else rounds * n_mandatory
        exceeded = ceiling is not None and counted > ceiling
        if exceeded and self.on_cap_exceeded == "raise":
            raise CapExceededError(
                f"item {item.id!r}: {counted} key/problem visits ({n_mandatory} objects × "
                f"{1 if period == 'round' else rounds} round(s)) exceed the {period}ly ceiling "
                f"{float(ceiling or 0):.2f} (cap {item.cap} of {n}); raise the cap or review the lists"
            )
        budgets = _round_budgets(wanted, cap, period, n, n_mandatory)
        raw = raw_of(round)
        budget = budgets[round - 1]
        values, scale = _rescale_capped(raw, counts, budget)
        total = math.floor(budget * DENOMINATOR) + n_mandatory * DENOMINATOR
        requested_rest = wanted[round - 1]
        report = CapReport(
            cap=cap,
            frame_size=n,
            ceiling=ceiling,
            mandatory=n_mandatory,
            requested=requested_rest + n_mandatory,
            granted=Fraction(total, DENOMINATOR),
            scale=scale if requested_rest > 0 else Fraction(1),
            exceeded=bool(exceeded),
            mode=self.ratio_mode,
            period=None if cap is None else period,
            rounds=rounds,
            volume=volume,
            round_budgets=tuple(budgets),
        )
        return [*values, Fraction(1)], total, report

    def table_params(self, item: CheckItem, resolved: Mapping[str, Iterable[str]]) -> dict[str, Any]:
        """The parameters a version 2 π table stores: :meth:`to_dict` with the id lists resolved within the
        frame (as :meth:`tiers` returns them), the reference date and the complaint window."""
        params = self.to_dict()
        params.update({name: list(ids) for name, ids in resolved.items()})
        reference = self._reference(item)
        params["reference_date"] = reference.isoformat()
        first, last = self.complaint_rule.window(reference)
        params["complaint_window"] = [first.isoformat(), last.isoformat()]
        return params

    def _inclusion_v1(self, frame: DrawFrame, item: CheckItem, round: int) -> InclusionTable:
        # Algorithm version 1 (kept to verify old records): ratio × multiplier per round, ceiling per round.
        _check_round(item, round)
        ratio = _check_share(item.ratio, "ratio", item.id)
        cap = None if item.cap is None else _check_share(item.cap, "cap", item.id)
        n = len(frame)
        if n == 0:
            raise EmptyFrameError(f"item {item.id!r}: the frame is empty")
        tier_codes, resolved = self.tiers(frame, item)
        mandatory = tier_codes <= Tier.PROBLEM.code
        n_mandatory = int(mandatory.sum())
        cell, n_risk = _cell_codes(frame)
        n_cells = len(frame.credit_levels) * n_risk
        group = np.where(mandatory, n_cells, cell)
        members = _positions_by_group(group, n_cells + 1)
        raw: list[Fraction] = []
        counts: list[int] = []
        for c in range(n_cells):
            size = int(members[c].size)
            credit, risk = frame.credit_levels[c // n_risk], frame.risk_levels[c % n_risk]
            if size == 0:
                raw.append(Fraction(0))
            else:
                mult = Fraction(self.matrix.multiplier(credit, risk))
                share = Fraction(self.matrix.frequency(credit, risk))
                active = round in active_rounds(share, item.frequency)
                raw.append(ratio * mult if active else Fraction(0))
            counts.append(size)
        requested_rest = sum((r * k for r, k in zip(raw, counts, strict=True)), Fraction(0))
        requested = requested_rest + n_mandatory
        ceiling = None if cap is None else cap * n
        exceeded = ceiling is not None and n_mandatory > ceiling
        if exceeded and self.on_cap_exceeded == "raise":
            raise CapExceededError(
                f"item {item.id!r}: {n_mandatory} key/problem objects exceed the ceiling "
                f"{float(ceiling or 0):.2f} (cap {item.cap} of {n}); raise the cap or review the lists"
            )
        # With a cap the budget of risk and general objects is an integer, floor(cap·N) − M (or less, Σp):
        # systematic selection draws ⌊Σπ⌋ or ⌈Σπ⌉ objects, so Σπ ≤ floor(cap·N) keeps the number drawn
        # within the ceiling (不超过), not only its expectation.
        budget = (
            requested_rest
            if ceiling is None
            else min(requested_rest, Fraction(max(0, math.floor(ceiling) - n_mandatory)))
        )
        budget = min(budget, Fraction(sum(k for r, k in zip(raw, counts, strict=True) if r > 0)))
        values, scale = _rescale_capped(raw, counts, budget)
        target = math.floor(budget * DENOMINATOR)
        numerators = largest_remainder([*values, Fraction(1)], members, target + n_mandatory * DENOMINATOR, n)
        report = CapReport(
            cap=cap,
            frame_size=n,
            ceiling=ceiling,
            mandatory=n_mandatory,
            requested=requested,
            granted=Fraction(int(numerators.sum()), DENOMINATOR),
            scale=scale if requested_rest > 0 else Fraction(1),
            exceeded=bool(exceeded),
        )
        params = self.to_dict()
        params.update(resolved)
        params["reference_date"] = self._reference(item).isoformat()
        return InclusionTable(
            frame=frame,
            tier_codes=tier_codes,
            numerators=numerators,
            round=round,
            rounds=item.frequency,
            policy=params,
            cap_report=report,
            algorithm_version=1,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters (complaint records themselves are not included, only the ids they flag)."""
        to_dict = getattr(self.matrix, "to_dict", None)
        return {
            "kind": "tiered",
            "matrix": to_dict() if to_dict is not None else {"kind": type(self.matrix).__name__},
            "key_ids": list(self.key_ids),
            "filed_case_ids": list(self.filed_case_ids),
            "referral_ids": list(self.referral_ids),
            "complaint_ids": list(self.complaint_ids),
            "complaint_rule": self.complaint_rule.to_dict(),
            "reference_date": None if self.reference_date is None else self.reference_date.isoformat(),
            "risk_threshold": self.risk_threshold,
            "on_cap_exceeded": self.on_cap_exceeded,
            **(
                {
                    "ratio_mode": self.ratio_mode,
                    "disclosure": self.disclosure,
                    "units": self.units,
                    "reason_salt": self.reason_salt,
                }
                if self.algorithm_version > 1
                else {}
            ),
        }


@attrs.frozen(kw_only=True)
class StratifiedPolicy:
    """Plain stratified simple random sampling (分层随机抽查), without tiers.

    Every object is a general object: key scopes and key or problem lists are not used (the tiered policy
    is the policy for them). The year's sample size is ``n = ceil(ratio × N)`` in volume mode (a ratio is
    a minimum share, 不低于), at most ``floor(cap × N)`` with a yearly cap — so with the default cap
    (= ratio) it is ``floor(ratio × N)`` — split over the item's rounds by :func:`apportion` (earlier rounds
    first on ties). In absolute mode every round asks for ``ceil(ratio × N)``, and a yearly cap
    apportions ``floor(cap × N)`` over the rounds. With a per-round cap each round's size is at most
    ``floor(cap × N)``. A round's size ``n_r`` is allocated to strata proportionally to their sizes by
    largest remainders (Hamilton, ties by stratum label), ``n_h``, and every object of stratum ``h`` gets
    π = ``n_h / N_h`` (rounded to ``D`` with the stratum's sum exact), so systematic selection draws
    exactly ``n_h`` objects in every stratum.

    Parameters
    ----------
    ratio_mode:
        ``"volume"`` (default) or ``"absolute"``.
    units:
        ``"shared"`` (default) or ``"independent"``, as for :class:`TieredPolicy` (each stratum's size is
        exact either way).
    algorithm_version:
        ``1`` only to verify records of version 1 (``n = ceil(ratio × N)`` per round, at most
        ``floor(cap × N)`` per round).
    """

    ratio_mode: Literal["volume", "absolute"] = "volume"
    units: Literal["shared", "independent"] = "shared"
    algorithm_version: int = ALGORITHM_VERSION

    def __attrs_post_init__(self) -> None:
        _check_mode(self.ratio_mode)
        _check_units(self.units)
        _check_version_field(self.algorithm_version)

    def rounds(self, item: CheckItem) -> int:
        """The item's rounds a year: its frequency (the stratified policy has no matrix to raise it)."""
        return item.frequency

    def round_sizes(self, n: int, item: CheckItem) -> list[int]:
        """The sample size of every round of ``item`` over a frame of ``n`` objects (version 2)."""
        ratio = _check_share(item.ratio, "ratio", item.id)
        cap = None if item.cap is None else _check_share(item.cap, "cap", item.id)
        rounds = item.frequency
        if self.ratio_mode == "volume":
            sizes = apportion(math.ceil(ratio * n), [Fraction(1)] * rounds)
        else:
            sizes = [math.ceil(ratio * n)] * rounds
        if cap is not None:
            limit = math.floor(cap * n)
            if item.cap_period == "round":
                sizes = [min(k, limit) for k in sizes]
            elif sum(sizes) > limit:
                sizes = apportion(limit, [Fraction(k) for k in sizes])
        return sizes

    def inclusion(self, frame: DrawFrame, item: CheckItem, *, round: int = 1) -> InclusionTable:
        """The π table (see the class docstring).

        Raises
        ------
        ConfigurationError
            On a ratio or cap outside [0, 1] or a round outside the item's frequency.
        """
        n = len(frame)
        n_strata = len(frame.stratum_labels)
        if n_strata < 2**15:
            strata_sizes = np.diff(frame._stratum_groups()[1]).tolist()
        else:
            strata_sizes = np.bincount(frame.stratum_codes, minlength=n_strata).tolist()
        alloc, report = self.allocation(item, round, strata_sizes)
        # largest_remainder of each stratum on its own (π = n_h / N_h, the stratum's sum exact): every
        # member gets floor(n_h·D / N_h), and the first (n_h·D mod N_h) members by position one more
        units = [
            divmod(a * DENOMINATOR, size) if size else (0, 0)
            for a, size in zip(alloc, strata_sizes, strict=True)
        ]
        groups = frame._stratum_groups() if n_strata < 2**15 else None
        numerators = group_numerators(
            frame.stratum_codes, [b for b, _ in units], [e for _, e in units], groups
        )
        return InclusionTable(
            frame=frame,
            tier_codes=np.full(n, Tier.GENERAL.code, dtype=np.int8),
            numerators=numerators,
            round=round,
            rounds=item.frequency,
            policy={**self.to_dict(), "allocation": dict(zip(frame.stratum_labels, alloc, strict=True))},
            cap_report=report,
            algorithm_version=self.algorithm_version,
        )

    def allocation(
        self, item: CheckItem, round: int, strata_sizes: Sequence[int]
    ) -> tuple[list[int], CapReport]:
        """The sample size of every stratum in ``round`` and the :class:`CapReport`, from the stratum sizes
        alone (strata in label order). :meth:`inclusion` is this plus the rounding of ``n_h / N_h`` over
        each stratum's members; a distributed draw (``randinspect.scale``) calls it with sizes summed over
        partitions.

        Raises
        ------
        ConfigurationError, CeilingError, EmptyFrameError
            As :meth:`inclusion`.
        """
        _check_round(item, round)
        ratio = _check_share(item.ratio, "ratio", item.id)
        cap = None if item.cap is None else _check_share(item.cap, "cap", item.id)
        strata_sizes = [int(s) for s in strata_sizes]
        n = sum(strata_sizes)
        if n == 0:
            raise EmptyFrameError(f"item {item.id!r}: the frame is empty")
        ceiling = None if cap is None else cap * n
        sizes: list[int] | None = None
        if self.algorithm_version == 1:
            size = math.ceil(ratio * n)
            if ceiling is not None:
                size = min(size, math.floor(ceiling))
        else:
            _check_ceiling(item)
            sizes = self.round_sizes(n, item)
            size = sizes[round - 1]
        n_strata = len(strata_sizes)
        # quota size·N_h/N: its floor, and its fractional part as an integer numerator over N
        alloc = [size * s // n for s in strata_sizes]
        left = size - sum(alloc)
        for h in sorted(range(n_strata), key=lambda h: (-(size * strata_sizes[h] % n), h))[:left]:
            alloc[h] += 1
        volume = (
            None
            if sizes is None
            else Fraction(math.ceil(ratio * n) * (1 if self.ratio_mode == "volume" else item.frequency))
        )
        report = CapReport(
            cap=cap,
            frame_size=n,
            ceiling=ceiling,
            mandatory=0,
            requested=ratio * n,
            granted=Fraction(size),
            scale=Fraction(1),
            exceeded=False,
            mode=None if sizes is None else self.ratio_mode,
            period=None if sizes is None or cap is None else item.cap_period,
            rounds=None if sizes is None else item.frequency,
            volume=volume,
            round_budgets=None if sizes is None else tuple(Fraction(k) for k in sizes),
        )
        return alloc, report

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters."""
        if self.algorithm_version == 1:
            return {"kind": "stratified"}
        return {"kind": "stratified", "ratio_mode": self.ratio_mode, "units": self.units}


def policy_from_dict(
    data: Mapping[str, Any], *, version: int = ALGORITHM_VERSION
) -> TieredPolicy | StratifiedPolicy:
    """Rebuild a built-in policy from the parameters stored in an :class:`InclusionTable` or a record.

    Parameters
    ----------
    data:
        The stored parameters (``Commitment.policy``).
    version:
        The record's draw algorithm version: ``1`` rebuilds the version 1 rules (to verify old records).

    Raises
    ------
    ConfigurationError
        If ``kind`` is not a built-in policy (pass your own policy to ``verify`` instead), or a parameter
        is missing or malformed.
    """
    if not isinstance(data, Mapping):
        raise ConfigurationError(f"policy parameters must be a JSON object, not {type(data).__name__}")
    _check_version_field(version)
    kind = data.get("kind")
    stored = "volume" if version == 1 else data.get("ratio_mode", "volume")
    if stored not in RATIO_MODES:
        raise ConfigurationError(f"policy ratio_mode {stored!r} is not 'volume' or 'absolute'")
    mode: Literal["volume", "absolute"] = "absolute" if stored == "absolute" else "volume"
    units = data.get("units", "shared") if version > 1 else "shared"
    if units not in UNIT_MODES:
        raise ConfigurationError(f"policy units {units!r} is not 'shared' or 'independent'")
    unit_mode: Literal["shared", "independent"] = "independent" if units == "independent" else "shared"
    if kind == "stratified":
        return StratifiedPolicy(ratio_mode=mode, units=unit_mode, algorithm_version=version)
    if kind == "tiered":
        try:
            ref = data.get("reference_date")
            return TieredPolicy(
                matrix=matrix_from_dict(data["matrix"]),
                key_ids=data.get("key_ids", ()),
                filed_case_ids=data.get("filed_case_ids", ()),
                referral_ids=data.get("referral_ids", ()),
                complaint_ids=data.get("complaint_ids", ()),
                complaint_rule=ComplaintRule.from_dict(data.get("complaint_rule", {})),
                reference_date=None if ref is None else dt.date.fromisoformat(str(ref)),
                risk_threshold=str(data.get("risk_threshold", DEFAULT_RISK_THRESHOLD)),
                on_cap_exceeded=data.get("on_cap_exceeded", "report"),
                ratio_mode=mode,
                algorithm_version=version,
                **(
                    {
                        "disclosure": data.get("disclosure", "public"),
                        "units": unit_mode,
                        **({"reason_salt": str(data["reason_salt"])} if "reason_salt" in data else {}),
                    }
                    if version > 1
                    else {}
                ),
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, RandInspectError):
                raise
            raise ConfigurationError(
                f"tiered policy parameters are malformed ({type(exc).__name__}: {exc}); they must be as "
                "TieredPolicy.to_dict() writes them"
            ) from None
    raise ConfigurationError(
        f"policy kind {kind!r} is not built in ('tiered', 'stratified'); pass the policy object itself"
    )


def _at_commitment(
    policy: SamplingPolicy | None, item: CheckItem, committed_on: dt.date | None
) -> SamplingPolicy | None:
    """``policy`` for a commitment made on ``committed_on`` (unchanged when ``None`` or for a policy
    without a reference date); ``None`` stands for the default ``TieredPolicy()``."""
    if committed_on is None:
        return policy
    chosen: Any = TieredPolicy() if policy is None else policy
    method = getattr(chosen, "committed_on", None)
    return method(committed_on, item) if callable(method) else chosen  # type: ignore[no-any-return]


def inclusion_probabilities(
    directory: ObjectDirectory | DrawFrame,
    item: CheckItem,
    policy: SamplingPolicy | None = None,
    *,
    round: int = 1,
    stratum: str = "unit",
    committed_on: dt.date | None = None,
) -> InclusionTable:
    """Exact inclusion probabilities of ``item`` over a directory, without drawing.

    Researchers use it for expected counts (``table.expected_by_tier()``) without Monte Carlo.

    Parameters
    ----------
    directory:
        The object directory (the frame is built from ``item.scope``) or a ready :class:`DrawFrame`.
    item:
        The check item (ratio, cap, frequency, key scope).
    policy:
        A :class:`randinspect.typing.SamplingPolicy`; default ``TieredPolicy()``.
    round:
        The round (1-based, at most ``item.frequency``).
    stratum:
        Directory column of the strata (ignored for a ready frame).
    committed_on:
        The commitment date: a tiered policy without ``reference_date`` ends its complaint window on it
        (default :func:`default_commitment_date`); see :meth:`TieredPolicy.committed_on`.

    Returns
    -------
    InclusionTable
        Tier, stratum and exact π per frame object.

    Raises
    ------
    EmptyFrameError
        If the scope selects no object.
    ComplaintWindowError
        If the policy's ``reference_date`` is after ``committed_on``.
    ConfigurationError, ScaleError, CapExceededError
        As the policy raises them.
    """
    policy = _at_commitment(policy, item, committed_on)
    frame = (
        directory
        if isinstance(directory, DrawFrame)
        else DrawFrame.from_directory(directory, item, stratum=stratum)
    )
    chosen: SamplingPolicy = TieredPolicy() if policy is None else policy
    table = chosen.inclusion(frame, item, round=round)
    if not isinstance(table, InclusionTable) or (
        table.frame is not frame and table.frame.digest != frame.digest
    ):
        raise InputError("the policy must return an InclusionTable over the frame it was given")
    return table
