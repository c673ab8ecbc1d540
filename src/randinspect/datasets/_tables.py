"""The reference tables behind the demo city: shares, weights, departments, units, names.

Every share in this module is an **integer weight** (a count per 1,000 or per 10,000): draws are made with
integer arithmetic only (``Generator.integers`` against integer cumulative sums), so no floating-point
summation order can change a result between platforms. Where a share comes from a published figure the
comment says so; every other share is an **assumption** chosen to look like a Chinese provincial capital and
is named as one in ``docs/datasets.md``.
"""

from __future__ import annotations

from typing import Final

from randinspect.model import Department, SubjectKind

__all__: list[str] = []  # private module; the public names are re-exported by randinspect.datasets

# ---------------------------------------------------------------------------------------------------------
# Districts (GB/T 2260 county-level divisions of Guiyang, 贵阳市)
# ---------------------------------------------------------------------------------------------------------

#: (code, name, weight per 1000 of objects, number of SAMR stations 市场监管所).
#: Assumption: weights roughly follow resident population (2020 census order of magnitude), with the
#: central urban districts 云岩/南明/观山湖 weighted up for their commercial density. Not official counts.
DISTRICTS: Final[tuple[tuple[str, str, int, int], ...]] = (
    ("520102", "南明区", 190, 8),
    ("520103", "云岩区", 200, 8),
    ("520111", "花溪区", 120, 6),
    ("520112", "乌当区", 70, 4),
    ("520113", "白云区", 60, 3),
    ("520115", "观山湖区", 135, 5),
    ("520121", "开阳县", 60, 4),
    ("520122", "息烽县", 45, 3),
    ("520123", "修文县", 50, 3),
    ("520181", "清镇市", 70, 4),
)
CITY_CODE: Final = "520100"
CITY_NAME: Final = "贵阳市"

# ---------------------------------------------------------------------------------------------------------
# Kinds of object
# ---------------------------------------------------------------------------------------------------------

#: (kind, weight per 10,000 objects, USCC registration-authority code + organisation-type code or None,
#: id prefix of non-subject objects, dormant share per 1,000).
#: Source of the 2:1 ratio: SAMR reported about 181 million registered business entities at the end of
#: September 2023, of which about 56.7 million enterprises and about 122 million individual businesses
#: (People's Daily, 2023-11-07), a ratio of about 2.15; we use 6,000 : 2,900 (about 2.07). The shares of
#: the other kinds, the non-subject objects and the dormant shares are assumptions.
KINDS: Final[tuple[tuple[SubjectKind, int, str | None, str | None, int], ...]] = (
    (SubjectKind.ENTERPRISE, 2900, "91", None, 40),
    (SubjectKind.INDIVIDUAL_BUSINESS, 6000, "92", None, 50),
    (SubjectKind.PUBLIC_INSTITUTION, 150, "12", None, 5),
    (SubjectKind.SOCIAL_ORGANISATION, 60, "51", None, 30),
    (SubjectKind.PRIVATE_NON_ENTERPRISE, 90, "52", None, 30),
    (SubjectKind.OTHER_SUBJECT, 200, "Y1", None, 40),
    (SubjectKind.PRODUCT, 300, None, "PRD", 20),
    (SubjectKind.PROJECT, 200, None, "PRJ", 20),
    (SubjectKind.BEHAVIOUR, 100, None, "BHV", 0),
)

# ---------------------------------------------------------------------------------------------------------
# Industries: GB/T 4754-2017 division weights per kind (per mille-ish integers; normalised on use)
# ---------------------------------------------------------------------------------------------------------

# Assumption, shaped after the national structure of registered enterprises (wholesale and retail about a
# quarter to a third, leasing and business services, science and technology services, construction,
# manufacturing, IT each a few to ten percent) and after Guizhou specifics (liquor 15, big data 64/65).
_ENTERPRISE_DIVISIONS: Final[tuple[tuple[str, int], ...]] = (
    ("51", 180),
    ("52", 120),
    ("72", 90),
    ("71", 20),
    ("73", 5),
    ("74", 35),
    ("75", 70),
    ("63", 5),
    ("64", 20),
    ("65", 45),
    ("47", 25),
    ("48", 25),
    ("49", 15),
    ("50", 30),
    ("13", 8),
    ("14", 8),
    ("15", 10),
    ("17", 2),
    ("18", 3),
    ("20", 2),
    ("21", 4),
    ("22", 2),
    ("23", 3),
    ("24", 2),
    ("25", 2),
    ("26", 6),
    ("27", 6),
    ("29", 6),
    ("30", 10),
    ("31", 2),
    ("32", 3),
    ("33", 10),
    ("34", 5),
    ("35", 5),
    ("36", 3),
    ("38", 5),
    ("39", 6),
    ("41", 3),
    ("42", 2),
    ("61", 15),
    ("62", 35),
    ("54", 25),
    ("58", 8),
    ("59", 8),
    ("60", 2),
    ("70", 35),
    ("66", 2),
    ("67", 2),
    ("68", 2),
    ("69", 8),
    ("80", 15),
    ("81", 12),
    ("82", 8),
    ("86", 3),
    ("87", 4),
    ("88", 12),
    ("89", 6),
    ("90", 8),
    ("01", 15),
    ("02", 4),
    ("03", 8),
    ("05", 4),
    ("06", 1),
    ("10", 3),
    ("44", 5),
    ("45", 2),
    ("46", 2),
    ("77", 8),
    ("78", 5),
    ("83", 10),
    ("84", 8),
    ("85", 2),
)

