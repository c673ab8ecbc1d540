"""Departments, supervising units and inspector records of the demo city, as plain values and dicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from randinspect.datasets import _tables as t
from randinspect.datasets._random import categorical, largest_remainder, make_rng
from randinspect.model import Department, SubjectKind, SupervisingUnit

__all__ = [
    "MIN_INSPECTORS_PER_UNIT",
    "demo_departments",
    "demo_units",
    "generate_inspector_records",
    "id_card_check_char",
]

#: Every district-level unit gets at least this many inspectors; the first two are officers whose
#: enforcement certificates cover the whole plan year, so every unit can field a lawful group of two.
MIN_INSPECTORS_PER_UNIT = 3

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
# Certificate states per 1,000 officers beyond each unit's first two: whole year, expires mid-year,
# expired before the year, issued mid-year. Assumption.
_CERT_STATES = (850, 90, 30, 30)
# Officers versus staff per 1,000 beyond each unit's first two. Assumption.
_OFFICER_PER_MILLE = 850
# Availability: always / one short leave / one long leave, per 1,000. Assumption.
_LEAVE_STATES = (700, 250, 50)
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


def demo_departments() -> tuple[Department, ...]:
    """The demo city's departments (监管部门), market regulation first."""
    return tuple(dept for dept, _ in t.DEPARTMENTS)


def demo_units() -> tuple[SupervisingUnit, ...]:
    """Every supervising unit (监管单位) of the demo city, sorted by code.

    SAMR has several stations (市场监管所) per district, coded ``520102-SAMR-01`` ...; every other
    department one bureau per district (``520102-ECO-01``); each department also has a city-level unit
    ``520100-<DEPT>-00`` that holds its expert pool.
    """
    units: list[SupervisingUnit] = []
    for dept, _ in t.DEPARTMENTS:
        units.append(
            SupervisingUnit(
                code=f"{t.CITY_CODE}-{dept.code}-00",
                name=f"{t.CITY_NAME}{dept.name}",
                department=dept.code,
                region=t.CITY_CODE,
            )
        )
        template = t.DISTRICT_UNIT_NAMES[dept.code]
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
) -> npt.NDArray[np.bool_]:
    """Which alive objects make a department's workload (by its tags; SAMR and TAX: all market objects)."""
    alive = np.asarray(columns["alive"], dtype=bool)
    kind = np.asarray(columns["kind"])
    if code in ("SAMR", "TAX"):
        return alive
    if code == "CIVIL":
        social = (SubjectKind.SOCIAL_ORGANISATION.value, SubjectKind.PRIVATE_NON_ENTERPRISE.value)
        return alive & np.isin(kind, social)
    if code == "NATRES":
        return alive & np.isin(kind, (SubjectKind.PROJECT.value,))
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
    """Availability windows over the plan year: none (always available) or the year minus one leave."""
    if state == 0:
        return ()
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    length = int(rng.integers(5, 31)) if state == 1 else int(rng.integers(60, 121))
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
) -> list[dict[str, Any]]:
    """Inspector (检查人员) and expert (专家) records of the demo city, as plain dicts.

    Department sizes follow :data:`randinspect.datasets._tables.DEPARTMENTS` (about 8 inspectors per
    1,000 objects); within a department, inspectors are apportioned to its district units by the number of
    alive objects of the department's scope there (largest-remainder method), with at least
    :data:`MIN_INSPECTORS_PER_UNIT` per unit. A few dozen experts sit in the departments' city-level units.

    Parameters
    ----------
    columns:
        Object columns from :func:`generate_object_columns` (for workloads and former employers).
    seed_sequence:
        The stream to draw from.
    year:
        The plan year: certificates and availability windows are laid out around it.

    Returns
    -------
    list of dict
        One dict per inspector with the fields of ``randinspect.directory.Inspector``: ``id``, ``name``,
        ``role`` (``officer``/``staff``/``expert``), ``department``, ``unit``, ``jurisdiction``,
        ``certificate`` (dict with ``number``, ``valid_from``, ``valid_to``, or ``None``), ``position``,
        ``specialties``, ``service_fields``, ``availability``, ``former_employers``, and the private
        ``id_card`` and ``phone``.
    """
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

    per_10k = np.array([w for _, w in t.DEPARTMENTS], dtype=np.int64)
    city_total = (n_objects * int(per_10k.sum()) + 5_000) // 10_000
    dept_totals = largest_remainder(city_total, per_10k)
    units = [u for u in demo_units() if u.region != t.CITY_CODE]

    records: list[dict[str, Any]] = []
    for (dept, _), dept_total in zip(t.DEPARTMENTS, dept_totals.tolist(), strict=True):
        dept_units = [u for u in units if u.department == dept.code]
        scope = _department_scope(dept.code, columns, combo_ids, combos)
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
        specialties = t.SPECIALTIES[dept.code]
        for unit, size in zip(dept_units, sizes.tolist(), strict=True):
            for k in range(size):
                records.append(_inspector(rng, people, year, dept.code, unit, k, specialties, ids, employers))

    n_experts = 30 + min(42, n_objects // 25_000)
    for k in range(n_experts):
        field, dept_code, service, titles = t.EXPERT_FIELDS[k % len(t.EXPERT_FIELDS)]
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
    """One officer or staff member of ``unit``; the unit's first two are officers certified all year."""
    inspector_id = f"{dept_code}-{unit.region}-{unit.code[-2:]}{k + 1:03d}"
    guaranteed = k < 2
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
        "availability": _availability(rng, year, int(categorical(rng, _LEAVE_STATES, 1)[0])),
        "former_employers": former,
        "id_card": people.id_card(unit.region),
        "phone": people.phone(),
    }
