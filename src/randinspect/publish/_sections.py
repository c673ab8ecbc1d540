"""The section registry of the publication site and the built-in sections.

A :class:`Section` says which files of the records folder it needs (keys of ``RECORD_FILES``) and builds
its pages from a :class:`SiteData`. :func:`randinspect.publish.publish` runs every section of its
``sections`` argument whose files are present and lists the others as left out, so a results or an
assessment section is added later by appending a ``Section`` to :data:`DEFAULT_SECTIONS` (or passing
``sections=``) without touching the rest.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np

from randinspect.publish._html import Html, Page, Para, Table, Text
from randinspect.publish._records import DrawEntry, YearRecords
from randinspect.publish._results import PublicResults, build_assessment, build_overdue, build_results

if TYPE_CHECKING:
    from randinspect.draw import InclusionTable

__all__ = ["DEFAULT_SECTIONS", "Section", "SiteData"]

TIER_TEXT: Final = {
    "key": Text("重点对象", "key"),
    "problem": Text("问题对象", "problem"),
    "risk": Text("高风险对象", "risk"),
    "general": Text("一般对象", "general"),
}

CATEGORY_TEXT: Final = {
    "key": Text("重点检查", "key inspection"),
    "general": Text("一般检查", "general inspection"),
}


@attrs.frozen(kw_only=True)
class SiteData:
    """What the sections build from: the records plus, per verified draw, its π table and object names.

    Attributes
    ----------
    records:
        The folder's records.
    tables:
        The committed π table of each draw, by :attr:`DrawEntry.slug` (rebuilt and verified).
    names:
        Name of every drawn object, by id (from the object directory).
    regions:
        Region (division) code of every drawn object, by id.
    district_names:
        Name of each county-level division code that occurs.
    results:
        The published results and what is left out (:func:`randinspect.publish.public_results`), when the
        folder has public-results files.
    """

    records: YearRecords
    tables: Mapping[str, InclusionTable]
    names: Mapping[str, str]
    regions: Mapping[str, str]
    district_names: Mapping[str, str]
    results: PublicResults | None = None

    @property
    def year(self) -> int | None:
        """The plan year."""
        return self.records.year

    def district_of(self, object_id: str) -> str:
        """County-level division code (first six digits of the region) of a drawn object."""
        return self.regions.get(object_id, "")[:6]


@attrs.frozen(kw_only=True)
class Section:
    """**Registry entry:** one section of the site.

    Attributes
    ----------
    key:
        Unique name (``"draws"``, ``"joint_plan"`` ...).
    title:
        Title in the navigation.
    needs:
        Keys of ``RECORD_FILES`` that must all be present for the section to be built.
    build:
        ``build(data) -> tuple[Page, ...]``; the first page is the section's entry in the navigation.
        It must only show values from the records (never invent data) and never personal data.
    """

    key: str
    title: Text
    needs: frozenset[str]
    build: Callable[[SiteData], tuple[Page, ...]]


# --------------------------------------------------------------------------------------------- helpers


def _item_rows(data: SiteData) -> list[Mapping[str, Any]]:
    items: dict[str, Mapping[str, Any]] = {}
    for entry in data.records.draws:
        items.setdefault(entry.record.item_id, entry.record.commitment.item)
    return [items[k] for k in sorted(items)]


def _legal_basis(item: Mapping[str, Any]) -> str:
    parts = []
    for basis in item.get("legal_basis") or ():
        if isinstance(basis, Mapping):
            parts.append(f"{basis.get('title', '')}{basis.get('article', '')}")
        else:
            parts.append(str(basis))
    return "；".join(parts)


def _fraction_text(value: Any) -> str:
    try:
        return f"{float(Fraction(str(value))):.2%}"
    except (ValueError, ZeroDivisionError):
        return str(value)


def _expected(numerators_sum: int, denominator: int) -> str:
    return f"{numerators_sum / denominator:.2f}"


def _known_fields_table(
    name: str, caption: Text, values: Mapping[str, Any], known: Mapping[str, Text]
) -> Table:
    """A two-column table of a record's fields: known ones with their label, unknown extra ones as is."""
    rows = []
    for key in list(known) + sorted(k for k in values if k not in known):
        if key not in values:
            continue
        label = known.get(key, Text(key, key))
        value = values[key]
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        rows.append({"field": label.plain(), "key": key, "value": text})
    return Table(
        name=name,
        caption=caption,
        columns=(
            ("field", Text("项目", "field")),
            ("key", Text("字段名", "key")),
            ("value", Text("内容", "value")),
        ),
        rows=tuple(rows),
    )


def _department_names(data: SiteData) -> dict[str, str]:
    names: dict[str, str] = {}
    for entry in data.records.draws:
        item = entry.record.commitment.item
        department = str(item.get("department", ""))
        body = str(item.get("inspecting_body") or "")
        if department and body:
            names.setdefault(department, body)
    return names


