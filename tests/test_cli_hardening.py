"""Hardening of the ``randinspect`` command: exit codes, tampered records, hostile files, nothing half-done.

Every test runs the real dispatcher (:func:`randinspect.cli.main`), so the one exception-to-exit-code map
(``randinspect.cli._exit``) is what is tested. "No traceback" is checked twice: in-process, stderr must be
one line and never the dispatcher's "internal error" fallback (which would mean an exception class nobody
mapped); and in a subprocess for the cases that used to crash the interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from randinspect.cli import main
from randinspect.datasets import demo_city, demo_items
from randinspect.directory import InspectorDirectory, Scope
from randinspect.draw.journal import Journal, JsonLinesStore
from randinspect.items import CheckItem
from randinspect.testing._matching import tiny_inspectors, tiny_tasks

SEED = "3 1 4 1 5 9"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in-process; return (exit code, stdout, stderr)."""
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_clear(out: str, err: str) -> None:
    """A message on stdout or stderr (``check`` reports its problems on stdout), no traceback."""
    assert (out + err).strip(), "no message"
    assert "Traceback" not in out + err
    assert "internal error" not in out + err, err


def assert_one_clear_line(err: str) -> None:
    """stderr holds one ``randinspect ...:`` line, no traceback and no unmapped ("internal") error."""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines, "no message on standard error"
    assert lines[-1].startswith("randinspect "), err
    assert "Traceback" not in err
    assert "internal error" not in err, err


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Files of a small city: objects, inspectors, an item, an item list, tasks, a draw and a match record."""
    root = tmp_path_factory.mktemp("world")
    city = demo_city(n_objects=400, seed=11, year=2027)
    paths = dict(city.to_files(root))
    item = CheckItem(
        id="SAMR-2027-001",
        name="食品经营检查",
        department="SAMR",
        year=2027,
        scope=Scope(),
        ratio="10%",
        legal_basis=[{"title": "《中华人民共和国食品安全法》", "article": "第一百一十条"}],
    )
    paths["item"] = root / "item.json"
    paths["item"].write_text(json.dumps(item.to_dict(), ensure_ascii=False), encoding="utf-8")
    paths["items"] = root / "items.json"
    paths["items"].write_text(json.dumps(demo_items(2027).to_dict(), ensure_ascii=False), encoding="utf-8")
    paths["record"] = root / "record.json"
    paths["commitment"] = root / "commitment.json"
    assert (
        main(
            [
                "draw",
                "--objects",
                str(paths["objects"]),
                "--item",
                str(paths["item"]),
                "--seed",
                SEED,
                "--out",
                str(paths["record"]),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "draw",
                "--objects",
                str(paths["objects"]),
                "--item",
                str(paths["item"]),
                "--commit-only",
                "--out",
                str(paths["commitment"]),
            ]
        )
        == 0
    )
    paths["tasks"] = root / "tasks.json"
    paths["tasks"].write_text(json.dumps([t.to_dict() for t in tiny_tasks()]), encoding="utf-8")
    paths["people"] = root / "people.json"
    InspectorDirectory(tiny_inspectors()).to_json(paths["people"])
    paths["match"] = root / "match-record.json"
    assert (
        main(
            [
                "match",
                "--tasks",
                str(paths["tasks"]),
                "--inspectors",
                str(paths["people"]),
                "--seed",
                "42",
                "--out",
                str(root / "groups.json"),
                "--record",
                str(paths["match"]),
            ]
        )
        == 0
    )
    return paths


def _draw(world: dict[str, Path]) -> list[str]:
    """``randinspect draw`` of the world's item, before the option under test."""
    return ["draw", "--objects", str(world["objects"]), "--item", str(world["item"]), "--seed", SEED]


def verify_draw(world: dict[str, Path], record: Path) -> list[str]:
    return ["verify", str(record), "--objects", str(world["objects"])]


