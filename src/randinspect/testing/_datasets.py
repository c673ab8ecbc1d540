"""Hypothesis strategies for the demo city: whole cities and plain object columns.

Re-exported from ``randinspect.testing.strategies``. Hypothesis is a test extra; import this module only
in tests. Each example is built by the deterministic generator from a drawn seed, so Hypothesis shrinks
towards small cities and small seeds.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from randinspect.datasets import DemoCity, demo_city, generate_object_columns

__all__ = ["demo_cities", "demo_object_columns"]


def demo_object_columns(
    *, min_objects: int = 1, max_objects: int = 300
) -> st.SearchStrategy[dict[str, np.ndarray]]:
    """Object columns of a demo city (``generate_object_columns``) with a drawn size and seed."""
    return st.builds(
        generate_object_columns,
        st.integers(min_objects, max_objects),
        st.integers(0, 2**32 - 1),
    )


def demo_cities(
    *, min_objects: int = 1, max_objects: int = 300, year: int = 2027
) -> st.SearchStrategy[DemoCity]:
    """Whole demo cities (directories, departments, units, complaints) with a drawn size and seed.

    Even a one-object city has every department's units staffed (at least four certified officers each),
    so a city takes tens of milliseconds to build: keep ``max_examples`` modest.
    """
    return st.builds(
        lambda n, seed: demo_city(n, seed, year),
        st.integers(min_objects, max_objects),
        st.integers(0, 2**32 - 1),
    )
