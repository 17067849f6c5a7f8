"""State changes of the fund app: calls, deal flow, decisions, investments, exits.

Writes are for the fund's team (and superusers); each function checks it, locks what it
changes, validates, records, and mails on commit.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify import Mailing, Party, Printed, notify_on_commit
from core.stages import check_move
from funds.choices import (
    DEFAULT_CRITERIA,
    REASONED_STAGES,
    REFERABLE_PROJECT_STAGES,
    DealStage,
    Decision,
    ExitKind,
)
from funds.metrics import allocate
from funds.models import (
    CapitalCall,
    CapitalCallAllocation,
    Commitment,
    CommitteeDecision,
    Deal,
    DealEvent,
    DealReview,
    Exit,
    Fund,
    Investment,
    ReviewCriterion,
    Valuation,
)
from funds.notices import notice_reference
from members.models import Organization


def on_team(fund: Fund, user) -> bool:
    """The user may write the fund's data (``Fund.objects.editable_by``)."""
    return Fund.objects.editable_by(user).filter(pk=fund.pk).exists()


def check_team(fund: Fund, actor) -> None:
    if on_team(fund, actor):
        return
    raise PermissionDenied(_("Only the fund's team may do this."))


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
                "%(fund)s calls %(amount)s %(currency)s of your commitment, due on %(due)s."
                "\n\nPurpose: %(purpose)s\n"
            )
            % {
                "fund": fund,
                "amount": allocation.amount,
                "currency": fund.currency,
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


def _record(deal: Deal, *, actor, from_stage: str, comment: str = "") -> None:
    DealEvent.objects.create(
        deal=deal, from_status=from_stage, to_status=deal.stage, actor=actor, comment=comment
    )


@transaction.atomic
def deal_save(*, deal: Deal, actor) -> Deal:
    """Source a deal (in ``sourced``) or edit its facts; the stage moves apart."""
    check_team(deal.fund, actor)
    creating = deal.pk is None
    if creating:
        deal.stage = DealStage.SOURCED
        deal.stage_changed_at = timezone.now()
        deal.owner_id = deal.owner_id or actor.pk
    else:
        current = Deal.objects.select_for_update().get(pk=deal.pk)
        for field in ("fund_id", "stage", "stage_reason", "resume_stage", "stage_changed_at"):
            setattr(deal, field, getattr(current, field))
    if not deal.fund.team.filter(pk=deal.owner_id).exists() and not actor.is_superuser:
        raise ValidationError({"owner": _("The owner must be on the fund's team.")})
    deal.full_clean()
    deal.save()
    if creating:
        _record(deal, actor=actor, from_stage="")
    return deal


@transaction.atomic
def deal_refer_from_project(
    *, project, fund: Fund, actor, requested_amount: Decimal, comment: str = ""
) -> Deal:
    """Hand a project over to a fund: a ``sourced`` deal for its enterprise, linked to it.

    Who may refer to which fund is ``Fund.objects.referable_by``; the deal's owner is the
    referring team member, or else the fund's longest-serving team member (lowest id).
    """
    if project.stage not in REFERABLE_PROJECT_STAGES:
        raise ValidationError(
            {"project": _("A project is referred to a fund from industrialization on.")},
            code="too_early",
        )
    if not Fund.objects.referable_by(actor, project).filter(pk=fund.pk).exists():
        raise PermissionDenied(
            _("Only the alliance's secretariat or the fund's team refers a project to it.")
        )
    on_team = fund.team.filter(pk=actor.pk).exists()
    owner = actor if on_team else fund.team.order_by("id").first()
    if owner is None:
        raise ValidationError({"fund": _("The fund has no team to take the deal.")})
    Fund.objects.select_for_update().get(pk=fund.pk)
    deal = Deal(
        fund=fund,
        company=project.enterprise,
        project=project,
        source="alliance",
        owner=owner,
        requested_amount=requested_amount,
        stage=DealStage.SOURCED,
        stage_changed_at=timezone.now(),
    )
    deal.full_clean()
    deal.save()
    _record(
        deal,
        actor=actor,
        from_stage="",
        comment=comment or _("Referred from the project “%(project)s”.") % {"project": project},
    )
    return deal


def _set_stage(deal: Deal, stage: str, *, actor, comment: str = "") -> Deal:
    previous = deal.stage
    if stage == DealStage.ON_HOLD:
        deal.resume_stage = previous
    elif stage != DealStage.DECLINED:
        deal.resume_stage = ""
    deal.stage_reason = comment if stage in REASONED_STAGES else ""
    deal.stage = stage
    deal.stage_changed_at = timezone.now()
    deal.full_clean()
    deal.save()
    _record(deal, actor=actor, from_stage=previous, comment=comment)
    return deal


@transaction.atomic
def deal_move(*, deal: Deal, actor, stage: str, comment: str = "") -> Deal:
    """Move a deal along the board, on hold or declined, by legal moves only."""
    deal = Deal.objects.select_for_update().select_related("fund").get(pk=deal.pk)
    check_team(deal.fund, actor)
    if stage == DealStage.APPROVED and deal.stage == DealStage.COMMITTEE:
        raise ValidationError(
            {"stage": _("A deal is approved only by an approving committee decision.")},
            code="illegal_transition",
        )
    if stage == DealStage.INVESTED:
        raise ValidationError(
            {"stage": _("A deal becomes invested when its investment is recorded.")},
            code="illegal_transition",
        )
    comment = check_move(
        deal,
        stage,
        comment,
        choices=DealStage,
        reasoned=REASONED_STAGES,
        refusal=_("A deal in “%(current)s” cannot move to “%(target)s”."),
    )
    return _set_stage(deal, stage, actor=actor, comment=comment)


def _weighted(deal: Deal, scores: dict) -> Decimal:
    criteria = {c.key: c.weight for c in deal.fund.criteria.all()}
    if not isinstance(scores, dict) or set(scores) != set(criteria):
        raise ValidationError(
            {
                "scores": _("Score every criterion of the fund, and only those: %(keys)s.")
                % {"keys": ", ".join(criteria)}
            }
        )
    for key, score in scores.items():
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise ValidationError(
                {"scores": _("%(key)s: a score is a whole number from 1 to 5.") % {"key": key}}
            )
    total = sum(criteria.values())
    weighted = sum(Decimal(scores[key]) * weight for key, weight in criteria.items()) / total
    return weighted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def review_submit(*, deal: Deal, actor, scores: dict, comment: str = "") -> DealReview:
    """A team member scores a deal once on each of the fund's criteria."""
    deal = Deal.objects.select_for_update().select_related("fund").get(pk=deal.pk)
    check_team(deal.fund, actor)
    if deal.stage in (DealStage.SOURCED, DealStage.DECLINED):
        raise ValidationError(
            _("A %(stage)s deal is not open for review.") % {"stage": deal.get_stage_display()}
        )
    review = DealReview(
        deal=deal,
        reviewer=actor,
        scores=scores,
        weighted_score=_weighted(deal, scores),
        comment=comment,
    )
    review.full_clean()
    review.save()
    deal.average_score = deal.reviews.aggregate(a=Avg("weighted_score"))["a"].quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    deal.save(update_fields=["average_score", "updated"])
    return review


@transaction.atomic
def committee_decide(
    *,
    deal: Deal,
    actor,
    meeting_date: datetime.date,
    votes_for: int,
    votes_against: int,
    votes_abstain: int = 0,
    decision: str,
    conditions: str = "",
) -> CommitteeDecision:
    """Record the committee's decision; approving moves the deal to ``approved``."""
    deal = Deal.objects.select_for_update().select_related("fund").get(pk=deal.pk)
    check_team(deal.fund, actor)
    if deal.stage != DealStage.COMMITTEE:
        raise ValidationError(
            _("Only a deal before the investment committee can be decided."),
            code="illegal_transition",
        )
    if meeting_date > timezone.localdate():
        raise ValidationError({"meeting_date": _("The meeting cannot be in the future.")})
    record = CommitteeDecision(
        deal=deal,
        meeting_date=meeting_date,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        decision=decision,
        conditions=conditions,
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    if decision == Decision.APPROVE:
        _set_stage(deal, DealStage.APPROVED, actor=actor, comment=conditions)
    elif decision == Decision.REJECT:
        _set_stage(
            deal,
            DealStage.DECLINED,
            actor=actor,
            comment=conditions or _("Rejected by the investment committee."),
        )
    return record


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
        _set_stage(deal, DealStage.INVESTED, actor=actor)
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
    investment = Investment.objects.select_for_update().select_related("fund").get(pk=investment.pk)
    check_team(investment.fund, actor)
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
    return record
