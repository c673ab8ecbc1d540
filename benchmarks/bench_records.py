"""Benchmark of the strict record reader: reading a large draw record, strictly and plainly.

Run ``python benchmarks/bench_records.py [--selected N]``. A synthetic draw record with N selected objects
(the size of a 5 % draw of N/0.05 objects) is read three ways in the same run: ``json.loads`` (the baseline,
no checks), ``randinspect._json.loads`` (duplicate keys, depth, NaN) and ``DrawRecord.from_json`` (strict
parse, schema check against ``draw-record.schema.json``, record objects). Each figure is printed with its
ratio to the baseline and the peak memory traced by tracemalloc.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
import tracemalloc
from collections.abc import Callable

from randinspect._json import loads, read_record
from randinspect.datasets import demo_city
from randinspect.directory import Scope
from randinspect.draw import DrawRecord, draw
from randinspect.items import CheckItem


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Seconds of one call (untraced), and the peak traced MiB of a second call."""
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--selected", type=int, default=50_000, help="selected objects (default 50,000)")
    n = parser.parse_args().selected
    city = demo_city(n_objects=2_000, seed=1)
    item = CheckItem(
        id="BENCH-1", name="bench", department="SAMR", year=2027, scope=Scope(), ratio="50%",
        legal_basis=[{"title": "t", "article": "a"}],
    )  # fmt: skip
    data = draw(city.objects, item, "1 2 3").to_json_dict()
    one = data["selected"][0]
    data["selected"] = [dict(one, id=f"{i:018d}") for i in range(n)]
    text = json.dumps(data, ensure_ascii=False, indent=2)
    base_s, base_mb = timed(lambda: json.loads(text))
    print(f"record of {n:,} selected objects, {len(text) / 2**20:.1f} MiB of JSON")
    print(f"json.loads (baseline)        {base_s * 1e3:8.1f} ms  peak {base_mb:7.1f} MiB")
    for name, fn in (
        ("strict loads", lambda: loads(text)),
        ("loads + schema check", lambda: read_record(loads(text), "draw-record")),
        ("DrawRecord.from_json*", lambda: _from(text)),
    ):
        s, mb = timed(fn)
        print(f"{name:<28} {s * 1e3:8.1f} ms  peak {mb:7.1f} MiB  x{s / base_s:5.1f} the baseline")
    print(
        "* schema check and record objects; the commitment digest check fails on purpose here (synthetic ids)"
    )


def _from(text: str) -> None:
    with contextlib.suppress(Exception):  # the synthetic record's digests do not match: parsing is timed
        DrawRecord.from_json(text)


if __name__ == "__main__":
    main()
