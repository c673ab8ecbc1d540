"""Tests for the built-in matchers: guarantees, exact marginals, infeasibility reports."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.directory import EnforcementCertificate, Inspector
from randinspect.draw import NumpySource, PublicSeedSource
from randinspect.errors import InfeasibleMatchingError, InfeasibleTasksError
from randinspect.matching import (
    ExactMarginalMatcher,
    InfeasibleTask,
    InspectionTask,
    MatchingProblem,
    SeatRule,
    UniformMatcher,
    diagnose,
    match_inspectors,
)
from randinspect.testing._matching import (
    MatchingInstance,
    _check_result,
    check_inspector_matcher,
    matching_instances,
    random_matching_instance,
    tiny_inspectors,
    tiny_tasks,
)
from randinspect.typing import InspectorMatcher

MATCHERS = [ExactMarginalMatcher(), UniformMatcher()]


def run(matcher: InspectorMatcher, instance: MatchingInstance, seed: str = "s"):  # type: ignore[no-untyped-def]
    return matcher.match(instance.problem(), PublicSeedSource(seed), allow_partial=True)


class TestGuarantees:
    @pytest.mark.parametrize("matcher", MATCHERS, ids=lambda m: m.name)
    @settings(max_examples=40, deadline=None)
    @given(instance=matching_instances())
    def test_every_group_valid(self, matcher: InspectorMatcher, instance: MatchingInstance) -> None:
        """Seats, certified officers, eligibility (conflict, history, certificate, dates), caps hold."""
        _check_result(instance, run(matcher, instance), matcher.describe()["kind"])

    @pytest.mark.parametrize("matcher", MATCHERS, ids=lambda m: m.name)
    @settings(max_examples=20, deadline=None)
    @given(instance=matching_instances(), seed=st.text("0123456789abcdef", min_size=1, max_size=8))
    def test_same_seed_same_matching(
        self, matcher: InspectorMatcher, instance: MatchingInstance, seed: str
    ) -> None:
        """The same seed and context give the same groups."""
        a = run(matcher, instance, seed)
        b = run(matcher, instance, seed)
        assert a.groups == b.groups
        assert a.infeasible == b.infeasible

    @pytest.mark.parametrize("matcher", MATCHERS, ids=lambda m: m.name)
    def test_conformance(self, matcher: InspectorMatcher) -> None:
        """Both built-ins pass the conformance suite of randinspect.testing."""
        check_inspector_matcher(matcher, seeds=(0, 1))

    def test_protocol(self) -> None:
        """The built-ins satisfy the InspectorMatcher Protocol."""
        assert all(isinstance(m, InspectorMatcher) for m in MATCHERS)


class TestExactMarginals:
    @settings(max_examples=40, deadline=None)
    @given(instance=matching_instances(with_caps=False))
    def test_uncapped_targets_exact(self, instance: MatchingInstance) -> None:
        """Without binding caps each eligible inspector of a seat group has marginal exactly k/|E|.

        Tasks where one inspector is eligible for two seat groups (an officer-specialty seat and the plain
        seats of the same department) are left out: there the one-seat-per-task bound acts as a cap.
        """
        problem = instance.problem()
        result = ExactMarginalMatcher().match(problem, NumpySource(1), allow_partial=True)
        assert result.marginal_numerators is not None
        assert result.marginal_denominators is not None
        seen: set[tuple[int, int]] = set()
        shared: set[str] = set()
        for g, i in zip(problem.edge_group.tolist(), problem.edge_inspector.tolist(), strict=True):
            key = (int(problem.group_task[g]), i)
            if key in seen:
                shared.add(problem.tasks[key[0]].id)
            seen.add(key)
        staffed = {g.task_id for g in result.groups} - shared
        deg = np.bincount(problem.edge_group, minlength=len(problem.groups))
        for e in range(problem.n_edges):
            g = int(problem.edge_group[e])
            if problem.groups[g].task_id not in staffed:
                continue
            got = Fraction(int(result.marginal_numerators[e]), int(result.marginal_denominators[e]))
            if result.marginal_denominators[e] < 2**40:  # exact regime (see MAX_DENOMINATOR)
                assert got == Fraction(int(problem.group_size[g]), int(deg[g]))

    @settings(max_examples=40, deadline=None)
    @given(instance=matching_instances())
    def test_group_sums_caps_and_rounding(self, instance: MatchingInstance) -> None:
        """Marginals sum to each group's seats, expected loads respect caps, loads are floor or ceiling."""
        problem = instance.problem()
        result = ExactMarginalMatcher().match(problem, NumpySource(2), allow_partial=True)
        num, den = result.marginal_numerators, result.marginal_denominators
        assert num is not None
        assert den is not None
        staffed = {g.task_id for g in result.groups}
        sums: dict[int, Fraction] = {}
        for e in range(problem.n_edges):
            g = int(problem.edge_group[e])
            sums[g] = sums.get(g, Fraction(0)) + Fraction(int(num[e]), int(den[e]))
        for g, total in sums.items():
            if problem.groups[g].task_id in staffed:
                assert total == problem.group_size[g]
        expected = result.expected_loads()
        assert expected is not None
        loads = result.loads()
        for i, cap in zip(problem.inspector_ids, problem.caps.tolist(), strict=True):
            assert expected[i] <= cap
            assert math.floor(expected[i]) <= loads[i] <= math.ceil(expected[i])

    def test_cap_rebalances(self) -> None:
        """A binding cap moves probability to the others; expected loads fit and sum to the seats."""
        cert = EnforcementCertificate(
            number="C", valid_from=dt.date(2027, 1, 1), valid_to=dt.date(2027, 12, 31)
        )
        people = [
            Inspector(
                id=f"P{k}",
                name="p",
                role="officer",
                department="SAMR",
                jurisdiction=("520102",),
                certificate=cert,
            )
            for k in range(4)
        ]
        w = (dt.date(2027, 3, 1), dt.date(2027, 3, 31))
        tasks = [
            InspectionTask(
                id=f"T{k}", object_id=f"O{k}", region="520102", unit="U", window=w, departments=["SAMR"]
            )
            for k in range(4)
        ]
        problem = MatchingProblem.build(tasks, people, caps={"P0": 1})
        result = ExactMarginalMatcher().match(problem, NumpySource(0))
        expected = result.expected_loads()
        assert expected is not None
        assert expected["P0"] == 1
        assert sum(expected.values()) == 8
        assert result.loads()["P0"] <= 1


