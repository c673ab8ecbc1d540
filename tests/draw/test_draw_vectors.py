"""Tests of the published draw test vectors (tests/draw/vectors/draw_vectors.json).

Each vector is checked twice: against the library, and against a plain re-computation of the spec
(hashlib and integer arithmetic), so the file documents the spec rather than only the implementation.
"""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from randinspect.draw import (
    ALGORITHM_VERSION,
    DENOMINATOR,
    DrawFrame,
    DrawRecord,
    PublicSeedSource,
    canonical_json,
    decimal_string,
    draw,
    inclusion_probabilities,
    policy_from_dict,
    ticket_bytes,
    verify,
)
from randinspect.items import CheckItem

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "vectors" / "draw_vectors.json").read_text(encoding="utf-8")
)


def spec_ticket(seed: str, context: str, object_id: str) -> str:
    """First 16 hex digits of SHA-256(SHA-256(seed) ‖ context ‖ 0x1F ‖ id), straight from the spec."""
    seed_digest = hashlib.sha256(unicodedata.normalize("NFC", seed).strip().encode("utf-8")).digest()
    message = (
        seed_digest
        + unicodedata.normalize("NFC", context).encode("utf-8")
        + b"\x1f"
        + unicodedata.normalize("NFC", object_id).encode("utf-8")
    )
    return hashlib.sha256(message).hexdigest()[:16]


