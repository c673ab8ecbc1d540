"""``randinspect demo``: the annual cycle on the embedded demo city, with no arguments and no network.

The demo builds the Guiyang-like demo city and its item list, commits every draw before the public seed is
known, runs last year's cycle for the inspection history, runs the cycle with the declared conflict list
(回避) and that history (draws → department plans → joint plan → inspector matching), re-verifies every draw
and the matching from their records, keeps the hash-chained journal, and writes the plans as JSON and CSV.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty --out directory, replacing the demo's files there",
    )
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
    from randinspect._io import atomic_write_text
    from randinspect.cli.plan import print_cycle, write_cycle
    from randinspect.cli.publish import open_hint
    from randinspect.datasets import demo_city, demo_conflicts, demo_items, format_summary
    from randinspect.draw import PublicSeedSource, commit, item_rounds, normalise_seed, verify
    from randinspect.errors import EmptyFrameError, InputError, OutputError
    from randinspect.ledger import Journal, JsonLinesStore
    from randinspect.matching import verify_match
    from randinspect.planning import ItemList, run_cycle
    from randinspect.publish import publish

    out = Path(args.out)
    if not args.summary_only:
        # Refuse before doing any work, so a refused run leaves nothing behind.
        normalise_seed(args.public_seed)
        if out.exists() and not out.is_dir():
            raise OutputError(f"cannot write to --out {args.out!r}: it is a file; give a directory")
        if out.is_dir() and any(out.iterdir()) and not args.force:
            raise InputError(
                f"--out {args.out!r} is not empty; give a new or empty directory, or --force to replace "
                "the demo's files in it"
            )
    city = demo_city(n_objects=args.objects, seed=args.seed, year=args.year)
    print(format_summary(city.summary()))
    if args.summary_only:
        return 0

    items = demo_items(city.year)
    policies = _policies(city)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot write to {args.out}: {exc.strerror or exc}; give --out a directory you can write to"
        ) from None
    journal_path = out / "journal.jsonl"
    if journal_path.exists():
        journal_path.unlink()  # only with --force: the demo's journal of an earlier run
    journal = Journal(JsonLinesStore(journal_path))

    n_departments = len(items.departments)
    _heading(f"Item list 抽查事项清单 {city.year}: {len(items)} items of {n_departments} departments")
    for item in items:
        cap = "no ceiling" if item.cap is None else f"cap {float(item.cap):.0%}"
        print(
            f"  {item.id:<20} {item.category.zh} ratio {float(item.ratio):>4.0%} ×{item.frequency} ({cap})"
            f"  {item.name}"
        )

    # The item lists are fixed first (by 31 October), one ledger entry per department.
    for department in items.departments:
        listed = [item.to_dict() for item in items if item.department == department]
        journal.append(
            "item-list",
            {"department": department, "year": items.year, "items": listed},
            key=(department, items.year),
        )

    # Commit every draw before the seed exists: the commitments are what a city publishes first.
    empty = []
    for item in items:
        matrix = getattr(policies.get(item.department), "matrix", None)
        for r in range(1, item_rounds(item, matrix) + 1):
            try:
                commitment = commit(city.objects, item, policy=policies.get(item.department), round=r)
            except EmptyFrameError:
                empty.append(item.id)
                break
            journal.append_commitment(commitment)
    if empty:
        print(f"no alive object in scope, not drawn: {', '.join(empty)}")
        items = ItemList(year=items.year, items=[i for i in items if i.id not in empty], name=items.name)
    n_commitments = len(journal) - len(items.departments)
    print(f"\n{n_commitments} draw commitments journalled before the seed; journal head {journal.head[:16]}…")
    print(f"public seed: {args.public_seed}")

    source = PublicSeedSource(args.public_seed)
    # 回避 and rotation: the declared conflict list, and last year's groups as the inspection history
    conflicts = demo_conflicts(city)
    last_year = run_cycle(
        city.objects,
        demo_items(city.year - 1),
        source=PublicSeedSource(f"{args.public_seed} | {city.year - 1}"),
        inspectors=city.inspectors,
        policy=policies,
        skip_empty=True,
    )
    history = last_year.inspection_history()
    _heading("Conflicts of interest 回避 and history 检查记录")
    print(
        f"{len(conflicts)} declared conflicts ({len(conflicts) / max(len(city.inspectors), 1):.0%} of "
        f"inspectors with a former employer in the city); former employers recorded on "
        f"{sum(1 for p in city.inspectors if p.former_employers)} inspectors"
    )
    print(f"history of {city.year - 1}: {len(history)} inspections by last year's groups")
    commitments = _credit_commitments(city, items)
    if commitments:
        print(
            f"credit commitments 信用承诺: {len(commitments)} objects committed for {commitments[0].item_id} "
            "(a drawn one is not visited for it; a breach is published as the commitment says)"
        )
    _heading("Annual cycle 年度抽查 (draws → department plans → joint plan → inspector matching)")
    result = run_cycle(
        city.objects,
        items,
        source=source,
        inspectors=city.inspectors,
        policy=policies,
        conflicts=conflicts,
        history=history,
        credit_commitments=commitments,
        journal=journal,
    )
    print_cycle(result)

    _heading("Verification 验证")
    failures = 0
    draws_dir = out / "draws"
    draws_dir.mkdir(exist_ok=True)
    for record in result.records:
        department = str(record.commitment.item.get("department", ""))
        verify(record, city.objects, policy=policies.get(department), expected_seed=args.public_seed)
        record.to_json(draws_dir / f"{record.item_id}-round{record.round}.json")
    print(f"{len(result.records)} draw records re-run from the public seed: all reproduce")
    n_openings = sum(1 for record in result.records if record.opening is not None)
    if n_openings:
        # written by write_cycle below, next to the records and never in the public site
        print(
            f"{n_openings} auditors' openings (reason lists of mandatory objects, not published) go to "
            f"{out / 'openings'}/"
        )
    matching = result.matching
    if matching is not None:
        verify_match(
            matching.record(),
            result.tasks,
            city.inspectors,
            source=source,
            conflicts=conflicts,
            history=history,
        )
        print(f"matching record re-run: reproduces ({len(matching.groups)} groups)")
        rotation = [t for t in matching.infeasible if t.constraint == "history"]
        other = [t for t in matching.infeasible if t.constraint != "history"]
        if rotation:
            # a finding for the city, not a failure: the unit has too few officers to rotate (no repeat of
            # last year's inspectors); it needs more officers there or a reasoned exception
            print(
                f"rotation binds: {len(rotation)} tasks need last year's inspectors again (too few other "
                f"officers in the unit); first: {rotation[0].message}"
            )
        if other:
            failures += 1
            reasons = Counter(t.constraint for t in other)
            print(f"NOT STAFFED: {len(other)} tasks ({dict(reasons)}); first:")
            print(f"  {other[0].message}")
        if matching.groups:
            group = matching.groups[0]
            print(f"example group {group.task_id}: inspectors {', '.join(group.inspector_ids)}")
    write_cycle(result, out)
    if matching is not None and matching.groups:
        from randinspect.cli._after import after_the_visit

        _heading("After the visit 检查之后 (results → publication → referral → feedback → assessment)")
        failures += after_the_visit(
            city,
            items,
            result,
            journal,
            source,
            out,
            commitments=commitments,
            public_seed=args.public_seed,
            complaint_policy=policies["SAMR"],
        )

    check = journal.verify()
    kinds = Counter(e.kind for e in journal.entries())
    print(
        f"journal: {check.length} entries ({', '.join(f'{n} {k}' for k, n in kinds.items())}), hash chain "
        f"intact; head to publish: {check.head}"
    )

    atomic_write_text(
        out / "city-summary.json", json.dumps(city.summary(), ensure_ascii=False, indent=2, default=str)
    )
    # What publish needs besides the plans: the directory the draws were made from and the ceremony.
    city.objects.to_csv(out / "objects.csv")
    atomic_write_text(
        out / "ceremony.json", json.dumps(_ceremony(args.public_seed), ensure_ascii=False, indent=2)
    )
    print(f"\nplans, records and journal written to {out}/")

    _heading("Publication site 公开网站")
    report = publish(out, out / "site")
    print(f"{report.draws_verified} draws verified; {len(report.pages)} pages written to {report.out}/")
    if report.withheld:
        print(
            f"{len(report.withheld)} entered results not yet published are left out of the site's published "
            f"results (first: {report.withheld[0][0]}: {report.withheld[0][1]})"
        )
    print(open_hint(report.out))
    return 1 if failures else 0


def _credit_commitments(city: Any, items: Any) -> tuple[Any, ...]:
    """The demo's signed credit commitments (信用承诺): for the document-checked item (书面检查) with the
    most alive objects in scope (such as the truthfulness of annual reports), every fifth of those objects
    signed a commitment on 1 December before the plan year."""
    import hashlib

    import numpy as np

    from randinspect.items import InspectionMethod
    from randinspect.results import CommitmentStandIn

    alive = np.asarray(city.objects.alive, dtype=bool)
    ids = np.asarray(city.objects.ids)
    candidates = [
        (sorted(ids[city.objects.mask(i.scope) & alive].tolist()), i)
        for i in items
        if i.method is InspectionMethod.DOCUMENTS
    ]
    if not candidates:
        return ()
    scoped, item = max(candidates, key=lambda c: (len(c[0]), c[1].id))
    return tuple(
        CommitmentStandIn(
            object_id=oid,
            item_id=item.id,
            department=item.department,
            signed_on=dt.date(city.year - 1, 12, 1),
            text_digest=hashlib.sha256(f"信用承诺书 {item.id} {oid}".encode()).hexdigest(),
        )
        for oid in scoped[::5]
    )


def _ceremony(seed: str) -> dict[str, Any]:
    """The demo's seed ceremony record (what a city writes down at its public dice roll)."""
    return {
        "seed": seed,
        "when": "2026-11-10T10:00:00+08:00",
        "where": "贵阳市政务服务中心（演示）",
        "how": "20 次十面骰子公开投掷，现场录像（演示数据）",
        "witnesses": "市场监管局、司法局、市民代表（演示）",
    }
