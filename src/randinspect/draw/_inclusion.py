"""Exact inclusion probabilities (入样概率): integers over the fixed denominator ``D = 2**32``.

Why ``2**32``:

- ``π = a / 2**32`` has a finite decimal expansion (at most 32 digits after the point), so the published
  decimal string is the exact value, not a rounding;
- cumulative sums of numerators stay below ``2**63`` for frames of up to ``2**31`` (2.1 billion) objects,
  so int64 arithmetic is exact at national scale (181 million market entities);
- a spreadsheet (IEEE doubles, exact integers up to ``2**53``) holds the cumulative sums exactly while the
  expected number drawn is below ``2**21`` (about two million), and the start is the last 8 hex digits of
  a SHA-256 (``HEX2DEC`` reads them);
- the step ``2**-32`` (2.3e-10) is far finer than any ratio a department sets.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.draw._frame import (
    TIERS,
    DrawFrame,
    _ascii_lines,
    _ByteTable,
    _lines_digest,
    _readonly,
    _utf8,
)
from randinspect.errors import InputError

__all__ = [
    "ALGORITHM_VERSION",
    "DENOMINATOR",
    "CapReport",
    "InclusionTable",
    "decimal_string",
    "largest_remainder",
]

DENOMINATOR: Final = 2**32
"""The fixed denominator ``D`` of published inclusion probabilities."""

ALGORITHM_VERSION: Final = 2
"""Version of the draw algorithm (frame, π rounding, tickets, selection) of ``docs/draw-spec.md``.

