"""Publication within 20 working days (§四(九)1), overdue and missing lists, entry and publication rates.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import attrs

from randinspect.results._book import EnteredResult, ResultBook, _positions
from randinspect.results._redact import DEFAULT_REDACTION, PUBLIC_FIELDS, RedactionPolicy

__all__ = [
    "OVERDUE_COLUMNS",
    "PUBLICATION_WORKING_DAYS",
    "Deadline",
    "DeadlineReport",
    "DeadlineRow",
    "Publication",
    "deadline_report",
    "publication_due",
    "publish",
]

PUBLICATION_WORKING_DAYS = 20
"""Results are entered and made public within 20 working days of the inspection's end (§四(九)1)."""

OVERDUE_COLUMNS: tuple[str, ...] = (
    "record_id",
    "department",
    "due",
    "provisional",
    "entered_on",
    "published_on",
    "status",
)
"""Columns of :meth:`DeadlineReport.overdue_csv` (``overdue.csv``)."""

Status = Literal["on-time", "late", "overdue", "pending", "missing"]


@attrs.frozen
class Deadline:
    """A due date and whether it was computed on a provisional calendar (临时日历, no official notice yet)."""

    due: dt.date
    provisional: bool = False


def _provisional(calendar: Any, first: dt.date, last: dt.date) -> bool:
    check = getattr(calendar, "is_provisional", None)
    if check is None:
        return False
    return any(bool(check(y)) for y in range(first.year, last.year + 1))


def publication_due(end: dt.date, calendar: Any, days: int = PUBLICATION_WORKING_DAYS) -> Deadline:
    """The publication deadline of an inspection that ended on ``end``: ``days`` working days later.

    Examples
    --------
    >>> from randinspect.calendar import ChineseOfficialCalendar
    >>> publication_due(dt.date(2026, 9, 25), ChineseOfficialCalendar())  # National Day lies between
    Deadline(due=datetime.date(2026, 10, 29), provisional=False)
    """
    due = calendar.add_working_days(end, days)
    return Deadline(due, _provisional(calendar, end, due))


