"""Deal flow: sourcing, referral, moves, reviews and the investment committee."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from core.stages import check_move
from funds.choices import (
    REASONED_STAGES,
    REFERABLE_PROJECT_STAGES,
    REOPEN_STAGE,
    REOPENABLE_STAGES,
    DealStage,
    Decision,
)
from funds.models import (
    CommitteeDecision,
    Deal,
    DealEvent,
    DealReview,
    Fund,
)
from funds.services.common import check_team
from projects import hops as canal_hops


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
    if deal.project_id:
        canal_hops.mark(deal.project.achievement_id, "deal", deal.created)
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
    canal_hops.mark(project.achievement_id, "deal", deal.created)
    return deal


def set_stage(deal: Deal, stage: str, *, actor, comment: str = "") -> Deal:
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
    if stage == DealStage.EXITED:
        raise ValidationError(
            {"stage": _("A deal is exited when the exit of its last investment is recorded.")},
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
    return set_stage(deal, stage, actor=actor, comment=comment)


@transaction.atomic
def deal_reopen(*, deal: Deal, actor, comment: str) -> Deal:
    """Take a declined deal (by a move or by the committee's rejection) back to screening.

    The reason is required; the decline and the reopening both stay in the deal's events.
    """
    deal = Deal.objects.select_for_update().select_related("fund").get(pk=deal.pk)
    check_team(deal.fund, actor)
    if deal.stage not in REOPENABLE_STAGES:
        raise ValidationError(
            _("Only a declined deal can be reopened; this one is “%(stage)s”.")
            % {"stage": deal.get_stage_display()},
            code="illegal_transition",
        )
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why the deal is reopened.")})
    deal.resume_stage = ""
    return set_stage(deal, REOPEN_STAGE, actor=actor, comment=comment)


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
        set_stage(deal, DealStage.APPROVED, actor=actor, comment=conditions)
    elif decision == Decision.REJECT:
        set_stage(
            deal,
            DealStage.DECLINED,
            actor=actor,
            comment=conditions or _("Rejected by the investment committee."),
        )
    return record
