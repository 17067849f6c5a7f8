"""Alliances, the organisation master and the memberships that join them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StatusChange, TimeStampedModel
from core.templatetags.names import in_language
from members import roles
from members.choices import (
    CURRENT_STATUSES,
    MembershipRole,
    MembershipStatus,
    OrganizationKind,
)
from members.validators import CREDIT_CODE_PATTERN, normalize_credit_code, validate_credit_code


class AllianceQuerySet(models.QuerySet):
    def editable_by(self, user):
        if user.is_authenticated and user.is_superuser:
            return self
        return self.filter(id__in=roles.served_alliance_ids(user))


class Alliance(TimeStampedModel):
    """A science-to-industry alliance led by a chairman unit."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    focus_fields = models.CharField(
        _("focus fields"),
        max_length=500,
        blank=True,
        help_text=_("The technology fields the alliance works in, separated by commas."),
    )
    description = models.TextField(_("description"), blank=True)
    secretariat = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretariat"),
        blank=True,
        related_name="served_alliances",
        help_text=_("Users who keep this alliance's members, applications and contacts."),
    )

    objects = AllianceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["founded_on", "name"]
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")

    def __str__(self):
        # Every place that names the record (the admin's lists, drop-downs, autocomplete,
        # titles and the records named after it) names it in the reader's language.
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (the English name for English readers)."""
        return in_language(self.name, self.name_en)

    def get_absolute_url(self):
        return reverse("members:alliance", kwargs={"slug": self.slug})


class OrganizationQuerySet(models.QuerySet):
    def in_directory(self):
        """Organisations with at least one active membership: the public directory."""
        return self.filter(
            Exists(
                Membership.objects.filter(
                    organization=OuterRef("pk"), status=MembershipStatus.ACTIVE
                )
            )
        )

    def visible_to(self, user):
        if roles.reads_everything(user) or roles.is_secretariat(user):
            return self
        public = self.in_directory()
        org_id = roles.organization_id(user)
        if org_id is None:
            return public
        return public | self.filter(pk=org_id)

    def attachable_by(self, user):
        """The organisations a secretariat may see in the admin and make members of its
        alliances: its alliances' organisations and those in no alliance yet (a company
        known to the portal as a fund's partner may still join). Seeing one is not
        changing it (``editable_by``)."""
        if user.is_authenticated and user.is_superuser:
            return self
        if not roles.is_secretariat(user):
            return self.none()
        any_membership = Membership.objects.filter(organization=OuterRef("pk"))
        return self.filter(
            Exists(any_membership.filter(alliance_id__in=roles.served_alliance_ids(user)))
            | ~Exists(any_membership)
        )

    def editable_by(self, user):
        """A secretariat changes the organisations of its alliances (members, applicants
        accepted, former members), and one in no alliance yet only when it was added by
        the secretariat of one of its alliances (the record it is about to make a member,
        as its history says): not a fund's partner or manager, nor the holding, which
        another team keeps."""
        if user.is_authenticated and user.is_superuser:
            return self
        if not roles.is_secretariat(user):
            return self.none()
        served = roles.served_alliance_ids(user)
        any_membership = Membership.objects.filter(organization=OuterRef("pk"))
        added_by_the_secretariat = self.model.history.filter(
            id=OuterRef("pk"), history_type="+"
        ).filter(Q(history_user=user) | Q(history_user__served_alliances__in=served))
        return self.filter(
            Exists(any_membership.filter(alliance_id__in=served))
            | (~Exists(any_membership) & Exists(added_by_the_secretariat))
        )

    def matching(self, *, name: str, credit_code: str = ""):
        """The existing organisation an incoming record means, by credit code or name."""
        code = normalize_credit_code(credit_code)
        if code:
            found = self.filter(credit_code=code).first()
            if found:
                return found
        normalized = (name or "").strip().lower()
        if not normalized:
            return None
        return (
            self.annotate(_normalized_name=Lower(Trim("name")))
            .filter(_normalized_name=normalized)
            .first()
        )


class Organization(TimeStampedModel):
    """One master record of an organisation, shared by every alliance it belongs to."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The academy of an institute, the group of a subsidiary."),
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters (GB 32100-2015); leave empty when unknown."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                Lower(Trim("name")),
                name="members_organization_unique_name",
                violation_error_message=_(
                    "An organisation with this name already exists (names are compared "
                    "ignoring case and surrounding spaces)."
                ),
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="members_organization_unique_credit_code",
                violation_error_message=_(
                    "An organisation with this unified social credit code already exists."
                ),
            ),
            models.CheckConstraint(
                condition=Q(credit_code="") | Q(credit_code__regex=CREDIT_CODE_PATTERN),
                name="members_organization_credit_code_format",
                violation_error_message=_("The unified social credit code is malformed."),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=models.F("id")),
                name="members_organization_not_own_parent",
                violation_error_message=_("An organisation cannot be its own parent."),
            ),
        ]

    def __str__(self):
        # Every place that names the record (the admin's lists, drop-downs, autocomplete,
        # titles and the records named after it) names it in the reader's language.
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (the English name for English readers)."""
        return in_language(self.name, self.name_en)

    def get_absolute_url(self):
        return reverse("members:organization", kwargs={"pk": self.pk})

    def clean(self):

        self._normalize()
        # Walk up the parents: a cycle would make the hierarchy endless.
        seen = {self.pk} if self.pk else set()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError(
                    {"parent": _("This parent would make the organisation its own ancestor.")}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    def save(self, *args, **kwargs):
        self._normalize()
        super().save(*args, **kwargs)

    def _normalize(self):
        self.name = (self.name or "").strip()
        self.name_en = (self.name_en or "").strip()
        self.credit_code = normalize_credit_code(self.credit_code)


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Active memberships are the public directory; the rest is the secretariat's."""
        if roles.reads_everything(user):
            return self
        public = Q(status=MembershipStatus.ACTIVE)
        if roles.is_secretariat(user):
            return self.filter(public | Q(alliance_id__in=roles.served_alliance_ids(user)))
        return self.filter(public)

    def editable_by(self, user):
        if user.is_authenticated and user.is_superuser:
            return self
        return self.filter(alliance_id__in=roles.served_alliance_ids(user))

    def current(self):
        return self.filter(status__in=CURRENT_STATUSES)

    def ending_within(self, days: int, today=None):
        today = today or timezone.localdate()
        return self.current().filter(
            term_end__gte=today, term_end__lte=today + timezone.timedelta(days=days)
        )