@attrs.frozen(kw_only=True)
class Publication:
    """One publication (结果公示) of results: the public rows after redaction, ready to export.

    Attributes
    ----------
    published_on:
        The day of publication.
    rows:
        The public results, one dict per result with the keys of :data:`PUBLIC_FIELDS`.
    late:
        Record ids published after their deadline.
    """

    published_on: dt.date
    rows: tuple[Mapping[str, str], ...]
    late: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.rows)

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """The documented public JSON: ``{"format", "published_on", "fields", "results"}``."""
        text = json.dumps(
            {
                "format": "randinspect.public-results",
                "version": 1,
                "published_on": self.published_on.isoformat(),
                "fields": [{"name": n, "zh": zh} for n, zh in PUBLIC_FIELDS],
                "results": [dict(r) for r in self.rows],
            },
            ensure_ascii=False,
            indent=1,
        )
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json_dict(cls, data: Any, *, where: str = "public results") -> Publication:
        """Read back the public JSON of :meth:`to_json` (already redacted; nothing is re-derived).

        Only the keys of :data:`PUBLIC_FIELDS` are kept from each result (a missing one reads as ``""``).

        Raises
        ------
        ResultInputError
            If ``data`` is not that format, naming ``where`` and the result's position.

        Examples
        --------
        >>> p = Publication(published_on=dt.date(2027, 3, 5), rows=({"uscc": "X", "result": "未发现问题"},))
        >>> Publication.from_json_dict(json.loads(p.to_json())).rows[0]["result"]
        '未发现问题'
        """
        from randinspect.errors import ResultInputError

        if not isinstance(data, Mapping) or data.get("format") != "randinspect.public-results":
            raise ResultInputError(
                f"{where}: not a public-results file (format 'randinspect.public-results' expected); "
                "write it with `randinspect publish-results --json`"
            )
        try:
            published_on = dt.date.fromisoformat(str(data["published_on"]))
        except (KeyError, ValueError):
            raise ResultInputError(f"{where}: 'published_on' must be a date YYYY-MM-DD") from None
        results = data.get("results")
        if not isinstance(results, list):
            raise ResultInputError(f"{where}: 'results' must be a list of results")
        rows = []
        for n, r in enumerate(results):
            if not isinstance(r, Mapping):
                raise ResultInputError(f"{where}: result {n} is not an object")
            rows.append({k: "" if r.get(k) is None else str(r.get(k)) for k, _ in PUBLIC_FIELDS})
        return cls(published_on=published_on, rows=tuple(rows))

    def to_csv(self, path: str | os.PathLike[str] | None = None, *, chinese_headers: bool = True) -> str:
        """The public CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese), one row per result."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([zh if chinese_headers else n for n, zh in PUBLIC_FIELDS])
        for r in self.rows:
            writer.writerow([r.get(n, "") for n, _ in PUBLIC_FIELDS])
        text = buffer.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8-sig")
        return text


def _names(objects: Any, ids: Iterable[str]) -> dict[str, str]:
    if objects is None:
        return {}
    found = _positions(objects, ids)
    names = objects.names
    return {oid: str(names[i]) for oid, i in found.items()}


def publish(
    book: ResultBook,
    *,
    on: dt.date,
    calendar: Any,
    objects: Any = None,
    inspectors: Any = None,
    department: str | None = None,
    departments: Mapping[str, str] | None = None,
    policy: RedactionPolicy = DEFAULT_REDACTION,
    record_ids: Iterable[str] | None = None,
    journal: Any = None,
) -> tuple[ResultBook, Publication]:
    """Publish the entered, unpublished results (结果公示); return the new book and the publication.

    "谁公开": with ``department`` only that department's results are published. Redaction applies
    (:class:`RedactionPolicy`), and every public row is checked for protected values before anything
    changes. A result published after its deadline is published and listed in ``Publication.late``.

    Parameters
    ----------
    book:
        The book (not changed).
    on:
        Publication day; results entered after it are not published yet.
    calendar:
        The WorkCalendar for deadlines.
    objects:
        The object directory, for public names.
    inspectors:
        The inspector directory: their identity-card and phone numbers are searched for in the output.
    department:
        Publish only this department's results.
    departments:
        Department code -> public name (检查实施机关).
    policy:
        The redaction policy.
    record_ids:
        Publish only these records (among the unpublished ones).
    journal:
        When given, the publication is journalled as one ``publication`` entry (record ids and the digest of
        the public JSON).

    Raises
    ------
    ExposureError
        If a public row would show a protected value; nothing is published.
    """
    only = None if record_ids is None else set(record_ids)
    chosen = [
        r
        for r in book.unpublished()
        if r.record.entered_on <= on
        and (department is None or r.record.department == department)
        and (only is None or r.record_id in only)
    ]
    names = _names(objects, (r.record.object_id for r in chosen))
    bodies = departments or {}
    rows = tuple(
        policy.public_result(
            r,
            name=names.get(r.record.object_id, ""),
            inspecting_body=bodies.get(r.record.department, r.record.department),
            published_on=on.isoformat(),
        )
        for r in chosen
    )
    policy.check(rows, policy.protected_values(chosen, inspectors))
    dues: dict[dt.date, dt.date] = {}
    for r in chosen:
        if r.record.end not in dues:
            dues[r.record.end] = publication_due(r.record.end, calendar).due
    late = tuple(r.record_id for r in chosen if dues[r.record.end] < on)
    ids = {r.record_id for r in chosen}
    updated = [attrs.evolve(r, published_on=on) if r.record_id in ids else r for r in book.results]
    new_book = book._with(updated, ordered=True)
    publication = Publication(published_on=on, rows=rows, late=late)
    if journal is not None and chosen:
        import hashlib

        from randinspect.draw.journal import EntryKind

        journal.append(
            EntryKind.PUBLICATION,
            {
                "published_on": on.isoformat(),
                "records": sorted(ids),
                "late": list(late),
                "public_json_sha256": hashlib.sha256(publication.to_json().encode("utf-8")).hexdigest(),
            },
            key=("publication", str(book.year), department or "*", on.isoformat()),
        )
    return new_book, publication


@attrs.frozen(kw_only=True)
class DeadlineRow:
    """The deadline state of one expected result (task × item) or entered result."""

    record_id: str
    department: str
    due: dt.date
    provisional: bool
    entered_on: dt.date | None
    published_on: dt.date | None
    status: Status


def _rate(num: int, den: int) -> Fraction | None:
    return None if den == 0 else Fraction(num, den)


@attrs.frozen(kw_only=True)
class DeadlineReport:
    """Deadline state of every expected and entered result at a date (逾期、未录入清单, 录入率、公示率).

    Statuses: ``on-time`` (published by the due date), ``late`` (published after it), ``overdue`` (entered
    or not, unpublished after the due date), ``pending`` (unpublished, not yet due), ``missing`` (expected
    result never entered and past due: also counted in ``overdue`` lists).
    """

    as_of: dt.date
    rows: tuple[DeadlineRow, ...]

    def overdue(self, department: str | None = None) -> tuple[DeadlineRow, ...]:
        """Results published late, or unpublished past their due date (including missing ones)."""
        return tuple(
            r
            for r in self.rows
            if r.status in ("late", "overdue", "missing")
            and (department is None or r.department == department)
        )

    def missing(self, department: str | None = None) -> tuple[DeadlineRow, ...]:
        """Expected results never entered, past their due date."""
        return tuple(
            r
            for r in self.rows
            if r.status == "missing" and (department is None or r.department == department)
        )

    def departments(self) -> tuple[str, ...]:
        """Departments with at least one row."""
        return tuple(sorted({r.department for r in self.rows}))

    def counts(self, department: str | None = None) -> dict[str, int]:
        """Numbers per status and of expected, entered, published, entered and published on time."""
        rows = [r for r in self.rows if department is None or r.department == department]
        out = dict.fromkeys(("on-time", "late", "overdue", "pending", "missing"), 0)
        for r in rows:
            out[r.status] += 1
        out["expected"] = len(rows)
        out["entered"] = sum(r.entered_on is not None for r in rows)
        out["published"] = sum(r.published_on is not None for r in rows)
        out["entered_on_time"] = sum(r.entered_on is not None and r.entered_on <= r.due for r in rows)
        out["published_on_time"] = out["on-time"]
        return out

    def rates(self, department: str | None = None) -> dict[str, Fraction | None]:
        """Entry rate, publication rate and their timely versions (targets 100 %), exact; ``None`` if 0/0."""
        c = self.counts(department)
        return {
            "entry": _rate(c["entered"], c["expected"]),
            "publication": _rate(c["published"], c["expected"]),
            "timely_entry": _rate(c["entered_on_time"], c["expected"]),
            "timely_publication": _rate(c["published_on_time"], c["expected"]),
        }

    @property
    def provisional(self) -> bool:
        """True when any due date was computed on a provisional calendar."""
        return any(r.provisional for r in self.rows)

    def overdue_csv(self, department: str | None = None) -> str:
        """The overdue list (逾期清单) as CSV: a row per :meth:`overdue` row, columns :data:`OVERDUE_COLUMNS`.

        ``randinspect assess`` and ``randinspect demo`` write it as ``overdue.csv``; the publication site
        reads it. Record ids name the task and item only (no personal data).
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(OVERDUE_COLUMNS)
        for r in self.overdue(department):
            writer.writerow(
                [
                    r.record_id,
                    r.department,
                    r.due,
                    r.provisional,
                    r.entered_on or "",
                    r.published_on or "",
                    r.status,
                ]
            )
        return buffer.getvalue()


