"""State changes of memberships and applications, in rooms.

One function per transition; the admin actions, the portal views and the API actions all
call these. Each locks its row, checks the current state, records a ``MembershipEvent``."""

from members.services.applications import (
    application_acknowledge,
    application_approve,
    application_reject,
    application_submit,
)
from members.services.memberships import (
    membership_create,
    membership_expel,
    membership_hand_over_chair,
    membership_reinstate,
    membership_save,
    membership_suspend,
    membership_withdraw,
    memberships_lapse,
)
from members.services.reminders import liaison, mailed_today, memberships_remind_renewal

__all__ = [
    "application_approve",
    "application_reject",
    "application_acknowledge",
    "application_submit",
    "liaison",
    "mailed_today",
    "membership_create",
    "membership_expel",
    "membership_hand_over_chair",
    "membership_reinstate",
    "membership_save",
    "membership_suspend",
    "membership_withdraw",
    "memberships_lapse",
    "memberships_remind_renewal",
]
