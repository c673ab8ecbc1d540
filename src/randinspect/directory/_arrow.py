"""Parquet and Arrow tables of the object and inspector directories (needs the ``arrow`` extra: pyarrow).

A columnar table is read into the same :class:`~randinspect.directory._load.Table` the CSV reader produces,
so the same header resolution, validation, problem reports (row, column, value, hint) and digests apply.
What a CSV file cannot get wrong and a typed table can is checked first: the type of each column (text
where text is expected, a flag, a list of texts, a date) and, for a directory of Parquet part files, that
every part has the schema of the first. Either problem is reported without loading any row (strict loads
raise :class:`~randinspect.errors.SchemaError`).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from randinspect.directory._build import ProblemSink
from randinspect.directory._values import OBJECT_HEADERS, header_key
from randinspect.errors import InputError, SchemaError

if TYPE_CHECKING:
    from randinspect.directory._inspectors import InspectorDirectory
    from randinspect.directory._load import Table
    from randinspect.directory._objects import ObjectDirectory
    from randinspect.model import OrderedScale

__all__ = [
    "ARROW_SUFFIXES",
    "METADATA_KEY",
    "PARQUET_SUFFIXES",
    "arrow_table",
    "import_pyarrow",
    "inspectors_to_arrow",
    "object_column_kind",
    "objects_to_arrow",
    "parquet_parts",
    "read_arrow_file",
    "read_parquet",
    "scales_from_metadata",
    "table_from_arrow",
    "write_arrow_file",
    "write_parquet",
]

PathLike = str | os.PathLike[str]

#: Suffixes read as Parquet (a directory is read as a dataset of Parquet part files).
PARQUET_SUFFIXES: tuple[str, ...] = (".parquet", ".pq")
#: Suffixes read as Arrow IPC files (Feather version 2 is the same format).
ARROW_SUFFIXES: tuple[str, ...] = (".arrow", ".feather", ".ipc")
#: Schema metadata key under which the writers store a JSON description (format, digest, scales).
METADATA_KEY = b"randinspect"
#: The ``format`` value in that description.
OBJECTS_FORMAT = "randinspect-objects/1"
INSPECTORS_FORMAT = "randinspect-inspectors/1"

#: Kinds of column a typed table must match: text, an alive flag, a list of texts (or one text of
#: ``;``-separated items), a date (or its text).
TEXT, FLAG, LIST, DATE = "text", "flag", "list", "date"
_EXPECTED = {
    TEXT: ("text", "write the column as strings (pyarrow.string())"),
    FLAG: ("a boolean, 0/1 integers or text", "write the column as booleans (pyarrow.bool_())"),
    LIST: ("a list of strings or text", "write the column as pyarrow.list_(pyarrow.string())"),
    DATE: ("a date or text", "write the column as dates (pyarrow.date32()) or YYYY-MM-DD strings"),
}


def import_pyarrow() -> Any:
    """The ``pyarrow`` module, or :class:`~randinspect.errors.InputError` saying how to install it."""
    try:
        import pyarrow
    except ImportError:  # pragma: no cover - pyarrow is installed in the test environment
        raise InputError(
            "pyarrow is needed for Parquet and Arrow tables; install it with pip install 'randinspect[arrow]'"
        ) from None
    return pyarrow


def object_column_kind(header: str) -> str | None:
    """The kind of column an object-directory header names (``None`` for an unknown header)."""
    col = OBJECT_HEADERS.get(header_key(header))
    if col is None:
        stripped = header.strip()
        return TEXT if stripped.lower().startswith("risk@") or stripped.startswith("风险等级@") else None
    return {"alive": FLAG, "tags": LIST}.get(col, TEXT)


# -- reading --------------------------------------------------------------------------------------------


def _is_text(pa: Any, t: Any) -> bool:
    types = pa.types
    if types.is_dictionary(t):
        return _is_text(pa, t.value_type)
    return bool(
        types.is_string(t)
        or types.is_large_string(t)
        or getattr(types, "is_string_view", lambda _t: False)(t)
        or types.is_null(t)
    )


def _type_ok(pa: Any, t: Any, kind: str) -> bool:
    types = pa.types
    if _is_text(pa, t):
        return True
    if kind == FLAG:
        return bool(types.is_boolean(t) or types.is_integer(t))
    if kind == LIST:
        lists = (types.is_list(t) or types.is_large_list(t)) and _is_text(pa, t.value_type)
        return bool(lists)
    if kind == DATE:
        return bool(types.is_date(t) or types.is_timestamp(t))
    return False


def _text_array(pa: Any, chunk: Any) -> npt.NDArray[np.str_]:
    """One Arrow array of text as a numpy string array (nulls read as empty text, like empty CSV cells).

    A column of few distinct values converts each distinct value to Python once (through a dictionary
    encoding) and expands them by index in numpy; a column of mostly distinct values converts directly.
    """
    import pyarrow.compute as pc

    n = len(chunk)
    if pa.types.is_null(chunk.type) or n == chunk.null_count:
        return np.zeros(n, dtype="<U1")
    if not pa.types.is_dictionary(chunk.type):
        if pc.count_distinct(chunk).as_py() * 4 > n:  # mostly distinct (ids, names): convert directly
            filled = pc.fill_null(chunk.cast(pa.large_string()), "")
            return np.array(filled.to_numpy(zero_copy_only=False).tolist(), dtype=str)
        chunk = pc.dictionary_encode(chunk)
    values = chunk.dictionary.cast(pa.large_string()).to_pylist()
    table = np.array([*values, ""], dtype=str)
    indices = chunk.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)
    return np.asarray(table[indices])


def _joined_lists(pa: Any, column: Any) -> npt.NDArray[np.str_] | None:
    """A list-of-text column as one ``;``-joined text per row (how a CSV cell writes a list), or ``None``
    when an item holds a separator (``; ； |``) or is null: those rows must reach the validator as lists,
    which reports them."""
    import pyarrow.compute as pc

    parts = []
    for chunk in column.chunks:
        items = pc.list_flatten(chunk)
        if items.null_count or pc.any(pc.match_substring_regex(items, "[;；|]")).as_py():
            return None
        parts.append(_text_array(pa, pc.binary_join(chunk, ";")))
    if not parts:
        return np.zeros(0, dtype="<U1")
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def _cells(pa: Any, column: Any, kind: str | None, *, numpy_text: bool) -> Sequence[Any] | npt.NDArray[Any]:
    """The cells of a (chunked) column as the CSV reader would hand them on (text stays text)."""
    types = pa.types
    if _is_text(pa, column.type) and (numpy_text or kind == TEXT):
        parts = [_text_array(pa, c) for c in column.chunks] or [np.zeros(0, dtype="<U1")]
        text = np.concatenate(parts) if len(parts) > 1 else parts[0]
        return text if numpy_text else text.tolist()
    if kind == LIST and not _is_text(pa, column.type) and numpy_text:
        joined = _joined_lists(pa, column)
        if joined is not None:
            return joined
    if kind == FLAG and types.is_boolean(column.type) and column.null_count == 0:
        return np.asarray(column.to_numpy(), dtype=bool) if numpy_text else column.to_pylist()
    if kind == DATE and (types.is_date(column.type) or types.is_timestamp(column.type)):
        return [None if v is None else v.isoformat()[:10] for v in column.to_pylist()]
    return list(column.to_pylist())


def _mapped(
    kind_of: Callable[[str], str | None], columns: Mapping[str, str] | None
) -> Callable[[str], str | None]:
    """``kind_of`` read through a loader's ``columns=`` mapping (the file's header → ours), so a renamed
    column gets the type check of the column it is mapped to."""
    if not columns:
        return kind_of

    def kind(header: str) -> str | None:
        target = columns.get(header)
        return kind_of(target if isinstance(target, str) else header)

    return kind


def table_from_arrow(
    table: Any,
    *,
    sink: ProblemSink,
    kind_of: Callable[[str], str | None],
    numpy_text: bool,
    row_offset: int = 0,
) -> Table | None:
    """A :class:`Table` of a pyarrow table, or ``None`` (problems in ``sink``) when a column has a wrong type.

    ``kind_of(header)`` names the kind of column a header is (``None``: unknown, left to the header check).
    Row numbers are 1-based positions (after ``row_offset``). With ``numpy_text`` text columns become numpy
    string arrays (for the vectorised object builder), otherwise lists.
    """
    from randinspect.directory._load import Table

    pa = import_pyarrow()
    bad = False
    for field in table.schema:
        kind = kind_of(str(field.name))
        if kind is not None and not _type_ok(pa, field.type, kind):
            what, hint = _EXPECTED[kind]
            sink.add(
                column=str(field.name),
                message=f"column {field.name!r} holds {field.type} values where {what} is expected",
                value=str(field.type),
                hint=hint,
                code="column.type",
            )
            bad = True
    if bad:
        return None
    n = table.num_rows
    columns = [
        _cells(pa, table.column(j), kind_of(str(name)), numpy_text=numpy_text)
        for j, name in enumerate(table.column_names)
    ]
    return Table(
        header=tuple(str(h) for h in table.column_names),
        columns=columns,  # type: ignore[arg-type]
        row_numbers=np.arange(row_offset + 1, row_offset + n + 1, dtype=np.int64),
        rows_read=n,
    )


def arrow_table(value: Any) -> Any:
    """A pyarrow ``Table`` of a ``Table`` or ``RecordBatch``; :class:`InputError` for anything else."""
    pa = import_pyarrow()
    if isinstance(value, pa.Table):
        return value
    if isinstance(value, pa.RecordBatch):
        return pa.Table.from_batches([value])
    raise InputError(
        f"expected a pyarrow Table or RecordBatch (or a path to an Arrow file), not a {type(value).__name__}"
    )


def _unreadable(sink: ProblemSink, path: PathLike, exc: Exception, what: str) -> None:
    if isinstance(exc, OSError) and not type(exc).__module__.startswith("pyarrow"):
        sink.add(
            message=f"cannot read {os.fspath(path)}: {exc.strerror or exc}",
            hint="check the path and the file's permissions",
            code="file.unreadable",
        )
    else:
        sink.add(
            message=f"not a readable {what} file: {os.fspath(path)} ({exc})",
            hint=f"write the directory with to_{what.lower()}() or another {what} writer",
            code=f"{what.lower()}.invalid",
        )


def parquet_parts(path: PathLike) -> list[Path]:
    """The Parquet files of ``path``: the file itself, or every ``*.parquet``/``*.pq`` file below the
    directory ``path``, in order of their relative paths (hidden and ``_``-prefixed files left out)."""
    root = Path(path)
    if not root.is_dir():
        return [root]
    parts = [
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in PARQUET_SUFFIXES
        and not any(s.startswith((".", "_")) for s in p.relative_to(root).parts)
    ]
    return sorted(parts, key=lambda p: p.relative_to(root).as_posix())


def _schema_difference(first: Any, other: Any) -> tuple[str | None, str]:
    """The first column where two schemas differ, and how (``None`` column: they differ in columns)."""
    a = {f.name: f.type for f in first}
    b = {f.name: f.type for f in other}
    for name, t in a.items():
        if name not in b:
            return name, f"has no column {name!r}"
        if b[name] != t:
            return name, f"has column {name!r} as {b[name]} where the first part has {t}"
    extra = [n for n in b if n not in a]
    if extra:
        return extra[0], f"has a column {extra[0]!r} the first part does not have"
    return None, "lists the columns in another order"


def read_parquet(path: PathLike, *, sink: ProblemSink) -> Any:
    """Read a Parquet file, or a directory of part files with one schema, into one pyarrow table.

    Reports an unreadable or invalid file, an empty directory and a part whose schema differs from the
    first part's (``partition.schema``); ``None`` then.
    """
    import_pyarrow()
    import pyarrow.parquet as pq

    parts = parquet_parts(path)
    if not parts:
        sink.add(
            message=f"the directory {os.fspath(path)} holds no .parquet file",
            hint="point at a Parquet file or a directory of Parquet part files",
            code="file.empty",
        )
        return None
    tables = []
    first_schema = None
    for part in parts:
        try:
            table = pq.read_table(part)
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
            _unreadable(sink, part, exc, "Parquet")
            return None
        schema = table.schema.remove_metadata()
        if first_schema is None:
            first_schema = schema
        elif not schema.equals(first_schema):
            column, how = _schema_difference(first_schema, schema)
            sink.add(
                column=column,
                message=f"part {part.relative_to(path).as_posix()} {how}",
                value=os.fspath(part),
                hint="write every part of the dataset with one schema (the same columns and types)",
                code="partition.schema",
            )
            return None
        tables.append(table)
    if len(tables) == 1:
        return tables[0]
    pa = import_pyarrow()
    return pa.concat_tables([t.replace_schema_metadata(tables[0].schema.metadata) for t in tables])


def read_arrow_file(path: PathLike, *, sink: ProblemSink) -> Any:
    """Read an Arrow IPC file (or stream; Feather version 2) into a pyarrow table; ``None`` on a problem."""
    pa = import_pyarrow()
    import pyarrow.ipc as ipc

    try:
        with pa.memory_map(os.fspath(path), "r") as source:
            try:
                return ipc.open_file(source).read_all()
            except pa.ArrowInvalid:
                source.seek(0)
                return ipc.open_stream(source).read_all()
    except Exception as exc:
        _unreadable(sink, path, exc, "Arrow")
        return None


def _scale_info(scale: OrderedScale) -> dict[str, Any]:
    return {"name": scale.name, "levels": list(scale.levels), "labels": list(scale.labels)}


def scales_from_metadata(table: Any) -> tuple[OrderedScale | None, OrderedScale | None]:
    """The credit and risk scales a writer stored in the table's schema metadata (``None`` where none).

    A stored scale equal (name, levels, labels) to a default scale is that default (with its aliases).
    """
    from randinspect.model import DEFAULT_CREDIT_SCALE, DEFAULT_RISK_SCALE, OrderedScale

    meta = table.schema.metadata or {}
    raw = meta.get(METADATA_KEY)
    if raw is None:
        return None, None
    found: list[OrderedScale | None] = []
    for key, default in (("credit_scale", DEFAULT_CREDIT_SCALE), ("risk_scale", DEFAULT_RISK_SCALE)):
        try:
            info = json.loads(raw)[key]
            scale = OrderedScale(
                name=str(info["name"]),
                levels=tuple(str(x) for x in info["levels"]),
                labels=tuple(str(x) for x in info["labels"]),
            )
        except (ValueError, KeyError, TypeError, InputError):
            found.append(None)
            continue
        found.append(default if scale == default else scale)
    return found[0], found[1]


# -- writing --------------------------------------------------------------------------------------------


def _dictionary(pa: Any, codes: npt.NDArray[np.int32], categories: Sequence[str]) -> Any:
    return pa.DictionaryArray.from_arrays(
        pa.array(codes, type=pa.int32()), pa.array(list(categories), type=pa.string())
    )


def objects_to_arrow(directory: ObjectDirectory) -> Any:
    """The directory as a pyarrow table in canonical order (see :meth:`ObjectDirectory.to_arrow`)."""
    pa = import_pyarrow()
    arrays: dict[str, Any] = {
        "id": pa.array(directory.ids, type=pa.string()),
        "name": pa.array(directory.names, type=pa.string()),
    }
    for col in ("kind", "industry", "region", "unit", "credit", "risk"):
        codes, cats = directory.codes(col)
        arrays[col] = _dictionary(pa, codes, cats)
    arrays["alive"] = pa.array(directory.alive, type=pa.bool_())
    tag_codes, _ = directory.codes("tags")
    tagsets = directory._tagsets
    offsets = np.zeros(len(tagsets) + 1, dtype=np.int32)
    offsets[1:] = np.cumsum([len(t) for t in tagsets], dtype=np.int64)
    vocabulary = pa.ListArray.from_arrays(
        pa.array(offsets, type=pa.int32()),
        pa.array([t for ts in tagsets for t in ts], type=pa.string()),
    )
    arrays["tags"] = vocabulary.take(pa.array(tag_codes, type=pa.int32()))
    for d in directory.departments:
        codes, cats = directory.codes(f"risk@{d}")
        arrays[f"risk@{d}"] = _dictionary(pa, codes, cats)
    meta = {
        "format": OBJECTS_FORMAT,
        "digest": directory.digest,
        "credit_scale": _scale_info(directory.credit_scale),
        "risk_scale": _scale_info(directory.risk_scale),
    }
    return pa.table(arrays, metadata={METADATA_KEY: json.dumps(meta, ensure_ascii=False).encode("utf-8")})


def inspectors_to_arrow(directory: InspectorDirectory, columns: Sequence[str]) -> Any:
    """The public columns of an inspector directory as a pyarrow table (lists as lists, dates as dates)."""
    import datetime as dt

    pa = import_pyarrow()
    records = directory.to_public_records()
    arrays: dict[str, Any] = {}
    for col in columns:
        # Columns added in 0.2 (affiliation, directory dates, admission) appear only when set.
        values = [r.get(col) for r in records]
        if col in ("certificate_valid_from", "certificate_valid_to"):
            arrays[col] = pa.array([dt.date.fromisoformat(v) if v else None for v in values], pa.date32())
        elif col in ("specialties", "service_fields", "availability", "former_employers", "jurisdiction"):
            listed = [v if isinstance(v, list) else [x for x in str(v or "").split(";") if x] for v in values]
            arrays[col] = pa.array(listed, type=pa.list_(pa.string()))
        else:
            arrays[col] = pa.array(["" if v is None else str(v) for v in values], type=pa.string())
    meta = {"format": INSPECTORS_FORMAT, "digest": directory.digest}
    return pa.table(arrays, metadata={METADATA_KEY: json.dumps(meta, ensure_ascii=False).encode("utf-8")})


@contextlib.contextmanager
def _atomic_target(path: PathLike) -> Iterator[str]:
    """A temporary file name beside ``path``; it replaces ``path`` when the block succeeds, else it is
    removed (so a failed write leaves ``path`` as it was)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


