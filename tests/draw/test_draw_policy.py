"""Tests of randinspect.draw sampling policies: tiers, exact π, caps, rounds, stratified allocation."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from randinspect.directory import Scope
from randinspect.draw import (
    DENOMINATOR,
    ComplaintRule,
    DrawFrame,
    InclusionTable,
    SamrMatrix,
    StratifiedPolicy,
    TableMatrix,
    Tier,
    TieredPolicy,
    active_rounds,
    draw,
    inclusion_probabilities,
    policy_from_dict,
    systematic_select,
)
from randinspect.errors import CapExceededError, ConfigurationError, EmptyFrameError, InputError, ScaleError
from randinspect.items import CheckItem, ItemCategory
from randinspect.model import ComplaintChannel, ComplaintRecord
from randinspect.testing._draw import check_items, check_sampling_policy, draw_frames, public_seeds
from randinspect.typing import SamplingPolicy


def frame_of(n: int, **columns: Any) -> DrawFrame:
    """A frame of n objects with ids O000..."""
    return DrawFrame.from_arrays(ids=[f"O{i:03d}" for i in range(n)], **columns)


class TestTiers:
    def test_priority_and_exclusivity(self, make_item: Callable[..., CheckItem]) -> None:
        """Key beats problem beats risk beats general; each object is in exactly one tier."""
        frame = frame_of(5, risk=["high"] * 5, key=[True, False, False, False, False])
        policy = TieredPolicy(
            key_ids=["O001"], filed_case_ids=["O000", "O001", "O002"], risk_threshold="high"
        )
        table = policy.inclusion(frame, make_item())
        assert table.tiers.tolist() == ["key", "key", "problem", "risk", "risk"]

    def test_problem_sources(self, make_item: Callable[..., CheckItem]) -> None:
        """Filed cases, referrals, complaint ids and complaints flagged by the rule make problem objects."""
        frame = frame_of(6, risk=["low"] * 6)
        complaints = [
            ComplaintRecord(
                object_id="O003", channel=ComplaintChannel.HOTLINE_12315, received=dt.date(2026, 6, d)
            )
            for d in (1, 2, 3)
        ]
        policy = TieredPolicy(
            filed_case_ids=["O000", "ZZZ"],
            referral_ids=["O001"],
            complaint_ids=["O002"],
            complaints=complaints,
        )
        table = policy.inclusion(frame, make_item())
        assert table.tiers.tolist() == ["problem"] * 4 + ["general"] * 2
        assert table.policy["complaint_ids"] == ["O002", "O003"]
        assert table.policy["filed_case_ids"] == ["O000"]

    def test_key_ids_outside_frame(self, make_item: Callable[..., CheckItem]) -> None:
        """A key id not in the frame is an error naming it, never silently dropped."""
        with pytest.raises(ConfigurationError, match="'NOPE'"):
            TieredPolicy(key_ids=["NOPE"]).inclusion(frame_of(3), make_item())

    def test_risk_threshold(self, make_item: Callable[..., CheckItem]) -> None:
        """The risk threshold selects classes at or above it; an unknown class is a ScaleError."""
        frame = frame_of(3, risk=["low", "medium", "high"])
        table = TieredPolicy(risk_threshold="medium").inclusion(frame, make_item())
        assert table.tiers.tolist() == ["general", "risk", "risk"]
        with pytest.raises(ScaleError):
            TieredPolicy(risk_threshold="extreme").inclusion(frame, make_item())

    def test_department_risk_column(self, city: Any, make_item: Callable[..., CheckItem]) -> None:
        """Risk objects follow the item's department's own risk classes (risk_for)."""
        objects = city.objects
        dept = objects.departments[0]
        item = make_item(department=dept)
        table = inclusion_probabilities(objects, item)
        own = objects.risk_for(dept)[objects.mask(item.scope)]
        assert bool(
            np.all(
                (table.tiers == "risk")
                | (table.tiers == "problem")
                | (table.tiers == "key")
                | (own != "high")
            )
        )
        assert bool(np.all(table.frame.risk == own))


class TestComplaintRule:
    def test_window(self) -> None:
        """Twelve months up to the reference date, the day after the same date a year before."""
        assert ComplaintRule().window(dt.date(2027, 1, 1)) == (dt.date(2026, 1, 2), dt.date(2027, 1, 1))
        assert ComplaintRule(months=1).window(dt.date(2027, 3, 31)) == (
            dt.date(2027, 3, 1),
            dt.date(2027, 3, 31),
        )

    def test_counts_channels_and_substantiated(self) -> None:
        """Only counted channels, dates in the window and (if asked) substantiated complaints count."""
        day = dt.date(2026, 5, 1)
        rec = [
            ComplaintRecord(
                object_id="A", channel=ComplaintChannel.HOTLINE_12315, received=day, substantiated=True
            ),
            ComplaintRecord(
                object_id="A", channel=ComplaintChannel.HOTLINE_12345, received=day, substantiated=False
            ),
            ComplaintRecord(
                object_id="B", channel=ComplaintChannel.HOTLINE_12315, received=dt.date(2020, 1, 1)
            ),
            ComplaintRecord(object_id="B", channel=ComplaintChannel.HOTLINE_12315, received=day),
        ]
        ref = dt.date(2027, 1, 1)
        assert ComplaintRule(min_count=2).flagged(rec, ref) == ("A",)
        assert ComplaintRule(min_count=1, substantiated_only=True).flagged(rec, ref) == ("A",)
        assert ComplaintRule(min_count=2, channels=(ComplaintChannel.HOTLINE_12315,)).flagged(rec, ref) == ()

    @pytest.mark.parametrize("kwargs", [{"min_count": 0}, {"months": 0}, {"min_count": True}])
    def test_rejects_bad_rules(self, kwargs: dict[str, Any]) -> None:
        """Counts and months below 1 are refused."""
        with pytest.raises(ConfigurationError):
            ComplaintRule(**kwargs)

    def test_round_trip(self) -> None:
        """to_dict/from_dict round-trips a rule."""
        rule = ComplaintRule(min_count=5, months=6, substantiated_only=True)
        assert ComplaintRule.from_dict(rule.to_dict()) == rule


class TestTieredProbabilities:
    def test_uncapped_values(self, make_item: Callable[..., CheckItem]) -> None:
        """Absolute mode without a binding cap: π = ratio × multiplier exactly (within 1/D)."""
        frame = frame_of(4, credit=["A", "B", "C", "D"], risk=["medium"] * 4)
        table = TieredPolicy(ratio_mode="absolute").inclusion(
            frame, make_item(ratio=Fraction(1, 10), cap=None)
        )
        expected = [Fraction(1, 20), Fraction(1, 10), Fraction(1, 5), Fraction(2, 5)]
        for got, want in zip(table.numerators.tolist(), expected, strict=True):
            assert abs(Fraction(got, DENOMINATOR) - want) < Fraction(1, DENOMINATOR)

    def test_rounding_ties_go_by_cell_then_position(self, make_item: Callable[..., CheckItem]) -> None:
        """Equal fractional parts in different cells get the extra unit in cell order, as the spec says."""
        # A/high and B/medium both have multiplier 1: four equal values 1/3, one unit left over. The cell
        # A/high comes first (credit A before B), so O001 (not the canonically first O000) gets it.
        frame = frame_of(4, credit=["B", "A", "B", "A"], risk=["medium", "high", "medium", "high"])
        table = TieredPolicy().inclusion(frame, make_item(ratio=Fraction(1, 3), cap=None))
        base = DENOMINATOR // 3
        assert table.numerators.tolist() == [base, base + 1, base, base]

    def test_cap_scales_uniformly(self, make_item: Callable[..., CheckItem]) -> None:
        """A binding cap scales all risk/general values by one factor and Σπ equals the ceiling."""
        frame = frame_of(40, credit=["D"] * 20 + ["B"] * 20, risk=["medium"] * 40)
        table = TieredPolicy().inclusion(frame, make_item(ratio=Fraction(1, 10), cap=Fraction(1, 10)))
        assert table.expected_count == 4
        d_pi, b_pi = table.numerators[0], table.numerators[-1]
        assert abs(int(d_pi) - 4 * int(b_pi)) <= 4

    def test_pi_capped_at_one_and_rest_rescaled(self, make_item: Callable[..., CheckItem]) -> None:
        """Values above 1 become 1 and the rest are rescaled to keep the total (R inclusionprobabilities)."""
        frame = frame_of(10, credit=["D"] * 2 + ["B"] * 8, risk=["high"] * 2 + ["medium"] * 8)
        table = TieredPolicy(ratio_mode="absolute").inclusion(
            frame, make_item(ratio=Fraction(1, 5), cap=None)
        )
        assert table.numerators[:2].tolist() == [DENOMINATOR] * 2
        raw_total = 2 * Fraction(8, 5) + 8 * Fraction(1, 5)
        assert table.expected_count == Fraction(math.floor(raw_total * DENOMINATOR), DENOMINATOR)

    def test_scale_reported_when_every_value_reaches_one(self, make_item: Callable[..., CheckItem]) -> None:
        """The cap report's scale is the factor applied, also when all positive values end at 1 (never 0)."""
        frame = frame_of(10, credit=["A"] * 5 + ["D"] * 5, risk=["low"] * 5 + ["high"] * 5)
        # Round 1 of 4: A-class cells sit out; D/high 1/3 × 8 = 8/3 is scaled by 3/8 down to 1.
        absolute = TieredPolicy(ratio_mode="absolute")
        quarterly = absolute.inclusion(frame, make_item(ratio=Fraction(1, 3), frequency=4, cap=None))
        assert quarterly.numerators.tolist() == [0] * 5 + [DENOMINATOR] * 5
        assert quarterly.cap_report.scale == Fraction(3, 8)
        # Ratio 1: D/high (8) is clipped at 1 and its excess scales A/low (1/4) by 4, up to 1 as well.
        full = absolute.inclusion(frame, make_item(ratio=Fraction(1), cap=None))
        assert full.numerators.tolist() == [DENOMINATOR] * 10
        assert full.cap_report.scale == 4
        # Uncapped and unclipped: nothing is rescaled.
        small = absolute.inclusion(frame, make_item(ratio=Fraction(1, 100), cap=None))
        assert small.cap_report.scale == 1

    def test_mandatory_beyond_cap_reported(self, make_item: Callable[..., CheckItem]) -> None:
        """Mandatory objects beyond the cap are all kept and reported; the others get π = 0."""
        frame = frame_of(10, key=[True] * 3 + [False] * 7)
        item = make_item(ratio=Fraction(1, 10), cap=Fraction(1, 10))
        table = TieredPolicy().inclusion(frame, item)
        assert table.cap_report.exceeded
        assert table.cap_report.excess == 2
        assert table.numerators.tolist() == [DENOMINATOR] * 3 + [0] * 7
        with pytest.raises(CapExceededError, match="exceed"):
            TieredPolicy(on_cap_exceeded="raise").inclusion(frame, item)

    def test_key_item_has_no_ceiling(self, make_item: Callable[..., CheckItem]) -> None:
        """A key item (重点事项) without cap keeps every mandatory object and the full ratio."""
        frame = frame_of(10, key=[True] * 6 + [False] * 4, credit=["B"] * 10, risk=["medium"] * 10)
        item = make_item(category=ItemCategory.KEY, ratio=Fraction(1, 2))
        table = TieredPolicy(ratio_mode="absolute").inclusion(frame, item)
        assert not table.cap_report.exceeded
        assert table.expected_count == 8
        # Volume mode asks for 1/2 × 10 = 5 visits of the 4 other objects: each is visited (π = 1).
        assert TieredPolicy().inclusion(frame, item).expected_count == 10

    def test_zero_ratio(self, make_item: Callable[..., CheckItem]) -> None:
        """Ratio 0 gives π = 0 to everyone but mandatory objects."""
        frame = frame_of(5, key=[True, False, False, False, False])
        table = TieredPolicy().inclusion(frame, make_item(ratio=Fraction(0), cap=None))
        assert table.numerators.tolist() == [DENOMINATOR, 0, 0, 0, 0]

    def test_unknown_grade_in_matrix(self, make_item: Callable[..., CheckItem]) -> None:
        """A frame grade the matrix does not cover raises ScaleError."""
        matrix = TableMatrix(
            credit_levels=["A"],
            risk_levels=["low", "medium", "high"],
            cells={("A", r): (1, 1) for r in ("low", "medium", "high")},
        )
        frame = frame_of(2, credit=["A", "B"])
        with pytest.raises(ScaleError, match="'B'"):
            TieredPolicy(matrix=matrix).inclusion(frame, make_item())

    def test_bad_ratio_and_round(self, make_item: Callable[..., CheckItem]) -> None:
        """A ratio outside [0, 1] (from a duck-typed item) and a round beyond the frequency are refused."""
        import attrs

        item = make_item()
        object.__setattr__(item, "ratio", Fraction(3, 2))
        with pytest.raises(ConfigurationError, match="outside"):
            TieredPolicy().inclusion(frame_of(3), item)
        with pytest.raises(ConfigurationError, match="round"):
            TieredPolicy().inclusion(frame_of(3), attrs.evolve(make_item(), frequency=2), round=3)
        with pytest.raises(ConfigurationError):
            TieredPolicy(on_cap_exceeded="ignore")  # type: ignore[arg-type]

    def test_empty_frame(self, make_item: Callable[..., CheckItem]) -> None:
        """An empty frame is an EmptyFrameError."""
        with pytest.raises(EmptyFrameError):
            TieredPolicy().inclusion(frame_of(0), make_item())
        with pytest.raises(EmptyFrameError):
            StratifiedPolicy().inclusion(frame_of(0), make_item())

    @settings(deadline=None, max_examples=60)
    @given(draw_frames(), check_items(), st.data())
    def test_invariants(self, frame: DrawFrame, item: CheckItem, data: st.DataObject) -> None:
        """Mandatory π = 1, π in [0, 1], and Σπ within the cap unless mandatory objects exceed it."""
        rnd = data.draw(st.integers(1, item.frequency))
        table = TieredPolicy().inclusion(frame, item, round=rnd)
        mandatory = table.tier_codes <= Tier.PROBLEM.code
        assert bool(np.all(table.numerators[mandatory] == DENOMINATOR))
        assert int(table.numerators.min()) >= 0
        assert int(table.numerators.max()) <= DENOMINATOR
        if item.cap is not None:
            if table.cap_report.exceeded:
                assert bool(np.all(table.numerators[~mandatory] == 0))
            else:
                assert table.expected_count <= item.cap * len(frame)
        assert table.cap_report.granted == table.expected_count

    @settings(deadline=None, max_examples=30)
    @given(draw_frames(min_size=2), check_items(), st.randoms(use_true_random=False))
    def test_row_order_independent(self, frame: DrawFrame, item: CheckItem, rnd: Any) -> None:
        """Building the frame from shuffled rows gives the same table digest."""
        order = list(range(len(frame)))
        rnd.shuffle(order)
        shuffled = DrawFrame.from_arrays(
            ids=frame.ids[order],
            strata=frame.strata[order],
            credit=frame.credit[order],
            risk=frame.risk[order],
            key=frame.key[order],
        )
        assert TieredPolicy().inclusion(shuffled, item).digest == TieredPolicy().inclusion(frame, item).digest


