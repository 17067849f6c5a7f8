"""Roles: what a user is entitled to see and change.

A role is a Django group (its model permissions open the admin to the secretariat); the
scope comes from the data: the alliances a secretariat user serves
(``Alliance.secretariat``), the organisation of a submitter (their ``Contact``), the funds
whose team a fund manager is on.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

SECRETARIAT = "Secretariat"
INSTITUTE_SUBMITTER = "Institute submitter"
FUND_MANAGER = "Fund manager"
HOLDING_ANALYST = "Holding analyst"

# Model permissions each group gets: (app_label, model, actions).
GROUP_PERMISSIONS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    SECRETARIAT: [
        ("members", "alliance", ("view", "change")),
        ("members", "organization", ("view", "add", "change")),
        ("members", "membership", ("view", "add", "change")),
        ("members", "contact", ("view", "add", "change", "delete")),
        ("members", "membershipapplication", ("view", "change")),
        ("members", "membershipevent", ("view",)),
        ("projects", "achievement", ("view",)),
        ("projects", "achievementevent", ("view",)),
        ("projects", "project", ("view", "change")),
        ("projects", "projectevent", ("view",)),
        ("projects", "milestone", ("view", "add", "change")),
        ("projects", "product", ("view", "change")),
    ],
    INSTITUTE_SUBMITTER: [],
    FUND_MANAGER: [],
    HOLDING_ANALYST: [],
}


def ensure_role_groups(**kwargs) -> None:
    """Create the role groups and give them their permissions (idempotent)."""
    for group_name, entries in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for app_label, model, actions in entries:
            codenames = [f"{action}_{model}" for action in actions]
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
        group.permissions.add(*wanted)


def role_names(user) -> frozenset[str]:
    """The user's group names, read once per user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def reads_everything(user) -> bool:
    """Superusers and holding analysts read across all alliances and funds."""
    return user.is_authenticated and (user.is_superuser or HOLDING_ANALYST in role_names(user))


def is_secretariat(user) -> bool:
    return user.is_authenticated and SECRETARIAT in role_names(user)


def is_fund_manager(user) -> bool:
    return user.is_authenticated and FUND_MANAGER in role_names(user)


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
        from members.models import Contact

        cached = Contact.objects.filter(user=user).values_list("organization_id", flat=True).first()
        user._organization_id = cached
    return cached
