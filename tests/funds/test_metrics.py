import datetime
import random
from decimal import Decimal

import pytest

from funds.metrics import allocate, fund_figures, xirr
from funds.models import CapitalCall, CapitalCallAllocation, Exit, Investment, Valuation
from tests.factories import CommitmentFactory, DealFactory, FundFactory

D = datetime.date


# --- Allocation ----------------------------------------------------------------------------


def test_three_equal_partners_split_100_00_to_the_cent():
    parts = allocate(Decimal("100.00"), [(1, Decimal("1")), (2, Decimal("1")), (3, Decimal("1"))])
    assert parts == {1: Decimal("33.34"), 2: Decimal("33.33"), 3: Decimal("33.33")}
    assert sum(parts.values()) == Decimal("100.00")


def test_the_remainder_goes_to_the_largest_remainders_then_larger_commitments():
    parts = allocate(Decimal("0.05"), [(7, Decimal("3")), (8, Decimal("3")), (9, Decimal("2"))])
    # exact shares 1.875, 1.875, 1.25 cents: floors 1, 1, 1; two cents to the .875s
    assert parts == {7: Decimal("0.02"), 8: Decimal("0.02"), 9: Decimal("0.01")}


def test_allocations_always_add_up_and_are_deterministic():
    rng = random.Random(7)
    for _ in range(300):
        commitments = [(i, Decimal(rng.randint(1, 10**9)) / 100) for i in range(rng.randint(1, 12))]
        amount = Decimal(rng.randint(1, 10**11)) / 100
        parts = allocate(amount, commitments)
        assert sum(parts.values()) == amount
        assert parts == allocate(amount, list(reversed(commitments)))


# --- XIRR -----------------------------------------------------------------------------------


def test_xirr_matches_the_spreadsheet_to_1e_6():
    # The example of the XIRR function's documentation: 0.373362535
    flows = [
        (D(2008, 1, 1), -10000),
        (D(2008, 3, 1), 2750),
        (D(2008, 10, 30), 4250),
        (D(2009, 2, 15), 3250),
        (D(2009, 4, 1), 2750),
    ]
    assert abs(xirr(flows) - 0.373362535) < 1e-6


def test_xirr_of_a_doubling_in_one_year_is_100_percent():
    assert abs(xirr([(D(2021, 1, 1), -100), (D(2022, 1, 1), 200)]) - 1.0) < 1e-9


@pytest.mark.parametrize(
    "flows",
    [
        [],
        [(D(2020, 1, 1), -100)],
        [(D(2020, 1, 1), -100), (D(2021, 1, 1), -50)],
        [(D(2020, 1, 1), 100), (D(2021, 1, 1), 50)],
        [(D(2020, 1, 1), 0)],
    ],
)
def test_xirr_is_not_defined_without_flows_or_sign_change(flows):
    assert xirr(flows) is None


def test_xirr_of_a_total_loss_is_close_to_minus_one():
    assert xirr([(D(2020, 1, 1), -100), (D(2021, 1, 1), 0.01)]) < -0.99


# --- Fund figures on worked examples -------------------------------------------------------


def _fund_with(paid: list[tuple[datetime.date, str]], committed="1000.00"):
    fund = FundFactory()
    partner = CommitmentFactory(fund=fund, amount=Decimal(committed)).limited_partner
    for number, (day, amount) in enumerate(paid, start=1):
        call = CapitalCall.objects.create(
            fund=fund, number=number, amount=Decimal(amount), call_date=day, due_date=day
        )
        CapitalCallAllocation.objects.create(
            call=call,
            limited_partner=partner,
            amount=Decimal(amount),
            paid_amount=Decimal(amount),
            paid_on=day,
        )
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
    assert (figures.dpi, figures.rvpi, figures.tvpi) == (
        Decimal("0"),
        Decimal("1.21"),
        Decimal("1.21"),
    )
    assert figures.investments[0]["moic"] == Decimal("1.21")
    assert figures.irr == Decimal("0.1")


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
    assert figures.irr == Decimal("0.5")


@pytest.mark.django_db
def test_figures_before_any_payment_are_not_defined():
    fund = FundFactory()
    CommitmentFactory(fund=fund)
    figures = fund_figures(fund, as_of=D(2024, 1, 1))
    assert (figures.dpi, figures.rvpi, figures.tvpi, figures.irr) == (None, None, None, None)


@pytest.mark.django_db
def test_figures_follow_the_as_of_date():
    fund = _fund_with([(D(2020, 1, 1), "100.00"), (D(2022, 1, 1), "50.00")])
    assert fund_figures(fund, as_of=D(2021, 1, 1)).paid_in == Decimal("100.00")
    assert fund_figures(fund, as_of=D(2023, 1, 1)).paid_in == Decimal("150.00")