class TestRounds:
    @given(st.sampled_from([Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1)]), st.integers(1, 12))
    def test_active_rounds(self, share: Fraction, rounds: int) -> None:
        """A cell takes max(1, floor(rounds × share)) distinct rounds, at least one."""
        active = active_rounds(share, rounds)
        assert len(active) == max(1, math.floor(rounds * share))
        assert all(1 <= r <= rounds for r in active)

    def test_a_class_skips_rounds(self, make_item: Callable[..., CheckItem]) -> None:
        """With four rounds, A-class general objects are drawn in rounds 2 and 4 only (default share 1/2)."""
        frame = frame_of(2, credit=["A", "B"], risk=["medium", "medium"])
        item = make_item(frequency=4, cap=None)
        pis = [TieredPolicy().inclusion(frame, item, round=r).numerators.tolist() for r in (1, 2, 3, 4)]
        assert [p[0] > 0 for p in pis] == [False, True, False, True]
        assert all(p[1] > 0 for p in pis)


class TestStratified:
    def test_exact_allocation(self, make_item: Callable[..., CheckItem]) -> None:
        """n = ceil(ratio × N) is allocated by largest remainders and each stratum's Σπ is its n_h."""
        frame = frame_of(30, strata=["a"] * 10 + ["b"] * 15 + ["c"] * 5)
        table = StratifiedPolicy().inclusion(frame, make_item(ratio=Fraction(1, 7), cap=None))
        assert table.policy["allocation"] == {"a": 2, "b": 2, "c": 1}
        assert table.expected_by_stratum() == {"a": 2, "b": 2, "c": 1}

    @settings(deadline=None, max_examples=40)
    @given(draw_frames(), check_items())
    def test_stratum_sums_are_integers(self, frame: DrawFrame, item: CheckItem) -> None:
        """Every stratum's Σπ is an integer, the year's total is ceil(ratio × N) capped, all are general."""
        policy = StratifiedPolicy()
        tables = [policy.inclusion(frame, item, round=r) for r in range(1, item.frequency + 1)]
        for table in tables:
            assert all(v.denominator == 1 for v in table.expected_by_stratum().values())
            assert set(table.tiers.tolist()) == {"general"}
        size = math.ceil(item.ratio * len(frame))
        if item.cap is not None:
            size = min(size, math.floor(item.cap * len(frame)))
        assert sum(t.expected_count for t in tables) == size
        assert max(t.expected_count for t in tables) - min(t.expected_count for t in tables) <= 1


