"""Demo data of the members app, at the scale of the seed article (Science and Technology Daily).

The article: CAS Holdings runs 11 alliances led by 10 leading enterprises, with more than 300
member institutions and enterprises. It describes one: the Advanced Materials Alliance
(Tengzhou, founded on 10 January 2018), with Levima Advanced Materials as chairman unit, 14
CAS institutes and enterprises as governing units of which it names four (the Dalian
Institute of Chemical Physics, the Changchun Institute of Applied Chemistry, Chengdu Organic
Chemicals, Guangzhou Chemical), and Sinopec Guangzhou Engineering specially invited.

Everything else is marked 示例 / demo: the other ten alliances (names, chairmen, dates),
the ten governing units the article does not name (real CAS institutes of the field; their
membership's history says it is demo), and the invented enterprises and centres.

Idempotent: rows are found by their natural keys and created only when missing (in bulk),
so a second run writes nothing; an alliance or organisation loaded before it had an English
name gets the demo's one (an English name someone entered is kept).
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from members.choices import MembershipRole, MembershipStatus, OrganizationKind
from members.models import Alliance, Membership, MembershipEvent, Organization

ADVANCED_MATERIALS = "advanced-materials"
DEMO = "示例"
DEMO_NOTE = "示例数据：文章未载明。Demo data, not stated in the article."
INSTITUTE, ENTERPRISE = OrganizationKind.INSTITUTE, OrganizationKind.ENTERPRISE

CAS = "中国科学院"
CAS_HOLDINGS = "中国科学院控股有限公司"
LEVIMA = "联泓新材料科技股份有限公司"
DICP = "中国科学院大连化学物理研究所"
CIAC = "中国科学院长春应用化学研究所"
CHENGDU_ORGANIC = "中国科学院成都有机化学有限公司"
GZ_CHEM = "中国科学院广州化学有限公司"
SINOPEC_GZ = "中石化广州工程有限公司"
PILOT_CENTRE = "先进材料中试工程研究中心（示例）"

# Real CAS institutes: name, English name, city.
INSTITUTES = [
    (DICP, "Dalian Institute of Chemical Physics, CAS", "大连"),
    (CIAC, "Changchun Institute of Applied Chemistry, CAS", "长春"),
    ("中国科学院化学研究所", "Institute of Chemistry, CAS", "北京"),
    ("中国科学院山西煤炭化学研究所", "Institute of Coal Chemistry, CAS", "太原"),
    (
        "中国科学院宁波材料技术与工程研究所",
        "Ningbo Institute of Materials Technology and Engineering, CAS",
        "宁波",
    ),
    ("中国科学院金属研究所", "Institute of Metal Research, CAS", "沈阳"),
    ("中国科学院上海有机化学研究所", "Shanghai Institute of Organic Chemistry, CAS", "上海"),
    ("中国科学院兰州化学物理研究所", "Lanzhou Institute of Chemical Physics, CAS", "兰州"),
    ("中国科学院过程工程研究所", "Institute of Process Engineering, CAS", "北京"),
    ("中国科学院理化技术研究所", "Technical Institute of Physics and Chemistry, CAS", "北京"),
    (
        "中国科学院福建物质结构研究所",
        "Fujian Institute of Research on the Structure of Matter, CAS",
        "福州",
    ),
    ("中国科学院上海硅酸盐研究所", "Shanghai Institute of Ceramics, CAS", "上海"),
    ("中国科学院成都有机化学研究所", "Chengdu Institute of Organic Chemistry, CAS", "成都"),
    ("中国科学院广州能源研究所", "Guangzhou Institute of Energy Conversion, CAS", "广州"),
    (
        "中国科学院青岛生物能源与过程研究所",
        "Qingdao Institute of Bioenergy and Bioprocess Technology, CAS",
        "青岛",
    ),
    (
        "中国科学院天津工业生物技术研究所",
        "Tianjin Institute of Industrial Biotechnology, CAS",
        "天津",
    ),
    ("中国科学院微生物研究所", "Institute of Microbiology, CAS", "北京"),
    ("中国科学院上海药物研究所", "Shanghai Institute of Materia Medica, CAS", "上海"),
    ("中国科学院深圳先进技术研究院", "Shenzhen Institutes of Advanced Technology, CAS", "深圳"),
    ("中国科学院微电子研究所", "Institute of Microelectronics, CAS", "北京"),
    ("中国科学院半导体研究所", "Institute of Semiconductors, CAS", "北京"),
    (
        "中国科学院上海微系统与信息技术研究所",
        "Shanghai Institute of Microsystem and Information Technology, CAS",
        "上海",
    ),
    ("中国科学院物理研究所", "Institute of Physics, CAS", "北京"),
    ("中国科学院电工研究所", "Institute of Electrical Engineering, CAS", "北京"),
    ("中国科学院工程热物理研究所", "Institute of Engineering Thermophysics, CAS", "北京"),
    ("中国科学院沈阳自动化研究所", "Shenyang Institute of Automation, CAS", "沈阳"),
    ("中国科学院自动化研究所", "Institute of Automation, CAS", "北京"),
    ("中国科学院计算技术研究所", "Institute of Computing Technology, CAS", "北京"),
    ("中国科学院软件研究所", "Institute of Software, CAS", "北京"),
    ("中国科学院光电技术研究所", "Institute of Optics and Electronics, CAS", "成都"),
    (
        "中国科学院长春光学精密机械与物理研究所",
        "Changchun Institute of Optics, Fine Mechanics and Physics, CAS",
        "长春",
    ),
    (
        "中国科学院西安光学精密机械研究所",
        "Xi'an Institute of Optics and Precision Mechanics, CAS",
        "西安",
    ),
    (
        "中国科学院上海光学精密机械研究所",
        "Shanghai Institute of Optics and Fine Mechanics, CAS",
        "上海",
    ),
    ("中国科学院生态环境研究中心", "Research Center for Eco-Environmental Sciences, CAS", "北京"),
    ("中国科学院城市环境研究所", "Institute of Urban Environment, CAS", "厦门"),
    ("中国科学院南京土壤研究所", "Institute of Soil Science, CAS", "南京"),
    ("中国科学院海洋研究所", "Institute of Oceanology, CAS", "青岛"),
    ("中国科学院南海海洋研究所", "South China Sea Institute of Oceanology, CAS", "广州"),
    (
        "中国科学院遗传与发育生物学研究所",
        "Institute of Genetics and Developmental Biology, CAS",
        "北京",
    ),
    ("中国科学院植物研究所", "Institute of Botany, CAS", "北京"),
    ("中国科学院昆明植物研究所", "Kunming Institute of Botany, CAS", "昆明"),
    ("中国科学院合肥物质科学研究院", "Hefei Institutes of Physical Science, CAS", "合肥"),
    (
        "中国科学院苏州纳米技术与纳米仿生研究所",
        "Suzhou Institute of Nano-Tech and Nano-Bionics, CAS",
        "苏州",
    ),
    ("中国科学院生物物理研究所", "Institute of Biophysics, CAS", "北京"),
    ("中国科学院上海高等研究院", "Shanghai Advanced Research Institute, CAS", "上海"),
    ("中国科学院广州地球化学研究所", "Guangzhou Institute of Geochemistry, CAS", "广州"),
    ("中国科学院力学研究所", "Institute of Mechanics, CAS", "北京"),
    (
        "中国科学院新疆理化技术研究所",
        "Xinjiang Technical Institute of Physics and Chemistry, CAS",
        "乌鲁木齐",
    ),
    ("中国科学院青海盐湖研究所", "Qinghai Institute of Salt Lakes, CAS", "西宁"),
    ("中国科学院上海应用物理研究所", "Shanghai Institute of Applied Physics, CAS", "上海"),
    ("中国科学院声学研究所", "Institute of Acoustics, CAS", "北京"),
    ("中国科学院空天信息创新研究院", "Aerospace Information Research Institute, CAS", "北京"),
    ("中国科学院水生生物研究所", "Institute of Hydrobiology, CAS", "武汉"),
    ("中国科学院烟台海岸带研究所", "Yantai Institute of Coastal Zone Research, CAS", "烟台"),
    (
        "中国科学院重庆绿色智能技术研究院",
        "Chongqing Institute of Green and Intelligent Technology, CAS",
        "重庆",
    ),
    ("中国科学院沈阳应用生态研究所", "Institute of Applied Ecology, CAS", "沈阳"),
    (
        "中国科学院广州生物医药与健康研究院",
        "Guangzhou Institutes of Biomedicine and Health, CAS",
        "广州",
    ),
    (
        "中国科学院东北地理与农业生态研究所",
        "Northeast Institute of Geography and Agroecology, CAS",
        "长春",
    ),
]
UNIVERSITIES = [
    ("中国科学技术大学", "University of Science and Technology of China", "合肥"),
    ("中国科学院大学", "University of Chinese Academy of Sciences", "北京"),
]
# name, English name, kind, city, parent
NAMED = [
    (CAS, "Chinese Academy of Sciences", OrganizationKind.OTHER, "北京", None),
    (CAS_HOLDINGS, "CAS Holdings", OrganizationKind.INVESTOR, "北京", CAS),
    (LEVIMA, "Levima Advanced Materials Corporation", ENTERPRISE, "滕州", None),
    (
        CHENGDU_ORGANIC,
        "Chengdu Organic Chemicals Co., Ltd. of CAS",
        ENTERPRISE,
        "成都",
        CAS_HOLDINGS,
    ),
    (GZ_CHEM, "Guangzhou Chemical Co., Ltd. of CAS", ENTERPRISE, "广州", CAS_HOLDINGS),
    (SINOPEC_GZ, "Sinopec Guangzhou Engineering Co., Ltd.", ENTERPRISE, "广州", None),
    (
        PILOT_CENTRE,
        "Advanced Materials Pilot Engineering Research Centre (demo)",
        OrganizationKind.ENGINEERING_CENTER,
        "滕州",
        None,
    ),
]

# The Advanced Materials Alliance's 14 CAS governing units: the four the article names, and
# ten real CAS institutes of the field whose governing role is demo.
AM_GOVERNING_NAMED = [DICP, CIAC, CHENGDU_ORGANIC, GZ_CHEM]
AM_GOVERNING_DEMO = [
    "中国科学院化学研究所",
    "中国科学院山西煤炭化学研究所",
    "中国科学院宁波材料技术与工程研究所",
    "中国科学院上海有机化学研究所",
    "中国科学院兰州化学物理研究所",
    "中国科学院过程工程研究所",
    "中国科学院理化技术研究所",
    "中国科学院福建物质结构研究所",
    "中国科学院成都有机化学研究所",
    "中国科学院上海硅酸盐研究所",
]

# slug, name, English name, city, founded, focus, chairman (name, English name), institutes
# of the field (governing units).
DEMO_ALLIANCES = [
    (
        "clean-energy",
        "洁净能源",
        "Clean Energy",
        "大连",
        "2018-05-20",
        "催化与过程, 洁净能源",
        ("中科洁能科技股份有限公司", "CAS Clean Energy Technology Co., Ltd."),
        [
            "中国科学院大连化学物理研究所",
            "中国科学院山西煤炭化学研究所",
            "中国科学院广州能源研究所",
            "中国科学院工程热物理研究所",
            "中国科学院青岛生物能源与过程研究所",
        ],
    ),
    (
        "electronic-materials",
        "电子信息材料",
        "Electronic Information Materials",
        "北京",
        "2018-09-15",
        "电子化学品, 显示材料",
        ("中科电材股份有限公司", "CAS Electronic Materials Co., Ltd."),
        [
            "中国科学院化学研究所",
            "中国科学院微电子研究所",
            "中国科学院半导体研究所",
            "中国科学院上海微系统与信息技术研究所",
            "中国科学院长春应用化学研究所",
        ],
    ),
    (
        "biomanufacturing",
        "生物制造",
        "Biomanufacturing",
        "天津",
        "2018-11-08",
        "生物材料, 工业酶",
        ("中科生物制造股份有限公司", "CAS Biomanufacturing Co., Ltd."),
        [
            "中国科学院天津工业生物技术研究所",
            "中国科学院微生物研究所",
            "中国科学院青岛生物能源与过程研究所",
            "中国科学院过程工程研究所",
        ],
    ),
    (
        "biomedicine",
        "生物医药",
        "Biomedicine",
        "上海",
        "2019-03-18",
        "创新药, 医疗器械",
        ("中科健康产业集团股份有限公司", "CAS Health Industry Group Co., Ltd."),
        [
            "中国科学院上海药物研究所",
            "中国科学院广州生物医药与健康研究院",
            "中国科学院生物物理研究所",
            "中国科学院深圳先进技术研究院",
        ],
    ),
    (
        "intelligent-manufacturing",
        "智能制造",
        "Intelligent Manufacturing",
        "沈阳",
        "2019-06-06",
        "机器人, 工业软件",
        ("中科智能装备股份有限公司", "CAS Intelligent Equipment Co., Ltd."),
        [
            "中国科学院沈阳自动化研究所",
            "中国科学院自动化研究所",
            "中国科学院软件研究所",
            "中国科学院计算技术研究所",
        ],
    ),
    (
        "photonics",
        "光电与激光",
        "Photonics and Lasers",
        "长春",
        "2019-09-26",
        "激光, 光学材料",
        ("中科光电技术股份有限公司", "CAS Photonics Technology Co., Ltd."),
        [
            "中国科学院长春光学精密机械与物理研究所",
            "中国科学院西安光学精密机械研究所",
            "中国科学院上海光学精密机械研究所",
            "中国科学院光电技术研究所",
        ],
    ),
    (
        "environment",
        "生态环境",
        "Ecology and Environment",
        "北京",
        "2020-04-22",
        "水处理, 土壤修复",
        ("中科生态环境科技股份有限公司", "CAS Eco-Environment Technology Co., Ltd."),
        [
            "中国科学院生态环境研究中心",
            "中国科学院城市环境研究所",
            "中国科学院南京土壤研究所",
            "中国科学院沈阳应用生态研究所",
        ],
    ),
    (
        "marine",
        "海洋科技",
        "Marine Technology",
        "青岛",
        "2020-08-18",
        "海洋材料, 海洋生物",
        ("中科海洋科技股份有限公司", "CAS Marine Technology Co., Ltd."),
        ["中国科学院海洋研究所", "中国科学院南海海洋研究所", "中国科学院烟台海岸带研究所"],
    ),
    (
        "new-energy-storage",
        "新型储能",
        "New Energy Storage",
        "合肥",
        "2021-01-12",
        "电池, 储能材料",
        ("中科储能科技股份有限公司", "CAS Energy Storage Technology Co., Ltd."),
        [
            "中国科学院物理研究所",
            "中国科学院电工研究所",
            "中国科学院合肥物质科学研究院",
            "中国科学院青海盐湖研究所",
            "中国科学院宁波材料技术与工程研究所",
        ],
    ),
    (
        "advanced-agriculture",
        "现代农业",
        "Modern Agriculture",
        "长春",
        "2021-05-28",
        "种业, 农业装备",
        ("中科现代农业发展股份有限公司", "CAS Modern Agriculture Development Co., Ltd."),
        [
            "中国科学院遗传与发育生物学研究所",
            "中国科学院植物研究所",
            "中国科学院东北地理与农业生态研究所",
            "中国科学院昆明植物研究所",
        ],
    ),
]

# Invented enterprises: city (with its English name), brand syllables, trade.
CITIES = [
    ("滕州", "Tengzhou"),
    ("大连", "Dalian"),
    ("宁波", "Ningbo"),
    ("苏州", "Suzhou"),
    ("常州", "Changzhou"),
    ("淄博", "Zibo"),
    ("成都", "Chengdu"),
    ("合肥", "Hefei"),
    ("青岛", "Qingdao"),
    ("天津", "Tianjin"),
    ("西安", "Xi'an"),
    ("武汉", "Wuhan"),
    ("长沙", "Changsha"),
    ("厦门", "Xiamen"),
    ("珠海", "Zhuhai"),
    ("烟台", "Yantai"),
]
BRANDS = [
    ("瑞丰", "Ruifeng"),
    ("恒远", "Hengyuan"),
    ("博纳", "Bona"),
    ("新元", "Xinyuan"),
    ("华晟", "Huasheng"),
    ("天润", "Tianrun"),
    ("科达", "Keda"),
    ("东辰", "Dongchen"),
    ("鼎信", "Dingxin"),
    ("海睿", "Hairui"),
    ("中研", "Zhongyan"),
    ("安普", "Anpu"),
    ("聚恒", "Juheng"),
    ("金泓", "Jinhong"),
    ("德尔", "De'er"),
    ("宏远", "Hongyuan"),
]
TRADES = {
    ADVANCED_MATERIALS: [
        ("新材料", "New Materials"),
        ("高分子", "Polymers"),
        ("精细化工", "Fine Chemicals"),
    ],
    "clean-energy": [("能源科技", "Energy Technology"), ("催化剂", "Catalysts")],
    "electronic-materials": [
        ("电子材料", "Electronic Materials"),
        ("半导体材料", "Semiconductor Materials"),
    ],
    "biomanufacturing": [("生物科技", "Biotechnology"), ("酶制剂", "Enzymes")],
    "biomedicine": [("医药", "Pharmaceuticals"), ("医疗器械", "Medical Devices")],
    "intelligent-manufacturing": [("智能装备", "Intelligent Equipment"), ("机器人", "Robotics")],
    "photonics": [("光电", "Optoelectronics"), ("激光技术", "Laser Technology")],
    "environment": [("环保科技", "Environmental Technology"), ("水务", "Water Technology")],
    "marine": [("海洋生物", "Marine Biology"), ("海工材料", "Marine Engineering Materials")],
    "new-energy-storage": [
        ("储能科技", "Energy Storage Technology"),
        ("电池材料", "Battery Materials"),
    ],
    "advanced-agriculture": [("种业", "Seeds"), ("农业科技", "Agricultural Technology")],
}
ENTERPRISES_PER_ALLIANCE = 21


def _demo_enterprises(slug: str, rng: random.Random, taken: set[str]) -> list[tuple]:
    found = []
    trades = TRADES[slug]
    while len(found) < ENTERPRISES_PER_ALLIANCE:
        (city, city_en), (brand, brand_en) = rng.choice(CITIES), rng.choice(BRANDS)
        trade, trade_en = rng.choice(trades)
        name = f"{city}{brand}{trade}有限公司（{DEMO}）"
        if name in taken:
            continue
        taken.add(name)
        found.append((name, f"{city_en} {brand_en} {trade_en} Co., Ltd. (demo)", ENTERPRISE, city))
    return found


def _alliance_rows() -> list[dict]:
    rows = [
        {
            "slug": ADVANCED_MATERIALS,
            "name": "中国科学院先进材料技术创新与产业化联盟",
            "name_en": (
                "Advanced Materials Technology Innovation and Industrialization Alliance of CAS"
            ),
            "city": "滕州",
            "founded_on": datetime.date(2018, 1, 10),
            "focus_fields": "先进高分子材料, 特种化学品, 电子化学品, 生物材料",
            "description": (
                "以联泓新材料为理事长单位，中国科学院大连化学物理研究所、长春应用化学研究所、"
                "成都有机化学有限公司、广州化学有限公司等 14 家科研院所和相关企业为理事单位，"
                "特邀中石化广州工程有限公司为理事单位，贯通创新链、产业链与资本链，打通从 IP "
                "到 IPO 的“运河体系”。文章点名以外的 10 家理事单位及一般会员为示例数据。"
            ),
        }
    ]
    for slug, name, name_en, city, founded, focus, _chair, _institutes in DEMO_ALLIANCES:
        rows.append(
            {
                "slug": slug,
                "name": f"中国科学院{name}技术创新与产业化联盟（{DEMO}）",
                "name_en": f"{name_en} Innovation and Industrialization Alliance of CAS (demo)",
                "city": city,
                "founded_on": datetime.date.fromisoformat(founded),
                "focus_fields": focus,
                "description": f"{DEMO_NOTE} 文章称中国科学院共有 11 个此类联盟，本联盟为其示意。",
            }
        )
    return rows


def _organization_rows() -> tuple[list[tuple], list[tuple]]:
    """(name, English name, kind, city, parent) of every organisation, and the memberships
    (alliance slug, organisation name, role, joined on, demo?)."""
    rng = random.Random(2018)
    organizations = list(NAMED)
    organizations += [(n, e, INSTITUTE, c, CAS) for n, e, c in INSTITUTES]
    organizations += [(n, e, OrganizationKind.UNIVERSITY, c, CAS) for n, e, c in UNIVERSITIES]
    memberships = [
        (ADVANCED_MATERIALS, LEVIMA, MembershipRole.CHAIRMAN, "2018-01-10", False),
        *(
            (ADVANCED_MATERIALS, n, MembershipRole.GOVERNING, "2018-01-10", False)
            for n in AM_GOVERNING_NAMED
        ),
        *(
            (ADVANCED_MATERIALS, n, MembershipRole.GOVERNING, "2018-01-10", True)
            for n in AM_GOVERNING_DEMO
        ),
        (ADVANCED_MATERIALS, SINOPEC_GZ, MembershipRole.INVITED_GOVERNING, "2018-01-10", False),
        (ADVANCED_MATERIALS, PILOT_CENTRE, MembershipRole.MEMBER, "2018-06-01", True),
    ]
    taken = {row[0] for row in organizations}
    for slug, _n, _e, city, founded, _f, (chair, chair_en), institutes in DEMO_ALLIANCES:
        chair_name = f"{chair}（{DEMO}）"
        organizations.append((chair_name, f"{chair_en} (demo)", ENTERPRISE, city, None))
        memberships.append((slug, chair_name, MembershipRole.CHAIRMAN, founded, True))
        for index, name in enumerate(institutes):
            role = MembershipRole.VICE_CHAIRMAN if index == 0 else MembershipRole.GOVERNING
            memberships.append((slug, name, role, founded, True))
        centre = (
            f"{_city_of(slug)}{_field_of(slug)}中试基地（{DEMO}）",
            f"{_field_en(slug)} Pilot Base (demo)",
            OrganizationKind.ENGINEERING_CENTER,
            city,
            None,
        )
        organizations.append(centre)
        memberships.append((slug, centre[0], MembershipRole.MEMBER, founded, True))
    # Levima, a member of two further alliances; some institutes in several, in other roles.
    memberships += [
        ("clean-energy", LEVIMA, MembershipRole.GOVERNING, "2019-03-01", True),
        ("new-energy-storage", LEVIMA, MembershipRole.MEMBER, "2021-06-01", True),
        ("electronic-materials", GZ_CHEM, MembershipRole.MEMBER, "2019-04-10", True),
        ("biomanufacturing", CHENGDU_ORGANIC, MembershipRole.MEMBER, "2019-05-10", True),
        ("new-energy-storage", "中国科学技术大学", MembershipRole.GOVERNING, "2021-01-12", True),
        ("intelligent-manufacturing", "中国科学院大学", MembershipRole.MEMBER, "2019-09-01", True),
    ]
    for slug in [ADVANCED_MATERIALS, *(a[0] for a in DEMO_ALLIANCES)]:
        founded = next((a[4] for a in DEMO_ALLIANCES if a[0] == slug), "2018-01-10")
        for index, row in enumerate(_demo_enterprises(slug, rng, taken)):
            organizations.append((*row, None))
            joined = datetime.date.fromisoformat(founded) + datetime.timedelta(days=30 * index)
            memberships.append((slug, row[0], MembershipRole.MEMBER, joined.isoformat(), True))
    return organizations, memberships


def _city_of(slug: str) -> str:
    return next(a[3] for a in DEMO_ALLIANCES if a[0] == slug)


def _field_of(slug: str) -> str:
    return next(a[1] for a in DEMO_ALLIANCES if a[0] == slug)


def _field_en(slug: str) -> str:
    return next(a[2] for a in DEMO_ALLIANCES if a[0] == slug)


def load() -> dict[str, Organization]:
    """Create what is missing; answer every demo organisation by name."""
    alliance_rows = _alliance_rows()
    existing = set(Alliance.objects.values_list("slug", flat=True))
    Alliance.objects.bulk_create(
        Alliance(**row) for row in alliance_rows if row["slug"] not in existing
    )
    alliances = {a.slug: a for a in Alliance.objects.all()}
    _fill_english_names(alliances, {row["slug"]: row["name_en"] for row in alliance_rows})

    organization_rows, membership_rows = _organization_rows()
    known = {
        o.name: o for o in Organization.objects.filter(name__in=[r[0] for r in organization_rows])
    }
    missing = [r for r in organization_rows if r[0] not in known]
    Organization.objects.bulk_create(
        Organization(name=name, name_en=name_en, kind=kind, city=city)
        for name, name_en, kind, city, _parent in missing
    )
    organizations = {
        o.name: o for o in Organization.objects.filter(name__in=[r[0] for r in organization_rows])
    }
    _fill_english_names(organizations, {row[0]: row[1] for row in organization_rows})
    orphans = []
    for name, _e, _k, _c, parent in missing:
        if parent:
            organizations[name].parent = organizations[parent]
            orphans.append(organizations[name])
    Organization.objects.bulk_update(orphans, ["parent"])

    current = set(Membership.objects.current().values_list("alliance__slug", "organization__name"))
    new = []
    for slug, name, role, joined, demo in membership_rows:
        if (slug, name) in current:
            continue
        current.add((slug, name))
        joined_on = datetime.date.fromisoformat(joined)
        new.append(
            (
                Membership(
                    alliance=alliances[slug],
                    organization=organizations[name],
                    role=role,
                    status=MembershipStatus.ACTIVE,
                    term_start=joined_on,
                    term_end=datetime.date(2028, 12, 31),
                    joined_on=joined_on,
                ),
                demo,
            )
        )
    created = Membership.objects.bulk_create(m for m, _ in new)
    MembershipEvent.objects.bulk_create(
        MembershipEvent(
            membership=membership,
            from_status="",
            to_status=membership.status,
            from_role="",
            to_role=membership.role,
            at=_at(membership.joined_on),
            comment=DEMO_NOTE if demo else "文章载明 / stated in the article.",
        )
        for membership, (_m, demo) in zip(created, new, strict=True)
    )
    return organizations


def _fill_english_names(rows: dict, english: dict[str, str]) -> None:
    """Give the demo's rows loaded before they had an English name the demo's one; a name
    someone entered is kept, and a second run finds nothing to write."""
    blank = [row for key, row in rows.items() if not row.name_en and english.get(key)]
    for row in blank:
        row.name_en = english[row.slug if isinstance(row, Alliance) else row.name]
    if blank:
        type(blank[0]).objects.bulk_update(blank, ["name_en"])


def _at(day: datetime.date) -> datetime.datetime:

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
