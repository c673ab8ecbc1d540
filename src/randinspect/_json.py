"""The one strict JSON reader of randinspect, and the record schemas it checks.

Every record, commitment, match record and journal line that randinspect reads goes through :func:`loads`
(and, for records, :func:`read_record`). A JSON text must mean one thing to every reader, so the reader is
stricter than :func:`json.loads`:

- a key given twice in one object is refused (``json.loads`` keeps the last value while a person reading
  the file sees the first);
- ``NaN``, ``Infinity`` and ``-Infinity`` are refused (they are not JSON);
- strings holding a lone UTF-16 surrogate (``"\\ud800"``) are refused (they are not text);
- nesting deeper than :data:`MAX_DEPTH` and texts longer than :data:`MAX_BYTES` are refused before parsing,
  so a hostile file cannot exhaust the stack or the memory.

Records are then checked against their JSON Schema (``randinspect/schemas/*.schema.json``, shipped with the
package; ``docs/records.md`` describes them): unknown fields are refused at every level and numbers have
their exact type. The checker here understands the subset of JSON Schema (draft 2020-12) those files use
and is stricter than the standard in one way: an ``"integer"`` is a JSON number written without a
fraction or exponent (``2027.0`` is not an integer), and ``true``/``false`` are never numbers.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any, Final

import numpy as np

from randinspect.errors import LoadError, Problem, RecordError

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "SCHEMAS",
    "loads",
    "loads_record",
    "read_json_file",
    "read_record",
    "record_schema",
    "validate",
]

MAX_DEPTH: Final = 64
"""Deepest nesting of arrays and objects accepted (the records nest at most 6 deep)."""

MAX_BYTES: Final = 1 << 30
"""Longest JSON text accepted, in UTF-8 bytes (1 GiB: a draw record of 10 million selected objects)."""

SCHEMAS: Final = ("draw-commitment", "draw-record", "journal-entry", "match-record")
"""Names of the shipped record schemas (file ``randinspect/schemas/<name>.schema.json``)."""

_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89abcdefABCDEF]")


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return out


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _depth(text: str) -> int:
    """Deepest bracket nesting of a JSON text, ignoring brackets inside strings (linear time, numpy).

    A quote is a string delimiter unless an odd run of backslashes precedes it; a bracket is inside a string
    when an odd number of delimiters precede it.
    """
    codes = np.frombuffer(text.encode("utf-8", errors="surrogatepass"), dtype=np.uint8)
    brackets = np.flatnonzero((codes == 0x5B) | (codes == 0x5D) | (codes == 0x7B) | (codes == 0x7D))
    if brackets.size == 0:
        return 0
    quotes = np.flatnonzero(codes == 0x22)
    if quotes.size:
        backslash = codes == 0x5C
        if backslash.any():
            positions = np.arange(codes.size)
            last_plain = np.maximum.accumulate(np.where(backslash, -1, positions))
            before = quotes - 1
            run = np.where(before >= 0, before - last_plain[np.maximum(before, 0)], 0)
            quotes = quotes[run % 2 == 0]
        inside = np.searchsorted(quotes, brackets) % 2 == 1
        brackets = brackets[~inside]
        if brackets.size == 0:
            return 0
    kinds = codes[brackets]
    step = np.where((kinds == 0x5B) | (kinds == 0x7B), 1, -1)
    return int(np.cumsum(step).max())


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def loads(
    text: str | bytes,
    *,
    source: str = "<text>",
    max_depth: int = MAX_DEPTH,
    max_bytes: int = MAX_BYTES,
) -> Any:
    """Parse JSON strictly: duplicate keys, ``NaN``, lone surrogates, deep nesting, huge texts refused.

    Parameters
    ----------
    text:
        The JSON text, or its UTF-8 bytes (a leading byte order mark is allowed).
    source:
        Where the text came from (file name), for error messages.
    max_depth, max_bytes:
        Limits on nesting depth and length in bytes.

    Returns
    -------
    Any
        The value: dicts, lists, str, int, float, bool and None, as :func:`json.loads` gives them.

    Raises
    ------
    randinspect.errors.LoadError
        If the text is not UTF-8, not JSON, too deep or too long; ``problems[0].code`` is one of
        ``"json.utf8"``, ``"json.syntax"``, ``"json.depth"``, ``"json.size"``, ``"json.duplicate_key"``.

    Examples
    --------
    >>> loads('{"year": 2027}')
    {'year': 2027}
    >>> loads('{"seed": "a", "seed": "b"}')
    Traceback (most recent call last):
    ...
    randinspect.errors.LoadError: <text>: key 'seed' appears twice in one object; ...
    """
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        raise LoadError(
            [
                Problem(
                    message=f"JSON text of {size} bytes exceeds the limit of {max_bytes} bytes",
                    source=source,
                    code="json.size",
                    hint="split the input, or pass a larger max_bytes when you trust it",
                )
            ]
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LoadError(
                [
                    Problem(
                        message=f"not UTF-8 text (byte {exc.start}: {exc.reason})",
                        source=source,
                        code="json.utf8",
                        hint="save the file as UTF-8",
                    )
                ]
            ) from None
    text = text.removeprefix("\ufeff")
    depth = _depth(text)
    if depth > max_depth:
        raise LoadError(
            [
                Problem(
                    message=f"JSON nested {depth} levels deep; at most {max_depth} are accepted",
                    source=source,
                    code="json.depth",
                    hint="this is not a randinspect file; check that the right file was given",
                )
            ]
        )
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except _DuplicateKeyError as exc:
        raise LoadError(
            [
                Problem(
                    message=f"key {exc.key!r} appears twice in one object",
                    source=source,
                    code="json.duplicate_key",
                    hint="a JSON object must name each key once; readers disagree on which value counts",
                )
            ]
        ) from None
    except json.JSONDecodeError as exc:
        raise LoadError(
            [
                Problem(
                    message=f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                    source=source,
                    code="json.syntax",
                    hint="check the file is the JSON it should be (not truncated, not another format)",
                )
            ]
        ) from None
    except (ValueError, RecursionError) as exc:
        raise LoadError(
            [Problem(message=f"invalid JSON: {exc}", source=source, code="json.syntax")]
        ) from None
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        raise LoadError(
            [
                Problem(
                    message="a string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text",
                    source=source,
                    code="json.utf8",
                )
            ]
        )
    return value


# -- schemas ----------------------------------------------------------------------------------------------


@functools.cache
def record_schema(name: str) -> dict[str, Any]:
    """The shipped JSON Schema of a record kind (one of :data:`SCHEMAS`), as a new dict each time is *not*
    guaranteed: treat it as read-only.

    Examples
    --------
    >>> record_schema("draw-record")["title"]
    'randinspect draw record'
    """
    if name not in SCHEMAS:
        raise KeyError(f"unknown record schema {name!r}; known: {', '.join(SCHEMAS)}")
    text = resources.files("randinspect").joinpath("schemas", f"{name}.schema.json").read_text("utf-8")
    value: dict[str, Any] = json.loads(text)
    return value


_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
    "integer": (int,),
    "number": (int, float),
}


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number with a fraction" if value != int(value) else "number written with a decimal point"
    return {dict: "object", list: "array", str: "string", type(None): "null"}.get(type(value), "value")


def _resolve(ref: str, root: Mapping[str, Any]) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """Resolve ``#/$defs/x`` in ``root`` or ``other.schema.json[#/...]`` among the shipped schemas."""
    doc, _, fragment = ref.partition("#")
    if doc:
        root = record_schema(doc.removesuffix(".schema.json"))
    node: Any = root
    for part in (p for p in fragment.split("/") if p):
        node = node[part]
    return node, root


