"""Hypothesis entry point: registers strategies for randinspect's types with ``st.from_type``.

Hypothesis calls :func:`_hypothesis_setup_hook` while it is being imported, in any environment where
randinspect is installed (the ``hypothesis`` entry point in ``pyproject.toml``). So the hook must be cheap and
must not import ``randinspect.testing.strategies`` (which imports Hypothesis, half-initialised at that point):
each strategy is registered as ``st.deferred`` and built on first use.
"""

from __future__ import annotations

from typing import Any


def _deferred(name: str, **kwargs: Any) -> Any:
    from hypothesis import strategies as st

    def build() -> Any:
        from randinspect.testing import strategies

        return getattr(strategies, name)(**kwargs)

    return st.deferred(build)


def _hypothesis_setup_hook() -> None:
    """Register the strategies of ``randinspect.testing.strategies`` for their types, lazily."""
    from hypothesis import strategies as st

    from randinspect.datasets import DemoCity
    from randinspect.directory import Inspector, InspectorDirectory, ObjectDirectory
    from randinspect.draw import DrawFrame, PublicSeedSource
    from randinspect.items import CheckItem
    from randinspect.matching import InspectionTask
    from randinspect.model import OrderedScale

    for cls, name, kwargs in (
        (OrderedScale, "ordered_scales", {}),
        (ObjectDirectory, "object_directories", {}),
        (InspectorDirectory, "inspector_directories", {}),
        (Inspector, "inspectors", {}),
        (CheckItem, "check_items", {}),
        (DrawFrame, "draw_frames", {}),
        (PublicSeedSource, "public_seed_sources", {}),
        (InspectionTask, "inspection_tasks", {}),
        (DemoCity, "demo_cities", {"max_objects": 200}),
    ):
        st.register_type_strategy(cls, _deferred(name, **kwargs))