# --------------------------------------------------------------------------------------------- index


def _index(data: SiteData) -> tuple[Page, ...]:
    records = data.records
    year = data.year
    blocks: list[Any] = [
        Para(
            Text(
                f"本站公开 {year} 年度“双随机、一公开”抽查的事项清单、抽取过程与结果、联合抽查计划，"
                "任何人都可以在浏览器中重新抽取并核对每一次抽取。",
                f"This site publishes the {year} item list, every draw before and after its seed, "
                "the joint plan, "
                "and lets anyone re-run each draw in the browser.",
            )
        )
    ]
    summary_rows = [
        {"what": Text("抽取记录", "draw records").plain(), "value": len(records.draws)},
        {"what": Text("抽查事项", "check items").plain(), "value": len(_item_rows(data))},
        {
            "what": Text("抽中对象（人次）", "objects drawn (visits)").plain(),
            "value": sum(e.record.counts.get("total", 0) for e in records.draws),
        },
    ]
    if records.journal_head:
        summary_rows.append(
            {"what": Text("留痕日志条目", "journal entries").plain(), "value": records.journal_length}
        )
        summary_rows.append(
            {"what": Text("留痕日志最新摘要", "journal head").plain(), "value": records.journal_head}
        )
    seed = records.ceremony.get("seed") or (records.draws[0].record.seed if records.draws else None)
    if seed:
        summary_rows.append({"what": Text("公开随机种子", "public seed").plain(), "value": seed})
    blocks.append(
        Table(
            name="overview",
            caption=Text(f"{year} 年度概况", f"The year {year} at a glance"),
            columns=(("what", Text("项目", "what")), ("value", Text("数值", "value"))),
            rows=tuple(summary_rows),
        )
    )
    if records.draws:
        by_department: dict[str, list[DrawEntry]] = defaultdict(list)
        for entry in records.draws:
            by_department[str(entry.record.commitment.item.get("department", ""))].append(entry)
        names = _department_names(data)
        rows = [
            {
                "department": d,
                "name": names.get(d, ""),
                "items": len({e.record.item_id for e in es}),
                "drawn": sum(e.record.counts.get("total", 0) for e in es),
            }
            for d, es in sorted(by_department.items())
        ]
        blocks += [
            Para(Text("各部门", "By department"), level=2),
            Table(
                name="departments",
                caption=Text("各部门抽查事项与抽中对象数", "Items and drawn objects by department"),
                columns=(
                    ("department", Text("部门", "department")),
                    ("name", Text("实施机关", "inspecting body")),
                    ("items", Text("事项数", "items")),
                    ("drawn", Text("抽中对象数", "objects drawn")),
                ),
                rows=tuple(rows),
                links={"department": "departments/{}.html"},
            ),
        ]
    if "objects" in records.present and records.draws:
        counts = Counter(data.district_of(i) for e in records.draws for i in e.record.selected_ids)
        rows = [
            {"district": code, "name": data.district_names.get(code, ""), "drawn": n}
            for code, n in sorted(counts.items())
            if code
        ]
        blocks += [
            Para(Text("各区（县）", "By district"), level=2),
            Table(
                name="districts",
                caption=Text("各区（县）抽中对象数", "Drawn objects by district"),
                columns=(
                    ("district", Text("区划代码", "division code")),
                    ("name", Text("区（县）", "district")),
                    ("drawn", Text("抽中对象数", "objects drawn")),
                ),
                rows=tuple(rows),
                links={"district": "districts/{}.html"},
            ),
        ]
    return (
        Page(
            path="index.html",
            title=Text(f"{year} 年度双随机抽查公开", f"{year} random inspections"),
            section="index",
            blocks=tuple(blocks),
        ),
    )


# --------------------------------------------------------------------------------------------- items


