"""Capital accounts of the limited partners and the fund's quarterly report.

Each figure is as of a date, in the fund's currency; nothing after the date counts. On top
of the fund figures of :mod:`funds.metrics`, a partner's **capital account** holds:

* **commitment**: the partner's commitment to the fund (whatever its date: the fund figures
  count every commitment too);
* **called**: its allocations of the capital calls dated on or before the date;
* **paid**: what it paid of them on or before the date (:func:`funds.metrics.payments_in`);
* **outstanding** = called − paid: called and not paid yet;
* **unfunded** = commitment − called: what the fund may still call;
* **distributions**: each distribution of the fund (today each exit's proceeds, on the exit
  date) is shared among the partners **pro rata to their paid-in capital on that date**
  (payments made that same day count): a partner that paid late shares in what came back
  only from its payment on. While nothing is paid in, a distribution is shared pro rata to
  the commitments;
* **share of NAV**: the fund's NAV on the date, shared the same way, pro rata to paid-in
  capital on the date (to the commitments while nothing is paid in);
* **DPI**, **RVPI**, **TVPI** and **IRR** as for the fund, on the partner's own flows: its
  payments, its distribution shares, and its share of NAV as the final flow.

Every share is rounded to the cent by the largest remainder (ties to the lower partner id),
so the partners' shares add up to the fund's distribution and NAV exactly.

The **quarterly report** rolls the NAV forward over the quarter: opening NAV (the day
before the quarter) + contributions (paid in during the quarter) − distributions = closing
NAV − the net change in value, which is the balancing figure (revaluations, and cash the
fund spent or earned). Its **J-curve** is the partners' cumulative net cash flow
(distributions − contributions) at the end of each quarter from the fund's vintage year on.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from funds.metrics import CENT, FundFigures, Paid, fund_figures, irr, payments_in, ratio
from funds.models import CapitalCall, CapitalCallAllocation, Exit, Fund, Valuation

ZERO = Decimal("0")


def split_pro_rata(amount: Decimal, weights: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """``amount`` shared over ``{partner id: weight}`` pro rata, to the cent by the largest
    remainder (ties to the lower partner id): the shares add up to ``amount`` exactly.

    Raises ValueError when the weights add up to nothing or ``amount`` is not whole cents.
    """
    cents = Fraction(Decimal(amount)) * 100
    if cents.denominator != 1:
        raise ValueError("amounts are whole cents")
    total = sum((Fraction(Decimal(w)) for w in weights.values()), Fraction(0))
    if total <= 0 or any(Decimal(w) < 0 for w in weights.values()):
        raise ValueError("the weights are not negative and add up to more than nothing")
    exact = {p: cents * Fraction(Decimal(w)) / total for p, w in weights.items()}
    shares = {p: math.floor(e) for p, e in exact.items()}
    left = int(cents) - sum(shares.values())
    for partner in sorted(exact, key=lambda p: (shares[p] - exact[p], p))[:left]:
        shares[partner] += 1
    return {p: Decimal(c) * CENT for p, c in shares.items()}


@dataclass
class Distribution:
    """Money the fund passed on to its partners: today an exit's proceeds."""

    paid_on: datetime.date
    amount: Decimal
    company: str
    company_en: str = ""
    shares: dict[int, Decimal] = field(default_factory=dict)


@dataclass
class CallLine:
    """One call on one partner: its part, and what it paid of it by the date."""

    call: CapitalCall
    amount: Decimal
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid


@dataclass
class CapitalAccount:
    """A limited partner's capital account as of a date (see the module's docstring)."""

    partner: object  # members.models.Organization
    as_of: datetime.date
    commitment: Decimal
    called: Decimal = ZERO
    paid: Decimal = ZERO
    distributions: Decimal = ZERO
    nav_share: Decimal = ZERO
    paid_share: Decimal | None = None  # of the fund's paid-in capital, a fraction
    irr: float | None = None
    irr_note: str | None = None
    calls: list[CallLine] = field(default_factory=list)
    distribution_lines: list[tuple[Distribution, Decimal]] = field(default_factory=list)

    @property
    def outstanding(self) -> Decimal:
        return self.called - self.paid

    @property
    def unfunded(self) -> Decimal:
        return self.commitment - self.called

    @property
    def dpi(self) -> Decimal | None:
        return ratio(self.distributions, self.paid)

    @property
    def rvpi(self) -> Decimal | None:
        return ratio(self.nav_share, self.paid)

    @property
    def tvpi(self) -> Decimal | None:
        return ratio(self.distributions + self.nav_share, self.paid)