def _where(path: tuple[str | int, ...]) -> str:
    if not path:
        return "the top level"
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


Found = tuple[tuple[str | int, ...], str] | None
_Check = Callable[[Any], Found]


def validate(value: Any, schema: Mapping[str, Any], *, root: Mapping[str, Any] | None = None) -> Found:
    """The first place where ``value`` breaks ``schema`` (path and message), or ``None`` when it conforms.

    Understands ``type``, ``properties``, ``required``, ``dependentRequired``, ``additionalProperties``,
    ``propertyNames``, ``items``, ``enum``, ``const``, ``pattern``, ``minimum``, ``maximum``, ``minLength``,
    ``maxLength``, ``minItems``, ``minProperties``, ``anyOf`` and ``$ref``; annotations are ignored. The
    schema is compiled once into nested checking functions (cached for the shipped schemas), so a record of
    a million selected objects is checked at a few microseconds per object.

    Examples
    --------
    >>> validate({"year": 2027.5}, {"properties": {"year": {"type": "integer"}}})
    (('year',), 'expected integer, found number with a fraction (2027.5)')
    """
    return _compile(schema, root if root is not None else schema)(value)


@functools.cache
def _compiled_record(name: str) -> _Check:
    schema = record_schema(name)
    return _compile(schema, schema)


