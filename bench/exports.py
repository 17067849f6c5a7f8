"""Benchmark: the exports against PostgreSQL's COPY of the same rows.

    .venv/bin/python bench/exports.py              # 100,000 organisations, memberships, deals
    .venv/bin/python bench/exports.py --million    # 1,000,000 of each

Generates the rows once (SQL, in the ``alliance_bench`` database, see bench/common.py), then
for each export reports its speed in rows/s through Django's full stack (the response
consumed as a browser would), the floor measured in the same run — PostgreSQL's
``COPY (the export's own SELECT) TO STDOUT`` read through psycopg into /dev/null — and the
ratio of the two, with the peak memory growth: Python's (tracemalloc, in a second run, as
tracing slows Python down) and the process's (RSS sampled by psutil). The background job
exports are measured first, in a fresh process, since RSS never shrinks: at a million rows
their growth must stay within 50 MB.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
import tracemalloc

import psutil
from common import report, setup_django

PREFIX = "导出单位"
MB = 1024 * 1024
LIMIT_MB = 50


def generate(count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from funds.models import Fund
    from members.models import Alliance, Organization

    existing = Organization.objects.filter(name__startswith=PREFIX).count()
    if existing >= count:
        print(f"{existing} export organisations already generated")
        return
    started = time.perf_counter()
    alliances = [
        Alliance.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"基准联盟{i}"})[0].pk
        for i in range(11)
    ]
    owner, _ = get_user_model().objects.get_or_create(username="bench-fund-manager")
    manager, _ = Organization.objects.get_or_create(
        name="导出基准基金管理人", defaults={"kind": "investor"}
    )
    fund, _ = Fund.objects.get_or_create(
        name="导出基准基金",
        defaults={"manager": manager, "target_size": 10**12, "vintage_year": 2020},
    )
    fund.team.add(owner)
    with transaction.atomic(), connection.cursor() as cursor:
        # Names with a comma, quotes or a line break now and then: CSV must quote them.
        cursor.execute(
            """
            INSERT INTO members_organization (created, updated, name, name_en, kind,
                credit_code, city, website)
            SELECT now(), now(),
                   %(prefix)s || n || CASE WHEN n %% 97 = 0 THEN ', "联合"' || chr(10) || '分部'
                                           ELSE '' END,
                   'Export unit ' || n,
                   (ARRAY['institute','university','enterprise','engineering_center',
                          'investor','other'])[1 + n %% 6],
                   '', (ARRAY['大连','长春','成都','广州','滕州'])[1 + n %% 5], ''
              FROM generate_series(%(start)s, %(stop)s - 1) AS n
            """,
            {"prefix": PREFIX, "start": existing, "stop": count},
        )
        cursor.execute(
            """
            INSERT INTO members_membership (created, updated, alliance_id, organization_id,
                role, status, withdrawal_reason, term_start, term_end, joined_on)
            SELECT now(), now(), (%(alliances)s::bigint[])[1 + o.id %% 11], o.id,
                   CASE WHEN o.id %% 10 = 0 THEN 'governing' ELSE 'member' END, 'active', '',
                   date '2024-01-01', date '2026-12-31', date '2024-01-01'
              FROM members_organization o
             WHERE o.name LIKE %(like)s
               AND NOT EXISTS (SELECT 1 FROM members_membership m WHERE m.organization_id = o.id)
            """,
            {"alliances": alliances, "like": f"{PREFIX}%"},
        )
        cursor.execute(
            """
            INSERT INTO funds_deal (created, updated, fund_id, company_id, source, owner_id,
                requested_amount, pre_money_valuation, currency, stage, stage_reason,
                resume_stage, stage_changed_at, average_score)
            SELECT now(), now(), %(fund)s, o.id,
                   (ARRAY['alliance','own','co_investor','other'])[1 + o.id %% 4], %(owner)s,
                   1000000 + o.id, 5000000, 'CNY',
                   (ARRAY['sourced','screening','due_diligence','committee'])[1 + o.id %% 4],
                   '', '', now() - (o.id %% 400) * interval '1 day', 3.50
              FROM members_organization o
             WHERE o.name LIKE %(like)s
               AND NOT EXISTS (SELECT 1 FROM funds_deal d WHERE d.company_id = o.id)
            """,
            {"fund": fund.pk, "owner": owner.pk, "like": f"{PREFIX}%"},
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"export data generated in {time.perf_counter() - started:.0f} s")


class RssPeak:
    """The process's peak resident memory while the block runs, sampled every 10 ms."""

    def __enter__(self):
        self.process = psutil.Process(os.getpid())
        self.start = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)
        self.growth = self.peak - self.start


