"""Inspection records (抽查记录表, §四(七)1): who inspected what, how, when, what was found.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from randinspect.errors import LoadError, Problem, ResultInputError
from randinspect.items import InspectionMethod

__all__ = [
    "Acknowledgement",
    "Attachment",
    "Finding",
    "InspectionRecord",
    "Origin",
    "Presence",
    "Representative",
    "load_inspection_records",
]

_HEX64 = re.compile(r"[0-9a-f]{64}")


def _date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ResultInputError(f"{what}: {value!r} is not a date; write it as YYYY-MM-DD") from None


def _opt_date(value: Any) -> dt.date | None:
    return None if value in (None, "") else _date(value, "date")


class Origin(enum.Enum):
    """Why an inspection took place (检查来源), kept apart in statistics.

    ``PLAN`` (年度计划内双随机抽查), ``CASE`` (案件线索、投诉举报、转办交办、数据监测: an immediate task
    outside the yearly plan), ``CONVERSION`` (an on-site task that an online or document check turned into),
    ``COMMITMENT`` (a credit commitment standing in for the item; a breach is recorded as a result).
    """

    PLAN = "plan"
    CASE = "case"
    CONVERSION = "conversion"
    COMMITMENT = "commitment"


@attrs.frozen(kw_only=True)
class Attachment:
    """A file attached to a record (附件: photos, minutes, samples reports), by digest and reference only.

    The file's bytes never enter the record or the journal: ``digest`` (lowercase hex SHA-256 of the bytes)
    fixes the content, ``reference`` says where the host system keeps it.
    """

    digest: str
    reference: str
    kind: str = ""

    def __attrs_post_init__(self) -> None:
        if not _HEX64.fullmatch(self.digest):
            raise ResultInputError(
                f"attachment {self.reference!r}: digest {self.digest!r} is not 64 lowercase hex digits "
                "(SHA-256 of the file)"
            )
        if not self.reference.strip():
            raise ResultInputError("an attachment needs a reference (where the host system keeps the file)")

    @classmethod
    def of_bytes(cls, data: bytes, reference: str, kind: str = "") -> Attachment:
        """An attachment for ``data`` kept at ``reference``."""
        return cls(digest=hashlib.sha256(data).hexdigest(), reference=reference, kind=kind)


@attrs.frozen(kw_only=True)
class Presence:
    """An inspector present at the inspection and the certificate number shown (亮证, 出示执法证件)."""

    inspector_id: str
    certificate: str = ""


@attrs.frozen(kw_only=True)
class Representative:
    """The object's representative who acknowledged the record (当事人/负责人). Private: never published.

    For an individual business (个体工商户) this is usually the owner, whose personal data the publication
    must not show.
    """

    name: str = attrs.field(repr=False)
    id_card: str = attrs.field(default="", repr=False)
    phone: str = attrs.field(default="", repr=False)
    role: str = ""
    known_digest: str = ""

    def private_values(self) -> tuple[str, ...]:
        """The non-empty private values, for the exposure check."""
        return tuple(v for v in (self.name, self.id_card, self.phone) if v.strip())

    def digest(self) -> str:
        """SHA-256 of the private values: what the journal keeps instead of them.

        A representative read back from a file written without personal data keeps that digest.
        """
        if self.known_digest:
            return self.known_digest
        text = json.dumps([self.name, self.id_card, self.phone, self.role], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@attrs.frozen(kw_only=True)
class Acknowledgement:
    """The representative's acknowledgement of the record (当事人签字确认), or why it is missing."""

    signed: bool
    representative: Representative | None = None
    refusal: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.signed and not self.refusal.strip():
            raise ResultInputError(
                "an unsigned record must say why (refusal: e.g. '当事人拒绝签字，两名执法人员在场见证')"
            )


@attrs.frozen(kw_only=True)
class Finding:
    """What was found for one check content (检查内容) of the item.

    Parameters
    ----------
    content:
        The check content (检查内容), as in the item.
    category:
        The result category's code, key or label in the vocabulary in use.
    note:
        Free text; published unless ``trade_secret`` is set (then replaced by a mark).
    trade_secret:
        The note holds a trade secret (商业秘密) and must not be published.
    needs_on_site:
        For an online or document check: the finding needs an on-site inspection (转为实地检查).
    """

    content: str
    category: str
    note: str = ""
    trade_secret: bool = False
    needs_on_site: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return attrs.asdict(self)


