"""Tests of randinspect.ledger: the append-only, hash-chained ledger (全程留痕)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect import draw as draw_mod
from randinspect.directory import ObjectDirectory, Scope
from randinspect.errors import (
    CommitmentMismatchError,
    ConfigurationError,
    DuplicateDrawError,
    DuplicateEntryError,
    InputError,
    JournalError,
    JournalIntegrityError,
    ReasonRequiredError,
)
from randinspect.items import CheckItem
from randinspect.ledger import (
    GENESIS_HASH,
    EntryKind,
    Journal,
    JournalEntry,
    JournalStore,
    JsonLinesStore,
    MemoryStore,
    SqliteStore,
    entry_hash,
    open_store,
)
from randinspect.testing._journal import check_journal_store, journal_keys, journal_payloads

T0 = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
STORE_KINDS = ("memory", "jsonl", "sqlite")
TABLE = "randinspect_journal"


def fixed_clock() -> Callable[[], datetime]:
    """Return a clock that advances one minute per call, starting at T0."""
    ticks = iter(range(10**6))
    return lambda: T0 + timedelta(minutes=next(ticks))


def make_store(kind: str, directory: Path) -> JournalStore:
    if kind == "memory":
        return MemoryStore()
    if kind == "jsonl":
        return JsonLinesStore(directory / "journal.jsonl")
    return SqliteStore(directory / "journal.sqlite")


@contextlib.contextmanager
def journal_in(kind: str) -> Iterator[Journal]:
    """A fresh journal of the given store kind in its own temporary directory."""
    with tempfile.TemporaryDirectory() as tmp:
        yield Journal(make_store(kind, Path(tmp)), clock=fixed_clock())


def fill(journal: Journal, n: int) -> list[JournalEntry]:
    """Append n draws for distinct keys."""
    return [
        journal.append_draw({"selected": [f"91520100MA{i:08d}"], "n": i}, key=(f"ITEM-{i}", 2027, 1))
        for i in range(n)
    ]


def snapshot(journal: Journal) -> tuple[int, str, list[dict[str, Any]]]:
    return len(journal), journal.head, [e.to_json_dict() for e in journal.entries()]


# -- tampering with the underlying storage ---------------------------------------------------------------


def _sql(store: SqliteStore, *statements: tuple[str, tuple[Any, ...]]) -> None:
    conn = sqlite3.connect(store.path)
    try:
        with conn:
            for sql, args in statements:
                conn.execute(sql, args)
    finally:
        conn.close()


def _jsonl_rewrite(store: JsonLinesStore, change: Callable[[list[bytes]], list[bytes]]) -> None:
    lines = store.path.read_bytes().splitlines(keepends=True)
    store.path.write_bytes(b"".join(change(lines)))


def _memory_rewrite(store: MemoryStore, change: Callable[[list[JournalEntry]], list[JournalEntry]]) -> None:
    store._entries[:] = change(list(store._entries))


def tamper_edit(journal: Journal, seq: int) -> None:
    """Change the payload of entry ``seq`` in place, leaving its stored hash."""
    store = journal.store
    if isinstance(store, SqliteStore):
        _sql(store, (f"UPDATE {TABLE} SET payload = ? WHERE seq = ?", ('{"selected":["FORGED"]}', seq)))
    elif isinstance(store, JsonLinesStore):

        def edit(lines: list[bytes]) -> list[bytes]:
            data = json.loads(lines[seq - 1])
            data["payload"]["selected"] = ["FORGED"]
            lines[seq - 1] = json.dumps(data, ensure_ascii=False).encode() + b"\n"
            return lines

        _jsonl_rewrite(store, edit)
    else:
        assert isinstance(store, MemoryStore)
        _memory_rewrite(
            store,
            lambda es: [
                attrs.evolve(e, payload_json='{"selected":["FORGED"]}') if e.seq == seq else e for e in es
            ],
        )


def tamper_edit_rehash(journal: Journal, seq: int) -> None:
    """Change entry ``seq`` and recompute its own hash (a careful forger who cannot rewrite later entries)."""
    store = journal.store
    entry = next(e for e in journal.entries() if e.seq == seq)
    body = entry.body()
    body["payload"] = {"selected": ["FORGED"]}
    new_hash = entry_hash(body)
    if isinstance(store, SqliteStore):
        _sql(
            store,
            (
                f"UPDATE {TABLE} SET payload = ?, hash = ? WHERE seq = ?",
                ('{"selected":["FORGED"]}', new_hash, seq),
            ),
        )
    elif isinstance(store, JsonLinesStore):

        def edit(lines: list[bytes]) -> list[bytes]:
            lines[seq - 1] = json.dumps({**body, "hash": new_hash}).encode() + b"\n"
            return lines

        _jsonl_rewrite(store, edit)
    else:
        assert isinstance(store, MemoryStore)
        forged = attrs.evolve(entry, payload_json='{"selected":["FORGED"]}', hash=new_hash)
        _memory_rewrite(store, lambda es: [forged if e.seq == seq else e for e in es])


def tamper_remove(journal: Journal, seq: int) -> None:
    """Delete entry ``seq``."""
    store = journal.store
    if isinstance(store, SqliteStore):
        _sql(store, (f"DELETE FROM {TABLE} WHERE seq = ?", (seq,)))
    elif isinstance(store, JsonLinesStore):
        _jsonl_rewrite(store, lambda lines: lines[: seq - 1] + lines[seq:])
    else:
        assert isinstance(store, MemoryStore)
        _memory_rewrite(store, lambda es: [e for e in es if e.seq != seq])


def tamper_swap(journal: Journal, i: int, j: int) -> None:
    """Swap entries ``i < j``: lines of a file, list items in memory, row contents in SQLite."""
    store = journal.store
    if isinstance(store, SqliteStore):
        # SQLite returns rows in seq order, so a reordering is a swap of the seq values of two rows.
        _sql(
            store,
            (f"UPDATE {TABLE} SET seq = -1 WHERE seq = ?", (i,)),
            (f"UPDATE {TABLE} SET seq = ? WHERE seq = ?", (i, j)),
            (f"UPDATE {TABLE} SET seq = ? WHERE seq = -1", (j,)),
        )
    elif isinstance(store, JsonLinesStore):

        def swap(lines: list[bytes]) -> list[bytes]:
            lines[i - 1], lines[j - 1] = lines[j - 1], lines[i - 1]
            return lines

        _jsonl_rewrite(store, swap)
    else:
        assert isinstance(store, MemoryStore)

        def swap_entries(es: list[JournalEntry]) -> list[JournalEntry]:
            es[i - 1], es[j - 1] = es[j - 1], es[i - 1]
            return es

        _memory_rewrite(store, swap_entries)


# -- tests -------------------------------------------------------------------------------------------------


class TestEntryHash:
    """The entry hash is the documented SHA-256 of canonical JSON, checkable without randinspect."""

    @pytest.mark.parametrize("kind", ["jsonl", "sqlite"])
    def test_independent_recomputation(self, kind: str) -> None:
        """A stand-alone recomputation with json and hashlib (as in the docs) matches every stored hash."""
        with journal_in(kind) as journal:
            fill(journal, 3)
            prev = "0" * 64
            for entry in journal.entries():
                line = entry.to_json_dict()
                body = {k: v for k, v in line.items() if k != "hash"}
                text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                assert hashlib.sha256(text.encode("utf-8")).hexdigest() == line["hash"]
                assert line["prev_hash"] == prev
                prev = line["hash"]
            assert prev == journal.head

    def test_jsonl_lines_are_canonical(self, tmp_path: Path) -> None:
        """Each line of a JSON-lines journal is the canonical JSON of the entry, Chinese kept as UTF-8."""
        journal = Journal(JsonLinesStore(tmp_path / "j.jsonl"), clock=fixed_clock())
        journal.append_plan({"name": "贵阳市 2027 年度抽查计划"}, key=("SAMR", 2027))
        (line,) = (tmp_path / "j.jsonl").read_text(encoding="utf-8").splitlines()
        data = json.loads(line)
        assert line == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert "贵阳市" in line

    def test_same_content_same_head_in_every_store(self, tmp_path: Path) -> None:
        """The three stores produce the same chain for the same appends."""
        heads = set()
        for kind in STORE_KINDS:
            (tmp_path / kind).mkdir()
            journal = Journal(make_store(kind, tmp_path / kind), clock=fixed_clock())
            fill(journal, 4)
            heads.add(journal.head)
        assert len(heads) == 1

    def test_genesis(self) -> None:
        """An empty journal has the genesis head, and the first entry links to it with seq 1."""
        journal = Journal(MemoryStore(), clock=fixed_clock())
        assert journal.head == GENESIS_HASH == "0" * 64
        assert journal.verify().length == 0
        entry = journal.append_commitment({"digest": "00ff"}, key=("ITEM", 2027, 1))
        assert (entry.seq, entry.prev_hash) == (1, GENESIS_HASH)


@pytest.mark.parametrize("kind", STORE_KINDS)
class TestTamperDetection:
    """Edited, removed and reordered entries are detected in every store, naming the first bad seq."""

    def test_edit_detected(self, kind: str) -> None:
        """Editing an entry's content gives a hash mismatch at its seq."""
        with journal_in(kind) as journal:
            fill(journal, 5)
            tamper_edit(journal, 3)
            with pytest.raises(JournalIntegrityError, match=r"hash mismatch at seq 3: the entry was edited"):
                journal.verify()

    def test_edit_with_rehash_detected(self, kind: str) -> None:
        """Rehashing an edited entry breaks the link of the next entry."""
        with journal_in(kind) as journal:
            fill(journal, 5)
            tamper_edit_rehash(journal, 2)
            with pytest.raises(JournalIntegrityError, match=r"prev_hash mismatch at seq 3"):
                journal.verify()

    def test_removal_detected(self, kind: str) -> None:
        """Removing an entry leaves a seq gap at its position."""
        with journal_in(kind) as journal:
            fill(journal, 5)
            tamper_remove(journal, 2)
            with pytest.raises(JournalIntegrityError, match=r"seq gap at position 2: .* entries 2\.\.2 were"):
                journal.verify()

    def test_reorder_detected(self, kind: str) -> None:
        """Swapping two entries is reported at the first swapped position."""
        with journal_in(kind) as journal:
            fill(journal, 5)
            tamper_swap(journal, 2, 4)
            expected = r"hash mismatch at seq 2" if kind == "sqlite" else r"position 2: .* reordered"
            with pytest.raises(JournalIntegrityError, match=expected):
                journal.verify()

    def test_truncation_needs_published_head(self, kind: str) -> None:
        """Removing the last entry keeps a valid chain but fails against the published head."""
        with journal_in(kind) as journal:
            fill(journal, 4)
            published = journal.head
            tamper_remove(journal, 4)
            assert journal.verify().length == 3
            with pytest.raises(JournalIntegrityError, match="not in the journal"):
                journal.verify(expected_head=published)

    def test_published_head_survives_appends(self, kind: str) -> None:
        """A head published earlier still verifies after later appends."""
        with journal_in(kind) as journal:
            fill(journal, 2)
            published = journal.head
            journal.append_match({"groups": [["A", "B"]]}, key=("ITEM-0", 2027, 1))
            check = journal.verify(expected_head=published.upper())
            assert (check.length, check.head) == (3, journal.head)


