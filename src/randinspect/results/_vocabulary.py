"""The findings vocabulary (检查结果类别) and what each category leads to.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from randinspect.errors import ConfigurationError, UnknownCategoryError

__all__ = [
    "DEFAULT_VOCABULARY",
    "NATIONAL_CATEGORIES",
    "Consequence",
    "FindingVocabulary",
    "ResultCategory",
]


class Consequence(enum.Enum):
    """What a result category leads to (结果运用), read by feedback, referral and assessment.

    ``CLEAN`` (未发现问题: counts towards raising a grade), ``VIOLATION`` (违法违规: counts as a problem
    found and lowers the grade), ``CASE`` (后续处理/立案: the object is a problem object next year),
    ``ABNORMAL`` (列入经营异常名录: marks the object abnormal), ``DORMANT`` (停业/清算: marks it dormant),
    ``NO_ACTIVITY`` (未开展相关经营活动: neither clean nor a problem).
    """

    CLEAN = "clean"
    VIOLATION = "violation"
    CASE = "case"
    ABNORMAL = "abnormal"
    DORMANT = "dormant"
    NO_ACTIVITY = "no-activity"


def _consequences(value: Iterable[Consequence | str]) -> frozenset[Consequence]:
    return frozenset(Consequence(v) if not isinstance(v, Consequence) else v for v in value)


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


@attrs.frozen(kw_only=True)
class ResultCategory:
    """One result category of the vocabulary (检查结果类别).

    Parameters
    ----------
    code:
        Stable short code, as written in result files and exports (``"01"``).
    key:
        English key (``"no-problem"``).
    zh:
        The Chinese label as published (``"未发现问题"``).
    consequences:
        What the category leads to.
    severity:
        Order for picking a record's overall category from its findings: the highest wins.
    national:
        True for the categories of the national enterprise credit information publicity system.
    """

    code: str
    key: str
    zh: str
    consequences: frozenset[Consequence] = attrs.field(converter=_consequences)
    severity: int = 0
    national: bool = False

    @property
    def is_problem(self) -> bool:
        """True when the category counts as a problem found (发现问题): a violation or an abnormal mark."""
        return bool(self.consequences & {Consequence.VIOLATION, Consequence.ABNORMAL})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, accepted back by :meth:`FindingVocabulary.from_dict`."""
        return {
            "code": self.code,
            "key": self.key,
            "zh": self.zh,
            "consequences": sorted(c.value for c in self.consequences),
            "severity": self.severity,
            "national": self.national,
        }


_C = Consequence

#: The result categories of the national enterprise credit information publicity system
#: (国家企业信用信息公示系统, 抽查检查结果), as listed in issue 10 and the SAMR spot-check rules.
NATIONAL_CATEGORIES: tuple[ResultCategory, ...] = (
    ResultCategory(
        code="01", key="no-problem", zh="未发现问题", consequences={_C.CLEAN}, severity=0, national=True
    ),
    ResultCategory(
        code="02",
        key="no-activity",
        zh="未发现开展本次抽查涉及的经营活动",
        consequences={_C.NO_ACTIVITY},
        severity=1,
        national=True,
    ),
    ResultCategory(
        code="03",
        key="corrected",
        zh="发现问题已责令改正",
        consequences={_C.VIOLATION},
        severity=3,
        national=True,
    ),
    ResultCategory(
        code="04",
        key="follow-up",
        zh="发现问题待后续处理",
        consequences={_C.VIOLATION, _C.CASE},
        severity=5,
        national=True,
    ),
    ResultCategory(
        code="05",
        key="unreachable",
        zh="通过登记的住所或者经营场所无法联系",
        consequences={_C.ABNORMAL},
        severity=4,
        national=True,
    ),
    ResultCategory(
        code="06",
        key="non-cooperation",
        zh="不配合检查情节严重",
        consequences={_C.VIOLATION, _C.ABNORMAL},
        severity=6,
        national=True,
    ),
    ResultCategory(
        code="07",
        key="closed",
        zh="已关闭停业或正在组织清算",
        consequences={_C.DORMANT},
        severity=2,
        national=True,
    ),
    ResultCategory(
        code="08",
        key="not-disclosed",
        zh="未按规定公示应当公示的信息",
        consequences={_C.VIOLATION, _C.ABNORMAL},
        severity=4,
        national=True,
    ),
    ResultCategory(
        code="09",
        key="false-disclosure",
        zh="公示信息隐瞒真实情况、弄虚作假",
        consequences={_C.VIOLATION, _C.ABNORMAL},
        severity=6,
        national=True,
    ),
)


