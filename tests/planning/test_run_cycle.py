"""Tests for run_cycle (draw, plan, joint plan and matching in one call) and ``randinspect plan``."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from randinspect.cli import plan as plan_cli
from randinspect.datasets import DemoCity, demo_city
from randinspect.draw import PublicSeedSource
from randinspect.errors import LoadError, PlanError
from randinspect.items import CheckItem
from randinspect.planning import ItemList, inspection_tasks, period_window, run_cycle


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return demo_city(n_objects=2_000, seed=7, year=2027)


def _items() -> ItemList:
    return ItemList(
        year=2027,
        items=[
            CheckItem(
                id=f"{d}-2027-1",
                name="年度抽查",
                department=d,
                year=2027,
                scope={},
                ratio="0.06",
                frequency=2 if d == "SAMR" else 1,
                legal_basis=["《优化营商环境条例》|第五十四条"],
            )
            for d in ("SAMR", "HEALTH", "FIRE")
        ],
    )


class TestRunCycle:
    def test_whole_cycle(self, city: DemoCity) -> None:
        """One call draws, plans, merges and matches; tasks equal the visits with joint inspection."""
        result = run_cycle(
            city.objects, _items(), source=PublicSeedSource("cycle"), inspectors=city.inspectors
        )
        summary = result.summary()
        assert len(result.records) == 4  # SAMR twice, HEALTH and FIRE once
        assert summary["answers_due"] == "2026-11-24"  # Tue 10 Nov 2026 + 10 working days
        assert summary["tasks"] == summary["visits_with_joint"]
        assert summary["visits_with_joint"] <= summary["visits_without_joint"]
        assert result.matching is not None
        assert summary["matching"]["groups"] + summary["matching"]["infeasible"] == summary["tasks"]
        assert set(result.timings) == {"draw", "plan", "propose", "merge", "tasks", "match"}
        assert json.dumps(result.to_json_dict(), ensure_ascii=False)

    def test_capacity_of_unknown_department_refused(self, city: DemoCity) -> None:
        """A capacity for a department without items (a misspelt code) is refused, not silently dropped."""
        with pytest.raises(PlanError, match="samr"):
            run_cycle(
                city.objects,
                _items(),
                source=PublicSeedSource("cycle"),
                capacities={"samr": (1, 1, 1, 1)},
            )

    def test_reproducible(self, city: DemoCity) -> None:
        """The same seed gives the same plans and joint plan."""
        a = run_cycle(city.objects, _items(), source=PublicSeedSource("same"))
        b = run_cycle(city.objects, _items(), source=PublicSeedSource("same"))
        assert [p.digest for p in a.joint.plans] == [p.digest for p in b.joint.plans]
        assert a.matching is None

    def test_joint_tasks_carry_all_departments(self, city: DemoCity) -> None:
        """A joint block's task lists every member department and their items, in the block's quarter."""
        result = run_cycle(city.objects, _items(), source=PublicSeedSource("joint"))
        tasks = {t.id: t for t in inspection_tasks(result.joint, city.objects, _items().items)}
        for block in result.joint.blocks:
            for o in block.object_ids:
                task = tasks[f"{block.id}|{o}"]
                assert task.departments == block.departments
                assert {i.split("-")[0] for i in task.items} == set(block.departments)
                assert task.window == period_window(2027, block.period)

    def test_period_window(self) -> None:
        """Quarters and months cover the year."""
        assert period_window(2027, 3) == (dt.date(2027, 10, 1), dt.date(2027, 12, 31))
        assert period_window(2027, 1, 12) == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))


class TestPlanCommand:
    def _parser(self) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog="randinspect")
        plan_cli.register(parser.add_subparsers(dest="command"))
        return parser

    def test_writes_plans(self, city: DemoCity, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The command prints the summary and writes the plans as JSON and CSV."""
        objects = tmp_path / "objects.csv"
        city.objects.to_csv(objects)
        items = tmp_path / "items.json"
        items.write_text(json.dumps(_items().to_dict(), ensure_ascii=False), encoding="utf-8")
        out = tmp_path / "out"
        args = self._parser().parse_args(
            ["plan", "--objects", str(objects), "--items", str(items), "--seed", "42", "--out", str(out)]
        )
        assert args.func(args) == 0
        printed = capsys.readouterr().out
        assert "joint blocks" in printed
        assert "deadline joint_plan: 2026-12-15" in printed
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        with (out / "plan-tasks.csv").open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == sum(
            len(p["tasks"]) for p in json.loads((out / "department-plans.json").read_text())
        )
        assert summary["visits_saved"] == summary["visits_without_joint"] - summary["visits_with_joint"]

    def test_capacity_option(self) -> None:
        """Capacities parse as DEPT=N,N,N,N and bad ones are refused."""
        assert plan_cli.parse_capacity("SAMR=1,2,3,4") == ("SAMR", (1, 2, 3, 4))
        with pytest.raises(LoadError):
            plan_cli.parse_capacity("SAMR:1,2")

    def test_capacity_given_twice_refused(
        self, city: DemoCity, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A department's capacity given twice is refused instead of the last one silently winning."""
        from randinspect.cli import main

        objects = tmp_path / "objects.csv"
        city.objects.to_csv(objects)
        items = tmp_path / "items.json"
        items.write_text(json.dumps(_items().to_dict(), ensure_ascii=False), encoding="utf-8")
        argv = ["plan", "--objects", str(objects), "--items", str(items), "--seed", "42"]
        argv += ["--capacity", "SAMR=9,9,9,9", "--capacity", "SAMR=1,1,1,1"]
        assert main(argv) == 2
        assert "capacity of SAMR given twice" in capsys.readouterr().err

    def test_answers_file(self, tmp_path: Path) -> None:
        """Answers load from CSV; bad rows are reported with row and column."""
        good = tmp_path / "answers.csv"
        good.write_text("department,proposal,accept,answered_on\nSAMR,O1,是,2026-11-12\n", encoding="utf-8")
        (answer,) = plan_cli.load_answers(good)
        assert answer.accept
        assert answer.answered_on == dt.date(2026, 11, 12)
        bad = tmp_path / "bad.csv"
        bad.write_text("department,proposal,accept,answered_on\nSAMR,O1,maybe,2026-11-12\n", encoding="utf-8")
        with pytest.raises(LoadError) as info:
            plan_cli.load_answers(bad)
        assert (info.value.problems[0].row, info.value.problems[0].column) == (1, "accept")

    def test_answers_file_in_gb18030(self, tmp_path: Path) -> None:
        """An answers file saved as GB18030 (as Excel does in China) loads like the other input files."""
        path = tmp_path / "answers.csv"
        path.write_bytes("department,proposal,accept,answered_on\nSAMR,O1,否,2026-11-12\n".encode("gb18030"))
        (answer,) = plan_cli.load_answers(path)
        assert not answer.accept

    def test_answers_file_undecodable(self, tmp_path: Path) -> None:
        """An answers file in no known encoding is a LoadError naming the file, not a traceback."""
        path = tmp_path / "answers.csv"
        path.write_bytes(b"department,proposal,accept,answered_on\n\xff\xfe\x80,O1,1,2026-11-12\n")
        with pytest.raises(LoadError, match=r"answers\.csv"):
            plan_cli.load_answers(path)

    def test_unwritable_out(self, city: DemoCity, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An --out path that cannot be a directory gives exit status 2 and a message, not a traceback."""
        objects = tmp_path / "objects.csv"
        city.objects.to_csv(objects)
        items = tmp_path / "items.json"
        items.write_text(json.dumps(_items().to_dict(), ensure_ascii=False), encoding="utf-8")
        out = tmp_path / "a-file"
        out.write_text("", encoding="utf-8")
        from randinspect.cli import main

        argv = ["plan", "--objects", str(objects), "--items", str(items), "--seed", "42", "--out", str(out)]
        assert main(argv) == 2
        assert "cannot write" in capsys.readouterr().err


class TestInspectionTasks:
    def test_unknown_object_rejected(self, city: DemoCity) -> None:
        """A plan naming an object missing from the directory raises PlanError naming it."""
        from randinspect.calendar import WeekendsOnly
        from randinspect.errors import PlanError
        from randinspect.planning import ItemDraw, OverlapMerger, plan_department

        items = _items().for_department("SAMR")
        plan = plan_department(
            "SAMR",
            items,
            [ItemDraw(item_id="SAMR-2027-1", selected_ids=["NOT-A-REAL-ID"])],
            source=PublicSeedSource("x"),
        )
        merger = OverlapMerger()
        joint = merger.merge(
            merger.propose([plan], pushed_on=dt.date(2026, 11, 10), calendar=WeekendsOnly()),
            [],
            source=PublicSeedSource("x"),
        )
        with pytest.raises(PlanError, match="NOT-A-REAL-ID"):
            inspection_tasks(joint, city.objects, items.items)


class TestRunCyclePolicies:
    def test_policy_per_department_and_skip_empty(self) -> None:
        """A mapping gives each department its own policy; skip_empty lists items with empty frames."""
        from randinspect.datasets import demo_city, demo_items
        from randinspect.draw import ComplaintRule, PublicSeedSource, StratifiedPolicy, TieredPolicy
        from randinspect.planning import run_cycle

        city = demo_city(n_objects=1_500, seed=3)
        items = demo_items(city.year)
        policies = {
            "SAMR": TieredPolicy(complaints=city.complaints, complaint_rule=ComplaintRule(min_count=1)),
            "TAX": StratifiedPolicy(),
        }
        result = run_cycle(
            city.objects, items, source=PublicSeedSource("p"), policy=policies, skip_empty=True
        )
        kinds = {r.item_id: r.commitment.policy["kind"] for r in result.records}
        assert kinds[f"{city.year}-TAX-01"] != kinds[f"{city.year}-SAMR-01"]
        assert result.summary()["drawn"]["SAMR"]["problem"] > 0
        assert f"{city.year}-EMERGENCY-02" in result.skipped
        assert result.summary()["skipped_items"] == list(result.skipped)


class TestRunCycleDeadlines:
    def test_late_push_is_warned(self) -> None:
        """Proposals pushed too late for the answers to fall due by the joint-plan deadline are reported."""
        import datetime as dt

        from randinspect.datasets import demo_city, demo_items
        from randinspect.draw import PublicSeedSource
        from randinspect.planning import run_cycle

        city = demo_city(n_objects=1_500, seed=3)
        items = demo_items(city.year)
        on_time = run_cycle(city.objects, items, source=PublicSeedSource("w"), skip_empty=True)
        assert on_time.warnings == ()
        late = run_cycle(
            city.objects,
            items,
            source=PublicSeedSource("w"),
            skip_empty=True,
            pushed_on=on_time.cycle.latest_push_date() + dt.timedelta(days=1),
        )
        assert len(late.warnings) == 1
        assert "after the joint-plan deadline 2026-12-15" in late.warnings[0]
        assert late.summary()["warnings"] == list(late.warnings)
