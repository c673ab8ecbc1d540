"""Tests for commit_cycle and run_cycle(commitments=): commit each draw before the seed, draw after."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from randinspect.datasets import DemoCity, demo_city
from randinspect.draw import ComplaintRule, PublicSeedSource, StratifiedPolicy, TieredPolicy
from randinspect.errors import CommitmentMismatchError, ComplaintWindowError, InputError
from randinspect.items import CheckItem
from randinspect.planning import ItemList, commit_cycle, run_cycle


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return demo_city(n_objects=1_500, seed=11, year=2027)


def _items(*, ratio: str = "0.06") -> ItemList:
    return ItemList(
        year=2027,
        items=[
            CheckItem(
                id=f"{d}-2027-1",
                name="年度抽查",
                department=d,
                year=2027,
                scope={},
                ratio=ratio,
                frequency=2 if d == "SAMR" else 1,
                legal_basis=["《优化营商环境条例》|第五十四条"],
            )
            for d in ("SAMR", "HEALTH", "FIRE")
        ],
    )


def _policies(city: DemoCity) -> dict[str, object]:
    return {
        "SAMR": TieredPolicy(complaints=city.complaints, complaint_rule=ComplaintRule(min_count=2)),
        "HEALTH": StratifiedPolicy(),
    }


class TestCommitCycle:
    def test_same_records_as_run_cycle_alone(self, city: DemoCity) -> None:
        """Committing first, then drawing against the commitments, gives exactly run_cycle's records."""
        policies = _policies(city)
        day = dt.date(2026, 11, 10)
        commitments = commit_cycle(city.objects, _items(), policy=policies, committed_on=day)
        seed = PublicSeedSource("3 1 4 1 5 9")
        committed = run_cycle(city.objects, _items(), source=seed, policy=policies, commitments=commitments)
        alone = run_cycle(city.objects, _items(), source=seed, policy=policies, committed_on=day)
        assert [c.context for c in commitments] == [r.context for r in alone.records]
        assert [r.to_json_dict() for r in committed.records] == [r.to_json_dict() for r in alone.records]
        assert [p.digest for p in committed.joint.plans] == [p.digest for p in alone.joint.plans]

    def test_each_draw_keeps_its_commitment(self, city: DemoCity) -> None:
        """Every record of the cycle carries the commitment published for its item and round."""
        commitments = commit_cycle(city.objects, _items(), committed_on=dt.date(2026, 11, 2))
        result = run_cycle(city.objects, _items(), source=PublicSeedSource("s"), commitments=commitments)
        assert [r.commitment.digest for r in result.records] == [c.digest for c in commitments]
        assert {r.commitment.policy["reference_date"] for r in result.records} == {"2026-11-02"}

    def test_changed_directory_is_named(self, city: DemoCity) -> None:
        """A directory changed after the commitments stops the cycle with the item, round and 'directory'."""
        commitments = commit_cycle(city.objects, _items())
        changed = city.objects.subset(list(range(1, len(city.objects))))
        with pytest.raises(CommitmentMismatchError, match=r"SAMR-2027-1.*directory"):
            run_cycle(changed, _items(), source=PublicSeedSource("s"), commitments=commitments)

    def test_changed_item_is_named(self, city: DemoCity) -> None:
        """An item whose ratio changed after the commitments is refused, naming the item."""
        commitments = commit_cycle(city.objects, _items())
        with pytest.raises(CommitmentMismatchError, match="item"):
            run_cycle(
                city.objects, _items(ratio="0.05"), source=PublicSeedSource("s"), commitments=commitments
            )

    def test_changed_policy_salt_is_refused(self, city: DemoCity) -> None:
        """Another policy object (a new reason salt) for an item with filed cases no longer matches."""
        ids = city.objects.ids[:3].tolist()
        commitments = commit_cycle(city.objects, _items(), policy=TieredPolicy(filed_case_ids=ids))
        with pytest.raises(CommitmentMismatchError, match="policy parameters"):
            run_cycle(
                city.objects,
                _items(),
                source=PublicSeedSource("s"),
                policy=TieredPolicy(filed_case_ids=ids),
                commitments=commitments,
            )

    def test_missing_and_left_over_commitments(self, city: DemoCity) -> None:
        """A draw without a commitment, and a commitment without a draw, are both refused by name."""
        commitments = commit_cycle(city.objects, _items())
        with pytest.raises(CommitmentMismatchError, match=r"'FIRE-2027-1' round 1 .*no commitment"):
            run_cycle(city.objects, _items(), source=PublicSeedSource("s"), commitments=commitments[:-1])
        fewer = ItemList(year=2027, items=_items().items[:2])
        with pytest.raises(CommitmentMismatchError, match=r"FIRE-2027-1\|2027\|round=1"):
            run_cycle(city.objects, fewer, source=PublicSeedSource("s"), commitments=commitments)

    def test_frequency_change_is_refused(self, city: DemoCity) -> None:
        """Raising an item's frequency after the commitments leaves its new round uncommitted."""
        commitments = commit_cycle(city.objects, _items())
        items = _items()
        more = ItemList(year=2027, items=[attrs.evolve(items.items[0], frequency=3), *items.items[1:]])
        with pytest.raises(CommitmentMismatchError):
            run_cycle(city.objects, more, source=PublicSeedSource("s"), commitments=commitments)

    def test_repeated_or_foreign_commitments_refused(self, city: DemoCity) -> None:
        """Two commitments for one draw, or something that is not a Commitment, are input errors."""
        commitments = commit_cycle(city.objects, _items())
        with pytest.raises(InputError, match="repeats"):
            run_cycle(
                city.objects,
                _items(),
                source=PublicSeedSource("s"),
                commitments=[*commitments, commitments[0]],
            )
        with pytest.raises(InputError, match=r"not a randinspect\.draw\.Commitment"):
            run_cycle(city.objects, _items(), source=PublicSeedSource("s"), commitments=["abc"])  # type: ignore[list-item]

    def test_raised_frequency_rounds_are_committed(self, city: DemoCity) -> None:
        """Under a matrix whose D-grade share is 2, commit_cycle commits every round run_cycle draws
        (twice the item's frequency), and the committed cycle gives the same records."""
        from randinspect.draw import SamrMatrix, item_rounds

        raised = TieredPolicy(matrix=SamrMatrix(credit_round_shares={"A": "1/2", "B": 1, "C": 1, "D": 2}))
        policies = {"SAMR": raised, "HEALTH": raised, "FIRE": raised}
        items = _items()
        commitments = commit_cycle(city.objects, items, policy=policies)
        rounds = sum(item_rounds(i, raised.matrix) for i in items.items)
        assert len(commitments) == rounds == 2 * sum(i.frequency for i in items.items)
        seed = PublicSeedSource("2 7 1 8")
        committed = run_cycle(city.objects, items, source=seed, policy=policies, commitments=commitments)
        alone = run_cycle(city.objects, items, source=seed, policy=policies)
        assert [r.to_json_dict() for r in committed.records] == [r.to_json_dict() for r in alone.records]

    def test_complaint_window_after_commitment_refused(self, city: DemoCity) -> None:
        """A policy whose complaint window ends after the commitment date is refused at commitment."""
        late = TieredPolicy(complaints=city.complaints, reference_date=dt.date(2026, 12, 31))
        with pytest.raises(ComplaintWindowError, match=r"SAMR-2027-1.*2026-12-31.*2026-11-10"):
            commit_cycle(city.objects, _items(), policy={"SAMR": late}, committed_on=dt.date(2026, 11, 10))

    def test_journalled_commitments_check_the_draws(self, city: DemoCity) -> None:
        """commit_cycle journals each commitment; run_cycle then journals draws matching them."""
        from collections import Counter

        from randinspect.errors import JournalError
        from randinspect.ledger import Journal, MemoryStore

        journal = Journal(MemoryStore())
        commitments = commit_cycle(city.objects, _items(), journal=journal)
        result = run_cycle(
            city.objects, _items(), source=PublicSeedSource("j"), commitments=commitments, journal=journal
        )
        kinds = Counter(e.kind for e in journal.entries())
        assert kinds["commitment"] == kinds["draw"] == len(result.records) == len(commitments)
        assert journal.verify().length == sum(kinds.values())
        before = journal.verify().length
        with pytest.raises(JournalError):
            commit_cycle(city.objects, _items(), journal=journal)
        assert journal.verify().length == before
