"""Referral (移送, §四(九)2-3): matters outside the inspecting department's remit go to the competent one.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from randinspect.errors import ReferralError, ResultInputError, UnknownDepartmentError
from randinspect.results._book import ResultBook
from randinspect.results._publish import Deadline

__all__ = [
    "Referral",
    "ReferralKind",
    "ReferralRequest",
    "RoutingTable",
    "acknowledge",
    "push_results",
    "refer",
]


class ReferralKind(enum.Enum):
    """``DEPARTMENT`` (移送主管部门), ``JUDICIAL`` (涉嫌犯罪移送司法机关), ``PUSH`` (推送同行业部门)."""

    DEPARTMENT = "department"
    JUDICIAL = "judicial"
    PUSH = "push"


def _str_map(value: Mapping[str, str]) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()}


def _industry_map(value: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    return {str(k): tuple(str(x) for x in v) for k, v in value.items()}


@attrs.frozen(kw_only=True)
class RoutingTable:
    """Where matters go (移送路由表).

    Parameters
    ----------
    routes:
        Matter (a short key such as ``"food-safety"``) -> code of the competent department.
    departments:
        Department code -> name; every department a route or push names must be here.
    judicial:
        Code of the judicial organ receiving suspected crimes (公安机关/检察机关); must be in ``departments``.
    industry:
        Department -> departments of the same industry that receive its results (推送同行业部门).
    due_working_days:
        Working days the receiving department has to send its receipt (回执).

    Raises
    ------
    UnknownDepartmentError
        If a route, the judicial organ or a push target is not a known department.
    """

    routes: Mapping[str, str] = attrs.field(converter=_str_map)
    departments: Mapping[str, str] = attrs.field(converter=_str_map)
    judicial: str = "PSB"
    industry: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_industry_map)
    due_working_days: int = 10

    def __attrs_post_init__(self) -> None:
        named = [*self.routes.values(), self.judicial, *(d for v in self.industry.values() for d in v)]
        unknown = sorted({d for d in named if d not in self.departments})
        if unknown:
            raise UnknownDepartmentError(
                f"routing table names department(s) {unknown} that are not in its department list"
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoutingTable:
        """Read ``{"routes", "departments", "judicial", "industry", "due_working_days"}`` (see docs)."""
        try:
            return cls(
                routes=data.get("routes", {}),
                departments=data["departments"],
                judicial=str(data.get("judicial", "PSB")),
                industry=data.get("industry", {}),
                due_working_days=int(data.get("due_working_days", 10)),
            )
        except UnknownDepartmentError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise ReferralError(f"malformed routing table: {exc!r}") from None


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ResultInputError(f"sent_on {value!r} is not a date; write YYYY-MM-DD") from None


@attrs.frozen(kw_only=True)
class ReferralRequest:
    """A request to refer what a result found: the record, the matter, and whether a crime is suspected."""

    record_id: str
    matter: str = ""
    crime: bool = False
    sent_on: dt.date = attrs.field(converter=_day)
    note: str = ""


@attrs.frozen(kw_only=True)
class Referral:
    """A referral or push with its due date and receipt (回执)."""

    id: str
    kind: ReferralKind
    record_id: str
    object_id: str
    from_department: str
    to_department: str
    matter: str
    sent_on: dt.date
    due: Deadline
    receipt_on: dt.date | None = None

    def overdue(self, as_of: dt.date) -> bool:
        """True when no receipt arrived by the due date and ``as_of`` is past it."""
        return self.receipt_on is None and as_of > self.due.due

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "record_id": self.record_id,
            "object_id": self.object_id,
            "from": self.from_department,
            "to": self.to_department,
            "matter": self.matter,
            "sent_on": self.sent_on.isoformat(),
            "due": self.due.due.isoformat(),
            "provisional": self.due.provisional,
            "receipt_on": None if self.receipt_on is None else self.receipt_on.isoformat(),
        }

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> Referral:
        """Read the form written by :meth:`to_json_dict`.

        Raises
        ------
        ReferralError
            If a field is missing or malformed.
        """
        try:
            return cls(
                id=str(data["id"]),
                kind=ReferralKind(data["kind"]),
                record_id=str(data["record_id"]),
                object_id=str(data["object_id"]),
                from_department=str(data["from"]),
                to_department=str(data["to"]),
                matter=str(data.get("matter", "")),
                sent_on=_day(data["sent_on"]),
                due=Deadline(_day(data["due"]), bool(data.get("provisional", False))),
                receipt_on=None if data.get("receipt_on") in (None, "") else _day(data["receipt_on"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ReferralError(f"malformed referral {data.get('id', '?')!r}: {exc!r}") from None


def _due(calendar: Any, start: dt.date, n: int) -> Deadline:
    due = calendar.add_working_days(start, n)
    check = getattr(calendar, "is_provisional", None)
    prov = check is not None and any(check(y) for y in range(start.year, due.year + 1))
    return Deadline(due, bool(prov))


def refer(
    book: ResultBook,
    requests: Iterable[ReferralRequest],
    *,
    table: RoutingTable,
    calendar: Any,
    journal: Any = None,
) -> tuple[Referral, ...]:
    """Make referrals (移送) for results: by the routing table, or to the judicial organ for a crime.

    All requests are checked first; a bad one raises naming it and nothing is referred or journalled.

    Raises
    ------
    ResultInputError
        If a request names a record that is not in the book, or was sent before the result was entered.
    UnknownDepartmentError
        If the matter has no route (or routes to the inspecting department itself).
    """
    out: list[Referral] = []
    for n, req in enumerate(requests, start=1):
        if req.record_id not in book:
            raise ResultInputError(
                f"referral {n}: record {req.record_id!r} has no entered result; enter it first",
                record_id=req.record_id,
            )
        result = book.get(req.record_id)
        if req.sent_on < result.record.entered_on:
            raise ResultInputError(
                f"referral {n} of record {req.record_id}: sent on {req.sent_on}, before the result was "
                f"entered on {result.record.entered_on}",
                record_id=req.record_id,
            )
        src = result.record.department
        if req.crime:
            kind, to = ReferralKind.JUDICIAL, table.judicial
        else:
            kind = ReferralKind.DEPARTMENT
            to_opt = table.routes.get(req.matter)
            if to_opt is None:
                known = ", ".join(sorted(table.routes)) or "none"
                raise UnknownDepartmentError(
                    f"referral {n} of record {req.record_id}: no route for matter {req.matter!r} "
                    f"(routes: {known}); add it to the routing table",
                    record_id=req.record_id,
                )
            to = to_opt
            if to == src:
                raise UnknownDepartmentError(
                    f"referral {n} of record {req.record_id}: matter {req.matter!r} routes to the inspecting "
                    f"department {src} itself; it handles the case (立案), no referral is needed",
                    record_id=req.record_id,
                )
        out.append(
            Referral(
                id=f"{kind.value}|{req.record_id}|{to}",
                kind=kind,
                record_id=req.record_id,
                object_id=result.record.object_id,
                from_department=src,
                to_department=to,
                matter=req.matter or ("crime" if req.crime else ""),
                sent_on=req.sent_on,
                due=_due(calendar, req.sent_on, table.due_working_days),
            )
        )
    if journal is not None and out:
        _journal(journal, book.year, out, "referrals")
    return tuple(out)


def _journal(journal: Any, year: int, referrals: list[Referral], label: str) -> None:
    from randinspect.draw.journal import EntryKind

    journal.append(
        EntryKind.REFERRAL,
        {"year": year, "referrals": [r.to_json_dict() for r in referrals]},
        key=(label, str(year), referrals[0].id, str(len(referrals))),
    )


def push_results(
    book: ResultBook, *, table: RoutingTable, on: dt.date, calendar: Any, journal: Any = None
) -> tuple[Referral, ...]:
    """Push published results to the departments of the same industry (推送同行业部门, §四(九)3).

    Every result published on or before ``on`` whose department has industry partners in ``table`` gets one
    push per partner, with a receipt due like a referral.
    """
    out = []
    for r in book.results:
        if r.published_on is None or r.published_on > on:
            continue
        for to in table.industry.get(r.record.department, ()):
            out.append(
                Referral(
                    id=f"push|{r.record_id}|{to}",
                    kind=ReferralKind.PUSH,
                    record_id=r.record_id,
                    object_id=r.record.object_id,
                    from_department=r.record.department,
                    to_department=to,
                    matter="results",
                    sent_on=on,
                    due=_due(calendar, on, table.due_working_days),
                )
            )
    if journal is not None and out:
        _journal(journal, book.year, out, "pushes")
    return tuple(out)


def acknowledge(referrals: Iterable[Referral], receipts: Mapping[str, dt.date]) -> tuple[Referral, ...]:
    """Record receipts (回执): referral id -> date; returns new referrals.

    Raises
    ------
    ReferralError
        If a receipt names an unknown referral or predates the referral.
    """
    items = tuple(referrals)
    by_id = {r.id for r in items}
    unknown = sorted(set(receipts) - by_id)
    if unknown:
        raise ReferralError(f"receipt for unknown referral(s) {unknown}")
    out = []
    for r in items:
        day = receipts.get(r.id)
        if day is not None and day < r.sent_on:
            raise ReferralError(
                f"referral {r.id}: receipt on {day} before it was sent on {r.sent_on}", record_id=r.record_id
            )
        out.append(r if day is None else attrs.evolve(r, receipt_on=day))
    return tuple(out)
