"""``randinspect check``: validate an object directory file (and an inspector file) in lenient mode.

Prints every problem, one per line, with row, column and value, then a summary per file. Exit status: 0 when
every file is clean, 1 when any problem was found, 2 when a file cannot be read at all.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from randinspect.directory import ValidationReport, load_inspectors, load_objects

__all__ = ["register", "run"]

#: Problem codes meaning the file could not be read at all (exit status 2).
UNREADABLE_CODES = frozenset({"file.unreadable", "encoding.unknown", "parquet.invalid", "arrow.invalid"})


def register(subparsers: Any) -> None:
    """Add the ``check`` sub-command to ``subparsers``."""
    parser = subparsers.add_parser(
        "check",
        help="validate an object directory file (CSV, JSON, Parquet or Arrow) and print every problem",
        description=(
            "Validate an object directory (检查对象名录库) file and, optionally, an inspector directory file "
            "in lenient mode: print every problem with its row, column and value. Exit status 0 when clean, "
            "1 when there are problems, 2 when a file cannot be read."
        ),
    )
    parser.add_argument(
        "objects",
        metavar="OBJECTS",
        help="object directory file (.csv, .json, .parquet or a directory of Parquet parts, .arrow)",
    )
    parser.add_argument(
        "--inspectors", metavar="FILE", help="inspector directory file (.csv, .json, .parquet, .arrow)"
    )
    parser.add_argument(
        "--accept-any-division",
        action="store_true",
        help="accept any well-formed 6-digit division code, not only those in the shipped GB/T 2260 table",
    )
    parser.set_defaults(func=run)


def _print_report(report: ValidationReport, what: str) -> None:
    for problem in report.problems:
        print(str(problem))
    print(f"{what}: {report.summary()}")


def run(args: argparse.Namespace) -> int:
    """Check the files named in ``args``; return the exit status."""
    reports: list[ValidationReport] = []
    result = load_objects(args.objects, strict=False, accept_any_division=args.accept_any_division)
    _print_report(result.report, "objects")
    reports.append(result.report)
    if args.inspectors:
        people = load_inspectors(args.inspectors, strict=False)
        _print_report(people.report, "inspectors")
        reports.append(people.report)
    sys.stdout.flush()
    if any(p.code in UNREADABLE_CODES for r in reports for p in r.problems):
        return 2
    return 1 if any(not r.ok for r in reports) else 0
