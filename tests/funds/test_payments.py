"""Payments are dated records: each instalment on its own date, in the figures too."""

import datetime
import importlib
import threading
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from funds import services
from funds.metrics import fund_figures
from funds.models import CapitalCallAllocation, Investment, Payment, Valuation
from tests.api_checks import APIResourceChecks
from tests.factories import CommitmentFactory, DealFactory, FundFactory
from tests.funds.test_metrics_oracle import assert_close, assert_is_a_root, oracle_root

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()


CALL_DAY = D(2020, 1, 15)


def _call(fund, actor, amount="100000.00", day=CALL_DAY):
    return services.capital_call_create(
        fund=fund, actor=actor, amount=Decimal(amount), call_date=day, due_date=day
    )


def _pay(call, actor, amount, day, reference=""):
    partner = call.allocations.get().limited_partner
    return services.payment_record(
        capital_call=call,
        limited_partner=partner,
        actor=actor,
        amount=Decimal(amount),
        paid_on=day,
        reference=reference,
    )


# --- The IRR of instalments -----------------------------------------------------------------


def test_instalments_count_on_their_own_dates_irr_0_174449(manager_x):
    """The testers' case: an allocation of 1,000,000 paid 500,000 on 2020-01-15 and the rest
    on 2021-01-15, held at 1,500,000 on 2023-01-15. Dated on the last payment the IRR was
    √1.5 − 1 = 0.224745; on the true dates it is 0.174449 (checked by the oracle)."""
    fund = FundFactory(team=[manager_x])
    CommitmentFactory(fund=fund, amount=Decimal("1000000.00"))
    call = _call(fund, manager_x, "1000000.00")
    _pay(call, manager_x, "500000.00", D(2020, 1, 15), "HSBC-1")
    _pay(call, manager_x, "500000.00", D(2021, 1, 15), "HSBC-2")
    deal = DealFactory(fund=fund, stage="invested")
    investment = Investment.objects.create(
        deal=deal, fund=fund, amount=Decimal("1000000.00"), invested_on=D(2021, 1, 15)
    )
    Valuation.objects.create(
        investment=investment, valued_on=D(2023, 1, 15), fair_value=Decimal("1500000.00")
    )

    figures = fund_figures(fund, as_of=D(2023, 1, 15))

    assert figures.paid_in == Decimal("1000000.00")
    assert (figures.nav, figures.nav_cash) == (Decimal("1500000.00"), 0)
    assert round(figures.irr, 6) == 0.174449
    # The independent oracle: bisection in 40-digit decimals on (1 + r)^(1/365).
    cents = [
        (D(2020, 1, 15), -50_000_000),
        (D(2021, 1, 15), -50_000_000),
        (D(2023, 1, 15), 150_000_000),
    ]
    assert_close(figures.irr, oracle_root(cents))
    assert_is_a_root(cents, figures.irr)
    # What the old, wrong dating gave: all of it on the last payment.
    last_dated = [(D(2021, 1, 15), -100_000_000), (D(2023, 1, 15), 150_000_000)]
    assert abs(oracle_root(last_dated) - Decimal("0.224745")) < Decimal("0.000001")
    # Only what was paid by the date counts: half a year in, only the first instalment.
    assert fund_figures(fund, as_of=D(2020, 6, 30)).paid_in == Decimal("500000.00")


# --- The service ----------------------------------------------------------------------------


def test_each_instalment_is_a_row_and_the_allocation_keeps_the_sum_and_last_date(manager_x, fund_x):
    call = _call(fund_x, manager_x)
    first = _pay(call, manager_x, "30000.00", D(2020, 2, 1), " TT-001 ")
    _pay(call, manager_x, "70000.00", D(2020, 3, 1))
    allocation = call.allocations.get()
    assert allocation.paid_amount == Decimal("100000.00")
    assert allocation.paid_on == D(2020, 3, 1)
    assert allocation.status == "paid"
    assert [(p.amount, p.paid_on) for p in allocation.payments.all()] == [
        (Decimal("30000.00"), D(2020, 2, 1)),
        (Decimal("70000.00"), D(2020, 3, 1)),
    ]
    assert (first.reference, first.recorded_by) == ("TT-001", manager_x)
    assert first.history.count() == 1


