"""The projects app's pages, in rooms: achievements and projects."""

from projects.views.achievements import (
    PAGE_SIZE,
    achievement_delete,
    achievement_detail,
    achievement_edit,
    achievement_review,
    attachment_delete,
    attachment_download,
    catalogue,
    my_achievements,
    review_queue,
)
from projects.views.projects import (
    achievement_canal,
    milestone_add,
    milestone_done,
    overdue_milestones,
    product_add,
    project_create,
    project_detail,
    project_list,
    project_move,
)

__all__ = [
    "PAGE_SIZE",
    "achievement_canal",
    "achievement_delete",
    "achievement_detail",
    "achievement_edit",
    "achievement_review",
    "attachment_delete",
    "attachment_download",
    "catalogue",
    "milestone_add",
    "milestone_done",
    "my_achievements",
    "overdue_milestones",
    "product_add",
    "project_create",
    "project_detail",
    "project_list",
    "project_move",
    "review_queue",
]