def verify_match(world: dict[str, Path], record: Path) -> list[str]:
    return ["verify", str(record), "--tasks", str(world["tasks"]), "--inspectors", str(world["people"])]


# -- tampered draw records ---------------------------------------------------------------------------------


def _forge_seed_first(text: str, data: dict[str, Any]) -> str:
    seed = data["source"]["seed"]
    needle = f'"seed": {json.dumps(seed, ensure_ascii=False)}'
    assert needle in text
    return text.replace(needle, f'"seed": "FORGED 9 9 9", {needle}', 1)


def _edit(change: Callable[[dict[str, Any]], None]) -> Callable[[str, dict[str, Any]], str]:
    def apply(text: str, data: dict[str, Any]) -> str:
        change(data)
        return json.dumps(data, ensure_ascii=False)

    return apply


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[int(last) if last.isdigit() else last] = value(node[int(last) if last.isdigit() else last])

    return change


DRAW_TAMPERINGS: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "duplicate seed key, forged first": _forge_seed_first,
    "unknown top-level field": _edit(lambda d: d.update(note="x")),
    "unknown commitment field": _edit(lambda d: d["commitment"].update(note="x")),
    "unknown selected-entry field": _edit(lambda d: d["selected"][0].update(note="x")),
    "unknown source field": _edit(lambda d: d["source"].update(note="x")),
    "fractional year": _edit(_set("commitment.year", lambda v: v + 0.5)),
    "fractional round": _edit(_set("commitment.round", lambda v: v + 0.5)),
    "fractional frame size": _edit(_set("commitment.frame_size", lambda v: v + 0.5)),
    "integer written as 2027.0": _edit(_set("commitment.year", float)),
    "year as text": _edit(_set("commitment.year", str)),
    "round as boolean": _edit(_set("commitment.round", lambda v: True)),
    "start as text": _edit(_set("start", str)),
    "pi numerator fractional": _edit(_set("selected.0.pi_numerator", lambda v: v + 0.5)),
    "selected id a number": _edit(_set("selected.0.id", lambda v: 915)),
    "commitment an array": _edit(_set("commitment", lambda v: [v])),
    "counts total text": _edit(_set("counts.total", str)),
    "another selected id": _edit(_set("selected.0.id", lambda v: v[:-1] + ("X" if v[-1] != "X" else "Y"))),
    "another seed": _edit(_set("source.seed", lambda v: v + " 2")),
}


