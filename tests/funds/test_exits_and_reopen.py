"""An exit moves the deal to ``exited``; a declined deal can be reopened with a reason; the
metrics API renders every figure, however large, and says why an IRR is not defined."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funds import services
from funds.api.serializers import FundMetricsSerializer
from funds.choices import BOARD_STAGES, DealStage, legal_moves
from funds.models import CapitalCallAllocation, Deal, DealEvent, Payment
from tests.factories import DealFactory, ProjectFactory

pytestmark = pytest.mark.django_db
D = datetime.date
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _invest(deal, manager, amount="120.00", stake=None):
    return services.investment_record(
        deal=deal,
        actor=manager,
        amount=Decimal(amount),
        invested_on=D(2020, 5, 10),
        stake=None if stake is None else Decimal(stake),
    )


def _exit(investment, manager, proceeds="360.00"):
    return services.exit_record(
        investment=investment,
        actor=manager,
        exited_on=D(2025, 6, 30),
        kind="ipo",
        proceeds=Decimal(proceeds),
    )


# --- Exits ----------------------------------------------------------------------------------


def test_an_exit_moves_the_deal_to_exited_with_an_event(manager_x, fund_x):
    deal = DealFactory(fund=fund_x, owner=manager_x, stage="approved")
    _exit(_invest(deal, manager_x), manager_x)
    deal.refresh_from_db()
    assert deal.stage == DealStage.EXITED
    event = DealEvent.objects.filter(deal=deal).latest("at")
    assert (event.from_status, event.to_status, event.actor) == ("invested", "exited", manager_x)
    assert "2025-06-30" in event.comment and "360.00" in event.comment
    assert "CNY" not in event.comment or "CNY 360.00" in event.comment  # money, not a code
    assert deal.legal_moves == ()
    with pytest.raises(ValidationError):
        services.deal_move(deal=deal, actor=manager_x, stage="screening")


def test_a_deal_is_exited_when_its_last_holding_is(manager_x, fund_x):
    deal = DealFactory(fund=fund_x, owner=manager_x, stage="approved")
    first, second = _invest(deal, manager_x, stake="10"), _invest(deal, manager_x, stake="5")
    _exit(first, manager_x)
    deal.refresh_from_db()
    assert deal.stage == DealStage.INVESTED  # still holds the second tranche
    _exit(second, manager_x, "40.00")
    deal.refresh_from_db()
    assert deal.stage == DealStage.EXITED
    with pytest.raises(ValidationError):  # nothing more goes into an exited deal
        _invest(deal, manager_x)


def test_a_deal_cannot_be_moved_to_exited(manager_x, fund_x):
    deal = DealFactory(fund=fund_x, owner=manager_x, stage="invested")
    with pytest.raises(ValidationError, match="exit of its last investment"):
        services.deal_move(deal=deal, actor=manager_x, stage="exited")
    assert Deal.objects.get(pk=deal.pk).stage == "invested"


def test_exited_is_no_move_and_reached_only_by_an_exit():
    assert DealStage.EXITED in BOARD_STAGES
    assert all(DealStage.EXITED not in legal_moves(stage) for stage in DealStage.values)
    assert legal_moves(DealStage.EXITED) == ()


def test_the_board_has_an_exit_column_and_the_deal_page_the_realised_moic(
    client, manager_x, fund_x
):
    deal = DealFactory(fund=fund_x, owner=manager_x, stage="approved")
    investment = _invest(deal, manager_x)
    _exit(investment, manager_x)
    client.force_login(manager_x)
    board = client.get(f"/funds/{fund_x.pk}/board/", **ENGLISH).content.decode()
    column = board.split('data-stage="exited"')[1].split("</section>")[0]
    assert '<h2 id="column-exited">Exited ' in column
    assert f'data-testid="deal-{deal.pk}"' in column
    page = client.get(f"/deals/{deal.pk}/", **ENGLISH).content.decode()
    # 360 of proceeds on 120 of cost
    assert f'<span data-testid="realised-moic-{investment.pk}">3.00×</span>' in page
    assert "Realised MOIC" in page and "<strong>3.00×</strong>" in page


# --- Reopening ------------------------------------------------------------------------------


def test_an_ic_rejection_can_be_reopened_with_a_reason(manager_x, fund_x):
    deal = DealFactory(fund=fund_x, owner=manager_x, stage="committee")
    services.committee_decide(
        deal=deal,
        actor=manager_x,
        meeting_date=D(2024, 3, 1),
        votes_for=1,
        votes_against=4,
        decision="reject",
    )
    deal.refresh_from_db()
    assert deal.stage == DealStage.DECLINED
    services.deal_reopen(deal=deal, actor=manager_x, comment="新一轮估值下调，重新评估")
    deal.refresh_from_db()
    assert (deal.stage, deal.stage_reason) == (DealStage.SCREENING, "")
    steps = list(DealEvent.objects.filter(deal=deal).values_list("to_status", "comment"))
    assert steps[-2][0] == "declined"
    assert steps[-1] == ("screening", "新一轮估值下调，重新评估")
    # and on it goes to the committee again
    services.deal_move(deal=deal, actor=manager_x, stage="due_diligence")


@pytest.mark.parametrize("stage", ["sourced", "screening", "on_hold", "invested", "exited"])
def test_only_a_declined_deal_is_reopened(manager_x, fund_x, stage):
    deal = DealFactory(fund=fund_x, owner=manager_x, stage=stage)
    with pytest.raises(ValidationError):
        services.deal_reopen(deal=deal, actor=manager_x, comment="why not")
    assert Deal.objects.get(pk=deal.pk).stage == stage


def test_reopening_needs_a_reason_and_the_team(manager_x, manager_y, fund_x):
    deal = DealFactory(fund=fund_x, owner=manager_x, stage="declined")
    with pytest.raises(ValidationError) as refusal:
        services.deal_reopen(deal=deal, actor=manager_x, comment="   ")
    assert "comment" in refusal.value.message_dict
    with pytest.raises(PermissionDenied):
        services.deal_reopen(deal=deal, actor=manager_y, comment="mine now")
    assert Deal.objects.get(pk=deal.pk).stage == "declined"


def test_a_deal_is_not_reopened_while_its_project_has_another_open_deal(manager_x, fund_x):
    project = ProjectFactory(stage="industrialization")
    old = DealFactory(fund=fund_x, owner=manager_x, project=project, stage="declined")
    DealFactory(fund=fund_x, owner=manager_x, project=project, stage="screening")
    with pytest.raises(ValidationError, match="already in the fund's deal flow"):
        services.deal_reopen(deal=old, actor=manager_x, comment="again")
    assert Deal.objects.get(pk=old.pk).stage == "declined"


def test_the_api_reopens_a_declined_deal(api, manager_x, manager_y, fund_x):
    deal = DealFactory(fund=fund_x, owner=manager_x, stage="declined")
    url = f"/api/v1/deals/{deal.pk}/reopen/"
    assert api.as_user(manager_x).post(url, {}).status_code == 400  # no reason
    assert api.as_user(manager_y).post(url, {"comment": "x"}).status_code == 404
    response = api.as_user(manager_x).post(url, {"comment": "The founder came back."})
    assert response.status_code == 200, response.data
    assert response.data["stage"] == "screening"
    again = api.post(url, {"comment": "twice"})
    assert again.status_code == 400
    assert Deal.objects.get(pk=deal.pk).stage == "screening"


def test_the_deal_page_reopens_a_declined_deal(client, manager_x, fund_x):
    deal = DealFactory(fund=fund_x, owner=manager_x, stage="declined")
    client.force_login(manager_x)
    page = client.get(f"/deals/{deal.pk}/", **ENGLISH).content.decode()
    assert 'data-testid="deal-reopen-form"' in page
    blank = client.post(f"/deals/{deal.pk}/reopen/", {"comment": ""})
    assert blank.status_code == 400
    assert Deal.objects.get(pk=deal.pk).stage == "declined"
    done = client.post(f"/deals/{deal.pk}/reopen/", {"comment": "Valuation came down."})
    assert done.status_code == 302
    assert Deal.objects.get(pk=deal.pk).stage == "screening"
    page = client.get(f"/deals/{deal.pk}/", **ENGLISH).content.decode()
    assert 'data-testid="deal-reopen-form"' not in page
    assert "Valuation came down." in page


# --- The metrics API ------------------------------------------------------------------------


def _figures(**changes):
    base = {
        "as_of": D(2024, 1, 1),
        "currency": "CNY",
        "committed": Decimal("1.00"),
        "called": Decimal("1.00"),
        "paid_in": Decimal("1.00"),
        "invested": Decimal("0"),
        "distributed": Decimal("0"),
        "nav": Decimal("1.00"),
        "nav_holdings": Decimal("0"),
        "nav_cash": Decimal("1.00"),
        "dpi": Decimal("0"),
        "rvpi": Decimal("1"),
        "tvpi": Decimal("1"),
        "irr": None,
        "irr_note": None,
        "investments": [],
    }
    return {**base, **changes}


@pytest.mark.parametrize("rate", [1e8, 1.5e8, 9.99e12, -0.999999999])
def test_the_metrics_serializer_renders_any_irr(rate):
    data = FundMetricsSerializer(_figures(irr=rate)).data
    assert data["irr"] == rate


def test_the_metrics_serializer_renders_sums_beyond_18_digits():
    huge = Decimal("9999999999999999.99") * 1000
    data = FundMetricsSerializer(
        _figures(committed=huge, nav=huge, tvpi=huge / Decimal("0.01"))
    ).data
    assert data["committed"] == "9999999999999999990.00"
    assert data["tvpi"] == "999999999999999999000.0000"


def test_the_metrics_api_gives_the_nav_parts_and_the_irr_note(api, manager_x, fund_x):
    api.as_user(manager_x)
    empty = api.get(f"/api/v1/funds/{fund_x.pk}/metrics/").data
    assert (empty["irr"], empty["irr_note"]) == (None, "Not defined: there are no cash flows yet.")
    call = services.capital_call_create(
        fund=fund_x,
        actor=manager_x,
        amount=Decimal("100.00"),
        call_date=D(2024, 1, 1),
        due_date=D(2024, 1, 1),
    )
    allocation = CapitalCallAllocation.objects.get(call=call)
    Payment.objects.create(allocation=allocation, amount=Decimal("100.00"), paid_on=D(2024, 1, 1))
    deal = DealFactory(fund=fund_x, owner=manager_x, stage="approved")
    services.investment_record(
        deal=deal, actor=manager_x, amount=Decimal("60.00"), invested_on=D(2024, 1, 2)
    )
    data = api.get(f"/api/v1/funds/{fund_x.pk}/metrics/", {"as_of": "2025-01-01"}).data
    assert (data["nav_holdings"], data["nav_cash"], data["nav"]) == ("60.00", "40.00", "100.00")
    assert data["paid_in"] == "100.00"
    # 100 in, 100 of NAV a year on: 0 % (to the float's last bits), nothing to note
    assert abs(data["irr"]) < 1e-12 and data["irr_note"] is None


def test_a_huge_irr_is_answered_not_a_500(api, manager_x, fund_x):
    # 100 paid in, worth 104.31 the next day: (1.0431)^365 − 1 ≈ 4.9 million (490 million %).
    call = services.capital_call_create(
        fund=fund_x,
        actor=manager_x,
        amount=Decimal("100.00"),
        call_date=D(2024, 1, 1),
        due_date=D(2024, 1, 1),
    )
    allocation = CapitalCallAllocation.objects.get(call=call)
    Payment.objects.create(allocation=allocation, amount=Decimal("100.00"), paid_on=D(2024, 1, 1))
    deal = DealFactory(fund=fund_x, owner=manager_x, stage="approved")
    investment = services.investment_record(
        deal=deal, actor=manager_x, amount=Decimal("100.00"), invested_on=D(2024, 1, 1)
    )
    services.valuation_record(
        investment=investment,
        actor=manager_x,
        valued_on=D(2024, 1, 2),
        fair_value=Decimal("104.31"),
    )
    response = api.as_user(manager_x).get(
        f"/api/v1/funds/{fund_x.pk}/metrics/", {"as_of": "2024-01-02"}
    )
    assert response.status_code == 200
    assert abs(response.data["irr"] / (1.0431**365 - 1) - 1) < 1e-9
