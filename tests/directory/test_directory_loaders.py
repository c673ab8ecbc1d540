"""Tests of the object directory loaders and writers: records, CSV, JSON, pandas; strict and lenient."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from randinspect.directory import LoadResult, ObjectDirectory, load_objects
from randinspect.errors import LoadError, Problem
from randinspect.testing._directory import object_records

HEADER = "id,name,kind,industry,region,unit,credit,risk,alive,tags"
ZH_HEADER = "统一社会信用代码,名称,主体类型,行业代码,区划代码,监管单位,信用等级,风险等级,存续状态,标签"
GOOD = "91520102000000000F,甲公司,企业,C1311,520102,U1,A,low,1,food"
_tmp = settings(deadline=None, max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _good2() -> str:
    from randinspect.codes import make_uscc

    return make_uscc("9", "2", "520103", "00000001")


def write(tmp_path: Path, text: str, name: str = "objects.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def lenient(path: Path, **kwargs: Any) -> LoadResult[ObjectDirectory]:
    return ObjectDirectory.from_csv(path, strict=False, **kwargs)


def only_problem(result: LoadResult[ObjectDirectory]) -> Problem:
    assert len(result.report.problems) == 1, result.report
    return result.report.problems[0]


def good_rows() -> list[str]:
    return [GOOD, f"{_good2()},乙商店,个体工商户,5211,520103,U2,B类,高,在营,SAMR:key；food"]


class TestRoundTrips:
    @_tmp
    @given(recs=object_records())
    def test_records_round_trip(self, recs: list[dict[str, Any]]) -> None:
        """records -> directory -> records gives the records back in canonical order."""
        d = ObjectDirectory.from_records(recs)
        assert d.to_records() == sorted(recs, key=lambda r: r["id"])

    @_tmp
    @given(recs=object_records())
    def test_csv_round_trip(self, tmp_path: Path, recs: list[dict[str, Any]]) -> None:
        """directory -> CSV (English or Chinese headers) -> directory is the identity."""
        d = ObjectDirectory.from_records(recs)
        for chinese in (False, True):
            path = tmp_path / f"rt-{chinese}.csv"
            d.to_csv(path, chinese_headers=chinese)
            assert ObjectDirectory.from_csv(path) == d

    @_tmp
    @given(recs=object_records())
    def test_json_round_trip(self, tmp_path: Path, recs: list[dict[str, Any]]) -> None:
        """directory -> JSON -> directory is the identity, and the JSON names the digest."""
        d = ObjectDirectory.from_records(recs)
        path = tmp_path / "rt.json"
        text = d.to_json(path)
        assert json.loads(text)["digest"] == d.digest
        assert ObjectDirectory.from_json(path) == d

    @_tmp
    @given(recs=object_records())
    def test_dataframe_round_trip(self, recs: list[dict[str, Any]]) -> None:
        """directory -> DataFrame -> directory is the identity."""
        d = ObjectDirectory.from_records(recs)
        assert ObjectDirectory.from_dataframe(d.to_dataframe()) == d

    @_tmp
    @given(recs=object_records(min_size=1))
    def test_inputs_never_mutated(self, recs: list[dict[str, Any]]) -> None:
        """Loading leaves the caller's records unchanged."""
        before = copy.deepcopy(recs)
        ObjectDirectory.from_records(recs)
        ObjectDirectory.from_records(recs, strict=False)
        assert recs == before

    def test_load_objects_dispatches_on_suffix(self, tmp_path: Path) -> None:
        """load_objects reads .json as JSON and anything else as CSV."""
        csv_path = write(tmp_path, "\n".join([HEADER, *good_rows()]) + "\n")
        d = load_objects(csv_path)
        json_path = tmp_path / "o.json"
        d.to_json(json_path)
        assert load_objects(json_path) == d
        assert load_objects(csv_path, strict=False).directory == d


