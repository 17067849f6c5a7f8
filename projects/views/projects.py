"""Pages of projects: the list, opening one, its page and what is recorded on it, the
canal thread."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.canal import achievement_thread
from core.forms import apply_service, filtered
from core.lists import Choice, Name, Text, sort
from core.paging import get_page
from core.panels import render_panels
from members import roles
from projects import services
from projects.choices import ProjectStage
from projects.filtersets import ProjectFilterSet
from projects.forms import (
    MilestoneForm,
    MoveForm,
    ProductForm,
    ProjectForm,
)
from projects.models import Achievement, Milestone, Project, ProjectEvent
from projects.views.achievements import (
    PAGE_SIZE,
)

# --- Projects, milestones, products, the canal ------------------------------------------

# The sortable columns of the lists (core.lists.sort): key -> fields.
PROJECT_COLUMNS = {
    "title": Text("title"),
    "alliance": (Name("achievement__alliance__name"), "title"),
    "enterprise": (Name("enterprise__name"), "title"),
    "stage": (Choice("stage", ProjectStage.choices), "title"),
    "started": "started_on",
    "overdue": ("overdue_count", "started_on"),
}
OVERDUE_COLUMNS = {
    "title": (Text("title"), "due_on"),
    "due": "due_on",
    "project": (Text("project__title"), "due_on"),
    "enterprise": (Name("project__enterprise__name"), "due_on"),
    "alliance": (Name("project__achievement__alliance__name"), "due_on"),
}


@login_required
def project_list(request):
    queryset = (
        Project.objects.visible_to(request.user)
        .select_related("achievement__alliance", "enterprise", "pilot_organization")
        .with_overdue()
    )
    filterset = ProjectFilterSet(request.GET or None, queryset=queryset)
    rows, sorting = sort(filtered(filterset), request, PROJECT_COLUMNS, default="-started")
    page = get_page(request, rows, PAGE_SIZE)
    return render(
        request,
        "projects/project_list.html",
        {"filter": filterset, "page": page, "sorting": sorting},
    )


@login_required
def project_create(request, achievement_pk):
    achievement = get_object_or_404(
        Achievement.objects.visible_to(request.user).select_related("alliance"), pk=achievement_pk
    )
    if not Achievement.objects.openable_by(request.user).filter(pk=achievement.pk).exists():
        raise PermissionDenied(_("You cannot open a project from this achievement."))
    initial = {"title": achievement.title}
    org_id = roles.organization_id(request.user)
    if org_id and not roles.is_secretariat(request.user):
        initial["enterprise"] = org_id
    form = ProjectForm(request.POST or None, achievement=achievement, initial=initial)
    if request.method == "POST" and (
        project := apply_service(
            request,
            form,
            lambda data: services.project_save(project=form.save(commit=False), actor=request.user),
            _("The project was opened in the pilot stage."),
        )
    ):
        return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "achievement": achievement})


def _project_or_404(request, pk):
    return get_object_or_404(
        Project.objects.visible_to(request.user).select_related(
            "achievement__alliance", "achievement__organization", "enterprise", "pilot_organization"
        ),
        pk=pk,
    )


@login_required
def project_detail(request, pk, move_form=None, milestone_form=None, product_form=None):
    project = _project_or_404(request, pk)
    runs = Project.objects.runnable_by(request.user).filter(pk=pk).exists()
    context = {
        "project": project,
        "events": ProjectEvent.objects.filter(project=project).select_related("actor"),
        "milestones": project.milestones.select_related("owner_organization"),
        "products": project.products.select_related("enterprise"),
        "runs": runs,
        "edits_milestones": Project.objects.milestones_editable_by(request.user)
        .filter(pk=pk)
        .exists(),
    }
    if runs and project.legal_moves:
        context["move_form"] = move_form or MoveForm(project=project)
    if context["edits_milestones"]:
        context["milestone_form"] = milestone_form or MilestoneForm(project=project)
    if runs:
        context["product_form"] = product_form or ProductForm(project=project)
    # Sections of the apps above this one (the funds' deal flow).
    context["panels"] = render_panels("project_detail", request, project)
    forms_back = (move_form, milestone_form, product_form)
    status = 400 if any(f is not None for f in forms_back) else 200
    return render(request, "projects/project_detail.html", context, status=status)


@login_required
@require_POST
def project_move(request, pk):
    project = _project_or_404(request, pk)
    form = MoveForm(request.POST, project=project)
    if apply_service(
        request,
        form,
        lambda data: services.project_move(project=project, actor=request.user, **data),
        _("The project moved on."),
    ):
        return redirect(project)
    return project_detail(request, pk, move_form=form)


@login_required
@require_POST
def milestone_add(request, pk):
    project = _project_or_404(request, pk)
    form = MilestoneForm(request.POST, project=project)
    if apply_service(
        request,
        form,
        lambda data: services.milestone_save(milestone=form.save(commit=False), actor=request.user),
        _("Milestone added."),
    ):
        return redirect(project)
    return project_detail(request, pk, milestone_form=form)


@login_required
@require_POST
def milestone_done(request, pk, milestone):
    project = _project_or_404(request, pk)
    item = get_object_or_404(project.milestones, pk=milestone)
    try:
        services.milestone_mark_done(milestone=item, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Milestone marked done."))
    return redirect(project)


@login_required
@require_POST
def product_add(request, pk):
    project = _project_or_404(request, pk)
    form = ProductForm(request.POST, project=project)
    if apply_service(
        request,
        form,
        lambda data: services.product_save(product=form.save(commit=False), actor=request.user),
        _("Product added."),
    ):
        return redirect(project)
    return project_detail(request, pk, product_form=form)


@login_required
def overdue_milestones(request):
    """The secretariat's list of overdue milestones across its alliances' projects."""
    milestones = (
        Milestone.objects.visible_to(request.user)
        .overdue()
        .select_related(
            "project__enterprise", "project__achievement__alliance", "owner_organization"
        )
    )
    rows, sorting = sort(milestones, request, OVERDUE_COLUMNS, default="due")
    page = get_page(request, rows, PAGE_SIZE)
    return render(request, "projects/overdue_milestones.html", {"page": page, "sorting": sorting})


@login_required
def achievement_canal(request, pk):
    achievement = get_object_or_404(
        Achievement.objects.visible_to(request.user).select_related("organization", "alliance"),
        pk=pk,
    )
    return render(
        request,
        "projects/canal.html",
        {"achievement": achievement, "hops": achievement_thread(achievement, request.user)},
    )
