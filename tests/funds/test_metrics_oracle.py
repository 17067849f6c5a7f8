"""The fund math against independent oracles, on thousands of generated cases.

The IRR oracle works differently from the solver: it bisects on z = (1 + r)^(1/365) in
decimal arithmetic at 50 digits, where the NPV is a sum of integer powers of z (flows are on
whole days), so it needs neither logarithms, floats nor Brent's method. The allocation oracle
computes each partner's exact cumulative share as a Fraction.
"""

import datetime
import math
import os
import random
from collections import Counter
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from funds.metrics import (
    CANCELLED,
    HIGHEST_RATE,
    LOWEST_RATE,
    NO_FLOWS,
    NO_ROOT,
    NO_SIGN_CHANGE,
    ONE_DATE,
    PREFERRED_RATE,
    allocate,
    allocate_cumulative,
    irr,
)

D = datetime.date
START = D(2005, 3, 1)


# ORACLE_SCALE=10 runs ten times as many examples (a thorough run before a release).
SCALE = int(os.environ.get("ORACLE_SCALE", "1"))


def examples(count: int, *slow_checks: HealthCheck):
    """Reproducible runs: the same examples every time, no per-example deadline."""
    return settings(
        max_examples=count * SCALE,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, *slow_checks],
    )


# --- The IRR oracle -------------------------------------------------------------------------


def _context():
    return localcontext(prec=40, Emax=10**8, Emin=-(10**8))


def _netted(flows):
    net: dict[datetime.date, int] = {}
    for day, cents in flows:
        net[day] = net.get(day, 0) + cents
    first = min(net)
    return [((day - first).days, Decimal(c)) for day, c in sorted(net.items()) if c]


def oracle_npv(net, z: Decimal) -> Decimal:
    """Σ cf · z^(−days) over the netted flows, with z = (1 + r)^(1/365): the sign is the
    NPV's at r."""
    with _context():
        inverse = 1 / z
        return sum((c * inverse**days for days, c in net), Decimal(0))


def oracle_z(rate) -> Decimal:
    with _context():
        return (1 + Decimal(rate)) ** (Decimal(1) / 365)


def oracle_rate(z: Decimal) -> Decimal:
    with _context():
        return z**365 - 1


Z_LOW, Z_HIGH = oracle_z(LOWEST_RATE), oracle_z(HIGHEST_RATE)


def oracle_root(flows, low=Z_LOW, high=Z_HIGH) -> Decimal | None:
    """The root of NPV between z = low and high by bisection, None without a sign change."""
    net = _netted(flows)
    f_low, f_high = oracle_npv(net, low), oracle_npv(net, high)
    if f_low == 0:
        return oracle_rate(low)
    if f_high == 0:
        return oracle_rate(high)
    if (f_low > 0) == (f_high > 0):
        return None
    with _context():
        for _ in range(48):  # z to 1e-15: the rate to about 1e-12 · (1 + r)
            middle = (low + high) / 2
            f_middle = oracle_npv(net, middle)
            if f_middle == 0:
                return oracle_rate(middle)
            if (f_middle > 0) == (f_low > 0):
                low, f_low = middle, f_middle
            else:
                high = middle
        return oracle_rate((low + high) / 2)


def oracle_signs(flows, low: float, high: float, points: int, *, skip: float | None = None):
    """The signs of NPV on a uniform grid of z between two rates (0 left out)."""
    with _context():
        z_low, z_high = oracle_z(low), oracle_z(high)
        step = (z_high - z_low) / points
        grid = [z_low + step * k for k in range(points + 1)]
        if skip is not None:  # a root's own rounding neighbourhood
            z_skip = oracle_z(skip)
            grid = [z for z in grid if abs(z - z_skip) > z_skip * Decimal("1e-9")]
    net = _netted(flows)
    values = (oracle_npv(net, z) for z in grid)
    return [value > 0 for value in values if value != 0]


