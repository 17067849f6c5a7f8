import datetime
import math
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from funds.metrics import (
    IRR_NOTES,
    NO_FLOWS,
    NO_ROOT,
    NO_SIGN_CHANGE,
    ONE_DATE,
    allocate,
    fund_figures,
    irr,
)
from funds.models import (
    CapitalCall,
    CapitalCallAllocation,
    Exit,
    Investment,
    Payment,
    Valuation,
)
from tests.factories import CommitmentFactory, DealFactory, FundFactory

D = datetime.date


# --- Allocation ----------------------------------------------------------------------------

THREE_EQUAL = [(1, Decimal("1000.00")), (2, Decimal("1000.00")), (3, Decimal("1000.00"))]


def test_three_equal_partners_split_100_00_to_the_cent():
    parts = allocate(Decimal("100.00"), THREE_EQUAL, number=1)
    # the tied cent of call 1 goes to the partner its tie order starts with (here the 2nd)
    assert parts == {1: Decimal("33.33"), 2: Decimal("33.34"), 3: Decimal("33.33")}
    assert sum(parts.values()) == Decimal("100.00")


def test_the_tied_cent_starts_at_a_different_partner_on_another_call():
    first = allocate(Decimal("100.00"), THREE_EQUAL, number=1)
    seventh = allocate(Decimal("100.00"), THREE_EQUAL, number=7)
    assert [p for p, v in first.items() if v == Decimal("33.34")] == [2]
    assert [p for p, v in seventh.items() if v == Decimal("33.34")] == [1]


def test_the_remainder_goes_to_the_largest_remainders():
    commitments = [(7, Decimal("3.00")), (8, Decimal("3.00")), (9, Decimal("2.00"))]
    parts = allocate(Decimal("0.05"), commitments)
    # exact shares 1.875, 1.875, 1.25 cents: floors 1, 1, 1; two cents to the .875s
    assert parts == {7: Decimal("0.02"), 8: Decimal("0.02"), 9: Decimal("0.01")}


def test_a_second_call_rounds_the_cumulative_amounts_not_the_call():
    # After 100.00 (33.33 / 33.34 / 33.33), a second 100.00 brings each partner to its share
    # of 200.00 = 66.666…: two get 66.67, and the one rounded up before keeps its cent.
    called = {1: Decimal("33.33"), 2: Decimal("33.34"), 3: Decimal("33.33")}
    parts = allocate(Decimal("100.00"), THREE_EQUAL, called=called, number=2)
    after = {p: called[p] + parts[p] for p in called}
    assert sorted(after.values()) == [Decimal("66.66"), Decimal("66.67"), Decimal("66.67")]
    assert after[2] == Decimal("66.67")
    assert sum(parts.values()) == Decimal("100.00")
    assert min(parts.values()) >= Decimal("33.33")


def test_the_last_call_brings_every_partner_to_its_commitment_exactly():
    commitments = [(1, Decimal("333.33")), (2, Decimal("333.33")), (3, Decimal("0.01"))]
    called = {1: Decimal("100.00"), 2: Decimal("100.01"), 3: Decimal("0.00")}
    parts = allocate(Decimal("466.66"), commitments, called=called, number=2)
    assert {p: called[p] + parts[p] for p in called} == dict(commitments)


@pytest.mark.parametrize(
    ("amount", "called"),
    [
        (Decimal("3000.01"), {}),  # beyond the commitments
        (Decimal("0.02"), {1: Decimal("1000.00"), 2: Decimal("1000.00"), 3: Decimal("999.99")}),
        (Decimal("10.001"), {}),  # not whole cents
        (Decimal("1.00"), {1: Decimal("1000.01")}),  # already beyond a commitment
        (Decimal("1.00"), {4: Decimal("1.00")}),  # a partner without a commitment
    ],
)
def test_a_call_that_cannot_be_honoured_raises_value_error(amount, called):
    with pytest.raises(ValueError):
        allocate(amount, THREE_EQUAL, called=called, number=2)


def test_allocations_always_add_up_and_are_deterministic():
    rng = random.Random(7)
    for _ in range(300):
        commitments = [(i, Decimal(rng.randint(1, 10**9)) / 100) for i in range(rng.randint(1, 12))]
        amount = Decimal(rng.randint(1, int(sum(c for _, c in commitments) * 100))) / 100
        parts = allocate(amount, commitments)
        assert sum(parts.values()) == amount
        assert parts == allocate(amount, list(reversed(commitments)))


