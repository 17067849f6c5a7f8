"""Achievements of the institutes (the innovation chain), projects and products."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchRank, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StatusChange, TimeStampedModel
from members import roles
from members.choices import MembershipStatus
from members.models import Alliance, Membership, Organization
from projects.choices import (
    EDITABLE_STATUSES,
    REASONED_STAGES,
    TRL_CHOICES,
    AchievementStatus,
    CapacityUnit,
    Cooperation,
    Field,
    Jurisdiction,
    LegalStatus,
    ProjectStage,
    legal_moves,
)
from projects.files import attachment_path
from projects.search import search_query


class AchievementQuerySet(models.QuerySet):
    def public(self):
        """The public catalogue: accepted and not confidential."""
        return self.filter(status=AchievementStatus.ACCEPTED, is_confidential=False)

    def visible_to(self, user):
        """Drafts are the owning institute's alone; the rest follows the roles."""
        public = Q(status=AchievementStatus.ACCEPTED, is_confidential=False)
        if not user.is_authenticated:
            return self.filter(public)
        if user.is_superuser:
            return self
        condition = public
        org_id = roles.organization_id(user)
        if org_id is not None:
            condition |= Q(organization_id=org_id)
        if roles.reads_everything(user):
            condition |= ~Q(status=AchievementStatus.DRAFT)
        if roles.is_secretariat(user):
            condition |= Q(alliance_id__in=roles.served_alliance_ids(user)) & ~Q(
                status=AchievementStatus.DRAFT
            )
        if roles.is_fund_manager(user):
            condition |= Q(status=AchievementStatus.ACCEPTED)
        return self.filter(condition)

    def editable_by(self, user):
        """The owning organisation's users change drafts and returned achievements."""
        editable = Q(status__in=EDITABLE_STATUSES)
        if user.is_authenticated and user.is_superuser:
            return self.filter(editable)
        org_id = roles.organization_id(user)
        if org_id is None:
            return self.none()
        return self.filter(editable, organization_id=org_id)

    def reviewable_by(self, user):
        """Submitted achievements of the alliances the user serves."""
        submitted = self.filter(status=AchievementStatus.SUBMITTED)
        if user.is_authenticated and user.is_superuser:
            return submitted
        return submitted.filter(alliance_id__in=roles.served_alliance_ids(user))

    def search(self, text: str):
        query = search_query(text)
        if query is None:
            return self
        return (
            self.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-id")
        )


class Achievement(TimeStampedModel):
    """A scientific and technological achievement an institute brings to an alliance."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.PROTECT, related_name="achievements"
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(
        _("public summary"), help_text=_("Shown in the public catalogue once accepted.")
    )
    confidential_details = models.TextField(
        _("confidential details"),
        blank=True,
        help_text=_(
            "Seen only by your organisation, the alliance's secretariat, the holding's analysts "
            "and fund managers."
        ),
    )
    is_confidential = models.BooleanField(_("keep out of the public catalogue"), default=False)
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level"),
        choices=TRL_CHOICES,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("GB/T 22900 scale, 1 to 9."),
    )
    trl_justification = models.TextField(_("why this level"), blank=True)
    cooperation = ArrayField(
        models.CharField(max_length=32, choices=Cooperation.choices),
        verbose_name=_("cooperation wanted"),
        default=list,
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AchievementStatus.choices,
        default=AchievementStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept by a database trigger from title, summary and IP titles (see projects.search).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = AchievementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        indexes = [
            GinIndex(fields=["search_vector"], name="projects_achievement_search"),
            models.Index(fields=["status", "alliance"], name="projects_achievement_status"),
            # The public catalogue's default order, newest first.
            models.Index(
                fields=["-created", "-id"],
                condition=Q(status=AchievementStatus.ACCEPTED, is_confidential=False),
                name="projects_achievement_public",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9),
                name="projects_achievement_trl_range",
                violation_error_message=_("The technology readiness level runs from 1 to 9."),
            ),
            models.CheckConstraint(
                condition=~Q(status=AchievementStatus.RETURNED) | ~Q(review_comment=""),
                name="projects_achievement_returned_has_comment",
                violation_error_message=_("A returned achievement carries the reviewer's comment."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=EDITABLE_STATUSES)
                | (Q(trl__isnull=False) & Q(submitted_at__isnull=False)),
                name="projects_achievement_submitted_complete",
                violation_error_message=_("A submitted achievement has its readiness level."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:achievement", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def cooperation_labels(self) -> list[str]:
        return [str(Cooperation(value).label) for value in self.cooperation]

    def confidential_visible_to(self, user) -> bool:
        """Confidential details and attachments: owner, secretariat, analysts, fund managers."""
        if not user.is_authenticated:
            return False
        if user.is_superuser or roles.organization_id(user) == self.organization_id:
            return True
        if self.status == AchievementStatus.DRAFT:
            return False
        if roles.reads_everything(user) or self.alliance_id in roles.served_alliance_id_set(user):
            return True
        return roles.is_fund_manager(user) and self.status == AchievementStatus.ACCEPTED


class Inventor(models.Model):
    """A person credited with the achievement and their share of the contribution."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.CASCADE,
        related_name="inventors",
    )
    name = models.CharField(_("full name"), max_length=100)
    organization = models.CharField(_("organisation"), max_length=200, blank=True)
    share = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["-share", "id"]
        verbose_name = _("inventor")
        verbose_name_plural = _("inventors")
        constraints = [
            models.UniqueConstraint(
                Lower(Trim("name")),
                "achievement",
                name="projects_inventor_listed_once",
                violation_error_message=_("Each inventor is listed once."),
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lte=100),
                name="projects_inventor_share_range",
                violation_error_message=_("A share is more than 0 and at most 100."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.share} %)"


