"""Tests of randinspect.draw records: draw, commitment, JSON round trip, verify and tampering."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.draw import (
    ALGORITHM_VERSION,
    DENOMINATOR,
    Commitment,
    DrawFrame,
    DrawRecord,
    NumpySource,
    PublicSeedSource,
    StratifiedPolicy,
    TieredPolicy,
    canonical_digest,
    commit,
    draw,
    inclusion_probabilities,
    select,
    verify,
)
from randinspect.errors import (
    CommitmentMismatchError,
    FrameChangedError,
    InputError,
    OpeningRequiredError,
    ProbabilitiesChangedError,
    SeedChangedError,
    SelectionChangedError,
    UnsupportedVersionError,
    VerificationError,
)
from randinspect.items import CheckItem
from randinspect.testing._draw import check_items, draw_frames, public_seeds


@pytest.fixture(scope="module")
def frame() -> DrawFrame:
    """A frame of 120 objects in 4 strata with every tier present."""
    rng = np.random.default_rng(11)
    n = 120
    return DrawFrame.from_arrays(
        ids=[f"9152{i:06d}Q" for i in range(n)],
        strata=[f"U{k}" for k in rng.integers(0, 4, n)],
        credit=rng.choice(list("ABCD"), n),
        risk=rng.choice(["low", "medium", "high"], n),
        key=rng.random(n) < 0.05,
    )


@pytest.fixture(scope="module")
def policy() -> TieredPolicy:
    """A tiered policy with two filed cases."""
    return TieredPolicy(filed_case_ids=["9152000003Q", "9152000004Q"])


@pytest.fixture(scope="module")
def record(frame: DrawFrame, policy: TieredPolicy, make_item: Callable[..., CheckItem]) -> DrawRecord:
    """A genuine record over the frame."""
    return draw(frame, make_item(ratio=Fraction(1, 5)), "6 2 8 3 1 8", policy=policy)


def leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every leaf of a JSON value (only the first three selected objects)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            yield from leaves(v, (*path, i))
    else:
        yield path


def one_object_more(frame: DrawFrame) -> DrawFrame:
    """The frame with one more object ("ZZZ", stratum U0, a B-grade low-risk object that is not key)."""
    return DrawFrame.from_arrays(
        ids=[*frame.ids.tolist(), "ZZZ"],
        strata=[*frame.strata.tolist(), "U0"],
        credit=[*frame.credit.tolist(), "B"],
        risk=[*frame.risk.tolist(), "low"],
        key=[*frame.key.tolist(), False],
    )


def tampered(data: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    """A copy of data with the leaf at path changed."""
    out = copy.deepcopy(data)
    parent = out
    for key in path[:-1]:
        parent = parent[key]
    old = parent[path[-1]]
    if isinstance(old, bool):
        new: Any = not old
    elif isinstance(old, int):
        new = old + 1
    elif isinstance(old, str):
        new = old + "0"
    else:
        new = "0"
    parent[path[-1]] = new
    return out


class TestDraw:
    def test_record_contents(self, record: DrawRecord, frame: DrawFrame) -> None:
        """The record lists every mandatory object with π = 1, ids in order, and counts that add up."""
        table = inclusion_probabilities(
            frame,
            CheckItem.from_dict(record.commitment.item),
            TieredPolicy(filed_case_ids=["9152000003Q", "9152000004Q"]),
        )
        mandatory = set(table.ids[table.tier_codes <= 1].tolist())
        assert mandatory <= set(record.selected_ids)
        assert list(record.selected_ids) == sorted(record.selected_ids)
        assert record.counts["total"] == len(record.selected)
        assert sum(record.counts["by_tier"].values()) == len(record.selected)
        assert sum(record.counts["by_stratum"].values()) == len(record.selected)
        for s in record.selected:
            assert Fraction(s.pi) == Fraction(s.pi_numerator, DENOMINATOR)
        assert record.context == "SAMR-2027-001|2027|round=1"
        assert record.seed == "6 2 8 3 1 8"
        assert record.verifiable
        assert (record.item_id, record.year, record.round, record.version) == ("SAMR-2027-001", 2027, 1, 2)

    def test_per_stratum_floor_or_ceiling(self, record: DrawRecord, frame: DrawFrame) -> None:
        """Every stratum gets the floor or ceiling of its Σπ, and the total is within one of Σπ."""
        table = inclusion_probabilities(
            frame,
            CheckItem.from_dict(record.commitment.item),
            TieredPolicy(filed_case_ids=["9152000003Q", "9152000004Q"]),
        )
        for stratum, expected in table.expected_by_stratum().items():
            assert math.floor(expected) <= record.counts["by_stratum"][stratum] <= math.ceil(expected)
        assert abs(record.counts["total"] - table.expected_count) < 1

    @settings(deadline=None, max_examples=40)
    @given(draw_frames(), check_items(), public_seeds())
    def test_properties(self, frame: DrawFrame, item: CheckItem, seed: str) -> None:
        """No duplicates, mandatory always drawn, π = 0 never drawn, strata floor/ceil, deterministic."""
        record = draw(frame, item, seed)
        again = draw(frame, item, seed)
        assert record == again
        ids = record.selected_ids
        assert len(ids) == len(set(ids))
        table = inclusion_probabilities(frame, item)
        mask = np.isin(table.ids, np.asarray(ids, dtype=str))
        assert bool(np.all(mask[table.numerators == DENOMINATOR]))
        assert not bool(np.any(mask[table.numerators == 0]))
        for stratum, expected in table.expected_by_stratum().items():
            assert math.floor(expected) <= record.counts["by_stratum"][stratum] <= math.ceil(expected)
        verify(record, frame)

    @settings(deadline=None, max_examples=25)
    @given(draw_frames(min_size=2), check_items(), st.randoms(use_true_random=False))
    def test_row_order_independent(self, frame: DrawFrame, item: CheckItem, rnd: Any) -> None:
        """The same objects loaded in another row order give the same record."""
        order = list(range(len(frame)))
        rnd.shuffle(order)
        shuffled = DrawFrame.from_arrays(
            ids=frame.ids[order],
            strata=frame.strata[order],
            credit=frame.credit[order],
            risk=frame.risk[order],
            key=frame.key[order],
        )
        assert draw(shuffled, item, "1").to_json_dict() == draw(frame, item, "1").to_json_dict()

    def test_rounds_have_their_own_context(
        self, frame: DrawFrame, make_item: Callable[..., CheckItem]
    ) -> None:
        """Each round draws with its own context, so rounds differ."""
        item = make_item(frequency=2, ratio=Fraction(1, 4))
        first, second = (draw(frame, item, "9", round=r) for r in (1, 2))
        assert first.context.endswith("round=1")
        assert second.context.endswith("round=2")
        assert first.selected_ids != second.selected_ids

    def test_commitment_guard(
        self, frame: DrawFrame, policy: TieredPolicy, make_item: Callable[..., CheckItem]
    ) -> None:
        """draw() refuses to run when the inputs no longer match the published commitment."""
        item = make_item(ratio=Fraction(1, 5))
        c = commit(frame, item, policy=policy)
        assert draw(frame, item, "1", policy=policy, commitment=c).commitment == c
        assert draw(frame, item, "1", policy=policy, commitment=c.digest).commitment == c
        with pytest.raises(CommitmentMismatchError):
            draw(frame, item, "1", policy=policy, commitment=commit(frame, make_item(ratio=Fraction(1, 4))))

    def test_numpy_source(self, frame: DrawFrame, make_item: Callable[..., CheckItem]) -> None:
        """A simulation source works and its record says it is not verifiable."""
        record = draw(frame, make_item(), NumpySource(3))
        assert not record.verifiable
        assert record.seed is None
        verify(record, frame)

    def test_stratified_record(self, frame: DrawFrame, make_item: Callable[..., CheckItem]) -> None:
        """A stratified draw gets exactly n_h per stratum and verifies."""
        record = draw(frame, make_item(ratio=Fraction(1, 10)), "x", policy=StratifiedPolicy())
        table = inclusion_probabilities(frame, make_item(ratio=Fraction(1, 10)), StratifiedPolicy())
        assert record.counts["by_stratum"] == table.policy["allocation"]
        verify(record, frame)


class TestJson:
    def test_round_trip(self, record: DrawRecord, tmp_path: Path) -> None:
        """to_json / from_json round-trip a record and keep its digest."""
        path = tmp_path / "record.json"
        record.to_json(path)
        back = DrawRecord.from_json(path)
        assert back == record
        assert back.record_digest == record.record_digest
        assert DrawRecord.from_json(record.to_json(indent=None)) == record

    def test_digest_is_canonical(self, record: DrawRecord) -> None:
        """record_digest is SHA-256 of the canonical JSON of to_json_dict()."""
        assert record.record_digest == canonical_digest(record.to_json_dict())
        assert record.commitment.to_json_dict()["digest"] == record.commitment.digest

    def test_commitment_round_trip(self, record: DrawRecord) -> None:
        """A commitment survives its JSON form."""
        c = record.commitment
        assert Commitment.from_json_dict(c.to_json_dict()) == c

    @pytest.mark.parametrize("text", ["{", "[]", '{"format": "other"}'])
    def test_malformed(self, text: str) -> None:
        """Malformed JSON or a non-record is refused."""
        with pytest.raises(InputError):
            DrawRecord.from_json(text)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is a LoadError naming it."""
        with pytest.raises(InputError, match=r"missing\.json"):
            DrawRecord.from_json(tmp_path / "missing.json")

    def test_newer_version(self, record: DrawRecord) -> None:
        """A record from a newer algorithm version raises UnsupportedVersionError."""
        data = record.to_json_dict()
        data["version"] = ALGORITHM_VERSION + 1
        with pytest.raises(UnsupportedVersionError, match="upgrade"):
            DrawRecord.from_json_dict(data)
        with pytest.raises(UnsupportedVersionError):
            verify(attrs.evolve(record, version=ALGORITHM_VERSION + 1), DrawFrame.from_arrays(ids=["a"]))


