"""Draw algorithm version 2: the ratio is the year's volume, ceilings are yearly (issue 8, parts 1 and 2)."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.draw import (
    DENOMINATOR,
    DrawFrame,
    InclusionTable,
    SamrMatrix,
    TieredPolicy,
    apportion,
    systematic_select,
)
from randinspect.draw._policy import RATIO_MODES
from randinspect.errors import CapExceededError, ConfigurationError
from randinspect.items import CheckItem
from randinspect.testing._draw import check_items, credit_risk_matrices, draw_frames


def frame_of(n: int, **columns: object) -> DrawFrame:
    """A frame of n objects with ids O000..."""
    return DrawFrame.from_arrays(ids=[f"O{i:03d}" for i in range(n)], **columns)  # type: ignore[arg-type]


def year_tables(policy: TieredPolicy, frame: DrawFrame, item: CheckItem) -> list[InclusionTable]:
    """The π tables of every round of the item's year."""
    return [policy.inclusion(frame, item, round=r) for r in range(1, item.frequency + 1)]


def rest_sum(table: InclusionTable) -> Fraction:
    """Σπ of the risk and general objects."""
    by_tier = table.expected_by_tier()
    return by_tier["risk"] + by_tier["general"]


def most_drawn(table: InclusionTable) -> int:
    """The most objects any start draws: ceil(Σπ) (the start 0)."""
    return int(systematic_select(table.numerators, 0, DENOMINATOR).sum())


class TestReadmeExample:
    def test_five_percent_draws_five_percent(self, make_item: Callable[..., CheckItem]) -> None:
        """A 5 % general item over a mostly A-grade frame draws 5 % of it, not 2.6 % as version 1 did."""
        credit = ["A"] * 700 + ["B"] * 200 + ["C"] * 80 + ["D"] * 20
        frame = frame_of(1000, credit=credit, risk=["medium"] * 1000)
        item = make_item(ratio=Fraction(1, 20))
        table = TieredPolicy().inclusion(frame, item)
        assert table.expected_count == 50
        by_cell = table.expected_by_cell()
        # π ∝ multiplier: A 1/2, B 1, C 2, D 4 per object (to the rounding of π to 1/D).
        per_object = {c: by_cell[f"{c}/medium"] / table.count_by_cell()[f"{c}/medium"] for c in "ABCD"}
        tolerance = Fraction(8, DENOMINATOR)
        assert abs(per_object["B"] - 2 * per_object["A"]) < tolerance
        assert abs(per_object["D"] - 4 * per_object["B"]) < tolerance
        old = TieredPolicy(algorithm_version=1).inclusion(frame, item)
        assert old.expected_count < 40

    def test_twice_yearly_item_spreads_the_volume(self, make_item: Callable[..., CheckItem]) -> None:
        """Frequency 2, A-grade in one round: the year's visits are ratio × N and within the ceiling."""
        frame = frame_of(400, credit=["A"] * 200 + ["B"] * 200, risk=["medium"] * 400)
        item = make_item(ratio=Fraction(1, 10), cap=None, frequency=2)
        tables = year_tables(TieredPolicy(), frame, item)
        assert sum(t.expected_count for t in tables) == 40
        assert tables[0].expected_by_cell()["A/medium"] == 0
        assert tables[1].expected_by_cell()["A/medium"] > 0


