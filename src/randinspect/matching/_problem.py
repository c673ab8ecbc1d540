"""The matching problem: seat groups, inspectors and the sparse eligibility graph between them.

Eligibility is computed on numpy arrays: candidates come from a join of (department, territory) buckets
(experts: (specialty, territory)), then vectorised filters remove pairs whose certificate does not cover the
window, whose inspector is unavailable, conflicted (回避) or inspected the object last time. The graph is
exported to networkx on demand (:meth:`MatchingProblem.to_networkx`); connected components are computed on
the arrays by label propagation.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.errors import MatchInputError
from randinspect.items import SupervisionLevel
from randinspect.matching._tasks import (
    DEFAULT_SEAT_RULE,
    ConflictList,
    HistoryRecord,
    InspectionTask,
    JurisdictionLevel,
    SeatGroup,
    SeatKind,
    SeatRule,
    seat_groups,
)

if TYPE_CHECKING:
    import networkx as nx  # type: ignore[import-untyped, unused-ignore]

__all__ = ["CONFLICT_RULES", "STAGES", "MatchingProblem"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Filter stages in the order they are applied; ``stage_counts`` has one column per stage.
STAGES: tuple[str, ...] = (
    "role",  # right role and department (officers) or specialty (experts)
    "jurisdiction",  # territorial rule (属地), following the items' supervision level
    "service_field",  # an expert who lists service fields (服务领域) serves one of the task's
    "certificate",  # enforcement certificate valid on every day of the window (officers)
    "availability",  # available and in the directory (joined, not left) for the whole window
    "conflict",  # no conflict of interest (回避): explicit list and former employers
    "history",  # not an inspector of the object's previous inspection
)

#: The 回避 rules whose removed pairs :attr:`MatchingProblem.removed_by_rule` counts, in the order applied.
CONFLICT_RULES: tuple[str, ...] = (
    "declared",  # the explicit conflict list
    "former_employer",  # the inspector worked for the object (曾任职单位)
    "family_tie",  # a relative holds a post or stake in the object (亲属关系)
    "affiliation",  # the object is the person's current employer (工作单位)
    "competitor",  # the object competes with the person's employer (listed by the department)
    "previous_inspector",  # inspected the object last time (history)
)

_NO_DAY = np.iinfo(np.int64).max // 4


def _day(d: dt.date) -> int:
    return d.toordinal()


def _role_of(inspector: Any) -> str:
    role = getattr(inspector, "role", "")
    return str(getattr(role, "value", role)).strip().lower()


def _significance(code: str) -> int:
    """Significant digits of a division code: a prefix's length, a padded 6-digit code's without 00s."""
    if len(code) != 6:
        return len(code)
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return len(code)


_LEVEL_WIDTH: dict[SupervisionLevel, int] = {
    SupervisionLevel.TERRITORIAL: 6,
    SupervisionLevel.COUNTY: 6,
    SupervisionLevel.CITY: 4,
    SupervisionLevel.PROVINCE: 2,
}


def _territory_keys(
    region: str,
    unit: str,
    level: JurisdictionLevel,
    supervision: SupervisionLevel = SupervisionLevel.TERRITORIAL,
) -> list[str]:
    """Jurisdiction entries that cover an object in ``region`` supervised by ``unit``.

    Under the ``REGION`` rule the supervision level narrows the entries: territorial work (属地) accepts the
    object's unit, its district and any division covering it; county-level work the district or wider (no
    unit); city-level work a city-wide or province-wide entry; province-level work a province-wide entry.
    """
    if level is JurisdictionLevel.NONE:
        return ["*"]
    territorial = supervision is SupervisionLevel.TERRITORIAL
    keys = ["*", f"u:{unit}"] if level is JurisdictionLevel.UNIT or territorial else ["*"]
    if level is JurisdictionLevel.REGION and region:
        codes = [region]
        if len(region) == 6 and region.isdigit():
            # a jurisdiction entry may be a division code covering the region, padded ("520100") or as a
            # prefix ("5201")
            for cut in (4, 2):
                for code in (region[:cut] + "0" * (6 - cut), region[:cut]):
                    if code not in codes:
                        codes.append(code)
        width = _LEVEL_WIDTH[supervision]
        keys.extend(f"r:{c}" for c in codes if territorial or _significance(c) <= width)
    return keys


def _inspector_keys(jurisdiction: Sequence[str], level: JurisdictionLevel) -> list[str]:
    """Keys an inspector's jurisdiction entries match: ``u:`` for units and ``r:`` for division codes."""
    if level is JurisdictionLevel.NONE or not jurisdiction:
        return ["*"]
    out: list[str] = []
    for code in jurisdiction:
        c = str(code).strip()
        out.append(f"u:{c}")
        if level is JurisdictionLevel.REGION:
            out.append(f"r:{c}")
    return out


