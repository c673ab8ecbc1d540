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
and ``--cycle-departments`` departments (40) and ``--items`` items from
:func:`randinspect.datasets.benchmark_items` (300), matching inspectors too: the issue-5 target is
``--cycle 1000000`` (40 departments, 300 items, about 8,000 inspectors) within a minute and 2 GB. It prints
each stage's time, the peak resident memory of the process, and a baseline measured in the same run (each
item's frame mask plus a plain numpy uniform sample, the least work any cycle does). It then runs the same
cycle again with the rules of issue 14: a realistic declared conflict list (5 % of the inspectors with a
former employer in the city, :func:`randinspect.datasets.demo_conflicts`) and a year of history (the groups
of the previous year's cycle, run untimed with another seed), and prints the extra time against the cycle
without them (same run, same city).

With ``--cycle`` the year then goes on after the visit (issue 10): synthetic results for every staffed task
(:func:`randinspect.datasets.synthetic_results`, not timed as a stage), then the results stages, each timed:
``enter`` (:func:`randinspect.results.enter_results` with every check), ``publish`` (monthly
:func:`randinspect.results.publish` with redaction), ``deadlines``
(:func:`randinspect.results.deadline_report` over every expected result), ``feedback``
(:func:`randinspect.results.assess`) and ``summary`` (:func:`randinspect.results.annual_summary`, charts when
matplotlib is installed). The target: the results stages together take less than the draw stage, and the
whole cycle stays under 2 GB peak resident memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import time
import tracemalloc
from collections import defaultdict
from typing import Any

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


def _peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (``getrusage``; psutil when available)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        import psutil  # type: ignore[import-untyped, unused-ignore]

        return float(psutil.Process().memory_info().peak_wset) / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def _baseline_draws(objects: Any, items: Any) -> tuple[float, int]:
    """Frame masks and a plain numpy uniform sample per item and round: the least work any cycle does."""
    rng = np.random.default_rng(2026)  # baseline only; the cycle itself uses a RandomSource
    t0 = time.perf_counter()
    drawn = 0
    for item in items:
        frame = np.flatnonzero(objects.mask(item.scope))
        size = min(len(frame), -(-len(frame) * item.ratio.numerator // item.ratio.denominator))
        for _ in range(item.frequency):
            drawn += len(rng.choice(frame, size=size, replace=False))
    return time.perf_counter() - t0, drawn


def _cycle(n_objects: int, n_items: int, n_departments: int) -> None:
    from randinspect.datasets import benchmark_items, demo_city

    t0 = time.perf_counter()
    city = demo_city(n_objects=n_objects, year=2027, n_departments=n_departments)
    t_city = time.perf_counter() - t0
    t0 = time.perf_counter()
    items = benchmark_items(city, n_items=n_items)
    t_items = time.perf_counter() - t0
    # The cycle reads the two directories only, as a deployment loading them would: drop the rest of the
    # demo city (its complaint stream) before measuring.
    from randinspect.datasets import demo_conflicts

    conflicts = demo_conflicts(city)
    objects, inspectors, n_departments = city.objects, city.inspectors, len(city.departments)
    del city
    gc.collect()
    rss_before = _peak_rss_mib()
    t0 = time.perf_counter()
    result = run_cycle(objects, items, source=PublicSeedSource("bench-cycle"), inspectors=inspectors)
    total = time.perf_counter() - t0
    rss_after = _peak_rss_mib()
    t_base, n_base = _baseline_draws(objects, items.items)
    summary = result.summary()
    print(
        f"city: {n_objects:,} objects, {n_departments} departments, {len(items.items)} items, "
        f"{len(inspectors.inspectors):,} inspectors (city generated in {t_city:.2f} s, "
        f"items in {t_items:.2f} s)"
    )
    print("run_cycle stages:")
    for stage, seconds in result.timings.items():
        print(f"  {stage:8s} {seconds:8.3f} s")
    print(f"  total    {total:8.3f} s")
    print(
        f"draws: {len(result.records)} ({sum(len(r.selected) for r in result.records):,} objects drawn); "
        f"visits {summary['visits_without_joint']:,} -> {summary['visits_with_joint']:,} with joint "
        f"inspection; tasks {summary['tasks']:,}; groups {summary['matching']['groups']:,}, "
        f"not staffed {summary['matching']['infeasible']:,}"
    )
    print(
        f"baseline (frame masks + numpy uniform sample per draw, no tickets, no records): {t_base:.3f} s for "
        f"{n_base:,} objects; draw stage / baseline = {result.timings['draw'] / t_base:.2f}x, "
        f"whole cycle / baseline = {total / t_base:.2f}x"
    )
    print(
        f"peak resident memory: {rss_after:,.0f} MiB "
        f"(after building the city and items: {rss_before:,.0f} MiB)"
    )
    _results_stages(objects, inspectors, items.items, result)
    _cycle_with_rules(objects, items, inspectors, conflicts, result, total)


def _cycle_with_rules(
    objects: Any, items: Any, inspectors: Any, conflicts: Any, plain: Any, plain_total: float
) -> None:
    """The same cycle with the declared conflict list and a year of history; extra time against ``plain``."""
    import attrs

    from randinspect.planning import ItemList

    last_items = ItemList(year=2026, items=[attrs.evolve(i, year=2026) for i in items.items])
    last = run_cycle(objects, last_items, source=PublicSeedSource("bench-cycle-2026"), inspectors=inspectors)
    history = last.inspection_history()
    t0 = time.perf_counter()
    result = run_cycle(
        objects,
        items,
        source=PublicSeedSource("bench-cycle"),
        inspectors=inspectors,
        conflicts=conflicts,
        history=history,
    )
    total = time.perf_counter() - t0
    m = result.summary()["matching"]
    print(
        f"with 回避 and history: {len(conflicts):,} declared conflicts "
        f"({len(conflicts) / max(len(inspectors.inspectors), 1):.1%} of inspectors), "
        f"{len(history):,} history records (last year's groups)"
    )
    print(
        f"  match {result.timings['match']:8.3f} s (without: {plain.timings['match']:.3f} s, "
        f"ratio {result.timings['match'] / plain.timings['match']:.2f}x)"
    )
    print(
        f"  total {total:8.3f} s (without: {plain_total:.3f} s; extra {total - plain_total:+.3f} s, "
        f"ratio {total / plain_total:.2f}x)"
    )
    print(
        f"  pairs removed: {m['pairs_removed_by_rule']}; not staffed {m['infeasible']:,} "
        f"({m['infeasible_by_constraint']}); peak resident memory {_peak_rss_mib():,.0f} MiB"
    )


def _results_stages(objects: Any, inspectors: Any, items: Any, result: Any) -> None:
    """Time the results stages of issue 10 after the cycle; print them next to the draw stage."""
    import tempfile

    from randinspect.calendar import ProvisionalCalendar
    from randinspect.datasets import synthetic_results
    from randinspect.results import (
        ResultBook,
        annual_summary,
        apply_feedback,
        assess,
        deadline_report,
        enter_results,
        publish,
    )

    year = result.year
    calendar = ProvisionalCalendar()
    t0 = time.perf_counter()
    records, publish_on = synthetic_results(
        result.tasks, result.matching, objects, inspectors, items, calendar=calendar, seed=year
    )
    t_synth = time.perf_counter() - t0
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    book = enter_results(
        ResultBook(year=year),
        records,
        tasks=result.tasks,
        assignments=result.matching,
        objects=objects,
        inspectors=inspectors,
    )
    timings["enter"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    published = 0
    for month in range(1, 13):
        last = (dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)
        ready = [rid for rid, day in publish_on.items() if day is not None and day <= last]
        book, pub = publish(book, on=last, calendar=calendar, objects=objects, record_ids=ready)
        published += len(pub)
    timings["publish"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = deadline_report(
        book,
        as_of=dt.date(year + 1, 3, 31),
        calendar=calendar,
        tasks=result.tasks,
        item_departments={i.id: i.department for i in items},
    )
    timings["deadlines"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    feedback = apply_feedback(objects, book)
    timings["feedback"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    assessment = assess(
        book=book,
        report=report,
        objects=objects,
        draw_records=result.records,
        tasks=result.tasks,
        items=items,
        savings=result.joint.savings(),
    )
    timings["assess"] = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        summary = annual_summary(assessment, tmp)
        timings["summary"] = time.perf_counter() - t0
    rss = _peak_rss_mib()
    total = sum(timings.values())
    print(
        f"results: {len(records):,} records for {len(result.matching.groups):,} staffed tasks "
        f"(synthetic findings generated in {t_synth:.2f} s, not a stage); {published:,} published; "
        f"{len(report.overdue()):,} overdue; {len(feedback.report):,} grade changes; "
        f"{len(summary.charts)} charts"
    )
    print("results stages:")
    for stage, seconds in timings.items():
        print(f"  {stage:9s} {seconds:8.3f} s")
    print(
        f"  total     {total:8.3f} s; results stages / draw stage = {total / result.timings['draw']:.2f}x "
        "(target < 1)"
    )
    print(f"peak resident memory after the whole year: {rss:,.0f} MiB (target < 2048)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="total draws (objects drawn, all departments)")
    parser.add_argument("--departments", type=int, default=20)
    parser.add_argument("--pool", type=int, default=1_000_000, help="objects in the city")
    parser.add_argument(
        "--cycle", type=int, metavar="N", help="run the whole cycle on a demo city of N objects"
    )
    parser.add_argument("--items", type=int, default=300, help="items for --cycle (300)")
    parser.add_argument(
        "--cycle-departments", type=int, default=40, help="departments of the --cycle city (40, up to 42)"
    )
    args = parser.parse_args()
    if args.cycle:
        _cycle(args.cycle, args.items, args.cycle_departments)
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
