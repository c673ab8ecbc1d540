"""User code written against the Protocols: it type-checks (mypy --strict runs on this file in CI) and works.

Nothing here subclasses a randinspect class: the Protocols are structural, so a host system's own calendar
or credit-risk matrix plugs in by having the right methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from randinspect.datasets import demo_city, demo_items
from randinspect.directory import GradeRule, ObjectDirectory
from randinspect.draw import PublicSeedSource, TieredPolicy, draw, verify
from randinspect.errors import ScaleError
from randinspect.planning import OverlapMerger, run_cycle
from randinspect.results import DEFAULT_FEEDBACK, ResultBook, apply_feedback
from randinspect.testing import check_sampling_policy
from randinspect.typing import (
    CreditRiskMatrix,
    FeedbackRules,
    RandomSource,
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
