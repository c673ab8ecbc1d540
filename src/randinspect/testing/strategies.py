"""Hypothesis strategies for randinspect's types, for users' own property-based tests.

Every strategy builds valid values unless its name says otherwise (``invalid_usccs``). Importing Hypothesis in
an environment where randinspect is installed also registers them with ``st.from_type`` (the ``hypothesis``
entry point), so ``st.from_type(ObjectDirectory)`` works.
"""

from __future__ import annotations

from hypothesis import strategies as st

from randinspect.model import OrderedScale
from randinspect.testing._codes import division_codes, industry_codes, invalid_usccs, usccs
from randinspect.testing._datasets import demo_cities, demo_object_columns
from randinspect.testing._directory import (
    id_card_numbers,
    inspector_directories,
    inspector_records,
    inspectors,
    object_directories,
    object_records,
    phone_numbers,
)
from randinspect.testing._draw import (
    check_items,
    credit_risk_matrices,
    draw_frames,
    public_seed_sources,
    public_seeds,
)
from randinspect.testing._journal import journal_keys, journal_payloads
from randinspect.testing._matching import inspection_tasks, matching_instances
from randinspect.testing._planning import answers_for, department_plan_sets, item_draws

__all__ = [
    "answers_for",
    "check_items",
    "credit_risk_matrices",
    "demo_cities",
    "demo_object_columns",
    "department_plan_sets",
    "division_codes",
    "draw_frames",
    "id_card_numbers",
    "industry_codes",
    "inspection_tasks",
    "inspector_directories",
    "inspector_records",
    "inspectors",
    "invalid_usccs",
    "item_draws",
    "journal_keys",
    "journal_payloads",
    "matching_instances",
    "object_directories",
    "object_records",
    "ordered_scales",
    "phone_numbers",
    "public_seed_sources",
    "public_seeds",
    "register_type_strategies",
    "usccs",
]


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
    """Make ``st.from_type`` build valid values of randinspect's types.

    Registered: ``OrderedScale``, ``ObjectDirectory``, ``InspectorDirectory``, ``Inspector``, ``CheckItem``,
    ``DrawFrame``, ``PublicSeedSource``, ``InspectionTask`` and ``DemoCity``. Hypothesis does this on import
    through randinspect's entry point; call it yourself only if entry points are disabled.
    """
    from randinspect.testing._hypothesis_plugin import _hypothesis_setup_hook

    _hypothesis_setup_hook()
