"""Deal flow: deals, their stage history, reviews and committee decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import StatusChange, TimeStampedModel
from funds.choices import (
    REASONED_STAGES,
    Currency,
    DealSource,
    DealStage,
    Decision,
    legal_moves,
)
from funds.models.funds import (
    MONEY,
    POSITIVE,
    SANE_DATE,
    Fund,
    FundScopedQuerySet,
    sane_date,
)
from members.models import Organization
from projects.models import Project


class DealQuerySet(FundScopedQuerySet):
    pass


class Deal(TimeStampedModel):
    """A company the fund considers, possibly from an alliance project (the canal link)."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="deals"
    )
    company = models.ForeignKey(
        Organization, verbose_name=_("company"), on_delete=models.PROTECT, related_name="deals"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
        help_text=_("The commercialization project the deal came from, if any."),
    )
    source = models.CharField(
        _("source"), max_length=16, choices=DealSource.choices, default=DealSource.ALLIANCE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("deal", "owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_amount = models.DecimalField(_("requested amount"), **MONEY, validators=POSITIVE)
    pre_money_valuation = models.DecimalField(
        _("pre-money valuation"), **MONEY, null=True, blank=True, validators=POSITIVE
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=DealStage.choices, default=DealStage.SOURCED
    )
    stage_reason = models.TextField(_("reason (declined or on hold)"), blank=True)
    resume_stage = models.CharField(
        _("stage to resume"), max_length=16, choices=DealStage.choices, blank=True
    )
    stage_changed_at = models.DateTimeField(_("in this stage since"), null=True, blank=True)
    average_score = models.DecimalField(
        _("weighted average score"), max_digits=4, decimal_places=2, null=True, blank=True
    )

    objects = DealQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [
            models.Index(fields=["fund", "stage"], name="funds_deal_fund_stage"),
            models.Index(fields=["-created", "-id"], name="funds_deal_recent"),  # the lists' order
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage__in=REASONED_STAGES) | ~Q(stage_reason=""),
                name="funds_deal_reason_when_declined_or_held",
                violation_error_message=_("A declined or held deal needs the reason."),
            ),
            models.UniqueConstraint(
                fields=["fund", "project"],
                condition=Q(project__isnull=False) & ~Q(stage=DealStage.DECLINED),
                name="funds_deal_one_open_per_project",
                violation_error_message=_("This project is already in the fund's deal flow."),
            ),
            models.CheckConstraint(
                condition=Q(requested_amount__gt=0),
                name="funds_deal_amount_positive",
                violation_error_message=_("The requested amount is more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.company} · {self.fund}"

    def get_absolute_url(self):
        return reverse("funds:deal", kwargs={"pk": self.pk})

    @property
    def legal_moves(self) -> tuple[str, ...]:
        return legal_moves(self.stage, self.resume_stage)

    @property
    def days_in_stage(self) -> int | None:

        if self.stage_changed_at is None:
            return None
        return (timezone.now() - self.stage_changed_at).days


class DealEvent(StatusChange):
    """A recorded stage change of a deal."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="events"
    )
    status_choices = DealStage

    class Meta(StatusChange.Meta):
        verbose_name = _("deal event")
        verbose_name_plural = _("deal events")

    def __str__(self):
        return f"{self.deal}: {self.transition_label}"


class DealChildQuerySet(FundScopedQuerySet):
    fund_path = "deal__fund"


class DealReview(TimeStampedModel):
    """One team member's scores of a deal on the fund's criteria."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scores = models.JSONField(_("scores"), help_text=_("{criterion key: score 1–5}"))
    weighted_score = models.DecimalField(_("weighted score"), max_digits=4, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)

    objects = DealChildQuerySet.as_manager()

    class Meta:
        ordering = ["deal", "created", "id"]
        verbose_name = _("deal review")
        verbose_name_plural = _("deal reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "reviewer"],
                name="funds_dealreview_once_per_reviewer",
                violation_error_message=_("You have already reviewed this deal."),
            ),
            models.CheckConstraint(
                condition=Q(weighted_score__gte=1, weighted_score__lte=5),
                name="funds_dealreview_score_range",
                violation_error_message=_("Scores run from 1 to 5."),
            ),
        ]

    def __str__(self):
        return f"{self.deal}: {self.reviewer} {self.weighted_score}"


class CommitteeDecision(TimeStampedModel):
    """The investment committee's decision on a deal."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.PROTECT, related_name="decisions"
    )
    meeting_date = models.DateField(_("meeting date"), validators=SANE_DATE)
    votes_for = models.PositiveSmallIntegerField(_("votes for"))
    votes_against = models.PositiveSmallIntegerField(_("votes against"))
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    objects = DealChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "meeting_date", "id"]
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision=Decision.APPROVE) | Q(votes_for__gt=F("votes_against")),
                name="funds_committeedecision_approval_has_majority",
                violation_error_message=_("An approval needs more votes for than against."),
            ),
            sane_date("committeedecision", "meeting_date"),
        ]

    def __str__(self):
        return f"{self.deal}: {self.get_decision_display()} ({self.meeting_date})"
