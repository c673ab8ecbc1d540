"""The inspector directory (检查人员名录库) and expert directory (专家名录库)."""

from __future__ import annotations

import csv
import datetime as dt
import enum
import hashlib
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, overload

import attrs

from randinspect._io import atomic_write_text, csv_cell
from randinspect.directory._build import ProblemSink
from randinspect.directory._load import (
    Table,
    read_json_records,
    read_table,
    records_to_table,
    rename_columns,
    resolve_headers,
)
from randinspect.directory._private import (
    id_card_problems,
    normalise_id_card,
    normalise_phone,
    phone_problems,
)
from randinspect.directory._report import LoadResult, ValidationReport
from randinspect.directory._values import (
    REDACTED,
    has_control,
    header_key,
    norm_text,
    parse_date,
    split_list,
)
from randinspect.errors import InputError, LoadError

__all__ = [
    "INSPECTOR_COLUMNS",
    "INSPECTOR_HEADERS_ZH",
    "EnforcementCertificate",
    "ExpertAdmission",
    "Inspector",
    "InspectorDirectory",
    "InspectorRole",
]

PathLike = str | os.PathLike[str]
Window = tuple[dt.date, dt.date]


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


class InspectorRole(enum.Enum):
    """Role of a person in the inspector or expert directory (人员类别)."""

    #: Law-enforcement officer (执法人员); needs a valid enforcement certificate to inspect.
    OFFICER = "officer"
    #: Staff member with enforcement qualification (工作人员) assisting inspections; no certificate required.
    STAFF = "staff"
    #: Expert (专家): researcher or third-party professional with specialties and service fields.
    EXPERT = "expert"

    @property
    def zh(self) -> str:
        """The Chinese term."""
        return {"officer": "执法人员", "staff": "工作人员", "expert": "专家"}[self.value]

    @classmethod
    def parse(cls, text: str | InspectorRole) -> InspectorRole:
        """Read a role from its value, name or Chinese term (执法人员/执法/检查人员, 工作人员, 专家).

        Raises
        ------
        InputError
            If the text names no role.
        """
        if isinstance(text, InspectorRole):
            return text
        found = _ROLE_LOOKUP.get(_norm(str(text)))
        if found is None:
            accepted = ", ".join(f"{r.value} ({r.zh})" for r in cls)
            raise InputError(f"unknown inspector role {text!r}; use one of: {accepted}")
        return found


_ROLE_LOOKUP: dict[str, InspectorRole] = {}
for _role, _labels in (
    (
        InspectorRole.OFFICER,
        ("officer", "OFFICER", "执法人员", "执法", "检查人员", "执法检查人员", "law-enforcement officer"),
    ),
    (InspectorRole.STAFF, ("staff", "STAFF", "工作人员", "辅助人员")),
    (InspectorRole.EXPERT, ("expert", "EXPERT", "专家", "技术专家")),
):
    for _label in _labels:
        _ROLE_LOOKUP[_norm(_label)] = _role


class ExpertAdmission(enum.Enum):
    """How a person entered the expert directory (§四(三)2: 坚持特邀和自愿申请原则)."""

    #: Invited by a department (特邀).
    INVITED = "invited"
    #: Applied of their own accord (自愿申请).
    APPLIED = "applied"

    @property
    def zh(self) -> str:
        """The Chinese term."""
        return "特邀" if self is ExpertAdmission.INVITED else "自愿申请"

    @classmethod
    def parse(cls, text: str | ExpertAdmission) -> ExpertAdmission:
        """Read from the value or the Chinese term (特邀/邀请, 自愿申请/申请).

        Raises
        ------
        InputError
            If the text names no way of admission.
        """
        if isinstance(text, ExpertAdmission):
            return text
        t = _norm(str(text))
        if t in ("invited", "invitation", "特邀", "邀请"):
            return cls.INVITED
        if t in ("applied", "application", "自愿申请", "申请"):
            return cls.APPLIED
        raise InputError(f"unknown admission {text!r}; use invited (特邀) or applied (自愿申请)")


def _opt_admission(value: str | ExpertAdmission | None) -> ExpertAdmission | None:
    return None if value is None or value == "" else ExpertAdmission.parse(value)


@attrs.frozen(kw_only=True)
class EnforcementCertificate:
    """A law-enforcement certificate (执法证): number and validity period, both ends inclusive.

    Raises
    ------
    InputError
        If ``valid_from`` is after ``valid_to`` or the number is empty.
    """

    number: str
    valid_from: dt.date
    valid_to: dt.date

    def __attrs_post_init__(self) -> None:
        if not self.number.strip():
            raise InputError("an enforcement certificate needs a number")
        if self.valid_from > self.valid_to:
            raise InputError(
                f"certificate {self.number}: valid_from {self.valid_from} is after valid_to {self.valid_to}"
            )

    def is_valid_on(self, day: dt.date) -> bool:
        """True when the certificate is valid on ``day``."""
        return self.valid_from <= day <= self.valid_to


