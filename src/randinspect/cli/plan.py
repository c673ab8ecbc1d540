"""``randinspect plan``: items, directory and seed → department plans, joint plan and inspection groups.

Runs :func:`randinspect.planning.run_cycle` and writes the results to a directory: ``summary.json``,
``joint-plan.json``, ``department-plans.json``, ``plan-tasks.csv`` (one row per department, object, item and
round) and, with ``--inspectors``, ``groups.json``. Exit codes: 0 done, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from randinspect.errors import LoadError, Problem

__all__ = ["load_answers", "parse_capacity", "print_cycle", "register", "run", "write_cycle"]


def parse_capacity(text: str) -> tuple[str, tuple[int, ...]]:
    """Read ``DEPT=250,250,250,250`` into ``("DEPT", (250, 250, 250, 250))``.

    Raises
    ------
    LoadError
        If the text is malformed.
    """
    department, sep, numbers = text.partition("=")
    try:
        values = tuple(int(v) for v in numbers.split(","))
    except ValueError:
        values = ()
    if not sep or not department.strip() or not values:
        raise LoadError(
            [
                Problem(
                    message="capacity must look like DEPT=250,250,250,250",
                    source="--capacity",
                    value=text,
                    hint="one number of visits per period, separated by commas",
                )
            ]
        )
    return department.strip(), values


def load_answers(path: str | Path) -> tuple[Any, ...]:
    """Read joint-plan answers from CSV with columns ``department, proposal, accept, answered_on``.

    ``accept`` is ``yes``/``no``, ``true``/``false``, ``1``/``0`` or ``是``/``否``; ``answered_on`` is an
    ISO date.

    Raises
    ------
    LoadError
        With every bad row (row, column, value); nothing is loaded.
    """
    from randinspect.directory._text import decode_bytes
    from randinspect.planning import Answer

    p = Path(path)
    try:
        text = decode_bytes(p.read_bytes()).text  # UTF-8 (BOM dropped), else GB18030, like the loaders
    except OSError as exc:
        raise LoadError([Problem(message=f"cannot read file: {exc.strerror}", source=str(p))]) from None
    except UnicodeDecodeError as exc:
        raise LoadError(
            [
                Problem(
                    message=f"cannot decode the file ({exc})",
                    source=str(p),
                    hint="save the file as UTF-8 (or GB18030) text",
                )
            ]
        ) from None
    reader = csv.DictReader(text.splitlines())
    missing = {"department", "proposal", "accept", "answered_on"} - set(reader.fieldnames or [])
    if missing:
        raise LoadError([Problem(message=f"missing column(s) {sorted(missing)}", source=str(p), row=0)])
    answers = []
    problems = []
    for row_no, row in enumerate(reader, start=1):
        accept_text = (row.get("accept") or "").strip().lower()
        if accept_text in {"yes", "true", "1", "是", "y"}:
            accept = True
        elif accept_text in {"no", "false", "0", "否", "n"}:
            accept = False
        else:
            problems.append(
                Problem(
                    message="accept must be yes or no",
                    source=str(p),
                    row=row_no,
                    column="accept",
                    value=accept_text,
                )
            )
            continue
        try:
            answered_on = dt.date.fromisoformat((row.get("answered_on") or "").strip())
        except ValueError:
            problems.append(
                Problem(
                    message="answered_on must be an ISO date (YYYY-MM-DD)",
                    source=str(p),
                    row=row_no,
                    column="answered_on",
                    value=row.get("answered_on"),
                )
            )
            continue
        answers.append(
            Answer(
                department=(row.get("department") or "").strip(),
                proposal=(row.get("proposal") or "").strip(),
                accept=accept,
                answered_on=answered_on,
            )
        )
    if problems:
        raise LoadError(problems)
    return tuple(answers)


def register(subparsers: Any) -> None:
    """Add the ``plan`` sub-command."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "plan",
        help="draw, plan and merge a year's inspections (department plans, joint plan, groups)",
        description=(
            "Draw every item of the list, give the drawn objects their quarters, form the joint plan from "
            "the "
            "departments' answers and, with --inspectors, match the inspection groups."
        ),
    )
    p.add_argument("--objects", required=True, metavar="OBJECTS.csv", help="object directory (CSV or JSON)")
    p.add_argument("--items", required=True, metavar="ITEMS", help="item list (JSON, TOML or CSV)")
    p.add_argument("--seed", required=True, metavar="SEED", help="the public seed")
    p.add_argument("--inspectors", metavar="INSPECTORS.csv", help="inspector directory (CSV or JSON)")
    p.add_argument("--year", type=int, help="plan year (default: the items' year)")
    p.add_argument(
        "--pushed-on", metavar="YYYY-MM-DD", help="push date of the joint proposals (default 10 Nov)"
    )
    p.add_argument("--answers", metavar="ANSWERS.csv", help="departments' answers to the joint proposals")
    p.add_argument(
        "--missing-answer",
        choices=("accept", "decline"),
        default="accept",
        help="how a missing answer counts (default accept: joint inspection is the rule)",
    )
    p.add_argument(
        "--capacity",
        action="append",
        default=[],
        metavar="DEPT=N,N,N,N",
        help="visits per quarter of a department",
    )
    p.add_argument(
        "--merger",
        choices=("overlap", "louvain"),
        default="overlap",
        help="joint-plan merger (default overlap)",
    )
    p.add_argument(
        "--complaints", metavar="COMPLAINTS.csv", help="complaint records (12315/12345), as for draw"
    )
    p.add_argument("--filed-cases", metavar="IDS.txt", help="ids with filed cases (立案), one per line")
    p.add_argument("--referrals", metavar="IDS.txt", help="ids referred by other bodies (移送), one per line")
    p.add_argument(
        "--reference-date", metavar="YYYY-MM-DD", help="end of the complaint window (default 1 Jan)"
    )
    p.add_argument(
        "--ratio-mode",
        choices=("volume", "absolute"),
        default="volume",
        help="how the items' ratios are read (default volume: the year's expected visits)",
    )
    p.add_argument("--out", metavar="DIR", help="write the plans to this directory")
    p.set_defaults(func=run)