class TestTamperProperties:
    """Any single edit, removal or swap of entries is detected, in either store."""

    @settings(max_examples=40, deadline=None)
    @given(
        kind=st.sampled_from(STORE_KINDS),
        n=st.integers(1, 6),
        op=st.sampled_from(["edit", "rehash", "remove", "swap"]),
        data=st.data(),
    )
    def test_any_tampering_detected_against_head(
        self, kind: str, n: int, op: str, data: st.DataObject
    ) -> None:
        """Verifying against the published head detects every single tampering."""
        if op == "swap" and n < 2:
            n = 2
        with journal_in(kind) as journal:
            fill(journal, n)
            published = journal.head
            seq = data.draw(st.integers(1, n), label="seq")
            if op == "edit":
                tamper_edit(journal, seq)
            elif op == "rehash":
                tamper_edit_rehash(journal, seq)
            elif op == "remove":
                tamper_remove(journal, seq)
            else:
                other = data.draw(st.integers(1, n).filter(lambda j: j != seq), label="other")
                tamper_swap(journal, min(seq, other), max(seq, other))
            with pytest.raises(JournalIntegrityError):
                journal.verify(expected_head=published)
            if op in {"edit", "swap"} or seq < n:
                with pytest.raises(JournalIntegrityError):
                    journal.verify()

    @settings(max_examples=25, deadline=None)
    @given(kind=st.sampled_from(STORE_KINDS), sizes=st.lists(st.integers(0, 3), min_size=1, max_size=4))
    def test_appends_keep_verifying(self, kind: str, sizes: list[int]) -> None:
        """Appending after each verification keeps the chain valid and every earlier head found."""
        with journal_in(kind) as journal:
            heads = [journal.head]
            total = 0
            for size in sizes:
                for _ in range(size):
                    journal.append_plan({"round": total}, key=("DEPT", 2027, total))
                    total += 1
                check = journal.verify()
                assert check.length == total
                heads.append(check.head)
                for head in heads:
                    journal.verify(expected_head=head)

    @pytest.mark.parametrize("head", [None, 0, b"0" * 64])
    def test_expected_head_must_be_text(self, head: object) -> None:
        """A published head given as bytes or a number is an InputError, not an AttributeError."""
        journal = Journal(MemoryStore())
        journal.append_plan({"round": 1}, key=("DEPT", 2027))
        if head is None:
            assert journal.verify(expected_head=head).length == 1
            return
        with pytest.raises(InputError, match="expected_head"):
            journal.verify(expected_head=head)  # type: ignore[arg-type]

    @settings(max_examples=25, deadline=None)
    @given(kind=st.sampled_from(STORE_KINDS), n=st.integers(1, 4), data=st.data())
    def test_refused_duplicate_changes_nothing(self, kind: str, n: int, data: st.DataObject) -> None:
        """A refused second draw leaves length, head and every entry unchanged."""
        with journal_in(kind) as journal:
            fill(journal, n)
            i = data.draw(st.integers(0, n - 1))
            before = snapshot(journal)
            with pytest.raises(DuplicateDrawError):
                journal.append_draw({"selected": ["OTHER"]}, key=(f"ITEM-{i}", "2027", "1"))
            assert snapshot(journal) == before