def _parse_role(value: str | InspectorRole) -> InspectorRole:
    return InspectorRole.parse(value)


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    """A tuple of the values in order, duplicates dropped (as the list loaders read them)."""
    if isinstance(values, str):
        return (values,)
    return tuple(dict.fromkeys(values))


def _windows(values: Iterable[Sequence[dt.date]]) -> tuple[Window, ...]:
    out: list[Window] = []
    for w in values:
        start, end = w[0], w[1]
        if start > end:
            raise InputError(f"availability window starts {start} after it ends {end}")
        out.append((start, end))
    return tuple(sorted(set(out)))


def _private_ok(kind: str) -> Any:
    def check(instance: Any, attribute: Any, value: str | None) -> None:
        if value is None:
            return
        reasons = id_card_problems(value) if kind == "id_card" else phone_problems(value)
        if reasons:
            raise InputError(f"inspector {instance.id}: " + "; ".join(reasons))

    return check


def _opt_id_card(value: str | None) -> str | None:
    return None if value is None or not str(value).strip() else normalise_id_card(str(value))


def _opt_phone(value: str | None) -> str | None:
    return None if value is None or not str(value).strip() else normalise_phone(str(value))


@attrs.frozen(kw_only=True)
class Inspector:
    """A person of the inspector directory (检查人员名录库) or expert directory (专家名录库).

    ``id_card`` (身份证号) and ``phone`` (联系电话) are private: they are validated, kept for the host system
    (conflict checks, notifications), and left out of ``repr``, equality, hashing and every public export.

    Parameters
    ----------
    id:
        Staff number (工号) or expert number, unique in the directory.
    name:
        Name (姓名).
    role:
        Officer, staff or expert.
    department:
        Code of the department (部门).
    unit:
        Code of the supervising unit (单位); may be empty for experts.
    jurisdiction:
        Region codes (GB/T 2260 prefixes) and/or unit codes the person may inspect (辖区).
    certificate:
        Enforcement certificate; required for officers.
    position:
        Position (职务).
    specialties:
        Fields of expertise (业务专长).
    service_fields:
        Fields an expert serves in (服务领域).
    availability:
        Inclusive ``(start, end)`` date windows when the person can inspect (kept sorted, duplicates
        dropped); empty means always.
    former_employers:
        Ids of objects the person worked for (曾任职单位), for conflict avoidance (回避).
    affiliation:
        Id of the object (or name of the institution) the person works for now (工作单位, §四(三)2); an
        expert never inspects it or the competitors the department lists (回避).
    joined_on, left_on:
        First and last day in the directory (入库, 出库; inclusive; ``None``: open). The person is matched
        only to tasks whose whole window lies between them.
    admission:
        How an expert entered the directory: by invitation or by application (:class:`ExpertAdmission`).
    family_ties:
        Private: ids of objects where a close relative holds a post or a stake (亲属关系), for 回避. Kept
        out of ``repr``, equality and every public export like the identity-card number.
    id_card, phone:
        Private; see above.
    """

    id: str
    name: str
    role: InspectorRole = attrs.field(converter=_parse_role)
    department: str
    unit: str = ""
    jurisdiction: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    certificate: EnforcementCertificate | None = None
    position: str = ""
    specialties: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    service_fields: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    availability: tuple[Window, ...] = attrs.field(default=(), converter=_windows)
    former_employers: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    affiliation: str = ""
    joined_on: dt.date | None = None
    left_on: dt.date | None = None
    admission: ExpertAdmission | None = attrs.field(default=None, converter=_opt_admission)
    family_ties: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple, repr=False, eq=False)
    id_card: str | None = attrs.field(
        default=None, converter=_opt_id_card, validator=_private_ok("id_card"), repr=False, eq=False
    )
    phone: str | None = attrs.field(
        default=None, converter=_opt_phone, validator=_private_ok("phone"), repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        if not self.id.strip():
            raise InputError("an inspector needs an id")
        if self.role is InspectorRole.OFFICER and self.certificate is None:
            raise InputError(f"officer {self.id} needs an enforcement certificate")
        if self.joined_on is not None and self.left_on is not None and self.joined_on > self.left_on:
            raise InputError(
                f"inspector {self.id}: joined the directory on {self.joined_on}, after leaving on "
                f"{self.left_on}"
            )

    def in_directory(self, start: dt.date, end: dt.date | None = None) -> bool:
        """True when the person belongs to the directory on every day of ``start``..``end``."""
        stop = start if end is None else end
        return (self.joined_on is None or self.joined_on <= start) and (
            self.left_on is None or stop <= self.left_on
        )

    def certified_on(self, day: dt.date) -> bool:
        """True when the person holds an enforcement certificate valid on ``day``."""
        return self.certificate is not None and self.certificate.is_valid_on(day)

    def is_available(self, start: dt.date, end: dt.date | None = None) -> bool:
        """True when the whole period ``start``..``end`` (inclusive) lies in one availability window."""
        stop = start if end is None else end
        if not self.availability:
            return True
        return any(a <= start and stop <= b for a, b in self.availability)

    def to_public_record(self) -> dict[str, Any]:
        """Plain dict of the public fields (no identity-card or phone number, no family ties); dates as ISO
        text. ``affiliation``, ``joined_on``, ``left_on`` and ``admission`` appear only when set."""
        cert = self.certificate
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "department": self.department,
            "unit": self.unit,
            "jurisdiction": list(self.jurisdiction),
            "certificate": cert.number if cert else "",
            "certificate_valid_from": cert.valid_from.isoformat() if cert else "",
            "certificate_valid_to": cert.valid_to.isoformat() if cert else "",
            "position": self.position,
            "specialties": list(self.specialties),
            "service_fields": list(self.service_fields),
            "availability": [f"{a.isoformat()}~{b.isoformat()}" for a, b in self.availability],
            "former_employers": list(self.former_employers),
            **self._membership_record(),
        }

    def _membership_record(self) -> dict[str, str]:
        """Fields added in 0.2, present only when set so that earlier published digests stay valid."""
        out = {
            "affiliation": self.affiliation,
            "joined_on": "" if self.joined_on is None else self.joined_on.isoformat(),
            "left_on": "" if self.left_on is None else self.left_on.isoformat(),
            "admission": "" if self.admission is None else self.admission.value,
        }
        return {k: v for k, v in out.items() if v}


