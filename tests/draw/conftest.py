"""Shared fixtures of the draw tests: a small demo-city directory and a check-item factory."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest

from randinspect.directory import Scope
from randinspect.items import CheckItem, ItemCategory


def _make_item(**overrides: Any) -> CheckItem:
    fields: dict[str, Any] = {
        "id": "SAMR-2027-001",
        "name": "食品经营者检查",
        "department": "SAMR",
        "year": 2027,
        "scope": Scope(),
        "ratio": Fraction(1, 20),
        "legal_basis": ["《中华人民共和国食品安全法》"],
    }
    fields.update(overrides)
    if fields.get("category") is ItemCategory.KEY and "cap" not in overrides:
        fields["cap"] = None
    return CheckItem(**fields)


@pytest.fixture(scope="session")
def make_item() -> Callable[..., CheckItem]:
    """Factory of check items: a general SAMR item over all objects, ratio 1/20, with overrides."""
    return _make_item


@pytest.fixture(scope="session")
def city() -> Any:
    """The demo city with 3,000 objects (objects, complaints, departments)."""
    from randinspect.datasets import demo_city

    return demo_city(n_objects=3000, seed=7)
