"""Check items (抽查事项), the unit of the item list (抽查事项清单, §四(四)).

A check item says which department checks what, in which objects (its scope), on which legal basis, how
(method), and how much (ratio, frequency, cap). Nothing may be checked without a legal basis: an item without
one is rejected.

Ratios are exact :class:`fractions.Fraction` values; they can be written as ``"5%"``, ``"0.05"`` or
``"1/20"`` in files.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import csv
import difflib
import enum
import io
import os
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from randinspect._json import loads as strict_json_loads
from randinspect.errors import CeilingError, ConfigurationError, InputError, LoadError, PlanError, Problem

if TYPE_CHECKING:
    from randinspect.directory import Scope

__all__ = [
    "AddItem",
    "AdjustItem",
    "CheckItem",
    "DistrictOverlay",
    "EffectiveItem",
    "EffectiveList",
    "EntrustedWork",
    "FieldChange",
    "InspectionMethod",
    "ItemCategory",
    "ItemList",
    "ItemOrigin",
    "LegalBasis",
    "OverlayChange",
    "RemoveItem",
    "SupervisionLevel",
    "ThirdParty",
    "effective_list",
    "format_ratio",
    "load_item",
    "load_item_list",
    "load_items",
    "load_overlay",
    "parse_ratio",
]


class ItemCategory(enum.Enum):
    """Category of a check item: general (一般事项, ratio capped) or key (重点事项, no ratio ceiling)."""

    GENERAL = "general"
    KEY = "key"

    @property
    def zh(self) -> str:
        """The Chinese term."""
        return "一般事项" if self is ItemCategory.GENERAL else "重点事项"

    @classmethod
    def parse(cls, text: str | ItemCategory) -> ItemCategory:
        """Read a category from ``"general"``/``"key"`` or the Chinese terms."""
        if isinstance(text, ItemCategory):
            return text
        t = str(text).strip().lower()
        for c in cls:
            if t in (c.value, c.name.lower(), c.zh, c.zh[:2]):
                return c
        raise ConfigurationError(
            f"unknown item category {text!r}; use 'general' (一般事项) or 'key' (重点事项)"
        )


class InspectionMethod(enum.Enum):
    """How the check is done (检查方式, §四(八)1 and 3)."""

    ON_SITE = "on_site"
    ONLINE = "online"
    DOCUMENTS = "documents"
    CREDIT_COMMITMENT = "credit_commitment"

    @property
    def zh(self) -> str:
        """The Chinese term."""
        return _METHOD_ZH[self]

    @classmethod
    def parse(cls, text: str | InspectionMethod) -> InspectionMethod:
        """Read a method from its value or Chinese term, also in its short form (实地, 线上, 书面)."""
        if isinstance(text, InspectionMethod):
            return text
        t = str(text).strip().lower().replace("-", "_").replace(" ", "_")
        for m in cls:
            if t in (m.value, m.name.lower(), m.zh, m.zh[:2]):
                return m
        accepted = ", ".join(f"{m.value} ({m.zh})" for m in cls)
        raise ConfigurationError(f"unknown inspection method {text!r}; use one of: {accepted}")


_METHOD_ZH = {
    InspectionMethod.ON_SITE: "实地检查",
    InspectionMethod.ONLINE: "线上检查",
    InspectionMethod.DOCUMENTS: "书面检查",
    InspectionMethod.CREDIT_COMMITMENT: "信用承诺",
}


@attrs.frozen
class LegalBasis:
    """A legal basis (检查依据) of a check item: a law, regulation or rule, and optionally its article.

    Parameters
    ----------
    title:
        Title of the law, regulation or rule (``"《中华人民共和国食品安全法》"``).
    article:
        Article or clause (``"第一百一十条"``); empty when the whole instrument is cited.
    """

    title: str
    article: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.title.strip():
            raise ConfigurationError("a legal basis needs the title of a law, regulation or rule")

    def __str__(self) -> str:
        return f"{self.title} {self.article}".strip()

    @classmethod
    def parse(cls, value: str | Mapping[str, Any] | LegalBasis) -> LegalBasis:
        """Read ``"title|article"``, ``{"title": ..., "article": ...}`` or a LegalBasis."""
        if isinstance(value, LegalBasis):
            return value
        if isinstance(value, Mapping):
            return cls(str(value.get("title", "")), str(value.get("article", "") or ""))
        title, _, article = str(value).partition("|")
        return cls(title.strip(), article.strip())


class SupervisionLevel(enum.Enum):
    """Level that organises an item's inspections (检查任务实施层级, §四(七)3).

    Laws may fix the level (province, city or county); otherwise territorial supervision (属地监管) applies:
    the lowest unit responsible for the object. The jurisdiction rule of the matching follows the level: a
    city-level item needs inspectors whose jurisdiction covers the whole city, a territorial item the
    object's own district or supervising unit (see ``docs/matching.md``).
    """

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TERRITORIAL = "territorial"

    @property
    def zh(self) -> str:
        """The Chinese term."""
        return {"province": "省级", "city": "市级", "county": "区县级", "territorial": "属地"}[self.value]

    @classmethod
    def parse(cls, text: str | SupervisionLevel) -> SupervisionLevel:
        """Read a level from its value or Chinese term."""
        if isinstance(text, SupervisionLevel):
            return text
        t = str(text).strip().lower()
        for level in cls:
            if t in (level.value, level.zh):
                return level
        accepted = ", ".join(f"{x.value} ({x.zh})" for x in cls)
        raise ConfigurationError(f"unknown supervision level {text!r}; use one of: {accepted}")


class EntrustedWork(enum.Enum):
    """Work an item may entrust to a third party (委托第三方, §四(七)2)."""

    TESTING = "testing"
    INSPECTION = "inspection"
    AUDIT = "audit"
    ASSESSMENT = "assessment"

    @property
    def zh(self) -> str:
        """The Chinese term."""
        return {"testing": "检测", "inspection": "检验", "audit": "审计", "assessment": "评估"}[self.value]

    @classmethod
    def parse(cls, text: str | EntrustedWork) -> EntrustedWork:
        """Read a kind of work from its value or Chinese term."""
        if isinstance(text, EntrustedWork):
            return text
        t = str(text).strip().lower()
        for w in cls:
            if t in (w.value, w.zh):
                return w
        accepted = ", ".join(f"{w.value} ({w.zh})" for w in cls)
        raise ConfigurationError(f"unknown entrusted work {text!r}; use one of: {accepted}")


def _work_tuple(values: object) -> tuple[EntrustedWork, ...]:
    if isinstance(values, (str, EntrustedWork)):
        values = [values]
    if not isinstance(values, Sequence):
        raise ConfigurationError("third-party work must be a list of kinds (testing, inspection, ...)")
    return tuple(dict.fromkeys(EntrustedWork.parse(v) for v in values))


def _qualifications(value: object) -> tuple[tuple[str, str], ...]:
    pairs: Any = value.items() if isinstance(value, Mapping) else value
    try:
        out = {EntrustedWork.parse(k).value: str(v).strip() for k, v in pairs}
    except (TypeError, ValueError):
        raise ConfigurationError(
            "third-party qualifications must map each kind of work to a qualification "
            '(e.g. {"testing": "CMA 2019xxxx"})'
        ) from None
    return tuple(sorted(out.items()))


@attrs.frozen(kw_only=True)
class ThirdParty:
    """A third-party institution an item entrusts work to (委托第三方机构, §四(七)2).

    The institution tests, inspects, audits or assesses on the department's behalf; it never replaces the
    law-enforcement officers an inspection group needs (the matching seats them as for any task), and the
    department stays responsible for the lawfulness of entrusting and of using the conclusions.

    Parameters
    ----------
    institution:
        Name of the institution (机构名称).
    work:
        Kinds of work entrusted.
    qualifications:
        For each kind of work, the qualification that allows it (资质, e.g. a CMA certificate number for
        testing): a mapping, kept as sorted ``(work, qualification)`` pairs so the value is hashable.
    scope:
        Scope of the entrusted work in words (委托范围).

    Raises
    ------
    ConfigurationError
        If the institution is empty, no work is entrusted, or a kind of work has no qualification.
    """

    institution: str
    work: tuple[EntrustedWork, ...] = attrs.field(converter=_work_tuple)
    qualifications: tuple[tuple[str, str], ...] = attrs.field(converter=_qualifications)
    scope: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.institution.strip():
            raise ConfigurationError("a third party needs the name of its institution")
        if not self.work:
            raise ConfigurationError(f"third party {self.institution!r}: no work entrusted")
        held = dict(self.qualifications)
        missing = [w.value for w in self.work if not held.get(w.value)]
        if missing:
            raise ConfigurationError(
                f"third party {self.institution!r} has no qualification for the entrusted work {missing}; "
                "give the qualification (资质) for each kind of work, or entrust it elsewhere"
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping; :meth:`from_dict` reads it back."""
        return {
            "institution": self.institution,
            "work": [w.value for w in self.work],
            "qualifications": dict(self.qualifications),
            "scope": self.scope,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ThirdParty:
        """Build from the :meth:`to_dict` form.

        Raises
        ------
        ConfigurationError
            On missing or unknown fields.
        """
        if isinstance(data, ThirdParty):
            return data
        if not isinstance(data, Mapping):
            raise ConfigurationError(f"a third party must be a JSON object, not {type(data).__name__}")
        unknown = sorted(set(data) - {"institution", "work", "qualifications", "scope"})
        if unknown:
            raise ConfigurationError(f"third party: unknown field(s) {unknown}")
        try:
            return cls(
                institution=str(data["institution"]),
                work=data["work"],
                qualifications=data.get("qualifications", {}),
                scope=str(data.get("scope", "")),
            )
        except KeyError as exc:
            raise ConfigurationError(f"third party: missing field {exc.args[0]!r}") from None


def parse_ratio(value: object, *, what: str = "ratio") -> Fraction:
    """Read an exact ratio in [0, 1] from ``Fraction``, int, a decimal or fraction string, or a percentage.

    Floats are read through their shortest decimal representation (``0.05`` becomes ``1/20``), so a ratio
    written in JSON as a number means what it says.

    Raises
    ------
    ConfigurationError
        If the value is not a number or lies outside [0, 1].

    Examples
    --------
    >>> parse_ratio("5%"), parse_ratio(0.05), parse_ratio("1/20")
    (Fraction(1, 20), Fraction(1, 20), Fraction(1, 20))
    """
    try:
        if isinstance(value, Fraction):
            r = value
        elif isinstance(value, bool):
            raise TypeError
        elif isinstance(value, int):
            r = Fraction(value)
        elif isinstance(value, float):
            r = Fraction(repr(value))
        elif isinstance(value, str):
            text = value.strip().replace("％", "%")
            r = Fraction(text[:-1].strip()) / 100 if text.endswith("%") else Fraction(text)
        else:
            raise TypeError
    except (TypeError, ValueError, ZeroDivisionError):
        raise ConfigurationError(f"{what} {value!r} is not a number; write it as 0.05, 5% or 1/20") from None
    if not 0 <= r <= 1:
        raise ConfigurationError(f"{what} {value!r} is outside [0, 1]; a {what} is a share of the frame")
    return r


def format_ratio(r: Fraction) -> str:
    """Write a ratio exactly: as a decimal when it has a finite one (``"0.05"``), else as ``"p/q"``."""
    den = r.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{r.numerator}/{r.denominator}"
    places = max(twos, fives)
    if places == 0:
        return str(r.numerator)
    scaled = r.numerator * 10**places // r.denominator
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def _ratio_converter(value: object) -> Fraction:
    return parse_ratio(value)


def _cap_converter(value: object) -> Fraction | None:
    return None if value is None else parse_ratio(value, what="cap")


def _basis_converter(value: object) -> tuple[LegalBasis, ...]:
    if isinstance(value, (str, Mapping, LegalBasis)):
        value = [value]
    if not isinstance(value, Sequence):
        raise ConfigurationError("legal_basis must be a list of citations")
    return tuple(LegalBasis.parse(v) for v in value)


def _category_converter(value: str | ItemCategory) -> ItemCategory:
    return ItemCategory.parse(value)


def _method_converter(value: str | InspectionMethod) -> InspectionMethod:
    return InspectionMethod.parse(value)


def _scope_from(value: object) -> Scope:
    from randinspect.directory import Scope

    if isinstance(value, Scope):
        return value
    if value is None:
        return Scope()
    if isinstance(value, Mapping):
        return Scope.from_dict(value)
    raise ConfigurationError(f"scope must be a mapping of scope fields, not {type(value).__name__}")


def _optional_scope_from(value: object) -> Scope | None:
    return None if value is None else _scope_from(value)


def _level_converter(value: str | SupervisionLevel) -> SupervisionLevel:
    return SupervisionLevel.parse(value)


def _third_party_converter(value: object) -> ThirdParty | None:
    if value is None:
        return None
    if isinstance(value, ThirdParty):
        return value
    if isinstance(value, Mapping):
        return ThirdParty.from_dict(value)
    raise ConfigurationError(f"third_party must be a mapping, not {type(value).__name__}")


def _scope_to_dict(scope: Scope) -> dict[str, Any]:
    return scope.to_dict()


@attrs.frozen(kw_only=True)
class CheckItem:
    """A check item (抽查事项) of a department's item list for one year.

    Parameters
    ----------
    id:
        Stable identifier, unique in the city for the year (``"SAMR-2027-003"``).
    name:
        Short name (``"食品经营者许可事项检查"``).
    department:
        Code of the department (检查主体's department) owning the item.
    year:
        The plan year.
    category:
        General item (一般事项, capped) or key item (重点事项, no ceiling by default).
    scope:
        Which objects the item may check (检查对象): a :class:`randinspect.directory.Scope`.
    ratio:
        The year's check ratio (当年抽查比例), exact: the built-in policies read it, by default, as the
        expected number of risk and general visits in the plan year, ``ratio × N`` over all rounds together
        (``ratio_mode="volume"``; see :class:`randinspect.draw.TieredPolicy` for the absolute reading).
    frequency:
        Rounds per year (抽查频次), at least 1.
    cap:
        National or provincial ceiling on the share drawn (``None``: no ceiling), a number of visits not to
        exceed (抽查总量不高于, §四(五)). Defaults to no ceiling for key items and to ``ratio`` for general
        items.
    cap_period:
        What the ceiling bounds: ``"year"`` (default: the visits of all rounds of the plan year together,
        at most ``floor(cap × N)``) or ``"round"`` (each round on its own). ``to_dict`` writes it only when
        it is ``"round"``.
    key_scope:
        Objects within ``scope`` that law requires to be covered in full (重点对象), or ``None``.
    legal_basis:
        One or more citations (检查依据); an item without one is rejected (§四(四)).
    inspecting_body:
        Who inspects (检查主体), e.g. the bureau's name.
    content:
        What is checked (检查内容).
    method:
        How (检查方式).
    expert_specialty:
        Specialty of an expert seat the inspection group needs (专家), or ``None``.
    officer_specialty:
        Specialty (业务专长) one of the department's officers in the group must hold, or ``None``.
    service_field:
        Service field (服务领域) of the work: an expert who lists service fields serves only items of
        those fields; ``None`` for any.
    level:
        Supervision level (检查任务实施层级, §四(七)3): set by law, otherwise territorial (属地, the default).
    third_party:
        Work entrusted to a third party (委托第三方, §四(七)2), or ``None``.

    Raises
    ------
    ConfigurationError
        If the legal basis is missing, a ratio is outside [0, 1], the frequency is below 1, or a field is
        malformed.
    """

    id: str
    name: str
    department: str
    year: int
    scope: Scope = attrs.field(converter=_scope_from)
    ratio: Fraction = attrs.field(converter=_ratio_converter)
    legal_basis: tuple[LegalBasis, ...] = attrs.field(converter=_basis_converter)
    category: ItemCategory = attrs.field(default=ItemCategory.GENERAL, converter=_category_converter)
    frequency: int = 1
    cap: Fraction | None = attrs.field(
        default=attrs.Factory(
            lambda self: None if self.category is ItemCategory.KEY else self.ratio, takes_self=True
        ),
        converter=_cap_converter,
    )
    key_scope: Scope | None = attrs.field(default=None, converter=_optional_scope_from)
    cap_period: str = "year"
    inspecting_body: str = ""
    content: str = ""
    method: InspectionMethod = attrs.field(default=InspectionMethod.ON_SITE, converter=_method_converter)
    expert_specialty: str | None = None
    officer_specialty: str | None = None
    service_field: str | None = None
    level: SupervisionLevel = attrs.field(default=SupervisionLevel.TERRITORIAL, converter=_level_converter)
    third_party: ThirdParty | None = attrs.field(default=None, converter=_third_party_converter)

    def __attrs_post_init__(self) -> None:
        optional = ("expert_specialty", "officer_specialty", "service_field")
        for name in ("id", "name", "department", "inspecting_body", "content", *optional):
            value = getattr(self, name)
            if not isinstance(value, str) and not (name in optional and value is None):
                where = f"item {self.id!r}: " if isinstance(self.id, str) else ""
                raise ConfigurationError(f"{where}{name} must be text, not {type(value).__name__}")
        if not self.id.strip():
            raise ConfigurationError("a check item needs a non-empty id")
        if not self.legal_basis:
            raise ConfigurationError(
                f"item {self.id!r} has no legal basis; nothing may be checked without one (§四(四)): "
                "add at least one citation to legal_basis"
            )
        if not isinstance(self.frequency, int) or isinstance(self.frequency, bool) or self.frequency < 1:
            raise ConfigurationError(f"item {self.id!r}: frequency {self.frequency!r} must be an integer ≥ 1")
        if not isinstance(self.year, int) or isinstance(self.year, bool):
            raise ConfigurationError(f"item {self.id!r}: year {self.year!r} must be an integer")
        if self.cap_period not in ("year", "round"):
            raise ConfigurationError(
                f"item {self.id!r}: cap_period {self.cap_period!r} must be 'year' (the ceiling bounds the "
                "visits of the whole plan year) or 'round' (each round on its own)"
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckItem:
        """Build an item from a JSON-ready mapping (the format of ``to_dict``).

        Raises
        ------
        ConfigurationError
            On unknown or missing fields, naming them.
        """
        if not isinstance(data, Mapping):
            raise ConfigurationError(f"a check item must be a JSON object, not {type(data).__name__}")
        known = {f.name for f in attrs.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigurationError(
                f"item {data.get('id', '?')!r}: unknown field(s) {unknown}; known: {', '.join(sorted(known))}"
            )
        required = [f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING]
        missing = [name for name in required if name not in data]
        if missing:
            raise ConfigurationError(f"item {data.get('id', '?')!r}: missing field(s) {missing}")
        kwargs = dict(data)
        if "cap" in data and data["cap"] is None:
            kwargs["cap"] = None
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise ConfigurationError(f"item {data.get('id', '?')!r}: {exc}") from None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping; ``from_dict(item.to_dict()) == item``.

        The fields added in 0.2 (``officer_specialty``, ``service_field``, ``level``, ``third_party``) are
        written only when they differ from their defaults, so the commitments of items without them (and
        their published digests) are unchanged; ``cap_period`` is written only when it is ``"round"`` (its
        default ``"year"`` is left out, so items stored before the field existed keep their digests).
        """
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "department": self.department,
            "year": self.year,
            "category": self.category.value,
            "scope": _scope_to_dict(self.scope),
            "ratio": format_ratio(self.ratio),
            "frequency": self.frequency,
            "cap": None if self.cap is None else format_ratio(self.cap),
            "key_scope": None if self.key_scope is None else _scope_to_dict(self.key_scope),
            "legal_basis": [{"title": b.title, "article": b.article} for b in self.legal_basis],
            "inspecting_body": self.inspecting_body,
            "content": self.content,
            "method": self.method.value,
            "expert_specialty": self.expert_specialty,
        }
        if self.officer_specialty is not None:
            out["officer_specialty"] = self.officer_specialty
        if self.service_field is not None:
            out["service_field"] = self.service_field
        if self.level is not SupervisionLevel.TERRITORIAL:
            out["level"] = self.level.value
        if self.third_party is not None:
            out["third_party"] = self.third_party.to_dict()
        if self.cap_period != "year":
            out["cap_period"] = self.cap_period
        return out


def _read_json(path: str | os.PathLike[str]) -> Any:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LoadError(
            [Problem(message=f"cannot read file: {exc.strerror}", source=str(p), code="io")]
        ) from None
    except UnicodeDecodeError:
        raise LoadError(
            [Problem(message="file is not UTF-8", source=str(p), hint="save it as UTF-8", code="encoding")]
        ) from None
    if not text.strip():
        raise LoadError([Problem(message="file is empty", source=str(p), code="empty")])
    return strict_json_loads(text, source=str(p))


def _item_or_problem(data: Any, source: str, index: int | None) -> CheckItem:
    try:
        return CheckItem.from_dict(data)
    except InputError as exc:
        where = f"item {index + 1}" if index is not None else "item"
        raise LoadError(
            [
                Problem(
                    message=f"{where}: {exc}",
                    source=source,
                    row=index + 1 if index is not None else None,
                    code="item",
                )
            ]
        ) from None


def load_item(path: str | os.PathLike[str]) -> CheckItem:
    """Load one check item from a JSON file (an object in the ``CheckItem.to_dict`` format).

    Raises
    ------
    LoadError
        If the file cannot be read or the item is invalid; the problem names the file.
    """
    data = _read_json(path)
    return _item_or_problem(data, str(path), None)


def load_items(path: str | os.PathLike[str]) -> tuple[CheckItem, ...]:
    """Load check items from a JSON file holding a list of items or ``{"items": [...]}``.

    Raises
    ------
    LoadError
        At the first invalid item, naming its position; duplicate ids are refused.
    """
    data = _read_json(path)
    if isinstance(data, Mapping):
        data = data.get("items")
    if not isinstance(data, list):
        raise LoadError(
            [Problem(message='expected a list of items or {"items": [...]}', source=str(path), code="json")]
        )
    items = tuple(_item_or_problem(d, str(path), i) for i, d in enumerate(data))
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in seen:
            raise LoadError(
                [
                    Problem(
                        message=f"duplicate item id {item.id!r} (first at item {seen[item.id] + 1})",
                        source=str(path),
                        row=i + 1,
                        column="id",
                        value=item.id,
                        hint="give every item its own id",
                        code="duplicate",
                    )
                ]
            )
        seen[item.id] = i
    return items


# --- Item lists and district overlays (抽查事项清单, 区(市、县)调整补充) ------------------------------

_SCOPE_FIELDS: tuple[str, ...] = (
    "kinds",
    "industries",
    "regions",
    "units",
    "tags_any",
    "tags_all",
    "credit",
    "risk",
)
"""Scope fields read from CSV columns ``scope_<field>`` (and ``key_scope_<field>``), values split on ``;``."""

_CSV_COLUMNS: frozenset[str] = frozenset(
    {
        "id",
        "name",
        "department",
        "year",
        "category",
        "ratio",
        "frequency",
        "cap",
        "cap_period",
        "method",
        "inspecting_body",
        "content",
        "expert_specialty",
        "legal_basis",
    }
    | {prefix + f for prefix in ("scope_", "key_scope_") for f in _SCOPE_FIELDS}
)
"""Every column an item-list CSV may have; any other is refused (a misspelt scope column would widen it)."""

_PREFIX_FIELDS = frozenset({"industries", "regions"})
"""Scope fields whose values are code prefixes: a narrower value extends a wider one."""


def _items_converter(items: Iterable[CheckItem]) -> tuple[CheckItem, ...]:
    return tuple(items)


def _list_problems(year: int, department: str | None, items: Sequence[CheckItem]) -> list[str]:
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        where = f"item {i + 1} ({item.id!r})"
        if item.id in seen:
            problems.append(
                f"{where}: duplicate id, first used by item {seen[item.id] + 1}; give each item its own id"
            )
        else:
            seen[item.id] = i
        if item.year != year:
            problems.append(f"{where}: year {item.year} differs from the list's year {year}")
        if department is not None and item.department != department:
            problems.append(f"{where}: department {item.department!r} differs from the list's {department!r}")
        if not item.legal_basis:
            problems.append(f"{where}: no legal basis; nothing may be checked without one (§四(四))")
        if not 0 <= item.ratio <= 1:
            problems.append(f"{where}: ratio {item.ratio} outside [0, 1]")
        if item.cap is not None and not 0 <= item.cap <= 1:
            problems.append(f"{where}: cap {item.cap} outside [0, 1]")
    return problems


@attrs.frozen(kw_only=True)
class ItemList:
    """A year's item list (抽查事项清单, §四(四)) of one department or of the whole city.

    Parameters
    ----------
    year:
        The plan year; every item must have it.
    items:
        The check items, in the order published.
    department:
        Department code when the list is one department's; ``None`` for a city list holding every
        department's items.
    name:
        Title of the list, for reports.
    source:
        Where it was loaded from (file name, document number).

    Raises
    ------
    ConfigurationError
        Listing every problem: duplicate ids, items of another year or department, items without legal
        basis, ratios or caps outside [0, 1].
    """

    year: int
    items: tuple[CheckItem, ...] = attrs.field(converter=_items_converter)
    department: str | None = None
    name: str = ""
    source: str = ""

    def __attrs_post_init__(self) -> None:
        problems = _list_problems(self.year, self.department, self.items)
        if problems:
            label = self.name or self.source or f"{self.department or 'city'} {self.year}"
            raise ConfigurationError(f"item list {label}: {len(problems)} problem(s): " + "; ".join(problems))

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[CheckItem]:
        return iter(self.items)

    def __contains__(self, item_id: object) -> bool:
        return any(item.id == item_id for item in self.items)

    @property
    def ids(self) -> tuple[str, ...]:
        """Item ids in list order."""
        return tuple(item.id for item in self.items)

    @property
    def departments(self) -> tuple[str, ...]:
        """Departments with at least one item, sorted."""
        return tuple(sorted({item.department for item in self.items}))

    def get(self, item_id: str) -> CheckItem:
        """The item with ``item_id``.

        Raises
        ------
        PlanError
            If there is none; the message lists a few known ids.
        """
        for item in self.items:
            if item.id == item_id:
                return item
        known = ", ".join(self.ids[:5]) + (", ..." if len(self.items) > 5 else "")
        raise PlanError(f"item {item_id!r} is not in the {self.year} item list (known: {known})")

    def for_department(self, department: str) -> ItemList:
        """The items of one department, as that department's list."""
        return ItemList(
            year=self.year,
            items=[i for i in self.items if i.department == department],
            department=department,
            name=f"{self.name} [{department}]" if self.name else "",
            source=self.source,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, read back by :func:`load_item_list`."""
        return {
            "year": self.year,
            "department": self.department,
            "name": self.name,
            "items": [item.to_dict() for item in self.items],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<dict>") -> ItemList:
        """Build from ``{"year", "department"?, "name"?, "items": [...]}``; items inherit year/department."""
        return _list_from_mapping(data, source)


# --- loaders --------------------------------------------------------------------------------------


def _bad_field(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first field whose converter refuses its value, with the value as text (to name the column)."""
    for field in attrs.fields(CheckItem):
        convert: Any = field.converter
        if callable(convert) and data.get(field.name) is not None:
            try:
                convert(data[field.name])
            except InputError:
                return field.name, str(data[field.name])
    return None


def _item_from(raw: Mapping[str, Any], defaults: Mapping[str, Any], source: str, row: int) -> CheckItem:
    if not isinstance(raw, Mapping):
        raise LoadError(
            [
                Problem(
                    message=f"item is a {type(raw).__name__}, not an object",
                    source=source,
                    row=row,
                    hint='write each item as an object {"id": ..., "name": ...}',
                    code="item",
                )
            ]
        )
    data = {**defaults, **raw}
    try:
        return CheckItem.from_dict(data)
    except InputError as exc:
        bad = _bad_field(data)
        raise LoadError(
            [
                Problem(
                    message=str(exc),
                    source=source,
                    row=row,
                    column=None if bad is None else bad[0],
                    value=(str(data.get("id", "")) or None) if bad is None else bad[1],
                    hint="every item needs id, name, department, year, scope, ratio, legal_basis",
                    code="item",
                )
            ]
        ) from None


def _list_from_mapping(data: Mapping[str, Any], source: str) -> ItemList:
    if not isinstance(data, Mapping) or not isinstance(data.get("items"), list):
        raise LoadError(
            [Problem(message='expected {"year": ..., "items": [...]}', source=source, code="format")]
        )
    defaults = {k: data[k] for k in ("year", "department") if data.get(k) is not None}
    items = [_item_from(raw, defaults, source, i + 1) for i, raw in enumerate(data["items"])]
    year = data.get("year")
    if year is None:
        years = {i.year for i in items}
        if len(years) != 1:
            raise LoadError(
                [Problem(message=f"items span years {sorted(years)}; give a top-level 'year'", source=source)]
            )
        year = years.pop()
    try:
        return ItemList(
            year=int(year),
            items=items,
            department=data.get("department"),
            name=str(data.get("name", "")),
            source=source,
        )
    except ConfigurationError as exc:
        raise LoadError([Problem(message=str(exc), source=source, code="item_list")]) from None


def _split(cell: str, sep: str = ";") -> list[str]:
    return [part.strip() for part in cell.replace("；", ";").split(sep) if part.strip()]


def _csv_item(row: Mapping[str, str], source: str, row_no: int) -> dict[str, Any]:
    """Turn one CSV row into the mapping of ``CheckItem.from_dict``."""
    out: dict[str, Any] = {}
    for key in (
        "id",
        "name",
        "department",
        "category",
        "ratio",
        "cap",
        "cap_period",
        "method",
        "inspecting_body",
        "content",
    ):
        value = row.get(key, "").strip()
        if value:
            out[key] = value
    if "cap" in row and row["cap"].strip().lower() in {"none", "无"}:
        out["cap"] = None
    for key in ("year", "frequency"):
        value = row.get(key, "").strip()
        if value:
            try:
                out[key] = int(value)
            except ValueError:
                raise LoadError(
                    [
                        Problem(
                            message=f"{key} must be an integer",
                            source=source,
                            row=row_no,
                            column=key,
                            value=value,
                            code="integer",
                        )
                    ]
                ) from None
    expert = row.get("expert_specialty", "").strip()
    if expert:
        out["expert_specialty"] = expert
    basis = (
        [LegalBasis.parse(part) for part in _split(row.get("legal_basis", ""))]
        if row.get("legal_basis")
        else []
    )
    if not basis:
        raise LoadError(
            [
                Problem(
                    message="no legal basis; nothing may be checked without one (§四(四))",
                    source=source,
                    row=row_no,
                    column="legal_basis",
                    hint="write citations as 'title|article', several separated by ';'",
                    code="legal_basis",
                )
            ]
        )
    out["legal_basis"] = [{"title": b.title, "article": b.article} for b in basis]
    for prefix, target in (("scope_", "scope"), ("key_scope_", "key_scope")):
        fields = {
            f: _split(row.get(prefix + f, "")) for f in _SCOPE_FIELDS if row.get(prefix + f, "").strip()
        }
        if fields or target == "scope":
            out[target] = fields
    return out


def _load_csv(text: str, source: str) -> ItemList:
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    required = {"id", "name", "department", "year", "ratio", "legal_basis"}
    missing = sorted(required - set(headers))
    if missing:
        raise LoadError(
            [
                Problem(
                    message=f"missing column(s) {missing}",
                    source=source,
                    row=0,
                    hint="see docs/planning.md for the item-list CSV columns",
                    code="header",
                )
            ]
        )
    unknown = [h for h in headers if h not in _CSV_COLUMNS]
    if unknown:
        raise LoadError(
            [
                Problem(
                    message=f"unknown column {h!r}",
                    source=source,
                    row=0,
                    column=h,
                    hint=(
                        f"did you mean {close[0]!r}? "
                        if (close := difflib.get_close_matches(h, _CSV_COLUMNS, 1))
                        else ""
                    )
                    + "see docs/planning.md for the item-list CSV columns",
                    code="header",
                )
                for h in unknown
            ]
        )
    items = []
    for row_no, raw in enumerate(reader, start=1):
        row = {str(k).strip(): (v or "") for k, v in raw.items() if k is not None}
        items.append(_item_from(_csv_item(row, source, row_no), {}, source, row_no))
    if not items:
        raise LoadError([Problem(message="the item list has no rows", source=source, code="empty")])
    years = {i.year for i in items}
    departments = {i.department for i in items}
    if len(years) != 1:
        raise LoadError(
            [Problem(message=f"rows span years {sorted(years)}; one list per year", source=source)]
        )
    try:
        return ItemList(
            year=years.pop(),
            items=items,
            department=departments.pop() if len(departments) == 1 else None,
            source=source,
        )
    except ConfigurationError as exc:
        raise LoadError([Problem(message=str(exc), source=source, code="item_list")]) from None


def load_item_list(path: str | os.PathLike[str]) -> ItemList:
    """Load an item list from a JSON, TOML or CSV file (by extension).

    JSON and TOML hold ``year``, optional ``department`` and ``name``, and ``items`` (each in the
    ``CheckItem.to_dict`` format; ``year`` and ``department`` default to the top-level values). TOML
    writes the items as ``[[items]]`` tables. CSV has one item per row with columns ``id, name, department,
    year, category, ratio, frequency, cap, method, inspecting_body, content, expert_specialty, legal_basis``
    (citations ``title|article`` separated by ``;``) and scope columns ``scope_kinds, scope_industries,
    scope_regions, scope_units, scope_tags_any, scope_tags_all, scope_credit, scope_risk`` (values separated
    by ``;``), and the same with ``key_scope_`` for the key-object scope; any other column is refused. A CSV
    may be UTF-8 or GB18030 (as the directory loaders read it); JSON and TOML are UTF-8.

    Raises
    ------
    LoadError
        With the file, row and column of the first problem; nothing is loaded.
    """
    source = os.fspath(path)
    p = Path(source)
    suffix = p.suffix.lower()
    try:
        data_bytes = p.read_bytes()
    except OSError as exc:
        raise LoadError(
            [Problem(message=f"cannot read file: {exc.strerror}", source=source, code="io")]
        ) from None
    try:
        # UTF-8 (BOM dropped); a CSV may also be GB18030, as the directory loaders accept
        text = data_bytes.decode("utf-8-sig") if suffix != ".csv" else _decode_bytes(data_bytes).text
    except UnicodeDecodeError as exc:
        raise LoadError(
            [
                Problem(
                    message=f"cannot decode the file ({exc})",
                    source=source,
                    hint="save the file as UTF-8" + (" (or GB18030)" if suffix == ".csv" else ""),
                    code="encoding",
                )
            ]
        ) from None
    if suffix == ".csv":
        return _load_csv(text, source)
    try:
        data = tomllib.loads(text) if suffix == ".toml" else strict_json_loads(text, source=source)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise LoadError([Problem(message=f"cannot parse {suffix or 'file'}: {exc}", source=source)]) from None
    if isinstance(data, list):
        data = {"items": data}
    return _list_from_mapping(data, source)


# --- district overlays ----------------------------------------------------------------------------


def _decode_bytes(data: bytes) -> Any:
    from randinspect.directory._text import decode_bytes

    return decode_bytes(data)


class ItemOrigin(enum.Enum):
    """Where an item of an effective list comes from."""

    CITY = "city"
    DISTRICT_ADDED = "district-added"
    DISTRICT_ADJUSTED = "district-adjusted"
    DISTRICT_REMOVED = "district-removed"


@attrs.frozen
class FieldChange:
    """One field a district changed: its name and the old and new values (as text)."""

    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.field}: {self.old} → {self.new}"


@attrs.frozen(kw_only=True)
class AddItem:
    """A district adds an item of its own (补充) for its area."""

    item: CheckItem
    reason: str = ""


def _ratio_or_none(value: object) -> Fraction | None:
    return None if value is None else parse_ratio(value)


def _scope_or_none(value: object) -> Any:
    if value is None or not isinstance(value, Mapping):
        return value
    return dict(value)


@attrs.frozen(kw_only=True)
class AdjustItem:
    """A district adjusts a city item (调整) for its area: ratio, frequency, or a narrower scope.

    Parameters
    ----------
    item_id:
        The city item.
    ratio, frequency:
        New values, or ``None`` to keep the city's.
    scope:
        Scope constraints to narrow, as a mapping of scope fields (``{"industries": ["4411"]}``); each
        must lie inside the city item's scope (same or longer code prefix, subset of values).
    reason:
        Why (provenance).
    """

    item_id: str
    ratio: Fraction | None = attrs.field(default=None, converter=_ratio_or_none)
    frequency: int | None = None
    scope: Mapping[str, Any] | None = attrs.field(default=None, converter=_scope_or_none)
    reason: str = ""


@attrs.frozen(kw_only=True)
class RemoveItem:
    """A district removes a city item from its area (for example no such objects exist there)."""

    item_id: str
    reason: str = ""


OverlayChange = AddItem | AdjustItem | RemoveItem
"""One change of a :class:`DistrictOverlay`."""


def _changes_converter(changes: Iterable[OverlayChange]) -> tuple[OverlayChange, ...]:
    return tuple(changes)


@attrs.frozen(kw_only=True)
class DistrictOverlay:
    """A district's adjustments and supplements to the city list (区(市、县)调整补充, §四(六)3).

    Parameters
    ----------
    district:
        6-digit GB/T 2260 code of the county-level division (``"520102"`` 南明区).
    year:
        The plan year.
    changes:
        Additions, adjustments and removals, applied in order.
    provenance:
        The decision behind the overlay (document number, meeting, date).

    Raises
    ------
    ConfigurationError
        If the district code is not six digits.
    """

    district: str
    year: int
    changes: tuple[OverlayChange, ...] = attrs.field(converter=_changes_converter)
    provenance: str = ""

    def __attrs_post_init__(self) -> None:
        if not (len(self.district) == 6 and self.district.isascii() and self.district.isdigit()):
            raise ConfigurationError(
                f"overlay district {self.district!r} must be a 6-digit GB/T 2260 code such as '520102'"
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DistrictOverlay:
        """Build from ``{"district", "year", "provenance", "add", "adjust", "remove"}`` (lists of changes).

        ``add`` entries are ``{"item": {...}, "reason": ...}`` (the item in ``CheckItem.to_dict`` form,
        ``year`` defaulting to the overlay's); ``adjust`` entries hold ``item_id`` and optionally ``ratio``,
        ``frequency``, ``scope``, ``reason``; ``remove`` entries hold ``item_id`` and optionally ``reason``.

        Raises
        ------
        ConfigurationError
            If a field is missing or malformed, naming it.
        """
        try:
            year = int(data["year"])
            district = str(data["district"])
            changes: list[OverlayChange] = []
            for raw in data.get("add", ()):
                item = CheckItem.from_dict({"year": year, **raw["item"]})
                changes.append(AddItem(item=item, reason=str(raw.get("reason", ""))))
            for raw in data.get("adjust", ()):
                changes.append(
                    AdjustItem(
                        item_id=str(raw["item_id"]),
                        ratio=raw.get("ratio"),
                        frequency=None if raw.get("frequency") is None else int(raw["frequency"]),
                        scope=raw.get("scope"),
                        reason=str(raw.get("reason", "")),
                    )
                )
            for raw in data.get("remove", ()):
                changes.append(RemoveItem(item_id=str(raw["item_id"]), reason=str(raw.get("reason", ""))))
        except KeyError as exc:
            raise ConfigurationError(f"district overlay: missing field {exc.args[0]!r}") from None
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(f"district overlay: malformed field ({exc})") from None
        return cls(district=district, year=year, changes=changes, provenance=str(data.get("provenance", "")))


def load_overlay(path: str | os.PathLike[str]) -> DistrictOverlay:
    """Load a district overlay from JSON or TOML (format of :meth:`DistrictOverlay.from_dict`).

    Raises
    ------
    LoadError
        If the file cannot be read or is malformed; nothing is loaded.
    """
    source = os.fspath(path)
    try:
        text = Path(source).read_text(encoding="utf-8-sig")
        data = (
            tomllib.loads(text)
            if source.lower().endswith(".toml")
            else strict_json_loads(text, source=source)
        )
        return DistrictOverlay.from_dict(data)
    except OSError as exc:
        raise LoadError([Problem(message=f"cannot read file: {exc.strerror}", source=source)]) from None
    except (ValueError, KeyError, TypeError, tomllib.TOMLDecodeError, InputError) as exc:
        raise LoadError(
            [
                Problem(
                    message=f"malformed overlay: {exc!s}",
                    source=source,
                    hint="needs district, year and add/adjust/remove lists",
                )
            ]
        ) from None


@attrs.frozen(kw_only=True)
class EffectiveItem:
    """One line of an effective list with its explanation.

    Attributes
    ----------
    item:
        The item as it applies in the district (for a removed item, the city's version).
    origin:
        City, district-added, district-adjusted or district-removed.
    changes:
        For adjusted items, what changed (old → new).
    provenance:
        Overlay provenance and change reasons that shaped this line.
    applies:
        False for a city item whose scope regions lie wholly outside the district.
    """

    item: CheckItem
    origin: ItemOrigin
    changes: tuple[FieldChange, ...] = ()
    provenance: tuple[str, ...] = ()
    applies: bool = True

    @property
    def explanation(self) -> str:
        """One sentence saying where the item comes from and what changed."""
        why = f" ({'; '.join(p for p in self.provenance if p)})" if any(self.provenance) else ""
        if self.origin is ItemOrigin.CITY:
            if not self.applies:
                return f"{self.item.id}: city item for other areas; its scope regions exclude this district"
            return f"{self.item.id}: city item, applied as published"
        if self.origin is ItemOrigin.DISTRICT_ADDED:
            return f"{self.item.id}: added by the district{why}"
        if self.origin is ItemOrigin.DISTRICT_REMOVED:
            return f"{self.item.id}: city item removed by the district{why}"
        return f"{self.item.id}: city item adjusted by the district: {', '.join(map(str, self.changes))}{why}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "item_id": self.item.id,
            "origin": self.origin.value,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in self.changes],
            "provenance": list(self.provenance),
            "applies": self.applies,
            "explanation": self.explanation,
        }


@attrs.frozen(kw_only=True)
class EffectiveList:
    """The item list in force in one district: the city list with the district's overlays applied.

    ``entries`` lists every city item (kept, adjusted or removed) in city order, then the district's
    additions.
    """

    district: str
    year: int
    entries: tuple[EffectiveItem, ...]

    @property
    def items(self) -> tuple[CheckItem, ...]:
        """The items in force (removed ones left out)."""
        return tuple(
            e.item for e in self.entries if e.applies and e.origin is not ItemOrigin.DISTRICT_REMOVED
        )

    def item_list(self) -> ItemList:
        """The items in force as an :class:`ItemList`."""
        return ItemList(year=self.year, items=self.items, name=f"effective list {self.district} {self.year}")

    def explain(self, item_id: str) -> str:
        """The explanation of one item.

        Raises
        ------
        PlanError
            If the item is neither in the city list nor added by the district.
        """
        for entry in self.entries:
            if entry.item.id == item_id:
                return entry.explanation
        raise PlanError(f"item {item_id!r} is not in the effective list of {self.district} for {self.year}")

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready record per entry."""
        return [entry.to_dict() for entry in self.entries]


def _industry_inside(new: str, old: str) -> bool:
    """True when industry prefix ``new`` lies inside ``old`` in the GB/T 4754 tree (a section letter holds its
    divisions; ``"C13"`` and ``"13"`` are the same prefix)."""
    from randinspect.codes import INDUSTRY
    from randinspect.errors import CodeError

    try:
        new_code, old_code = INDUSTRY.normalise(new), INDUSTRY.normalise(old)
        if new_code.startswith(old_code):
            return True
        return old_code.isalpha() and new_code.isdigit() and INDUSTRY.section_of(new_code[:2]) == old_code
    except CodeError:
        return new.startswith(old)


def _covers(old_values: tuple[str, ...], new_value: str, field: str) -> bool:
    if field == "industries":
        return any(_industry_inside(new_value, old) for old in old_values)
    if field in _PREFIX_FIELDS:
        return any(new_value.startswith(old) for old in old_values)
    return new_value in old_values


def _narrow_scope(item: CheckItem, narrowing: Mapping[str, Any], where: str) -> tuple[Any, list[FieldChange]]:
    """The item's scope narrowed by ``narrowing``, and the field changes; PlanError if it widens."""
    scope = item.scope
    updates: dict[str, Any] = {}
    changes: list[FieldChange] = []
    for field, raw in narrowing.items():
        if field not in _SCOPE_FIELDS:
            raise PlanError(
                f"{where}: scope field {field!r} cannot be adjusted; use one of {', '.join(_SCOPE_FIELDS)}"
            )
        new_values = (raw,) if isinstance(raw, str) else tuple(str(v) for v in raw)
        if not new_values:
            raise PlanError(f"{where}: scope field {field!r} narrowed to nothing; remove the item instead")
        old_values = getattr(scope, field)
        if old_values is not None:
            wider = [v for v in new_values if not _covers(old_values, v, field)]
            if wider:
                raise PlanError(
                    f"{where}: scope {field} {wider} is not inside the city item's {list(old_values)}; "
                    "a district "
                    "may only narrow a city item's scope (add its own item for anything else)"
                )
        updates[field] = new_values
        changes.append(
            FieldChange(
                f"scope.{field}", "any" if old_values is None else ";".join(old_values), ";".join(new_values)
            )
        )
    return attrs.evolve(scope, **updates), changes


def _restrict_regions(item: CheckItem, district: str, where: str, *, strict: bool) -> CheckItem | None:
    """The item with its scope's regions limited to the district; ``None`` when outside (not strict)."""
    regions = item.scope.regions
    if regions is None:
        return attrs.evolve(item, scope=attrs.evolve(item.scope, regions=(district,)))
    inside = tuple(r for r in regions if r.startswith(district))
    if any(district.startswith(r) for r in regions):
        inside = inside or (district,)
    if not inside:
        if strict:
            raise PlanError(
                f"{where}: scope regions {list(regions)} lie outside district {district}; "
                "a district item covers "
                "its own area only"
            )
        return None
    return attrs.evolve(item, scope=attrs.evolve(item.scope, regions=inside))


def effective_list(
    city: ItemList,
    overlays: Iterable[DistrictOverlay],
    district: str,
    *,
    restrict_to_district: bool = True,
) -> EffectiveList:
    """Compute and explain the item list in force in ``district``.

    Overlays of other districts are ignored; the district's overlays apply in the order given. Each city item
    is kept (origin ``city``), adjusted (``district-adjusted``, with each changed field old → new) or removed
    (``district-removed``); the district's own items follow (``district-added``).

    Parameters
    ----------
    city:
        The city list.
    overlays:
        District overlays (any districts).
    district:
        6-digit code of the district.
    restrict_to_district:
        Limit every item's scope regions to the district (the default): the effective list is what is drawn
        in the district's area.

    Raises
    ------
    PlanError
        If an overlay is for another year, names an unknown or already removed item, adds an id that exists,
        widens a scope or an added item's regions lie outside the district. Every problem is listed and
        nothing is applied.
    CeilingError
        (A :class:`PlanError`) if an adjustment raises an item's ratio past its ceiling (``cap``): an overlay
        never raises a national or provincial ceiling; the message names the item, the district and the
        ceiling, and lists the other problems too.
    """
    mine = [o for o in overlays if o.district == district]
    problems: list[str] = []
    ceiling_problems: list[str] = []
    current: dict[str, CheckItem] = {item.id: item for item in city.items}
    changes: dict[str, list[FieldChange]] = {item.id: [] for item in city.items}
    provenance: dict[str, list[str]] = {item.id: [] for item in city.items}
    removed: set[str] = set()
    added: list[str] = []
    for overlay in mine:
        if overlay.year != city.year:
            problems.append(
                f"overlay {overlay.provenance or overlay.district} is for {overlay.year}, list is {city.year}"
            )
            continue
        for n, change in enumerate(overlay.changes, start=1):
            where = f"overlay {overlay.provenance or overlay.district} change {n}"
            note = "; ".join(p for p in (overlay.provenance, change.reason) if p)
            try:
                if isinstance(change, AddItem):
                    item = change.item
                    if item.id in current:
                        raise PlanError(f"{where}: added item id {item.id!r} already exists; choose a new id")
                    if item.year != city.year:
                        raise PlanError(
                            f"{where}: added item {item.id!r} is for {item.year}, list is {city.year}"
                        )
                    restricted = _restrict_regions(item, district, where, strict=True)
                    current[item.id] = item if restricted is None else restricted
                    changes[item.id] = []
                    provenance[item.id] = [note]
                    added.append(item.id)
                    continue
                if change.item_id not in current:
                    raise PlanError(
                        f"{where}: item {change.item_id!r} is not in the city list for {city.year}; "
                        "check the id"
                    )
                if change.item_id in removed:
                    raise PlanError(f"{where}: item {change.item_id!r} was already removed by this district")
                if isinstance(change, RemoveItem):
                    removed.add(change.item_id)
                    provenance[change.item_id].append(note)
                    continue
                item = current[change.item_id]
                updates: dict[str, Any] = {}
                field_changes: list[FieldChange] = []
                if change.ratio is not None and change.ratio != item.ratio:
                    if item.cap is not None and change.ratio > item.cap:
                        ceiling_problems.append(
                            f"{where}: district {district} raises the ratio of item {item.id!r} to "
                            f"{format_ratio(change.ratio)}, past its ceiling {format_ratio(item.cap)} "
                            f"({item.cap_period}ly, 抽查总量不高于国家、省规定比例); an overlay may raise a "
                            f"ratio up to the ceiling, never the ceiling itself"
                        )
                        continue
                    updates["ratio"] = change.ratio
                    field_changes.append(
                        FieldChange("ratio", format_ratio(item.ratio), format_ratio(change.ratio))
                    )
                if change.frequency is not None and change.frequency != item.frequency:
                    updates["frequency"] = change.frequency
                    field_changes.append(FieldChange("frequency", str(item.frequency), str(change.frequency)))
                if change.scope:
                    scope, scope_changes = _narrow_scope(item, change.scope, where)
                    updates["scope"] = scope
                    field_changes.extend(scope_changes)
                try:
                    current[change.item_id] = attrs.evolve(item, **updates)
                except ConfigurationError as exc:
                    raise PlanError(f"{where}: {exc}") from None
                changes[change.item_id].extend(field_changes)
                provenance[change.item_id].append(note)
            except PlanError as exc:
                problems.append(str(exc))
    if ceiling_problems:
        raise CeilingError(
            f"district {district} overlays not applied ({len(ceiling_problems) + len(problems)} problem(s)): "
            + " | ".join([*ceiling_problems, *problems])
        )
    if problems:
        raise PlanError(
            f"district {district} overlays not applied ({len(problems)} problem(s)): " + " | ".join(problems)
        )
    entries: list[EffectiveItem] = []
    for item_id in [*city.ids, *added]:
        item = current[item_id]
        applies = True
        if restrict_to_district and item_id not in added:
            restricted = _restrict_regions(item, district, f"item {item_id}", strict=False)
            applies = restricted is not None
            item = item if restricted is None else restricted
        if item_id in added:
            origin = ItemOrigin.DISTRICT_ADDED
        elif item_id in removed:
            origin = ItemOrigin.DISTRICT_REMOVED
        elif changes[item_id]:
            origin = ItemOrigin.DISTRICT_ADJUSTED
        else:
            origin = ItemOrigin.CITY
        entries.append(
            EffectiveItem(
                item=item,
                origin=origin,
                changes=tuple(changes[item_id]),
                provenance=tuple(p for p in provenance[item_id] if p),
                applies=applies,
            )
        )
    return EffectiveList(district=district, year=city.year, entries=tuple(entries))
