"""Fund figures, as ILPA uses them, the IRR solver and the pro-rata split of capital calls.

Definitions (all in the fund's currency, as of a date; nothing after that date counts):

* **committed**: the sum of the limited partners' commitments.
* **called**: the sum of the capital calls dated on or before the date.
* **paid in**: what the partners have paid of the calls, each payment (``Payment``, one row
  per instalment) on its own date: a call paid half in January and half a year later counts
  half from January.
* **invested**: the fund's investments at cost.
* **distributed**: the proceeds of exits. Today the fund passes every exit's proceeds on to
  the partners on the exit date, so distributed = exit proceeds.
* **NAV** = **nav_holdings** + **nav_cash**, where
  *nav_holdings* is the latest fair value, on or before the date, of each investment not
  yet exited (its cost while it has no valuation; an exited investment counts 0), and
  *nav_cash* is the fund's uninvested cash = paid in − invested + exit proceeds −
  distributed. Because every exit's proceeds are distributed, that is paid in − invested;
  it is never below 0 (when the fund invested more than the partners have paid so far,
  the gap was bridged from outside the fund and is no cash of the fund's).
* **DPI** = distributed / paid in; **RVPI** = NAV / paid in;
  **TVPI** = (distributed + NAV) / paid in (= DPI + RVPI). They are computed from the
  unrounded amounts and kept unrounded (28 significant digits); round them only to show
  them. They are None while nothing is paid in.
* **MOIC** of an investment = (its exit proceeds + its fair value) / its cost, shown to
  four places.
* **IRR**: the annual rate r at which the partners' dated cash flows are worth nothing
  today: Σ cf / (1 + r)^(days / 365) = 0 (the 365-day convention of spreadsheet XIRR),
  where the flows are each payment in (negative, on its paid date), each distribution
  (positive, on its exit date) and the NAV as a final positive flow on the as-of date.
  Flows on the same date are netted first. ``irr()`` answers ``IRR(rate, reason)``: the
  rate, or None with the reason it is not defined:

  - ``no flows``: nothing to compute from (zero flows are left out);
  - ``no sign change: all flows have the same sign``: money only went one way (a total
    write-off with nothing distributed is such a case: its limit is −100 %, which is no
    root, so the figure says "not defined" instead);
  - ``degenerate: all flows on one date``: no time passes, so no rate explains the flows
    (a payment valued the same day is *not* −100 %);
  - ``degenerate: the flows cancel out on every date``: every rate fits;
  - ``no root in range``: no rate from −99.9999999 % to +10⁹ % balances the flows (a
    root exactly where NPV touches zero without changing sign is not found either);
  - ``a flow is not a finite number``: NaN or infinity given.

  The rate is a float (0.1744 for 17.44 %), found by bracketing: when the netted flows
  change sign once in time order (money in, then money back) there is exactly one root
  (Descartes' rule of signs), bracketed by the ends of the range; otherwise NPV is
  evaluated on a grid of log(1 + r) (steps of 0.01 for rates from −63 % to +172 %, 0.05
  beyond), and each sign change is narrowed with Brent's method. NPV is scaled so that no
  term ever overflows. When several rates solve the flows, the one **nearest 10 %** is
  returned and ``roots`` says how many were found; two roots closer together than a grid
  step can go unseen.

Capital calls are split on the **cumulative** schedule: after each call, every partner's
cumulative called amount is its pro-rata share of the fund's cumulative called total,
rounded to the cent by largest remainder (see ``allocate_cumulative``).
"""

from __future__ import annotations

import datetime
import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CENT = Decimal("0.01")
DAYS_PER_YEAR = 365

# --- Allocation of capital calls ------------------------------------------------------------

# The fractional part of the golden ratio: call k's tie order starts at partner
# ⌊n · frac(k · φ)⌋. That sequence spreads evenly over the partners for every regular pattern
# of calls, where a plain "k mod n" rotation can fall into step with a pattern that repeats
# every n calls (three equal partners called in equal steps, say) and favour one partner.
_GOLDEN = 0.6180339887498949


