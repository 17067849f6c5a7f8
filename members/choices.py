from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    INSTITUTE = "institute", _("Research institute")
    UNIVERSITY = "university", _("University")
    ENTERPRISE = "enterprise", _("Enterprise")
    ENGINEERING_CENTER = "engineering_center", _("Engineering research centre")
    INVESTOR = "investor", _("Investor")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


class MembershipRole(models.TextChoices):
    CHAIRMAN = "chairman", _("Chairman unit")
    VICE_CHAIRMAN = "vice_chairman", _("Vice-chairman unit")
    GOVERNING = "governing", _("Governing unit")
    INVITED_GOVERNING = "invited_governing", _("Specially invited governing unit")
    MEMBER = "member", _("Member")


# Roles that sit on the alliance's governing council.
GOVERNING_ROLES = (
    MembershipRole.CHAIRMAN,
    MembershipRole.VICE_CHAIRMAN,
    MembershipRole.GOVERNING,
    MembershipRole.INVITED_GOVERNING,
)


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPELLED = "expelled", _("Expelled")
    LAPSED = "lapsed", _("Lapsed (term ended)")


# A membership in one of these states still holds the organisation's seat in the alliance.
CURRENT_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
