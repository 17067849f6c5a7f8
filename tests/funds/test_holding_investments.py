"""The holding's direct investments: one service, an admin that goes through it, and the
database backing each rule."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from funds import services
from funds.models import HoldingInvestment
from members import roles
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def holding():
    return OrganizationFactory(name="国科控股（测试）", kind="investor")


@pytest.fixture
def company():
    return OrganizationFactory(name="联泓新材料（测试）", kind="enterprise")


def _new(holding, company, **changes) -> HoldingInvestment:
    values = {
        "investor": holding,
        "company": company,
        "amount": Decimal("850000000.00"),
        "currency": "CNY",
        "invested_on": datetime.date(2016, 1, 1),
        "approximate": True,
        "source": "科技日报",
    }
    values.update(changes)
    return HoldingInvestment(**values)


# --- The service -------------------------------------------------------------------------


def test_an_administrator_records_and_corrects_an_investment(superuser, holding, company):
    investment = services.holding_investment_save(
        holdinginvestment=_new(holding, company), actor=superuser
    )
    assert HoldingInvestment.objects.get().amount == Decimal("850000000.00")
    investment.amount = Decimal("860000000.00")
    services.holding_investment_save(holdinginvestment=investment, actor=superuser)
    assert HoldingInvestment.objects.get().amount == Decimal("860000000.00")
    assert investment.history.count() == 2


@pytest.mark.parametrize("role", [roles.HOLDING_ANALYST, roles.SECRETARIAT, roles.FUND_MANAGER])
def test_no_other_role_records_one(role, holding, company):
    user = UserFactory(username=f"u-{role}", is_staff=True, groups=[role])
    with pytest.raises(PermissionDenied):
        services.holding_investment_save(holdinginvestment=_new(holding, company), actor=user)
    assert not HoldingInvestment.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-5.00")}, "amount"),
        ({"invested_on": datetime.date(1899, 12, 31)}, "invested_on"),
        ({"invested_on": datetime.date(2101, 1, 1)}, "invested_on"),
        ({"currency": "XXX"}, "currency"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(superuser, holding, company, changes, field):
    with pytest.raises(ValidationError) as refused:
        services.holding_investment_save(
            holdinginvestment=_new(holding, company, **changes), actor=superuser
        )
    assert field in refused.value.message_dict
    assert not HoldingInvestment.objects.exists()


def test_a_future_date_is_refused(superuser, holding, company):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.holding_investment_save(
            holdinginvestment=_new(holding, company, invested_on=tomorrow), actor=superuser
        )
    assert "invested_on" in refused.value.message_dict
    assert not HoldingInvestment.objects.exists()


def test_the_investor_is_an_investor_and_not_the_company(superuser, holding, company):
    with pytest.raises(ValidationError) as refused:
        services.holding_investment_save(holdinginvestment=_new(company, holding), actor=superuser)
    assert "investor" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.holding_investment_save(holdinginvestment=_new(holding, holding), actor=superuser)
    assert not HoldingInvestment.objects.exists()


def test_the_same_investment_twice_on_one_day_is_refused(superuser, holding, company):
    services.holding_investment_save(holdinginvestment=_new(holding, company), actor=superuser)
    with pytest.raises(ValidationError):
        services.holding_investment_save(
            holdinginvestment=_new(holding, company, amount=Decimal("1.00")), actor=superuser
        )
    assert HoldingInvestment.objects.count() == 1


# --- The database backs each rule ----------------------------------------------------------


def _insert(holding, company, **changes):
    row = _new(holding, company, **changes)
    with transaction.atomic():
        HoldingInvestment.objects.bulk_create([row])


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": Decimal("0")},
        {"invested_on": datetime.date(1, 1, 1)},
        {"invested_on": datetime.date(2101, 1, 1)},
        {"invested_on": datetime.date(2100, 1, 1)},  # in the future
        {"currency": "XXX"},
    ],
)
def test_the_database_refuses_what_the_service_refuses(holding, company, changes):
    with pytest.raises(IntegrityError):
        _insert(holding, company, **changes)
    assert not HoldingInvestment.objects.exists()


def test_the_database_refuses_an_investor_of_another_kind(holding, company):
    with pytest.raises(IntegrityError) as refused:
        _insert(company, holding)
    assert refused.value.__cause__.diag.constraint_name == (
        "funds_holdinginvestment_investor_is_investor"
    )
    with pytest.raises(IntegrityError):
        _insert(holding, holding)
    _insert(holding, company)
    with pytest.raises(IntegrityError):
        _insert(holding, company, amount=Decimal("2.00"))
    # The holding stays an investor while it has direct investments.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_organization SET kind = 'enterprise' WHERE id = %s", [holding.pk]
        )
    holding.refresh_from_db()
    assert holding.kind == "investor"


# --- The admin ----------------------------------------------------------------------------


def _form(investor, target, /, **changes) -> dict:
    data = {
        "investor": investor.pk,
        "company": target.pk,
        "amount": "850000000.00",
        "currency": "CNY",
        "invested_on": "2016-01-01",
        "approximate": "on",
        "source": "科技日报",
    }
    data.update(changes)
    return data


def test_the_admin_adds_and_changes_through_the_service(client, superuser, holding, company):
    client.force_login(superuser)
    response = client.post("/admin/funds/holdinginvestment/add/", _form(holding, company))
    assert response.status_code == 302, response.content.decode()[:3000]
    investment = HoldingInvestment.objects.get()
    assert investment.approximate
    response = client.post(
        f"/admin/funds/holdinginvestment/{investment.pk}/change/",
        _form(holding, company, amount="860000000.00"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    investment.refresh_from_db()
    assert investment.amount == Decimal("860000000.00")
    assert investment.history.count() == 2


def test_the_admin_refuses_bad_input_and_changes_nothing(client, superuser, holding, company):
    client.force_login(superuser)
    investment = services.holding_investment_save(
        holdinginvestment=_new(holding, company), actor=superuser
    )
    url = f"/admin/funds/holdinginvestment/{investment.pk}/change/"
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for bad in (
        {"amount": "0"},
        {"amount": "-1"},
        {"invested_on": "0001-01-01"},
        {"invested_on": tomorrow},
        {"investor": company.pk, "company": holding.pk},
        {"company": holding.pk},
    ):
        response = client.post(url, _form(holding, company, **bad))
        assert response.status_code in (200, 302)
        investment.refresh_from_db()
        assert investment.amount == Decimal("850000000.00"), bad
        assert investment.invested_on == datetime.date(2016, 1, 1), bad
        assert (investment.investor_id, investment.company_id) == (holding.pk, company.pk), bad
    response = client.post("/admin/funds/holdinginvestment/add/", _form(holding, company))
    assert response.status_code == 200  # the same investor, company and day: refused
    assert HoldingInvestment.objects.count() == 1
    assert investment.history.count() == 1


def test_the_investor_select_offers_only_investors(client, superuser, holding, company):
    client.force_login(superuser)
    page = client.get("/admin/funds/holdinginvestment/add/")
    field = page.context["adminform"].form.fields["investor"]
    assert list(field.queryset) == [holding]


def test_the_analyst_reads_and_the_secretariat_does_not_see_them(
    client, superuser, holding, company, secretariat_a
):
    investment = services.holding_investment_save(
        holdinginvestment=_new(holding, company), actor=superuser
    )
    analyst = UserFactory(username="analyst-staff", is_staff=True, groups=[roles.HOLDING_ANALYST])
    client.force_login(analyst)
    assert client.get("/admin/funds/holdinginvestment/").status_code == 200
    assert client.get(f"/admin/funds/holdinginvestment/{investment.pk}/change/").status_code == 200
    assert client.get("/admin/funds/holdinginvestment/add/").status_code == 403
    response = client.post(
        f"/admin/funds/holdinginvestment/{investment.pk}/change/",
        _form(holding, company, amount="1.00"),
    )
    assert response.status_code == 403
    assert (
        client.post(
            f"/admin/funds/holdinginvestment/{investment.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    client.force_login(secretariat_a)
    assert client.get("/admin/funds/holdinginvestment/").status_code == 403
    investment.refresh_from_db()
    assert investment.amount == Decimal("850000000.00")
    assert HoldingInvestment.objects.count() == 1


def test_a_holding_with_investments_stays_an_investor_in_the_organisation_admin(
    client, superuser, holding, company
):
    services.holding_investment_save(holdinginvestment=_new(holding, company), actor=superuser)
    client.force_login(superuser)
    response = client.post(
        f"/admin/members/organization/{holding.pk}/change/",
        {
            "name": holding.name,
            "kind": "enterprise",
            "credit_code": holding.credit_code,
            "city": "北京",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 409
    assert "The investor is the holding" in response.content.decode()
    holding.refresh_from_db()
    assert (holding.kind, holding.city) == ("investor", "大连")


def test_both_organisations_pages_show_the_amount_as_their_readers_read_it(
    client, superuser, holding, company, alliance_a
):
    services.holding_investment_save(holdinginvestment=_new(holding, company), actor=superuser)
    for organization in (holding, company):
        MembershipFactory(alliance=alliance_a, organization=organization)
        url = organization.get_absolute_url()
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert '<td title="850,000,000.00 元">8.5 亿元</td>' in chinese
        assert "CNY" not in chinese
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert '<td title="CNY 850,000,000.00">CNY 850 million</td>' in english
    with translation.override("zh-hans"):
        assert str(HoldingInvestment.objects.get()).endswith(": 8.5 亿元")
