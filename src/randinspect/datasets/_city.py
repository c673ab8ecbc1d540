"""The demo city value (``DemoCity``), its generator ``demo_city``, its summary and its files."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from randinspect._io import atomic_write_text, csv_text
from randinspect.datasets import _tables as t
from randinspect.datasets._complaints import complaint_records, generate_complaint_columns
from randinspect.datasets._objects import DEPARTMENT_RISK_CODES, generate_object_columns
from randinspect.datasets._people import (
    DEFAULT_DEPARTMENTS,
    check_n_departments,
    demo_departments,
    demo_units,
    generate_inspector_records,
)
from randinspect.datasets._random import check_seed
from randinspect.directory import (
    INSPECTOR_COLUMNS,
    INSPECTOR_HEADERS_ZH,
    EnforcementCertificate,
    Inspector,
    InspectorDirectory,
    InspectorRole,
    ObjectDirectory,
)
from randinspect.errors import ConfigurationError
from randinspect.model import ComplaintRecord, Department, SubjectKind, SupervisingUnit

__all__ = ["COMPLAINT_COLUMNS", "COMPLAINT_HEADERS_ZH", "DemoCity", "demo_city", "format_summary"]

PathLike = str | os.PathLike[str]

# Spawn keys of the inspector and complaint streams. generate_object_columns spawns the children 0..k of
# SeedSequence(seed); these keys are far from them, so the three parts never share a stream.
_INSPECTOR_SPAWN_KEY = (1000,)
_COMPLAINT_SPAWN_KEY = (1001,)

#: Columns of ``complaints.csv``.
COMPLAINT_COLUMNS: tuple[str, ...] = ("object_id", "channel", "received", "category", "substantiated")
#: Chinese headers of ``complaints.csv``.
COMPLAINT_HEADERS_ZH: Mapping[str, str] = {
    "object_id": "对象标识",
    "channel": "渠道",
    "received": "受理日期",
    "category": "问题类别",
    "substantiated": "是否属实",
}
_PRIVATE_INSPECTOR_COLUMNS = frozenset({"id_card", "phone", "family_ties"})


def _repr_city(city: DemoCity) -> str:
    return (
        f"DemoCity(seed={city.seed}, year={city.year}, objects={len(city.objects)}, "
        f"inspectors={len(city.inspectors)}, departments={len(city.departments)}, units={len(city.units)}, "
        f"complaints={len(city.complaints)})"
    )


@attrs.frozen(kw_only=True, repr=False)
class DemoCity:
    """A synthetic Guiyang-like city (示范城市): both directories, departments, units and complaints.

    Build one with :func:`demo_city`; every part is a pure function of ``seed``, ``n_objects``, ``year``
    and ``n_departments``.

    Attributes
    ----------
    seed:
        The seed it was generated from.
    year:
        The plan year (计划年度); complaints cover the twelve months before it.
    objects:
        The object directory (检查对象名录库).
    inspectors:
        The inspector and expert directories (检查人员名录库, 专家名录库) in one directory.
    departments:
        The city's supervising departments (监管部门).
    units:
        Every supervising unit (监管单位), sorted by code.
    complaints:
        12315/12345 complaint records (投诉举报) sorted by date, then object id.
    """

    seed: int
    year: int
    objects: ObjectDirectory
    inspectors: InspectorDirectory
    departments: tuple[Department, ...]
    units: tuple[SupervisingUnit, ...]
    complaints: tuple[ComplaintRecord, ...] = attrs.field(eq=False)

    def __repr__(self) -> str:
        return _repr_city(self)

    def department(self, code: str) -> Department:
        """The department with ``code``.

        Raises
        ------
        ConfigurationError
            If the city has no such department; the message lists the codes.
        """
        for dept in self.departments:
            if dept.code == code:
                return dept
        known = ", ".join(d.code for d in self.departments)
        raise ConfigurationError(f"the demo city has no department {code!r}; use one of {known}")

    def complaint_counts(self, since: dt.date | None = None) -> dict[str, int]:
        """Number of complaints per object id received on or after ``since`` (default: all), non-zero only."""
        counts: dict[str, int] = {}
        for record in self.complaints:
            if since is None or record.received >= since:
                counts[record.object_id] = counts.get(record.object_id, 0) + 1
        return counts

    def summary(self) -> dict[str, Any]:
        """Plain counts for printing (``randinspect demo``): objects, inspectors, departments, complaints.

        Returns
        -------
        dict
            ``seed``, ``year``; ``objects`` with ``total``, ``alive``, ``dormant``, ``by_district`` (code →
            ``{"name", "count"}``), ``by_kind`` (kind value → ``{"name", "count"}``), ``by_credit``,
            ``by_risk``; ``inspectors`` with ``total``, ``by_role`` and ``by_department`` (code →
            ``{"name", "officer", "staff", "expert", "total"}``); ``departments`` and ``units`` (counts);
            ``complaints`` with ``total``, ``by_channel`` and ``objects_with_3_or_more``.
        """
        objects = self.objects
        names = {code: name for code, name, *_ in t.DISTRICTS}
        by_region = objects.counts("region")
        kind_counts = objects.counts("kind")
        alive = int(np.count_nonzero(objects.alive))
        by_dept: dict[str, dict[str, Any]] = {
            d.code: {"name": d.name, "officer": 0, "staff": 0, "expert": 0, "total": 0}
            for d in self.departments
        }
        by_role = {role.value: 0 for role in InspectorRole}
        for person in self.inspectors.inspectors:
            row = by_dept.setdefault(
                person.department,
                {"name": person.department, "officer": 0, "staff": 0, "expert": 0, "total": 0},
            )
            row[person.role.value] += 1
            row["total"] += 1
            by_role[person.role.value] += 1
        by_channel: dict[str, int] = {}
        for record in self.complaints:
            by_channel[record.channel.value] = by_channel.get(record.channel.value, 0) + 1
        per_object = self.complaint_counts()
        return {
            "seed": self.seed,
            "year": self.year,
            "objects": {
                "total": len(objects),
                "alive": alive,
                "dormant": len(objects) - alive,
                "by_district": {
                    code: {"name": names.get(code, code), "count": count} for code, count in by_region.items()
                },
                "by_kind": {
                    kind: {"name": SubjectKind(kind).zh, "count": count}
                    for kind, count in kind_counts.items()
                },
                "by_credit": objects.counts("credit"),
                "by_risk": objects.counts("risk"),
            },
            "inspectors": {"total": len(self.inspectors), "by_role": by_role, "by_department": by_dept},
            "departments": len(self.departments),
            "units": len(self.units),
            "complaints": {
                "total": len(self.complaints),
                "by_channel": dict(sorted(by_channel.items())),
                "objects_with_3_or_more": sum(1 for n in per_object.values() if n >= 3),
            },
        }

    def to_files(
        self, directory_path: PathLike, *, chinese_headers: bool = False, include_private: bool = False
    ) -> dict[str, Path]:
        """Write ``objects.csv``, ``inspectors.csv`` and ``complaints.csv`` (UTF-8) into a directory.

        The files load back with ``ObjectDirectory.from_csv`` and ``InspectorDirectory.from_csv``.

        Parameters
        ----------
        directory_path:
            Where to write; created if missing. Existing files of these names are replaced.
        chinese_headers:
            Write Chinese column headers (统一社会信用代码, 名称 ...) instead of English ones.
        include_private:
            Also write the inspectors' identity-card and phone numbers. Off by default: these are personal
            data (synthetic here, but the files are meant as models of real exports).

        Returns
        -------
        dict
            ``"objects"``, ``"inspectors"``, ``"complaints"`` → the path written.
        """
        folder = Path(directory_path)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {
            "objects": folder / "objects.csv",
            "inspectors": folder / "inspectors.csv",
            "complaints": folder / "complaints.csv",
        }
        self.objects.to_csv(paths["objects"], chinese_headers=chinese_headers)
        _write_inspectors(self.inspectors, paths["inspectors"], chinese_headers, include_private)
        _write_complaints(self.complaints, paths["complaints"], chinese_headers)
        return paths


def _pad(text: str, width: int) -> str:
    """Left-justify ``text`` to ``width`` terminal columns (CJK characters take two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


def format_summary(summary: Mapping[str, Any]) -> str:
    """Render :meth:`DemoCity.summary` as plain text, one count per line, for a terminal.

    Examples
    --------
    >>> from randinspect.datasets import demo_city, format_summary
    >>> print(format_summary(demo_city(500, seed=1).summary()).splitlines()[0])
    Demo city (seed 1, plan year 2027)
    """
    objects = summary["objects"]
    total = objects["total"]

    def share(count: int) -> str:
        return f"{count:>10,}  {100 * count / total:5.1f} %" if total else f"{count:>10,}"

    lines = [f"Demo city (seed {summary['seed']}, plan year {summary['year']})", ""]
    lines.append(f"Objects 检查对象: {total:,} ({objects['alive']:,} alive, {objects['dormant']:,} dormant)")
    lines.append("  by district 区县:")
    lines += [
        f"    {code} {_pad(row['name'], 8)}{share(row['count'])}"
        for code, row in objects["by_district"].items()
    ]
    lines.append("  by kind 主体类型:")
    lines += [
        f"    {_pad(kind, 24)}{_pad(row['name'], 14)}{share(row['count'])}"
        for kind, row in objects["by_kind"].items()
    ]
    lines.append("  by credit grade 信用等级:")
    lines += [f"    {grade:<8}{share(count)}" for grade, count in objects["by_credit"].items()]
    lines.append("  by risk class 风险等级:")
    lines += [f"    {risk:<8}{share(count)}" for risk, count in objects["by_risk"].items()]

    inspectors = summary["inspectors"]
    roles = inspectors["by_role"]
    plural = {"officer": "officers", "staff": "staff", "expert": "experts"}
    counts = ", ".join(f"{roles.get(role, 0):,} {plural[role]}" for role in plural)
    lines += ["", f"Inspectors 检查人员: {inspectors['total']:,} ({counts})"]
    lines.append(f"  {_pad('department', 28)}{'officer':>8}{'staff':>7}{'expert':>8}{'total':>7}")
    for code, row in inspectors["by_department"].items():
        figures = f"{row['officer']:>8}{row['staff']:>7}{row['expert']:>8}{row['total']:>7}"
        lines.append(f"  {_pad(code, 11)}{_pad(row['name'], 17)}{figures}")

    complaints = summary["complaints"]
    channels = ", ".join(f"{c}: {n:,}" for c, n in complaints["by_channel"].items())
    lines += [
        "",
        f"Departments 部门: {summary['departments']}, supervising units 监管单位: {summary['units']}",
    ]
    lines.append(
        f"Complaints 投诉举报 (12 months before the plan year): {complaints['total']:,} ({channels}); "
        f"{complaints['objects_with_3_or_more']:,} objects with 3 or more"
    )
    return "\n".join(lines)


def _write_inspectors(
    inspectors: InspectorDirectory, path: Path, chinese_headers: bool, include_private: bool
) -> None:
    columns = [c for c in INSPECTOR_COLUMNS if include_private or c not in _PRIVATE_INSPECTOR_COLUMNS]
    header = [INSPECTOR_HEADERS_ZH[c] for c in columns] if chinese_headers else columns
    rows = []
    for person in inspectors.inspectors:
        record = person.to_public_record()
        record["id_card"] = person.id_card or ""
        record["phone"] = person.phone or ""
        record["family_ties"] = list(person.family_ties)
        rows.append([_cell(record.get(c, "")) for c in columns])
    atomic_write_text(path, csv_text(header, rows), what="inspectors")


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def _write_complaints(complaints: tuple[ComplaintRecord, ...], path: Path, chinese_headers: bool) -> None:
    header = (
        [COMPLAINT_HEADERS_ZH[c] for c in COMPLAINT_COLUMNS] if chinese_headers else list(COMPLAINT_COLUMNS)
    )
    outcome = {True: "true", False: "false", None: ""}
    rows = (
        (r.object_id, r.channel.value, r.received.isoformat(), r.category, outcome[r.substantiated])
        for r in complaints
    )
    atomic_write_text(path, csv_text(header, rows), what="complaints")


def _inspector(record: Mapping[str, Any]) -> Inspector:
    cert = record["certificate"]
    return Inspector(
        id=record["id"],
        name=record["name"],
        role=record["role"],
        department=record["department"],
        unit=record["unit"],
        jurisdiction=record["jurisdiction"],
        certificate=None if cert is None else EnforcementCertificate(**cert),
        position=record["position"],
        specialties=record["specialties"],
        service_fields=record["service_fields"],
        availability=record["availability"],
        former_employers=record["former_employers"],
        id_card=record["id_card"],
        phone=record["phone"],
    )


def demo_city(
    n_objects: int = 20_000, seed: int = 2026, year: int = 2027, n_departments: int = DEFAULT_DEPARTMENTS
) -> DemoCity:
    """Generate the embedded Guiyang-like demo city (示范城市), deterministically from ``seed``.

    Objects come from :func:`generate_object_columns`, inspectors and experts from
    :func:`generate_inspector_records`, complaints from :func:`generate_complaint_columns`, each on its own
    PCG64 stream of ``numpy.random.SeedSequence(seed)``. No global random state is read or changed. The
    same arguments give the same city on every platform with the same numpy major version (every draw
    is made in integer arithmetic; see ``docs/datasets.md``).

    Parameters
    ----------
    n_objects:
        Number of objects in the object directory (1 to 10,000,000). The demo uses 20,000; the
        benchmarks 1,000,000 (a Guiyang-scale city).
    seed:
        Non-negative integer seed.
    year:
        The plan year (2000 to 2100): certificates and availability are laid out around it and complaints
        cover the twelve months before it.
    n_departments:
        Number of departments: the default 14 (the departments of :func:`demo_items`), or up to
        :data:`MAX_DEPARTMENTS` (42) with further Guiyang-style departments (public security, human
        resources and social security, healthcare security, urban management ...; the benchmarks use 40).
        The objects do not depend on it; the city's 82 officers and staff per 10,000 objects are divided
        over the departments modelled.

    Returns
    -------
    DemoCity

    Raises
    ------
    ConfigurationError
        If an argument is out of range.

    Examples
    --------
    >>> from randinspect.datasets import demo_city
    >>> city = demo_city(2_000, seed=1)
    >>> len(city.objects)
    2000
    >>> city.summary()["objects"]["total"]
    2000
    >>> len(demo_city(2_000, seed=1, n_departments=40).departments)
    40
    """
    seed = check_seed(seed)
    n_departments = check_n_departments(n_departments)
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ConfigurationError(f"plan year must be an integer from 2000 to 2100, got {year!r}")
    columns = generate_object_columns(n_objects, seed)
    objects = ObjectDirectory.from_arrays(
        id=columns["id"],
        name=columns["name"],
        kind=columns["kind"],
        industry=columns["industry"],
        region=columns["region"],
        unit=columns["unit"],
        credit=columns["credit"],
        risk=columns["risk"],
        alive=columns["alive"],
        tags=columns["tags"],
        department_risk={code: columns[f"risk@{code}"] for code in DEPARTMENT_RISK_CODES},
        validate=False,
        source="<demo city>",
    )
    people = generate_inspector_records(
        columns, np.random.SeedSequence(seed, spawn_key=_INSPECTOR_SPAWN_KEY), year, n_departments
    )
    inspectors = InspectorDirectory(inspectors=[_inspector(r) for r in people])
    complaints = complaint_records(
        generate_complaint_columns(
            columns, np.random.SeedSequence(seed, spawn_key=_COMPLAINT_SPAWN_KEY), year
        )
    )
    return DemoCity(
        seed=seed,
        year=year,
        objects=objects,
        inspectors=inspectors,
        departments=demo_departments(n_departments),
        units=demo_units(n_departments),
        complaints=complaints,
    )
