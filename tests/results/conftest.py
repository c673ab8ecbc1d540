"""A small demo world for the results tests: a city, its cycle, and synthetic records (built once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from randinspect.calendar import ProvisionalCalendar
from randinspect.datasets import demo_city, demo_items, synthetic_results
from randinspect.draw import PublicSeedSource
from randinspect.planning import run_cycle


@attrs.frozen(repr=False)
class World:
    """Everything a results test needs, built once per session."""

    city: Any
    items: tuple[Any, ...]
    cycle: Any
    calendar: Any
    records: tuple[Any, ...]
    publish_on: dict[str, dt.date | None]

    @property
    def tasks(self) -> tuple[Any, ...]:
        return tuple(self.cycle.tasks)

    @property
    def matching(self) -> Any:
        return self.cycle.matching


@pytest.fixture(scope="session")
def world() -> World:
    city = demo_city(n_objects=2000, seed=7)
    items = tuple(demo_items(city.year))
    cycle = run_cycle(
        city.objects,
        items,
        source=PublicSeedSource("results-tests"),
        inspectors=city.inspectors,
        skip_empty=True,
    )
    items = tuple(i for i in items if i.id not in cycle.skipped)
    calendar = ProvisionalCalendar()
    records, publish_on = synthetic_results(
        cycle.tasks, cycle.matching, city.objects, city.inspectors, items, calendar=calendar, seed=11
    )
    return World(city, items, cycle, calendar, records, publish_on)
