"""Benchmark of the simulation path of a draw (``NumpySource``) against a bare numpy per-stratum sample.

    python benchmarks/bench_simulation_draw.py [--n 1000000] [--strata 100] [--repeat 5]

Measured in the same run, on the same synthetic directory (``bench_draw.build_directory``), best of
``--repeat`` rounds; each round runs every measure once, in turn, so that a change in the load of a shared
machine hits the baseline and the draw alike:

- baseline: a bare numpy per-stratum simple random sample of the same per-stratum sizes (one
  ``Generator.permutation`` of the frame, rank within stratum, keep the first ``n_h``): the floor of any
  stratified draw in numpy;
- ``randinspect.draw.select(table, NumpySource(seed), context)`` over a ready π table (the random step a
  replication repeats);
- ``randinspect.draw.draw(frame, item, NumpySource(seed))``: one simulated draw of a ready 1,000,000-object
  frame (π table, selection, record), which skips the SHA-256 frame and table digests a simulation never
  publishes: the measure of the issue 8 target;
- ``randinspect.draw.draw(directory, item, NumpySource(seed))``: the same draw from the directory, which
  also builds the frame (scope filter, strata, credit and risk codes);
- the same draw given ``commitment=`` (which makes it compute the digests, as every draw did before), to
  show what the skip saves;
- peak traced memory of one simulated draw (tracemalloc, in a separate run).

The target (issue 8): the simulation path of one draw of a 1,000,000-object frame within 2× the baseline
(judged on the draw of the frame; the draw from a directory is printed beside it).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from bench_draw import build_directory  # the script's folder is on sys.path
from randinspect.directory import Scope
from randinspect.draw import (
    DrawFrame,
    NumpySource,
    StratifiedPolicy,
    commit,
    draw,
    inclusion_probabilities,
    select,
)
from randinspect.items import CheckItem


def interleaved(fns: dict[str, Callable[[int], Any]], repeat: int) -> dict[str, tuple[float, float]]:
    """Best wall time and best CPU time (``time.process_time``) of each ``fn(run)`` over ``repeat`` rounds,
    the functions run in turn each round. Every measure runs on one thread, so on an idle machine the two
    agree; on a shared one the CPU time moves much less with the load."""
    best = dict.fromkeys(fns, (float("inf"), float("inf")))
    for run in range(repeat):
        for name, fn in fns.items():
            t, c = time.perf_counter(), time.process_time()
            fn(run)
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="objects in the directory")
    parser.add_argument("--strata", type=int, default=100, help="supervising units (strata)")
    parser.add_argument("--repeat", type=int, default=7, help="timing rounds (best is reported)")
    args = parser.parse_args(argv)

    directory = build_directory(args.n, args.strata)
    directory.digest  # a loaded directory's digest is computed once and cached  # noqa: B018
    item = CheckItem(
        id="SIM-2027-001",
        name="simulation bench",
        department="SAMR",
        year=2027,
        scope=Scope(),
        ratio=Fraction(1, 20),
        legal_basis=["《中华人民共和国食品安全法》"],
    )
    policy = StratifiedPolicy()
    table = inclusion_probabilities(directory, item, policy)
    sizes = table.policy["allocation"]
    print(
        f"frame: {len(table):,} objects in {len(table.frame.stratum_labels)} strata; "
        f"{int(table.expected_count):,} drawn per replication"
    )

    codes = table.frame.stratum_codes.astype(np.int16)  # small codes: numpy's stable sort is a radix sort
    n_h = np.asarray([sizes.get(s, 0) for s in table.frame.stratum_labels], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=n_h.size))])

    def numpy_baseline(run: int) -> None:
        perm = np.random.default_rng(run).permutation(codes.size)
        keys = codes[perm]
        by_stratum = np.argsort(keys, kind="stable")
        rank = np.arange(codes.size) - starts[keys[by_stratum]]
        _ = perm[by_stratum[rank < n_h[keys[by_stratum]]]]

    c = commit(directory, item, policy=policy)
    frame = DrawFrame.from_directory(directory, item)
    times = interleaved(
        {
            "base": numpy_baseline,
            "select": lambda r: select(table, NumpySource(r), f"sim|{r}"),
            "frame": lambda r: draw(frame, item, NumpySource(r), policy=policy),
            "draw": lambda r: draw(directory, item, NumpySource(r), policy=policy),
            "digests": lambda r: draw(directory, item, NumpySource(r), policy=policy, commitment=c),
        },
        args.repeat,
    )
    t_base, t_select, t_frame, t_draw, t_digests = (
        times[k] for k in ("base", "select", "frame", "draw", "digests")
    )

    tracemalloc.start()
    draw(directory, item, NumpySource(0), policy=policy)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print()
    print(f"{'measure':<62}{'wall s':>9}{'ratio':>9}{'CPU s':>9}{'ratio':>9}")
    for name, (wall, cpu) in (
        ("baseline: bare numpy per-stratum sample", t_base),
        ("select(table, NumpySource) over a ready π table", t_select),
        ("draw(frame, item, NumpySource): simulated draw of the frame", t_frame),
        ("draw(directory, item, NumpySource): the same, frame built too", t_draw),
        ("  same draw computing the SHA-256 digests (commitment=)", t_digests),
    ):
        print(f"{name:<62}{wall:>9.3f}{wall / t_base[0]:>8.2f}×{cpu:>9.3f}{cpu / t_base[1]:>8.2f}×")
    print()
    for what, (wall, cpu) in (("select", t_select), ("simulated draw of the frame (the target)", t_frame)):
        ratios = (wall / t_base[0], cpu / t_base[1])
        print(
            f"{what} / baseline: {ratios[0]:.2f}× wall, {ratios[1]:.2f}× CPU (target within 2×: "
            f"wall {'met' if ratios[0] <= 2 else 'NOT met'}, CPU {'met' if ratios[1] <= 2 else 'NOT met'})"
        )
    print(
        f"simulated draw from the directory / baseline: {t_draw[0] / t_base[0]:.2f}× wall, "
        f"{t_draw[1] / t_base[1]:.2f}× CPU (frame building included)"
    )
    print(f"digests skipped save {1 - t_draw[1] / t_digests[1]:.0%} of a simulated draw's CPU time")
    print(f"peak traced memory of one simulated draw: {peak / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
