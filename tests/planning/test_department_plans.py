"""Tests for department plans: item draws, balanced random periods, capacities and multi-round items."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.draw import NumpySource, PublicSeedSource
from randinspect.errors import ConfigurationError, PlanError
from randinspect.items import CheckItem
from randinspect.planning import DepartmentPlan, ItemDraw, balanced_targets, period_label, plan_department

MakeItem = Callable[..., CheckItem]


def _item(item_id: str, frequency: int = 1, department: str = "SAMR") -> CheckItem:
    return CheckItem(
        id=item_id,
        name=item_id,
        department=department,
        year=2027,
        scope={},
        ratio="0.05",
        frequency=frequency,
        legal_basis=["law|1"],
    )


def _ids(n: int, start: int = 0) -> list[str]:
    return [f"O{i:04d}" for i in range(start, start + n)]


class TestItemDraw:
    def test_duplicate_ids_rejected(self) -> None:
        """An object selected twice in one draw is refused, named."""
        with pytest.raises(ConfigurationError, match="'O1' selected twice"):
            ItemDraw(item_id="A", selected_ids=["O1", "O2", "O1"])

    def test_round_below_one_rejected(self) -> None:
        """Rounds start at 1."""
        with pytest.raises(ConfigurationError):
            ItemDraw(item_id="A", round=0, selected_ids=[])

    def test_from_record(self) -> None:
        """A draw record with selected entries (dicts or objects with id) is adapted."""

        @attrs.frozen
        class Entry:
            id: str
            tier: str

        @attrs.frozen
        class Record:
            item_id: str
            round: int
            selected: tuple[Any, ...]

        draw = ItemDraw.from_record(Record("A", 2, (Entry("O1", "key"), {"id": "O2"})))
        assert draw == ItemDraw(item_id="A", round=2, selected_ids=["O1", "O2"])


class TestBalancedTargets:
    def test_equal_split(self) -> None:
        """Without capacity the visits split as equally as possible."""
        assert balanced_targets(10, None, 4, [2, 0, 1, 3]).tolist() == [3, 2, 3, 2]

    def test_capacity_respected(self) -> None:
        """A small period is filled to its capacity, the rest share equally."""
        assert balanced_targets(10, [1, 10, 10, 10], 4).tolist() == [1, 3, 3, 3]

    def test_capacity_too_small(self) -> None:
        """Too little capacity raises PlanError with the totals."""
        with pytest.raises(PlanError, match="do not fit"):
            balanced_targets(10, [2, 2, 2, 2], 4)

    @given(total=st.integers(0, 500), caps=st.lists(st.integers(0, 200), min_size=1, max_size=12))
    def test_water_filling(self, total: int, caps: list[int]) -> None:
        """Targets sum to the total, stay within capacity, and differ by ≤ 1 among periods below capacity."""
        if sum(caps) < total:
            with pytest.raises(PlanError):
                balanced_targets(total, caps, len(caps))
            return
        t = balanced_targets(total, caps, len(caps))
        assert t.sum() == total
        assert (t <= np.array(caps)).all()
        below = t[t < np.array(caps)]
        if len(below):
            assert below.max() - below.min() <= 1
            assert t.max() <= below.max() + 1


class TestPlanDepartment:
    def test_quarters_balanced(self, source: PublicSeedSource) -> None:
        """1,001 single-visit objects spread over quarters as 251/250/250/250 in some order."""
        plan = plan_department(
            "SAMR", [_item("A")], [ItemDraw(item_id="A", selected_ids=_ids(1001))], source=source
        )
        assert sorted(plan.loads().tolist()) == [250, 250, 250, 251]
        assert plan.n_visits == 1001
        assert len(plan) == 1001

    def test_reproducible_and_order_independent(self, source: PublicSeedSource) -> None:
        """The same inputs give the same plan, whatever order the draws and ids come in."""
        items = [_item("A"), _item("B", frequency=2)]
        draws = [
            ItemDraw(item_id="A", selected_ids=_ids(50)),
            ItemDraw(item_id="B", round=1, selected_ids=_ids(30, 20)),
            ItemDraw(item_id="B", round=2, selected_ids=_ids(30, 40)),
        ]
        a = plan_department("SAMR", items, draws, source=source)
        shuffled = [
            ItemDraw(item_id=d.item_id, round=d.round, selected_ids=d.selected_ids[::-1]) for d in draws
        ]
        b = plan_department("SAMR", items[::-1], shuffled[::-1], source=source)
        assert a == b
        assert a.digest == b.digest

    def test_different_seed_different_plan(self) -> None:
        """Another seed gives another assignment (the randomness is used)."""
        draws = [ItemDraw(item_id="A", selected_ids=_ids(200))]
        a = plan_department("SAMR", [_item("A")], draws, source=PublicSeedSource("1"))
        b = plan_department("SAMR", [_item("A")], draws, source=PublicSeedSource("2"))
        assert not np.array_equal(a.period_index, b.period_index)

    def test_rounds_in_distinct_periods_in_order(self, source: PublicSeedSource) -> None:
        """An object drawn in every round of a frequency-3 item gets three distinct periods, round 1 first."""
        draws = [ItemDraw(item_id="A", round=r, selected_ids=_ids(20)) for r in (1, 2, 3)]
        plan = plan_department("SAMR", [_item("A", frequency=3)], draws, source=source)
        for obj in _ids(20):
            periods = [plan.period_of(obj, v) for v in range(3)]
            assert periods == sorted(set(periods))

    def test_items_share_a_visit(self, source: PublicSeedSource) -> None:
        """Two items drawing the same object in round 1 are checked in one visit (进一次门，查多项事)."""
        draws = [ItemDraw(item_id="A", selected_ids=["X"]), ItemDraw(item_id="B", selected_ids=["X"])]
        plan = plan_department("SAMR", [_item("A"), _item("B")], draws, source=source)
        assert plan.n_visits == 1
        assert len(plan) == 2

    def test_capacity_held(self, source: PublicSeedSource) -> None:
        """Loads never exceed the capacity."""
        draws = [ItemDraw(item_id="A", selected_ids=_ids(100))]
        plan = plan_department("SAMR", [_item("A")], draws, source=source, capacity=[10, 30, 30, 30])
        assert plan.loads().tolist()[0] == 10
        assert (plan.loads() <= [10, 30, 30, 30]).all()

    def test_months(self, source: PublicSeedSource) -> None:
        """Twelve periods are labelled by month."""
        plan = plan_department(
            "SAMR", [_item("A")], [ItemDraw(item_id="A", selected_ids=_ids(24))], source=source, periods=12
        )
        assert plan.loads().tolist() == [2] * 12
        assert period_label(11, 12) == "M12"
        assert period_label(0, 4) == "Q1"
        assert period_label(2, 3) == "P3"

    @pytest.mark.parametrize(
        ("items", "draws", "message"),
        [
            ([_item("A")], [ItemDraw(item_id="Z", selected_ids=[])], "not in the department's list"),
            ([_item("A", department="TAX")], [ItemDraw(item_id="A", selected_ids=[])], "belongs to TAX"),
            ([_item("A")], [ItemDraw(item_id="A", round=2, selected_ids=[])], "round 2 does not exist"),
            ([_item("A")], [ItemDraw(item_id="A", selected_ids=[])] * 2, "given twice"),
            ([_item("A", frequency=5)], [ItemDraw(item_id="A", selected_ids=[])], "periods=12"),
        ],
    )
    def test_bad_draws(self, items: list[CheckItem], draws: list[ItemDraw], message: str) -> None:
        """Bad draws raise PlanError saying what is wrong."""
        with pytest.raises(PlanError, match=message):
            plan_department("SAMR", items, draws, source=NumpySource(1))

    def test_capacity_too_small(self) -> None:
        """Too little capacity is an error, not a silent trim, naming the department and the capacities."""
        with pytest.raises(PlanError, match=r"SAMR.*do not fit in the capacity \[1, 1, 1, 1\]"):
            plan_department(
                "SAMR",
                [_item("A")],
                [ItemDraw(item_id="A", selected_ids=_ids(10))],
                source=NumpySource(1),
                capacity=[1, 1, 1, 1],
            )

    def test_empty_plan(self) -> None:
        """A department without draws has an empty plan."""
        plan = plan_department("SAMR", [_item("A")], [], source=NumpySource(1))
        assert len(plan) == 0
        assert plan.loads().tolist() == [0, 0, 0, 0]

    def test_json_ready(self, source: PublicSeedSource) -> None:
        """to_json_dict is JSON-serialisable and lists every task."""
        plan = plan_department(
            "SAMR", [_item("A")], [ItemDraw(item_id="A", selected_ids=_ids(5))], source=source
        )
        data = json.loads(json.dumps(plan.to_json_dict()))
        assert len(data["tasks"]) == 5
        assert data["periods"] == ["Q1", "Q2", "Q3", "Q4"]
        assert data["randomness"] == source.describe()

    def test_columns_read_only(self, source: PublicSeedSource) -> None:
        """The plan's columns cannot be changed in place."""
        plan = plan_department(
            "SAMR", [_item("A")], [ItemDraw(item_id="A", selected_ids=_ids(5))], source=source
        )
        with pytest.raises(ValueError, match="read-only"):
            plan.period_index[0] = 3

    def test_wrong_capacity_length(self) -> None:
        """One capacity per period is required."""
        with pytest.raises(PlanError, match="capacities"):
            DepartmentPlan(
                department="X",
                year=2027,
                periods=4,
                capacity=[1, 2],
                object_ids=[],
                item_ids=[],
                rounds=[],
                visits=[],
                period_index=[],
            )

    @settings(deadline=None, max_examples=60)
    @given(data=st.data())
    def test_guarantees(self, data: st.DataObject) -> None:
        """Tasks planned once, loads within capacity and balanced, visits of an object in distinct periods."""
        pool = _ids(data.draw(st.integers(1, 60)))
        items = [
            _item(f"I{i}", frequency=data.draw(st.integers(1, 4)))
            for i in range(data.draw(st.integers(1, 4)))
        ]
        draws = [
            ItemDraw(
                item_id=item.id, round=r, selected_ids=data.draw(st.lists(st.sampled_from(pool), unique=True))
            )
            for item in items
            for r in range(1, item.frequency + 1)
        ]
        tasks = sum(len(d.selected_ids) for d in draws)
        capacity = None
        if data.draw(st.booleans()):
            capacity = [-(-tasks // 4) + data.draw(st.integers(0, 3)) for _ in range(4)]
        plan = plan_department(
            "SAMR", items, draws, source=NumpySource(data.draw(st.integers(0, 1000))), capacity=capacity
        )
        planned = Counter(
            zip(plan.object_ids.tolist(), plan.item_ids.tolist(), plan.rounds.tolist(), strict=True)
        )
        expected = Counter((o, d.item_id, d.round) for d in draws for o in d.selected_ids)
        assert planned == expected
        loads = plan.loads()
        if capacity is not None:
            assert (loads <= np.array(capacity)).all()
            below = loads[loads < np.array(capacity)]
            if len(below):
                assert below.max() - below.min() <= 1
        else:
            assert loads.max() - loads.min() <= 1
        objects, _visits, periods = plan.visit_table()
        pairs = list(zip(objects.tolist(), periods.tolist(), strict=True))
        assert len(pairs) == len(set(pairs)), "two visits of one object share a period"
