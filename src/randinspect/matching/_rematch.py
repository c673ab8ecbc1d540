"""Re-matching after a published plan change, and matching tasks added to a running plan.

When a plan is adjusted (§四(六)2) or a case or special campaign adds tasks mid-year, only the
inspection groups of the affected tasks are drawn again: :func:`rematch` keeps every group whose task is
unchanged, drops the groups of tasks no longer in the plan, and matches the new and changed tasks under the
same rules, with each inspector's cap reduced by the groups they keep. The new version records its reason
and number, and its own :class:`MatchResult` (for the affected tasks) is verifiable like any matching.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from randinspect.errors import MatchInputError, ReasonRequiredError
from randinspect.matching._result import InspectionGroup, MatchResult
from randinspect.matching._tasks import ConflictList, HistoryRecord, InspectionTask, SeatRule

if TYPE_CHECKING:
    from randinspect.typing import InspectorMatcher, RandomSource

__all__ = ["MatchVersion", "rematch"]


def _canon(task: InspectionTask) -> str:
    return json.dumps(task.to_dict(), ensure_ascii=False, sort_keys=True)


@attrs.frozen(kw_only=True, eq=False)
class MatchVersion:
    """One version of a year's matching after a change: the groups kept and the affected tasks re-matched.

    Attributes
    ----------
    version:
        2 for the first change (the original matching is version 1).
    reason:
        Why the groups changed (the published plan change, the case number); required.
    tasks:
        Every task of this version, sorted by id.
    kept:
        Groups of unchanged tasks, taken over as they were.
    dropped:
        Ids of tasks of the previous version no longer in the plan (their groups are released).
    affected:
        Ids of the new or changed tasks that were matched again.
    result:
        The matching of the affected tasks (its own problem, record and verification), or ``None`` when no
        task was affected.
    previous:
        The version before (a :class:`MatchVersion`), or ``None`` when it was the original matching.
    """

    version: int
    reason: str
    tasks: tuple[InspectionTask, ...] = attrs.field(repr=False)
    kept: tuple[InspectionGroup, ...] = attrs.field(repr=False)
    dropped: tuple[str, ...]
    affected: tuple[str, ...]
    result: MatchResult | None = attrs.field(repr=False)
    previous: MatchVersion | None = attrs.field(default=None, repr=False)

    @property
    def groups(self) -> tuple[InspectionGroup, ...]:
        """Every group of this version, kept and re-matched, in task id order."""
        new = self.result.groups if self.result is not None else ()
        return tuple(sorted((*self.kept, *new), key=lambda g: g.task_id))

    @property
    def infeasible(self) -> tuple[Any, ...]:
        """Affected tasks that could not be staffed."""
        return self.result.infeasible if self.result is not None else ()

    def history(self) -> tuple[MatchVersion, ...]:
        """Every version from the first change to this one, oldest first."""
        out: list[MatchVersion] = []
        node: MatchVersion | None = self
        while node is not None:
            out.append(node)
            node = node.previous
        return tuple(reversed(out))

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready summary of the version (groups by task, what was kept, dropped and re-matched)."""
        return {
            "version": self.version,
            "reason": self.reason,
            "kept": [g.task_id for g in self.kept],
            "dropped": list(self.dropped),
            "affected": list(self.affected),
            "groups": [g.to_json_dict() for g in self.groups],
            "infeasible": [t.to_json_dict() for t in self.infeasible],
            "record": None if self.result is None else self.result.record().to_json_dict(),
        }


def _previous_tasks(previous: MatchResult | MatchVersion) -> tuple[InspectionTask, ...]:
    if isinstance(previous, MatchVersion):
        return previous.tasks
    return previous.problem.tasks


def _reduced_caps(
    caps: int | Mapping[str, int] | None, kept: Iterable[InspectionGroup], inspector_ids: Iterable[str]
) -> int | dict[str, int] | None:
    load: dict[str, int] = {}
    for g in kept:
        for i in g.inspector_ids:
            load[i] = load.get(i, 0) + 1
    if caps is None:
        return None
    if isinstance(caps, Mapping):
        return {k: max(int(v) - load.get(k, 0), 0) for k, v in caps.items()}
    return {i: max(int(caps) - load.get(i, 0), 0) for i in inspector_ids}