class TestRedrawPolicy:
    """A second draw for a key needs a reason, and then both stay visible."""

    @pytest.mark.parametrize("kind", STORE_KINDS)
    def test_redraw_with_reason_keeps_both(self, kind: str) -> None:
        """With a reason the redraw is appended and history lists both draws in order."""
        with journal_in(kind) as journal:
            key = ("SAMR-2027-001", 2027, 1)
            journal.append_commitment({"frame_digest": "ab"}, key=key)
            first = journal.append_draw({"selected": ["A"]}, key=key)
            with pytest.raises(DuplicateDrawError, match=r"seq 2"):
                journal.append_draw({"selected": ["B"]}, key=key)
            second = journal.append_draw({"selected": ["B"]}, key=key, reason="  复核更正 approval 2027-17 ")
            history = journal.history(("SAMR-2027-001", "2027", "1"))
            assert [e.kind for e in history] == ["commitment", "draw", "draw"]
            assert [e.hash for e in history[1:]] == [first.hash, second.hash]
            assert history[2].reason == "复核更正 approval 2027-17"
            assert history[1].payload == {"selected": ["A"]}
            journal.verify()

    def test_second_commitment_needs_reason(self) -> None:
        """Changing the inputs after commitment is refused without a reason."""
        journal = Journal(MemoryStore(), clock=fixed_clock())
        journal.append_commitment({"frame_digest": "ab"}, key=("I", 2027, 1))
        with pytest.raises(DuplicateDrawError):
            journal.append_commitment({"frame_digest": "cd"}, key=("I", 2027, 1))

    @pytest.mark.parametrize("method", ["append_match", "append_plan"])
    def test_second_match_or_plan_needs_reason(self, method: str) -> None:
        """A second matching or plan for a key raises DuplicateEntryError without a reason."""
        journal = Journal(MemoryStore(), clock=fixed_clock())
        getattr(journal, method)({"v": 1}, key=("I", 2027, 1))
        with pytest.raises(DuplicateEntryError):
            getattr(journal, method)({"v": 2}, key=("I", 2027, 1))
        getattr(journal, method)({"v": 2}, key=("I", 2027, 1), reason="inspector on leave, approval 3")
        assert len(journal) == 2

    @pytest.mark.parametrize("method", ["append_replacement", "append_plan_adjustment"])
    def test_changes_need_reason(self, method: str) -> None:
        """Replacements and plan adjustments always need a non-empty reason."""
        journal = Journal(MemoryStore(), clock=fixed_clock())
        with pytest.raises(ReasonRequiredError):
            getattr(journal, method)({"v": 1}, key=("I", 2027, 1), reason="   ")
        with pytest.raises(ReasonRequiredError):
            journal.append(EntryKind(method.removeprefix("append_").replace("_", "-")), {}, key=("I",))
        assert len(journal) == 0

    def test_different_rounds_are_different_keys(self) -> None:
        """Draws for other rounds of the same item are not duplicates."""
        journal = Journal(MemoryStore(), clock=fixed_clock())
        for rnd in (1, 2, 3):
            journal.append_draw({"round": rnd}, key=("I", 2027, rnd))
        assert [len(journal.history(("I", 2027, r))) for r in (1, 2, 3)] == [1, 1, 1]