@pytest.mark.parametrize(
    ("amount", "day", "field"),
    [
        ("1000.00", D(2020, 1, 14), "paid_on"),  # a day before the call
        ("1000.00", D(1, 1, 1), "paid_on"),  # 0001-01-01
        ("1000.00", TODAY + datetime.timedelta(days=1), "paid_on"),  # tomorrow
        ("100000.01", D(2020, 2, 1), "amount"),  # beyond the allocation
        ("0.00", D(2020, 2, 1), "amount"),
        ("-5.00", D(2020, 2, 1), "amount"),
    ],
)
def test_a_payment_out_of_bounds_is_refused_and_changes_nothing(
    manager_x, fund_x, amount, day, field
):
    call = _call(fund_x, manager_x)
    with pytest.raises(ValidationError) as refusal:
        _pay(call, manager_x, amount, day)
    assert field in refusal.value.message_dict
    assert not Payment.objects.exists()
    assert call.allocations.get().paid_amount == 0


def test_a_second_instalment_beyond_what_is_unpaid_is_refused(manager_x, fund_x):
    call = _call(fund_x, manager_x)
    _pay(call, manager_x, "60000.00", D(2020, 2, 1))
    with pytest.raises(ValidationError, match="Only 40000.00 of this allocation is unpaid"):
        _pay(call, manager_x, "40000.01", D(2020, 2, 2))
    assert call.allocations.get().paid_amount == Decimal("60000.00")


def test_only_the_team_records_a_payment(manager_y, analyst, manager_x, fund_x):
    from django.core.exceptions import PermissionDenied

    call = _call(fund_x, manager_x)
    for user in (manager_y, analyst):
        with pytest.raises(PermissionDenied):
            _pay(call, user, "1.00", D(2020, 2, 1))
    assert not Payment.objects.exists()


def test_a_partner_without_a_part_in_the_call_is_refused(manager_x, fund_x, fund_y):
    call = _call(fund_x, manager_x)
    stranger = fund_y.commitments.get().limited_partner
    with pytest.raises(ValidationError) as refusal:
        services.payment_record(
            capital_call=call,
            limited_partner=stranger,
            actor=manager_x,
            amount=Decimal("1.00"),
            paid_on=D(2020, 2, 1),
        )
    assert "limited_partner" in refusal.value.message_dict


# --- The database backs the service ----------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "day", "rule"),
    [
        ("1.00", D(2020, 1, 14), "funds_payment_not_before_call"),
        ("1.00", TODAY + datetime.timedelta(days=2), "funds_payment_not_in_future"),
        ("100000.01", D(2020, 2, 1), "funds_payment_within_allocation"),
        ("1.00", D(1, 1, 1), "funds_payment_not_before_call"),  # (and out of range)
        ("0.00", D(2020, 2, 1), "funds_payment_amount_positive"),
    ],
)
def test_the_database_refuses_a_payment_out_of_bounds(manager_x, fund_x, amount, day, rule):
    call = _call(fund_x, manager_x)
    allocation = call.allocations.get()
    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        Payment.objects.create(allocation=allocation, amount=Decimal(amount), paid_on=day)
    assert refusal.value.__cause__.diag.constraint_name == rule
    assert not Payment.objects.exists()


