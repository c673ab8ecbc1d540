"""The object directory (检查对象名录库), the inspector and expert directories, and their loaders.

Objects live in an immutable, columnar :class:`ObjectDirectory`; a :class:`Scope` selects the objects a
check item covers; :func:`regrade` re-rates credit grades and risk classes by rules. People live in an
:class:`InspectorDirectory`. Loaders read records, CSV (English or Chinese headers; UTF-8, UTF-8 with BOM or
GB18030), JSON, pandas DataFrames, Parquet files and datasets and Arrow tables, strictly (the first
problem raises :class:`~randinspect.errors.LoadError`) or leniently (a :class:`LoadResult` with a
:class:`ValidationReport` of every problem).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from randinspect.directory._inspectors import (
    INSPECTOR_COLUMNS,
    INSPECTOR_HEADERS_ZH,
    EnforcementCertificate,
    ExpertAdmission,
    Inspector,
    InspectorDirectory,
    InspectorRole,
)
from randinspect.directory._load import directory_format, load_inspectors, load_objects
from randinspect.directory._objects import CATEGORICAL_COLUMNS, DIGEST_FORMAT, ObjectDirectory
from randinspect.directory._private import id_card_problems, phone_problems
from randinspect.directory._regrade import GradeChange, GradeRule, RegradeReport, regrade
from randinspect.directory._report import LoadResult, ValidationReport
from randinspect.directory._scope import Scope
from randinspect.directory._values import (
    ALIVE_FALSE,
    ALIVE_TRUE,
    OBJECT_COLUMNS,
    OBJECT_HEADERS_ZH,
    REDACTED,
)

__all__ = [
    "ALIVE_FALSE",
    "ALIVE_TRUE",
    "CATEGORICAL_COLUMNS",
    "DIGEST_FORMAT",
    "INSPECTOR_COLUMNS",
    "INSPECTOR_HEADERS_ZH",
    "OBJECT_COLUMNS",
    "OBJECT_HEADERS_ZH",
    "REDACTED",
    "EnforcementCertificate",
    "ExpertAdmission",
    "GradeChange",
    "GradeRule",
    "Inspector",
    "InspectorDirectory",
    "InspectorRole",
    "LoadResult",
    "ObjectDirectory",
    "RegradeReport",
    "Scope",
    "ValidationReport",
    "directory_format",
    "id_card_problems",
    "load_inspectors",
    "load_objects",
    "phone_problems",
    "regrade",
]
