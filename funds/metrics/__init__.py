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
rounded to the cent by largest remainder (see ``allocate_cumulative``)."""

from funds.metrics.allocation import CENT, DAYS_PER_YEAR, allocate, allocate_cumulative
from funds.metrics.figures import FundFigures, Paid, fund_figures, partner_flows, payments_in, ratio
from funds.metrics.irr import (
    CANCELLED,
    HIGHEST_RATE,
    IRR,
    IRR_NOTES,
    LOWEST_RATE,
    NO_FLOWS,
    NO_ROOT,
    NO_SIGN_CHANGE,
    NOT_A_NUMBER,
    ONE_DATE,
    PREFERRED_RATE,
    irr,
)

__all__ = [
    "CANCELLED",
    "CENT",
    "DAYS_PER_YEAR",
    "FundFigures",
    "HIGHEST_RATE",
    "IRR",
    "IRR_NOTES",
    "LOWEST_RATE",
    "NOT_A_NUMBER",
    "NO_FLOWS",
    "NO_ROOT",
    "NO_SIGN_CHANGE",
    "ONE_DATE",
    "PREFERRED_RATE",
    "Paid",
    "allocate",
    "allocate_cumulative",
    "fund_figures",
    "irr",
    "partner_flows",
    "payments_in",
    "ratio",
]
