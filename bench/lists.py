"""Benchmark: the API lists and searches against a floor written by hand.

    .venv/bin/python bench/lists.py             # 100,000 achievements (alliance_bench)
    .venv/bin/python bench/lists.py --million   # 1,000,000 achievements (alliance_bench_1m)

The data are bench/catalogue.py's and bench/canal.py's generators (achievements, 20,000
projects, 5,000 deals, 11 alliances), made once per database. For each list and search it
prints the median time of the request through Django's whole stack (the WSGI application
as gunicorn calls it: middleware, session, viewset, renderer), the median of the **floor** measured in the same
run, and their ratio. The floor is one psycopg connection running the fewest SQL
statements that produce the same JSON (same fields, same page, same count, same links),
encoded with orjson; the two are interleaved, and before timing, their JSON is compared:
a floor that does not answer the same is reported as such.

The floor of a logged-in request starts with one statement resolving the credential (the
session) to the user, their roles and their organisation: the answer depends on them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from catalogue import generate as generate_achievements
from catalogue import generate_in_sql
from common import BENCH_DATABASE, ENTERPRISES_AND_FUND, Server, setup_django

HERE = Path(__file__).resolve().parent
HOST = "http://testserver"
LIMIT = 10_000  # core.paging.COUNT_LIMIT
SIZE = 20


@dataclass
class Case:
    name: str
    url: str
    params: dict
    user: bool  # the analyst (else anonymous)
    floor: Any  # floor(conn, session_key) -> bytes, or None for an HTML page
    goal_ms: float | None = None


# --- data ------------------------------------------------------------------------------------


PIPELINE = (
    "SET session_replication_role = replica;"
    + ENTERPRISES_AND_FUND.format(manager="基准研究所0")
    + """
INSERT INTO projects_project (created, updated, title, stage, stage_reason, resume_stage,
       capacity_unit, started_on, pilot_started_on, industrialization_started_on,
       market_launched_on, achievement_id, enterprise_id)
SELECT a.created, a.created, '基准项目', 'pilot', '', '', 't/a', a.created::date,
       a.created::date, a.created::date, NULL, a.id, e.id
  FROM (SELECT id, created FROM projects_achievement WHERE status = 'accepted'
         ORDER BY id LIMIT 20000) a
  JOIN members_organization e ON e.name = '基准企业' || (a.id % 50);
INSERT INTO funds_deal (created, updated, source, requested_amount, currency, stage, stage_reason,
       resume_stage, stage_changed_at, company_id, owner_id, project_id, fund_id)
SELECT p.created + (p.id % 300) * interval '1 day', now(), 'alliance', 1000000, 'CNY',
       CASE WHEN p.id % 2 = 0 THEN 'invested' ELSE 'screening' END, '', '', p.created,
       p.enterprise_id, (SELECT id FROM auth_user WHERE username = 'bench-fund-manager'), p.id,
       (SELECT id FROM funds_fund WHERE name = '基准产业基金')
  FROM projects_project p WHERE p.title = '基准项目' AND p.id % 4 = 0;
