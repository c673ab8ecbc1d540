"""Tests for randinspect.codes.divisions: GB/T 2260 administrative division codes."""

from __future__ import annotations

import pickle
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect.codes import (
    DIVISIONS,
    GUIYANG_COUNTIES,
    Division,
    DivisionLevel,
    DivisionTable,
    division_level,
    is_well_formed_division,
    load_division_table,
)
from randinspect.errors import CodeError
from randinspect.testing._codes import division_codes

# Guiyang's county-level divisions as the brief and GLOSSARY.md list them, checked against the shipped table.
GUIYANG = {
    "520102": "南明区",
    "520103": "云岩区",
    "520111": "花溪区",
    "520112": "乌当区",
    "520113": "白云区",
    "520115": "观山湖区",
    "520121": "开阳县",
    "520122": "息烽县",
    "520123": "修文县",
    "520181": "清镇市",
}

PREFECTURES = {
    "520100": "贵阳市",
    "520200": "六盘水市",
    "520300": "遵义市",
    "520400": "安顺市",
    "520500": "毕节市",
    "520600": "铜仁市",
    "522300": "黔西南布依族苗族自治州",
    "522600": "黔东南苗族侗族自治州",
    "522700": "黔南布依族苗族自治州",
}


class TestShippedTable:
    def test_data_file_is_packaged(self) -> None:
        """The CSV is reachable through importlib.resources."""
        ref = resources.files("randinspect.codes").joinpath("data", "gbt2260_guizhou.csv")
        assert ref.read_text(encoding="utf-8").startswith("code,level,parent,name\n")

    def test_counts(self) -> None:
        """Guizhou: one province, 9 prefecture-level and 88 county-level divisions."""
        assert DIVISIONS.codes("province") == ("520000",)
        assert len(DIVISIONS.codes("prefecture")) == 9
        assert len(DIVISIONS.codes("county")) == 88
        assert len(DIVISIONS) == 98

    def test_prefectures(self) -> None:
        """The nine prefecture-level divisions have the expected codes and names."""
        assert {d.code: d.name for d in DIVISIONS.children("520000")} == PREFECTURES

    def test_guiyang(self) -> None:
        """GUIYANG_COUNTIES are exactly Guiyang's children, with the expected names."""
        assert {d.code: d.name for d in DIVISIONS.children("520100")} == GUIYANG
        assert tuple(sorted(GUIYANG)) == GUIYANG_COUNTIES

    def test_recent_changes_present(self) -> None:
        """The table reflects recent changes: 水城区 (2020), 黔西市 (2021), 兴仁市 (2018)."""
        assert DIVISIONS.get("520204").name == "水城区"
        assert DIVISIONS.get("520581").name == "黔西市"
        assert DIVISIONS.get("522302").name == "兴仁市"
        assert "520221" not in DIVISIONS

    def test_structure(self) -> None:
        """Every county hangs from a prefecture of its own code, every prefecture from the province."""
        for d in DIVISIONS:
            assert division_level(d.code) is d.level
            if d.level is DivisionLevel.COUNTY:
                assert d.parent == d.code[:4] + "00"
            elif d.level is DivisionLevel.PREFECTURE:
                assert d.parent == "520000"
            assert d.name

    def test_loaded_once(self) -> None:
        """The shipped table is built once per process and shared."""
        assert load_division_table() is DIVISIONS

    def test_pickles(self) -> None:
        """The table survives pickling (for process pools) with the same divisions and coverage."""
        clone = pickle.loads(pickle.dumps(DIVISIONS))
        assert clone.divisions == DIVISIONS.divisions
        assert clone.coverage == DIVISIONS.coverage


class TestLookup:
    def test_is_valid_all_levels(self) -> None:
        """Province, prefecture and county codes are valid; others are not."""
        assert DIVISIONS.is_valid("520000")
        assert DIVISIONS.is_valid("520100")
        assert DIVISIONS.is_valid("520102")
        assert not DIVISIONS.is_valid("520199")
        assert not DIVISIONS.is_valid("110101")
        assert not DIVISIONS.is_valid("52010")

    def test_covers_distinguishes_unknown_from_outside(self) -> None:
        """covers() tells an unknown Guizhou code from a code the table cannot judge."""
        assert DIVISIONS.covers("520199")
        assert not DIVISIONS.is_valid("520199")
        assert not DIVISIONS.covers("110101")
        assert not DIVISIONS.covers("5201")
        with pytest.raises(CodeError, match="not a division of province 520000") as unknown:
            DIVISIONS.get("520199")
        assert unknown.value.reasons == ("unknown code",)
        with pytest.raises(CodeError, match="outside the table's coverage") as outside:
            DIVISIONS.get("110101")
        assert outside.value.reasons == ("not covered",)
        with pytest.raises(CodeError, match="six digits") as malformed:
            DIVISIONS.get("52-0102")
        assert malformed.value.reasons == ("malformed",)

    def test_get_returns_frozen_division(self) -> None:
        """get returns a Division with code, name, level and parent."""
        d = DIVISIONS.get("520102")
        assert isinstance(d, Division)
        assert (d.code, d.name, d.level, d.parent) == ("520102", "南明区", DivisionLevel.COUNTY, "520100")
        assert DIVISIONS.get("520000").parent is None
        with pytest.raises(AttributeError):
            d.name = "x"  # type: ignore[misc]

    def test_descendants(self) -> None:
        """descendants of the province are every other division."""
        assert len(DIVISIONS.descendants("520000")) == 97
        assert [d.code for d in DIVISIONS.descendants("520100")] == list(GUIYANG_COUNTIES)

    @given(division_codes(level=None))
    def test_parent_chain_reaches_province(self, code: str) -> None:
        """Following parents from any division reaches 520000 within two steps."""
        d = DIVISIONS.get(code)
        steps = 0
        while d.parent is not None:
            d = DIVISIONS.get(d.parent)
            steps += 1
        assert d.code == "520000"
        assert steps <= 2


