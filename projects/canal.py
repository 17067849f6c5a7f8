"""The innovation and industrial chains' hops of the canal thread."""

from __future__ import annotations

from projects.choices import AchievementStatus
from projects.models import Project


def hops(achievement, user) -> dict[str, tuple]:
    found: dict[str, tuple] = {}
    events = list(achievement.events.order_by("at", "id").values_list("to_status", "at"))
    submitted = [at for to, at in events if to == AchievementStatus.SUBMITTED]
    accepted = [at for to, at in events if to == AchievementStatus.ACCEPTED]
    institute = achievement.organization.name
    if submitted:
        found["submitted"] = (submitted[0], institute, None)
    if accepted:
        found["accepted"] = (accepted[-1], institute, None)
    # The thread follows the achievement's first project the user may see.
    project = (
        Project.objects.visible_to(user)
        .filter(achievement=achievement)
        .select_related("pilot_organization", "enterprise")
        .order_by("started_on", "id")
        .first()
    )
    if project is not None:
        link = project.get_absolute_url()
        pilot_by = project.pilot_organization or project.enterprise
        if project.pilot_started_on:
            found["pilot"] = (project.pilot_started_on, pilot_by.name, link)
        if project.industrialization_started_on:
            found["industrialization"] = (
                project.industrialization_started_on,
                project.enterprise.name,
                link,
            )
        if project.market_launched_on:
            found["market"] = (project.market_launched_on, project.enterprise.name, link)
    return found
