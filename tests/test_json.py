"""Tests of randinspect._json: the one strict JSON reader and the shipped record schemas."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect._json import (
    MAX_DEPTH,
    SCHEMAS,
    loads,
    loads_record,
    read_json_file,
    read_record,
    record_schema,
    validate,
)
from randinspect.datasets import demo_city
from randinspect.directory import Scope
from randinspect.draw import Commitment, DrawRecord, Journal, MemoryStore, PublicSeedSource, commit, draw
from randinspect.errors import LoadError, MatchRecordError, RecordError
from randinspect.items import CheckItem
from randinspect.matching import MatchRecord, match_inspectors
from randinspect.testing._matching import tiny_inspectors, tiny_tasks

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.text(st.sampled_from('[]{}"\\\\a,:'), max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def records() -> dict[str, Any]:
    """A real draw record, commitment, match record and journal entries, as JSON data."""
    city = demo_city(n_objects=300, seed=5, year=2027)
    item = CheckItem(
        id="SAMR-2027-009",
        name="抽查",
        department="SAMR",
        year=2027,
        scope=Scope(),
        ratio="10%",
        legal_basis=[{"title": "《食品安全法》", "article": "第一百一十条"}],
    )
    record = draw(city.objects, item, "1 2 3")
    commitment = commit(city.objects, item)
    match = match_inspectors(tiny_tasks(), tiny_inspectors(), source=PublicSeedSource("7")).record()
    journal = Journal(MemoryStore())
    journal.append_commitment(commitment)
    journal.append_draw(record)
    journal.append_match(match)
    return {
        "draw-record": record.to_json_dict(),
        "draw-commitment": commitment.to_json_dict(),
        "match-record": match.to_json_dict(),
        "journal-entry": [e.to_json_dict() for e in journal.entries()],
    }


def _registry() -> Any:
    resources_ = [
        (s["$id"], referencing.Resource.from_contents(s)) for s in (record_schema(n) for n in SCHEMAS)
    ]
    return referencing.Registry().with_resources(resources_)


def _nesting(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((_nesting(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_nesting(v) for v in value.values()), default=0)
    return 0


class TestLoads:
    @given(json_values, st.booleans())
    def test_depth_scan_equals_nesting(self, value: Any, indent: bool) -> None:
        """The numpy depth scan equals the nesting of the value, brackets and quotes in strings ignored."""
        from randinspect._json import _depth

        assert _depth(json.dumps(value, indent=2 if indent else None, ensure_ascii=False)) == _nesting(value)

    @given(json_values)
    def test_round_trips_like_json(self, value: Any) -> None:
        """Any JSON text without duplicate keys reads as json.loads reads it."""
        text = json.dumps(value)
        assert loads(text) == json.loads(text)

    @given(st.text(min_size=1, max_size=8), json_values, json_values)
    def test_duplicate_key_refused(self, key: str, first: Any, second: Any) -> None:
        """A key given twice in one object is refused, whatever the values, at any depth."""
        text = "{" + f"{json.dumps(key)}: {json.dumps(first)}, {json.dumps(key)}: {json.dumps(second)}" + "}"
        with pytest.raises(LoadError) as info:
            loads("[" + text + "]")
        assert info.value.problems[0].code == "json.duplicate_key"

    @pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"a": -Infinity}'])
    def test_non_json_numbers_refused(self, text: str) -> None:
        """NaN and the infinities are not JSON and are refused."""
        with pytest.raises(LoadError):
            loads(text)

    @pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
    def test_deep_nesting_refused_without_recursion_error(self, depth: int) -> None:
        """Nesting beyond MAX_DEPTH is refused before parsing (no RecursionError)."""
        with pytest.raises(LoadError) as info:
            loads("[" * depth + "]" * depth)
        assert info.value.problems[0].code == "json.depth"

    def test_brackets_inside_strings_do_not_count(self) -> None:
        """Brackets inside strings (escaped quotes too) are not nesting."""
        text = json.dumps(["[" * 1000 + '\\"{' * 500])
        assert loads(text) == json.loads(text)

    def test_depth_limit_is_inclusive(self) -> None:
        """Exactly MAX_DEPTH levels are accepted."""
        assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None

    def test_size_limit(self) -> None:
        """A text longer than max_bytes is refused before parsing."""
        with pytest.raises(LoadError) as info:
            loads('"' + "x" * 100 + '"', max_bytes=50)
        assert info.value.problems[0].code == "json.size"

    def test_lone_surrogate_refused(self) -> None:
        """A string escaping a lone UTF-16 surrogate is not text and is refused; a pair is fine."""
        with pytest.raises(LoadError):
            loads('["\\ud800"]')
        assert loads('["\\ud83d\\ude00"]') == ["\U0001f600"]

    def test_bytes_must_be_utf8(self) -> None:
        """Bytes are read as UTF-8 (BOM allowed); anything else is a json.utf8 problem."""
        assert loads("\ufeff[1]".encode()) == [1]
        with pytest.raises(LoadError) as info:
            loads('["贵阳"]'.encode("gbk"))
        assert info.value.problems[0].code == "json.utf8"

    def test_record_duplicate_key_is_a_record_error(self) -> None:
        """For records, a duplicated key means the record does not verify: RecordError (exit 1)."""
        with pytest.raises(RecordError):
            loads_record('{"seed": "FORGED", "seed": "real"}')

    def test_read_json_file_errors_are_typed(self, tmp_path: Path) -> None:
        """A missing file or a directory is a LoadError naming the file."""
        with pytest.raises(LoadError, match="cannot read"):
            read_json_file(tmp_path / "missing.json")
        with pytest.raises(LoadError, match="cannot read"):
            read_json_file(tmp_path)


class TestValidate:
    def test_integer_is_exact(self) -> None:
        """An integer field refuses 2027.0, 2027.5, "2027" and true; accepts 2027."""
        schema = {"type": "integer"}
        assert validate(2027, schema) is None
        for bad in (2027.0, 2027.5, "2027", True):
            assert validate(bad, schema) is not None

    def test_unknown_field_named_with_its_path(self) -> None:
        """additionalProperties: false refuses an unknown field and names its path."""
        schema = {
            "type": "object",
            "properties": {"a": {"type": "array", "items": {"$ref": "#/$defs/x"}}},
            "$defs": {"x": {"type": "object", "properties": {}, "additionalProperties": False}},
        }
        found = validate({"a": [{}, {"evil": 1}]}, schema)
        assert found is not None
        assert found[0] == ("a", 1, "evil")

    @pytest.mark.parametrize("name", SCHEMAS)
    def test_schemas_are_valid_json_schema(self, name: str) -> None:
        """Every shipped schema is a valid draft 2020-12 schema (checked by the jsonschema package)."""
        jsonschema.Draft202012Validator.check_schema(record_schema(name))

    def test_schema_files_ship_with_the_package(self) -> None:
        """The schemas are package data under randinspect/schemas/."""
        names = {p.name for p in resources.files("randinspect").joinpath("schemas").iterdir()}
        assert {f"{n}.schema.json" for n in SCHEMAS} <= names


class TestRealRecords:
    @pytest.mark.parametrize("name", SCHEMAS)
    def test_real_records_conform(self, name: str, records: dict[str, Any]) -> None:
        """Records made by the library pass both the jsonschema package and our reader."""
        validator = jsonschema.Draft202012Validator(record_schema(name), registry=_registry())
        values = records[name] if isinstance(records[name], list) else [records[name]]
        for value in values:
            validator.validate(value)
            assert read_record(value, name) is value

    @pytest.mark.parametrize(
        ("path", "value"),
        [
            (("commitment", "year"), 2027.5),
            (("commitment", "round"), "1"),
            (("commitment", "frame_size"), True),
            (("start",), 1.0),
            (("selected", 0, "pi_numerator"), 0.5),
            (("selected", 0, "extra"), "x"),
            (("commitment", "extra"), 1),
            (("extra",), 1),
        ],
    )
    def test_jsonschema_and_our_reader_agree_on_tampering(
        self, path: tuple[Any, ...], value: Any, records: dict[str, Any]
    ) -> None:
        """A tampered draw record fails our reader (RecordError) and the jsonschema package alike."""
        data = json.loads(json.dumps(records["draw-record"]))
        node = data
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = value
        with pytest.raises(RecordError):
            DrawRecord.from_json_dict(data)
        if not (isinstance(value, float) and value.is_integer()):  # the standard reads 1.0 as an integer
            validator = jsonschema.Draft202012Validator(record_schema("draw-record"), registry=_registry())
            assert not validator.is_valid(data)

    def test_commitment_reader_refuses_unknown_field(self, records: dict[str, Any]) -> None:
        """Commitment.from_json_dict refuses a field it does not know."""
        data = dict(records["draw-commitment"], extra=1)
        with pytest.raises(RecordError, match="extra"):
            Commitment.from_json_dict(data)

    def test_match_record_reader_refuses_duplicate_task(self, records: dict[str, Any]) -> None:
        """A match record listing a task twice is refused (a forged group cannot hide before the real one)."""
        data = json.loads(json.dumps(records["match-record"]))
        data["groups"].insert(0, data["groups"][0])
        with pytest.raises(MatchRecordError, match="two groups"):
            MatchRecord.from_json_dict(data)


class TestJournalLines:
    def test_duplicated_key_in_a_journal_line_breaks_verification(
        self, tmp_path: Path, records: dict[str, Any]
    ) -> None:
        """A journal line whose payload names the seed twice (forged first) no longer verifies."""
        from randinspect.draw import JsonLinesStore
        from randinspect.errors import JournalIntegrityError

        path = tmp_path / "j.jsonl"
        journal = Journal(JsonLinesStore(path))
        journal.append_draw(DrawRecord.from_json_dict(records["draw-record"]))
        assert journal.verify().length == 1
        text = path.read_text(encoding="utf-8")
        assert '"seed":"1 2 3"' in text
        path.write_text(text.replace('"seed":"1 2 3"', '"seed":"FORGED","seed":"1 2 3"', 1), encoding="utf-8")
        with pytest.raises(JournalIntegrityError, match="twice"):
            Journal(JsonLinesStore(path)).verify()


V1_RECORDS = Path(__file__).parent / "draw" / "vectors" / "v1" / "records_v1.json"


@pytest.fixture(scope="module")
def version_two() -> dict[str, dict[str, Any]]:
    """Version 2 draw records of every shape the record can take, as JSON data."""
    from randinspect.draw import StratifiedPolicy, TieredPolicy

    city = demo_city(n_objects=300, seed=5, year=2027)
    ids = [str(i) for i in city.objects.ids]
    item = CheckItem(
        id="SAMR-2027-010",
        name="抽查",
        department="SAMR",
        year=2027,
        scope=Scope(),
        ratio="10%",
        cap="20%",
        cap_period="round",
        frequency=2,
        legal_basis=[{"title": "《食品安全法》", "article": "第一百一十条"}],
    )
    auditors = TieredPolicy(
        key_ids=ids[:2], filed_case_ids=ids[2:4], disclosure="auditors", units="independent"
    )
    return {
        "auditors, independent units, reasons": draw(
            city.objects, item, "1 2 3", policy=auditors, round=2
        ).to_json_dict(),
        "public, absolute": draw(
            city.objects, item, "4", policy=TieredPolicy(ratio_mode="absolute")
        ).to_json_dict(),
        "stratified, independent units": draw(
            city.objects, item, "5", policy=StratifiedPolicy(units="independent")
        ).to_json_dict(),
    }


def _draw_validator() -> Any:
    return jsonschema.Draft202012Validator(record_schema("draw-record"), registry=_registry())


class TestBothVersions:
    def test_version_one_records_conform(self) -> None:
        """Version 1 records (the kept vectors) pass both the jsonschema package and our reader."""
        cases = json.loads(V1_RECORDS.read_text(encoding="utf-8"))["records"]
        assert cases
        for case in cases:
            assert case["record"]["version"] == 1
            assert "mode" not in case["record"]["commitment"]["cap_report"]
            _draw_validator().validate(case["record"])
            assert read_record(case["record"], "draw-record") is case["record"]

    def test_version_two_records_conform(self, version_two: dict[str, dict[str, Any]]) -> None:
        """Version 2 records (reasons, starts, withheld tier and π, volume fields) conform to both readers."""
        for data in version_two.values():
            assert data["version"] == 2
            _draw_validator().validate(data)
            assert read_record(data, "draw-record") is data
            DrawRecord.from_json_dict(data)
        hidden = version_two["auditors, independent units, reasons"]
        assert set(hidden["selected"][0]) == {"id", "stratum"}
        assert hidden["starts"]
        assert hidden["commitment"]["policy"]["reasons"]

    @pytest.mark.parametrize(
        ("case", "change"),
        [
            ("public, absolute", lambda d: d["commitment"]["cap_report"].pop("volume")),
            ("public, absolute", lambda d: d["commitment"]["cap_report"].update(mode="relative")),
            ("public, absolute", lambda d: d["commitment"]["cap_report"].update(round_budgets=[0.5])),
            ("public, absolute", lambda d: d["selected"][0].pop("pi")),
            ("public, absolute", lambda d: d["selected"][0].pop("tier")),
            ("auditors, independent units, reasons", lambda d: d["selected"][0].update(tier="key")),
            ("auditors, independent units, reasons", lambda d: d.update(starts={})),
            (
                "auditors, independent units, reasons",
                lambda d: d["starts"].update({next(iter(d["starts"])): 1.5}),
            ),
            (
                "auditors, independent units, reasons",
                lambda d: d["commitment"]["policy"]["reasons"].append("not a digest"),
            ),
        ],
    )
    def test_partial_version_two_fields_refused(
        self, version_two: dict[str, dict[str, Any]], case: str, change: Any
    ) -> None:
        """A version 2 field set left half there, or of the wrong type, fails both readers."""
        data = json.loads(json.dumps(version_two[case]))
        change(data)
        with pytest.raises(RecordError):
            DrawRecord.from_json_dict(data)
        assert not _draw_validator().is_valid(data)

    def test_dependent_required(self) -> None:
        """``dependentRequired`` names the field missing and the field that requires it."""
        schema = {"dependentRequired": {"a": ["b"]}}
        assert validate({"b": 1}, schema) is None
        assert validate({"a": 1, "b": 2}, schema) is None
        assert validate({"a": 1}, schema) == ((), "field 'b' is missing (required with 'a')")
