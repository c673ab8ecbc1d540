"""Tests of randinspect.directory.ObjectDirectory: columns, digest, scopes, subsets, counts, immutability."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.codes import INDUSTRY
from randinspect.directory import ObjectDirectory, Scope
from randinspect.errors import ConfigurationError, InputError, LoadError
from randinspect.model import DEFAULT_RISK_SCALE, OrderedScale, SubjectKind
from randinspect.testing._directory import SAMPLE_TAGS, object_directories, object_records


def _canonical(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(records, key=lambda r: r["id"])


class TestBuild:
    def test_canonical_order_is_ascending_id(self, records: list[dict[str, Any]]) -> None:
        """Objects are stored by ascending id whatever the input order."""
        d = ObjectDirectory.from_records(records)
        assert d.ids.tolist() == sorted(r["id"] for r in records)

    def test_values_are_normalised(self, records: list[dict[str, Any]]) -> None:
        """Kinds, industries, grades, flags and tags are stored in canonical spelling."""
        d = ObjectDirectory.from_records(records)
        product = int(d.index_of("PRD:0001")[0])
        assert d.kinds[product] == SubjectKind.PRODUCT.value
        assert set(d.kinds.tolist()) <= {k.value for k in SubjectKind}
        assert set(d.industries.tolist()) == {"1311", "5211", "6110", "6210", "1522"}
        assert d.alive.dtype == bool
        assert d.tags_of(product) == ("food",)

    def test_arrays_are_read_only(self, records: list[dict[str, Any]]) -> None:
        """Every array handed out refuses writes, and attributes cannot be set."""
        d = ObjectDirectory.from_records(records)
        for arr in (d.ids, d.names, d.kinds, d.industries, d.regions, d.units, d.credit, d.risk, d.alive):
            with pytest.raises(ValueError):
                arr[0] = arr[1]
        with pytest.raises(AttributeError):
            d.credit_scale = DEFAULT_RISK_SCALE  # type: ignore[misc]
        with pytest.raises(TypeError):
            ObjectDirectory()

    def test_from_arrays_does_not_mutate_inputs(self, records: list[dict[str, Any]]) -> None:
        """Building from arrays leaves the caller's arrays unchanged and writeable."""
        cols = {
            k: np.array([r[k] for r in records], dtype=object if k == "tags" else None) for k in records[0]
        }
        before = {k: v.copy() for k, v in cols.items()}
        ObjectDirectory.from_arrays(**cols)
        for k, v in cols.items():
            assert v.flags.writeable
            assert v.tolist() == before[k].tolist()

    def test_from_arrays_in_canonical_order_shares_nothing(self, records: list[dict[str, Any]]) -> None:
        """Input already in canonical order is copied: the caller's arrays stay writeable and later
        changes to them do not reach the directory."""
        first = ObjectDirectory.from_arrays(
            **{k: [r[k] for r in records] for k in records[0] if k != "tags"},
            tags=[tuple(r["tags"]) for r in records],
        )
        cols = {
            "id": np.array(first.ids),
            "name": np.array(first.names),
            "kind": np.array(first.kinds),
            "industry": np.array(first.industries),
            "region": np.array(first.regions),
            "unit": np.array(first.units),
            "credit": np.array(first.credit),
            "risk": np.array(first.risk),
            "alive": np.array(first.alive),
        }
        tags = [first.tags_of(i) for i in range(len(first))]
        second = ObjectDirectory.from_arrays(**cols, tags=tags)
        assert second == first
        for v in cols.values():
            assert v.flags.writeable
        cols["id"][0] = "PRD:changed"
        cols["name"][0] = "changed"
        assert second == first
        assert second.ids[0] == first.ids[0]
        assert second.names[0] == first.names[0]

    def test_from_arrays_rejects_unequal_lengths(self) -> None:
        """Columns of different lengths are refused with the lengths named."""
        with pytest.raises(InputError, match="differ in length"):
            ObjectDirectory.from_arrays(
                id=["a"], name=[], kind=[], industry=[], region=[], unit=[], credit=[], risk=[], alive=[]
            )

    def test_from_arrays_strict_error_names_position(self, records: list[dict[str, Any]]) -> None:
        """A bad value in arrays raises LoadError naming its 1-based position."""
        cols = {k: [r[k] for r in records] for k in records[0]}
        cols["credit"][2] = "Z"
        with pytest.raises(LoadError) as info:
            ObjectDirectory.from_arrays(**cols)
        (problem,) = info.value.problems
        assert (problem.row, problem.column, problem.value, problem.code) == (
            3,
            "credit",
            "Z",
            "credit.unknown",
        )

    def test_validate_false_skips_code_checks(self, records: list[dict[str, Any]]) -> None:
        """With validate=False a wrong USCC check character is trusted."""
        cols = {k: [r[k] for r in records] for k in records[0]}
        cols["id"][0] = cols["id"][0][:-1] + ("0" if cols["id"][0][-1] != "0" else "1")
        with pytest.raises(LoadError):
            ObjectDirectory.from_arrays(**cols)
        assert len(ObjectDirectory.from_arrays(**cols, validate=False)) == len(records)

    def test_empty_directory(self) -> None:
        """An empty directory has length 0, empty counts and a stable digest."""
        d = ObjectDirectory.from_records([])
        assert len(d) == 0
        assert d.counts("industry") == {}
        assert d.to_records() == []
        assert d == ObjectDirectory.from_records([])


