"""The capital chain's hops of the canal thread: deal, investment, exit."""

from __future__ import annotations

from funds.models import Deal, Exit, Investment


def hops(achievement, user) -> dict[str, tuple]:
    deals = Deal.objects.visible_to(user).filter(project__achievement=achievement)
    found: dict[str, tuple] = {}
    first_deal = deals.select_related("fund").order_by("created", "id").first()
    if first_deal is not None:
        found["deal"] = (first_deal.created, first_deal.fund.name, first_deal.get_absolute_url())
    investment = (
        Investment.objects.filter(deal__in=deals)
        .select_related("fund", "deal")
        .order_by("invested_on", "id")
        .first()
    )
    if investment is not None:
        found["invested"] = (
            investment.invested_on,
            investment.fund.name,
            investment.deal.get_absolute_url(),
        )
    exit_ = (
        Exit.objects.filter(investment__deal__in=deals)
        .select_related("investment__fund", "investment__deal")
        .order_by("exited_on", "id")
        .first()
    )
    if exit_ is not None:
        found["exited"] = (
            exit_.exited_on,
            f"{exit_.get_kind_display()} · {exit_.investment.fund.name}",
            exit_.investment.deal.get_absolute_url(),
        )
    return found
