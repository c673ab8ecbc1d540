"""Hypothesis entry point: registers strategies for randinspect's types with ``st.from_type``.

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported in an environment where randinspect is
installed (the ``hypothesis`` entry point in ``pyproject.toml``). It must stay cheap and never fail.
"""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """Register the strategies of ``randinspect.testing.strategies`` for their types."""
    from randinspect.testing import strategies

    strategies.register_type_strategies()
