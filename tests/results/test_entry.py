"""Tests for entering results: the bad-input list of issue 10, each a typed error naming the record."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.draw.journal import Journal, MemoryStore
from randinspect.errors import (
    DeregisteredObjectError,
    DuplicateResultError,
    InspectorNotInGroupError,
    ResultDateError,
    ResultInputError,
    UnassignedTaskError,
    UnknownCategoryError,
)
from randinspect.results import (
    Attachment,
    Finding,
    InspectionRecord,
    Presence,
    ResultBook,
    enter_results,
    load_inspection_records,
)

World = Any


def _enter(world: World, records: object, book: ResultBook | None = None, **kw: object) -> ResultBook:
    return enter_results(
        book or ResultBook(year=world.city.year),
        records,  # type: ignore[arg-type]
        tasks=world.tasks,
        assignments=world.matching,
        objects=world.city.objects,
        inspectors=world.city.inspectors,
        **kw,  # type: ignore[arg-type]
    )


class TestEnterResults:
    def test_all_synthetic_records_enter(self, world: World) -> None:
        """Every synthetic record of the world is accepted, once, with its worst finding as category."""
        book = _enter(world, world.records)
        assert len(book) == len(world.records)
        assert {r.record_id for r in book} == {r.record_id for r in world.records}

    def test_inputs_unchanged(self, world: World) -> None:
        """Entering returns a new book and leaves the old one as it was."""
        empty = ResultBook(year=world.city.year)
        _enter(world, world.records[:5], book=empty)
        assert len(empty) == 0

    @pytest.mark.parametrize(
        ("change", "error"),
        [
            ({"task_id": "no-such-task"}, UnassignedTaskError),
            ({"item_id": "no-such-item"}, UnassignedTaskError),
            ({"department": "NOPE"}, UnassignedTaskError),
            (
                {"inspectors": (Presence(inspector_id="stranger"), Presence(inspector_id="x2"))},
                InspectorNotInGroupError,
            ),
            ({"entered_on": dt.date(2000, 1, 1)}, ResultDateError),
            ({"start": dt.date(2000, 1, 1)}, ResultDateError),
            ({"findings": (Finding(content="c", category="没有这个类别"),)}, UnknownCategoryError),
        ],
    )
    def test_bad_record_refused_nothing_written(
        self, world: World, change: dict[str, object], error: type[Exception]
    ) -> None:
        """A bad record raises its typed error naming the record, and neither book nor journal changes."""
        good = world.records[0]
        bad = attrs.evolve(good, **change)
        journal = Journal(MemoryStore())
        book = ResultBook(year=world.city.year)
        with pytest.raises(error) as info:
            _enter(world, [world.records[1], bad], book=book, journal=journal)
        assert isinstance(info.value, ResultInputError)
        assert bad.record_id in str(info.value)
        assert info.value.record_id == bad.record_id  # type: ignore[attr-defined]
        assert len(journal) == 0
        assert len(book) == 0

    def test_wrong_certificate_refused(self, world: World) -> None:
        """A certificate number that is not the inspector's is refused."""
        good = next(r for r in world.records if r.inspectors and r.inspectors[0].certificate)
        first = attrs.evolve(good.inspectors[0], certificate="FORGED-001")
        bad = attrs.evolve(good, inspectors=(first, *good.inspectors[1:]))
        with pytest.raises(InspectorNotInGroupError, match="certificate"):
            _enter(world, [bad])

    def test_twice_without_reason_refused(self, world: World) -> None:
        """A second result for the same task and item needs a correction reason; with one, both are kept."""
        book = _enter(world, world.records[:1])
        with pytest.raises(DuplicateResultError):
            _enter(world, world.records[:1], book=book)
        corrected = attrs.evolve(world.records[0], correction="录入错误更正（科长批准）")
        again = _enter(world, [corrected], book=book)
        assert len(again) == 1
        assert again.get(corrected.record_id).superseded == (world.records[0],)

    def test_deregistered_object_refused(self, world: World) -> None:
        """A result for an inspection after the object's deregistration date is refused."""
        rec = world.records[0]
        with pytest.raises(DeregisteredObjectError):
            _enter(world, [rec], deregistered={rec.object_id: rec.start - dt.timedelta(days=1)})

    def test_journal_has_digests_not_personal_data(self, world: World) -> None:
        """The batch's inspection-record entry (a record each) and its result entry list record digests; the
        representative's name and phone are in neither."""
        journal = Journal(MemoryStore())
        _enter(world, world.records[:20], journal=journal)
        records, entry = tuple(journal.entries())
        assert (records.kind, entry.kind) == ("inspection-record", "result")
        listed = records.payload["records"]
        assert [x["record_id"] for x in listed] == [r.record_id for r in world.records[:20]]
        assert [x["digest"] for x in listed] == [r.digest() for r in world.records[:20]]
        text = records.payload_json + entry.payload_json
        for r in world.records[:20]:
            rep = r.acknowledgement.representative if r.acknowledgement else None
            assert rep is not None
            for secret in rep.private_values():
                assert secret not in text
            assert r.digest() in text