def _compile(schema: Mapping[str, Any], root: Mapping[str, Any]) -> _Check:
    """Turn a schema into a function ``value -> first problem (path below value, message) or None``."""
    checks: list[_Check] = []
    if "$ref" in schema:
        target, target_root = _resolve(str(schema["$ref"]), root)
        holder: list[_Check] = []

        def ref(value: Any) -> Found:
            if not holder:  # compiled on first use: a schema may refer to itself
                holder.append(_compile(target, target_root))
            return holder[0](value)

        checks.append(ref)
    if "anyOf" in schema:
        options = [_compile(s, root) for s in schema["anyOf"]]

        def any_of(value: Any) -> Found:
            first: Found = None
            for option in options:
                found = option(value)
                if found is None:
                    return None
                first = first or found
            return first

        checks.append(any_of)
    kinds = schema.get("type")
    if kinds is not None:
        names = [kinds] if isinstance(kinds, str) else list(kinds)
        exact = tuple(t for n in names for t in _TYPES[n] if n not in ("integer", "number"))
        numbers = "number" in names
        integers = "integer" in names or numbers

        def type_check(value: Any) -> Found:
            kind = type(value)
            if kind in exact:
                return None
            if kind is int:
                ok = integers
            elif kind is float:
                ok = numbers
            elif isinstance(value, bool | int | float):
                ok = False
            else:
                ok = isinstance(value, exact) or (dict in exact and isinstance(value, Mapping))
            if ok:
                return None
            shown = "" if isinstance(value, Mapping | list) else f" ({value!r})"
            return (), f"expected {' or '.join(names)}, found {_type_name(value)}{shown}"[:300]

        checks.append(type_check)
    if "const" in schema:
        const = schema["const"]

        def const_check(value: Any) -> Found:
            if value == const and type(value) is type(const):
                return None
            return (), f"expected {const!r}, found {value!r}"[:300]

        checks.append(const_check)
    if "enum" in schema:
        allowed = list(schema["enum"])

        def enum_check(value: Any) -> Found:
            if any(value == e and type(value) is type(e) for e in allowed):
                return None
            return (), f"{value!r} is not one of {allowed!r}"[:300]

        checks.append(enum_check)
    min_len, max_len = schema.get("minLength"), schema.get("maxLength")
    pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
    if min_len is not None or max_len is not None or pattern is not None:

        def text_check(value: Any) -> Found:
            if not isinstance(value, str):
                return None
            if min_len is not None and len(value) < min_len:
                return (), f"text shorter than {min_len} characters"
            if max_len is not None and len(value) > max_len:
                return (), f"text longer than {max_len} characters"
            if pattern is not None and pattern.search(value) is None:
                return (), f"{value[:80]!r} does not match the pattern {pattern.pattern!r}"
            return None

        checks.append(text_check)
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None or high is not None:

        def range_check(value: Any) -> Found:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return None
            if low is not None and value < low:
                return (), f"{value!r} is below the minimum {low}"
            if high is not None and value > high:
                return (), f"{value!r} is above the maximum {high}"
            return None

        checks.append(range_check)
    min_items = schema.get("minItems")
    items = _compile(schema["items"], root) if isinstance(schema.get("items"), Mapping) else None
    if min_items is not None or items is not None:

        def array_check(value: Any) -> Found:
            if not isinstance(value, list):
                return None
            if min_items is not None and len(value) < min_items:
                return (), f"fewer than {min_items} items"
            if items is not None:
                for i, v in enumerate(value):
                    found = items(v)
                    if found is not None:
                        return (i, *found[0]), found[1]
            return None

        checks.append(array_check)
    object_keys = {
        "properties",
        "required",
        "dependentRequired",
        "additionalProperties",
        "propertyNames",
        "minProperties",
    }
    if object_keys & set(schema):
        props = {k: _compile(v, root) for k, v in schema.get("properties", {}).items()}
        required = list(schema.get("required", ()))
        dependent = {str(k): list(v) for k, v in schema.get("dependentRequired", {}).items()}
        min_props = schema.get("minProperties")
        names_check = _compile(schema["propertyNames"], root) if "propertyNames" in schema else None
        extra = schema.get("additionalProperties", True)
        extra_check = _compile(extra, root) if isinstance(extra, Mapping) else None
        known = ", ".join(sorted(props))

        def object_check(value: Any) -> Found:
            if not isinstance(value, dict):
                return None
            if min_props is not None and len(value) < min_props:
                return (), f"fewer than {min_props} fields"
            for name in required:
                if name not in value:
                    return (), f"required field {name!r} is missing"
            for present, needed in dependent.items():
                if present in value:
                    for name in needed:
                        if name not in value:
                            return (), f"field {name!r} is missing (required with {present!r})"
            for key, v in value.items():
                if names_check is not None:
                    found = names_check(key)
                    if found is not None:
                        return (key, *found[0]), found[1]
                check = props.get(key)
                if check is None:
                    if extra is False:
                        return (key,), f"unknown field {key!r} (known fields: {known})"[:400]
                    check = extra_check
                if check is not None:
                    found = check(v)
                    if found is not None:
                        return (key, *found[0]), found[1]
            return None

        checks.append(object_check)

    if len(checks) == 1:
        return checks[0]

    def all_of(value: Any) -> Found:
        for check in checks:
            found = check(value)
            if found is not None:
                return found
        return None

    return all_of


