"""The limited partners' money: the fund, its commitments, capital calls and payments."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify import notify_on_commit
from funds.choices import DEFAULT_CRITERIA
from funds.metrics import allocate
from funds.models import (
    CapitalCall,
    CapitalCallAllocation,
    Commitment,
    Fund,
    ReviewCriterion,
)
from funds.services.common import check_team
from members.models import Contact


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


@transaction.atomic
def commitment_save(*, commitment: Commitment, actor) -> Commitment:
    check_team(commitment.fund, actor)
    Fund.objects.select_for_update().get(pk=commitment.fund_id)
    if commitment.pk:
        called = commitment.fund.capital_calls.aggregate(s=Sum("amount"))["s"] or 0
        others = (
            commitment.fund.commitments.exclude(pk=commitment.pk).aggregate(s=Sum("amount"))["s"]
            or 0
        )
        if others + commitment.amount < called:
            raise ValidationError(
                {"amount": _("The commitments cannot fall below what was already called.")}
            )
    commitment.full_clean()
    commitment.save()
    return commitment


def _partner_addresses(partner_id: int) -> list[str]:
    contacts = Contact.objects.filter(organization_id=partner_id).exclude(email="")
    primary = [c.email for c in contacts if c.is_primary]
    return primary or [c.email for c in contacts]


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
    CapitalCallAllocation.objects.bulk_create(
        CapitalCallAllocation(call=call, limited_partner_id=partner, amount=part)
        for partner, part in parts.items()
    )
    for partner, part in parts.items():
        notify_on_commit(
            subject=_("Capital call %(number)d of %(fund)s") % {"number": number, "fund": fund},
            body=_(
                "%(fund)s calls %(amount)s %(currency)s of your commitment, due on %(due)s."
                "\n\nPurpose: %(purpose)s\n"
            )
            % {
                "fund": fund,
                "amount": part,
                "currency": fund.currency,
                "due": due_date.isoformat(),
                "purpose": purpose or "—",
            },
            recipients=_partner_addresses(partner),
        )
    return call


@transaction.atomic
def allocation_record_payment(
    *, allocation: CapitalCallAllocation, actor, paid_amount: Decimal, paid_on: datetime.date
) -> CapitalCallAllocation:
    """Record what a partner has paid of its allocation so far (the running total)."""
    allocation = (
        CapitalCallAllocation.objects.select_for_update()
        .select_related("call__fund")
        .get(pk=allocation.pk)
    )
    check_team(allocation.call.fund, actor)
    if paid_amount < 0 or paid_amount > allocation.amount:
        raise ValidationError(
            {"paid_amount": _("The paid amount runs from zero to the amount called.")}
        )
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("A payment cannot be dated in the future.")})
    allocation.paid_amount = paid_amount
    allocation.paid_on = paid_on if paid_amount else None
    allocation.full_clean()
    allocation.save()
    return allocation
