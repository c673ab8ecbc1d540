"""Departments, supervising units and inspector records of the demo city, as plain values and dicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from randinspect.datasets import _tables as t
from randinspect.datasets._random import categorical, largest_remainder, make_rng
from randinspect.errors import ConfigurationError
from randinspect.model import Department, SubjectKind, SupervisingUnit

__all__ = [
    "DEFAULT_DEPARTMENTS",
    "EXPERT_TASKS_PER_YEAR",
    "MAX_DEPARTMENTS",
    "MIN_INSPECTORS_PER_UNIT",
    "demo_departments",
    "demo_units",
    "generate_inspector_records",
    "id_card_check_char",
]

#: Every district-level unit has at least this many officers whose enforcement certificates cover the whole
#: plan year. The first two of them are the unit's duty officers (值班执法人员) and register no absence, so
#: every unit can field a lawful group of two officers in every quarter; the other two cover their
#: colleagues' absences (see ``docs/datasets.md``).
MIN_INSPECTORS_PER_UNIT = 4
#: Officers per unit that register no absence in the plan year.
_ON_DUTY = 2

#: Number of departments of the default demo city (the 14 of ``_tables.DEPARTMENTS``).
DEFAULT_DEPARTMENTS = len(t.DEPARTMENTS)
#: Largest ``n_departments`` of the demo city (the 14 and every department of ``_tables.EXTRA_DEPARTMENTS``).
MAX_DEPARTMENTS = t.MAX_DEPARTMENTS
#: Inspections an expert (专家) serves in a year at most: about two a working week. Assumption; expert pools
#: are sized from it (see :func:`generate_inspector_records`).
EXPERT_TASKS_PER_YEAR = 96

# GB 11643-1999 weights of the 17 body digits of a citizen identity number and the check characters.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Mobile number prefixes used for synthetic phone numbers.
_PHONE_PREFIXES = (
    "130",
    "131",
    "132",
    "135",
    "136",
    "138",
    "139",
    "150",
    "151",
    "157",
    "158",
    "180",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)
# Certificate states per 1,000 officers beyond each unit's first MIN_INSPECTORS_PER_UNIT: whole year,
# expires mid-year, expired before the year, issued mid-year. Assumption.
_CERT_STATES = (850, 90, 30, 30)
# Officers versus staff per 1,000 beyond each unit's first MIN_INSPECTORS_PER_UNIT. Assumption.
_OFFICER_PER_MILLE = 850
# Registered absences (登记的离岗) per 1,000 people: none / one short absence of 7-21 days (a full-time
# training course, a posting) / one long absence of 60-150 days (maternity or long sick leave, a secondment).
# Ordinary annual leave (年休假) is not registered: it is taken around the inspection dates, which a group
# chooses freely inside its quarter. Assumption.
_LEAVE_STATES = (880, 90, 30)
_SHORT_ABSENCE_DAYS = (7, 22)  # [low, high)
_LONG_ABSENCE_DAYS = (60, 151)
#: Expert fields whose pools are sized from the objects in their domain: specialty → (tag of the domain's
#: objects, inspections per 1,000 alive domain objects a year the pool must be able to serve). The rates
#: leave room above the demo items (food 5 %, special equipment 10 % plus key users, hazardous chemicals
#: 20 % twice a year, priority polluters plus 5 %). Assumption.
_EXPERT_DOMAINS: Mapping[str, tuple[str, int]] = MappingProxyType(
    {
        "食品检验": ("SAMR:food", 70),
        "特种设备": ("SAMR:special-equipment", 260),
        "危险化学品": ("EMERGENCY:hazchem", 420),
        "环境监测": ("ECO:emission-permit", 200),
    }
)
_MIN_EXPERTS_PER_FIELD = 3
# Officers and staff of the whole city per 10,000 objects (DESIGN.md: about 8,000 for 1,000,000 objects).
_STAFF_PER_10K = 82
# Inspectors with a former employer among the objects (for conflict-of-interest rules), per 1,000.
_FORMER_EMPLOYER_PER_MILLE = 20


def id_card_check_char(body17: str) -> str:
    """The GB 11643-1999 check character of a 17-digit identity-number body (``0``-``9`` or ``X``).

    Examples
    --------
    >>> from randinspect.datasets import id_card_check_char
    >>> id_card_check_char("11010519491231002")
    'X'
    """
    total = sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def check_n_departments(n_departments: object) -> int:
    """Return ``n_departments`` if it is an ``int`` from 1 to :data:`MAX_DEPARTMENTS`, else raise."""
    if (
        isinstance(n_departments, bool)
        or not isinstance(n_departments, int | np.integer)
        or not 1 <= int(n_departments) <= MAX_DEPARTMENTS
    ):
        raise ConfigurationError(
            f"n_departments must be an integer from 1 to {MAX_DEPARTMENTS}, got {n_departments!r}; "
            f"the default city has {DEFAULT_DEPARTMENTS}"
        )
    return int(n_departments)


def _department_table(n_departments: int) -> list[tuple[Department, int]]:
    """(department, relative staff weight) of the first ``n_departments`` departments."""
    rows = [*t.DEPARTMENTS, *((d, w) for d, w, *_ in t.EXTRA_DEPARTMENTS)]
    return rows[:n_departments]


def demo_departments(n_departments: int = DEFAULT_DEPARTMENTS) -> tuple[Department, ...]:
    """The demo city's departments (监管部门), market regulation first.

    Parameters
    ----------
    n_departments:
        How many: the default 14, or up to :data:`MAX_DEPARTMENTS` (public security, human resources and
        social security, healthcare security, urban management ... are added in that order).

    Examples
    --------
    >>> from randinspect.datasets import demo_departments
    >>> [d.code for d in demo_departments(16)][-3:]
    ['CIVIL', 'PSB', 'HRSS']
    """
    n = check_n_departments(n_departments)
    return tuple(dept for dept, _ in _department_table(n))


def department_frame_rule(code: str) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """(kinds, industry prefixes) of a further department's frame; ``None`` = no constraint.

    Only for the departments of ``_tables.EXTRA_DEPARTMENTS``; the first 14 are scoped by tags.
    """
    for dept, _, _, _, kinds, industries in t.EXTRA_DEPARTMENTS:
        if dept.code == code:
            return kinds, (industries or None)
    raise ConfigurationError(f"{code!r} is not one of the further demo departments")


def _unit_template(code: str) -> str:
    if code in t.DISTRICT_UNIT_NAMES:
        return t.DISTRICT_UNIT_NAMES[code]
    for dept, _, template, *_ in t.EXTRA_DEPARTMENTS:
        if dept.code == code:
            return template
    raise ConfigurationError(f"no unit name for department {code!r}")  # pragma: no cover - tables agree


def _specialties(code: str) -> tuple[str, ...]:
    if code in t.SPECIALTIES:
        return t.SPECIALTIES[code]
    for dept, _, _, specialties, *_ in t.EXTRA_DEPARTMENTS:
        if dept.code == code:
            return specialties
    raise ConfigurationError(f"no specialties for department {code!r}")  # pragma: no cover - tables agree


def demo_units(n_departments: int = DEFAULT_DEPARTMENTS) -> tuple[SupervisingUnit, ...]:
    """Every supervising unit (监管单位) of the demo city, sorted by code.

    SAMR has several stations (市场监管所) per district, coded ``520102-SAMR-01`` ...; every other
    department one bureau per district (``520102-ECO-01``); each department also has a city-level unit
    ``520100-<DEPT>-00`` that holds its expert pool.

    Parameters
    ----------
    n_departments:
        Number of departments, as for :func:`demo_departments`.
    """
    units: list[SupervisingUnit] = []
    for dept, _ in _department_table(check_n_departments(n_departments)):
        units.append(
            SupervisingUnit(
                code=f"{t.CITY_CODE}-{dept.code}-00",
                name=f"{t.CITY_NAME}{dept.name}",
                department=dept.code,
                region=t.CITY_CODE,
            )
        )
        template = _unit_template(dept.code)
        for code, district, _, stations in t.DISTRICTS:
            count = stations if dept.code == "SAMR" else 1
            for k in range(count):
                units.append(
                    SupervisingUnit(
                        code=f"{code}-{dept.code}-{k + 1:02d}",
                        name=template.format(district=district, ordinal=t.ORDINALS[k]),
                        department=dept.code,
                        region=code,
                    )
                )
    return tuple(sorted(units, key=lambda u: u.code))


def _department_scope(
    code: str,
    columns: Mapping[str, np.ndarray],
    combo_ids: npt.NDArray[np.int64],
    combos: list[tuple[str, ...]],
    industries: tuple[np.ndarray, npt.NDArray[np.intp]],
) -> npt.NDArray[np.bool_]:
    """Which alive objects make a department's workload.

    By its tags; SAMR and TAX: all market objects; a further department: its kinds and industry prefixes
    (``industries`` is the industry column as distinct labels and each object's label index).
    """
    alive = np.asarray(columns["alive"], dtype=bool)
    kind = np.asarray(columns["kind"])
    if code in ("SAMR", "TAX"):
        return alive
    if code == "CIVIL":
        social = (SubjectKind.SOCIAL_ORGANISATION.value, SubjectKind.PRIVATE_NON_ENTERPRISE.value)
        return alive & np.isin(kind, social)
    if code == "NATRES":
        return alive & np.isin(kind, (SubjectKind.PROJECT.value,))
    if code not in t.SPECIALTIES:  # a further department: its frame by kind and industry prefix
        kinds, prefixes = department_frame_rule(code)
        mask = alive if kinds is None else alive & np.isin(kind, kinds)
        if prefixes is not None:
            labels, inverse = industries
            hit_label = np.array([str(c).startswith(prefixes) for c in labels.tolist()], dtype=bool)
            mask = mask & hit_label[inverse]
        return mask
    prefix = f"{code}:"
    hit = np.array([any(tag.startswith(prefix) for tag in combo) for combo in combos], dtype=bool)
    scope: npt.NDArray[np.bool_] = alive & hit[combo_ids]
    return scope


def _tag_combinations(tags: np.ndarray) -> tuple[npt.NDArray[np.int64], list[tuple[str, ...]]]:
    """Number each distinct tuple of tags (few hundred) and return each object's number."""
    seen: dict[tuple[str, ...], int] = {}
    numbers = np.fromiter((seen.setdefault(row, len(seen)) for row in tags), dtype=np.int64, count=len(tags))
    return numbers, list(seen)


def _counts_by(values: np.ndarray, mask: npt.NDArray[np.bool_]) -> dict[str, int]:
    labels, counts = np.unique(values[mask], return_counts=True)
    return dict(zip(labels.tolist(), counts.tolist(), strict=True))


def _availability(rng: np.random.Generator, year: int, state: int) -> tuple[tuple[dt.date, dt.date], ...]:
    """Availability windows over the plan year: none (always available) or the year minus one absence."""
    if state == 0:
        return ()
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    low, high = _SHORT_ABSENCE_DAYS if state == 1 else _LONG_ABSENCE_DAYS
    length = int(rng.integers(low, high))
    start = first + dt.timedelta(days=int(rng.integers(0, 365 - length)))
    end = start + dt.timedelta(days=length - 1)
    windows = []
    if start > first:
        windows.append((first, start - dt.timedelta(days=1)))
    if end < last:
        windows.append((end + dt.timedelta(days=1), last))
    return tuple(windows)


def _certificate(rng: np.random.Generator, year: int, state: int, number: str) -> dict[str, Any]:
    """An enforcement certificate (执法证) in one of the states of ``_CERT_STATES``."""
    jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if state == 0:  # valid over the whole plan year
        valid_from = jan1 - dt.timedelta(days=int(rng.integers(30, 1400)))
        valid_to = dec31 + dt.timedelta(days=int(rng.integers(0, 1100)))
    elif state == 1:  # expires during the plan year
        valid_to = jan1 + dt.timedelta(days=int(rng.integers(30, 330)))
        valid_from = valid_to - dt.timedelta(days=5 * 365)
    elif state == 2:  # expired before the plan year
        valid_to = jan1 - dt.timedelta(days=int(rng.integers(1, 366)))
        valid_from = valid_to - dt.timedelta(days=5 * 365)
    else:  # issued during the plan year (new officer)
        valid_from = jan1 + dt.timedelta(days=int(rng.integers(30, 240)))
        valid_to = valid_from + dt.timedelta(days=5 * 365)
    return {"number": number, "valid_from": valid_from, "valid_to": valid_to}


class _People:
    """Draws synthetic names, identity-card numbers and phone numbers from one generator."""

    def __init__(self, rng: np.random.Generator, year: int) -> None:
        self.rng = rng
        self.year = year
        self.surnames = [s for s, _ in t.SURNAMES]
        self.surname_weights = [w for _, w in t.SURNAMES]

    def name(self) -> str:
        surname = self.surnames[int(categorical(self.rng, self.surname_weights, 1)[0])]
        given_len = 1 if int(self.rng.integers(0, 10)) < 3 else 2
        given = "".join(
            t.GIVEN_CHARS[int(i)] for i in self.rng.integers(0, len(t.GIVEN_CHARS), size=given_len)
        )
        return surname + given

    def id_card(self, region: str) -> str:
        age = int(self.rng.integers(24, 59))
        born = dt.date(self.year - age, 1, 1) + dt.timedelta(days=int(self.rng.integers(0, 365)))
        body = f"{region}{born:%Y%m%d}{int(self.rng.integers(0, 1000)):03d}"
        return body + id_card_check_char(body)

    def phone(self) -> str:
        prefix = _PHONE_PREFIXES[int(self.rng.integers(0, len(_PHONE_PREFIXES)))]
        return f"{prefix}{int(self.rng.integers(0, 10**8)):08d}"


def generate_inspector_records(
    columns: Mapping[str, np.ndarray],
    seed_sequence: np.random.SeedSequence,
    year: int,
    n_departments: int = DEFAULT_DEPARTMENTS,
) -> list[dict[str, Any]]:
    """Inspector (检查人员) and expert (专家) records of the demo city, as plain dicts.

    The city has 82 officers and staff per 10,000 objects (about 8 per 1,000, the 8,000 of a
    1,000,000-object city), apportioned over the departments by their relative weights in
    ``_tables.DEPARTMENTS`` and ``_tables.EXTRA_DEPARTMENTS`` (largest-remainder method), so modelling more
    departments divides the same staff more finely. Within a department, inspectors are apportioned to its
    district units by the number of alive objects of the department's frame there, after every unit's first
    :data:`MIN_INSPECTORS_PER_UNIT` officers certified for the whole plan year (the first two of whom
    register no absence).

    Experts sit in their departments' city-level units. The pools of the fields that inspections of a tagged
    domain ask for (食品检验, 特种设备, 危险化学品, 环境监测) are sized so that, at
    :data:`EXPERT_TASKS_PER_YEAR` inspections per expert, they serve a stated share of the domain's alive
    objects a year; the other fields have ``2 + n_objects // 200,000`` experts; every field at least three
    (two for the latter at small sizes).

    Parameters
    ----------
    columns:
        Object columns from :func:`generate_object_columns` (for workloads and former employers).
    seed_sequence:
        The stream to draw from.
    year:
        The plan year: certificates and availability windows are laid out around it.
    n_departments:
        Number of departments (default 14, up to :data:`MAX_DEPARTMENTS`).

    Returns
    -------
    list of dict
        One dict per inspector with the fields of ``randinspect.directory.Inspector``: ``id``, ``name``,
        ``role`` (``officer``/``staff``/``expert``), ``department``, ``unit``, ``jurisdiction``,
        ``certificate`` (dict with ``number``, ``valid_from``, ``valid_to``, or ``None``), ``position``,
        ``specialties``, ``service_fields``, ``availability``, ``former_employers``, and the private
        ``id_card`` and ``phone``.
    """
    table = _department_table(check_n_departments(n_departments))
    rng = make_rng(seed_sequence)
    people = _People(rng, year)
    n_objects = len(columns["id"])
    regions = np.asarray(columns["region"])
    units_col = np.asarray(columns["unit"])
    ids = np.asarray(columns["id"])
    kinds = np.asarray(columns["kind"])
    alive = np.asarray(columns["alive"], dtype=bool)
    employer_pool = alive & np.isin(kinds, (SubjectKind.ENTERPRISE.value,))
    employers = {code: np.flatnonzero(employer_pool & (regions == code)) for code, *_ in t.DISTRICTS}
    combo_ids, combos = _tag_combinations(columns["tags"])
    labels, inverse = np.unique(np.asarray(columns["industry"]), return_inverse=True)
    industries = (labels, inverse.reshape(-1))

    weights = np.array([w for _, w in table], dtype=np.int64)
    city_total = (n_objects * _STAFF_PER_10K + 5_000) // 10_000
    dept_totals = largest_remainder(city_total, weights)
    units = [u for u in demo_units(len(table)) if u.region != t.CITY_CODE]

    records: list[dict[str, Any]] = []
    for (dept, _), dept_total in zip(table, dept_totals.tolist(), strict=True):
        dept_units = [u for u in units if u.department == dept.code]
        scope = _department_scope(dept.code, columns, combo_ids, combos, industries)
        if dept.code == "SAMR":
            by_unit = _counts_by(units_col, scope)
            workload = np.array([by_unit.get(u.code, 0) for u in dept_units], dtype=np.int64)
        else:
            by_region = _counts_by(regions, scope)
            workload = np.array([by_region.get(u.region, 0) for u in dept_units], dtype=np.int64)
        if int(workload.sum()) == 0:
            workload = np.ones(len(dept_units), dtype=np.int64)
        extra = max(0, dept_total - MIN_INSPECTORS_PER_UNIT * len(dept_units))
        sizes = MIN_INSPECTORS_PER_UNIT + largest_remainder(extra, workload)
        specialties = _specialties(dept.code)
        for unit, size in zip(dept_units, sizes.tolist(), strict=True):
            for k in range(size):
                records.append(_inspector(rng, people, year, dept.code, unit, k, specialties, ids, employers))

    codes = {dept.code for dept, _ in table}
    fields = [row for row in t.EXPERT_FIELDS if row[1] in codes]
    pool_sizes = _expert_pool_sizes(fields, columns, combo_ids, combos)
    # Experts are numbered round-robin over the fields (the j-th expert of every field, then the next).
    plan = [
        row
        for j in range(max(pool_sizes, default=0))
        for row, size in zip(fields, pool_sizes, strict=True)
        if j < size
    ]
    for k, (field, dept_code, service, titles) in enumerate(plan):
        home = t.DISTRICTS[int(rng.integers(0, len(t.DISTRICTS)))][0]
        n_service = int(rng.integers(1, len(service) + 1))
        records.append(
            {
                "id": f"EXP-{k + 1:04d}",
                "name": people.name(),
                "role": "expert",
                "department": dept_code,
                "unit": f"{t.CITY_CODE}-{dept_code}-00",
                "jurisdiction": tuple(code for code, *_ in t.DISTRICTS),
                "certificate": None,
                "position": titles[int(rng.integers(0, len(titles)))],
                "specialties": (field,),
                "service_fields": tuple(service[:n_service]),
                "availability": _availability(rng, year, int(categorical(rng, _LEAVE_STATES, 1)[0])),
                "former_employers": (),
                "id_card": people.id_card(home),
                "phone": people.phone(),
            }
        )
    return records


def _expert_pool_sizes(
    fields: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]],
    columns: Mapping[str, np.ndarray],
    combo_ids: npt.NDArray[np.int64],
    combos: list[tuple[str, ...]],
) -> list[int]:
    """Number of experts of each field: enough for its domain's inspections, or a small city-sized pool."""
    n_objects = len(columns["id"])
    alive = np.asarray(columns["alive"], dtype=bool)
    sizes = []
    for field, *_ in fields:
        if field in _EXPERT_DOMAINS:
            tag, per_mille = _EXPERT_DOMAINS[field]
            hit = np.array([tag in combo for combo in combos], dtype=bool)
            domain = int(np.count_nonzero(alive & hit[combo_ids]))
            needed = -(-domain * per_mille // (1000 * EXPERT_TASKS_PER_YEAR))  # ceiling division
            sizes.append(max(_MIN_EXPERTS_PER_FIELD, needed))
        else:
            sizes.append(2 + n_objects // 200_000)
    return sizes


def _inspector(
    rng: np.random.Generator,
    people: _People,
    year: int,
    dept_code: str,
    unit: SupervisingUnit,
    k: int,
    specialties: tuple[str, ...],
    ids: np.ndarray,
    employers: Mapping[str, npt.NDArray[np.intp]],
) -> dict[str, Any]:
    """One officer or staff member of ``unit``.

    The unit's first :data:`MIN_INSPECTORS_PER_UNIT` are officers certified all year, and the first two of
    those (the duty officers) register no absence.
    """
    inspector_id = f"{dept_code}-{unit.region}-{unit.code[-2:]}{k + 1:03d}"
    guaranteed = k < MIN_INSPECTORS_PER_UNIT
    officer = guaranteed or int(rng.integers(0, 1000)) < _OFFICER_PER_MILLE
    if officer:
        state = 0 if guaranteed else int(categorical(rng, _CERT_STATES, 1)[0])
        certificate = _certificate(rng, year, state, f"GZ{unit.region}{unit.code[-2:]}{k + 1:04d}")
        position = t.POSITIONS[int(categorical(rng, [w for _, w in t.POSITIONS], 1)[0])][0]
    else:
        certificate = None
        position = t.STAFF_POSITIONS[int(categorical(rng, [w for _, w in t.STAFF_POSITIONS], 1)[0])][0]
    n_spec = int(rng.integers(1, min(3, len(specialties)) + 1))
    chosen = rng.choice(len(specialties), size=n_spec, replace=False)
    # SAMR officers inspect their station's area; heads of station and other departments' officers the
    # whole district.
    if dept_code == "SAMR" and position not in ("所长", "副所长"):
        jurisdiction: tuple[str, ...] = (unit.code,)
    else:
        jurisdiction = (unit.region,)
    former: tuple[str, ...] = ()
    if int(rng.integers(0, 1000)) < _FORMER_EMPLOYER_PER_MILLE:
        pool = employers[unit.region]
        if len(pool):
            picks = rng.choice(len(pool), size=min(len(pool), int(rng.integers(1, 3))), replace=False)
            former = tuple(sorted(str(ids[pool[i]]) for i in picks))
    return {
        "id": inspector_id,
        "name": people.name(),
        "role": "officer" if officer else "staff",
        "department": dept_code,
        "unit": unit.code,
        "jurisdiction": jurisdiction,
        "certificate": certificate,
        "position": position,
        "specialties": tuple(specialties[int(i)] for i in sorted(chosen.tolist())),
        "service_fields": (),
        "availability": ()
        if k < _ON_DUTY
        else _availability(rng, year, int(categorical(rng, _LEAVE_STATES, 1)[0])),
        "former_employers": former,
        "id_card": people.id_card(unit.region),
        "phone": people.phone(),
    }