SET session_replication_role = origin;
"""
)


def generate(count: int) -> None:
    """bench/catalogue.py's achievements (the first 100,000 by its Python generator, the
    rest in SQL), then 20,000 projects on accepted ones and 5,000 deals on those."""
    from django.db import connection

    from funds.models import Deal

    generate_achievements(min(count, 100_000))
    generate_in_sql(count)
    if not Deal.objects.exists():
        with connection.cursor() as cursor:
            cursor.execute(PIPELINE)
            cursor.execute("VACUUM ANALYZE")  # outside a transaction: on its own


def analyst():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from members import roles

    user, _ = get_user_model().objects.get_or_create(username="bench-analyst")
    if not user.groups.exists():
        roles.ensure_role_groups()
        user.groups.add(Group.objects.get(name=roles.HOLDING_ANALYST))
    return user


# --- the floor: hand-written SQL + orjson ----------------------------------------------------


def who(conn, session_key):
    """The one statement a hand-written endpoint needs to know who asks."""
    if session_key is None:
        return None
    return conn.execute(
        """
        SELECT s.session_data, u.id, u.is_superuser,
               ARRAY(SELECT g.name FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
                      WHERE ug.user_id = u.id),
               (SELECT c.organization_id FROM members_contact c WHERE c.user_id = u.id LIMIT 1)
          FROM django_session s, auth_user u
         WHERE s.session_key = %s AND s.expire_date > now() AND u.username = 'bench-analyst'
        """,
        [session_key],
    ).fetchone()


def links(path: str, query: dict, page: int, has_next: bool) -> tuple[str | None, str | None]:
    from urllib.parse import urlencode

    def url(number):
        params = {k: v for k, v in query.items() if k != "page"}
        if number != 1:
            params["page"] = number
        # As DRF writes them: the parameters sorted.
        return f"{HOST}{path}" + (f"?{urlencode(sorted(params.items()))}" if params else "")

    return (url(page + 1) if has_next else None), (url(page - 1) if page > 1 else None)


def paged(conn, *, path, query, keys_sql, rows_sql, count_sql, params, shape, ranked=None):
    """The page's keys with one more (has next), its rows, and the count when needed — in
    ONE statement: ``keys_sql`` gives ``(id, ord)`` in order, ``rows_sql`` reads ``page``.

    With ``ranked`` (a search), the capped count comes first and chooses the order: past
    the limit ``keys_sql`` (newest first), else ``ranked``; the branch not chosen is
    never run (a one-time filter on the count)."""
    page = int(query.get("page", 1))
    offset = (page - 1) * SIZE
    window = f"LIMIT {SIZE + 1} OFFSET {offset}"
    capped = f"SELECT count(*) AS n FROM ({count_sql} LIMIT {LIMIT + 1}) c"
    if ranked is not None:
        need_count = True
        sql = f"""
            WITH n AS MATERIALIZED ({capped}),
            page AS MATERIALIZED (
                SELECT k.*, row_number() OVER () AS ord FROM (
                    SELECT * FROM ({keys_sql} {window}) b WHERE (SELECT n FROM n) > {LIMIT}
                    UNION ALL
                    SELECT * FROM ({ranked} {window}) r WHERE (SELECT n FROM n) <= {LIMIT}
                ) k)
            SELECT (SELECT n FROM n), r.* FROM ({rows_sql}) r ORDER BY r.ord
        """
    else:
        need_count = offset + SIZE + 1 <= LIMIT  # past that the count is "more than 10,000"
        count = f"({capped})" if need_count else "NULL"
        sql = f"""
            WITH page AS MATERIALIZED (
                SELECT k.*, row_number() OVER () AS ord FROM ({keys_sql} {window}) k)
            SELECT {count}, r.* FROM ({rows_sql}) r ORDER BY r.ord
        """
    fetched = conn.execute(sql, params).fetchall()
    has_next = len(fetched) > SIZE
    fetched = fetched[:SIZE]
    if not has_next:
        total, estimate = offset + len(fetched), False
    elif need_count:
        counted = fetched[0][0]
        total, estimate = min(counted, LIMIT), counted > LIMIT
    else:
        total, estimate = LIMIT, True
    following, previous = links(path, query, page, has_next)
    return orjson.dumps(
        {
            "count": total,
            "count_is_estimate": estimate,
            "next": following,
            "previous": previous,
            "results": [shape(row[1:]) for row in fetched],
        }
    )


def shown_fields(serializer_path: str) -> list[str]:
    """The fields a list shows, in the serializer's order: the one declaration of them."""
    from django.utils.module_loading import import_string

    serializer = import_string(serializer_path)()
    return [name for name, field in serializer.fields.items() if not field.write_only]


def select(serializer_path: str, columns: dict[str, str]) -> tuple[list[str], str]:
    """The serializer's fields and the SQL reading them (``columns``: field -> expression),
    in the serializer's order; a field the floor does not read is an error, not a gap."""
    fields = shown_fields(serializer_path)
    if set(fields) != set(columns):
        raise SystemExit(
            f"{serializer_path}: the floor reads {sorted(set(columns) - set(fields))} "
            f"but not {sorted(set(fields) - set(columns))}"
        )
    return fields, ", ".join(columns[name] for name in fields)


