"""What a draw publishes and what it keeps for auditors (一公开 without disclosing supervision data).

A tiered draw needs to know *why* an object is mandatory (key object, filed case, referral, complaints),
but publishing those id lists before the inspection tells the public which firms are under a case. From
draw algorithm version 2 the public commitment holds, instead of the lists, one salted digest per
(object, reason) pair; the lists and the salt are the *opening*, kept by the department and given to
designated auditors, who can then re-run the draw bit for bit. One object's reasons can be opened alone
(to the firm itself, say) without revealing the others: each object has its own salt, derived from the
secret one.

Spec (``docs/draw-spec.md`` §5.3)::

    object_salt(x)      = SHA256(UTF8(salt) ‖ 0x1F ‖ UTF8(x))                      (32 bytes)
    reason_digest(x, r) = hex SHA256(object_salt(x) ‖ UTF8(r) ‖ 0x1F ‖ UTF8(x))

where ``salt`` is the policy's secret (64 hex digits) and ``r`` one of :data:`REASON_LISTS`.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

from randinspect.errors import InputError

__all__ = ["REASON_LISTS", "check_reason", "object_salt", "open_reasons", "public_policy", "reason_digest"]

REASON_LISTS: Final = ("key_ids", "filed_case_ids", "referral_ids", "complaint_ids")
"""The policy parameters that say why an object is mandatory (key; problem: case, referral, complaints)."""

SALT_FIELD: Final = "reason_salt"


def object_salt(salt: str, object_id: str) -> bytes:
    """The per-object salt ``SHA256(UTF8(salt) ‖ 0x1F ‖ UTF8(id))``."""
    return hashlib.sha256(salt.encode("utf-8") + b"\x1f" + object_id.encode("utf-8")).digest()


def _digest(salt_bytes: bytes, object_id: str, reason: str) -> str:
    return hashlib.sha256(
        salt_bytes + reason.encode("utf-8") + b"\x1f" + object_id.encode("utf-8")
    ).hexdigest()


def reason_digest(salt: str, object_id: str, reason: str) -> str:
    """The committed digest of one (object, reason) pair.

    Examples
    --------
    >>> len(reason_digest("00" * 32, "91520102MA6DLXYB2X", "filed_case_ids"))
    64
    """
    return _digest(object_salt(salt, object_id), object_id, reason)


def public_policy(params: Mapping[str, Any]) -> dict[str, Any]:
    """The policy parameters as published in the commitment: reason lists replaced by salted digests.

    Parameters without a salt (version 1 records, the stratified policy, custom policies) are returned
    unchanged. Otherwise the salt and the four id lists are removed and ``reasons`` lists the digests of
    every (object, reason) pair, sorted.
    """
    out = dict(params)
    if SALT_FIELD not in out:
        return out
    salt = str(out.pop(SALT_FIELD))
    digests: list[str] = []
    for reason in REASON_LISTS:
        for object_id in out.pop(reason, ()):
            digests.append(reason_digest(salt, str(object_id), reason))
    out["reasons"] = sorted(digests)
    return out


def open_reasons(params: Mapping[str, Any], object_id: str) -> list[dict[str, str]]:
    """Open the reasons of one object: per reason its name, the object's salt (hex) and the digest.

    Give these to an auditor (or to the firm itself): :func:`check_reason` shows each is in the commitment,
    and nothing about other objects is revealed.

    Raises
    ------
    InputError
        If the parameters have no salt (nothing was committed by digest).
    """
    if SALT_FIELD not in params:
        raise InputError("these policy parameters commit no reasons by digest (no reason_salt)")
    salt = str(params[SALT_FIELD])
    ob_salt = object_salt(salt, object_id)
    return [
        {
            "id": object_id,
            "reason": reason,
            "object_salt": ob_salt.hex(),
            "digest": _digest(ob_salt, object_id, reason),
        }
        for reason in REASON_LISTS
        if object_id in {str(i) for i in params.get(reason, ())}
    ]


def check_reason(public: Mapping[str, Any], opened: Mapping[str, str]) -> bool:
    """True when an opened reason (:func:`open_reasons` row) is committed in the public parameters."""
    try:
        salt_bytes = bytes.fromhex(str(opened["object_salt"]))
    except (KeyError, ValueError):
        return False
    digest = _digest(salt_bytes, str(opened.get("id", "")), str(opened.get("reason", "")))
    return digest == opened.get("digest") and digest in set(public.get("reasons", ()))
