"""Benchmark of the record stores: puts, journalled puts, gets and listing, and one large draw record.

Run ``python benchmarks/bench_record_store.py [--n N] [--objects M]`` (set ``RANDINSPECT_TEST_PG`` to a
PostgreSQL URL to include PostgreSQL). Each figure is printed next to a baseline measured in the same run on
the same storage, so the ratio is the store's overhead (canonical encoding, strict reading and schema check,
the digest, the conflict check):

- puts: the bare durable write of the same bytes (one file written, ``fsync``-ed and linked per record; one
  ``INSERT`` per committed transaction into a plain table of the same columns);
- journalled puts (SQL stores): against plain puts (the ledger entry, its head lock and the duplicate check
  in the same transaction);
- gets and listing: against reading the same bytes back and parsing them with ``json.loads``;
- a draw record of ``M`` objects (10% drawn): put and get against the bare write and read of its text, with
  the peak memory of a second, traced call (tracemalloc; the times are of untraced calls).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from randinspect.ledger import FileRecordStore

DOC = {"task": "T-000000", "category": "未发现问题", "inspectors": ["I-01", "I-02"], "findings": [], "n": 0}


def timed(call: Callable[[], Any]) -> tuple[float, int]:
    """Seconds of one call (untraced), and the peak traced memory (bytes) of a second, traced call."""
    started = time.perf_counter()
    call()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak


def row(what: str, seconds: float, base: float, peak: int | None = None) -> None:
    memory = "" if peak is None else f"  peak {peak / 2**20:7.1f} MiB"
    print(f"  {what:<44} {seconds:8.3f} s   baseline {base:8.3f} s   ratio {seconds / base:5.2f}{memory}")


def documents(n: int) -> list[tuple[str, dict[str, Any]]]:
    return [(f"T-{i:06d}", {**DOC, "task": f"T-{i:06d}", "n": i}) for i in range(n)]


def draw_document(n_objects: int) -> dict[str, Any]:
    from fractions import Fraction

    from randinspect.datasets import demo_city
    from randinspect.directory import Scope
    from randinspect.draw import draw
    from randinspect.items import CheckItem

    city = demo_city(n_objects=n_objects, seed=7)
    item = CheckItem(
        id="SAMR-2027-01",
        name="食品经营者检查",
        department="SAMR",
        year=2027,
        scope=Scope(),
        ratio=Fraction(1, 10),
        legal_basis=["《中华人民共和国食品安全法》"],
    )
    data: dict[str, Any] = draw(city.objects, item, "2027-03-01 公开摇号").to_json_dict()
    return data


def bare_files(root: Path, items: list[tuple[str, str]]) -> float:
    """Write each text to a temporary file, fsync, link into place: what FileRecordStore does, minus it."""
    root.mkdir(parents=True)
    started = time.perf_counter()
    for name, text in items:
        tmp = root / f".{name}.tmp"
        with open(tmp, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, root / f"{name}.json")
        tmp.unlink()
    return time.perf_counter() - started


def bare_sql(url: str, items: list[tuple[str, str]]) -> tuple[float, float]:
    """Seconds to INSERT each text in its own transaction into a plain table, and to read them all back."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    meta = sa.MetaData()
    table = sa.Table(
        "bench_bare_records",
        meta,
        sa.Column("kind", sa.String(64), primary_key=True),
        sa.Column("id", sa.String(256), primary_key=True),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
    )
    meta.drop_all(engine)
    meta.create_all(engine)
    started = time.perf_counter()
    for name, text in items:
        with engine.begin() as conn:
            conn.execute(table.insert().values(kind="publication", id=name, document=text, digest="0" * 64))
    inserts = time.perf_counter() - started
    started = time.perf_counter()
    with engine.connect() as conn:
        for name, _ in items:
            text = conn.execute(sa.select(table.c.document).where(table.c.id == name)).scalar_one()
            json.loads(text)
    reads = time.perf_counter() - started
    meta.drop_all(engine)
    engine.dispose()
    return inserts, reads