class TestDigest:
    @settings(deadline=None, max_examples=40)
    @given(object_records(min_size=1), st.randoms(use_true_random=False))
    def test_independent_of_row_order(self, recs: list[dict[str, Any]], rnd: Any) -> None:
        """Shuffling the input rows gives the same digest and an equal directory."""
        shuffled = list(recs)
        rnd.shuffle(shuffled)
        a = ObjectDirectory.from_records(recs)
        b = ObjectDirectory.from_records(shuffled)
        assert a.digest == b.digest
        assert a == b
        assert hash(a) == hash(b)

    @settings(deadline=None, max_examples=40)
    @given(object_records(min_size=1, departments=("SAMR",)), st.data())
    def test_changes_when_any_field_changes(self, recs: list[dict[str, Any]], data: st.DataObject) -> None:
        """Changing any one field of any one object changes the digest."""
        d = ObjectDirectory.from_records(recs)
        i = data.draw(st.integers(0, len(recs) - 1))
        field = data.draw(
            st.sampled_from(
                ["name", "industry", "region", "unit", "credit", "risk", "alive", "tags", "risk@SAMR"]
            )
        )
        changed = [dict(r) for r in recs]
        r = changed[i]
        if field == "name":
            r["name"] = r["name"] + "X"
        elif field == "industry":
            r["industry"] = "5211" if r["industry"] != "5211" else "1311"
        elif field == "region":
            r["region"] = "520102" if r["region"] != "520102" else "520103"
        elif field == "unit":
            r["unit"] = r["unit"] + "-2"
        elif field == "credit":
            r["credit"] = "A" if r["credit"] != "A" else "D"
        elif field in ("risk", "risk@SAMR"):
            r[field] = "low" if r[field] != "low" else "high"
        elif field == "alive":
            r["alive"] = not r["alive"]
        else:
            r["tags"] = [*r["tags"], "new-tag"]
        assert ObjectDirectory.from_records(changed).digest != d.digest

    def test_changes_with_scale(self, records: list[dict[str, Any]]) -> None:
        """The same grades read on a different scale give a different digest."""
        other = OrderedScale(name="credit grade", levels=("A", "B", "C", "D", "E"))
        assert (
            ObjectDirectory.from_records(records).digest
            != ObjectDirectory.from_records(records, credit_scale=other).digest
        )

    def test_canonical_lines_documented_layout(self, records: list[dict[str, Any]]) -> None:
        """The serialisation starts with the format line, scales and columns, then one line per object."""
        d = ObjectDirectory.from_records(records)
        text = "".join(d.canonical_lines())
        lines = text.split("\n")
        assert lines[0] == "randinspect-object-directory/1"
        assert lines[1] == "credit_scale\tA\tB\tC\tD"
        assert lines[2] == "risk_scale\tlow\tmedium\thigh"
        assert lines[3].split("\t")[1:] == [
            "id",
            "name",
            "kind",
            "industry",
            "region",
            "unit",
            "credit",
            "risk",
            "alive",
            "tags",
        ]
        assert len(lines) == 4 + len(d) + 1
        assert lines[-1] == ""
        first = lines[4].split("\t")
        assert first[0] == d.ids[0]
        assert first[8] in ("0", "1")

    def test_repr_shows_size_and_digest_prefix_only(self, records: list[dict[str, Any]]) -> None:
        """The repr names the size and the digest prefix, no data."""
        d = ObjectDirectory.from_records(records)
        assert repr(d) == f"ObjectDirectory(n={len(d)}, digest={d.digest[:12]!r})"


