"""Department plans (部门检查计划, §四(六)1): drawn objects given inspection periods (检查时段).

A department's draws give, per item and round, the selected objects. The department visits each object once
per *visit*: round 1 of every item that drew the object is checked in the object's first visit, round 2 in
its second, and so on (进一次门，查多项事 within a department). Visits of one object fall in distinct periods,
and each period's visits stay within the department's capacity.

Period assignment (balanced and random, reproducible):

1. **Targets.** Water-filling: with ``V`` visits and capacities ``c_p``, period ``p`` gets
   ``t_p = min(c_p, L)`` or ``L + 1`` visits for one level ``L``, so ``sum(t) = V`` and ``t_p <= c_p``; among
   periods below capacity the targets differ by at most one. With no capacity (or enough of it) every period
   gets ``floor(V/P)`` or ``ceil(V/P)`` visits.
2. **Order.** Objects are ordered by number of visits (most first) and then by their ticket from the
   :class:`~randinspect.typing.RandomSource` (context ``"plan|<year>|<department>|order"``); the period order
   for ties is a random permutation (context ``"plan|<year>|<department>|periods"``).
3. **Assignment.** Each object with ``k`` visits takes the ``k`` periods with the most remaining target
   (ties in the rotating random period order); this greedy realises any row sums ``k_i`` and column sums
   ``t_p`` that admit a 0/1 matrix (Gale–Ryser), so it never fails when the targets are balanced. Objects
   with one visit take a round-robin deck of the remaining targets in ticket order (vectorised).

Guarantees: every period's load is at most its capacity; loads differ by at most one between periods not at
capacity; visits of one object are in distinct periods, in chronological order of rounds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.errors import ConfigurationError, PlanError
from randinspect.items import CheckItem

if TYPE_CHECKING:
    from randinspect.items import ItemList
    from randinspect.planning._adjust import PlanRevision
    from randinspect.typing import CreditRiskMatrix, RandomSource

StrArray: TypeAlias = npt.NDArray[np.str_]
"""A numpy array of ids (unicode strings)."""

BoolArray: TypeAlias = npt.NDArray[np.bool_]
"""A numpy boolean mask."""

__all__ = [
    "DEFAULT_PERIODS",
    "DepartmentPlan",
    "ItemDraw",
    "balanced_targets",
    "period_label",
    "plan_department",
]

DEFAULT_PERIODS = 4
"""Quarters (季度): the policy asks departments to set inspection periods by quarter (§四(六)1)."""


def period_label(index: int, periods: int) -> str:
    """Label of a 0-based period: ``"Q1"`` to ``"Q4"``, ``"M01"`` to ``"M12"`` for months, else ``"P1"``..."""
    if periods == 4:
        return f"Q{index + 1}"
    if periods == 12:
        return f"M{index + 1:02d}"
    return f"P{index + 1}"


def _ids_converter(ids: Iterable[str]) -> tuple[str, ...]:
    if isinstance(ids, str):
        raise ConfigurationError("selected_ids must be a collection of ids, not one string")
    return tuple(str(i) for i in ids)


@attrs.frozen(kw_only=True)
class ItemDraw:
    """The objects one item drew in one round (抽取结果), the input of a department plan.

    Parameters
    ----------
    item_id:
        The check item.
    round:
        1-based round; items with frequency ``f`` have rounds ``1..f`` (more when the department's matrix
        raises a cell's frequency, :func:`randinspect.draw.item_rounds`).
    selected_ids:
        Ids of the drawn objects (no duplicates).

    Raises
    ------
    ConfigurationError
        If the round is below 1 or an id repeats.
    """

    item_id: str
    round: int = 1
    selected_ids: tuple[str, ...] = attrs.field(converter=_ids_converter)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.round, bool) or not isinstance(self.round, int) or self.round < 1:
            raise ConfigurationError(
                f"draw of item {self.item_id!r}: round {self.round!r} must be an int ≥ 1"
            )
        if len(set(self.selected_ids)) != len(self.selected_ids):
            seen: set[str] = set()
            dup = next(i for i in self.selected_ids if i in seen or seen.add(i))  # type: ignore[func-returns-value]
            raise ConfigurationError(
                f"draw of item {self.item_id!r} round {self.round}: object {dup!r} selected twice"
            )

    @classmethod
    def from_record(cls, record: Any) -> ItemDraw:
        """Adapt a draw record (anything with ``item_id`` or ``item.id``, ``round`` and ``selected``).

        ``selected`` may hold ids or entries with an ``id`` attribute or key (the draw helper's records list
        each selected object with its tier and π).
        """
        item_id = getattr(record, "item_id", None)
        if item_id is None:
            item = getattr(record, "item", None)
            item_id = getattr(item, "id", item)
        selected: Any = getattr(record, "selected", None)
        if selected is None:
            selected = getattr(record, "selected_ids", ())
        ids: list[str] = []
        for entry in selected:
            if isinstance(entry, str):
                ids.append(entry)
            elif isinstance(entry, Mapping):
                ids.append(str(entry["id"]))
            else:
                ids.append(str(getattr(entry, "id", getattr(entry, "object_id", entry))))
        return cls(item_id=str(item_id), round=int(getattr(record, "round", 1)), selected_ids=ids)


def _capacity_converter(value: Iterable[int] | int | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    if isinstance(value, int):
        raise ConfigurationError("capacity must be one number per period, for example (250, 250, 250, 250)")
    return tuple(int(v) for v in value)


@attrs.frozen(kw_only=True, eq=False)
class DepartmentPlan:
    """A department's yearly inspection plan with periods (部门检查计划, 检查时段; §四(六)1).

    One row (*task*) per drawn object, item and round, stored as read-only numpy columns in canonical order
    (object id, visit, item id, round). Tasks of the same object and visit form one visit, in one period.

    Attributes
    ----------
    department, year:
        Who and when.
    periods:
        Number of periods (4 = quarters).
    capacity:
        Visits per period the department can make, or ``None`` (no limit).
    object_ids, item_ids, rounds, visits, period_index:
        The task columns; ``period_index`` is 0-based.
    joint_blocks:
        Per task, the id of the joint block (联合抽查) the visit belongs to, or ``""`` for the
        department's own visits.
    history:
        Revisions made by :func:`randinspect.planning.adjust`, oldest first.
    randomness:
        ``describe()`` of the RandomSource used.
    """

    department: str
    year: int
    periods: int
    capacity: tuple[int, ...] | None = attrs.field(converter=_capacity_converter)
    object_ids: StrArray
    item_ids: StrArray
    rounds: npt.NDArray[np.int64]
    visits: npt.NDArray[np.int64]
    period_index: npt.NDArray[np.int64]
    joint_blocks: StrArray = attrs.field(factory=lambda: np.empty(0, dtype="U1"))
    history: tuple[PlanRevision, ...] = ()
    randomness: Mapping[str, Any] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        n = len(self.object_ids)
        for name in ("object_ids", "item_ids", "rounds", "visits", "period_index", "joint_blocks"):
            arr = np.asarray(getattr(self, name))
            is_text = name in ("object_ids", "item_ids", "joint_blocks")
            if name == "joint_blocks" and len(arr) == 0 and n:
                arr = np.full(n, "", dtype="U1")
            if is_text and arr.dtype.kind != "U":
                arr = arr.astype(str) if arr.size else np.empty(0, dtype="U1")
            elif not is_text and arr.dtype != np.int64:
                arr = arr.astype(np.int64)
            if len(arr) != n:
                raise PlanError(f"plan {self.department}: column {name} has {len(arr)} rows, expected {n}")
            if arr.flags.writeable:
                arr = arr.copy()
                arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        if self.periods < 1:
            raise PlanError(f"plan {self.department}: periods must be ≥ 1")
        if self.capacity is not None and len(self.capacity) != self.periods:
            raise PlanError(
                f"plan {self.department}: {len(self.capacity)} capacities for {self.periods} periods; "
                "give one each"
            )
        if n and (self.period_index.min() < 0 or self.period_index.max() >= self.periods):
            raise PlanError(f"plan {self.department}: a period index lies outside 0..{self.periods - 1}")

    # --- views ---

    def __len__(self) -> int:
        return len(self.object_ids)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DepartmentPlan):
            return NotImplemented
        return (
            self.department == other.department
            and self.year == other.year
            and self.periods == other.periods
            and self.capacity == other.capacity
            and all(
                np.array_equal(getattr(self, c), getattr(other, c))
                for c in ("object_ids", "item_ids", "rounds", "visits", "period_index", "joint_blocks")
            )
            and self.history == other.history
        )

    __hash__ = None  # type: ignore[assignment]

    def visit_rows(self) -> BoolArray:
        """Boolean mask of the first task row of each visit (one True per visit)."""
        first = np.ones(len(self), dtype=bool)
        if len(self):
            first[1:] = (self.object_ids[1:] != self.object_ids[:-1]) | (self.visits[1:] != self.visits[:-1])
        return first

    def _visit_keys(self) -> tuple[StrArray, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Unique visits (object id, visit index) with their periods, in canonical order."""
        if not len(self):
            empty_i = np.empty(0, dtype=np.int64)
            return np.empty(0, dtype="U1"), empty_i, empty_i
        first = self.visit_rows()
        return self.object_ids[first], self.visits[first], self.period_index[first]

    @property
    def n_visits(self) -> int:
        """Number of visits (an object visited in two periods counts twice)."""
        return len(self._visit_keys()[0])

    def visit_table(self) -> tuple[StrArray, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Arrays ``(object_id, visit, period_index)``, one row per visit, canonical order."""
        return self._visit_keys()

    def loads(self) -> npt.NDArray[np.int64]:
        """Visits per period."""
        return np.bincount(self._visit_keys()[2], minlength=self.periods).astype(np.int64)

    @property
    def object_set(self) -> frozenset[str]:
        """Ids of every drawn object."""
        return frozenset(self.object_ids.tolist())

    def period_of(self, object_id: str, visit: int = 0) -> int:
        """0-based period of an object's visit.

        Raises
        ------
        PlanError
            If the department has no such visit.
        """
        mask = (self.object_ids == object_id) & (self.visits == visit)
        if not mask.any():
            raise PlanError(f"department {self.department} has no visit {visit} of object {object_id!r}")
        return int(self.period_index[mask][0])

    @property
    def digest(self) -> str:
        """SHA-256 of the plan's tasks and periods (hex), for records."""
        h = hashlib.sha256()
        h.update(f"{self.department}|{self.year}|{self.periods}|{self.capacity}".encode())
        for row in zip(
            self.object_ids.tolist(),
            self.visits.tolist(),
            self.item_ids.tolist(),
            self.rounds.tolist(),
            self.period_index.tolist(),
            self.joint_blocks.tolist(),
            strict=True,
        ):
            h.update(("\x1f".join(map(str, row)) + "\x1e").encode())
        return h.hexdigest()

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready record per task."""
        return [
            {
                "department": self.department,
                "object_id": o,
                "item_id": i,
                "round": r,
                "visit": v,
                "period": period_label(p, self.periods),
                "joint_block": b or None,
            }
            for o, i, r, v, p, b in zip(
                self.object_ids.tolist(),
                self.item_ids.tolist(),
                self.rounds.tolist(),
                self.visits.tolist(),
                self.period_index.tolist(),
                self.joint_blocks.tolist(),
                strict=True,
            )
        ]

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready plan with its tasks, loads and history (for publication and the journal)."""
        return {
            "department": self.department,
            "year": self.year,
            "periods": [period_label(p, self.periods) for p in range(self.periods)],
            "capacity": None if self.capacity is None else list(self.capacity),
            "loads": self.loads().tolist(),
            "digest": self.digest,
            "randomness": dict(self.randomness),
            "tasks": self.to_records(),
            "history": [rev.to_json_dict() for rev in self.history],
        }

    def with_columns(self, **changes: Any) -> DepartmentPlan:
        """A copy with some fields replaced (columns are re-sorted into canonical order)."""
        return _canonical(attrs.evolve(self, **changes))


def _canonical(plan: DepartmentPlan) -> DepartmentPlan:
    if not len(plan):
        return plan
    order = np.lexsort((plan.rounds, plan.item_ids, plan.visits, plan.object_ids))
    if np.array_equal(order, np.arange(len(order))):
        return plan
    return attrs.evolve(
        plan,
        object_ids=plan.object_ids[order],
        item_ids=plan.item_ids[order],
        rounds=plan.rounds[order],
        visits=plan.visits[order],
        period_index=plan.period_index[order],
        joint_blocks=plan.joint_blocks[order],
    )


# --- assignment -----------------------------------------------------------------------------------


def balanced_targets(
    total: int, capacity: Sequence[int] | None, periods: int, preference: Sequence[int] | None = None
) -> npt.NDArray[np.int64]:
    """Visits per period: as equal as the capacities allow (water-filling).

    Parameters
    ----------
    total:
        Visits to place.
    capacity:
        Per-period capacities, or ``None`` for no limit.
    periods:
        Number of periods.
    preference:
        Order in which periods receive the remainder (a permutation of ``range(periods)``).

    Returns
    -------
    numpy.ndarray
        ``t`` with ``t.sum() == total``, ``t <= capacity``, and ``max - min <= 1`` over periods below
        capacity.

    Raises
    ------
    PlanError
        If the capacities add up to less than ``total``.
    """
    caps = (
        np.full(periods, np.iinfo(np.int64).max // 4, dtype=np.int64)
        if capacity is None
        else np.array(capacity, dtype=np.int64)
    )
    if (caps < 0).any():
        raise PlanError(f"capacities {list(capacity or [])} must not be negative")
    if int(caps.sum()) < total:
        raise PlanError(
            f"{total} visits do not fit in the capacity {caps.tolist()} (total {int(caps.sum())}); raise the "
            "capacity or lower the ratios"
        )
    order = list(range(periods)) if preference is None else list(preference)
    targets = np.zeros(periods, dtype=np.int64)
    remaining = total
    while remaining:
        active = [p for p in order if targets[p] < caps[p]]
        share = remaining // len(active)
        if share == 0:
            for p in active[:remaining]:
                targets[p] += 1
            break
        for p in active:
            add = min(share, int(caps[p] - targets[p]))
            targets[p] += add
            remaining -= add
    return targets


def _assign_periods(
    visit_counts: npt.NDArray[np.int64],
    targets: npt.NDArray[np.int64],
    preference: npt.NDArray[np.int64],
    where: str,
) -> npt.NDArray[np.int64]:
    """Give each object (in processing order) ``visit_counts[i]`` distinct periods, ascending.

    Returns an ``(n, max_k)`` matrix of period indices, ``-1`` where the object has fewer visits.
    """
    n = len(visit_counts)
    periods = len(targets)
    max_k = int(visit_counts.max()) if n else 0
    out = np.full((n, max(max_k, 1)), -1, dtype=np.int64)
    remaining = targets.astype(np.int64).copy()
    rank = np.empty(periods, dtype=np.int64)
    rank[preference] = np.arange(periods)
    pointer = 0
    multi = np.flatnonzero(visit_counts > 1)
    for i in multi.tolist():
        k = int(visit_counts[i])
        key = np.lexsort(((rank - pointer) % periods, -remaining))
        chosen = key[:k]
        if (remaining[chosen] <= 0).any():
            raise PlanError(
                f"{where}: cannot give an object {k} visits in distinct periods within the capacities; "
                "raise the capacity of the fullest periods"
            )
        remaining[chosen] -= 1
        out[i, :k] = np.sort(chosen)
        pointer = (pointer + k) % periods
    single = np.flatnonzero(visit_counts == 1)
    if len(single):
        if int(remaining.sum()) != len(single):  # pragma: no cover - guaranteed by the targets
            raise PlanError(f"{where}: internal inconsistency between targets and visits")
        labels = np.repeat(np.arange(periods), remaining)
        level = np.concatenate([np.arange(c) for c in remaining.tolist()]) if len(labels) else labels
        deck = labels[np.lexsort(((rank[labels] - pointer) % periods, level))]
        out[single, 0] = deck
    return out


def _items_by_id(items: ItemList | Mapping[str, CheckItem] | Iterable[CheckItem]) -> dict[str, CheckItem]:
    if isinstance(items, Mapping):
        return dict(items)
    return {item.id: item for item in items}


def plan_department(
    department: str,
    items: ItemList | Mapping[str, CheckItem] | Iterable[CheckItem],
    draws: Iterable[ItemDraw | Any],
    *,
    source: RandomSource,
    year: int | None = None,
    capacity: Sequence[int] | None = None,
    periods: int = DEFAULT_PERIODS,
    matrix: CreditRiskMatrix | None = None,
) -> DepartmentPlan:
    """Build a department's plan: give every drawn object its periods (检查时段), balanced and random.

    Parameters
    ----------
    department:
        Department code.
    items:
        The department's items (an :class:`ItemList`, a mapping by id or an iterable of items).
    draws:
        One :class:`ItemDraw` (or a draw record, adapted by :meth:`ItemDraw.from_record`) per item and round.
    source:
        The :class:`~randinspect.typing.RandomSource`; the same source and inputs give the same plan.
    year:
        The plan year; defaults to the items' year.
    capacity:
        Visits the department can make in each period, or ``None`` for no limit.
    periods:
        Number of periods (4 quarters by default; 12 for months).
    matrix:
        The department's credit-risk matrix, when a round share above 1 raises an item's frequency: an
        item has :func:`randinspect.draw.item_rounds` rounds a year (``None``: its frequency).

    Returns
    -------
    DepartmentPlan
        Guarantees: each period's visits ≤ its capacity; visits differ by at most one between periods below
        capacity; the visits of one object fall in distinct periods, earlier rounds earlier.

    Raises
    ------
    PlanError
        If a draw names an unknown item or another department's item, a round is outside the item's rounds
        (``1..item_rounds(item, matrix)``), a round is given twice, an item's rounds exceed the number of
        periods, or the capacity is too small.
    """
    from randinspect.draw import item_rounds

    by_id = _items_by_id(items)
    draws = [d if isinstance(d, ItemDraw) else ItemDraw.from_record(d) for d in draws]
    years = {item.year for item in by_id.values()}
    if year is None:
        if len(years) > 1:
            raise PlanError(f"items of department {department} span years {sorted(years)}; pass year=")
        year = years.pop() if years else 0
    if capacity is not None and len(capacity) != periods:
        raise PlanError(f"department {department}: {len(capacity)} capacities for {periods} periods")
    problems: list[str] = []
    seen: set[tuple[str, int]] = set()
    for d in draws:
        item = by_id.get(d.item_id)
        if item is None:
            problems.append(f"draw names item {d.item_id!r}, which is not in the department's list")
            continue
        if item.department != department:
            problems.append(f"item {d.item_id!r} belongs to {item.department}, not {department}")
        if item.year != year:
            problems.append(f"item {d.item_id!r} is for {item.year}, plan is for {year}")
        rounds = item_rounds(item, matrix)
        if d.round > rounds:
            raised = "" if rounds == item.frequency else f", {rounds} rounds a year under the matrix"
            problems.append(
                f"item {d.item_id!r} has frequency {item.frequency}{raised}; round {d.round} does not exist"
                + (
                    " (a raised round share of the department's matrix adds rounds: pass matrix=)"
                    if matrix is None
                    else ""
                )
            )
        if rounds > periods:
            problems.append(
                f"item {d.item_id!r} has {rounds} rounds a year but the plan has {periods} periods; "
                "rounds "
                "need distinct periods (use periods=12)"
            )
        if (d.item_id, d.round) in seen:
            problems.append(f"item {d.item_id!r} round {d.round} given twice")
        seen.add((d.item_id, d.round))
    if problems:
        raise PlanError(f"plan of {department} {year}: " + "; ".join(problems))
    sizes = [len(d.selected_ids) for d in draws]
    total = sum(sizes)
    objects = np.array([o for d in draws for o in d.selected_ids], dtype=str) if total else np.empty(0, "U1")
    item_col = (
        np.repeat(np.array([d.item_id for d in draws], dtype=str), sizes) if total else np.empty(0, "U1")
    )
    round_col = np.repeat(np.array([d.round for d in draws], dtype=np.int64), sizes)
    return _plan_from_tasks(
        department, year, objects, item_col, round_col, source=source, capacity=capacity, periods=periods
    )


def _visits_for(
    objects: StrArray, item_col: StrArray, round_col: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """Canonical task order and each task's visit index (rank of its round among the item's rounds)."""
    order = np.lexsort((round_col, item_col, objects))
    o, i = objects[order], item_col[order]
    n = len(order)
    start = np.ones(n, dtype=bool)
    start[1:] = (o[1:] != o[:-1]) | (i[1:] != i[:-1])
    group_start = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    visits = (np.arange(n) - group_start).astype(np.int64)
    return order, visits


def _plan_from_tasks(
    department: str,
    year: int,
    objects: StrArray,
    item_col: StrArray,
    round_col: npt.NDArray[np.int64],
    *,
    source: RandomSource,
    capacity: Sequence[int] | None,
    periods: int,
) -> DepartmentPlan:
    where = f"plan of {department} {year}"
    if not len(objects):
        empty_i = np.empty(0, dtype=np.int64)
        return DepartmentPlan(
            department=department,
            year=year,
            periods=periods,
            capacity=capacity,
            object_ids=np.empty(0, "U1"),
            item_ids=np.empty(0, "U1"),
            rounds=empty_i,
            visits=empty_i,
            period_index=empty_i,
            randomness=source.describe(),
        )
    order, visits = _visits_for(objects, item_col, round_col)
    objects, item_col, round_col = objects[order], item_col[order], round_col[order]
    canonical = np.lexsort((round_col, item_col, visits, objects))
    objects, item_col, round_col, visits = (
        objects[canonical],
        item_col[canonical],
        round_col[canonical],
        visits[canonical],
    )
    uniq, inverse = np.unique(objects, return_inverse=True)
    k = np.zeros(len(uniq), dtype=np.int64)
    np.maximum.at(k, inverse, visits + 1)
    if int(k.max()) > periods:
        raise PlanError(
            f"{where}: an object needs {int(k.max())} visits but there are only {periods} periods"
        )
    tickets = np.asarray(source.tickets(f"plan|{year}|{department}|order", uniq), dtype=np.uint64)
    process = np.lexsort((tickets, -k))
    preference = np.argsort(
        np.asarray(source.uniforms(f"plan|{year}|{department}|periods", periods)), kind="stable"
    )
    try:
        targets = balanced_targets(int(k.sum()), capacity, periods, preference.tolist())
    except PlanError as exc:
        raise PlanError(f"{where}: {exc}") from None
    chosen = _assign_periods(k[process], targets, preference.astype(np.int64), where)
    by_object = np.empty_like(chosen)
    by_object[process] = chosen
    period_col = by_object[inverse, visits]
    return DepartmentPlan(
        department=department,
        year=year,
        periods=periods,
        capacity=capacity,
        object_ids=objects,
        item_ids=item_col,
        rounds=round_col,
        visits=visits,
        period_index=period_col,
        randomness=source.describe(),
    )
