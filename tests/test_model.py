"""Tests for randinspect.model: subject kinds, ordered scales, complaint records."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect.errors import ScaleError
from randinspect.model import (
    DEFAULT_CREDIT_SCALE,
    DEFAULT_RISK_SCALE,
    OrderedScale,
    SubjectKind,
)


class TestSubjectKind:
    def test_nine_kinds(self) -> None:
        """The directory covers the six subject kinds and three non-subject objects of §四(二)."""
        assert len(SubjectKind) == 9
        assert sum(k.is_subject for k in SubjectKind) == 6

    @pytest.mark.parametrize("kind", list(SubjectKind))
    def test_parse_every_spelling(self, kind: SubjectKind) -> None:
        """A kind is read back from its value, its enum name and its Chinese term."""
        for text in (kind.value, kind.name, kind.zh, f"  {kind.value.upper()} "):
            assert SubjectKind.parse(text) is kind

    def test_unknown_kind_lists_accepted(self) -> None:
        """An unknown kind is a ScaleError that lists the accepted spellings."""
        with pytest.raises(ScaleError, match="individual_business"):
            SubjectKind.parse("合伙企业x")


class TestOrderedScale:
    @given(st.sampled_from(DEFAULT_CREDIT_SCALE.levels))
    def test_levels_and_labels_parse_to_level(self, level: str) -> None:
        """Every level and its Chinese label parse to the level itself."""
        i = DEFAULT_CREDIT_SCALE.rank(level)
        assert DEFAULT_CREDIT_SCALE.parse(level) == level
        assert DEFAULT_CREDIT_SCALE.parse(DEFAULT_CREDIT_SCALE.labels[i]) == level
        assert DEFAULT_CREDIT_SCALE.parse(level.lower()) == level

    def test_full_width_and_aliases(self) -> None:
        """Full-width letters (common in Chinese data) and aliases are understood."""
        assert DEFAULT_CREDIT_SCALE.parse("Ｃ类") == "C"
        assert DEFAULT_RISK_SCALE.parse("高风险") == "high"
        assert DEFAULT_RISK_SCALE.parse("中") == "medium"

    def test_order_best_to_worst(self) -> None:
        """Levels are ordered from best to worst; at_least gives the tail."""
        assert DEFAULT_RISK_SCALE.at_least("medium") == ("medium", "high")
        assert DEFAULT_CREDIT_SCALE.worst == "D"
        assert DEFAULT_CREDIT_SCALE.rank("A") < DEFAULT_CREDIT_SCALE.rank("D")

    def test_unknown_level(self) -> None:
        """An unknown grade names the scale and its levels."""
        with pytest.raises(ScaleError, match=r"credit grade 'E'.*A, B, C, D"):
            DEFAULT_CREDIT_SCALE.parse("E")
        with pytest.raises(ScaleError):
            DEFAULT_CREDIT_SCALE.rank("E")

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"levels": ()}, "at least one"),
            ({"levels": ("a", "a")}, "duplicate"),
            ({"levels": ("a", "b"), "labels": ("x",)}, "labels"),
            ({"levels": ("a",), "aliases": {"z": "b"}}, "unknown level"),
        ],
    )
    def test_invalid_scales(self, kwargs: dict[str, object], match: str) -> None:
        """A malformed scale is refused when built."""
        with pytest.raises(ScaleError, match=match):
            OrderedScale(name="x", **kwargs)  # type: ignore[arg-type]

    def test_picklable_and_equal(self) -> None:
        """Scales cross process boundaries unchanged (sweeps run in worker processes)."""
        assert pickle.loads(pickle.dumps(DEFAULT_RISK_SCALE)) == DEFAULT_RISK_SCALE
