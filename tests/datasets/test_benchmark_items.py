"""Tests of randinspect.datasets.benchmark_items, the item list of the cycle benchmark."""

from __future__ import annotations

import functools
from collections import Counter

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.datasets import BENCHMARK_LAWS, MAX_DEPARTMENTS, DemoCity, benchmark_items, demo_city
from randinspect.datasets._bench import _candidates
from randinspect.draw import PublicSeedSource
from randinspect.errors import ConfigurationError
from randinspect.items import CheckItem, ItemCategory
from randinspect.model import Department
from randinspect.planning import run_cycle


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return demo_city(20_000, seed=2026, n_departments=40)


@functools.cache
def _small_city(n_departments: int) -> DemoCity:
    return demo_city(3_000, seed=11, n_departments=n_departments)


def _available(city: DemoCity, code: str) -> int:
    """Number of items with a non-empty frame the department's remit gives in ``city``."""
    return sum(1 for _ in _candidates(code, city.objects, city.objects.regions))


def _assert_balanced(city: DemoCity, items: tuple[CheckItem, ...]) -> None:
    """Departments differ by one item at most, except those whose remit ran out (all of it used)."""
    counts = Counter(item.department for item in items)
    top = max(counts.values())
    for dept in city.departments:
        got = counts.get(dept.code, 0)
        assert got >= top - 1 or got == _available(city, dept.code), dept.code


class TestBenchmarkItems:
    def test_three_hundred_over_forty(self, city: DemoCity) -> None:
        """300 items over 40 departments: 7 or 8 each, fewer only where a remit runs out; ids unique."""
        items = benchmark_items(city, n_items=300)
        assert len(items.items) == 300
        assert items.department is None
        assert items.year == city.year
        assert len({item.id for item in items.items}) == 300
        _assert_balanced(city, items.items)

    def test_legal_basis_is_the_governing_law(self, city: DemoCity) -> None:
        """Each item cites titles of its department's governing laws, and never an article number."""
        for item in benchmark_items(city).items:
            assert item.legal_basis
            for basis in item.legal_basis:
                assert basis.title in BENCHMARK_LAWS[item.department]
                assert basis.title.startswith("《")
                assert basis.title.endswith("》")
                assert basis.article == ""

    def test_every_frame_non_empty(self, city: DemoCity) -> None:
        """Every item's scope selects alive objects of the city, so every item can be drawn."""
        for item in benchmark_items(city).items:
            assert city.objects.mask(item.scope).any(), item.id

    def test_key_items(self, city: DemoCity) -> None:
        """Key items have key scopes and 5 %; general items have none and 3 %; every tenth runs twice."""
        items = benchmark_items(city).items
        for i, item in enumerate(items):
            if item.category is ItemCategory.KEY:
                assert item.key_scope is not None
                assert str(item.ratio) == "1/20"
            else:
                assert item.key_scope is None
                assert str(item.ratio) == "3/100"
            assert item.frequency == (2 if i % 10 == 9 else 1)
        assert any(item.category is ItemCategory.KEY for item in items)
        assert {"食品检验", "特种设备", "危险化学品", "环境监测"} <= {i.expert_specialty for i in items}

    def test_deterministic(self, city: DemoCity) -> None:
        """The same city gives the same items."""
        assert benchmark_items(city, 50).items == benchmark_items(city, 50).items

    def test_cycle_fully_staffed(self, city: DemoCity) -> None:
        """The 40-department city with 120 benchmark items runs the whole cycle with every task staffed."""
        items = benchmark_items(city, n_items=120)
        result = run_cycle(city.objects, items, source=PublicSeedSource("bench"), inspectors=city.inspectors)
        assert result.matching is not None
        assert len(result.tasks) > 1_000
        assert result.matching.infeasible == ()

    @settings(deadline=None, max_examples=25)
    @given(n_items=st.integers(1, 500), n_departments=st.integers(1, MAX_DEPARTMENTS))
    def test_any_length(self, n_items: int, n_departments: int) -> None:
        """Any length: exactly n_items balanced items while candidates last, else ConfigurationError."""
        small = _small_city(n_departments)
        available = sum(_available(small, d.code) for d in small.departments)
        if n_items > available:
            with pytest.raises(ConfigurationError, match="fewer items"):
                benchmark_items(small, n_items=n_items)
            return
        items = benchmark_items(small, n_items=n_items).items
        assert len(items) == n_items
        assert len({item.id for item in items}) == n_items
        _assert_balanced(small, items)

    @pytest.mark.parametrize("bad", [0, -3, 2.5, True])
    def test_bad_n_items(self, city: DemoCity, bad: object) -> None:
        """n_items must be a positive integer."""
        with pytest.raises(ConfigurationError, match="n_items"):
            benchmark_items(city, n_items=bad)  # type: ignore[arg-type]

    def test_unknown_department(self, city: DemoCity) -> None:
        """A city with a department the benchmark has no remit for is refused, naming it."""
        odd = attrs.evolve(city, departments=(Department(code="NOPE", name="无"),))
        with pytest.raises(ConfigurationError, match="NOPE"):
            benchmark_items(odd, n_items=3)

    def test_too_small_city(self) -> None:
        """A tiny city cannot give hundreds of items with non-empty frames: the error says so."""
        with pytest.raises(ConfigurationError, match="fewer items"):
            benchmark_items(demo_city(30, seed=1, n_departments=3), n_items=400)
