"""The site's sections after the visit: published results (公示结果), the overdue list (逾期清单) and the
department assessment (考核评估) with its charts and referral summary.

Nothing here decides what of a result the public sees. The rows come from the results package's own
publication (:func:`randinspect.results.publish`, which builds every row with
:meth:`randinspect.results.RedactionPolicy.public_result` and exports it with
:meth:`randinspect.results.Publication.to_json`); the site only groups them and passes each row once more
through :meth:`randinspect.results.RedactionPolicy.check`. A row that fails the check, and an entered result
of the book that was not published, is left out and listed in :attr:`PublishReport.withheld`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from fractions import Fraction
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from randinspect.publish._html import Html, Page, Para, Table, Text

if TYPE_CHECKING:
    from randinspect.publish._records import YearRecords
    from randinspect.publish._sections import SiteData
    from randinspect.results import AssessmentRow, Publication

__all__ = ["PublicResults", "build_assessment", "build_overdue", "build_results", "public_results"]

#: English headers of the public fields (the Chinese ones are the results package's PUBLIC_FIELDS).
_FIELD_EN: Final = {
    "uscc": "credit code",
    "name": "name",
    "inspecting_body": "inspecting body",
    "type": "type",
    "date": "date",
    "result": "result",
    "result_code": "result code",
    "task_id": "task",
    "item_id": "item",
    "method": "method",
    "notes": "notes",
    "published_on": "published on",
}

_ALL_RESULTS: Final = Text(
    "全部公示结果（国家企业信用信息公示系统抽查检查结果字段）",
    "All public results (fields of the national publicity system)",
)

_STATUS_TEXT: Final = {
    "late": Text("逾期公示", "published late"),
    "overdue": Text("逾期未公示", "overdue, not published"),
    "missing": Text("逾期未录入", "overdue, never entered"),
    "on-time": Text("按时公示", "on time"),
    "pending": Text("未到期", "not yet due"),
}


@attrs.frozen(kw_only=True)
class PublicResults:
    """The published results a site shows, and what it leaves out.

    Attributes
    ----------
    rows:
        Public rows (keys of :data:`randinspect.results.PUBLIC_FIELDS`), exactly as the results package's
        publication wrote them, each passed through :meth:`randinspect.results.RedactionPolicy.check`;
        one per result (the latest publication of a result wins), ordered by department and record.
    department:
        Department code of each row's result (``"<task>/<item>"`` -> code), from the result book, else
        from the item's department in the draw records.
    district:
        County-level division code of each row's object, from the object directory (``""`` if unknown).
    problem:
        Whether each row's result category finds a problem (by its code, in the book's vocabulary, else the
        default national one).
    withheld:
        ``(record id, reason)`` of results left out: entered in the book but not published, a public row
        the check refuses (the reason names the kind of value, never the value), or, when there is a
        book, a public row of a result it does not hold.
    published_on:
        The latest publication day.
    """

    rows: tuple[Mapping[str, str], ...]
    department: Mapping[str, str]
    district: Mapping[str, str]
    problem: Mapping[str, bool]
    withheld: tuple[tuple[str, str], ...]
    published_on: dt.date | None

    def of(self, row: Mapping[str, str]) -> str:
        """Record id ``"<task>/<item>"`` of a public row."""
        return f"{row.get('task_id', '')}/{row.get('item_id', '')}"

    def publication(self, rows: Sequence[Mapping[str, str]] | None = None) -> Publication:
        """The rows as a :class:`randinspect.results.Publication`, for its documented JSON and CSV export."""
        from randinspect.results import Publication

        return Publication(
            published_on=self.published_on or dt.date.min,
            rows=tuple(self.rows if rows is None else rows),
        )


def public_results(records: YearRecords) -> PublicResults:
    """Collect the published results of a records folder and check them again (see the module docs).

    Parameters
    ----------
    records:
        The folder's records; its public-results files, its result book (``book.json``) when present and
        its object directory when present are used.

    Returns
    -------
    PublicResults
    """
    from randinspect.errors import ExposureError
    from randinspect.results import DEFAULT_REDACTION, DEFAULT_VOCABULARY, ResultBook

    latest: dict[str, tuple[str, Mapping[str, str]]] = {}
    for _path, publication in records.publications:
        for row in publication.rows:
            rid = f"{row.get('task_id', '')}/{row.get('item_id', '')}"
            day = str(row.get("published_on") or publication.published_on.isoformat())
            if rid not in latest or day >= latest[rid][0]:
                latest[rid] = (day, row)
    book = None
    raw_book = records.json_files.get("results_book")
    if raw_book is not None:
        book = ResultBook.from_json_dict(raw_book, where=str(records.folder / "book.json"))
    policy = DEFAULT_REDACTION
    protected = policy.protected_values(book.results if book is not None else ())
    withheld: list[tuple[str, str]] = []
    kept: dict[str, Mapping[str, str]] = {}
    for rid, (_day, row) in sorted(latest.items()):
        try:
            policy.check([row], protected)
        except ExposureError as exc:
            withheld.append((rid, f"public row refused by the redaction check: {exc}"))
            continue
        if book is not None and rid not in book:
            withheld.append((rid, "public row of a result the result book does not hold (谁录入、谁公开)"))
            continue
        kept[rid] = row
    department: dict[str, str] = {}
    item_department = {
        e.record.item_id: str(e.record.commitment.item.get("department", "")) for e in records.draws
    }
    if book is not None:
        for r in book.results:
            department[r.record_id] = r.record.department
            if r.record_id in latest:
                continue
            if r.published_on is None:
                withheld.append(
                    (r.record_id, f"entered on {r.record.entered_on.isoformat()}, not yet published")
                )
            else:
                withheld.append(
                    (
                        r.record_id,
                        f"published on {r.published_on.isoformat()} in the book, "
                        "but in no public-results file",
                    )
                )
    for rid, row in kept.items():
        if rid not in department:
            department[rid] = item_department.get(str(row.get("item_id", "")), "")
    district: dict[str, str] = {}
    directory = records.directory
    if directory is not None and kept:
        ids = sorted({str(r.get("uscc", "")) for r in kept.values()})
        all_ids = directory.ids
        import numpy as np

        pos = np.searchsorted(all_ids, np.asarray(ids))
        regions = directory.regions
        region_of = {
            oid: str(regions[p])
            for oid, p in zip(ids, pos.tolist(), strict=True)
            if p < len(all_ids) and str(all_ids[p]) == oid
        }
        district = {rid: region_of.get(str(row.get("uscc", "")), "")[:6] for rid, row in kept.items()}
    vocabulary = book.vocabulary if book is not None else DEFAULT_VOCABULARY
    problem_codes = {c.code for c in vocabulary if c.is_problem}
    problem = {rid: str(row.get("result_code", "")) in problem_codes for rid, row in kept.items()}
    rows = tuple(kept[rid] for rid in sorted(kept, key=lambda k: (department.get(k, ""), k)))
    days = [dt.date.fromisoformat(d) for d, _ in latest.values() if _iso(d)]
    return PublicResults(
        rows=rows,
        department={k: department.get(k, "") for k in kept},
        district=district,
        problem=problem,
        withheld=tuple(sorted(withheld)),
        published_on=max(days) if days else None,
    )


def _iso(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _public_columns() -> tuple[tuple[str, Text], ...]:
    from randinspect.results import PUBLIC_FIELDS

    return tuple((name, Text(zh, _FIELD_EN.get(name, name))) for name, zh in PUBLIC_FIELDS)


def _results_of(data: SiteData) -> PublicResults:
    if data.results is not None:
        return data.results
    return public_results(data.records)


def _department_bodies(data: SiteData) -> dict[str, str]:
    from randinspect.publish._sections import _department_names

    return _department_names(data)


def _district_name(data: SiteData, code: str) -> str:
    from randinspect.codes import DIVISIONS

    if code in data.district_names:
        return data.district_names[code]
    return DIVISIONS.get(code).name if code in DIVISIONS else code


# --------------------------------------------------------------------------------------------- results


def build_results(data: SiteData) -> tuple[Page, ...]:
    results = _results_of(data)
    columns = _public_columns()
    bodies = _department_bodies(data)
    by_department: dict[str, list[Mapping[str, str]]] = defaultdict(list)
    by_district: dict[str, list[Mapping[str, str]]] = defaultdict(list)
    for row in results.rows:
        rid = results.of(row)
        by_department[results.department.get(rid, "")].append(row)
        if results.district.get(rid):
            by_district[results.district[rid]].append(row)

    def summary(rows: list[Mapping[str, str]]) -> dict[str, Any]:
        found = sum(results.problem.get(results.of(r), False) for r in rows)
        return {"published": len(rows), "problem": found, "other": len(rows) - found}

    count_columns = (
        ("published", Text("公示结果数", "results published")),
        ("problem", Text("发现问题", "problem found")),
        ("other", Text("未发现问题或其他", "no problem or other")),
    )
    withheld = len(results.withheld)
    blocks: list[Any] = [
        Para(
            Text(
                f"共公示抽查检查结果 {len(results.rows)} 条（截至 {results.published_on or '—'}），"
                "按“谁检查、谁录入、谁公开”由实施检查的部门录入并公示。公示内容已依法脱敏："
                "不含检查人员和个体工商户经营者的身份证号码、电话号码，不含当事人姓名，涉及商业秘密的检查情况不予公示。"
                + (f"另有 {withheld} 条已录入的结果尚未公示，暂不列出。" if withheld else ""),
                f"{len(results.rows)} inspection results published (as of {results.published_on or '—'}), "
                "each entered and published by the inspecting department. Redacted by law: no identity-card "
                "or phone numbers of inspectors or owners, no representatives' names, no trade secrets."
                + (
                    f" {withheld} entered results are not published yet and are not shown."
                    if withheld
                    else ""
                ),
            )
        ),
        Html(
            f'<p class="downloads">{_ALL_RESULTS.html()}: '
            '<a href="downloads/public-results.csv">CSV</a> · '
            '<a href="downloads/public-results.json">JSON</a></p>'
        ),
        Para(Text("各部门", "By department"), level=2),
        Table(
            name="departments",
            caption=Text("各部门公示的抽查检查结果", "Results published by each department"),
            columns=(
                ("department", Text("部门", "department")),
                ("name", Text("实施机关", "inspecting body")),
                *count_columns,
            ),
            rows=tuple(
                {"department": d, "name": bodies.get(d, ""), **summary(rows)}
                for d, rows in sorted(by_department.items())
                if d
            ),
            links={"department": "results/departments/{}.html"},
        ),
    ]
    if by_district:
        blocks += [
            Para(Text("各区（县）", "By district"), level=2),
            Table(
                name="districts",
                caption=Text("各区（县）检查对象的公示结果", "Results published by district of the object"),
                columns=(
                    ("district", Text("区划代码", "division code")),
                    ("name", Text("区（县）", "district")),
                    *count_columns,
                ),
                rows=tuple(
                    {"district": c, "name": _district_name(data, c), **summary(rows)}
                    for c, rows in sorted(by_district.items())
                ),
                links={"district": "results/districts/{}.html"},
            ),
        ]
    pub = results.publication()
    index = Page(
        path="results.html",
        title=Text("抽查检查结果公示", "Published inspection results"),
        section="results",
        blocks=tuple(blocks),
        files=(
            ("downloads/public-results.json", pub.to_json().encode("utf-8")),
            ("downloads/public-results.csv", ("\ufeff" + pub.to_csv()).encode("utf-8")),
        ),
    )
    pages = [index]
    for code, rows in sorted(by_department.items()):
        if not code:
            continue
        name = bodies.get(code, code)
        pages.append(
            Page(
                path=f"results/departments/{code}.html",
                title=Text(f"{name}（{code}）抽查检查结果", f"Results of department {code}"),
                section="results",
                blocks=(
                    Table(
                        name="results",
                        caption=Text(f"{name}公示的抽查检查结果", f"Results published by {code}"),
                        columns=columns,
                        rows=tuple(rows),
                    ),
                ),
            )
        )
    for code, rows in sorted(by_district.items()):
        name = _district_name(data, code)
        pages.append(
            Page(
                path=f"results/districts/{code}.html",
                title=Text(f"{name}（{code}）抽查检查结果", f"Results in district {code}"),
                section="results",
                blocks=(
                    Table(
                        name="results",
                        caption=Text(f"{name}检查对象的公示结果", f"Results about objects in {code}"),
                        columns=columns,
                        rows=tuple(rows),
                    ),
                ),
            )
        )
    return tuple(pages)


# --------------------------------------------------------------------------------------------- overdue


def build_overdue(data: SiteData) -> tuple[Page, ...]:
    rows = data.records.overdue
    bodies = _department_bodies(data)
    per_department: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        per_department[str(r.get("department", ""))][str(r.get("status", ""))] += 1
    provisional = any(str(r.get("provisional", "")).lower() == "true" for r in rows)
    blocks: list[Any] = [
        Para(
            Text(
                "检查结果应当在检查结束之日起 20 个工作日内录入并公示。"
                "下列结果逾期公示、逾期未公示或逾期未录入。",
                "Results must be entered and published within 20 working days of the inspection's end. "
                "These were published late, are unpublished past their due date, or were never entered.",
            )
        )
    ]
    if provisional:
        blocks.append(
            Para(
                Text(
                    "注意：部分期限按临时日历（法定节假日，无调休）计算，待国务院办公厅放假通知发布后须重新核定。",
                    "Note: some due dates were computed on the provisional calendar (statutory holidays "
                    "only) and must be recomputed once the official holiday notice is out.",
                )
            )
        )
    blocks += [
        Table(
            name="departments",
            caption=Text("各部门逾期数", "Overdue results per department"),
            columns=(
                ("department", Text("部门", "department")),
                ("name", Text("实施机关", "inspecting body")),
                ("late", _STATUS_TEXT["late"]),
                ("overdue", _STATUS_TEXT["overdue"]),
                ("missing", _STATUS_TEXT["missing"]),
                ("total", Text("合计", "total")),
            ),
            rows=tuple(
                {
                    "department": d,
                    "name": bodies.get(d, ""),
                    "late": c.get("late", 0),
                    "overdue": c.get("overdue", 0),
                    "missing": c.get("missing", 0),
                    "total": sum(c.values()),
                }
                for d, c in sorted(per_department.items())
            ),
        ),
        Table(
            name="list",
            caption=Text("逾期清单", "Overdue list"),
            columns=(
                ("record_id", Text("检查任务/事项", "task/item")),
                ("department", Text("部门", "department")),
                ("due", Text("公示期限", "due")),
                ("provisional", Text("临时期限", "provisional")),
                ("entered_on", Text("录入日期", "entered on")),
                ("published_on", Text("公示日期", "published on")),
                ("status", Text("状态", "status")),
            ),
            rows=tuple(
                {
                    "record_id": r.get("record_id", ""),
                    "department": r.get("department", ""),
                    "due": r.get("due", ""),
                    "provisional": "是 yes" if str(r.get("provisional", "")).lower() == "true" else "否 no",
                    "entered_on": r.get("entered_on", ""),
                    "published_on": r.get("published_on", ""),
                    "status": _STATUS_TEXT.get(
                        str(r.get("status", "")), Text(str(r.get("status", "")), str(r.get("status", "")))
                    ).plain(),
                }
                for r in rows
            ),
        ),
    ]
    return (
        Page(
            path="overdue.html",
            title=Text("逾期清单", "Overdue list"),
            section="overdue",
            blocks=tuple(blocks),
        ),
    )


# --------------------------------------------------------------------------------------------- assessment


_SEE_TABLE: Final = Text(
    "（数值见上表“各部门考核指标”）", " (figures in the table “Assessment by department”)"
)


def _pct(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


_ASSESS_COLUMNS: Final = (
    ("coverage", Text("事项覆盖", "items covered"), lambda r: f"{r.items_inspected}/{r.items_listed}"),
    ("drawn", Text("抽取/计划", "drawn/planned"), lambda r: f"{r.drawn}/{float(r.planned):.0f}"),
    ("joint_share", Text("联合抽查占比", "joint share"), lambda r: _pct(r.joint_share)),
    ("visits_saved", Text("减少检查次数", "visits saved"), lambda r: f"{float(r.visits_saved):.0f}"),
    ("entry_rate", Text("录入率", "entry rate"), lambda r: _pct(r.entry_rate)),
    ("publication_rate", Text("公示率", "publication rate"), lambda r: _pct(r.publication_rate)),
    (
        "timely_publication_rate",
        Text("按时公示率", "published on time"),
        lambda r: _pct(r.timely_publication_rate),
    ),
    ("problem_rate", Text("问题发现率", "problem rate"), lambda r: _pct(r.problem_rate)),
    ("a_grade_share", Text("A类对象占比", "A-grade share"), lambda r: _pct(r.a_grade_share)),
    ("case_results", Text("案件触发检查", "case-triggered"), lambda r: r.case_results),
    ("deadlines", Text("按时完成节点", "deadlines met"), lambda r: f"{r.deadlines_met}/{r.deadlines}"),
)


def _assessment_rows(data: SiteData) -> tuple[Mapping[str, Any], list[AssessmentRow], list[AssessmentRow]]:
    from randinspect.errors import PublishError
    from randinspect.results import AssessmentRow

    raw = data.records.json_files.get("assessment")
    if not isinstance(raw, Mapping) or not isinstance(raw.get("departments"), list):
        raise PublishError(
            f"{data.records.folder / 'assessment.json'}: not an assessment "
            "(write it with `randinspect assess`)"
        )
    departments = [AssessmentRow.from_json_dict(r) for r in raw["departments"] if isinstance(r, Mapping)]
    districts = [
        AssessmentRow.from_json_dict(r) for r in raw.get("districts") or () if isinstance(r, Mapping)
    ]
    return raw, departments, districts


def _chart_files(rows: list[AssessmentRow], year: int) -> tuple[tuple[str, bytes], ...]:
    from randinspect.results import assessment_charts

    with tempfile.TemporaryDirectory(prefix="randinspect-charts-") as tmp:
        names = assessment_charts(rows, year=year, out=tmp)
        return tuple((f"charts/{n}", (Path(tmp) / n).read_bytes()) for n in names)


def build_assessment(data: SiteData) -> tuple[Page, ...]:
    raw, departments, districts = _assessment_rows(data)
    bodies = _department_bodies(data)
    year = int(raw.get("year") or data.year or 0)
    as_of = str(raw.get("as_of", ""))

    def table(name: str, caption: Text, key: Text, rows: list[AssessmentRow], label: Any) -> Table:
        return Table(
            name=name,
            caption=caption,
            columns=(("key", key), ("name", Text("名称", "name")), *((k, h) for k, h, _ in _ASSESS_COLUMNS)),
            rows=tuple(
                {"key": r.key, "name": label(r.key), **{k: f(r) for k, _, f in _ASSESS_COLUMNS}} for r in rows
            ),
        )

    blocks: list[Any] = [
        Para(
            Text(
                f"{year} 年度各部门、各区（县）“双随机、一公开”监管工作考核指标，统计截至 {as_of}。"
                "全部数值来自抽取记录、检查结果和移送记录的汇总，不含任何个人信息。",
                f"The {year} assessment per department and district, as of {as_of}; aggregated from the draw "
                "records, results and referrals, without personal data.",
            )
        )
    ]
    if raw.get("provisional_deadlines"):
        blocks.append(
            Para(
                Text(
                    "注意：部分期限按临时日历（法定节假日，无调休）计算，待放假通知发布后须重新核定。",
                    "Note: some deadlines were computed on the provisional calendar.",
                )
            )
        )
    blocks.append(
        table(
            "departments",
            Text("各部门考核指标", "Assessment by department"),
            Text("部门", "department"),
            departments,
            lambda k: bodies.get(k, ""),
        )
    )
    files = _chart_files(departments, year)
    blocks.append(Para(Text("图表", "Charts"), level=2))
    shown = [r for r in departments if r.expected or r.inspected]
    if files:
        alts = {
            "charts/rates.png": Text(
                "柱状图：各部门录入率、公示率和按时公示率（条纹区分三项）："
                + "；".join(
                    f"{r.key} {_pct(r.entry_rate)}、{_pct(r.publication_rate)}、"
                    f"{_pct(r.timely_publication_rate)}"
                    for r in shown
                ),
                "Bar chart: entry, publication and on-time publication rates per department: "
                + "; ".join(
                    f"{r.key} {_pct(r.entry_rate)}, {_pct(r.publication_rate)}, "
                    f"{_pct(r.timely_publication_rate)}"
                    for r in shown
                ),
            ),
            "charts/problems.png": Text(
                "柱状图：各部门问题发现率：" + "；".join(f"{r.key} {_pct(r.problem_rate)}" for r in shown),
                "Bar chart: problem-finding rate per department: "
                + "; ".join(f"{r.key} {_pct(r.problem_rate)}" for r in shown),
            ),
        }
        for path, _ in files:
            alt = alts.get(path, Text(path, path))
            blocks.append(
                Html(
                    f'<figure><img src="{escape(path, quote=True)}" alt="{escape(alt.zh, quote=True)}" '
                    f"><figcaption>{alt.html()}"
                    f"{_SEE_TABLE.html()}"
                    "</figcaption></figure>"
                )
            )
    else:
        blocks.append(
            Para(
                Text(
                    "图表未生成：发布网站时未安装 matplotlib（pip install 'randinspect[plot]'）。"
                    "数值见上表。",
                    "Charts omitted: matplotlib was not installed when the site was written "
                    "(pip install 'randinspect[plot]'). The figures are in the table above.",
                )
            )
        )
    blocks += [
        Para(Text("移送情况", "Referrals"), level=2),
        Para(
            Text(
                "检查中发现的不属于本部门职责的问题移送主管部门，涉嫌犯罪的移送司法机关；下表只列件数，不含当事人信息。",
                "Matters outside the inspecting department's remit are referred to the competent department, "
                "suspected crimes to the judicial organs; counts only, no personal data.",
            )
        ),
        Table(
            name="referrals",
            caption=Text("各部门移送件数", "Referrals per department"),
            columns=(
                ("key", Text("部门", "department")),
                ("name", Text("名称", "name")),
                ("referrals", Text("移送件数", "referrals")),
                ("referrals_overdue", Text("逾期未回执", "no receipt past due")),
            ),
            rows=tuple(
                {
                    "key": r.key,
                    "name": bodies.get(r.key, ""),
                    "referrals": r.referrals,
                    "referrals_overdue": r.referrals_overdue,
                }
                for r in departments
                if r.referrals
            ),
        ),
    ]
    if districts:
        blocks += [
            Para(Text("各区（县）", "By district"), level=2),
            table(
                "districts",
                Text("各区（县）考核指标", "Assessment by district"),
                Text("区划代码", "division code"),
                districts,
                lambda k: _district_name(data, k) if k != "?" else "",
            ),
        ]
    milestones = [m for m in raw.get("milestones") or () if isinstance(m, Mapping)]
    if milestones:
        blocks.append(
            Table(
                name="milestones",
                caption=Text("时间节点", "Deadlines"),
                columns=(
                    ("name", Text("节点", "milestone")),
                    ("due", Text("期限", "due")),
                    ("completed_on", Text("完成日期", "completed on")),
                    ("state", Text("状态", "state")),
                ),
                rows=tuple(
                    {
                        "name": m.get("name", m.get("milestone", "")),
                        "due": m.get("due", ""),
                        "completed_on": m.get("completed_on") or "",
                        "state": m.get("state", ""),
                    }
                    for m in milestones
                ),
            )
        )
    if raw.get("estimate"):
        blocks.append(
            Para(
                Text(
                    f"全体对象问题发生率估计（Horvitz–Thompson）：{raw['estimate']}",
                    f"Estimated problem rate of all objects (Horvitz–Thompson): {raw['estimate']}",
                )
            )
        )
    return (
        Page(
            path="assessment.html",
            title=Text(f"{year} 年度考核评估", f"Assessment {year}"),
            section="assessment",
            blocks=tuple(blocks),
            files=files,
        ),
    )