ACHIEVEMENT_COLUMNS = {
    "mailing": "NULL",
    "id": "a.id",
    "title": "a.title",
    "summary": "a.summary",
    "confidential_details": "{confidential}",
    "is_confidential": "a.is_confidential",
    "field": "a.field",
    "alliance": "a.alliance_id",
    "alliance_name": "al.name",
    "organization": "a.organization_id",
    "organization_name": "o.name",
    "trl": "a.trl",
    "trl_justification": "a.trl_justification",
    "cooperation": "a.cooperation",
    "inventors": "{inventors}",
    "ip_items": "{ip_items}",
    "attachments": "{attachments}",
    "status": "a.status",
    "submitted_at": "a.submitted_at",
    "decided_at": "a.decided_at",
    "review_comment": "a.review_comment",
    "created": "a.created",
    "updated": "a.updated",
}
ACHIEVEMENT_FROM = """
      FROM page JOIN projects_achievement a ON a.id = page.id
      JOIN members_alliance al ON al.id = a.alliance_id
      JOIN members_organization o ON o.id = a.organization_id
"""
NESTED = {
    "inventors": """
    (SELECT coalesce(json_agg(json_build_object('name', i.name, 'organization', i.organization,
            'share', i.share::text) ORDER BY i.share DESC, i.id), '[]')
       FROM projects_inventor i WHERE i.achievement_id = a.id)""",
    "ip_items": """
    (SELECT coalesce(json_agg(json_build_object('number', p.number, 'title', p.title,
            'jurisdiction', p.jurisdiction, 'legal_status', p.legal_status,
            'filed_on', p.filed_on) ORDER BY p.filed_on, p.id), '[]')
       FROM projects_ipitem p WHERE p.achievement_id = a.id)""",
    "attachments": """
    (SELECT coalesce(json_agg(json_build_object('id', f.id, 'name', f.name,
            'content_type', f.content_type, 'size', f.size, 'created', f.created,
            'url', 'http://testserver/achievements/' || a.id || '/attachments/' || f.id || '/')
            ORDER BY f.created, f.id), '[]')
       FROM projects_attachment f WHERE f.achievement_id = a.id)""",
}
ACHIEVEMENT_KEYS = {
    False: "SELECT id FROM projects_achievement WHERE status = 'accepted' AND NOT is_confidential",
    # The analyst reads every achievement but the drafts (public ones are never drafts).
    True: "SELECT id FROM projects_achievement WHERE status <> 'draft'",
}


def achievements(path, query, *, analyst_reads: bool, search: str | None = None):
    from projects.search import cjk_query_tokens

    fields, columns = select("projects.api.serializers.AchievementSerializer", ACHIEVEMENT_COLUMNS)
    columns = columns.format(
        confidential="a.confidential_details" if analyst_reads else "NULL",
        **{name: sql if analyst_reads else "NULL" for name, sql in NESTED.items()},
    )
    rows = f"SELECT {columns}, page.ord {ACHIEVEMENT_FROM}"

    def floor(conn, session_key):
        if analyst_reads:
            who(conn, session_key)
        keys = ACHIEVEMENT_KEYS[analyst_reads]
        params: dict = {}
        order = "ORDER BY created DESC, id DESC"
        ranked = None
        if search:
            # projects.search: CJK bigrams through 'simple', the rest through 'english'.
            tokens = " ".join(cjk_query_tokens(search))
            tsquery = (
                "plainto_tsquery('simple', %(q)s)"
                if tokens
                else "plainto_tsquery('english', %(q)s)"
            )
            params["q"] = tokens or search
            match = f"search_vector @@ {tsquery}"
            rank = f"ts_rank(search_vector, {tsquery})"
            if analyst_reads:
                # The analyst reads the confidential fields of every row listed, so also
                # finds a row by them (the private vector), ranked by both vectors.
                match = f"({match} OR private_search_vector @@ {tsquery})"
                rank = f"{rank} + ts_rank(private_search_vector, {tsquery})"
            keys = f"{keys} AND {match}"
            # Past 10,000 matches newest first (``order``), else ranked.
            ranked = f"{keys} ORDER BY {rank} DESC, id DESC"
        return paged(
            conn,
            path=path,
            query=query,
            keys_sql=f"{keys} {order}",
            rows_sql=rows,
            count_sql=keys,
            params=params,
            shape=lambda row: dict(zip(fields, row, strict=False)),
            ranked=ranked,
        )

    return floor


