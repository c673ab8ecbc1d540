"""Inspection methods (§四(八)): conversion of online/document checks to on-site tasks, immediate
case-triggered tasks, and credit commitments standing in for items.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
import os
from collections.abc import Iterable
from typing import Any

import attrs

from randinspect.errors import ResultInputError
from randinspect.items import InspectionMethod
from randinspect.results._book import ResultBook
from randinspect.results._records import Finding, InspectionRecord, Origin

__all__ = [
    "COMMITMENT_COLUMNS",
    "CaseTrigger",
    "CommitmentStandIn",
    "breach_record",
    "conversion_tasks",
    "immediate_task",
    "load_credit_commitments",
]


class CaseTrigger(enum.Enum):
    """What triggers an immediate inspection outside the yearly plan (§四(八)3).

    ``LEAD`` (案件线索), ``COMPLAINT`` (投诉举报), ``ASSIGNED`` (转办交办), ``MONITORING`` (数据监测).
    """

    LEAD = "lead"
    COMPLAINT = "complaint"
    ASSIGNED = "assigned"
    MONITORING = "monitoring"


def _task_class() -> Any:
    from randinspect.matching import InspectionTask

    return InspectionTask


def conversion_tasks(
    book: ResultBook, tasks: Iterable[Any], *, calendar: Any, working_days: int = 20
) -> tuple[Any, ...]:
    """On-site tasks for every online or document check whose findings need one (转为实地检查).

    Each new task (id ``"<task id>|on-site|<item>"``) has the original task's object, region, unit and the
    item, the record's department, and a window from the working day after the record was entered for
    ``working_days`` working days. Match them like any other task
    (:func:`randinspect.matching.match_inspectors`); their records carry ``origin="conversion"`` and
    ``follows=<record id>``, so both traces stay.
    """
    by_id = {t.id: t for t in tasks}
    task_cls = _task_class()
    out = []
    for r in book.results:
        rec = r.record
        if not rec.needs_on_site:
            continue
        base = by_id.get(rec.task_id)
        if base is None:
            raise ResultInputError(
                f"record {rec.record_id}: its task is not among the tasks given", record_id=rec.record_id
            )
        start = calendar.add_working_days(rec.entered_on, 1)
        end = calendar.add_working_days(start, working_days - 1)
        out.append(
            task_cls(
                id=f"{rec.task_id}|on-site|{rec.item_id}",
                object_id=base.object_id,
                region=base.region,
                unit=base.unit,
                window=(start, end),
                items=(rec.item_id,),
                departments=(rec.department,),
                specialties=base.specialties,
            )
        )
    return tuple(out)


def immediate_task(
    *,
    trigger: CaseTrigger | str,
    reference: str,
    objects: Any,
    object_id: str,
    item: Any,
    start: dt.date,
    end: dt.date,
) -> Any:
    """An immediate task outside the yearly plan (案件触发检查), to match at once.

    Its id is ``"case|<trigger>|<reference>|<object id>"``; its records carry ``origin="case"`` and are
    counted apart in the assessment.

    Raises
    ------
    ResultInputError
        If the object is not in the directory or is not alive.
    """
    trig = CaseTrigger(trigger) if not isinstance(trigger, CaseTrigger) else trigger
    if object_id not in objects:
        raise ResultInputError(f"immediate task {reference}: object {object_id!r} is not in the directory")
    i = int(objects.index_of([object_id])[0])
    if not bool(objects.alive[i]):
        raise ResultInputError(f"immediate task {reference}: object {object_id!r} is deregistered")
    return _task_class()(
        id=f"case|{trig.value}|{reference}|{object_id}",
        object_id=object_id,
        region=str(objects.regions[i]),
        unit=str(objects.units[i]),
        window=(start, end),
        items=(item.id,),
        departments=(item.department,),
        specialties=(item.expert_specialty,) if item.expert_specialty else (),
    )


@attrs.frozen(kw_only=True)
class CommitmentStandIn:
    """A credit commitment (信用承诺) standing in for an item for one object: no visit is made for it.

    ``text_digest`` is the SHA-256 of the signed commitment (kept by the host); ``on_breach`` is the result
    category the commitment says a breach is published as.
    """

    object_id: str
    item_id: str
    department: str
    signed_on: dt.date
    text_digest: str
    on_breach: str = "04"

    @property
    def task_id(self) -> str:
        """The id of the stand-in task: ``"commitment|<item>|<object>"``."""
        return f"commitment|{self.item_id}|{self.object_id}"

    def to_dict(self) -> dict[str, str]:
        """The commitment as JSON-ready data (as the ``credit-commitment`` ledger entry lists it): ids,
        department, ``signed_on`` as an ISO date, the text's digest and the breach category. The signed
        text itself stays with the host; only its digest is recorded."""
        return {
            "object_id": self.object_id,
            "item_id": self.item_id,
            "department": self.department,
            "signed_on": self.signed_on.isoformat(),
            "text_digest": self.text_digest,
            "on_breach": self.on_breach,
        }

    def task(self, objects: Any, year: int) -> Any:
        """The stand-in as a desk task (window: the whole year; method ``credit_commitment``), assigned to no
        inspector but valid for results."""
        i = int(objects.index_of([self.object_id])[0])
        return _task_class()(
            id=self.task_id,
            object_id=self.object_id,
            region=str(objects.regions[i]),
            unit=str(objects.units[i]),
            window=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
            items=(self.item_id,),
            departments=(self.department,),
            method=InspectionMethod.CREDIT_COMMITMENT,
        )


COMMITMENT_COLUMNS: tuple[str, ...] = ("object_id", "item_id", "department", "signed_on", "text_digest")
"""Columns a credit-commitment CSV file must have (:func:`load_credit_commitments`); ``on_breach`` may
follow."""


def load_credit_commitments(path: str | os.PathLike[str]) -> tuple[CommitmentStandIn, ...]:
    """Read signed credit commitments (信用承诺) from a CSV file, for :func:`randinspect.planning.run_cycle`
    (``credit_commitments=``) and ``randinspect plan --credit-commitments``.

    Columns: ``object_id``, ``item_id``, ``department``, ``signed_on`` (ISO date), ``text_digest`` (the
    SHA-256 of the signed text, 64 hex digits; upper case is read as lower) and, optionally,
    ``on_breach`` (the result category a breach is published as, default ``04``). The file is UTF-8 (a
    BOM is dropped) or GB18030. Whether the item and the object exist, and the department is the item's,
    is checked by the cycle, which knows the items and the directory.

    Returns
    -------
    tuple of CommitmentStandIn
        In file order.

    Raises
    ------
    randinspect.errors.LoadError
        With every bad row (row, column, value, hint), nothing loaded: an empty id, item or department, a
        date that is not ISO, a digest that is not 64 hex digits, or a second commitment of one object
        for one item. Also when the file cannot be read or lacks a column.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "commitments.csv").write_text(
    ...     "object_id,item_id,department,signed_on,text_digest\\n"
    ...     f"91520102MA6DJ1234X,SAMR-2027-004,SAMR,2026-12-01,{'a' * 64}\\n",
    ...     encoding="utf-8",
    ... )
    >>> [c.task_id for c in load_credit_commitments(folder / "commitments.csv")]
    ['commitment|SAMR-2027-004|91520102MA6DJ1234X']
    """
    from randinspect._io import read_csv_rows
    from randinspect.errors import LoadError, Problem

    source = os.fspath(path)
    rows = read_csv_rows(path, COMMITMENT_COLUMNS)
    problems: list[Problem] = []
    out: list[CommitmentStandIn] = []
    first_row: dict[tuple[str, str], int] = {}

    def problem(row: int, column: str, value: str, message: str, hint: str) -> None:
        problems.append(
            Problem(message=message, source=source, row=row, column=column, value=value, hint=hint)
        )

    for row_no, row in enumerate(rows, start=1):
        bad = len(problems)
        for column in ("object_id", "item_id", "department"):
            if not row.get(column):
                problem(row_no, column, "", f"{column} is empty", f"give the commitment's {column}")
        signed_text = row.get("signed_on", "")
        try:
            signed_on = dt.date.fromisoformat(signed_text)
        except ValueError:
            problem(row_no, "signed_on", signed_text, "signed_on is not an ISO date", "write YYYY-MM-DD")
        digest = row.get("text_digest", "").lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            problem(
                row_no,
                "text_digest",
                row.get("text_digest", "")[:80],
                "text_digest is not a SHA-256 digest",
                "give the SHA-256 of the signed commitment as 64 hex digits",
            )
        pair = (row.get("item_id", ""), row.get("object_id", ""))
        if all(pair) and pair in first_row:
            problem(
                row_no,
                "object_id",
                pair[1],
                f"object {pair[1]!r} has a second commitment for item {pair[0]!r} (first in row "
                f"{first_row[pair]})",
                "keep one commitment per object and item",
            )
        first_row.setdefault(pair, row_no)
        if len(problems) == bad:
            out.append(
                CommitmentStandIn(
                    object_id=row["object_id"],
                    item_id=row["item_id"],
                    department=row["department"],
                    signed_on=signed_on,
                    text_digest=digest,
                    on_breach=row.get("on_breach") or "04",
                )
            )
    if problems:
        raise LoadError(problems)
    return tuple(out)


def breach_record(
    commitment: CommitmentStandIn, *, found_on: dt.date, entered_on: dt.date, note: str
) -> InspectionRecord:
    """The record of a breached commitment (违反信用承诺), published as the commitment says.

    Enter it with ``assignments={commitment.task_id: ()}`` and the task from :meth:`CommitmentStandIn.task`.
    """
    return InspectionRecord(
        task_id=commitment.task_id,
        item_id=commitment.item_id,
        object_id=commitment.object_id,
        department=commitment.department,
        method=InspectionMethod.CREDIT_COMMITMENT,
        origin=Origin.COMMITMENT,
        start=found_on,
        end=found_on,
        entered_on=entered_on,
        findings=(Finding(content="信用承诺履行情况", category=commitment.on_breach, note=note),),
    )
