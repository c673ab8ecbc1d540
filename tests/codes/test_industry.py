"""Tests for randinspect.codes.industry: the GB/T 4754-2017 industry tree."""

from __future__ import annotations

import pickle
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.codes import INDUSTRY, IndustryLevel, IndustryNode, IndustryTree, load_industry_tree
from randinspect.errors import CodeError
from randinspect.testing._codes import industry_codes

# Division ranges of each section in GB/T 4754-2017 (sections A-T, divisions 01-97).
SECTION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}


def naive_matches(codes: list[str], prefix: str) -> list[bool]:
    """Reference implementation of matches_prefix, one string at a time."""
    if prefix.isdigit():
        return [c.startswith(prefix) for c in codes]
    out = []
    for c in codes:
        node_section = None
        if len(c) >= 2 and c[:2].isdigit():
            division = c[:2]
            node_section = INDUSTRY.nodes[division].section if division in INDUSTRY.nodes else None
        out.append(c == prefix or node_section == prefix)
    return out


class TestShippedTable:
    def test_data_file_is_packaged(self) -> None:
        """The CSV is reachable through importlib.resources (so hatchling ships it in the wheel)."""
        ref = resources.files("randinspect.codes").joinpath("data", "gbt4754_2017.csv")
        assert ref.is_file()
        assert ref.read_text(encoding="utf-8").startswith("code,level,section,name\n")

    def test_counts(self) -> None:
        """20 sections, 97 divisions, 473 groups and 1,381 classes are shipped.

        GB/T 4754-2017 as published lists 1,380 classes; amendment No. 1 (2019) splits 9290 into 9291 and
        9299, giving 1,381. Two public transcriptions of the amended table agree on these 1,381 codes; a
        figure of 1,382 seen elsewhere could not be confirmed (see docs/codes.md).
        """
        counts = {level: len(INDUSTRY.codes(level)) for level in IndustryLevel}
        assert counts == {
            IndustryLevel.SECTION: 20,
            IndustryLevel.DIVISION: 97,
            IndustryLevel.GROUP: 473,
            IndustryLevel.CLASS: 1381,
        }
        assert len(INDUSTRY) == 20 + 97 + 473 + 1381

    def test_divisions_sit_in_their_sections(self) -> None:
        """Every division lies in the range of its section, and the ranges cover 01-97 exactly."""
        seen = []
        for code in INDUSTRY.codes("division"):
            section = INDUSTRY.section_of(code)
            low, high = SECTION_RANGES[section]
            assert low <= int(code) <= high, code
            seen.append(int(code))
        assert seen == list(range(1, 98))

    def test_every_parent_exists_one_level_up(self) -> None:
        """Classes hang from existing groups, groups from divisions, divisions from sections."""
        for node in INDUSTRY:
            if node.level is IndustryLevel.SECTION:
                assert node.parent is None
                continue
            parent = INDUSTRY.get(node.parent or "")
            assert list(IndustryLevel).index(parent.level) == list(IndustryLevel).index(node.level) - 1
            assert parent.section == node.section
            if node.level is not IndustryLevel.DIVISION:
                assert node.code.startswith(parent.code)

    def test_every_group_has_a_class(self) -> None:
        """Each group has at least one class, and a class ending in 0 is its group's only class."""
        for group in INDUSTRY.codes("group"):
            classes = [n.code for n in INDUSTRY.children(group)]
            assert classes, group
            if any(c.endswith("0") for c in classes):
                assert len(classes) == 1, group

    def test_known_names(self) -> None:
        """Spot checks against the standard's text."""
        assert INDUSTRY.get("C").name == "制造业"
        assert INDUSTRY.get("01").name == "农业"
        assert INDUSTRY.get("0111").name == "稻谷种植"
        assert INDUSTRY.get("1311").name == "稻谷加工"
        assert INDUSTRY.get("5211").name == "百货零售"
        assert INDUSTRY.get("9700").name == "国际组织"
        assert INDUSTRY.get("9291").name == "消防管理机构"

    def test_names_are_clean(self) -> None:
        """Names are non-empty, have no surrounding spaces or stray question marks, and balanced brackets."""
        for node in INDUSTRY:
            assert node.name
            assert node.name == node.name.strip()
            assert "?" not in node.name
            assert node.name.count("(") == node.name.count(")")
            assert node.name.count("（") == node.name.count("）")

    def test_loaded_once(self) -> None:
        """The shipped tree is built once per process and shared."""
        assert load_industry_tree() is INDUSTRY

    def test_pickles(self) -> None:
        """The tree survives pickling (for process pools) with the same nodes."""
        clone = pickle.loads(pickle.dumps(INDUSTRY))
        assert clone.nodes == INDUSTRY.nodes
        assert clone.matches_prefix(["1311"], "C").tolist() == [True]


