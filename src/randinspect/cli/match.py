"""``randinspect match``: match inspectors to inspection tasks from files, with a public seed.

Writes the groups (``--out``) and, optionally, the match record (``--record``) and a journal entry
(``--journal``). Exit status: 0 when every task is staffed, 1 when ``--allow-partial`` left tasks out (they
are listed in the output), 2 on bad input or an infeasible matching without ``--allow-partial``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``match`` sub-command to ``subparsers``."""
    p = subparsers.add_parser(
        "match",
        help="randomly match inspectors to inspection tasks (检查人员随机匹配)",
        description=(
            "Match inspectors to inspection tasks: each group gets its seats (at least two certified "
            "officers, each department its share, experts by specialty) from eligible inspectors, with "
            "exact marginals. "
            "File formats: docs/matching.md."
        ),
    )
    p.add_argument("--tasks", required=True, metavar="TASKS.csv|json", help="inspection tasks")
    p.add_argument(
        "--inspectors",
        required=True,
        metavar="INSPECTORS",
        help="inspector directory (.csv, .json, .parquet, .arrow)",
    )
    p.add_argument("--seed", required=True, metavar="SEED", help="the public seed")
    p.add_argument("--out", required=True, metavar="GROUPS.json", help="where to write the groups")
    p.add_argument("--record", metavar="RECORD.json", help="where to write the match record")
    p.add_argument("--conflicts", metavar="FILE", help="conflicts of interest: inspector_id, object_id")
    p.add_argument("--history", metavar="FILE", help="past inspections: object_id, inspector_id, date")
    p.add_argument(
        "--objects",
        metavar="OBJECTS",
        help=(
            "object directory (.csv, .json, .parquet, .arrow): when given, tasks, conflicts and history "
            "must name its objects"
        ),
    )
    p.add_argument("--cap", type=int, metavar="N", help="most tasks per inspector (default: no cap)")
    p.add_argument("--context", default="match", help="randomness context (default 'match')")
    p.add_argument(
        "--matcher",
        choices=("exact-marginal", "uniform"),
        default="exact-marginal",
        help="matching algorithm",
    )
    p.add_argument(
        "--jurisdiction",
        choices=("region", "unit", "none"),
        default="region",
        help="territorial rule for officers (default region)",
    )
    p.add_argument("--allow-partial", action="store_true", help="match the staffable tasks, report the rest")
    p.add_argument(
        "--journal", metavar="JOURNAL.jsonl|sqlite", help="append the match record to this journal"
    )
    p.set_defaults(func=run)


def _write(path: str, data: Any) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    """Run the matching described by ``args``; return the exit status."""
    from randinspect.directory import load_inspectors
    from randinspect.draw import PublicSeedSource
    from randinspect.errors import InfeasibleTasksError
    from randinspect.matching import (
        ExactMarginalMatcher,
        SeatRule,
        UniformMatcher,
        load_conflicts,
        load_history,
        load_tasks,
        match_inspectors,
    )

    tasks = load_tasks(args.tasks)
    people = load_inspectors(args.inspectors)
    conflicts = load_conflicts(args.conflicts) if args.conflicts else None
    history = load_history(args.history) if args.history else None
    known = None
    if args.objects:
        from randinspect.directory import load_objects
        from randinspect.errors import MatchInputError

        known = {str(i) for i in load_objects(args.objects).ids.tolist()}
        unknown = sorted(t.object_id for t in tasks if t.object_id not in known)
        if unknown:
            raise MatchInputError(
                f"{len(unknown)} task(s) name objects not in {args.objects}, first {unknown[0]!r}; "
                "use ids of the object directory"
            )
    matcher = UniformMatcher() if args.matcher == "uniform" else ExactMarginalMatcher()
    try:
        result = match_inspectors(
            tasks,
            people,
            source=PublicSeedSource(args.seed),
            matcher=matcher,
            rule=SeatRule(jurisdiction=args.jurisdiction),
            conflicts=conflicts,
            history=history,
            caps=args.cap,
            known_objects=known,
            context=args.context,
            allow_partial=args.allow_partial,
        )
    except InfeasibleTasksError as exc:
        print(f"randinspect match: {exc}", file=sys.stderr)
        for report in exc.infeasible:
            print(
                f"  {getattr(report, 'task_id', '?')}: {getattr(report, 'message', report)}", file=sys.stderr
            )
        return 2
    record = result.record()
    if args.journal:
        # Journal first: a matching the journal refuses (a second one for the same context) is not
        # written anywhere, so it cannot silently replace the published groups.
        from randinspect.draw.journal import Journal, open_store

        Journal(open_store(args.journal)).append("match", record, key=record.journal_key)
    _write(args.out, result.to_json_dict())
    if args.record:
        _write(args.record, record.to_json_dict())
    print(
        f"matched {len(result.groups)} of {len(tasks)} tasks "
        f"({len(result.infeasible)} infeasible); groups written to {args.out}"
    )
    for report in result.infeasible:
        print(f"  infeasible {report.task_id}: {report.message}")
    return 0 if result.complete else 1
