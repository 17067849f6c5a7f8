"""Sessions read together with their user, in one statement.

Django reads a logged-in request's session (one statement), then its user (a second;
``members.auth.RolesBackend`` folds the roles, organisation and served alliances into
it). Here the session's row carries its user's key (``members.models.Session``), so that
``SessionStore`` reads the session and the user with all of that in ONE statement, and
``AuthenticationMiddleware`` hands the user so read to the backend, which then asks the
database nothing. Sessions without a user, or whose user changed, take Django's way.

    SESSION_ENGINE = "members.sessions"
    MIDDLEWARE = [..., "members.sessions.AuthenticationMiddleware", ...]
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib import auth
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import connection
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

# The session store of the request whose user is being resolved (see ``resolving``).
_RESOLVING: ContextVar = ContextVar("members_sessions_resolving", default=None)


class SessionStore(DatabaseStore):
    prefetched_user = None  # the user read with the session, or None
    _sql = None

    @classmethod
    def get_model_class(cls):
        from members.models import Session

        return Session

    def flush(self):
        """Logging out forgets the user read with the session, too."""
        self.prefetched_user = None
        super().flush()

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        try:
            row.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            row.user_id = None
        return row

    def _get_session_from_db(self):
        """The session's row, its user read along with it (``prefetched_user``)."""
        from members.auth import user_from_row, user_select

        self.prefetched_user = None
        model = self.model
        if SessionStore._sql is None:
            quote = connection.ops.quote_name
            user_table = quote(get_user_model()._meta.db_table)
            SessionStore._sql = (
                f"SELECT s.session_data, s.expire_date, {user_select('u')}"
                f" FROM {quote(model._meta.db_table)} s"
                f" LEFT JOIN {user_table} u ON u.id = s.user_id"
                " WHERE s.session_key = %s AND s.expire_date > %s"
            )
        row = None
        if self.session_key:
            with connection.cursor() as cursor:
                cursor.execute(SessionStore._sql, [self.session_key, timezone.now()])
                row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        self.prefetched_user = user_from_row(row[2:])
        return model(session_key=self.session_key, session_data=row[0], expire_date=row[1])


@contextmanager
def resolving(session):
    """While ``auth.get_user`` runs: the backend may take the user read with ``session``."""
    token = _RESOLVING.set(session)
    try:
        yield
    finally:
        _RESOLVING.reset(token)


def prefetched_user(user_id):
    """The user read with the session of the request being resolved, if it is ``user_id``."""
    session = _RESOLVING.get()
    user = getattr(session, "prefetched_user", None)
    if user is None or str(user.pk) != str(user_id):
        return None
    return user


def get_user(request):
    if not hasattr(request, "_cached_user"):
        with resolving(request.session):
            request._cached_user = auth.get_user(request)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's, resolving the user with the one read along with the session."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
