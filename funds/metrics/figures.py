"""Every figure of a fund as of a date, and the dated flows behind them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from funds.metrics.irr import (
    irr,
)
from funds.models import CapitalCallAllocation, Investment, Payment, Valuation


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator unrounded (28 significant digits), None over zero."""
    if not denominator:
        return None
    return numerator / denominator


@dataclass
class FundFigures:
    """Every figure of a fund as of a date (see the module's docstring), unrounded."""

    as_of: datetime.date
    committed: Decimal
    called: Decimal
    paid_in: Decimal
    invested: Decimal
    distributed: Decimal
    nav: Decimal
    nav_holdings: Decimal
    nav_cash: Decimal
    dpi: Decimal | None
    rvpi: Decimal | None
    tvpi: Decimal | None
    irr: float | None
    irr_note: str | None
    investments: list[dict]

    @property
    def irr_percent(self) -> float | None:
        """The IRR in per cent (17.44 for 0.1744), for display."""
        return None if self.irr is None else self.irr * 100


def fund_figures(fund, as_of: datetime.date | None = None) -> FundFigures:
    """Every figure of ``fund`` as of a date, in a fixed number of queries."""

    as_of = as_of or timezone.localdate()
    committed = fund.commitments.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    called = fund.capital_calls.filter(call_date__lte=as_of).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal("0")
    # Each instalment on its own date (``Payment``), not the allocation's running total.
    payments = list(
        Payment.objects.filter(allocation__call__fund=fund, paid_on__lte=as_of)
        .order_by()
        .values_list("paid_on", "amount")
    )
    paid_in = sum((amount for _, amount in payments), Decimal("0"))
    investments = list(
        Investment.objects.filter(fund=fund, invested_on__lte=as_of)
        .select_related("deal__company", "exit")
        .order_by("invested_on", "id")
    )
    latest: dict[int, Decimal] = {}
    for investment_id, fair_value in (
        Valuation.objects.filter(investment__fund=fund, valued_on__lte=as_of)
        .order_by("investment_id", "valued_on", "id")
        .values_list("investment_id", "fair_value")
    ):
        latest[investment_id] = fair_value  # the last one per investment wins
    rows = []
    invested = proceeds_total = nav_holdings = Decimal("0")
    distributions = []
    for investment in investments:
        exit_ = getattr(investment, "exit", None)
        exited = exit_ is not None and exit_.exited_on <= as_of
        proceeds = exit_.proceeds if exited else Decimal("0")
        value = Decimal("0") if exited else latest.get(investment.pk, investment.amount)
        invested += investment.amount
        proceeds_total += proceeds
        nav_holdings += value
        if exited and proceeds:
            distributions.append((exit_.exited_on, proceeds))
        moic = ratio(proceeds + value, investment.amount)
        rows.append(
            {
                "investment": investment.pk,
                "company": investment.deal.company.name,
                "company_en": investment.deal.company.name_en,
                "amount": investment.amount,
                "invested_on": investment.invested_on,
                "proceeds": proceeds,
                "value": value,
                "moic": None if moic is None else moic.quantize(Decimal("0.0001")),
            }
        )
    distributed = proceeds_total  # every exit's proceeds are passed on (module docstring)
    nav_cash = max(paid_in - invested + proceeds_total - distributed, Decimal("0"))
    nav = nav_holdings + nav_cash
    flows = [(day, -amount) for day, amount in payments]
    flows += distributions
    if nav:
        flows.append((as_of, nav))
    rate = irr(flows)
    return FundFigures(
        as_of=as_of,
        committed=committed,
        called=called,
        paid_in=paid_in,
        invested=invested,
        distributed=distributed,
        nav=nav,
        nav_holdings=nav_holdings,
        nav_cash=nav_cash,
        dpi=ratio(distributed, paid_in),
        rvpi=ratio(nav, paid_in),
        tvpi=ratio(distributed + nav, paid_in),
        irr=rate.rate,
        irr_note=rate.note,
        investments=rows,
    )


# --- The partners' payments -----------------------------------------------------------------


@dataclass(frozen=True)
class Paid:
    """One payment a limited partner made into the fund, on its date."""

    partner_id: int
    call_id: int
    paid_on: datetime.date
    amount: Decimal


def payments_in(fund, as_of: datetime.date, partner=None) -> list[Paid]:
    """Every payment the limited partners (or one ``partner``, an organisation or its id)
    made into ``fund`` on or before ``as_of``, in date order: the one place that reads what
    was paid, by whom, on which call and when.

    Today a payment is an allocation's paid amount on its paid date.
    """

    rows = CapitalCallAllocation.objects.filter(
        call__fund=fund, paid_amount__gt=0, paid_on__isnull=False, paid_on__lte=as_of
    )
    if partner is not None:
        rows = rows.filter(limited_partner_id=getattr(partner, "pk", partner))
    rows = rows.order_by("paid_on", "call__number", "limited_partner_id").values_list(
        "limited_partner_id", "call_id", "paid_on", "paid_amount"
    )
    return [Paid(*row) for row in rows]


def partner_flows(fund, partner, as_of: datetime.date) -> list[tuple[datetime.date, Decimal]]:
    """What ``partner`` (an organisation or its id) paid into ``fund`` on or before
    ``as_of``: ``[(paid on, amount)]`` in date order, amounts positive."""
    return [(p.paid_on, p.amount) for p in payments_in(fund, as_of, partner)]