# Assumption: individual businesses are mostly shops, eateries and residents' services.
_INDIVIDUAL_DIVISIONS: Final[tuple[tuple[str, int], ...]] = (
    ("52", 420),
    ("62", 170),
    ("80", 90),
    ("81", 60),
    ("82", 20),
    ("51", 60),
    ("54", 40),
    ("61", 20),
    ("72", 15),
    ("71", 5),
    ("90", 10),
    ("89", 5),
    ("88", 5),
    ("50", 15),
    ("49", 5),
    ("01", 15),
    ("03", 10),
    ("13", 8),
    ("14", 8),
    ("15", 5),
    ("18", 3),
    ("21", 3),
    ("20", 2),
    ("33", 3),
    ("65", 3),
    ("74", 5),
    ("83", 3),
    ("84", 5),
)

_PUBLIC_INSTITUTION_DIVISIONS: Final[tuple[tuple[str, int], ...]] = (
    ("83", 300),
    ("84", 250),
    ("88", 80),
    ("86", 20),
    ("87", 20),
    ("73", 50),
    ("74", 60),
    ("76", 40),
    ("77", 30),
    ("78", 60),
    ("05", 40),
    ("85", 30),
    ("89", 20),
)

_SOCIAL_ORGANISATION_DIVISIONS: Final[tuple[tuple[str, int], ...]] = (
    ("95", 800),
    ("88", 80),
    ("89", 60),
    ("75", 60),
)

_PRIVATE_NON_ENTERPRISE_DIVISIONS: Final[tuple[tuple[str, int], ...]] = (
    ("83", 450),
    ("84", 150),
    ("85", 200),
    ("88", 50),
    ("89", 50),
    ("74", 50),
    ("95", 50),
)

_OTHER_SUBJECT_DIVISIONS: Final[tuple[tuple[str, int], ...]] = (
    ("72", 300),
    ("96", 200),
    ("05", 200),
    ("80", 300),
)

_PRODUCT_DIVISIONS: Final[tuple[tuple[str, int], ...]] = (
    ("13", 120),
    ("14", 200),
    ("15", 80),
    ("18", 50),
    ("24", 40),
    ("26", 80),
    ("27", 50),
    ("29", 50),
    ("30", 100),
    ("34", 40),
    ("35", 30),
    ("38", 50),
    ("39", 50),
    ("36", 20),
)

_PROJECT_DIVISIONS: Final[tuple[tuple[str, int], ...]] = (("47", 400), ("48", 350), ("49", 150), ("50", 100))

_BEHAVIOUR_DIVISIONS: Final[tuple[tuple[str, int], ...]] = (
    ("72", 400),
    ("52", 300),
    ("64", 200),
    ("54", 100),
)

#: Division weights of each kind, in the order of :data:`KINDS`.
KIND_DIVISIONS: Final[dict[SubjectKind, tuple[tuple[str, int], ...]]] = {
    SubjectKind.ENTERPRISE: _ENTERPRISE_DIVISIONS,
    SubjectKind.INDIVIDUAL_BUSINESS: _INDIVIDUAL_DIVISIONS,
    SubjectKind.PUBLIC_INSTITUTION: _PUBLIC_INSTITUTION_DIVISIONS,
    SubjectKind.SOCIAL_ORGANISATION: _SOCIAL_ORGANISATION_DIVISIONS,
    SubjectKind.PRIVATE_NON_ENTERPRISE: _PRIVATE_NON_ENTERPRISE_DIVISIONS,
    SubjectKind.OTHER_SUBJECT: _OTHER_SUBJECT_DIVISIONS,
    SubjectKind.PRODUCT: _PRODUCT_DIVISIONS,
    SubjectKind.PROJECT: _PROJECT_DIVISIONS,
    SubjectKind.BEHAVIOUR: _BEHAVIOUR_DIVISIONS,
}

# ---------------------------------------------------------------------------------------------------------
# Risk and credit
# ---------------------------------------------------------------------------------------------------------