def _items(data: SiteData) -> tuple[Page, ...]:
    rows = []
    for item in _item_rows(data):
        rows.append(
            {
                "id": item.get("id"),
                "name": item.get("name"),
                "department": item.get("department"),
                "body": item.get("inspecting_body"),
                "category": CATEGORY_TEXT.get(
                    str(item.get("category")), Text(str(item.get("category")), "")
                ).zh,
                "method": item.get("method"),
                "ratio": _fraction_text(item.get("ratio")),
                "cap": "" if item.get("cap") is None else _fraction_text(item.get("cap")),
                "frequency": item.get("frequency"),
                "content": item.get("content"),
                "legal_basis": _legal_basis(item),
            }
        )
    table = Table(
        name="items",
        caption=Text("抽查事项清单", "Check-item list"),
        columns=(
            ("id", Text("事项编号", "item")),
            ("name", Text("事项名称", "name")),
            ("department", Text("部门", "department")),
            ("body", Text("实施机关", "inspecting body")),
            ("category", Text("类别", "category")),
            ("method", Text("检查方式", "method")),
            ("ratio", Text("抽查比例", "ratio")),
            ("cap", Text("比例上限", "ceiling")),
            ("frequency", Text("频次", "rounds")),
            ("content", Text("检查内容", "content")),
            ("legal_basis", Text("法律依据", "legal basis")),
        ),
        rows=tuple(rows),
    )
    intro = Para(
        Text(
            "以下为本年度抽查事项清单（抽查事项、依据、主体、内容、方式等），取自每次抽取前公示的承诺。",
            "The year's check items with their legal bases, as fixed in each draw's commitment.",
        )
    )
    return (
        Page(
            path="items.html",
            title=Text("抽查事项清单", "Check items"),
            section="items",
            blocks=(intro, table),
        ),
    )


# --------------------------------------------------------------------------------------------- draws

_COMMITMENT_FIELDS: Final = {
    "context": Text("抽取标识", "context"),
    "year": Text("年度", "year"),
    "round": Text("轮次", "round"),
    "rounds": Text("全年轮次", "rounds"),
    "frame_size": Text("名录对象数", "frame size"),
    "expected": Text("期望抽取数（Σπ）", "expected count (Σπ)"),
    "frame_digest": Text("名录摘要", "frame digest"),
    "table_digest": Text("概率表摘要", "table digest"),
    "directory_digest": Text("主体名录快照摘要", "directory digest"),
    "stratum": Text("分层字段", "strata column"),
    "version": Text("算法版本", "algorithm version"),
    "digest": Text("承诺摘要", "commitment digest"),
}


