"""The annual cycle (年度时限, §五(四)): which step is due when, and what is late.

For plan year ``Y`` the work happens in ``Y - 1``:

========================  ===============  ==========================================================
milestone                 default due      policy text
========================  ===============  ==========================================================
item lists and plans      31 October       每年度10月底前拟定次年度抽查事项清单，拟定随机抽查工作计划
draws                     10 November      每年度11月上旬前完成次年度检查对象抽取工作 (上旬 = days 1–10)
year summary              5 December       每年度12月5日前，向市联席办报送本年度工作总结
joint plan                15 December      每年度12月中旬前 … 形成次年度部门联合抽查计划 (中旬 = days 11–20)
========================  ===============  ==========================================================

"Early November" and "mid-December" are ranges in the policy; the defaults take the end of 上旬 and the middle
of 中旬, and :class:`AnnualCycle` accepts other dates. The joint-plan answers take 10 working days, so the
proposals must be pushed by :meth:`AnnualCycle.latest_push_date`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from randinspect.errors import ConfigurationError
from randinspect.planning._joint import ANSWER_WORKING_DAYS

if TYPE_CHECKING:
    from randinspect.typing import WorkCalendar

__all__ = ["DEFAULT_DEADLINES", "AnnualCycle", "Milestone", "MilestoneStatus"]


class Milestone(enum.Enum):
    """A step of the annual cycle with a deadline."""

    ITEM_LISTS_AND_PLANS = "item_lists_and_plans"
    DRAWS = "draws"
    SUMMARY = "summary"
    JOINT_PLAN = "joint_plan"

    @property
    def zh(self) -> str:
        """The Chinese term."""
        return {
            Milestone.ITEM_LISTS_AND_PLANS: "抽查事项清单和工作计划",
            Milestone.DRAWS: "检查对象抽取",
            Milestone.SUMMARY: "年度工作总结",
            Milestone.JOINT_PLAN: "部门联合抽查计划",
        }[self]


DEFAULT_DEADLINES: Final[Mapping[Milestone, tuple[int, int]]] = {
    Milestone.ITEM_LISTS_AND_PLANS: (10, 31),
    Milestone.DRAWS: (11, 10),
    Milestone.SUMMARY: (12, 5),
    Milestone.JOINT_PLAN: (12, 15),
}
"""(month, day) of each deadline in the year before the plan year (§五(四)); see the module docstring."""


@attrs.frozen(kw_only=True)
class MilestoneStatus:
    """Where a milestone stands on a given day.

    Attributes
    ----------
    milestone, due:
        The step and its deadline.
    completed_on:
        When it was completed, or ``None``.
    state:
        ``"done"``, ``"done-late"``, ``"late"`` (not done, deadline passed) or ``"pending"``.
    days_late:
        Calendar days past the deadline (0 when on time or pending).
    working_days_late:
        The same in working days on the cycle's calendar, when the calendar covers the dates, else ``None``.
    """

    milestone: Milestone
    due: dt.date
    completed_on: dt.date | None
    state: str
    days_late: int
    working_days_late: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "milestone": self.milestone.value,
            "name": self.milestone.zh,
            "due": self.due.isoformat(),
            "completed_on": None if self.completed_on is None else self.completed_on.isoformat(),
            "state": self.state,
            "days_late": self.days_late,
            "working_days_late": self.working_days_late,
        }


def _deadlines_converter(
    value: Mapping[Milestone, tuple[int, int]] | None,
) -> Mapping[Milestone, tuple[int, int]]:
    merged = dict(DEFAULT_DEADLINES)
    if value:
        merged.update(value)
    return merged


@attrs.frozen(kw_only=True)
class AnnualCycle:
    """The deadlines of one plan year's cycle (§五(四)) on a working-day calendar.

    Parameters
    ----------
    year:
        The plan year; the deadlines fall in ``year - 1``.
    calendar:
        A :class:`~randinspect.typing.WorkCalendar` for working-day figures and the push date.
    deadlines:
        Overrides of :data:`DEFAULT_DEADLINES` as (month, day).

    Examples
    --------
    >>> from randinspect.calendar import ChineseOfficialCalendar
    >>> cycle = AnnualCycle(year=2027, calendar=ChineseOfficialCalendar())
    >>> cycle.due(Milestone.JOINT_PLAN)
    datetime.date(2026, 12, 15)
    """

    year: int
    calendar: WorkCalendar
    deadlines: Mapping[Milestone, tuple[int, int]] = attrs.field(default=None, converter=_deadlines_converter)

    def __attrs_post_init__(self) -> None:
        for milestone, (month, day) in self.deadlines.items():
            try:
                dt.date(self.year - 1, month, day)
            except ValueError:
                raise ConfigurationError(
                    f"deadline {month}-{day} of {milestone.value} is not a date"
                ) from None

    def due(self, milestone: Milestone) -> dt.date:
        """The deadline of ``milestone``."""
        month, day = self.deadlines[milestone]
        return dt.date(self.year - 1, month, day)

    def schedule(self) -> tuple[tuple[Milestone, dt.date], ...]:
        """Every milestone with its deadline, in date order."""
        return tuple(sorted(((m, self.due(m)) for m in Milestone), key=lambda x: x[1]))

    def latest_push_date(self) -> dt.date:
        """The last day joint proposals can be pushed so the 10-working-day answer period ends by the
        joint-plan deadline.

        Raises
        ------
        CalendarDataMissingError
            If the calendar does not cover the dates.
        """
        deadline = self.due(Milestone.JOINT_PLAN)
        day = deadline
        while self.calendar.add_working_days(day, ANSWER_WORKING_DAYS) > deadline:
            day -= dt.timedelta(days=1)
        return day

    def status(
        self, completed: Mapping[Milestone, dt.date | None], *, today: dt.date
    ) -> tuple[MilestoneStatus, ...]:
        """Where each milestone stands on ``today``.

        Parameters
        ----------
        completed:
            Completion date of each milestone done so far (missing or ``None``: not done).
        today:
            The reference day.
        """
        out = []
        for milestone, due in self.schedule():
            done_on = completed.get(milestone)
            if done_on is not None and done_on > today:
                raise ConfigurationError(
                    f"{milestone.value} completed on {done_on.isoformat()}, after today {today.isoformat()}"
                )
            end = done_on if done_on is not None else today
            late = max((end - due).days, 0)
            if done_on is not None:
                state = "done-late" if late else "done"
            else:
                state = "late" if late else "pending"
            try:
                working_late: int | None = max(self.calendar.working_days_between(due, end), 0) if late else 0
            except LookupError:
                working_late = None
            out.append(
                MilestoneStatus(
                    milestone=milestone,
                    due=due,
                    completed_on=done_on,
                    state=state,
                    days_late=late,
                    working_days_late=working_late,
                )
            )
        return tuple(out)

    def late(
        self, completed: Mapping[Milestone, dt.date | None], *, today: dt.date
    ) -> tuple[MilestoneStatus, ...]:
        """Only the milestones that are late or were done late."""
        return tuple(s for s in self.status(completed, today=today) if s.state in ("late", "done-late"))
