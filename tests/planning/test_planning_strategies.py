"""Tests for the planning strategies shipped in randinspect.testing."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import given, settings

from randinspect.calendar import WeekendsOnly
from randinspect.draw import NumpySource, PublicSeedSource
from randinspect.items import CheckItem
from randinspect.planning import Answer, DepartmentPlan, ItemDraw, OverlapMerger, plan_department
from randinspect.testing._planning import department_plan_sets, item_draws, joint_plan_problems

PUSH = dt.date(2026, 11, 10)


def _plan(department: str, selected: list[str]) -> DepartmentPlan:
    item = CheckItem(
        id=f"{department}-1",
        name="item",
        department=department,
        year=2027,
        scope={},
        ratio="0.05",
        legal_basis=["law|1"],
    )
    draws = [ItemDraw(item_id=item.id, selected_ids=selected)]
    return plan_department(department, [item], draws, source=PublicSeedSource("plans"))


def _answer(department: str, proposal: str, *, accept: bool) -> Answer:
    return Answer(department=department, proposal=proposal, accept=accept, answered_on=PUSH)


class TestStrategies:
    @given(draws=item_draws(frequency=3, max_size=10))
    def test_item_draws(self, draws: tuple[ItemDraw, ...]) -> None:
        """One draw per round, rounds numbered from 1, at most max_size distinct ids each."""
        assert [d.round for d in draws] == [1, 2, 3]
        assert all(len(d.selected_ids) <= 10 for d in draws)

    @settings(deadline=None, max_examples=20)
    @given(plans=department_plan_sets(max_departments=3))
    def test_department_plan_sets(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """Plans of distinct departments of one year, each within its capacity."""
        assert len({p.department for p in plans}) == len(plans)
        assert len({p.year for p in plans}) == 1
        for plan in plans:
            if plan.capacity is not None:
                assert (plan.loads() <= plan.capacity).all()


class TestJointPlanProblems:
    def test_consent_checked_by_object_not_proposal_id(self) -> None:
        """A block holding a department that declined is caught, also when proposal ids are not object ids."""
        plans = (
            _plan("SAMR", ["a", "b", "c"]),
            _plan("HEALTH", ["a", "b", "x"]),
        )
        merger = OverlapMerger()
        round_ = merger.propose(plans, pushed_on=PUSH, calendar=WeekendsOnly())
        plan = merger.merge(round_, [], source=NumpySource(0))
        assert plan.blocks, "everyone accepts by default, so a and b are inspected jointly"
        renamed = attrs.evolve(round_, proposals=[attrs.evolve(p, id=f"P-{p.id}") for p in round_.proposals])
        declined = [_answer("HEALTH", p.id, accept=False) for p in renamed.proposals]
        assert any("declined" in problem for problem in joint_plan_problems(renamed, declined, plan))
        assert not any("not asked" in problem for problem in joint_plan_problems(renamed, [], plan))

    def test_defaulted_decline_checked(self) -> None:
        """A block holding a department whose missing answer counted as a decline is caught."""
        plans = (
            _plan("SAMR", ["a", "b", "c"]),
            _plan("HEALTH", ["a", "b", "x"]),
        )
        merger = OverlapMerger()
        round_ = merger.propose(plans, pushed_on=PUSH, calendar=WeekendsOnly())
        plan = merger.merge(round_, [], source=NumpySource(0))
        assert joint_plan_problems(round_, [], plan) == []
        declined = [attrs.evolve(d, accept=False) for d in plan.decisions]
        silent_declined = attrs.evolve(plan, decisions=declined)
        assert any("declined" in problem for problem in joint_plan_problems(round_, [], silent_declined))
