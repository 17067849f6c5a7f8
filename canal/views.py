from html import escape

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, Sum
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import render
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from canal import dashboard, sankey
from canal.exports import SUBSTITUTION_COLUMNS, SUBSTITUTION_ORDER
from canal.forms import CanalFilterForm, ImportSubstitutionFilterForm
from core.canal import CHAINS
from core.exports import FORMATS, export_response
from core.forms import SearchForm
from core.lists import Choice, Name, sort, sort_rows
from core.money import money_short
from core.paging import get_page, page_number
from core.templatetags.names import named
from core.views import export_or_queue
from funds.models import Investment
from members import roles
from members.choices import GOVERNING_ROLES, MembershipStatus, OrganizationKind
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
    """Geometry of the days-per-hop chart (SVG, drawn by the template)."""
    longest = max((f.p90_days or 0 for f in figures), default=0) or 1
    for f in figures:
        f.median_width = round(100 * (f.median_days or 0) / longest, 1)
        f.p90_width = round(100 * (f.p90_days or 0) / longest, 1)
    return figures


def _timeline_chart(rows, keys, labels):
    top = max((row[k] for row in rows for k in keys), default=0) or 1
    for row in rows:
        row["bars"] = [
            {"key": k, "label": labels[k], "value": row[k], "height": round(100 * row[k] / top)}
            for k in keys
        ]
    return rows


def _timeline_html(rows) -> dict[str, SafeString]:
    """The timeline's chart and its table's rows, written at once (a year's eight bars and
    cells through template loops cost most of the page's rendering); the numbers are
    localized and the texts escaped as the template would."""
    number = _localizer()
    chart, table = [], []
    for row in rows:
        year = number(row["year"])
        chart.append('<div class="year"><div class="year-bars">')
        chart.extend(
            f'<span class="vbar hop-{escape(bar["key"])} h{number(bar["height"])}" '
            f'title="{escape(bar["label"])} {year}: {number(bar["value"])}"></span>'
            for bar in row["bars"]
        )
        chart.append(f'</div><div class="year-label">{year}</div></div>')
        table.append(f"<tr><td>{year}</td>")
        table.extend(f"<td>{number(bar['value'])}</td>" for bar in row["bars"])
        table.append("</tr>")
    if not rows:
        table.append('<tr><td colspan="9" class="muted">—</td></tr>')
    return {"chart": mark_safe("".join(chart)), "rows": mark_safe("".join(table))}


def _localizer():
    """``{{ value }}`` of a number in a template (``formats.localize``, escaped), each value
    formatted once."""
    seen: dict = {}

    def number(value) -> str:
        text = seen.get(value)
        if text is None:
            text = seen[value] = escape(str(formats.localize(value)))
        return text

    return number


def _select(name: str, label, empty_label, rows, value) -> str:
    """A filter's <select>, written at once: hundreds of organisations through the form
    widget's per-option templates (or ``format_html`` per option) would cost more than the
    dashboard's figures. ``html.escape`` is what ``django.utils.html.escape`` applies."""
    chosen = str(value or "")
    options = "".join(
        f'<option value="{escape(str(pk))}"{" selected" if str(pk) == chosen else ""}>'
        f"{escape(str(text))}</option>"
        for pk, text in rows
    )
    return mark_safe(
        f'<select name="{escape(name)}" aria-label="{escape(str(label))}">'
        f'<option value="">{escape(str(empty_label))}</option>{options}</select>'
    )


def _filter_selects(form) -> dict[str, str]:
    selects = {}
    for name in ("alliance", "organization"):
        field = form.fields[name]
        rows = field.queryset.order_by("name").values_list("pk", named("name"))
        selects[name] = _select(name, field.label, field.empty_label, rows, form[name].value())
    return selects


def _hop_param(request, name, keys):
    value = request.GET.get(name)
    return value if value in keys else None


