"""Projects and products: the industrial chain."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StatusChange, TimeStampedModel
from members import roles
from members.choices import MembershipStatus
from members.models import Membership, Organization
from projects.choices import (
    REASONED_STAGES,
    AchievementStatus,
    CapacityUnit,
    ProjectStage,
    legal_moves,
)
from projects.models.achievements import (
    Achievement,
)


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Not public: the alliance's secretariat, the organisations involved, readers."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or roles.reads_everything(user) or roles.is_fund_manager(user):
            return self
        condition = Q(achievement__alliance_id__in=roles.served_alliance_ids(user))
        org_id = roles.organization_id(user)
        if org_id is not None:
            condition |= (
                Q(achievement__organization_id=org_id)
                | Q(pilot_organization_id=org_id)
                | Q(enterprise_id=org_id)
            )
        return self.filter(condition)

    def runnable_by(self, user):
        """The secretariat of the alliance and the industrializing enterprise run it."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        condition = Q(achievement__alliance_id__in=roles.served_alliance_ids(user))
        org_id = roles.organization_id(user)
        if org_id is not None:
            condition |= Q(enterprise_id=org_id)
        return self.filter(condition)

    def editable_by(self, user):
        """Whoever runs a project changes it (the admin and the API call this)."""
        return self.runnable_by(user)

    def milestones_editable_by(self, user):
        """Projects whose milestones the user keeps: whoever runs the project and the
        users of its pilot organisation."""
        org_id = roles.organization_id(user)
        runs = self.runnable_by(user)
        if org_id is None:
            return runs
        return runs | self.filter(pilot_organization_id=org_id)

    def with_overdue(self):

        return self.annotate(
            overdue_count=Count(
                "milestones",
                filter=Q(
                    milestones__done_on__isnull=True,
                    milestones__due_on__lt=timezone.localdate(),
                ),
            )
        )


class Project(TimeStampedModel):
    """A commercialization project opened from an accepted achievement."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    title = models.CharField(_("title"), max_length=300)
    pilot_organization = models.ForeignKey(
        Organization,
        verbose_name=_("pilot organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="piloted_projects",
        help_text=_("The engineering research centre that runs the pilot scale-up."),
    )
    enterprise = models.ForeignKey(
        Organization,
        verbose_name=_("industrializing enterprise"),
        on_delete=models.PROTECT,
        related_name="industrialized_projects",
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=ProjectStage.choices, default=ProjectStage.PILOT
    )
    stage_reason = models.TextField(_("reason (on hold or terminated)"), blank=True)
    resume_stage = models.CharField(
        _("stage to resume"), max_length=20, choices=ProjectStage.choices, blank=True
    )
    planned_capacity = models.DecimalField(
        _("planned capacity"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    actual_capacity = models.DecimalField(
        _("actual capacity"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    capacity_unit = models.CharField(
        _("capacity unit"), max_length=10, choices=CapacityUnit.choices, default=CapacityUnit.TONNES
    )
    budget = models.DecimalField(
        _("budget (CNY)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    started_on = models.DateField(_("started on"))
    # The dates of the canal's hops, set by the stage moves.
    pilot_started_on = models.DateField(_("pilot started on"), null=True, blank=True)
    industrialization_started_on = models.DateField(
        _("industrialization started on"), null=True, blank=True
    )
    market_launched_on = models.DateField(_("market launch"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage__in=REASONED_STAGES) | ~Q(stage_reason=""),
                name="projects_project_reason_when_held",
                violation_error_message=_("A project on hold or terminated needs the reason."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="projects_project_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(Q(planned_capacity__isnull=True) | Q(planned_capacity__gte=0))
                & (Q(actual_capacity__isnull=True) | Q(actual_capacity__gte=0)),
                name="projects_project_capacity_not_negative",
                violation_error_message=_("A capacity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(industrialization_started_on__isnull=True)
                    | Q(industrialization_started_on__gte=F("pilot_started_on"))
                )
                & (
                    Q(market_launched_on__isnull=True)
                    | Q(market_launched_on__gte=F("industrialization_started_on"))
                ),
                name="projects_project_hops_in_order",
                violation_error_message=_("The stages' dates must follow one another."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:project", kwargs={"pk": self.pk})

    @property
    def legal_moves(self) -> tuple[str, ...]:
        return legal_moves(self.stage, self.resume_stage)

    def clean(self):

        errors = {}
        achievement = self.achievement if self.achievement_id else None
        if achievement is not None and achievement.status != AchievementStatus.ACCEPTED:
            errors["achievement"] = _("A project is opened only from an accepted achievement.")
        if achievement is not None:
            members = set(
                Membership.objects.filter(
                    alliance_id=achievement.alliance_id, status=MembershipStatus.ACTIVE
                ).values_list("organization_id", flat=True)
            )
            if self.enterprise_id and self.enterprise_id not in members:
                errors["enterprise"] = _("The enterprise must be an active member of the alliance.")
            if self.pilot_organization_id and self.pilot_organization_id not in members:
                errors["pilot_organization"] = _(
                    "The pilot organisation must be an active member of the alliance."
                )
        if errors:
            raise ValidationError(errors)


class ProjectEvent(StatusChange):
    """A recorded stage move of a project."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="events"
    )
    status_choices = ProjectStage

    class Meta(StatusChange.Meta):
        verbose_name = _("project event")
        verbose_name_plural = _("project events")

    def __str__(self):
        return f"{self.project}: {self.transition_label}"


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, today=None):

        return self.filter(done_on__isnull=True, due_on__lt=today or timezone.localdate())

    def visible_to(self, user):
        return self.filter(project__in=Project.objects.visible_to(user))

    def editable_by(self, user):
        """The project's enterprise and pilot organisation, and the alliance's secretariat."""
        return self.filter(project__in=Project.objects.milestones_editable_by(user))


class Milestone(TimeStampedModel):
    """A dated step of a project; overdue when its due date passed without it being done."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    owner_organization = models.ForeignKey(
        Organization,
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:

        return self.done_on is None and self.due_on < timezone.localdate()


class ProductQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Products are public: they are what the alliances show the market."""
        return self

    def editable_by(self, user):
        """Whoever runs the project records its products."""
        return self.filter(project__in=Project.objects.runnable_by(user))


class Product(TimeStampedModel):
    """What an enterprise makes from a project, and the import it replaces."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="products"
    )
    enterprise = models.ForeignKey(
        Organization,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("name"), max_length=200)
    launch_date = models.DateField(_("launch date"), null=True, blank=True)
    annual_output = models.DecimalField(
        _("annual output"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    output_unit = models.CharField(
        _("output unit"), max_length=10, choices=CapacityUnit.choices, default=CapacityUnit.TONNES
    )
    domestic_market_share = models.DecimalField(
        _("domestic market share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    application_areas = models.CharField(_("application areas"), max_length=300, blank=True)
    replaces_import = models.BooleanField(_("replaces imports"), default=False)
    replaced_product = models.CharField(
        _("replaced foreign product or supplier"), max_length=300, blank=True
    )

    objects = ProductQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(domestic_market_share__isnull=True)
                | Q(domestic_market_share__gte=0, domestic_market_share__lte=100),
                name="projects_product_share_range",
                violation_error_message=_("A market share runs from 0 to 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(replaces_import=False) | ~Q(replaced_product=""),
                name="projects_product_names_replaced_import",
                violation_error_message=_(
                    "Name the foreign product or supplier this product replaces."
                ),
            ),
            models.CheckConstraint(
                condition=Q(annual_output__isnull=True) | Q(annual_output__gte=0),
                name="projects_product_output_not_negative",
                violation_error_message=_("The annual output cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name