def deadline_report(
    book: ResultBook,
    *,
    as_of: dt.date,
    calendar: Any,
    tasks: Iterable[Any] = (),
    item_departments: Mapping[str, str] | None = None,
) -> DeadlineReport:
    """Deadline state of every entered result and of every expected one (task × item of its department).

    Parameters
    ----------
    book:
        The results.
    as_of:
        The day of the report.
    calendar:
        The WorkCalendar.
    tasks:
        The tasks whose results are expected; with ``item_departments`` each (task, item) pair whose item's
        department takes part in the task is expected, due 20 working days after the task's window ends.
    item_departments:
        Item id -> department code.

    Examples
    --------
    >>> from randinspect.calendar import WeekendsOnly
    >>> deadline_report(ResultBook(year=2027), as_of=dt.date(2027, 12, 31), calendar=WeekendsOnly()).rows
    ()
    """
    rows: list[DeadlineRow] = []
    due_cache: dict[dt.date, Deadline] = {}

    def due_of(end: dt.date) -> Deadline:
        if end not in due_cache:
            due_cache[end] = publication_due(end, calendar)
        return due_cache[end]

    for r in book.results:
        d = due_of(r.record.end)
        rows.append(_row(r, d, as_of))
    if item_departments is not None:
        for task in tasks:
            for item in task.items:
                dep = item_departments.get(item)
                if dep is None or dep not in task.departments:
                    continue
                rid = f"{task.id}/{item}"
                if rid in book:
                    continue
                d = due_of(task.end)
                status: Status = "missing" if as_of > d.due else "pending"
                rows.append(
                    DeadlineRow(
                        record_id=rid,
                        department=dep,
                        due=d.due,
                        provisional=d.provisional,
                        entered_on=None,
                        published_on=None,
                        status=status,
                    )
                )
    rows.sort(key=lambda x: (x.department, x.record_id))
    return DeadlineReport(as_of=as_of, rows=tuple(rows))


def _row(r: EnteredResult, d: Deadline, as_of: dt.date) -> DeadlineRow:
    rec = r.record
    pub = r.published_on if r.published_on is not None and r.published_on <= as_of else None
    entered = rec.entered_on if rec.entered_on <= as_of else None
    status: Status
    if pub is not None:
        status = "on-time" if pub <= d.due else "late"
    else:
        status = "overdue" if as_of > d.due else "pending"
    return DeadlineRow(
        record_id=r.record_id,
        department=rec.department,
        due=d.due,
        provisional=d.provisional,
        entered_on=entered,
        published_on=pub,
        status=status,
    )
