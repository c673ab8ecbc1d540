"""Tests of randinspect.cli.draw: the ``draw`` and ``verify`` sub-commands."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import pytest

from randinspect.cli import draw as draw_cli
from randinspect.cli._exit import report
from randinspect.directory import Scope
from randinspect.draw import DrawRecord
from randinspect.errors import LoadError
from randinspect.items import CheckItem


def run(argv: list[str]) -> int:
    """Parse argv with only the draw module registered and run it like the dispatcher does."""
    parser = argparse.ArgumentParser(prog="randinspect")
    sub = parser.add_subparsers(dest="command")
    draw_cli.register(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except Exception as exc:
        return report(str(args.command), exc)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, city: Any) -> dict[str, Path]:
    """Demo-city files, an item, key and case lists."""
    root = tmp_path_factory.mktemp("cli")
    paths = dict(city.to_files(root))
    objects = city.objects
    key_tag = next(t for t in objects.tag_vocabulary if t.startswith("SAMR:key:"))
    item = CheckItem(
        id="SAMR-2027-001",
        name="食品经营检查",
        department="SAMR",
        year=2027,
        scope=Scope(),
        ratio="5%",
        legal_basis=[{"title": "《中华人民共和国食品安全法》", "article": "第一百一十条"}],
        key_scope=Scope(tags_any=[key_tag]),
    )
    paths["item"] = root / "item.json"
    paths["item"].write_text(json.dumps(item.to_dict(), ensure_ascii=False), encoding="utf-8")
    alive = objects.ids[objects.alive].tolist()
    paths["keys"] = root / "keys.txt"
    paths["keys"].write_text(f"# key objects\n{alive[0]}\n\n{alive[1]}\n", encoding="utf-8")
    paths["cases"] = root / "cases.txt"
    paths["cases"].write_text(f"{alive[2]}\n", encoding="utf-8")
    return paths


class TestDrawCommand:
    def test_draw_then_verify(
        self, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """draw writes a record listing ids with tier and π; verify exits 0 on it."""
        out = tmp_path / "record.json"
        argv = [
            "draw",
            "--objects",
            str(files["objects"]),
            "--item",
            str(files["item"]),
            "--seed",
            "3 1 4 1 5",
            "--out",
            str(out),
            "--key-objects",
            str(files["keys"]),
            "--complaints",
            str(files["complaints"]),
            "--filed-cases",
            str(files["cases"]),
            "--referrals",
            str(files["cases"]),
            "--opening",
            str(tmp_path / "opening.json"),
        ]
        assert run(argv) == 0
        assert "drew" in capsys.readouterr().out
        data = json.loads(out.read_text(encoding="utf-8"))
        assert {"id", "tier", "pi", "pi_numerator"} <= set(data["selected"][0])
        record = DrawRecord.from_json(out)
        assert record.counts["by_tier"]["key"] >= 2
        assert record.counts["by_tier"]["problem"] >= 1
        # The public record names no case, referral or complaint: only salted digests of the reasons.
        case_id = files["cases"].read_text(encoding="utf-8").strip()
        assert case_id not in json.dumps(data["commitment"]["policy"])
        assert "filed_case_ids" not in data["commitment"]["policy"]
        verify_argv = [
            "verify",
            str(out),
            "--objects",
            str(files["objects"]),
            "--seed",
            "3 1 4 1 5",
            "--commitment",
            record.commitment.digest,
        ]
        assert run(verify_argv) == 2  # cannot run the full check without the opening
        err = capsys.readouterr().err
        assert "NOT fully checked" in err
        assert "--opening" in err
        assert run([*verify_argv, "--opening", str(tmp_path / "opening.json")]) == 0
        assert "verified" in capsys.readouterr().out

    def test_auditors_disclosure_without_reasons_verifies(
        self, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A disclosure='auditors' draw with only a key scope (no reason digests) verifies fully: exit 0."""
        out = tmp_path / "auditors.json"
        argv = ["draw", "--objects", str(files["objects"]), "--item", str(files["item"])]
        assert run([*argv, "--seed", "9 9", "--disclosure", "auditors", "--out", str(out)]) == 0
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["commitment"]["policy"]["reasons"] == []
        assert set(data["selected"][0]) == {"id", "stratum"}
        capsys.readouterr()
        assert run(["verify", str(out), "--objects", str(files["objects"]), "--seed", "9 9"]) == 0
        assert "verified" in capsys.readouterr().out

    def test_verify_fails_with_reason(
        self, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A tampered record or another seed makes verify exit 1 and say why."""
        out = tmp_path / "record.json"
        assert (
            run(
                [
                    "draw",
                    "--objects",
                    str(files["objects"]),
                    "--item",
                    str(files["item"]),
                    "--seed",
                    "9",
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
        assert run(["verify", str(out), "--objects", str(files["objects"]), "--seed", "8"]) == 1
        assert "SeedChangedError" in capsys.readouterr().err
        data = json.loads(out.read_text(encoding="utf-8"))
        data["start"] += 1
        out.write_text(json.dumps(data), encoding="utf-8")
        assert run(["verify", str(out), "--objects", str(files["objects"])]) == 1
        assert "start" in capsys.readouterr().err

    def test_commit_only_and_commitment_file(self, files: dict[str, Path], tmp_path: Path) -> None:
        """--commit-only writes the commitment; verify accepts it as a file."""
        c_path, out = tmp_path / "c.json", tmp_path / "r.json"
        base = ["--objects", str(files["objects"]), "--item", str(files["item"])]
        assert run(["draw", *base, "--commit-only", "--out", str(c_path)]) == 0
        assert run(["draw", *base, "--seed", "1", "--out", str(out)]) == 0
        assert run(["verify", str(out), "--objects", str(files["objects"]), "--commitment", str(c_path)]) == 0

    def test_unreadable_commitment_file(self, files: dict[str, Path], tmp_path: Path) -> None:
        """A commitment file that is not JSON is an input error (exit 2) naming the file, not a traceback."""
        out, bad = tmp_path / "r.json", tmp_path / "bad.json"
        bad.write_text("{not json", encoding="utf-8")
        base = ["--objects", str(files["objects"]), "--item", str(files["item"])]
        assert run(["draw", *base, "--seed", "1", "--out", str(out)]) == 0
        with pytest.raises(LoadError, match=r"bad\.json"):
            draw_cli.run_verify(
                argparse.Namespace(
                    record=str(out), objects=str(files["objects"]), seed=None, commitment=str(bad)
                )
            )
        assert run(["verify", str(out), "--objects", str(files["objects"]), "--commitment", str(bad)]) == 2

    @pytest.mark.parametrize("mode", [["--commit-only"], ["--seed", "1"], ["--seed", "1", "--out", "r.json"]])
    def test_cap_exceeded_warning(
        self, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: list[str]
    ) -> None:
        """Mandatory objects beyond the cap give a warning on stderr in every output mode (docs/draw.md)."""
        item = json.loads(files["item"].read_text(encoding="utf-8"))
        item.update(ratio="1/100000", cap="1/100000")
        tiny = tmp_path / "tiny.json"
        tiny.write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
        argv = ["draw", "--objects", str(files["objects"]), "--item", str(tiny)]
        argv += ["--key-objects", str(files["keys"])]
        argv += [str(tmp_path / m) if m.endswith(".json") else m for m in mode]
        assert run(argv) == 0
        err = capsys.readouterr().err
        assert re.search(r"warning: mandatory objects \(\d+\) exceed the cap ceiling", err)

    def test_cap_below_ratio_refused(
        self, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--cap below the item's ratio is refused: an item may not ask for more than its ceiling."""
        argv = ["draw", "--objects", str(files["objects"]), "--item", str(files["item"]), "--seed", "1"]
        assert run([*argv, "--cap", "1/100000"]) == 2

    def test_options(
        self, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--cap, --round, --year, --stratum, --policy stratified and stdout output work."""
        base = ["draw", "--objects", str(files["objects"]), "--item", str(files["item"]), "--seed", "1"]
        assert run([*base, "--cap", "none", "--year", "2028", "--stratum", "region"]) == 0
        record = DrawRecord.from_json(capsys.readouterr().out)
        assert record.context == "SAMR-2027-001|2028|round=1"
        assert record.commitment.cap_report["cap"] is None
        assert run([*base, "--policy", "stratified", "--out", str(tmp_path / "s.json")]) == 0
        assert run([*base, "--round", "2"]) == 2

    def test_input_errors(self, files: dict[str, Path], tmp_path: Path) -> None:
        """A missing seed, a bad cap or a bad reference date exit 2."""
        base = ["draw", "--objects", str(files["objects"]), "--item", str(files["item"])]
        assert run(base) == 2
        assert run([*base, "--seed", "1", "--cap", "2"]) == 2
        assert run([*base, "--seed", "1", "--reference-date", "yesterday"]) == 2
        assert run([*base, "--seed", " "]) == 2

    def test_matrix_option(self, files: dict[str, Path], tmp_path: Path) -> None:
        """--matrix loads a table matrix from CSV."""
        matrix = tmp_path / "m.csv"
        matrix.write_text(
            "credit,risk,multiplier\n"
            + "\n".join(f"{c},{r},1" for c in "ABCD" for r in ("low", "medium", "high")),
            encoding="utf-8",
        )
        assert (
            run(
                [
                    "draw",
                    "--objects",
                    str(files["objects"]),
                    "--item",
                    str(files["item"]),
                    "--seed",
                    "1",
                    "--matrix",
                    str(matrix),
                    "--out",
                    str(tmp_path / "r.json"),
                ]
            )
            == 0
        )


class TestLoaders:
    def test_complaints(self, tmp_path: Path) -> None:
        """Complaint CSVs load with Chinese headers; bad channels and dates name the row."""
        path = tmp_path / "c.csv"
        path.write_text(
            "统一社会信用代码,渠道,受理日期,是否属实\nA,12315,2026-03-01,是\n\nB,12345,2026-03-02,\n",
            encoding="utf-8",
        )
        recs = draw_cli.load_complaints(path)
        assert [(r.object_id, r.substantiated) for r in recs] == [("A", True), ("B", None)]
        path.write_text("object_id,channel,received\nA,110,2026-03-01\n", encoding="utf-8")
        with pytest.raises(LoadError, match="row 1"):
            draw_cli.load_complaints(path)
        path.write_text("object_id,channel,received\nA,12315,March\n", encoding="utf-8")
        with pytest.raises(LoadError, match="received"):
            draw_cli.load_complaints(path)
        path.write_text("object_id,channel\n", encoding="utf-8")
        with pytest.raises(LoadError, match="received"):
            draw_cli.load_complaints(path)

    def test_id_list_missing(self, tmp_path: Path) -> None:
        """A missing id list is a LoadError."""
        with pytest.raises(LoadError):
            draw_cli.load_id_list(tmp_path / "none.txt")


class TestVersionTwoOptions:
    def test_commitment_checked_before_drawing(self, files: dict[str, Path], tmp_path: Path) -> None:
        """--commitment refuses to draw when the inputs no longer match it, and draws when they do."""
        base = ["draw", "--objects", str(files["objects"]), "--item", str(files["item"])]
        c = tmp_path / "c.json"
        assert run([*base, "--commit-only", "--out", str(c)]) == 0
        out = tmp_path / "r.json"
        assert run([*base, "--seed", "1 2 3", "--commitment", str(c), "--out", str(out)]) == 0
        changed = [*base, "--seed", "1 2 3", "--commitment", str(c), "--ratio-mode", "absolute"]
        assert run([*changed, "--out", str(tmp_path / "x.json")]) == 1  # a commitment mismatch (docs/cli.md)
        assert not (tmp_path / "x.json").exists()

    def test_commitment_file_missing_or_unreadable(self, files: dict[str, Path], tmp_path: Path) -> None:
        """A --commitment that is neither a digest nor a readable file: exit 2, nothing drawn."""
        base = ["draw", "--objects", str(files["objects"]), "--item", str(files["item"]), "--seed", "1"]
        out = tmp_path / "r.json"
        assert run([*base, "--commitment", str(tmp_path / "missing.json"), "--out", str(out)]) == 2
        assert run([*base, "--commitment", str(tmp_path), "--out", str(out)]) == 2
        assert not out.exists()

    def test_commitment_digest_mismatch_exits_1(self, files: dict[str, Path], tmp_path: Path) -> None:
        """A --commitment digest the inputs do not give is a commitment mismatch: exit 1, nothing drawn."""
        base = ["draw", "--objects", str(files["objects"]), "--item", str(files["item"]), "--seed", "1"]
        out = tmp_path / "r.json"
        assert run([*base, "--commitment", "ab" * 32, "--out", str(out)]) == 1
        assert not out.exists()

    @pytest.mark.parametrize("where", ["missing-dir/opening.json", "."])
    def test_opening_that_cannot_be_written(self, files: dict[str, Path], tmp_path: Path, where: str) -> None:
        """An --opening to be written in a missing folder or naming a folder is refused before drawing."""
        out = tmp_path / "r.json"
        argv = ["draw", "--objects", str(files["objects"]), "--item", str(files["item"]), "--seed", "1"]
        argv += ["--key-objects", str(files["keys"]), "--out", str(out)]
        target = tmp_path / where
        assert run([*argv, "--opening", str(target)]) == 2
        assert not out.exists()
        assert not (tmp_path / "missing-dir").exists()

    def test_ratio_mode_in_record(self, files: dict[str, Path], tmp_path: Path) -> None:
        """--ratio-mode absolute is stated in the record's policy and cap report."""
        out = tmp_path / "r.json"
        argv = ["draw", "--objects", str(files["objects"]), "--item", str(files["item"]), "--seed", "9"]
        assert run([*argv, "--ratio-mode", "absolute", "--out", str(out)]) == 0
        record = DrawRecord.from_json(out)
        assert record.commitment.policy["ratio_mode"] == "absolute"
        assert record.commitment.cap_report["mode"] == "absolute"

    def test_stratified_refuses_tier_inputs(
        self, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--policy stratified with --key-objects is refused instead of silently ignoring the list."""
        argv = ["draw", "--objects", str(files["objects"]), "--item", str(files["item"]), "--seed", "9"]
        assert run([*argv, "--policy", "stratified", "--key-objects", str(files["keys"])]) == 2


class TestVersionOneRecordsOnTheCommandLine:
    def test_v1_demo_city_records_verify(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """`randinspect verify` reads version 1 records with the strict reader and re-runs them (exit 0); a
        version 1 cap report given a version 2 field, half there, does not verify (exit 1)."""
        from randinspect.datasets import demo_city

        v1 = Path(__file__).parent / "vectors" / "v1" / "records_v1_demo_city.json"
        data = json.loads(v1.read_text(encoding="utf-8"))
        directory = demo_city(n_objects=3000, seed=7).objects
        objects = tmp_path / "objects.csv"
        directory.to_csv(objects)
        for k, case in enumerate(data["records"]):
            if case["record"]["commitment"]["directory_digest"] != directory.digest:
                pytest.skip("the demo-city generator changed since these records were made")
            path = tmp_path / f"r{k}.json"
            path.write_text(json.dumps(case["record"], ensure_ascii=False), encoding="utf-8")
            assert run(["verify", str(path), "--objects", str(objects)]) == 0
            assert "reproduces" in capsys.readouterr().out
        forged = json.loads(json.dumps(data["records"][0]["record"]))
        forged["commitment"]["cap_report"]["mode"] = "volume"
        bad = tmp_path / "forged.json"
        bad.write_text(json.dumps(forged, ensure_ascii=False), encoding="utf-8")
        assert run(["verify", str(bad), "--objects", str(objects)]) == 1
        assert "required with 'mode'" in capsys.readouterr().err
