"""Building an ObjectDirectory from raw columns: normalise, validate (vectorised over categories), sort."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from randinspect.directory._objects import (
    KIND_CATEGORIES,
    SUBJECT_KIND_CODES,
    ObjectDirectory,
)
from randinspect.directory._values import (
    has_control,
    norm_text,
    parse_alive,
    split_tags,
)
from randinspect.errors import CodeError, LoadError, Problem, ScaleError
from randinspect.model import OrderedScale, SubjectKind

__all__ = ["ProblemSink", "build_objects", "factorize", "sort_ids", "uscc_reasons"]

_DEPT_CODE = re.compile(r"^[A-Za-z0-9_\-]+$")
_SIX_DIGITS = re.compile(r"^\d{6}$")
#: Characters a non-subject id may not contain (besides whitespace and control characters).
_ID_FORBIDDEN = frozenset(",;；|\"'\\")
#: Rows hashed per block when factorising strings (bounds the temporary 64-bit copy).
_HASH_CHUNK = 65_536
#: ASCII characters packed per 64-bit sort key, and the base (7 bits per character).
_PACK = 9
_PACK_BASE = np.uint64(128)


class ProblemSink:
    """Collects problems. In strict mode only the first offending row of each check is kept (enough to
    raise at the first problem), so a file with a million bad rows fails fast."""

    def __init__(self, *, source: str, strict: bool) -> None:
        self.source = source
        self.strict = strict
        self.problems: list[Problem] = []
        #: Column label -> position, for ordering problems within a row.
        self.column_order: dict[str, int] = {}

    def add(self, **kwargs: Any) -> None:
        self.problems.append(Problem(source=self.source, **kwargs))

    def add_rows(
        self,
        positions: npt.NDArray[np.intp] | Sequence[int],
        rows: npt.NDArray[np.int64],
        make: Callable[[int], dict[str, Any]],
    ) -> None:
        """Add one problem per position (``make(position)`` gives the fields); row from ``rows``."""
        pos = list(positions[:1] if self.strict else positions)
        for p in pos:
            self.add(row=int(rows[p]), **make(int(p)))

    def first(self) -> Problem:
        """The first problem by row (problems without a row come first)."""
        return min(self.problems, key=lambda p: -1 if p.row is None else p.row)

    def sorted(self) -> tuple[Problem, ...]:
        """Every problem, ordered by row (rowless first), then by column in file order."""
        order = self.column_order

        def key(p: Problem) -> tuple[int, int]:
            return (-1 if p.row is None else p.row, order.get(p.column or "", len(order)))

        return tuple(sorted(self.problems, key=key))

    def raise_first(self) -> None:
        """Raise :class:`LoadError` with the first problem."""
        raise LoadError([self.first()])


def _hash_multipliers(width: int) -> npt.NDArray[np.uint64]:
    """``width`` fixed odd 64-bit multipliers (a SplitMix64 sequence) for hashing rows of code points."""
    out = []
    state = 0x9E3779B97F4A7C15
    for _ in range(width):
        state = (state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        out.append((z ^ (z >> 31)) | 1)
    return np.array(out, dtype=np.uint64)


def _row_keys(arr: npt.NDArray[np.str_]) -> tuple[npt.NDArray[np.uint64], bool]:
    """A 64-bit key per string and whether the keys are exact (equal keys if and only if equal strings).

    Strings of at most two characters are packed exactly; longer ones are hashed (a dot product of their
    code points with odd multipliers, modulo 2**64), so equal strings get equal keys but two different
    strings may collide.
    """
    n = len(arr)
    width = arr.dtype.itemsize // 4
    cp = np.ascontiguousarray(arr).view(np.uint32).reshape(n, width)
    if width <= 2:
        packed = np.zeros((n, 2), dtype=np.uint32)
        packed[:, :width] = cp
        return packed.view(np.uint64).ravel(), True
    mult = _hash_multipliers(width)
    keys = np.empty(n, dtype=np.uint64)
    for start in range(0, n, _HASH_CHUNK):
        stop = start + _HASH_CHUNK
        keys[start:stop] = cp[start:stop].astype(np.uint64) @ mult
    return keys, False


def _group_keys(keys: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.intp]]:
    """Dense codes of equal keys, numbered in order of first appearance, and the first position of each."""
    n = len(keys)
    order = np.argsort(keys)
    sorted_keys = keys[order]
    start = np.empty(n, dtype=bool)
    start[0] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=start[1:])
    group = np.cumsum(start, dtype=np.int64) - 1
    starts = np.flatnonzero(start)
    first = np.minimum.reduceat(order, starts)
    by_first = np.argsort(first)
    rank = np.empty(len(starts), dtype=np.int32)
    rank[by_first] = np.arange(len(starts), dtype=np.int32)
    codes = np.empty(n, dtype=np.int32)
    codes[order] = rank[group]
    return codes, first[by_first]


def _factorize_array(values: npt.NDArray[Any]) -> tuple[npt.NDArray[np.int32], list[Any]] | None:
    """Vectorised :func:`factorize` of a 1-D string, boolean or integer array (``None`` for other arrays).

    Hashed string keys are verified: every row must equal the representative of its group and the
    representatives must be distinct; otherwise ``None`` (the caller falls back to a dictionary).
    """
    if values.ndim != 1 or len(values) == 0:
        return None
    kind = values.dtype.kind
    if kind == "U" and values.dtype.itemsize > 0:
        keys, exact = _row_keys(values)
    elif kind in "bu" and values.dtype.itemsize <= 8:
        keys, exact = values.astype(np.uint64), True
    elif kind == "i" and values.dtype.itemsize <= 8:
        keys, exact = values.astype(np.int64).view(np.uint64), True
    else:
        return None
    codes, first = _group_keys(keys)
    representatives = values[first]
    uniq: list[Any] = representatives.tolist()
    if not exact and (
        len(set(uniq)) != len(uniq) or not bool(np.array_equal(representatives[codes], values))
    ):
        return None
    return codes, uniq


def _hashable(value: Any) -> Any:
    """``value`` as a dictionary key: lists and mappings (also nested) become tuples (of pairs), other
    unhashable values their text. The validators then refuse what is not a value or a list of values."""
    if isinstance(value, Mapping):
        return tuple((_hashable(k), _hashable(v)) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return tuple(_hashable(v) for v in value)
    try:
        hash(value)
    except TypeError:
        return str(value)
    return value


def factorize(values: Sequence[Any] | npt.NDArray[Any]) -> tuple[npt.NDArray[np.int32], list[Any]]:
    """Integer codes of ``values`` and the distinct values they index, in order of first appearance.

    String, boolean and integer arrays are grouped with numpy (64-bit keys, sorted); anything else with
    one dictionary pass.
    """
    if isinstance(values, np.ndarray):
        found = _factorize_array(values)
        if found is not None:
            return found
    seq = values.tolist() if isinstance(values, np.ndarray) else values
    if not isinstance(seq, list | tuple):
        seq = list(seq)
    n = len(seq)
    try:
        index: dict[Any, int] = {}
        first = np.fromiter(map(index.setdefault, seq, range(n)), dtype=np.int64, count=n)
    except TypeError:  # unhashable values (lists of tags): key them by a tuple
        return factorize([_hashable(v) for v in seq])
    # ``first`` holds, per row, the position where its value first appeared; renumber those densely
    starts = np.fromiter(index.values(), dtype=np.int64, count=len(index))
    dense = np.zeros(n, dtype=np.int32)
    dense[starts] = np.arange(len(starts), dtype=np.int32)
    return dense[first], list(index)


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    return str(value)


def _space_table() -> npt.NDArray[np.bool_]:
    """``table[c]`` is true when ``chr(c).isspace()``, for every code point up to U+3000 (the last space)."""
    table = np.array([chr(c).isspace() for c in range(_LAST_SPACE + 1)], dtype=bool)
    table.setflags(write=False)
    return table


#: The highest code point ``str.isspace`` accepts (IDEOGRAPHIC SPACE).
_LAST_SPACE = 0x3000
_SPACE = _space_table()


def _nfc_unsafe_rows(cp: npt.NDArray[np.uint32]) -> npt.NDArray[np.intp]:
    """Rows of a code-point matrix holding a character outside the ranges known to be NFC-stable on their
    own: U+0000-U+02FF, CJK U+3400-U+9FFF and the full-width forms U+FF01-U+FF60 (checked in blocks of rows,
    which keeps the temporaries in cache)."""
    n = len(cp)
    unsafe = np.zeros(n, dtype=bool)
    for start in range(0, n, _HASH_CHUNK):
        part = cp[start : start + _HASH_CHUNK]
        safe = (part < 0x300) | ((part >= 0x3400) & (part < 0xA000))
        safe |= (part >= 0xFF01) & (part < 0xFF61)
        unsafe[start : start + _HASH_CHUNK] = ~safe.all(axis=1)
    return np.flatnonzero(unsafe)


def _is_space(cp: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    """Vectorised ``str.isspace`` of code points."""
    return np.asarray((cp <= _LAST_SPACE) & _SPACE[np.minimum(cp, _LAST_SPACE)])


def norm_array(values: Sequence[Any] | npt.NDArray[Any], *, copy: bool = True) -> npt.NDArray[np.str_]:
    """Vectorised :func:`norm_text`: a string array, NFC-normalised and stripped; ``values`` is never changed.

    Only rows starting or ending with white space are stripped, and only rows holding a character outside
    the ranges known to be NFC-stable on their own (U+0000-U+02FF, CJK U+3400-U+9FFF, full-width forms
    U+FF01-U+FF60) are normalised one by one. With ``copy=False`` a string array needing no change is
    returned as is (possibly the input itself, which the caller must then not modify).
    """
    own = False  # whether ``out`` is this function's own array (else it is copied before any change)
    if isinstance(values, np.ndarray) and values.dtype.kind == "U":
        out = values.ravel()
    else:
        own = True
        seq = values.tolist() if isinstance(values, np.ndarray) else values
        if not isinstance(seq, list | tuple):
            seq = list(seq)
        if not seq:
            return np.zeros(0, dtype=str)
        if set(map(type, seq)) != {str}:
            seq = [v if isinstance(v, str) else "" if v is None else str(v) for v in seq]
        out = np.array(seq, dtype=str)
    n = len(out)
    width = out.dtype.itemsize // 4
    if n == 0 or width == 0:
        return np.array(out, dtype=str)
    cp = np.ascontiguousarray(out).view(np.uint32).reshape(n, width)
    last = cp[np.arange(n), np.maximum(np.char.str_len(out) - 1, 0)]
    edge = np.flatnonzero(_is_space(cp[:, 0]) | _is_space(last))
    if edge.size:
        if not own:
            out, own = np.array(out, dtype=str), True
        out[edge] = np.char.strip(out[edge])
        cp = out.view(np.uint32).reshape(n, width)
    rows = _nfc_unsafe_rows(cp)
    if rows.size:
        fixed = [unicodedata.normalize("NFC", str(out[i])).strip() for i in rows.tolist()]
        wide = max(width, *(len(f) for f in fixed))
        if wide > width or not own:
            out, own = out.astype(f"<U{max(wide, width)}"), True
        out[rows] = fixed
    if copy and not own:
        out = np.array(out, dtype=str)
    return out


def bad_id_chars(ids: npt.NDArray[np.str_]) -> npt.NDArray[np.bool_]:
    """Ids holding white space, a separator (``, ; ； | " ' \\``) or a non-printable character.

    ASCII ids are checked on the code-point array (a lookup table); the others one by one with
    ``str.isprintable``.
    """
    n = len(ids)
    width = ids.dtype.itemsize // 4
    if n == 0 or width == 0:
        return np.zeros(n, dtype=bool)
    cp = np.ascontiguousarray(ids).view(np.uint32).reshape(n, width)
    out = np.zeros(n, dtype=bool)
    non_ascii = np.zeros(n, dtype=bool)
    for start in range(0, n, _HASH_CHUNK):  # blocks of rows keep the temporaries in cache
        part = cp[start : start + _HASH_CHUNK]
        out[start : start + _HASH_CHUNK] = _BAD_ASCII_ID[np.minimum(part, 0x80)].any(axis=1)
        non_ascii[start : start + _HASH_CHUNK] = part.max(axis=1) >= 0x80
    wide = np.flatnonzero(non_ascii)
    for i in wide.tolist():
        text = str(ids[i])
        out[i] = not text.isprintable() or any(ch.isspace() or ch in _ID_FORBIDDEN for ch in text)
    return np.asarray(out)


def _bad_ascii_id_table() -> npt.NDArray[np.bool_]:
    """``table[c]`` for c < 128: the ASCII character may not appear in an id; ``table[0]`` (padding) and
    ``table[128]`` (any non-ASCII character, checked separately) are false."""
    table = np.zeros(0x81, dtype=bool)
    for c in range(1, 0x80):
        ch = chr(c)
        table[c] = not ch.isprintable() or ch.isspace() or ch in _ID_FORBIDDEN
    table.setflags(write=False)
    return table


_BAD_ASCII_ID = _bad_ascii_id_table()


def sort_ids(ids: npt.NDArray[np.str_]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """The stable ascending order of ``ids`` by code point, and which sorted ids equal their successor.

    ASCII ids are packed exactly into 64-bit keys (nine 7-bit characters each) and sorted with stable
    passes from the last key to the first, several times faster than sorting the strings; other ids are
    sorted as strings. Both give the order ``numpy.argsort(ids, kind="stable")`` gives.
    """
    n = len(ids)
    if n == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=bool)
    width = ids.dtype.itemsize // 4
    cp = np.ascontiguousarray(ids).view(np.uint32).reshape(n, width) if width else None
    if cp is None or int(cp.max(initial=0)) >= 0x80:
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        return order, np.asarray(sorted_ids[1:] == sorted_ids[:-1])
    groups = -(-width // _PACK)
    place = _PACK_BASE ** np.arange(_PACK - 1, -1, -1, dtype=np.uint64)
    keys = np.zeros((groups, n), dtype=np.uint64)
    for g in range(groups):
        part = cp[:, g * _PACK : (g + 1) * _PACK]
        weights = place[: part.shape[1]]
        for start in range(0, n, _HASH_CHUNK):
            stop = start + _HASH_CHUNK
            keys[g, start:stop] = part[start:stop].astype(np.uint64) @ weights
    order = np.argsort(keys[-1], kind="stable")
    for g in range(groups - 2, -1, -1):  # least significant key first, each pass stable (a radix sort)
        order = order[np.argsort(keys[g][order], kind="stable")]
    sorted_keys = keys[:, order]
    return order, np.asarray((sorted_keys[:, 1:] == sorted_keys[:, :-1]).all(axis=0))


def control_mask(arr: npt.NDArray[np.str_]) -> npt.NDArray[np.bool_]:
    """Rows holding a control character (C0 with an embedded NUL, DEL, C1, line or paragraph separator)."""
    width = arr.dtype.itemsize // 4
    if arr.size == 0 or width == 0:
        return np.zeros(arr.shape, dtype=bool)
    cp = np.ascontiguousarray(arr).view(np.uint32).reshape(len(arr), width)
    n = len(cp)
    out = np.zeros(n, dtype=bool)
    for start in range(0, n, _HASH_CHUNK):  # blocks of rows keep the temporaries in cache
        part = cp[start : start + _HASH_CHUNK]
        bad = (part > 0) & (part < 0x20)
        bad |= (part >= 0x7F) & (part <= 0x9F)
        bad |= (part == 0x2028) | (part == 0x2029)
        # numpy pads with NUL, so a NUL counts only when a character follows it (an embedded NUL)
        nonzero = part > 0
        last = np.where(nonzero.any(axis=1), width - 1 - np.argmax(nonzero[:, ::-1], axis=1), -1)
        bad |= (part == 0) & (np.arange(width)[None, :] < last[:, None])
        out[start : start + _HASH_CHUNK] = bad.any(axis=1)
    return out


def uscc_reasons(ids: Sequence[str] | npt.NDArray[np.str_]) -> dict[int, tuple[str, ...]]:
    """Positions of invalid USCCs in ``ids`` mapped to every reason (``randinspect.codes.uscc_problems``).

    Exact and vectorised: codes of 18 alphabet characters get their check character computed in one numpy
    pass (GB 32100-2015: the weighted sum of the first 17 character values with ``USCC_WEIGHTS``, the
    check value being ``(31 - sum mod 31) mod 31``, as ``uscc_check_digit`` computes it). For those whose
    check character matches, every other rule of ``uscc_problems`` (registration authority, organisation
    type, division format) depends on the first eight characters only, so ``uscc_problems`` runs once per
    distinct 8-character prefix. Every other code is checked one by one.
    """
    from randinspect.codes import USCC_ALPHABET, USCC_WEIGHTS, uscc_problems

    out: dict[int, tuple[str, ...]] = {}
    n = len(ids)
    if n == 0:
        return out
    arr = np.asarray(ids, dtype=str)
    full = np.ones(n, dtype=bool)  # rows to check one by one
    if arr.dtype.itemsize >= 18 * 4:
        width = arr.dtype.itemsize // 4
        chars = np.ascontiguousarray(arr).view(np.uint32).reshape(n, width)
        lut = np.full(129, 255, dtype=np.uint8)
        for i, c in enumerate(USCC_ALPHABET):
            lut[ord(c)] = i
        values = np.empty((n, 18), dtype=np.uint8)
        for start in range(0, n, _HASH_CHUNK):
            values[start : start + _HASH_CHUNK] = lut[
                np.minimum(chars[start : start + _HASH_CHUNK, :18], 128)
            ]
        shape_ok = (values != 255).all(axis=1)
        if width > 18:
            shape_ok &= (chars[:, 18:] == 0).all(axis=1)
        weights = np.array(USCC_WEIGHTS, dtype=np.int32)
        place = 31 ** np.arange(7, -1, -1, dtype=np.int64)
        total = np.empty(n, dtype=np.int32)
        prefix = np.empty(n, dtype=np.int64)  # the first eight characters as a base-31 number
        for start in range(0, n, _HASH_CHUNK):
            block = values[start : start + _HASH_CHUNK]
            total[start : start + _HASH_CHUNK] = block[:, :17].astype(np.int32) @ weights
            prefix[start : start + _HASH_CHUNK] = block[:, :8].astype(np.int64) @ place
        good = np.flatnonzero(shape_ok & ((31 - total % 31) % 31 == values[:, 17]))
        if good.size:
            full[good] = False
            key = prefix[good].view(np.uint64)
            inverse, first = _group_keys(key)
            prefix_bad = np.array(
                [bool(uscc_problems(str(arr[good[f]]))) for f in first.tolist()], dtype=bool
            )
            full[good[prefix_bad[inverse]]] = True
    for i in np.flatnonzero(full).tolist():
        reasons = tuple(uscc_problems(str(arr[i])))
        if reasons:
            out[i] = reasons
    return out


def build_objects(
    columns: Mapping[str, Sequence[Any] | npt.NDArray[Any]],
    *,
    department_risk: Mapping[str, Sequence[Any] | npt.NDArray[Any]],
    rows: npt.NDArray[np.int64] | None,
    labels: Mapping[str, str],
    source: str,
    credit_scale: OrderedScale,
    risk_scale: OrderedScale,
    accept_any_division: bool,
    validate: bool,
    strict: bool,
    sink: ProblemSink | None = None,
) -> tuple[ObjectDirectory | None, ProblemSink]:
    """Normalise, validate and assemble. Strict: raise :class:`LoadError` at the first problem.

    Lenient: return the directory of the rows without any problem, and the sink holding every problem.
    ``rows`` gives the row number of each position (default: 1-based positions); ``labels`` maps a column to
    the header as written in the input, for problems.
    """
    sink = sink if sink is not None else ProblemSink(source=source, strict=strict)
    n = len(columns["id"])
    row_no = rows if rows is not None else np.arange(1, n + 1, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)

    def label(col: str) -> str:
        return labels.get(col, col)

    def categorical(
        col: str,
        values: Sequence[Any] | npt.NDArray[Any],
        parse: Callable[[Any], Any],
        describe: Callable[[Any, Exception], tuple[str, str, str]],
    ) -> tuple[npt.NDArray[np.int32], list[Any]]:
        """Parse each distinct value once; mark rows of values that fail. Returns codes and parsed uniques."""
        codes, uniq = factorize(values)
        parsed: list[Any] = []
        failed: dict[int, tuple[str, str, str]] = {}
        for i, raw in enumerate(uniq):
            try:
                parsed.append(parse(raw))
            except (ValueError, CodeError, ScaleError) as exc:
                parsed.append(None)
                failed[i] = describe(raw, exc)
        if failed:
            hit = np.isin(codes, np.fromiter(failed, dtype=np.int32))
            bad[hit] = True
            positions = np.flatnonzero(hit)

            def make(p: int) -> dict[str, Any]:
                message, hint, code = failed[int(codes[p])]
                return {
                    "message": message,
                    "column": label(col),
                    "value": _show(uniq[int(codes[p])]),
                    "hint": hint,
                    "code": code,
                }

            sink.add_rows(positions, row_no, make)
        return codes, parsed

    # kind
    def parse_kind(raw: Any) -> int:
        text = norm_text(raw)
        if not text:
            raise ValueError("missing")
        return KIND_CATEGORIES.index(SubjectKind.parse(text).value)

    def describe_kind(raw: Any, exc: Exception) -> tuple[str, str, str]:
        if not norm_text(raw):
            return (
                "subject kind is missing",
                "fill in the kind (企业, 个体工商户, product ...)",
                "kind.missing",
            )
        return (
            f"unknown subject kind {norm_text(raw)!r}",
            "use one of: " + ", ".join(f"{k.value} ({k.zh})" for k in SubjectKind),
            "kind.unknown",
        )

    kind_codes, kind_parsed = categorical("kind", columns["kind"], parse_kind, describe_kind)
    kind_map = np.array([-1 if k is None else k for k in kind_parsed], dtype=np.int32)
    kind_final = kind_map[kind_codes] if n else np.zeros(0, dtype=np.int32)

    # industry
    def parse_industry(raw: Any) -> str:
        text = unicodedata.normalize("NFKC", norm_text(raw))
        if not text:
            raise ValueError("missing")
        from randinspect.codes import INDUSTRY

        if not validate:
            if has_control(text):
                raise ValueError("control")
            try:
                return str(INDUSTRY.normalise(text))
            except CodeError:
                return text  # trusted as given
        return str(INDUSTRY.normalise(text))

    def describe_industry(raw: Any, exc: Exception) -> tuple[str, str, str]:
        if not norm_text(raw):
            return (
                "industry code is missing",
                "fill in the GB/T 4754-2017 code (e.g. 5211)",
                "industry.missing",
            )
        return (
            f"unknown industry code: {exc}",
            "use a GB/T 4754-2017 code: 2-digit division, 3-digit group or 4-digit class, "
            "optionally after the section letter (C1311)",
            "industry.unknown",
        )

    ind_codes, ind_parsed = categorical("industry", columns["industry"], parse_industry, describe_industry)

    # region
    def parse_region(raw: Any) -> str:
        text = unicodedata.normalize("NFKC", norm_text(raw))
        if not _SIX_DIGITS.match(text):
            raise ValueError("malformed")
        if validate and not accept_any_division:
            from randinspect.codes import DIVISIONS

            if not DIVISIONS.is_valid(text):
                raise ValueError("unknown" if DIVISIONS.covers(text) else "uncovered")
        return text

    def describe_region(raw: Any, exc: Exception) -> tuple[str, str, str]:
        if str(exc) == "malformed":
            if not norm_text(raw):
                return ("division code is missing", "fill in the 6-digit GB/T 2260 code", "region.missing")
            return (
                "division code is not 6 digits",
                "write the 6-digit GB/T 2260 code of the county-level division (e.g. 520102 for 南明区)",
                "region.malformed",
            )
        if str(exc) == "unknown":
            return (
                "division code does not exist in GB/T 2260",
                "check the code against the division list (Guiyang's districts are 520102-520181)",
                "region.unknown",
            )
        return (
            "division code lies outside the shipped GB/T 2260 table (Guizhou)",
            "check the code; codes outside the shipped coverage load with accept_any_division=True "
            "(CLI: --accept-any-division)",
            "region.uncovered",
        )

    reg_codes, reg_parsed = categorical("region", columns["region"], parse_region, describe_region)

    # unit
    def parse_unit(raw: Any) -> str:
        text = norm_text(raw)
        if not text or has_control(text):
            raise ValueError("missing" if not text else "control")
        return text

    def describe_unit(raw: Any, exc: Exception) -> tuple[str, str, str]:
        if str(exc) == "missing":
            return ("supervising unit is missing", "fill in the supervising unit's code", "unit.missing")
        return (
            "supervising unit contains a control character",
            "remove tabs and line breaks",
            "unit.invalid",
        )

    unit_codes, unit_parsed = categorical("unit", columns["unit"], parse_unit, describe_unit)

    # credit and risk
    def scale_parser(scale: OrderedScale) -> Callable[[Any], int]:
        def parse(raw: Any) -> int:
            text = norm_text(raw)
            if not text:
                raise ValueError("missing")
            return scale.rank(scale.parse(text))

        return parse

    def scale_describer(scale: OrderedScale, col: str) -> Callable[[Any, Exception], tuple[str, str, str]]:
        levels = ", ".join(scale.levels) + (f" ({', '.join(scale.labels)})" if scale.labels else "")

        def describe(raw: Any, exc: Exception) -> tuple[str, str, str]:
            if not norm_text(raw):
                return (f"{scale.name} is missing", f"fill in one of {levels}", f"{col}.missing")
            return (f"unknown {scale.name} {norm_text(raw)!r}", f"use one of {levels}", f"{col}.unknown")

        return describe

    credit_codes, credit_parsed = categorical(
        "credit", columns["credit"], scale_parser(credit_scale), scale_describer(credit_scale, "credit")
    )
    risk_codes, risk_parsed = categorical(
        "risk", columns["risk"], scale_parser(risk_scale), scale_describer(risk_scale, "risk")
    )

    # alive
    def describe_alive(raw: Any, exc: Exception) -> tuple[str, str, str]:
        return (
            "unknown alive flag",
            "write 1/0, true/false, 是/否, 存续/在营 (alive) or 吊销/注销 (not alive)",
            "alive.unknown",
        )

    alive_codes, alive_parsed = categorical("alive", columns["alive"], parse_alive, describe_alive)

    # tags
    def describe_tags(raw: Any, exc: Exception) -> tuple[str, str, str]:
        return (
            str(exc),
            "tags are separated by ; ； or | and may not contain control characters",
            "tags.invalid",
        )

    tag_values = columns.get("tags")
    if tag_values is None:
        tag_codes = np.zeros(n, dtype=np.int32)
        tag_parsed: list[Any] = [()]
    else:
        tag_codes, tag_parsed = categorical("tags", tag_values, split_tags, describe_tags)

    # department risk columns
    dept_parsed: dict[str, tuple[npt.NDArray[np.int32], list[Any]]] = {}
    for dept, values in department_risk.items():
        col = f"risk@{dept}"
        if not _DEPT_CODE.match(dept):
            sink.add(
                message=f"department code {dept!r} in a risk column is not a code",
                column=label(col),
                hint="write risk@DEPT with DEPT made of ASCII letters, digits, _ or -",
                code="header.department",
            )
            if strict:
                sink.raise_first()
            continue

        def parse_dept(raw: Any) -> int:
            text = norm_text(raw)
            return -1 if not text else risk_scale.rank(risk_scale.parse(text))

        dept_parsed[dept] = categorical(col, values, parse_dept, scale_describer(risk_scale, "risk"))

    # names
    names = norm_array(columns["name"], copy=False)  # may be the caller's array: never written to
    name_len = np.char.str_len(names) if n else np.zeros(0, dtype=np.int64)
    empty_names = np.flatnonzero(name_len == 0)
    control_names = np.flatnonzero(control_mask(names) & (name_len > 0))
    if empty_names.size:
        bad[empty_names] = True
        sink.add_rows(
            empty_names,
            row_no,
            lambda p: {
                "message": "name is missing",
                "column": label("name"),
                "value": "",
                "hint": "fill in the registered name (名称)",
                "code": "name.missing",
            },
        )
    if control_names.size:
        bad[control_names] = True
        sink.add_rows(
            control_names,
            row_no,
            lambda p: {
                "message": "name contains a control character (tab, line break ...)",
                "column": label("name"),
                "value": str(names[p]),
                "hint": "replace tabs and line breaks in the name with spaces",
                "code": "name.control",
            },
        )

    # ids
    ids = norm_array(columns["id"], copy=False)  # may be the caller's array: never written to
    subject = np.isin(kind_final, np.array(SUBJECT_KIND_CODES, dtype=np.int32))
    if n and subject.any():
        # subjects' ids are USCCs: NFKC (full-width to half-width) and upper case, like normalise_uscc
        width = ids.dtype.itemsize // 4
        if width:
            cp = ids.view(np.uint32).reshape(n, width)
            cand = np.flatnonzero(subject & (cp.max(axis=1) >= 97))  # only these can hold a-z or non-ASCII
            part = cp[cand]
            fix = cand[(((part >= 97) & (part <= 122)) | (part >= 128)).any(axis=1)]
            if fix.size:
                fixed_ids = [unicodedata.normalize("NFKC", str(ids[i])).strip().upper() for i in fix.tolist()]
                wide = max(width, *(len(f) for f in fixed_ids))
                ids = ids.astype(f"<U{wide}")
                ids[fix] = fixed_ids
    lengths = np.char.str_len(ids) if n else np.zeros(0, dtype=np.int64)
    empty_ids = np.flatnonzero(lengths == 0)
    if empty_ids.size:
        bad[empty_ids] = True
        sink.add_rows(
            empty_ids,
            row_no,
            lambda p: {
                "message": "id is missing",
                "column": label("id"),
                "value": "",
                "hint": "subjects need their unified social credit code; products, projects and behaviours "
                "an id of their own scheme (e.g. PRD:0001)",
                "code": "id.missing",
            },
        )
    if validate:
        subj_pos = np.flatnonzero(subject & (lengths > 0))
        reasons = uscc_reasons(ids if subj_pos.size == n else ids[subj_pos])
        if reasons:
            bad_pos = np.array(sorted(reasons), dtype=np.intp)
            bad[subj_pos[bad_pos]] = True
            sink.add_rows(
                subj_pos[bad_pos],
                row_no,
                lambda p: {
                    "message": "invalid unified social credit code: "
                    + "; ".join(reasons[int(np.searchsorted(subj_pos, p))]),
                    "column": label("id"),
                    "value": str(ids[p]),
                    "hint": "subjects are identified by their 18-character USCC (GB 32100-2015); check it "
                    "against the business licence",
                    "code": "id.uscc",
                },
            )
    # character check: non-subjects always; subjects too when their USCC is not validated
    checked = (kind_final >= 0) & (lengths > 0)
    if validate:
        checked &= ~subject
    other_pos = np.flatnonzero(checked)
    bad_other = other_pos[bad_id_chars(ids[other_pos])].tolist()
    if bad_other:
        bad[bad_other] = True
        sink.add_rows(
            bad_other,
            row_no,
            lambda p: {
                "message": "id contains spaces, separators (, ; ； | quotes \\) or non-printable characters",
                "column": label("id"),
                "value": str(ids[p]),
                "hint": "use printable characters without separators, e.g. PRD:0001 or PRJ-2027-17",
                "code": "id.invalid",
            },
        )

    # duplicates (among every row with an id); the sort is reused for the canonical order
    order_all, equal_next = sort_ids(ids)
    if n > 1:
        same = equal_next & (lengths[order_all[1:]] > 0)
        if same.any():
            dup_sorted = np.zeros(n, dtype=bool)
            dup_sorted[1:] |= same
            dup_sorted[:-1] |= same
            dup_positions = np.sort(order_all[dup_sorted])
            bad[dup_positions] = True
            groups: dict[str, list[int]] = {}
            for p in dup_positions.tolist():
                groups.setdefault(str(ids[p]), []).append(int(row_no[p]))

            def make_dup(p: int) -> dict[str, Any]:
                others = [r for r in groups[str(ids[p])] if r != int(row_no[p])]
                return {
                    "message": "duplicate id, also on row(s) " + ", ".join(map(str, others)),
                    "column": label("id"),
                    "value": str(ids[p]),
                    "hint": "each object appears once; merge or remove the duplicate rows",
                    "code": "id.duplicate",
                }

            sink.add_rows(dup_positions, row_no, make_dup)

    if sink.problems and strict:
        sink.raise_first()

    # assemble the valid rows in canonical order
    order = order_all[~bad[order_all]]
    in_order = order.size == n and bool((order == np.arange(n)).all())  # input already canonical
    inputs = [*columns.values(), *department_risk.values()]

    def pick(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """The kept rows in canonical order: a new array, or ``values`` itself when already in order and
        not sharing memory with an input column (the directory makes its arrays read-only)."""
        if not in_order:
            return values[order]
        if any(isinstance(c, np.ndarray) and np.may_share_memory(values, c) for c in inputs):
            return np.array(values)
        return values

    def finish(
        codes: npt.NDArray[np.int32], parsed: list[Any]
    ) -> tuple[npt.NDArray[np.int32], tuple[str, ...]]:
        """Map raw codes to sorted canonical categories (only over rows kept)."""
        canon = sorted({p for p in parsed if p is not None})
        pos = {c: i for i, c in enumerate(canon)}
        remap = np.array([-1 if p is None else pos[p] for p in parsed] or [-1], dtype=np.int32)
        return remap[pick(codes)] if order.size else np.zeros(0, dtype=np.int32), tuple(canon)

    def fixed(codes: npt.NDArray[np.int32], parsed: list[Any]) -> npt.NDArray[np.int32]:
        remap = np.array([-1 if p is None else p for p in parsed] or [-1], dtype=np.int32)
        return remap[pick(codes)] if order.size else np.zeros(0, dtype=np.int32)

    ind_final, ind_cats = finish(ind_codes, ind_parsed)
    reg_final, reg_cats = finish(reg_codes, reg_parsed)
    unit_final, unit_cats = finish(unit_codes, unit_parsed)
    tag_final, tag_cats_t = finish(tag_codes, tag_parsed)
    risk_final = fixed(risk_codes, risk_parsed)
    alive_map = np.array([bool(a) if a is not None else False for a in alive_parsed] or [False], dtype=bool)
    dept_final: dict[str, npt.NDArray[np.int32]] = {}
    for dept, (dcodes, dparsed) in dept_parsed.items():
        d = fixed(dcodes, dparsed)
        dept_final[dept] = np.where(d < 0, risk_final, d).astype(np.int32)
    directory = ObjectDirectory._assemble(
        ids=pick(ids),
        names=pick(names),
        codes={
            "kind": pick(kind_final),
            "industry": ind_final,
            "region": reg_final,
            "unit": unit_final,
            "credit": fixed(credit_codes, credit_parsed),
            "risk": risk_final,
            "tags": tag_final,
        },
        cats={
            "kind": KIND_CATEGORIES,
            "industry": ind_cats,
            "region": reg_cats,
            "unit": unit_cats,
            "credit": credit_scale.levels,
            "risk": risk_scale.levels,
            "tags": tuple(";".join(t) for t in tag_cats_t),
        },
        tagsets=tuple(tuple(t) for t in tag_cats_t),
        alive=alive_map[pick(alive_codes)] if order.size else np.zeros(0, dtype=bool),
        dept_risk=dept_final,
        credit_scale=credit_scale,
        risk_scale=risk_scale,
    )
    return directory, sink
