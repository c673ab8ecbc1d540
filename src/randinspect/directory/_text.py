"""Reading text files of unknown encoding and spotting mojibake (乱码)."""

from __future__ import annotations

import os
import re

import attrs

__all__ = [
    "MOJIBAKE_HINT",
    "DecodedText",
    "decode_bytes",
    "looks_like_mojibake",
    "may_be_mojibake",
    "read_bytes",
]

#: The hint every mojibake problem carries.
MOJIBAKE_HINT = (
    "the text looks garbled (乱码): the file was probably saved in one encoding and read or re-saved in "
    "another; open the original in a spreadsheet or editor and save it as 'CSV UTF-8'"
)

# Characters that Chinese UTF-8 text turns into when its bytes are read as GB18030/GBK: the UTF-8 bytes of
# 公司, 有限, 个体, 贵阳, 企业, 市场, 经营, 南明区, full-width punctuation (，：（）) read as GBK.
# Each is rare
# in real names; two of them in one cell, or the full-width-punctuation marker 锛, flag the cell.
_GBK_MARKERS = frozenset("鍏徃鏈夐檺涓璐槼浼佷笟甯傚満缁忚惀閮搴鍗楁槑鍖戝")
_STRONG = frozenset("锛\ufffd")
# UTF-8 bytes of CJK text read as Latin-1 / Windows-1252: a lead byte letter followed by a continuation.
_LATIN = re.compile(
    "[\u00c3\u00c2\u00e4-\u00e9\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _gbk_lead_class() -> re.Pattern[str]:
    """Characters whose GBK code starts with a byte 0xE4-0xE9: the lead bytes of UTF-8 CJK characters.

    Every cell of Chinese UTF-8 text read as GBK starts with one of them, so a cell without any cannot be
    that kind of mojibake; genuine text holds them rarely (GB2312 level-2 characters).
    """
    chars = []
    for lead in range(0xE4, 0xEA):
        for trail in range(0x40, 0xFF):
            try:
                chars.append(bytes([lead, trail]).decode("gbk"))
            except UnicodeDecodeError:
                continue
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


_GBK_LEAD = _gbk_lead_class()
_SUSPECT = re.compile(
    "[\ufffd\ue000-\uf8ff锛\u00c3\u00c2\u00e4-\u00e9\u00ef"
    + "".join(sorted(_GBK_MARKERS))
    + "]|"
    + _GBK_LEAD.pattern
)
_CJK = re.compile("[\u4e00-\u9fff]")


def _reads_back_as_utf8(text: str) -> bool:
    """True when the GB18030 bytes of ``text`` are valid UTF-8 holding Chinese: UTF-8 that was read as GBK."""
    try:
        original = text.encode("gb18030").decode("utf-8")
    except UnicodeError:
        return False
    return original != text and _CJK.search(original) is not None


def may_be_mojibake(text: str) -> bool:
    """Quick test (one regular expression search) whether :func:`looks_like_mojibake` could be true.

    Used on whole files: a file for which it is false needs no cell-by-cell check.
    """
    return _SUSPECT.search(text) is not None


def looks_like_mojibake(text: str) -> bool:
    """True when ``text`` shows the typical signs of a wrong decoding.

    Signs: the replacement character U+FFFD, private-use characters, ``锛`` (full-width punctuation read as
    GBK), two or more of the characters that 公司/有限/个体/贵阳/企业/市场/经营 become when their UTF-8
    bytes are
    read as GBK (``鍏徃``, ``鏈夐檺`` ...), Latin-1 pairs such as ``å…``, or text whose GB18030 bytes are
    valid UTF-8 Chinese (UTF-8 read as GBK, however few markers it shows: ``闄堜竴`` is 陈一). A heuristic:
    clean Chinese text almost never triggers it, but it cannot catch every garbling.
    """
    if text.isascii():
        return False
    if any(ch in _STRONG for ch in text):
        return True
    if _PRIVATE_USE.search(text) or _LATIN.search(text):
        return True
    if sum(ch in _GBK_MARKERS for ch in text) >= 2:
        return True
    # One marker or none: a cell whose GB18030 bytes read back as Chinese UTF-8 was garbled that way.
    return _GBK_LEAD.search(text) is not None and _reads_back_as_utf8(text)


@attrs.frozen
class DecodedText:
    """Decoded file content and the encoding that worked."""

    text: str
    encoding: str


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a whole file (``OSError`` propagates to the caller, which reports it)."""
    with open(path, "rb") as fh:
        return fh.read()


def decode_bytes(data: bytes, encoding: str | None = None) -> DecodedText:
    """Decode ``data``: the given encoding, else UTF-8 (BOM stripped) strictly, else GB18030 strictly.

    Raises
    ------
    UnicodeDecodeError
        If no candidate decodes the bytes.
    """
    if encoding is not None:
        text = data.decode(encoding)
        return DecodedText(text.lstrip("\ufeff"), encoding)
    try:
        return DecodedText(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        return DecodedText(data.decode("gb18030"), "gb18030")
