"""``randinspect draw`` and ``randinspect verify``: make a verifiable draw, and re-check a published one.

Both sub-commands are registered by :func:`register`. Exit codes (``randinspect.cli._exit``): 0 success (the
record reproduces), 1 the record does not reproduce or is not a valid record (the reason is printed), 2 an
input cannot be read or an argument is wrong.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from randinspect._io import csv_uncell
from randinspect.errors import LoadError, Problem

__all__ = ["load_complaints", "load_id_list", "register"]

#: Help of every ``--objects`` option: the formats :func:`randinspect.directory.load_objects` reads.
_OBJECTS_HELP = "object directory (.csv, .json, .parquet or a directory of Parquet parts, .arrow)"


def load_id_list(path: str | Path) -> tuple[str, ...]:
    """Read object ids, one per line (UTF-8, BOM allowed); blank lines and lines starting with ``#`` skipped.

    Raises
    ------
    LoadError
        If the file cannot be read.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError([Problem(message=f"cannot read id list: {exc}", source=str(p), code="io")]) from None
    out = []
    for row, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in s):
            raise LoadError(
                [
                    Problem(
                        message="id contains a control character (NUL, tab ...)",
                        source=str(p),
                        row=row,
                        value=s[:80],
                        code="control",
                    )
                ]
            )
        out.append(s)
    return tuple(out)


_COMPLAINT_HEADERS = {
    "object_id": "object_id",
    "id": "object_id",
    "统一社会信用代码": "object_id",
    "channel": "channel",
    "渠道": "channel",
    "received": "received",
    "date": "received",
    "受理日期": "received",
    "category": "category",
    "类别": "category",
    "substantiated": "substantiated",
    "是否属实": "substantiated",
}


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(
            [Problem(message=f"cannot read file: {exc.strerror}", source=str(path), code="io")]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030", errors="strict")
        except UnicodeDecodeError as exc:
            raise LoadError(
                [
                    Problem(
                        message=f"not UTF-8 or GB18030 text (byte {exc.start})",
                        source=str(path),
                        code="encoding",
                        hint="save the file as CSV UTF-8",
                    )
                ]
            ) from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise LoadError(
            [Problem(message=f"malformed CSV: {exc}", source=str(path), code="csv", hint="check the quoting")]
        ) from None
    reader = iter(records)
    header = next(reader, None)
    if header is None:
        raise LoadError([Problem(message="file is empty", source=str(path), code="empty")])
    names = [_COMPLAINT_HEADERS.get(h.strip().lower(), h.strip().lower()) for h in header]
    for need in ("object_id", "channel", "received"):
        if need not in names:
            raise LoadError(
                [
                    Problem(
                        message=f"missing column {need!r}",
                        source=str(path),
                        row=0,
                        hint="columns: object_id, channel (12315/12345), received (YYYY-MM-DD), "
                        "category, substantiated",
                        code="complaints.header",
                    )
                ]
            )
    for row_no, row in enumerate(reader, start=1):
        if not any(cell.strip() for cell in row):
            continue
        cells = {n: (csv_uncell(row[i].strip()) if i < len(row) else "") for i, n in enumerate(names)}
        for name, cell in cells.items():
            if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in cell):
                raise LoadError(
                    [
                        Problem(
                            message="contains a control character (NUL, tab, line break ...)",
                            source=str(path),
                            row=row_no,
                            column=name,
                            value=cell[:80],
                            hint="remove the control character; no field may hold one",
                            code="control",
                        )
                    ]
                )
        yield row_no, cells


