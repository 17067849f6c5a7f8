"""The holding's direct investments on an organisation's page (investor or company)."""

from __future__ import annotations

from django.db.models import Q
from django.template.loader import render_to_string

from funds.models import HoldingInvestment


def organization_investments_panel(request, organization) -> str:
    investments = list(
        HoldingInvestment.objects.filter(Q(investor=organization) | Q(company=organization))
        .select_related("investor", "company")
        .order_by("-invested_on", "id")
    )
    if not investments:
        return ""
    return render_to_string(
        "funds/_holding_investments.html",
        {"investments": investments, "organization": organization},
        request=request,
    )
