import datetime
from decimal import Decimal

import pytest

from funds.models import CapitalCall, Deal, DealReview, Investment
from tests.api_checks import APIResourceChecks
from tests.factories import CommitmentFactory, DealFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
SCORES = {
    "technology": 5,
    "market": 4,
    "team": 4,
    "ip_strength": 5,
    "import_substitution": 5,
    "financials": 3,
}


class FundResource(APIResourceChecks):
    reader = "manager_x"
    outsider = "manager_y"
    max_queries = 8


class TestFundsAPI(FundResource):
    list_url = "/api/v1/funds/"

    def make_rows(self, count, request):
        from tests.factories import FundFactory

        manager = request.getfixturevalue("manager_x")
        for _ in range(count):
            FundFactory(team=[manager])


class TestCommitmentsAPI(FundResource):
    list_url = "/api/v1/commitments/"

    def make_rows(self, count, request):
        fund = request.getfixturevalue("fund_x")
        for _ in range(count):
            CommitmentFactory(fund=fund)


class TestCapitalCallsAPI(FundResource):
    list_url = "/api/v1/capital-calls/"

    def make_rows(self, count, request):
        from funds import services

        fund, manager = request.getfixturevalue("fund_x"), request.getfixturevalue("manager_x")
        for _ in range(count):
            services.capital_call_create(
                fund=fund, actor=manager, amount=Decimal("1.00"), call_date=TODAY, due_date=TODAY
            )


class TestDealsAPI(FundResource):
    list_url = "/api/v1/deals/"

    def make_rows(self, count, request):
        fund, manager = request.getfixturevalue("fund_x"), request.getfixturevalue("manager_x")
        DealFactory.create_batch(count, fund=fund, owner=manager)


class TestDealReviewsAPI(FundResource):
    list_url = "/api/v1/deal-reviews/"

    def make_rows(self, count, request):
        fund, manager = request.getfixturevalue("fund_x"), request.getfixturevalue("manager_x")
        for deal in DealFactory.create_batch(count, fund=fund, owner=manager, stage="screening"):
            DealReview.objects.create(deal=deal, reviewer=manager, scores=SCORES, weighted_score=4)


class TestCommitteeDecisionsAPI(FundResource):
    list_url = "/api/v1/committee-decisions/"

    def make_rows(self, count, request):
        from funds.models import CommitteeDecision

        fund, manager = request.getfixturevalue("fund_x"), request.getfixturevalue("manager_x")
        for deal in DealFactory.create_batch(count, fund=fund, owner=manager):
            CommitteeDecision.objects.create(
                deal=deal, meeting_date=TODAY, votes_for=3, votes_against=0, decision="approve"
            )


def _investments(request, count):
    fund, manager = request.getfixturevalue("fund_x"), request.getfixturevalue("manager_x")
    return [
        Investment.objects.create(deal=deal, fund=fund, amount=Decimal("1.00"), invested_on=TODAY)
        for deal in DealFactory.create_batch(count, fund=fund, owner=manager, stage="invested")
    ]


class TestInvestmentsAPI(FundResource):
    list_url = "/api/v1/investments/"

    def make_rows(self, count, request):
        _investments(request, count)


class TestValuationsAPI(FundResource):
    list_url = "/api/v1/valuations/"

    def make_rows(self, count, request):
        from funds.models import Valuation

        for investment in _investments(request, count):
            Valuation.objects.create(investment=investment, valued_on=TODAY, fair_value=2)


class TestExitsAPI(FundResource):
    list_url = "/api/v1/exits/"

    def make_rows(self, count, request):
        from funds.models import Exit

        for investment in _investments(request, count):
            Exit.objects.create(investment=investment, exited_on=TODAY, kind="ipo", proceeds=3)


# --- Visibility ----------------------------------------------------------------------------


def test_a_manager_of_fund_x_cannot_see_fund_y_deals(api, manager_x, deal_x, deal_y):
    api.as_user(manager_x)
    ids = {row["id"] for row in api.get("/api/v1/deals/").data["results"]}
    assert ids == {deal_x.pk}
    assert api.get(f"/api/v1/deals/{deal_y.pk}/").status_code == 404
    assert api.get(f"/api/v1/funds/{deal_y.fund_id}/metrics/").status_code == 404


@pytest.mark.parametrize("persona", ["submitter_a", "secretariat_a", "outsider"])
def test_fund_data_is_hidden_from_other_roles(request, api, deal_x, persona):
    api.as_user(request.getfixturevalue(persona))
    assert api.get("/api/v1/deals/").data["count"] == 0
    assert api.get("/api/v1/funds/").data["count"] == 0


def test_the_analyst_reads_every_fund_but_writes_nothing(api, analyst, deal_x, deal_y):
    api.as_user(analyst)
    assert api.get("/api/v1/deals/").data["count"] == 2
    response = api.post(f"/api/v1/deals/{deal_x.pk}/move/", {"stage": "screening"})
    assert response.status_code == 403


