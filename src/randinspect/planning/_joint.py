"""Joint plans (部门联合抽查计划, §四(六)2): objects drawn by two or more departments are inspected together.

Workflow
--------
1. :meth:`OverlapMerger.propose` builds the bipartite graph departments × objects from the department plans
   (networkx, ``bipartite`` node attribute 0 for departments and 1 for objects; the graph keeps the objects
   drawn by at least two departments). Each such object becomes a :class:`JointProposal` pushed to its
   departments, due :data:`ANSWER_WORKING_DAYS` working days after the push date on the
   :class:`~randinspect.typing.WorkCalendar` (接收部门10个工作日内研究是否加入).
2. Departments answer (:class:`Answer`). A missing answer counts as :data:`DEFAULT_MISSING_ANSWER`
   (``"accept"``), because the policy makes joint inspection the rule and not joining the exception
   (§四(七): 抽查检查以联合为常态，不联合为例外); pass ``missing_answer="decline"`` for the opposite reading.
3. :meth:`OverlapMerger.merge` validates every answer first (unknown proposal, a department not asked, a
   date before the push, conflicting answers: :class:`~randinspect.errors.PlanError`, nothing applied). An
   answer after the due date is handled for its department alone: the department does not join this round
   (:attr:`Decision.late`), the proposal stands for the departments that answered, and the late answer is
   reported (:meth:`JointPlan.late_answers`); it never blocks the other departments' blocks. The accepting
   departments of an object form its joint group; objects with the same department set form a
   :class:`JointBlock` with one common period, chosen under every member's capacity with the RandomSource
   breaking ties. Objects only one department drew, and departments that declined, stay in the
   department's own plan.

:class:`LouvainMerger` runs Louvain community detection (networkx ``louvain_communities``, seeded from the
RandomSource) on the weighted department co-draw graph to propose standing joint teams, and groups each
object's accepting departments within those teams only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs
import networkx as nx  # type: ignore[import-untyped, unused-ignore]
import numpy as np
import numpy.typing as npt

from randinspect.errors import ConfigurationError, PlanError
from randinspect.planning._department import DepartmentPlan, StrArray, period_label

if TYPE_CHECKING:
    from randinspect.typing import RandomSource, WorkCalendar

__all__ = [
    "ANSWER_WORKING_DAYS",
    "DEFAULT_MISSING_ANSWER",
    "Answer",
    "JointBlock",
    "JointPlan",
    "JointProposal",
    "LouvainMerger",
    "MissingAnswer",
    "OverlapMerger",
    "ProposalRound",
    "SavingsReport",
    "StandingTeam",
    "co_draw_graph",
    "department_object_graph",
]

ANSWER_WORKING_DAYS: Final = 10
"""Working days a department has to answer a joint proposal (§四(六)2)."""

MissingAnswer = Literal["accept", "decline"]

DEFAULT_MISSING_ANSWER: Final[MissingAnswer] = "accept"
"""A department that does not answer in time joins: joint inspection is the rule (§四(七)). Documented in
``docs/joint-plans.md``; change both together."""

_UNLIMITED: Final = np.iinfo(np.int64).max // 4


def _count(values: Sequence[Any]) -> str:
    return f"<{len(values)}>"


def _tuple_str(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class JointProposal:
    """A proposal to inspect one object jointly (联合检查推送), pushed to the departments that drew it.

    Attributes
    ----------
    id:
        The proposal id: the object id (one proposal per object and plan year).
    object_id:
        The object.
    departments:
        The departments asked, sorted.
    items:
        Per department (same order), the item ids of its first visit of the object.
    pushed_on, due_on:
        Push date and last day to answer (``ANSWER_WORKING_DAYS`` working days later).
    """

    id: str
    object_id: str
    departments: tuple[str, ...] = attrs.field(converter=_tuple_str)
    items: tuple[tuple[str, ...], ...] = ()
    pushed_on: dt.date
    due_on: dt.date

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "object_id": self.object_id,
            "departments": list(self.departments),
            "items": {d: list(i) for d, i in zip(self.departments, self.items, strict=False)},
            "pushed_on": self.pushed_on.isoformat(),
            "due_on": self.due_on.isoformat(),
        }


@attrs.frozen(kw_only=True)
class Answer:
    """A department's answer to a joint proposal (是否加入联合抽查).

    Parameters
    ----------
    department:
        The answering department.
    proposal:
        The proposal id (the object id).
    accept:
        True to join, False to inspect alone.
    answered_on:
        Date of the answer; it must fall between the push date and the due date, both included.
    """

    department: str
    proposal: str
    accept: bool
    answered_on: dt.date


@attrs.frozen
class StandingTeam:
    """A proposed standing joint team (固定联合检查组合): departments that often draw the same objects.

    Attributes
    ----------
    departments:
        Members, sorted.
    shared_objects:
        Sum of the co-draw weights inside the team (objects drawn by two members, counted per pair).
    """

    departments: tuple[str, ...]
    shared_objects: int = 0


@attrs.frozen(kw_only=True)
class ProposalRound:
    """The proposals of one year, pushed on one date, with the plans they came from.

    Attributes
    ----------
    year:
        Plan year.
    plans:
        The department plans, sorted by department.
    proposals:
        One per object drawn by two or more departments (or within a standing team, for Louvain), by id.
    pushed_on, due_on:
        Push date and due date.
    teams:
        Standing teams the proposals were restricted to (Louvain), else empty.
    calendar:
        ``repr`` of the calendar used for the due date.
    """

    year: int
    plans: tuple[DepartmentPlan, ...] = attrs.field(repr=_count)
    proposals: tuple[JointProposal, ...] = attrs.field(repr=_count)
    pushed_on: dt.date
    due_on: dt.date
    teams: tuple[StandingTeam, ...] = ()
    calendar: str = ""

    def proposal(self, proposal_id: str) -> JointProposal:
        """The proposal with this id.

        Raises
        ------
        PlanError
            If there is none.
        """
        index = _proposal_index(self)
        if proposal_id not in index:
            raise PlanError(f"no joint proposal {proposal_id!r} in the {self.year} round")
        return self.proposals[index[proposal_id]]

    def for_department(self, department: str) -> tuple[JointProposal, ...]:
        """The proposals pushed to a department."""
        return tuple(p for p in self.proposals if department in p.departments)

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready form (proposals only; plans are published separately)."""
        return {
            "year": self.year,
            "pushed_on": self.pushed_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "calendar": self.calendar,
            "teams": [list(t.departments) for t in self.teams],
            "proposals": [p.to_dict() for p in self.proposals],
        }