def sign_changes(signs: list[bool]) -> int:
    return sum(1 for a, b in zip(signs, signs[1:], strict=False) if a != b)


def assert_root_within(flows, rate: float, relative: float = 1e-10) -> None:
    """Certificate from the oracle: NPV changes sign between r − δ and r + δ, so a root lies
    within δ = relative · (1 + r) (plus the float's own spacing) of the returned rate."""
    delta = relative * (1 + rate) + 4 * math.ulp(rate)
    net = _netted(flows)
    below = oracle_npv(net, oracle_z(Decimal(rate) - Decimal(delta)))
    above = oracle_npv(net, oracle_z(Decimal(rate) + Decimal(delta)))
    assert below == 0 or above == 0 or (below > 0) != (above > 0), (rate, below, above)


def assert_is_a_root(flows, rate: float) -> None:
    """NPV at the returned rate is ≈ 0 relative to the size of the discounted flows."""
    z = oracle_z(rate)
    with _context():
        inverse = 1 / z
        terms = [c * inverse**days for days, c in _netted(flows)]
        scale = sum(abs(t) for t in terms)
        residual = abs(sum(terms))
    years = max(days for days, _ in _netted(flows)) / 365
    # The rate is a float: its last bit alone moves NPV by up to years · ulp / (1 + r).
    tolerance = 1e-10 + 4 * years * math.ulp(rate) / (1 + rate)
    assert residual <= Decimal(tolerance) * scale, (rate, residual / scale)


def assert_close(rate: float, expected: Decimal) -> None:
    assert abs(Decimal(rate) - expected) <= Decimal("1e-9") * (1 + abs(expected)), (
        rate,
        expected,
    )


def netted_sign_changes(flows) -> int:
    return sign_changes([c > 0 for _, c in _netted(flows)])


# --- Strategies ----------------------------------------------------------------------------

amounts = st.integers(min_value=1, max_value=10**11)  # cents, up to a billion
offsets = st.integers(min_value=0, max_value=20 * 366)


@st.composite
def invest_then_return(draw):
    """Payments in, then money back (one sign change in time: at most one root)."""
    cut = draw(st.integers(min_value=1, max_value=20 * 366 - 1))
    ins = draw(st.lists(st.integers(0, cut - 1), min_size=1, max_size=12))
    outs = draw(st.lists(st.integers(cut, 20 * 366), min_size=1, max_size=12))
    flows = [(START + datetime.timedelta(d), -draw(amounts)) for d in ins]
    flows += [(START + datetime.timedelta(d), draw(amounts)) for d in outs]
    return draw(st.permutations(flows))  # in any order


@st.composite
def random_signs(draw):
    size = draw(st.integers(min_value=2, max_value=8))
    days = draw(st.lists(st.integers(0, 15 * 366), min_size=size, max_size=size))
    values = draw(st.lists(st.integers(-(10**9), 10**9).filter(bool), min_size=size, max_size=size))
    return [(START + datetime.timedelta(d), v) for d, v in zip(days, values, strict=True)]


