"""The scope filter of ``docs/draw-spec.md`` §1.1: its tables equal the code's data, and a filter written
from the spec alone selects exactly the objects the library selects."""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.codes import INDUSTRY
from randinspect.directory import Scope
from randinspect.model import _KIND_ALIASES, DEFAULT_CREDIT_SCALE, DEFAULT_RISK_SCALE, SubjectKind

DOCS = Path(__file__).parents[2] / "docs"
SPEC = (DOCS / "draw-spec.md").read_text(encoding="utf-8")


def _ranges(codes: list[str]) -> str:
    """``["13", ..., "43"]`` as ``"13–43"`` (contiguous divisions), ``["70"]`` as ``"70"``."""
    numbers = sorted(int(c) for c in codes)
    assert numbers == list(range(numbers[0], numbers[-1] + 1)), "divisions of a section are contiguous"
    return codes[0] if len(codes) == 1 else f"{numbers[0]:02d}–{numbers[-1]:02d}"


def section_rows() -> list[str]:
    """The spec's section → division rows, from the shipped GB/T 4754-2017 table."""
    divisions: dict[str, list[str]] = {}
    for code, node in INDUSTRY.nodes.items():
        if node.level.value == "division":
            divisions.setdefault(node.section, []).append(code)
    return [f"| {s} {INDUSTRY.nodes[s].name} | {_ranges(sorted(divisions[s]))} |" for s in sorted(divisions)]


def kind_rows() -> list[str]:
    """The spec's subject-kind rows, from :class:`SubjectKind`."""
    return [
        f"| `{k.value}` | " + ", ".join(f"`{t}`" for t in (k.name, k.zh, *_KIND_ALIASES.get(k, ()))) + " |"
        for k in SubjectKind
    ]


def scale_rows() -> list[str]:
    """The spec's default credit and risk scale rows, from the default scales."""
    rows = []
    for name, scale in (("credit", DEFAULT_CREDIT_SCALE), ("risk", DEFAULT_RISK_SCALE)):
        for i, level in enumerate(scale.levels):
            spellings = [scale.labels[i]] if scale.labels else []
            spellings += [a for a, lv in scale.aliases.items() if lv == level]
            rows.append(f"| {name} | `{level}` | " + ", ".join(f"`{t}`" for t in spellings) + " |")
    return rows


def _table_after(text: str, header: str) -> list[str]:
    start = text.index(header)
    lines = text[start:].splitlines()[2:]
    out = []
    for line in lines:
        if not line.startswith("|"):
            break
        out.append(line)
    return out


class TestSpecTables:
    def test_section_table(self) -> None:
        """The spec's section → division table is the shipped GB/T 4754-2017 data, row for row."""
        assert _table_after(SPEC, "| section | divisions |\n|---|---|") == section_rows()

    def test_codes_page_table(self) -> None:
        """The codes page's two-column section table holds the same sections and divisions."""
        text = (DOCS / "codes.md").read_text(encoding="utf-8")
        cells = []
        for line in _table_after(text, "| section | divisions | | section | divisions |"):
            parts = [p.strip() for p in line.strip("|").split("|")]
            cells += [f"| {parts[0]} | {parts[1]} |", f"| {parts[3]} | {parts[4]} |"]
        assert sorted(cells) == sorted(section_rows())

    def test_kind_table(self) -> None:
        """The spec's subject-kind spellings are SubjectKind's values, names, Chinese terms and aliases."""
        assert _table_after(SPEC, "| kind | spellings accepted") == kind_rows()

    def test_scale_table(self) -> None:
        """The spec's default credit and risk spellings are the default scales' labels and aliases."""
        assert _table_after(SPEC, "| scale | level | spellings accepted") == scale_rows()


# -- a scope filter written from the spec alone -------------------------------------------------------------

_WS = "".join(chr(c) for c in (*range(9, 14), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B)))
_WS += "\u2028\u2029\u202f\u205f\u3000"


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip(_WS).casefold()