def _proposal_index(round_: ProposalRound) -> dict[str, int]:
    return {p.id: i for i, p in enumerate(round_.proposals)}


@attrs.frozen(kw_only=True)
class JointBlock:
    """A block of the joint plan (联合抽查计划块): objects the same departments inspect in one period.

    Attributes
    ----------
    id:
        ``"JB-<year>-<n>"``, numbered in canonical order (departments, then period).
    departments:
        The joint group, sorted (two or more departments).
    period:
        0-based period index.
    period_label:
        ``"Q1"``…
    object_ids:
        The objects, sorted.
    """

    id: str
    departments: tuple[str, ...]
    period: int
    period_label: str
    object_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "departments": list(self.departments),
            "period": self.period_label,
            "objects": list(self.object_ids),
        }


@attrs.frozen(kw_only=True)
class SavingsReport:
    """What joint inspection saved (visits with and without joint inspection).

    A *visit* is one department's (or one joint group's) trip to one object in one period. Without joint
    inspection every department visits alone; with it, a joint group of ``k`` departments makes one visit and
    saves ``k - 1``.

    Attributes
    ----------
    visits_without, visits_with:
        Totals.
    per_department:
        Department → ``{"visits", "joint", "solo", "saved_share"}``: its visits, how many it makes jointly,
        alone, and its share of the saving (``(k-1)/k`` per joint visit, a Fraction).
    per_district:
        Region code → ``{"visits_without", "visits_with", "saved"}`` when regions were given.
    """

    visits_without: int
    visits_with: int
    per_department: Mapping[str, Mapping[str, Any]]
    per_district: Mapping[str, Mapping[str, int]] = attrs.field(factory=dict)

    @property
    def saved(self) -> int:
        """Visits saved."""
        return self.visits_without - self.visits_with

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready form (Fractions as strings)."""
        return {
            "visits_without": self.visits_without,
            "visits_with": self.visits_with,
            "saved": self.saved,
            "per_department": {
                d: {k: (str(v) if isinstance(v, Fraction) else v) for k, v in row.items()}
                for d, row in self.per_department.items()
            },
            "per_district": {r: dict(row) for r, row in self.per_district.items()},
        }


@attrs.frozen(kw_only=True)
class Decision:
    """The effective answer of one department to one proposal (given, late or defaulted).

    Attributes
    ----------
    proposal, department:
        Which proposal and which department.
    accept:
        Whether the department joins the object's joint group.
    defaulted:
        No answer arrived: ``accept`` is the merger's ``missing_answer``.
    answered_on:
        When the answer arrived (``None`` when missing).
    late:
        The answer arrived after the due date: the department does not join this round (the proposal
        stands for the departments that answered in time); it is reported and may join later through a
        published plan adjustment.
    """

    proposal: str
    department: str
    accept: bool
    defaulted: bool
    answered_on: dt.date | None = None
    late: bool = False


@attrs.frozen(kw_only=True, eq=False)
class JointPlan:
    """The year's joint plan (部门联合抽查计划): joint blocks and the departments' remaining own visits.

    Attributes
    ----------
    year:
        Plan year.
    round:
        The proposal round it came from.
    decisions:
        Every department's effective answer to every proposal (given or defaulted), sorted.
    blocks:
        The joint blocks.
    plans:
        The department plans after merging: joint visits carry their block id in ``joint_blocks`` and the
        block's period; every other visit is unchanged.
    dissolved:
        Objects whose accepted group could not share a period under the capacities (and the distinct-period
        rule for multi-round items); their departments visit alone as planned.
    merger:
        Description of the merger (name and parameters).
    """

    year: int
    round: ProposalRound = attrs.field(repr=False)
    decisions: tuple[Decision, ...] = attrs.field(repr=_count)
    blocks: tuple[JointBlock, ...] = attrs.field(repr=_count)
    plans: tuple[DepartmentPlan, ...] = attrs.field(repr=_count)
    dissolved: tuple[str, ...] = attrs.field(default=(), repr=_count)
    merger: Mapping[str, Any] = attrs.field(factory=dict)

    def plan_of(self, department: str) -> DepartmentPlan:
        """The merged plan of one department.

        Raises
        ------
        PlanError
            If the department has no plan.
        """
        for plan in self.plans:
            if plan.department == department:
                return plan
        raise PlanError(f"no plan for department {department!r} in the {self.year} joint plan")

    def late_answers(self) -> tuple[Decision, ...]:
        """Answers that arrived after the due date: those departments visit alone this round and may join
        later through a published adjustment."""
        return tuple(d for d in self.decisions if d.late)

    def block(self, block_id: str) -> JointBlock:
        """The block with this id."""
        for b in self.blocks:
            if b.id == block_id:
                return b
        raise PlanError(f"no joint block {block_id!r}")

    def savings(self, region_of: Mapping[str, str] | Any = None) -> SavingsReport:
        """Visits with and without joint inspection, per department and (with regions) per district.

        Parameters
        ----------
        region_of:
            Object id → 6-digit region code, or an object directory (anything with ``ids`` and ``regions``
            arrays); ``None`` skips the per-district figures.
        """
        region_map = _region_map(region_of)
        per_department: dict[str, dict[str, Any]] = {}
        without = 0
        solo_total = 0
        district: dict[str, dict[str, int]] = defaultdict(lambda: {"visits_without": 0, "visits_with": 0})
        size_of = {b.id: len(b.departments) for b in self.blocks}
        for plan in self.plans:
            objects, _visits, _periods = plan.visit_table()
            blocks = plan.joint_blocks[plan.visit_rows()]
            joint = blocks != ""
            n_joint = int(joint.sum())
            share = sum((Fraction(size_of[b] - 1, size_of[b]) for b in blocks[joint].tolist()), Fraction(0))
            per_department[plan.department] = {
                "visits": len(objects),
                "joint": n_joint,
                "solo": len(objects) - n_joint,
                "saved_share": share,
            }
            without += len(objects)
            solo_total += len(objects) - n_joint
            if region_map is not None:
                for obj, is_joint in zip(objects.tolist(), joint.tolist(), strict=True):
                    region = region_map.get(obj, "?")
                    district[region]["visits_without"] += 1
                    if not is_joint:
                        district[region]["visits_with"] += 1
        joint_visits = sum(len(b.object_ids) for b in self.blocks)
        if region_map is not None:
            for b in self.blocks:
                for obj in b.object_ids:
                    district[region_map.get(obj, "?")]["visits_with"] += 1
        per_district = {
            r: {**row, "saved": row["visits_without"] - row["visits_with"]}
            for r, row in sorted(district.items())
        }
        return SavingsReport(
            visits_without=without,
            visits_with=solo_total + joint_visits,
            per_department=per_department,
            per_district=per_district,
        )

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready joint plan (for publication): blocks, decisions, dissolved objects and savings."""
        return {
            "year": self.year,
            "merger": dict(self.merger),
            "pushed_on": self.round.pushed_on.isoformat(),
            "due_on": self.round.due_on.isoformat(),
            "blocks": [b.to_dict() for b in self.blocks],
            "decisions": [
                {**attrs.asdict(d), "answered_on": d.answered_on.isoformat() if d.answered_on else None}
                for d in self.decisions
            ],
            "dissolved": list(self.dissolved),
            "savings": self.savings().to_json_dict(),
        }


