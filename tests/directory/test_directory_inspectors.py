"""Tests of randinspect.directory.InspectorDirectory: records, loaders, and privacy of personal data."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from randinspect.directory import (
    EnforcementCertificate,
    Inspector,
    InspectorDirectory,
    InspectorRole,
    id_card_problems,
    phone_problems,
)
from randinspect.errors import InputError, LoadError
from randinspect.testing._directory import inspector_directories, inspector_records

ID_CARD = "11010519491231002X"  # the GB 11643-1999 worked example
PHONE = "13812345678"
HEADER = (
    "工号,姓名,角色,部门,单位,辖区,执法证号,执法证有效期起,执法证有效期止,职务,业务专长,服务领域,可用时段,"
    "身份证号,联系电话,曾任职单位"
)
OFFICER = (
    "P001,张三,执法人员,SAMR,520102-SAMR-01,520102;520103,C-1,2025-01-01,2028-12-31,科员,食品,,"
    f"2027-01-01~2027-06-30,{ID_CARD},{PHONE},"
)
EXPERT = "E001,李四,专家,SAMR,,5201,,,,教授,特种设备|食品,检测,,,,91520102000000000F"
_fixture_ok = settings(
    deadline=None, max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def write(tmp_path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path = tmp_path / "people.csv"
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode(encoding))
    return path


def officer(**kw: Any) -> Inspector:
    base: dict[str, Any] = {
        "id": "P1",
        "name": "张三",
        "role": "officer",
        "department": "SAMR",
        "certificate": EnforcementCertificate(
            number="C1", valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2028, 1, 1)
        ),
        "id_card": ID_CARD,
        "phone": PHONE,
    }
    base.update(kw)
    return Inspector(**base)


class TestPrivateValues:
    def test_checks(self) -> None:
        """Identity-card numbers are checked by GB 11643 check character and birth date; phones by form."""
        assert id_card_problems(ID_CARD) == ()
        assert id_card_problems(ID_CARD[:-1] + "1")
        assert id_card_problems("110105194913310021")  # month 13
        assert phone_problems("+86 138-1234-5678") == ()
        assert phone_problems("0851-86812345") == ()
        assert phone_problems("12345")

    def test_never_in_repr_str_or_exports(self) -> None:
        """repr, str, public records, JSON export and the directory repr hold no private value."""
        person = officer()
        d = InspectorDirectory([person])
        texts = [repr(person), str(person), repr(d), str(d), json.dumps(d.to_public_records()), d.to_json()]
        for text in texts:
            assert ID_CARD not in text
            assert PHONE not in text
            assert ID_CARD[-8:] not in text
            assert PHONE[-4:] not in text
        assert "id_card" not in d.to_public_records()[0]
        assert "phone" not in d.to_public_records()[0]

    def test_pickle_keeps_them_for_the_host(self) -> None:
        """Pickling works and keeps the private values; equality ignores them."""
        person = officer()
        again = pickle.loads(pickle.dumps(person))
        assert again == person
        assert again.id_card == ID_CARD
        assert again.phone == PHONE
        assert officer(phone=None) == person

    def test_constructor_errors_are_redacted(self) -> None:
        """A bad identity-card number raises without quoting it."""
        bad = ID_CARD[:-1] + "1"
        with pytest.raises(InputError) as info:
            officer(id_card=bad)
        assert bad not in str(info.value)
        assert bad[-4:] not in str(info.value)

    def test_loader_problems_are_redacted(self, tmp_path: Path) -> None:
        """Problems about private columns show <redacted>, never the value, also for ragged rows."""
        bad_card = ID_CARD[:-1] + "1"
        rows = [OFFICER.replace(ID_CARD, bad_card).replace(PHONE, "1234"), f"P9,x,{bad_card}"]
        result = InspectorDirectory.from_csv(write(tmp_path, rows), strict=False)
        problems = result.report.problems
        assert [p.code for p in problems] == ["id_card.invalid", "phone.invalid", "row.ragged"]
        text = str(result.report)
        assert bad_card not in text
        assert "1234" not in text.replace("(1-based", "")
        assert problems[0].value == "<redacted>"
        assert problems[2].value is None
        with pytest.raises(LoadError) as info:
            InspectorDirectory.from_csv(write(tmp_path, rows))
        assert bad_card not in str(info.value)


class TestInspector:
    def test_officer_needs_certificate(self) -> None:
        """Officers need a certificate; experts and staff do not."""
        with pytest.raises(InputError):
            officer(certificate=None)
        assert officer(role="expert", certificate=None).role is InspectorRole.EXPERT
        assert officer(role="工作人员", certificate=None).role is InspectorRole.STAFF

    def test_certificate_period(self) -> None:
        """A certificate's validity starts before it ends and is checked by date."""
        with pytest.raises(InputError):
            EnforcementCertificate(number="C", valid_from=dt.date(2028, 1, 1), valid_to=dt.date(2027, 1, 1))
        person = officer()
        assert person.certified_on(dt.date(2026, 6, 1))
        assert not person.certified_on(dt.date(2029, 1, 1))

    def test_availability(self) -> None:
        """Availability windows are inclusive; none means always available."""
        person = officer(availability=[(dt.date(2027, 3, 1), dt.date(2027, 3, 31))])
        assert person.is_available(dt.date(2027, 3, 1), dt.date(2027, 3, 31))
        assert not person.is_available(dt.date(2027, 3, 30), dt.date(2027, 4, 2))
        assert officer().is_available(dt.date(2030, 1, 1))