def _spellings(rows: list[str]) -> dict[str, str]:
    """Spelling → value from the spec's kind table (first column the value, second the spellings)."""
    out: dict[str, str] = {}
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        value = cells[-2].strip("`")
        for t in [value, *re.findall(r"`([^`]*)`", cells[-1])]:
            out[_norm(t)] = value
    return out


@functools.cache
def _scale(name: str) -> dict[str, str]:
    return _spellings(
        [r for r in _table_after(SPEC, "| scale | level | spellings accepted") if f"| {name} |" in r]
    )


@functools.cache
def _sections() -> dict[str, set[str]]:
    out = {}
    for line in _table_after(SPEC, "| section | divisions |\n|---|---|"):
        name, divisions = (c.strip() for c in line.strip("|").split("|"))
        lo, _, hi = divisions.partition("–")
        out[name[0]] = {f"{d:02d}" for d in range(int(lo), int(hi or lo) + 1)}
    return out


@functools.cache
def _kinds() -> dict[str, str]:
    return _spellings(_table_after(SPEC, "| kind | spellings accepted"))


def _industry_ok(code: str, prefix: str) -> bool:
    p = unicodedata.normalize("NFKC", prefix).strip(_WS).upper()
    m = re.fullmatch(r"([A-T])\s*[-.]?\s*([0-9]{2,4})", p)
    if m:
        p = m.group(2)
    if p.isdigit():
        return code.startswith(p)
    return code == p or code[:2] in _sections()[p]


def spec_in_scope(row: dict[str, Any], scope: dict[str, Any], dept_columns: set[str]) -> bool:
    """Whether one directory row meets a scope, by the rules of spec §1.1 only."""
    if scope.get("alive_only", True) and not row["alive"]:
        return False
    kinds = _kinds()
    checks = {
        "kinds": lambda v: row["kind"] in {kinds[_norm(k)] for k in v},
        "industries": lambda v: any(_industry_ok(row["industry"], p) for p in v),
        "regions": lambda v: any(row["region"].startswith(p) for p in v),
        "units": lambda v: row["unit"] in v,
        "tags_any": lambda v: bool(set(row["tags"]) & set(v)),
        "tags_all": lambda v: set(v) <= set(row["tags"]),
        "credit": lambda v: row["credit"] in {_scale("credit")[_norm(g)] for g in v},
    }
    for name, check in checks.items():
        if scope.get(name) is not None and not check(scope[name]):
            return False
    if scope.get("risk") is not None:
        dept = scope.get("department")
        column = f"risk@{dept}" if dept is not None and f"risk@{dept}" in dept_columns else "risk"
        if row[column] not in {_scale("risk")[_norm(r)] for r in scope["risk"]}:
            return False
    return True


@pytest.fixture(scope="module")
def directory() -> Any:
    from randinspect.datasets import demo_city

    return demo_city(n_objects=600, seed=5).objects


def scopes(directory: Any) -> st.SearchStrategy[dict[str, Any]]:
    rows = directory.to_records()
    tags = sorted({t for r in rows for t in r["tags"]}) or ["none"]
    kind_spellings = [t for line in kind_rows() for t in re.findall(r"`([^`]*)`", line)]
    return st.fixed_dictionaries(
        {},
        optional={
            "alive_only": st.booleans(),
            "kinds": st.lists(st.sampled_from(kind_spellings), max_size=3),
            "industries": st.lists(
                st.sampled_from([*"ACFHORS", "13", "5211", "61", "C13", " h ", "f-52", "８６"]), max_size=3
            ),
            "regions": st.lists(st.sampled_from(["52", "5201", "520102", "520103", "520112"]), max_size=2),
            "units": st.lists(st.sampled_from(sorted({r["unit"] for r in rows})), max_size=3),
            "tags_any": st.lists(st.sampled_from(tags), max_size=2),
            "tags_all": st.lists(st.sampled_from(tags), max_size=2),
            "credit": st.lists(st.sampled_from(["A", "b", "C类", "较高", "D类（信用风险高）"]), max_size=2),
            "risk": st.lists(st.sampled_from(["low", "H", "中风险", "高"]), max_size=2),
            "department": st.sampled_from(["SAMR", "ECO", "NOPE"]),
        },
    )