def _region_map(region_of: Mapping[str, str] | Any) -> dict[str, str] | None:
    if region_of is None:
        return None
    if isinstance(region_of, Mapping):
        return {str(k): str(v) for k, v in region_of.items()}
    ids = getattr(region_of, "ids", None)
    regions = getattr(region_of, "regions", None)
    if ids is None or regions is None:
        raise ConfigurationError(
            "region_of must be a mapping id → region or a directory with ids and regions"
        )
    return dict(zip(np.asarray(ids).tolist(), np.asarray(regions).tolist(), strict=True))


# --- graphs ---------------------------------------------------------------------------------------


def _check_plans(plans: Sequence[DepartmentPlan]) -> tuple[DepartmentPlan, ...]:
    plans = tuple(sorted(plans, key=lambda p: p.department))
    if not plans:
        raise PlanError("no department plans to merge")
    departments = [p.department for p in plans]
    dup = sorted({d for d in departments if departments.count(d) > 1})
    if dup:
        raise PlanError(f"more than one plan for department(s) {dup}; merge one plan per department")
    years = {p.year for p in plans}
    if len(years) > 1:
        raise PlanError(f"plans span years {sorted(years)}; a joint plan covers one year")
    periods = {p.periods for p in plans}
    if len(periods) > 1:
        raise PlanError(f"plans use different numbers of periods {sorted(periods)}; use the same periods")
    return plans


