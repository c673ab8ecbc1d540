"""The whole annual cycle in one call: item lists → draws → department plans → joint plan → matching.

:func:`run_cycle` is the one-call entry point for a city (§五(四)); :func:`inspection_tasks` turns a joint
plan into the inspection tasks (检查任务) the inspector matching serves, one per visit: one per joint-block
object, and one per department visit outside the blocks.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from randinspect.errors import ConfigurationError, PlanError
from randinspect.items import CheckItem
from randinspect.planning._cycle import AnnualCycle, Milestone
from randinspect.planning._department import DEFAULT_PERIODS, DepartmentPlan, ItemDraw, plan_department
from randinspect.planning._items import ItemList
from randinspect.planning._joint import Answer, JointPlan, OverlapMerger, ProposalRound

if TYPE_CHECKING:
    from randinspect.ledger import Journal
    from randinspect.typing import JointPlanMerger, RandomSource, WorkCalendar

__all__ = ["CycleResult", "inspection_tasks", "journal_cycle", "period_window", "run_cycle"]


def period_window(year: int, period: int, periods: int = DEFAULT_PERIODS) -> tuple[dt.date, dt.date]:
    """First and last day of a 0-based period of the plan year (periods split the twelve months evenly).

    Examples
    --------
    >>> period_window(2027, 1)
    (datetime.date(2027, 4, 1), datetime.date(2027, 6, 30))
    """
    if periods < 1 or 12 % periods:
        raise ConfigurationError(f"{periods} periods do not split the twelve months evenly")
    months = 12 // periods
    first = dt.date(year, period * months + 1, 1)
    last_month = (period + 1) * months
    last = dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)
    return first, last - dt.timedelta(days=1)


def inspection_tasks(
    joint: JointPlan, objects: Any, items: Mapping[str, CheckItem] | Iterable[CheckItem]
) -> tuple[Any, ...]:
    """The inspection tasks of a joint plan, for :func:`randinspect.matching.match_inspectors`.

    One task per joint-block object (id ``"<block id>|<object id>"``, the block's departments, every
    member's items of that visit) and one per department visit outside the blocks (id
    ``"<department>|<object id>|<visit>"``). The window is the visit's period; region and unit come from the
    object directory; expert specialties from the items.

    Raises
    ------
    PlanError
        If an object is not in the directory or an item is unknown.
    """
    from randinspect.matching import InspectionTask

    by_id = dict(items) if isinstance(items, Mapping) else {i.id: i for i in items}
    ids = np.asarray(objects.ids)
    regions = np.asarray(objects.regions)
    units = np.asarray(objects.units)
    needed = np.unique(np.concatenate([p.object_ids for p in joint.plans] or [np.empty(0, dtype="U1")]))
    at = np.zeros(len(needed), dtype=np.int64)
    if len(needed):
        if not len(ids):
            raise PlanError(f"object {needed[0]!r} of the plan is not in the object directory")
        order = np.argsort(ids, kind="stable")
        at = order[np.minimum(np.searchsorted(ids, needed, sorter=order), len(ids) - 1)].astype(np.int64)
        found = ids[at] == needed
        if not found.all():
            raise PlanError(f"object {needed[~found][0]!r} of the plan is not in the object directory")
    position = dict(zip(needed.tolist(), at.tolist(), strict=True))
    visit_items: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    solo: list[tuple[str, str, int, int]] = []
    for plan in joint.plans:
        for o, it, v in zip(
            plan.object_ids.tolist(), plan.item_ids.tolist(), plan.visits.tolist(), strict=True
        ):
            visit_items[(plan.department, o, v)].append(it)
        first = plan.visit_rows()
        for o, v, q, b in zip(
            plan.object_ids[first].tolist(),
            plan.visits[first].tolist(),
            plan.period_index[first].tolist(),
            plan.joint_blocks[first].tolist(),
            strict=True,
        ):
            if not b:
                solo.append((plan.department, o, v, q))
    periods = joint.plans[0].periods if joint.plans else DEFAULT_PERIODS

    def make(
        task_id: str, object_id: str, departments: Sequence[str], item_ids: list[str], period: int
    ) -> Any:
        unknown = sorted({i for i in item_ids if i not in by_id})
        if unknown:
            raise PlanError(f"items {unknown} of the plan are not in the item list")
        specialties = sorted({s for i in item_ids if (s := by_id[i].expert_specialty)})
        k = position[object_id]
        return InspectionTask(
            id=task_id,
            object_id=object_id,
            region=str(regions[k]),
            unit=str(units[k]),
            window=period_window(joint.year, period, periods),
            items=tuple(sorted(set(item_ids))),
            departments=tuple(departments),
            specialties=tuple(specialties),
        )

    tasks = []
    for block in joint.blocks:
        for o in block.object_ids:
            its = [i for d in block.departments for i in visit_items[(d, o, 0)]]
            tasks.append(make(f"{block.id}|{o}", o, block.departments, its, block.period))
    for d, o, v, q in sorted(solo):
        tasks.append(make(f"{d}|{o}|{v}", o, (d,), visit_items[(d, o, v)], q))
    return tuple(tasks)


@attrs.frozen(kw_only=True, eq=False)
class CycleResult:
    """Everything one annual cycle produced, with the time each stage took.

    Attributes
    ----------
    year:
        The plan year.
    cycle:
        The cycle's deadlines.
    records:
        The draw records (one per item and round), in item order.
    plans:
        The department plans before merging.
    proposals:
        The joint proposals with their due date.
    joint:
        The joint plan (merged department plans, blocks, savings).
    tasks:
        The inspection tasks.
    matching:
        The matching result, or ``None`` when no inspectors were given.
    timings:
        Seconds per stage (``draw``, ``plan``, ``propose``, ``merge``, ``tasks``, ``match``).
    skipped:
        Ids of items whose scope selected no alive object (only with ``skip_empty=True``).
    warnings:
        Deadlines of the cycle (§五(四)) this run misses, in words; empty when it keeps them all.
    """

    year: int
    cycle: AnnualCycle
    records: tuple[Any, ...]
    plans: tuple[DepartmentPlan, ...]
    proposals: ProposalRound
    joint: JointPlan
    tasks: tuple[Any, ...]
    matching: Any | None
    timings: Mapping[str, float]
    skipped: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        """What a city officer wants to see, JSON-ready: draws per department and tier, joint blocks, visits
        saved, groups matched, deadlines."""
        drawn: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for record in self.records:
            department = str(record.commitment.item.get("department", "?"))
            for tier, n in record.counts.get("by_tier", {}).items():
                drawn[department][tier] += int(n)
        savings = self.joint.savings()
        matched = None
        if self.matching is not None:
            matched = {"groups": len(self.matching.groups), "infeasible": len(self.matching.infeasible)}
        return {
            "year": self.year,
            "drawn": {d: dict(t) for d, t in sorted(drawn.items())},
            "proposals": len(self.proposals.proposals),
            "answers_due": self.proposals.due_on.isoformat(),
            "joint_blocks": len(self.joint.blocks),
            "dissolved": len(self.joint.dissolved),
            "visits_without_joint": savings.visits_without,
            "visits_with_joint": savings.visits_with,
            "visits_saved": savings.saved,
            "tasks": len(self.tasks),
            "matching": matched,
            "deadlines": {m.value: d.isoformat() for m, d in self.cycle.schedule()},
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "skipped_items": list(self.skipped),
            "warnings": list(self.warnings),
        }

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready summary, department plans and joint plan (draw records are published by the journal)."""
        return {
            "summary": self.summary(),
            "proposals": self.proposals.to_json_dict(),
            "joint_plan": self.joint.to_json_dict(),
            "department_plans": [p.to_json_dict() for p in self.joint.plans],
        }


