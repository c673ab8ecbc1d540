"""Assessment per department and district (考核评估, §五(一)) and the annual summary (年度工作总结, §五(四)).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from randinspect.results._book import ResultBook, _positions
from randinspect.results._publish import DeadlineReport
from randinspect.results._records import Origin

__all__ = [
    "CHART_FILES",
    "Assessment",
    "AssessmentRow",
    "Estimator",
    "annual_summary",
    "assess",
    "assessment_charts",
]

Estimator = Callable[[Sequence[Any], Mapping[str, bool]], Any]
"""Hook for the population problem-rate estimate: ``estimator(draw_records, found)`` where ``found`` maps each
inspected object id (plan inspections) to whether a problem was found; returns any value with a ``str``
(for example a Horvitz–Thompson estimate with its standard error from ``randinspect.draw``)."""


def _pct(x: Fraction | None) -> str:
    return "—" if x is None else f"{float(x) * 100:.1f}%"


def _ratio(a: int, b: int) -> Fraction | None:
    return None if b == 0 else Fraction(a, b)


@attrs.frozen(kw_only=True)
class AssessmentRow:
    """The figures of one department or district. Counts are exact; rates are Fractions (``None`` if 0/0).

    Attributes
    ----------
    key:
        Department code or region code.
    items_listed, items_inspected:
        Items of the department's list, and those with at least one entered result (coverage).
    planned, drawn:
        Expected draw volume Σπ and objects actually drawn.
    tasks, joint_tasks:
        Inspection tasks the department takes part in, and those shared with other departments.
    visits_saved:
        The department's share of visits saved by joint inspection.
    expected, entered, published, entered_on_time, published_on_time:
        Results expected (task × item), entered, published, and within 20 working days.
    inspected, problems:
        Plan results (origin ``plan`` or ``conversion``) and those finding a problem.
    case_results:
        Results of case-triggered inspections, kept out of the rates.
    a_grade:
        Plan results about objects of the best credit grade (无事不扰 burden).
    key_objects:
        Plan results about key-supervision objects (重点监管对象: drawn in the key tier, π = 1).
    referrals, referrals_overdue:
        Referrals sent, and those without a receipt past their due date.
    deadlines, deadlines_met:
        The department's milestones of the cycle assessed, and those done by their due date.
    """

    key: str
    items_listed: int = 0
    items_inspected: int = 0
    planned: Fraction = Fraction(0)
    drawn: int = 0
    tasks: int = 0
    joint_tasks: int = 0
    visits_saved: Fraction = Fraction(0)
    expected: int = 0
    entered: int = 0
    published: int = 0
    entered_on_time: int = 0
    published_on_time: int = 0
    inspected: int = 0
    problems: int = 0
    case_results: int = 0
    a_grade: int = 0
    key_objects: int = 0
    referrals: int = 0
    referrals_overdue: int = 0
    deadlines: int = 0
    deadlines_met: int = 0

    @property
    def coverage(self) -> Fraction | None:
        """Share of listed items with results."""
        return _ratio(self.items_inspected, self.items_listed)

    @property
    def joint_share(self) -> Fraction | None:
        """联合抽查占比: joint tasks / tasks."""
        return _ratio(self.joint_tasks, self.tasks)

    @property
    def entry_rate(self) -> Fraction | None:
        """录入率."""
        return _ratio(self.entered, self.expected)

    @property
    def publication_rate(self) -> Fraction | None:
        """公示率."""
        return _ratio(self.published, self.expected)

    @property
    def timely_publication_rate(self) -> Fraction | None:
        """Published within 20 working days / expected."""
        return _ratio(self.published_on_time, self.expected)

    @property
    def problem_rate(self) -> Fraction | None:
        """问题发现率: problems / plan results."""
        return _ratio(self.problems, self.inspected)

    @property
    def a_grade_share(self) -> Fraction | None:
        """Share of plan results about A-grade objects."""
        return _ratio(self.a_grade, self.inspected)

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready (Fractions as strings)."""
        out: dict[str, Any] = {}
        for f in attrs.fields(type(self)):
            v = getattr(self, f.name)
            out[f.name] = str(v) if isinstance(v, Fraction) else v
        for name in (
            "coverage",
            "joint_share",
            "entry_rate",
            "publication_rate",
            "timely_publication_rate",
            "problem_rate",
            "a_grade_share",
        ):
            v = getattr(self, name)
            out[name] = None if v is None else str(v)
        return out

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> AssessmentRow:
        """Read back :meth:`to_json_dict` (the derived rates are recomputed, not read).

        Raises
        ------
        ResultInputError
            If a count is not an integer or a Fraction field is not a fraction, naming the row and field.
        """
        from randinspect.errors import ResultInputError

        key = str(data.get("key", ""))
        values: dict[str, Any] = {}
        for f in attrs.fields(cls):
            if f.name == "key" or f.name not in data:
                continue
            raw = data[f.name]
            try:
                if f.name in ("planned", "visits_saved"):
                    values[f.name] = Fraction(str(raw))
                elif isinstance(raw, bool) or not isinstance(raw, int):
                    raise ValueError(raw)
                else:
                    values[f.name] = raw
            except (ValueError, ZeroDivisionError):
                raise ResultInputError(
                    f"assessment row {key!r}: field {f.name!r} is {raw!r}, not a "
                    f"{'fraction' if f.name in ('planned', 'visits_saved') else 'whole number'}"
                ) from None
        return cls(key=key, **values)


