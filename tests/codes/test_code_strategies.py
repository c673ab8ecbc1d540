"""Tests for the Hypothesis strategies of randinspect.testing._codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect.codes import DIVISIONS, INDUSTRY, IndustryLevel, is_valid_uscc
from randinspect.testing._codes import division_codes, industry_codes, invalid_usccs, usccs


class TestStrategies:
    @given(usccs())
    def test_usccs_are_valid(self, code: str) -> None:
        """usccs() yields valid codes registered in a shipped division."""
        assert is_valid_uscc(code)
        assert DIVISIONS.is_valid(code[2:8])

    @given(usccs(valid=False))
    def test_usccs_invalid_are_invalid(self, code: str) -> None:
        """usccs(valid=False) yields invalid codes."""
        assert not is_valid_uscc(code)

    @given(invalid_usccs())
    def test_invalid_usccs_are_invalid(self, code: str) -> None:
        """invalid_usccs() yields invalid codes."""
        assert not is_valid_uscc(code)

    @pytest.mark.parametrize("level", [None, *IndustryLevel])
    @given(data=st.data())
    def test_industry_codes_levels(self, level: IndustryLevel | None, data: st.DataObject) -> None:
        """industry_codes(level) yields canonical codes of that level."""
        code = data.draw(industry_codes(level))
        assert INDUSTRY.is_valid(code, level=level)

    @given(division_codes())
    def test_division_codes_are_counties(self, code: str) -> None:
        """division_codes() yields county-level codes of the shipped table."""
        assert DIVISIONS.get(code).level == "county"