def run_cycle(
    objects: Any,
    items: ItemList | Iterable[CheckItem],
    *,
    source: RandomSource,
    year: int | None = None,
    calendar: WorkCalendar | None = None,
    policy: Any = None,
    capacities: Mapping[str, Sequence[int]] | None = None,
    merger: JointPlanMerger | None = None,
    answers: Iterable[Answer] = (),
    pushed_on: dt.date | None = None,
    inspectors: Any = None,
    matcher: Any = None,
    periods: int = DEFAULT_PERIODS,
    skip_empty: bool = False,
    journal: Journal | None = None,
) -> CycleResult:
    """Run plan → draw → joint plan → matching for a city in one call.

    Parameters
    ----------
    objects:
        The object directory.
    items:
        The year's items of every department (a city :class:`ItemList` or an iterable of items).
    source:
        The RandomSource for draws, periods, blocks and matching (a verifiable one for published work).
    year:
        The plan year; defaults to the items' year.
    calendar:
        WorkCalendar for the answer due date; default :class:`randinspect.calendar.ChineseOfficialCalendar`.
    policy:
        Sampling policy for the draws (default: the draw's own default), or a mapping from department code
        to the policy of that department's items (departments missing from it use the default), since
        problem-object rules differ by department (12315 complaints concern market regulation).
    capacities:
        Department → visits per period; every department named must have items in the list.
    merger:
        JointPlanMerger; default :class:`OverlapMerger`.
    answers:
        Departments' answers to the joint proposals; missing ones follow the merger's default.
    pushed_on:
        Push date of the proposals; default the draw deadline of the cycle (10 November of the year before).
    inspectors:
        Inspector directory; ``None`` skips the matching.
    matcher:
        InspectorMatcher for the matching (default: the matching's default).
    periods:
        Periods per year (4 quarters).
    skip_empty:
        When true, an item whose scope selects no alive object is left out and listed in
        ``CycleResult.skipped`` instead of stopping the cycle with
        :class:`randinspect.errors.EmptyFrameError`.
    journal:
        A :class:`randinspect.ledger.Journal` (全程留痕) to which the cycle appends what it decided, once
        every stage has succeeded (a failed cycle journals nothing): each draw record (``draw``, checked
        against a commitment journalled earlier for its key), each department plan (``plan``, key
        ``("plan", department, year)``), each department's answer (``joint-answer``, key
        ``("joint-answer", proposal, department)``), the joint plan (``plan``, key ``("joint-plan", year)``)
        and the matching record (``match``). The item list and the commitments are journalled earlier, by
        whoever fixes them. ``None`` journals nothing.

    Raises
    ------
    PlanError
        If the items span several years, a capacity names a department without items, or a stage refuses
        its input (each stage's own typed errors pass
        through unchanged). Journal errors (a draw journalled before, another commitment) pass through too,
        raised before anything of this cycle is appended (see :func:`journal_cycle`).
    """
    from randinspect.draw import draw
    from randinspect.errors import EmptyFrameError

    item_tuple = tuple(items.items if isinstance(items, ItemList) else items)
    years = {i.year for i in item_tuple}
    if year is None:
        if len(years) != 1:
            raise PlanError(f"items span years {sorted(years)}; pass year=")
        year = years.pop()
    unknown = sorted(set(capacities or {}) - {i.department for i in item_tuple})
    if unknown:
        raise PlanError(
            f"capacities given for department(s) {unknown} without items in the list (departments: "
            f"{', '.join(sorted({i.department for i in item_tuple}))}); check the department codes"
        )
    if calendar is None:
        from randinspect.calendar import ChineseOfficialCalendar

        calendar = ChineseOfficialCalendar()
    cycle = AnnualCycle(year=year, calendar=calendar)
    timings: dict[str, float] = {}

    start = time.perf_counter()
    records = []
    draws_by_department: dict[str, list[ItemDraw]] = defaultdict(list)
    skipped: list[str] = []
    for item in item_tuple:
        item_policy = policy.get(item.department) if isinstance(policy, Mapping) else policy
        for r in range(1, item.frequency + 1):
            try:
                record = draw(objects, item, source, policy=item_policy, year=year, round=r)
            except EmptyFrameError:
                if not skip_empty:
                    raise
                skipped.append(item.id)
                break
            records.append(record)
            draws_by_department[item.department].append(ItemDraw.from_record(record))
    if skipped:
        item_tuple = tuple(i for i in item_tuple if i.id not in set(skipped))
    timings["draw"] = time.perf_counter() - start

    start = time.perf_counter()
    by_department: dict[str, list[CheckItem]] = defaultdict(list)
    for item in item_tuple:
        by_department[item.department].append(item)
    plans = tuple(
        plan_department(
            department,
            by_department[department],
            draws_by_department[department],
            source=source,
            year=year,
            capacity=None if capacities is None else capacities.get(department),
            periods=periods,
        )
        for department in sorted(by_department)
    )
    timings["plan"] = time.perf_counter() - start

    chosen: JointPlanMerger = OverlapMerger() if merger is None else merger
    push = cycle.due(Milestone.DRAWS) if pushed_on is None else pushed_on
    warnings: list[str] = []
    latest = cycle.latest_push_date()
    if push > latest:
        deadline = cycle.due(Milestone.JOINT_PLAN).isoformat()
        warnings.append(
            f"joint proposals pushed on {push.isoformat()}: the ten-working-day answers fall due after the "
            f"joint-plan deadline {deadline} (push by {latest.isoformat()})"
        )
    start = time.perf_counter()
    round_ = chosen.propose(plans, pushed_on=push, calendar=calendar, source=source)
    timings["propose"] = time.perf_counter() - start
    start = time.perf_counter()
    answers = tuple(answers)
    joint = chosen.merge(round_, answers, source=source)
    timings["merge"] = time.perf_counter() - start

    start = time.perf_counter()
    tasks = inspection_tasks(joint, objects, item_tuple)
    timings["tasks"] = time.perf_counter() - start

    matching = None
    if inspectors is not None:
        from randinspect.matching import match_inspectors

        start = time.perf_counter()
        matching = match_inspectors(
            tasks, inspectors, source=source, matcher=matcher, context=f"match|{year}", allow_partial=True
        )
        timings["match"] = time.perf_counter() - start
    result = CycleResult(
        year=year,
        cycle=cycle,
        records=tuple(records),
        plans=plans,
        proposals=round_,
        joint=joint,
        tasks=tasks,
        matching=matching,
        timings=timings,
        skipped=tuple(skipped),
        warnings=tuple(warnings),
    )
    if journal is not None:
        journal_cycle(journal, result, answers=answers)
    return result