def test_anonymous_gets_401(api, deal_x):
    assert api.get("/api/v1/deals/").status_code == 401


def test_fund_pages_are_hidden_from_another_fund_manager(client, manager_y, deal_x):
    client.force_login(manager_y)
    for url in (
        f"/funds/{deal_x.fund_id}/",
        f"/funds/{deal_x.fund_id}/board/",
        f"/deals/{deal_x.pk}/",
        f"/funds/{deal_x.fund_id}/deals/",
    ):
        assert client.get(url).status_code == 404, url
    client.post(f"/deals/{deal_x.pk}/move/", {f"d{deal_x.pk}-stage": "screening"})
    deal_x.refresh_from_db()
    assert deal_x.stage == "sourced"


# --- Writes through the API ------------------------------------------------------------------


def test_deal_flow_through_the_api(api, manager_x, manager_x2, fund_x):
    company = CommitmentFactory(fund=fund_x).limited_partner
    api.as_user(manager_x)
    created = api.post(
        "/api/v1/deals/",
        {"fund": fund_x.pk, "company": company.pk, "requested_amount": "500000.00"},
    )
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    assert created.data["stage"] == "sourced"
    for stage in ("screening", "due_diligence", "committee"):
        assert api.post(f"/api/v1/deals/{pk}/move/", {"stage": stage}).status_code == 200
    skip = api.post(f"/api/v1/deals/{pk}/move/", {"stage": "approved"})
    assert skip.status_code == 400
    assert "committee" in str(skip.data["stage"])
    review = api.post("/api/v1/deal-reviews/", {"deal": pk, "scores": SCORES}, format="json")
    assert review.status_code == 201, review.data
    again = api.post("/api/v1/deal-reviews/", {"deal": pk, "scores": SCORES}, format="json")
    assert again.status_code == 400
    decision = api.post(
        "/api/v1/committee-decisions/",
        {
            "deal": pk,
            "meeting_date": str(TODAY),
            "votes_for": 4,
            "votes_against": 0,
            "votes_abstain": 1,
            "decision": "approve",
        },
    )
    assert decision.status_code == 201, decision.data
    invested = api.post(
        "/api/v1/investments/",
        {"deal": pk, "amount": "400000.00", "invested_on": str(TODAY), "instrument": "equity"},
    )
    assert invested.status_code == 201, invested.data
    assert Deal.objects.get(pk=pk).stage == "invested"
    metrics = api.get(f"/api/v1/funds/{fund_x.pk}/metrics/").data
    assert metrics["invested"] == "400000.00"
    assert metrics["irr"] is None  # nothing paid in yet: not defined


def test_an_investment_on_an_unapproved_deal_is_a_400(api, manager_x, deal_x):
    response = api.as_user(manager_x).post(
        "/api/v1/investments/", {"deal": deal_x.pk, "amount": "1.00", "invested_on": str(TODAY)}
    )
    assert response.status_code == 400
    assert not Investment.objects.exists()


def test_capital_call_through_the_api_and_payment(api, manager_x, fund_x):
    api.as_user(manager_x)
    response = api.post(
        "/api/v1/capital-calls/",
        {"fund": fund_x.pk, "amount": "250000.00", "call_date": str(TODAY), "due_date": str(TODAY)},
    )
    assert response.status_code == 201, response.data
    assert sum(Decimal(a["amount"]) for a in response.data["allocations"]) == Decimal("250000.00")
    partner = response.data["allocations"][0]["limited_partner"]
    paid = api.post(
        "/api/v1/payments/",
        {
            "capital_call": response.data["id"],
            "limited_partner": partner,
            "amount": "250000.00",
            "paid_on": str(TODAY),
        },
    )
    assert paid.status_code == 201, paid.data
    call = api.get(f"/api/v1/capital-calls/{response.data['id']}/").data
    assert call["allocations"][0]["status"] == "paid"
    over = api.post(
        "/api/v1/capital-calls/",
        {
            "fund": fund_x.pk,
            "amount": "999999999.00",
            "call_date": str(TODAY),
            "due_date": str(TODAY),
        },
    )
    assert over.status_code == 400
    assert CapitalCall.objects.count() == 1


@pytest.mark.parametrize("as_of", ["yesterday", "2024-13-01", "'; drop table"])
def test_metrics_with_a_bad_date_is_a_400(api, manager_x, fund_x, as_of):
    response = api.as_user(manager_x).get(f"/api/v1/funds/{fund_x.pk}/metrics/", {"as_of": as_of})
    assert response.status_code == 400


