import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection

from funds import services
from funds.choices import DealStage
from funds.models import CapitalCall, Deal, DealReview, Investment
from tests.factories import DealFactory

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


def _in(stage, deal):
    Deal.objects.filter(pk=deal.pk).update(
        stage=stage, stage_reason="r" if stage in ("declined", "on_hold") else ""
    )
    deal.refresh_from_db()
    return deal


# --- Moves ----------------------------------------------------------------------------------

LEGAL = [
    ("sourced", "screening"),
    ("screening", "due_diligence"),
    ("due_diligence", "committee"),
    ("sourced", "declined"),
    ("screening", "on_hold"),
    ("committee", "declined"),
    ("committee", "on_hold"),
    ("approved", "declined"),
]
ILLEGAL = [
    ("sourced", "due_diligence"),
    ("sourced", "committee"),
    ("screening", "sourced"),
    ("committee", "approved"),
    ("due_diligence", "approved"),
    ("approved", "invested"),
    ("invested", "declined"),
    ("declined", "screening"),
    ("committee", "invested"),
    ("sourced", "bogus"),
]


@pytest.mark.parametrize(("start", "target"), LEGAL)
def test_each_legal_deal_move(manager_x, deal_x, start, target):
    deal = _in(start, deal_x)
    services.deal_move(deal=deal, actor=manager_x, stage=target, comment="理由")
    deal.refresh_from_db()
    assert deal.stage == target
    assert deal.events.last().to_status == target


@pytest.mark.parametrize(("start", "target"), ILLEGAL)
def test_each_illegal_deal_move_is_refused(manager_x, deal_x, start, target):
    deal = _in(start, deal_x)
    with pytest.raises(ValidationError):
        services.deal_move(deal=deal, actor=manager_x, stage=target, comment="x")
    deal.refresh_from_db()
    assert deal.stage == start


def test_on_hold_resumes_where_it_stopped(manager_x, deal_x):
    deal = _in("screening", deal_x)
    with pytest.raises(ValidationError):
        services.deal_move(deal=deal, actor=manager_x, stage="on_hold")
    services.deal_move(deal=deal, actor=manager_x, stage="on_hold", comment="等待财务数据")
    deal.refresh_from_db()
    assert deal.legal_moves == ("screening", "declined")
    services.deal_move(deal=deal, actor=manager_x, stage="screening")


def test_a_manager_of_another_fund_cannot_move_the_deal(manager_y, deal_x):
    with pytest.raises(PermissionDenied):
        services.deal_move(deal=deal_x, actor=manager_y, stage="screening")


# --- Reviews --------------------------------------------------------------------------------


def test_reviews_and_weighted_average(manager_x, manager_x2, deal_x):
    deal = _in("due_diligence", deal_x)
    first = services.review_submit(deal=deal, actor=manager_x, scores=SCORES)
    # (5*25 + 4*20 + 4*15 + 5*15 + 5*15 + 3*10) / 100 = 4.45
    assert first.weighted_score == Decimal("4.45")
    services.review_submit(deal=deal, actor=manager_x2, scores={k: 3 for k in SCORES})
    deal.refresh_from_db()
    assert deal.average_score == Decimal("3.73")  # (4.45 + 3) / 2 = 3.725 → 3.73


def test_a_second_review_by_the_same_person_is_refused(manager_x, deal_x):
    deal = _in("screening", deal_x)
    services.review_submit(deal=deal, actor=manager_x, scores=SCORES)
    with pytest.raises(ValidationError, match="already reviewed"):
        services.review_submit(deal=deal, actor=manager_x, scores=SCORES)
    assert DealReview.objects.count() == 1


@pytest.mark.parametrize(
    "scores",
    [
        {},
        {**SCORES, "technology": 6},
        {**SCORES, "technology": 0},
        {"technology": 5},
        {**SCORES, "luck": 5},
        {**SCORES, "market": "4"},
        {**SCORES, "team": True},
    ],
)
def test_bad_scores_are_refused(manager_x, deal_x, scores):
    deal = _in("screening", deal_x)
    with pytest.raises(ValidationError):
        services.review_submit(deal=deal, actor=manager_x, scores=scores)