@pytest.fixture(params=["one thread", "digests beside the tickets"])
def verify_modes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test twice: with verify's digests computed in line, and in a second thread beside the tickets
    (as for frames of 100,000 objects and more); the same errors must come in the same order."""
    from randinspect.draw import _record

    monkeypatch.setattr(_record, "_OVERLAP_MIN", 10**12 if request.param == "one thread" else 1)
    return str(request.param)


@pytest.mark.usefixtures("verify_modes")
class TestVerify:
    def test_accepts_genuine(self, record: DrawRecord, frame: DrawFrame) -> None:
        """A genuine record verifies, also against the announced seed and the published commitment."""
        again = verify(
            record,
            frame,
            expected_seed=" 6 2 8 3 1 8 ",
            commitment=record.commitment.digest,
            opening=record.opening,
        )
        assert again == record

    def test_rejects_every_tampered_field(self, record: DrawRecord, frame: DrawFrame) -> None:
        """Changing any one field of the published JSON makes loading or verifying fail."""
        data = record.to_json_dict()
        paths = list(leaves(data))
        assert len(paths) > 30
        for path in paths:
            bad = tampered(data, path)
            with pytest.raises((VerificationError, InputError)):
                verify(DrawRecord.from_json_dict(bad), frame, opening=record.opening)

    def test_consistent_forgery_of_the_item(self, record: DrawRecord, frame: DrawFrame) -> None:
        """A changed ratio with a recomputed commitment digest is caught as a π change."""
        data = record.to_json_dict()
        data["commitment"]["item"]["ratio"] = "0.3"
        data["commitment"]["item"]["cap"] = "0.3"
        body = {k: v for k, v in data["commitment"].items() if k != "digest"}
        data["commitment"]["digest"] = canonical_digest(body)
        with pytest.raises(ProbabilitiesChangedError):
            verify(DrawRecord.from_json_dict(data), frame, opening=record.opening)

    def test_consistent_forgery_of_the_seed(self, record: DrawRecord, frame: DrawFrame) -> None:
        """A new seed with its digest fixed reproduces another selection, and fails the announced seed."""
        forged = attrs.evolve(record, source=PublicSeedSource("another").describe())
        with pytest.raises(SelectionChangedError):
            verify(forged, frame, opening=record.opening)
        with pytest.raises(SeedChangedError, match="announced"):
            verify(forged, frame, expected_seed="6 2 8 3 1 8", opening=record.opening)
        with pytest.raises(SeedChangedError):
            verify(record, frame, expected_seed="6 2 8 3 1 9", opening=record.opening)

    @pytest.mark.parametrize("entropy", ["abc", "-1", "1.5", None, "١٢"])
    def test_bad_numpy_entropy_is_a_typed_error(
        self, record: DrawRecord, frame: DrawFrame, entropy: Any
    ) -> None:
        """A record whose numpy source has a malformed entropy fails as SeedChangedError, not ValueError."""
        forged = attrs.evolve(record, source={"kind": "numpy-philox", "entropy": entropy, "numpy": "2"})
        with pytest.raises(SeedChangedError, match="entropy"):
            verify(forged, frame, opening=record.opening)

    def test_frame_changed(self, record: DrawRecord, frame: DrawFrame) -> None:
        """A frame with one object more or another stratum raises FrameChangedError."""
        bigger = one_object_more(frame)
        with pytest.raises(FrameChangedError, match="121 objects now, 120"):
            verify(record, bigger, opening=record.opening)

    def test_first_difference_comes_first(self, record: DrawRecord, frame: DrawFrame) -> None:
        """With several differences the first in the documented order is named, whether the digests are
        computed in line or beside the tickets: a changed frame before a bad opening, a missing opening,
        a changed π table or a wrong seed; a changed π table before a wrong seed."""
        bigger = one_object_more(frame)
        with pytest.raises(FrameChangedError):
            verify(record, bigger, expected_seed="another seed", opening=record.opening)
        with pytest.raises(FrameChangedError):
            verify(record, bigger)
        with pytest.raises(FrameChangedError):
            verify(record, bigger, opening={**record.opening_json_dict(), "policy": 5})
        regraded = DrawFrame.from_arrays(
            ids=frame.ids, strata=frame.strata, credit=["D"] * len(frame), risk=frame.risk, key=frame.key
        )
        with pytest.raises(ProbabilitiesChangedError):
            verify(record, regraded, expected_seed="another seed", opening=record.opening)
        with pytest.raises(SeedChangedError):
            verify(record, frame, expected_seed="another seed", opening=record.opening)

    def test_probabilities_changed(self, record: DrawRecord, frame: DrawFrame) -> None:
        """The same ids and strata with other credit grades raise ProbabilitiesChangedError."""
        regraded = DrawFrame.from_arrays(
            ids=frame.ids, strata=frame.strata, credit=["D"] * len(frame), risk=frame.risk, key=frame.key
        )
        with pytest.raises(ProbabilitiesChangedError):
            verify(record, regraded, opening=record.opening)

    def test_selection_changed(self, record: DrawRecord, frame: DrawFrame) -> None:
        """A record with a swapped selected id names it."""
        other = next(i for i in frame.ids.tolist() if i not in record.selected_ids)
        swapped = attrs.evolve(record.selected[-1], id=other)
        bad = attrs.evolve(record, selected=(*record.selected[:-1], swapped))
        with pytest.raises(SelectionChangedError, match=other):
            verify(bad, frame, opening=record.opening)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("reference_date", "yesterday"),
            ("complaint_rule", []),
            ("complaint_rule", {"min_count": "abc"}),
            ("complaint_rule", {"channels": ["999"]}),
            ("matrix", 5),
            ("matrix", None),
        ],
    )
    def test_forged_policy_parameters_are_typed(
        self, frame: DrawFrame, make_item: Callable[..., CheckItem], field: str, value: object
    ) -> None:
        """Malformed policy parameters under a recomputed commitment digest raise ProbabilitiesChanged."""
        record = draw(frame, make_item(ratio=Fraction(1, 4)), "2027", policy=TieredPolicy())
        data = record.to_json_dict()
        data["commitment"]["policy"][field] = value
        body = {k: v for k, v in data["commitment"].items() if k != "digest"}
        data["commitment"]["digest"] = canonical_digest(body)
        with pytest.raises(ProbabilitiesChangedError, match="cannot be recomputed"):
            verify(DrawRecord.from_json_dict(data), frame)

    def test_forged_stratum_column_is_typed(self, city: Any, make_item: Callable[..., CheckItem]) -> None:
        """A record naming an unknown stratum column (digest recomputed) raises FrameChangedError."""
        data = draw(city.objects, make_item(), "2027").to_json_dict()
        data["commitment"]["stratum"] = "colour"
        body = {k: v for k, v in data["commitment"].items() if k != "digest"}
        data["commitment"]["digest"] = canonical_digest(body)
        with pytest.raises(FrameChangedError, match="colour"):
            verify(DrawRecord.from_json_dict(data), city.objects)

    def test_duplicated_selected_entry_is_named(self, record: DrawRecord, frame: DrawFrame) -> None:
        """A record listing a drawn object twice is refused with that object named, not as an order change."""
        doubled = attrs.evolve(record, selected=(*record.selected, record.selected[0]))
        with pytest.raises(SelectionChangedError, match="more than once"):
            verify(doubled, frame, opening=record.opening)

    def test_published_commitment_mismatch(self, record: DrawRecord, frame: DrawFrame) -> None:
        """A record whose commitment is not the published one is refused."""
        with pytest.raises(CommitmentMismatchError, match="published"):
            verify(record, frame, commitment="0" * 64, opening=record.opening)

    def test_with_directory(self, city: Any, make_item: Callable[..., CheckItem]) -> None:
        """A draw over the demo city verifies against the directory and fails on another directory."""
        from randinspect.datasets import demo_city

        item = make_item()
        record = draw(city.objects, item, "2027", policy=TieredPolicy(complaints=city.complaints))
        assert record.counts["by_tier"]["problem"] > 0
        verify(record, city.objects, opening=record.opening)
        other = demo_city(n_objects=3000, seed=8).objects
        with pytest.raises((FrameChangedError, CommitmentMismatchError)):
            verify(record, other, opening=record.opening)

    def test_directory_snapshot_mismatch(self, city: Any, make_item: Callable[..., CheckItem]) -> None:
        """A directory that changed outside the item's frame no longer matches the committed snapshot."""
        from randinspect.directory import Scope

        objects = city.objects
        unit = objects.units[0]
        item = make_item(scope=Scope(units=[unit]))
        record = draw(objects, item, "2027")
        keep = np.flatnonzero(objects.units == unit)
        drop_one = np.setdiff1d(np.arange(len(objects)), np.flatnonzero(objects.units != unit)[:1])
        assert keep.size > 0
        with pytest.raises(CommitmentMismatchError, match="snapshot"):
            verify(record, objects.subset(drop_one), opening=record.opening)