# --- Pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["board", "deals", "sorted deals", "fund", "funds"])
def test_fund_pages_run_a_fixed_number_of_queries(
    client, manager_x, fund_x, django_assert_max_num_queries, page
):
    client.force_login(manager_x)
    url = {
        "board": f"/funds/{fund_x.pk}/board/",
        "deals": f"/funds/{fund_x.pk}/deals/",
        "sorted deals": f"/funds/{fund_x.pk}/deals/?ordering=-company&stage=screening",
        "fund": f"/funds/{fund_x.pk}/",
        "funds": "/funds/?ordering=-deals",
    }[page]
    for count in (3, 27):
        for stage in ["sourced", "screening", "committee"] * (count // 3):
            DealFactory(fund=fund_x, owner=manager_x, stage=stage)
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200


def test_the_deal_table_and_the_fund_list_sort_and_count(client, manager_x, fund_x, fund_y):
    from decimal import Decimal

    for name, amount in (("乙公司", "3000000"), ("甲公司", "1000000"), ("丙公司", "2000000")):
        DealFactory(
            fund=fund_x,
            owner=manager_x,
            company__name=name,
            company__name_en="",
            requested_amount=Decimal(amount),
        )
    client.force_login(manager_x)
    url = f"/funds/{fund_x.pk}/deals/"

    def companies(query):
        response = client.get(url, query)
        return [d.company.name for d in response.context["page"]], response.content.decode()

    newest_first, page = companies({})
    assert newest_first == ["丙公司", "甲公司", "乙公司"]
    assert ">3 results<" in page and 'href="?ordering=requested"' in page
    assert companies({"ordering": "requested"})[0] == ["甲公司", "丙公司", "乙公司"]
    assert companies({"ordering": "-requested"})[0] == ["乙公司", "丙公司", "甲公司"]
    # The export follows the table's order.
    export = client.get(url, {"ordering": "-requested", "export": "csv"})
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["乙公司", "丙公司", "甲公司"]
    # Stages in the pipeline's order, not their codes' (tried as an outsider: "committee"
    # came before "declined", "exited", "invested", ..., "sourced").
    for name, stage in (("乙公司", "committee"), ("甲公司", "sourced"), ("丙公司", "invested")):
        Deal.objects.filter(fund=fund_x, company__name=name).update(stage=stage)
    assert companies({"ordering": "stage"})[0] == ["甲公司", "乙公司", "丙公司"]
    assert companies({"ordering": "-stage"})[0] == ["丙公司", "乙公司", "甲公司"]
    export = client.get(url, {"ordering": "stage", "export": "csv"})
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["甲公司", "乙公司", "丙公司"]
    # Days in stage: 乙 moved 30 days ago, 甲 3 days ago, 丙 today.
    from django.utils import timezone

    for name, days in (("乙公司", 30), ("甲公司", 3), ("丙公司", 0)):
        Deal.objects.filter(fund=fund_x, company__name=name).update(
            stage_changed_at=timezone.now() - timezone.timedelta(days=days, hours=1)
        )
    youngest_first, page = companies({"ordering": "days"})
    assert youngest_first == ["丙公司", "甲公司", "乙公司"]
    assert 'aria-sort="ascending"' in page
    assert companies({"ordering": "-days"})[0] == ["乙公司", "甲公司", "丙公司"]
    export = client.get(url, {"ordering": "-days", "export": "csv"})
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["乙公司", "甲公司", "丙公司"]

    funds = client.get("/funds/", {"ordering": "-name"})
    assert [f.name for f in funds.context["funds"]] == ["基金X"]  # the funds the user sees
    assert ">1 result<" in funds.content.decode()
    assert 'aria-sort="descending"' in funds.content.decode()


def test_the_board_moves_a_card_without_javascript(client, manager_x, deal_x):
    client.force_login(manager_x)
    page = client.get(f"/funds/{deal_x.fund_id}/board/").content.decode()
    assert f'data-testid="move-{deal_x.pk}"' in page
    response = client.post(
        f"/deals/{deal_x.pk}/move/",
        {f"d{deal_x.pk}-stage": "screening", "next": f"/funds/{deal_x.fund_id}/board/"},
    )
    assert response.status_code == 302
    deal_x.refresh_from_db()
    assert deal_x.stage == "screening"


def test_the_deal_table_exports_csv(client, manager_x, deal_x, deal_y):
    client.force_login(manager_x)
    response = client.get(f"/funds/{deal_x.fund_id}/deals/", {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert deal_x.company.display_name in body
    assert deal_y.company.display_name not in body


def test_call_notice_page(client, manager_x, fund_x):
    from funds import services

    call = services.capital_call_create(
        fund=fund_x, actor=manager_x, amount=Decimal("99.99"), call_date=TODAY, due_date=TODAY
    )
    allocation = call.allocations.get()
    client.force_login(manager_x)
    page = client.get(f"/calls/{call.pk}/notices/{allocation.pk}/").content.decode()
    assert "99.99" in page
    assert allocation.limited_partner.display_name in page  # the reader's language
