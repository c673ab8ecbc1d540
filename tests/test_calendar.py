"""Tests for randinspect.calendar: working days, holidays, make-up days and deadlines."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.calendar import (
    ChineseOfficialCalendar,
    HolidaySchedule,
    OverrideCalendar,
    WeekendsOnly,
    load_holiday_schedules,
)
from randinspect.errors import CalendarDataMissingError, CalendarError, ConfigurationError, LoadError
from randinspect.typing import WorkCalendar

D = dt.date
OFFICIAL = ChineseOfficialCalendar()
COVERED_DAYS = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 10, 31))


class TestDeadlines:
    def test_national_day_2025(self) -> None:
        """Pushed Fri 26 Sep 2025, ten working days end on Thu 16 Oct 2025.

        Counting from the next day: Sat 27 Sep off; Sun 28 Sep make-up day (1); 29 Sep (2); 30 Sep (3);
        1-8 Oct holiday (National Day and Mid-Autumn, 国办发明电〔2024〕12号); 9 Oct (4); 10 Oct (5);
        Sat 11 Oct make-up day (6); Sun 12 Oct off; 13 (7), 14 (8), 15 (9), 16 Oct (10).
        """
        assert OFFICIAL.add_working_days(D(2025, 9, 26), 10) == D(2025, 10, 16)

    def test_national_day_2025_weekends_only_differs(self) -> None:
        """Weekends only, the same push is due Fri 10 Oct 2025: 29, 30 Sep, 1-3, 6-10 Oct."""
        assert WeekendsOnly().add_working_days(D(2025, 9, 26), 10) == D(2025, 10, 10)

    def test_spring_festival_2026(self) -> None:
        """Pushed Fri 13 Feb 2026, ten working days end on Thu 5 Mar 2026.

        Sat 14 Feb make-up day (1); 15-23 Feb Spring Festival (国办发明电〔2025〕7号); 24 (2), 25 (3), 26 (4),
        27 Feb (5); Sat 28 Feb make-up day (6); Sun 1 Mar off; 2 (7), 3 (8), 4 (9), 5 Mar (10).
        """
        assert OFFICIAL.add_working_days(D(2026, 2, 13), 10) == D(2026, 3, 5)

    def test_spring_festival_2025(self) -> None:
        """Pushed Fri 24 Jan 2025, ten working days end on Thu 13 Feb 2025.

        Sat 25 Jan off; Sun 26 Jan make-up day (1); 27 Jan (2); 28 Jan-4 Feb Spring Festival; 5 (3), 6 (4),
        7 Feb (5); Sat 8 Feb make-up day (6); Sun 9 Feb off; 10 (7), 11 (8), 12 (9), 13 Feb (10).
        """
        assert OFFICIAL.add_working_days(D(2025, 1, 24), 10) == D(2025, 2, 13)

    def test_national_day_2024(self) -> None:
        """Pushed Fri 27 Sep 2024, ten working days end on Wed 16 Oct 2024.

        Sat 28 Sep off; Sun 29 Sep make-up day (1); 30 Sep (2); 1-7 Oct holiday (国办发明电〔2023〕7号);
        8 (3), 9 (4), 10 (5), 11 Oct (6); Sat 12 Oct make-up day (7); Sun 13 off; 14 (8), 15 (9), 16 Oct (10).
        """
        assert OFFICIAL.add_working_days(D(2024, 9, 27), 10) == D(2024, 10, 16)

    def test_national_day_2026_ten_and_twenty(self) -> None:
        """Pushed Fri 18 Sep 2026: ten working days end Fri 9 Oct, twenty end Thu 22 Oct 2026.

        Sun 20 Sep make-up day (1); 21-24 Sep (2-5); 25-27 Sep Mid-Autumn; 28-30 Sep (6-8); 1-7 Oct National
        Day; 8 (9), 9 Oct (10); Sat 10 Oct make-up day (11); 12-16 Oct (12-16); 19-22 Oct (17-20).
        """
        assert OFFICIAL.add_working_days(D(2026, 9, 18), 10) == D(2026, 10, 9)
        assert OFFICIAL.add_working_days(D(2026, 9, 18), 20) == D(2026, 10, 22)

    def test_start_day_not_counted(self) -> None:
        """One working day after a Monday is the Tuesday; zero working days is the start itself."""
        assert OFFICIAL.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
        assert OFFICIAL.add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)

    def test_start_on_holiday(self) -> None:
        """A period starting on a holiday counts from the first working day after it."""
        assert OFFICIAL.add_working_days(D(2025, 10, 3), 1) == D(2025, 10, 9)

    def test_backwards(self) -> None:
        """A negative count goes back: the working day before Thu 9 Oct 2025 is Tue 30 Sep 2025."""
        assert OFFICIAL.add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)

    def test_non_int_count_rejected(self) -> None:
        """A count that is not an int is refused."""
        with pytest.raises(ConfigurationError):
            OFFICIAL.add_working_days(D(2025, 1, 2), 1.5)  # type: ignore[arg-type]


class TestChineseOfficialCalendar:
    def test_make_up_days_are_working_days(self) -> None:
        """Weekend make-up days are working days; holiday weekdays are not."""
        assert OFFICIAL.is_working_day(D(2025, 9, 28))  # Sunday
        assert OFFICIAL.is_working_day(D(2025, 10, 11))  # Saturday
        assert not OFFICIAL.is_working_day(D(2025, 10, 8))  # Wednesday in the holiday
        assert not OFFICIAL.is_working_day(D(2026, 2, 23))  # Monday, last day of Spring Festival 2026

    def test_covers_bundled_years(self) -> None:
        """The bundled data covers 2024, 2025 and 2026, each with its notice number."""
        assert OFFICIAL.years == (2024, 2025, 2026)
        assert OFFICIAL.holiday_schedule(2026).notice == "国办发明电〔2025〕7号"
        assert OFFICIAL.holiday_schedule(2025).notice == "国办发明电〔2024〕12号"
        assert OFFICIAL.holiday_schedule(2024).notice == "国办发明电〔2023〕7号"
        assert not OFFICIAL.covers(2027)

    def test_missing_year_raises(self) -> None:
        """A date in a year without a schedule raises CalendarDataMissingError naming the year and the fix."""
        with pytest.raises(CalendarDataMissingError, match=r"2027.*with_year"):
            OFFICIAL.is_working_day(D(2027, 3, 1))

    def test_deadline_into_missing_year_raises(self) -> None:
        """A deadline that runs into an unpublished year raises instead of guessing."""
        with pytest.raises(CalendarDataMissingError):
            OFFICIAL.add_working_days(D(2026, 12, 24), 10)

    def test_weekends_fallback_only_on_request(self) -> None:
        """fallback='weekends' treats an unknown year as weekends-only; it is still reported uncovered."""
        cal = ChineseOfficialCalendar(fallback="weekends")
        assert cal.add_working_days(D(2026, 12, 24), 10) == D(2027, 1, 7)
        assert not cal.covers(2027)

    def test_bad_fallback_rejected(self) -> None:
        """Only 'error' and 'weekends' are fallbacks."""
        with pytest.raises(ConfigurationError):
            ChineseOfficialCalendar(fallback="guess")  # type: ignore[arg-type]

    def test_with_year_loads_new_schedule(self) -> None:
        """A year can be added once its notice is out; the original calendar is unchanged."""
        cal = OFFICIAL.with_year(2027, holidays=["2027-01-01"], workdays=[], notice="test")
        assert cal.covers(2027)
        assert not cal.is_working_day(D(2027, 1, 1))
        assert not OFFICIAL.covers(2027)

    def test_with_year_refuses_silent_replacement(self) -> None:
        """Loading a year twice needs replace=True."""
        with pytest.raises(ConfigurationError, match="replace=True"):
            OFFICIAL.with_year(2026, holidays=["2026-01-01"])
        fixed = OFFICIAL.with_year(2026, holidays=["2026-01-01"], replace=True)
        assert fixed.is_working_day(D(2026, 10, 2))

    def test_empty_schedule_refused(self) -> None:
        """A schedule with no holiday is refused: it would make the year silently weekends-only."""
        with pytest.raises(ConfigurationError, match="lists no holidays"):
            OFFICIAL.with_year(2027, holidays=[])
        assert not OFFICIAL.covers(2027)

    def test_schedule_file(self, tmp_path: Path) -> None:
        """A schedule file in the bundled format adds its year."""
        path = tmp_path / "2027.json"
        path.write_text(
            json.dumps(
                {
                    "year": 2027,
                    "notice": "test notice",
                    "festivals": [{"name": "元旦", "off": ["2027-01-01", "2027-01-03"], "workdays": []}],
                }
            ),
            encoding="utf-8",
        )
        cal = OFFICIAL.with_schedule_file(path)
        assert not cal.is_working_day(D(2027, 1, 1))
        assert cal.is_working_day(D(2027, 1, 4))

    def test_bad_schedule_file(self, tmp_path: Path) -> None:
        """A malformed schedule file raises LoadError naming the file."""
        path = tmp_path / "bad.json"
        path.write_text('{"years": [{"year": 2027, "festivals": [{"name": "x", "off": ["2027-01-01"]}]}]}')
        with pytest.raises(LoadError, match=r"bad\.json"):
            load_holiday_schedules(path)

    def test_holiday_and_workday_overlap_rejected(self) -> None:
        """A date cannot be both a holiday and a make-up day."""
        with pytest.raises(ConfigurationError, match="2027-01-02"):
            HolidaySchedule(year=2027, holidays=["2027-01-02"], workdays=["2027-01-02"])

    def test_schedule_round_trip(self) -> None:
        """to_dict and from_dict round-trip a schedule."""
        schedule = OFFICIAL.holiday_schedule(2025)
        assert HolidaySchedule.from_dict(schedule.to_dict()) == schedule

    def test_matches_chinese_calendar_package(self) -> None:
        """Every day of 2024-2026 agrees with chinese-calendar 1.11.0 (an independent transcription)."""
        chinese_calendar = pytest.importorskip("chinese_calendar")
        day = D(2024, 1, 1)
        while day <= D(2026, 12, 31):
            assert OFFICIAL.is_working_day(day) == chinese_calendar.is_workday(day), day
            day += dt.timedelta(days=1)

    def test_from_chinese_calendar(self) -> None:
        """The package-backed calendar gives the same answers for the years both cover."""
        pytest.importorskip("chinese_calendar")
        cal = ChineseOfficialCalendar.from_chinese_calendar([2025, 2026])
        assert cal.years == (2025, 2026)
        assert cal.add_working_days(D(2026, 2, 13), 10) == D(2026, 3, 5)

    def test_from_chinese_calendar_missing_year(self) -> None:
        """A year the package lacks raises CalendarDataMissingError."""
        pytest.importorskip("chinese_calendar")
        with pytest.raises(CalendarDataMissingError):
            ChineseOfficialCalendar.from_chinese_calendar([2099])

    def test_from_chinese_calendar_without_package(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without the package a CalendarError says how to install it."""
        monkeypatch.setitem(sys.modules, "chinese_calendar", None)
        with pytest.raises(CalendarError, match=r"randinspect\[calendar\]"):
            ChineseOfficialCalendar.from_chinese_calendar()