def _draw_page(data: SiteData, entry: DrawEntry) -> Page:
    record = entry.record
    c = record.commitment
    item = c.item
    slug = entry.slug
    title = Text(
        f"{item.get('name', record.item_id)}（{record.item_id}，第 {record.round} 轮）",
        f"{record.item_id}, round {record.round}",
    )
    blocks: list[Any] = [
        Para(Text("一、抽取前：承诺", "1. Before the seed: the commitment"), level=2),
        Para(
            Text(
                "在随机种子产生之前，抽查名录、入选概率表和抽取规则已用摘要固定并公示，此后任何改动都会被发现。",
                "Before the seed existed, the frame, the probability table and the rules were fixed by these "
                "digests and published; any later change shows.",
            )
        ),
    ]
    commitment = c.to_json_dict()
    commitment_view = {
        k: v for k, v in commitment.items() if k not in ("item", "policy", "cap_report", "format")
    }
    if entry.committed_at:
        commitment_view = {"published_at": entry.committed_at, **commitment_view}
    known = {"published_at": Text("公示时间（留痕日志）", "published (journal time)"), **_COMMITMENT_FIELDS}
    blocks.append(_known_fields_table("commitment", Text("承诺", "Commitment"), commitment_view, known))
    cap = c.cap_report
    if cap:
        blocks.append(
            _known_fields_table(
                "cap",
                Text("比例上限核算", "Ceiling report"),
                dict(cap),
                {
                    "cap": Text("比例上限", "cap"),
                    "frame_size": Text("名录对象数", "frame size"),
                    "ceiling": Text("上限对象数", "ceiling"),
                    "mandatory": Text("必查对象数", "mandatory objects"),
                    "requested": Text("按比例应抽", "requested"),
                    "granted": Text("实际期望", "granted"),
                    "exceeded": Text("必查对象超过上限", "exceeded"),
                },
            )
        )
    blocks.append(
        Para(Text("二、抽取后：种子与抽中对象", "2. After the seed: the seed and the drawn objects"), level=2)
    )
    ceremony = dict(data.records.ceremony)
    seed_view = dict(record.source)
    seed_view["start"] = record.start
    for key, value in ceremony.items():
        if key != "seed":
            seed_view[f"ceremony.{key}"] = value
    if entry.recorded_at:
        seed_view["recorded_at"] = entry.recorded_at
    blocks.append(
        _known_fields_table(
            "seed",
            Text("随机种子与摇号", "Seed and ceremony"),
            seed_view,
            {
                "seed": Text("公开随机种子", "public seed"),
                "seed_digest": Text("种子摘要", "seed digest"),
                "start": Text("系统抽样起点", "systematic start"),
                "recorded_at": Text("抽取时间（留痕日志）", "drawn (journal time)"),
                "kind": Text("随机来源", "source"),
                "version": Text("随机数版本", "ticket version"),
                "ceremony.when": Text("摇号时间", "ceremony time"),
                "ceremony.where": Text("摇号地点", "ceremony place"),
                "ceremony.how": Text("摇号方式", "how the seed was made"),
                "ceremony.witnesses": Text("见证人", "witnesses"),
            },
        )
    )
    table = data.tables.get(slug)
    expected_by_stratum: dict[str, int] = defaultdict(int)
    if table is not None:
        labels = table.frame.stratum_labels
        codes = table.frame.stratum_codes
        for code, total in zip(
            range(len(labels)), _sum_by(codes, table.numerators, len(labels)), strict=True
        ):
            expected_by_stratum[str(labels[code])] = total
    drawn_by = dict(record.counts.get("by_stratum", {}))
    units = sorted(set(expected_by_stratum) | set(drawn_by))
    blocks.append(
        Table(
            name="units",
            caption=Text("各监管单位：期望抽取数与实际抽中数", "Per unit: expected and drawn"),
            columns=(
                ("unit", Text("监管单位", "unit")),
                ("expected", Text("期望数（Σπ）", "expected (Σπ)")),
                ("drawn", Text("抽中数", "drawn")),
            ),
            rows=tuple(
                {
                    "unit": u,
                    "expected": _expected(expected_by_stratum.get(u, 0), c.denominator),
                    "drawn": drawn_by.get(u, 0),
                }
                for u in units
            ),
        )
    )
    tiers = dict(record.counts.get("by_tier", {}))
    blocks.append(
        Table(
            name="tiers",
            caption=Text(
                "各层级抽中数与总数（期望与实际）", "Drawn per tier, and in total (expected and drawn)"
            ),
            columns=(("tier", Text("层级", "tier")), ("drawn", Text("抽中数", "drawn"))),
            rows=(
                *({"tier": TIER_TEXT.get(t, Text(t, t)).plain(), "drawn": n} for t, n in tiers.items()),
                {"tier": Text("期望总数（Σπ）", "expected total (Σπ)").plain(), "drawn": c.expected},
                {"tier": Text("实际抽中总数", "drawn in total").plain(), "drawn": record.counts.get("total")},
            ),
        )
    )
    rows = [
        {
            "id": s.id,
            "name": data.names.get(s.id, ""),
            "district": data.district_names.get(data.district_of(s.id), data.district_of(s.id)),
            "unit": s.stratum,
            "tier": "" if s.tier is None else (TIER_TEXT[s.tier].zh if s.tier in TIER_TEXT else s.tier),
            "pi": s.pi,
        }
        for s in record.selected
    ]
    hidden = entry.disclosure == "auditors"
    drawn_columns: tuple[tuple[str, Text], ...] = (
        ("id", Text("统一社会信用代码", "credit code")),
        ("name", Text("名称", "name")),
        ("district", Text("区（县）", "district")),
        ("unit", Text("监管单位", "unit")),
    )
    if hidden:
        # Disclosure "auditors": tier and π of single objects reveal credit-risk classes (spec §5.3).
        rows = [{k: v for k, v in row.items() if k not in ("tier", "pi")} for row in rows]
    else:
        drawn_columns += (("tier", Text("层级", "tier")), ("pi", Text("入选概率", "inclusion probability")))
    blocks.append(
        Table(
            name="drawn",
            caption=Text("抽中的检查对象", "Drawn objects"),
            columns=drawn_columns,
            rows=tuple(rows),
        )
    )
    if hidden:
        blocks.append(
            Para(
                Text(
                    "本次抽取的入选概率表只提供给指定的审核人员（公开范围：仅审核人员），"
                    "本站不公开单个对象的层级和入选概率。公众可以核对承诺、名录、种子、起点和抽中数量；"
                    "审核人员可用完整的概率表复核全部结果。",
                    "This draw's probability table goes to designated auditors only (disclosure "
                    '"auditors"): this site shows no tier or probability of single objects. The public can '
                    "check the commitment, the frame, the seed, the start and the counts; an auditor with "
                    "the full table checks everything.",
                )
            )
        )
    frame_link = (
        Text("公开名录（CSV，不含概率）", "public frame (CSV, without probabilities)")
        if hidden
        else Text("公开名录与概率表（CSV）", "public frame (CSV)")
    )
    blocks.append(Para(Text("三、自己复核", "3. Check it yourself"), level=2))
    blocks.append(
        Html(
            f'<p><a href="../verify.html#{slug}">'
            f"{Text('在浏览器中重新抽取并核对', 'Re-run this draw in your browser').html()}</a>"
            f' · <a href="../records/{slug}.json">{Text("抽取记录（JSON）", "draw record (JSON)").html()}</a>'
            f' · <a href="../frames/{slug}.csv">{frame_link.html()}</a></p>'
        )
    )
    blocks.append(
        _known_fields_table(
            "item",
            Text("抽查事项（承诺中的全部字段）", "Check item (every field of the commitment)"),
            dict(item),
            {
                "id": Text("事项编号", "item"),
                "name": Text("事项名称", "name"),
                "department": Text("部门", "department"),
                "legal_basis": Text("法律依据", "legal basis"),
            },
        )
    )
    return Page(path=f"draws/{slug}.html", title=title, section="draws", blocks=tuple(blocks))


