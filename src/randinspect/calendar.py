"""Working-day calendars (工作日历): deadlines such as "within 10 working days" (10个工作日内).

The policy counts several deadlines in working days: departments answer a joint-plan proposal within 10
working days (§四(六)2) and results are published within 20 working days (§四(九)1). In China a working
day is a day that is neither a weekend day nor a public holiday, except that the State Council moves some
weekend days to working days (调休上班, "make-up working days") to build longer holiday blocks. The
schedule for a year is published by the State Council General Office late in the previous year
(国务院办公厅关于…年部分节假日安排的通知), so a calendar cannot know a year before its notice exists.

**How deadlines are counted.** ``add_working_days(start, n)`` is the *n*-th working day after ``start``,
not counting ``start`` itself: the Chinese administrative reading, in which the day an act happens is not
counted and the period runs from the next day (《中华人民共和国民法典》第二百零一条:
开始的当日不计入，自下一日开始计算), and periods in working days leave out public holidays
(《中华人民共和国行政许可法》第八十二条, 《中华人民共和国行政处罚法》第八十五条). So a proposal
pushed on a Friday with a 10-working-day answer period is due on the 10th working day after that Friday,
and an answer given on that day is on time.

``working_days_between(a, b)`` counts the working days ``d`` with ``a < d <= b`` (negative when ``b < a``), so
``working_days_between(a, add_working_days(a, n)) == n`` for every ``n >= 0``.

Built-ins
---------
:class:`ChineseOfficialCalendar`
    Holidays and make-up working days from randinspect's own data file, transcribed from the State Council
    notices (one per year, each cited by number), currently 2024–2026; a year not covered raises
    :class:`~randinspect.errors.CalendarDataMissingError` unless the caller asks for ``fallback="weekends"``.
:class:`WeekendsOnly`
    Monday to Friday are working days; no holidays.
:class:`OverrideCalendar`
    Another calendar with local holidays and working days laid over it, from code or a CSV/JSON file.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from randinspect._json import loads as strict_json_loads
from randinspect._json import read_json_file
from randinspect.errors import CalendarDataMissingError, CalendarError, ConfigurationError, LoadError, Problem

__all__ = [
    "DEFAULT_FALLBACK",
    "ChineseOfficialCalendar",
    "FallbackMode",
    "HolidaySchedule",
    "OverrideCalendar",
    "ProvisionalCalendar",
    "WeekendsOnly",
    "load_holiday_schedules",
    "statutory_holidays",
]

FallbackMode = Literal["error", "weekends"]
"""What :class:`ChineseOfficialCalendar` does for a year without an official schedule."""

DEFAULT_FALLBACK: Final[FallbackMode] = "error"
"""Default for years without data: raise :class:`~randinspect.errors.CalendarDataMissingError`.

A deadline computed on a guessed calendar can be wrong by a whole holiday block (Spring Festival is up to nine
days), so guessing is never the default. See ``docs/calendar.md`` when changing this."""

_ONE_DAY: Final = dt.timedelta(days=1)
_MAX_STEPS: Final = 400 * 366  # guard against an endless search on a calendar with no working day


def _as_date(value: object, *, what: str = "date") -> dt.date:
    """Accept a :class:`datetime.date` (not a datetime) or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ConfigurationError(
                f"{what} {value!r} is not an ISO date; write it as YYYY-MM-DD, for example 2026-10-10"
            ) from None
    raise ConfigurationError(
        f"{what} must be a datetime.date or an ISO date string, not {type(value).__name__}"
    )


def _dates(values: Iterable[object], *, what: str) -> frozenset[dt.date]:
    return frozenset(_as_date(v, what=what) for v in values)


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


