"""The portfolio: investments, their valuations and exits."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.money import money_full
from funds.choices import DealStage, Decision, ExitKind
from funds.models import Deal, Exit, Fund, Investment, Valuation
from funds.services.common import check_team
from funds.services.deals import set_stage
from projects import hops as canal_hops


@transaction.atomic
def investment_record(
    *,
    deal: Deal,
    actor,
    amount: Decimal,
    invested_on: datetime.date,
    instrument: str = "equity",
    stake: Decimal | None = None,
    shares: Decimal | None = None,
) -> Investment:
    """Invest in an approved deal, never beyond what the limited partners committed."""
    deal = Deal.objects.select_related("fund").get(pk=deal.pk)
    check_team(deal.fund, actor)
    # Lock the fund first: two investments racing each other wait here in turn.
    fund = Fund.objects.select_for_update().get(pk=deal.fund_id)
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if deal.stage not in (DealStage.APPROVED, DealStage.INVESTED):
        raise ValidationError(
            _("Only an approved deal can be invested in."), code="illegal_transition"
        )
    if invested_on > timezone.localdate():
        raise ValidationError({"invested_on": _("An investment cannot be dated in the future.")})
    approved = deal.decisions.filter(decision=Decision.APPROVE).order_by("meeting_date").first()
    if approved is not None and invested_on < approved.meeting_date:
        raise ValidationError(
            {
                "invested_on": _(
                    "An investment cannot precede the committee's approval (on %(date)s)."
                )
                % {"date": approved.meeting_date.isoformat()}
            },
            code="before_approval",
        )
    if shares is not None and shares < 0:
        raise ValidationError({"shares": _("A number of shares cannot be negative.")})
    if stake is not None:
        held = deal.investments.aggregate(s=Sum("stake"))["s"] or Decimal("0")
        if held + stake > 100:
            raise ValidationError(
                {
                    "stake": _(
                        "The deal's investments already hold %(held)s %%; with %(stake)s %% "
                        "more they would exceed 100 %%."
                    )
                    % {
                        "held": format(held.normalize(), "f"),
                        "stake": format(stake.normalize(), "f"),
                    }
                }
            )
    committed = fund.commitments.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    invested = fund.investments.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    if invested + amount > committed:
        raise ValidationError(
            {
                "amount": _(
                    "The fund would invest %(total)s but its partners committed %(committed)s."
                )
                % {"total": invested + amount, "committed": committed}
            },
            code="over_commitment",
        )
    investment = Investment(
        deal=deal,
        fund=fund,
        amount=amount,
        invested_on=invested_on,
        instrument=instrument,
        stake=stake,
        shares=shares,
    )
    investment.full_clean()
    investment.save()
    if deal.stage == DealStage.APPROVED:
        set_stage(deal, DealStage.INVESTED, actor=actor)
    if deal.project_id:
        canal_hops.mark(deal.project.achievement_id, "invested", invested_on)
    return investment


@transaction.atomic
def valuation_record(
    *,
    investment: Investment,
    actor,
    valued_on: datetime.date,
    fair_value: Decimal,
    method: str = "cost",
) -> Valuation:
    investment = Investment.objects.select_related("fund").get(pk=investment.pk)
    check_team(investment.fund, actor)
    if valued_on < investment.invested_on:
        raise ValidationError({"valued_on": _("A valuation cannot precede the investment.")})
    if valued_on > timezone.localdate():
        raise ValidationError({"valued_on": _("A valuation cannot be dated in the future.")})
    if hasattr(investment, "exit") and valued_on > investment.exit.exited_on:
        raise ValidationError({"valued_on": _("The investment was exited before that date.")})
    valuation = Valuation(
        investment=investment, valued_on=valued_on, fair_value=fair_value, method=method
    )
    valuation.full_clean()
    valuation.save()
    return valuation


@transaction.atomic
def exit_record(
    *, investment: Investment, actor, exited_on: datetime.date, kind: str, proceeds: Decimal
) -> Exit:
    """Record the sale or write-off of an investment; with the deal's last holding exited,
    the deal moves to ``exited`` (an event says how and for how much)."""
    investment = Investment.objects.select_for_update().select_related("fund").get(pk=investment.pk)
    check_team(investment.fund, actor)
    deal = Deal.objects.select_for_update().get(pk=investment.deal_id)
    if Exit.objects.filter(investment=investment).exists():
        raise ValidationError(_("This investment is already exited."), code="illegal_transition")
    if exited_on < investment.invested_on:
        raise ValidationError({"exited_on": _("An exit cannot precede the investment.")})
    if exited_on > timezone.localdate():
        raise ValidationError({"exited_on": _("An exit cannot be dated in the future.")})
    if kind == ExitKind.WRITE_OFF and proceeds:
        raise ValidationError({"proceeds": _("A write-off has no proceeds.")})
    record = Exit(investment=investment, exited_on=exited_on, kind=kind, proceeds=proceeds)
    record.full_clean()
    record.save()
    if deal.project_id:
        canal_hops.mark(deal.project.achievement_id, "exited", exited_on)
    holding = deal.investments.filter(exit__isnull=True).exists()
    if deal.stage == DealStage.INVESTED and not holding:
        set_stage(
            deal,
            DealStage.EXITED,
            actor=actor,
            comment=_("%(kind)s on %(date)s, proceeds %(proceeds)s.")
            % {
                "kind": record.get_kind_display(),
                "date": exited_on.isoformat(),
                "proceeds": money_full(proceeds, get_language(), investment.fund.currency),
            },
        )
    return record