def drawn_counts(table: InclusionTable) -> tuple[int, int]:
    """Objects systematic selection draws with the smallest and the largest start (the most and fewest)."""
    # The whole frame's count depends only on Σa and the start u: the lattice points u + kD below Σa.
    # It is largest at u = 0 (ceil(Σa/D)) and smallest at u = D − 1, so these two bound every start.
    most = int(systematic_select(table.numerators, 0, DENOMINATOR).sum())
    fewest = int(systematic_select(table.numerators, DENOMINATOR - 1, DENOMINATOR).sum())
    return most, fewest


class TestCapBound:
    """The number drawn never exceeds floor(cap × N) (不超过), not only its expectation."""

    def test_fractional_ceiling(self, make_item: Callable[..., CheckItem]) -> None:
        """5 % of 1,915 is 95.75: Σπ is exactly 95 and every start draws 95 objects, never 96."""
        frame = frame_of(1915, credit=["D"] * 1915, risk=["high"] * 1915, key=[True] * 3 + [False] * 1912)
        item = make_item(ratio=Fraction(1, 20), cap=Fraction(1, 20))
        table = TieredPolicy().inclusion(frame, item)
        report = table.cap_report
        assert (report.ceiling, report.limit, report.mandatory) == (Fraction(383, 4), 95, 3)
        assert table.expected_count == 95
        assert report.granted == 95
        assert report.scale == Fraction(92, 1912 * 8)  # volume mode: π ∝ the D/high multiplier 8
        assert not report.exceeded
        assert drawn_counts(table) == (95, 95)
        assert len(draw(frame, item, "31415926").selected_ids) == 95

    @settings(deadline=None, max_examples=80)
    @given(draw_frames(max_size=120), check_items(capped=True), public_seeds(), st.data())
    def test_tiered_never_draws_beyond_cap(
        self, frame: DrawFrame, item: CheckItem, seed: str, data: st.DataObject
    ) -> None:
        """Unless mandatory objects exceed it, Σπ and every draw are ≤ floor(cap × N); the report agrees."""
        rnd = data.draw(st.integers(1, item.frequency))
        table = TieredPolicy().inclusion(frame, item, round=rnd)
        report = table.cap_report
        assert item.cap is not None
        n = len(frame)
        limit = math.floor(item.cap * n)
        n_mandatory = int((table.tier_codes <= Tier.PROBLEM.code).sum())
        assert (report.cap, report.frame_size, report.ceiling, report.limit) == (
            item.cap,
            n,
            item.cap * n,
            limit,
        )
        assert report.mandatory == n_mandatory
        # The default ceiling is yearly: the mandatory visits of every round count.
        assert report.exceeded == (n_mandatory * item.frequency > limit)
        assert report.granted == table.expected_count
        # A round whose share of a whole-number yearly budget is rounded up may get up to the ceiling of its
        # own request (the year's total never exceeds the requests' sum).
        assert report.granted <= math.ceil(report.requested)
        most, fewest = drawn_counts(table)
        drawn = len(draw(frame, item, seed, round=rnd).selected_ids)
        assert fewest <= drawn <= most
        if report.exceeded:
            assert table.expected_count == n_mandatory
            assert most == n_mandatory
        else:
            assert table.expected_count <= limit
            assert most <= limit
            tables = [TieredPolicy().inclusion(frame, item, round=r) for r in range(1, item.frequency + 1)]
            assert sum(drawn_counts(t)[0] for t in tables) <= limit

    @settings(deadline=None, max_examples=60)
    @given(draw_frames(max_size=120), check_items(capped=True, max_frequency=1))
    def test_binding_cap_draws_exactly_the_limit(self, frame: DrawFrame, item: CheckItem) -> None:
        """A binding cap makes the budget the integer limit − M: Σπ = limit and every start draws limit."""
        table = TieredPolicy().inclusion(frame, item)
        report = table.cap_report
        assert report.limit is not None
        # One round and the default matrix: every risk and general object has p > 0 when the ratio is.
        assume(not report.exceeded and item.ratio > 0 and report.requested >= report.limit)
        assert table.expected_count == report.limit
        assert int(table.numerators.sum()) == report.limit * DENOMINATOR
        assert drawn_counts(table) == (report.limit, report.limit)

    @settings(deadline=None, max_examples=60)
    @given(draw_frames(max_size=120), check_items(capped=True), public_seeds())
    def test_stratified_never_draws_beyond_cap(self, frame: DrawFrame, item: CheckItem, seed: str) -> None:
        """The stratified policy draws exactly min(ceil(ratio × N), floor(cap × N)) objects a year."""
        assert item.cap is not None
        tables = [StratifiedPolicy().inclusion(frame, item, round=r) for r in range(1, item.frequency + 1)]
        size = min(math.ceil(item.ratio * len(frame)), math.floor(item.cap * len(frame)))
        assert sum(drawn_counts(t)[0] for t in tables) == sum(drawn_counts(t)[1] for t in tables) == size
        table = tables[0]
        assert table.cap_report.limit == math.floor(item.cap * len(frame))
        assert table.cap_report.granted == table.expected_count
        assert not table.cap_report.exceeded
        drawn = len(draw(frame, item, seed, policy=StratifiedPolicy()).selected_ids)
        assert drawn == table.expected_count