@attrs.frozen(kw_only=True, eq=False)
class Assessment:
    """The year's assessment: a row per department and per district, totals, deadlines, the estimate hook."""

    year: int
    as_of: dt.date
    departments: tuple[AssessmentRow, ...]
    districts: tuple[AssessmentRow, ...]
    total: AssessmentRow
    milestones: tuple[Any, ...] = ()
    provisional: bool = False
    estimate: Any = None
    names: Mapping[str, str] = attrs.field(factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "provisional_deadlines": self.provisional,
            "total": self.total.to_json_dict(),
            "departments": [r.to_json_dict() for r in self.departments],
            "districts": [r.to_json_dict() for r in self.districts],
            "milestones": [m.to_dict() for m in self.milestones],
            "estimate": None if self.estimate is None else str(self.estimate),
        }


def _sum_rows(key: str, rows: Iterable[AssessmentRow]) -> AssessmentRow:
    total: dict[str, Any] = {}
    for r in rows:
        for f in attrs.fields(AssessmentRow):
            if f.name == "key":
                continue
            total[f.name] = total.get(f.name, 0) + getattr(r, f.name)
    return AssessmentRow(key=key, **total)


def assess(
    *,
    book: ResultBook,
    report: DeadlineReport,
    objects: Any,
    draw_records: Sequence[Any] = (),
    tasks: Sequence[Any] = (),
    items: Iterable[Any] = (),
    savings: Any = None,
    referrals: Iterable[Any] = (),
    cycle: Any = None,
    completed: Mapping[Any, dt.date | None] | None = None,
    milestones: Sequence[Any] | None = None,
    department_milestones: Mapping[str, Mapping[Any, dt.date | None]] | None = None,
    estimator: Estimator | None = None,
    names: Mapping[str, str] | None = None,
    best_grade: str | None = None,
    journal: Any = None,
) -> Assessment:
    """Assess the year per department and per district (§五(一)); every figure adds up to the records.

    Parameters
    ----------
    book:
        The year's results.
    report:
        The deadline report (its date is the assessment's date).
    objects:
        The object directory of the year (credit grades and regions of inspected objects).
    draw_records:
        The year's draw records (planned Σπ and drawn volume per department).
    tasks:
        The inspection tasks (joint share).
    items:
        The year's check items (coverage).
    savings:
        The joint plan's :class:`randinspect.planning.SavingsReport` (visits saved).
    referrals:
        The referrals made.
    cycle, completed:
        The :class:`randinspect.planning.AnnualCycle` and each milestone's completion date for the city:
        the summary's deadline table (only when ``completed`` is given).
    milestones:
        Milestone statuses given directly (instead of ``cycle`` and ``completed``).
    department_milestones:
        Department -> milestone -> the day the department completed it (its item list and plan, its draws,
        its part of the summary and of the joint plan); with ``cycle``, each department's row counts the
        milestones due by the assessment day and those done on time.
    estimator:
        Optional :data:`Estimator` for the population problem rate (the Horvitz–Thompson estimate lives in
        ``randinspect.draw``); ``None`` reports the sample rate only.
    names:
        Department code -> name for the summary.
    best_grade:
        The credit grade counted as "A" (default: the directory scale's best level).
    journal:
        When given, the assessment totals are journalled as one ``assessment`` entry.
    """
    year = book.year
    as_of = report.as_of
    best = best_grade or objects.credit_scale.levels[0]
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    districts: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    listed: dict[str, set[str]] = defaultdict(set)
    for item in items:
        listed[item.department].add(item.id)
    inspected_items: dict[str, set[str]] = defaultdict(set)
    key_ids: set[str] = set()
    for rec in draw_records:
        dep = str(rec.commitment.item.get("department", "?"))
        key_ids.update(s.id for s in rec.selected if s.tier == "key")
        rows[dep]["planned"] += Fraction(rec.commitment.expected)
        rows[dep]["drawn"] += len(rec.selected)
    for t in tasks:
        for d in t.departments:
            rows[d]["tasks"] += 1
            if len(t.departments) > 1:
                rows[d]["joint_tasks"] += 1
    if savings is not None:
        for d, s in savings.per_department.items():
            rows[d]["visits_saved"] += Fraction(s.get("saved_share", 0))
    for dep in report.departments():
        c = report.counts(dep)
        rows[dep]["expected"] += c["expected"]
        rows[dep]["entered"] += c["entered"]
        rows[dep]["published"] += c["published"]
        rows[dep]["entered_on_time"] += c["entered_on_time"]
        rows[dep]["published_on_time"] += c["published_on_time"]
    ids = [r.record.object_id for r in book.results]
    grade: dict[str, str] = {}
    region: dict[str, str] = {}
    if ids:
        at = _positions(objects, ids)
        credit = np.asarray(objects.credit)
        regions = np.asarray(objects.regions)
        grade = {oid: str(credit[i]) for oid, i in at.items()}
        region = {oid: str(regions[i]) for oid, i in at.items()}
    found: dict[str, bool] = {}
    for r in book.results:
        rec = r.record
        dep = rec.department
        dist = districts[region.get(rec.object_id, "?")]
        inspected_items[dep].add(rec.item_id)
        if rec.origin is Origin.CASE:
            rows[dep]["case_results"] += 1
            dist["case_results"] += 1
            continue
        problem = r.category.is_problem
        for target in (rows[dep], dist):
            target["inspected"] += 1
            target["problems"] += int(problem)
            target["a_grade"] += int(grade.get(rec.object_id) == best)
            target["key_objects"] += int(rec.object_id in key_ids)
        found[rec.object_id] = found.get(rec.object_id, False) or problem
    for ref in referrals:
        rows[ref.from_department]["referrals"] += 1
        rows[ref.from_department]["referrals_overdue"] += int(ref.overdue(as_of))
        dist = districts[region.get(ref.object_id, "?")]
        dist["referrals"] += 1
        dist["referrals_overdue"] += int(ref.overdue(as_of))
    if cycle is not None and department_milestones:
        for dep, done in department_milestones.items():
            for status in cycle.status(done, today=as_of):
                if status.state == "pending":
                    continue
                rows[dep]["deadlines"] += 1
                rows[dep]["deadlines_met"] += int(status.state == "done")
    for dep in set(listed) | set(inspected_items):
        rows[dep]["items_listed"] += len(listed.get(dep, ()))
        rows[dep]["items_inspected"] += len(inspected_items.get(dep, set()) & listed.get(dep, set()))
    dep_rows = tuple(AssessmentRow(key=k, **dict(v)) for k, v in sorted(rows.items()))
    dist_rows = tuple(AssessmentRow(key=k, **dict(v)) for k, v in sorted(districts.items()))
    statuses: tuple[Any, ...] = tuple(milestones or ())
    if cycle is not None and completed is not None:
        statuses += tuple(cycle.status(completed, today=as_of))
    estimate = None if estimator is None else estimator(tuple(draw_records), found)
    assessment = Assessment(
        year=year,
        as_of=as_of,
        departments=dep_rows,
        districts=dist_rows,
        total=_sum_rows("total", dep_rows),
        milestones=statuses,
        provisional=report.provisional,
        estimate=estimate,
        names=dict(names or {}),
    )
    if journal is not None:
        from randinspect.draw.journal import EntryKind

        journal.append(
            EntryKind.ASSESSMENT,
            {"year": year, "as_of": as_of.isoformat(), "total": assessment.total.to_json_dict()},
            key=("assessment", str(year), as_of.isoformat()),
        )
    return assessment


