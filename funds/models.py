"""The capital chain: funds, their limited partners' money, deal flow and investments."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StatusChange, TimeStampedModel
from funds.choices import (
    REASONED_STAGES,
    REFERABLE_PROJECT_STAGES,
    Currency,
    DealSource,
    DealStage,
    Decision,
    ExitKind,
    FundStatus,
    Instrument,
    ValuationMethod,
    legal_moves,
)
from members import roles
from members.models import Organization
from projects.models import Project

MONEY = {"max_digits": 18, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"))]
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class FundScopedQuerySet(models.QuerySet):
    """Fund data is seen only by the fund's team and the holding's analysts.

    ``fund_path`` leads from the row to its fund ("" for the fund itself). A user sits on a
    fund's team once, so following it never duplicates a row.
    """

    fund_path = "fund"

    def _team(self, user):
        lookup = f"{self.fund_path}__team" if self.fund_path else "team"
        return self.filter(**{lookup: user})

    def visible_to(self, user):
        if roles.reads_everything(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self._team(user)

    def editable_by(self, user):
        if user.is_authenticated and user.is_superuser:
            return self
        if not user.is_authenticated:
            return self.none()
        return self._team(user)


class FundQuerySet(FundScopedQuerySet):
    fund_path = ""

    def referable_by(self, user, project):
        """The funds ``user`` may hand ``project`` over to.

        A superuser and the secretariat of the project's alliance choose any fund; a fund
        manager refers to the funds whose team they are on. Nothing before the project
        reaches industrialization.
        """
        if not user.is_authenticated or project.stage not in REFERABLE_PROJECT_STAGES:
            return self.none()
        if user.is_superuser or (
            project.achievement.alliance_id in roles.served_alliance_id_set(user)
        ):
            return self
        return self._team(user)


class Fund(TimeStampedModel):
    """An industry fund, with its team of fund managers."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    manager = models.ForeignKey(
        Organization,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="managed_funds",
    )
    target_size = models.DecimalField(_("target size"), **MONEY, validators=POSITIVE)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    vintage_year = models.PositiveSmallIntegerField(
        _("vintage year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=FundStatus.choices, default=FundStatus.INVESTING
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team"), blank=True, related_name="fund_teams"
    )

    objects = FundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-vintage_year", "name"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_size__gt=0),
                name="funds_fund_target_positive",
                violation_error_message=_("The target size is more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(vintage_year__gte=1990, vintage_year__lte=2100),
                name="funds_fund_vintage_range",
                violation_error_message=_("The vintage year is between 1990 and 2100."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("funds:fund", kwargs={"pk": self.pk})


class ReviewCriterion(models.Model):
    """A criterion deals of the fund are scored on, with its weight."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.CASCADE, related_name="criteria"
    )
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, validators=POSITIVE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["fund", "position", "id"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "key"],
                name="funds_reviewcriterion_unique_key",
                violation_error_message=_("The fund already has this criterion."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="funds_reviewcriterion_weight_positive",
                violation_error_message=_("A weight is more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight})"


class Commitment(TimeStampedModel):
    """A limited partner's commitment to a fund."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="commitments"
    )
    limited_partner = models.ForeignKey(
        Organization,
        verbose_name=_("limited partner"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE)
    committed_on = models.DateField(_("committed on"))

    objects = FundScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["fund", "-amount", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "limited_partner"],
                name="funds_commitment_one_per_partner",
                violation_error_message=_("This limited partner already has a commitment."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funds_commitment_amount_positive",
                violation_error_message=_("A commitment is more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.limited_partner} → {self.fund}: {self.amount}"


class CapitalCall(TimeStampedModel):
    """A call on the limited partners, split pro rata to their commitments."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="capital_calls"
    )
    number = models.PositiveIntegerField(_("number"))
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE)
    call_date = models.DateField(_("call date"))
    due_date = models.DateField(_("due date"))
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)

    objects = FundScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["fund", "number"]
        verbose_name = _("capital call")
        verbose_name_plural = _("capital calls")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "number"],
                name="funds_capitalcall_unique_number",
                violation_error_message=_("This call number is taken."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funds_capitalcall_amount_positive",
                violation_error_message=_("A call is more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("call_date")),
                name="funds_capitalcall_due_after_call",
                violation_error_message=_("The due date cannot be before the call date."),
            ),
        ]

    def __str__(self):
        return f"{self.fund} #{self.number}"

    def get_absolute_url(self):
        return reverse("funds:call", kwargs={"pk": self.pk})


class AllocationQuerySet(FundScopedQuerySet):
    fund_path = "call__fund"


class CapitalCallAllocation(models.Model):
    """One limited partner's part of a capital call, and what it has paid."""

    call = models.ForeignKey(
        CapitalCall,
        verbose_name=_("capital call"),
        on_delete=models.CASCADE,
        related_name="allocations",
    )
    limited_partner = models.ForeignKey(
        Organization, verbose_name=_("limited partner"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=NOT_NEGATIVE)
    paid_amount = models.DecimalField(
        _("paid"), **MONEY, default=Decimal("0"), validators=NOT_NEGATIVE
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["call", "-amount", "id"]
        verbose_name = _("capital call allocation")
        verbose_name_plural = _("capital call allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "limited_partner"],
                name="funds_allocation_one_per_partner",
                violation_error_message=_("A limited partner has one allocation per call."),
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=F("amount")),
                name="funds_allocation_paid_within_amount",
                violation_error_message=_("The paid amount runs from zero to the amount called."),
            ),
        ]

    def __str__(self):
        return f"{self.call}: {self.limited_partner} {self.amount}"

    def get_absolute_url(self):
        return reverse("funds:call_notice", kwargs={"pk": self.call_id, "allocation": self.pk})

    @property
    def status(self) -> str:
        if self.paid_amount >= self.amount:
            return "paid"
        return "partial" if self.paid_amount > 0 else "due"

    def get_status_display(self) -> str:
        from funds.choices import AllocationStatus

        return str(AllocationStatus(self.status).label)


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
        verbose_name=_("owner"),
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
        indexes = [models.Index(fields=["fund", "stage"], name="funds_deal_fund_stage")]
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
        from django.utils import timezone

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
        return f"{self.deal}: {self.from_status or '∅'} → {self.to_status}"


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
    meeting_date = models.DateField(_("meeting date"))
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
        ]

    def __str__(self):
        return f"{self.deal}: {self.get_decision_display()} ({self.meeting_date})"


class Investment(TimeStampedModel):
    """Money the fund put into an approved deal."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.PROTECT, related_name="investments"
    )
    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="investments"
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE)
    invested_on = models.DateField(_("invested on"))
    instrument = models.CharField(
        _("instrument"), max_length=16, choices=Instrument.choices, default=Instrument.EQUITY
    )
    stake = models.DecimalField(
        _("stake (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    shares = models.DecimalField(
        _("shares"), max_digits=20, decimal_places=2, null=True, blank=True
    )

    objects = FundScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["fund", "invested_on", "id"]
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funds_investment_amount_positive",
                violation_error_message=_("An investment is more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(stake__isnull=True) | Q(stake__gte=0, stake__lte=100),
                name="funds_investment_stake_range",
                violation_error_message=_("A stake runs from 0 to 100 %."),
            ),
        ]

    def __str__(self):
        return f"{self.deal.company} {self.amount} ({self.invested_on})"


class InvestmentChildQuerySet(FundScopedQuerySet):
    fund_path = "investment__fund"


class Valuation(TimeStampedModel):
    """The fair value of an investment on a date."""

    investment = models.ForeignKey(
        Investment,
        verbose_name=_("investment"),
        on_delete=models.CASCADE,
        related_name="valuations",
    )
    valued_on = models.DateField(_("valued on"))
    fair_value = models.DecimalField(_("fair value"), **MONEY, validators=NOT_NEGATIVE)
    method = models.CharField(
        _("method"), max_length=16, choices=ValuationMethod.choices, default=ValuationMethod.COST
    )

    objects = InvestmentChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["investment", "valued_on", "id"]
        verbose_name = _("valuation")
        verbose_name_plural = _("valuations")
        constraints = [
            models.UniqueConstraint(
                fields=["investment", "valued_on"],
                name="funds_valuation_one_per_day",
                violation_error_message=_("This investment is already valued on that date."),
            ),
            models.CheckConstraint(
                condition=Q(fair_value__gte=0),
                name="funds_valuation_not_negative",
                violation_error_message=_("A fair value cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.investment}: {self.fair_value} ({self.valued_on})"


class Exit(TimeStampedModel):
    """The sale or write-off of an investment, with its proceeds."""

    investment = models.OneToOneField(
        Investment, verbose_name=_("investment"), on_delete=models.PROTECT, related_name="exit"
    )
    exited_on = models.DateField(_("exited on"))
    kind = models.CharField(_("kind"), max_length=16, choices=ExitKind.choices)
    proceeds = models.DecimalField(_("proceeds"), **MONEY, validators=NOT_NEGATIVE)

    objects = InvestmentChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["exited_on", "id"]
        verbose_name = _("exit")
        verbose_name_plural = _("exits")
        constraints = [
            models.CheckConstraint(
                condition=Q(proceeds__gte=0),
                name="funds_exit_proceeds_not_negative",
                violation_error_message=_("Proceeds cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=ExitKind.WRITE_OFF) | Q(proceeds=0),
                name="funds_exit_write_off_has_no_proceeds",
                violation_error_message=_("A write-off has no proceeds."),
            ),
        ]

    def __str__(self):
        return f"{self.investment}: {self.get_kind_display()} {self.proceeds}"