#: Industry risk tier of a division: 2 = high (food, hazardous chemicals, mining, construction, gas ...),
#: 1 = medium, 0 = low (everything not listed). Assumption guided by which sectors Chinese regulators
#: name as high-risk (food safety, hazardous chemicals, special equipment, construction safety).
HIGH_RISK_DIVISIONS: Final[frozenset[str]] = frozenset(
    {
        "06",
        "07",
        "08",
        "09",
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
        "25",
        "26",
        "27",
        "31",
        "32",
        "45",
        "47",
        "48",
        "49",
        "62",
    }
)
MEDIUM_RISK_DIVISIONS: Final[frozenset[str]] = frozenset(
    {
        "17",
        "22",
        "28",
        "29",
        "30",
        "33",
        "44",
        "46",
        "50",
        "51",
        "52",
        "54",
        "59",
        "61",
        "70",
        "77",
        "83",
        "84",
        "85",
        "89",
        "90",
    }
)

#: Risk class weights per 1,000 (low, medium, high) for industry tier 0, 1, 2. Assumption.
RISK_BY_TIER: Final[tuple[tuple[int, int, int], ...]] = (
    (760, 210, 30),
    (520, 380, 100),
    (280, 460, 260),
)

#: Credit grade weights per 1,000 (A, B, C, D) for operating and for dormant subjects. Assumption: most
#: subjects are A or B, about 1 % D; dormant subjects are often on the abnormal-operation list, hence C/D.
CREDIT_ALIVE: Final[tuple[int, int, int, int]] = (700, 222, 70, 8)
CREDIT_DORMANT: Final[tuple[int, int, int, int]] = (150, 350, 400, 100)

# ---------------------------------------------------------------------------------------------------------
# Tags
# ---------------------------------------------------------------------------------------------------------

_MARKET: Final = frozenset({SubjectKind.ENTERPRISE, SubjectKind.INDIVIDUAL_BUSINESS})
_ENTERPRISE: Final = frozenset({SubjectKind.ENTERPRISE})
_SUBJECTS: Final = frozenset(k for k in SubjectKind if k.is_subject)
_PRODUCTS: Final = frozenset({SubjectKind.PRODUCT})
_PROJECTS: Final = frozenset({SubjectKind.PROJECT})
_ORGANISED: Final = frozenset(
    {SubjectKind.ENTERPRISE, SubjectKind.PUBLIC_INSTITUTION, SubjectKind.PRIVATE_NON_ENTERPRISE}
)

#: Tag rules, applied in order: (tag, industry prefixes (digits), kinds, share per 1,000 of matching
#: objects, parent tag that must already be set or None, whether the tag lifts the object's risk tier to
#: high). A tag whose parent is set is a subset of the parent. ``key`` tags mark key objects (重点对象) that
#: the law requires to be fully covered; their shares are assumptions.
TAG_RULES: Final[tuple[tuple[str, tuple[str, ...], frozenset[SubjectKind], int, str | None, bool], ...]] = (
    ("SAMR:food", ("13", "14", "15", "62", "512", "521", "522"), _MARKET | _PRODUCTS, 1000, None, False),
    ("SAMR:key:food-production", ("14", "15"), _ENTERPRISE, 1000, "SAMR:food", True),
    (
        "SAMR:special-equipment",
        ("26", "44", "45", "59", "61", "70", "84", "90", "30", "31", "32", "33"),
        _ORGANISED,
        600,
        None,
        False,
    ),
    ("SAMR:key:special-equipment-user", (), _ORGANISED, 150, "SAMR:special-equipment", True),
    ("SAMR:industrial-product", ("26", "27", "29", "30", "33", "34", "38"), _PRODUCTS, 1000, None, False),
    ("EMERGENCY:hazchem", ("25", "26", "5162", "5265"), _MARKET, 800, None, True),
    ("EMERGENCY:key:major-hazard", (), _ENTERPRISE, 100, "EMERGENCY:hazchem", True),
    ("EMERGENCY:mining", ("06", "07", "08", "09", "10", "11", "12"), _MARKET, 1000, None, True),
    (
        "ECO:emission-permit",
        ("13", "15", "17", "19", "22", "25", "26", "27", "28", "29", "30", "31", "32", "33", "44", "462"),
        _ENTERPRISE,
        700,
        None,
        False,
    ),
    ("ECO:emission-permit", ("03",), _ENTERPRISE, 300, None, False),
    ("ECO:key:priority-polluter", (), _ENTERPRISE, 120, "ECO:emission-permit", True),
    ("HEALTH:public-place", ("61", "80", "89", "90"), _MARKET, 600, None, False),
    ("HEALTH:medical", ("84",), _SUBJECTS, 1000, None, False),
    ("TRANSPORT:road-transport", ("54",), _MARKET, 1000, None, False),
    ("HOUSING:construction", ("47", "48", "49", "50"), _MARKET, 1000, None, False),
    ("HOUSING:project", ("47", "48", "49", "50"), _PROJECTS, 1000, None, False),
    ("COMMERCE:single-use-card", ("52", "62", "80", "89"), _ENTERPRISE, 200, None, False),
    ("CULTURE:entertainment", ("90",), _MARKET, 1000, None, False),
    ("CULTURE:travel-agency", ("7291",), _MARKET, 1000, None, False),
    ("EDU:private-school", ("83",), frozenset({SubjectKind.PRIVATE_NON_ENTERPRISE}), 1000, None, False),
    ("AGRI:livestock", ("03",), _MARKET, 1000, None, False),
    ("FIRE:crowded-place", ("52", "61", "62", "83", "84", "90"), _ORGANISED, 300, None, False),
    ("FIRE:key:fire-safety-unit", (), _ORGANISED, 150, "FIRE:crowded-place", True),
)

