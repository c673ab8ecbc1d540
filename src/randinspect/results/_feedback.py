"""Feedback of results into next year's grades and tiers (结果运用: 信用分级、风险分类动态调整, §四(二)1-4).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from randinspect.directory import GradeRule, RegradeReport, regrade
from randinspect.results._book import ResultBook, _positions
from randinspect.results._vocabulary import Consequence

if TYPE_CHECKING:
    from randinspect.typing import FeedbackRules

__all__ = ["DEFAULT_FEEDBACK", "DefaultFeedback", "FeedbackResult", "apply_feedback"]


def _objects_by_category(book: ResultBook) -> dict[str, tuple[Any, set[str]]]:
    """Category code -> (category, ids of objects with a result in it): one pass over the book."""
    out: dict[str, tuple[Any, set[str]]] = {}
    for r in book.results:
        code = r.category.code
        entry = out.get(code)
        if entry is None:
            entry = out[code] = (r.category, set())
        entry[1].add(r.record.object_id)
    return out


def _with_consequence(groups: dict[str, tuple[Any, set[str]]], consequence: Consequence) -> set[str]:
    ids: set[str] = set()
    for category, members in groups.values():
        if consequence in category.consequences:
            ids |= members
    return ids


def _clean_objects(book: ResultBook) -> set[str]:
    """Objects whose every result of the year is 'no problem found'."""
    groups = _objects_by_category(book)
    clean: set[str] = set()
    other: set[str] = set()
    for category, members in groups.values():
        if category.consequences == {Consequence.CLEAN}:
            clean |= members
        else:
            other |= members
    return clean - other


@attrs.frozen(kw_only=True)
class DefaultFeedback:
    """The default feedback rules (默认结果运用规则).

    - **Violation lowers the grade**: an object with a result whose category has the ``VIOLATION``
      consequence moves ``violation_shift`` credit grades worse (A → B) and its risk class becomes at least
      ``violation_risk``.
    - **Clean results over years raise it**: an object whose every result was "no problem found" this year
      and in each of the last ``clean_years - 1`` years' books moves one grade better (B → A).
    - **Not found at the address** (``ABNORMAL``) tags the object ``abnormal_tag`` (经营异常) and makes its
      grade at least ``abnormal_credit``; ``DORMANT`` (停业、清算) tags it ``dormant_tag``.
    - **Next year's problem tier** (问题对象) takes objects with a ``CASE`` consequence (立案、后续处理) and
      every object referred (移送).

    Rules are applied in that order; each change is journalled with its rule's reason by
    :func:`apply_feedback`. The rules are pure functions of the books: the same inputs give the same changes.
    """

    violation_shift: int = 1
    violation_risk: str | None = "medium"
    clean_years: int = 2
    abnormal_tag: str = "abnormal"
    abnormal_credit: str | None = "C"
    dormant_tag: str = "dormant"

    def grade_rules(
        self, objects: Any, book: ResultBook, *, history: Sequence[ResultBook] = ()
    ) -> tuple[GradeRule, ...]:
        """The re-rating rules for ``objects`` from this year's ``book`` and earlier years' ``history``."""
        groups = _objects_by_category(book)

        def known(ids: Iterable[str]) -> tuple[str, ...]:
            return tuple(sorted(_positions(objects, ids)))

        violators = known(_with_consequence(groups, Consequence.VIOLATION))
        abnormal = known(_with_consequence(groups, Consequence.ABNORMAL))
        clean = _clean_objects(book)
        recent = (
            sorted(history, key=lambda b: b.year)[-(self.clean_years - 1) :] if self.clean_years > 1 else []
        )
        if len(recent) < self.clean_years - 1:
            clean = set()
        for earlier in recent:
            clean &= _clean_objects(earlier)
        raised = known(clean)
        rules: list[GradeRule] = []
        if violators and (self.violation_shift or self.violation_risk):
            rules.append(
                GradeRule(
                    reason=f"{book.year} inspection found a violation (发现违法违规)",
                    ids=violators,
                    credit_shift=self.violation_shift,
                    risk_at_least=self.violation_risk,
                )
            )
        if raised:
            rules.append(
                GradeRule(
                    reason=(
                        f"no problem found in {self.clean_years} consecutive years to {book.year} "
                        "(连续未发现问题)"
                    ),
                    ids=raised,
                    credit_shift=-1,
                )
            )
        if abnormal and self.abnormal_credit is not None:
            rules.append(
                GradeRule(
                    reason=f"{book.year}: not reachable at the registered address or similar (列入经营异常)",
                    ids=abnormal,
                    credit_at_least=self.abnormal_credit,
                )
            )
        return tuple(rules)

    def marks(self, book: ResultBook) -> dict[str, str]:
        """Object id -> tag to add: ``abnormal_tag`` or ``dormant_tag`` (abnormal wins)."""
        groups = _objects_by_category(book)
        abnormal = _with_consequence(groups, Consequence.ABNORMAL)
        dormant = _with_consequence(groups, Consequence.DORMANT) - abnormal
        marks = dict.fromkeys(abnormal, self.abnormal_tag) | dict.fromkeys(dormant, self.dormant_tag)
        return dict(sorted(marks.items()))

    def problem_ids(self, book: ResultBook, referrals: Iterable[Any] = ()) -> tuple[str, ...]:
        """Next year's problem objects: cases from this year's results and referred objects."""
        ids = _with_consequence(_objects_by_category(book), Consequence.CASE)
        ids.update(r.object_id for r in referrals)
        return tuple(sorted(ids))

    def describe(self) -> dict[str, Any]:
        """JSON-ready description, journalled with the changes."""
        return {"rules": "default", **attrs.asdict(self)}


DEFAULT_FEEDBACK = DefaultFeedback()
"""The feedback rules used when none are given. Docs: ``docs/feedback.md``."""


@attrs.frozen(kw_only=True, eq=False)
class FeedbackResult:
    """What feedback did: the re-rated directory, the changes, the marks and next year's problem objects."""

    objects: Any
    report: RegradeReport
    marks: Mapping[str, str]
    problem_ids: tuple[str, ...]