class TestSpecScopeFilter:
    def test_spec_filter_equals_library(self, directory: Any) -> None:
        """A filter written from spec §1.1 alone selects exactly the objects Scope selects, for any scope."""
        rows = directory.to_records()
        dept_columns = {k for k in rows[0] if k.startswith("risk@")}

        @settings(max_examples=150, deadline=None)
        @given(scope=scopes(directory))
        def check(scope: dict[str, Any]) -> None:
            mine = np.array([spec_in_scope(r, scope, dept_columns) for r in rows], dtype=bool)
            assert mine.tolist() == directory.mask(Scope.from_dict(scope)).tolist()

        check()


VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "vectors" / "draw_vectors.json").read_text(encoding="utf-8")
)
SCOPES = VECTORS["scopes"]
DEPT_COLUMNS = {k for k in SCOPES["directory"][0] if k.startswith("risk@")}


class TestScopeVectors:
    @pytest.mark.parametrize(
        "case", SCOPES["cases"], ids=lambda c: json.dumps(c["scope"], ensure_ascii=False)
    )
    def test_scope_case_by_spec(self, case: dict[str, Any]) -> None:
        """The spec's filter and the library both select the vector's objects from the vector directory."""
        from randinspect.directory import ObjectDirectory

        rows = SCOPES["directory"]
        mine = [r["id"] for r in rows if spec_in_scope(r, case["scope"], DEPT_COLUMNS)]
        assert mine == case["in_scope"]
        directory = ObjectDirectory.from_records(rows)
        assert directory.ids[directory.mask(Scope.from_dict(case["scope"]))].tolist() == case["in_scope"]

    def test_key_scope_draw_frame_by_spec(self) -> None:
        """The key-scope draw's frame and key flags follow from the directory by the spec's filter alone."""
        case = next(c for c in VECTORS["selections"] if c["name"] == SCOPES["draw"])
        item = case["item"]
        rows = sorted(SCOPES["directory"], key=lambda r: r["id"])
        frame = [r for r in rows if spec_in_scope(r, item["scope"], DEPT_COLUMNS)]
        assert [r["id"] for r in frame] == [r["id"] for r in case["frame"]]
        assert [spec_in_scope(r, item["key_scope"], DEPT_COLUMNS) for r in frame] == [
            r["key"] for r in case["frame"]
        ]
        # the department's own risk column is the frame's risk (spec §1.1)
        assert [r[f"risk@{item['department']}"] for r in frame] == [r["risk"] for r in case["frame"]]
        keys = {r["id"] for r in case["frame"] if r["key"]}
        assert keys
        assert keys <= set(case["selected"])
        assert {row["id"] for row in case["table"] if row["tier"] == "key"} == keys

    def test_directory_digest_by_the_docs(self) -> None:
        """The vector directory's digest follows from its rows by the serialisation of docs/loading.md."""
        import hashlib

        from randinspect.directory import ObjectDirectory

        rows = sorted(SCOPES["directory"], key=lambda r: r["id"])
        depts = sorted(c.removeprefix("risk@") for c in DEPT_COLUMNS)
        columns = ["id", "name", "kind", "industry", "region", "unit", "credit", "risk", "alive", "tags"]
        lines = [
            "randinspect-object-directory/1",
            "\t".join(["credit_scale", *DEFAULT_CREDIT_SCALE.levels]),
            "\t".join(["risk_scale", *DEFAULT_RISK_SCALE.levels]),
            "\t".join(["columns", *columns, *(f"risk@{d}" for d in depts)]),
        ]
        for r in rows:
            values = [str(r[c]) for c in columns[:8]]
            values += ["1" if r["alive"] else "0", ";".join(sorted(r["tags"]))]
            lines.append("\t".join([*values, *(r[f"risk@{d}"] for d in depts)]))
        text = "".join(line + "\n" for line in lines)
        assert text == SCOPES["directory_canonical_text"]
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == SCOPES["directory_digest"]
        assert ObjectDirectory.from_records(SCOPES["directory"]).digest == SCOPES["directory_digest"]
