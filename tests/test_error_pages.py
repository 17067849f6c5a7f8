"""Styled, translated error pages: 403 and 404 in the portal's layout, 500 without a
request context."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading"), [("zh-hans", "服务器错误"), ("en", "Server error")]
)
def test_the_500_page_renders_without_a_request_context_in_each_language(language, heading):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = defaults.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert heading in page
    assert f'lang="{language}"' in page
    assert "/static/css/site.css" in page


@pytest.mark.parametrize(
    ("language", "heading"), [("zh-hans", "无权访问"), ("en", "Access denied")]
)
def test_the_403_page_is_styled_and_translated(client, analyst, language, heading):
    deal = DealFactory()  # the analyst reads every deal but is on no fund's team
    client.force_login(analyst)
    response = client.post(f"/deals/{deal.pk}/reviews/", {}, HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="error-403"' in page
    assert "site-header" in page  # the portal's layout, not a bare "403 Forbidden"
    assert "Forbidden" not in page


def test_the_404_page_is_translated(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert 'data-testid="error-404"' in response.content.decode()
