"""Tests for randinspect.items: check items, exact ratios, loading item files."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect.directory import Scope
from randinspect.errors import ConfigurationError, LoadError
from randinspect.items import (
    CheckItem,
    InspectionMethod,
    ItemCategory,
    LegalBasis,
    format_ratio,
    load_item,
    load_items,
    parse_ratio,
)

BASIS = [{"title": "《中华人民共和国食品安全法》", "article": "第一百一十条"}]


def make(**over: object) -> CheckItem:
    data: dict[str, object] = {
        "id": "SAMR-2027-001",
        "name": "食品经营许可事项检查",
        "department": "SAMR",
        "year": 2027,
        "scope": {"industries": ["H"], "regions": ["5201"]},
        "ratio": "5%",
        "legal_basis": BASIS,
    }
    data.update(over)
    return CheckItem.from_dict(data)


class TestParseRatio:
    @pytest.mark.parametrize("text", ["5%", "５％", "0.05", "1/20", 0.05, Fraction(1, 20)])
    def test_spellings(self, text: object) -> None:
        """Percentages, decimals, fractions and floats give the same exact ratio."""
        assert parse_ratio(text) == Fraction(1, 20)

    @pytest.mark.parametrize("bad", ["-1%", "1.5", "abc", None, True, "1/0", [0.1]])
    def test_rejects(self, bad: object) -> None:
        """Values outside [0, 1] or not numbers are ConfigurationErrors."""
        with pytest.raises(ConfigurationError):
            parse_ratio(bad)

    @given(st.fractions(min_value=0, max_value=1, max_denominator=10**6))
    def test_format_round_trip(self, r: Fraction) -> None:
        """format_ratio writes every ratio exactly: parsing it back gives the same Fraction."""
        assert parse_ratio(format_ratio(r)) == r

    def test_format_decimal_when_finite(self) -> None:
        """Ratios with a finite decimal expansion are written as decimals."""
        assert format_ratio(Fraction(1, 20)) == "0.05"
        assert format_ratio(Fraction(1, 3)) == "1/3"
        assert format_ratio(Fraction(1)) == "1"


class TestSpellings:
    @pytest.mark.parametrize(
        ("text", "method"),
        [
            ("on_site", InspectionMethod.ON_SITE),
            ("实地检查", InspectionMethod.ON_SITE),
            ("实地", InspectionMethod.ON_SITE),
            ("线上", InspectionMethod.ONLINE),
            ("书面", InspectionMethod.DOCUMENTS),
            ("信用承诺", InspectionMethod.CREDIT_COMMITMENT),
        ],
    )
    def test_method_terms(self, text: str, method: InspectionMethod) -> None:
        """Methods read from their value or Chinese term, also in the short form 实地/线上/书面."""
        assert InspectionMethod.parse(text) is method


class TestCheckItem:
    def test_defaults(self) -> None:
        """A general item is capped at its ratio by default; a key item has no ceiling."""
        general = make()
        assert general.category is ItemCategory.GENERAL
        assert general.cap == Fraction(1, 20)
        assert general.method is InspectionMethod.ON_SITE
        assert isinstance(general.scope, Scope)
        key = make(category="重点事项")
        assert key.category is ItemCategory.KEY
        assert key.cap is None

    def test_no_legal_basis_rejected(self) -> None:
        """Nothing may be checked without a legal basis (§四(四))."""
        with pytest.raises(ConfigurationError, match="no legal basis"):
            make(legal_basis=[])

    @pytest.mark.parametrize(
        ("field", "value", "match"),
        [
            ("ratio", "120%", "outside"),
            ("frequency", 0, "frequency"),
            ("cap", "2", "outside"),
            ("method", "by phone", "unknown inspection method"),
            ("category", "urgent", "unknown item category"),
            ("scope", {"colour": "red"}, "unknown scope field"),
            ("surprise", 1, "unknown field"),
            ("id", None, "id must be text"),
            ("name", 5, "name must be text"),
            ("department", None, "department must be text"),
            ("content", ["a"], "content must be text"),
            ("expert_specialty", 3, "expert_specialty must be text"),
        ],
    )
    def test_bad_fields(self, field: str, value: object, match: str) -> None:
        """Each malformed field is a ConfigurationError naming the problem."""
        with pytest.raises(ConfigurationError, match=match):
            make(**{field: value})

    def test_missing_field(self) -> None:
        """Missing required fields are named."""
        with pytest.raises(ConfigurationError, match="missing field"):
            CheckItem.from_dict({"id": "x"})

    @given(
        ratio=st.fractions(min_value=0, max_value=1, max_denominator=1000),
        frequency=st.integers(1, 4),
        category=st.sampled_from(ItemCategory),
        method=st.sampled_from(InspectionMethod),
    )
    def test_dict_round_trip(
        self, ratio: Fraction, frequency: int, category: ItemCategory, method: InspectionMethod
    ) -> None:
        """from_dict(to_dict(item)) == item, through JSON text."""
        item = make(
            ratio=ratio,
            frequency=frequency,
            category=category.value,
            method=method.value,
            key_scope={"tags_any": ["SAMR:key:special-equipment-user"]},
        )
        again = CheckItem.from_dict(json.loads(json.dumps(item.to_dict(), ensure_ascii=False)))
        assert again == item

    def test_legal_basis_string_form(self) -> None:
        """A citation may be written "title|article"."""
        item = make(legal_basis=["《特种设备安全法》|第五十七条"])
        assert item.legal_basis == (LegalBasis("《特种设备安全法》", "第五十七条"),)


class TestLoad:
    def test_load_item_and_items(self, tmp_path: Path) -> None:
        """Item files load as one item or a list."""
        item = make()
        one = tmp_path / "item.json"
        one.write_text(json.dumps(item.to_dict(), ensure_ascii=False), encoding="utf-8")
        assert load_item(one) == item
        many = tmp_path / "items.json"
        other = make(id="SAMR-2027-002")
        many.write_text(json.dumps({"items": [item.to_dict(), other.to_dict()]}), encoding="utf-8")
        assert load_items(many) == (item, other)

    def test_duplicate_ids(self, tmp_path: Path) -> None:
        """Duplicate item ids are refused with the position of the second."""
        p = tmp_path / "items.json"
        p.write_text(json.dumps([make().to_dict(), make().to_dict()]), encoding="utf-8")
        with pytest.raises(LoadError, match="duplicate item id") as info:
            load_items(p)
        assert info.value.problems[0].row == 2

    @pytest.mark.parametrize(
        ("content", "match"),
        [("", "empty"), ("{", "invalid JSON"), ('{"id": 1}', "missing field"), ("[1]", "JSON object")],
    )
    def test_bad_files(self, tmp_path: Path, content: str, match: str) -> None:
        """Unreadable or invalid item files are LoadErrors naming the file."""
        p = tmp_path / "bad.json"
        p.write_text(content, encoding="utf-8")
        with pytest.raises(LoadError, match=match):
            load_items(p) if content.startswith("[") else load_item(p)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is a LoadError, not an OSError."""
        with pytest.raises(LoadError, match="cannot read"):
            load_item(tmp_path / "nope.json")


class TestScopeRegions:
    @pytest.mark.parametrize("bad", ["52x", "5", "5201021", "５２01", ""])
    def test_region_prefixes_must_be_digits(self, bad: str) -> None:
        """A region constraint that is not 2 to 6 ASCII digits is refused, not silently matching nothing."""
        with pytest.raises(ConfigurationError, match="GB/T 2260"):
            Scope(regions=[bad])

    def test_valid_prefixes(self) -> None:
        """Province, prefecture and county prefixes are accepted."""
        assert Scope(regions=["52", "5201", "520102"]).regions == ("52", "5201", "520102")
