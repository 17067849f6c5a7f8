"""A holding's own investment in a company: not a fund's, never in any fund's figures."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from funds.choices import Currency
from funds.models.funds import MONEY, POSITIVE
from members.models import Organization


class HoldingInvestment(TimeStampedModel):
    """Money a holding (CAS Holdings, say) put directly into a company, outside its funds.

    Public facts about the holding's portfolio, shown on both organisations' pages. The
    date may be known only roughly ("two years ago" in a press article): ``approximate``.
    """

    investor = models.ForeignKey(
        Organization,
        verbose_name=_("investor"),
        on_delete=models.PROTECT,
        related_name="direct_investments",
    )
    company = models.ForeignKey(
        Organization,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="direct_investors",
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    invested_on = models.DateField(_("invested on"))
    approximate = models.BooleanField(_("date approximate"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["-invested_on", "id"]
        verbose_name = _("holding's direct investment")
        verbose_name_plural = _("holding's direct investments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funds_holdinginvestment_amount_positive",
                violation_error_message=_("An investment is more than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(investor=models.F("company")),
                name="funds_holdinginvestment_not_in_itself",
                violation_error_message=_("An organisation does not invest in itself."),
            ),
        ]

    def __str__(self):
        return f"{self.investor} → {self.company}: {self.amount} {self.currency}"
