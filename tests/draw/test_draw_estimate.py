"""Tests of randinspect.draw estimation: exact joint inclusion probabilities, HT totals, ratios, variances.

Unbiasedness is checked by exact enumeration of the design: every start of a systematic sample (and every
order, for randomized systematic sampling), or every subset of a Poisson sample, each with its exact
probability; expectations are then sums, compared with the population value to floating-point accuracy.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from randinspect.draw import (
    SYSTEMATIC_NOTE,
    DrawFrame,
    Estimate,
    NumpySource,
    draw,
    estimate_rate,
    estimate_total,
    ht_ratio,
    ht_total,
    systematic_joint_inclusion,
    systematic_select,
)
from randinspect.errors import InputError
from randinspect.items import CheckItem

REL = 1e-9


def close(a: float, b: float) -> bool:
    """Equal to floating-point accuracy of sums of a few hundred terms."""
    return math.isclose(a, b, rel_tol=REL, abs_tol=REL * 10)


@st.composite
def systematic_designs(draw_: st.DrawFn, max_n: int = 7) -> tuple[list[int], int, list[int]]:
    """A small denominator, positive numerators in [1, D] and integer findings."""
    denominator = draw_(st.integers(2, 20))
    n = draw_(st.integers(1, max_n))
    a = draw_(st.lists(st.integers(1, denominator), min_size=n, max_size=n))
    y = draw_(st.lists(st.integers(-5, 20), min_size=n, max_size=n))
    return a, denominator, y


@st.composite
def fixed_size_designs(draw_: st.DrawFn) -> tuple[list[int], int, list[int]]:
    """Numerators over a small D summing to a multiple of D (a fixed sample size), with findings."""
    denominator = draw_(st.integers(3, 12))
    n = draw_(st.integers(3, 5))
    head = draw_(st.lists(st.integers(1, denominator), min_size=n - 1, max_size=n - 1))
    k = -(-sum(head) // denominator)
    last = k * denominator - sum(head)
    if last == 0:
        last = denominator
    y = draw_(st.lists(st.integers(-5, 20), min_size=n, max_size=n))
    return [*head, last], denominator, y


def brute_joint(a: list[int], denominator: int) -> list[list[int]]:
    """Starts u in [0, D) selecting both i and j, counted one start at a time."""
    n = len(a)
    m = [[0] * n for _ in range(n)]
    for u in range(denominator):
        chosen = np.flatnonzero(systematic_select(a, u, denominator)).tolist()
        for i in chosen:
            for j in chosen:
                m[i][j] += 1
    return m


def systematic_samples(a: list[int], denominator: int) -> list[tuple[list[int], Fraction]]:
    """Every sample of one systematic design over the given order, with its exact probability."""
    out = []
    for u in range(denominator):
        chosen = np.flatnonzero(systematic_select(a, u, denominator)).tolist()
        out.append((chosen, Fraction(1, denominator)))
    return out


class TestSystematicJointInclusion:
    @settings(max_examples=60, deadline=None)
    @given(systematic_designs(max_n=8))
    def test_matches_counting_every_start(self, design: tuple[list[int], int, list[int]]) -> None:
        """π_ij times D equals the number of starts that select both i and j, counted one by one."""
        a, denominator, _ = design
        joint = systematic_joint_inclusion(a, denominator)
        assert joint.denominator == denominator
        assert joint.numerators.tolist() == brute_joint(a, denominator)

    @settings(max_examples=40, deadline=None)
    @given(systematic_designs(max_n=8))
    def test_diagonal_is_pi_and_bounds(self, design: tuple[list[int], int, list[int]]) -> None:
        """π_ii = π_i exactly and 0 <= π_ij <= min(π_i, π_j)."""
        a, denominator, _ = design
        joint = systematic_joint_inclusion(a, denominator)
        for i in range(len(a)):
            assert joint.exact(i, i) == Fraction(a[i], denominator)
            for j in range(len(a)):
                assert 0 <= joint.exact(i, j) <= min(joint.exact(i, i), joint.exact(j, j))

    @settings(max_examples=30, deadline=None)
    @given(systematic_designs(max_n=6), st.data())
    def test_independent_units_are_products(
        self, design: tuple[list[int], int, list[int]], data: st.DataObject
    ) -> None:
        """With a start per unit, π_ij counts every pair of starts; across units it is π_i π_j."""
        a, denominator, _ = design
        units = data.draw(st.lists(st.sampled_from("AB"), min_size=len(a), max_size=len(a)))
        joint = systematic_joint_inclusion(a, denominator, units=units)
        assert joint.denominator == denominator**2
        members = {u: [i for i, x in enumerate(units) if x == u] for u in "AB"}
        counts = [[0] * len(a) for _ in a]
        for ua in range(denominator):
            for ub in range(denominator):
                chosen: list[int] = []
                for unit, start in (("A", ua), ("B", ub)):
                    idx = members[unit]
                    if idx:
                        mask = systematic_select([a[i] for i in idx], start, denominator)
                        chosen += [idx[k] for k in np.flatnonzero(mask).tolist()]
                for i in chosen:
                    for j in chosen:
                        counts[i][j] += 1
        assert joint.numerators.tolist() == counts
        for i, j in itertools.product(range(len(a)), repeat=2):
            if units[i] != units[j]:
                assert joint.exact(i, j) == Fraction(a[i] * a[j], denominator**2)

    def test_systematic_designs_have_zero_pairs(self) -> None:
        """Equal π of one half over four objects: neighbours are never drawn together (π_ij = 0)."""
        joint = systematic_joint_inclusion([2, 2, 2, 2], 4)
        assert joint.zero_pairs == 4
        assert joint.exact(0, 2) == Fraction(1, 2)
        assert "zero_pairs=4" in repr(joint)
        assert joint.to_float()[0, 2] == 0.5

    def test_refuses_large_frames_and_bad_numerators(self) -> None:
        """More than MAX_JOINT_SIZE objects, numerators outside [0, D] or bad units are InputErrors."""
        with pytest.raises(InputError, match="at most"):
            systematic_joint_inclusion(np.ones(2001, dtype=np.int64), 4)
        with pytest.raises(InputError, match="numerators"):
            systematic_joint_inclusion([5], 4)
        with pytest.raises(InputError, match="units"):
            systematic_joint_inclusion([1, 2], 4, units=["A"])


class TestUnbiasedness:
    @settings(max_examples=60, deadline=None)
    @given(systematic_designs())
    def test_ht_total_is_unbiased_over_all_starts(self, design: tuple[list[int], int, list[int]]) -> None:
        """Averaged over every start, the HT estimate equals the population total."""
        a, denominator, y = design
        pi = [x / denominator for x in a]
        expected = 0.0
        for chosen, p in systematic_samples(a, denominator):
            if chosen:
                est = ht_total([y[i] for i in chosen], [pi[i] for i in chosen], method="poisson")
                expected += float(p) * est.value
        assert close(expected, float(sum(y)))

    @settings(max_examples=30, deadline=None)
    @given(systematic_designs(max_n=5), st.data())
    def test_ht_total_is_unbiased_with_independent_units(
        self, design: tuple[list[int], int, list[int]], data: st.DataObject
    ) -> None:
        """Averaged over every pair of unit starts, the HT estimate equals the population total."""
        a, denominator, y = design
        units = data.draw(st.lists(st.sampled_from("AB"), min_size=len(a), max_size=len(a)))
        members = {u: [i for i, x in enumerate(units) if x == u] for u in "AB"}
        expected = 0.0
        for ua, ub in itertools.product(range(denominator), repeat=2):
            chosen: list[int] = []
            for unit, start in (("A", ua), ("B", ub)):
                idx = members[unit]
                if idx:
                    mask = systematic_select([a[i] for i in idx], start, denominator)
                    chosen += [idx[k] for k in np.flatnonzero(mask).tolist()]
            if chosen:
                est = ht_total([y[i] for i in chosen], [a[i] / denominator for i in chosen], method="poisson")
                expected += est.value / denominator**2
        assert close(expected, float(sum(y)))

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(
            st.tuples(st.integers(1, 8).map(lambda k: k / 8), st.integers(-5, 20)), min_size=1, max_size=8
        )
    )
    def test_poisson_variance_is_unbiased(self, units: list[tuple[float, int]]) -> None:
        """Over every subset of a Poisson sample, E[Ŷ] = Y and E[v_poisson] = Var(Ŷ) = Σ (1-π) y²/π."""
        pi = [p for p, _ in units]
        y = [v for _, v in units]
        e_total = e_var = 0.0
        for pattern in itertools.product([False, True], repeat=len(units)):
            prob = math.prod(p if s else 1 - p for p, s in zip(pi, pattern, strict=True))
            chosen = [i for i, s in enumerate(pattern) if s]
            if not chosen or prob == 0:
                continue
            est = ht_total([y[i] for i in chosen], [pi[i] for i in chosen], method="poisson")
            e_total += prob * est.value
            e_var += prob * est.variance
        true_var = sum((1 - p) * v * v / p for p, v in zip(pi, y, strict=True))
        assert close(e_total, float(sum(y)))
        assert close(e_var, true_var)

    @settings(max_examples=40, deadline=None)
    @given(fixed_size_designs())
    def test_ht_and_syg_variances_are_unbiased_when_every_pi_ij_is_positive(
        self, design: tuple[list[int], int, list[int]]
    ) -> None:
        """Randomized systematic πps (random order, then one start) of fixed size: over every order and
        start, E[v_HT] = E[v_SYG] = Var(Ŷ) when every π_ij > 0."""
        a, denominator, y = design
        n = len(a)
        samples: list[tuple[list[int], Fraction]] = []
        orders = list(itertools.permutations(range(n)))
        for order in orders:
            for chosen, p in systematic_samples([a[i] for i in order], denominator):
                samples.append((sorted(order[k] for k in chosen), p / len(orders)))
        joint = np.zeros((n, n), dtype=object)
        joint[:, :] = Fraction(0)
        for chosen, p in samples:
            for i in chosen:
                for j in chosen:
                    joint[i, j] += p
        assume(all(joint[i, j] > 0 for i in range(n) for j in range(n)))
        pi = [Fraction(x, denominator) for x in a]
        assert [joint[i, i] for i in range(n)] == pi
        true_var = float(
            sum(
                (joint[i, j] - pi[i] * pi[j]) * y[i] * y[j] / (pi[i] * pi[j])
                for i in range(n)
                for j in range(n)
            )
        )
        e_ht = e_syg = 0.0
        for chosen, p in samples:
            sub = np.asarray([[float(joint[i, j]) for j in chosen] for i in chosen])
            values = [y[i] for i in chosen]
            probs = [float(pi[i]) for i in chosen]
            e_ht += float(p) * ht_total(values, probs, method="horvitz-thompson", joint=sub).variance
            e_syg += float(p) * ht_total(values, probs, method="sen-yates-grundy", joint=sub).variance
        assert close(e_ht, true_var)
        assert close(e_syg, true_var)


class TestApproximations:
    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.integers(1, 9).map(lambda k: k / 10), min_size=2, max_size=12), st.floats(0.1, 50))
    def test_zero_when_findings_are_proportional_to_pi(self, pi: list[float], scale: float) -> None:
        """If y_i = c π_i every expanded value is c: both approximations give variance 0."""
        y = [scale * p for p in pi]
        for method in ("hajek", "with-replacement"):
            est = ht_total(y, pi, method=method)
            assert est.approximate
            assert abs(est.variance) <= 1e-9 * scale * scale * len(pi) ** 2

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(
            st.tuples(st.integers(1, 10).map(lambda k: k / 10), st.integers(0, 9), st.sampled_from("XYZ")),
            min_size=2,
            max_size=20,
        )
    )
    def test_strata_add_up(self, rows: list[tuple[float, int, str]]) -> None:
        """The stratified approximation is the sum of each stratum's own approximation."""
        pi = [p for p, _, _ in rows]
        y = [v for _, v, _ in rows]
        strata = [s for _, _, s in rows]
        whole = ht_total(y, pi, strata=strata)
        parts = [
            ht_total([y[i] for i in idx], [pi[i] for i in idx])
            for s in sorted(set(strata))
            if (idx := [i for i, x in enumerate(strata) if x == s])
        ]
        assert close(whole.value, sum(p.value for p in parts))
        if all(not math.isnan(p.variance) for p in parts):
            assert close(whole.variance, sum(p.variance for p in parts))
        else:
            assert math.isnan(whole.variance)

    def test_one_object_stratum_has_no_variance(self) -> None:
        """A stratum with a single object of π < 1 makes the variance nan and says why."""
        est = ht_total([1, 2, 3], [0.5, 0.5, 0.5], strata=["A", "A", "B"])
        assert math.isnan(est.variance)
        assert math.isnan(est.standard_error)
        assert any("'B'" in note for note in est.notes)
        alone = ht_total([1, 5], [0.5, 1.0])
        assert math.isnan(alone.variance)
        assert any("the sample has one" in note for note in alone.notes)

    def test_certain_objects_add_no_variance(self) -> None:
        """Objects with π = 1 (key and problem objects) are a census: they add their value, no variance."""
        base = ht_total([1, 0, 1], [0.5, 0.5, 0.5], method="hajek")
        more = ht_total([1, 0, 1, 7, 9], [0.5, 0.5, 0.5, 1.0, 1.0], method="hajek")
        assert more.value == base.value + 16
        assert close(more.variance, base.variance)


