"""Whole-cycle tests of the rules issue 14 wires into run_cycle: 回避 and history, overlays, extra tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.datasets import DemoCity, demo_city
from randinspect.directory import InspectorDirectory
from randinspect.draw import PublicSeedSource
from randinspect.errors import MatchInputError, PlanError
from randinspect.items import CheckItem
from randinspect.matching import HistoryRecord, InspectionTask, TaskCategory
from randinspect.planning import (
    AddItem,
    AdjustItem,
    CycleResult,
    DistrictOverlay,
    ItemList,
    RemoveItem,
    run_cycle,
)

YEAR = 2027


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return demo_city(n_objects=2_000, seed=7, year=YEAR)


def _items(year: int = YEAR, **extra: Any) -> ItemList:
    return ItemList(
        year=year,
        items=[
            CheckItem(
                id=f"{d}-{year}-1",
                name="年度抽查",
                department=d,
                year=year,
                scope={},
                ratio="0.06",
                legal_basis=["《优化营商环境条例》|第五十四条"],
                **extra.get(d, {}),
            )
            for d in ("SAMR", "HEALTH", "FIRE")
        ],
    )


@pytest.fixture(scope="module")
def last_year(city: DemoCity) -> CycleResult:
    return run_cycle(
        city.objects, _items(YEAR - 1), source=PublicSeedSource("last"), inspectors=city.inspectors
    )


def _last_inspectors(history: tuple[HistoryRecord, ...]) -> dict[str, set[str]]:
    latest: dict[str, tuple[dt.date, set[str]]] = {}
    for h in history:
        cur = latest.get(h.object_id)
        if cur is None or h.date > cur[0]:
            latest[h.object_id] = (h.date, {h.inspector_id})
        elif h.date == cur[0]:
            cur[1].add(h.inspector_id)
    return {o: v[1] for o, v in latest.items()}


def _with_ties(city: DemoCity, objects: list[str], rng: np.random.Generator) -> InspectorDirectory:
    """The city's inspectors, a few with family ties and experts with an affiliation among ``objects``."""
    people = []
    for p in city.inspectors:
        changes: dict[str, Any] = {}
        if rng.random() < 0.05:
            changes["family_ties"] = (objects[int(rng.integers(0, len(objects)))],)
        if p.role.value == "expert" and rng.random() < 0.2:
            changes["affiliation"] = objects[int(rng.integers(0, len(objects)))]
        people.append(attrs.evolve(p, **changes) if changes else p)
    return InspectorDirectory(people)


class TestConflictsAndHistory:
    @settings(max_examples=12, deadline=None)
    @given(seed=st.integers(0, 2**32 - 1))
    def test_no_group_breaks_a_rule(self, city: DemoCity, last_year: CycleResult, seed: int) -> None:
        """Over whole cycles no group holds a conflicted inspector (any rule) or a last-time inspector."""
        rng = np.random.default_rng(seed)
        dry = run_cycle(city.objects, _items(), source=PublicSeedSource(f"s{seed}"))
        objects = sorted({t.object_id for t in dry.tasks})
        inspectors = _with_ties(city, objects, rng)
        ids = [p.id for p in inspectors]
        declared = [
            (ids[int(rng.integers(0, len(ids)))], objects[int(rng.integers(0, len(objects)))])
            for _ in range(60)
        ]
        competitors = [(objects[0], objects[-1]), (objects[1], objects[-2])]
        history = last_year.inspection_history()
        result = run_cycle(
            city.objects,
            _items(),
            source=PublicSeedSource(f"s{seed}"),
            inspectors=inspectors,
            conflicts=declared,
            competitors=competitors,
            history=history,
        )
        assert result.matching is not None
        last = _last_inspectors(history)
        rivals: dict[str, set[str]] = {}
        for a, b in competitors:
            rivals.setdefault(a, set()).add(b)
            rivals.setdefault(b, set()).add(a)
        people = {p.id: p for p in inspectors}
        tasks = {t.id: t for t in result.tasks}
        for group in result.matching.groups:
            obj = tasks[group.task_id].object_id
            for iid in group.inspector_ids:
                p = people[iid]
                assert (iid, obj) not in set(declared)
                assert obj not in p.former_employers
                assert obj not in p.family_ties
                assert obj != p.affiliation
                assert obj not in rivals.get(p.affiliation, set())
                assert iid not in last.get(obj, set())
        summary = result.summary()["matching"]
        assert summary["pairs_removed_by_rule"]["previous_inspector"] > 0
        assert summary["groups"] + summary["infeasible"] == len(result.tasks)

    def test_binding_rule_named(self, city: DemoCity) -> None:
        """Conflicting every inspector with one object leaves its task unstaffed, the declared list named."""
        dry = run_cycle(city.objects, _items(), source=PublicSeedSource("bind"))
        target = dry.tasks[0].object_id
        conflicts = [(p.id, target) for p in city.inspectors]
        result = run_cycle(
            city.objects,
            _items(),
            source=PublicSeedSource("bind"),
            inspectors=city.inspectors,
            conflicts=conflicts,
        )
        summary = result.summary()["matching"]
        blocked = [r for r in summary["infeasible_by_rules"] if r["task"] == dry.tasks[0].id]
        assert blocked
        assert blocked[0]["constraint"] == "conflict"
        assert "declared" in blocked[0]["rules"]
        assert summary["pairs_removed_by_rule"]["declared"] > 0

    def test_history_of_a_cycle(self, last_year: CycleResult) -> None:
        """A cycle's history has one record per seat of every group, dated within the previous year."""
        history = last_year.inspection_history()
        assert last_year.matching is not None
        assert len(history) == sum(len(g.inspector_ids) for g in last_year.matching.groups)
        assert all(h.date.year == YEAR - 1 for h in history)