def _presences(values: Iterable[Any]) -> tuple[Presence, ...]:
    out = []
    for v in values:
        if isinstance(v, Presence):
            out.append(v)
        elif isinstance(v, Mapping):
            out.append(
                Presence(inspector_id=str(v["inspector_id"]), certificate=str(v.get("certificate", "")))
            )
        else:
            out.append(Presence(inspector_id=str(v)))
    return tuple(out)


def _findings(values: Iterable[Any]) -> tuple[Finding, ...]:
    return tuple(v if isinstance(v, Finding) else Finding(**dict(v)) for v in values)


def _attachments(values: Iterable[Any]) -> tuple[Attachment, ...]:
    return tuple(v if isinstance(v, Attachment) else Attachment(**dict(v)) for v in values)


def _method(value: Any) -> InspectionMethod:
    return InspectionMethod.parse(value)


def _start(value: Any) -> dt.date:
    return _date(value, "start")


def _end(value: Any) -> dt.date:
    return _date(value, "end")


def _entered(value: Any) -> dt.date:
    return _date(value, "entered_on")


def _origin(value: Any) -> Origin:
    return value if isinstance(value, Origin) else Origin(str(value))


@attrs.frozen(kw_only=True)
class InspectionRecord:
    """The inspection record of one task and one item (抽查记录表), entered by the inspecting department.

    "谁检查、谁录入、谁公开" (§四(九)1): ``department`` inspected, enters and publishes the result.

    Parameters
    ----------
    task_id, item_id, object_id:
        The task of the inspection group, the check item, the inspected object.
    department:
        The inspecting department, which enters the result (录入部门).
    method:
        How it was inspected (实地、线上、书面、信用承诺).
    start, end:
        First and last day of the inspection (inclusive).
    inspectors:
        The inspectors present, each with the certificate number shown.
    acknowledgement:
        The representative's acknowledgement.
    findings:
        One finding per check content (at least one).
    attachments:
        Attachments by digest and reference.
    entered_on:
        The day the result was entered (录入日期).
    origin:
        Why the inspection took place (plan, case, conversion, commitment).
    correction:
        The reason when this record replaces one entered earlier for the same task and item.
    redact:
        Field names a rule marks as not public for this record (e.g. ``("findings.note",)``).
    follows:
        For a converted on-site inspection: the record id of the online/document check it follows.
    """

    task_id: str = attrs.field(converter=str)
    item_id: str = attrs.field(converter=str)
    object_id: str = attrs.field(converter=str)
    department: str = attrs.field(converter=str)
    start: dt.date = attrs.field(converter=_start)
    end: dt.date = attrs.field(converter=_end)
    entered_on: dt.date = attrs.field(converter=_entered)
    findings: tuple[Finding, ...] = attrs.field(converter=_findings)
    method: InspectionMethod = attrs.field(default=InspectionMethod.ON_SITE, converter=_method)
    inspectors: tuple[Presence, ...] = attrs.field(default=(), converter=_presences)
    acknowledgement: Acknowledgement | None = None
    attachments: tuple[Attachment, ...] = attrs.field(default=(), converter=_attachments)
    origin: Origin = attrs.field(default=Origin.PLAN, converter=_origin)
    correction: str | None = None
    redact: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    follows: str | None = None
    _record_id: str = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_record_id", f"{self.task_id}/{self.item_id}")
        if not self.findings:
            raise ResultInputError(
                f"record {self.record_id}: no finding; give one per check content (检查内容)",
                record_id=self.record_id,
            )
        if self.end < self.start:
            raise ResultInputError(
                f"record {self.record_id}: inspection ends {self.end} before it starts {self.start}",
                record_id=self.record_id,
            )

    @property
    def record_id(self) -> str:
        """``"<task id>/<item id>"``: one record per task and item."""
        return self._record_id

    @property
    def needs_on_site(self) -> bool:
        """True when an online or document check found something that needs an on-site inspection."""
        return self.method is not InspectionMethod.ON_SITE and any(f.needs_on_site for f in self.findings)

    def to_json_dict(self, *, private: bool = False) -> dict[str, Any]:
        """JSON-ready form; the representative's personal data only with ``private=True`` (else a digest).

        The journal and every file written by randinspect use ``private=False``.
        """
        ack: dict[str, Any] | None = None
        if self.acknowledgement is not None:
            rep = self.acknowledgement.representative
            ack = {"signed": self.acknowledgement.signed, "refusal": self.acknowledgement.refusal}
            if rep is not None:
                ack["representative"] = (
                    {"name": rep.name, "id_card": rep.id_card, "phone": rep.phone, "role": rep.role}
                    if private
                    else {"digest": rep.digest(), "role": rep.role}
                )
        return {
            "task_id": self.task_id,
            "item_id": self.item_id,
            "object_id": self.object_id,
            "department": self.department,
            "method": self.method.value,
            "origin": self.origin.value,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "entered_on": self.entered_on.isoformat(),
            "inspectors": [attrs.asdict(p) for p in self.inspectors],
            "acknowledgement": ack,
            "findings": [f.to_dict() for f in self.findings],
            "attachments": [attrs.asdict(a) for a in self.attachments],
            "correction": self.correction,
            "redact": list(self.redact),
            "follows": self.follows,
        }

    def digest(self) -> str:
        """SHA-256 of the record's JSON form (``private=False``): what the journal fixes."""
        text = json.dumps(self.to_json_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "record") -> InspectionRecord:
        """Read the form of :meth:`to_json_dict` (with ``private=True`` for the representative).

        Raises
        ------
        ResultInputError
            If a field is missing or malformed; the message names ``where`` and the field.
        """
        try:
            ack_raw = data.get("acknowledgement")
            ack = None
            if ack_raw is not None:
                rep_raw = ack_raw.get("representative")
                rep = None
                if rep_raw is not None:
                    rep = Representative(
                        name=str(rep_raw.get("name", "")),
                        id_card=str(rep_raw.get("id_card", "")),
                        phone=str(rep_raw.get("phone", "")),
                        role=str(rep_raw.get("role", "")),
                        known_digest="" if "name" in rep_raw else str(rep_raw.get("digest", "")),
                    )
                ack = Acknowledgement(
                    signed=bool(ack_raw.get("signed", False)),
                    representative=rep,
                    refusal=str(ack_raw.get("refusal", "")),
                )
            known = {f.name for f in attrs.fields(cls)}
            unknown = sorted(set(data) - known)
            if unknown:
                raise ResultInputError(f"{where}: unknown field(s) {unknown}; known: {sorted(known)}")
            return cls(
                task_id=data["task_id"],
                item_id=data["item_id"],
                object_id=data["object_id"],
                department=data["department"],
                method=data.get("method", InspectionMethod.ON_SITE),
                origin=data.get("origin", Origin.PLAN),
                start=data["start"],
                end=data["end"],
                entered_on=data["entered_on"],
                inspectors=data.get("inspectors", ()),
                acknowledgement=ack,
                findings=data["findings"],
                attachments=data.get("attachments", ()),
                correction=data.get("correction"),
                redact=data.get("redact", ()),
                follows=data.get("follows"),
            )
        except KeyError as exc:
            raise ResultInputError(f"{where}: missing field {exc.args[0]!r}") from None
        except (TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, ResultInputError):
                raise ResultInputError(f"{where}: {exc}", record_id=exc.record_id) from None
            raise ResultInputError(f"{where}: malformed value: {exc}") from None


def load_inspection_records(path: str | os.PathLike[str]) -> tuple[InspectionRecord, ...]:
    """Read inspection records from a JSON file: ``{"records": [...]}`` or a list of records.

    Each record is the form of :meth:`InspectionRecord.to_json_dict` (``private=True``); see
    ``docs/results.md`` for the file format.

    Raises
    ------
    LoadError
        With every malformed record (its position and what is wrong); nothing is loaded.
    """
    source = os.fspath(path)
    try:
        data = json.loads(Path(source).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise LoadError([Problem(message=f"cannot read inspection records: {exc}", source=source)]) from None
    rows = data.get("records") if isinstance(data, Mapping) else data
    if not isinstance(rows, list):
        raise LoadError([Problem(message="expected a list of records or {'records': [...]}", source=source)])
    out: list[InspectionRecord] = []
    problems: list[Problem] = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            problems.append(Problem(message="a record must be a JSON object", source=source, row=i))
            continue
        try:
            out.append(InspectionRecord.from_dict(row, where=f"record {i}"))
        except ResultInputError as exc:
            problems.append(Problem(message=str(exc), source=source, row=i))
    if problems:
        raise LoadError(problems)
    return tuple(out)
