"""The cycle's ledger entries: run_cycle(journal=...), journal_cycle, ``randinspect plan --journal``."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from randinspect.cli import main
from randinspect.datasets import DemoCity, demo_city
from randinspect.draw import PublicSeedSource, commit
from randinspect.errors import CommitmentMismatchError, DuplicateDrawError, DuplicateEntryError
from randinspect.items import CheckItem
from randinspect.ledger import Journal, JsonLinesStore, MemoryStore
from randinspect.planning import Answer, ItemList, credit_commitment_entries, journal_cycle, run_cycle
from randinspect.results import CommitmentStandIn

SEED = "2026-11-05 ceremony 8841"


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return demo_city(n_objects=2_000, seed=7, year=2027)


def _items() -> ItemList:
    return ItemList(
        year=2027,
        items=[
            CheckItem(
                id=f"{d}-2027-1",
                name="年度抽查",
                department=d,
                year=2027,
                scope={},
                ratio="0.06",
                frequency=2 if d == "SAMR" else 1,
                legal_basis=["《优化营商环境条例》|第五十四条"],
            )
            for d in ("SAMR", "HEALTH", "FIRE")
        ],
    )


def _commitments(city: DemoCity, item: CheckItem, n: int, signed_on: dt.date) -> list[CommitmentStandIn]:
    """Credit commitments of the first ``n`` alive objects for ``item``, signed on one day."""
    alive = city.objects.ids[city.objects.alive].tolist()
    return [
        CommitmentStandIn(
            object_id=o,
            item_id=item.id,
            department=item.department,
            signed_on=signed_on,
            text_digest=f"{k:064x}",
        )
        for k, o in enumerate(alive[:n])
    ]


class TestRunCycleJournal:
    """run_cycle journals what it decided, after commitments made before the seed."""

    def test_entries_of_a_cycle(self, city: DemoCity) -> None:
        """After the commitments, the cycle appends one draw per record (matching its commitment), one plan
        per department, the joint plan and the matching, and the chain verifies."""
        items = _items()
        journal = Journal(MemoryStore())
        for item in items:
            for r in range(1, item.frequency + 1):
                journal.append_commitment(commit(city.objects, item, round=r))
        result = run_cycle(
            city.objects, items, source=PublicSeedSource(SEED), inspectors=city.inspectors, journal=journal
        )
        kinds = Counter(e.kind for e in journal.entries())
        assert kinds == {
            "commitment": len(result.records),
            "draw": len(result.records),
            "plan": len(result.plans) + 1,
            "match": 1,
        }
        assert journal.history(("joint-plan", 2027))[0].payload == json.loads(
            json.dumps(result.joint.to_json_dict())
        )
        assert journal.verify().length == sum(kinds.values())

    def test_answers_journalled(self, city: DemoCity) -> None:
        """Each answer given to the merger is journalled as a joint-answer entry of its proposal and
        department."""
        items = _items()
        first = run_cycle(city.objects, items, source=PublicSeedSource(SEED))
        proposal = first.proposals.proposals[0]
        answers = [
            Answer(department=d, proposal=proposal.id, accept=False, answered_on=first.proposals.pushed_on)
            for d in proposal.departments
        ]
        journal = Journal(MemoryStore())
        run_cycle(city.objects, items, source=PublicSeedSource(SEED), answers=iter(answers), journal=journal)
        entries = [e for e in journal.entries() if e.kind == "joint-answer"]
        assert [e.key for e in entries] == [("joint-answer", proposal.id, d) for d in proposal.departments]
        assert all(e.payload["accept"] is False for e in entries)

    def test_credit_commitments_journalled(self, city: DemoCity) -> None:
        """The credit commitments given to the cycle are journalled in one entry per item and year, each
        with its digest and dates but not its text; a second entry for the item needs a reason."""
        items = _items()
        item = items.items[0]
        commitments = _commitments(city, item, 5, dt.date(2026, 12, 1))
        journal = Journal(MemoryStore())
        result = run_cycle(
            city.objects,
            items,
            source=PublicSeedSource(SEED),
            credit_commitments=iter(commitments),
            journal=journal,
        )
        assert result.credit_commitments == tuple(commitments)
        entries = [e for e in journal.entries() if e.kind == "credit-commitment"]
        assert [e.key for e in entries] == [("credit-commitments", item.id, "2027")]
        assert entries[0].payload == {
            "item_id": item.id,
            "year": 2027,
            "commitments": [c.to_dict() for c in commitments],
        }
        assert entries[0].payload["commitments"][0]["signed_on"] == "2026-12-01"
        with pytest.raises(DuplicateEntryError):
            journal.append("credit-commitment", {"late": True}, key=("credit-commitments", item.id, 2027))

    def test_credit_commitments_journalled_before_the_seed(self, city: DemoCity) -> None:
        """Commitments journalled before the seed (credit_commitment_entries) are found by the cycle and
        not appended again; a different list under the same key is refused before anything is appended."""
        items = _items()
        item = items.items[0]
        commitments = _commitments(city, item, 4, dt.date(2026, 11, 1))
        journal = Journal(MemoryStore())
        for key, payload in credit_commitment_entries(commitments, 2027):
            journal.append("credit-commitment", payload, key=key)
        run_cycle(
            city.objects,
            items,
            source=PublicSeedSource(SEED),
            credit_commitments=commitments,
            journal=journal,
        )
        assert sum(e.kind == "credit-commitment" for e in journal.entries()) == 1
        other = Journal(MemoryStore())
        for key, payload in credit_commitment_entries(commitments[:3], 2027):
            other.append("credit-commitment", payload, key=key)
        with pytest.raises(DuplicateEntryError):
            run_cycle(
                city.objects,
                items,
                source=PublicSeedSource(SEED),
                credit_commitments=commitments,
                journal=other,
            )
        assert len(other) == 1

    def test_draw_under_other_commitment_refused(self, city: DemoCity) -> None:
        """A cycle whose draw differs from the commitment journalled for its key is refused by the ledger."""
        items = _items()
        journal = Journal(MemoryStore())
        other = items.items[0]
        journal.append("commitment", {"digest": "f" * 64}, key=(other.id, 2027, 1))
        with pytest.raises(CommitmentMismatchError):
            run_cycle(city.objects, items, source=PublicSeedSource(SEED), journal=journal)

    def test_same_cycle_twice_refused(self, city: DemoCity) -> None:
        """Journalling the same cycle twice is refused at its first draw (a redraw needs a reason)."""
        items = _items()
        journal = Journal(MemoryStore())
        result = run_cycle(city.objects, items, source=PublicSeedSource(SEED), journal=journal)
        before = len(journal)
        with pytest.raises(DuplicateDrawError):
            journal_cycle(journal, result)
        assert len(journal) == before

    def test_late_refusal_appends_nothing(self, city: DemoCity) -> None:
        """A refusal of the cycle's joint plan (journalled before) is found before any draw is appended."""
        items = _items()
        journal = Journal(MemoryStore())
        journal.append("plan", {"earlier": True}, key=("joint-plan", 2027))
        with pytest.raises(DuplicateEntryError):
            run_cycle(city.objects, items, source=PublicSeedSource(SEED), journal=journal)
        assert len(journal) == 1

    def test_no_journal_no_entries(self, city: DemoCity) -> None:
        """Without journal= the cycle is the same and nothing is journalled anywhere."""
        items = _items()
        journal = Journal(MemoryStore())
        a = run_cycle(city.objects, items, source=PublicSeedSource(SEED))
        b = run_cycle(city.objects, items, source=PublicSeedSource(SEED), journal=journal)
        assert a.joint.to_json_dict() == b.joint.to_json_dict()
        assert [r.to_json_dict() for r in a.records] == [r.to_json_dict() for r in b.records]