Version 2 (ratio as the yearly volume, yearly ceilings) replaced version 1 (ratio × multiplier per round,
ceiling per round); records of version 1 still verify by the version 1 rules."""

IntArray = npt.NDArray[np.int64]


def decimal_string(numerator: int, denominator: int = DENOMINATOR) -> str:
    """The exact decimal expansion of ``numerator / denominator`` for a power-of-two denominator.

    Examples
    --------
    >>> decimal_string(2**31)
    '0.5'
    >>> decimal_string(1)
    '0.00000000023283064365386962890625'
    >>> decimal_string(2**32)
    '1'
    """
    if denominator <= 0 or denominator & (denominator - 1):
        raise InputError(f"denominator {denominator} must be a power of two")
    if numerator < 0:
        raise InputError(f"numerator {numerator} must not be negative")
    places = denominator.bit_length() - 1
    whole, rest = divmod(numerator, denominator)
    if rest == 0:
        return str(whole)
    digits = str(rest * 5**places).rjust(places, "0").rstrip("0")
    return f"{whole}.{digits}"


def largest_remainder(
    values: Sequence[Fraction], members: Sequence[npt.NDArray[np.int64]], target: int, size: int
) -> IntArray:
    """Round per-group exact values times ``D`` to integers keeping their sum exactly at ``target``.

    Every member of group ``g`` gets ``floor(values[g] * D)``; the ``target - sum`` units left go, one each,
    to the members with the largest fractional part (Hamilton's method): groups by fractional part,
    largest first (ties by group order), members by position (the canonical id order). So each numerator
    is the floor or the ceiling of its exact value and the sum is exactly ``target``.

    Parameters
    ----------
    values:
        Exact value per group, in ``[0, 1]``.
    members:
        Positions of each group's members, ascending.
    target:
        Required sum; must lie between the sum of floors and the sum of ceilings.
    size:
        Length of the returned array (positions outside every group get 0).

    Raises
    ------
    InputError
        If ``target`` cannot be reached by floors and ceilings.
    """
    bases, extras = largest_remainder_units(values, [int(m.size) for m in members], target)
    out = np.zeros(size, dtype=np.int64)
    for g, pos in enumerate(members):
        out[pos] = bases[g]
        if extras[g]:
            out[pos[: extras[g]]] += 1
    return out


def largest_remainder_units(
    values: Sequence[Fraction], sizes: Sequence[int], target: int
) -> tuple[list[int], list[int]]:
    """The rounding of :func:`largest_remainder` from group sizes alone: per group, the numerator every
    member gets (``floor(values[g] * D)``) and how many of its first members (by position) get one more.

    A distributed draw uses it with sizes summed over partitions (randinspect.scale).

    Raises
    ------
    InputError
        If ``target`` cannot be reached by floors and ceilings.
    """
    bases: list[int] = []
    fracs: list[tuple[Fraction, int]] = []
    total = 0
    for g, (value, n_g) in enumerate(zip(values, sizes, strict=True)):
        scaled = value * DENOMINATOR
        base = math.floor(scaled)
        bases.append(base)
        total += base * n_g
        if scaled != base and n_g:
            fracs.append((scaled - base, g))
    left = target - total
    capacity = sum(sizes[g] for _, g in fracs)
    if left < 0 or left > capacity:
        raise InputError(f"target {target} cannot be reached by rounding (floors sum to {total})")
    extras = [0] * len(bases)
    for _, g in sorted(fracs, key=lambda fg: (-fg[0], fg[1])):
        if left == 0:
            break
        take = min(left, sizes[g])
        extras[g] = take
        left -= take
    return bases, extras


def group_numerators(
    group_of: IntArray,
    bases: Sequence[int],
    extras: Sequence[int],
    groups: tuple[npt.NDArray[np.signedinteger[Any]], IntArray] | None = None,
) -> IntArray:
    """The numerators :func:`largest_remainder` gives when its groups are the values of ``group_of``:
    every member of group ``g`` gets ``bases[g]``, and its first ``extras[g]`` members by position one
    more (the rounding of :func:`largest_remainder_units`), in a few passes over the frame whatever the
    number of groups.

    A member gets the extra unit when its position is below that of its group's first member without
    one (the member at index ``extras[g]``, counting from 0 by position). ``groups``, the positions
    grouped by ``group_of`` and their bounds (``stratum_groups``, which a frame keeps for its strata),
    finds those members without a pass over the frame.
    """
    codes = np.asarray(group_of)
    n = int(codes.shape[0])
    base = np.asarray(bases, dtype=np.int64)
    out = base[codes]
    extra = np.asarray(extras, dtype=np.int64)
    if n == 0 or not bool(extra.any()):
        return out
    if groups is None:
        first_without = _member_positions(codes, extra)
    else:
        positions, bounds = groups
        sizes = np.diff(bounds)[: extra.size]
        first_without = np.full(extra.size, n, dtype=np.int64)
        wanted = np.flatnonzero(extra < sizes)
        first_without[wanted] = positions[bounds[wanted] + extra[wanted]]
    out += np.arange(n) < first_without[codes]
    return out


_BLOCK: Final = 1 << 13
"""Rows per block when :func:`_member_positions` counts group members block by block."""


def _member_positions(codes: IntArray, index: IntArray) -> IntArray:
    """Per group ``g``, the position of its member number ``index[g]`` (from 0, by position), or the
    frame size when the group has no such member.

    The members are counted per block of rows, so only the block holding the member is searched; with
    many groups one stable sort of the codes is cheaper.
    """
    n = int(codes.shape[0])
    n_groups = int(index.shape[0])
    sizes = np.bincount(codes, minlength=n_groups)
    out = np.full(n_groups, n, dtype=np.int64)
    wanted = np.flatnonzero(index < sizes)
    if wanted.size > 256:
        keys = codes.astype(np.int16) if n_groups <= 2**15 else codes  # a stable int16 sort is a radix sort
        by_group = np.argsort(keys, kind="stable")
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        out[wanted] = by_group[starts[wanted] + index[wanted]]
        return out
    counted = np.cumsum(
        np.stack([np.bincount(codes[lo : lo + _BLOCK], minlength=n_groups) for lo in range(0, n, _BLOCK)]),
        axis=0,
    )
    for g in wanted.tolist():
        k = int(index[g])
        block = int(np.searchsorted(counted[:, g], k, side="right"))
        before = int(counted[block - 1, g]) if block else 0
        lo = block * _BLOCK
        out[g] = lo + int(np.flatnonzero(codes[lo : lo + _BLOCK] == g)[k - before])
    return out


def _frac_str(value: Fraction | None) -> str | None:
    if value is None:
        return None
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


@attrs.frozen(kw_only=True)
class CapReport:
    """How the cap (ratio ceiling, 抽查比例上限) bound a draw, and whether mandatory objects exceed it.

    The ceiling is a number of objects not to exceed (不超过), so a draw may select at most
    :attr:`limit` ``= floor(cap × N)`` objects. The built-in policies keep Σπ (``granted``) at most
    :attr:`limit` unless mandatory objects alone exceed it; as systematic selection draws the floor or the
    ceiling of Σπ, the number actually drawn is then at most :attr:`limit` as well.

    Attributes
    ----------
    cap:
        The item's cap as a share of the frame, or ``None`` (no ceiling, e.g. key items 重点事项).
    frame_size:
        ``N``, the number of objects in the frame.
    ceiling:
        ``cap * N``, exact (``None`` without a cap); it need not be a whole number (5 % of 1,915 is
        95.75, of which at most 95 objects may be drawn: :attr:`limit`).
    mandatory:
        Number of key and problem objects (π = 1).
    requested:
        Σπ before the cap: mandatory objects plus ratio × multiplier of the others.
    granted:
        Σπ after the cap, exact (published numerators / D): the expected number drawn. With a cap and
        ``exceeded`` false it is at most :attr:`limit`, and equal to it when the cap binds (the budget of
        the risk and general objects is then the integer ``limit − mandatory``).
    scale:
        Factor applied uniformly to the non-mandatory objects' ratio × multiplier (R
        ``inclusionprobabilities``): below 1 when the cap binds, above 1 when values clipped at 1 pass
        their excess to the others, 1 when nothing was rescaled, 0 when the budget is 0. When every
        positive value ends at 1 it is the factor that took the last of them there.
    exceeded:
        True when mandatory objects alone exceed the ceiling (equivalently :attr:`limit`, as their number
        is whole): they are all kept (never trimmed), the other objects get π = 0, and this report says by
        how much. With a yearly ceiling the mandatory visits of all rounds count (rounds × mandatory).
    mode:
        ``"volume"`` or ``"absolute"``: how the ratio was read (version 2; ``None`` in version 1 reports).
    period:
        ``"year"`` or ``"round"``: what the ceiling bounds (version 2; ``None`` without a cap or in
        version 1 reports).
    rounds:
        The item's rounds per year (version 2).
    volume:
        The risk and general visits the ratio asks for in the plan year, before the ceiling: ``ratio × N``
        in volume mode, Σ over rounds of ratio × multiplier in absolute mode (version 2).
    round_budgets:
        Σπ of the risk and general objects in each round after the ceiling (version 2); their sum,
        :attr:`year_budget`, is the year's expected risk and general visits.
    """

    cap: Fraction | None
    frame_size: int
    ceiling: Fraction | None
    mandatory: int
    requested: Fraction
    granted: Fraction
    scale: Fraction = Fraction(1)
    exceeded: bool = False
    mode: str | None = None
    period: str | None = None
    rounds: int | None = None
    volume: Fraction | None = None
    round_budgets: tuple[Fraction, ...] | None = None

    @property
    def year_budget(self) -> Fraction | None:
        """Σ of :attr:`round_budgets`: the expected risk and general visits of the plan year (version 2)."""
        return None if self.round_budgets is None else sum(self.round_budgets, Fraction(0))

    @property
    def limit(self) -> int | None:
        """``floor(ceiling)``: the most objects a draw may select under the cap (``None`` without a cap)."""
        return None if self.ceiling is None else math.floor(self.ceiling)

    @property
    def excess(self) -> Fraction:
        """How far mandatory objects exceed the ceiling (0 when they do not)."""
        if self.ceiling is None or not self.exceeded:
            return Fraction(0)
        return self.mandatory - self.ceiling

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (fractions as ``"p/q"`` strings, integers as ``"p"``; the spec, section 5)."""
        out: dict[str, Any] = {
            "cap": _frac_str(self.cap),
            "frame_size": self.frame_size,
            "ceiling": _frac_str(self.ceiling),
            "mandatory": self.mandatory,
            "requested": _frac_str(self.requested),
            "granted": _frac_str(self.granted),
            "scale": _frac_str(self.scale),
            "exceeded": self.exceeded,
        }
        if self.mode is not None:
            out["mode"] = self.mode
            out["period"] = self.period
            out["rounds"] = self.rounds
            out["volume"] = _frac_str(self.volume)
            out["round_budgets"] = [_frac_str(b) for b in self.round_budgets or ()]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CapReport:
        """Inverse of :meth:`to_dict`."""

        def frac(v: Any) -> Fraction | None:
            return None if v is None else Fraction(str(v))

        return cls(
            cap=frac(data["cap"]),
            frame_size=int(data["frame_size"]),
            ceiling=frac(data["ceiling"]),
            mandatory=int(data["mandatory"]),
            requested=Fraction(str(data["requested"])),
            granted=Fraction(str(data["granted"])),
            scale=Fraction(str(data["scale"])),
            exceeded=bool(data["exceeded"]),
            mode=None if data.get("mode") is None else str(data["mode"]),
            period=None if data.get("period") is None else str(data["period"]),
            rounds=None if data.get("rounds") is None else int(data["rounds"]),
            volume=frac(data.get("volume")),
            round_budgets=(
                None
                if data.get("round_budgets") is None
                else tuple(Fraction(str(b)) for b in data["round_budgets"])
            ),
        )

    def __str__(self) -> str:
        if self.exceeded:
            return (
                f"mandatory objects ({self.mandatory}) exceed the ceiling {float(self.ceiling or 0):.2f} "
                f"(cap {_frac_str(self.cap)} of {self.frame_size}) by {float(self.excess):.2f}; "
                "all are kept, "
                "the other objects get π = 0"
            )
        limit = "" if self.limit is None else f", at most {self.limit} under the cap"
        return (
            f"expected {float(self.granted):.2f} of {self.frame_size} objects "
            f"(requested {float(self.requested):.2f}{limit})"
        )


