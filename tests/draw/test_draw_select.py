"""Tests of randinspect.draw systematic selection: exact probabilities, counts, order."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.draw import exact_selection_probabilities, selection_order, systematic_select
from randinspect.errors import InputError


@st.composite
def numerators(draw: st.DrawFn, max_denominator: int = 64) -> tuple[list[int], int]:
    """Integer inclusion numerators over a small denominator."""
    d = draw(st.integers(1, max_denominator))
    a = draw(st.lists(st.integers(0, d), min_size=1, max_size=25))
    return a, d


def brute_force(a: list[int], d: int) -> list[Fraction]:
    """Selection probabilities by trying every start."""
    hits = [0] * len(a)
    for u in range(d):
        for i in np.flatnonzero(systematic_select(a, u, d)).tolist():
            hits[i] += 1
    return [Fraction(h, d) for h in hits]


class TestSystematicSelect:
    @settings(deadline=None)
    @given(numerators())
    def test_exact_probabilities_by_integration(self, case: tuple[list[int], int]) -> None:
        """Integrating over the start, each object is selected with probability exactly a_i / D."""
        a, d = case
        assert exact_selection_probabilities(a, d) == [Fraction(x, d) for x in a]

    @settings(deadline=None, max_examples=30)
    @given(numerators(max_denominator=16))
    def test_integration_matches_brute_force(self, case: tuple[list[int], int]) -> None:
        """The breakpoint integration agrees with trying every start (small D)."""
        a, d = case
        assert exact_selection_probabilities(a, d) == brute_force(a, d)

    @settings(deadline=None)
    @given(numerators(max_denominator=2**32), st.data())
    def test_any_block_holds_floor_or_ceil(self, case: tuple[list[int], int], data: st.DataObject) -> None:
        """Any run of consecutive objects with numerator sum L holds floor(L/D) or ceil(L/D) selections."""
        a, d = case
        u = data.draw(st.integers(0, d - 1))
        chosen = systematic_select(a, u, d)
        i = data.draw(st.integers(0, len(a) - 1))
        j = data.draw(st.integers(i, len(a)))
        total = sum(a[i:j])
        count = int(chosen[i:j].sum())
        assert math.floor(Fraction(total, d)) <= count <= math.ceil(Fraction(total, d))

    @settings(deadline=None)
    @given(numerators(max_denominator=2**32), st.data())
    def test_total_within_one_of_sum(self, case: tuple[list[int], int], data: st.DataObject) -> None:
        """The number drawn is within one of Σπ; objects with π = 1 (0) are always (never) drawn."""
        a, d = case
        chosen = systematic_select(a, data.draw(st.integers(0, d - 1)), d)
        assert abs(int(chosen.sum()) - Fraction(sum(a), d)) < 1
        arr = np.asarray(a)
        assert bool(np.all(chosen[arr == d]))
        assert not bool(np.any(chosen[arr == 0]))

    def test_docstring_example(self) -> None:
        """Four objects of π = 1/2 with start 1 of 4 select the first and third."""
        assert systematic_select([2, 2, 2, 2], 1, 4).tolist() == [True, False, True, False]

    @pytest.mark.parametrize(("a", "start", "d"), [([1], 4, 4), ([1], -1, 4), ([5], 0, 4), ([-1], 0, 4)])
    def test_rejects_out_of_range(self, a: list[int], start: int, d: int) -> None:
        """Starts outside [0, D) and numerators outside [0, D] are refused."""
        with pytest.raises(InputError):
            systematic_select(a, start, d)

    def test_empty(self) -> None:
        """An empty frame selects nothing."""
        assert systematic_select([], 0, 4).shape == (0,)


class TestSelectionOrder:
    def test_orders_by_stratum_then_ticket_then_position(self) -> None:
        """Objects are ordered by stratum code, then ticket; equal tickets keep frame (id) order."""
        strata = np.array([1, 0, 1, 0, 0])
        tickets = np.array([5, 9, 2, 9, 1], dtype=np.uint64)
        assert selection_order(strata, tickets).tolist() == [4, 1, 3, 2, 0]

    def test_length_mismatch(self) -> None:
        """Strata and tickets of different lengths are refused."""
        with pytest.raises(InputError):
            selection_order(np.array([0]), np.array([1, 2], dtype=np.uint64))