#: Columns of an inspector file, in the order :meth:`InspectorDirectory.to_csv` would write them.
INSPECTOR_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "role",
    "department",
    "unit",
    "jurisdiction",
    "certificate",
    "certificate_valid_from",
    "certificate_valid_to",
    "position",
    "specialties",
    "service_fields",
    "availability",
    "id_card",
    "phone",
    "former_employers",
    "affiliation",
    "joined_on",
    "left_on",
    "admission",
    "family_ties",
)

#: Chinese header of each inspector column.
INSPECTOR_HEADERS_ZH: Mapping[str, str] = {
    "id": "工号",
    "name": "姓名",
    "role": "角色",
    "department": "部门",
    "unit": "单位",
    "jurisdiction": "辖区",
    "certificate": "执法证号",
    "certificate_valid_from": "执法证有效期起",
    "certificate_valid_to": "执法证有效期止",
    "position": "职务",
    "specialties": "业务专长",
    "service_fields": "服务领域",
    "availability": "可用时段",
    "id_card": "身份证号",
    "phone": "联系电话",
    "former_employers": "曾任职单位",
    "affiliation": "工作单位",
    "joined_on": "入库日期",
    "left_on": "出库日期",
    "admission": "入库方式",
    "family_ties": "亲属关联单位",
}

_INSPECTOR_ALIASES: Mapping[str, str] = {
    "编号": "id",
    "人员编号": "id",
    "专家编号": "id",
    "人员类别": "role",
    "所属部门": "department",
    "所属单位": "unit",
    "certificate_number": "certificate",
    "身份证号码": "id_card",
    "手机号": "phone",
    "电话": "phone",
}

INSPECTOR_HEADERS: Mapping[str, str] = {
    **{header_key(c): c for c in INSPECTOR_COLUMNS},
    **{header_key(z): c for c, z in INSPECTOR_HEADERS_ZH.items()},
    **{header_key(a): c for a, c in _INSPECTOR_ALIASES.items()},
}

_REQUIRED = ("id", "name", "role", "department")
_PRIVATE = frozenset({"id_card", "phone", "family_ties"})
_DEPT_CODE = re.compile(r"^[A-Za-z0-9_\-]+$")
_RANGE = re.compile(r"\s*(?:~|～|至|--|\bto\b)\s*")


def _is_private_header(header: str) -> bool:
    return INSPECTOR_HEADERS.get(header_key(header)) in _PRIVATE


