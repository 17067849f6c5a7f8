"""Writing and reading the canal's stored hops (``AchievementHops`` and its cells).

``mark`` is the one way a service records that an achievement reached a hop: it runs inside
the service's transaction and keeps the *first* date (the earliest; a later or repeated
mark changes nothing). The database completes the row and updates the histograms (see
``projects.models.hops``). ``rebuild`` recomputes everything from the recorded history
that the apps registered in ``core.canal.register_history``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.canal import KEYS, history_sources
from projects.models import AchievementHops

TABLE = "projects_achievementhops"
# Any filter left open reads the cells of "all": alliance 0, organisation 0, field '', year 0.
ALL = 0


def mark(achievement_id: int, hop: str, on: datetime.date | datetime.datetime) -> None:
    """Record that the achievement reached ``hop`` on ``on``, unless it reached it earlier."""
    if hop not in KEYS:
        raise ValueError(f"unknown hop {hop!r}")
    if isinstance(on, datetime.datetime):
        on = timezone.localtime(on).date()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} AS h (achievement_id, {hop}) VALUES (%s, %s) "
            f"ON CONFLICT (achievement_id) DO UPDATE SET {hop} = EXCLUDED.{hop} "
            f"WHERE h.{hop} IS NULL OR h.{hop} > EXCLUDED.{hop}",
            [achievement_id, on],
        )


def row(achievement) -> dict:
    """{hop: date, f"{hop}_days": days} of one achievement; empty when it has no hops."""

    columns = [*KEYS, *(f"{key}_days" for key in KEYS[1:])]
    found = AchievementHops.objects.filter(achievement_id=achievement.pk).values(*columns).first()
    return found or {}


# --- Rebuilding from the recorded history -----------------------------------------------------

# Day histograms and timeline of every group, from the hop rows, in two statements. The same
# functions as the trigger's (projects_canal_points, projects_canal_groups): one definition.
REBUILD_CELLS = """
INSERT INTO projects_canalcell (alliance_id, organization_id, field, cohort, hop, days, prior,
                                count)
SELECT g.alliance_id, g.organization_id, g.field, g.cohort, s.hop, s.days, s.prior, sum(s.n)
  FROM (SELECT h.alliance_id, h.ancestors, h.field, h.cohort, p.hop, p.days, p.prior,
               count(*) AS n
          FROM projects_achievementhops h, projects_canal_points(h) p
         GROUP BY 1, 2, 3, 4, 5, 6, 7) s,
       projects_canal_groups(s.alliance_id, s.ancestors, s.field, s.cohort) g
 GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO projects_canalyearcell (alliance_id, organization_id, field, cohort, hop, year, count)
SELECT g.alliance_id, g.organization_id, g.field, g.cohort, s.hop, s.year, sum(s.n)
  FROM (SELECT h.alliance_id, h.ancestors, h.field, h.cohort, p.hop,
               extract(year FROM p.day)::smallint AS year, count(*) AS n
          FROM projects_achievementhops h, projects_canal_points(h) p
         GROUP BY 1, 2, 3, 4, 5, 6) s,
       projects_canal_groups(s.alliance_id, s.ancestors, s.field, s.cohort) g
 GROUP BY 1, 2, 3, 4, 5, 6;
