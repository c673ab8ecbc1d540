"""Regenerate ``draw_vectors.json`` (run by hand when the algorithm version changes; not a test).

    python tests/draw/vectors/generate_draw_vectors.py

The ticket vectors are also checked by the tests against a direct hashlib computation of the spec, and
the selection vectors against plain integer arithmetic, so the file is not only a regression snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from fractions import Fraction
from pathlib import Path

import numpy as np

from randinspect.directory import Scope
from randinspect.draw import (
    ALGORITHM_VERSION,
    DENOMINATOR,
    TICKET_VERSION,
    DrawFrame,
    PublicSeedSource,
    SamrMatrix,
    StratifiedPolicy,
    TieredPolicy,
    canonical_json,
    decimal_string,
    draw,
    inclusion_probabilities,
    normalise_seed,
    selection_order,
    ticket_bytes,
)
from randinspect.draw._privacy import object_salt, reason_digest
from randinspect.items import CheckItem

OUT = Path(__file__).with_name("draw_vectors.json")

REFERENCE = dt.date(2027, 1, 1)
"""The reference date of the tiered cases (stated, since the default is the commitment date)."""

SALT = "5a" * 32
"""The reason salt of the vectors (a real draw uses a fresh secret, kept for auditors)."""

TICKET_CASES = [
    ("31415926", "SAMR-2027-001|2027|round=1", "91520102MA6DLXYB2X"),
    ("31415926", "SAMR-2027-001|2027|round=2", "91520102MA6DLXYB2X"),
    ("  2027-01-05 双色球 03 07 12 19 25 31 + 08  ", "SAMR-2027-001|2027|round=1", "92520103MA6H123456"),
    ("cafe\u0301", "ECO-2027-004|2027|round=1", "贵阳市某某餐馆"),
    ("6", "x", "A"),
]


def frame_rows() -> list[dict[str, object]]:
    return [
        {"id": "A01", "stratum": "U1", "credit": "A", "risk": "low", "key": False},
        {"id": "A02", "stratum": "U1", "credit": "B", "risk": "medium", "key": False},
        {"id": "A03", "stratum": "U1", "credit": "C", "risk": "high", "key": False},
        {"id": "A04", "stratum": "U1", "credit": "B", "risk": "low", "key": True},
        {"id": "A05", "stratum": "U1", "credit": "D", "risk": "medium", "key": False},
        {"id": "B01", "stratum": "U2", "credit": "B", "risk": "medium", "key": False},
        {"id": "B02", "stratum": "U2", "credit": "A", "risk": "medium", "key": False},
        {"id": "B03", "stratum": "U2", "credit": "B", "risk": "high", "key": False},
        {"id": "B04", "stratum": "U2", "credit": "C", "risk": "low", "key": False},
        {"id": "B05", "stratum": "U2", "credit": "B", "risk": "medium", "key": False},
        {"id": "B06", "stratum": "U2", "credit": "B", "risk": "low", "key": False},
        {"id": "B07", "stratum": "U2", "credit": "A", "risk": "low", "key": False},
    ]


def frame_from(rows: list[dict[str, object]]) -> DrawFrame:
    return DrawFrame.from_arrays(
        ids=[str(r["id"]) for r in rows],
        strata=[str(r["stratum"]) for r in rows],
        credit=[str(r["credit"]) for r in rows],
        risk=[str(r["risk"]) for r in rows],
        key=[bool(r["key"]) for r in rows],
    )


def selection_case(
    name: str,
    item: CheckItem,
    policy: object,
    seed: str,
    rnd: int = 1,
    rows: list[dict[str, object]] | None = None,
) -> dict[str, object]:
    rows = frame_rows() if rows is None else rows
    frame = frame_from(rows)
    table = inclusion_probabilities(frame, item, policy, round=rnd)  # type: ignore[arg-type]
    record = draw(frame, item, seed, policy=policy, round=rnd)  # type: ignore[arg-type]
    source = PublicSeedSource(seed)
    tickets = source.tickets(record.context, frame.ids)
    order = selection_order(frame.stratum_codes, tickets)
    cum = np.cumsum(table.numerators[order]).tolist()
    return {
        "name": name,
        "item": item.to_dict(),
        "policy": dict(table.policy),
        "frame": rows,
        "round": rnd,
        "seed": seed,
        "context": record.context,
        "table": [
            {"id": i, "tier": t, "pi_numerator": a, "pi": decimal_string(a)}
            for i, t, a in zip(
                frame.ids.tolist(), table.tiers.tolist(), table.numerators.tolist(), strict=True
            )
        ],
        "frame_digest": frame.digest,
        "table_digest": table.digest,
        "tickets": {i: f"{int(t):016x}" for i, t in zip(frame.ids.tolist(), tickets.tolist(), strict=True)},
        "order": frame.ids[order].tolist(),
        "cumulative": cum,
        "start": record.start,
        "starts": None if record.starts is None else dict(record.starts),
        "selected": list(record.selected_ids),
        "counts": dict(record.counts),
        "commitment_digest": record.commitment.digest,
        "record_digest": record.record_digest,
        # The whole commitment and record, so their canonical JSON and digests can be recomputed (spec §5).
        "commitment": record.commitment.to_json_dict(),
        "commitment_canonical_json": canonical_json(
            {k: v for k, v in record.commitment.to_json_dict().items() if k != "digest"}
        ).decode("utf-8"),
        "record": record.to_json_dict(),
    }


def directory_rows() -> list[dict[str, object]]:
    """A small object directory (rows of the demo city, two made dormant) for the scope vectors."""
    from randinspect.datasets import demo_city

    rows = demo_city(n_objects=60, seed=5).objects.to_records()[:24]
    out = []
    for r in rows:
        row = {k: v for k, v in r.items() if not k.startswith("risk@")}
        row["risk@SAMR"] = r["risk@SAMR"]
        row["alive"] = r["id"] not in ("91520103MA160T855L", "92520102847174460D")
        out.append(row)
    return out


SCOPE_CASES = [
    {"regions": ["520102", "520103"], "kinds": ["企业", "个体户"]},
    {"industries": ["C"]},
    {"industries": ["F", "75"], "alive_only": False},
    {"industries": ["c 18", "５２"]},
    {"units": ["520102-SAMR-01", "520103-SAMR-04"]},
    {"tags_any": ["SAMR:food", "HEALTH:public-place"]},
    {"tags_all": ["SAMR:food"], "regions": ["5201"]},
    {"credit": ["b", "C类（信用风险较高）"]},
    {"risk": ["高", "medium"]},
    {"risk": ["H"], "department": "SAMR"},
    {"kinds": []},
]


def scope_vectors() -> tuple[dict[str, object], dict[str, object]]:
    """The scope filter cases over the small directory and a tiered draw whose key tier is its key scope."""
    from randinspect.directory import ObjectDirectory

    rows = directory_rows()
    directory = ObjectDirectory.from_records(rows)
    cases = [
        {"scope": scope, "in_scope": directory.ids[directory.mask(Scope.from_dict(scope))].tolist()}
        for scope in SCOPE_CASES
    ]
    item = CheckItem(
        id="SAMR-2027-010",
        name="食品经营检查",
        department="SAMR",
        year=2027,
        scope=Scope.from_dict(SCOPE_CASES[0]),
        key_scope=Scope(industries=("C",)),
        ratio=Fraction(1, 4),
        legal_basis=["《中华人民共和国食品安全法》"],
    )
    frame = DrawFrame.from_directory(directory, item)
    frame_rows = [
        {
            "id": i,
            "stratum": s,
            "credit": frame.credit_levels[c],
            "risk": frame.risk_levels[k],
            "key": bool(key),
        }
        for i, s, c, k, key in zip(
            frame.ids.tolist(),
            frame.strata.tolist(),
            frame.credit_codes.tolist(),
            frame.risk_codes.tolist(),
            frame.key.tolist(),
            strict=True,
        )
    ]
    case = selection_case(
        "tiered, key scope (industry section C) over the directory of the scope vectors",
        item,
        TieredPolicy(reason_salt=SALT, reference_date=REFERENCE),
        "31415926",
        rows=frame_rows,
    )
    scopes = {
        "directory": rows,
        "directory_canonical_text": "".join(directory.canonical_lines()),
        "directory_digest": directory.digest,
        "cases": cases,
        "draw": case["name"],
    }
    return scopes, case


def main() -> None:
    tickets = []
    for seed, context, object_id in TICKET_CASES:
        message = ticket_bytes(seed, context, object_id)
        digest = hashlib.sha256(message).hexdigest()
        tickets.append(
            {
                "seed": seed,
                "seed_normalised": normalise_seed(seed),
                "seed_digest": hashlib.sha256(normalise_seed(seed).encode("utf-8")).hexdigest(),
                "context": context,
                "id": object_id,
                "message_hex": message.hex(),
                "sha256": digest,
                "ticket_hex": digest[:16],
                "ticket": str(int(digest[:16], 16)),
            }
        )
    starts = []
    for seed, context, bound in [
        ("31415926", "SAMR-2027-001|2027|round=1|start", DENOMINATOR),
        ("31415926", "x|start", 1000),
        ("6", "x|start", 7),
    ]:
        starts.append(
            {
                "seed": seed,
                "context": context,
                "bound": bound,
                "value": PublicSeedSource(seed).integer_below(context, bound),
            }
        )
    uniforms = {
        "seed": "31415926",
        "context": "sim",
        "values": [repr(float(x)) for x in PublicSeedSource("31415926").uniforms("sim", 4)],
    }
    base = {
        "name": "食品经营检查",
        "department": "SAMR",
        "year": 2027,
        "scope": Scope(),
        "legal_basis": ["《中华人民共和国食品安全法》"],
    }
    cases = [
        selection_case(
            "tiered, cap 1/4",
            CheckItem(id="SAMR-2027-001", ratio=Fraction(1, 4), **base),
            TieredPolicy(filed_case_ids=["B05"], reason_salt=SALT, reference_date=REFERENCE),
            "31415926",
        ),
        selection_case(
            "tiered, key item without cap, round 2 of 2",
            CheckItem(
                id="SAMR-2027-009", ratio=Fraction(1, 3), cap=None, category="key", frequency=2, **base
            ),
            TieredPolicy(reason_salt=SALT, reference_date=REFERENCE),
            "2027-01-05 03 07 12",
            rnd=2,
        ),
        selection_case(
            "stratified 1/3",
            CheckItem(id="SAMR-2027-002", ratio=Fraction(1, 3), **base),
            StratifiedPolicy(),
            "6 6 6 1",
        ),
        # Ceiling 12/5 = 2.4 objects: the budget of risk and general objects is the integer 2 − 1 (A04 is
        # key), so Σπ = 2 and exactly 2 are drawn. (With the start of this seed, u/D ≈ 0.35, a budget of
        # 2.4 − 1 would have drawn 3.)
        selection_case(
            "tiered, cap 1/5 of 12 (ceiling 2.4): at most 2 drawn",
            CheckItem(id="SAMR-2027-003", ratio=Fraction(1, 5), cap=Fraction(1, 5), **base),
            TieredPolicy(reason_salt=SALT, reference_date=REFERENCE),
            "6 6 6 1",
        ),
        # Version 2: a twice-yearly item with a yearly ceiling 1/4 of 12 = 3 visits. A04 (key) takes one
        # visit per round, so 3 − 2 = 1 visit is left for the risk and general objects of the year.
        selection_case(
            "tiered, volume, frequency 2, yearly cap 1/4, round 1",
            CheckItem(id="SAMR-2027-004", ratio=Fraction(1, 4), frequency=2, **base),
            TieredPolicy(reason_salt=SALT, reference_date=REFERENCE),
            "6 6 6 1",
        ),
        selection_case(
            "tiered, absolute, frequency 2, per-round cap 1/3, round 2",
            CheckItem(
                id="SAMR-2027-005",
                ratio=Fraction(1, 6),
                cap=Fraction(1, 3),
                cap_period="round",
                frequency=2,
                **base,
            ),
            TieredPolicy(ratio_mode="absolute", reason_salt=SALT, reference_date=REFERENCE),
            "6 6 6 1",
            rnd=2,
        ),
        selection_case(
            "tiered, independent units (one start per stratum)",
            CheckItem(id="SAMR-2027-007", ratio=Fraction(1, 3), cap=None, category="key", **base),
            TieredPolicy(units="independent", reason_salt=SALT, reference_date=REFERENCE),
            "31415926",
        ),
        # Raised frequency (§四(八)4): D-grade round share 2 gives a frequency-1 item two rounds a year.
        # Round 1 holds only the D-grade objects (A05) and the key object A04; B, C and A (share 1/2 → one
        # round) take part in round 2 only. The yearly ceiling 1/4 of 12 = 3 visits: A04 uses 2.
        selection_case(
            "tiered, raised frequency (D share 2), frequency 1 → 2 rounds, round 1",
            CheckItem(id="SAMR-2027-010", ratio=Fraction(1, 4), cap=Fraction(1, 2), **base),
            TieredPolicy(
                matrix=SamrMatrix(credit_round_shares={"A": "1/2", "B": 1, "C": 1, "D": 2}),
                reason_salt=SALT,
            ),
            "6 6 6 1",
        ),
        selection_case(
            "tiered, raised frequency (D share 2), frequency 1 → 2 rounds, round 2",
            CheckItem(id="SAMR-2027-010", ratio=Fraction(1, 4), cap=Fraction(1, 2), **base),
            TieredPolicy(
                matrix=SamrMatrix(credit_round_shares={"A": "1/2", "B": 1, "C": 1, "D": 2}),
                reason_salt=SALT,
            ),
            "6 6 6 1",
            rnd=2,
        ),
        selection_case(
            "stratified, volume, frequency 3, round 3",
            CheckItem(id="SAMR-2027-006", ratio=Fraction(1, 2), frequency=3, **base),
            StratifiedPolicy(),
            "31415926",
            rnd=3,
        ),
    ]
    scopes, key_scope_case = scope_vectors()
    cases.append(key_scope_case)
    data = {
        "format": "randinspect-draw-vectors",
        "algorithm_version": ALGORITHM_VERSION,
        "ticket_version": TICKET_VERSION,
        "denominator": DENOMINATOR,
        "tickets": tickets,
        "integer_below": starts,
        "uniforms": uniforms,
        "decimal": [
            {"numerator": a, "pi": decimal_string(a)} for a in (0, 1, 2**31, 3 * 2**30, 429496730, 2**32)
        ],
        "selections": cases,
        "scopes": scopes,
        "reason_digests": [
            {
                "salt": SALT,
                "id": object_id,
                "reason": reason,
                "object_salt": object_salt(SALT, object_id).hex(),
                "digest": reason_digest(SALT, object_id, reason),
            }
            for object_id, reason in (("B05", "filed_case_ids"), ("贵阳市某某餐馆", "complaint_ids"))
        ],
        "canonical_json": [
            {"value": value, "canonical": canonical_json(value).decode("utf-8")}
            for value in (
                {"b": 1, "a": [True, None, "é"], "A": {"z": "\u00e9\u0301", "y": -2}},
                {"中": "文", "a\u001f": "\n"},
            )
        ],
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