class TestEncodings:
    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
    def test_encodings_detected(self, tmp_path: Path, encoding: str) -> None:
        """UTF-8, UTF-8 with BOM and GB18030 files with Chinese headers load the same directory."""
        text = "\n".join([ZH_HEADER, *good_rows()]) + "\n"
        d = ObjectDirectory.from_csv(write(tmp_path, text, encoding=encoding))
        assert len(d) == 2
        assert "甲公司" in d.names.tolist()
        assert d == ObjectDirectory.from_csv(write(tmp_path, text, "ref.csv"))

    def test_mojibake_reported_with_row_and_column(self, tmp_path: Path) -> None:
        """UTF-8 text that went through a GBK reading is reported as mojibake with a re-save hint."""
        garbled = "甲公司".encode().decode("gb18030", errors="replace")
        text = "\n".join([HEADER, GOOD, GOOD.replace("甲公司", garbled).replace("0000000F", "0000000X")])
        result = lenient(write(tmp_path, text))
        problem = only_problem(result)
        assert (problem.row, problem.column, problem.code) == (2, "name", "encoding.mojibake")
        assert "UTF-8" in (problem.hint or "")
        assert result.directory is not None
        assert len(result.directory) == 1

    def test_empty_file(self, tmp_path: Path) -> None:
        """An empty file is a problem and loads nothing."""
        result = lenient(write(tmp_path, ""))
        assert result.directory is None
        assert only_problem(result).code == "file.empty"
        with pytest.raises(LoadError, match="empty"):
            ObjectDirectory.from_csv(write(tmp_path, "\ufeff\n"))

    def test_header_only_is_an_empty_directory(self, tmp_path: Path) -> None:
        """A header without rows is a valid, empty directory."""
        assert len(ObjectDirectory.from_csv(write(tmp_path, HEADER + "\n"))) == 0

    def test_unreadable_file(self, tmp_path: Path) -> None:
        """A missing file is reported as unreadable."""
        result = lenient(tmp_path / "missing.csv")
        assert result.directory is None
        assert only_problem(result).code == "file.unreadable"


class TestHeaders:
    def test_unknown_header_suggests_closest(self, tmp_path: Path) -> None:
        """An unknown header is reported with the closest known one."""
        text = "\n".join([HEADER.replace("name", "nmae"), GOOD])
        with pytest.raises(LoadError) as info:
            ObjectDirectory.from_csv(write(tmp_path, text))
        problem = info.value.problems[0]
        assert problem.code == "header.unknown"
        assert problem.column == "nmae"
        assert "'name'" in (problem.hint or "")

    def test_missing_required_column(self, tmp_path: Path) -> None:
        """A missing required column is reported and nothing is loaded."""
        text = "id,name,kind,industry,region,unit,credit,alive\n"
        result = lenient(write(tmp_path, text))
        assert result.directory is None
        assert only_problem(result).code == "header.missing"
        assert only_problem(result).column == "risk"

    def test_duplicate_header(self, tmp_path: Path) -> None:
        """Two headers naming one column are reported."""
        text = "\n".join([HEADER + ",名称", GOOD + ",x"])
        problem = only_problem(lenient(write(tmp_path, text)))
        assert (problem.code, problem.column) == ("header.duplicate", "名称")

    def test_non_subject_id_header(self, tmp_path: Path) -> None:
        """对象编号 is accepted as the id column, for products, projects and behaviours."""
        text = "对象编号,名称,主体类型,行业代码,区划代码,监管单位,信用等级,风险等级,存续状态\n" + (
            "PRJ:2027-01,某工程,项目,4790,520111,U3,A,中,是\n"
        )
        d = ObjectDirectory.from_csv(write(tmp_path, text))
        assert d.ids.tolist() == ["PRJ:2027-01"]

    def test_department_risk_columns(self, tmp_path: Path) -> None:
        """risk@DEPT and 风险等级@DEPT columns become department risk columns."""
        text = "\n".join([HEADER + ",risk@SAMR,风险等级@MEE", GOOD + ",high,"])
        d = ObjectDirectory.from_csv(write(tmp_path, text))
        assert d.departments == ("MEE", "SAMR")
        assert d.risk_for("SAMR").tolist() == ["high"]
        assert d.risk_for("MEE").tolist() == ["low"]


def _bad(tmp_path: Path, row: str) -> Problem:
    """Load GOOD plus one bad row (row 2) leniently; return its only problem."""
    result = lenient(write(tmp_path, "\n".join([HEADER, GOOD, row])))
    problem = only_problem(result)
    assert problem.row == 2
    assert result.directory is not None
    assert len(result.directory) == 1
    return problem


