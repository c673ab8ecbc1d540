"""Desk checks that turn into visits (线上检查转实地检查, §四(八)1), matched under the cycle's own rules.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from randinspect.errors import PlanError

if TYPE_CHECKING:
    from randinspect.ledger import Journal
    from randinspect.planning._run import CycleResult
    from randinspect.typing import RandomSource, WorkCalendar

__all__ = ["OnSiteConversion", "convert_to_on_site"]


@attrs.frozen(kw_only=True, eq=False)
class OnSiteConversion:
    """On-site tasks that desk checks turned into (转为实地检查), and their matching.

    Attributes
    ----------
    tasks:
        The on-site tasks (id ``"<desk task id>|on-site|<item>"``), in the order of the records.
    follows:
        On-site task id → the record id (``"<task>/<item>"``) of the desk check it follows; give it to the
        converted inspection's record as ``follows`` so both traces stay linked.
    matching:
        The matching of the tasks (:class:`randinspect.matching.MatchResult`), or ``None`` when there was
        nothing to convert.
    caps:
        The load caps the matching used (the cycle's caps less the groups the cycle gave each inspector), to
        give :func:`randinspect.matching.verify_match` with the cycle's conflicts and history.
    """

    tasks: tuple[Any, ...]
    follows: Mapping[str, str]
    matching: Any | None
    caps: int | Mapping[str, int] | None = None

    def assignments(self) -> dict[str, tuple[str, ...]]:
        """Task id → inspector ids of its group (for :func:`randinspect.results.enter_results`)."""
        if self.matching is None:
            return {}
        return {g.task_id: tuple(g.inspector_ids) for g in self.matching.groups}


def _loads(groups: Iterable[Any]) -> dict[str, int]:
    load: dict[str, int] = {}
    for g in groups:
        for i in g.inspector_ids:
            load[i] = load.get(i, 0) + 1
    return load


def convert_to_on_site(
    result: CycleResult,
    book: Any,
    inspectors: Any,
    *,
    source: RandomSource,
    calendar: WorkCalendar | None = None,
    batch: str = "1",
    working_days: int = 20,
    journal: Journal | None = None,
) -> OnSiteConversion:
    """Turn desk checks whose findings need a visit into on-site tasks, and match them like any other.

    §四(八)1: online and document checks (网上检查、书面检查) come first; "对确属需要线下实地检查的事项，
    自动转入实地开展针对性检查". Every entered record of an online or document check with a finding marked
    ``needs_on_site`` gets an on-site task (:func:`randinspect.results.conversion_tasks`: the object, the
    item, the record's department, a window of ``working_days`` working days from the day after entry). The
    tasks are matched by :func:`randinspect.matching.match_inspectors` under the rules of the cycle
    (``result.match_options``: matcher, seat rule, declared conflicts and competitors, the inspection history
    and load caps, each inspector's cap reduced by the groups the cycle gave them), so a converted visit obeys
    回避, rotation, jurisdiction and load like a planned one. The desk record stays in the book; the on-site
    record follows it (both traces kept).

    Parameters
    ----------
    result:
        The year's cycle (:func:`run_cycle`).
    book:
        The :class:`randinspect.results.ResultBook` with the desk checks' records.
    inspectors:
        The inspector directory.
    source:
        The RandomSource of the matching (context ``"match|<year>|on-site|<batch>"``).
    calendar:
        WorkCalendar for the windows; default :class:`randinspect.calendar.ChineseOfficialCalendar`.
    batch:
        Name of this batch of conversions (a year converts in several batches; each is its own matching).
    working_days:
        Length of the on-site window in working days.
    journal:
        When given, the matching record is journalled (``match``).

    Returns
    -------
    OnSiteConversion
        The tasks, the desk record each follows, and their matching.

    Raises
    ------
    PlanError
        If the book is of another year than the cycle.
    randinspect.errors.ResultInputError
        If a record to convert belongs to a task that is not among the cycle's tasks.
    """
    from randinspect.matching import match_inspectors
    from randinspect.results import conversion_tasks

    if book.year != result.year:
        raise PlanError(f"the result book is of {book.year}, the cycle of {result.year}; give the same year")
    if calendar is None:
        from randinspect.calendar import ChineseOfficialCalendar

        calendar = ChineseOfficialCalendar()
    tasks = conversion_tasks(
        book, (*result.tasks, *result.desk_tasks), calendar=calendar, working_days=working_days
    )
    follows = {t.id: f"{t.id.split('|on-site|')[0]}/{t.items[0]}" for t in tasks}
    if not tasks:
        return OnSiteConversion(tasks=(), follows={}, matching=None)
    options = dict(result.match_options)
    caps = options.get("caps")
    if caps is not None and result.matching is not None:
        load = _loads(result.matching.groups)
        if isinstance(caps, Mapping):
            caps = {k: max(int(v) - load.get(k, 0), 0) for k, v in caps.items()}
        else:
            people = [str(p.id) for p in getattr(inspectors, "inspectors", inspectors)]
            caps = {i: max(int(caps) - load.get(i, 0), 0) for i in people}
    matching = match_inspectors(
        tasks,
        inspectors,
        source=source,
        matcher=options.get("matcher"),
        rule=options.get("rule"),
        conflicts=options.get("conflicts"),
        history=options.get("history"),
        caps=caps,
        context=f"match|{result.year}|on-site|{batch}",
        allow_partial=True,
    )
    if journal is not None:
        record = matching.record()
        journal.append_match(record, key=record.journal_key)
    return OnSiteConversion(tasks=tasks, follows=follows, matching=matching, caps=caps)
