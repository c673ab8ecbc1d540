"""Tests for publication: 20-working-day deadlines, overdue lists, rates, redaction and the public exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.calendar import ChineseOfficialCalendar, WeekendsOnly
from randinspect.draw.journal import Journal, MemoryStore
from randinspect.errors import ExposureError
from randinspect.results import (
    PUBLIC_FIELDS,
    Finding,
    RedactionPolicy,
    ResultBook,
    deadline_report,
    enter_results,
    publication_due,
    publish,
)

World = Any


def _book(world: World, records: Any) -> ResultBook:
    return enter_results(
        ResultBook(year=world.city.year), records, tasks=world.tasks, assignments=world.matching
    )


class TestDeadlines:
    def test_due_is_twenty_working_days(self) -> None:
        """The due date is the 20th working day after the inspection's end, National Day skipped."""
        cal = ChineseOfficialCalendar()
        due = publication_due(dt.date(2026, 9, 25), cal)
        assert cal.working_days_between(dt.date(2026, 9, 25), due.due) == 20
        assert due.due == dt.date(2026, 10, 29)
        assert not due.provisional

    def test_provisional_marked(self, world: World) -> None:
        """A deadline in a year without an official notice is marked provisional."""
        assert publication_due(dt.date(2027, 3, 1), world.calendar).provisional

    @settings(max_examples=30)
    @given(
        data=st.data(),
        as_of_offset=st.integers(min_value=0, max_value=400),
    )
    def test_published_on_time_or_listed_overdue(
        self, world: World, data: st.DataObject, as_of_offset: int
    ) -> None:
        """Every entered result is published within 20 working days or listed overdue (or still pending)."""
        cal = world.calendar
        records = world.records[:40]
        lags = data.draw(
            st.lists(st.one_of(st.none(), st.integers(0, 45)), min_size=len(records), max_size=len(records))
        )
        book = _book(world, records)
        as_of = dt.date(world.city.year, 1, 1) + dt.timedelta(days=as_of_offset)
        for r, lag in zip(records, lags, strict=True):
            if lag is None:
                continue
            day = cal.add_working_days(r.entered_on, lag)
            if day <= as_of:
                book, _ = publish(book, on=day, calendar=cal, record_ids=[r.record_id])
        report = deadline_report(book, as_of=as_of, calendar=cal)
        overdue = {row.record_id for row in report.overdue()}
        for row in report.rows:
            result = book.get(row.record_id)
            assert row.due == publication_due(result.record.end, cal).due
            published_in_time = result.published_on is not None and result.published_on <= min(row.due, as_of)
            if published_in_time:
                assert row.status == "on-time"
                assert row.record_id not in overdue
            elif as_of > row.due or (result.published_on is not None and result.published_on <= as_of):
                assert row.record_id in overdue
            else:
                assert row.status == "pending"

    def test_missing_listed_per_department(self, world: World) -> None:
        """Expected results never entered are listed missing after their due date, per department."""
        book = _book(world, world.records[1:])
        deps = {i.id: i.department for i in world.items}
        report = deadline_report(
            book,
            as_of=dt.date(world.city.year + 1, 6, 30),
            calendar=world.calendar,
            tasks=world.tasks,
            item_departments=deps,
        )
        missing = report.missing()
        assert world.records[0].record_id in {m.record_id for m in missing}
        assert report.missing(world.records[0].department)

    def test_rates_add_up(self, world: World) -> None:
        """Counts per department sum to the totals, and rates are the exact ratios of the counts."""
        cal = world.calendar
        book = _book(world, world.records)
        book, _ = publish(book, on=dt.date(world.city.year, 8, 31), calendar=cal)
        deps = {i.id: i.department for i in world.items}
        report = deadline_report(
            book,
            as_of=dt.date(world.city.year, 12, 5),
            calendar=cal,
            tasks=world.tasks,
            item_departments=deps,
        )
        total = report.counts()
        per = [report.counts(d) for d in report.departments()]
        for key in total:
            assert sum(c[key] for c in per) == total[key]
        rates = report.rates()
        assert rates["entry"] == pytest.approx(total["entered"] / total["expected"])
        assert total["on-time"] + total["late"] == total["published"]


class TestPublication:
    def test_exports_follow_public_fields(self, world: World) -> None:
        """JSON lists the documented fields; the CSV has the Chinese headers and one row per result."""
        book = _book(world, world.records[:30])
        book, pub = publish(
            book, on=dt.date(world.city.year, 12, 31), calendar=world.calendar, objects=world.city.objects
        )
        data = json.loads(pub.to_json())
        assert [f["name"] for f in data["fields"]] == [n for n, _ in PUBLIC_FIELDS]
        assert all(set(r) == {n for n, _ in PUBLIC_FIELDS} for r in data["results"])
        rows = list(csv.reader(io.StringIO(pub.to_csv())))
        assert rows[0] == [zh for _, zh in PUBLIC_FIELDS]
        assert len(rows) == 31
        assert all(r.published_on is not None for r in book)

    def test_department_publishes_its_own(self, world: World) -> None:
        """With department=, only that department's results are published (谁公开)."""
        book = _book(world, world.records)
        dep = world.records[0].department
        book, pub = publish(
            book, on=dt.date(world.city.year, 12, 31), calendar=world.calendar, department=dep
        )
        assert {r.record.department for r in book if r.published_on is not None} == {dep}
        assert len(pub) == sum(r.department == dep for r in world.records)

    def test_publication_journalled(self, world: World) -> None:
        """A publication is one journal entry with the published ids and the digest of the public JSON."""
        journal = Journal(MemoryStore())
        book = _book(world, world.records[:5])
        publish(book, on=dt.date(world.city.year, 12, 31), calendar=world.calendar, journal=journal)
        (entry,) = tuple(journal.entries())
        assert entry.kind == "publication"
        assert len(entry.payload["records"]) == 5


