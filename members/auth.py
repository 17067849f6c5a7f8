"""The login backend: the user read together with what each request asks of them next.

Every page and API request that scopes rows by role asks for the user's role names
(``core.roles.role_names``), the organisation they act for (``members.roles.
organization_id``) and, for the secretariat, the alliances they serve
(``members.roles.served_alliance_id_set``): three queries after the one that reads the
user. ``RolesBackend.get_user`` reads all four in one statement and leaves the answers
where those functions cache them, so that they ask nothing more.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from members.models import Alliance, Contact


def _user_sql() -> str:
    user = get_user_model()
    groups = user._meta.get_field("groups")
    served = Alliance._meta.get_field("secretariat")
    group_table = groups.related_model._meta.db_table
    return f"""
        SELECT u.*,
               ARRAY(SELECT g.name FROM {groups.m2m_db_table()} ug
                       JOIN {group_table} g ON g.id = ug.{groups.m2m_reverse_name()}
                      WHERE ug.{groups.m2m_column_name()} = u.id) AS role_list_,
               ARRAY(SELECT s.{served.m2m_column_name()} FROM {served.m2m_db_table()} s
                      WHERE s.{served.m2m_reverse_name()} = u.id) AS served_list_,
               (SELECT c.organization_id FROM {Contact._meta.db_table} c
                 WHERE c.user_id = u.id) AS organization_id_
          FROM {user._meta.db_table} u
         WHERE u.id = %s
    """


class RolesBackend(ModelBackend):
    """Django's ``ModelBackend`` whose ``get_user`` also reads the roles, the organisation
    and the served alliances (see the module's doc)."""

    _sql = None

    def get_user(self, user_id):
        if RolesBackend._sql is None:
            RolesBackend._sql = _user_sql()
        found = list(get_user_model()._default_manager.raw(RolesBackend._sql, [user_id]))
        if not found:
            return None
        user = found[0]
        # Where core.roles and members.roles cache them.
        user._role_names = frozenset(user.role_list_)
        user._organization_id = user.organization_id_
        user._served_alliance_ids = frozenset(user.served_list_)
        return user if self.user_can_authenticate(user) else None
