"""Tests for the findings vocabulary, the inspection methods and the provisional calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect.calendar import ChineseOfficialCalendar, ProvisionalCalendar, statutory_holidays
from randinspect.errors import ConfigurationError, UnknownCategoryError
from randinspect.items import InspectionMethod
from randinspect.results import (
    DEFAULT_VOCABULARY,
    NATIONAL_CATEGORIES,
    CaseTrigger,
    CommitmentStandIn,
    Consequence,
    Finding,
    FindingVocabulary,
    InspectionRecord,
    Origin,
    ResultBook,
    ResultCategory,
    breach_record,
    conversion_tasks,
    enter_results,
    immediate_task,
)

World = Any


class TestVocabulary:
    def test_national_categories_shipped(self) -> None:
        """The default vocabulary holds the national categories named in the issue."""
        for zh in (
            "未发现问题",
            "发现问题已责令改正",
            "发现问题待后续处理",
            "通过登记的住所或者经营场所无法联系",
            "不配合检查情节严重",
            "已关闭停业或正在组织清算",
            "未发现开展本次抽查涉及的经营活动",
        ):
            assert DEFAULT_VOCABULARY.parse(zh).national

    @given(st.sampled_from(NATIONAL_CATEGORIES))
    def test_parse_by_any_label(self, category: ResultCategory) -> None:
        """A category is found by its code, key or Chinese label."""
        for label in (category.code, category.key, category.zh):
            assert DEFAULT_VOCABULARY.parse(label) is category

    def test_unknown_refused(self) -> None:
        """A label outside the vocabulary raises UnknownCategoryError listing the vocabulary."""
        with pytest.raises(UnknownCategoryError, match="未发现问题"):
            DEFAULT_VOCABULARY.parse("一切都好")

    def test_configurable(self) -> None:
        """A city adds a category; duplicates of a code are refused; round trip through dict."""
        extra = ResultCategory(code="90", key="local", zh="本地类别", consequences={Consequence.CLEAN})
        vocab = DEFAULT_VOCABULARY.with_categories([extra])
        assert vocab.parse("本地类别") is extra
        assert FindingVocabulary.from_dict(vocab.to_dict()) == vocab
        with pytest.raises(ConfigurationError):
            vocab.with_categories([attrs.evolve(extra, key="other", zh="其他")])


class TestMethods:
    def test_conversion_to_on_site(self, world: World) -> None:
        """A document check needing an on-site visit yields an on-site task matched like any other."""
        from randinspect.draw import PublicSeedSource
        from randinspect.matching import match_inspectors

        desk = next(t for t in world.cycle.desk_tasks if t.method is InspectionMethod.DOCUMENTS)
        day = world.calendar.add_working_days(desk.start, 1)
        flagged = InspectionRecord(
            task_id=desk.id,
            item_id=desk.items[0],
            object_id=desk.object_id,
            department=desk.departments[0],
            method=desk.method,
            start=day,
            end=day,
            entered_on=day,
            findings=(Finding(content="c", category="03", needs_on_site=True),),
        )
        book = enter_results(
            ResultBook(year=world.city.year),
            [flagged],
            tasks=world.cycle.desk_tasks,
            assignments=world.cycle.assignments(),
        )
        (task,) = conversion_tasks(book, world.cycle.desk_tasks, calendar=world.calendar)
        assert task.start > flagged.entered_on
        assert task.items == (flagged.item_id,)
        result = match_inspectors(
            [task], world.city.inspectors, source=PublicSeedSource("conv"), allow_partial=True
        )
        assert [g.task_id for g in result.groups] == [task.id]

    def test_immediate_task(self, world: World) -> None:
        """A case-triggered task is built for a live object and named by its trigger."""
        oid = str(world.city.objects.ids[int(world.city.objects.alive.argmax())])
        task = immediate_task(
            trigger=CaseTrigger.COMPLAINT,
            reference="12315-0001",
            objects=world.city.objects,
            object_id=oid,
            item=world.items[0],
            start=dt.date(world.city.year, 3, 1),
            end=dt.date(world.city.year, 3, 5),
        )
        assert task.id.startswith("case|complaint|")

    def test_commitment_breach_entered(self, world: World) -> None:
        """A breached credit commitment is entered as a commitment-origin result, with no group."""
        oid = str(world.city.objects.ids[0])
        stand = CommitmentStandIn(
            object_id=oid,
            item_id="I-COMMIT",
            department="SAMR",
            signed_on=dt.date(2027, 1, 5),
            text_digest="0" * 64,
        )
        rec = breach_record(
            stand, found_on=dt.date(2027, 5, 6), entered_on=dt.date(2027, 5, 7), note="未按承诺整改"
        )
        book = enter_results(
            ResultBook(year=2027),
            [rec],
            tasks=[stand.task(world.city.objects, 2027)],
            assignments={stand.task_id: ()},
        )
        assert book.get(rec.record_id).record.origin is Origin.COMMITMENT


class TestProvisionalCalendar:
    @pytest.mark.parametrize("year", [2025, 2026])
    def test_statutory_within_official(self, year: int) -> None:
        """Every statutory holiday computed for 2025 and 2026 is a holiday of that year's official notice."""
        official = ChineseOfficialCalendar().holiday_schedule(year).holidays
        assert set(statutory_holidays(year)) <= official

    def test_thirteen_days(self) -> None:
        """The 2024 revision gives 13 statutory days a year."""
        assert len(statutory_holidays(2030)) == 13

    @given(st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2040, 12, 31)))
    def test_provisional_years(self, day: dt.date) -> None:
        """Outside official years a day is a working day iff it is a weekday and no statutory holiday."""
        cal = ProvisionalCalendar()
        assert cal.is_provisional(day.year)
        assert cal.is_working_day(day) == (day.weekday() < 5 and day not in statutory_holidays(day.year))

    def test_official_years_unchanged(self) -> None:
        """In an official year the provisional calendar answers as the official one (make-up days too)."""
        cal, official = ProvisionalCalendar(), ChineseOfficialCalendar()
        day = dt.date(2026, 1, 1)
        while day.year == 2026:
            assert cal.is_working_day(day) == official.is_working_day(day)
            day += dt.timedelta(days=1)