class TestValidation:
    """Bad input is refused before anything is written."""

    @pytest.mark.parametrize(
        ("call", "error", "match"),
        [
            (lambda j: j.append_draw({"pi": 0.1}, key=("I", 2027, 1)), InputError, "float"),
            (lambda j: j.append_draw({1: "x"}, key=("I", 2027, 1)), InputError, "keys must be strings"),
            (lambda j: j.append_draw(object(), key=("I", 2027, 1)), InputError, "to_json_dict"),
            (lambda j: j.append_draw({}, key=()), InputError, "key is empty"),
            (lambda j: j.append_draw({}, key="I-2027-1"), InputError, "not a single string"),
            (lambda j: j.append_draw({}, key=("I", " ")), InputError, "part 1 is empty"),
            (lambda j: j.append_draw({}, key=("I", 1.5)), InputError, "part 1 is a float"),
            (lambda j: j.append("redraw", {}, key=("I",)), InputError, "unknown journal entry kind"),
            (
                lambda j: j.append_draw({}, key=("I",), recorded_at=datetime(2027, 1, 1)),
                InputError,
                "no time zone",
            ),
            (lambda j: j.append_draw({}, key=("I",), recorded_at="yesterday"), InputError, "ISO 8601"),
        ],
    )
    @pytest.mark.parametrize("kind", ["jsonl", "sqlite"])
    def test_refused_and_nothing_written(
        self, kind: str, call: Callable[[Journal], Any], error: type[Exception], match: str
    ) -> None:
        """Each malformed append raises its typed error and leaves the journal as it was."""
        with journal_in(kind) as journal:
            fill(journal, 1)
            before = snapshot(journal)
            with pytest.raises(error, match=match):
                call(journal)
            assert snapshot(journal) == before

    def test_journal_needs_a_store(self) -> None:
        """A path instead of a store raises ConfigurationError pointing at open_store."""
        with pytest.raises(ConfigurationError, match="open_store"):
            Journal("journal.jsonl")  # type: ignore[arg-type]

    def test_recorded_at_normalised_to_utc(self) -> None:
        """A Beijing-time timestamp is stored in UTC with a Z suffix."""
        journal = Journal(MemoryStore(), clock=fixed_clock())
        beijing = timezone(timedelta(hours=8))
        a = journal.append_draw({}, key=("A",), recorded_at=datetime(2027, 3, 1, 9, 30, tzinfo=beijing))
        b = journal.append_draw({}, key=("B",), recorded_at="2027-03-01T09:30:00+08:00")
        assert a.recorded_at == b.recorded_at == "2027-03-01T01:30:00.000000Z"

    def test_clock_used_when_no_time_given(self) -> None:
        """Without recorded_at the injected clock gives the time."""
        journal = Journal(MemoryStore(), clock=lambda: T0)
        assert journal.append_draw({}, key=("A",)).recorded_at == "2027-03-01T01:00:00.000000Z"

    def test_payload_from_record_object_is_detached(self) -> None:
        """Objects with to_json_dict() are journalled; numpy integers become int; the copy is detached."""

        @attrs.frozen
        class Record:
            selected: tuple[str, ...]

            def to_json_dict(self) -> dict[str, Any]:
                return {"selected": list(self.selected), "count": np.int64(len(self.selected))}

        journal = Journal(MemoryStore(), clock=fixed_clock())
        entry = journal.append_draw(Record(("A", "B")), key=("I", 2027, 1))
        payload = entry.payload
        payload["selected"].append("C")
        assert entry.payload == {"selected": ["A", "B"], "count": 2}

    def test_store_refuses_entry_not_extending_chain(self, tmp_path: Path) -> None:
        """A store refuses an entry whose seq or prev_hash does not follow its last entry (second writer)."""
        for kind in STORE_KINDS:
            (tmp_path / kind).mkdir()
            store = make_store(kind, tmp_path / kind)
            journal = Journal(store, clock=fixed_clock())
            (first,) = fill(journal, 1)
            stale = attrs.evolve(first, key=("OTHER",))  # a writer that did not see entry 1
            with pytest.raises(JournalError, match="does not extend"):
                store.append(stale)
            assert len(store) == 1

    @pytest.mark.parametrize("name", ["j.sqlite", "j.jsonl"])
    def test_two_journals_on_one_file_interleave(self, tmp_path: Path, name: str) -> None:
        """Two Journal objects on the same file append in turn and keep one valid chain."""
        a = Journal(open_store(tmp_path / name), clock=fixed_clock())
        b = Journal(open_store(tmp_path / name), clock=fixed_clock())
        a.append_draw({}, key=("A",))
        b.append_draw({}, key=("B",))
        a.append_draw({}, key=("C",))
        with pytest.raises(DuplicateDrawError):
            b.append_draw({}, key=("A",))
        assert a.verify() == b.verify()
        assert len(a) == 3


