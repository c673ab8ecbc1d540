"""Benchmark of randinspect.codes hot paths: USCC check characters and industry prefix matching.

Run ``python benchmarks/bench_codes.py [--n N]``. Each figure is printed next to a baseline measured in the
same run (a plain Python loop doing the same work on a sample, scaled to N) as a speed-up ratio, with the
peak memory traced by tracemalloc.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from randinspect.codes import INDUSTRY, USCC_ALPHABET, uscc_check_digit, uscc_check_digits


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Seconds and peak traced MiB of one call."""
    tracemalloc.start()
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="number of codes (default 1,000,000)")
    n = parser.parse_args().n
    rng = np.random.default_rng(2026)
    sample = min(n, 50_000)

    letters = np.array(list(USCC_ALPHABET))[rng.integers(0, 31, (n, 17))]
    first17 = letters.view("<U17").reshape(-1)
    as_list = first17[:sample].tolist()
    vec_s, vec_mb = timed(lambda: uscc_check_digits(first17))
    loop_s, _ = timed(lambda: [uscc_check_digit(s) for s in as_list])
    loop_s *= n / sample
    print(
        f"uscc_check_digits   n={n:>10,}  {vec_s * 1e3:8.1f} ms  peak {vec_mb:7.1f} MiB  "
        f"python loop {loop_s * 1e3:9.1f} ms  speed-up x{loop_s / vec_s:6.1f}"
    )

    classes = np.array(INDUSTRY.codes("class"), dtype=np.str_)
    codes = classes[rng.integers(0, len(classes), n)]
    code_list = codes[:sample].tolist()
    for prefix in ("C", "13", "1311"):
        vec_s, vec_mb = timed(lambda p=prefix: INDUSTRY.matches_prefix(codes, p))
        if prefix.isdigit():
            loop_s, _ = timed(lambda p=prefix: [c.startswith(p) for c in code_list])
        else:
            loop_s, _ = timed(lambda p=prefix: [INDUSTRY.section_of(c[:2]) == p for c in code_list])
        loop_s *= n / sample
        print(
            f"matches_prefix {prefix!r:6} n={n:>10,}  {vec_s * 1e3:8.1f} ms  peak {vec_mb:7.1f} MiB  "
            f"python loop {loop_s * 1e3:9.1f} ms  speed-up x{loop_s / vec_s:6.1f}"
        )


if __name__ == "__main__":
    main()