# ---------------------------------------------------------------------------------------------------------
# Departments and their units
# ---------------------------------------------------------------------------------------------------------

#: (department, its officers and staff per 10,000 objects of the city). Within a department, inspectors go
#: to its district units in proportion to the alive objects of its scope there (its tags; SAMR and TAX: all
#: objects). Assumption: 82 per 10,000 in all, about the 8,000 inspectors for 1,000,000 entities of a
#: Guiyang-scale city named in DESIGN.md, with market regulation the largest by far.
DEPARTMENTS: Final[tuple[tuple[Department, int], ...]] = (
    (Department(code="SAMR", name="市场监督管理局", name_en="Market Regulation"), 36),
    (Department(code="ECO", name="生态环境局", name_en="Ecology and Environment"), 6),
    (Department(code="EMERGENCY", name="应急管理局", name_en="Emergency Management"), 6),
    (Department(code="HEALTH", name="卫生健康委员会", name_en="Health"), 5),
    (Department(code="TRANSPORT", name="交通运输局", name_en="Transport"), 4),
    (Department(code="HOUSING", name="住房和城乡建设局", name_en="Housing and Urban-Rural Development"), 5),
    (Department(code="COMMERCE", name="商务局", name_en="Commerce"), 2),
    (Department(code="CULTURE", name="文化和旅游局", name_en="Culture and Tourism"), 3),
    (Department(code="NATRES", name="自然资源和规划局", name_en="Natural Resources and Planning"), 2),
    (Department(code="AGRI", name="农业农村局", name_en="Agriculture and Rural Affairs"), 3),
    (Department(code="EDU", name="教育局", name_en="Education"), 2),
    (Department(code="FIRE", name="消防救援支队", name_en="Fire and Rescue"), 4),
    (Department(code="TAX", name="税务局", name_en="Taxation"), 3),
    (Department(code="CIVIL", name="民政局", name_en="Civil Affairs"), 1),
)

#: District-level name of a department's bureau, formatted with the district name.
DISTRICT_UNIT_NAMES: Final[dict[str, str]] = {
    "SAMR": "{district}市场监督管理局第{ordinal}市场监督管理所",
    "ECO": "贵阳市生态环境局{district}分局",
    "EMERGENCY": "{district}应急管理局",
    "HEALTH": "{district}卫生健康局",
    "TRANSPORT": "{district}交通运输局",
    "HOUSING": "{district}住房和城乡建设局",
    "COMMERCE": "{district}商务局",
    "CULTURE": "{district}文化和旅游局",
    "NATRES": "贵阳市自然资源和规划局{district}分局",
    "AGRI": "{district}农业农村局",
    "EDU": "{district}教育局",
    "FIRE": "{district}消防救援大队",
    "TAX": "国家税务总局贵阳市{district}税务局",
    "CIVIL": "{district}民政局",
}

ORDINALS: Final[tuple[str, ...]] = (
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
)

# ---------------------------------------------------------------------------------------------------------
# Inspectors
# ---------------------------------------------------------------------------------------------------------

#: Officer specialties per department (for expert-seat and specialty matching).
SPECIALTIES: Final[dict[str, tuple[str, ...]]] = {
    "SAMR": ("食品安全", "特种设备", "产品质量", "价格监督", "广告监管", "计量", "知识产权", "登记注册"),
    "ECO": ("大气环境", "水环境", "固体废物", "辐射安全"),
    "EMERGENCY": ("危险化学品", "非煤矿山", "工贸安全"),
    "HEALTH": ("公共场所卫生", "医疗机构", "职业卫生"),
    "TRANSPORT": ("道路运输", "客运", "货运"),
    "HOUSING": ("建筑施工安全", "工程质量", "物业管理"),
    "COMMERCE": ("单用途预付卡", "成品油流通"),
    "CULTURE": ("文化市场", "旅游市场"),
    "NATRES": ("土地利用", "矿产资源"),
    "AGRI": ("农资质量", "畜禽屠宰", "兽药饲料"),
    "EDU": ("民办教育", "校外培训"),
    "FIRE": ("消防安全",),
    "TAX": ("税收征管", "发票管理"),
    "CIVIL": ("社会组织", "养老机构"),
}

