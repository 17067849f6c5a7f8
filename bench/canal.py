"""Benchmark: the canal dashboard at 10,000, 100,000 and (with --million) 1,000,000 achievements.

    .venv/bin/python bench/canal.py [--million] [--sizes 10000,100000]

Each size lives in its own database (``alliance_bench_canal_<size>``), generated once in SQL
(11 alliances, 300 institutes of which two thirds under one academy, 50 enterprises; every
achievement submitted, three quarters accepted, a quarter of those piloted, and so on down
the canal to deals, investments and exits, at dates weeks to years apart), then the canal is
rebuilt from that history (``projects.hops.rebuild``, timed).

For each filter (none, an alliance, an organisation with its subordinate units, a field, a
year, and all four at once) it reports the median and 90th percentile of ``GET /canal/`` and
of ``GET /api/v1/canal/`` through Django's whole stack, the **floor** — the two hand-written
SQL statements that read the same histogram tables for the same filter, timed in the same
run on a plain psycopg connection — and their ratio; then how the median grows with size.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from common import ENTERPRISES_AND_FUND, ROOT, p90, report, samples_ms, setup_django

SIZES = [10_000, 100_000]
MILLION = 1_000_000

GENERATE = (
    """
SET session_replication_role = replica;
INSERT INTO members_alliance (created, updated, name, name_en, slug, city, focus_fields, description)
SELECT now(), now(), '基准联盟' || n, '', 'bench-' || n, '', '', ''
  FROM generate_series(0, 10) n;
INSERT INTO members_organization (created, updated, name, name_en, kind, credit_code, city, website)
VALUES (now(), now(), '基准科学院', '', 'other', '', '', '');
INSERT INTO members_organization (created, updated, name, name_en, kind, credit_code, city, website,
                                  parent_id)
SELECT now(), now(), '基准研究所' || n, '', 'institute', '', '', '',
       CASE WHEN n % 3 <> 0 THEN (SELECT id FROM members_organization WHERE name = '基准科学院') END
  FROM generate_series(0, 299) n;
"""
    + ENTERPRISES_AND_FUND.format(manager="基准科学院")
    + """

CREATE TEMP TABLE g AS
SELECT n, ((n * 2654435761::bigint) % 1000003)::int AS h,
       date '2018-01-01' + ((n * 7919) % 2900)::int AS submitted
  FROM generate_series(1::bigint, %(size)s) n;
INSERT INTO projects_achievement (created, updated, title, summary, confidential_details,
       is_confidential, field, trl, trl_justification, cooperation, status, submitted_at,
       decided_at, review_comment, alliance_id, organization_id)
SELECT g.submitted, g.submitted, '基准成果' || g.n, '', '', false,
       (ARRAY['advanced_polymer', 'special_chemicals', 'electronic_chemicals',
              'biological_materials', 'catalysis_process', 'other'])[1 + g.h % 6],
       1 + g.h % 9, '', '{}', CASE WHEN g.h % 4 = 0 THEN 'submitted' ELSE 'accepted' END,
       g.submitted, NULL, '', a.id, o.id
  FROM g
  JOIN members_alliance a ON a.slug = 'bench-' || (g.n % 11)
  JOIN members_organization o ON o.name = '基准研究所' || (g.n % 300)
 ORDER BY g.n;
CREATE TEMP TABLE ach AS
SELECT a.id, ((a.id * 2654435761::bigint) % 1000003)::int AS h, a.created::date AS submitted, a.status
  FROM projects_achievement a WHERE a.title LIKE '基准成果%%';
INSERT INTO projects_inventor (achievement_id, name, organization, share)
SELECT id, '发明人', '', 100 FROM ach;
INSERT INTO projects_achievementevent (achievement_id, from_status, to_status, at, comment)
SELECT id, 'draft', 'submitted', submitted + time '10:00', '' FROM ach;
INSERT INTO projects_achievementevent (achievement_id, from_status, to_status, at, comment)
SELECT id, 'submitted', 'accepted', submitted + (14 + h % 80) + time '10:00', ''
  FROM ach WHERE status = 'accepted';
CREATE TEMP TABLE proj AS
SELECT id AS achievement_id, h, submitted + (14 + h % 80) + (30 + h % 270) AS pilot
  FROM ach WHERE status = 'accepted' AND h % 3 = 0;
INSERT INTO projects_project (created, updated, title, stage, stage_reason, resume_stage,
       capacity_unit, started_on, pilot_started_on, industrialization_started_on,
       market_launched_on, achievement_id, enterprise_id)
SELECT p.pilot, p.pilot, '基准项目', 'pilot', '', '', 't/a', p.pilot, p.pilot,
       CASE WHEN p.h % 2 = 0 THEN p.pilot + 150 + p.h % 550 END,
       CASE WHEN p.h % 4 = 0 THEN p.pilot + 150 + p.h % 550 + 90 + p.h % 360 END,
       p.achievement_id, e.id
  FROM proj p JOIN members_organization e ON e.name = '基准企业' || (p.h % 50);
INSERT INTO funds_deal (created, updated, source, requested_amount, currency, stage, stage_reason,
       resume_stage, company_id, owner_id, project_id, fund_id)
SELECT p.industrialization_started_on + (30 + p.id % 270)::int, now(), 'alliance', 1000000, 'CNY',
       CASE WHEN p.id % 2 = 0 THEN 'invested' ELSE 'screening' END, '', '', p.enterprise_id,
       (SELECT id FROM auth_user WHERE username = 'bench-fund-manager'), p.id,
       (SELECT id FROM funds_fund WHERE name = '基准产业基金')
  FROM projects_project p
 WHERE p.title = '基准项目' AND p.industrialization_started_on IS NOT NULL AND p.id % 5 < 2;
