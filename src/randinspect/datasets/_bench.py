"""Benchmark item lists for demo cities of any size and department count (``benchmark_items``).

The issue-5 scale target is the annual cycle of a 1,000,000-object city with 40 departments, 300 items and
about 8,000 inspectors. :func:`benchmark_items` writes a plausible item list of any length for a
:class:`~randinspect.datasets.DemoCity` built with ``n_departments`` up to 42: items are spread evenly over
the city's departments, each department's items going through its remit (its tags for the first 14
departments, its industries for the others), then through the districts. Each item cites the title of the
department's governing law or regulation, without an article number (none is invented here).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from randinspect.codes import INDUSTRY
from randinspect.datasets import _tables as t
from randinspect.directory import Scope
from randinspect.errors import ConfigurationError
from randinspect.items import CheckItem
from randinspect.planning import ItemList

__all__ = ["BENCHMARK_LAWS", "benchmark_items"]

_ENT = ["enterprise"]
_MKT = ["enterprise", "individual_business"]

#: Remit of each of the first 14 departments, one part per line: (item name, scope, key scope or None,
#: governing law or regulation (title only), content, method, expert specialty or None).
_TAGGED_REMITS: Final[dict[str, tuple[tuple[Any, ...], ...]]] = {
    "SAMR": (
        (
            "食品生产经营监督检查",
            {"tags_any": ["SAMR:food"]},
            {"tags_any": ["SAMR:key:food-production"]},
            "《中华人民共和国食品安全法》",
            "许可条件、进货查验、贮存",
            "on_site",
            "食品检验",
        ),
        (
            "特种设备使用单位监督检查",
            {"tags_any": ["SAMR:special-equipment"]},
            {"tags_any": ["SAMR:key:special-equipment-user"]},
            "《中华人民共和国特种设备安全法》",
            "使用登记、定期检验、作业人员持证",
            "on_site",
            "特种设备",
        ),
        (
            "企业公示信息抽查",
            {"kinds": _ENT},
            None,
            "《企业信息公示暂行条例》",
            "年度报告、即时公示信息",
            "documents",
            None,
        ),
        (
            "工业产品质量监督抽查",
            {"tags_any": ["SAMR:industrial-product"]},
            None,
            "《中华人民共和国产品质量法》",
            "产品质量监督抽查检验",
            "on_site",
            None,
        ),
        (
            "个体工商户年度报告抽查",
            {"kinds": ["individual_business"]},
            None,
            "《促进个体工商户发展条例》",
            "年度报告信息",
            "documents",
            None,
        ),
    ),
    "ECO": (
        (
            "排污单位执法检查",
            {"tags_any": ["ECO:emission-permit"]},
            {"tags_any": ["ECO:key:priority-polluter"]},
            "《排污许可管理条例》",
            "排污许可执行、污染防治设施运行",
            "on_site",
            "环境监测",
        ),
    ),
    "EMERGENCY": (
        (
            "危险化学品企业安全生产检查",
            {"tags_any": ["EMERGENCY:hazchem"]},
            {"tags_any": ["EMERGENCY:key:major-hazard"]},
            "《危险化学品安全管理条例》",
            "安全生产条件、重大危险源",
            "on_site",
            "危险化学品",
        ),
        (
            "非煤矿山安全生产检查",
            {"tags_any": ["EMERGENCY:mining"]},
            None,
            "《中华人民共和国安全生产法》",
            "安全生产责任制、隐患排查治理",
            "on_site",
            None,
        ),
    ),
    "HEALTH": (
        (
            "公共场所卫生监督检查",
            {"tags_any": ["HEALTH:public-place"]},
            None,
            "《公共场所卫生管理条例》",
            "卫生许可、从业人员健康证明",
            "on_site",
            None,
        ),
        (
            "医疗机构依法执业检查",
            {"tags_any": ["HEALTH:medical"]},
            None,
            "《医疗机构管理条例》",
            "执业许可、人员资质",
            "on_site",
            None,
        ),
    ),
    "TRANSPORT": (
        (
            "道路运输经营者检查",
            {"tags_any": ["TRANSPORT:road-transport"]},
            None,
            "《中华人民共和国道路运输条例》",
            "经营许可、车辆技术状况",
            "on_site",
            None,
        ),
    ),
    "HOUSING": (
        (
            "建筑市场和工程质量检查",
            {"tags_any": ["HOUSING:construction", "HOUSING:project"]},
            None,
            "《建设工程质量管理条例》",
            "资质、工程质量责任落实",
            "on_site",
            None,
        ),
        (
            "建设工程安全生产检查",
            {"tags_any": ["HOUSING:project"]},
            None,
            "《建设工程安全生产管理条例》",
            "安全生产责任、危大工程管理",
            "on_site",
            None,
        ),
    ),
    "COMMERCE": (
        (
            "单用途商业预付卡检查",
            {"tags_any": ["COMMERCE:single-use-card"]},
            None,
            "《单用途商业预付卡管理办法（试行）》",
            "备案、预收资金管理",
            "documents",
            None,
        ),
    ),
    "CULTURE": (
        (
            "娱乐场所检查",
            {"tags_any": ["CULTURE:entertainment"]},
            None,
            "《娱乐场所管理条例》",
            "经营许可、安全管理",
            "on_site",
            None,
        ),
        (
            "旅行社经营行为检查",
            {"tags_any": ["CULTURE:travel-agency"]},
            None,
            "《旅行社条例》",
            "经营许可、合同与保证金",
            "online",
            None,
        ),
    ),
    "NATRES": (
        (
            "建设项目用地检查",
            {"kinds": ["project"]},
            None,
            "《中华人民共和国土地管理法》",
            "用地审批、规划许可执行",
            "on_site",
            None,
        ),
    ),
    "AGRI": (
        (
            "畜禽养殖场动物防疫检查",
            {"tags_any": ["AGRI:livestock"]},
            None,
            "《中华人民共和国动物防疫法》",
            "动物防疫条件",
            "on_site",
            None,
        ),
    ),
    "EDU": (
        (
            "民办学校办学行为检查",
            {"tags_any": ["EDU:private-school"]},
            None,
            "《中华人民共和国民办教育促进法》",
            "办学许可、收费管理",
            "documents",
            None,
        ),
    ),
    "FIRE": (
        (
            "人员密集场所消防监督检查",
            {"tags_any": ["FIRE:crowded-place"]},
            {"tags_any": ["FIRE:key:fire-safety-unit"]},
            "《中华人民共和国消防法》",
            "消防设施、疏散通道、消防安全责任",
            "on_site",
            None,
        ),
    ),
    "TAX": (
        (
            "纳税人税务检查",
            {"kinds": _MKT},
            None,
            "《中华人民共和国税收征收管理法》",
            "纳税申报与账簿凭证",
            "documents",
            None,
        ),
    ),
    "CIVIL": (
        (
            "社会团体抽查",
            {"kinds": ["social_organisation"]},
            None,
            "《社会团体登记管理条例》",
            "年度工作报告、内部治理",
            "documents",
            None,
        ),
        (
            "民办非企业单位抽查",
            {"kinds": ["private_non_enterprise"]},
            None,
            "《民办非企业单位登记管理暂行条例》",
            "年度检查、业务活动",
            "documents",
            None,
        ),
    ),
}

#: Remit of each further department (frame from ``_tables.EXTRA_DEPARTMENTS``): (item name, governing laws
#: or regulations (titles only), content, method).
_INDUSTRY_REMITS: Final[dict[str, tuple[str, tuple[str, ...], str, str]]] = {
    "PSB": (
        "特种行业治安管理检查",
        ("《中华人民共和国治安管理处罚法》", "《旅馆业治安管理办法》"),
        "登记制度、治安防范",
        "on_site",
    ),
    "HRSS": (
        "用人单位遵守劳动保障法律法规情况检查",
        ("《劳动保障监察条例》",),
        "劳动合同、工资支付、社会保险",
        "documents",
    ),
    "MEDINS": (
        "定点医药机构医保基金使用检查",
        ("《医疗保障基金使用监督管理条例》",),
        "医保基金使用、费用结算",
        "on_site",
    ),
    "URBAN": (
        "市容环境卫生责任检查",
        ("《城市市容和环境卫生管理条例》",),
        "门前责任、户外广告设置",
        "on_site",
    ),
    "WATER": (
        "取水和排水许可检查",
        ("《中华人民共和国水法》", "《城镇排水与污水处理条例》"),
        "取水许可、排水许可执行",
        "on_site",
    ),
    "NMPA": (
        "药品医疗器械经营使用检查",
        ("《中华人民共和国药品管理法》",),
        "经营许可、购进验收、储存",
        "on_site",
    ),
    "FORESTRY": ("木材经营加工检查", ("《中华人民共和国森林法》",), "木材来源、经营台账", "on_site"),
    "TOBACCO": (
        "烟草专卖许可证持证经营检查",
        ("《中华人民共和国烟草专卖法》",),
        "许可证、进货渠道",
        "on_site",
    ),
    "GRAIN": ("粮食经营活动检查", ("《粮食流通管理条例》",), "经营台账、质量安全", "on_site"),
    "STATS": (
        "统计调查对象统计执法检查",
        ("《中华人民共和国统计法》",),
        "统计资料真实性、原始记录",
        "documents",
    ),
    "WEATHER": ("防雷安全检查", ("《气象灾害防御条例》",), "防雷装置检测、安全责任", "on_site"),
    "SPORT": ("高危险性体育项目经营检查", ("《全民健身条例》",), "经营许可、救生设施、从业人员", "on_site"),
    "POST": ("快递业务经营检查", ("《快递暂行条例》",), "经营许可、收寄验视", "on_site"),
    "TELECOM": ("电信业务经营检查", ("《中华人民共和国电信条例》",), "经营许可、用户信息保护", "online"),
    "BIGDATA": (
        "数据安全管理检查",
        ("《中华人民共和国数据安全法》", "《贵州省大数据发展应用促进条例》"),
        "数据分类分级、安全管理制度",
        "online",
    ),
    "RADIO": ("广播电视传输覆盖检查", ("《广播电视管理条例》",), "许可、播出安全", "on_site"),
    "PRESS": ("出版物经营检查", ("《出版管理条例》",), "出版物经营许可、进货来源", "on_site"),
    "CNIPA": (
        "专利标识和商标使用检查",
        ("《中华人民共和国专利法》", "《中华人民共和国商标法》"),
        "专利标注、商标使用",
        "documents",
    ),
    "JUSTICE": (
        "律师事务所和公证机构执业检查",
        ("《中华人民共和国律师法》", "《中华人民共和国公证法》"),
        "执业许可、执业规范",
        "documents",
    ),
    "FIN": ("地方金融组织经营检查", ("《防范和处置非法集资条例》",), "经营范围、资金来源", "documents"),
    "DRC": ("招标投标活动检查", ("《中华人民共和国招标投标法》",), "招标方式、程序合规", "documents"),
    "MIIT": ("重点用能单位节能监察", ("《中华人民共和国节约能源法》",), "能耗限额、节能管理制度", "on_site"),
    "SCITECH": ("科技项目实施检查", ("《中华人民共和国科学技术进步法》",), "项目实施、资金使用", "documents"),
    "QUAKE": ("抗震设防要求落实检查", ("《中华人民共和国防震减灾法》",), "抗震设防要求执行", "on_site"),
    "CIVILDEF": (
        "人防工程建设和维护管理检查",
        ("《中华人民共和国人民防空法》",),
        "人防工程建设、维护管理",
        "on_site",
    ),
    "HPF": ("住房公积金缴存检查", ("《住房公积金管理条例》",), "缴存登记、按时足额缴存", "documents"),
    "ARCHIVES": ("档案工作检查", ("《中华人民共和国档案法》",), "档案管理制度、保管条件", "on_site"),
    "CUSTOMS": ("进出口企业稽查", ("《中华人民共和国海关稽查条例》",), "进出口账簿、单证", "documents"),
}

#: Governing laws and regulations cited by the benchmark items, by department code.
BENCHMARK_LAWS: Final[dict[str, tuple[str, ...]]] = {
    **{code: tuple(dict.fromkeys(part[3] for part in parts)) for code, parts in _TAGGED_REMITS.items()},
    **{code: row[1] for code, row in _INDUSTRY_REMITS.items()},
}

_GENERAL_RATIO = "3%"
_KEY_RATIO = "5%"


def _parts(code: str) -> list[dict[str, Any]]:
    """The department's remit as item templates: whole-remit parts first, then one per industry prefix."""
    if code in _TAGGED_REMITS:
        return [
            {
                "name": name,
                "scope": scope,
                "key_scope": key,
                "laws": (law,),
                "content": content,
                "method": method,
                "specialty": specialty,
            }
            for name, scope, key, law, content, method, specialty in _TAGGED_REMITS[code]
        ]
    for dept, _, _, _, kinds, prefixes in t.EXTRA_DEPARTMENTS:
        if dept.code == code:
            name, laws, content, method = _INDUSTRY_REMITS[code]
            base: dict[str, Any] = {} if kinds is None else {"kinds": list(kinds)}
            whole = dict(base, industries=list(prefixes)) if prefixes else base
            common = {
                "key_scope": None,
                "laws": laws,
                "content": content,
                "method": method,
                "specialty": None,
            }
            parts = [{"name": name, "scope": whole, **common}]
            if len(prefixes) > 1:
                parts += [
                    {
                        "name": f"{name}（{INDUSTRY.get(p).name}）",
                        "scope": dict(base, industries=[p]),
                        **common,
                    }
                    for p in prefixes
                ]
            return parts
    raise ConfigurationError(
        f"benchmark_items has no remit for department {code!r}; use a city from "
        "randinspect.datasets.demo_city(n_departments=...)"
    )


