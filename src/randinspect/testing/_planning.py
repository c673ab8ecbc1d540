"""Hypothesis strategies and the conformance check for planning (department plans, joint plans).

``check_joint_plan_merger(merger)`` runs the guarantees of :class:`randinspect.typing.JointPlanMerger` on a
set of generated cities and raises :class:`AssertionError` naming the first broken guarantee.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st

from randinspect.calendar import WeekendsOnly
from randinspect.draw import NumpySource
from randinspect.errors import PlanError
from randinspect.items import CheckItem
from randinspect.planning import (
    Answer,
    DepartmentPlan,
    ItemDraw,
    JointPlan,
    ProposalRound,
    plan_department,
)

__all__ = [
    "answers_for",
    "check_joint_plan_merger",
    "department_plan_sets",
    "item_draws",
    "joint_plan_problems",
]

_YEAR = 2027


def _item(item_id: str, department: str, frequency: int) -> CheckItem:
    from randinspect.directory import Scope

    return CheckItem(
        id=item_id,
        name=item_id,
        department=department,
        year=_YEAR,
        scope=Scope(),
        ratio="1/10",
        frequency=frequency,
        legal_basis=["《中华人民共和国行政许可法》|第六十一条"],
    )


@st.composite
def item_draws(
    draw: st.DrawFn,
    *,
    item_id: str = "ITEM",
    frequency: int = 1,
    pool: Sequence[str] = (),
    max_size: int = 30,
) -> tuple[ItemDraw, ...]:
    """One :class:`ItemDraw` per round of an item, selecting objects from ``pool`` (default ``O000``…)."""
    ids = list(pool) or [f"O{i:03d}" for i in range(max(max_size, 1) * 2)]
    return tuple(
        ItemDraw(
            item_id=item_id,
            round=r,
            selected_ids=draw(st.lists(st.sampled_from(ids), unique=True, max_size=max_size)),
        )
        for r in range(1, frequency + 1)
    )


def _build_plans(
    spec: Sequence[tuple[str, Sequence[tuple[int, Sequence[Sequence[str]]]], Sequence[int] | None]],
    seed: int,
) -> tuple[DepartmentPlan, ...]:
    source = NumpySource(seed)
    plans = []
    for department, items, capacity in spec:
        check_items = []
        draws = []
        for n, (frequency, rounds) in enumerate(items):
            item_id = f"{department}-{n}"
            check_items.append(_item(item_id, department, frequency))
            for r, selected in enumerate(rounds, start=1):
                draws.append(ItemDraw(item_id=item_id, round=r, selected_ids=selected))
        plans.append(plan_department(department, check_items, draws, source=source, capacity=capacity))
    return tuple(plans)


@st.composite
def department_plan_sets(
    draw: st.DrawFn,
    *,
    min_departments: int = 2,
    max_departments: int = 5,
    max_objects: int = 40,
    max_frequency: int = 2,
    capacities: bool = True,
) -> tuple[DepartmentPlan, ...]:
    """Department plans over a shared pool of objects, with overlaps, multi-round items and capacities."""
    n_departments = draw(st.integers(min_departments, max_departments))
    pool = [f"O{i:03d}" for i in range(draw(st.integers(2, max_objects)))]
    spec = []
    for d in range(n_departments):
        department = f"D{d}"
        items = []
        for _ in range(draw(st.integers(1, 3))):
            frequency = draw(st.integers(1, max_frequency))
            rounds = [
                draw(st.lists(st.sampled_from(pool), unique=True, max_size=len(pool)))
                for _ in range(frequency)
            ]
            items.append((frequency, rounds))
        capacity = None
        if capacities and draw(st.booleans()):
            # At least a quarter of the tasks per period: enough for any plan, tight enough to matter.
            tasks = sum(len(r) for _, rounds in items for r in rounds)
            capacity = [-(-tasks // 4) + draw(st.integers(0, 2)) for _ in range(4)]
        spec.append((department, items, capacity))
    return _build_plans(spec, draw(st.integers(0, 2**32 - 1)))


@st.composite
def answers_for(draw: st.DrawFn, round_: ProposalRound, *, on_time: bool = True) -> tuple[Answer, ...]:
    """Answers to some of the proposals of a round (each asked department answers or stays silent)."""
    answers = []
    span = max((round_.due_on - round_.pushed_on).days, 0)
    for p in round_.proposals:
        for d in p.departments:
            choice = draw(st.sampled_from(["accept", "decline", "silent"]))
            if choice == "silent":
                continue
            offset = draw(st.integers(0, span)) if on_time else span + draw(st.integers(1, 10))
            answers.append(
                Answer(
                    department=d,
                    proposal=p.id,
                    accept=choice == "accept",
                    answered_on=round_.pushed_on + dt.timedelta(days=offset),
                )
            )
    return tuple(answers)


def joint_plan_problems(round_: ProposalRound, answers: Iterable[Answer], plan: JointPlan) -> list[str]:
    """Every broken JointPlanMerger guarantee in ``plan`` (empty when it conforms)."""
    problems: list[str] = []
    # Consent is per object: proposal ids need not be object ids, and a missing answer may count as a
    # decline.
    object_of = {p.id: p.object_id for p in round_.proposals}
    declined = {(object_of.get(a.proposal, a.proposal), a.department) for a in answers if not a.accept}
    declined |= {
        (object_of.get(d.proposal, d.proposal), d.department) for d in plan.decisions if not d.accept
    }
    asked = {(p.object_id, d) for p in round_.proposals for d in p.departments}
    for block in plan.blocks:
        if len(block.departments) < 2:
            problems.append(f"block {block.id} has fewer than two departments")
        for o in block.object_ids:
            for d in block.departments:
                if (o, d) in declined:
                    problems.append(f"block {block.id} holds {d}, which declined {o}")
                if (o, d) not in asked:
                    problems.append(f"block {block.id} holds {d}, which was not asked about {o}")
    # Exactly once: each input visit is a joint visit of a block holding the department, or its own visit.
    in_blocks: Counter[tuple[str, str]] = Counter()
    for block in plan.blocks:
        for o in block.object_ids:
            for d in block.departments:
                in_blocks[(d, o)] += 1
    before = {p.department: p for p in round_.plans}
    after = {p.department: p for p in plan.plans}
    if set(before) != set(after):
        problems.append(f"departments changed: {sorted(before)} -> {sorted(after)}")
        return problems
    for department, original in before.items():
        merged = after[department]
        o0, v0, _ = original.visit_table()
        o1, v1, p1 = merged.visit_table()
        if sorted(zip(o0.tolist(), v0.tolist(), strict=True)) != sorted(
            zip(o1.tolist(), v1.tolist(), strict=True)
        ):
            problems.append(f"{department}: the visits changed in the merged plan")
            continue
        first = np.ones(len(merged), dtype=bool)
        first[1:] = (merged.object_ids[1:] != merged.object_ids[:-1]) | (
            merged.visits[1:] != merged.visits[:-1]
        )
        blocks = merged.joint_blocks[first]
        for o, v, b, q in zip(o1.tolist(), v1.tolist(), blocks.tolist(), p1.tolist(), strict=True):
            if b:
                blk = plan.block(b)
                if department not in blk.departments or o not in blk.object_ids:
                    problems.append(f"{department}: visit of {o} points at block {b} that does not hold it")
                if blk.period != q:
                    problems.append(f"{department}: joint visit of {o} not in its block's period")
                if v != 0:
                    problems.append(f"{department}: a later visit of {o} was merged")
        joint_objects = [o for o, b in zip(o1.tolist(), blocks.tolist(), strict=True) if b]
        for o in joint_objects:
            if in_blocks[(department, o)] != 1:
                problems.append(f"{department}: object {o} is in {in_blocks[(department, o)]} blocks")
        expected = sum(1 for (d, _o) in in_blocks if d == department)
        if expected != len(joint_objects):
            problems.append(
                f"{department}: {expected} block memberships but {len(joint_objects)} joint visits"
            )
        # Distinct periods per object.
        seen: set[tuple[str, int]] = set()
        for o, q in zip(o1.tolist(), p1.tolist(), strict=True):
            if (o, q) in seen:
                problems.append(f"{department}: two visits of {o} in the same period")
            seen.add((o, q))
        capacity = None if original.capacity is None else np.array(original.capacity)
        if (
            capacity is not None
            and (original.loads() <= capacity).all()
            and (merged.loads() > capacity).any()
        ):
            problems.append(f"{department}: loads {merged.loads().tolist()} exceed {capacity.tolist()}")
    savings = plan.savings()
    if savings.visits_with > savings.visits_without:
        problems.append(
            f"visits with joint ({savings.visits_with}) exceed without ({savings.visits_without})"
        )
    return problems


def _scenarios(seed: int, n: int) -> list[tuple[DepartmentPlan, ...]]:
    rng = np.random.default_rng(seed)
    out = []
    for case in range(n):
        n_dep = int(rng.integers(2, 7))
        pool = [f"O{i:04d}" for i in range(int(rng.integers(5, 200)))]
        spec = []
        for d in range(n_dep):
            items = []
            for _ in range(int(rng.integers(1, 4))):
                frequency = int(rng.integers(1, 3))
                size = int(rng.integers(0, len(pool) + 1))
                rounds = [list(rng.choice(pool, size=size, replace=False)) for _ in range(frequency)]
                items.append((frequency, rounds))
            visits = sum(len(r) for _, rs in items for r in rs)
            capacity = None if case % 2 else [-(-visits // 4) + int(rng.integers(0, 3)) for _ in range(4)]
            spec.append((f"D{d}", items, capacity))
        out.append(_build_plans(spec, seed + case))
    return out


def check_joint_plan_merger(merger: Any, *, n_cases: int = 12, seed: int = 20271) -> None:
    """Check that ``merger`` honours the :class:`randinspect.typing.JointPlanMerger` guarantees.

    Runs ``n_cases`` generated cities (2–6 departments, overlapping draws, multi-round items, with and without
    capacities) through ``propose`` and ``merge`` with accepting, declining and silent departments, and
    checks: exactly-once placement, consent, savings, capacities, reproducibility, and that late answers and
    answers from departments not asked raise :class:`~randinspect.errors.PlanError`.

    Raises
    ------
    AssertionError
        Naming the case and the broken guarantee.
    """
    calendar = WeekendsOnly()
    pushed_on = dt.date(_YEAR - 1, 11, 20)
    for case, plans in enumerate(_scenarios(seed, n_cases)):
        source = NumpySource(seed + 1000 + case)
        round_ = merger.propose(plans, pushed_on=pushed_on, calendar=calendar, source=source)
        expected_due = calendar.add_working_days(pushed_on, 10)
        for p in round_.proposals:
            assert p.due_on == expected_due, (
                f"case {case}: proposal {p.id} due {p.due_on}, expected {expected_due}"
            )
            assert len(p.departments) >= 2, f"case {case}: proposal {p.id} asks fewer than two departments"
        rng = np.random.default_rng(seed + case)
        answers = [
            Answer(department=d, proposal=p.id, accept=bool(rng.random() < 0.7), answered_on=pushed_on)
            for p in round_.proposals
            for d in p.departments
            if rng.random() < 0.8
        ]
        plan = merger.merge(round_, answers, source=source)
        problems = joint_plan_problems(round_, answers, plan)
        assert not problems, f"case {case}: " + "; ".join(problems[:5])
        again = merger.merge(round_, answers, source=source)
        assert [b.to_dict() for b in again.blocks] == [b.to_dict() for b in plan.blocks], (
            f"case {case}: the same inputs gave different blocks"
        )
        if round_.proposals:
            p = round_.proposals[0]
            late = Answer(
                department=p.departments[0],
                proposal=p.id,
                accept=True,
                answered_on=p.due_on + dt.timedelta(days=1),
            )
            stranger = Answer(department="NOT-ASKED", proposal=p.id, accept=True, answered_on=pushed_on)
            try:
                merger.merge(round_, [stranger], source=source)
            except PlanError:
                pass
            else:
                raise AssertionError(
                    f"case {case}: an answer from a department not asked was accepted; "
                    "it must raise PlanError"
                )
            with_late = merger.merge(round_, [late], source=source)
            joined = {d for b in with_late.blocks if p.object_id in b.object_ids for d in b.departments}
            assert late.department not in joined, (
                f"case {case}: a late answer let {late.department} join the block of {p.object_id}"
            )
            assert any(
                d.late and d.department == late.department and d.proposal == p.id for d in with_late.decisions
            ), f"case {case}: the late answer is not marked late in the decisions"