class TestLookup:
    def test_is_valid_is_canonical_only(self) -> None:
        """is_valid accepts stored codes at any level and nothing else."""
        assert INDUSTRY.is_valid("C")
        assert INDUSTRY.is_valid("13")
        assert INDUSTRY.is_valid("131")
        assert INDUSTRY.is_valid("1311")
        assert not INDUSTRY.is_valid("C1311")
        assert not INDUSTRY.is_valid("1310")
        assert not INDUSTRY.is_valid("U")
        assert not INDUSTRY.is_valid(1311)  # type: ignore[arg-type]
        assert INDUSTRY.is_valid("1311", level="class")
        assert not INDUSTRY.is_valid("131", level=IndustryLevel.CLASS)

    def test_get_returns_node(self) -> None:
        """get returns a frozen node with code, name, level, section and parent."""
        node = INDUSTRY.get("1311")
        assert isinstance(node, IndustryNode)
        assert (node.code, node.level, node.section, node.parent) == ("1311", IndustryLevel.CLASS, "C", "131")
        with pytest.raises(AttributeError):
            node.name = "x"  # type: ignore[misc]

    def test_get_unknown_raises(self) -> None:
        """An unknown code raises CodeError that says how to write codes."""
        with pytest.raises(CodeError, match="normalise"):
            INDUSTRY.get("C1311")

    def test_children(self) -> None:
        """Children are listed in code order."""
        assert [n.code for n in INDUSTRY.children("131")] == ["1311", "1312", "1313", "1314", "1319"]
        assert INDUSTRY.children("1311") == ()

    @given(industry_codes())
    def test_section_of_matches_ancestor(self, code: str) -> None:
        """section_of(code) is the section reached by following parents."""
        node = INDUSTRY.get(code)
        while node.parent is not None:
            node = INDUSTRY.get(node.parent)
        assert INDUSTRY.section_of(code) == node.code


class TestNormalise:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("1311", "1311"),
            ("C1311", "1311"),
            ("c1311", "1311"),
            (" C 1311 ", "1311"),
            ("C-13", "13"),
            ("Ｃ１３１１", "1311"),
            ("１３１", "131"),
            ("C", "C"),
            ("t", "T"),
        ],
    )
    def test_accepted_forms(self, text: str, expected: str) -> None:
        """Register spellings normalise to the canonical code."""
        assert INDUSTRY.normalise(text) == expected

    @pytest.mark.parametrize("text", ["", "1", "13111", "1310", "A1311", "C13A", "U", "C 13 11", "99"])
    def test_rejected_forms(self, text: str) -> None:
        """Malformed, unknown and wrongly lettered codes raise CodeError."""
        with pytest.raises(CodeError):
            INDUSTRY.normalise(text)

    def test_wrong_letter_message(self) -> None:
        """A wrong section letter is named with the right one."""
        with pytest.raises(CodeError, match="section C, not A"):
            INDUSTRY.normalise("A1311")

    @given(industry_codes())
    def test_idempotent_with_letter(self, code: str) -> None:
        """Normalising a code with or without its section letter gives the code."""
        assert INDUSTRY.normalise(code) == code
        if code.isdigit():
            assert INDUSTRY.normalise(INDUSTRY.section_of(code) + code) == code


