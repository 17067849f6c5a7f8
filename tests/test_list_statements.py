"""What a list costs the database, and the searches past the count limit.

A page of an API list is one statement after the session, which is read with its user and
the user's roles, organisation and served alliances (members.sessions): the keys, the
capped count and the nested lists ride in the rows' statement. A search holding more than
the count limit lists newest first, unranked; the catalogue says "N+ results". Speed
itself is measured by bench/lists.py, never asserted here."""

from __future__ import annotations

import datetime

import orjson
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.paging import CappedPaginator
from members import roles
from members.auth import RolesBackend
from projects import services
from projects.models import Achievement, IPItem
from tests.factories import (
    DealFactory,
    FundFactory,
    MembershipFactory,
    UserFactory,
    member_achievement,
)

pytestmark = pytest.mark.django_db


def decoded(response):
    assert response.status_code == 200, response.content[:300]
    return orjson.loads(response.content)


@pytest.fixture
def listed(org_a, alliance_a, submitter_a, pdf_bytes):
    """Accepted achievements with inventors, a dated patent and a file; deals."""
    made = [member_achievement(org_a, alliance_a, status="accepted") for _ in range(3)]
    IPItem.objects.create(
        achievement=made[0], number="CN-2", title="第二专利", filed_on=datetime.date(2021, 3, 4)
    )
    draft = member_achievement(org_a, alliance_a)
    services.attachment_add(
        achievement=draft,
        actor=submitter_a,
        upload=SimpleUploadedFile("方案.pdf", pdf_bytes, content_type="application/pdf"),
    )
    MembershipFactory(alliance=alliance_a, status="suspended")
    MembershipFactory(alliance=alliance_a)
    manager = UserFactory(username="mgr_l", groups=[roles.FUND_MANAGER])
    fund = FundFactory(name="基金L", team=[manager])
    for _ in range(3):
        DealFactory(fund=fund, owner=manager)
    return made


LISTS = ["/api/v1/achievements/", "/api/v1/organizations/", "/api/v1/memberships/"]


