"""A double-submitted form or a retried API POST never writes twice."""

import datetime

import pytest
from django.urls import reverse

from core.models import IdempotencyKey
from funds.models import CapitalCall, CapitalCallAllocation, Deal, Investment, Payment
from members.models import MembershipApplication

TODAY = datetime.date.today()
CALL = "/api/v1/capital-calls/"


def _call_body(fund, amount="250000.00"):
    return {"fund": fund.pk, "amount": amount, "call_date": str(TODAY), "due_date": str(TODAY)}


def test_a_retried_capital_call_answers_the_first_response_and_creates_nothing(
    api, manager_x, fund_x
):
    api.as_user(manager_x)
    first = api.post(CALL, _call_body(fund_x), HTTP_IDEMPOTENCY_KEY="call-2026-001")
    assert first.status_code == 201, first.data
    # The client never saw that answer (a worker timeout, a dropped connection): it retries.
    again = api.post(CALL, _call_body(fund_x), HTTP_IDEMPOTENCY_KEY="call-2026-001")
    assert again.status_code == 201
    assert again.data == first.data
    assert again["Idempotent-Replayed"] == "true"
    assert CapitalCall.objects.filter(fund=fund_x).count() == 1
    assert CapitalCallAllocation.objects.filter(call__fund=fund_x).count() == 1


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(api, manager_x, fund_x):
    api.as_user(manager_x)
    assert api.post(CALL, _call_body(fund_x), HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    response = api.post(CALL, _call_body(fund_x, "1.00"), HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 422
    assert "different request" in response.data["detail"]
    assert CapitalCall.objects.filter(fund=fund_x).count() == 1


def test_without_a_key_each_post_is_a_new_call(api, manager_x, fund_x):
    api.as_user(manager_x)
    api.post(CALL, _call_body(fund_x, "100.00"))
    api.post(CALL, _call_body(fund_x, "100.00"))
    assert CapitalCall.objects.filter(fund=fund_x).count() == 2


def test_a_refused_request_leaves_its_key_free_for_the_corrected_one(api, manager_x, fund_x):
    api.as_user(manager_x)
    refused = api.post(CALL, _call_body(fund_x, "9999999.00"), HTTP_IDEMPOTENCY_KEY="k2")
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    # A different body under the same key is fine: nothing was done under it yet.
    assert api.post(CALL, _call_body(fund_x), HTTP_IDEMPOTENCY_KEY="k2").status_code == 201


def test_keys_are_per_user(api, manager_x, manager_x2, fund_x):
    api.as_user(manager_x).post(CALL, _call_body(fund_x, "100.00"), HTTP_IDEMPOTENCY_KEY="same")
    api.as_user(manager_x2).post(CALL, _call_body(fund_x, "100.00"), HTTP_IDEMPOTENCY_KEY="same")
    assert CapitalCall.objects.filter(fund=fund_x).count() == 2


def test_an_overlong_key_is_a_400(api, manager_x, fund_x):
    response = api.as_user(manager_x).post(CALL, _call_body(fund_x), HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert response.status_code == 400
    assert not CapitalCall.objects.exists()


def test_a_retried_investment_is_recorded_once(api, manager_x, deal_x):
    Deal.objects.filter(pk=deal_x.pk).update(stage="approved")
    body = {"deal": deal_x.pk, "amount": "1000.00", "invested_on": str(TODAY)}
    api.as_user(manager_x)
    first = api.post("/api/v1/investments/", body, HTTP_IDEMPOTENCY_KEY="inv-1")
    again = api.post("/api/v1/investments/", body, HTTP_IDEMPOTENCY_KEY="inv-1")
    assert first.status_code == again.status_code == 201, first.data
    assert again.data["id"] == first.data["id"]
    assert Investment.objects.count() == 1


def test_a_retried_payment_is_recorded_once(api, manager_x, fund_x):
    api.as_user(manager_x)
    call = api.post(CALL, _call_body(fund_x)).data
    partner = call["allocations"][0]["limited_partner"]
    url = "/api/v1/payments/"
    body = {
        "capital_call": call["id"],
        "limited_partner": partner,
        "amount": "1000.00",
        "paid_on": str(TODAY),
    }
    first = api.post(url, body, HTTP_IDEMPOTENCY_KEY="pay-1")
    again = api.post(url, body, HTTP_IDEMPOTENCY_KEY="pay-1")
    assert first.status_code == again.status_code == 201, first.data
    assert again.data == first.data
    assert IdempotencyKey.objects.filter(key="pay-1").count() == 1
    assert Payment.objects.filter(allocation__call_id=call["id"]).count() == 1


def test_a_retried_public_application_is_received_once(api, alliance_a):
    body = {
        "alliance": alliance_a.pk,
        "organization_name": "申请单位",
        "kind": "enterprise",
        "contact_name": "王工",
        "contact_email": "wang@example.cn",
        "motivation": "合作",
    }
    first = api.post("/api/v1/membership-applications/", body, HTTP_IDEMPOTENCY_KEY="app-1")
    again = api.post("/api/v1/membership-applications/", body, HTTP_IDEMPOTENCY_KEY="app-1")
    assert first.status_code == again.status_code == 201, first.data
    assert again.data["id"] == first.data["id"]
    assert MembershipApplication.objects.count() == 1


# --- HTML forms ------------------------------------------------------------------------------


@pytest.fixture
def call_form_data():
    return {
        "amount": "100.00",
        "call_date": TODAY.isoformat(),
        "due_date": TODAY.isoformat(),
        "idempotency_key": "form-key-1",
    }


def test_the_call_form_carries_a_fresh_key(client, manager_x, fund_x):
    client.force_login(manager_x)
    page = client.get(reverse("funds:fund", args=[fund_x.pk])).content.decode()
    assert 'name="idempotency_key"' in page


def test_a_double_submitted_call_form_issues_one_call(client, manager_x, fund_x, call_form_data):
    client.force_login(manager_x)
    url = reverse("funds:call_create", args=[fund_x.pk])
    first = client.post(url, call_form_data)
    again = client.post(url, call_form_data, follow=True)
    call = CapitalCall.objects.get(fund=fund_x)
    assert first.status_code == 302
    assert first["Location"] == call.get_absolute_url()
    assert again.redirect_chain[0][0] == call.get_absolute_url()
    assert "already submitted" in again.content.decode()


def test_a_form_with_errors_keeps_its_key_usable(client, manager_x, fund_x, call_form_data):
    client.force_login(manager_x)
    url = reverse("funds:call_create", args=[fund_x.pk])
    refused = client.post(url, {**call_form_data, "amount": "99999999.00"})
    assert refused.status_code == 400
    assert client.post(url, call_form_data).status_code == 302
    assert CapitalCall.objects.filter(fund=fund_x).count() == 1


def test_a_double_submitted_application_form_is_received_once(client, alliance_a):
    data = {
        "alliance": alliance_a.pk,
        "organization_name": "重复提交单位",
        "kind": "enterprise",
        "contact_name": "李工",
        "contact_email": "li@example.cn",
        "motivation": "合作",
        "idempotency_key": "join-1",
    }
    assert client.post(reverse("members:apply"), data).status_code == 302
    assert client.post(reverse("members:apply"), data).status_code == 302
    assert MembershipApplication.objects.count() == 1
