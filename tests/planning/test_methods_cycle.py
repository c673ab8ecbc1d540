"""Methods in the cycle (§四(八)): desk tasks, credit-commitment stand-ins, conversions to on-site tasks."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.calendar import ProvisionalCalendar
from randinspect.datasets import DemoCity, demo_city
from randinspect.draw import PublicSeedSource
from randinspect.errors import MatchInputError, PlanError
from randinspect.items import CheckItem, InspectionMethod
from randinspect.matching import match_inspectors, verify_match
from randinspect.planning import ItemList, convert_to_on_site, run_cycle
from randinspect.results import CommitmentStandIn, Finding, InspectionRecord, ResultBook, enter_results

DEPARTMENTS = ("SAMR", "HEALTH", "FIRE")
METHODS = tuple(InspectionMethod)


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return demo_city(n_objects=1_500, seed=7, year=2027)


def _items(methods: dict[str, InspectionMethod]) -> ItemList:
    """Two items per department: one on-site, one with the given method."""
    items = []
    for d in DEPARTMENTS:
        for n, method in ((1, InspectionMethod.ON_SITE), (2, methods[d])):
            items.append(
                CheckItem(
                    id=f"{d}-2027-{n}",
                    name="年度抽查",
                    department=d,
                    year=2027,
                    scope={},
                    ratio="0.05",
                    method=method,
                    legal_basis=["《优化营商环境条例》|第五十四条"],
                )
            )
    return ItemList(year=2027, items=items)


def _commitments(city: DemoCity, item: CheckItem, every: int) -> tuple[CommitmentStandIn, ...]:
    ids = sorted(np.asarray(city.objects.ids)[np.asarray(city.objects.alive, dtype=bool)].tolist())
    return tuple(
        CommitmentStandIn(
            object_id=o,
            item_id=item.id,
            department=item.department,
            signed_on=dt.date(2026, 12, 1),
            text_digest=hashlib.sha256(o.encode()).hexdigest(),
        )
        for o in ids[::every]
    )


def _drawn_pairs(result: Any) -> set[tuple[str, str]]:
    return {
        (o, i)
        for p in result.joint.plans
        for o, i in zip(p.object_ids.tolist(), p.item_ids.tolist(), strict=True)
    }


def _task_pairs(tasks: Any) -> set[tuple[str, str]]:
    return {(t.object_id, i) for t in tasks for i in t.items}


class TestDeskTasks:
    @settings(max_examples=6, deadline=None)
    @given(
        methods=st.fixed_dictionaries({d: st.sampled_from(METHODS) for d in DEPARTMENTS}),
        seed=st.integers(0, 10**6),
        every=st.integers(2, 9),
    )
    def test_online_items_never_get_on_site_groups(
        self, city: DemoCity, methods: dict[str, InspectionMethod], seed: int, every: int
    ) -> None:
        """Only on-site items reach grouped tasks; every drawn (object, item) is in exactly one kind of task;
        a committed object is never visited for its item and has a stand-in instead."""
        items = _items(methods)
        commitments = _commitments(city, items.items[0], every)
        result = run_cycle(
            city.objects,
            items,
            source=PublicSeedSource(f"methods {seed}"),
            inspectors=city.inspectors,
            credit_commitments=commitments,
        )
        method_of = {i.id: i.method for i in items}
        committed = {(c.object_id, c.item_id) for c in commitments}
        on_site_pairs = _task_pairs(result.tasks)
        desk_pairs = _task_pairs(result.desk_tasks)
        assert all(t.method is InspectionMethod.ON_SITE for t in result.tasks)
        assert all(method_of[i] is InspectionMethod.ON_SITE for t in result.tasks for i in t.items)
        assert all(t.method is not InspectionMethod.ON_SITE for t in result.desk_tasks)
        for t in result.desk_tasks:
            if not t.id.startswith("commitment|"):
                assert {method_of[i] for i in t.items} == {t.method}
        assert result.matching is not None
        grouped = {g.task_id for g in result.matching.groups}
        assert grouped <= {t.id for t in result.tasks}
        assert not grouped & {t.id for t in result.desk_tasks}
        assert not on_site_pairs & desk_pairs
        assert on_site_pairs | desk_pairs == _drawn_pairs(result)
        assert not on_site_pairs & committed
        assert _drawn_pairs(result) & committed == {
            (t.object_id, t.items[0]) for t in result.desk_tasks if t.id.startswith("commitment|")
        }

    def test_summary_keeps_desk_tasks_apart(self, city: DemoCity) -> None:
        """The summary counts desk tasks by method and on-site visits apart from the plan's visits."""
        methods = dict.fromkeys(DEPARTMENTS, InspectionMethod.ONLINE) | {"FIRE": InspectionMethod.DOCUMENTS}
        result = run_cycle(city.objects, _items(methods), source=PublicSeedSource("summary"))
        s = result.summary()
        assert s["desk_tasks"] == len(result.desk_tasks) > 0
        assert set(s["desk_tasks_by_method"]) == {"online", "documents"}
        assert sum(s["desk_tasks_by_method"].values()) == s["desk_tasks"]
        assert s["on_site_visits"]["with_joint"] == s["tasks"]
        assert s["on_site_visits"]["saved"] == (
            s["on_site_visits"]["without_joint"] - s["on_site_visits"]["with_joint"]
        )

    def test_matching_refuses_desk_tasks(self, city: DemoCity) -> None:
        """A desk task given to the matching is refused by name: it gets no on-site group."""
        methods = dict.fromkeys(DEPARTMENTS, InspectionMethod.ONLINE)
        result = run_cycle(city.objects, _items(methods), source=PublicSeedSource("refuse"))
        with pytest.raises(MatchInputError, match="desk task"):
            match_inspectors(result.desk_tasks[:1], city.inspectors, source=PublicSeedSource("x"))

    def test_bad_commitment_refused(self, city: DemoCity) -> None:
        """A commitment for an unknown item, another department or twice is a PlanError naming it."""
        items = _items(dict.fromkeys(DEPARTMENTS, InspectionMethod.ON_SITE))
        good = _commitments(city, items.items[0], 50)[0]
        for bad, words in (
            (CommitmentStandIn(**{**_fields(good), "item_id": "NOPE"}), "not in the item list"),
            (CommitmentStandIn(**{**_fields(good), "department": "FIRE"}), "department"),
            (CommitmentStandIn(**{**_fields(good), "object_id": "NOPE"}), "not in the object directory"),
        ):
            with pytest.raises(PlanError, match=words):
                run_cycle(city.objects, items, source=PublicSeedSource("bad"), credit_commitments=[bad])
        with pytest.raises(PlanError, match="repeats"):
            run_cycle(city.objects, items, source=PublicSeedSource("bad"), credit_commitments=[good, good])


