"""Tests for mid-year plan adjustment: only the affected part changes, finished work stays, history kept."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.calendar import WeekendsOnly
from randinspect.draw import NumpySource, PublicSeedSource
from randinspect.errors import ConfigurationError, PlanError
from randinspect.items import CheckItem
from randinspect.planning import (
    DepartmentPlan,
    ItemDraw,
    OverlapMerger,
    PlanChange,
    adjust,
    current_period,
    plan_department,
)


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
    return [f"O{i:03d}" for i in range(start, start + n)]


@pytest.fixture
def plan() -> DepartmentPlan:
    """A with 40 objects, B (two rounds) with 20 each."""
    draws = [
        ItemDraw(item_id="A", selected_ids=_ids(40)),
        ItemDraw(item_id="B", round=1, selected_ids=_ids(20, 30)),
        ItemDraw(item_id="B", round=2, selected_ids=_ids(20, 40)),
    ]
    return plan_department("SAMR", [_item("A"), _item("B", 2)], draws, source=PublicSeedSource("p"))


def _rows(p: DepartmentPlan) -> dict[tuple[str, str, int], tuple[int, int]]:
    return {
        (o, i, r): (v, q)
        for o, i, r, v, q in zip(
            p.object_ids.tolist(),
            p.item_ids.tolist(),
            p.rounds.tolist(),
            p.visits.tolist(),
            p.period_index.tolist(),
            strict=True,
        )
    }


PUBLISHED = dt.date(2026, 12, 20)


class TestAdjust:
    def test_new_item_goes_to_open_periods(self, plan: DepartmentPlan) -> None:
        """A new item decided on 1 July lands only in Q3 or Q4 (or joins an open visit there)."""
        change = PlanChange(
            published_on=PUBLISHED,
            reason="燃气安全风险上升",
            effective_on=dt.date(2027, 7, 1),
            draws=[ItemDraw(item_id="GAS", selected_ids=["N1", "N2", "N3", "O001"])],
        )
        new = adjust(plan, change, source=PublicSeedSource("adj"))
        rows = _rows(new)
        for key in (("N1", "GAS", 1), ("N2", "GAS", 1), ("N3", "GAS", 1)):
            assert rows[key][1] >= 2
        old = _rows(plan)
        assert all(rows[k] == v for k, v in old.items())
        assert new.history[-1].added == (
            ("N1", "GAS", 1),
            ("N2", "GAS", 1),
            ("N3", "GAS", 1),
            ("O001", "GAS", 1),
        )

    def test_redraw_replaces_undone_keeps_done(self, plan: DepartmentPlan) -> None:
        """A re-draw of A keeps done tasks (even if no longer selected) and drops undone ones not selected."""
        done = [("O000", "A", 1), ("O001", "A", 1)]
        change = PlanChange(
            published_on=PUBLISHED,
            reason="ratio raised to 8%",
            effective_on=dt.date(2027, 4, 1),
            draws=[ItemDraw(item_id="A", selected_ids=["O001", *_ids(10, 100)])],
        )
        new = adjust(plan, change, done=done, source=PublicSeedSource("adj"))
        rows, old = _rows(new), _rows(plan)
        assert rows[("O000", "A", 1)] == old[("O000", "A", 1)]
        assert rows[("O001", "A", 1)] == old[("O001", "A", 1)]
        assert ("O005", "A", 1) not in rows
        revision = new.history[-1]
        assert revision.kept_done == (("O000", "A", 1),)
        assert ("O005", "A", 1) in revision.removed
        assert all(k in rows for k in revision.added)
        for key, value in old.items():
            if key[1] == "B":
                assert rows[key] == value

    def test_remove_item(self, plan: DepartmentPlan) -> None:
        """Withdrawing B removes its undone tasks; done ones stay."""
        done = [("O030", "B", 1)]
        change = PlanChange(
            published_on=PUBLISHED, reason="事项取消", effective_on=dt.date(2027, 5, 1), remove_items=["B"]
        )
        new = adjust(plan, change, done=done, source=NumpySource(1))
        assert set(new.item_ids.tolist()) == {"A", "B"}
        assert [k for k in _rows(new) if k[1] == "B"] == [("O030", "B", 1)]
        assert new.history[-1].kept_done == (("O030", "B", 1),)

    def test_history_is_json_ready(self, plan: DepartmentPlan) -> None:
        """The revision records reason, digests and changes, and serialises to JSON."""
        change = PlanChange(
            published_on=PUBLISHED,
            reason="新增事项",
            effective_on=dt.date(2027, 3, 1),
            draws=[ItemDraw(item_id="N", selected_ids=["Z"])],
        )
        new = adjust(plan, change, source=NumpySource(1))
        data = json.loads(json.dumps(new.to_json_dict(), ensure_ascii=False))
        assert data["history"][0]["reason"] == "新增事项"
        assert data["history"][0]["digest_before"] == plan.digest
        assert data["history"][0]["digest_after"] != plan.digest
        twice = adjust(
            new,
            change.__class__(
                reason="again", published_on=PUBLISHED, effective_on=dt.date(2027, 3, 2), remove_items=["N"]
            ),
            source=NumpySource(1),
        )
        assert [r.number for r in twice.history] == [1, 2]

    def test_input_plan_unchanged(self, plan: DepartmentPlan) -> None:
        """adjust never modifies the plan it is given."""
        before = plan.digest
        adjust(
            plan,
            PlanChange(
                published_on=PUBLISHED, reason="x", effective_on=dt.date(2027, 8, 1), remove_items=["A"]
            ),
            source=NumpySource(1),
        )
        assert plan.digest == before
        assert plan.history == ()

    def test_task_joining_a_joint_visit_joins_its_block(self) -> None:
        """A new task joining an object's joint visit carries that visit's joint block."""
        plans = tuple(
            plan_department(
                d,
                [_item(f"{d}-1", department=d)],
                [ItemDraw(item_id=f"{d}-1", selected_ids=s)],
                source=NumpySource(1),
            )
            for d, s in (("SAMR", ["a", "b", "c"]), ("HEALTH", ["a", "b", "x"]))
        )
        merger = OverlapMerger()
        round_ = merger.propose(plans, pushed_on=dt.date(2026, 11, 10), calendar=WeekendsOnly())
        samr = next(
            p for p in merger.merge(round_, [], source=NumpySource(0)).plans if p.department == "SAMR"
        )
        change = PlanChange(
            published_on=PUBLISHED,
            reason="new risk",
            effective_on=dt.date(2027, 1, 1),
            draws=[ItemDraw(item_id="S2", selected_ids=["a"])],
        )
        new = adjust(samr, change, source=NumpySource(1))
        rows = {(r["object_id"], r["item_id"]): r for r in new.to_records()}
        joined = rows[("a", "S2")]
        assert joined["visit"] == rows[("a", "SAMR-1")]["visit"]
        assert joined["joint_block"] == rows[("a", "SAMR-1")]["joint_block"] is not None

    def test_unknown_done_task(self, plan: DepartmentPlan) -> None:
        """Done tasks must come from the plan."""
        change = PlanChange(
            published_on=PUBLISHED, reason="x", effective_on=dt.date(2027, 8, 1), remove_items=["A"]
        )
        with pytest.raises(PlanError, match="not in the plan"):
            adjust(plan, change, done=[("NOPE", "A", 1)], source=NumpySource(1))

    def test_unknown_item_to_remove(self, plan: DepartmentPlan) -> None:
        """Removing an item the plan does not hold is an error."""
        change = PlanChange(
            published_on=PUBLISHED, reason="x", effective_on=dt.date(2027, 8, 1), remove_items=["Z"]
        )
        with pytest.raises(PlanError, match="'Z'"):
            adjust(plan, change, source=NumpySource(1))

    def test_after_year_end(self, plan: DepartmentPlan) -> None:
        """A change after the plan year has nothing left to adjust."""
        change = PlanChange(
            published_on=PUBLISHED, reason="x", effective_on=dt.date(2028, 1, 5), remove_items=["A"]
        )
        with pytest.raises(PlanError, match="ended"):
            adjust(plan, change, source=NumpySource(1))

    def test_frequency_checked_against_items(self, plan: DepartmentPlan) -> None:
        """With the item list given, a round beyond the frequency is refused."""
        change = PlanChange(
            published_on=PUBLISHED,
            reason="x",
            effective_on=dt.date(2027, 2, 1),
            draws=[ItemDraw(item_id="A", round=2, selected_ids=["O1"])],
        )
        with pytest.raises(PlanError, match="frequency"):
            adjust(plan, change, source=NumpySource(1), items={"A": _item("A")})

    def test_change_needs_reason_and_content(self) -> None:
        """A change without reason or without content is refused."""
        with pytest.raises(ConfigurationError, match="reason"):
            PlanChange(
                published_on=PUBLISHED, reason=" ", effective_on=dt.date(2027, 1, 1), remove_items=["A"]
            )
        with pytest.raises(ConfigurationError, match="draws or items"):
            PlanChange(published_on=PUBLISHED, reason="r", effective_on=dt.date(2027, 1, 1))

    def test_current_period(self) -> None:
        """Days map to quarters; before and after the year to -1 and the period count."""
        assert current_period(dt.date(2027, 7, 1), 2027, 4) == 2
        assert current_period(dt.date(2026, 12, 1), 2027, 4) == -1
        assert current_period(dt.date(2028, 1, 1), 2027, 4) == 4
        assert current_period(dt.date(2027, 12, 31), 2027, 12) == 11

    @settings(deadline=None, max_examples=50)
    @given(data=st.data())
    def test_finished_work_untouched(self, data: st.DataObject) -> None:
        """Whatever the change, done tasks keep their visit and period and unaffected items are unchanged."""
        pool = _ids(40)
        items = [_item("A"), _item("B", 2)]
        draws = [
            ItemDraw(item_id="A", selected_ids=data.draw(st.lists(st.sampled_from(pool), unique=True))),
            ItemDraw(
                item_id="B", round=1, selected_ids=data.draw(st.lists(st.sampled_from(pool), unique=True))
            ),
            ItemDraw(
                item_id="B", round=2, selected_ids=data.draw(st.lists(st.sampled_from(pool), unique=True))
            ),
        ]
        plan = plan_department("SAMR", items, draws, source=NumpySource(data.draw(st.integers(0, 50))))
        rows = _rows(plan)
        done = data.draw(st.sets(st.sampled_from(sorted(rows)))) if rows else set()
        redraw_round = data.draw(st.sampled_from([("A", 1), ("B", 1), ("B", 2)]))
        change = PlanChange(
            published_on=PUBLISHED,
            reason="emerging risk",
            effective_on=dt.date(2027, data.draw(st.integers(1, 12)), 1),
            draws=[
                ItemDraw(
                    item_id=redraw_round[0],
                    round=redraw_round[1],
                    selected_ids=data.draw(st.lists(st.sampled_from([*pool, "NEW1", "NEW2"]), unique=True)),
                ),
                ItemDraw(item_id="C", selected_ids=data.draw(st.lists(st.sampled_from(pool), unique=True))),
            ],
        )
        try:
            new = adjust(plan, change, done=done, source=NumpySource(7))
        except PlanError as exc:
            message = str(exc)
            assert "no open period" in message, message
            return
        after = _rows(new)
        for key in done:
            assert after[key] == rows[key]
        for key, value in rows.items():
            if (key[1], key[2]) != redraw_round:
                assert after[key] == value
        objects, _visits, periods = new.visit_table()
        pairs = list(zip(objects.tolist(), periods.tolist(), strict=True))
        assert len(pairs) == len(set(pairs)), "two visits of one object share a period"
        first_open = current_period(change.effective_on, 2027, 4)
        for key in new.history[-1].added:
            assert after[key][1] >= first_open


class TestPublication:
    def test_unpublished_change_refused(self, plan: DepartmentPlan) -> None:
        """A change without a publication date is never applied."""
        change = PlanChange(reason="未公布", effective_on=dt.date(2027, 8, 1), remove_items=["A"])
        with pytest.raises(PlanError, match="no publication date"):
            adjust(plan, change, source=NumpySource(0))

    def test_published_after_effective_refused(self) -> None:
        """A change published after its effective date is refused when it is made, naming both dates."""
        with pytest.raises(ConfigurationError, match=r"2027-08-02.*2027-08-01"):
            PlanChange(
                reason="迟发布",
                published_on=dt.date(2027, 8, 2),
                effective_on=dt.date(2027, 8, 1),
                remove_items=["A"],
            )

    @settings(max_examples=40, deadline=None)
    @given(
        published=st.dates(dt.date(2027, 1, 1), dt.date(2027, 11, 30)),
        lag=st.integers(0, 20),
        applied_shift=st.integers(-30, 30),
    )
    def test_never_applied_before_publication(self, published: dt.date, lag: int, applied_shift: int) -> None:
        """Whatever the dates, a change applies only on or after its publication; the revision says when."""
        draws = [ItemDraw(item_id="A", selected_ids=_ids(40))]
        base = plan_department("SAMR", [_item("A")], draws, source=PublicSeedSource("p"))
        effective = published + dt.timedelta(days=lag)
        change = PlanChange(reason="专项", published_on=published, effective_on=effective, remove_items=["A"])
        applied = published + dt.timedelta(days=applied_shift)
        if applied < published:
            with pytest.raises(PlanError, match="cannot be applied before"):
                adjust(base, change, source=NumpySource(0), applied_on=applied)
            return
        if effective.year > 2027:
            return
        new = adjust(base, change, source=NumpySource(0), applied_on=applied)
        revision = new.history[-1]
        assert revision.published_on == published
        assert revision.applied_on is not None
        assert revision.applied_on >= revision.published_on
        assert revision.digest_before == base.digest
        assert revision.digest_after == new.digest