@pytest.mark.django_db
def test_the_capital_call_service_allocates_on_the_cumulative_schedule(manager_x, fund_x):
    from funds import services
    from tests.factories import CommitmentFactory

    fund_x.commitments.update(amount=Decimal("1000.00"))
    for _ in range(2):
        CommitmentFactory(fund=fund_x, amount=Decimal("1000.00"))
    day = D(2024, 1, 1)
    for _ in range(30):
        services.capital_call_create(
            fund=fund_x, actor=manager_x, amount=Decimal("100.00"), call_date=day, due_date=day
        )
    totals = {
        partner: sum(
            a.amount for a in CapitalCallAllocation.objects.filter(limited_partner_id=partner)
        )
        for partner in fund_x.commitments.values_list("limited_partner_id", flat=True)
    }
    assert set(totals.values()) == {Decimal("1000.00")}
    extra = CapitalCallAllocation.objects.filter(call__fund=fund_x, amount=Decimal("33.34"))
    assert len({a.limited_partner_id for a in extra}) == 3  # the tied cents went round
    with pytest.raises(ValidationError):
        services.capital_call_create(
            fund=fund_x, actor=manager_x, amount=Decimal("0.01"), call_date=day, due_date=day
        )
    assert fund_x.capital_calls.count() == 30


# --- IRR ------------------------------------------------------------------------------------


def test_irr_matches_the_spreadsheet_to_1e_6():
    # The example of the XIRR function's documentation: 0.373362535
    flows = [
        (D(2008, 1, 1), -10000),
        (D(2008, 3, 1), 2750),
        (D(2008, 10, 30), 4250),
        (D(2009, 2, 15), 3250),
        (D(2009, 4, 1), 2750),
    ]
    assert abs(irr(flows).rate - 0.373362535) < 1e-6


def test_irr_of_a_doubling_in_one_year_is_100_percent():
    assert abs(irr([(D(2021, 1, 1), -100), (D(2022, 1, 1), 200)]).rate - 1.0) < 1e-12


@pytest.mark.parametrize(
    ("flows", "reason"),
    [
        ([], NO_FLOWS),
        ([(D(2020, 1, 1), 0)], NO_FLOWS),
        ([(D(2020, 1, 1), -100)], NO_SIGN_CHANGE),
        ([(D(2020, 1, 1), -100), (D(2021, 1, 1), -50)], NO_SIGN_CHANGE),
        ([(D(2020, 1, 1), 100), (D(2021, 1, 1), 50)], NO_SIGN_CHANGE),
        ([(D(2020, 1, 1), -100), (D(2020, 1, 1), 100)], ONE_DATE),
        ([(D(2020, 1, 1), -100), (D(2020, 1, 1), 70)], ONE_DATE),
        ([(D(2020, 1, 1), -1), (D(2020, 1, 1), 1), (D(2021, 1, 1), 5)], NO_SIGN_CHANGE),
        ([(D(2020, 1, 1), -1), (D(2020, 1, 2), 10**6)], NO_ROOT),
    ],
)
def test_irr_is_not_defined_with_its_reason(flows, reason):
    result = irr(flows)
    assert (result.rate, result.reason) == (None, reason)
    assert result.note.startswith("Not defined")


def test_irr_of_a_near_total_loss_is_close_to_minus_one():
    rate = irr([(D(2020, 1, 1), -100), (D(2021, 1, 1), 0.01)]).rate
    assert abs(rate - (0.0001 ** (365 / 366) - 1)) < 1e-12  # 2020 has 366 days


# --- Fund figures on worked examples -------------------------------------------------------


def _fund_with(paid: list[tuple[datetime.date, str]], committed="1000.00"):
    fund = FundFactory()
    partner = CommitmentFactory(fund=fund, amount=Decimal(committed)).limited_partner
    for number, (day, amount) in enumerate(paid, start=1):
        call = CapitalCall.objects.create(
            fund=fund, number=number, amount=Decimal(amount), call_date=day, due_date=day
        )
        allocation = CapitalCallAllocation.objects.create(
            call=call, limited_partner=partner, amount=Decimal(amount)
        )
        Payment.objects.create(allocation=allocation, amount=Decimal(amount), paid_on=day)
    return fund


def _investment(fund, amount, day):
    deal = DealFactory(fund=fund, stage="invested")
    return Investment.objects.create(deal=deal, fund=fund, amount=Decimal(amount), invested_on=day)


