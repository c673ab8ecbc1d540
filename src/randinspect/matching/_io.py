"""Loading matching inputs from CSV and JSON files: tasks, conflicts and inspection history.

CSV files are UTF-8 (with or without BOM) with a header row; list cells (``items``, ``departments``,
``specialties``) separate values by ``;``, ``|`` or ``,`` inside a quoted cell. JSON files hold a list of
objects (or an object with a ``"tasks"``, ``"conflicts"`` or ``"history"`` list). See docs/matching.md.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from randinspect.errors import InputError, LoadError, Problem
from randinspect.matching._tasks import ConflictList, HistoryRecord, InspectionTask

__all__ = ["load_conflicts", "load_history", "load_tasks"]

T = TypeVar("T")

_TASK_ALIASES = {
    "任务编号": "id",
    "检查对象": "object_id",
    "统一社会信用代码": "object_id",
    "区划代码": "region",
    "监管单位": "unit",
    "开始日期": "start",
    "结束日期": "end",
    "抽查事项": "items",
    "部门": "departments",
    "专长": "specialties",
    "department": "departments",
    "specialty": "specialties",
    "item": "items",
}


def _rows(path: Path, key: str) -> list[tuple[int, dict[str, Any]]]:
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            raise LoadError([Problem(message=f"cannot read JSON: {exc}", source=str(path))]) from None
        if isinstance(data, Mapping):
            data = data.get(key, data.get("records"))
        if not isinstance(data, list) or not all(isinstance(r, Mapping) for r in data):
            raise LoadError(
                [
                    Problem(
                        message=f"expected a list of objects (or an object with a {key!r} list)",
                        source=str(path),
                        hint="see docs/matching.md for the file formats",
                    )
                ]
            )
        return [(j + 1, dict(r)) for j, r in enumerate(data)]
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            return [(j + 1, {k.strip(): v for k, v in r.items() if k}) for j, r in enumerate(reader)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LoadError([Problem(message=f"cannot read CSV: {exc}", source=str(path))]) from None


def _load(path: str | os.PathLike[str], key: str, build: Callable[[dict[str, Any]], T]) -> list[T]:
    p = Path(path)
    out: list[T] = []
    problems: list[Problem] = []
    for row, data in _rows(p, key):
        try:
            out.append(build(data))
        except (InputError, KeyError, ValueError, TypeError) as exc:
            problems.append(Problem(message=str(exc), source=str(p), row=row, code=f"{key}.invalid"))
    if problems:
        raise LoadError(problems)
    return out


def _task(data: dict[str, Any]) -> InspectionTask:
    norm = {_TASK_ALIASES.get(k, k): v for k, v in data.items()}
    return InspectionTask.from_dict(norm)


def load_tasks(path: str | os.PathLike[str]) -> list[InspectionTask]:
    """Read inspection tasks from a CSV or JSON file.

    Columns/keys: ``id``, ``object_id``, ``region``, ``unit``, ``start``, ``end`` (YYYY-MM-DD),
    ``departments``, and optionally ``items`` and ``specialties``.

    Raises
    ------
    LoadError
        With every problem found, by row.
    """
    return _load(path, "tasks", _task)


def _conflict(data: dict[str, Any]) -> tuple[str, str]:
    return (str(data["inspector_id"]).strip(), str(data["object_id"]).strip())


def load_conflicts(path: str | os.PathLike[str]) -> ConflictList:
    """Read explicit conflicts of interest (回避) from a CSV or JSON file with ``inspector_id, object_id``."""
    return ConflictList(_load(path, "conflicts", _conflict))


def load_history(path: str | os.PathLike[str]) -> list[HistoryRecord]:
    """Read past inspections from a CSV or JSON file with ``object_id, inspector_id, date``."""
    return _load(path, "history", HistoryRecord.from_dict)