def _categories(value: Iterable[ResultCategory]) -> tuple[ResultCategory, ...]:
    return tuple(value)


@attrs.frozen
class FindingVocabulary:
    """A configurable vocabulary of result categories (检查结果类别表).

    The default, :data:`DEFAULT_VOCABULARY`, holds :data:`NATIONAL_CATEGORIES`; a city may add its own
    categories (:meth:`with_categories`) as long as codes, keys and labels stay unique.

    Raises
    ------
    ConfigurationError
        If two categories share a code, key or label, or the vocabulary is empty.

    Examples
    --------
    >>> DEFAULT_VOCABULARY.parse("发现问题已责令改正").code
    '03'
    >>> DEFAULT_VOCABULARY.parse("no-problem").is_problem
    False
    """

    categories: tuple[ResultCategory, ...] = attrs.field(converter=_categories)
    _lookup: Mapping[str, ResultCategory] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if not self.categories:
            raise ConfigurationError("a findings vocabulary needs at least one category")
        lookup: dict[str, ResultCategory] = {}
        for category in self.categories:
            if not isinstance(category, ResultCategory):
                raise ConfigurationError(f"{category!r} is not a ResultCategory")
            for label in {category.code, category.key, category.zh}:
                k = _key(label)
                if k in lookup and lookup[k] is not category:
                    raise ConfigurationError(
                        f"category label {label!r} is used by {lookup[k].code} and {category.code}; "
                        "keep codes, keys and labels unique"
                    )
                lookup[k] = category
        object.__setattr__(self, "_lookup", lookup)

    def __iter__(self) -> Iterator[ResultCategory]:
        return iter(self.categories)

    def __len__(self) -> int:
        return len(self.categories)

    def __contains__(self, label: object) -> bool:
        return isinstance(label, str) and _key(label) in self._lookup

    def parse(self, label: str | ResultCategory, *, record_id: str = "") -> ResultCategory:
        """The category named by its code, key or Chinese label.

        Raises
        ------
        UnknownCategoryError
            If no category has that name (the message lists the vocabulary).
        """
        if isinstance(label, ResultCategory):
            label = label.code
        found = self._lookup.get(_key(label))
        if found is None:
            known = "; ".join(f"{c.code} {c.zh}" for c in self.categories)
            where = f"record {record_id}: " if record_id else ""
            raise UnknownCategoryError(
                f"{where}result category {label!r} is not in the findings vocabulary; use one of: {known}",
                record_id=record_id,
            )
        return found

    def worst(self, categories: Iterable[ResultCategory]) -> ResultCategory:
        """The most severe of ``categories`` (the first listed wins a tie)."""
        best: ResultCategory | None = None
        for c in categories:
            if best is None or c.severity > best.severity:
                best = c
        if best is None:
            raise ConfigurationError("worst() of no category")
        return best

    def with_categories(self, categories: Iterable[ResultCategory]) -> FindingVocabulary:
        """A new vocabulary with ``categories`` added after the existing ones."""
        return FindingVocabulary((*self.categories, *categories))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"categories": [c.to_dict() for c in self.categories]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FindingVocabulary:
        """Read the form written by :meth:`to_dict`.

        Raises
        ------
        ConfigurationError
            If a category is malformed (the message names it).
        """
        out = []
        for i, raw in enumerate(data.get("categories", ())):
            try:
                out.append(
                    ResultCategory(
                        code=str(raw["code"]),
                        key=str(raw["key"]),
                        zh=str(raw["zh"]),
                        consequences=raw.get("consequences", ()),
                        severity=int(raw.get("severity", 0)),
                        national=bool(raw.get("national", False)),
                    )
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise ConfigurationError(f"vocabulary category {i + 1} is malformed: {exc!r}") from None
        return cls(out)


DEFAULT_VOCABULARY = FindingVocabulary(NATIONAL_CATEGORIES)
"""The vocabulary used when none is given: the national categories. Docs: ``docs/results.md``."""
