"""Tests that the vectorised fast paths of randinspect.draw equal their plain definitions.

Id encoding, ticket ordering, the frame and π-table digests, the drawn-object list and the canonical JSON
check each have a fast path for the common case (ASCII ids, distinct tickets, plain JSON types); these
properties check it against the definition written out directly, including the cases that must fall
back (non-ASCII ids, tied tickets, subclasses and floats).
"""

from __future__ import annotations

import enum
import hashlib
import math
import unicodedata
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.draw import (
    DrawFrame,
    PublicSeedSource,
    TieredPolicy,
    canonical_json,
    decimal_string,
    draw,
    selection_order,
)
from randinspect.draw._random import _id_bytes
from randinspect.draw._select import stratum_groups
from randinspect.errors import InputError
from randinspect.items import CheckItem

# ASCII letters and digits mixed with a few non-ASCII characters (one that NFC changes: "e" + U+0301).
id_text = (
    st.lists(st.sampled_from([*"ABCDEF0123456789-_.", "é", "e\u0301", "抽", "\x00"]), min_size=1, max_size=8)
    .map("".join)
    .filter(lambda s: not s.endswith("\x00") and not s.startswith("\x00"))
)
ascii_ids = st.lists(
    st.text(st.sampled_from(list("0123456789ABCDEFGHJKLMNPQRTUWXY-")), min_size=1, max_size=20),
    min_size=1,
    max_size=40,
    unique=True,
)
any_ids = st.lists(id_text, min_size=1, max_size=40, unique=True)
labels = st.text(st.sampled_from([*"abcXYZ0123-", "市", "局", " "]), min_size=1, max_size=6)


def nfc_utf8(ids: list[str]) -> list[bytes]:
    """The definition of the hashed id bytes: UTF-8 of the NFC form."""
    return [unicodedata.normalize("NFC", x).encode("utf-8") for x in ids]


def lines_digest(rows: list[list[str]]) -> str:
    """The spec's digest: SHA-256 of UTF-8 lines, fields joined by TAB, each line ending with LF."""
    return hashlib.sha256("".join("\t".join(r) + "\n" for r in rows).encode("utf-8")).hexdigest()


def item(ratio: str = "1/3") -> CheckItem:
    """A general item without a cap over all objects of the frame."""
    from randinspect.directory import Scope

    return CheckItem(
        id="FAST-1",
        name="fast paths",
        department="D",
        year=2027,
        scope=Scope(),
        ratio=ratio,
        cap=None,
        legal_basis=["law"],
    )


class TestIdBytes:
    @settings(deadline=None, max_examples=60)
    @given(ascii_ids)
    def test_ascii_numpy_ids_take_the_fast_path_exactly(self, ids: list[str]) -> None:
        """ASCII ids in a numpy string array encode to exactly the UTF-8 of each id."""
        assert _id_bytes(np.asarray(ids, dtype=str)) == nfc_utf8(ids)

    @settings(deadline=None, max_examples=60)
    @given(any_ids)
    def test_mixed_ids_encode_as_nfc_utf8(self, ids: list[str]) -> None:
        """Non-ASCII ids (and inner NULs) give the NFC UTF-8 bytes, from numpy and object arrays alike."""
        expected = nfc_utf8(ids)
        assert _id_bytes(np.asarray(ids, dtype=str)) == expected
        assert _id_bytes(np.asarray(ids, dtype=object)) == expected

    @pytest.mark.parametrize(
        ("ids", "message"),
        [(["A1", "B\n2"], "line break"), (["A1", ""], "empty"), (["A1", "é\n"], "line break")],
    )
    def test_bad_ascii_ids_are_refused_by_position(self, ids: list[str], message: str) -> None:
        """A line break or an empty id is refused with its position, also when every id is ASCII."""
        with pytest.raises(InputError, match=rf"position 1 .*{message}|position 1 is {message}"):
            _id_bytes(np.asarray(ids, dtype=str))

    @settings(deadline=None, max_examples=30)
    @given(ascii_ids)
    def test_tickets_of_numpy_ids_follow_the_spec(self, ids: list[str]) -> None:
        """Tickets of a numpy string array equal SHA-256 over the spec's bytes, id by id."""
        source = PublicSeedSource("2027-01-05 03 07")
        prefix = hashlib.sha256(b"2027-01-05 03 07").digest() + b"ctx|1\x1f"
        expected = [int.from_bytes(hashlib.sha256(prefix + x.encode()).digest()[:8], "big") for x in ids]
        assert source.tickets("ctx|1", np.asarray(ids, dtype=str)).tolist() == expected