@dataclass
class FundAccounts:
    """The fund's figures and every partner's capital account, as of one date."""

    fund: Fund
    figures: FundFigures
    accounts: list[CapitalAccount]
    payments: list[Paid]
    distributions: list[Distribution]
    exited: set[int]  # the investments exited by the date

    @property
    def holdings(self) -> list[dict]:
        """The fund's investments not exited by the date (rows of the fund figures)."""
        return [row for row in self.figures.investments if row["investment"] not in self.exited]

    def account_of(self, partner_id: int) -> CapitalAccount | None:
        return next((a for a in self.accounts if a.partner.pk == partner_id), None)

    @property
    def totals(self) -> dict[str, Decimal]:
        keys = ("commitment", "called", "paid", "outstanding", "unfunded", "distributions")
        sums = {key: sum((getattr(a, key) for a in self.accounts), ZERO) for key in keys}
        sums["nav_share"] = sum((a.nav_share for a in self.accounts), ZERO)
        return sums


def _weights(paid: Mapping[int, Decimal], commitments: Mapping[int, Decimal]):
    """Pro rata to paid-in capital; to the commitments while nothing is paid in."""
    return paid if any(paid.values()) else commitments


def capital_accounts(fund: Fund, as_of: datetime.date | None = None) -> FundAccounts:
    """Every partner's capital account in ``fund`` as of a date, in a fixed number of
    queries (the fund figures' and four more)."""
    as_of = as_of or timezone.localdate()
    figures = fund_figures(fund, as_of)
    commitments = list(fund.commitments.select_related("limited_partner").order_by("-amount", "id"))
    accounts = {
        c.limited_partner_id: CapitalAccount(
            partner=c.limited_partner, as_of=as_of, commitment=c.amount
        )
        for c in commitments
    }
    committed = {pid: a.commitment for pid, a in accounts.items()}
    payments = payments_in(fund, as_of)
    paid_on_call: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for payment in payments:
        paid_on_call[payment.partner_id, payment.call_id] += payment.amount
    allocations = (
        CapitalCallAllocation.objects.filter(call__fund=fund, call__call_date__lte=as_of)
        .select_related("call")
        .order_by("call__number", "id")
    )
    for allocation in allocations:
        account = accounts.get(allocation.limited_partner_id)
        if account is None:
            continue
        paid = paid_on_call[allocation.limited_partner_id, allocation.call_id]
        account.calls.append(CallLine(call=allocation.call, amount=allocation.amount, paid=paid))
        account.called += allocation.amount
    for payment in payments:
        if payment.partner_id in accounts:
            accounts[payment.partner_id].paid += payment.amount

    exits = list(
        Exit.objects.filter(investment__fund=fund, exited_on__lte=as_of)
        .select_related("investment__deal__company")
        .order_by("exited_on", "id")
    )
    distributions = [
        Distribution(
            paid_on=e.exited_on,
            amount=e.proceeds,
            company=e.investment.deal.company.name,
            company_en=e.investment.deal.company.name_en,
        )
        for e in exits
        if e.proceeds
    ]
    paid_so_far = dict.fromkeys(accounts, ZERO)
    pending = iter(payments)
    payment = next(pending, None)
    for distribution in distributions:
        while payment is not None and payment.paid_on <= distribution.paid_on:
            if payment.partner_id in paid_so_far:
                paid_so_far[payment.partner_id] += payment.amount
            payment = next(pending, None)
        distribution.shares = split_pro_rata(distribution.amount, _weights(paid_so_far, committed))
        for partner_id, share in distribution.shares.items():
            accounts[partner_id].distributions += share
            accounts[partner_id].distribution_lines.append((distribution, share))

    paid_now = {pid: a.paid for pid, a in accounts.items()}
    if accounts and figures.nav:
        for partner_id, share in split_pro_rata(figures.nav, _weights(paid_now, committed)).items():
            accounts[partner_id].nav_share = share
    by_partner: dict[int, list[Paid]] = defaultdict(list)
    for payment in payments:
        by_partner[payment.partner_id].append(payment)
    for partner_id, account in accounts.items():
        account.paid_share = ratio(account.paid, figures.paid_in)
        flows = [(p.paid_on, -p.amount) for p in by_partner[partner_id]]
        flows += [(d.paid_on, share) for d, share in account.distribution_lines]
        if account.nav_share:
            flows.append((as_of, account.nav_share))
        rate = irr(flows)
        account.irr, account.irr_note = rate.rate, rate.note
    return FundAccounts(
        fund=fund,
        figures=figures,
        accounts=list(accounts.values()),
        payments=payments,
        distributions=distributions,
        exited={e.investment_id for e in exits},
    )


