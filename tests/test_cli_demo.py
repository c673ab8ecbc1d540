"""Tests for ``randinspect demo``: the whole cycle on the demo city, verified, journalled, written."""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter
from pathlib import Path

import pytest

from randinspect.cli import main
from randinspect.datasets import demo_city, synthetic_results
from randinspect.draw import DrawRecord, Journal, JsonLinesStore


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """Run the demo once for the module (capsys is function-scoped, so stdout is captured by hand)."""
    out = tmp_path_factory.mktemp("demo") / "out"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["demo", "--objects", "4000", "--out", str(out)])
    return code, buffer.getvalue(), out


class TestDemo:
    def test_summary_only(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--summary-only prints both directories: districts, kinds, grades, classes, inspectors."""
        assert main(["demo", "--summary-only", "--objects", "2000"]) == 0
        text = capsys.readouterr().out
        for word in ("南明区", "个体工商户", "信用等级", "风险等级", "SAMR", "市场监督管理局"):
            assert word in text

    def test_out_not_a_directory(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An --out path that is a file gives exit status 2 and a message, not a traceback."""
        out = tmp_path / "a-file"
        out.write_text("", encoding="utf-8")
        assert main(["demo", "--objects", "500", "--out", str(out)]) == 2
        assert "cannot write" in capsys.readouterr().err

    def test_runs_the_cycle(self, demo_run: tuple[int, str, Path]) -> None:
        """The demo prints draws per tier and department, joint blocks, visits saved, groups and deadlines."""
        code, text, _ = demo_run
        assert code == 0
        for phrase in ("draw commitments journalled", "joint blocks", "saved", "groups matched", "deadline"):
            assert phrase in text
        assert "all reproduce" in text

    def test_writes_plans_records_and_journal(self, demo_run: tuple[int, str, Path]) -> None:
        """Plans go out as JSON and CSV; every draw record verifies; the journal chain is intact."""
        _, _, out = demo_run
        for name in ("summary.json", "joint-plan.json", "department-plans.json", "plan-tasks.csv"):
            assert (out / name).stat().st_size > 0
        records = sorted((out / "draws").glob("*.json"))
        assert records
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert sum(sum(t.values()) for t in summary["drawn"].values()) == sum(
            len(DrawRecord.from_json(p.read_text(encoding="utf-8")).selected) for p in records
        )
        journal = Journal(JsonLinesStore(out / "journal.jsonl", read_only=True))
        check = journal.verify()
        kinds = Counter(e.kind for e in journal.entries())
        # the item list of each department, one commitment and one draw per record, each department's plan
        # and the joint plan, the matching and those of converted and case tasks, then the year's results
        departments = len(summary["drawn"])
        assert kinds["commitment"] == kinds["draw"] == len(records)
        assert kinds["item-list"] >= departments
        assert kinds["plan"] == kinds["item-list"] + 1
        assert 1 <= kinds["match"] <= 3
        assert check.length == sum(kinds.values())

    def test_no_personal_data_in_outputs(self, demo_run: tuple[int, str, Path]) -> None:
        """No identity-card or phone number of any inspector appears in anything the demo prints or writes."""
        _, text, out = demo_run
        city = demo_city(n_objects=4000)
        secrets = set()
        for inspector in city.inspectors.inspectors:
            for field in ("id_card", "phone"):
                value = getattr(inspector, field, None)
                if value:
                    secrets.add(str(value))
        assert secrets, "the demo city should have private fields to protect"
        blobs = [text.encode("utf-8")] + [p.read_bytes() for p in out.rglob("*") if p.is_file()]
        leaked = {s for s in secrets for blob in blobs if s.encode("utf-8") in blob}
        assert leaked == set()

    def test_no_representative_data_in_outputs(self, demo_run: tuple[int, str, Path]) -> None:
        """No name or phone of a representative who signed a record appears in any file, searched as bytes."""
        _, text, out = demo_run
        city = demo_city(n_objects=4000)
        from randinspect.cli._after import _calendar
        from randinspect.cli.demo import DEFAULT_PUBLIC_SEED, _policies
        from randinspect.datasets import demo_items
        from randinspect.draw import PublicSeedSource
        from randinspect.planning import run_cycle

        items = [
            i
            for i in demo_items(city.year)
            if i.id in {p.stem.split("-round")[0] for p in (out / "draws").glob("*.json")}
        ]
        result = run_cycle(
            city.objects,
            items,
            source=PublicSeedSource(DEFAULT_PUBLIC_SEED),
            inspectors=city.inspectors,
            policy=_policies(city),
        )
        records, _ = synthetic_results(
            result.tasks,
            result.matching,
            city.objects,
            city.inspectors,
            items,
            calendar=_calendar()[0],
            seed=city.seed,
        )
        secrets = set()
        for r in records:
            rep = r.acknowledgement.representative if r.acknowledgement else None
            if rep is not None:
                secrets.update(rep.private_values())
        assert secrets
        blobs = [text.encode("utf-8")] + [p.read_bytes() for p in out.rglob("*") if p.is_file()]
        assert {s for s in secrets for blob in blobs if s.encode("utf-8") in blob} == set()

    def test_after_the_visit(self, demo_run: tuple[int, str, Path]) -> None:
        """The demo enters, publishes (with an overdue list), refers, feeds back and writes the summary."""
        _, text, out = demo_run
        for phrase in ("results entered", "overdue list", "referrals", "feedback:", "annual summary"):
            assert phrase in text
        for name in (
            "public-results.json",
            "public-results.csv",
            "summary/summary.md",
            "summary/summary.html",
        ):
            assert (out / name).stat().st_size > 0
        journal = Journal(JsonLinesStore(out / "journal.jsonl"))
        assert journal.verify().length == len(journal)
        kinds = {e.kind for e in journal.entries()}
        assert {"result", "publication", "referral", "grade-change", "assessment"} <= kinds

    def test_journal_holds_inspection_records(self, demo_run: tuple[int, str, Path]) -> None:
        """Every entered result is in an inspection-record ledger entry, notes by digest only."""
        _, _, out = demo_run
        journal = Journal(JsonLinesStore(out / "journal.jsonl"))
        records = [
            r for e in journal.entries() if e.kind == "inspection-record" for r in e.payload["records"]
        ]
        book = json.loads((out / "book.json").read_text(encoding="utf-8"))
        entered = {f"{r['record']['task_id']}/{r['record']['item_id']}" for r in book["results"]}
        assert {r["record_id"] for r in records} == entered
        assert all("note" not in f for r in records for f in r["findings"])

    def test_desk_checks_and_commitments_kept_apart(self, demo_run: tuple[int, str, Path]) -> None:
        """Desk tasks (online, documents, credit-commitment stand-ins) are written apart and get no group."""
        _, text, out = demo_run
        assert "desk tasks" in text
        desk = json.loads((out / "desk-tasks.json").read_text(encoding="utf-8"))["tasks"]
        groups = json.loads((out / "groups.json").read_text(encoding="utf-8"))["groups"]
        grouped = {g["task_id"] for g in groups}
        assert desk
        assert not grouped & {t["id"] for t in desk}
        assert any(t["id"].startswith("commitment|") for t in desk)
        assert {t.get("method") for t in desk} <= {"online", "documents", "credit_commitment"}

    def test_next_year_draw_holds_fed_back_objects(self, demo_run: tuple[int, str, Path]) -> None:
        """Year Y+1 is drawn from the fed-back directory: every fed-back problem object in an item's scope
        is in that year's draw records, in the problem or key tier (π = 1)."""
        _, text, out = demo_run
        assert "next year" in text
        report = json.loads((out / "next-year" / "feedback.json").read_text(encoding="utf-8"))
        assert report["in_scope"]
        selected: dict[str, set[str]] = {}
        for path in sorted((out / "next-year" / "draws").glob("*.json")):
            record = DrawRecord.from_json(path)
            assert record.year == report["year"]
            for s in record.selected:
                if s.tier in ("problem", "key"):
                    selected.setdefault(s.id, set()).add(record.item_id)
        assert set(report["in_scope"]) <= set(selected)
        journal = Journal(JsonLinesStore(out / "journal.jsonl"))
        marks = [e for e in journal.entries() if e.kind == "grade-change" and "problem_ids" in e.payload]
        assert set(report["problem_ids"]) == set(marks[-1].payload["problem_ids"])
