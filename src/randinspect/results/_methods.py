"""Inspection methods (§四(八)): conversion of online/document checks to on-site tasks, immediate
case-triggered tasks, and credit commitments standing in for items.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any

import attrs

from randinspect.errors import ResultInputError
from randinspect.items import InspectionMethod
from randinspect.results._book import ResultBook
from randinspect.results._records import Finding, InspectionRecord, Origin

__all__ = ["CaseTrigger", "CommitmentStandIn", "breach_record", "conversion_tasks", "immediate_task"]


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
