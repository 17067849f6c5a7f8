from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.api.throttles import AnonymousWriteThrottle
from core.forms import apply_service, filtered
from core.idempotency import once_per_key
from core.lists import Choice, Name, Text, paginate, sort
from core.panels import render_panels
from core.throttling import throttle_posts
from members import services
from members.choices import GOVERNING_ROLES, MembershipRole, MembershipStatus, OrganizationKind
from members.filtersets import MembershipFilterSet
from members.forms import MembershipApplicationForm
from members.models import Alliance, Membership, MembershipApplication, Organization

DIRECTORY_PAGE_SIZE = 25
# ?ordering= keys of the member directory and the fields behind them.
DIRECTORY_COLUMNS = {
    "name": Name("organization__name"),
    "kind": (Choice("organization__kind", OrganizationKind.choices), Name("organization__name")),
    "city": (Text("organization__city"), Name("organization__name")),
    "role": (Choice("role", MembershipRole.choices), Name("organization__name")),
    "joined": ("joined_on", Name("organization__name")),
}


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
        request.GET or None, queryset=active.select_related("organization")
    )
    rows, sorting = sort(filtered(directory), request, DIRECTORY_COLUMNS, default="name")
    page = paginate(request, rows, DIRECTORY_PAGE_SIZE)
    return render(
        request,
        "members/alliance_detail.html",
        {
            "alliance": alliance,
            "chairman": chairman,
            "governing": governing,
            "directory": directory,
            "page": page,
            "sorting": sorting,
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
        {
            "organization": organization,
            "memberships": memberships,
            "children": children,
            "panels": render_panels("organization_detail", request, organization),
        },
    )


@throttle_posts(AnonymousWriteThrottle)
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
            _confirm_by_mail(request, application)
            request.session["application_id"] = application.pk
            return redirect(reverse("members:apply_done"))
    else:
        form = MembershipApplicationForm(initial={"alliance": alliance})
    return render(request, "members/application_form.html", {"form": form, "alliance": alliance})


def _confirm_by_mail(request, application: MembershipApplication) -> None:
    services.application_acknowledge(
        application=application,
        status_url=request.build_absolute_uri(application.get_status_url()),
    ).tell(request)


def apply_done(request):
    """The confirmation after the join form: reference number and private status link."""
    application = (
        MembershipApplication.objects.select_related("alliance")
        .filter(pk=request.session.get("application_id"))
        .first()
    )
    return render(request, "members/application_done.html", {"application": application})


def apply_status(request, token):
    """The applicant's private status page: pending, approved, or rejected with the reason."""
    application = get_object_or_404(
        MembershipApplication.objects.select_related("alliance"), status_token=token
    )
    return render(request, "members/application_status.html", {"application": application})
