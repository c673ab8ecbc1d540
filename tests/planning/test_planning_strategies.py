"""Tests for the planning strategies shipped in randinspect.testing."""

from __future__ import annotations

from hypothesis import given, settings

from randinspect.planning import DepartmentPlan, ItemDraw
from randinspect.testing._planning import department_plan_sets, item_draws


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