class TestWellFormed:
    @pytest.mark.parametrize(
        ("code", "ok"),
        [
            ("520000", True),
            ("520100", True),
            ("520102", True),
            ("429004", True),
            ("520002", False),
            ("020102", False),
            ("52010", False),
            ("5201020", False),
            ("52O102", False),
            ("５２０１０２", False),
        ],
    )
    def test_forms(self, code: str, ok: bool) -> None:
        """Six ASCII digits, no leading zero, a county never directly under prefecture 00."""
        assert is_well_formed_division(code) is ok

    @given(st.text(max_size=8))
    def test_level_defined_exactly_for_well_formed(self, text: str) -> None:
        """division_level returns a level for well-formed codes and raises for the rest."""
        if is_well_formed_division(text):
            assert isinstance(division_level(text), DivisionLevel)
        else:
            with pytest.raises(CodeError):
                division_level(text)


class TestExtending:
    def test_from_csv_and_merge(self, tmp_path: Path) -> None:
        """A user table from CSV merges with the shipped one; coverage and lookups combine."""
        path = tmp_path / "beijing.csv"
        path.write_text(
            "code,level,parent,name\n110000,,,北京市\n110101,,,东城区\n110102,county,,西城区\n",
            encoding="utf-8",
        )
        beijing = DivisionTable.from_csv(path)
        assert beijing.get("110101").parent == "110000"
        assert beijing.coverage == frozenset({"11"})
        both = DIVISIONS.merged(beijing)
        assert both.is_valid("110101")
        assert both.is_valid("520102")
        assert both.covers("110105")
        assert both.covers("520102")
        assert len(both) == len(DIVISIONS) + 3
        assert not DIVISIONS.is_valid("110101")

    def test_from_csv_accepts_bom(self, tmp_path: Path) -> None:
        """A UTF-8 file with a byte-order mark loads."""
        path = tmp_path / "t.csv"
        path.write_bytes("code,level,parent,name\n520000,province,,贵州省\n".encode("utf-8-sig"))
        assert DivisionTable.from_csv(path).get("520000").name == "贵州省"

    @pytest.mark.parametrize("content", [None, "code,level,parent,name\n530102,county,530100,五华区\n"])
    def test_from_csv_unreadable_is_code_error(self, tmp_path: Path, content: str | None) -> None:
        """A missing file or one not in the given encoding is a CodeError naming the file, not an OSError."""
        path = tmp_path / "t.csv"
        if content is not None:
            path.write_bytes(content.encode("gb18030"))
        with pytest.raises(CodeError, match=r"t\.csv"):
            DivisionTable.from_csv(path)

    def test_explicit_coverage(self) -> None:
        """Coverage can be narrower than the rows, and must name provinces of the table."""
        rows = [("520000", "", "", "贵州省"), ("110000", "", "", "北京市")]
        table = DivisionTable.from_rows(rows, coverage=["520000"])
        assert table.covers("520102")
        assert not table.covers("110101")
        with pytest.raises(CodeError, match="coverage"):
            DivisionTable.from_rows(rows, coverage=["31"])

    @pytest.mark.parametrize(
        ("rows", "match"),
        [
            ([("520000", "", "", "贵州省"), ("520000", "", "", "贵州省")], "duplicate"),
            ([("52000", "", "", "x")], "not a GB/T 2260"),
            ([("520000", "county", "", "贵州省")], "province-level"),
            ([("520000", "", "", "")], "no name"),
            ([("520102", "", "520100", "南明区")], "not in the table"),
            (
                [("520000", "", "", "贵州省"), ("110000", "", "", "北京市"), ("520100", "", "110000", "x")],
                "another province",
            ),
        ],
    )
    def test_rejects_bad_rows(self, rows: list[tuple[str, str, str, str]], match: str) -> None:
        """Bad rows raise CodeError naming the problem."""
        with pytest.raises(CodeError, match=match):
            DivisionTable.from_rows(rows)

    def test_bad_header(self, tmp_path: Path) -> None:
        """A file without the expected header is refused with a message naming it."""
        path = tmp_path / "t.csv"
        path.write_text("id,name\n520000,贵州省\n", encoding="utf-8")
        with pytest.raises(CodeError, match="header"):
            DivisionTable.from_csv(path)
