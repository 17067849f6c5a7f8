"""Errors in sight on the deal page, and the board's drag and drop answered by the move
service."""

import datetime
from decimal import Decimal

import pytest

from funds.models import Investment
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def investment(fund_x, manager_x):
    deal = DealFactory(fund=fund_x, owner=manager_x, stage="invested")
    return Investment.objects.create(
        deal=deal, fund=fund_x, amount=Decimal("100.00"), invested_on=TODAY
    )


def test_a_refused_valuation_opens_its_section_and_heads_the_page(client, manager_x, investment):
    client.force_login(manager_x)
    response = client.post(
        f"/investments/{investment.pk}/valuations/",
        {"valued_on": "", "fair_value": "-5", "method": "cost"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in page
    before_form = page.split(f'action="/investments/{investment.pk}/valuations/"')[0]
    assert before_form.rsplit("<details", 1)[1].startswith(" open>")
    investment.refresh_from_db()
    assert not investment.valuations.exists()


def test_an_unrefused_page_has_no_error_summary(client, manager_x, investment):
    client.force_login(manager_x)
    page = client.get(f"/deals/{investment.deal_id}/").content.decode()
    assert "error-summary" not in page
    assert "<details open>" not in page


def test_a_drop_on_a_legal_column_moves_the_deal(client, manager_x, deal_x):
    client.force_login(manager_x)
    response = client.post(
        f"/deals/{deal_x.pk}/move/", {"stage": "screening"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    deal_x.refresh_from_db()
    assert deal_x.stage == "screening"


def test_an_illegal_drop_answers_the_services_message_and_changes_nothing(
    client, manager_x, deal_x
):
    client.force_login(manager_x)
    response = client.post(
        f"/deals/{deal_x.pk}/move/",
        {"stage": "invested"},
        HTTP_ACCEPT="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == ["A deal becomes invested when its investment is recorded."]
    deal_x.refresh_from_db()
    assert deal_x.stage == "sourced"


def test_a_drop_by_another_funds_manager_is_refused(client, manager_y, deal_x):
    client.force_login(manager_y)
    response = client.post(
        f"/deals/{deal_x.pk}/move/", {"stage": "screening"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code in (403, 404)
    deal_x.refresh_from_db()
    assert deal_x.stage == "sourced"
