"""Tests of the vectorised building blocks behind the loaders: they equal their one-by-one definitions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.codes import uscc_problems
from randinspect.directory import _build as build
from randinspect.directory._build import (
    bad_id_chars,
    control_mask,
    factorize,
    norm_array,
    sort_ids,
    uscc_reasons,
)
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
        """control_mask flags exactly the strings holding a control character (an embedded NUL too)."""
        values = [v.rstrip("\x00") for v in values]
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


def _reference_factorize(values: list[object]) -> tuple[list[int], list[object]]:
    """Dictionary factorisation in order of first appearance: the definition factorize must meet."""
    uniq = list(dict.fromkeys(values))
    index = {v: i for i, v in enumerate(uniq)}
    return [index[v] for v in values], uniq


#: Texts of every width class: empty, one or two characters (packed exactly) and longer ones (hashed).
_CELLS = st.text(st.sampled_from("ab中 ;\u3000é"), max_size=6) | st.sampled_from(
    ["", "a", "ab", "individual_business", "520102-SAMR-01", "520102-SAMR-02", "贵阳市"]
)


class TestFactorizeArrays:
    @settings(deadline=None, max_examples=80)
    @given(st.lists(_CELLS, min_size=1, max_size=40), st.sampled_from([3, 65_536]))
    def test_string_array_equals_dictionary(self, values: list[str], chunk: int) -> None:
        """A string array factorises exactly like the dictionary definition, in any block size."""
        arr = np.array(values, dtype=str)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(build, "_HASH_CHUNK", chunk)
            codes, uniq = factorize(arr)
        assert (codes.tolist(), uniq) == _reference_factorize(arr.tolist())
        assert codes.dtype == np.int32

    @settings(deadline=None, max_examples=60)
    @given(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=40) | st.lists(st.booleans()))
    def test_integer_and_boolean_arrays_equal_dictionary(self, values: list[int]) -> None:
        """Integer and boolean arrays factorise exactly like the dictionary definition."""
        arr = np.array(values, dtype=bool if values and isinstance(values[0], bool) else np.int64)
        codes, uniq = factorize(arr)
        assert (codes.tolist(), uniq) == _reference_factorize(arr.tolist())

    @settings(deadline=None, max_examples=40)
    @given(st.lists(_CELLS, min_size=1, max_size=30))
    def test_hash_collisions_fall_back(self, values: list[str]) -> None:
        """Even if every string hashed to one key, the verification catches it and the result is exact."""
        arr = np.array(values, dtype=str)

        def colliding(a: np.ndarray) -> tuple[np.ndarray, bool]:
            return np.zeros(len(a), dtype=np.uint64), False

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(build, "_row_keys", colliding)
            codes, uniq = factorize(arr)
        assert (codes.tolist(), uniq) == _reference_factorize(arr.tolist())

    def test_list_of_lists_keyed_by_tuple(self) -> None:
        """Unhashable list cells are keyed by tuples; equal lists share a code."""
        codes, uniq = factorize([["a"], ["b"], ["a"], "x"])
        assert codes.tolist() == [0, 1, 0, 2]
        assert uniq == [("a",), ("b",), "x"]


class TestSortIds:
    @settings(deadline=None, max_examples=80)
    @given(
        st.lists(
            st.text(st.sampled_from("0912AZaz:-_"), max_size=20)
            | st.text(st.characters(exclude_characters="\x00"), max_size=12),
            max_size=40,
        ),
        st.sampled_from([2, 65_536]),
    )
    def test_equals_stable_string_argsort(self, ids: list[str], chunk: int) -> None:
        """sort_ids gives numpy's stable argsort of the strings and flags equal neighbours exactly."""
        arr = np.array(ids, dtype=str) if ids else np.zeros(0, dtype=str)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(build, "_HASH_CHUNK", chunk)
            order, equal_next = sort_ids(arr)
        expected = np.argsort(arr, kind="stable")
        assert order.tolist() == expected.tolist()
        ordered = [str(x) for x in arr[expected]]
        assert equal_next.tolist() == [a == b for a, b in itertools.pairwise(ordered)]

    def test_code_point_order_of_prefixes(self) -> None:
        """A prefix sorts before its extensions and the order is by code point, not by locale."""
        ids = np.array(["PRD:10", "PRD:1", "PRD:1", "prd:0", "PRD:0123456789ABCDEFGHIJ", "PRD:"])
        order, equal_next = sort_ids(ids)
        assert ids[order].tolist() == sorted(ids.tolist())
        assert equal_next.tolist() == [False, False, True, False, False]


class TestBlockedChecks:
    @settings(deadline=None, max_examples=60)
    @given(
        st.lists(
            st.text(st.sampled_from(" \t\u3000\u00a0ab中\u0301\uff01\uff00\u2028\x85"), max_size=8)
            | st.text(st.characters(exclude_characters="\x00"), max_size=8),
            min_size=1,
            max_size=30,
        )
    )
    def test_small_blocks_equal_definitions(self, values: list[str]) -> None:
        """With tiny row blocks, norm_array, control_mask and bad_id_chars still equal their definitions."""
        values = [v.rstrip("\x00") for v in values]
        arr = np.array(values, dtype=str)
        before = arr.copy()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(build, "_HASH_CHUNK", 3)
            normed = norm_array(arr)
            controls = control_mask(arr)
            bad = bad_id_chars(arr)
        assert normed.tolist() == [norm_text(v) for v in arr.tolist()]
        assert controls.tolist() == [has_control(v) for v in arr.tolist()]
        forbidden = set(",;；|\"'\\")
        assert bad.tolist() == [
            not v.isprintable() or any(c.isspace() or c in forbidden for c in v) for v in arr.tolist()
        ]
        assert arr.tolist() == before.tolist()  # the input is not changed

    @settings(deadline=None, max_examples=40)
    @given(st.lists(usccs() | invalid_usccs(), min_size=1, max_size=20))
    def test_uscc_reasons_in_small_blocks(self, codes: list[str]) -> None:
        """uscc_reasons in blocks of two rows equals uscc_problems row by row."""
        normalised = [c.strip() for c in codes]
        expected = {i: uscc_problems(c) for i, c in enumerate(normalised) if uscc_problems(c)}
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(build, "_HASH_CHUNK", 2)
            assert uscc_reasons(np.array(normalised, dtype=str)) == expected
