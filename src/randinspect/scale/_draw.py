"""The verifiable draw over a partitioned Parquet directory on a dask cluster, byte-identical to ``draw``.

Passes (each a task per part file, or per ticket bucket, on the cluster; the driver only sums):

1. **Frame** (per part): load and validate the part (:meth:`ObjectDirectory.from_parquet`), build its piece
   of the frame (:meth:`DrawFrame.from_directory`) and its tiers (the policy's own ``tiers``, with the id
   lists cut to the part). It returns the part's id range, strata, resolved id lists and the size of each
   π group (credit × risk cell, or mandatory); the canonical text of the directory and of the frame go to
   the driver part by part, in order, to be hashed (SHA-256 is sequential).
2. **π** (driver): the policy's own arithmetic over the summed group sizes (:meth:`TieredPolicy.plan`,
   :meth:`StratifiedPolicy.allocation`: what their ``inclusion`` runs, from sizes alone), the rounding from
   sizes alone (:func:`~randinspect.draw._inclusion.largest_remainder_units`), then per part the rank
   offset of each group, so the largest-remainder units go to the same objects as in memory.
3. **Tickets** (per part): numerators, the π-table text (hashed in order on the driver), tickets of the
   objects with 0 < π < 1 from the same ``RandomSource.tickets``, split into ticket ranges; the driver sums
   numerators per (stratum, range) into prefix offsets.
4. **Selection** (per ticket range): the range's objects of every part, sorted by (stratum, ticket,
   position) as in memory, each stratum's run selected by :func:`systematic_select` with the start moved by
   the run's prefix offset (with independent units: the offset within the stratum, and the stratum's own
   start); then per part the drawn objects' tier, stratum and π.

Every task holds one part (or one ticket range, about one part's size); the driver holds sums, the id
lists and the drawn objects. Tasks run under ``dask.distributed`` with its lineage: a lost worker's parts
are recomputed; when the cluster cannot finish (workers gone, the client closed) a
:class:`~randinspect.errors.WorkerLostError` is raised and no record exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.directory._arrow import parquet_parts
from randinspect.draw._frame import TIERS, DrawFrame, Tier, _utf8
from randinspect.draw._inclusion import (
    ALGORITHM_VERSION,
    DENOMINATOR,
    CapReport,
    decimal_string,
    largest_remainder_units,
)
from randinspect.draw._policy import (
    StratifiedPolicy,
    TieredPolicy,
    _check_ceiling,
    _check_round,
    _check_share,
)
from randinspect.draw._privacy import public_policy
from randinspect.draw._record import (
    Commitment,
    DrawRecord,
    SelectedObject,
    _coerce_source,
    _start_context,
    _unit_start_context,
    draw_context,
)
from randinspect.draw._select import systematic_select
from randinspect.errors import (
    ConfigurationError,
    EmptyFrameError,
    InputError,
    RandInspectError,
    ScaleError,
    WorkerLostError,
)
from randinspect.items import CheckItem
from randinspect.typing import RandomSource

__all__ = ["distributed_draw"]

PathLike = str | os.PathLike[str]
IntArray = npt.NDArray[np.int64]

#: Ticket ranges per part file: the selection pass has about as many tasks as the frame pass.
_BUCKETS_PER_PART = 1


@attrs.frozen
class _Summary:
    """What pass 1 tells the driver about one part (small)."""

    n: int
    first_id: str | None
    last_id: str | None
    header: tuple[str, ...]
    strata: tuple[str, ...]
    credit_levels: tuple[str, ...]
    risk_levels: tuple[str, ...]
    group_counts: tuple[int, ...]
    resolved: Mapping[str, tuple[str, ...]]


@attrs.frozen
class _Piece:
    """A part's frame (kept on its worker between passes)."""

    ids: npt.NDArray[np.str_]
    strata: npt.NDArray[np.int64]  # local stratum codes
    tiers: npt.NDArray[np.int8]
    groups: npt.NDArray[np.int64]  # π group (TieredPolicy: cell or mandatory; StratifiedPolicy: stratum)


def _part_policy(policy: Any, ids: npt.NDArray[np.str_], flagged: tuple[str, ...]) -> Any:
    """The policy as one part sees it: key ids cut to the part (the in-memory check that every key id is
    in the frame runs on the driver), complaints already turned into the ids they flag."""
    if not isinstance(policy, TieredPolicy):
        return policy
    inside = set(ids.tolist())
    return attrs.evolve(
        policy,
        key_ids=tuple(k for k in policy.key_ids if k in inside),
        complaints=(),
        complaint_ids=flagged,
    )


