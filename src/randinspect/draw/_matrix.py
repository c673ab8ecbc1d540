"""Credit-risk matrices (信用风险分类矩阵): ratio multipliers and round shares per credit grade × risk class.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import attrs

from randinspect._json import loads as strict_json_loads
from randinspect.errors import ConfigurationError, LoadError, Problem, ScaleError
from randinspect.model import DEFAULT_CREDIT_SCALE, DEFAULT_RISK_SCALE, OrderedScale

__all__ = [
    "DEFAULT_CREDIT_MULTIPLIERS",
    "DEFAULT_CREDIT_ROUND_SHARES",
    "DEFAULT_RISK_MULTIPLIERS",
    "SamrMatrix",
    "TableMatrix",
    "format_fraction",
    "matrix_from_dict",
    "parse_fraction",
]

# Changing these changes published draws: update docs/draw.md ("Default multipliers") with them.
DEFAULT_CREDIT_MULTIPLIERS: Final[Mapping[str, Fraction]] = {
    "A": Fraction(1, 2),
    "B": Fraction(1),
    "C": Fraction(2),
    "D": Fraction(4),
}
"""Ratio multiplier per SAMR credit-risk class: A reduced, B normal, C raised, D greatly raised.

The *direction* follows 市场监管总局《关于推进企业信用风险分类管理进一步提升监管效能的意见》
(国市监信发〔2022〕6号); the numbers are randinspect's configurable defaults, not figures from
the opinions."""

DEFAULT_RISK_MULTIPLIERS: Final[Mapping[str, Fraction]] = {
    "low": Fraction(1, 2),
    "medium": Fraction(1),
    "high": Fraction(2),
}
"""Ratio multiplier per risk class (风险分类, §四(二)2): low halves, high doubles (configurable defaults)."""

DEFAULT_CREDIT_ROUND_SHARES: Final[Mapping[str, Fraction]] = {
    "A": Fraction(1, 2),
    "B": Fraction(1),
    "C": Fraction(1),
    "D": Fraction(1),
}
"""Share of an item's rounds per year in which each credit class takes part (A reduced frequency).

