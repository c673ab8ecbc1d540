"""Value vocabularies shared by the directory loaders: column headers, flags, tags, dates, ids.

Everything here is a pure function or an immutable constant.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = [
    "ALIVE_FALSE",
    "ALIVE_TRUE",
    "OBJECT_COLUMNS",
    "OBJECT_HEADERS",
    "OBJECT_HEADERS_ZH",
    "REDACTED",
    "TAG_SEPARATORS",
    "closest_header",
    "has_control",
    "header_key",
    "norm_text",
    "parse_alive",
    "parse_date",
    "split_list",
    "split_tags",
]

#: Every column of the object directory, in canonical order (also the order of the digest serialisation).
OBJECT_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "kind",
    "industry",
    "region",
    "unit",
    "credit",
    "risk",
    "alive",
    "tags",
)

#: Chinese header of each column, as written by :meth:`ObjectDirectory.to_csv` with ``chinese_headers=True``.
OBJECT_HEADERS_ZH: Mapping[str, str] = {
    "id": "统一社会信用代码",
    "name": "名称",
    "kind": "主体类型",
    "industry": "行业代码",
    "region": "区划代码",
    "unit": "监管单位",
    "credit": "信用等级",
    "risk": "风险等级",
    "alive": "存续状态",
    "tags": "标签",
}

#: Spellings of the alive flag (存活标识) meaning "still operating" (compared after NFKC and case folding).
ALIVE_TRUE: frozenset[str] = frozenset(
    {"1", "true", "t", "yes", "y", "是", "存续", "在营", "在业", "开业", "正常"}
)
#: Spellings meaning "no longer operating" (dormant, revoked or cancelled).
ALIVE_FALSE: frozenset[str] = frozenset(
    {"0", "false", "f", "no", "n", "否", "吊销", "注销", "歇业", "停业", "吊销未注销", "dormant"}
)

#: Characters that separate tags (and other list cells) in CSV cells.
TAG_SEPARATORS: str = ";；|"
_SPLIT = re.compile(r"[;；|]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

#: What a private value (identity-card number, phone number) is replaced with in every message.
REDACTED = "<redacted>"


def norm_text(value: object) -> str:
    """Return ``value`` as text: ``None`` becomes ``""``, then NFC-normalised and stripped."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text.strip()


def has_control(text: str) -> bool:
    """True when ``text`` holds a control character (tab, line break ...), which no directory field may."""
    return _CONTROL.search(text) is not None


def header_key(header: str) -> str:
    """Normalise a column header for lookup: NFKC, stripped, case-folded, spaces and ``-`` read as ``_``."""
    text = unicodedata.normalize("NFKC", header).strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


def closest_header(header: str, known: Iterable[str]) -> str | None:
    """Return the known header most similar to ``header`` (for "did you mean" hints), if any is close."""
    candidates = list(known)
    found = difflib.get_close_matches(
        header_key(header), [header_key(k) for k in candidates], n=1, cutoff=0.5
    )
    if not found:
        return None
    for k in candidates:
        if header_key(k) == found[0]:
            return k
    return None  # pragma: no cover - get_close_matches only returns candidates


def parse_alive(value: object) -> bool:
    """Read an alive flag: ``True``/``False``, ``1``/``0``, ``true``/``false``, 是/否, 存续/在营 or 吊销/注销.

    Raises
    ------
    ValueError
        If the value is none of the accepted spellings.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = unicodedata.normalize("NFKC", norm_text(value)).casefold()
    if key in ALIVE_TRUE:
        return True
    if key in ALIVE_FALSE:
        return False
    raise ValueError(f"unknown alive flag {value!r}")


def split_list(value: object) -> tuple[str, ...]:
    """Split a list cell on ``;``, ``；`` or ``|`` (or take a list as is); normalise items, drop empty ones.

    The order of the items is kept and duplicates are removed.
    """
    if value is None:
        return ()
    items: Iterable[object]
    if isinstance(value, str):
        items = _SPLIT.split(value)
    elif isinstance(value, Iterable):
        items = value
    else:
        items = [value]
    out: dict[str, None] = {}
    for item in items:
        text = norm_text(item)
        if text:
            out[text] = None
    return tuple(out)


def split_tags(value: object) -> tuple[str, ...]:
    """Split a tag cell like :func:`split_list`, then sort the tags by code point (the canonical tag set).

    Raises
    ------
    ValueError
        If a tag (given in a list) contains a separator or a control character, or is not text (a nested
        list or an object in JSON).
    """
    nested = isinstance(value, list | tuple) and any(
        isinstance(v, Iterable) and not isinstance(v, str) for v in value
    )
    if isinstance(value, Mapping) or nested:
        raise ValueError("tags must be text or a list of texts, not nested lists or objects")
    tags = split_list(value)
    for tag in tags:
        if _SPLIT.search(tag) or has_control(tag):
            raise ValueError(f"tag {tag!r} contains a separator (; ； |) or a control character")
    return tuple(sorted(tags))


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(value: object) -> dt.date:
    """Read a date written ``2027-03-31``, ``2027/3/31``, ``2027.03.31`` or ``2027年3月31日``.

    Raises
    ------
    ValueError
        If the text is not such a date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", norm_text(value))
    match = _DATE.match(text)
    if match is None:
        raise ValueError(f"not a date {value!r}; write it as YYYY-MM-DD")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"not a calendar date {value!r}") from None


#: Accepted header spellings (after :func:`header_key`) and the column each one names.
OBJECT_HEADERS: Mapping[str, str] = {
    **{header_key(c): c for c in OBJECT_COLUMNS},
    **{header_key(z): c for c, z in OBJECT_HEADERS_ZH.items()},
    header_key("对象编号"): "id",
    header_key("编号"): "id",
    header_key("uscc"): "id",
}
