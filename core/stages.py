"""The guard every stage move shares: a legal move, and a reason where one is owed.

Projects and deals each move along a path of stages, may be put on hold and resumed, and
need a reason for some moves; the path itself (``legal_moves``) belongs to each app.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_move(row, stage: str, comment: str, *, choices, reasoned, refusal: str) -> str:
    """Refuse ``stage`` unless it is one of ``row.legal_moves``; answer the stripped comment.

    ``choices`` is the TextChoices of the stage (for the labels), ``reasoned`` the stages
    whose move needs a comment and ``refusal`` the message of an illegal move, with
    ``%(current)s`` and ``%(target)s``.
    """
    if stage not in row.legal_moves:
        raise ValidationError(
            {
                "stage": refusal
                % {
                    "current": row.get_stage_display(),
                    "target": choices(stage).label if stage in choices.values else stage,
                }
            },
            code="illegal_transition",
        )
    comment = (comment or "").strip()
    if stage in reasoned and not comment:
        raise ValidationError({"comment": _("Give the reason.")}, code="required")
    return comment