#: Parquet writer options: fixed, so that the same table is written to the same bytes.
_PARQUET_OPTIONS: Mapping[str, Any] = {"compression": "zstd", "write_statistics": True}


def write_parquet(table: Any, path: PathLike, *, rows_per_file: int | None = None) -> None:
    """Write a pyarrow table to one Parquet file, or (``rows_per_file``) to a new directory of part files
    ``part-00000.parquet`` ...; a failure leaves no file behind (one file is written to a temporary name
    first; a directory is built beside ``path`` and renamed)."""
    import_pyarrow()
    import pyarrow.parquet as pq

    if rows_per_file is None:
        with _atomic_target(path) as tmp:
            pq.write_table(table, tmp, **_PARQUET_OPTIONS)
        return
    if rows_per_file < 1:
        raise InputError(f"rows_per_file must be at least 1, not {rows_per_file}")
    target = Path(path)
    if target.exists():
        raise InputError(f"{os.fspath(path)} exists; write a partitioned directory to a new path")
    build = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        n = table.num_rows
        for k, start in enumerate(range(0, max(n, 1), rows_per_file)):
            part = table.slice(start, rows_per_file)
            pq.write_table(part, build / f"part-{k:05d}.parquet", **_PARQUET_OPTIONS)
        os.replace(build, target)
    finally:
        if build.exists():
            for p in build.iterdir():
                p.unlink()
            build.rmdir()