class TestStores:
    """Store-specific behaviour."""

    def test_damaged_line_named(self, tmp_path: Path) -> None:
        """A line that is not JSON raises JournalIntegrityError naming the line."""
        journal = Journal(JsonLinesStore(tmp_path / "j.jsonl"), clock=fixed_clock())
        fill(journal, 3)
        lines = (tmp_path / "j.jsonl").read_bytes().splitlines(keepends=True)
        lines[1] = b"{not json\n"
        (tmp_path / "j.jsonl").write_bytes(b"".join(lines))
        with pytest.raises(JournalIntegrityError, match="line 2"):
            journal.verify()

    def test_missing_field_named(self, tmp_path: Path) -> None:
        """An entry without one of the fields is reported with the missing field."""
        journal = Journal(JsonLinesStore(tmp_path / "j.jsonl"), clock=fixed_clock())
        fill(journal, 1)
        data = json.loads((tmp_path / "j.jsonl").read_text(encoding="utf-8"))
        del data["reason"]
        (tmp_path / "j.jsonl").write_text(json.dumps(data) + "\n", encoding="utf-8")
        with pytest.raises(JournalIntegrityError, match=r"missing \['reason'\]"):
            journal.verify()

    def test_torn_tail_is_no_entry_and_is_cleared_by_next_append(self, tmp_path: Path) -> None:
        """Bytes after the last newline that are not a whole entry (a write cut by a kill) are not an entry:
        the chain verifies without them and the next append removes them and follows the last whole entry."""
        path = tmp_path / "j.jsonl"
        journal = Journal(JsonLinesStore(path), clock=fixed_clock())
        (first,) = fill(journal, 1)
        path.write_bytes(path.read_bytes() + b'{"seq":2,"kind":"dr')
        assert journal.verify().length == 1
        assert len(journal) == 1
        second = journal.append_draw({}, key=("X",))
        assert second.prev_hash == first.hash
        assert path.read_bytes().count(b"\n") == 2
        assert [json.loads(line)["seq"] for line in path.read_bytes().splitlines()] == [1, 2]
        assert journal.verify().length == 2

    def test_whole_last_line_without_newline_is_kept(self, tmp_path: Path) -> None:
        """A last entry saved without its newline (an editor) is kept and completed, never removed."""
        path = tmp_path / "j.jsonl"
        journal = Journal(JsonLinesStore(path), clock=fixed_clock())
        entries = fill(journal, 2)
        path.write_bytes(path.read_bytes().rstrip(b"\n"))
        assert journal.verify().head == entries[-1].hash
        third = journal.append_draw({}, key=("X",))
        assert third.prev_hash == entries[-1].hash
        assert journal.verify().length == 3

    def test_file_created_and_reopened(self, tmp_path: Path) -> None:
        """A JSON-lines store creates its file, and a new store on it continues the chain."""
        path = tmp_path / "j.jsonl"
        fill(Journal(JsonLinesStore(path), clock=fixed_clock()), 2)
        again = Journal(JsonLinesStore(path), clock=fixed_clock())
        assert again.append_draw({}, key=("Z",)).seq == 3
        assert again.verify().length == 3

    def test_missing_directory_refused(self, tmp_path: Path) -> None:
        """A store in a directory that does not exist raises ConfigurationError."""
        with pytest.raises(ConfigurationError, match="does not exist"):
            JsonLinesStore(tmp_path / "nope" / "j.jsonl")
        with pytest.raises(ConfigurationError, match="does not exist"):
            SqliteStore(tmp_path / "nope" / "j.sqlite")

    def test_open_store_by_suffix(self, tmp_path: Path) -> None:
        """open_store picks the store kind from the suffix and refuses unknown ones."""
        assert isinstance(open_store(tmp_path / "a.jsonl"), JsonLinesStore)
        assert isinstance(open_store(tmp_path / "a.sqlite"), SqliteStore)
        with pytest.raises(ConfigurationError, match=r"\.txt"):
            open_store(tmp_path / "a.txt")

    def test_stores_follow_protocol(self, tmp_path: Path) -> None:
        """The three stores satisfy the JournalStore Protocol."""
        for kind in STORE_KINDS:
            (tmp_path / kind).mkdir()
            assert isinstance(make_store(kind, tmp_path / kind), JournalStore)

    def test_sqlite_table_queryable(self, tmp_path: Path) -> None:
        """The SQLite table can be queried by the host system by kind and key."""
        store = SqliteStore(tmp_path / "j.sqlite")
        journal = Journal(store, clock=fixed_clock())
        fill(journal, 3)
        conn = sqlite3.connect(store.path)
        try:
            rows = conn.execute(
                f"SELECT seq FROM {TABLE} WHERE kind = 'draw' AND key = ?", ('["ITEM-1","2027","1"]',)
            )
            assert [r[0] for r in rows] == [2]
        finally:
            conn.close()