def _naive_in_scope(rec: dict[str, Any], scope: Scope) -> bool:
    if scope.alive_only and not rec["alive"]:
        return False
    if scope.kinds is not None and rec["kind"] not in {SubjectKind.parse(k).value for k in scope.kinds}:
        return False
    if scope.industries is not None:
        ok = False
        for p in scope.industries:
            if p.isalpha():
                ok |= INDUSTRY.section_of(rec["industry"]) == p
            else:
                ok |= rec["industry"].startswith(p)
        if not ok:
            return False
    if scope.regions is not None and not any(rec["region"].startswith(p) for p in scope.regions):
        return False
    if scope.units is not None and rec["unit"] not in scope.units:
        return False
    if scope.tags_any is not None and not set(scope.tags_any) & set(rec["tags"]):
        return False
    if scope.tags_all is not None and not set(scope.tags_all) <= set(rec["tags"]):
        return False
    if scope.credit is not None and rec["credit"] not in scope.credit:
        return False
    risk = rec.get(f"risk@{scope.department}", rec["risk"]) if scope.department else rec["risk"]
    return not (scope.risk is not None and risk not in scope.risk)


scopes = st.builds(
    Scope,
    kinds=st.none() | st.lists(st.sampled_from([k.value for k in SubjectKind]), min_size=1, max_size=3),
    industries=st.none()
    | st.lists(st.sampled_from(["C", "H", "F", "13", "131", "5211", "61"]), min_size=1, max_size=2),
    regions=st.none()
    | st.lists(st.sampled_from(["52", "5201", "520102", "520103", "5202"]), min_size=1, max_size=2),
    units=st.none() | st.lists(st.sampled_from(["520102-SAMR-01", "U9"]), min_size=1, max_size=2),
    tags_any=st.none() | st.lists(st.sampled_from(SAMPLE_TAGS), min_size=1, max_size=2),
    tags_all=st.none() | st.lists(st.sampled_from(SAMPLE_TAGS), min_size=1, max_size=2),
    credit=st.none() | st.lists(st.sampled_from("ABCD"), min_size=1, max_size=2),
    risk=st.none() | st.lists(st.sampled_from(["low", "medium", "high"]), min_size=1, max_size=2),
    department=st.none() | st.sampled_from(["SAMR", "MEE"]),
    alive_only=st.booleans(),
)


class TestScope:
    @settings(deadline=None, max_examples=80)
    @given(object_records(departments=("SAMR",)), scopes)
    def test_mask_equals_naive_filter(self, recs: list[dict[str, Any]], scope: Scope) -> None:
        """The vectorised scope mask equals a per-row Python filter."""
        d = ObjectDirectory.from_records(recs)
        expected = [_naive_in_scope(r, scope) for r in _canonical(recs)]
        assert d.mask(scope).tolist() == expected

    def test_chinese_and_label_spellings(self, records: list[dict[str, Any]]) -> None:
        """Scope values may use Chinese terms and scale labels."""
        d = ObjectDirectory.from_records(records)
        a = d.mask(Scope(kinds=["企业"], risk=["高风险"], alive_only=False))
        b = d.mask(Scope(kinds=["enterprise"], risk=["high"], alive_only=False))
        assert a.tolist() == b.tolist()

    def test_unknown_scope_values_raise(self, records: list[dict[str, Any]]) -> None:
        """Unknown kinds, grades and industry prefixes are reported."""
        d = ObjectDirectory.from_records(records)
        for scope in (Scope(kinds=["robot"]), Scope(credit=["Z"]), Scope(industries=["99"])):
            with pytest.raises(InputError):
                d.mask(scope)

    @given(scopes)
    def test_dict_round_trip(self, scope: Scope) -> None:
        """A scope written with to_dict reads back equal with from_dict, through JSON too."""
        import json

        assert Scope.from_dict(json.loads(json.dumps(scope.to_dict()))) == scope

    def test_from_dict_rejects_unknown_fields(self) -> None:
        """Unknown keys are refused with the known fields listed."""
        with pytest.raises(ConfigurationError, match="known fields"):
            Scope.from_dict({"industry": "C"})

    def test_select_equals_subset_of_mask(self, records: list[dict[str, Any]]) -> None:
        """select(scope) is subset(mask(scope))."""
        d = ObjectDirectory.from_records(records)
        scope = Scope(regions="520102")
        assert d.select(scope) == d.subset(d.mask(scope))