def _candidates(
    code: str, objects: Any, regions: np.ndarray
) -> Iterator[tuple[dict[str, Any], dict[str, Any], str | None]]:
    """A department's possible items in order, each with a non-empty frame: (part, scope, district name).

    First the parts of its remit, then every part restricted to each district in turn; candidates whose
    scope selects no alive object are skipped. A part's mask is computed once.
    """
    remit = _parts(code)
    masks: list[npt.NDArray[np.bool_]] = []
    for part in remit:
        mask = np.asarray(objects.mask(Scope(**part["scope"])), dtype=bool)
        masks.append(mask)
        if mask.any():
            yield part, part["scope"], None
    for part, mask in zip(remit, masks, strict=True):
        for region, district, *_ in t.DISTRICTS:
            if (mask & (regions == region)).any():
                yield part, dict(part["scope"], regions=[region]), district


def benchmark_items(city: Any, n_items: int = 300, year: int | None = None) -> ItemList:
    """A plausible city item list (抽查事项清单) of ``n_items`` items over ``city``'s departments.

    Items go round the departments (item ``i`` to the ``i``-th department in turn), so every department
    has ``n_items // D`` items or one more. A department's items go through its remit: for the first 14
    departments, the tag-scoped items of the demo city (food, special equipment, enterprise disclosure ...
    for market regulation); for the further ones, first the whole frame (kinds and industry prefixes of
    ``_tables.EXTRA_DEPARTMENTS``), then one item per industry prefix; past its remit, each part restricted
    to one district at a time (a district campaign, 专项检查, a general item). Items whose frame would be
    empty in ``city`` are skipped, and a department whose remit is used up leaves the rotation (only in
    small cities), so every item can be drawn. Whole-remit items with key objects (the ``…:key:…`` tags)
    are key items (重点事项) drawing 5 % besides their key objects; the others are general items (一般事项)
    drawing 3 %; every tenth item is drawn twice a year. Each item cites the title of its department's
    governing law or regulation (:data:`BENCHMARK_LAWS`), with no article. Made for benchmarks
    (``benchmarks/bench_planning.py --cycle``): the ratios are of the order national rules ask for, not
    Guiyang's published list.

    Parameters
    ----------
    city:
        A :class:`~randinspect.datasets.DemoCity` (its ``objects``, ``departments`` and ``year`` are read).
    n_items:
        Number of items (at least 1).
    year:
        Plan year of the items; default ``city.year``.

    Returns
    -------
    ItemList
        A city list (no single department), ids ``<year>-B<i>-<DEPT>`` with ``i`` from 001.

    Raises
    ------
    ConfigurationError
        If ``n_items`` is not a positive integer, the city has a department without a benchmark remit, or
        the city is too small to give ``n_items`` items with non-empty frames.

    Examples
    --------
    >>> from randinspect.datasets import benchmark_items, demo_city
    >>> items = benchmark_items(demo_city(20_000, seed=1, n_departments=40), n_items=300)
    >>> len(items), items.items[0].name, items.items[0].legal_basis[0].title
    (300, '食品生产经营监督检查', '《中华人民共和国食品安全法》')
    """
    if isinstance(n_items, bool) or not isinstance(n_items, int) or n_items < 1:
        raise ConfigurationError(f"n_items must be a positive integer, got {n_items!r}")
    year = int(city.year) if year is None else year
    objects = city.objects
    regions = np.asarray(objects.regions)
    rotation = [(dept, _candidates(dept.code, objects, regions)) for dept in city.departments]
    built: list[CheckItem] = []
    position = 0
    while len(built) < n_items:
        if not rotation:
            raise ConfigurationError(
                f"the city's {len(city.departments)} departments give only {len(built)} items with non-empty "
                f"frames; ask for fewer items or build a bigger city (demo_city(n_objects=...))"
            )
        position %= len(rotation)
        dept, candidates = rotation[position]
        found = next(candidates, None)
        if found is None:
            del rotation[position]
            continue
        position += 1
        part, scope, district = found
        i = len(built)
        key = part["key_scope"] if district is None else None  # district campaigns are general items
        built.append(
            CheckItem(
                id=f"{year}-B{i + 1:03d}-{dept.code}",
                name=part["name"] if district is None else f"{part['name']}（{district}专项）",
                department=dept.code,
                year=year,
                category="key" if key is not None else "general",
                scope=scope,
                key_scope=key,
                ratio=_KEY_RATIO if key is not None else _GENERAL_RATIO,
                frequency=2 if i % 10 == 9 else 1,
                legal_basis=list(part["laws"]),
                inspecting_body=f"{t.CITY_NAME}{dept.name}",
                content=part["content"],
                method=part["method"],
                expert_specialty=part["specialty"] if district is None else None,
            )
        )
    title = f"{t.CITY_NAME}{year}年度随机抽查事项清单（基准测试，{n_items}项）"
    return ItemList(year=year, items=built, name=title, source="randinspect benchmark")
