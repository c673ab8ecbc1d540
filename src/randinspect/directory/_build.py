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

__all__ = ["ProblemSink", "build_objects", "factorize", "uscc_reasons"]

_DEPT_CODE = re.compile(r"^[A-Za-z0-9_\-]+$")
_SIX_DIGITS = re.compile(r"^\d{6}$")
#: Characters a non-subject id may not contain (besides whitespace and control characters).
_ID_FORBIDDEN = frozenset(",;；|\"'\\")


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


def factorize(values: Sequence[Any] | npt.NDArray[Any]) -> tuple[npt.NDArray[np.int32], list[Any]]:
    """Integer codes of ``values`` and the distinct values they index, in order of first appearance."""
    seq = values.tolist() if isinstance(values, np.ndarray) else values
    if not isinstance(seq, list | tuple):
        seq = list(seq)
    try:
        uniq = list(dict.fromkeys(seq))
        index = {v: i for i, v in enumerate(uniq)}
        codes = np.fromiter(map(index.__getitem__, seq), dtype=np.int32, count=len(seq))
    except TypeError:  # unhashable values (lists of tags): key them by a tuple
        keyed = [tuple(v) if isinstance(v, list | set | frozenset | np.ndarray) else v for v in seq]
        return factorize(keyed)
    return codes, uniq


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    return str(value)


def norm_array(values: Sequence[Any] | npt.NDArray[Any]) -> npt.NDArray[np.str_]:
    """Vectorised :func:`norm_text`: a new string array, NFC-normalised and stripped.

    Only rows holding a character outside the ranges known to be NFC-stable on their own (U+0000-U+02FF,
    CJK U+3400-U+9FFF, full-width forms U+FF01-U+FF60) are normalised one by one.
    """
    if isinstance(values, np.ndarray) and values.dtype.kind == "U":
        arr = values
    else:
        seq = values.tolist() if isinstance(values, np.ndarray) else values
        arr = np.array(
            [v if isinstance(v, str) else "" if v is None else str(v) for v in seq] or [""], dtype=str
        )[: len(seq)]
    if arr.size == 0:
        return np.zeros(0, dtype=str)
    arr = np.char.strip(arr.ravel())
    width = arr.dtype.itemsize // 4
    if width == 0:
        return arr
    cp = arr.view(np.uint32).reshape(len(arr), width)
    safe = (cp < 0x300) | ((cp >= 0x3400) & (cp < 0xA000)) | ((cp >= 0xFF01) & (cp < 0xFF61))
    rows = np.flatnonzero(~safe.all(axis=1))
    if rows.size:
        fixed = [unicodedata.normalize("NFC", str(arr[i])).strip() for i in rows.tolist()]
        wide = max(width, *(len(f) for f in fixed))
        if wide > width:
            arr = arr.astype(f"<U{wide}")
        arr[rows] = fixed
    return arr


def bad_id_chars(ids: npt.NDArray[np.str_]) -> npt.NDArray[np.bool_]:
    """Ids holding white space, a separator (``, ; ； | " ' \\``) or a non-printable character.

    ASCII ids are checked on the code-point array; the others one by one with ``str.isprintable``.
    """
    n = len(ids)
    width = ids.dtype.itemsize // 4
    if n == 0 or width == 0:
        return np.zeros(n, dtype=bool)
    cp = np.ascontiguousarray(ids).view(np.uint32).reshape(n, width)
    forbidden = np.array(sorted(ord(c) for c in _ID_FORBIDDEN), dtype=np.uint32)
    out = (((cp > 0) & (cp <= 0x20)) | (cp == 0x7F) | np.isin(cp, forbidden)).any(axis=1)
    wide = np.flatnonzero((cp >= 0x80).any(axis=1))
    for i in wide.tolist():
        text = str(ids[i])
        out[i] = not text.isprintable() or any(ch.isspace() or ch in _ID_FORBIDDEN for ch in text)
    return np.asarray(out)


def control_mask(arr: npt.NDArray[np.str_]) -> npt.NDArray[np.bool_]:
    """Rows holding a control character (C0, DEL, C1, line or paragraph separator)."""
    width = arr.dtype.itemsize // 4
    if arr.size == 0 or width == 0:
        return np.zeros(arr.shape, dtype=bool)
    cp = np.ascontiguousarray(arr).view(np.uint32).reshape(len(arr), width)
    bad = ((cp > 0) & (cp < 0x20)) | ((cp >= 0x7F) & (cp <= 0x9F)) | (cp == 0x2028) | (cp == 0x2029)
    return np.asarray(bad.any(axis=1))


