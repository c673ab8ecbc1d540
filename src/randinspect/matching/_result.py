"""Results of a matching: inspection groups, infeasibility reports, match and replacement records.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from randinspect._json import read_record
from randinspect.errors import MatchInputError, MatchRecordError, UnsupportedVersionError
from randinspect.matching._problem import MatchingProblem
from randinspect.matching._tasks import SeatKind

__all__ = [
    "MATCH_RECORD_VERSION",
    "InfeasibleTask",
    "InspectionGroup",
    "MatchRecord",
    "MatchResult",
    "ReplacementRecord",
    "Seat",
]

IntArray = npt.NDArray[np.int64]

#: Version of the match record format and of the matching algorithms it names.
MATCH_RECORD_VERSION = 1


def _any_map(value: Mapping[str, Any]) -> dict[str, Any]:
    return dict(value)


def _str_map(value: Mapping[str, str]) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()}


def _digest(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@attrs.frozen(kw_only=True)
class Seat:
    """The inspectors chosen for one seat group of a task (its officers of one department, or experts)."""

    group_id: str
    kind: SeatKind
    key: str
    inspector_ids: tuple[str, ...]


@attrs.frozen(kw_only=True)
class InspectionGroup:
    """The inspection group of one task (检查组 / 联合检查组, §四(七)1): its seats and who fills them."""

    task_id: str
    object_id: str
    seats: tuple[Seat, ...]

    @property
    def inspector_ids(self) -> tuple[str, ...]:
        """Every member, seat by seat."""
        return tuple(i for s in self.seats for i in s.inspector_ids)

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready mapping: task, object and seat id -> inspector ids."""
        return {
            "task_id": self.task_id,
            "object_id": self.object_id,
            "seats": {s.group_id: list(s.inspector_ids) for s in self.seats},
        }


@attrs.frozen(kw_only=True)
class InfeasibleTask:
    """Why a task cannot be staffed (无法组建检查组): the binding constraint, in words and as a code.

    Attributes
    ----------
    task_id, object_id:
        The task.
    seat:
        Id of the seat group that cannot be filled.
    constraint:
        The binding constraint: one of the eligibility stages (``"role"``, ``"jurisdiction"``,
        ``"certificate"``, ``"availability"``, ``"conflict"``, ``"history"``), ``"load"`` (the caps of the
        eligible inspectors are exhausted by other tasks) or ``"replacement"`` (no substitute left).
    needed, available:
        Seats needed and candidates (or places) available at the binding point.
    message:
        What binds and how to fix it.
    """

    task_id: str
    object_id: str
    seat: str
    constraint: str
    needed: int
    available: int
    message: str

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready mapping of the fields."""
        return attrs.asdict(self)

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> InfeasibleTask:
        """Read a mapping written by :meth:`to_json_dict`."""
        return cls(**{f.name: data[f.name] for f in attrs.fields(cls)})


@attrs.frozen(kw_only=True)
class ReplacementRecord:
    """A substitution (调整补充人员, §四(七)4): who could not attend, who replaces them, why, who approved.

    ``candidates`` is the number of eligible substitutes the draw chose from (uniformly, by
    ``source.integer_below(context, candidates)``), ``candidates_digest`` the SHA-256 of their sorted ids.
    """

    task_id: str
    seat: str
    removed: str
    substitute: str
    reason: str
    approver: str
    candidates: int
    candidates_digest: str
    context: str
    source: Mapping[str, Any] = attrs.field(converter=_any_map)
    match_digest: str

    @property
    def journal_key(self) -> tuple[str, ...]:
        """Key for the journal: ``("match", <match context>, <task id>)``."""
        return ("match", self.context.split("|replace|")[0], self.task_id)

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (no floats), for the journal and publication."""
        out = attrs.asdict(self)
        out["source"] = dict(self.source)
        return out

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> ReplacementRecord:
        """Read a mapping written by :meth:`to_json_dict`."""
        return cls(**{f.name: data[f.name] for f in attrs.fields(cls)})