def _sum_by(codes: Any, values: Any, n: int) -> list[int]:
    # Exact integer sums per code: numerators are below 2^33, so int64 sums are exact below 2^30 objects.
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, np.asarray(codes, dtype=np.int64), np.asarray(values, dtype=np.int64))
    return [int(v) for v in out.tolist()]


def _draws(data: SiteData) -> tuple[Page, ...]:
    rows = []
    for entry in data.records.draws:
        r = entry.record
        rows.append(
            {
                "slug": entry.slug,
                "item": r.item_id,
                "name": r.commitment.item.get("name", ""),
                "round": r.round,
                "committed_at": entry.committed_at or "",
                "frame": r.commitment.frame_size,
                "expected": _expected(_sum_all(data, entry), r.commitment.denominator),
                "drawn": r.counts.get("total"),
                "digest": r.commitment.digest,
            }
        )
    index = Page(
        path="draws/index.html",
        title=Text("抽取过程与结果", "Draws"),
        section="draws",
        blocks=(
            Para(
                Text(
                    "每次抽取先公示承诺摘要，再用公开摇号产生的种子抽取。点击抽取标识查看详情并在浏览器中复核。",
                    "Each draw's commitment was published before the public seed; "
                    "open one to see it and re-run it.",
                )
            ),
            Table(
                name="draws",
                caption=Text("全部抽取", "All draws"),
                columns=(
                    ("slug", Text("抽取", "draw")),
                    ("item", Text("事项编号", "item")),
                    ("name", Text("事项名称", "name")),
                    ("round", Text("轮次", "round")),
                    ("committed_at", Text("承诺公示时间", "commitment published")),
                    ("frame", Text("名录对象数", "frame size")),
                    ("expected", Text("期望数", "expected")),
                    ("drawn", Text("抽中数", "drawn")),
                    ("digest", Text("承诺摘要", "commitment digest")),
                ),
                rows=tuple(rows),
                links={"slug": "draws/{}.html"},
            ),
        ),
    )
    return (index, *(_draw_page(data, e) for e in data.records.draws))


def _sum_all(data: SiteData, entry: DrawEntry) -> int:
    table = data.tables.get(entry.slug)
    return int(table.numerators.sum()) if table is not None else 0


# --------------------------------------------------------------------------------------------- departments


def _drawn_rows(data: SiteData, entries: list[DrawEntry]) -> list[dict[str, Any]]:
    tier_zh = {tier: text.zh for tier, text in TIER_TEXT.items()}
    names = data.names
    rows = []
    for entry in entries:
        slug, item_id = entry.slug, entry.record.item_id
        for s in entry.record.selected:
            rows.append(
                {
                    "draw": slug,
                    "item": item_id,
                    "id": s.id,
                    "name": names.get(s.id, ""),
                    "unit": s.stratum,
                    "tier": "" if s.tier is None else tier_zh.get(s.tier, s.tier),
                }
            )
    return rows


_DRAWN_COLUMNS: Final[tuple[tuple[str, Text], ...]] = (
    ("draw", Text("抽取", "draw")),
    ("item", Text("事项编号", "item")),
    ("id", Text("统一社会信用代码", "credit code")),
    ("name", Text("名称", "name")),
    ("unit", Text("监管单位", "unit")),
    ("tier", Text("层级", "tier")),
)


def _drawn_columns(entries: Sequence[DrawEntry]) -> tuple[tuple[str, Text], ...]:
    """The drawn-objects columns; without ``tier`` when every draw withholds it (disclosure "auditors")."""
    if all(e.disclosure == "auditors" for e in entries):
        return tuple(c for c in _DRAWN_COLUMNS if c[0] != "tier")
    return _DRAWN_COLUMNS