class TestRatio:
    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(
            st.tuples(st.integers(1, 10).map(lambda k: k / 10), st.integers(0, 9), st.integers(1, 5)),
            min_size=2,
            max_size=15,
        ),
        st.sampled_from(["hajek", "with-replacement", "poisson"]),
    )
    def test_ratio_is_totals_over_totals_with_linearised_variance(
        self, rows: list[tuple[float, int, int]], method: str
    ) -> None:
        """R̂ = Ŷ/Ẑ lies within the range of y/z; its variance is v(Σ u/π)/Ẑ² with u = y − R̂z."""
        pi = np.asarray([p for p, _, _ in rows])
        y = np.asarray([v for _, v, _ in rows], dtype=float)
        z = np.asarray([w for _, _, w in rows], dtype=float)
        est = ht_ratio(y, z, pi, method=method)
        r = float(np.sum(y / pi) / np.sum(z / pi))
        assert close(est.value, r)
        assert min(y / z) - 1e-12 <= est.value <= max(y / z) + 1e-12
        resid = ht_total(y - r * z, pi, method=method)
        expected = resid.variance / float(np.sum(z / pi)) ** 2
        if math.isnan(expected):  # a single object with π < 1: no variance estimate for either
            assert math.isnan(est.variance)
        else:
            assert close(est.variance, expected)
        assert est.approximate

    def test_zero_base_is_refused(self) -> None:
        """Ẑ = 0 makes the rate undefined: InputError."""
        with pytest.raises(InputError, match="Ẑ"):
            ht_ratio([1, 2], [0, 0], [0.5, 0.5])


