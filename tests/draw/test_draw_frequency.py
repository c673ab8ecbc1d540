"""Raised frequency (§四(八)4 提高抽查频次, issue 8 part 3): round shares above 1 add rounds to an item."""

from __future__ import annotations

import datetime as dt
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
    MAX_ROUNDS,
    DrawFrame,
    InclusionTable,
    NumpySource,
    PublicSeedSource,
    SamrMatrix,
    TableMatrix,
    TieredPolicy,
    active_rounds,
    draw,
    item_rounds,
    policy_from_dict,
    select,
    systematic_select,
    verify,
)
from randinspect.errors import ConfigurationError, LoadError, PlanError, RoundShareError
from randinspect.items import CheckItem
from randinspect.model import DEFAULT_CREDIT_SCALE, DEFAULT_RISK_SCALE
from randinspect.planning import ItemDraw, PlanChange, adjust, plan_department, run_cycle
from randinspect.testing._draw import check_items, check_sampling_policy, draw_frames

RAISED = SamrMatrix(credit_round_shares={"A": "1/2", "B": 1, "C": 1, "D": 2})
"""D-grade objects twice as often as the item's frequency, A-grade half as often (the defaults otherwise)."""


def frame_of(n: int, **columns: object) -> DrawFrame:
    """A frame of n objects with ids O000..."""
    return DrawFrame.from_arrays(ids=[f"O{i:03d}" for i in range(n)], **columns)  # type: ignore[arg-type]


def year_tables(policy: TieredPolicy, frame: DrawFrame, item: CheckItem) -> list[InclusionTable]:
    """The π tables of every round of the item's year under the policy's matrix."""
    return [policy.inclusion(frame, item, round=r) for r in range(1, policy.rounds(item) + 1)]


def rest_sum(table: InclusionTable) -> Fraction:
    """Σπ of the risk and general objects."""
    by_tier = table.expected_by_tier()
    return by_tier["risk"] + by_tier["general"]


def most_drawn(table: InclusionTable) -> int:
    """The most objects any start draws: ceil(Σπ) (the start 0)."""
    return int(systematic_select(table.numerators, 0, DENOMINATOR).sum())


SHARES = st.sampled_from(
    [Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1), Fraction(2), Fraction(3), Fraction(4)]
)


@st.composite
def raised_matrices(draw: st.DrawFn) -> SamrMatrix | TableMatrix:
    """Matrices with random multipliers and round shares, some above 1 (whole shares, met by any item)."""
    mult = st.integers(0, 16).map(lambda k: Fraction(k, 2))
    if draw(st.booleans()):
        return SamrMatrix(
            credit_multipliers={c: draw(mult) for c in DEFAULT_CREDIT_SCALE.levels},
            risk_multipliers={r: draw(mult) for r in DEFAULT_RISK_SCALE.levels},
            credit_round_shares={c: draw(SHARES) for c in DEFAULT_CREDIT_SCALE.levels},
        )
    cells = {
        (c, r): (draw(mult), draw(SHARES))
        for c in DEFAULT_CREDIT_SCALE.levels
        for r in DEFAULT_RISK_SCALE.levels
    }
    return TableMatrix(
        credit_levels=DEFAULT_CREDIT_SCALE.levels, risk_levels=DEFAULT_RISK_SCALE.levels, cells=cells
    )


def cell_rounds(matrix: SamrMatrix | TableMatrix, credit: str, risk: str, item: CheckItem) -> int:
    """The spec's k of a cell, written out: max(1, floor(F·s)) up to 1, F·s above."""
    share = matrix.frequency(credit, risk)
    f = item.frequency
    return max(1, math.floor(f * share)) if share <= 1 else int(f * share)