def load_complaints(path: str | Path) -> tuple[Any, ...]:
    """Read complaint records (投诉举报) from a CSV file.

    Columns: ``object_id`` (or ``id``/统一社会信用代码), ``channel`` (``12315`` or ``12345``), ``received``
    (``YYYY-MM-DD``), optional ``category`` and ``substantiated`` (``true``/``false``/empty).

    Returns
    -------
    tuple of randinspect.model.ComplaintRecord

    Raises
    ------
    LoadError
        Naming the row and column of the first bad value.
    """
    from randinspect.model import ComplaintChannel, ComplaintRecord

    p = Path(path)
    out = []
    for row_no, row in _rows(p):
        try:
            channel = ComplaintChannel.parse(row["channel"])
        except ValueError:
            raise LoadError(
                [
                    Problem(
                        message="unknown channel",
                        source=str(p),
                        row=row_no,
                        column="channel",
                        value=row["channel"],
                        hint="use 12315, 12345, letter (信件) or transferred (转办)",
                        code="complaints.channel",
                    )
                ]
            ) from None
        try:
            received = dt.date.fromisoformat(row["received"])
        except ValueError:
            raise LoadError(
                [
                    Problem(
                        message="not a date",
                        source=str(p),
                        row=row_no,
                        column="received",
                        value=row["received"],
                        hint="write YYYY-MM-DD",
                        code="complaints.date",
                    )
                ]
            ) from None
        flag = row.get("substantiated", "").lower()
        substantiated = {"true": True, "1": True, "是": True, "false": False, "0": False, "否": False}.get(
            flag
        )
        if not row["object_id"]:
            raise LoadError(
                [
                    Problem(
                        message="empty object id", source=str(p), row=row_no, column="object_id", code="empty"
                    )
                ]
            )
        out.append(
            ComplaintRecord(
                object_id=row["object_id"],
                channel=channel,
                received=received,
                category=row.get("category", ""),
                substantiated=substantiated,
            )
        )
    return tuple(out)


def _cap(text: str) -> Any:
    if text.strip().lower() in ("none", "no", "无"):
        return None
    from randinspect.items import parse_ratio

    return parse_ratio(text, what="cap")


