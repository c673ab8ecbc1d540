"""The site's sections after the visit: published results, overdue list, assessment (issue 11 with issue 10).

The fixture ``secret_year`` is the demo year plus a case-triggered inspection of an individual business with
known secrets (the owner's name, identity-card and phone numbers; a trade-secret finding), published through
the results package, one more entered result that is not published, and a forged public row showing a phone
number: none of these secrets may appear in any byte of the site.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.errors import LoadError, ResultInputError
from randinspect.publish import DEFAULT_SECTIONS, YearRecords, load_records, public_results, publish
from randinspect.results import (
    PUBLIC_FIELDS,
    Acknowledgement,
    Finding,
    InspectionRecord,
    Presence,
    Publication,
    Representative,
    ResultBook,
    enter_results,
    immediate_task,
)
from randinspect.results import publish as publish_results

OWNER_NAME = "覃秘密人"
OWNER_ID_CARD = "520102198805123417"
OWNER_PHONE = "13987654321"
TRADE_SECRET = "配方温度八十三度秘方"
FORGED_PHONE = "13811112222"


@attrs.frozen
class SecretYear:
    """A records folder with known secrets, its site, and the ids of the records added."""

    folder: Path
    site: Path
    report: Any
    department: str
    published_id: str
    unpublished_id: str
    forged_id: str
    secrets: frozenset[bytes]


def _records_copy(demo_year: Path, folder: Path) -> Path:
    shutil.copytree(demo_year, folder, ignore=shutil.ignore_patterns("site"))
    return folder


@pytest.fixture(scope="module")
def secret_year(demo_year: Path, tmp_path_factory: pytest.TempPathFactory) -> SecretYear:
    from randinspect.calendar import ProvisionalCalendar
    from randinspect.datasets import demo_city
    from randinspect.items import CheckItem

    root = tmp_path_factory.mktemp("secret")
    folder = _records_copy(demo_year, root / "records")
    city = demo_city(n_objects=3000, seed=2026, year=2027)
    year = load_records(folder)
    individuals: list[str] = []
    for entry in year.draws:  # the first item whose scope holds individual businesses (个体工商户, 92...)
        item = CheckItem.from_dict(entry.record.commitment.item)
        scope_ids = city.objects.ids[city.objects.mask(item.scope) & city.objects.alive]
        individuals = [str(i) for i in scope_ids.tolist() if str(i).startswith("92")]
        if len(individuals) >= 2:
            break
    assert len(individuals) >= 2
    department = item.department
    officers = [p.id for p in city.inspectors if p.department == department][:2]
    tasks = [
        immediate_task(
            trigger="complaint",
            reference=f"12315-SECRET-{n}",
            objects=city.objects,
            object_id=oid,
            item=item,
            start=dt.date(2027, 3, 1),
            end=dt.date(2027, 3, 5),
        )
        for n, oid in enumerate(individuals[:2])
    ]
    records = [
        InspectionRecord(
            task_id=t.id,
            item_id=item.id,
            object_id=t.object_id,
            department=department,
            method=item.method,
            origin="case",
            start=dt.date(2027, 3, 2),
            end=dt.date(2027, 3, 2),
            entered_on=dt.date(2027, 3, 4),
            inspectors=tuple(Presence(inspector_id=i) for i in officers),
            acknowledgement=Acknowledgement(
                signed=True,
                representative=Representative(
                    name=OWNER_NAME, id_card=OWNER_ID_CARD, phone=OWNER_PHONE, role="经营者"
                ),
            ),
            findings=(
                Finding(content="生产工艺", category="03", note=TRADE_SECRET, trade_secret=True),
                Finding(content="标签标识", category="01", note="标签齐全"),
            ),
        )
        for t in tasks
    ]
    raw_book = json.loads((folder / "book.json").read_text(encoding="utf-8"))
    book = enter_results(
        ResultBook.from_json_dict(raw_book),
        records,
        tasks=tasks,
        assignments={t.id: officers for t in tasks},
    )
    book, publication = publish_results(
        book,
        on=dt.date(2027, 3, 10),
        calendar=ProvisionalCalendar(),
        objects=city.objects,
        inspectors=city.inspectors,
        departments={department: "检查机关"},
        record_ids=[records[0].record_id],
    )
    assert len(publication) == 1
    (folder / "public-results").mkdir()
    publication.to_json(folder / "public-results" / "2027-03-10-case.json")
    (folder / "book.json").write_text(json.dumps(book.to_json_dict(), ensure_ascii=False), encoding="utf-8")
    # A forged public file whose row shows a phone number: the site's check must leave it out.
    forged_row = {**publication.rows[0], "task_id": "case|complaint|FORGED|X", "notes": f"电话{FORGED_PHONE}"}
    Publication(published_on=dt.date(2027, 3, 11), rows=(forged_row,)).to_json(
        folder / "public-results" / "2027-03-11-forged.json"
    )
    site = root / "site"
    report = publish(folder, site)
    secrets = {OWNER_NAME, OWNER_ID_CARD, OWNER_PHONE, TRADE_SECRET, FORGED_PHONE}
    for person in city.inspectors:
        secrets.update(v for v in (person.id_card, person.phone) if v)
    return SecretYear(
        folder=folder,
        site=site,
        report=report,
        department=department,
        published_id=records[0].record_id,
        unpublished_id=records[1].record_id,
        forged_id=f"case|complaint|FORGED|X/{item.id}",
        secrets=frozenset(s.encode("utf-8") for s in secrets),
    )


def _download(site: Path, stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / "downloads" / f"{stem}.json").read_text(encoding="utf-8"))
    return data


def _public_file(path: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))["results"]
    return rows


class TestPublishedResults:
    def test_rows_are_the_publications_rows(self, demo_year: Path) -> None:
        """The site's public results are exactly the rows the results package published, none rebuilt."""
        site = demo_year / "site"
        published = _public_file(demo_year / "public-results.json")
        shown = _public_file(site / "downloads" / "public-results.json")
        key = lambda r: (r["task_id"], r["item_id"])  # noqa: E731
        assert sorted(shown, key=key) == sorted(published, key=key)
        assert len(shown) > 100

    def test_national_layout_downloads(self, demo_year: Path) -> None:
        """The full downloads are the results package's export: documented JSON and Chinese-header CSV."""
        site = demo_year / "site"
        data = json.loads((site / "downloads" / "public-results.json").read_text(encoding="utf-8"))
        assert data["format"] == "randinspect.public-results"
        assert [f["name"] for f in data["fields"]] == [n for n, _ in PUBLIC_FIELDS]
        text = (site / "downloads" / "public-results.csv").read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == [zh for _, zh in PUBLIC_FIELDS]
        assert len(rows) - 1 == len(data["results"])

    def test_each_result_on_one_department_and_one_district_page(self, demo_year: Path) -> None:
        """Every public row is on exactly one department page and one district page, and nowhere twice."""
        site = demo_year / "site"
        published = _public_file(demo_year / "public-results.json")
        every = {(r["task_id"], r["item_id"]) for r in published}
        for kind in ("departments", "districts"):
            seen: list[tuple[str, str]] = []
            for page in sorted((site / "results" / kind).glob("*.html")):
                rows = _download(site, f"results-{kind}-{page.stem}-results")["rows"]
                seen += [(r["task_id"], r["item_id"]) for r in rows]
            assert len(seen) == len(set(seen)), kind
            assert set(seen) == every, kind

    def test_department_counts_add_up(self, demo_year: Path) -> None:
        """The index's per-department counts add up to the rows, and problems plus the rest to the total."""
        site = demo_year / "site"
        rows = _download(site, "results-departments")["rows"]
        assert sum(r["published"] for r in rows) == len(_public_file(demo_year / "public-results.json"))
        assert all(r["problem"] + r["other"] == r["published"] for r in rows)

    def test_unpublished_results_are_listed_not_shown(self, demo_year: Path) -> None:
        """Every entered result of the book that is not published is left out and listed, and only those."""
        book = ResultBook.from_json_dict(json.loads((demo_year / "book.json").read_text(encoding="utf-8")))
        unpublished = {r.record_id for r in book if r.published_on is None}
        assert unpublished
        result = public_results(load_records(demo_year))
        assert {rid for rid, _ in result.withheld} == unpublished
        shown = {result.of(r) for r in result.rows}
        assert not shown & unpublished
        assert all("not yet published" in reason for _, reason in result.withheld)

    def test_secret_record_shown_redacted(self, secret_year: SecretYear) -> None:
        """The record with secrets is on its department page, its trade secret replaced by the mark."""
        stem = f"results-departments-{secret_year.department}-results"
        rows = _download(secret_year.site, stem)["rows"]
        row = next(r for r in rows if f"{r['task_id']}/{r['item_id']}" == secret_year.published_id)
        assert "涉及商业秘密" in row["notes"]
        assert "标签齐全" in row["notes"]

    def test_unpublished_and_forged_are_withheld(self, secret_year: SecretYear) -> None:
        """The unpublished record and the forged row are left out and listed, the reason without the value."""
        withheld = dict(secret_year.report.withheld)
        assert "not yet published" in withheld[secret_year.unpublished_id]
        assert "redaction check" in withheld[secret_year.forged_id]
        assert FORGED_PHONE not in withheld[secret_year.forged_id]
        assert secret_year.published_id not in withheld

    def test_row_without_entry_is_withheld(self, demo_year: Path, tmp_path: Path) -> None:
        """With a result book, a public row of a result the book does not hold is left out and listed."""
        folder = _records_copy(demo_year, tmp_path / "records")
        row = _public_file(folder / "public-results.json")[0] | {"task_id": "NEVER-ENTERED"}
        (folder / "public-results").mkdir()
        Publication(published_on=dt.date(2027, 12, 5), rows=(row,)).to_json(
            folder / "public-results" / "x.json"
        )
        result = public_results(load_records(folder))
        assert "does not hold" in dict(result.withheld)[f"NEVER-ENTERED/{row['item_id']}"]
        assert all(r["task_id"] != "NEVER-ENTERED" for r in result.rows)