class TestOverrideCalendar:
    def test_overrides_win(self) -> None:
        """Listed days follow the override; others follow the base."""
        cal = OverrideCalendar(base=OFFICIAL, holidays=["2026-03-02"], workdays=["2026-03-07"])
        assert not cal.is_working_day(D(2026, 3, 2))
        assert cal.is_working_day(D(2026, 3, 7))
        assert cal.is_working_day(D(2026, 3, 3))
        assert cal.covers(2026)
        assert not cal.covers(2027)

    def test_csv_file(self, tmp_path: Path) -> None:
        """A CSV with date and kind columns loads (Chinese kinds accepted)."""
        path = tmp_path / "local.csv"
        path.write_text("date,kind,note\n2026-03-02,休,typhoon\n2026-03-07,班,\n", encoding="utf-8")
        cal = OverrideCalendar.from_file(path, OFFICIAL)
        assert not cal.is_working_day(D(2026, 3, 2))
        assert cal.is_working_day(D(2026, 3, 7))

    def test_csv_problems_reported_with_rows(self, tmp_path: Path) -> None:
        """Every bad row is reported with its row and column; nothing is loaded."""
        path = tmp_path / "bad.csv"
        path.write_text("date,kind\n2026-13-01,holiday\n2026-03-07,maybe\n", encoding="utf-8")
        with pytest.raises(LoadError) as info:
            OverrideCalendar.from_file(path, OFFICIAL)
        where = [(p.row, p.column) for p in info.value.problems]
        assert where == [(1, "date"), (2, "kind")]

    def test_json_file(self, tmp_path: Path) -> None:
        """A JSON file with holidays and workdays lists loads."""
        path = tmp_path / "local.json"
        path.write_text('{"holidays": ["2026-03-02"], "workdays": []}', encoding="utf-8")
        assert not OverrideCalendar.from_file(path, WeekendsOnly()).is_working_day(D(2026, 3, 2))

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("not-utf8.csv", "date,kind\n2026-03-02,休\n".encode("gb18030")),
            ("number.json", b'{"holidays": 5}'),
            ("null.json", b'{"holidays": null}'),
            ("text.json", b'{"workdays": "2026-03-07"}'),
        ],
    )
    def test_bad_file_is_a_load_error(self, tmp_path: Path, name: str, content: bytes) -> None:
        """A file not in UTF-8, or whose dates are not a list, raises one LoadError naming the file."""
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(LoadError, match=name) as info:
            OverrideCalendar.from_file(path, OFFICIAL)
        assert len(info.value.problems) == 1

    def test_overlap_rejected(self) -> None:
        """A day both holiday and working day is refused."""
        with pytest.raises(ConfigurationError):
            OverrideCalendar(base=OFFICIAL, holidays=["2026-03-02"], workdays=["2026-03-02"])


