from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canal import dashboard
from canal.forms import CanalFilterForm
from core.exports import FORMATS, export_response
from core.views import export_or_queue
from funds.models import Investment
from members import roles
from members.choices import GOVERNING_ROLES, MembershipStatus
from members.models import Alliance, Membership, Organization
from projects.choices import Field
from projects.models import Achievement, Product, Project

PAGE_SIZE = 25


CHAIN_LABELS = {
    "innovation": gettext_lazy("Innovation chain"),
    "industrial": gettext_lazy("Industrial chain"),
    "capital": gettext_lazy("Capital chain"),
}


def _export_format(request) -> str | None:
    fmt = request.GET.get("export")
    return fmt if fmt in FORMATS else None


def _export_params(request, drop=("export", "page")) -> dict:
    """The page's query string without the export's own parameters, for a job to replay."""
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in drop:
            query.setlist(key, values)
    return {"query": query.urlencode()}


def _bars(figures):
    """Geometry of the funnel and days-per-hop charts (SVG, drawn by the template)."""
    top = max((f.count for f in figures), default=0) or 1
    longest = max((f.p90_days or 0 for f in figures), default=0) or 1
    for f in figures:
        f.width = round(100 * f.count / top, 1)
        f.median_width = round(100 * (f.median_days or 0) / longest, 1)
        f.p90_width = round(100 * (f.p90_days or 0) / longest, 1)
    return figures


def _timeline_chart(rows, keys):
    top = max((row[k] for row in rows for k in keys), default=0) or 1
    for row in rows:
        row["bars"] = [
            {"key": k, "value": row[k], "height": round(100 * row[k] / top, 1)} for k in keys
        ]
    return rows


@login_required
def canal_dashboard(request):
    """The funnel of the three chains, days per hop and a timeline; filterable."""
    if not dashboard.may_see_dashboard(request.user):
        raise PermissionDenied(_("The canal dashboard is for the secretariat and the holding."))
    form = CanalFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    figures, timeline_rows = dashboard.figures(request.user, filters)
    figures = _bars(figures)
    keys = [f.key for f in figures]
    fmt = _export_format(request)
    hop = request.GET.get("hop")
    if fmt and request.GET.get("table") == "timeline":
        rows = timeline_rows
        labels = {f.key: f.label for f in figures}
        return export_response(
            fmt,
            [_("Year"), *(labels[k] for k in keys)],
            ([row["year"], *(row[k] for k in keys)] for row in rows),
            "canal-timeline",
        )
    if fmt and not hop:
        return export_response(
            fmt,
            [
                _("Hop"),
                _("Chain"),
                _("Achievements"),
                _("Conversion"),
                _("Median days"),
                _("90th percentile days"),
            ],
            (
                [f.label, CHAIN_LABELS[f.chain], f.count, f.conversion, f.median_days, f.p90_days]
                for f in figures
            ),
            "canal-funnel",
        )
    context = {
        "form": form,
        "figures": figures,
        "timeline": _timeline_chart(timeline_rows, keys),
        "keys": keys,
        "labels": {f.key: f.label for f in figures},
        "funnel_height": 36 * len(figures) + 6,
        "days_height": 36 * (len(figures) - 1) + 6,
        "query": request.GET.urlencode(),
    }
    if hop in keys:
        page_param = request.GET.get("page", "1")
        page_number = max(1, int(page_param)) if page_param.isdigit() else 1
        if fmt:
            return _export_achievements_at(request, filters, hop, fmt)
        count, ids = dashboard.achievements_at(
            request.user, filters, hop, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
        )
        rows = (
            Achievement.objects.filter(id__in=ids)
            .select_related("organization", "alliance")
            .order_by("-id")
        )
        context.update(
            hop=hop,
            hop_label=context["labels"][hop],
            hop_count=count,
            hop_rows=rows,
            page_number=page_number,
            has_next=page_number * PAGE_SIZE < count,
        )
    return render(request, "canal/canal_dashboard.html", context)


def _export_achievements_at(request, filters, hop, fmt):
    params = {**_export_params(request, drop=("export", "page", "hop")), "hop": hop}
    return export_or_queue(request, "canal.hop", params, fmt)


def _per_alliance(queryset, field="alliance_id", **aggregates):
    return {row[field]: row for row in queryset.values(field).annotate(**aggregates)}