def register(subparsers: Any) -> None:
    """Add the ``draw`` and ``verify`` sub-commands."""
    p = subparsers.add_parser(
        "draw",
        help="draw the objects of one round of a check item with a public seed (verifiable)",
        description=(
            "Draw the objects of one round of a check item (抽取检查对象): tiers key → problem → risk → "
            "general, exact inclusion probabilities, tickets from the public seed; writes a DrawRecord."
        ),
    )
    p.add_argument("--objects", required=True, metavar="OBJECTS", help=_OBJECTS_HELP)
    p.add_argument("--item", required=True, metavar="ITEM.json", help="check item (CheckItem.to_dict() JSON)")
    p.add_argument("--seed", metavar="SEED", help="the public seed (dice digits, lottery result, text)")
    p.add_argument(
        "--out", metavar="RECORD.json", help="where to write the record (default: standard output)"
    )
    p.add_argument("--key-objects", metavar="IDS.txt", help="ids of key objects (重点对象), one per line")
    p.add_argument("--complaints", metavar="COMPLAINTS.csv", help="complaint records (12315/12345)")
    p.add_argument("--filed-cases", metavar="IDS.txt", help="ids with filed cases (立案), one per line")
    p.add_argument("--referrals", metavar="IDS.txt", help="ids referred by other bodies (移送), one per line")
    p.add_argument(
        "--reference-date",
        metavar="YYYY-MM-DD",
        help="end of the complaint window: the day the commitment is made (default 10 Nov of the year "
        "before the plan year, the draw deadline; with --commitment COMMITMENT.json, its date)",
    )
    p.add_argument(
        "--matrix", metavar="MATRIX.csv|json", help="credit-risk matrix table (default: SAMR defaults)"
    )
    p.add_argument("--policy", choices=("tiered", "stratified"), default="tiered", help="sampling policy")
    p.add_argument(
        "--ratio-mode",
        choices=("volume", "absolute"),
        default="volume",
        help="volume: the ratio fixes the year's expected risk and general visits (default); absolute: each "
        "cell's π is ratio × multiplier",
    )
    p.add_argument(
        "--commitment",
        metavar="DIGEST|COMMITMENT.json",
        help="the commitment published before the seed: refuse to draw if the inputs no longer match it",
    )
    p.add_argument(
        "--opening",
        metavar="OPENING.json",
        help="the auditors' opening (reason lists and their salt, kept out of the public record): read if "
        "it exists (use the same file for --commit-only and the draw), written otherwise",
    )
    p.add_argument(
        "--units",
        choices=("shared", "independent"),
        default="shared",
        help="shared: one systematic start for the whole frame; independent: one start per stratum",
    )
    p.add_argument(
        "--disclosure",
        choices=("public", "auditors"),
        default="public",
        help="public: the record lists each drawn object's tier and π; auditors: id and stratum only",
    )
    p.add_argument("--cap", metavar="SHARE", help="override the item's cap (0.05, 5%%, 1/20 or 'none')")
    p.add_argument("--year", type=int, help="plan year of the context (default: the item's year)")
    p.add_argument(
        "--round", type=int, default=1, help="round (1..R: the frequency, more if --matrix raises it)"
    )
    p.add_argument("--stratum", default="unit", help="stratum column (unit, region, industry, kind, none)")
    p.add_argument(
        "--commit-only",
        action="store_true",
        help="write the commitment (to publish before the seed exists) instead of drawing",
    )
    p.set_defaults(func=run_draw)

    v = subparsers.add_parser(
        "verify",
        help="re-run a published draw or match record and check that it reproduces",
        description=(
            "Re-run a draw record against the object directory (--objects), or a match record against its "
            "tasks and inspectors (--tasks, --inspectors); exit 0 if it reproduces, 1 if it does not or is "
            "not a valid record, 2 if an input cannot be read."
        ),
    )
    v.add_argument("record", metavar="RECORD.json", help="the published draw record or match record")
    v.add_argument("--objects", metavar="OBJECTS", help=_OBJECTS_HELP + "; for a draw record")
    v.add_argument("--tasks", metavar="TASKS.csv|json", help="inspection tasks, for a match record")
    v.add_argument("--inspectors", metavar="INSPECTORS.csv|json", help="inspectors, for a match record")
    v.add_argument("--conflicts", metavar="FILE", help="conflicts of interest, for a match record")
    v.add_argument("--history", metavar="FILE", help="past inspections, for a match record")
    v.add_argument("--cap", type=int, metavar="N", help="most tasks per inspector, for a match record")
    v.add_argument("--seed", metavar="SEED", help="the seed announced in the ceremony (checked if given)")
    v.add_argument(
        "--commitment", metavar="DIGEST|COMMITMENT.json", help="the commitment published before the seed"
    )
    v.add_argument("--opening", metavar="OPENING.json", help="the auditors' opening (reason lists and salt)")
    v.set_defaults(func=run_verify)


def _policy(args: argparse.Namespace, item: Any) -> Any:
    from randinspect.draw import StratifiedPolicy, TableMatrix, TieredPolicy

    if args.policy == "stratified":
        unused = [
            flag
            for flag, value in (
                ("--key-objects", args.key_objects),
                ("--complaints", args.complaints),
                ("--filed-cases", args.filed_cases),
                ("--referrals", args.referrals),
                ("--reference-date", args.reference_date),
                ("--matrix", args.matrix),
            )
            if value
        ]
        if unused:
            from randinspect.errors import InputError

            raise InputError(
                f"{', '.join(unused)} not used by --policy stratified (every object is a general object); "
                "use --policy tiered for key and problem objects and the credit-risk matrix"
            )
        return StratifiedPolicy(ratio_mode=args.ratio_mode, units=args.units)
    kwargs: dict[str, Any] = {
        "ratio_mode": args.ratio_mode,
        "disclosure": args.disclosure,
        "units": args.units,
    }
    if args.opening and Path(args.opening).is_file():
        kwargs["reason_salt"] = str(_read_opening(args.opening).get("reason_salt", ""))
    if args.matrix:
        path = str(args.matrix)
        kwargs["matrix"] = (
            TableMatrix.from_json(path) if path.lower().endswith(".json") else TableMatrix.from_csv(path)
        )
    if args.key_objects:
        kwargs["key_ids"] = load_id_list(args.key_objects)
    if args.filed_cases:
        kwargs["filed_case_ids"] = load_id_list(args.filed_cases)
    if args.referrals:
        kwargs["referral_ids"] = load_id_list(args.referrals)
    if args.complaints:
        kwargs["complaints"] = load_complaints(args.complaints)
    if args.reference_date:
        try:
            kwargs["reference_date"] = dt.date.fromisoformat(args.reference_date)
        except ValueError:
            from randinspect.errors import InputError

            raise InputError(f"--reference-date {args.reference_date!r} is not a YYYY-MM-DD date") from None
    return TieredPolicy(**kwargs)