class TestSelect:
    def test_select_matches_record(self, record: DrawRecord, frame: DrawFrame, policy: TieredPolicy) -> None:
        """select() on the π table reproduces the record's selection and start."""
        table = inclusion_probabilities(frame, CheckItem.from_dict(record.commitment.item), policy)
        mask, start = select(table, PublicSeedSource(record.seed or ""), record.context)
        assert start == record.start
        assert tuple(table.ids[mask].tolist()) == record.selected_ids

    @settings(deadline=None, max_examples=40)
    @given(draw_frames(), check_items(), public_seeds())
    def test_skipping_certain_objects_changes_nothing(
        self, frame: DrawFrame, item: CheckItem, seed: str
    ) -> None:
        """select(), which orders only objects with 0 < π < 1, equals the spec's whole-frame ordering."""
        from randinspect.draw import selection_order, systematic_select

        table = inclusion_probabilities(frame, item)
        source = PublicSeedSource(seed)
        context = "X|2027|round=1"
        order = selection_order(frame.stratum_codes, source.tickets(context, frame.ids))
        start = source.integer_below(context + "|start", DENOMINATOR)
        full = np.zeros(len(frame), dtype=bool)
        full[order[systematic_select(table.numerators[order], start, DENOMINATOR)]] = True
        mask, got_start = select(table, source, context)
        assert got_start == start
        assert bool(np.all(mask == full))


