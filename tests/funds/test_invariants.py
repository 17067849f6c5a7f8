"""The fund's invariants hold in the services, the API, the admin and the database alike.

Each refusal changes nothing; each database rule answers with its registered message.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.validation import constraint_message
from funds import services
from funds.models import (
    CapitalCall,
    Commitment,
    CommitteeDecision,
    Exit,
    Investment,
    Valuation,
)
from tests.factories import CommitmentFactory, DealFactory, FundFactory
from tests.funds.test_admin import _inline

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()
BILLION = Decimal("1000000000.00")


def _refused_by_database(rule: str | tuple, write) -> IntegrityError:
    rules = rule if isinstance(rule, tuple) else (rule,)
    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        write()
    assert refusal.value.__cause__.diag.constraint_name in rules
    return refusal.value


def _approved(fund, manager):
    return DealFactory(fund=fund, owner=manager, stage="approved")


# --- Commitments never below what was invested or called -----------------------------------


@pytest.fixture
def invested_fund(manager_x):
    """2.5 billion committed, 2.47 billion invested (the testers' case)."""
    fund = FundFactory(team=[manager_x], target_size=Decimal("3000000000.00"))
    commitment = CommitmentFactory(fund=fund, amount=Decimal("2500000000.00"))
    Investment.objects.create(
        deal=DealFactory(fund=fund, stage="invested"),
        fund=fund,
        amount=Decimal("2470000000.00"),
        invested_on=D(2021, 3, 1),
    )
    return fund, commitment


def test_the_service_refuses_a_commitment_cut_below_what_was_invested(manager_x, invested_fund):
    fund, commitment = invested_fund
    commitment.amount = Decimal("2450000000.00")
    with pytest.raises(ValidationError, match="less than the fund has already called"):
        services.commitment_save(commitment=commitment, actor=manager_x)
    assert Commitment.objects.get(pk=commitment.pk).amount == Decimal("2500000000.00")


def test_the_api_refuses_a_commitment_cut_below_what_was_invested(api, manager_x, invested_fund):
    fund, commitment = invested_fund
    response = api.as_user(manager_x).patch(
        f"/api/v1/commitments/{commitment.pk}/", {"amount": "2450000000.00"}, format="json"
    )
    assert response.status_code == 400
    assert "2470000000.00" in str(response.data["amount"])
    assert Commitment.objects.get(pk=commitment.pk).amount == Decimal("2500000000.00")


def test_the_admin_refuses_a_commitment_cut_below_what_was_invested(
    client, superuser, invested_fund
):
    fund, commitment = invested_fund
    client.force_login(superuser)
    data = {
        "name": fund.name,
        "manager": fund.manager_id,
        "target_size": str(fund.target_size),
        "currency": fund.currency,
        "vintage_year": str(fund.vintage_year),
        "status": fund.status,
        "team": [user.pk for user in fund.team.all()],
        **_inline("commitments", total=1, initial=1),
        "commitments-0-id": commitment.pk,
        "commitments-0-fund": fund.pk,
        "commitments-0-limited_partner": commitment.limited_partner_id,
        "commitments-0-amount": "2450000000.00",
        "commitments-0-committed_on": commitment.committed_on.isoformat(),
    }
    criteria = list(fund.criteria.all())
    data.update(_inline("criteria", total=len(criteria), initial=len(criteria)))
    for i, criterion in enumerate(criteria):
        for field in ("id", "key", "name", "weight", "position"):
            data[f"criteria-{i}-{field}"] = getattr(criterion, field)
        data[f"criteria-{i}-fund"] = fund.pk
    response = client.post(f"/admin/funds/fund/{fund.pk}/change/", data, follow=True)
    assert "invested (2470000000.00)" in response.content.decode()
    assert Commitment.objects.get(pk=commitment.pk).amount == Decimal("2500000000.00")


def test_the_database_refuses_a_commitment_cut_below_what_was_invested(invested_fund):
    fund, commitment = invested_fund
    error = _refused_by_database(
        "funds_commitments_cover_calls_and_investments",
        lambda: Commitment.objects.filter(pk=commitment.pk).update(amount=Decimal("2.45e9")),
    )
    assert "called or invested" in constraint_message(error)
    _refused_by_database(
        "funds_commitments_cover_calls_and_investments",
        lambda: Commitment.objects.filter(pk=commitment.pk).delete(),
    )
    assert Commitment.objects.get(pk=commitment.pk).amount == Decimal("2500000000.00")


@pytest.fixture
def called_partners(manager_x):
    """A commits 600, B 400; 500 called: A owes 300, B 200."""
    fund = FundFactory(team=[manager_x])
    a = CommitmentFactory(fund=fund, amount=Decimal("600.00"))
    b = CommitmentFactory(fund=fund, amount=Decimal("400.00"))
    services.capital_call_create(
        fund=fund,
        actor=manager_x,
        amount=Decimal("500.00"),
        call_date=D(2022, 1, 3),
        due_date=D(2022, 1, 31),
    )
    return fund, a, b


def test_a_partner_commitment_never_falls_below_what_it_was_called(manager_x, called_partners):
    fund, a, b = called_partners
    a.amount = Decimal("250.00")  # the fund still has 650 ≥ 500, but A was called 300
    with pytest.raises(ValidationError, match="was already called 300.00"):
        services.commitment_save(commitment=a, actor=manager_x)
    _refused_by_database(
        "funds_commitment_covers_partner_calls",
        lambda: Commitment.objects.filter(pk=a.pk).update(amount=Decimal("250.00")),
    )
    a.amount = Decimal("300.00")  # exactly what was called is fine
    services.commitment_save(commitment=a, actor=manager_x)
    assert Commitment.objects.get(pk=a.pk).amount == Decimal("300.00")


def test_the_api_refuses_a_partner_commitment_below_its_calls(api, manager_x, called_partners):
    fund, a, b = called_partners
    response = api.as_user(manager_x).patch(
        f"/api/v1/commitments/{a.pk}/", {"amount": "299.99"}, format="json"
    )
    assert response.status_code == 400
    assert Commitment.objects.get(pk=a.pk).amount == Decimal("600.00")


# --- Valuations not in the future -----------------------------------------------------------


@pytest.fixture
def investment_x(manager_x, fund_x):
    return services.investment_record(
        deal=_approved(fund_x, manager_x),
        actor=manager_x,
        amount=Decimal("100.00"),
        invested_on=D(2024, 1, 2),
    )


A_YEAR_AHEAD = TODAY + datetime.timedelta(days=365)


def test_the_service_refuses_a_valuation_a_year_ahead(manager_x, investment_x):
    with pytest.raises(ValidationError) as refusal:
        services.valuation_record(
            investment=investment_x,
            actor=manager_x,
            valued_on=A_YEAR_AHEAD,
            fair_value=Decimal("150.00"),
        )
    assert "valued_on" in refusal.value.message_dict
    assert not Valuation.objects.exists()


def test_the_api_refuses_a_valuation_a_year_ahead(api, manager_x, investment_x):
    response = api.as_user(manager_x).post(
        "/api/v1/valuations/",
        {"investment": investment_x.pk, "valued_on": str(A_YEAR_AHEAD), "fair_value": "150.00"},
    )
    assert response.status_code == 400
    assert "valued_on" in response.data
    assert not Valuation.objects.exists()


def test_the_database_refuses_a_valuation_a_year_ahead(investment_x):
    error = _refused_by_database(
        "funds_valuation_not_in_future",
        lambda: Valuation.objects.create(
            investment=investment_x, valued_on=A_YEAR_AHEAD, fair_value=Decimal("1.00")
        ),
    )
    assert constraint_message(error) == "A valuation cannot be dated in the future."


# --- Shares and stakes ----------------------------------------------------------------------


def test_negative_shares_are_refused_everywhere(api, manager_x, fund_x):
    deal = _approved(fund_x, manager_x)
    with pytest.raises(ValidationError) as refusal:
        services.investment_record(
            deal=deal,
            actor=manager_x,
            amount=Decimal("10.00"),
            invested_on=D(2024, 1, 2),
            shares=Decimal("-1"),
        )
    assert "shares" in refusal.value.message_dict
    response = api.as_user(manager_x).post(
        "/api/v1/investments/",
        {"deal": deal.pk, "amount": "10.00", "invested_on": "2024-01-02", "shares": "-1.00"},
    )
    assert response.status_code == 400
    assert "shares" in response.data
    _refused_by_database(
        "funds_investment_shares_not_negative",
        lambda: Investment.objects.create(
            deal=deal,
            fund=fund_x,
            amount=Decimal("10.00"),
            invested_on=D(2024, 1, 2),
            shares=Decimal("-1"),
        ),
    )
    assert not Investment.objects.exists()


def _tranche(deal, manager, stake):
    return services.investment_record(
        deal=deal,
        actor=manager,
        amount=Decimal("10.00"),
        invested_on=D(2024, 1, 2),
        stake=Decimal(stake),
    )


def test_two_60_percent_tranches_in_one_deal_are_refused_by_the_service(manager_x, fund_x):
    deal = _approved(fund_x, manager_x)
    _tranche(deal, manager_x, "60")
    with pytest.raises(ValidationError, match="already hold 60 %"):
        _tranche(deal, manager_x, "60")
    _tranche(deal, manager_x, "40")  # up to 100 % exactly is fine
    assert sorted(deal.investments.values_list("stake", flat=True)) == [40, 60]


def test_two_60_percent_tranches_in_one_deal_are_refused_by_the_api(api, manager_x, fund_x):
    deal = _approved(fund_x, manager_x)
    api.as_user(manager_x)
    body = {"deal": deal.pk, "amount": "10.00", "invested_on": "2024-01-02", "stake": "60.000"}
    assert api.post("/api/v1/investments/", body).status_code == 201
    second = api.post("/api/v1/investments/", body)
    assert second.status_code == 400
    assert "stake" in second.data
    assert deal.investments.count() == 1


def test_two_60_percent_tranches_in_one_deal_are_refused_by_the_database(manager_x, fund_x):
    deal = _approved(fund_x, manager_x)
    _tranche(deal, manager_x, "60")
    error = _refused_by_database(
        "funds_deal_stakes_within_100",
        lambda: Investment.objects.create(
            deal=deal,
            fund=fund_x,
            amount=Decimal("10.00"),
            invested_on=D(2024, 1, 2),
            stake=Decimal("60"),
        ),
    )
    assert "100 %" in constraint_message(error)
    assert deal.investments.count() == 1


# --- Every fund date in 1900 … 2100 ----------------------------------------------------------


def _dated_rows(fund, manager):
    """A write of each dated fund record, with the date given."""
    deal = DealFactory(fund=fund, stage="invested")
    investment = Investment.objects.create(
        deal=deal, fund=fund, amount=Decimal("1.00"), invested_on=D(2020, 1, 1)
    )
    return {
        "funds_commitment_committed_on_sane": lambda day: CommitmentFactory(
            fund=fund, committed_on=day
        ),
        "funds_capitalcall_call_date_sane": lambda day: CapitalCall.objects.create(
            fund=fund, number=90, amount=1, call_date=day, due_date=D(2100, 12, 31)
        ),
        "funds_capitalcall_due_date_sane": lambda day: CapitalCall.objects.create(
            fund=fund, number=91, amount=1, call_date=D(1900, 1, 1), due_date=day
        ),
        "funds_committeedecision_meeting_date_sane": lambda day: CommitteeDecision.objects.create(
            deal=deal, meeting_date=day, votes_for=1, votes_against=0, decision="defer"
        ),
        "funds_investment_invested_on_sane": lambda day: Investment.objects.create(
            deal=deal, fund=fund, amount=Decimal("1.00"), invested_on=day
        ),
        "funds_valuation_valued_on_sane": lambda day: Valuation.objects.create(
            investment=investment, valued_on=day, fair_value=1
        ),
        "funds_exit_exited_on_sane": lambda day: Exit.objects.create(
            investment=investment, exited_on=day, kind="ipo", proceeds=1
        ),
    }


@pytest.mark.parametrize("day", [D(1899, 12, 31), D(2101, 1, 1)], ids=str)
def test_every_fund_date_outside_1900_to_2100_is_refused_by_the_database(manager_x, fund_x, day):
    for rule, write in _dated_rows(fund_x, manager_x).items():
        if day.year > 2100 and rule == "funds_valuation_valued_on_sane":
            rule = "funds_valuation_not_in_future"  # the trigger speaks first
        if day.year < 1900 and rule == "funds_capitalcall_due_date_sane":
            rule = (rule, "funds_capitalcall_due_after_call")  # either CHECK may speak first
        if day.year < 1900 and rule == "funds_exit_exited_on_sane":
            rule = (rule, "funds_exit_not_before_investment")  # the canal's trigger speaks first
        _refused_by_database(rule, lambda write=write: write(day))


def test_the_services_and_api_refuse_a_date_out_of_range(api, manager_x, fund_x):
    commitment = fund_x.commitments.get()
    commitment.committed_on = D(1, 1, 1)
    with pytest.raises(ValidationError) as refusal:
        services.commitment_save(commitment=commitment, actor=manager_x)
    assert "committed_on" in refusal.value.message_dict
    response = api.as_user(manager_x).patch(
        f"/api/v1/commitments/{commitment.pk}/", {"committed_on": "1899-12-31"}, format="json"
    )
    assert response.status_code == 400
    assert "committed_on" in response.data
    commitment.refresh_from_db()
    assert commitment.committed_on == D(2020, 1, 1)