class TestYearlyVolume:
    @settings(deadline=None, max_examples=60)
    @given(
        draw_frames(max_size=80),
        check_items(),
        credit_risk_matrices(),
        st.sampled_from(RATIO_MODES),
        st.sampled_from(["year", "round"]),
    )
    def test_volume_and_ceiling(
        self, frame: DrawFrame, item: CheckItem, matrix: SamrMatrix, mode: str, period: str
    ) -> None:
        """Σπ per year is the stated volume unless the ceiling or the objects taking part bind it, and the
        number drawn in the year never exceeds the yearly ceiling (nor any round's the per-round one)."""
        item = attrs.evolve(item, cap_period=period)
        policy = TieredPolicy(matrix=matrix, ratio_mode=mode)  # type: ignore[arg-type]
        tables = year_tables(policy, frame, item)
        report = tables[0].cap_report
        budgets = report.round_budgets
        assert budgets is not None
        assert len(budgets) == item.frequency
        assert all(t.cap_report.round_budgets == budgets for t in tables)
        for t, b in zip(tables, budgets, strict=True):
            # Each round's risk and general Σπ is its budget, rounded down to 1/D.
            assert rest_sum(t) == Fraction(math.floor(b * DENOMINATOR), DENOMINATOR)
        n = len(frame)
        year = sum(budgets, Fraction(0))
        assert report.volume is not None
        if mode == "volume":
            assert report.volume == item.ratio * n
            assert year <= report.volume
        if item.cap is None:
            unclipped = all(
                b == (t.cap_report.requested - t.cap_report.mandatory)
                for t, b in zip(tables, budgets, strict=True)
            )
            assert unclipped
        else:
            limit = math.floor(item.cap * n)
            mandatory = report.mandatory
            if period == "year":
                if not report.exceeded:
                    assert sum(most_drawn(t) for t in tables) <= limit
                    assert sum(t.expected_count for t in tables) <= limit
                else:
                    assert mandatory * item.frequency > item.cap * n
            elif not report.exceeded:
                assert all(most_drawn(t) <= limit for t in tables)

    @settings(deadline=None, max_examples=60)
    @given(draw_frames(max_size=80), check_items(capped=False))
    def test_volume_met_when_nothing_binds(self, frame: DrawFrame, item: CheckItem) -> None:
        """Without a ceiling, and with every cell in every round, Σπ per year is ratio × N exactly (to 1/D)
        whenever the risk and general objects can carry it."""
        matrix = SamrMatrix(credit_round_shares=dict.fromkeys("ABCD", 1))
        tables = year_tables(TieredPolicy(matrix=matrix), frame, item)
        rest = int((tables[0].tier_codes > 1).sum())
        volume = item.ratio * len(frame)
        if volume <= item.frequency * rest:
            total = sum(rest_sum(t) for t in tables)
            assert volume - total < Fraction(item.frequency, DENOMINATOR)
            assert total <= volume

    @settings(deadline=None, max_examples=40)
    @given(draw_frames(min_size=5, max_size=80), check_items(capped=False, max_frequency=1))
    def test_pi_proportional_to_multiplier(self, frame: DrawFrame, item: CheckItem) -> None:
        """Within a round, objects below π = 1 have π ∝ their cell's multiplier (to the 1/D rounding)."""
        matrix = SamrMatrix()
        table = TieredPolicy(matrix=matrix).inclusion(frame, item)
        if table.cap_report.requested == table.cap_report.mandatory:
            return  # nothing asked of the risk and general objects: all π are 0
        scale = table.cap_report.scale
        rest = np.flatnonzero((table.tier_codes > 1) & (table.numerators < DENOMINATOR))
        for i in rest.tolist():
            m = matrix.multiplier(str(frame.credit[i]), str(frame.risk[i]))
            assert abs(Fraction(int(table.numerators[i]), DENOMINATOR) - scale * m) < Fraction(1, DENOMINATOR)

    def test_yearly_ceiling_counts_every_round(self, make_item: Callable[..., CheckItem]) -> None:
        """A capped twice-yearly item no longer draws twice its ceiling: 5 % of 1,000 a year, not a round."""
        frame = frame_of(1000, credit=["B"] * 1000, risk=["medium"] * 1000)
        item = make_item(ratio=Fraction(1, 20), frequency=2)
        tables = year_tables(TieredPolicy(ratio_mode="absolute"), frame, item)
        assert [t.expected_count for t in tables] == [25, 25]
        per_round = attrs.evolve(item, cap_period="round")
        assert [
            t.expected_count for t in year_tables(TieredPolicy(ratio_mode="absolute"), frame, per_round)
        ] == [
            50,
            50,
        ]

    def test_mandatory_visits_of_every_round_count(self, make_item: Callable[..., CheckItem]) -> None:
        """With a yearly ceiling, key objects visited in each of F rounds use F visits of it."""
        frame = frame_of(20, key=[True] * 3 + [False] * 17)
        item = make_item(ratio=Fraction(1, 4), cap=Fraction(1, 4), frequency=2)
        table = TieredPolicy().inclusion(frame, item)
        assert table.cap_report.exceeded  # 2 rounds × 3 key objects = 6 > 5
        with pytest.raises(CapExceededError, match="6 key/problem visits"):
            TieredPolicy(on_cap_exceeded="raise").inclusion(frame, item)


class TestApportion:
    @given(st.integers(0, 1000), st.lists(st.fractions(min_value=0, max_value=50), min_size=1, max_size=8))
    def test_floor_or_ceiling_and_exact_sum(self, total: int, weights: list[Fraction]) -> None:
        """Each part is the floor or ceiling of its quota and the parts sum to the total (weights > 0)."""
        parts = apportion(total, weights)
        whole = sum(weights, Fraction(0))
        if whole == 0:
            assert parts == [0] * len(weights)
            return
        assert sum(parts) == total
        for p, w in zip(parts, weights, strict=True):
            quota = total * w / whole
            assert math.floor(quota) <= p <= math.ceil(quota)