@pytest.mark.statistical
class TestStatistical:
    def test_empirical_frequencies_match_pi(
        self, frame: DrawFrame, make_item: Callable[..., CheckItem]
    ) -> None:
        """Over 2,000 public seeds each object's selection count lies in its binomial acceptance interval.

        For object i with 0 < π_i < 1 the count over n = 2,000 independent seeds is Binomial(n, π_i) if
        SHA-256 behaves as a random function. Each interval is the exact binomial central interval of
        level 1 − α/m, α = 1e-6, m the number of such objects (Bonferroni), so the chance that this test
        fails although the draw is correct is at most 1e-6. Seeds are fixed ("seed-0" ... "seed-1999").
        """
        from scipy.stats import binom

        item = make_item(ratio=Fraction(1, 4))
        table = inclusion_probabilities(frame, item)
        n = 2000
        counts = np.zeros(len(table), dtype=np.int64)
        for k in range(n):
            mask, _ = select(table, PublicSeedSource(f"seed-{k}"), "STAT|2027|round=1")
            counts += mask
        pi = table.numerators / DENOMINATOR
        inner = (pi > 0) & (pi < 1)
        m = int(inner.sum())
        alpha = 1e-6 / m
        lo = binom.ppf(alpha / 2, n, pi[inner])
        hi = binom.isf(alpha / 2, n, pi[inner])
        assert bool(np.all((counts[inner] >= lo) & (counts[inner] <= hi)))
        assert bool(np.all(counts[pi == 1] == n))
        assert bool(np.all(counts[pi == 0] == 0))


