"""The draw frame (抽查对象范围): the in-scope, alive objects of one item, in canonical order.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.draw._random import _ascii_id_bytes
from randinspect.draw._select import stratum_groups
from randinspect.errors import EmptyFrameError, InputError
from randinspect.model import DEFAULT_CREDIT_SCALE, DEFAULT_RISK_SCALE

if TYPE_CHECKING:
    from randinspect.directory import ObjectDirectory
    from randinspect.items import CheckItem

__all__ = ["STRATUM_COLUMNS", "DrawFrame", "Tier"]

STRATUM_COLUMNS: Final = ("unit", "region", "industry", "kind", "credit", "risk", "none")
"""Columns a frame can be stratified by; ``"none"`` puts every object in one stratum ``"-"``."""

IntArray = npt.NDArray[np.int64]
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
StrArray = npt.NDArray[np.str_]
BoolArray = npt.NDArray[np.bool_]


class Tier(enum.Enum):
    """Priority tier of an object in a draw (§四(五)); each object is in exactly one, highest first.

    ``KEY`` 重点对象 (full coverage by law), ``PROBLEM`` 问题对象 (complaints, filed cases, referrals),
    ``RISK`` 风险对象 (high risk class), ``GENERAL`` 一般对象 (everyone else).
    """

    KEY = "key"
    PROBLEM = "problem"
    RISK = "risk"
    GENERAL = "general"

    @property
    def code(self) -> int:
        """Small integer code used in arrays: 0 key, 1 problem, 2 risk, 3 general."""
        return _TIER_CODES[self]

    @property
    def zh(self) -> str:
        """The Chinese term."""
        return _TIER_ZH[self]

    @property
    def mandatory(self) -> bool:
        """True for key and problem objects, which are always drawn (π = 1)."""
        return self in (Tier.KEY, Tier.PROBLEM)

    @classmethod
    def from_code(cls, code: int) -> Tier:
        """The tier of an array code."""
        return TIERS[code]


TIERS: Final[tuple[Tier, ...]] = (Tier.KEY, Tier.PROBLEM, Tier.RISK, Tier.GENERAL)
_TIER_CODES: Final = {t: i for i, t in enumerate(TIERS)}
_TIER_ZH: Final = {
    Tier.KEY: "重点对象",
    Tier.PROBLEM: "问题对象",
    Tier.RISK: "风险对象",
    Tier.GENERAL: "一般对象",
}


def _readonly(arr: npt.ArrayLike) -> npt.NDArray[Any]:
    """A read-only view (no copy): the frame never writes to its arrays, and nobody can through it."""
    out = np.asarray(arr).view()
    out.setflags(write=False)
    return out


class _Rows:
    """The ids of a frame as rows of a directory's id column (ascending, unique), taken on first use.

    :meth:`DrawFrame.from_directory` keeps the directory's column and the frame's row positions instead of
    copying the ids: a simulated draw reads only the ids it selects. ``rows`` is ``None`` for every row.
    """

    __slots__ = ("base", "rows")

    def __init__(self, base: npt.NDArray[np.str_], rows: IntArray | None) -> None:
        self.base = base
        self.rows = rows

    def __len__(self) -> int:
        return int(self.base.shape[0] if self.rows is None else self.rows.shape[0])

    def take(self, positions: IntArray | slice | None = None) -> npt.NDArray[np.str_]:
        """The ids at ``positions`` of the frame (all of them for ``None``)."""
        if self.rows is None:
            return self.base if positions is None else self.base[positions]
        return self.base[self.rows if positions is None else self.rows[positions]]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # pickled (to a dask worker, say) as the frame's own ids, not the whole directory column
        return (_readonly, (np.array(self.take()),))


def _frame_ids(value: npt.ArrayLike | _Rows) -> npt.NDArray[Any] | _Rows:
    return value if isinstance(value, _Rows) else _readonly(value)


def _categorical(values: npt.ArrayLike, what: str) -> tuple[IntArray, tuple[str, ...]]:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise InputError(f"{what} must be one-dimensional")
    if arr.size and arr.dtype.kind != "U":
        arr = arr.astype(str)
    labels, codes = np.unique(arr, return_inverse=True)
    return codes.astype(np.int64).reshape(-1), tuple(str(x) for x in labels.tolist())


@attrs.frozen(eq=False, repr=False)
class DrawFrame:
    """The draw frame (抽查对象范围): the objects one item may draw, in canonical order (ascending id by
    code point), with the columns the draw needs: stratum, credit grade, department risk class and the
    key-scope flag.

    Build it with :meth:`from_directory` (the normal way) or :meth:`from_arrays`, which own their arrays.
    The constructor keeps read-only *views* of the arrays it is given (no copy), so do not change those
    arrays afterwards.

    Attributes
    ----------
    stratum_codes, stratum_labels:
        Integer stratum per object indexing ``stratum_labels`` (sorted by code point).
    credit_codes, credit_levels:
        Credit grade per object indexing ``credit_levels`` (scale order, best first).
    risk_codes, risk_levels:
        Risk class per object (as the item's department rates it) indexing ``risk_levels``.
    key:
        True for objects in the item's key scope (重点对象 by law).
    stratum_column:
        Directory column the strata come from (``"unit"`` by default).
    directory_digest:
        Digest of the directory the frame was built from, or ``None`` for array frames.
    """

    # The ids (constructor keyword ``ids``; read them as :attr:`ids`): an array, or directory rows
    # taken on first use (from_directory).
    _ids: npt.NDArray[Any] | _Rows = attrs.field(converter=_frame_ids)
    stratum_codes: IntArray = attrs.field(converter=_readonly)
    stratum_labels: tuple[str, ...]
    credit_codes: IntArray = attrs.field(converter=_readonly)
    credit_levels: tuple[str, ...]
    risk_codes: IntArray = attrs.field(converter=_readonly)
    risk_levels: tuple[str, ...]
    key: npt.NDArray[Any] = attrs.field(converter=_readonly)
    stratum_column: str = "unit"
    directory_digest: str | None = None
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False)

    def __attrs_post_init__(self) -> None:
        n = len(self)
        for name in ("stratum_codes", "credit_codes", "risk_codes", "key"):
            if getattr(self, name).shape != (n,):
                raise InputError(
                    f"frame column {name} has shape {getattr(self, name).shape}, expected ({n},)"
                )
        if list(self.stratum_labels) != sorted(self.stratum_labels):
            raise InputError("stratum labels must be sorted by code point")
        if n and not isinstance(self._ids, _Rows):
            # (rows of a directory come ascending and unique, with codes of its own categories)
            ids = self._ids
            if ids.dtype.kind != "U":
                raise InputError("frame ids must be a numpy string array")
            if not bool(np.all(ids[1:] > ids[:-1])):
                dup = np.flatnonzero(ids[1:] <= ids[:-1])[0]
                raise InputError(
                    f"frame ids must be unique and ascending; check id {ids[dup + 1]!r} at position {dup + 1}"
                )
            for name, labels in (
                ("stratum_codes", self.stratum_labels),
                ("credit_codes", self.credit_levels),
                ("risk_codes", self.risk_levels),
            ):
                codes = getattr(self, name)
                if int(codes.min()) < 0 or int(codes.max()) >= len(labels):
                    raise InputError(f"frame column {name} has codes outside its {len(labels)} labels")

    @property
    def ids(self) -> npt.NDArray[Any]:
        """Object ids, ascending by code point, unique (read-only)."""
        value = self._ids
        if not isinstance(value, _Rows):
            return value
        found = self._cache.get("ids")
        if found is None:
            found = _readonly(value.take())
            self._cache["ids"] = found
        return found

    def _ids_at(self, positions: IntArray | slice) -> npt.NDArray[Any]:
        """``ids[positions]``, without taking every id of the frame first."""
        value = self._ids
        return value.take(positions) if isinstance(value, _Rows) else value[positions]

    def __len__(self) -> int:
        return len(self._ids) if isinstance(self._ids, _Rows) else int(self._ids.shape[0])

    def __repr__(self) -> str:
        return (
            f"DrawFrame(n={len(self)}, strata={len(self.stratum_labels)}, "
            f"stratum_column={self.stratum_column!r})"
        )

    @property
    def strata(self) -> StrArray:
        """Stratum label per object."""
        return (
            np.asarray(self.stratum_labels, dtype=str)[self.stratum_codes] if len(self) else np.zeros(0, str)
        )

    @property
    def credit(self) -> StrArray:
        """Credit grade per object."""
        return np.asarray(self.credit_levels, dtype=str)[self.credit_codes] if len(self) else np.zeros(0, str)

    @property
    def risk(self) -> StrArray:
        """Risk class per object."""
        return np.asarray(self.risk_levels, dtype=str)[self.risk_codes] if len(self) else np.zeros(0, str)

    def _line_pieces(self, start: int, stop: int, suffixes: Sequence[bytes], codes: IntArray) -> list[bytes]:
        """UTF-8 pieces of rows ``start:stop``: each id followed by ``suffixes[codes[row]]``.

        The digests build their lines this way: the per-row text after the id comes from a small table of
        distinct suffixes (one per stratum, or per stratum and tier), so no string is formatted per row.
        """
        table = np.asarray(suffixes, dtype=object)
        pieces = np.empty(2 * (stop - start), dtype=object)
        pieces[0::2] = _utf8(self._ids_at(slice(start, stop)))
        pieces[1::2] = table[codes[start:stop]]
        out: list[bytes] = pieces.tolist()
        return out

    def _sort_codes(self) -> npt.NDArray[np.integer[Any]]:
        """The stratum codes as int16 when they fit (a stable sort of small integers is a radix sort),
        made once per frame: simulations draw the same frame many times."""
        found = self._cache.get("sort_codes")
        if found is None:
            found = self.stratum_codes
            if len(self.stratum_labels) < 2**15:
                found = found.astype(np.int16)
                found.flags.writeable = False
            self._cache["sort_codes"] = found
        return found

    def _stratum_groups(self) -> tuple[npt.NDArray[np.signedinteger[Any]], IntArray]:
        """The frame's positions grouped by stratum and the bounds of each stratum's run
        (``stratum_groups``), made once per frame. Only for frames of fewer than ``2**15`` strata."""
        found = self._cache.get("stratum_groups")
        if found is None:
            positions, bounds = stratum_groups(self._sort_codes(), len(self.stratum_labels))
            positions.flags.writeable = False
            bounds.flags.writeable = False
            found = self._cache["stratum_groups"] = (positions, bounds)
        return found

    @property
    def digest(self) -> str:
        """Hex SHA-256 of the frame: lines ``id TAB stratum LF`` in canonical order (see the spec)."""
        found = self._cache.get("digest")
        if found is None:
            suffixes = [f"\t{label}\n".encode() for label in self.stratum_labels]
            table = _ByteTable(suffixes)

            def pieces(start: int, stop: int) -> list[bytes]:
                text = _ascii_lines(
                    self._ids_at(slice(start, stop)), [(table, self.stratum_codes[start:stop])]
                )
                if text is not None:
                    return [text]
                return self._line_pieces(start, stop, suffixes, self.stratum_codes)

            found = _lines_digest(len(self), pieces)
            self._cache["digest"] = found
        return str(found)

    def positions(self, ids: Sequence[str] | npt.NDArray[np.str_]) -> tuple[IntArray, list[str]]:
        """Positions of the given ids in the frame, and the ids not in the frame (in given order)."""
        wanted = np.asarray(ids, dtype=str).reshape(-1)
        if wanted.size == 0 or len(self) == 0:
            return np.zeros(0, dtype=np.int64), [str(x) for x in wanted.tolist()]
        rows = self._ids
        if isinstance(rows, _Rows) and rows.rows is not None and "ids" not in self._cache:
            # search the directory's column, then keep the rows the frame holds (no copy of the ids)
            at = np.minimum(np.searchsorted(rows.base, wanted), rows.base.shape[0] - 1)
            in_base = rows.base[at] == wanted
            pos = np.minimum(np.searchsorted(rows.rows, at), len(self) - 1)
            found = in_base & (rows.rows[pos] == at)
        else:
            pos = np.minimum(np.searchsorted(self.ids, wanted), len(self) - 1)
            found = self.ids[pos] == wanted
        missing = [str(x) for x in wanted[~found].tolist()]
        return np.unique(pos[found]).astype(np.int64), missing

    @classmethod
    def from_arrays(
        cls,
        *,
        ids: npt.ArrayLike,
        strata: npt.ArrayLike | None = None,
        credit: npt.ArrayLike | None = None,
        risk: npt.ArrayLike | None = None,
        key: npt.ArrayLike | None = None,
        credit_levels: Sequence[str] = DEFAULT_CREDIT_SCALE.levels,
        risk_levels: Sequence[str] = DEFAULT_RISK_SCALE.levels,
        stratum_column: str = "unit",
    ) -> DrawFrame:
        """Build a frame from plain arrays in any row order (rows are sorted by id).

        Parameters
        ----------
        ids:
            Object ids (unique, non-empty strings).
        strata:
            Stratum labels; default one stratum ``"-"``.
        credit, risk:
            Credit grades and risk classes, levels of ``credit_levels`` / ``risk_levels``. When omitted,
            every object gets ``"B"`` / ``"medium"`` if the levels have them, else the first level.
        key:
            Key-scope flags; default all False.

        Raises
        ------
        InputError
            On duplicate or empty ids, mismatched lengths or a grade not on its levels (naming it).
        """
        id_arr = np.asarray(ids)
        if id_arr.ndim != 1:
            raise InputError("ids must be one-dimensional")
        if id_arr.size and id_arr.dtype.kind != "U":
            if not all(isinstance(x, str) for x in id_arr.tolist()):
                raise InputError("ids must be strings")
            id_arr = id_arr.astype(str)
        if id_arr.size == 0:
            id_arr = np.zeros(0, dtype="<U1")
        n = id_arr.shape[0]
        if n and _CONTROL.search("".join(id_arr.tolist())):
            bad = next(i for i, x in enumerate(id_arr.tolist()) if _CONTROL.search(x))
            raise InputError(f"id at position {bad} contains a control character (tab, line break ...)")
        if n and int(np.char.str_len(id_arr).min()) == 0:
            raise InputError(f"id at position {int(np.argmin(np.char.str_len(id_arr)))} is empty")
        order = np.argsort(id_arr, kind="stable")
        sorted_ids = id_arr[order]
        if n > 1:
            dup = np.flatnonzero(sorted_ids[1:] == sorted_ids[:-1])
            if dup.size:
                raise InputError(f"id {sorted_ids[dup[0]]!r} appears more than once; ids must be unique")

        def column(values: npt.ArrayLike | None, default: str, what: str) -> npt.NDArray[Any]:
            if values is None:
                return np.full(n, default, dtype=object)
            arr = np.asarray(values)
            if arr.shape != (n,):
                raise InputError(f"{what} has {arr.shape[0] if arr.ndim else 0} values for {n} ids")
            return arr[order]

        def coded(values: npt.NDArray[Any], levels: Sequence[str], what: str) -> IntArray:
            lookup = {lv: i for i, lv in enumerate(levels)}
            uniq, inv = (
                np.unique(values.astype(str), return_inverse=True)
                if n
                else (np.zeros(0, str), np.zeros(0, np.int64))
            )
            mapped = []
            for u in uniq.tolist():
                if u not in lookup:
                    raise InputError(f"unknown {what} {u!r}; the levels are {', '.join(levels)}")
                mapped.append(lookup[u])
            return np.asarray(mapped, dtype=np.int64)[inv.reshape(-1)] if n else np.zeros(0, np.int64)

        cl, rl = tuple(credit_levels), tuple(risk_levels)
        credit_default = "B" if "B" in cl else cl[0]
        risk_default = "medium" if "medium" in rl else rl[0]
        s_codes, s_labels = _categorical(column(strata, "-", "strata").astype(str), "strata")
        key_arr = np.zeros(n, dtype=bool) if key is None else column(key, "", "key").astype(bool)
        return cls(
            ids=sorted_ids,
            stratum_codes=s_codes,
            stratum_labels=s_labels,
            credit_codes=coded(column(credit, credit_default, "credit"), cl, "credit grade"),
            credit_levels=cl,
            risk_codes=coded(column(risk, risk_default, "risk"), rl, "risk class"),
            risk_levels=rl,
            key=key_arr,
            stratum_column=stratum_column,
        )

    @classmethod
    def from_directory(
        cls, directory: ObjectDirectory, item: CheckItem, *, stratum: str = "unit"
    ) -> DrawFrame:
        """The frame of ``item`` in ``directory``: objects in ``item.scope`` (alive only, by the scope's
        ``alive_only``), strata from ``stratum``, risk classes as ``item.department`` rates them
        (``directory.risk_for``), key flags from ``item.key_scope``.

        Raises
        ------
        EmptyFrameError
            If the scope selects no object.
        InputError
            If ``stratum`` is not one of :data:`STRATUM_COLUMNS`.
        """
        if stratum not in STRATUM_COLUMNS:
            raise InputError(f"unknown stratum column {stratum!r}; use one of {', '.join(STRATUM_COLUMNS)}")
        mask = np.asarray(directory.mask(item.scope), dtype=bool)
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            raise EmptyFrameError(
                f"item {item.id!r}: its scope selects no alive object in the directory "
                f"({len(directory)} objects); check the scope's kinds, industries, regions and units"
            )
        every = idx.size == len(directory)

        def take(values: npt.ArrayLike) -> npt.NDArray[Any]:
            arr = np.asarray(values)
            return arr if every else arr[idx]

        if stratum == "none":
            s_codes = np.zeros(idx.size, dtype=np.int64)
            s_labels: tuple[str, ...] = ("-",)
        else:
            codes, cats = directory.codes(stratum)
            sub = take(codes)
            present = np.flatnonzero(np.bincount(sub, minlength=len(cats)))
            labels = [str(cats[int(c)]) for c in present.tolist()]
            order = np.argsort(np.asarray(labels, dtype=str), kind="stable")
            remap = np.zeros(len(cats), dtype=np.int64)
            remap[present[order]] = np.arange(present.size)
            s_codes = remap[sub]
            s_labels = tuple(labels[i] for i in order.tolist())
        c_codes, c_levels = directory.codes("credit")
        risk_column = f"risk@{item.department}" if item.department in directory.departments else "risk"
        r_codes, r_levels = directory.codes(risk_column)
        if item.key_scope is not None:
            key = take(np.asarray(directory.mask(item.key_scope), dtype=bool))
        else:
            key = np.zeros(idx.size, dtype=bool)
        return cls(
            ids=_Rows(np.asarray(directory.ids), None if every else idx),
            stratum_codes=s_codes,
            stratum_labels=s_labels,
            credit_codes=take(c_codes).astype(np.int64),
            credit_levels=tuple(c_levels),
            risk_codes=take(r_codes).astype(np.int64),
            risk_levels=tuple(r_levels),
            key=key,
            stratum_column=stratum,
            directory_digest=directory.digest,
        )


def _utf8(ids: npt.NDArray[np.str_]) -> list[bytes]:
    """UTF-8 bytes of each id as stored (ASCII ids straight from numpy's buffer, others one by one)."""
    fast = _ascii_id_bytes(ids) if ids.size else None
    if fast is not None:
        return fast
    return [x.encode("utf-8") for x in ids.tolist()]


class _ByteTable:
    """A small table of byte strings as a zero-padded ``uint8`` matrix and the mask of its real bytes."""

    def __init__(self, items: Sequence[bytes]) -> None:
        width = max((len(b) for b in items), default=0)
        self.bytes = np.zeros((len(items), width), dtype=np.uint8)
        self.mask = np.zeros((len(items), width), dtype=bool)
        for i, b in enumerate(items):
            self.bytes[i, : len(b)] = np.frombuffer(b, dtype=np.uint8)
            self.mask[i, : len(b)] = True
        self.full = bool(self.mask.all())


def _ascii_lines(
    ids: npt.NDArray[np.str_],
    tables: Sequence[tuple[_ByteTable, IntArray]],
) -> bytes | None:
    """The UTF-8 text of one line per id, built in numpy without a Python object per row: the id, then
    for each ``(table, codes)`` the byte string ``table[codes[row]]``. ``None`` when an id is not ASCII
    (the caller then takes the general path).

    The parts are written side by side into one padded byte matrix, with a mask of the real bytes; the
    text is the masked bytes in row-major order (the whole matrix when nothing is padding). An id's bytes
    are its code points up to its last non-NUL one, which is exactly the string numpy gives back
    (trailing NULs are padding).
    """
    n = ids.shape[0]
    width = ids.dtype.itemsize // 4
    if n == 0 or width == 0:
        return None
    codes = np.ascontiguousarray(ids).view(np.uint32).reshape(n, width)
    if int(codes.max()) >= 128:
        return None
    total = width + sum(t.bytes.shape[1] for t, _ in tables)
    out = np.empty((n, total), dtype=np.uint8)
    np.copyto(out[:, :width], codes, casting="unsafe")
    keep: BoolArray | None = None

    def masked() -> BoolArray:
        nonlocal keep
        if keep is None:
            keep = np.ones((n, total), dtype=bool)
        return keep

    full = out[:, width - 1] != 0
    if not bool(full.all()):
        # ids shorter than the column width: each ends at its last non-NUL code point
        written = out[:, :width] != 0
        last = np.argmax(written[:, ::-1], axis=1)
        length = width - last
        length[(last == 0) & ~full] = 0
        masked()[:, :width] = np.arange(width) < length[:, None]
    at = width
    for table, rows in tables:
        w = table.bytes.shape[1]
        np.take(table.bytes, rows, axis=0, out=out[:, at : at + w], mode="clip")
        if not table.full:
            np.take(table.mask, rows, axis=0, out=masked()[:, at : at + w], mode="clip")
        at += w
    if keep is None:
        return bytes(out.data)
    return bytes(out[keep].data)


def _lines_digest(n: int, pieces: Callable[[int, int], list[bytes]]) -> str:
    """SHA-256 of the UTF-8 text of ``n`` lines, built and hashed in chunks of rows.

    ``pieces(start, stop)`` returns the UTF-8 text of rows ``start:stop`` as a list of byte strings whose
    concatenation is those lines, each ending with LF.
    """
    h = hashlib.sha256()
    step = 1 << 14
    for start in range(0, n, step):
        h.update(b"".join(pieces(start, min(n, start + step))))
    return h.hexdigest()
