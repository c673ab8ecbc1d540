"""Loading matching inputs from CSV and JSON files: tasks, conflicts and inspection history.

CSV files are UTF-8 (with or without BOM) with a header row; list cells (``items``, ``departments``,
``specialties``) separate values by ``;``, ``|`` or ``,`` inside a quoted cell. JSON files hold a list of
objects (or an object with a ``"tasks"``, ``"conflicts"`` or ``"history"`` list). See docs/matching.md.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from randinspect._io import csv_uncell
from randinspect._json import read_json_file
from randinspect.errors import InputError, LoadError, Problem
from randinspect.matching._tasks import ConflictList, HistoryRecord, InspectionTask

__all__ = ["load_competitors", "load_conflicts", "load_history", "load_tasks"]

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
    "任务类别": "category",
    "备注": "note",
    "检查方式": "method",
    "监管层级": "level",
    "服务领域": "service_fields",
    "执法人员专长": "officer_specialties",
    "department": "departments",
    "specialty": "specialties",
    "item": "items",
}


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


#: Columns each CSV file must have (tasks: after the Chinese aliases are read).
_REQUIRED: dict[str, tuple[str, ...]] = {
    "tasks": ("id", "object_id"),
    "conflicts": ("inspector_id", "object_id"),
    "history": ("object_id", "inspector_id", "date"),
    "competitors": ("object_id", "competitor_id"),
}


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise LoadError(
            [
                Problem(
                    message=f"not UTF-8 or GB18030 text (byte {exc.start})",
                    source=source,
                    code="encoding",
                    hint="save the file as CSV UTF-8",
                )
            ]
        ) from None


def _rename(names: list[str], columns: Mapping[str, str] | None, source: str) -> dict[str, str]:
    """The ``columns=`` mapping checked against the input's column names (a typo is an error)."""
    if not columns:
        return {}
    unknown = sorted(set(columns) - set(names))
    if unknown:
        raise LoadError(
            [
                Problem(
                    message=f"columns= maps {unknown[0]!r}, which is not a column of the input",
                    source=source,
                    column=unknown[0],
                    code="columns.unknown",
                )
            ]
        )
    return {str(k): str(v) for k, v in columns.items()}


def _rows(path: Path, key: str, columns: Mapping[str, str] | None) -> list[tuple[int, dict[str, Any]]]:
    source = str(path)
    if path.suffix.lower() == ".json":
        data = read_json_file(path)
        if isinstance(data, Mapping):
            data = data.get(key, data.get("records"))
        if not isinstance(data, list) or not all(isinstance(r, Mapping) for r in data):
            raise LoadError(
                [
                    Problem(
                        message=f"expected a list of objects (or an object with a {key!r} list)",
                        source=source,
                        hint="see docs/matching.md for the file formats",
                    )
                ]
            )
        names = sorted({str(k) for r in data for k in r})
        mapping = _rename(names, columns, source)
        return [(j + 1, {mapping.get(k, k): v for k, v in r.items()}) for j, r in enumerate(data)]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(
            [Problem(message=f"cannot read file: {exc.strerror or exc}", source=source, code="io")]
        ) from None
    text = _decode(raw, source)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = [
            (j + 1, {k.strip(): (csv_uncell(v) if isinstance(v, str) else v) for k, v in r.items() if k})
            for j, r in enumerate(reader)
        ]
    except csv.Error as exc:
        raise LoadError([Problem(message=f"cannot read CSV: {exc}", source=source, code="csv")]) from None
    mapping = _rename([h.strip() for h in reader.fieldnames or []], columns, source)
    if mapping:
        rows = [(j, {mapping.get(k, k): v for k, v in r.items()}) for j, r in rows]
    header = {
        _TASK_ALIASES.get(h, h) if key == "tasks" else h
        for h in (mapping.get(h.strip(), h.strip()) for h in reader.fieldnames or [])
    }
    missing = [c for c in _REQUIRED[key] if c not in header]
    if not reader.fieldnames or missing:
        raise LoadError(
            [
                Problem(
                    message="the file is empty" if not reader.fieldnames else f"missing column(s) {missing}",
                    source=source,
                    row=0,
                    code=f"{key}.header",
                    hint=f"the header needs {', '.join(_REQUIRED[key])} (see docs/matching.md)",
                )
            ]
        )
    return rows


def _control_problems(data: Mapping[str, Any], source: str, row: int) -> list[Problem]:
    out = []
    for column, value in data.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and _CONTROL.search(v) for v in values):
            out.append(
                Problem(
                    message="contains a control character (NUL, tab, line break ...)",
                    source=source,
                    row=row,
                    column=str(column),
                    value=str(value)[:80],
                    hint="remove the control character; no field may hold one",
                    code="control",
                )
            )
    return out


def _load(
    path: str | os.PathLike[str],
    key: str,
    build: Callable[[dict[str, Any]], T],
    columns: Mapping[str, str] | None = None,
) -> list[T]:
    p = Path(path)
    out: list[T] = []
    problems: list[Problem] = []
    for row, data in _rows(p, key, columns):
        bad = _control_problems(data, str(p), row)
        if bad:
            problems.extend(bad)
            continue
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


