"""Tests for the eligibility graph (MatchingProblem)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from randinspect.directory import EnforcementCertificate, Inspector
from randinspect.errors import MatchInputError
from randinspect.matching import (
    ConflictList,
    HistoryRecord,
    InspectionTask,
    JurisdictionLevel,
    MatchingProblem,
    SeatKind,
    SeatRule,
)
from randinspect.testing._matching import (
    MatchingInstance,
    _last_inspectors,
    eligible,
    matching_instances,
)

YEAR = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
W = (dt.date(2027, 3, 1), dt.date(2027, 3, 31))


def officer(iid: str, **kw: Any) -> Inspector:
    cert = kw.pop("cert", YEAR)
    base: dict[str, Any] = {
        "id": iid,
        "name": iid,
        "role": "officer",
        "department": "SAMR",
        "unit": "U1",
        "jurisdiction": ("520102",),
        "certificate": EnforcementCertificate(number=f"C{iid}", valid_from=cert[0], valid_to=cert[1]),
    }
    base.update(kw)
    return Inspector(**base)


def the_task(**kw: Any) -> InspectionTask:
    base: dict[str, Any] = {
        "id": "T1",
        "object_id": "O1",
        "region": "520102",
        "unit": "U1",
        "window": W,
        "departments": ["SAMR"],
    }
    base.update(kw)
    return InspectionTask(**base)


def candidates(tasks: list[InspectionTask], people: list[Inspector], **kw: Any) -> tuple[str, ...]:
    return MatchingProblem.build(tasks, people, **kw).candidates(0)


class TestEligibility:
    def test_department(self) -> None:
        """Only officers of the seat's department are candidates."""
        people = [officer("A"), officer("B", department="HEALTH")]
        assert candidates([the_task()], people) == ("A",)

    def test_jurisdiction_region_prefix_and_unit(self) -> None:
        """Region codes cover by prefix; unit codes match the object's unit; others are out."""
        people = [
            officer("A", jurisdiction=("520100",)),
            officer("B", jurisdiction=("5201",)),
            officer("C", jurisdiction=("U1",)),
            officer("D", jurisdiction=("520103",)),
        ]
        assert candidates([the_task()], people) == ("A", "B", "C")
        assert candidates([the_task()], people, rule=SeatRule(jurisdiction=JurisdictionLevel.UNIT)) == ("C",)
        assert candidates([the_task()], people, rule=SeatRule(jurisdiction="none")) == ("A", "B", "C", "D")

    def test_certificate_covers_window(self) -> None:
        """A certificate expiring inside the window excludes the officer."""
        people = [officer("A"), officer("B", cert=(dt.date(2026, 1, 1), dt.date(2027, 3, 15)))]
        assert candidates([the_task()], people) == ("A",)

    def test_availability(self) -> None:
        """One availability window must contain the whole task window."""
        people = [
            officer("A", availability=[(dt.date(2027, 2, 1), dt.date(2027, 4, 1))]),
            officer("B", availability=[(dt.date(2027, 3, 10), dt.date(2027, 4, 1))]),
            officer("C"),
        ]
        assert candidates([the_task()], people) == ("A", "C")

    def test_conflicts_and_former_employer(self) -> None:
        """Explicit conflicts and former employers exclude; the rule can switch the latter off."""
        people = [officer("A"), officer("B", former_employers=("O1",)), officer("C")]
        conflicts = ConflictList([("C", "O1")])
        assert candidates([the_task()], people, conflicts=conflicts) == ("A",)
        rule = SeatRule(former_employer_conflict=False)
        assert candidates([the_task()], people, conflicts=conflicts, rule=rule) == ("A", "B")

    def test_history_excludes_latest_only(self) -> None:
        """The inspectors of the latest inspection are out; earlier inspectors are not."""
        people = [officer("A"), officer("B"), officer("C")]
        history = [
            HistoryRecord(object_id="O1", inspector_id="A", date="2025-05-01"),
            HistoryRecord(object_id="O1", inspector_id="B", date="2026-05-01"),
        ]
        assert candidates([the_task()], people, history=history) == ("A", "C")

    def test_expert_specialty(self) -> None:
        """Expert seats take experts with the specialty, city-wide by default."""
        people = [
            officer("A"),
            officer("B"),
            Inspector(id="E1", name="E1", role="expert", department="X", specialties=("food",)),
            Inspector(id="E2", name="E2", role="expert", department="X", specialties=("drugs",)),
        ]
        problem = MatchingProblem.build([the_task(specialties=["food"])], people)
        assert problem.groups[1].kind is SeatKind.EXPERT
        assert problem.candidates(1) == ("E1",)

    def test_stage_counts(self) -> None:
        """Stage counts fall monotonically and explain which filter removed candidates."""
        people = [officer("A"), officer("B", cert=(dt.date(2020, 1, 1), dt.date(2021, 1, 1)))]
        problem = MatchingProblem.build([the_task()], people)
        assert problem.stage_counts[0].tolist() == [2, 2, 2, 1, 1, 1, 1]

    @settings(max_examples=30, deadline=None)
    @given(matching_instances())
    def test_graph_equals_rules(self, instance: MatchingInstance) -> None:
        """The vectorised graph has exactly the pairs the record-by-record rules allow."""
        problem = instance.problem()
        last = _last_inspectors(instance.history)
        expected = set()
        tasks = {t.id: t for t in instance.tasks}
        for g_idx, g in enumerate(problem.groups):
            for p in instance.inspectors:
                ok = eligible(
                    p,
                    tasks[g.task_id],
                    g.kind,
                    g.key,
                    rule=instance.rule,
                    conflicts=instance.conflicts,
                    last=last,
                )
                if ok:
                    expected.add((g_idx, p.id))
        got = {
            (int(g), problem.inspector_ids[int(i)])
            for g, i in zip(problem.edge_group, problem.edge_inspector, strict=True)
        }
        assert got == expected


