"""State changes of memberships and applications.

One function per transition; the admin actions, the portal views and the API actions all
call these. Each locks its row, checks the current state, records a ``MembershipEvent``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import OutboxMessage
from core.notify import Party, notify_on_commit
from members.choices import ApplicationStatus, MembershipRole, MembershipStatus
from members.models import (
    Alliance,
    Contact,
    Membership,
    MembershipApplication,
    MembershipEvent,
    Organization,
)


def _record(
    membership: Membership, *, actor, from_status: str, comment: str = "", from_role: str = ""
) -> MembershipEvent:
    return MembershipEvent.objects.create(
        membership=membership,
        from_status=from_status,
        to_status=membership.status,
        from_role=from_role or membership.role,
        to_role=membership.role,
        actor=actor,
        comment=comment,
    )


def _locked(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().get(pk=membership.pk)


def _actor(user):
    return user if user is not None and user.is_authenticated else None


@transaction.atomic
def membership_save(*, membership: Membership, actor, comment: str = "") -> Membership:
    """Create or edit a membership, recording a change of role or status."""
    previous = (
        Membership.objects.select_for_update()
        .filter(pk=membership.pk)
        .values("status", "role")
        .first()
        if membership.pk
        else None
    )
    membership.full_clean()
    membership.save()
    if previous is None or (previous["status"], previous["role"]) != (
        membership.status,
        membership.role,
    ):
        _record(
            membership,
            actor=_actor(actor),
            from_status=previous["status"] if previous else "",
            from_role=previous["role"] if previous else "",
            comment=comment,
        )
    return membership


def membership_create(
    *,
    alliance: Alliance,
    organization: Organization,
    role: str,
    actor,
    term_start: datetime.date | None = None,
    term_end: datetime.date | None = None,
    joined_on: datetime.date | None = None,
    comment: str = "",
) -> Membership:
    """Admit an organisation to an alliance (validated like any other write)."""
    today = timezone.localdate()
    membership = Membership(
        alliance=alliance,
        organization=organization,
        role=role,
        status=MembershipStatus.ACTIVE,
        term_start=term_start or today,
        term_end=term_end,
        joined_on=joined_on or today,
    )
    return membership_save(membership=membership, actor=actor, comment=comment)


def _change_status(
    membership: Membership,
    *,
    actor,
    allowed_from: tuple[str, ...],
    to: str,
    comment: str = "",
    reason: str | None = None,
) -> Membership:
    membership = _locked(membership)
    if membership.status not in allowed_from:
        raise ValidationError(
            _("A %(status)s membership cannot become %(target)s.")
            % {
                "status": membership.get_status_display(),
                "target": MembershipStatus(to).label,
            },
            code="illegal_transition",
        )
    previous = membership.status
    membership.status = to
    if reason is not None:
        membership.withdrawal_reason = reason
    membership.full_clean()
    membership.save()
    _record(membership, actor=_actor(actor), from_status=previous, comment=comment or reason or "")
    return membership


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")}, code="required")
    return reason


@transaction.atomic
def membership_withdraw(*, membership: Membership, actor, reason: str) -> Membership:
    """The organisation leaves the alliance of its own accord."""
    return _change_status(
        membership,
        actor=actor,
        allowed_from=(MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED),
        to=MembershipStatus.WITHDRAWN,
        reason=_require_reason(reason),
    )


@transaction.atomic
def membership_suspend(*, membership: Membership, actor, comment: str = "") -> Membership:
    return _change_status(
        membership,
        actor=actor,
        allowed_from=(MembershipStatus.ACTIVE,),
        to=MembershipStatus.SUSPENDED,
        comment=comment,
    )


@transaction.atomic
def membership_reinstate(*, membership: Membership, actor, comment: str = "") -> Membership:
    return _change_status(
        membership,
        actor=actor,
        allowed_from=(MembershipStatus.SUSPENDED,),
        to=MembershipStatus.ACTIVE,
        comment=comment,
    )


@transaction.atomic
def membership_expel(*, membership: Membership, actor, reason: str) -> Membership:
    return _change_status(
        membership,
        actor=actor,
        allowed_from=(MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED),
        to=MembershipStatus.EXPELLED,
        reason=_require_reason(reason),
    )


@transaction.atomic
def membership_hand_over_chair(*, membership: Membership, actor, comment: str = "") -> Membership:
    """Make ``membership`` the chairman unit; the old chairman becomes a governing unit."""
    membership = _locked(membership)
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError(
            _("Only an active member can become the chairman unit."), code="illegal_transition"
        )
    if membership.role == MembershipRole.CHAIRMAN:
        raise ValidationError(
            _("This organisation is already the chairman unit."), code="illegal_transition"
        )
    # Lock the alliance's current chairman too, so two hand-overs cannot interleave.
    previous = (
        Membership.objects.select_for_update()
        .filter(
            alliance_id=membership.alliance_id,
            role=MembershipRole.CHAIRMAN,
            status=MembershipStatus.ACTIVE,
        )
        .first()
    )
    if previous is not None:
        previous.role = MembershipRole.GOVERNING
        previous.save(update_fields=["role", "updated"])
        _record(
            previous,
            actor=_actor(actor),
            from_status=previous.status,
            from_role=MembershipRole.CHAIRMAN,
            comment=comment
            or _("Chairman role handed over to %(name)s.") % {"name": membership.organization},
        )
    old_role = membership.role
    membership.role = MembershipRole.CHAIRMAN
    membership.full_clean()
    membership.save(update_fields=["role", "updated"])
    _record(
        membership,
        actor=_actor(actor),
        from_status=membership.status,
        from_role=old_role,
        comment=comment or _("Took over the chairman role."),
    )
    return membership


@transaction.atomic
def memberships_lapse(*, today: datetime.date | None = None, actor=None) -> list[Membership]:
    """Mark current memberships whose term has ended as lapsed; return them."""
    today = today or timezone.localdate()
    lapsed = []
    for membership in (
        Membership.objects.select_for_update(skip_locked=True)
        .current()
        .filter(term_end__lt=today)
        .select_related("alliance", "organization")
    ):
        previous = membership.status
        membership.status = MembershipStatus.LAPSED
        membership.save(update_fields=["status", "updated"])
        _record(
            membership,
            actor=actor,
            from_status=previous,
            comment=_("The term ended on %(date)s.") % {"date": membership.term_end.isoformat()},
        )
        lapsed.append(membership)
    return lapsed


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


def liaison(organization: Organization) -> Party:
    """An organisation to mail: its primary liaison's address, else every contact's."""
    contacts = list(organization.contacts.exclude(email=""))
    primary = [c.email for c in contacts if c.is_primary]
    return Party.of(
        organization,
        primary or [c.email for c in contacts],
        missing=_("has no contact with an e-mail address — add one."),
    )


def mailed_today(obj, *, today: datetime.date) -> bool:
    """Whether the outbox already holds a message about ``obj`` from ``today`` (so that a
    scheduled job run twice on one day mails once)."""
    return OutboxMessage.objects.filter(
        concerns_type=ContentType.objects.get_for_model(obj),
        concerns_id=obj.pk,
        created__date=today,
    ).exists()


@transaction.atomic
def memberships_remind_renewal(*, today: datetime.date, days: int = 30) -> list[tuple]:
    """Mail each member whose term ends in exactly ``days`` days; answers (membership,
    mailing) for each. Run daily: every term gets its reminder once."""
    sent = []
    due = (
        Membership.objects.current()
        .filter(term_end=today + datetime.timedelta(days=days))
        .select_related("alliance", "organization")
    )
    for membership in due:
        if mailed_today(membership, today=today):
            continue
        mailing = notify_on_commit(
            subject=_("Your membership of %(alliance)s ends on %(date)s")
            % {"alliance": membership.alliance, "date": membership.term_end.isoformat()},
            body=_(
                "The membership of %(organization)s in %(alliance)s ends on %(date)s. "
                "Please contact the alliance's secretariat to renew it.\n"
            )
            % {
                "organization": membership.organization,
                "alliance": membership.alliance,
                "date": membership.term_end.isoformat(),
            },
            to=[liaison(membership.organization)],
            concerns=membership,
        )
        sent.append((membership, mailing))
    return sent
