"""Hypothesis strategies for randinspect's types, for users' own property-based tests.

Every strategy builds valid values unless its name says otherwise (``invalid_usccs``).
"""

from __future__ import annotations

from hypothesis import strategies as st

from randinspect.model import OrderedScale

__all__ = ["ordered_scales", "register_type_strategies"]


@st.composite
def ordered_scales(draw: st.DrawFn, *, min_levels: int = 1, max_levels: int = 6) -> OrderedScale:
    """Ordered scales with distinct ASCII level codes."""
    levels = draw(
        st.lists(
            st.text("ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=3),
            min_size=min_levels,
            max_size=max_levels,
            unique=True,
        )
    )
    return OrderedScale(name=draw(st.sampled_from(["credit grade", "risk class"])), levels=levels)


def register_type_strategies() -> None:
    """Make ``st.from_type`` build valid values of randinspect's types."""
    st.register_type_strategy(OrderedScale, ordered_scales())