class TestItemRounds:
    @given(st.integers(1, 6), st.lists(SHARES, min_size=4, max_size=4))
    def test_rounds_are_frequency_times_largest_share(self, frequency: int, shares: list[Fraction]) -> None:
        """R = F × max(1, largest share); without a share above 1 it is the item's frequency."""
        matrix = SamrMatrix(credit_round_shares=dict(zip("ABCD", shares, strict=True)))
        item = attrs.evolve(_item(), frequency=frequency)
        assert item_rounds(item, matrix) == frequency * max(Fraction(1), *shares)
        assert item_rounds(item, None) == frequency
        assert TieredPolicy(matrix=matrix).rounds(item) == item_rounds(item, matrix)

    @given(st.integers(1, 6), st.integers(1, 6), SHARES)
    def test_active_rounds_count_and_spread(self, frequency: int, factor: int, share: Fraction) -> None:
        """A cell takes part in k distinct rounds of R: max(1, floor(F·s)) for s ≤ 1, F·s above; all when
        k = R; the rounds are spread by the floor rule, so no two gaps differ by more than one."""
        rounds = frequency * max(factor, math.ceil(share))
        active = active_rounds(share, rounds, frequency=frequency)
        k = max(1, math.floor(frequency * share)) if share <= 1 else int(frequency * share)
        assert len(active) == k
        assert len(set(active)) == k
        assert all(1 <= r <= rounds for r in active)
        assert active[-1] == rounds
        gaps = np.diff([0, *active])
        assert gaps.max() - gaps.min() <= 1

    def test_shares_up_to_one_are_unchanged(self) -> None:
        """With 3 rounds a share of 1/2 is one round of three (the third), and 1 is every round."""
        assert active_rounds(Fraction(1, 2), 3) == (3,)
        assert active_rounds(Fraction(1, 2), 3, frequency=3) == (3,)
        assert active_rounds(Fraction(1), 3) == (1, 2, 3)

    def test_worked_example(self) -> None:
        """Frequency 1, D share 2: two rounds; D in both, A, B and C in round 2 (docs/draw.md)."""
        item = _item()
        assert item_rounds(item, RAISED) == 2
        assert active_rounds(Fraction(2), 2, frequency=1) == (1, 2)
        assert active_rounds(Fraction(1), 2, frequency=1) == (2,)
        assert active_rounds(Fraction(1, 2), 2, frequency=1) == (2,)
        twice = attrs.evolve(item, frequency=2)
        assert item_rounds(twice, RAISED) == 4
        assert active_rounds(Fraction(1), 4, frequency=2) == (2, 4)
        assert active_rounds(Fraction(1, 2), 4, frequency=2) == (4,)


class TestBadShares:
    @given(st.integers(1, 6), st.integers(2, 12), st.integers(1, 11))
    def test_unmet_share_is_a_typed_error(self, frequency: int, q: int, p_extra: int) -> None:
        """A share above 1 is refused, naming the item and the cell, exactly when F × share is not whole."""
        share = Fraction(q + p_extra, q)  # above 1
        matrix = SamrMatrix(credit_round_shares={"A": "1/2", "B": 1, "C": 1, "D": share})
        item = attrs.evolve(_item(), frequency=frequency)
        whole = (frequency * share).denominator == 1
        if whole and frequency * share <= MAX_ROUNDS:
            assert item_rounds(item, matrix) == frequency * share
            return
        with pytest.raises(RoundShareError, match=rf"item '{item.id}'.*cell \(D, low\)"):
            item_rounds(item, matrix)
        frame = frame_of(4, credit=["A", "B", "C", "D"])
        with pytest.raises(RoundShareError):
            TieredPolicy(matrix=matrix).inclusion(frame, item)
        with pytest.raises(RoundShareError):
            draw(frame, item, "1", policy=TieredPolicy(matrix=matrix))

    def test_message_suggests_a_share(self) -> None:
        """Frequency 1 and share 3/2 would be one and a half rounds: the error names the rule and a fix."""
        matrix = SamrMatrix(credit_round_shares={"A": "1/2", "B": 1, "C": 1, "D": "3/2"})
        with pytest.raises(RoundShareError, match=r"3/2 rounds a year.*whole number of rounds.*example 2"):
            item_rounds(_item(), matrix)
        assert item_rounds(attrs.evolve(_item(), frequency=2), matrix) == 3

    def test_zero_and_negative_shares_refused(self) -> None:
        """A share must be above 0: an object of every cell is visited at least once a year."""
        for bad in (0, "-1", "x"):
            with pytest.raises(ConfigurationError):
                SamrMatrix(credit_round_shares={"A": bad, "B": 1, "C": 1, "D": 1})
        with pytest.raises(LoadError, match="row 1"):
            TableMatrix.from_csv("credit,risk,multiplier,frequency\nA,low,1,0\n")

    def test_too_many_rounds_refused(self) -> None:
        """An item may not have more than MAX_ROUNDS rounds a year."""
        matrix = SamrMatrix(credit_round_shares={"A": 1, "B": 1, "C": 1, "D": MAX_ROUNDS + 1})
        with pytest.raises(RoundShareError, match=f"more than {MAX_ROUNDS}"):
            item_rounds(_item(), matrix)

    def test_round_beyond_the_raised_rounds_refused(self) -> None:
        """Round 3 of an item with 2 rounds a year is refused; round 2 is refused without the raise."""
        frame = frame_of(4, credit=["A", "B", "C", "D"])
        with pytest.raises(ConfigurationError, match=r"1\.\.2 \(frequency 1, raised\)"):
            TieredPolicy(matrix=RAISED).inclusion(frame, _item(), round=3)
        with pytest.raises(ConfigurationError, match=r"1\.\.1 \(its frequency\)"):
            TieredPolicy().inclusion(frame, _item(), round=2)