def _pass_frame(
    path: str,
    item: CheckItem,
    policy: Any,
    flagged: tuple[str, ...],
    stratum: str,
    scales: tuple[Any, Any],
    accept_any_division: bool,
) -> tuple[_Summary, _Piece, bytes, bytes]:
    """Pass 1 on one part: summary, frame piece, directory text and frame text (UTF-8)."""
    from randinspect.directory import ObjectDirectory

    d = ObjectDirectory.from_parquet(
        path, credit_scale=scales[0], risk_scale=scales[1], accept_any_division=accept_any_division
    )
    lines = d.canonical_lines()
    header = tuple(next(lines) for _ in range(4))
    directory_text = "".join(lines).encode("utf-8")
    try:
        frame = DrawFrame.from_directory(d, item, stratum=stratum)
    except EmptyFrameError:
        frame = None
    if frame is None:
        empty = np.zeros(0, dtype=np.int64)
        piece = _Piece(ids=np.zeros(0, dtype=str), strata=empty, tiers=empty.astype(np.int8), groups=empty)
        summary = _Summary(
            n=0,
            first_id=str(d.ids[0]) if len(d) else None,
            last_id=str(d.ids[-1]) if len(d) else None,
            header=header,
            strata=(),
            credit_levels=tuple(d.credit_scale.levels),
            risk_levels=tuple(d.risk_scale.levels),
            group_counts=(),
            resolved={},
        )
        return summary, piece, directory_text, b""
    resolved: dict[str, tuple[str, ...]] = {}
    if isinstance(policy, TieredPolicy):
        tiers, found = _part_policy(policy, frame.ids, flagged).tiers(frame, item)
        resolved = {k: tuple(v) for k, v in found.items()}
        n_risk = len(frame.risk_levels)
        n_cells = len(frame.credit_levels) * n_risk
        cell = frame.credit_codes * n_risk + frame.risk_codes
        groups = np.where(tiers <= Tier.PROBLEM.code, n_cells, cell).astype(np.int64)
        counts = np.bincount(groups, minlength=n_cells + 1)
    else:
        tiers = np.full(len(frame), Tier.GENERAL.code, dtype=np.int8)
        groups = np.asarray(frame.stratum_codes, dtype=np.int64)  # local codes: remapped by the driver
        counts = np.bincount(groups, minlength=len(frame.stratum_labels))
    suffixes = [f"\t{label}\n".encode() for label in frame.stratum_labels]
    frame_text = b"".join(frame._line_pieces(0, len(frame), suffixes, frame.stratum_codes))
    summary = _Summary(
        n=len(frame),
        first_id=str(d.ids[0]),
        last_id=str(d.ids[-1]),
        header=header,
        strata=tuple(frame.stratum_labels),
        credit_levels=tuple(frame.credit_levels),
        risk_levels=tuple(frame.risk_levels),
        group_counts=tuple(int(c) for c in counts.tolist()),
        resolved=resolved,
    )
    piece = _Piece(
        ids=np.asarray(frame.ids),
        strata=np.asarray(frame.stratum_codes, dtype=np.int64),
        tiers=np.asarray(tiers, dtype=np.int8),
        groups=groups,
    )
    return summary, piece, directory_text, frame_text


@attrs.frozen
class _Plan:
    """π parameters from the driver: per group the base numerator and the units left for its first
    members, plus the policy parameters and the cap report of the record."""

    bases: tuple[int, ...]
    extras: tuple[int, ...]
    params: Mapping[str, Any]
    report: CapReport


def _numerators(piece: _Piece, group_map: IntArray, offsets: IntArray, plan: _Plan) -> IntArray:
    """Each object's numerator: its group's base, plus one for the group's first ``extras`` members
    (global rank within the group = the part's offset + the rank within the part, in id order)."""
    groups = group_map[piece.groups] if piece.groups.size else piece.groups
    bases = np.asarray(plan.bases, dtype=np.int64)
    extras = np.asarray(plan.extras, dtype=np.int64)
    n = groups.size
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    starts = np.searchsorted(sorted_groups, sorted_groups, side="left")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64) - starts
    return np.asarray(bases[groups] + ((offsets[groups] + rank) < extras[groups]), dtype=np.int64)