class TestInfeasibility:
    def test_unknown_department_reports_role(self) -> None:
        """A department with no officers is reported as the binding 'role' constraint."""
        tasks = [
            *tiny_tasks(),
            InspectionTask(
                id="TX",
                object_id="OX",
                region="520102",
                unit="U520102",
                window=tiny_tasks()[0].window,
                departments=["NOPE"],
            ),
        ]
        with pytest.raises(InfeasibleTasksError) as info:
            match_inspectors(tasks, tiny_inspectors(), source=PublicSeedSource("x"))
        (report,) = info.value.infeasible
        assert isinstance(report, InfeasibleTask)
        assert report.task_id == "TX"
        assert report.constraint == "role"
        assert "NOPE" in report.message

    def test_expired_certificates_everywhere(self) -> None:
        """A window after every certificate expires is reported as the 'certificate' constraint."""
        late = (dt.date(2031, 1, 1), dt.date(2031, 1, 31))
        tasks = [
            InspectionTask(
                id="T", object_id="O", region="520102", unit="U520102", window=late, departments=["SAMR"]
            )
        ]
        reports = diagnose(MatchingProblem.build(tasks, tiny_inspectors()))
        assert [r.constraint for r in reports] == ["certificate"]
        assert "certified" in reports[0].message

    def test_absent_specialty(self) -> None:
        """A specialty no expert has is reported under 'role'."""
        t = tiny_tasks()[0]
        tasks = [
            InspectionTask(
                id="T",
                object_id="O",
                region=t.region,
                unit=t.unit,
                window=t.window,
                departments=["SAMR"],
                specialties=["nuclear"],
            )
        ]
        reports = diagnose(MatchingProblem.build(tasks, tiny_inspectors()))
        assert reports[0].constraint == "role"
        assert "nuclear" in reports[0].message

    def test_caps_below_demand_hall_violator(self) -> None:
        """Caps below demand are explained by a max-flow Hall violator with seats needed vs places."""
        with pytest.raises(InfeasibleMatchingError) as info:
            match_inspectors(tiny_tasks(), tiny_inspectors(), source=PublicSeedSource("x"), caps=0)
        reports = info.value.infeasible  # type: ignore[attr-defined]
        assert {r.constraint for r in reports} == {"load"}
        assert all(r.needed > r.available for r in reports)

    @pytest.mark.parametrize("matcher", MATCHERS, ids=lambda m: m.name)
    def test_partial_never_complete(self, matcher: InspectorMatcher) -> None:
        """allow_partial returns the staffable tasks and reports the rest, marked incomplete."""
        instance = random_matching_instance(5, n_tasks=40, officers_per_bucket=3, cap=3)
        problem = instance.problem()
        result = matcher.match(problem, PublicSeedSource("p"), allow_partial=True)
        _check_result(instance, result, "partial")
        if result.infeasible:
            assert not result.complete
            with pytest.raises(InfeasibleMatchingError):
                matcher.match(problem, PublicSeedSource("p"))

    def test_exact_succeeds_where_uniform_may_fail(self) -> None:
        """With tight caps the exact matcher staffs at least as many tasks as the uniform one, here more."""
        instance = random_matching_instance(
            11,
            n_tasks=60,
            n_regions=1,
            officers_per_bucket=6,
            cap=9,
            expired_share=0.0,
            unavailable_share=0.0,
        )
        problem = instance.problem()
        exact = ExactMarginalMatcher().match(problem, PublicSeedSource("u"), allow_partial=True)
        fails = [
            len(UniformMatcher().match(problem, PublicSeedSource(f"u{k}"), allow_partial=True).infeasible)
            for k in range(10)
        ]
        assert len(exact.infeasible) <= min(fails)