class TestRaisedCellsGetTheirRounds:
    @settings(deadline=None, max_examples=60)
    @given(draw_frames(max_size=60), check_items(capped=False, max_frequency=3), raised_matrices())
    def test_positive_pi_exactly_in_the_cells_rounds(
        self, frame: DrawFrame, item: CheckItem, matrix: SamrMatrix | TableMatrix
    ) -> None:
        """Without a ceiling, a risk or general object of a cell with a positive multiplier has π > 0 in
        exactly its cell's k rounds, and π = 0 in the others; key and problem objects are in every round."""
        policy = TieredPolicy(matrix=matrix)
        tables = year_tables(policy, frame, item)
        rounds = item_rounds(item, matrix)
        assert len(tables) == rounds
        assert all(t.rounds == rounds and t.cap_report.rounds == rounds for t in tables)
        positive = np.array([t.numerators > 0 for t in tables])  # rounds × objects
        mandatory = tables[0].tier_codes <= 1
        assert positive[:, mandatory].all()
        for i in np.flatnonzero(~mandatory).tolist():
            credit, risk = str(frame.credit[i]), str(frame.risk[i])
            expected = active_rounds(matrix.frequency(credit, risk), rounds, frequency=item.frequency)
            assert len(expected) == cell_rounds(matrix, credit, risk, item)
            got = tuple(int(r) + 1 for r in np.flatnonzero(positive[:, i]))
            if item.ratio > 0 and matrix.multiplier(credit, risk) > 0:
                assert got == expected
            else:
                assert set(got) <= set(expected)


