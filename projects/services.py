"""State changes of achievements (and, later, projects).

Every write goes through here, from the portal forms, the admin and the API alike: the
function checks who may do it, the current status, the data, then saves and records.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify import Party, notify_on_commit
from core.stages import check_move
from members import roles
from members.models import Membership
from members.services import liaison, mailed_today
from projects.choices import EDITABLE_STATUSES, REASONED_STAGES, AchievementStatus, ProjectStage
from projects.files import validate_attachment
from projects.models import (
    Achievement,
    AchievementEvent,
    Attachment,
    Inventor,
    IPItem,
    Milestone,
    Product,
    Project,
    ProjectEvent,
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


# --- Projects, milestones, products ---------------------------------------------------------


# The project date each stage sets when it is first reached.
STAGE_DATES = {
    ProjectStage.PILOT: "pilot_started_on",
    ProjectStage.INDUSTRIALIZATION: "industrialization_started_on",
    ProjectStage.MARKET: "market_launched_on",
    ProjectStage.COMPLETED: "completed_on",
}


def _check_project_runner(project: Project, actor) -> None:
    """``Project.objects.runnable_by``: the alliance's secretariat or the enterprise."""
    if not Project.objects.runnable_by(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(
            _(
                "Only the alliance's secretariat or the industrializing enterprise runs "
                "this project."
            )
        )


def _at_date(day: datetime.date) -> datetime.datetime:
    """The moment recorded for a move dated ``day``: now if today, else noon of that day."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@transaction.atomic
def project_save(*, project: Project, actor) -> Project:
    """Open a project from an accepted achievement, or edit its plan (not its stage)."""
    creating = project.pk is None
    if creating:
        project.stage = ProjectStage.PILOT
        project.started_on = project.started_on or timezone.localdate()
        project.pilot_started_on = project.started_on
        project.created_by = actor
        if not project.title and project.achievement_id:
            project.title = project.achievement.title
    else:
        current = Project.objects.select_for_update().get(pk=project.pk)
        for field in ("stage", "stage_reason", "resume_stage", *STAGE_DATES.values()):
            setattr(project, field, getattr(current, field))
        _check_project_runner(current, actor)
    project.full_clean()  # the achievement is accepted, the organisations are members
    if creating and not (
        Achievement.objects.openable_by(actor).filter(pk=project.achievement_id).exists()
    ):
        raise PermissionDenied(
            _(
                "A project is opened by the alliance's secretariat or by a member "
                "enterprise of the alliance."
            )
        )
    project.save()
    # Checked on the row as saved, inside the transaction: nobody opens (or moves) a
    # project into the hands of an enterprise they do not act for.
    _check_project_runner(project, actor)
    if creating:
        ProjectEvent.objects.create(
            project=project,
            from_status="",
            to_status=project.stage,
            actor=actor,
            at=_at_date(project.started_on),
        )
    return project


@transaction.atomic
def project_move(
    *, project: Project, actor, stage: str, comment: str = "", on: datetime.date | None = None
) -> Project:
    """Move a project to its next stage, on hold or terminated, by legal moves only."""
    project = Project.objects.select_for_update().select_related("achievement").get(pk=project.pk)
    _check_project_runner(project, actor)
    comment = check_move(
        project,
        stage,
        comment,
        choices=ProjectStage,
        reasoned=REASONED_STAGES,
        refusal=_("A project in “%(current)s” cannot move to “%(target)s”."),
    )
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("A move cannot be dated in the future.")})
    last = project.events.order_by("-at").values_list("at", flat=True).first()
    if last is not None and on < timezone.localtime(last).date():
        raise ValidationError({"on": _("A move cannot be dated before the previous one.")})
    previous = project.stage
    if stage == ProjectStage.ON_HOLD:
        project.resume_stage = previous
        project.stage_reason = comment
    elif stage == ProjectStage.TERMINATED:
        project.stage_reason = comment
    else:
        project.resume_stage = ""
        project.stage_reason = ""
    project.stage = stage
    date_field = STAGE_DATES.get(stage)
    if date_field and getattr(project, date_field) is None:
        setattr(project, date_field, on)
    project.full_clean()
    project.save()
    ProjectEvent.objects.create(
        project=project,
        from_status=previous,
        to_status=stage,
        actor=actor,
        comment=comment,
        at=_at_date(on),
    )
    return project


def _check_milestone_editor(project: Project, actor) -> None:
    if not Project.objects.milestones_editable_by(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(
            _(
                "Only the project's enterprise, its pilot organisation or the secretariat "
                "updates its milestones."
            )
        )


@transaction.atomic
def milestone_save(*, milestone: Milestone, actor) -> Milestone:
    project = Project.objects.select_related("achievement").get(pk=milestone.project_id)
    _check_milestone_editor(project, actor)
    if milestone.pk:
        current = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if current.project_id != milestone.project_id:
            raise ValidationError({"project": _("A milestone stays with its project.")})
    if milestone.done_on and milestone.done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A milestone cannot be done in the future.")})
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_mark_done(
    *, milestone: Milestone, actor, on: datetime.date | None = None
) -> Milestone:
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_on is not None:
        raise ValidationError(_("This milestone is already done."), code="illegal_transition")
    milestone.done_on = on or timezone.localdate()
    return milestone_save(milestone=milestone, actor=actor)


@transaction.atomic
def product_save(*, product: Product, actor) -> Product:
    """Record a product of a project; made by the project's enterprise unless said."""
    project = Project.objects.select_related("achievement").get(pk=product.project_id)
    _check_project_runner(project, actor)
    if not product.enterprise_id:
        product.enterprise_id = project.enterprise_id
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def milestones_mail_overdue_digest(*, today: datetime.date) -> list[tuple]:
    """Mail each project's enterprise and pilot centre the list of its overdue milestones;
    answers (project, mailing) for each project with any. Run weekly."""
    overdue = (
        Milestone.objects.overdue(today)
        .select_related("project__enterprise", "project__pilot_organization")
        .order_by("project_id", "due_on", "id")
    )
    by_project: dict[int, list[Milestone]] = {}
    for milestone in overdue:
        by_project.setdefault(milestone.project_id, []).append(milestone)
    digests = []
    for milestones in by_project.values():
        project = milestones[0].project
        if mailed_today(project, today=today):
            continue
        parties = [liaison(project.enterprise)]
        if project.pilot_organization_id and project.pilot_organization_id != project.enterprise_id:
            parties.append(liaison(project.pilot_organization))
        lines = "\n".join(
            f"- {m.title}: "
            + _("due on %(date)s, %(days)d days overdue")
            % {"date": m.due_on.isoformat(), "days": (today - m.due_on).days}
            for m in milestones
        )
        mailing = notify_on_commit(
            subject=_("Overdue milestones of %(project)s") % {"project": project},
            body=_("These milestones of %(project)s are overdue:\n\n%(lines)s\n\n%(link)s\n")
            % {"project": project, "lines": lines, "link": project.get_absolute_url()},
            to=parties,
            concerns=project,
        )
        digests.append((project, mailing))
    return digests