@pytest.mark.django_db
def test_figures_of_a_valued_investment():
    # 100 paid in on 1 Jan 2020, invested; valued 121 two years later (730 days): IRR 10 %.
    fund = _fund_with([(D(2020, 1, 1), "100.00")])
    investment = _investment(fund, "100.00", D(2020, 1, 2))
    Valuation.objects.create(
        investment=investment, valued_on=D(2021, 12, 31), fair_value=Decimal("121.00")
    )
    figures = fund_figures(fund, as_of=D(2021, 12, 31))
    assert (figures.committed, figures.called, figures.paid_in) == (
        Decimal("1000.00"),
        Decimal("100.00"),
        Decimal("100.00"),
    )
    assert (figures.invested, figures.distributed, figures.nav) == (
        Decimal("100.00"),
        0,
        Decimal("121.00"),
    )
    assert (figures.nav_holdings, figures.nav_cash) == (Decimal("121.00"), 0)
    assert (figures.dpi, figures.rvpi, figures.tvpi) == (
        Decimal("0"),
        Decimal("1.21"),
        Decimal("1.21"),
    )
    assert figures.investments[0]["moic"] == Decimal("1.21")
    assert abs(figures.irr - 0.1) < 1e-12
    assert figures.irr_note is None


@pytest.mark.django_db
def test_figures_of_an_exited_investment():
    # 100 paid in, exited for 150 a year (365 days) later: DPI 1.5, NAV 0, IRR 50 %.
    fund = _fund_with([(D(2021, 1, 1), "100.00")])
    investment = _investment(fund, "100.00", D(2021, 1, 1))
    Valuation.objects.create(
        investment=investment, valued_on=D(2021, 6, 30), fair_value=Decimal("130.00")
    )
    Exit.objects.create(
        investment=investment,
        exited_on=D(2022, 1, 1),
        kind="trade_sale",
        proceeds=Decimal("150.00"),
    )
    figures = fund_figures(fund, as_of=D(2022, 6, 1))
    assert (figures.distributed, figures.nav) == (Decimal("150.00"), 0)
    assert (figures.dpi, figures.rvpi, figures.tvpi) == (
        Decimal("1.5"),
        Decimal("0"),
        Decimal("1.5"),
    )
    assert figures.investments[0]["moic"] == Decimal("1.5")
    assert abs(figures.irr - 0.5) < 1e-12


@pytest.mark.django_db
def test_nav_counts_the_uninvested_cash_rvpi_1_1176():
    # Worked by hand: 850.00 paid in on 1 Jan 2020; 800.00 invested, valued 900.00 on
    # 31 Dec 2021. Cash = 850 − 800 = 50, NAV = 900 + 50 = 950, RVPI = 950 / 850 = 19/17
    # = 1.117647…, shown 1.1176 (the holdings alone would give 1.0588). The flows are −850
    # then +950 730 days later: IRR = (19/17)^(365/730) − 1 = √(19/17) − 1 = 5.7188…%.
    fund = _fund_with([(D(2020, 1, 1), "850.00")])
    investment = _investment(fund, "800.00", D(2020, 1, 2))
    Valuation.objects.create(
        investment=investment, valued_on=D(2021, 12, 31), fair_value=Decimal("900.00")
    )
    figures = fund_figures(fund, as_of=D(2021, 12, 31))
    assert (figures.nav_holdings, figures.nav_cash, figures.nav) == (
        Decimal("900.00"),
        Decimal("50.00"),
        Decimal("950.00"),
    )
    assert Fraction(figures.rvpi) - Fraction(19, 17) < Fraction(1, 10**26)
    assert figures.rvpi.quantize(Decimal("0.0001")) == Decimal("1.1176")
    assert figures.tvpi == figures.rvpi and figures.dpi == 0
    assert abs(figures.irr - (math.sqrt(19 / 17) - 1)) < 1e-12


@pytest.mark.django_db
def test_tvpi_is_dpi_plus_rvpi_unrounded():
    # Hand computation: 300.00 paid on 1 Mar 2020 and 0.01 on 1 Jun 2020 (paid in 300.01);
    # A: 100.00 exited for 133.33; B: 150.00 valued 166.67; cash 300.01 − 250 = 50.01.
    # DPI = 133.33 / 300.01, RVPI = 216.68 / 300.01, TVPI = 350.01 / 300.01 = 1.16666…
    # Rounded separately, DPI 0.4444 + RVPI 0.7222 = 1.1666 ≠ TVPI 1.1667: adding the
    # rounded figures (as the old code did) is off by a unit in the last place.
    fund = _fund_with([(D(2020, 3, 1), "300.00"), (D(2020, 6, 1), "0.01")])
    a = _investment(fund, "100.00", D(2020, 3, 2))
    b = _investment(fund, "150.00", D(2020, 3, 3))
    Exit.objects.create(
        investment=a, exited_on=D(2021, 3, 1), kind="trade_sale", proceeds=Decimal("133.33")
    )
    Valuation.objects.create(investment=b, valued_on=D(2021, 6, 30), fair_value=Decimal("166.67"))
    figures = fund_figures(fund, as_of=D(2021, 12, 31))
    assert (figures.paid_in, figures.distributed) == (Decimal("300.01"), Decimal("133.33"))
    assert (figures.nav_holdings, figures.nav_cash) == (Decimal("166.67"), Decimal("50.01"))
    assert figures.nav == Decimal("216.68")
    assert figures.tvpi == Decimal("350.01") / Decimal("300.01")
    assert abs(Fraction(figures.tvpi) - Fraction(35001, 30001)) < Fraction(1, 10**26)
    assert abs(figures.tvpi - (figures.dpi + figures.rvpi)) < Decimal("1e-26")
    four = Decimal("0.0001")
    assert (figures.dpi.quantize(four), figures.rvpi.quantize(four)) == (
        Decimal("0.4444"),
        Decimal("0.7222"),
    )
    assert figures.tvpi.quantize(four) == Decimal("1.1667")
    # The IRR solves −300·v(0) − 0.01·v(92) + 133.33·v(365) + 216.68·v(670) = 0.
    years = [0, 92 / 365, 365 / 365, 670 / 365]
    flows = [-300.00, -0.01, 133.33, 216.68]
    npv = sum(f / (1 + figures.irr) ** t for f, t in zip(flows, years, strict=True))
    assert abs(npv) < 1e-9


