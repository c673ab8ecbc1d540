"""Entering results (结果录入, 谁检查、谁录入): the checks, and the immutable book of entered results.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import numpy as np

from randinspect.errors import (
    DeregisteredObjectError,
    DuplicateResultError,
    InspectorNotInGroupError,
    ResultDateError,
    ResultInputError,
    UnassignedTaskError,
)
from randinspect.items import InspectionMethod
from randinspect.results._records import InspectionRecord
from randinspect.results._vocabulary import DEFAULT_VOCABULARY, FindingVocabulary, ResultCategory

__all__ = ["EnteredResult", "ResultBook", "enter_results", "inspection_record_entry"]


@attrs.frozen(kw_only=True)
class EnteredResult:
    """A result in the book: the record, its overall category, when it was published (if it was).

    Attributes
    ----------
    record:
        The inspection record.
    category:
        Its result category: the most severe of its findings' categories.
    published_on:
        The publication day (公示日期), ``None`` until published.
    superseded:
        Earlier versions of this record replaced by corrections (oldest first), with their reasons.
    """

    record: InspectionRecord
    category: ResultCategory
    published_on: dt.date | None = None
    superseded: tuple[InspectionRecord, ...] = ()

    @property
    def record_id(self) -> str:
        """The record's id ``"<task id>/<item id>"``."""
        return self.record.record_id


