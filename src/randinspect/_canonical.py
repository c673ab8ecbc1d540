"""Canonical JSON: the one byte encoding that every digest of the draw and the ledger is taken over.

A value is encoded with keys sorted by code point, no insignificant white space, non-ASCII characters kept
as UTF-8 (not ``\\u`` escapes), and nothing but JSON types (``dict`` with ``str`` keys, ``list``, ``str``,
``int``, ``bool``, ``None``). Floats are refused: every number we publish is an integer or a decimal string,
so a digest never depends on how a language prints a float.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from randinspect.errors import InputError

__all__ = ["canonical_digest", "canonical_json"]


def _check(value: Any, path: str) -> None:
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        return
    if isinstance(value, float):
        raise InputError(
            f"canonical JSON refuses the float {value!r} at {path}; publish exact numbers as integers or "
            "decimal strings"
        )
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError(
                    f"canonical JSON needs string keys; found {type(key).__name__} key at {path}"
                )
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    raise InputError(
        f"canonical JSON cannot encode a {type(value).__name__} at {path}; "
        "convert it to str, int, list or dict"
    )


def _plain(value: Any) -> bool:
    """True when ``value`` holds only exact JSON types (no subclasses, no float); no path is built.

    The common case is checked this way, without formatting a path per value; anything else (a float, an
    unknown type, or a subclass such as a ``str`` enum) goes to :func:`_check`, which accepts it or names
    where the problem is.
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is dict:
        return all(type(k) is str for k in value) and all(map(_plain, value.values()))
    if kind is list or kind is tuple:
        return all(map(_plain, value))
    return False


def canonical_json(value: Any) -> bytes:
    """Encode ``value`` as canonical JSON bytes (UTF-8).

    The encoding is ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
    encoded as UTF-8, after checking that ``value`` holds only JSON types and no float.

    Parameters
    ----------
    value:
        A JSON-ready value: dicts with string keys, lists (tuples are encoded as lists), strings, integers,
        booleans and ``None``.

    Returns
    -------
    bytes
        The canonical encoding.

    Raises
    ------
    InputError
        If ``value`` holds a float or a type JSON cannot encode; the message gives the path to it.

    Examples
    --------
    >>> canonical_json({"b": 1, "a": ["x", "抽查"]})
    b'{"a":["x","\\xe6\\x8a\\xbd\\xe6\\x9f\\xa5"],"b":1}'
    """
    if not _plain(value):
        _check(value, "$")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def canonical_digest(value: Any) -> str:
    """Return the lower-case hex SHA-256 of :func:`canonical_json` of ``value``.

    Examples
    --------
    >>> canonical_digest({})
    '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'
    """
    return hashlib.sha256(canonical_json(value)).hexdigest()
