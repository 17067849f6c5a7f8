"""Benchmark: the achievement catalogue on 100,000 achievements.

    .venv/bin/python bench/catalogue.py [--count 100000]

Generates the achievements once (in the ``alliance_bench`` database, see bench/common.py),
then reports the median time of a catalogue search (the /catalogue/ page with ?q=, in
Chinese and in English) and of an API list page (/api/v1/achievements/), each request
through Django's full stack (middleware, views, templates or serializers).
"""

from __future__ import annotations

import argparse
import random
import time

from common import median_ms, report, setup_django

ZH_WORDS = [
    "甲醇",
    "烯烃",
    "催化剂",
    "分子筛",
    "聚丙烯",
    "聚乳酸",
    "光伏",
    "胶膜",
    "电缆料",
    "有机硅",
    "涂料",
    "聚酰亚胺",
    "薄膜",
    "电子级",
    "湿化学品",
    "生物基",
    "可降解",
    "纳米",
    "复合材料",
    "锂电池",
    "隔膜",
    "电解液",
    "石墨烯",
    "碳纤维",
    "树脂",
    "环氧",
    "工艺",
    "反应器",
    "流化床",
]
EN_WORDS = [
    "methanol",
    "olefin",
    "catalyst",
    "zeolite",
    "polypropylene",
    "polylactide",
    "photovoltaic",
    "film",
    "cable",
    "silicone",
    "coating",
    "polyimide",
    "electronic",
    "biobased",
    "degradable",
    "nanoparticle",
    "composite",
    "lithium",
    "separator",
    "electrolyte",
    "graphene",
    "carbon",
    "fibre",
    "resin",
    "epoxy",
    "process",
    "reactor",
    "fluidised",
]
FIELDS = [
    "advanced_polymer",
    "special_chemicals",
    "electronic_chemicals",
    "biological_materials",
    "catalysis_process",
    "other",
]


def generate(count: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from members.models import Alliance, Membership, Organization
    from projects.models import Achievement, Inventor, IPItem

    existing = Achievement.objects.count()
    if existing >= count:
        print(f"{existing} achievements already generated")
        return
    rng = random.Random(2018)
    alliances = []
    for index in range(11):
        alliance, _ = Alliance.objects.get_or_create(
            slug=f"bench-{index}", defaults={"name": f"基准联盟{index}"}
        )
        alliances.append(alliance)
    organizations = []
    for index in range(300):
        organization, _ = Organization.objects.get_or_create(
            name=f"基准研究所{index}", defaults={"kind": "institute"}
        )
        organizations.append(organization)
        alliance = alliances[index % 11]
        Membership.objects.get_or_create(alliance=alliance, organization=organization)
    statuses = ["accepted"] * 6 + ["submitted", "draft", "returned", "rejected"]
    started = time.perf_counter()
    now = timezone.now()
    batch = 5000
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE projects_ipitem DISABLE TRIGGER projects_ipitem_search")
    try:
        for offset in range(existing, count, batch):
            rows = []
            for number in range(offset, min(count, offset + batch)):
                organization = rng.choice(organizations)
                zh = rng.sample(ZH_WORDS, 4)
                en = rng.sample(EN_WORDS, 4)
                status = rng.choice(statuses)
                rows.append(
                    Achievement(
                        organization=organization,
                        alliance=alliances[organizations.index(organization) % 11],
                        title=f"{zh[0]}{zh[1]}技术 {en[0]} {number}",
                        summary=f"一种{zh[2]}与{zh[3]}的制备方法。A {en[1]} {en[2]} for {en[3]}.",
                        field=rng.choice(FIELDS),
                        trl=rng.randint(1, 9),
                        status=status,
                        review_comment="请补充" if status == "returned" else "",
                        submitted_at=None if status == "draft" else now,
                    )
                )
            with transaction.atomic():
                created = Achievement.objects.bulk_create(rows)
                Inventor.objects.bulk_create(
                    Inventor(achievement=a, name="发明人", share=100) for a in created
                )
                IPItem.objects.bulk_create(
                    IPItem(
                        achievement=a, number=f"CN-B-{a.pk}", title=f"{rng.choice(ZH_WORDS)}专利"
                    )
                    for a in created
                )
            print(f"  {offset + len(rows)} / {count}", flush=True)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE projects_ipitem ENABLE TRIGGER projects_ipitem_search")
    with connection.cursor() as cursor:
        # Fold the IP titles in, once for all rows, then refresh the planner's statistics.
        cursor.execute("UPDATE projects_achievement SET title = title")
        cursor.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s")


def measure() -> None:
    from django.test import Client

    from projects.models import Achievement

    client = Client()

    def get(url, **params):
        def action():
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code
            if hasattr(response, "render"):
                response.render()

        return action

    total = Achievement.objects.count()
    public = Achievement.objects.public().count()
    rows = [
        ("achievements (public)", f"{total} ({public})"),
        ("catalogue search 烯烃 (page)", f"{median_ms(get('/catalogue/', q='烯烃')):.1f} ms"),
        ("catalogue search 聚乳酸 (page)", f"{median_ms(get('/catalogue/', q='聚乳酸')):.1f} ms"),
        (
            "catalogue search catalyst (page)",
            f"{median_ms(get('/catalogue/', q='catalyst')):.1f} ms",
        ),
        ("catalogue, no search (page)", f"{median_ms(get('/catalogue/')):.1f} ms"),
        ("API list page (20 rows)", f"{median_ms(get('/api/v1/achievements/')):.1f} ms"),
        (
            "API list page (100 rows)",
            f"{median_ms(get('/api/v1/achievements/', page_size=100)):.1f} ms",
        ),
        (
            "API search 甲醇 (20 rows)",
            f"{median_ms(get('/api/v1/achievements/', q='甲醇')):.1f} ms",
        ),
    ]
    report("Catalogue benchmark (median of 15 requests)", rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    setup_django()
    generate(args.count)
    measure()


if __name__ == "__main__":
    main()
