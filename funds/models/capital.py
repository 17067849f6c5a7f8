"""The limited partners' money: commitments, capital calls and their allocations."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from funds.choices import AllocationStatus
from funds.models.funds import (
    MONEY,
    NOT_NEGATIVE,
    POSITIVE,
    SANE_DATE,
    Fund,
    FundScopedQuerySet,
    sane_date,
)
from members.models import Organization


class Commitment(TimeStampedModel):
    """A limited partner's commitment to a fund."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="commitments"
    )
    limited_partner = models.ForeignKey(
        Organization,
        verbose_name=_("limited partner"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE)
    committed_on = models.DateField(_("committed on"), validators=SANE_DATE)

    objects = FundScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["fund", "-amount", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "limited_partner"],
                name="funds_commitment_one_per_partner",
                violation_error_message=_("This limited partner already has a commitment."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funds_commitment_amount_positive",
                violation_error_message=_("A commitment is more than zero."),
            ),
            sane_date("commitment", "committed_on"),
        ]

    def __str__(self):
        return f"{self.limited_partner} → {self.fund}: {self.amount}"


class CapitalCall(TimeStampedModel):
    """A call on the limited partners, split pro rata to their commitments."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="capital_calls"
    )
    number = models.PositiveIntegerField(_("number"))
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE)
    call_date = models.DateField(_("call date"), validators=SANE_DATE)
    due_date = models.DateField(_("due date"), validators=SANE_DATE)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)

    objects = FundScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["fund", "number"]
        verbose_name = _("capital call")
        verbose_name_plural = _("capital calls")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "number"],
                name="funds_capitalcall_unique_number",
                violation_error_message=_("This call number is taken."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funds_capitalcall_amount_positive",
                violation_error_message=_("A call is more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("call_date")),
                name="funds_capitalcall_due_after_call",
                violation_error_message=_("The due date cannot be before the call date."),
            ),
            sane_date("capitalcall", "call_date"),
            sane_date("capitalcall", "due_date"),
        ]

    def __str__(self):
        return f"{self.fund} #{self.number}"

    def get_absolute_url(self):
        return reverse("funds:call", kwargs={"pk": self.pk})


class AllocationQuerySet(FundScopedQuerySet):
    fund_path = "call__fund"


class CapitalCallAllocation(models.Model):
    """One limited partner's part of a capital call, and what it has paid.

    ``paid_amount`` is the sum of the allocation's payments and ``paid_on`` the date of the
    last one (None before any): a database trigger on the payments keeps both up to date.
    """

    call = models.ForeignKey(
        CapitalCall,
        verbose_name=_("capital call"),
        on_delete=models.CASCADE,
        related_name="allocations",
    )
    limited_partner = models.ForeignKey(
        Organization, verbose_name=_("limited partner"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=NOT_NEGATIVE)
    paid_amount = models.DecimalField(
        _("paid"), **MONEY, default=Decimal("0"), validators=NOT_NEGATIVE
    )
    paid_on = models.DateField(_("last paid on"), null=True, blank=True, validators=SANE_DATE)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["call", "-amount", "id"]
        verbose_name = _("capital call allocation")
        verbose_name_plural = _("capital call allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "limited_partner"],
                name="funds_allocation_one_per_partner",
                violation_error_message=_("A limited partner has one allocation per call."),
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=F("amount")),
                name="funds_allocation_paid_within_amount",
                violation_error_message=_("The paid amount runs from zero to the amount called."),
            ),
            sane_date("allocation", "paid_on", null=True),
        ]

    def __str__(self):
        return f"{self.call}: {self.limited_partner} {self.amount}"

    def get_absolute_url(self):
        return reverse("funds:call_notice", kwargs={"pk": self.call_id, "allocation": self.pk})

    @property
    def unpaid(self) -> Decimal:
        return self.amount - self.paid_amount

    @property
    def status(self) -> str:
        if self.paid_amount >= self.amount:
            return "paid"
        return "partial" if self.paid_amount > 0 else "due"

    def get_status_display(self) -> str:

        return str(AllocationStatus(self.status).label)


class PaymentQuerySet(FundScopedQuerySet):
    fund_path = "allocation__call__fund"


class Payment(TimeStampedModel):
    """One instalment a limited partner paid on its part of a capital call, on its own date.

    Never before the call's date, never in the future, never beyond what is still unpaid of
    the allocation: ``payment_record`` checks it and a database trigger backs it.
    """

    allocation = models.ForeignKey(
        CapitalCallAllocation,
        verbose_name=_("allocation"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE)
    paid_on = models.DateField(_("paid on"), validators=SANE_DATE)
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("The bank's reference of the transfer, if any."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PaymentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["allocation", "paid_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["allocation", "paid_on"], name="funds_payment_alloc_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funds_payment_amount_positive",
                violation_error_message=_("A payment is more than zero."),
            ),
            sane_date("payment", "paid_on"),
        ]

    def __str__(self):
        return f"{self.allocation}: {self.amount} ({self.paid_on})"

    @property
    def capital_call(self) -> CapitalCall:
        return self.allocation.call

    @property
    def limited_partner(self) -> Organization:
        return self.allocation.limited_partner