class TestOneSeatPerTask:
    def test_expert_with_two_specialties_sits_once(self) -> None:
        """An expert eligible for two seat groups of one task fills at most one; marginals are rebalanced."""
        cert = EnforcementCertificate(
            number="C", valid_from=dt.date(2027, 1, 1), valid_to=dt.date(2027, 12, 31)
        )
        people = [
            Inspector(
                id=f"P{k}",
                name="p",
                role="officer",
                department="SAMR",
                jurisdiction=("520102",),
                certificate=cert,
            )
            for k in range(2)
        ]
        people += [
            Inspector(id="E1", name="e", role="expert", department="SAMR", specialties=("food", "drugs")),
            Inspector(id="E2", name="e", role="expert", department="SAMR", specialties=("food",)),
        ]
        w = (dt.date(2027, 3, 1), dt.date(2027, 3, 31))
        task = InspectionTask(
            id="T",
            object_id="O",
            region="520102",
            unit="U",
            window=w,
            departments=["SAMR"],
            specialties=["food", "drugs"],
        )
        for seed in range(20):
            result = match_inspectors([task], people, source=NumpySource(seed))
            seats = {s.key: s.inspector_ids for s in result.group("T").seats}
            assert seats["drugs"] == ("E1",)
            assert seats["food"] == ("E2",)
        assert result.marginal("T|expert|food", "E1") == 0

    def test_two_double_experts_split(self) -> None:
        """Two experts with both needed specialties take one seat each, in both orders over seeds."""
        people = [
            Inspector(id="E1", name="e", role="expert", department="SAMR", specialties=("food", "drugs")),
            Inspector(id="E2", name="e", role="expert", department="SAMR", specialties=("food", "drugs")),
        ]
        w = (dt.date(2027, 3, 1), dt.date(2027, 3, 31))
        task = InspectionTask(
            id="T",
            object_id="O",
            region="520102",
            unit="U",
            window=w,
            departments=["SAMR"],
            specialties=["food", "drugs"],
        )
        rule = SeatRule(min_officers=0, officers_per_department=0)
        seen = set()
        for seed in range(30):
            result = match_inspectors([task], people, source=NumpySource(seed), rule=rule)
            seats = {s.key: s.inspector_ids[0] for s in result.group("T").seats}
            assert seats["food"] != seats["drugs"]
            seen.add(seats["food"])
        assert seen == {"E1", "E2"}
