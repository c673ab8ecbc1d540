"""Shared fixtures of the planning tests: a check-item factory and a random source."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from randinspect.directory import Scope
from randinspect.draw import PublicSeedSource
from randinspect.items import CheckItem


def _make_item(**overrides: Any) -> CheckItem:
    fields: dict[str, Any] = {
        "id": "SAMR-2027-001",
        "name": "食品经营者检查",
        "department": "SAMR",
        "year": 2027,
        "scope": Scope(),
        "ratio": "1/20",
        "legal_basis": ["《中华人民共和国食品安全法》|第一百一十条"],
    }
    fields.update(overrides)
    return CheckItem(**fields)


@pytest.fixture
def make_item() -> Callable[..., CheckItem]:
    """Build a valid CheckItem, overriding any field."""
    return _make_item


@pytest.fixture
def source() -> PublicSeedSource:
    """A verifiable source with a fixed public seed."""
    return PublicSeedSource("2026-11-10 public draw")