class TestSettings:
    def test_bad_mode_and_period(self, make_item: Callable[..., CheckItem]) -> None:
        """Unknown ratio modes and cap periods are typed errors naming the setting."""
        with pytest.raises(ConfigurationError, match="ratio_mode"):
            TieredPolicy(ratio_mode="relative")  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="cap_period"):
            make_item(cap_period="month")

    def test_ratio_above_ceiling_refused(self, make_item: Callable[..., CheckItem]) -> None:
        """A version 2 draw of an item asking for more than its ceiling is a CeilingError naming the item;
        the version 1 rules (to verify old records) still accept it."""
        from randinspect.draw import StratifiedPolicy
        from randinspect.errors import CeilingError

        item = make_item(ratio=Fraction(1, 10), cap=Fraction(1, 20))
        frame = frame_of(40)
        for policy in (TieredPolicy(), StratifiedPolicy()):
            with pytest.raises(CeilingError, match=r"SAMR-2027-001.*ceiling 0\.05"):
                policy.inclusion(frame, item)
        assert TieredPolicy(algorithm_version=1).inclusion(frame, item).expected_count == 2

    def test_mode_in_record(self, make_item: Callable[..., CheckItem]) -> None:
        """The policy parameters and the cap report state the mode and the ceiling's period."""
        frame = frame_of(10)
        table = TieredPolicy(ratio_mode="absolute").inclusion(frame, make_item())
        assert table.policy["ratio_mode"] == "absolute"
        assert table.cap_report.to_dict()["mode"] == "absolute"
        assert table.cap_report.to_dict()["period"] == "year"
        item = make_item(cap_period="round")
        assert item.to_dict()["cap_period"] == "round"
        assert "cap_period" not in make_item().to_dict()
        assert CheckItem.from_dict(item.to_dict()) == item


class TestVolumeReport:
    def test_items_and_department(self, make_item: Callable[..., CheckItem]) -> None:
        """Per item the expected and drawn visits of all rounds; per department the total vs its ceiling."""
        from randinspect.draw import draw, volume_report

        frame = frame_of(200, credit=["A"] * 100 + ["C"] * 100, risk=["medium"] * 200)
        twice = make_item(id="SAMR-1", ratio=Fraction(1, 10), frequency=2)
        once = make_item(id="SAMR-2", ratio=Fraction(1, 20))
        records = [draw(frame, twice, "7", round=r) for r in (1, 2)] + [draw(frame, once, "7")]
        report = volume_report(records)
        first, second = report.items
        assert (first.item_id, first.rounds_read, first.ceiling, first.volume) == ("SAMR-1", (1, 2), 20, 20)
        assert first.expected == 20
        assert first.drawn == sum(r.counts["total"] for r in records[:2]) <= 20
        assert (second.ceiling, second.expected) == (10, 10)
        (department,) = report.departments
        assert department.ceiling == 30
        assert department.drawn == first.drawn + second.drawn
        assert report.within
        tight = volume_report(records, department_caps={"SAMR": Fraction(1, 20)})
        assert tight.departments[0].ceiling == 10
        assert not tight.within
        assert "OVER" in "\n".join(tight.lines())

    def test_duplicate_round_refused(self, make_item: Callable[..., CheckItem]) -> None:
        """Two records of the same item and round are a typed error."""
        from randinspect.draw import draw, volume_report
        from randinspect.errors import InputError

        frame = frame_of(20)
        record = draw(frame, make_item(), "7")
        with pytest.raises(InputError, match="same round"):
            volume_report([record, record])


