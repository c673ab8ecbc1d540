"""The built-in inspector matchers, replacement and verification.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.errors import (
    InfeasibleTasksError,
    MatchChangedError,
    MatchInputError,
    MatchInputsChangedError,
    ReasonRequiredError,
    SeedChangedError,
    UnsupportedVersionError,
)
from randinspect.items import InspectionMethod
from randinspect.matching import _flow
from randinspect.matching._problem import CONFLICT_RULES, STAGES, MatchingProblem
from randinspect.matching._result import (
    InfeasibleTask,
    MatchRecord,
    MatchResult,
    ReplacementRecord,
    groups_from_chosen,
)
from randinspect.matching._tasks import (
    ConflictList,
    HistoryRecord,
    InspectionTask,
    SeatKind,
    SeatRule,
)

if TYPE_CHECKING:
    from randinspect.typing import InspectorMatcher, RandomSource

__all__ = [
    "ExactMarginalMatcher",
    "UniformMatcher",
    "diagnose",
    "match_inspectors",
    "replace",
    "verify_match",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


# ------------------------------------------------------------------------------------------- infeasibility


def _stage_message(problem: MatchingProblem, g_idx: int, stage: int, counts: list[int]) -> str:
    g = problem.groups[g_idx]
    task = problem.tasks[int(problem.group_task[g_idx])]
    if g.kind is SeatKind.OFFICER:
        who = f"officer of department {g.department!r} (roles {', '.join(problem.rule.officer_roles)})"
        if g.specialty:
            who = f"{who} with specialty {g.specialty!r}"
    else:
        who = f"expert with specialty {g.key!r}"
    need = g.size
    name = STAGES[stage]
    prev = counts[stage - 1] if stage else 0
    have = counts[stage]
    if name == "role":
        return (
            f"no {who} in the inspector directory ({have} found, {need} needed); add them or check the "
            "department/specialty code"
        )
    if name == "jurisdiction":
        return (
            f"no {who} whose jurisdiction covers region {task.region!r} / unit {task.unit!r}: {prev} of the "
            f"department's candidates, {have} in the jurisdiction, {need} needed"
        )
    if name == "service_field":
        return (
            f"only {have} of {prev} candidates ({who}) serve the task's service fields "
            f"{', '.join(task.service_fields)} (服务领域); {need} needed"
        )
    if name == "certificate":
        return (
            f"no certified {who} in unit {task.unit!r}: of {prev} candidates {have} hold an enforcement "
            f"certificate valid from {task.start} to {task.end}, {need} needed"
        )
    if name == "availability":
        return (
            f"only {have} of {prev} remaining candidates ({who}) are available and in the directory for the "
            f"whole window {task.start}..{task.end}; {need} needed"
        )
    if name == "conflict":
        return (
            f"candidates conflicted (回避: {_rules_named(problem, g_idx)}) with object {task.object_id!r}: "
            f"{have} of {prev} remain, {need} needed"
        )
    return (
        f"the remaining candidates inspected object {task.object_id!r} last time: {have} of {prev} remain, "
        f"{need} needed"
    )


def _rules_named(problem: MatchingProblem, g_idx: int) -> str:
    """The 回避 rules that removed candidates of a seat group, with counts (``former_employer 2, ...``)."""
    counts = problem.rule_counts[g_idx].tolist() if len(problem.rule_counts) else []
    named = [
        f"{r.replace('_', ' ')} {n}" for r, n in zip(CONFLICT_RULES[:-1], counts[:-1], strict=False) if n
    ]
    return ", ".join(named) or "declared list"


def _stage_infeasible(problem: MatchingProblem) -> list[InfeasibleTask]:
    """One report per task that has a seat group with fewer final candidates than seats."""
    sizes = problem.group_size
    short = problem.stage_counts < sizes[:, None]
    bad = np.flatnonzero(short[:, -1]) if len(problem.groups) else np.zeros(0, dtype=np.int64)
    seen: set[int] = set()
    out: list[InfeasibleTask] = []
    for g_idx in bad.tolist():
        t_idx = int(problem.group_task[g_idx])
        if t_idx in seen:
            continue
        seen.add(t_idx)
        stage = int(np.argmax(short[g_idx]))
        counts = problem.stage_counts[g_idx].tolist()
        task = problem.tasks[t_idx]
        out.append(
            InfeasibleTask(
                task_id=task.id,
                object_id=task.object_id,
                seat=problem.groups[g_idx].id,
                constraint=STAGES[stage],
                needed=int(sizes[g_idx]),
                available=int(counts[stage]),
                message=_stage_message(problem, g_idx, stage, counts),
            )
        )
    return out


@attrs.frozen
class _Prepared:
    """Marginals of a feasible (sub)problem, per eligible pair."""

    problem: MatchingProblem
    num: IntArray
    den: IntArray
    mid: IntArray
    comp: IntArray


def _load_reports(
    problem: MatchingProblem, edges: IntArray, mid: IntArray
) -> tuple[list[InfeasibleTask], list[str]]:
    """Explain an infeasible component by a max-flow Hall violator; return reports and tasks to drop."""
    groups, insp, need, places = _flow.hall_violator(
        edges, problem.edge_group, problem.edge_inspector, mid, problem.group_size, problem.caps
    )
    if not groups:  # pragma: no cover - an infeasible component always has a deficient set
        groups = np.unique(problem.edge_group[edges]).tolist()
    tasks = sorted({int(problem.group_task[g]) for g in groups})
    reports = []
    for t_idx in tasks:
        task = problem.tasks[t_idx]
        g_first = next(g for g in groups if int(problem.group_task[g]) == t_idx)
        reports.append(
            InfeasibleTask(
                task_id=task.id,
                object_id=task.object_id,
                seat=problem.groups[g_first].id,
                constraint="load",
                needed=need,
                available=places,
                message=(
                    f"loads exhausted: {len(groups)} seat groups of {len(tasks)} tasks need {need} seats, "
                    f"but their {len(insp)} eligible inspectors have only {places} places under their caps "
                    "(a Hall violator found by max-flow); raise the caps or add inspectors"
                ),
            )
        )
    # drop the task with the largest demand in the violator set, ties by id (largest last)
    demand: dict[int, int] = {}
    for g in groups:
        t = int(problem.group_task[g])
        demand[t] = demand.get(t, 0) + int(problem.group_size[g])
    # drop tasks of the violator set, largest demand first (ties: larger id first), until the removed
    # demand covers the deficit; the caller re-checks, so a too small drop only costs another round
    deficit = max(need - places, 1)
    drops: list[str] = []
    for t in sorted(demand, key=lambda t: (demand[t], problem.tasks[t].id), reverse=True):
        if deficit <= 0:
            break
        drops.append(problem.tasks[t].id)
        deficit -= demand[t]
    return reports, drops


def _prepare(problem: MatchingProblem, allow_partial: bool) -> tuple[_Prepared, list[InfeasibleTask]]:
    """Remove unstaffable tasks (or raise), compute capped marginals on the rest."""
    infeasible = _stage_infeasible(problem)
    work = problem.without_tasks(t.task_id for t in infeasible)
    load_reports: list[InfeasibleTask] = []
    while True:
        labels = work.components()
        comp, _ = _flow.component_index(labels) if labels.size else (labels, labels)
        n_comp = int(comp.max()) + 1 if comp.size else 0
        edge_comp = comp[work.edge_group]
        num, comp_den = _flow.target_numerators(work.edge_group, work.group_size, comp, n_comp)
        mid = _flow.middle_nodes(
            work.edge_group, work.edge_inspector, work.group_task, len(work.inspector_ids)
        )
        bad = _flow.violations(
            num, work.edge_group, work.edge_inspector, mid, edge_comp, comp_den, work.caps, n_comp
        )
        drops: list[str] = []
        reports: list[InfeasibleTask] = []
        if bad.any():
            order = np.argsort(edge_comp, kind="stable")
            bounds = np.searchsorted(edge_comp[order], np.arange(n_comp + 1))
            for c in np.flatnonzero(bad).tolist():
                edges = order[bounds[c] : bounds[c + 1]]
                den_c = int(comp_den[c])
                if np.all(mid[edges] < 0):
                    new = _flow.rebalance_classes(
                        edges, num, den_c, work.edge_group, work.edge_inspector, work.group_size, work.caps
                    )
                else:
                    new = _flow.rebalance_component(
                        edges,
                        num,
                        den_c,
                        work.edge_group,
                        work.edge_inspector,
                        mid,
                        work.group_size,
                        work.caps,
                    )
                if new is not None:
                    num[edges] = new
                    continue
                rep, drop = _load_reports(work, edges, mid)
                reports.extend(rep)
                drops.extend(drop)
        if not drops:
            break
        if not allow_partial:
            load_reports.extend(reports)
            break
        load_reports.extend(r for r in reports if r.task_id in drops)
        work = work.without_tasks(drops)
    by_task: dict[str, InfeasibleTask] = {}
    for r in infeasible + load_reports:
        by_task.setdefault(r.task_id, r)
    all_reports = [by_task[k] for k in sorted(by_task)]
    if all_reports and not allow_partial:
        first = all_reports[0]
        raise InfeasibleTasksError(
            f"{len(all_reports)} task(s) cannot be staffed; first: task {first.task_id!r} "
            f"seat {first.seat!r}: "
            f"{first.message}. Pass allow_partial=True to match the others",
            infeasible=all_reports,
        )
    den = comp_den[edge_comp] if edge_comp.size else np.zeros(0, dtype=np.int64)
    return _Prepared(problem=work, num=num, den=den, mid=mid, comp=edge_comp), all_reports


def diagnose(problem: MatchingProblem) -> tuple[InfeasibleTask, ...]:
    """Every task that cannot be staffed, with its binding constraint (empty: the problem is feasible).

    Eligibility stages are checked per seat group; load caps per connected component by a min-cost flow,
    explained by a max-flow minimum cut (Hall violator) when they fail.
    """
    try:
        _prepare(problem, allow_partial=False)
    except InfeasibleTasksError as exc:
        return tuple(r for r in exc.infeasible if isinstance(r, InfeasibleTask))
    return ()


def _map_chosen(problem: MatchingProblem, work: MatchingProblem, chosen_work: BoolArray) -> BoolArray:
    """Map a choice over ``work``'s edges (a sub-problem) to ``problem``'s edges."""
    if work is problem:
        return chosen_work
    gid = {g.id: j for j, g in enumerate(problem.groups)}
    g_map = np.asarray([gid[g.id] for g in work.groups], dtype=np.int64)
    n_i = len(problem.inspector_ids)
    key_full = problem.edge_group * n_i + problem.edge_inspector
    key_work = g_map[work.edge_group[chosen_work]] * n_i + work.edge_inspector[chosen_work]
    return np.isin(key_full, key_work)


def _map_values(problem: MatchingProblem, work: MatchingProblem, values: IntArray, fill: int) -> IntArray:
    if work is problem:
        return values
    gid = {g.id: j for j, g in enumerate(problem.groups)}
    g_map = np.asarray([gid[g.id] for g in work.groups], dtype=np.int64)
    n_i = len(problem.inspector_ids)
    key_full = problem.edge_group * n_i + problem.edge_inspector
    key_work = g_map[work.edge_group] * n_i + work.edge_inspector
    pos = np.searchsorted(key_work, key_full)
    pos_safe = np.clip(pos, 0, max(key_work.size - 1, 0))
    hit = (pos < key_work.size) & (key_work[pos_safe] == key_full) if key_work.size else pos < 0
    out = np.full(key_full.size, fill, dtype=np.int64)
    out[hit] = values[pos_safe[hit]]
    return out


# ----------------------------------------------------------------------------------------------- matchers


@attrs.frozen
class ExactMarginalMatcher:
    """The default matcher: equal chances among eligible inspectors, exact marginals, balanced loads.

    1. Targets: each eligible inspector of a seat group with ``k`` seats and ``|E|`` candidates gets
       probability ``k / |E|`` (equal chance among the eligible).
    2. Caps: where a target load exceeds an inspector's cap (or would put one inspector twice in a task),
       a min-cost flow on the component's network, scaled to integers, moves as little probability as
       possible so every expected load fits (networkx network simplex; exact integer arithmetic). It runs
       on classes of seat groups with identical candidates; each group of a class gets an equal share of
       each inspector's class total, up to one unit of the denominator.
    3. Dependent rounding on the bipartite graph picks the groups: each (seat group, inspector) pair is
       chosen with exactly its marginal, each group gets exactly its seats and each inspector's load is the
       floor or ceiling of its expected load.

    Marginals are integers over a per-component denominator (see ``randinspect.matching._flow``) and are
    returned in the result (:meth:`MatchResult.marginal`). All randomness comes from
    ``source.uniforms(context + "|pass=<r>" / "|finish", n)``.

    References
    ----------
    R. Gandhi, S. Khuller, S. Parthasarathy, A. Srinivasan, "Dependent rounding and its applications to
    approximation algorithms", J. ACM 53(3):324-360, 2006.
    E. Budish, Y.-K. Che, F. Kojima, P. Milgrom, "Designing random allocation mechanisms: theory and
    applications", American Economic Review 103(2):585-623, 2013.
    S. Jecmen, H. Zhang, R. Liu, N. B. Shah, V. Conitzer, F. Fang, "Mitigating manipulation in peer review via
    randomized reviewer assignments", NeurIPS 2020.
    """

    name: str = attrs.field(default="exact-marginal", init=False)

    def describe(self) -> dict[str, Any]:
        """JSON-ready description for records."""
        return {"kind": self.name, "version": 1}

    def match(
        self,
        problem: MatchingProblem,
        source: RandomSource,
        *,
        context: str = "match",
        allow_partial: bool = False,
    ) -> MatchResult:
        """Match every task of ``problem``.

        Parameters
        ----------
        problem:
            The tasks, inspectors, caps and eligibility (:meth:`MatchingProblem.build`).
        source:
            Where randomness comes from; a ``PublicSeedSource`` makes the matching verifiable.
        context:
            Names this matching in the random source (e.g. ``"match|<plan id>"``).
        allow_partial:
            Return a result without the tasks that cannot be staffed instead of raising.

        Raises
        ------
        InfeasibleTasksError
            Some tasks cannot be staffed and ``allow_partial`` is False; ``infeasible`` lists them.
        """
        prepared, infeasible = _prepare(problem, allow_partial)
        work = prepared.problem
        chosen_work = _flow.dependent_rounding(
            prepared.num,
            prepared.den,
            work.edge_group,
            work.edge_inspector,
            prepared.mid,
            prepared.comp,
            len(work.groups),
            len(work.inspector_ids),
            source.uniforms,
            context,
        )
        chosen = _map_chosen(problem, work, chosen_work)
        chosen.flags.writeable = False
        num = _map_values(problem, work, prepared.num, 0)
        den = _map_values(problem, work, prepared.den, 1)
        num.flags.writeable = False
        den.flags.writeable = False
        return MatchResult(
            problem=problem,
            groups=groups_from_chosen(problem, chosen),
            infeasible=tuple(infeasible),
            chosen=chosen,
            matcher=self.describe(),
            source=source.describe(),
            context=context,
            marginal_numerators=num,
            marginal_denominators=den,
        )


@attrs.frozen
class UniformMatcher:
    """A simple baseline: tasks in random order, each seat filled uniformly among those still eligible.

    An inspector is still eligible while below its cap and not already in the task. Marginals are not
    controlled and it can fail where :class:`ExactMarginalMatcher` succeeds (early tasks may use up the
    only inspectors a later task could have); such tasks are reported as infeasible with constraint
    ``"load"``. Choices use ``floor(u * n)`` of the uniform stream ``source.uniforms(context + "|uniform",
    ...)``; the task order sorts ``source.uniforms(context + "|order", n_tasks)``.
    """

    name: str = attrs.field(default="uniform", init=False)

    def describe(self) -> dict[str, Any]:
        """JSON-ready description for records."""
        return {"kind": self.name, "version": 1}

    def match(
        self,
        problem: MatchingProblem,
        source: RandomSource,
        *,
        context: str = "match",
        allow_partial: bool = False,
    ) -> MatchResult:
        """Match every task of ``problem`` (parameters and errors as :meth:`ExactMarginalMatcher.match`)."""
        infeasible = _stage_infeasible(problem)
        bad_tasks = {r.task_id for r in infeasible}
        n_t = len(problem.tasks)
        order = np.argsort(source.uniforms(f"{context}|order", n_t), kind="stable")
        off = problem.group_offsets()
        groups_of: list[list[int]] = [[] for _ in range(n_t)]
        for g_idx, t_idx in enumerate(problem.group_task.tolist()):
            groups_of[t_idx].append(g_idx)
        u = source.uniforms(f"{context}|uniform", int(problem.group_size.sum()))
        k = 0
        load = np.zeros(len(problem.inspector_ids), dtype=np.int64)
        caps = problem.caps
        chosen_edges: list[int] = []
        for t_idx in order.tolist():
            task = problem.tasks[t_idx]
            if task.id in bad_tasks:
                continue
            picked: list[int] = []
            in_task: set[int] = set()
            failed: InfeasibleTask | None = None
            for g_idx in groups_of[t_idx]:
                lo, hi = int(off[g_idx]), int(off[g_idx + 1])
                cand = problem.edge_inspector[lo:hi]
                open_ = (load[cand] < caps[cand]) & ~np.isin(cand, list(in_task))
                pool = (np.flatnonzero(open_) + lo).tolist()
                size = int(problem.group_size[g_idx])
                if len(pool) < size:
                    failed = InfeasibleTask(
                        task_id=task.id,
                        object_id=task.object_id,
                        seat=problem.groups[g_idx].id,
                        constraint="load",
                        needed=size,
                        available=len(pool),
                        message=(
                            f"loads exhausted: of {hi - lo} eligible inspectors only {len(pool)} are below "
                            f"their caps when this task's turn came in the random order (uniform matcher); "
                            "the exact-marginal matcher may succeed"
                        ),
                    )
                    break
                for _ in range(size):
                    j = min(int(float(u[k]) * len(pool)), len(pool) - 1)
                    k += 1
                    e = pool.pop(j)
                    picked.append(e)
                    in_task.add(int(problem.edge_inspector[e]))
                    load[problem.edge_inspector[e]] += 1
            if failed is not None:
                for e in picked:
                    load[problem.edge_inspector[e]] -= 1
                infeasible.append(failed)
                continue
            chosen_edges.extend(picked)
        infeasible.sort(key=lambda r: r.task_id)
        if infeasible and not allow_partial:
            first = infeasible[0]
            raise InfeasibleTasksError(
                f"{len(infeasible)} task(s) cannot be staffed; first: task {first.task_id!r} seat "
                f"{first.seat!r}: {first.message}. Pass allow_partial=True to match the others",
                infeasible=infeasible,
            )
        chosen = np.zeros(problem.n_edges, dtype=bool)
        chosen[np.asarray(chosen_edges, dtype=np.int64)] = True
        chosen.flags.writeable = False
        return MatchResult(
            problem=problem,
            groups=groups_from_chosen(problem, chosen),
            infeasible=tuple(infeasible),
            chosen=chosen,
            matcher=self.describe(),
            source=source.describe(),
            context=context,
        )


_BUILTINS: dict[str, type[ExactMarginalMatcher] | type[UniformMatcher]] = {
    "exact-marginal": ExactMarginalMatcher,
    "uniform": UniformMatcher,
}


_CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def match_inspectors(
    tasks: Iterable[InspectionTask],
    inspectors: Any,
    *,
    source: RandomSource,
    matcher: InspectorMatcher | None = None,
    rule: SeatRule | None = None,
    conflicts: ConflictList | Iterable[tuple[str, str]] | None = None,
    history: Iterable[HistoryRecord] | None = None,
    caps: int | Mapping[str, int] | None = None,
    known_objects: Iterable[str] | None = None,
    context: str = "match",
    allow_partial: bool = False,
) -> MatchResult:
    """Build the problem and match it: the one-call entry point (人员随机匹配).

    Parameters are those of :meth:`MatchingProblem.build` and of the matcher's ``match``; ``matcher``
    ``None`` means :class:`ExactMarginalMatcher`.

    Raises
    ------
    MatchInputError
        Also when ``context`` is empty or holds a control character, or a task is a desk task (online,
        document or credit-commitment check, §四(八)): those get no inspection group.

    Examples
    --------
    >>> from randinspect.draw import PublicSeedSource
    >>> from randinspect.testing._matching import tiny_inspectors, tiny_tasks
    >>> result = match_inspectors(tiny_tasks(), tiny_inspectors(), source=PublicSeedSource("2027"))
    >>> all(len(g.inspector_ids) >= 2 for g in result.groups)
    True
    """
    if not isinstance(context, str) or not context.strip() or _CONTROL_CHARS.search(context):
        raise MatchInputError(
            f"the matching context {context!r} is empty or holds a control character; give a printable name "
            "(the context names the matching in its record and the journal)"
        )
    tasks = tuple(tasks)
    desk = next((t for t in tasks if t.method is not InspectionMethod.ON_SITE), None)
    if desk is not None:
        raise MatchInputError(
            f"task {desk.id!r} is a desk task ({desk.method.zh}, §四(八)): it needs no on-site inspection "
            "group; match only on-site tasks (CycleResult.tasks) and enter desk results with no group"
        )
    problem = MatchingProblem.build(
        tasks,
        inspectors,
        rule=rule,
        conflicts=conflicts,
        history=history,
        caps=caps,
        known_objects=known_objects,
    )
    chosen_matcher: InspectorMatcher = ExactMarginalMatcher() if matcher is None else matcher
    return chosen_matcher.match(problem, source, context=context, allow_partial=allow_partial)


# ------------------------------------------------------------------------------------------- replacement


def replace(
    result: MatchResult,
    task_id: str,
    inspector_id: str,
    *,
    reason: str,
    approver: str,
    source: RandomSource,
) -> tuple[MatchResult, ReplacementRecord]:
    """Replace an inspector who cannot attend by a substitute drawn under the same constraints (§四(七)4).

    The substitute is drawn exactly uniformly (``source.integer_below``) among the inspectors eligible for
    the same seat group who are not already in the task, were not replaced out of it before and are below
    their caps given the current loads. The rest of the matching is unchanged.

    Parameters
    ----------
    result:
        The current matching (it is not modified).
    task_id, inspector_id:
        The task and the member who cannot attend.
    reason, approver:
        Why, and who approved it (本部门分管领导); both required.
    source:
        Random source; context ``"<result context>|replace|<task>|<inspector>|<n>"`` where ``n`` counts
        earlier replacements.

    Returns
    -------
    (MatchResult, ReplacementRecord)
        The new result (with the record appended to ``replacements``) and the record to journal.

    Raises
    ------
    ReasonRequiredError
        Reason or approver empty.
    MatchInputError
        Unknown task, or the inspector is not in the task's group.
    InfeasibleTasksError
        No substitute is left; ``infeasible`` holds the report.
    """
    if not str(reason).strip() or not str(approver).strip():
        raise ReasonRequiredError(
            f"replacing {inspector_id!r} in task {task_id!r} needs a reason and an approver (§四(七)4)"
        )
    problem = result.problem
    group = result.group(task_id)
    seat = next((s for s in group.seats if inspector_id in s.inspector_ids), None)
    if seat is None:
        raise MatchInputError(
            f"inspector {inspector_id!r} is not in the group of task {task_id!r}; members: "
            f"{', '.join(group.inspector_ids)}"
        )
    g_idx = next(j for j, g in enumerate(problem.groups) if g.id == seat.group_id)
    off = problem.group_offsets()
    lo, hi = int(off[g_idx]), int(off[g_idx + 1])
    loads = np.bincount(problem.edge_inspector[result.chosen], minlength=len(problem.inspector_ids))
    excluded = set(group.inspector_ids) | {r.removed for r in result.replacements if r.task_id == task_id}
    pool = [
        e
        for e in range(lo, hi)
        if problem.inspector_ids[int(problem.edge_inspector[e])] not in excluded
        and loads[problem.edge_inspector[e]] < problem.caps[problem.edge_inspector[e]]
    ]
    if not pool:
        report = InfeasibleTask(
            task_id=task_id,
            object_id=group.object_id,
            seat=seat.group_id,
            constraint="replacement",
            needed=1,
            available=0,
            message=(
                f"no substitute for {inspector_id!r}: every other eligible inspector of seat "
                f"{seat.group_id!r} "
                "is already in the group, was replaced out of it, or is at the load cap"
            ),
        )
        raise InfeasibleTasksError(report.message, infeasible=[report])
    ctx = f"{result.context}|replace|{task_id}|{inspector_id}|{len(result.replacements)}"
    pick = pool[source.integer_below(ctx, len(pool))]
    substitute = problem.inspector_ids[int(problem.edge_inspector[pick])]
    removed_edge = next(
        e for e in range(lo, hi) if problem.inspector_ids[int(problem.edge_inspector[e])] == inspector_id
    )
    chosen = result.chosen.copy()
    chosen[removed_edge] = False
    chosen[pick] = True
    chosen.flags.writeable = False
    pool_ids = sorted(problem.inspector_ids[int(problem.edge_inspector[e])] for e in pool)
    record = ReplacementRecord(
        task_id=task_id,
        seat=seat.group_id,
        removed=inspector_id,
        substitute=substitute,
        reason=str(reason).strip(),
        approver=str(approver).strip(),
        candidates=len(pool),
        candidates_digest=hashlib.sha256("\n".join(pool_ids).encode("utf-8")).hexdigest(),
        context=ctx,
        source=source.describe(),
        match_digest=result.record().digest,
    )
    new_seat = attrs.evolve(
        seat,
        inspector_ids=tuple(sorted([*(i for i in seat.inspector_ids if i != inspector_id), substitute])),
    )
    new_group = attrs.evolve(
        group, seats=tuple(new_seat if s.group_id == seat.group_id else s for s in group.seats)
    )
    new_result = attrs.evolve(
        result,
        groups=tuple(new_group if g.task_id == task_id else g for g in result.groups),
        chosen=chosen,
        replacements=(*result.replacements, record),
    )
    return new_result, record


# ------------------------------------------------------------------------------------------- verification


def _first_difference(recorded: Iterable[Any], rerun: Iterable[Any]) -> str | None:
    recorded, rerun = list(recorded), list(rerun)
    for where, groups in (("record", recorded), ("re-run", rerun)):
        seen: set[str] = set()
        for g in groups:
            if g.task_id in seen:
                return f"task {g.task_id!r} has two groups in the {where}; a task has one group"
            seen.add(g.task_id)
    rec = {g.task_id: g for g in recorded}
    new = {g.task_id: g for g in rerun}
    for tid in sorted(set(rec) | set(new)):
        a = rec.get(tid)
        b = new.get(tid)
        if a is None or b is None:
            where = "the record" if a is None else "the re-run"
            return f"task {tid!r} has no group in {where}"
        if a.object_id != b.object_id:
            return f"task {tid!r}: the record names object {a.object_id!r}, the re-run {b.object_id!r}"
        seats_a = {s.group_id: s.inspector_ids for s in a.seats}
        seats_b = {s.group_id: s.inspector_ids for s in b.seats}
        for sid in sorted(set(seats_a) | set(seats_b)):
            if seats_a.get(sid) != seats_b.get(sid):
                return (
                    f"task {tid!r} seat {sid!r}: the record lists {list(seats_a.get(sid, ()))}, the re-run "
                    f"gives {list(seats_b.get(sid, ()))}"
                )
    return None


def _replacement_source(rep: ReplacementRecord, source: RandomSource, j: int) -> RandomSource:
    """The random source a recorded replacement was drawn with: the matching's, or the one it names."""
    if dict(rep.source) == dict(source.describe()):
        return source
    from randinspect.draw import source_from_description
    from randinspect.errors import RandInspectError

    try:
        return source_from_description(rep.source)
    except RandInspectError as exc:
        raise SeedChangedError(
            f"replacement {j + 1} (task {rep.task_id!r}) names a random source that cannot be rebuilt: {exc}"
        ) from None