def _pass_tickets(
    piece: _Piece,
    position_base: int,
    strata_map: IntArray,
    group_map: IntArray,
    offsets: IntArray,
    plan: _Plan,
    labels: tuple[str, ...],
    source: RandomSource,
    context: str,
    n_buckets: int,
) -> tuple[bytes, npt.NDArray[np.int64], dict[int, tuple[Any, ...]], IntArray]:
    """Pass 3 on one part: the π-table text, numerator sums per (stratum, bucket), the bucketed inner
    objects (stratum, ticket, global position, numerator) and the numerators."""
    nums = _numerators(piece, group_map, offsets, plan)
    strata = strata_map[piece.strata] if piece.strata.size else piece.strata
    n_tiers = len(TIERS)
    middles = np.asarray([f"\t{s}\t{t.value}\t".encode() for s in labels for t in TIERS], dtype=object)
    text = b""
    if nums.size:
        values, which = np.unique(nums, return_inverse=True)
        tails = np.asarray([f"{a}\n".encode() for a in values.tolist()], dtype=object)
        out = np.empty(3 * nums.size, dtype=object)
        out[0::3] = _utf8(piece.ids)
        out[1::3] = middles[strata * n_tiers + piece.tiers]
        out[2::3] = tails[which.reshape(-1)]
        text = b"".join(out.tolist())
    inner = np.flatnonzero((nums > 0) & (nums < DENOMINATOR))
    tickets = np.asarray(source.tickets(context, piece.ids[inner]), dtype=np.uint64)
    bucket = _bucket_of(tickets, n_buckets)
    sums = np.zeros((len(labels), n_buckets), dtype=np.int64)
    np.add.at(sums, (strata[inner], bucket), nums[inner])
    buckets: dict[int, tuple[Any, ...]] = {}
    order = np.argsort(bucket, kind="stable")
    bounds = np.searchsorted(bucket[order], np.arange(n_buckets + 1))
    for b in range(n_buckets):
        sel = inner[order[bounds[b] : bounds[b + 1]]]
        if sel.size:
            buckets[b] = (
                strata[sel],
                tickets[order[bounds[b] : bounds[b + 1]]],
                sel + position_base,
                nums[sel],
            )
    return text, sums, buckets, nums


def _bucket_of(tickets: npt.NDArray[np.uint64], n_buckets: int) -> IntArray:
    """Ticket range of each ticket: ``floor(ticket * B / 2**64)`` (ranges in ticket order)."""
    high = (tickets >> np.uint64(32)).astype(np.int64)  # B <= 2**31: the high word decides the range
    return np.asarray((high * n_buckets) >> 32, dtype=np.int64)


def _pass_select(pieces: Sequence[tuple[Any, ...]], offsets: IntArray, starts: IntArray) -> IntArray:
    """Pass 4 on one ticket range: global positions of the selected objects with 0 < π < 1 (``offsets``
    and ``starts`` per stratum: one shared start, or a start per stratum with independent units)."""
    parts = [p for p in pieces if p is not None]
    if not parts:
        return np.zeros(0, dtype=np.int64)
    strata = np.concatenate([p[0] for p in parts])
    tickets = np.concatenate([p[1] for p in parts])
    positions = np.concatenate([p[2] for p in parts])
    nums = np.concatenate([p[3] for p in parts])
    order = np.lexsort((positions, tickets, strata))  # stratum, then ticket, then position: as in memory
    strata, positions, nums = strata[order], positions[order], nums[order]
    bounds = np.flatnonzero(np.diff(strata)) + 1
    chosen: list[IntArray] = []
    for lo, hi in zip([0, *bounds.tolist()], [*bounds.tolist(), strata.size], strict=True):
        h = int(strata[lo])
        mask = systematic_select(nums[lo:hi], (int(starts[h]) - int(offsets[h])) % DENOMINATOR, DENOMINATOR)
        chosen.append(positions[lo:hi][mask])
    return np.sort(np.concatenate(chosen))


def _pass_drawn(
    piece: _Piece, nums: IntArray, local: IntArray, strata_map: IntArray
) -> tuple[list[str], IntArray, IntArray, IntArray]:
    """The drawn objects of one part in id order: ids, tier codes, global strata, numerators."""
    mask = nums == DENOMINATOR
    mask[local] = True
    idx = np.flatnonzero(mask)
    strata = strata_map[piece.strata[idx]] if idx.size else np.zeros(0, dtype=np.int64)
    return piece.ids[idx].tolist(), piece.tiers[idx].astype(np.int64), strata, nums[idx]


