"""Who may write a fund's data: the check every fund service starts with."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from funds.models import Fund


def on_team(fund: Fund, user) -> bool:
    """The user may write the fund's data (``Fund.objects.editable_by``)."""
    return Fund.objects.editable_by(user).filter(pk=fund.pk).exists()


def check_team(fund: Fund, actor) -> None:
    if on_team(fund, actor):
        return
    raise PermissionDenied(_("Only the fund's team may do this."))