class TestPrivacy:
    def test_no_secret_in_any_byte(self, secret_year: SecretYear) -> None:
        """No owner's or inspector's ID-card or phone number, name, or trade secret is in any site file."""
        files = [p for p in secret_year.site.rglob("*") if p.is_file()]
        assert len(files) > 50
        assert len(secret_year.secrets) > 100
        for path in files:
            data = path.read_bytes()
            leaked = [s.decode() for s in secret_year.secrets if s in data]
            assert leaked == [], path.relative_to(secret_year.site)

    def test_secrets_were_in_the_records(self, secret_year: SecretYear) -> None:
        """The search is meaningful: the trade secret and the forged number are in the records folder."""
        blob = b"".join(p.read_bytes() for p in secret_year.folder.rglob("*.json"))
        assert TRADE_SECRET.encode() in blob
        assert FORGED_PHONE.encode() in blob


class TestOverdue:
    def test_overdue_page_is_the_deadline_report(self, demo_year: Path) -> None:
        """The overdue list shows every row of overdue.csv, and the per-department totals add up to it."""
        site = demo_year / "site"
        with (demo_year / "overdue.csv").open(encoding="utf-8") as handle:
            expected = list(csv.DictReader(handle))
        assert expected
        listed = _download(site, "overdue-list")["rows"]
        assert [r["record_id"] for r in listed] == [r["record_id"] for r in expected]
        per_department = _download(site, "overdue-departments")["rows"]
        assert sum(r["total"] for r in per_department) == len(expected)
        assert all(r["late"] + r["overdue"] + r["missing"] == r["total"] for r in per_department)

    def test_bad_overdue_file_is_named(self, demo_year: Path, tmp_path: Path) -> None:
        """An overdue.csv without the deadline report's columns is refused with the file named."""
        folder = _records_copy(demo_year, tmp_path / "records")
        (folder / "overdue.csv").write_text("record,when\nx,y\n", encoding="utf-8")
        with pytest.raises(LoadError, match=r"overdue\.csv"):
            load_records(folder)