class TestIndependentUnits:
    """units="independent": one systematic sample per stratum, each from its own start (issue 8, part 4)."""

    @settings(deadline=None, max_examples=40)
    @given(draw_frames(max_size=60), check_items(max_frequency=1), st.integers(0, 2**31))
    def test_each_unit_is_its_own_systematic_sample(
        self, frame: DrawFrame, item: CheckItem, seed: int
    ) -> None:
        """The selection is, stratum by stratum, systematic selection over that stratum's line with the start
        integer_below(context|start|stratum, D); every stratum gets the floor or ceiling of its Σπ."""
        from randinspect.draw import PublicSeedSource, draw, selection_order, unit_starts

        policy = TieredPolicy(units="independent")
        table = policy.inclusion(frame, item)
        record = draw(frame, item, str(seed), policy=policy)
        source = PublicSeedSource(str(seed))
        starts = unit_starts(table, source, record.context)
        assert record.starts == starts
        assert set(starts) == set(frame.stratum_labels)
        tickets = source.tickets(record.context, frame.ids)
        order = selection_order(frame.stratum_codes, tickets)
        chosen: set[str] = set()
        for h, label in enumerate(frame.stratum_labels):
            line = order[frame.stratum_codes[order] == h]
            picked = systematic_select(table.numerators[line], starts[label], DENOMINATOR)
            chosen |= set(frame.ids[line][picked].tolist())
            expected = table.expected_by_stratum()[label]
            assert math.floor(expected) <= int(picked.sum()) <= math.ceil(expected)
        assert chosen == set(record.selected_ids)

    @settings(deadline=None, max_examples=30)
    @given(draw_frames(max_size=25, max_strata=3), check_items(max_frequency=1))
    def test_exact_pi_over_each_units_start(self, frame: DrawFrame, item: CheckItem) -> None:
        """Integrating each stratum's own start, every object is drawn with probability exactly a_i / D."""
        from randinspect.draw import exact_selection_probabilities

        table = TieredPolicy(units="independent").inclusion(frame, item)
        for h in range(len(frame.stratum_labels)):
            line = np.flatnonzero(frame.stratum_codes == h)
            probs = exact_selection_probabilities(table.numerators[line], DENOMINATOR)
            assert probs == [Fraction(int(a), DENOMINATOR) for a in table.numerators[line]]

    def test_starts_differ_by_unit_and_record_verifies(self) -> None:
        """Each unit has its own start (stated in the record) and the record verifies from its JSON."""
        from randinspect.draw import DrawRecord, draw, verify

        frame = frame_of(60, strata=[f"U{i % 4}" for i in range(60)])
        item = CheckItem(
            id="I-1", name="n", department="D", year=2027, scope={}, ratio="1/6", legal_basis=["law"]
        )
        record = draw(frame, item, "31415926", policy=TieredPolicy(units="independent"))
        assert record.starts is not None
        assert len(set(record.starts.values())) == 4
        assert record.start == 0
        public = DrawRecord.from_json_dict(record.to_json_dict())
        assert public.starts == record.starts
        assert verify(public, frame) == record
        shared = draw(frame, item, "31415926")
        assert shared.starts is None
        assert "starts" not in shared.to_json_dict()


class TestComplaintSignals:
    """Problem objects from the policy's signals: any channel, repeats of the same matter (issue 8)."""

    @given(st.lists(st.tuples(st.sampled_from(["O1", "O2"]), st.sampled_from(["a", "b"])), max_size=12))
    def test_same_matter_counts_repeats(self, complaints: list[tuple[str, str]]) -> None:
        """With count='same_matter' an object is flagged iff one category reaches min_count; with 'all' iff
        its complaints do."""
        import datetime as dt

        from randinspect.draw import ComplaintRule
        from randinspect.model import ComplaintChannel, ComplaintRecord

        records = [
            ComplaintRecord(
                object_id=o, channel=ComplaintChannel.LETTER, received=dt.date(2027, 3, 1), category=c
            )
            for o, c in complaints
        ]
        channels = (ComplaintChannel.LETTER,)
        same = ComplaintRule(min_count=2, channels=channels, count="same_matter")
        every = ComplaintRule(min_count=2, channels=channels)
        day = dt.date(2027, 6, 1)
        for o in ("O1", "O2"):
            per_category = [sum(1 for x, c in complaints if x == o and c == k) for k in "ab"]
            assert (o in same.flagged(records, day)) == (max(per_category) >= 2)
            assert (o in every.flagged(records, day)) == (sum(per_category) >= 2)
        assert ComplaintRule.from_dict(same.to_dict()) == same
        assert "count" not in every.to_dict()

    def test_channels_parse_chinese_terms(self) -> None:
        """Letters (信件) and transferred cases (转办) are channels; unknown ones are refused."""
        from randinspect.model import ComplaintChannel

        assert ComplaintChannel.parse("信件") is ComplaintChannel.LETTER
        assert ComplaintChannel.parse("转办") is ComplaintChannel.TRANSFERRED
        assert ComplaintChannel.parse("12315") is ComplaintChannel.HOTLINE_12315
        with pytest.raises(ValueError, match="fax"):
            ComplaintChannel.parse("fax")
