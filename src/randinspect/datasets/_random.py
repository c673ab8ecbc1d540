"""Integer-only random helpers of the demo city (no floating point touches a draw)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from randinspect.errors import ConfigurationError

__all__: list[str] = []

IntArray = npt.NDArray[np.int64]


def make_rng(seed_sequence: np.random.SeedSequence) -> np.random.Generator:
    """A PCG64 generator on ``seed_sequence`` (the one bit generator the demo city uses)."""
    return np.random.Generator(np.random.PCG64(seed_sequence))


def check_seed(seed: object) -> int:
    """Return ``seed`` if it is a non-negative ``int`` (not a ``bool``), else raise ``ConfigurationError``."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or int(seed) < 0:
        raise ConfigurationError(
            f"demo city seed must be a non-negative integer, got {seed!r}; pass for example seed=2026"
        )
    return int(seed)


def categorical(rng: np.random.Generator, weights: Sequence[int] | IntArray, size: int) -> IntArray:
    """Draw ``size`` indices with probability ``weights[i] / sum(weights)``, exactly, in integers.

    A uniform integer ``u`` in ``[0, total)`` selects the first index whose cumulative weight exceeds ``u``,
    so index ``i`` is drawn with probability exactly ``weights[i] / total``.
    """
    cum = np.cumsum(np.asarray(weights, dtype=np.int64))
    u = rng.integers(0, int(cum[-1]), size=size, dtype=np.int64)
    return np.searchsorted(cum, u, side="right").astype(np.int64)


def conditional_categorical(rng: np.random.Generator, weight_rows: IntArray, groups: IntArray) -> IntArray:
    """For each element ``j``, draw an index with probability proportional to ``weight_rows[groups[j]]``.

    The rows' cumulative sums are laid end to end with an offset per row, so one ``searchsorted`` serves
    every group; each row must have a positive total.
    """
    cum = np.cumsum(weight_rows.astype(np.int64), axis=1)
    totals = cum[:, -1]
    n_rows, width = cum.shape
    stride = int(totals.max()) + 1
    offsets = np.arange(n_rows, dtype=np.int64) * stride
    flat = (cum + offsets[:, None]).ravel()
    u = rng.integers(0, totals[groups], dtype=np.int64)
    found: IntArray = np.searchsorted(flat, u + offsets[groups], side="right").astype(np.int64)
    result: IntArray = found - groups * width
    return result


def bernoulli_per_mille(
    rng: np.random.Generator, per_mille: IntArray | int, size: int
) -> npt.NDArray[np.bool_]:
    """True with probability ``per_mille / 1000`` (an integer or one integer per element), exactly."""
    return rng.integers(0, 1000, size=size, dtype=np.int64) < per_mille


def largest_remainder(total: int, weights: Sequence[int] | IntArray) -> IntArray:
    """Split ``total`` into integers proportional to integer ``weights`` (Hamilton's method, exact).

    Ties in the remainders go to the earlier index, so the result is a pure function of its inputs.
    """
    w = np.asarray(weights, dtype=np.int64)
    weight_sum = int(w.sum())
    if weight_sum <= 0:
        raise ConfigurationError("cannot apportion over weights that sum to zero")
    quota = w * total
    base = quota // weight_sum
    remainder = quota - base * weight_sum
    short = total - int(base.sum())
    order = np.lexsort((np.arange(len(w)), -remainder))
    base[order[:short]] += 1
    return base
