"""The closed vocabularies of the domain: subject kinds, ordered scales, departments.

Section marks (§) refer to Guiyang's implementing opinions on credit-based 双随机、一公开 supervision.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from collections.abc import Iterable, Mapping

import attrs

from randinspect.errors import ScaleError

__all__ = [
    "DEFAULT_CREDIT_SCALE",
    "DEFAULT_RISK_SCALE",
    "ComplaintChannel",
    "ComplaintRecord",
    "Department",
    "OrderedScale",
    "SubjectKind",
    "SupervisingUnit",
]


def _norm(text: str) -> str:
    """Normalise a label for lookup: NFKC (full-width to half-width), stripped, case-folded."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


class SubjectKind(enum.Enum):
    """Kind of object in the object directory (检查对象类型, §四(二)).

    The first six are market or other *subjects* (主体) identified by a unified social credit code; the last
    three are *non-subject* objects (products, projects, behaviours) that carry ids of their own scheme.
    """

    ENTERPRISE = "enterprise"
    INDIVIDUAL_BUSINESS = "individual_business"
    PUBLIC_INSTITUTION = "public_institution"
    SOCIAL_ORGANISATION = "social_organisation"
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise"
    OTHER_SUBJECT = "other_subject"
    PRODUCT = "product"
    PROJECT = "project"
    BEHAVIOUR = "behaviour"

    @property
    def zh(self) -> str:
        """The Chinese term."""
        return _KIND_ZH[self]

    @property
    def is_subject(self) -> bool:
        """True for subjects (identified by a USCC), False for products, projects and behaviours."""
        return self not in (SubjectKind.PRODUCT, SubjectKind.PROJECT, SubjectKind.BEHAVIOUR)

    @classmethod
    def parse(cls, text: str | SubjectKind) -> SubjectKind:
        """Read a kind from its English value, its enum name or its Chinese term.

        Raises
        ------
        ScaleError
            If the text names no kind; the message lists the accepted spellings.
        """
        if isinstance(text, SubjectKind):
            return text
        found = _KIND_LOOKUP.get(_norm(str(text)))
        if found is None:
            accepted = ", ".join(f"{k.value} ({k.zh})" for k in cls)
            raise ScaleError(f"unknown subject kind {text!r}; use one of: {accepted}")
        return found


_KIND_ZH: dict[SubjectKind, str] = {
    SubjectKind.ENTERPRISE: "企业",
    SubjectKind.INDIVIDUAL_BUSINESS: "个体工商户",
    SubjectKind.PUBLIC_INSTITUTION: "事业单位",
    SubjectKind.SOCIAL_ORGANISATION: "社会团体",
    SubjectKind.PRIVATE_NON_ENTERPRISE: "民办非企业单位",
    SubjectKind.OTHER_SUBJECT: "其他主体",
    SubjectKind.PRODUCT: "产品",
    SubjectKind.PROJECT: "项目",
    SubjectKind.BEHAVIOUR: "行为",
}

_KIND_ALIASES: dict[SubjectKind, tuple[str, ...]] = {
    SubjectKind.ENTERPRISE: ("企业法人", "公司"),
    SubjectKind.INDIVIDUAL_BUSINESS: ("个体户", "individual", "individual business"),
    SubjectKind.PUBLIC_INSTITUTION: ("public institution",),
    SubjectKind.SOCIAL_ORGANISATION: ("社团", "social organization", "social organisation"),
    SubjectKind.PRIVATE_NON_ENTERPRISE: ("民非", "private non-enterprise unit"),
    SubjectKind.OTHER_SUBJECT: ("其他", "other"),
    SubjectKind.BEHAVIOUR: ("behavior",),
}

_KIND_LOOKUP: dict[str, SubjectKind] = {}
for _kind in SubjectKind:
    for _label in (_kind.value, _kind.name, _kind.zh, *_KIND_ALIASES.get(_kind, ())):
        _KIND_LOOKUP[_norm(_label)] = _kind


def _levels_converter(levels: Iterable[str]) -> tuple[str, ...]:
    return tuple(levels)


def _aliases_converter(aliases: Mapping[str, str] | None) -> Mapping[str, str]:
    return dict(aliases or {})