class TestConformance:
    @pytest.mark.parametrize(
        "policy",
        [
            TieredPolicy(),
            StratifiedPolicy(),
            TieredPolicy(matrix=SamrMatrix(credit_multipliers={"A": 0, "B": 1, "C": 3, "D": 9})),
        ],
    )
    def test_builtins_pass(self, policy: SamplingPolicy) -> None:
        """The built-in policies pass check_sampling_policy."""
        assert isinstance(policy, SamplingPolicy)
        check_sampling_policy(policy)

    def test_detects_a_broken_policy(self) -> None:
        """A policy that ignores the cap is caught by check_sampling_policy."""
        from randinspect.draw import CapReport, InclusionTable

        class Greedy:
            def inclusion(self, frame: DrawFrame, item: CheckItem, *, round: int = 1) -> InclusionTable:
                n = len(frame)
                report = CapReport(
                    cap=item.cap,
                    frame_size=n,
                    ceiling=None,
                    mandatory=0,
                    requested=Fraction(n),
                    granted=Fraction(n),
                )
                return InclusionTable(
                    frame=frame,
                    tier_codes=np.full(n, 3),
                    numerators=np.full(n, DENOMINATOR),
                    policy={"kind": "greedy"},
                    cap_report=report,
                )

            def to_dict(self) -> dict[str, Any]:
                return {"kind": "greedy"}

        with pytest.raises(AssertionError, match="exceeds the cap"):
            check_sampling_policy(Greedy())

    def test_policy_from_dict(self, make_item: Callable[..., CheckItem]) -> None:
        """Resolved parameters rebuild a policy that gives the same table; unknown kinds are refused."""
        frame = frame_of(20, risk=["high"] * 5 + ["low"] * 15)
        policy = TieredPolicy(filed_case_ids=["O001"], reference_date=dt.date(2026, 12, 31))
        table = policy.inclusion(frame, make_item())
        again = policy_from_dict(table.policy).inclusion(frame, make_item())
        assert again.digest == table.digest
        assert policy_from_dict({"kind": "stratified"}) == StratifiedPolicy()
        with pytest.raises(ConfigurationError):
            policy_from_dict({"kind": "custom"})


