"""Tests for the key index of randinspect.ledger.JsonLinesStore: history without re-reading the journal."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.errors import DuplicateEntryError, JournalIntegrityError
from randinspect.ledger import Journal, JsonLinesStore

KEYS = st.lists(st.sampled_from(["A", "B", "食品", "C\u2028"]), min_size=1, max_size=2).map(tuple)


def _history(store: JsonLinesStore, key: tuple[str, ...]) -> list[int]:
    return [e.seq for e in store.history(key)]


def _scan(store: JsonLinesStore, key: tuple[str, ...]) -> list[int]:
    return [e.seq for e in store.entries() if e.key == key]


class TestKeyIndex:
    @settings(max_examples=40, deadline=None)
    @given(keys=st.lists(KEYS, min_size=1, max_size=12), probe=st.lists(KEYS, min_size=1, max_size=4))
    def test_history_is_the_filtered_scan(
        self, keys: list[tuple[str, ...]], probe: list[tuple[str, ...]]
    ) -> None:
        """After any appends, from this store or another one on the same file, history(key) lists exactly
        the entries of key, in order, as a full scan does."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "j.jsonl"
            mine, other = JsonLinesStore(path), JsonLinesStore(path)
            journal_a, journal_b = Journal(mine), Journal(other)
            for n, key in enumerate(keys):
                (journal_a if n % 2 else journal_b).append("result", {"n": n}, key=key, reason=f"r{n}")
                for k in probe:
                    assert _history(mine, k) == _scan(mine, k)
            for k in {*keys, *probe}:
                assert _history(other, k) == _history(mine, k) == _scan(mine, k)

    def test_replaced_file_rebuilds_the_index(self, tmp_path: Path) -> None:
        """A journal file replaced by another (a restore) is read afresh, not through the old index."""
        path = tmp_path / "j.jsonl"
        store = JsonLinesStore(path)
        journal = Journal(store)
        journal.append("result", {}, key=("A",))
        journal.append("result", {}, key=("B",))
        assert _history(store, ("B",)) == [2]
        other = tmp_path / "other.jsonl"
        Journal(JsonLinesStore(other)).append("result", {}, key=("B",))
        other.replace(path)
        assert _history(store, ("B",)) == [1]
        assert _history(store, ("A",)) == []

    def test_rewritten_in_place_rebuilds_the_index(self, tmp_path: Path) -> None:
        """A file rewritten in place to the same size with another last line drops the index."""
        path = tmp_path / "j.jsonl"
        store = JsonLinesStore(path)
        journal = Journal(store)
        journal.append("result", {}, key=("A",))
        journal.append("result", {}, key=("B",))
        assert _history(store, ("B",)) == [2]
        lines = path.read_bytes().splitlines(keepends=True)
        path.write_bytes(lines[0] + lines[1].replace(b'"key":["B"]', b'"key":["C"]'))
        assert _history(store, ("B",)) == []
        assert _history(store, ("C",)) == [2]

    def test_once_per_key_still_refused(self, tmp_path: Path) -> None:
        """A second once-per-key entry is refused through the index, also when another store wrote the
        first one after this store indexed the file."""
        path = tmp_path / "j.jsonl"
        mine = Journal(JsonLinesStore(path))
        mine.append("result", {}, key=("A",))
        Journal(JsonLinesStore(path)).append("result", {}, key=("B",))
        with pytest.raises(DuplicateEntryError, match="already has a result entry"):
            mine.append("result", {}, key=("B",))
        assert len(mine) == 2

    def test_editor_saved_last_line_is_found(self, tmp_path: Path) -> None:
        """A last line saved without its newline is part of the history of its key, and is not indexed."""
        path = tmp_path / "j.jsonl"
        store = JsonLinesStore(path)
        Journal(store).append("result", {}, key=("A",))
        path.write_bytes(path.read_bytes().rstrip(b"\n"))
        assert _history(store, ("A",)) == [1]
        assert _history(store, ("A",)) == [1]

    def test_damaged_line_raises(self, tmp_path: Path) -> None:
        """A damaged line raises JournalIntegrityError naming the line, as entries() does."""
        path = tmp_path / "j.jsonl"
        store = JsonLinesStore(path)
        Journal(store).append("result", {}, key=("A",))
        path.write_bytes(path.read_bytes() + b"{not json\n")
        with pytest.raises(JournalIntegrityError, match="line 2"):
            _history(store, ("A",))
        path.write_bytes(path.read_bytes() + b"\n")
        with pytest.raises(JournalIntegrityError, match="line 2"):
            _history(JsonLinesStore(path), ("A",))
