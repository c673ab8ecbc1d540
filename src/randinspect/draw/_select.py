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

import numpy as np
import numpy.typing as npt

from randinspect.errors import InputError

__all__ = ["exact_selection_probabilities", "selection_order", "systematic_select"]

IntArray = npt.NDArray[np.int64]


def selection_order(stratum_codes: npt.ArrayLike, tickets: npt.ArrayLike) -> IntArray:
    """Positions of the frame in selection order: by stratum code, then ticket, then position.

    The frame is in canonical order (ascending id), so ties of tickets fall back to id order.
    """
    strata = np.asarray(stratum_codes)
    tk = np.asarray(tickets, dtype=np.uint64)
    if strata.shape != tk.shape:
        raise InputError("stratum codes and tickets must have the same length")
    by_ticket = np.argsort(tk)
    ranked = tk[by_ticket]
    tied = ranked.size > 1 and bool(np.any(ranked[1:] == ranked[:-1]))
    del ranked
    if tied:
        # Equal tickets (probability about n**2 / 2**65): the unstable sort may have put them out of
        # position order, so sort again stably. Without ties every sort gives the same order.
        by_ticket = np.argsort(tk, kind="stable")
    codes = strata[by_ticket]
    if codes.size and int(codes.min()) >= 0 and int(codes.max()) < 2**15:
        codes = codes.astype(np.int16)  # stable sort of small integers is a radix sort
    return by_ticket[np.argsort(codes, kind="stable")].astype(np.int64)


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
    cum = np.cumsum(a)
    hits = _counts_below(cum, start, denominator)
    before = np.empty_like(hits)
    before[0] = 0
    before[1:] = hits[:-1]
    return np.asarray((hits - before) == 1, dtype=bool)


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
