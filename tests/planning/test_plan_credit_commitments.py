"""Signed credit commitments (信用承诺) from a CSV file: the loader and ``randinspect plan
--credit-commitments``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect.cli import plan as plan_cli
from randinspect.datasets import DemoCity, demo_city
from randinspect.errors import LoadError
from randinspect.items import CheckItem
from randinspect.ledger import Journal, open_store
from randinspect.planning import ItemList
from randinspect.results import COMMITMENT_COLUMNS, CommitmentStandIn, load_credit_commitments

DIGEST = "ab" * 32
HEADER = ",".join(COMMITMENT_COLUMNS)


@pytest.fixture(scope="module")
def city() -> DemoCity:
    """A small demo city."""
    return demo_city(n_objects=600, seed=5, year=2027)


def write(tmp_path: Path, text: str, name: str = "commitments.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestLoader:
    @given(
        st.lists(
            st.tuples(
                st.text(st.sampled_from("0123456789ABCDEFX"), min_size=1, max_size=18),
                st.sampled_from(["SAMR-1", "SAMR-2", "TAX-1"]),
                st.dates(),
                st.sampled_from(["", "04", "05"]),
                st.booleans(),
            ),
            max_size=12,
            unique_by=lambda r: (r[0], r[1]),
        )
    )
    def test_round_trip(
        self, tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, object, str, bool]]
    ) -> None:
        """Every row comes back as a CommitmentStandIn in file order; an upper-case digest is read as lower
        case and a missing ``on_breach`` is 04."""
        lines = [f"{HEADER},on_breach"]
        for oid, item, day, breach, upper in rows:
            lines.append(
                f"{oid},{item},{item.split('-')[0]},{day},{DIGEST.upper() if upper else DIGEST},{breach}"
            )
        path = write(tmp_path_factory.mktemp("c"), "\n".join(lines) + "\n")
        got = load_credit_commitments(path)
        assert got == tuple(
            CommitmentStandIn(
                object_id=oid,
                item_id=item,
                department=item.split("-")[0],
                signed_on=day,  # type: ignore[arg-type]
                text_digest=DIGEST,
                on_breach=breach or "04",
            )
            for oid, item, day, breach, _ in rows
        )

    def test_every_bad_row_is_reported(self, tmp_path: Path) -> None:
        """Each problem names its row, column and value; nothing is loaded."""
        path = write(
            tmp_path,
            f"{HEADER}\n"
            f"O1,SAMR-1,SAMR,2026-12-01,{DIGEST}\n"
            f",SAMR-1,SAMR,2026-12-01,{DIGEST}\n"
            f"O2,SAMR-1,SAMR,1 Dec 2026,{DIGEST}\n"
            "O3,SAMR-1,SAMR,2026-12-01,not-a-digest\n"
            f"O1,SAMR-1,SAMR,2026-12-02,{DIGEST}\n",
        )
        with pytest.raises(LoadError) as info:
            load_credit_commitments(path)
        found = {(p.row, p.column) for p in info.value.problems}
        assert found == {(2, "object_id"), (3, "signed_on"), (4, "text_digest"), (5, "object_id")}
        assert any("first in row 1" in p.message for p in info.value.problems)
        assert all(p.hint for p in info.value.problems)

    def test_missing_column(self, tmp_path: Path) -> None:
        """A file without the text digest column names what is missing."""
        path = write(tmp_path, "object_id,item_id,department,signed_on\nO1,SAMR-1,SAMR,2026-12-01\n")
        with pytest.raises(LoadError, match="text_digest"):
            load_credit_commitments(path)


class TestPlanCommand:
    def test_drawn_objects_with_a_commitment_get_the_stand_in(
        self, city: DemoCity, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Every drawn object that signed a commitment for the item gets one stand-in desk task instead of
        the visit; the others are visited."""
        objects = tmp_path / "objects.csv"
        city.objects.to_csv(objects)
        item = CheckItem(
            id="SAMR-2027-7",
            name="年报信息抽查",
            department="SAMR",
            year=2027,
            scope={},
            ratio="0.1",
            legal_basis=["《企业信息公示暂行条例》|第十二条"],
        )
        items_path = tmp_path / "items.json"
        items_path.write_text(
            json.dumps(ItemList(year=2027, items=[item]).to_dict(), ensure_ascii=False), encoding="utf-8"
        )
        alive = city.objects.ids[city.objects.alive].tolist()
        committed = set(alive[::2])
        path = write(
            tmp_path,
            HEADER + "\n" + "".join(f"{o},SAMR-2027-7,SAMR,2026-12-01,{DIGEST}\n" for o in sorted(committed)),
        )
        parser = argparse.ArgumentParser(prog="randinspect")
        plan_cli.register(parser.add_subparsers(dest="command"))
        out = tmp_path / "out"
        args = parser.parse_args(
            [
                "plan",
                *("--objects", str(objects), "--items", str(items_path), "--seed", "7 7 7"),
                *("--credit-commitments", str(path), "--out", str(out)),
                *("--journal", str(tmp_path / "ledger.jsonl")),
            ]
        )
        assert args.func(args) == 0
        assert "credit_commitment" in capsys.readouterr().out
        drawn: set[str] = set()
        for record_path in (out / "draws").glob("*.json"):
            drawn |= {s["id"] for s in json.loads(record_path.read_text(encoding="utf-8"))["selected"]}
        desk = json.loads((out / "desk-tasks.json").read_text(encoding="utf-8"))["tasks"]
        stand_ins = {t["object_id"] for t in desk if t["id"].startswith("commitment|SAMR-2027-7|")}
        assert stand_ins == drawn & committed
        assert stand_ins  # the test is not empty
        assert len(stand_ins) < len(drawn)  # and some drawn objects are still visited
        # every commitment given, drawn or not, is in the ledger with its digest
        journal = Journal(open_store(str(tmp_path / "ledger.jsonl")))
        (entry,) = [e for e in journal.entries() if e.kind == "credit-commitment"]
        assert entry.key == ("credit-commitments", "SAMR-2027-7", "2027")
        assert [c["object_id"] for c in entry.payload["commitments"]] == sorted(committed)