@attrs.frozen(kw_only=True)
class OrderedScale:
    """A configurable ordered scale of credit grades (信用等级) or risk classes (风险等级).

    Levels are ordered from the *best* (most trusted, lowest risk) to the *worst*. Each level is a short
    canonical code (``"A"``, ``"low"``); ``labels`` gives its Chinese name and ``aliases`` maps other
    spellings found in real data to a level.

    Parameters
    ----------
    name:
        What the scale measures, for messages (``"credit grade"``).
    levels:
        Canonical codes, best first. At least one, no duplicates.
    labels:
        Chinese name of each level (same order); optional.
    aliases:
        Extra spellings, mapped to canonical codes.

    Examples
    --------
    >>> DEFAULT_CREDIT_SCALE.parse("c类")
    'C'
    >>> DEFAULT_RISK_SCALE.rank("high") > DEFAULT_RISK_SCALE.rank("low")
    True
    """

    name: str
    levels: tuple[str, ...] = attrs.field(converter=_levels_converter)
    labels: tuple[str, ...] = attrs.field(default=(), converter=_levels_converter)
    aliases: Mapping[str, str] = attrs.field(factory=dict, converter=_aliases_converter, eq=False, repr=False)
    _lookup: Mapping[str, str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not self.levels:
            raise ScaleError(f"{self.name} scale needs at least one level")
        if len(set(self.levels)) != len(self.levels):
            raise ScaleError(f"{self.name} scale has duplicate levels: {self.levels}")
        if self.labels and len(self.labels) != len(self.levels):
            raise ScaleError(f"{self.name} scale has {len(self.levels)} levels but {len(self.labels)} labels")
        lookup: dict[str, str] = {}
        for i, level in enumerate(self.levels):
            lookup[_norm(level)] = level
            if self.labels:
                lookup[_norm(self.labels[i])] = level
        for alias, level in self.aliases.items():
            if level not in self.levels:
                raise ScaleError(f"{self.name} alias {alias!r} points to unknown level {level!r}")
            lookup[_norm(alias)] = level
        object.__setattr__(self, "_lookup", lookup)

    def __contains__(self, level: object) -> bool:
        return isinstance(level, str) and level in self.levels

    def __len__(self) -> int:
        return len(self.levels)

    def parse(self, text: str) -> str:
        """Return the canonical level for ``text`` (a code, label or alias).

        Raises
        ------
        ScaleError
            If ``text`` is not on the scale; the message lists the levels.
        """
        found = self._lookup.get(_norm(str(text)))
        if found is None:
            raise ScaleError(
                f"unknown {self.name} {text!r}; use one of {', '.join(self.levels)}"
                + (f" ({', '.join(self.labels)})" if self.labels else "")
            )
        return found

    def rank(self, level: str) -> int:
        """Position of ``level`` on the scale, 0 for the best."""
        try:
            return self.levels.index(level)
        except ValueError:
            raise ScaleError(f"unknown {self.name} {level!r}; use one of {', '.join(self.levels)}") from None

    def at_least(self, level: str) -> tuple[str, ...]:
        """Levels as bad as ``level`` or worse."""
        return self.levels[self.rank(level) :]

    @property
    def worst(self) -> str:
        """The last (highest-risk) level."""
        return self.levels[-1]


DEFAULT_CREDIT_SCALE = OrderedScale(
    name="credit grade",
    levels=("A", "B", "C", "D"),
    labels=("A类（信用风险低）", "B类（信用风险一般）", "C类（信用风险较高）", "D类（信用风险高）"),
    aliases={
        "A类": "A",
        "B类": "B",
        "C类": "C",
        "D类": "D",
        "低": "A",
        "一般": "B",
        "较高": "C",
        "高": "D",
    },
)
"""SAMR credit-risk classes A (low) / B (general) / C (higher) / D (high), from the State Administration for
Market Regulation's 2022 opinions on credit-risk classified supervision of business entities."""

DEFAULT_RISK_SCALE = OrderedScale(
    name="risk class",
    levels=("low", "medium", "high"),
    labels=("低风险", "中风险", "高风险"),
    aliases={"低": "low", "中": "medium", "高": "high", "l": "low", "m": "medium", "h": "high"},
)
"""A low / medium / high risk scale (风险分类, §四(二)2); departments may configure their own."""


@attrs.frozen(kw_only=True)
class Department:
    """A supervising department (监管部门) taking part in double-random work.

    Parameters
    ----------
    code:
        Short stable identifier used in data (``"SAMR"``); ASCII letters, digits, ``_`` and ``-``.
    name:
        Chinese name (``"市场监督管理局"``).
    name_en:
        English name.
    """

    code: str
    name: str
    name_en: str = ""

    def __str__(self) -> str:
        return self.code


@attrs.frozen(kw_only=True)
class SupervisingUnit:
    """The lowest-level supervising unit of a department (属地监管单位, 分局/所, §四(二)5).

    Parameters
    ----------
    code:
        Stable identifier used in the object and inspector directories (``"520102-SAMR-01"``).
    name:
        Chinese name (``"南明区市场监管局花果园所"``).
    department:
        Code of the department the unit belongs to.
    region:
        GB/T 2260 code of the county-level division it covers.
    """

    code: str
    name: str
    department: str
    region: str


class ComplaintChannel(enum.Enum):
    """Channel a complaint came through: the 12315 (market regulation) and 12345 (city service) hotlines,
    letters (信件) or a case transferred from another body (转办)."""

    HOTLINE_12315 = "12315"
    HOTLINE_12345 = "12345"
    LETTER = "letter"
    TRANSFERRED = "transferred"

    @classmethod
    def parse(cls, text: str | ComplaintChannel) -> ComplaintChannel:
        """Read a channel from its value, ``12315``/``12345`` or the Chinese terms 信件 and 转办."""
        if isinstance(text, ComplaintChannel):
            return text
        t = str(text).strip().lower()
        aliases = {"信件": "letter", "来信": "letter", "转办": "transferred"}
        return cls(aliases.get(t, t))


@attrs.frozen(kw_only=True)
class ComplaintRecord:
    """One complaint or report (投诉举报) about an object, as received on a hotline.

    Problem-object rules (问题对象, §四(五)2) count these, for example "three or more complaints in the last
    twelve months".

    Parameters
    ----------
    object_id:
        Id of the object complained about.
    channel:
        The hotline.
    received:
        Date the complaint was received.
    category:
        Free-text category (``"食品安全"``).
    substantiated:
        Whether handling found the complaint substantiated; ``None`` while open.
    """

    object_id: str
    channel: ComplaintChannel
    received: dt.date
    category: str = ""
    substantiated: bool | None = None
