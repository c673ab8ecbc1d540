"""Testing help for the draw: Hypothesis strategies and a conformance check for sampling policies.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
from hypothesis import strategies as st

from randinspect.draw import (
    DENOMINATOR,
    DrawFrame,
    InclusionTable,
    PublicSeedSource,
    SamrMatrix,
    TableMatrix,
    canonical_json,
    item_rounds,
)
from randinspect.model import DEFAULT_CREDIT_SCALE, DEFAULT_RISK_SCALE

if TYPE_CHECKING:
    from randinspect.items import CheckItem
    from randinspect.typing import SamplingPolicy

__all__ = [
    "check_items",
    "check_sampling_policy",
    "credit_risk_matrices",
    "draw_frames",
    "public_seed_sources",
    "public_seeds",
]

_SEED_ALPHABET = st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "S"))


def public_seeds() -> st.SearchStrategy[str]:
    """Valid public seeds: non-empty printable text (dice digits, lottery results, words)."""
    return st.one_of(
        st.text("0123456789", min_size=1, max_size=40),
        st.text(_SEED_ALPHABET, min_size=1, max_size=40).filter(lambda s: s.strip() != ""),
    )


def public_seed_sources() -> st.SearchStrategy[PublicSeedSource]:
    """:class:`PublicSeedSource` instances from :func:`public_seeds`."""
    return public_seeds().map(PublicSeedSource)


@st.composite
def draw_frames(
    draw: st.DrawFn,
    *,
    min_size: int = 1,
    max_size: int = 60,
    max_strata: int = 5,
    key_share: float = 0.1,
) -> DrawFrame:
    """Frames with unique ASCII ids, a few strata, SAMR credit grades, low/medium/high risk and key flags."""
    n = draw(st.integers(min_size, max_size))
    ids = draw(
        st.lists(
            st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=8),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    n_strata = draw(st.integers(1, max_strata))
    strata = draw(st.lists(st.integers(0, n_strata - 1), min_size=n, max_size=n))
    credit = draw(st.lists(st.sampled_from(DEFAULT_CREDIT_SCALE.levels), min_size=n, max_size=n))
    risk = draw(st.lists(st.sampled_from(DEFAULT_RISK_SCALE.levels), min_size=n, max_size=n))
    key = draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    return DrawFrame.from_arrays(
        ids=np.asarray(ids, dtype=str),
        strata=np.asarray([f"U{s:02d}" for s in strata], dtype=str),
        credit=np.asarray(credit, dtype=str),
        risk=np.asarray(risk, dtype=str),
        key=np.asarray([k < key_share for k in key], dtype=bool),
    )


def _fractions(max_denominator: int = 100) -> st.SearchStrategy[Fraction]:
    return st.builds(
        lambda p, q: Fraction(min(p, q), q), st.integers(0, max_denominator), st.integers(1, max_denominator)
    )


@st.composite
def check_items(draw: st.DrawFn, *, max_frequency: int = 4, capped: bool | None = None) -> CheckItem:
    """Check items with an empty scope, exact ratios and caps, and frequencies up to ``max_frequency``."""
    from randinspect.directory import Scope
    from randinspect.items import CheckItem, ItemCategory

    ratio = draw(_fractions())
    has_cap = draw(st.booleans()) if capped is None else capped
    # A ceiling is at least the ratio (an item asking for more than its ceiling is refused).
    cap = ratio + (1 - ratio) * draw(_fractions()) if has_cap else None
    return CheckItem(
        id=draw(st.from_regex(r"[A-Z]{2,5}-20[2-3][0-9]-[0-9]{3}", fullmatch=True)),
        name="抽查事项",
        department="SAMR",
        year=draw(st.integers(2020, 2035)),
        scope=Scope(),
        ratio=ratio,
        cap=cap,
        category=ItemCategory.GENERAL if has_cap else ItemCategory.KEY,
        frequency=draw(st.integers(1, max_frequency)),
        legal_basis=["《中华人民共和国行政许可法》"],
    )


@st.composite
def credit_risk_matrices(draw: st.DrawFn) -> SamrMatrix | TableMatrix:
    """SAMR-style matrices with random exact multipliers, or full tables over the default scales."""
    mult = _fractions(8).map(lambda f: f * 4)
    share = st.sampled_from([Fraction(1), Fraction(1, 2), Fraction(1, 4), Fraction(3, 4)])
    if draw(st.booleans()):
        return SamrMatrix(
            credit_multipliers={c: draw(mult) for c in DEFAULT_CREDIT_SCALE.levels},
            risk_multipliers={r: draw(mult) for r in DEFAULT_RISK_SCALE.levels},
            credit_round_shares={c: draw(share) for c in DEFAULT_CREDIT_SCALE.levels},
        )
    cells = {
        (c, r): (draw(mult), draw(share))
        for c in DEFAULT_CREDIT_SCALE.levels
        for r in DEFAULT_RISK_SCALE.levels
    }
    return TableMatrix(
        credit_levels=DEFAULT_CREDIT_SCALE.levels, risk_levels=DEFAULT_RISK_SCALE.levels, cells=cells
    )


# --- conformance check ------------------------------------------------------------------------------------


def _example_frames() -> list[DrawFrame]:
    rng = np.random.default_rng(20270101)
    frames = []
    for n, n_strata in ((1, 1), (7, 2), (60, 4), (400, 9)):
        frames.append(
            DrawFrame.from_arrays(
                ids=np.asarray([f"9152{i:06d}X" for i in rng.permutation(n)], dtype=str),
                strata=np.asarray([f"U{k}" for k in rng.integers(0, n_strata, n)], dtype=str),
                credit=rng.choice(np.asarray(DEFAULT_CREDIT_SCALE.levels), n),
                risk=rng.choice(np.asarray(DEFAULT_RISK_SCALE.levels), n),
                key=rng.random(n) < 0.05,
            )
        )
    return frames


def _example_items() -> list[CheckItem]:
    from randinspect.directory import Scope
    from randinspect.items import CheckItem, ItemCategory

    base: dict[str, Any] = {
        "name": "conformance",
        "department": "SAMR",
        "year": 2027,
        "scope": Scope(),
        "legal_basis": ["《中华人民共和国行政许可法》"],
    }
    return [
        CheckItem(id="CHECK-1", ratio=Fraction(1, 20), **base),
        CheckItem(id="CHECK-2", ratio=Fraction(1, 5), cap=Fraction(1, 5), frequency=2, **base),
        CheckItem(id="CHECK-3", ratio=Fraction(1, 3), cap=None, category=ItemCategory.KEY, **base),
        CheckItem(id="CHECK-4", ratio=Fraction(0), cap=Fraction(0), **base),
        CheckItem(id="CHECK-5", ratio=Fraction(1), cap=Fraction(1), frequency=4, **base),
    ]


def _permuted(frame: DrawFrame, seed: int) -> DrawFrame:
    order = np.random.default_rng(seed).permutation(len(frame))
    return DrawFrame.from_arrays(
        ids=frame.ids[order],
        strata=frame.strata[order],
        credit=frame.credit[order],
        risk=frame.risk[order],
        key=frame.key[order],
        credit_levels=frame.credit_levels,
        risk_levels=frame.risk_levels,
        stratum_column=frame.stratum_column,
    )


def check_sampling_policy(
    policy: SamplingPolicy,
    *,
    frames: list[DrawFrame] | None = None,
    items: list[CheckItem] | None = None,
) -> None:
    """Check that a sampling policy honours the :class:`randinspect.typing.SamplingPolicy` guarantees.

    Like scikit-learn's ``check_estimator``: run it in your own tests on your own policy. For every frame
    and item (built-in examples by default) and every round, it checks that the table covers exactly the
    frame, numerators lie in ``[0, D]``, key and problem objects have π = 1, Σπ is at most
    ``floor(cap × N)`` (so systematic selection never draws more objects than the cap allows) unless the
    cap report says mandatory objects exceed it, the table is deterministic and independent of
    the row order the frame was built from, and the parameters are JSON-ready with a ``"kind"``.

    Raises
    ------
    AssertionError
        Naming the first guarantee broken, with the frame size, item and round.
    """
    for frame in frames if frames is not None else _example_frames():
        for item in items if items is not None else _example_items():
            for rnd in range(1, item_rounds(item, getattr(policy, "matrix", None)) + 1):
                _check_one(policy, frame, item, rnd)


def _require(condition: bool, message: str) -> None:
    """Raise AssertionError with ``message`` unless ``condition`` (kept under ``python -O``)."""
    if not condition:
        raise AssertionError(message)


def _check_one(policy: SamplingPolicy, frame: DrawFrame, item: CheckItem, rnd: int) -> None:
    where = f"frame of {len(frame)}, item {item.id}, round {rnd}"
    table = policy.inclusion(frame, item, round=rnd)
    _require(isinstance(table, InclusionTable), f"{where}: inclusion() must return an InclusionTable")
    _require(
        len(table) == len(frame) and bool(np.all(table.frame.ids == frame.ids)),
        f"{where}: the table must cover exactly the frame's objects, in the frame's order",
    )
    nums = table.numerators
    _require(int(nums.min()) >= 0, f"{where}: a π is below 0")
    _require(int(nums.max()) <= DENOMINATOR, f"{where}: a π is above 1")
    mandatory = table.tier_codes <= 1
    _require(bool(np.all(nums[mandatory] == DENOMINATOR)), f"{where}: key/problem objects need π = 1")
    if item.cap is not None and not table.cap_report.exceeded:
        limit = math.floor(item.cap * len(frame))
        _require(
            int(nums.sum()) <= limit * DENOMINATOR,
            f"{where}: Σπ = {float(table.expected_count):.4f} exceeds the cap: a draw could select more "
            f"than floor(cap × N) = {limit} objects, and the cap report does not say mandatory objects "
            "exceed it",
        )
    again = policy.inclusion(frame, item, round=rnd)
    _require(again.digest == table.digest, f"{where}: the table is not deterministic")
    shuffled = policy.inclusion(_permuted(frame, rnd), item, round=rnd)
    _require(shuffled.digest == table.digest, f"{where}: the table depends on the input row order")
    params = dict(table.policy)
    _require("kind" in params, f"{where}: table.policy needs a 'kind'")
    try:
        canonical_json(params)
        canonical_json(policy.to_dict())
    except Exception as exc:
        raise AssertionError(f"{where}: policy parameters are not JSON-ready: {exc}") from None