def _departments(data: SiteData) -> tuple[Page, ...]:
    by_department: dict[str, list[DrawEntry]] = defaultdict(list)
    for entry in data.records.draws:
        by_department[str(entry.record.commitment.item.get("department", ""))].append(entry)
    names = _department_names(data)
    plans: dict[str, Mapping[str, Any]] = {}
    for plan in data.records.json_files.get("department_plans") or ():
        if isinstance(plan, Mapping):
            plans[str(plan.get("department"))] = plan
    pages = []
    for department, entries in sorted(by_department.items()):
        blocks: list[Any] = [
            Table(
                name="draws",
                caption=Text("本部门的抽取", "This department's draws"),
                columns=(
                    ("draw", Text("抽取", "draw")),
                    ("name", Text("事项名称", "item name")),
                    ("expected", Text("期望数", "expected")),
                    ("drawn", Text("抽中数", "drawn")),
                ),
                rows=tuple(
                    {
                        "draw": e.slug,
                        "name": e.record.commitment.item.get("name", ""),
                        "expected": _expected(_sum_all(data, e), e.record.commitment.denominator),
                        "drawn": e.record.counts.get("total"),
                    }
                    for e in entries
                ),
                links={"draw": "draws/{}.html"},
            )
        ]
        plan = plans.get(department)
        if plan is not None:
            periods = list(plan.get("periods") or ())
            loads = list(plan.get("loads") or ())
            capacity = plan.get("capacity")
            blocks.append(
                Table(
                    name="plan",
                    caption=Text("检查计划：各时段检查户次", "Plan: visits per period"),
                    columns=(
                        ("period", Text("时段", "period")),
                        ("visits", Text("检查户次", "visits")),
                        ("capacity", Text("能力上限", "capacity")),
                    ),
                    rows=tuple(
                        {
                            "period": p,
                            "visits": loads[i] if i < len(loads) else "",
                            "capacity": capacity[i]
                            if isinstance(capacity, list) and i < len(capacity)
                            else "",
                        }
                        for i, p in enumerate(periods)
                    ),
                )
            )
        blocks.append(
            Table(
                name="drawn",
                caption=Text("本部门抽中的检查对象", "Objects drawn by this department"),
                columns=_drawn_columns(entries),
                rows=tuple(_drawn_rows(data, entries)),
                links={"draw": "draws/{}.html"},
            )
        )
        name = names.get(department, department)
        pages.append(
            Page(
                path=f"departments/{department}.html",
                title=Text(f"{name}（{department}）", f"Department {department}"),
                section="departments",
                blocks=tuple(blocks),
            )
        )
    return tuple(pages)


def _districts(data: SiteData) -> tuple[Page, ...]:
    # One pass over every drawn object, each row to its district (rows keep the order of the draws).
    by_district: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _drawn_rows(data, list(data.records.draws)):
        code = data.district_of(str(row["id"]))
        if code:
            by_district[code].append(row)
    pages = []
    for code, rows in sorted(by_district.items()):
        per_item = Counter(str(r["item"]) for r in rows)
        name = data.district_names.get(code, code)
        pages.append(
            Page(
                path=f"districts/{code}.html",
                title=Text(f"{name}（{code}）", f"District {code}"),
                section="districts",
                blocks=(
                    Table(
                        name="items",
                        caption=Text("本区（县）各事项抽中数", "Drawn in this district per item"),
                        columns=(("item", Text("事项编号", "item")), ("drawn", Text("抽中数", "drawn"))),
                        rows=tuple({"item": k, "drawn": v} for k, v in sorted(per_item.items())),
                    ),
                    Table(
                        name="drawn",
                        caption=Text("本区（县）抽中的检查对象", "Objects drawn in this district"),
                        columns=_drawn_columns(data.records.draws),
                        rows=tuple(rows),
                        links={"draw": "draws/{}.html"},
                    ),
                ),
            )
        )
    return tuple(pages)


# --------------------------------------------------------------------------------------------- joint plan