class TestMatchesPrefix:
    prefixes = st.one_of(
        st.sampled_from(INDUSTRY.codes("section")),
        st.sampled_from(INDUSTRY.codes("division")),
        st.sampled_from(INDUSTRY.codes("group")),
        st.sampled_from(INDUSTRY.codes("class")),
    )
    any_codes = st.one_of(industry_codes(), st.text("0123456789CG", max_size=5))

    @settings(deadline=None)
    @given(st.lists(any_codes, max_size=60), prefixes)
    def test_equals_naive(self, codes: list[str], prefix: str) -> None:
        """The vectorised result equals the one-string-at-a-time reference, for any strings."""
        arr = np.array(codes, dtype=np.str_)
        assert INDUSTRY.matches_prefix(arr, prefix).tolist() == naive_matches(codes, prefix)

    def test_section_prefix_covers_its_subtree(self) -> None:
        """Prefix C matches exactly the codes whose section is C."""
        codes = np.array(INDUSTRY.codes(), dtype=np.str_)
        mask = INDUSTRY.matches_prefix(codes, "C")
        assert {c for c, m in zip(codes.tolist(), mask.tolist(), strict=True) if m} == {
            n.code for n in INDUSTRY if n.section == "C"
        }

    def test_shapes_and_inputs(self) -> None:
        """Lists, object arrays, 2-D arrays and empty arrays work; the shape is kept."""
        assert INDUSTRY.matches_prefix(["1311", "0111"], "13").tolist() == [True, False]
        assert INDUSTRY.matches_prefix(np.array(["1311", None], dtype=object), "13").tolist() == [True, False]
        assert INDUSTRY.matches_prefix(np.array([["1311", "C"]]), "C").shape == (1, 2)
        assert INDUSTRY.matches_prefix(np.array([], dtype=np.str_), "C").shape == (0,)
        assert INDUSTRY.matches_prefix(np.array(["", ""]), "13").tolist() == [False, False]
        assert INDUSTRY.matches_prefix(["1311"], "C13").tolist() == [True]

    def test_unknown_prefix_raises(self) -> None:
        """A prefix that is not a node of the tree raises CodeError."""
        with pytest.raises(CodeError):
            INDUSTRY.matches_prefix(["1311"], "1")
        with pytest.raises(CodeError):
            INDUSTRY.matches_prefix(["1311"], "1310")

    def test_million_codes(self) -> None:
        """A million codes are matched at once, as the one-at-a-time rule does (speed: bench_codes.py)."""
        rng = np.random.default_rng(7)
        classes = np.array(INDUSTRY.codes("class"), dtype=np.str_)
        codes = classes[rng.integers(0, len(classes), 1_000_000)]
        by_section = INDUSTRY.matches_prefix(codes, "C")
        by_division = INDUSTRY.matches_prefix(codes, "13")
        assert by_section.shape == by_division.shape == (1_000_000,)
        assert not (by_division & ~by_section).any()
        sample = codes[:2000].tolist()
        assert by_section[:2000].tolist() == naive_matches(sample, "C")
        assert by_division[:2000].tolist() == naive_matches(sample, "13")

    def test_valid_mask(self) -> None:
        """valid_mask marks the canonical codes."""
        assert INDUSTRY.valid_mask(["1311", "C1311", "C", "x"]).tolist() == [True, False, True, False]


class TestFromRows:
    def test_builds_small_tree(self) -> None:
        """A small consistent table builds; children and sections follow."""
        tree = IndustryTree.from_rows(
            [("A", "section", "A", "农"), ("01", "division", "A", "农业"), ("011", "group", "A", "谷物种植")]
        )
        assert [n.code for n in tree.children("01")] == ["011"]
        assert tree.matches_prefix(["011", "02"], "A").tolist() == [True, False]

    @pytest.mark.parametrize(
        ("rows", "match"),
        [
            ([("A", "section", "A", "x"), ("A", "section", "A", "x")], "duplicate"),
            ([("A", "section", "A", "x"), ("011", "group", "A", "x")], "parent"),
            ([("A", "section", "A", "x"), ("01", "group", "A", "x")], "division"),
            ([("A", "section", "A", "x"), ("1a", "division", "A", "x")], "malformed"),
            (
                [
                    ("A", "section", "A", "x"),
                    ("B", "section", "B", "y"),
                    ("01", "division", "A", "x"),
                    ("011", "group", "B", "x"),
                ],
                "section",
            ),
        ],
    )
    def test_rejects_inconsistent_rows(self, rows: list[tuple[str, str, str, str]], match: str) -> None:
        """Inconsistent tables raise CodeError naming the problem."""
        with pytest.raises(CodeError, match=match):
            IndustryTree.from_rows(rows)


def test_normalise_non_text_is_code_error() -> None:
    """INDUSTRY.normalise of a non-text value is a CodeError, not a TypeError."""
    import pytest

    from randinspect.codes import INDUSTRY
    from randinspect.errors import CodeError

    with pytest.raises(CodeError, match="must be text"):
        INDUSTRY.normalise(None)  # type: ignore[arg-type]