#: Officer positions (职务/职级) with weights per 1,000. Assumption.
POSITIONS: Final[tuple[tuple[str, int], ...]] = (
    ("一级科员", 200),
    ("四级主任科员", 250),
    ("三级主任科员", 180),
    ("二级主任科员", 100),
    ("一级主任科员", 60),
    ("副所长", 80),
    ("所长", 40),
    ("副科长", 50),
    ("科长", 40),
)
STAFF_POSITIONS: Final[tuple[tuple[str, int], ...]] = (("辅助执法人员", 600), ("工作人员", 400))

#: Expert specialties (专家) with the departments whose expert pools hold them and service fields.
EXPERT_FIELDS: Final[tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]] = (
    ("特种设备", "SAMR", ("锅炉压力容器", "电梯", "起重机械"), ("高级工程师", "工程师")),
    ("食品检验", "SAMR", ("食品理化检验", "微生物检验"), ("高级工程师", "研究员")),
    ("计量检定", "SAMR", ("计量器具检定",), ("高级工程师", "工程师")),
    ("危险化学品", "EMERGENCY", ("化工工艺", "安全评价"), ("高级工程师", "教授")),
    ("安全生产", "EMERGENCY", ("非煤矿山", "工贸企业"), ("高级工程师", "注册安全工程师")),
    ("环境监测", "ECO", ("大气监测", "水质监测"), ("高级工程师", "研究员")),
    ("固体废物", "ECO", ("危险废物",), ("高级工程师", "副教授")),
    ("建筑工程", "HOUSING", ("结构安全", "工程造价"), ("高级工程师", "注册结构工程师")),
    ("公共卫生", "HEALTH", ("卫生检验",), ("主任医师", "副主任医师")),
    ("财务审计", "SAMR", ("财务审计", "年报审查"), ("注册会计师", "高级会计师")),
    ("法律", "SAMR", ("行政法", "合同法"), ("律师", "副教授")),
)

# Synthetic personal names: common Chinese surnames (weights per 1,000, rough national order of
# frequency; an assumption good enough for synthetic data) and given-name characters.
SURNAMES: Final[tuple[tuple[str, int], ...]] = (
    ("王", 72),
    ("李", 72),
    ("张", 68),
    ("刘", 53),
    ("陈", 46),
    ("杨", 32),
    ("黄", 23),
    ("赵", 22),
    ("吴", 21),
    ("周", 21),
    ("徐", 17),
    ("孙", 16),
    ("马", 15),
    ("朱", 14),
    ("胡", 13),
    ("郭", 12),
    ("何", 12),
    ("罗", 12),
    ("高", 11),
    ("林", 10),
    ("郑", 9),
    ("梁", 9),
    ("谢", 8),
    ("宋", 8),
    ("唐", 8),
    ("许", 7),
    ("韩", 7),
    ("冯", 7),
    ("邓", 7),
    ("曹", 6),
    ("彭", 6),
    ("曾", 6),
    ("肖", 6),
    ("田", 6),
    ("董", 5),
    ("袁", 5),
    ("潘", 5),
    ("蒋", 5),
    ("蔡", 5),
    ("余", 5),
    ("杜", 5),
    ("叶", 5),
    ("程", 5),
    ("魏", 4),
    ("苏", 4),
    ("吕", 4),
    ("丁", 4),
    ("任", 4),
    ("龙", 4),
    ("姚", 3),
)
GIVEN_CHARS: Final[str] = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红文斌建国志鹏飞宇浩然欣怡婷雪梅兰"
    "晨阳光辉海波俊峰凯琳丹颖佳琪思雨子轩梓涵一诺嘉诚天佑家豪睿博雅晶蕾倩慧"
)

# ---------------------------------------------------------------------------------------------------------
# Object names
# ---------------------------------------------------------------------------------------------------------

#: Characters for synthetic trade names (字号); two of them make one name.
BRAND_CHARS: Final[str] = (
    "鑫源泰华兴隆盛昌福顺祥和金贵黔筑林山水泉宏达富康安瑞丰恒通永益新世晨星辰美佳乐宜天地"
    "中诚信德润博远航宇辉明阳光正豪骏腾嘉惠聚创智合力峰岭溪云海蓝绿禾田园茂荣锦绣"
)