# The two lines shown in docs/journal.md ("What a journal file looks like").
DOC_LINES = [
    '{"hash":"d409e39f56739b3377ae290608b4de421f0524cbe942bdbce313edb78d924a52","key":["GY-SAMR-2027-001",'
    '"2027","1"],"kind":"commitment","payload":{"frame_digest":"f38e6b0b1133b5a6ae954e7217580ff7359c954260c8aa1fb'
    'b6256ced7742e82"},"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","reason":null,'
    '"recorded_at":"2027-03-01T01:00:00.000000Z","seq":1}',
    '{"hash":"2c11528d29aaf03008da819e749b0697556ad6f9da16a05c84340083189c6e19","key":["GY-SAMR-2027-001",'
    '"2027","1"],"kind":"draw","payload":{"seed":"4719 2283 0051 6637","selected":["OBJ-000123",'
    '"OBJ-004567"]},'
    '"prev_hash":"d409e39f56739b3377ae290608b4de421f0524cbe942bdbce313edb78d924a52","reason":null,'
    '"recorded_at":"2027-03-08T02:30:00.000000Z","seq":2}',
]


class TestDocumentedExample:
    """The example journal of the documentation is what the library writes, and checks by hand."""

    def test_library_writes_documented_lines(self, tmp_path: Path) -> None:
        """Appending the documented commitment and draw writes exactly the documented file."""
        times = iter([datetime(2027, 3, 1, 1, 0, tzinfo=UTC), datetime(2027, 3, 8, 2, 30, tzinfo=UTC)])
        journal = Journal(JsonLinesStore(tmp_path / "j.jsonl"), clock=lambda: next(times))
        key = ("GY-SAMR-2027-001", 2027, 1)
        journal.append_commitment({"frame_digest": hashlib.sha256(b"example frame").hexdigest()}, key=key)
        journal.append_draw(
            {"seed": "4719 2283 0051 6637", "selected": ["OBJ-000123", "OBJ-004567"]}, key=key
        )
        assert (tmp_path / "j.jsonl").read_text(encoding="utf-8").splitlines() == DOC_LINES

    def test_documented_lines_check_by_hand(self) -> None:
        """The documented hashes follow from the documented rule using json and hashlib only."""
        prev = "0" * 64
        for line in DOC_LINES:
            entry = json.loads(line)
            stored = entry.pop("hash")
            text = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            assert hashlib.sha256(text.encode("utf-8")).hexdigest() == stored
            assert entry["prev_hash"] == prev
            prev = stored


