"""The IRR of dated cash flows: a bracketed solver that never raises and says why a
rate is not defined."""

from __future__ import annotations

import datetime
import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funds.metrics.allocation import (
    DAYS_PER_YEAR,
)

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