def _joint_plan(data: SiteData) -> tuple[Page, ...]:
    summary = data.records.json_files.get("summary")
    joint = data.records.json_files.get("joint_plan")
    blocks: list[Any] = []
    if isinstance(summary, Mapping):
        known = {
            "visits_without_joint": Text("不联合时的检查户次", "visits without joint inspection"),
            "visits_with_joint": Text("联合后的检查户次", "visits with joint inspection"),
            "visits_saved": Text("减少的检查户次", "visits saved"),
            "proposals": Text("联合检查建议数", "joint proposals"),
            "joint_blocks": Text("联合检查组数", "joint blocks"),
            "answers_due": Text("部门答复截止日", "answers due"),
        }
        view = {k: summary[k] for k in known if k in summary}
        blocks.append(
            _known_fields_table(
                "visits", Text("联合抽查减少的检查户次", "Visits saved by joint inspection"), view, known
            )
        )
    if isinstance(joint, Mapping):
        plan = joint.get("joint_plan")
        raw_blocks = plan.get("blocks") if isinstance(plan, Mapping) else None
        if isinstance(raw_blocks, list):
            rows = []
            for b in raw_blocks:
                if not isinstance(b, Mapping):
                    continue
                objects = b.get("objects") or b.get("object_ids") or ()
                rows.append(
                    {
                        "block": b.get("id", ""),
                        "departments": b.get("departments", ()),
                        "period": b.get("period", ""),
                        "objects": objects,
                        **{
                            k: v
                            for k, v in b.items()
                            if k
                            not in ("id", "departments", "period", "objects", "object_ids", "tasks", "visits")
                        },
                    }
                )
            extra = sorted({k for r in rows for k in r} - {"block", "departments", "period", "objects"})
            blocks.append(
                Table(
                    name="blocks",
                    caption=Text("联合抽查计划", "Joint plan"),
                    columns=(
                        ("block", Text("联合检查组", "block")),
                        ("departments", Text("参与部门", "departments")),
                        ("period", Text("时段", "period")),
                        ("objects", Text("检查对象", "objects")),
                        *((k, Text(k, k)) for k in extra),
                    ),
                    rows=tuple(rows),
                )
            )
        savings = plan.get("savings") if isinstance(plan, Mapping) else None
        per_department = savings.get("per_department") if isinstance(savings, Mapping) else None
        if isinstance(per_department, Mapping):
            blocks.append(
                Table(
                    name="savings",
                    caption=Text("各部门检查户次与联合检查", "Visits and joint visits per department"),
                    columns=(
                        ("department", Text("部门", "department")),
                        ("visits", Text("检查户次", "visits")),
                        ("joint", Text("联合检查户次", "joint visits")),
                        ("solo", Text("单独检查户次", "own visits")),
                        ("saved_share", Text("节省份额", "share saved")),
                    ),
                    rows=tuple(
                        {"department": d, **v}
                        for d, v in sorted(per_department.items())
                        if isinstance(v, Mapping)
                    ),
                    links={"department": "departments/{}.html"},
                )
            )
        proposals = joint.get("proposals")
        plist = proposals.get("proposals") if isinstance(proposals, Mapping) else None
        if isinstance(plist, list):
            blocks.append(
                Table(
                    name="proposals",
                    caption=Text(
                        "联合检查建议（被两个以上部门抽中的对象）",
                        "Joint proposals (objects drawn by two or more departments)",
                    ),
                    columns=(
                        ("object_id", Text("统一社会信用代码", "credit code")),
                        ("name", Text("名称", "name")),
                        ("departments", Text("部门", "departments")),
                        ("due_on", Text("答复截止", "answer due")),
                    ),
                    rows=tuple(
                        {
                            "object_id": p.get("object_id"),
                            "name": data.names.get(str(p.get("object_id")), ""),
                            "departments": p.get("departments", ()),
                            "due_on": p.get("due_on", ""),
                        }
                        for p in plist
                        if isinstance(p, Mapping)
                    ),
                )
            )
    return (
        Page(
            path="joint-plan.html",
            title=Text("联合抽查计划", "Joint plan"),
            section="joint_plan",
            blocks=tuple(blocks),
        ),
    )


# --------------------------------------------------------------------------------------------- verifier


def _disclosure_table() -> Table:
    """Who can check what under each disclosure setting (公开范围) of a version-2 draw (spec §5.3)."""
    rows = (
        (
            Text("只有公开记录（公众）", "the public record only (anyone)"),
            Text(
                "承诺摘要、名录、种子、起点、每个抽中对象、层级、入选概率和数量：用本页重新抽取，逐位一致",
                "commitment digest, frame, seed, start, every drawn object, tier, probability and count: "
                "re-run on this page, bit for bit",
            ),
            Text(
                "承诺摘要、名录、种子和起点；抽中对象都在名录中，数量相符（不公开概率，无法重新抽取）",
                "commitment digest, frame, seed and start; drawn objects are in the frame and the counts "
                "add up (no probabilities, so no re-run)",
            ),
        ),
        (
            Text("加上主体名录", "+ the object directory"),
            Text(
                "没有强制抽查原因摘要（reasons 为空）时：全部，逐位一致",
                "when the draw has no reason digests (reasons = []): everything, bit for bit",
            ),
            Text("同左", "the same"),
        ),
        (
            Text("加上原因清单（审核人员）", "+ the directory and the opening (auditors)"),
            Text(
                "全部：名录、概率表、强制原因、抽取结果，逐位一致",
                "everything, bit for bit: frame, π table, reasons, selection",
            ),
            Text(
                "全部，逐位一致（用完整概率表文件也可在本页复核）",
                "everything, bit for bit (with the full table file, also on this page)",
            ),
        ),
        (
            Text("某个对象被公开的原因", "an opened reason of one object"),
            Text(
                "该对象在承诺时确因此原因被列为必查对象",
                "that this object was mandatory for this reason when committed",
            ),
            Text("同左", "the same"),
        ),
    )
    return Table(
        name="disclosure",
        caption=Text(
            "算法版本 2：不同公开范围下谁能核对什么", "Algorithm version 2: who can check what, by disclosure"
        ),
        columns=(
            ("party", Text("持有", "party holds")),
            ("public", Text("公开（public）", "disclosure public")),
            ("auditors", Text("仅审核人员（auditors）", "disclosure auditors")),
        ),
        rows=tuple({"party": a.plain(), "public": b.plain(), "auditors": c.plain()} for a, b, c in rows),
    )


