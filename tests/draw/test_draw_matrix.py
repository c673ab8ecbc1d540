"""Tests of randinspect.draw credit-risk matrices: SAMR defaults and tables."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given

from randinspect.draw import DEFAULT_CREDIT_MULTIPLIERS, SamrMatrix, TableMatrix, matrix_from_dict
from randinspect.errors import ConfigurationError, LoadError, ScaleError
from randinspect.testing._draw import credit_risk_matrices
from randinspect.typing import CreditRiskMatrix

FULL_CSV = "credit,risk,multiplier,frequency\n" + "\n".join(
    f"{c},{r},{i + 1}/2,1"
    for i, (c, r) in enumerate((c, r) for c in "ABCD" for r in ("low", "medium", "high"))
)


class TestSamrMatrix:
    def test_default_direction(self) -> None:
        """A is reduced, B normal, C raised, D greatly raised, at every risk class."""
        m = SamrMatrix()
        for risk in ("low", "medium", "high"):
            values = [m.multiplier(c, risk) for c in "ABCD"]
            assert values == sorted(values)
            assert len(set(values)) == 4
        assert m.multiplier("B", "medium") == 1
        assert m.multiplier("D", "high") == 8
        assert dict(m.credit_multipliers) == dict(DEFAULT_CREDIT_MULTIPLIERS)

    def test_round_shares(self) -> None:
        """A-class subjects take part in half the rounds by default, the others in all."""
        m = SamrMatrix()
        assert m.frequency("A", "low") == Fraction(1, 2)
        assert m.frequency("D", "high") == 1

    def test_conforms(self) -> None:
        """SamrMatrix and TableMatrix satisfy the CreditRiskMatrix Protocol."""
        assert isinstance(SamrMatrix(), CreditRiskMatrix)
        assert isinstance(TableMatrix.from_csv(FULL_CSV), CreditRiskMatrix)

    @pytest.mark.parametrize(("credit", "risk"), [("E", "low"), ("A", "extreme")])
    def test_unknown_grade(self, credit: str, risk: str) -> None:
        """A grade or class the matrix does not cover raises ScaleError naming it."""
        with pytest.raises(ScaleError, match=r"E|extreme"):
            SamrMatrix().multiplier(credit, risk)
        with pytest.raises(ScaleError):
            SamrMatrix().frequency(credit, risk)

    def test_configurable(self) -> None:
        """Multipliers accept strings and fractions; negative values and bad shares are refused."""
        m = SamrMatrix(credit_multipliers={"A": "0.25", "B": 1}, credit_round_shares={"A": "1/4", "B": "1"})
        assert m.multiplier("A", "medium") == Fraction(1, 4)
        with pytest.raises(ConfigurationError):
            SamrMatrix(credit_multipliers={"A": -1, "B": 1, "C": 1, "D": 1})
        with pytest.raises(ConfigurationError):
            SamrMatrix(credit_round_shares={"A": 0, "B": 1, "C": 1, "D": 1})
        with pytest.raises(ConfigurationError, match="same grades"):
            SamrMatrix(credit_multipliers={"A": 1})
        with pytest.raises(ConfigurationError, match="not a number"):
            SamrMatrix(risk_multipliers={"low": "x"})

    @given(credit_risk_matrices())
    def test_dict_round_trip(self, matrix: SamrMatrix | TableMatrix) -> None:
        """matrix_from_dict(m.to_dict()) rebuilds an equal matrix."""
        assert matrix_from_dict(matrix.to_dict()) == matrix


class TestTableMatrix:
    def test_csv(self, tmp_path: Path) -> None:
        """A full CSV table loads from a file, with labels accepted for grades."""
        path = tmp_path / "m.csv"
        path.write_text(FULL_CSV.replace("A,low", "A类,低风险"), encoding="utf-8-sig")
        m = TableMatrix.from_csv(path)
        assert m.multiplier("A", "low") == Fraction(1, 2)
        assert m.multiplier("D", "high") == 6

    def test_chinese_headers_and_default_frequency(self) -> None:
        """Chinese headers work and a missing frequency column means 1."""
        text = "信用等级,风险等级,倍数\n" + "\n".join(
            f"{c},{r},1" for c in "ABCD" for r in ("low", "medium", "high")
        )
        assert TableMatrix.from_csv(text).frequency("B", "low") == 1

    def test_missing_cell(self) -> None:
        """A table without every cell is refused, listing the missing cells."""
        text = FULL_CSV.rsplit("\n", 1)[0]
        with pytest.raises(LoadError, match=r"\(D, high\) is missing"):
            TableMatrix.from_csv(text)

    def test_unknown_grade_names_row_and_column(self) -> None:
        """An unknown grade is reported with its row and column."""
        with pytest.raises(LoadError) as info:
            TableMatrix.from_csv(FULL_CSV + "\nE,low,1,1")
        problem = info.value.problems[0]
        assert (problem.row, problem.column, problem.value) == (13, "credit", "E")

    def test_bad_number_and_duplicate(self) -> None:
        """A bad multiplier and a duplicate cell are both reported."""
        text = FULL_CSV.replace("A,low,1/2", "A,low,many") + "\nB,low,1,1"
        with pytest.raises(LoadError) as info:
            TableMatrix.from_csv(text)
        codes = {p.code for p in info.value.problems}
        assert codes == {"matrix.value", "matrix.duplicate"}

    def test_missing_header(self) -> None:
        """A table without the multiplier column is refused."""
        with pytest.raises(LoadError, match="multiplier"):
            TableMatrix.from_csv("credit,risk\nA,low\n")

    def test_json(self, tmp_path: Path) -> None:
        """The JSON form of to_dict loads back."""
        m = TableMatrix.from_csv(FULL_CSV)
        path = tmp_path / "m.json"
        path.write_text(json.dumps(m.to_dict()), encoding="utf-8")
        assert TableMatrix.from_json(path) == m
        with pytest.raises(LoadError):
            TableMatrix.from_json('{"cells": 3}')

    def test_constructor_checks(self) -> None:
        """The constructor refuses missing cells and cells naming unknown levels."""
        with pytest.raises(ConfigurationError, match="misses"):
            TableMatrix(credit_levels=["A"], risk_levels=["low", "high"], cells={("A", "low"): (1, 1)})
        with pytest.raises(ConfigurationError, match="unknown credit"):
            TableMatrix(
                credit_levels=["A"], risk_levels=["low"], cells={("A", "low"): (1, 1), ("Z", "low"): (1, 1)}
            )

    def test_unknown_kind(self) -> None:
        """matrix_from_dict refuses unknown kinds."""
        with pytest.raises(ConfigurationError):
            matrix_from_dict({"kind": "magic"})