@attrs.frozen
class _Codes:
    """Integer codes of the object ids of several plans (sorted unique ids, and each plan's row codes)."""

    ids: StrArray
    rows: tuple[npt.NDArray[np.int64], ...]

    def of(self, object_ids: Sequence[str]) -> npt.NDArray[np.int64]:
        """Codes of known object ids."""
        return np.searchsorted(self.ids, np.asarray(object_ids, dtype=str)).astype(np.int64)


def _codes(plans: Sequence[DepartmentPlan]) -> _Codes:
    lengths = [len(p) for p in plans]
    if not sum(lengths):
        return _Codes(np.empty(0, dtype="U1"), tuple(np.empty(0, dtype=np.int64) for _ in plans))
    ids, inverse = np.unique(np.concatenate([p.object_ids for p in plans]), return_inverse=True)
    rows = np.split(inverse.astype(np.int64).ravel(), np.cumsum(lengths)[:-1])
    return _Codes(ids, tuple(rows))


def _first_visit_codes(
    plans: Sequence[DepartmentPlan], codes: _Codes
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Department index and object code of each department's first visit of each object."""
    dept: list[npt.NDArray[np.int64]] = [np.empty(0, dtype=np.int64)]
    objs: list[npt.NDArray[np.int64]] = [np.empty(0, dtype=np.int64)]
    for d, plan in enumerate(plans):
        keep = np.unique(codes.rows[d][plan.visits == 0])
        objs.append(keep)
        dept.append(np.full(len(keep), d, dtype=np.int64))
    return np.concatenate(dept), np.concatenate(objs)


def _multi_codes(
    plans: Sequence[DepartmentPlan], codes: _Codes
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(department index, object code) pairs of objects drawn by two or more departments, by object."""
    dept, objs = _first_visit_codes(plans, codes)
    if not len(objs):
        return dept, objs
    counts = np.bincount(objs, minlength=len(codes.ids))
    keep = counts[objs] >= 2
    dept, objs = dept[keep], objs[keep]
    order = np.lexsort((dept, objs))
    return dept[order], objs[order]


def _bipartite(
    plans: Sequence[DepartmentPlan], codes: _Codes, dept: npt.NDArray[np.int64], objs: npt.NDArray[np.int64]
) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from((("department", p.department) for p in plans), bipartite=0)
    object_ids = codes.ids[objs].tolist()
    graph.add_nodes_from((("object", o) for o in object_ids), bipartite=1)
    names = [p.department for p in plans]
    graph.add_edges_from(
        (("department", names[d]), ("object", o)) for d, o in zip(dept.tolist(), object_ids, strict=True)
    )
    return graph


def department_object_graph(plans: Sequence[DepartmentPlan], *, all_objects: bool = False) -> nx.Graph:
    """The bipartite graph departments × objects (``bipartite=0`` departments, ``1`` objects).

    Department nodes are ``("department", code)`` and object nodes ``("object", id)``. By default only the
    objects drawn by two or more departments are included (the ones a joint plan is about);
    ``all_objects=True`` adds every drawn object.
    """
    plans = _check_plans(plans)
    codes = _codes(plans)
    dept, objs = _first_visit_codes(plans, codes) if all_objects else _multi_codes(plans, codes)
    return _bipartite(plans, codes, dept, objs)


def co_draw_graph(plans: Sequence[DepartmentPlan]) -> nx.Graph:
    """The weighted department graph: edge weight = number of objects both departments drew."""
    plans = _check_plans(plans)
    dept, objs = _multi_codes(plans, _codes(plans))
    graph = nx.Graph()
    graph.add_nodes_from(p.department for p in plans)
    if not len(objs):
        return graph
    _, obj_index = np.unique(objs, return_inverse=True)
    incidence = np.zeros((len(plans), int(obj_index.max()) + 1), dtype=np.int64)
    incidence[dept, obj_index] = 1
    weights = incidence @ incidence.T
    for a in range(len(plans)):
        for b in range(a + 1, len(plans)):
            if weights[a, b]:
                graph.add_edge(plans[a].department, plans[b].department, weight=int(weights[a, b]))
    return graph


# --- merging --------------------------------------------------------------------------------------


def _calendar_due(calendar: WorkCalendar, pushed_on: dt.date) -> dt.date:
    return calendar.add_working_days(pushed_on, ANSWER_WORKING_DAYS)


def _build_round(
    plans: tuple[DepartmentPlan, ...],
    *,
    pushed_on: dt.date,
    calendar: WorkCalendar,
    teams: tuple[StandingTeam, ...] = (),
) -> ProposalRound:
    due_on = _calendar_due(calendar, pushed_on)
    codes = _codes(plans)
    multi_dept, multi_objs = _multi_codes(plans, codes)
    graph = _bipartite(plans, codes, multi_dept, multi_objs)
    team_of: dict[str, int] = {}
    for t, team in enumerate(teams):
        for d in team.departments:
            team_of[d] = t
    items_of: dict[tuple[str, str], tuple[str, ...]] = {}
    is_multi = np.zeros(len(codes.ids), dtype=bool)
    is_multi[multi_objs] = True
    for di, plan in enumerate(plans):
        mask = (plan.visits == 0) & is_multi[codes.rows[di]]
        if not mask.any():
            continue
        acc: dict[str, list[str]] = defaultdict(list)
        for o, i in zip(plan.object_ids[mask].tolist(), plan.item_ids[mask].tolist(), strict=True):
            acc[o].append(i)
        for o, its in acc.items():
            items_of[(plan.department, o)] = tuple(its)
    proposals: list[JointProposal] = []
    for node in sorted(n for n, attr in graph.nodes(data=True) if attr["bipartite"] == 1):
        object_id = node[1]
        departments = sorted(d[1] for d in graph.neighbors(node))
        if teams:
            by_team: dict[int, list[str]] = defaultdict(list)
            for d in departments:
                if d in team_of:
                    by_team[team_of[d]].append(d)
            departments = sorted(d for members in by_team.values() if len(members) >= 2 for d in members)
            if len(departments) < 2:
                continue
        proposals.append(
            JointProposal(
                id=object_id,
                object_id=object_id,
                departments=departments,
                items=tuple(items_of.get((d, object_id), ()) for d in departments),
                pushed_on=pushed_on,
                due_on=due_on,
            )
        )
    return ProposalRound(
        year=plans[0].year,
        plans=plans,
        proposals=tuple(proposals),
        pushed_on=pushed_on,
        due_on=due_on,
        teams=teams,
        calendar=repr(calendar),
    )


def _decide(
    round_: ProposalRound,
    answers: Iterable[Answer],
    missing_answer: MissingAnswer,
    decided_on: dt.date | None,
) -> tuple[Decision, ...]:
    """Validate every answer, then return the effective decisions. Raises PlanError listing all problems."""
    index = _proposal_index(round_)
    given: dict[tuple[str, str], Answer] = {}
    late: dict[tuple[str, str], Answer] = {}
    problems: list[str] = []
    for answer in answers:
        where = f"answer of {answer.department} to proposal {answer.proposal!r}"
        if answer.proposal not in index:
            problems.append(f"{where}: no such proposal in the {round_.year} round")
            continue
        proposal = round_.proposals[index[answer.proposal]]
        if answer.department not in proposal.departments:
            problems.append(
                f"{where}: {answer.department} was not asked (asked: {', '.join(proposal.departments)})"
            )
            continue
        if answer.answered_on > proposal.due_on:
            # late: handled per department (it does not join this round), never blocking the others
            key = (answer.proposal, answer.department)
            if key in late and late[key].accept != answer.accept:
                problems.append(f"{where}: conflicting late answers (accept and decline); send one answer")
            late.setdefault(key, answer)
            continue
        if answer.answered_on < proposal.pushed_on:
            problems.append(
                f"{where}: answered on {answer.answered_on.isoformat()}, before the push on "
                f"{proposal.pushed_on.isoformat()}"
            )
            continue
        key = (answer.proposal, answer.department)
        previous = given.get(key)
        if previous is not None and previous.accept != answer.accept:
            problems.append(f"{where}: conflicting answers (accept and decline); send one answer")
            continue
        given[key] = answer
    if decided_on is not None and decided_on < round_.due_on:
        open_count = sum(1 for p in round_.proposals for d in p.departments if (p.id, d) not in given)
        if open_count:
            problems.append(
                f"the answer period runs until {round_.due_on.isoformat()} and {open_count} answer(s) "
                "are missing; "
                "merge after the due date or when every department has answered"
            )
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise PlanError(f"joint plan {round_.year}: {len(problems)} problem(s) with the answers: {shown}")
    decisions = []
    for p in round_.proposals:
        for d in p.departments:
            found = given.get((p.id, d))
            came_late = late.get((p.id, d))
            if found is not None:
                decisions.append(
                    Decision(
                        proposal=p.id,
                        department=d,
                        accept=found.accept,
                        defaulted=False,
                        answered_on=found.answered_on,
                    )
                )
            elif came_late is not None:
                decisions.append(
                    Decision(
                        proposal=p.id,
                        department=d,
                        accept=False,
                        defaulted=False,
                        answered_on=came_late.answered_on,
                        late=True,
                    )
                )
            else:
                decisions.append(
                    Decision(proposal=p.id, department=d, accept=missing_answer == "accept", defaulted=True)
                )
    return tuple(decisions)


def _capacities(plan: DepartmentPlan) -> npt.NDArray[np.int64]:
    if plan.capacity is None:
        return np.full(plan.periods, _UNLIMITED, dtype=np.int64)
    return np.array(plan.capacity, dtype=np.int64)


def _merge(
    round_: ProposalRound,
    decisions: tuple[Decision, ...],
    groups_of: Any,
    source: RandomSource,
    merger: Mapping[str, Any],
) -> JointPlan:
    """Form joint groups, give blocks common periods under capacities, and rewrite the plans."""
    plans = round_.plans
    year = round_.year
    periods = plans[0].periods
    dept_index = {p.department: i for i, p in enumerate(plans)}
    accepted: dict[str, list[str]] = defaultdict(list)
    for dec in decisions:
        if dec.accept:
            accepted[dec.proposal].append(dec.department)
    # Groups per object: sorted department tuples of size >= 2.
    group_list: list[tuple[str, tuple[str, ...]]] = []
    for p in round_.proposals:
        for group in groups_of(sorted(accepted.get(p.id, ()))):
            if len(group) >= 2:
                group_list.append((p.object_id, tuple(sorted(group))))
    # Per department: loads, capacity, first-visit periods and periods of the object's other visits.
    codes = _codes(plans)
    loads = np.stack([p.loads() for p in plans]) if plans else np.zeros((0, periods), np.int64)
    caps = np.stack([_capacities(p) for p in plans])
    first_period: list[dict[str, int]] = []
    other_periods: list[dict[str, set[int]]] = []
    wanted = np.zeros(len(codes.ids), dtype=bool)
    if group_list:
        wanted[codes.of([o for o, _ in group_list])] = True
    for d, plan in enumerate(plans):
        first = plan.visit_rows()
        mask = first & wanted[codes.rows[d]]
        fp: dict[str, int] = {}
        op: dict[str, set[int]] = defaultdict(set)
        for o, v, q in zip(
            plan.object_ids[mask].tolist(),
            plan.visits[mask].tolist(),
            plan.period_index[mask].tolist(),
            strict=True,
        ):
            if v == 0:
                fp[o] = q
            else:
                op[o].add(q)
        first_period.append(fp)
        other_periods.append(op)
    # Order: blocks (same department set) largest first, ties and objects by tickets.
    by_set: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for o, g in group_list:
        by_set[g].append(o)
    set_keys = sorted(by_set)
    set_tickets = np.asarray(
        source.tickets(
            f"plan|{year}|joint|blocks", np.array(["+".join(k) for k in set_keys] or ["-"], dtype=str)
        ),
        dtype=np.uint64,
    )[: len(set_keys)]
    set_order = sorted(range(len(set_keys)), key=lambda i: (-len(by_set[set_keys[i]]), int(set_tickets[i])))
    preference = np.argsort(np.asarray(source.uniforms(f"plan|{year}|joint|periods", periods)), kind="stable")
    rank = np.empty(periods, dtype=np.int64)
    rank[preference] = np.arange(periods)
    assignment: dict[tuple[str, tuple[str, ...]], int] = {}
    dissolved: list[str] = []
    for si in set_order:
        group = set_keys[si]
        rows = [dept_index[d] for d in group]
        members = sorted(by_set[group])
        tickets = np.asarray(
            source.tickets(f"plan|{year}|joint|{'+'.join(group)}", np.array(members, dtype=str)), np.uint64
        )
        ordered = [members[i] for i in np.argsort(tickets, kind="stable").tolist()]
        # The block's period order: least projected load of its busiest member, ties by the random order.
        origins = np.array([[first_period[r][o] for r in rows] for o in ordered], dtype=np.int64)
        projected = []
        for q in range(periods):
            moves = (origins != q).sum(axis=0)
            projected.append(
                (int(max(loads[r, q] + m for r, m in zip(rows, moves.tolist(), strict=True))), int(rank[q]))
            )
        period_order = sorted(range(periods), key=lambda q: projected[q])
        for o, origin in zip(ordered, origins.tolist(), strict=True):
            blocked = set().union(*(other_periods[r].get(o, set()) for r in rows))
            chosen = -1
            for q in period_order:
                if q in blocked:
                    continue
                moving = [r for r, p0 in zip(rows, origin, strict=True) if p0 != q]
                if all(loads[r, q] + 1 <= caps[r, q] for r in moving):
                    chosen = q
                    break
            if chosen < 0:
                dissolved.append(o)
                continue
            for r, p0 in zip(rows, origin, strict=True):
                if p0 != chosen:
                    loads[r, p0] -= 1
                    loads[r, chosen] += 1
            assignment[(o, group)] = chosen
    # Blocks: (department set, period) with sorted objects, numbered canonically.
    block_objects: dict[tuple[tuple[str, ...], int], list[str]] = defaultdict(list)
    for (o, group), q in assignment.items():
        block_objects[(group, q)].append(o)
    blocks: list[JointBlock] = []
    memberships: dict[int, list[tuple[int, npt.NDArray[np.int64]]]] = defaultdict(list)
    for n, (group, q) in enumerate(sorted(block_objects)):
        objs = tuple(sorted(block_objects[(group, q)]))
        blocks.append(
            JointBlock(
                id=f"JB-{year}-{n + 1:04d}",
                departments=group,
                period=q,
                period_label=period_label(q, periods),
                object_ids=objs,
            )
        )
        object_codes = codes.of(objs)
        for member in group:
            memberships[dept_index[member]].append((n, object_codes))
    block_ids = np.array([b.id for b in blocks] or [""], dtype=str)
    block_periods = np.array([b.period for b in blocks] or [0], dtype=np.int64)
    new_plans = []
    for di, plan in enumerate(plans):
        if di not in memberships:
            new_plans.append(plan)
            continue
        by_code = np.full(len(codes.ids), -1, dtype=np.int64)
        for n, object_codes in memberships[di]:
            by_code[object_codes] = n
        index = by_code[codes.rows[di]]
        hit = (plan.visits == 0) & (index >= 0)
        width = max(int(block_ids.dtype.itemsize // 4), int(plan.joint_blocks.dtype.itemsize // 4), 1)
        blocks_col = plan.joint_blocks.astype(f"U{width}")
        period_col = plan.period_index.copy()
        blocks_col[hit] = block_ids[index[hit]]
        period_col[hit] = block_periods[index[hit]]
        new_plans.append(attrs.evolve(plan, joint_blocks=blocks_col, period_index=period_col))
    return JointPlan(
        year=year,
        round=round_,
        decisions=decisions,
        blocks=tuple(blocks),
        plans=tuple(new_plans),
        dissolved=tuple(sorted(set(dissolved))),
        merger=merger,
    )


def _check_missing(_instance: object, _attribute: object, value: object) -> None:
    if value not in ("accept", "decline"):
        raise ConfigurationError(f"missing_answer must be 'accept' or 'decline', not {value!r}")


@attrs.frozen(kw_only=True)
class OverlapMerger:
    """The default joint-plan merger: exact overlap grouping with acceptance (重叠对象联合).

    Parameters
    ----------
    missing_answer:
        How a department that did not answer by the due date counts: ``"accept"`` (default,
        :data:`DEFAULT_MISSING_ANSWER`) or ``"decline"``.

    Examples
    --------
    See ``docs/joint-plans.md``.
    """

    missing_answer: MissingAnswer = attrs.field(default=DEFAULT_MISSING_ANSWER, validator=_check_missing)

    def propose(
        self,
        plans: Sequence[DepartmentPlan],
        *,
        pushed_on: dt.date,
        calendar: WorkCalendar,
        source: RandomSource | None = None,
    ) -> ProposalRound:
        """Push one proposal per object drawn by two or more departments, due 10 working days later.

        Raises
        ------
        PlanError
            If two plans share a department, or plans differ in year or periods.
        CalendarDataMissingError
            If the calendar cannot compute the due date.
        """
        return _build_round(_check_plans(plans), pushed_on=pushed_on, calendar=calendar)

    def merge(
        self,
        round: ProposalRound,
        answers: Iterable[Answer],
        *,
        source: RandomSource,
        decided_on: dt.date | None = None,
    ) -> JointPlan:
        """Form the joint plan from the answers.

        Parameters
        ----------
        round:
            The proposals.
        answers:
            The departments' answers; missing ones count as ``missing_answer``.
        source:
            RandomSource for the block order and ties between periods.
        decided_on:
            When the plan is formed; before the due date every department must have answered.

        Raises
        ------
        PlanError
            For an answer to an unknown proposal, from a department not asked, before the push, conflicting
            answers, or a merge before the due date with answers missing. Nothing is applied. Late answers
            are not errors: see :attr:`Decision.late`.
        """
        decisions = _decide(round, answers, self.missing_answer, decided_on)
        return _merge(
            round,
            decisions,
            lambda accepted: [accepted],
            source,
            {"merger": "OverlapMerger", "missing_answer": self.missing_answer},
        )


def _teams_converter(value: Iterable[Iterable[str]] | None) -> tuple[StandingTeam, ...] | None:
    if value is None:
        return None
    out: list[StandingTeam] = []
    for team in value:
        if isinstance(team, StandingTeam):
            out.append(team)
        else:
            out.append(StandingTeam(tuple(sorted(team))))
    return tuple(out)


@attrs.frozen(kw_only=True)
class LouvainMerger:
    """Community grouping: standing joint teams from Louvain communities (固定联合检查组合).

    The weighted co-draw graph (:func:`co_draw_graph`) is split into communities by networkx
    ``louvain_communities`` with ``resolution`` and a seed drawn from the RandomSource (context
    ``"plan|<year>|louvain"``), or by the ``teams`` a city fixed in advance. Proposals go only to departments
    that share a team with another department drawing the object; each object's accepting departments are
    grouped team by team.

    Parameters
    ----------
    resolution:
        Louvain resolution (higher gives smaller teams).
    teams:
        Fixed teams (collections of department codes); ``None`` computes them.
    missing_answer:
        As for :class:`OverlapMerger`.

    References
    ----------
    Blondel, Guillaume, Lambiotte, Lefebvre (2008), "Fast unfolding of communities in large networks",
    J. Stat. Mech. P10008.
    """

    resolution: float = 1.0
    teams: tuple[StandingTeam, ...] | None = attrs.field(default=None, converter=_teams_converter)
    missing_answer: MissingAnswer = attrs.field(default=DEFAULT_MISSING_ANSWER, validator=_check_missing)

    def standing_teams(
        self, plans: Sequence[DepartmentPlan], *, source: RandomSource | None = None
    ) -> tuple[StandingTeam, ...]:
        """The proposed standing teams (every department in exactly one team), largest weight first.

        Raises
        ------
        ConfigurationError
            If the teams are to be computed (no fixed ``teams``) and no ``source`` is given.
        """
        plans = _check_plans(plans)
        graph = co_draw_graph(plans)
        if self.teams is not None:
            communities = [set(t.departments) for t in self.teams]
            covered = set().union(*communities) if communities else set()
            communities += [{d} for d in graph.nodes if d not in covered]
        else:
            if source is None:
                raise ConfigurationError("LouvainMerger needs source= to seed the community detection")
            seed = source.integer_below(f"plan|{plans[0].year}|louvain", 2**32)
            communities = nx.community.louvain_communities(
                graph, weight="weight", resolution=self.resolution, seed=seed
            )
        teams = []
        for community in communities:
            members = tuple(sorted(community))
            weight = int(graph.subgraph(members).size(weight="weight"))
            teams.append(StandingTeam(members, weight))
        return tuple(sorted(teams, key=lambda t: (-t.shared_objects, t.departments)))

    def propose(
        self,
        plans: Sequence[DepartmentPlan],
        *,
        pushed_on: dt.date,
        calendar: WorkCalendar,
        source: RandomSource | None = None,
    ) -> ProposalRound:
        """Push proposals within standing teams (see the class docstring).

        Raises
        ------
        ConfigurationError
            If no ``source`` is given and no fixed teams are set (Louvain needs a seed).
        """
        plans = _check_plans(plans)
        teams = self.standing_teams(plans, source=source)
        return _build_round(plans, pushed_on=pushed_on, calendar=calendar, teams=teams)

    def merge(
        self,
        round: ProposalRound,
        answers: Iterable[Answer],
        *,
        source: RandomSource,
        decided_on: dt.date | None = None,
    ) -> JointPlan:
        """Form the joint plan: each object's accepting departments grouped within their teams."""
        decisions = _decide(round, answers, self.missing_answer, decided_on)
        team_of = {d: t for t, team in enumerate(round.teams) for d in team.departments}

        def groups(accepted: list[str]) -> list[list[str]]:
            by_team: dict[int, list[str]] = defaultdict(list)
            for d in accepted:
                by_team[team_of.get(d, -1 - len(team_of) - len(by_team))].append(d)
            return list(by_team.values())

        return _merge(
            round,
            decisions,
            groups,
            source,
            {
                "merger": "LouvainMerger",
                "resolution": self.resolution,
                "teams": [list(t.departments) for t in round.teams],
                "missing_answer": self.missing_answer,
            },
        )
