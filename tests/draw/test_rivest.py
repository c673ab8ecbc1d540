"""Tests of randinspect.draw.rivest: Rivest's sampler.py procedure and its published transcripts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.draw._canonical import canonical_json
from randinspect.draw.rivest import (
    RIVEST_SAMPLER_VERSION,
    rivest_pick,
    rivest_sample,
    rivest_seed,
    rivest_select,
)
from randinspect.errors import ConfigurationError, InputError, SeedError

VECTORS = json.loads(
    (Path(__file__).parent / "vectors" / "rivest_transcripts.json").read_text(encoding="utf-8")
)
CASES: list[dict[str, Any]] = VECTORS["cases"]
REFERENCE = CASES[0]

safe_seeds = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)


def _sample(case: dict[str, Any]) -> Any:
    return rivest_sample(
        case["seed"],
        case["n"],
        case["b"] - case["a"] + 1,
        with_replacement=case["with_replacement"],
        start=case["a"],
        skip=case["skip"],
    )


class TestPublishedTranscripts:
    """The published transcripts of sampler.py are reproduced exactly."""

    def test_vectors_cite_their_sources(self) -> None:
        """Every case names a source that the vectors file describes."""
        assert len(CASES) >= 10
        for case in CASES:
            assert case["source"] in VECTORS["sources"]

    @pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
    def test_original_order(self, case: dict[str, Any]) -> None:
        """The new picks come out in the published order, after the published earlier sample."""
        sample = _sample(case)
        assert list(sample.previous) == case["expected_previous"]
        assert list(sample.original_order) == case["expected"]

    @pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
    def test_sorted_order(self, case: dict[str, Any]) -> None:
        """The sorted list matches the published sorted list."""
        assert list(_sample(case).sorted_order) == case["expected_sorted"]

    def test_reference_seed_lines_join(self) -> None:
        """The four dice lines of the reference example join to its published seed."""
        assert rivest_seed(REFERENCE["seed_lines"]) == REFERENCE["seed"]

    def test_reference_duplicate_rejected(self) -> None:
        """The reference example rejects counter 32 (611 again) and uses 48 counters for 47 picks."""
        sample = _sample(REFERENCE)
        rejected = [{"counter": s.counter, "value": s.value} for s in sample.steps if s.status == "duplicate"]
        assert rejected == REFERENCE["expected_rejected"]
        assert len(sample.steps) == REFERENCE["expected_counters_used"]

    def test_reference_transcript_lines(self) -> None:
        """The generation lines quoted from the reference transcript appear verbatim in ours."""
        lines = _sample(REFERENCE).transcript().splitlines()
        for line in REFERENCE["expected_transcript_lines"]:
            assert line in lines

    def test_reference_list_layout(self) -> None:
        """The unsorted and sorted output lists are laid out as the reference program prints them."""
        assert _sample(REFERENCE).format_lists().split("\n") == REFERENCE["expected_lists_text"]


class TestRivestPick:
    """Each pick is a + SHA-256(seed,i) mod N as the reference describes it."""

    @given(seed=safe_seeds, counter=st.integers(1, 10_000), population=st.integers(1, 10**12))
    def test_pick_matches_hexdigest_formula(self, seed: str, counter: int, population: int) -> None:
        """The pick equals the reference's formula computed by hand from the hex digest."""
        h = int(hashlib.sha256((seed + "," + str(counter)).encode("utf-8")).hexdigest(), 16)
        assert rivest_pick(seed, counter, population) == 1 + h % population

    @given(seed=safe_seeds, n=st.integers(0, 30), population=st.integers(1, 50), start=st.integers(-5, 5))
    def test_with_replacement_is_counter_sequence(
        self, seed: str, n: int, population: int, start: int
    ) -> None:
        """With replacement the sample is the raw picks for counters 1..n."""
        sample = rivest_sample(seed, n, population, with_replacement=True, start=start)
        assert sample.picks == tuple(rivest_pick(seed, i, population, start=start) for i in range(1, n + 1))
        assert all(start <= v <= sample.end for v in sample.picks)

    @settings(max_examples=20)
    @given(seed=safe_seeds)
    def test_seed_used_verbatim(self, seed: str) -> None:
        """rivest_sample uses the seed exactly as given (no stripping or normalisation)."""
        padded = " " + seed
        h = int(hashlib.sha256((padded + ",1").encode("utf-8")).hexdigest(), 16)
        assert rivest_sample(padded, 1, 10**9).picks == (1 + h % 10**9,)