def uscc_reasons(ids: Sequence[str] | npt.NDArray[np.str_]) -> dict[int, tuple[str, ...]]:
    """Positions of invalid USCCs in ``ids`` mapped to every reason (``randinspect.codes.uscc_problems``).

    Exact and vectorised: codes of 18 alphabet characters get their check character computed in one numpy
    pass (``uscc_check_digits``). For those whose check character matches, every other rule of
    ``uscc_problems`` (registration authority, organisation type, division format) depends on the first
    eight characters only, so ``uscc_problems`` runs once per distinct 8-character prefix. Every other code
    is checked one by one.
    """
    from randinspect.codes import USCC_ALPHABET, uscc_check_digits, uscc_problems

    out: dict[int, tuple[str, ...]] = {}
    n = len(ids)
    if n == 0:
        return out
    arr = np.asarray(ids, dtype=str)
    full = np.ones(n, dtype=bool)  # rows to check one by one
    if arr.dtype.itemsize >= 18 * 4:
        width = arr.dtype.itemsize // 4
        chars = np.ascontiguousarray(arr).view(np.uint32).reshape(n, width)
        lut = np.full(128, 255, dtype=np.uint8)
        for i, c in enumerate(USCC_ALPHABET):
            lut[ord(c)] = i
        values = lut[np.minimum(chars[:, :18], 127)]
        shape_ok = np.all(values != 255, axis=1)
        if width > 18:
            shape_ok &= np.all(chars[:, 18:] == 0, axis=1)
        cand = np.flatnonzero(shape_ok)
        if cand.size:
            first17 = np.ascontiguousarray(chars[cand, :17]).view("<U17").ravel()
            expected = np.asarray(uscc_check_digits(first17), dtype="<U1")
            given = np.array(list(USCC_ALPHABET), dtype="<U1")[values[cand, 17]]
            good = cand[expected == given]
            full[good] = False
            if good.size:
                key = values[good, :8].astype(np.int64) @ (31 ** np.arange(7, -1, -1, dtype=np.int64))
                _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
                prefix_bad = np.array(
                    [bool(uscc_problems(str(arr[good[f]]))) for f in first.tolist()], dtype=bool
                )
                full[good[prefix_bad[inverse.ravel()]]] = True
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
    names = norm_array(columns["name"])
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
    ids = norm_array(columns["id"])
    subject = np.isin(kind_final, np.array(SUBJECT_KIND_CODES, dtype=np.int32))
    if n and subject.any():
        # subjects' ids are USCCs: NFKC (full-width to half-width) and upper case, like normalise_uscc
        width = ids.dtype.itemsize // 4
        if width:
            cp = ids.view(np.uint32).reshape(n, width)
            odd = (((cp >= 97) & (cp <= 122)) | (cp >= 128)).any(axis=1) & subject
            fix = np.flatnonzero(odd)
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
        reasons = uscc_reasons(ids[subj_pos])
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
    order_all = np.argsort(ids, kind="stable") if n else np.zeros(0, dtype=np.intp)
    if n > 1:
        sorted_ids = ids[order_all]
        same = (sorted_ids[1:] == sorted_ids[:-1]) & (lengths[order_all[1:]] > 0)
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

    def finish(
        codes: npt.NDArray[np.int32], parsed: list[Any]
    ) -> tuple[npt.NDArray[np.int32], tuple[str, ...]]:
        """Map raw codes to sorted canonical categories (only over rows kept)."""
        canon = sorted({p for p in parsed if p is not None})
        pos = {c: i for i, c in enumerate(canon)}
        remap = np.array([-1 if p is None else pos[p] for p in parsed] or [-1], dtype=np.int32)
        return remap[codes[order]] if order.size else np.zeros(0, dtype=np.int32), tuple(canon)

    def fixed(codes: npt.NDArray[np.int32], parsed: list[Any]) -> npt.NDArray[np.int32]:
        remap = np.array([-1 if p is None else p for p in parsed] or [-1], dtype=np.int32)
        return remap[codes[order]] if order.size else np.zeros(0, dtype=np.int32)

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
        ids=ids[order],
        names=names[order],
        codes={
            "kind": kind_final[order],
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
        alive=alive_map[alive_codes[order]] if order.size else np.zeros(0, dtype=bool),
        dept_risk=dept_final,
        credit_scale=credit_scale,
        risk_scale=risk_scale,
    )
    return directory, sink