def write_arrow_file(table: Any, path: PathLike) -> None:
    """Write a pyarrow table as an Arrow IPC file (Feather version 2), atomically."""
    pa = import_pyarrow()
    import pyarrow.ipc as ipc

    with _atomic_target(path) as tmp, pa.OSFile(tmp, "wb") as sink, ipc.new_file(sink, table.schema) as out:
        out.write_table(table)


def raise_schema(sink: ProblemSink) -> None:
    """Raise :class:`SchemaError` with the first problem of the sink."""
    raise SchemaError([sink.first()])


# -- loaders --------------------------------------------------------------------------------------------


def _scales(
    table: Any, credit_scale: OrderedScale | None, risk_scale: OrderedScale | None
) -> tuple[OrderedScale, OrderedScale]:
    """The scales to read with: the caller's, else the ones the writer stored, else the defaults."""
    from randinspect.model import DEFAULT_CREDIT_SCALE, DEFAULT_RISK_SCALE

    stored_credit, stored_risk = scales_from_metadata(table)
    return (
        credit_scale or stored_credit or DEFAULT_CREDIT_SCALE,
        risk_scale or stored_risk or DEFAULT_RISK_SCALE,
    )


def _failed_objects(sink: ProblemSink, strict: bool, rows_read: int = 0) -> Any:
    from randinspect.directory._load import _result

    if strict:
        if any(p.code in ("column.type", "partition.schema") for p in sink.problems):
            raise_schema(sink)
        sink.raise_first()
    return _result(None, sink, rows_read)


