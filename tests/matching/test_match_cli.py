"""Tests for the ``randinspect match`` command."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from randinspect.cli import match as match_cli
from randinspect.directory import InspectorDirectory
from randinspect.draw import PublicSeedSource
from randinspect.errors import DuplicateEntryError
from randinspect.ledger import Journal, JsonLinesStore
from randinspect.matching import MatchRecord, verify_match
from randinspect.testing._matching import tiny_inspectors, tiny_tasks


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="randinspect")
    match_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["match", *argv])
    code: int = args.func(args)
    return code


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([t.to_dict() for t in tiny_tasks()]), encoding="utf-8")
    people = tmp_path / "inspectors.json"
    InspectorDirectory(tiny_inspectors()).to_json(people)
    conflicts = tmp_path / "conflicts.csv"
    conflicts.write_text("inspector_id,object_id\nEXP-0,O3\n", encoding="utf-8")
    return {"tasks": tasks, "inspectors": people, "conflicts": conflicts, "dir": tmp_path}


class TestMatchCommand:
    def test_writes_groups_record_and_journal(
        self, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The command writes groups, a verifiable record and a journal entry, and exits 0."""
        out = files["dir"] / "groups.json"
        rec = files["dir"] / "record.json"
        journal = files["dir"] / "journal.jsonl"
        code = run(
            [
                "--tasks",
                str(files["tasks"]),
                "--inspectors",
                str(files["inspectors"]),
                "--seed",
                "42",
                "--out",
                str(out),
                "--record",
                str(rec),
                "--conflicts",
                str(files["conflicts"]),
                "--journal",
                str(journal),
            ]
        )
        assert code == 0
        groups = json.loads(out.read_text(encoding="utf-8"))
        assert groups["complete"] is True
        t3 = next(g for g in groups["groups"] if g["task_id"] == "T3")
        assert t3["seats"]["T3|expert|food"] == ["EXP-1"]  # EXP-0 is conflicted with O3
        record = MatchRecord.from_json_dict(json.loads(rec.read_text(encoding="utf-8")))
        people = InspectorDirectory.from_json(files["inspectors"])
        verify_match(record, tiny_tasks(), people, source=PublicSeedSource("42"), conflicts=[("EXP-0", "O3")])
        assert len(Journal(JsonLinesStore(journal))) == 1
        assert "matched 4 of 4" in capsys.readouterr().out

    def test_refused_journal_entry_writes_nothing(self, files: dict[str, Path]) -> None:
        """A second matching refused by the journal leaves the published groups and record untouched."""
        out, rec = files["dir"] / "groups.json", files["dir"] / "record.json"
        journal = files["dir"] / "journal.jsonl"
        base = ["--tasks", str(files["tasks"]), "--inspectors", str(files["inspectors"])]
        base += ["--out", str(out), "--record", str(rec), "--journal", str(journal)]
        assert run([*base, "--seed", "42"]) == 0
        before = (out.read_bytes(), rec.read_bytes())
        with pytest.raises(DuplicateEntryError):
            run([*base, "--seed", "43"])
        assert (out.read_bytes(), rec.read_bytes()) == before
        assert len(Journal(JsonLinesStore(journal))) == 1

    def test_infeasible_exit_codes(self, files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
        """Caps below demand exit 2 with reasons; with --allow-partial they exit 1 and list the rest."""
        out = files["dir"] / "groups.json"
        base = [
            "--tasks",
            str(files["tasks"]),
            "--inspectors",
            str(files["inspectors"]),
            "--seed",
            "1",
            "--out",
            str(out),
            "--cap",
            "1",
        ]
        assert run(base) == 2
        assert "loads exhausted" in capsys.readouterr().err
        assert run([*base, "--allow-partial"]) == 1
        assert json.loads(out.read_text(encoding="utf-8"))["complete"] is False

    def test_demo_city_with_objects(self, tmp_path: Path) -> None:
        """The demo city's inspectors staff tasks on its objects; tasks naming unknown objects are refused."""
        from randinspect.datasets import demo_city
        from randinspect.errors import MatchInputError
        from randinspect.matching import InspectionTask

        city = demo_city(n_objects=500)
        objects = tmp_path / "objects.csv"
        city.objects.to_csv(objects)
        people = tmp_path / "inspectors.json"
        city.inspectors.to_json(people)
        d = city.objects
        window = ("2027-04-01", "2027-06-30")
        tasks = [
            InspectionTask(
                id=f"T{k}",
                object_id=d.ids[k],
                region=d.regions[k],
                unit=d.units[k],
                window=window,
                departments=["SAMR"],
            ).to_dict()
            for k in range(20)
        ]
        path = tmp_path / "tasks.json"
        path.write_text(json.dumps(tasks), encoding="utf-8")
        out = tmp_path / "groups.json"
        argv = [
            "--tasks",
            str(path),
            "--inspectors",
            str(people),
            "--seed",
            "7",
            "--out",
            str(out),
            "--objects",
            str(objects),
        ]
        assert run(argv) == 0
        assert len(json.loads(out.read_text(encoding="utf-8"))["groups"]) == 20
        tasks[0]["object_id"] = "NOT-AN-OBJECT"
        path.write_text(json.dumps(tasks), encoding="utf-8")
        with pytest.raises(MatchInputError, match="NOT-AN-OBJECT"):
            run(argv)