# -- driver -----------------------------------------------------------------------------------------------


def _ordered(futures: Sequence[Any]) -> Iterator[Any]:
    """Results of ``futures`` in order, each released as soon as it was read."""
    for k in range(len(futures)):
        fut = futures[k]
        yield fut.result()
        fut.release()


def distributed_draw(
    dataset: PathLike,
    item: CheckItem,
    seed: str | RandomSource,
    *,
    client: Any,
    policy: TieredPolicy | StratifiedPolicy | None = None,
    year: int | None = None,
    round: int = 1,
    stratum: str = "unit",
    committed_on: dt.date | None = None,
    credit_scale: Any = None,
    risk_scale: Any = None,
    accept_any_division: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DrawRecord:
    """The draw of :func:`randinspect.draw.draw` over a partitioned Parquet directory, on a dask cluster.

    The record is byte-identical to ``draw(ObjectDirectory.from_parquet(dataset), item, seed, ...)``
    (same commitment, start, drawn objects and counts), so :func:`randinspect.draw.verify` checks it
    against the in-memory directory, and a distributed draw can re-check an in-memory one.

    Parameters
    ----------
    dataset:
        A directory of Parquet part files in canonical order (ids ascending within and across the parts
        in path order), as :meth:`ObjectDirectory.to_parquet` writes with ``rows_per_file``.
    item, seed, policy, year, round, stratum:
        As for :func:`randinspect.draw.draw`; the policy must be a built-in
        :class:`~randinspect.draw.TieredPolicy` (default) or :class:`~randinspect.draw.StratifiedPolicy`
        of draw algorithm version 2, in any of its modes (``ratio_mode``, ``units``, ``disclosure``;
        the item's ``cap_period`` and rounds). The record carries the same opening as the in-memory one.
    committed_on:
        The date the draw was committed to, as for :func:`randinspect.draw.draw`: a tiered policy
        without ``reference_date`` ends its complaint window on it (default: the cycle's draw deadline,
        :func:`randinspect.draw.default_commitment_date`).
    client:
        A ``dask.distributed.Client``; each part is one task.
    credit_scale, risk_scale, accept_any_division:
        As for :meth:`ObjectDirectory.from_parquet`.
    progress:
        Called with the name of each pass as it starts (``"frame"``, ``"tickets"``, ``"select"``,
        ``"record"``).

    Raises
    ------
    WorkerLostError
        The cluster could not finish (workers lost beyond recovery, the client closed, a task crashed);
        nothing is recorded.
    InputError
        The parts overlap in id order or are not one dataset; the policy is not a built-in one.
    ConfigurationError
        The policy is of draw algorithm version 1 (``algorithm_version=1``, kept to verify old records:
        verify them in memory), or the policy refuses the item (as in memory: ratio above the cap,
        :class:`~randinspect.errors.CeilingError`; a key id outside the frame; a bad round).
    CapExceededError, EmptyFrameError, ScaleError
        As :func:`randinspect.draw.draw` raises them.
    LoadError, SchemaError
        A part does not load (the first problem).
    """
    try:
        return _distributed_draw(
            dataset,
            item,
            seed,
            client=client,
            policy=policy,
            year=year,
            round=round,
            stratum=stratum,
            committed_on=committed_on,
            scales=(credit_scale, risk_scale),
            accept_any_division=accept_any_division,
            progress=progress or (lambda _stage: None),
        )
    except RandInspectError:
        raise
    except Exception as exc:
        raise WorkerLostError(
            f"the distributed draw of item {item.id!r} could not finish on the cluster "
            f"({type(exc).__name__}: {exc}); no record was made — check the workers and run it again"
        ) from exc


def _distributed_draw(
    dataset: PathLike,
    item: CheckItem,
    seed: str | RandomSource,
    *,
    client: Any,
    policy: TieredPolicy | StratifiedPolicy | None,
    year: int | None,
    round: int,
    stratum: str,
    committed_on: dt.date | None,
    scales: tuple[Any, Any],
    accept_any_division: bool,
    progress: Callable[[str], None],
) -> DrawRecord:
    source = _coerce_source(seed)
    policy = TieredPolicy() if policy is None else policy
    if not isinstance(policy, TieredPolicy | StratifiedPolicy):
        raise InputError(
            f"a distributed draw supports the built-in TieredPolicy and StratifiedPolicy, not "
            f"{type(policy).__name__}; draw in memory with randinspect.draw.draw"
        )
    if isinstance(policy, TieredPolicy) and committed_on is not None:
        # the complaint window ends on the commitment date, as in memory (ComplaintWindowError if the
        # policy's reference date is later)
        policy = policy.committed_on(committed_on, item)
    if policy.algorithm_version != ALGORITHM_VERSION:
        raise ConfigurationError(
            f"a distributed draw implements draw algorithm version {ALGORITHM_VERSION}, not "
            f"algorithm_version={policy.algorithm_version} (kept to verify old records): verify version "
            f"{policy.algorithm_version} records in memory with randinspect.draw.verify"
        )
    # the item's own checks before any part is read (as the policy's inclusion makes them first)
    _check_round(item, round, policy.rounds(item))
    _check_share(item.ratio, "ratio", item.id)
    if item.cap is not None:
        _check_share(item.cap, "cap", item.id)
    _check_ceiling(item)
    root = Path(dataset)
    if not root.is_dir():
        raise InputError(f"{os.fspath(dataset)} is not a directory of Parquet part files")
    parts = [os.fspath(p) for p in parquet_parts(root)]
    if not parts:
        raise InputError(f"the directory {os.fspath(dataset)} holds no .parquet file")
    y = item.year if year is None else year
    context = draw_context(item.id, y, round)
    flagged: tuple[str, ...] = ()
    if isinstance(policy, TieredPolicy) and policy.complaints:
        found = policy.complaint_rule.flagged(policy.complaints, policy._reference(item))
        flagged = tuple(sorted(set(policy.complaint_ids) | set(found)))
    elif isinstance(policy, TieredPolicy):
        flagged = tuple(sorted(set(policy.complaint_ids)))

    # -- pass 1: frames, directory and frame text --------------------------------------------------------
    progress("frame")
    first = [
        client.submit(_pass_frame, p, item, policy, flagged, stratum, scales, accept_any_division, pure=False)
        for p in parts
    ]
    summaries = [client.submit(_take, f, 0, pure=False) for f in first]
    pieces = [client.submit(_take, f, 1, pure=False) for f in first]
    dir_texts = [client.submit(_take, f, 2, pure=False) for f in first]
    frame_texts = [client.submit(_take, f, 3, pure=False) for f in first]
    del first
    summary_list: list[_Summary] = [s.result() for s in summaries]
    header = summary_list[0].header
    for k, s in enumerate(summary_list):
        if s.header != header:
            raise InputError(
                f"part {parts[k]} has other columns or scales than part {parts[0]}; "
                "the parts of a dataset need one schema"
            )
    previous: str | None = None
    for k, s in enumerate(summary_list):
        if s.first_id is not None:
            if previous is not None and not previous < s.first_id:
                raise InputError(
                    f"part {parts[k]} starts with id {s.first_id!r}, not after the last id of the parts "
                    f"before it ({previous!r}); write the dataset in id order with "
                    "ObjectDirectory.to_parquet(path, rows_per_file=...)"
                )
            previous = s.last_id
    dir_hash = hashlib.sha256("".join(header).encode("utf-8"))
    for text in _ordered(dir_texts):
        dir_hash.update(text)
    frame_hash = hashlib.sha256()
    for text in _ordered(frame_texts):
        frame_hash.update(text)
    n = sum(s.n for s in summary_list)
    if n == 0:
        raise EmptyFrameError(
            f"item {item.id!r}: its scope selects no alive object in the dataset {os.fspath(dataset)}; "
            "check the scope's kinds, industries, regions and units"
        )
    labels = tuple(sorted({label for s in summary_list for label in s.strata}))
    label_index = {label: j for j, label in enumerate(labels)}
    strata_maps = [np.asarray([label_index[x] for x in s.strata], dtype=np.int64) for s in summary_list]
    levels = next((s.credit_levels, s.risk_levels) for s in summary_list if s.n)

    # -- pass 2 (driver): π parameters from the summed group sizes ---------------------------------------
    if isinstance(policy, TieredPolicy):
        n_groups = len(levels[0]) * len(levels[1]) + 1
        counts = np.zeros(n_groups, dtype=np.int64)
        group_maps = [np.arange(n_groups, dtype=np.int64) for _ in summary_list]
        part_counts = [
            np.asarray(s.group_counts, dtype=np.int64) if s.n else np.zeros(n_groups, dtype=np.int64)
            for s in summary_list
        ]
        for c in part_counts:
            counts += c
        resolved: dict[str, list[str]] = {}
        for name in ("key_ids", "filed_case_ids", "referral_ids", "complaint_ids"):
            resolved[name] = [x for s in summary_list for x in s.resolved.get(name, ())]
        missing = sorted(set(policy.key_ids) - set(resolved["key_ids"]))
        if missing:
            shown = ", ".join(repr(m) for m in missing[:5])
            raise ConfigurationError(
                f"item {item.id!r}: {len(missing)} key id(s) not in the frame ({shown}); key objects must be "
                "in the item's scope and alive — fix the list or the scope"
            )
        if policy.risk_threshold not in levels[1]:
            raise ScaleError(
                f"risk threshold {policy.risk_threshold!r} is not a risk class of the frame "
                f"({', '.join(levels[1])})"
            )
        # The policy's own π arithmetic over the summed sizes, then the rounding from sizes alone.
        n_cells = n_groups - 1
        values, target, report = policy.plan(
            item, round, counts[:n_cells].tolist(), int(counts[n_cells]), levels[0], levels[1]
        )
        bases, extras = largest_remainder_units(values, counts.tolist(), target)
        params = policy.table_params(item, resolved)
    else:
        n_groups = len(labels)
        group_maps = strata_maps
        part_counts = []
        for s, m in zip(summary_list, strata_maps, strict=True):
            c = np.zeros(n_groups, dtype=np.int64)
            if s.n:
                c[m] = np.asarray(s.group_counts, dtype=np.int64)
            part_counts.append(c)
        counts = np.sum(part_counts, axis=0)
        alloc, report = policy.allocation(item, round, counts.tolist())
        bases, extras = [], []
        for a_h, n_h in zip(alloc, counts.tolist(), strict=True):
            # each stratum's π = n_h / N_h, rounded with the stratum's sum exact (as in memory)
            if n_h:
                b, e = largest_remainder_units([Fraction(a_h, n_h)], [n_h], a_h * DENOMINATOR)
            else:
                b, e = [0], [0]
            bases.append(b[0])
            extras.append(e[0])
        params = {**policy.to_dict(), "allocation": dict(zip(labels, alloc, strict=True))}
    plan = _Plan(bases=tuple(bases), extras=tuple(extras), params=params, report=report)
    before = np.cumsum([np.zeros(n_groups, dtype=np.int64), *part_counts[:-1]], axis=0)

    # -- pass 3: numerators, π-table text, tickets by range ----------------------------------------------
    progress("tickets")
    n_buckets = max(1, _BUCKETS_PER_PART * len(parts))
    position_base = np.cumsum([0, *(s.n for s in summary_list[:-1])]).tolist()
    third = [
        client.submit(
            _pass_tickets,
            pieces[k],
            int(position_base[k]),
            strata_maps[k],
            group_maps[k],
            before[k],
            plan,
            labels,
            source,
            context,
            n_buckets,
            pure=False,
        )
        for k in range(len(parts))
    ]
    table_texts = [client.submit(_take, f, 0, pure=False) for f in third]
    sums_f = [client.submit(_take, f, 1, pure=False) for f in third]
    bucket_f = [client.submit(_take, f, 2, pure=False) for f in third]
    nums_f = [client.submit(_take, f, 3, pure=False) for f in third]
    del third
    table_hash = hashlib.sha256()
    for text in _ordered(table_texts):
        table_hash.update(text)
    sums = np.zeros((len(labels), n_buckets), dtype=np.int64)
    for part_sums in _ordered(sums_f):
        sums += part_sums
    independent = params.get("units") == "independent"
    if independent:
        # one systematic sample per stratum: offset of (stratum, range) = the stratum's earlier ranges,
        # and each stratum's own start (spec §4, independent units)
        offsets = np.cumsum(sums, axis=1) - sums
        unit_starts = {
            label: int(source.integer_below(_unit_start_context(context, label), DENOMINATOR))
            for label in labels
        }
        starts = np.asarray([unit_starts[label] for label in labels], dtype=np.int64)
        start = 0
    else:
        # offset of (stratum, range): the numerators of every earlier stratum, then of earlier ranges
        flat = sums.reshape(-1)
        offsets = (np.cumsum(flat) - flat).reshape(sums.shape)
        start = int(source.integer_below(_start_context(context), DENOMINATOR))
        starts = np.full(len(labels), start, dtype=np.int64)

    # -- pass 4: selection per ticket range, then the drawn objects per part ------------------------------
    progress("select")
    chosen_f = [
        client.submit(
            _pass_select,
            [client.submit(_bucket, bf, b, pure=False) for bf in bucket_f],
            offsets[:, b],
            starts,
            pure=False,
        )
        for b in range(n_buckets)
    ]
    chosen = np.concatenate([np.zeros(0, dtype=np.int64), *(f.result() for f in chosen_f)])
    for f in chosen_f:
        f.release()
    for f in bucket_f:
        f.release()
    chosen.sort()
    progress("record")
    ends = np.asarray([*position_base[1:], n], dtype=np.int64)
    drawn_f = []
    for k in range(len(parts)):
        lo = np.searchsorted(chosen, position_base[k])
        hi = np.searchsorted(chosen, ends[k])
        local = chosen[lo:hi] - position_base[k]
        drawn_f.append(client.submit(_pass_drawn, pieces[k], nums_f[k], local, strata_maps[k], pure=False))
    ids: list[str] = []
    tier_codes: list[IntArray] = []
    strata_codes: list[IntArray] = []
    numerators: list[IntArray] = []
    for part_ids, part_tiers, part_strata, part_nums in _ordered(drawn_f):
        ids.extend(part_ids)
        tier_codes.append(part_tiers)
        strata_codes.append(part_strata)
        numerators.append(part_nums)
    expected_total = sum(int(b) * int(c) for b, c in zip(plan.bases, counts.tolist(), strict=True)) + sum(
        plan.extras
    )
    for f in (*pieces, *nums_f, *summaries):
        f.release()
    tiers_all = np.concatenate([np.zeros(0, dtype=np.int64), *tier_codes])
    strata_all = np.concatenate([np.zeros(0, dtype=np.int64), *strata_codes])
    nums_all = np.concatenate([np.zeros(0, dtype=np.int64), *numerators])

    public = public_policy(plan.params)
    commitment = Commitment(
        version=ALGORITHM_VERSION,
        context=context,
        year=y,
        round=round,
        rounds=policy.rounds(item),
        item=item.to_dict(),
        policy=public,
        stratum=stratum,
        directory_digest=dir_hash.hexdigest(),
        frame_digest=frame_hash.hexdigest(),
        table_digest=table_hash.hexdigest(),
        frame_size=n,
        denominator=DENOMINATOR,
        expected=decimal_string(expected_total, DENOMINATOR),
        cap_report=plan.report.to_dict(),
    )
    tier_names = np.asarray([t.value for t in TIERS], dtype=object)
    label_arr = np.asarray(labels, dtype=object)
    distinct, which = np.unique(nums_all, return_inverse=True)
    decimals = np.asarray([decimal_string(a, DENOMINATOR) for a in distinct.tolist()], dtype=object)
    if plan.params.get("disclosure") == "auditors":
        # the public record lists drawn objects by id and stratum only (π and tier go to auditors)
        hidden = [None] * len(ids)
        selected = tuple(map(SelectedObject, ids, hidden, label_arr[strata_all].tolist(), hidden, hidden))
    else:
        selected = tuple(
            map(
                SelectedObject,
                ids,
                tier_names[tiers_all].tolist(),
                label_arr[strata_all].tolist(),
                distinct[which.reshape(-1)].tolist(),
                decimals[which.reshape(-1)].tolist(),
            )
        )
    by_tier = np.bincount(tiers_all, minlength=len(TIERS))
    by_stratum = np.bincount(strata_all, minlength=len(labels))
    counts_out = {
        "total": len(ids),
        "by_tier": {t.value: int(by_tier[t.code]) for t in TIERS},
        "by_stratum": {s: int(k) for s, k in zip(labels, by_stratum.tolist(), strict=True)},
    }
    return DrawRecord(
        commitment=commitment,
        source=source.describe(),
        start=start,
        selected=selected,
        counts=counts_out,
        version=commitment.version,
        opening=dict(plan.params) if dict(plan.params) != public else None,
        starts=unit_starts if independent else None,
    )


def _take(value: tuple[Any, ...], k: int) -> Any:
    return value[k]


def _bucket(buckets: Mapping[int, tuple[Any, ...]], b: int) -> tuple[Any, ...] | None:
    return buckets.get(b)