class TestSimulationPath:
    def test_numpy_select_keeps_the_guarantees(
        self, frame: DrawFrame, make_item: Callable[..., CheckItem]
    ) -> None:
        """The NumpySource fast path draws mandatory objects and floor/ceil per stratum, deterministically."""
        table = inclusion_probabilities(frame, make_item(ratio=Fraction(1, 5)))
        expected = table.expected_by_stratum()
        for r in range(30):
            mask, start = select(table, NumpySource(r), "sim")
            assert bool(np.all(mask[table.numerators == DENOMINATOR]))
            for h, label in enumerate(table.frame.stratum_labels):
                got = int(mask[table.frame.stratum_codes == h].sum())
                assert math.floor(expected[label]) <= got <= math.ceil(expected[label])
            again, start_again = select(table, NumpySource(r), "sim")
            assert bool(np.all(mask == again))
            assert start == start_again

    @pytest.mark.statistical
    def test_numpy_frequencies_match_pi(self, frame: DrawFrame, make_item: Callable[..., CheckItem]) -> None:
        """Over 4,000 NumpySource replications each count lies in its binomial acceptance interval.

        Counts are Binomial(4000, π_i) for objects with 0 < π_i < 1; exact central intervals at level
        1 − 1e-6/m (Bonferroni over the m such objects) bound the false-failure rate by 1e-6.
        Entropies 0..3999.
        """
        from scipy.stats import binom

        table = inclusion_probabilities(frame, make_item(ratio=Fraction(1, 3)))
        n = 4000
        counts = np.zeros(len(table), dtype=np.int64)
        for r in range(n):
            counts += select(table, NumpySource(r), "sim")[0]
        pi = table.numerators / DENOMINATOR
        inner = (pi > 0) & (pi < 1)
        alpha = 1e-6 / int(inner.sum())
        lo = binom.ppf(alpha / 2, n, pi[inner])
        hi = binom.isf(alpha / 2, n, pi[inner])
        assert bool(np.all((counts[inner] >= lo) & (counts[inner] <= hi)))


