"""Funds, their teams' scope and the review criteria."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from funds.choices import (
    DEFAULT_CRITERIA,
    REFERABLE_PROJECT_STAGES,
    Currency,
    FundStatus,
)
from members import roles
from members.models import Organization

MONEY = {"max_digits": 18, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"))]
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]

# Every date of the fund's records lies in a sane range: a typo such as 0001-01-01 or
# 20201-01-15 is refused by the field validators and by a CHECK in the database.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
SANE_DATE = [
    MinValueValidator(EARLIEST_DATE, message=_("A date from 1900-01-01 to 2100-12-31, please.")),
    MaxValueValidator(LATEST_DATE, message=_("A date from 1900-01-01 to 2100-12-31, please.")),
]


def sane_date(model: str, field: str, *, null: bool = False) -> models.CheckConstraint:
    """The CHECK that keeps ``field`` of ``model`` from 1900-01-01 to 2100-12-31."""
    within = Q(**{f"{field}__gte": EARLIEST_DATE, f"{field}__lte": LATEST_DATE})
    return models.CheckConstraint(
        condition=(Q(**{f"{field}__isnull": True}) | within) if null else within,
        name=f"funds_{model}_{field}_sane",
        violation_error_message=_("A date from 1900-01-01 to 2100-12-31, please."),
    )


class FundScopedQuerySet(models.QuerySet):
    """Fund data is seen only by the fund's team and the holding's analysts.

    ``fund_path`` leads from the row to its fund ("" for the fund itself). A user sits on a
    fund's team once, so following it never duplicates a row.
    """

    fund_path = "fund"

    def _team(self, user):
        lookup = f"{self.fund_path}__team" if self.fund_path else "team"
        return self.filter(**{lookup: user})

    def visible_to(self, user):
        if roles.reads_everything(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self._team(user)

    def editable_by(self, user):
        if user.is_authenticated and user.is_superuser:
            return self
        if not user.is_authenticated:
            return self.none()
        return self._team(user)


class FundQuerySet(FundScopedQuerySet):
    fund_path = ""

    def referable_by(self, user, project):
        """The funds ``user`` may hand ``project`` over to.

        A superuser and the secretariat of the project's alliance choose any fund; a fund
        manager refers to the funds whose team they are on. Nothing before the project
        reaches industrialization.
        """
        if not user.is_authenticated or project.stage not in REFERABLE_PROJECT_STAGES:
            return self.none()
        if user.is_superuser or (
            project.achievement.alliance_id in roles.served_alliance_id_set(user)
        ):
            return self
        return self._team(user)


class Fund(TimeStampedModel):
    """An industry fund, with its team of fund managers."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    manager = models.ForeignKey(
        Organization,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="managed_funds",
    )
    target_size = models.DecimalField(_("target size"), **MONEY, validators=POSITIVE)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    vintage_year = models.PositiveSmallIntegerField(
        _("vintage year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=FundStatus.choices, default=FundStatus.INVESTING
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team"), blank=True, related_name="fund_teams"
    )
    # Where the partners pay their calls: printed on every call notice.
    bank_account_name = models.CharField(_("bank account name"), max_length=200, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account_number = models.CharField(_("bank account number"), max_length=64, blank=True)

    objects = FundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-vintage_year", "name"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_size__gt=0),
                name="funds_fund_target_positive",
                violation_error_message=_("The target size is more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(vintage_year__gte=1990, vintage_year__lte=2100),
                name="funds_fund_vintage_range",
                violation_error_message=_("The vintage year is between 1990 and 2100."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("funds:fund", kwargs={"pk": self.pk})

    @property
    def code(self) -> str:
        """The fund's short code in payment references ("F7" for fund 7)."""
        return f"F{self.pk}"

    @property
    def has_bank_account(self) -> bool:
        return bool(self.bank_name and self.bank_account_number)


class ReviewCriterion(models.Model):
    """A criterion deals of the fund are scored on, with its weight."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.CASCADE, related_name="criteria"
    )
    key = models.SlugField(pgettext_lazy("review criterion", "key"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, validators=POSITIVE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["fund", "position", "id"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "key"],
                name="funds_reviewcriterion_unique_key",
                violation_error_message=_("The fund already has this criterion."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="funds_reviewcriterion_weight_positive",
                violation_error_message=_("A weight is more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight})"

    @property
    def display_name(self) -> str:
        """The name in the reader's language: a default criterion still under its default
        name (stored in the language of whoever created the fund) reads in the active
        language; a name the fund's team gave it reads as entered."""
        default = dict((key, label) for key, label, _weight in DEFAULT_CRITERIA).get(self.key)
        if default is not None and self.name in _names_in_every_language(self.key):
            return str(default)
        return self.name


@functools.cache
def _names_in_every_language(key: str) -> frozenset[str]:
    """A default criterion's label in each language of the site."""
    label = next(label for k, label, _weight in DEFAULT_CRITERIA if k == key)
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label))
    return frozenset(names)