#: Name words per division (used for enterprises, and for individual businesses with shop words).
ENTERPRISE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "51": ("商贸", "贸易", "供应链管理", "医药销售"),
    "52": ("超市", "商业管理", "百货", "汽车销售"),
    "13": ("农产品加工", "食品", "粮油"),
    "14": ("食品", "调味品", "辣椒制品"),
    "15": ("酒业", "茶业", "饮品"),
    "26": ("化工", "化学品"),
    "27": ("药业", "制药"),
    "30": ("建材", "水泥制品"),
    "33": ("金属制品", "钢结构"),
    "47": ("建设工程", "建筑工程"),
    "48": ("路桥工程", "市政工程"),
    "49": ("机电安装工程", "电力工程"),
    "50": ("装饰工程", "装饰设计工程"),
    "61": ("酒店管理", "酒店"),
    "62": ("餐饮管理", "餐饮"),
    "54": ("物流", "运输", "客运"),
    "59": ("仓储", "物流园"),
    "63": ("通信技术",),
    "64": ("网络科技", "大数据科技", "信息技术"),
    "65": ("软件", "信息技术", "数据科技"),
    "70": ("房地产开发", "物业管理"),
    "72": ("企业管理咨询", "广告", "人力资源", "会展服务", "旅行社"),
    "74": ("工程技术咨询", "检测", "设计"),
    "75": ("科技", "技术服务"),
    "80": ("家政服务", "美容美发", "洗浴"),
    "81": ("汽车维修", "家电维修"),
    "84": ("医院", "诊所", "医疗管理"),
    "88": ("文化传播", "文化艺术"),
    "90": ("娱乐", "文化娱乐"),
    "01": ("农业开发", "生态农业"),
    "03": ("养殖", "畜牧"),
}
DEFAULT_ENTERPRISE_WORDS: Final[tuple[str, ...]] = ("实业", "科技", "发展", "产业")
ENTERPRISE_FORMS: Final[tuple[tuple[str, int], ...]] = (
    ("有限公司", 850),
    ("有限责任公司", 100),
    ("股份有限公司", 50),
)
ENTERPRISE_PREFIXES: Final[tuple[tuple[str, int], ...]] = (("贵州", 450), ("贵阳", 450), ("", 100))

SHOP_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "52": ("便利店", "超市", "商行", "烟酒店", "百货店", "水果店", "服装店", "五金店", "药店"),
    "62": ("小吃店", "餐馆", "面馆", "火锅店", "粉馆", "烧烤店", "奶茶店"),
    "80": ("理发店", "美容店", "洗衣店", "家政服务部", "足浴店"),
    "81": ("汽车修理部", "手机维修店", "家电维修部"),
    "51": ("经营部", "商贸部", "批发部"),
    "54": ("货运部", "运输部"),
    "61": ("旅馆", "宾馆", "客栈"),
}
DEFAULT_SHOP_WORDS: Final[tuple[str, ...]] = ("经营部", "工作室", "服务部", "加工坊")

PUBLIC_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "83": ("小学", "中学", "幼儿园", "职业技术学校"),
    "84": ("人民医院", "卫生院", "妇幼保健院", "疾病预防控制中心"),
    "88": ("文化馆", "图书馆", "博物馆"),
}
DEFAULT_PUBLIC_WORDS: Final[tuple[str, ...]] = ("服务中心", "管理站", "事务中心", "研究所")
SOCIAL_WORDS: Final[tuple[str, ...]] = ("行业协会", "商会", "学会", "联合会", "促进会")
PRIVATE_NON_ENTERPRISE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "83": ("培训学校", "幼儿园", "职业培训学校"),
    "84": ("康复中心", "民办医院", "门诊部"),
    "85": ("养老院", "社会工作服务中心", "居家养老服务中心"),
    "88": ("艺术中心",),
    "89": ("体育俱乐部",),
    "74": ("技术服务中心",),
}
DEFAULT_PRIVATE_NON_ENTERPRISE_WORDS: Final[tuple[str, ...]] = ("服务中心",)
OTHER_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "72": ("咨询服务部",),
    "96": ("社区服务站",),
    "05": ("农业技术服务站",),
    "80": ("便民服务站",),
}
DEFAULT_OTHER_WORDS: Final[tuple[str, ...]] = ("服务站",)
PRODUCT_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "13": ("大米", "菜籽油", "腊肉"),
    "14": ("辣椒酱", "糕点", "豆腐干", "调味料"),
    "15": ("白酒", "绿茶", "饮用水"),
    "18": ("童装", "衬衫"),
    "24": ("玩具", "文具"),
    "26": ("涂料", "化肥", "洗涤剂"),
    "27": ("中成药", "医用口罩"),
    "29": ("塑料管材", "轮胎"),
    "30": ("水泥", "瓷砖", "玻璃"),
    "34": ("压力容器", "电梯"),
    "35": ("农业机械", "医疗器械"),
    "36": ("电动自行车", "汽车配件"),
    "38": ("电线电缆", "插座", "电热水器"),
    "39": ("手机充电器", "电子产品"),
}
PROJECT_WORDS: Final[tuple[str, ...]] = (
    "小区建设项目",
    "道路改造工程",
    "安置房项目",
    "综合体项目",
    "管网改造工程",
)
BEHAVIOUR_WORDS: Final[tuple[str, ...]] = ("广告发布行为", "商品价格标示行为", "网络交易行为", "促销行为")

# ---------------------------------------------------------------------------------------------------------
# Complaints (投诉举报)
# ---------------------------------------------------------------------------------------------------------

#: Heavy-tailed number of complaints an object receives in the twelve months before the plan year, as
#: (count, weight per 10,000) for the medium profile. Assumption: about 88 % of objects receive none and
#: about 2.6 % three or more. The low and high profiles halve and double every non-zero weight.
COMPLAINT_COUNTS: Final[tuple[tuple[int, int], ...]] = (
    (0, 8800),
    (1, 700),
    (2, 240),
    (3, 110),
    (4, 55),
    (5, 30),
    (6, 20),
    (7, 12),
    (8, 8),
    (9, 6),
    (10, 5),
    (12, 5),
    (15, 4),
    (20, 3),
    (30, 2),
)

