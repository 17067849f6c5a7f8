"""The canal dashboard: how achievements flow through the three chains, by the database.

Two queries, whatever the number of achievements:

* the **funnel**: for each hop, how many achievements passed through it (reached it or a
  later hop: an achievement industrialized without a recorded pilot still passed the pilot
  stage), the conversion from the hop before, and the median and 90th-percentile days the
  hop took, over the achievements with both dates;
* the **timeline**: how many achievements reached each hop, per calendar year.

A hop's date follows the thread's rules (``alliance.canal``): submitted = the first
submission, accepted = the acceptance, pilot / industrialization / market = the dates of the
achievement's first project, deal = the first deal sourced from one of its projects,
invested = the first investment, exited = the first exit. A hop's days run from the latest
earlier hop reached; a hop that began before it takes 0 days. Drafts are not in the canal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from core.canal import CHAIN, HOPS
from members import roles

KEYS = [key for key, _ in HOPS]
CAPITAL = {"deal", "invested", "exited"}

# One row per achievement in scope, with the date of each hop (NULL when not reached).
HOP_DATES = """
WITH scope AS (
    SELECT a.id, a.created
      FROM projects_achievement a
      JOIN members_organization o ON o.id = a.organization_id
     WHERE a.status <> 'draft' {where}
), events AS (
    SELECT e.achievement_id,
           min(e.at) FILTER (WHERE e.to_status = 'submitted') AS submitted,
           max(e.at) FILTER (WHERE e.to_status = 'accepted') AS accepted
      FROM projects_achievementevent e JOIN scope s ON s.id = e.achievement_id
     GROUP BY e.achievement_id
), first_project AS (
    SELECT DISTINCT ON (p.achievement_id) p.achievement_id, p.pilot_started_on,
           p.industrialization_started_on, p.market_launched_on
      FROM projects_project p JOIN scope s ON s.id = p.achievement_id
     ORDER BY p.achievement_id, p.started_on, p.id
), capital AS (
    SELECT p.achievement_id,
           min(d.created) AS deal,
           min(i.invested_on) AS invested,
           min(x.exited_on) AS exited
      FROM projects_project p
      JOIN scope s ON s.id = p.achievement_id
      JOIN funds_deal d ON d.project_id = p.id
      LEFT JOIN funds_investment i ON i.deal_id = d.id
      LEFT JOIN funds_exit x ON x.investment_id = i.id
     GROUP BY p.achievement_id
), hops AS (
    SELECT s.id,
           (ev.submitted AT TIME ZONE %(tz)s)::date AS submitted,
           (ev.accepted AT TIME ZONE %(tz)s)::date AS accepted,
           fp.pilot_started_on AS pilot,
           fp.industrialization_started_on AS industrialization,
           fp.market_launched_on AS market,
           {capital_columns}
      FROM scope s
      LEFT JOIN events ev ON ev.achievement_id = s.id
      LEFT JOIN first_project fp ON fp.achievement_id = s.id
      LEFT JOIN capital c ON c.achievement_id = s.id
     WHERE {year_filter}
)
"""

CAPITAL_COLUMNS = """(c.deal AT TIME ZONE %(tz)s)::date AS deal,
           c.invested AS invested, c.exited AS exited"""
NO_CAPITAL = "NULL::date AS deal, NULL::date AS invested, NULL::date AS exited"


def _days(index: int) -> str:
    """SQL for the days hop ``index`` took: from the latest earlier hop reached."""
    key = KEYS[index]
    if index == 0:
        return "NULL::int"
    # GREATEST ignores NULLs: GREATEST(earlier hops) is the latest one reached. The CASE
    # keeps an unreached hop (or one with no earlier hop) NULL, never 0.
    latest = f"GREATEST({', '.join(KEYS[:index])})"
    return (
        f"CASE WHEN {key} IS NOT NULL AND {latest} IS NOT NULL "
        f"THEN GREATEST(0, {key} - {latest}) END"
    )


def _passed(index: int, prefix: str = "") -> str:
    """SQL: the achievement reached hop ``index`` or a later one."""
    return " OR ".join(f"{prefix}{key} IS NOT NULL" for key in KEYS[index:])


def _funnel_sql(*extra_columns: str) -> str:
    columns = []
    for index, key in enumerate(KEYS):
        days = _days(index)
        columns.append(f"count(*) FILTER (WHERE {_passed(index)}) AS {key}_count")
        columns.append(f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {days}) AS {key}_median")
        columns.append(f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {days}) AS {key}_p90")
    return "SELECT " + ",\n       ".join([*columns, *extra_columns]) + " FROM hops"


def _timeline_sql() -> str:
    values = ", ".join(f"('{key}', {key})" for key in KEYS)
    return (
        "SELECT v.hop, extract(year FROM v.day)::int AS year, count(*) AS count "
        f"FROM hops, LATERAL (VALUES {values}) AS v(hop, day) "
        "WHERE v.day IS NOT NULL GROUP BY v.hop, year"
    )


def _figures_sql() -> str:
    """The funnel's columns and, in a last column, the timeline as JSON: one statement, so
    the hop dates (a CTE used twice, hence computed once) are worked out once."""
    return _funnel_sql(
        f"(SELECT coalesce(json_agg(t ORDER BY t.year), '[]') FROM ({_timeline_sql()}) t)"
    )


@dataclass
class Filters:
    alliance: int | None = None
    organization: int | None = None
    field: str | None = None
    year: int | None = None


@dataclass
class HopFigures:
    key: str
    label: str
    chain: str
    count: int
    conversion: float | None
    median_days: float | None
    p90_days: float | None


def _query(user, filters: Filters, tail: str) -> tuple[str, dict]:
    where, params = [], {"tz": settings.TIME_ZONE}
    if not roles.reads_everything(user):
        ids = sorted(roles.served_alliance_id_set(user))
        where.append("AND a.alliance_id = ANY(%(served)s)")
        params["served"] = ids
    if filters.alliance:
        where.append("AND a.alliance_id = %(alliance)s")
        params["alliance"] = filters.alliance
    if filters.organization:
        # The institute or any of its subordinate organisations.
        where.append("AND (a.organization_id = %(organization)s OR o.parent_id = %(organization)s)")
        params["organization"] = filters.organization
    if filters.field:
        where.append("AND a.field = %(field)s")
        params["field"] = filters.field
    year_filter = "TRUE"
    if filters.year:
        year_filter = (
            "extract(year FROM coalesce(ev.submitted, s.created) AT TIME ZONE %(tz)s) = %(year)s"
        )
        params["year"] = filters.year
    sql = HOP_DATES.format(
        where=" ".join(where),
        capital_columns=CAPITAL_COLUMNS if shows_capital(user) else NO_CAPITAL,
        year_filter=year_filter,
    )
    return sql + tail, params


def shows_capital(user) -> bool:
    """The capital chain's figures are fund data: the holding's analysts see them."""
    return roles.reads_everything(user)


def may_see_dashboard(user) -> bool:
    return roles.reads_everything(user) or roles.is_secretariat(user)


def _fetchone(sql: str, params: dict):
    # The planner overestimates these joins by orders of magnitude, which switches on JIT
    # compilation: over a second spent compiling a query that runs in a fraction of that.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchone()


def figures(user, filters: Filters) -> tuple[list[HopFigures], list[dict]]:
    """The funnel and the timeline per year, in one query."""
    sql, params = _query(user, filters, _figures_sql())
    row = _fetchone(sql, params)
    shown = [key for key in KEYS if key not in CAPITAL or shows_capital(user)]
    hops, previous = [], None
    for index, (key, label) in enumerate(HOPS):
        count, median, p90 = row[3 * index : 3 * index + 3]
        if key not in shown:
            continue
        hops.append(
            HopFigures(
                key=key,
                label=str(label),
                chain=CHAIN[key],
                count=count,
                conversion=(count / previous) if previous else None,
                median_days=median,
                p90_days=p90,
            )
        )
        previous = count
    timeline_rows = row[-1]
    if isinstance(timeline_rows, str):
        import json

        timeline_rows = json.loads(timeline_rows)
    years: dict[int, dict] = {}
    for item in timeline_rows:
        if item["hop"] in shown:
            year = years.setdefault(item["year"], {"year": item["year"], **dict.fromkeys(shown, 0)})
            year[item["hop"]] = item["count"]
    return hops, [years[year] for year in sorted(years)]


def funnel(user, filters: Filters) -> list[HopFigures]:
    return figures(user, filters)[0]


def timeline(user, filters: Filters) -> list[dict]:
    """[{year, hop counts...}] per calendar year, oldest first."""
    return figures(user, filters)[1]


def achievements_at(user, filters: Filters, hop: str, *, limit: int, offset: int):
    """(count, ids) of the achievements in scope that passed through ``hop``, newest first."""
    index = KEYS.index(hop)
    sql, params = _query(
        user,
        filters,
        f", passed AS (SELECT id FROM hops WHERE {_passed(index)}) "
        "SELECT (SELECT count(*) FROM passed), "
        "ARRAY(SELECT id FROM passed ORDER BY id DESC LIMIT %(limit)s OFFSET %(offset)s)",
    )
    params.update(limit=limit, offset=offset)
    count, ids = _fetchone(sql, params)
    return count, ids


def export_rows_at(user, filters: Filters, hop: str):
    """Rows (title, institute, alliance, field, status) of the achievements that passed through
    ``hop``, newest first, read through a server-side cursor: memory stays flat at any size."""
    sql, params = _query(
        user,
        filters,
        " SELECT a.title, o.name, al.name, a.field, a.status FROM hops h"
        " JOIN projects_achievement a ON a.id = h.id"
        " JOIN members_organization o ON o.id = a.organization_id"
        " JOIN members_alliance al ON al.id = a.alliance_id"
        f" WHERE {_passed(KEYS.index(hop), 'h.')} ORDER BY a.id DESC",
    )
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        with connection.cursor() as settings_cursor:
            settings_cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            yield from rows