class TestVerifyDrawRecords:
    def test_genuine_record_verifies(
        self, world: dict[str, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The genuine record exits 0."""
        code, out, _ = run(verify_draw(world, world["record"]), capsys)
        assert code == 0
        assert "reproduces" in out

    @pytest.mark.parametrize("name", sorted(DRAW_TAMPERINGS))
    def test_tampering_exits_1(
        self, name: str, world: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Every tampering of a draw record exits 1 (does not reproduce) with one clear line."""
        text = world["record"].read_text(encoding="utf-8")
        bad = tmp_path / "tampered.json"
        bad.write_text(DRAW_TAMPERINGS[name](text, json.loads(text)), encoding="utf-8")
        code, _, err = run(verify_draw(world, bad), capsys)
        assert code == 1, err
        assert "NOT reproduced" in err
        assert_one_clear_line(err)

    def test_tampered_commitment_file_exits_1(
        self, world: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A --commitment file with a duplicated key is a record that does not verify: exit 1."""
        text = world["commitment"].read_text(encoding="utf-8")
        bad = tmp_path / "c.json"
        bad.write_text(text.replace('"round": 1', '"round": 2, "round": 1', 1), encoding="utf-8")
        code, _, err = run([*verify_draw(world, world["record"]), "--commitment", str(bad)], capsys)
        assert code == 1
        assert "twice" in err
        assert_one_clear_line(err)

    def test_unreadable_record_exits_2(
        self, world: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A record that is not JSON at all cannot be read: exit 2, not 1."""
        bad = tmp_path / "r.json"
        bad.write_bytes(b"\xff\xfe not json")
        code, _, err = run(verify_draw(world, bad), capsys)
        assert code == 2
        assert_one_clear_line(err)


# -- match records -----------------------------------------------------------------------------------------


def _first_group(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def apply(data: dict[str, Any]) -> None:
        change(data["groups"][0])

    return apply


def _forge_group_first(data: dict[str, Any]) -> None:
    genuine = data["groups"][0]
    forged = json.loads(json.dumps(genuine))
    seat = next(iter(forged["seats"]))
    forged["seats"][seat] = [*reversed(forged["seats"][seat]), "SAMR-9"]
    data["groups"].insert(0, forged)


MATCH_TAMPERINGS: dict[str, Callable[[dict[str, Any]], None]] = {
    "changed group object id": _first_group(lambda g: g.update(object_id="O999")),
    "flipped complete": lambda d: d.update(complete=not d["complete"]),
    "forged group before the genuine one": _forge_group_first,
    "tampered rule value": lambda d: d["rule"].update(min_officers=3),
    "rule value of the wrong type": lambda d: d["rule"].update(min_officers="2"),
    "unknown rule key": lambda d: d["rule"].update(extra=1),
    "unknown top-level field": lambda d: d.update(note="x"),
    "swapped inspector": _first_group(
        lambda g: g["seats"].update({k: [*v[:-1], "SAMR-9"] for k, v in list(g["seats"].items())[:1]})
    ),
    "complete as text": lambda d: d.update(complete="true"),
}


class TestVerifyMatchRecords:
    def test_genuine_match_record_verifies(
        self, world: dict[str, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``randinspect verify`` re-runs a match record given its tasks and inspectors: exit 0."""
        code, out, err = run(verify_match(world, world["match"]), capsys)
        assert code == 0, err
        assert "reproduces" in out

    @pytest.mark.parametrize("name", sorted(MATCH_TAMPERINGS))
    def test_tampering_exits_1(
        self, name: str, world: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Every tampering of a match record exits 1 with one clear line naming the error type."""
        data = json.loads(world["match"].read_text(encoding="utf-8"))
        MATCH_TAMPERINGS[name](data)
        bad = tmp_path / "m.json"
        bad.write_text(json.dumps(data), encoding="utf-8")
        code, _, err = run(verify_match(world, bad), capsys)
        assert code == 1, err
        assert_one_clear_line(err)

    @pytest.mark.parametrize("field", ["name", "certificate"])
    def test_changed_inspector_name_or_certificate_exits_1(
        self, field: str, world: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Verifying against inspectors with another name or certificate number does not reproduce."""
        people = json.loads(world["people"].read_text(encoding="utf-8"))
        person = next(p for p in people["inspectors"] if p.get("certificate"))
        person[field] = person[field] + "改"
        changed = tmp_path / "people.json"
        changed.write_text(json.dumps(people, ensure_ascii=False), encoding="utf-8")
        argv = ["verify", str(world["match"]), "--tasks", str(world["tasks"]), "--inspectors", str(changed)]
        code, _, err = run(argv, capsys)
        assert code == 1
        assert "inspectors" in err
        assert_one_clear_line(err)

    def test_match_record_without_inputs_exits_2(
        self, world: dict[str, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Verifying a match record without --tasks and --inspectors is a usage error: exit 2 and a hint."""
        code, _, err = run(["verify", str(world["match"])], capsys)
        assert code == 2
        assert "--tasks" in err
        assert_one_clear_line(err)


# -- hostile files -----------------------------------------------------------------------------------------

HOSTILE: dict[str, bytes] = {
    "empty": b"",
    "header only": b"id,name,kind,industry,region,unit,credit,risk,alive\n",
    "binary": bytes(range(256)) * 8,
    "truncated UTF-8": "统一社会信用代码,名称\n91520102MA6DJ1234X,贵阳".encode()[:-1],
    "undeclared GBK": "统一社会信用代码,名称\n91520102MA6DJ1234X,贵阳某某有限公司\n".encode("gbk"),
    "NUL bytes": b"id,name\n\x00\x00,\x00a\x00\n",
    "1 MB field": b"id,name\n" + b"9" * 1_000_000 + b",x\n",
    "1 MB JSON string": b'{"format": "' + b"A" * 1_000_000 + b'"}',
    "deep JSON": b"[" * 100_000 + b"]" * 100_000,
    "deep JSON object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "wrong JSON types": b'{"objects": 5, "inspectors": "x", "tasks": {"a": 1}, "items": 7, "cells": null}',
    "JSON list of scalars": b'[1, "x", null, true]',
    "JSON NaN": b'[{"id": NaN}]',
}

# (command line with {} for the hostile file, suffix of the hostile file, exit codes allowed)
SLOTS: dict[str, tuple[Callable[[dict[str, Path], str], list[str]], tuple[int, ...]]] = {
    "check OBJECTS.csv": (lambda w, f: ["check", f], (1, 2)),
    "check OBJECTS.json": (lambda w, f: ["check", f + ".json"], (1, 2)),
    "check --inspectors": (lambda w, f: ["check", str(w["objects"]), "--inspectors", f], (1, 2)),
    "draw --objects": (lambda w, f: ["draw", "--objects", f, "--item", str(w["item"]), "--seed", SEED], (2,)),
    "draw --item": (
        lambda w, f: ["draw", "--objects", str(w["objects"]), "--item", f + ".json", "--seed", SEED],
        (2,),
    ),
    "draw --complaints": (
        lambda w, f: [
            "draw",
            "--objects",
            str(w["objects"]),
            "--item",
            str(w["item"]),
            "--seed",
            SEED,
            "--complaints",
            f,
        ],
        (2,),
    ),
    "draw --key-objects": (
        lambda w, f: [
            "draw",
            "--objects",
            str(w["objects"]),
            "--item",
            str(w["item"]),
            "--seed",
            SEED,
            "--key-objects",
            f,
        ],
        (2,),
    ),
    "draw --matrix": (
        lambda w, f: [
            "draw",
            "--objects",
            str(w["objects"]),
            "--item",
            str(w["item"]),
            "--seed",
            SEED,
            "--matrix",
            f + ".json",
        ],
        (2,),
    ),
    "draw --filed-cases": (
        lambda w, f: [
            *_draw(w),
            "--filed-cases",
            f,
        ],
        (2,),
    ),
    "draw --referrals": (lambda w, f: [*_draw(w), "--referrals", f], (2,)),
    "draw --opening (read)": (
        lambda w, f: [*_draw(w), "--opening", f + ".json", "--out", f + ".out.json"],
        (2,),
    ),
    "draw --commit-only --opening (read)": (
        lambda w, f: [
            "draw",
            "--objects",
            str(w["objects"]),
            "--item",
            str(w["item"]),
            "--commit-only",
            "--opening",
            f + ".json",
            "--out",
            f + ".out.json",
        ],
        (2,),
    ),
    # a file that is not a commitment is a commitment that does not verify (1); one that cannot be read, 2
    "draw --commitment": (
        lambda w, f: [*_draw(w), "--commitment", f + ".json", "--out", f + ".out.json"],
        (1, 2),
    ),
    # the version 2 options do not change how a hostile directory is refused
    "draw --objects, version 2 options": (
        lambda w, f: [
            "draw",
            "--objects",
            f,
            "--item",
            str(w["item"]),
            "--seed",
            SEED,
            "--units",
            "independent",
            "--disclosure",
            "auditors",
            "--ratio-mode",
            "absolute",
            "--out",
            f + ".out.json",
        ],
        (2,),
    ),
    "draw --objects --policy stratified --units independent": (
        lambda w, f: [
            "draw",
            "--objects",
            f,
            "--item",
            str(w["item"]),
            "--seed",
            SEED,
            "--policy",
            "stratified",
            "--units",
            "independent",
        ],
        (2,),
    ),
    "verify RECORD": (lambda w, f: ["verify", f + ".json", "--objects", str(w["objects"])], (1, 2)),
    "verify --opening": (
        lambda w, f: [
            "verify",
            str(w["record"]),
            "--objects",
            str(w["objects"]),
            "--opening",
            f + ".json",
        ],
        (2,),
    ),
    "verify --objects": (lambda w, f: ["verify", str(w["record"]), "--objects", f], (2,)),
    "verify --commitment": (
        lambda w, f: [
            "verify",
            str(w["record"]),
            "--objects",
            str(w["objects"]),
            "--commitment",
            f + ".json",
        ],
        (1, 2),
    ),
    "match --tasks": (
        lambda w, f: [
            "match",
            "--tasks",
            f,
            "--inspectors",
            str(w["people"]),
            "--seed",
            "1",
            "--out",
            f + ".out.json",
        ],
        (2,),
    ),
    "match --tasks json": (
        lambda w, f: [
            "match",
            "--tasks",
            f + ".json",
            "--inspectors",
            str(w["people"]),
            "--seed",
            "1",
            "--out",
            f + ".out.json",
        ],
        (2,),
    ),
    "match --inspectors": (
        lambda w, f: [
            "match",
            "--tasks",
            str(w["tasks"]),
            "--inspectors",
            f + ".json",
            "--seed",
            "1",
            "--out",
            f + ".out.json",
        ],
        (2,),
    ),
    "match --conflicts": (
        lambda w, f: [
            "match",
            "--tasks",
            str(w["tasks"]),
            "--inspectors",
            str(w["people"]),
            "--seed",
            "1",
            "--out",
            f + ".out.json",
            "--conflicts",
            f,
        ],
        (2,),
    ),
    "match --history": (
        lambda w, f: [
            "match",
            "--tasks",
            str(w["tasks"]),
            "--inspectors",
            str(w["people"]),
            "--seed",
            "1",
            "--out",
            f + ".out.json",
            "--history",
            f,
        ],
        (2,),
    ),
    "plan --objects": (
        lambda w, f: ["plan", "--objects", f, "--items", str(w["items"]), "--seed", SEED],
        (2,),
    ),
    "plan --items": (
        lambda w, f: ["plan", "--objects", str(w["objects"]), "--items", f + ".json", "--seed", SEED],
        (2,),
    ),
    "plan --complaints": (
        lambda w, f: [
            "plan",
            "--objects",
            str(w["objects"]),
            "--items",
            str(w["items"]),
            "--seed",
            SEED,
            "--complaints",
            f,
        ],
        (2,),
    ),
    "plan --filed-cases": (
        lambda w, f: [
            "plan",
            "--objects",
            str(w["objects"]),
            "--items",
            str(w["items"]),
            "--seed",
            SEED,
            "--filed-cases",
            f,
        ],
        (2,),
    ),
    "plan --answers": (
        lambda w, f: [
            "plan",
            "--objects",
            str(w["objects"]),
            "--items",
            str(w["items"]),
            "--seed",
            SEED,
            "--answers",
            f,
        ],
        (2,),
    ),
    "plan --credit-commitments": (
        lambda w, f: [
            "plan",
            "--objects",
            str(w["objects"]),
            "--items",
            str(w["items"]),
            "--seed",
            SEED,
            "--credit-commitments",
            f,
        ],
        (2,),
    ),
}


# Hostile files that are in fact valid input, with the documented outcome.
VALID_EDGE_CASES: dict[tuple[str, str], tuple[int, ...]] = {
    ("check OBJECTS.csv", "header only"): (0,),  # an empty directory with a header is clean
    ("draw --key-objects", "empty"): (0,),  # an empty id list names no key object
    ("verify --objects", "header only"): (1,),  # readable, but the record does not reproduce on it
}
# Any UTF-8 text without control characters is an id list, and filed-case and referral ids outside the
# item's frame are ignored (they may concern other items; docs/draw.md): such files draw (exit 0). Binary,
# non-UTF-8 and NUL-holding files are still refused (exit 2).
VALID_EDGE_CASES.update(
    {
        (slot, kind): (0,)
        for slot in ("draw --filed-cases", "draw --referrals")
        for kind in (
            "empty",
            "header only",
            "1 MB field",
            "1 MB JSON string",
            "deep JSON",
            "deep JSON object",
            "wrong JSON types",
            "JSON list of scalars",
            "JSON NaN",
        )
    }
)


class TestHostileFiles:
    @pytest.mark.parametrize("kind", sorted(HOSTILE))
    @pytest.mark.parametrize("slot", sorted(SLOTS))
    def test_every_command_refuses_cleanly(
        self,
        slot: str,
        kind: str,
        world: dict[str, Path],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A hostile file in any input of any command gives its documented exit code and one clear line."""
        build, allowed = SLOTS[slot]
        allowed = VALID_EDGE_CASES.get((slot, kind), allowed)
        base = tmp_path / "hostile"
        argv = build(world, str(base))
        for name in (str(base), str(base) + ".json"):
            Path(name).write_bytes(HOSTILE[kind])
        code, out, err = run(argv, capsys)
        assert code in allowed, (code, err)
        if slot.startswith("check"):
            assert_clear(out, err)
        elif code != 0:
            assert_one_clear_line(err)
        assert Path(str(base)).read_bytes() == HOSTILE[kind]  # the input is never modified
        assert not Path(str(base) + ".out.json").exists()  # nothing half-written


# -- no traceback from the interpreter ----------------------------------------------------------------------


def _cli(args: list[bytes | str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-c", "import sys; from randinspect.cli import main; sys.exit(main())", *args],
        cwd=cwd,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )


class TestNoTraceback:
    def test_invalid_utf8_seed(self, world: dict[str, Path], tmp_path: Path) -> None:
        """A --seed holding bytes that are not UTF-8 is a seed error (exit 2), not a UnicodeEncodeError."""
        proc = _cli(
            [
                "draw",
                "--objects",
                str(world["objects"]),
                "--item",
                str(world["item"]),
                "--seed",
                b"\xff\xfe1",
            ],
            tmp_path,
        )
        assert proc.returncode == 2
        assert b"Traceback" not in proc.stderr
        assert b"seed" in proc.stderr

    @pytest.mark.parametrize("where", ["missing directory", "a directory"])
    @pytest.mark.parametrize("command", ["draw", "draw --commit-only", "match --out", "match --record"])
    def test_unwritable_output(
        self, command: str, where: str, world: dict[str, Path], tmp_path: Path
    ) -> None:
        """An --out or --record in a missing directory or naming a directory: exit 2, one line, no file."""
        target = str(tmp_path / "nodir" / "x.json") if where == "missing directory" else str(tmp_path)
        good = str(tmp_path / "g.json")
        if command.startswith("draw"):
            args = ["draw", "--objects", str(world["objects"]), "--item", str(world["item"]), "--out", target]
            args += ["--commit-only"] if "commit" in command else ["--seed", SEED]
        else:
            out, record = (target, good) if command == "match --out" else (good, target)
            args = [
                "match",
                "--tasks",
                str(world["tasks"]),
                "--inspectors",
                str(world["people"]),
                "--seed",
                "1",
                "--out",
                out,
                "--record",
                record,
                "--journal",
                str(tmp_path / "j.jsonl"),
            ]
        proc = _cli(list(args), tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert b"Traceback" not in proc.stderr
        assert b"cannot write" in proc.stderr
        assert not Path(good).exists()
        journal = tmp_path / "j.jsonl"
        assert not journal.exists() or journal.read_bytes() == b""

    def test_corrupt_sqlite_journal(self, world: dict[str, Path], tmp_path: Path) -> None:
        """A --journal that is not a SQLite database: exit 2 with a message, no traceback, no output."""
        journal = tmp_path / "j.sqlite"
        journal.write_bytes(b"this is not a database" * 100)
        out = tmp_path / "g.json"
        proc = _cli(
            [
                "match",
                "--tasks",
                str(world["tasks"]),
                "--inspectors",
                str(world["people"]),
                "--seed",
                "1",
                "--out",
                str(out),
                "--journal",
                str(journal),
            ],
            tmp_path,
        )
        assert proc.returncode == 2
        assert b"Traceback" not in proc.stderr
        assert b"journal" in proc.stderr.lower()
        assert not out.exists()


# -- nothing half-done ---------------------------------------------------------------------------------------


class TestNothingHalfDone:
    def test_match_bad_out_journals_nothing_then_redo_with_reason(
        self, world: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A bad --out leaves the journal empty; a journalled context is redone only with --reason."""
        journal = tmp_path / "j.jsonl"
        base = [
            "match",
            "--tasks",
            str(world["tasks"]),
            "--inspectors",
            str(world["people"]),
            "--seed",
            "1",
            "--journal",
            str(journal),
        ]
        code, _, err = run([*base, "--out", str(tmp_path / "nodir" / "g.json")], capsys)
        assert code == 2
        assert_one_clear_line(err)
        assert not journal.exists() or len(Journal(JsonLinesStore(journal))) == 0
        out = tmp_path / "g.json"
        assert run([*base, "--out", str(out)], capsys)[0] == 0
        first = out.read_bytes()
        code, _, err = run([*base, "--seed", "2", "--out", str(out)], capsys)
        assert code == 2
        assert out.read_bytes() == first  # the refused redo wrote nothing
        code, _, err = run(
            [*base, "--seed", "2", "--out", str(out), "--reason", "inspector fell ill"], capsys
        )
        assert code == 0, err
        entries = list(Journal(JsonLinesStore(journal)).entries())
        assert [e.reason for e in entries] == [None, "inspector fell ill"]
        assert out.read_bytes() != first

    def test_match_refuses_empty_context_and_tasks(
        self, world: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An empty --context and an empty tasks file are refused with exit 2 and nothing written."""
        out = tmp_path / "g.json"
        base = ["match", "--inspectors", str(world["people"]), "--seed", "1", "--out", str(out)]
        code, _, err = run([*base, "--tasks", str(world["tasks"]), "--context", " "], capsys)
        assert code == 2
        assert "--context" in err
        empty = tmp_path / "tasks.csv"
        empty.write_text("id,object_id,region,unit,start,end,departments\n", encoding="utf-8")
        code, _, err = run([*base, "--tasks", str(empty)], capsys)
        assert code == 2
        assert "no task" in err
        assert not out.exists()

    def test_demo_empty_seed_leaves_nothing(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """demo with an empty public seed exits 2 and creates no directory, journal or file."""
        out = tmp_path / "d"
        code, _, err = run(["demo", "--objects", "300", "--public-seed", " ", "--out", str(out)], capsys)
        assert code == 2
        assert_one_clear_line(err)
        assert not out.exists()

    def test_demo_refuses_non_empty_directory_unless_forced(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """demo refuses a non-empty --out (keeping its journal); --force replaces the demo's files."""
        out = tmp_path / "d"
        out.mkdir()
        journal = out / "journal.jsonl"
        journal.write_text("precious\n", encoding="utf-8")
        code, _, err = run(["demo", "--objects", "300", "--out", str(out)], capsys)
        assert code == 2
        assert "--force" in err
        assert journal.read_text(encoding="utf-8") == "precious\n"
        code, _, _ = run(["demo", "--objects", "300", "--out", str(out), "--force"], capsys)
        assert code in (0, 1)
        assert len(Journal(JsonLinesStore(journal))) > 0