def objects_from_arrow_table(
    table: Any,
    *,
    strict: bool,
    credit_scale: OrderedScale | None,
    risk_scale: OrderedScale | None,
    accept_any_division: bool,
    source: str,
    sink: ProblemSink | None = None,
    columns: Mapping[str, str] | None = None,
) -> ObjectDirectory | Any:
    """Build an object directory from a pyarrow table (see :meth:`ObjectDirectory.from_arrow`).

    ``columns`` maps the table's column names to ours, exactly as for CSV: the column types are checked
    as the columns they are mapped to, and unknown or empty mappings are reported the same way."""
    from randinspect.directory._load import _build_from_table

    sink = sink if sink is not None else ProblemSink(source=source, strict=strict)
    if table is None:
        return _failed_objects(sink, strict)
    cs, rs = _scales(table, credit_scale, risk_scale)
    parsed = table_from_arrow(table, sink=sink, kind_of=_mapped(object_column_kind, columns), numpy_text=True)
    if parsed is None:
        return _failed_objects(sink, strict, table.num_rows)
    if parsed.rows_read == 0 and columns:
        from randinspect.directory._load import rename_columns

        rename_columns(parsed, columns, sink)  # a typo in the mapping is reported for an empty table too
        if strict and sink.problems:
            sink.raise_first()
    if parsed.rows_read == 0 and not sink.problems:
        from randinspect.directory._load import _empty_directory, _result

        empty = _empty_directory(cs, rs)
        return empty if strict else _result(empty, sink, 0)
    return _build_from_table(
        parsed,
        source=source,
        sink=sink,
        strict=strict,
        credit_scale=cs,
        risk_scale=rs,
        accept_any_division=accept_any_division,
        columns=columns,
    )