class TestSelectionOrderTies:
    @settings(deadline=None, max_examples=60)
    @given(st.data())
    def test_equals_lexicographic_order_with_ties(self, data: st.DataObject) -> None:
        """The order is by stratum, then ticket, then position, also when many tickets are equal."""
        n = data.draw(st.integers(1, 60))
        strata = np.asarray(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
        top = data.draw(st.sampled_from([2, 5, 2**64 - 1]))
        tickets = np.asarray(
            data.draw(st.lists(st.integers(0, top), min_size=n, max_size=n)), dtype=np.uint64
        )
        expected = np.lexsort((np.arange(n), tickets, strata))
        assert selection_order(strata, tickets).tolist() == expected.tolist()


class TestDigests:
    @settings(deadline=None, max_examples=40)
    @given(st.data())
    def test_frame_and_table_digests_follow_the_spec(self, data: st.DataObject) -> None:
        """Frame and π-table digests equal SHA-256 of their lines written out one by one."""
        ids = data.draw(st.one_of(ascii_ids, any_ids))
        ids = sorted({unicodedata.normalize("NFC", x).replace("\x00", "") for x in ids} - {""})
        n = len(ids)
        strata = data.draw(st.lists(labels, min_size=n, max_size=n))
        key = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
        frame = DrawFrame.from_arrays(ids=ids, strata=strata, key=key)
        table = TieredPolicy().inclusion(frame, item(data.draw(st.sampled_from(["1/3", "2/7", "1"]))))
        tiers = table.tiers.tolist()
        nums = table.numerators.tolist()
        assert frame.digest == lines_digest([[i, s] for i, s in zip(ids, strata, strict=True)])
        assert table.digest == lines_digest(
            [[i, s, t, str(a)] for i, s, t, a in zip(ids, strata, tiers, nums, strict=True)]
        )


class TestSelectedObjects:
    @settings(deadline=None, max_examples=20)
    @given(ascii_ids.filter(lambda ids: len(ids) >= 3), st.sampled_from(["1/3", "1/2", "3/5"]))
    def test_each_drawn_object_carries_its_tier_stratum_and_exact_pi(
        self, ids: list[str], ratio: str
    ) -> None:
        """Every drawn object lists its frame tier, stratum, numerator and the exact decimal of its π."""
        frame = DrawFrame.from_arrays(ids=ids, strata=[f"u{len(i) % 3}" for i in ids])
        table = TieredPolicy().inclusion(frame, item(ratio))
        record = draw(frame, item(ratio), "42")
        by_id = {r["id"]: r for r in table.to_records()}
        assert record.selected, "Σπ = ratio × n ≥ 1 here, so systematic sampling draws at least one"
        for s in record.selected:
            row = by_id[s.id]
            assert (s.tier, s.stratum, s.pi_numerator) == (row["tier"], row["stratum"], row["pi_numerator"])
            assert Fraction(s.pi) == Fraction(s.pi_numerator, table.denominator)
            assert s.pi == decimal_string(s.pi_numerator, table.denominator)


class _Kind(enum.StrEnum):
    A = "a"


class _Count(int):
    pass


class TestCanonicalCheck:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [({"k": _Kind.A}, b'{"k":"a"}'), ([_Count(3)], b"[3]"), ((("x",),), b'[["x"]]')],
    )
    def test_subclasses_still_encode(self, value: object, expected: bytes) -> None:
        """str and int subclasses (enums) and nested tuples leave the fast check and still encode."""
        assert canonical_json(value) == expected

    @pytest.mark.parametrize(
        ("value", "path"),
        [({"a": [1, {"b": 0.5}]}, r"\$\.a\[1\]\.b"), ([[None, float("nan")]], r"\$\[0\]\[1\]")],
    )
    def test_floats_are_refused_with_their_path(self, value: object, path: str) -> None:
        """A float deep inside is refused and the message gives its path."""
        with pytest.raises(InputError, match=path):
            canonical_json(value)

    def test_record_json_is_plain(self, make_item: Callable[..., Any]) -> None:
        """A draw record's JSON form holds only plain JSON types (the fast check accepts it whole)."""
        from randinspect.draw._canonical import _plain

        frame = DrawFrame.from_arrays(ids=[f"ID{i:04d}" for i in range(50)])
        record = draw(frame, make_item(), "7")
        assert _plain(record.to_json_dict())


