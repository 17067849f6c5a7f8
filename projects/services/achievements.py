"""State changes of achievements: drafts, submission, review, attachments."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify import Party, notify_on_commit
from members import roles
from members.models import Membership
from projects import hops
from projects.choices import EDITABLE_STATUSES, AchievementStatus
from projects.files import validate_attachment
from projects.models import (
    Achievement,
    AchievementEvent,
    Attachment,
    Inventor,
    IPItem,
)
from projects.validators import validate_inventors


def _record(achievement: Achievement, *, actor, from_status: str, comment: str = ""):
    return AchievementEvent.objects.create(
        achievement=achievement,
        from_status=from_status,
        to_status=achievement.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        comment=comment,
    )


def _check_owner(achievement: Achievement, actor) -> None:
    if actor.is_superuser:
        return
    if roles.organization_id(actor) != achievement.organization_id:
        raise PermissionDenied(_("Only the owning organisation may change this achievement."))


def _check_alliance_member(achievement: Achievement) -> None:
    if not Membership.objects.filter(
        alliance_id=achievement.alliance_id,
        organization_id=achievement.organization_id,
        status="active",
    ).exists():
        raise ValidationError(
            {"alliance": _("The owner is not an active member of this alliance.")},
            code="not_member",
        )


@transaction.atomic
def achievement_save(
    *,
    achievement: Achievement,
    actor,
    inventors: list[dict] | None = None,
    ip_items: list[dict] | None = None,
) -> Achievement:
    """Create or edit an achievement with its inventors and IP items (None: keep them)."""
    creating = achievement.pk is None
    if creating:
        if not actor.is_superuser:
            org_id = roles.organization_id(actor)
            if org_id is None:
                raise PermissionDenied(_("Only a user of a member organisation may submit."))
            if achievement.organization_id is None:
                achievement.organization_id = org_id
        achievement.status = AchievementStatus.DRAFT
        achievement.created_by = actor
    else:
        current = Achievement.objects.select_for_update().get(pk=achievement.pk)
        if current.status not in EDITABLE_STATUSES:
            raise ValidationError(
                _("A %(status)s achievement can no longer be changed.")
                % {"status": current.get_status_display()},
                code="locked",
            )
        achievement.status = current.status
        achievement.organization_id = current.organization_id
    _check_owner(achievement, actor)
    _check_alliance_member(achievement)
    # Each form of cooperation once, in the order given (the API took duplicates).
    achievement.cooperation = list(dict.fromkeys(achievement.cooperation or []))
    if inventors is not None:
        try:
            validate_inventors(inventors)
        except ValidationError as error:
            raise ValidationError({"inventors": error.messages}) from error
    achievement.full_clean()
    achievement.save()
    if inventors is not None:
        achievement.inventors.all().delete()
        rows = [Inventor(achievement=achievement, **row) for row in inventors]
        for row in rows:
            row.full_clean(exclude=["achievement"])
        Inventor.objects.bulk_create(rows)
    if ip_items is not None:
        achievement.ip_items.all().delete()
        rows = [IPItem(achievement=achievement, **row) for row in ip_items]
        numbers = [row.number.strip() for row in rows]
        if len(set(numbers)) != len(numbers):
            raise ValidationError({"ip_items": [_("Each patent number is listed once.")]})
        for row in rows:
            row.full_clean(exclude=["achievement"])
            if row.filed_on and row.filed_on > timezone.localdate():
                # As the form says: a patent is filed on a past day (the API took 2099).
                raise ValidationError({"ip_items": [_("A patent cannot be filed in the future.")]})
        IPItem.objects.bulk_create(rows)
    if creating:
        _record(achievement, actor=actor, from_status="")
    return achievement


@transaction.atomic
def attachment_add(*, achievement: Achievement, actor, upload) -> Attachment:
    """Attach a file to an achievement its owner may still change."""
    achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    _check_owner(achievement, actor)
    if not achievement.is_editable:
        raise ValidationError(_("Files can be added only while the achievement is editable."))
    content_type = validate_attachment(upload)
    return Attachment.objects.create(
        achievement=achievement,
        file=upload,
        name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor) -> None:
    achievement = Achievement.objects.select_for_update().get(pk=attachment.achievement_id)
    _check_owner(achievement, actor)
    if not achievement.is_editable:
        raise ValidationError(_("Files can be removed only while the achievement is editable."))
    # The stored file goes once the row is really gone.
    transaction.on_commit(lambda: attachment.file.delete(save=False))
    attachment.delete()


def _locked(achievement: Achievement) -> Achievement:
    return Achievement.objects.select_for_update().get(pk=achievement.pk)


def _guard(achievement: Achievement, *allowed: str) -> None:
    if achievement.status not in allowed:
        raise ValidationError(
            _("A %(status)s achievement cannot make this move.")
            % {"status": achievement.get_status_display()},
            code="illegal_transition",
        )


def _owner(achievement: Achievement) -> Party:
    """The submitting organisation: its contacts with a login, and whoever created it."""
    addresses = list(
        achievement.organization.contacts.exclude(user=None).values_list("user__email", flat=True)
    )
    if achievement.created_by_id:
        addresses.append(achievement.created_by.email)
    return Party.of(
        achievement.organization,
        sorted(a for a in addresses if a),
        missing=_("has no contact with a login and an e-mail address — add one."),
    )


def _secretariat(achievement: Achievement) -> Party:
    users = get_user_model().objects.filter(served_alliances=achievement.alliance_id)
    return Party.of(
        _("The secretariat of %(alliance)s") % {"alliance": achievement.alliance},
        sorted(email for email in users.values_list("email", flat=True) if email),
        missing=_("has no login with an e-mail address — add one to a secretariat user."),
    )


def _link(achievement: Achievement) -> str:
    return reverse("projects:achievement", kwargs={"pk": achievement.pk})


@transaction.atomic
def achievement_submit(*, achievement: Achievement, actor, comment: str = "") -> Achievement:
    """The owner submits a draft (or a revised, returned one) for review."""
    achievement = _locked(achievement)
    _check_owner(achievement, actor)
    _guard(achievement, *EDITABLE_STATUSES)
    _check_alliance_member(achievement)
    missing = {}
    if achievement.trl is None:
        missing["trl"] = [_("Give the technology readiness level before submitting.")]
    if not achievement.trl_justification.strip():
        missing["trl_justification"] = [_("Say why this readiness level before submitting.")]
    if not achievement.inventors.exists():
        missing["inventors"] = [_("List the inventors before submitting.")]
    if missing:
        raise ValidationError(missing, code="incomplete")
    validate_inventors(list(achievement.inventors.values("name", "share")))
    previous = achievement.status
    achievement.status = AchievementStatus.SUBMITTED
    achievement.submitted_at = timezone.now()
    achievement.save(update_fields=["status", "submitted_at", "updated"])
    _record(achievement, actor=actor, from_status=previous, comment=comment)
    hops.mark(achievement.pk, "submitted", achievement.submitted_at)
    achievement.mailing = notify_on_commit(
        subject=_("Achievement submitted for review: %(title)s") % {"title": achievement.title},
        body=_("%(organization)s submitted “%(title)s” to %(alliance)s for review: %(link)s")
        % {
            "organization": achievement.organization,
            "title": achievement.title,
            "alliance": achievement.alliance,
            "link": _link(achievement),
        },
        to=[_secretariat(achievement)],
        concerns=achievement,
    )
    return achievement


def _check_reviewer(achievement: Achievement, actor) -> None:
    if not Achievement.objects.reviewed_by(actor).filter(pk=achievement.pk).exists():
        raise PermissionDenied(_("Only the alliance's secretariat reviews its achievements."))


def _decide(
    achievement: Achievement, *, actor, to: str, comment: str, subject: str, body: str
) -> Achievement:
    achievement = _locked(achievement)
    _check_reviewer(achievement, actor)
    _guard(achievement, AchievementStatus.SUBMITTED)
    previous = achievement.status
    achievement.status = to
    achievement.review_comment = comment
    achievement.decided_at = timezone.now() if to != AchievementStatus.RETURNED else None
    achievement.save(update_fields=["status", "review_comment", "decided_at", "updated"])
    _record(achievement, actor=actor, from_status=previous, comment=comment)
    if to == AchievementStatus.ACCEPTED:
        hops.mark(achievement.pk, "accepted", achievement.decided_at)
    achievement.mailing = notify_on_commit(
        subject=subject % {"title": achievement.title},
        body=body
        % {"title": achievement.title, "comment": comment or "—", "link": _link(achievement)},
        to=[_owner(achievement)],
        concerns=achievement,
    )
    return achievement


def _require_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("Give the comment the submitter will see.")]})
    return comment


@transaction.atomic
def achievement_accept(*, achievement: Achievement, actor, comment: str = "") -> Achievement:
    return _decide(
        achievement,
        actor=actor,
        to=AchievementStatus.ACCEPTED,
        comment=(comment or "").strip(),
        subject=_("Achievement accepted: %(title)s"),
        body=_("“%(title)s” was accepted.\n\nComment: %(comment)s\n\n%(link)s"),
    )


@transaction.atomic
def achievement_return(*, achievement: Achievement, actor, comment: str = "") -> Achievement:
    return _decide(
        achievement,
        actor=actor,
        to=AchievementStatus.RETURNED,
        comment=_require_comment(comment),
        subject=_("Achievement returned for revision: %(title)s"),
        body=_(
            "“%(title)s” was returned for revision.\n\nThe reviewer's comment: %(comment)s\n\n"
            "Revise it and submit it again: %(link)s"
        ),
    )


@transaction.atomic
def achievement_reject(*, achievement: Achievement, actor, comment: str = "") -> Achievement:
    return _decide(
        achievement,
        actor=actor,
        to=AchievementStatus.REJECTED,
        comment=_require_comment(comment),
        subject=_("Achievement rejected: %(title)s"),
        body=_("“%(title)s” was rejected.\n\nReason: %(comment)s\n\n%(link)s"),
    )


@transaction.atomic
def achievement_delete(*, achievement: Achievement, actor) -> None:
    """The owner deletes a draft that was never submitted."""
    achievement = _locked(achievement)
    _check_owner(achievement, actor)
    _guard(achievement, AchievementStatus.DRAFT)
    for attachment in achievement.attachments.all():
        transaction.on_commit(lambda a=attachment: a.file.delete(save=False))
    achievement.delete()