#: Complaint categories per division (others get the general list).
COMPLAINT_CATEGORIES: Final[dict[str, tuple[str, ...]]] = {
    "13": ("食品安全", "产品质量"),
    "14": ("食品安全", "产品质量"),
    "15": ("食品安全", "产品质量"),
    "62": ("食品安全", "餐饮卫生", "价格收费", "消费纠纷"),
    "52": ("商品质量", "价格收费", "消费纠纷", "虚假宣传", "食品安全"),
    "51": ("商品质量", "合同纠纷"),
    "61": ("服务质量", "价格收费", "消防安全"),
    "80": ("服务质量", "预付卡退费", "价格收费"),
    "89": ("预付卡退费", "服务质量"),
    "83": ("预付卡退费", "收费问题"),
    "84": ("医疗服务", "价格收费"),
    "47": ("施工扰民", "工程质量"),
    "48": ("施工扰民", "工程质量"),
    "70": ("物业服务", "电梯安全"),
    "72": ("虚假宣传", "合同纠纷"),
    "54": ("运输服务", "安全隐患"),
    "90": ("噪声扰民", "消防安全"),
    "26": ("环境污染", "安全隐患"),
}
DEFAULT_COMPLAINT_CATEGORIES: Final[tuple[str, ...]] = ("消费纠纷", "服务质量", "其他")

# ---------------------------------------------------------------------------------------------------------
# Further departments (demo_city(n_departments=...) beyond the first 14)
# ---------------------------------------------------------------------------------------------------------