class IPItem(models.Model):
    """A patent or patent application behind the achievement."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.CASCADE,
        related_name="ip_items",
    )
    number = models.CharField(_("patent or application number"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    jurisdiction = models.CharField(
        _("jurisdiction"), max_length=8, choices=Jurisdiction.choices, default=Jurisdiction.CN
    )
    legal_status = models.CharField(
        _("legal status"), max_length=16, choices=LegalStatus.choices, default=LegalStatus.FILED
    )
    filed_on = models.DateField(_("filing date"), null=True, blank=True)

    class Meta:
        ordering = ["filed_on", "id"]
        verbose_name = _("IP item")
        verbose_name_plural = _("IP items")
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "number"],
                name="projects_ipitem_unique_number",
                violation_error_message=_("This patent number is already listed."),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class Attachment(models.Model):
    """A file of an achievement, stored under a random name outside the web root."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "projects:attachment", kwargs={"pk": self.achievement_id, "attachment": self.pk}
        )


class AchievementEvent(StatusChange):
    """A recorded status change of an achievement (each review round)."""

    achievement = models.ForeignKey(
        Achievement, verbose_name=_("achievement"), on_delete=models.CASCADE, related_name="events"
    )
    status_choices = AchievementStatus

    class Meta(StatusChange.Meta):
        verbose_name = _("achievement event")
        verbose_name_plural = _("achievement events")

    def __str__(self):
        return f"{self.achievement}: {self.from_status or '∅'} → {self.to_status}"


# --- The industrial chain ------------------------------------------------------------------


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

    def editable_by(self, user):
        """The secretariat of the alliance and the industrializing enterprise run it."""
        if user.is_authenticated and user.is_superuser:
            return self
        condition = Q(achievement__alliance_id__in=roles.served_alliance_ids(user))
        org_id = roles.organization_id(user)
        if org_id is not None:
            condition |= Q(enterprise_id=org_id)
        return self.filter(condition)

    def with_overdue(self):
        from django.db.models import Count
        from django.utils import timezone

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
        from django.core.exceptions import ValidationError

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
        return f"{self.project}: {self.from_status or '∅'} → {self.to_status}"


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, today=None):
        from django.utils import timezone

        return self.filter(done_on__isnull=True, due_on__lt=today or timezone.localdate())

    def visible_to(self, user):
        return self.filter(project__in=Project.objects.visible_to(user))

    def editable_by(self, user):
        """The project's enterprise and pilot organisation, and the alliance's secretariat."""
        if user.is_authenticated and user.is_superuser:
            return self
        condition = Q(project__achievement__alliance_id__in=roles.served_alliance_ids(user))
        org_id = roles.organization_id(user)
        if org_id is not None:
            condition |= Q(project__enterprise_id=org_id) | Q(project__pilot_organization_id=org_id)
        return self.filter(condition)


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
        from django.utils import timezone

        return self.done_on is None and self.due_on < timezone.localdate()


class ProductQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Products are public: they are what the alliances show the market."""
        return self

    def editable_by(self, user):
        if user.is_authenticated and user.is_superuser:
            return self
        condition = Q(project__achievement__alliance_id__in=roles.served_alliance_ids(user))
        org_id = roles.organization_id(user)
        if org_id is not None:
            condition |= Q(enterprise_id=org_id)
        return self.filter(condition)


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
