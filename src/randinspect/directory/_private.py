"""Checks of private values (identity-card and phone numbers) whose messages never repeat the value."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

__all__ = ["id_card_check_char", "id_card_problems", "normalise_id_card", "normalise_phone", "phone_problems"]

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")


def normalise_id_card(text: str) -> str:
    """NFKC, stripped, upper case (a trailing ``x`` becomes ``X``)."""
    return unicodedata.normalize("NFKC", text).strip().upper()


def id_card_check_char(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits of a resident identity number.

    ``sum(digit_i * 2**(17-i) mod 11)``, then ``"10X98765432"[sum mod 11]``.
    """
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_card_problems(text: str) -> tuple[str, ...]:
    """Every reason ``text`` is not a valid 18-digit resident identity number (GB 11643-1999).

    The reasons never quote the number or any part of it (it is private).
    """
    code = normalise_id_card(text)
    if len(code) != 18:
        return (f"identity-card number has {len(code)} characters, expected 18",)
    if not code[:17].isascii() or not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        return ("identity-card number must be 17 digits followed by a digit or X",)
    reasons: list[str] = []
    try:
        dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        reasons.append("identity-card number holds an impossible birth date (positions 7-14)")
    if id_card_check_char(code[:17]) != code[17]:
        reasons.append("identity-card check character (position 18) does not match")
    return tuple(reasons)


def normalise_phone(text: str) -> str:
    """NFKC, without spaces, hyphens, parentheses and a leading +86/0086 country code."""
    digits = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", text))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def phone_problems(text: str) -> tuple[str, ...]:
    """Reasons ``text`` is not a mainland mobile (1[3-9] + 9 digits) or landline (0 + area code + 7-8 digits).

    The reasons never quote the number.
    """
    number = normalise_phone(text)
    if _MOBILE.match(number) or _LANDLINE.match(number):
        return ()
    return ("phone number is neither an 11-digit mobile number nor an area code with a 7-8 digit number",)
