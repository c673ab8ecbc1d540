"""Tests of the vectorised building blocks behind the loaders: they equal their one-by-one definitions."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.codes import uscc_problems
from randinspect.directory._build import bad_id_chars, control_mask, factorize, norm_array, uscc_reasons
from randinspect.directory._text import looks_like_mojibake
from randinspect.directory._values import has_control, norm_text, parse_alive, split_tags
from randinspect.testing._codes import invalid_usccs, usccs


class TestUsccReasons:
    @settings(deadline=None, max_examples=60)
    @given(
        st.lists(
            usccs() | invalid_usccs() | st.text(st.characters(exclude_characters="\x00"), max_size=20),
            max_size=30,
        )
    )
    def test_equals_uscc_problems_row_by_row(self, codes: list[str]) -> None:
        """The vectorised check finds exactly the codes uscc_problems rejects, with the same reasons.

        (NUL is left out of the text: numpy strings cannot end in NUL.)
        """
        normalised = [c.strip() for c in codes]
        expected = {i: uscc_problems(c) for i, c in enumerate(normalised) if uscc_problems(c)}
        assert (
            uscc_reasons(np.array(normalised, dtype=str) if normalised else np.zeros(0, dtype=str))
            == expected
        )


class TestNormArray:
    @settings(deadline=None, max_examples=80)
    @given(
        st.lists(
            st.text(st.characters(exclude_characters="\x00"), max_size=12) | st.none() | st.integers(),
            max_size=20,
        )
    )
    def test_equals_norm_text(self, values: list[object]) -> None:
        """norm_array gives norm_text of every value (NFC, stripped; None as empty).

        NUL is left out: numpy strings cannot end in NUL.
        """
        assert norm_array(values).tolist() == [norm_text(v) for v in values]

    @settings(deadline=None, max_examples=80)
    @given(st.lists(st.text(max_size=12), max_size=20))
    def test_control_mask_equals_has_control(self, values: list[str]) -> None:
        """control_mask flags exactly the strings holding a control character (NUL excepted)."""
        values = [v.replace("\x00", "") for v in values]
        arr = np.array(values, dtype=str) if values else np.zeros(0, dtype=str)
        assert control_mask(arr).tolist() == [has_control(v) for v in values]


class TestValues:
    @given(st.lists(st.sampled_from(["a", "b", "c", 1, 2, None, True]), max_size=30))
    def test_factorize_round_trip(self, values: list[object]) -> None:
        """factorize's codes index its distinct values to give the input back."""
        codes, uniq = factorize(values)
        assert [uniq[c] for c in codes.tolist()] == values
        assert len(set(map(repr, uniq))) == len(uniq)

    def test_alive_spellings(self) -> None:
        """The documented alive spellings map as documented."""
        for text in ["1", "true", "是", "存续", "在营", "ＴＲＵＥ", True, 1]:
            assert parse_alive(text) is True
        for text in ["0", "false", "否", "吊销", "注销", False, 0]:
            assert parse_alive(text) is False

    def test_tags_split_and_sorted(self) -> None:
        """Tags split on ; ； and |, are stripped, de-duplicated and sorted."""
        assert split_tags(" food；SAMR:key | food;") == ("SAMR:key", "food")
        assert split_tags(["b", "a"]) == ("a", "b")

    def test_mojibake_heuristic(self) -> None:
        """Typical garbling is flagged; clean Chinese, English and full-width text is not."""
        for clean in ["贵阳市南明区某某有限公司", "Guiyang Co., Ltd.", "（个体）经营部：食品", "云岩区"]:
            assert not looks_like_mojibake(clean)
        for word in ["有限公司", "个体工商户", "贵阳市场", "，"]:
            garbled = word.encode("utf-8").decode("gb18030", errors="replace")
            assert looks_like_mojibake(garbled), garbled
            assert looks_like_mojibake(word.encode("utf-8").decode("latin-1"))


class TestIdCharacters:
    @settings(deadline=None, max_examples=80)
    @given(st.lists(st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=10), max_size=20))
    def test_bad_id_chars_equals_definition(self, values: list[str]) -> None:
        """bad_id_chars flags exactly ids with white space, separators or non-printable characters."""
        forbidden = set(",;；|\"'\\")
        expected = [not v.isprintable() or any(c.isspace() or c in forbidden for c in v) for v in values]
        arr = np.array(values, dtype=str) if values else np.zeros(0, dtype=str)
        assert bad_id_chars(arr).tolist() == expected
