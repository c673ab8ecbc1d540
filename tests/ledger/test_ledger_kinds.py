"""Tests of the ledger's entry kinds, its place below the other packages, and journals of earlier releases."""

from __future__ import annotations

import ast
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import randinspect.draw.journal as old_journal
import randinspect.ledger as ledger
from randinspect.errors import DuplicateDrawError, DuplicateEntryError, ReasonRequiredError
from randinspect.ledger import EntryKind, Journal, MemoryStore, open_store
from randinspect.testing.strategies import journal_keys, journal_payloads

DATA = Path(__file__).parent / "data"
# Head of the journal files written by the 0.1.0.dev0 code before the move (tests/ledger/data/journal-0.1.*).
OLD_HEAD = "e08503be229cbbae515e2ee1755a4ccf78fd2ae4313f97025385b7aa1739ab53"
LEDGER_SRC = Path(ledger.__file__).parent


def clock() -> Callable[[], datetime]:
    """A clock advancing one second per call."""
    ticks = iter(range(10**6))
    return lambda: datetime(2027, 6, 1, tzinfo=UTC) + timedelta(seconds=next(ticks))


class TestKinds:
    """Every step of the cycle has an entry kind with a stated rule."""

    def test_every_step_has_a_kind(self) -> None:
        """The kinds cover item lists, commitments, draws, plans, adjustments, joint answers, matches,
        replacements, inspection records, results, publications, referrals, grade changes and assessments."""
        assert {k.value for k in EntryKind} >= {
            "item-list",
            "commitment",
            "draw",
            "plan",
            "plan-adjustment",
            "joint-answer",
            "credit-commitment",
            "match",
            "replacement",
            "inspection-record",
            "result",
            "publication",
            "referral",
            "referral-receipt",
            "grade-change",
            "assessment",
        }

    def test_each_kind_has_exactly_one_rule(self) -> None:
        """A kind is either once-per-key or needs a reason on every entry, never both nor neither."""
        for kind in EntryKind:
            assert kind.once_per_key != kind.reason_required, kind
        assert {k for k in EntryKind if k.reason_required} == {
            EntryKind.REPLACEMENT,
            EntryKind.PLAN_ADJUSTMENT,
            EntryKind.GRADE_CHANGE,
        }

    @given(
        kind=st.sampled_from([k for k in EntryKind if k.once_per_key]),
        key=journal_keys(),
        payloads=st.lists(journal_payloads(), min_size=2, max_size=2),
    )
    def test_once_per_key_kinds_appended_generically(
        self, kind: EntryKind, key: tuple[str | int, ...], payloads: list[dict[str, object]]
    ) -> None:
        """Any once-per-key kind is appended by name with a key and a payload; a second entry for the key
        is refused without a reason (nothing written) and kept with one."""
        journal = Journal(MemoryStore(), clock=clock())
        first = journal.append(kind.value, payloads[0], key=key)
        assert first.kind == kind.value
        assert first.payload == payloads[0]
        error = DuplicateDrawError if kind in {EntryKind.DRAW, EntryKind.COMMITMENT} else DuplicateEntryError
        with pytest.raises(error):
            journal.append(kind.value, payloads[1], key=key)
        assert len(journal) == 1
        journal.append(kind, payloads[1], key=key, reason="更正 correction approved")
        assert [e.kind for e in journal.history(key)] == [kind.value, kind.value]
        assert journal.verify().length == 2

    @given(kind=st.sampled_from([k for k in EntryKind if k.reason_required]), key=journal_keys())
    def test_reason_kinds_need_a_reason(self, kind: EntryKind, key: tuple[str | int, ...]) -> None:
        """A replacement, plan adjustment or grade change without a reason is refused and nothing is written;
        with one, any number of them may be made for a key."""
        journal = Journal(MemoryStore(), clock=clock())
        with pytest.raises(ReasonRequiredError):
            journal.append(kind.value, {"from": "B", "to": "A"}, key=key)
        assert len(journal) == 0
        for _ in range(2):
            journal.append(kind.value, {"from": "B", "to": "A"}, key=key, reason="连续三年未发现问题")
        assert len(journal) == 2

    def test_grade_change_reason_from_payload(self) -> None:
        """A grade change whose payload states a reason uses it, as replacements do."""
        journal = Journal(MemoryStore(), clock=clock())
        payload = {"object": "X", "reason": "违法行为 violation"}
        entry = journal.append("grade-change", payload, key=("X", 2028))
        assert entry.reason == "违法行为 violation"

    def test_kinds_of_one_key_are_independent(self) -> None:
        """A result, its publication and a referral for one task are separate once-per-key entries."""
        journal = Journal(MemoryStore(), clock=clock())
        for kind in ("inspection-record", "result", "publication", "referral", "referral-receipt"):
            journal.append(kind, {"task": "T-1"}, key=("T-1",))
        assert len(journal.history(("T-1",))) == 5


