"""Benchmark: inspector matching at city scale.

50,000 tasks, 5,000 inspectors (2 departments x 100 jurisdictions x 24 officers, 4 specialties x 50
experts), about 2.3 million eligible pairs by default; officers' caps (25) bind for about 400 of them, so
the min-cost-flow rebalancing runs. Times, in one run:

- building the eligibility graph (``MatchingProblem.build``);
- the default ``ExactMarginalMatcher`` (targets, caps, dependent rounding);
- the baseline ``UniformMatcher``;
- a max-flow feasibility check of the same network with scipy (``scipy.sparse.csgraph.maximum_flow``),
  the cheapest exact answer to "can every seat be filled?";

and prints each figure with its ratio to the max-flow check, plus peak memory (``ru_maxrss``).

Run: ``python benchmarks/bench_matching.py [--n 50000] [--seed 1]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from typing import Any

import numpy as np

from randinspect.directory import EnforcementCertificate, Inspector
from randinspect.draw import NumpySource, PublicSeedSource
from randinspect.matching import ExactMarginalMatcher, InspectionTask, MatchingProblem, UniformMatcher

YEAR = 2027


def build_city(
    n_tasks: int, seed: int, officer_cap: int = 25
) -> tuple[list[InspectionTask], list[Any], dict[str, int]]:
    """Synthetic inputs: officers bound to their county, experts city-wide, tasks in quarterly windows."""
    rng = np.random.default_rng(seed)
    regions = [f"52{k // 10:02d}{k % 10 + 1:02d}" for k in range(100)]
    departments = ("SAMR", "HEALTH")
    specialties = ("food", "drugs", "fire", "environment")
    people: list[Any] = []
    caps: dict[str, int] = {}
    cert = EnforcementCertificate(
        number="C", valid_from=dt.date(YEAR - 2, 1, 1), valid_to=dt.date(YEAR, 12, 31)
    )
    short = EnforcementCertificate(
        number="C", valid_from=dt.date(YEAR - 2, 1, 1), valid_to=dt.date(YEAR, 5, 31)
    )
    for d in departments:
        for r in regions:
            for k in range(24):
                iid = f"{d}-{r}-{k:02d}"
                avail = ((dt.date(YEAR, 1, 1), dt.date(YEAR, 6, 30)),) if rng.random() < 0.05 else ()
                people.append(
                    Inspector(
                        id=iid,
                        name=iid,
                        role="officer",
                        department=d,
                        unit=f"U{r}",
                        jurisdiction=(r,),
                        certificate=short if rng.random() < 0.05 else cert,
                        availability=avail,
                    )
                )
                caps[iid] = officer_cap
    for s in specialties:
        for k in range(50):
            iid = f"EXP-{s}-{k:02d}"
            people.append(Inspector(id=iid, name=iid, role="expert", department="SAMR", specialties=(s,)))
            caps[iid] = 130
    region_of = rng.integers(0, len(regions), n_tasks)
    quarter = rng.integers(0, 4, n_tasks)
    joint = rng.random(n_tasks) < 0.25
    dep = rng.integers(0, 2, n_tasks)
    spec = np.where(rng.random(n_tasks) < 0.36, rng.integers(0, len(specialties), n_tasks), -1)
    tasks = []
    for t in range(n_tasks):
        r = regions[int(region_of[t])]
        q = int(quarter[t])
        tasks.append(
            InspectionTask(
                id=f"T{t:06d}",
                object_id=f"O{t:06d}",
                region=r,
                unit=f"U{r}",
                window=(dt.date(YEAR, 1 + 3 * q, 1), dt.date(YEAR, 3 + 3 * q, 28)),
                departments=list(departments) if joint[t] else [departments[int(dep[t])]],
                specialties=[specialties[int(spec[t])]] if spec[t] >= 0 else [],
            )
        )
    return tasks, people, caps


def scipy_max_flow(problem: MatchingProblem) -> tuple[int, int]:
    """Max flow of source -> seat groups -> inspectors -> sink with scipy; return (flow, seats)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    n_g = len(problem.groups)
    n_i = len(problem.inspector_ids)
    s, t = n_g + n_i, n_g + n_i + 1
    rows = np.concatenate([np.full(n_g, s), problem.edge_group, n_g + np.arange(n_i)])
    cols = np.concatenate([np.arange(n_g), n_g + problem.edge_inspector, np.full(n_i, t)])
    cap = np.concatenate([problem.group_size, np.ones(problem.n_edges, dtype=np.int64), problem.caps])
    graph = csr_matrix((cap.astype(np.int32), (rows, cols)), shape=(n_g + n_i + 2, n_g + n_i + 2))
    flow = maximum_flow(graph, s, t)
    return int(flow.flow_value), int(problem.group_size.sum())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="number of tasks (default 50,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--officer-cap",
        type=int,
        default=25,
        help="officers' load cap (default 25: mean demand about 21, about 400 caps bind; 23 is infeasible)",
    )
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    tasks, people, caps = build_city(args.n, args.seed, args.officer_cap)
    t_inputs = time.perf_counter() - t0

    t0 = time.perf_counter()
    problem = MatchingProblem.build(tasks, people, caps=caps)
    t_build = time.perf_counter() - t0

    t0 = time.perf_counter()
    flow, seats = scipy_max_flow(problem)
    t_flow = time.perf_counter() - t0

    t0 = time.perf_counter()
    exact = ExactMarginalMatcher().match(problem, PublicSeedSource("bench-2027"), allow_partial=True)
    t_exact = time.perf_counter() - t0

    t0 = time.perf_counter()
    exact_np = ExactMarginalMatcher().match(problem, NumpySource(args.seed), allow_partial=True)
    t_exact_np = time.perf_counter() - t0

    t0 = time.perf_counter()
    uniform = UniformMatcher().match(problem, NumpySource(args.seed), allow_partial=True)
    t_uniform = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    loads = np.bincount(problem.edge_inspector[exact.chosen], minlength=len(problem.inspector_ids))
    print(
        f"tasks {len(problem.tasks):,}, seat groups {len(problem.groups):,}, seats {seats:,}, "
        f"inspectors {len(problem.inspector_ids):,}, eligible pairs {problem.n_edges:,}"
    )
    print(f"max-flow value {flow:,} of {seats:,} seats -> feasible: {flow == seats}")
    print(
        f"exact matcher: {len(exact.groups):,} groups, {len(exact.infeasible)} infeasible, "
        f"max load {int(loads.max())}; uniform matcher: {len(uniform.groups):,} groups, "
        f"{len(uniform.infeasible)} infeasible; numpy-source run: {len(exact_np.groups):,} groups"
    )
    print()
    print(f"{'step':<48}{'seconds':>9}{'x max-flow':>12}")
    rows = [
        ("synthetic inputs (Inspector/InspectionTask objects)", t_inputs),
        ("eligibility graph (MatchingProblem.build)", t_build),
        ("max-flow feasibility check (scipy)  [baseline]", t_flow),
        ("ExactMarginalMatcher, PublicSeedSource", t_exact),
        ("ExactMarginalMatcher, NumpySource", t_exact_np),
        ("UniformMatcher, NumpySource", t_uniform),
    ]
    for name, sec in rows:
        print(f"{name:<48}{sec:>9.2f}{sec / t_flow:>12.1f}")
    print(f"peak memory (ru_maxrss): {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