secret_text = st.text(alphabet="配方工艺参数甲乙丙丁0123456789", min_size=4, max_size=12).map(
    lambda s: f"秘{s}密"
)


class TestRedaction:
    @settings(max_examples=30)
    @given(secret=secret_text, mode=st.sampled_from(["trade_secret", "rule", "policy"]))
    def test_protected_never_in_public_bytes(self, world: World, secret: str, mode: str) -> None:
        """A trade secret, a rule-marked note or a policy-hidden field never reaches the JSON or CSV bytes."""
        base = world.records[0]
        finding = Finding(
            content="检查内容", category="03", note=f"发现：{secret}", trade_secret=mode == "trade_secret"
        )
        record = attrs.evolve(base, findings=(finding,), redact=("findings.note",) if mode == "rule" else ())
        policy = RedactionPolicy(rule_fields=("notes",) if mode == "policy" else ())
        book = _book(world, [record])
        _, pub = publish(
            book,
            on=record.entered_on,
            calendar=world.calendar,
            inspectors=world.city.inspectors,
            policy=policy,
        )
        blob = pub.to_json().encode("utf-8") + pub.to_csv().encode("utf-8")
        assert secret.encode("utf-8") not in blob
        rep = record.acknowledgement.representative
        for value in rep.private_values():
            assert value.encode("utf-8") not in blob

    @given(phone=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    def test_exposure_refused_nothing_published(self, world: World, phone: str) -> None:
        """A public note holding a phone number is refused naming the record, and nothing is published."""
        base = world.records[0]
        record = attrs.evolve(
            base, findings=(Finding(content="c", category="03", note=f"联系人电话{phone}"),)
        )
        book = _book(world, [record])
        journal = Journal(MemoryStore())
        with pytest.raises(ExposureError, match=record.record_id):
            publish(book, on=record.entered_on, calendar=world.calendar, journal=journal)
        assert len(journal) == 0
        assert book.get(record.record_id).published_on is None

    def test_inspector_secret_refused(self, world: World) -> None:
        """An inspector's phone number in a note is refused even with the pattern scan off."""
        inspector = next(p for p in world.city.inspectors if p.phone)
        base = world.records[0]
        record = attrs.evolve(
            base, findings=(Finding(content="c", category="01", note=f"见{inspector.phone}"),)
        )
        book = _book(world, [record])
        with pytest.raises(ExposureError):
            publish(
                book,
                on=record.entered_on,
                calendar=world.calendar,
                inspectors=world.city.inspectors,
                policy=RedactionPolicy(scan_patterns=False),
            )

    def test_weekends_calendar_not_provisional(self) -> None:
        """A calendar without the is_provisional hook never marks deadlines provisional."""
        assert not publication_due(dt.date(2030, 1, 4), WeekendsOnly()).provisional


class TestPublicationJson:
    @settings(max_examples=40)
    @given(
        rows=st.lists(st.fixed_dictionaries({n: st.text(max_size=8) for n, _ in PUBLIC_FIELDS}), max_size=5)
    )
    def test_round_trip(self, rows: list[dict[str, str]]) -> None:
        """The public JSON read back gives the same rows and day, so the site shows what was published."""
        from randinspect.results import Publication

        pub = Publication(published_on=dt.date(2027, 5, 7), rows=tuple(rows))
        back = Publication.from_json_dict(json.loads(pub.to_json()))
        assert back.rows == pub.rows
        assert back.published_on == pub.published_on

    def test_other_format_refused(self) -> None:
        """A file of another format is refused, naming where it came from."""
        from randinspect.errors import ResultInputError
        from randinspect.results import Publication

        with pytest.raises(ResultInputError, match="week-3"):
            Publication.from_json_dict({"results": []}, where="week-3")


class TestOverdueCsv:
    def test_rows_are_the_overdue_list(self, world: World) -> None:
        """overdue.csv has the documented columns and one row per overdue result."""
        from randinspect.results import OVERDUE_COLUMNS

        book = _book(world, world.records)
        report = deadline_report(book, as_of=dt.date(world.city.year, 12, 31), calendar=world.calendar)
        assert report.overdue()
        rows = list(csv.DictReader(io.StringIO(report.overdue_csv())))
        assert tuple(rows[0]) == OVERDUE_COLUMNS
        assert [r["record_id"] for r in rows] == [r.record_id for r in report.overdue()]
        assert {r["status"] for r in rows} <= {"late", "overdue", "missing"}
