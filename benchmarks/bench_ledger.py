"""Benchmark of the ledger stores: appends by one and by several writer processes, and verification.

Run ``python benchmarks/bench_ledger.py [--n N] [--writers W]`` (set ``RANDINSPECT_TEST_PG`` to a PostgreSQL
URL to include PostgreSQL). Each figure is printed next to a baseline measured in the same run on the same
storage:

- appends: the bare durable write of the same rows, without the ledger (one ``write`` + ``fsync`` per line for
  JSON lines, one ``INSERT`` per committed transaction for SQLite and SQLAlchemy), so the ratio is the
  ledger's overhead (locking, reading the head, the duplicate check, hashing);
- several writers: the same N appends split over W processes, against one writer;
- verification: against reading the rows alone; with the peak memory traced by tracemalloc.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import multiprocessing.synchronize
import os
import sqlite3
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from randinspect.ledger import Journal, open_store

CTX = multiprocessing.get_context("spawn")
PAYLOAD = {"task": "T-000000", "category": "未发现问题", "inspectors": ["I-01", "I-02"], "findings": []}


def _store(kind: str, target: str) -> object:
    if kind in ("jsonl", "sqlite"):
        return open_store(target)
    import sqlalchemy as sa

    from randinspect.ledger.sql import SqlAlchemyStore

    return SqlAlchemyStore(sa.create_engine(target))


def _writer(kind: str, target: str, writer: int, n: int, ready: multiprocessing.synchronize.Barrier) -> None:
    journal = Journal(_store(kind, target))  # type: ignore[arg-type]
    ready.wait()  # every writer has imported and opened its store
    for i in range(n):
        journal.append("result", PAYLOAD, key=(f"W{writer}", i))


def appends(kind: str, target: str, n: int, writers: int) -> float:
    """Seconds for n appends split over ``writers`` processes (1: in this process)."""
    if writers == 1:
        journal = Journal(_store(kind, target))  # type: ignore[arg-type]
        started = time.perf_counter()
        for i in range(n):
            journal.append("result", PAYLOAD, key=("W", i))
        return time.perf_counter() - started
    ready = CTX.Barrier(writers + 1)
    procs = [CTX.Process(target=_writer, args=(kind, target, w, n // writers, ready)) for w in range(writers)]
    for p in procs:
        p.start()
    ready.wait()  # the clock starts when every writer is ready
    started = time.perf_counter()
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    if any(p.exitcode for p in procs):
        raise SystemExit(f"a {kind} writer failed")
    return elapsed


def baseline(kind: str, target: str, n: int) -> float:
    """Seconds for n bare durable writes of rows of the same size, without the ledger."""
    line = json.dumps({"hash": "0" * 64, "payload": PAYLOAD, "prev_hash": "0" * 64}, ensure_ascii=False)
    data = (line + "\n").encode("utf-8")
    if kind == "jsonl":
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        started = time.perf_counter()
        for _ in range(n):
            os.write(fd, data)
            os.fsync(fd)
        elapsed = time.perf_counter() - started
        os.close(fd)
        return elapsed
    if kind == "sqlite":
        conn = sqlite3.connect(target, isolation_level=None)
        conn.execute("CREATE TABLE t (seq INTEGER PRIMARY KEY, row TEXT)")
        started = time.perf_counter()
        for i in range(n):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t VALUES (?, ?)", (i, line))
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - started
        conn.close()
        return elapsed
    import sqlalchemy as sa

    engine = sa.create_engine(target)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_baseline"))
        conn.execute(sa.text("CREATE TABLE bench_baseline (seq BIGINT PRIMARY KEY, row TEXT)"))
    started = time.perf_counter()
    for i in range(n):
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO bench_baseline VALUES (:s, :r)"), {"s": i, "r": line})
    elapsed = time.perf_counter() - started
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE bench_baseline"))
    engine.dispose()
    return elapsed


def fresh(target: str) -> None:
    """Drop the ledger tables at ``target`` (if any) and create them again."""
    import sqlalchemy as sa

    from randinspect.ledger.sql import migrate

    engine = sa.create_engine(target)
    with engine.begin() as conn:
        for table in ("randinspect_ledger", "randinspect_ledger_head", "randinspect_ledger_schema"):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
    engine.dispose()
    migrate(target)


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Seconds and peak traced MiB of one call."""
    tracemalloc.start()
    started = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=400, help="appends per measurement (default 400)")
    parser.add_argument("--writers", type=int, default=4, help="writer processes (default 4)")
    args = parser.parse_args()
    n, writers = args.n, args.writers
    with tempfile.TemporaryDirectory() as tmp:
        targets: list[tuple[str, Callable[[str], str]]] = [
            ("jsonl", lambda name: str(Path(tmp) / f"{name}.jsonl")),
            ("sqlite", lambda name: str(Path(tmp) / f"{name}.sqlite")),
        ]
        try:
            import randinspect.ledger.sql  # noqa: F401

            targets.append(("sqlalchemy-sqlite", lambda name: f"sqlite:///{Path(tmp) / name}.db"))
        except ImportError:
            print("sqlalchemy not installed: the SQLAlchemy store is left out (pip install -e '.[postgres]')")
        pg = os.environ.get("RANDINSPECT_TEST_PG", "").strip()
        for label, make in targets + ([("postgresql", lambda name: pg)] if pg else []):
            kind = label if label in ("jsonl", "sqlite") else "sql"
            base = baseline(kind, make("base"), n)
            if kind == "sql":
                fresh(make("one"))
            one = appends(kind, make("one"), n, 1)
            if kind == "sql":
                fresh(make("many"))
            many = appends(kind, make("many"), n, writers)
            store = _store(kind, make("many"))
            read_s, _ = timed(lambda s=store: list(s.entries()))  # type: ignore[attr-defined]
            verify_s, verify_mb = timed(lambda s=store: Journal(s).verify())  # type: ignore[arg-type]
            print(
                f"{label:<18} {n} appends: 1 writer {one / n * 1e3:6.2f} ms each (bare durable write "
                f"{base / n * 1e3:6.2f} ms, x{one / base:5.2f}); {writers} writers {many / n * 1e3:6.2f} ms "
                f"each (x{many / one:5.2f} of one writer); verify {verify_s * 1e3:7.1f} ms (read alone "
                f"{read_s * 1e3:7.1f} ms, x{verify_s / read_s:5.2f}) peak {verify_mb:6.1f} MiB"
            )


if __name__ == "__main__":
    main()
