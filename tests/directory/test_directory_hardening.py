"""Hardening of the directory loaders: control characters, lowest row first, missing values, non-text values,
``columns=`` mappings and mojibake with a single marker character."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.conftest import make_records
from randinspect.datasets import demo_city
from randinspect.directory import InspectorDirectory, ObjectDirectory, load_objects
from randinspect.directory._text import looks_like_mojibake
from randinspect.errors import LoadError
from randinspect.matching import load_tasks
from randinspect.testing._matching import tiny_inspectors, tiny_tasks

CONTROLS = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\u2028"])


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _people_records() -> list[dict[str, Any]]:
    return InspectorDirectory(tiny_inspectors()).to_public_records()


class TestControlCharacters:
    @settings(max_examples=25, deadline=None)
    @given(CONTROLS, st.sampled_from(["name", "unit", "tags", "id"]), st.integers(1, 3))
    def test_object_fields_refuse_control_characters(self, ch: str, column: str, at: int) -> None:
        """A control character inside an object field (NUL included) is refused with row and column."""
        records = make_records()
        value = str(records[2][column] if column != "tags" else "food")
        records[2][column] = value[:at] + ch + value[at:] + "x"
        result = ObjectDirectory.from_records(records, strict=False)
        assert any(p.row == 3 and p.column == column for p in result.report.problems), result.report.problems
        assert result.directory is not None
        assert len(result.directory) == len(records) - 1

    def test_nul_in_name_never_reaches_the_digest(self, tmp_path: Path) -> None:
        """A CSV with NUL inside a name: check reports row 1, column name; the strict loader refuses."""
        objects = demo_city(n_objects=20, seed=1).objects
        text = objects.to_csv()
        lines = text.splitlines()
        cells = next(csv.reader([lines[1]]))
        cells[1] = cells[1][:2] + "\x00" + cells[1][2:]
        path = tmp_path / "o.csv"
        path.write_text("\n".join([lines[0], _csv([], [cells]).strip(), *lines[2:]]) + "\n", encoding="utf-8")
        with pytest.raises(LoadError) as info:
            ObjectDirectory.from_csv(path)
        problem = info.value.problems[0]
        assert (problem.row, problem.column) == (1, "name")

    @settings(max_examples=25, deadline=None)
    @given(CONTROLS, st.sampled_from(["name", "position", "department", "unit", "specialties"]))
    def test_inspector_fields_refuse_control_characters(self, ch: str, column: str) -> None:
        """U+0001 and the other control characters in any inspector field are refused with row and column."""
        records = _people_records()
        records[1][column] = "a" + ch + "b"
        result = InspectorDirectory.from_records(records, strict=False)
        assert any(p.row == 2 and p.column == column for p in result.report.problems)

    def test_task_ids_refuse_nul(self, tmp_path: Path) -> None:
        """A NUL inside a task id is refused naming the row and the column."""
        tasks = [t.to_dict() for t in tiny_tasks()]
        tasks[1]["id"] = "T\x002"
        path = tmp_path / "tasks.json"
        path.write_text(json.dumps(tasks), encoding="utf-8")
        with pytest.raises(LoadError) as info:
            load_tasks(path)
        assert [(p.row, p.column) for p in info.value.problems] == [(2, "id")]


class TestLowestRowFirst:
    def test_strict_inspectors_report_the_lowest_row(self, tmp_path: Path) -> None:
        """Duplicate ids on rows 1 and 3 and a bad role on row 2: the strict loader names row 1 first."""
        records = _people_records()[:3]
        records[2]["id"] = records[0]["id"]
        records[1]["role"] = "wizard"
        with pytest.raises(LoadError) as info:
            InspectorDirectory.from_records(records)
        assert info.value.problems[0].row == 1
        assert info.value.problems[0].code == "id.duplicate"


class TestMissingValues:
    def test_nan_is_missing_in_records_as_in_dataframes(self) -> None:
        """from_records reads a float NaN (and pandas NA) as missing, exactly as from_dataframe does."""
        pd = pytest.importorskip("pandas")
        records = make_records()
        records[1]["tags"] = float("nan")
        records[2]["tags"] = pd.NA
        from_records = ObjectDirectory.from_records(records)
        frame = pd.DataFrame([{**r, "tags": ";".join(r["tags"]) if isinstance(r["tags"], list) else r["tags"]}
                              for r in records])  # fmt: skip
        from_frame = ObjectDirectory.from_dataframe(frame)
        assert from_records.digest == from_frame.digest
        assert "nan" not in from_records.tag_vocabulary

    def test_json_nan_is_refused(self, tmp_path: Path) -> None:
        """NaN is not JSON: a directory file holding it is refused by the strict reader."""
        path = tmp_path / "o.json"
        path.write_text('[{"id": NaN}]', encoding="utf-8")
        result = ObjectDirectory.from_json(path, strict=False)
        assert result.directory is None
        assert "NaN" in str(result.report.problems[0])


class TestNonTextValues:
    @pytest.mark.parametrize(("column", "value"), [("name", 123), ("unit", True), ("industry", 5211.0),
                                                    ("region", {"code": "520102"})])  # fmt: skip
    def test_non_text_value_refuses_its_row(self, column: str, value: Any, tmp_path: Path) -> None:
        """A number, boolean or object in a text column refuses that row (row and column named)."""
        records = make_records()
        records[3][column] = value
        path = tmp_path / "o.json"
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        result = ObjectDirectory.from_json(path, strict=False)
        assert [(p.row, p.column) for p in result.report.problems] == [(4, column)]
        assert result.directory is not None
        assert len(result.directory) == len(records) - 1

    def test_alive_takes_booleans(self) -> None:
        """The alive column still takes JSON booleans and numbers."""
        records = make_records()
        records[0]["alive"] = 1
        assert len(ObjectDirectory.from_records(records)) == len(records)


class TestColumnsMapping:
    def test_vendor_headers_load_with_a_mapping(self, tmp_path: Path) -> None:
        """A file with a vendor's column names loads through columns= exactly like our own headers."""
        objects = demo_city(n_objects=30, seed=4).objects
        ours = tmp_path / "ours.csv"
        objects.to_csv(ours)
        mapping = {"企业名称": "name", "信用代码": "id", "所属区县": "region"}
        reverse = {v: k for k, v in mapping.items()}
        text = ours.read_text(encoding="utf-8").split("\n", 1)
        header = ",".join(reverse.get(h, h) for h in text[0].split(","))
        vendor = tmp_path / "vendor.csv"
        vendor.write_text(header + "\n" + text[1], encoding="utf-8")
        assert ObjectDirectory.from_csv(vendor, columns=mapping).digest == objects.digest
        assert load_objects(vendor, columns=mapping).digest == objects.digest
        records = [{reverse.get(k, k): v for k, v in r.items()} for r in objects.to_records()]
        assert ObjectDirectory.from_records(records, columns=mapping).digest == objects.digest

    def test_unknown_mapped_column_is_a_problem(self) -> None:
        """Mapping a column the input does not have is reported, not ignored."""
        with pytest.raises(LoadError, match="not a column"):
            ObjectDirectory.from_records(make_records(), columns={"公司名": "name"})

    def test_inspectors_take_a_mapping(self) -> None:
        """Inspector loaders take columns= too."""
        records = [{("工号x" if k == "id" else k): v for k, v in r.items()} for r in _people_records()]
        people = InspectorDirectory.from_records(records, columns={"工号x": "id"})
        assert len(people) == len(tiny_inspectors())