"""


# The cells' keys, as the models' unique constraints declare them.
CELL_KEYS = {
    "projects_canalcell": (
        "alliance_id",
        "organization_id",
        "field",
        "cohort",
        "hop",
        "days",
        "prior",
    ),
    "projects_canalyearcell": ("alliance_id", "organization_id", "field", "cohort", "hop", "year"),
}


def _history_sql() -> str:
    sources = history_sources()
    union = "\nUNION ALL\n".join(f"({sql})" for sql in sources.values())
    first = ",\n".join(f"min(day) FILTER (WHERE hop = '{key}') AS {key}" for key in KEYS)
    return (
        f"SELECT achievement_id, {first} FROM ({union}) AS history(achievement_id, hop, day) "
        "WHERE achievement_id IS NOT NULL {only} GROUP BY achievement_id"
    )


@transaction.atomic
def rebuild(achievement_ids: Iterable[int] | None = None) -> int:
    """Recompute the hop rows (of the given achievements, else of all) and their cells from
    the recorded history; answer how many achievements have hops."""
    params: dict = {"tz": settings.TIME_ZONE}
    only = ""
    if achievement_ids is not None:
        params["ids"] = sorted(set(achievement_ids))
        only = "AND achievement_id = ANY(%(ids)s)"
    columns = ", ".join(KEYS)
    history = _history_sql().replace("{only}", only)
    with connection.cursor() as cursor:
        if achievement_ids is None:
            # All of it: the group columns come in with the rows (each organisation's chain
            # worked out once), the per-row cell trigger stands aside, and the cells are
            # summed once, set-based.
            cursor.execute("SET LOCAL projects.canal_bulk = 'on'")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(f"TRUNCATE {TABLE}, projects_canalcell, projects_canalyearcell")
            cursor.execute("DROP TABLE IF EXISTS canal_chains")
            cursor.execute(
                "CREATE TEMP TABLE canal_chains ON COMMIT DROP AS "
                "SELECT id, projects_canal_ancestors(id) AS ancestors FROM members_organization"
            )
            cursor.execute(
                f"INSERT INTO {TABLE} (achievement_id, alliance_id, organization_id, field, "
                f"ancestors, {columns}) "
                f"SELECT h.achievement_id, a.alliance_id, a.organization_id, a.field, "
                f"c.ancestors, {', '.join('h.' + k for k in KEYS)} FROM ({history}) h "
                "JOIN projects_achievement a ON a.id = h.achievement_id "
                "JOIN canal_chains c ON c.id = a.organization_id",
                params,
            )
            # Index the cells once, sorted, rather than row by row.
            for table in CELL_KEYS:
                cursor.execute(f"DROP INDEX {table}_key")
            cursor.execute(REBUILD_CELLS)
            for table, columns in CELL_KEYS.items():
                cursor.execute(
                    f"CREATE UNIQUE INDEX {table}_key ON {table} "
                    f"({', '.join(columns)}) INCLUDE (count)"
                )
            cursor.execute("SET LOCAL projects.canal_bulk = 'off'")
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
        else:
            cursor.execute(f"DELETE FROM {TABLE} WHERE achievement_id = ANY(%(ids)s)", params)
            cursor.execute(f"INSERT INTO {TABLE} (achievement_id, {columns}) {history}", params)
            cursor.execute(
                f"SELECT count(*) FROM {TABLE} WHERE achievement_id = ANY(%(ids)s)", params
            )
        return cursor.fetchone()[0]


def cells_consistent() -> bool:
    """Whether the stored cells equal a recount from the hop rows (for the checks)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("DROP TABLE IF EXISTS canal_check_cell, canal_check_year")
        cursor.execute(
            "CREATE TEMP TABLE canal_check_cell (LIKE projects_canalcell INCLUDING IDENTITY) "
            "ON COMMIT DROP"
        )
        cursor.execute(
            "CREATE TEMP TABLE canal_check_year (LIKE projects_canalyearcell INCLUDING IDENTITY) "
            "ON COMMIT DROP"
        )
        recount = REBUILD_CELLS.replace(
            "INSERT INTO projects_canalcell", "INSERT INTO canal_check_cell"
        ).replace("INSERT INTO projects_canalyearcell", "INSERT INTO canal_check_year")
        cursor.execute(recount)
        cursor.execute("""
            SELECT (SELECT count(*) FROM (
                SELECT alliance_id, organization_id, field, cohort, hop, days, prior, count
                  FROM projects_canalcell WHERE count <> 0
                EXCEPT ALL
                SELECT alliance_id, organization_id, field, cohort, hop, days, prior, count
                  FROM canal_check_cell) a)
                 + (SELECT count(*) FROM (
                SELECT alliance_id, organization_id, field, cohort, hop, days, prior, count
                  FROM canal_check_cell
                EXCEPT ALL
                SELECT alliance_id, organization_id, field, cohort, hop, days, prior, count
                  FROM projects_canalcell WHERE count <> 0) b)
                 + (SELECT count(*) FROM (
                SELECT alliance_id, organization_id, field, cohort, hop, year, count
                  FROM projects_canalyearcell WHERE count <> 0
                EXCEPT ALL
                SELECT alliance_id, organization_id, field, cohort, hop, year, count
                  FROM canal_check_year) c)
                 + (SELECT count(*) FROM (
                SELECT alliance_id, organization_id, field, cohort, hop, year, count
                  FROM canal_check_year
                EXCEPT ALL
                SELECT alliance_id, organization_id, field, cohort, hop, year, count
                  FROM projects_canalyearcell WHERE count <> 0) d)
        """)
        return cursor.fetchone()[0] == 0


# --- Reading ----------------------------------------------------------------------------------


def read_cells(
    *, alliances: list[int] | None, organization: int | None, field: str | None, cohort: int | None
) -> tuple[list[tuple], list[tuple]]:
    """(hop, days, prior, count) and (hop, year, count) rows of one group, summed over the
    ``alliances`` given (None: all alliances). Two index lookups, whatever the scale."""
    where = (
        "alliance_id = ANY(%(alliances)s) AND organization_id = %(organization)s "
        "AND field = %(field)s AND cohort = %(cohort)s"
    )
    params = {
        "alliances": [ALL] if alliances is None else list(alliances),
        "organization": organization or ALL,
        "field": field or "",
        "cohort": cohort or ALL,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT hop, days, prior, sum(count)::int FROM projects_canalcell WHERE {where} "
            "GROUP BY hop, days, prior HAVING sum(count) <> 0 ORDER BY hop, days",
            params,
        )
        durations = cursor.fetchall()
        cursor.execute(
            f"SELECT hop, year, sum(count)::int FROM projects_canalyearcell WHERE {where} "
            "GROUP BY hop, year HAVING sum(count) <> 0 ORDER BY year, hop",
            params,
        )
        years = cursor.fetchall()
    return durations, years


def rows_where(
    *,
    alliances: list[int] | None,
    organization: int | None,
    field: str | None,
    cohort: int | None,
    hop: str,
    not_hop: str | None = None,
) -> tuple[str, dict]:
    """SQL condition (on ``h``, the hop rows) and parameters: the achievements of a group
    that reached ``hop`` (and not ``not_hop``): the rows behind a cell."""
    if hop not in KEYS or (not_hop is not None and not_hop not in KEYS):
        raise ValueError("unknown hop")
    conditions, params = [f"h.{hop} IS NOT NULL"], {}
    if not_hop:
        conditions.append(f"h.{not_hop} IS NULL")
    if alliances is not None:
        conditions.append("h.alliance_id = ANY(%(alliances)s)")
        params["alliances"] = list(alliances)
    if organization:
        conditions.append("h.ancestors @> ARRAY[%(organization)s]::bigint[]")
        params["organization"] = organization
    if field:
        conditions.append("h.field = %(field)s")
        params["field"] = field
    if cohort:
        conditions.append("h.cohort = %(cohort)s")
        params["cohort"] = cohort
    return " AND ".join(conditions), params
