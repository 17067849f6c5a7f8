"""Fund figures, as ILPA uses them, and the pro-rata split of a capital call.

Definitions (all in the fund's currency, as of a date):

* **committed**: the limited partners' commitments.
* **called**: the capital calls' amounts; **paid in**: what the partners have paid of them.
* **invested**: the fund's investments at cost.
* **distributed**: the proceeds of exits (passed on to the partners).
* **NAV**: the latest fair value, on or before the date, of each investment not yet exited
  (its cost while it has no valuation).
* **DPI** = distributed / paid in; **RVPI** = NAV / paid in; **TVPI** = DPI + RVPI;
  undefined (None) while nothing is paid in.
* **MOIC** of an investment = (exit proceeds + NAV) / cost.
* **IRR**: XIRR of the partners' dated cash flows — each payment in (negative, on its paid
  date), each distribution (positive, on its exit date) and the NAV as a final positive flow
  on the as-of date — with the 365-day convention of spreadsheet XIRR. Undefined (None)
  without flows or without both a negative and a positive one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

CENT = Decimal("0.01")


def allocate(amount: Decimal, commitments: list[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """Split ``amount`` pro rata to ``[(partner id, commitment)]``, to the cent.

    Each partner first gets its share rounded down to the cent; the cents left over go one
    each to the partners with the largest remainders, ties going to the larger commitment
    and then to the lower partner id (largest remainder method). The parts add up to the
    amount exactly, and the same inputs always give the same split.
    """
    total = sum(c for _, c in commitments)
    if total <= 0:
        raise ValueError("no commitments to allocate against")
    cents = int((amount / CENT).to_integral_value())
    parts: dict[int, int] = {}
    remainders = []
    for partner, commitment in commitments:
        exact = Decimal(cents) * commitment / total
        floor = int(exact.to_integral_value(rounding=ROUND_FLOOR))
        parts[partner] = floor
        remainders.append((exact - floor, commitment, -partner, partner))
    left = cents - sum(parts.values())
    for *_, partner in sorted(remainders, reverse=True)[:left]:
        parts[partner] += 1
    return {partner: Decimal(value) * CENT for partner, value in parts.items()}


def xirr(flows: list[tuple[datetime.date, float]], *, tolerance: float = 1e-10) -> float | None:
    """The rate r where Σ cf / (1 + r)^(days / 365) = 0, or None when it is not defined."""
    flows = [(day, float(value)) for day, value in flows if value]
    if not flows or not (any(v < 0 for _, v in flows) and any(v > 0 for _, v in flows)):
        return None
    start = min(day for day, _ in flows)
    terms = [((day - start).days / 365.0, value) for day, value in flows]

    def npv(rate: float) -> float:
        return sum(value / (1.0 + rate) ** years for years, value in terms)

    def derivative(rate: float) -> float:
        return sum(-years * value / (1.0 + rate) ** (years + 1) for years, value in terms)

    rate = 0.1
    for _ in range(100):  # Newton's method, as spreadsheets do
        value, slope = npv(rate), derivative(rate)
        if slope == 0:
            break
        step = value / slope
        candidate = rate - step
        if candidate <= -1:
            break
        rate = candidate
        if abs(step) < tolerance:
            return rate
    # Bisection when Newton wanders: NPV falls as the rate rises for invest-then-return flows.
    low, high = -0.999999, 1.0
    while npv(high) > 0 and high < 1e6:
        high *= 2
    if npv(low) * npv(high) > 0:
        return None
    for _ in range(300):
        middle = (low + high) / 2
        if npv(low) * npv(middle) <= 0:
            high = middle
        else:
            low = middle
        if high - low < tolerance:
            break
    return (low + high) / 2


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (numerator / denominator).quantize(Decimal("0.0001"))


@dataclass
class FundFigures:
    as_of: datetime.date
    committed: Decimal
    called: Decimal
    paid_in: Decimal
    invested: Decimal
    distributed: Decimal
    nav: Decimal
    dpi: Decimal | None
    rvpi: Decimal | None
    tvpi: Decimal | None
    irr: Decimal | None
    investments: list[dict]


def fund_figures(fund, as_of: datetime.date | None = None) -> FundFigures:
    """Every figure of ``fund`` as of a date, in a fixed number of queries."""
    from django.db.models import Sum
    from django.utils import timezone

    from funds.models import CapitalCallAllocation, Investment, Valuation

    as_of = as_of or timezone.localdate()
    committed = fund.commitments.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    called = fund.capital_calls.filter(call_date__lte=as_of).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal("0")
    payments = list(
        CapitalCallAllocation.objects.filter(
            call__fund=fund, paid_amount__gt=0, paid_on__isnull=False, paid_on__lte=as_of
        ).values_list("paid_on", "paid_amount")
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
    invested = distributed = nav = Decimal("0")
    distributions = []
    for investment in investments:
        exit_ = getattr(investment, "exit", None)
        exited = exit_ is not None and exit_.exited_on <= as_of
        proceeds = exit_.proceeds if exited else Decimal("0")
        value = Decimal("0") if exited else latest.get(investment.pk, investment.amount)
        invested += investment.amount
        distributed += proceeds
        nav += value
        if exited and proceeds:
            distributions.append((exit_.exited_on, proceeds))
        rows.append(
            {
                "investment": investment.pk,
                "company": investment.deal.company.name,
                "amount": investment.amount,
                "invested_on": investment.invested_on,
                "proceeds": proceeds,
                "value": value,
                "moic": ratio(proceeds + value, investment.amount),
            }
        )
    flows = [(day, -float(amount)) for day, amount in payments]
    flows += [(day, float(amount)) for day, amount in distributions]
    if nav:
        flows.append((as_of, float(nav)))
    irr = xirr(flows)
    dpi, rvpi = ratio(distributed, paid_in), ratio(nav, paid_in)
    return FundFigures(
        as_of=as_of,
        committed=committed,
        called=called,
        paid_in=paid_in,
        invested=invested,
        distributed=distributed,
        nav=nav,
        dpi=dpi,
        rvpi=rvpi,
        tvpi=(dpi + rvpi) if dpi is not None and rvpi is not None else None,
        irr=Decimal(str(round(irr, 6))) if irr is not None else None,
        investments=rows,
    )
