"""The login backend: the user read together with what each request asks of them next.

Every page and API request that scopes rows by role asks for the user's role names
(``core.roles.role_names``), the organisation they act for (``members.roles.
organization_id``) and, for the secretariat, the alliances they serve
(``members.roles.served_alliance_id_set``): three queries after the one that reads the
user. ``RolesBackend.get_user`` reads all four in one statement and leaves the answers
where those functions cache them, so that they ask nothing more; with the sessions of
``members.sessions`` that statement is the session's own (the user read along with it).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from members.models import Alliance, Contact


def _user_fields() -> list:
    return list(get_user_model()._meta.concrete_fields)


def user_select(alias: str = "u") -> str:
    """The SELECT list reading the user ``alias``: its columns, then its role names, the
    alliances it serves and its organisation (``user_from_row`` reads them back)."""
    user = get_user_model()
    quote = connection.ops.quote_name
    groups = user._meta.get_field("groups")
    served = Alliance._meta.get_field("secretariat")
    group_table = groups.related_model._meta.db_table
    columns = ", ".join(f"{alias}.{quote(f.column)}" for f in _user_fields())
    return f"""{columns},
               ARRAY(SELECT g.name FROM {groups.m2m_db_table()} ug
                       JOIN {group_table} g ON g.id = ug.{groups.m2m_reverse_name()}
                      WHERE ug.{groups.m2m_column_name()} = {alias}.id),
               ARRAY(SELECT s.{served.m2m_column_name()} FROM {served.m2m_db_table()} s
                      WHERE s.{served.m2m_reverse_name()} = {alias}.id),
               (SELECT c.organization_id FROM {Contact._meta.db_table} c
                 WHERE c.user_id = {alias}.id)"""


def user_from_row(values):
    """The user of a row read with ``user_select``, with its roles, served alliances and
    organisation where ``core.roles`` and ``members.roles`` cache them; None when the
    row holds no user (an outer join that found none)."""
    fields = _user_fields()
    own, (role_list, served_list, organization_id) = values[: len(fields)], values[len(fields) :]
    if own[[f.primary_key for f in fields].index(True)] is None:
        return None
    user = get_user_model().from_db("default", [f.attname for f in fields], list(own))
    user._role_names = frozenset(role_list or ())
    user._organization_id = organization_id
    user._served_alliance_ids = frozenset(served_list or ())
    return user


class RolesBackend(ModelBackend):
    """Django's ``ModelBackend`` whose ``get_user`` also reads the roles, the organisation
    and the served alliances (see the module's doc)."""

    _sql = None

    def get_user(self, user_id):
        from members.sessions import prefetched_user

        user = prefetched_user(user_id)
        if user is None:
            if RolesBackend._sql is None:
                table = connection.ops.quote_name(get_user_model()._meta.db_table)
                RolesBackend._sql = f"SELECT {user_select()} FROM {table} u WHERE u.id = %s"
            with connection.cursor() as cursor:
                cursor.execute(RolesBackend._sql, [user_id])
                row = cursor.fetchone()
            user = user_from_row(row) if row else None
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