def organizations(path, query, *, analyst_reads: bool):
    columns = {
        "id": "o.id",
        "name": "o.name",
        "name_en": "o.name_en",
        "kind": "o.kind",
        "credit_code": "o.credit_code",
        "parent": "o.parent_id",
        "city": "o.city",
        "website": "o.website",
        "created": "o.created",
        "updated": "o.updated",
    }
    where = (
        ""
        if analyst_reads
        else "WHERE EXISTS (SELECT 1 FROM members_membership m WHERE m.organization_id = o.id "
        "AND m.status = 'active')"
    )

    fields, select_list = select("members.api.serializers.OrganizationSerializer", columns)

    def floor(conn, session_key):
        if analyst_reads:
            who(conn, session_key)
        return paged(
            conn,
            path=path,
            query=query,
            keys_sql=f"SELECT o.id FROM members_organization o {where} ORDER BY o.name",
            rows_sql=f"""SELECT {select_list}, page.ord
                          FROM page JOIN members_organization o ON o.id = page.id""",
            count_sql=f"SELECT 1 FROM members_organization o {where}",
            params={},
            shape=lambda row: dict(zip(fields, row, strict=False)),
        )

    return floor


def memberships(path, query, *, analyst_reads: bool):
    columns = {
        "mailing": "NULL",
        "id": "m.id",
        "alliance": "m.alliance_id",
        "alliance_name": "al.name",
        "organization": "m.organization_id",
        "organization_name": "o.name",
        "role": "m.role",
        "status": "m.status",
        "term_start": "m.term_start",
        "term_end": "m.term_end",
        "joined_on": "m.joined_on",
        "withdrawal_reason": "m.withdrawal_reason",
        "created": "m.created",
        "updated": "m.updated",
    }
    where = "" if analyst_reads else "WHERE m.status = 'active'"

    fields, select_list = select("members.api.serializers.MembershipSerializer", columns)

    def floor(conn, session_key):
        if analyst_reads:
            who(conn, session_key)
        return paged(
            conn,
            path=path,
            query=query,
            keys_sql=f"""SELECT m.id FROM members_membership m
                JOIN members_alliance al ON al.id = m.alliance_id
                JOIN members_organization o ON o.id = m.organization_id
                {where} ORDER BY al.name, m.role, o.name""",
            rows_sql=f"""SELECT {select_list}, page.ord
                          FROM page JOIN members_membership m ON m.id = page.id
                          JOIN members_alliance al ON al.id = m.alliance_id
                          JOIN members_organization o ON o.id = m.organization_id""",
            count_sql=f"SELECT 1 FROM members_membership m {where}",
            params={},
            shape=lambda row: dict(zip(fields, row, strict=False)),
        )

    return floor


def deals(path, query):
    columns = {
        "id": "d.id",
        "fund": "d.fund_id",
        "company": "d.company_id",
        "company_name": "c.name",
        "project": "d.project_id",
        "source": "d.source",
        "owner": "d.owner_id",
        "requested_amount": "d.requested_amount::text",
        "pre_money_valuation": "d.pre_money_valuation::text",
        "currency": "d.currency",
        "stage": "d.stage",
        "stage_reason": "d.stage_reason",
        "days_in_stage": "floor(extract(epoch FROM now() - d.stage_changed_at) / 86400)::int",
        "average_score": "d.average_score::text",
        "created": "d.created",
        "updated": "d.updated",
    }

    fields, select_list = select("funds.api.serializers.DealSerializer", columns)

    def floor(conn, session_key):
        who(conn, session_key)
        return paged(
            conn,
            path=path,
            query=query,
            keys_sql="SELECT id FROM funds_deal ORDER BY created DESC, id DESC",
            rows_sql=f"""SELECT {select_list}, page.ord
                          FROM page JOIN funds_deal d ON d.id = page.id
                          JOIN members_organization c ON c.id = d.company_id""",
            count_sql="SELECT 1 FROM funds_deal",
            params={},
            shape=lambda row: dict(zip(fields, row, strict=False)),
        )

    return floor