@st.composite
def monthly_for_twenty_years(draw):
    """240 monthly flows: contributions, then distributions, or any signs at all."""
    mixed, turn = draw(st.booleans()), draw(st.integers(1, 239))
    rng = draw(st.randoms(use_true_random=False))
    flows = []
    for month in range(240):
        day = D(2000 + month // 12, month % 12 + 1, rng.randint(1, 28))
        negative = rng.random() < 0.5 if mixed else month < turn
        value = rng.randint(1, 10**8)
        flows.append((day, -value if negative else value))
    return flows


# --- IRR properties ------------------------------------------------------------------------


@examples(300)
@given(invest_then_return())
def test_irr_of_invest_then_return_matches_the_oracle(flows):
    result = irr(flows)
    expected = oracle_root(flows)
    if expected is None:
        assert (result.rate, result.reason) == (None, NO_ROOT)
        return
    assert result.reason is None and result.roots == 1
    assert_close(result.rate, expected)
    assert_root_within(flows, result.rate)
    assert_is_a_root(flows, result.rate)


@examples(300)
@given(random_signs())
def test_irr_of_random_signs_is_a_root_and_the_nearest_to_ten_percent(flows):
    result = irr(flows)
    net = _netted(flows)
    if result.rate is None:
        if result.reason == NO_ROOT:
            assert sign_changes(oracle_signs(flows, LOWEST_RATE, HIGHEST_RATE, 150)) == 0
        elif result.reason in {ONE_DATE, CANCELLED}:
            assert len({d for d, _ in flows}) == 1 or not net
        else:
            assert result.reason in {NO_FLOWS, NO_SIGN_CHANGE}
            assert len({c > 0 for _, c in net}) <= 1
        return
    assert LOWEST_RATE <= result.rate <= HIGHEST_RATE
    assert 1 <= result.roots <= netted_sign_changes(flows)  # Descartes' rule of signs
    assert_is_a_root(flows, result.rate)
    # No other root lies nearer to 10 %: no sign change between the rate and its mirror
    # image about 10 %, the rate's own neighbourhood left out.
    distance = abs(result.rate - PREFERRED_RATE)
    low = max(PREFERRED_RATE - distance, LOWEST_RATE)
    high = min(PREFERRED_RATE + distance, HIGHEST_RATE)
    if distance > 1e-6:
        signs = oracle_signs(flows, low, high, 100, skip=result.rate)
        assert sign_changes(signs) == 0


@examples(20)
@given(monthly_for_twenty_years())
def test_irr_of_twenty_years_of_monthly_flows(flows):
    result = irr(flows)
    if result.rate is None:
        if result.reason == NO_SIGN_CHANGE:
            assert netted_sign_changes(flows) == 0
        else:
            assert result.reason == NO_ROOT
            assert sign_changes(oracle_signs(flows, LOWEST_RATE, HIGHEST_RATE, 40)) == 0
        return
    assert_is_a_root(flows, result.rate)
    if netted_sign_changes(flows) == 1:  # a single root: the oracle bisects to it
        assert_close(result.rate, oracle_root(flows))
        assert_root_within(flows, result.rate)


@examples(300)
@given(st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=8), offsets)
def test_flows_all_on_one_date_have_no_irr(values, offset):
    day = START + datetime.timedelta(offset)
    result = irr([(day, v) for v in values])
    assert result.rate is None
    if not any(values):
        assert result.reason == NO_FLOWS
    elif all(v >= 0 for v in values) or all(v <= 0 for v in values):
        assert result.reason == NO_SIGN_CHANGE
    else:
        assert result.reason == ONE_DATE


@examples(200)
@given(random_signs(), st.randoms(use_true_random=False))
def test_irr_does_not_depend_on_the_order_of_the_flows(flows, rng):
    shuffled = list(flows)
    rng.shuffle(shuffled)
    assert irr(shuffled) == irr(flows)


@examples(300)
@given(
    st.floats(min_value=-0.99, max_value=10_000.0),
    st.integers(min_value=30, max_value=10 * 365),
    st.integers(min_value=10**4, max_value=10**12),
)
def test_irr_recovers_rates_from_minus_99_to_plus_a_million_percent(rate, days, paid):
    back = round(paid * (1 + rate) ** (days / 365))
    assume(back > 0)
    flows = [(START, -paid), (START + datetime.timedelta(days), back)]
    result = irr(flows)
    assert_close(result.rate, oracle_root(flows))
    assert_root_within(flows, result.rate)
    assert_is_a_root(flows, result.rate)


# --- IRR: worked cases ---------------------------------------------------------------------


