"""Loaders and writers of the object directory: records, CSV, JSON, pandas."""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import itertools
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast, overload

import attrs
import numpy as np
import numpy.typing as npt

from randinspect._io import atomic_write_text, csv_cell, csv_column, csv_uncell
from randinspect._json import loads as strict_json_loads
from randinspect.directory._build import ProblemSink, build_objects
from randinspect.directory._objects import ObjectDirectory
from randinspect.directory._report import LoadResult, ValidationReport
from randinspect.directory._text import (
    MOJIBAKE_HINT,
    DecodedText,
    decode_bytes,
    looks_like_mojibake,
    may_be_mojibake,
    read_bytes,
)
from randinspect.directory._values import (
    OBJECT_COLUMNS,
    OBJECT_HEADERS,
    OBJECT_HEADERS_ZH,
    REDACTED,
    closest_header,
    header_key,
)
from randinspect.errors import InputError, LoadError
from randinspect.model import OrderedScale

if TYPE_CHECKING:
    import pandas as pd

    from randinspect.directory._inspectors import InspectorDirectory

__all__ = [
    "HeaderMap",
    "Table",
    "directory_format",
    "load_inspectors",
    "load_objects",
    "objects_from_csv",
    "objects_from_dataframe",
    "objects_from_json",
    "objects_from_records",
    "objects_to_csv",
    "objects_to_dataframe",
    "objects_to_json",
    "read_json_records",
    "read_table",
    "records_to_table",
    "resolve_headers",
]

PathLike = str | os.PathLike[str]

#: Object columns a file must have (``tags`` and department risk columns are optional).
REQUIRED_OBJECT_COLUMNS: tuple[str, ...] = tuple(c for c in OBJECT_COLUMNS if c != "tags")
_DEPT_HEADER = re.compile(r"^(?:risk|风险等级)\s*@\s*(.+)$", re.IGNORECASE)
#: Object columns that take booleans and numbers in records and JSON (every other column holds text).
_SCALAR_OBJECT_COLUMNS = ("alive", "存续状态")
_NOT_BLANK = re.compile(b"[^ \t\r\n\xef\xbb\xbf]")


@attrs.frozen
class Table:
    """Cells read from a file, column by column: the header, one list per column, the 1-based row number
    of each kept row, and how many data rows were read (kept or not)."""

    header: tuple[str, ...]
    columns: list[list[Any]]
    row_numbers: list[int] | npt.NDArray[np.int64]
    rows_read: int

    def rows(self) -> list[tuple[Any, ...]]:
        """The kept rows (for small tables)."""
        return list(zip(*self.columns, strict=True)) if self.columns else []


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small lists (the CSV rows).

    Those lists hold only strings and cannot form cycles, but each allocation counts towards collections
    that rescan every row built so far; pausing makes a large CSV parse about 3 times faster. The previous
    state is restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _uncell_column(column: list[Any]) -> list[Any]:
    """A column with :func:`randinspect._io.csv_uncell` applied to the cells starting with an apostrophe."""
    if not any(isinstance(c, str) and c[:1] == "'" for c in column):
        return column
    return [csv_uncell(c) if isinstance(c, str) and c[:1] == "'" else c for c in column]


def _columns_of(rows: list[list[Any]], width: int) -> list[list[Any]]:
    """Transpose rows of equal length ``width`` into column lists."""
    if not rows:
        return [[] for _ in range(width)]
    flat = list(itertools.chain.from_iterable(rows))
    return [flat[j::width] for j in range(width)]


@attrs.frozen
class HeaderMap:
    """Where each known column is in a table, and the header text as written."""

    index: Mapping[str, int]
    labels: Mapping[str, str]
    extra: Mapping[str, int]


def _unreadable(sink: ProblemSink, exc: OSError) -> None:
    sink.add(
        message=f"cannot read the file: {exc.strerror or exc}",
        hint="check the path and the file's permissions",
        code="file.unreadable",
    )


