"""Achievements of the institutes: the innovation chain."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchRank, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, Value, When
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StatusChange, TimeStampedModel
from core.paging import order_past_limit
from members import roles
from members.choices import MembershipStatus, OrganizationKind
from members.models import Alliance, Membership, Organization
from projects.choices import (
    EDITABLE_STATUSES,
    TRL_CHOICES,
    AchievementStatus,
    Cooperation,
    Field,
    Jurisdiction,
    LegalStatus,
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

    def reviewed_by(self, user):
        """The achievements whose reviews the user decides: their served alliances'."""
        if user.is_authenticated and user.is_superuser:
            return self
        return self.filter(alliance_id__in=roles.served_alliance_ids(user))

    def reviewable_by(self, user):
        """Submitted achievements waiting for the user's review."""
        return self.reviewed_by(user).filter(status=AchievementStatus.SUBMITTED)

    def openable_by(self, user):
        """Accepted achievements from which the user may open a project: the secretariat of
        the alliance, or a user of an enterprise that is an active member of it."""
        accepted = self.filter(status=AchievementStatus.ACCEPTED)
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return accepted
        condition = Q(alliance_id__in=roles.served_alliance_ids(user))
        org_id = roles.organization_id(user)
        if org_id is not None:
            condition |= Exists(
                Membership.objects.filter(
                    alliance_id=OuterRef("alliance_id"),
                    organization_id=org_id,
                    organization__kind=OrganizationKind.ENTERPRISE,
                    status=MembershipStatus.ACTIVE,
                )
            )
        return accepted.filter(condition)

    def confidential_visible_to(self, user):
        """The rows whose confidential fields ``user`` may read (the queryset twin of
        ``Achievement.confidential_visible_to``, which answers for one loaded row)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(confidential_condition(user))

    def search(self, text: str, user=None):
        """Rows matching ``text``, best first.

        Everybody searches the public vector (title, summary); a user who may read an
        achievement's confidential fields also finds it by them (``private_search_vector``:
        confidential details, patent numbers and titles, inventors) — and only those rows,
        so a search never reveals a hidden patent number. The entitlement is a condition
        on the row's own columns, not a subquery of the entitled rows' keys: the database
        then combines both vectors' indexes instead of hashing every entitled key.
        """
        query = search_query(text)
        if query is None:
            return self
        match = Q(search_vector=query)
        rank = SearchRank(F("search_vector"), query)
        if user is not None and user.is_authenticated:
            entitled = confidential_condition(user)
            match |= entitled & Q(private_search_vector=query)
            rank = rank + Case(
                When(entitled, then=SearchRank(F("private_search_vector"), query)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        ranked = self.filter(match).annotate(rank=rank).order_by("-rank", "-id")
        # A search holding more than the pages' count limit (10,000) comes newest first,
        # unranked: ranking every match of a common word costs more than it tells apart.
        return order_past_limit(ranked, self.model._meta.ordering)


def confidential_condition(user) -> Q:
    """The condition on an achievement's columns under which a logged-in ``user`` may read
    its confidential fields (``Achievement.confidential_visible_to`` for one row)."""
    if user.is_superuser:
        return Q(pk__isnull=False)
    condition = Q(pk__in=[])
    org_id = roles.organization_id(user)
    if org_id is not None:
        condition |= Q(organization_id=org_id)
    not_draft = ~Q(status=AchievementStatus.DRAFT)
    if roles.reads_everything(user):
        condition |= not_draft
    if roles.is_secretariat(user):
        condition |= not_draft & Q(alliance_id__in=roles.served_alliance_ids(user))
    if roles.is_fund_manager(user):
        condition |= Q(status=AchievementStatus.ACCEPTED)
    return condition


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
    # Kept by database triggers (migrations 0002, 0007): the public fields, and the
    # confidential ones searched only by those entitled to them.
    search_vector = SearchVectorField(null=True, editable=False)
    private_search_vector = SearchVectorField(null=True, editable=False)

    objects = AchievementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector", "private_search_vector"])

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        indexes = [
            GinIndex(fields=["search_vector"], name="projects_achievement_search"),
            # The public catalogue's search: its matches alone, no filter after the index.
            GinIndex(
                fields=["search_vector"],
                condition=Q(status=AchievementStatus.ACCEPTED, is_confidential=False),
                name="projects_achievement_pubsearch",
            ),
            GinIndex(fields=["private_search_vector"], name="projects_achievement_private"),
            models.Index(fields=["status", "alliance"], name="projects_achievement_status"),
            # The public catalogue's default order, newest first.
            models.Index(
                fields=["-created", "-id"],
                condition=Q(status=AchievementStatus.ACCEPTED, is_confidential=False),
                name="projects_achievement_public",
            ),
            # Everybody else's order, newest first; the columns of the visibility rules
            # ride along so that paging and counting never visit the table.
            models.Index(
                fields=["-created", "-id"],
                include=["status", "is_confidential", "alliance", "organization"],
                name="projects_achievement_recent",
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
        return f"{self.achievement}: {self.transition_label}"


# --- The industrial chain ------------------------------------------------------------------
