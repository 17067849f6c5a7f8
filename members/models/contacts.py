"""Contacts of member organisations and applications to join."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from members import roles
from members.choices import (
    ApplicationStatus,
    OrganizationKind,
)
from members.models.alliances import (
    Alliance,
    Membership,
    Organization,
)
from members.validators import normalize_credit_code, validate_credit_code


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user):
        if roles.reads_everything(user):
            return self
        if roles.is_secretariat(user):
            return self.editable_by(user)
        org_id = roles.organization_id(user)
        if org_id is None:
            return self.none()
        return self.filter(organization_id=org_id)

    def editable_by(self, user):
        """A secretariat keeps the contacts of its alliances' organisations."""
        if user.is_authenticated and user.is_superuser:
            return self
        if not roles.is_secretariat(user):
            return self.none()
        return self.filter(
            Exists(
                Membership.objects.filter(
                    organization=OuterRef("organization"),
                    alliance_id__in=roles.served_alliance_ids(user),
                )
            )
        )


class Contact(TimeStampedModel):
    """A person of a member organisation; a login acts for the organisation through it."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    name = models.CharField(_("full name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(
        _("primary liaison"),
        default=False,
        help_text=_("The organisation's liaison for alliance matters (one per organisation)."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
    )

    objects = ContactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization__name", "-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(is_primary=True),
                name="members_contact_one_primary_per_organization",
                violation_error_message=_("This organisation already has a primary liaison."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.organization})"


class MembershipApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if roles.reads_everything(user):
            return self
        return self.editable_by(user)

    def editable_by(self, user):
        if user.is_authenticated and user.is_superuser:
            return self
        return self.filter(alliance_id__in=roles.served_alliance_ids(user))


def new_status_token() -> str:
    """An unguessable key to an application's status page (192 random bits)."""
    return secrets.token_urlsafe(24)


class MembershipApplication(TimeStampedModel):
    """A request to join an alliance, sent from the public form; the secretariat decides."""

    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("alliance"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    organization_name = models.CharField(_("organisation name"), max_length=200)
    organization_name_en = models.CharField(
        _("organisation English name"), max_length=200, blank=True
    )
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_title = models.CharField(_("contact's title"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    motivation = models.TextField(
        _("motivation"), help_text=_("What the organisation brings and expects.")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    membership = models.OneToOneField(
        Membership,
        verbose_name=_("membership"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
    )

    status_token = models.CharField(
        _("status link key"),
        max_length=64,
        unique=True,
        default=new_status_token,
        editable=False,
        help_text=_("The private key in the applicant's status link."),
    )

    objects = MembershipApplicationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        constraints = [
            models.UniqueConstraint(
                Lower(Trim("organization_name")),
                "alliance",
                condition=Q(status=ApplicationStatus.PENDING),
                name="members_membershipapplication_one_pending",
                violation_error_message=_(
                    "An application of this organisation to this alliance is already waiting "
                    "for a decision."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.APPROVED) | Q(membership__isnull=False),
                name="members_membershipapplication_approved_has_membership",
                violation_error_message=_("An approved application has its membership."),
            ),
        ]

    def __str__(self):
        return f"{self.organization_name} → {self.alliance}"

    @property
    def reference(self) -> str:
        """The number the applicant quotes: year of filing and sequence, ``SQ-2026-000042``."""
        return f"SQ-{self.created:%Y}-{self.pk:06d}" if self.pk else ""

    def get_status_url(self) -> str:
        return reverse("members:apply_status", kwargs={"token": self.status_token})

    def clean(self):
        self.organization_name = (self.organization_name or "").strip()
        self.credit_code = normalize_credit_code(self.credit_code)