def read_table(
    path: PathLike,
    *,
    encoding: str | None,
    sink: ProblemSink,
    private: Callable[[str], bool] | None = None,
) -> Table | None:
    """Read a CSV file into a :class:`Table` (see :func:`_read_table`), the garbage collector paused.

    The rows are freed (by reference counting) before the collector runs again, so it never scans them.
    """
    with _gc_paused():
        return _read_table(path, encoding=encoding, sink=sink, private=private)


def _read_decoded(
    path: PathLike, sink: ProblemSink, *, encoding: str | None, empty_hint: str
) -> DecodedText | None:
    """Read and decode a text file, reporting an unreadable, empty or undecodable file; ``None`` then."""
    try:
        data = read_bytes(path)
    except OSError as exc:
        _unreadable(sink, exc)
        return None
    if _NOT_BLANK.search(data) is None:  # only spaces, line breaks and BOM bytes (no copy of the data)
        sink.add(message="the file is empty", hint=empty_hint, code="file.empty")
        return None
    try:
        return decode_bytes(data, encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        sink.add(
            message=f"cannot decode the file ({exc})",
            hint="save the file as UTF-8 (or GB18030) text",
            code="encoding.unknown",
        )
        return None


def _read_table(
    path: PathLike,
    *,
    encoding: str | None,
    sink: ProblemSink,
    private: Callable[[str], bool] | None = None,
) -> Table | None:
    """Read a CSV file into a :class:`Table`, reporting unreadable, empty, undecodable and ragged input.

    Row numbers count CSV records after the header from 1 (blank lines count and are skipped). Cells that
    look garbled are reported as ``encoding.mojibake`` and their rows left out. Returns ``None`` when
    nothing could be read. Cells of columns for which ``private(header)`` is true are never shown in a
    problem (their value reads ``<redacted>``; ragged rows of such files show no value).
    """
    decoded = _read_decoded(
        path, sink, encoding=encoding, empty_hint="export the directory with a header row and data rows"
    )
    if decoded is None:
        return None
    try:
        records = list(csv.reader(io.StringIO(decoded.text, newline="")))
    except csv.Error as exc:
        sink.add(message=f"malformed CSV: {exc}", hint="check quoting in the file", code="csv.malformed")
        return None
    while records and not any(c.strip() for c in records[0]):
        records.pop(0)
    if not records:
        sink.add(
            message="the file is empty",
            hint="export the directory with a header row and data rows",
            code="file.empty",
        )
        return None
    header = tuple(records[0])
    width = len(header)
    hidden = [bool(private and private(h)) for h in header]
    suspect = may_be_mojibake(decoded.text)
    body = records[1:]
    del records
    if not suspect and set(map(len, body)) <= {width}:
        # fast path: no blank or ragged rows, nothing garbled
        table = Table(
            header=header,
            columns=_columns_of(body, width),
            row_numbers=np.arange(1, len(body) + 1, dtype=np.int64),
            rows_read=len(body),
        )
    else:
        rows: list[list[Any]] = []
        numbers: list[int] = []
        rows_read = 0
        for k, rec in enumerate(body, start=1):
            if not rec or (len(rec) == 1 and not rec[0].strip()):
                continue
            rows_read += 1
            if len(rec) != width:
                if len(rec) > width and not any(c.strip() for c in rec[width:]):
                    rec = rec[:width]
                else:
                    sink.add(
                        row=k,
                        message=f"row has {len(rec)} cells but the header has {width}",
                        value=None if any(hidden) else ",".join(rec)[:80],
                        hint="check for missing or extra separators, or an unquoted comma inside a name",
                        code="row.ragged",
                    )
                    if sink.strict:
                        return None
                    continue
            if suspect:
                garbled = [j for j, cell in enumerate(rec) if looks_like_mojibake(cell)]
                if garbled:
                    for j in garbled:
                        sink.add(
                            row=k,
                            column=header[j],
                            message=f"garbled text (mojibake) in a file read as {decoded.encoding}",
                            value=REDACTED if hidden[j] else rec[j],
                            hint=MOJIBAKE_HINT,
                            code="encoding.mojibake",
                        )
                    if sink.strict:
                        return None
                    continue
            rows.append(rec)
            numbers.append(k)
        table = Table(
            header=header, columns=_columns_of(rows, width), row_numbers=numbers, rows_read=rows_read
        )
    if "'" in decoded.text:
        # undo the spreadsheet-formula neutralisation of our CSV writers ('=x -> =x; docs/cli.md)
        table = attrs.evolve(table, columns=[_uncell_column(c) for c in table.columns])
    garbled_header = [h for h in header if looks_like_mojibake(h)]
    if garbled_header:
        sink.add(
            message=f"garbled header (mojibake) in a file read as {decoded.encoding}",
            column=garbled_header[0],
            value=garbled_header[0],
            hint=MOJIBAKE_HINT,
            code="encoding.mojibake",
        )
    return table


def resolve_headers(
    header: Sequence[str],
    *,
    known: Mapping[str, str],
    required: Sequence[str],
    sink: ProblemSink,
    department_columns: bool,
    describe: Mapping[str, str],
) -> HeaderMap | None:
    """Map headers to columns; report unknown (with the closest known header), duplicate and missing ones.

    Returns ``None`` when a required column is missing (nothing can be loaded).
    """
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    extra: dict[str, int] = {}
    for j, raw in enumerate(header):
        h = str(raw)
        key = header_key(h)
        col = known.get(key)
        dept_match = _DEPT_HEADER.match(h.strip()) if department_columns and col is None else None
        if dept_match is not None:
            col = f"risk@{dept_match.group(1).strip()}"
        if col is None:
            if not key:
                message, hint = "empty column header", "name every column, or delete the empty column"
            else:
                near = closest_header(h, describe)
                message = f"unknown column {h!r}"
                hint = (f"did you mean {near!r}? " if near else "") + "known columns: " + ", ".join(describe)
            sink.add(message=message, column=h, value=h, hint=hint, code="header.unknown")
            continue
        if col in index or col in extra:
            sink.add(
                message=f"column {h!r} repeats column {labels[col]!r}",
                column=h,
                value=h,
                hint="keep one column per field",
                code="header.duplicate",
            )
            continue
        labels[col] = h
        if col.startswith("risk@"):
            extra[col] = j
        else:
            index[col] = j
    missing = [c for c in required if c not in index]
    for c in missing:
        sink.add(
            message=f"required column {c!r} is missing",
            column=c,
            hint=f"add a column {c!r} (or {describe.get(c, c)!r})",
            code="header.missing",
        )
    if missing:
        return None
    return HeaderMap(index=index, labels=labels, extra=extra)


def _describe_object_headers() -> dict[str, str]:
    return (
        {c: OBJECT_HEADERS_ZH[c] for c in OBJECT_COLUMNS}
        | {OBJECT_HEADERS_ZH[c]: c for c in OBJECT_COLUMNS}
        | {"risk@DEPT": "风险等级@DEPT", "对象编号": "id"}
    )


def _build_from_table(
    table: Table,
    *,
    source: str,
    sink: ProblemSink,
    strict: bool,
    credit_scale: OrderedScale,
    risk_scale: OrderedScale,
    accept_any_division: bool,
    columns: Mapping[str, str] | None = None,
) -> LoadResult[ObjectDirectory] | ObjectDirectory:
    table = rename_columns(table, columns, sink)
    if strict and sink.problems:
        sink.raise_first()
    hmap = resolve_headers(
        table.header,
        known=OBJECT_HEADERS,
        required=REQUIRED_OBJECT_COLUMNS,
        sink=sink,
        department_columns=True,
        describe=_describe_object_headers(),
    )
    if strict and sink.problems:
        sink.raise_first()
    if hmap is None:
        return _result(None, sink, table.rows_read)
    sink.column_order = {str(h): j for j, h in enumerate(table.header)}
    cols = table.columns
    by_name: dict[str, Sequence[Any]] = {c: cols[j] for c, j in hmap.index.items()}
    dept = {c[5:]: cols[j] for c, j in hmap.extra.items()}
    directory, sink = build_objects(
        by_name,
        department_risk=dept,
        rows=np.asarray(table.row_numbers, dtype=np.int64),
        labels=hmap.labels,
        source=source,
        credit_scale=credit_scale,
        risk_scale=risk_scale,
        accept_any_division=accept_any_division,
        validate=True,
        strict=strict,
        sink=sink,
    )
    assert directory is not None
    if strict:
        return directory
    return _result(directory, sink, table.rows_read)


def _result(
    directory: ObjectDirectory | None, sink: ProblemSink, rows_read: int
) -> LoadResult[ObjectDirectory]:
    report = ValidationReport(
        source=sink.source,
        problems=sink.sorted(),
        rows_read=rows_read,
        rows_loaded=0 if directory is None else len(directory),
    )
    return LoadResult(directory=directory, report=report)


def _finish_failed(sink: ProblemSink, strict: bool, rows_read: int = 0) -> LoadResult[ObjectDirectory]:
    if strict:
        raise LoadError([sink.first()])
    return _result(None, sink, rows_read)


def objects_from_csv(
    path: PathLike,
    *,
    strict: bool,
    credit_scale: OrderedScale,
    risk_scale: OrderedScale,
    accept_any_division: bool,
    columns: Mapping[str, str] | None = None,
    encoding: str | None,
) -> ObjectDirectory | LoadResult[ObjectDirectory]:
    """See :meth:`ObjectDirectory.from_csv`."""
    source = os.fspath(path)
    sink = ProblemSink(source=source, strict=strict)
    table = read_table(path, encoding=encoding, sink=sink)
    if table is None or (strict and sink.problems):
        return _finish_failed(sink, strict, 0 if table is None else table.rows_read)
    return _build_from_table(
        table,
        source=source,
        sink=sink,
        strict=strict,
        credit_scale=credit_scale,
        risk_scale=risk_scale,
        accept_any_division=accept_any_division,
        columns=columns,
    )


def _is_missing(value: Any) -> bool:
    """True for ``None``, a float NaN and pandas' ``NA``/``NaT``: every loader reads them as an empty cell."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value  # NaN
    return type(value).__name__ in ("NAType", "NaTType")


def _is_text_value(value: Any) -> bool:
    """Text, or a list of texts (list columns such as tags, jurisdiction, specialties)."""
    if isinstance(value, str):
        return True
    return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)


def rename_columns(table: Table, columns: Mapping[str, str] | None, sink: ProblemSink) -> Table:
    """Apply a loader's ``columns=`` mapping (the vendor's header → ours) to a table's header.

    A header not in the mapping is kept; a mapped name that is not a header of the input is a problem
    (``columns.unknown``), so a typo in the mapping does not pass silently.
    """
    if not columns:
        return table
    unknown = sorted(set(columns) - set(table.header))
    for name in unknown:
        sink.add(
            column=name,
            message=f"columns= maps {name!r}, which is not a column of the input",
            hint="map the input's header names as written, e.g. columns={'企业名称': 'name'}",
            code="columns.unknown",
        )
    bad = sorted(str(k) for k, v in columns.items() if not isinstance(v, str) or not v.strip())
    for name in bad:
        sink.add(
            column=name,
            message="columns= maps this column to an empty or non-text name",
            code="columns.invalid",
        )
    header = tuple(columns.get(h, h) if isinstance(columns.get(h), str) else h for h in table.header)
    return attrs.evolve(table, header=header)


def records_to_table(
    records: Iterable[Any],
    *,
    sink: ProblemSink,
    what: str = "record",
    scalar_columns: Iterable[str] = (),
) -> Table:
    """Turn mappings into a :class:`Table` (keys in order of first appearance; missing keys read as empty).

    Missing values (``None``, NaN, pandas ``NA``/``NaT``) read as empty cells, as in every loader. A value
    that is not text (a number, a boolean, a nested object) in a text column refuses its row with a problem
    naming row and column: ``123`` for a name is a mistake, not the name ``"123"``. Columns whose header
    (normalised) is in ``scalar_columns`` (``alive``) also take booleans and numbers.
    """
    scalars = {header_key(c) for c in scalar_columns}
    recs: list[dict[str, Any]] = []
    numbers: list[int] = []
    rows_read = 0
    for k, rec in enumerate(records, start=1):
        rows_read += 1
        if not isinstance(rec, Mapping):
            sink.add(
                row=k,
                message=f"{what} is a {type(rec).__name__}, not a mapping of column names to values",
                hint='give each row as an object/dict such as {"id": ..., "name": ...}',
                code="record.type",
            )
            continue
        clean: dict[str, Any] = {}
        refused = False
        for key, value in rec.items():
            if _is_missing(value):
                clean[str(key)] = None
                continue
            if _is_text_value(value):
                clean[str(key)] = value
                continue
            is_number = isinstance(value, bool | int | float) or type(value).__module__ == "numpy"
            if is_number and header_key(str(key)) in scalars:
                clean[str(key)] = value
                continue
            kind = "a nested object or list" if isinstance(value, Mapping | list | tuple) else "not text"
            sink.add(
                row=k,
                column=str(key),
                message=f"value is {kind} ({type(value).__name__}); this column holds text",
                value=repr(value)[:80],
                hint='write the value as text in quotes, e.g. "7130" or "贵阳某某有限公司"',
                code="value.type",
            )
            refused = True
        if refused:
            continue
        recs.append(clean)
        numbers.append(k)
    keys: dict[str, None] = {}
    for rec in recs:
        for key in rec:
            keys.setdefault(key, None)
    header = tuple(keys)
    columns = [[rec.get(key) for rec in recs] for key in header]
    return Table(header=header, columns=columns, row_numbers=numbers, rows_read=rows_read)


def objects_from_records(
    records: Iterable[Mapping[str, Any]],
    *,
    strict: bool,
    credit_scale: OrderedScale,
    risk_scale: OrderedScale,
    accept_any_division: bool,
    columns: Mapping[str, str] | None = None,
    source: str,
) -> ObjectDirectory | LoadResult[ObjectDirectory]:
    """See :meth:`ObjectDirectory.from_records`."""
    sink = ProblemSink(source=source, strict=strict)
    table = records_to_table(records, sink=sink, scalar_columns=_SCALAR_OBJECT_COLUMNS)
    if strict and sink.problems:
        sink.raise_first()
    if not table.header and not sink.problems:
        # no records at all: the empty directory
        empty = _empty_directory(credit_scale, risk_scale)
        return empty if strict else _result(empty, sink, 0)
    return _build_from_table(
        table,
        source=source,
        sink=sink,
        strict=strict,
        credit_scale=credit_scale,
        risk_scale=risk_scale,
        accept_any_division=accept_any_division,
        columns=columns,
    )


def read_json_records(path: PathLike, *, key: str, sink: ProblemSink) -> list[Any] | None:
    """Read a JSON file holding a list of records or ``{key: [...]}``; report what is wrong, else ``None``."""
    decoded = _read_decoded(
        path, sink, encoding=None, empty_hint=f'write a JSON list of records or {{"{key}": [...]}}'
    )
    if decoded is None:
        return None
    try:
        value = strict_json_loads(decoded.text, source=sink.source)
    except LoadError as exc:
        first = exc.problems[0]
        sink.add(
            message=first.message,
            hint=first.hint or "check the file with a JSON validator",
            code="json.invalid" if first.code == "json.syntax" else first.code,
        )
        return None
    if isinstance(value, Mapping) and isinstance(value.get(key), list):
        return list(value[key])
    if isinstance(value, list):
        return value
    sink.add(
        message=f'the JSON holds a {type(value).__name__}, not a list of records or {{"{key}": [...]}}',
        hint=f"write a JSON list of records or an object with a {key!r} list",
        code="json.structure",
    )
    return None


def objects_from_json(
    path: PathLike,
    *,
    strict: bool,
    credit_scale: OrderedScale,
    risk_scale: OrderedScale,
    accept_any_division: bool,
    columns: Mapping[str, str] | None = None,
) -> ObjectDirectory | LoadResult[ObjectDirectory]:
    """See :meth:`ObjectDirectory.from_json`."""
    source = os.fspath(path)
    sink = ProblemSink(source=source, strict=strict)
    records = read_json_records(path, key="objects", sink=sink)
    if records is None:
        return _finish_failed(sink, strict)
    table = records_to_table(records, sink=sink, scalar_columns=_SCALAR_OBJECT_COLUMNS)
    if strict and sink.problems:
        sink.raise_first()
    if not len(table.row_numbers) and not sink.problems:
        return (
            _result(_empty_directory(credit_scale, risk_scale), sink, 0)
            if not strict
            else _empty_directory(credit_scale, risk_scale)
        )
    return _build_from_table(
        table,
        source=source,
        sink=sink,
        strict=strict,
        credit_scale=credit_scale,
        risk_scale=risk_scale,
        accept_any_division=accept_any_division,
        columns=columns,
    )


def _empty_directory(credit_scale: OrderedScale, risk_scale: OrderedScale) -> ObjectDirectory:
    return ObjectDirectory.from_arrays(
        id=[],
        name=[],
        kind=[],
        industry=[],
        region=[],
        unit=[],
        credit=[],
        risk=[],
        alive=[],
        credit_scale=credit_scale,
        risk_scale=risk_scale,
    )


def _import_pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is installed in the test environment
        raise InputError(
            "pandas is needed for DataFrame import and export; "
            "install it with pip install 'randinspect[pandas]'"
        ) from None
    return pd


def objects_from_dataframe(
    df: pd.DataFrame,
    *,
    strict: bool,
    credit_scale: OrderedScale,
    risk_scale: OrderedScale,
    accept_any_division: bool,
    columns: Mapping[str, str] | None = None,
    source: str,
) -> ObjectDirectory | LoadResult[ObjectDirectory]:
    """See :meth:`ObjectDirectory.from_dataframe`."""
    _import_pandas()
    sink = ProblemSink(source=source, strict=strict)
    header = tuple(str(c) for c in df.columns)
    cols: list[list[Any]] = []
    for j in range(df.shape[1]):
        s = df.iloc[:, j].astype(object)
        cols.append(s.where(s.notna(), None).tolist())
    table = Table(
        header=header, columns=cols, row_numbers=np.arange(1, len(df) + 1, dtype=np.int64), rows_read=len(df)
    )
    return _build_from_table(
        table,
        source=source,
        sink=sink,
        strict=strict,
        credit_scale=credit_scale,
        risk_scale=risk_scale,
        accept_any_division=accept_any_division,
        columns=columns,
    )


@overload
def load_objects(
    path: PathLike,
    *,
    strict: Literal[True] = True,
    credit_scale: OrderedScale | None = None,
    risk_scale: OrderedScale | None = None,
    accept_any_division: bool = False,
    columns: Mapping[str, str] | None = None,
) -> ObjectDirectory: ...


@overload
def load_objects(
    path: PathLike,
    *,
    strict: Literal[False],
    credit_scale: OrderedScale | None = None,
    risk_scale: OrderedScale | None = None,
    accept_any_division: bool = False,
    columns: Mapping[str, str] | None = None,
) -> LoadResult[ObjectDirectory]: ...


def load_objects(
    path: PathLike,
    *,
    strict: bool = True,
    credit_scale: OrderedScale | None = None,
    risk_scale: OrderedScale | None = None,
    accept_any_division: bool = False,
    columns: Mapping[str, str] | None = None,
) -> ObjectDirectory | LoadResult[ObjectDirectory]:
    """Load an object directory from a file, its format told by its suffix (:func:`directory_format`).

    ``.json``: :meth:`ObjectDirectory.from_json`; ``.parquet``/``.pq`` or a directory of part files:
    :meth:`ObjectDirectory.from_parquet`; ``.arrow``/``.feather``/``.ipc``:
    :meth:`ObjectDirectory.from_arrow`; any other suffix: :meth:`ObjectDirectory.from_csv`. With
    ``strict=True`` (default) returns the directory or raises :class:`~randinspect.errors.LoadError` at the
    first problem; with ``strict=False`` returns a :class:`LoadResult`. Scales default to the default
    scales (for Parquet and Arrow files: to the scales stored in the file, if any).
    ``columns`` maps the file's header names to ours (``{"企业名称": "name"}``), the same for every
    format: a Parquet or Arrow file with renamed columns loads as the CSV file with those headers.
    """
    from randinspect.model import DEFAULT_CREDIT_SCALE, DEFAULT_RISK_SCALE

    fmt = directory_format(path)
    if fmt in ("parquet", "arrow"):
        from randinspect.directory._arrow import objects_from_arrow, objects_from_parquet

        if fmt == "parquet":
            return objects_from_parquet(
                path,
                strict=strict,
                credit_scale=credit_scale,
                risk_scale=risk_scale,
                accept_any_division=accept_any_division,
                columns=columns,
            )
        return objects_from_arrow(
            path,
            strict=strict,
            credit_scale=credit_scale,
            risk_scale=risk_scale,
            accept_any_division=accept_any_division,
            source=None,
            columns=columns,
        )
    cs = credit_scale or DEFAULT_CREDIT_SCALE
    rs = risk_scale or DEFAULT_RISK_SCALE
    if fmt == "json":
        return objects_from_json(
            path,
            strict=strict,
            credit_scale=cs,
            risk_scale=rs,
            accept_any_division=accept_any_division,
            columns=columns,
        )
    return objects_from_csv(
        path,
        strict=strict,
        credit_scale=cs,
        risk_scale=rs,
        accept_any_division=accept_any_division,
        columns=columns,
        encoding=None,
    )


DirectoryFormat = Literal["csv", "json", "parquet", "arrow"]


def directory_format(path: PathLike) -> DirectoryFormat:
    """The format of a directory file, told by its suffix: ``"json"`` (``.json``), ``"parquet"``
    (``.parquet``, ``.pq``, or a directory, read as a dataset of Parquet part files), ``"arrow"``
    (``.arrow``, ``.feather``, ``.ipc``), else ``"csv"``. Every loader of the command line goes through it.

    Examples
    --------
    >>> directory_format("objects.parquet"), directory_format("objects.JSON"), directory_format("x.csv")
    ('parquet', 'json', 'csv')
    """
    from randinspect.directory._arrow import ARROW_SUFFIXES, PARQUET_SUFFIXES

    name = os.fspath(path).lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith(PARQUET_SUFFIXES) or os.path.isdir(path):
        return "parquet"
    if name.endswith(ARROW_SUFFIXES):
        return "arrow"
    return "csv"


@overload
def load_inspectors(
    path: PathLike, *, strict: Literal[True] = True, columns: Mapping[str, str] | None = None
) -> InspectorDirectory: ...


@overload
def load_inspectors(
    path: PathLike, *, strict: Literal[False], columns: Mapping[str, str] | None = None
) -> LoadResult[InspectorDirectory]: ...


def load_inspectors(
    path: PathLike, *, strict: bool = True, columns: Mapping[str, str] | None = None
) -> InspectorDirectory | LoadResult[InspectorDirectory]:
    """Load an inspector directory from a file, its format told by its suffix (:func:`directory_format`):
    :meth:`InspectorDirectory.from_json`, ``from_parquet``, ``from_arrow`` or ``from_csv``.

    With ``strict=True`` (default) returns the directory or raises :class:`~randinspect.errors.LoadError`
    at the first problem; with ``strict=False`` returns a :class:`LoadResult`. ``columns`` maps the file's
    header names to ours (``{"执法证号": "certificate"}``), the same for every format.
    """
    from randinspect.directory._inspectors import InspectorDirectory

    fmt = directory_format(path)
    if fmt == "json":
        return InspectorDirectory.from_json(path, strict=strict, columns=columns)  # type: ignore[call-overload,no-any-return]
    if fmt == "parquet":
        return InspectorDirectory.from_parquet(path, strict=strict, columns=columns)  # type: ignore[call-overload,no-any-return]
    if fmt == "arrow":
        return InspectorDirectory.from_arrow(path, strict=strict, columns=columns)  # type: ignore[call-overload,no-any-return]
    return InspectorDirectory.from_csv(path, strict=strict, columns=columns)  # type: ignore[call-overload,no-any-return]


# -- writers ---------------------------------------------------------------------------------------------


def _write_text(path: PathLike | None, text: str) -> None:
    if path is not None:
        atomic_write_text(path, text, what="directory")


def objects_to_csv(directory: ObjectDirectory, path: PathLike | None, *, chinese_headers: bool) -> str:
    """See :meth:`ObjectDirectory.to_csv`."""
    depts = directory.departments
    if chinese_headers:
        header = [OBJECT_HEADERS_ZH[c] for c in OBJECT_COLUMNS] + [f"风险等级@{d}" for d in depts]
    else:
        header = [*OBJECT_COLUMNS, *(f"risk@{d}" for d in depts)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    n = len(directory)
    chunk = 65_536
    tag_text = [";".join(ts) for ts in directory._tagsets]
    for start in range(0, n, chunk):
        stop = start + chunk
        cols: list[list[Any]] = [
            directory.ids[start:stop].tolist(),
            directory.names[start:stop].tolist(),
            directory.kinds[start:stop].tolist(),
            directory.industries[start:stop].tolist(),
            directory.regions[start:stop].tolist(),
            directory.units[start:stop].tolist(),
            directory.credit[start:stop].tolist(),
            directory.risk[start:stop].tolist(),
            np.where(directory.alive[start:stop], "1", "0").tolist(),
            [tag_text[c] for c in directory._codes["tags"][start:stop].tolist()],
            *(directory.risk_for(d)[start:stop].tolist() for d in depts),
        ]
        writer.writerows(zip(*(csv_column(c) for c in cols), strict=True))
    text = buf.getvalue()
    _write_text(path, text)
    return text


def objects_to_json(directory: ObjectDirectory, path: PathLike | None, *, indent: int | None) -> str:
    """See :meth:`ObjectDirectory.to_json`."""
    payload = {
        "format": "randinspect-objects/1",
        "digest": directory.digest,
        "objects": directory.to_records(),
    }
    text = json.dumps(payload, ensure_ascii=False, indent=indent)
    _write_text(path, text)
    return text


def objects_to_dataframe(directory: ObjectDirectory) -> pd.DataFrame:
    """See :meth:`ObjectDirectory.to_dataframe`."""
    pandas_mod = _import_pandas()
    data: dict[str, Any] = {"id": directory.ids, "name": directory.names}
    for col in ("kind", "industry", "region", "unit", "credit", "risk"):
        codes, cats = directory.codes(col)
        data[col] = (
            pandas_mod.Categorical.from_codes(codes, categories=list(cats))
            if cats
            else pandas_mod.Categorical([])
        )
    data["alive"] = directory.alive
    data["tags"] = list(directory.tags)
    for d in directory.departments:
        codes, cats = directory.codes(f"risk@{d}")
        data[f"risk@{d}"] = pandas_mod.Categorical.from_codes(codes, categories=list(cats))
    return cast("pd.DataFrame", pandas_mod.DataFrame(data))
