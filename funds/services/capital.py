"""The limited partners' money: the fund, its commitments, capital calls and payments."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.money import money_full
from core.notify import Mailing, Party, Printed, notify_on_commit
from funds.choices import DEFAULT_CRITERIA
from funds.metrics import allocate
from funds.models import (
    CapitalCall,
    CapitalCallAllocation,
    Commitment,
    Fund,
    Payment,
    ReviewCriterion,
)
from funds.notices import notice_reference
from funds.services.common import check_team
from members.models import Organization


@transaction.atomic
def fund_save(*, fund: Fund, actor) -> Fund:
    """Create a fund (with the default review criteria) or edit it."""
    creating = fund.pk is None
    if creating and not actor.is_superuser:
        raise PermissionDenied(_("Only an administrator sets up a fund."))
    if not creating:
        check_team(fund, actor)
    fund.full_clean()
    fund.save()
    if creating:
        ReviewCriterion.objects.bulk_create(
            ReviewCriterion(fund=fund, key=key, name=str(name), weight=Decimal(weight), position=i)
            for i, (key, name, weight) in enumerate(DEFAULT_CRITERIA)
        )
    return fund


def _total(queryset, field: str = "amount") -> Decimal:
    return queryset.aggregate(s=Sum(field))["s"] or Decimal("0")


@transaction.atomic
def commitment_save(*, commitment: Commitment, actor) -> Commitment:
    """Add or change a commitment; it never falls below what was called or invested.

    Per fund, the commitments cover the calls and the investments; per partner, its
    commitment covers what it was called (a trigger backs both).
    """
    check_team(commitment.fund, actor)
    fund = Fund.objects.select_for_update().get(pk=commitment.fund_id)
    if commitment.pk:
        before = Commitment.objects.get(pk=commitment.pk)
        if before.fund_id != commitment.fund_id:
            raise ValidationError({"fund": _("A commitment stays with its fund.")})
        committed = _total(fund.commitments.exclude(pk=commitment.pk)) + commitment.amount
        called = _total(fund.capital_calls)
        invested = _total(fund.investments)
        if committed < max(called, invested):
            raise ValidationError(
                {
                    "amount": _(
                        "The commitments would total %(committed)s, less than the fund has "
                        "already called (%(called)s) or invested (%(invested)s)."
                    )
                    % {"committed": committed, "called": called, "invested": invested}
                }
            )
        partner_called = _total(
            CapitalCallAllocation.objects.filter(
                call__fund=fund, limited_partner_id=before.limited_partner_id
            )
        )
        kept = (
            commitment.amount if commitment.limited_partner_id == before.limited_partner_id else 0
        )
        if kept < partner_called:
            raise ValidationError(
                {
                    "amount": _(
                        "%(partner)s was already called %(called)s: its commitment cannot "
                        "fall below that."
                    )
                    % {"partner": before.limited_partner, "called": partner_called}
                }
            )
    commitment.full_clean()
    commitment.save()
    return commitment


def _partner(partner: Organization) -> Party:
    """A limited partner (its contacts prefetched): its primary liaison's address, else
    every contact's."""
    contacts = [c for c in partner.contacts.all() if c.email]
    primary = [c.email for c in contacts if c.is_primary]
    return Party.of(
        partner,
        primary or [c.email for c in contacts],
        missing=_("has no contact with an e-mail address — add one."),
    )


