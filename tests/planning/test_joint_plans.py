"""Tests for joint plans: proposals, due dates, answers, blocks, savings and the two built-in mergers."""

from __future__ import annotations

import datetime as dt
import json

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.calendar import ChineseOfficialCalendar, WeekendsOnly
from randinspect.draw import NumpySource, PublicSeedSource
from randinspect.errors import ConfigurationError, PlanError
from randinspect.items import CheckItem
from randinspect.planning import (
    Answer,
    DepartmentPlan,
    ItemDraw,
    JointPlan,
    LouvainMerger,
    OverlapMerger,
    ProposalRound,
    co_draw_graph,
    department_object_graph,
    plan_department,
)
from randinspect.testing._planning import (
    answers_for,
    check_joint_plan_merger,
    department_plan_sets,
    joint_plan_problems,
)
from randinspect.typing import JointPlanMerger

OFFICIAL = ChineseOfficialCalendar()
PUSH = dt.date(2025, 9, 26)  # Friday before National Day 2025; due Thursday 16 October 2025


def _plan(department: str, *selections: list[str], capacity: list[int] | None = None) -> DepartmentPlan:
    items = [
        CheckItem(
            id=f"{department}-{i}",
            name="item",
            department=department,
            year=2026,
            scope={},
            ratio="0.05",
            legal_basis=["law|1"],
        )
        for i in range(len(selections))
    ]
    draws = [ItemDraw(item_id=f"{department}-{i}", selected_ids=s) for i, s in enumerate(selections)]
    return plan_department(department, items, draws, source=PublicSeedSource("plans"), capacity=capacity)


@pytest.fixture
def plans() -> tuple[DepartmentPlan, ...]:
    """SAMR draws a-f, HEALTH draws a-c and x, FIRE draws a, d and y."""
    return (
        _plan("SAMR", ["a", "b", "c", "d", "e", "f"]),
        _plan("HEALTH", ["a", "b", "c"], ["x"]),
        _plan("FIRE", ["a", "d", "y"]),
    )


def _answer(department: str, proposal: str, accept: bool, day: dt.date = PUSH) -> Answer:
    return Answer(department=department, proposal=proposal, accept=accept, answered_on=day)