def _plan_policy(args: argparse.Namespace) -> Any:
    """The tiered policy of every department's draws, with the problem-tier inputs given."""
    from randinspect.cli.draw import load_complaints, load_id_list
    from randinspect.draw import TieredPolicy

    kwargs: dict[str, Any] = {"ratio_mode": args.ratio_mode}
    if args.complaints:
        kwargs["complaints"] = load_complaints(args.complaints)
    if args.filed_cases:
        kwargs["filed_case_ids"] = load_id_list(args.filed_cases)
    if args.referrals:
        kwargs["referral_ids"] = load_id_list(args.referrals)
    if args.reference_date:
        try:
            kwargs["reference_date"] = dt.date.fromisoformat(args.reference_date)
        except ValueError:
            raise LoadError(
                [Problem(message="not an ISO date", source="--reference-date", value=args.reference_date)]
            ) from None
    return TieredPolicy(**kwargs)


def _write_tasks_csv(path: Path, plans: Any) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=["department", "object_id", "item_id", "round", "visit", "period", "joint_block"]
        )
        writer.writeheader()
        for plan in plans:
            for record in plan.to_records():
                record["joint_block"] = record["joint_block"] or ""
                writer.writerow(record)


def run(args: argparse.Namespace) -> int:
    """Run the command; return the exit code."""
    from randinspect.directory import InspectorDirectory, ObjectDirectory
    from randinspect.draw import PublicSeedSource
    from randinspect.planning import LouvainMerger, OverlapMerger, load_item_list, run_cycle

    objects = (
        ObjectDirectory.from_json(args.objects)
        if str(args.objects).lower().endswith(".json")
        else ObjectDirectory.from_csv(args.objects)
    )
    items = load_item_list(args.items)
    inspectors = None
    if args.inspectors:
        inspectors = (
            InspectorDirectory.from_json(args.inspectors)
            if str(args.inspectors).lower().endswith(".json")
            else InspectorDirectory.from_csv(args.inspectors)
        )
    capacities: dict[str, tuple[int, ...]] = {}
    for text in args.capacity:
        department, values = parse_capacity(text)
        if department in capacities:
            raise LoadError(
                [
                    Problem(
                        message=f"capacity of {department} given twice",
                        source="--capacity",
                        value=text,
                        hint="give each department's capacity once",
                    )
                ]
            )
        capacities[department] = values
    merger: Any = (
        OverlapMerger(missing_answer=args.missing_answer)
        if args.merger == "overlap"
        else LouvainMerger(missing_answer=args.missing_answer)
    )
    pushed_on = None
    if args.pushed_on:
        try:
            pushed_on = dt.date.fromisoformat(args.pushed_on)
        except ValueError:
            raise LoadError(
                [Problem(message="not an ISO date", source="--pushed-on", value=args.pushed_on)]
            ) from None
    answers = load_answers(args.answers) if args.answers else ()
    result = run_cycle(
        objects,
        items,
        source=PublicSeedSource(args.seed),
        policy=_plan_policy(args),
        year=args.year,
        capacities=capacities or None,
        merger=merger,
        answers=answers,
        pushed_on=pushed_on,
        inspectors=inspectors,
    )
    print_cycle(result)
    if args.out:
        try:
            write_cycle(result, Path(args.out))
        except OSError as exc:
            print(
                f"randinspect plan: error: cannot write the plans to {args.out}: {exc.strerror or exc}; "
                "give --out a directory you can write to",
                file=sys.stderr,
            )
            return 2
        print(f"written to {args.out}")
    return 0


