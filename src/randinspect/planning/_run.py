"""The whole annual cycle in one call: item lists → draws → department plans → joint plan → matching.

:func:`run_cycle` is the one-call entry point for a city (§五(四)); :func:`inspection_tasks` turns a joint
plan into the inspection tasks (检查任务) the inspector matching serves, one per visit: one per joint-block
object, and one per department visit outside the blocks.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from randinspect.errors import (
    CommitmentMismatchError,
    ConfigurationError,
    InputError,
    MatchInputError,
    PlanError,
)
from randinspect.items import (
    CheckItem,
    DistrictOverlay,
    InspectionMethod,
    ItemList,
    ItemOrigin,
    SupervisionLevel,
    effective_list,
)
from randinspect.planning._cycle import AnnualCycle, Milestone
from randinspect.planning._department import DEFAULT_PERIODS, DepartmentPlan, ItemDraw, plan_department
from randinspect.planning._joint import Answer, JointPlan, OverlapMerger, ProposalRound

if TYPE_CHECKING:
    from randinspect.draw import Commitment
    from randinspect.ledger import Journal
    from randinspect.typing import JointPlanMerger, RandomSource, WorkCalendar

__all__ = [
    "CycleResult",
    "commit_cycle",
    "immediate_task",
    "inspection_tasks",
    "journal_cycle",
    "period_window",
    "run_cycle",
]

#: A task mixing items of several supervision levels takes the highest one set by law.
_LEVEL_RANK: dict[SupervisionLevel, int] = {
    SupervisionLevel.TERRITORIAL: 0,
    SupervisionLevel.COUNTY: 1,
    SupervisionLevel.CITY: 2,
    SupervisionLevel.PROVINCE: 3,
}


def _unique(values: Iterable[Any]) -> tuple[Any, ...]:
    out: list[Any] = []
    for v in values:
        if v not in out:
            out.append(v)
    return tuple(out)


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
    joint: JointPlan,
    objects: Any,
    items: Mapping[str, CheckItem] | Iterable[CheckItem],
    *,
    credit_commitments: Iterable[Any] = (),
) -> tuple[Any, ...]:
    """The inspection tasks of a joint plan, for :func:`randinspect.matching.match_inspectors`.

    One task per joint-block object (id ``"<block id>|<object id>"``, the block's departments, every
    member's items of that visit) and one per department visit outside the blocks (id
    ``"<department>|<object id>|<visit>"``). The window is the visit's period; region and unit come from the
    object directory; expert specialties from the items.

    The item's method decides what the task is (§四(八)): on-site items (实地检查) make the visit's on-site
    task, the only kind that gets an inspection group; online (网上检查), document (书面检查) and
    credit-commitment (信用承诺) items make desk tasks of their department, one per department, object,
    visit and method (id ``"<department>|<object id>|<visit>|<method>"``, ``method`` set on the task), with
    no visit; a visit whose items are all desk items makes no on-site task, and a block's on-site task lists
    only the departments with an on-site item. An object that signed a credit commitment for an item
    (:class:`randinspect.results.CommitmentStandIn`) is not visited for it: the item leaves the visit and
    the commitment's stand-in task (id ``"commitment|<item>|<object>"``, method ``credit_commitment``, the
    whole year) takes its place, once however many rounds drew the object.

    Parameters
    ----------
    joint:
        The joint plan.
    objects:
        The object directory.
    items:
        The items of the plan (a mapping by id or an iterable).
    credit_commitments:
        Credit commitments standing in for items (:class:`randinspect.results.CommitmentStandIn`).

    Returns
    -------
    tuple
        The on-site tasks (blocks first, then department visits), then the desk tasks in id order.

    Raises
    ------
    PlanError
        If an object is not in the directory, an item is unknown, or a credit commitment names an unknown
        item, another department than its item's, or an object outside the directory, or repeats one.
    """
    from randinspect.matching import InspectionTask

    by_id = dict(items) if isinstance(items, Mapping) else {i.id: i for i in items}
    ids = np.asarray(objects.ids)
    regions = np.asarray(objects.regions)
    units = np.asarray(objects.units)
    covered = _commitments_by_pair(credit_commitments, by_id, ids)
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

    special = {
        i.id
        for i in by_id.values()
        if i.officer_specialty
        or i.service_field
        or i.third_party is not None
        or i.level is not SupervisionLevel.TERRITORIAL
    }
    windows = {q: period_window(joint.year, q, periods) for q in range(periods)}
    on_site = InspectionMethod.ON_SITE

    def make(
        task_id: str,
        object_id: str,
        departments: Sequence[str],
        item_ids: list[str],
        period: int,
        method: InspectionMethod = on_site,
    ) -> Any:
        its = [by_id[i] for i in sorted(set(item_ids))]
        specialties = sorted({s for it in its if (s := it.expert_specialty)})
        k = position[object_id]
        extra: dict[str, Any] = {}
        if special and any(it.id in special for it in its):
            extra = {
                "officer_specialties": sorted(
                    {(it.department, s) for it in its if (s := it.officer_specialty)}
                ),
                "service_fields": sorted({s for it in its if (s := it.service_field)}),
                "level": max(
                    (it.level for it in its),
                    key=_LEVEL_RANK.__getitem__,
                    default=SupervisionLevel.TERRITORIAL,
                ),
                "third_parties": _unique(it.third_party for it in its if it.third_party is not None),
            }
        if method is not on_site:
            extra["method"] = method
        return InspectionTask(
            id=task_id,
            object_id=object_id,
            region=str(regions[k]),
            unit=str(units[k]),
            window=windows[period],
            items=tuple(it.id for it in its),
            departments=tuple(departments),
            specialties=tuple(specialties),
            **extra,
        )

    desk: list[Any] = []
    stand_ins: dict[str, Any] = {}

    def split(object_id: str, visit: int, item_ids: list[str], period: int) -> list[str]:
        """The visit's on-site items; its desk tasks and stand-ins go to ``desk`` and ``stand_ins``."""
        unknown = sorted({i for i in item_ids if i not in by_id})
        if unknown:
            raise PlanError(f"items {unknown} of the plan are not in the item list")
        kept: list[str] = []
        remote: dict[tuple[str, InspectionMethod], list[str]] = defaultdict(list)
        for i in item_ids:
            stand = covered.get((object_id, i))
            if stand is not None:
                stand_ins.setdefault(stand.task_id, stand)
            elif by_id[i].method is on_site:
                kept.append(i)
            else:
                remote[(by_id[i].department, by_id[i].method)].append(i)
        for (d, m), its in sorted(remote.items(), key=lambda kv: (kv[0][0], kv[0][1].value)):
            desk.append(make(f"{d}|{object_id}|{visit}|{m.value}", object_id, (d,), its, period, m))
        return kept

    tasks = []
    for block in joint.blocks:
        for o in block.object_ids:
            its: list[str] = []
            departments: list[str] = []
            for d in block.departments:
                planned = visit_items[(d, o, 0)]
                kept = split(o, 0, planned, block.period)
                if kept or not planned:  # a member whose items all went to the desk sends nobody
                    its += kept
                    departments.append(d)
            if its:
                tasks.append(make(f"{block.id}|{o}", o, departments, its, block.period))
    for d, o, v, q in sorted(solo):
        kept = split(o, v, visit_items[(d, o, v)], q)
        if kept:
            tasks.append(make(f"{d}|{o}|{v}", o, (d,), kept, q))
    for stand in stand_ins.values():
        desk.append(stand.task(objects, joint.year))
    desk.sort(key=lambda t: t.id)
    return (*tasks, *desk)