@pytest.mark.django_db
def test_cash_is_never_negative_when_more_was_invested_than_paid_in():
    fund = _fund_with([(D(2020, 1, 1), "100.00")])
    _investment(fund, "150.00", D(2020, 1, 2))
    figures = fund_figures(fund, as_of=D(2020, 6, 30))
    assert (figures.nav_holdings, figures.nav_cash, figures.nav) == (
        Decimal("150.00"),
        0,
        Decimal("150.00"),
    )


@pytest.mark.django_db
def test_a_payment_valued_the_same_day_has_no_irr_not_minus_100_percent():
    fund = _fund_with([(D(2024, 3, 1), "500.00")])
    figures = fund_figures(fund, as_of=D(2024, 3, 1))
    assert (figures.nav_cash, figures.nav, figures.tvpi) == (
        Decimal("500.00"),
        Decimal("500.00"),
        Decimal("1"),
    )
    assert figures.irr is None
    assert figures.irr_note == str(IRR_NOTES[ONE_DATE])


@pytest.mark.django_db
def test_a_total_write_off_has_no_irr_and_says_why():
    fund = _fund_with([(D(2020, 1, 1), "100.00")])
    investment = _investment(fund, "100.00", D(2020, 1, 1))
    Exit.objects.create(
        investment=investment, exited_on=D(2021, 1, 1), kind="write_off", proceeds=0
    )
    figures = fund_figures(fund, as_of=D(2022, 1, 1))
    assert (figures.nav, figures.distributed, figures.dpi, figures.tvpi) == (0, 0, 0, 0)
    assert figures.irr is None
    assert figures.irr_note == str(IRR_NOTES[NO_SIGN_CHANGE])


@pytest.mark.django_db
def test_figures_before_any_payment_are_not_defined():
    fund = FundFactory()
    CommitmentFactory(fund=fund)
    figures = fund_figures(fund, as_of=D(2024, 1, 1))
    assert (figures.dpi, figures.rvpi, figures.tvpi, figures.irr) == (None, None, None, None)
    assert figures.irr_note == str(IRR_NOTES[NO_FLOWS])


@pytest.mark.django_db
def test_figures_follow_the_as_of_date():
    fund = _fund_with([(D(2020, 1, 1), "100.00"), (D(2022, 1, 1), "50.00")])
    assert fund_figures(fund, as_of=D(2021, 1, 1)).paid_in == Decimal("100.00")
    assert fund_figures(fund, as_of=D(2023, 1, 1)).paid_in == Decimal("150.00")


@pytest.mark.django_db
def test_the_figures_panel_shows_ratios_to_four_places_and_why_irr_is_missing():
    from django.template.loader import render_to_string
    from django.utils import translation

    fund = _fund_with([(D(2020, 1, 1), "850.00")])
    investment = _investment(fund, "800.00", D(2020, 1, 2))
    Valuation.objects.create(
        investment=investment, valued_on=D(2021, 12, 31), fair_value=Decimal("900.00")
    )
    with translation.override("en"):
        html = render_to_string(
            "funds/_figures.html", {"fund": fund, "figures": fund_figures(fund, D(2021, 12, 31))}
        )
        assert 'data-figure="rvpi">1.1176×<' in html
        assert 'data-figure="irr">5.72 %<' in html
        assert "irr_note" not in html
        html = render_to_string(
            "funds/_figures.html", {"fund": fund, "figures": fund_figures(fund, D(2019, 1, 1))}
        )
        assert 'data-figure="dpi">—<' in html
        assert str(IRR_NOTES[NO_FLOWS]) in html
