"""The capital chain's hops of the canal thread: deal, investment, exit."""

from __future__ import annotations

from funds.models import Deal, DealEvent, Exit, Investment


def hops(achievement, user) -> dict[str, tuple]:
    deals = Deal.objects.visible_to(user).filter(project__achievement=achievement)
    found: dict[str, tuple] = {}
    sourced = (
        DealEvent.objects.filter(deal__in=deals, from_status="")
        .select_related("deal__fund", "deal")
        .order_by("at", "id")
        .first()
    )
    if sourced is not None:
        found["deal"] = (sourced.at, sourced.deal.fund.name, sourced.deal.get_absolute_url())
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