class TestInspectorDirectory:
    def test_canonical_order_and_lookup(self) -> None:
        """People are kept by id; get, by_department and by_role find them; duplicates are refused."""
        d = InspectorDirectory([officer(id="P2"), officer(id="P1", department="MEE")])
        assert [p.id for p in d.inspectors] == ["P1", "P2"]
        assert d.get("P2").id == "P2"
        assert [p.id for p in d.by_department("MEE")] == ["P1"]
        assert len(d.by_role("officer")) == 2
        assert d.counts("department") == {"MEE": 1, "SAMR": 1}
        with pytest.raises(InputError):
            d.get("nope")
        with pytest.raises(InputError, match="duplicate"):
            InspectorDirectory([officer(), officer()])

    @_fixture_ok
    @given(recs=inspector_records())
    def test_records_round_trip(self, recs: list[dict[str, Any]]) -> None:
        """Public records plus private fields load back into an equal directory with the private values."""
        d = InspectorDirectory.from_records(recs)
        assert d.to_public_records() == sorted(
            ({k: v for k, v in r.items() if k not in ("id_card", "phone")} for r in recs),
            key=lambda r: r["id"],
        )
        for r in recs:
            assert d.get(r["id"]).id_card == (r["id_card"] or None)

    @_fixture_ok
    @given(d=inspector_directories())
    def test_csv_round_trip_without_private_values(self, tmp_path: Path, d: InspectorDirectory) -> None:
        """to_csv (English or Chinese headers) loads back equal; no private value is written."""
        for chinese in (False, True):
            path = tmp_path / f"people-{chinese}.csv"
            text = d.to_csv(path, chinese_headers=chinese)
            again = InspectorDirectory.from_csv(path)
            assert again == d
            assert all(p.id_card is None and p.phone is None for p in again)
            for p in d:
                assert p.id_card is None or p.id_card not in text

    @settings(deadline=None, max_examples=30)
    @given(inspector_directories())
    def test_digest_ignores_private_values(self, d: InspectorDirectory) -> None:
        """The digest depends on public fields only: dropping the private values keeps it."""
        stripped = InspectorDirectory([attrs.evolve(p, id_card=None, phone=None) for p in d])
        assert stripped.digest == d.digest
        assert len(d.digest) == 64

    def test_csv_loads_chinese_headers(self, tmp_path: Path) -> None:
        """A CSV with Chinese headers loads officers and experts with lists, dates and windows."""
        d = InspectorDirectory.from_csv(write(tmp_path, [OFFICER, EXPERT], encoding="gb18030"))
        p = d.get("P001")
        assert p.jurisdiction == ("520102", "520103")
        assert p.certificate == EnforcementCertificate(
            number="C-1", valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2028, 12, 31)
        )
        assert p.availability == ((dt.date(2027, 1, 1), dt.date(2027, 6, 30)),)
        e = d.get("E001")
        assert e.role is InspectorRole.EXPERT
        assert e.specialties == ("特种设备", "食品")
        assert e.former_employers == ("91520102000000000F",)

    @pytest.mark.parametrize(
        ("row", "column", "code"),
        [
            (OFFICER.replace("执法人员", "警察"), "角色", "role.unknown"),
            (OFFICER.replace("C-1,2025-01-01,2028-12-31", ",,"), "执法证号", "certificate.missing"),
            (
                OFFICER.replace("2025-01-01,2028-12-31", "2029-01-01,2028-12-31"),
                "执法证有效期止",
                "certificate.period",
            ),
            (OFFICER.replace("2025-01-01", "2025-13-01"), "执法证有效期起", "certificate.date"),
            (OFFICER.replace("2027-01-01~2027-06-30", "soon"), "可用时段", "availability.invalid"),
            (OFFICER.replace(",SAMR,", ",,"), "部门", "department.invalid"),
        ],
    )
    def test_row_errors(self, tmp_path: Path, row: str, column: str, code: str) -> None:
        """Each bad value is reported with row and column; the other rows load."""
        result = InspectorDirectory.from_csv(write(tmp_path, [EXPERT, row]), strict=False)
        assert [(p.row, p.column, p.code) for p in result.report.problems] == [(2, column, code)]
        assert result.directory is not None
        assert [p.id for p in result.directory] == ["E001"]

    def test_duplicates_and_unknown_headers(self, tmp_path: Path) -> None:
        """Duplicate ids name both rows; unknown headers are reported with a suggestion."""
        result = InspectorDirectory.from_csv(write(tmp_path, [OFFICER, EXPERT, OFFICER]), strict=False)
        assert [(p.row, p.code) for p in result.report.problems] == [(1, "id.duplicate"), (3, "id.duplicate")]
        bad = tmp_path / "bad.csv"
        bad.write_text("工号,姓名,角色,部门,执法证号码\n", encoding="utf-8")
        problem = InspectorDirectory.from_csv(bad, strict=False).report.problems[0]
        assert problem.code == "header.unknown"
        assert "执法证号" in (problem.hint or "")

    def test_duplicate_of_a_bad_row(self, tmp_path: Path) -> None:
        """A duplicate id is reported, and neither row loaded, even when the other row has another problem."""
        bad_role = OFFICER.replace(",officer,", ",boss,").replace(",执法人员,", ",boss,")
        assert bad_role != OFFICER
        result = InspectorDirectory.from_csv(write(tmp_path, [bad_role, EXPERT, OFFICER]), strict=False)
        problems = sorted((p.row, p.code) for p in result.report.problems)
        assert problems == [(1, "id.duplicate"), (1, "role.unknown"), (3, "id.duplicate")]
        assert result.directory is not None
        assert [p.id for p in result.directory] == ["E001"]

    def test_json(self, tmp_path: Path) -> None:
        """JSON lists and {"inspectors": [...]} load; the export has no private values."""
        d = InspectorDirectory.from_csv(write(tmp_path, [OFFICER, EXPERT]))
        path = tmp_path / "p.json"
        d.to_json(path)
        assert ID_CARD not in path.read_text(encoding="utf-8")
        again = InspectorDirectory.from_json(path)
        assert again == d