def _commitments_by_pair(
    commitments: Iterable[Any], by_id: Mapping[str, CheckItem], ids: Any
) -> dict[tuple[str, str], Any]:
    """(object id, item id) -> credit commitment, each checked against the items and the directory."""
    out: dict[tuple[str, str], Any] = {}
    listed = list(commitments)
    known = np.isin(np.asarray([c.object_id for c in listed] or [""], dtype=str), ids)[: len(listed)]
    for n, c in enumerate(listed, start=1):
        where = f"credit commitment {n} (object {c.object_id!r}, item {c.item_id!r})"
        item = by_id.get(c.item_id)
        if item is None:
            raise PlanError(f"{where} names an item that is not in the item list; correct the item id")
        if c.department != item.department:
            raise PlanError(
                f"{where} is made to department {c.department!r}, but the item is {item.department!r}'s; "
                "a commitment stands in for its own department's item"
            )
        if not known[n - 1]:
            raise PlanError(f"{where} names an object that is not in the object directory")
        if (c.object_id, c.item_id) in out:
            raise PlanError(f"{where} repeats a commitment for the same object and item; give it once")
        out[(c.object_id, c.item_id)] = c
    return out


def immediate_task(
    objects: Any,
    object_id: str,
    *,
    departments: Sequence[str],
    start: dt.date,
    end: dt.date | None = None,
    category: Any = "case",
    note: str = "",
    items: Sequence[str] = (),
    task_id: str | None = None,
) -> Any:
    """A task outside the yearly draw, for an object of the directory: a case lead or a special campaign.

    §四(八)2: leads from complaints, referrals or monitoring are checked at once (立即实施检查); widespread
    problems get special campaigns (专项检查) under a published plan adjustment. The task takes its region and
    supervising unit from the directory; pass it to :func:`run_cycle` (``extra_tasks``) or to
    :func:`randinspect.matching.rematch` to match it with the plan's tasks.

    Parameters
    ----------
    objects:
        The object directory.
    object_id:
        The object to inspect.
    departments:
        Departments taking part.
    start, end:
        The window (``end`` defaults to ``start``: the same day).
    category:
        :class:`randinspect.matching.TaskCategory` ``"case"`` (default) or ``"special"``.
    note:
        The case or campaign reference, recorded with the task.
    items:
        Ids of the check items done, when the visit follows items of the list.
    task_id:
        The task id; default ``"<category>|<departments>|<object id>|<start>"``.

    Raises
    ------
    PlanError
        If the object is not in the directory.
    """
    from randinspect.matching import InspectionTask, TaskCategory

    ids = np.asarray(objects.ids)
    hit = np.flatnonzero(ids == object_id)
    if not hit.size:
        raise PlanError(f"object {object_id!r} is not in the object directory; a task needs a known object")
    k = int(hit[0])
    kind = category if isinstance(category, TaskCategory) else TaskCategory(str(category))
    last = start if end is None else end
    return InspectionTask(
        id=task_id or f"{kind.value}|{'+'.join(departments)}|{object_id}|{start.isoformat()}",
        object_id=object_id,
        region=str(objects.regions[k]),
        unit=str(objects.units[k]),
        window=(start, last),
        items=tuple(items),
        departments=tuple(departments),
        category=kind,
        note=note,
    )


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
        The on-site inspection tasks (实地检查), the ones matched to inspection groups, and the extra tasks.
    matching:
        The matching result, or ``None`` when no inspectors were given.
    timings:
        Seconds per stage (``draw``, ``plan``, ``propose``, ``merge``, ``tasks``, ``match``).
    skipped:
        Ids of items whose scope selected no alive object (only with ``skip_empty=True``).
    warnings:
        Deadlines of the cycle (§五(四)) this run misses, in words; empty when it keeps them all.
    origins:
        Provenance of every item drawn that a district overlay shaped (区(市、县)调整补充): item id →
        ``{"origin", "district", "city_item", "changes", "provenance"}``; city items narrowed to leave an
        overlaid district out are listed with origin ``"city-outside-overlays"``.
    desk_tasks:
        The desk tasks (§四(八)): online (网上检查), document (书面检查) and credit-commitment (信用承诺)
        checks of drawn objects, and the stand-ins of signed credit commitments; no group, no visit. Enter
        their results with :meth:`assignments`; a finding that needs a visit becomes an on-site task by
        :func:`randinspect.planning.convert_to_on_site`.
    credit_commitments:
        The signed credit commitments (信用承诺) given to the cycle, drawn objects or not
        (:class:`randinspect.results.CommitmentStandIn`); :func:`journal_cycle` records each.
    match_options:
        The matching rules the cycle used (``matcher``, ``rule``, ``conflicts``, ``history``, ``caps``),
        so that tasks added later are matched under the same ones.
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
    origins: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    desk_tasks: tuple[Any, ...] = ()
    credit_commitments: tuple[Any, ...] = ()
    match_options: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def assignments(self) -> dict[str, tuple[str, ...]]:
        """Task id → inspector ids of its group, for :func:`randinspect.results.enter_results`: every matched
        on-site task with its group, every desk task with none (the department checks it at its desk)."""
        out: dict[str, tuple[str, ...]] = {t.id: () for t in self.desk_tasks}
        if self.matching is not None:
            for g in self.matching.groups:
                out[g.task_id] = tuple(g.inspector_ids)
        return out

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
            matched = _matching_summary(self.matching)
        categories: dict[str, int] = defaultdict(int)
        for task in self.tasks:
            categories[task.category.value] += 1
        desk: dict[str, int] = defaultdict(int)
        for task in self.desk_tasks:
            desk[task.method.value] += 1
        plan_visits = [t for t in self.tasks if t.category.value == "random"]
        without = sum(len(t.departments) for t in plan_visits)
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
            "tasks_by_category": dict(sorted(categories.items())),
            "desk_tasks": len(self.desk_tasks),
            "desk_tasks_by_method": dict(sorted(desk.items())),
            "commitment_stand_ins": sum(1 for t in self.desk_tasks if t.id.startswith("commitment|")),
            "on_site_visits": {
                "without_joint": without,
                "with_joint": len(plan_visits),
                "saved": without - len(plan_visits),
            },
            "answers": _answers_summary(self.joint),
            "matching": matched,
            "deadlines": {m.value: d.isoformat() for m, d in self.cycle.schedule()},
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "skipped_items": list(self.skipped),
            "overlay_items": {k: dict(v) for k, v in sorted(self.origins.items())},
            "warnings": list(self.warnings),
        }

    def inspection_history(self) -> tuple[Any, ...]:
        """The matched groups as inspection history (:class:`randinspect.matching.HistoryRecord`), dated on
        the first day of each task's window: the next year's cycle passes it as ``history`` so nobody
        inspects the same object twice in a row."""
        from randinspect.matching import HistoryRecord

        if self.matching is None:
            return ()
        tasks = {t.id: t for t in self.tasks}
        return tuple(
            HistoryRecord(object_id=tasks[g.task_id].object_id, inspector_id=i, date=tasks[g.task_id].start)
            for g in self.matching.groups
            for i in g.inspector_ids
        )

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready summary, department plans and joint plan (draw records are published by the journal)."""
        return {
            "summary": self.summary(),
            "item_origins": {k: dict(v) for k, v in sorted(self.origins.items())},
            "proposals": self.proposals.to_json_dict(),
            "joint_plan": self.joint.to_json_dict(),
            "department_plans": [p.to_json_dict() for p in self.joint.plans],
        }


def _matching_summary(matching: Any) -> dict[str, Any]:
    """Groups, infeasible tasks by binding constraint (回避 rules named) and pairs removed per rule."""
    problem = matching.problem
    by_constraint: dict[str, int] = defaultdict(int)
    by_rules: list[dict[str, Any]] = []
    for t in matching.infeasible:
        by_constraint[t.constraint] += 1
        if t.constraint in ("conflict", "history"):
            by_rules.append(
                {
                    "task": t.task_id,
                    "constraint": t.constraint,
                    "rules": problem.rules_removing(t.seat),
                    "message": t.message,
                }
            )
    loads = matching.loads()
    by_category: dict[str, int] = defaultdict(int)
    tasks = {t.id: t for t in problem.tasks}
    for g in matching.groups:
        by_category[tasks[g.task_id].category.value] += 1
    return {
        "groups": len(matching.groups),
        "groups_by_category": dict(sorted(by_category.items())),
        "infeasible": len(matching.infeasible),
        "infeasible_by_constraint": dict(sorted(by_constraint.items())),
        "infeasible_by_rules": by_rules,
        "pairs_removed_by_rule": dict(problem.removed_by_rule),
        "max_load": max(loads.values(), default=0),
    }


def _answers_summary(joint: JointPlan) -> dict[str, Any]:
    """Per department: answers given on time by date, late answers by date, and answers missing."""
    out: dict[str, dict[str, Any]] = {}
    for d in joint.decisions:
        row = out.setdefault(d.department, {"on_time": {}, "late": {}, "missing": 0})
        if d.answered_on is None:
            row["missing"] += 1
        else:
            bucket = row["late"] if d.late else row["on_time"]
            day = d.answered_on.isoformat()
            bucket[day] = bucket.get(day, 0) + 1
    return {
        k: {**v, "on_time": dict(sorted(v["on_time"].items())), "late": dict(sorted(v["late"].items()))}
        for k, v in sorted(out.items())
    }


def _apply_overlays(
    items: tuple[CheckItem, ...], year: int, overlays: Sequence[DistrictOverlay], objects: Any
) -> tuple[tuple[CheckItem, ...], dict[str, dict[str, Any]]]:
    """The items to draw with the districts' overlays applied, and the provenance of every shaped item.

    For each overlaid district the effective list is computed (:func:`effective_list`); a city item the
    district adjusts or removes is drawn city-wide *outside* the district (its scope regions narrowed to the
    directory's other districts) and, when adjusted, drawn in the district as ``"<id>@<district>"``; the
    district's own items are drawn in the district. Unchanged city items are drawn city-wide as before.
    """
    if not overlays:
        return items, {}
    regions = sorted({str(r) for r in np.unique(np.asarray(objects.regions)).tolist()})
    problems: list[str] = []
    for n, overlay in enumerate(overlays, start=1):
        if not any(r.startswith(overlay.district) for r in regions):
            problems.append(
                f"overlay {n} ({overlay.provenance or 'no provenance'}) is for district {overlay.district}, "
                "which has no object in the directory: it lies outside the city"
            )
    if problems:
        raise PlanError("; ".join(problems) + "; check the overlay's district code (GB/T 2260)")
    city = ItemList(year=year, items=items, name="city list")
    origins: dict[str, dict[str, Any]] = {}
    extra: list[CheckItem] = []
    outside: dict[str, set[str]] = defaultdict(set)  # city item id -> districts it leaves out
    for district in sorted({o.district for o in overlays}):
        effective = effective_list(city, overlays, district)
        for entry in effective.entries:
            if entry.origin is ItemOrigin.CITY:
                continue
            record = {
                "origin": entry.origin.value,
                "district": district,
                "city_item": "" if entry.origin is ItemOrigin.DISTRICT_ADDED else entry.item.id,
                "changes": [f"{c.field}: {c.old} -> {c.new}" for c in entry.changes],
                "provenance": list(entry.provenance),
            }
            if entry.origin is ItemOrigin.DISTRICT_ADDED:
                extra.append(entry.item)
                origins[entry.item.id] = record
                continue
            outside[entry.item.id].add(district)
            if entry.origin is ItemOrigin.DISTRICT_ADJUSTED and entry.applies:
                local = attrs.evolve(entry.item, id=f"{entry.item.id}@{district}")
                extra.append(local)
                origins[local.id] = record
            else:
                origins[f"{entry.item.id}@{district}"] = record
    out: list[CheckItem] = []
    for item in items:
        left_out = outside.get(item.id)
        if not left_out:
            out.append(item)
            continue
        prefixes = item.scope.regions
        keep = [
            r
            for r in regions
            if not any(r.startswith(d) for d in left_out)
            and (prefixes is None or any(r.startswith(x) for x in prefixes))
        ]
        origins[item.id] = {
            "origin": "city-outside-overlays",
            "district": ",".join(sorted(left_out)),
            "city_item": item.id,
            "changes": [f"scope.regions: leaves out {', '.join(sorted(left_out))}"],
            "provenance": [],
        }
        if keep:
            out.append(attrs.evolve(item, scope=attrs.evolve(item.scope, regions=tuple(keep))))
    return (*out, *extra), origins


def _check_conflicts_and_history(
    conflicts: Any, history: Sequence[Any], inspectors: Any, objects: Any, year: int
) -> None:
    """Refuse conflicts and history naming unknown inspectors or objects, and history not yet happened.

    Errors name the entry's position (1-based) in the input, like a row number.
    """
    people = {str(p.id) for p in getattr(inspectors, "inspectors", inspectors)}
    ids = np.asarray(objects.ids)
    pairs = list(conflicts.sorted_pairs())
    for n, (insp, obj) in enumerate(pairs, start=1):
        if insp not in people:
            raise MatchInputError(
                f"conflict {n} ({insp!r}, {obj!r}) names an inspector who is not in the inspector "
                "directory; correct the id or remove the row"
            )
    known = np.isin(np.asarray([o for _, o in pairs] or [""], dtype=str), ids)[: len(pairs)]
    if not known.all():
        n = int(np.flatnonzero(~known)[0])
        raise MatchInputError(
            f"conflict {n + 1} ({pairs[n][0]!r}, {pairs[n][1]!r}) names an object that is not in the object "
            "directory; correct the id or remove the row"
        )
    first_day = dt.date(year, 1, 1)
    for n, h in enumerate(history, start=1):
        if h.inspector_id not in people:
            raise MatchInputError(
                f"history record {n} (object {h.object_id!r}, {h.date}) names inspector {h.inspector_id!r} "
                "who is not in the inspector directory"
            )
        if h.date >= first_day:
            raise MatchInputError(
                f"history record {n} (object {h.object_id!r}, inspector {h.inspector_id!r}) is dated "
                f"{h.date}, on or after the start of the plan year {year}: history holds earlier "
                "inspections only; correct the date"
            )
    hist_known = np.isin(np.asarray([h.object_id for h in history] or [""], dtype=str), ids)[: len(history)]
    if not hist_known.all():
        n = int(np.flatnonzero(~hist_known)[0])
        raise MatchInputError(
            f"history record {n + 1} names object {history[n].object_id!r}, which is not in the object "
            "directory"
        )


def _with_extra_tasks(tasks: tuple[Any, ...], extra: tuple[Any, ...], objects: Any) -> tuple[Any, ...]:
    """The plan's tasks followed by special-campaign and case tasks, checked for ids and objects."""
    seen = {t.id for t in tasks}
    ids = np.asarray(objects.ids)
    known = np.isin(np.asarray([t.object_id for t in extra], dtype=str), ids)
    for n, task in enumerate(extra, start=1):
        if task.id in seen:
            raise MatchInputError(f"extra task {n} repeats the task id {task.id!r}; give it a unique id")
        if not known[n - 1]:
            raise MatchInputError(
                f"extra task {n} ({task.id!r}) names object {task.object_id!r}, which is not in the object "
                "directory"
            )
        seen.add(task.id)
    return (*tasks, *extra)


def _commitments_by_context(commitments: Iterable[Commitment]) -> dict[str, Commitment]:
    """The commitments keyed by context; a context given twice is refused."""
    from randinspect.draw import Commitment

    out: dict[str, Commitment] = {}
    for n, c in enumerate(commitments, start=1):
        if not isinstance(c, Commitment):
            raise InputError(
                f"commitment {n} is a {type(c).__name__}, not a randinspect.draw.Commitment (read a "
                "published one with Commitment.from_json_dict)"
            )
        if c.context in out:
            raise InputError(f"commitment {n} repeats the draw {c.context!r}; give one commitment per draw")
        out[c.context] = c
    return out


def _cycle_items(
    objects: Any,
    items: ItemList | Iterable[CheckItem],
    year: int | None,
    overlays: Iterable[DistrictOverlay],
) -> tuple[int, tuple[CheckItem, ...], dict[str, Any]]:
    """The plan year and the items a cycle draws (district overlays applied), with their provenance."""
    item_tuple = tuple(items.items if isinstance(items, ItemList) else items)
    years = {i.year for i in item_tuple}
    if year is None:
        if len(years) != 1:
            raise PlanError(f"items span years {sorted(years)}; pass year=")
        year = years.pop()
    drawn, origins = _apply_overlays(item_tuple, year, tuple(overlays), objects)
    return year, drawn, origins


def commit_cycle(
    objects: Any,
    items: ItemList | Iterable[CheckItem],
    *,
    year: int | None = None,
    policy: Any = None,
    skip_empty: bool = False,
    overlays: Iterable[DistrictOverlay] = (),
    committed_on: dt.date | None = None,
    journal: Journal | None = None,
) -> tuple[Commitment, ...]:
    """The commitments of every draw :func:`run_cycle` would make, to publish before the seed exists.

    Mirrors the draw stage of :func:`run_cycle` (same items, district overlays, per-department policies,
    rounds and empty-frame rule): pass the result back as ``run_cycle(..., commitments=...)`` with the
    same inputs and the public seed, and the cycle draws exactly the committed draws, or stops with
    :class:`randinspect.errors.CommitmentMismatchError` naming what changed. Use the same policy objects
    in both calls: a tiered policy's ``reason_salt`` is part of what is committed.

    Parameters
    ----------
    objects, items, year, policy, skip_empty, overlays:
        As for :func:`run_cycle`.
    committed_on:
        The date the commitments are made; the complaint window of a tiered policy without
        ``reference_date`` ends on it (default: the cycle's draw deadline, 10 November of the year
        before, :func:`randinspect.draw.default_commitment_date`).
    journal:
        A :class:`randinspect.ledger.Journal` to which every commitment is appended (``commitment``, key
        (item, year, round)) once all are made; every entry is checked before the first is appended, so a
        refusal leaves the ledger as it was. :func:`run_cycle` with the same journal then checks each
        draw against its journalled commitment.

    Returns
    -------
    tuple of Commitment
        One per item and round, in the order :func:`run_cycle` draws them (items, then rounds).

    Raises
    ------
    PlanError
        If the items span several years or an overlay does not apply (as :func:`run_cycle`).
    EmptyFrameError
        If an item's scope selects no alive object and ``skip_empty`` is false.
    ComplaintWindowError
        If a policy's ``reference_date`` is after ``committed_on``.
    JournalError
        The journal refused a commitment (one journalled before for the same draw, without a reason).

    Examples
    --------
    >>> from randinspect.datasets import demo_city, demo_items
    >>> from randinspect.draw import PublicSeedSource
    >>> city = demo_city(n_objects=2_000, seed=1)
    >>> commitments = commit_cycle(city.objects, demo_items(), skip_empty=True)  # publish these
    >>> result = run_cycle(city.objects, demo_items(), source=PublicSeedSource("3 1 4 1 5 9"),
    ...                    commitments=commitments, skip_empty=True)
    >>> [r.commitment.digest for r in result.records] == [c.digest for c in commitments]
    True
    """
    from randinspect.draw import commit, item_rounds
    from randinspect.errors import EmptyFrameError

    year, item_tuple, _ = _cycle_items(objects, items, year, overlays)
    out: list[Commitment] = []
    for item in item_tuple:
        item_policy = policy.get(item.department) if isinstance(policy, Mapping) else policy
        try:
            out.extend(
                commit(objects, item, policy=item_policy, year=year, round=r, committed_on=committed_on)
                for r in range(1, item_rounds(item, _matrix_of(item_policy)) + 1)
            )
        except EmptyFrameError:
            if not skip_empty:
                raise
    if journal is not None:
        for c in out:
            journal.check_append("commitment", c)
        for c in out:
            journal.append_commitment(c)
    return tuple(out)


def _matrix_of(policy: Any) -> Any:
    """The credit-risk matrix whose round shares set an item's rounds (None: the item's own frequency)."""
    return None if policy is None else getattr(policy, "matrix", None)


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
    conflicts: Any = None,
    competitors: Iterable[tuple[str, str]] = (),
    history: Iterable[Any] = (),
    rule: Any = None,
    caps: int | Mapping[str, int] | None = None,
    overlays: Iterable[DistrictOverlay] = (),
    extra_tasks: Iterable[Any] = (),
    credit_commitments: Iterable[Any] = (),
    journal: Journal | None = None,
    commitments: Iterable[Commitment] | None = None,
    committed_on: dt.date | None = None,
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
        problem-object rules differ by department (12315 complaints concern market regulation). An item
        is drawn in :func:`randinspect.draw.item_rounds` rounds under its policy's matrix: its frequency,
        or more when a cell's round share is above 1 (raised frequency, 提高抽查频次); the department plan
        gets the same matrix.
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
    conflicts:
        Declared conflicts of interest (回避名单): a :class:`randinspect.matching.ConflictList` or
        ``(inspector_id, object_id)`` pairs. Former employers, family ties and experts' affiliations recorded
        on the inspectors apply on top of it in every group.
    competitors:
        ``(object_id, competitor_id)`` pairs listed by the departments: a person affiliated with one never
        inspects the other.
    history:
        Inspection history of earlier years (:class:`randinspect.matching.HistoryRecord`, e.g.
        :meth:`CycleResult.inspection_history` of last year's cycle): the inspectors of an object's latest
        inspection do not inspect it again.
    rule, caps:
        Seat rule and load caps of the matching (see :func:`randinspect.matching.match_inspectors`).
    overlays:
        District overlays (区(市、县)调整补充, §四(六)3): each district's additions and adjustments are drawn
        in the same cycle; ``CycleResult.origins`` records their provenance.
    extra_tasks:
        Tasks outside the yearly draw that enter the same matching: special campaigns (专项检查) and
        case-triggered tasks (:class:`randinspect.matching.TaskCategory`), with ids unique among the
        cycle's tasks and objects of the directory.
    credit_commitments:
        Signed credit commitments (:class:`randinspect.results.CommitmentStandIn`, 信用承诺) standing in
        for items: a drawn object that committed is not visited for the item; its stand-in desk task takes
        the item's place (see :func:`inspection_tasks`). The draws are unchanged, so they still verify.
    journal:
        A :class:`randinspect.ledger.Journal` (全程留痕) to which the cycle appends what it decided, once
        every stage has succeeded (a failed cycle journals nothing): each draw record (``draw``, checked
        against a commitment journalled earlier for its key), each department plan (``plan``, key
        ``("plan", department, year)``), each department's answer (``joint-answer``, key
        ``("joint-answer", proposal, department)``), the joint plan (``plan``, key ``("joint-plan", year)``)
        and the matching record (``match``). The item list and the commitments are journalled earlier, by
        whoever fixes them. ``None`` journals nothing.
    commitments:
        The draw commitments published before the seed, as :func:`commit_cycle` made them from the same
        inputs: each draw is checked against its own (same item, year and round) and the cycle draws
        exactly the committed draws. ``None`` commits at draw time.
    committed_on:
        The commitment date of the draws (the complaint windows of tiered policies without a reference
        date end on it; see :func:`randinspect.draw.commit`). With ``commitments`` each draw takes the
        date its commitment stored.

    Raises
    ------
    PlanError
        If the items span several years, a capacity names a department without items, an overlay's district
        has no object in the directory (outside the city) or an overlay does not apply, or a stage refuses its
        input (each stage's own typed errors pass through unchanged).
    MatchInputError
        If a conflict or history record names an unknown inspector or object (its position given), history
        is dated in the plan year or later, or an extra task repeats an id or names an unknown object.
    CommitmentMismatchError
        With ``commitments``: a draw's inputs no longer give its commitment (the message names the item,
        the round and what changed: directory, frame, π table, item, policy parameters ...), a draw has
        no commitment, or a commitment has no draw (an item left out or skipped).
    JournalError
        Journal errors (a draw journalled before, another commitment) pass through, raised before anything
        of this cycle is appended (see :func:`journal_cycle`).
    """
    from randinspect.draw import draw, draw_context, item_rounds
    from randinspect.errors import EmptyFrameError

    year, item_tuple, origins = _cycle_items(objects, items, year, overlays)
    from randinspect.matching import ConflictList

    history_list = tuple(history)
    conflict_list = (
        conflicts
        if isinstance(conflicts, ConflictList) and not competitors
        else ConflictList(
            conflicts.pairs if isinstance(conflicts, ConflictList) else (conflicts or ()),
            competitors=[
                *(conflicts.competitors if isinstance(conflicts, ConflictList) else ()),
                *competitors,
            ],
        )
    )
    if inspectors is not None and (conflict_list.pairs or history_list):
        _check_conflicts_and_history(conflict_list, history_list, inspectors, objects, year)
    extra = tuple(extra_tasks)
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
    committed = None if commitments is None else _commitments_by_context(commitments)
    records = []
    draws_by_department: dict[str, list[ItemDraw]] = defaultdict(list)
    skipped: list[str] = []
    for item in item_tuple:
        item_policy = policy.get(item.department) if isinstance(policy, Mapping) else policy
        for r in range(1, item_rounds(item, _matrix_of(item_policy)) + 1):
            context = draw_context(item.id, year, r)
            commitment = None if committed is None else committed.pop(context, None)
            try:
                record = draw(
                    objects,
                    item,
                    source,
                    policy=item_policy,
                    year=year,
                    round=r,
                    commitment=commitment,
                    committed_on=committed_on,
                )
            except EmptyFrameError as exc:
                if commitment is not None:
                    raise CommitmentMismatchError(
                        f"item {item.id!r} round {r} was committed over {commitment.frame_size} objects but "
                        f"its frame is now empty ({exc}); changed since the commitment: directory, frame"
                    ) from None
                if not skip_empty:
                    raise
                skipped.append(item.id)
                break
            if committed is not None and commitment is None:
                raise CommitmentMismatchError(
                    f"item {item.id!r} round {r} of {year} ({context!r}) has no commitment: it was added, "
                    "its frequency raised or its frame filled since the commitments were made; commit it "
                    "(commit_cycle) before the seed"
                )
            records.append(record)
            draws_by_department[item.department].append(ItemDraw.from_record(record))
    if committed:
        left = sorted(committed)
        raise CommitmentMismatchError(
            f"{len(left)} committed draw(s) have no draw in this cycle ({', '.join(left[:5])}): an item was "
            "removed, skipped or its frequency lowered since the commitments; draw with the committed inputs"
        )
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
            matrix=_matrix_of(policy.get(department) if isinstance(policy, Mapping) else policy),
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
    credit_commitments = tuple(credit_commitments)
    every = inspection_tasks(joint, objects, item_tuple, credit_commitments=credit_commitments)
    tasks = tuple(t for t in every if t.method is InspectionMethod.ON_SITE)
    desk_tasks = tuple(t for t in every if t.method is not InspectionMethod.ON_SITE)
    if extra:
        tasks = _with_extra_tasks(tasks, extra, objects)
        clash = {t.id for t in extra} & {t.id for t in desk_tasks}
        if clash:
            raise MatchInputError(
                f"extra task {sorted(clash)[0]!r} repeats a desk task's id; give a unique id"
            )
    timings["tasks"] = time.perf_counter() - start

    matching = None
    if inspectors is not None:
        from randinspect.matching import match_inspectors

        start = time.perf_counter()
        matching = match_inspectors(
            tasks,
            inspectors,
            source=source,
            matcher=matcher,
            rule=rule,
            conflicts=conflict_list,
            history=history_list,
            caps=caps,
            context=f"match|{year}",
            allow_partial=True,
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
        origins=origins,
        desk_tasks=desk_tasks,
        credit_commitments=credit_commitments,
        match_options={
            "matcher": matcher,
            "rule": rule,
            "conflicts": conflict_list,
            "history": history_list,
            "caps": caps,
        },
    )
    if journal is not None:
        journal_cycle(journal, result, answers=answers)
    return result


def credit_commitment_entries(
    commitments: Iterable[Any], year: int
) -> list[tuple[tuple[str, str, int], dict[str, Any]]]:
    """The ledger entries of signed credit commitments (信用承诺): one ``(key, payload)`` per item, key
    ``("credit-commitments", item, year)``, payload ``{"item_id", "year", "commitments": [...]}`` listing
    each :meth:`randinspect.results.CommitmentStandIn.to_dict` in the order given, items by id.

    Append them (kind ``credit-commitment``) before the seed ceremony to show that the commitments predate
    the draw; :func:`journal_cycle` then finds them journalled and does not append them again.

    Examples
    --------
    >>> import datetime as dt
    >>> from randinspect.results import CommitmentStandIn
    >>> signed = CommitmentStandIn(object_id="91520102MA6DJ1234X", item_id="SAMR-2027-004",
    ...                            department="SAMR", signed_on=dt.date(2026, 12, 1), text_digest="a" * 64)
    >>> [(key, len(payload["commitments"])) for key, payload in credit_commitment_entries([signed], 2027)]
    [(('credit-commitments', 'SAMR-2027-004', 2027), 1)]
    """
    by_item: dict[str, list[dict[str, Any]]] = {}
    for c in commitments:
        by_item.setdefault(c.item_id, []).append(c.to_dict())
    return [
        (("credit-commitments", item_id, year), {"item_id": item_id, "year": year, "commitments": listed})
        for item_id, listed in sorted(by_item.items())
    ]


def _journalled(journal: Journal, kind: str, key: tuple[str | int, ...], payload: Any) -> bool:
    """Whether ``journal`` already holds an entry of ``kind`` for ``key`` with exactly ``payload``."""
    plain = json.loads(json.dumps(payload, ensure_ascii=False))
    return any(e.kind == kind and e.payload == plain for e in journal.history(key))


def journal_cycle(journal: Journal, result: CycleResult, *, answers: Iterable[Answer] = ()) -> None:
    """Append what a cycle decided to the ledger (全程留痕), in the order it was decided.

    Appends each draw record (``draw``, key (item, year, round)), the signed credit commitments given to
    the cycle, one entry per item listing them (``credit-commitment``, :func:`credit_commitment_entries`;
    an entry journalled before with the same payload is not appended again, one with another payload is
    refused), each department plan
    (``plan``, key ``("plan", department, year)``), each answer (``joint-answer``, key
    ``("joint-answer", proposal, department)``), the joint plan (``plan``, key ``("joint-plan", year)``)
    and the matching record (``match``, its ``journal_key``). :func:`run_cycle` calls it when given
    ``journal=``; a host that writes the cycle's files first (so that a failed write leaves no journal
    entry) calls it afterwards itself.

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
    entries += [
        ("credit-commitment", payload, key)
        for key, payload in credit_commitment_entries(getattr(result, "credit_commitments", ()), year)
        if not _journalled(journal, "credit-commitment", key, payload)
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
