"""Redaction (脱敏): what of a result the public sees, decided here and nowhere else.

Every public output of the results package (the publication's JSON and CSV, the annual summary's tables)
is built from :meth:`RedactionPolicy.public_result`, and every public file is checked by
:meth:`RedactionPolicy.check` before it is written.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from randinspect.errors import ExposureError
from randinspect.results._book import EnteredResult
from randinspect.results._records import Origin

__all__ = ["DEFAULT_REDACTION", "PUBLIC_FIELDS", "ProtectedValues", "RedactionPolicy"]

#: Fields of a public result, in export order, with the Chinese header of the national enterprise credit
#: information publicity system's spot-check results (抽查检查结果信息) they follow.
PUBLIC_FIELDS: tuple[tuple[str, str], ...] = (
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("inspecting_body", "检查实施机关"),
    ("type", "类型"),
    ("date", "日期"),
    ("result", "结果"),
    ("result_code", "结果代码"),
    ("task_id", "抽查任务编号"),
    ("item_id", "抽查事项"),
    ("method", "检查方式"),
    ("notes", "检查情况说明"),
    ("published_on", "公示日期"),
)

_TYPE_ZH = {
    Origin.PLAN: "双随机抽查",
    Origin.CONVERSION: "双随机抽查（转实地检查）",
    Origin.CASE: "检查（案件线索等触发）",
    Origin.COMMITMENT: "信用承诺核查",
}

# 18-digit resident identity card numbers and 11-digit mainland mobile numbers, not inside longer digit runs.
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[0-9Xx](?![0-9A-Za-z])"
)
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_FIELDS = frozenset({"uscc", "task_id", "item_id"})
_DIGITS = re.compile(r"[0-9Xx\- ]{5,}")
_RUNS = re.compile(r"[0-9X]{5,}")


@attrs.frozen(kw_only=True)
class RedactionPolicy:
    """What a publication hides (公示脱敏规则).

    Always hidden: the representative (for an individual business, the owner) with every personal datum,
    the inspectors' identity-card and phone numbers (inspectors are not named in results at all), the notes
    of findings flagged as trade secrets (商业秘密), and the fields a record's ``redact`` marks. This policy
    adds fields hidden for every record (``rule_fields``, e.g. ``("notes",)``) and the mark shown instead.

    Parameters
    ----------
    rule_fields:
        Public fields (names of :data:`PUBLIC_FIELDS`) hidden for every record.
    mark:
        What replaces a hidden value.
    secret_mark:
        What replaces a trade-secret note.
    scan_patterns:
        Also refuse any public text that looks like an identity-card or mobile number.
    """

    rule_fields: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    mark: str = "（依法不予公示）"
    secret_mark: str = "（涉及商业秘密，不予公示）"
    scan_patterns: bool = True

    def public_result(
        self,
        result: EnteredResult,
        *,
        name: str = "",
        inspecting_body: str = "",
        published_on: str = "",
    ) -> dict[str, str]:
        """The public form of one result: the only function that decides what is shown.

        Parameters
        ----------
        result:
            The entered result.
        name:
            The object's public name (企业名称), from the directory.
        inspecting_body:
            The inspecting department's public name.
        published_on:
            ISO date of publication.
        """
        record = result.record
        hidden = set(self.rule_fields) | {f.split(".")[0] for f in record.redact}
        notes = []
        for f in record.findings:
            if f.trade_secret:
                notes.append(f"{f.content}：{self.secret_mark}")
            elif "findings.note" in record.redact or "notes" in hidden:
                notes.append(f"{f.content}：{self.mark}")
            elif f.note:
                notes.append(f"{f.content}：{f.note}")
        row = {
            "uscc": record.object_id,
            "name": name,
            "inspecting_body": inspecting_body or record.department,
            "type": _TYPE_ZH[record.origin],
            "date": record.end.isoformat(),
            "result": result.category.zh,
            "result_code": result.category.code,
            "task_id": record.task_id,
            "item_id": record.item_id,
            "method": record.method.zh,
            "notes": "；".join(notes),
            "published_on": published_on,
        }
        for field in hidden:
            if field in row and field not in {"uscc", "result", "result_code", "published_on"}:
                row[field] = self.mark
        return row

    def protected_values(self, results: Iterable[EnteredResult], inspectors: Any = None) -> ProtectedValues:
        """What must not appear in public output for ``results``: per record, and digit strings of anyone.

        Per record: its representative's name (and other non-numeric personal data), its trade-secret and
        rule-marked notes. For every record and every inspector: identity-card and phone numbers (numeric),
        searched in every row, so one record's note cannot expose another's representative or an inspector.
        """
        by_record: dict[str, list[tuple[str, str]]] = {}
        digits: dict[str, tuple[str, str]] = {}

        def add(rid: str, value: str, kind: str) -> None:
            value = value.strip()
            if len(value) < 2:
                return
            if _DIGITS.fullmatch(value):
                digits.setdefault(re.sub(r"[^0-9X]", "", value.upper()), (rid, kind))
            else:
                by_record.setdefault(rid, []).append((value, kind))

        for r in results:
            record = r.record
            rid = record.record_id
            ack = record.acknowledgement
            if ack is not None and ack.representative is not None:
                rep = ack.representative
                for v in (rep.name, rep.id_card, rep.phone):
                    if v:
                        add(rid, v, "representative's personal data")
            for f in record.findings:
                if f.trade_secret:
                    add(rid, f.note, "trade secret")
                if "findings.note" in record.redact:
                    add(rid, f.note, "rule-marked note")
        if inspectors is not None:
            for person in inspectors:
                for secret in (getattr(person, "id_card", None), getattr(person, "phone", None)):
                    if secret:
                        add("inspectors", str(secret), "inspector's personal data")
        return ProtectedValues(by_record=by_record, digits=digits)

    def check(self, rows: Iterable[Mapping[str, str]], protected: ProtectedValues) -> None:
        """Refuse public rows that show a protected value or something shaped like personal data.

        Each row is searched for its own record's protected values, for every protected number (as a run of
        digits), and, with ``scan_patterns``, for identity-card and mobile-number shapes.

        Raises
        ------
        ExposureError
            Naming the record (task and item) and what kind of value would be exposed, never the value.
        """
        lengths = protected.lengths
        for row in rows:
            rid = f"{row.get('task_id', '?')}/{row.get('item_id', '?')}"
            # codes (USCC, task ids) are public and may be digit runs: search every other field
            free = "\n".join(str(v) for k, v in row.items() if k not in _ID_FIELDS)
            exposed: tuple[str, str] | None = None
            for value, kind in protected.by_record.get(rid, ()):
                if value in free:
                    exposed = (rid, kind)
                    break
            if exposed is None and protected.digits:
                for run in _RUNS.findall(free.upper()):
                    for m in lengths:
                        hit = next(
                            (
                                run[i : i + m]
                                for i in range(len(run) - m + 1)
                                if run[i : i + m] in protected.digits
                            ),
                            None,
                        )
                        if hit is not None:
                            exposed = protected.digits[hit]
                            break
                    if exposed is not None:
                        break
            if exposed is not None:
                owner, kind = exposed
                raise ExposureError(
                    f"record {rid}: publication would expose a protected value ({kind} of {owner}); "
                    "flag the finding as a trade secret, mark the field in the record's 'redact', or "
                    "remove the text",
                    record_id=rid,
                )
            if self.scan_patterns and (_ID_CARD.search(free) or _MOBILE.search(free)):
                raise ExposureError(
                    f"record {rid}: publication would show text shaped like an identity-card or mobile "
                    "number; remove it from the finding's note or mark the note in 'redact'",
                    record_id=rid,
                )


@attrs.frozen(kw_only=True)
class ProtectedValues:
    """Values that must not be published: per record id, and numbers of anyone (identity cards, phones)."""

    by_record: Mapping[str, list[tuple[str, str]]]
    digits: Mapping[str, tuple[str, str]]

    @property
    def lengths(self) -> tuple[int, ...]:
        """The distinct lengths of the protected numbers."""
        return tuple(sorted({len(d) for d in self.digits}))


DEFAULT_REDACTION = RedactionPolicy()
"""The redaction used when none is given. Docs: ``docs/results.md`` (Redaction)."""