def rematch(
    previous: MatchResult | MatchVersion,
    tasks: Iterable[InspectionTask],
    inspectors: Any,
    *,
    reason: str,
    source: RandomSource,
    matcher: InspectorMatcher | None = None,
    rule: SeatRule | None = None,
    conflicts: ConflictList | Iterable[tuple[str, str]] | None = None,
    history: Iterable[HistoryRecord] | None = None,
    caps: int | Mapping[str, int] | None = None,
    context: str = "match",
) -> MatchVersion:
    """Re-match only the tasks a change affects; keep every other group as it was (动态调整后重新匹配).

    Parameters
    ----------
    previous:
        The matching in force: the original :class:`MatchResult` or the latest :class:`MatchVersion`.
    tasks:
        Every task of the changed plan (unchanged, changed and new ones; tasks left out are dropped). A task
        is affected when its id is new, any of its fields changed, or it had no group (it was unstaffed).
    inspectors:
        The inspector directory.
    reason:
        Why (the published change or the case); recorded with the version.
    source:
        RandomSource; the affected tasks are matched in context ``"<context>|v<version>"``.
    matcher, rule, conflicts, history:
        As for :func:`match_inspectors`; use the same rules as the original matching.
    caps:
        Load caps for the period; each inspector's cap is reduced by the groups they keep.

    Raises
    ------
    ReasonRequiredError
        If ``reason`` is empty.
    MatchInputError
        If task ids repeat, or as :func:`match_inspectors`.

    Examples
    --------
    >>> import attrs
    >>> from randinspect.draw import PublicSeedSource
    >>> from randinspect.matching import match_inspectors
    >>> from randinspect.testing._matching import tiny_inspectors, tiny_tasks
    >>> tasks, people, source = tiny_tasks(), tiny_inspectors(), PublicSeedSource("2027")
    >>> first = match_inspectors(tasks, people, source=source)
    >>> moved = [attrs.evolve(t, window=("2027-05-01", "2027-05-31")) if t.id == "T4" else t for t in tasks]
    >>> v2 = rematch(first, moved, people, reason="计划调整 2027-04-20 公布", source=source)
    >>> v2.affected, [g.task_id for g in v2.kept]
    (('T4',), ['T1', 'T2', 'T3'])
    """
    from randinspect.matching._matchers import match_inspectors

    if not reason.strip():
        raise ReasonRequiredError("a re-matching needs a reason (the published plan change or the case)")
    new_tasks = sorted(tasks, key=lambda t: t.id)
    ids = [t.id for t in new_tasks]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise MatchInputError(f"task id {dup!r} appears twice; task ids must be unique")
    before = {t.id: _canon(t) for t in _previous_tasks(previous)}
    groups = {g.task_id: g for g in previous.groups}
    affected = [t for t in new_tasks if before.get(t.id) != _canon(t) or t.id not in groups]
    affected_ids = {t.id for t in affected}
    kept = tuple(groups[t.id] for t in new_tasks if t.id not in affected_ids)
    dropped = tuple(sorted(set(before) - set(ids)))
    version = previous.version + 1 if isinstance(previous, MatchVersion) else 2
    result = None
    if affected:
        people = [str(p.id) for p in getattr(inspectors, "inspectors", inspectors)]
        result = match_inspectors(
            affected,
            inspectors,
            source=source,
            matcher=matcher,
            rule=rule,
            conflicts=conflicts,
            history=history,
            caps=_reduced_caps(caps, kept, people),
            context=f"{context}|v{version}",
            allow_partial=True,
        )
    return MatchVersion(
        version=version,
        reason=reason,
        tasks=tuple(new_tasks),
        kept=kept,
        dropped=dropped,
        affected=tuple(sorted(affected_ids)),
        result=result,
        previous=previous if isinstance(previous, MatchVersion) else None,
    )
