"""Inputs that generated tests found answering 500, each kept as a regression test.

Each was fixed at its root: nested rows refuse a null item (core.api.serializers.nested_rows),
search boxes refuse NUL (core.forms.SearchField, core.filters.SearchFilter), page numbers are
bounded (core.paging), dates lie in 1900–2100 (core.validation.validate_date_range).
"""

import datetime

import pytest

from projects.models import Achievement
from tests.factories import FundFactory

pytestmark = pytest.mark.django_db


def _achievement_body(alliance, **extra):
    return {
        "title": "空项测试",
        "summary": "摘要",
        "alliance": alliance.pk,
        "field": "catalysis_process",
        "trl": 3,
        **extra,
    }


@pytest.mark.parametrize("key", ["ip_items", "inventors"])
def test_a_null_nested_row_is_refused_on_create(api, submitter_a, alliance_a, key):
    api.as_user(submitter_a)
    before = Achievement.objects.count()
    response = api.post(
        "/api/v1/achievements/", _achievement_body(alliance_a, **{key: [None]}), format="json"
    )
    assert response.status_code == 400
    assert key in response.data
    assert Achievement.objects.count() == before


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("key", ["ip_items", "inventors"])
def test_a_null_nested_row_is_refused_on_update(api, submitter_a, alliance_a, draft_a, method, key):
    api.as_user(submitter_a)
    title = draft_a.title
    response = getattr(api, method)(
        f"/api/v1/achievements/{draft_a.pk}/",
        _achievement_body(alliance_a, **{key: [None]}),
        format="json",
    )
    assert response.status_code == 400
    assert key in response.data
    draft_a.refresh_from_db()
    assert draft_a.title == title


def test_a_null_list_still_means_no_rows(api, submitter_a, alliance_a):
    api.as_user(submitter_a)
    response = api.post(
        "/api/v1/achievements/",
        _achievement_body(alliance_a, ip_items=None, inventors=None),
        format="json",
    )
    assert response.status_code == 201, response.data


def test_nul_in_the_organisation_roles_search_is_refused_not_a_crash(client, analyst):
    client.force_login(analyst)
    page = client.get("/holding/organizations/", {"q": "\x00"})
    assert page.status_code == 200
    assert b"search-errors" in page.content
    for fmt in ("csv", "xlsx"):
        response = client.get("/holding/organizations/", {"q": "\x00", "export": fmt})
        assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/catalogue/",
        "/projects/",
        "/review/achievements/",
        "/alliances/alliance-a/",
        "/import-substitution/",
        "/holding/organizations/",
    ],
)
def test_nul_in_any_page_query_never_answers_500(client, superuser, alliance_a, url):
    client.force_login(superuser)
    assert client.get(url, {"q": "a\x00b", "alliance": "\x00", "field": "\x00"}).status_code < 500


@pytest.mark.parametrize(
    "url", ["/api/v1/achievements/", "/api/v1/organizations/", "/api/v1/deals/"]
)
def test_nul_in_an_api_search_answers_400(api, superuser, url):
    api.as_user(superuser)
    response = api.get(url, {"q": "\x00"})
    assert response.status_code == 400
    assert "q" in response.data


@pytest.mark.parametrize(
    "query",
    [
        {"hop": "submitted", "page": "99999999999999999999"},
        {"hop": "submitted", "page": "²"},
        {"hop": "submitted", "page": "-3"},
    ],
)
def test_absurd_page_numbers_on_the_canal_are_clamped(client, analyst, query):
    client.force_login(analyst)
    response = client.get("/canal/", query)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/catalogue/?page=99999999999999999999",
        "/holding/organizations/?page=99999999999999999999",
        "/import-substitution/?page=99999999999999999999&alliance=99999999999999999999",
        "/projects/?page=1e99",
    ],
)
def test_absurd_page_numbers_on_lists_show_a_page(client, superuser, url):
    client.force_login(superuser)
    assert client.get(url).status_code == 200


def test_absurd_page_numbers_in_the_api_answer_404(api, superuser):
    api.as_user(superuser)
    assert api.get("/api/v1/alliances/", {"page": "99999999999999999999"}).status_code == 404
    assert api.get("/api/v1/alliances/", {"page": "1"}).status_code == 200


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_fund_metrics_refuse_dates_outside_the_range(api, analyst, as_of):
    fund = FundFactory()
    api.as_user(analyst)
    response = api.get(f"/api/v1/funds/{fund.pk}/metrics/", {"as_of": as_of})
    assert response.status_code == 400
    assert "as_of" in response.data


def test_fund_metrics_take_a_date_inside_the_range(api, analyst):
    fund = FundFactory()
    api.as_user(analyst)
    response = api.get(f"/api/v1/funds/{fund.pk}/metrics/", {"as_of": "2100-12-31"})
    assert response.status_code == 200


def test_model_dates_outside_the_range_are_refused_by_full_clean(alliance_a):
    from django.core.exceptions import ValidationError

    alliance_a.founded_on = datetime.date(9999, 12, 31)
    with pytest.raises(ValidationError) as error:
        alliance_a.full_clean()
    assert "founded_on" in error.value.message_dict


def test_api_writes_refuse_dates_outside_the_range(api, superuser, alliance_a):
    api.as_user(superuser)
    response = api.patch(
        f"/api/v1/alliances/{alliance_a.slug}/", {"founded_on": "9999-12-31"}, format="json"
    )
    if response.status_code == 404:  # alliances addressed by id
        response = api.patch(
            f"/api/v1/alliances/{alliance_a.pk}/", {"founded_on": "9999-12-31"}, format="json"
        )
    assert response.status_code == 400
    alliance_a.refresh_from_db()
    assert alliance_a.founded_on == datetime.date(2018, 1, 10)


def test_the_canal_schema_says_object_as_the_api_answers(api, analyst):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    response = schema["paths"]["/api/v1/canal/"]["get"]["responses"]["200"]
    body = response["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Canal"}
    api.as_user(analyst)
    assert isinstance(api.get("/api/v1/canal/").json(), dict)