class TestMojibake:
    def test_single_marker_cells_are_caught(self) -> None:
        """Every demo name garbled as UTF-8 read as GBK is flagged, even with one marker or none."""
        city = demo_city(n_objects=400, seed=3)
        names = city.objects.names.tolist()[:199] + [p.name for p in city.inspectors.inspectors][:199]
        garbled = [n.encode("utf-8").decode("gbk", errors="replace") for n in names]
        assert [g for g in garbled if not looks_like_mojibake(g)] == []
        assert looks_like_mojibake("闄堜竴")  # 陈一, a single marker

    def test_clean_names_are_not_flagged(self) -> None:
        """No genuine demo name (objects, units, inspectors) is flagged."""
        city = demo_city(n_objects=5000, seed=8)
        texts = set(city.objects.names.tolist()) | {p.name for p in city.inspectors.inspectors}
        assert [t for t in texts if looks_like_mojibake(t)] == []


class TestMatchingLoadersColumns:
    @pytest.mark.parametrize("suffix", [".csv", ".json"])
    def test_tasks_load_with_a_mapping(self, suffix: str, tmp_path: Path) -> None:
        """load_tasks with columns= reads a vendor's column names like ours; a mapping typo is refused."""
        tasks = [t.to_dict() for t in tiny_tasks()]
        path = tmp_path / f"tasks{suffix}"
        renamed = [{("任务号" if k == "id" else k): v for k, v in t.items()} for t in tasks]
        if suffix == ".json":
            path.write_text(json.dumps(renamed, ensure_ascii=False), encoding="utf-8")
        else:
            header = list(renamed[0])
            rows = [[";".join(v) if isinstance(v, list) else v for v in r.values()] for r in renamed]
            path.write_text(_csv(header, rows), encoding="utf-8")
        loaded = load_tasks(path, columns={"任务号": "id"})
        assert [t.id for t in loaded] == [t.id for t in tiny_tasks()]
        with pytest.raises(LoadError, match="not a column"):
            load_tasks(path, columns={"任务编码": "id"})