class TestProblem:
    def test_unknown_inspector_in_history(self) -> None:
        """History naming an unknown inspector is a typed error naming it."""
        with pytest.raises(MatchInputError, match="GHOST"):
            MatchingProblem.build(
                [the_task()],
                [officer("A")],
                history=[HistoryRecord(object_id="O1", inspector_id="GHOST", date=YEAR[0])],
            )

    def test_unknown_object_with_directory(self) -> None:
        """With known objects given, conflicts naming other objects are rejected."""
        with pytest.raises(MatchInputError, match="unknown object"):
            MatchingProblem.build([the_task()], [officer("A")], conflicts=[("A", "O9")], known_objects=["O1"])

    def test_duplicate_task_ids(self) -> None:
        """Duplicate task ids are rejected."""
        with pytest.raises(MatchInputError, match="twice"):
            MatchingProblem.build([the_task(), the_task()], [officer("A")])

    def test_caps_unknown_inspector(self) -> None:
        """A cap for an unknown inspector is rejected."""
        with pytest.raises(MatchInputError, match="unknown inspector"):
            MatchingProblem.build([the_task()], [officer("A")], caps={"Z": 1})

    @pytest.mark.parametrize(
        "caps", ["3", 2.5, True, -1, {"A": 2.7}, {"A": "x"}, {"A": -2}, {"A": None}, [1, 2]]
    )
    def test_caps_malformed(self, caps: Any) -> None:
        """Caps that are not non-negative integers raise MatchInputError saying what a cap must be."""
        with pytest.raises(MatchInputError, match="non-negative integer"):
            MatchingProblem.build([the_task()], [officer("A")], caps=caps)

    def test_caps_numpy_integers(self) -> None:
        """Numpy integers are accepted as caps, alone or per inspector, like Python ints."""
        plain = MatchingProblem.build([the_task()], [officer("A")], caps={"A": 2})
        for caps in (np.int64(2), {"A": np.int32(2)}):
            problem = MatchingProblem.build([the_task()], [officer("A")], caps=caps)
            assert problem.caps.tolist() == [2]
        assert (
            MatchingProblem.build([the_task()], [officer("A")], caps={"A": np.int32(2)}).digests
            == plain.digests
        )

    def test_networkx_and_components(self) -> None:
        """The networkx export is bipartite with one edge per eligible pair; components split buckets."""
        people = [officer("A"), officer("B"), officer("C", department="HEALTH")]
        tasks = [the_task(), the_task(id="T2", object_id="O2", departments=["HEALTH"])]
        problem = MatchingProblem.build(tasks, people)
        graph = problem.to_networkx()
        assert graph.number_of_edges() == problem.n_edges == 3
        labels = problem.components()
        assert labels[0] != labels[1]

    def test_arrays_read_only(self) -> None:
        """The problem's arrays cannot be changed in place."""
        problem = MatchingProblem.build([the_task()], [officer("A"), officer("B")])
        with pytest.raises(ValueError, match="read-only"):
            problem.caps[0] = 5

    def test_without_tasks(self) -> None:
        """Removing a task removes its seats and edges and renumbers the rest."""
        people = [officer("A"), officer("B")]
        tasks = [the_task(), the_task(id="T2", object_id="O2")]
        problem = MatchingProblem.build(tasks, people)
        sub = problem.without_tasks(["T1"])
        assert [t.id for t in sub.tasks] == ["T2"]
        assert np.array_equal(sub.edge_group, [0, 0])