# --- the cases -------------------------------------------------------------------------------


def cases(million: bool) -> list[Case]:
    ach = "/api/v1/achievements/"
    found = []

    def add(name, url, params, user, floor, goal_ms=None):
        found.append(Case(name, url, params, user, floor, goal_ms))

    for page in (1, 1000):
        query = {"page": page} if page > 1 else {}
        add(
            f"achievements, public, page {page}",
            ach,
            query,
            False,
            achievements(ach, query, analyst_reads=False),
        )
        add(
            f"achievements, analyst, page {page}",
            ach,
            query,
            True,
            achievements(ach, query, analyst_reads=True),
            goal_ms=100,
        )
    for term, goal in (("烯烃", 120), ("聚乳酸", 120), ("catalyst", 120), ("甲醇制烯烃", 15)):
        query = {"q": term}
        add(
            f"achievements, public, q={term}",
            ach,
            query,
            False,
            achievements(ach, query, analyst_reads=False, search=term),
            goal_ms=goal,
        )
    add(
        "achievements, analyst, q=烯烃",
        ach,
        {"q": "烯烃"},
        True,
        achievements(ach, {"q": "烯烃"}, analyst_reads=True, search="烯烃"),
        goal_ms=120,
    )
    for name, floor_of, url in (
        ("organizations", organizations, "/api/v1/organizations/"),
        ("memberships", memberships, "/api/v1/memberships/"),
    ):
        for user in (False, True):
            add(
                f"{name}, {'analyst' if user else 'public'}, page 1",
                url,
                {},
                user,
                floor_of(url, {}, analyst_reads=user),
            )
    for page in (1, 200):
        query = {"page": page} if page > 1 else {}
        add(
            f"deals, analyst, page {page}",
            "/api/v1/deals/",
            query,
            True,
            deals("/api/v1/deals/", query),
        )
    add("catalogue page, q=烯烃 (HTML)", "/catalogue/", {"q": "烯烃"}, False, None, 120)
    add("catalogue page, no search (HTML)", "/catalogue/", {}, False, None, 120)
    return found


# --- measuring -------------------------------------------------------------------------------