def _verifier(data: SiteData) -> tuple[Page, ...]:
    t = Text
    html = f"""
<section aria-labelledby="pick-h">
<h2 id="pick-h">{t("选择一次已公布的抽取", "Pick a published draw").html()}</h2>
<p><label for="draw-select">{t("抽取", "Draw").html()}</label>
<select id="draw-select"></select>
<button type="button" id="run-picked">{t("重新抽取并核对", "Re-run and check").html()}</button></p>
</section>
<section aria-labelledby="drop-h">
<h2 id="drop-h">{t("或者使用自己的文件", "Or use your own files").html()}</h2>
<p>{
        t(
            "选择（或拖入）一份抽取记录（.json）和它的公开名录文件（.csv）。文件只在本机浏览器中读取，不会上传。",
            "Choose (or drop) a draw record (.json) and its public frame file (.csv). "
            "The files are read in your browser only; nothing is uploaded.",
        ).html()
    }</p>
<div id="drop-zone" class="drop-zone"><label for="files">{
        t("记录和名录文件", "Record and frame files").html()
    }</label>
<input type="file" id="files" multiple accept=".json,.csv,application/json,text/csv"></div>
<p><label for="seed-input">{
        t("公开摇号宣布的种子（可选）", "Seed as announced at the ceremony (optional)").html()
    }</label>
<input type="text" id="seed-input" size="40"></p>
<p><button type="button" id="run-files">{t("核对这些文件", "Check these files").html()}</button></p>
</section>
<section aria-labelledby="result-h">
<h2 id="result-h">{t("复核结果", "Result").html()}</h2>
<p><label for="progress">{
        t("进度", "Progress").html()
    }</label> <progress id="progress" max="1" value="0"></progress>
<span id="progress-text"></span></p>
<div id="result" role="status" aria-live="polite"></div>
<ol id="steps"></ol>
</section>
<section aria-labelledby="can-h">
<h2 id="can-h">{t("能核对什么", "What this page can check").html()}</h2>
<div id="can-verify"></div>
<p>{
        t(
            "复核程序（verify.js）是抽取规范的第二个独立实现，不依赖任何外部资源，可以下载后离线使用。",
            "The verifier (verify.js) is a second, independent implementation of the draw "
            "specification, with no outside resource; it runs offline.",
        ).html()
    }
<a href="assets/verify.js">verify.js</a></p>
</section>
"""
    return (
        Page(
            path="verify.html",
            title=Text("在浏览器中复核抽取", "Re-run a draw in your browser"),
            section="verifier",
            blocks=(Html(html), _disclosure_table()),
            scripts=("data/draws.js", "assets/verify.js", "assets/verify-page.js"),
        ),
    )


DEFAULT_SECTIONS: Final[tuple[Section, ...]] = (
    Section(key="index", title=Text("首页", "Home"), needs=frozenset(), build=_index),
    Section(key="items", title=Text("抽查事项", "Items"), needs=frozenset({"draws"}), build=_items),
    Section(key="draws", title=Text("抽取", "Draws"), needs=frozenset({"draws", "objects"}), build=_draws),
    Section(
        key="departments",
        title=Text("部门", "Departments"),
        needs=frozenset({"draws", "objects"}),
        build=_departments,
    ),
    Section(
        key="districts",
        title=Text("区（县）", "Districts"),
        needs=frozenset({"draws", "objects"}),
        build=_districts,
    ),
    Section(
        key="joint_plan",
        title=Text("联合抽查", "Joint plan"),
        needs=frozenset({"joint_plan"}),
        build=_joint_plan,
    ),
    Section(
        key="results",
        title=Text("公示结果", "Results"),
        needs=frozenset({"public_results"}),
        build=build_results,
    ),
    Section(
        key="overdue", title=Text("逾期清单", "Overdue"), needs=frozenset({"overdue"}), build=build_overdue
    ),
    Section(
        key="assessment",
        title=Text("考核评估", "Assessment"),
        needs=frozenset({"assessment"}),
        build=build_assessment,
    ),
    Section(
        key="verifier", title=Text("复核", "Verify"), needs=frozenset({"draws", "objects"}), build=_verifier
    ),
)
"""The built-in sections, in navigation order: index, items, draws, departments, districts, joint plan,
published results (公示结果), overdue list (逾期清单), assessment (考核评估) and the verifier. Another section
is added by appending a :class:`Section` whose ``needs`` names its files (see the docs page "Publishing a
year")."""
