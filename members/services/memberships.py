"""State changes of memberships: save, withdraw, suspend, reinstate, expel, hand the
chair over, lapse."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.choices import MembershipRole, MembershipStatus
from members.models import (
    Alliance,
    Membership,
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
