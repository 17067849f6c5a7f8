"""Rules on an achievement's inventors, shared by the forms, the API and the services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HUNDRED = Decimal("100")


def validate_inventors(inventors: list[dict]) -> None:
    """Each inventor listed once; when any is listed, the shares sum to exactly 100."""
    if not inventors:
        return
    seen: set[str] = set()
    total = Decimal("0")
    for inventor in inventors:
        name = (inventor.get("name") or "").strip().lower()
        if name in seen:
            raise ValidationError(
                _("%(name)s is listed twice; list each inventor once.")
                % {"name": inventor.get("name")},
                code="duplicate_inventor",
            )
        seen.add(name)
        try:
            total += Decimal(str(inventor.get("share") or 0))
        except InvalidOperation as error:
            raise ValidationError(_("A share must be a number."), code="invalid") from error
    if total != HUNDRED:
        raise ValidationError(
            _("The inventors' shares must sum to exactly 100 %%; they sum to %(total)s %%.")
            % {"total": format(total.normalize(), "f")},  # 50, not 5E+1
            code="shares_not_100",
        )