def print_cycle(result: Any) -> None:
    """Print what a city officer wants to see of a cycle: draws per department and tier, joint blocks,
    visits saved, groups matched, deadlines."""
    summary = result.summary()
    print(f"plan year {summary['year']}: {len(result.records)} draws, {len(result.plans)} departments")
    for department, tiers in summary["drawn"].items():
        detail = ", ".join(f"{tier} {n}" for tier, n in tiers.items() if n)
        print(f"  {department}: {sum(tiers.values())} drawn ({detail or 'none'})")
    print(
        f"joint proposals: {summary['proposals']} (answers due {summary['answers_due']}); "
        f"joint blocks: {summary['joint_blocks']}; dissolved: {summary['dissolved']}"
    )
    print(
        f"visits: {summary['visits_without_joint']} without joint inspection, "
        f"{summary['visits_with_joint']} with ({summary['visits_saved']} saved)"
    )
    if summary["matching"] is not None:
        print(
            f"groups matched: {summary['matching']['groups']}; "
            f"not matched: {summary['matching']['infeasible']}"
        )
    for milestone, due in summary["deadlines"].items():
        print(f"  deadline {milestone}: {due}")
    for warning in summary["warnings"]:
        print(f"WARNING: {warning}")
    from randinspect.draw import volume_report

    print("yearly volume per item (expected and drawn against the ratio's volume and the ceiling):")
    for line in volume_report(result.records).lines():
        print(f"  {line}")


def write_cycle(result: Any, out: Path) -> None:
    """Write a cycle's plans: ``summary.json``, ``joint-plan.json``, ``department-plans.json``,
    ``plan-tasks.csv`` and, when inspectors were matched, ``groups.json``."""
    out.mkdir(parents=True, exist_ok=True)
    summary = result.summary()
    data = result.to_json_dict()
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "joint-plan.json").write_text(
        json.dumps({"proposals": data["proposals"], "joint_plan": data["joint_plan"]}, ensure_ascii=False),
        encoding="utf-8",
    )
    (out / "department-plans.json").write_text(
        json.dumps(data["department_plans"], ensure_ascii=False), encoding="utf-8"
    )
    _write_tasks_csv(out / "plan-tasks.csv", result.joint.plans)
    if result.matching is not None:
        (out / "groups.json").write_text(
            json.dumps(result.matching.to_json_dict(), ensure_ascii=False), encoding="utf-8"
        )
