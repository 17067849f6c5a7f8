"""A request reads its session and its user, with the user's roles, in one statement."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group

from members import roles
from members.models import Session
from members.sessions import SessionStore
from tests.factories import DealFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_session_row_carries_its_user(client, submitter_a):
    client.force_login(submitter_a)
    key = client.cookies["sessionid"].value
    assert Session.objects.get(session_key=key).user_id == submitter_a.pk
    assert SessionStore().get_model_class() is Session


def test_the_user_comes_with_the_session_and_its_roles(
    client, submitter_a, org_a, django_assert_num_queries
):
    client.force_login(submitter_a)
    store = SessionStore(client.cookies["sessionid"].value)
    with django_assert_num_queries(1):
        assert store[SESSION_KEY] == str(submitter_a.pk)
        user = store.prefetched_user
        assert user.pk == submitter_a.pk and user.username == submitter_a.username
        assert roles.organization_id(user) == org_a.pk
        assert roles.INSTITUTE_SUBMITTER in roles.role_names(user)


def test_a_page_after_login_sees_the_user_and_a_role_change_at_once(
    client, django_assert_num_queries
):
    DealFactory()
    user = UserFactory(username="viewer")
    client.force_login(user)
    with django_assert_num_queries(2):  # the session with the user, the page's rows
        response = client.get("/api/v1/deals/")
    assert response.json()["count"] == 0  # deals are the funds' and the analysts'
    user.groups.add(Group.objects.get(name=roles.HOLDING_ANALYST))
    assert client.get("/api/v1/deals/").json()["count"] == 1  # read again, not kept


def test_a_session_whose_user_is_gone_or_inactive_is_anonymous(client):
    user = UserFactory(username="leaver")
    client.force_login(user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/deals/").status_code == 401
    user.delete()
    assert client.get("/api/v1/deals/").status_code == 401


def test_a_changed_password_ends_the_session(client):
    user = UserFactory(username="changer")
    client.force_login(user)
    user.set_password("another-password-123")
    user.save()
    client.get("/")
    assert SESSION_KEY not in client.session


def test_an_anonymous_session_holds_no_user(client):
    store = SessionStore()
    store["cart"] = 1
    store.save()
    assert Session.objects.get(session_key=store.session_key).user_id is None
    again = SessionStore(store.session_key)
    assert again["cart"] == 1 and again.prefetched_user is None


def test_the_backend_reads_the_user_itself_outside_a_request(submitter_a, org_a):
    from members.auth import RolesBackend

    user = RolesBackend().get_user(submitter_a.pk)
    assert user == submitter_a and roles.organization_id(user) == org_a.pk
    assert RolesBackend().get_user(10**9) is None


def test_the_sessions_open_before_the_move_are_carried_over(submitter_a):
    """Django's table keeps the sessions opened before members_session: the migration
    copies them with their user's key, so that nobody is logged out by the upgrade."""
    import importlib

    from django.apps import apps
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.db import connection

    old = DjangoStore()
    old[SESSION_KEY] = str(submitter_a.pk)
    old[BACKEND_SESSION_KEY] = "members.auth.RolesBackend"
    old[HASH_SESSION_KEY] = submitter_a.get_session_auth_hash()
    old.save()
    anonymous = DjangoStore()
    anonymous["cart"] = 1
    anonymous.save()
    migration = importlib.import_module("members.migrations.0005_sessions_carried_over")
    with connection.schema_editor() as editor:
        migration.carry_over(apps, editor)
    assert Session.objects.get(session_key=old.session_key).user_id == submitter_a.pk
    assert Session.objects.get(session_key=anonymous.session_key).user_id is None
    carried = SessionStore(old.session_key)
    assert carried[SESSION_KEY] == str(submitter_a.pk)
    assert carried.prefetched_user == submitter_a


def test_logging_out_forgets_the_user_read_with_the_session(client, submitter_a):
    client.force_login(submitter_a)
    store = SessionStore(client.cookies["sessionid"].value)
    assert store[SESSION_KEY] == str(submitter_a.pk)  # read: the user came along
    assert store.prefetched_user == submitter_a
    store.flush()
    assert store.prefetched_user is None
    assert not Session.objects.filter(user_id=submitter_a.pk).exists()