class TestPlanCommandJournal:
    """``randinspect plan --journal`` appends the cycle after writing its files."""

    def _run(self, city: DemoCity, tmp_path: Path, out: Path) -> tuple[int, Path]:
        objects = tmp_path / "objects.csv"
        city.objects.to_csv(objects)
        items = tmp_path / "items.json"
        items.write_text(json.dumps(_items().to_dict(), ensure_ascii=False), encoding="utf-8")
        journal = tmp_path / "ledger.jsonl"
        argv = ["plan", "--objects", str(objects), "--items", str(items), "--seed", "42"]
        return main([*argv, "--out", str(out), "--journal", str(journal)]), journal

    def test_journal_written_after_files(self, city: DemoCity, tmp_path: Path) -> None:
        """With a good --out the ledger holds the draws, plans and joint plan and verifies."""
        code, journal = self._run(city, tmp_path, tmp_path / "out")
        assert code == 0
        kinds = Counter(e.kind for e in Journal(JsonLinesStore(journal)).entries())
        assert kinds["draw"] == 4
        assert kinds["plan"] == 4
        assert Journal(JsonLinesStore(journal, read_only=True)).verify().length == sum(kinds.values())

    def test_failed_write_leaves_no_journal(
        self, city: DemoCity, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """When the plans cannot be written, nothing is journalled (the ledger file is not even created)."""
        blocker = tmp_path / "a-file"
        blocker.write_text("", encoding="utf-8")
        code, journal = self._run(city, tmp_path, blocker)
        assert code == 2
        assert not journal.exists()
        capsys.readouterr()