@attrs.frozen
class FakeDrawRecord:
    """Stands for randinspect.draw.DrawRecord: item_id, year, round and a JSON form with the commitment."""

    item_id: str
    year: int
    round: int
    commitment_digest: str

    def to_json_dict(self) -> dict[str, Any]:
        return {"commitment": {"digest": self.commitment_digest}, "selected": []}


@attrs.frozen
class FakeMatchRecord:
    """Stands for a matching record that names its own journal key."""

    context: str
    reason: str = "inspector ill, approved by section chief"

    @property
    def journal_key(self) -> tuple[str, ...]:
        return ("match", self.context)

    def to_json_dict(self) -> dict[str, Any]:
        return {"context": self.context, "reason": self.reason}


class TestRecordsFromOtherSteps:
    """Records of the draw and matching steps supply their own key, reason and commitment."""

    def test_key_from_draw_record(self) -> None:
        """A draw record's item id, year and round form its key."""
        journal = Journal(MemoryStore(), clock=fixed_clock())
        entry = journal.append_draw(FakeDrawRecord("GY-1", 2027, 2, "a" * 64))
        assert entry.key == ("GY-1", "2027", "2")

    def test_key_from_commitment_item(self) -> None:
        """A commitment's item mapping, year and round form its key."""

        @attrs.frozen
        class FakeCommitment:
            item: dict[str, Any]
            year: int
            round: int
            digest: str = "b" * 64

            def to_json_dict(self) -> dict[str, Any]:
                return {"digest": self.digest}

        journal = Journal(MemoryStore(), clock=fixed_clock())
        entry = journal.append_commitment(FakeCommitment({"id": "GY-1"}, 2027, 1))
        assert entry.key == ("GY-1", "2027", "1")

    def test_journal_key_and_reason_from_match_records(self) -> None:
        """Matching records give their journal_key, and a replacement's own reason is used."""
        journal = Journal(MemoryStore(), clock=fixed_clock())
        journal.append_match(FakeMatchRecord("match|GY-1|2027"))
        entry = journal.append_replacement(FakeMatchRecord("match|GY-1|2027"))
        assert entry.key == ("match", "match|GY-1|2027")
        assert entry.reason == "inspector ill, approved by section chief"

    def test_key_required_for_plain_dicts(self) -> None:
        """A plain dict without key= raises InputError asking for one."""
        journal = Journal(MemoryStore(), clock=fixed_clock())
        with pytest.raises(InputError, match="pass key="):
            journal.append_draw({"selected": []})

    def test_draw_must_match_journalled_commitment(self) -> None:
        """A draw under another commitment than the journalled one is refused and nothing is written."""
        journal = Journal(MemoryStore(), clock=fixed_clock())
        journal.append_commitment({"digest": "a" * 64}, key=("GY-1", 2027, 1))
        with pytest.raises(CommitmentMismatchError, match="seq 1"):
            journal.append_draw(FakeDrawRecord("GY-1", 2027, 1, "c" * 64))
        assert len(journal) == 1
        journal.append_commitment({"digest": "c" * 64}, key=("GY-1", 2027, 1), reason="frame corrected")
        assert journal.append_draw(FakeDrawRecord("GY-1", 2027, 1, "c" * 64)).seq == 3