class TestRecords:
    def test_json_round_trip(self, world: World, tmp_path: object) -> None:
        """A record written with private=True reads back equal."""
        import json
        from pathlib import Path

        path = Path(str(tmp_path)) / "records.json"
        path.write_text(
            json.dumps(
                {"records": [r.to_json_dict(private=True) for r in world.records[:10]]}, ensure_ascii=False
            ),
            encoding="utf-8",
        )
        assert load_inspection_records(path) == world.records[:10]

    def test_attachment_digest_checked(self) -> None:
        """An attachment digest must be a SHA-256 hex digest; of_bytes computes it."""
        with pytest.raises(ResultInputError):
            Attachment(digest="abc", reference="s3://x")
        assert len(Attachment.of_bytes(b"photo", "s3://bucket/1.jpg").digest) == 64

    def test_no_findings_refused(self) -> None:
        """A record with no finding is refused naming the record."""
        with pytest.raises(ResultInputError, match="T1/I1"):
            InspectionRecord(
                task_id="T1",
                item_id="I1",
                object_id="O",
                department="D",
                start="2027-03-01",
                end="2027-03-01",
                entered_on="2027-03-02",
                findings=(),
            )


class TestInspectionRecordEntries:
    @settings(max_examples=25, deadline=None)
    @given(
        n=st.integers(1, 12),
        payloads=st.lists(st.binary(min_size=1, max_size=64), min_size=0, max_size=3),
        note=st.text(min_size=1, max_size=30),
    )
    def test_attachments_by_digest_notes_by_digest(
        self, world: World, n: int, payloads: list[bytes], note: str
    ) -> None:
        """Each entered record is in the batch's inspection-record entry with its digest; attachments appear
        by SHA-256 and reference only and notes by digest, so neither bytes nor note text enter the
        journal."""
        records = [
            attrs.evolve(
                r,
                attachments=[Attachment.of_bytes(b, f"dms://{k}") for k, b in enumerate(payloads)],
                findings=[attrs.evolve(f, note=note) for f in r.findings],
            )
            for r in world.records[:n]
        ]
        journal = Journal(MemoryStore())
        _enter(world, records, journal=journal)
        (batch,) = [e for e in journal.entries() if e.kind == "inspection-record"]
        entries = batch.payload["records"]
        assert [e["digest"] for e in entries] == [r.digest() for r in records]
        for e in entries:
            assert [a["digest"] for a in e["attachments"]] == [
                hashlib.sha256(b).hexdigest() for b in payloads
            ]
            assert all(f["note_digest"] == hashlib.sha256(note.encode()).hexdigest() for f in e["findings"])
        assert all("note" not in f for e in entries for f in e["findings"])
        assert journal.verify().length == len(journal)

    def test_correction_is_a_second_entry_with_its_reason(self, world: World) -> None:
        """A corrected record's batch is journalled with the correction named in the reason, the record
        carrying its correction text; the first version's entry stays."""
        journal = Journal(MemoryStore())
        book = _enter(world, world.records[:1], journal=journal)
        corrected = attrs.evolve(world.records[0], correction="录入错误更正（科长批准）")
        _enter(world, [corrected], book=book, journal=journal)
        entries = [e for e in journal.entries() if e.kind == "inspection-record"]
        assert len(entries) == 2
        assert entries[0].reason is None
        assert entries[1].reason == f"corrections: {corrected.record_id}"
        assert entries[1].payload["records"][0]["correction"] == "录入错误更正（科长批准）"
        assert entries[1].payload["records"][0]["digest"] == corrected.digest()

    def test_refused_batch_journals_nothing(self, world: World) -> None:
        """A batch with one bad record leaves the journal empty."""
        journal = Journal(MemoryStore())
        bad = attrs.evolve(world.records[1], task_id="never-assigned")
        with pytest.raises(UnassignedTaskError):
            _enter(world, [world.records[0], bad], journal=journal)
        assert len(journal) == 0
