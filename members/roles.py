"""The roles with the scope that members' tables give them.

Everything of ``core.roles`` (the group names and the checks that need no table) plus what
reads this app's tables: the alliances a secretariat user serves (``Alliance.secretariat``)
and the organisation a user acts for (their ``Contact``). Apps above ``members`` import the
roles from here.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

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
        cached = frozenset(user.served_alliances.values_list("id", flat=True))
        user._served_alliance_ids = cached
    return cached


def served_alliance_ids(user):
    """The ids of the alliances the user serves as secretariat: the list read with the
    user at login (members.auth), else a subquery.

    Read through the user's reverse relations (``Alliance.secretariat``, ``Contact.user``):
    ``members.models`` builds its querysets on these functions, so this module names no
    model. An empty list makes ``alliance_id__in`` match nothing.
    """
    if not is_secretariat(user):
        return []
    cached = getattr(user, "_served_alliance_ids", None)
    if cached is not None:
        return sorted(cached)
    return user.served_alliances.values("id")


def organization_id(user) -> int | None:
    """The organisation a user acts for (through their contact record), if any."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_organization_id", ...)
    if cached is ...:
        try:
            cached = user.contact.organization_id
        except ObjectDoesNotExist:
            cached = None
        user._organization_id = cached
    return cached
