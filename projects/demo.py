"""Demo achievements, from the seed article: DMTO of the Dalian Institute of Chemical Physics
and a handful of others in every state, with dated history (the canal reads it).

Idempotent: an achievement is found by owner and title and created only when missing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from members.models import Alliance, Organization
from projects.choices import (
    AchievementStatus,
    Cooperation,
    Field,
    Jurisdiction,
    LegalStatus,
    ProjectStage,
)
from projects.models import (
    Achievement,
    AchievementEvent,
    Inventor,
    IPItem,
    Milestone,
    Product,
    Project,
    ProjectEvent,
)

DMTO_TITLE = "甲醇制烯烃（DMTO）成套技术"

DICP = "中国科学院大连化学物理研究所"
CIAC = "中国科学院长春应用化学研究所"
GZ_CHEM = "中国科学院广州化学有限公司"


def _at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + "T10:00:00"))


ACHIEVEMENTS = [
    {
        "owner": DICP,
        "title": DMTO_TITLE,
        "field": Field.CATALYSIS,
        "trl": 9,
        "summary": (
            "DMTO（Dalian methanol-to-olefins）以甲醇为原料生产乙烯和丙烯，是煤制烯烃、"
            "缓解甲醇产能过剩的关键技术，2014 年获国家技术发明一等奖。Methanol is converted "
            "into ethylene and propylene over a SAPO-34 catalyst in a fluidised bed."
        ),
        "confidential": "催化剂配方与流化床反应器放大参数（演示数据）。",
        "justification": "已在多套百万吨级工业装置上长期稳定运行。",
        "cooperation": [Cooperation.LICENCE, Cooperation.EQUITY],
        "inventors": [("张研究员", "50.00"), ("李研究员", "30.00"), ("王工程师", "20.00")],
        "ip": [
            ("CN-DEMO-0001", "一种由甲醇制取低碳烯烃的方法", LegalStatus.GRANTED, "2008-05-12"),
            ("CN-DEMO-0002", "甲醇制烯烃流化床反应装置", LegalStatus.GRANTED, "2010-03-02"),
        ],
        "history": [
            ("", "draft", "2018-02-01"),
            ("draft", "submitted", "2018-02-20"),
            ("submitted", "accepted", "2018-03-15"),
        ],
    },
    {
        "owner": DICP,
        "title": "光伏胶膜用高 VA 含量 EVA 共聚技术",
        "field": Field.POLYMER,
        "trl": 7,
        "summary": (
            "高醋酸乙烯含量 EVA 树脂的共聚工艺，用于太阳能光伏胶膜和电缆料，替代进口。"
            "High-VA EVA copolymer for photovoltaic encapsulant film."
        ),
        "confidential": "引发体系与聚合釜温度曲线（演示数据）。",
        "justification": "完成工业侧线试验。",
        "cooperation": [Cooperation.JOINT_DEVELOPMENT],
        "inventors": [("赵研究员", "60.00"), ("钱博士", "40.00")],
        "ip": [
            (
                "CN-DEMO-0003",
                "一种高 VA 含量乙烯-醋酸乙烯共聚物的制备方法",
                LegalStatus.GRANTED,
                "2016-09-20",
            )
        ],
        "history": [
            ("", "draft", "2018-05-10"),
            ("draft", "submitted", "2018-06-01"),
            ("submitted", "accepted", "2018-07-02"),
        ],
    },
    {
        "owner": CIAC,
        "title": "生物可降解聚乳酸改性技术",
        "field": Field.BIOLOGICAL,
        "trl": 5,
        "summary": "提高聚乳酸耐热性与韧性的共混改性技术，用于一次性餐盒与奶茶杯。",
        "confidential": "",
        "justification": "完成公斤级验证。",
        "cooperation": [Cooperation.TRANSFER, Cooperation.LICENCE],
        "inventors": [("孙研究员", "100.00")],
        "ip": [("CN-DEMO-0004", "耐热聚乳酸组合物", LegalStatus.PUBLISHED, "2023-04-11")],
        "history": [("", "draft", "2026-09-01"), ("draft", "submitted", "2026-10-08")],
    },
    {
        "owner": CIAC,
        "title": "高性能聚酰亚胺薄膜",
        "field": Field.ELECTRONIC_CHEMICALS,
        "trl": 4,
        "summary": "用于柔性显示基板的无色透明聚酰亚胺薄膜。",
        "confidential": "单体纯化工艺（演示数据）。",
        "justification": "实验室小试。",
        "cooperation": [Cooperation.JOINT_DEVELOPMENT],
        "inventors": [("周研究员", "70.00"), ("吴博士", "30.00")],
        "ip": [],
        "history": [
            ("", "draft", "2026-08-01"),
            ("draft", "submitted", "2026-08-20"),
            ("submitted", "returned", "2026-09-05"),
        ],
        "review_comment": "请补充专利申请情况和中试计划。",
    },
    {
        "owner": GZ_CHEM,
        "title": "有机硅改性水性涂料",
        "field": Field.SPECIAL_CHEMICALS,
        "trl": 8,
        "summary": "低 VOC 有机硅改性水性工业涂料，耐候性达到进口产品水平。",
        "confidential": "",
        "justification": "已小批量生产。",
        "cooperation": [Cooperation.TRANSFER],
        "inventors": [("郑工程师", "50.00"), ("冯工程师", "50.00")],
        "ip": [("CN-DEMO-0005", "一种有机硅改性水性涂料", LegalStatus.GRANTED, "2019-11-30")],
        "history": [
            ("", "draft", "2020-01-05"),
            ("draft", "submitted", "2020-01-20"),
            ("submitted", "accepted", "2020-02-18"),
        ],
    },
    {
        "owner": DICP,
        "title": "电子级湿化学品纯化技术",
        "field": Field.ELECTRONIC_CHEMICALS,
        "trl": 3,
        "summary": "面向集成电路制造的电子级硫酸、双氧水纯化工艺。",
        "confidential": "",
        "justification": "",
        "cooperation": [],
        "inventors": [],
        "ip": [],
        "history": [("", "draft", "2026-11-01")],
    },
]


def load(alliance_slug: str) -> dict[str, Achievement]:
    alliance = Alliance.objects.get(slug=alliance_slug)
    loaded = {}
    for data in ACHIEVEMENTS:
        owner = Organization.objects.get(name=data["owner"])
        achievement = Achievement.objects.filter(organization=owner, title=data["title"]).first()
        if achievement is None:
            achievement = _create(data, owner, alliance)
        loaded[data["title"]] = achievement
    return loaded


def _create(data: dict, owner: Organization, alliance: Alliance) -> Achievement:
    history = data["history"]
    status = history[-1][1]
    submitted = [at for _, to, at in history if to == "submitted"]
    decided = [at for _, to, at in history if to in ("accepted", "rejected")]
    achievement = Achievement.objects.create(
        organization=owner,
        alliance=alliance,
        title=data["title"],
        summary=data["summary"],
        confidential_details=data["confidential"],
        field=data["field"],
        trl=data["trl"],
        trl_justification=data["justification"],
        cooperation=list(data["cooperation"]),
        status=AchievementStatus.DRAFT,
        review_comment=data.get("review_comment", ""),
    )
    Inventor.objects.bulk_create(
        Inventor(achievement=achievement, name=name, share=Decimal(share))
        for name, share in data["inventors"]
    )
    for number, title, legal_status, filed in data["ip"]:
        IPItem.objects.create(
            achievement=achievement,
            number=number,
            title=title,
            jurisdiction=Jurisdiction.CN,
            legal_status=legal_status,
            filed_on=datetime.date.fromisoformat(filed),
        )
    # The status the history ends in, with the dates the history gives.
    Achievement.objects.filter(pk=achievement.pk).update(
        status=status,
        submitted_at=_at(submitted[-1]) if submitted else None,
        decided_at=_at(decided[-1]) if decided else None,
        created=_at(history[0][2]),
    )
    AchievementEvent.objects.bulk_create(
        AchievementEvent(
            achievement=achievement,
            from_status=from_status,
            to_status=to_status,
            at=_at(at),
            comment=data.get("review_comment", "") if to_status == "returned" else "",
        )
        for from_status, to_status, at in history
    )
    achievement.refresh_from_db()
    return achievement


# --- The industrial chain: DMTO through pilot and industrialization at Levima -------------

LEVIMA = "联泓新材料科技股份有限公司"
PILOT_CENTRE = "先进材料中试工程研究中心（示例）"
DMTO_PROJECT = "DMTO 下游高端材料产业化（示例）"

# name, launch, annual output (t/a), domestic share %, application areas, replaced import
PRODUCTS = [
    (
        "高熔指均聚聚丙烯",
        "2019-06-01",
        "200000",
        "35.00",
        "透明一次性餐盒、奶茶杯等快消品包装",
        "进口高熔指透明聚丙烯专用料",
    ),
    (
        "高 VA 含量 EVA 电缆料",
        "2019-09-15",
        "100000",
        "40.00",
        "电缆专用料",
        "进口高 VA 含量 EVA 树脂",
    ),
    (
        "FL02528 光伏胶膜料",
        "2020-03-20",
        "60000",
        "20.00",
        "太阳能光伏胶膜",
        "进口光伏级 EVA 胶膜料",
    ),
    (
        "环氧乙烷衍生物",
        "2019-12-01",
        "150000",
        "10.00",
        "日化、建筑、纺织、金属加工、农药",
        "同类进口精细化学品",
    ),
]

MILESTONES = [
    ("中试装置建成", "2018-07-31", "2018-07-20"),
    ("工业装置投料试车", "2019-03-31", "2019-03-25"),
    ("光伏胶膜料通过客户认证", "2020-02-29", "2020-03-01"),
    ("扩产可行性研究", "2026-06-30", None),
]


def load_projects() -> Project | None:
    achievement = Achievement.objects.filter(title=DMTO_TITLE).first()
    if achievement is None or Project.objects.filter(title=DMTO_PROJECT).exists():
        return Project.objects.filter(title=DMTO_PROJECT).first()
    levima = Organization.objects.get(name=LEVIMA)
    pilot = Organization.objects.get(name=PILOT_CENTRE)
    project = Project.objects.create(
        achievement=achievement,
        title=DMTO_PROJECT,
        pilot_organization=pilot,
        enterprise=levima,
        stage=ProjectStage.MARKET,
        planned_capacity=Decimal("600000"),
        actual_capacity=Decimal("510000"),
        capacity_unit="t/a",
        budget=Decimal("850000000.00"),
        started_on=datetime.date(2018, 4, 2),
        pilot_started_on=datetime.date(2018, 4, 2),
        industrialization_started_on=datetime.date(2018, 10, 8),
        market_launched_on=datetime.date(2019, 6, 1),
    )
    ProjectEvent.objects.bulk_create(
        ProjectEvent(project=project, from_status=from_stage, to_status=to_stage, at=_at(day))
        for from_stage, to_stage, day in [
            ("", "pilot", "2018-04-02"),
            ("pilot", "industrialization", "2018-10-08"),
            ("industrialization", "market", "2019-06-01"),
        ]
    )
    Milestone.objects.bulk_create(
        Milestone(
            project=project,
            title=title,
            due_on=datetime.date.fromisoformat(due),
            done_on=datetime.date.fromisoformat(done) if done else None,
            owner_organization=levima,
        )
        for title, due, done in MILESTONES
    )
    Product.objects.bulk_create(
        Product(
            project=project,
            enterprise=levima,
            name=name,
            launch_date=datetime.date.fromisoformat(launch),
            annual_output=Decimal(output),
            domestic_market_share=Decimal(share),
            application_areas=areas,
            replaces_import=True,
            replaced_product=replaced,
        )
        for name, launch, output, share, areas, replaced in PRODUCTS
    )
    return project