class _WorkingDayArithmetic:
    """Deadline arithmetic shared by the built-in calendars, written once on top of ``is_working_day``."""

    def is_working_day(self, day: dt.date) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """Return the ``n``-th working day after ``start``, not counting ``start`` itself.

        Parameters
        ----------
        start:
            The day the period starts (the push date, the inspection date). It may be a holiday.
        n:
            Number of working days. ``0`` returns ``start`` unchanged; a negative ``n`` counts backwards
            (the ``|n|``-th working day before ``start``).

        Raises
        ------
        CalendarDataMissingError
            If the count passes through a year whose schedule the calendar does not know.
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise ConfigurationError(f"number of working days must be an int, not {type(n).__name__}")
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        day = start
        steps = 0
        while remaining:
            day = day + step
            steps += 1
            if steps > _MAX_STEPS:
                raise CalendarError(f"no working day found within {_MAX_STEPS} days of {start.isoformat()}")
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Count working days ``d`` with ``start < d <= end``; negative when ``end < start``.

        ``working_days_between(a, add_working_days(a, n)) == n`` for every ``n >= 0``.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return count


@attrs.frozen
class WeekendsOnly(_WorkingDayArithmetic):
    """A calendar in which Monday to Friday are working days and there are no holidays (仅周末休息).

    Useful for simulations and for places that keep no holiday schedule; it covers every year.

    Examples
    --------
    >>> WeekendsOnly().add_working_days(dt.date(2026, 11, 20), 10)  # a Friday
    datetime.date(2026, 12, 4)
    """

    def is_working_day(self, day: dt.date) -> bool:
        """True from Monday to Friday."""
        return not _is_weekend(day)

    def covers(self, year: int) -> bool:
        """Always True: the rule needs no data."""
        return True


def _frozen_dates(values: Iterable[object]) -> frozenset[dt.date]:
    return _dates(values, what="date")


def _count_repr(dates: frozenset[dt.date]) -> str:
    return f"<{len(dates)} dates>"


@attrs.frozen(kw_only=True)
class HolidaySchedule:
    """One year's official holiday arrangement (放假调休安排).

    Parameters
    ----------
    year:
        The year the notice arranges.
    holidays:
        Days off (放假调休日), including the weekend days inside a holiday block.
    workdays:
        Make-up working days (调休上班日): weekend days declared working days.
    notice:
        Document number of the notice, for example ``"国办发明电〔2025〕7号"``.
    title:
        Title of the notice.
    published:
        Date the notice was issued.

    Raises
    ------
    ConfigurationError
        If a day is both a holiday and a working day, or if no holiday is listed: every official
        arrangement has at least New Year's Day, so an empty one is a broken file, which would otherwise
        make the year silently "covered" as weekends only.
    """

    year: int
    holidays: frozenset[dt.date] = attrs.field(converter=_frozen_dates, repr=_count_repr)
    workdays: frozenset[dt.date] = attrs.field(converter=_frozen_dates, repr=_count_repr)
    notice: str = ""
    title: str = ""
    published: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if not self.holidays:
            raise ConfigurationError(
                f"holiday schedule {self.year} lists no holidays; an official arrangement (放假安排) always "
                "has some (at least New Year's Day): check the file, or use WeekendsOnly on purpose"
            )
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ConfigurationError(
                f"holiday schedule {self.year}: {', '.join(d.isoformat() for d in both)} listed both as "
                "holiday "
                "and as make-up working day; keep each date in one list"
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HolidaySchedule:
        """Build from the JSON form of ``randinspect/data/calendar/cn_official.json``.

        Accepts either ``festivals`` (each with ``off: [first, last]`` and ``workdays``) or flat ``holidays``
        and ``workdays`` lists of ISO dates.
        """
        try:
            year = int(data["year"])
        except (KeyError, TypeError, ValueError):
            raise ConfigurationError("holiday schedule needs an integer 'year'") from None
        holidays: set[dt.date] = set(_dates(data.get("holidays", ()), what=f"{year} holiday"))
        workdays: set[dt.date] = set(_dates(data.get("workdays", ()), what=f"{year} make-up working day"))
        for festival in data.get("festivals", ()):
            name = festival.get("name", "?")
            off = festival.get("off")
            if not isinstance(off, Sequence) or len(off) != 2:
                raise ConfigurationError(f"{year} festival {name!r}: 'off' must be [first, last] ISO dates")
            first = _as_date(off[0], what=f"{year} {name} first day off")
            last = _as_date(off[1], what=f"{year} {name} last day off")
            if last < first:
                raise ConfigurationError(f"{year} festival {name!r}: last day off {last} is before {first}")
            day = first
            while day <= last:
                holidays.add(day)
                day += _ONE_DAY
            workdays.update(_dates(festival.get("workdays", ()), what=f"{year} {name} make-up working day"))
        published = data.get("published")
        return cls(
            year=year,
            holidays=holidays,
            workdays=workdays,
            notice=str(data.get("notice", "")),
            title=str(data.get("title", "")),
            published=None if published in (None, "") else _as_date(published, what="published"),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (flat lists), accepted back by :meth:`from_dict`."""
        return {
            "year": self.year,
            "notice": self.notice,
            "title": self.title,
            "published": None if self.published is None else self.published.isoformat(),
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "workdays": [d.isoformat() for d in sorted(self.workdays)],
        }


