"""``randinspect plan``: items, directory and seed → department plans, joint plan and inspection groups.

Runs :func:`randinspect.planning.run_cycle` and writes the results to a directory: ``summary.json``,
``joint-plan.json``, ``department-plans.json``, ``plan-tasks.csv`` (one row per department, object, item and
round), the draw records in ``draws/`` and, with ``--inspectors``, ``groups.json``. ``--conflicts``,
``--competitors`` and ``--history`` feed the matching's conflict-of-interest (回避) and rotation rules,
``--overlay`` the districts' item-list overlays and ``--tasks`` special-campaign and case tasks. Exit codes: 0
done, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from randinspect._io import atomic_write_text, csv_text
from randinspect.errors import LoadError, OutputError, Problem

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
    from randinspect._io import read_csv_rows
    from randinspect.planning import Answer

    p = Path(path)
    rows = read_csv_rows(p, ("department", "proposal", "accept", "answered_on"))
    answers = []
    problems = []
    for row_no, row in enumerate(rows, start=1):
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
    p.add_argument(
        "--objects", required=True, metavar="OBJECTS", help="object directory (.csv, .json, .parquet, .arrow)"
    )
    p.add_argument("--items", required=True, metavar="ITEMS", help="item list (JSON, TOML or CSV)")
    p.add_argument("--seed", required=True, metavar="SEED", help="the public seed")
    p.add_argument(
        "--inspectors", metavar="INSPECTORS", help="inspector directory (.csv, .json, .parquet, .arrow)"
    )
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
        "--credit-commitments",
        metavar="COMMITMENTS.csv",
        help="signed credit commitments (信用承诺) standing in for items: object_id, item_id, department, "
        "signed_on, text_digest[, on_breach]",
    )
    p.add_argument(
        "--reference-date",
        metavar="YYYY-MM-DD",
        help="end of the complaint window: the day the draws are committed (default 10 Nov of the year "
        "before the plan year, the draw deadline)",
    )
    p.add_argument(
        "--ratio-mode",
        choices=("volume", "absolute"),
        default="volume",
        help="how the items' ratios are read (default volume: the year's expected visits)",
    )
    p.add_argument("--out", metavar="DIR", help="write the plans to this directory")
    _register_rules(p)
    p.add_argument(
        "--journal",
        metavar="JOURNAL.jsonl|sqlite",
        help="append the draws, plans, answers, joint plan and matching to this ledger",
    )
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


def _register_rules(p: argparse.ArgumentParser) -> None:
    """Options of the rules wired into the cycle (issue 14): 回避, history, overlays and extra tasks."""
    g = p.add_argument_group(
        "rules of the cycle",
        "conflicts of interest (回避), history, district overlays and tasks outside the draw",
    )
    g.add_argument(
        "--conflicts",
        metavar="CONFLICTS.csv",
        help="declared conflicts: inspector_id, object_id (CSV or JSON)",
    )
    g.add_argument(
        "--competitors",
        metavar="COMPETITORS.csv",
        help="competitor pairs listed by departments: object_id, competitor_id (CSV or JSON)",
    )
    g.add_argument(
        "--history",
        metavar="HISTORY.csv",
        help="inspections of earlier years: object_id, inspector_id, date (CSV or JSON)",
    )
    g.add_argument(
        "--overlay",
        action="append",
        default=[],
        metavar="OVERLAY.json",
        help="a district's overlay of the item list (JSON or TOML); repeat for several districts",
    )
    g.add_argument(
        "--tasks",
        metavar="TASKS.csv",
        help="special-campaign and case tasks matched with the plan's (CSV or JSON; column category)",
    )


def _load_rules(args: argparse.Namespace, objects: Any, inspectors: Any, year: int) -> dict[str, Any]:
    """The run_cycle arguments of the rule options, every bad row of every file named."""
    from randinspect.matching import load_competitors, load_conflicts, load_history, load_tasks
    from randinspect.planning import load_overlay

    out: dict[str, Any] = {}
    needs_people = [name for name in ("conflicts", "history") if getattr(args, name, None)]
    if needs_people and inspectors is None:
        raise LoadError(
            [
                Problem(
                    message=f"--{needs_people[0]} applies to the matching, which needs --inspectors",
                    source=f"--{needs_people[0]}",
                    hint="add --inspectors INSPECTORS.csv",
                )
            ]
        )
    if getattr(args, "conflicts", None):
        out["conflicts"] = load_conflicts(args.conflicts, inspectors=inspectors, objects=objects)
    if getattr(args, "competitors", None):
        out["competitors"] = load_competitors(args.competitors, objects=objects)
    if getattr(args, "history", None):
        out["history"] = load_history(
            args.history, inspectors=inspectors, objects=objects, before=dt.date(year, 1, 1)
        )
    if getattr(args, "overlay", None):
        out["overlays"] = [load_overlay(path) for path in args.overlay]
    if getattr(args, "tasks", None):
        out["extra_tasks"] = load_tasks(args.tasks)
    return out


_TASK_COLUMNS = ("department", "object_id", "item_id", "round", "visit", "period", "joint_block")


def _tasks_csv(plans: Any) -> str:
    """``plan-tasks.csv``: one row per planned visit, formula-starting cells neutralised (docs/cli.md)."""
    rows = (
        [record[c] if c != "joint_block" else (record[c] or "") for c in _TASK_COLUMNS]
        for plan in plans
        for record in plan.to_records()
    )
    return csv_text(_TASK_COLUMNS, rows)


def run(args: argparse.Namespace) -> int:
    """Run the command; return the exit code."""
    from randinspect.directory import load_inspectors, load_objects
    from randinspect.draw import PublicSeedSource, normalise_seed
    from randinspect.planning import LouvainMerger, OverlapMerger, journal_cycle, load_item_list, run_cycle
    from randinspect.results import load_credit_commitments

    normalise_seed(args.seed)
    if args.out and Path(args.out).exists() and not Path(args.out).is_dir():
        raise OutputError(f"cannot write the plans to --out {args.out!r}: it is a file; give a directory")

    objects = load_objects(args.objects)
    items = load_item_list(args.items)
    inspectors = None
    if args.inspectors:
        inspectors = load_inspectors(args.inspectors)
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
    commitments = load_credit_commitments(args.credit_commitments) if args.credit_commitments else ()
    year = args.year if args.year is not None else (items.year if hasattr(items, "year") else None)
    rules = _load_rules(args, objects, inspectors, year) if year is not None else {}
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
        credit_commitments=commitments,
        **rules,
    )
    print_cycle(result)
    if args.out:
        write_cycle(result, Path(args.out))
        print(f"written to {args.out}")
    if args.journal:
        # Journalled last, once the files exist, so a failed write leaves no entry behind.
        from randinspect.ledger import Journal, open_store

        journal = Journal(open_store(args.journal))
        journal_cycle(journal, result, answers=answers)
        print(f"journal {args.journal}: head {journal.head}")
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
    if summary.get("desk_tasks"):
        by_method = ", ".join(f"{k} {v}" for k, v in summary["desk_tasks_by_method"].items())
        v = summary["on_site_visits"]
        print(
            f"desk tasks 网上/书面检查、信用承诺 (no visit, no group): {summary['desk_tasks']} ({by_method}; "
            f"{summary['commitment_stand_ins']} credit-commitment stand-ins); on-site visits "
            f"{v['without_joint']} without joint inspection, {v['with_joint']} with"
        )
    if summary["matching"] is not None:
        m = summary["matching"]
        print(f"groups matched: {m['groups']}; not matched: {m['infeasible']}")
        removed = {k: v for k, v in m.get("pairs_removed_by_rule", {}).items() if v}
        if removed:
            print("  pairs removed (回避 and rotation): " + ", ".join(f"{k} {v}" for k, v in removed.items()))
        if m.get("infeasible_by_constraint"):
            print(
                "  not matched because of: "
                + ", ".join(f"{k} {v}" for k, v in m["infeasible_by_constraint"].items())
            )
        for blocked in m.get("infeasible_by_rules", [])[:5]:
            rules = ", ".join(f"{k} {v}" for k, v in blocked["rules"].items()) or blocked["constraint"]
            print(f"  task {blocked['task']} unstaffed by {blocked['constraint']} ({rules})")
    categories = summary.get("tasks_by_category", {})
    if set(categories) - {"random"}:
        print("tasks by category: " + ", ".join(f"{k} {v}" for k, v in categories.items()))
    late = {d: sum(a["late"].values()) for d, a in summary.get("answers", {}).items() if a["late"]}
    if late:
        print("late answers (not joined this round): " + ", ".join(f"{d} {n}" for d, n in late.items()))
    if summary.get("overlay_items"):
        print(f"district overlay items: {len(summary['overlay_items'])} (provenance in summary.json)")
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
    ``plan-tasks.csv``, the draw records ``draws/<item>-round<r>.json`` (what ``randinspect publish``
    verifies and publishes), the auditors' openings ``openings/<item>-round<r>.json`` of the draws whose
    commitment holds reason digests (kept for auditors and for ``publish`` to re-run those draws; never
    published), ``desk-tasks.json`` when the cycle has desk tasks (online, document and credit-commitment
    checks: no group, ``{"tasks": [...]}`` as read by :func:`randinspect.matching.load_tasks`) and, when
    inspectors were matched, ``groups.json``.

    Every file is written all-or-nothing (a temporary file renamed into place); the CSV cells that a
    spreadsheet would read as a formula are neutralised with a leading ``'``.

    Raises
    ------
    randinspect.errors.OutputError
        If ``out`` cannot be created or a file cannot be written.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "draws").mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot write the plans to {str(out)!r}: {exc.strerror or exc}; give --out a directory you can "
            "write to"
        ) from None
    for record in result.records:
        name = f"{record.item_id}-round{record.round}.json"
        record.to_json(out / "draws" / name)
        if record.opening is not None:
            try:
                (out / "openings").mkdir(exist_ok=True)
            except OSError as exc:
                raise OutputError(
                    f"cannot write the auditors' openings to {str(out / 'openings')!r}: {exc.strerror or exc}"
                ) from None
            atomic_write_text(
                out / "openings" / name,
                json.dumps(record.opening_json_dict(), ensure_ascii=False, indent=2) + "\n",
                what="draw opening",
            )
    summary = result.summary()
    data = result.to_json_dict()
    atomic_write_text(out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2))
    atomic_write_text(
        out / "joint-plan.json",
        json.dumps({"proposals": data["proposals"], "joint_plan": data["joint_plan"]}, ensure_ascii=False),
    )
    atomic_write_text(out / "department-plans.json", json.dumps(data["department_plans"], ensure_ascii=False))
    atomic_write_text(out / "plan-tasks.csv", _tasks_csv(result.joint.plans))
    if result.matching is not None:
        atomic_write_text(out / "groups.json", json.dumps(result.matching.to_json_dict(), ensure_ascii=False))
    if getattr(result, "desk_tasks", ()):
        atomic_write_text(
            out / "desk-tasks.json",
            json.dumps({"tasks": [t.to_dict() for t in result.desk_tasks]}, ensure_ascii=False),
        )
