"""Tests for referral (移送): routing, judicial organs, pushes, receipts and due dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from randinspect.draw.journal import Journal, MemoryStore
from randinspect.errors import ReferralError, ResultInputError, UnknownDepartmentError
from randinspect.results import (
    ReferralKind,
    ReferralRequest,
    ResultBook,
    RoutingTable,
    acknowledge,
    enter_results,
    publish,
    push_results,
    refer,
)

World = Any
TABLE = {
    "routes": {"pollution": "ECO", "food-safety": "SAMR"},
    "departments": {"ECO": "生态环境局", "SAMR": "市场监督管理局", "PSB": "公安局", "COMMERCE": "商务局"},
    "judicial": "PSB",
    "industry": {"SAMR": ["COMMERCE"]},
}


@pytest.fixture
def book(world: World) -> ResultBook:
    return enter_results(
        ResultBook(year=world.city.year), world.records[:30], tasks=world.tasks, assignments=world.matching
    )


class TestRefer:
    def test_routes_and_due_date(self, world: World, book: ResultBook) -> None:
        """A matter goes to its department with a receipt due 10 working days later; a crime to the PSB."""
        rec = next(r for r in book if r.record.department != "ECO").record
        table = RoutingTable.from_dict(TABLE)
        refs = refer(
            book,
            [
                ReferralRequest(record_id=rec.record_id, matter="pollution", sent_on=rec.entered_on),
                ReferralRequest(record_id=rec.record_id, crime=True, sent_on=rec.entered_on),
            ],
            table=table,
            calendar=world.calendar,
        )
        assert [r.to_department for r in refs] == ["ECO", "PSB"]
        assert refs[1].kind is ReferralKind.JUDICIAL
        assert world.calendar.working_days_between(rec.entered_on, refs[0].due.due) == 10
        assert refs[0].overdue(refs[0].due.due + dt.timedelta(days=1))
        done = acknowledge(refs, {refs[0].id: refs[0].sent_on})
        assert not done[0].overdue(dt.date(2099, 1, 1))

    def test_unknown_matter_refused(self, world: World, book: ResultBook) -> None:
        """A referral with no route raises UnknownDepartmentError naming the record; nothing is journalled."""
        rec = world.records[0]
        journal = Journal(MemoryStore())
        with pytest.raises(UnknownDepartmentError, match=rec.record_id):
            refer(
                book,
                [ReferralRequest(record_id=rec.record_id, matter="astrology", sent_on=rec.entered_on)],
                table=RoutingTable.from_dict(TABLE),
                calendar=world.calendar,
                journal=journal,
            )
        assert len(journal) == 0

    def test_unknown_department_in_table_refused(self) -> None:
        """A routing table naming a department outside its list is refused."""
        with pytest.raises(UnknownDepartmentError):
            RoutingTable.from_dict({**TABLE, "routes": {"x": "NOWHERE"}})

    def test_unknown_record_refused(self, world: World, book: ResultBook) -> None:
        """A referral for a record without a result is refused."""
        with pytest.raises(ResultInputError):
            refer(
                book,
                [ReferralRequest(record_id="nope/nope", matter="pollution", sent_on="2027-01-01")],
                table=RoutingTable.from_dict(TABLE),
                calendar=world.calendar,
            )

    def test_push_to_same_industry(self, world: World, book: ResultBook) -> None:
        """Published SAMR results are pushed to COMMERCE, one push each, journalled."""
        on = dt.date(world.city.year, 12, 31)
        published, _ = publish(book, on=on, calendar=world.calendar)
        journal = Journal(MemoryStore())
        pushes = push_results(
            published, table=RoutingTable.from_dict(TABLE), on=on, calendar=world.calendar, journal=journal
        )
        assert len(pushes) == sum(r.record.department == "SAMR" for r in published)
        assert all(p.to_department == "COMMERCE" for p in pushes)
        assert len(journal) == (1 if pushes else 0)

    def test_receipt_before_sending_refused(self, world: World, book: ResultBook) -> None:
        """A receipt dated before the referral was sent is refused."""
        rec = world.records[0]
        refs = refer(
            book,
            [ReferralRequest(record_id=rec.record_id, crime=True, sent_on=rec.entered_on)],
            table=RoutingTable.from_dict(TABLE),
            calendar=world.calendar,
        )
        with pytest.raises(ReferralError):
            acknowledge(refs, {refs[0].id: rec.entered_on - dt.timedelta(days=1)})
