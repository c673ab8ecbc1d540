"""Reference codes: unified social credit codes, industry codes and administrative divisions.

- USCC (统一社会信用代码, GB 32100-2015): :func:`uscc_problems`, :func:`is_valid_uscc`, :func:`parse_uscc`,
  :func:`uscc_check_digit`, the vectorised :func:`uscc_check_digits`, and :func:`make_uscc`.
- Industry codes (国民经济行业分类, GB/T 4754-2017): ``INDUSTRY``, an :class:`IndustryTree` of sections,
  divisions, groups and classes. Codes are stored without the section letter (``"1311"``).
- Administrative divisions (行政区划代码, GB/T 2260): ``DIVISIONS``, a :class:`DivisionTable` covering Guizhou
  province, and :data:`GUIYANG_COUNTIES`.

``INDUSTRY`` and ``DIVISIONS`` are read from the package data on first use and then shared (they are
immutable).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from randinspect.codes.divisions import (
    GUIYANG_COUNTIES,
    Division,
    DivisionLevel,
    DivisionTable,
    division_level,
    is_well_formed_division,
    load_division_table,
)
from randinspect.codes.industry import IndustryLevel, IndustryNode, IndustryTree, load_industry_tree
from randinspect.codes.uscc import (
    REGISTRATION_AUTHORITIES,
    USCC_ALPHABET,
    USCC_WEIGHTS,
    RegistrationAuthority,
    Uscc,
    is_valid_uscc,
    make_uscc,
    normalise_uscc,
    org_code_check_char,
    parse_uscc,
    uscc_check_digit,
    uscc_check_digits,
    uscc_problems,
    uscc_warnings,
)

if TYPE_CHECKING:
    #: The shipped GB/T 4754-2017 tree.
    INDUSTRY: IndustryTree
    #: The shipped GB/T 2260 table (Guizhou).
    DIVISIONS: DivisionTable

__all__ = [
    "DIVISIONS",
    "GUIYANG_COUNTIES",
    "INDUSTRY",
    "REGISTRATION_AUTHORITIES",
    "USCC_ALPHABET",
    "USCC_WEIGHTS",
    "Division",
    "DivisionLevel",
    "DivisionTable",
    "IndustryLevel",
    "IndustryNode",
    "IndustryTree",
    "RegistrationAuthority",
    "Uscc",
    "division_level",
    "is_valid_uscc",
    "is_well_formed_division",
    "load_division_table",
    "load_industry_tree",
    "make_uscc",
    "normalise_uscc",
    "org_code_check_char",
    "parse_uscc",
    "uscc_check_digit",
    "uscc_check_digits",
    "uscc_problems",
    "uscc_warnings",
]


def __getattr__(name: str) -> Any:
    if name == "INDUSTRY":
        return load_industry_tree()
    if name == "DIVISIONS":
        return load_division_table()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"INDUSTRY", "DIVISIONS"})
