"""After the visit, from files: ``record``, ``publish-results``, ``refer``, ``regrade`` and ``assess``.

The commands share one file, the result book (``BOOK.json``, written by
:meth:`randinspect.results.ResultBook.to_json_dict`: no personal data, the representative kept as a
digest). Each command checks everything first and writes its outputs only when every check passed: a refused
input leaves every file as it was. File formats:
``docs/results.md`` and ``docs/referral.md``. Exit status 0 on success, 2 on bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``record``, ``publish-results``, ``refer``, ``regrade`` and ``assess`` sub-commands."""
    p = subparsers.add_parser(
        "record",
        help="enter inspection results into a result book (录入检查结果)",
        description=(
            "Check inspection records (抽查记录表) against the tasks and groups and enter them into the "
            "result book; any bad record is reported by its task and item and nothing is written. "
            "File formats: docs/results.md."
        ),
    )
    p.add_argument("--records", required=True, metavar="RECORDS.json", help="inspection records")
    p.add_argument("--tasks", required=True, metavar="TASKS.csv|json", help="the inspection tasks")
    p.add_argument(
        "--groups", required=True, metavar="GROUPS.json", help="groups written by 'randinspect match'"
    )
    p.add_argument("--book", required=True, metavar="BOOK.json", help="result book (created if missing)")
    p.add_argument("--year", type=int, help="plan year of a new book (default: year of the first record)")
    p.add_argument("--objects", metavar="OBJECTS.csv", help="object directory: deregistered objects refused")
    p.add_argument(
        "--inspectors", metavar="INSPECTORS.csv|json", help="inspector directory: certificates checked"
    )
    p.add_argument("--vocabulary", metavar="VOCABULARY.json", help="findings vocabulary of a new book")
    p.add_argument("--journal", metavar="JOURNAL.jsonl|sqlite", help="journal the batch")
    p.set_defaults(func=run_record)

    p = subparsers.add_parser(
        "publish-results",
        help="publish entered results with redaction (结果公示)",
        description=(
            "Publish the unpublished results of the book (optionally of one department) on a date, after "
            "redaction; write the public JSON and CSV (fields of the national publicity system's spot-check "
            "results). File formats: docs/results.md."
        ),
    )
    p.add_argument("--book", required=True, metavar="BOOK.json")
    p.add_argument("--on", required=True, metavar="YYYY-MM-DD", help="publication day")
    p.add_argument("--json", dest="out_json", metavar="PUBLIC.json", help="write the public JSON here")
    p.add_argument("--csv", dest="out_csv", metavar="PUBLIC.csv", help="write the public CSV here")
    p.add_argument("--department", help="publish only this department's results")
    p.add_argument("--objects", metavar="OBJECTS.csv", help="object directory (public names)")
    p.add_argument("--inspectors", metavar="INSPECTORS.csv|json", help="searched for in the output")
    p.add_argument("--journal", metavar="JOURNAL.jsonl|sqlite")
    p.set_defaults(func=run_publish)

    p = subparsers.add_parser(
        "refer",
        help="refer results to the competent department or a judicial organ (移送)",
        description="Make referrals by a routing table. File formats: docs/referral.md.",
    )
    p.add_argument("--book", required=True, metavar="BOOK.json")
    p.add_argument("--requests", required=True, metavar="REQUESTS.json", help="referral requests")
    p.add_argument("--routes", required=True, metavar="ROUTES.json", help="the routing table")
    p.add_argument("--out", required=True, metavar="REFERRALS.json", help="where to write the referrals")
    p.add_argument("--journal", metavar="JOURNAL.jsonl|sqlite")
    p.set_defaults(func=run_refer)

    p = subparsers.add_parser(
        "regrade",
        help="feed a year's results back into credit grades and risk classes (结果运用)",
        description=(
            "Apply the default feedback rules (docs/feedback.md) to the object directory and write the "
            "re-rated directory; print next year's problem objects."
        ),
    )
    p.add_argument("--objects", required=True, metavar="OBJECTS.csv")
    p.add_argument("--book", required=True, metavar="BOOK.json")
    p.add_argument("--history", nargs="*", default=[], metavar="BOOK.json", help="earlier years' books")
    p.add_argument("--referrals", metavar="REFERRALS.json")
    p.add_argument("--out", required=True, metavar="NEW_OBJECTS.csv")
    p.add_argument("--problems", metavar="PROBLEM_IDS.txt", help="write next year's problem object ids")
    p.add_argument("--journal", metavar="JOURNAL.jsonl|sqlite")
    p.set_defaults(func=run_regrade)

    p = subparsers.add_parser(
        "assess",
        help="assess departments and districts and write the annual summary (考核评估, 年度总结)",
        description=(
            "Compute the deadline report and the assessment at a date and write summary.md, summary.html "
            "(charts with the 'plot' extra), assessment.json and overdue.csv. Formats: docs/assessment.md."
        ),
    )
    p.add_argument("--book", required=True, metavar="BOOK.json")
    p.add_argument("--objects", required=True, metavar="OBJECTS.csv")
    p.add_argument("--as-of", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--tasks", metavar="TASKS.csv|json", help="tasks whose results are expected")
    p.add_argument("--items", metavar="ITEMS.json|toml|csv", help="the year's item list")
    p.add_argument("--referrals", metavar="REFERRALS.json")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--journal", metavar="JOURNAL.jsonl|sqlite")
    p.set_defaults(func=run_assess)


# -- helpers ----------------------------------------------------------------------------------------------


def _read_json(path: str, what: str) -> Any:
    from randinspect.errors import LoadError, Problem

    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise LoadError([Problem(message=f"cannot read {what}: {exc}", source=path)]) from None


def _write_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` through a temporary file in its folder: a failure leaves no half file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding=encoding) as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _book(path: str) -> Any:
    from randinspect.results import ResultBook

    return ResultBook.from_json_dict(_read_json(path, "result book"), where=path)


def _write_book(path: str, book: Any) -> None:
    _write_atomic(path, json.dumps(book.to_json_dict(), ensure_ascii=False, indent=1) + "\n")


def _inspectors(path: str | None) -> Any:
    if path is None:
        return None
    from randinspect.directory import InspectorDirectory

    return (
        InspectorDirectory.from_json(path)
        if path.lower().endswith(".json")
        else InspectorDirectory.from_csv(path)
    )


def _journal(path: str | None) -> Any:
    if path is None:
        return None
    from randinspect.draw.journal import Journal, open_store

    return Journal(open_store(path))


def _calendar() -> Any:
    from randinspect.calendar import ProvisionalCalendar

    return ProvisionalCalendar()


def _day(text: str, what: str) -> dt.date:
    from randinspect.errors import InputError

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{what} {text!r} is not a date; write YYYY-MM-DD") from None


def _groups(path: str) -> dict[str, list[str]]:
    from randinspect.errors import InputError

    data = _read_json(path, "groups")
    groups = data.get("groups") if isinstance(data, dict) else data
    if not isinstance(groups, list):
        raise InputError(f"{path}: expected {{'groups': [...]}} as written by 'randinspect match --out'")
    out: dict[str, list[str]] = {}
    for i, g in enumerate(groups, start=1):
        try:
            seats = g["seats"]
            out[str(g["task_id"])] = [str(p) for ids in seats.values() for p in ids]
        except (KeyError, TypeError, AttributeError):
            raise InputError(f"{path}: group {i} needs 'task_id' and 'seats'") from None
    return out


def _referrals(path: str | None) -> tuple[Any, ...]:
    if path is None:
        return ()
    from randinspect.results import Referral

    data = _read_json(path, "referrals")
    rows = data.get("referrals", []) if isinstance(data, dict) else data
    return tuple(Referral.from_json_dict(r) for r in rows)


# -- commands ---------------------------------------------------------------------------------------------


def run_record(args: argparse.Namespace) -> int:
    """Enter records into the book; write the book only when every record passed."""
    from randinspect.directory import load_objects
    from randinspect.matching import load_tasks
    from randinspect.results import (
        DEFAULT_VOCABULARY,
        FindingVocabulary,
        ResultBook,
        enter_results,
        load_inspection_records,
    )

    records = load_inspection_records(args.records)
    if Path(args.book).exists():
        book = _book(args.book)
    else:
        vocab = (
            FindingVocabulary.from_dict(_read_json(args.vocabulary, "vocabulary"))
            if args.vocabulary
            else DEFAULT_VOCABULARY
        )
        year = args.year or (records[0].end.year if records else dt.date.today().year)
        book = ResultBook(year=year, vocabulary=vocab)
    new = enter_results(
        book,
        records,
        tasks=load_tasks(args.tasks),
        assignments=_groups(args.groups),
        objects=load_objects(args.objects) if args.objects else None,
        inspectors=_inspectors(args.inspectors),
        journal=_journal(args.journal),
    )
    _write_book(args.book, new)
    print(f"{len(records)} records entered; the book holds {len(new)} results ({args.book})")
    return 0


def run_publish(args: argparse.Namespace) -> int:
    """Publish the book's unpublished results on a day; write the public files and the book."""
    from randinspect.directory import load_objects
    from randinspect.results import publish

    book = _book(args.book)
    new, publication = publish(
        book,
        on=_day(args.on, "--on"),
        calendar=_calendar(),
        objects=load_objects(args.objects) if args.objects else None,
        inspectors=_inspectors(args.inspectors),
        department=args.department,
        journal=_journal(args.journal),
    )
    if args.out_json:
        _write_atomic(args.out_json, publication.to_json())
    if args.out_csv:
        _write_atomic(args.out_csv, publication.to_csv(), encoding="utf-8-sig")
    _write_book(args.book, new)
    print(f"{len(publication)} results published on {args.on}; {len(publication.late)} after their deadline")
    return 0


def run_refer(args: argparse.Namespace) -> int:
    """Make referrals from requests and a routing table; write them."""
    from randinspect.errors import InputError
    from randinspect.results import ReferralRequest, RoutingTable, refer

    book = _book(args.book)
    table = RoutingTable.from_dict(_read_json(args.routes, "routing table"))
    raw = _read_json(args.requests, "referral requests")
    rows = raw.get("requests", []) if isinstance(raw, dict) else raw
    try:
        requests = [
            ReferralRequest(
                record_id=str(r["record_id"]),
                matter=str(r.get("matter", "")),
                crime=bool(r.get("crime", False)),
                sent_on=r["sent_on"],
                note=str(r.get("note", "")),
            )
            for r in rows
        ]
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{args.requests}: each request needs record_id and sent_on ({exc!r})") from None
    referrals = refer(book, requests, table=table, calendar=_calendar(), journal=_journal(args.journal))
    text = json.dumps({"referrals": [r.to_json_dict() for r in referrals]}, ensure_ascii=False, indent=1)
    _write_atomic(args.out, text + "\n")
    print(f"{len(referrals)} referrals written to {args.out}")
    return 0


def run_regrade(args: argparse.Namespace) -> int:
    """Apply the default feedback rules; write the re-rated directory."""
    from randinspect.directory import load_objects
    from randinspect.results import apply_feedback

    objects = load_objects(args.objects)
    book = _book(args.book)
    history = [_book(h) for h in args.history]
    result = apply_feedback(
        objects, book, history=history, referrals=_referrals(args.referrals), journal=_journal(args.journal)
    )
    _write_atomic(args.out, result.objects.to_csv())
    if args.problems:
        _write_atomic(args.problems, "".join(f"{i}\n" for i in result.problem_ids))
    counts = result.report.counts()
    print(
        f"{len(result.report)} changes ({', '.join(f'{k} {v}' for k, v in counts.items()) or 'none'}); "
        f"{len(result.marks)} objects marked; {len(result.problem_ids)} problem objects for {book.year + 1}"
    )
    return 0


def run_assess(args: argparse.Namespace) -> int:
    """Deadline report, assessment, annual summary and overdue list."""
    from randinspect.directory import load_objects
    from randinspect.matching import load_tasks
    from randinspect.planning import load_item_list
    from randinspect.results import annual_summary, assess, deadline_report

    book = _book(args.book)
    objects = load_objects(args.objects)
    tasks = load_tasks(args.tasks) if args.tasks else []
    items = tuple(load_item_list(args.items)) if args.items else ()
    calendar = _calendar()
    report = deadline_report(
        book,
        as_of=_day(args.as_of, "--as-of"),
        calendar=calendar,
        tasks=tasks,
        item_departments={i.id: i.department for i in items} if items else None,
    )
    assessment = assess(
        book=book,
        report=report,
        objects=objects,
        tasks=tasks,
        items=items,
        referrals=_referrals(args.referrals),
        journal=_journal(args.journal),
    )
    out = Path(args.out)
    summary = annual_summary(assessment, out)
    _write_atomic(
        out / "assessment.json", json.dumps(assessment.to_json_dict(), ensure_ascii=False, indent=1)
    )
    _write_atomic(out / "overdue.csv", report.overdue_csv())
    t = assessment.total
    print(
        f"{t.entered} results entered of {t.expected} expected, {t.published} published; "
        f"{len(report.overdue())} overdue; summary in {out} ({len(summary.charts)} charts)"
    )
    return 0