def measure(million: bool, repeat: int, only: str | None) -> None:
    import psycopg
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    conn = psycopg.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )
    # Datetimes come back in the portal's time zone, as the API shows them.
    conn.execute(f"SET TIME ZONE '{settings.TIME_ZONE}'")
    public, logged_in = Server(), Server()
    logged_in.login(analyst())
    session_key = logged_in.session_key
    connection.close()

    print(f"\nLists and searches ({'1,000,000' if million else '100,000'} achievements)")
    print(f"{'':44} {'median':>9} {'floor':>9} {'× floor':>8}  goal")
    missed = []
    for case in cases(million):
        if only and only not in case.name:
            continue
        client = logged_in if case.user else public

        def project(case=case, client=client):
            status, content = client.get(case.url, case.params)
            assert status == 200, (case.name, status)
            return content

        def floor(case=case, conn=conn):
            return case.floor(conn, session_key if case.user else None)

        same = ""
        statements = []
        # Counted by a wrapper: the request's start empties connection.queries.
        with connection.execute_wrapper(
            lambda run, sql, *rest, seen=statements: seen.append(sql) or run(sql, *rest)
        ):
            answered = project()
        counted = Counted(conn)
        if case.floor is not None:
            expected = orjson.loads(answered)
            got = orjson.loads(case.floor(counted, session_key if case.user else None))
            if expected != got:
                same = "  FLOOR DIFFERS: " + first_difference(expected, got)
        mine, theirs, mine_cpu, theirs_cpu = [], [], [], []
        for _ in range(2):
            project()
            if case.floor is not None:
                floor()
        for _ in range(repeat):
            started, cpu = time.perf_counter(), time.process_time()
            project()
            mine.append((time.perf_counter() - started) * 1000)
            mine_cpu.append((time.process_time() - cpu) * 1000)
            if case.floor is not None:
                started, cpu = time.perf_counter(), time.process_time()
                floor()
                theirs.append((time.perf_counter() - started) * 1000)
                theirs_cpu.append((time.process_time() - cpu) * 1000)
        median = statistics.median(mine)
        result = Result(
            case,
            median,
            statistics.median(theirs) if theirs else None,
            statistics.median(mine_cpu),
            statistics.median(theirs_cpu) if theirs_cpu else None,
            len(statements),
            counted.statements,
            bool(settings.DATABASES["default"].get("CONN_HEALTH_CHECKS")),
        )
        if theirs:
            ratio = median / result.floor
            verdict = "ok" if ratio <= 2.0 else f"MISSED by {ratio / 2.0:.1f}×"
            line = f"{result.floor:8.1f}  {ratio:7.1f}×  ≤ 2.0× {verdict}"
        else:
            line = f"{'—':>9} {'—':>8}"
        if case.goal_ms is not None:
            status = "ok" if median <= case.goal_ms else "MISSED"
            line += f"; ≤ {case.goal_ms:.0f} ms {status}"
        if "MISSED" in line:
            missed.append(result)
        print(f"  {case.name:42} {median:8.1f}  {line}{same}", flush=True)
    conn.close()
    if missed:
        print("\nWhere a goal is missed, by how much and why:")
        for result in missed:
            print(f"  {result.case.name}: {result.why()}")


@dataclass
class Result:
    case: Case
    median: float
    floor: float | None
    cpu: float  # this process's CPU time per request: Django's own work
    floor_cpu: float | None
    statements: int
    floor_statements: int
    health_check: bool  # Django's SELECT 1 on a reused connection, once per request

    def why(self) -> str:
        said = []
        if self.floor is not None and self.median > 2 * self.floor:
            checked = " (plus the reused connection's health check, SELECT 1)"
            said.append(
                f"{self.median / self.floor / 2:.1f}× over 2× the floor: {self.statements} "
                f"statements against the floor's {self.floor_statements}"
                f"{checked if self.health_check else ''}, and "
                f"{self.cpu:.1f} ms of Python per request (middleware, view, "
                f"ORM compiling the statements, rendering) against the floor's "
                f"{self.floor_cpu:.1f} ms"
            )
        goal = self.case.goal_ms
        if goal is not None and self.median > goal:
            cause = (
                f"the hand-written floor alone takes {self.floor:.1f} ms"
                if self.floor is not None and self.floor > goal / 2
                else f"{self.cpu:.1f} ms of it is Python"
            )
            said.append(f"{self.median - goal:.1f} ms over {goal:.0f} ms: {cause}")
        return "; ".join(said)


class Counted:
    """A psycopg connection that counts the statements it runs."""

    def __init__(self, conn):
        self.conn, self.statements = conn, 0

    def execute(self, *args, **kwargs):
        self.statements += 1
        return self.conn.execute(*args, **kwargs)


def first_difference(expected, got, path="") -> str:
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in expected.keys() | got.keys():
            if expected.get(key, "<missing>") != got.get(key, "<missing>"):
                return first_difference(
                    expected.get(key, "<missing>"), got.get(key, "<missing>"), f"{path}.{key}"
                )
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        for index, (a, b) in enumerate(zip(expected, got, strict=True)):
            if a != b:
                return first_difference(a, b, f"{path}[{index}]")
    return f"{path}: {str(expected)[:60]} != {str(got)[:60]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="1,000,000 achievements")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", help="run the cases whose name contains this")
    args = parser.parse_args()
    count = 1_000_000 if args.million else 100_000
    setup_django(f"{BENCH_DATABASE}_1m" if args.million else BENCH_DATABASE)
    generate(count)
    measure(args.million, args.repeat, args.only)


if __name__ == "__main__":
    main()