def journal_cycle(journal: Journal, result: CycleResult, *, answers: Iterable[Answer] = ()) -> None:
    """Append what a cycle decided to the ledger (全程留痕), in the order it was decided.

    Appends each draw record (``draw``, key (item, year, round)), each department plan (``plan``, key
    ``("plan", department, year)``), each answer (``joint-answer``, key ``("joint-answer", proposal,
    department)``), the joint plan (``plan``, key ``("joint-plan", year)``) and the matching record
    (``match``, its ``journal_key``). :func:`run_cycle` calls it when given ``journal=``; a host that writes
    the cycle's files first (so that a failed write leaves no journal entry) calls it afterwards itself.

    Parameters
    ----------
    journal:
        The :class:`randinspect.ledger.Journal` to append to.
    result:
        The cycle.
    answers:
        The departments' answers given to the merger.

    Raises
    ------
    randinspect.errors.JournalError
        The ledger refused an entry (a draw or plan journalled before without a reason, a draw under another
        commitment than the journalled one). Every entry is checked before the first is appended
        (:meth:`randinspect.ledger.Journal.check_append`), so a refusal leaves the ledger as it was.
    """
    year = result.year
    entries: list[tuple[str, Any, tuple[str | int, ...] | None]] = [
        ("draw", record, None) for record in result.records
    ]
    entries += [("plan", plan, ("plan", plan.department, year)) for plan in result.plans]
    for answer in answers:
        payload = {
            "department": answer.department,
            "proposal": answer.proposal,
            "accept": answer.accept,
            "answered_on": answer.answered_on.isoformat(),
        }
        entries.append(("joint-answer", payload, ("joint-answer", answer.proposal, answer.department)))
    entries.append(("plan", result.joint, ("joint-plan", year)))
    if result.matching is not None:
        record = result.matching.record()
        entries.append(("match", record, record.journal_key))
    # Every entry is checked before the first is appended, so a refusal leaves the ledger as it was.
    for kind, payload, key in entries:
        journal.check_append(kind, payload, key=key)
    for kind, payload, key in entries:
        journal.append(kind, payload, key=key)
