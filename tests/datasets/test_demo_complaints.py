"""Tests of the demo city's 12315/12345 complaint stream."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from randinspect.datasets import (
    DemoCity,
    complaint_count_table,
    complaint_records,
    demo_city,
    generate_complaint_columns,
    generate_object_columns,
)
from randinspect.model import ComplaintChannel

YEAR = 2027
MARKET = ("enterprise", "individual_business")


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return demo_city(30_000, seed=7, year=YEAR)


class TestCountTable:
    def test_rows_are_distributions(self) -> None:
        """Each profile's weights are non-negative, sum to 10,000, and the tail grows low to high."""
        counts, rows = complaint_count_table()
        assert counts[0] == 0
        assert (rows >= 0).all()
        assert rows.sum(axis=1).tolist() == [10_000, 10_000, 10_000]
        tail = rows[:, counts >= 3].sum(axis=1)
        assert tail[0] < tail[1] < tail[2]


class TestComplaintStream:
    def test_dates_cover_the_year_before(self, city: DemoCity) -> None:
        """Every complaint was received in the calendar year before the plan year, in date then id order."""
        keys = [(c.received, c.object_id) for c in city.complaints]
        assert keys == sorted(keys)
        assert keys[0][0] >= dt.date(YEAR - 1, 1, 1)
        assert keys[-1][0] <= dt.date(YEAR - 1, 12, 31)
        months = {c.received.month for c in city.complaints}
        assert months == set(range(1, 13))

    def test_objects_exist(self, city: DemoCity) -> None:
        """Every complaint is about an object of the directory."""
        ids = sorted({c.object_id for c in city.complaints})
        assert len(city.objects.index_of(ids)) == len(ids)

    def test_channels(self, city: DemoCity) -> None:
        """Market subjects get both hotlines; every other object only 12345."""
        index = city.objects.index_of([c.object_id for c in city.complaints])
        market = np.isin(city.objects.kinds[index], MARKET)
        channel = np.array([c.channel.value for c in city.complaints])
        assert set(channel[~market].tolist()) <= {ComplaintChannel.HOTLINE_12345.value}
        assert set(channel[market].tolist()) == {"12315", "12345"}

    def test_open_only_at_year_end(self, city: DemoCity) -> None:
        """Only complaints of the last 30 days may still be open (substantiated None)."""
        cutoff = dt.date(YEAR - 1, 12, 31) - dt.timedelta(days=29)
        open_ = [c for c in city.complaints if c.substantiated is None]
        assert open_
        assert all(c.received >= cutoff for c in open_)

    def test_categories(self, city: DemoCity) -> None:
        """Catering objects' complaints are about food, prices or consumer disputes."""
        index = city.objects.index_of([c.object_id for c in city.complaints])
        division = city.objects.industries[index].astype("U2")
        catering = {c.category for c, d in zip(city.complaints, division.tolist(), strict=True) if d == "62"}
        assert catering <= {"食品安全", "餐饮卫生", "价格收费", "消费纠纷"}
        assert "食品安全" in catering

    @pytest.mark.statistical
    def test_heavy_tail_problem_tier(self) -> None:
        """Most objects have no complaint; the share with three or more matches the profiles' expectation.

        The expected share is the mean over objects of P(count >= 3 | profile); the band is 4.5 standard
        deviations of the sum of independent Bernoulli variables (false failure about 6.8e-6).
        """
        n = 40_000
        columns = generate_object_columns(n, seed=5)
        complaints = generate_complaint_columns(columns, np.random.SeedSequence(99), YEAR)
        ids, per_object = np.unique(complaints["object_id"], return_counts=True)
        counts = dict(zip(ids.tolist(), per_object.tolist(), strict=True))
        observed = sum(1 for k in counts.values() if k >= 3)

        values, rows = complaint_count_table()
        p_tail = rows[:, values >= 3].sum(axis=1) / 10_000
        division = columns["industry"].astype("U2")
        market = np.isin(columns["kind"], MARKET)
        high = market & ((columns["risk"] == "high") | np.isin(division, ["62", "80", "83", "89"]))
        profile = np.where(high, 2, np.where(market, 1, 0))
        p = p_tail[profile]
        expected, sd = float(p.sum()), math.sqrt(float((p * (1 - p)).sum()))
        assert abs(observed - expected) < 4.5 * sd
        assert len(counts) < 0.2 * n
        assert 0.01 * n < observed < 0.06 * n
        assert max(counts.values()) >= 10

    def test_records_match_columns(self) -> None:
        """complaint_records turns the columns into ComplaintRecord values one for one."""
        columns = generate_object_columns(2_000, seed=3)
        complaints = generate_complaint_columns(columns, np.random.SeedSequence(1), YEAR)
        records = complaint_records(complaints)
        assert len(records) == len(complaints["object_id"])
        for record, oid, flag in zip(
            records, complaints["object_id"].tolist(), complaints["substantiated"].tolist(), strict=True
        ):
            assert record.object_id == oid
            assert record.substantiated == {1: True, 0: False, -1: None}[flag]

    def test_problem_rule_picks_small_tier(self, city: DemoCity) -> None:
        """A '3 or more in 12 months' rule picks a few percent of the objects."""
        per_object = city.complaint_counts(since=dt.date(YEAR - 1, 1, 1))
        tier = [oid for oid, k in per_object.items() if k >= 3]
        assert 0.005 * len(city.objects) < len(tier) < 0.08 * len(city.objects)