INSERT INTO funds_investment (created, updated, amount, invested_on, instrument, deal_id, fund_id)
SELECT now(), now(), 1000000, d.created::date + (60 + d.id % 140)::int, 'equity', d.id, d.fund_id
  FROM funds_deal d WHERE d.stage = 'invested';
INSERT INTO funds_exit (created, updated, exited_on, kind, proceeds, investment_id)
SELECT now(), now(), i.invested_on + (400 + i.id % 1100)::int, 'trade_sale', 2500000, i.id
  FROM funds_investment i WHERE i.id % 3 = 0;
SET session_replication_role = origin;
"""
)

# The floor: what the dashboard reads, written by hand (the same two index lookups).
FLOOR = [
    "SELECT hop, days, prior, sum(count) FROM projects_canalcell WHERE alliance_id = ANY(%s) "
    "AND organization_id = %s AND field = %s AND cohort = %s GROUP BY hop, days, prior",
    "SELECT hop, year, sum(count) FROM projects_canalyearcell WHERE alliance_id = ANY(%s) "
    "AND organization_id = %s AND field = %s AND cohort = %s GROUP BY hop, year",
]


def generate(size: int) -> float | None:
    """Generate the data once; answer the seconds the canal's rebuild took (None: existed)."""
    from django.db import connection

    from projects import hops
    from projects.models import Achievement

    if Achievement.objects.exists():
        return None
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(GENERATE.replace("%(size)s", str(size)).replace("%%", "%"))
    print(f"  {size} achievements generated in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    hops.rebuild()
    rebuilt = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return rebuilt


def _filters() -> dict[str, dict]:
    from members.models import Alliance, Organization

    alliance = Alliance.objects.get(slug="bench-3").pk
    academy = Organization.objects.get(name="基准科学院").pk
    return {
        "none": {},
        "alliance": {"alliance": alliance},
        "organisation + subordinates": {"organization": academy},
        "field": {"field": "advanced_polymer"},
        "year": {"year": 2021},
        "all four": {
            "alliance": alliance,
            "organization": academy,
            "field": "advanced_polymer",
            "year": 2021,
        },
    }


def _floor_action(params: dict):
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    conn = psycopg.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    args = [
        [params["alliance"]] if params.get("alliance") else [0],
        params.get("organization") or 0,
        params.get("field") or "",
        params.get("year") or 0,
    ]

    def action():
        with conn.cursor() as cursor:
            for sql in FLOOR:
                cursor.execute(sql, args)
                cursor.fetchall()

    return action


def measure_one(size: int) -> dict:
    """Run in a child process on the size's own database; answer the figures as a dict."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from members import roles

    rebuilt = generate(size)
    analyst, _ = get_user_model().objects.get_or_create(username="bench-analyst")
    roles.ensure_role_groups()
    analyst.groups.add(Group.objects.get(name=roles.HOLDING_ANALYST))
    client = Client()
    client.force_login(analyst)

    def get(url, params):
        def action():
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code

        return action

    results = {"size": size, "rebuild_s": rebuilt, "filters": {}}
    for name, params in _filters().items():
        page = get("/canal/", params)
        api = get("/api/v1/canal/", params)
        floor = _floor_action(params)
        page_times, api_times = samples_ms(page, repeat=15), samples_ms(api, repeat=15)
        results["filters"][name] = {
            "page": (statistics.median(page_times), p90(page_times)),
            "api": (statistics.median(api_times), p90(api_times)),
            "floor": statistics.median(samples_ms(floor, repeat=21)),
        }
    return results


def _child(size: int) -> dict:
    env = dict(os.environ, BENCH_DATABASE=f"alliance_bench_canal_{size}")
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(size)],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    sys.stdout.write("".join(line + "\n" for line in output.stdout.splitlines()[:-1]))
    return json.loads(output.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="also measure 1,000,000")
    parser.add_argument("--sizes", help="comma-separated sizes instead of 10,000 and 100,000")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        setup_django()
        print(json.dumps(measure_one(args.child)))
        return
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(SIZES)
    if args.million:
        sizes.append(MILLION)
    runs = []
    for size in sizes:
        print(f"{size} achievements…", flush=True)
        runs.append(_child(size))
    for run in runs:
        rows = []
        if run["rebuild_s"] is not None:
            rows.append(("rebuild_canal (from the history)", f"{run['rebuild_s']:.1f} s"))
        for name, figures in run["filters"].items():
            page, api, floor = figures["page"], figures["api"], figures["floor"]
            rows.append(
                (
                    f"filter: {name}",
                    f"/canal/ {page[0]:6.1f} ms (p90 {page[1]:6.1f})   "
                    f"API {api[0]:6.1f} ms (p90 {api[1]:6.1f})   "
                    f"floor {floor:5.2f} ms   ratio {page[0] / floor:5.0f}×",
                )
            )
        report(f"Canal at {run['size']:,} achievements (medians, ms)", rows)
    if len(runs) > 1:
        rows = []
        first = runs[0]
        for name in first["filters"]:
            cells = []
            for run in runs:
                median = run["filters"][name]["page"][0]
                growth = median / first["filters"][name]["page"][0]
                cells.append(f"{run['size']:>9,}: {median:6.1f} ms (×{growth:4.2f})")
            rows.append((f"/canal/ {name}", "   ".join(cells)))
        report("How the page's median grows with the number of achievements", rows)


if __name__ == "__main__":
    main()