@pytest.fixture(scope="module")
def city_objects() -> ObjectDirectory:
    """A small demo-city directory (2,000 objects) for journalling real draws."""
    from randinspect.datasets import demo_city

    return demo_city(n_objects=2000, seed=7).objects


class TestWithRealDraws:
    """The journal takes the draw step's Commitment and DrawRecord as they are."""

    @staticmethod
    def _item(ratio: Fraction = Fraction(1, 20)) -> CheckItem:
        return CheckItem(
            id="SAMR-2027-001",
            name="食品经营者检查",
            department="SAMR",
            year=2027,
            scope=Scope(),
            ratio=ratio,
            legal_basis=["《中华人民共和国食品安全法》"],  # type: ignore[arg-type]
        )

    def test_commit_draw_redraw(self, city_objects: ObjectDirectory, tmp_path: Path) -> None:
        """Commitment and draw are keyed by item, year and round; the journalled record re-verifies."""
        journal = Journal(SqliteStore(tmp_path / "j.sqlite"), clock=fixed_clock())
        item = self._item()
        commitment = draw_mod.commit(city_objects, item)
        record = draw_mod.draw(city_objects, item, "3 1 4 1 5 9 2 6", commitment=commitment)
        assert journal.append_commitment(commitment).key == ("SAMR-2027-001", "2027", "1")
        entry = journal.append_draw(record)
        draw_mod.verify(draw_mod.DrawRecord.from_json_dict(entry.payload), city_objects)
        redraw = draw_mod.draw(city_objects, item, "2 7 1 8 2 8", commitment=commitment)
        with pytest.raises(DuplicateDrawError):
            journal.append_draw(redraw)
        journal.append_draw(redraw, reason="seed ceremony repeated: camera failed, minutes 2027-04")
        assert [e.kind for e in journal.history(("SAMR-2027-001", 2027, 1))] == ["commitment", "draw", "draw"]
        journal.verify()

    def test_draw_under_other_commitment_refused(self, city_objects: ObjectDirectory) -> None:
        """A draw made after changing the item's ratio does not match the journalled commitment."""
        journal = Journal(MemoryStore(), clock=fixed_clock())
        journal.append_commitment(draw_mod.commit(city_objects, self._item()))
        changed = self._item(Fraction(1, 10))
        record = draw_mod.draw(city_objects, changed, "3 1 4 1 5 9 2 6")
        with pytest.raises(CommitmentMismatchError):
            journal.append_draw(record)
        assert len(journal) == 1


class ForgetfulStore(MemoryStore):
    """A broken store that keeps only the last two entries."""

    def append(self, entry: JournalEntry) -> None:
        super().append(entry)
        del self._entries[:-2]


class CarelessStore(MemoryStore):
    """A store that accepts any entry without checking that it extends the chain."""

    def append(self, entry: JournalEntry) -> None:
        self._entries.append(entry)


class TestStoreConformance:
    """check_journal_store accepts the built-in stores and names what a broken store gets wrong."""

    def test_builtin_stores_conform(self, tmp_path: Path) -> None:
        """The memory, JSON-lines and SQLite stores pass the conformance check."""
        counter = iter(range(100))
        check_journal_store(MemoryStore)
        check_journal_store(lambda: JsonLinesStore(tmp_path / f"{next(counter)}.jsonl"))
        check_journal_store(lambda: SqliteStore(tmp_path / f"{next(counter)}.sqlite"))

    def test_forgetful_store_fails(self) -> None:
        """A store that loses entries fails, naming the count read back."""
        with pytest.raises(AssertionError, match="2 entries read back after 3 appends"):
            check_journal_store(ForgetfulStore)

    def test_careless_store_fails_strict_only(self) -> None:
        """A store that appends anything fails the strict check and passes the relaxed one."""
        with pytest.raises(AssertionError, match="accepted an entry with seq 1 after seq 3"):
            check_journal_store(CarelessStore)
        check_journal_store(CarelessStore, strict_extend=False)

    @settings(max_examples=30, deadline=None)
    @given(
        kind=st.sampled_from(STORE_KINDS),
        items=st.lists(st.tuples(journal_keys(), journal_payloads()), min_size=1, max_size=4),
    )
    def test_any_payload_round_trips(self, kind: str, items: list[tuple[Any, dict[str, Any]]]) -> None:
        """Any JSON-ready payload and key come back unchanged from every store, and the chain verifies."""
        with journal_in(kind) as journal:
            for n, (key, payload) in enumerate(items):
                journal.append_plan(payload, key=key, reason=f"revision {n}")
            read = list(journal.entries())
            assert [e.payload for e in read] == [p for _, p in items]
            assert journal.verify().length == len(items)
