"""Tests for the annual cycle: deadlines, what is late, and the last push date for joint proposals."""

from __future__ import annotations

import datetime as dt

import pytest

from randinspect.calendar import ChineseOfficialCalendar, WeekendsOnly
from randinspect.errors import CalendarDataMissingError, ConfigurationError
from randinspect.planning import AnnualCycle, Milestone

D = dt.date
CYCLE = AnnualCycle(year=2027, calendar=ChineseOfficialCalendar())


class TestAnnualCycle:
    def test_default_deadlines(self) -> None:
        """The 2027 cycle runs in 2026: lists 31 Oct, draws 10 Nov, summary 5 Dec, joint plan 15 Dec."""
        assert CYCLE.schedule() == (
            (Milestone.ITEM_LISTS_AND_PLANS, D(2026, 10, 31)),
            (Milestone.DRAWS, D(2026, 11, 10)),
            (Milestone.SUMMARY, D(2026, 12, 5)),
            (Milestone.JOINT_PLAN, D(2026, 12, 15)),
        )

    def test_custom_deadline(self) -> None:
        """A city may set its own date for a milestone."""
        cycle = AnnualCycle(year=2027, calendar=WeekendsOnly(), deadlines={Milestone.JOINT_PLAN: (12, 20)})
        assert cycle.due(Milestone.JOINT_PLAN) == D(2026, 12, 20)
        assert cycle.due(Milestone.DRAWS) == D(2026, 11, 10)

    def test_bad_deadline(self) -> None:
        """A deadline that is not a date is refused."""
        with pytest.raises(ConfigurationError):
            AnnualCycle(year=2027, calendar=WeekendsOnly(), deadlines={Milestone.DRAWS: (11, 31)})

    def test_status(self) -> None:
        """On 20 Nov 2026: lists done on time, draws done late, summary and joint plan pending.

        Draws due Tue 10 Nov, done Fri 13 Nov: 3 calendar days and 3 working days (11, 12, 13 Nov) late.
        """
        status = CYCLE.status(
            {Milestone.ITEM_LISTS_AND_PLANS: D(2026, 10, 30), Milestone.DRAWS: D(2026, 11, 13)},
            today=D(2026, 11, 20),
        )
        states = {s.milestone: (s.state, s.days_late, s.working_days_late) for s in status}
        assert states == {
            Milestone.ITEM_LISTS_AND_PLANS: ("done", 0, 0),
            Milestone.DRAWS: ("done-late", 3, 3),
            Milestone.SUMMARY: ("pending", 0, 0),
            Milestone.JOINT_PLAN: ("pending", 0, 0),
        }

    def test_late_lists_overdue(self) -> None:
        """On 8 Dec 2026 with nothing done, lists, draws and the summary are late."""
        late = CYCLE.late({}, today=D(2026, 12, 8))
        assert [s.milestone for s in late] == [
            Milestone.ITEM_LISTS_AND_PLANS,
            Milestone.DRAWS,
            Milestone.SUMMARY,
        ]
        assert late[-1].days_late == 3
        assert late[-1].to_dict()["state"] == "late"

    def test_completion_in_future_rejected(self) -> None:
        """A completion date after today is an input error."""
        with pytest.raises(ConfigurationError):
            CYCLE.status({Milestone.DRAWS: D(2026, 11, 30)}, today=D(2026, 11, 20))

    def test_latest_push_date(self) -> None:
        """Proposals must be pushed by Tue 1 Dec 2026 so answers (10 working days) end by Tue 15 Dec.

        2-4 Dec (1-3), 7-11 Dec (4-8), 14, 15 Dec (9, 10); pushing on 2 Dec would end on 16 Dec.
        """
        assert CYCLE.latest_push_date() == D(2026, 12, 1)

    def test_uncovered_year_for_push_date(self) -> None:
        """The 2028 cycle runs in 2027, whose schedule is not yet published: an explicit error."""
        with pytest.raises(CalendarDataMissingError):
            AnnualCycle(year=2028, calendar=ChineseOfficialCalendar()).latest_push_date()

    def test_working_days_late_unknown_without_data(self) -> None:
        """Where the calendar lacks the year, working-day lateness is None, calendar days still count."""
        cycle = AnnualCycle(year=2028, calendar=ChineseOfficialCalendar())
        status = cycle.status({}, today=D(2027, 11, 12))
        draws = next(s for s in status if s.milestone is Milestone.DRAWS)
        assert draws.days_late == 2
        assert draws.working_days_late is None