def load_holiday_schedules(path: str | os.PathLike[str]) -> tuple[HolidaySchedule, ...]:
    """Read holiday schedules from a JSON file in the format of the bundled data.

    The file holds ``{"years": [ {year, notice, title, published, festivals | holidays, workdays}, ... ]}`` or
    a single year's object.

    Raises
    ------
    LoadError
        If the file cannot be read or a year is malformed; nothing is loaded.
    """
    source = os.fspath(path)
    data = read_json_file(source)
    return _schedules_from_json(data, source)


def _schedules_from_json(data: object, source: str) -> tuple[HolidaySchedule, ...]:
    if isinstance(data, Mapping) and "years" in data:
        entries = data["years"]
    elif isinstance(data, Mapping):
        entries = [data]
    else:
        entries = data
    if not isinstance(entries, Sequence):
        raise LoadError(
            [Problem(message="expected an object with 'years' or a list of years", source=source)]
        )
    out: list[HolidaySchedule] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise LoadError([Problem(message="each year must be an object", source=source, row=i + 1)])
        try:
            out.append(HolidaySchedule.from_dict(entry))
        except ConfigurationError as exc:
            raise LoadError(
                [Problem(message=str(exc), source=source, row=i + 1, hint="fix this year's entry")]
            ) from None
    return tuple(out)


@functools.cache
def _bundled_schedules() -> tuple[HolidaySchedule, ...]:
    """The schedules shipped in ``randinspect/data/calendar/cn_official.json`` (read once; immutable)."""
    ref = resources.files("randinspect").joinpath("data", "calendar", "cn_official.json")
    data = json.loads(ref.read_text(encoding="utf-8"))
    return _schedules_from_json(data, "randinspect/data/calendar/cn_official.json")


def _schedules_converter(value: Iterable[HolidaySchedule] | None) -> tuple[HolidaySchedule, ...]:
    if value is None:
        return _bundled_schedules()
    return tuple(sorted(value, key=lambda s: s.year))


def _check_fallback(_instance: object, _attribute: object, value: object) -> None:
    if value not in ("error", "weekends"):
        raise ConfigurationError(f"fallback must be 'error' or 'weekends', not {value!r}")


