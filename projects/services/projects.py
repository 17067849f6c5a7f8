"""State changes of projects, their milestones and products, and the overdue digest."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify import notify_on_commit
from core.stages import check_move
from members.services import liaison, mailed_today
from projects import hops
from projects.choices import REASONED_STAGES, ProjectStage
from projects.models import (
    Achievement,
    Milestone,
    Product,
    Project,
    ProjectEvent,
)

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
    _check_not_before_acceptance(project)
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
    if project.pilot_started_on:
        hops.mark(project.achievement_id, "pilot", project.pilot_started_on)
    return project


def _check_not_before_acceptance(project: Project) -> None:
    """No project (nor any of its stages) is dated before its achievement was accepted, nor
    starts in the future (tried as an outsider: a project started in 2099 could then never
    move, each move being dated before its start)."""
    if project.started_on and project.started_on > timezone.localdate():
        raise ValidationError(
            {"started_on": _("A project cannot start in the future.")}, code="future_start"
        )
    accepted = hops.row(project.achievement).get("accepted")
    dates = [project.started_on, *(getattr(project, f) for f in STAGE_DATES.values())]
    if accepted and min(d for d in dates if d) < accepted:
        raise ValidationError(
            {
                "started_on": _(
                    "A project cannot start before its achievement was accepted (on %(date)s)."
                )
                % {"date": accepted.isoformat()}
            },
            code="before_acceptance",
        )


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
    _check_not_before_acceptance(project)
    project.save()
    if stage in hops.KEYS:
        hops.mark(project.achievement_id, stage, getattr(project, date_field))
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
    if milestone.done_on and project.started_on and milestone.done_on < project.started_on:
        # Tried as an outsider: a milestone done in 1950 on a project started this year.
        raise ValidationError(
            {
                "done_on": _("A milestone cannot be done before its project started (%(date)s).")
                % {"date": project.started_on.isoformat()}
            }
        )
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
    """Record a product of a project; made by the project's enterprise unless said, and
    then by an organisation of its group (its parent group or a subsidiary): not by any
    organisation of the portal (tried as an outsider: a product published under the
    holding's name). A terminated project makes no new product."""
    project = Project.objects.select_related("achievement", "enterprise").get(pk=product.project_id)
    _check_project_runner(project, actor)
    if not product.enterprise_id:
        product.enterprise_id = project.enterprise_id
    enterprise = project.enterprise
    group = {enterprise.pk, enterprise.parent_id} | set(
        enterprise.children.values_list("pk", flat=True)
    )
    if product.enterprise_id not in group - {None}:
        raise ValidationError(
            {
                "enterprise": _(
                    "A product is made by the project's enterprise or an organisation of "
                    "its group (its parent or a subsidiary)."
                )
            }
        )
    if product._state.adding and project.stage == ProjectStage.TERMINATED:
        raise ValidationError(_("A terminated project makes no new product."))
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