class TestStrategies:
    @given(public_seeds())
    def test_public_seeds_are_valid(self, seed: str) -> None:
        """Every generated seed is accepted by PublicSeedSource."""
        assert PublicSeedSource(seed).seed

    @settings(deadline=None, max_examples=20)
    @given(draw_frames(max_size=10), check_items(capped=True))
    def test_frames_and_items(self, frame: DrawFrame, item: CheckItem) -> None:
        """Generated frames are canonical and generated capped items carry a cap."""
        assert bool(np.all(frame.ids[1:] > frame.ids[:-1]))
        assert item.cap is not None


class TestSimulationDigests:
    def test_simulation_record_skips_digests_and_verifies(
        self, frame: DrawFrame, make_item: Callable[..., CheckItem]
    ) -> None:
        """A NumpySource draw carries no frame/table digest, round-trips through JSON and verifies."""
        record = draw(frame, make_item(), NumpySource(np.random.SeedSequence([1, 2], spawn_key=(5,))))
        assert record.commitment.frame_digest is None
        assert record.commitment.table_digest is None
        again = DrawRecord.from_json_dict(record.to_json_dict())
        assert again == record
        verify(again, frame)

    def test_simulation_record_selects_as_with_digests(
        self, frame: DrawFrame, make_item: Callable[..., CheckItem]
    ) -> None:
        """Skipping the digests changes nothing else: the selection and counts are those of select()."""
        item = make_item()
        record = draw(frame, item, NumpySource(4))
        table = inclusion_probabilities(frame, item)
        mask, start = select(table, NumpySource(4), record.context)
        assert record.start == start
        assert record.selected_ids == tuple(table.ids[mask].tolist())

    def test_simulation_with_commitment_keeps_digests(
        self, frame: DrawFrame, make_item: Callable[..., CheckItem]
    ) -> None:
        """Given a commitment to check, a NumpySource draw computes the digests and the check still runs."""
        item = make_item()
        c = commit(frame, item)
        record = draw(frame, item, NumpySource(4), commitment=c)
        assert record.commitment == c

    def test_public_record_without_digests_is_refused(self, record: DrawRecord, frame: DrawFrame) -> None:
        """A public-seed record whose digests were removed fails verification as a changed commitment."""
        stripped = attrs.evolve(record, commitment=attrs.evolve(record.commitment, frame_digest=None))
        with pytest.raises(CommitmentMismatchError, match="no frame or table digest"):
            verify(stripped, frame)

    def test_changed_frame_is_caught_without_digests(
        self, frame: DrawFrame, make_item: Callable[..., CheckItem]
    ) -> None:
        """A simulation record re-run on a frame with one object more fails as FrameChangedError."""
        record = draw(frame, make_item(), NumpySource(2))
        bigger = one_object_more(frame)
        with pytest.raises(FrameChangedError):
            verify(record, bigger)


