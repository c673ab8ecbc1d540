"""A synthetic declared conflict list (回避名单) for the demo city and the cycle benchmark.

Assumption (not from a source): a share of the inspectors (5 % by default) declares a former employer in the
city, one object each, located in a district of the person's jurisdiction when it has one (people mostly
worked where they now inspect). Generated from a numpy ``Generator`` seeded by the city seed: test and
benchmark data only, never a draw.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["DEFAULT_CONFLICT_SHARE", "demo_conflicts"]

DEFAULT_CONFLICT_SHARE = 0.05
"""Share of inspectors with a declared former employer in the city (an assumption, see docs/datasets.md)."""


def demo_conflicts(city: Any, *, share: float = DEFAULT_CONFLICT_SHARE, seed: int | None = None) -> Any:
    """Declared conflicts of the demo city: ``share`` of the inspectors with one former employer each.

    Parameters
    ----------
    city:
        A :class:`randinspect.datasets.DemoCity`.
    share:
        Share of inspectors with a conflict, in [0, 1].
    seed:
        Seed of the generator (default: the city's seed).

    Returns
    -------
    randinspect.matching.ConflictList

    Raises
    ------
    ValueError
        If ``share`` is outside [0, 1].
    """
    from randinspect.matching import ConflictList

    if not 0 <= share <= 1:
        raise ValueError(f"share {share!r} must lie in [0, 1]")
    rng = np.random.default_rng([city.seed if seed is None else seed, 14])
    people = list(city.inspectors)
    ids = np.asarray(city.objects.ids)
    regions = np.asarray(city.objects.regions)
    if not len(people) or not len(ids):
        return ConflictList()
    order = np.argsort(regions, kind="stable")
    sorted_regions = regions[order]
    chosen = rng.choice(len(people), size=round(share * len(people)), replace=False)
    pairs = []
    for j in sorted(chosen.tolist()):
        person = people[j]
        area = [c for c in person.jurisdiction if c.isdigit()]
        lo, hi = 0, len(ids)
        if area:
            prefix = area[int(rng.integers(0, len(area)))].rstrip("0") or area[0]
            lo = int(np.searchsorted(sorted_regions, prefix, side="left"))
            hi = int(np.searchsorted(sorted_regions, prefix + "\uffff", side="left"))
            if hi <= lo:
                lo, hi = 0, len(ids)
        pairs.append((person.id, str(ids[order[int(rng.integers(lo, hi))]])))
    return ConflictList(pairs)
