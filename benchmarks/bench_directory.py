"""Benchmark of the object directory: build from arrays, CSV and Parquet, digest, scope filter.

Each figure is printed next to a baseline measured in the same run (pandas.read_csv, a csv-module loop,
``pyarrow.parquet.read_table`` of the same file alone, a pandas boolean filter) as a ratio, with the
process's peak resident memory after each step.

Usage::

    python benchmarks/bench_directory.py --n 1000000
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from randinspect.codes import GUIYANG_COUNTIES, INDUSTRY, uscc_check_digits
from randinspect.directory import ObjectDirectory, Scope


def peak_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 1e6


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """The best time of ``repeat`` calls (robust against other load on the machine) and the last value."""
    best = float("inf")
    value: Any = None
    for _ in range(max(1, repeat)):
        value = None  # free the previous result before the next call
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def make_columns(n: int, seed: int) -> dict[str, Any]:
    """Synthetic columns of ``n`` subjects in random order, with valid USCCs (vectorised check digits)."""
    rng = np.random.default_rng(seed)
    individual = rng.random(n) < 2 / 3  # individual businesses outnumber enterprises about 2:1
    prefix = np.where(individual, "92", "91")
    region = np.array(GUIYANG_COUNTIES)[rng.integers(0, len(GUIYANG_COUNTIES), n)]
    body = np.char.zfill(rng.permutation(n).astype(str), 9)
    first17 = np.char.add(np.char.add(prefix, region), body)
    ids = np.char.add(first17, uscc_check_digits(first17))
    classes = np.array(INDUSTRY.codes("class"))
    industry = classes[rng.zipf(1.3, n) % len(classes)]
    return {
        "id": ids,
        "name": np.char.add(
            np.where(individual, "贵阳市个体户", "贵州某某有限公司"), np.arange(n).astype(str)
        ),
        "kind": np.where(individual, "individual_business", "enterprise"),
        "industry": industry,
        "region": region,
        "unit": np.char.add(np.char.add(region, "-SAMR-"), rng.integers(1, 6, n).astype(str)),
        "credit": np.array(["A", "B", "C", "D"])[rng.choice(4, n, p=[0.6, 0.3, 0.07, 0.03])],
        "risk": np.array(["low", "medium", "high"])[rng.choice(3, n, p=[0.7, 0.25, 0.05])],
        "alive": rng.random(n) > 0.04,
        "tags": np.array(["", "food", "SAMR:key", "food;SAMR:key"])[
            rng.choice(4, n, p=[0.8, 0.1, 0.07, 0.03])
        ],
    }


def _parquet_rows(d: ObjectDirectory, tmp: str, rep: int, row: Callable[..., None]) -> None:
    """Parquet: write, then load (validated) against ``pyarrow.parquet.read_table`` of the same file alone."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        print("pyarrow not installed: Parquet figures skipped (pip install 'randinspect[arrow]')")
        return
    path = os.path.join(tmp, "objects.parquet")
    t_write, _ = timed(lambda: d.to_parquet(path))
    row("to_parquet", t_write)
    size = os.path.getsize(path) / 1e6
    t_read, _ = timed(lambda: pq.read_table(path), rep)
    t_load, d3 = timed(lambda: ObjectDirectory.from_parquet(path), rep)
    assert d3 == d, "Parquet round trip changed the directory"
    del d3
    row(f"from_parquet ({size:.0f} MB, validated)", t_load, "pyarrow.parquet.read_table", t_read)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of objects (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--repeat", type=int, default=1, help="report the best of this many runs of each step (default 1)"
    )
    args = parser.parse_args(argv)
    import pandas as pd

    n = args.n
    rep = args.repeat
    print(
        f"object directory benchmark, n = {n:,}, best of {rep}, "
        f"numpy {np.__version__}, pandas {pd.__version__}"
    )
    cols = make_columns(n, args.seed)
    rows: list[tuple[str, str, str, str]] = []

    def row(what: str, seconds: float, baseline_name: str = "", baseline: float | None = None) -> None:
        ratio = f"{seconds / baseline:6.2f}x {baseline_name} ({baseline:.3f} s)" if baseline else ""
        rows.append((what, f"{seconds:8.3f} s", ratio, f"{peak_mb():8.0f} MB"))

    t_np, _ = timed(lambda: np.argsort(cols["id"], kind="stable"), rep)
    t_arrays, d = timed(lambda: ObjectDirectory.from_arrays(**cols), rep)
    row("from_arrays (validated, sorted)", t_arrays, "numpy argsort of ids", t_np)

    def fresh_digest() -> str:
        d._cache.pop("digest", None)  # the digest is cached: time computing it
        return str(d.digest)

    t_digest, _ = timed(fresh_digest, rep)
    row("digest (SHA-256, canonical)", t_digest)
    t_trusted, d_trusted = timed(lambda: ObjectDirectory.from_arrays(**cols, validate=False), rep)
    assert d_trusted == d, "validate=False changed the directory"
    del d_trusted
    row("from_arrays (validate=False)", t_trusted, "numpy argsort of ids", t_np)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "objects.csv")
        t_write, _ = timed(lambda: d.to_csv(path))
        row("to_csv", t_write)
        size = os.path.getsize(path) / 1e6

        t_pd, df = timed(lambda: pd.read_csv(path, dtype=str, keep_default_na=False), rep)

        def csv_loop() -> int:
            count = 0
            with open(path, encoding="utf-8", newline="") as fh:
                for _ in csv.reader(fh):
                    count += 1
            return count

        t_loop, _ = timed(csv_loop, rep)
        t_csv, d2 = timed(lambda: ObjectDirectory.from_csv(path), rep)
        assert d2 == d, "CSV round trip changed the directory"
        row(f"from_csv ({size:.0f} MB, validated)", t_csv, "pandas.read_csv", t_pd)
        row("  same, against csv-module loop", t_csv, "csv.reader loop", t_loop)

        _parquet_rows(d, tmp, rep, row)

    scope = Scope(
        industries=["A", "C14"], regions=["520102", "520103"], credit=["B", "C", "D"], tags_any=["food"]
    )
    t_mask, mask = timed(lambda: d.mask(scope), rep)

    def pandas_filter() -> Any:
        ind = df["industry"]
        section_a = ind.str[:2].astype(int).between(1, 5)
        return (
            (df["alive"] == "1")
            & (section_a | ind.str.startswith("14"))
            & df["region"].isin(["520102", "520103"])
            & df["credit"].isin(["B", "C", "D"])
            & df["tags"].str.split(";").apply(lambda ts: "food" in ts)
        )

    t_pdf, pmask = timed(pandas_filter, rep)
    assert int(mask.sum()) == int(pmask.sum()), (int(mask.sum()), int(pmask.sum()))
    row(f"scope mask ({int(mask.sum()):,} in scope)", t_mask, "pandas boolean filter", t_pdf)
    t_sub, _ = timed(lambda: d.subset(mask))
    row("subset of the scope", t_sub)
    t_counts, _ = timed(lambda: d.counts_by("region", "credit"))
    row("counts_by(region, credit)", t_counts)

    width = max(len(r[0]) for r in rows)
    for what, secs, ratio, mem in rows:
        print(f"{what:<{width}}  {secs}  peak {mem}  {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
