"""The funds in the admin: set up by an administrator, read by the fund's team.

Every write goes through the same service as the portal and the API: a fund through
``fund_save`` (which gives it the default review criteria), its commitments through
``commitment_save``, a deal through ``deal_save``. Calls, payments (one row per
instalment), reviews, committee decisions, investments, valuations and exits are recorded
on the portal pages that run their services; here they are read-only, with a link to that
page.

The holding's own direct investments (CAS Holdings in Levima, say) are recorded and
corrected here by an administrator, through ``holding_investment_save``; the holding's
analysts read them; no other role sees them here (both organisations' pages show them).
"""

from django.contrib import admin
from django.utils.translation import get_language, gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    CodeLabelsMixin,
    RecordedInPortalMixin,
    ScopedAdminMixin,
    ServiceSaveMixin,
)
from core.money import money_short
from funds import services
from funds.models import (
    CapitalCall,
    CapitalCallAllocation,
    Commitment,
    CommitteeDecision,
    Deal,
    DealEvent,
    DealReview,
    Exit,
    Fund,
    HoldingInvestment,
    Investment,
    Payment,
    ReviewCriterion,
    Valuation,
)


class VisibleMixin(ScopedAdminMixin):
    """The admin lists fund data as the portal does: the fund's team and the analysts; the
    fund's team changes it."""

    scope_visible = True


class CriterionInline(admin.TabularInline):
    model = ReviewCriterion
    extra = 0


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    can_delete = False
    autocomplete_fields = ("limited_partner",)


@admin.register(Fund)
class FundAdmin(ServiceSaveMixin, VisibleMixin, SimpleHistoryAdmin):
    list_display = ("name", "manager", "target_size", "currency", "vintage_year", "status")
    list_filter = ("status", "currency")
    search_fields = ("name",)
    filter_horizontal = ("team",)
    autocomplete_fields = ("manager",)
    save_with = staticmethod(services.fund_save)
    inline_save_with = {Commitment: services.commitment_save}

    def get_inlines(self, request, obj):
        # A new fund gets the default criteria from fund_save; they are edited afterwards.
        return [CriterionInline, CommitmentInline] if obj is not None else [CommitmentInline]


class AllocationInline(admin.TabularInline):
    model = CapitalCallAllocation
    extra = 0
    can_delete = False
    fields = readonly_fields = ("limited_partner", "amount", "paid_amount", "paid_on")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CapitalCall)
class CapitalCallAdmin(RecordedInPortalMixin, VisibleMixin, SimpleHistoryAdmin):
    """Calls are issued and paid in the portal (which allocates them); here they are read."""

    list_display = ("fund", "number", "amount", "call_date", "due_date", "portal_link")
    list_filter = ("fund",)
    inlines = [AllocationInline]


@admin.register(Payment)
class PaymentAdmin(RecordedInPortalMixin, VisibleMixin, SimpleHistoryAdmin):
    """Instalments are recorded on the capital call's page, one at a time."""

    list_display = ("allocation", "amount", "paid_on", "reference", "recorded_by", "portal_link")
    list_filter = ("allocation__call__fund",)
    list_select_related = ("allocation__call__fund", "allocation__limited_partner", "recorded_by")
    search_fields = ("reference", "allocation__limited_partner__name")
    date_hierarchy = "paid_on"

    def portal_url(self, obj):
        return obj.allocation.call.get_absolute_url()


class DealEventInline(CodeLabelsMixin, admin.TabularInline):
    model = DealEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "from_status", "to_status", "comment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deal)
class DealAdmin(ServiceSaveMixin, VisibleMixin, SimpleHistoryAdmin):
    list_display = ("company", "fund", "stage", "requested_amount", "owner", "average_score")
    list_filter = ("fund", "stage", "source")
    search_fields = ("company__name",)
    list_select_related = ("company", "fund", "owner")
    readonly_fields = ("stage", "stage_reason", "resume_stage", "stage_changed_at", "average_score")
    autocomplete_fields = ("company",)
    inlines = [DealEventInline]
    save_with = staticmethod(services.deal_save)

    def has_delete_permission(self, request, obj=None):
        return False  # a deal leaves the board by being declined, with its history


class DealRecordAdmin(RecordedInPortalMixin, VisibleMixin, admin.ModelAdmin):
    """Recorded on the deal page in the portal."""

    def portal_url(self, obj):
        return self.deal_of(obj).get_absolute_url()

    def deal_of(self, obj):
        return obj.deal


@admin.register(DealReview)
class DealReviewAdmin(DealRecordAdmin):
    list_display = ("deal", "reviewer", "weighted_score", "created", "portal_link")


class DealRecordHistoryAdmin(DealRecordAdmin, SimpleHistoryAdmin):
    """The same, for records that keep their change history."""


@admin.register(CommitteeDecision)
class CommitteeDecisionAdmin(DealRecordHistoryAdmin):
    list_display = (
        "deal",
        "meeting_date",
        "decision",
        "votes_for",
        "votes_against",
        "votes_abstain",
        "portal_link",
    )
    list_filter = ("decision",)


@admin.register(Investment)
class InvestmentAdmin(DealRecordHistoryAdmin):
    list_display = ("deal", "fund", "amount", "invested_on", "instrument", "stake", "portal_link")
    list_filter = ("fund", "instrument")


@admin.register(Valuation)
class ValuationAdmin(DealRecordHistoryAdmin):
    list_display = ("investment", "valued_on", "fair_value", "method", "portal_link")

    def deal_of(self, obj):
        return obj.investment.deal


@admin.register(Exit)
class ExitAdmin(DealRecordHistoryAdmin):
    list_display = ("investment", "exited_on", "kind", "proceeds", "portal_link")

    def deal_of(self, obj):
        return obj.investment.deal


@admin.register(HoldingInvestment)
class HoldingInvestmentAdmin(ServiceSaveMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("investor", "company", "amount_shown", "invested_on", "approximate")
    list_filter = ("currency", "approximate")
    search_fields = ("investor__name", "company__name")
    date_hierarchy = "invested_on"
    autocomplete_fields = ("investor", "company")
    fields = ("investor", "company", "amount", "currency", "invested_on", "approximate", "source")
    scope_visible = True
    save_with = staticmethod(services.holding_investment_save)

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_shown(self, obj):
        return money_short(obj.amount, get_language(), obj.currency)

    def has_delete_permission(self, request, obj=None):
        # A recorded fact is corrected, not deleted (the organisations are protected too).
        return False
