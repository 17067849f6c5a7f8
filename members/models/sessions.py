"""The sessions' table: Django's, with the key of the user the session belongs to.

The column lets ``members.sessions.SessionStore`` read a request's session, its user, the
user's roles, organisation and served alliances in ONE statement (see that module).
"""

from __future__ import annotations

from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class Session(AbstractBaseSession):
    # auth_user's key, written from the session's data when it is saved; no foreign key:
    # a user's deletion leaves their sessions to expire, as Django's table does.
    user_id = models.IntegerField(null=True, db_index=True, editable=False)

    @classmethod
    def get_session_store_class(cls):
        from members.sessions import SessionStore

        return SessionStore

    class Meta(AbstractBaseSession.Meta):
        db_table = "members_session"