def apply_feedback(
    objects: Any,
    book: ResultBook,
    *,
    rules: FeedbackRules | None = None,
    history: Sequence[ResultBook] = (),
    referrals: Iterable[Any] = (),
    journal: Any = None,
) -> FeedbackResult:
    """Feed a year's results back into the object directory for next year (pure; journalled).

    Parameters
    ----------
    objects:
        The object directory (not changed).
    book:
        This year's results.
    rules:
        A :class:`randinspect.typing.FeedbackRules`; default :data:`DEFAULT_FEEDBACK`.
    history:
        Earlier years' books (for "clean over years").
    referrals:
        This year's referrals (:class:`Referral`); referred objects join next year's problem tier.
    journal:
        When given, one ``grade-change`` entry per rule that changed something (each change with old and
        new value, the rule's reason as the entry's reason), and one for the marks.

    Returns
    -------
    FeedbackResult
        The new directory (with the marks as tags), the regrade report, the marks and the problem ids to
        give next year's :class:`randinspect.draw.TieredPolicy` (``referral_ids``/``filed_case_ids``).
    """
    chosen: FeedbackRules = DEFAULT_FEEDBACK if rules is None else rules
    referrals = tuple(referrals)
    grade_rules = tuple(chosen.grade_rules(objects, book, history=history))
    new_objects, report = regrade(objects, grade_rules)
    wanted = chosen.marks(book)
    at = _positions(new_objects, wanted)
    marks = {k: v for k, v in wanted.items() if k in at}
    by_tag: dict[str, list[str]] = {}
    for oid, tag in marks.items():
        by_tag.setdefault(tag, []).append(oid)
    if by_tag:
        tag_rules = [
            GradeRule(
                reason=f"{book.year} results: marked {tag} (结果运用: 标记)", ids=sorted(ids), add_tags=(tag,)
            )
            for tag, ids in sorted(by_tag.items())
        ]
        new_objects, tag_report = regrade(new_objects, tag_rules)
        report = RegradeReport(
            changes=report.changes + tag_report.changes, rules=report.rules + tag_report.rules
        )
    problem_ids = tuple(chosen.problem_ids(book, referrals))
    if journal is not None:
        from randinspect.draw.journal import EntryKind

        for n, (reason, selected, changed) in enumerate(report.rules):
            if not changed:
                continue
            changes = [
                {"id": c.id, "column": c.column, "old": c.old, "new": c.new}
                for c in report.changes
                if c.reason == reason
            ]
            journal.append(
                EntryKind.GRADE_CHANGE,
                {"year": book.year, "rule": n, "selected": selected, "changes": changes},
                key=("feedback", str(book.year), f"rule-{n}"),
                reason=reason,
            )
        if marks or problem_ids:
            journal.append(
                EntryKind.GRADE_CHANGE,
                {
                    "year": book.year,
                    "marks": dict(sorted(marks.items())),
                    "problem_ids": list(problem_ids),
                    "rules": chosen.describe(),
                },
                key=("feedback", str(book.year), "marks"),
                reason=f"{book.year} results: abnormal/dormant marks and next year's problem objects",
            )
    return FeedbackResult(objects=new_objects, report=report, marks=marks, problem_ids=problem_ids)
