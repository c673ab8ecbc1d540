"""``randinspect demo``: the annual cycle on the embedded demo city, with no arguments and no network.

The demo builds the Guiyang-like demo city and its item list, commits every draw before the public seed is
known, runs the cycle (draws → department plans → joint plan → inspector matching), re-verifies every draw
and the matching from their records, keeps the hash-chained journal, and writes the plans as JSON and CSV.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_PUBLIC_SEED", "register", "run"]

#: The demo's public seed: what a city would publish after a public dice roll (see docs/seed-ceremony.md).
DEFAULT_PUBLIC_SEED = "贵阳市2027年度双随机抽查 公开摇号 2026-11-10: 3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4"


def register(subparsers: Any) -> None:
    """Add the ``demo`` sub-command."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="run the annual cycle on the embedded demo city",
        description=(
            "Build the embedded Guiyang-like demo city, draw its item list with a public seed, plan the "
            "year, merge the joint plan, match inspectors, verify everything and write the plans."
        ),
    )
    p.add_argument("--objects", type=int, default=20_000, metavar="N", help="objects in the city (20000)")
    p.add_argument("--seed", type=int, default=2026, help="seed of the city generator (2026)")
    p.add_argument("--year", type=int, default=2027, help="plan year (2027)")
    p.add_argument("--public-seed", default=DEFAULT_PUBLIC_SEED, help="the public seed of the draws")
    p.add_argument(
        "--out",
        default="randinspect-demo",
        metavar="DIR",
        help="directory for the plans, records and journal (default ./randinspect-demo)",
    )
    p.add_argument("--summary-only", action="store_true", help="only summarise the two directories")
    p.set_defaults(func=run)


def _policies(city: Any) -> dict[str, Any]:
    """Sampling policy per department.

    Market regulation takes objects with four or more 12315 complaints in the twelve months up to the draw
    day as problem objects (问题对象); the other departments use the default tiered policy.
    """
    from randinspect.draw import ComplaintRule, TieredPolicy
    from randinspect.model import ComplaintChannel

    rule = ComplaintRule(min_count=4, months=12, channels=(ComplaintChannel.HOTLINE_12315,))
    # The complaint window ends on the day the draws are committed (10 November of the year before the plan
    # year, when the joint proposals are pushed): complaints received after it cannot count.
    draw_day = dt.date(city.year - 1, 11, 10)
    return {"SAMR": TieredPolicy(complaints=city.complaints, complaint_rule=rule, reference_date=draw_day)}


def _heading(text: str) -> None:
    print()
    print(text)
    print("-" * len(text.encode("gbk", errors="replace")))


def run(args: argparse.Namespace) -> int:
    """Run the demo; return the exit code (0 when every draw and the matching verify)."""
    from randinspect.cli.plan import print_cycle, write_cycle
    from randinspect.datasets import demo_city, demo_items, format_summary
    from randinspect.draw import Journal, JsonLinesStore, PublicSeedSource, commit, verify
    from randinspect.errors import EmptyFrameError
    from randinspect.matching import verify_match
    from randinspect.planning import ItemList, run_cycle

    city = demo_city(n_objects=args.objects, seed=args.seed, year=args.year)
    print(format_summary(city.summary()))
    if args.summary_only:
        return 0

    items = demo_items(city.year)
    policies = _policies(city)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(
            f"randinspect demo: error: cannot write to {args.out}: {exc.strerror or exc}; "
            "give --out a directory you can write to",
            file=sys.stderr,
        )
        return 2
    journal_path = out / "journal.jsonl"
    if journal_path.exists():
        journal_path.unlink()
    journal = Journal(JsonLinesStore(journal_path))

    n_departments = len(items.departments)
    _heading(f"Item list 抽查事项清单 {city.year}: {len(items)} items of {n_departments} departments")
    for item in items:
        cap = "no ceiling" if item.cap is None else f"cap {float(item.cap):.0%}"
        print(
            f"  {item.id:<20} {item.category.zh} ratio {float(item.ratio):>4.0%} ×{item.frequency} ({cap})"
            f"  {item.name}"
        )

    # Commit every draw before the seed exists: the commitments are what a city publishes first.
    empty = []
    for item in items:
        for r in range(1, item.frequency + 1):
            try:
                commitment = commit(city.objects, item, policy=policies.get(item.department), round=r)
            except EmptyFrameError:
                empty.append(item.id)
                break
            journal.append_commitment(commitment)
    if empty:
        print(f"no alive object in scope, not drawn: {', '.join(empty)}")
        items = ItemList(year=items.year, items=[i for i in items if i.id not in empty], name=items.name)
    print(f"\n{len(journal)} draw commitments journalled before the seed; journal head {journal.head[:16]}…")
    print(f"public seed: {args.public_seed}")

    source = PublicSeedSource(args.public_seed)
    _heading("Annual cycle 年度抽查 (draws → department plans → joint plan → inspector matching)")
    result = run_cycle(city.objects, items, source=source, inspectors=city.inspectors, policy=policies)
    print_cycle(result)

    _heading("Verification 验证")
    failures = 0
    draws_dir = out / "draws"
    draws_dir.mkdir(exist_ok=True)
    for record in result.records:
        department = str(record.commitment.item.get("department", ""))
        verify(record, city.objects, policy=policies.get(department), expected_seed=args.public_seed)
        journal.append_draw(record)
        record.to_json(draws_dir / f"{record.item_id}-round{record.round}.json")
    print(f"{len(result.records)} draw records re-run from the public seed: all reproduce")
    matching = result.matching
    if matching is not None:
        verify_match(matching.record(), result.tasks, city.inspectors, source=source)
        journal.append_match(matching.record())
        print(f"matching record re-run: reproduces ({len(matching.groups)} groups)")
        if matching.infeasible:
            failures += 1
            reasons = Counter(t.constraint for t in matching.infeasible)
            print(f"NOT STAFFED: {len(matching.infeasible)} tasks ({dict(reasons)}); first:")
            print(f"  {matching.infeasible[0].message}")
        if matching.groups:
            group = matching.groups[0]
            print(f"example group {group.task_id}: inspectors {', '.join(group.inspector_ids)}")
    check = journal.verify()
    print(f"journal: {check.length} entries, hash chain intact; head to publish: {check.head}")

    write_cycle(result, out)
    (out / "city-summary.json").write_text(
        json.dumps(city.summary(), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    print(f"\nplans, records and journal written to {out}/")
    return 1 if failures else 0
