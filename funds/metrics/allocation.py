"""The pro-rata split of capital calls, on the cumulative schedule."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

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
