"""Inspection tasks, seat rules and the seat groups they expand to.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from randinspect.errors import ConfigurationError, InputError
from randinspect.items import InspectionMethod, SupervisionLevel, ThirdParty

__all__ = [
    "DEFAULT_SEAT_RULE",
    "ConflictList",
    "HistoryRecord",
    "InspectionTask",
    "JurisdictionLevel",
    "SeatGroup",
    "SeatKind",
    "SeatRule",
    "TaskCategory",
    "seat_groups",
]


class TaskCategory(enum.Enum):
    """Why a task exists (任务类别): the yearly random draw, a special campaign, or a case.

    ``RANDOM``: drawn by the year's plan (双随机抽查). ``SPECIAL``: a special campaign (专项检查)
    launched by a published plan adjustment against a widespread problem (§四(八)2). ``CASE``: an
    individual lead from a complaint, referral or monitoring that must be checked at once (个案线索,
    立即实施检查). All three enter the same matching, so workload and statistics see them.
    """

    RANDOM = "random"
    SPECIAL = "special"
    CASE = "case"

    @property
    def zh(self) -> str:
        """The Chinese term."""
        return {"random": "双随机抽查", "special": "专项检查", "case": "个案线索检查"}[self.value]


def _category(value: Any) -> TaskCategory:
    if isinstance(value, TaskCategory):
        return value
    text = str(value).strip().lower()
    for c in TaskCategory:
        if text in (c.value, c.zh):
            return c
    raise InputError(
        f"unknown task category {value!r}; use one of: "
        + ", ".join(f"{c.value} ({c.zh})" for c in TaskCategory)
    )


def _level(value: Any) -> SupervisionLevel:
    try:
        return SupervisionLevel.parse(value)
    except ConfigurationError as exc:
        raise InputError(str(exc)) from None


def _method(value: Any) -> InspectionMethod:
    try:
        return InspectionMethod.parse(value)
    except ConfigurationError as exc:
        raise InputError(str(exc)) from None


def _officer_specialties(values: Any) -> tuple[tuple[str, str], ...]:
    """``(department, specialty)`` pairs from pairs or ``"DEPT:specialty"`` text (``;``/``|``/``,`` lists)."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [v for v in values.replace(";", ",").replace("|", ",").split(",") if v.strip()]
    out: list[tuple[str, str]] = []
    for v in values:
        if isinstance(v, str):
            department, sep, specialty = v.partition(":")
            if not sep:
                raise InputError(
                    f"officer specialty {v!r} must be written DEPARTMENT:specialty (e.g. SAMR:特种设备)"
                )
        else:
            department, specialty = v
        pair = (str(department).strip(), str(specialty).strip())
        if not pair[0] or not pair[1]:
            raise InputError(f"officer specialty {v!r} needs a department and a specialty")
        if pair not in out:
            out.append(pair)
    return tuple(sorted(out))


def _third_parties(values: Any) -> tuple[ThirdParty, ...]:
    if values is None:
        return ()
    try:
        return tuple(v if isinstance(v, ThirdParty) else ThirdParty.from_dict(v) for v in values)
    except ConfigurationError as exc:
        raise InputError(str(exc)) from None


def _as_date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"{what}: {value!r} is not a date; write it as YYYY-MM-DD") from None


