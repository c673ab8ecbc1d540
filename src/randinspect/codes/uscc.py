"""Unified social credit codes (统一社会信用代码, USCC), GB 32100-2015.

A USCC has 18 characters drawn from the 31-character alphabet ``0-9`` and the upper-case letters except
``I O Z S V``:

========  ==========================================================================================
position  meaning
========  ==========================================================================================
1         registration-authority code (登记管理部门代码), e.g. ``9`` for market regulation (工商)
2         organisation-type code (机构类别代码), valid values depend on the authority
3-8       administrative division code of the registering office (登记管理机关行政区划码, GB/T 2260)
9-17      subject identification code (主体标识码), the organisation code of GB 11714 with its own check
          character at position 17
18        check character over positions 1-17 (校验码)
========  ==========================================================================================

The check character: map each of the first 17 characters to its index in the alphabet, multiply by the
weights ``3**i mod 31`` (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28), and take
``31 - (sum mod 31)``, with 31 written as ``0``. Because every weight is invertible modulo 31 (31 is prime),
changing any single character to another character of the alphabet always changes the check character:
every single-character substitution is detected.

References
----------
.. [1] GB 32100-2015, 法人和其他组织统一社会信用代码编码规则 (Coding rule of the unified social credit
   identifier for legal entities and other organisations).
.. [2] GB 11714-1997, 全国组织机构代码编制规则 (Rules of coding for the representation of organisations).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.errors import CodeError

__all__ = [
    "REGISTRATION_AUTHORITIES",
    "USCC_ALPHABET",
    "USCC_WEIGHTS",
    "RegistrationAuthority",
    "Uscc",
    "is_valid_uscc",
    "make_uscc",
    "normalise_uscc",
    "org_code_check_char",
    "parse_uscc",
    "uscc_check_digit",
    "uscc_check_digits",
    "uscc_problems",
    "uscc_warnings",
]

#: The 31 characters a USCC may contain, in the order of their values 0-30 (GB 32100-2015).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

#: Weights of positions 1-17 for the USCC check character: ``3**i mod 31``.
USCC_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))

_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_SIX_DIGITS = re.compile(r"[0-9]{6}\Z")

# GB/T 2260 province-level prefixes (2 digits) and the national level "10" used by central registrations.
_PROVINCE_NUMBERS = (
    (10,),
    range(11, 16),
    range(21, 24),
    range(31, 38),
    range(41, 47),
    range(50, 55),
    range(61, 66),
    (71, 81, 82),
)
_PROVINCE_PREFIXES = frozenset(str(n) for group in _PROVINCE_NUMBERS for n in group)

# Lookup table from a code point (< 128) to its USCC value; 255 marks a character outside the alphabet.
_LUT = np.full(128, 255, dtype=np.uint8)
for _i, _c in enumerate(USCC_ALPHABET):
    _LUT[ord(_c)] = _i
_LUT.setflags(write=False)
_ALPHABET_ARRAY = np.array(list(USCC_ALPHABET), dtype="<U1")
_WEIGHT_ARRAY = np.array(USCC_WEIGHTS, dtype=np.int32)


def _frozen_mapping(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@attrs.frozen
class RegistrationAuthority:
    """A registration authority (登记管理部门) and the organisation types (机构类别) it registers.

    Attributes
    ----------
    code:
        The one-character authority code (position 1 of a USCC).
    name:
        The authority's Chinese name.
    org_types:
        Organisation-type code (position 2) mapped to the type's Chinese name.
    """

    code: str
    name: str
    org_types: Mapping[str, str] = attrs.field(converter=_frozen_mapping)


def _authority(code: str, name: str, **types: str) -> RegistrationAuthority:
    return RegistrationAuthority(code, name, {k.lstrip("_"): v for k, v in types.items()})


#: Registration authorities and their organisation types, as published with GB 32100-2015 for the national
#: roll-out of the code (reproduced in the Chinese Wikipedia article 统一社会信用代码). Authorities or types
#: added later are reported as problems; extend this mapping in a copy if your data needs more.
REGISTRATION_AUTHORITIES: Mapping[str, RegistrationAuthority] = MappingProxyType(
    {
        a.code: a
        for a in (
            _authority(
                "1", "机构编制", _1="机关", _2="事业单位", _3="中央编办直接管理机构编制的群众团体", _9="其他"
            ),
            _authority("2", "外交", _1="外国常驻新闻机构", _9="其他"),
            _authority(
                "3",
                "司法行政",
                _1="律师执业机构",
                _2="公证处",
                _3="基层法律服务所",
                _4="司法鉴定机构",
                _5="仲裁委员会",
                _9="其他",
            ),
            _authority("4", "文化", _1="外国在华文化中心", _9="其他"),
            _authority("5", "民政", _1="社会团体", _2="民办非企业单位", _3="基金会", _9="其他"),
            _authority(
                "6",
                "旅游",
                _1="外国旅游部门常驻代表机构",
                _2="港澳台地区旅游部门常驻内地（大陆）代表机构",
                _9="其他",
            ),
            _authority("7", "宗教", _1="宗教活动场所", _2="宗教院校", _9="其他"),
            _authority("8", "工会", _1="基层工会", _9="其他"),
            _authority("9", "工商", _1="企业", _2="个体工商户", _3="农民专业合作社"),
            _authority("A", "中央军委改革和编制办公室", _1="军队事业单位", _9="其他"),
            _authority(
                "N",
                "农业",
                _1="组级集体经济组织",
                _2="村级集体经济组织",
                _3="乡镇级集体经济组织",
                _9="其他",
            ),
            _authority("Y", "其他", _1="其他"),
        )
    }
)


def normalise_uscc(text: str) -> str:
    """Return ``text`` as a USCC is written: full-width characters made half-width, stripped, upper case.

    Nothing else is changed (inner spaces or hyphens stay and make the code invalid), so a code that
    validates after normalising is exactly what the registration certificate shows.
    """
    return unicodedata.normalize("NFKC", text).strip().upper()


def uscc_check_digit(first17: str) -> str:
    """The check character (position 18) of a USCC whose first 17 characters are ``first17``.

    Parameters
    ----------
    first17:
        Exactly 17 characters of the USCC alphabet.

    Raises
    ------
    CodeError
        If ``first17`` is not 17 characters long or has a character outside the alphabet.
    """
    if len(first17) != 17:
        raise CodeError(
            f"a USCC check character needs 17 characters, got {len(first17)}",
            code_value=first17,
            reasons=(f"length {len(first17)}, expected 17",),
        )
    bad = [(i + 1, c) for i, c in enumerate(first17) if c not in _VALUE]
    if bad:
        reasons = tuple(f"position {p}: {c!r} is not in the USCC alphabet" for p, c in bad)
        raise CodeError(
            f"cannot compute a USCC check character: {reasons[0]}; allowed are {USCC_ALPHABET}",
            code_value=first17,
            reasons=reasons,
        )
    total = sum(_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_check_digits(first17: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """Vectorised :func:`uscc_check_digit` over an array of 17-character strings.

    The strings are read as a ``uint32`` view of their fixed-width Unicode buffer and mapped through a lookup
    table, so no Python-level loop runs per code (a million codes take well under a second).

    Parameters
    ----------
    first17:
        Array-like of strings, each exactly 17 characters of the USCC alphabet.

    Returns
    -------
    numpy.ndarray
        Array of one-character strings (dtype ``<U1``), the check character of each input, same shape.

    Raises
    ------
    CodeError
        If any string is not 17 characters long or holds a character outside the alphabet; the message
        names the first offending position (row) and its value.
    """
    arr = np.asarray(first17)
    if arr.dtype.kind != "U":
        arr = arr.astype(np.str_)
    shape = arr.shape
    flat = np.ascontiguousarray(arr.reshape(-1))
    n = flat.shape[0]
    if n == 0:
        return np.empty(shape, dtype="<U1")
    width = flat.dtype.itemsize // 4
    if width < 17:
        raise CodeError(
            f"USCC check characters need 17-character strings; row 0 has {len(str(flat[0]))}",
            code_value=str(flat[0]),
            reasons=("length is not 17",),
        )
    chars = flat.view(np.uint32).reshape(n, width)
    lengths_ok = np.all(chars[:, :17] != 0, axis=1)
    if width > 17:
        lengths_ok &= np.all(chars[:, 17:] == 0, axis=1)
    values = _LUT[np.minimum(chars[:, :17], 127)]
    chars_ok = np.all(values != 255, axis=1)
    ok = lengths_ok & chars_ok
    if not ok.all():
        row = int(np.flatnonzero(~ok)[0])
        value = str(flat[row])
        reason = (
            f"length {len(value)}, expected 17"
            if not lengths_ok[row]
            else f"a character outside the USCC alphabet {USCC_ALPHABET}"
        )
        raise CodeError(
            f"row {row}: cannot compute a USCC check character for {value!r}: {reason}; "
            f"{int((~ok).sum())} row(s) are affected",
            code_value=value,
            reasons=(reason,),
        )
    # Column by column keeps the temporaries at n int32 values (the sum is at most 30 * 360).
    total = np.zeros(n, dtype=np.int32)
    for j, weight in enumerate(_WEIGHT_ARRAY.tolist()):
        total += values[:, j] * np.int32(weight)
    out: npt.NDArray[np.str_] = _ALPHABET_ARRAY[(31 - total % 31) % 31]
    return out.reshape(shape)


def org_code_check_char(body8: str) -> str:
    """The GB 11714-1997 check character of an 8-character organisation-code body.

    Characters count as digits 0-9 and letters ``A``=10 ... ``Z``=35; weights 3, 7, 9, 10, 5, 8, 4, 2;
    the check is ``11 - (sum mod 11)``, written ``X`` for 10 and ``0`` for 11.

    Raises
    ------
    CodeError
        If ``body8`` is not 8 digits or upper-case letters.
    """
    if len(body8) != 8 or not all(c.isascii() and (c.isdigit() or c.isupper()) for c in body8):
        raise CodeError(
            f"an organisation-code body is 8 digits or upper-case letters, got {body8!r}",
            code_value=body8,
            reasons=("malformed organisation-code body",),
        )
    total = sum(int(c, 36) * w for c, w in zip(body8, _GB11714_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_problems(text: object, *, check_org_code: bool = False) -> tuple[str, ...]:
    """Every reason ``text`` is not a valid USCC; empty when it is valid.

    ``text`` is first normalised with :func:`normalise_uscc`. The reasons, most basic first: length,
    characters outside the alphabet (by position), registration-authority code, organisation type for that
    authority, division-code format (positions 3-8: six digits, a GB/T 2260 province or the national ``10``
    prefix), and the check character (expected versus given).

    Parameters
    ----------
    text:
        The code as written.
    check_org_code:
        Also report a wrong GB 11714 check character at position 17. Off by default: many real codes,
        notably of individual businesses (个体工商户) registered since 2016, carry a subject identification
        code that is not a GB 11714 organisation code, so this check would reject valid codes. See
        :func:`uscc_warnings`.

    Returns
    -------
    tuple of str
        The reasons, in English, each naming the position and value concerned.
    """
    if not isinstance(text, str):
        return (f"a USCC is text of 18 characters, not {type(text).__name__}",)
    code = normalise_uscc(text)
    reasons: list[str] = []
    if len(code) != 18:
        reasons.append(f"length is {len(code)}, a USCC has 18 characters")
    bad = [(i + 1, c) for i, c in enumerate(code) if c not in _VALUE]
    reasons.extend(
        f"position {p}: {c!r} is not allowed (digits and upper-case letters except I, O, Z, S, V)"
        for p, c in bad
    )
    if code:
        authority = REGISTRATION_AUTHORITIES.get(code[0])
        if authority is None:
            known = ", ".join(REGISTRATION_AUTHORITIES)
            reasons.append(f"registration-authority code {code[0]!r} (position 1) is not one of {known}")
        elif len(code) >= 2 and code[1] not in authority.org_types:
            types = ", ".join(f"{k} {v}" for k, v in authority.org_types.items())
            reasons.append(
                f"organisation type {code[1]!r} (position 2) is not defined for registration authority "
                f"{authority.code} ({authority.name}); allowed: {types}"
            )
    if len(code) >= 8:
        division = code[2:8]
        if not _SIX_DIGITS.match(division):
            reasons.append(f"division code {division!r} (positions 3-8) is not 6 digits")
        elif division[:2] not in _PROVINCE_PREFIXES:
            reasons.append(
                f"division code {division!r} (positions 3-8) does not start with a GB/T 2260 province code"
            )
    if len(code) == 18 and not bad:
        expected = uscc_check_digit(code[:17])
        if code[17] != expected:
            reasons.append(f"check character (position 18) is {code[17]!r}, expected {expected!r}")
    if check_org_code:
        reasons.extend(uscc_warnings(code))
    return tuple(reasons)


def uscc_warnings(text: str) -> tuple[str, ...]:
    """Doubts about a USCC that do not make it invalid: a GB 11714 check character that does not match.

    Positions 9-17 are meant to be a GB 11714 organisation code whose last character checks the first
    eight. Codes issued to individual businesses and some other subjects do not follow this, so a mismatch
    is only a warning.
    """
    code = normalise_uscc(text)
    if len(code) != 18 or any(c not in _VALUE for c in code[8:17]):
        return ()
    body, given = code[8:16], code[16]
    expected = org_code_check_char(body)
    if given != expected:
        return (
            f"organisation-code check character (position 17, GB 11714) is {given!r}, expected {expected!r}",
        )
    return ()


def is_valid_uscc(text: str) -> bool:
    """True when ``text`` (after :func:`normalise_uscc`) is a valid USCC; see :func:`uscc_problems`.

    A value that is not text is not a valid USCC (False, like ``INDUSTRY.is_valid``).
    """
    return isinstance(text, str) and not uscc_problems(text)


@attrs.frozen
class Uscc:
    """A parsed unified social credit code (统一社会信用代码, GB 32100-2015).

    Build it with :func:`parse_uscc`; ``str(uscc)`` gives the 18-character code.

    Attributes
    ----------
    code:
        The 18-character code, normalised.
    """

    code: str

    @property
    def registration_authority(self) -> str:
        """Position 1: the registration-authority code (登记管理部门代码)."""
        return self.code[0]

    @property
    def registration_authority_name(self) -> str:
        """The Chinese name of the registration authority."""
        return REGISTRATION_AUTHORITIES[self.code[0]].name

    @property
    def org_type(self) -> str:
        """Position 2: the organisation-type code (机构类别代码)."""
        return self.code[1]

    @property
    def org_type_name(self) -> str:
        """The Chinese name of the organisation type."""
        return REGISTRATION_AUTHORITIES[self.code[0]].org_types[self.code[1]]

    @property
    def division(self) -> str:
        """Positions 3-8: the GB/T 2260 division code of the registering office."""
        return self.code[2:8]

    @property
    def org_code(self) -> str:
        """Positions 9-17: the subject identification code (主体标识码 / organisation code)."""
        return self.code[8:17]

    @property
    def check(self) -> str:
        """Position 18: the check character."""
        return self.code[17]

    @property
    def parts(self) -> tuple[str, str, str, str, str]:
        """``(registration_authority, org_type, division, org_code, check)``."""
        return (self.registration_authority, self.org_type, self.division, self.org_code, self.check)

    def __str__(self) -> str:
        return self.code


def parse_uscc(text: str) -> Uscc:
    """Parse and validate a USCC.

    Raises
    ------
    CodeError
        With every reason from :func:`uscc_problems` in ``reasons``.
    """
    reasons = uscc_problems(text)
    if reasons:
        raise CodeError(
            f"invalid USCC {text!r}: " + "; ".join(reasons),
            code_value=text,
            reasons=reasons,
        )
    return Uscc(normalise_uscc(text))


def make_uscc(authority: str, org_type: str, division: str, org_code_body: str) -> str:
    """Build a valid USCC from its parts, computing the check characters.

    Parameters
    ----------
    authority:
        Registration-authority code, a key of :data:`REGISTRATION_AUTHORITIES`.
    org_type:
        Organisation-type code valid for ``authority``.
    division:
        Six-digit GB/T 2260 division code.
    org_code_body:
        Either 8 characters (the GB 11714 check character is appended) or the full 9-character subject
        identification code, all from the USCC alphabet.

    Raises
    ------
    CodeError
        If a part is malformed or the result would not validate; ``reasons`` lists why.
    """
    if len(org_code_body) == 8:
        org_code = org_code_body + org_code_check_char(org_code_body)
    elif len(org_code_body) == 9:
        org_code = org_code_body
    else:
        raise CodeError(
            f"organisation-code body must have 8 or 9 characters, got {len(org_code_body)}",
            code_value=org_code_body,
            reasons=("malformed organisation code",),
        )
    first17 = f"{authority}{org_type}{division}{org_code}"
    if len(first17) != 17:
        raise CodeError(
            f"USCC parts give {len(first17)} characters before the check character, expected 17; "
            "authority and org_type are one character each and division has 6 digits",
            code_value=first17,
            reasons=("malformed parts",),
        )
    bad = [c for c in first17 if c not in _VALUE]
    if bad:
        raise CodeError(
            f"USCC parts contain {bad[0]!r}, which is not in the USCC alphabet {USCC_ALPHABET}",
            code_value=first17,
            reasons=("character outside the alphabet",),
        )
    code = first17 + uscc_check_digit(first17)
    reasons = uscc_problems(code)
    if reasons:
        raise CodeError(
            f"USCC parts do not form a valid code: {'; '.join(reasons)}", code_value=code, reasons=reasons
        )
    return code