class TestRaisedVolume:
    @settings(deadline=None, max_examples=60)
    @given(
        draw_frames(max_size=60),
        check_items(max_frequency=2),
        raised_matrices(),
        st.sampled_from(["year", "round"]),
    )
    def test_volume_or_ceiling_and_never_beyond(
        self, frame: DrawFrame, item: CheckItem, matrix: SamrMatrix | TableMatrix, period: str
    ) -> None:
        """Over all R rounds Σπ of the risk and general objects is the stated volume ratio × N (to the
        1/D rounding), or, when the ceiling binds, the whole number the ceiling leaves; the number drawn in
        the year never exceeds the yearly ceiling (every round counts, raised rounds included)."""
        item = attrs.evolve(item, cap_period=period)
        tables = year_tables(TieredPolicy(matrix=matrix), frame, item)
        rounds = len(tables)
        report = tables[0].cap_report
        n = len(frame)
        volume = item.ratio * n
        assert report.volume == volume
        assert report.rounds == rounds
        budgets = report.round_budgets
        assert budgets is not None
        assert len(budgets) == rounds
        assert all(t.cap_report.round_budgets == budgets for t in tables)
        year = sum(rest_sum(t) for t in tables)
        requests = [t.cap_report.requested - t.cap_report.mandatory for t in tables]
        # The spec's requests, written out: the volume shared in proportion to the rounds' weights
        # w_r = Σ multipliers of the risk and general objects taking part in round r, each at most the
        # number of objects taking part (P_r). Raised cells weigh in each of their rounds.
        weights = [Fraction(0)] * rounds
        room = [0] * rounds
        for i in np.flatnonzero(tables[0].tier_codes > 1).tolist():
            credit, risk = str(frame.credit[i]), str(frame.risk[i])
            mult = matrix.multiplier(credit, risk)
            for r in active_rounds(matrix.frequency(credit, risk), rounds, frequency=item.frequency):
                weights[r - 1] += mult
                room[r - 1] += mult > 0
        whole = sum(weights, Fraction(0))
        spec = [
            Fraction(0) if whole == 0 else min(volume * w / whole, Fraction(p))
            for w, p in zip(weights, room, strict=True)
        ]
        assert requests == spec
        if whole > 0 and all(volume * w / whole <= p for w, p in zip(weights, room, strict=True)):
            assert sum(requests) == volume  # nothing clipped: the year asks for exactly ratio × N
        m = report.mandatory
        if item.cap is None:
            assert budgets == tuple(requests)
            assert sum(requests) - year < Fraction(rounds, DENOMINATOR)
            return
        limit = math.floor(item.cap * n)
        if period == "round":
            if not report.exceeded:
                assert all(most_drawn(t) <= limit for t in tables)
            return
        allowance = max(0, limit - rounds * m)
        if sum(math.ceil(r) for r in requests) <= allowance:
            assert budgets == tuple(requests)  # the stated volume stands
            assert sum(requests) - year < Fraction(rounds, DENOMINATOR)
        else:
            assert year == min(allowance, math.floor(sum(requests)))  # the ceiling binds: a whole number
        if report.exceeded:
            assert rounds * m > item.cap * n
        else:
            assert sum(t.expected_count for t in tables) <= limit
            assert sum(most_drawn(t) for t in tables) <= limit

    def test_raised_cells_share_the_same_volume(self, make_item: Callable[..., CheckItem]) -> None:
        """Raising D's frequency does not raise the year's volume: it moves visits to the D objects."""
        frame = frame_of(100, credit=["A"] * 40 + ["B"] * 40 + ["D"] * 20, risk=["medium"] * 100)
        item = make_item(ratio=Fraction(1, 10), cap=None)
        plain = year_tables(TieredPolicy(), frame, item)
        raised = year_tables(TieredPolicy(matrix=RAISED), frame, item)
        assert [t.expected_count for t in plain] == [10]
        assert 10 - sum(t.expected_count for t in raised) < Fraction(2, DENOMINATOR)
        d_plain = plain[0].expected_by_cell()["D/medium"]
        d_raised = sum(t.expected_by_cell()["D/medium"] for t in raised)
        assert d_raised > d_plain
        # Per round, π ∝ multiplier among the cells taking part, with one factor for the year.
        per_object = [t.expected_by_cell()["D/medium"] / 20 for t in raised]
        assert abs(per_object[0] - per_object[1]) < Fraction(2, DENOMINATOR)

    def test_exact_pi_over_every_start(self, make_item: Callable[..., CheckItem]) -> None:
        """Each round's systematic selection draws every object with probability exactly a_i / D over the
        start (checked over every start position that changes the sample)."""
        frame = frame_of(9, credit=["A", "B", "C", "D", "D", "B", "A", "C", "D"], key=[True] + [False] * 8)
        item = make_item(ratio=Fraction(1, 3), cap=None)
        for table in year_tables(TieredPolicy(matrix=RAISED), frame, item):
            a = table.numerators
            cuts = sorted({int(c) % DENOMINATOR for c in np.concatenate([[0], np.cumsum(a)])})
            hits = np.zeros(len(a), dtype=object)
            for lo, hi in zip(cuts, [*cuts[1:], DENOMINATOR], strict=True):
                hits += systematic_select(a, lo, DENOMINATOR).astype(int) * (hi - lo)
            assert hits.tolist() == a.tolist()

    @pytest.mark.statistical
    def test_drawn_as_often_as_pi_says(self, make_item: Callable[..., CheckItem]) -> None:
        """Over 3,000 simulated years (fixed seed), each object's draws per round are Binomial(3000, π):
        every count lies within 5.5 standard deviations (plus 1) of its mean. With 2 × 24 object-rounds the
        chance that a correct draw fails is below 48 × 4e-8 < 2e-6."""
        rng = np.random.default_rng(8)
        n = 24
        frame = frame_of(
            n,
            strata=["U1", "U2"] * (n // 2),
            credit=rng.choice(list("ABCD"), n).tolist(),
            risk=rng.choice(["low", "medium", "high"], n).tolist(),
        )
        item = make_item(ratio=Fraction(1, 4), cap=Fraction(1, 4))
        tables = year_tables(TieredPolicy(matrix=RAISED), frame, item)
        reps = 3000
        source = NumpySource(20270101)
        for r, table in enumerate(tables, start=1):
            counts = np.zeros(n)
            for k in range(reps):
                mask, _ = select(table, source, f"sim|{r}|{k}")
                counts += mask
            pi = table.numerators / DENOMINATOR
            sd = np.sqrt(reps * pi * (1 - pi))
            assert np.all(np.abs(counts - reps * pi) <= 5.5 * sd + 1)


class TestConformance:
    def test_raised_policy_passes_the_conformance_check(self) -> None:
        """check_sampling_policy runs every raised round of its example items and finds nothing wrong."""
        check_sampling_policy(TieredPolicy(matrix=RAISED))


class TestRecords:
    def test_raised_round_record_verifies(self, make_item: Callable[..., CheckItem]) -> None:
        """A draw of the raised round 2 of a frequency-1 item states 2 rounds and re-runs bit for bit."""
        frame = frame_of(30, credit=["A", "B", "C", "D", "D"] * 6)
        item = make_item(ratio=Fraction(1, 5))
        policy = TieredPolicy(matrix=RAISED)
        records = [draw(frame, item, "3 1 4 1 5 9", policy=policy, round=r) for r in (1, 2)]
        for record in records:
            assert record.commitment.rounds == 2
            verify(record, frame, expected_seed="3 1 4 1 5 9", opening=record.opening_json_dict())
        round_one = {str(frame.credit[i]) for i in frame.positions(records[0].selected_ids)[0].tolist()}
        assert round_one <= {"D"}
        rebuilt = policy_from_dict(records[0].opening_json_dict()["policy"])
        assert isinstance(rebuilt, TieredPolicy)
        assert rebuilt.rounds(item) == 2


class TestPlanning:
    def test_run_cycle_draws_the_extra_rounds(self) -> None:
        """run_cycle draws every round item_rounds gives and plans them in distinct periods."""
        from randinspect.datasets import demo_city

        city = demo_city(n_objects=600, seed=7, year=2027)
        item = CheckItem(
            id="SAMR-2027-1",
            name="年度抽查",
            department="SAMR",
            year=2027,
            scope={},
            ratio="0.05",
            legal_basis=["《优化营商环境条例》|第五十四条"],
        )
        result = run_cycle(
            city.objects, [item], source=PublicSeedSource("raised"), policy=TieredPolicy(matrix=RAISED)
        )
        assert [r.round for r in result.records] == [1, 2]
        assert all(r.commitment.rounds == 2 for r in result.records)
        plan = result.plans[0]
        assert set(plan.rounds.tolist()) <= {1, 2}
        drawn = {(r.round, o) for r in result.records for o in r.selected_ids}
        assert {(int(r), str(o)) for r, o in zip(plan.rounds, plan.object_ids, strict=True)} == drawn

    def test_department_plan_and_adjust_take_the_matrix(self, source: PublicSeedSource) -> None:
        """Round 2 of a frequency-1 item is refused without the raising matrix and accepted with it."""
        item = _item()
        draws = [ItemDraw(item_id=item.id, round=r, selected_ids=[f"O{r}", "O9"]) for r in (1, 2)]
        with pytest.raises(PlanError, match=r"round 2 does not exist.*pass matrix="):
            plan_department("SAMR", [item], draws, source=source)
        plan = plan_department("SAMR", [item], draws, source=source, matrix=RAISED)
        assert sorted(plan.rounds.tolist()) == [1, 1, 2, 2]
        change = PlanChange(
            published_on=dt.date(2027, 6, 20),
            reason="重新抽取",
            effective_on=dt.date(2027, 7, 1),
            draws=[ItemDraw(item_id=item.id, round=2, selected_ids=["O7"])],
        )
        with pytest.raises(PlanError, match="no round 2"):
            adjust(plan, change, source=source, items={item.id: item})
        new = adjust(plan, change, source=source, items={item.id: item}, matrix=RAISED)
        assert ("O7", item.id, 2) in set(
            zip(new.object_ids.tolist(), new.item_ids.tolist(), new.rounds.tolist(), strict=True)
        )

    def test_rounds_need_distinct_periods(self, source: PublicSeedSource) -> None:
        """An item raised to more rounds than the plan has periods is refused, naming its rounds."""
        matrix = SamrMatrix(credit_round_shares={"A": 1, "B": 1, "C": 1, "D": 6})
        draws = [ItemDraw(item_id="SAMR-2027-001", round=1, selected_ids=["O1"])]
        with pytest.raises(PlanError, match="6 rounds a year but the plan has 4 periods"):
            plan_department("SAMR", [_item()], draws, source=source, matrix=matrix)


def _item() -> CheckItem:
    return CheckItem(
        id="SAMR-2027-001",
        name="食品经营者检查",
        department="SAMR",
        year=2027,
        scope={},
        ratio="1/20",
        legal_basis=["《中华人民共和国食品安全法》|第一百一十条"],
    )


@pytest.fixture
def source() -> PublicSeedSource:
    """A verifiable source with a fixed public seed."""
    return PublicSeedSource("2026-11-10 public draw")
