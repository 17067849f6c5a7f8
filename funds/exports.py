"""The deal table's export, for the page and for a background job."""

from __future__ import annotations

from django.db.models import DurationField, ExpressionWrapper, F, Value
from django.db.models.functions import Coalesce, Extract, Now, TruncDate
from django.http import Http404, QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.exports import Table, labelled, named, register
from core.forms import filtered
from core.lists import Age, Choice, Name, sort_by
from core.money import currency_label
from funds.choices import Currency, DealSource, DealStage
from funds.filtersets import DealFilterSet
from funds.models import Deal, Fund

# The deal table's sortable columns (core.lists), which its export follows.
DEAL_COLUMNS = {
    "company": (Name("company__name"), "created"),
    "stage": (Choice("stage", DealStage.choices), "created"),
    "requested": ("requested_amount", "created"),
    "owner": ("owner__username", "created"),
    "score": ("average_score", "created"),
    "days": (Age("stage_changed_at"), "created"),
    "created": "created",
}
DEAL_ORDER = "-created"


def deal_rows(fund: Fund, query: QueryDict):
    """The deals the table shows (its filters and order), as the file's columns."""
    deals, _sorting = sort_by(
        Deal.objects.filter(fund=fund), query.get("ordering"), DEAL_COLUMNS, DEAL_ORDER
    )
    deals = filtered(DealFilterSet(query or None, queryset=deals))
    in_stage = ExpressionWrapper(Now() - F("stage_changed_at"), output_field=DurationField())
    return deals.values_list(
        named("company__name"),
        labelled("stage", DealStage.choices),
        "requested_amount",
        "pre_money_valuation",
        labelled("currency", [(code, currency_label(get_language(), code)) for code in Currency]),
        "owner__username",
        labelled("source", DealSource.choices),
        "average_score",
        Coalesce(Extract(in_stage, "day"), Value(0)),
        Coalesce("project__title", Value("")),
        TruncDate("created"),
    )


@register("funds.deals")
def deals(user, params: dict) -> Table:
    fund = Fund.objects.visible_to(user).filter(pk=params.get("fund")).first()
    if fund is None:
        raise Http404(_("No such fund."))
    return Table.from_queryset(
        [
            _("Company"),
            _("Stage"),
            _("Requested amount"),
            _("Pre-money valuation"),
            _("Currency"),
            _("Owner"),
            _("Source"),
            _("Average score"),
            _("Days in stage"),
            _("Project"),
            _("Created"),
        ],
        deal_rows(fund, QueryDict(params.get("query", ""))),
        f"deals-{fund.pk}",
        title=_("Deals of %(fund)s") % {"fund": fund.name},
    )