#: Further Guiyang-style departments with a supervisory remit over market subjects, in the order
#: ``demo_city(n_departments=15, 16, ...)`` adds them: (department, relative staff weight (same unit as
#: :data:`DEPARTMENTS`), district unit name, officer specialties, kinds of the department's frame (``None``:
#: every kind), GB/T 4754-2017 industry prefixes of its frame). No tags are added to the objects for them (the
#: default city's objects do not change with ``n_departments``): their frames are given by kind and
#: industry. Assumption: which department supervises which industries follows each department's governing
#: law (named in ``randinspect.datasets._bench``); the weights are assumptions.
_ENT: Final = (SubjectKind.ENTERPRISE.value,)
_MKT: Final = (SubjectKind.ENTERPRISE.value, SubjectKind.INDIVIDUAL_BUSINESS.value)
_ORG: Final = (
    SubjectKind.ENTERPRISE.value,
    SubjectKind.PUBLIC_INSTITUTION.value,
    SubjectKind.PRIVATE_NON_ENTERPRISE.value,
)
EXTRA_DEPARTMENTS: Final[
    tuple[tuple[Department, int, str, tuple[str, ...], tuple[str, ...] | None, tuple[str, ...]], ...]
] = (
    (
        Department(code="PSB", name="公安局", name_en="Public Security"),
        4,
        "{district}公安分局",
        ("治安管理", "特种行业管理"),
        _MKT,
        ("61", "6633", "5191", "90"),
    ),
    (
        Department(code="HRSS", name="人力资源和社会保障局", name_en="Human Resources and Social Security"),
        3,
        "{district}人力资源和社会保障局",
        ("劳动保障监察", "人力资源市场"),
        _ENT,
        ("13", "14", "15", "18", "33", "47", "48", "49", "50", "726"),
    ),
    (
        Department(code="MEDINS", name="医疗保障局", name_en="Healthcare Security"),
        2,
        "{district}医疗保障局",
        ("医保基金监管",),
        None,
        ("84", "525"),
    ),
    (
        Department(code="URBAN", name="城市管理局", name_en="Urban Management"),
        3,
        "{district}综合行政执法局",
        ("市容环境", "户外广告", "建筑垃圾"),
        _MKT,
        ("62", "725", "48"),
    ),
    (
        Department(code="WATER", name="水务管理局", name_en="Water Affairs"),
        2,
        "{district}水务管理局",
        ("取水许可", "排水许可"),
        _ENT,
        ("46", "15", "13", "26", "44"),
    ),
    (
        Department(code="NMPA", name="药品监督管理局", name_en="Medical Products Administration"),
        2,
        "{district}药品监督管理分局",
        ("药品", "医疗器械", "化妆品"),
        _MKT,
        ("27", "358", "5151", "525"),
    ),
    (
        Department(code="FORESTRY", name="林业局", name_en="Forestry"),
        1,
        "{district}林业局",
        ("林木采伐", "木材经营"),
        _MKT,
        ("02", "20", "21"),
    ),
    (
        Department(code="TOBACCO", name="烟草专卖局", name_en="Tobacco Monopoly"),
        1,
        "贵阳市烟草专卖局{district}分局",
        ("烟草专卖",),
        _MKT,
        ("5227", "512", "52"),
    ),
    (
        Department(code="GRAIN", name="粮食和物资储备局", name_en="Food and Strategic Reserves"),
        1,
        "{district}粮食和物资储备局",
        ("粮食流通",),
        _MKT,
        ("131", "512", "595"),
    ),
    (
        Department(code="STATS", name="统计局", name_en="Statistics"),
        1,
        "{district}统计局",
        ("统计执法",),
        _ORG,
        ("13", "14", "15", "26", "30", "33", "47", "48", "51", "52", "61", "62", "65", "70"),
    ),
    (
        Department(code="WEATHER", name="气象局", name_en="Meteorology"),
        1,
        "{district}气象局",
        ("防雷安全",),
        _ORG,
        ("26", "59", "44", "70"),
    ),
    (
        Department(code="SPORT", name="体育局", name_en="Sport"),
        1,
        "{district}体育局",
        ("高危险性体育项目",),
        None,
        ("89",),
    ),
    (
        Department(code="POST", name="邮政管理局", name_en="Postal Administration"),
        1,
        "贵阳市邮政管理局{district}监管组",
        ("快递市场",),
        _MKT,
        ("60",),
    ),
    (
        Department(code="TELECOM", name="通信管理局", name_en="Communications Administration"),
        1,
        "贵州省通信管理局{district}联络组",
        ("电信业务", "网络安全"),
        _ENT,
        ("63", "64"),
    ),
    (
        Department(code="BIGDATA", name="大数据发展管理局", name_en="Big Data Development"),
        1,
        "{district}大数据发展管理局",
        ("数据安全", "政务数据"),
        _ENT,
        ("64", "65"),
    ),
    (
        Department(code="RADIO", name="广播电视局", name_en="Radio and Television"),
        1,
        "{district}广播电视局",
        ("广播电视",),
        _ORG,
        ("87", "63"),
    ),
    (
        Department(code="PRESS", name="新闻出版局", name_en="Press and Publication"),
        1,
        "{district}新闻出版局",
        ("出版物市场",),
        _MKT,
        ("86", "5243"),
    ),
    (
        Department(code="CNIPA", name="知识产权局", name_en="Intellectual Property"),
        1,
        "{district}知识产权局",
        ("专利", "商标"),
        _ENT,
        ("13", "14", "15", "27", "39", "65", "75"),
    ),
    (
        Department(code="JUSTICE", name="司法局", name_en="Justice"),
        1,
        "{district}司法局",
        ("律师管理", "公证管理"),
        None,
        ("723",),
    ),
    (
        Department(code="FIN", name="地方金融监督管理局", name_en="Local Financial Supervision"),
        1,
        "{district}地方金融监督管理局",
        ("地方金融组织",),
        _ENT,
        ("663", "69", "7296"),
    ),
    (
        Department(code="DRC", name="发展和改革委员会", name_en="Development and Reform"),
        1,
        "{district}发展和改革局",
        ("招标投标", "节能审查"),
        None,
        ("47", "48", "49", "44"),
    ),
    (
        Department(code="MIIT", name="工业和信息化局", name_en="Industry and Information Technology"),
        1,
        "{district}工业和信息化局",
        ("工业节能监察",),
        _ENT,
        ("13", "15", "26", "30", "31", "32", "33"),
    ),
    (
        Department(code="SCITECH", name="科学技术局", name_en="Science and Technology"),
        1,
        "{district}科学技术局",
        ("科技项目",),
        _ORG,
        ("73", "75"),
    ),
    (
        Department(code="QUAKE", name="地震局", name_en="Earthquake Administration"),
        1,
        "{district}防震减灾局",
        ("抗震设防",),
        None,
        ("47", "48"),
    ),
    (
        Department(code="CIVILDEF", name="人民防空办公室", name_en="Civil Air Defence"),
        1,
        "{district}人民防空办公室",
        ("人防工程",),
        None,
        ("70", "47"),
    ),
    (
        Department(code="HPF", name="住房公积金管理中心", name_en="Housing Provident Fund"),
        1,
        "贵阳住房公积金管理中心{district}管理部",
        ("公积金缴存",),
        _ENT,
        ("47", "51", "52", "65", "70", "72"),
    ),
    (
        Department(code="ARCHIVES", name="档案局", name_en="Archives"),
        1,
        "{district}档案局",
        ("档案管理",),
        (SubjectKind.PUBLIC_INSTITUTION.value,),
        (),
    ),
    (
        Department(code="CUSTOMS", name="海关", name_en="Customs"),
        1,
        "贵阳海关驻{district}监管组",
        ("进出口监管",),
        _ENT,
        ("51", "15", "39"),
    ),
)

#: Largest ``n_departments`` of the demo city.
MAX_DEPARTMENTS: Final = len(DEPARTMENTS) + len(EXTRA_DEPARTMENTS)