# --- Quarters -------------------------------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of a calendar quarter."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("a quarter is 1 to 4")
    start = datetime.date(year, 3 * quarter - 2, 1)
    following = datetime.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, following - datetime.timedelta(days=1)


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def reportable_quarters(fund: Fund, today: datetime.date | None = None) -> list[tuple[int, int]]:
    """The quarters a report can be made for, newest first: from the first quarter of the
    fund's vintage year to the current quarter."""
    year, quarter = quarter_of(today or timezone.localdate())
    quarters = []
    while (year, quarter) >= (fund.vintage_year, 1):
        quarters.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return quarters


@dataclass
class QuarterFlow:
    """The partners' net cash flow in one quarter and cumulated up to its end."""

    year: int
    quarter: int
    contributions: Decimal
    distributions: Decimal
    cumulative: Decimal

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"

    @property
    def net(self) -> Decimal:
        return self.distributions - self.contributions


def net_flows_by_quarter(
    payments: list[Paid],
    distributions: list[Distribution],
    first: tuple[int, int],
    last: tuple[int, int],
) -> list[QuarterFlow]:
    """The J-curve: each quarter's contributions and distributions from ``first`` to
    ``last`` (``(year, quarter)``), with the cumulative net flow (flows before ``first``
    count in its cumulative figure)."""
    contributions: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    distributed: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for payment in payments:
        contributions[max(quarter_of(payment.paid_on), first)] += payment.amount
    for distribution in distributions:
        distributed[max(quarter_of(distribution.paid_on), first)] += distribution.amount
    flows, cumulative = [], ZERO
    year, quarter = first
    while (year, quarter) <= last:
        key = (year, quarter)
        cumulative += distributed[key] - contributions[key]
        flows.append(QuarterFlow(year, quarter, contributions[key], distributed[key], cumulative))
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return flows


@dataclass
class QuarterReport:
    """Everything the quarterly report of a fund shows (see the module's docstring)."""

    fund: Fund
    year: int
    quarter: int
    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    opening: FundFigures
    closing: FundAccounts
    calls: list[tuple[CapitalCall, Decimal]]
    contributions: Decimal
    distributions: list[Distribution]
    valuations: list[Valuation]
    flows: list[QuarterFlow]

    @property
    def figures(self) -> FundFigures:
        return self.closing.figures

    @property
    def to_date(self) -> bool:
        """The quarter is not over yet: the figures are as of today."""
        return self.as_of < self.end

    @property
    def distributed(self) -> Decimal:
        return sum((d.amount for d in self.distributions), ZERO)

    @property
    def change_in_value(self) -> Decimal:
        """The balancing figure of the NAV roll-forward."""
        return self.figures.nav - self.opening.nav - self.contributions + self.distributed

    @property
    def holdings(self) -> list[dict]:
        return self.closing.holdings


def quarter_report(fund: Fund, year: int, quarter: int, today: datetime.date | None = None):
    """The report of ``fund`` for a calendar quarter, as of its last day (as of today while
    the quarter runs), in a fixed number of queries."""
    start, end = quarter_bounds(year, quarter)
    as_of = min(end, today or timezone.localdate())
    opening = fund_figures(fund, start - datetime.timedelta(days=1))
    closing = capital_accounts(fund, as_of)
    paid_by_call: dict[int, Decimal] = defaultdict(Decimal)
    contributions = ZERO
    for payment in closing.payments:
        paid_by_call[payment.call_id] += payment.amount
        if payment.paid_on >= start:
            contributions += payment.amount
    calls = [
        (call, paid_by_call[call.pk])
        for call in fund.capital_calls.filter(call_date__gte=start, call_date__lte=as_of).order_by(
            "number"
        )
    ]
    valuations = list(
        Valuation.objects.filter(investment__fund=fund, valued_on__gte=start, valued_on__lte=as_of)
        .select_related("investment__deal__company")
        .order_by("valued_on", "id")
    )
    first_flow = [p.paid_on for p in closing.payments[:1]] + [
        d.paid_on for d in closing.distributions[:1]
    ]
    first = min([(fund.vintage_year, 1), *(quarter_of(day) for day in first_flow)])
    return QuarterReport(
        fund=fund,
        year=year,
        quarter=quarter,
        start=start,
        end=end,
        as_of=as_of,
        opening=opening,
        closing=closing,
        calls=calls,
        contributions=contributions,
        distributions=[d for d in closing.distributions if d.paid_on >= start],
        valuations=valuations,
        flows=net_flows_by_quarter(closing.payments, closing.distributions, first, (year, quarter)),
    )