class Membership(TimeStampedModel):
    """An organisation's seat in one alliance: its role, status and term."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.PROTECT, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(
        _("role"), max_length=32, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    status = models.CharField(
        _("status"),
        max_length=32,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for leaving"), blank=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["alliance", "role", "organization__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance"],
                condition=Q(role=MembershipRole.CHAIRMAN, status=MembershipStatus.ACTIVE),
                name="members_membership_one_active_chairman",
                violation_error_message=_(
                    "An alliance has at most one active chairman unit: hand the chairman role "
                    "over instead of adding a second one."
                ),
            ),
            models.UniqueConstraint(
                fields=["alliance", "organization"],
                condition=Q(status__in=CURRENT_STATUSES),
                name="members_membership_one_current_per_organization",
                violation_error_message=_(
                    "This organisation already has an active or suspended membership in this "
                    "alliance."
                ),
            ),
            models.CheckConstraint(
                condition=Q(term_start__isnull=True)
                | Q(term_end__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="members_membership_term_order",
                violation_error_message=_("The term cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[MembershipStatus.WITHDRAWN, MembershipStatus.EXPELLED])
                | ~Q(withdrawal_reason=""),
                name="members_membership_reason_when_left",
                violation_error_message=_(
                    "A withdrawn or expelled membership needs the reason for leaving."
                ),
            ),
        ]
        indexes = [models.Index(fields=["status", "term_end"], name="members_membership_term_idx")]

    def __str__(self):
        return f"{self.organization} · {self.alliance} ({self.get_role_display()})"

    @property
    def is_term_over(self) -> bool:
        return self.term_end is not None and self.term_end < timezone.localdate()


class MembershipEvent(StatusChange):
    """A recorded change of a membership's status or role."""

    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.PROTECT, related_name="events"
    )
    status_choices = MembershipStatus
    code_choices = {"from_role": MembershipRole, "to_role": MembershipRole}
    from_role = models.CharField(_("from role"), max_length=32, blank=True)
    to_role = models.CharField(_("to role"), max_length=32, blank=True)

    class Meta(StatusChange.Meta):
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")

    def __str__(self):
        return f"{self.membership}: {self.transition_label}"