def bench_backend(
    label: str,
    make: Callable[[], Any],
    bare: Callable[[list[tuple[str, str]]], float],
    n: int,
    big: dict[str, Any],
    bare_read: Callable[[list[tuple[str, str]]], float],
) -> None:
    print(f"{label}:")
    store = make()
    docs = documents(n)
    texts = [(i, json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False)) for i, d in docs]
    base = bare(texts)
    started = time.perf_counter()
    for i, d in docs:
        store.put("publication", i, d, year=2027)
    put = time.perf_counter() - started
    row(f"{n:,} puts", put, base)
    base_read = bare_read(texts)
    got, _ = timed(lambda: [store.get("publication", i).document for i, _ in docs])
    row(f"{n:,} gets (strict reading)", got, base_read)
    listed, _ = timed(lambda: [r.document for r in store.records(kind="publication", year=2027)])
    row(f"records(kind, year) of {n:,}", listed, base_read)
    if hasattr(store, "put_journalled"):
        other = [(f"J-{i}", {**d, "task": f"J-{i}"}) for i, d in docs]
        journalled, _ = timed(lambda: [store.put_journalled("assessment", i, d, key=(i,)) for i, d in other])
        row(f"{n:,} journalled puts (vs plain puts)", journalled, put)
    text = json.dumps(big, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    big_base = bare([("big-draw", text)])
    names = iter(["big-draw", "big-draw-2"])
    big_put, peak = timed(lambda: store.put("draw", next(names), big, year=2027))
    selected = len(big["selected"])
    row(f"put a draw record of {selected:,} drawn objects", big_put, big_base, peak)
    big_read = bare_read([("big-draw", text)])
    big_get, peak = timed(lambda: store.get("draw", "big-draw"))
    row("get it back (schema check, digest)", big_get, big_read, peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="records per figure (500)")
    parser.add_argument("--objects", type=int, default=200_000, help="objects of the large draw (200,000)")
    args = parser.parse_args()
    big = draw_document(args.objects)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        counter = iter(range(10**6))

        def file_bare(items: list[tuple[str, str]]) -> float:
            return bare_files(root / f"bare-{next(counter)}", items)

        def file_read(items: list[tuple[str, str]]) -> float:
            folder = root / f"read-{next(counter)}"
            bare_files(folder, items)
            started = time.perf_counter()
            for name, _ in items:
                json.loads((folder / f"{name}.json").read_text("utf-8"))
            return time.perf_counter() - started

        bench_backend(
            "FileRecordStore", lambda: FileRecordStore(root / "store"), file_bare, args.n, big, file_read
        )

        from randinspect.ledger.sql import SqlAlchemyRecordStore, migrate

        urls = [("SqlAlchemyRecordStore on SQLite", f"sqlite:///{root / 'records.db'}")]
        if os.environ.get("RANDINSPECT_TEST_PG"):
            urls.append(("SqlAlchemyRecordStore on PostgreSQL", os.environ["RANDINSPECT_TEST_PG"]))
        for label, url in urls:
            import sqlalchemy as sa

            engine = sa.create_engine(url)
            with engine.begin() as conn:
                for table in (
                    "randinspect_records",
                    "randinspect_ledger",
                    "randinspect_ledger_head",
                    "randinspect_ledger_schema",
                ):
                    conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
            migrate(engine)

            def sql_bare(items: list[tuple[str, str]], url: str = url) -> float:
                return bare_sql(url, items)[0]

            def sql_read(items: list[tuple[str, str]], url: str = url) -> float:
                return bare_sql(url, items)[1]

            bench_backend(
                label, lambda engine=engine: SqlAlchemyRecordStore(engine), sql_bare, args.n, big, sql_read
            )
            engine.dispose()


if __name__ == "__main__":
    main()