def test_the_database_sums_instalments_written_past_the_service(manager_x, fund_x):
    call = _call(fund_x, manager_x)
    allocation = call.allocations.get()
    a = Payment.objects.create(
        allocation=allocation, amount=Decimal("10.00"), paid_on=D(2020, 5, 1)
    )
    Payment.objects.create(allocation=allocation, amount=Decimal("5.00"), paid_on=D(2020, 4, 1))
    allocation.refresh_from_db()
    assert (allocation.paid_amount, allocation.paid_on) == (Decimal("15.00"), D(2020, 5, 1))
    a.delete()
    allocation.refresh_from_db()
    assert (allocation.paid_amount, allocation.paid_on) == (Decimal("5.00"), D(2020, 4, 1))


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_instalments_cannot_overpay_an_allocation(manager_x, fund_x):
    """Each of 60,000 fits the 100,000 alone; racing, the allocation's row lock lets one in."""
    call = _call(fund_x, manager_x)
    barrier = threading.Barrier(2)
    outcomes = []

    def pay():
        try:
            barrier.wait(timeout=10)
            _pay(call, manager_x, "60000.00", D(2020, 2, 1))
            outcomes.append("ok")
        except (ValidationError, IntegrityError):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refused"]
    assert call.allocations.get().paid_amount == Decimal("60000.00")


def test_the_data_migration_turns_each_paid_allocation_into_one_payment(manager_x, fund_x):
    call = _call(fund_x, manager_x)
    CapitalCallAllocation.objects.filter(call=call).update(
        paid_amount=Decimal("2500.00"), paid_on=D(2020, 3, 3)
    )
    migration = importlib.import_module("funds.migrations.0008_payments_from_allocations")
    migration.payments(django_apps, None)
    payment = Payment.objects.get()
    assert (payment.amount, payment.paid_on) == (Decimal("2500.00"), D(2020, 3, 3))
    assert call.allocations.get().paid_amount == Decimal("2500.00")


# --- The API --------------------------------------------------------------------------------


def _payments(request, count):
    fund, manager = request.getfixturevalue("fund_x"), request.getfixturevalue("manager_x")
    call = _call(fund, manager, "100000.00")
    allocation = call.allocations.get()
    Payment.objects.bulk_create(
        Payment(allocation=allocation, amount=Decimal("1.00"), paid_on=D(2020, 2, 1))
        for _ in range(count)
    )
    return call


class TestPaymentsAPI(APIResourceChecks):
    list_url = "/api/v1/payments/"
    reader = "manager_x"
    writer = "manager_x"
    outsider = "manager_y"
    max_queries = 8

    def make_rows(self, count, request):
        _payments(request, count)

    def create_payload_for(self, request):
        fund, manager = request.getfixturevalue("fund_x"), request.getfixturevalue("manager_x")
        call = _call(fund, manager, "500.00")
        return {
            "capital_call": call.pk,
            "limited_partner": call.allocations.get().limited_partner_id,
            "amount": "200.00",
            "paid_on": "2020-02-01",
            "reference": "SWIFT 42",
        }


def test_the_api_lists_each_instalment_with_its_call_and_partner(api, manager_x, fund_x):
    call = _call(fund_x, manager_x)
    partner = call.allocations.get().limited_partner_id
    api.as_user(manager_x)
    for amount, day in (("500.00", "2020-01-15"), ("700.00", "2021-01-15")):
        response = api.post(
            "/api/v1/payments/",
            {"capital_call": call.pk, "limited_partner": partner, "amount": amount, "paid_on": day},
        )
        assert response.status_code == 201, response.data
    listing = api.get("/api/v1/payments/", {"capital_call": call.pk, "ordering": "paid_on"}).data
    assert [(p["amount"], p["paid_on"]) for p in listing["results"]] == [
        ("500.00", "2020-01-15"),
        ("700.00", "2021-01-15"),
    ]
    assert listing["results"][0]["capital_call"] == call.pk
    assert listing["results"][0]["limited_partner"] == partner
    assert listing["results"][0]["recorded_by"] == manager_x.pk
    allocation = api.get(f"/api/v1/capital-calls/{call.pk}/").data["allocations"][0]
    assert (allocation["paid_amount"], allocation["paid_on"]) == ("1200.00", "2021-01-15")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "1.00", "paid_on": "2020-01-14"}, "paid_on"),
        ({"amount": "1.00", "paid_on": "0001-01-01"}, "paid_on"),
        ({"amount": "100000.01", "paid_on": "2020-02-01"}, "amount"),
        ({"amount": "1.00", "paid_on": "2999-01-01"}, "paid_on"),
    ],
)
def test_the_api_refuses_a_payment_out_of_bounds(api, manager_x, fund_x, body, field):
    call = _call(fund_x, manager_x)
    partner = call.allocations.get().limited_partner_id
    response = api.as_user(manager_x).post(
        "/api/v1/payments/", {"capital_call": call.pk, "limited_partner": partner, **body}
    )
    assert response.status_code == 400
    assert field in response.data
    assert not Payment.objects.exists()