class TestLayering:
    """The ledger sits below every other package."""

    def test_ledger_imports_nothing_above_it(self) -> None:
        """No module of randinspect.ledger imports draw, matching, planning, results, directory or cli."""
        above = ("draw", "matching", "planning", "results", "directory", "cli", "datasets", "items")
        for path in LEDGER_SRC.glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                for name in names:
                    parts = name.split(".")
                    assert not (parts[0] == "randinspect" and len(parts) > 1 and parts[1] in above), (
                        f"{path.name} imports {name}"
                    )

    def test_old_module_path_is_the_same_objects(self) -> None:
        """``randinspect.draw.journal`` still gives every name it gave, as the very objects of the ledger."""
        for name in old_journal.__all__:
            assert getattr(old_journal, name) is getattr(ledger, name), name


class TestOldJournals:
    """Journals written before the ledger moved still verify and can be continued."""

    @pytest.mark.parametrize("name", ["journal-0.1.jsonl", "journal-0.1.sqlite"])
    def test_old_journal_verifies_read_only(self, name: str) -> None:
        """The journal files written by the code before the move verify, with the same head."""
        path = DATA / name
        before = path.read_bytes()
        check = Journal(open_store(path, read_only=True)).verify(expected_head=OLD_HEAD)
        assert (check.length, check.head) == (7, OLD_HEAD)
        assert path.read_bytes() == before

    @pytest.mark.parametrize("name", ["journal-0.1.jsonl", "journal-0.1.sqlite"])
    def test_old_journal_continues(self, name: str, tmp_path: Path) -> None:
        """A copy of an old journal takes new kinds of entries after its last one and still verifies."""
        path = tmp_path / name
        shutil.copy(DATA / name, path)
        journal = Journal(open_store(path), clock=clock())
        entry = journal.append("result", {"category": "未发现问题"}, key=("GY-2027-001", "T1"))
        assert entry.prev_hash == OLD_HEAD
        assert journal.verify(expected_head=OLD_HEAD).length == 8


class TestCheckAppend:
    """check_append raises exactly what append would, and writes nothing."""

    @given(
        steps=st.lists(
            st.tuples(
                st.sampled_from([k.value for k in EntryKind]),
                st.sampled_from([("A",), ("B",), ("A", "1")]),
                st.sampled_from([None, "approved 批准"]),
            ),
            min_size=1,
            max_size=12,
        )
    )
    def test_same_verdict_as_append(self, steps: list[tuple[str, tuple[str, ...], str | None]]) -> None:
        """For any sequence of appends, check_append refuses exactly the appends that are refused (with the
        same error type), and never changes the journal."""
        journal = Journal(MemoryStore(), clock=clock())
        for kind, key, reason in steps:
            before = (len(journal), journal.head)
            checked: type[Exception] | None = None
            try:
                journal.check_append(kind, {"n": 1}, key=key, reason=reason)
            except Exception as exc:
                checked = type(exc)
            assert (len(journal), journal.head) == before
            appended: type[Exception] | None = None
            try:
                journal.append(kind, {"n": 1}, key=key, reason=reason)
            except Exception as exc:
                appended = type(exc)
            assert checked == appended