@attrs.frozen
class ChineseOfficialCalendar(_WorkingDayArithmetic):
    """The official Chinese working-day calendar with holidays and make-up working days (法定节假日与调休).

    A day is a working day when it is a make-up working day of a loaded schedule, or a Monday to Friday that
    is not a holiday of a loaded schedule. The bundled schedules are randinspect's own transcription of the
    State Council General Office notices:

    * 2024: 国办发明电〔2023〕7号, 25 October 2023;
    * 2025: 国办发明电〔2024〕12号, 12 November 2024;
    * 2026: 国办发明电〔2025〕7号, 4 November 2025.

    Parameters
    ----------
    schedules:
        The yearly schedules; ``None`` (the default) uses the bundled ones.
    fallback:
        ``"error"`` (default, :data:`DEFAULT_FALLBACK`): a date in a year without a schedule raises
        :class:`~randinspect.errors.CalendarDataMissingError`. ``"weekends"``: such a year is treated as
        weekends-only, which ignores holidays not yet published; ask for it only when an approximate deadline
        is acceptable.

    Raises
    ------
    ConfigurationError
        If two schedules are given for the same year.

    Examples
    --------
    >>> cal = ChineseOfficialCalendar()
    >>> cal.add_working_days(dt.date(2025, 9, 26), 10)  # Friday before National Day 2025
    datetime.date(2025, 10, 16)
    """

    schedules: tuple[HolidaySchedule, ...] = attrs.field(
        default=None, converter=_schedules_converter, repr=lambda value: f"<years {[x.year for x in value]}>"
    )
    fallback: FallbackMode = attrs.field(default=DEFAULT_FALLBACK, validator=_check_fallback)
    _holidays: frozenset[dt.date] = attrs.field(init=False, repr=False, eq=False)
    _workdays: frozenset[dt.date] = attrs.field(init=False, repr=False, eq=False)
    _years: frozenset[int] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        years = [s.year for s in self.schedules]
        duplicated = sorted({y for y in years if years.count(y) > 1})
        if duplicated:
            raise ConfigurationError(
                f"more than one holiday schedule for {', '.join(map(str, duplicated))}; give one per year "
                "(use with_year(..., replace=True) to correct a year)"
            )
        holidays: set[dt.date] = set()
        workdays: set[dt.date] = set()
        for schedule in self.schedules:
            holidays |= schedule.holidays
            workdays |= schedule.workdays
        clash = sorted(holidays & workdays)
        if clash:
            raise ConfigurationError(
                f"schedules disagree on {', '.join(d.isoformat() for d in clash)}: holiday in one year's "
                "notice "
                "and make-up working day in another's"
            )
        object.__setattr__(self, "_holidays", frozenset(holidays))
        object.__setattr__(self, "_workdays", frozenset(workdays))
        object.__setattr__(self, "_years", frozenset(years))

    @property
    def years(self) -> tuple[int, ...]:
        """The years whose official schedule is loaded, ascending."""
        return tuple(sorted(self._years))

    def covers(self, year: int) -> bool:
        """True when the official schedule of ``year`` is loaded (the fallback does not count)."""
        return year in self._years

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day.

        Raises
        ------
        CalendarDataMissingError
            If ``day``'s year has no schedule and ``fallback`` is ``"error"``.
        """
        if day.year not in self._years:
            if self.fallback == "weekends":
                return not _is_weekend(day) or day in self._workdays
            covered = ", ".join(map(str, self.years)) or "none"
            raise CalendarDataMissingError(
                f"no official holiday schedule for {day.year} (needed for {day.isoformat()}); this calendar "
                f"covers {covered}. The State Council publishes a year's schedule late in the previous year: "
                f"load it with .with_year({day.year}, holidays=..., workdays=...) or "
                ".with_schedule_file(path), "
                "or pass fallback='weekends' to accept a weekends-only approximation"
            )
        if day in self._workdays:
            return True
        return not _is_weekend(day) and day not in self._holidays

    def holiday_schedule(self, year: int) -> HolidaySchedule:
        """The loaded schedule of ``year``.

        Raises
        ------
        CalendarDataMissingError
            If the year is not loaded.
        """
        for schedule in self.schedules:
            if schedule.year == year:
                return schedule
        raise CalendarDataMissingError(f"no official holiday schedule for {year}; loaded: {self.years}")

    def with_year(
        self,
        year: int,
        *,
        holidays: Iterable[dt.date | str],
        workdays: Iterable[dt.date | str] = (),
        notice: str = "",
        title: str = "",
        published: dt.date | None = None,
        replace: bool = False,
    ) -> ChineseOfficialCalendar:
        """Return a new calendar that also knows ``year`` (for example once its notice is published).

        Parameters
        ----------
        year:
            The year.
        holidays, workdays:
            Days off (including weekend days inside holiday blocks) and make-up working days.
        notice, title, published:
            Provenance: cite the notice.
        replace:
            Allow replacing a year already loaded (a correction); otherwise that is an error.

        Raises
        ------
        ConfigurationError
            If the year is loaded and ``replace`` is false, or the lists overlap.
        """
        schedule = HolidaySchedule(
            year=year, holidays=holidays, workdays=workdays, notice=notice, title=title, published=published
        )
        return self.with_schedules([schedule], replace=replace)

    def with_schedules(
        self, schedules: Iterable[HolidaySchedule], *, replace: bool = False
    ) -> ChineseOfficialCalendar:
        """Return a new calendar with ``schedules`` added (see :meth:`with_year`)."""
        new = tuple(schedules)
        new_years = {s.year for s in new}
        if not replace:
            already = sorted(new_years & self._years)
            if already:
                raise ConfigurationError(
                    f"holiday schedule for {', '.join(map(str, already))} is already loaded; "
                    "pass replace=True to correct it"
                )
        kept = tuple(s for s in self.schedules if s.year not in new_years)
        return ChineseOfficialCalendar(kept + new, fallback=self.fallback)

    def with_schedule_file(
        self, path: str | os.PathLike[str], *, replace: bool = False
    ) -> ChineseOfficialCalendar:
        """A new calendar with the schedules of a JSON file added (format: :func:`load_holiday_schedules`)."""
        return self.with_schedules(load_holiday_schedules(path), replace=replace)

    @classmethod
    def from_chinese_calendar(
        cls, years: Iterable[int] | None = None, *, fallback: FallbackMode = DEFAULT_FALLBACK
    ) -> ChineseOfficialCalendar:
        """Build the calendar from the ``chinese-calendar`` package (extra ``randinspect[calendar]``).

        Parameters
        ----------
        years:
            Years to take; ``None`` takes every year the package has data for.
        fallback:
            As for the constructor.

        Raises
        ------
        CalendarError
            If the package is not installed (install ``randinspect[calendar]``).
        CalendarDataMissingError
            If a requested year is not in the package.
        """
        try:
            package = importlib.import_module("chinese_calendar")
        except ImportError as exc:
            raise CalendarError(
                "ChineseOfficialCalendar.from_chinese_calendar needs the 'chinese-calendar' package; install "
                "it with: pip install 'randinspect[calendar]' (or use ChineseOfficialCalendar() with the "
                "bundled data)"
            ) from exc
        holidays: Mapping[dt.date, object] = package.holidays
        workdays: Mapping[dt.date, object] = package.workdays
        version = str(getattr(package, "__version__", "?"))
        available = sorted({d.year for d in holidays})
        wanted = available if years is None else sorted(set(years))
        missing = [y for y in wanted if y not in available]
        if missing:
            raise CalendarDataMissingError(
                f"chinese-calendar {version} has no data for {missing}; "
                f"it covers {available[0]} to {available[-1]}"
            )
        schedules = [
            HolidaySchedule(
                year=y,
                holidays=[d for d in holidays if d.year == y],
                workdays=[d for d in workdays if d.year == y],
                notice=f"chinese-calendar {version}",
            )
            for y in wanted
        ]
        return cls(schedules, fallback=fallback)


def _parse_kind(text: str) -> str | None:
    key = text.strip().casefold()
    if key in {"holiday", "off", "休", "放假", "假"}:
        return "holiday"
    if key in {"workday", "work", "班", "上班", "补班", "调休上班"}:
        return "workday"
    return None


@attrs.frozen(kw_only=True)
class OverrideCalendar(_WorkingDayArithmetic):
    """A calendar with local changes laid over another one (本地调整).

    A local government may add a holiday or a working day (a local festival, a typhoon day off). The listed
    days are answered from the overrides; every other day from ``base``.

    Parameters
    ----------
    base:
        The calendar underneath (any WorkCalendar).
    holidays:
        Days that are not working days.
    workdays:
        Days that are working days.
    source:
        Where the overrides come from (a file name, a document number).

    Raises
    ------
    ConfigurationError
        If a day is in both lists.
    """

    base: Any
    holidays: frozenset[dt.date] = attrs.field(factory=frozenset, converter=_frozen_dates)
    workdays: frozenset[dt.date] = attrs.field(factory=frozenset, converter=_frozen_dates)
    source: str = ""

    def __attrs_post_init__(self) -> None:
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ConfigurationError(
                f"override {self.source or '<code>'}: {', '.join(d.isoformat() for d in both)} both holiday "
                "and "
                "working day; keep each date once"
            )

    def is_working_day(self, day: dt.date) -> bool:
        """The override for ``day`` if there is one, else the base calendar's answer."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return bool(self.base.is_working_day(day))

    def covers(self, year: int) -> bool:
        """The base calendar's coverage (overrides are partial by nature)."""
        return bool(self.base.covers(year))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], base: Any) -> OverrideCalendar:
        """Load overrides from a CSV or JSON file.

        CSV (UTF-8, header row): columns ``date`` (ISO ``YYYY-MM-DD``) and ``kind`` (``holiday``/``休`` or
        ``workday``/``班``), optional ``note``. JSON: ``{"holidays": [...], "workdays": [...]}`` of ISO dates.

        Raises
        ------
        LoadError
            With every problem found (row, column, value); nothing is loaded.
        """
        source = os.fspath(path)
        suffix = Path(source).suffix.lower()
        holidays: list[dt.date] = []
        workdays: list[dt.date] = []
        problems: list[Problem] = []
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise LoadError(
                [
                    Problem(
                        message=f"cannot read calendar overrides: {exc}",
                        source=source,
                        hint="check the path and save the file as UTF-8",
                    )
                ]
            ) from None
        if suffix == ".json":
            data = strict_json_loads(text, source=source)
            if not isinstance(data, Mapping):
                raise LoadError(
                    [Problem(message="expected {'holidays': [...], 'workdays': [...]}", source=source)]
                )
            for key, target in (("holidays", holidays), ("workdays", workdays)):
                values = data.get(key, [])
                if not isinstance(values, list):
                    problems.append(
                        Problem(
                            message=f"{key!r} must be a list of ISO dates, not {type(values).__name__}",
                            source=source,
                            column=key,
                            hint=f'write "{key}": ["2026-03-02", ...]',
                        )
                    )
                    continue
                for i, value in enumerate(values):
                    try:
                        target.append(_as_date(value))
                    except ConfigurationError as exc:
                        problems.append(Problem(message=str(exc), source=source, row=i + 1, column=key))
        else:
            reader = csv.DictReader(text.splitlines())
            fields = [f.strip().casefold() for f in (reader.fieldnames or [])]
            if "date" not in fields or "kind" not in fields:
                raise LoadError(
                    [
                        Problem(
                            message=f"header must have columns 'date' and 'kind', found {reader.fieldnames}",
                            source=source,
                            row=0,
                            hint="write a header line: date,kind,note",
                        )
                    ]
                )
            for row_no, raw in enumerate(reader, start=1):
                row = {str(k).strip().casefold(): (v or "") for k, v in raw.items()}
                try:
                    day = _as_date(row["date"])
                except ConfigurationError as exc:
                    problems.append(Problem(message=str(exc), source=source, row=row_no, column="date"))
                    continue
                kind = _parse_kind(row["kind"])
                if kind is None:
                    problems.append(
                        Problem(
                            message="unknown kind",
                            source=source,
                            row=row_no,
                            column="kind",
                            value=row["kind"],
                            hint="use 'holiday' (休) or 'workday' (班)",
                        )
                    )
                    continue
                (holidays if kind == "holiday" else workdays).append(day)
        if problems:
            raise LoadError(problems)
        try:
            return cls(base=base, holidays=holidays, workdays=workdays, source=source)
        except ConfigurationError as exc:
            raise LoadError([Problem(message=str(exc), source=source)]) from None