def _cents(value) -> int:
    amount = Decimal(value)
    cents = amount * 100
    if not amount.is_finite() or cents != cents.to_integral_value():
        raise ValueError(_("Amounts must be whole numbers of cents."))
    return int(cents)


def _tie_order(partners: Iterable[int], number: int) -> dict[int, int]:
    """Each partner's place in the tie-break order of call ``number`` (0 goes first)."""
    ordered = sorted(partners)
    start = int(((number * _GOLDEN) % 1.0) * len(ordered))
    return {partner: (i - start) % len(ordered) for i, partner in enumerate(ordered)}


def allocate_cumulative(
    commitments: Iterable[tuple[int, Decimal]],
    called: Mapping[int, Decimal],
    total: Decimal,
    *,
    number: int,
) -> dict[int, Decimal]:
    """Each partner's part of call ``number``, which brings the fund's cumulative called
    amount to ``total``.

    ``commitments`` are ``[(partner id, commitment)]``, ``called`` each partner's cumulative
    called amount before this call. Each partner's new cumulative amount is its pro-rata
    share of ``total`` (total × commitment / total commitments) rounded to the cent by the
    largest remainder method applied to the cumulative amounts, so rounding never piles up
    over many calls. Then:

    * the parts add up to ``total`` − Σ ``called`` exactly;
    * no part is negative (a partner's cumulative amount never goes down: one that was
      rounded up before keeps its cent and the next partners get theirs);
    * no partner's cumulative amount exceeds its commitment, and when ``total`` equals
      the total commitments each partner has been called exactly its commitment;
    * cents tied on equal remainders go in a tie order that starts at a different partner
      for each call number (see ``_GOLDEN``), so the same partner does not always get them;
      the result does not depend on the order of ``commitments``.

    When earlier calls put some partners ahead of their share (older rounding, a changed
    commitment), the others share the call in proportion to what each is behind.

    Raises ValueError when the inputs cannot be honoured: no commitments, a call beyond the
    unfunded commitments, a total below what was already called, a partner already called
    beyond its commitment, amounts that are not whole cents.
    """
    commitment_cents: dict[int, int] = {}
    for partner, commitment in commitments:
        if partner in commitment_cents:
            raise ValueError(_("A partner has two commitments to the fund."))
        commitment_cents[partner] = _cents(commitment)
    committed = sum(commitment_cents.values())
    if not commitment_cents or committed <= 0 or min(commitment_cents.values()) < 0:
        raise ValueError(_("The fund has no commitments to call."))
    if set(called) - set(commitment_cents):
        raise ValueError(_("A partner was called without a commitment to the fund."))
    before = {p: _cents(called.get(p, 0)) for p in commitment_cents}
    target_total = _cents(total)
    if target_total > committed:
        left = Decimal(committed - sum(before.values())) * CENT
        raise ValueError(
            _("Only %(left)s of the commitments is left to call.") % {"left": max(left, 0)}
        )
    if any(before[p] < 0 or before[p] > commitment_cents[p] for p in before):
        raise ValueError(_("A partner was already called beyond its commitment."))
    if target_total < sum(before.values()):
        raise ValueError(_("The called total cannot fall below what was already called."))

    rank = _tie_order(commitment_cents, number)
    floor = {p: target_total * c // committed for p, c in commitment_cents.items()}
    behind = {p: max(0, floor[p] - before[p]) for p in before}
    to_call = target_total - sum(before.values())
    after = dict(before)
    if sum(behind.values()) <= to_call:
        # The usual case: everyone reaches at least its rounded-down share, and the few cents
        # left (fewer than the partners) go to the largest remainders of the exact shares.
        for partner in after:
            after[partner] += behind[partner]
        left = target_total - sum(after.values())

        def remainder(partner: int) -> Fraction:
            exact = Fraction(target_total * commitment_cents[partner], committed)
            return exact - after[partner]

        for partner in sorted(after, key=lambda p: (-remainder(p), rank[p]))[:left]:
            after[partner] += 1
    else:
        # Some were called ahead of their share before: share the call by how far each
        # of the others is behind, to the cent by largest remainder.
        weight = sum(behind.values())
        remainders = {}
        for partner, gap in behind.items():
            share, remainders[partner] = divmod(to_call * gap, weight)
            after[partner] += share
        left = target_total - sum(after.values())
        for partner in sorted(after, key=lambda p: (-remainders[p], rank[p]))[:left]:
            after[partner] += 1
    return {p: Decimal(after[p] - before[p]) * CENT for p in commitment_cents}


def allocate(
    amount: Decimal,
    commitments: list[tuple[int, Decimal]],
    *,
    called: Mapping[int, Decimal] | None = None,
    number: int = 1,
) -> dict[int, Decimal]:
    """Split call ``number`` of ``amount`` over ``[(partner id, commitment)]``, to the cent.

    ``called`` is each partner's cumulative called amount before this call (nothing when
    omitted: a first call). See ``allocate_cumulative``.
    """
    called = called or {}
    total = sum(called.values(), Decimal("0")) + Decimal(amount)
    return allocate_cumulative(commitments, called, total, number=number)


# --- IRR ------------------------------------------------------------------------------------

NO_FLOWS = "no flows"
ONE_DATE = "degenerate: all flows on one date"
CANCELLED = "degenerate: the flows cancel out on every date"
NO_SIGN_CHANGE = "no sign change: all flows have the same sign"
NO_ROOT = "no root in range"
NOT_A_NUMBER = "a flow is not a finite number"

LOWEST_RATE = -0.999999999  # −99.9999999 %
HIGHEST_RATE = 1e7  # +1,000,000,000 %
PREFERRED_RATE = 0.1  # among several roots, the one nearest this

IRR_NOTES = {
    NO_FLOWS: gettext_lazy("Not defined: there are no cash flows yet."),
    ONE_DATE: gettext_lazy(
        "Not defined: all cash flows fall on one date, so no time has passed to earn a return."
    ),
    CANCELLED: gettext_lazy("Not defined: the cash flows cancel out on every date."),
    NO_SIGN_CHANGE: gettext_lazy(
        "Not defined: the cash flows all go one way (only payments in, or only money back)."
    ),
    NO_ROOT: gettext_lazy(
        "Not defined: no rate from −99.9999999 % to +1,000,000,000 % balances the cash flows."
    ),
    NOT_A_NUMBER: gettext_lazy("Not defined: a cash flow is not a number."),
}


@dataclass(frozen=True)
class IRR:
    """An internal rate of return: ``rate`` (0.1744 for 17.44 %), or None with ``reason``."""

    rate: float | None
    reason: str | None = None
    roots: int = 0  # how many rates in range balance the flows (``rate`` is one of them)

    @property
    def note(self) -> str | None:
        """What a reader should know about the figure, in the active language."""
        if self.rate is None:
            return str(IRR_NOTES.get(self.reason, self.reason))
        if self.roots > 1:
            return _(
                "%(count)d rates balance these cash flows; the one nearest 10 %% is shown."
            ) % {"count": self.roots}
        return None


def _grid() -> tuple[float, ...]:
    """Points of y = log(1 + r) over the range: every 0.01 for rates from −63 % to +172 %,
    every 0.05 beyond."""
    low, high = math.log1p(LOWEST_RATE), math.log1p(HIGHEST_RATE)
    points = {low, high}
    points.update(k / 100 for k in range(-100, 101))
    points.update(k / 20 for k in range(math.ceil(low * 20), math.floor(high * 20) + 1))
    return tuple(sorted(points))


_GRID = _grid()


def _scaled_npv(terms: list[tuple[float, float]], y: float) -> float:
    """NPV at rate e^y − 1, times a positive factor that keeps every term finite.

    Term t (in years) is cf · e^(−t·y). For y ≥ 0 the largest factor is the first flow's
    (t = 0); for y < 0 it is the last flow's, so the sum is taken relative to it. Every
    exponent is then ≤ 0: nothing overflows, tiny terms become 0, and the sign — all that
    bracketing needs — is the NPV's.
    """
    reference = 0.0 if y >= 0 else terms[-1][0]
    return math.fsum(cf * math.exp((reference - t) * y) for t, cf in terms)


def _brent(f, a: float, b: float, fa: float, fb: float) -> float:
    """A root of ``f`` in [a, b] where fa and fb have opposite signs (Brent's method, as in
    SciPy's ``brentq``)."""
    xtol, rtol = 1e-15, 4 * sys.float_info.epsilon
    xpre, xcur, fpre, fcur = a, b, fa, fb
    xblk = fblk = spre = scur = 0.0
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    for _step in range(200):
        if fpre != 0 and fcur != 0 and (fpre < 0) != (fcur < 0):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # secant
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # inverse quadratic interpolation
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):
                spre, scur = scur, stry
            else:
                spre = scur = sbis
        else:
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        xcur += scur if abs(scur) > delta else (delta if sbis > 0 else -delta)
        fcur = f(xcur)
    return xcur


