"""The funds admin writes only through the services the portal and the API use."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from funds import services
from funds.models import Commitment, DealEvent, Fund, Investment
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _inline(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_a_fund_added_in_the_admin_gets_the_default_criteria_and_history(client, superuser):
    client.force_login(superuser)
    manager = OrganizationFactory(kind="investor")
    response = client.post(
        "/admin/funds/fund/add/",
        {
            "name": "新材料二期基金",
            "manager": manager.pk,
            "target_size": "500000000.00",
            "currency": "CNY",
            "vintage_year": "2024",
            "status": "fundraising",
            **_inline("commitments"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    fund = Fund.objects.get(name="新材料二期基金")
    assert fund.criteria.count() > 0
    assert fund.history.count() == 1


def test_a_commitment_cut_below_what_was_called_is_refused_in_the_admin(
    client, superuser, fund_x, manager_x
):
    services.capital_call_create(
        fund=fund_x,
        actor=manager_x,
        amount=Decimal("800000.00"),
        call_date=datetime.date(2024, 1, 2),
        due_date=datetime.date(2024, 2, 2),
    )
    commitment = fund_x.commitments.get()
    client.force_login(superuser)
    data = {
        "name": fund_x.name,
        "manager": fund_x.manager_id,
        "target_size": str(fund_x.target_size),
        "currency": fund_x.currency,
        "vintage_year": str(fund_x.vintage_year),
        "status": fund_x.status,
        "team": [user.pk for user in fund_x.team.all()],
        **_inline("commitments", total=1, initial=1),
        "commitments-0-id": commitment.pk,
        "commitments-0-fund": fund_x.pk,
        "commitments-0-limited_partner": commitment.limited_partner_id,
        "commitments-0-amount": "100.00",
        "commitments-0-committed_on": commitment.committed_on.isoformat(),
        **_inline("criteria", total=0, initial=0),
    }
    criteria = list(fund_x.criteria.all())
    data.update(_inline("criteria", total=len(criteria), initial=len(criteria)))
    for i, criterion in enumerate(criteria):
        for field in ("id", "key", "name", "weight", "position"):
            data[f"criteria-{i}-{field}"] = getattr(criterion, field)
        data[f"criteria-{i}-fund"] = fund_x.pk
    response = client.post(f"/admin/funds/fund/{fund_x.pk}/change/", data, follow=True)
    assert (
        "The commitments would total 100.00, less than the fund has already called "
        "(800000.00) or invested (0)."
    ) in response.content.decode()
    assert Commitment.objects.get(pk=commitment.pk).amount == Decimal("1000000.00")


def test_investments_are_read_only_in_the_admin(client, superuser, deal_x):
    client.force_login(superuser)
    page = client.get("/admin/funds/investment/add/")
    assert page.status_code == 403
    assert not Investment.objects.exists()


def test_a_deal_added_in_the_admin_starts_sourced_with_its_event(
    client, superuser, fund_x, manager_x
):
    client.force_login(superuser)
    company = OrganizationFactory(kind="enterprise")
    response = client.post(
        "/admin/funds/deal/add/",
        {
            "fund": fund_x.pk,
            "company": company.pk,
            "source": "alliance",
            "owner": manager_x.pk,
            "requested_amount": "1000.00",
            "currency": "CNY",
            **_inline("events"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    deal = fund_x.deals.get(company=company)
    assert deal.stage == "sourced"
    assert DealEvent.objects.filter(deal=deal, to_status="sourced").exists()