@pytest.mark.parametrize("url", [*LISTS, "/api/v1/deals/"])
@pytest.mark.parametrize("persona", ["analyst", "submitter_a", "secretariat_a"])
def test_a_logged_in_page_is_the_session_with_its_user_and_one_statement(
    request, client, listed, url, persona, django_assert_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    with django_assert_num_queries(2):  # the session with its user (and roles), the page
        body = decoded(client.get(url, {"page_size": 2}))
    assert body["results"] or url == "/api/v1/deals/"  # deals are the fund's and analysts'
    assert body["count"] == len(body["results"]) or body["next"]


@pytest.mark.parametrize("url", LISTS)
def test_a_public_page_is_one_statement(client, listed, url, django_assert_num_queries):
    with django_assert_num_queries(1):
        body = decoded(client.get(url, {"page_size": 1, "page": 2}))
    assert body["previous"] is not None


def test_the_owner_reads_nested_lists_in_the_page_statement(
    client, listed, submitter_a, django_assert_num_queries
):
    client.force_login(submitter_a)
    with django_assert_num_queries(2):
        body = decoded(client.get("/api/v1/achievements/", {"page_size": 100}))
    by_id = {item["id"]: item for item in body["results"]}
    # Patents in their own order (filing date, nulls last), dates shown as dates.
    patents = by_id[listed[0].pk]["ip_items"]
    assert [p["filed_on"] for p in patents] == ["2021-03-04", None]
    assert [i["share"] for i in by_id[listed[0].pk]["inventors"]] == ["60.00", "40.00"]
    files = [item["attachments"] for item in body["results"] if item["attachments"]]
    assert files and files[0][0]["name"] == "方案.pdf"


def test_a_search_is_the_capped_count_then_the_page(client, listed, django_assert_num_queries):
    with django_assert_num_queries(2):
        body = decoded(client.get("/api/v1/achievements/", {"q": "催化"}))
    assert body["count"] == 3


# --- the login backend -----------------------------------------------------------------------


def test_the_user_comes_with_roles_organisation_and_served_alliances(
    secretariat_a, submitter_a, org_a, alliance_a, django_assert_num_queries
):
    with django_assert_num_queries(1):
        secretary = RolesBackend().get_user(secretariat_a.pk)
    with django_assert_num_queries(0):
        assert roles.is_secretariat(secretary) and not roles.reads_everything(secretary)
        assert roles.served_alliance_id_set(secretary) == {alliance_a.pk}
        assert roles.served_alliance_ids(secretary) == [alliance_a.pk]
        assert roles.organization_id(secretary) is None
    submitter = RolesBackend().get_user(submitter_a.pk)
    with django_assert_num_queries(0):
        assert roles.organization_id(submitter) == org_a.pk
        assert roles.role_names(submitter) == {roles.INSTITUTE_SUBMITTER}


def test_the_backend_refuses_an_unknown_or_inactive_user():
    inactive = UserFactory(username="gone", is_active=False)
    assert RolesBackend().get_user(inactive.pk) is None
    assert RolesBackend().get_user(inactive.pk + 1000) is None


# --- searches past the count limit -----------------------------------------------------------


@pytest.fixture
def matches(org_a, alliance_a):
    """Four accepted matches of 甲醇: the oldest ranks first (the word in its title)."""
    best = member_achievement(
        org_a, alliance_a, status="accepted", title="甲醇甲醇制烯烃", summary="甲醇 甲醇"
    )
    rest = [
        member_achievement(
            org_a, alliance_a, status="accepted", title=f"材料{n}", summary="一种甲醇工艺"
        )
        for n in range(3)
    ]
    return best, rest


@pytest.fixture
def limit(monkeypatch):
    def set_limit(count_limit: int):
        defaults = {"count_limit": count_limit}
        monkeypatch.setattr(CappedPaginator.__init__, "__kwdefaults__", defaults)

    return set_limit


def test_a_search_within_the_limit_is_ranked(api, matches, limit):
    limit(10)
    body = decoded(api.get("/api/v1/achievements/", {"q": "甲醇"}))
    assert body["results"][0]["id"] == matches[0].pk
    assert (body["count"], body["count_is_estimate"]) == (4, False)
    second = decoded(api.get("/api/v1/achievements/", {"q": "甲醇", "page_size": 3, "page": 2}))
    assert [item["id"] for item in second["results"]] == [body["results"][3]["id"]]
    assert second["count"] == 4


@pytest.mark.parametrize("text, found", [("甲醇制烯烃", 1), ("无此词语", 0)])
def test_a_search_of_one_match_or_none_is_one_statement(
    api, matches, text, found, django_assert_num_queries
):
    """Newest first with the count: one row or none needs no ranking."""
    with django_assert_num_queries(1):
        body = decoded(api.get("/api/v1/achievements/", {"q": text}))
    assert [item["id"] for item in body["results"]] == [matches[0].pk][:found]
    assert (body["count"], body["count_is_estimate"]) == (found, False)


def test_a_search_page_past_its_end_is_not_found(api, matches):
    assert api.get("/api/v1/achievements/", {"q": "甲醇", "page": 3}).status_code == 404


def test_a_search_past_the_limit_lists_newest_first(api, matches, limit, django_assert_num_queries):
    limit(3)
    with django_assert_num_queries(1):  # the newest page with the count: no ranking at all
        body = decoded(api.get("/api/v1/achievements/", {"q": "甲醇", "page_size": 2}))
    newest = list(Achievement.objects.order_by("-created", "-id").values_list("id", flat=True)[:2])
    assert [item["id"] for item in body["results"]] == newest
    assert (body["count"], body["count_is_estimate"]) == (3, True)


def test_a_search_counts_its_matches_unordered(api, matches, limit):
    """Counted along the newest-first order, PostgreSQL read and sorted all 100,000
    matches of a word at 1,000,000 rows to count 10,001 (0.6 s); unordered it stops."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    limit(3)
    with CaptureQueriesContext(connection) as statements:
        decoded(api.get("/api/v1/achievements/", {"q": "甲醇", "page_size": 2}))
    (sql,) = [q["sql"] for q in statements.captured_queries]
    counted = sql.split("(SELECT count(*) FROM (", 1)[1].split(") AS capped)", 1)[0]
    assert "ORDER BY" not in counted and "LIMIT 4" in counted


def test_an_ordering_asked_for_wins_over_both(api, matches, limit):
    limit(3)
    body = decoded(api.get("/api/v1/achievements/", {"q": "甲醇", "ordering": "title"}))
    titles = [item["title"] for item in body["results"]]
    assert titles == sorted(titles)


def test_the_catalogue_says_how_many_results(client, matches, limit, monkeypatch):
    monkeypatch.setattr("projects.views.achievements.PAGE_SIZE", 2)
    limit(10)
    page = client.get("/catalogue/", {"q": "甲醇"}).content.decode()
    assert "4 results" in page and "Page 1 of 2" in page
    assert matches[0].title in page  # ranked first
    limit(3)
    page = client.get("/catalogue/", {"q": "甲醇"}).content.decode()
    assert "3+ results" in page and "Page 1 of 2+" in page
    # Newest first: the best-ranked (oldest) match is not on the first page.
    assert matches[1][-1].title in page and matches[0].title not in page
