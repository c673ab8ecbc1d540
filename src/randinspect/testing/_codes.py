"""Hypothesis strategies for reference codes: USCCs, GB/T 4754-2017 industry codes, GB/T 2260 divisions.

Re-exported from ``randinspect.testing.strategies``. Hypothesis is a test extra; import this module only
in tests.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from hypothesis import strategies as st

from randinspect.codes import (
    REGISTRATION_AUTHORITIES,
    USCC_ALPHABET,
    IndustryLevel,
    load_division_table,
    load_industry_tree,
    make_uscc,
    uscc_check_digit,
)
from randinspect.codes.divisions import DivisionLevel

__all__ = ["division_codes", "industry_codes", "invalid_usccs", "usccs"]

_AUTHORITY_TYPES = tuple((a.code, t) for a in REGISTRATION_AUTHORITIES.values() for t in a.org_types)


@st.composite
def _valid_uscc(draw: st.DrawFn) -> str:
    authority, org_type = draw(st.sampled_from(_AUTHORITY_TYPES))
    division = draw(division_codes())
    body = draw(st.text(USCC_ALPHABET, min_size=8, max_size=8))
    return make_uscc(authority, org_type, division, body)


def usccs(valid: bool = True) -> st.SearchStrategy[str]:
    """USCCs (统一社会信用代码): valid ones, or with ``valid=False`` codes that fail validation.

    Valid codes have a registered authority/organisation-type pair, a Guizhou division code, a GB 11714
    organisation code and a correct check character.
    """
    return _valid_uscc() if valid else invalid_usccs()


@st.composite
def invalid_usccs(draw: st.DrawFn) -> str:
    """Codes that are *not* valid USCCs, each built from a valid one by one kind of damage.

    The damage is one of: substituting one character by another character of the alphabet (always caught
    by the check character), a character outside the alphabet, a wrong length, an unknown authority or
    organisation type (with a recomputed check character), or a malformed division code.
    """
    code = draw(_valid_uscc())
    kind = draw(
        st.sampled_from(["substitute", "foreign_char", "length", "authority", "org_type", "division"])
    )
    if kind == "substitute":
        pos = draw(st.integers(0, 17))
        new = draw(st.sampled_from(USCC_ALPHABET).filter(lambda c: c != code[pos]))
        return code[:pos] + new + code[pos + 1 :]
    if kind == "foreign_char":
        pos = draw(st.integers(0, 17))
        new = draw(st.sampled_from("IOZSV-_ #中"))
        return code[:pos] + new + code[pos + 1 :]
    if kind == "length":
        n = draw(st.integers(0, 30).filter(lambda k: k != 18))
        return (code * 2)[:n]
    if kind == "authority":
        bad = draw(st.sampled_from([c for c in USCC_ALPHABET if c not in REGISTRATION_AUTHORITIES]))
        first17 = bad + code[1:17]
        return first17 + uscc_check_digit(first17)
    if kind == "org_type":
        authority = REGISTRATION_AUTHORITIES[code[0]]
        bad = draw(st.sampled_from([c for c in USCC_ALPHABET if c not in authority.org_types]))
        first17 = code[0] + bad + code[2:17]
        return first17 + uscc_check_digit(first17)
    bad_division = draw(st.sampled_from(["000000", "990000", "A20102", "5201X2"]))
    return code[:2] + bad_division + code[8:]


def industry_codes(level: IndustryLevel | str | None = None) -> st.SearchStrategy[str]:
    """Canonical GB/T 4754-2017 codes (国民经济行业分类), of one level or of any.

    Parameters
    ----------
    level:
        ``"section"``, ``"division"``, ``"group"``, ``"class"`` or ``None`` for every level.
    """
    return st.sampled_from(load_industry_tree().codes(level))


def division_codes(level: DivisionLevel | str | None = DivisionLevel.COUNTY) -> st.SearchStrategy[str]:
    """Codes of the shipped GB/T 2260 table (行政区划代码), county level by default.

    Parameters
    ----------
    level:
        ``"province"``, ``"prefecture"``, ``"county"`` or ``None`` for every level.
    """
    return st.sampled_from(load_division_table().codes(level))