def load_tasks(
    path: str | os.PathLike[str], *, columns: Mapping[str, str] | None = None
) -> list[InspectionTask]:
    """Read inspection tasks from a CSV or JSON file.

    Columns/keys: ``id``, ``object_id``, ``region``, ``unit``, ``start``, ``end`` (YYYY-MM-DD),
    ``departments``, and optionally ``items`` and ``specialties``. ``columns`` maps the file's column names
    to these (``{"任务号": "id"}``), so a vendor need not rename them.

    Raises
    ------
    LoadError
        With every problem found, by row (a control character in any cell is one), or when the file holds
        no task.
    """
    tasks = _load(path, "tasks", _task, columns)
    if not tasks:
        raise LoadError(
            [
                Problem(
                    message="the file holds no task",
                    source=str(path),
                    code="tasks.empty",
                    hint="give at least one task row (columns: see docs/matching.md)",
                )
            ]
        )
    return tasks


def _conflict(data: dict[str, Any]) -> tuple[str, str]:
    return (str(data["inspector_id"]).strip(), str(data["object_id"]).strip())


def _known(values: Any) -> set[str] | None:
    if values is None:
        return None
    ids = getattr(values, "ids", None)
    if ids is not None and not callable(ids):
        return {str(v) for v in ids}
    people = getattr(values, "inspectors", values)
    return {str(getattr(v, "id", v)) for v in people}


def _check_rows(
    path: str | os.PathLike[str],
    key: str,
    rows: list[tuple[int, dict[str, Any]]],
    *,
    inspectors: set[str] | None,
    objects: set[str] | None,
    before: dt.date | None = None,
) -> None:
    """Refuse rows naming unknown inspectors or objects, or dated on/after ``before``: every bad row named."""
    problems: list[Problem] = []
    for row, data in rows:
        insp = str(data.get("inspector_id", "")).strip()
        if inspectors is not None and "inspector_id" in data and insp not in inspectors:
            problems.append(
                Problem(
                    message="inspector is not in the inspector directory",
                    source=str(path),
                    row=row,
                    column="inspector_id",
                    value=insp,
                    hint="use the staff number (工号) of the directory",
                    code=f"{key}.unknown_inspector",
                )
            )
        for column in ("object_id", "competitor_id"):
            value = str(data.get(column, "")).strip()
            if objects is not None and column in data and value not in objects:
                problems.append(
                    Problem(
                        message="object is not in the object directory",
                        source=str(path),
                        row=row,
                        column=column,
                        value=value,
                        hint="use the unified social credit code of the directory",
                        code=f"{key}.unknown_object",
                    )
                )
        if before is not None and "date" in data:
            try:
                day = dt.date.fromisoformat(str(data["date"]).strip())
            except ValueError:
                continue  # reported by the record itself
            if day >= before:
                problems.append(
                    Problem(
                        message=f"dated on or after {before.isoformat()}: history holds earlier inspections",
                        source=str(path),
                        row=row,
                        column="date",
                        value=str(data["date"]),
                        hint="correct the date; inspections of the plan year are not history yet",
                        code="history.future",
                    )
                )
    if problems:
        raise LoadError(problems)


def load_conflicts(
    path: str | os.PathLike[str],
    *,
    inspectors: Any = None,
    objects: Any = None,
    columns: Mapping[str, str] | None = None,
) -> ConflictList:
    """Read explicit conflicts of interest (回避) from a CSV or JSON file with ``inspector_id, object_id``.

    With ``inspectors`` (a directory or ids) and ``objects`` (an object directory or ids), rows naming
    anyone or anything else are refused, each named by row and column. ``columns`` maps the file's headers to
    ours, as in :func:`load_tasks`.

    Raises
    ------
    LoadError
        With every bad row.
    """
    rows = _rows(Path(path), "conflicts", columns)
    _check_rows(path, "conflicts", rows, inspectors=_known(inspectors), objects=_known(objects))
    return ConflictList(_load(path, "conflicts", _conflict, columns))


def _competitor(data: dict[str, Any]) -> tuple[str, str]:
    return (str(data["object_id"]).strip(), str(data["competitor_id"]).strip())


def load_competitors(
    path: str | os.PathLike[str], *, objects: Any = None, columns: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """Read competitor pairs listed by a department from a CSV or JSON file with ``object_id,
    competitor_id``: a person affiliated with one object never inspects the other.

    Raises
    ------
    LoadError
        With every bad row (unknown objects when ``objects`` is given).
    """
    rows = _rows(Path(path), "competitors", columns)
    _check_rows(path, "competitors", rows, inspectors=None, objects=_known(objects))
    return _load(path, "competitors", _competitor, columns)


def load_history(
    path: str | os.PathLike[str],
    *,
    inspectors: Any = None,
    objects: Any = None,
    before: dt.date | None = None,
    columns: Mapping[str, str] | None = None,
) -> list[HistoryRecord]:
    """Read past inspections from a CSV or JSON file with ``object_id, inspector_id, date``.

    With ``inspectors`` and ``objects`` unknown ids are refused; with ``before`` (the first day of the plan
    year) records dated on or after it are refused: each bad row named.

    Raises
    ------
    LoadError
        With every bad row.
    """
    rows = _rows(Path(path), "history", columns)
    _check_rows(path, "history", rows, inspectors=_known(inspectors), objects=_known(objects), before=before)
    return _load(path, "history", HistoryRecord.from_dict, columns)
