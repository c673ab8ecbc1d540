"""Yearly volume per item and per department against ratio and ceiling (抽查总量, §四(五)).

The policy's limit is on the year's total: 原则上抽查总量不高于国家、省确定的当年抽查比例要求. This module
reads draw records (any rounds of any items) and reports, per item, the expected and drawn visits of the
plan year against the ratio's volume and the ceiling, and, per department, the total against the
department's share of the ceiling.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from randinspect.errors import InputError

if TYPE_CHECKING:
    from randinspect.draw._record import DrawRecord

__all__ = ["DepartmentVolume", "ItemVolume", "VolumeReport", "volume_report"]


def _f(value: Fraction | None) -> str | None:
    if value is None:
        return None
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


@attrs.frozen(kw_only=True)
class ItemVolume:
    """One item's year: visits asked for, expected and drawn, against its ceiling.

    Attributes
    ----------
    item_id, department:
        The item and its department.
    ratio, cap:
        The item's ratio and cap (``None``: no ceiling).
    cap_period:
        ``"year"`` or ``"round"``.
    rounds:
        The item's rounds per year.
    frame_size:
        ``N`` (of the latest round read).
    volume:
        The visits the ratio asks for in the year (``ratio × N`` in volume mode).
    expected:
        Σπ over the rounds read, mandatory objects included: the year's expected visits when every
        round was read.
    drawn:
        Objects drawn in the rounds read.
    ceiling:
        The most visits the ceiling allows in the year (``floor(cap × N)``, times the rounds for a per-round
        ceiling), or ``None``.
    rounds_read:
        The rounds of the item found in the records.
    """

    item_id: str
    department: str
    ratio: Fraction
    cap: Fraction | None
    cap_period: str
    rounds: int
    frame_size: int
    volume: Fraction | None
    expected: Fraction
    drawn: int
    ceiling: int | None
    rounds_read: tuple[int, ...]

    @property
    def within(self) -> bool:
        """True when the drawn visits are within the ceiling (always without one)."""
        return self.ceiling is None or self.drawn <= self.ceiling

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (fractions as ``"p/q"``)."""
        return {
            "item_id": self.item_id,
            "department": self.department,
            "ratio": _f(self.ratio),
            "cap": _f(self.cap),
            "cap_period": self.cap_period,
            "rounds": self.rounds,
            "frame_size": self.frame_size,
            "volume": _f(self.volume),
            "expected": _f(self.expected),
            "drawn": self.drawn,
            "ceiling": self.ceiling,
            "rounds_read": list(self.rounds_read),
            "within": self.within,
        }

    def line(self) -> str:
        """One line for a terminal."""
        volume = "?" if self.volume is None else f"{float(self.volume):.1f}"
        ceiling = "none" if self.ceiling is None else f"{self.ceiling} ({self.cap_period})"
        flag = "" if self.within else "  OVER THE CEILING"
        return (
            f"{self.item_id}: ratio {float(self.ratio):.2%} of {self.frame_size} → volume {volume}; expected "
            f"{float(self.expected):.1f}, drawn {self.drawn} in round(s) {list(self.rounds_read)} of "
            f"{self.rounds}; ceiling {ceiling}{flag}"
        )


@attrs.frozen(kw_only=True)
class DepartmentVolume:
    """A department's year: the total of its items against its share of the ceiling.

    Attributes
    ----------
    department:
        Department code.
    expected, drawn:
        Σ over its items.
    ceiling:
        Its share of the ceiling: ``floor(cap × size)`` when a department cap is given, else the sum of its
        items' ceilings (``None`` when one of its items has none).
    """

    department: str
    expected: Fraction
    drawn: int
    ceiling: int | None

    @property
    def within(self) -> bool:
        """True when the drawn visits are within the ceiling (always without one)."""
        return self.ceiling is None or self.drawn <= self.ceiling

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "department": self.department,
            "expected": _f(self.expected),
            "drawn": self.drawn,
            "ceiling": self.ceiling,
            "within": self.within,
        }


