"""Tests of the eligibility rules added for issue 14: 回避 by rule, officer specialties, service fields,
directory dates, supervision levels, task categories and third parties."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from randinspect.directory import EnforcementCertificate, ExpertAdmission, Inspector, InspectorDirectory
from randinspect.draw import PublicSeedSource
from randinspect.errors import ConfigurationError, InputError
from randinspect.items import CheckItem, SupervisionLevel, ThirdParty
from randinspect.matching import (
    ConflictList,
    InspectionTask,
    MatchingProblem,
    TaskCategory,
    match_inspectors,
    seat_groups,
)

YEAR = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
WINDOW = (dt.date(2027, 4, 1), dt.date(2027, 6, 30))


def officer(iid: str, **kw: Any) -> Inspector:
    kw.setdefault("jurisdiction", ("520102",))
    return Inspector(
        id=iid,
        name=iid,
        role="officer",
        department=kw.pop("department", "SAMR"),
        certificate=EnforcementCertificate(number=f"C{iid}", valid_from=YEAR[0], valid_to=YEAR[1]),
        **kw,
    )


def expert(iid: str, **kw: Any) -> Inspector:
    return Inspector(id=iid, name=iid, role="expert", department="SAMR", specialties=("food",), **kw)


def task(**kw: Any) -> InspectionTask:
    fields: dict[str, Any] = {
        "id": "T1",
        "object_id": "O1",
        "region": "520102",
        "unit": "U1",
        "window": WINDOW,
        "departments": ["SAMR"],
    }
    fields.update(kw)
    return InspectionTask(**fields)


def candidates(t: InspectionTask, people: list[Inspector], **kw: Any) -> dict[str, set[str]]:
    problem = MatchingProblem.build([t], people, **kw)
    return {g.key: set(problem.candidates(n)) for n, g in enumerate(problem.groups)}


class TestConflictRules:
    def test_each_rule_removes_and_counts(self) -> None:
        """Declared list, former employer, family tie, affiliation and competitor each remove a pair."""
        people = [
            officer("A"),
            officer("B", former_employers=("O1",)),
            officer("C", family_ties=("O1",)),
            officer("D"),
            officer("E"),
            expert("X1", affiliation="O1"),
            expert("X2", affiliation="O9"),
            expert("X3"),
        ]
        conflicts = ConflictList([("D", "O1")], competitors=[("O9", "O1")])
        problem = MatchingProblem.build([task(specialties=["food"])], people, conflicts=conflicts)
        cands = {g.key: set(problem.candidates(n)) for n, g in enumerate(problem.groups)}
        assert cands == {"SAMR": {"A", "E"}, "food": {"X3"}}
        assert problem.removed_by_rule == {
            "declared": 1,
            "former_employer": 1,
            "family_tie": 1,
            "affiliation": 1,
            "competitor": 1,
            "previous_inspector": 0,
        }

    def test_binding_rule_in_message(self) -> None:
        """An unstaffable seat names the rules that removed its candidates."""
        people = [officer("A", family_ties=("O1",)), officer("B", former_employers=("O1",)), officer("C")]
        result = match_inspectors([task()], people, source=PublicSeedSource("m"), allow_partial=True)
        (report,) = result.infeasible
        assert report.constraint == "conflict"
        assert "family tie 1" in report.message
        assert "former employer 1" in report.message
        assert result.problem.rules_removing(report.seat) == {"former_employer": 1, "family_tie": 1}

    def test_own_competitor_refused(self) -> None:
        """An object cannot compete with itself."""
        with pytest.raises(InputError, match="own competitor"):
            ConflictList([], competitors=[("O1", "O1")])


class TestSeats:
    def test_officer_specialty_seat(self) -> None:
        """A needed officer specialty takes one of the department's seats, filled only by a specialist."""
        t = task(officer_specialties=["SAMR:boilers"])
        assert [(g.key, g.size) for g in seat_groups(t)] == [("SAMR/boilers", 1), ("SAMR", 1)]
        people = [officer("A", specialties=("boilers",)), officer("B"), officer("C")]
        assert candidates(t, people) == {"SAMR/boilers": {"A"}, "SAMR": {"A", "B", "C"}}
        result = match_inspectors([t], people, source=PublicSeedSource("s"))
        seats = {s.key: s.inspector_ids for s in result.groups[0].seats}
        assert seats["SAMR/boilers"] == ("A",)
        assert seats["SAMR"] != ("A",)

    def test_specialty_of_absent_department_refused(self) -> None:
        """An officer specialty for a department not taking part is refused."""
        with pytest.raises(InputError, match="do not take part"):
            task(officer_specialties=[("HEALTH", "x")])

    def test_service_fields(self) -> None:
        """An expert listing service fields serves tasks of those fields; one listing none serves all."""
        t = task(specialties=["food"], service_fields=["catering"])
        people = [
            officer("A"),
            officer("B"),
            expert("X1", service_fields=("retail",)),
            expert("X2", service_fields=("catering",)),
            expert("X3"),
        ]
        assert candidates(t, people)["food"] == {"X2", "X3"}

    def test_directory_dates(self) -> None:
        """Only people in the directory on every day of the window are eligible."""
        t = task(specialties=["food"])
        people = [
            officer("A"),
            officer("B"),
            expert("X1", joined_on=dt.date(2027, 5, 1)),
            expert("X2", left_on=dt.date(2027, 6, 1)),
            expert("X3", joined_on=dt.date(2027, 1, 1), left_on=dt.date(2027, 6, 30)),
        ]
        assert candidates(t, people)["food"] == {"X3"}


