"""The projects app's models: achievements (innovation chain), projects and products."""

from projects.models.achievements import (
    Achievement,
    AchievementEvent,
    AchievementQuerySet,
    Attachment,
    Inventor,
    IPItem,
)
from projects.models.hops import AchievementHops, CanalCell, CanalYearCell
from projects.models.projects import (
    Milestone,
    MilestoneQuerySet,
    Product,
    ProductQuerySet,
    Project,
    ProjectEvent,
    ProjectQuerySet,
)

__all__ = [
    "Achievement",
    "AchievementEvent",
    "AchievementHops",
    "AchievementQuerySet",
    "Attachment",
    "CanalCell",
    "CanalYearCell",
    "IPItem",
    "Inventor",
    "Milestone",
    "MilestoneQuerySet",
    "Product",
    "ProductQuerySet",
    "Project",
    "ProjectEvent",
    "ProjectQuerySet",
]
