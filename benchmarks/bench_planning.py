"""Benchmark: department plans and the joint-plan merge of ~200,000 draws over 20 departments.

Run ``python benchmarks/bench_planning.py [--n 200000] [--departments 20] [--pool 1000000]``.

Each department draws ``n / departments`` objects from a pool of ``pool`` objects (uniformly, so overlaps are
what chance gives: about ``departments * share`` of a department's objects are shared). The figures:

* ``plan``: 20 :func:`randinspect.planning.plan_department` calls (quarters, public-seed tickets);
* ``propose`` + ``merge``: :class:`randinspect.planning.OverlapMerger` with every department silent (default
  accept), i.e. the full joint plan with blocks and periods;
* baselines measured in the same run: the same grouping (objects by department set) as a plain Python
  dict-of-sets loop, and as a pandas groupby when pandas is installed.

Peak memory is measured with tracemalloc in a second, untimed propose + merge.

``--cycle N`` instead runs :func:`randinspect.planning.run_cycle` on the embedded demo city with ``N`` objects
(1,000,000 for a Guiyang-scale city) and ``--items`` items spread over the city's departments, matching
inspectors too, and prints each stage's time and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import tracemalloc
from collections import defaultdict

import numpy as np

from randinspect.calendar import ChineseOfficialCalendar
from randinspect.draw import NumpySource, PublicSeedSource
from randinspect.items import CheckItem
from randinspect.planning import ItemDraw, OverlapMerger, plan_department, run_cycle


def _items(department: str, year: int) -> list[CheckItem]:
    from randinspect.directory import Scope

    return [
        CheckItem(
            id=f"{department}-1",
            name="bench",
            department=department,
            year=year,
            scope=Scope(),
            ratio="0.01",
            legal_basis=["《优化营商环境条例》|第五十四条"],
        )
    ]


def _baseline_dict(draws: dict[str, list[str]]) -> int:
    """Group objects by the set of departments that drew them (dict of sets, pure Python)."""
    departments_of: dict[str, set[str]] = defaultdict(set)
    for department, ids in draws.items():
        for o in ids:
            departments_of[o].add(department)
    blocks: dict[frozenset[str], list[str]] = defaultdict(list)
    for o, deps in departments_of.items():
        if len(deps) >= 2:
            blocks[frozenset(deps)].append(o)
    return len(blocks)


def _baseline_pandas(draws: dict[str, list[str]]) -> int | None:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - optional
        return None
    frame = pd.DataFrame(
        {
            "department": np.repeat(list(draws), [len(v) for v in draws.values()]),
            "object": np.concatenate([np.asarray(v) for v in draws.values()]),
        }
    )
    sets = frame.sort_values("department").groupby("object")["department"].agg("+".join)
    sets = sets[sets.str.contains("+", regex=False)]
    return int(sets.nunique())


def _cycle(n_objects: int, n_items: int) -> None:
    import resource

    from randinspect.datasets import demo_city

    t0 = time.perf_counter()
    city = demo_city(n_objects=n_objects, year=2027)
    t_city = time.perf_counter() - t0
    departments = [d.code for d in city.departments]
    # Items are scoped like real ones: each to one industry division (2-digit GB/T 4754 code) of the city.
    divisions = sorted({code[:2] for code in np.unique(city.objects.industries).tolist()})
    items = [
        CheckItem(
            id=f"{departments[i % len(departments)]}-2027-{i:03d}",
            name="bench",
            department=departments[i % len(departments)],
            year=2027,
            scope={"industries": [divisions[(i * 7) % len(divisions)]]},
            ratio="0.03",
            frequency=2 if i % 10 == 0 else 1,
            legal_basis=["《优化营商环境条例》|第五十四条"],
        )
        for i in range(n_items)
    ]
    t0 = time.perf_counter()
    result = run_cycle(
        city.objects, items, source=PublicSeedSource("bench-cycle"), inspectors=city.inspectors
    )
    total = time.perf_counter() - t0
    summary = result.summary()
    print(
        f"city: {n_objects:,} objects, {len(departments)} departments, {n_items} items, "
        f"{len(city.inspectors.inspectors):,} inspectors (generated in {t_city:.2f} s)"
    )
    for stage, seconds in result.timings.items():
        print(f"  {stage:8s} {seconds:8.3f} s")
    print(f"  total    {total:8.3f} s")
    print(
        f"draws: {len(result.records)}; visits {summary['visits_without_joint']:,} -> "
        f"{summary['visits_with_joint']:,} with joint inspection; tasks {summary['tasks']:,}; "
        f"groups {summary['matching']['groups']:,}, not matched {summary['matching']['infeasible']:,}"
    )
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="total draws (objects drawn, all departments)")
    parser.add_argument("--departments", type=int, default=20)
    parser.add_argument("--pool", type=int, default=1_000_000, help="objects in the city")
    parser.add_argument(
        "--cycle", type=int, metavar="N", help="run the whole cycle on a demo city of N objects"
    )
    parser.add_argument("--items", type=int, default=300, help="items for --cycle (300)")
    args = parser.parse_args()
    if args.cycle:
        _cycle(args.cycle, args.items)
        return

    year = 2026
    rng = np.random.default_rng(2026)  # benchmark data only; plans use RandomSource
    per = args.n // args.departments
    pool = np.char.add("91520100MA", np.char.zfill(np.arange(args.pool).astype(str), 8))
    draws = {
        f"D{d:02d}": pool[rng.choice(args.pool, size=per, replace=False)].tolist()
        for d in range(args.departments)
    }
    source = PublicSeedSource("bench-2026")

    t0 = time.perf_counter()
    plans = [
        plan_department(d, _items(d, year), [ItemDraw(item_id=f"{d}-1", selected_ids=ids)], source=source)
        for d, ids in draws.items()
    ]
    t_plan = time.perf_counter() - t0

    merger = OverlapMerger()
    calendar = ChineseOfficialCalendar()
    t0 = time.perf_counter()
    round_ = merger.propose(plans, pushed_on=dt.date(2025, 12, 1), calendar=calendar)
    t_propose = time.perf_counter() - t0
    t0 = time.perf_counter()
    joint = merger.merge(round_, [], source=NumpySource(1))
    t_merge = time.perf_counter() - t0
    # Peak memory in a second, traced run (tracing slows Python code down, so it is not timed).
    tracemalloc.start()
    merger.merge(
        merger.propose(plans, pushed_on=dt.date(2025, 12, 1), calendar=calendar), [], source=NumpySource(1)
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t0 = time.perf_counter()
    savings = joint.savings()
    t_savings = time.perf_counter() - t0

    t0 = time.perf_counter()
    n_sets = _baseline_dict(draws)
    t_dict = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_sets_pd = _baseline_pandas(draws)
    t_pandas = time.perf_counter() - t0

    merge_total = t_propose + t_merge
    print(f"draws: {args.n:,} over {args.departments} departments, pool {args.pool:,} objects")
    print(f"proposals (objects drawn by >= 2 departments): {len(round_.proposals):,}")
    print(
        f"joint blocks: {len(joint.blocks):,}  "
        f"department sets: {len({b.departments for b in joint.blocks}):,}"
    )
    print(f"visits without / with joint inspection: {savings.visits_without:,} / {savings.visits_with:,}")
    print(f"plan_department x{args.departments}:     {t_plan:7.3f} s")
    print(f"propose:                      {t_propose:7.3f} s")
    print(f"merge:                        {t_merge:7.3f} s")
    print(f"propose + merge:              {merge_total:7.3f} s")
    print(f"savings report:               {t_savings:7.3f} s")
    print(
        f"baseline dict-of-sets loop:   {t_dict:7.3f} s  (grouping only, {n_sets:,} sets); "
        f"propose+merge / baseline = {merge_total / t_dict:.2f}x"
    )
    if n_sets_pd is not None:
        print(
            f"baseline pandas groupby:      {t_pandas:7.3f} s  (grouping only, {n_sets_pd:,} sets); "
            f"propose+merge / baseline = {merge_total / t_pandas:.2f}x"
        )
    print(f"peak traced memory (propose + merge): {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
