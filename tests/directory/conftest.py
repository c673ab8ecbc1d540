"""Shared fixtures of the directory tests: a small hand-written directory with every kind of value."""

from __future__ import annotations

from typing import Any

import pytest

from randinspect.codes import GUIYANG_COUNTIES, make_uscc


def make_records(n: int = 6) -> list[dict[str, Any]]:
    """``n`` valid object records (subjects with real USCC check characters, plus one product)."""
    records: list[dict[str, Any]] = []
    kinds = ["企业", "个体工商户", "enterprise", "public_institution"]
    for i in range(n - 1):
        records.append(
            {
                "id": make_uscc("9", "1" if i % 2 else "2", GUIYANG_COUNTIES[i % 10], f"{i:08d}"),
                "name": f"贵阳市测试{i}有限公司",
                "kind": kinds[i % len(kinds)],
                "industry": ["C1311", "5211", "6110", "H6210"][i % 4],
                "region": GUIYANG_COUNTIES[i % 10],
                "unit": f"{GUIYANG_COUNTIES[i % 10]}-SAMR-01",
                "credit": "ABCD"[i % 4],
                "risk": ["low", "medium", "high"][i % 3],
                "alive": i != 3,
                "tags": ["SAMR:key", "food"][: i % 3],
            }
        )
    records.append(
        {
            "id": "PRD:0001",
            "name": "桶装饮用水",
            "kind": "产品",
            "industry": "1522",
            "region": "520102",
            "unit": "520102-SAMR-01",
            "credit": "B",
            "risk": "high",
            "alive": "是",
            "tags": "food",
        }
    )
    return records


@pytest.fixture
def records() -> list[dict[str, Any]]:
    """Six valid records in mixed spellings."""
    return make_records()
