"""Dynamic adjustment of a published plan (动态调整计划, §四(六)2).

Mid-year a department may add items or change an item's ratio because of an emerging risk. The change is
published on the city platform before it applies (在市级平台公开发布后实施): a :class:`PlanChange` carries its
publication date, and :func:`adjust` refuses to apply it before that date or without one. Only the affected
part is re-planned: work already done is never touched, tasks of unaffected items keep their periods, new work
goes only into periods that have not ended, and every change is recorded with its reason and dates in the
plan's history (published with the plan): every version of the plan is named by its digest. The inspection
groups of the affected tasks are re-matched with :func:`randinspect.matching.rematch`, which keeps every other
group.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.errors import ConfigurationError, PlanError
from randinspect.planning._department import DepartmentPlan, ItemDraw

if TYPE_CHECKING:
    from randinspect.typing import CreditRiskMatrix, RandomSource

__all__ = ["PlanChange", "PlanRevision", "TaskKey", "adjust", "current_period"]

TaskKey = tuple[str, str, int]
"""A task: ``(object_id, item_id, round)``."""


def _draws_converter(draws: Iterable[ItemDraw]) -> tuple[ItemDraw, ...]:
    return tuple(draws)


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        return (values,)
    return tuple(values)


@attrs.frozen(kw_only=True)
class PlanChange:
    """A mid-year change to a department plan (计划调整).

    Parameters
    ----------
    reason:
        Why (an emerging risk, a new item); required, it is published with the plan.
    effective_on:
        Date of the change; new work goes to the period containing it or later.
    draws:
        New draws: for a new item, or a re-draw of an existing item and round with a changed ratio (the new
        selection replaces the old one's undone tasks).
    remove_items:
        Items withdrawn; their undone tasks leave the plan.
    published_on:
        Date the change was published on the city platform (公开发布, §四(六)2); on or before
        ``effective_on``. :func:`adjust` refuses a change without one.

    Raises
    ------
    ConfigurationError
        If the reason is empty, the change changes nothing, or it is published after its effective date.
    """

    reason: str
    effective_on: dt.date
    draws: tuple[ItemDraw, ...] = attrs.field(default=(), converter=_draws_converter)
    remove_items: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    published_on: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if not self.reason.strip():
            raise ConfigurationError("a plan change needs a reason; it is published with the plan's history")
        if not self.draws and not self.remove_items:
            raise ConfigurationError("a plan change needs new draws or items to remove")
        if self.published_on is not None and self.published_on > self.effective_on:
            raise ConfigurationError(
                f"plan change {self.reason!r}: published on {self.published_on.isoformat()}, after its "
                f"effective date {self.effective_on.isoformat()}; a change applies only after it is "
                "published (§四(六)2): move the effective date to the publication date or later"
            )


@attrs.frozen(kw_only=True)
class PlanRevision:
    """One entry of a plan's history: what changed, when and why.

    Attributes
    ----------
    number:
        1 for the first revision.
    reason, effective_on, published_on:
        From the change.
    applied_on:
        When the change was applied to the plan (on or after ``published_on``).
    added, removed:
        Tasks ``(object_id, item_id, round)`` added and removed.
    kept_done:
        Tasks of affected items that were already done and therefore kept.
    digest_before, digest_after:
        Plan digests, tying the history to the published plans.
    """

    number: int
    reason: str
    effective_on: dt.date
    added: tuple[TaskKey, ...]
    removed: tuple[TaskKey, ...]
    kept_done: tuple[TaskKey, ...]
    digest_before: str
    digest_after: str = ""
    published_on: dt.date | None = None
    applied_on: dt.date | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready form for the journal and publication."""
        return {
            "number": self.number,
            "reason": self.reason,
            "effective_on": self.effective_on.isoformat(),
            "added": [list(t) for t in self.added],
            "removed": [list(t) for t in self.removed],
            "kept_done": [list(t) for t in self.kept_done],
            "digest_before": self.digest_before,
            "digest_after": self.digest_after,
            "published_on": None if self.published_on is None else self.published_on.isoformat(),
            "applied_on": None if self.applied_on is None else self.applied_on.isoformat(),
        }


def current_period(day: dt.date, year: int, periods: int) -> int:
    """0-based period of ``day`` in the plan year (periods split the months evenly).

    Returns -1 before the year and ``periods`` after it.
    """
    if day.year < year:
        return -1
    if day.year > year:
        return periods
    if 12 % periods:
        raise ConfigurationError(f"{periods} periods do not split the twelve months evenly")
    return (day.month - 1) // (12 // periods)


def _task_keys(plan: DepartmentPlan) -> list[TaskKey]:
    return list(zip(plan.object_ids.tolist(), plan.item_ids.tolist(), plan.rounds.tolist(), strict=True))


def adjust(
    plan: DepartmentPlan,
    change: PlanChange,
    *,
    done: Iterable[TaskKey] = (),
    source: RandomSource,
    items: Mapping[str, Any] | None = None,
    applied_on: dt.date | None = None,
    matrix: CreditRiskMatrix | None = None,
) -> DepartmentPlan:
    """Re-plan only what ``change`` affects; return the new plan with the revision in its history.

    Parameters
    ----------
    plan:
        The published plan (not modified).
    change:
        New or re-drawn items and rounds, and items withdrawn.
    done:
        Tasks ``(object_id, item_id, round)`` already carried out. They stay exactly as they are, whatever the
        change says (a re-draw that no longer selects a done object keeps it, recorded in ``kept_done``).
    source:
        RandomSource for the periods of new visits (context ``"plan|<year>|<department>|adjust|<n>"``).
    items:
        Optional mapping item id → CheckItem to check new draws' rounds against
        (:func:`randinspect.draw.item_rounds`).
    applied_on:
        When the change is applied (default: its effective date); never before its publication date.
    matrix:
        The department's credit-risk matrix, when a round share above 1 gives an item more rounds than its
        frequency (checked against ``items``; ``None``: the item's frequency).

    Returns
    -------
    DepartmentPlan
        Unaffected tasks keep their periods; new tasks join an existing, undone visit of the same object in a
        period that has not ended, or open a new visit in the least loaded open period within capacity (ties
        broken at random), distinct from the object's other visits.

    Raises
    ------
    PlanError
        If the change was not published, is applied before its publication date, a done task is not in the
        plan, a removed item is not in the plan, no open period is left, or the capacity of the open periods
        is too small. Nothing is applied.
    """
    from randinspect.draw import item_rounds

    if change.published_on is None:
        raise PlanError(
            f"plan of {plan.department}: change {change.reason!r} has no publication date; a plan change is "
            "published on the city platform before it applies (§四(六)2): set published_on"
        )
    applied = change.effective_on if applied_on is None else applied_on
    if applied < change.published_on:
        raise PlanError(
            f"plan of {plan.department}: change {change.reason!r} is published on "
            f"{change.published_on.isoformat()} and cannot be applied before, on {applied.isoformat()}"
        )
    done_set = set(done)
    keys = _task_keys(plan)
    key_set = set(keys)
    unknown = sorted(done_set - key_set)
    if unknown:
        raise PlanError(
            f"plan of {plan.department}: {len(unknown)} done task(s) are not in the plan, "
            f"first {unknown[0]}; "
            "done tasks must come from this plan"
        )
    plan_items = set(plan.item_ids.tolist())
    missing_items = sorted(set(change.remove_items) - plan_items)
    if missing_items:
        raise PlanError(f"plan of {plan.department}: items {missing_items} to remove are not in the plan")
    if items is not None:
        for d in change.draws:
            item = items.get(d.item_id)
            if item is None:
                raise PlanError(f"change draws item {d.item_id!r}, unknown to the department's list")
            rounds = item_rounds(item, matrix)
            if d.round > rounds:
                raised = "" if rounds == item.frequency else f", {rounds} rounds a year under the matrix"
                raise PlanError(
                    f"item {d.item_id!r} has frequency {item.frequency}{raised}; no round {d.round}"
                    + (
                        " (a raised round share of the department's matrix adds rounds: pass matrix=)"
                        if matrix is None
                        else ""
                    )
                )
    first_open = max(current_period(change.effective_on, plan.year, plan.periods), 0)
    if first_open >= plan.periods:
        raise PlanError(
            f"the {plan.year} plan has ended on {change.effective_on.isoformat()}; nothing to adjust"
        )

    replaced = {(d.item_id, d.round) for d in change.draws}
    removed_items = set(change.remove_items)
    new_selection = {(o, d.item_id, d.round) for d in change.draws for o in d.selected_ids}
    keep = np.ones(len(plan), dtype=bool)
    removed: list[TaskKey] = []
    kept_done: list[TaskKey] = []
    for i, key in enumerate(keys):
        affected = key[1] in removed_items or (key[1], key[2]) in replaced
        if not affected:
            continue
        if key in done_set:
            if key not in new_selection:
                kept_done.append(key)
            continue
        if key in new_selection:
            continue  # still selected: keeps its period
        keep[i] = False
        removed.append(key)
    existing = key_set
    to_add = sorted(k for k in new_selection if k not in existing)

    objects = plan.object_ids[keep]
    item_col = plan.item_ids[keep]
    round_col = plan.rounds[keep]
    visit_col = plan.visits[keep]
    period_col = plan.period_index[keep]
    block_col = plan.joint_blocks[keep]
    done_mask = np.array(
        [k in done_set for k in zip(objects.tolist(), item_col.tolist(), round_col.tolist(), strict=True)],
        dtype=bool,
    )

    # Visit table of the kept tasks: object -> {visit: period}, and which visits hold done work.
    visits: dict[str, dict[int, int]] = {}
    visit_done: set[tuple[str, int]] = set()
    visit_block: dict[tuple[str, int], str] = {}  # a task joining a joint visit joins its block
    for o, v, q, dn, b in zip(
        objects.tolist(),
        visit_col.tolist(),
        period_col.tolist(),
        done_mask.tolist(),
        block_col.astype(str).tolist(),
        strict=True,
    ):
        visits.setdefault(o, {})[v] = q
        if dn:
            visit_done.add((o, v))
        if b:
            visit_block[(o, v)] = b
    all_periods = [q for per_object in visits.values() for q in per_object.values()]
    loads = np.bincount(np.array(all_periods, dtype=np.int64), minlength=plan.periods).astype(np.int64)
    caps = (
        np.full(plan.periods, np.iinfo(np.int64).max // 4, dtype=np.int64)
        if plan.capacity is None
        else np.array(plan.capacity, dtype=np.int64)
    )
    number = len(plan.history) + 1
    open_periods = list(range(first_open, plan.periods))
    uniforms = np.asarray(
        source.uniforms(f"plan|{plan.year}|{plan.department}|adjust|{number}", plan.periods), dtype=np.float64
    )
    tie = np.argsort(np.argsort(uniforms, kind="stable"), kind="stable")

    # Rounds of each (object, item) already in the plan, to give each new task its visit slot.
    rounds_of: dict[tuple[str, str], list[int]] = {}
    item_slots: dict[tuple[str, str], set[int]] = {}
    for o, it, v in zip(objects.tolist(), item_col.tolist(), visit_col.tolist(), strict=True):
        item_slots.setdefault((o, it), set()).add(v)
    for o, it, r in zip(objects.tolist(), item_col.tolist(), round_col.tolist(), strict=True):
        rounds_of.setdefault((o, it), []).append(r)
    add_obj: list[str] = []
    add_item: list[str] = []
    add_round: list[int] = []
    add_visit: list[int] = []
    add_period: list[int] = []
    add_block: list[str] = []
    tickets = np.asarray(
        source.tickets(
            f"plan|{plan.year}|{plan.department}|adjust|{number}|order",
            np.array([f"{o}\x1f{it}\x1f{r}" for o, it, r in to_add] or ["-"], dtype=str),
        ),
        dtype=np.uint64,
    )[: len(to_add)]
    for idx in np.argsort(tickets, kind="stable").tolist():
        o, it, r = to_add[idx]
        taken = sorted(rounds_of.get((o, it), []))
        slot = sum(1 for x in taken if x < r)
        rounds_of.setdefault((o, it), []).append(r)
        mine = visits.setdefault(o, {})
        q = mine.get(slot)
        slot_free = slot not in item_slots.get((o, it), set())
        if q is not None and slot_free and (o, slot) not in visit_done and q >= first_open:
            add_period.append(q)
            add_block.append(visit_block.get((o, slot), ""))
        else:
            if q is not None:
                # The slot's visit is done, past, or holds another round of this item: open a new visit.
                slot = 1 + max(mine)
            used = set(mine.values())
            candidates = [p for p in open_periods if p not in used and loads[p] < caps[p]]
            if not candidates:
                raise PlanError(
                    f"plan of {plan.department}: no open period with capacity for object {o!r} "
                    f"item {it!r} round "
                    f"{r} after {change.effective_on.isoformat()}; raise the capacity or drop the change"
                )
            q = min(candidates, key=lambda p: (int(loads[p]), int(tie[p])))
            mine[slot] = q
            loads[q] += 1
            add_period.append(q)
            add_block.append("")
        item_slots.setdefault((o, it), set()).add(slot)
        add_obj.append(o)
        add_item.append(it)
        add_round.append(r)
        add_visit.append(slot)

    def cat(a: npt.NDArray[Any], b: list[Any], dtype: Any) -> npt.NDArray[Any]:
        return np.concatenate([a, np.array(b, dtype=dtype)]) if b else a

    new_plan = plan.with_columns(
        object_ids=cat(objects.astype(str), add_obj, str),
        item_ids=cat(item_col.astype(str), add_item, str),
        rounds=cat(round_col, add_round, np.int64),
        visits=cat(visit_col, add_visit, np.int64),
        period_index=cat(period_col, add_period, np.int64),
        joint_blocks=cat(block_col.astype(str), add_block, str),
        history=plan.history,
    )
    revision = PlanRevision(
        number=number,
        reason=change.reason,
        effective_on=change.effective_on,
        added=tuple(sorted(zip(add_obj, add_item, add_round, strict=True))),
        removed=tuple(sorted(removed)),
        kept_done=tuple(sorted(kept_done)),
        digest_before=plan.digest,
        digest_after=new_plan.digest,
        published_on=change.published_on,
        applied_on=applied,
    )
    return attrs.evolve(new_plan, history=(*plan.history, revision))
