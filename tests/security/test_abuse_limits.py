"""Failed logins lock the username + address out; anonymous writes and the token endpoint
are rate-limited (429 with Retry-After), their counters in the shared cache."""

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token

from members.models import MembershipApplication
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"  # UserFactory's


def _rates(**rates):
    from django.conf import settings

    merged = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates}
    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged}
    )


@pytest.fixture
def victim():
    return UserFactory(username="victim", is_staff=True, is_superuser=True)


def _hammer(post, count=40):
    for attempt in range(count):
        post(f"wrong-{attempt}")


def test_forty_wrong_passwords_lock_the_login_page(client, victim):
    _hammer(lambda pw: client.post("/accounts/login/", {"username": "victim", "password": pw}))
    response = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429
    assert b"locked-out" in response.content
    assert "_auth_user_id" not in client.session


def test_forty_wrong_passwords_lock_the_admin(client, victim):
    _hammer(lambda pw: client.post("/admin/login/", {"username": "victim", "password": pw}))
    response = client.post("/admin/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_forty_wrong_passwords_lock_the_token_endpoint(api, victim):
    with _rates(login="1000/minute"):
        _hammer(
            lambda pw: api.post(
                "/api/v1/auth/token/", {"username": "victim", "password": pw}, format="json"
            )
        )
        response = api.post(
            "/api/v1/auth/token/", {"username": "victim", "password": PASSWORD}, format="json"
        )
    assert response.status_code == 429
    assert "token" not in response.data
    assert int(response["Retry-After"]) > 0
    assert not Token.objects.filter(user=victim).exists()


def test_a_few_wrong_passwords_do_not_lock_anyone_out(client, api, victim):
    for attempt in range(3):
        client.post("/accounts/login/", {"username": "victim", "password": f"no-{attempt}"})
    response = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(victim.pk)
    response = api.post(
        "/api/v1/auth/token/", {"username": "victim", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert response.data["token"]


def test_the_lockout_is_per_username_and_address(client, victim):
    other = UserFactory(username="bystander")
    _hammer(lambda pw: client.post("/accounts/login/", {"username": "victim", "password": pw}))
    response = client.post("/accounts/login/", {"username": "bystander", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)
    elsewhere = client.post(
        "/accounts/login/",
        {"username": "victim", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert elsewhere.status_code == 302


def test_the_token_endpoint_is_rate_limited_per_address(api, victim):
    with _rates(login="3/minute"):
        for _ in range(3):
            response = api.post(
                "/api/v1/auth/token/", {"username": "victim", "password": PASSWORD}, format="json"
            )
            assert response.status_code == 200
        response = api.post(
            "/api/v1/auth/token/", {"username": "victim", "password": PASSWORD}, format="json"
        )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def _application(alliance, n):
    return {
        "alliance": alliance.pk,
        "organization_name": f"申请单位{n}",
        "kind": "enterprise",
        "contact_name": "王工",
        "contact_email": f"wang{n}@example.cn",
        "motivation": "合作",
    }


def test_anonymous_applications_through_the_api_are_rate_limited(api, alliance_a):
    with _rates(anon_write="3/minute"):
        for n in range(3):
            response = api.post("/api/v1/membership-applications/", _application(alliance_a, n))
            assert response.status_code == 201
        response = api.post("/api/v1/membership-applications/", _application(alliance_a, 9))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert MembershipApplication.objects.count() == 3


def test_anonymous_applications_through_the_join_page_are_rate_limited(client, alliance_a):
    with _rates(anon_write="3/minute"):
        for n in range(3):
            response = client.post("/join/", _application(alliance_a, n))
            assert response.status_code == 302
        response = client.post("/join/", _application(alliance_a, 9))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"throttled" in response.content
    assert MembershipApplication.objects.count() == 3
    # Reading the form stays possible.
    assert client.get("/join/").status_code == 200


def test_the_page_and_the_api_share_one_counter(client, api, alliance_a):
    with _rates(anon_write="2/minute"):
        assert client.post("/join/", _application(alliance_a, 1)).status_code == 302
        assert (
            api.post("/api/v1/membership-applications/", _application(alliance_a, 2)).status_code
            == 201
        )
        assert client.post("/join/", _application(alliance_a, 3)).status_code == 429
        assert (
            api.post("/api/v1/membership-applications/", _application(alliance_a, 4)).status_code
            == 429
        )
    assert MembershipApplication.objects.count() == 2


def test_logged_in_users_and_reads_are_not_throttled(api, secretariat_a, alliance_a):
    with _rates(anon_write="1/minute"):
        for _ in range(3):
            assert api.get("/api/v1/alliances/").status_code == 200
        api.as_user(secretariat_a)
        for n in range(3):
            response = api.post("/api/v1/membership-applications/", _application(alliance_a, n))
            assert response.status_code == 201


def test_the_counters_live_in_the_shared_cache():
    from django.conf import settings
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    cache.set("probe", 1)
    assert cache.get("probe") == 1


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(api, alliance_a):
    with _rates(anon_write="2/minute"):
        statuses = [
            api.post(
                "/api/v1/membership-applications/",
                _application(alliance_a, n),
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            ).status_code
            for n in range(4)
        ]
    assert statuses == [201, 201, 429, 429]
