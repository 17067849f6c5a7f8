"""The members app's models: alliances, organisations, memberships, contacts, applications."""

from members.models.alliances import (
    Alliance,
    AllianceQuerySet,
    Membership,
    MembershipEvent,
    MembershipQuerySet,
    Organization,
    OrganizationQuerySet,
)
from members.models.contacts import (
    Contact,
    ContactQuerySet,
    MembershipApplication,
    MembershipApplicationQuerySet,
)
from members.models.sessions import Session

__all__ = [
    "Alliance",
    "AllianceQuerySet",
    "Contact",
    "ContactQuerySet",
    "Membership",
    "MembershipApplication",
    "MembershipApplicationQuerySet",
    "MembershipEvent",
    "MembershipQuerySet",
    "Organization",
    "OrganizationQuerySet",
    "Session",
]
