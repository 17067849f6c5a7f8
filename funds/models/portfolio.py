"""The portfolio: investments, their valuations and exits."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from funds.choices import (
    ExitKind,
    Instrument,
    ValuationMethod,
)
from funds.models.deals import (
    Deal,
)
from funds.models.funds import (
    MONEY,
    NOT_NEGATIVE,
    POSITIVE,
    SANE_DATE,
    Fund,
    FundScopedQuerySet,
    sane_date,
)


class Investment(TimeStampedModel):
    """Money the fund put into an approved deal."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.PROTECT, related_name="investments"
    )
    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="investments"
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE)
    invested_on = models.DateField(_("invested on"), validators=SANE_DATE)
    instrument = models.CharField(
        _("instrument"), max_length=16, choices=Instrument.choices, default=Instrument.EQUITY
    )
    stake = models.DecimalField(
        _("stake (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    shares = models.DecimalField(
        _("shares"), max_digits=20, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )

    objects = FundScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["fund", "invested_on", "id"]
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funds_investment_amount_positive",
                violation_error_message=_("An investment is more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(stake__isnull=True) | Q(stake__gte=0, stake__lte=100),
                name="funds_investment_stake_range",
                violation_error_message=_("A stake runs from 0 to 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(shares__isnull=True) | Q(shares__gte=0),
                name="funds_investment_shares_not_negative",
                violation_error_message=_("A number of shares cannot be negative."),
            ),
            sane_date("investment", "invested_on"),
        ]

    def __str__(self):
        return f"{self.deal.company} {self.amount} ({self.invested_on})"

    @property
    def realised_moic(self) -> Decimal | None:
        """Exit proceeds / cost, once exited (None before)."""
        exit_ = getattr(self, "exit", None)
        if exit_ is None:
            return None
        return exit_.proceeds / self.amount


class InvestmentChildQuerySet(FundScopedQuerySet):
    fund_path = "investment__fund"


class Valuation(TimeStampedModel):
    """The fair value of an investment on a date."""

    investment = models.ForeignKey(
        Investment,
        verbose_name=_("investment"),
        on_delete=models.CASCADE,
        related_name="valuations",
    )
    valued_on = models.DateField(_("valued on"), validators=SANE_DATE)
    fair_value = models.DecimalField(_("fair value"), **MONEY, validators=NOT_NEGATIVE)
    method = models.CharField(
        _("method"), max_length=16, choices=ValuationMethod.choices, default=ValuationMethod.COST
    )

    objects = InvestmentChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["investment", "valued_on", "id"]
        verbose_name = _("valuation")
        verbose_name_plural = _("valuations")
        constraints = [
            models.UniqueConstraint(
                fields=["investment", "valued_on"],
                name="funds_valuation_one_per_day",
                violation_error_message=_("This investment is already valued on that date."),
            ),
            models.CheckConstraint(
                condition=Q(fair_value__gte=0),
                name="funds_valuation_not_negative",
                violation_error_message=_("A fair value cannot be negative."),
            ),
            sane_date("valuation", "valued_on"),
        ]

    def __str__(self):
        return f"{self.investment}: {self.fair_value} ({self.valued_on})"


class Exit(TimeStampedModel):
    """The sale or write-off of an investment, with its proceeds."""

    investment = models.OneToOneField(
        Investment, verbose_name=_("investment"), on_delete=models.PROTECT, related_name="exit"
    )
    exited_on = models.DateField(_("exited on"), validators=SANE_DATE)
    kind = models.CharField(_("kind"), max_length=16, choices=ExitKind.choices)
    proceeds = models.DecimalField(_("proceeds"), **MONEY, validators=NOT_NEGATIVE)

    objects = InvestmentChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["exited_on", "id"]
        verbose_name = _("exit")
        verbose_name_plural = _("exits")
        constraints = [
            models.CheckConstraint(
                condition=Q(proceeds__gte=0),
                name="funds_exit_proceeds_not_negative",
                violation_error_message=_("Proceeds cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=ExitKind.WRITE_OFF) | Q(proceeds=0),
                name="funds_exit_write_off_has_no_proceeds",
                violation_error_message=_("A write-off has no proceeds."),
            ),
            sane_date("exit", "exited_on"),
        ]

    def __str__(self):
        return f"{self.investment}: {self.get_kind_display()} {self.proceeds}"
