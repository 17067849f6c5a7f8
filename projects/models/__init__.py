"""The projects app's models: achievements (innovation chain), projects and products."""

from projects.models.achievements import (
    Achievement,
    AchievementEvent,
    AchievementQuerySet,
    Attachment,
    Inventor,
    IPItem,
)
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
    "AchievementQuerySet",
    "Attachment",
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