@pytest.mark.usefixtures("verify_modes")
class TestPrivacy:
    """The public record names no case, referral or complaint; auditors re-run it with the opening."""

    def test_reasons_are_digests(self, record: DrawRecord, frame: DrawFrame) -> None:
        """The public commitment holds salted reason digests, not the id lists; the opening opens them."""
        from randinspect.draw import check_reason

        public = record.commitment.policy
        text = json.dumps(record.to_json_dict(), ensure_ascii=False)
        for name in ("key_ids", "filed_case_ids", "referral_ids", "complaint_ids", "reason_salt"):
            assert name not in public
        assert '"9152000003Q"' not in json.dumps(public)
        assert len(public["reasons"]) >= 2
        opened = record.open_reasons("9152000003Q")
        assert [o["reason"] for o in opened] == ["filed_case_ids"]
        assert all(check_reason(public, o) for o in opened)
        forged = {**opened[0], "reason": "referral_ids"}
        assert not check_reason(public, forged)
        assert "reason_salt" not in text

    def test_public_verify_needs_the_opening(self, record: DrawRecord, frame: DrawFrame) -> None:
        """Without the opening a draw with reasons cannot be re-run; with it, it reproduces bit for bit."""
        public = DrawRecord.from_json_dict(record.to_json_dict())
        with pytest.raises(OpeningRequiredError, match=r"opening.*checked without it.*seed.*counts") as info:
            verify(public, frame, expected_seed="6 2 8 3 1 8")
        assert not isinstance(info.value, VerificationError)
        assert verify(public, frame, opening=record.opening_json_dict()) == record
        wrong = dict(record.opening or {})
        wrong["filed_case_ids"] = ["9152000003Q"]
        with pytest.raises(VerificationError):
            verify(public, frame, opening=wrong)

    @pytest.mark.parametrize(
        "change",
        ["drop one", "foreign id", "wrong stratum", "start", "seed", "drop key", "counts", "directory"],
    )
    def test_checks_without_the_opening_catch_tampering(
        self, record: DrawRecord, frame: DrawFrame, change: str
    ) -> None:
        """What can be checked without the opening is checked: tampering there is a VerificationError."""
        public = DrawRecord.from_json_dict(record.to_json_dict())
        selected = list(public.selected)
        key_id = frame.ids[frame.key][0]
        expected_seed = None
        directory: DrawFrame = frame
        if change == "drop one":
            changed = attrs.evolve(public, selected=tuple(s for s in selected if s.id != selected[-1].id))
        elif change == "foreign id":
            changed = attrs.evolve(public, selected=(*selected[:-1], attrs.evolve(selected[-1], id="ZZZ")))
        elif change == "wrong stratum":
            other = next(h for h in frame.stratum_labels if h != selected[0].stratum)
            changed = attrs.evolve(public, selected=(attrs.evolve(selected[0], stratum=other), *selected[1:]))
        elif change == "start":
            changed = attrs.evolve(public, start=(public.start + 1) % DENOMINATOR)
        elif change == "seed":
            changed, expected_seed = public, "another seed"
        elif change == "drop key":
            changed = attrs.evolve(public, selected=tuple(s for s in selected if s.id != key_id))
            counts = copy.deepcopy(dict(public.counts))
            counts["total"] -= 1
            counts["by_tier"]["key"] -= 1
            counts["by_stratum"][next(s.stratum for s in selected if s.id == key_id)] -= 1
            changed = attrs.evolve(changed, counts=counts)
        elif change == "counts":
            counts = copy.deepcopy(dict(public.counts))
            counts["total"] += 1
            changed = attrs.evolve(public, counts=counts)
        else:
            changed = public
            directory = attrs.evolve(frame, directory_digest="0" * 64)
            changed = attrs.evolve(
                public, commitment=attrs.evolve(public.commitment, directory_digest="1" * 64)
            )
        with pytest.raises(VerificationError):
            verify(changed, directory, expected_seed=expected_seed)

    @settings(deadline=None, max_examples=25)
    @given(st.sampled_from(["public", "auditors"]), st.integers(0, 2**31))
    def test_disclosure(self, disclosure: str, seed: int) -> None:
        """Under 'auditors' the public record lists drawn objects by id and stratum only; it verifies."""
        frame = DrawFrame.from_arrays(
            ids=[f"O{i:02d}" for i in range(30)],
            credit=["A", "B", "C", "D", "B", "B"] * 5,
            risk=["low", "high", "medium"] * 10,
        )
        item = CheckItem(
            id="I-1", name="n", department="D", year=2027, scope={}, ratio="1/5", legal_basis=["law"]
        )
        policy = TieredPolicy(disclosure=disclosure, filed_case_ids=["O03"])  # type: ignore[arg-type]
        record = draw(frame, item, str(seed), policy=policy)
        rows = record.to_json_dict()["selected"]
        if disclosure == "auditors":
            assert all(set(r) == {"id", "stratum"} for r in rows)
        else:
            assert all({"tier", "pi", "pi_numerator"} <= set(r) for r in rows)
        public = DrawRecord.from_json_dict(record.to_json_dict())
        assert verify(public, frame, opening=record.opening).selected_ids == record.selected_ids


