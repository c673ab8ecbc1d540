"""Tests of the Parquet and Arrow readers and writers of the object and inspector directories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from randinspect._io import csv_uncell
from randinspect.cli import main
from randinspect.directory import (
    InspectorDirectory,
    ObjectDirectory,
    directory_format,
    load_inspectors,
    load_objects,
)
from randinspect.errors import InputError, LoadError, SchemaError
from randinspect.model import OrderedScale
from randinspect.testing._directory import inspector_directories, object_records

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

_tmp = settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])

HEADER = ["id", "name", "kind", "industry", "region", "unit", "credit", "risk", "alive", "tags"]
GOOD = ["91520102000000000F", "甲公司", "企业", "C1311", "520102", "U1", "A", "low", "1", "food"]


def text_table(rows: list[list[str | None]], header: list[str] = HEADER) -> Any:
    """A pyarrow table of text columns (what a vendor's export of the CSV would hold)."""
    return pa.table({h: pa.array([r[j] for r in rows], pa.string()) for j, h in enumerate(header)})


def csv_of(tmp_path: Path, rows: list[list[str | None]], header: list[str] = HEADER) -> Path:
    path = tmp_path / "same.csv"
    lines = [",".join(header)] + [",".join("" if c is None else c for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def where(result: Any) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.code) for p in result.report.problems]


class TestObjectRoundTrips:
    @_tmp
    @given(recs=object_records())
    def test_parquet_round_trip_bit_for_bit(self, tmp_path: Path, recs: list[dict[str, Any]]) -> None:
        """directory -> Parquet -> directory is the identity, and writing it again gives the same bytes."""
        d = ObjectDirectory.from_records(recs)
        first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
        d.to_parquet(first)
        back = ObjectDirectory.from_parquet(first)
        assert back == d
        assert back.digest == d.digest
        back.to_parquet(second)
        assert first.read_bytes() == second.read_bytes()

    @_tmp
    @given(recs=object_records(min_size=1), per_file=st.integers(1, 4))
    def test_partitioned_dataset_round_trip(
        self, tmp_path_factory: pytest.TempPathFactory, recs: list[dict[str, Any]], per_file: int
    ) -> None:
        """A directory written as part files of ``per_file`` rows loads back equal, through load_objects."""
        d = ObjectDirectory.from_records(recs)
        root = tmp_path_factory.mktemp("parts") / "dataset"
        d.to_parquet(root, rows_per_file=per_file)
        parts = sorted(root.iterdir())
        assert len(parts) == -(-len(d) // per_file)
        assert load_objects(root) == d

    @_tmp
    @given(recs=object_records())
    def test_arrow_table_and_file_round_trip(self, tmp_path: Path, recs: list[dict[str, Any]]) -> None:
        """directory -> Arrow table (and IPC file) -> directory is the identity; metadata names the digest."""
        d = ObjectDirectory.from_records(recs)
        path = tmp_path / "rt.arrow"
        table = d.to_arrow(path)
        assert json.loads(table.schema.metadata[b"randinspect"])["digest"] == d.digest
        assert ObjectDirectory.from_arrow(table) == d
        assert ObjectDirectory.from_arrow(table.to_batches()[0] if table.num_rows else table) == d
        assert load_objects(path) == d

    def test_scales_travel_with_the_file(self, tmp_path: Path) -> None:
        """A directory on custom scales round-trips without naming the scales again."""
        credit = OrderedScale(name="credit grade", levels=("good", "bad"))
        risk = OrderedScale(name="risk class", levels=("r1", "r2"))
        d = ObjectDirectory.from_records(
            [dict(zip(HEADER, [*GOOD[:6], "good", "r2", "1", ""], strict=True))],
            credit_scale=credit,
            risk_scale=risk,
        )
        d.to_parquet(tmp_path / "s.parquet")
        back = ObjectDirectory.from_parquet(tmp_path / "s.parquet")
        assert back == d
        assert back.credit_scale.levels == ("good", "bad")

    @_tmp
    @given(recs=object_records())
    def test_same_digest_as_csv(self, tmp_path: Path, recs: list[dict[str, Any]]) -> None:
        """A text-only Parquet export of a CSV file loads to the directory the CSV file loads to."""
        d = ObjectDirectory.from_records(recs)
        csv_path = tmp_path / "d.csv"
        d.to_csv(csv_path, chinese_headers=True)
        import csv

        with open(csv_path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        # The CSV writer neutralises formula-like cells with a leading "'" (docs/cli.md); a Parquet export of
        # the file's values holds them as our CSV reader gives them back.
        table = pa.table(
            {h: pa.array([csv_uncell(r[j]) for r in rows[1:]], pa.string()) for j, h in enumerate(rows[0])}
        )
        pq.write_table(table, tmp_path / "d.parquet")
        assert (
            ObjectDirectory.from_parquet(tmp_path / "d.parquet").digest
            == ObjectDirectory.from_csv(csv_path).digest
        )


class TestObjectValidation:
    def test_same_problems_as_csv(self, tmp_path: Path) -> None:
        """Bad values give the same problems (row, column, code) in a Parquet file as in a CSV file."""
        rows: list[list[str | None]] = [
            GOOD,
            ["91520102000000000X", "乙", "企业", "C1311", "520102", "U1", "A", "low", "1", ""],
            ["PRD:1", "", "product", "9999", "52010", "U1", "E", "low", "maybe", ""],
            GOOD,
        ]
        pq.write_table(text_table(rows), tmp_path / "bad.parquet")
        from_parquet = ObjectDirectory.from_parquet(tmp_path / "bad.parquet", strict=False)
        from_csv = ObjectDirectory.from_csv(csv_of(tmp_path, rows), strict=False)
        assert where(from_parquet) == where(from_csv)
        assert {"id.duplicate", "name.missing", "alive.unknown"} <= {c for _, _, c in where(from_csv)}
        assert (2, "id", "id.uscc") in where(from_csv)
        assert from_parquet.report.rows_loaded == from_csv.report.rows_loaded

    def test_nulls_read_as_empty_cells(self, tmp_path: Path) -> None:
        """A null name is the problem an empty CSV cell is (name.missing, on its row)."""
        rows: list[list[str | None]] = [[*GOOD[:1], None, *GOOD[2:]]]
        result = ObjectDirectory.from_arrow(text_table(rows), strict=False)
        assert where(result) == [(1, "name", "name.missing")]

    def test_typed_flag_and_list_columns(self) -> None:
        """``alive`` may be booleans or 0/1 integers and ``tags`` lists of strings."""
        base = {h: pa.array([v], pa.string()) for h, v in zip(HEADER[:8], GOOD[:8], strict=True)}
        for alive in (pa.array([True]), pa.array([1], pa.int8())):
            table = pa.table({**base, "alive": alive, "tags": pa.array([["b", "a"]], pa.list_(pa.string()))})
            d = ObjectDirectory.from_arrow(table)
            assert d.tags_of(0) == ("a", "b")
            assert bool(d.alive[0])

    def test_list_tag_with_separator_is_a_problem(self) -> None:
        """A tag in a list that holds a separator is reported on its row, as from records."""
        base = {h: pa.array([v], pa.string()) for h, v in zip(HEADER[:9], GOOD[:9], strict=True)}
        table = pa.table({**base, "tags": pa.array([["a;b"]], pa.list_(pa.string()))})
        result = ObjectDirectory.from_arrow(table, strict=False)
        assert [(r, c) for r, c, _ in where(result)] == [(1, "tags")]

    @pytest.mark.parametrize(
        ("column", "array"),
        [
            ("region", pa.array([520102], pa.int64())),
            ("alive", pa.array([1.0], pa.float64())),
            ("tags", pa.array([1], pa.int32())),
            ("风险等级", pa.array([[1]], pa.list_(pa.int64()))),
        ],
    )
    def test_wrong_column_type(self, column: str, array: Any) -> None:
        """A column of the wrong type is a SchemaError (strict) or a column.type problem; nothing loads."""
        table = text_table([GOOD])
        header = "risk" if column == "风险等级" else column
        table = table.set_column(HEADER.index(header), column, array)
        with pytest.raises(SchemaError) as info:
            ObjectDirectory.from_arrow(table)
        assert info.value.problems[0].column == column
        result = ObjectDirectory.from_arrow(table, strict=False)
        assert result.directory is None
        assert [p.code for p in result.report.problems] == ["column.type"]
        assert "pyarrow" in (result.report.problems[0].hint or "")

    def test_partition_with_a_different_schema(self, tmp_path: Path) -> None:
        """A part file whose column types differ from the first part's is a SchemaError naming the part."""
        root = tmp_path / "ds"
        root.mkdir()
        pq.write_table(text_table([GOOD]), root / "part-0.parquet")
        other = text_table([GOOD]).set_column(4, "region", pa.array([520102], pa.int64()))
        pq.write_table(other, root / "part-1.parquet")
        with pytest.raises(SchemaError) as info:
            ObjectDirectory.from_parquet(root)
        problem = info.value.problems[0]
        assert (problem.column, problem.code) == ("region", "partition.schema")
        assert "part-1.parquet" in problem.message
        result = ObjectDirectory.from_parquet(root, strict=False)
        assert result.directory is None

    def test_rows_count_through_the_parts(self, tmp_path: Path) -> None:
        """Row numbers run on through the part files in path order."""
        root = tmp_path / "ds"
        root.mkdir()
        pq.write_table(text_table([GOOD]), root / "part-0.parquet")
        bad = [[*GOOD[:2], "robot", *GOOD[3:]]]
        pq.write_table(text_table(bad), root / "part-1.parquet")
        result = ObjectDirectory.from_parquet(root, strict=False)
        assert (1 + 1, "kind") in {(r, c) for r, c, _ in where(result)}

    def test_not_parquet(self, tmp_path: Path) -> None:
        """A file that is not Parquet, and an empty dataset directory, are LoadErrors saying so."""
        path = tmp_path / "x.parquet"
        path.write_text("id,name\n", encoding="utf-8")
        with pytest.raises(LoadError) as info:
            ObjectDirectory.from_parquet(path)
        assert info.value.problems[0].code == "parquet.invalid"
        (tmp_path / "empty").mkdir()
        with pytest.raises(LoadError, match=r"no \.parquet file"):
            ObjectDirectory.from_parquet(tmp_path / "empty")
        with pytest.raises(LoadError) as missing:
            ObjectDirectory.from_parquet(tmp_path / "missing.parquet")
        assert missing.value.problems[0].code in ("file.unreadable", "parquet.invalid")

    def test_failed_partitioned_write_leaves_the_path(self, tmp_path: Path) -> None:
        """Writing part files over an existing path is refused and leaves it (and no temporary) as it was."""
        d = ObjectDirectory.from_records([dict(zip(HEADER, GOOD, strict=True))])
        target = tmp_path / "ds"
        target.mkdir()
        (target / "keep.txt").write_text("x", encoding="utf-8")
        with pytest.raises(InputError):
            d.to_parquet(target, rows_per_file=10)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]
        assert [p.name for p in target.iterdir()] == ["keep.txt"]

    def test_not_a_table(self) -> None:
        """from_arrow refuses a value that is neither a pyarrow table nor a path."""
        with pytest.raises(InputError, match="pyarrow Table"):
            ObjectDirectory.from_arrow([1, 2, 3])


class TestInspectors:
    @_tmp
    @given(people=inspector_directories())
    def test_round_trips(self, tmp_path: Path, people: InspectorDirectory) -> None:
        """Inspectors -> Parquet / Arrow -> inspectors keeps the public digest; private columns stay out."""
        path = tmp_path / "p.parquet"
        people.to_parquet(path)
        assert InspectorDirectory.from_parquet(path).digest == people.digest
        table = people.to_arrow(tmp_path / "p.arrow")
        assert not {"id_card", "phone"} & set(table.column_names)
        assert load_inspectors(tmp_path / "p.arrow").digest == people.digest

    def test_wrong_list_type(self) -> None:
        """A list column of integers is a SchemaError; lenient loading reports column.type."""
        table = pa.table(
            {
                "id": ["E1"],
                "name": ["张三"],
                "role": ["officer"],
                "department": ["SAMR"],
                "specialties": pa.array([[1, 2]], pa.list_(pa.int64())),
            }
        )
        with pytest.raises(SchemaError):
            InspectorDirectory.from_arrow(table)
        result = InspectorDirectory.from_arrow(table, strict=False)
        assert [p.code for p in result.report.problems] == ["column.type"]

    def test_dates_may_be_dates(self) -> None:
        """Certificate validity dates may be Arrow dates."""
        import datetime as dt

        table = pa.table(
            {
                "id": ["E1"],
                "name": ["张三"],
                "role": ["officer"],
                "department": ["SAMR"],
                "certificate": ["C1"],
                "certificate_valid_from": pa.array([dt.date(2026, 1, 1)], pa.date32()),
                "certificate_valid_to": pa.array([dt.date(2028, 1, 1)], pa.date32()),
            }
        )
        person = InspectorDirectory.from_arrow(table).get("E1")
        assert person.certificate is not None
        assert person.certificate.valid_to == dt.date(2028, 1, 1)


class TestLoaderBySuffix:
    @pytest.mark.parametrize(
        ("name", "fmt"),
        [
            ("a.csv", "csv"),
            ("a.txt", "csv"),
            ("a.JSON", "json"),
            ("a.parquet", "parquet"),
            ("a.pq", "parquet"),
            ("a.arrow", "arrow"),
            ("a.feather", "arrow"),
        ],
    )
    def test_format_by_suffix(self, name: str, fmt: str) -> None:
        """The suffix names the format; any unknown suffix is CSV."""
        assert directory_format(name) == fmt

    def test_a_directory_is_a_parquet_dataset(self, tmp_path: Path) -> None:
        """A directory is read as a Parquet dataset."""
        assert directory_format(tmp_path) == "parquet"


class TestCommandLine:
    def test_check_reads_parquet(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """``randinspect check`` prints a Parquet file's problems and exits 1; a clean file exits 0."""
        pq.write_table(text_table([GOOD, GOOD]), tmp_path / "o.parquet")
        assert main(["check", str(tmp_path / "o.parquet")]) == 1
        assert "id.duplicate" in capsys.readouterr().out
        pq.write_table(text_table([GOOD]), tmp_path / "ok.parquet")
        assert main(["check", str(tmp_path / "ok.parquet")]) == 0

    def test_check_bad_type_and_garbage(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A wrong column type exits 1 naming the column; a file that is not Parquet exits 2."""
        table = text_table([GOOD]).set_column(4, "region", pa.array([520102], pa.int64()))
        pq.write_table(table, tmp_path / "t.parquet")
        assert main(["check", str(tmp_path / "t.parquet")]) == 1
        assert "column 'region' holds int64" in capsys.readouterr().out
        (tmp_path / "g.parquet").write_bytes(b"not parquet")
        assert main(["check", str(tmp_path / "g.parquet")]) == 2

    def test_draw_and_verify_from_parquet(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """draw and verify take a Parquet directory; the record is the one the CSV file gives."""
        from randinspect.datasets import demo_city
        from randinspect.directory import Scope
        from randinspect.items import CheckItem

        city = demo_city(n_objects=1500, seed=3)
        city.objects.to_parquet(tmp_path / "o.parquet")
        city.objects.to_csv(tmp_path / "o.csv")
        item = CheckItem(
            id="SAMR-1",
            name="检查",
            department="SAMR",
            year=2027,
            scope=Scope(),
            ratio="5%",
            legal_basis=[{"title": "《中华人民共和国食品安全法》", "article": "第一百一十条"}],
        )
        (tmp_path / "item.json").write_text(json.dumps(item.to_dict(), ensure_ascii=False), encoding="utf-8")
        outs = {}
        for fmt in ("parquet", "csv"):
            out = tmp_path / f"r-{fmt}.json"
            argv = ["draw", "--objects", str(tmp_path / f"o.{fmt}"), "--item", str(tmp_path / "item.json")]
            assert main([*argv, "--seed", "12345", "--out", str(out)]) == 0
            outs[fmt] = out.read_bytes()
            assert main(["verify", str(out), "--objects", str(tmp_path / "o.parquet")]) == 0
        assert outs["parquet"] == outs["csv"]
        capsys.readouterr()


#: A vendor's column names for our object columns (what a columns= mapping undoes).
VENDOR = {
    "id": "信用代码",
    "name": "企业名称",
    "kind": "类型",
    "industry": "行业",
    "region": "区划",
    "unit": "监管所",
    "credit": "信用",
    "risk": "风险",
    "alive": "在营",
    "tags": "标记",
}


class TestColumnsMapping:
    """``columns=`` maps a Parquet or Arrow file's column names to ours exactly as it does for CSV."""

    @_tmp
    @given(recs=object_records())
    def test_renamed_parquet_loads_like_the_csv(self, tmp_path: Path, recs: list[dict[str, Any]]) -> None:
        """A Parquet and an Arrow file with a vendor's column names load, through columns=, to the directory
        (same digest) the same data loads to as CSV with the same names and as our own Parquet file."""
        d = ObjectDirectory.from_records(recs)
        ours = d.to_arrow()
        renamed = ours.rename_columns([VENDOR.get(c, c) for c in ours.column_names])
        mapping = {v: k for k, v in VENDOR.items()}
        pq.write_table(renamed, tmp_path / "v.parquet")
        feather = tmp_path / "v.arrow"
        import pyarrow.feather as feather_io

        feather_io.write_feather(renamed, feather)
        csv_path = tmp_path / "v.csv"
        d.to_csv(csv_path)
        text = csv_path.read_text(encoding="utf-8").split("\n", 1)
        header = ",".join(VENDOR.get(h, h) for h in text[0].split(","))
        csv_path.write_text(header + "\n" + text[1], encoding="utf-8")
        from_csv = load_objects(csv_path, columns=mapping)
        assert from_csv.digest == d.digest
        for path in (tmp_path / "v.parquet", feather):
            loaded = load_objects(path, columns=mapping)
            assert loaded == d
            assert loaded.digest == from_csv.digest
        assert ObjectDirectory.from_parquet(tmp_path / "v.parquet", columns=mapping) == d
        assert ObjectDirectory.from_arrow(renamed, columns=mapping) == d

    def test_renamed_column_is_type_checked_as_its_target(self) -> None:
        """A renamed column is type-checked as the column it is mapped to: integers under a name mapped to
        ``name`` are a column.type problem named by the file's column."""
        table = text_table([GOOD]).rename_columns(["id", "企业名称", *HEADER[2:]])
        table = table.set_column(1, "企业名称", pa.array([7], pa.int64()))
        with pytest.raises(SchemaError, match="企业名称"):
            ObjectDirectory.from_arrow(table, columns={"企业名称": "name"})
        result = ObjectDirectory.from_arrow(table, strict=False, columns={"企业名称": "name"})
        assert [(p.column, p.code) for p in result.report.problems] == [("企业名称", "column.type")]

    def test_mapping_typo_reported_as_for_csv(self, tmp_path: Path) -> None:
        """A mapping that names no column of the file is the same columns.unknown problem as for CSV, also
        for an empty table."""
        pq.write_table(text_table([GOOD]), tmp_path / "a.parquet")
        csv_path = csv_of(tmp_path, [GOOD])
        mapping = {"公司名": "name"}
        codes = [
            [p.code for p in load_objects(path, strict=False, columns=mapping).report.problems]
            for path in (tmp_path / "a.parquet", csv_path)
        ]
        assert codes[0] == codes[1] == ["columns.unknown"]
        pq.write_table(text_table([]), tmp_path / "empty.parquet")
        with pytest.raises(LoadError, match="公司名"):
            load_objects(tmp_path / "empty.parquet", columns=mapping)

    @_tmp
    @given(people=inspector_directories())
    def test_inspectors_renamed_parquet(self, tmp_path: Path, people: InspectorDirectory) -> None:
        """load_inspectors(columns=) reads a Parquet or Arrow file with renamed columns to the same digest
        as the CSV with those names."""
        table = people.to_arrow()
        names = {c: f"v_{c}" for c in table.column_names}
        mapping = {v: k for k, v in names.items()}
        renamed = table.rename_columns([names[c] for c in table.column_names])
        pq.write_table(renamed, tmp_path / "p.parquet")
        import pyarrow.feather as feather_io

        feather_io.write_feather(renamed, tmp_path / "p.arrow")
        csv_path = tmp_path / "p.csv"
        people.to_csv(csv_path)
        text = csv_path.read_text(encoding="utf-8").split("\n", 1)
        csv_path.write_text(",".join(names[h] for h in text[0].split(",")) + "\n" + text[1], "utf-8")
        digests = {
            load_inspectors(path, columns=mapping).digest
            for path in (tmp_path / "p.parquet", tmp_path / "p.arrow", csv_path)
        }
        assert digests == {people.digest}
