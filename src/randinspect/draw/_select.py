"""Systematic πps selection on integers (Madow's systematic sampling, exact).

Inclusion probabilities are integers ``a_i`` over a denominator ``D`` (``0 <= a_i <= D``). With the frame
in selection order, cumulative sums ``C_0 = 0, C_i = a_1 + ... + a_i`` and one start ``u`` in ``[0, D)``,
object ``i`` is selected iff some integer ``k >= 0`` has ``C_{i-1} <= u + k*D < C_i``. As ``u`` is uniform,
object ``i`` is selected with probability exactly ``a_i / D``; any run of consecutive objects whose
numerators sum to ``L`` holds ``floor(L/D)`` or ``ceil(L/D)`` selected objects.

References
----------
W. G. Madow, "On the theory of systematic sampling, II", Annals of Mathematical Statistics 20 (1949).
Y. Tillé, *Sampling Algorithms*, Springer (2006), §7.2 (``UPsystematic`` in the R package ``sampling``).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from randinspect.errors import InputError

__all__ = ["exact_selection_probabilities", "selection_order", "stratum_groups", "systematic_select"]


IntArray = npt.NDArray[np.int64]


def selection_order(
    stratum_codes: npt.ArrayLike,
    tickets: npt.ArrayLike,
    groups: tuple[npt.NDArray[np.signedinteger[Any]], IntArray] | None = None,
) -> IntArray:
    """Positions of the frame in selection order: by stratum code, then ticket, then position.

    The frame is in canonical order (ascending id), so ties of tickets fall back to id order. ``groups``
    is :func:`stratum_groups` of the codes when the caller has it already (a frame keeps it).
    """
    strata = np.asarray(stratum_codes)
    tk = np.asarray(tickets, dtype=np.uint64)
    if strata.shape != tk.shape:
        raise InputError("stratum codes and tickets must have the same length")
    if tk.ndim != 1 or tk.size == 0:
        return np.argsort(tk.reshape(-1), kind="stable").astype(np.int64)
    if groups is None:
        if strata.dtype.kind not in "iub" or int(strata.min()) < 0 or int(strata.max()) >= 2**15:
            return _selection_order_general(strata, tk)
        groups = stratum_groups(strata)
    # Order each stratum by ticket on its own: sorting many small arrays that fit in cache is several
    # times faster than one argsort of the whole frame.
    by_stratum, bounds = groups
    out = np.empty(tk.size, dtype=np.int64)
    for lo, hi in itertools.pairwise(bounds.tolist()):
        if hi > lo:
            members = by_stratum[lo:hi]
            out[lo:hi] = members[_ticket_order(tk[members])]
    return out


def stratum_groups(
    codes: npt.ArrayLike, strata: int = 0
) -> tuple[npt.NDArray[np.signedinteger[Any]], IntArray]:
    """The positions grouped by stratum code, ascending within each stratum, and the groups' bounds.

    ``positions[bounds[h]:bounds[h + 1]]`` are the positions whose code is ``h``, in ascending order;
    ``bounds`` has ``max(strata, largest code + 1) + 1`` entries. Positions are ``int32`` below ``2**31``
    objects (half the bytes to gather), else ``int64``. Codes must be non-negative integers below
    ``2**15``: a stable sort of ``int16`` values is a radix sort.
    """
    small = np.asarray(codes).astype(np.int16, copy=False)
    by_stratum = np.argsort(small, kind="stable")
    if small.size < 2**31:
        by_stratum = by_stratum.astype(np.int32)
    counts = np.bincount(small, minlength=strata)
    bounds = np.zeros(counts.size + 1, dtype=np.int64)
    np.cumsum(counts, out=bounds[1:])
    return by_stratum, bounds


def _selection_order_general(strata: npt.NDArray[Any], tk: npt.NDArray[np.uint64]) -> IntArray:
    """:func:`selection_order` for stratum codes of any comparable type (one global argsort)."""
    by_ticket = np.argsort(tk, kind="stable")
    return by_ticket[np.argsort(strata[by_ticket], kind="stable")].astype(np.int64)


_MAX_TIE_RUNS: Final = 64
"""Runs of tickets equal in their high bits fixed one by one by :func:`_ticket_order`; beyond, one
stable argsort of the stratum is cheaper."""


def _ticket_order(tk: npt.NDArray[np.uint64]) -> IntArray:
    """``argsort(tk, kind="stable")``: indices by ticket, then by index, for one stratum's tickets.

    Sorting values is much faster than sorting indices, so each ticket's low ``b`` bits (``2**b`` at
    least the number of tickets) are replaced by its index and the packed values are sorted; the index is
    read back from the low bits. Tickets whose high ``64 - b`` bits are equal (probability about
    ``m**2 / 2**(65 - b)`` for ``m`` tickets) may then be out of order: each such run is sorted again by
    whole ticket and index.
    """
    m = int(tk.size)
    bits = max(1, (m - 1).bit_length())
    shift = np.uint64(bits)
    low = np.uint64((1 << bits) - 1)
    packed = ((tk >> shift) << shift) | np.arange(m, dtype=np.uint64)
    packed.sort()
    order = (packed & low).astype(np.int64)
    high = packed >> shift
    tied = np.flatnonzero(high[1:] == high[:-1])
    if tied.size == 0:
        return order
    run_starts = tied[np.concatenate([[True], tied[1:] != tied[:-1] + 1])]
    if run_starts.size > _MAX_TIE_RUNS:
        return np.argsort(tk, kind="stable").astype(np.int64)
    for start in run_starts.tolist():
        stop = start + 1
        while stop < m and high[stop] == high[start]:
            stop += 1
        run = order[start:stop]
        order[start:stop] = run[np.lexsort((run, tk[run]))]
    return order


def _counts_below(x: IntArray, start: int, denominator: int) -> IntArray:
    """Number of lattice points ``start + k*D`` (``k >= 0``) below each ``x >= 0``."""
    return (x - start + (denominator - 1)) // denominator


def systematic_select(numerators: npt.ArrayLike, start: int, denominator: int) -> npt.NDArray[np.bool_]:
    """Which objects systematic sampling selects, for numerators given in selection order.

    Parameters
    ----------
    numerators:
        Integer inclusion probabilities ``a_i`` in ``[0, denominator]``, in selection order.
    start:
        The start ``u`` in ``[0, denominator)``.
    denominator:
        ``D``; the sum of numerators must stay below ``2**63 - D``.

    Returns
    -------
    numpy.ndarray
        Boolean mask in selection order.

    Raises
    ------
    InputError
        If the start or a numerator is out of range.

    Examples
    --------
    >>> systematic_select([2, 2, 2, 2], start=1, denominator=4).tolist()
    [True, False, True, False]
    """
    a = np.asarray(numerators, dtype=np.int64)
    if not 0 <= start < denominator:
        raise InputError(f"start {start} must lie in [0, {denominator})")
    if a.size == 0:
        return np.zeros(0, dtype=bool)
    if int(a.min()) < 0 or int(a.max()) > denominator:
        raise InputError(f"numerators must lie in [0, {denominator}]")
    return _systematic_unchecked(a, start, denominator)


def _systematic_unchecked(
    a: npt.NDArray[np.integer[Any]], start: int, denominator: int
) -> npt.NDArray[np.bool_]:
    """:func:`systematic_select` for integer numerators already known to lie in ``[0, D]`` (summed as
    int64)."""
    if a.size == 0:
        return np.zeros(0, dtype=bool)
    hits = np.cumsum(a, dtype=np.int64)
    if denominator & (denominator - 1) == 0:
        # D a power of two: the lattice count is a shift (the operand is never negative)
        hits += denominator - 1 - start
        hits >>= denominator.bit_length() - 1
    else:
        hits = _counts_below(hits, start, denominator)
    chosen = np.empty(hits.shape, dtype=bool)
    chosen[0] = hits[0] == 1
    np.equal(hits[1:] - hits[:-1], 1, out=chosen[1:])
    return chosen


def exact_selection_probabilities(numerators: npt.ArrayLike, denominator: int) -> list[Fraction]:
    """The exact probability that systematic sampling selects each object, integrating over the start.

    The selection pattern only changes where the start crosses a breakpoint ``C_i mod D``, so sweeping
    the start over the breakpoints and weighting each interval by its length gives the probabilities
    exactly, without enumerating all ``D`` starts. Used by the tests to prove ``P(i) = a_i / D``.
    """
    a = np.asarray(numerators, dtype=np.int64)
    cum = np.concatenate([[0], np.cumsum(a)])
    breaks = sorted({0, denominator, *(int(c) % denominator for c in cum.tolist())})
    weight = [0] * a.size
    for lo, hi in itertools.pairwise(breaks):
        if hi <= lo:
            continue
        mask = systematic_select(a, lo, denominator)
        for i in np.flatnonzero(mask).tolist():
            weight[i] += hi - lo
    return [Fraction(w, denominator) for w in weight]