class TestPropose:
    def test_proposals_for_shared_objects(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """Objects drawn by two or more departments become proposals to exactly those departments."""
        round_ = OverlapMerger().propose(plans, pushed_on=PUSH, calendar=OFFICIAL)
        asked = {p.object_id: p.departments for p in round_.proposals}
        assert asked == {
            "a": ("FIRE", "HEALTH", "SAMR"),
            "b": ("HEALTH", "SAMR"),
            "c": ("HEALTH", "SAMR"),
            "d": ("FIRE", "SAMR"),
        }
        assert round_.proposal("b").items == (("HEALTH-0",), ("SAMR-0",))
        assert len(round_.for_department("FIRE")) == 2

    def test_due_ten_working_days_after_push(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """Pushed Fri 26 Sep 2025, answers are due Thu 16 Oct 2025 (National Day and make-up days counted).

        Sun 28 Sep make-up (1); 29, 30 Sep (2, 3); 1-8 Oct holiday; 9, 10 Oct (4, 5); Sat 11 Oct make-up (6);
        13-16 Oct (7-10).
        """
        round_ = OverlapMerger().propose(plans, pushed_on=PUSH, calendar=OFFICIAL)
        assert round_.due_on == dt.date(2025, 10, 16)
        assert all(p.due_on == dt.date(2025, 10, 16) for p in round_.proposals)

    def test_json_ready(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """The round serialises to JSON."""
        round_ = OverlapMerger().propose(plans, pushed_on=PUSH, calendar=OFFICIAL)
        data = json.loads(json.dumps(round_.to_json_dict(), ensure_ascii=False))
        assert data["due_on"] == "2025-10-16"
        assert len(data["proposals"]) == 4

    def test_duplicate_department_rejected(self) -> None:
        """Two plans of one department cannot be merged."""
        with pytest.raises(PlanError, match="more than one plan"):
            OverlapMerger().propose([_plan("A", ["x"]), _plan("A", ["y"])], pushed_on=PUSH, calendar=OFFICIAL)

    def test_unknown_unknown_proposal(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """Looking up a proposal that does not exist raises PlanError."""
        round_ = OverlapMerger().propose(plans, pushed_on=PUSH, calendar=OFFICIAL)
        with pytest.raises(PlanError):
            round_.proposal("zzz")


class TestAnswers:
    @pytest.fixture
    def round_(self, plans: tuple[DepartmentPlan, ...]) -> ProposalRound:
        return OverlapMerger().propose(plans, pushed_on=PUSH, calendar=OFFICIAL)

    def test_answer_on_due_date_is_on_time(self, round_: ProposalRound) -> None:
        """An answer on the due date itself is accepted."""
        plan = OverlapMerger().merge(
            round_, [_answer("FIRE", "a", False, dt.date(2025, 10, 16))], source=NumpySource(1)
        )
        assert all("FIRE" not in b.departments for b in plan.blocks if "a" in b.object_ids)

    def test_late_answer_handled_per_department(self, round_: ProposalRound) -> None:
        """A late acceptance keeps FIRE out of object a's block; SAMR and HEALTH still inspect a together."""
        late_day = dt.date(2025, 10, 17)
        plan = OverlapMerger().merge(
            round_,
            [_answer("FIRE", "a", True, late_day), _answer("SAMR", "a", True), _answer("HEALTH", "a", True)],
            source=NumpySource(1),
        )
        groups = {o: b.departments for b in plan.blocks for o in b.object_ids}
        assert groups["a"] == ("HEALTH", "SAMR")
        (late,) = plan.late_answers()
        assert (late.department, late.proposal, late.answered_on, late.accept) == (
            "FIRE",
            "a",
            late_day,
            False,
        )

    def test_conflicting_late_answers(self, round_: ProposalRound) -> None:
        """Two contradicting late answers of one department are still refused."""
        late_day = dt.date(2025, 10, 20)
        with pytest.raises(PlanError, match="conflicting late answers"):
            OverlapMerger().merge(
                round_,
                [_answer("FIRE", "a", True, late_day), _answer("FIRE", "a", False, late_day)],
                source=NumpySource(1),
            )

    @settings(max_examples=30, deadline=None)
    @given(late=st.sets(st.sampled_from(["SAMR", "HEALTH", "FIRE"])), seed=st.integers(0, 2**16))
    def test_late_answer_never_blocks_others(self, late: set[str], seed: int) -> None:
        """Whoever answers late, every group of on-time accepting departments still forms its block."""
        plans = (
            _plan("SAMR", ["a", "b", "c", "d", "e", "f"]),
            _plan("HEALTH", ["a", "b", "c"], ["x"]),
            _plan("FIRE", ["a", "d", "y"]),
        )
        round_ = OverlapMerger().propose(plans, pushed_on=PUSH, calendar=OFFICIAL)
        late_day = dt.date(2025, 10, 21)
        answers = [
            _answer(d, p.id, True, late_day if d in late else PUSH)
            for p in round_.proposals
            for d in p.departments
        ]
        plan = OverlapMerger().merge(round_, answers, source=NumpySource(seed))
        groups = {o: b.departments for b in plan.blocks for o in b.object_ids}
        for p in round_.proposals:
            on_time = tuple(sorted(d for d in p.departments if d not in late))
            if len(on_time) >= 2 and p.object_id not in plan.dissolved:
                assert groups[p.object_id] == on_time
            else:
                assert p.object_id not in groups
        assert {(d.department, d.proposal) for d in plan.late_answers()} == {
            (d, p.id) for p in round_.proposals for d in p.departments if d in late
        }

    def test_answer_from_department_not_asked(self, round_: ProposalRound) -> None:
        """FIRE was not asked about b."""
        with pytest.raises(PlanError, match="FIRE was not asked"):
            OverlapMerger().merge(round_, [_answer("FIRE", "b", True)], source=NumpySource(1))

    def test_answer_to_unknown_proposal(self, round_: ProposalRound) -> None:
        """An answer to an object nobody shares raises PlanError."""
        with pytest.raises(PlanError, match="no such proposal"):
            OverlapMerger().merge(round_, [_answer("SAMR", "e", True)], source=NumpySource(1))

    def test_answer_before_push(self, round_: ProposalRound) -> None:
        """An answer dated before the push is refused."""
        with pytest.raises(PlanError, match="before the push"):
            OverlapMerger().merge(
                round_, [_answer("SAMR", "a", True, dt.date(2025, 9, 1))], source=NumpySource(1)
            )

    def test_conflicting_answers(self, round_: ProposalRound) -> None:
        """Accept and decline from the same department for the same object are refused."""
        with pytest.raises(PlanError, match="conflicting"):
            OverlapMerger().merge(
                round_, [_answer("SAMR", "a", True), _answer("SAMR", "a", False)], source=NumpySource(1)
            )

    def test_all_problems_listed(self, round_: ProposalRound) -> None:
        """Several bad answers are all reported in one error."""
        bad = [_answer("FIRE", "b", True), _answer("SAMR", "e", True)]
        with pytest.raises(PlanError, match="2 problem"):
            OverlapMerger().merge(round_, bad, source=NumpySource(1))

    def test_early_merge_with_missing_answers(self, round_: ProposalRound) -> None:
        """Merging before the due date while answers are missing is refused."""
        with pytest.raises(PlanError, match="answer period runs until 2025-10-16"):
            OverlapMerger().merge(round_, [], source=NumpySource(1), decided_on=dt.date(2025, 10, 9))

    def test_early_merge_when_all_answered(self, round_: ProposalRound) -> None:
        """Before the due date the plan can be formed once every department has answered."""
        answers = [_answer(d, p.id, True) for p in round_.proposals for d in p.departments]
        plan = OverlapMerger().merge(round_, answers, source=NumpySource(1), decided_on=dt.date(2025, 10, 9))
        assert not any(d.defaulted for d in plan.decisions)

    def test_missing_answer_default_accept(self, round_: ProposalRound) -> None:
        """By default a silent department joins (joint inspection is the rule, §四(七))."""
        plan = OverlapMerger().merge(round_, [], source=NumpySource(1))
        groups = {o: b.departments for b in plan.blocks for o in b.object_ids}
        assert groups == {
            "a": ("FIRE", "HEALTH", "SAMR"),
            "b": ("HEALTH", "SAMR"),
            "c": ("HEALTH", "SAMR"),
            "d": ("FIRE", "SAMR"),
        }
        assert all(d.defaulted and d.accept for d in plan.decisions)

    def test_missing_answer_default_decline(self, round_: ProposalRound) -> None:
        """With missing_answer='decline' only explicit acceptances form groups."""
        answers = [_answer("SAMR", "a", True), _answer("HEALTH", "a", True), _answer("SAMR", "b", True)]
        plan = OverlapMerger(missing_answer="decline").merge(round_, answers, source=NumpySource(1))
        assert [(b.departments, b.object_ids) for b in plan.blocks] == [(("HEALTH", "SAMR"), ("a",))]

    def test_bad_default_rejected(self) -> None:
        """Only accept and decline are defaults."""
        with pytest.raises(ConfigurationError):
            OverlapMerger(missing_answer="maybe")  # type: ignore[arg-type]


def _x_shared_plans(samr_capacity: list[int]) -> tuple[DepartmentPlan, DepartmentPlan]:
    """SAMR visits x in period 1 and y in period 0; HEALTH visits x in period 0, with no room in period 1."""
    samr = DepartmentPlan(
        department="SAMR",
        year=2026,
        periods=2,
        capacity=samr_capacity,
        object_ids=["x", "y"],
        item_ids=["S", "S"],
        rounds=[1, 1],
        visits=[0, 0],
        period_index=[1, 0],
    )
    health = DepartmentPlan(
        department="HEALTH",
        year=2026,
        periods=2,
        capacity=[1, 0],
        object_ids=["x"],
        item_ids=["H"],
        rounds=[1],
        visits=[0],
        period_index=[0],
    )
    return samr, health


class TestMerge:
    def test_declined_department_visits_alone(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """FIRE declines a: a is inspected jointly by SAMR and HEALTH, and FIRE keeps its own visit."""
        round_ = OverlapMerger().propose(plans, pushed_on=PUSH, calendar=OFFICIAL)
        plan = OverlapMerger().merge(round_, [_answer("FIRE", "a", False)], source=NumpySource(3))
        block = next(b for b in plan.blocks if "a" in b.object_ids)
        assert block.departments == ("HEALTH", "SAMR")
        fire = plan.plan_of("FIRE")
        assert fire.joint_blocks[fire.object_ids == "a"].tolist() == [""]

    def test_blocks_share_period(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """Every department's joint visit sits in its block's period."""
        round_ = OverlapMerger().propose(plans, pushed_on=PUSH, calendar=OFFICIAL)
        plan = OverlapMerger().merge(round_, [], source=NumpySource(3))
        for block in plan.blocks:
            for d in block.departments:
                for o in block.object_ids:
                    assert plan.plan_of(d).period_of(o) == block.period

    def test_savings(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """All accept: 13 visits become 8 (a saves 2; b, c, d save 1 each), per department and district.

        District 520102 holds a, b, c: 3 + 2 + 2 = 7 visits become 3. District 520103 holds d, e, f, x, y:
        2 + 1 + 1 + 1 + 1 = 6 become 5.
        """
        round_ = OverlapMerger().propose(plans, pushed_on=PUSH, calendar=OFFICIAL)
        plan = OverlapMerger().merge(round_, [], source=NumpySource(3))
        regions = {o: ("520102" if o in "abc" else "520103") for o in "abcdefxy"}
        report = plan.savings(regions)
        assert (report.visits_without, report.visits_with, report.saved) == (13, 8, 5)
        assert report.per_department["SAMR"]["joint"] == 4
        assert report.per_department["SAMR"]["solo"] == 2
        assert str(report.per_department["FIRE"]["saved_share"]) == "7/6"
        assert report.per_district["520102"] == {"visits_without": 7, "visits_with": 3, "saved": 4}
        assert report.per_district["520103"] == {"visits_without": 6, "visits_with": 5, "saved": 1}
        assert json.dumps(plan.to_json_dict())

    def test_capacity_dissolves_group(self) -> None:
        """When no common period fits every member's capacity, the group dissolves and both visit alone."""
        samr, health = _x_shared_plans(samr_capacity=[1, 1])
        round_ = OverlapMerger().propose([samr, health], pushed_on=PUSH, calendar=OFFICIAL)
        plan = OverlapMerger().merge(round_, [], source=NumpySource(1))
        assert plan.blocks == ()
        assert plan.dissolved == ("x",)
        assert plan.plan_of("SAMR") == samr

    def test_capacity_moves_group_when_possible(self) -> None:
        """With room in the first period, x moves there for SAMR and is inspected once."""
        samr, health = _x_shared_plans(samr_capacity=[2, 2])
        round_ = OverlapMerger().propose([samr, health], pushed_on=PUSH, calendar=OFFICIAL)
        plan = OverlapMerger().merge(round_, [], source=NumpySource(1))
        assert [(b.departments, b.period) for b in plan.blocks] == [(("HEALTH", "SAMR"), 0)]
        assert plan.plan_of("SAMR").loads().tolist() == [2, 0]

    def test_reproducible(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """The same answers and source give the same joint plan."""
        round_ = OverlapMerger().propose(plans, pushed_on=PUSH, calendar=OFFICIAL)
        a = OverlapMerger().merge(round_, [], source=PublicSeedSource("s"))
        b = OverlapMerger().merge(round_, [], source=PublicSeedSource("s"))
        assert a.to_json_dict() == b.to_json_dict()

    @settings(deadline=None, max_examples=40)
    @given(data=st.data())
    def test_guarantees(self, data: st.DataObject) -> None:
        """Exactly once per department, consent, capacities and savings hold for random cities and answers."""
        plans = data.draw(department_plan_sets())
        merger = data.draw(st.sampled_from([OverlapMerger(), OverlapMerger(missing_answer="decline")]))
        round_ = merger.propose(plans, pushed_on=dt.date(2026, 11, 20), calendar=WeekendsOnly())
        assert all(
            p.due_on == WeekendsOnly().add_working_days(dt.date(2026, 11, 20), 10) for p in round_.proposals
        )
        answers = data.draw(answers_for(round_))
        plan = merger.merge(round_, answers, source=NumpySource(data.draw(st.integers(0, 99))))
        assert joint_plan_problems(round_, answers, plan) == []
        savings = plan.savings()
        assert savings.visits_with <= savings.visits_without

    @settings(deadline=None, max_examples=20)
    @given(data=st.data())
    def test_late_answers_never_join(self, data: st.DataObject) -> None:
        """An answer after the due date never fails the merge and never puts its department in a block."""
        plans = data.draw(department_plan_sets())
        round_ = OverlapMerger().propose(plans, pushed_on=dt.date(2026, 11, 20), calendar=WeekendsOnly())
        late = data.draw(answers_for(round_, on_time=False))
        plan = OverlapMerger().merge(round_, late, source=NumpySource(0))
        by_object = {o: set(b.departments) for b in plan.blocks for o in b.object_ids}
        index = {p.id: p.object_id for p in round_.proposals}
        for a in late:
            assert a.department not in by_object.get(index[a.proposal], set())
        assert {(d.department, d.proposal) for d in plan.late_answers()} == {
            (a.department, a.proposal) for a in late
        }


class TestGraphs:
    def test_bipartite_graph(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """Departments have bipartite=0, shared objects bipartite=1; unshared objects only on request."""
        graph = department_object_graph(plans)
        objects = {n[1] for n, b in graph.nodes(data="bipartite") if b == 1}
        assert objects == {"a", "b", "c", "d"}
        assert nx.is_bipartite(graph)
        full = department_object_graph(plans, all_objects=True)
        assert {n[1] for n, b in full.nodes(data="bipartite") if b == 1} == set("abcdefxy")

    def test_co_draw_weights(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """Edge weights count the objects two departments both drew."""
        graph = co_draw_graph(plans)
        assert graph["SAMR"]["HEALTH"]["weight"] == 3
        assert graph["SAMR"]["FIRE"]["weight"] == 2
        assert graph["HEALTH"]["FIRE"]["weight"] == 1


class TestLouvainMerger:
    @pytest.fixture
    def clustered(self) -> tuple[DepartmentPlan, ...]:
        """Two clusters: A, B, C share objects o0-o29; D, E share p0-p29; C and D share one object."""
        shared1 = [f"o{i}" for i in range(30)]
        shared2 = [f"p{i}" for i in range(30)]
        return (
            _plan("A", shared1),
            _plan("B", shared1),
            _plan("C", [*shared1, "bridge"]),
            _plan("D", [*shared2, "bridge"]),
            _plan("E", shared2),
        )

    def test_finds_clusters(self, clustered: tuple[DepartmentPlan, ...]) -> None:
        """Louvain proposes the two clusters as standing teams."""
        teams = LouvainMerger().standing_teams(clustered, source=PublicSeedSource("teams"))
        assert sorted(t.departments for t in teams) == [("A", "B", "C"), ("D", "E")]

    def test_groups_within_teams(self, clustered: tuple[DepartmentPlan, ...]) -> None:
        """The bridge object is not proposed: C and D are in different teams."""
        merger = LouvainMerger()
        round_ = merger.propose(
            clustered, pushed_on=PUSH, calendar=OFFICIAL, source=PublicSeedSource("teams")
        )
        assert "bridge" not in {p.object_id for p in round_.proposals}
        plan = merger.merge(round_, [], source=PublicSeedSource("teams"))
        assert {b.departments for b in plan.blocks} == {("A", "B", "C"), ("D", "E")}
        assert plan.merger["merger"] == "LouvainMerger"

    def test_fixed_teams(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """Fixed teams need no randomness; an object's accepting departments are split by team."""
        merger = LouvainMerger(teams=[("SAMR", "HEALTH")])
        round_ = merger.propose(plans, pushed_on=PUSH, calendar=OFFICIAL)
        plan = merger.merge(round_, [], source=NumpySource(1))
        assert {b.departments for b in plan.blocks} == {("HEALTH", "SAMR")}

    def test_needs_source_without_fixed_teams(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """Computing teams without a source is refused (Louvain needs a seed)."""
        with pytest.raises(ConfigurationError, match="source"):
            LouvainMerger().propose(plans, pushed_on=PUSH, calendar=OFFICIAL)


class TestConformance:
    @pytest.mark.parametrize(
        "merger", [OverlapMerger(), OverlapMerger(missing_answer="decline"), LouvainMerger()]
    )
    def test_built_ins_conform(self, merger: JointPlanMerger) -> None:
        """The built-in mergers pass the conformance check and satisfy the Protocol."""
        assert isinstance(merger, JointPlanMerger)
        check_joint_plan_merger(merger, n_cases=6)

    def test_broken_merger_caught(self) -> None:
        """A merger that ignores declines fails the check."""

        class IgnoresDeclines:
            def propose(self, plans, *, pushed_on, calendar, source=None):  # type: ignore[no-untyped-def]
                return OverlapMerger().propose(plans, pushed_on=pushed_on, calendar=calendar)

            def merge(self, round, answers, *, source, decided_on=None):  # type: ignore[no-untyped-def]
                accepting = [
                    Answer(
                        department=a.department, proposal=a.proposal, accept=True, answered_on=a.answered_on
                    )
                    for a in answers
                ]
                return OverlapMerger().merge(round, accepting, source=source)

        with pytest.raises(AssertionError, match="declined"):
            check_joint_plan_merger(IgnoresDeclines(), n_cases=4)

    def test_plan_of_unknown_department(self, plans: tuple[DepartmentPlan, ...]) -> None:
        """Asking a joint plan for a department without a plan raises PlanError."""
        round_ = OverlapMerger().propose(plans, pushed_on=PUSH, calendar=OFFICIAL)
        plan: JointPlan = OverlapMerger().merge(round_, [], source=NumpySource(1))
        with pytest.raises(PlanError):
            plan.plan_of("TAX")
        assert isinstance(np.asarray(plan.plan_of("SAMR").joint_blocks), np.ndarray)