class TestBadInput:
    def test_conflict_unknown_inspector(self, city: DemoCity) -> None:
        """A conflict naming an unknown inspector is refused, naming its position."""
        some = str(city.objects.ids[0])
        with pytest.raises(MatchInputError, match=r"conflict 1 .*not in the inspector directory"):
            run_cycle(
                city.objects,
                _items(),
                source=PublicSeedSource("x"),
                inspectors=city.inspectors,
                conflicts=[("NOBODY", some)],
            )

    def test_conflict_unknown_object(self, city: DemoCity) -> None:
        """A conflict naming an object outside the directory is refused."""
        person = city.inspectors.inspectors[0].id
        with pytest.raises(MatchInputError, match="not in the object directory"):
            run_cycle(
                city.objects,
                _items(),
                source=PublicSeedSource("x"),
                inspectors=city.inspectors,
                conflicts=[(person, "NO-SUCH-OBJECT")],
            )

    def test_history_in_the_future(self, city: DemoCity) -> None:
        """History dated in the plan year (it cannot have happened yet) is refused, naming the record."""
        person = city.inspectors.inspectors[0].id
        record = HistoryRecord(
            object_id=str(city.objects.ids[0]), inspector_id=person, date=dt.date(YEAR, 3, 1)
        )
        with pytest.raises(MatchInputError, match=r"history record 1 .*2027-03-01"):
            run_cycle(
                city.objects,
                _items(),
                source=PublicSeedSource("x"),
                inspectors=city.inspectors,
                history=[record],
            )

    def test_overlay_outside_city(self, city: DemoCity) -> None:
        """An overlay for a district with no object in the directory is refused."""
        overlay = DistrictOverlay(district="110101", year=YEAR, changes=[RemoveItem(item_id="SAMR-2027-1")])
        with pytest.raises(PlanError, match=r"110101.*outside the city"):
            run_cycle(city.objects, _items(), source=PublicSeedSource("x"), overlays=[overlay])

    def test_extra_task_unknown_object(self, city: DemoCity) -> None:
        """A case task for an object outside the directory is refused."""
        task = InspectionTask(
            id="CASE-1",
            object_id="NOPE",
            region="520102",
            unit="U",
            window=(dt.date(YEAR, 5, 1), dt.date(YEAR, 5, 10)),
            departments=["SAMR"],
            category="case",
        )
        with pytest.raises(MatchInputError, match="extra task 1"):
            run_cycle(city.objects, _items(), source=PublicSeedSource("x"), extra_tasks=[task])


def _district(city: DemoCity) -> str:
    regions, counts = np.unique(np.asarray(city.objects.regions), return_counts=True)
    return str(regions[int(np.argmax(counts))])


class TestOverlays:
    @settings(max_examples=6, deadline=None)
    @given(seed=st.integers(0, 2**32 - 1))
    def test_overlay_items_drawn_with_provenance(self, city: DemoCity, seed: int) -> None:
        """A district's added and adjusted items are drawn in the district only, with their provenance;
        the adjusted city item is drawn outside the district only."""
        district = _district(city)
        added = CheckItem(
            id="D-SAMR-2027-9",
            name="区补充事项",
            department="SAMR",
            year=YEAR,
            scope={"regions": [district]},
            ratio="0.1",
            legal_basis=["《产品质量法》|第十五条"],
        )
        overlay = DistrictOverlay(
            district=district,
            year=YEAR,
            provenance="区政府常务会议 2026-10-20",
            changes=[
                AddItem(item=added, reason="本区特色"),
                AdjustItem(item_id="HEALTH-2027-1", ratio="0.2"),
            ],
        )
        # An overlay may raise a ratio up to the item's ceiling, never past it (issue 8): the city's item
        # has a ceiling of 0.25, above the district's 0.2.
        items = _items(HEALTH={"cap": "0.25"})
        result = run_cycle(city.objects, items, source=PublicSeedSource(f"o{seed}"), overlays=[overlay])
        regions = dict(
            zip(
                np.asarray(city.objects.ids).tolist(), np.asarray(city.objects.regions).tolist(), strict=False
            )
        )
        drawn: dict[str, list[str]] = {}
        for record in result.records:
            drawn.setdefault(record.item_id, []).extend(record.selected_ids)
        assert drawn["D-SAMR-2027-9"]
        assert all(regions[o] == district for o in drawn["D-SAMR-2027-9"])
        local = f"HEALTH-2027-1@{district}"
        assert drawn[local]
        assert all(regions[o] == district for o in drawn[local])
        assert all(regions[o] != district for o in drawn["HEALTH-2027-1"])
        origins = result.summary()["overlay_items"]
        assert origins["D-SAMR-2027-9"]["origin"] == "district-added"
        assert "区政府常务会议 2026-10-20" in "; ".join(origins["D-SAMR-2027-9"]["provenance"])
        assert origins[local]["origin"] == "district-adjusted"
        assert origins["HEALTH-2027-1"]["origin"] == "city-outside-overlays"


