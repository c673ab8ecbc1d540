"""Tests of randinspect.draw random sources: seeds, public-seed tickets and the numpy simulation source."""

from __future__ import annotations

import hashlib
import itertools
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.draw import (
    NumpySource,
    PublicSeedSource,
    normalise_context,
    normalise_seed,
    seed_digest,
    ticket_bytes,
)
from randinspect.errors import InputError, SeedError
from randinspect.testing._draw import public_seeds
from randinspect.typing import RandomSource

ids_strategy = st.lists(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12),
    min_size=1,
    max_size=30,
    unique=True,
)


def reference_ticket(seed: str, context: str, object_id: str) -> int:
    """The ticket computed straight from the spec with hashlib."""
    digest = hashlib.sha256(unicodedata.normalize("NFC", seed).strip().encode("utf-8")).digest()
    message = (
        digest
        + unicodedata.normalize("NFC", context).encode("utf-8")
        + b"\x1f"
        + unicodedata.normalize("NFC", object_id).encode()
    )
    return int.from_bytes(hashlib.sha256(message).digest()[:8], "big")


class TestNormaliseSeed:
    def test_strips_and_normalises(self) -> None:
        """Surrounding white space goes, inner spaces stay and the text is NFC-normalised."""
        assert normalise_seed("  3 1 4\n") == "3 1 4"
        assert normalise_seed("e\u0301") == "\u00e9"

    @pytest.mark.parametrize("bad", ["", "   ", "\n\t"])
    def test_rejects_empty(self, bad: str) -> None:
        """An empty seed is refused with a reason."""
        with pytest.raises(SeedError, match="empty"):
            normalise_seed(bad)

    def test_rejects_control_characters(self) -> None:
        """A seed with a control character inside is refused, naming the character."""
        with pytest.raises(SeedError, match="U\\+0009"):
            normalise_seed("12\t34")

    def test_rejects_non_strings(self) -> None:
        """A seed that is not text (an int) is refused; numbers must be written as text."""
        with pytest.raises(SeedError, match="string"):
            normalise_seed(1234)

    def test_rejects_overlong(self) -> None:
        """A seed longer than 1024 characters is refused."""
        with pytest.raises(SeedError, match="1024"):
            normalise_seed("7" * 1025)

    @given(public_seeds())
    def test_idempotent(self, seed: str) -> None:
        """Normalising twice gives the same seed."""
        once = normalise_seed(seed)
        assert normalise_seed(once) == once

    def test_digest_is_sha256_of_utf8(self) -> None:
        """The seed digest is SHA-256 of the UTF-8 bytes of the normalised seed."""
        assert seed_digest(" 双色球 ") == hashlib.sha256("双色球".encode()).digest()