def _parse_windows(value: object) -> tuple[Window, ...]:
    """Read availability: ``2027-01-01~2027-03-31; 2027-05-06`` (a single date is a one-day window)."""
    items: Iterable[object]
    items = split_list(value) if isinstance(value, str) or value is None else value  # type: ignore[assignment]
    out: list[Window] = []
    for item in items:
        if isinstance(item, str):
            parts = _RANGE.split(item.strip())
            if len(parts) == 1:
                d = parse_date(parts[0])
                out.append((d, d))
            elif len(parts) == 2:
                out.append((parse_date(parts[0]), parse_date(parts[1])))
            else:
                raise ValueError(f"cannot read availability window {item!r}")
        elif isinstance(item, Sequence) and len(item) == 2:
            out.append((parse_date(item[0]), parse_date(item[1])))
        else:
            raise ValueError(f"cannot read availability window {item!r}")
    for a, b in out:
        if a > b:
            raise ValueError(f"availability window starts {a} after it ends {b}")
    return tuple(sorted(set(out)))


def _sorted_people(people: Iterable[Inspector]) -> tuple[Inspector, ...]:
    return tuple(sorted(people, key=lambda p: p.id))


@attrs.frozen
class InspectorDirectory:
    """The inspector directory (检查人员名录库) together with the expert directory (专家名录库).

    Immutable; the people are kept in canonical order (ascending id by code point). Build it from
    :class:`Inspector` values or with :meth:`from_records`, :meth:`from_csv`, :meth:`from_json`,
    :meth:`from_parquet` or :meth:`from_arrow`.

    Raises
    ------
    InputError
        If two inspectors share an id.
    """

    inspectors: tuple[Inspector, ...] = attrs.field(converter=_sorted_people)
    _index: Mapping[str, int] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        index: dict[str, int] = {}
        for i, person in enumerate(self.inspectors):
            if person.id in index:
                raise InputError(f"duplicate inspector id {person.id!r}")
            index[person.id] = i
        object.__setattr__(self, "_index", index)

    def __len__(self) -> int:
        return len(self.inspectors)

    def __iter__(self) -> Iterator[Inspector]:
        return iter(self.inspectors)

    def __contains__(self, inspector_id: object) -> bool:
        return inspector_id in self._index

    def get(self, inspector_id: str) -> Inspector:
        """The inspector with id ``inspector_id``.

        Raises
        ------
        InputError
            If there is none.
        """
        try:
            return self.inspectors[self._index[inspector_id]]
        except KeyError:
            raise InputError(f"no inspector with id {inspector_id!r}") from None

    def by_department(self, department: str) -> tuple[Inspector, ...]:
        """Everyone of ``department``, in canonical order."""
        return tuple(p for p in self.inspectors if p.department == department)

    def by_role(self, role: InspectorRole | str) -> tuple[Inspector, ...]:
        """Everyone with ``role``, in canonical order."""
        r = InspectorRole.parse(role)
        return tuple(p for p in self.inspectors if p.role is r)

    @property
    def departments(self) -> tuple[str, ...]:
        """Department codes present, sorted."""
        return tuple(sorted({p.department for p in self.inspectors}))

    def counts(self, field: Literal["department", "role", "unit"] = "department") -> dict[str, int]:
        """Number of people per department, role or unit (sorted by key)."""
        out: dict[str, int] = {}
        for p in self.inspectors:
            key = p.role.value if field == "role" else getattr(p, field)
            out[key] = out.get(key, 0) + 1
        return dict(sorted(out.items()))

    def admit(
        self, person: Inspector, *, on: dt.date, by: ExpertAdmission | str | None = None
    ) -> InspectorDirectory:
        """A new directory with ``person`` added from ``on`` (入库), by invitation or application for experts.

        Raises
        ------
        InputError
            If the id is taken, or an expert is admitted without saying how (invited or applied).
        """
        if person.id in self._index:
            raise InputError(f"inspector id {person.id!r} is already in the directory; choose another id")
        admission = person.admission if by is None else ExpertAdmission.parse(by)
        if person.role is InspectorRole.EXPERT and admission is None:
            raise InputError(
                f"expert {person.id}: say whether they were invited (特邀) or applied (自愿申请), §四(三)2"
            )
        added = attrs.evolve(person, joined_on=on, admission=admission)
        return InspectorDirectory([*self.inspectors, added])

    def retire(self, inspector_id: str, *, on: dt.date) -> InspectorDirectory:
        """A new directory where the person leaves after ``on`` (出库; their last day); the record stays.

        Raises
        ------
        InputError
            If there is no such person or ``on`` is before the day they joined.
        """
        person = self.get(inspector_id)
        if person.joined_on is not None and on < person.joined_on:
            raise InputError(
                f"inspector {inspector_id}: cannot leave on {on}, before joining on {person.joined_on}"
            )
        changed = attrs.evolve(person, left_on=on)
        return InspectorDirectory([changed if p.id == inspector_id else p for p in self.inspectors])

    def to_public_records(self) -> list[dict[str, Any]]:
        """Every person's public fields (:meth:`Inspector.to_public_record`); no private values."""
        return [p.to_public_record() for p in self.inspectors]

    @property
    def digest(self) -> str:
        """Hex SHA-256 of the public records as canonical JSON (sorted keys, no spaces, UTF-8).

        Private fields are not part of it, so the digest can be published.
        """
        text = json.dumps(self.to_public_records(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def __repr__(self) -> str:
        return f"InspectorDirectory(n={len(self)}, digest={self.digest[:12]!r})"

    # -- loaders -----------------------------------------------------------------------------------------

    @overload
    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        strict: Literal[True] = True,
        source: str = ...,
        columns: Mapping[str, str] | None = ...,
    ) -> InspectorDirectory: ...

    @overload
    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        strict: Literal[False],
        source: str = ...,
        columns: Mapping[str, str] | None = ...,
    ) -> LoadResult[InspectorDirectory]: ...

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        strict: bool = True,
        source: str = "<records>",
        columns: Mapping[str, str] | None = None,
    ) -> InspectorDirectory | LoadResult[InspectorDirectory]:
        """Build from mappings keyed by English or Chinese headers (see :doc:`/loading`).

        Strict (default): the first problem raises :class:`~randinspect.errors.LoadError`. Lenient:
        a :class:`LoadResult` with the valid people and every problem. Identity-card and phone numbers
        never appear in a problem. ``columns`` maps the input's column names to ours (``{"工号": "id"}``),
        so a vendor need not rename them; missing values (``None``, NaN) read as empty cells.
        """
        sink = ProblemSink(source=source, strict=strict)
        table = records_to_table(records, sink=sink)
        return _inspectors_from_table(table, sink, columns)

    @overload
    @classmethod
    def from_csv(
        cls,
        path: PathLike,
        *,
        strict: Literal[True] = True,
        encoding: str | None = ...,
        columns: Mapping[str, str] | None = ...,
    ) -> InspectorDirectory: ...

    @overload
    @classmethod
    def from_csv(
        cls,
        path: PathLike,
        *,
        strict: Literal[False],
        encoding: str | None = ...,
        columns: Mapping[str, str] | None = ...,
    ) -> LoadResult[InspectorDirectory]: ...

    @classmethod
    def from_csv(
        cls,
        path: PathLike,
        *,
        strict: bool = True,
        encoding: str | None = None,
        columns: Mapping[str, str] | None = None,
    ) -> InspectorDirectory | LoadResult[InspectorDirectory]:
        """Load from a CSV file (UTF-8, UTF-8 with BOM or GB18030, detected); ``columns`` as in
        :meth:`from_records`."""
        sink = ProblemSink(source=os.fspath(path), strict=strict)
        table = read_table(path, encoding=encoding, sink=sink, private=_is_private_header)
        if table is None or (strict and sink.problems):
            return _failed(sink, 0 if table is None else table.rows_read)
        return _inspectors_from_table(table, sink, columns)

    @overload
    @classmethod
    def from_json(
        cls, path: PathLike, *, strict: Literal[True] = True, columns: Mapping[str, str] | None = ...
    ) -> InspectorDirectory: ...

    @overload
    @classmethod
    def from_json(
        cls, path: PathLike, *, strict: Literal[False], columns: Mapping[str, str] | None = ...
    ) -> LoadResult[InspectorDirectory]: ...

    @classmethod
    def from_json(
        cls, path: PathLike, *, strict: bool = True, columns: Mapping[str, str] | None = None
    ) -> InspectorDirectory | LoadResult[InspectorDirectory]:
        """Load from a JSON file: a list of records or ``{"inspectors": [...]}``; ``columns`` as in
        :meth:`from_records`."""
        sink = ProblemSink(source=os.fspath(path), strict=strict)
        records = read_json_records(path, key="inspectors", sink=sink)
        if records is None:
            return _failed(sink, 0)
        return _inspectors_from_table(records_to_table(records, sink=sink), sink, columns)

    @overload
    @classmethod
    def from_parquet(
        cls, path: PathLike, *, strict: Literal[True] = True, columns: Mapping[str, str] | None = ...
    ) -> InspectorDirectory: ...

    @overload
    @classmethod
    def from_parquet(
        cls, path: PathLike, *, strict: Literal[False], columns: Mapping[str, str] | None = ...
    ) -> LoadResult[InspectorDirectory]: ...

    @classmethod
    def from_parquet(
        cls, path: PathLike, *, strict: bool = True, columns: Mapping[str, str] | None = None
    ) -> InspectorDirectory | LoadResult[InspectorDirectory]:
        """Load from a Parquet file or a directory of Parquet part files with one schema.

        Text columns must hold strings, list columns (``specialties``, ``availability`` ...) lists of
        strings or text, certificate dates dates or text; otherwise, or when a part's schema differs from
        the first part's, nothing is loaded (strict: :class:`~randinspect.errors.SchemaError`). Values are
        validated as in :meth:`from_csv`; ``columns`` maps the file's column names to ours, as there (a
        mapped column is type-checked as the column it is mapped to). Requires pyarrow
        (``pip install 'randinspect[arrow]'``).
        """
        from randinspect.directory._arrow import inspectors_from_arrow_table, read_parquet

        sink = ProblemSink(source=os.fspath(path), strict=strict)
        return inspectors_from_arrow_table(read_parquet(path, sink=sink), sink=sink, columns=columns)

    @overload
    @classmethod
    def from_arrow(
        cls,
        table: Any,
        *,
        strict: Literal[True] = True,
        source: str | None = ...,
        columns: Mapping[str, str] | None = ...,
    ) -> InspectorDirectory: ...

    @overload
    @classmethod
    def from_arrow(
        cls,
        table: Any,
        *,
        strict: Literal[False],
        source: str | None = ...,
        columns: Mapping[str, str] | None = ...,
    ) -> LoadResult[InspectorDirectory]: ...

    @classmethod
    def from_arrow(
        cls,
        table: Any,
        *,
        strict: bool = True,
        source: str | None = None,
        columns: Mapping[str, str] | None = None,
    ) -> InspectorDirectory | LoadResult[InspectorDirectory]:
        """Build from a pyarrow ``Table`` or ``RecordBatch``, or load an Arrow IPC file given by its path;
        checked as in :meth:`from_parquet` (``columns`` too). Requires pyarrow."""
        from randinspect.directory._arrow import (
            arrow_table,
            inspectors_from_arrow_table,
            read_arrow_file,
        )

        if isinstance(table, str | os.PathLike):
            sink = ProblemSink(source=source or os.fspath(table), strict=strict)
            found = read_arrow_file(table, sink=sink)
        else:
            sink = ProblemSink(source=source or "<arrow>", strict=strict)
            found = arrow_table(table)
        return inspectors_from_arrow_table(found, sink=sink, columns=columns)

    def to_arrow(self, path: PathLike | None = None) -> Any:
        """The public columns as a pyarrow ``Table`` (lists as lists of strings, certificate dates as
        dates) and, with ``path``, an Arrow IPC file. Private columns are never written. Requires
        pyarrow."""
        from randinspect.directory._arrow import inspectors_to_arrow, write_arrow_file

        table = inspectors_to_arrow(self, [c for c in INSPECTOR_COLUMNS if c not in _PRIVATE])
        if path is not None:
            write_arrow_file(table, path)
        return table

    def to_parquet(self, path: PathLike) -> None:
        """Write the public columns (the table of :meth:`to_arrow`) as a Parquet file; a failed write
        leaves no file. Requires pyarrow."""
        from randinspect.directory._arrow import write_parquet

        write_parquet(self.to_arrow(), path)

    def to_csv(self, path: PathLike | None = None, *, chinese_headers: bool = False) -> str:
        """Write the public columns as UTF-8 CSV (to ``path`` when given) and return the text.

        Lists are joined with ``;``, availability windows written ``start~end``. Private columns are never
        written.
        """
        columns = [c for c in INSPECTOR_COLUMNS if c not in _PRIVATE]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(
            [
                csv_cell(h)
                for h in ([INSPECTOR_HEADERS_ZH[c] for c in columns] if chinese_headers else columns)
            ]
        )
        for record in self.to_public_records():
            writer.writerow(
                [
                    csv_cell(";".join(v) if isinstance(v, list) else v)
                    for v in (record.get(c, "") for c in columns)
                ]
            )
        text = buf.getvalue()
        if path is not None:
            atomic_write_text(path, text, what="inspector directory")
        return text

    def to_json(self, path: PathLike | None = None, *, indent: int | None = None) -> str:
        """Write ``{"inspectors": [public records]}`` as UTF-8 JSON (no private values); return the text."""
        text = json.dumps({"inspectors": self.to_public_records()}, ensure_ascii=False, indent=indent)
        if path is not None:
            atomic_write_text(path, text, what="inspector directory")
        return text