def tie_heavy_tickets(data: st.DataObject, n: int) -> np.ndarray:
    """Tickets whose high bits repeat (runs tied in the packed sort) while their low bits differ."""
    high = np.asarray(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.uint64)
    low = np.asarray(data.draw(st.lists(st.integers(0, 2**12), min_size=n, max_size=n)), dtype=np.uint64)
    return (high << np.uint64(60)) | low


class TestSelectionOrderPackedSort:
    @settings(deadline=None, max_examples=60)
    @given(st.data())
    def test_runs_tied_in_the_high_bits_are_ordered_by_whole_ticket(self, data: st.DataObject) -> None:
        """Tickets equal in the bits the packed sort keeps still come out by whole ticket, then position."""
        n = data.draw(st.integers(1, 300))
        strata = np.asarray(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
        tickets = tie_heavy_tickets(data, n)
        expected = np.lexsort((np.arange(n), tickets, strata))
        assert selection_order(strata, tickets).tolist() == expected.tolist()

    @pytest.mark.parametrize(
        ("n", "n_strata", "seed"), [(100_000, 1, 1), (200_000, 100, 2), (50_000, 3000, 3)]
    )
    def test_large_frames_equal_the_lexicographic_order(self, n: int, n_strata: int, seed: int) -> None:
        """On large random frames (one, a hundred, thousands of strata): by stratum, ticket, position."""
        rng = np.random.default_rng(seed)
        strata = rng.integers(0, n_strata, n)
        tickets = rng.integers(0, 2**64, n, dtype=np.uint64, endpoint=False)
        tickets[::97] = tickets[0]  # some whole tickets tied too
        expected = np.lexsort((np.arange(n), tickets, strata))
        assert selection_order(strata, tickets).tolist() == expected.tolist()

    def test_codes_outside_the_small_range_take_the_general_path(self) -> None:
        """Negative or large stratum codes are ordered like any others."""
        strata = np.asarray([2**20, -5, 2**20, -5])
        tickets = np.asarray([3, 9, 1, 2], dtype=np.uint64)
        assert selection_order(strata, tickets).tolist() == [3, 1, 2, 0]


def plain_group_numerators(codes: list[int], bases: list[int], extras: list[int]) -> list[int]:
    """The definition: base of the group, plus one for the group's first ``extras`` members by position."""
    seen = [0] * len(bases)
    out = []
    for g in codes:
        out.append(bases[g] + (1 if seen[g] < extras[g] else 0))
        seen[g] += 1
    return out


class TestGroupNumerators:
    @settings(deadline=None, max_examples=80)
    @given(st.data())
    def test_equals_the_definition(self, data: st.DataObject) -> None:
        """Every member gets its group's base, and the first ``extras[g]`` members of group g one more."""
        from randinspect.draw._inclusion import group_numerators

        n_groups = data.draw(st.integers(1, 6))
        codes = data.draw(st.lists(st.integers(0, n_groups - 1), min_size=1, max_size=80))
        sizes = [codes.count(g) for g in range(n_groups)]
        bases = data.draw(st.lists(st.integers(0, 2**31), min_size=n_groups, max_size=n_groups))
        extras = [data.draw(st.integers(0, s)) for s in sizes]
        got = group_numerators(np.asarray(codes, dtype=np.int64), bases, extras)
        assert got.tolist() == plain_group_numerators(codes, bases, extras)
        grouped = group_numerators(
            np.asarray(codes, dtype=np.int64), bases, extras, stratum_groups(codes, n_groups)
        )
        assert grouped.tolist() == got.tolist()

    @pytest.mark.parametrize(("n", "n_groups"), [(70_000, 5), (40_000, 400)])
    def test_large_frames_across_blocks_and_with_many_groups(self, n: int, n_groups: int) -> None:
        """Members found block by block (few groups) or by one sort (many) give the same numerators."""
        from randinspect.draw._inclusion import group_numerators

        rng = np.random.default_rng(n_groups)
        codes = rng.integers(0, n_groups, n)
        sizes = np.bincount(codes, minlength=n_groups)
        extras = [int(rng.integers(0, s + 1)) for s in sizes.tolist()]
        bases = rng.integers(0, 2**32, n_groups).tolist()
        got = group_numerators(codes, bases, extras)
        assert got.tolist() == plain_group_numerators(codes.tolist(), bases, extras)
        grouped = group_numerators(codes, bases, extras, stratum_groups(codes, n_groups))
        assert grouped.tolist() == got.tolist()


class TestStratumGroups:
    @settings(deadline=None, max_examples=80)
    @given(st.lists(st.integers(0, 40), max_size=300), st.integers(0, 50))
    def test_equals_a_stable_argsort_and_the_counts(self, codes: list[int], strata: int) -> None:
        """Positions by code (ascending within a code) and bounds from the counts, with every stratum up
        to ``strata`` present (empty ones as empty runs); a frame caches the same for its strata."""
        positions, bounds = stratum_groups(codes, strata)
        expected = np.argsort(np.asarray(codes, dtype=np.int64), kind="stable")
        assert positions.tolist() == expected.tolist()
        assert positions.dtype == np.int32
        counts = np.bincount(np.asarray(codes, dtype=np.int64), minlength=strata)
        assert bounds.tolist() == [0, *np.cumsum(counts).tolist()]
        if codes:
            frame = DrawFrame.from_arrays(
                ids=[f"id{i:04d}" for i in range(len(codes))], strata=[f"s{c:02d}" for c in codes]
            )
            cached, cached_bounds = frame._stratum_groups()
            dense = np.unique(np.asarray(codes), return_inverse=True)[1].reshape(-1)
            assert cached.tolist() == np.argsort(dense, kind="stable").tolist()
            assert cached_bounds.tolist() == [0, *np.cumsum(np.bincount(dense)).tolist()]
            assert frame._stratum_groups() is frame._stratum_groups()


class TestSimulatedSelectionPaths:
    @pytest.mark.parametrize("per_stratum", [8, 400], ids=["one permutation", "a shuffle per stratum"])
    def test_floor_or_ceiling_per_stratum_and_mandatory_objects(self, per_stratum: int) -> None:
        """On both paths of NumpySource.shuffle_groups (strata of 8 and of 400 objects), a simulated draw
        selects every object of π = 1, none of π = 0, and ⌊Σπ⌋ or ⌈Σπ⌉ objects of each stratum."""
        from randinspect.draw import DENOMINATOR, NumpySource, inclusion_probabilities, select

        rng = np.random.default_rng(per_stratum)
        n = per_stratum * 5
        frame = DrawFrame.from_arrays(
            ids=[f"9152{i:06d}Q" for i in range(n)],
            strata=[f"U{k}" for k in np.repeat(np.arange(5), per_stratum)[rng.permutation(n)]],
            credit=rng.choice(list("ABCD"), n),
            risk=rng.choice(["low", "medium", "high"], n),
            key=rng.random(n) < 0.05,
        )
        table = inclusion_probabilities(frame, item("1/4"))
        expected = table.expected_by_stratum()
        for r in range(40):
            mask, _ = select(table, NumpySource(r), "sim")
            assert bool(np.all(mask[table.numerators == DENOMINATOR]))
            assert not bool(np.any(mask[table.numerators == 0]))
            for h, label in enumerate(table.frame.stratum_labels):
                got = int(mask[table.frame.stratum_codes == h].sum())
                assert math.floor(expected[label]) <= got <= math.ceil(expected[label])

    @pytest.mark.statistical
    def test_frequencies_match_pi_on_the_per_stratum_path(self) -> None:
        """Over 3,000 NumpySource replications of a frame of 3 strata of 150 objects (the per-stratum
        shuffle), each object's count lies in its binomial acceptance interval.

        Counts are Binomial(3000, π_i) for objects with 0 < π_i < 1; exact central intervals at level
        1 − 1e-6/m (Bonferroni over the m such objects) bound the false-failure rate by 1e-6.
        Entropies 0..2999.
        """
        from scipy.stats import binom

        from randinspect.draw import DENOMINATOR, NumpySource, inclusion_probabilities, select

        rng = np.random.default_rng(5)
        n = 450
        frame = DrawFrame.from_arrays(
            ids=[f"9152{i:06d}Q" for i in range(n)],
            strata=[f"U{k}" for k in np.repeat(np.arange(3), 150)[rng.permutation(n)]],
            credit=rng.choice(list("ABCD"), n),
            risk=rng.choice(["low", "medium", "high"], n),
        )
        table = inclusion_probabilities(frame, item("1/3"))
        runs = 3000
        counts = np.zeros(len(table), dtype=np.int64)
        for r in range(runs):
            counts += select(table, NumpySource(r), "sim")[0]
        pi = table.numerators / DENOMINATOR
        inner = (pi > 0) & (pi < 1)
        alpha = 1e-6 / int(inner.sum())
        lo = binom.ppf(alpha / 2, runs, pi[inner])
        hi = binom.isf(alpha / 2, runs, pi[inner])
        assert bool(np.all((counts[inner] >= lo) & (counts[inner] <= hi)))


class TestFrameRowsOfADirectory:
    def test_ids_taken_on_use_equal_the_scoped_directory_ids(
        self, city: Any, make_item: Callable[..., CheckItem]
    ) -> None:
        """A frame from a directory reads its scoped ids on use, read-only, and pickles as its own ids."""
        import pickle

        directory = city.objects
        scoped = make_item()
        frame = DrawFrame.from_directory(directory, scoped)
        expected = np.asarray(directory.ids)[np.asarray(directory.mask(scoped.scope))]
        positions = np.asarray([0, len(frame) - 1], dtype=np.int64)
        assert frame._ids_at(positions).tolist() == expected[positions].tolist()
        outside = np.asarray(directory.ids)[~np.asarray(directory.mask(scoped.scope))].tolist()
        asked = [*expected[::7].tolist(), *outside[:5], "NOT-AN-ID", str(expected[0])]
        found, missing = frame.positions(asked)
        assert found.tolist() == sorted({int(np.searchsorted(expected, x)) for x in expected[::7].tolist()})
        assert missing == [*outside[:5], "NOT-AN-ID"]
        assert frame.ids.tolist() == expected.tolist()
        assert not frame.ids.flags.writeable
        again = pickle.loads(pickle.dumps(frame))
        assert again.ids.tolist() == expected.tolist()
        assert again.digest == frame.digest


class TestSelectionMadeOnUse:
    @settings(deadline=None, max_examples=6)
    @given(ascii_ids.filter(lambda ids: len(ids) >= 3), st.sampled_from(["public", "auditors"]))
    def test_a_fresh_record_equals_its_json_and_pickled_forms(self, ids: list[str], disclosure: str) -> None:
        """A record fresh from a draw equals the record read back from its JSON and from a pickle."""
        import pickle

        from randinspect.draw import DrawRecord

        frame = DrawFrame.from_arrays(ids=ids, strata=[f"u{len(i) % 2}" for i in ids])
        record = draw(frame, item("1/2"), "7", policy=TieredPolicy(disclosure=disclosure))
        assert record.selected_ids == tuple(s.id for s in record.selected)
        assert pickle.loads(pickle.dumps(record)) == record
        read = DrawRecord.from_json(record.to_json())
        assert read == record
        assert f"selected={record.selected!r}" in repr(record)

    @settings(deadline=None, max_examples=10)
    @given(
        ascii_ids.filter(lambda ids: len(ids) >= 3),
        st.sampled_from(["public", "auditors"]),
        st.sampled_from(["id", "tier", "stratum", "pi_numerator", "pi", "drop", "swap", "none"]),
        st.data(),
    )
    def test_column_comparison_agrees_with_the_objects(
        self, ids: list[str], disclosure: str, change: str, data: st.DataObject
    ) -> None:
        """Comparing the drawn columns of a fresh draw with a list of objects (what verify does) says
        equal exactly when the objects' dicts are equal, whichever field is changed, an object dropped or
        two swapped; a pickled selection compares the same way."""
        import pickle

        from randinspect.draw._record import _Selection

        frame = DrawFrame.from_arrays(ids=ids, strata=[f"u{len(i) % 2}" for i in ids])
        record = draw(frame, item("1/2"), "7", policy=TieredPolicy(disclosure=disclosure))
        fresh = record._selected
        assert isinstance(fresh, _Selection)
        objects = list(record.selected)
        k = data.draw(st.integers(0, len(objects) - 1))
        if change == "drop":
            del objects[k]
        elif change == "swap" and len(objects) > 1:
            objects[0], objects[-1] = objects[-1], objects[0]
        elif change not in {"none", "swap"}:
            value = getattr(objects[k], change)
            new: object = (value or 0) + 1 if change == "pi_numerator" else f"{value}x"
            objects[k] = attrs.evolve(objects[k], **{change: new})
        expected = [o.to_dict() for o in objects] == [o.to_dict() for o in record.selected]
        fresh_again = draw(frame, item("1/2"), "7", policy=TieredPolicy(disclosure=disclosure))._selected
        assert isinstance(fresh_again, _Selection)
        assert fresh_again.same_as(tuple(objects)) is expected
        assert fresh_again.same_as(pickle.loads(pickle.dumps(fresh))) is True

    def test_a_fresh_record_does_not_keep_its_frame_alive(self) -> None:
        """The record of a draw holds its drawn rows only: the frame can be freed while the record lives."""
        import gc
        import weakref

        frame = DrawFrame.from_arrays(ids=[f"ID{k:03d}" for k in range(60)])
        record = draw(frame, item("1/2"), "7")
        alive = weakref.ref(frame)
        del frame
        gc.collect()
        assert alive() is None
        assert len(record.selected) == record.counts["total"] == 30


class TestDigestsBesideTheTickets:
    def test_threaded_digests_give_the_same_record(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A draw whose digests are made in a second thread beside the tickets gives byte for byte the
        record of the same draw made in one thread, and verifies."""
        from randinspect.draw import _record, verify

        ids = [f"91520100{k:010d}" for k in range(3_000)]
        frame = DrawFrame.from_arrays(ids=ids, strata=[f"u{k % 7}" for k in range(len(ids))])
        policy = TieredPolicy(reason_salt="00" * 16)
        monkeypatch.setattr(_record, "_OVERLAP_MIN", 10**12)
        alone = draw(frame, item("1/20"), "2027 01 05", policy=policy).to_json()
        monkeypatch.setattr(_record, "_OVERLAP_MIN", 1)
        fresh = DrawFrame.from_arrays(ids=ids, strata=[f"u{k % 7}" for k in range(len(ids))])
        beside = draw(fresh, item("1/20"), "2027 01 05", policy=policy)
        assert beside.to_json() == alone
        verify(beside, fresh, opening=beside.opening)