@pytest.fixture(scope="module")
def setup() -> tuple[DrawFrame, CheckItem]:
    """A frame of 300 objects in three units and a 10 % item."""
    rng = np.random.default_rng(5)
    frame = DrawFrame.from_arrays(
        ids=[f"9152{i:06d}E" for i in range(300)],
        strata=[f"U{k}" for k in rng.integers(0, 3, 300)],
        credit=rng.choice(list("ABCD"), 300),
    )
    item = CheckItem(
        id="EST-1",
        name="estimation",
        department="SAMR",
        year=2027,
        scope={},
        ratio=Fraction(1, 10),
        legal_basis=["test"],
    )
    return frame, item


class TestEstimateFromRecord:
    def test_total_and_rate_match_the_array_estimators(self, setup: tuple[DrawFrame, CheckItem]) -> None:
        """estimate_total/rate use the record's π and strata and flag the systematic approximation."""
        frame, item = setup
        record = draw(frame, item, "estimation seed")
        findings = {s.id: int(s.id[-3]) % 3 == 0 for s in record.selected}
        pi = [s.pi_numerator / record.commitment.denominator for s in record.selected]
        strata = [s.stratum for s in record.selected]
        y = [float(findings[s.id]) for s in record.selected]
        total = estimate_total(record, findings)
        assert isinstance(total, Estimate)
        assert close(total.value, ht_total(y, pi, strata=strata).value)
        assert close(total.variance, ht_total(y, pi, strata=strata).variance)
        assert total.approximate
        assert total.notes[0] == SYSTEMATIC_NOTE
        rate = estimate_rate(record, findings)
        assert close(rate.value, ht_ratio(y, [1.0] * len(y), pi, strata=strata).value)
        lo, hi = rate.interval(0.9)
        assert lo <= rate.value <= hi

    def test_simulation_records_estimate_too(self, setup: tuple[DrawFrame, CheckItem]) -> None:
        """A NumpySource record gives estimates the same way (π come from the record)."""
        frame, item = setup
        record = draw(frame, item, NumpySource(np.random.SeedSequence(8)))
        est = estimate_total(record, dict.fromkeys(record.selected_ids, 1), method="with-replacement")
        assert close(est.value, sum(1 / (s.pi_numerator / 2**32) for s in record.selected))

    def test_bad_findings(self, setup: tuple[DrawFrame, CheckItem]) -> None:
        """Missing, extra, non-numeric or infinite findings and exact methods are typed errors."""
        frame, item = setup
        record = draw(frame, item, "estimation seed")
        ids = record.selected_ids
        full = dict.fromkeys(ids, 0)
        with pytest.raises(InputError, match="no value"):
            estimate_total(record, {ids[0]: 1})
        with pytest.raises(InputError, match="not drawn"):
            estimate_total(record, {**full, "nobody": 1})
        with pytest.raises(InputError, match=repr(ids[1])):
            estimate_total(record, {**full, ids[1]: "yes"})
        with pytest.raises(InputError, match="finite"):
            estimate_rate(record, full, {**full, ids[2]: math.inf})
        with pytest.raises(InputError, match="joint"):
            estimate_total(record, full, method="horvitz-thompson")