class TestPublicSeedSource:
    def test_conforms_to_protocol(self) -> None:
        """PublicSeedSource is a verifiable RandomSource."""
        source = PublicSeedSource("1")
        assert isinstance(source, RandomSource)
        assert source.verifiable is True

    @settings(max_examples=40)
    @given(
        public_seeds(),
        st.text(st.characters(codec="utf-8", categories=("L", "N", "P")), min_size=1),
        ids_strategy,
    )
    def test_tickets_follow_the_spec(self, seed: str, context: str, ids: list[str]) -> None:
        """Every ticket equals the first 8 bytes (big-endian) of SHA-256 over the spec's byte layout."""
        tickets = PublicSeedSource(seed).tickets(context, np.asarray(ids, dtype=object))
        assert [int(t) for t in tickets] == [reference_ticket(seed, context, i) for i in ids]

    @settings(max_examples=40)
    @given(ids_strategy, st.randoms(use_true_random=False))
    def test_tickets_do_not_depend_on_order(self, ids: list[str], rnd: object) -> None:
        """A ticket depends only on its id, never on the other ids or their order."""
        source = PublicSeedSource("2027")
        shuffled = list(ids)
        rnd.shuffle(shuffled)  # type: ignore[attr-defined]
        first = dict(zip(ids, source.tickets("c", ids).tolist(), strict=True))
        second = dict(zip(shuffled, source.tickets("c", shuffled).tolist(), strict=True))
        assert first == second

    def test_ticket_bytes_layout(self) -> None:
        """ticket_bytes is seed digest ‖ context ‖ 0x1F ‖ id."""
        message = ticket_bytes("42", "ITEM|2027|round=1", "A")
        assert message == hashlib.sha256(b"42").digest() + b"ITEM|2027|round=1\x1fA"

    def test_nfc_ids_and_contexts(self) -> None:
        """Decomposed and composed spellings of an id or context give the same ticket."""
        source = PublicSeedSource("s")
        assert source.tickets("caf\u00e9", ["\u00e9"])[0] == source.tickets("cafe\u0301", ["e\u0301"])[0]

    def test_contexts_are_independent(self) -> None:
        """Different contexts give different tickets for the same id."""
        source = PublicSeedSource("s")
        assert source.tickets("a", ["x"])[0] != source.tickets("b", ["x"])[0]

    @pytest.mark.parametrize("context", ["", "a\x1fb", "line\nbreak"])
    def test_rejects_bad_contexts(self, context: str) -> None:
        """Empty contexts and contexts with control characters (the separator) are refused."""
        with pytest.raises(InputError):
            PublicSeedSource("s").tickets(context, ["x"])

    def test_rejects_empty_ids(self) -> None:
        """An empty id is refused, naming its position."""
        with pytest.raises(InputError, match="position 1"):
            PublicSeedSource("s").tickets("c", ["a", ""])

    def test_empty_id_list(self) -> None:
        """No ids give no tickets."""
        assert PublicSeedSource("s").tickets("c", []).shape == (0,)

    def test_uniforms_are_tickets_of_counters(self) -> None:
        """Uniform k is (ticket of id str(k)) >> 11 over 2**53."""
        source = PublicSeedSource("s")
        u = source.uniforms("c", 5)
        expected = [(reference_ticket("s", "c", str(k)) >> 11) / 2**53 for k in range(5)]
        assert u.tolist() == expected
        assert bool(np.all((u >= 0) & (u < 1)))

    @pytest.mark.parametrize("bound", [1, 2, 7, 1000, 2**32, 2**64 + 13])
    def test_integer_below_in_range(self, bound: int) -> None:
        """integer_below returns a value in [0, bound)."""
        value = PublicSeedSource("s").integer_below("c|start", bound)
        assert 0 <= value < bound

    def test_integer_below_power_of_two_is_last_bytes(self) -> None:
        """For bound 2**32 the value is the last 4 bytes of SHA-256(seed digest ‖ context ‖ 0x1F ‖ '0')."""
        digest = hashlib.sha256(hashlib.sha256(b"s").digest() + b"c|start\x1f0").digest()
        assert PublicSeedSource("s").integer_below("c|start", 2**32) == int.from_bytes(digest[-4:], "big")

    @pytest.mark.parametrize("bound", [0, -3, True])
    def test_integer_below_rejects_bad_bounds(self, bound: int) -> None:
        """A bound below 1 (or a bool) is refused."""
        with pytest.raises(InputError):
            PublicSeedSource("s").integer_below("c", bound)

    def test_describe(self) -> None:
        """describe() gives the kind, ticket version, seed and seed digest."""
        d = PublicSeedSource(" 7 ").describe()
        assert d == {
            "kind": "public-seed-sha256",
            "version": 1,
            "seed": "7",
            "seed_digest": hashlib.sha256(b"7").hexdigest(),
        }

    def test_repr_shows_seed(self) -> None:
        """The repr shows the (public) seed."""
        assert repr(PublicSeedSource("7")) == "PublicSeedSource(seed='7')"

    def test_normalise_context(self) -> None:
        """normalise_context NFC-normalises and refuses non-strings."""
        assert normalise_context("e\u0301") == "\u00e9"
        with pytest.raises(InputError):
            normalise_context(3)