# --- Committee ------------------------------------------------------------------------------


def test_an_approving_decision_approves(manager_x, deal_x):
    deal = _in("committee", deal_x)
    services.committee_decide(
        deal=deal,
        actor=manager_x,
        meeting_date=TODAY,
        votes_for=4,
        votes_against=1,
        decision="approve",
        conditions="分期出资",
    )
    deal.refresh_from_db()
    assert deal.stage == DealStage.APPROVED


def test_a_rejecting_decision_declines_and_a_deferral_waits(manager_x, deal_x):
    deal = _in("committee", deal_x)
    services.committee_decide(
        deal=deal,
        actor=manager_x,
        meeting_date=TODAY,
        votes_for=1,
        votes_against=3,
        decision="defer",
    )
    deal.refresh_from_db()
    assert deal.stage == DealStage.COMMITTEE
    services.committee_decide(
        deal=deal,
        actor=manager_x,
        meeting_date=TODAY,
        votes_for=1,
        votes_against=3,
        decision="reject",
    )
    deal.refresh_from_db()
    assert deal.stage == DealStage.DECLINED


def test_an_approval_without_a_majority_is_refused(manager_x, deal_x):
    deal = _in("committee", deal_x)
    with pytest.raises(ValidationError):
        services.committee_decide(
            deal=deal,
            actor=manager_x,
            meeting_date=TODAY,
            votes_for=2,
            votes_against=2,
            decision="approve",
        )
    deal.refresh_from_db()
    assert deal.stage == DealStage.COMMITTEE


def test_a_decision_outside_the_committee_stage_is_refused(manager_x, deal_x):
    with pytest.raises(ValidationError):
        services.committee_decide(
            deal=deal_x,
            actor=manager_x,
            meeting_date=TODAY,
            votes_for=5,
            votes_against=0,
            decision="approve",
        )


# --- Investments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stage", ["sourced", "screening", "due_diligence", "committee", "declined"]
)
def test_an_investment_on_an_unapproved_deal_is_refused(manager_x, deal_x, stage):
    deal = _in(stage, deal_x)
    with pytest.raises(ValidationError, match="approved"):
        services.investment_record(
            deal=deal, actor=manager_x, amount=Decimal("10"), invested_on=TODAY
        )
    assert not Investment.objects.exists()


def test_investing_moves_an_approved_deal_to_invested(manager_x, deal_x):
    deal = _in("approved", deal_x)
    services.investment_record(
        deal=deal, actor=manager_x, amount=Decimal("400000"), invested_on=TODAY
    )
    deal.refresh_from_db()
    assert deal.stage == DealStage.INVESTED


def test_the_fund_never_invests_beyond_commitments(manager_x, fund_x, deal_x):
    deal = _in("approved", deal_x)
    with pytest.raises(ValidationError, match="committed"):
        services.investment_record(
            deal=deal, actor=manager_x, amount=Decimal("1000000.01"), invested_on=TODAY
        )


def test_the_database_refuses_over_commitment_too(fund_x, deal_x):
    deal = _in("approved", deal_x)
    with pytest.raises(IntegrityError):
        Investment.objects.create(
            deal=deal, fund=fund_x, amount=Decimal("2000000"), invested_on=TODAY
        )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_investments_cannot_exceed_commitments(manager_x, fund_x):
    """Two transactions, each fitting alone, race; the fund row lock lets one through."""
    deals = [DealFactory(fund=fund_x, owner=manager_x, stage="approved") for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def invest(deal):
        try:
            barrier.wait(timeout=10)
            services.investment_record(
                deal=deal, actor=manager_x, amount=Decimal("600000"), invested_on=TODAY
            )
            outcomes.append("ok")
        except (ValidationError, IntegrityError):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=invest, args=(deal,)) for deal in deals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refused"]
    assert sum(i.amount for i in Investment.objects.filter(fund=fund_x)) == Decimal("600000")


