"""Conformance check for ``FeedbackRules`` implementations.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = ["check_feedback_rules"]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def check_feedback_rules(
    rules: Any, objects: Any, book: Any, *, history: Sequence[Any] = (), referrals: Iterable[Any] = ()
) -> None:
    """Check that ``rules`` honours the :class:`randinspect.typing.FeedbackRules` guarantees on these inputs.

    Checks: the methods exist; two calls give equal rules, marks and problem ids (determinism); the inputs are
    not changed; every grade rule has a non-empty reason and names only ids in the directory; marks name
    objects of the directory with non-empty tags; problem ids are a sorted tuple without duplicates;
    ``describe()`` is JSON-ready.

    Raises
    ------
    AssertionError
        Naming the first broken guarantee.
    """
    from randinspect.results import apply_feedback

    for name in ("grade_rules", "marks", "problem_ids", "describe"):
        _require(callable(getattr(rules, name, None)), f"feedback rules lack a callable {name}()")
    referrals = tuple(referrals)
    credit_before = np.asarray(objects.credit).copy()
    n_before = len(book)
    first = tuple(rules.grade_rules(objects, book, history=history))
    second = tuple(rules.grade_rules(objects, book, history=history))
    _require(first == second, "grade_rules() is not deterministic: two calls gave different rules")
    for rule in first:
        _require(bool(str(rule.reason).strip()), "a grade rule has an empty reason (it is journalled)")
        if rule.ids is not None:
            missing = [i for i in rule.ids if i not in objects]
            _require(not missing, f"rule {rule.reason!r} names ids not in the directory: {missing[:3]}")
    marks = rules.marks(book)
    _require(marks == rules.marks(book), "marks() is not deterministic")
    for oid, tag in marks.items():
        _require(isinstance(tag, str) and bool(tag.strip()), f"mark of {oid!r} is not a non-empty tag")
    ids = rules.problem_ids(book, referrals)
    _require(isinstance(ids, tuple), "problem_ids() must return a tuple")
    _require(list(ids) == sorted(set(ids)), "problem_ids() must be sorted and without duplicates")
    _require(ids == rules.problem_ids(book, referrals), "problem_ids() is not deterministic")
    try:
        json.dumps(rules.describe())
    except (TypeError, ValueError) as exc:
        raise AssertionError(f"describe() is not JSON-ready: {exc}") from None
    a = apply_feedback(objects, book, rules=rules, history=history, referrals=referrals)
    b = apply_feedback(objects, book, rules=rules, history=history, referrals=referrals)
    _require(a.report.changes == b.report.changes, "apply_feedback with these rules is not deterministic")
    _require(
        (np.asarray(objects.credit) == credit_before).all() and len(book) == n_before,
        "the rules changed their inputs",
    )
