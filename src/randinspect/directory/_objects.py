"""The object directory (检查对象名录库): an immutable, columnar table of every supervised object."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NoReturn, overload

import numpy as np
import numpy.typing as npt

from randinspect.directory._scope import Scope
from randinspect.directory._values import OBJECT_COLUMNS
from randinspect.errors import InputError
from randinspect.model import DEFAULT_CREDIT_SCALE, DEFAULT_RISK_SCALE, OrderedScale, SubjectKind

if TYPE_CHECKING:
    import pandas as pd

    from randinspect.directory._report import LoadResult

__all__ = ["CATEGORICAL_COLUMNS", "DIGEST_FORMAT", "ObjectDirectory"]

#: Columns stored as integer codes into a tuple of categories (``ObjectDirectory.codes``).
CATEGORICAL_COLUMNS: tuple[str, ...] = (
    "kind",
    "industry",
    "region",
    "unit",
    "credit",
    "risk",
    "alive",
    "tags",
)

#: First line of the canonical serialisation behind :attr:`ObjectDirectory.digest` (bump on any change).
DIGEST_FORMAT = "randinspect-object-directory/1"

#: Categories of the ``kind`` column: every :class:`SubjectKind` value, in enum order.
KIND_CATEGORIES: tuple[str, ...] = tuple(k.value for k in SubjectKind)
#: Index of each kind category that is a subject (identified by a USCC).
SUBJECT_KIND_CODES: tuple[int, ...] = tuple(i for i, k in enumerate(SubjectKind) if k.is_subject)
#: Categories of the ``alive`` column (code 0 = dormant, 1 = alive).
ALIVE_CATEGORIES: tuple[str, ...] = ("false", "true")

_CHUNK = 65_536
#: Rows per block of :meth:`ObjectDirectory.canonical_lines`; small blocks stay in the CPU cache (measured
#: about a third faster than 65,536 rows for a million objects). The block size never changes the text.
_DIGEST_CHUNK = 4_096

IntArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]
PathLike = str | os.PathLike[str]


def _readonly(arr: npt.NDArray[Any]) -> npt.NDArray[Any]:
    arr.flags.writeable = False
    return arr


def _take(categories: Sequence[str], codes: IntArray) -> StrArray:
    """Expand categorical codes to a string array."""
    if len(categories) == 0:
        return np.array([], dtype=str)
    table = np.array(categories, dtype=str)
    return table[codes]


class ObjectDirectory:
    """The object directory (检查对象名录库): every supervised object, immutable and columnar.

    Objects are enterprises, individual businesses, public institutions, social organisations, private
    non-enterprise units and other subjects (identified by their unified social credit code), and products,
    projects and behaviours (identified by ids of their own scheme, §四(二)). The directory is stored as numpy
    arrays in canonical order (ascending id by code point); low-cardinality columns are integer codes into a
    tuple of categories, so scope filters work on the categories and then index the codes.

    Build one with :meth:`from_arrays`, :meth:`from_records`, :meth:`from_csv`, :meth:`from_json`,
    :meth:`from_dataframe`, :meth:`from_parquet` or :meth:`from_arrow`. Every array the directory hands out
    is read-only; methods that change something return a new directory.

    Two directories are equal when their :attr:`digest` is equal, whatever the order or the way they were
    built.

    Attributes
    ----------
    credit_scale:
        The ordered scale of credit grades (信用等级) the ``credit`` column uses.
    risk_scale:
        The ordered scale of risk classes (风险等级) the ``risk`` column and department risk columns use.
    """

    __slots__ = (
        "_alive",
        "_cache",
        "_cats",
        "_codes",
        "_dept_risk",
        "_ids",
        "_names",
        "_tagsets",
        "credit_scale",
        "risk_scale",
    )

    _ids: StrArray
    _names: StrArray
    _codes: Mapping[str, IntArray]
    _cats: Mapping[str, tuple[str, ...]]
    _tagsets: tuple[tuple[str, ...], ...]
    _alive: BoolArray
    _dept_risk: Mapping[str, IntArray]
    _cache: dict[str, Any]
    credit_scale: OrderedScale
    risk_scale: OrderedScale

    def __init__(self) -> None:
        raise TypeError(
            "build an ObjectDirectory with ObjectDirectory.from_arrays, from_records, from_csv, "
            "from_json or from_dataframe"
        )

    # -- construction (internal) -------------------------------------------------------------------------

    @classmethod
    def _assemble(
        cls,
        *,
        ids: StrArray,
        names: StrArray,
        codes: Mapping[str, IntArray],
        cats: Mapping[str, tuple[str, ...]],
        tagsets: tuple[tuple[str, ...], ...],
        alive: BoolArray,
        dept_risk: Mapping[str, IntArray],
        credit_scale: OrderedScale,
        risk_scale: OrderedScale,
    ) -> ObjectDirectory:
        """Create a directory from canonical parts (sorted, validated); prunes unused open categories."""
        self = object.__new__(cls)
        new_codes: dict[str, IntArray] = {}
        new_cats: dict[str, tuple[str, ...]] = {}
        new_tagsets = tagsets
        for col in ("kind", "industry", "region", "unit", "credit", "risk", "tags"):
            c = np.ascontiguousarray(codes[col], dtype=np.int32)
            cat = cats[col]
            if col in ("industry", "region", "unit", "tags"):
                used = np.bincount(c, minlength=len(cat)) > 0 if len(c) else np.zeros(len(cat), dtype=bool)
                if not used.all():
                    remap = np.cumsum(used, dtype=np.int32) - 1
                    c = remap[c] if len(c) else c
                    keep = np.flatnonzero(used)
                    cat = tuple(cat[i] for i in keep)
                    if col == "tags":
                        new_tagsets = tuple(tagsets[i] for i in keep)
            new_codes[col] = _readonly(c)
            new_cats[col] = cat
        for name, value in (
            ("_ids", _readonly(np.asarray(ids, dtype=str))),
            ("_names", _readonly(np.asarray(names, dtype=str))),
            ("_codes", new_codes),
            ("_cats", new_cats),
            ("_tagsets", new_tagsets),
            ("_alive", _readonly(np.asarray(alive, dtype=bool))),
            (
                "_dept_risk",
                {d: _readonly(np.ascontiguousarray(dept_risk[d], dtype=np.int32)) for d in sorted(dept_risk)},
            ),
            ("_cache", {}),
            ("credit_scale", credit_scale),
            ("risk_scale", risk_scale),
        ):
            object.__setattr__(self, name, value)
        return self

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(
            f"ObjectDirectory is immutable; use with_columns() to get a changed copy ({name})"
        )

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("ObjectDirectory is immutable")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        parts = {
            "ids": self._ids,
            "names": self._names,
            "codes": dict(self._codes),
            "cats": dict(self._cats),
            "tagsets": self._tagsets,
            "alive": self._alive,
            "dept_risk": dict(self._dept_risk),
            "credit_scale": self.credit_scale,
            "risk_scale": self.risk_scale,
        }
        return (_restore, (parts,))

    # -- builders ----------------------------------------------------------------------------------------

    @classmethod
    def from_arrays(
        cls,
        *,
        id: Sequence[Any] | npt.NDArray[Any],
        name: Sequence[Any] | npt.NDArray[Any],
        kind: Sequence[Any] | npt.NDArray[Any],
        industry: Sequence[Any] | npt.NDArray[Any],
        region: Sequence[Any] | npt.NDArray[Any],
        unit: Sequence[Any] | npt.NDArray[Any],
        credit: Sequence[Any] | npt.NDArray[Any],
        risk: Sequence[Any] | npt.NDArray[Any],
        alive: Sequence[Any] | npt.NDArray[Any],
        tags: Sequence[Any] | npt.NDArray[Any] | None = None,
        department_risk: Mapping[str, Sequence[Any] | npt.NDArray[Any]] | None = None,
        credit_scale: OrderedScale = DEFAULT_CREDIT_SCALE,
        risk_scale: OrderedScale = DEFAULT_RISK_SCALE,
        validate: bool = True,
        accept_any_division: bool = False,
        source: str = "<arrays>",
    ) -> ObjectDirectory:
        """Build a directory from one array (or sequence) per column, in any row order.

        Parameters
        ----------
        id, name, kind, industry, region, unit, credit, risk, alive:
            Columns of equal length. Values are read as described in :doc:`/loading` (kinds via
            ``SubjectKind.parse``, grades and classes via the scales, alive flags via 1/0, true/false, 是/否,
            存续/在营, 吊销/注销).
        tags:
            Per object, a tuple of tags or one string of tags separated by ``;``, ``；`` or ``|``.
        department_risk:
            Department code → risk column of that department (per-department risk class, §四(二)2). An
            empty value falls back to the general ``risk``.
        credit_scale, risk_scale:
            Scales the grades and classes are read with.
        validate:
            Check USCC check digits, industry codes and division codes. ``False`` trusts them (still
            normalising text, reading kinds, grades, classes and flags, and rejecting duplicate ids).
        accept_any_division:
            Accept any well-formed 6-digit division code, not only codes in the shipped GB/T 2260 table.
        source:
            How problems name the input.

        Raises
        ------
        LoadError
            At the first problem (row = 1-based position in the arrays); nothing is built.
        """
        from randinspect.directory._build import build_objects

        columns: dict[str, Sequence[Any] | npt.NDArray[Any]] = {
            "id": id,
            "name": name,
            "kind": kind,
            "industry": industry,
            "region": region,
            "unit": unit,
            "credit": credit,
            "risk": risk,
            "alive": alive,
        }
        if tags is not None:
            columns["tags"] = tags
        lengths = {k: len(v) for k, v in columns.items()}
        for dept, col in (department_risk or {}).items():
            lengths[f"risk@{dept}"] = len(col)
        if len(set(lengths.values())) > 1:
            raise InputError(f"columns differ in length: {lengths}; every column needs one value per object")
        directory, _ = build_objects(
            columns,
            department_risk=dict(department_risk or {}),
            rows=None,
            labels={},
            source=source,
            credit_scale=credit_scale,
            risk_scale=risk_scale,
            accept_any_division=accept_any_division,
            validate=validate,
            strict=True,
        )
        assert directory is not None
        return directory

    @overload
    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        strict: Literal[True] = True,
        credit_scale: OrderedScale = ...,
        risk_scale: OrderedScale = ...,
        accept_any_division: bool = ...,
        columns: Mapping[str, str] | None = ...,
        source: str = ...,
    ) -> ObjectDirectory: ...

    @overload
    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        strict: Literal[False],
        credit_scale: OrderedScale = ...,
        risk_scale: OrderedScale = ...,
        accept_any_division: bool = ...,
        columns: Mapping[str, str] | None = ...,
        source: str = ...,
    ) -> LoadResult[ObjectDirectory]: ...

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        strict: bool = True,
        credit_scale: OrderedScale = DEFAULT_CREDIT_SCALE,
        risk_scale: OrderedScale = DEFAULT_RISK_SCALE,
        accept_any_division: bool = False,
        columns: Mapping[str, str] | None = None,
        source: str = "<records>",
    ) -> ObjectDirectory | LoadResult[ObjectDirectory]:
        """Build a directory from mappings keyed by column names (English or Chinese headers).

        Keys are read like CSV headers (``id`` or ``统一社会信用代码``, ``risk@SAMR`` ...); ``tags`` may be a
        list. Row numbers in problems are 1-based positions in ``records``. With ``strict=True`` (default)
        the first problem raises :class:`~randinspect.errors.LoadError`; with ``strict=False`` a
        :class:`LoadResult` holds the directory of the valid rows and a report of every problem.

        Missing values (``None``, NaN, pandas ``NA``) read as empty cells, as in :meth:`from_dataframe`;
        a value that is not text in a text column (``"name": 123``) refuses its row (``alive`` also takes
        booleans and numbers). ``columns`` maps key names to ours, as in :meth:`from_csv`.
        """
        from randinspect.directory._load import objects_from_records

        return objects_from_records(
            records,
            strict=strict,
            credit_scale=credit_scale,
            risk_scale=risk_scale,
            accept_any_division=accept_any_division,
            columns=columns,
            source=source,
        )

    @overload
    @classmethod
    def from_csv(
        cls,
        path: PathLike,
        *,
        strict: Literal[True] = True,
        credit_scale: OrderedScale = ...,
        risk_scale: OrderedScale = ...,
        accept_any_division: bool = ...,
        columns: Mapping[str, str] | None = ...,
        encoding: str | None = ...,
    ) -> ObjectDirectory: ...

    @overload
    @classmethod
    def from_csv(
        cls,
        path: PathLike,
        *,
        strict: Literal[False],
        credit_scale: OrderedScale = ...,
        risk_scale: OrderedScale = ...,
        accept_any_division: bool = ...,
        columns: Mapping[str, str] | None = ...,
        encoding: str | None = ...,
    ) -> LoadResult[ObjectDirectory]: ...

    @classmethod
    def from_csv(
        cls,
        path: PathLike,
        *,
        strict: bool = True,
        credit_scale: OrderedScale = DEFAULT_CREDIT_SCALE,
        risk_scale: OrderedScale = DEFAULT_RISK_SCALE,
        accept_any_division: bool = False,
        columns: Mapping[str, str] | None = None,
        encoding: str | None = None,
    ) -> ObjectDirectory | LoadResult[ObjectDirectory]:
        """Load a directory from a CSV file with English or Chinese headers.

        The encoding is detected (UTF-8, UTF-8 with BOM, then GB18030) unless ``encoding`` is given. Row
        numbers in problems count data records after the header from 1. ``columns`` maps the file's
        header names to ours (``{"企业名称": "name"}``) so a vendor need not rename them; a mapped name
        the file does not have is a problem. See :doc:`/loading`.
        """
        from randinspect.directory._load import objects_from_csv

        return objects_from_csv(
            path,
            strict=strict,
            credit_scale=credit_scale,
            risk_scale=risk_scale,
            accept_any_division=accept_any_division,
            columns=columns,
            encoding=encoding,
        )

    @overload
    @classmethod
    def from_json(
        cls,
        path: PathLike,
        *,
        strict: Literal[True] = True,
        credit_scale: OrderedScale = ...,
        risk_scale: OrderedScale = ...,
        accept_any_division: bool = ...,
        columns: Mapping[str, str] | None = ...,
    ) -> ObjectDirectory: ...

    @overload
    @classmethod
    def from_json(
        cls,
        path: PathLike,
        *,
        strict: Literal[False],
        credit_scale: OrderedScale = ...,
        risk_scale: OrderedScale = ...,
        accept_any_division: bool = ...,
        columns: Mapping[str, str] | None = ...,
    ) -> LoadResult[ObjectDirectory]: ...

    @classmethod
    def from_json(
        cls,
        path: PathLike,
        *,
        strict: bool = True,
        credit_scale: OrderedScale = DEFAULT_CREDIT_SCALE,
        risk_scale: OrderedScale = DEFAULT_RISK_SCALE,
        accept_any_division: bool = False,
        columns: Mapping[str, str] | None = None,
    ) -> ObjectDirectory | LoadResult[ObjectDirectory]:
        """Load a directory from a JSON file holding a list of records or ``{"objects": [...]}``.

        Read by the strict JSON reader (a key given twice, ``NaN`` or deep nesting is refused); a value
        that is not text in a text column (``"name": 123``) refuses its row. ``columns`` maps key names
        to ours, as in :meth:`from_csv`.
        """
        from randinspect.directory._load import objects_from_json

        return objects_from_json(
            path,
            strict=strict,
            credit_scale=credit_scale,
            risk_scale=risk_scale,
            accept_any_division=accept_any_division,
            columns=columns,
        )

    @overload
    @classmethod
    def from_dataframe(
        cls,
        df: pd.DataFrame,
        *,
        strict: Literal[True] = True,
        credit_scale: OrderedScale = ...,
        risk_scale: OrderedScale = ...,
        accept_any_division: bool = ...,
        columns: Mapping[str, str] | None = ...,
        source: str = ...,
    ) -> ObjectDirectory: ...

    @overload
    @classmethod
    def from_dataframe(
        cls,
        df: pd.DataFrame,
        *,
        strict: Literal[False],
        credit_scale: OrderedScale = ...,
        risk_scale: OrderedScale = ...,
        accept_any_division: bool = ...,
        columns: Mapping[str, str] | None = ...,
        source: str = ...,
    ) -> LoadResult[ObjectDirectory]: ...

    @classmethod
    def from_dataframe(
        cls,
        df: pd.DataFrame,
        *,
        strict: bool = True,
        credit_scale: OrderedScale = DEFAULT_CREDIT_SCALE,
        risk_scale: OrderedScale = DEFAULT_RISK_SCALE,
        accept_any_division: bool = False,
        columns: Mapping[str, str] | None = None,
        source: str = "<dataframe>",
    ) -> ObjectDirectory | LoadResult[ObjectDirectory]:
        """Build a directory from a pandas DataFrame whose columns are named like CSV headers.

        Missing values (``NaN``, ``None``) read as empty cells. Row numbers in problems are 1-based
        positions in the frame (not its index labels). ``columns`` maps the frame's column names to ours,
        as in :meth:`from_csv`. Requires pandas (``pip install randinspect[pandas]``).
        """
        from randinspect.directory._load import objects_from_dataframe

        return objects_from_dataframe(
            df,
            strict=strict,
            credit_scale=credit_scale,
            risk_scale=risk_scale,
            accept_any_division=accept_any_division,
            columns=columns,
            source=source,
        )

    @overload
    @classmethod
    def from_parquet(
        cls,
        path: PathLike,
        *,
        strict: Literal[True] = True,
        credit_scale: OrderedScale | None = ...,
        risk_scale: OrderedScale | None = ...,
        accept_any_division: bool = ...,
        columns: Mapping[str, str] | None = ...,
    ) -> ObjectDirectory: ...

    @overload
    @classmethod
    def from_parquet(
        cls,
        path: PathLike,
        *,
        strict: Literal[False],
        credit_scale: OrderedScale | None = ...,
        risk_scale: OrderedScale | None = ...,
        accept_any_division: bool = ...,
        columns: Mapping[str, str] | None = ...,
    ) -> LoadResult[ObjectDirectory]: ...

    @classmethod
    def from_parquet(
        cls,
        path: PathLike,
        *,
        strict: bool = True,
        credit_scale: OrderedScale | None = None,
        risk_scale: OrderedScale | None = None,
        accept_any_division: bool = False,
        columns: Mapping[str, str] | None = None,
    ) -> ObjectDirectory | LoadResult[ObjectDirectory]:
        """Load a directory from a Parquet file, or from a directory of Parquet part files (a dataset).

        Columns are named like CSV headers (English or Chinese). Text columns must hold strings (plain or
        dictionary-encoded), ``alive`` booleans, 0/1 integers or text, ``tags`` lists of strings or text; a
        column of another type, or a part whose schema differs from the first part's, is a problem
        (``column.type``, ``partition.schema``: strict loads raise
        :class:`~randinspect.errors.SchemaError`) and nothing is loaded. Values are then validated exactly
        as in :meth:`from_csv` (nulls read as empty cells), with the same problem reports; row numbers
        are 1-based positions, counted through the part files in order of their paths. Scales default
        to the ones :meth:`to_parquet` stored in the file, else the default scales. Requires pyarrow
        (``pip install 'randinspect[arrow]'``). ``columns`` maps the file's column names to ours
        (``{"企业名称": "name"}``), as in :meth:`from_csv`; a mapped column is type-checked as the column
        it is mapped to. See :doc:`/loading`.
        """
        from randinspect.directory._arrow import objects_from_parquet

        return objects_from_parquet(
            path,
            strict=strict,
            credit_scale=credit_scale,
            risk_scale=risk_scale,
            accept_any_division=accept_any_division,
            columns=columns,
        )

    @overload
    @classmethod
    def from_arrow(
        cls,
        table: Any,
        *,
        strict: Literal[True] = True,
        credit_scale: OrderedScale | None = ...,
        risk_scale: OrderedScale | None = ...,
        accept_any_division: bool = ...,
        columns: Mapping[str, str] | None = ...,
        source: str | None = ...,
    ) -> ObjectDirectory: ...

    @overload
    @classmethod
    def from_arrow(
        cls,
        table: Any,
        *,
        strict: Literal[False],
        credit_scale: OrderedScale | None = ...,
        risk_scale: OrderedScale | None = ...,
        accept_any_division: bool = ...,
        columns: Mapping[str, str] | None = ...,
        source: str | None = ...,
    ) -> LoadResult[ObjectDirectory]: ...

    @classmethod
    def from_arrow(
        cls,
        table: Any,
        *,
        strict: bool = True,
        credit_scale: OrderedScale | None = None,
        risk_scale: OrderedScale | None = None,
        accept_any_division: bool = False,
        columns: Mapping[str, str] | None = None,
        source: str | None = None,
    ) -> ObjectDirectory | LoadResult[ObjectDirectory]:
        """Build a directory from a pyarrow ``Table`` or ``RecordBatch``, or load an Arrow IPC file
        (``.arrow``, ``.feather``) given by its path; column types and values are checked as in
        :meth:`from_parquet` (``columns`` too). Requires pyarrow."""
        from randinspect.directory._arrow import objects_from_arrow

        return objects_from_arrow(
            table,
            strict=strict,
            credit_scale=credit_scale,
            risk_scale=risk_scale,
            accept_any_division=accept_any_division,
            source=source,
            columns=columns,
        )

    # -- columns -----------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self._ids.shape[0])

    @property
    def ids(self) -> StrArray:
        """Object ids (USCC for subjects), ascending by code point."""
        return self._ids

    @property
    def names(self) -> StrArray:
        """Names (名称)."""
        return self._names

    def _expanded(self, col: str) -> StrArray:
        found = self._cache.get(col)
        if found is None:
            found = _readonly(_take(self._cats[col], self._codes[col]))
            self._cache[col] = found
        return found

    @property
    def kinds(self) -> StrArray:
        """Subject kinds as :class:`~randinspect.model.SubjectKind` values."""
        return self._expanded("kind")

    @property
    def industries(self) -> StrArray:
        """GB/T 4754-2017 industry codes without the section letter (``"1311"``)."""
        return self._expanded("industry")

    @property
    def regions(self) -> StrArray:
        """GB/T 2260 six-digit division codes (区划代码)."""
        return self._expanded("region")

    @property
    def units(self) -> StrArray:
        """Supervising-unit codes (属地监管单位)."""
        return self._expanded("unit")

    @property
    def credit(self) -> StrArray:
        """Credit grades, canonical levels of :attr:`credit_scale`."""
        return self._expanded("credit")

    @property
    def risk(self) -> StrArray:
        """General risk classes, canonical levels of :attr:`risk_scale`."""
        return self._expanded("risk")

    @property
    def alive(self) -> BoolArray:
        """Alive flags (存活标识): true while the subject still operates."""
        return self._alive

    @property
    def tags(self) -> npt.NDArray[np.object_]:
        """Per object, its tags as a sorted tuple of strings (an object array)."""
        found = self._cache.get("tags_obj")
        if found is None:
            table = np.empty(len(self._tagsets), dtype=object)
            for i, t in enumerate(self._tagsets):
                table[i] = t
            found = _readonly(table[self._codes["tags"]] if len(table) else np.empty(0, dtype=object))
            self._cache["tags_obj"] = found
        return found

    @property
    def departments(self) -> tuple[str, ...]:
        """Codes of the departments with a risk column of their own, sorted."""
        return tuple(self._dept_risk)

    @property
    def tag_vocabulary(self) -> tuple[str, ...]:
        """Every tag used in the directory, sorted."""
        return tuple(sorted({t for ts in self._tagsets for t in ts}))

    def tags_of(self, i: int) -> tuple[str, ...]:
        """Tags of the object at position ``i`` (sorted)."""
        return self._tagsets[int(self._codes["tags"][i])]

    def has_tag(self, tag: str) -> BoolArray:
        """Boolean mask of the objects carrying ``tag`` (department tags are written ``DEPT:tag``)."""
        return self._tags_mask((tag,), require_all=False)

    def _tags_mask(self, tags: Sequence[str], *, require_all: bool) -> BoolArray:
        wanted = set(tags)
        test = wanted.issubset if require_all else (lambda s: not wanted.isdisjoint(s))
        ok = np.fromiter((bool(test(set(ts))) for ts in self._tagsets), dtype=bool, count=len(self._tagsets))
        return ok[self._codes["tags"]] if len(ok) else np.zeros(len(self), dtype=bool)

    def risk_for(self, department: str | None) -> StrArray:
        """Risk classes as ``department`` rates them: its own column when present, else :attr:`risk`."""
        if department is None or department not in self._dept_risk:
            return self.risk
        key = f"risk@{department}"
        found = self._cache.get(key)
        if found is None:
            found = _readonly(_take(self.risk_scale.levels, self._dept_risk[department]))
            self._cache[key] = found
        return found

    def codes(self, column: str) -> tuple[IntArray, tuple[str, ...]]:
        """Categorical internals of ``column``: integer codes per object and the categories they index.

        ``column`` is one of ``kind``, ``industry``, ``region``, ``unit``, ``credit``, ``risk``, ``alive``,
        ``tags`` or ``risk@DEPT``. Kinds use every :class:`SubjectKind` value in enum order, credit and
        risk the levels of their scale (so the code is the rank), alive ``("false", "true")``, tags the
        distinct tag sets (tags joined by ``;``); the open columns list only values that occur, sorted.
        """
        if column == "alive":
            found = self._cache.get("alive_codes")
            if found is None:
                found = _readonly(self._alive.astype(np.int32))
                self._cache["alive_codes"] = found
            return found, ALIVE_CATEGORIES
        if column.startswith("risk@"):
            dept = column[5:]
            if dept not in self._dept_risk:
                raise InputError(
                    f"no risk column for department {dept!r}; departments with one: {self.departments}"
                )
            return self._dept_risk[dept], self.risk_scale.levels
        if column not in self._codes:
            raise InputError(
                f"{column!r} is not a categorical column; "
                f"use one of {', '.join(CATEGORICAL_COLUMNS)} or risk@DEPT"
            )
        return self._codes[column], self._cats[column]

    def _category_codes(self, column: str) -> tuple[IntArray, tuple[str, ...]]:
        return self.codes(column)

    def counts(self, column: str) -> dict[str, int]:
        """Number of objects per value of a categorical column.

        Kinds, grades, classes and the alive flag list every category (zeros included), in category order;
        industries, regions and units list the values that occur, sorted. For ``tags`` each object counts
        once under every tag it carries.
        """
        if column == "tags":
            codes, _ = self.codes("tags")
            per_set = np.bincount(codes, minlength=len(self._tagsets))
            out: dict[str, int] = {}
            for ts, n in zip(self._tagsets, per_set.tolist(), strict=True):
                for t in ts:
                    out[t] = out.get(t, 0) + n
            return {t: out[t] for t in sorted(out)}
        codes, cats = self.codes(column)
        n = np.bincount(codes, minlength=len(cats)) if len(codes) else np.zeros(len(cats), dtype=np.int64)
        return {c: int(k) for c, k in zip(cats, n.tolist(), strict=True)}

    def counts_by(self, column1: str, column2: str) -> dict[tuple[str, str], int]:
        """Cross table of two categorical columns (``tags`` excluded): non-zero cells keyed ``(v1, v2)``."""
        if "tags" in (column1, column2):
            raise InputError("counts_by does not take 'tags' (an object has several); use has_tag() masks")
        c1, k1 = self.codes(column1)
        c2, k2 = self.codes(column2)
        flat = c1.astype(np.int64) * len(k2) + c2
        n = np.bincount(flat, minlength=len(k1) * len(k2)) if len(flat) else np.zeros(0, dtype=np.int64)
        out: dict[tuple[str, str], int] = {}
        for idx in np.flatnonzero(n).tolist():
            out[(k1[idx // len(k2)], k2[idx % len(k2)])] = int(n[idx])
        return out

    # -- scope, subsets ----------------------------------------------------------------------------------

    def mask(self, scope: Scope) -> BoolArray:
        """Boolean mask of the objects in ``scope`` (vectorised over categories, then indexed by codes).

        Raises
        ------
        InputError
            If a kind, grade, class or industry prefix in the scope is not recognised.
        """
        from randinspect.errors import CodeError, ScaleError

        n = len(self)
        result = self._alive.copy() if scope.alive_only else np.ones(n, dtype=bool)

        def apply(column: str, ok_categories: BoolArray) -> None:
            codes, _ = self.codes(column)
            if len(ok_categories) == 0:
                result[:] = False
            else:
                np.logical_and(result, ok_categories[codes], out=result)

        if scope.kinds is not None:
            try:
                wanted = {SubjectKind.parse(k).value for k in scope.kinds}
            except ScaleError as exc:
                raise InputError(f"scope kinds: {exc}") from None
            apply("kind", np.array([c in wanted for c in KIND_CATEGORIES], dtype=bool))
        if scope.industries is not None:
            cats = np.array(self._cats["industry"], dtype=str)
            ok = np.zeros(len(cats), dtype=bool)
            if len(cats):
                from randinspect.codes import INDUSTRY

                for prefix in scope.industries:
                    try:
                        ok |= np.asarray(INDUSTRY.matches_prefix(cats, prefix), dtype=bool)
                    except CodeError as exc:
                        raise InputError(f"scope industry prefix {prefix!r}: {exc}") from None
            apply("industry", ok)
        if scope.regions is not None:
            apply("region", _prefix_ok(self._cats["region"], scope.regions))
        if scope.units is not None:
            units = set(scope.units)
            apply("unit", np.array([u in units for u in self._cats["unit"]], dtype=bool))
        if scope.tags_any is not None:
            result &= self._tags_mask(scope.tags_any, require_all=False)
        if scope.tags_all is not None:
            result &= self._tags_mask(scope.tags_all, require_all=True)
        if scope.credit is not None:
            try:
                grades = {self.credit_scale.parse(g) for g in scope.credit}
            except ScaleError as exc:
                raise InputError(f"scope credit: {exc}") from None
            apply("credit", np.array([g in grades for g in self.credit_scale.levels], dtype=bool))
        if scope.risk is not None:
            try:
                classes = {self.risk_scale.parse(r) for r in scope.risk}
            except ScaleError as exc:
                raise InputError(f"scope risk: {exc}") from None
            ok = np.array([r in classes for r in self.risk_scale.levels], dtype=bool)
            dept = scope.department
            if dept is not None and dept in self._dept_risk:
                result &= ok[self._dept_risk[dept]]
            else:
                apply("risk", ok)
        return result

    def select(self, scope: Scope) -> ObjectDirectory:
        """The sub-directory of the objects in ``scope``."""
        return self.subset(self.mask(scope))

    def subset(
        self, selection: npt.NDArray[np.bool_] | npt.NDArray[np.integer[Any]] | Sequence[int]
    ) -> ObjectDirectory:
        """A new directory of the selected objects (a boolean mask of length ``len(self)`` or positions).

        Positions may come in any order; the result is in canonical order. Repeated positions are refused.
        """
        sel = np.asarray(selection)
        n = len(self)
        if sel.dtype == bool:
            if sel.shape != (n,):
                raise InputError(f"mask has shape {sel.shape}; expected ({n},)")
            idx = np.flatnonzero(sel)
        else:
            if sel.size and not np.issubdtype(sel.dtype, np.integer):
                raise InputError("subset takes a boolean mask or integer positions")
            idx = np.sort(sel.astype(np.int64).ravel())
            if idx.size and (idx[0] < -n or idx[-1] >= n):
                raise InputError(f"positions out of range for a directory of {n} objects")
            idx = np.where(idx < 0, idx + n, idx)
            idx.sort()
            if idx.size > 1 and bool((np.diff(idx) == 0).any()):
                raise InputError("subset positions repeat; each object can appear once")
        return ObjectDirectory._assemble(
            ids=self._ids[idx],
            names=self._names[idx],
            codes={k: v[idx] for k, v in self._codes.items()},
            cats=self._cats,
            tagsets=self._tagsets,
            alive=self._alive[idx],
            dept_risk={d: v[idx] for d, v in self._dept_risk.items()},
            credit_scale=self.credit_scale,
            risk_scale=self.risk_scale,
        )

    def index_of(self, ids: str | Iterable[str]) -> npt.NDArray[np.int64]:
        """Positions of ``ids`` (in the order given).

        Raises
        ------
        InputError
            If any id is not in the directory; the message lists up to five of them.
        """
        wanted = np.array([ids] if isinstance(ids, str) else list(ids), dtype=str)
        if wanted.size == 0:
            return np.zeros(0, dtype=np.int64)
        pos = np.searchsorted(self._ids, wanted)
        found = pos < len(self)
        found[found] = self._ids[pos[found]] == wanted[found]
        if not found.all():
            missing = wanted[~found]
            shown = ", ".join(repr(str(m)) for m in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise InputError(f"{len(missing)} id(s) not in the directory: {shown}{more}")
        return pos.astype(np.int64)

    def __contains__(self, object_id: object) -> bool:
        if not isinstance(object_id, str) or len(self) == 0:
            return False
        pos = int(np.searchsorted(self._ids, object_id))
        return pos < len(self) and str(self._ids[pos]) == object_id

    # -- changes -----------------------------------------------------------------------------------------

    def to_arrays(self) -> dict[str, Any]:
        """The columns as keyword arguments of :meth:`from_arrays` (a round trip gives an equal directory)."""
        return {
            "id": self._ids,
            "name": self._names,
            "kind": self.kinds,
            "industry": self.industries,
            "region": self.regions,
            "unit": self.units,
            "credit": self.credit,
            "risk": self.risk,
            "alive": self._alive,
            "tags": list(self.tags),
            "department_risk": {d: self.risk_for(d) for d in self._dept_risk},
            "credit_scale": self.credit_scale,
            "risk_scale": self.risk_scale,
        }

    def with_columns(
        self, *, validate: bool = True, accept_any_division: bool = False, **columns: Any
    ) -> ObjectDirectory:
        """A new directory with some columns replaced (values in this directory's canonical order).

        Keyword names are the :meth:`from_arrays` arguments except ``id`` (``name``, ``credit``, ``risk``,
        ``alive``, ``tags``, ``department_risk`` ...). The new values are validated like a fresh build.

        Examples
        --------
        ``d.with_columns(risk=np.where(d.has_tag("key"), "high", d.risk))``
        """
        if "id" in columns:
            raise InputError("with_columns cannot replace ids; build a new directory instead")
        allowed = set(self.to_arrays()) - {"id"}
        unknown = set(columns) - allowed
        if unknown:
            raise InputError(f"unknown column(s) {sorted(unknown)}; replaceable: {sorted(allowed)}")
        args = self.to_arrays()
        args.update(columns)
        return ObjectDirectory.from_arrays(**args, validate=validate, accept_any_division=accept_any_division)

    evolve = with_columns

    # -- export ------------------------------------------------------------------------------------------

    def records(self) -> Iterator[dict[str, Any]]:
        """Iterate over the objects as plain dicts (see :meth:`to_records`)."""
        cols = [
            self._ids,
            self._names,
            self.kinds,
            self.industries,
            self.regions,
            self.units,
            self.credit,
            self.risk,
        ]
        depts = list(self._dept_risk)
        dept_cols = [self.risk_for(d) for d in depts]
        for start in range(0, len(self), _CHUNK):
            stop = start + _CHUNK
            chunk = [c[start:stop].tolist() for c in cols]
            alive = self._alive[start:stop].tolist()
            tag_codes = self._codes["tags"][start:stop].tolist()
            dchunk = [c[start:stop].tolist() for c in dept_cols]
            for j in range(len(alive)):
                rec: dict[str, Any] = {
                    "id": chunk[0][j],
                    "name": chunk[1][j],
                    "kind": chunk[2][j],
                    "industry": chunk[3][j],
                    "region": chunk[4][j],
                    "unit": chunk[5][j],
                    "credit": chunk[6][j],
                    "risk": chunk[7][j],
                    "alive": alive[j],
                    "tags": list(self._tagsets[tag_codes[j]]),
                }
                for d, dc in zip(depts, dchunk, strict=True):
                    rec[f"risk@{d}"] = dc[j]
                yield rec

    def to_records(self) -> list[dict[str, Any]]:
        """The objects as a list of plain dicts in canonical order.

        Keys: ``id``, ``name``, ``kind``, ``industry``, ``region``, ``unit``, ``credit``, ``risk``, ``alive``
        (bool), ``tags`` (list of str) and one ``risk@DEPT`` per department risk column.
        """
        return list(self.records())

    def to_csv(self, path: PathLike | None = None, *, chinese_headers: bool = False) -> str:
        """Write the directory as UTF-8 CSV (to ``path`` when given) and return the text.

        Tags are joined with ``;``, the alive flag is written ``1``/``0``; headers are English or, with
        ``chinese_headers=True``, Chinese (``风险等级@DEPT`` for department risk columns).
        """
        from randinspect.directory._load import objects_to_csv

        return objects_to_csv(self, path, chinese_headers=chinese_headers)

    def to_json(self, path: PathLike | None = None, *, indent: int | None = None) -> str:
        """Write ``{"format": ..., "digest": ..., "objects": [records]}`` as UTF-8 JSON; return the text."""
        from randinspect.directory._load import objects_to_json

        return objects_to_json(self, path, indent=indent)

    def to_dataframe(self) -> pd.DataFrame:
        """The directory as a pandas DataFrame (categorical columns as pandas categoricals).

        Requires pandas (``pip install randinspect[pandas]``).
        """
        from randinspect.directory._load import objects_to_dataframe

        return objects_to_dataframe(self)

    def to_arrow(self, path: PathLike | None = None) -> Any:
        """The directory as a pyarrow ``Table`` in canonical order (and, with ``path``, an Arrow IPC file).

        ``id`` and ``name`` are strings, the categorical columns dictionary-encoded strings, ``alive``
        booleans, ``tags`` lists of strings, one ``risk@DEPT`` column per department. The schema metadata
        key ``randinspect`` holds the format, the :attr:`digest` and both scales, so :meth:`from_arrow`
        restores an equal directory. Requires pyarrow (``pip install 'randinspect[arrow]'``).
        """
        from randinspect.directory._arrow import objects_to_arrow, write_arrow_file

        table = objects_to_arrow(self)
        if path is not None:
            write_arrow_file(table, path)
        return table

    def to_parquet(self, path: PathLike, *, rows_per_file: int | None = None) -> None:
        """Write the directory as Parquet (the table of :meth:`to_arrow`, zstd-compressed).

        With ``rows_per_file`` the path is a new directory of part files ``part-00000.parquet`` ... of at
        most that many rows each (the input of :func:`randinspect.scale.distributed_draw`). The same
        directory is written to the same bytes by the same pyarrow version; a failed write leaves no file.
        """
        from randinspect.directory._arrow import objects_to_arrow, write_parquet

        write_parquet(objects_to_arrow(self), path, rows_per_file=rows_per_file)

    # -- identity ----------------------------------------------------------------------------------------

    def canonical_lines(self) -> Iterator[str]:
        """The canonical serialisation behind :attr:`digest`, line by line (each ending with ``\\n``).

        Header lines: the format name, the credit scale, the risk scale and the column names, each a
        tab-separated line. Then one line per object in canonical order: id, name, kind, industry, region,
        unit, credit, risk, alive (``1``/``0``), tags (sorted, joined by ``;``) and one risk class per
        department risk column (departments sorted), separated by tabs. No escaping is needed: the
        builders reject tabs, line breaks and other control characters in every field, and tags cannot
        contain ``;``. See :doc:`/loading`.
        """
        depts = list(self._dept_risk)
        yield DIGEST_FORMAT + "\n"
        yield "\t".join(("credit_scale", *self.credit_scale.levels)) + "\n"
        yield "\t".join(("risk_scale", *self.risk_scale.levels)) + "\n"
        yield "\t".join(("columns", *OBJECT_COLUMNS, *(f"risk@{d}" for d in depts))) + "\n"
        tag_text = np.array([";".join(ts) for ts in self._tagsets] or [""], dtype=object)
        alive_text = np.array(["0", "1"], dtype=object)
        obj_tables = {c: np.array(list(self._cats[c]) or [""], dtype=object) for c in self._cats}
        level_table = np.array(self.risk_scale.levels, dtype=object)
        for start in range(0, len(self), _DIGEST_CHUNK):
            stop = start + _DIGEST_CHUNK
            parts = [
                self._ids[start:stop].tolist(),
                self._names[start:stop].tolist(),
                *(
                    obj_tables[c][self._codes[c][start:stop]].tolist()
                    for c in ("kind", "industry", "region", "unit", "credit", "risk")
                ),
                alive_text[self._alive[start:stop].view(np.int8)].tolist(),
                tag_text[self._codes["tags"][start:stop]].tolist(),
                *(level_table[self._dept_risk[d][start:stop]].tolist() for d in depts),
            ]
            yield "\n".join(map("\t".join, zip(*parts, strict=True))) + "\n"

    @property
    def digest(self) -> str:
        """Hex SHA-256 of the canonical serialisation (:meth:`canonical_lines`), cached.

        Independent of the input row order and of how the directory was built; changes when any field,
        the scales or the set of department risk columns change.
        """
        found = self._cache.get("digest")
        if found is None:
            h = hashlib.sha256()
            for block in self.canonical_lines():
                h.update(block.encode("utf-8"))
            found = h.hexdigest()
            self._cache["digest"] = found
        return found

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ObjectDirectory):
            return NotImplemented
        return self is other or (len(self) == len(other) and self.digest == other.digest)

    def __hash__(self) -> int:
        return hash(self.digest)

    def __repr__(self) -> str:
        return f"ObjectDirectory(n={len(self)}, digest={self.digest[:12]!r})"


def _prefix_ok(categories: Sequence[str], prefixes: Sequence[str]) -> BoolArray:
    """Which categories start with any of ``prefixes``."""
    pre = tuple(prefixes)
    return np.array([c.startswith(pre) for c in categories], dtype=bool)


def _restore(parts: dict[str, Any]) -> ObjectDirectory:
    """Unpickle helper: rebuild with read-only arrays."""
    return ObjectDirectory._assemble(**parts)
