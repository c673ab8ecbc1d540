"""Benchmark: policy simulation (randinspect.simulate).

Run ``python benchmarks/bench_simulation.py [--n 1000000] [--items 300] [--departments 40]
[--repeat 3]`` for the replication-year figure (best of ``--repeat`` rounds), and
``python benchmarks/bench_simulation.py --sweep [--sweep-n 100000] [--replications 1000] [--years 5]`` for
the sweep figures.

* ``rep-year``: one replication-year of an ``n``-object demo city with ``items`` benchmark items on the fast
  source (exact π from the policy, selection, violations, findings, feedback), against a bare numpy
  per-item sampler measured in the same run that does the same draws (the same π, a random order within
  each stratum, systematic selection) and nothing else. Target: within 3×.
* ``sweep``: ``replications`` × ``years`` of a ``sweep-n``-object city on a process pool with every local
  core, and the same on a 2-worker ``dask.distributed.LocalCluster`` (its overhead against the pool is
  printed; the two tables must be identical). Target: under 10 minutes on 2 cores.

Peak resident memory of the process is printed with each figure.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _bare_numpy(tables: list[tuple[np.ndarray, np.ndarray]], rng: np.random.Generator) -> int:
    """Systematic πps per item round in plain numpy: random order within strata, one uniform start."""
    total = 0
    for pi, strata in tables:
        perm = rng.permutation(pi.size)
        order = perm[np.argsort(strata[perm], kind="stable")]
        cs = np.cumsum(pi[order])
        u = rng.random()
        chosen = np.floor(cs + u) - np.floor(cs - pi[order] + u) > 0
        total += int(np.count_nonzero(chosen))
    return total


def rep_year(n: int, n_items: int, departments: int, repeat: int = 3) -> None:
    from randinspect.datasets import benchmark_items, demo_city
    from randinspect.simulate import Scenario, prepare, replication_seed, run_replication

    t0 = time.perf_counter()
    city = demo_city(n_objects=n, n_departments=departments)
    items = benchmark_items(city, n_items)
    scenario = Scenario(objects=city.objects, items=items, inspectors=city.inspectors.counts("department"))
    prepared = prepare(scenario)
    print(
        f"city of {n:,} objects, {len(items)} items, {len(prepared.frames)} with a frame: "
        f"built and prepared in {time.perf_counter() - t0:.1f} s"
    )
    root = np.random.SeedSequence(2027)
    run_replication(prepared, replication_seed(root, 0, 0), 1)  # warm up
    # The baseline's input: the same π tables, computed outside its timing.
    tables = []
    for base in prepared.frames:
        policy = scenario.policy_for(base.item.department)
        for round_no in range(1, base.item.frequency + 1):
            table = policy.inclusion(base.frame, base.item, round=round_no)
            tables.append((table.numerators / float(table.denominator), base.frame.stratum_codes))
    # Best of ``repeat`` rounds, the two measures in turn each round, so that a change in the load of a
    # shared machine hits both.
    ours = bare = float("inf")
    for k in range(repeat):
        t = time.perf_counter()
        run_replication(prepared, replication_seed(root, 0, k + 1), 1)
        ours = min(ours, time.perf_counter() - t)
        rng = np.random.Generator(np.random.PCG64(k))
        t = time.perf_counter()
        _bare_numpy(tables, rng)
        bare = min(bare, time.perf_counter() - t)
    print(
        f"rep-year (best of {repeat}): {ours:.2f} s   bare numpy per-item sampler: {bare:.2f} s   "
        f"ratio {ours / bare:.1f}x (target <= 3x)   peak RSS {_peak_mib():,.0f} MiB"
    )


def sweep_figures(n: int, replications: int, years: int) -> None:
    from distributed import Client, LocalCluster

    from randinspect.simulate import Scenario, sweep

    scenario = Scenario.from_demo(n)
    grid = [{}]
    t = time.perf_counter()
    with ProcessPoolExecutor() as pool:
        local = sweep(scenario, grid, years=years, replications=replications, seed=1, executor=pool, chunk=10)
    pool_s = time.perf_counter() - t
    print(
        f"sweep: {replications} replications x {years} years of {n:,} objects on a process pool: "
        f"{pool_s:.1f} s ({pool_s / 60:.1f} min, target < 10 min)   peak RSS {_peak_mib():,.0f} MiB"
    )
    t = time.perf_counter()
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        remote = sweep(
            scenario,
            grid,
            years=years,
            replications=replications,
            seed=1,
            executor=client.get_executor(),
            chunk=10,
        )
    dask_s = time.perf_counter() - t
    same = "identical" if remote.equals(local) else "DIFFERENT"
    print(
        f"sweep on a 2-worker LocalCluster: {dask_s:.1f} s, ratio to the pool {dask_s / pool_s:.2f}x "
        f"(overhead {dask_s - pool_s:+.1f} s, cluster start included); tables {same}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the rep-year figure (best is kept)")
    parser.add_argument("--sweep", action="store_true", help="run the sweep figures instead")
    parser.add_argument("--sweep-n", type=int, default=100_000)
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args(argv)
    if args.sweep:
        sweep_figures(args.sweep_n, args.replications, args.years)
    else:
        rep_year(args.n, args.items, args.departments, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