def _int8(values: npt.ArrayLike) -> npt.NDArray[np.int8]:
    return _readonly(np.asarray(values, dtype=np.int8))


def _int64(values: npt.ArrayLike) -> IntArray:
    return _readonly(np.asarray(values, dtype=np.int64))


@attrs.frozen(kw_only=True, eq=False, repr=False)
class InclusionTable:
    """The π table of one draw round (入样概率表): per frame object its tier, stratum and exact π.

    Published before the seed exists (its digest is part of the :class:`randinspect.draw.Commitment`).
    ``π_i = numerators[i] / denominator`` exactly; no randomness is involved.

    Attributes
    ----------
    frame:
        The frame, in canonical order.
    tier_codes:
        Tier per object (:attr:`Tier.code`).
    numerators:
        Integer π numerators in ``[0, denominator]``.
    denominator:
        ``D`` (:data:`DENOMINATOR`).
    round, rounds:
        This round (1-based) and the item's rounds per year.
    policy:
        JSON-ready parameters of the policy that made the table, enough to make it again
        (:func:`randinspect.draw.policy_from_dict` for the built-ins).
    cap_report:
        How the cap bound, and whether mandatory objects exceed it.
    algorithm_version:
        The draw algorithm version whose rules made the table (:data:`ALGORITHM_VERSION` unless a version 1
        record is being verified).
    """

    frame: DrawFrame
    tier_codes: npt.NDArray[np.int8] = attrs.field(converter=_int8)
    numerators: IntArray = attrs.field(converter=_int64)
    denominator: int = DENOMINATOR
    round: int = 1
    rounds: int = 1
    policy: Mapping[str, Any] = attrs.field(factory=dict)
    cap_report: CapReport
    algorithm_version: int = ALGORITHM_VERSION
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False)

    def __attrs_post_init__(self) -> None:
        n = len(self.frame)
        if self.tier_codes.shape != (n,) or self.numerators.shape != (n,):
            raise InputError(f"tier codes and numerators must have one value per frame object ({n})")
        lowest, highest = (int(self.numerators.min()), int(self.numerators.max())) if n else (1, 0)
        if lowest < 0 or highest > self.denominator:
            raise InputError(f"numerators must lie in [0, {self.denominator}]")
        self._cache["numerator_range"] = (lowest, highest)
        if n and (int(self.tier_codes.min()) < 0 or int(self.tier_codes.max()) >= len(TIERS)):
            raise InputError("tier codes must be 0 (key), 1 (problem), 2 (risk) or 3 (general)")
        mandatory = self.tier_codes <= 1
        if bool(np.any(self.numerators[mandatory] != self.denominator)):
            raise InputError("key and problem objects must have π = 1")

    def __len__(self) -> int:
        return len(self.frame)

    def _numerator_range(self) -> tuple[int, int]:
        """The smallest and largest numerator, found by the checks at construction (``(1, 0)`` if empty)."""
        found: tuple[int, int] | None = self._cache.get("numerator_range")
        if found is None:
            nums = self.numerators
            found = (int(nums.min()), int(nums.max())) if nums.size else (1, 0)
            self._cache["numerator_range"] = found
        return found

    def __repr__(self) -> str:
        return (
            f"InclusionTable(n={len(self)}, expected={float(self.expected_count):.2f}, round={self.round}/"
            f"{self.rounds}, policy={self.policy.get('kind', '?')!r})"
        )

    @property
    def ids(self) -> npt.NDArray[np.str_]:
        """Frame ids, canonical order."""
        return self.frame.ids

    @property
    def tiers(self) -> npt.NDArray[np.str_]:
        """Tier value per object (``"key"``, ``"problem"``, ``"risk"``, ``"general"``)."""
        return np.asarray([t.value for t in TIERS], dtype=str)[self.tier_codes]

    @property
    def pi(self) -> npt.NDArray[np.float64]:
        """π as floats (for analysis; the exact values are ``numerators / denominator``)."""
        return self.numerators / float(self.denominator)

    def pi_exact(self, object_id: str) -> Fraction:
        """Exact π of one object.

        Raises
        ------
        InputError
            If the id is not in the frame.
        """
        pos, missing = self.frame.positions([object_id])
        if missing:
            raise InputError(f"id {object_id!r} is not in the frame of this table")
        return Fraction(int(self.numerators[int(pos[0])]), self.denominator)

    @property
    def expected_count(self) -> Fraction:
        """Σπ, exactly: the expected number of objects drawn."""
        return Fraction(int(self.numerators.sum()), self.denominator)

    def expected_by_tier(self) -> dict[str, Fraction]:
        """Σπ per tier (every tier listed)."""
        sums = _int_bincount(self.tier_codes, self.numerators, len(TIERS))
        return {t.value: Fraction(sums[t.code], self.denominator) for t in TIERS}

    def expected_by_stratum(self) -> dict[str, Fraction]:
        """Σπ per stratum label."""
        sums = _int_bincount(self.frame.stratum_codes, self.numerators, len(self.frame.stratum_labels))
        return {
            label: Fraction(s, self.denominator)
            for label, s in zip(self.frame.stratum_labels, sums, strict=True)
        }

    def _cell_labels(self) -> list[str]:
        return [f"{c}/{r}" for c in self.frame.credit_levels for r in self.frame.risk_levels]

    def expected_by_cell(self) -> dict[str, Fraction]:
        """Σπ of the risk and general objects per credit-risk cell ``"<credit>/<risk>"`` (every cell listed).

        With :meth:`expected_by_tier` this is the volume an officer sees before the seed: key and problem
        objects (π = 1) are counted in their tiers, not in the cells.
        """
        n_risk = len(self.frame.risk_levels)
        cells = self.frame.credit_codes * n_risk + self.frame.risk_codes
        rest = self.tier_codes > TIERS[1].code
        sums = _int_bincount(cells[rest], self.numerators[rest], len(self.frame.credit_levels) * n_risk)
        return {
            label: Fraction(s, self.denominator) for label, s in zip(self._cell_labels(), sums, strict=True)
        }

    def count_by_cell(self) -> dict[str, int]:
        """Number of risk and general objects per credit-risk cell ``"<credit>/<risk>"``."""
        n_risk = len(self.frame.risk_levels)
        cells = (self.frame.credit_codes * n_risk + self.frame.risk_codes)[self.tier_codes > TIERS[1].code]
        counts = np.bincount(cells.astype(np.int64), minlength=len(self.frame.credit_levels) * n_risk)
        return {label: int(k) for label, k in zip(self._cell_labels(), counts.tolist(), strict=True)}

    def count_by_tier(self) -> dict[str, int]:
        """Number of frame objects per tier."""
        counts = np.bincount(self.tier_codes.astype(np.int64), minlength=len(TIERS))
        return {t.value: int(counts[t.code]) for t in TIERS}

    @property
    def digest(self) -> str:
        """Hex SHA-256 of lines ``id TAB stratum TAB tier TAB numerator LF`` in canonical order (the spec)."""
        found = self._cache.get("digest")
        if found is None:
            n_tiers = len(TIERS)
            middles = [f"\t{s}\t{t.value}\t".encode() for s in self.frame.stratum_labels for t in TIERS]
            cells = self.frame.stratum_codes * n_tiers + self.tier_codes
            middle_table = _ByteTable(middles)
            numbers = _NumberTexts()

            def pieces(start: int, stop: int) -> list[bytes]:
                # id ‖ TAB stratum TAB tier TAB ‖ numerator LF; numerators take few distinct values.
                which = numbers.codes(self.numerators[start:stop])
                text = _ascii_lines(
                    self.frame._ids_at(slice(start, stop)),
                    [(middle_table, cells[start:stop]), (numbers.table, which)],
                )
                if text is not None:
                    return [text]
                out = np.empty(3 * (stop - start), dtype=object)
                out[0::3] = _utf8(self.frame._ids_at(slice(start, stop)))
                out[1::3] = np.asarray(middles, dtype=object)[cells[start:stop]]
                out[2::3] = numbers.texts[which]
                lines: list[bytes] = out.tolist()
                return lines

            found = _lines_digest(len(self), pieces)
            self._cache["digest"] = found
        return str(found)

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready row per object: id, stratum, tier, π numerator, exact π as a decimal string."""
        return [
            {"id": i, "stratum": s, "tier": t, "pi_numerator": a, "pi": decimal_string(a, self.denominator)}
            for i, s, t, a in zip(
                self.frame.ids.tolist(),
                self.frame.strata.tolist(),
                self.tiers.tolist(),
                self.numerators.tolist(),
                strict=True,
            )
        ]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame: id, stratum, tier, credit, risk, pi_numerator, pi (needs the pandas extra)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "id": self.frame.ids,
                "stratum": self.frame.strata,
                "tier": self.tiers,
                "credit": self.frame.credit,
                "risk": self.frame.risk,
                "pi_numerator": self.numerators,
                "pi": self.pi,
            }
        )


class _NumberTexts:
    """The text ``f"{a}\\n"`` of every numerator seen so far, as codes into a growing table (numerators
    take few distinct values, so after the first rows every value is known and a lookup is a
    binary search)."""

    def __init__(self) -> None:
        self.values = np.zeros(0, dtype=np.int64)
        self.texts = np.zeros(0, dtype=object)
        self.table = _ByteTable([])

    def codes(self, numerators: IntArray) -> IntArray:
        """Index of each numerator in :attr:`values` (and so in :attr:`texts` and :attr:`table`)."""
        at = np.searchsorted(self.values, numerators)
        if self.values.size and bool((self.values[np.minimum(at, self.values.size - 1)] == numerators).all()):
            return at.astype(np.int64)
        self.values = np.union1d(self.values, numerators).astype(np.int64)
        texts = [f"{a}\n".encode() for a in self.values.tolist()]
        self.texts = np.asarray(texts, dtype=object)
        self.table = _ByteTable(texts)
        return np.searchsorted(self.values, numerators).astype(np.int64)


def _int_bincount(codes: npt.ArrayLike, weights: IntArray, length: int) -> list[int]:
    """Exact integer bincount (numpy's bincount with weights goes through float64)."""
    c = np.asarray(codes, dtype=np.int64)
    if c.size == 0:
        return [0] * length
    order = np.argsort(c, kind="stable")
    sc = c[order]
    cum = np.concatenate([[0], np.cumsum(weights[order])])
    bounds = np.searchsorted(sc, np.arange(length + 1))
    return [int(cum[bounds[h + 1]] - cum[bounds[h]]) for h in range(length)]
