"""Benchmark of the demo-city generator (randinspect.datasets).

Usage::

    python benchmarks/bench_datasets.py [--n 1000000] [--repeat 3]

Prints, for ``n`` objects:

- ``generate_object_columns``: the object columns alone, against a numpy baseline drawing the same number
  of random integers (one ``int64`` per object and column, 13 columns) and against a plain Python loop that
  builds USCCs one by one (timed on 10,000 codes and scaled linearly to ``n``);
- ``demo_city``: the whole city (columns, ``ObjectDirectory.from_arrays``, inspectors, complaints);
- peak traced memory (tracemalloc, measured in a separate run so it does not slow the timings).

Timings are the best of ``--repeat`` runs. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from randinspect.codes import GUIYANG_COUNTIES, USCC_ALPHABET, uscc_check_digit
from randinspect.datasets import demo_city, generate_object_columns

_COLUMNS = 13  # columns generate_object_columns returns


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    """Best wall-clock time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mib(fn: Callable[[], Any]) -> float:
    """Peak memory traced by tracemalloc during one call, in MiB."""
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def python_loop_usccs(n: int, seed: int) -> list[str]:
    """Baseline: build ``n`` USCCs in a plain Python loop (random.Random, one check digit at a time)."""
    rng = random.Random(seed)
    counties = GUIYANG_COUNTIES
    out = []
    seen: set[str] = set()
    while len(out) < n:
        body = "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
        first17 = "92" + rng.choice(counties) + body
        if first17 in seen:
            continue
        seen.add(first17)
        out.append(first17 + uscc_check_digit(first17))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of objects (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the best is kept")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    n, repeat, seed = args.n, args.repeat, args.seed

    print(f"randinspect.datasets benchmark, n = {n:,}, numpy {np.__version__}, best of {repeat}")

    def baseline_integers() -> None:
        np.random.Generator(np.random.PCG64(seed)).integers(0, 1000, size=(n, _COLUMNS))

    t_base = best_of(repeat, baseline_integers)
    loop_n = min(n, 10_000)
    t_loop = best_of(1, lambda: python_loop_usccs(loop_n, seed)) * n / loop_n
    t_cols = best_of(repeat, lambda: generate_object_columns(n, seed))
    t_city = best_of(max(1, repeat - 1), lambda: demo_city(n, seed))
    row(f"numpy baseline: {n:,} x {_COLUMNS} random integers", t_base, "s")
    row("Python-loop USCCs (10,000 timed, scaled to n)", t_loop, "s")
    row(
        "generate_object_columns",
        t_cols,
        "s",
        f"{t_cols / t_base:.1f} x numpy, {t_loop / t_cols:.1f} x faster than loop",
    )
    row("demo_city (directories, inspectors, complaints)", t_city, "s", f"{t_city / t_base:.1f} x numpy")

    print("  peak traced memory (tracemalloc, separate run):")
    m_base = peak_mib(baseline_integers)
    m_cols = peak_mib(lambda: generate_object_columns(n, seed))
    m_city = peak_mib(lambda: demo_city(n, seed))
    row("numpy baseline", m_base, "MiB")
    row("generate_object_columns", m_cols, "MiB", f"{m_cols / m_base:.2f} x baseline")
    row("demo_city", m_city, "MiB", f"{m_city / m_base:.2f} x baseline")


def row(label: str, value: float, unit: str, note: str = "") -> None:
    """Print one figure, aligned, with an optional ratio note."""
    print(f"  {label:<50} {value:9.3f} {unit:<4} {note}")


if __name__ == "__main__":
    main()