class TestBadInput:
    @pytest.mark.parametrize(
        ("call", "match"),
        [
            (lambda: ht_total([1], [0.5], method="nope"), "unknown variance method"),
            (lambda: ht_total([1], [0.0]), "π must lie"),
            (lambda: ht_total([1, 2], [0.5]), "one value per drawn object"),
            (lambda: ht_total([math.nan], [0.5]), "finite"),
            (lambda: ht_total([1, 1], [0.5, 0.5], method="horvitz-thompson"), "joint="),
            (
                lambda: ht_total([1, 1], [0.5, 0.5], method="sen-yates-grundy", joint=[[0.5, 0], [0, 0.5]]),
                "cannot be drawn together",
            ),
            (
                lambda: ht_total(
                    [1, 1], [0.5, 0.5], method="horvitz-thompson", joint=[[0.4, 0.2], [0.2, 0.5]]
                ),
                "diagonal",
            ),
            (
                lambda: ht_total(
                    [1, 1], [0.5, 0.5], method="horvitz-thompson", joint=[[0.5, 0.2], [0.1, 0.5]]
                ),
                "symmetric",
            ),
            (lambda: ht_total([1, 1], [0.5, 0.5], strata=["A"]), "strata"),
            (lambda: ht_total([1], [0.5]).interval(1.0), "level"),
        ],
    )
    def test_typed_errors(self, call: Callable[[], object], match: str) -> None:
        """Each malformed input is an InputError saying what is wrong."""
        with pytest.raises(InputError, match=match):
            call()

    def test_inputs_are_not_changed(self) -> None:
        """The estimators leave their input arrays as they were."""
        y = np.asarray([1.0, 2.0, 3.0])
        pi = np.asarray([0.5, 0.25, 1.0])
        ht_ratio(y, np.ones(3), pi)
        assert y.tolist() == [1.0, 2.0, 3.0]
        assert pi.tolist() == [0.5, 0.25, 1.0]