class TestValueErrors:
    def test_bad_uscc_check_digit(self, tmp_path: Path) -> None:
        """A wrong check character names expected and given."""
        row = GOOD.replace("0000000F", "0000001F")
        problem = _bad(tmp_path, row)
        assert (problem.column, problem.code) == ("id", "id.uscc")
        assert "expected" in problem.message
        assert "'F'" in problem.message

    def test_uscc_every_reason(self, tmp_path: Path) -> None:
        """A code with several faults lists every reason."""
        problem = _bad(tmp_path, GOOD.replace("91520102000000000F", "Z1990102000000000F"))
        assert "registration-authority" in problem.message
        assert "division" in problem.message

    @pytest.mark.parametrize(
        ("old", "new", "column", "code"),
        [
            (",A,", ",E,", "credit", "credit.unknown"),
            (",low,", ",extreme,", "risk", "risk.unknown"),
            ("C1311", "9999", "industry", "industry.unknown"),
            ("520102", "520199", "region", "region.unknown"),
            ("520102", "110101", "region", "region.uncovered"),
            ("520102", "5201", "region", "region.malformed"),
            (",企业,", ",robot,", "kind", "kind.unknown"),
            (",1,food", ",maybe,food", "alive", "alive.unknown"),
            (",U1,", ",,", "unit", "unit.missing"),
            ("甲公司", "", "name", "name.missing"),
        ],
    )
    def test_each_value_error(self, tmp_path: Path, old: str, new: str, column: str, code: str) -> None:
        """Each kind of bad value is reported with its row, column, value and code."""
        row = GOOD.replace("91520102000000000F", _good2()).replace(old, new)
        problem = _bad(tmp_path, row)
        assert (problem.column, problem.code) == (column, code)
        assert problem.hint

    def test_accept_any_division(self, tmp_path: Path) -> None:
        """Codes outside the shipped table load with accept_any_division."""
        text = "\n".join([HEADER, GOOD.replace(",520102,", ",110101,")])
        assert ObjectDirectory.from_csv(write(tmp_path, text), accept_any_division=True).regions.tolist() == [
            "110101"
        ]

    def test_duplicate_ids_name_both_rows(self, tmp_path: Path) -> None:
        """Duplicate ids are reported on both rows, each naming the other."""
        text = "\n".join([HEADER, GOOD, good_rows()[1], GOOD.replace("甲公司", "丙")])
        result = lenient(write(tmp_path, text))
        dups = [p for p in result.report.problems if p.code == "id.duplicate"]
        assert [(p.row, p.column) for p in dups] == [(1, "id"), (3, "id")]
        assert "3" in dups[0].message
        assert "1" in dups[1].message
        assert result.directory is not None
        assert len(result.directory) == 1

    def test_ragged_row(self, tmp_path: Path) -> None:
        """A row with too few cells is reported with its row number."""
        problem = _bad(tmp_path, "a,b,c")
        assert problem.code == "row.ragged"

    def test_bad_non_subject_id(self, tmp_path: Path) -> None:
        """A product id with a space is refused."""
        row = "PRD 1,水,产品,1522,520102,U1,A,low,1,"
        problem = _bad(tmp_path, row)
        assert (problem.column, problem.code) == ("id", "id.invalid")

    def test_rows_count_blank_lines(self, tmp_path: Path) -> None:
        """Row numbers count data records after the header; blank lines count and are skipped."""
        text = "\n".join(
            [HEADER, GOOD, "", GOOD.replace(",A,", ",E,").replace("91520102000000000F", _good2())]
        )
        problem = only_problem(lenient(write(tmp_path, text)))
        assert problem.row == 3

    def test_chinese_header_named_in_problem(self, tmp_path: Path) -> None:
        """Problems name the column as written in the file."""
        text = "\n".join([ZH_HEADER, GOOD.replace(",A,", ",E,")])
        problem = only_problem(lenient(write(tmp_path, text)))
        assert problem.column == "信用等级"