def spec_select(order: list[str], numerators: dict[str, int], start: int) -> list[str]:
    """Systematic selection by plain integer arithmetic: a lattice point u + kD in [C_{i-1}, C_i)."""
    chosen, before = [], 0
    for object_id in order:
        after = before + numerators[object_id]
        k = max(0, -(-(before - start) // DENOMINATOR))  # smallest k with start + kD >= before
        if start + k * DENOMINATOR < after:
            chosen.append(object_id)
        before = after
    return sorted(chosen)


def frame_of(case: dict[str, Any]) -> DrawFrame:
    """The case's frame."""
    rows = case["frame"]
    return DrawFrame.from_arrays(
        ids=[r["id"] for r in rows],
        strata=[r["stratum"] for r in rows],
        credit=[r["credit"] for r in rows],
        risk=[r["risk"] for r in rows],
        key=[r["key"] for r in rows],
    )


class TestTicketVectors:
    @pytest.mark.parametrize("vector", VECTORS["tickets"], ids=lambda v: v["id"])
    def test_ticket(self, vector: dict[str, Any]) -> None:
        """The ticket matches the spec computation, the library and the stored message bytes."""
        assert spec_ticket(vector["seed"], vector["context"], vector["id"]) == vector["ticket_hex"]
        got = PublicSeedSource(vector["seed"]).tickets(vector["context"], [vector["id"]])[0]
        assert f"{int(got):016x}" == vector["ticket_hex"]
        assert str(int(got)) == vector["ticket"]
        assert ticket_bytes(vector["seed"], vector["context"], vector["id"]).hex() == vector["message_hex"]
        assert hashlib.sha256(bytes.fromhex(vector["message_hex"])).hexdigest() == vector["sha256"]

    @pytest.mark.parametrize("vector", VECTORS["integer_below"], ids=lambda v: v["context"])
    def test_integer_below(self, vector: dict[str, Any]) -> None:
        """Starts reproduce; for D = 2**32 the start is the last 8 hex digits of the counter-0 hash."""
        source = PublicSeedSource(vector["seed"])
        assert source.integer_below(vector["context"], vector["bound"]) == vector["value"]
        if vector["bound"] == DENOMINATOR:
            seed_digest = hashlib.sha256(vector["seed"].encode()).digest()
            h = hashlib.sha256(seed_digest + vector["context"].encode() + b"\x1f0").hexdigest()
            assert int(h[-8:], 16) == vector["value"]

    def test_uniforms(self) -> None:
        """The uniform stream reproduces."""
        u = VECTORS["uniforms"]
        got = PublicSeedSource(u["seed"]).uniforms(u["context"], len(u["values"]))
        assert [repr(float(x)) for x in got] == u["values"]

    @pytest.mark.parametrize("vector", VECTORS["decimal"], ids=lambda v: str(v["numerator"]))
    def test_decimal(self, vector: dict[str, Any]) -> None:
        """π decimal strings are exact."""
        assert decimal_string(vector["numerator"]) == vector["pi"]


class TestSelectionVectors:
    @pytest.mark.parametrize("case", VECTORS["selections"], ids=lambda c: c["name"])
    def test_table(self, case: dict[str, Any]) -> None:
        """The π table reproduces from the item and the stored policy parameters."""
        frame = frame_of(case)
        item = CheckItem.from_dict(case["item"])
        table = inclusion_probabilities(frame, item, policy_from_dict(case["policy"]), round=case["round"])
        assert table.to_records() == [
            {**row, "stratum": s} for row, s in zip(case["table"], frame.strata.tolist(), strict=True)
        ]
        assert table.digest == case["table_digest"]
        assert frame.digest == case["frame_digest"]
        for row in case["table"]:
            assert Fraction(row["pi"]) == Fraction(row["pi_numerator"], DENOMINATOR)

    @pytest.mark.parametrize("case", VECTORS["selections"], ids=lambda c: c["name"])
    def test_selection_by_hand(self, case: dict[str, Any]) -> None:
        """Tickets, order, cumulative sums and the selection follow from the spec by plain arithmetic."""
        strata = {r["id"]: r["stratum"] for r in case["frame"]}
        tickets = {i: spec_ticket(case["seed"], case["context"], i) for i in strata}
        assert tickets == case["tickets"]
        order = sorted(strata, key=lambda i: (strata[i], tickets[i], i))
        assert order == case["order"]
        numerators = {row["id"]: row["pi_numerator"] for row in case["table"]}
        running, cum = 0, []
        for i in order:
            running += numerators[i]
            cum.append(running)
        assert cum == case["cumulative"]
        seed_digest = hashlib.sha256(unicodedata.normalize("NFC", case["seed"]).strip().encode()).digest()
        if case.get("starts") is not None:
            # Independent units: each stratum is a line of its own with the start of context|start|stratum.
            chosen: list[str] = []
            for stratum, start in case["starts"].items():
                h = hashlib.sha256(seed_digest + f"{case['context']}|start|{stratum}".encode() + b"\x1f0")
                assert int(h.hexdigest()[-8:], 16) == start
                line = [i for i in order if strata[i] == stratum]
                chosen += spec_select(line, numerators, start)
            assert sorted(chosen) == case["selected"]
            return
        start_hash = hashlib.sha256(
            seed_digest + (case["context"] + "|start").encode() + b"\x1f0"
        ).hexdigest()
        assert int(start_hash[-8:], 16) == case["start"]
        assert spec_select(order, numerators, case["start"]) == case["selected"]

    @pytest.mark.parametrize(
        "case", [c for c in VECTORS["selections"] if c["item"]["cap"] is not None], ids=lambda c: c["name"]
    )
    def test_cap_bound_by_hand(self, case: dict[str, Any]) -> None:
        """By integer arithmetic Σa ≤ floor(cap × N)·D, and at most floor(cap × N) objects are selected."""
        item = CheckItem.from_dict(case["item"])
        assert item.cap is not None
        limit = math.floor(item.cap * len(case["frame"]))
        total = sum(row["pi_numerator"] for row in case["table"])
        assert total == case["cumulative"][-1]
        assert total <= limit * DENOMINATOR
        assert len(case["selected"]) <= limit

    @pytest.mark.parametrize("case", VECTORS["selections"], ids=lambda c: c["name"])
    def test_library_draw(self, case: dict[str, Any]) -> None:
        """draw() reproduces the selection, counts and digests."""
        frame = frame_of(case)
        item = CheckItem.from_dict(case["item"])
        record = draw(frame, item, case["seed"], policy=policy_from_dict(case["policy"]), round=case["round"])
        assert list(record.selected_ids) == case["selected"]
        assert record.start == case["start"]
        assert record.counts == case["counts"]
        assert record.commitment.digest == case["commitment_digest"]
        assert record.record_digest == case["record_digest"]

    def test_header(self) -> None:
        """The file states the versions and the denominator."""
        assert VECTORS["format"] == "randinspect-draw-vectors"
        assert (VECTORS["algorithm_version"], VECTORS["ticket_version"], VECTORS["denominator"]) == (
            ALGORITHM_VERSION,
            1,
            2**32,
        )

    @pytest.mark.parametrize("case", VECTORS["selections"], ids=lambda c: c["name"])
    def test_commitment_digest_by_hand(self, case: dict[str, Any]) -> None:
        """The commitment's digest is SHA-256 of the canonical JSON of its fields without ``digest``."""
        body = {k: v for k, v in case["commitment"].items() if k != "digest"}
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert text == case["commitment_canonical_json"]
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == case["commitment_digest"]
        assert case["commitment"]["digest"] == case["commitment_digest"]
        record_text = json.dumps(case["record"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(record_text.encode("utf-8")).hexdigest() == case["record_digest"]
        assert DrawRecord.from_json_dict(case["record"]).record_digest == case["record_digest"]


class TestCanonicalJsonVectors:
    @pytest.mark.parametrize("vector", VECTORS["canonical_json"], ids=lambda v: v["canonical"][:20])
    def test_canonical(self, vector: dict[str, Any]) -> None:
        """Canonical JSON is json.dumps with sorted keys, no white space and UTF-8 (no escapes)."""
        assert canonical_json(vector["value"]).decode("utf-8") == vector["canonical"]
        text = json.dumps(vector["value"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert text == vector["canonical"]


V1_DIR = Path(__file__).parent / "vectors" / "v1"


class TestVersionOneRecords:
    """Records of draw algorithm version 1 still verify, by the version 1 rules."""

    @pytest.mark.parametrize(
        "case",
        json.loads((V1_DIR / "records_v1.json").read_text(encoding="utf-8"))["records"],
        ids=lambda c: c["name"],
    )
    def test_v1_record_verifies(self, case: dict[str, Any]) -> None:
        """A stored version 1 record re-runs bit for bit; under version 2 rules its π table would differ."""
        record = DrawRecord.from_json_dict(case["record"])
        assert record.version == 1
        frame = frame_of(case)
        again = verify(record, frame)
        assert again.to_json_dict() == case["record"]

    def test_v1_demo_city_records_verify(self) -> None:
        """Version 1 records drawn from the demo city (complaints, frequency 2) still verify."""
        from randinspect.datasets import demo_city

        data = json.loads((V1_DIR / "records_v1_demo_city.json").read_text(encoding="utf-8"))
        directory = demo_city(n_objects=3000, seed=7).objects
        for case in data["records"]:
            record = DrawRecord.from_json_dict(case["record"])
            if record.commitment.directory_digest != directory.digest:
                pytest.skip("the demo-city generator changed since these records were made")
            assert verify(record, directory).to_json_dict() == case["record"]

    def test_v1_vectors_reproduce(self) -> None:
        """The version 1 selection vectors reproduce with the version 1 policy rules."""
        old = json.loads((V1_DIR / "draw_vectors_v1.json").read_text(encoding="utf-8"))
        assert old["algorithm_version"] == 1
        for case in old["selections"]:
            frame = frame_of(case)
            item = CheckItem.from_dict(case["item"])
            policy = policy_from_dict(case["policy"], version=1)
            record = draw(frame, item, case["seed"], policy=policy, round=case["round"])
            assert list(record.selected_ids) == case["selected"]
            assert record.commitment.digest == case["commitment_digest"]
            assert record.record_digest == case["record_digest"]


class TestReasonDigestVectors:
    @pytest.mark.parametrize("vector", VECTORS["reason_digests"], ids=lambda v: v["reason"])
    def test_by_hand(self, vector: dict[str, Any]) -> None:
        """object_salt = SHA256(salt ‖ 0x1F ‖ id); digest = SHA256(object_salt ‖ reason ‖ 0x1F ‖ id)."""
        ob = hashlib.sha256(vector["salt"].encode() + b"\x1f" + vector["id"].encode()).digest()
        assert ob.hex() == vector["object_salt"]
        digest = hashlib.sha256(ob + vector["reason"].encode() + b"\x1f" + vector["id"].encode()).hexdigest()
        assert digest == vector["digest"]
