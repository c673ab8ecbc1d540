"""Hypothesis strategies for object and inspector directories.

Re-exported from ``randinspect.testing.strategies``. Hypothesis is a test extra; import this module only in
tests.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from randinspect.directory import (
    EnforcementCertificate,
    Inspector,
    InspectorDirectory,
    InspectorRole,
    ObjectDirectory,
)
from randinspect.directory._private import id_card_check_char
from randinspect.model import DEFAULT_CREDIT_SCALE, DEFAULT_RISK_SCALE, SubjectKind
from randinspect.testing._codes import division_codes, industry_codes, usccs

__all__ = [
    "id_card_numbers",
    "inspector_directories",
    "inspector_records",
    "inspectors",
    "object_directories",
    "object_records",
    "phone_numbers",
]

#: Tags the strategies draw from: general ones and department-specific ``DEPT:tag`` ones.
SAMPLE_TAGS: tuple[str, ...] = (
    "key",
    "food",
    "重点",
    "SAMR:key",
    "SAMR:食品",
    "MEE:discharge",
    "HEALTH:clinic",
)
#: Departments the strategies draw department risk columns for.
SAMPLE_DEPARTMENTS: tuple[str, ...] = ("SAMR", "MEE", "HEALTH")

_NAME_CHARS = "贵阳南明云岩花溪观山湖市区县公司有限责任企业店部厂中心合作社（）ABCXYZabc0123456789·-"
_ID_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-_.:/"
_NON_SUBJECT_PREFIX = {
    SubjectKind.PRODUCT: "PRD:",
    SubjectKind.PROJECT: "PRJ:",
    SubjectKind.BEHAVIOUR: "BHV:",
}


def _names() -> st.SearchStrategy[str]:
    return st.text(_NAME_CHARS, min_size=1, max_size=12)


@st.composite
def _one_object(draw: st.DrawFn, departments: Sequence[str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(list(SubjectKind)))
    if kind.is_subject:
        object_id = draw(usccs())
    else:
        object_id = _NON_SUBJECT_PREFIX[kind] + draw(st.text(_ID_CHARS, min_size=1, max_size=10))
    record: dict[str, Any] = {
        "id": object_id,
        "name": draw(_names()),
        "kind": kind.value,
        "industry": draw(industry_codes("class")),
        "region": draw(division_codes()),
        "unit": draw(st.sampled_from(["520102-SAMR-01", "520103-SAMR-02", "520111-MEE-01", "U9"])),
        "credit": draw(st.sampled_from(DEFAULT_CREDIT_SCALE.levels)),
        "risk": draw(st.sampled_from(DEFAULT_RISK_SCALE.levels)),
        "alive": draw(st.booleans()),
        "tags": sorted(draw(st.sets(st.sampled_from(SAMPLE_TAGS), max_size=3))),
    }
    for dept in departments:
        record[f"risk@{dept}"] = draw(st.sampled_from(DEFAULT_RISK_SCALE.levels))
    return record


@st.composite
def object_records(
    draw: st.DrawFn,
    *,
    min_size: int = 0,
    max_size: int = 20,
    departments: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Lists of valid object records in canonical spelling (as :meth:`ObjectDirectory.to_records` writes).

    Ids are unique; subjects carry valid USCCs (from ``randinspect.testing._codes.usccs``), products,
    projects and behaviours ids like ``PRD:...``. Every record has a ``risk@DEPT`` key per department
    (drawn from :data:`SAMPLE_DEPARTMENTS` when ``departments`` is ``None``). The list is in no particular
    order.
    """
    depts = (
        tuple(departments)
        if departments is not None
        else tuple(sorted(draw(st.sets(st.sampled_from(SAMPLE_DEPARTMENTS), max_size=2))))
    )
    return draw(
        st.lists(_one_object(depts), min_size=min_size, max_size=max_size, unique_by=lambda r: r["id"])
    )