@attrs.frozen(kw_only=True)
class MatchRecord:
    """Everything needed to re-run a matching and check it (人员匹配记录), JSON-ready and journaled.

    It names the inputs by digest (tasks, inspectors, seat rule, conflicts, history, caps), the matcher, the
    random source (with its public seed) and the context, and lists every group, every infeasible task and
    every replacement. :func:`randinspect.matching.verify_match` re-runs it.
    """

    version: int
    context: str
    matcher: Mapping[str, Any] = attrs.field(converter=_any_map)
    source: Mapping[str, Any] = attrs.field(converter=_any_map)
    inputs: Mapping[str, str] = attrs.field(converter=_str_map)
    rule: Mapping[str, Any] = attrs.field(converter=_any_map)
    complete: bool
    groups: tuple[InspectionGroup, ...]
    infeasible: tuple[InfeasibleTask, ...] = ()
    replacements: tuple[ReplacementRecord, ...] = ()

    @property
    def journal_key(self) -> tuple[str, ...]:
        """Key for the journal: ``("match", <context>)``."""
        return ("match", self.context)

    @property
    def digest(self) -> str:
        """SHA-256 of the canonical JSON of the record."""
        return _digest(self.to_json_dict())

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (no floats), for files, the journal and publication."""
        return {
            "format": "randinspect.match",
            "version": self.version,
            "context": self.context,
            "matcher": dict(self.matcher),
            "source": dict(self.source),
            "inputs": dict(self.inputs),
            "rule": dict(self.rule),
            "complete": self.complete,
            "groups": [g.to_json_dict() for g in self.groups],
            "infeasible": [t.to_json_dict() for t in self.infeasible],
            "replacements": [r.to_json_dict() for r in self.replacements],
        }

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> MatchRecord:
        """Read a mapping written by :meth:`to_json_dict`.

        Raises
        ------
        UnsupportedVersionError
            The record was written by another format version.
        MatchRecordError
            The mapping is not a match record (its ``format``), a field is unknown, missing or of the wrong
            type (``match-record.schema.json``), or a task has two groups.
        """
        if not isinstance(data, Mapping) or data.get("format") != "randinspect.match":
            raise MatchRecordError(
                "not a match record: its 'format' is not 'randinspect.match'", field="format"
            )
        if data.get("version") != MATCH_RECORD_VERSION:
            raise UnsupportedVersionError(
                f"match record version {data.get('version')!r}; this library reads version "
                f"{MATCH_RECORD_VERSION}"
            )
        read_record(data, "match-record", source="match record", error=MatchRecordError)
        task_ids = [g["task_id"] for g in data["groups"]]
        if len(set(task_ids)) != len(task_ids):
            twice = next(t for t in task_ids if task_ids.count(t) > 1)
            raise MatchRecordError(
                f"match record: task {twice!r} has two groups; a task has one group", field="groups"
            )
        try:
            groups = tuple(
                InspectionGroup(
                    task_id=g["task_id"],
                    object_id=g["object_id"],
                    seats=tuple(
                        Seat(
                            group_id=sid,
                            kind=SeatKind(sid.split("|")[-2]),
                            key=sid.split("|")[-1],
                            inspector_ids=tuple(ids),
                        )
                        for sid, ids in g["seats"].items()
                    ),
                )
                for g in data["groups"]
            )
            return cls(
                version=data["version"],
                context=data["context"],
                matcher=data["matcher"],
                source=data["source"],
                inputs=data["inputs"],
                rule=data["rule"],
                complete=data["complete"],
                groups=groups,
                infeasible=tuple(InfeasibleTask.from_json_dict(t) for t in data.get("infeasible", ())),
                replacements=tuple(ReplacementRecord.from_json_dict(r) for r in data.get("replacements", ())),
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise MatchRecordError(f"malformed match record: {exc!r}") from None


@attrs.frozen(kw_only=True, eq=False)
class MatchResult:
    """The outcome of a matching: a group per staffed task and a report per task that could not be staffed.

    A result with ``infeasible`` tasks exists only when the caller asked for ``allow_partial=True``; it is
    never presented as complete (``complete`` is False).

    Attributes
    ----------
    problem:
        The :class:`MatchingProblem` matched.
    groups:
        One :class:`InspectionGroup` per staffed task, in task id order.
    infeasible:
        One :class:`InfeasibleTask` per task left out, in task id order.
    chosen:
        Boolean mask over ``problem``'s eligible pairs: the pairs in the matching.
    marginal_numerators, marginal_denominators:
        The probability of each eligible pair, ``num / den`` exactly, when the matcher guarantees
        marginals (``None`` otherwise).
    matcher, source:
        Descriptions of the matcher and the random source (``describe()``).
    context:
        The randomness context.
    replacements:
        Substitutions made after the matching, in order.
    """

    problem: MatchingProblem = attrs.field(repr=False)
    groups: tuple[InspectionGroup, ...]
    infeasible: tuple[InfeasibleTask, ...]
    chosen: npt.NDArray[np.bool_] = attrs.field(repr=False)
    matcher: Mapping[str, Any] = attrs.field(converter=_any_map)
    source: Mapping[str, Any] = attrs.field(converter=_any_map, repr=False)
    context: str
    marginal_numerators: IntArray | None = attrs.field(default=None, repr=False)
    marginal_denominators: IntArray | None = attrs.field(default=None, repr=False)
    replacements: tuple[ReplacementRecord, ...] = ()

    @property
    def complete(self) -> bool:
        """True when every task is staffed."""
        return not self.infeasible

    def group(self, task_id: str) -> InspectionGroup:
        """The group of a task; raises :class:`MatchInputError` if it was not staffed or is unknown."""
        for g in self.groups:
            if g.task_id == task_id:
                return g
        raise MatchInputError(f"task {task_id!r} has no group in this matching (unknown or infeasible)")

    def loads(self) -> dict[str, int]:
        """Number of tasks of every inspector (0 for those not chosen), by inspector id."""
        counts = np.bincount(
            self.problem.edge_inspector[self.chosen], minlength=len(self.problem.inspector_ids)
        )
        return dict(zip(self.problem.inspector_ids, counts.tolist(), strict=True))

    def expected_loads(self) -> dict[str, Fraction] | None:
        """Expected number of tasks of every inspector under the marginals (``None`` without marginals)."""
        if self.marginal_numerators is None or self.marginal_denominators is None:
            return None
        out = {i: Fraction(0) for i in self.problem.inspector_ids}
        for i, n, d in zip(
            self.problem.edge_inspector.tolist(),
            self.marginal_numerators.tolist(),
            self.marginal_denominators.tolist(),
            strict=True,
        ):
            if n:
                out[self.problem.inspector_ids[i]] += Fraction(n, d)
        return out

    def marginal(self, seat_group_id: str, inspector_id: str) -> Fraction | None:
        """Probability the inspector fills a seat of the group (0 if ineligible; ``None``: no marginals)."""
        if self.marginal_numerators is None or self.marginal_denominators is None:
            return None
        g = next((j for j, s in enumerate(self.problem.groups) if s.id == seat_group_id), None)
        if g is None:
            raise MatchInputError(f"unknown seat group {seat_group_id!r}")
        i = self.problem.inspector_index(inspector_id)
        hit = np.flatnonzero((self.problem.edge_group == g) & (self.problem.edge_inspector == i))
        if hit.size == 0:
            return Fraction(0)
        return Fraction(int(self.marginal_numerators[hit[0]]), int(self.marginal_denominators[hit[0]]))

    def record(self) -> MatchRecord:
        """The :class:`MatchRecord` of this result (for files, the journal and :func:`verify_match`)."""
        return MatchRecord(
            version=MATCH_RECORD_VERSION,
            context=self.context,
            matcher=self.matcher,
            source=self.source,
            inputs=dict(self.problem.digests),
            rule=self.problem.rule.to_dict(),
            complete=self.complete,
            groups=self.groups,
            infeasible=self.infeasible,
            replacements=self.replacements,
        )

    def to_json_dict(self) -> dict[str, Any]:
        """The groups as JSON-ready data (``groups`` and ``infeasible``), e.g. for ``GROUPS.json``."""
        return {
            "complete": self.complete,
            "groups": [g.to_json_dict() for g in self.groups],
            "infeasible": [t.to_json_dict() for t in self.infeasible],
        }


def groups_from_chosen(
    problem: MatchingProblem, chosen: npt.NDArray[np.bool_]
) -> tuple[InspectionGroup, ...]:
    """Build the inspection groups of the tasks all of whose seats have chosen inspectors."""
    eg = problem.edge_group[chosen]
    ei = problem.edge_inspector[chosen]
    per_group: dict[int, list[str]] = {}
    for g, i in zip(eg.tolist(), ei.tolist(), strict=True):
        per_group.setdefault(g, []).append(problem.inspector_ids[i])
    per_task: dict[int, list[Seat]] = {}
    for g_idx, g in enumerate(problem.groups):
        ids = per_group.get(g_idx)
        if ids is None:
            continue
        t = int(problem.group_task[g_idx])
        per_task.setdefault(t, []).append(
            Seat(group_id=g.id, kind=g.kind, key=g.key, inspector_ids=tuple(sorted(ids)))
        )
    out = []
    for t_idx, task in enumerate(problem.tasks):
        seats = per_task.get(t_idx)
        if seats:
            out.append(InspectionGroup(task_id=task.id, object_id=task.object_id, seats=tuple(seats)))
    return tuple(out)