_COLUMNS: tuple[tuple[str, str, Callable[[AssessmentRow], str]], ...] = (
    ("items", "事项覆盖", lambda r: f"{r.items_inspected}/{r.items_listed}"),
    ("drawn", "抽取/计划", lambda r: f"{r.drawn}/{float(r.planned):.0f}"),
    ("joint", "联合抽查占比", lambda r: _pct(r.joint_share)),
    ("saved", "减少检查次数", lambda r: f"{float(r.visits_saved):.0f}"),
    ("entry", "录入率", lambda r: _pct(r.entry_rate)),
    ("pub", "公示率", lambda r: _pct(r.publication_rate)),
    ("timely", "按时公示率", lambda r: _pct(r.timely_publication_rate)),
    ("problem", "问题发现率", lambda r: _pct(r.problem_rate)),
    ("a", "A类对象占比", lambda r: _pct(r.a_grade_share)),
    ("key", "重点监管对象", lambda r: str(r.key_objects)),
    ("cases", "案件触发检查", lambda r: str(r.case_results)),
    ("ref", "移送(逾期)", lambda r: f"{r.referrals}({r.referrals_overdue})"),
    ("due", "按时完成节点", lambda r: f"{r.deadlines_met}/{r.deadlines}" if r.deadlines else "—"),
)


