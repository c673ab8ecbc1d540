"""Concurrent writers, kills mid-append, lock timeouts and read-only verification of the file stores.

The writers are real processes (``multiprocessing`` with the ``spawn`` start method), not threads: the locks
under test are the file lock and SQLite's database lock, which are per process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect.errors import JournalError, JournalIntegrityError, JournalLockTimeoutError
from randinspect.ledger import Journal, JsonLinesStore, SqliteStore, open_store

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

CTX = multiprocessing.get_context("spawn")
SUFFIXES = ("jsonl", "sqlite")


def _append_many(path: str, writer: int, n: int, start: multiprocessing.synchronize.Event) -> None:
    """Child: wait for the start signal, then append n results; exit 3 if any append is refused."""
    journal = Journal(open_store(path, timeout=120))
    start.wait()
    for i in range(n):
        try:
            journal.append("result", {"writer": writer, "i": i}, key=(f"W{writer}", i))
        except JournalError:
            os._exit(3)


def _append_forever(path: str, conn: multiprocessing.connection.Connection) -> None:
    """Child: append until killed, sending each entry's hash once its append has returned."""
    journal = Journal(open_store(path))
    filler = "检查记录" * 1500  # lines of ~18 KB: a write spans several pages, so a kill can tear it
    i = 0
    while True:
        entry = journal.append("inspection-record", {"i": i, "text": filler}, key=("T", i))
        conn.send(entry.hash)
        i += 1


def run_writers(path: Path, writers: int, per_writer: int) -> list[int | None]:
    """Start the writers together and return their exit codes."""
    start = CTX.Event()
    procs = [CTX.Process(target=_append_many, args=(str(path), w, per_writer, start)) for w in range(writers)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout=600)
    return [p.exitcode for p in procs]


class TestConcurrentWriters:
    """Several processes share one ledger: every append waits for the lock, none is refused or lost."""

    @pytest.mark.parametrize("suffix", SUFFIXES)
    def test_two_processes_500_appends_each(self, tmp_path: Path, suffix: str) -> None:
        """2 × 500 appends from two processes at once: zero refused, zero lost, one intact chain."""
        path = tmp_path / f"j.{suffix}"
        open_store(path)  # create the file or table before the writers race
        assert run_writers(path, 2, 500) == [0, 0]
        journal = Journal(open_store(path, read_only=True))
        assert journal.verify().length == 1000
        keys = {e.key for e in journal.entries()}
        assert keys == {(f"W{w}", str(i)) for w in range(2) for i in range(500)}
        for w in range(2):  # each writer's own entries are in its order
            mine = [e.payload["i"] for e in journal.entries() if e.payload["writer"] == w]
            assert mine == list(range(500))


class TestKilledWriter:
    """A writer killed with SIGKILL mid-append loses nothing that was acknowledged."""

    @pytest.mark.parametrize("suffix", SUFFIXES)
    @pytest.mark.parametrize("after", [5, 30])
    def test_sigkill_mid_append(self, tmp_path: Path, suffix: str, after: int) -> None:
        """Every entry whose append returned is there, in order; at most the one in flight besides; the
        chain verifies, and the next writer continues it."""
        path = tmp_path / f"j.{suffix}"
        open_store(path)
        ours, theirs = CTX.Pipe(duplex=False)
        proc = CTX.Process(target=_append_forever, args=(str(path), theirs))
        proc.start()
        theirs.close()
        acked: list[str] = []
        while len(acked) < after:
            acked.append(ours.recv())
        os.kill(proc.pid, signal.SIGKILL)  # type: ignore[arg-type]
        proc.join()
        while ours.poll():
            try:
                acked.append(ours.recv())
            except EOFError:
                break
        journal = Journal(open_store(path))
        check = journal.verify()
        stored = [e.hash for e in journal.entries()]
        assert stored[: len(acked)] == acked
        assert len(stored) - len(acked) in (0, 1)
        assert check.head == stored[-1]
        entry = journal.append("result", {"after": "kill"}, key=("after",))
        assert entry.prev_hash == check.head
        assert journal.verify().length == len(stored) + 1