def verify_match(
    record: MatchRecord,
    tasks: Iterable[InspectionTask],
    inspectors: Any,
    *,
    source: RandomSource,
    conflicts: ConflictList | Iterable[tuple[str, str]] | None = None,
    history: Iterable[HistoryRecord] | None = None,
    caps: int | Mapping[str, int] | None = None,
    matcher: InspectorMatcher | None = None,
) -> MatchResult:
    """Re-run a recorded matching (and its replacements) and check it gives the recorded groups.

    Parameters
    ----------
    record:
        The published :class:`MatchRecord`.
    tasks, inspectors, conflicts, history, caps:
        The inputs, as given to the original matching; the seat rule is read from the record.
    source:
        The random source, e.g. ``PublicSeedSource(<announced seed>)``.
    matcher:
        Needed only when the record names a matcher that is not built in.

    Returns
    -------
    MatchResult
        The re-run result, equal to the record.

    Raises
    ------
    MatchInputsChangedError
        An input differs from the record's digest (the message names which: tasks, inspectors, rule,
        conflicts, history or caps; the inspectors' digest covers names and certificate numbers), or the
        record's seat rule cannot be read.
    MatchChangedError
        The re-run gives other groups (a seat, an object id, a task listed twice, the order), another
        ``complete`` flag, other infeasible tasks or substitutes, or a replacement record differs
        in a field the re-run recomputes (candidates, their digest, context, match digest); the
        message names the first difference. Each replacement is re-run with the random source its record
        names (the matching's source unless it was drawn with another seed); its reason and approver are
        taken from the record as given.
    SeedChangedError
        The source differs from the record's, or a replacement names a source that cannot be rebuilt.
    UnsupportedVersionError
        The record names an unknown matcher and none is given.
    """
    try:
        rule = SeatRule.from_dict(record.rule)
    except (TypeError, ValueError) as exc:
        raise MatchInputsChangedError(
            f"the record's seat rule cannot be read ({exc}); the record was changed"
        ) from None
    problem = MatchingProblem.build(
        tasks, inspectors, rule=rule, conflicts=conflicts, history=history, caps=caps
    )
    for part in ("tasks", "inspectors", "rule", "conflicts", "history", "caps"):
        if problem.digests.get(part) != record.inputs.get(part):
            raise MatchInputsChangedError(
                f"the {part} given differ from those of the match record (SHA-256 "
                f"{problem.digests[part][:16]}... "
                f"vs {str(record.inputs.get(part))[:16]}...); verify with the published inputs"
            )
    if dict(source.describe()) != dict(record.source):
        raise SeedChangedError(
            f"the random source {source.describe()!r} differs from the record's {dict(record.source)!r}"
        )
    if matcher is None:
        kind = record.matcher.get("kind")
        if kind not in _BUILTINS:
            raise UnsupportedVersionError(
                f"the record names matcher {kind!r}, which is not built in; pass matcher=..."
            )
        matcher = _BUILTINS[str(kind)]()
    if dict(matcher.describe()) != dict(record.matcher):
        raise MatchChangedError(
            f"matcher {matcher.describe()!r} differs from the record's {dict(record.matcher)!r}"
        )
    result = matcher.match(problem, source, context=record.context, allow_partial=not record.complete)
    rec_inf = [(t.task_id, t.constraint) for t in record.infeasible]
    new_inf = [(t.task_id, t.constraint) for t in result.infeasible]
    if rec_inf != new_inf:
        raise MatchChangedError(
            f"infeasible tasks differ: the record lists {rec_inf}, the re-run gives {new_inf}"
        )
    for j, rep in enumerate(record.replacements):
        result, new = replace(
            result,
            rep.task_id,
            rep.removed,
            reason=rep.reason,
            approver=rep.approver,
            source=_replacement_source(rep, source, j),
        )
        if new.substitute != rep.substitute:
            raise MatchChangedError(
                f"replacement {j + 1} (task {rep.task_id!r}, {rep.removed!r} out): the record names "
                f"{rep.substitute!r}, the re-run draws {new.substitute!r}"
            )
        mine, theirs = new.to_json_dict(), rep.to_json_dict()
        changed = next((k for k in sorted(theirs) if mine.get(k) != theirs[k]), None)
        if changed is not None:
            raise MatchChangedError(
                f"replacement {j + 1} (task {rep.task_id!r}, {rep.removed!r} out): its {changed} is "
                f"{theirs[changed]!r} in the record, {mine.get(changed)!r} on re-run"
            )
    diff = _first_difference(record.groups, result.groups)
    if diff is None and [g.to_json_dict() for g in record.groups] != [
        g.to_json_dict() for g in result.groups
    ]:
        diff = "the groups are the same but listed in another order or with other seat names"
    if diff is not None:
        raise MatchChangedError(diff)
    if record.complete is not result.complete:
        raise MatchChangedError(
            f"the record says complete={record.complete!r}, the re-run gives complete={result.complete!r}"
        )
    return result