def _failed(sink: ProblemSink, rows_read: int) -> LoadResult[InspectorDirectory]:
    if sink.strict:
        raise LoadError([sink.first()])
    return LoadResult(
        directory=None,
        report=ValidationReport(source=sink.source, problems=sink.sorted(), rows_read=rows_read),
    )


def _inspectors_from_table(
    table: Table, sink: ProblemSink, columns: Mapping[str, str] | None = None
) -> InspectorDirectory | LoadResult[InspectorDirectory]:
    table = rename_columns(table, columns, sink)
    strict = sink.strict
    if strict and sink.problems:
        sink.raise_first()
    if not table.header and table.rows_read == 0:  # no records at all: the empty directory
        empty = InspectorDirectory([])
        return empty if strict else LoadResult(directory=empty, report=ValidationReport(source=sink.source))
    describe = {c: INSPECTOR_HEADERS_ZH[c] for c in INSPECTOR_COLUMNS} | {
        z: c for c, z in INSPECTOR_HEADERS_ZH.items()
    }
    hmap = resolve_headers(
        table.header,
        known=INSPECTOR_HEADERS,
        required=_REQUIRED,
        sink=sink,
        department_columns=False,
        describe=describe,
    )
    if strict and sink.problems:
        sink.raise_first()
    if hmap is None:
        return _failed(sink, table.rows_read)

    people: list[tuple[int, Inspector]] = []
    # every readable id, also of rows with other problems, so that a duplicate is reported on all its rows
    id_rows: list[tuple[int, str]] = []
    for rec, row in zip(table.rows(), [int(r) for r in table.row_numbers], strict=True):
        cells = {c: rec[j] for c, j in hmap.index.items()}
        person = _read_person(cells, row, hmap.labels, sink)
        pid = norm_text(cells.get("id"))
        if pid and not has_control(pid):
            id_rows.append((row, pid))
        if person is not None:
            people.append((row, person))

    rows_by_id: dict[str, list[int]] = {}
    for row, pid in id_rows:
        rows_by_id.setdefault(pid, []).append(row)
    dup_rows = {r for rows in rows_by_id.values() if len(rows) > 1 for r in rows}
    for row, pid in id_rows:
        if row in dup_rows:
            others = [r for r in rows_by_id[pid] if r != row]
            sink.add(
                row=row,
                column=hmap.labels.get("id", "id"),
                message="duplicate inspector id, also on row(s) " + ", ".join(map(str, others)),
                value=pid,
                hint="each person appears once; merge or remove the duplicate rows",
                code="id.duplicate",
            )
    if strict and sink.problems:
        # every row was read first, so the lowest-row problem is raised, a duplicate id included
        raise LoadError([sink.sorted()[0]])
    directory = InspectorDirectory([p for r, p in people if r not in dup_rows])
    if strict:
        return directory
    return LoadResult(
        directory=directory,
        report=ValidationReport(
            source=sink.source, problems=sink.sorted(), rows_read=table.rows_read, rows_loaded=len(directory)
        ),
    )


