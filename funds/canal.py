"""The capital chain's part of the canal: deal, investment, exit.

The dates come from the achievement's stored hop row (``projects.hops``), written by the fund
services; this module names the fund at each reached hop, links the deal, and tells
``rebuild_canal`` where the dates come from. The capital hops are shown to those who read
every fund's data (the holding's analysts) and to a fund's team for a deal of its own.
"""

from __future__ import annotations

from core.canal import HopDetail
from funds.models import Deal, Exit, Investment
from members import roles

# (achievement_id, hop, date) from the recorded history: deals sourced from a project (the
# day the deal was created), the first investment and exit on such a deal.
HISTORY = """
SELECT p.achievement_id, 'deal', (d.created AT TIME ZONE %(tz)s)::date
  FROM funds_deal d JOIN projects_project p ON p.id = d.project_id
UNION ALL
SELECT p.achievement_id, 'invested', i.invested_on
  FROM funds_investment i JOIN funds_deal d ON d.id = i.deal_id
  JOIN projects_project p ON p.id = d.project_id
UNION ALL
SELECT p.achievement_id, 'exited', x.exited_on
  FROM funds_exit x JOIN funds_investment i ON i.id = x.investment_id
  JOIN funds_deal d ON d.id = i.deal_id JOIN projects_project p ON p.id = d.project_id
"""


def hops(achievement, user, dates: dict) -> dict[str, HopDetail | None]:
    deals = Deal.objects.visible_to(user).filter(project__achievement=achievement)
    first_deal = deals.select_related("fund").order_by("created", "id").first()
    if first_deal is None and not (user.is_superuser or roles.reads_everything(user)):
        return {}
    found: dict[str, HopDetail | None] = {"deal": None, "invested": None, "exited": None}
    if dates.get("deal"):
        found["deal"] = (
            HopDetail(first_deal.fund.name, first_deal.get_absolute_url())
            if first_deal
            else HopDetail()
        )
    if dates.get("invested"):
        investment = (
            Investment.objects.filter(deal__in=deals)
            .select_related("fund", "deal")
            .order_by("invested_on", "id")
            .first()
        )
        found["invested"] = (
            HopDetail(investment.fund.name, investment.deal.get_absolute_url())
            if investment
            else HopDetail()
        )
    if dates.get("exited"):
        exit_ = (
            Exit.objects.filter(investment__deal__in=deals)
            .select_related("investment__fund", "investment__deal")
            .order_by("exited_on", "id")
            .first()
        )
        found["exited"] = (
            HopDetail(
                f"{exit_.get_kind_display()} · {exit_.investment.fund.name}",
                exit_.investment.deal.get_absolute_url(),
            )
            if exit_
            else HopDetail()
        )
    return found