@login_required
def canal_dashboard(request):
    """The canal as a flow diagram, days per hop and a timeline, with their tables."""
    if not dashboard.may_see_dashboard(request.user):
        raise PermissionDenied(_("The canal dashboard is for the secretariat and the holding."))
    form = CanalFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    figures, timeline_rows = dashboard.figures(request.user, filters)
    figures = _bars(figures)
    keys = [f.key for f in figures]
    labels = {f.key: f.label for f in figures}
    fmt = _export_format(request)
    hop = _hop_param(request, "hop", keys)
    without = _hop_param(request, "without", keys)
    also = _hop_param(request, "also", keys)
    if fmt and request.GET.get("table") == "timeline":
        return export_response(
            fmt,
            [_("Year"), *(labels[k] for k in keys)],
            ([row["year"], *(row[k] for k in keys)] for row in timeline_rows),
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
    filter_query = _filter_query(request)
    drawing = sankey.diagram(figures, filter_query)
    timeline = _timeline_chart(timeline_rows, keys, labels)
    context = {
        "sankey": drawing,
        "sankey_body": sankey.svg_body(drawing),
        "form": form,
        "figures": figures,
        "chains": CHAINS,
        "timeline": timeline,
        "timeline_html": _timeline_html(timeline),
        "hop_labels": [(key, labels[key]) for key in keys],
        "selects": _filter_selects(form),
        "keys": keys,
        "labels": labels,
        "days_height": 36 * (len(figures) - 1) + 6,
        "query": filter_query,
    }
    if hop:
        if fmt:
            return _export_achievements_at(request, filters, hop, fmt, without, also)
        page = page_number(request.GET.get("page"))
        count, ids = dashboard.achievements_at(
            request.user,
            filters,
            hop,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
            without=without,
            also=also,
        )
        rows = (
            Achievement.objects.filter(id__in=ids)
            .select_related("organization", "alliance", "hops")
            .order_by("-id")
        )
        for row in rows:
            row.hop_date = getattr(row.hops, hop)
        list_query = request.GET.copy()
        list_query.pop("page", None)
        list_query.pop("export", None)
        context.update(
            hop=hop,
            hop_label=labels[hop],
            without_label=labels.get(without),
            also_label=labels.get(also),
            hop_count=count,
            hop_rows=rows,
            page_number=page,
            has_next=page * PAGE_SIZE < count,
            list_query=list_query.urlencode(),
        )
    return render(request, "canal/canal_dashboard.html", context)


def _filter_query(request) -> str:
    """The filters of the request, without the hop list's and the export's parameters."""
    query = request.GET.copy()
    for name in ("hop", "without", "also", "page", "export", "table"):
        query.pop(name, None)
    return query.urlencode()


def _export_achievements_at(request, filters, hop, fmt, without, also):
    params = {
        **_export_params(request, drop=("export", "page", "hop", "without", "also")),
        "hop": hop,
        "without": without,
        "also": also,
    }
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
        ("investments", pgettext_lazy("count", "Investments")),
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
    sortable = {
        "founded": lambda row: row["alliance"].founded_on,  # the default: oldest first
        "alliance": lambda row: row["alliance"].display_name,
    }
    sortable.update({key: (lambda row, key=key: row.get(key) or 0) for key, _label in columns})
    rows, sorting = sort_rows(rows, request, sortable, default="founded")
    fmt = _export_format(request)
    if fmt:
        return export_response(
            fmt,
            [_("Alliance"), *(label for _, label in columns)],
            (
                [row["alliance"].display_name, *(row.get(key) or 0 for key, _ in columns)]
                for row in rows
            ),
            "alliances",
        )
    language = get_language()
    for row in rows:
        # The page reads money as its reader does (8.5 亿元); the export keeps plain figures.
        row["cells"] = [
            money_short(row.get(key) or 0, language) if key == "invested" else row.get(key) or 0
            for key, _label in columns
        ]
    headers = [(key, _("Invested") if key == "invested" else label) for key, label in columns]
    return render(
        request, "canal/holding.html", {"rows": rows, "columns": headers, "sorting": sorting}
    )


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
        .distinct()
    )
    organizations, sorting = sort(organizations, request, ROLE_COLUMNS, default="-alliances")
    search = SearchForm(request.GET)
    q = search.text()
    if q:
        organizations = organizations.filter(Q(name__icontains=q) | Q(name_en__icontains=q))
    if request.GET.get("several") == "1":
        organizations = organizations.filter(alliance_count__gt=1)
    fmt = _export_format(request)
    if fmt and search.errors:
        return HttpResponseBadRequest(" ".join(search.errors["q"]))
    if fmt:
        return export_or_queue(request, "canal.organization_roles", _export_params(request), fmt)
    page = get_page(request, organizations, PAGE_SIZE)
    return render(
        request,
        "canal/organization_roles.html",
        {"page": page, "q": q, "search": search, "sorting": sorting},
    )


# The organisations' roles list's sortable columns (core.lists.sort): key -> fields.
ROLE_COLUMNS = {
    "name": Name("name"),
    "kind": (Choice("kind", OrganizationKind.choices), Name("name")),
    "alliances": ("alliance_count", Name("name")),
}


def import_substitution(request):
    """Products that replace imports, by field and alliance, with what they replace."""
    products = Product.objects.filter(replaces_import=True).select_related(
        "enterprise", "project__achievement__alliance"
    )
    form = ImportSubstitutionFilterForm(request.GET)
    form.is_valid()
    field = form.cleaned_data.get("field")
    if field:
        products = products.filter(project__achievement__field=field)
    alliance = form.cleaned_data.get("alliance")
    if alliance:
        products = products.filter(project__achievement__alliance=alliance)
    fmt = _export_format(request)
    if fmt:
        return export_or_queue(request, "canal.import_substitution", _export_params(request), fmt)
    summary = (
        products.order_by()
        .values("project__achievement__field", "project__achievement__alliance__name")
        .annotate(count=Count("id"), alliance_name=named("project__achievement__alliance__name"))
        .order_by("project__achievement__field", "project__achievement__alliance__name")
    )
    for row in summary:
        row["field_label"] = Field(row["project__achievement__field"]).label
    products, sorting = sort(products, request, SUBSTITUTION_COLUMNS, SUBSTITUTION_ORDER)
    page = get_page(request, products, PAGE_SIZE)
    return render(
        request,
        "canal/import_substitution.html",
        {
            "sorting": sorting,
            "page": page,
            "summary": summary,
            "fields": Field.choices,
            "alliances": Alliance.objects.order_by("name"),
            "field": field,
            "alliance": str(alliance.pk) if alliance else "",
        },
    )