def run_draw(args: argparse.Namespace) -> int:
    """Run ``randinspect draw``."""
    import json

    from randinspect._io import atomic_write_text, check_output_path
    from randinspect.directory import load_objects
    from randinspect.draw import commit, draw, normalise_seed
    from randinspect.errors import InputError
    from randinspect.items import load_item

    if args.out:
        check_output_path(args.out, what="commitment" if args.commit_only else "draw record")
    if args.opening and not Path(args.opening).is_file():
        # written by this run: refused before any work if it cannot be (a directory, a missing folder)
        check_output_path(args.opening, what="draw opening")
    if not args.commit_only and args.seed is not None:
        normalise_seed(args.seed)
    item = load_item(args.item)
    if args.cap is not None:
        item = attrs.evolve(item, cap=_cap(args.cap))
    directory = load_objects(args.objects)
    policy = _policy(args, item)
    if args.commit_only:
        c = commit(directory, item, policy=policy, year=args.year, round=args.round, stratum=args.stratum)
        _warn_cap(c.cap_report)
        if args.opening and not Path(args.opening).is_file() and hasattr(policy, "reason_salt"):
            opening = {"format": "randinspect-draw-opening", "policy": policy.to_dict()}
            atomic_write_text(
                args.opening, json.dumps(opening, ensure_ascii=False, indent=2) + "\n", what="draw opening"
            )
        elif not args.opening and c.policy.get("reasons"):
            print(
                "WARNING: the commitment holds reason digests; without --opening no auditor can re-run "
                "the draw",
                file=sys.stderr,
            )
        text = json.dumps(c.to_json_dict(), sort_keys=True, ensure_ascii=False, indent=2) + "\n"
        if args.out:
            atomic_write_text(args.out, text, what="commitment")
            print(f"commitment {c.digest} written to {args.out}")
        else:
            sys.stdout.write(text)
        return 0
    if not args.seed:
        raise InputError("--seed is required to draw (use --commit-only before the seed exists)")
    record = draw(
        directory,
        item,
        args.seed,
        policy=policy,
        year=args.year,
        round=args.round,
        stratum=args.stratum,
        commitment=_read_commitment(args.commitment) if args.commitment else None,
    )
    if record.opening is not None and args.opening:
        atomic_write_text(
            args.opening,
            json.dumps(record.opening_json_dict(), ensure_ascii=False, indent=2) + "\n",
            what="draw opening",
        )
    elif record.commitment.policy.get("reasons"):
        print(
            "WARNING: the record commits reason digests; without --opening no auditor can re-run the draw",
            file=sys.stderr,
        )
    if args.out:
        record.to_json(args.out)
        counts = record.counts
        tiers = ", ".join(f"{k} {v}" for k, v in counts["by_tier"].items())
        print(
            f"drew {counts['total']} of {record.commitment.frame_size} objects for {record.context} "
            f"({tiers}); record {record.record_digest[:16]}… written to {args.out}"
        )
    else:
        sys.stdout.write(record.to_json())
    _warn_cap(record.commitment.cap_report)
    return 0