def _digest(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _inspector_public(inspector: Any) -> dict[str, Any]:
    cert = getattr(inspector, "certificate", None)
    out: dict[str, Any] = {
        "id": str(inspector.id),
        # Name and certificate number are public (执法人员信息公示); the digest covers them so a record
        # cannot be verified against a directory with another person under the same id.
        "name": str(getattr(inspector, "name", "")),
        "certificate_number": None if cert is None else str(getattr(cert, "number", "")),
        "role": _role_of(inspector),
        "department": str(getattr(inspector, "department", "")),
        "unit": str(getattr(inspector, "unit", "")),
        "jurisdiction": sorted(str(c) for c in getattr(inspector, "jurisdiction", ()) or ()),
        "certificate": None if cert is None else [cert.valid_from.isoformat(), cert.valid_to.isoformat()],
        "specialties": sorted(str(s) for s in getattr(inspector, "specialties", ()) or ()),
        "availability": sorted(
            [a.isoformat(), b.isoformat()] for a, b in getattr(inspector, "availability", ())
        ),
        "former_employers": sorted(str(o) for o in getattr(inspector, "former_employers", ()) or ()),
    }
    # fields added in 0.2 enter the digest only when set, so earlier records keep their digests; family
    # ties are private but only their hash enters the (public) digest
    extra = {
        "service_fields": sorted(str(s) for s in getattr(inspector, "service_fields", ()) or ()),
        "affiliation": str(getattr(inspector, "affiliation", "") or ""),
        "joined_on": getattr(inspector, "joined_on", None),
        "left_on": getattr(inspector, "left_on", None),
        "family_ties": sorted(str(o) for o in getattr(inspector, "family_ties", ()) or ()),
    }
    for key, value in extra.items():
        if value:
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def _csr_expand(starts: IntArray, counts: IntArray) -> tuple[IntArray, IntArray]:
    """For rows with ``counts`` items starting at ``starts``: (row index, item position) of every item."""
    total = int(counts.sum())
    rows = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    if total == 0:
        return rows, np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    pos = np.arange(total, dtype=np.int64) - np.repeat(offsets, counts) + np.repeat(starts, counts)
    return rows, pos


def _encode(values: Iterable[str], vocab: dict[str, int]) -> IntArray:
    out = [vocab.setdefault(v, len(vocab)) for v in values]
    return np.asarray(out, dtype=np.int64)


def _components(n_left: int, n_right: int, left: IntArray, right: IntArray) -> IntArray:
    """Connected-component label (smallest left index, or ``n_left + right index``) of every node."""
    n = n_left + n_right
    labels = np.arange(n, dtype=np.int64)
    u = left
    v = right + n_left
    if u.size == 0:
        return labels
    while True:
        m = np.minimum(labels[u], labels[v])
        new = labels.copy()
        np.minimum.at(new, u, m)
        np.minimum.at(new, v, m)
        while True:  # pointer jumping
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels
        labels = new


def _cap_value(value: object, what: str) -> int:
    """A load cap as a non-negative int (numpy integers accepted; bools, floats and text refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise MatchInputError(
            f"{what} must be a non-negative integer (tasks in the period), got {type(value).__name__} "
            f"{value!r}"
        )
    if int(value) < 0:
        raise MatchInputError(f"{what} must be a non-negative integer, got {value}")
    return int(value)


def _caps_array(caps: int | Mapping[str, int] | None, ids: Sequence[str], default: int) -> IntArray:
    index = {k: j for j, k in enumerate(ids)}
    out = np.full(len(ids), default, dtype=np.int64)
    if caps is None:
        return out
    if not isinstance(caps, Mapping):
        out[:] = _cap_value(caps, "load cap")
        return out
    for key, value in caps.items():
        if key not in index:
            raise MatchInputError(
                f"load cap given for unknown inspector {key!r}; caps must name inspectors of the directory"
            )
        out[index[key]] = _cap_value(value, f"load cap of inspector {key!r}")
    return out


@attrs.frozen(kw_only=True, eq=False)
class MatchingProblem:
    """Tasks, their seat groups, the inspectors, caps and the eligibility graph between seats and inspectors.

    Build it with :meth:`build`; matchers read it and never change it. Arrays are read-only.

    Attributes
    ----------
    tasks:
        The tasks, sorted by id.
    groups:
        Seat groups of all tasks, in task order then seat order (:func:`seat_groups`).
    inspector_ids:
        Inspector ids in canonical (sorted) order; inspectors are referred to by their index here.
    edge_group, edge_inspector:
        The eligible pairs (the edges of the bipartite graph), sorted by group then inspector.
    caps:
        Load cap (most tasks in the period) of each inspector.
    stage_counts:
        ``(len(groups), len(STAGES))`` candidate counts of each group after each filter stage.
    rule:
        The :class:`SeatRule` applied.
    digests:
        SHA-256 of the canonical JSON of each input part (``tasks``, ``inspectors``, ``rule``,
        ``conflicts``, ``history``, ``caps``), for records and verification.
    removed_by_rule:
        Eligible (seat group, inspector) pairs each 回避 rule of :data:`CONFLICT_RULES` removed, counted
        among the pairs that passed every earlier stage; a pair two rules forbid counts for both.
    rule_counts:
        ``(len(groups), len(CONFLICT_RULES))``: the same per seat group, to name the rule that made a
        group unstaffable.
    """

    tasks: tuple[InspectionTask, ...] = attrs.field(repr=False)
    groups: tuple[SeatGroup, ...] = attrs.field(repr=False)
    group_task: IntArray = attrs.field(repr=False)
    group_size: IntArray = attrs.field(repr=False)
    inspector_ids: tuple[str, ...] = attrs.field(repr=False)
    inspector_roles: tuple[str, ...] = attrs.field(repr=False)
    inspector_departments: tuple[str, ...] = attrs.field(repr=False)
    edge_group: IntArray = attrs.field(repr=False)
    edge_inspector: IntArray = attrs.field(repr=False)
    caps: IntArray = attrs.field(repr=False)
    stage_counts: IntArray = attrs.field(repr=False)
    rule: SeatRule = attrs.field(repr=False)
    digests: Mapping[str, str] = attrs.field(repr=False)
    removed_by_rule: Mapping[str, int] = attrs.field(factory=dict, repr=False)
    rule_counts: IntArray = attrs.field(
        factory=lambda: np.zeros((0, len(CONFLICT_RULES)), np.int64), repr=False
    )

    def __repr__(self) -> str:
        return (
            f"MatchingProblem(tasks={len(self.tasks)}, seat_groups={len(self.groups)}, "
            f"inspectors={len(self.inspector_ids)}, eligible_pairs={self.n_edges})"
        )

    # ----------------------------------------------------------------------------------------------- build

    @classmethod
    def build(
        cls,
        tasks: Iterable[InspectionTask],
        inspectors: Any,
        *,
        rule: SeatRule | None = None,
        conflicts: ConflictList | Iterable[tuple[str, str]] | None = None,
        history: Iterable[HistoryRecord] | None = None,
        caps: int | Mapping[str, int] | None = None,
        known_objects: Iterable[str] | None = None,
    ) -> MatchingProblem:
        """Build the problem: expand seats, find every eligible (seat group, inspector) pair.

        Parameters
        ----------
        tasks:
            The inspection tasks; ids must be unique.
        inspectors:
            An ``InspectorDirectory`` or an iterable of ``Inspector`` records (anything with the
            inspector fields: ``id``, ``role``, ``department``, ``unit``, ``jurisdiction``,
            ``certificate``, ``specialties``, ``availability``, ``former_employers``).
        rule:
            Seat and eligibility rules; ``None`` means :data:`DEFAULT_SEAT_RULE`.
        conflicts:
            Explicit conflicts of interest, ``(inspector_id, object_id)`` pairs.
        history:
            Past inspections; the inspectors of each object's latest one are excluded from it.
        caps:
            Load cap per inspector for the period: one integer for all, a mapping by inspector id (others
            unlimited), or ``None`` for no cap.
        known_objects:
            Ids of every object of the directory; when given, conflicts and history naming other objects
            are rejected (without it they are checked against the tasks' objects only for inspectors).

        Raises
        ------
        MatchInputError
            Duplicate task or inspector ids, conflicts or history naming unknown inspectors (or unknown
            objects when ``known_objects`` is given), bad caps.
        """
        rule = DEFAULT_SEAT_RULE if rule is None else rule
        task_list = sorted(tasks, key=lambda t: t.id)
        for a, b in itertools.pairwise(task_list):
            if a.id == b.id:
                raise MatchInputError(f"task id {a.id!r} appears twice; task ids must be unique")
        records = list(getattr(inspectors, "inspectors", inspectors))
        records.sort(key=lambda r: str(r.id))
        ids = [str(r.id) for r in records]
        for a_id, b_id in itertools.pairwise(ids):
            if a_id == b_id:
                raise MatchInputError(f"inspector id {a_id!r} appears twice; inspector ids must be unique")
        index = {k: j for j, k in enumerate(ids)}
        conflict_list = conflicts if isinstance(conflicts, ConflictList) else ConflictList(conflicts or ())
        history_list = sorted(history or (), key=lambda h: (h.object_id, h.date.toordinal(), h.inspector_id))
        known = None if known_objects is None else set(known_objects)
        for insp, obj in conflict_list.sorted_pairs():
            if insp not in index:
                raise MatchInputError(
                    f"conflict list names unknown inspector {insp!r} (with object {obj!r}); "
                    "use ids of the inspector directory"
                )
            if known is not None and obj not in known:
                raise MatchInputError(f"conflict list names unknown object {obj!r} (inspector {insp!r})")
        for h in history_list:
            if h.inspector_id not in index:
                raise MatchInputError(
                    f"history names unknown inspector {h.inspector_id!r} (object {h.object_id!r}, "
                    f"{h.date}); use ids of the inspector directory"
                )
            if known is not None and h.object_id not in known:
                raise MatchInputError(
                    f"history names unknown object {h.object_id!r} (inspector {h.inspector_id!r}, {h.date})"
                )
        groups: list[SeatGroup] = []
        group_task: list[int] = []
        for t_idx, task in enumerate(task_list):
            for g in seat_groups(task, rule):
                groups.append(g)
                group_task.append(t_idx)
        cap_arr = _caps_array(caps, ids, default=max(len(task_list), 1))
        conflict_digest: Any = conflict_list.sorted_pairs()
        if conflict_list.competitors:
            conflict_digest = {"pairs": conflict_digest, "competitors": sorted(conflict_list.competitors)}
        digests = {
            "tasks": _digest([t.to_dict() for t in task_list]),
            "inspectors": _digest([_inspector_public(r) for r in records]),
            "rule": _digest(rule.to_dict()),
            "conflicts": _digest(conflict_digest),
            "history": _digest([[h.object_id, h.inspector_id, h.date.isoformat()] for h in history_list]),
            "caps": _digest(cap_arr.tolist() if caps is not None else None),
        }
        eg, ei, stage, removed_by_rule, rule_counts = _eligible_pairs(
            task_list,
            groups,
            np.asarray(group_task, dtype=np.int64),
            records,
            rule,
            conflict_list,
            history_list,
        )
        arrays = {
            "group_task": np.asarray(group_task, dtype=np.int64),
            "group_size": np.asarray([g.size for g in groups], dtype=np.int64),
            "edge_group": eg,
            "edge_inspector": ei,
            "caps": cap_arr,
            "stage_counts": stage,
            "rule_counts": rule_counts,
        }
        for arr in arrays.values():
            arr.flags.writeable = False
        return cls(
            tasks=tuple(task_list),
            groups=tuple(groups),
            inspector_ids=tuple(ids),
            inspector_roles=tuple(_role_of(r) for r in records),
            inspector_departments=tuple(str(getattr(r, "department", "")) for r in records),
            rule=rule,
            digests=digests,
            removed_by_rule=removed_by_rule,
            **arrays,
        )

    # ------------------------------------------------------------------------------------------- queries

    @property
    def digest(self) -> str:
        """SHA-256 over all the input digests: one value naming the whole problem."""
        return _digest(dict(self.digests))

    @property
    def n_edges(self) -> int:
        """Number of eligible (seat group, inspector) pairs."""
        return int(self.edge_group.size)

    def group_offsets(self) -> IntArray:
        """CSR offsets: the candidates of group ``g`` are ``edge_inspector[off[g]:off[g + 1]]``."""
        counts = np.bincount(self.edge_group, minlength=len(self.groups))
        return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def candidates(self, group: int) -> tuple[str, ...]:
        """Ids of the inspectors eligible for seat group number ``group``."""
        off = self.group_offsets()
        return tuple(self.inspector_ids[i] for i in self.edge_inspector[off[group] : off[group + 1]])

    def inspector_index(self, inspector_id: str) -> int:
        """Index of an inspector id; raises :class:`MatchInputError` for an unknown id."""
        pos = int(np.searchsorted(np.asarray(self.inspector_ids), inspector_id))
        if pos >= len(self.inspector_ids) or self.inspector_ids[pos] != inspector_id:
            raise MatchInputError(f"unknown inspector {inspector_id!r}; it is not in the inspector directory")
        return pos

    def task_index(self, task_id: str) -> int:
        """Index of a task id; raises :class:`MatchInputError` for an unknown id."""
        ids = [t.id for t in self.tasks]
        pos = int(np.searchsorted(np.asarray(ids), task_id)) if ids else 0
        if pos >= len(ids) or ids[pos] != task_id:
            raise MatchInputError(f"unknown task {task_id!r}; it is not among the matched tasks")
        return pos

    def rules_removing(self, seat_group_id: str) -> dict[str, int]:
        """The 回避 rules that removed candidates of one seat group, with the number each removed.

        Raises
        ------
        MatchInputError
            If the seat group is not in the problem.
        """
        for g_idx, g in enumerate(self.groups):
            if g.id == seat_group_id:
                counts = self.rule_counts[g_idx].tolist()
                return {r: int(n) for r, n in zip(CONFLICT_RULES, counts, strict=True) if n}
        raise MatchInputError(f"unknown seat group {seat_group_id!r}")

    def components(self) -> IntArray:
        """Component label of every seat group (groups sharing a label must be solved together)."""
        labels = _components(len(self.groups), len(self.inspector_ids), self.edge_group, self.edge_inspector)
        return labels[: len(self.groups)]

    def to_networkx(self) -> nx.Graph:
        """The eligibility graph as a bipartite :class:`networkx.Graph`.

        Nodes are ``("group", seat group id)`` with attribute ``size`` and ``bipartite=0``, and
        ``("inspector", id)`` with attribute ``cap`` and ``bipartite=1``.
        """
        import networkx as nx  # type: ignore[import-untyped, unused-ignore]

        graph = nx.Graph()
        graph.add_nodes_from((("group", g.id), {"size": g.size, "bipartite": 0}) for g in self.groups)
        graph.add_nodes_from(
            (("inspector", i), {"cap": int(c), "bipartite": 1})
            for i, c in zip(self.inspector_ids, self.caps.tolist(), strict=True)
        )
        graph.add_edges_from(
            (("group", self.groups[g].id), ("inspector", self.inspector_ids[i]))
            for g, i in zip(self.edge_group.tolist(), self.edge_inspector.tolist(), strict=True)
        )
        return graph

    def without_tasks(self, task_ids: Iterable[str]) -> MatchingProblem:
        """The same problem with some tasks (and their seats and edges) removed; indices are renumbered."""
        drop = set(task_ids)
        if not drop:
            return self
        keep_t = np.asarray([t.id not in drop for t in self.tasks], dtype=bool)
        new_t_index = np.cumsum(keep_t) - 1
        keep_g = keep_t[self.group_task]
        new_g_index = np.cumsum(keep_g) - 1
        keep_e = keep_g[self.edge_group]
        arrays = {
            "group_task": new_t_index[self.group_task[keep_g]].astype(np.int64),
            "group_size": self.group_size[keep_g].copy(),
            "edge_group": new_g_index[self.edge_group[keep_e]].astype(np.int64),
            "edge_inspector": self.edge_inspector[keep_e].copy(),
            "caps": self.caps.copy(),
            "stage_counts": self.stage_counts[keep_g].copy(),
            "rule_counts": self.rule_counts[keep_g].copy(),
        }
        for arr in arrays.values():
            arr.flags.writeable = False
        return attrs.evolve(
            self,
            tasks=tuple(t for t, k in zip(self.tasks, keep_t.tolist(), strict=True) if k),
            groups=tuple(g for g, k in zip(self.groups, keep_g.tolist(), strict=True) if k),
            **arrays,
        )


def _eligible_pairs(
    tasks: list[InspectionTask],
    groups: list[SeatGroup],
    group_task: IntArray,
    records: list[Any],
    rule: SeatRule,
    conflicts: ConflictList,
    history: list[HistoryRecord],
) -> tuple[IntArray, IntArray, IntArray, dict[str, int], IntArray]:
    """Eligible (group, inspector) pairs sorted by (group, inspector), the per-stage candidate counts and
    the pairs each 回避 rule removed."""
    n_g = len(groups)
    n_i = len(records)
    stage = np.zeros((n_g, len(STAGES)), dtype=np.int64)
    removed_by_rule = dict.fromkeys(CONFLICT_RULES, 0)
    rule_counts = np.zeros((n_g, len(CONFLICT_RULES)), dtype=np.int64)
    if n_g == 0 or n_i == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, e.copy(), stage, removed_by_rule, rule_counts
    officer_roles = set(rule.officer_roles)
    roles = [_role_of(r) for r in records]
    is_officer = np.asarray([r in officer_roles for r in roles], dtype=bool)
    is_expert = np.asarray([r == "expert" for r in roles], dtype=bool)

    # --- bucket keys: (kind, department-or-specialty) x territory key --------------------------------
    bucket_vocab: dict[str, int] = {}
    terr_vocab: dict[str, int] = {}
    # inspector side
    ins_rows: list[int] = []
    ins_bucket: list[str] = []
    ins_terr: list[str] = []
    role_bucket_count: dict[str, int] = {}
    for j, rec in enumerate(records):
        juris = [str(c) for c in (getattr(rec, "jurisdiction", ()) or ())]
        if is_officer[j]:
            department = str(getattr(rec, "department", ""))
            buckets = [f"o|{department}"] + [
                f"o|{department}/{spec}"
                for spec in sorted({str(x) for x in getattr(rec, "specialties", ()) or ()})
            ]
            own_keys = _inspector_keys(juris, rule.jurisdiction)
            for b in buckets:
                role_bucket_count[b] = role_bucket_count.get(b, 0) + 1
                for key in own_keys:
                    ins_rows.append(j)
                    ins_bucket.append(b)
                    ins_terr.append(key)
        elif is_expert[j]:
            level = rule.jurisdiction if rule.expert_jurisdiction else JurisdictionLevel.NONE
            for spec in sorted({str(s) for s in (getattr(rec, "specialties", ()) or ())}):
                b = f"e|{spec}"
                role_bucket_count[b] = role_bucket_count.get(b, 0) + 1
                for key in _inspector_keys(juris, level):
                    ins_rows.append(j)
                    ins_bucket.append(b)
                    ins_terr.append(key)
    ib = _encode(ins_bucket, bucket_vocab)
    it = _encode(ins_terr, terr_vocab)
    # group side
    grp_rows: list[int] = []
    grp_bucket: list[str] = []
    grp_terr: list[str] = []
    task_keys: dict[tuple[int, bool], list[str]] = {}
    for g_idx, g in enumerate(groups):
        t_idx = int(group_task[g_idx])
        task = tasks[t_idx]
        officer = g.kind is SeatKind.OFFICER
        if officer:
            level = rule.jurisdiction
        else:
            level = rule.jurisdiction if rule.expert_jurisdiction else JurisdictionLevel.NONE
        ck = (t_idx, officer)
        keys = task_keys.get(ck)
        if keys is None:
            keys = _territory_keys(task.region, task.unit, level, task.level)
            task_keys[ck] = keys
        b = f"{'o' if officer else 'e'}|{g.key}"
        stage[g_idx, 0] = role_bucket_count.get(b, 0)
        for key in keys:
            grp_rows.append(g_idx)
            grp_bucket.append(b)
            grp_terr.append(key)
    n_terr_before = len(terr_vocab)
    gb = _encode(grp_bucket, bucket_vocab)
    gt = _encode(grp_terr, terr_vocab)
    n_terr = max(len(terr_vocab), 1)
    del n_terr_before
    ins_key = ib * n_terr + it
    grp_key = gb * n_terr + gt
    ins_rows_arr = np.asarray(ins_rows, dtype=np.int64)
    order = np.argsort(ins_key, kind="stable")
    ins_key_sorted = ins_key[order]
    ins_rows_sorted = ins_rows_arr[order]
    lo = np.searchsorted(ins_key_sorted, grp_key, side="left")
    hi = np.searchsorted(ins_key_sorted, grp_key, side="right")
    rows, pos = _csr_expand(lo.astype(np.int64), (hi - lo).astype(np.int64))
    del lo, hi, ins_key, grp_key, order, ins_key_sorted
    # dedupe and sort by (group, inspector); each candidate array is dropped as soon as it is used, and
    # the pairs are kept as int32 (group and inspector numbers below 2**31): the pair arrays, several
    # times the size of the final edges, set the build's peak memory
    code = np.asarray(grp_rows, dtype=np.int64)[rows]
    del rows
    code *= n_i
    code += ins_rows_sorted[pos]
    del pos
    code.sort()
    if code.size:
        keep_first = np.empty(code.size, dtype=bool)
        keep_first[0] = True
        np.not_equal(code[1:], code[:-1], out=keep_first[1:])
        code = code[keep_first]
        del keep_first
    pair_dtype = np.int32 if max(n_g, n_i) < 2**31 else np.int64
    pair_g = (code // n_i).astype(pair_dtype)
    pair_i = (code % n_i).astype(pair_dtype)
    del code
    stage[:, 1] = np.bincount(pair_g, minlength=n_g)

    pair_t = group_task.astype(pair_dtype)[pair_g]
    t_start = np.asarray([_day(t.start) for t in tasks], dtype=np.int64)[pair_t]
    t_end = np.asarray([_day(t.end) for t in tasks], dtype=np.int64)[pair_t]
    pair_officer = np.asarray([g.kind is SeatKind.OFFICER for g in groups], dtype=bool)[pair_g]

    # --- service fields (服务领域): an expert who lists fields serves tasks of one of them -----------------
    keep = np.ones(pair_g.size, dtype=bool)
    field_tasks = [j for j, t in enumerate(tasks) if t.service_fields]
    field_people = [
        j for j, r in enumerate(records) if is_expert[j] and (getattr(r, "service_fields", ()) or ())
    ]
    if field_tasks and field_people:
        check = np.flatnonzero(
            ~pair_officer
            & np.isin(pair_t, np.asarray(field_tasks, dtype=np.int64))
            & np.isin(pair_i, np.asarray(field_people, dtype=np.int64))
        )
        for edge in check.tolist():
            served = {str(x) for x in getattr(records[int(pair_i[edge])], "service_fields", ())}
            if served.isdisjoint(tasks[int(pair_t[edge])].service_fields):
                keep[edge] = False
    stage[:, 2] = np.bincount(pair_g[keep], minlength=n_g)

    # --- certificate (officers) ---------------------------------------------------------------------------
    cert_from = np.full(n_i, _NO_DAY, dtype=np.int64)
    cert_to = np.full(n_i, -_NO_DAY, dtype=np.int64)
    for j, rec in enumerate(records):
        cert = getattr(rec, "certificate", None)
        if cert is not None:
            cert_from[j] = _day(cert.valid_from)
            cert_to[j] = _day(cert.valid_to)
    ok = ~pair_officer | ((cert_from[pair_i] <= t_start) & (cert_to[pair_i] >= t_end))
    keep = keep & ok
    stage[:, 3] = np.bincount(pair_g[keep], minlength=n_g)

    # --- availability: one window must contain the whole task window (as Inspector.is_available) ---------
    av_s: list[int] = []
    av_e: list[int] = []
    av_count = np.zeros(n_i, dtype=np.int64)
    for j, rec in enumerate(records):
        windows = sorted((_day(a), _day(b)) for a, b in (getattr(rec, "availability", ()) or ()))
        av_count[j] = len(windows)
        for w_s, w_e in windows:
            av_s.append(w_s)
            av_e.append(w_e)
    if av_s:
        av_start = np.cumsum(av_count) - av_count
        cand = np.flatnonzero(keep & (av_count[pair_i] > 0))
        rows, pos = _csr_expand(av_start[pair_i[cand]], av_count[pair_i[cand]])
        ws = np.asarray(av_s, dtype=np.int64)[pos]
        we = np.asarray(av_e, dtype=np.int64)[pos]
        fits = (ws <= t_start[cand][rows]) & (we >= t_end[cand][rows])
        del ws, we
        covered = np.bincount(rows, weights=fits, minlength=cand.size) > 0
        del rows, pos, fits
        avail = av_count[pair_i] == 0
        avail[cand] = covered
        del cand, covered
    else:
        avail = np.ones(pair_i.size, dtype=bool)
    # membership: joined the directory by the first day, not left before the last (入库/出库)
    joined = np.asarray(
        [-_NO_DAY if (d := getattr(r, "joined_on", None)) is None else _day(d) for r in records],
        dtype=np.int64,
    )
    left = np.asarray(
        [_NO_DAY if (d := getattr(r, "left_on", None)) is None else _day(d) for r in records], dtype=np.int64
    )
    avail = avail & (joined[pair_i] <= t_start) & (left[pair_i] >= t_end)
    keep = keep & avail
    stage[:, 4] = np.bincount(pair_g[keep], minlength=n_g)

    # --- conflicts (回避): declared pairs, former employers, family ties, affiliation and its competitors ---
    obj_vocab: dict[str, int] = {}
    task_obj = _encode((t.object_id for t in tasks), obj_vocab)
    n_obj = len(obj_vocab)
    pair_obj_key = pair_i.astype(np.int64) * n_obj + task_obj[pair_t]
    del pair_t
    index = {str(r.id): j for j, r in enumerate(records)}
    rival = conflicts.competitors_of() if conflicts.competitors else {}
    bad: dict[str, list[int]] = {r: [] for r in CONFLICT_RULES}

    def forbid(rule_name: str, j: int, obj: str) -> None:
        o = obj_vocab.get(obj)
        if o is not None:
            bad[rule_name].append(j * n_obj + o)

    for insp, obj in conflicts.sorted_pairs():
        forbid("declared", index[insp], obj)
    for j, rec in enumerate(records):
        if rule.former_employer_conflict:
            for obj in getattr(rec, "former_employers", ()) or ():
                forbid("former_employer", j, str(obj))
        for obj in getattr(rec, "family_ties", ()) or ():
            forbid("family_tie", j, str(obj))
        employer = str(getattr(rec, "affiliation", "") or "").strip()
        if employer:
            forbid("affiliation", j, employer)
            for other in sorted(rival.get(employer, ())):
                forbid("competitor", j, other)
    before = keep
    for r_idx, rule_name in enumerate(CONFLICT_RULES[:-1]):
        if bad[rule_name]:
            hit = before & np.isin(pair_obj_key, np.asarray(bad[rule_name], dtype=np.int64))
            removed_by_rule[rule_name] = int(hit.sum())
            rule_counts[:, r_idx] = np.bincount(pair_g[hit], minlength=n_g)
            keep = keep & ~hit
    stage[:, 5] = np.bincount(pair_g[keep], minlength=n_g)

    # --- history: not the inspectors of the object's latest inspection -----------------------------------
    if rule.avoid_previous and history:
        latest: dict[str, tuple[int, list[str]]] = {}
        for h in history:
            d = h.date.toordinal()
            cur = latest.get(h.object_id)
            if cur is None or d > cur[0]:
                latest[h.object_id] = (d, [h.inspector_id])
            elif d == cur[0]:
                cur[1].append(h.inspector_id)
        last: list[int] = []
        for obj, (_, insps) in latest.items():
            o = obj_vocab.get(obj)
            if o is not None:
                last.extend(index[i] * n_obj + o for i in insps)
        if last:
            hit = keep & np.isin(pair_obj_key, np.asarray(last, dtype=np.int64))
            removed_by_rule["previous_inspector"] = int(hit.sum())
            rule_counts[:, -1] = np.bincount(pair_g[hit], minlength=n_g)
            keep = keep & ~hit
    stage[:, 6] = np.bincount(pair_g[keep], minlength=n_g)
    return pair_g[keep].astype(np.int64), pair_i[keep].astype(np.int64), stage, removed_by_rule, rule_counts
