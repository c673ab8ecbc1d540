"""The 12315/12345 complaint stream (投诉举报) of the demo city, generated column-wise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np

from randinspect.datasets import _tables as t
from randinspect.datasets._random import IntArray, conditional_categorical, make_rng
from randinspect.model import ComplaintChannel, ComplaintRecord, SubjectKind

__all__ = ["complaint_count_table", "complaint_records", "generate_complaint_columns"]

# Divisions whose market subjects get the high complaint profile (catering, residents' services, sports
# and fitness, education and training: the sectors of most consumer complaints and prepaid-card disputes).
_HIGH_PROFILE_DIVISIONS = ("62", "80", "83", "89")
# Channel weights per 1,000 (12315, 12345): market subjects, other objects. Assumption.
_CHANNEL_ROWS = np.array([[700, 300], [0, 1000]], dtype=np.int64)
# Complaints received in the last 30 days of the year are still open (substantiated unknown) at this rate.
_OPEN_DAYS = 30
_OPEN_PER_MILLE = 500
_SUBSTANTIATED_PER_MILLE = 550


def complaint_count_table() -> tuple[IntArray, IntArray]:
    """The number-of-complaints distribution per profile.

    Returns
    -------
    counts, weights:
        ``counts`` (the possible numbers of complaints per object in twelve months) and a ``(3, len)``
        integer weight matrix (per 10,000) for the low, medium and high profiles: the medium row is
        :data:`randinspect.datasets._tables.COMPLAINT_COUNTS`; the low and high rows halve (rounding down)
        and double each non-zero weight, the weight of zero taking up the rest.
    """
    counts = np.array([c for c, _ in t.COMPLAINT_COUNTS], dtype=np.int64)
    medium = np.array([w for _, w in t.COMPLAINT_COUNTS], dtype=np.int64)
    rows = []
    for nonzero in (medium[1:] // 2, medium[1:], medium[1:] * 2):
        rows.append(np.concatenate(([10_000 - int(nonzero.sum())], nonzero)))
    return counts, np.array(rows, dtype=np.int64)


def generate_complaint_columns(
    columns: Mapping[str, np.ndarray], seed_sequence: np.random.SeedSequence, year: int
) -> dict[str, np.ndarray]:
    """Complaints received over the twelve months before the plan year (1 January to 31 December of
    ``year - 1``), heavy-tailed per object, sorted by date then object id.

    Each object gets a profile (high: market subjects of high risk class or in catering, residents'
    services, sports or training; medium: other enterprises and individual businesses; low: everything
    else), a number of complaints from :func:`complaint_count_table`, and for each complaint a day uniform
    over the year, a channel (market subjects 70 % 12315, others 12345 only), a category by industry and a
    handling outcome.

    Returns
    -------
    dict
        ``object_id`` (str), ``channel`` (``"12315"``/``"12345"``), ``received`` (``datetime64[D]``),
        ``category`` (str) and ``substantiated`` (int8: 1 yes, 0 no, -1 still open).
    """
    rng = make_rng(seed_sequence)
    ids = np.asarray(columns["id"])
    kinds = np.asarray(columns["kind"])
    divisions = np.asarray(columns["industry"]).astype("U2")
    market = np.isin(kinds, (SubjectKind.ENTERPRISE.value, SubjectKind.INDIVIDUAL_BUSINESS.value))
    high = market & ((np.asarray(columns["risk"]) == "high") | np.isin(divisions, _HIGH_PROFILE_DIVISIONS))
    profile = np.where(high, 2, np.where(market, 1, 0)).astype(np.int64)

    count_values, count_rows = complaint_count_table()
    per_object = count_values[conditional_categorical(rng, count_rows, profile)]
    owner = np.repeat(np.arange(len(ids), dtype=np.int64), per_object)
    total = len(owner)

    first = np.datetime64(f"{year - 1:04d}-01-01", "D")
    n_days = (dt.date(year, 1, 1) - dt.date(year - 1, 1, 1)).days
    day = rng.integers(0, n_days, size=total, dtype=np.int64)
    channel_idx = conditional_categorical(rng, _CHANNEL_ROWS, np.where(market[owner], 0, 1).astype(np.int64))

    category_keys = sorted(t.COMPLAINT_CATEGORIES)
    table: list[str] = []
    starts: dict[str, int] = {}
    lengths: dict[str, int] = {}
    for key in [*category_keys, ""]:
        options = t.COMPLAINT_CATEGORIES.get(key, t.DEFAULT_COMPLAINT_CATEGORIES)
        starts[key], lengths[key] = len(table), len(options)
        table.extend(options)
    owner_div = divisions[owner]
    known = np.isin(owner_div, category_keys)
    start = np.array([starts[k] for k in [*category_keys, ""]], dtype=np.int64)
    length = np.array([lengths[k] for k in [*category_keys, ""]], dtype=np.int64)
    key_idx = np.searchsorted(np.array([*category_keys, "~"]), np.where(known, owner_div, "~"))
    category_idx = start[key_idx] + rng.integers(0, length[key_idx], dtype=np.int64)
    category = np.array(table)[category_idx]

    is_open = (day >= n_days - _OPEN_DAYS) & (rng.integers(0, 1000, size=total) < _OPEN_PER_MILLE)
    found = rng.integers(0, 1000, size=total) < _SUBSTANTIATED_PER_MILLE
    substantiated = np.where(is_open, -1, found.astype(np.int8)).astype(np.int8)

    object_id = ids[owner]
    order = np.lexsort((object_id, day))
    channels = np.array([ComplaintChannel.HOTLINE_12315.value, ComplaintChannel.HOTLINE_12345.value])
    return {
        "object_id": object_id[order],
        "channel": channels[channel_idx][order],
        "received": (first + day.astype("timedelta64[D]"))[order],
        "category": category[order],
        "substantiated": substantiated[order],
    }


def complaint_records(complaints: Mapping[str, np.ndarray]) -> tuple[ComplaintRecord, ...]:
    """The complaint columns as ``ComplaintRecord`` values, in the same order."""
    channels = {c.value: c for c in ComplaintChannel}
    outcome: dict[int, bool | None] = {1: True, 0: False, -1: None}
    received: list[dt.date] = np.asarray(complaints["received"]).astype(object).tolist()
    return tuple(
        ComplaintRecord(
            object_id=object_id,
            channel=channels[channel],
            received=day,
            category=category,
            substantiated=outcome[flag],
        )
        for object_id, channel, day, category, flag in zip(
            np.asarray(complaints["object_id"]).tolist(),
            np.asarray(complaints["channel"]).tolist(),
            received,
            np.asarray(complaints["category"]).tolist(),
            np.asarray(complaints["substantiated"]).tolist(),
            strict=True,
        )
    )
