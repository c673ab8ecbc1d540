"""The demo city's item list (抽查事项清单): one year's check items of its departments.

Each item scopes objects by the demo city's tags and industry sections, cites a real legal basis (the title
of the law or regulation, and the article where the article is the one that empowers the inspection), and
uses ratios of the order national rules ask for (random inspections of a few percent a year for general
items). Ratios, frequencies and scopes are assumptions of the demo, not Guiyang's published list.
"""

from __future__ import annotations

from typing import Any, Final

from randinspect.datasets._tables import DEPARTMENTS
from randinspect.items import CheckItem
from randinspect.planning import ItemList

__all__ = ["DEMO_ITEMS", "demo_items"]

#: (id suffix, department, name, category, scope, key scope or None, ratio, frequency, legal basis
#: ("title|article"), content, method, expert specialty or None).
# fmt: off
DEMO_ITEMS: Final[tuple[tuple[Any, ...], ...]] = (
    (
        "SAMR-01", "SAMR", "企业公示信息抽查", "general",
        {"kinds": ["enterprise"]}, None, "3%", 1,
        "《企业信息公示暂行条例》|第十四条", "年度报告、即时公示信息的真实性", "documents", None,
    ),
    (
        "SAMR-02", "SAMR", "食品生产经营监督检查", "general",
        {"tags_any": ["SAMR:food"]}, {"tags_any": ["SAMR:key:food-production"]}, "5%", 1,
        "《中华人民共和国食品安全法》|第一百一十条", "许可条件、进货查验、贮存、从业人员健康管理", "on_site",
        "食品检验",
    ),
    (
        "SAMR-03", "SAMR", "特种设备使用单位监督检查", "key",
        {"tags_any": ["SAMR:special-equipment"]}, {"tags_any": ["SAMR:key:special-equipment-user"]}, "10%", 1,
        "《中华人民共和国特种设备安全法》|第五十七条", "使用登记、定期检验、作业人员持证", "on_site",
        "特种设备",
    ),
    (
        "SAMR-04", "SAMR", "工业产品质量监督抽查", "general",
        {"tags_any": ["SAMR:industrial-product"]}, None, "5%", 1,
        "《中华人民共和国产品质量法》|第十五条", "产品质量监督抽查检验", "on_site", None,
    ),
    (
        "EMERGENCY-01", "EMERGENCY", "危险化学品企业安全生产检查", "key",
        {"tags_any": ["EMERGENCY:hazchem"]}, {"tags_any": ["EMERGENCY:key:major-hazard"]}, "20%", 2,
        "《危险化学品安全管理条例》|第七条", "安全生产条件、重大危险源管控", "on_site", "危险化学品",
    ),
    (
        "EMERGENCY-02", "EMERGENCY", "非煤矿山安全生产检查", "general",
        {"tags_any": ["EMERGENCY:mining"]}, None, "10%", 1,
        "《中华人民共和国安全生产法》|第六十五条", "安全生产责任制、隐患排查治理", "on_site", None,
    ),
    (
        "ECO-01", "ECO", "排污单位执法检查", "key",
        {"tags_any": ["ECO:emission-permit"]}, {"tags_any": ["ECO:key:priority-polluter"]}, "5%", 1,
        "《中华人民共和国环境保护法》|第二十四条", "排污许可执行、污染防治设施运行", "on_site", "环境监测",
    ),
    (
        "HEALTH-01", "HEALTH", "公共场所卫生监督检查", "general",
        {"tags_any": ["HEALTH:public-place"]}, None, "5%", 1,
        "《公共场所卫生管理条例》|", "卫生许可、从业人员健康证明、卫生检测", "on_site", None,
    ),
    (
        "HEALTH-02", "HEALTH", "医疗机构依法执业检查", "general",
        {"tags_any": ["HEALTH:medical"]}, None, "10%", 1,
        "《医疗机构管理条例》|", "执业许可、人员资质", "on_site", None,
    ),
    (
        "TRANSPORT-01", "TRANSPORT", "道路运输经营者检查", "general",
        {"tags_any": ["TRANSPORT:road-transport"]}, None, "5%", 1,
        "《中华人民共和国道路运输条例》|", "经营许可、车辆技术状况", "on_site", None,
    ),
    (
        "HOUSING-01", "HOUSING", "建筑市场和工程质量检查", "general",
        {"tags_any": ["HOUSING:construction", "HOUSING:project"]}, None, "5%", 1,
        "《建设工程质量管理条例》|", "资质、工程质量责任落实", "on_site", None,
    ),
    (
        "COMMERCE-01", "COMMERCE", "单用途商业预付卡检查", "general",
        {"tags_any": ["COMMERCE:single-use-card"]}, None, "5%", 1,
        "《单用途商业预付卡管理办法（试行）》|", "备案、预收资金管理", "documents", None,
    ),
    (
        "CULTURE-01", "CULTURE", "娱乐场所检查", "general",
        {"tags_any": ["CULTURE:entertainment"]}, None, "5%", 1,
        "《娱乐场所管理条例》|", "经营许可、安全管理", "on_site", None,
    ),
    (
        "CULTURE-02", "CULTURE", "旅行社经营行为检查", "general",
        {"tags_any": ["CULTURE:travel-agency"]}, None, "10%", 1,
        "《旅行社条例》|", "经营许可、合同与保证金", "online", None,
    ),
    (
        "FIRE-01", "FIRE", "人员密集场所消防监督检查", "key",
        {"tags_any": ["FIRE:crowded-place"]}, {"tags_any": ["FIRE:key:fire-safety-unit"]}, "5%", 2,
        "《中华人民共和国消防法》|第五十三条", "消防设施、疏散通道、消防安全责任", "on_site", None,
    ),
    (
        "EDU-01", "EDU", "民办学校办学行为检查", "general",
        {"tags_any": ["EDU:private-school"]}, None, "10%", 1,
        "《中华人民共和国民办教育促进法》|", "办学许可、收费管理", "documents", None,
    ),
    (
        "AGRI-01", "AGRI", "畜禽养殖场动物防疫检查", "general",
        {"tags_any": ["AGRI:livestock"]}, None, "10%", 1,
        "《中华人民共和国动物防疫法》|", "动物防疫条件", "on_site", None,
    ),
    (
        "TAX-01", "TAX", "纳税人税务检查", "general",
        {"kinds": ["enterprise", "individual_business"]}, None, "1%", 1,
        "《中华人民共和国税收征收管理法》|第五十四条", "纳税申报与账簿凭证", "documents", None,
    ),
    (
        "CIVIL-01", "CIVIL", "社会组织抽查", "general",
        {"kinds": ["social_organisation", "private_non_enterprise"]}, None, "5%", 1,
        "《社会团体登记管理条例》|", "年度工作报告、内部治理", "documents", None,
    ),
)
# fmt: on


def demo_items(year: int = 2027) -> ItemList:
    """The demo city's item list for ``year``: 19 items of 13 departments.

    Scopes use the demo city's tags (:func:`randinspect.datasets.demo_city`), so every item has a frame
    there; key objects come from its ``…:key:…`` tags.

    Examples
    --------
    >>> items = demo_items()
    >>> len(items), items.get("2027-SAMR-03").category.zh
    (19, '重点事项')
    """
    names = {department.code: department.name for department, _ in DEPARTMENTS}
    built = []
    for (
        suffix,
        department,
        name,
        category,
        scope,
        key_scope,
        ratio,
        frequency,
        basis,
        content,
        method,
        specialty,
    ) in DEMO_ITEMS:
        built.append(
            CheckItem(
                id=f"{year}-{suffix}",
                name=name,
                department=department,
                year=year,
                category=category,
                scope=scope,
                key_scope=key_scope,
                ratio=ratio,
                frequency=frequency,
                legal_basis=[basis],
                inspecting_body=f"贵阳市{names[department]}",
                content=content,
                method=method,
                expert_specialty=specialty,
            )
        )
    title = f"贵阳市{year}年度随机抽查事项清单（演示）"
    return ItemList(year=year, items=built, name=title, source="randinspect demo")