def _table_rows(a: Assessment, rows: Sequence[AssessmentRow], label: Callable[[str], str]) -> list[list[str]]:
    return [[label(r.key)] + [f(r) for _, _, f in _COLUMNS] for r in (*rows, a.total)]


def _charts(a: Assessment, out: Path) -> list[str]:
    """Write the PNG charts; return their file names (empty list if matplotlib is missing)."""
    return list(assessment_charts(a.departments, year=a.year, out=out))


CHART_FILES: tuple[str, ...] = ("rates.png", "problems.png")
"""The charts :func:`assessment_charts` writes, in order: entry/publication/on-time rates, problem rate."""

CHART_ALT: dict[str, str] = {
    "rates.png": "各部门抽查结果录入率、公示率和按期公示率柱状图（数据见上表） / "
    "Entry, publication and on-time publication rates by department (figures in the table above)",
    "problems.png": "各部门发现问题率柱状图（数据见上表） / Problem-finding rate by department "
    "(figures in the table above)",
}
"""Text alternatives of the charts, Chinese first, for the summary's ``alt`` text (accessibility)."""


def assessment_charts(rows: Sequence[AssessmentRow], *, year: int, out: str | Path) -> tuple[str, ...]:
    """Write the assessment's charts (图表) as PNG files in ``out``; return their file names.

    ``rates.png``: entry, publication and on-time publication rates per department; ``problems.png``: the
    problem-finding rate per department (see :data:`CHART_FILES`). Departments with neither expected nor
    inspected results are left out. The figures come from the rows only (aggregated, no personal data).

    Returns
    -------
    tuple of str
        The file names written; empty when matplotlib (extra ``randinspect[plot]``) is not installed or no
        department has results. Callers say so instead of showing a chart.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return ()
    deps = [r for r in rows if r.expected or r.inspected]
    if not deps:
        return ()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    x = np.arange(len(deps))
    fig, ax = plt.subplots(figsize=(max(6, len(deps) * 0.6), 3.5))
    for k, (attr, label) in enumerate(
        (("entry_rate", "entry"), ("publication_rate", "published"), ("timely_publication_rate", "on time"))
    ):
        vals = [float(getattr(r, attr) or 0) * 100 for r in deps]
        ax.bar(x + (k - 1) * 0.27, vals, width=0.27, label=label, hatch=("", "//", "..")[k])
    ax.set_xticks(x, [r.key for r in deps], rotation=45, ha="right")
    ax.set_ylabel("% of expected results")
    ax.set_ylim(0, 105)
    ax.legend(loc="lower right", fontsize="small")
    ax.set_title(f"{year}: entry and publication rates by department")
    fig.tight_layout()
    fig.savefig(folder / CHART_FILES[0], dpi=90, metadata={"Software": None})
    plt.close(fig)
    names.append(CHART_FILES[0])
    fig, ax = plt.subplots(figsize=(max(6, len(deps) * 0.6), 3.5))
    ax.bar(x, [float(r.problem_rate or 0) * 100 for r in deps], color="tab:red")
    ax.set_xticks(x, [r.key for r in deps], rotation=45, ha="right")
    ax.set_ylabel("% of plan results")
    ax.set_title(f"{year}: problem-finding rate by department")
    fig.tight_layout()
    fig.savefig(folder / CHART_FILES[1], dpi=90, metadata={"Software": None})
    plt.close(fig)
    names.append(CHART_FILES[1])
    return tuple(names)


@attrs.frozen(kw_only=True)
class AnnualSummary:
    """The Dec 5 annual summary (年度工作总结) as Markdown and HTML, Chinese first."""

    markdown: str
    html: str
    charts: tuple[str, ...]
    note: str = ""


def annual_summary(
    assessment: Assessment, out: str | Path, *, title: str = "", charts: bool = True
) -> AnnualSummary:
    """Write the annual summary: ``summary.md``, ``summary.html`` and charts under ``out/charts/``.

    Charts need matplotlib (extra ``randinspect[plot]``); without it the summary is written without them and
    says so. Figures come from :class:`Assessment` only (public, aggregated; no personal data).

    Returns
    -------
    AnnualSummary
        The texts written and the chart files.
    """
    a = assessment
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = a.names
    chart_files = _charts(a, out_dir / "charts") if charts else []
    note = ""
    if charts and not chart_files:
        note = (
            "图表未生成：未安装 matplotlib（pip install 'randinspect[plot]'）。"
            "Charts omitted: matplotlib is not installed."
        )
    heading = title or f"{a.year}年度“双随机、一公开”监管工作总结"
    t = a.total
    lines = [
        f"# {heading}",
        "",
        f"统计截至 {a.as_of.isoformat()}（as of）。",
        "",
        "## 总体情况 Overview",
        "",
        f"- 计划抽取 {float(t.planned):.0f} 户，实际抽取 {t.drawn} 户；检查任务 {t.tasks} 项，其中联合抽查 "
        f"{t.joint_tasks} 项（{_pct(t.joint_share)}），减少检查 {float(t.visits_saved):.0f} 次。",
        f"- 应录入结果 {t.expected} 条，已录入 {t.entered} 条（录入率 {_pct(t.entry_rate)}），已公示 "
        f"{t.published} 条（公示率 {_pct(t.publication_rate)}，20个工作日内按时公示 "
        f"{_pct(t.timely_publication_rate)}）。",
        f"- 计划内检查结果 {t.inspected} 条，发现问题 {t.problems} 条（问题发现率 {_pct(t.problem_rate)}）；"
        f"案件线索等触发的检查 {t.case_results} 条，单独统计。",
        f"- A类（信用风险低）对象占检查结果的 {_pct(t.a_grade_share)}（无事不扰）。",
        f"- 移送 {t.referrals} 件，逾期未回执 {t.referrals_overdue} 件。",
    ]
    if a.estimate is not None:
        lines.append(f"- 全体对象问题发生率估计（Horvitz–Thompson）：{a.estimate}")
    else:
        lines.append("- 全体对象问题发生率估计：未提供估计器（estimator），仅报告样本问题发现率。")
    if a.provisional:
        lines += [
            "",
            "> 注意：部分期限按临时日历（法定节假日，无调休）计算，待国务院办公厅放假通知发布后须重新核定。"
            " Some deadlines were computed on the provisional calendar.",
        ]
    header = ["部门 Department"] + [zh for _, zh, _ in _COLUMNS]

    def md_table(rows: list[list[str]], head: list[str]) -> list[str]:
        return [
            "| " + " | ".join(head) + " |",
            "|" + "---|" * len(head),
            *("| " + " | ".join(r) + " |" for r in rows),
        ]

    dep_rows = _table_rows(a, a.departments, lambda k: f"{names.get(k, k)} ({k})" if k in names else k)
    dist_rows = _table_rows(a, a.districts, lambda k: k)
    lines += ["", "## 各部门 By department", "", *md_table(dep_rows, header)]
    lines += ["", "## 各区县 By district", "", *md_table(dist_rows, ["区划 District", *header[1:]])]
    if a.milestones:
        lines += ["", "## 时间节点 Deadlines", ""]
        ms_rows = [
            [
                m.milestone.zh,
                m.due.isoformat(),
                "" if m.completed_on is None else m.completed_on.isoformat(),
                m.state,
            ]
            for m in a.milestones
        ]
        lines += md_table(ms_rows, ["节点 Milestone", "期限 Due", "完成 Done", "状态 State"])
    if chart_files:
        lines += ["", "## 图表 Charts", ""] + [f"![{CHART_ALT.get(c, c)}](charts/{c})" for c in chart_files]
    if note:
        lines += ["", note]
    markdown = "\n".join(lines) + "\n"

    def html_table(rows: list[list[str]], head: list[str]) -> str:
        th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"

    overview = "".join(f"<li>{html.escape(x[2:])}</li>" for x in lines if x.startswith("- "))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{html.escape(heading)}</title>",
        "<style>body{font-family:sans-serif;max-width:72em;margin:auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:2px 6px;text-align:right}</style></head><body>",
        f"<h1>{html.escape(heading)}</h1>",
        f"<p>统计截至 {a.as_of.isoformat()}</p>",
        f"<h2>总体情况 Overview</h2><ul>{overview}</ul>",
    ]
    if a.provisional:
        parts.append("<p><strong>注意：部分期限按临时日历计算。</strong></p>")
    parts += [
        "<h2>各部门 By department</h2>",
        html_table(dep_rows, header),
        "<h2>各区县 By district</h2>",
        html_table(dist_rows, ["区划 District", *header[1:]]),
    ]
    if a.milestones:
        parts += ["<h2>时间节点 Deadlines</h2>", html_table(ms_rows, ["节点", "期限", "完成", "状态"])]
    if chart_files:
        parts.append("<h2>图表 Charts</h2>")
        parts += [
            f'<p><img src="charts/{html.escape(c, quote=True)}" '
            f'alt="{html.escape(CHART_ALT.get(c, c), quote=True)}"></p>'
            for c in chart_files
        ]
    if note:
        parts.append(f"<p>{html.escape(note)}</p>")
    parts.append("</body></html>")
    html_text = "\n".join(parts) + "\n"
    (out_dir / "summary.md").write_text(markdown, encoding="utf-8")
    (out_dir / "summary.html").write_text(html_text, encoding="utf-8")
    return AnnualSummary(markdown=markdown, html=html_text, charts=tuple(chart_files), note=note)
