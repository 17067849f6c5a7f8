"""The canal's and the holding's exports that may be long: each is built for a user and a set
of parameters (the page's query string), by the page or again by a background job."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, Window
from django.http import QueryDict
from django.utils.translation import gettext as _

from canal import dashboard
from canal.forms import CanalFilterForm
from core.exports import Table, labelled, named, register
from core.lists import Choice, Name, Text, sort_by
from members import roles
from members.choices import MembershipRole, MembershipStatus, OrganizationKind
from members.models import Membership
from projects.choices import AchievementStatus, Field
from projects.models import Product


def _query(params: dict) -> QueryDict:
    return QueryDict(params.get("query", ""))


def _analysts_only(user) -> None:
    if not roles.reads_everything(user):
        raise PermissionDenied(_("The consolidated view is for the holding's analysts."))


@register("canal.hop")
def achievements_at_hop(user, params: dict) -> Table:
    """The achievements that passed through one hop of the funnel, newest first."""
    if not dashboard.may_see_dashboard(user):
        raise PermissionDenied(_("The canal dashboard is for the secretariat and the holding."))
    hop = params.get("hop")
    if hop not in dashboard.KEYS or (
        hop in dashboard.CAPITAL and not dashboard.shows_capital(user)
    ):
        raise PermissionDenied(_("This hop is not shown to you."))
    query = _query(params)
    filters = CanalFilterForm(query or None, user=user).filters()
    fields, statuses = dict(Field.choices), dict(AchievementStatus.choices)
    # The flow diagram's bands: those of the hop that skipped, or went on to, another hop.
    without = params.get("without") if params.get("without") in dashboard.KEYS else None
    also = params.get("also") if params.get("also") in dashboard.KEYS else None

    def rows():
        # Raw rows from a server-side cursor; only the two labels are looked up here.
        for title, institute, alliance, field, status, on, days in dashboard.export_rows_at(
            user, filters, hop, without=without, also=also
        ):
            yield [
                title,
                institute,
                alliance,
                fields.get(field, field),
                statuses.get(status, status),
                on,
                days,
            ]

    return Table.from_rows(
        [
            _("Achievement"),
            _("Institute"),
            _("Alliance"),
            _("Field"),
            _("Status"),
            _("Date reached"),
            _("Days"),
        ],
        rows,
        f"canal-{hop}",
        title=_("Achievements at a hop of the canal"),
        count=lambda: dashboard.achievements_at(
            user, filters, hop, limit=0, offset=0, without=without, also=also
        )[0],
    )


def organization_roles_rows(query: QueryDict):
    """Each active membership with its organisation, ordered as the page lists them: the
    organisations in the most alliances first, then by name."""
    active = Membership.objects.filter(status=MembershipStatus.ACTIVE)
    rows = active.annotate(alliance_count=Window(Count("id"), partition_by=[F("organization_id")]))
    q = query.get("q", "").strip()
    if q:
        rows = rows.filter(
            Q(organization__name__icontains=q) | Q(organization__name_en__icontains=q)
        )
    if query.get("several") == "1":
        rows = rows.filter(alliance_count__gt=1)
    return rows.order_by(
        "-alliance_count", "organization__name", "organization_id", "alliance__name", "id"
    ).values_list(
        named("organization__name"),
        labelled("organization__kind", OrganizationKind.choices),
        named("alliance__name"),
        labelled("role", MembershipRole.choices),
    )


@register("canal.organization_roles")
def organization_roles(user, params: dict) -> Table:
    _analysts_only(user)
    return Table.from_queryset(
        [_("Organisation"), _("Kind"), _("Alliance"), _("Role")],
        organization_roles_rows(_query(params)),
        "organisation-roles",
        title=_("Organisations' roles across the alliances"),
    )


# The import-substitution list's sortable columns (core.lists), which its export follows.
SUBSTITUTION_COLUMNS = {
    "product": Text("name"),
    "enterprise": (Name("enterprise__name"), "name"),
    "field": (Choice("project__achievement__field", Field.choices), "name"),
    "replaces": ("replaced_product", "name"),
    "share": ("domestic_market_share", "name"),
    "launched": ("launch_date", "name"),
}
SUBSTITUTION_ORDER = "field"


@register("canal.import_substitution")
def import_substitution(user, params: dict) -> Table:
    """Products that replace imports (a public list)."""
    query = _query(params)
    products = Product.objects.filter(replaces_import=True)
    field = query.get("field")
    if field in Field.values:
        products = products.filter(project__achievement__field=field)
    alliance = query.get("alliance")
    if alliance and alliance.isdigit():
        products = products.filter(project__achievement__alliance_id=int(alliance))
    products, _sorting = sort_by(
        products, query.get("ordering"), SUBSTITUTION_COLUMNS, SUBSTITUTION_ORDER
    )
    rows = products.values_list(
        "name",
        named("enterprise__name"),
        labelled("project__achievement__field", Field.choices),
        named("project__achievement__alliance__name"),
        "replaced_product",
        "domestic_market_share",
        "launch_date",
    )
    return Table.from_queryset(
        [
            _("Product"),
            _("Enterprise"),
            _("Field"),
            _("Alliance"),
            _("Replaced foreign product or supplier"),
            _("Domestic share (%)"),
            _("Launched"),
        ],
        rows,
        "import-substitution",
        title=_("Import substitution"),
    )
