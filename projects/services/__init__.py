"""State changes of the projects app, in rooms: achievements and projects.

Every write goes through here, from the portal forms, the admin and the API alike: the
function checks who may do it, the current status, the data, then saves and records."""

from projects.services.achievements import (
    achievement_accept,
    achievement_delete,
    achievement_reject,
    achievement_return,
    achievement_save,
    achievement_submit,
    attachment_add,
    attachment_remove,
)
from projects.services.projects import (
    STAGE_DATES,
    milestone_mark_done,
    milestone_save,
    milestones_mail_overdue_digest,
    product_save,
    project_move,
    project_save,
)

__all__ = [
    "STAGE_DATES",
    "achievement_accept",
    "achievement_delete",
    "achievement_reject",
    "achievement_return",
    "achievement_save",
    "achievement_submit",
    "attachment_add",
    "attachment_remove",
    "milestone_mark_done",
    "milestone_save",
    "milestones_mail_overdue_digest",
    "product_save",
    "project_move",
    "project_save",
]
