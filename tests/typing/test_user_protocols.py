"""User code written against the Protocols: it type-checks (mypy --strict runs on this file in CI) and works.

Nothing here subclasses a randinspect class: the Protocols are structural, so a host system's own calendar
or credit-risk matrix plugs in by having the right methods.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Any

from randinspect.datasets import demo_city, demo_items
from randinspect.directory import GradeRule, ObjectDirectory
from randinspect.draw import PublicSeedSource, TieredPolicy, draw, verify
from randinspect.errors import JournalError, RecordConflictError, RecordNotFoundError, ScaleError
from randinspect.ledger import (
    GENESIS_HASH,
    RECORD_SCHEMA_VERSION,
    Journal,
    JournalEntry,
    JournalKey,
    StoredRecord,
    encode_record,
)
from randinspect.planning import OverlapMerger, run_cycle
from randinspect.results import DEFAULT_FEEDBACK, ResultBook, apply_feedback
from randinspect.testing import check_journal_store, check_record_store, check_sampling_policy
from randinspect.typing import (
    CreditRiskMatrix,
    FeedbackRules,
    JournalView,
    LockingJournalStore,
    RandomSource,
    RecordStore,
    SamplingPolicy,
    WorkCalendar,
)


class FlatMatrix:
    """A city's own matrix: every cell at the item's ratio, C and D drawn twice as often."""

    @property
    def credit_levels(self) -> tuple[str, ...]:
        return ("A", "B", "C", "D")

    @property
    def risk_levels(self) -> tuple[str, ...]:
        return ("low", "medium", "high")

    def multiplier(self, credit: str, risk: str) -> Fraction:
        if credit not in self.credit_levels or risk not in self.risk_levels:
            raise ScaleError(f"unknown cell {credit}/{risk}")
        return Fraction(2) if credit in ("C", "D") else Fraction(1)

    def frequency(self, credit: str, risk: str) -> Fraction:
        return Fraction(1)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "flat-test-matrix"}


class SixDayWeek:
    """A calendar where only Sunday is a rest day (a user override, for the Protocol's sake)."""

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() != 6

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        day = start
        while n > 0:
            day += dt.timedelta(days=1)
            n -= self.is_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        return sum(
            self.is_working_day(start + dt.timedelta(days=k)) for k in range(1, (end - start).days + 1)
        )

    def covers(self, year: int) -> bool:
        return True


class ListLedger:
    """A host's own ledger store: a list behind a thread lock (a structural LockingJournalStore)."""

    def __init__(self) -> None:
        self._rows: list[JournalEntry] = []
        self._lock = threading.Lock()

    def _extends(self, entry: JournalEntry) -> None:
        last = self.last()
        if (entry.seq, entry.prev_hash) != ((1, GENESIS_HASH) if last is None else (last.seq + 1, last.hash)):
            raise JournalError(f"entry seq {entry.seq} does not extend the ledger")

    def append(self, entry: JournalEntry) -> None:
        with self._lock:
            self._extends(entry)
            self._rows.append(entry)

    def append_locked(self, build: Callable[[JournalView], JournalEntry]) -> JournalEntry:
        with self._lock:
            entry = build(self)
            self._extends(entry)
            self._rows.append(entry)
            return entry

    def history(self, key: JournalKey) -> Iterator[JournalEntry]:
        return iter([e for e in self._rows if e.key == key])

    def entries(self) -> Iterator[JournalEntry]:
        return iter(list(self._rows))

    def last(self) -> JournalEntry | None:
        return self._rows[-1] if self._rows else None

    def __len__(self) -> int:
        return len(self._rows)


def test_user_ledger_store_is_a_locking_journal_store() -> None:
    """A structural LockingJournalStore passes the conformance check and takes results like any store."""
    store: LockingJournalStore = ListLedger()
    check_journal_store(ListLedger)
    journal = Journal(store)
    journal.append("result", {"category": "未发现问题"}, key=("T-1",))
    assert journal.verify().length == 1


class DictRecords:
    """A host's own record store: a dict in memory (a structural RecordStore, validated by encode_record)."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], StoredRecord] = {}

    def put(self, kind: str, record_id: str, document: Any, *, year: int | None = None) -> StoredRecord:
        text, digest = encode_record(kind, record_id, document)
        record = StoredRecord(
            kind=kind,
            id=record_id,
            year=year,
            text=text,
            digest=digest,
            schema_version=RECORD_SCHEMA_VERSION,
            created_at="2027-01-01T00:00:00Z",
        )
        stored = self._rows.setdefault((kind, record_id), record)
        if not stored.same_content(year, text):
            raise RecordConflictError(f"{kind} record {record_id!r} is stored with other bytes")
        return stored

    def get(self, kind: str, record_id: str) -> StoredRecord:
        try:
            return self._rows[(kind, record_id)]
        except KeyError:
            raise RecordNotFoundError(f"no {kind} record {record_id!r}") from None

    def records(self, *, kind: str | None = None, year: int | None = None) -> Iterator[StoredRecord]:
        for key in sorted(self._rows):
            record = self._rows[key]
            if (kind is None or record.kind == kind) and (year is None or record.year == year):
                yield record

    def __len__(self) -> int:
        return len(self._rows)


def test_user_record_store_is_a_record_store() -> None:
    """A structural RecordStore passes the conformance check."""
    store: RecordStore = DictRecords()
    check_record_store(DictRecords)
    assert store.put("summary", "2027", {"year": 2027}).digest == store.get("summary", "2027").digest


def test_user_matrix_is_a_credit_risk_matrix() -> None:
    """A structural CreditRiskMatrix drives the tiered policy, and the draw verifies."""
    matrix: CreditRiskMatrix = FlatMatrix()
    policy: SamplingPolicy = TieredPolicy(matrix=matrix)
    city = demo_city(n_objects=1_500, seed=3)
    item = demo_items(city.year).get(f"{city.year}-SAMR-02")
    source: RandomSource = PublicSeedSource("typing test")
    record = draw(city.objects, item, source, policy=policy)
    verify(record, city.objects, policy=policy)
    check_sampling_policy(policy)


def test_user_calendar_is_a_work_calendar() -> None:
    """A structural WorkCalendar sets the ten-working-day answer deadline of joint proposals."""
    calendar: WorkCalendar = SixDayWeek()
    assert calendar.add_working_days(dt.date(2026, 11, 10), 10) == dt.date(2026, 11, 21)
    city = demo_city(n_objects=1_500, seed=3)
    result = run_cycle(
        city.objects,
        demo_items(city.year),
        source=PublicSeedSource("typing test"),
        calendar=calendar,
        merger=OverlapMerger(),
        pushed_on=dt.date(2026, 11, 10),
        skip_empty=True,
    )
    assert result.proposals.due_on == dt.date(2026, 11, 21)


class NoUpgradeFeedback:
    """A city's own feedback rules: the default's, except that clean years never raise a grade."""

    def grade_rules(
        self, objects: ObjectDirectory, book: ResultBook, *, history: Sequence[ResultBook] = ()
    ) -> Sequence[GradeRule]:
        rules = DEFAULT_FEEDBACK.grade_rules(objects, book, history=history)
        return [r for r in rules if r.credit_shift >= 0]

    def marks(self, book: ResultBook) -> dict[str, str]:
        return DEFAULT_FEEDBACK.marks(book)

    def problem_ids(self, book: ResultBook, referrals: Iterable[Any] = ()) -> tuple[str, ...]:
        return DEFAULT_FEEDBACK.problem_ids(book, referrals)

    def describe(self) -> dict[str, Any]:
        return {"rules": "no-upgrade"}


def test_user_feedback_rules() -> None:
    """A user's FeedbackRules type-checks, is accepted by apply_feedback and changes nothing on no results."""
    rules: FeedbackRules = NoUpgradeFeedback()
    city = demo_city(n_objects=300, seed=3)
    out = apply_feedback(city.objects, ResultBook(year=city.year), rules=rules)
    assert len(out.report) == 0
    assert out.problem_ids == ()