@pytest.mark.statistical
class TestOverTheSeed:
    def test_stratified_draw_hajek_is_the_unbiased_srs_estimator(self) -> None:
        """Over 2,000 spawned NumpySource replications of a plain stratified draw, the means of Ŷ and of the
        Hájek variance estimate match Y and Var(Ŷ) of stratified simple random sampling.

        With equal π in a stratum and whole-number stratum sizes, the random order makes each stratum a
        simple random sample without replacement, and the Hájek estimator is then the unbiased
        N_h²(1 − f_h)s_h²/n_h. Each mean is compared with its target within 4.5 standard errors of the mean
        (the sample standard deviation over √R, R = 2,000; the CLT holds well for these bounded values):
        a false failure has probability about 7e-6 per check, 1.4e-5 in all. Root entropy 20270105.
        """
        from randinspect.draw import StratifiedPolicy, inclusion_probabilities, select

        rng = np.random.default_rng(99)
        n_obj = 600
        frame = DrawFrame.from_arrays(
            ids=[f"9152{i:06d}S" for i in range(n_obj)],
            strata=np.repeat(["U0", "U1", "U2"], [150, 200, 250]),
        )
        y_all = rng.poisson(np.repeat([1.0, 3.0, 6.0], [150, 200, 250])).astype(float)
        item = CheckItem(
            id="STAT-1", name="stat", department="SAMR", year=2027, scope={}, ratio="10%", legal_basis=["t"]
        )
        table = inclusion_probabilities(frame, item, StratifiedPolicy())
        pi_all = table.numerators / table.denominator
        strata_all = table.frame.strata
        true_var = 0.0
        for label in ("U0", "U1", "U2"):
            members = strata_all == label
            big_n = int(members.sum())
            small_n = round(float(pi_all[members].sum()))
            s2 = float(np.var(y_all[members], ddof=1))
            true_var += big_n**2 * (1 - small_n / big_n) * s2 / small_n
        values, variances = [], []
        for child in np.random.SeedSequence(20270105).spawn(2000):
            mask, _ = select(table, NumpySource(child), "stat")
            est = ht_total(y_all[mask], pi_all[mask], strata=strata_all[mask])
            values.append(est.value)
            variances.append(est.variance)
        reps = len(values)
        v = np.asarray(values)
        w = np.asarray(variances)
        assert abs(v.mean() - y_all.sum()) <= 4.5 * v.std(ddof=1) / math.sqrt(reps)
        assert abs(w.mean() - true_var) <= 4.5 * w.std(ddof=1) / math.sqrt(reps)
