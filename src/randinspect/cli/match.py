"""``randinspect match``: match inspectors to inspection tasks from files, with a public seed.

Writes the groups (``--out``) and, optionally, the match record (``--record``) and a journal entry
(``--journal``); the outputs are staged first and renamed into place only once the journal took the entry,
so a refused run leaves nothing behind. ``--reason`` documents a redo of a journalled matching. Exit status:
0 when every task is staffed, 1 when ``--allow-partial`` left tasks out (they are listed in the output), 2 on
bad input or an infeasible matching without ``--allow-partial``.
"""

from __future__ import annotations

import argparse
import json
import sys
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
    p.add_argument(
        "--reason",
        metavar="TEXT",
        help="why this matching replaces one already journalled for the context (a documented redo)",
    )
    p.set_defaults(func=run)


def _text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def run(args: argparse.Namespace) -> int:
    """Run the matching described by ``args``; return the exit status."""
    from randinspect._io import check_output_path, commit_staged, discard_staged, stage_text
    from randinspect.directory import load_inspectors
    from randinspect.draw import PublicSeedSource, normalise_seed
    from randinspect.errors import InfeasibleTasksError, InputError
    from randinspect.matching import (
        ExactMarginalMatcher,
        SeatRule,
        UniformMatcher,
        load_conflicts,
        load_history,
        load_tasks,
        match_inspectors,
    )

    # Everything that can be refused is checked before any work, so a refusal leaves no trace.
    check_output_path(args.out, what="groups")
    if args.record:
        check_output_path(args.record, what="match record")
    normalise_seed(args.seed)
    if not str(args.context).strip() or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in args.context):
        raise InputError("--context is empty or holds a control character; give a printable context name")
    if args.reason is not None and not args.reason.strip():
        raise InputError("--reason is empty; say why this matching replaces the journalled one")
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
    # Stage every output, then journal, then rename the outputs into place: a matching the journal
    # refuses (a second one for the context without --reason) is written nowhere, and a journalled
    # matching always has its files.
    staged = [(stage_text(args.out, _text(result.to_json_dict()), what="groups"), args.out)]
    try:
        if args.record:
            staged.append(
                (stage_text(args.record, _text(record.to_json_dict()), what="match record"), args.record)
            )
        if args.journal:
            from randinspect.ledger import Journal, open_store

            Journal(open_store(args.journal)).append(
                "match", record, key=record.journal_key, reason=args.reason
            )
    except BaseException:
        for tmp, _ in staged:
            discard_staged(tmp)
        raise
    for tmp, target in staged:
        commit_staged(tmp, target)
    print(
        f"matched {len(result.groups)} of {len(tasks)} tasks "
        f"({len(result.infeasible)} infeasible); groups written to {args.out}"
    )
    for report in result.infeasible:
        print(f"  infeasible {report.task_id}: {report.message}")
    return 0 if result.complete else 1
