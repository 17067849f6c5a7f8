"""The lists' read path (core/api/read.py) answers exactly what the validated serializer
answers for the same rows: each list item equals the row's detail (which the serializer
renders), byte for byte once decoded, for every persona, with permission-dependent fields
hidden the same way. Then the capped count and the cursor pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import orjson
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.paging import CappedPaginator
from members import roles
from projects import services
from projects.models import Achievement, Attachment
from tests.factories import (
    DealFactory,
    FundFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    member_achievement,
)

pytestmark = pytest.mark.django_db


def decoded(response):
    assert response.status_code == 200, response.content[:300]
    return orjson.loads(response.content)


def assert_list_equals_details(api, url, *, at_least: int):
    """Every item of the list page is the row's detail, field for field."""
    listing = decoded(api.get(url, {"page_size": 100}))
    assert len(listing["results"]) >= at_least
    for item in listing["results"]:
        detail = decoded(api.get(f"{url.split('?')[0]}{item['id']}/"))
        assert list(item) == list(detail), "same fields in the same order"
        assert item == detail
    return listing


@pytest.fixture
def achievements(org_a, alliance_a, org_b, alliance_b, submitter_a, pdf_bytes):
    accepted = member_achievement(org_a, alliance_a, status="accepted", cooperation=["licence"])
    confidential = member_achievement(org_a, alliance_a, status="accepted", is_confidential=True)
    submitted = member_achievement(org_b, alliance_b, status="submitted")
    draft = member_achievement(org_a, alliance_a)
    services.attachment_add(
        achievement=draft,
        actor=submitter_a,
        upload=SimpleUploadedFile("方案.pdf", pdf_bytes, content_type="application/pdf"),
    )
    return accepted, confidential, submitted, draft


@pytest.fixture
def manager_x():
    return UserFactory(username="mgr_x", groups=[roles.FUND_MANAGER])


@pytest.fixture
def fund_x(manager_x):
    return FundFactory(name="基金X", team=[manager_x])


@pytest.mark.parametrize(
    "persona", [None, "submitter_a", "submitter_b", "secretariat_a", "analyst", "fund_manager"]
)
def test_achievement_list_items_equal_their_details(request, api, achievements, persona):
    if persona:
        api.as_user(request.getfixturevalue(persona))
    listing = assert_list_equals_details(api, "/api/v1/achievements/", at_least=1)
    by_id = {item["id"]: item for item in listing["results"]}
    accepted = by_id[achievements[0].pk]
    if persona in (None, "submitter_b"):
        # Confidential details, inventors, patents and files stay hidden from them.
        assert accepted["confidential_details"] is None
        assert accepted["inventors"] is None and accepted["ip_items"] is None
    else:
        assert accepted["confidential_details"] == "机密工艺参数"
        assert [i["share"] for i in accepted["inventors"]] == ["60.00", "40.00"]
        assert accepted["ip_items"][0]["number"]


def test_the_owner_sees_the_draft_with_its_attachment_in_the_list(api, submitter_a, achievements):
    draft = achievements[3]
    listing = assert_list_equals_details(
        api.as_user(submitter_a), "/api/v1/achievements/", at_least=3
    )
    item = next(i for i in listing["results"] if i["id"] == draft.pk)
    attachment = Attachment.objects.get(achievement=draft)
    assert item["attachments"][0]["url"].endswith(attachment.get_absolute_url())
    assert item["attachments"][0]["name"] == "方案.pdf"


def test_a_search_lists_the_same_items_as_the_details(api, analyst, achievements):
    listing = assert_list_equals_details(
        api.as_user(analyst), "/api/v1/achievements/?q=催化", at_least=2
    )
    assert {item["id"] for item in listing["results"]} >= {achievements[0].pk}


@pytest.mark.parametrize("persona", [None, "secretariat_a", "analyst"])
def test_organization_and_membership_items_equal_their_details(request, api, alliance_a, persona):
    parent = OrganizationFactory(name="中国科学院")
    MembershipFactory(alliance=alliance_a, organization=OrganizationFactory(parent=parent))
    MembershipFactory(alliance=alliance_a, organization=parent, status="suspended")
    MembershipFactory(alliance=alliance_a, term_end=None, joined_on=None)
    if persona:
        api.as_user(request.getfixturevalue(persona))
    assert_list_equals_details(api, "/api/v1/organizations/", at_least=2)
    assert_list_equals_details(api, "/api/v1/memberships/", at_least=2)


def test_deal_items_equal_their_details(api, fund_x, manager_x, analyst):
    DealFactory(fund=fund_x, owner=manager_x, pre_money_valuation=Decimal("12345678.90"))
    DealFactory(
        fund=fund_x,
        owner=manager_x,
        stage_changed_at=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    )
    DealFactory(fund=fund_x, owner=manager_x, stage_changed_at=None)
    for persona in (manager_x, analyst):
        listing = assert_list_equals_details(api.as_user(persona), "/api/v1/deals/", at_least=3)
        days = sorted(item["days_in_stage"] for item in listing["results"] if item["days_in_stage"])
        assert days and days[-1] > 300