def objects_from_parquet(
    path: PathLike,
    *,
    strict: bool,
    credit_scale: OrderedScale | None,
    risk_scale: OrderedScale | None,
    accept_any_division: bool,
    columns: Mapping[str, str] | None = None,
) -> ObjectDirectory | Any:
    """See :meth:`ObjectDirectory.from_parquet`."""
    sink = ProblemSink(source=os.fspath(path), strict=strict)
    return objects_from_arrow_table(
        read_parquet(path, sink=sink),
        strict=strict,
        credit_scale=credit_scale,
        risk_scale=risk_scale,
        accept_any_division=accept_any_division,
        source=os.fspath(path),
        sink=sink,
        columns=columns,
    )


def objects_from_arrow(
    value: Any,
    *,
    strict: bool,
    credit_scale: OrderedScale | None,
    risk_scale: OrderedScale | None,
    accept_any_division: bool,
    source: str | None,
    columns: Mapping[str, str] | None = None,
) -> ObjectDirectory | Any:
    """See :meth:`ObjectDirectory.from_arrow`."""
    if isinstance(value, str | os.PathLike):
        src = source or os.fspath(value)
        sink = ProblemSink(source=src, strict=strict)
        table = read_arrow_file(value, sink=sink)
    else:
        src = source or "<arrow>"
        sink = ProblemSink(source=src, strict=strict)
        table = arrow_table(value)
    return objects_from_arrow_table(
        table,
        strict=strict,
        credit_scale=credit_scale,
        risk_scale=risk_scale,
        accept_any_division=accept_any_division,
        source=src,
        sink=sink,
        columns=columns,
    )