def object_directories(
    *, min_size: int = 0, max_size: int = 20, departments: Sequence[str] | None = None
) -> st.SearchStrategy[ObjectDirectory]:
    """Valid object directories built from :func:`object_records`."""
    return object_records(min_size=min_size, max_size=max_size, departments=departments).map(
        ObjectDirectory.from_records
    )


@st.composite
def id_card_numbers(draw: st.DrawFn) -> str:
    """Valid 18-character resident identity numbers (GB 11643-1999) with a real birth date."""
    region = draw(st.sampled_from(["520102", "520103", "110105", "440305"]))
    birth = draw(st.dates(dt.date(1950, 1, 1), dt.date(2005, 12, 31)))
    serial = draw(st.integers(0, 999))
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_card_check_char(first17)


def phone_numbers() -> st.SearchStrategy[str]:
    """Valid mainland mobile numbers (11 digits starting 13-19)."""
    return st.builds(lambda p, n: f"1{p}{n:09d}", st.integers(3, 9), st.integers(0, 999_999_999))


@st.composite
def inspectors(draw: st.DrawFn, *, inspector_id: str | None = None) -> Inspector:
    """Valid :class:`Inspector` values; officers always hold a certificate; private fields sometimes set."""
    role = draw(st.sampled_from(list(InspectorRole)))
    start = draw(st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31)))
    cert = None
    if role is InspectorRole.OFFICER or draw(st.booleans()):
        cert = EnforcementCertificate(
            number=draw(st.text("0123456789", min_size=6, max_size=10)),
            valid_from=start,
            valid_to=start + dt.timedelta(days=draw(st.integers(0, 2000))),
        )
    windows = draw(
        st.lists(
            st.tuples(st.dates(dt.date(2027, 1, 1), dt.date(2027, 12, 31)), st.integers(0, 60)), max_size=2
        )
    )
    return Inspector(
        id=inspector_id
        if inspector_id is not None
        else draw(st.text("0123456789ABCP", min_size=1, max_size=8)),
        name=draw(st.text("张王李赵刘陈杨黄周吴", min_size=2, max_size=3)),
        role=role,
        department=draw(st.sampled_from(SAMPLE_DEPARTMENTS)),
        unit=draw(st.sampled_from(["", "520102-SAMR-01", "520111-MEE-01"])),
        jurisdiction=tuple(draw(st.sets(st.sampled_from(["520102", "520103", "5201"]), max_size=2))),
        certificate=cert,
        position=draw(st.sampled_from(["", "科员", "副科长"])),
        specialties=tuple(draw(st.sets(st.sampled_from(["食品", "特种设备", "环保"]), max_size=2))),
        service_fields=tuple(draw(st.sets(st.sampled_from(["检测", "审计"]), max_size=1))),
        availability=tuple((d, d + dt.timedelta(days=k)) for d, k in windows),
        former_employers=(),
        id_card=draw(st.none() | id_card_numbers()),
        phone=draw(st.none() | phone_numbers()),
    )


def inspector_directories(*, max_size: int = 10) -> st.SearchStrategy[InspectorDirectory]:
    """Valid inspector directories (unique ids)."""
    ids = st.lists(st.text("0123456789ABCP", min_size=1, max_size=8), max_size=max_size, unique=True)
    return ids.flatmap(
        lambda xs: st.tuples(*(inspectors(inspector_id=x) for x in xs)).map(InspectorDirectory)
    )


@st.composite
def inspector_records(draw: st.DrawFn, *, max_size: int = 10) -> list[dict[str, Any]]:
    """Records of valid inspectors as a loader reads them, private fields included (as text)."""
    directory = draw(inspector_directories(max_size=max_size))
    out: list[dict[str, Any]] = []
    for person in directory:
        record = person.to_public_record()
        record["id_card"] = person.id_card or ""
        record["phone"] = person.phone or ""
        out.append(record)
    return out
