"""The embedded demo city: a synthetic, Guiyang-like city generated deterministically from a seed.

:func:`demo_city` returns a :class:`DemoCity` holding an object directory (检查对象名录库) with realistic
shares of kinds, districts, industries, credit grades, risk classes, dormant subjects and tags; the city's
departments and supervising units; an inspector and expert directory; and a stream of 12315/12345
complaints over the twelve months before the plan year. :func:`generate_object_columns` gives the objects as
plain numpy columns. ``demo_city(n_departments=40)`` adds further Guiyang-style departments, and
:func:`benchmark_items` writes an item list of any length for such a city (the issue-5 benchmark). Every
share, its source or the fact that it is an assumption is listed in ``docs/datasets.md``.

All data is synthetic: names, codes, identity-card and phone numbers are made up (well-formed, with
correct check characters) and belong to no one.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from randinspect.datasets._bench import BENCHMARK_LAWS, benchmark_items
from randinspect.datasets._city import (
    COMPLAINT_COLUMNS,
    COMPLAINT_HEADERS_ZH,
    DemoCity,
    demo_city,
    format_summary,
)
from randinspect.datasets._complaints import (
    complaint_count_table,
    complaint_records,
    generate_complaint_columns,
)
from randinspect.datasets._conflicts import DEFAULT_CONFLICT_SHARE, demo_conflicts
from randinspect.datasets._findings import synthetic_results
from randinspect.datasets._items import DEMO_ITEMS, demo_items
from randinspect.datasets._objects import (
    DEPARTMENT_RISK_CODES,
    MAX_OBJECTS,
    generate_object_columns,
    industry_classes,
)
from randinspect.datasets._people import (
    DEFAULT_DEPARTMENTS,
    EXPERT_TASKS_PER_YEAR,
    MAX_DEPARTMENTS,
    MIN_INSPECTORS_PER_UNIT,
    demo_departments,
    demo_units,
    generate_inspector_records,
    id_card_check_char,
)

__all__ = [
    "BENCHMARK_LAWS",
    "COMPLAINT_COLUMNS",
    "COMPLAINT_HEADERS_ZH",
    "DEFAULT_CONFLICT_SHARE",
    "DEFAULT_DEPARTMENTS",
    "DEMO_ITEMS",
    "DEPARTMENT_RISK_CODES",
    "EXPERT_TASKS_PER_YEAR",
    "MAX_DEPARTMENTS",
    "MAX_OBJECTS",
    "MIN_INSPECTORS_PER_UNIT",
    "DemoCity",
    "benchmark_items",
    "complaint_count_table",
    "complaint_records",
    "demo_city",
    "demo_conflicts",
    "demo_departments",
    "demo_items",
    "demo_units",
    "format_summary",
    "generate_complaint_columns",
    "generate_inspector_records",
    "generate_object_columns",
    "id_card_check_char",
    "industry_classes",
    "synthetic_results",
]
