"""Tests that the demo city's annual cycle is fully staffed, and of its further departments."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.datasets import (
    DEFAULT_DEPARTMENTS,
    MAX_DEPARTMENTS,
    MIN_INSPECTORS_PER_UNIT,
    DemoCity,
    demo_city,
    demo_departments,
    demo_items,
    demo_units,
)
from randinspect.directory import InspectorRole
from randinspect.draw import PublicSeedSource
from randinspect.errors import ConfigurationError
from randinspect.planning import CycleResult, run_cycle

YEAR = 2027
QUARTERS = tuple(
    (dt.date(YEAR, m, 1), dt.date(YEAR + (m == 10), (m + 3) % 12 or 12, 1) - dt.timedelta(days=1))
    for m in (1, 4, 7, 10)
)


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return demo_city()


@pytest.fixture(scope="module")
def cycle(city: DemoCity) -> CycleResult:
    return run_cycle(
        city.objects, demo_items(city.year), source=PublicSeedSource("demo"), inspectors=city.inspectors
    )


def _available(person: object, window: tuple[dt.date, dt.date]) -> bool:
    windows = getattr(person, "availability", ())
    return not windows or any(a <= window[0] and window[1] <= b for a, b in windows)


class TestDemoCycleStaffed:
    def test_every_task_is_staffed(self, cycle: CycleResult) -> None:
        """The default demo (demo_city, demo_items, run_cycle, default matcher) staffs every task."""
        assert cycle.matching is not None
        assert len(cycle.tasks) > 500
        assert cycle.matching.infeasible == ()
        assert cycle.summary()["matching"]["infeasible"] == 0

    def test_every_task_has_two_officers_and_its_experts(self, cycle: CycleResult, city: DemoCity) -> None:
        """Each task's group holds two officers or more and one expert per specialty the task needs."""
        assert cycle.matching is not None
        people = {p.id: p for p in city.inspectors.inspectors}
        by_task = {
            group.task_id: [i for seat in group.seats for i in seat.inspector_ids]
            for group in cycle.matching.groups
        }
        assert cycle.matching.complete
        tasks = {task.id: task for task in cycle.tasks}
        assert set(by_task) == set(tasks)
        for task_id, ids in by_task.items():
            roles = [people[i].role for i in ids]
            assert roles.count(InspectorRole.OFFICER) >= 2, task_id
            specialties = {
                s for i in ids if people[i].role is InspectorRole.EXPERT for s in people[i].specialties
            }
            assert set(tasks[task_id].specialties) <= specialties, task_id

    @pytest.mark.parametrize("seed", [1, 7])
    def test_other_seeds_staffed(self, seed: int) -> None:
        """Other seeds of a smaller city are fully staffed too: the guarantee is structural, not luck."""
        other = demo_city(5_000, seed=seed)
        result = run_cycle(
            other.objects,
            demo_items(other.year),
            source=PublicSeedSource(f"s{seed}"),
            inspectors=other.inspectors,
        )
        assert result.matching is not None
        assert result.matching.infeasible == ()

    def test_few_officers_absent_in_a_quarter(self, city: DemoCity) -> None:
        """Registered absences make under 10 % of officers unavailable for any one quarter."""
        officers = city.inspectors.by_role(InspectorRole.OFFICER)
        for quarter in QUARTERS:
            absent = sum(1 for p in officers if not _available(p, quarter))
            assert absent < 0.1 * len(officers), quarter

    def test_each_unit_has_two_officers_every_quarter(self, city: DemoCity) -> None:
        """In every district unit two certified officers or more are available in every quarter."""
        units = {u.code for u in city.units if u.region != "520100"}
        for quarter in QUARTERS:
            fit: dict[str, int] = dict.fromkeys(units, 0)
            for person in city.inspectors.by_role(InspectorRole.OFFICER):
                cert = person.certificate
                certified = cert is not None and cert.valid_from <= quarter[0] and quarter[1] <= cert.valid_to
                if certified and _available(person, quarter):
                    fit[person.unit] += 1
            assert min(fit.values()) >= 2, quarter


class TestDepartments:
    def test_default_is_fourteen(self, city: DemoCity) -> None:
        """The default city has the 14 departments of demo_items."""
        assert len(city.departments) == DEFAULT_DEPARTMENTS == 14
        assert {item.department for item in demo_items()} <= {d.code for d in city.departments}

    def test_forty_departments(self) -> None:
        """A city with 40 departments has 40 departments, each with units and certified officers."""
        big = demo_city(2_000, seed=3, n_departments=40)
        codes = [d.code for d in big.departments]
        assert len(codes) == len(set(codes)) == 40
        assert codes[:DEFAULT_DEPARTMENTS] == [d.code for d in demo_departments()]
        assert {"PSB", "HRSS", "MEDINS", "URBAN", "WATER"} <= set(codes)
        staffed = {p.department for p in big.inspectors.by_role(InspectorRole.OFFICER)}
        assert staffed == set(codes)
        assert {u.department for u in big.units} == set(codes)

    def test_objects_do_not_depend_on_departments(self, city: DemoCity) -> None:
        """n_departments changes departments, units and inspectors, never the objects."""
        assert demo_city(3_000, n_departments=30).objects.digest == demo_city(3_000).objects.digest

    def test_staff_divided_not_added(self) -> None:
        """A big city has 82 officers and staff per 10,000 objects whatever the number of departments."""
        total = 400_000 * 82 // 10_000
        for n_departments in (14, 40):
            big = demo_city(400_000, seed=5, n_departments=n_departments)
            staff = [p for p in big.inspectors.inspectors if p.role is not InspectorRole.EXPERT]
            district_units = [u for u in big.units if u.region != "520100"]
            # small departments are lifted to their certified minimum per unit, nothing else is added
            assert total <= len(staff) <= total + MIN_INSPECTORS_PER_UNIT * len(district_units), n_departments
            if n_departments == 14:
                assert len(staff) == total

    @pytest.mark.parametrize("bad", [0, MAX_DEPARTMENTS + 1, 2.0, True, "40"])
    def test_bad_n_departments(self, bad: object) -> None:
        """An n_departments outside 1..MAX_DEPARTMENTS (or not an integer) raises ConfigurationError."""
        with pytest.raises(ConfigurationError, match="n_departments"):
            demo_city(10, n_departments=bad)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="n_departments"):
            demo_units(bad)  # type: ignore[arg-type]

    @settings(deadline=None, max_examples=8)
    @given(n_departments=st.integers(1, MAX_DEPARTMENTS), seed=st.integers(0, 2**32 - 1))
    def test_any_department_count(self, n_departments: int, seed: int) -> None:
        """Any department count gives units of exactly those departments, each with its certified minimum."""
        small = demo_city(200, seed=seed, n_departments=n_departments)
        codes = {d.code for d in small.departments}
        assert len(codes) == n_departments
        per_unit: dict[str, int] = {}
        for person in small.inspectors.by_role(InspectorRole.OFFICER):
            assert person.department in codes
            per_unit[person.unit] = per_unit.get(person.unit, 0) + 1
        district_units = [u for u in small.units if u.region != "520100"]
        assert {u.department for u in small.units} == codes
        assert all(per_unit.get(u.code, 0) >= MIN_INSPECTORS_PER_UNIT for u in district_units)
