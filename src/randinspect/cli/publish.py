"""``randinspect publish --from DIR --out SITE/``: a year's records → the static publication site.

``--from`` may also be a database URL holding a record store (``postgresql+psycopg://…``,
``sqlite:///records.db``; needs the extra ``postgres``), read with ``--year`` and ``--objects``.

Exit codes: 0 written; 2 a record does not verify (named), or a usage or input error. Nothing is written
unless every draw verifies.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["open_hint", "register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``publish`` sub-command."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "publish",
        help="write the static publication site of a year (一公开), with the in-browser verifier",
        description=(
            "Verify every draw of a records folder (what `randinspect demo` or `randinspect plan` write, "
            "with the object directory objects.csv) and write a self-contained static website: index, "
            "departments, "
            "districts, item list, each draw before and after its seed, joint plan, CSV/JSON downloads and "
            "verify.html. A draw that does not verify stops the publication with the record named."
        ),
    )
    p.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="DIR|URL",
        help="the records folder, or the database URL of a record store (with --year)",
    )
    p.add_argument("--year", type=int, metavar="YEAR", help="the plan year to read from a record store")
    p.add_argument(
        "--out", required=True, metavar="SITE", help="the site folder (new, empty, or a previous site)"
    )
    p.add_argument(
        "--objects", metavar="FILE", help="the object directory, if not DIR/objects.csv (needed with a URL)"
    )
    p.set_defaults(func=run)


def open_hint(site: Path) -> str:
    """How to open the site: the file URL of its index and a one-line local web server."""
    index = site.resolve() / "index.html"
    return (
        f"open {index.as_uri()} in a browser, or serve it with\n"
        f"  python3 -m http.server --directory {site} 8000   (then http://127.0.0.1:8000/)"
    )


def run(args: argparse.Namespace) -> int:
    """Publish; return the exit code."""
    from randinspect.publish import publish

    if "://" in args.source:
        from randinspect.errors import InputError

        try:
            from randinspect.ledger.sql import SqlAlchemyRecordStore
        except ImportError:
            raise InputError(
                "reading records from a database needs SQLAlchemy: pip install 'randinspect[postgres]'"
            ) from None
        if args.year is None:
            raise InputError("--from a database URL needs --year, the plan year to publish")
        store = SqlAlchemyRecordStore(args.source, read_only=True)
        try:
            report = publish(store, args.out, objects=args.objects, year=args.year)
        finally:
            store.close()
    else:
        report = publish(args.source, args.out, objects=args.objects)
    print(
        f"{report.draws_verified} draws verified; {len(report.pages)} pages and {len(report.downloads)} "
        f"downloads written to {report.out}/ in {report.seconds:.1f} s"
    )
    for key, reason in report.left_out:
        print(f"section {key} left out: {reason}")
    if report.withheld:
        print(f"{len(report.withheld)} results left out of the published results:")
        for record_id, reason in report.withheld[:20]:
            print(f"  {record_id}: {reason}")
        if len(report.withheld) > 20:
            print(f"  ... and {len(report.withheld) - 20} more (PublishReport.withheld)")
    print(open_hint(report.out))
    return 0