class TestSmallThings:
    def test_int_seed_is_a_typed_error(self, frame: DrawFrame, make_item: Callable[..., CheckItem]) -> None:
        """draw(objects, item, 12345) raises SeedError saying to pass text or a RandomSource."""
        from randinspect.errors import SeedError

        with pytest.raises(SeedError, match="'12345'"):
            draw(frame, make_item(), 12345)  # type: ignore[arg-type]

    def test_mismatch_names_what_changed(self, frame: DrawFrame, make_item: Callable[..., CheckItem]) -> None:
        """A commitment mismatch says which committed part changed (here the item and the π table)."""
        c = commit(frame, make_item(ratio=Fraction(1, 5)))
        with pytest.raises(CommitmentMismatchError, match="π table, item"):
            draw(frame, make_item(ratio=Fraction(1, 4)), "1", commitment=c)

    def test_record_digest_is_cached(self, record: DrawRecord) -> None:
        """record_digest is computed once per record and equals the canonical digest."""
        first = record.record_digest
        assert record.record_digest is first
        assert first == canonical_digest(record.to_json_dict())

    def test_verify_with_a_frame_from_arrays(self, city: Any, make_item: Callable[..., CheckItem]) -> None:
        """A directory draw verifies against the same frame built from arrays; a changed frame still fails."""
        item = make_item(ratio=Fraction(1, 8))
        record = draw(city.objects, item, "5 5 5")
        f = DrawFrame.from_directory(city.objects, item)
        columns = {"ids": f.ids, "strata": f.strata, "credit": f.credit, "risk": f.risk, "key": f.key}
        assert verify(record, DrawFrame.from_arrays(**columns)) == record
        credit = f.credit.copy()
        credit[0] = "D" if credit[0] != "D" else "A"
        with pytest.raises(ProbabilitiesChangedError):
            verify(record, DrawFrame.from_arrays(**{**columns, "credit": credit}))
