"""The holding's direct investments (``HoldingInvestment``): recorded and corrected by an
administrator, through this one function, from the admin as from anywhere else."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.models import HoldingInvestment
from members.choices import OrganizationKind
from members.models import Organization


@transaction.atomic
def holding_investment_save(*, holdinginvestment: HoldingInvestment, actor) -> HoldingInvestment:
    """Record a holding's direct investment, or correct one.

    Refused (nothing written): a user other than an administrator; an investor that is not
    of the kind "Investor"; the company as its own investor; an amount of zero or less; a
    date outside 1900–2100 or after today; the same investor, company and day twice. The
    database backs each of these (``funds.models.holding``).
    """
    investment = holdinginvestment
    if not HoldingInvestment.objects.may_write(actor):
        raise PermissionDenied(_("Only an administrator records the holding's investments."))
    errors = {}
    if investment.investor_id is not None:
        # Locked, so that the investor's kind cannot change until this is written.
        investor = Organization.objects.select_for_update().get(pk=investment.investor_id)
        if investor.kind != OrganizationKind.INVESTOR:
            errors["investor"] = _(
                "The investor is the holding: an organisation of the kind “Investor”."
            )
    if investment.invested_on is not None and investment.invested_on > timezone.localdate():
        errors["invested_on"] = _("An investment cannot be dated in the future.")
    if investment.amount is not None and investment.amount <= 0:
        errors["amount"] = _("An investment is more than zero.")
    if errors:
        raise ValidationError(errors)
    investment.full_clean()
    investment.save()
    return investment