class TestRivestSample:
    """Guarantees of rivest_sample beyond the transcripts."""

    @given(seed=safe_seeds, population=st.integers(1, 40), data=st.data())
    def test_without_replacement_distinct(self, seed: str, population: int, data: st.DataObject) -> None:
        """Without replacement every pick is distinct and inside the range."""
        n = data.draw(st.integers(0, population))
        sample = rivest_sample(seed, n, population)
        assert len(set(sample.picks)) == n
        assert all(1 <= v <= population for v in sample.picks)

    @given(seed=safe_seeds, population=st.integers(1, 40), data=st.data())
    def test_escalation_extends_sample(self, seed: str, population: int, data: st.DataObject) -> None:
        """A larger sample starts with the smaller one, and an expanded sample is its continuation."""
        n = data.draw(st.integers(0, population))
        k = data.draw(st.integers(0, population - n))
        small = rivest_sample(seed, n, population)
        large = rivest_sample(seed, n + k, population)
        expanded = rivest_sample(seed, k, population, skip=n)
        assert large.picks[:n] == small.picks
        assert expanded.previous == small.picks
        assert expanded.previous + expanded.picks == large.picks

    def test_infeasible_sample_refused(self) -> None:
        """Asking for more distinct values than the range holds raises ConfigurationError."""
        with pytest.raises(ConfigurationError, match="cannot draw 11 distinct"):
            rivest_sample("123", 6, 10, skip=5)

    @pytest.mark.parametrize(
        ("kwargs", "error"),
        [
            ({"seed": "", "n": 1, "population": 5}, SeedError),
            ({"seed": "1", "n": -1, "population": 5}, ConfigurationError),
            ({"seed": "1", "n": 1, "population": 0}, ConfigurationError),
            ({"seed": "1", "n": 1, "population": 5, "skip": -1}, ConfigurationError),
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, Any], error: type[Exception]) -> None:
        """Empty seeds, negative sizes and empty ranges raise typed errors."""
        with pytest.raises(error):
            rivest_sample(**kwargs)

    def test_empty_seed_lines_refused(self) -> None:
        """Seed lines that are all blank give a SeedError, not an empty seed."""
        with pytest.raises(SeedError, match="seed is empty"):
            rivest_seed(["  ", ""])

    def test_record_is_canonical_json(self) -> None:
        """The JSON record is canonical-JSON ready and names the reference version."""
        record = _sample(REFERENCE).to_json_dict()
        assert json.loads(canonical_json(record)) == record
        assert record["reference_version"] == RIVEST_SAMPLER_VERSION
        assert record["original_order"] == REFERENCE["expected"]


class TestRivestSelect:
    """Selecting ids from a numbered list."""

    def test_positions_map_to_ids(self) -> None:
        """Pick k selects the k-th id of the list (1-based)."""
        ids = [f"ID{k:04d}" for k in range(1, 877)]
        chosen = rivest_select(REFERENCE["seed"], ids, 5)
        assert chosen == tuple(f"ID{k:04d}" for k in REFERENCE["expected"][:5])

    def test_repeated_ids_refused(self) -> None:
        """A list that numbers an id twice raises InputError."""
        with pytest.raises(InputError, match="repeats an id"):
            rivest_select("123", ["a", "b", "a"], 1)

    def test_empty_list_refused(self) -> None:
        """An empty list raises ConfigurationError."""
        with pytest.raises(ConfigurationError):
            rivest_select("123", [], 0)