class TestNumpySource:
    def test_conforms_and_is_not_verifiable(self) -> None:
        """NumpySource is a RandomSource that says it is not verifiable."""
        source = NumpySource(1)
        assert isinstance(source, RandomSource)
        assert source.verifiable is False

    def test_deterministic(self) -> None:
        """The same entropy and context give the same values."""
        a, b = NumpySource(5), NumpySource(np.random.SeedSequence(5))
        assert a.uniforms("c", 4).tolist() == b.uniforms("c", 4).tolist()
        assert a.integer_below("c", 10**6) == b.integer_below("c", 10**6)
        assert a.tickets("c", ["x", "y"]).tolist() == b.tickets("c", ["x", "y"]).tolist()

    @settings(max_examples=30, deadline=None)
    @given(ids_strategy)
    def test_tickets_do_not_depend_on_order(self, ids: list[str]) -> None:
        """NumpySource tickets depend only on the id too."""
        source = NumpySource(3)
        rev = ids[::-1]
        assert dict(zip(ids, source.tickets("c", ids).tolist(), strict=True)) == dict(
            zip(rev, source.tickets("c", rev).tolist(), strict=True)
        )

    def test_contexts_differ(self) -> None:
        """Different contexts give different streams."""
        source = NumpySource(3)
        assert source.uniforms("a", 3).tolist() != source.uniforms("b", 3).tolist()

    @pytest.mark.parametrize("seed", [-1, "12", 1.5, True])
    def test_rejects_bad_seeds(self, seed: object) -> None:
        """Negative, text, float and bool seeds are refused."""
        with pytest.raises(SeedError):
            NumpySource(seed)

    def test_integer_below_bounds(self) -> None:
        """integer_below works up to 2**64 and refuses larger bounds."""
        source = NumpySource(1)
        assert 0 <= source.integer_below("c", 2**64) < 2**64
        with pytest.raises(InputError):
            source.integer_below("c", 2**64 + 1)

    def test_describe(self) -> None:
        """describe() records the entropy as a string and the numpy version."""
        d = NumpySource(9).describe()
        assert d["kind"] == "numpy-philox"
        assert d["entropy"] == "9"
        assert d["numpy"] == np.__version__

    def test_uniform_range(self) -> None:
        """Uniforms lie in [0, 1)."""
        u = NumpySource(2).uniforms("c", 1000)
        assert bool(np.all((u >= 0) & (u < 1)))


@st.composite
def grouped_values(draw: st.DrawFn) -> tuple[np.ndarray, list[int]]:
    """Values and group bounds: up to 12 groups of 0-80 values, so both paths of shuffle_groups (a
    shuffle per group, or one permutation regrouped when the groups average under 32 values) are hit."""
    sizes = draw(st.lists(st.integers(0, 80), min_size=1, max_size=12))
    bounds = [0, *np.cumsum(sizes).tolist()]
    values = np.asarray(
        draw(st.lists(st.integers(-(2**40), 2**40), min_size=bounds[-1], max_size=bounds[-1]))
    )
    return values.astype(np.int64), bounds


def _order_cells(out: np.ndarray, groups: list[tuple[int, int]]) -> int:
    """The joint order of the values 0, 1, 2 in each of the given 3-value groups, as one cell number."""
    cell = 0
    for lo, hi in groups:
        cell = cell * 6 + _ORDERS.index(tuple(out[lo:hi].tolist()))
    return cell


_ORDERS = [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]