def test_two_payments_and_a_token_return_is_minus_90_302_percent():
    flows = [(D(2020, 1, 1), -1000), (D(2021, 1, 1), -1000), (D(2024, 1, 1), 1)]
    result = irr(flows)
    assert round(result.rate, 5) == -0.90302
    assert_close(result.rate, oracle_root(flows))


def test_a_payment_valued_the_same_day_is_not_minus_100_percent():
    result = irr([(D(2024, 5, 1), -500), (D(2024, 5, 1), 500)])
    assert (result.rate, result.reason) == (None, ONE_DATE)


def test_a_write_off_has_no_rate_and_a_partial_one_has():
    total_loss = irr([(D(2020, 1, 1), -100), (D(2022, 1, 1), 0)])
    assert (total_loss.rate, total_loss.reason) == (None, NO_SIGN_CHANGE)
    partial = [(D(2020, 1, 1), -100), (D(2020, 1, 1), -100), (D(2021, 1, 1), 0)]
    partial += [(D(2022, 1, 1), 50)]
    assert_close(irr(partial).rate, oracle_root(partial))


def test_flows_that_cancel_on_every_date_are_degenerate():
    flows = [(D(2020, 1, 1), -5), (D(2020, 1, 1), 5), (D(2021, 1, 1), 7), (D(2021, 1, 1), -7)]
    assert irr(flows).reason == CANCELLED


def test_a_rate_beyond_a_billion_percent_is_out_of_range():
    result = irr([(D(2020, 1, 1), -1), (D(2020, 1, 2), 10_001)])
    assert (result.rate, result.reason) == (None, NO_ROOT)


def test_of_two_roots_the_one_nearest_ten_percent_is_returned():
    # -100, +230, -132: NPV = 0 at 10 % and at 20 %, both exact
    flows = [(D(2021, 1, 1), -100), (D(2022, 1, 1), 230), (D(2023, 1, 1), -132)]
    result = irr(flows)
    assert result.roots == 2
    assert_close(result.rate, oracle_root(flows, oracle_z(0.05), oracle_z(0.15)))
    assert abs(result.rate - 0.1) < 0.01


def test_flows_over_a_century_do_not_overflow():
    flows = [(D(1900, 1, 1), -100), (D(2000, 1, 1), 1), (D(2020, 1, 1), -1), (D(2024, 1, 1), 5)]
    result = irr(flows)
    assert result.rate is not None
    assert_is_a_root(flows, result.rate)


# --- Allocation against the exact oracle ---------------------------------------------------


def oracle_cumulative(commitments, total) -> dict[int, Fraction]:
    """Each partner's exact pro-rata share of the cumulative total, in cents."""
    committed = sum(Fraction(c) for _, c in commitments)
    return {p: Fraction(total) * Fraction(c) / committed * 100 for p, c in commitments}


@st.composite
def call_schedules(draw):
    size = draw(st.integers(1, 7))
    commitments = [
        (partner, Decimal(draw(st.integers(1, 10**9))) / 100)
        for partner in draw(
            st.lists(st.integers(1, 10**6), min_size=size, max_size=size, unique=True)
        )
    ]
    committed = sum(c for _, c in commitments) * 100
    steps = draw(st.lists(st.integers(1, int(committed)), min_size=1, max_size=12))
    cumulative, totals = 0, []
    for step in steps:
        cumulative = min(cumulative + step, int(committed))
        totals.append(Decimal(cumulative) / 100)
        if cumulative == committed:
            break
    if draw(st.booleans()):
        totals.append(Decimal(int(committed)) / 100)  # called in full at the end
    return commitments, totals


