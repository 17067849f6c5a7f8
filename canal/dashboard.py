"""The canal dashboard: how achievements flow through the three chains.

Everything is read from the stored canal (``projects.AchievementHops`` and the histograms
the database keeps beside it; semantics in ``docs/canal.md``):

* a hop's **count**: the achievements in it (its date exists);
* its **conversion**: of the achievements in the previous hop, the share that reached it too;
* its **median** and **90th-percentile days** (linear interpolation, as PostgreSQL's
  ``percentile_cont``), exact, from the day histogram of the group;
* the **timeline**: how many achievements reached each hop, per calendar year.

Two index lookups on small tables, whatever the number of achievements and the filters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db import connection, transaction

from core.canal import CHAIN, HOP_TABLE, KEYS
from core.templatetags.names import reads_english
from members import roles
from projects import hops as stored

CAPITAL = {key for key in KEYS if CHAIN[key] == "capital"}


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
    # Of the achievements in the previous hop shown: how many went on to this one, and how
    # many reached this one without the previous hop.
    went_on: int | None = None
    skipped_in: int = 0
    histogram: list[tuple[int, int]] = field(default_factory=list, repr=False)


def shows_capital(user) -> bool:
    """The capital chain's figures are fund data: the holding's analysts see them."""
    return roles.reads_everything(user)


def may_see_dashboard(user) -> bool:
    return roles.reads_everything(user) or roles.is_secretariat(user)


def shown_keys(user) -> list[str]:
    return [key for key in KEYS if key not in CAPITAL or shows_capital(user)]


def alliance_scope(user, filters: Filters) -> list[int] | None:
    """The alliances whose achievements the user sees under the filters (None: all)."""
    if roles.reads_everything(user):
        return [filters.alliance] if filters.alliance else None
    served = sorted(roles.served_alliance_id_set(user))
    if filters.alliance:
        return [filters.alliance] if filters.alliance in served else []
    return served


def percentile(histogram: list[tuple[int, int]], q: float) -> float | None:
    """The ``q`` quantile of the values a (value, count) histogram holds, interpolated
    linearly between the two nearest ranks (PostgreSQL's percentile_cont)."""
    total = sum(n for _, n in histogram)
    if not total:
        return None
    position = q * (total - 1)
    low, high = math.floor(position), math.ceil(position)

    def at(rank: int) -> int:
        seen = 0
        for value, n in histogram:
            seen += n
            if rank < seen:
                return value
        return histogram[-1][0]

    low_value, high_value = at(low), at(high)
    return low_value + (high_value - low_value) * (position - low)


def _read(user, filters: Filters):
    return stored.read_cells(
        alliances=alliance_scope(user, filters),
        organization=filters.organization,
        field=filters.field,
        cohort=filters.year,
    )


def figures(user, filters: Filters) -> tuple[list[HopFigures], list[dict]]:
    """The funnel (with each hop's flow from the previous) and the timeline per year."""
    durations, years = _read(user, filters)
    shown = shown_keys(user)
    count = dict.fromkeys(range(len(KEYS)), 0)
    prior = dict.fromkeys(range(len(KEYS)), 0)
    histograms: dict[int, list[tuple[int, int]]] = {i: [] for i in range(len(KEYS))}
    for hop, days, from_previous, n in durations:
        count[hop] += n
        if from_previous:
            prior[hop] += n
        if days >= 0:
            histograms[hop].append((days, n))
    result: list[HopFigures] = []
    for index, (key, label, chain) in enumerate(HOP_TABLE):
        if key not in shown:
            continue
        histogram = _merged(histograms[index])
        first = index == 0
        previous = count[index - 1] if not first else 0
        result.append(
            HopFigures(
                key=key,
                label=str(label),
                chain=chain,
                count=count[index],
                conversion=(prior[index] / previous) if previous else None,
                median_days=percentile(histogram, 0.5),
                p90_days=percentile(histogram, 0.9),
                went_on=None if first else prior[index],
                skipped_in=0 if first else count[index] - prior[index],
                histogram=histogram,
            )
        )
    timeline: dict[int, dict] = {}
    for hop, year, n in years:
        key = KEYS[hop]
        if key in shown:
            row = timeline.setdefault(year, {"year": year, **dict.fromkeys(shown, 0)})
            row[key] += n
    return result, [timeline[year] for year in sorted(timeline)]


def _merged(histogram: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: dict[int, int] = {}
    for days, n in histogram:
        merged[days] = merged.get(days, 0) + n
    return sorted(merged.items())


def funnel(user, filters: Filters) -> list[HopFigures]:
    return figures(user, filters)[0]


def timeline(user, filters: Filters) -> list[dict]:
    """[{year, hop counts...}] per calendar year, oldest first."""
    return figures(user, filters)[1]


def _where(user, filters: Filters, hop: str, without: str | None, also: str | None):
    shown = shown_keys(user)
    if hop not in shown or (without and without not in shown) or (also and also not in shown):
        raise ValueError("hop not shown")
    condition, params = stored.rows_where(
        alliances=alliance_scope(user, filters),
        organization=filters.organization,
        field=filters.field,
        cohort=filters.year,
        hop=hop,
        not_hop=without,
    )
    if also:
        condition += f" AND h.{also} IS NOT NULL"
    return condition, params


def achievements_at(
    user,
    filters: Filters,
    hop: str,
    *,
    limit: int,
    offset: int,
    without: str | None = None,
    also: str | None = None,
):
    """(count, ids) of the achievements in scope in ``hop`` (and ``also``, and not in
    ``without``): the rows behind a number of the dashboard, newest first."""
    condition, params = _where(user, filters, hop, without, also)
    params.update(limit=limit, offset=offset)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM projects_achievementhops h WHERE {condition}", params)
        count = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT h.achievement_id FROM projects_achievementhops h WHERE {condition} "
            "ORDER BY h.achievement_id DESC LIMIT %(limit)s OFFSET %(offset)s",
            params,
        )
        ids = [row[0] for row in cursor.fetchall()]
    return count, ids


def export_rows_at(user, filters: Filters, hop: str, *, without=None, also=None):
    """Rows (title, institute, alliance, field, status, hop date, days) of the achievements
    behind a number, newest first, through a server-side cursor: memory stays flat."""
    condition, params = _where(user, filters, hop, without, also)
    days = "NULL::int" if hop == KEYS[0] else f"h.{hop}_days"
    # the names in the reader's language, as display_name gives them
    names = (
        "COALESCE(NULLIF(o.name_en, ''), o.name), COALESCE(NULLIF(al.name_en, ''), al.name)"
        if reads_english()
        else "o.name, al.name"
    )
    sql = (
        f"SELECT a.title, {names}, a.field, a.status, h.{hop}, {days} "
        "FROM projects_achievementhops h "
        "JOIN projects_achievement a ON a.id = h.achievement_id "
        "JOIN members_organization o ON o.id = a.organization_id "
        "JOIN members_alliance al ON al.id = a.alliance_id "
        f"WHERE {condition} ORDER BY h.achievement_id DESC"
    )
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            yield from rows
