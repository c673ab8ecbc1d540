"""Tests of randinspect.draw exact π: the denominator, decimal strings, rounding and the cap report."""

from __future__ import annotations

import math
from decimal import Decimal, getcontext
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect.draw import DENOMINATOR, CapReport, decimal_string, largest_remainder
from randinspect.errors import InputError


class TestDecimalString:
    @given(st.integers(0, 10 * DENOMINATOR))
    def test_exact(self, numerator: int) -> None:
        """The decimal string equals numerator / 2**32 exactly."""
        getcontext().prec = 60
        assert Fraction(Decimal(decimal_string(numerator))) == Fraction(numerator, DENOMINATOR)

    def test_examples(self) -> None:
        """One half, one and zero print plainly."""
        assert decimal_string(DENOMINATOR // 2) == "0.5"
        assert decimal_string(DENOMINATOR) == "1"
        assert decimal_string(0) == "0"

    @pytest.mark.parametrize(("num", "den"), [(1, 3), (-1, 4), (1, 0)])
    def test_rejects(self, num: int, den: int) -> None:
        """Non-power-of-two denominators and negative numerators are refused."""
        with pytest.raises(InputError):
            decimal_string(num, den)


@st.composite
def groups(draw: st.DrawFn) -> tuple[list[Fraction], list[np.ndarray], int]:
    """Group values in [0, 1] and disjoint member positions."""
    k = draw(st.integers(1, 5))
    values = [Fraction(draw(st.integers(0, 97)), 97) for _ in range(k)]
    sizes = [draw(st.integers(0, 6)) for _ in range(k)]
    members, start = [], 0
    for s in sizes:
        members.append(np.arange(start, start + s, dtype=np.int64))
        start += s
    return values, members, start


class TestLargestRemainder:
    @given(groups(), st.data())
    def test_floor_or_ceiling_and_exact_sum(
        self, case: tuple[list[Fraction], list[np.ndarray], int], data: st.DataObject
    ) -> None:
        """Every numerator is the floor or ceiling of value × D and the sum is exactly the target."""
        values, members, size = case
        floors = sum(math.floor(v * DENOMINATOR) * len(m) for v, m in zip(values, members, strict=True))
        ceils = sum(math.ceil(v * DENOMINATOR) * len(m) for v, m in zip(values, members, strict=True))
        target = data.draw(st.integers(floors, ceils))
        out = largest_remainder(values, members, target, size)
        assert int(out.sum()) == target
        for v, m in zip(values, members, strict=True):
            for x in out[m].tolist():
                assert math.floor(v * DENOMINATOR) <= x <= math.ceil(v * DENOMINATOR)

    def test_units_go_to_largest_fractions_first(self) -> None:
        """The unit left goes to the group with the larger fractional part, then to the lower position."""
        values = [Fraction(1, 3 * DENOMINATOR), Fraction(2, 3 * DENOMINATOR)]
        members = [np.array([0, 1]), np.array([2, 3])]
        assert largest_remainder(values, members, 1, 4).tolist() == [0, 0, 1, 0]

    def test_unreachable_target(self) -> None:
        """A target outside floors..ceilings is refused."""
        with pytest.raises(InputError):
            largest_remainder([Fraction(1, 2)], [np.array([0])], DENOMINATOR, 1)


class TestCapReport:
    def test_round_trip_and_excess(self) -> None:
        """A report survives to_dict/from_dict and computes its excess."""
        report = CapReport(
            cap=Fraction(1, 10),
            frame_size=50,
            ceiling=Fraction(5),
            mandatory=7,
            requested=Fraction(9),
            granted=Fraction(7),
            scale=Fraction(0),
            exceeded=True,
        )
        assert CapReport.from_dict(report.to_dict()) == report
        assert report.excess == 2
        assert "exceed" in str(report)

    def test_no_cap(self) -> None:
        """Without a cap there is no ceiling and no excess."""
        report = CapReport(
            cap=None, frame_size=3, ceiling=None, mandatory=0, requested=Fraction(1), granted=Fraction(1)
        )
        assert report.excess == 0
        assert report.limit is None
        assert CapReport.from_dict(report.to_dict()) == report
        assert "expected" in str(report)

    def test_limit_is_the_whole_number_of_objects_allowed(self) -> None:
        """A ceiling of 95.75 objects allows at most 95: limit is floor(cap × N), and str() says so."""
        report = CapReport(
            cap=Fraction(1, 20),
            frame_size=1915,
            ceiling=Fraction(383, 4),
            mandatory=3,
            requested=Fraction(200),
            granted=Fraction(95),
            scale=Fraction(1, 2),
        )
        assert report.limit == 95
        assert report.excess == 0
        assert "at most 95 under the cap" in str(report)


class TestInclusionTable:
    def test_views(self) -> None:
        """pi_exact, to_records, to_dataframe, counts and repr describe the same table."""
        from randinspect.directory import Scope
        from randinspect.draw import DrawFrame, TieredPolicy
        from randinspect.items import CheckItem

        frame = DrawFrame.from_arrays(
            ids=["b", "a", "c"], strata=["u2", "u1", "u1"], key=[False, True, False]
        )
        item = CheckItem(
            id="I",
            name="n",
            department="D",
            year=2027,
            scope=Scope(),
            ratio="1/2",
            cap=None,
            legal_basis=["law"],
        )
        table = TieredPolicy().inclusion(frame, item)
        assert table.pi_exact("a") == 1
        # Volume mode: 1/2 × 3 objects = 3/2 expected visits shared by the two non-key objects.
        assert table.pi_exact("b") == Fraction(3, 4)
        with pytest.raises(InputError):
            table.pi_exact("zz")
        records = table.to_records()
        assert [r["id"] for r in records] == ["a", "b", "c"]
        assert records[1]["pi"] == "0.75"
        df = table.to_dataframe()
        assert df["pi"].tolist() == [1.0, 0.75, 0.75]
        assert table.count_by_tier() == {"key": 1, "problem": 0, "risk": 0, "general": 2}
        assert table.expected_by_tier()["general"] == Fraction(3, 2)
        assert "expected=2.50" in repr(table)
        assert table.ids.flags.writeable is False

    def test_rejects_inconsistent_tables(self) -> None:
        """Tables with π out of range or mandatory objects below 1 are refused."""
        from randinspect.draw import DrawFrame, InclusionTable

        frame = DrawFrame.from_arrays(ids=["a"])
        report = CapReport(
            cap=None, frame_size=1, ceiling=None, mandatory=0, requested=Fraction(0), granted=Fraction(0)
        )
        for tiers, nums in (([3], [DENOMINATOR + 1]), ([0], [5]), ([7], [0]), ([3, 3], [0, 0])):
            with pytest.raises(InputError):
                InclusionTable(frame=frame, tier_codes=tiers, numerators=nums, cap_report=report)
