"""The innovation and industrial chains' part of the canal: their history and their hops.

The dates come from the achievement's stored hop row (``projects.hops``); this module only
names who acted at each reached hop (the institute, the pilot organisation, the enterprise)
and links the project behind it, and tells ``rebuild_canal`` where the dates come from.
"""

from __future__ import annotations

from core.canal import HopDetail
from projects.models import Project

# (achievement_id, hop, date) from the recorded history: the first submission and the
# acceptance events, and the stage dates the projects' moves set.
HISTORY = """
SELECT e.achievement_id, e.to_status, (e.at AT TIME ZONE %(tz)s)::date
  FROM projects_achievementevent e WHERE e.to_status IN ('submitted', 'accepted')
UNION ALL
SELECT p.achievement_id, 'pilot', p.pilot_started_on
  FROM projects_project p WHERE p.pilot_started_on IS NOT NULL
UNION ALL
SELECT p.achievement_id, 'industrialization', p.industrialization_started_on
  FROM projects_project p WHERE p.industrialization_started_on IS NOT NULL
UNION ALL
SELECT p.achievement_id, 'market', p.market_launched_on
  FROM projects_project p WHERE p.market_launched_on IS NOT NULL
"""

PROJECT_HOPS = {
    "pilot": "pilot_started_on",
    "industrialization": "industrialization_started_on",
    "market": "market_launched_on",
}


def hops(achievement, user, dates: dict) -> dict[str, HopDetail | None]:
    institute = achievement.organization.display_name
    found: dict[str, HopDetail | None] = {
        "submitted": HopDetail(institute) if dates.get("submitted") else None,
        "accepted": HopDetail(institute) if dates.get("accepted") else None,
    }
    projects = list(
        Project.objects.visible_to(user)
        .filter(achievement=achievement)
        .select_related("pilot_organization", "enterprise")
        .order_by("started_on", "id")
    )
    if not projects and any(dates.get(key) for key in PROJECT_HOPS):
        # The industrial chain of projects the user may not see is not shown at all.
        return found
    for key, column in PROJECT_HOPS.items():
        found[key] = None
        if not dates.get(key):
            continue
        # The project that reached the hop first (on the stored date), else the first one.
        project = ([p for p in projects if getattr(p, column) == dates[key]] or projects)[0]
        by = project.pilot_organization if key == "pilot" else None
        found[key] = HopDetail((by or project.enterprise).display_name, project.get_absolute_url())
    return found
