"""What every fund page starts from: the fund the user may see, and whether they are on
its team."""

from django.shortcuts import get_object_or_404

from funds import services
from funds.models import Fund

PAGE_SIZE = 25


def visible_fund(request, pk) -> Fund:
    return get_object_or_404(Fund.objects.visible_to(request.user).select_related("manager"), pk=pk)


def is_on_team(request, fund) -> bool:
    return services.on_team(fund, request.user)
