"""Pages of achievements: the catalogue, an achievement, editing, review, attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import filtered, service_errors_to_form
from core.lists import Choice, Name, Text, sort
from core.paging import CappedPaginator, get_page
from members import roles
from projects import services
from projects.choices import AchievementStatus, Field
from projects.filtersets import AchievementFilterSet
from projects.forms import (
    AchievementForm,
    InventorFormSet,
    IPItemFormSet,
    ReviewForm,
)
from projects.models import Achievement, AchievementEvent, Project

PAGE_SIZE = 20

# The sortable columns of the lists (core.lists.sort): key -> fields.
MY_COLUMNS = {
    "title": Text("title"),
    "alliance": (Name("alliance__name"), "title"),
    "field": (Choice("field", Field.choices), "title"),
    "trl": ("trl", "title"),
    "status": (Choice("status", AchievementStatus.choices), "title"),
    "created": "created",
}
REVIEW_COLUMNS = {
    **MY_COLUMNS,
    "institute": (Name("organization__name"), "title"),
    "submitted": "submitted_at",
}


def _filtered_page(request, queryset):
    """The filtered achievements' page: its count capped at 10,000 ("10,000+ results"), and
    a search past that listed newest first (core.paging)."""
    filterset = AchievementFilterSet(request.GET or None, queryset=queryset, request=request)
    paginator = CappedPaginator(filtered(filterset), PAGE_SIZE)
    return filterset, paginator.get_page(request.GET.get("page"))


def catalogue(request):
    """The public catalogue of accepted, non-confidential achievements."""
    queryset = Achievement.objects.public().select_related("organization", "alliance")
    filterset, page = _filtered_page(request, queryset)
    return render(request, "projects/catalogue.html", {"filter": filterset, "page": page})


def achievement_detail(request, pk):
    achievement = get_object_or_404(
        Achievement.objects.visible_to(request.user).select_related(
            "organization", "alliance", "created_by"
        ),
        pk=pk,
    )
    confidential = achievement.confidential_visible_to(request.user)
    context = {
        "achievement": achievement,
        "confidential": confidential,
        "can_edit": Achievement.objects.editable_by(request.user).filter(pk=pk).exists(),
        "can_review": Achievement.objects.reviewable_by(request.user).filter(pk=pk).exists(),
    }
    if confidential:
        context.update(
            inventors=achievement.inventors.all(),
            ip_items=achievement.ip_items.all(),
            attachments=achievement.attachments.all(),
            events=AchievementEvent.objects.filter(achievement=achievement).select_related("actor"),
        )
    if context["can_review"]:
        context["review_form"] = ReviewForm()
    if request.user.is_authenticated:
        context["projects"] = (
            Project.objects.visible_to(request.user)
            .filter(achievement=achievement)
            .select_related("enterprise")
        )
        context["may_open_project"] = (
            Achievement.objects.openable_by(request.user).filter(pk=achievement.pk).exists()
        )
    return render(request, "projects/achievement_detail.html", context)


@login_required
def my_achievements(request):
    """The achievements of the user's organisation, every status."""
    org_id = roles.organization_id(request.user)
    if org_id is None:
        raise PermissionDenied(_("Your login is not linked to a member organisation."))
    queryset = Achievement.objects.filter(organization_id=org_id).select_related("alliance")
    queryset, sorting = sort(queryset, request, MY_COLUMNS, default="-created")
    filterset, page = _filtered_page(request, queryset)
    return render(
        request,
        "projects/my_achievements.html",
        {"filter": filterset, "page": page, "sorting": sorting},
    )