def read_record(
    data: Any, kind: str, *, source: str = "<record>", error: type[RecordError] = RecordError
) -> Any:
    """Check parsed JSON against the shipped schema ``kind``; return it unchanged when it conforms.

    Raises
    ------
    randinspect.errors.RecordError
        Naming the field (as a path such as ``commitment.year`` or ``selected[3].pi``) and what is wrong.
    """
    found = _compiled_record(kind)(data)
    if found is not None:
        path, message = found
        raise error(
            f"{source}: not a valid {kind.replace('-', ' ')}: {_where(path)}: {message}",
            field=_where(path),
        )
    return data


def loads_record(text: str | bytes, *, source: str = "<text>") -> Any:
    """:func:`loads` for a record: a duplicated key is a :class:`~randinspect.errors.RecordError` here.

    Raises
    ------
    randinspect.errors.LoadError
        If the text cannot be read as JSON at all (not UTF-8, syntax, depth, size).
    randinspect.errors.RecordError
        If an object names a key twice (the record would mean two things).
    """
    try:
        return loads(text, source=source)
    except LoadError as exc:
        if exc.problems and exc.problems[0].code == "json.duplicate_key":
            raise RecordError(f"not a valid record: {exc}") from None
        raise


def read_json_file(path: str | os.PathLike[str], *, record: bool = False, max_bytes: int = MAX_BYTES) -> Any:
    """Read and strictly parse a JSON file (:func:`loads`, or :func:`loads_record` when ``record``).

    Raises
    ------
    randinspect.errors.LoadError
        If the file cannot be read (missing, a directory, too large, not UTF-8) or is not JSON.
    randinspect.errors.RecordError
        With ``record=True``, if an object names a key twice.
    """
    source = str(path)
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise LoadError(
                [
                    Problem(
                        message=f"file of {size} bytes exceeds the limit of {max_bytes} bytes",
                        source=source,
                        code="json.size",
                    )
                ]
            )
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise LoadError(
            [Problem(message=f"cannot read file: {exc.strerror or exc}", source=source, code="io")]
        ) from None
    return loads_record(data, source=source) if record else loads(data, source=source)
