"""Applications to join: submitted by anyone, approved or rejected by the secretariat."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify import Party, notify_on_commit
from members.choices import ApplicationStatus, MembershipRole
from members.models import (
    Contact,
    Membership,
    MembershipApplication,
    Organization,
)
from members.services.memberships import (
    _actor,
    _require_reason,
    membership_create,
)


@transaction.atomic
def application_submit(*, application: MembershipApplication) -> MembershipApplication:
    """Record an application to join (the public join form and ``POST`` of the API).

    Refused when the organisation (matched by credit code, else by name) already holds a
    current membership of the alliance; a second pending application of the same
    organisation is refused by the database constraint, whose message the form and the
    API show.
    """
    application.status = ApplicationStatus.PENDING
    application.full_clean()
    organization = Organization.objects.matching(
        name=application.organization_name, credit_code=application.credit_code or ""
    )
    if (
        organization is not None
        and Membership.objects.current()
        .filter(alliance_id=application.alliance_id, organization=organization)
        .exists()
    ):
        raise ValidationError(
            _("%(organization)s is already a member of %(alliance)s.")
            % {"organization": organization, "alliance": application.alliance},
            code="already_member",
        )
    application.save()
    return application


def application_acknowledge(*, application: MembershipApplication, status_url: str):
    """Mail the applicant that the application was received, with its reference and the
    private link to its status (the join form and the API both send it). Answers the
    mailing: whom it was queued for, or why nobody could be mailed."""
    return notify_on_commit(
        subject=_("Application %(reference)s received") % {"reference": application.reference},
        body=_(
            "Dear %(name)s,\n\nthe application of %(organization)s to join %(alliance)s has "
            "been received under the reference %(reference)s. The alliance's secretariat will "
            "review it.\n\nFollow its status at %(link)s (keep this link private).\n"
        )
        % {
            "name": application.contact_name,
            "organization": application.organization_name,
            "alliance": application.alliance.display_name,
            "reference": application.reference,
            "link": status_url,
        },
        to=[Party.of(application.contact_name, [application.contact_email])],
        concerns=application,
    )


def _locked_pending(application: MembershipApplication) -> MembershipApplication:
    application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError(
            _("This application has already been decided (%(status)s).")
            % {"status": application.get_status_display()},
            code="illegal_transition",
        )
    return application


def _term_end(start: datetime.date) -> datetime.date:
    years = settings.MEMBERSHIP_TERM_YEARS
    try:
        return start.replace(year=start.year + years) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def _applicant(application: MembershipApplication) -> Party:
    return Party.of(
        application.contact_name or application.organization_name,
        [application.contact_email],
        missing=_("gave no e-mail address with the application."),
    )


@transaction.atomic
def application_approve(
    *,
    application: MembershipApplication,
    actor,
    role: str = MembershipRole.MEMBER,
    comment: str = "",
) -> Membership:
    """Approve an application: the organisation (matched or created) becomes a member."""
    application = _locked_pending(application)
    organization = Organization.objects.matching(
        name=application.organization_name, credit_code=application.credit_code
    )
    if organization is None:
        organization = Organization(
            name=application.organization_name,
            name_en=application.organization_name_en,
            kind=application.kind,
            credit_code=application.credit_code,
            city=application.city,
            website=application.website,
        )
        organization.full_clean()
        organization.save()
    today = timezone.localdate()
    membership = membership_create(
        alliance=application.alliance,
        organization=organization,
        role=role,
        actor=actor,
        term_start=today,
        term_end=_term_end(today),
        joined_on=today,
        comment=_("Application approved."),
    )
    if not organization.contacts.filter(email__iexact=application.contact_email).exists():
        Contact.objects.create(
            organization=organization,
            name=application.contact_name,
            title=application.contact_title,
            email=application.contact_email,
            phone=application.contact_phone,
            is_primary=not organization.contacts.filter(is_primary=True).exists(),
        )
    application.status = ApplicationStatus.APPROVED
    application.membership = membership
    application.decided_by = _actor(actor)
    application.decided_at = timezone.now()
    application.decision_comment = comment
    application.save()
    membership.mailing = notify_on_commit(
        subject=_("Welcome to %(alliance)s") % {"alliance": application.alliance},
        body=_(
            "Dear %(name)s,\n\nthe application of %(organization)s to join %(alliance)s has "
            "been approved. Welcome!\n"
        )
        % {
            "name": application.contact_name,
            "organization": organization,
            "alliance": application.alliance,
        },
        to=[_applicant(application)],
        concerns=application,
    )
    application.mailing = membership.mailing
    return membership


@transaction.atomic
def application_reject(
    *, application: MembershipApplication, actor, reason: str
) -> MembershipApplication:
    application = _locked_pending(application)
    application.status = ApplicationStatus.REJECTED
    application.decided_by = _actor(actor)
    application.decided_at = timezone.now()
    application.decision_comment = _require_reason(reason)
    application.save()
    application.mailing = notify_on_commit(
        subject=_("Your application to %(alliance)s") % {"alliance": application.alliance},
        body=_(
            "Dear %(name)s,\n\nthe application of %(organization)s to join %(alliance)s was "
            "not approved.\n\nReason: %(reason)s\n"
        )
        % {
            "name": application.contact_name,
            "organization": application.organization_name,
            "alliance": application.alliance,
            "reason": application.decision_comment,
        },
        to=[_applicant(application)],
        concerns=application,
    )
    return application