class TestStrictAndLenient:
    def test_lenient_lists_every_problem(self, tmp_path: Path) -> None:
        """The lenient report lists every problem of every row; the directory holds only clean rows."""
        rows = [
            GOOD,
            GOOD.replace("91520102000000000F", _good2()).replace(",A,", ",E,").replace(",low,", ",x,"),
            "PRD:1,水,产品,9999,520102,U1,A,low,1,",
        ]
        result = lenient(write(tmp_path, "\n".join([HEADER, *rows])))
        got = [(p.row, p.column, p.code) for p in result.report.problems]
        assert got == [
            (2, "credit", "credit.unknown"),
            (2, "risk", "risk.unknown"),
            (3, "industry", "industry.unknown"),
        ]
        assert result.report.rows_read == 3
        assert result.report.rows_loaded == 1
        d, report = result
        assert d is not None
        assert d.ids.tolist() == ["91520102000000000F"]
        assert not report.ok
        assert "3 problem(s)" in report.summary()

    def test_strict_raises_first_problem_and_returns_nothing(self, tmp_path: Path) -> None:
        """Strict loading raises at the first problem by row."""
        rows = [GOOD, "PRD:1,水,产品,9999,520102,U1,A,low,1,", "PRD:2,水,产品,1522,520102,U1,E,low,1,"]
        with pytest.raises(LoadError) as info:
            ObjectDirectory.from_csv(write(tmp_path, "\n".join([HEADER, *rows])))
        assert len(info.value.problems) == 1
        assert info.value.problems[0].row == 2
        assert "row 2" in str(info.value)

    def test_clean_lenient_load(self, tmp_path: Path) -> None:
        """A clean file gives an ok report."""
        result = lenient(write(tmp_path, "\n".join([HEADER, *good_rows()])))
        assert result.ok
        assert result.report.rows_loaded == 2


class TestJson:
    def test_objects_key_and_list(self, tmp_path: Path) -> None:
        """A list of records and {"objects": [...]} both load."""
        d = ObjectDirectory.from_csv(write(tmp_path, "\n".join([HEADER, *good_rows()])))
        recs = d.to_records()
        a = tmp_path / "a.json"
        a.write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
        b = tmp_path / "b.json"
        b.write_text(json.dumps({"objects": recs}, ensure_ascii=False), encoding="utf-8")
        assert ObjectDirectory.from_json(a) == d == ObjectDirectory.from_json(b)

    def test_invalid_json(self, tmp_path: Path) -> None:
        """Malformed JSON and a wrong structure are reported."""
        bad = tmp_path / "bad.json"
        bad.write_text("[{", encoding="utf-8")
        result = ObjectDirectory.from_json(bad, strict=False)
        assert result.directory is None
        assert only_problem(result).code == "json.invalid"
        wrong = tmp_path / "wrong.json"
        wrong.write_text('{"rows": []}', encoding="utf-8")
        assert only_problem(ObjectDirectory.from_json(wrong, strict=False)).code == "json.structure"

    @pytest.mark.parametrize(
        ("column", "value"),
        [("kind", {"x": 1}), ("kind", [["企业"]]), ("tags", [["food"]]), ("tags", {"a": 1})],
    )
    def test_nested_values_are_problems(self, column: str, value: Any) -> None:
        """A JSON object or nested list where a value or a list of tags belongs is a problem of its row."""
        records = [
            {"id": "91520102000000000F", "name": "甲公司", "kind": "企业", "industry": "C1311"},
            {"id": _good2(), "name": "乙公司", "kind": "企业", "industry": "C1311"},
        ]
        for r in records:
            r |= {"region": "520102", "unit": "U1", "credit": "A", "risk": "low", "alive": True}
            r["tags"] = ["food"]
        records[1][column] = value
        result = ObjectDirectory.from_records(records, strict=False)
        assert [(p.row, p.column) for p in result.report.problems] == [(2, column)]
        assert result.directory is not None
        assert len(result.directory) == 1

    def test_record_not_a_mapping(self) -> None:
        """A record that is not a mapping is reported with its position."""
        result = ObjectDirectory.from_records([42], strict=False)  # type: ignore[list-item]
        assert result.directory is None
        assert [(p.row, p.code) for p in result.report.problems if p.row is not None] == [(1, "record.type")]