def _warn_cap(report: Mapping[str, Any]) -> None:
    """Warn on standard error when mandatory objects alone exceed the item's cap (they are all kept)."""
    if report.get("exceeded"):
        print(
            f"warning: mandatory objects ({report['mandatory']}) exceed the cap ceiling "
            f"{report['ceiling']}; all were kept, the other objects get π = 0",
            file=sys.stderr,
        )


def _read_opening(path: str) -> dict[str, Any]:
    """The policy parameters of an opening file (read by the strict reader)."""
    from randinspect._json import read_json_file

    data = read_json_file(path)
    policy = data.get("policy") if isinstance(data, dict) else None
    if not isinstance(policy, dict):
        raise LoadError(
            [
                Problem(
                    message="not an opening: expected a JSON object with a policy object",
                    source=path,
                    code="opening.json",
                )
            ]
        )
    return policy


def _read_commitment(text: str) -> Any:
    """A commitment given as its digest (64 hex digits) or as a COMMITMENT.json path.

    Anything that is not a digest is read as a file by the strict reader: a missing or unreadable file
    exits 2, a file that is not a valid commitment (a changed field, a key given twice) exits 1.
    """
    from randinspect._json import read_json_file
    from randinspect.draw import Commitment

    digest = str(text).strip().lower()
    if len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
        return digest
    return Commitment.from_json_dict(read_json_file(text, record=True))


def run_verify(args: argparse.Namespace) -> int:
    """Run ``randinspect verify`` on a draw record or a match record (told apart by its ``format``)."""
    from randinspect._json import read_json_file

    data = read_json_file(args.record, record=True)
    if isinstance(data, dict) and data.get("format") == "randinspect.match":
        return _verify_match(args, data)
    return _verify_draw(args, data)


def _verify_draw(args: argparse.Namespace, data: Any) -> int:
    from randinspect.directory import load_objects
    from randinspect.draw import Commitment, DrawRecord, verify
    from randinspect.errors import InputError

    record = DrawRecord.from_json_dict(data)
    if not args.objects:
        raise InputError(
            "verifying a draw record needs --objects OBJECTS.csv (the directory it was drawn from)"
        )
    directory = load_objects(args.objects)
    commitment: Commitment | str | None = None
    if args.commitment:
        commitment = _read_commitment(str(args.commitment))
    verify(
        record,
        directory,
        expected_seed=args.seed,
        commitment=commitment,
        opening=_read_opening(args.opening) if args.opening else None,
    )
    print(
        f"verified: {record.context} reproduces ({record.counts['total']} objects drawn, "
        f"record {record.record_digest[:16]}…)"
    )
    return 0


def _verify_match(args: argparse.Namespace, data: Any) -> int:
    from randinspect.directory import load_inspectors
    from randinspect.draw import PublicSeedSource, source_from_description
    from randinspect.errors import InputError
    from randinspect.matching import MatchRecord, load_conflicts, load_history, load_tasks, verify_match

    record = MatchRecord.from_json_dict(data)
    if not args.tasks or not args.inspectors:
        raise InputError(
            "verifying a match record needs --tasks TASKS.csv and --inspectors INSPECTORS.csv "
            "(the inputs of the matching), and --conflicts/--history/--cap when the matching had them"
        )
    tasks = load_tasks(args.tasks)
    people = load_inspectors(args.inspectors)
    source = PublicSeedSource(args.seed) if args.seed else source_from_description(record.source)
    verify_match(
        record,
        tasks,
        people,
        source=source,
        conflicts=load_conflicts(args.conflicts) if args.conflicts else None,
        history=load_history(args.history) if args.history else None,
        caps=args.cap,
    )
    print(
        f"verified: matching {record.context!r} reproduces ({len(record.groups)} groups, "
        f"record {record.digest[:16]}…)"
    )
    return 0
