"""Demo achievements, projects and products, from the seed article and at its scale.

From the article: DMTO (Dalian methanol-to-olefins) of the Dalian Institute of Chemical
Physics, national technological invention first prize in 2014, the heart of Levima's base;
Levima's own products: special high-melt homopolymer polypropylene (transparent lunch boxes,
milk-tea cups), high-VA EVA cable material, the FL02528 photovoltaic adhesive film material,
ethylene-oxide derivatives. The article gives no market shares (only "mainstream", "leading"):
none are recorded. Dates the article does not give, and every other achievement (several
hundred, 2018–2026, spaced as such hops take: weeks to years), are demo (示例).

Idempotent: an achievement is found by owner and title and created only when missing; the
rows are written in bulk. The canal's hop rows are rebuilt from this history afterwards
(``load_demo`` calls ``projects.hops.rebuild``).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from members import demo as members_demo
from members.models import Alliance, Membership, Organization
from projects.choices import Cooperation, Field, LegalStatus, ProjectStage
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
DMTO_PROJECT = "DMTO 甲醇制烯烃装置产业化"
DEMO_NOTE = members_demo.DEMO_NOTE
LEVIMA = members_demo.LEVIMA
PILOT_CENTRE = members_demo.PILOT_CENTRE
TODAY = datetime.date(2026, 11, 20)  # the demo's "now": nothing is dated after it

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = [
    "建华",
    "晓东",
    "志强",
    "海燕",
    "立新",
    "文博",
    "雪梅",
    "振宇",
    "国栋",
    "丽娟",
    "明远",
    "春生",
    "慧敏",
    "永刚",
    "佳琪",
    "子涵",
    "宏伟",
    "晨阳",
    "思远",
    "玉兰",
    "德胜",
    "凯",
    "磊",
    "静",
    "涛",
    "颖",
    "鹏飞",
    "亚男",
    "俊杰",
    "红梅",
    "学军",
    "晓峰",
    "秀英",
    "宇航",
    "欣怡",
    "光明",
]

# Field -> (subjects, methods): titles are "subject + method".
TOPICS = {
    Field.POLYMER: (
        [
            "高抗冲聚丙烯",
            "超高分子量聚乙烯",
            "茂金属聚乙烯",
            "热塑性弹性体",
            "聚碳酸酯",
            "长链尼龙",
            "聚醚醚酮",
            "生物基聚酯",
            "耐热聚乳酸",
            "透明聚丙烯",
            "POE 弹性体",
            "乙烯-醋酸乙烯共聚物",
        ],
        [
            "连续聚合工艺",
            "釜内合金化技术",
            "共混增韧改性技术",
            "专用催化剂与聚合技术",
            "薄膜成型技术",
            "熔融纺丝技术",
            "回收再生技术",
        ],
    ),
    Field.SPECIAL_CHEMICALS: (
        [
            "聚醚表面活性剂",
            "高纯环氧乙烷衍生物",
            "水性聚氨酯",
            "有机硅助剂",
            "特种环氧树脂",
            "润滑油添加剂",
            "阻燃剂",
            "紫外光固化树脂",
        ],
        ["绿色合成工艺", "连续化生产技术", "精制提纯技术", "配方与应用技术"],
    ),
    Field.ELECTRONIC_CHEMICALS: (
        [
            "电子级硫酸",
            "光刻胶树脂",
            "高纯电子特气",
            "湿电子化学品",
            "锂电池电解液",
            "OLED 发光材料",
            "封装用环氧塑封料",
            "高纯溅射靶材",
        ],
        ["纯化技术", "国产化制备技术", "痕量杂质控制技术", "合成与提纯技术"],
    ),
    Field.BIOLOGICAL: (
        [
            "工业酶制剂",
            "生物基丁二酸",
            "聚羟基脂肪酸酯",
            "医用胶原蛋白",
            "生物农药",
            "微藻油脂",
            "海洋多糖",
            "细胞培养基",
        ],
        ["发酵工艺", "合成生物学制造技术", "分离纯化技术", "规模化制备技术"],
    ),
    Field.CATALYSIS: (
        [
            "甲醇制芳烃",
            "合成气制乙醇",
            "丙烷脱氢",
            "二氧化碳加氢制甲醇",
            "煤制乙二醇",
            "烯烃复分解",
            "费托合成",
            "选择性加氢",
        ],
        ["催化剂及工艺", "流化床反应技术", "工业示范技术", "成套工艺包"],
    ),
    Field.OTHER: (
        [
            "工业机器人",
            "激光加工装备",
            "污水深度处理",
            "土壤修复",
            "固态电池",
            "盐湖提锂",
            "智能传感器",
            "作物育种",
        ],
        ["关键技术", "集成系统", "工程化技术", "成套装备"],
    ),
}
ALLIANCE_FIELDS = {
    members_demo.ADVANCED_MATERIALS: [
        Field.POLYMER,
        Field.SPECIAL_CHEMICALS,
        Field.ELECTRONIC_CHEMICALS,
        Field.BIOLOGICAL,
    ],
    "clean-energy": [Field.CATALYSIS, Field.OTHER],
    "electronic-materials": [Field.ELECTRONIC_CHEMICALS],
    "biomanufacturing": [Field.BIOLOGICAL, Field.CATALYSIS],
    "biomedicine": [Field.BIOLOGICAL, Field.OTHER],
    "intelligent-manufacturing": [Field.OTHER],
    "photonics": [Field.ELECTRONIC_CHEMICALS, Field.OTHER],
    "environment": [Field.CATALYSIS, Field.OTHER],
    "marine": [Field.BIOLOGICAL, Field.OTHER],
    "new-energy-storage": [Field.ELECTRONIC_CHEMICALS, Field.SPECIAL_CHEMICALS],
    "advanced-agriculture": [Field.BIOLOGICAL, Field.OTHER],
}
PER_ALLIANCE = {members_demo.ADVANCED_MATERIALS: 110}
DEFAULT_PER_ALLIANCE = 50


@dataclass
class Plan:
    """One achievement to create, with its dated history and project."""

    owner: Organization
    alliance: Alliance
    title: str
    field: str
    summary: str
    trl: int
    events: list[tuple[str, str, datetime.date]]
    inventors: list[tuple[str, Decimal]]
    patents: list[tuple[str, str, str, datetime.date]]
    cooperation: list[str] = field(default_factory=list)
    confidential: str = ""
    review_comment: str = ""
    project: dict | None = None
    products: list[dict] = field(default_factory=list)


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _inventors(rng: random.Random) -> list[tuple[str, Decimal]]:
    names: list[str] = []
    while len(names) < rng.randint(1, 4):
        name = _person(rng)
        if name not in names:
            names.append(name)
    if len(names) == 1:
        return [(names[0], Decimal("100"))]
    cuts = sorted(rng.sample(range(5, 100, 5), len(names) - 1))
    shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return [(n, Decimal(s)) for n, s in zip(names, shares, strict=True)]


def _patent(rng: random.Random, filed: datetime.date, title: str) -> tuple:
    number = f"CN{filed.year}1{rng.randint(0, 9_999_999):07d}.{rng.randint(0, 9)}"
    status = LegalStatus.GRANTED if filed.year < 2023 else LegalStatus.PUBLISHED
    return number, f"一种{title}的方法", status, filed


def _article_plans(organizations: dict, alliance: Alliance) -> list[Plan]:
    dicp, levima = organizations[members_demo.DICP], organizations[LEVIMA]
    pilot = organizations[PILOT_CENTRE]
    d = datetime.date
    plans = [
        Plan(
            owner=dicp,
            alliance=alliance,
            title=DMTO_TITLE,
            field=Field.CATALYSIS,
            trl=9,
            summary=(
                "DMTO（Dalian methanol-to-olefins，大连甲醇制烯烃）由中国科学院大连化学物理研究所"
                "开发，2014 年获国家技术发明一等奖：将甲醇转化为乙烯和丙烯，再深加工为国内急需的"
                "高端材料，是联泓新材料生产基地的“心脏”。门户中的日期为示例。"
            ),
            confidential="催化剂配方与流化床反应器放大参数（示例）。",
            cooperation=[Cooperation.LICENCE, Cooperation.EQUITY],
            inventors=[("DMTO 研发团队（示例）", Decimal("100"))],
            patents=[],
            events=[
                ("", "draft", d(2018, 1, 22)),
                ("draft", "submitted", d(2018, 2, 1)),
                ("submitted", "accepted", d(2018, 2, 26)),
            ],
            project={
                "title": DMTO_PROJECT,
                "enterprise": levima,
                "pilot": pilot,
                "stage": ProjectStage.MARKET,
                "pilot_on": d(2018, 4, 2),
                "industrialization_on": d(2019, 1, 14),
                "market_on": d(2019, 11, 4),
                "budget": None,
            },
        )
    ]
    products = [
        (
            "高熔指均聚聚丙烯专用料",
            "special high-melt homopolymer polypropylene",
            Field.POLYMER,
            "透明一次性餐盒、奶茶杯等快消品包装",
            "已成功应用于快消品包装，是透明一次性餐盒、奶茶杯的主要原料，在国内市场占据主流地位（据文章）。",
        ),
        (
            "高 VA 含量 EVA 电缆料",
            "high-VA EVA cable material",
            Field.POLYMER,
            "电缆专用料",
            "电缆专用料领域的高 VA 含量 EVA 产品，国内市场占有率领先（据文章）。",
        ),
        (
            "FL02528 光伏胶膜料",
            "FL02528 photovoltaic adhesive film material",
            Field.POLYMER,
            "太阳能光伏胶膜",
            "联泓新材料自主开发，打破了国内光伏胶膜料大多依赖进口的局面（据文章）。",
        ),
        (
            "环氧乙烷衍生物",
            "ethylene-oxide derivatives",
            Field.SPECIAL_CHEMICALS,
            "日化、建筑、纺织、金属加工、农药",
            "在日化、建筑、纺织、金属加工、农药等领域达到国际标准（据文章）。",
        ),
    ]
    for index, (name, name_en, field_, areas, said) in enumerate(products):
        submitted = d(2018, 2, 5) + datetime.timedelta(days=7 * index)
        launch = submitted + datetime.timedelta(days=45)
        plans.append(
            Plan(
                owner=levima,
                alliance=alliance,
                title=f"{name}开发与产业化",
                field=field_,
                trl=9,
                summary=(
                    f"{said} 联泓新材料以 DMTO 装置产出的烯烃为原料开发的产品（{name_en}）。"
                    "产品在联盟成立前已上市；门户中的日期为录入日期（示例）。"
                ),
                cooperation=[Cooperation.JOINT_DEVELOPMENT],
                inventors=[("联泓新材料研发团队（示例）", Decimal("100"))],
                patents=[],
                events=[
                    ("", "draft", submitted - datetime.timedelta(days=3)),
                    ("draft", "submitted", submitted),
                    ("submitted", "accepted", submitted + datetime.timedelta(days=21)),
                ],
                project={
                    "title": f"{name}产业化",
                    "enterprise": levima,
                    "pilot": None,
                    "stage": ProjectStage.MARKET,
                    "pilot_on": None,
                    "industrialization_on": None,
                    "market_on": launch,
                    "budget": None,
                },
                products=[
                    {
                        "name": name,
                        "launch": launch,
                        "areas": areas,
                        "replaces_import": index < 3,
                        "replaced": "进口同类产品" if index < 3 else "",
                    }
                ],
            )
        )
    return plans


def _generated_plans(organizations: dict, alliances: dict, rng: random.Random) -> list[Plan]:
    members = {}
    for m in Membership.objects.filter(status="active").select_related("organization"):
        members.setdefault(m.alliance_id, []).append(m.organization)
    plans, seen = [], set()
    for slug, fields in ALLIANCE_FIELDS.items():
        alliance = alliances[slug]
        owners = [o for o in members.get(alliance.pk, []) if o.kind in ("institute", "university")]
        owners += [
            o for o in members.get(alliance.pk, []) if o.kind == "enterprise" and "示例" in o.name
        ][:6]
        # Invented projects and deals go to invented (示例) enterprises only.
        enterprises = [
            o for o in members.get(alliance.pk, []) if o.kind == "enterprise" and "示例" in o.name
        ]
        centres = [o for o in members.get(alliance.pk, []) if o.kind == "engineering_center"]
        start = max(alliance.founded_on, datetime.date(2018, 1, 15))
        for _ in range(PER_ALLIANCE.get(slug, DEFAULT_PER_ALLIANCE)):
            field_ = rng.choice(fields)
            subjects, methods = TOPICS[field_]
            owner = rng.choice(owners)
            title = rng.choice(subjects) + rng.choice(methods)
            if (owner.pk, title) in seen:
                continue
            seen.add((owner.pk, title))
            span = (TODAY - start).days
            created = start + datetime.timedelta(days=int(span * rng.random() ** 1.2))
            plans.append(
                _lifecycle(rng, owner, alliance, title, field_, created, enterprises, centres)
            )
    return plans


def _lifecycle(rng, owner, alliance, title, field_, created, enterprises, centres) -> Plan:
    """The dated history an achievement of this age plausibly has."""
    events = [("", "draft", created)]
    submitted = created + _days(rng, 5, 60)
    plan = Plan(
        owner=owner,
        alliance=alliance,
        title=title,
        field=field_,
        trl=rng.randint(3, 8),
        summary=f"{DEMO_NOTE} {title}：面向产业化的{Field(field_).label}成果。",
        cooperation=rng.sample([c for c, _ in Cooperation.choices], rng.randint(1, 2)),
        inventors=_inventors(rng),
        patents=[_patent(rng, created - _days(rng, 60, 900), title)],
        events=events,
    )
    if submitted > TODAY or rng.random() < 0.04:
        return plan  # still a draft
    events.append(("draft", "submitted", submitted))
    decided = submitted + _days(rng, 14, 90)
    fate = rng.random()
    if decided > TODAY:
        return plan
    if fate < 0.07:
        events.append(("submitted", "rejected", decided))
        plan.review_comment = "与联盟方向不符（示例）。"
        return plan
    if fate < 0.15:
        events.append(("submitted", "returned", decided))
        plan.review_comment = "请补充中试数据和知识产权状态（示例）。"
        resubmitted = decided + _days(rng, 20, 120)
        if resubmitted > TODAY or rng.random() < 0.3:
            return plan
        events.append(("returned", "submitted", resubmitted))
        decided = resubmitted + _days(rng, 14, 60)
        if decided > TODAY:
            return plan
    events.append(("submitted", "accepted", decided))
    if rng.random() > 0.45 or not enterprises:
        return plan
    pilot_on = decided + _days(rng, 30, 300)
    if pilot_on > TODAY:
        return plan
    project = {
        "title": f"{title}产业化（示例）",
        "enterprise": rng.choice(enterprises),
        "pilot": rng.choice(centres) if centres else None,
        "stage": ProjectStage.PILOT,
        "pilot_on": pilot_on,
        "industrialization_on": None,
        "market_on": None,
        "budget": Decimal(rng.randrange(5, 300)) * Decimal("1000000"),
    }
    plan.project = project
    if rng.random() < 0.1:
        project["stage"] = ProjectStage.TERMINATED
        project["terminated_on"] = pilot_on + _days(rng, 90, 500)
        if project["terminated_on"] > TODAY:
            project["stage"], project["terminated_on"] = ProjectStage.PILOT, None
        return plan
    industrialization = pilot_on + _days(rng, 150, 700)
    if rng.random() < 0.35 or industrialization > TODAY:
        return plan
    project.update(stage=ProjectStage.INDUSTRIALIZATION, industrialization_on=industrialization)
    market = industrialization + _days(rng, 90, 450)
    if rng.random() < 0.4 or market > TODAY:
        return plan
    project.update(stage=ProjectStage.MARKET, market_on=market)
    if rng.random() < 0.5:
        plan.products.append(
            {
                "name": title.replace("技术", "").replace("工艺", "") + "产品（示例）",
                "launch": market,
                "areas": "",
                "replaces_import": rng.random() < 0.5,
                "replaced": "进口同类产品（示例）",
            }
        )
    return plan


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def load(organizations: dict[str, Organization]) -> list[Achievement]:
    """Create the achievements that are missing, with history, projects and products;
    answer those created."""
    alliances = {a.slug: a for a in Alliance.objects.all()}
    rng = random.Random(20180110)
    plans = _article_plans(organizations, alliances[members_demo.ADVANCED_MATERIALS])
    plans += _generated_plans(organizations, alliances, rng)
    existing = set(Achievement.objects.values_list("organization_id", "title"))
    plans = [p for p in plans if (p.owner.pk, p.title) not in existing]
    if not plans:
        return []
    achievements = Achievement.objects.bulk_create(_achievement(p) for p in plans)
    Inventor.objects.bulk_create(
        Inventor(achievement=a, name=name, share=share)
        for a, p in zip(achievements, plans, strict=True)
        for name, share in p.inventors
    )
    IPItem.objects.bulk_create(
        IPItem(achievement=a, number=number, title=title, legal_status=status, filed_on=filed)
        for a, p in zip(achievements, plans, strict=True)
        for number, title, status, filed in p.patents
    )
    AchievementEvent.objects.bulk_create(
        AchievementEvent(
            achievement=a,
            from_status=from_status,
            to_status=to_status,
            at=_at(day),
            comment=p.review_comment if to_status in ("returned", "rejected") else "",
        )
        for a, p in zip(achievements, plans, strict=True)
        for from_status, to_status, day in p.events
    )
    with_projects = [(a, p) for a, p in zip(achievements, plans, strict=True) if p.project]
    projects = Project.objects.bulk_create(_project(a, p.project) for a, p in with_projects)
    ProjectEvent.objects.bulk_create(
        event
        for project, (_a, p) in zip(projects, with_projects, strict=True)
        for event in _project_events(project, p.project)
    )
    Milestone.objects.bulk_create(
        Milestone(
            project=project,
            title="中试装置建成（示例）",
            due_on=p.project["pilot_on"] + datetime.timedelta(days=180),
            done_on=p.project["industrialization_on"],
            owner_organization=project.enterprise,
        )
        for project, (_a, p) in zip(projects, with_projects, strict=True)
        if p.project["pilot_on"]
    )
    Product.objects.bulk_create(
        Product(
            project=project,
            enterprise=project.enterprise,
            name=item["name"],
            launch_date=item["launch"],
            application_areas=item["areas"],
            replaces_import=item["replaces_import"],
            replaced_product=item["replaced"] if item["replaces_import"] else "",
        )
        for project, (_a, p) in zip(projects, with_projects, strict=True)
        for item in p.products
    )
    _date_back([a.pk for a in achievements], [p.pk for p in projects])
    return achievements


def _date_back(achievement_ids: list[int], project_ids: list[int]) -> None:
    """Rows written now carry the dates of their history (auto_now_add stamped today)."""

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_achievement a SET created = e.first, updated = e.last "
            "FROM (SELECT achievement_id, min(at) AS first, max(at) AS last "
            "      FROM projects_achievementevent WHERE achievement_id = ANY(%s) "
            "      GROUP BY achievement_id) e WHERE a.id = e.achievement_id",
            [achievement_ids],
        )
        cursor.execute(
            "UPDATE projects_project SET created = started_on + time '10:00', "
            "updated = started_on + time '10:00' WHERE id = ANY(%s)",
            [project_ids],
        )


def _achievement(plan: Plan) -> Achievement:
    status = plan.events[-1][1]
    submitted = [day for _f, to, day in plan.events if to == "submitted"]
    decided = [day for _f, to, day in plan.events if to in ("accepted", "rejected")]
    return Achievement(
        organization=plan.owner,
        alliance=plan.alliance,
        title=plan.title,
        summary=plan.summary,
        confidential_details=plan.confidential,
        field=plan.field,
        trl=plan.trl,
        trl_justification="已完成相应级别的验证（示例）。",
        cooperation=list(plan.cooperation),
        status=status,
        submitted_at=_at(submitted[-1]) if submitted else None,
        decided_at=_at(decided[-1]) if decided else None,
        review_comment=plan.review_comment if status in ("returned", "rejected") else "",
    )


def _project(achievement: Achievement, data: dict) -> Project:
    started = data["pilot_on"] or data["industrialization_on"] or data["market_on"]
    terminated = data.get("terminated_on")
    return Project(
        achievement=achievement,
        title=data["title"],
        pilot_organization=data["pilot"],
        enterprise=data["enterprise"],
        stage=data["stage"],
        stage_reason="中试指标未达预期（示例）。" if terminated else "",
        budget=data["budget"],
        started_on=started,
        pilot_started_on=data["pilot_on"],
        industrialization_started_on=data["industrialization_on"],
        market_launched_on=data["market_on"],
    )


def _project_events(project: Project, data: dict) -> list[ProjectEvent]:
    steps = [
        (s, data[k])
        for s, k in (
            ("pilot", "pilot_on"),
            ("industrialization", "industrialization_on"),
            ("market", "market_on"),
        )
        if data[k]
    ]
    if data.get("terminated_on"):
        steps.append(("terminated", data["terminated_on"]))
    return [
        ProjectEvent(
            project=project, from_status=steps[i - 1][0] if i else "", to_status=stage, at=_at(day)
        )
        for i, (stage, day) in enumerate(steps)
    ]