class TestExtraTasks:
    def test_special_and_case_tasks_matched(self, city: DemoCity) -> None:
        """Special-campaign and case tasks enter the same matching and are counted by category."""
        obj = str(city.objects.ids[5])
        k = int(np.flatnonzero(np.asarray(city.objects.ids) == obj)[0])
        region, unit = str(city.objects.regions[k]), str(city.objects.units[k])
        window = (dt.date(YEAR, 5, 6), dt.date(YEAR, 5, 20))
        extra = [
            InspectionTask(
                id="SPECIAL-1",
                object_id=obj,
                region=region,
                unit=unit,
                window=window,
                departments=["SAMR"],
                category=TaskCategory.SPECIAL,
                note="2027 食品安全专项",
            ),
            InspectionTask(
                id="CASE-1",
                object_id=obj,
                region=region,
                unit=unit,
                window=window,
                departments=["SAMR"],
                category="case",
                note="12315 投诉 #123",
            ),
        ]
        result = run_cycle(
            city.objects,
            _items(),
            source=PublicSeedSource("extra"),
            inspectors=city.inspectors,
            extra_tasks=extra,
        )
        summary = result.summary()
        assert summary["tasks_by_category"] == {"case": 1, "random": len(result.tasks) - 2, "special": 1}
        assert result.matching is not None
        staffed = {g.task_id for g in result.matching.groups}
        assert {"SPECIAL-1", "CASE-1"} <= staffed

    def test_officer_specialty_of_an_item(self, city: DemoCity) -> None:
        """An item needing an officer specialty gives its tasks a seat only such an officer fills."""
        specialty = next(
            s
            for p in city.inspectors
            if p.role.value == "officer" and p.department == "SAMR"
            for s in p.specialties
        )
        result = run_cycle(
            city.objects,
            _items(SAMR={"officer_specialty": specialty}),
            source=PublicSeedSource("spec"),
            inspectors=city.inspectors,
        )
        people = {p.id: p for p in city.inspectors}
        assert result.matching is not None
        samr = [t for t in result.tasks if "SAMR" in t.departments]
        assert samr
        assert all(("SAMR", specialty) in t.officer_specialties for t in samr)
        for g in result.matching.groups:
            for seat in g.seats:
                if seat.key == f"SAMR/{specialty}":
                    assert all(specialty in people[i].specialties for i in seat.inspector_ids)


