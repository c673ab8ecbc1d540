"""Administrative division codes (行政区划代码), GB/T 2260.

A division code has six digits: two for the province-level division (省级), two for the prefecture level
(地级) and two for the county level (县级). A province is written ``520000``, a prefecture ``520100``, a
county-level division ``520102``.

The package ships Guizhou province (贵州省, ``520000``): the province, its 9 prefecture-level divisions
and all 88 county-level divisions (``randinspect/codes/data/gbt2260_guizhou.csv``). A
:class:`DivisionTable` knows which provinces it *covers* (holds completely), so a loader can tell a code
that is malformed, a code that is well formed but unknown inside the coverage (a real error), and a code
outside the coverage (the shipped table cannot say). Users extend the table with
:meth:`DivisionTable.from_csv` and :meth:`DivisionTable.merged`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import csv
import enum
import functools
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from types import MappingProxyType

import attrs

from randinspect.errors import CodeError

__all__ = [
    "GUIYANG_COUNTIES",
    "Division",
    "DivisionLevel",
    "DivisionTable",
    "division_level",
    "is_well_formed_division",
    "load_division_table",
]

_CODE_RE = re.compile(r"[1-9][0-9]{5}\Z")

#: The ten county-level divisions of Guiyang (贵阳市, 520100): 南明区, 云岩区, 花溪区, 乌当区, 白云区,
#: 观山湖区, 开阳县, 息烽县, 修文县, 清镇市.
GUIYANG_COUNTIES: tuple[str, ...] = (
    "520102",
    "520103",
    "520111",
    "520112",
    "520113",
    "520115",
    "520121",
    "520122",
    "520123",
    "520181",
)


class DivisionLevel(enum.StrEnum):
    """Level of a GB/T 2260 division: 省级 province, 地级 prefecture, 县级 county."""

    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


def is_well_formed_division(code: str) -> bool:
    """True when ``code`` has the GB/T 2260 form: six digits, not starting with 0, levels padded with zeros.

    ``520000`` (province), ``520100`` (prefecture) and ``520102`` (county) are well formed; ``520002`` is
    not (a county cannot sit under prefecture ``00``).
    """
    if not isinstance(code, str) or not _CODE_RE.match(code):
        return False
    return not (code[2:4] == "00" and code[4:6] != "00")


def division_level(code: str) -> DivisionLevel:
    """The level a well-formed code denotes, from its trailing zeros.

    Raises
    ------
    CodeError
        If ``code`` is not well formed (:func:`is_well_formed_division`).
    """
    if not is_well_formed_division(code):
        raise CodeError(
            f"{code!r} is not a GB/T 2260 division code: write six digits such as 520102",
            code_value=str(code),
            reasons=("malformed",),
        )
    if code[2:] == "0000":
        return DivisionLevel.PROVINCE
    if code[4:] == "00":
        return DivisionLevel.PREFECTURE
    return DivisionLevel.COUNTY


def _parent_of(code: str, level: DivisionLevel) -> str | None:
    if level is DivisionLevel.PROVINCE:
        return None
    if level is DivisionLevel.PREFECTURE:
        return code[:2] + "0000"
    return code[:4] + "00"


@attrs.frozen
class Division:
    """One administrative division (行政区划) of GB/T 2260.

    Attributes
    ----------
    code:
        Six-digit code.
    name:
        Chinese name.
    level:
        Province, prefecture or county level.
    parent:
        Code of the enclosing division, ``None`` for a province. County-level divisions directly under a
        province (省直辖县级行政区划) have the province as parent.
    """

    code: str
    name: str
    level: DivisionLevel
    parent: str | None


@attrs.frozen(eq=False)
class DivisionTable:
    """A table of GB/T 2260 divisions (行政区划代码表) with the provinces it covers completely.

    Attributes
    ----------
    divisions:
        Code mapped to :class:`Division`, in code order.
    coverage:
        Two-digit province prefixes whose divisions the table holds completely.
    """

    divisions: Mapping[str, Division] = attrs.field(repr=False)
    coverage: frozenset[str]
    _children: Mapping[str, tuple[str, ...]] = attrs.field(repr=False, alias="children_index")

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[str, str, str, str]],
        *,
        coverage: Iterable[str] | None = None,
        source: str = "<rows>",
    ) -> DivisionTable:
        """Build a table from ``(code, level, parent, name)`` rows (``parent`` may be empty).

        Parameters
        ----------
        rows:
            One row per division. ``level`` and ``parent`` may be empty strings: they are derived from the
            code, and a county whose prefecture is not in the rows hangs from its province.
        coverage:
            Province prefixes (``"52"``) or province codes (``"520000"``) the rows hold completely; by
            default every province that has a row.
        source:
            Name used in error messages.

        Raises
        ------
        CodeError
            On a malformed or duplicate code, a level that contradicts the code, a parent missing from the
            rows or a coverage entry that is not a province.
        """
        raw: dict[str, tuple[str, str, str]] = {}
        for i, (code, level, parent, name) in enumerate(rows, start=1):
            code = code.strip()
            where = f"{source}, row {i}"
            if not is_well_formed_division(code):
                raise CodeError(
                    f"{where}: {code!r} is not a GB/T 2260 division code (six digits such as 520102)",
                    code_value=code,
                    reasons=("malformed",),
                )
            if code in raw:
                raise CodeError(
                    f"{where}: duplicate division code {code}", code_value=code, reasons=("duplicate",)
                )
            if not name.strip():
                raise CodeError(
                    f"{where}: division {code} has no name", code_value=code, reasons=("no name",)
                )
            derived = division_level(code)
            if level.strip() and level.strip() != derived.value:
                raise CodeError(
                    f"{where}: {code} is a {derived.value}-level code, the row says {level.strip()!r}",
                    code_value=code,
                    reasons=("level does not match code",),
                )
            raw[code] = (derived.value, parent.strip(), name.strip())
        divisions: dict[str, Division] = {}
        for code in sorted(raw):
            level_text, parent, name = raw[code]
            level = DivisionLevel(level_text)
            if not parent:
                parent_code = _parent_of(code, level)
                if level is DivisionLevel.COUNTY and parent_code not in raw:
                    parent_code = code[:2] + "0000"
                parent = parent_code or ""
            if parent and parent not in raw:
                raise CodeError(
                    f"{source}: parent {parent} of division {code} ({name}) is not in the table",
                    code_value=code,
                    reasons=("missing parent",),
                )
            if parent and parent[:2] != code[:2]:
                raise CodeError(
                    f"{source}: parent {parent} of division {code} is in another province",
                    code_value=code,
                    reasons=("parent in another province",),
                )
            divisions[code] = Division(code, name, level, parent or None)
        cover = {c.strip()[:2] for c in coverage} if coverage is not None else {c[:2] for c in divisions}
        for prefix in cover:
            if prefix + "0000" not in divisions:
                raise CodeError(
                    f"{source}: coverage names province {prefix}0000, which is not in the table",
                    code_value=prefix,
                    reasons=("coverage outside table",),
                )
        children: dict[str, list[str]] = {c: [] for c in divisions}
        for code, division in divisions.items():
            if division.parent is not None:
                children[division.parent].append(code)
        return cls(
            MappingProxyType(divisions),
            frozenset(cover),
            MappingProxyType({k: tuple(v) for k, v in children.items()}),
        )

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        *,
        coverage: Iterable[str] | None = None,
        encoding: str = "utf-8-sig",
    ) -> DivisionTable:
        """Read a table from a CSV file with the header ``code,level,parent,name``.

        ``level`` and ``parent`` may be empty; see :meth:`from_rows` for their defaults and for
        ``coverage``.
        """
        try:
            with open(path, encoding=encoding, newline="") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CodeError(
                f"{os.fspath(path)}: cannot read the division table ({exc}); check the path and save the "
                f"file as {encoding}",
                reasons=("unreadable file",),
            ) from None
        return cls.from_rows(_read_rows(text, os.fspath(path)), coverage=coverage, source=os.fspath(path))

    def merged(self, other: DivisionTable) -> DivisionTable:
        """A new table holding the divisions and coverage of both; ``other`` wins where names differ.

        Raises
        ------
        CodeError
            If the union is inconsistent (for example a parent that only one table has a different level
            for).
        """
        combined = {**self.divisions, **other.divisions}
        rows = [(d.code, d.level.value, d.parent or "", d.name) for d in combined.values()]
        return DivisionTable.from_rows(
            rows, coverage=self.coverage | other.coverage, source="<merged tables>"
        )

    def rows(self) -> tuple[tuple[str, str, str, str], ...]:
        """The table as ``(code, level, parent, name)`` rows, the input of :meth:`from_rows`."""
        return tuple((d.code, d.level.value, d.parent or "", d.name) for d in self.divisions.values())

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Mapping proxies do not pickle; rebuild from the rows instead (used by multiprocessing sweeps).
        return (_rebuild_division_table, (self.rows(), tuple(sorted(self.coverage))))

    # -- lookup -------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.divisions)

    def __iter__(self) -> Iterator[Division]:
        return iter(self.divisions.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self.divisions

    def __repr__(self) -> str:
        provinces = ", ".join(sorted(p + "0000" for p in self.coverage))
        return f"<DivisionTable {len(self.divisions)} divisions, covers {provinces}>"

    def is_valid(self, code: str) -> bool:
        """True when ``code`` is a division of the table (province, prefecture or county level)."""
        return isinstance(code, str) and code in self.divisions

    def covers(self, code: str) -> bool:
        """True when the table holds every division of ``code``'s province.

        For a well-formed code, ``covers(code) and not is_valid(code)`` means the code does not exist;
        ``not covers(code)`` means the table cannot say. Malformed codes are never covered.
        """
        return is_well_formed_division(code) and code[:2] in self.coverage

    def get(self, code: str) -> Division:
        """The division with this code.

        Raises
        ------
        CodeError
            If the code is malformed, or unknown; the message says whether it lies outside the coverage.
        """
        division = self.divisions.get(code)
        if division is not None:
            return division
        if not is_well_formed_division(code):
            raise CodeError(
                f"{code!r} is not a GB/T 2260 division code: write six digits such as 520102",
                code_value=str(code),
                reasons=("malformed",),
            )
        if self.covers(code):
            raise CodeError(
                f"{code} is not a division of province {code[:2]}0000 in this table",
                code_value=code,
                reasons=("unknown code",),
            )
        provinces = ", ".join(sorted(p + "0000" for p in self.coverage))
        raise CodeError(
            f"{code} is outside the table's coverage ({provinces}); "
            "extend the table with DivisionTable.from_csv(...) and merged()",
            code_value=code,
            reasons=("not covered",),
        )

    def children(self, code: str) -> tuple[Division, ...]:
        """The divisions directly under ``code``, in code order."""
        self.get(code)
        return tuple(self.divisions[c] for c in self._children[code])

    def descendants(self, code: str) -> tuple[Division, ...]:
        """Every division under ``code`` (children, their children ...), in code order."""
        self.get(code)
        out: list[str] = []
        stack = list(reversed(self._children[code]))
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(reversed(self._children[c]))
        return tuple(self.divisions[c] for c in sorted(out))

    def codes(self, level: DivisionLevel | str | None = None) -> tuple[str, ...]:
        """All codes, or those of one level, in code order."""
        if level is None:
            return tuple(self.divisions)
        wanted = DivisionLevel(level)
        return tuple(c for c, d in self.divisions.items() if d.level is wanted)


def _rebuild_division_table(
    rows: tuple[tuple[str, str, str, str], ...], coverage: tuple[str, ...]
) -> DivisionTable:
    return DivisionTable.from_rows(rows, coverage=coverage)


def _read_rows(text: str, source: str) -> list[tuple[str, str, str, str]]:
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    if header != ["code", "level", "parent", "name"]:
        raise CodeError(
            f"{source}: expected the header code,level,parent,name, found {header!r}",
            reasons=("bad header",),
        )
    rows: list[tuple[str, str, str, str]] = []
    for i, row in enumerate(reader, start=1):
        if not row:
            continue
        if len(row) != 4:
            raise CodeError(f"{source}, row {i}: expected 4 columns, found {len(row)}", reasons=("bad row",))
        rows.append((row[0], row[1], row[2], row[3]))
    return rows


@functools.cache
def load_division_table() -> DivisionTable:
    """The shipped GB/T 2260 table of Guizhou (read once per process from the package data)."""
    ref = resources.files("randinspect.codes").joinpath("data", "gbt2260_guizhou.csv")
    text = ref.read_text(encoding="utf-8")
    return DivisionTable.from_rows(_read_rows(text, "gbt2260_guizhou.csv"), source="gbt2260_guizhou.csv")
