"""Roles: the names of the groups and the checks that need no app's tables.

A role is a Django group (its model permissions open the admin to the secretariat); the
scope comes from the data and is read by the app that owns it (``members.roles`` knows the
alliances a secretariat serves and the organisation a user acts for). Each app grants its
own model permissions to the groups with ``grant`` when it is ready; ``ensure_role_groups``
runs after every migration and gives the groups what was granted.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

SECRETARIAT = "Secretariat"
INSTITUTE_SUBMITTER = "Institute submitter"
FUND_MANAGER = "Fund manager"
HOLDING_ANALYST = "Holding analyst"
ROLE_GROUPS = (SECRETARIAT, INSTITUTE_SUBMITTER, FUND_MANAGER, HOLDING_ANALYST)

# Model permissions each group gets: group -> [(app_label, model, actions)], filled by the apps.
GROUP_PERMISSIONS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    name: [] for name in ROLE_GROUPS
}


def grant(group: str, app_label: str, permissions: dict[str, tuple[str, ...]]) -> None:
    """Give ``group`` the model permissions ``{model: (action, ...)}`` of ``app_label``."""
    for model, actions in permissions.items():
        entry = (app_label, model, tuple(actions))
        if entry not in GROUP_PERMISSIONS[group]:
            GROUP_PERMISSIONS[group].append(entry)


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
