"""Tests of randinspect._io: all-or-nothing file writes and spreadsheet-safe CSV cells."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect._io import (
    FORMULA_PREFIXES,
    atomic_write_text,
    commit_staged,
    csv_cell,
    csv_column,
    csv_text,
    csv_uncell,
    discard_staged,
    stage_text,
)
from randinspect.directory import InspectorDirectory, ObjectDirectory
from randinspect.errors import OutputError
from randinspect.testing._matching import tiny_inspectors

cells = st.text(st.sampled_from("=+-@\t\r'a1 .贵,\"\n"), max_size=8) | st.text(max_size=8)


class TestCsvCells:
    @given(cells)
    def test_round_trip(self, value: str) -> None:
        """csv_uncell(csv_cell(v)) == v for every text."""
        assert csv_uncell(csv_cell(value)) == value

    @given(cells)
    def test_never_starts_a_formula(self, value: str) -> None:
        """A written cell never starts with = + - @ tab or CR, unless it is a plain number."""
        written = csv_cell(value)
        if written.startswith(FORMULA_PREFIXES):
            float(written)  # only numbers such as -1 or +0.5 are left as they are

    @given(st.lists(cells, max_size=30))
    def test_column_equals_cells(self, values: list[str]) -> None:
        """csv_column gives csv_cell of every value (the numpy pre-check changes nothing)."""
        assert csv_column(values) == [csv_cell(v) for v in values]

    @given(st.lists(st.lists(cells, min_size=2, max_size=2), max_size=10))
    def test_csv_text_round_trips_through_csv_reader(self, rows: list[list[str]]) -> None:
        """csv_text read back by the csv module and csv_uncell gives the rows unchanged."""
        text = csv_text(["a", "b"], rows)
        back = list(csv.reader(io.StringIO(text, newline="")))
        assert [[csv_uncell(c) for c in r] for r in back[1:]] == rows

    @pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "=cmd|' /C calc'!A0", "@SUM(A1)", "+1+1"])
    def test_objects_csv_is_safe_and_round_trips(self, value: str, tmp_path: Path) -> None:
        """An object name or unit starting a formula is neutralised in to_csv and read back unchanged."""
        from randinspect.datasets import demo_city

        objects = demo_city(n_objects=50, seed=2).objects
        records = objects.to_records()
        records[0]["name"] = value
        changed = ObjectDirectory.from_records(records)
        path = tmp_path / "o.csv"
        changed.to_csv(path)
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        assert all(not cell.startswith(FORMULA_PREFIXES) or cell.lstrip("+-").replace(".", "").isdigit()
                   for row in rows for cell in row)  # fmt: skip
        again = ObjectDirectory.from_csv(path)
        assert again.names.tolist() == changed.names.tolist()
        assert again.digest == changed.digest

    def test_inspectors_csv_is_safe_and_round_trips(self, tmp_path: Path) -> None:
        """An inspector's position starting with = is neutralised and read back unchanged."""
        people = InspectorDirectory.from_records(
            [dict(r, position="=1+1") for r in InspectorDirectory(tiny_inspectors()).to_public_records()]
        )
        path = tmp_path / "p.csv"
        people.to_csv(path)
        assert "'=1+1" in path.read_text(encoding="utf-8")
        again = InspectorDirectory.from_csv(path)
        assert [p.position for p in again.inspectors] == ["=1+1"] * len(again.inspectors)


class TestAtomicWrites:
    def test_writes_and_replaces(self, tmp_path: Path) -> None:
        """The file holds exactly the new text; no temporary file remains."""
        path = tmp_path / "a.txt"
        path.write_text("old", encoding="utf-8")
        atomic_write_text(path, "new\r\n")
        assert path.read_bytes() == b"new\r\n"
        assert os.listdir(tmp_path) == ["a.txt"]

    @pytest.mark.parametrize("where", ["missing", "dir"])
    def test_bad_target_is_typed_and_leaves_nothing(self, where: str, tmp_path: Path) -> None:
        """A missing directory or a directory as target: OutputError, nothing created."""
        target = tmp_path / "nodir" / "a.txt" if where == "missing" else tmp_path
        with pytest.raises(OutputError, match="cannot write"):
            atomic_write_text(target, "x")
        assert os.listdir(tmp_path) == []

    def test_staged_file_is_invisible_until_committed(self, tmp_path: Path) -> None:
        """A staged file does not touch the target; commit renames it in, discard removes it."""
        path = tmp_path / "a.txt"
        path.write_text("old", encoding="utf-8")
        staged = stage_text(path, "new")
        assert path.read_text(encoding="utf-8") == "old"
        discard_staged(staged)
        assert os.listdir(tmp_path) == ["a.txt"]
        commit_staged(stage_text(path, "new"), path)
        assert path.read_text(encoding="utf-8") == "new"
        assert os.listdir(tmp_path) == ["a.txt"]

    def test_failure_mid_write_keeps_old_file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """If the rename fails, the old file is intact and the temporary file is gone."""
        path = tmp_path / "a.txt"
        path.write_text("old", encoding="utf-8")

        def fail(*args: object) -> None:
            raise PermissionError(13, "denied")

        monkeypatch.setattr(os, "replace", fail)
        with pytest.raises(OutputError):
            atomic_write_text(path, "new")
        assert path.read_text(encoding="utf-8") == "old"
        assert os.listdir(tmp_path) == ["a.txt"]

    def test_draw_record_and_directory_writers_use_it(self, tmp_path: Path) -> None:
        """ObjectDirectory.to_csv into a missing directory raises OutputError, not FileNotFoundError."""
        from randinspect.datasets import demo_city

        with pytest.raises(OutputError):
            demo_city(n_objects=20, seed=1).objects.to_csv(tmp_path / "nodir" / "o.csv")


class TestPlanTasksCsv:
    def test_formula_cells_are_neutralised(self) -> None:
        """plan-tasks.csv neutralises an item id =HYPERLINK(...) and a department =cmd|...; numbers stay."""
        from randinspect.cli import plan as plan_cli

        class Plan:
            def to_records(self) -> list[dict[str, object]]:
                return [
                    {
                        "department": "=cmd|' /C calc'!A0",
                        "object_id": "915201",
                        "item_id": '=HYPERLINK("http://x")',
                        "round": 1,
                        "visit": -1,
                        "period": "Q1",
                        "joint_block": None,
                    }
                ]

        rows = list(csv.reader(io.StringIO(plan_cli._tasks_csv([Plan()]), newline="")))
        assert rows[1] == ["'=cmd|' /C calc'!A0", "915201", '\'=HYPERLINK("http://x")', "1", "-1", "Q1", ""]
        assert [csv_uncell(c) for c in rows[1]][:3] == [
            "=cmd|' /C calc'!A0",
            "915201",
            '=HYPERLINK("http://x")',
        ]