A share above 1 raises a class's frequency (§四(八)4 提高抽查频次): the item then has more rounds a year
(:func:`randinspect.draw.item_rounds`). The defaults raise none."""


def parse_fraction(value: object, *, what: str) -> Fraction:
    """Read a non-negative exact number from a Fraction, int, ``"1/2"``, ``"0.5"``, ``"50%"`` or a float.

    Raises
    ------
    ConfigurationError
        If the value is not a number or is negative.
    """
    try:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, Fraction):
            out = value
        elif isinstance(value, int):
            out = Fraction(value)
        elif isinstance(value, float):
            out = Fraction(repr(value))
        elif isinstance(value, str):
            text = value.strip().replace("％", "%")
            out = Fraction(text[:-1].strip()) / 100 if text.endswith("%") else Fraction(text)
        else:
            raise TypeError
    except (TypeError, ValueError, ZeroDivisionError):
        raise ConfigurationError(f"{what} {value!r} is not a number; write it as 2, 0.5 or 1/2") from None
    if out < 0:
        raise ConfigurationError(f"{what} {value!r} is negative; it must be zero or more")
    return out


def format_fraction(value: Fraction) -> str:
    """Write a fraction exactly as ``"p/q"`` (or ``"p"`` when it is an integer)."""
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _share(value: object, *, what: str) -> Fraction:
    share = parse_fraction(value, what=what)
    if not share > 0:
        raise ConfigurationError(
            f"{what} {value!r} must be above 0: the share of the item's rounds (at most 1 lowers the "
            "cell's frequency, above 1 raises it)"
        )
    return share


def _fraction_map(value: Mapping[str, object], *, what: str) -> dict[str, Fraction]:
    return {str(k): parse_fraction(v, what=f"{what} of {k!r}") for k, v in dict(value).items()}


def _share_map(value: Mapping[str, object], *, what: str) -> dict[str, Fraction]:
    return {str(k): _share(v, what=f"{what} of {k!r}") for k, v in dict(value).items()}


def _default_credit() -> dict[str, Fraction]:
    return dict(DEFAULT_CREDIT_MULTIPLIERS)


def _default_risk() -> dict[str, Fraction]:
    return dict(DEFAULT_RISK_MULTIPLIERS)


def _default_shares() -> dict[str, Fraction]:
    return dict(DEFAULT_CREDIT_ROUND_SHARES)


def _credit_converter(value: Mapping[str, object]) -> dict[str, Fraction]:
    return _fraction_map(value, what="credit multiplier")


def _risk_converter(value: Mapping[str, object]) -> dict[str, Fraction]:
    return _fraction_map(value, what="risk multiplier")


def _shares_converter(value: Mapping[str, object]) -> dict[str, Fraction]:
    return _share_map(value, what="round share")


def _unknown(kind: str, level: str, known: Iterable[str]) -> ScaleError:
    return ScaleError(f"the matrix has no {kind} {level!r}; it covers {', '.join(known)}")


@attrs.frozen(kw_only=True)
class SamrMatrix:
    """The default credit-risk matrix (信用风险分类监管): multipliers by SAMR credit class and risk class.

    The multiplier of a cell is ``credit_multipliers[credit] * risk_multipliers[risk]``; the round share
    (the fraction of an item's rounds per year in which the cell takes part) is
    ``credit_round_shares[credit]``. The defaults reduce checks of A-class subjects (×1/2 and half the
    rounds), keep B normal (×1), raise C (×2) and greatly raise D (×4); the risk class halves (low) or
    doubles (high) that. The direction A lower / B normal / C higher / D greatly higher follows the State
    Administration for Market Regulation's 2022 opinions on credit-risk classified management
    (国市监信发〔2022〕6号); every number is a configurable default of randinspect.

    Parameters
    ----------
    credit_multipliers:
        Multiplier per credit grade (default :data:`DEFAULT_CREDIT_MULTIPLIERS`).
    risk_multipliers:
        Multiplier per risk class (default :data:`DEFAULT_RISK_MULTIPLIERS`).
    credit_round_shares:
        Round share per credit grade, each above 0 (default :data:`DEFAULT_CREDIT_ROUND_SHARES`): up to 1
        the grade takes part in ``max(1, floor(F × share))`` of an item's ``F`` rounds, above 1 in
        ``F × share`` rounds, which adds rounds to the item (:func:`randinspect.draw.item_rounds`).

    Raises
    ------
    ConfigurationError
        If a value is negative, not a number, or a round share is 0, or the grades of
        ``credit_round_shares`` differ from those of ``credit_multipliers``.

    Examples
    --------
    >>> SamrMatrix().multiplier("D", "high")
    Fraction(8, 1)
    """

    credit_multipliers: Mapping[str, Fraction] = attrs.field(
        factory=_default_credit, converter=_credit_converter
    )
    risk_multipliers: Mapping[str, Fraction] = attrs.field(factory=_default_risk, converter=_risk_converter)
    credit_round_shares: Mapping[str, Fraction] = attrs.field(
        factory=_default_shares, converter=_shares_converter
    )

    def __attrs_post_init__(self) -> None:
        if not self.credit_multipliers or not self.risk_multipliers:
            raise ConfigurationError("a matrix needs at least one credit grade and one risk class")
        if set(self.credit_round_shares) != set(self.credit_multipliers):
            raise ConfigurationError(
                "credit_round_shares must name the same grades as credit_multipliers: "
                f"{sorted(self.credit_round_shares)} vs {sorted(self.credit_multipliers)}"
            )

    @property
    def credit_levels(self) -> tuple[str, ...]:
        """Credit grades the matrix covers."""
        return tuple(self.credit_multipliers)

    @property
    def risk_levels(self) -> tuple[str, ...]:
        """Risk classes the matrix covers."""
        return tuple(self.risk_multipliers)

    def multiplier(self, credit: str, risk: str) -> Fraction:
        """Ratio multiplier of the cell; raises :class:`ScaleError` for a grade or class it does not cover."""
        if credit not in self.credit_multipliers:
            raise _unknown("credit grade", credit, self.credit_levels)
        if risk not in self.risk_multipliers:
            raise _unknown("risk class", risk, self.risk_levels)
        return self.credit_multipliers[credit] * self.risk_multipliers[risk]

    def frequency(self, credit: str, risk: str) -> Fraction:
        """Share of the item's rounds in which the cell takes part (above 1: raised frequency)."""
        if risk not in self.risk_multipliers:
            raise _unknown("risk class", risk, self.risk_levels)
        if credit not in self.credit_round_shares:
            raise _unknown("credit grade", credit, self.credit_levels)
        return self.credit_round_shares[credit]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters; :func:`matrix_from_dict` rebuilds the matrix."""
        return {
            "kind": "samr",
            "credit_multipliers": {k: format_fraction(v) for k, v in self.credit_multipliers.items()},
            "risk_multipliers": {k: format_fraction(v) for k, v in self.risk_multipliers.items()},
            "credit_round_shares": {k: format_fraction(v) for k, v in self.credit_round_shares.items()},
        }


def _str_tuple(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


_Cells = Mapping[tuple[str, str], tuple[Fraction, Fraction]]


def _cells_converter(
    value: Mapping[tuple[str, str], tuple[object, object]],
) -> dict[tuple[str, str], tuple[Fraction, Fraction]]:
    out: dict[tuple[str, str], tuple[Fraction, Fraction]] = {}
    for (credit, risk), (mult, share) in dict(value).items():
        out[(str(credit), str(risk))] = (
            parse_fraction(mult, what=f"multiplier of cell ({credit}, {risk})"),
            _share(share, what=f"round share of cell ({credit}, {risk})"),
        )
    return out


@attrs.frozen(kw_only=True)
class TableMatrix:
    """A credit-risk matrix given cell by cell (信用风险分类矩阵表), e.g. loaded from a department's table.

    Parameters
    ----------
    credit_levels:
        Credit grades covered, best first.
    risk_levels:
        Risk classes covered, lowest first.
    cells:
        ``{(credit, risk): (multiplier, round_share)}`` for *every* pair; the round share is above 0
        (above 1 it raises the cell's frequency, :func:`randinspect.draw.item_rounds`).

    Raises
    ------
    ConfigurationError
        If a cell is missing, a cell names a grade or class not listed, or a value is invalid.
    """

    credit_levels: tuple[str, ...] = attrs.field(converter=_str_tuple)
    risk_levels: tuple[str, ...] = attrs.field(converter=_str_tuple)
    cells: _Cells = attrs.field(converter=_cells_converter)

    def __attrs_post_init__(self) -> None:
        if not self.credit_levels or not self.risk_levels:
            raise ConfigurationError("a matrix needs at least one credit grade and one risk class")
        for credit, risk in self.cells:
            if credit not in self.credit_levels:
                raise ConfigurationError(f"cell ({credit}, {risk}) names unknown credit grade {credit!r}")
            if risk not in self.risk_levels:
                raise ConfigurationError(f"cell ({credit}, {risk}) names unknown risk class {risk!r}")
        missing = [(c, r) for c in self.credit_levels for r in self.risk_levels if (c, r) not in self.cells]
        if missing:
            shown = ", ".join(f"({c}, {r})" for c, r in missing[:6])
            raise ConfigurationError(
                f"the matrix misses {len(missing)} cell(s): {shown}; every cell is required"
            )

    def _cell(self, credit: str, risk: str) -> tuple[Fraction, Fraction]:
        if credit not in self.credit_levels:
            raise _unknown("credit grade", credit, self.credit_levels)
        if risk not in self.risk_levels:
            raise _unknown("risk class", risk, self.risk_levels)
        return self.cells[(credit, risk)]

    def multiplier(self, credit: str, risk: str) -> Fraction:
        """Ratio multiplier of the cell."""
        return self._cell(credit, risk)[0]

    def frequency(self, credit: str, risk: str) -> Fraction:
        """Share of the item's rounds in which the cell takes part (above 1: raised frequency)."""
        return self._cell(credit, risk)[1]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (also the JSON file format of :meth:`from_json`)."""
        return {
            "kind": "table",
            "credit_levels": list(self.credit_levels),
            "risk_levels": list(self.risk_levels),
            "cells": [
                {
                    "credit": c,
                    "risk": r,
                    "multiplier": format_fraction(self.cells[(c, r)][0]),
                    "frequency": format_fraction(self.cells[(c, r)][1]),
                }
                for c in self.credit_levels
                for r in self.risk_levels
            ],
        }

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Mapping[str, object]],
        *,
        credit_scale: OrderedScale = DEFAULT_CREDIT_SCALE,
        risk_scale: OrderedScale = DEFAULT_RISK_SCALE,
        source: str = "<rows>",
    ) -> TableMatrix:
        """Build from rows with fields ``credit``, ``risk``, ``multiplier`` and optional ``frequency``.

        Grades and classes are read with the scales (labels and aliases accepted). The matrix covers every
        level of both scales, so every cell of the scales is required.

        Raises
        ------
        LoadError
            Naming the row and column of an unknown grade, a bad number, a duplicate cell, or listing the
            missing cells.
        """
        cells: dict[tuple[str, str], tuple[Fraction, Fraction]] = {}
        seen: dict[tuple[str, str], int] = {}
        problems: list[Problem] = []
        for row_no, row in enumerate(rows, start=1):
            try:
                credit = credit_scale.parse(str(row.get("credit", "")))
            except ScaleError as exc:
                problems.append(
                    Problem(
                        message=str(exc),
                        source=source,
                        row=row_no,
                        column="credit",
                        value=str(row.get("credit", "")),
                        code="matrix.credit",
                    )
                )
                continue
            try:
                risk = risk_scale.parse(str(row.get("risk", "")))
            except ScaleError as exc:
                problems.append(
                    Problem(
                        message=str(exc),
                        source=source,
                        row=row_no,
                        column="risk",
                        value=str(row.get("risk", "")),
                        code="matrix.risk",
                    )
                )
                continue
            if (credit, risk) in seen:
                problems.append(
                    Problem(
                        message=f"cell ({credit}, {risk}) given twice (first in row {seen[(credit, risk)]})",
                        source=source,
                        row=row_no,
                        code="matrix.duplicate",
                        hint="keep one row per cell",
                    )
                )
                continue
            seen[(credit, risk)] = row_no
            try:
                mult = parse_fraction(row.get("multiplier"), what="multiplier")
                freq_value = row.get("frequency")
                share = Fraction(1) if freq_value in (None, "") else _share(freq_value, what="frequency")
            except ConfigurationError as exc:
                column = "multiplier" if "multiplier" in str(exc) else "frequency"
                problems.append(
                    Problem(
                        message=str(exc),
                        source=source,
                        row=row_no,
                        column=column,
                        value=str(row.get(column)),
                        code="matrix.value",
                    )
                )
                continue
            cells[(credit, risk)] = (mult, share)
        if not problems:
            for c in credit_scale.levels:
                for r in risk_scale.levels:
                    if (c, r) not in cells:
                        problems.append(
                            Problem(
                                message=f"cell ({c}, {r}) is missing",
                                source=source,
                                code="matrix.missing",
                                hint="every credit × risk cell is required",
                            )
                        )
        if problems:
            raise LoadError(problems)
        return cls(credit_levels=credit_scale.levels, risk_levels=risk_scale.levels, cells=cells)

    @classmethod
    def from_csv(
        cls,
        path_or_text: str | os.PathLike[str],
        *,
        credit_scale: OrderedScale = DEFAULT_CREDIT_SCALE,
        risk_scale: OrderedScale = DEFAULT_RISK_SCALE,
    ) -> TableMatrix:
        """Load a CSV table with header ``credit,risk,multiplier[,frequency]`` (UTF-8, BOM allowed).

        ``path_or_text`` is a path, or the CSV text itself when it contains a line break.
        Chinese headers 信用等级, 风险等级, 倍数 and 频次比例 are accepted too.
        """
        text, source = _read_text(path_or_text)
        reader = csv.DictReader(io.StringIO(text))
        aliases = {"信用等级": "credit", "风险等级": "risk", "倍数": "multiplier", "频次比例": "frequency"}
        fields = [aliases.get((f or "").strip(), (f or "").strip().lower()) for f in reader.fieldnames or []]
        missing = [f for f in ("credit", "risk", "multiplier") if f not in fields]
        if missing:
            raise LoadError(
                [
                    Problem(
                        message=f"missing column(s) {missing}",
                        source=source,
                        row=0,
                        hint="the header must be credit,risk,multiplier[,frequency]",
                        code="matrix.header",
                    )
                ]
            )
        rows = (
            dict(zip(fields, [v.strip() for v in row], strict=False)) for row in csv.reader(io.StringIO(text))
        )
        next(rows)
        return cls.from_rows(rows, credit_scale=credit_scale, risk_scale=risk_scale, source=source)

    @classmethod
    def from_json(
        cls,
        path_or_text: str | os.PathLike[str],
        *,
        credit_scale: OrderedScale = DEFAULT_CREDIT_SCALE,
        risk_scale: OrderedScale = DEFAULT_RISK_SCALE,
    ) -> TableMatrix:
        """Load ``{"cells": [{"credit", "risk", "multiplier", "frequency"}, ...]}`` (the ``to_dict`` form)."""
        text, source = _read_text(path_or_text)
        data = strict_json_loads(text, source=source)
        cells = data.get("cells") if isinstance(data, Mapping) else data
        if not isinstance(cells, list) or not all(isinstance(c, Mapping) for c in cells):
            raise LoadError(
                [
                    Problem(
                        message='expected {"cells": [{"credit": ..., "risk": ..., "multiplier": ...}, ...]}',
                        source=source,
                        code="json",
                    )
                ]
            )
        return cls.from_rows(cells, credit_scale=credit_scale, risk_scale=risk_scale, source=source)


def _read_text(path_or_text: str | os.PathLike[str]) -> tuple[str, str]:
    if isinstance(path_or_text, str) and ("\n" in path_or_text or path_or_text.lstrip().startswith("{")):
        return path_or_text, "<text>"
    p = Path(path_or_text)
    try:
        return p.read_text(encoding="utf-8-sig"), str(p)
    except OSError as exc:
        raise LoadError(
            [Problem(message=f"cannot read file: {exc.strerror}", source=str(p), code="io")]
        ) from None
    except UnicodeDecodeError:
        raise LoadError([Problem(message="file is not UTF-8", source=str(p), code="encoding")]) from None


def matrix_from_dict(data: Mapping[str, Any]) -> SamrMatrix | TableMatrix:
    """Rebuild a built-in matrix from its ``to_dict()`` form.

    Raises
    ------
    ConfigurationError
        If ``kind`` is not ``"samr"`` or ``"table"``.
    """
    kind = data.get("kind")
    if kind == "samr":
        return SamrMatrix(
            credit_multipliers=data["credit_multipliers"],
            risk_multipliers=data["risk_multipliers"],
            credit_round_shares=data["credit_round_shares"],
        )
    if kind == "table":
        cells = {
            (str(c["credit"]), str(c["risk"])): (c["multiplier"], c.get("frequency", "1"))
            for c in data["cells"]
        }
        return TableMatrix(credit_levels=data["credit_levels"], risk_levels=data["risk_levels"], cells=cells)
    raise ConfigurationError(f"unknown matrix kind {kind!r}; built-in kinds are 'samr' and 'table'")