def irr(flows: Iterable[tuple[datetime.date, Decimal | float | int]]) -> IRR:
    """The IRR of dated cash flows (negative: money in; positive: money back), in any order.

    Never raises: a flow set without a rate gets ``IRR(None, reason)``. See the module's
    docstring for the definition and the choice among several roots.
    """
    nonzero: list[tuple[datetime.date, Fraction]] = []
    for day, value in flows:
        try:
            amount = Fraction(value)
        except (ValueError, OverflowError, TypeError):
            return IRR(None, NOT_A_NUMBER)
        if amount:
            nonzero.append((day, amount))
    if not nonzero:
        return IRR(None, NO_FLOWS)
    if all(amount > 0 for _, amount in nonzero) or all(amount < 0 for _, amount in nonzero):
        return IRR(None, NO_SIGN_CHANGE)
    if len({day for day, _ in nonzero}) == 1:
        return IRR(None, ONE_DATE)
    netted: dict[datetime.date, Fraction] = {}
    for day, amount in nonzero:
        netted[day] = netted.get(day, Fraction(0)) + amount
    dated = sorted((day, amount) for day, amount in netted.items() if amount)
    if not dated:
        return IRR(None, CANCELLED)
    signs = [amount > 0 for _, amount in dated]
    if all(signs) or not any(signs):
        return IRR(None, NO_SIGN_CHANGE)
    start = dated[0][0]
    terms = [((day - start).days / DAYS_PER_YEAR, float(amount)) for day, amount in dated]

    def f(y: float) -> float:
        return _scaled_npv(terms, y)

    # By Descartes' rule of signs (which holds for real exponents), the NPV has at most as
    # many roots as the netted flows change sign in time order.
    changes = sum(1 for a, b in zip(signs, signs[1:], strict=False) if a != b)
    roots: list[float] = []
    if changes == 1:  # exactly one root over all rates: is it in range?
        low, high = _GRID[0], _GRID[-1]
        f_low, f_high = f(low), f(high)
        if f_low == 0 or f_high == 0 or (f_low < 0) != (f_high < 0):
            roots.append(_brent(f, low, high, f_low, f_high))
    else:
        y_prev, f_prev = _GRID[0], f(_GRID[0])
        if f_prev == 0:
            roots.append(y_prev)
        for y in _GRID[1:]:
            f_y = f(y)
            if f_y == 0:
                roots.append(y)
            elif f_prev != 0 and (f_prev < 0) != (f_y < 0):
                roots.append(_brent(f, y_prev, y, f_prev, f_y))
            if len(roots) >= changes:
                break  # no more roots can exist
            y_prev, f_prev = y, f_y
    if not roots:
        return IRR(None, NO_ROOT)
    rates = [math.expm1(y) for y in roots]
    best = min(rates, key=lambda rate: (abs(rate - PREFERRED_RATE), rate))
    return IRR(best, None, len(rates))


# --- Fund figures ---------------------------------------------------------------------------


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
    from django.db.models import Sum
    from django.utils import timezone

    from funds.models import Investment, Payment, Valuation

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
    from funds.models import CapitalCallAllocation

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
