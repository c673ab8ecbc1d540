"""The scope of a check item: which objects of a directory it covers (抽查对象范围)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from randinspect.errors import ConfigurationError

__all__ = ["Scope"]


def _opt_tuple(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """Convert a constraint to a tuple of strings; a single string is one value, ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _region_prefixes(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """Region constraints are GB/T 2260 code prefixes: 2 to 6 digits (``"52"``, ``"5201"``, ``"520102"``)."""
    prefixes = _opt_tuple(value)
    if prefixes is not None:
        bad = [p for p in prefixes if not (p.isascii() and p.isdigit() and 2 <= len(p) <= 6)]
        if bad:
            raise ConfigurationError(
                f"region prefix(es) {bad} are not GB/T 2260 code prefixes; write 2 to 6 digits, "
                "e.g. '5201' for Guiyang or '520102' for 南明区"
            )
    return prefixes


@attrs.frozen(kw_only=True)
class Scope:
    """Which objects of an object directory a check item covers (抽查对象范围).

    Every field is a constraint; ``None`` means "no constraint". An object is in scope when it meets all of
    them. Fields that hold several values accept any one of them (a single string is one value).

    Parameters
    ----------
    kinds:
        Subject kinds (:class:`randinspect.model.SubjectKind` values, names or Chinese terms).
    industries:
        GB/T 4754-2017 prefixes: a section letter (``"C"``) or 2 to 4 digits (``"13"``, ``"1311"``).
    regions:
        GB/T 2260 code prefixes (``"5201"`` for all of Guiyang, ``"520102"`` for 南明区).
    units:
        Supervising-unit codes (exact).
    tags_any:
        The object has at least one of these tags.
    tags_all:
        The object has all of these tags.
    credit:
        Credit grades (levels or labels of the directory's credit scale).
    risk:
        Risk classes (levels or labels of the directory's risk scale).
    department:
        When set, ``risk`` is tested against that department's own risk column
        (``ObjectDirectory.risk_for(department)``), falling back to the general one.
    alive_only:
        Keep only alive objects (存活标识); true by default, since dormant subjects leave the draw frame.

    Examples
    --------
    >>> Scope(industries="H", regions=["520102", "520103"]).alive_only
    True
    """

    kinds: tuple[str, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    industries: tuple[str, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    regions: tuple[str, ...] | None = attrs.field(default=None, converter=_region_prefixes)
    units: tuple[str, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    tags_any: tuple[str, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    tags_all: tuple[str, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    credit: tuple[str, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    risk: tuple[str, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    department: str | None = None
    alive_only: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The constraints as JSON-ready data: only fields that differ from the default, tuples as lists."""
        out: dict[str, Any] = {}
        for field in attrs.fields(Scope):
            value = getattr(self, field.name)
            if value != field.default:
                out[field.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scope:
        """Read a scope written by :meth:`to_dict` (or by hand in an item file).

        Raises
        ------
        ConfigurationError
            If a key is not a scope field; the message lists the fields.
        """
        known = {f.name for f in attrs.fields(Scope)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigurationError(
                f"unknown scope field(s) {unknown}; known fields: {', '.join(sorted(known))}"
            )
        alive_only = data.get("alive_only", True)
        if not isinstance(alive_only, bool):
            raise ConfigurationError(f"scope alive_only must be true or false, not {alive_only!r}")
        return cls(**dict(data))
