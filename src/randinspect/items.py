"""Check items (抽查事项), the unit of the item list (抽查事项清单, §四(四)).

A check item says which department checks what, in which objects (its scope), on which legal basis, how
(method), and how much (ratio, frequency, cap). Nothing may be checked without a legal basis: an item without
one is rejected.

Ratios are exact :class:`fractions.Fraction` values; they can be written as ``"5%"``, ``"0.05"`` or
``"1/20"`` in files.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from randinspect._json import loads as strict_json_loads
from randinspect.errors import ConfigurationError, InputError, LoadError, Problem

if TYPE_CHECKING:
    from randinspect.directory import Scope

__all__ = [
    "CheckItem",
    "EntrustedWork",
    "InspectionMethod",
    "ItemCategory",
    "LegalBasis",
    "SupervisionLevel",
    "ThirdParty",
    "format_ratio",
    "load_item",
    "load_items",
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
