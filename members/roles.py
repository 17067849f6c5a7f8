"""The roles with the scope that members' tables give them.

Everything of ``core.roles`` (the group names and the checks that need no table) plus what
reads this app's tables: the alliances a secretariat user serves (``Alliance.secretariat``)
and the organisation a user acts for (their ``Contact``). Apps above ``members`` import the
roles from here.
"""

from __future__ import annotations

from core.roles import (  # noqa: F401 - the one place the apps above read the roles from
    FUND_MANAGER,
    HOLDING_ANALYST,
    INSTITUTE_SUBMITTER,
    ROLE_GROUPS,
    SECRETARIAT,
    ensure_role_groups,
    grant,
    is_fund_manager,
    is_secretariat,
    reads_everything,
    role_names,
)


def served_alliance_id_set(user) -> frozenset[int]:
    """The ids of the alliances the user serves, read once per user object."""
    if not is_secretariat(user):
        return frozenset()
    cached = getattr(user, "_served_alliance_ids", None)
    if cached is None:
        cached = frozenset(served_alliance_ids(user).values_list("id", flat=True))
        user._served_alliance_ids = cached
    return cached


def served_alliance_ids(user):
    """A subquery of the ids of the alliances the user serves as secretariat."""
    # members.models imports this module for its querysets, a real cycle inside the app:
    # the model is read when the function runs.
    from members.models import Alliance

    if not is_secretariat(user):
        return Alliance.objects.none().values("id")
    return Alliance.objects.filter(secretariat=user).values("id")


def organization_id(user) -> int | None:
    """The organisation a user acts for (through their contact record), if any."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_organization_id", ...)
    if cached is ...:
        from members.models import Contact  # the same cycle as above

        cached = Contact.objects.filter(user=user).values_list("organization_id", flat=True).first()
        user._organization_id = cached
    return cached
