"""Tests for the record, publish, refer, regrade and assess commands: nothing written if refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from randinspect.cli import main
from randinspect.results import Finding, ResultBook

World = Any


@pytest.fixture
def files(world: World, tmp_path: Path) -> dict[str, Path]:
    """Tasks, groups, records, objects, items and a routing table as files."""
    paths = {
        "tasks": tmp_path / "tasks.json",
        "groups": tmp_path / "groups.json",
        "records": tmp_path / "records.json",
        "objects": tmp_path / "objects.csv",
        "book": tmp_path / "book.json",
        "routes": tmp_path / "routes.json",
    }
    paths["tasks"].write_text(json.dumps([t.to_dict() for t in world.tasks]), encoding="utf-8")
    paths["groups"].write_text(
        json.dumps(world.matching.to_json_dict(), ensure_ascii=False), encoding="utf-8"
    )
    records = [r.to_json_dict(private=True) for r in world.records[:25]]
    paths["records"].write_text(json.dumps({"records": records}, ensure_ascii=False), encoding="utf-8")
    world.city.objects.to_csv(paths["objects"])
    deps = {d.code: d.name for d in world.city.departments} | {"PSB": "公安局"}
    paths["routes"].write_text(
        json.dumps(
            {"routes": {"pollution": "ECO", "safety": "EMERGENCY"}, "departments": deps}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    return paths


def _args(files: dict[str, Path], *names: str) -> list[str]:
    return [x for n in names for x in (f"--{n}", str(files[n]))]


class TestResultsCommands:
    def test_whole_chain(self, world: World, files: dict[str, Path], tmp_path: Path) -> None:
        """record → publish → refer → regrade → assess run from files and write their outputs."""
        assert main(["record", *_args(files, "records", "tasks", "groups", "book", "objects")]) == 0
        book = ResultBook.from_json_dict(json.loads(files["book"].read_text(encoding="utf-8")))
        assert len(book) == 25
        pub_json, pub_csv = tmp_path / "public.json", tmp_path / "public.csv"
        code = main(
            [
                "publish-results",
                "--book",
                str(files["book"]),
                "--on",
                f"{world.city.year}-12-31",
                "--json",
                str(pub_json),
                "--csv",
                str(pub_csv),
                "--objects",
                str(files["objects"]),
            ]
        )
        assert code == 0
        assert len(json.loads(pub_json.read_text(encoding="utf-8"))["results"]) == 25
        rec = next(r for r in world.records[:25] if r.department not in ("ECO",))
        requests = tmp_path / "requests.json"
        requests.write_text(
            json.dumps(
                [{"record_id": rec.record_id, "matter": "pollution", "sent_on": rec.entered_on.isoformat()}]
            ),
            encoding="utf-8",
        )
        referrals = tmp_path / "referrals.json"
        code = main(
            [
                "refer",
                "--book",
                str(files["book"]),
                "--requests",
                str(requests),
                "--routes",
                str(files["routes"]),
                "--out",
                str(referrals),
            ]
        )
        assert code == 0
        new_objects = tmp_path / "objects-next.csv"
        code = main(
            [
                "regrade",
                "--objects",
                str(files["objects"]),
                "--book",
                str(files["book"]),
                "--referrals",
                str(referrals),
                "--out",
                str(new_objects),
            ]
        )
        assert code == 0
        assert new_objects.stat().st_size > 0
        out = tmp_path / "assessment"
        code = main(
            [
                "assess",
                "--book",
                str(files["book"]),
                "--objects",
                str(files["objects"]),
                "--as-of",
                f"{world.city.year}-12-31",
                "--tasks",
                str(files["tasks"]),
                "--out",
                str(out),
            ]
        )
        assert code == 0
        for name in ("summary.md", "summary.html", "assessment.json", "overdue.csv"):
            assert (out / name).stat().st_size > 0

    def test_bad_record_nothing_written(self, world: World, files: dict[str, Path], capsys: Any) -> None:
        """A record by an inspector outside the group: exit 2, message names the record, book unchanged."""
        assert main(["record", *_args(files, "records", "tasks", "groups", "book")]) == 0
        before = files["book"].read_bytes()
        bad = attrs.evolve(world.records[30], findings=(Finding(content="c", category="不存在的类别"),))
        files["records"].write_text(json.dumps([bad.to_json_dict(private=True)], ensure_ascii=False), "utf-8")
        assert main(["record", *_args(files, "records", "tasks", "groups", "book")]) == 2
        assert bad.record_id in capsys.readouterr().err
        assert files["book"].read_bytes() == before

    def test_book_has_no_personal_data(self, world: World, files: dict[str, Path]) -> None:
        """The book file keeps the representative as a digest: no name or phone, searched as bytes."""
        assert main(["record", *_args(files, "records", "tasks", "groups", "book")]) == 0
        blob = files["book"].read_bytes()
        for r in world.records[:25]:
            for secret in r.acknowledgement.representative.private_values():
                assert secret.encode("utf-8") not in blob

    def test_record_journals_inspection_records(self, world: World, files: dict[str, Path]) -> None:
        """``record --journal`` appends the batch's inspection-record entry (every record) and its result
        entry; the journal verifies and holds no representative data."""
        from randinspect.ledger import Journal, JsonLinesStore

        journal_path = files["book"].parent / "journal.jsonl"
        args = _args(files, "records", "tasks", "groups", "book")
        assert main(["record", *args, "--journal", str(journal_path)]) == 0
        journal = Journal(JsonLinesStore(journal_path))
        records, result = journal.entries()
        assert (records.kind, result.kind) == ("inspection-record", "result")
        assert [r["record_id"] for r in records.payload["records"]] == [
            r.record_id for r in world.records[:25]
        ]
        assert journal.verify().length == 2
        blob = journal_path.read_bytes()
        for r in world.records[:25]:
            rep = r.acknowledgement.representative if r.acknowledgement else None
            for secret in rep.private_values() if rep else ():
                assert secret.encode("utf-8") not in blob