@transaction.atomic
def capital_call_create(
    *,
    fund: Fund,
    actor,
    amount: Decimal,
    call_date: datetime.date,
    due_date: datetime.date,
    purpose: str = "",
) -> CapitalCall:
    """Call capital: one allocation per limited partner, pro rata, adding up to the cent."""
    check_team(fund, actor)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    commitments = list(fund.commitments.values_list("limited_partner_id", "amount"))
    committed = sum((a for _, a in commitments), Decimal("0"))
    called = fund.capital_calls.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    if not commitments:
        raise ValidationError(_("The fund has no commitments to call."))
    if called + amount > committed:
        raise ValidationError(
            {
                "amount": _("Only %(left)s of the commitments is left to call.")
                % {"left": committed - called}
            }
        )
    number = (
        fund.capital_calls.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    call = CapitalCall(
        fund=fund,
        number=number,
        amount=amount,
        call_date=call_date,
        due_date=due_date,
        purpose=purpose,
    )
    call.full_clean()
    # Each partner's cumulative called amount so far: the split rounds the cumulative amounts.
    called_by_partner = dict(
        CapitalCallAllocation.objects.filter(call__fund=fund)
        .order_by()
        .values("limited_partner_id")
        .annotate(s=Sum("amount"))
        .values_list("limited_partner_id", "s")
    )
    try:
        parts = allocate(amount, commitments, called=called_by_partner, number=number)
    except ValueError as error:
        raise ValidationError({"amount": str(error)}) from error
    call.save()
    allocations = CapitalCallAllocation.objects.bulk_create(
        CapitalCallAllocation(call=call, limited_partner_id=partner, amount=part)
        for partner, part in parts.items()
    )
    call.mailing = _mail_notices(call, allocations)
    return call


def _mail_notices(call: CapitalCall, allocations: list[CapitalCallAllocation]) -> Mailing:
    """Mail each partner its part of the call, with its call notice as a PDF (printed by
    the outbox's worker: the request does not wait for it)."""
    fund = call.fund
    partners = Organization.objects.prefetch_related("contacts").in_bulk(
        [a.limited_partner_id for a in allocations]
    )
    mailing = Mailing()
    for allocation in allocations:
        party = _partner(partners[allocation.limited_partner_id])
        mailing += notify_on_commit(
            subject=_("Capital call %(number)d of %(fund)s")
            % {"number": call.number, "fund": fund},
            body=_(
                "%(fund)s calls %(amount)s of your commitment, due on %(due)s."
                "\n\nPurpose: %(purpose)s\n"
            )
            % {
                "fund": fund,
                "amount": money_full(allocation.amount, get_language(), fund.currency),
                "due": call.due_date.isoformat(),
                "purpose": call.purpose or "—",
            }
            + "\n"
            + _("Quote the reference %(reference)s with your payment. The call notice is attached.")
            % {"reference": notice_reference(call, allocation.limited_partner_id)},
            to=[party],
            concerns=call,
            attachments=[Printed("funds.call_notice", allocation.pk)],
        )
    return mailing


@transaction.atomic
def payment_record(
    *,
    capital_call: CapitalCall,
    limited_partner,
    actor,
    amount: Decimal,
    paid_on: datetime.date,
    reference: str = "",
) -> Payment:
    """Record one instalment a limited partner paid on a capital call, on its own date.

    Never before the call's date, never in the future, never more than what is still unpaid
    of the partner's allocation. The allocation's ``paid_amount`` (the sum of its payments)
    and ``paid_on`` (the last payment's date) follow: a database trigger keeps them, so they
    hold whatever writes the payments.
    """
    call = CapitalCall.objects.select_related("fund").get(pk=capital_call.pk)
    check_team(call.fund, actor)
    allocation = (
        CapitalCallAllocation.objects.select_for_update()
        .filter(call=call, limited_partner=limited_partner)
        .first()
    )
    if allocation is None:
        raise ValidationError(
            {"limited_partner": _("This limited partner has no part in this capital call.")}
        )
    errors = {}
    unpaid = allocation.amount - _total(allocation.payments.all())
    if amount <= 0:
        errors["amount"] = _("A payment is more than zero.")
    elif amount > unpaid:
        errors["amount"] = _("Only %(unpaid)s of this allocation is unpaid.") % {"unpaid": unpaid}
    if paid_on < call.call_date:
        errors["paid_on"] = _("A payment cannot be dated before its capital call (%(date)s).") % {
            "date": call.call_date.isoformat()
        }
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("A payment cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    payment = Payment(
        allocation=allocation,
        amount=amount,
        paid_on=paid_on,
        reference=reference.strip(),
        recorded_by=actor if actor.is_authenticated else None,
    )
    payment.full_clean()
    payment.save()
    return payment