def _fields(c: CommitmentStandIn) -> dict[str, Any]:
    return {
        "object_id": c.object_id,
        "item_id": c.item_id,
        "department": c.department,
        "signed_on": c.signed_on,
        "text_digest": c.text_digest,
    }


def _desk_records(result: Any, calendar: Any, share: int) -> list[InspectionRecord]:
    """A record per desk task; every ``share``-th needs an on-site inspection."""
    out = []
    for n, t in enumerate(sorted(result.desk_tasks, key=lambda t: t.id)):
        day = calendar.add_working_days(t.start, 1)
        for item in t.items:
            out.append(
                InspectionRecord(
                    task_id=t.id,
                    item_id=item,
                    object_id=t.object_id,
                    department=t.departments[0],
                    method=t.method,
                    start=day,
                    end=day,
                    entered_on=calendar.add_working_days(day, 2),
                    findings=[
                        Finding(
                            content="资料核查",
                            category="03" if n % share == 0 else "01",
                            needs_on_site=n % share == 0,
                        )
                    ],
                )
            )
    return out


class TestConversion:
    @settings(max_examples=4, deadline=None)
    @given(seed=st.integers(0, 10**6), conflict_share=st.integers(2, 5))
    def test_conversions_matched_under_the_cycle_rules(
        self, city: DemoCity, seed: int, conflict_share: int
    ) -> None:
        """Converted on-site tasks follow their desk record, get groups that respect the cycle's declared
        conflicts and caps, and their matching re-runs from its record."""
        methods = dict.fromkeys(DEPARTMENTS, InspectionMethod.DOCUMENTS)
        items = _items(methods)
        calendar = ProvisionalCalendar()
        source = PublicSeedSource(f"convert {seed}")
        probe = run_cycle(city.objects, items, source=source)
        desk_objects = sorted({t.object_id for t in probe.desk_tasks})
        people = sorted(str(p.id) for p in city.inspectors)
        conflicts = [(p, o) for k, o in enumerate(desk_objects) for p in people[k % conflict_share :: 7]]
        result = run_cycle(
            city.objects, items, source=source, inspectors=city.inspectors, conflicts=conflicts, caps=40
        )
        records = _desk_records(result, calendar, share=5)
        book = enter_results(
            ResultBook(year=2027), records, tasks=result.desk_tasks, assignments=result.assignments()
        )
        conv = convert_to_on_site(result, book, city.inspectors, source=source, calendar=calendar)
        needing = {r.record.record_id for r in book if r.record.needs_on_site}
        assert set(conv.follows.values()) == needing
        assert all(t.method is InspectionMethod.ON_SITE for t in conv.tasks)
        assert conv.matching is not None
        banned = set(conflicts)
        tasks = {t.id: t for t in conv.tasks}
        for g in conv.matching.groups:
            assert not {(i, tasks[g.task_id].object_id) for i in g.inspector_ids} & banned
        load: dict[str, int] = {}
        for g in (*(result.matching.groups if result.matching else ()), *conv.matching.groups):
            for i in g.inspector_ids:
                load[i] = load.get(i, 0) + 1
        assert max(load.values(), default=0) <= 40
        verify_match(
            conv.matching.record(),
            conv.tasks,
            city.inspectors,
            source=source,
            conflicts=conflicts,
            caps=conv.caps,
        )

    def test_nothing_to_convert(self, city: DemoCity) -> None:
        """A book without findings that need a visit converts nothing and matches nothing."""
        result = run_cycle(
            city.objects,
            _items(dict.fromkeys(DEPARTMENTS, InspectionMethod.ONLINE)),
            source=PublicSeedSource("none"),
        )
        conv = convert_to_on_site(
            result, ResultBook(year=2027), city.inspectors, source=PublicSeedSource("n")
        )
        assert conv.tasks == ()
        assert conv.matching is None
        assert conv.assignments() == {}

    def test_other_year_refused(self, city: DemoCity) -> None:
        """A book of another year is refused."""
        result = run_cycle(
            city.objects,
            _items(dict.fromkeys(DEPARTMENTS, InspectionMethod.ONLINE)),
            source=PublicSeedSource("none"),
        )
        with pytest.raises(PlanError, match="2026"):
            convert_to_on_site(result, ResultBook(year=2026), city.inspectors, source=PublicSeedSource("n"))