CALENDARS: list[WorkCalendar] = [
    OFFICIAL,
    WeekendsOnly(),
    OverrideCalendar(base=OFFICIAL, holidays=["2025-06-03"], workdays=["2025-06-07"]),
]


class TestWorkCalendarProtocol:
    def test_built_ins_conform(self) -> None:
        """Every built-in is a WorkCalendar."""
        assert all(isinstance(cal, WorkCalendar) for cal in CALENDARS)

    @settings(deadline=None, max_examples=60)
    @given(cal=st.sampled_from(CALENDARS), start=COVERED_DAYS, n=st.integers(0, 40))
    def test_add_and_count_agree(self, cal: WorkCalendar, start: dt.date, n: int) -> None:
        """The n-th working day after a date is a working day and exactly n working days away."""
        end = cal.add_working_days(start, n)
        assert cal.working_days_between(start, end) == n
        assert cal.working_days_between(end, start) == -n
        if n:
            assert cal.is_working_day(end)
            assert end > start

    @settings(deadline=None, max_examples=60)
    @given(cal=st.sampled_from(CALENDARS), start=COVERED_DAYS, n=st.integers(1, 30))
    def test_back_and_forth(self, cal: WorkCalendar, start: dt.date, n: int) -> None:
        """Going n working days forward and n back returns to the start when the start is a working day."""
        if cal.is_working_day(start):
            assert cal.add_working_days(cal.add_working_days(start, n), -n) == start
