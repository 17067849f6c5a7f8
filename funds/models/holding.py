"""A holding's own investment in a company: not a fund's, never in any fund's figures."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.money import money_short
from funds.choices import Currency
from funds.models.funds import MONEY, POSITIVE, SANE_DATE, sane_date
from members.choices import OrganizationKind
from members.models import Organization


class HoldingInvestmentQuerySet(models.QuerySet):
    """Public facts (both organisations' pages show them to everyone); only an
    administrator records or corrects them — the analysts read them, as they read
    everything, and no other role changes them."""

    def visible_to(self, user):
        return self

    @staticmethod
    def may_write(user) -> bool:
        """The one rule: an administrator records and corrects them."""
        return user.is_authenticated and user.is_superuser

    def editable_by(self, user):
        return self if self.may_write(user) else self.none()


class HoldingInvestment(TimeStampedModel):
    """Money a holding (CAS Holdings, say) put directly into a company, outside its funds.

    Public facts about the holding's portfolio, shown on both organisations' pages. The
    date may be known only roughly ("two years ago" in a press article): ``approximate``.

    The invariants, each backed by the database: the amount is more than zero; the investor
    is an investor (a holding: ``kind = investor``, checked by a trigger, which also keeps an
    organisation that made such an investment from becoming another kind); the company is
    another organisation; the date lies from 1900 to 2100 and is not in the future (the
    trigger, judged at UTC+14 as the fund's dates are); the currency is one of the choices;
    one investment per investor, company and day.
    """

    investor = models.ForeignKey(
        Organization,
        verbose_name=_("investor"),
        on_delete=models.PROTECT,
        related_name="direct_investments",
        limit_choices_to={"kind": OrganizationKind.INVESTOR},
        help_text=_("The holding: an organisation of the kind “Investor”."),
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
    invested_on = models.DateField(_("invested on"), validators=SANE_DATE)
    approximate = models.BooleanField(_("date approximate"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = HoldingInvestmentQuerySet.as_manager()
    history = HistoricalRecords()

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
            models.CheckConstraint(
                condition=Q(currency__in=Currency.values),
                name="funds_holdinginvestment_currency_known",
                violation_error_message=_("Choose one of the listed currencies."),
            ),
            sane_date("holdinginvestment", "invested_on"),
            models.UniqueConstraint(
                fields=["investor", "company", "invested_on"],
                name="funds_holdinginvestment_once_a_day",
                violation_error_message=_(
                    "This investor's investment in this company on this day is already recorded."
                ),
            ),
        ]

    def __str__(self):
        # In the reader's units (8.5 亿元 / CNY 850 million), as every amount on screen.
        amount = money_short(self.amount, get_language(), self.currency)
        return f"{self.investor} → {self.company}: {amount}"
