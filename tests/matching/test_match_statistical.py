"""Statistical test: pair frequencies over many seeds match the exact marginals."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from randinspect.draw import NumpySource
from randinspect.matching import ExactMarginalMatcher
from randinspect.testing._matching import random_matching_instance

RUNS = 1500
Z = 5.0


@pytest.mark.statistical
class TestFrequencies:
    def test_pair_frequencies_match_marginals(self) -> None:
        """Each pair's frequency over 1,500 seeds is within 5 binomial standard deviations of its marginal.

        Counts are Binomial(1500, p) (independent NumpySource streams per seed). The tolerance is
        5 * sqrt(1500 p (1 - p)) + 1 (one count for the normal approximation's discreteness); the two-sided
        normal tail beyond 5 sigma is 5.7e-7 per pair, so with the ~300 pairs tested the false-failure rate is
        below 2e-4 by the union bound (the seeds are fixed, so the test is deterministic). Every run also has
        every inspector's load at the floor or ceiling of its expected load, with caps that bind.
        """
        instance = random_matching_instance(
            3,
            n_tasks=24,
            n_regions=1,
            officers_per_bucket=5,
            experts_per_specialty=3,
            cap=6,
            expired_share=0.0,
            unavailable_share=0.0,
        )
        problem = instance.problem()
        matcher = ExactMarginalMatcher()
        first = matcher.match(problem, NumpySource(0))
        num, den = first.marginal_numerators, first.marginal_denominators
        assert num is not None
        assert den is not None
        p = num / den
        expected = first.expected_loads()
        assert expected is not None
        lo = np.asarray([math.floor(expected[i]) for i in problem.inspector_ids])
        hi = np.asarray([math.ceil(expected[i]) for i in problem.inspector_ids])
        assert any(v == 6 for v in expected.values()), "the cap should bind in this instance"
        counts = np.zeros(problem.n_edges, dtype=np.int64)
        for seed in range(RUNS):
            result = matcher.match(problem, NumpySource(seed))
            counts += result.chosen
            loads = np.bincount(problem.edge_inspector[result.chosen], minlength=len(problem.inspector_ids))
            assert np.all((lo <= loads) & (loads <= hi))
        tol = Z * np.sqrt(RUNS * p * (1 - p)) + 1
        worst = int(np.argmax(np.abs(counts - RUNS * p) - tol))
        assert np.all(np.abs(counts - RUNS * p) <= tol), (
            f"pair {worst}: {counts[worst]} of {RUNS}, expected {RUNS * p[worst]:.1f} "
            f"(marginal {Fraction(int(num[worst]), int(den[worst]))})"
        )