@login_required
def holding_overview(request):
    """Every alliance side by side, for the holding's analysts."""
    if not roles.reads_everything(request.user):
        raise PermissionDenied(_("The consolidated view is for the holding's analysts."))
    alliances = list(Alliance.objects.order_by("founded_on", "name"))
    active = Q(status=MembershipStatus.ACTIVE)
    members = _per_alliance(
        Membership.objects.filter(active),
        members=Count("id"),
        governing=Count("id", filter=Q(role__in=GOVERNING_ROLES)),
    )
    achievements = _per_alliance(
        Achievement.objects.exclude(status="draft"),
        achievements=Count("id"),
        accepted=Count("id", filter=Q(status="accepted")),
    )
    projects = _per_alliance(
        Project.objects.all(),
        field="achievement__alliance_id",
        projects=Count("id"),
        active_projects=Count("id", filter=Q(stage__in=["pilot", "industrialization", "market"])),
    )
    products = _per_alliance(
        Product.objects.all(),
        field="project__achievement__alliance_id",
        products=Count("id"),
        substituting=Count("id", filter=Q(replaces_import=True)),
    )
    investments = _per_alliance(
        Investment.objects.filter(deal__project__isnull=False),
        field="deal__project__achievement__alliance_id",
        investments=Count("id"),
        invested=Sum("amount"),
    )
    columns = [
        ("members", _("Active members")),
        ("governing", _("Governing units")),
        ("achievements", _("Achievements")),
        ("accepted", _("Accepted")),
        ("projects", _("Projects")),
        ("active_projects", _("Projects under way")),
        ("products", _("Products")),
        ("substituting", _("Replacing imports")),
        ("investments", _("Investments")),
        ("invested", _("Invested (CNY)")),
    ]
    rows = []
    for alliance in alliances:
        row = {"alliance": alliance}
        for source in (members, achievements, projects, products, investments):
            row.update(
                {k: v for k, v in source.get(alliance.pk, {}).items() if not k.endswith("_id")}
            )
        rows.append(row)
    fmt = _export_format(request)
    if fmt:
        return export_response(
            fmt,
            [_("Alliance"), *(label for _, label in columns)],
            ([row["alliance"].name, *(row.get(key) or 0 for key, _ in columns)] for row in rows),
            "alliances",
        )
    return render(request, "canal/holding.html", {"rows": rows, "columns": columns})


@login_required
def organization_roles(request):
    """Each organisation's roles across the alliances (a unit may govern one, join another)."""
    if not roles.reads_everything(request.user):
        raise PermissionDenied(_("The consolidated view is for the holding's analysts."))
    memberships = Membership.objects.filter(status=MembershipStatus.ACTIVE).select_related(
        "alliance"
    )
    organizations = (
        Organization.objects.filter(memberships__status=MembershipStatus.ACTIVE)
        .annotate(
            alliance_count=Count(
                "memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE)
            )
        )
        .prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="active_memberships")
        )
        .order_by("-alliance_count", "name")
        .distinct()
    )
    q = request.GET.get("q", "").strip()
    if q:
        organizations = organizations.filter(Q(name__icontains=q) | Q(name_en__icontains=q))
    if request.GET.get("several") == "1":
        organizations = organizations.filter(alliance_count__gt=1)
    fmt = _export_format(request)
    if fmt:
        return export_or_queue(request, "canal.organization_roles", _export_params(request), fmt)
    page = Paginator(organizations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "canal/organization_roles.html", {"page": page, "q": q})


def import_substitution(request):
    """Products that replace imports, by field and alliance, with what they replace."""
    products = (
        Product.objects.filter(replaces_import=True)
        .select_related("enterprise", "project__achievement__alliance")
        .order_by("project__achievement__field", "name")
    )
    field = request.GET.get("field")
    if field in Field.values:
        products = products.filter(project__achievement__field=field)
    alliance = request.GET.get("alliance")
    if alliance and alliance.isdigit():
        products = products.filter(project__achievement__alliance_id=int(alliance))
    fmt = _export_format(request)
    if fmt:
        return export_or_queue(request, "canal.import_substitution", _export_params(request), fmt)
    summary = (
        products.order_by()
        .values("project__achievement__field", "project__achievement__alliance__name")
        .annotate(count=Count("id"))
        .order_by("project__achievement__field", "project__achievement__alliance__name")
    )
    for row in summary:
        row["field_label"] = Field(row["project__achievement__field"]).label
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "canal/import_substitution.html",
        {
            "page": page,
            "summary": summary,
            "fields": Field.choices,
            "alliances": Alliance.objects.order_by("name"),
            "field": field,
            "alliance": alliance,
        },
    )