class TestAssessment:
    def test_charts_with_text_alternatives(self, demo_year: Path) -> None:
        """Both charts are local PNG files, each with an alt text giving every charted department."""
        site = demo_year / "site"
        page = (site / "assessment.html").read_text(encoding="utf-8")
        assessment = json.loads((demo_year / "assessment.json").read_text(encoding="utf-8"))
        charted = [d["key"] for d in assessment["departments"] if d["expected"] or d["inspected"]]
        for name in ("rates.png", "problems.png"):
            assert (site / "charts" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            start = page.index(f'src="charts/{name}"')
            alt = page[start : page.index(">", start)]
            assert all(key in alt for key in charted), name

    def test_without_matplotlib_charts_are_omitted_with_a_note(
        self, demo_year: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without matplotlib the site is still written: no chart files, a note in their place."""
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
        folder = _records_copy(demo_year, tmp_path / "records")
        report = publish(folder, tmp_path / "site")
        assert "assessment" in report.sections
        page = (tmp_path / "site" / "assessment.html").read_text(encoding="utf-8")
        assert "图表未生成" in page
        assert "<img" not in page
        assert not (tmp_path / "site" / "charts").exists()

    def test_referral_summary_adds_up(self, demo_year: Path) -> None:
        """The referral table counts add up to the assessment's totals (counts only, no record ids)."""
        assessment = json.loads((demo_year / "assessment.json").read_text(encoding="utf-8"))
        rows = _download(demo_year / "site", "assessment-referrals")["rows"]
        assert sum(r["referrals"] for r in rows) == assessment["total"]["referrals"]
        assert sum(r["referrals_overdue"] for r in rows) == assessment["total"]["referrals_overdue"]
        assert set(rows[0]) == {"key", "name", "referrals", "referrals_overdue"}

    def test_department_table_is_the_assessment(self, demo_year: Path) -> None:
        """The department table has one row per assessed department, with its publication rate."""
        assessment = json.loads((demo_year / "assessment.json").read_text(encoding="utf-8"))
        rows = _download(demo_year / "site", "assessment-departments")["rows"]
        assert [r["key"] for r in rows] == [d["key"] for d in assessment["departments"]]
        for row, dep in zip(rows, assessment["departments"], strict=True):
            assert row["drawn"].startswith(f"{dep['drawn']}/")


class TestSectionRegistry:
    def test_result_sections_registered(self) -> None:
        """The results, overdue and assessment sections are in the registry, each needing only its file."""
        needs = {s.key: s.needs for s in DEFAULT_SECTIONS}
        assert needs["results"] == frozenset({"public_results"})
        assert needs["overdue"] == frozenset({"overdue"})
        assert needs["assessment"] == frozenset({"assessment"})

    def test_results_only_folder(self, demo_year: Path, tmp_path: Path) -> None:
        """A folder with only the results files publishes those sections; the draw sections are left out."""
        folder = tmp_path / "records"
        folder.mkdir()
        for name in ("public-results.json", "overdue.csv", "assessment.json", "book.json"):
            shutil.copy(demo_year / name, folder / name)
        report = publish(folder, tmp_path / "site")
        assert {"results", "overdue", "assessment"} <= set(report.sections)
        assert "draws" in dict(report.left_out)
        assert (tmp_path / "site" / "results.html").is_file()

    def test_bad_public_file_is_named(self, demo_year: Path, tmp_path: Path) -> None:
        """A public-results file of another format is refused, naming the file."""
        folder = _records_copy(demo_year, tmp_path / "records")
        (folder / "public-results").mkdir()
        (folder / "public-results" / "x.json").write_text('{"results": []}', encoding="utf-8")
        with pytest.raises(ResultInputError, match=r"x\.json"):
            load_records(folder)


def _year(publications: list[Publication], book: ResultBook | None = None) -> YearRecords:
    return YearRecords(
        folder=Path("."),
        draws=(),
        directory=None,
        json_files={} if book is None else {"results_book": book.to_json_dict()},
        plan_tasks=(),
        publications=tuple((Path(f"{n}.json"), p) for n, p in enumerate(publications)),
        present=frozenset({"public_results"}),
    )


_row = st.builds(
    lambda task, day, note: {
        **{n: "" for n, _ in PUBLIC_FIELDS},
        "task_id": f"T{task}",
        "item_id": "I",
        "result": "未发现问题",
        "result_code": "01",
        "notes": note,
        "published_on": f"2027-03-{day:02d}",
    },
    st.integers(0, 6),
    st.integers(1, 28),
    st.sampled_from(["", "标签齐全", "整改完成"]),
)


class TestPublicResultsProperties:
    @settings(max_examples=40)
    @given(files=st.lists(st.lists(_row, max_size=6), min_size=1, max_size=4))
    def test_latest_publication_of_each_result_wins(self, files: list[list[dict[str, str]]]) -> None:
        """Each published result appears once, as its latest publication; no row is invented or altered."""
        publications = [Publication(published_on=dt.date(2027, 3, 28), rows=tuple(rows)) for rows in files]
        result = public_results(_year(publications))
        every = [r for rows in files for r in rows]
        ids = {f"{r['task_id']}/{r['item_id']}" for r in every}
        assert sorted(result.of(r) for r in result.rows) == sorted(ids)
        for shown in result.rows:
            same = [r for r in every if f"{r['task_id']}/{r['item_id']}" == result.of(shown)]
            assert shown in same
            assert shown["published_on"] == max(r["published_on"] for r in same)
        assert result.withheld == ()

    @settings(max_examples=25)
    @given(digits=st.text(alphabet="0123456789", min_size=9, max_size=9))
    def test_number_shaped_text_is_withheld(self, digits: str) -> None:
        """A row showing a mobile-number-shaped text is never kept, whatever the digits."""
        row = {n: "" for n, _ in PUBLIC_FIELDS} | {"task_id": "T", "item_id": "I", "notes": f"电话13{digits}"}
        result = public_results(_year([Publication(published_on=dt.date(2027, 3, 1), rows=(row,))]))
        assert result.rows == ()
        assert [rid for rid, _ in result.withheld] == ["T/I"]
        assert digits not in result.withheld[0][1]