@login_required
def achievement_edit(request, pk=None):
    """Create or edit an achievement: the form, its inventors, IP items and files."""
    if pk is None:
        if roles.organization_id(request.user) is None:
            raise PermissionDenied(_("Your login is not linked to a member organisation."))
        achievement = Achievement()
    else:
        achievement = get_object_or_404(Achievement.objects.visible_to(request.user), pk=pk)
        if not Achievement.objects.editable_by(request.user).filter(pk=pk).exists():
            messages.error(request, _("This achievement can no longer be changed."))
            return redirect(achievement)
    form = AchievementForm(
        request.POST or None, request.FILES or None, instance=achievement, user=request.user
    )
    inventors = InventorFormSet(request.POST or None, instance=achievement, prefix="inventors")
    ip_items = IPItemFormSet(request.POST or None, instance=achievement, prefix="ip")
    if request.method == "POST" and all(
        [form.is_valid(), inventors.is_valid(), ip_items.is_valid()]
    ):
        try:
            with transaction.atomic():
                saved = services.achievement_save(
                    achievement=form.save(commit=False),
                    actor=request.user,
                    inventors=inventors.rows(),
                    ip_items=ip_items.rows(),
                )
                for upload in form.cleaned_data["files"]:
                    services.attachment_add(achievement=saved, actor=request.user, upload=upload)
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            if "submit" in request.POST:
                return _submit(request, saved)
            messages.success(request, _("Saved as a draft."))
            return redirect("projects:achievement_edit", pk=saved.pk)
    return render(
        request,
        "projects/achievement_form.html",
        {
            "form": form,
            "inventors": inventors,
            "ip_items": ip_items,
            "achievement": achievement if achievement.pk else None,
            "attachments": achievement.attachments.all() if achievement.pk else [],
        },
    )


def _submit(request, achievement):
    try:
        achievement = services.achievement_submit(achievement=achievement, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        messages.warning(request, _("Saved as a draft, but not submitted yet."))
        return redirect("projects:achievement_edit", pk=achievement.pk)
    messages.success(request, _("Submitted for review."))
    achievement.mailing.tell(request)
    return redirect(achievement)


@login_required
@require_POST
def achievement_delete(request, pk):
    achievement = get_object_or_404(Achievement.objects.editable_by(request.user), pk=pk)
    try:
        services.achievement_delete(achievement=achievement, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(achievement)
    messages.success(request, _("The draft was deleted."))
    return redirect("projects:mine")


@login_required
@require_POST
def attachment_delete(request, pk, attachment):
    achievement = get_object_or_404(Achievement.objects.editable_by(request.user), pk=pk)
    item = get_object_or_404(achievement.attachments, pk=attachment)
    services.attachment_remove(attachment=item, actor=request.user)
    messages.success(request, _("The file was removed."))
    return redirect("projects:achievement_edit", pk=pk)


def attachment_download(request, pk, attachment):
    """Files are served only to those who may see the confidential part."""
    achievement = get_object_or_404(Achievement.objects.visible_to(request.user), pk=pk)
    if not achievement.confidential_visible_to(request.user):
        raise Http404
    item = get_object_or_404(achievement.attachments, pk=attachment)
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def review_queue(request):
    """The secretariat's list: achievements of its alliances, submitted ones first."""
    if not (roles.is_secretariat(request.user) or request.user.is_superuser):
        raise PermissionDenied
    queryset = (
        Achievement.objects.visible_to(request.user)
        .exclude(status=AchievementStatus.DRAFT)
        .select_related("organization", "alliance")
    )
    queryset, sorting = sort(queryset, request, REVIEW_COLUMNS, default="submitted")
    if not request.user.is_superuser:
        queryset = queryset.filter(alliance_id__in=roles.served_alliance_ids(request.user))
    params = request.GET.copy()
    if "status" not in params:
        params.setlist("status", [AchievementStatus.SUBMITTED])
    filterset = AchievementFilterSet(params, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset
    page = get_page(request, rows, PAGE_SIZE)
    return render(
        request,
        "projects/review_queue.html",
        {
            "filter": filterset,
            "page": page,
            "status": params.get("status"),
            "sorting": sorting,
        },
    )


@login_required
@require_POST
def achievement_review(request, pk):
    achievement = get_object_or_404(Achievement.objects.visible_to(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect(achievement)
    service = {
        "accept": services.achievement_accept,
        "return": services.achievement_return,
        "reject": services.achievement_reject,
    }[form.cleaned_data["decision"]]
    try:
        decided = service(
            achievement=achievement, actor=request.user, comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Decision recorded."))
        decided.mailing.tell(request)
    return redirect(achievement)
