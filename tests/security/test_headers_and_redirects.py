"""Security headers on every page, no inline script anywhere, and ``next`` stays on the site."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import DealFactory, FundFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.parametrize("url", ["/", "/catalogue/", "/join/", "/accounts/login/", "/api/v1/"])
def test_pages_carry_the_security_headers(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_api_docs_load_their_script_from_a_file(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", page.content.decode())
    assert inline == []


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path}: on* handler")
        if "javascript:" in text:
            offenders.append(f"{path}: javascript: URL")
    assert offenders == []


@pytest.fixture
def deal_on_team():
    from members import roles
    from tests.factories import UserFactory

    manager = UserFactory(username="mgr_next", groups=[roles.FUND_MANAGER])
    fund = FundFactory(team=[manager])
    return manager, DealFactory(fund=fund, owner=manager)


@pytest.mark.parametrize(
    "target", ["//evil.example", "https://evil.example", "https://evil.example/funds/1/"]
)
def test_the_board_move_form_never_sends_anyone_off_site(client, deal_on_team, target):
    manager, deal = deal_on_team
    client.force_login(manager)
    response = client.post(f"/deals/{deal.pk}/move/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == deal.get_absolute_url()


def test_the_board_move_form_goes_back_to_a_page_of_the_site(client, deal_on_team):
    manager, deal = deal_on_team
    client.force_login(manager)
    board = f"/funds/{deal.fund_id}/board/"
    response = client.post(f"/deals/{deal.pk}/move/", {"next": board})
    assert response["Location"] == board


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example"])
def test_the_login_page_never_sends_anyone_off_site(client, target):
    from tests.factories import UserFactory

    UserFactory(username="walker")
    response = client.post(
        f"/accounts/login/?next={target}", {"username": "walker", "password": "pass-word-123"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_the_login_page_follows_a_next_on_the_site(client):
    from tests.factories import UserFactory

    UserFactory(username="walker")
    response = client.post(
        "/accounts/login/?next=/funds/1/", {"username": "walker", "password": "pass-word-123"}
    )
    assert response["Location"] == "/funds/1/"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example"])
def test_the_language_switch_never_sends_anyone_off_site(client, target):
    response = client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert "evil.example" not in response.get("Location", "")


def test_safe_next_helper():
    from django.test import RequestFactory

    from core.redirects import safe_next

    factory = RequestFactory()
    for target, expected in [
        ("//evil.example", "/home/"),
        ("https://evil.example", "/home/"),
        ("javascript:alert(1)", "/home/"),
        ("/funds/1/", "/funds/1/"),
        ("http://testserver/funds/1/", "http://testserver/funds/1/"),
    ]:
        request = factory.post("/x/", {"next": target})
        assert safe_next(request, "/home/") == expected, target
