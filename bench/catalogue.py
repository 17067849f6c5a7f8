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
        # Fold the IP titles in, once for all rows, then clear the dead rows that update
        # left (without it the visibility map is empty: no index-only scan, and every
        # search reads the heap) and refresh the planner's statistics.
        cursor.execute("UPDATE projects_achievement SET title = title")
        cursor.execute("VACUUM ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s")


def generate_in_sql(count: int) -> None:
    """The achievements past the first 100,000 (made by ``generate``), each with an
    inventor and a patent, by INSERT ... SELECT over ``generate_series``: the same
    vocabulary, fields, statuses and owners as ``generate``, drawn by the database
    (``setseed``), the search vector written as the trigger writes it, newest last.
    A million rows take minutes this way, where ``generate`` takes an hour."""
    from django.db import connection, transaction

    from projects.models import Achievement

    generate(min(count, 100_000))
    existing = Achievement.objects.count()
    if existing >= count:
        return
    started = time.perf_counter()
    triggers = [
        ("projects_achievement", "projects_achievement_search"),
        ("projects_achievement", "projects_achievement_shares_sum_100"),
        ("projects_ipitem", "projects_ipitem_search"),
        ("projects_inventor", "projects_inventor_shares_sum_100"),
    ]

    def pick(size: int) -> str:
        return f"(1 + floor(random() * {size}))::int"

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for table, trigger in triggers:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
            cursor.execute("SELECT setseed(0.2018)")
            cursor.execute("SELECT coalesce(max(id), 0) FROM projects_achievement")
            base = cursor.fetchone()[0] - existing + 1  # the id of number n is base + n
            cursor.execute(
                f"""
                CREATE TEMP TABLE drawn ON COMMIT DROP AS
                SELECT n, %(base)s + n AS id, o.id AS organization_id, al.id AS alliance_id,
                       w.zh, w.en, r.field, r.trl, r.status, r.patent
                  FROM generate_series(%(start)s, %(stop)s) AS n
                 CROSS JOIN LATERAL (
                       SELECT {pick(300)} - 1 + 0 * n AS k,
                              {pick(29)} AS zh0, {pick(28)} AS zh_step,
                              {pick(28)} AS en0, {pick(27)} AS en_step,
                              (ARRAY['advanced_polymer', 'special_chemicals',
                                     'electronic_chemicals', 'biological_materials',
                                     'catalysis_process', 'other'])[{pick(6)}] AS field,
                              {pick(9)} AS trl,
                              (ARRAY['accepted', 'accepted', 'accepted', 'accepted', 'accepted',
                                     'accepted', 'submitted', 'draft', 'returned', 'rejected'])
                                  [{pick(10)}] AS status,
                              (%(zh)s::text[])[{pick(len(ZH_WORDS))}] AS patent) r
                 CROSS JOIN LATERAL (
                       -- Four different words: 29 Chinese words (a prime) walked by any step,
                       -- 28 English ones by an odd step, which 4 steps never bring back.
                       SELECT ARRAY(SELECT (%(zh)s::text[])[1 + (r.zh0 + i * r.zh_step) %% 29]
                                      FROM generate_series(0, 3) AS i) AS zh,
                              ARRAY(SELECT (%(en)s::text[])[1 + (r.en0 + i * (r.en_step | 1)) %% 28]
                                      FROM generate_series(0, 3) AS i) AS en) w
                  JOIN members_organization o ON o.name = '基准研究所' || r.k
                  JOIN members_alliance al ON al.slug = 'bench-' || (r.k %% 11)
                """,
                {
                    "zh": ZH_WORDS,
                    "en": EN_WORDS,
                    "start": existing,
                    "stop": count - 1,
                    "base": base,
                },
            )
            cursor.execute(
                """
                INSERT INTO projects_achievement (id, created, updated, organization_id,
                    alliance_id, title, summary, confidential_details, is_confidential, field,
                    trl, trl_justification, cooperation, status, submitted_at, review_comment,
                    search_vector)
                SELECT id, now() + n * interval '1 millisecond', now(), organization_id,
                       alliance_id, title, summary, '', false, field, trl, '', '{}', status,
                       CASE WHEN status <> 'draft' THEN now() END,
                       CASE WHEN status = 'returned' THEN '请补充' ELSE '' END,
                       projects_weighted_vector(title, 'A')
                       || projects_weighted_vector(summary, 'B')
                       || projects_weighted_vector('CN-B-' || id || ' ' || patent || '专利', 'C')
                  FROM (SELECT d.*, zh[1] || zh[2] || '技术 ' || en[1] || ' ' || n AS title,
                               '一种' || zh[3] || '与' || zh[4] || '的制备方法。A ' || en[2]
                               || ' ' || en[3] || ' for ' || en[4] || '.' AS summary
                          FROM drawn d) d
                """
            )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('projects_achievement', 'id'), max(id)) "
                "FROM projects_achievement"
            )
            cursor.execute(
                """
                INSERT INTO projects_inventor (name, organization, share, achievement_id)
                SELECT '发明人', '', 100, id FROM drawn
                """
            )
            cursor.execute(
                """
                INSERT INTO projects_ipitem (number, title, jurisdiction, legal_status,
                    achievement_id)
                SELECT 'CN-B-' || id, patent || '专利', 'CN', 'filed', id FROM drawn
                """
            )
    finally:
        # After the commit: the deferred foreign-key checks are pending until then.
        with connection.cursor() as cursor:
            for table, trigger in triggers:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"{count - existing} achievements generated in {time.perf_counter() - started:.0f} s")


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
