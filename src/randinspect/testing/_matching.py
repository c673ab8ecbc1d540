"""Testing help for inspector matching: instance generators, Hypothesis strategies and a conformance check.

:func:`check_inspector_matcher` runs the guarantees of the
:class:`~randinspect.typing.InspectorMatcher` Protocol against any matcher, like scikit-learn's
``check_estimator``; membership is re-checked from the raw inspector records, independently of the library's
eligibility graph. Hypothesis is imported only by the strategy functions.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from randinspect.errors import InfeasibleMatchingError
from randinspect.matching._problem import MatchingProblem
from randinspect.matching._tasks import (
    ConflictList,
    HistoryRecord,
    InspectionTask,
    JurisdictionLevel,
    SeatKind,
    SeatRule,
    seat_groups,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from randinspect.matching._result import MatchResult
    from randinspect.typing import InspectorMatcher

__all__ = [
    "MatchingInstance",
    "check_inspector_matcher",
    "eligible",
    "inspection_tasks",
    "matching_instances",
    "random_matching_instance",
    "tiny_inspectors",
    "tiny_tasks",
]

_YEAR = 2027


def _inspector(**kwargs: Any) -> Any:
    from randinspect.directory import EnforcementCertificate, Inspector

    cert = kwargs.pop("cert", None)
    if cert is not None:
        kwargs["certificate"] = EnforcementCertificate(
            number=f"C-{kwargs['id']}", valid_from=cert[0], valid_to=cert[1]
        )
    return Inspector(**kwargs)


def tiny_inspectors() -> list[Any]:
    """Twelve inspectors of a two-district toy city: officers of departments ``SAMR`` and ``HEALTH``, experts.

    Used in docstring examples and tests.
    """
    year = (dt.date(_YEAR, 1, 1), dt.date(_YEAR, 12, 31))
    out = []
    for d in ("SAMR", "HEALTH"):
        for region in ("520102", "520103"):
            for k in range(2):
                out.append(
                    _inspector(
                        id=f"{d}-{region[-1]}{k}",
                        name=f"{d} officer {region}-{k}",
                        role="officer",
                        department=d,
                        unit=f"U{region}",
                        jurisdiction=(region,),
                        cert=year,
                    )
                )
    for k, spec in enumerate(("food", "food", "drugs", "drugs")):
        out.append(
            _inspector(
                id=f"EXP-{k}", name=f"expert {k}", role="expert", department="SAMR", specialties=(spec,)
            )
        )
    return out


def tiny_tasks() -> list[InspectionTask]:
    """Four tasks on the toy city of :func:`tiny_inspectors` (one joint, one needing a food expert)."""
    w = (dt.date(_YEAR, 3, 1), dt.date(_YEAR, 3, 31))
    return [
        InspectionTask(
            id="T1", object_id="O1", region="520102", unit="U520102", window=w, departments=["SAMR"]
        ),
        InspectionTask(
            id="T2", object_id="O2", region="520103", unit="U520103", window=w, departments=["SAMR", "HEALTH"]
        ),
        InspectionTask(
            id="T3",
            object_id="O3",
            region="520102",
            unit="U520102",
            window=w,
            departments=["HEALTH"],
            specialties=["food"],
        ),
        InspectionTask(
            id="T4", object_id="O4", region="520103", unit="U520103", window=w, departments=["HEALTH"]
        ),
    ]


@attrs.frozen(kw_only=True)
class MatchingInstance:
    """Inputs of one matching: tasks, inspectors, conflicts, history, caps and the seat rule."""

    tasks: tuple[InspectionTask, ...]
    inspectors: tuple[Any, ...]
    conflicts: ConflictList = attrs.field(factory=ConflictList)
    history: tuple[HistoryRecord, ...] = ()
    caps: int | Mapping[str, int] | None = None
    rule: SeatRule = attrs.field(factory=SeatRule)

    def problem(self) -> MatchingProblem:
        """Build the :class:`MatchingProblem`."""
        return MatchingProblem.build(
            self.tasks,
            self.inspectors,
            rule=self.rule,
            conflicts=self.conflicts,
            history=self.history,
            caps=self.caps,
        )


def random_matching_instance(
    seed: int,
    *,
    n_tasks: int = 30,
    n_regions: int = 3,
    departments: Sequence[str] = ("SAMR", "HEALTH"),
    officers_per_bucket: int = 5,
    experts_per_specialty: int = 4,
    specialties: Sequence[str] = ("food", "drugs"),
    joint_share: float = 0.3,
    specialty_share: float = 0.3,
    expired_share: float = 0.1,
    unavailable_share: float = 0.1,
    n_conflicts: int = 5,
    n_history: int = 10,
    cap: int | None = None,
    extra_rules: bool = False,
) -> MatchingInstance:
    """A reproducible random instance (test data only; uses a local numpy ``Generator``).

    Officers: ``officers_per_bucket`` per department and region, some with an expired certificate or a
    short availability window; experts city-wide; tasks spread over the regions and the year's quarters,
    some joint, some needing a specialty; random explicit conflicts and history.

    With ``extra_rules`` the instance also exercises the rules added in 0.2: officers with specialties and
    family ties, city-wide officers, experts with an affiliation, service fields and directory dates,
    competitor pairs, tasks needing an officer specialty or a service field, and city-level tasks.
    """
    rng = np.random.default_rng(seed)
    regions = [f"5201{k:02d}" for k in range(1, n_regions + 1)]
    year_start = dt.date(_YEAR, 1, 1)
    inspectors: list[Any] = []
    for d in departments:
        for r in regions:
            for k in range(officers_per_bucket):
                iid = f"{d}-{r}-{k:03d}"
                cert_end = dt.date(_YEAR, 12, 31)
                if rng.random() < expired_share:
                    cert_end = dt.date(_YEAR, 1 + int(rng.integers(0, 6)), 28)
                avail: tuple[tuple[dt.date, dt.date], ...] = ()
                if rng.random() < unavailable_share:
                    m = 1 + int(rng.integers(0, 9))
                    avail = ((dt.date(_YEAR, m, 1), dt.date(_YEAR, m + 3, 28)),)
                inspectors.append(
                    _inspector(
                        id=iid,
                        name=iid,
                        role="officer",
                        department=d,
                        unit=f"U{r}",
                        jurisdiction=(r,),
                        cert=(dt.date(_YEAR - 3, 1, 1), cert_end),
                        availability=avail,
                    )
                )
    for s in specialties:
        for k in range(experts_per_specialty):
            iid = f"EXP-{s}-{k:03d}"
            inspectors.append(
                _inspector(id=iid, name=iid, role="expert", department=departments[0], specialties=(s,))
            )
    tasks: list[InspectionTask] = []
    for t in range(n_tasks):
        r = regions[int(rng.integers(0, len(regions)))]
        q = int(rng.integers(0, 4))
        start = dt.date(_YEAR, 1 + 3 * q, 1)
        end = dt.date(_YEAR, 3 + 3 * q, 28)
        if len(departments) > 1 and rng.random() < joint_share:
            deps = list(rng.choice(departments, size=2, replace=False))
        else:
            deps = [departments[int(rng.integers(0, len(departments)))]]
        specs = (
            [specialties[int(rng.integers(0, len(specialties)))]] if rng.random() < specialty_share else []
        )
        tasks.append(
            InspectionTask(
                id=f"T{t:05d}",
                object_id=f"O{t:05d}",
                region=r,
                unit=f"U{r}",
                window=(start, end),
                departments=deps,
                specialties=specs,
            )
        )
    del year_start
    competitors: list[tuple[str, str]] = []
    if extra_rules:
        inspectors, tasks, competitors = _extra_rules(rng, inspectors, tasks, departments, regions)
    ids = [p.id for p in inspectors]
    conflicts = ConflictList(
        [
            (ids[int(rng.integers(0, len(ids)))], tasks[int(rng.integers(0, n_tasks))].object_id)
            for _ in range(n_conflicts)
        ],
        competitors=competitors,
    )
    history = tuple(
        HistoryRecord(
            object_id=tasks[int(rng.integers(0, n_tasks))].object_id,
            inspector_id=ids[int(rng.integers(0, len(ids)))],
            date=dt.date(_YEAR - 1, 1 + int(rng.integers(0, 12)), 15),
        )
        for _ in range(n_history)
    )
    return MatchingInstance(
        tasks=tuple(tasks), inspectors=tuple(inspectors), conflicts=conflicts, history=history, caps=cap
    )


def _extra_rules(
    rng: np.random.Generator,
    inspectors: list[Any],
    tasks: list[InspectionTask],
    departments: Sequence[str],
    regions: Sequence[str],
) -> tuple[list[Any], list[InspectionTask], list[tuple[str, str]]]:
    """Add the 0.2 rules to an instance (see :func:`random_matching_instance`)."""
    objects = [t.object_id for t in tasks]
    fields = ("food-service", "retail")
    people: list[Any] = []
    for person in inspectors:
        changes: dict[str, Any] = {}
        if person.role.value == "officer":
            if rng.random() < 0.5:
                changes["specialties"] = ("boilers",)
            if rng.random() < 0.1:
                changes["family_ties"] = (objects[int(rng.integers(0, len(objects)))],)
        else:
            if rng.random() < 0.3:
                changes["affiliation"] = objects[int(rng.integers(0, len(objects)))]
            if rng.random() < 0.5:
                changes["service_fields"] = (fields[int(rng.integers(0, 2))],)
            if rng.random() < 0.3:
                changes["joined_on"] = dt.date(_YEAR, 1 + int(rng.integers(0, 12)), 1)
            if rng.random() < 0.2:
                changes["left_on"] = dt.date(_YEAR, 6 + int(rng.integers(0, 7)), 1)
                if changes.get("joined_on") and changes["joined_on"] > changes["left_on"]:
                    del changes["joined_on"]
        people.append(attrs.evolve(person, **changes) if changes else person)
    city = regions[0][:4]
    for d in departments:
        for k in range(3):
            iid = f"{d}-city-{k:03d}"
            people.append(
                _inspector(
                    id=iid,
                    name=iid,
                    role="officer",
                    department=d,
                    unit="UCITY",
                    jurisdiction=(city,),
                    cert=(dt.date(_YEAR - 3, 1, 1), dt.date(_YEAR, 12, 31)),
                    specialties=("boilers",) if k else (),
                )
            )
    from randinspect.items import SupervisionLevel

    out: list[InspectionTask] = []
    for t in tasks:
        changes = {}
        if rng.random() < 0.3:
            d = t.departments[int(rng.integers(0, len(t.departments)))]
            changes["officer_specialties"] = ((d, "boilers"),)
        if t.specialties and rng.random() < 0.5:
            changes["service_fields"] = (fields[int(rng.integers(0, 2))],)
        if rng.random() < 0.2:
            changes["level"] = SupervisionLevel.CITY
        out.append(attrs.evolve(t, **changes) if changes else t)
    competitors = []
    for _ in range(3 if len(objects) > 1 else 0):
        a, b = rng.choice(len(objects), size=2, replace=False).tolist()
        competitors.append((objects[a], objects[b]))
    return people, out, competitors


# ----------------------------------------------------------------------------- independent eligibility check


def _covers(juris: Iterable[str], task: InspectionTask, level: JurisdictionLevel) -> bool:
    from randinspect.items import SupervisionLevel

    codes = [str(c) for c in juris]
    if level is JurisdictionLevel.NONE or not codes:
        return True
    territorial = task.level is SupervisionLevel.TERRITORIAL
    if task.unit in codes and (territorial or level is JurisdictionLevel.UNIT):
        return True
    if level is JurisdictionLevel.UNIT:
        return False
    if not territorial:
        # the supervision level fixes the widest division a covering entry may be narrower than
        width = {SupervisionLevel.COUNTY: 6, SupervisionLevel.CITY: 4, SupervisionLevel.PROVINCE: 2}[
            task.level
        ]
        codes = [c for c in codes if (_significant(c) if len(c) == 6 else len(c)) <= width]
    for c in codes:
        stripped = c
        while stripped.endswith("00") and len(stripped) > 2:
            stripped = stripped[:-2]
        if task.region == c or (len(c) < 6 and task.region.startswith(c)) or task.region.startswith(stripped):
            return True
    return False


def _significant(code: str) -> int:
    """Digits of a padded 6-digit division code that matter (``"520100"`` → 4, ``"520102"`` → 6)."""
    stripped = code
    while stripped.endswith("00") and len(stripped) > 2:
        stripped = stripped[:-2]
    return len(stripped)


def _last_inspectors(history: Iterable[HistoryRecord]) -> dict[str, set[str]]:
    latest: dict[str, tuple[dt.date, set[str]]] = {}
    for h in history:
        cur = latest.get(h.object_id)
        if cur is None or h.date > cur[0]:
            latest[h.object_id] = (h.date, {h.inspector_id})
        elif h.date == cur[0]:
            cur[1].add(h.inspector_id)
    return {k: v[1] for k, v in latest.items()}


def eligible(
    inspector: Any,
    task: InspectionTask,
    kind: SeatKind,
    key: str,
    *,
    rule: SeatRule,
    conflicts: ConflictList,
    last: Mapping[str, set[str]],
) -> bool:
    """Whether ``inspector`` may fill a seat (``kind``, department or specialty ``key``) of ``task``.

    A direct, record-by-record restatement of the eligibility rules, for tests.
    """
    role = str(getattr(inspector.role, "value", inspector.role)).lower()
    if kind is SeatKind.OFFICER:
        department, _, specialty = key.partition("/")
        if role not in rule.officer_roles or inspector.department != department:
            return False
        if specialty and specialty not in inspector.specialties:
            return False
        if not _covers(inspector.jurisdiction, task, rule.jurisdiction):
            return False
        cert = inspector.certificate
        if cert is None or not (cert.valid_from <= task.start and task.end <= cert.valid_to):
            return False
    else:
        if role != "expert" or key not in inspector.specialties:
            return False
        if rule.expert_jurisdiction and not _covers(inspector.jurisdiction, task, rule.jurisdiction):
            return False
        if rule.expert_same_department and inspector.department not in task.departments:
            return False
        served = getattr(inspector, "service_fields", ())
        if task.service_fields and served and not set(served) & set(task.service_fields):
            return False
    if inspector.availability and not any(
        a <= task.start and task.end <= b for a, b in inspector.availability
    ):
        return False
    joined, left = getattr(inspector, "joined_on", None), getattr(inspector, "left_on", None)
    if (joined is not None and task.start < joined) or (left is not None and task.end > left):
        return False
    if (inspector.id, task.object_id) in conflicts.pairs:
        return False
    if rule.former_employer_conflict and task.object_id in inspector.former_employers:
        return False
    if task.object_id in getattr(inspector, "family_ties", ()):
        return False
    employer = getattr(inspector, "affiliation", "")
    if employer and (
        task.object_id == employer
        or (min(employer, task.object_id), max(employer, task.object_id)) in conflicts.competitors
    ):
        return False
    return not (rule.avoid_previous and inspector.id in last.get(task.object_id, set()))


def _check_result(instance: MatchingInstance, result: MatchResult, name: str) -> None:
    """Assert the guarantees every complete or partial result must keep."""
    rule = instance.rule
    people = {p.id: p for p in instance.inspectors}
    tasks = {t.id: t for t in instance.tasks}
    last = _last_inspectors(instance.history)
    caps = instance.caps
    loads: dict[str, int] = {}
    staffed = set()
    for group in result.groups:
        task = tasks[group.task_id]
        staffed.add(task.id)
        expected = {g.id: g for g in seat_groups(task, rule)}
        got = {s.group_id: s for s in group.seats}
        assert set(got) == set(expected), (
            f"{name}: task {task.id} has seats {sorted(got)}, expected {sorted(expected)}"
        )
        members = group.inspector_ids
        assert len(members) == len(set(members)), f"{name}: an inspector sits twice in task {task.id}"
        officers = 0
        for sid, seat in got.items():
            assert len(seat.inspector_ids) == expected[sid].size, f"{name}: seat {sid} has the wrong size"
            for iid in seat.inspector_ids:
                assert iid in people, f"{name}: unknown inspector {iid} in task {task.id}"
                assert eligible(
                    people[iid], task, seat.kind, seat.key, rule=rule, conflicts=instance.conflicts, last=last
                ), f"{name}: inspector {iid} is not eligible for seat {sid}"
                loads[iid] = loads.get(iid, 0) + 1
                officers += seat.kind is SeatKind.OFFICER
        assert officers >= rule.min_officers, f"{name}: task {task.id} has {officers} certified officers"
    for iid, n in loads.items():
        cap = caps if isinstance(caps, int) else (caps or {}).get(iid)
        assert cap is None or n <= cap, f"{name}: inspector {iid} has {n} tasks, cap {cap}"
    reported = {t.task_id for t in result.infeasible}
    assert staffed.isdisjoint(reported), f"{name}: a task is both staffed and reported infeasible"
    assert staffed | reported == set(tasks), f"{name}: some tasks are neither staffed nor reported"
    assert result.complete == (not reported), f"{name}: 'complete' does not match the infeasible report"


def check_inspector_matcher(
    matcher: InspectorMatcher, *, seeds: Sequence[int] = (0, 1, 2, 3), n_tasks: int = 30
) -> None:
    """Check that ``matcher`` honours the :class:`~randinspect.typing.InspectorMatcher` guarantees.

    Runs the matcher on reproducible random instances and on built-in infeasible ones and checks, from the
    raw inspector records (not the library's eligibility graph): every group has exactly its seats and at
    least the rule's certified officers, every member is eligible (department, jurisdiction, certificate,
    availability, specialty, no conflict, no repeat of the last inspection), nobody sits twice in a task, no
    load exceeds its cap; the same source and context give the same matching; an infeasible instance raises
    :class:`~randinspect.errors.InfeasibleMatchingError` unless ``allow_partial=True``, which returns a
    result marked incomplete with a report for every task left out; the problem is left unchanged.

    Raises
    ------
    AssertionError
        Naming the first guarantee broken.
    """
    from randinspect.draw import NumpySource, PublicSeedSource

    name = type(matcher).__name__
    for seed in seeds:
        instance = random_matching_instance(
            seed, n_tasks=n_tasks, cap=max(4, n_tasks // 5), extra_rules=bool(seed % 2)
        )
        problem = instance.problem()
        before = (problem.edge_group.copy(), problem.edge_inspector.copy(), problem.caps.copy())
        source = PublicSeedSource(f"conformance-{seed}")
        try:
            result = matcher.match(problem, source, context=f"check|{seed}")
        except InfeasibleMatchingError:
            result = matcher.match(problem, source, context=f"check|{seed}", allow_partial=True)
            assert not result.complete, f"{name}: raised infeasible but the partial result is complete"
        _check_result(instance, result, name)
        again = matcher.match(problem, source, context=f"check|{seed}", allow_partial=not result.complete)
        assert again.groups == result.groups, f"{name}: same source and context gave another matching"
        other = matcher.match(problem, NumpySource(seed), context=f"check|{seed}", allow_partial=True)
        _check_result(instance, other, name)
        assert np.array_equal(before[0], problem.edge_group), f"{name}: the problem was changed"
        assert np.array_equal(before[2], problem.caps), f"{name}: the problem's caps were changed"
    # infeasible: a department nobody belongs to, and caps too small for the demand
    base = random_matching_instance(99, n_tasks=6)
    ghost = attrs.evolve(
        base,
        tasks=(
            *base.tasks,
            InspectionTask(
                id="T-ghost",
                object_id="O-ghost",
                region=base.tasks[0].region,
                unit=base.tasks[0].unit,
                window=base.tasks[0].window,
                departments=["NO-SUCH-DEPARTMENT"],
            ),
        ),
    )
    for inst, why in ((ghost, "unknown department"), (attrs.evolve(base, caps=0), "zero caps")):
        problem = inst.problem()
        try:
            matcher.match(problem, PublicSeedSource("infeasible"), context="check|infeasible")
        except InfeasibleMatchingError:
            pass
        else:
            raise AssertionError(
                f"{name}: an infeasible instance ({why}) did not raise InfeasibleMatchingError"
            )
        partial = matcher.match(
            problem, PublicSeedSource("infeasible"), context="check|infeasible", allow_partial=True
        )
        assert not partial.complete, f"{name}: a partial result ({why}) is marked complete"
        _check_result(inst, partial, name)


# ---------------------------------------------------------------------------------------------- strategies


def matching_instances(
    *, max_tasks: int = 12, max_regions: int = 3, with_caps: bool = True
) -> SearchStrategy[MatchingInstance]:
    """Hypothesis strategy of small random :class:`MatchingInstance` values (feasible or not)."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw: st.DrawFn) -> MatchingInstance:
        seed = draw(st.integers(0, 2**32 - 1))
        return random_matching_instance(
            seed,
            n_tasks=draw(st.integers(1, max_tasks)),
            n_regions=draw(st.integers(1, max_regions)),
            officers_per_bucket=draw(st.integers(1, 6)),
            experts_per_specialty=draw(st.integers(1, 4)),
            joint_share=draw(st.sampled_from([0.0, 0.3, 1.0])),
            specialty_share=draw(st.sampled_from([0.0, 0.3, 1.0])),
            expired_share=draw(st.sampled_from([0.0, 0.2])),
            unavailable_share=draw(st.sampled_from([0.0, 0.2])),
            n_conflicts=draw(st.integers(0, 6)),
            n_history=draw(st.integers(0, 6)),
            cap=draw(st.one_of(st.none(), st.integers(1, 6))) if with_caps else None,
            extra_rules=draw(st.booleans()),
        )

    return build()


def inspection_tasks(*, departments: Sequence[str] = ("SAMR", "HEALTH")) -> SearchStrategy[InspectionTask]:
    """Hypothesis strategy of valid :class:`InspectionTask` values."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw: st.DrawFn) -> InspectionTask:
        start = draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
        end = start + dt.timedelta(days=draw(st.integers(0, 120)))
        return InspectionTask(
            id=draw(st.text("ABCDEFGHJK0123456789", min_size=1, max_size=8)),
            object_id=draw(st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=18)),
            region=draw(st.sampled_from(["520102", "520103", "520111", "520181"])),
            unit=draw(st.sampled_from(["U1", "U2", "U3"])),
            window=(start, end),
            departments=draw(
                st.lists(st.sampled_from(list(departments)), min_size=1, max_size=2, unique=True)
            ),
            specialties=draw(st.lists(st.sampled_from(["food", "drugs", "fire"]), max_size=2, unique=True)),
        )

    return build()
