"""``randinspect plan`` takes the problem-tier inputs like ``draw`` and prints the yearly volume (issue 8)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from randinspect.cli import plan as plan_cli
from randinspect.datasets import DemoCity, demo_city
from randinspect.draw import DrawRecord, verify
from randinspect.errors import OpeningRequiredError
from randinspect.items import CheckItem
from randinspect.planning import ItemList


@pytest.fixture(scope="module")
def city() -> DemoCity:
    """A small demo city."""
    return demo_city(n_objects=800, seed=11, year=2027)


class TestPlanProblemTier:
    def test_filed_cases_and_volume(
        self, city: DemoCity, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Filed cases make problem objects in the cycle's draws; the volume per item is printed."""
        objects = tmp_path / "objects.csv"
        city.objects.to_csv(objects)
        items = ItemList(
            year=2027,
            items=[
                CheckItem(
                    id="SAMR-2027-1",
                    name="年度抽查",
                    department="SAMR",
                    year=2027,
                    scope={},
                    ratio="0.05",
                    frequency=2,
                    legal_basis=["《优化营商环境条例》|第五十四条"],
                )
            ],
        )
        items_path = tmp_path / "items.json"
        items_path.write_text(json.dumps(items.to_dict(), ensure_ascii=False), encoding="utf-8")
        alive = city.objects.ids[city.objects.alive].tolist()
        cases = tmp_path / "cases.txt"
        cases.write_text("\n".join(alive[:3]) + "\n", encoding="utf-8")
        parser = argparse.ArgumentParser(prog="randinspect")
        plan_cli.register(parser.add_subparsers(dest="command"))
        argv = ["plan", "--objects", str(objects), "--items", str(items_path), "--seed", "42"]
        args = parser.parse_args([*argv, "--filed-cases", str(cases), "--out", str(tmp_path / "out")])
        assert args.func(args) == 0
        printed = capsys.readouterr().out
        assert "problem 6" in printed  # 3 filed cases in each of the 2 rounds
        assert "yearly volume per item" in printed
        assert "SAMR-2027-1: ratio 5.00%" in printed
        # The draws' reasons are committed by digests: each record's opening is written beside it, kept
        # out of the record, and lets an auditor re-run the draw bit for bit.
        out = tmp_path / "out"
        records = sorted((out / "draws").glob("*.json"))
        assert [p.name for p in sorted((out / "openings").glob("*.json"))] == [p.name for p in records]
        for path in records:
            record = DrawRecord.from_json(path)
            assert record.commitment.policy["reasons"]
            assert "reason_salt" not in path.read_text(encoding="utf-8")
            opening = json.loads((out / "openings" / path.name).read_text(encoding="utf-8"))
            assert opening["commitment_digest"] == record.commitment.digest
            with pytest.raises(OpeningRequiredError, match="opening"):
                verify(record, city.objects)
            assert verify(record, city.objects, opening=opening).selected_ids == record.selected_ids
        bad = parser.parse_args([*argv, "--reference-date", "yesterday"])
        with pytest.raises(plan_cli.LoadError):
            bad.func(bad)
