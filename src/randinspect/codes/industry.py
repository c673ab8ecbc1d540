"""The GB/T 4754-2017 industry classification (国民经济行业分类) as a tree.

Codes are stored *without* the section letter: a 2-digit division (大类, ``"13"``), a 3-digit group (中类,
``"131"``) or a 4-digit class (小类, ``"1311"``). The section (门类, ``"C"``) is derived from the division.
A section letter alone (``"C"``) is also a node of the tree. :meth:`IndustryTree.normalise` accepts the
forms found in registers (``"C1311"``, ``"C 1311"``, full-width digits) and returns the canonical code.

The shipped table (``randinspect/codes/data/gbt4754_2017.csv``) is read lazily, once per process, through
``importlib.resources``; see ``docs/codes.md`` for its source and limits.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import csv
import enum
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from types import MappingProxyType

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.errors import CodeError

__all__ = ["IndustryLevel", "IndustryNode", "IndustryTree", "load_industry_tree"]

_SECTION_RE = re.compile(r"[A-T]\Z")
_DIGITS_RE = re.compile(r"[0-9]{2,4}\Z")
_LETTER_DIGITS_RE = re.compile(r"([A-Z])\s*[-.]?\s*([0-9]{2,4})\Z")


class IndustryLevel(enum.StrEnum):
    """Level of a node in the GB/T 4754-2017 tree: 门类 section, 大类 division, 中类 group, 小类 class."""

    SECTION = "section"
    DIVISION = "division"
    GROUP = "group"
    CLASS = "class"


_LEVEL_BY_LENGTH = {
    1: IndustryLevel.SECTION,
    2: IndustryLevel.DIVISION,
    3: IndustryLevel.GROUP,
    4: IndustryLevel.CLASS,
}


@attrs.frozen
class IndustryNode:
    """One category of the national industry classification (国民经济行业分类, GB/T 4754-2017).

    Attributes
    ----------
    code:
        Canonical code: a section letter, or 2, 3 or 4 digits.
    name:
        Chinese name as in the standard.
    level:
        Section, division, group or class.
    section:
        The section letter the node belongs to (its own code for a section).
    parent:
        Code of the parent node, ``None`` for a section.
    """

    code: str
    name: str
    level: IndustryLevel
    section: str
    parent: str | None


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().upper()


@attrs.frozen(eq=False)
class IndustryTree:
    """The GB/T 4754-2017 classification (国民经济行业分类): lookup, validation, normalisation, prefix tests.

    Build one with :meth:`from_rows` or :func:`load_industry_tree`; the package-wide instance is
    ``randinspect.codes.INDUSTRY``. Instances are immutable.

    Attributes
    ----------
    nodes:
        Canonical code mapped to its node, in code order (sections first).
    """

    nodes: Mapping[str, IndustryNode] = attrs.field(repr=False)
    _children: Mapping[str, tuple[str, ...]] = attrs.field(repr=False, alias="children_index")
    _division_section: npt.NDArray[np.str_] = attrs.field(repr=False, alias="division_section")

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, str]], *, source: str = "<rows>") -> IndustryTree:
        """Build a tree from ``(code, level, section, name)`` rows, checking its structure.

        Raises
        ------
        CodeError
            If a code is malformed or duplicated, a level or section does not fit the code, or a node's
            parent is missing; the message names the row.
        """
        nodes: dict[str, IndustryNode] = {}
        for i, (raw_code, raw_level, raw_section, name) in enumerate(rows, start=1):
            code, section = raw_code.strip(), raw_section.strip()
            where = f"{source}, row {i}"
            if not (_SECTION_RE.match(code) or _DIGITS_RE.match(code)):
                raise CodeError(
                    f"{where}: malformed industry code {code!r}", code_value=code, reasons=("malformed",)
                )
            level = _LEVEL_BY_LENGTH[len(code)]
            if raw_level.strip() != level.value:
                raise CodeError(
                    f"{where}: code {code!r} is a {level.value}, the row says {raw_level!r}",
                    code_value=code,
                    reasons=("level does not match code length",),
                )
            if code in nodes:
                raise CodeError(
                    f"{where}: duplicate industry code {code!r}", code_value=code, reasons=("duplicate",)
                )
            parent = None if level is IndustryLevel.SECTION else (section if len(code) == 2 else code[:-1])
            nodes[code] = IndustryNode(code, name.strip(), level, section, parent)
        for code, node in nodes.items():
            if node.parent is not None:
                parent_node = nodes.get(node.parent)
                if parent_node is None:
                    raise CodeError(
                        f"{source}: parent {node.parent!r} of industry code {code!r} is missing",
                        code_value=code,
                        reasons=("missing parent",),
                    )
                if parent_node.section != node.section:
                    raise CodeError(
                        f"{source}: industry code {code!r} is in section {node.section}, its parent "
                        f"{node.parent!r} in {parent_node.section}",
                        code_value=code,
                        reasons=("section differs from parent's",),
                    )
        ordered = dict(sorted(nodes.items(), key=lambda kv: (len(kv[0]) > 1, kv[0])))
        children: dict[str, list[str]] = {c: [] for c in ordered}
        for code, node in ordered.items():
            if node.parent is not None:
                children[node.parent].append(code)
        division_section = np.full(100, "", dtype="<U1")
        for code, node in ordered.items():
            if node.level is IndustryLevel.DIVISION:
                division_section[int(code)] = node.section
        division_section.setflags(write=False)
        return cls(
            MappingProxyType(ordered),
            MappingProxyType({k: tuple(v) for k, v in children.items()}),
            division_section,
        )

    def rows(self) -> tuple[tuple[str, str, str, str], ...]:
        """The table as ``(code, level, section, name)`` rows, the input of :meth:`from_rows`."""
        return tuple((n.code, n.level.value, n.section, n.name) for n in self.nodes.values())

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Mapping proxies do not pickle; rebuild from the rows instead (used by multiprocessing sweeps).
        return (_rebuild_industry_tree, (self.rows(),))

    # -- lookup -------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.nodes)

    def __iter__(self) -> Iterator[IndustryNode]:
        return iter(self.nodes.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self.nodes

    def __repr__(self) -> str:
        plural = {"section": "sections", "division": "divisions", "group": "groups", "class": "classes"}
        counts = ", ".join(f"{len(self.codes(level))} {plural[level.value]}" for level in IndustryLevel)
        return f"<IndustryTree GB/T 4754-2017: {counts}>"

    def is_valid(self, code: str, *, level: IndustryLevel | str | None = None) -> bool:
        """True when ``code`` is a canonical code of the tree (at ``level``, if given).

        Canonical means exactly as stored: a section letter or 2-4 digits, without the section letter in
        front. Use :meth:`normalise` first for codes as written in registers.
        """
        node = self.nodes.get(code) if isinstance(code, str) else None
        if node is None:
            return False
        return level is None or node.level == IndustryLevel(level)

    def get(self, code: str) -> IndustryNode:
        """The node of a canonical code.

        Raises
        ------
        CodeError
            If ``code`` is not a canonical code of the tree.
        """
        node = self.nodes.get(code)
        if node is None:
            raise CodeError(
                f"{code!r} is not a GB/T 4754-2017 code; use a section letter or a 2-4 digit code "
                "(normalise() accepts forms such as 'C1311')",
                code_value=str(code),
                reasons=("unknown code",),
            )
        return node

    def section_of(self, code: str) -> str:
        """The section letter of a canonical code (``"C"`` for ``"1311"``)."""
        return self.get(code).section

    def children(self, code: str) -> tuple[IndustryNode, ...]:
        """The direct children of ``code``, in code order."""
        self.get(code)
        return tuple(self.nodes[c] for c in self._children[code])

    def codes(self, level: IndustryLevel | str | None = None) -> tuple[str, ...]:
        """All canonical codes, or those of one level, in code order."""
        if level is None:
            return tuple(self.nodes)
        wanted = IndustryLevel(level)
        return tuple(c for c, n in self.nodes.items() if n.level is wanted)

    # -- normalisation ------------------------------------------------------------------------------------

    def normalise(self, text: str) -> str:
        """The canonical code for ``text`` as found in registers.

        Accepted: ``"1311"``, ``"C1311"``, ``"C 1311"``, ``"c-1311"``, full-width characters, surrounding
        spaces, a section letter alone. A leading section letter must be the code's own section.

        Raises
        ------
        CodeError
            If ``text`` is malformed, names a code the standard does not have, or pairs a code with the
            wrong section letter.
        """
        if not isinstance(text, str):
            raise CodeError(
                f"industry code must be text, not {type(text).__name__}",
                code_value=str(text),
                reasons=("not text",),
            )
        cleaned = _clean(text)
        if _SECTION_RE.match(cleaned) or _DIGITS_RE.match(cleaned):
            code, letter = cleaned, None
        else:
            m = _LETTER_DIGITS_RE.match(cleaned)
            if m is None:
                raise CodeError(
                    f"{text!r} is not an industry code: write 2-4 digits, optionally after the section "
                    "letter (e.g. 1311 or C1311)",
                    code_value=text,
                    reasons=("malformed",),
                )
            letter, code = m.group(1), m.group(2)
        node = self.nodes.get(code)
        if node is None:
            raise CodeError(
                f"{text!r}: {code} is not a GB/T 4754-2017 code",
                code_value=text,
                reasons=("unknown code",),
            )
        if letter is not None and letter != node.section:
            raise CodeError(
                f"{text!r}: code {code} ({node.name}) is in section {node.section}, not {letter}",
                code_value=text,
                reasons=("wrong section letter",),
            )
        return code

    # -- vectorised ---------------------------------------------------------------------------------------

    def valid_mask(self, codes: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """Boolean array: which entries of ``codes`` are canonical codes of the tree."""
        arr = np.asarray(codes)
        if arr.dtype.kind != "U":
            arr = arr.astype(np.str_)
        return np.isin(arr, np.array(list(self.nodes), dtype=np.str_))

    def matches_prefix(self, codes: npt.ArrayLike, prefix: str) -> npt.NDArray[np.bool_]:
        """Boolean array: which canonical ``codes`` fall under ``prefix``.

        Parameters
        ----------
        codes:
            Array-like of canonical codes (strings); any shape.
        prefix:
            A node of the tree: a section letter (``"C"``) or a 2-4 digit code (``"13"``, ``"131"``,
            ``"1311"``). Forms accepted by :meth:`normalise` (``"C13"``) are accepted too.

        Returns
        -------
        numpy.ndarray
            Same shape as ``codes``. For a digit prefix, ``True`` where the code starts with it; for a
            section letter, where the code is that letter or its first two characters are a division of
            that section. Codes are compared by their characters only: validate them with
            :meth:`valid_mask` if they may be malformed.

        Raises
        ------
        CodeError
            If ``prefix`` is not a node of the tree.

        Notes
        -----
        Runs on the ``uint32`` view of the fixed-width string buffer: a digit prefix compares at most four
        columns; a section maps the first two characters to a division number and looks its section up in
        a 100-entry table. No Python loop runs per element.
        """
        canonical = self.normalise(prefix)
        arr = np.asarray(codes)
        if arr.dtype.kind != "U":
            arr = arr.astype(np.str_)
        shape = arr.shape
        flat = np.ascontiguousarray(arr.reshape(-1))
        n = flat.shape[0]
        width = flat.dtype.itemsize // 4
        if n == 0:
            return np.zeros(shape, dtype=bool)
        if width == 0:
            return np.zeros(shape, dtype=bool)
        chars = flat.view(np.uint32).reshape(n, width)
        if canonical.isdigit():
            k = len(canonical)
            if width < k:
                return np.zeros(shape, dtype=bool)
            target = np.array([ord(c) for c in canonical], dtype=np.uint32)
            digit_mask: npt.NDArray[np.bool_] = np.all(chars[:, :k] == target, axis=1)
            return digit_mask.reshape(shape)
        # section letter: the letter itself, or a code whose first two characters are a division of it
        mask: npt.NDArray[np.bool_] = chars[:, 0] == ord(canonical)
        if width > 1:
            mask &= chars[:, 1] == 0
        if width >= 2:
            d0 = chars[:, 0].astype(np.int64) - 48
            d1 = chars[:, 1].astype(np.int64) - 48
            digits = (d0 >= 0) & (d0 <= 9) & (d1 >= 0) & (d1 <= 9)
            division = np.where(digits, d0 * 10 + d1, 0)
            mask |= digits & (self._division_section[division] == canonical)
        return mask.reshape(shape)


def _rebuild_industry_tree(rows: tuple[tuple[str, str, str, str], ...]) -> IndustryTree:
    return IndustryTree.from_rows(rows)


def _read_rows(text: str, source: str) -> list[tuple[str, str, str, str]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header != ["code", "level", "section", "name"]:
        raise CodeError(
            f"{source}: expected the header code,level,section,name, found {header!r}",
            reasons=("bad header",),
        )
    rows: list[tuple[str, str, str, str]] = []
    for i, row in enumerate(reader, start=1):
        if len(row) != 4:
            raise CodeError(f"{source}, row {i}: expected 4 columns, found {len(row)}", reasons=("bad row",))
        rows.append((row[0], row[1], row[2], row[3]))
    return rows


@functools.cache
def load_industry_tree() -> IndustryTree:
    """The shipped GB/T 4754-2017 tree (read once per process from the package data)."""
    ref = resources.files("randinspect.codes").joinpath("data", "gbt4754_2017.csv")
    text = ref.read_text(encoding="utf-8")
    return IndustryTree.from_rows(_read_rows(text, "gbt4754_2017.csv"), source="gbt4754_2017.csv")