class TestFrame:
    def test_from_directory(self, city: Any, make_item: Callable[..., CheckItem]) -> None:
        """The frame holds the alive in-scope objects in id order, with strata and key flags."""
        objects = city.objects
        key_tag = next(t for t in objects.tag_vocabulary if ":key:" in t)
        item = make_item(scope=Scope(), key_scope=Scope(tags_any=[key_tag]))
        frame = DrawFrame.from_directory(objects, item)
        assert len(frame) == int(objects.alive.sum())
        assert bool(np.all(frame.ids[1:] > frame.ids[:-1]))
        assert int(frame.key.sum()) == int((objects.has_tag(key_tag) & objects.alive).sum())
        assert frame.directory_digest == objects.digest
        assert set(frame.strata.tolist()) <= set(objects.units.tolist())

    def test_other_strata(self, city: Any, make_item: Callable[..., CheckItem]) -> None:
        """Strata may come from the region column or be a single stratum; unknown columns are refused."""
        objects = city.objects
        assert DrawFrame.from_directory(objects, make_item(), stratum="none").stratum_labels == ("-",)
        assert set(DrawFrame.from_directory(objects, make_item(), stratum="region").stratum_labels) <= set(
            objects.regions.tolist()
        )
        with pytest.raises(InputError, match="stratum"):
            DrawFrame.from_directory(objects, make_item(), stratum="colour")

    def test_empty_scope(self, city: Any, make_item: Callable[..., CheckItem]) -> None:
        """A scope selecting nothing raises EmptyFrameError naming the item."""
        with pytest.raises(EmptyFrameError, match="SAMR-2027-001"):
            DrawFrame.from_directory(city.objects, make_item(scope=Scope(units=["no-such-unit"])))

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"ids": ["a", "a"]},
            {"ids": ["a", ""]},
            {"ids": ["a", "b"], "credit": ["A"]},
            {"ids": ["a"], "credit": ["Z"]},
            {"ids": [["a"]]},
        ],
    )
    def test_from_arrays_rejects(self, kwargs: dict[str, Any]) -> None:
        """Duplicate or empty ids, wrong lengths and unknown grades are refused."""
        with pytest.raises(InputError):
            DrawFrame.from_arrays(**kwargs)

    def test_positions(self) -> None:
        """positions() finds ids and lists those not in the frame."""
        frame = frame_of(3)
        pos, missing = frame.positions(["O002", "X", "O000"])
        assert pos.tolist() == [0, 2]
        assert missing == ["X"]