@attrs.frozen(kw_only=True)
class VolumeReport:
    """Per item and per department yearly volume (:func:`volume_report`)."""

    items: tuple[ItemVolume, ...]
    departments: tuple[DepartmentVolume, ...]

    @property
    def within(self) -> bool:
        """True when every item and department is within its ceiling."""
        return all(i.within for i in self.items) and all(d.within for d in self.departments)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "items": [i.to_dict() for i in self.items],
            "departments": [d.to_dict() for d in self.departments],
            "within": self.within,
        }

    def lines(self) -> list[str]:
        """Lines for a terminal: one per item, one per department."""
        out = [i.line() for i in self.items]
        for d in self.departments:
            ceiling = "none" if d.ceiling is None else str(d.ceiling)
            flag = "" if d.within else "  OVER ITS SHARE OF THE CEILING"
            out.append(
                f"department {d.department}: expected {float(d.expected):.1f}, drawn {d.drawn}, ceiling "
                f"{ceiling}{flag}"
            )
        return out


def volume_report(
    records: Iterable[DrawRecord],
    *,
    department_caps: Mapping[str, Fraction] | None = None,
    department_sizes: Mapping[str, int] | None = None,
) -> VolumeReport:
    """Yearly volume per item and per department from draw records (the department check of §四(五)).

    Parameters
    ----------
    records:
        Draw records of one plan year (any items, any rounds; one record per item and round).
    department_caps:
        A department's yearly ceiling as a share of its objects (for example the provincial
        当年抽查比例), if it has one beside its items' caps.
    department_sizes:
        The number of objects a department's cap applies to; default the largest frame of its items.

    Returns
    -------
    VolumeReport
        Items in record order of first appearance, departments sorted by code.

    Raises
    ------
    InputError
        If two records are for the same item and round, or records of one item disagree on its year.
    """
    by_item: dict[str, list[DrawRecord]] = {}
    for record in records:
        by_item.setdefault(record.item_id, []).append(record)
    items: list[ItemVolume] = []
    for item_id, recs in by_item.items():
        rounds_read = sorted(r.round for r in recs)
        if len(set(rounds_read)) != len(rounds_read):
            raise InputError(f"item {item_id!r}: two records for the same round; give one record per round")
        if len({r.year for r in recs}) != 1:
            raise InputError(f"item {item_id!r}: records of different plan years; report one year at a time")
        last = max(recs, key=lambda r: r.round)
        item = last.commitment.item
        cap_text = item.get("cap")
        cap = None if cap_text is None else Fraction(str(cap_text))
        period = str(item.get("cap_period", "year"))
        rounds = int(last.commitment.rounds)
        n = int(last.commitment.frame_size)
        report = last.commitment.cap_report
        volume = None if report.get("volume") is None else Fraction(str(report["volume"]))
        ceiling = None if cap is None else math.floor(cap * n) * (rounds if period == "round" else 1)
        items.append(
            ItemVolume(
                item_id=item_id,
                department=str(item.get("department", "")),
                ratio=Fraction(str(item.get("ratio", "0"))),
                cap=cap,
                cap_period=period,
                rounds=rounds,
                frame_size=n,
                volume=volume,
                expected=sum((Fraction(str(r.commitment.cap_report["granted"])) for r in recs), Fraction(0)),
                drawn=sum(int(r.counts["total"]) for r in recs),
                ceiling=ceiling,
                rounds_read=tuple(rounds_read),
            )
        )
    departments: list[DepartmentVolume] = []
    caps = dict(department_caps or {})
    sizes = dict(department_sizes or {})
    for department in sorted({i.department for i in items}):
        mine = [i for i in items if i.department == department]
        if department in caps:
            size = sizes.get(department, max(i.frame_size for i in mine))
            share: int | None = math.floor(caps[department] * size)
        elif all(i.ceiling is not None for i in mine):
            share = sum(int(i.ceiling or 0) for i in mine)
        else:
            share = None
        departments.append(
            DepartmentVolume(
                department=department,
                expected=sum((i.expected for i in mine), Fraction(0)),
                drawn=sum(i.drawn for i in mine),
                ceiling=share,
            )
        )
    return VolumeReport(items=tuple(items), departments=tuple(departments))