class TestShuffleGroups:
    @settings(max_examples=60, deadline=None)
    @given(grouped_values(), st.integers(0, 2**32))
    def test_each_group_is_permuted_in_place(self, case: tuple[np.ndarray, list[int]], entropy: int) -> None:
        """Every group keeps its own values (a permutation of them) in its own slots; the input is left
        as it was; the same source and context give the same order."""
        values, bounds = case
        before = values.copy()
        source = NumpySource(entropy)
        out = source.shuffle_groups("sim|1", values, bounds)
        assert np.array_equal(values, before)
        assert out.dtype == values.dtype
        assert out.shape == values.shape
        for lo, hi in itertools.pairwise(bounds):
            assert sorted(out[lo:hi].tolist()) == sorted(values[lo:hi].tolist())
        assert np.array_equal(out, NumpySource(entropy).shuffle_groups("sim|1", values, bounds))

    @pytest.mark.statistical
    @pytest.mark.parametrize(
        "bounds",
        [[0, 3, 6], [0, 3, 6, 200]],
        ids=["small groups: one permutation", "large groups: a shuffle per group"],
    )
    def test_orders_are_uniform_and_independent(self, bounds: list[int]) -> None:
        """The joint order of two 3-value groups takes each of its 36 cells with probability 1/36.

        Values 0, 1, 2 in each of the first two groups; 18,000 entropies 0..17,999 give counts that are
        Multinomial(18000, 1/36 each); Pearson's statistic is then χ² with 35 degrees of freedom in the
        limit (expected count 500 per cell), and it is refused above its 1 − 1e-6 quantile: a
        false-failure rate of about 1e-6. The first case takes the one-permutation path (3 values per
        group on average), the second the per-group shuffle (a third group of 194 values).
        """
        from scipy.stats import chi2

        values = np.concatenate([[0, 1, 2, 0, 1, 2], np.arange(3, bounds[-1] - 3)])
        n = 18_000
        counts = np.zeros(36, dtype=np.int64)
        for entropy in range(n):
            out = NumpySource(entropy).shuffle_groups("sim", values, bounds)
            counts[_order_cells(out, [(0, 3), (3, 6)])] += 1
        expected = n / 36
        statistic = float(((counts - expected) ** 2 / expected).sum())
        assert statistic < chi2.isf(1e-6, 35)

    @pytest.mark.parametrize(
        ("values", "bounds"),
        [
            (np.arange(4), [0, 5]),
            (np.arange(4), [1, 4]),
            (np.arange(4), [0, 3, 2, 4]),
            (np.arange(4), []),
            (np.arange(4).reshape(2, 2), [0, 2]),
        ],
    )
    def test_bad_bounds_are_typed_errors(self, values: np.ndarray, bounds: list[int]) -> None:
        """Bounds that do not cut the values into groups, or values not in one dimension, are refused."""
        with pytest.raises(InputError, match=r"shuffle_groups|group bounds"):
            NumpySource(1).shuffle_groups("sim", values, bounds)


entropies = st.one_of(
    st.integers(0, 2**130),
    st.lists(st.integers(0, 2**40), min_size=1, max_size=4),
)


def _stream(source: NumpySource) -> list[object]:
    """Every kind of value a source gives, for comparing two sources."""
    return [
        source.uniforms("c", 4).tolist(),
        source.integer_below("c", 2**40),
        source.tickets("c", ["x", "y"]).tolist(),
        source.permutation("c", 8).tolist(),
        source.shuffle_groups("c", np.arange(8), [0, 3, 8]).tolist(),
    ]