def _read_person(
    cells: Mapping[str, Any], row: int, labels: Mapping[str, str], sink: ProblemSink
) -> Inspector | None:
    """Read one row; report each problem (private values redacted); ``None`` when any was found."""
    before = len(sink.problems)

    def problem(col: str, message: str, hint: str, code: str, value: object = None) -> None:
        shown = REDACTED if col in _PRIVATE else (None if value is None else str(value))
        sink.add(row=row, column=labels.get(col, col), message=message, value=shown, hint=hint, code=code)

    def text(col: str) -> str:
        return norm_text(cells.get(col))

    for col, value in cells.items():
        texts = value if isinstance(value, list | tuple) else [value]
        if col != "id" and any(isinstance(t, str) and has_control(t) for t in texts):
            problem(
                col,
                f"{col} contains a control character (NUL, tab, line break ...)",
                "remove the control character; no field may hold one",
                f"{col}.control",
                value,
            )
    pid = text("id")
    if not pid or has_control(pid):
        problem(
            "id",
            "inspector id is missing or has control characters",
            "fill in the staff number (工号)",
            "id.missing",
            pid,
        )
    name = text("name")
    if not name:
        problem("name", "name is missing", "fill in the name (姓名)", "name.missing", name)
    role: InspectorRole | None = None
    try:
        role = InspectorRole.parse(text("role"))
    except InputError:
        problem(
            "role",
            f"unknown role {text('role')!r}",
            "use one of: " + ", ".join(f"{r.value} ({r.zh})" for r in InspectorRole),
            "role.unknown",
            text("role"),
        )
    dept = text("department")
    if not _DEPT_CODE.match(dept):
        problem(
            "department",
            "department is missing or not a code",
            "write the department code (e.g. SAMR)",
            "department.invalid",
            dept,
        )

    lists: dict[str, tuple[str, ...]] = {}
    for col in ("jurisdiction", "specialties", "service_fields", "former_employers", "family_ties"):
        lists[col] = split_list(cells.get(col))
    member_dates: dict[str, dt.date | None] = {}
    for col in ("joined_on", "left_on"):
        raw = text(col)
        member_dates[col] = None
        if raw:
            try:
                member_dates[col] = parse_date(raw)
            except ValueError:
                problem(col, "not a date", "write the date as YYYY-MM-DD", f"{col}.date", raw)
    joined, left = member_dates["joined_on"], member_dates["left_on"]
    if joined is not None and left is not None and joined > left:
        problem(
            "left_on",
            f"leaves the directory on {left}, before joining on {joined}",
            "correct the dates",
            "membership.period",
            text("left_on"),
        )
    admission: ExpertAdmission | None = None
    if text("admission"):
        try:
            admission = ExpertAdmission.parse(text("admission"))
        except InputError:
            problem(
                "admission",
                f"unknown admission {text('admission')!r}",
                "write invited (特邀) or applied (自愿申请)",
                "admission.unknown",
                text("admission"),
            )

    cert: EnforcementCertificate | None = None
    number, start_text, end_text = (
        text("certificate"),
        text("certificate_valid_from"),
        text("certificate_valid_to"),
    )
    if number or start_text or end_text:
        dates: list[dt.date | None] = []
        for col, value in (("certificate_valid_from", start_text), ("certificate_valid_to", end_text)):
            try:
                dates.append(parse_date(value))
            except ValueError:
                problem(
                    col,
                    "certificate date is missing or not a date",
                    "write the date as YYYY-MM-DD",
                    "certificate.date",
                    value,
                )
                dates.append(None)
        if not number:
            problem(
                "certificate",
                "certificate number is missing while validity dates are given",
                "fill in the enforcement certificate number (执法证号)",
                "certificate.missing",
                number,
            )
        start, end = dates
        if start is not None and end is not None and start > end:
            problem(
                "certificate_valid_to",
                f"certificate valid_from {start} is after valid_to {end}",
                "swap or correct the validity dates",
                "certificate.period",
                end_text,
            )
        elif number and start is not None and end is not None:
            cert = EnforcementCertificate(number=number, valid_from=start, valid_to=end)
    elif role is InspectorRole.OFFICER:
        problem(
            "certificate",
            "an officer needs an enforcement certificate (执法证)",
            "fill in the certificate number and its validity period, or make the person staff",
            "certificate.missing",
            "",
        )

    windows: tuple[Window, ...] = ()
    try:
        windows = _parse_windows(cells.get("availability"))
    except ValueError as exc:
        problem(
            "availability",
            str(exc),
            "write windows as 2027-01-01~2027-03-31, separated by ;",
            "availability.invalid",
            cells.get("availability"),
        )

    id_card = text("id_card")
    if id_card:
        reasons = id_card_problems(id_card)
        if reasons:
            problem(
                "id_card",
                "; ".join(reasons),
                "check the 18-character resident identity number",
                "id_card.invalid",
            )
    phone = text("phone")
    if phone:
        reasons = phone_problems(phone)
        if reasons:
            problem(
                "phone",
                "; ".join(reasons),
                "write an 11-digit mobile number or area code and number",
                "phone.invalid",
            )

    if len(sink.problems) > before or role is None:
        return None
    try:
        person = _make_inspector(
            pid, name, role, dept, text("unit"), lists, cert, text("position"), windows, id_card, phone
        )
        return attrs.evolve(
            person,
            affiliation=text("affiliation"),
            joined_on=joined,
            left_on=left,
            admission=admission,
            family_ties=lists["family_ties"],
        )
    except InputError as exc:  # pragma: no cover - every rule is checked above; kept as a safety net
        problem("id", str(exc), "correct the row", "row.invalid", pid)
        return None


def _make_inspector(
    pid: str,
    name: str,
    role: InspectorRole,
    dept: str,
    unit: str,
    lists: Mapping[str, tuple[str, ...]],
    cert: EnforcementCertificate | None,
    position: str,
    windows: tuple[Window, ...],
    id_card: str,
    phone: str,
) -> Inspector:
    return Inspector(
        id=pid,
        name=name,
        role=role,
        department=dept,
        unit=unit,
        jurisdiction=lists["jurisdiction"],
        certificate=cert,
        position=position,
        specialties=lists["specialties"],
        service_fields=lists["service_fields"],
        availability=windows,
        former_employers=lists["former_employers"],
        id_card=id_card or None,
        phone=phone or None,
    )