# ----------------------------------------------------------------------------------------------------------
# A provisional calendar for years without the State Council notice
# ----------------------------------------------------------------------------------------------------------


def _qingming(year: int) -> dt.date:
    """Qingming (清明) for 2000-2099: April ⌊Y·0.2422 + 4.81⌋ - ⌊Y/4⌋ with Y = year mod 100.

    The common approximation of the solar-term dates (寿星通用公式, constant C = 4.81 for the 21st century);
    it agrees with the astronomical date for every year of the century.
    """
    y = year % 100
    return dt.date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


@functools.cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory public holidays of ``year`` (全体公民放假的节日), without weekend shifts or make-up days.

    From 《全国年节及纪念日放假办法》 as revised in 2024 (国务院令第795号, in force 1 January 2025):
    New Year's Day 1 day (元旦, 1 January); Spring Festival 4 days (春节, New Year's Eve 除夕 to the third day
    of the first lunar month); Qingming 1 day (清明, the solar term); Labour Day 2 days (劳动节, 1-2 May);
    Dragon Boat Festival 1 day (端午, 5th of the 5th lunar month); Mid-Autumn 1 day (中秋, 15th of the 8th
    lunar month); National Day 3 days (国庆, 1-3 October). Lunar dates come from the ``lunardate`` package
    (extra ``randinspect[lunar]``); Qingming from the solar-term formula (2000-2099).

    Raises
    ------
    CalendarError
        If ``lunardate`` is not installed.
    CalendarDataMissingError
        For a year outside 2000-2099.

    Examples
    --------
    >>> sorted(statutory_holidays(2027).items())[:2]
    [(datetime.date(2027, 1, 1), '元旦'), (datetime.date(2027, 2, 5), '春节')]
    """
    if not 2000 <= year <= 2099:
        raise CalendarDataMissingError(f"the provisional calendar covers 2000-2099, not {year}")
    try:
        lunar = importlib.import_module("lunardate")
    except ImportError as exc:
        raise CalendarError(
            "the provisional calendar needs the 'lunardate' package for lunar festivals; install it with: "
            "pip install 'randinspect[lunar]'"
        ) from exc

    def solar(month: int, day: int) -> dt.date:
        moment = lunar.LunarDate(year, month, day)
        convert = getattr(moment, "to_solar_date", None) or moment.toSolarDate  # new name since 0.3
        value: dt.date = convert()
        return value

    new_year = solar(1, 1)
    out: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    for k in range(-1, 3):
        out[new_year + dt.timedelta(days=k)] = "春节"
    out[_qingming(year)] = "清明节"
    out[dt.date(year, 5, 1)] = "劳动节"
    out[dt.date(year, 5, 2)] = "劳动节"
    out[solar(5, 5)] = "端午节"
    out[solar(8, 15)] = "中秋节"
    for d in (1, 2, 3):
        out[dt.date(year, 10, d)] = "国庆节"
    return out


@attrs.frozen
class ProvisionalCalendar(_WorkingDayArithmetic):
    """The official calendar where its notice is loaded, statutory holidays elsewhere (临时工作日历).

    For a year whose State Council notice is loaded in ``official``, the official answer. For any other year
    (2000-2099) a day is a working day when it is Monday to Friday and not a statutory holiday of
    :func:`statutory_holidays`: no make-up working days (调休) and no bridging days, which the notice decides.
    Such a year is *provisional*: :meth:`is_provisional` says so, and the results package marks every
    deadline computed on it (``Deadline.provisional``) until the official schedule is loaded.

    Needs the ``lunardate`` package (extra ``randinspect[lunar]``) for provisional years.

    Examples
    --------
    >>> cal = ProvisionalCalendar()
    >>> cal.is_provisional(2026), cal.is_provisional(2027)
    (False, True)
    """

    official: ChineseOfficialCalendar = attrs.field(factory=ChineseOfficialCalendar)

    def is_provisional(self, year: int) -> bool:
        """True when ``year`` is answered from the statutory holidays, not from an official notice."""
        return not self.official.covers(year)

    def covers(self, year: int) -> bool:
        """True for the official years and for 2000-2099 (provisionally)."""
        return self.official.covers(year) or 2000 <= year <= 2099

    def is_working_day(self, day: dt.date) -> bool:
        """The official answer in official years; otherwise a weekday that is not a statutory holiday."""
        if self.official.covers(day.year):
            return self.official.is_working_day(day)
        return not _is_weekend(day) and day not in statutory_holidays(day.year)
