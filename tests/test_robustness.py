"""No request, however malformed, answers 500: every API resource and the main pages."""

import pytest

from alliance.api.urls import router

pytestmark = pytest.mark.django_db

PREFIXES = sorted({prefix for prefix, _viewset, _basename in router.registry})

BODIES = [
    {},
    {"id": "x", "name": None, "amount": "lots", "stage": ["x"], "fund": {"a": 1}},
    {"alliance": -1, "organization": "1; DROP TABLE", "deal": 10**30, "scores": "5"},
    {"start": "2024-02-30", "term_start": "yesterday", "requested_amount": "1e999"},
]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_garbage_writes_never_answer_500(api, superuser, prefix):
    api.as_user(superuser)
    for body in BODIES:
        response = api.post(f"/api/v1/{prefix}/", body, format="json")
        assert response.status_code < 500, (prefix, body, response.status_code)
    response = api.post(f"/api/v1/{prefix}/", "{not json", content_type="application/json")
    assert response.status_code < 500


@pytest.mark.parametrize("prefix", PREFIXES)
def test_garbage_reads_never_answer_500(api, superuser, prefix):
    api.as_user(superuser)
    for query in (
        {"page": "abc"},
        {"page_size": "-5"},
        {"ordering": "-nope,;"},
        {"q": "\x00'\""},
        {"alliance": "abc", "fund": "1.5", "stage": "zzz", "year": "nineteen"},
    ):
        assert api.get(f"/api/v1/{prefix}/", query).status_code < 500, (prefix, query)
    for pk in ("abc", "999999999", "-1", "1.5"):
        assert api.get(f"/api/v1/{prefix}/{pk}/").status_code in (400, 404), (prefix, pk)


@pytest.mark.parametrize(
    "url",
    [
        "/alliances/nope/",
        "/organizations/999999/",
        "/achievements/999999/",
        "/catalogue/?trl=99&page=x",
        "/projects/999999/",
        "/deals/999999/",
        "/funds/999999/",
        "/calls/999999/notices/1/",
        "/canal/?year=x&alliance=y&field=z&organization=w",
        "/achievements/999999/canal/",
        "/import-substitution/?alliance=1e9",
        "/holding/organizations/?page=-1",
    ],
)
def test_pages_answer_4xx_or_2xx_for_nonsense(client, superuser, url):
    client.force_login(superuser)
    assert client.get(url).status_code < 500


def test_fund_list_page_runs_a_fixed_number_of_queries(
    client, analyst, django_assert_max_num_queries
):
    from tests.factories import FundFactory

    client.force_login(analyst)
    for count in (3, 27):
        FundFactory.create_batch(count)
        with django_assert_max_num_queries(6):
            assert client.get("/funds/").status_code == 200


def test_a_missing_row_is_not_found_in_the_readers_language(api, superuser):
    """Tried as an outsider: a missing row of a nested lookup answered "No Commitment
    matches the given query." in English to a Chinese reader."""
    api.as_user(superuser)
    chinese = api.get("/api/v1/commitments/999999/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 404
    assert "Commitment" not in chinese.json()["detail"]
    assert chinese.json()["detail"] != "Not found."


def test_the_api_root_lists_every_resource(api):
    """Tried as an outsider: ``/api/v1/`` omitted ``projects`` (the funds' referral action
    shares its prefix)."""
    from alliance.api.urls import router

    root = api.get("/api/v1/").json()
    assert set(root) == {prefix for prefix, _viewset, _basename in router.registry}
    assert root["projects"].endswith("/api/v1/projects/")