@examples(300)
@given(call_schedules())
def test_cumulative_calls_follow_the_exact_pro_rata_shares(schedule):
    commitments, totals = schedule
    commitment = dict(commitments)
    called = dict.fromkeys(commitment, Decimal("0"))
    for number, total in enumerate(totals, start=1):
        parts = allocate_cumulative(commitments, called, total, number=number)
        assert set(parts) == set(commitment)
        assert sum(parts.values()) == total - sum(called.values())
        assert all(part >= 0 for part in parts.values())
        before = dict(called)
        for partner, part in parts.items():
            called[partner] += part
        exact = oracle_cumulative(commitments, total)
        for partner in commitment:
            cents = Fraction(called[partner] * 100)
            assert called[partner] <= commitment[partner]
            assert abs(cents - exact[partner]) < 1  # the floor or the ceiling of its share
        # Cents rounded up went to the largest remainders, except where a partner already
        # had its cent from an earlier call.
        up = [p for p in commitment if Fraction(called[p] * 100) > exact[p]]
        down = [p for p in commitment if Fraction(called[p] * 100) < exact[p]]
        for partner in up:
            kept = before[partner] * 100 > math.floor(exact[partner])
            remainder = exact[partner] - math.floor(exact[partner])
            assert kept or all(remainder >= exact[q] - math.floor(exact[q]) for q in down), (
                partner,
                number,
            )
    if totals[-1] == sum(commitment.values()):
        assert called == commitment


@examples(200)
@given(call_schedules(), st.randoms(use_true_random=False))
def test_allocation_does_not_depend_on_the_order_of_the_partners(schedule, rng):
    commitments, totals = schedule
    shuffled = list(commitments)
    rng.shuffle(shuffled)
    called = {}
    for number, total in enumerate(totals, start=1):
        parts = allocate_cumulative(commitments, called, total, number=number)
        assert parts == allocate_cumulative(shuffled, called, total, number=number)
        called = {p: called.get(p, 0) + part for p, part in parts.items()}


@examples(200)
@given(call_schedules(), st.integers(1, 10**6))
def test_a_call_beyond_the_unfunded_commitments_is_refused(schedule, cents):
    commitments, _ = schedule
    committed = sum(c for _, c in commitments)
    with pytest.raises(ValueError):
        allocate_cumulative(commitments, {}, committed + Decimal(cents) / 100, number=1)


def test_thirty_calls_of_100_on_three_equal_commitments_end_at_exactly_1000_each():
    commitments = [(11, Decimal("1000.00")), (12, Decimal("1000.00")), (13, Decimal("1000.00"))]
    called = dict.fromkeys([11, 12, 13], Decimal("0"))
    extra_cents = Counter()
    for number in range(1, 31):
        parts = allocate(Decimal("100.00"), commitments, called=called, number=number)
        assert sum(parts.values()) == Decimal("100.00")
        for partner, part in parts.items():
            assert part >= 0
            called[partner] += part
            assert called[partner] <= Decimal("1000.00")
            if part == Decimal("33.34"):
                extra_cents[partner] += 1
    assert called == dict.fromkeys([11, 12, 13], Decimal("1000.00"))
    # The tied cents of calls 1, 4, 7, ... went round, not always to the same partner.
    assert set(extra_cents) == {11, 12, 13}
    assert max(extra_cents.values()) - min(extra_cents.values()) <= 4


def test_the_old_per_call_rounding_would_have_called_a_partner_beyond_its_commitment():
    # Rounding each call of 100.00 on its own gave the first partner 33.34 every time:
    # 30 × 33.34 = 1,000.20, above its 1,000.00. The cumulative schedule never does.
    rng = random.Random(5)
    commitments = [(1, Decimal("1000.00")), (2, Decimal("1000.00")), (3, Decimal("1000.00"))]
    called = dict.fromkeys([1, 2, 3], Decimal("0"))
    number = 0
    while sum(called.values()) < Decimal("3000.00"):
        number += 1
        left = Decimal("3000.00") - sum(called.values())
        amount = min(left, Decimal(rng.randint(1, 40000)) / 100)
        parts = allocate(amount, commitments, called=called, number=number)
        called = {p: called[p] + parts[p] for p in called}
        assert max(called.values()) <= Decimal("1000.00")
    assert set(called.values()) == {Decimal("1000.00")}