def test_payments_are_scoped_to_the_funds_team(api, manager_x, manager_y, analyst, fund_x):
    call = _call(fund_x, manager_x)
    body = {
        "capital_call": call.pk,
        "limited_partner": call.allocations.get().limited_partner_id,
        "amount": "1.00",
        "paid_on": "2020-02-01",
    }
    assert api.as_user(manager_y).post("/api/v1/payments/", body).status_code == 400
    assert api.as_user(analyst).post("/api/v1/payments/", body).status_code == 403
    assert not Payment.objects.exists()


def test_record_payment_on_a_call_is_gone(api, manager_x, fund_x):
    call = _call(fund_x, manager_x)
    response = api.as_user(manager_x).post(
        f"/api/v1/capital-calls/{call.pk}/record-payment/",
        {"limited_partner": 1, "paid_amount": "1.00", "paid_on": "2020-02-01"},
    )
    assert response.status_code == 404


# --- The call page --------------------------------------------------------------------------


def test_the_call_page_records_one_instalment_and_lists_them(client, manager_x, fund_x):
    call = _call(fund_x, manager_x)
    allocation = call.allocations.get()
    client.force_login(manager_x)
    url = f"/calls/{call.pk}/allocations/{allocation.pk}/payment/"
    for amount, day, reference in (
        ("40000.00", "2020-02-01", "BOC-7"),
        ("1000.00", "2020-03-01", ""),
    ):
        response = client.post(url, {"amount": amount, "paid_on": day, "reference": reference})
        assert response.status_code == 302
    page = client.get(f"/calls/{call.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2020-02-01" in page and "2020-03-01" in page and "BOC-7" in page
    assert 'name="amount" value="59000.00"' in page  # the unpaid rest is offered
    allocation.refresh_from_db()
    assert allocation.paid_amount == Decimal("41000.00")


def test_the_call_page_refuses_a_payment_before_the_call(client, manager_x, fund_x):
    call = _call(fund_x, manager_x)
    allocation = call.allocations.get()
    client.force_login(manager_x)
    response = client.post(
        f"/calls/{call.pk}/allocations/{allocation.pk}/payment/",
        {"amount": "1.00", "paid_on": "2020-01-01"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "A payment cannot be dated before its capital call (2020-01-15)." in (
        response.content.decode()
    )
    assert not Payment.objects.exists()


def test_the_call_page_runs_a_fixed_number_of_queries(
    client, manager_x, fund_x, django_assert_max_num_queries
):
    for _ in range(2):
        CommitmentFactory(fund=fund_x)
    call = _call(fund_x, manager_x, "300000.00")
    client.force_login(manager_x)
    for count in (3, 30):
        for allocation in call.allocations.all():
            Payment.objects.bulk_create(
                Payment(allocation=allocation, amount=Decimal("1.00"), paid_on=D(2020, 2, 1))
                for _ in range(count // 3)
            )
        with django_assert_max_num_queries(14):
            page = client.get(f"/calls/{call.pk}/")
        assert page.status_code == 200
    assert Payment.objects.filter(allocation__call=call).count() == 33