# --- the capped count ----------------------------------------------------------------------


def test_the_count_is_exact_below_the_limit_and_a_lower_bound_above(org_a, alliance_a):
    for _ in range(7):
        member_achievement(org_a, alliance_a, status="accepted")
    rows = Achievement.objects.order_by("-id")
    exact = CappedPaginator(rows, 2, count_limit=10)
    page = exact.page(1)
    assert (exact.count, exact.count_is_estimate, page.has_next()) == (7, False, True)
    capped = CappedPaginator(rows, 2, count_limit=5)
    capped.page(1)
    assert (capped.count, capped.count_is_estimate) == (5, True)
    # A page that reaches the end knows the exact count, whatever the limit.
    last = CappedPaginator(rows, 2, count_limit=3)
    assert not last.page(4).has_next()
    assert (last.count, last.count_is_estimate) == (7, False)


def test_the_api_marks_a_capped_count(api, monkeypatch, org_a, alliance_a):
    for _ in range(4):
        member_achievement(org_a, alliance_a, status="accepted")
    body = decoded(api.get("/api/v1/achievements/", {"page_size": 2}))
    assert (body["count"], body["count_is_estimate"]) == (4, False)
    monkeypatch.setattr(CappedPaginator.__init__, "__kwdefaults__", {"count_limit": 3})
    body = decoded(api.get("/api/v1/achievements/", {"page_size": 2}))
    assert (body["count"], body["count_is_estimate"]) == (3, True)
    assert body["next"].endswith("page=2&page_size=2")
    # The page past the capped count still exists; the last one is exact again.
    body = decoded(api.get("/api/v1/achievements/", {"page_size": 2, "page": 2}))
    assert (body["count"], body["count_is_estimate"], body["next"]) == (4, False, None)
    assert api.get("/api/v1/achievements/", {"page_size": 2, "page": 3}).status_code == 404


@pytest.mark.parametrize("page", ["0", "x", "99", str(10**30)])
def test_a_page_that_does_not_exist_is_a_404(api, page, accepted_a):
    response = api.get("/api/v1/achievements/", {"page": page})
    assert response.status_code == 404
    assert "detail" in orjson.loads(response.content)


# --- cursor pages ----------------------------------------------------------------------------


def test_cursor_pages_walk_every_row_once_in_order(api, analyst, org_a, alliance_a):
    made = [member_achievement(org_a, alliance_a, status="accepted").pk for _ in range(5)]
    api.as_user(analyst)
    seen, url, params = [], "/api/v1/achievements/", {"pagination": "cursor", "page_size": 2}
    while url:
        body = decoded(api.get(url, params))
        assert "count" not in body
        seen += [item["id"] for item in body["results"]]
        url, params = body["next"], None
    assert seen == sorted(made, reverse=True)


def test_cursor_pages_are_ordered_by_the_key_only(api, fund_x, manager_x):
    """Tried as an outsider: ordered by a column with ties, a cursor walk repeated and
    skipped rows; by a relation, its second page was a 500. Cursor pages take the key's
    order (either way) and refuse any other with a 400 naming it."""
    made = [
        DealFactory(fund=fund_x, owner=manager_x, requested_amount=Decimal(amount)).pk
        for amount in ("3.00", "1.00", "2.00")
    ]
    api.as_user(manager_x)
    for ordering, expected in ((None, sorted(made, reverse=True)), ("id", sorted(made))):
        seen, url = [], "/api/v1/deals/"
        params = {"pagination": "cursor", "page_size": 1}
        if ordering:
            params["ordering"] = ordering
        while url:
            body = decoded(api.get(url, params))
            seen += [item["id"] for item in body["results"]]
            url, params = body["next"], None
        assert seen == expected
    for ordering in ("requested_amount", "stage", "fund", "-created", "id,stage"):
        response = api.get("/api/v1/deals/", {"pagination": "cursor", "ordering": ordering})
        assert response.status_code == 400, ordering
        assert "ordering" in orjson.loads(response.content)


@pytest.mark.parametrize("position", ["abc", "1\x002", "-5", "9" * 40, "1.5"])
def test_a_forged_cursor_is_a_404(api, accepted_a, position):
    import base64

    forged = base64.b64encode(f"p={position}".encode()).decode()
    response = api.get("/api/v1/achievements/", {"cursor": forged})
    assert response.status_code == 404
    assert "detail" in orjson.loads(response.content)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"pagination": "offset"}, "pagination"), ({"cursor": "not-a-cursor"}, None)],
)
def test_bad_pagination_input_is_refused(api, accepted_a, params, field):
    response = api.get("/api/v1/achievements/", params)
    assert response.status_code in (400, 404)
    body = orjson.loads(response.content)
    assert field in body if field else "detail" in body


def test_a_membership_list_by_cursor_is_newest_first(api, secretariat_a, alliance_a):
    made = [MembershipFactory(alliance=alliance_a).pk for _ in range(3)]
    body = decoded(api.as_user(secretariat_a).get("/api/v1/memberships/", {"pagination": "cursor"}))
    assert [item["id"] for item in body["results"]][:3] == sorted(made, reverse=True)