@attrs.frozen(kw_only=True)
class ResultBook:
    """The results entered for a year (检查结果台账), immutable: every step returns a new book.

    Parameters
    ----------
    year:
        The plan year.
    vocabulary:
        The findings vocabulary results are checked against.
    results:
        The entered results, in record id order (built by :func:`enter_results`).

    Examples
    --------
    >>> book = ResultBook(year=2027)
    >>> len(book)
    0
    """

    year: int
    vocabulary: FindingVocabulary = DEFAULT_VOCABULARY
    results: tuple[EnteredResult, ...] = ()
    _index: Mapping[str, int] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        index = {r.record_id: i for i, r in enumerate(self.results)}
        if len(index) != len(self.results):
            raise ResultInputError("a result book holds one result per task and item")
        object.__setattr__(self, "_index", index)

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[EnteredResult]:
        return iter(self.results)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._index

    def get(self, record_id: str) -> EnteredResult:
        """The result of ``record_id`` (``"<task>/<item>"``); raises :class:`KeyError` when absent."""
        return self.results[self._index[record_id]]

    def _with(self, results: Iterable[EnteredResult], *, ordered: bool = False) -> ResultBook:
        """A new book with ``results`` (sorted by record id unless ``ordered`` says they already are)."""
        items = tuple(results) if ordered else tuple(sorted(results, key=lambda r: r.record_id))
        return ResultBook(year=self.year, vocabulary=self.vocabulary, results=items)

    def unpublished(self) -> tuple[EnteredResult, ...]:
        """Results not yet published, in record id order."""
        return tuple(r for r in self.results if r.published_on is None)

    def by_object(self) -> dict[str, list[EnteredResult]]:
        """Results per object id."""
        out: dict[str, list[EnteredResult]] = {}
        for r in self.results:
            out.setdefault(r.record.object_id, []).append(r)
        return out

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready form without personal data (the representative is kept as a digest).

        :meth:`from_json_dict` reads it back; the ``vocabulary`` is written with it.
        """
        return {
            "format": "randinspect.result-book",
            "version": 1,
            "year": self.year,
            "vocabulary": self.vocabulary.to_dict(),
            "results": [
                {
                    "record": r.record.to_json_dict(),
                    "category": r.category.code,
                    "published_on": None if r.published_on is None else r.published_on.isoformat(),
                    "superseded": [s.to_json_dict() for s in r.superseded],
                }
                for r in self.results
            ],
        }

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any], *, where: str = "result book") -> ResultBook:
        """Read the form written by :meth:`to_json_dict`.

        Raises
        ------
        ResultInputError
            If the data is not a result book or a result is malformed (the message names it).
        """
        if not isinstance(data, Mapping) or data.get("format") != "randinspect.result-book":
            raise ResultInputError(f"{where}: not a result book (expected format 'randinspect.result-book')")
        try:
            vocab = FindingVocabulary.from_dict(data["vocabulary"])
            results = []
            for i, raw in enumerate(data["results"], start=1):
                rec = InspectionRecord.from_dict(raw["record"], where=f"{where}, result {i}")
                results.append(
                    EnteredResult(
                        record=rec,
                        category=vocab.parse(raw["category"], record_id=rec.record_id),
                        published_on=_date_or_none(raw.get("published_on")),
                        superseded=tuple(
                            InspectionRecord.from_dict(x, where=f"{where}, result {i}")
                            for x in raw.get("superseded", ())
                        ),
                    )
                )
            return cls(year=int(data["year"]), vocabulary=vocab, results=tuple(results))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ResultInputError):
                raise
            raise ResultInputError(f"{where}: malformed: {exc!r}") from None


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def inspection_record_entry(record: InspectionRecord) -> dict[str, Any]:
    """The ledger payload of an inspection record (``inspection-record`` entry, 抽查记录表留痕).

    Everything the record says, in a form that can be kept where the journal goes: the inspectors present
    with the certificates shown, the representative's acknowledgement as a digest (never a name, ID-card or
    phone number), each finding's category and check content with its note as a SHA-256 digest (notes may
    hold trade secrets or personal data), and the attachments by digest and reference only (never the file's
    bytes). ``digest`` is :meth:`InspectionRecord.digest`, which fixes the whole record.

    .. versionadded:: 0.2.0
    """
    ack: dict[str, Any] | None = None
    if record.acknowledgement is not None:
        rep = record.acknowledgement.representative
        ack = {
            "signed": record.acknowledgement.signed,
            "refusal": record.acknowledgement.refusal,
            "representative_digest": None if rep is None else rep.digest(),
        }
    return {
        "record_id": record.record_id,
        "digest": record.digest(),
        "task_id": record.task_id,
        "item_id": record.item_id,
        "object_id": record.object_id,
        "department": record.department,
        "method": record.method.value,
        "origin": record.origin.value,
        "follows": record.follows,
        "start": record.start.isoformat(),
        "end": record.end.isoformat(),
        "entered_on": record.entered_on.isoformat(),
        "inspectors": [{"id": p.inspector_id, "certificate": p.certificate} for p in record.inspectors],
        "acknowledgement": ack,
        "findings": [
            {
                "content": f.content,
                "category": f.category,
                "note_digest": _text_digest(f.note) if f.note else None,
                "trade_secret": f.trade_secret,
                "needs_on_site": f.needs_on_site,
            }
            for f in record.findings
        ],
        "attachments": [
            {"digest": a.digest, "reference": a.reference, "kind": a.kind} for a in record.attachments
        ],
        "correction": record.correction,
    }


def _positions(objects: Any, ids: Iterable[str]) -> dict[str, int]:
    """Id -> position in the directory for the ``ids`` found in it (a directory keeps its ids sorted)."""
    wanted = sorted(set(ids))
    all_ids = np.asarray(objects.ids)
    if not wanted or not len(all_ids):
        return {}
    pos = np.minimum(np.searchsorted(all_ids, np.asarray(wanted)), len(all_ids) - 1)
    hits = all_ids[pos] == np.asarray(wanted)
    return {w: int(p) for w, p, h in zip(wanted, pos.tolist(), hits.tolist(), strict=True) if h}


def _date_or_none(value: Any) -> dt.date | None:
    return None if value in (None, "") else dt.date.fromisoformat(str(value))


def _groups_of(assignments: Any) -> dict[str, set[str]]:
    """Task id -> inspector ids, from a MatchResult, a MatchRecord, groups, or a plain mapping."""
    if isinstance(assignments, Mapping):
        return {str(k): {str(i) for i in v} for k, v in assignments.items()}
    groups = getattr(assignments, "groups", assignments)
    out: dict[str, set[str]] = {}
    for g in groups:
        out.setdefault(g.task_id, set()).update(g.inspector_ids)
    return out


def enter_results(
    book: ResultBook,
    records: Iterable[InspectionRecord],
    *,
    tasks: Iterable[Any],
    assignments: Any,
    objects: Any = None,
    inspectors: Any = None,
    deregistered: Mapping[str, dt.date] | None = None,
    journal: Any = None,
    min_officers: int = 2,
) -> ResultBook:
    """Check and enter inspection results (录入检查结果); return the new book.

    Every record is checked before anything changes; the first problem raises a typed error naming the
    record (``"<task>/<item>"``), and then neither the book nor the journal changes.

    Parameters
    ----------
    book:
        The book so far (not changed).
    records:
        The records to enter.
    tasks:
        The inspection tasks (:class:`randinspect.matching.InspectionTask`), plan tasks and immediate ones.
    assignments:
        Who was assigned to each task: a :class:`randinspect.matching.MatchResult` or ``MatchRecord``, a
        sequence of inspection groups, or a mapping task id -> inspector ids.
    objects:
        The object directory; when given, an object not alive (deregistered, 注销) is refused.
    inspectors:
        The inspector directory; when given, each certificate shown must be the inspector's and valid on
        the first day of the inspection.
    deregistered:
        Object id -> deregistration date; an inspection starting after it is refused.
    journal:
        A :class:`randinspect.draw.journal.Journal`; when given, after every check passed, the batch is
        journalled as one ``inspection-record`` entry (the records as :func:`inspection_record_entry`
        gives them: attachments by digest, never personal data or bytes; key ``("inspection-records",
        year, first entry day, first record id)``) and one ``result`` entry (record digests and
        categories; key ``("results", ...)`` likewise); corrections in the batch are named in both
        entries' reason.
    min_officers:
        Inspectors an on-site record must show present (two law-enforcement officers, §四(七)1).

    Raises
    ------
    UnassignedTaskError
        The task is unknown, has no group, or does not hold the item, object or department.
    InspectorNotInGroupError
        An inspector present is not in the task's group, or showed a certificate that is not theirs or not
        valid; or an on-site record shows fewer than ``min_officers`` inspectors.
    ResultDateError
        The inspection started before the task's window, or the result was entered before the inspection
        ended.
    DuplicateResultError
        A second result for a task and item without a ``correction`` reason.
    UnknownCategoryError
        A finding's category is not in the book's vocabulary.
    DeregisteredObjectError
        The object was deregistered before the inspection.
    """
    by_task = {t.id: t for t in tasks}
    groups = _groups_of(assignments)
    vocab = book.vocabulary
    current = {r.record_id: r for r in book.results}
    batch = list(records)
    alive_of: dict[str, bool] = {}
    if objects is not None and batch:
        found = _positions(objects, {r.object_id for r in batch})
        alive = np.asarray(objects.alive)
        alive_of = {oid: bool(alive[i]) for oid, i in found.items()}
    seen_in_batch: set[str] = set()
    entered: list[EnteredResult] = []
    for record in batch:
        rid = record.record_id
        task = by_task.get(record.task_id)
        if task is None or record.task_id not in groups:
            raise UnassignedTaskError(
                f"record {rid}: task {record.task_id!r} was never assigned to an inspection group; enter "
                "results only for matched tasks (or create an immediate task and match it first)",
                record_id=rid,
            )
        if record.item_id not in task.items:
            raise UnassignedTaskError(
                f"record {rid}: item {record.item_id!r} is not an item of task {task.id!r} "
                f"(items: {', '.join(task.items)})",
                record_id=rid,
            )
        if record.object_id != task.object_id:
            raise UnassignedTaskError(
                f"record {rid}: object {record.object_id!r} is not the task's object {task.object_id!r}",
                record_id=rid,
            )
        if record.department not in task.departments:
            raise UnassignedTaskError(
                f"record {rid}: department {record.department!r} does not take part in task {task.id!r} "
                f"(departments: {', '.join(task.departments)}); the inspecting department enters its result",
                record_id=rid,
            )
        if record.start < task.start:
            raise ResultDateError(
                f"record {rid}: inspection started {record.start}, before the task's window opens "
                f"{task.start}",
                record_id=rid,
            )
        if record.entered_on < record.end:
            raise ResultDateError(
                f"record {rid}: entered on {record.entered_on}, before the inspection ended on "
                f"{record.end}; enter a result after the inspection",
                record_id=rid,
            )
        categories = [vocab.parse(f.category, record_id=rid) for f in record.findings]
        group = groups[record.task_id]
        for presence in record.inspectors:
            if presence.inspector_id not in group:
                raise InspectorNotInGroupError(
                    f"record {rid}: inspector {presence.inspector_id!r} is not in the group of task "
                    f"{task.id!r}; only assigned inspectors (or approved substitutes) may inspect",
                    record_id=rid,
                )
            if inspectors is not None and presence.inspector_id in inspectors:
                person = inspectors.get(presence.inspector_id)
                cert = person.certificate
                if presence.certificate and (
                    cert is None or cert.number != presence.certificate or not cert.is_valid_on(record.start)
                ):
                    raise InspectorNotInGroupError(
                        f"record {rid}: inspector {presence.inspector_id!r} showed certificate "
                        f"{presence.certificate!r}, which is not their certificate valid on {record.start}",
                        record_id=rid,
                    )
        if record.method is InspectionMethod.ON_SITE and len(record.inspectors) < min_officers:
            raise InspectorNotInGroupError(
                f"record {rid}: an on-site inspection needs at least {min_officers} inspectors present with "
                f"their certificates; the record lists {len(record.inspectors)}",
                record_id=rid,
            )
        gone = None if deregistered is None else deregistered.get(record.object_id)
        if gone is not None and record.start > gone:
            raise DeregisteredObjectError(
                f"record {rid}: object {record.object_id!r} was deregistered on {gone}, before the "
                f"inspection on {record.start}",
                record_id=rid,
            )
        if alive_of.get(record.object_id) is False and gone is None:
            raise DeregisteredObjectError(
                f"record {rid}: object {record.object_id!r} is not alive (deregistered) in the directory",
                record_id=rid,
            )
        if (rid in current or rid in seen_in_batch) and not (record.correction or "").strip():
            raise DuplicateResultError(
                f"record {rid}: a result for this task and item is already entered; give "
                "correction='<reason>' to replace it (both versions are kept)",
                record_id=rid,
            )
        seen_in_batch.add(rid)
        previous = current.get(rid)
        superseded = () if previous is None else (*previous.superseded, previous.record)
        result = EnteredResult(record=record, category=vocab.worst(categories), superseded=superseded)
        current[rid] = result
        entered.append(result)
    new_book = book._with(current.values())
    if journal is not None and entered:
        from randinspect.draw.journal import EntryKind

        corrections = [r.record_id for r in entered if r.superseded]
        reason = "corrections: " + ", ".join(corrections) if corrections else None
        first = (str(book.year), min(r.record.entered_on for r in entered).isoformat(), entered[0].record_id)
        # The batch's inspection records (抽查记录表) and its results: one entry each, both checked before
        # either is appended, so a refusal leaves the journal as it was. One entry per batch, not per
        # record: a ledger appends in time linear in its length, so per-record entries would make a year's
        # entry quadratic.
        entries = [
            (
                EntryKind.INSPECTION_RECORD,
                {"year": book.year, "records": [inspection_record_entry(r.record) for r in entered]},
                ("inspection-records", *first),
            ),
            (
                EntryKind.RESULT,
                {
                    "year": book.year,
                    "records": [
                        {
                            "id": r.record_id,
                            "object_id": r.record.object_id,
                            "department": r.record.department,
                            "category": r.category.code,
                            "entered_on": r.record.entered_on.isoformat(),
                            "digest": r.record.digest(),
                            "attachments": [a.digest for a in r.record.attachments],
                        }
                        for r in entered
                    ],
                },
                ("results", *first),
            ),
        ]
        for kind, payload, key in entries:
            journal.check_append(kind, payload, key=key, reason=reason)
        for kind, payload, key in entries:
            journal.append(kind, payload, key=key, reason=reason)
    return new_book
