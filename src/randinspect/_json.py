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
from collections.abc import Mapping
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

# A JSON string literal, written so the regular expression engine never backtracks (unrolled loop).
_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89abcdefABCDEF]")


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _depth(text: str) -> int:
    """Deepest bracket nesting of a JSON text, ignoring brackets inside strings (linear time)."""
    bare = _STRING.sub("", text).encode("utf-8", errors="replace")
    codes = np.frombuffer(bare, dtype=np.uint8)
    step = (codes == 0x5B).astype(np.int64) + (codes == 0x7B) - (codes == 0x5D) - (codes == 0x7D)
    return int(np.cumsum(step).max()) if step.size else 0


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


def _type_ok(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return name == "boolean"
    return isinstance(value, _TYPES[name])


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


def validate(
    value: Any, schema: Mapping[str, Any], *, root: Mapping[str, Any] | None = None
) -> tuple[tuple[str | int, ...], str] | None:
    """The first place where ``value`` breaks ``schema`` (path and message), or ``None`` when it conforms.

    Understands ``type``, ``properties``, ``required``, ``additionalProperties``, ``propertyNames``,
    ``items``, ``enum``, ``const``, ``pattern``, ``minimum``, ``maximum``, ``minLength``, ``maxLength``,
    ``minItems``, ``minProperties``, ``anyOf`` and ``$ref``; annotations are ignored.

    Examples
    --------
    >>> validate({"year": 2027.5}, {"properties": {"year": {"type": "integer"}}})
    (('year',), 'expected integer, found number with a fraction (2027.5)')
    """
    return _check(value, schema, root if root is not None else schema, ())


def _check(
    value: Any, schema: Mapping[str, Any], root: Mapping[str, Any], path: tuple[str | int, ...]
) -> tuple[tuple[str | int, ...], str] | None:
    if "$ref" in schema:
        target, target_root = _resolve(str(schema["$ref"]), root)
        found = _check(value, target, target_root, path)
        if found is not None:
            return found
    if "anyOf" in schema:
        results = [_check(value, s, root, path) for s in schema["anyOf"]]
        if all(r is not None for r in results):
            return results[0]
    kinds = schema.get("type")
    if kinds is not None:
        names = [kinds] if isinstance(kinds, str) else list(kinds)
        if not any(_type_ok(value, n) for n in names):
            shown = repr(value) if not isinstance(value, dict | list) else ""
            return path, (
                f"expected {' or '.join(names)}, found {_type_name(value)}" + (f" ({shown})" if shown else "")
            )[:300]
    if "const" in schema and (value != schema["const"] or type(value) is not type(schema["const"])):
        return path, f"expected {schema['const']!r}, found {value!r}"[:300]
    if "enum" in schema and not any(value == e and type(value) is type(e) for e in schema["enum"]):
        return path, f"{value!r} is not one of {schema['enum']!r}"[:300]
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            return path, f"text shorter than {schema['minLength']} characters"
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return path, f"text longer than {schema['maxLength']} characters"
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            return path, f"{value[:80]!r} does not match the pattern {schema['pattern']!r}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return path, f"{value!r} is below the minimum {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            return path, f"{value!r} is above the maximum {schema['maximum']}"
    if isinstance(value, dict) and "minProperties" in schema and len(value) < schema["minProperties"]:
        return path, f"fewer than {schema['minProperties']} fields"
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            return path, f"fewer than {schema['minItems']} items"
        items = schema.get("items")
        if isinstance(items, Mapping):
            for i, v in enumerate(value):
                found = _check(v, items, root, (*path, i))
                if found is not None:
                    return found
    if isinstance(value, dict):
        props: Mapping[str, Any] = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                return path, f"required field {name!r} is missing"
        names_schema = schema.get("propertyNames")
        extra = schema.get("additionalProperties", True)
        for key, v in value.items():
            if names_schema is not None:
                found = _check(key, names_schema, root, (*path, key))
                if found is not None:
                    return found
            if key in props:
                found = _check(v, props[key], root, (*path, key))
            elif extra is False:
                known = ", ".join(sorted(props))
                return (*path, key), f"unknown field {key!r} (known fields: {known})"[:400]
            elif isinstance(extra, Mapping):
                found = _check(v, extra, root, (*path, key))
            else:
                found = None
            if found is not None:
                return found
    return None


def read_record(
    data: Any, kind: str, *, source: str = "<record>", error: type[RecordError] = RecordError
) -> Any:
    """Check parsed JSON against the shipped schema ``kind``; return it unchanged when it conforms.

    Raises
    ------
    randinspect.errors.RecordError
        Naming the field (as a path such as ``commitment.year`` or ``selected[3].pi``) and what is wrong.
    """
    found = validate(data, record_schema(kind))
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