class TestTornTail:
    """Any cut of an entry in flight leaves a journal that verifies and continues."""

    @given(n=st.integers(1, 4), cut=st.floats(0.0, 1.0, exclude_max=True))
    def test_any_cut_of_the_entry_in_flight(self, n: int, cut: float) -> None:
        """Whatever part of the next line a killed writer left (any proper prefix of its JSON), the n
        acknowledged entries verify, and the next append removes the fragment and follows them."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "j.jsonl"
            journal = Journal(JsonLinesStore(path))
            acked = [journal.append("result", {"i": i}, key=("T", i)).hash for i in range(n)]
            full = path.read_bytes()
            scratch = Journal(JsonLinesStore(Path(tmp) / "scratch.jsonl"))
            for e in journal.entries():
                scratch.store.append(e)
            line = (Path(tmp) / "scratch.jsonl").read_bytes()
            scratch.append("result", {"i": n, "text": "在途"}, key=("T", n))
            in_flight = (Path(tmp) / "scratch.jsonl").read_bytes()[len(line) :]
            torn = in_flight[: max(1, int(cut * (len(in_flight) - 2)))]  # never the closing brace + newline
            path.write_bytes(full + torn)
            assert [e.hash for e in journal.entries()] == acked
            assert journal.verify().head == acked[-1]
            after = journal.append("result", {"after": True}, key=("after",))
            assert after.prev_hash == acked[-1]
            assert journal.verify().length == n + 1


@pytest.mark.skipif(fcntl is None, reason="file locks are POSIX only")
class TestLockTimeout:
    """Waiting for the lock is bounded; past the timeout the append fails typed and writes nothing."""

    def test_jsonl_lock_held_elsewhere(self, tmp_path: Path) -> None:
        """While another holder keeps the file lock, an append with a short timeout raises
        JournalLockTimeoutError after about the timeout, and the file is unchanged."""
        path = tmp_path / "j.jsonl"
        journal = Journal(JsonLinesStore(path, timeout=0.3))
        journal.append("result", {}, key=("A",))
        before = path.read_bytes()
        with open(path, "rb") as holder:
            fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
            started = time.monotonic()
            with pytest.raises(JournalLockTimeoutError, match="nothing was written"):
                journal.append("result", {}, key=("B",))
            assert time.monotonic() - started >= 0.3
        assert path.read_bytes() == before
        journal.append("result", {}, key=("B",))  # the lock is free again
        assert len(journal) == 2

    def test_sqlite_lock_held_elsewhere(self, tmp_path: Path) -> None:
        """While another connection holds SQLite's write lock, an append with a short timeout raises
        JournalLockTimeoutError and nothing is written."""
        path = tmp_path / "j.sqlite"
        journal = Journal(SqliteStore(path, timeout=0.3))
        journal.append("result", {}, key=("A",))
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(JournalLockTimeoutError, match="nothing was written"):
                journal.append("result", {}, key=("B",))
            holder.execute("ROLLBACK")
        finally:
            holder.close()
        assert len(journal) == 1

    @pytest.mark.parametrize("timeout", [-1, float("nan"), "5", True])
    def test_bad_timeout_refused(self, tmp_path: Path, timeout: object) -> None:
        """A negative, NaN or non-numeric timeout is a configuration error."""
        from randinspect.errors import ConfigurationError

        with pytest.raises(ConfigurationError, match="timeout"):
            JsonLinesStore(tmp_path / "j.jsonl", timeout=timeout)  # type: ignore[arg-type]


class TestReadOnlyVerification:
    """Verification opens a journal read-only and never changes what it checks."""

    def _journal(self, path: Path) -> str:
        journal = Journal(open_store(path))
        for i in range(3):
            journal.append("result", {"i": i}, key=("T", i))
        return journal.head

    @pytest.mark.parametrize("suffix", SUFFIXES)
    def test_verify_leaves_bytes_and_times(self, tmp_path: Path, suffix: str) -> None:
        """Verifying through a read-only store leaves the file's bytes and modification time as they were."""
        path = tmp_path / f"j.{suffix}"
        head = self._journal(path)
        before = (path.read_bytes(), path.stat().st_mtime_ns)
        assert Journal(open_store(path, read_only=True)).verify(expected_head=head).length == 3
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]

    @pytest.mark.parametrize("suffix", SUFFIXES)
    def test_read_only_refuses_append(self, tmp_path: Path, suffix: str) -> None:
        """A read-only store refuses to append."""
        path = tmp_path / f"j.{suffix}"
        self._journal(path)
        with pytest.raises(JournalError, match="read-only"):
            Journal(open_store(path, read_only=True)).append("result", {}, key=("X",))
        assert len(open_store(path, read_only=True)) == 3

    @pytest.mark.parametrize("suffix", SUFFIXES)
    def test_read_only_missing_file(self, tmp_path: Path, suffix: str) -> None:
        """A missing journal is reported and not created when opened read-only."""
        from randinspect.errors import ConfigurationError

        with pytest.raises(ConfigurationError, match="does not exist"):
            open_store(tmp_path / f"none.{suffix}", read_only=True)
        assert list(tmp_path.iterdir()) == []

    def test_dropped_table_is_reported_not_recreated(self, tmp_path: Path) -> None:
        """Verifying an SQLite journal whose table was dropped raises JournalIntegrityError and leaves the
        database without the table."""
        path = tmp_path / "j.sqlite"
        self._journal(path)
        with sqlite3.connect(path) as conn:
            conn.execute("DROP TABLE randinspect_journal")
        conn.close()
        before = path.read_bytes()
        with pytest.raises(JournalIntegrityError, match="no table"):
            Journal(open_store(path, read_only=True)).verify()
        assert path.read_bytes() == before

    @pytest.mark.parametrize("read_only", [True, False])
    @pytest.mark.parametrize(
        "content", [b"not a database at all\n" * 200, b"SQLite format 3\x00" + b"\xff" * 4000]
    )
    def test_corrupt_sqlite_is_typed(self, tmp_path: Path, read_only: bool, content: bytes) -> None:
        """A file that is not an SQLite database raises JournalIntegrityError (never sqlite3.DatabaseError)
        whether opened to verify or to append, and is left as it was."""
        path = tmp_path / "j.sqlite"
        path.write_bytes(content)
        with pytest.raises(JournalIntegrityError, match=r"j\.sqlite"):
            Journal(SqliteStore(path, read_only=read_only)).verify()
        assert path.read_bytes() == content

    def test_damaged_row_is_typed(self, tmp_path: Path) -> None:
        """A row whose payload is not JSON raises JournalIntegrityError naming the row."""
        path = tmp_path / "j.sqlite"
        self._journal(path)
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE randinspect_journal SET payload = '{broken' WHERE seq = 2")
        conn.close()
        with pytest.raises(JournalIntegrityError, match="seq=2"):
            Journal(open_store(path, read_only=True)).verify()