class TestSubsetAndIndex:
    @settings(deadline=None, max_examples=40)
    @given(object_directories(min_size=1), st.data())
    def test_subset_matches_records(self, d: ObjectDirectory, data: st.DataObject) -> None:
        """A subset holds exactly the selected records, in canonical order, whatever the position order."""
        positions = data.draw(st.lists(st.integers(0, len(d) - 1), unique=True))
        sub = d.subset(np.array(positions, dtype=np.int64))
        all_records = d.to_records()
        assert sub.to_records() == [all_records[i] for i in sorted(positions)]
        if positions:  # (an empty record list cannot name the department risk columns)
            assert sub == ObjectDirectory.from_records([all_records[i] for i in positions])

    def test_subset_refuses_repeats_and_bad_masks(self, records: list[dict[str, Any]]) -> None:
        """Repeated positions and masks of the wrong length are refused."""
        d = ObjectDirectory.from_records(records)
        with pytest.raises(InputError):
            d.subset([0, 0])
        with pytest.raises(InputError):
            d.subset(np.ones(len(d) + 1, dtype=bool))

    def test_index_of(self, records: list[dict[str, Any]]) -> None:
        """index_of finds positions in the order given and raises on unknown ids."""
        d = ObjectDirectory.from_records(records)
        ids = [d.ids[3], d.ids[0]]
        assert d.index_of(ids).tolist() == [3, 0]
        assert "PRD:0001" in d
        assert "nope" not in d
        with pytest.raises(InputError, match="not in the directory"):
            d.index_of(["nope"])


class TestCounts:
    @settings(deadline=None, max_examples=30)
    @given(object_directories())
    def test_counts_sum_to_size(self, d: ObjectDirectory) -> None:
        """Counts of every single-valued categorical column sum to the directory size."""
        for column in ("kind", "industry", "region", "unit", "credit", "risk", "alive"):
            assert sum(d.counts(column).values()) == len(d)

    def test_counts_and_cross_table(self, records: list[dict[str, Any]]) -> None:
        """counts lists zeros for fixed scales; counts_by gives non-zero cells; tags count per tag."""
        d = ObjectDirectory.from_records(records)
        credit = d.counts("credit")
        assert list(credit) == ["A", "B", "C", "D"]
        cross = d.counts_by("credit", "risk")
        assert sum(cross.values()) == len(d)
        for (c, r), n in cross.items():
            assert n == int(((d.credit == c) & (d.risk == r)).sum())
        assert d.counts("tags")["food"] == int(d.has_tag("food").sum())
        with pytest.raises(InputError):
            d.counts_by("tags", "kind")

    def test_codes_are_categorical(self, records: list[dict[str, Any]]) -> None:
        """codes(column) indexes the categories to give the column."""
        d = ObjectDirectory.from_records(records)
        codes, cats = d.codes("credit")
        assert cats == ("A", "B", "C", "D")
        assert np.array(cats)[codes].tolist() == d.credit.tolist()


class TestChanges:
    def test_with_columns_returns_new_directory(self, records: list[dict[str, Any]]) -> None:
        """with_columns replaces a column and leaves the original unchanged."""
        d = ObjectDirectory.from_records(records)
        before = d.digest
        e = d.with_columns(risk=np.full(len(d), "high"))
        assert set(e.risk.tolist()) == {"high"}
        assert d.digest == before
        assert e.ids.tolist() == d.ids.tolist()
        with pytest.raises(InputError):
            d.with_columns(id=d.ids)

    def test_department_risk_falls_back(self, records: list[dict[str, Any]]) -> None:
        """A department's own risk column is used where given; empty cells fall back to the general risk."""
        recs = [dict(r, **{"risk@SAMR": "high" if i == 0 else ""}) for i, r in enumerate(records)]
        d = ObjectDirectory.from_records(recs)
        first = int(d.index_of(records[0]["id"])[0])
        samr = d.risk_for("SAMR")
        assert samr[first] == "high"
        others = np.arange(len(d)) != first
        assert samr[others].tolist() == d.risk[others].tolist()
        assert d.risk_for("MEE").tolist() == d.risk.tolist()

    def test_pickle_and_copy_round_trip(self, records: list[dict[str, Any]]) -> None:
        """Pickled and copied directories are equal and stay read-only."""
        d = ObjectDirectory.from_records(records)
        for e in (pickle.loads(pickle.dumps(d)), copy.deepcopy(d)):
            assert e == d
            assert not e.ids.flags.writeable
