"""Tests for inspection tasks, seat rules, seat groups and the input loaders."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings

from randinspect.errors import ConfigurationError, InputError, LoadError
from randinspect.matching import (
    DEFAULT_SEAT_RULE,
    HistoryRecord,
    InspectionTask,
    SeatKind,
    SeatRule,
    load_conflicts,
    load_history,
    load_tasks,
    seat_groups,
)
from randinspect.testing._matching import inspection_tasks

W = (dt.date(2027, 3, 1), dt.date(2027, 3, 31))


def task(**kw: object) -> InspectionTask:
    base: dict[str, object] = {
        "id": "T1",
        "object_id": "O1",
        "region": "520102",
        "unit": "U1",
        "window": W,
        "departments": ["SAMR"],
    }
    base.update(kw)
    return InspectionTask(**base)  # type: ignore[arg-type]


class TestInspectionTask:
    def test_window_order(self) -> None:
        """A window that ends before it starts is rejected with a hint."""
        with pytest.raises(InputError, match="swap"):
            task(window=(dt.date(2027, 3, 2), dt.date(2027, 3, 1)))

    def test_needs_department(self) -> None:
        """A task without a department is rejected."""
        with pytest.raises(InputError, match="no department"):
            task(departments=[])

    def test_list_cells(self) -> None:
        """List fields read CSV-style cells and drop duplicates."""
        t = task(departments="SAMR;HEALTH|SAMR", specialties="food, drugs")
        assert t.departments == ("SAMR", "HEALTH")
        assert t.specialties == ("food", "drugs")

    @settings(max_examples=50)
    @given(inspection_tasks())
    def test_dict_round_trip(self, t: InspectionTask) -> None:
        """to_dict and from_dict are inverse."""
        assert InspectionTask.from_dict(json.loads(json.dumps(t.to_dict()))) == t

    def test_missing_field(self) -> None:
        """A mapping without object_id names the missing field."""
        with pytest.raises(InputError, match="object_id"):
            InspectionTask.from_dict({"id": "T", "start": "2027-01-01", "end": "2027-01-02"})


class TestSeatGroups:
    def test_single_department_gets_two_officers(self) -> None:
        """A single-department task gets two of its officers (§四(三)1)."""
        (g,) = seat_groups(task())
        assert (g.kind, g.key, g.size) == (SeatKind.OFFICER, "SAMR", 2)

    def test_joint_task_one_each(self) -> None:
        """Each department of a joint task staffs one officer by default."""
        groups = seat_groups(task(departments=["SAMR", "HEALTH"]))
        assert [(g.key, g.size) for g in groups] == [("HEALTH", 1), ("SAMR", 1)]

    def test_extra_officers_go_in_code_order(self) -> None:
        """Missing officers are spread over the departments in code order."""
        rule = SeatRule(min_officers=3)
        groups = seat_groups(task(departments=["SAMR", "HEALTH"]), rule)
        assert [(g.key, g.size) for g in groups] == [("HEALTH", 2), ("SAMR", 1)]

    def test_expert_seats(self) -> None:
        """One expert seat group per needed specialty, after the officers."""
        groups = seat_groups(task(specialties=["food", "drugs"]))
        assert [(g.kind, g.key) for g in groups][1:] == [
            (SeatKind.EXPERT, "drugs"),
            (SeatKind.EXPERT, "food"),
        ]
        assert groups[1].id == "T1|expert|drugs"

    @settings(max_examples=50)
    @given(inspection_tasks())
    def test_at_least_min_officers(self, t: InspectionTask) -> None:
        """Every task's officer seats add up to at least the rule's minimum, one group per department."""
        groups = seat_groups(t)
        officers = [g for g in groups if g.kind is SeatKind.OFFICER]
        assert sum(g.size for g in officers) >= DEFAULT_SEAT_RULE.min_officers
        assert sorted(g.key for g in officers) == sorted(t.departments)


class TestSeatRule:
    def test_round_trip(self) -> None:
        """to_dict and from_dict are inverse."""
        rule = SeatRule(min_officers=3, jurisdiction="unit", officer_roles=("officer",))
        assert SeatRule.from_dict(rule.to_dict()) == rule

    def test_unknown_key(self) -> None:
        """Unknown keys are rejected, listing the known ones."""
        with pytest.raises(ConfigurationError, match="unknown seat-rule keys"):
            SeatRule.from_dict({"min_oficers": 2})

    def test_negative(self) -> None:
        """Negative seat counts are rejected."""
        with pytest.raises(ConfigurationError):
            SeatRule(min_officers=-1)


class TestLoaders:
    def test_tasks_csv(self, tmp_path: Path) -> None:
        """Tasks load from CSV with list cells."""
        p = tmp_path / "tasks.csv"
        p.write_text(
            "id,object_id,region,unit,start,end,departments,specialties\n"
            'T1,O1,520102,U1,2027-03-01,2027-03-31,"SAMR;HEALTH",food\n',
            encoding="utf-8-sig",
        )
        (t,) = load_tasks(p)
        assert t.departments == ("SAMR", "HEALTH")
        assert t.specialties == ("food",)

    def test_tasks_json_and_errors(self, tmp_path: Path) -> None:
        """JSON tasks load; a bad row is reported with its row number."""
        p = tmp_path / "tasks.json"
        p.write_text(json.dumps({"tasks": [task().to_dict()]}), encoding="utf-8")
        assert load_tasks(p) == [task()]
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps([task().to_dict(), {"id": "T2"}]), encoding="utf-8")
        with pytest.raises(LoadError) as info:
            load_tasks(bad)
        assert info.value.problems[0].row == 2

    def test_conflicts_and_history(self, tmp_path: Path) -> None:
        """Conflicts and history load from CSV."""
        c = tmp_path / "c.csv"
        c.write_text("inspector_id,object_id\nA,O1\n", encoding="utf-8")
        h = tmp_path / "h.csv"
        h.write_text("object_id,inspector_id,date\nO1,A,2026-05-01\n", encoding="utf-8")
        assert load_conflicts(c).pairs == frozenset({("A", "O1")})
        assert load_history(h) == [HistoryRecord(object_id="O1", inspector_id="A", date=dt.date(2026, 5, 1))]