def _inspector_kind(header: str) -> str | None:
    from randinspect.directory._inspectors import INSPECTOR_HEADERS

    col = INSPECTOR_HEADERS.get(header_key(header))
    if col is None:
        return None
    if col in ("certificate_valid_from", "certificate_valid_to"):
        return DATE
    if col in ("specialties", "service_fields", "availability", "former_employers", "jurisdiction"):
        return LIST
    return TEXT


def inspectors_from_arrow_table(
    table: Any, *, sink: ProblemSink, columns: Mapping[str, str] | None = None
) -> InspectorDirectory | Any:
    """Build an inspector directory from a pyarrow table (``None``: what the sink holds made it fail);
    ``columns`` maps the table's column names to ours, as for CSV."""
    from randinspect.directory._inspectors import _failed, _inspectors_from_table

    if table is None:
        if sink.strict:
            raise_schema(sink) if _schema_problem(sink) else sink.raise_first()
        return _failed(sink, 0)
    parsed = table_from_arrow(table, sink=sink, kind_of=_mapped(_inspector_kind, columns), numpy_text=False)
    if parsed is None:
        if sink.strict:
            raise_schema(sink)
        return _failed(sink, table.num_rows)
    return _inspectors_from_table(parsed, sink, columns)


def _schema_problem(sink: ProblemSink) -> bool:
    return any(p.code in ("column.type", "partition.schema") for p in sink.problems)
