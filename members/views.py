from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.forms import apply_service, filtered
from core.idempotency import once_per_key
from members import services
from members.choices import GOVERNING_ROLES, MembershipRole, MembershipStatus, OrganizationKind
from members.filtersets import MembershipFilterSet
from members.forms import MembershipApplicationForm
from members.models import Alliance, Membership, Organization

DIRECTORY_PAGE_SIZE = 25


def _active(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": MembershipStatus.ACTIVE})


def home(request):
    """The alliances with their chairman unit and member counts."""
    # GROUP BY queries ignore Meta.ordering: order explicitly.
    alliances = (
        Alliance.objects.order_by("founded_on", "name")
        .annotate(
            member_count=Count("memberships", filter=_active("memberships__")),
            governing_count=Count(
                "memberships",
                filter=_active("memberships__") & Q(memberships__role__in=GOVERNING_ROLES),
            ),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(
                    role=MembershipRole.CHAIRMAN, status=MembershipStatus.ACTIVE
                ).select_related("organization"),
                to_attr="chairman_memberships",
            )
        )
    )
    totals = Membership.objects.filter(status=MembershipStatus.ACTIVE).aggregate(
        organizations=Count("organization", distinct=True)
    )
    return render(
        request,
        "members/home.html",
        {"alliances": alliances, "organization_total": totals["organizations"]},
    )


def alliance_detail(request, slug):
    """An alliance: chairman unit, governing units and the searchable member directory."""
    alliance = get_object_or_404(Alliance, slug=slug)
    active = Membership.objects.filter(alliance=alliance, status=MembershipStatus.ACTIVE)
    council = list(
        active.filter(role__in=GOVERNING_ROLES)
        .select_related("organization")
        .order_by("role", "organization__name")
    )
    chairman = next((m for m in council if m.role == MembershipRole.CHAIRMAN), None)
    governing = [m for m in council if m.role != MembershipRole.CHAIRMAN]
    directory = MembershipFilterSet(
        request.GET or None,
        queryset=active.select_related("organization").order_by("organization__name"),
    )
    page = Paginator(filtered(directory), DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/alliance_detail.html",
        {
            "alliance": alliance,
            "chairman": chairman,
            "governing": governing,
            "directory": directory,
            "page": page,
            "q": request.GET.get("q", ""),
            "kinds": OrganizationKind.choices,
            "kind": request.GET.get("kind", ""),
        },
    )


def organization_detail(request, pk):
    organization = get_object_or_404(
        Organization.objects.visible_to(request.user).select_related("parent"), pk=pk
    )
    memberships = (
        Membership.objects.visible_to(request.user)
        .filter(organization=organization)
        .select_related("alliance")
        .order_by("alliance__name")
    )
    children = Organization.objects.in_directory().filter(parent=organization)
    return render(
        request,
        "members/organization_detail.html",
        {"organization": organization, "memberships": memberships, "children": children},
    )


@once_per_key
def apply(request, slug=None):
    """The public "join the alliance" form."""
    alliance = get_object_or_404(Alliance, slug=slug) if slug else None
    if request.method == "POST":
        form = MembershipApplicationForm(request.POST)
        application = apply_service(
            request,
            form,
            lambda data: services.application_submit(application=form.save(commit=False)),
            _("Your application was received."),
        )
        if application:
            request.session["application_id"] = application.pk
            return redirect(reverse("members:apply_done"))
    else:
        form = MembershipApplicationForm(initial={"alliance": alliance})
    return render(request, "members/application_form.html", {"form": form, "alliance": alliance})


def apply_done(request):
    return render(
        request,
        "members/application_done.html",
        {"message": _("Thank you. The alliance's secretariat will review your application.")},
    )