# --- Capital calls --------------------------------------------------------------------------


def test_a_capital_call_is_allocated_pro_rata_to_the_cent(
    manager_x, fund_x, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import CommitmentFactory, ContactFactory

    partners = [fund_x.commitments.get()]
    partners += [CommitmentFactory(fund=fund_x, amount=Decimal("1000000.00")) for _ in range(2)]
    for commitment in partners:
        ContactFactory(organization=commitment.limited_partner, is_primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        call = services.capital_call_create(
            fund=fund_x, actor=manager_x, amount=Decimal("100.00"), call_date=TODAY, due_date=TODAY
        )
    amounts = sorted(a.amount for a in call.allocations.all())
    assert amounts == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert len(mailoutbox) == 3


def test_a_call_beyond_commitments_is_refused(manager_x, fund_x):
    with pytest.raises(ValidationError):
        services.capital_call_create(
            fund=fund_x,
            actor=manager_x,
            amount=Decimal("1000000.01"),
            call_date=TODAY,
            due_date=TODAY,
        )
    assert not CapitalCall.objects.exists()


def test_payments_mark_allocations_paid_partially_or_due(manager_x, fund_x):
    call = services.capital_call_create(
        fund=fund_x, actor=manager_x, amount=Decimal("100.00"), call_date=TODAY, due_date=TODAY
    )
    allocation = call.allocations.get()
    partner = allocation.limited_partner
    assert allocation.status == "due"
    services.payment_record(
        capital_call=call,
        limited_partner=partner,
        actor=manager_x,
        amount=Decimal("40"),
        paid_on=TODAY,
    )
    allocation.refresh_from_db()
    assert (allocation.status, allocation.paid_amount) == ("partial", Decimal("40"))
    with pytest.raises(ValidationError):  # 60.01 is more than the 60 unpaid
        services.payment_record(
            capital_call=call,
            limited_partner=partner,
            actor=manager_x,
            amount=Decimal("60.01"),
            paid_on=TODAY,
        )
    services.payment_record(
        capital_call=call,
        limited_partner=partner,
        actor=manager_x,
        amount=Decimal("60"),
        paid_on=TODAY,
    )
    allocation.refresh_from_db()
    assert (allocation.status, allocation.paid_amount) == ("paid", Decimal("100"))
    assert allocation.payments.count() == 2


# --- Valuations and exits -------------------------------------------------------------------


def test_one_exit_per_investment_and_write_offs_have_no_proceeds(manager_x, deal_x):
    deal = _in("approved", deal_x)
    investment = services.investment_record(
        deal=deal,
        actor=manager_x,
        amount=Decimal("100"),
        invested_on=TODAY - datetime.timedelta(days=30),
    )
    with pytest.raises(ValidationError):
        services.exit_record(
            investment=investment,
            actor=manager_x,
            exited_on=TODAY,
            kind="write_off",
            proceeds=Decimal("5"),
        )
    services.exit_record(
        investment=investment, actor=manager_x, exited_on=TODAY, kind="ipo", proceeds=Decimal("300")
    )
    with pytest.raises(ValidationError):
        services.exit_record(
            investment=investment,
            actor=manager_x,
            exited_on=TODAY,
            kind="ipo",
            proceeds=Decimal("1"),
        )


def test_a_valuation_cannot_precede_the_investment(manager_x, deal_x):
    deal = _in("approved", deal_x)
    investment = services.investment_record(
        deal=deal, actor=manager_x, amount=Decimal("100"), invested_on=TODAY
    )
    with pytest.raises(ValidationError):
        services.valuation_record(
            investment=investment,
            actor=manager_x,
            valued_on=TODAY - datetime.timedelta(days=1),
            fair_value=Decimal("90"),
        )