class TestNumpySourceSeeding:
    @settings(max_examples=30, deadline=None)
    @given(entropies, st.integers(2, 5))
    def test_spawned_children_differ(self, entropy: int | list[int], n: int) -> None:
        """Children spawned from one SeedSequence give pairwise different streams, also from the root."""
        root = np.random.SeedSequence(entropy)
        streams = [_stream(NumpySource(child)) for child in root.spawn(n)]
        streams.append(_stream(NumpySource(root)))
        for i in range(len(streams)):
            for j in range(i):
                assert streams[i][0] != streams[j][0]
                assert streams[i][2] != streams[j][2]

    @settings(max_examples=30, deadline=None)
    @given(entropies, st.lists(st.integers(0, 2**32 - 1), max_size=3))
    def test_same_sequence_same_results(self, entropy: int | list[int], key: list[int]) -> None:
        """Two sources from equal sequences (entropy and spawn key) give the same values."""
        a = NumpySource(np.random.SeedSequence(entropy, spawn_key=key))
        b = NumpySource(np.random.SeedSequence(entropy, spawn_key=tuple(key)))
        assert a == b
        assert _stream(a) == _stream(b)

    def test_spawned_child_equals_its_rebuilt_sequence(self) -> None:
        """The k-th spawned child is the sequence with spawn key (k,): one replication can be rebuilt."""
        children = np.random.SeedSequence(2027).spawn(3)
        rebuilt = NumpySource(np.random.SeedSequence(2027, spawn_key=(2,)))
        assert _stream(NumpySource(children[2])) == _stream(rebuilt)

    def test_list_entropy_is_accepted(self) -> None:
        """SeedSequence([a, b]) is honoured: its stream differs from [b, a] and from a alone."""
        ab = NumpySource(np.random.SeedSequence([1, 2]))
        assert ab.entropy == (1, 2)
        assert _stream(ab) != _stream(NumpySource(np.random.SeedSequence([2, 1])))
        assert _stream(ab) != _stream(NumpySource(1))
        assert _stream(ab) == _stream(NumpySource([1, 2]))

    def test_integer_seed_keeps_its_stream(self) -> None:
        """An integer seed gives the stream it gave before spawn keys were honoured."""
        context = "ITEM|2027|round=1"
        digest = hashlib.sha256(context.encode()).digest()
        words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
        expected = np.random.Generator(np.random.Philox(np.random.SeedSequence(7, spawn_key=words))).random(5)
        assert NumpySource(7).uniforms(context, 5).tolist() == expected.tolist()
        assert NumpySource(7) == NumpySource(np.random.SeedSequence(7))

    @pytest.mark.parametrize("kind", [np.random.PCG64, np.random.Philox, np.random.SFC64, np.random.MT19937])
    def test_generators_and_bit_generators(self, kind: type[np.random.BitGenerator]) -> None:
        """A Generator or bit generator is consumed: equal states give equal sources, turns give new ones."""
        g1, g2 = np.random.Generator(kind(11)), np.random.Generator(kind(11))
        first = NumpySource(g1)
        assert _stream(first) == _stream(NumpySource(g2))
        assert _stream(NumpySource(g1)) != _stream(first)
        assert _stream(NumpySource(kind(11))) == _stream(first)

    @settings(max_examples=30, deadline=None)
    @given(entropies, st.lists(st.integers(0, 2**64), max_size=3), st.sampled_from([4, 5, 8]))
    def test_describe_round_trips(self, entropy: int | list[int], key: list[int], pool: int) -> None:
        """from_description(describe()) rebuilds an equal source with the same stream."""
        source = NumpySource(np.random.SeedSequence(entropy, spawn_key=key, pool_size=pool))
        again = NumpySource.from_description(source.describe())
        assert again == source
        assert _stream(again) == _stream(source)

    def test_pickles_for_process_pools(self) -> None:
        """A spawned source survives pickling (sweeps send sources to worker processes) with its stream."""
        import pickle

        source = NumpySource(np.random.SeedSequence([4, 2], spawn_key=(7,)))
        again = pickle.loads(pickle.dumps(source))
        assert again == source
        assert _stream(again) == _stream(source)

    def test_spawned_draws_verify_and_differ(self) -> None:
        """Draws made with spawned sources verify from their records and select different objects."""
        from fractions import Fraction

        from randinspect.directory import Scope
        from randinspect.draw import DrawFrame, draw, verify
        from randinspect.items import CheckItem

        frame = DrawFrame.from_arrays(ids=[f"X{i:04d}" for i in range(400)])
        item = CheckItem(
            id="SIM-1",
            name="sim",
            department="SAMR",
            year=2027,
            scope=Scope(),
            ratio=Fraction(1, 10),
            legal_basis=["test"],
        )
        records = [draw(frame, item, NumpySource(c)) for c in np.random.SeedSequence([3, 9]).spawn(4)]
        for record in records:
            assert "spawn_key" in record.source
            verify(record, frame)
        assert len({r.selected_ids for r in records}) == len(records)

    @pytest.mark.parametrize(
        "seed",
        ["12", 1.5, True, -1, [], [1, -2], ["1"], np.random.RandomState(1), None],
    )
    def test_refuses_other_seeds(self, seed: object) -> None:
        """Text, floats, bools, negative numbers, empty or bad lists, RandomState and None are refused."""
        with pytest.raises(SeedError):
            NumpySource(seed)

    @pytest.mark.parametrize(
        "description",
        [
            {"entropy": []},
            {"entropy": ["1", "x"]},
            {"entropy": "1", "spawn_key": "3"},
            {"entropy": "1", "spawn_key": ["-3"]},
            {"entropy": "1", "pool_size": 2},
            {"entropy": "1", "pool_size": True},
        ],
    )
    def test_malformed_descriptions(self, description: dict[str, object]) -> None:
        """A malformed description is an InputError naming the field."""
        with pytest.raises(InputError, match="numpy source"):
            NumpySource.from_description({"kind": "numpy-philox", **description})
