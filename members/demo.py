"""Demo data of the members app, from the seed article (Science and Technology Daily).

Idempotent: rows are found by their natural keys and created only when missing, so a
second run writes nothing (not even history rows).
"""

from __future__ import annotations

import datetime

from members import services
from members.choices import MembershipRole, OrganizationKind
from members.models import Alliance, Membership, Organization

ADVANCED_MATERIALS = "advanced-materials"

ALLIANCES = [
    {
        "slug": ADVANCED_MATERIALS,
        "name": "中国科学院先进材料技术创新与产业化联盟",
        "name_en": "Advanced Materials Technology Innovation and Industrialization Alliance of CAS",
        "city": "滕州",
        "founded_on": datetime.date(2018, 1, 10),
        "focus_fields": "先进高分子材料, 特种化学品, 电子化学品, 生物材料",
        "description": (
            "以联泓新材料为理事长单位，联合中国科学院大连化学物理研究所、长春应用化学研究所等"
            "科研院所和相关企业，贯通创新链、产业链与资本链，打通从 IP 到 IPO 的“运河体系”。"
        ),
    },
    {
        "slug": "clean-energy",
        "name": "中国科学院洁净能源技术创新与产业化联盟（示例）",
        "name_en": "Clean Energy Innovation and Industrialization Alliance of CAS (demo)",
        "city": "大连",
        "founded_on": datetime.date(2019, 5, 20),
        "focus_fields": "催化与过程, 洁净能源",
        "description": "演示数据：用于展示一个单位在不同联盟中担任不同角色。",
    },
    {
        "slug": "electronic-materials",
        "name": "中国科学院电子信息材料创新联盟（示例）",
        "name_en": "Electronic Information Materials Innovation Alliance of CAS (demo)",
        "city": "北京",
        "founded_on": datetime.date(2020, 9, 15),
        "focus_fields": "电子化学品, 显示材料",
        "description": "演示数据。",
    },
]

# name, English name, kind, city, parent name
ORGANIZATIONS = [
    ("中国科学院", "Chinese Academy of Sciences", OrganizationKind.OTHER, "北京", None),
    ("中国科学院控股有限公司", "CAS Holdings", OrganizationKind.INVESTOR, "北京", "中国科学院"),
    (
        "联泓新材料科技股份有限公司",
        "Levima Advanced Materials Corporation",
        OrganizationKind.ENTERPRISE,
        "滕州",
        None,
    ),
    (
        "中国科学院大连化学物理研究所",
        "Dalian Institute of Chemical Physics, CAS",
        OrganizationKind.INSTITUTE,
        "大连",
        "中国科学院",
    ),
    (
        "中国科学院长春应用化学研究所",
        "Changchun Institute of Applied Chemistry, CAS",
        OrganizationKind.INSTITUTE,
        "长春",
        "中国科学院",
    ),
    (
        "中国科学院成都有机化学有限公司",
        "Chengdu Organic Chemicals Co., Ltd. of CAS",
        OrganizationKind.ENTERPRISE,
        "成都",
        "中国科学院控股有限公司",
    ),
    (
        "中国科学院广州化学有限公司",
        "Guangzhou Chemical Co., Ltd. of CAS",
        OrganizationKind.ENTERPRISE,
        "广州",
        "中国科学院控股有限公司",
    ),
    (
        "中石化广州工程有限公司",
        "Sinopec Guangzhou Engineering Co., Ltd.",
        OrganizationKind.ENTERPRISE,
        "广州",
        None,
    ),
    (
        "先进材料中试工程研究中心（示例）",
        "Advanced Materials Pilot Engineering Research Centre (demo)",
        OrganizationKind.ENGINEERING_CENTER,
        "滕州",
        None,
    ),
    (
        "中国科学院山西煤炭化学研究所",
        "Institute of Coal Chemistry, CAS",
        OrganizationKind.INSTITUTE,
        "太原",
        "中国科学院",
    ),
    (
        "中国科学院化学研究所",
        "Institute of Chemistry, CAS",
        OrganizationKind.INSTITUTE,
        "北京",
        "中国科学院",
    ),
    (
        "洁能示范科技股份有限公司（示例）",
        "Clean Energy Demo Technology Co., Ltd. (demo)",
        OrganizationKind.ENTERPRISE,
        "大连",
        None,
    ),
    (
        "示范电子材料有限公司（示例）",
        "Demo Electronic Materials Co., Ltd. (demo)",
        OrganizationKind.ENTERPRISE,
        "北京",
        None,
    ),
]

# alliance slug, organisation name, role, joined on
MEMBERSHIPS = [
    (ADVANCED_MATERIALS, "联泓新材料科技股份有限公司", MembershipRole.CHAIRMAN, "2018-01-10"),
    (ADVANCED_MATERIALS, "中国科学院大连化学物理研究所", MembershipRole.GOVERNING, "2018-01-10"),
    (ADVANCED_MATERIALS, "中国科学院长春应用化学研究所", MembershipRole.GOVERNING, "2018-01-10"),
    (ADVANCED_MATERIALS, "中国科学院成都有机化学有限公司", MembershipRole.GOVERNING, "2018-01-10"),
    (ADVANCED_MATERIALS, "中国科学院广州化学有限公司", MembershipRole.GOVERNING, "2018-01-10"),
    (ADVANCED_MATERIALS, "中石化广州工程有限公司", MembershipRole.INVITED_GOVERNING, "2018-01-10"),
    (ADVANCED_MATERIALS, "先进材料中试工程研究中心（示例）", MembershipRole.MEMBER, "2018-06-01"),
    ("clean-energy", "洁能示范科技股份有限公司（示例）", MembershipRole.CHAIRMAN, "2019-05-20"),
    ("clean-energy", "中国科学院大连化学物理研究所", MembershipRole.VICE_CHAIRMAN, "2019-05-20"),
    ("clean-energy", "中国科学院山西煤炭化学研究所", MembershipRole.GOVERNING, "2019-05-20"),
    ("clean-energy", "联泓新材料科技股份有限公司", MembershipRole.MEMBER, "2020-03-01"),
    ("electronic-materials", "示范电子材料有限公司（示例）", MembershipRole.CHAIRMAN, "2020-09-15"),
    ("electronic-materials", "中国科学院化学研究所", MembershipRole.GOVERNING, "2020-09-15"),
    ("electronic-materials", "中国科学院长春应用化学研究所", MembershipRole.MEMBER, "2021-01-05"),
]


def load() -> dict[str, Organization]:
    alliances = {}
    for data in ALLIANCES:
        alliance, _ = Alliance.objects.get_or_create(
            slug=data["slug"], defaults={k: v for k, v in data.items() if k != "slug"}
        )
        alliances[alliance.slug] = alliance

    organizations: dict[str, Organization] = {}
    for name, name_en, kind, city, parent in ORGANIZATIONS:
        organization = Organization.objects.matching(name=name)
        if organization is None:
            organization = Organization.objects.create(
                name=name,
                name_en=name_en,
                kind=kind,
                city=city,
                parent=organizations.get(parent) if parent else None,
            )
        organizations[name] = organization

    for slug, name, role, joined in MEMBERSHIPS:
        alliance, organization = alliances[slug], organizations[name]
        if (
            not Membership.objects.current()
            .filter(alliance=alliance, organization=organization)
            .exists()
        ):
            joined_on = datetime.date.fromisoformat(joined)
            services.membership_create(
                alliance=alliance,
                organization=organization,
                role=role,
                actor=None,
                term_start=joined_on,
                term_end=datetime.date(2028, 12, 31),
                joined_on=joined_on,
                comment="Demo data.",
            )
    return organizations