class TestPlanCommandRules:
    def _run(self, args: list[str]) -> int:
        import argparse

        from randinspect.cli import plan as plan_cli

        parser = argparse.ArgumentParser(prog="randinspect")
        plan_cli.register(parser.add_subparsers(dest="command"))
        parsed = parser.parse_args(["plan", *args])
        return int(parsed.func(parsed))

    def _files(self, city: DemoCity, tmp_path: Any, **extra: Any) -> list[str]:
        import json

        objects = tmp_path / "objects.csv"
        city.objects.to_csv(objects)
        people = tmp_path / "inspectors.csv"
        city.inspectors.to_csv(people)
        items = tmp_path / "items.json"
        items.write_text(json.dumps(_items(**extra).to_dict(), ensure_ascii=False), encoding="utf-8")
        return ["--objects", str(objects), "--items", str(items), "--seed", "s", "--inspectors", str(people)]

    def test_rules_files(self, city: DemoCity, last_year: CycleResult, tmp_path: Any, capsys: Any) -> None:
        """Conflicts, history, an overlay and case tasks from files reach the cycle and its summary."""
        import json

        # The overlay raises FIRE's ratio to 0.2, within the item's ceiling of 0.25 (never past it).
        base = self._files(city, tmp_path, FIRE={"cap": "0.25"})
        person, obj = city.inspectors.inspectors[0].id, str(city.objects.ids[0])
        (tmp_path / "conflicts.csv").write_text(f"inspector_id,object_id\n{person},{obj}\n", encoding="utf-8")
        history = tmp_path / "history.csv"
        history.write_text(
            "object_id,inspector_id,date\n"
            + "".join(f"{h.object_id},{h.inspector_id},{h.date}\n" for h in last_year.inspection_history()),
            encoding="utf-8",
        )
        district = _district(city)
        overlay = tmp_path / "overlay.json"
        overlay.write_text(
            json.dumps(
                {
                    "district": district,
                    "year": YEAR,
                    "provenance": "区文件 2026-10",
                    "adjust": [{"item_id": "FIRE-2027-1", "ratio": "0.2"}],
                }
            ),
            encoding="utf-8",
        )
        k = 3
        tasks = tmp_path / "tasks.csv"
        tasks.write_text(
            "id,object_id,region,unit,start,end,departments,category,note\n"
            f"CASE-1,{city.objects.ids[k]},{city.objects.regions[k]},{city.objects.units[k]},"
            "2027-05-06,2027-05-20,SAMR,case,12315-001\n",
            encoding="utf-8",
        )
        out = tmp_path / "out"
        code = self._run(
            [
                *base,
                "--conflicts",
                str(tmp_path / "conflicts.csv"),
                "--history",
                str(history),
                "--overlay",
                str(overlay),
                "--tasks",
                str(tasks),
                "--out",
                str(out),
            ]
        )
        assert code == 0
        printed = capsys.readouterr().out
        assert "pairs removed" in printed
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert summary["tasks_by_category"]["case"] == 1
        assert summary["matching"]["pairs_removed_by_rule"]["previous_inspector"] > 0
        assert summary["overlay_items"][f"FIRE-2027-1@{district}"]["provenance"] == ["区文件 2026-10"]

    def test_bad_rows_named(self, city: DemoCity, tmp_path: Any) -> None:
        """Unknown inspectors and future history are refused with their row and column."""
        from randinspect.errors import LoadError

        base = self._files(city, tmp_path)
        obj = str(city.objects.ids[0])
        person = city.inspectors.inspectors[0].id
        conflicts = tmp_path / "c.csv"
        conflicts.write_text(f"inspector_id,object_id\n{person},{obj}\nNOBODY,{obj}\n", encoding="utf-8")
        with pytest.raises(LoadError) as info:
            self._run([*base, "--conflicts", str(conflicts)])
        (problem,) = info.value.problems
        assert (problem.row, problem.column, problem.value) == (2, "inspector_id", "NOBODY")
        history = tmp_path / "h.csv"
        history.write_text(f"object_id,inspector_id,date\n{obj},{person},2027-02-01\n", encoding="utf-8")
        with pytest.raises(LoadError) as info:
            self._run([*base, "--history", str(history)])
        (problem,) = info.value.problems
        assert (problem.row, problem.column) == (1, "date")


class TestDemoRules:
    def test_demo_applies_conflicts_and_history(self, tmp_path: Any) -> None:
        """The demo runs with the declared conflict list and last year's history, and reports both."""
        import json

        from randinspect.cli import main

        assert main(["demo", "--objects", "3000", "--out", str(tmp_path)]) == 0
        summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
        removed = summary["matching"]["pairs_removed_by_rule"]
        assert removed["previous_inspector"] > 0
        assert set(removed) == {
            "declared",
            "former_employer",
            "family_tie",
            "affiliation",
            "competitor",
            "previous_inspector",
        }


class TestImmediateTask:
    def test_case_task_from_directory(self, city: DemoCity) -> None:
        """A case task takes region and unit from the directory and is matched in a re-matching."""
        from randinspect.matching import rematch
        from randinspect.planning import immediate_task

        result = run_cycle(city.objects, _items(), source=PublicSeedSource("imm"), inspectors=city.inspectors)
        assert result.matching is not None
        obj = str(city.objects.ids[11])
        task = immediate_task(
            city.objects, obj, departments=["SAMR"], start=dt.date(YEAR, 6, 2), note="12315 #88"
        )
        assert task.category is TaskCategory.CASE
        assert task.region == str(city.objects.regions[11])
        v2 = rematch(
            result.matching,
            [*result.tasks, task],
            city.inspectors,
            reason="个案线索 12315 #88",
            source=PublicSeedSource("imm"),
        )
        assert v2.affected == (task.id,)
        assert len(v2.kept) == len(result.matching.groups)

    def test_unknown_object(self, city: DemoCity) -> None:
        """A task for an object outside the directory is refused."""
        from randinspect.planning import immediate_task

        with pytest.raises(PlanError, match="not in the object directory"):
            immediate_task(city.objects, "NOPE", departments=["SAMR"], start=dt.date(YEAR, 6, 2))