def copy_floor(table) -> float:
    """Seconds PostgreSQL and psycopg take to COPY the export's SELECT to /dev/null."""
    import psycopg
    from django.db import connection

    connection.ensure_connection()
    statement = psycopg.ClientCursor(connection.connection).mogrify(
        f"COPY ({table.sql}) TO STDOUT WITH (FORMAT csv)", table.params or None
    )
    best = None
    for _ in range(2):
        started = time.perf_counter()
        with (
            open(os.devnull, "wb") as sink,
            connection.cursor() as cursor,
            cursor.copy(statement) as copy,
        ):
            for block in copy:
                sink.write(block)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def measure(action, rows: int):
    """(seconds, RSS growth, Python peak): timed without tracing, then traced once more."""
    with RssPeak() as rss:
        started = time.perf_counter()
        action()
        elapsed = time.perf_counter() - started
    tracemalloc.start()
    action()
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, rss.growth, python_peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="1,000,000 rows of each")
    parser.add_argument("--count", type=int, default=100_000, help="rows of each")
    args = parser.parse_args()
    count = 1_000_000 if args.million else args.count
    scratch = tempfile.mkdtemp(prefix="export-bench-")
    setup_django()
    from django.conf import settings

    # Job files on disk, as in production (the test settings keep them in memory).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": scratch},
        },
    }
    settings.EXPORT_TASK_ROWS = 10**9  # the direct exports stream; the jobs are run below
    generate(count)
    run(count)


def run(count: int) -> None:  # noqa: PLR0915 - one table of measurements
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from core import exports, jobs
    from funds.models import Fund
    from members import roles

    roles.ensure_role_groups()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-export-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    user.groups.add(Group.objects.get(name=roles.HOLDING_ANALYST))
    fund = Fund.objects.get(name="导出基准基金")
    client = Client()
    client.force_login(user)
    admin_fields = {
        f"membershipresource_{f}": "on"
        for f in (
            "alliance",
            "organization",
            "credit_code",
            "kind",
            "role",
            "status",
            "term_start",
            "term_end",
            "joined_on",
            "withdrawal_reason",
        )
    }
    org_fields = {
        f"organizationresource_{f}": "on"
        for f in ("name", "name_en", "kind", "credit_code", "parent", "city", "website")
    }
    # (label, kind, params, fmt, request) — the request answers the streamed response.
    cases = [
        (
            "organisation roles",
            "canal.organization_roles",
            {"query": ""},
            lambda fmt: client.get("/holding/organizations/", {"export": fmt}),
        ),
        (
            "deals table",
            "funds.deals",
            {"fund": fund.pk, "query": ""},
            lambda fmt: client.get(f"/funds/{fund.pk}/deals/", {"export": fmt}),
        ),
        (
            "admin memberships",
            "admin:members.membership",
            {"query": "", "resource": 0, "fields": [], "items": None},
            lambda fmt: client.post(
                "/admin/members/membership/export/",
                {"format": "0" if fmt == "csv" else "1", "resource": "0", **admin_fields},
            ),
        ),
        (
            "admin organisations",
            "admin:members.organization",
            {"query": "", "resource": 0, "fields": [], "items": None},
            lambda fmt: client.post(
                "/admin/members/organization/export/",
                {"format": "0" if fmt == "csv" else "1", "resource": "0", **org_fields},
            ),
        ),
    ]
    exports.build("canal.organization_roles", user, {})  # registers the admin kinds too
    results = []
    over_limit = []

    # 1. Background jobs first, while the process is fresh.
    for fmt in ("csv", "xlsx"):
        label, kind, params, _request = cases[2]
        table = exports.build(kind, user, params)
        rows = table.count()

        def job(kind=kind, params=params, fmt=fmt):
            created = jobs.create_job(
                user=user, kind=kind, title="bench", fmt=fmt, params=params, total=None
            )
            status = jobs.run_export(created.pk)
            assert status == "done", created
            created.refresh_from_db()
            created.file.storage.delete(created.file.name)

        elapsed, rss, python = measure(job, rows)
        floor = copy_floor(table)
        results.append((f"job: {label} {fmt.upper()}", rows, elapsed, floor, rss, python))
        if rss > LIMIT_MB * MB:
            over_limit.append(f"job {label} {fmt}: RSS +{rss / MB:.0f} MB")

    # 2. The streamed responses.
    for label, kind, params, request in cases:
        table = exports.build(kind, user, params)
        rows = table.count()
        floor = copy_floor(table)
        for fmt in ("csv", "xlsx"):

            def streamed(request=request, fmt=fmt):
                response = request(fmt)
                assert response.status_code == 200, response.status_code
                for _chunk in response.streaming_content:
                    pass
                response.close()

            elapsed, rss, python = measure(streamed, rows)
            results.append((f"{label} {fmt.upper()}", rows, elapsed, floor, rss, python))

    lines = [
        (
            label,
            f"{rows:>9,} rows  {rows / elapsed:>9,.0f} rows/s  floor {rows / floor:>9,.0f} rows/s"
            f"  ×{elapsed / floor:>5.1f}  RSS +{rss / MB:5.1f} MB  Python peak {python / MB:5.1f} MB",
        )
        for label, rows, elapsed, floor, rss, python in results
    ]
    report(f"Exports benchmark ({count:,} rows; floor = COPY of the same SELECT)", lines)
    print("\n| export | rows | rows/s | COPY floor rows/s | × floor | RSS growth | Python peak |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, rows, elapsed, floor, rss, python in results:
        print(
            f"| {label} | {rows:,} | {rows / elapsed:,.0f} | {rows / floor:,.0f} | "
            f"{elapsed / floor:.1f} | {rss / MB:.1f} MB | {python / MB:.1f} MB |"
        )
    if over_limit:
        raise SystemExit("over the memory limit: " + "; ".join(over_limit))


if __name__ == "__main__":
    main()