class TestSupervisionLevel:
    def test_city_level_needs_city_jurisdiction(self) -> None:
        """A city-level task is open to city-wide officers only; a territorial one to the district's too."""
        people = [
            officer("D1"),
            officer("D2", jurisdiction=("U1",)),
            officer("C1", jurisdiction=("5201",)),
            officer("C2", jurisdiction=("520100",)),
            officer("P1", jurisdiction=("52",)),
        ]
        assert candidates(task(), people)["SAMR"] == {"D1", "D2", "C1", "C2", "P1"}
        assert candidates(task(level="city"), people)["SAMR"] == {"C1", "C2", "P1"}
        assert candidates(task(level=SupervisionLevel.PROVINCE), people)["SAMR"] == {"P1"}
        assert candidates(task(level="county"), people)["SAMR"] == {"D1", "C1", "C2", "P1"}

    def test_item_level_and_default(self) -> None:
        """Items default to territorial supervision and keep their to_dict form unless a level is set."""
        item = CheckItem(
            id="I", name="n", department="SAMR", year=2027, scope={}, ratio="0.1", legal_basis=["l"]
        )
        assert item.level is SupervisionLevel.TERRITORIAL
        assert "level" not in item.to_dict()
        city = CheckItem.from_dict({**item.to_dict(), "level": "市级"})
        assert city.level is SupervisionLevel.CITY
        assert CheckItem.from_dict(city.to_dict()) == city


class TestTasks:
    def test_round_trip_with_new_fields(self) -> None:
        """A task with the new fields survives to_dict/from_dict; a plain task's dict is unchanged."""
        party = ThirdParty(
            institution="贵州省产品质量检验检测院",
            work=["testing"],
            qualifications={"testing": "CMA 2019xxxx"},
            scope="抽样检测",
        )
        t = task(
            officer_specialties=["SAMR:boilers"],
            service_fields=["catering"],
            level="city",
            third_parties=[party],
            category="special",
            note="2027 专项",
        )
        assert InspectionTask.from_dict(t.to_dict()) == t
        assert len({t, InspectionTask.from_dict(t.to_dict())}) == 1  # hashable, like every task
        assert set(task().to_dict()) == {
            "id",
            "object_id",
            "region",
            "unit",
            "start",
            "end",
            "items",
            "departments",
            "specialties",
        }
        assert t.category is TaskCategory.SPECIAL

    def test_third_party_never_takes_a_seat(self) -> None:
        """A task with a third party still gets its two certified officers."""
        party = ThirdParty(institution="机构", work=["audit"], qualifications={"audit": "资质"})
        t = task(third_parties=[party])
        assert [(g.key, g.size) for g in seat_groups(t)] == [("SAMR", 2)]

    def test_third_party_needs_qualification(self) -> None:
        """Entrusting work without a qualification for it is refused, naming the work."""
        with pytest.raises(ConfigurationError, match=r"no qualification .*\['assessment'\]"):
            ThirdParty(institution="机构", work=["testing", "评估"], qualifications={"testing": "CMA"})

    def test_unknown_category(self) -> None:
        """An unknown task category is refused with the accepted ones."""
        with pytest.raises(InputError, match="special"):
            task(category="urgent")


class TestExpertDirectory:
    def test_admit_and_retire(self) -> None:
        """Experts join by invitation or application on a date and leave on a date; inputs never change."""
        d = InspectorDirectory([officer("A")])
        with pytest.raises(InputError, match="invited"):
            d.admit(expert("X"), on=dt.date(2027, 2, 1))
        d2 = d.admit(expert("X"), on=dt.date(2027, 2, 1), by="特邀")
        assert "X" not in d
        assert d2.get("X").admission is ExpertAdmission.INVITED
        assert d2.get("X").joined_on == dt.date(2027, 2, 1)
        d3 = d2.retire("X", on=dt.date(2027, 9, 30))
        assert d3.get("X").left_on == dt.date(2027, 9, 30)
        assert d2.get("X").left_on is None
        with pytest.raises(InputError, match="before joining"):
            d2.retire("X", on=dt.date(2027, 1, 1))

    def test_csv_columns(self, tmp_path: Any) -> None:
        """Affiliation, dates and admission load from Chinese headers; family ties are never written."""
        path = tmp_path / "experts.csv"
        path.write_text(
            "工号,姓名,角色,部门,业务专长,服务领域,工作单位,入库日期,出库日期,入库方式,亲属关联单位\n"
            "X1,张三,专家,SAMR,food,catering,O7,2027-01-01,2027-12-31,自愿申请,O8\n",
            encoding="utf-8",
        )
        d = InspectorDirectory.from_csv(path)
        x = d.get("X1")
        assert (x.affiliation, x.joined_on, x.left_on) == ("O7", dt.date(2027, 1, 1), dt.date(2027, 12, 31))
        assert x.admission is ExpertAdmission.APPLIED
        assert x.family_ties == ("O8",)
        assert "O8" not in d.to_csv()
        assert "O8" not in d.to_json()
        assert "O8" not in repr(x)

    def test_bad_dates_named(self, tmp_path: Any) -> None:
        """Leaving before joining is reported on its row and column."""
        from randinspect.errors import LoadError

        path = tmp_path / "experts.csv"
        path.write_text(
            "id,name,role,department,joined_on,left_on\nX1,a,expert,SAMR,2027-05-01,2027-01-01\n",
            encoding="utf-8",
        )
        with pytest.raises(LoadError, match="left_on"):
            InspectorDirectory.from_csv(path)