def _str_tuple(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = values.replace(";", ",").replace("|", ",").split(",")
    out: list[str] = []
    for v in values:
        s = str(v).strip()
        if s and s not in out:
            out.append(s)
    return tuple(out)


def _window(value: Any) -> tuple[dt.date, dt.date]:
    start, end = value
    return (_as_date(start, "window start"), _as_date(end, "window end"))


@attrs.frozen(kw_only=True)
class InspectionTask:
    """One visit to one object in a time window (检查任务): the unit the inspection group (联合检查组) serves.

    A task carries the check items done on the visit and the departments taking part: one for a department
    plan, several for a joint plan (部门联合抽查计划, §四(七)1). Its group needs seats (see
    :class:`SeatRule`).

    Parameters
    ----------
    id:
        Task id, unique within a matching.
    object_id:
        Id of the inspected object (its unified social credit code for subjects).
    region:
        6-digit GB/T 2260 division code of the object.
    unit:
        Code of the object's supervising unit (属地监管单位).
    window:
        ``(start, end)`` dates, inclusive: the inspection happens within this window (检查时段).
    items:
        Ids of the check items done on the visit.
    departments:
        Codes of the participating departments (one or several, no duplicates).
    specialties:
        Expert specialties the items need (专家业务专长, §四(三)2); one expert seat group each.
    officer_specialties:
        ``(department, specialty)`` pairs: one of that department's officer seats needs an officer with the
        specialty (业务专长, §四(三)1).
    service_fields:
        Service fields of the items (服务领域); an expert who lists service fields must serve one of them.
    level:
        Supervision level of the items (:class:`randinspect.items.SupervisionLevel`); the jurisdiction rule
        follows it.
    third_parties:
        Third parties entrusted with part of the work (委托第三方); recorded with the task, they never take
        an officer's seat.
    category:
        Random draw, special campaign or case (:class:`TaskCategory`).
    note:
        Free text: the campaign or case reference of a special or case task.
    method:
        How the items are checked (检查方式, §四(八)1): ``on_site`` (实地检查, the default) tasks get an
        inspection group; ``online`` (网上检查), ``documents`` (书面检查) and ``credit_commitment``
        (信用承诺) tasks are desk tasks of the department, with no visit and no group (see
        :func:`randinspect.planning.inspection_tasks`).

        .. versionadded:: 0.2.0
    """

    id: str = attrs.field(converter=str)
    object_id: str = attrs.field(converter=str)
    region: str = attrs.field(converter=str)
    unit: str = attrs.field(converter=str)
    window: tuple[dt.date, dt.date] = attrs.field(converter=_window)
    items: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    departments: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    specialties: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    officer_specialties: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_officer_specialties)
    service_fields: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    level: SupervisionLevel = attrs.field(default=SupervisionLevel.TERRITORIAL, converter=_level)
    third_parties: tuple[ThirdParty, ...] = attrs.field(default=(), converter=_third_parties)
    category: TaskCategory = attrs.field(default=TaskCategory.RANDOM, converter=_category)
    note: str = attrs.field(default="", converter=str)
    method: InspectionMethod = attrs.field(default=InspectionMethod.ON_SITE, converter=_method)

    def __attrs_post_init__(self) -> None:
        if not self.id.strip():
            raise InputError("inspection task with an empty id; give every task a unique id")
        if self.window[0] > self.window[1]:
            raise InputError(
                f"task {self.id!r}: window starts {self.window[0]} after it ends {self.window[1]}; "
                "swap the dates"
            )
        if not self.departments:
            raise InputError(f"task {self.id!r} names no department; list the participating departments")
        foreign = sorted({d for d, _ in self.officer_specialties if d not in self.departments})
        if foreign:
            raise InputError(
                f"task {self.id!r}: officer specialties name department(s) {foreign} that do not take part "
                f"(departments: {', '.join(self.departments)})"
            )

    @property
    def start(self) -> dt.date:
        """First day of the window."""
        return self.window[0]

    @property
    def end(self) -> dt.date:
        """Last day of the window."""
        return self.window[1]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping; :meth:`from_dict` reads it back.

        Fields added in 0.2 are written only when they differ from their defaults, so the digests of
        tasks without them are unchanged.
        """
        out: dict[str, Any] = {
            "id": self.id,
            "object_id": self.object_id,
            "region": self.region,
            "unit": self.unit,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "items": list(self.items),
            "departments": list(self.departments),
            "specialties": list(self.specialties),
        }
        if self.officer_specialties:
            out["officer_specialties"] = [f"{d}:{s}" for d, s in self.officer_specialties]
        if self.service_fields:
            out["service_fields"] = list(self.service_fields)
        if self.level is not SupervisionLevel.TERRITORIAL:
            out["level"] = self.level.value
        if self.third_parties:
            out["third_parties"] = [t.to_dict() for t in self.third_parties]
        if self.category is not TaskCategory.RANDOM:
            out["category"] = self.category.value
        if self.note:
            out["note"] = self.note
        if self.method is not InspectionMethod.ON_SITE:
            out["method"] = self.method.value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InspectionTask:
        """Build a task from a mapping with the keys of :meth:`to_dict`.

        ``window`` may be given as a pair instead of ``start`` and ``end``; list fields may be strings
        separated by ``,``, ``;`` or ``|`` (as in CSV cells).
        """
        try:
            window = data["window"] if "window" in data else (data["start"], data["end"])
            return cls(
                id=data["id"],
                object_id=data["object_id"],
                region=data.get("region", ""),
                unit=data.get("unit", ""),
                window=window,
                items=data.get("items") or (),
                departments=data.get("departments") or (),
                specialties=data.get("specialties") or (),
                officer_specialties=data.get("officer_specialties") or (),
                service_fields=data.get("service_fields") or (),
                level=data.get("level") or SupervisionLevel.TERRITORIAL,
                third_parties=data.get("third_parties") or (),
                category=data.get("category") or TaskCategory.RANDOM,
                note=data.get("note") or "",
                method=data.get("method") or InspectionMethod.ON_SITE,
            )
        except KeyError as exc:
            raise InputError(
                f"task {dict(data).get('id', '?')!r} lacks the field {exc.args[0]!r}; "
                "a task needs id, object_id, start, end and departments"
            ) from None


class JurisdictionLevel(enum.Enum):
    """How finely the territorial rule (属地监管, §四(七)3) binds inspectors to objects.

    ``REGION``: an inspector's jurisdiction entry must cover the object's division code (a county code, or a
    city/province code covering it by prefix) or name the object's supervising unit. ``UNIT``: an entry must
    name the object's supervising unit exactly. ``NONE``: no territorial rule.
    """

    REGION = "region"
    UNIT = "unit"
    NONE = "none"


class SeatKind(enum.Enum):
    """Kind of seat in an inspection group: law-enforcement officer (执法人员) or expert (专家)."""

    OFFICER = "officer"
    EXPERT = "expert"


def _positive(instance: Any, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"SeatRule.{attribute.name} must be a non-negative integer, got {value!r}")


def _roles(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(getattr(v, "value", v)).strip().lower() for v in values)


@attrs.frozen(kw_only=True)
class SeatRule:
    """The rules that make a task's seats and say who may fill them (编组规则).

    Defaults follow the policy: at least two certified law-enforcement officers in all (§四(三)1); each
    participating department staffs its own share, one officer each by default, the missing ones going to
    the departments in code order (so a single-department task gets two of its officers); one expert per
    specialty an item needs (§四(三)2).

    Parameters
    ----------
    min_officers:
        Least number of certified officers in a group.
    officers_per_department:
        Officers each participating department provides at least.
    experts_per_specialty:
        Experts per needed specialty.
    jurisdiction:
        Territorial rule for officers (:class:`JurisdictionLevel`).
    expert_jurisdiction:
        Apply the territorial rule to experts too (off: experts serve the whole city).
    expert_same_department:
        Experts must belong to one of the task's departments (off: any department's expert directory).
    officer_roles:
        Inspector roles that may fill officer seats; they need a certificate valid on every day of the window.
    avoid_previous:
        Exclude the inspectors of the object's previous inspection (history input).
    former_employer_conflict:
        Exclude inspectors who worked for the object (``former_employers``).
    """

    min_officers: int = attrs.field(default=2, validator=_positive)
    officers_per_department: int = attrs.field(default=1, validator=_positive)
    experts_per_specialty: int = attrs.field(default=1, validator=_positive)
    jurisdiction: JurisdictionLevel = attrs.field(
        default=JurisdictionLevel.REGION, converter=JurisdictionLevel
    )
    expert_jurisdiction: bool = False
    expert_same_department: bool = False
    officer_roles: tuple[str, ...] = attrs.field(default=("officer", "staff"), converter=_roles)
    avoid_previous: bool = True
    former_employer_conflict: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping; :meth:`from_dict` reads it back."""
        return {
            "min_officers": self.min_officers,
            "officers_per_department": self.officers_per_department,
            "experts_per_specialty": self.experts_per_specialty,
            "jurisdiction": self.jurisdiction.value,
            "expert_jurisdiction": self.expert_jurisdiction,
            "expert_same_department": self.expert_same_department,
            "officer_roles": list(self.officer_roles),
            "avoid_previous": self.avoid_previous,
            "former_employer_conflict": self.former_employer_conflict,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SeatRule:
        """Read a rule written by :meth:`to_dict` (missing keys take the defaults)."""
        known = {f.name for f in attrs.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigurationError(f"unknown seat-rule keys {unknown}; known keys are {sorted(known)}")
        kwargs = dict(data)
        if "officer_roles" in kwargs:
            kwargs["officer_roles"] = tuple(kwargs["officer_roles"])
        return cls(**kwargs)


#: The seat rule used when none is given; docs/matching.md ("Seat rules") describes it: change both.
DEFAULT_SEAT_RULE = SeatRule()


@attrs.frozen(kw_only=True)
class SeatGroup:
    """Interchangeable seats of one task: ``size`` officers of one department, or experts of one specialty.

    ``id`` is ``"<task id>|officer|<department>"``, ``"<task id>|officer|<department>/<specialty>"`` (a seat
    for an officer with a specialty the task needs) or ``"<task id>|expert|<specialty>"``.
    """

    task_id: str
    kind: SeatKind
    key: str
    size: int

    @property
    def department(self) -> str:
        """Department of an officer seat (empty for experts)."""
        return self.key.partition("/")[0] if self.kind is SeatKind.OFFICER else ""

    @property
    def specialty(self) -> str:
        """Specialty the seat needs (an expert's, or an officer's after ``/``; empty when none)."""
        return self.key if self.kind is SeatKind.EXPERT else self.key.partition("/")[2]

    @property
    def id(self) -> str:
        """Stable id of the seat group."""
        return f"{self.task_id}|{self.kind.value}|{self.key}"


def seat_groups(task: InspectionTask, rule: SeatRule = DEFAULT_SEAT_RULE) -> tuple[SeatGroup, ...]:
    """The seat groups of a task under ``rule``: officers per department (code order), then experts.

    Examples
    --------
    >>> t = InspectionTask(id="T1", object_id="O1", region="520102", unit="U1",
    ...                    window=("2027-03-01", "2027-03-31"), departments=["SAMR"])
    >>> [(g.key, g.size) for g in seat_groups(t)]
    [('SAMR', 2)]
    """
    departments = sorted(task.departments)
    sizes = [rule.officers_per_department] * len(departments)
    missing = max(0, rule.min_officers - sum(sizes))
    if departments:
        per, extra = divmod(missing, len(departments))
        sizes = [s + per + (1 if j < extra else 0) for j, s in enumerate(sizes)]
    specialists: dict[str, list[str]] = {}
    for d, spec in task.officer_specialties:
        specialists.setdefault(d, []).append(spec)
    out: list[SeatGroup] = []
    for d, size in zip(departments, sizes, strict=True):
        specs = sorted(specialists.get(d, ()))
        # one seat per needed specialty (key "DEPT/specialty"), the rest of the share as plain seats
        out.extend(SeatGroup(task_id=task.id, kind=SeatKind.OFFICER, key=f"{d}/{sp}", size=1) for sp in specs)
        if size - len(specs) > 0:
            out.append(SeatGroup(task_id=task.id, kind=SeatKind.OFFICER, key=d, size=size - len(specs)))
    if rule.experts_per_specialty > 0:
        out.extend(
            SeatGroup(task_id=task.id, kind=SeatKind.EXPERT, key=s, size=rule.experts_per_specialty)
            for s in sorted(task.specialties)
        )
    return tuple(out)


def _pair(value: Any, what: str) -> tuple[str, str]:
    if isinstance(value, Mapping):
        return (str(value["inspector_id"]), str(value["object_id"]))
    a, b = value
    return (str(a), str(b))


def _pairs(values: Iterable[Any]) -> frozenset[tuple[str, str]]:
    return frozenset(_pair(v, "conflict") for v in values)


def _competitor_pairs(values: Iterable[Any]) -> frozenset[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for v in values:
        if isinstance(v, Mapping):
            a, b = str(v["object_id"]), str(v["competitor_id"])
        else:
            a, b = (str(x) for x in v)
        if a == b:
            raise InputError(f"object {a!r} is listed as its own competitor")
        out.add((min(a, b), max(a, b)))
    return frozenset(out)


@attrs.frozen
class ConflictList:
    """Explicit conflicts of interest (回避名单): ``(inspector_id, object_id)`` pairs that must not meet.

    Rule-based conflicts recorded on the inspector are applied on top of it: former employers (曾任职单位,
    switchable by :class:`SeatRule`), family ties (亲属关系) and the affiliation (工作单位) of an expert, with
    the affiliation's competitors listed by the department (``competitors``).

    Parameters
    ----------
    pairs:
        Declared ``(inspector_id, object_id)`` pairs.
    competitors:
        ``(object_id, competitor_id)`` pairs, read both ways: a person affiliated with one object never
        inspects the other.
    """

    pairs: frozenset[tuple[str, str]] = attrs.field(factory=frozenset, converter=_pairs)
    competitors: frozenset[tuple[str, str]] = attrs.field(factory=frozenset, converter=_competitor_pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def competitors_of(self) -> dict[str, set[str]]:
        """Each object's competitors (both directions)."""
        out: dict[str, set[str]] = {}
        for a, b in self.competitors:
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
        return out

    def sorted_pairs(self) -> list[tuple[str, str]]:
        """The pairs in canonical order."""
        return sorted(self.pairs)


def _history_date(value: Any) -> dt.date:
    return _as_date(value, "history date")


@attrs.frozen(kw_only=True)
class HistoryRecord:
    """A past inspection: inspector ``inspector_id`` inspected object ``object_id`` on ``date`` (检查记录).

    The inspectors of an object's latest recorded inspection may not inspect it again (no repeat of the last
    pair).
    """

    object_id: str = attrs.field(converter=str)
    inspector_id: str = attrs.field(converter=str)
    date: dt.date = attrs.field(converter=_history_date)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HistoryRecord:
        """Read ``{"object_id", "inspector_id", "date"}``."""
        try:
            return cls(object_id=data["object_id"], inspector_id=data["inspector_id"], date=data["date"])
        except KeyError as exc:
            raise InputError(
                f"history record lacks {exc.args[0]!r}; give object_id, inspector_id and date"
            ) from None
